"""The first start of a new version backs the user's data up first.

An installer upgrade replaces the program's folder and never touches the data folder; the data (drafts, units,
backups) is only ever changed by the program itself. So the program, on start, compares its version with the one
that last ran on this data folder (the file `last-run-version` in it) and, when they differ, makes a store backup
with reason "upgrade" before anything else opens the data. The version is recorded only after the backup has
worked, so a failed backup is tried again at the next start.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from kpdesk.errors import KpdeskError
from kpdesk.files import write_atomic

MARKER = "last-run-version"
#: The file the frozen build carries its version in (written by build.spec at the bundle's root).
BUNDLED_VERSION_FILE = "kpdesk-version.txt"


@dataclass(frozen=True)
class UpgradeCheck:
    previous: str | None  # the version that last ran on this data folder (None: none recorded)
    current: str
    backup: Path | None  # the backup made now, if any
    error: str | None = None  # why the backup could not be made (the version is then not recorded)

    @property
    def upgraded(self) -> bool:
        return self.previous is not None and self.previous != self.current


def _project_table(text: str) -> dict[str, str]:
    """The plain `key = "value"` lines of pyproject.toml's [project] table (its name and version): read line by line
    rather than with tomllib, which the window's start would otherwise load for this one line (1.3 MiB)."""
    found: dict[str, str] = {}
    inside = False
    for line in text.splitlines():
        if line.startswith("["):
            inside = line.strip() == "[project]"
            continue
        key, sep, value = line.partition("=")
        value = value.strip()
        if inside and sep and len(value) >= 2 and value[0] == value[-1] == '"':
            found[key.strip()] = value[1:-1]
    return found


def app_version() -> str:
    """Return the running kpdesk's version: the bundle's, the source tree's pyproject.toml, or the installed one."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        path = Path(bundle) / BUNDLED_VERSION_FILE
        if path.is_file():
            return path.read_text(encoding="utf-8").strip()
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    if pyproject.is_file():
        try:
            project = _project_table(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            project = {}
        if project.get("name") == "kpdesk" and project.get("version"):
            return project["version"]
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kpdesk")
    except PackageNotFoundError:
        return "0"


def last_run_version(data_dir: Path) -> str | None:
    """The version that last ran on `data_dir`, or None when none is recorded (or the file cannot be read)."""
    try:
        text = (Path(data_dir) / MARKER).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text or None


def _record(data_dir: Path, current: str) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(data_dir / MARKER, (current + "\n").encode("utf-8"))


def check_upgrade(data_dir: Path | str | None = None, current: str | None = None) -> UpgradeCheck:
    """Back the data up once when this version first runs on `data_dir` (None: the store's default folder).

    No backup on a fresh install (no database yet). A failure to back up (a damaged, read-only or newer database)
    is returned in `error`, never raised: the caller goes on opening the store, which reports and repairs such
    problems itself, and the check runs again at the next start.
    """
    from kpdesk.store import DB_NAME, Store, default_data_dir

    folder = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
    current = current or app_version()
    previous = last_run_version(folder)
    if previous == current:
        return UpgradeCheck(previous, current, None)
    backup = None
    try:
        if (folder / DB_NAME).is_file():
            with Store.open(folder, daily_backup=False) as store:
                backup = store.backup("upgrade")
        _record(folder, current)
    except (KpdeskError, OSError) as exc:
        message = getattr(exc, "message", None) or str(exc)
        return UpgradeCheck(previous, current, backup, message)
    return UpgradeCheck(previous, current, backup)
