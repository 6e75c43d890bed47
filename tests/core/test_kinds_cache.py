"""The kinds' cache on disk: served only while kind.toml and the body template are unchanged, never trusted blindly."""

import os
import pickle
import shutil
from pathlib import Path

import pytest

from kpdesk.caching import ENV_CACHE_DIR
from kpdesk.errors import KindError
from kpdesk.kinds import cache, get_kind
from kpdesk.kinds.summary import file_digest

KIND = "co-che-tai-chinh-thang"


@pytest.fixture
def folder(kind_copy, monkeypatch):
    """A copy of a shipped kind, and a cache folder of its own with nothing in memory (a fresh start)."""
    restart(monkeypatch)
    return kind_copy


def restart(monkeypatch):
    """What the next start of the program has: the cache file, nothing in memory."""
    monkeypatch.setattr(cache, "disk", cache.KindCache())


def count_reads(monkeypatch) -> list[str]:
    reads: list[str] = []
    real = cache.load_kind

    def load_kind(folder: Path, kind_id=None):
        reads.append(str(folder))
        return real(folder, kind_id)

    monkeypatch.setattr(cache, "load_kind", load_kind)
    return reads


def test_the_test_session_never_writes_to_the_users_cache_folder():
    import platformdirs

    assert os.environ.get(ENV_CACHE_DIR)
    assert not cache.disk.path().is_relative_to(platformdirs.user_cache_path("kpdesk", appauthor=False))


def test_a_kind_read_once_is_served_from_the_cache_at_the_next_start(folder, monkeypatch):
    first = cache.cached_load(str(folder), KIND)
    assert (folder.parent.parent / "cache" / cache.CACHE_FILE).is_file()
    restart(monkeypatch)
    reads = count_reads(monkeypatch)
    again = cache.cached_load(str(folder), KIND)
    assert reads == []
    assert again == first and again.fields == first.fields and again.folder == folder


def test_a_changed_kind_toml_is_read_again(folder, monkeypatch):
    cache.cached_load(str(folder), KIND)
    toml = folder / "kind.toml"
    text = toml.read_text(encoding="utf-8")
    old_name = get_kind(KIND).name
    toml.write_text(text.replace(f'name = "{old_name}"', 'name = "Tên đã sửa"', 1), encoding="utf-8")
    restart(monkeypatch)
    reads = count_reads(monkeypatch)
    kind = cache.cached_load(str(folder), KIND)
    assert reads == [str(folder)] and kind.name == "Tên đã sửa"


def test_a_kind_toml_broken_after_caching_is_reported_not_served(folder, monkeypatch):
    cache.cached_load(str(folder), KIND)
    (folder / "kind.toml").write_text("id = [", encoding="utf-8")
    restart(monkeypatch)
    with pytest.raises(KindError, match="kind.toml"):
        cache.cached_load(str(folder), KIND)


def test_a_changed_body_template_is_not_served_from_the_cache(folder, monkeypatch):
    cache.cached_load(str(folder), KIND)
    body = folder / "body.j2"
    body.write_text(body.read_text(encoding="utf-8") + "\n{# sửa #}\n", encoding="utf-8")
    restart(monkeypatch)
    reads = count_reads(monkeypatch)
    cache.cached_load(str(folder), KIND)
    assert reads == [str(folder)]
    restart(monkeypatch)  # and the new one is cached in its place
    reads.clear()
    cache.cached_load(str(folder), KIND)
    assert reads == []


def test_a_removed_body_template_is_reported_not_served(folder, monkeypatch):
    cache.cached_load(str(folder), KIND)
    (folder / "body.j2").unlink()
    restart(monkeypatch)
    with pytest.raises(KindError, match="body.j2"):
        cache.cached_load(str(folder), KIND)


@pytest.mark.parametrize("content", [b"", b"not a pickle at all", None])
def test_a_damaged_cache_file_is_ignored_and_replaced(folder, monkeypatch, content):
    first = cache.cached_load(str(folder), KIND)
    path = cache.disk.path()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] if content is None else content)  # None: cut short
    restart(monkeypatch)
    reads = count_reads(monkeypatch)
    assert cache.cached_load(str(folder), KIND) == first
    assert reads == [str(folder)]
    restart(monkeypatch)
    reads.clear()
    cache.cached_load(str(folder), KIND)
    assert reads == []


def test_a_cache_holding_something_else_is_ignored(folder, monkeypatch):
    path = cache.disk.path()
    path.parent.mkdir(parents=True)
    stamp = cache._code_stamp()
    digest = file_digest(folder / "kind.toml")
    body = file_digest(folder / "body.j2", None)
    entries = {(str(folder), KIND, digest): ("not a kind", "body.j2", body)}  # the right files, not a kind
    path.write_bytes(pickle.dumps({"code": stamp, "entries": entries}))
    reads = count_reads(monkeypatch)
    assert cache.cached_load(str(folder), KIND).id == KIND
    assert reads == [str(folder)]


def test_a_cache_of_other_code_is_ignored(folder, monkeypatch):
    cache.cached_load(str(folder), KIND)
    restart(monkeypatch)
    monkeypatch.setattr(cache, "_code_stamp", lambda: ("another version of the loader",))
    reads = count_reads(monkeypatch)
    cache.cached_load(str(folder), KIND)
    assert reads == [str(folder)]


def test_an_empty_cache_dir_setting_means_no_cache(folder, monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_CACHE_DIR, "")
    assert cache.disk.path() is None
    reads = count_reads(monkeypatch)
    cache.cached_load(str(folder), KIND)
    cache.cached_load(str(folder), KIND)
    assert reads == [str(folder), str(folder)]
    assert not (tmp_path / "cache").exists()


def test_a_cache_folder_that_cannot_be_written_still_loads_the_kind(folder, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv(ENV_CACHE_DIR, str(blocker / "cache"))  # under a file: never a folder
    assert cache.cached_load(str(folder), KIND).id == KIND


def test_the_cache_keeps_only_the_newest_entries(folder, monkeypatch):
    monkeypatch.setattr(cache, "CACHE_ENTRIES", 2)
    copies = []
    for i in range(3):
        copy = folder.parent / f"copy{i}" / KIND
        shutil.copytree(folder, copy)
        cache.cached_load(str(copy), KIND)
        copies.append(copy)
    restart(monkeypatch)
    reads = count_reads(monkeypatch)
    for copy in reversed(copies):  # the newest first: reading an evicted one again evicts the oldest left
        cache.cached_load(str(copy), KIND)
    assert reads == [str(copies[0])]


def test_a_kind_toml_edited_to_the_same_size_is_read_again(folder, monkeypatch):
    """The checksums, not the size alone, tell contents apart: one letter changed is a changed file."""
    cache.cached_load(str(folder), KIND)
    toml = folder / "kind.toml"
    before = toml.read_bytes()
    old_name = get_kind(KIND).name
    new_name = "X" + old_name[1:]
    toml.write_bytes(before.replace(f'name = "{old_name}"'.encode(), f'name = "{new_name}"'.encode(), 1))
    assert len(toml.read_bytes()) == len(before) and toml.read_bytes() != before
    restart(monkeypatch)
    reads = count_reads(monkeypatch)
    assert cache.cached_load(str(folder), KIND).name == new_name
    assert reads == [str(folder)]


def test_the_start_path_does_not_load_openssl(folder, tmp_path):
    """Kinds served from the cache and a store's drafts listed without importing hashlib: importing it loads
    OpenSSL, 3.5 MiB of the window's memory before it shows (see kpdesk/kinds/cache.py)."""
    import subprocess
    import sys

    script = f"""
import sys
from pathlib import Path
from kpdesk.kinds import cache
from kpdesk.store import Store
cache.cached_load({str(folder)!r}, {KIND!r})
with Store.open(Path({str(tmp_path / "data")!r})) as store:
    store.list_drafts()
print("_hashlib" in sys.modules)
"""
    env = {**os.environ, ENV_CACHE_DIR: str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[-1].stderr
    assert runs[1].stdout.split() == ["False"], "the second start (the kind cached) needs no hashlib"


def test_the_code_stamp_does_not_depend_on_what_was_imported():
    """The start imports the template sandbox only when a kind is read from its files: a stamp that changed with it
    would make every start after the first miss the cache (and read every kind again)."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from kpdesk.kinds import cache\n"
        "assert 'kpdesk.template_env' not in sys.modules and 'kpdesk.sandbox' not in sys.modules\n"
        "from kpdesk.kinds.summary import code_stamp\n"
        "before = cache._code_stamp()\n"
        "import kpdesk.template_env, kpdesk.kinds.loader, kpdesk.kinds.model\n"
        "code_stamp.cache_clear()\n"
        "print(before == cache._code_stamp(), sys.executable not in repr(before))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["True", "True"]
