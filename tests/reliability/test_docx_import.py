"""Importing a .docx: anything that is not an intact kpdesk export is refused with a message, and nothing is written.

tests/core/render/test_payload.py covers `read_payload` on hostile packages; here the whole import path
(`report.draft_from_docx`: package → embedded JSON → draft) is attacked, and every call is watched for files
created in the working folder, the temporary folder, or where a `../` member would land.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import os
import re
import tempfile
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpdesk import draft as drafts
from kpdesk.errors import DraftError, KpdeskError, RenderError
from kpdesk.render import draft_from_docx, render_to_file
from kpdesk.render.package import MAX_READ_BYTES, MAX_TOTAL_BYTES, MAX_XML_TAGS
from kpdesk.render.payload import MAX_ENTRIES, MAX_PART_BYTES, NS

ROOT = Path(__file__).resolve().parents[2]
PART = "customXml/kpdesk-draft.xml"
VIETNAMESE = re.compile("[ăâđêôơưàáảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]", re.IGNORECASE)


def fuzz(n: int) -> settings:
    return settings(
        settings.get_profile("kpdesk-reliability"), max_examples=int(os.environ.get("KPDESK_FUZZ_EXAMPLES") or n)
    )


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> tuple[drafts.Draft, bytes]:
    """A real export of example 000: its draft and the bytes of its .docx."""
    d = drafts.load(ROOT / "examples" / "000-thieu-trung-bao-cao-thang.json")
    path = tmp_path_factory.mktemp("export") / "bao-cao.docx"
    render_to_file(d, path, allow_errors=True)
    return d, path.read_bytes()


def rezip(
    data: bytes,
    replace: dict[str, bytes | None] | None = None,
    add: dict[str, bytes] | None = None,
    method: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """A copy of the zip `data` with members replaced (None = removed) or added."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", method) as dst:
        for info in src.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    dst.writestr(info.filename, replace[info.filename])
                continue
            dst.writestr(info.filename, src.read(info.filename))
        for name, blob in (add or {}).items():
            dst.writestr(zipfile.ZipInfo(name), blob, compress_type=method)
    return out.getvalue()


def part_for(json_text: str, *, digest: str | None = None, version: str = "1", encoding: str = "text") -> bytes:
    """A payload part holding `json_text` with a correct (or the given) sha256."""
    raw = json_text.encode("utf-8")
    body = (
        base64.b64encode(raw).decode()
        if encoding == "base64"
        else (json_text.replace("&", "&amp;").replace("<", "&lt;"))
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><kp:draft xmlns:kp="{NS}" version="{version}">'
        f"<kp:sha256>{digest or hashlib.sha256(raw).hexdigest()}</kp:sha256>"
        f'<kp:json encoding="{encoding}">{body}</kp:json></kp:draft>'
    ).encode()


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@contextlib.contextmanager
def watched(*also: Path):
    """Run the block in an empty working folder with an empty temporary folder; both must stay empty, and
    the folders in `also` must not change."""
    with tempfile.TemporaryDirectory(prefix="kpdesk-watch-") as base:
        cwd, tmp = Path(base, "cwd"), Path(base, "tmp")
        (cwd / "a" / "b").mkdir(parents=True)
        tmp.mkdir()
        before = {p: _listing(p) for p in also}
        old_cwd, old_tmp = os.getcwd(), tempfile.tempdir
        os.chdir(cwd / "a" / "b")  # a `../../x` member would land in cwd/x
        tempfile.tempdir = str(tmp)
        try:
            yield
        finally:
            os.chdir(old_cwd)
            tempfile.tempdir = old_tmp
        assert _listing(cwd) == ["a", "a/b"], "a file was created in the working folder"
        assert _listing(tmp) == [], "a file was created in the temporary folder"
        assert {p: _listing(p) for p in also} == before, "a file was created next to the imported one"


def refused(source, *also: Path) -> KpdeskError:
    """Import `source`; it must be refused with a DraftError or RenderError in Vietnamese, and nothing written."""
    with watched(*also):
        try:
            draft_from_docx(source)
        except (DraftError, RenderError) as exc:
            assert exc.message.strip() and VIETNAMESE.search(exc.message), exc.message
            return exc
    raise AssertionError(f"imported without complaint: {str(source)[:80]!r}")


# ----------------------------------------------------------------------------- garbage


@fuzz(200)
@given(data=st.binary(max_size=2000) | st.binary(max_size=2000).map(lambda b: b"PK\x03\x04" + b))
def test_random_bytes_are_refused(data, figures):
    figures.tried(__name__)
    refused(data)


@fuzz(150)
@given(
    flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=8),
    cut=st.none() | st.floats(0.05, 1),
)
def test_a_damaged_export_is_refused_or_read_exactly(flips, cut, real, figures):
    """Bytes of a real export overwritten or the file cut short: refused, or (when the damage misses what is
    read) the very draft that was exported."""
    figures.tried(__name__)
    draft, data = real
    damaged = bytearray(data)
    for where, value in flips:
        damaged[int(where * len(damaged))] = value
    if cut is not None:
        damaged = damaged[: int(cut * len(damaged))]
    with watched():
        try:
            again = draft_from_docx(bytes(damaged))
        except (DraftError, RenderError) as exc:
            assert exc.message.strip()
        else:
            assert drafts.to_json(again) == drafts.to_json(draft)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00",
        "Báo cáo tháng 4".encode(),
        b"PK",
        b"PK\x05\x06" + b"\x00" * 18,
        b"{}",
        b"<?xml version='1.0'?><w:document/>",
        b"%PDF-1.7\n",
        os.urandom(1 << 16),
    ],
    ids=["empty", "nul", "text", "pk", "empty-zip", "json", "xml", "pdf", "random-64k"],
)
def test_files_that_are_not_a_docx_are_refused(content, tmp_path, figures):
    figures.crafted(__name__)
    path = tmp_path / "bao-cao.docx"
    path.write_bytes(content)
    refused(path, tmp_path)
    refused(content)


def test_a_missing_file_and_a_folder_are_named(tmp_path, figures):
    figures.crafted(__name__, 2)
    assert "Không tìm thấy" in refused(tmp_path / "khong-co.docx", tmp_path).message
    assert "thư mục" in refused(tmp_path, tmp_path).message


def test_a_path_with_a_nul_character_is_refused(tmp_path, figures):
    figures.crafted(__name__)
    refused(tmp_path / "bao\x00cao.docx")


@pytest.mark.parametrize(
    "members",
    [
        {"readme.txt": b"hello"},
        {"[Content_Types].xml": b"<Types/>"},
        {"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<Relationships/>"},
        {
            "[Content_Types].xml": b"<Types/>",
            "_rels/.rels": (
                b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                b'<Relationship Id="r"'
                b' Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"'
                b' Target="word/document.xml"/></Relationships>'
            ),
        },
        {"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"not xml <"},
        {"[Content_Types].xml": b"<Types/>", "_rels/.rels": b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'},
    ],
    ids=["no-parts", "no-rels", "no-main", "no-document-xml", "bad-rels", "doctype"],
)
def test_a_zip_without_the_parts_of_a_document_is_refused(members, figures):
    figures.crafted(__name__)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, blob in members.items():
            zf.writestr(name, blob)
    refused(out.getvalue())


def test_a_word_file_not_made_by_kpdesk_says_so(real, figures):
    figures.crafted(__name__)
    _, data = real
    exc = refused(rezip(data, {PART: None, "customXml/kpdesk-draftProps.xml": None}))
    assert isinstance(exc, DraftError) and "không do kpdesk tạo" in exc.message


# ----------------------------------------------------------------------------- the embedded draft tampered with


def _payload_json(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read(PART).decode("utf-8")
    body = re.search(r"<kp:json[^>]*>(.*)</kp:json>", xml, re.S)
    assert body
    return body.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _tampered(real_json: str) -> dict[str, bytes]:
    edited = real_json.replace("352000000", "952000000")
    data = json.loads(real_json)
    return {
        "edited-json-old-hash": part_for(edited, digest=hashlib.sha256(real_json.encode()).hexdigest()),
        "wrong-hash": part_for(real_json, digest="0" * 64),
        "no-hash": part_for(real_json).replace(b"<kp:sha256>", b"<kp:x>").replace(b"</kp:sha256>", b"</kp:x>"),
        "bad-base64": part_for(real_json, encoding="base64").replace(b"</kp:json>", b"!!!</kp:json>"),
        "unknown-encoding": part_for(real_json, encoding="rot13"),
        "future-part-version": part_for(real_json, version="2"),
        "bad-part-version": part_for(real_json, version="un"),
        "not-xml": b"<kp:draft",
        "unknown-kind": part_for(json.dumps({**data, "kind": "loai-bao-cao-cua-so"}, ensure_ascii=False)),
        "future-format": part_for(json.dumps({**data, "format_version": 99}, ensure_ascii=False)),
        "future-kind-version": part_for(json.dumps({**data, "kind_version": 99}, ensure_ascii=False)),
        "not-json": part_for("{'format': 'kpdesk-draft'"),
        "json-list": part_for("[1, 2, 3]"),
        "deep-json": part_for("[" * 50_000 + "]" * 50_000),
        "entity-bomb": (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
            b'<kp:draft xmlns:kp="urn:kpdesk:draft:1" version="1"><kp:json>&b;</kp:json></kp:draft>'
        ),
        "external-entity": (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<kp:draft xmlns:kp="urn:kpdesk:draft:1" version="1"><kp:json>&x;</kp:json></kp:draft>'
        ),
    }


TAMPERED = [
    "edited-json-old-hash",
    "wrong-hash",
    "no-hash",
    "bad-base64",
    "unknown-encoding",
    "future-part-version",
    "bad-part-version",
    "not-xml",
    "unknown-kind",
    "future-format",
    "future-kind-version",
    "not-json",
    "json-list",
    "deep-json",
    "entity-bomb",
    "external-entity",
]


@pytest.mark.parametrize("how", TAMPERED)
def test_a_tampered_embedded_draft_is_refused(how, real, tmp_path, figures):
    figures.crafted(__name__)
    _, data = real
    part = _tampered(_payload_json(data))[how]
    path = tmp_path / "bao-cao.docx"
    path.write_bytes(rezip(data, {PART: part}))
    exc = refused(path, tmp_path)
    if how == "unknown-kind":
        assert isinstance(exc, DraftError) and "loai-bao-cao-cua-so" in exc.message
    if how in ("edited-json-old-hash", "wrong-hash"):
        assert "bị thay đổi" in exc.message


def test_an_embedded_draft_with_a_5000_digit_number_is_refused(real, figures):
    figures.crafted(__name__)
    _, data = real
    text = _payload_json(data).replace("352000000", "1" + "0" * 5000)
    refused(rezip(data, {PART: part_for(text)}))


# ----------------------------------------------------------------------------- bombs and paths


@pytest.mark.parametrize("member", [PART, "word/_rels/document.xml.rels", "_rels/.rels"])
def test_a_zip_bomb_is_refused_without_inflating_it(member, real, tmp_path, figures):
    figures.crafted(__name__)
    _, data = real
    bomb = rezip(data, {member: b"\0" * (MAX_PART_BYTES + (4 << 20))})  # 24 MB of zeros
    path = tmp_path / "bom.docx"
    path.write_bytes(bomb)
    assert path.stat().st_size < 200_000
    tracemalloc.start()
    try:
        exc = refused(path, tmp_path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "giải nén bất thường" in exc.message
    assert peak < 8 << 20, f"{peak} bytes allocated"


def test_a_bomb_in_a_member_that_is_never_read_is_never_inflated(real, figures):
    figures.crafted(__name__)
    d, data = real
    bomb = rezip(data, {"[Content_Types].xml": b"\0" * (MAX_PART_BYTES + (4 << 20))})
    tracemalloc.start()
    try:
        with watched():
            again = draft_from_docx(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert drafts.to_json(again) == drafts.to_json(d)
    assert peak < 8 << 20, f"{peak} bytes allocated"


@pytest.mark.parametrize("parts", [48, MAX_TOTAL_BYTES // MAX_PART_BYTES - 1])
def test_many_parts_each_within_the_limit_are_refused_past_the_total_read(parts, real, figures):
    """48 customXml parts of 20 MB each in a 1 MB file took 44 s and 1.3 GB; under the declared total, the parts
    read are bounded by MAX_READ_BYTES in all."""
    figures.crafted(__name__)
    _, data = real
    line = b"<b>" + "Thiệu Trung ".encode() * 80 + b"</b>\n"
    filler = b"<a>" + line * ((MAX_PART_BYTES - 8) // len(line)) + b"</a>"  # valid XML, just under 20 MB
    # without the real payload, every customXml part is a candidate to read
    bomb = rezip(data, {PART: None}, add={f"customXml/item{i:02d}.xml": filler for i in range(parts)})
    assert len(bomb) < 4_000_000  # a small file
    tracemalloc.start()
    try:
        exc = refused(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "giải nén bất thường" in exc.message
    assert peak < MAX_READ_BYTES + (16 << 20), f"{peak} bytes allocated"


def test_a_part_of_millions_of_tags_is_refused_before_parsing(real, figures):
    """5 million empty elements in 20 MB take 700 MB once parsed."""
    figures.crafted(__name__)
    d, data = real
    tags = b"<a>" + b"<b/>" * (MAX_XML_TAGS + 1) + b"</a>"
    assert len(tags) < MAX_PART_BYTES
    exc = refused(rezip(data, {PART: tags}))
    assert "giải nén bất thường" in exc.message


def test_a_lone_surrogate_in_a_received_docx_is_dropped(real, tmp_path, figures):
    """A payload whose JSON carries "\\ud800" (hash recomputed) is read without it instead of crashing later."""
    figures.crafted(__name__)
    d, data = real
    payload = json.loads(drafts.dumps(d))
    payload["number"] = "15\ud800"
    text = json.dumps(payload, ensure_ascii=True)
    assert "\\ud800" in text  # the escape, as a JSON file carries it
    with watched():
        again = draft_from_docx(rezip(data, {PART: part_for(text)}))
    assert again.number == "15"


def test_a_zip_with_too_many_members_is_refused(real, figures):
    figures.crafted(__name__)
    _, data = real
    exc = refused(rezip(data, add={f"x/{i}": b"" for i in range(MAX_ENTRIES + 1)}, method=zipfile.ZIP_STORED))
    assert "quá nhiều" in exc.message


@pytest.mark.parametrize(
    "name",
    [
        "../../x",
        "../x",
        "/x",
        "/tmp/x",
        "word/../../x",
        "..\\..\\x",
        "C:/x",
        "C:\\x",
        "\\\\server\\share\\x",
        "customXml/../../x",
    ],
)
def test_members_with_unsafe_paths_are_refused_and_never_extracted(name, real, tmp_path, figures):
    figures.crafted(__name__)
    _, data = real
    path = tmp_path / "duong-dan.docx"
    path.write_bytes(rezip(data, add={name: b"owned"}))
    exc = refused(path, tmp_path)
    assert "không an toàn" in exc.message or "không phải tệp Word" in exc.message
    assert not Path("/x").exists() and not (tmp_path.parent / "x").exists()


@pytest.mark.parametrize(
    "target",
    [
        "../../../x.xml",
        "/../../x.xml",
        "../customXml/../../x.xml",
        "C:/x.xml",
        "file:///etc/passwd",
        "http://example.com/x.xml",
    ],
)
def test_relationships_pointing_outside_the_package_are_refused(target, real, figures):
    figures.crafted(__name__)
    _, data = real
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        rels = zf.read("word/_rels/document.xml.rels")
    assert b"../customXml/kpdesk-draft.xml" in rels
    evil = rezip(
        data, {"word/_rels/document.xml.rels": rels.replace(b"../customXml/kpdesk-draft.xml", target.encode())}
    )
    with watched():
        try:
            again = draft_from_docx(evil)
        except (DraftError, RenderError) as exc:
            assert exc.message.strip()
        else:  # the part is still found by its name inside the package, never through the outside target
            assert drafts.to_json(again) == drafts.to_json(real[0])


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_other_compression_methods_are_read_or_refused(method, real, figures):
    figures.crafted(__name__)
    d, data = real
    with watched():
        try:
            again = draft_from_docx(rezip(data, method=method))
        except (DraftError, RenderError):
            return
    assert drafts.to_json(again) == drafts.to_json(d)


def test_an_encrypted_or_unknown_method_member_is_refused(real, figures):
    figures.crafted(__name__, 2)
    _, data = real
    rebuilt = bytearray(rezip(data, method=zipfile.ZIP_STORED))
    name = PART.encode()
    for header, flags_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        start = 0
        while (i := rebuilt.find(header, start)) >= 0:
            start = i + 4
            if rebuilt[i + name_at : i + name_at + len(name)] == name:
                rebuilt[i + flags_at] |= 0x01  # "encrypted"
    refused(bytes(rebuilt))
    unknown = bytearray(rezip(data, method=zipfile.ZIP_STORED))
    for header, method_at, name_at in ((b"PK\x03\x04", 8, 30), (b"PK\x01\x02", 10, 46)):
        start = 0
        while (i := unknown.find(header, start)) >= 0:
            start = i + 4
            if unknown[i + name_at : i + name_at + len(name)] == name:
                unknown[i + method_at : i + method_at + 2] = (99).to_bytes(2, "little")  # AES
    refused(bytes(unknown))


def test_a_real_export_imports_exactly_and_writes_nothing(real, tmp_path, figures):
    """The control: what the refusals above are measured against."""
    figures.tried(__name__)
    d, data = real
    path = tmp_path / "bao-cao.docx"
    path.write_bytes(data)
    with watched(tmp_path):
        again = draft_from_docx(path)
    assert drafts.to_json(again) == drafts.to_json(d)
