"""Report kinds once read and checked, kept on disk between starts and keyed by their files' contents.

A file's contents are told apart by its size and two checksums (CRC-32 and Adler-32, from zlib): an edited file
that kept all three by chance is about one in 10^19. sha256 would do no better here, and hashlib loads OpenSSL
(3.5 MiB and a few milliseconds before the window shows, outside the bundle, which leaves OpenSSL out).
"""

from __future__ import annotations

import importlib.util
import os
import pickle
import sys
import threading
import zlib
from functools import cache
from pathlib import Path
from typing import Any

from kpdesk.caching import cache_folder, write_cache_file
from kpdesk.kinds.loader import MAX_KIND_BYTES, load_kind
from kpdesk.kinds.loader import _check_template as check_template
from kpdesk.kinds.model import Kind

CACHE_FILE = "kinds.pickle"
#: The cache keeps the kinds most recently read, at most this many (every version, every folder tried).
CACHE_ENTRIES = 64
#: Bumped when what an entry holds changes shape.
FORMAT = 2
#: The modules whose code decides what a kind.toml loads as: a change to any of them makes every entry stale.
_LOADER_MODULES = (
    "kpdesk.kinds.cache",
    "kpdesk.kinds.loader",
    "kpdesk.kinds.model",
    "kpdesk.template_env",
    "kpdesk.sandbox",
    "kpdesk.vocab",
    "kpdesk.period",
    "kpdesk.deadlines",
    "kpdesk.vn",
    "kpdesk.errors",
)

Key = tuple[str, str, str]  # the kind's folder, its id, the `file_digest` of its kind.toml


def cache_path() -> Path | None:
    """The cache file, or None when `KPDESK_CACHE_DIR` is set empty (no cache)."""
    folder = cache_folder()
    return folder / CACHE_FILE if folder is not None else None


def file_digest(path: Path, limit: int | None = MAX_KIND_BYTES) -> str | None:
    """What tells a file's contents apart ("size-crc32-adler32"), or None when it cannot be read or is bigger than
    `limit` bytes (None: any size)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read() if limit is None else fh.read(limit + 1)
    except OSError:
        return None
    if limit is not None and len(data) > limit:
        return None
    return f"{len(data)}-{zlib.crc32(data):08x}-{zlib.adler32(data):08x}"


@cache
def _code_stamp() -> tuple[Any, ...]:
    """What identifies the code that reads kinds: Python's version and each loader module's file (size, time),
    or the program's own file in a bundle whose modules have no file of their own. The files are found without
    importing the modules: the start imports the template sandbox only when a kind is read from its files, and
    the stamp must be the same whether it has been imported or not."""
    stamp: list[Any] = [FORMAT, sys.version, pickle.HIGHEST_PROTOCOL]
    for name in _LOADER_MODULES:
        module = sys.modules.get(name)
        spec = module.__spec__ if module is not None else importlib.util.find_spec(name)
        where = (spec.origin if spec is not None else None) or sys.executable
        try:
            st = os.stat(where)
        except OSError:
            where = sys.executable
            st = os.stat(where)
        stamp.append((name, where, st.st_size, st.st_mtime_ns))
    return tuple(stamp)


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
