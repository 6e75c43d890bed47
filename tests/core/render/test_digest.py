"""The digest of the text a .docx showed and the data it held when kpdesk wrote it travels in the file."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from kpdesk import draft as drafts
from kpdesk.render import render_to_file
from kpdesk.render.payload import read_embedded, read_payload
from kpdesk.render.plain import docx_text_lines, text_digest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def written(tmp_path) -> Path:
    d = drafts.load(next((ROOT / "examples").glob("000-*.json")))
    return render_to_file(d, tmp_path / "bc.docx", allow_errors=True, today=dt.date(2026, 5, 1)).path


def test_the_file_carries_the_digest_of_its_own_text(written):
    embedded = read_embedded(written)
    assert embedded is not None and embedded.json == read_payload(written)
    assert embedded.text_sha256 == text_digest(docx_text_lines(written), embedded.json)


def test_the_digest_ignores_respacing_but_not_a_changed_figure():
    lines = ["Kinh phí: 352 triệu đồng.", "Thiệu\u00a0Trung"]
    assert text_digest(lines) == text_digest(["Kinh  phí:  352 triệu đồng. ", "Thiệu Trung"])
    assert text_digest(lines) != text_digest(["Kinh phí: 452 triệu đồng.", "Thiệu Trung"])


def test_a_file_written_before_the_digest_existed_reads_with_none(written, tmp_path):
    old = tmp_path / "cu.docx"
    with zipfile.ZipFile(written) as zin, zipfile.ZipFile(old, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("customXml/") and b"kp:text" in data:
                start = data.index(b"<kp:text")
                data = data[:start] + data[data.index(b"/>", start) + 2 :]
            zout.writestr(item, data)
    embedded = read_embedded(old)
    assert embedded is not None and embedded.text_sha256 is None and embedded.json == read_payload(written)


def test_the_digest_covers_the_data_as_well_as_the_text():
    lines = ["Kinh phí: 352 triệu đồng."]
    assert text_digest(lines, '{"budget_total": 352000000}') != text_digest(lines, '{"budget_total": 999000000}')
