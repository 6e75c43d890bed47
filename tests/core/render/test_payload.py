"""The draft embedded in the .docx: exact round trip, Word-style relationships, and hostile files."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import docx
import pytest

from kpdesk.errors import RenderError
from kpdesk.render.docx_file import write_docx
from kpdesk.render.payload import MAX_PART_BYTES, NS, payload_xml, read_payload


def rezip(data: bytes, replace: dict[str, bytes | None] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """Return a copy of the zip `data` with entries replaced (None = removed) or added."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    dst.writestr(info.filename, replace[info.filename])
                continue
            dst.writestr(info, src.read(info.filename))
        for name, blob in (add or {}).items():
            dst.writestr(zipfile.ZipInfo(name), blob)
    return out.getvalue()


@pytest.fixture
def rendered(frame000, tmp_path) -> Path:
    path = tmp_path / "bao-cao.docx"
    write_docx(frame000, path)
    return path


def test_payload_round_trips_exactly_from_a_path_and_from_bytes(frame000, rendered) -> None:
    assert read_payload(rendered) == frame000.payload
    assert read_payload(str(rendered)) == frame000.payload
    assert read_payload(rendered.read_bytes()) == frame000.payload


@pytest.mark.parametrize(
    "payload",
    [
        "",
        '{"a": 1}',
        '  {"a": "x"}\n\n',  # outer whitespace kept
        '{"text": "A < B & \\"C\\" ]]> \t 😀"}',
        '{"a": 1}\r\n',  # a CR would be normalised by XML: stored as base64
        '{"a": "\ufffe\uffff"}',  # characters XML cannot carry: stored as base64
    ],
)
def test_any_json_text_comes_back_unchanged(make000, tmp_path, payload: str) -> None:
    path = tmp_path / "x.docx"
    write_docx(make000(payload=payload), path)
    assert read_payload(path) == payload


def test_the_part_is_custom_xml_related_from_the_document(rendered, frame000) -> None:
    with zipfile.ZipFile(rendered) as zf:
        names = set(zf.namelist())
        rels = zf.read("word/_rels/document.xml.rels").decode()
        types = zf.read("[Content_Types].xml").decode()
        part = zf.read("customXml/kpdesk-draft.xml")
    assert "customXml/kpdesk-draft.xml" in names and "customXml/kpdesk-draftProps.xml" in names
    assert 'relationships/customXml" Target="../customXml/kpdesk-draft.xml"' in rels
    assert "customXmlProperties+xml" in types
    assert NS.encode() in part and b"<kp:sha256>" in part and b'version="1"' in part
    # only one custom XML part: the template's bibliography part is not carried along
    assert sorted(n for n in names if n.startswith("customXml/") and "_rels" not in n) == [
        "customXml/kpdesk-draft.xml",
        "customXml/kpdesk-draftProps.xml",
    ]


def test_the_payload_survives_a_resave_by_another_tool(rendered, frame000, tmp_path) -> None:
    document = docx.Document(str(rendered))
    document.add_paragraph("Cán bộ sửa thêm một dòng.")
    again = tmp_path / "sua.docx"
    document.save(str(again))
    assert read_payload(again) == frame000.payload


def test_a_docx_without_a_payload_gives_none(make000, tmp_path) -> None:
    path = tmp_path / "plain.docx"
    write_docx(make000(payload=None), path)
    assert read_payload(path) is None
    buf = io.BytesIO()
    docx.Document().save(buf)  # python-docx's template carries an unrelated custom XML part
    assert read_payload(buf.getvalue()) is None


def test_a_changed_payload_is_detected(rendered) -> None:
    data = rendered.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        part = zf.read("customXml/kpdesk-draft.xml")
    tampered = rezip(data, {"customXml/kpdesk-draft.xml": part.replace("Thiệu Trung".encode(), "Thiệu Hóa".encode())})
    with pytest.raises(RenderError, match="nội dung nhúng bị thay đổi"):
        read_payload(tampered)


def test_a_payload_from_a_newer_kpdesk_is_refused(rendered) -> None:
    data = rendered.read_bytes()
    newer = payload_xml("{}").replace(b'version="1"', b'version="9"')
    with pytest.raises(RenderError, match="phiên bản kpdesk mới hơn"):
        read_payload(rezip(data, {"customXml/kpdesk-draft.xml": newer}))


@pytest.mark.parametrize(
    "data",
    [b"", b"random bytes that are not a zip" * 10, os.urandom(4096), b"PK\x03\x04" + b"\x00" * 100],
    ids=["empty", "text", "random", "truncated-zip"],
)
def test_bytes_that_are_not_a_docx_are_refused(data: bytes) -> None:
    with pytest.raises(RenderError, match=r"không phải tệp Word \(\.docx\)"):
        read_payload(data)


def test_a_zip_that_is_not_a_docx_is_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(RenderError, match="Content_Types"):
        read_payload(buf.getvalue())


def test_missing_files_and_folders_are_named(tmp_path) -> None:
    with pytest.raises(RenderError, match="Không tìm thấy tệp"):
        read_payload(tmp_path / "khong-co.docx")
    with pytest.raises(RenderError, match="thư mục"):
        read_payload(tmp_path)
    text = tmp_path / "ghi-chu.docx"
    text.write_text("không phải Word", encoding="utf-8")
    with pytest.raises(RenderError, match=r"không phải tệp Word"):
        read_payload(text)


def test_a_zip_bomb_is_refused_before_it_is_inflated(rendered) -> None:
    data = rendered.read_bytes()
    bomb = b"\0" * (MAX_PART_BYTES + 1024)  # compresses to a few kilobytes
    for entry in ("word/_rels/document.xml.rels", "customXml/kpdesk-draft.xml"):
        evil = rezip(data, {entry: bomb})
        assert len(evil) < 200_000
        with pytest.raises(RenderError, match="giải nén bất thường"):
            read_payload(evil)


def test_a_lying_size_header_is_caught_while_reading(rendered) -> None:
    """A part whose declared size is small but whose data inflates further is never read past the limit."""
    data = rendered.read_bytes()
    big = b"<a>" + b" " * (MAX_PART_BYTES + 10) + b"</a>"
    evil = bytearray(rezip(data, {"customXml/kpdesk-draft.xml": big}))
    # patch the declared uncompressed size (local header and central directory) to 100 bytes
    name = b"customXml/kpdesk-draft.xml"
    real = len(big).to_bytes(4, "little")
    fake = (100).to_bytes(4, "little")
    count = 0
    for header in (b"PK\x03\x04", b"PK\x01\x02"):
        start = 0
        while (i := evil.find(header, start)) >= 0:
            start = i + 4
            size_at = i + (22 if header == b"PK\x03\x04" else 24)
            name_at = i + (30 if header == b"PK\x03\x04" else 46)
            if evil[name_at : name_at + len(name)] == name and evil[size_at : size_at + 4] == real:
                evil[size_at : size_at + 4] = fake
                count += 1
    assert count == 2
    with pytest.raises(RenderError):
        read_payload(bytes(evil))


@pytest.mark.parametrize("entry", ["../../x", "/etc/passwd", "word/../../x", "C:/Windows/x", "..\\..\\x"])
def test_entries_with_unsafe_paths_are_refused_and_nothing_is_extracted(rendered, tmp_path, entry: str) -> None:
    evil = rezip(rendered.read_bytes(), add={entry: b"owned"})
    before = sorted(os.listdir(tmp_path)), sorted(os.listdir(tmp_path.parent))
    with pytest.raises(RenderError, match="đường dẫn không an toàn"):
        read_payload(evil)
    assert (sorted(os.listdir(tmp_path)), sorted(os.listdir(tmp_path.parent))) == before


def test_relationship_targets_outside_the_package_are_refused(rendered) -> None:
    data = rendered.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        rels = zf.read("word/_rels/document.xml.rels")
    outside = rels.replace(b"../customXml/kpdesk-draft.xml", b"../../../x.xml")
    evil = rezip(data, {"word/_rels/document.xml.rels": outside})
    with pytest.raises(RenderError, match="đường dẫn không an toàn"):
        read_payload(evil)


def test_xml_entities_in_the_part_are_not_expanded(rendered) -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<kp:draft xmlns:kp="urn:kpdesk:draft:1" version="1"><kp:json>&b;</kp:json></kp:draft>'
    )
    with pytest.raises(RenderError):
        read_payload(rezip(rendered.read_bytes(), {"customXml/kpdesk-draft.xml": laughs}))


def test_payload_xml_is_well_formed_json_container() -> None:
    from lxml import etree

    text = json.dumps({"x": "<&>"})
    root = etree.fromstring(payload_xml(text))
    assert root.tag == f"{{{NS}}}draft"
    assert root.find(f"{{{NS}}}json").text == text
