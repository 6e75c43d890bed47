"""The THÔNG BÁO form and the appendix of pictures: laid out, written to .docx and HTML, printed by LibreOffice."""

from __future__ import annotations

import dataclasses
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from kpdesk import draft as drafts
from kpdesk.errors import RenderError
from kpdesk.kinds import get_kind
from kpdesk.render import build_frame, render_to_file, symbol
from kpdesk.render.docx_file import write_docx
from kpdesk.render.frame import Appendix, Figure, Para, Picture, Role, lay_out, png_size
from kpdesk.render.html import layout_html
from kpdesk.render.plain import docx_text_lines, text_lines
from kpdesk.vocab import FORM_NAMES, FORM_TYPES, FORMS, form_type

ROOT = Path(__file__).resolve().parents[3]


def png(width: int, height: int, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A plain PNG of one colour (no imaging library needed)."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


APPENDIX = Appendix(
    "Biểu đồ kết quả tổng hợp",
    (Figure(png(800, 450), "Biểu đồ 1. Tình hình gửi báo cáo"), Figure(png(400, 600, (30, 30, 200)), "Biểu đồ 2. Quỹ")),
)


def letter() -> drafts.Draft:
    return drafts.load(ROOT / "examples" / "100-so-khcn-tra-lai-bao-cao.json")


def test_the_notice_form_is_a_typed_document_titled_thong_bao_with_symbol_tb():
    assert "thong_bao" in FORMS and FORM_NAMES["thong_bao"] == "Thông báo" and FORM_TYPES["thong_bao"][1] == "TB"
    assert form_type("thong_bao", "BÁO CÁO", "BC") == ("THÔNG BÁO", "TB")
    assert form_type("bao_cao", "BÁO CÁO", "BC") == ("BÁO CÁO", "BC")
    assert form_type("cong_van", "BÁO CÁO", "BC") == (None, "")
    kind = get_kind("tra-lai-bao-cao")
    d = dataclasses.replace(letter(), form="thong_bao", to=(), recipients=("UBND các xã, phường", "Lưu: VT, QLKH"))
    assert symbol(kind, d) == "TB-SKHCN"
    frame = build_frame(kind, d)
    assert frame.doc_type == "THÔNG BÁO" and frame.to == ()
    lines = text_lines(lay_out(frame))
    assert "THÔNG BÁO" in lines and "Số: 215/TB-SKHCN" in lines and not any(x.startswith("Kính gửi") for x in lines)
    assert not any(x.startswith("V/v") for x in lines) and "- Như trên;" not in lines


def test_the_appendix_follows_the_signature_on_its_own_numbered_pages(tmp_path):
    kind = get_kind("tra-lai-bao-cao")
    layout = lay_out(build_frame(kind, letter(), appendix=APPENDIX))
    roles = [p.role for p in layout.parts]
    closing = roles.index(Role.CLOSING)
    breaks = [i for i, p in enumerate(layout.parts) if isinstance(p, Para) and p.fmt.section_break]
    assert breaks == [closing + 1]
    lines = text_lines(layout)
    at = lines.index("Phụ lục")
    assert lines[at + 1] == "BIỂU ĐỒ KẾT QUẢ TỔNG HỢP"
    assert lines[at + 2] == (
        "(Kèm theo Công văn số 215/SKHCN-QLKH ngày 22 tháng 4 năm 2026 của Sở Khoa học và Công nghệ)"
    )
    pictures = [p for p in layout.parts if isinstance(p, Picture)]
    assert [p.name for p in pictures] == ["Biểu đồ 1. Tình hình gửi báo cáo", "Biểu đồ 2. Quỹ"]
    wide, tall = pictures
    assert wide.width == layout.page.text_width and wide.height == round(wide.width * 450 / 800)
    assert tall.height < tall.width * 600 / 400 + 1 and tall.height * 400 == pytest.approx(tall.width * 600, rel=0.01)

    path = tmp_path / "cv.docx"
    write_docx(layout, path)
    assert docx_text_lines(path) == lines  # what intake compares: the pictures print no text
    document = docx.Document(str(path))
    assert len(document.sections) == 2
    first, second = (s._sectPr for s in document.sections)
    assert first.find(qn("w:pgNumType")) is None
    assert second.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    assert second.find(qn("w:titlePg")) is not None  # the appendix's first page has no number either
    with zipfile.ZipFile(path) as zf:
        media = sorted(n for n in zf.namelist() if n.startswith("word/media/"))
        assert [zf.read(n) for n in media] == [f.png for f in APPENDIX.figures]
    blips = document.element.body.findall(".//" + qn("a:blip"))
    assert len(blips) == 2 and len({b.get(qn("r:embed")) for b in blips}) == 2


def test_the_preview_shows_the_pictures_and_starts_the_appendix_on_a_new_page():
    layout = lay_out(build_frame(get_kind("tra-lai-bao-cao"), letter(), appendix=APPENDIX))
    html = layout_html(layout)
    assert html.count('<img src="data:image/png;base64,') == 2 and "page-break-after: always" in html
    assert 'alt="Biểu đồ 2. Quỹ"' in html


def test_a_document_without_an_appendix_is_unchanged():
    kind = get_kind("tra-lai-bao-cao")
    plain = lay_out(build_frame(kind, letter()))
    empty = lay_out(build_frame(kind, letter(), appendix=Appendix("Biểu đồ", ())))
    assert plain == empty and not any(isinstance(p, Picture) for p in plain.parts)


def test_a_picture_that_is_not_a_png_is_refused_in_vietnamese(tmp_path):
    assert png_size(png(3, 2)) == (3, 2)
    with pytest.raises(RenderError, match="không phải ảnh PNG"):
        png_size(b"GIF89a" + b"\x00" * 30)
    bad = Appendix("Biểu đồ", (Figure(b"not a picture", "x"),))
    with pytest.raises(RenderError, match="không phải ảnh PNG"):
        render_to_file(letter(), tmp_path / "x.docx", allow_errors=True, appendix=bad)
    assert not (tmp_path / "x.docx").exists()


@pytest.mark.office
@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="needs LibreOffice (soffice) and poppler-utils (pdftotext) on PATH",
)
def test_libreoffice_prints_the_appendix_on_its_own_page(tmp_path):
    path = render_to_file(letter(), tmp_path / "cv.docx", allow_errors=True, appendix=APPENDIX).path
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'lo'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "cv.pdf"
    pages = int(
        next(
            x
            for x in subprocess.run(
                ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
            ).stdout.splitlines()
            if x.startswith("Pages:")
        ).split()[1]
    )
    last = subprocess.run(
        ["pdftotext", "-f", "2", "-l", str(pages), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    first = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Phụ lục" in last and "BIỂU ĐỒ KẾT QUẢ TỔNG HỢP" in last and "Phụ lục" not in first
    assert "Nguyễn Văn Bình" in first
