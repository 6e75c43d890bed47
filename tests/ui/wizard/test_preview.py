"""The preview is written from the same layout as the .docx: every printed text of the document is in it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from PySide6.QtWidgets import QTextBrowser

from kpdesk import draft as drafts
from kpdesk.kinds import get_kind
from kpdesk.render import build_frame, build_layout, render_to_file
from kpdesk.render.frame import SIGNATURE_GAP_LINES
from kpdesk.render.html import layout_html
from kpdesk.render.plain import text_lines
from ui.wizard.preview import frame_html, paged_document

EXAMPLES = sorted((Path(__file__).resolve().parents[3] / "examples").glob("*.json"))


@pytest.fixture
def soffice_pages():
    """How many pages LibreOffice (metrics of Word's Times New Roman) lays a .docx out on."""
    if shutil.which("soffice") is None or shutil.which("pdfinfo") is None:
        pytest.skip("needs LibreOffice (soffice) and poppler-utils (pdfinfo) on PATH")

    def pages(path: Path) -> int:
        subprocess.run(
            [
                "soffice",
                "-env:UserInstallation=file:///tmp/lo_test",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(path.parent),
                str(path),
            ],
            check=True,
            capture_output=True,
            timeout=240,
        )
        info = subprocess.run(
            ["pdfinfo", str(path.with_suffix(".pdf"))], check=True, capture_output=True, text=True
        ).stdout
        return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))

    return pages


def _norm(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").replace("\u2028", " ").split())


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_text_of_the_docx_is_in_the_preview(qtbot, tmp_path, path):
    draft = drafts.load(path)
    browser = QTextBrowser()
    qtbot.addWidget(browser)
    browser.setHtml(frame_html(build_frame(get_kind(draft.kind), draft)))
    shown = _norm(browser.toPlainText())
    out = render_to_file(draft, tmp_path / "x.docx", allow_errors=True).path
    document = docx.Document(str(out))
    texts = [p.text for p in document.paragraphs]
    texts += [p.text for t in document.tables for row in t.rows for cell in row.cells for p in cell.paragraphs]
    missing = [t for t in map(_norm, texts) if t and t not in shown]
    assert not missing, missing[:5]


def test_the_page_matches_the_docx_page():
    from kpdesk.render import frame as nd30
    from ui.wizard.preview import _TWIP, page_geometry

    PAGE_SIZE, PAGE_MARGINS = page_geometry()  # noqa: N806 - named as the values they stand for

    assert (PAGE_SIZE.width(), PAGE_SIZE.height()) == (nd30.PAGE_W * _TWIP, nd30.PAGE_H * _TWIP)
    assert PAGE_MARGINS == tuple(
        m * _TWIP for m in (nd30.MARGIN_LEFT, nd30.MARGIN_TOP, nd30.MARGIN_RIGHT, nd30.MARGIN_BOTTOM)
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
@pytest.mark.office
def test_the_preview_is_laid_out_on_as_many_a4_pages_as_the_docx_has(qtbot, tmp_path, path, soffice_pages):
    from ui.wizard.preview import PagedPreview

    draft = drafts.load(path)
    preview = PagedPreview()
    qtbot.addWidget(preview)
    preview.resize(700, 600)
    preview.setHtml(frame_html(build_frame(get_kind(draft.kind), draft)))
    out = render_to_file(draft, tmp_path / "x.docx", allow_errors=True).path
    word_pages = soffice_pages(out)
    # the same page, margins, type sizes and spacing: the four examples break into as many pages as in Word
    # (LibreOffice); one page of slack for other fonts' metrics on other machines
    assert abs(preview.page_count() - word_pages) <= 1, (preview.page_count(), word_pages)
    assert preview.sheets.height() > preview.page_count() * 600 * 0.5


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_qt_reads_the_layouts_paragraphs_in_order_with_the_signature_gap(qtbot, path):
    draft = drafts.load(path)
    layout = build_layout(get_kind(draft.kind), draft)
    doc = paged_document(layout_html(layout), layout.page)
    blocks = []
    block = doc.begin()
    while block.isValid():
        blocks.append(block.text())
        block = block.next()
    lines = [line.replace("\n", "\u2028") for line in text_lines(layout)]
    # Qt adds an empty block before and after each table; every other paragraph is the layout's, as printed
    assert [b for b in blocks if b] == [line for line in lines if line]
    name = blocks.index(draft.signer.name)
    assert blocks[name - SIGNATURE_GAP_LINES - 1 : name] == [draft.signer.position.upper()] + [""] * SIGNATURE_GAP_LINES


def test_opening_the_main_window_loads_neither_python_docx_nor_lxml():
    code = "import sys, ui.app, ui.main_window; assert not [m for m in sys.modules if m.startswith(('docx', 'lxml'))]"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[3])
