"""Report kinds once read and checked, kept on disk between starts and keyed by their files' contents (told apart
by `kpdesk.kinds.summary.file_digest`) and by the code that reads them (`kpdesk.kinds.summary.code_stamp`).
"""

from __future__ import annotations

import pickle
import threading
from functools import cache
from pathlib import Path
from typing import Any

from kpdesk.caching import cache_folder, write_cache_file
from kpdesk.kinds.loader import _check_template as check_template
from kpdesk.kinds.loader import load_kind
from kpdesk.kinds.model import Kind
from kpdesk.kinds.summary import code_stamp, file_digest

CACHE_FILE = "kinds.pickle"
#: The cache keeps the kinds most recently read, at most this many (every version, every folder tried).
CACHE_ENTRIES = 64
#: Bumped when what an entry holds changes shape.
FORMAT = 2

Key = tuple[str, str, str]  # the kind's folder, its id, the `file_digest` of its kind.toml


def cache_path() -> Path | None:
    """The cache file, or None when `KPDESK_CACHE_DIR` is set empty (no cache)."""
    folder = cache_folder()
    return folder / CACHE_FILE if folder is not None else None


@cache
def _code_stamp() -> tuple[Any, ...]:
    """What identifies the code that reads kinds, and pickle's format (`code_stamp`)."""
    return (FORMAT, pickle.HIGHEST_PROTOCOL, *code_stamp())


class KindCache:
    """The kinds kept on disk: an entry is served only while the kind.toml has the hash it was read with and the
    body template the hash it had then. A cache file that is missing, damaged, of another version of kpdesk or
    cannot be written only costs start time: the kinds are then read from their files as without a cache.

    The file is Python's pickle format in the user's own cache folder (only the user can write there)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._path: Path | None = None
        self._entries: dict[Key, tuple[Kind, str]] | None = None

    def _load(self) -> dict[Key, tuple[Kind, str]]:
        path = cache_path()
        if self._entries is not None and path == self._path:
            return self._entries
        entries: dict[Key, tuple[Kind, str]] = {}
        if path is not None:
            try:
                with open(path, "rb") as fh:
                    data = pickle.load(fh)
                if isinstance(data, dict) and data.get("code") == _code_stamp():
                    entries = {
                        k: v
                        for k, v in data["kinds"].items()
                        if isinstance(k, tuple)
                        and len(k) == 3
                        and isinstance(v, tuple)
                        and len(v) == 2
                        and isinstance(v[0], Kind)
                        and isinstance(v[1], str)
                    }
            except Exception:  # noqa: BLE001 - none yet, an older one, a damaged one: the kinds are read again
                entries = {}
        self._path, self._entries = path, entries
        return entries

    def get(self, folder: str, kind_id: str, toml_digest: str) -> Kind | None:
        """The kind cached for this folder and kind.toml, if its body template is still the one it was read with."""
        with self._lock:
            entry = self._load().get((folder, kind_id, toml_digest))
        if entry is None:
            return None
        kind, template_digest = entry
        if file_digest(kind.template_path, None) != template_digest:
            return None
        try:
            check_template(kind, Path(folder) / "kind.toml")  # still a plain file in the folder, not a link out
        except Exception:  # noqa: BLE001 - the loader will say what is wrong
            return None
        return kind

    def put(self, folder: str, kind_id: str, toml_digest: str, kind: Kind) -> None:
        """Keep `kind`, read from `folder` whose kind.toml had `toml_digest`, for the next start."""
        template_digest = file_digest(kind.template_path, None)
        if template_digest is None:
            return
        with self._lock:
            entries = self._load()
            key = (folder, kind_id, toml_digest)
            entries.pop(key, None)
            entries[key] = (kind, template_digest)  # the newest last: the oldest go first when there are too many
            while len(entries) > CACHE_ENTRIES:
                entries.pop(next(iter(entries)))
            if self._path is not None:
                self._write(self._path, entries)

    @staticmethod
    def _write(path: Path, entries: dict[Key, tuple[Kind, str]]) -> None:
        try:
            data = pickle.dumps({"code": _code_stamp(), "kinds": entries}, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - a kind that cannot be kept only costs the next start's time
            return
        write_cache_file(path, data)


disk = KindCache()


def cached_load(folder: str, kind_id: str) -> Kind:
    """The kind in `folder`: from the cache when its kind.toml and body template are those cached, else read and
    checked by `load_kind` (and cached when it loads)."""
    if cache_path() is None:
        return load_kind(Path(folder), kind_id)
    toml = Path(folder) / "kind.toml"
    digest = file_digest(toml)
    if digest is not None:
        kind = disk.get(folder, kind_id, digest)
        if kind is not None:
            return kind
    kind = load_kind(Path(folder), kind_id)
    if digest is not None and file_digest(toml) == digest:  # not changed while it was read
        disk.put(folder, kind_id, digest, kind)
    return kind
