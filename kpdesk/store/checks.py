"""Looking at a database file without writing to it: is it SQLite, undamaged, kpdesk's, of a schema known here."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from kpdesk.store import migrations
from kpdesk.store.migrations import MIGRATION_SET, MIGRATIONS_TABLE

#: How long a connection waits for another kpdesk window's write before giving up.
BUSY_TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class FileState:
    """What a sound database file holds: its schema version, the migration steps applied, foreign tables."""

    version: int  # PRAGMA user_version
    applied: tuple[str, ...]  # kpdesk's migration steps recorded in the file, in order
    foreign: bool  # tables but no kpdesk step: another program's database

    @property
    def newer(self) -> bool:
        """Written by a newer kpdesk: a higher schema version, or a step this code does not know."""
        return is_newer(self.version, self.applied)


def is_newer(version: int, applied: tuple[str, ...] | list[str]) -> bool:
    return version > migrations.SCHEMA_VERSION or any(name not in migrations.KNOWN for name in applied)


def open_read_only(path: Path, *, check_same_thread: bool = True) -> sqlite3.Connection:
    """A read-only connection to the database `path`.

    SQLite reads a WAL database through an index in the `-shm` file next to it, which it cannot create or grow on
    a full disk or in a read-only folder. When that is what stops it and no write is pending in the `-wal` file
    (all the content is then in the database file itself), the file is opened as immutable instead."""
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(
        uri + "?mode=ro",
        uri=True,
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,
        check_same_thread=check_same_thread,
    )
    try:
        conn.execute("PRAGMA schema_version").fetchone()
        return conn
    except sqlite3.Error as exc:
        conn.close()
        name = sqlite_name(exc)
        if not name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_READONLY")) or not _nothing_pending(path):
            raise
    return sqlite3.connect(
        uri + "?mode=ro&immutable=1", uri=True, isolation_level=None, check_same_thread=check_same_thread
    )


def _nothing_pending(path: Path) -> bool:
    """No write of the database `path` waits in a `-wal` or `-journal` file beside it."""
    for suffix in ("-wal", "-journal"):
        try:
            if Path(f"{path}{suffix}").stat().st_size > 0:
                return False
        except FileNotFoundError:
            continue
        except OSError:
            return False
    return True


#: The first 16 bytes of every SQLite database file.
SQLITE_HEADER = b"SQLite format 3\x00"


def is_sqlite_file(path: Path) -> bool:
    """Whether the file `path` begins as every SQLite database does (reads its first 16 bytes; OSError if it
    cannot)."""
    with open(path, "rb") as f:
        return f.read(16) == SQLITE_HEADER


def inspect_file(path: Path) -> FileState:
    """Check a database file on a read-only connection (`PRAGMA quick_check`) and say what it holds.

    Raises ValueError for a file that is not SQLite at all and sqlite3.DatabaseError when it is damaged (or cannot
    be read: `is_damage` tells which)."""
    if not is_sqlite_file(path):
        raise ValueError("not sqlite")
    conn = open_read_only(path)
    try:
        quick_check(conn)
        return file_state(conn)
    finally:
        conn.close()


def quick_check(conn: sqlite3.Connection) -> None:
    """Raise sqlite3.DatabaseError when `PRAGMA quick_check` finds the database of `conn` damaged."""
    result = conn.execute("PRAGMA quick_check").fetchall()
    if result != [("ok",)]:
        raise sqlite3.DatabaseError("quick_check: " + "; ".join(str(r[0]) for r in result[:3]))


def file_state(conn: sqlite3.Connection) -> FileState:
    """What the database of `conn` holds (read from its first pages and kpdesk's table of migration steps)."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    applied: tuple[str, ...] = ()
    if MIGRATIONS_TABLE in tables:
        applied = tuple(
            r[0]
            for r in conn.execute(
                f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid", (MIGRATION_SET,)
            )
        )
    return FileState(version, applied, bool(tables - {MIGRATIONS_TABLE}) and not applied)


def sqlite_name(exc: sqlite3.Error) -> str:
    """SQLite's own name of the error ("SQLITE_BUSY"), or "" when Python does not say."""
    return getattr(exc, "sqlite_errorname", "") or ""


def is_damage(exc: BaseException) -> bool:
    """Whether an error of `inspect_file` means the file is damaged (not that it is busy, locked or unreadable)."""
    if isinstance(exc, ValueError):
        return True
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    name, text = sqlite_name(exc), str(exc).lower()
    if (
        name.startswith(
            (
                "SQLITE_BUSY",
                "SQLITE_LOCKED",
                "SQLITE_CANTOPEN",
                "SQLITE_PERM",
                "SQLITE_IOERR",
                "SQLITE_NOMEM",
                "SQLITE_FULL",
            )
        )
        or "locked" in text
        or "unable to open" in text
    ):
        return False
    return True
