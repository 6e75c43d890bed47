"""Shared test setup: Qt runs offscreen, and examples and kinds are found from the repository."""

import atexit
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# the kinds' cache of this test session (and of the programs it starts): never the user's own cache folder
_CACHE = tempfile.mkdtemp(prefix="kpdesk-test-cache-")
os.environ["KPDESK_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, True)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


@pytest.fixture
def examples() -> list[Path]:
    return EXAMPLES


#: The shipped kind the tests of the kinds' cache files copy.
CACHED_KIND = "co-che-tai-chinh-thang"


@pytest.fixture
def kind_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the shipped kind `CACHED_KIND` in a folder of its own, and a cache folder of its own
    (`KPDESK_CACHE_DIR`), empty."""
    monkeypatch.setenv("KPDESK_CACHE_DIR", str(tmp_path / "cache"))
    from kpdesk.kinds import templates_dir

    target = tmp_path / "kinds" / CACHED_KIND
    shutil.copytree(templates_dir() / CACHED_KIND, target)
    return target


def _break_table(path: Path, table: str) -> None:
    """Damage the first page of `table` in the database `path`, and that page only: the file still opens and
    lists what other tables hold, and `PRAGMA quick_check` fails."""
    with sqlite3.connect(path) as c:
        (root,) = c.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
        size = c.execute("PRAGMA page_size").fetchone()[0]
    c.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * size
    data[start : start + 8] = b"\xff" * 8  # not a b-tree page any more
    path.write_bytes(bytes(data))


@pytest.fixture
def break_table() -> Callable[[Path, str], None]:
    return _break_table
