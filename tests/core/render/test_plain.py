"""One layout, two writers: the .docx and the preview's HTML print the same lines, read back exactly."""

from __future__ import annotations

import html
import io
import re
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from kpdesk import draft as drafts
from kpdesk.errors import RenderError
from kpdesk.kinds import get_kind
from kpdesk.render import build_layout
from kpdesk.render.docx_file import docx_bytes, write_docx
from kpdesk.render.frame import Grid, Layout, Role, lay_out
from kpdesk.render.html import layout_html
from kpdesk.render.plain import docx_text_lines, text_lines
from kpdesk.vocab import FORMS

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
DOCUMENT = "word/document.xml"


def layout_of(path: Path, form: str) -> Layout:
    draft = drafts.load(path)
    return build_layout(get_kind(draft.kind), replace(draft, form=form))


def html_lines(text: str) -> list[str]:
    """The HTML writer's paragraphs with their tags stripped: one line per <p> (or <hr>), <br /> a line break."""
    body = text[text.index("<body") :]
    lines = []
    for match in re.finditer(r"<p\b[^>]*>(.*?)</p>|<hr\b[^>]*>", body, re.S):
        inner = (match.group(1) or "").replace("<br />", "\n")
        lines.append(html.unescape(re.sub(r"<[^>]+>", "", inner)))
    return lines


def rewrite(data: bytes, change) -> bytes:
    """`data` (a .docx) with word/document.xml passed through `change(str) -> str`."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == DOCUMENT:
                content = change(content.decode("utf-8")).encode("utf-8")
            dst.writestr(info, content)
    return out.getvalue()


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem[:3] for p in EXAMPLES])
def test_the_docx_reads_back_the_layouts_lines(tmp_path, path, form):
    layout = layout_of(path, form)
    lines = text_lines(layout)
    target = tmp_path / "x.docx"
    write_docx(layout, target)
    assert docx_text_lines(target) == lines
    assert docx_text_lines(target.read_bytes()) == lines
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines[:5] and lines[-1] == ""  # the 1 pt end paragraph


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem[:3] for p in EXAMPLES])
def test_the_preview_html_has_the_same_lines_in_the_same_order(path, form):
    layout = layout_of(path, form)
    assert html_lines(layout_html(layout)) == text_lines(layout)


def test_the_lines_keep_breaks_tabs_blanks_and_the_signature_gap(make001, tmp_path):
    frame = make001(summary="V/v báo cáo\ttháng  4", body=(), signer=replace(make001().signer, position="Chủ tịch"))
    layout = lay_out(frame)
    lines = text_lines(layout)
    assert "V/v báo cáo\ttháng  4" in lines  # "V/v" once, the tab and the two spaces as typed
    assert f"Số: {' ' * 8}/UBND-VHXH" in lines  # the blank left for the clerk
    closing = [p for p in layout.parts if isinstance(p, Grid) and p.role == Role.CLOSING][0]
    right = [para.role for para in closing.rows[0].cells[1].paras]
    assert right == [Role.AUTHORITY, Role.AUTHORITY, Role.POSITION, *[Role.SIGNATURE_GAP] * 4, Role.SIGNER_NAME]
    name = lines.index("Lê Sỹ Tiến")
    assert lines[name - 5 : name] == ["CHỦ TỊCH", "", "", "", ""]
    assert html_lines(layout_html(layout)) == lines
    write_docx(layout, tmp_path / "x.docx")
    assert docx_text_lines(tmp_path / "x.docx") == lines


def test_a_line_break_inside_a_paragraph_is_one_line_with_a_newline(make000):
    layout = lay_out(make000(bases=("Căn cứ A\u2028dòng hai",)))
    lines = text_lines(layout)
    assert "Căn cứ A\ndòng hai." in lines
    assert docx_text_lines(docx_bytes(layout)) == lines == html_lines(layout_html(layout))


def test_a_hand_edit_after_export_shows_and_word_resaving_does_not(frame000):
    layout = lay_out(frame000)
    data = docx_bytes(layout)
    lines = text_lines(layout)

    edited = rewrite(data, lambda xml: xml.replace(">352<", ">353<", 1))
    changed = [i for i, (a, b) in enumerate(zip(docx_text_lines(edited), lines, strict=True)) if a != b]
    assert len(changed) == 1 and lines[changed[0]] == "352"

    added = rewrite(data, lambda xml: xml.replace("<w:tbl>", "<w:p><w:r><w:t>thêm</w:t></w:r></w:p><w:tbl>", 1))
    assert docx_text_lines(added) == ["thêm", *lines]

    def word_noise(xml: str) -> str:
        # what Word adds when it saves: bookmarks, proofing marks, rsids, a run split in two, a rendered break,
        # hidden text and field codes
        xml = xml.replace("<w:body>", '<w:body><w:bookmarkStart w:id="0" w:name="_GoBack"/><w:bookmarkEnd w:id="0"/>')
        xml = xml.replace("<w:p>", '<w:p w:rsidR="00A1B2C3">')
        xml = xml.replace(
            ">Độc lập - Tự do - Hạnh phúc</w:t></w:r>",
            '>Độc lập - Tự do</w:t></w:r><w:proofErr w:type="spellStart"/><w:r><w:lastRenderedPageBreak/>'
            '<w:t xml:space="preserve"> - Hạnh phúc</w:t></w:r>'
            "<w:r><w:rPr><w:vanish/></w:rPr><w:t>ẩn</w:t></w:r>"
            "<w:r><w:instrText> PAGE </w:instrText></w:r>",
            1,
        )
        return xml

    noisy = rewrite(data, word_noise)
    assert noisy != data and docx_text_lines(noisy) == lines


def test_docx_text_lines_refuses_what_is_not_a_docx(frame000, tmp_path):
    with pytest.raises(RenderError, match="không phải tệp Word"):
        docx_text_lines(b"not a zip file")
    with pytest.raises(RenderError, match="Không tìm thấy tệp"):
        docx_text_lines(tmp_path / "khong-co.docx")
    bomb = '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">]>'
    with pytest.raises(RenderError, match="DOCTYPE"):
        docx_text_lines(rewrite(docx_bytes(frame000), lambda xml: xml.replace("?>", "?>" + bomb, 1)))
    with pytest.raises(RenderError, match="không có nội dung"):
        docx_text_lines(rewrite(docx_bytes(frame000), lambda xml: re.sub(r"<w:body>.*</w:body>", "", xml, flags=re.S)))


@pytest.mark.parametrize(
    ("modules", "absent"),
    [
        ("kpdesk.render.frame, kpdesk.render.html, kpdesk.render.plain", ("docx",)),  # the layout is plain data
        ("kpdesk.render, kpdesk.cli", ("docx", "lxml")),  # what the program imports when it starts
    ],
)
def test_python_docx_and_lxml_load_only_when_needed(modules, absent):
    code = f"import sys, {modules}; assert not [m for m in sys.modules if m.startswith({absent!r})]"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
