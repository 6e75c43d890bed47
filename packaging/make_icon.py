"""Draw kpdesk's icon and write `resources/kpdesk.png` (256 px) and `resources/kpdesk.ico` (16–256 px).

Run once after changing the drawing: `QT_QPA_PLATFORM=offscreen python packaging/make_icon.py`. The files are
committed; the build does not run this. Qt draws the pictures (it is already a dependency), and the .ico is
assembled here from PNG images, which Windows Vista and later read at every size.
"""

from __future__ import annotations

import math
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (16, 24, 32, 48, 64, 128, 256)

BLUE = "#1f5fa8"
PAPER = "#ffffff"
FOLD = "#c9d7ea"
LINE = "#8aa2c2"
RED = "#d32f2f"
YELLOW = "#ffd54f"


def draw_png(size: int) -> bytes:
    """Return the icon at `size` × `size` pixels as PNG bytes: a report page with a star, on a blue tile."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt  # noqa: TID251
    from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen, QPolygonF  # noqa: TID251

    _app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 (QPainter needs an application)
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256.0

    # The tile.
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(BLUE))
    p.drawRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 44 * s, 44 * s)

    # The page with a folded corner.
    left, top, right, bottom, fold = 62 * s, 34 * s, 194 * s, 222 * s, 40 * s
    page = QPainterPath()
    page.moveTo(left, top)
    page.lineTo(right - fold, top)
    page.lineTo(right, top + fold)
    page.lineTo(right, bottom)
    page.lineTo(left, bottom)
    page.closeSubpath()
    p.setBrush(QColor(PAPER))
    p.drawPath(page)
    p.setBrush(QColor(FOLD))
    corner = [QPointF(right - fold, top), QPointF(right - fold, top + fold), QPointF(right, top + fold)]
    p.drawPolygon(QPolygonF(corner))

    # Text lines (fewer on small sizes, so they stay lines and not a grey smudge).
    lines = (92, 122, 152) if size >= 32 else (104, 144)
    pen = QPen(QColor(LINE), max(1.0, 12 * s))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    for n, y in enumerate(lines):
        end = right - 22 * s if n else right - fold - 14 * s
        p.drawLine(QPointF(left + 22 * s, y * s), QPointF(end, y * s))

    # A red seal with a yellow star, bottom right.
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(RED))
    cx, cy, r = 176 * s, 184 * s, 50 * s
    p.drawEllipse(QPointF(cx, cy), r, r)
    star = QPolygonF()
    for k in range(10):
        radius = (30 if k % 2 == 0 else 12) * s
        angle = -math.pi / 2 + k * math.pi / 5
        star.append(QPointF(cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    p.setBrush(QColor(YELLOW))
    p.drawPolygon(star)
    p.end()

    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    buf.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """Return a .ico file holding `pngs` ({size: PNG bytes}), each stored as PNG."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = 6 + 16 * len(pngs)
    entries, images = b"", b""
    for size, png in sorted(pngs.items()):
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICO directory entry
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset)
        images += png
        offset += len(png)
    return header + entries + images


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out = ROOT / "resources"
    out.mkdir(exist_ok=True)
    pngs = {size: draw_png(size) for size in SIZES}
    (out / "kpdesk.png").write_bytes(pngs[256])
    (out / "kpdesk.ico").write_bytes(ico_bytes(pngs))
    sys.stdout.write(
        f"resources/kpdesk.png: {len(pngs[256])} bytes; resources/kpdesk.ico: "
        f"{(out / 'kpdesk.ico').stat().st_size} bytes ({', '.join(map(str, SIZES))} px)\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
