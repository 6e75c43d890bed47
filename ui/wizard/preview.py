"""The report as it will print, made from the same frame the .docx is made from: as HTML (`frame_html`), and
laid out on A4 pages with the .docx's margins, type sizes and spacing (`PagedPreview`).

Every text comes from the core: `report.build_frame` gives the letterhead texts, title, Kính gửi, bases,
body blocks, recipients and signer; `kpdesk.render.frame` gives the exact printed lines (number line,
place and date, Nơi nhận with "Như trên"/"Lưu", the closing "./."). Only the layout is approximated: Qt breaks
lines and pages itself, so a page break may fall a line or two away from Word's.
"""

from __future__ import annotations

import html
from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QTextDocument, QTextFormat
from PySide6.QtWidgets import QScrollArea, QSizePolicy, QWidget

from kpdesk.render.markup import Block, Heading, ListItem, Paragraph, Run, Table

if TYPE_CHECKING:  # the frame module imports python-docx (~50 ms): not needed until a preview is shown
    from kpdesk.render import frame as nd30

#: The 96-per-inch pixels QTextDocument lays text out in, per twip (1/1440 inch) of the .docx.
_TWIP = 96 / 1440
_GAP = 16


@cache
def page_geometry() -> tuple[QSizeF, tuple[float, float, float, float]]:
    """The page of the .docx (`kpdesk.render.frame`: A4, top and bottom 20 mm, left 30 mm, right 15 mm) in
    pixels: its size and its margins (left, top, right, bottom)."""
    from kpdesk.render import frame as nd30

    margins = (nd30.MARGIN_LEFT, nd30.MARGIN_TOP, nd30.MARGIN_RIGHT, nd30.MARGIN_BOTTOM)
    return QSizeF(nd30.PAGE_W * _TWIP, nd30.PAGE_H * _TWIP), tuple(m * _TWIP for m in margins)  # type: ignore[return-value]


def _css() -> str:
    """The page's type, from the sizes and spacing the .docx is written with (`kpdesk.render.frame`); Qt reads
    lengths of margins and indents in pixels only."""
    from kpdesk.render import frame as nd30

    return f"""
body {{ font-family: 'Times New Roman', 'Liberation Serif', 'DejaVu Serif', serif; font-size: {nd30.SIZE_BODY}pt;
       color: #000; }}
p {{ margin-top: 0; margin-bottom: {nd30.BODY_AFTER * _TWIP:.0f}px; line-height: {nd30.BODY_LINE / 240 * 100:.0f}%; }}
p.x {{ text-indent: {nd30.BODY_FIRST_LINE * _TWIP:.0f}px; text-align: justify; }}
td {{ vertical-align: top; }}
td p {{ line-height: 100%; }}
.c {{ text-align: center; }}
.b {{ font-weight: bold; }}
.i {{ font-style: italic; }}
.small {{ font-size: {nd30.SIZE_NOI_NHAN}pt; }}
.hd {{ font-size: {nd30.SIZE_AGENCY}pt; }}
"""


def _e(text: str) -> str:
    """Escape `text`, keeping its line breaks, tabs and runs of spaces (the blanks left for the clerk)."""
    out = html.escape(text, quote=False).replace("\n", "<br>").replace("\t", "&nbsp;&nbsp;&nbsp;&nbsp;")
    return out.replace("  ", "&nbsp; ")


def _runs(runs: tuple[Run, ...]) -> str:
    out = []
    for run in runs:
        text = _e(run.text)
        if run.bold:
            text = f"<b>{text}</b>"
        if run.italic:
            text = f"<i>{text}</i>"
        out.append(text)
    return "".join(out)


_ALIGN = {"justify": "justify", "left": "left", "center": "center", "right": "right"}


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        inner = _runs(block.runs)
        if block.level <= 3:
            inner = f"<b>{inner}</b>"
        if block.level >= 3:
            inner = f"<i>{inner}</i>"
        return f'<p class="x">{inner}</p>'
    if isinstance(block, ListItem):
        return f'<p class="x">{_e(block.mark)} {_runs(block.runs)}</p>'
    if isinstance(block, Paragraph):
        if block.indent:
            return f'<p class="x">{_runs(block.runs)}</p>'
        return f'<p style="text-align: {_ALIGN.get(block.align, "justify")};">{_runs(block.runs)}</p>'
    if isinstance(block, Table):
        total = sum(block.widths) or 1
        rows = []
        for index, cells in enumerate(block.rows):
            tds = []
            col = 0
            for cell in cells:
                width = sum(block.widths[col:col + cell.colspan]) / total * 100
                span = f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
                inner = _runs(cell.runs) or "&nbsp;"
                if index < block.header_rows:
                    inner = f"<b>{inner}</b>"
                tds.append(f'<td width="{width:.0f}%"{span} align="{cell.align}" '
                           f'style="padding: 3px;">{inner}</td>')
                col += cell.colspan
            rows.append("<tr>" + "".join(tds) + "</tr>")
        return ('<table width="100%" border="1" cellspacing="0" cellpadding="3" '
                'style="border-collapse: collapse; border-color: #000; margin-bottom: 8px; font-size: 13pt;">'
                + "".join(rows) + "</table>")
    return ""


def frame_html(frame: nd30.Frame) -> str:
    """Return the whole document of `frame` as HTML: letterhead, title, Kính gửi, bases, body, closing."""
    from kpdesk.render import frame as nd30

    parts = [f"<html><head><style>{_css()}</style></head><body>"]
    agency = [a.strip().upper() for a in frame.agency if a.strip()]
    left = "".join(f'<p class="c b hd" style="margin:0">{_e(a)}</p>' for a in agency)
    if frame.superior:
        left = f'<p class="c hd" style="margin:0">{_e(frame.superior.upper())}</p>' + left
    left += '<p class="c" style="margin:0">―――</p>'
    right = (f'<p class="c b" style="margin:0; white-space: nowrap; font-size: 12pt">{_e(nd30.QUOC_HIEU)}</p>'
             f'<p class="c b hd" style="margin:0">{_e(nd30.TIEU_NGU)}</p>'
             '<p class="c" style="margin:0">――――――――</p>')
    number = f'<p class="c hd" style="margin:0; white-space: nowrap">{_e(nd30.number_line(frame))}</p>'
    if frame.form == "cong_van":
        summary = frame.summary.strip()
        if summary[:4].casefold() == "v/v ":
            summary = summary[4:].lstrip()
        number += f'<p class="c small" style="margin-top:4px">V/v {_e(summary)}</p>'
    place = f'<p class="c i hd" style="margin:0; white-space: nowrap">{_e(nd30.place_date_line(frame))}</p>'
    parts.append('<table width="100%" cellspacing="0" cellpadding="2">'
                 f'<tr><td width="39%">{left}</td><td width="61%">{right}</td></tr>'
                 f'<tr><td>{number}</td><td>{place}</td></tr></table>')
    if frame.form == "bao_cao":
        parts.append(f'<p class="c b" style="margin-top:18px; margin-bottom:0; font-size:14pt">'
                     f'{_e((frame.doc_type or "").upper())}</p>')
        if frame.summary.strip():
            parts.append(f'<p class="c b" style="font-size:14pt; margin-bottom:2px">{_e(frame.summary.strip())}</p>')
            parts.append('<p class="c" style="margin-top:0">――――――</p>')
    to = nd30.to_lines(frame)
    if len(to) == 1:
        parts.append(f'<p class="c" style="margin-top:14px">Kính gửi: {_e(to[0])}</p>')
    elif to:
        lines = "<br>".join(_e(x) for x in to)
        parts.append(f'<table align="center" style="margin-top:14px"><tr><td>Kính gửi:</td><td>{lines}</td></tr>'
                     '</table>')
    for line in nd30.basis_lines(frame):
        parts.append(f'<p class="i x">{_e(line)}</p>')
    for block in nd30.body_blocks(frame):
        parts.append(_block(block))
    recipients = "<br>".join(_e(line) for line in nd30.recipient_lines(frame))
    signer = frame.signer
    heads = [a.strip().upper() for a in signer.authority if a.strip()] + [signer.position.strip().upper()]
    sign = "".join(f'<p class="c b" style="margin:0">{_e(h)}</p>' for h in heads if h)
    sign += '<p style="margin:0">&nbsp;</p>' * 4 + f'<p class="c b" style="margin:0">{_e(signer.name.strip())}</p>'
    parts.append('<table width="100%" cellspacing="0" cellpadding="2" style="margin-top:12px">'
                 f'<tr><td width="40%"><p class="b i small" style="margin:0">Nơi nhận:</p>'
                 f'<p style="margin:0; font-size:{nd30.SIZE_RECIPIENTS}pt">{recipients}</p></td>'
                 f'<td width="60%">{sign}</td></tr></table>')
    parts.append("</body></html>")
    return "".join(parts)


# ----------------------------------------------------------------------------- pages, as they will print



def paged_document(html_text: str) -> QTextDocument:
    """The preview's HTML laid out on A4 pages with the report's margins (page breaks as Qt places them)."""
    doc = QTextDocument()
    font = QFont("Times New Roman")
    font.setStyleHint(QFont.StyleHint.Serif)
    font.setPointSizeF(13)
    doc.setDefaultFont(font)
    doc.setHtml(html_text)
    root = doc.rootFrame().frameFormat()
    size, (left, top, right, bottom) = page_geometry()
    root.setLeftMargin(left)
    root.setTopMargin(top)
    root.setRightMargin(right)
    root.setBottomMargin(bottom)
    doc.rootFrame().setFrameFormat(root)
    doc.setPageSize(size)
    _keep_signature_together(doc)
    return doc


def _keep_signature_together(doc: QTextDocument) -> None:
    """Start the Nơi nhận / signature table on a new page when it would be split, as the .docx keeps it whole."""
    frames = doc.rootFrame().childFrames()
    if not frames:
        return
    last = frames[-1]
    box = doc.documentLayout().frameBoundingRect(last)
    height = page_geometry()[0].height()
    if box.height() < height / 2 and int(box.top() // height) != int((box.bottom() - 1) // height):
        fmt = last.frameFormat()
        fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        last.setFrameFormat(fmt)


class _Sheets(QWidget):
    """Paints the pages of a paged QTextDocument one under the other, scaled to the width available."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = paged_document("")
        self.page, self.margins = page_geometry()
        self.scale = 1.0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def fit(self, width: int) -> None:
        self.scale = max(0.3, min(1.25, (width - 2 * _GAP) / self.page.width()))
        pages = max(1, self.doc.pageCount())
        height = int(_GAP + pages * (self.page.height() * self.scale + _GAP))
        self.setFixedHeight(height)
        self.update()

    def page_top(self, index: int) -> float:
        return _GAP + index * (self.page.height() * self.scale + _GAP)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(int(self.page.width() * self.scale + 2 * _GAP), self.height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt naming
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        p.fillRect(event.rect(), QColor("#8a949e"))
        w, h = self.page.width() * self.scale, self.page.height() * self.scale
        x = max(_GAP, (self.width() - w) / 2)
        pages = max(1, self.doc.pageCount())
        for index in range(pages):
            y = self.page_top(index)
            sheet = QRectF(x, y, w, h)
            if not sheet.intersects(QRectF(event.rect())):
                continue
            p.fillRect(sheet.translated(3, 3), QColor(0, 0, 0, 60))
            p.fillRect(sheet, Qt.GlobalColor.white)
            p.save()
            p.translate(QPointF(x, y))
            p.scale(self.scale, self.scale)
            if index:  # the page number, centred in the top margin from page 2 on, as in the .docx
                number_font = QFont(self.doc.defaultFont())
                p.setFont(number_font)
                p.setPen(Qt.GlobalColor.black)
                p.drawText(QRectF(0, 0, self.page.width(), self.margins[1]), Qt.AlignmentFlag.AlignCenter,
                           str(index + 1))
            p.translate(0, -index * self.page.height())
            self.doc.drawContents(p, QRectF(0, index * self.page.height(), self.page.width(), self.page.height()))
            p.restore()
        p.end()


class PagedPreview(QScrollArea):
    """The report on A4 sheets, page after page, made from the same frame as the .docx."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sheets = _Sheets(self)
        self.setWidget(self.sheets)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setStyleSheet("QScrollArea { background: #8a949e; }")

    def setHtml(self, html_text: str) -> None:  # noqa: N802 - the QTextBrowser name, so callers need not care
        self.sheets.doc = paged_document(html_text)
        self.sheets.fit(self.viewport().width())

    def toPlainText(self) -> str:  # noqa: N802
        return self.sheets.doc.toPlainText()

    def page_count(self) -> int:
        return self.sheets.doc.pageCount()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self.sheets.fit(self.viewport().width())
