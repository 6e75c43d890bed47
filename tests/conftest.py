"""Shared test setup: Qt runs offscreen, and examples and kinds are found from the repository."""

import atexit
import os
import shutil
import tempfile
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
