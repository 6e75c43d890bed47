"""icu_data.py: Qt's ICU data package read and written again byte for byte, trimmed to what Qt's calls need, and
checked against the full data (a trim that drops needed data is refused)."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load():
    spec = importlib.util.spec_from_file_location("kpdesk_icu_data_tested", ROOT / "packaging" / "icu_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


icu = load()


def qt_icu_data() -> Path | None:
    """The libicudata.so.NN that PySide6 brings (Linux wheels only)."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not sys.platform.startswith("linux"):
        return None
    found = sorted((Path(spec.origin).parent / "Qt" / "lib").glob("libicudata.so.*"))
    return found[0] if found else None


ORIGINAL = qt_icu_data()
needs_icu = pytest.mark.skipif(ORIGINAL is None, reason="PySide6 brings no ICU data here (only its Linux wheels do)")
needs_binutils = pytest.mark.skipif(
    shutil.which("as") is None or shutil.which("ld") is None,
    reason="as and ld (Debian package binutils) are not installed",
)


def package() -> tuple[str, bytes, str, dict[str, bytes]]:
    version = ORIGINAL.name.rsplit(".", 1)[1]
    data = ORIGINAL.read_bytes()
    offset, size = icu._elf_symbol(data, f"icudt{version}_dat".encode())
    blob = data[offset : offset + size]
    return version, blob, *icu.read_package(blob)


@needs_icu
def test_the_package_is_read_and_written_again_byte_for_byte():
    _version, blob, header, prefix, items = package()
    assert prefix.startswith("icudt") and len(items) > 1000
    assert icu.write_package(header, prefix, items) == blob


@needs_icu
def test_the_kept_items_are_qts_collation_time_zones_and_locale_core():
    _version, _blob, _header, _prefix, items = package()
    kept = icu.kept(items)
    for name in (
        "coll/ucadata.icu",
        "coll/root.res",
        "coll/vi.res",
        "zoneinfo64.res",
        "zone/vi.res",
        "metaZones.res",
        "pool.res",
        "root.res",
        "vi.res",
        "cnvalias.icu",
    ):
        assert name in kept, name
    for dropped in ("brkitr/", "curr/", "lang/", "region/", "unit/", "translit/", "rbnf/"):
        assert not any(name.startswith(dropped) for name in kept), dropped
    assert not any(name.endswith(".cnv") for name in kept) and "unames.icu" not in kept
    assert sum(map(len, kept.values())) < sum(map(len, items.values())) / 8


@needs_icu
@needs_binutils
def test_the_trimmed_library_answers_qts_calls_as_the_full_one(tmp_path):
    out = icu.trimmed_library(ORIGINAL, tmp_path)  # runs check(): raises when any answer differs
    assert out.name == ORIGINAL.name and out.stat().st_size < ORIGINAL.stat().st_size / 8
    answers = icu.check(ORIGINAL.parent, out, ORIGINAL.name.rsplit(".", 1)[1])
    assert answers["collation vi"][0] == "ok"
    vietnamese = answers["collation vi"][1]
    assert vietnamese.index("an") < vietnamese.index("ăn") < vietnamese.index("âm") < vietnamese.index("bé")
    assert vietnamese.index("dân") < vietnamese.index("Đức") < vietnamese.index("o")
    assert answers["zone Asia/Ho_Chi_Minh"][1][0] == ["ok", "Giờ Đông Dương"]


@needs_icu
@needs_binutils
def test_a_trim_that_drops_needed_data_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(icu, "KEEP", tuple(p for p in icu.KEEP if not p.startswith(("coll/vi", "zone/vi"))))
    with pytest.raises(icu.IcuError, match="trả lời khác"):
        icu.trimmed_library(ORIGINAL, tmp_path)


def test_the_spec_swaps_only_icus_data_library(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(icu, "trimmed_library", lambda original, work: calls.append(original) or work / "t.so")
    binaries = [
        ("PySide6/Qt/lib/libicudata.so.73", "/x/libicudata.so.73", "BINARY"),
        ("PySide6/Qt/lib/libicuuc.so.73", "/x/libicuuc.so.73", "BINARY"),
    ]
    assert icu.trim_binaries(binaries, tmp_path) == [
        ("PySide6/Qt/lib/libicudata.so.73", str(tmp_path / "t.so"), "BINARY"),
        binaries[1],
    ]
    assert calls == [Path("/x/libicudata.so.73")]
