"""The preview is made from the same frame as the .docx: every printed text of the document is in it."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from PySide6.QtWidgets import QTextBrowser

from kpdesk import draft as drafts
from kpdesk.kinds import get_kind
from kpdesk.report import build_frame, render_to_file
from ui.wizard.preview import frame_html

EXAMPLES = sorted((Path(__file__).resolve().parents[3] / "examples").glob("*.json"))


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
