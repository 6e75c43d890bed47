"""The kinds' summaries: what the home, the list of drafts and `kpdesk.due` need of a kind, kept on disk so that the
window's start reads no full kind, and never served once the kind's files changed."""

import dataclasses
import datetime as dt
import importlib.util
import marshal
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kpdesk.kinds
from kpdesk.caching import ENV_CACHE_DIR
from kpdesk.errors import KindError
from kpdesk.kinds import KindSummary, all_kinds, get_kind, is_kind_id, kind_summary, summary, templates_dir
from kpdesk.kinds.loader import load_kind
from kpdesk.kinds.registry import Registry, registry
from kpdesk.period import Period

KIND = "co-che-tai-chinh-thang"
BASICS = ("id", "version", "name", "short", "doc_type", "periods", "deadline_day", "deadlines", "applies_from")


@pytest.fixture
def folder(kind_copy, monkeypatch):
    """A copy of a shipped kind, and a cache folder of its own with nothing in memory (a fresh start)."""
    restart(monkeypatch)
    return kind_copy


def restart(monkeypatch):
    """What the next start of the program has: the summaries' file, nothing in memory."""
    monkeypatch.setattr(summary, "disk", summary.SummaryFile())


class Reads(list):
    """`load` for `summary_in`: reads the full kind from its files, and notes each folder read."""

    def __call__(self, folder, kind_id):
        self.append(folder)
        return load_kind(Path(folder), kind_id)


def test_a_summary_says_what_its_full_kind_says_for_every_shipped_kind():
    for kind in all_kinds():
        made = kind_summary(kind.id)
        assert isinstance(made, KindSummary)
        assert [getattr(made, name) for name in (*BASICS, "audience")] == [
            getattr(kind, name) for name in (*BASICS, "audience")
        ]
        assert made == KindSummary.of(kind)


def test_a_summary_is_served_from_its_file_at_the_next_start_without_reading_the_kind(folder, monkeypatch):
    reads = Reads()
    first = summary.summary_in(str(folder), KIND, reads)
    assert reads == [str(folder)] and (folder.parents[1] / "cache" / summary.SUMMARY_FILE).is_file()
    restart(monkeypatch)
    reads.clear()
    assert summary.summary_in(str(folder), KIND, reads) == first
    assert reads == []


def test_dates_and_the_first_period_survive_the_file(folder, monkeypatch):
    """Department dates and `applies_from` are kept as marshal's types and read back as dates and a period."""
    kind = dataclasses.replace(
        load_kind(folder, KIND),
        deadlines={"2026-05": dt.date(2026, 6, 3), "2026-H1": dt.date(2026, 7, 15)},
        applies_from=Period("month", 2026, month=7),
    )
    digest = summary.file_digest(folder / "kind.toml")
    summary.disk.put(str(folder), KIND, digest, KindSummary.of(kind), kind.template)
    restart(monkeypatch)
    kept = summary.disk.get(str(folder), KIND, digest)
    assert kept == KindSummary.of(kind)
    assert kept.deadlines["2026-H1"] == dt.date(2026, 7, 15) and kept.applies_from == Period("month", 2026, month=7)
    assert not kept.applies_to(Period("month", 2026, month=6)) and kept.applies_to(Period("month", 2026, month=7))


def test_a_changed_kind_toml_makes_the_summary_again(folder, monkeypatch):
    summary.summary_in(str(folder), KIND, Reads())
    toml = folder / "kind.toml"
    old_name = get_kind(KIND).name
    toml.write_text(toml.read_text(encoding="utf-8").replace(old_name, "Tên đã sửa", 1), encoding="utf-8")
    restart(monkeypatch)
    reads = Reads()
    assert summary.summary_in(str(folder), KIND, reads).name == "Tên đã sửa"
    assert reads == [str(folder)]


def test_a_changed_body_template_makes_the_summary_again(folder, monkeypatch):
    summary.summary_in(str(folder), KIND, Reads())
    body = folder / "body.j2"
    body.write_text(body.read_text(encoding="utf-8") + "\n{# sửa #}\n", encoding="utf-8")
    restart(monkeypatch)
    reads = Reads()
    summary.summary_in(str(folder), KIND, reads)
    assert reads == [str(folder)]


def test_a_kind_broken_after_its_summary_was_kept_is_reported_as_reading_it_reports(folder, monkeypatch):
    """The start says a kind is broken exactly when reading the full kind would."""
    summary.summary_in(str(folder), KIND, Reads())
    (folder / "body.j2").unlink()
    restart(monkeypatch)
    with pytest.raises(KindError, match="body.j2"):
        summary.summary_in(str(folder), KIND, Reads())


@pytest.mark.parametrize("content", [b"", b"not marshal data", None, "another shape", "another code"])
def test_a_damaged_or_foreign_summaries_file_is_ignored_and_replaced(folder, monkeypatch, content):
    first = summary.summary_in(str(folder), KIND, Reads())
    path = summary.disk.path()
    data = path.read_bytes()
    if content is None:  # cut short
        path.write_bytes(data[: len(data) // 2])
    elif content == "another shape":
        kept = marshal.loads(data)
        kept["entries"] = {key: (("not", "a", "summary"), *rest) for key, (_, *rest) in kept["entries"].items()}
        path.write_bytes(marshal.dumps(kept))
    elif content == "another code":
        path.write_bytes(marshal.dumps({**marshal.loads(data), "code": ("another version of the loader",)}))
    else:
        path.write_bytes(content)
    restart(monkeypatch)
    reads = Reads()
    assert summary.summary_in(str(folder), KIND, reads) == first
    assert reads == [str(folder)]
    restart(monkeypatch)
    reads.clear()
    summary.summary_in(str(folder), KIND, reads)
    assert reads == []


def test_without_a_cache_folder_the_summary_is_made_from_the_kind_and_nothing_is_written(folder, monkeypatch):
    monkeypatch.setenv(ENV_CACHE_DIR, "")
    reads = Reads()
    assert summary.summary_in(str(folder), KIND, reads) == KindSummary.of(load_kind(folder, KIND))
    assert reads == [str(folder)] and not (folder.parents[1] / "cache").exists()


def test_an_installed_version_whose_kind_toml_says_another_is_refused_as_loading_it_is(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_CACHE_DIR, str(tmp_path / "cache"))
    installed = tmp_path / "installed"
    shutil.copytree(templates_dir() / KIND, installed / KIND / "2")  # kind.toml says version = 1
    reg = Registry(tmp_path / "none", installed)
    [found] = reg.versions(KIND)
    with pytest.raises(KindError, match="tên thư mục") as from_summary:
        reg.summary(found)
    with pytest.raises(KindError) as from_kind:
        reg.load(found)
    assert from_summary.value.message == from_kind.value.message


def test_the_newest_summary_is_that_of_the_kind_get_kind_returns():
    reg = registry()
    for kind_id in reg.ids():
        assert reg.newest_summary(kind_id) == KindSummary.of(reg.get(kind_id))
    with pytest.raises(KindError, match="Không có loại báo cáo «khong-co»"):
        kind_summary("khong-co")


def test_the_package_names_every_name_once_and_imports_it_when_first_asked_for():
    assert sorted(kpdesk.kinds.__all__) == sorted(kpdesk.kinds._NAMES)
    for name in kpdesk.kinds.__all__:
        module = importlib.import_module(f"kpdesk.kinds.{kpdesk.kinds._NAMES[name]}")
        assert getattr(kpdesk.kinds, name) is getattr(module, name)
    with pytest.raises(AttributeError):
        kpdesk.kinds.NoSuchName  # noqa: B018


def test_listing_kinds_from_their_summaries_reads_no_full_kind(tmp_path):
    """The second start lists every kind and what is due from the summaries' file: the kinds' model, loader and
    cache (and pickle) are never imported."""
    script = (
        "import sys\n"
        "from kpdesk.kinds import kind_ids, kind_summary\n"
        "names = [kind_summary(k).name for k in kind_ids()]\n"
        "print(len(names), *sorted(m for m in ('kpdesk.kinds.model', 'kpdesk.kinds.loader', 'kpdesk.kinds.cache',"
        " 'pickle') if m in sys.modules))\n"
    )
    env = {**os.environ, ENV_CACHE_DIR: str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[-1].stderr
    assert runs[0].stdout.split()[1:], "the first start reads the full kinds"
    assert runs[1].stdout.split() == [str(len(registry().ids()))], runs[1].stdout


def test_the_code_stamp_names_each_loader_module_by_the_file_import_finds_or_else_the_program(monkeypatch):
    stamp = summary.code_stamp.__wrapped__()
    assert stamp[0] == sys.version
    for name, where, size, mtime in stamp[1:]:
        st = os.stat(where)
        assert where == importlib.util.find_spec(name).origin and (size, mtime) == (st.st_size, st.st_mtime_ns)
    # a bundle's modules have no source file beside their package: the program's own file stands for them
    monkeypatch.setattr(sys.modules["kpdesk"], "__path__", [str(Path(sys.executable).parent)])
    monkeypatch.setattr(sys.modules["kpdesk.kinds"], "__path__", [str(Path(sys.executable).parent)])
    assert {where for _, where, _, _ in summary.code_stamp.__wrapped__()[1:]} == {sys.executable}


@given(st.text(alphabet="abcxyz019_-AZé.\n /", max_size=70))
def test_a_kind_id_is_what_the_folder_name_pattern_allows(name):
    """`is_kind_id` checks by hand what the pattern `[a-z0-9][a-z0-9_-]{0,63}` allows, whole: no capital, no
    accent, no dot, space or new line, nothing over 64 characters, no "-" or "_" first."""
    import re

    assert is_kind_id(name) == bool(re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", name))


def test_kind_ids_at_the_edges():
    assert is_kind_id("co-che-tai-chinh-thang") and is_kind_id("a") and is_kind_id("9" * 64)
    assert not any(is_kind_id(n) for n in ("", "-a", "_a", "a" * 65, "Bao-cao", "báo-cáo", "a.b", "a\n"))
