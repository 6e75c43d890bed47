"""Where report kinds are found (built in, or installed in the data folder with every version kept) and looked up."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from kpdesk.errors import KindError
from kpdesk.kinds.summary import KindSummary, is_kind_id, kind_folders, summary_in, templates_dir
from kpdesk.period import Period

if TYPE_CHECKING:
    from kpdesk.kinds.model import Kind

#: The folder of the data folder that holds installed kinds: `<data dir>/kinds/<kind id>/<version>/`.
INSTALLED_FOLDER = "kinds"
#: The file beside an installed version's kind.toml that says which package brought it, and when.
ORIGIN_FILE = "origin.json"

_installed: Path | None = None  # the folder of installed kinds, once the program has said which (`use_data_dir`)


def use_data_dir(data_dir: Path | str | None) -> Path | None:
    """Look for installed kinds in `data_dir`/kinds from now on (None: the per-user data folder, or
    `KPDESK_DATA_DIR`); return the folder of installed kinds used before (None: the default), to restore it.

    The command line and the window call this once, with the data folder they opened (`--data-dir`, or the one
    the officer chose), so that the kinds and the drafts come from the same place.
    """
    global _installed
    previous = _installed
    _installed = Path(data_dir).expanduser() / INSTALLED_FOLDER if data_dir is not None else None
    return previous


def restore_installed_root(previous: Path | None) -> None:
    """Undo `use_data_dir`: look for installed kinds where `previous` (its return value) says."""
    global _installed
    _installed = previous


@contextmanager
def kinds_of_data_dir(data_dir: Path | str | None) -> Iterator[Path]:
    """Within the block, installed kinds are those of `data_dir` (see `use_data_dir`); yield their folder."""
    previous = use_data_dir(data_dir)
    try:
        yield installed_root()
    finally:
        restore_installed_root(previous)


def installed_root() -> Path:
    """Return the folder installed kinds live in: `<data dir>/kinds` (never next to the program)."""
    if _installed is not None:
        return _installed
    from kpdesk.store.database import default_data_dir  # the store imports the kinds: imported when needed

    return default_data_dir() / INSTALLED_FOLDER


@dataclass(frozen=True)
class KindVersion:
    """One version of one kind present on this computer: built in (shipped with kpdesk) or installed."""

    kind_id: str
    version: int
    folder: Path
    builtin: bool

    def origin(self) -> dict[str, Any]:
        """What the package that installed this version said about it (publisher, created, file, installed)."""
        if self.builtin:
            return {}
        try:
            data = json.loads((self.folder / ORIGIN_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def describe(self) -> str:
        """Where this version comes from, for the officer: "có sẵn" or "cài từ gói của Sở …, ngày …"."""
        if self.builtin:
            return "có sẵn trong kpdesk"
        origin = self.origin()
        publisher, when = (v if isinstance(v := origin.get(k), str) else "" for k in ("publisher", "installed"))
        text = f"cài từ gói mẫu của {publisher}" if publisher else "cài từ gói mẫu báo cáo"
        if when[:10]:
            y, m, d = (when[:10].split("-") + ["", "", ""])[:3]
            text += f", ngày {d}/{m}/{y}" if y and m and d else ""
        return text


class HasKindVersion(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def kind_version(self) -> int: ...


@cache
def _load_cached(folder: str, kind_id: str, stamp: tuple[int, int, int]) -> Kind:
    """The kind in `folder`, kept in memory while its kind.toml's `stamp` (size, time, inode) stays the same;
    across starts, from the cache on disk (`kpdesk.kinds.cache`) while its files' hashes stay the same."""
    from kpdesk.kinds.cache import cached_load  # the kinds' model and cache: not needed to list what is due

    return cached_load(folder, kind_id)


@cache
def _summary_cached(folder: str, kind_id: str, stamp: tuple[int, int, int]) -> KindSummary:
    """The summary of the kind in `folder` (`kpdesk.kinds.summary`), kept in memory as `_load_cached` keeps kinds."""
    return summary_in(folder, kind_id, lambda f, k: _load_cached(f, k, stamp))


def _shown(kind_id: object) -> str:
    shown = str(kind_id)
    shown = shown[:64] + "…" if len(shown) > 64 else shown
    return shown if shown.isprintable() else repr(shown)[1:-1]


class Registry:
    """The kinds of one place: built-in folders `<builtin>/<id>/` and installed versions `<installed>/<id>/<n>/`."""

    def __init__(self, builtin: Path, installed: Path | None) -> None:
        self.builtin, self.installed = builtin, installed

    def _installed_versions(self, kind_id: str) -> list[KindVersion]:
        if self.installed is None:
            return []
        out = []
        try:
            with os.scandir(os.path.join(self.installed, kind_id)) as entries:
                for entry in entries:
                    name = entry.name
                    if (
                        name.isdigit()
                        and name == str(int(name))
                        and int(name) >= 1
                        and entry.is_dir()
                        and os.path.isfile(os.path.join(entry.path, "kind.toml"))
                    ):
                        out.append(KindVersion(kind_id, int(name), Path(entry.path), False))
        except OSError:  # no such kind installed, or a folder that cannot be read
            return []
        return out

    def versions(self, kind_id: str) -> list[KindVersion]:
        """Every version of `kind_id` present, oldest first; a built-in version wins over an installed copy."""
        if not isinstance(kind_id, str) or not is_kind_id(kind_id):
            return []
        found = {v.version: v for v in self._installed_versions(kind_id)}
        if os.path.isfile(os.path.join(self.builtin, kind_id, "kind.toml")):
            folder = self.builtin / kind_id
            version = self._summary(folder, kind_id).version
            found[version] = KindVersion(kind_id, version, folder, True)
        return [found[n] for n in sorted(found)]

    def ids(self) -> list[str]:
        """The ids of every kind present, built in or installed."""
        ids = {p.name for p in kind_folders(self.builtin)}
        if self.installed is not None:
            try:
                ids |= {
                    p.name for p in self.installed.iterdir() if is_kind_id(p.name) and self._installed_versions(p.name)
                }
            except OSError:
                pass
        return sorted(ids)

    @staticmethod
    def _stamp(folder: Path, kind_id: str) -> tuple[int, int, int]:
        try:
            st = os.stat(os.path.join(folder, "kind.toml"))
        except OSError:
            raise KindError(f"Không đọc được mẫu báo cáo «{kind_id}» ở {folder}.") from None
        return (st.st_size, st.st_mtime_ns, st.st_ino)

    def _load(self, folder: Path, kind_id: str) -> Kind:
        return _load_cached(str(folder), kind_id, self._stamp(folder, kind_id))

    def _summary(self, folder: Path, kind_id: str) -> KindSummary:
        return _summary_cached(str(folder), kind_id, self._stamp(folder, kind_id))

    @staticmethod
    def _check_version(found: KindVersion, version: int) -> None:
        if version != found.version:
            raise KindError(
                f"Mẫu báo cáo đã cài ở {found.folder} là phiên bản {found.version} (tên thư mục) nhưng "
                f"kind.toml ghi version = {version}; hãy cài lại gói mẫu báo cáo của Sở."
            )

    def load(self, found: KindVersion) -> Kind:
        kind = self._load(found.folder, found.kind_id)
        self._check_version(found, kind.version)
        return kind

    def summary(self, found: KindVersion) -> KindSummary:
        """What lists and deadlines need of the version `found`, without reading the full kind when its summary
        is kept (`kpdesk.kinds.summary`); raises as `load` does."""
        summary = self._summary(found.folder, found.kind_id)
        self._check_version(found, summary.version)
        return summary

    def newest_summary(self, kind_id: str) -> KindSummary:
        """The summary of the newest version of `kind_id` (the version `get` returns without one)."""
        versions = self.versions(kind_id)
        if not versions:
            raise self.unknown(kind_id)
        return self.summary(versions[-1])

    def unknown(self, kind_id: object) -> KindError:
        known = ", ".join(self.ids()) or "(không có)"
        return KindError(f"Không có loại báo cáo «{_shown(kind_id)}». Các loại hiện có: {known}.")

    def get(self, kind_id: str, version: int | None = None) -> Kind:
        versions = self.versions(kind_id)
        if not versions:
            raise self.unknown(kind_id)
        if version is None:
            return self.load(versions[-1])
        for found in versions:
            if found.version == version:
                return self.load(found)
        newest = self.load(versions[-1])
        present = ", ".join(str(v.version) for v in versions)
        raise KindError(
            f"Trên máy này không có mẫu «{newest.name}» ({kind_id}) phiên bản {version}; các phiên bản "
            f"có: {present}. Hãy cài gói mẫu báo cáo của Sở có phiên bản {version}."
        )

    def for_period(self, kind_id: str, period: Period) -> Kind:
        versions = self.versions(kind_id)
        if not versions:
            raise self.unknown(kind_id)
        kinds = [self.load(v) for v in reversed(versions)]
        for kind in kinds:
            if kind.applies_to(period):
                return kind
        oldest = kinds[-1]
        assert oldest.applies_from is not None  # one that starts at the beginning applies to every period
        raise KindError(
            f"Mẫu «{oldest.name}» trên máy này chỉ dùng từ kỳ {oldest.applies_from.label} (phiên bản "
            f"{oldest.version}); kỳ {period.label} cần phiên bản cũ hơn. Hãy cài gói mẫu báo cáo của Sở "
            "có phiên bản dùng cho kỳ đó."
        )


def registry(root: Path | None = None) -> Registry:
    """The kinds of this program (the built-in ones, `KPDESK_TEMPLATES` for tests, and the installed ones), or
    only the built-in-like folders under `root` when one is given."""
    if root is not None:
        return Registry(Path(root), None)
    return Registry(templates_dir(), installed_root())


def _root_and_version(version: Any, root: Path | None) -> tuple[int | None, Path | None]:
    # the older call form get_kind(kind_id, root) names a folder where the version now goes
    if isinstance(version, (str, os.PathLike)):
        return None, Path(version)
    return version, root


def get_kind(kind_id: str, version: int | None = None, root: Path | None = None) -> Kind:
    """Return the kind named `kind_id`: its newest version, or exactly `version`.

    A `KindError` lists the known kinds when there is no such kind, and names the version wanted and the versions
    present when that version is missing.
    """
    version, root = _root_and_version(version, root)
    return registry(root).get(kind_id, version)


def kind_for_period(kind_id: str, period: Period, root: Path | None = None) -> Kind:
    """Return the version of `kind_id` a new draft for `period` uses: the newest whose `applies_from` is not
    after the period."""
    return registry(root).for_period(kind_id, period)


def kind_summary(kind_id: str, root: Path | None = None) -> KindSummary:
    """Return what lists and deadlines need of `kind_id`'s newest version (`kpdesk.kinds.summary`); raises the
    `KindError` `get_kind` raises."""
    return registry(root).newest_summary(kind_id)


def kind_of(draft: HasKindVersion, root: Path | None = None) -> Kind:
    """Return the kind a draft was made with: its kind at exactly its `kind_version`."""
    return registry(root).get(draft.kind, draft.kind_version)


def kind_versions(kind_id: str, root: Path | None = None) -> list[KindVersion]:
    """Return every version of `kind_id` present on this computer, oldest first (empty when there is none)."""
    return registry(root).versions(kind_id)


def kind_ids(root: Path | None = None) -> list[str]:
    """Return the id of every kind present, built in or installed."""
    return registry(root).ids()


def all_kinds(root: Path | None = None) -> list[Kind]:
    """Return the newest version of every kind, built in and installed together (see `kind_versions`)."""
    reg = registry(root)
    return [reg.get(kind_id) for kind_id in reg.ids()]


def kind_folder(kind_id: str) -> Path:
    """The folder of a kind's newest version on this PC (built in or installed), to name it in a message; the
    built-in place when it has none."""
    try:
        versions = kind_versions(kind_id)
    except KindError:
        versions = []
    return versions[-1].folder if versions else templates_dir() / kind_id
