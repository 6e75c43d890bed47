"""The cache folder, where kpdesk keeps what makes the next start faster and can always be made again: the kinds
once read (`kpdesk.kinds.cache`) and code that Python would otherwise compile at every start (here).

Python 3.11 writes the methods of each dataclass (`__init__`, `__repr__`, `__eq__`, `__hash__`, and a frozen one's
`__setattr__` and `__delattr__`) as source text, and compiles each text with `exec` every time the program starts:
about 170 compilations for the 30 dataclasses the window's start creates, a tenth of its time (Python 3.13
compiles one text per class). `install` gives the `dataclasses` module an `exec` of its own, which compiles a
text the first time it is seen and keeps the code in the cache folder, as Python keeps a module's code in its .pyc
file. It serves kpdesk's own dataclasses only (classes of `kpdesk.…` and `ui.…` modules) and compiles a text
exactly as `exec` would, so their methods are the same. `compiling_from_cache` does the same for source files that
a library compiles itself at every start, without a .pyc: the window uses it for PySide's support modules
(`ui.load_qt`). Each module (or library) has a file of its own (`code/<name>.marshal`), read when its first text
is needed: a start reads the code of what it imports, not of all the program has used (the whole program's is
~700 KB). A cache file that is missing, damaged or written by another Python is ignored and written again;
`KPDESK_CACHE_DIR` set empty turns every cache off.
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import dataclasses
import marshal
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import CodeType
from typing import Any

#: Where the caches live: this folder when set (set empty: no cache at all), else the per-user cache folder.
ENV_CACHE_DIR = "KPDESK_CACHE_DIR"
#: The folder of compiled code in the cache folder: one file per module (or library), `<name>.marshal`.
CODE_DIR = "code"
#: The single file that held every module's code in earlier versions (read whole at every start): removed when the
#: folder is first written, as is `OLD_CODE_DIR`.
OLD_CODE_FILE = "dataclass-code.marshal"
#: The folder of the dataclasses' code alone, as the version before this one named it.
OLD_CODE_DIR = "dataclass-code"
#: A module's file keeps at most this many texts, the most recently compiled: the module with the most dataclasses
#: makes ~90, and texts of a dataclass as earlier versions of the program wrote it leave as new ones come.
CODE_ENTRIES = 400
#: A file larger than this is not the program's (400 texts make about 0.5 MB): it is ignored, and written again.
MAX_CODE_FILE_BYTES = 4 * 1024 * 1024
#: The modules whose dataclasses the cache serves (by their `__name__`).
OURS = ("kpdesk.", "ui.")
#: Python's own `compile`, whatever `compiling_from_cache` puts in its place for a while.
_compile = builtins.compile
#: What a file's entry is found by: a dataclass method's text, or a library file's name, flags and source.
Key = str | bytes | tuple[str, int, str | bytes]
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
    """What the code in the file was compiled by: marshal's format and the bytecode change with Python's version,
    and the code with its optimization level (`-O` drops asserts, `-OO` docstrings too)."""
    return f"{sys.version} {sys.implementation.cache_tag} -O{sys.flags.optimize}"


def _is_module_name(name: str) -> bool:
    """Whether `name` is a dotted module name, and so a safe file name of its own."""
    return bool(name) and all(part.isidentifier() for part in name.split("."))


class CodeCache:
    """Compiled texts (dataclass methods, a library's source files), one file per module or library in the folder
    `folder` (by default `CODE_DIR` in `cache_folder()`). A file is read when its first text is needed; an entry
    leaves memory once used (its code is then the method's or the module's own)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._unused: dict[str, dict[Key, bytes]] = {}  # module -> key -> marshal.dumps(code), not used yet
        self._new: dict[str, dict[Key, bytes]] = {}  # compiled in this process, for the module's file

    def _where(self) -> Path | None:
        if self.folder is None:
            base = cache_folder()
            self.folder = base / CODE_DIR if base is not None else None
        return self.folder

    def _read(self, module: str) -> dict[Key, bytes]:
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
        return {k: v for k, v in data["code"].items() if isinstance(k, (str, bytes, tuple)) and isinstance(v, bytes)}

    def code(self, text: str | bytes, module: str, filename: str = "<string>", flags: int = 0) -> Any:
        """The code of `text` (a method of a dataclass of `module`, or the source of one of a library's files,
        named `filename`), compiled as `compile(text, filename, "exec", flags, dont_inherit=True)` compiles it
        (what `exec(text)` in `dataclasses` does, with no flags), from the cache when it is there."""
        if not _is_module_name(module):
            return _compile(text, filename, "exec", flags, dont_inherit=True)
        with self._lock:
            unused = self._unused.get(module)
            if unused is None:
                unused = self._unused[module] = self._read(module)
            key: Key = text if filename == "<string>" and not flags else (filename, flags, text)
            kept = unused.pop(key, None)
        if kept is not None:
            try:
                code = marshal.loads(kept)
            except Exception:  # noqa: BLE001 - a damaged entry: compiled again below
                code = None
            if type(code) is CodeType and code.co_filename == filename:
                COUNTS["found"] += 1
                return code
        # dont_inherit: no `from __future__` flag of this module; exec(text) from `dataclasses` has none either
        code = _compile(text, filename, "exec", flags, dont_inherit=True)
        with self._lock:
            if not self._new:
                atexit.register(self.save)
            self._new.setdefault(module, {})[key] = marshal.dumps(code)
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
        if folder.name == CODE_DIR:  # what earlier versions kept beside it
            try:
                (folder.parent / OLD_CODE_FILE).unlink(missing_ok=True)
                old = folder.parent / OLD_CODE_DIR
                if old.is_dir():
                    for path in old.glob("*.marshal"):
                        path.unlink()
                    old.rmdir()
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
            source = _compile(source, "<string>", "exec", dont_inherit=True)
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


def future_flags() -> int:
    """The flags of `from __future__ …` statements, which `compile` takes from the code calling it (PyCF_MASK)."""
    import __future__

    flags = 0
    for name in __future__.all_feature_names:
        if name not in ("nested_scopes", "generators"):  # always on: their flags are not compiler flags any more
            flags |= getattr(__future__, name).compiler_flag
    return flags


@contextlib.contextmanager
def compiling_from_cache(library: str, prefix: str | tuple[str, ...]) -> Iterator[bool]:
    """While in this block, a library's source files that it compiles itself are compiled once and kept in the
    cache folder (the file `code/<library>.marshal`), as Python keeps an imported module's code in its .pyc file:
    `compile(source, filename, "exec")` with no other argument and a `filename` starting with `prefix` (or one of
    them). The code is what `compile` would make: the same source and name, and the `from __future__` flags of the
    calling module, which `compile` takes (PySide's importer has `annotations`). Every other call of `compile` is
    passed on unchanged, with its caller's flags. Yields whether the cache is on (not when `KPDESK_CACHE_DIR` is
    set empty)."""
    if os.environ.get(ENV_CACHE_DIR, "x").strip() == "" or not _is_module_name(library):
        yield False
        return
    cache = _cache if _cache is not None else CodeCache()  # the dataclasses' own: one folder, one save at exit
    inherited = future_flags()
    before = builtins.compile

    def compile_once(
        source: Any, filename: Any, mode: str, flags: int = 0, dont_inherit: bool = False, optimize: int = -1, **kw: Any
    ) -> Any:
        caller = 0 if dont_inherit else sys._getframe(1).f_code.co_flags & inherited  # compile takes the caller's
        if (
            mode == "exec"
            and flags == 0
            and optimize == -1
            and not kw
            and isinstance(source, (str, bytes))
            and isinstance(filename, str)
            and filename.startswith(prefix)
        ):
            return cache.code(source, library, filename, caller)
        return before(source, filename, mode, flags | caller, True, optimize, **kw)

    builtins.compile = compile_once
    try:
        yield True
    finally:
        if builtins.compile is compile_once:
            builtins.compile = before
