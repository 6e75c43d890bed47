"""The cache folder, where kpdesk keeps what makes the next start faster and can always be made again: the kinds
once read (`kpdesk.kinds.cache`) and the code Python writes for kpdesk's dataclasses (here).

Python 3.11 writes the methods of each dataclass (`__init__`, `__repr__`, `__eq__`, `__hash__`, and a frozen one's
`__setattr__` and `__delattr__`) as source text, and compiles each text with `exec` every time the program starts:
about 170 compilations for the 30 dataclasses the window's start creates, a tenth of its time (Python 3.13
compiles one text per class). `install` gives the `dataclasses` module an `exec` of its own, which compiles a
text the first time it is seen and keeps the code in the cache folder, as Python keeps a module's code in its .pyc
file. It serves kpdesk's own dataclasses only (classes of `kpdesk.…` and `ui.…` modules) and compiles a text
exactly as `exec` would, so their methods are the same. A cache file that is missing, damaged or written by another
Python is ignored and written again; `KPDESK_CACHE_DIR` set empty turns every cache off.
"""

from __future__ import annotations

import atexit
import builtins
import dataclasses
import marshal
import os
import sys
import threading
from pathlib import Path
from typing import Any

#: Where the caches live: this folder when set (set empty: no cache at all), else the per-user cache folder.
ENV_CACHE_DIR = "KPDESK_CACHE_DIR"
CODE_FILE = "dataclass-code.marshal"
#: The file keeps at most this many texts, the most recently compiled: the program's ~110 dataclasses make ~500.
CODE_ENTRIES = 2000
#: A file larger than this is not the program's (2,000 texts make about 3 MB): it is ignored, and written again.
MAX_CODE_FILE_BYTES = 32 * 1024 * 1024
#: The modules whose dataclasses the cache serves (by their `__name__`).
OURS = ("kpdesk.", "ui.")
#: What the cache did in this process: texts compiled (and kept for the next start), texts found compiled.
COUNTS = {"compiled": 0, "found": 0}


def cache_folder() -> Path | None:
    """The cache folder, or None when `KPDESK_CACHE_DIR` is set empty (no cache)."""
    env = os.environ.get(ENV_CACHE_DIR)
    if env is not None:
        return Path(env).expanduser() if env.strip() else None
    import platformdirs

    return platformdirs.user_cache_path("kpdesk", appauthor=False)


def write_cache_file(path: Path, data: bytes) -> None:
    """Write a cache file through `write_atomic`, its folder made if need be. A cache that cannot be written (a
    read-only or full folder) only costs the next start's time: nothing is said."""
    from kpdesk.files import write_atomic  # when a cache is written, not at `import kpdesk`

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
    except Exception:  # noqa: BLE001 - see above
        pass


def _stamp() -> str:
    """What the code in the file was compiled by: marshal's format and the bytecode change with Python's version."""
    return f"{sys.version} {sys.implementation.cache_tag}"


class CodeCache:
    """The compiled texts of dataclass methods, in the file `path` (by default in `cache_folder()`). The file is
    read when the first text is needed; an entry leaves memory once used (its code is then the method's own)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._unused: dict[str, bytes] | None = None  # text -> marshal.dumps(code), not asked for yet
        self._new: dict[str, bytes] = {}  # compiled in this process, for the file

    def _where(self) -> Path | None:
        if self.path is None:
            folder = cache_folder()
            self.path = folder / CODE_FILE if folder is not None else None
        return self.path

    def _read(self) -> dict[str, bytes]:
        """The file's entries ({} when it is missing, damaged or another Python's)."""
        path = self._where()
        if path is None:
            return {}
        try:  # read whole, then unmarshalled: `marshal.load` on the open file reads it object by object through
            with open(path, "rb") as fh:  # Python's file methods, eight times the cost at every start
                raw = fh.read(MAX_CODE_FILE_BYTES + 1)
            if len(raw) > MAX_CODE_FILE_BYTES:
                return {}
            data = marshal.loads(raw)
        except Exception:  # noqa: BLE001 - none yet, unreadable, or not marshal data: compiled again
            return {}
        if not (isinstance(data, dict) and data.get("python") == _stamp() and isinstance(data.get("code"), dict)):
            return {}
        return {k: v for k, v in data["code"].items() if isinstance(k, str) and isinstance(v, bytes)}

    def code(self, text: str) -> Any:
        """The code of `text` compiled as `exec(text)` compiles it, from the cache when it is there."""
        with self._lock:
            if self._unused is None:
                self._unused = self._read()
            kept = self._unused.pop(text, None)
        if kept is not None:
            try:
                code = marshal.loads(kept)
            except Exception:  # noqa: BLE001 - a damaged entry: compiled again below
                code = None
            if type(code) is type(_stamp.__code__):
                COUNTS["found"] += 1
                return code
        # dont_inherit: no `from __future__` flag of this module; exec(text) from `dataclasses` has none either
        code = compile(text, "<string>", "exec", dont_inherit=True)
        with self._lock:
            if not self._new:
                atexit.register(self.save)
            self._new[text] = marshal.dumps(code)
        COUNTS["compiled"] += 1
        return code

    def save(self) -> None:
        """Add what was compiled in this process to the file (at exit), the oldest entries going first past
        `CODE_ENTRIES`. A file that cannot be written costs only the next start's time."""
        with self._lock:
            new, self._new = self._new, {}
        path = self._where()
        if not new or path is None:
            return
        entries = self._read()  # as it is now: another kpdesk may have added to it
        for text, code in new.items():
            entries.pop(text, None)
            entries[text] = code  # the newest last
        while len(entries) > CODE_ENTRIES:
            entries.pop(next(iter(entries)))
        write_cache_file(path, marshal.dumps({"python": _stamp(), "code": entries}))


_cache: CodeCache | None = None


def _exec(source: Any, globals: Any = None, locals: Any = None, /, **kwargs: Any) -> None:  # noqa: A002
    """`exec` as the `dataclasses` module calls it: the text of one of kpdesk's dataclasses is compiled once. Any
    text is compiled here as `exec` compiles it in `dataclasses`, without this module's `from __future__` flags
    (which `exec` would otherwise take from this frame, making other programs' annotations strings)."""
    if isinstance(source, str):
        cache = _cache
        if cache is not None and isinstance(globals, dict) and str(globals.get("__name__", "")).startswith(OURS):
            source = cache.code(source)
        else:
            source = compile(source, "<string>", "exec", dont_inherit=True)
    builtins.exec(source, globals, locals, **kwargs)


def install() -> bool:
    """Serve kpdesk's dataclasses from the code cache (from now on); return whether it is on. Off without a cache
    folder, and when the `dataclasses` module already has an `exec` of its own (another program's hook)."""
    global _cache
    current = getattr(dataclasses, "exec", None)
    if os.environ.get(ENV_CACHE_DIR, "x").strip() == "" or (current is not None and current is not _exec):
        return False
    _cache = CodeCache()  # the folder found when the first text is compiled: `import kpdesk` reads no file
    dataclasses.exec = _exec  # type: ignore[attr-defined]
    return True
