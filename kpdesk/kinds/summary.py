"""What the window's start needs of a report kind: its names, version, periods, deadlines and audience.

The home («Việc cần làm») and the list of drafts need only this of each kind. A full `Kind` (its sections, fields,
computed values and rules) is read from the kinds' cache or its files, and importing its model and the cache costs
the start more than the rest of the core together. So each kind's summary is kept in a small file of its own
beside the kinds' cache (`kind-summaries.marshal`), keyed as that cache is: by the kind's folder, its id, the
contents of its kind.toml and body template, and the code that reads kinds. A summary that is missing, stale or
damaged is made again from the full kind, which reports a broken kind exactly as reading it does. `KindFile`
serves both files, the summaries (marshal: the start imports no pickle) and the full kinds (`kpdesk.kinds.cache`).

This module also says where kinds live on this computer (`templates_dir`, `kind_folders`): the start lists the
kinds' folders without importing their loader.
"""

from __future__ import annotations

import datetime as dt
import marshal
import os
import sys
import threading
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from kpdesk.caching import ENV_CACHE_DIR, cache_folder, write_cache_file
from kpdesk.files import read_capped
from kpdesk.period import Period

if TYPE_CHECKING:
    from kpdesk.kinds.model import Kind

#: What a kind's id (the name of its folder) is made of: 1 to 64 of these, the first not "-" or "_".
KIND_ID_FIRST = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
KIND_ID_CHARS = KIND_ID_FIRST | {"-", "_"}
#: A kind.toml is a few kilobytes; a bigger file is not a report kind.
MAX_KIND_BYTES = 1_000_000
SUMMARY_FILE = "kind-summaries.marshal"
#: Bumped when what an entry holds changes shape.
FORMAT = 1
#: The file keeps the summaries most recently made, at most this many (every version, every folder tried).
SUMMARY_ENTRIES = 64
#: The modules whose code decides what a kind.toml loads as: a change to any of them makes every entry stale, here
#: and in the kinds' cache.
LOADER_MODULES = (
    "kpdesk.kinds.cache",
    "kpdesk.kinds.loader",
    "kpdesk.kinds.model",
    "kpdesk.kinds.summary",
    "kpdesk.template_env",
    "kpdesk.sandbox",
    "kpdesk.vocab",
    "kpdesk.period",
    "kpdesk.deadlines",
    "kpdesk.vn",
    "kpdesk.text",
    "kpdesk.errors",
)


def is_kind_id(name: str) -> bool:
    """Whether `name` can be a kind's id: lower-case ASCII letters, digits, "-" and "_", 1 to 64 of them, the first
    a letter or a digit. Checked by hand, not by a pattern: the window's start checks every kind folder's name."""
    return 0 < len(name) <= 64 and name[0] in KIND_ID_FIRST and all(c in KIND_ID_CHARS for c in name)


def templates_dir() -> Path:
    """Return the folder holding the report kinds (`KPDESK_TEMPLATES` overrides it)."""
    env = os.environ.get("KPDESK_TEMPLATES")
    if env:
        return Path(env)
    return data_dir("templates")


def data_dir(name: str) -> Path:
    """Return a data folder of kpdesk ("templates", "examples"): in the bundle, the source tree, or installed."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / name
    return _program_data_dir(name)


@cache
def _program_data_dir(name: str) -> Path:
    """`data_dir` outside a bundle: where the program runs from does not change while it runs (looked up once; the
    lookup resolves paths, which every kind lookup would otherwise pay)."""
    source = Path(__file__).resolve().parents[2] / name
    if source.is_dir():
        return source
    from importlib.util import find_spec

    spec = find_spec(f"kpdesk_{name}")  # a regular (non-editable) install carries it as a package
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return source


def kind_folders(root: Path | None = None) -> list[Path]:
    """The folders under `root` that hold a kind: a valid kind id as name and a kind.toml file."""
    root = root or templates_dir()
    try:
        if not root.is_dir():
            return []
        return sorted(p for p in root.iterdir() if is_kind_id(p.name) and (p / "kind.toml").is_file())
    except OSError:
        return []


class KindBasics(Protocol):
    """What the home, the list of drafts and `kpdesk.due` read of a kind: a `KindSummary` and a full `Kind` both
    have it."""

    @property
    def id(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def short(self) -> str: ...
    @property
    def doc_type(self) -> str: ...
    @property
    def periods(self) -> tuple[str, ...]: ...
    @property
    def deadline_day(self) -> int | None: ...
    @property
    def deadlines(self) -> Mapping[str, dt.date]: ...
    @property
    def applies_from(self) -> Period | None: ...
    @property
    def audience(self) -> str: ...


@dataclass(frozen=True)
class KindSummary:
    """A kind as lists and deadlines need it (see `KindBasics`); `of` makes it from the full kind."""

    id: str
    version: int
    name: str
    short: str
    doc_type: str
    periods: tuple[str, ...]
    deadline_day: int | None
    deadlines: Mapping[str, dt.date]
    applies_from: Period | None
    audience: str

    @classmethod
    def of(cls, kind: KindBasics) -> KindSummary:
        return cls(
            kind.id,
            kind.version,
            kind.name,
            kind.short,
            kind.doc_type,
            tuple(kind.periods),
            kind.deadline_day,
            dict(kind.deadlines),
            kind.applies_from,
            kind.audience,
        )

    def applies_to(self, period: Period) -> bool:
        """Return whether this version is in force for `period` (as `Kind.applies_to`)."""
        return self.applies_from is None or period.start >= self.applies_from.start

    def _entry(self) -> tuple[Any, ...]:
        """The summary in marshal's types (dates as ordinals, a period as its fields)."""
        p = self.applies_from
        return (
            self.id,
            self.version,
            self.name,
            self.short,
            self.doc_type,
            self.periods,
            self.deadline_day,
            {k: d.toordinal() for k, d in self.deadlines.items()},
            (p.type, p.year, p.month, p.half) if p is not None else None,
            self.audience,
        )

    @classmethod
    def _from_entry(cls, entry: Any) -> KindSummary:
        kind_id, version, name, short, doc_type, periods, deadline_day, dates, applies, audience = entry
        return cls(
            kind_id,
            version,
            name,
            short,
            doc_type,
            periods,
            deadline_day,
            {k: dt.date.fromordinal(n) for k, n in dates.items()},
            Period(*applies) if applies is not None else None,
            audience,
        )


def file_digest(path: Path | str, limit: int | None = MAX_KIND_BYTES) -> str | None:
    """What tells a file's contents apart ("size-crc32-adler32"), or None when it cannot be read or is bigger than
    `limit` bytes (None: any size). An edited file that kept all three by chance is about one in 10^19; sha256 would
    do no better here, and hashlib loads OpenSSL (3.5 MiB and a few milliseconds before the window shows)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read() if limit is None else read_capped(fh, limit)
    except OSError:
        return None
    if limit is not None and len(data) > limit:
        return None
    return f"{len(data)}-{zlib.crc32(data):08x}-{zlib.adler32(data):08x}"


@cache
def code_stamp() -> tuple[Any, ...]:
    """What identifies the code that reads kinds: Python's version and each loader module's file (size, time),
    or the program's own file in a bundle whose modules have no file of their own. The files are found without
    importing the modules: the start imports neither the kinds' loader nor the template sandbox, and the stamp
    must be the same whether they have been imported or not."""
    stamp: list[Any] = [sys.version]
    for name in LOADER_MODULES:
        where = _source_file(name) or sys.executable
        try:
            st = os.stat(where)
        except OSError:
            where = sys.executable
            st = os.stat(where)
        stamp.append((name, where, st.st_size, st.st_mtime_ns))
    return tuple(stamp)


def _source_file(name: str) -> str | None:
    """The source file of the module `name` in its package's folder (where Python's import finds it), or None (a
    bundle's modules have no file of their own). Looked for directly, as the import system would find it, without
    the machinery of `importlib.util.find_spec`."""
    package, _, leaf = name.rpartition(".")
    for folder in getattr(sys.modules.get(package), "__path__", ()):
        path = os.path.join(folder, leaf + ".py")
        if os.path.isfile(path):
            return path
    return None


Key = tuple[str, str, str]  # the kind's folder, its id, the `file_digest` of its kind.toml
V = TypeVar("V")


class KindFile(Generic[V]):
    """A file in the cache folder of values made from kinds (the kinds themselves, or their summaries), keyed by
    the kind's folder, its id and its kind.toml's `file_digest`, each kept with its body template's digest: a value
    is served only while both files are as they were when it was made. The newest last, the oldest going first past
    `limit()` entries. A file that is missing, damaged, of other code or that cannot be written costs only the time
    to read the kinds again.

    `dumps` and `loads` write and read the file (marshal for summaries: the start imports no pickle); `stamp()` names
    the code that made it; `dump_value` makes a value something the file can hold and `load_value(kept, folder,
    kind_id)` makes it back, or None for one that cannot be served."""

    def __init__(
        self,
        name: str,
        *,
        dumps: Callable[[Any], bytes],
        loads: Callable[[bytes], Any],
        stamp: Callable[[], Any],
        dump_value: Callable[[V], Any],
        load_value: Callable[[Any, str, str], V | None],
        limit: Callable[[], int],
    ) -> None:
        self.name = name
        self._dumps, self._loads, self._stamp = dumps, loads, stamp
        self._dump_value, self._load_value, self.limit = dump_value, load_value, limit
        self._lock = threading.Lock()
        self._path: Path | None = None
        self._entries: dict[Key, tuple[Any, str, str]] | None = None  # the value kept, template, template digest
        self._where: tuple[str | None, Path | None] | None = None  # `path` for the cache folder's setting

    def path(self) -> Path | None:
        """The file in the cache folder (None: no cache), looked up again when the folder's setting changes."""
        setting = os.environ.get(ENV_CACHE_DIR)
        if self._where is None or self._where[0] != setting:
            folder = cache_folder()
            self._where = (setting, folder / self.name if folder is not None else None)
        return self._where[1]

    def _load(self) -> dict[Key, tuple[Any, str, str]]:
        path = self.path()
        if self._entries is not None and path == self._path:
            return self._entries
        entries = {}
        if path is not None:
            try:
                data = self._loads(path.read_bytes())
                if isinstance(data, dict) and data.get("code") == self._stamp():
                    entries = dict(data["entries"])
            except Exception:  # noqa: BLE001 - none yet, an older one, a damaged one: made again from the kinds
                entries = {}
        self._path, self._entries = path, entries
        return entries

    def get(self, folder: str, kind_id: str, toml_digest: str) -> V | None:
        """The value kept for this folder and kind.toml, if its body template is still the one it was made with."""
        with self._lock:
            entry = self._load().get((folder, kind_id, toml_digest))
        try:
            kept, template, template_digest = entry  # type: ignore[misc]
            if file_digest(os.path.join(folder, template), None) != template_digest:
                return None
            return self._load_value(kept, folder, kind_id)
        except Exception:  # noqa: BLE001 - none, or an entry of another shape: made again from the kind
            return None

    def put(self, folder: str, kind_id: str, toml_digest: str, value: V, template: str) -> None:
        """Keep `value`, made from the kind in `folder` whose kind.toml had `toml_digest` and whose body template is
        the file `template` there, for the next start."""
        template_digest = file_digest(os.path.join(folder, template), None)
        if template_digest is None:
            return
        with self._lock:
            entries = self._load()
            key = (folder, kind_id, toml_digest)
            entries.pop(key, None)
            entries[key] = (self._dump_value(value), template, template_digest)  # the newest last
            while len(entries) > self.limit():
                entries.pop(next(iter(entries)))
            if self._path is not None:
                try:
                    payload = self._dumps({"code": self._stamp(), "entries": entries})
                except Exception:  # noqa: BLE001 - a value the file cannot hold: made again next time
                    return
                write_cache_file(self._path, payload)

    def served(self, folder: str, kind_id: str, load: Callable[[str, str], Kind], make: Callable[[Kind], V]) -> V:
        """The value for the kind in `folder`: kept while its files are those it was made from, else
        `make(load(folder, kind_id))` (and kept). A kind that cannot be read raises what `load` raises."""
        if self.path() is None:
            return make(load(folder, kind_id))
        toml = os.path.join(folder, "kind.toml")
        digest = file_digest(toml)
        if digest is not None:
            found = self.get(folder, kind_id, digest)
            if found is not None:
                return found
        kind = load(folder, kind_id)
        value = make(kind)
        if digest is not None and file_digest(toml) == digest:  # not changed while it was read
            self.put(folder, kind_id, digest, value, kind.template)
        return value


def _summary_of_entry(kept: Any, folder: str, kind_id: str) -> KindSummary | None:
    summary = KindSummary._from_entry(kept)
    return summary if summary.id == kind_id else None


class SummaryFile(KindFile[KindSummary]):
    """The kinds' summaries kept on disk (`SUMMARY_FILE`, marshal's format)."""

    def __init__(self) -> None:
        super().__init__(
            SUMMARY_FILE,
            dumps=marshal.dumps,
            loads=marshal.loads,
            stamp=lambda: (FORMAT, *code_stamp()),
            dump_value=KindSummary._entry,
            load_value=_summary_of_entry,
            limit=lambda: SUMMARY_ENTRIES,
        )


disk = SummaryFile()


def summary_in(folder: str, kind_id: str, load: Callable[[str, str], Kind]) -> KindSummary:
    """The summary of the kind in `folder`: from the summaries' file while its files are those it was made from,
    else made from the full kind that `load(folder, kind_id)` reads (and kept). A kind that cannot be read raises
    what `load` raises."""
    return disk.served(folder, kind_id, load, KindSummary.of)
