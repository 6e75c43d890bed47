"""The cache folder, where kpdesk keeps what makes the next start faster and can always be made again: the kinds
once read (`kpdesk.kinds.cache`) and the code Python writes for kpdesk's dataclasses (here).

Python 3.11 writes the methods of each dataclass (`__init__`, `__repr__`, `__eq__`, `__hash__`, and a frozen one's
`__setattr__` and `__delattr__`) as source text, and compiles each text with `exec` every time the program starts:
about 170 compilations for the 30 dataclasses the window's start creates, a tenth of its time (Python 3.13
compiles one text per class). `install` gives the `dataclasses` module an `exec` of its own, which compiles a
text the first time it is seen and keeps the code in the cache folder, as Python keeps a module's code in its .pyc
file. It serves kpdesk's own dataclasses only (classes of `kpdesk.…` and `ui.…` modules) and compiles a text
exactly as `exec` would, so their methods are the same. Each module's texts have a file of their own
(`dataclass-code/<module>.marshal`), read when the module makes its first dataclass: a start reads the code of the
modules it imports, not of all the program has used (the whole program's is ~700 KB). A cache file that is missing,
damaged or written by another Python is ignored and written again; `KPDESK_CACHE_DIR` set empty turns every cache
off.
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
#: The folder of the dataclasses' code in the cache folder: one file per module, `<module>.marshal`.
CODE_DIR = "dataclass-code"
#: The single file that held every module's code before (read whole at every start): removed when the folder is
#: first written.
OLD_CODE_FILE = "dataclass-code.marshal"
#: A module's file keeps at most this many texts, the most recently compiled: the module with the most dataclasses
#: makes ~90, and texts of a dataclass as earlier versions of the program wrote it leave as new ones come.
CODE_ENTRIES = 400
#: A file larger than this is not the program's (400 texts make about 0.5 MB): it is ignored, and written again.
MAX_CODE_FILE_BYTES = 4 * 1024 * 1024
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


def _is_module_name(name: str) -> bool:
    """Whether `name` is a dotted module name, and so a safe file name of its own."""
    return bool(name) and all(part.isidentifier() for part in name.split("."))


class CodeCache:
    """The compiled texts of dataclass methods, one file per module in the folder `folder` (by default
    `CODE_DIR` in `cache_folder()`). A module's file is read when its first text is needed; an entry leaves
    memory once used (its code is then the method's own)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._unused: dict[str, dict[str, bytes]] = {}  # module -> text -> marshal.dumps(code), not asked for yet
        self._new: dict[str, dict[str, bytes]] = {}  # compiled in this process, for the module's file

    def _where(self) -> Path | None:
        if self.folder is None:
            base = cache_folder()
            self.folder = base / CODE_DIR if base is not None else None
        return self.folder

    def _read(self, module: str) -> dict[str, bytes]:
        """The entries of `module`'s file ({} when it is missing, damaged or another Python's)."""
        folder = self._where()
        if folder is None:
            return {}
        from kpdesk.files import read_capped  # here: `import kpdesk` imports this module first and stays light

        try:  # read whole, then unmarshalled: `marshal.load` on the open file reads it object by object through
            with open(folder / f"{module}.marshal", "rb") as fh:  # Python's file methods, eight times the cost
                raw = read_capped(fh, MAX_CODE_FILE_BYTES)
            if len(raw) > MAX_CODE_FILE_BYTES:
                return {}
            data = marshal.loads(raw)
        except Exception:  # noqa: BLE001 - none yet, unreadable, or not marshal data: compiled again
            return {}
        if not (isinstance(data, dict) and data.get("python") == _stamp() and isinstance(data.get("code"), dict)):
            return {}
        return {k: v for k, v in data["code"].items() if isinstance(k, str) and isinstance(v, bytes)}

    def code(self, text: str, module: str) -> Any:
        """The code of `text`, a method of a dataclass of `module`, compiled as `exec(text)` compiles it, from the
        cache when it is there."""
        if not _is_module_name(module):
            return compile(text, "<string>", "exec", dont_inherit=True)
        with self._lock:
            unused = self._unused.get(module)
            if unused is None:
                unused = self._unused[module] = self._read(module)
            kept = unused.pop(text, None)
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
            self._new.setdefault(module, {})[text] = marshal.dumps(code)
        COUNTS["compiled"] += 1
        return code

    def save(self) -> None:
        """Add what was compiled in this process to each module's file (at exit), the oldest entries going first
        past `CODE_ENTRIES`. A file that cannot be written costs only the next start's time."""
        with self._lock:
            new, self._new = self._new, {}
        folder = self._where()
        if not new or folder is None:
            return
        for module, texts in new.items():
            entries = self._read(module)  # as it is now: another kpdesk may have added to it
            for text, code in texts.items():
                entries.pop(text, None)
                entries[text] = code  # the newest last
            while len(entries) > CODE_ENTRIES:
                entries.pop(next(iter(entries)))
            write_cache_file(folder / f"{module}.marshal", marshal.dumps({"python": _stamp(), "code": entries}))
        if folder.name == CODE_DIR:  # the single file of every module's code, read whole at every start before
            try:
                (folder.parent / OLD_CODE_FILE).unlink(missing_ok=True)
            except OSError:
                pass


_cache: CodeCache | None = None


def _exec(source: Any, globals: Any = None, locals: Any = None, /, **kwargs: Any) -> None:  # noqa: A002
    """`exec` as the `dataclasses` module calls it: the text of one of kpdesk's dataclasses is compiled once. Any
    text is compiled here as `exec` compiles it in `dataclasses`, without this module's `from __future__` flags
    (which `exec` would otherwise take from this frame, making other programs' annotations strings)."""
    if isinstance(source, str):
        cache = _cache
        module = str(globals.get("__name__", "")) if isinstance(globals, dict) else ""
        if cache is not None and module.startswith(OURS):
            source = cache.code(source, module)
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
