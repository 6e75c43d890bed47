"""Report kinds once read and checked, kept on disk between starts and keyed by their files' contents (told apart
by `kpdesk.kinds.summary.file_digest`) and by the code that reads them (`kpdesk.kinds.summary.code_stamp`).
"""

from __future__ import annotations

import pickle
from functools import cache
from pathlib import Path
from typing import Any

from kpdesk.kinds.loader import _check_template as check_template
from kpdesk.kinds.loader import load_kind
from kpdesk.kinds.model import Kind
from kpdesk.kinds.summary import KindFile, code_stamp

CACHE_FILE = "kinds.pickle"
#: The cache keeps the kinds most recently read, at most this many (every version, every folder tried).
CACHE_ENTRIES = 64
#: Bumped when what an entry holds changes shape.
FORMAT = 3


@cache
def _code_stamp() -> tuple[Any, ...]:
    """What identifies the code that reads kinds, and pickle's format (`code_stamp`)."""
    return (FORMAT, pickle.HIGHEST_PROTOCOL, *code_stamp())


def _kind_kept(kind: Any, folder: str, kind_id: str) -> Kind | None:
    """A kind from the file, if it is one, of this id, and its body template still a plain file in its folder."""
    if not (isinstance(kind, Kind) and kind.id == kind_id):
        return None
    try:
        check_template(kind, Path(folder) / "kind.toml")  # not a link out of the folder
    except Exception:  # noqa: BLE001 - the loader will say what is wrong
        return None
    return kind


class KindCache(KindFile[Kind]):
    """The kinds kept on disk (`CACHE_FILE`, Python's pickle format in the user's own cache folder, which only the
    user can write), served as `KindFile` serves its values."""

    def __init__(self) -> None:
        super().__init__(
            CACHE_FILE,
            dumps=lambda data: pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL),
            loads=pickle.loads,
            stamp=lambda: _code_stamp(),  # looked up at each use: the tests stand in another code's stamp
            dump_value=lambda kind: kind,
            load_value=_kind_kept,
            limit=lambda: CACHE_ENTRIES,
        )


disk = KindCache()


def cached_load(folder: str, kind_id: str) -> Kind:
    """The kind in `folder`: from the cache when its kind.toml and body template are those cached, else read and
    checked by `load_kind` (and cached when it loads)."""
    return disk.served(folder, kind_id, lambda f, k: load_kind(Path(f), k), lambda kind: kind)
