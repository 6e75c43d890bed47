"""The schema of the local database, as numbered migrations: the one place where tables are defined.

Each step is a named, transactional sqlite-utils migration ("0001_initial", "0002_…"); it also sets
`PRAGMA user_version` to its number, so a database written by a newer kpdesk is recognised before anything
is written to it. Never edit a released step: add the next one, and keep a database file made by the
previous schema in `tests/fixtures/db_v<N>/kpdesk.sqlite3` (the tests open every one with the current code).
Whatever else keeps tables in the same file (the department side) adds its steps here too, to the one numbered list.

Schema 1:

- `units`: the unit profiles (one row per commune or ward), lists stored as JSON arrays.
- `signers`: the people who may sign for a unit, in order, one of them the default.
- `drafts`: one small row per draft, everything listing and searching needs (kind, period, title, status,
  times, current revision, `deleted` = when it was moved to the bin).
- `draft_data`: the current JSON form of each draft (`kpdesk.draft.to_json`), apart so listing stays fast.
- `revisions`: the JSON form after every save; `created` is when the revision began, `saved` its last write
  (a burst of one-field edits may be coalesced into one revision; the current data is always in `draft_data`).
- `exports`: every .docx written from a draft (path, time, SHA-256, revision).
- `draft_search`: FTS5 index of a folded (lower case, no diacritics) text of title, unit and values.

Schema 2 (`0002_search_stale`):

- `drafts.search_stale`: 1 when the draft's `draft_search` row may be older than its `draft_data` (a one-field
  edit coalesced into the open edit revision does not re-index, to keep autosave cheap); 0 when the row is the
  search text of the current data. Whatever writes `draft_data` sets it, or re-indexes, in the same transaction;
  stale rows are re-indexed before any text search, when the edit revision closes and when the store closes.
  The partial index `drafts_search_stale` finds them without scanning the drafts.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

MIGRATION_SET = "kpdesk"
#: sqlite-utils' bookkeeping table (Migrations.migrations_table), named here so that opening an up-to-date
#: database needs no sqlite-utils import (it pulls in click, dateutil, pluggy and numpy when installed).
MIGRATIONS_TABLE = "_sqlite_migrations"
#: The names of the steps this code knows, in order; the schema version is their count.
KNOWN: list[str] = []
_STEPS: list[tuple[str, Any]] = []


def _step(name: str):
    """Register a numbered step: "0001_initial" must be the first, "0002_…" the next."""
    if not name.startswith(f"{len(KNOWN) + 1:04d}_"):
        raise ValueError(f"migration {name!r} is out of order")
    KNOWN.append(name)

    def register(fn):
        _STEPS.append((name, fn))
        return fn

    return register


@functools.cache
def migrations() -> Migrations:
    """The sqlite-utils migration set, built (and sqlite-utils imported) only when a step must run."""
    from sqlite_utils.migrations import Migrations

    found = Migrations(MIGRATION_SET)
    assert found.migrations_table == MIGRATIONS_TABLE
    for name, fn in _STEPS:
        found(name=name)(fn)
    return found


def __getattr__(name: str) -> Any:  # `MIGRATIONS` stays importable
    if name == "MIGRATIONS":
        return migrations()
    raise AttributeError(name)


def _run(db: Database, number: int, statements: list[str]) -> None:
    for sql in statements:
        db.execute(sql)
    db.execute(f"PRAGMA user_version = {number}")


@_step("0001_initial")
def _m0001_initial(db: Database) -> None:
    _run(db, 1, [
        """CREATE TABLE units (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            level TEXT NOT NULL DEFAULT 'xã',
            province TEXT NOT NULL DEFAULT '',
            province_level TEXT NOT NULL DEFAULT 'tỉnh',
            superior TEXT NOT NULL DEFAULT '',
            agency TEXT NOT NULL DEFAULT '[]',
            place TEXT NOT NULL DEFAULT '',
            office_symbol TEXT NOT NULL DEFAULT '',
            contact_honorific TEXT NOT NULL DEFAULT '',
            contact_name TEXT NOT NULL DEFAULT '',
            contact_position TEXT NOT NULL DEFAULT '',
            contact_phone TEXT NOT NULL DEFAULT '',
            contact_email TEXT NOT NULL DEFAULT '',
            default_recipients TEXT NOT NULL DEFAULT '[]',
            default_to TEXT NOT NULL DEFAULT '[]',
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        )""",
        """CREATE TABLE signers (
            id INTEGER PRIMARY KEY,
            unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
            ord INTEGER NOT NULL,
            name TEXT NOT NULL,
            position TEXT NOT NULL DEFAULT '',
            authority TEXT NOT NULL DEFAULT '[]',
            is_default INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX signers_unit ON signers(unit_id, ord)",
        """CREATE TABLE drafts (
            id INTEGER PRIMARY KEY,
            unit_id INTEGER NOT NULL REFERENCES units(id),
            kind TEXT NOT NULL,
            kind_version INTEGER NOT NULL,
            period_type TEXT NOT NULL CHECK (period_type IN ('month', 'half', 'year')),
            period_year INTEGER NOT NULL,
            period_month INTEGER,
            period_half INTEGER,
            period_start TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            unit_name TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'drafting' CHECK (status IN ('drafting', 'exported')),
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            revision INTEGER NOT NULL,
            deleted TEXT
        )""",
        "CREATE INDEX drafts_updated ON drafts(updated)",
        "CREATE INDEX drafts_previous ON drafts(kind, unit_id, period_type, period_start)",
        """CREATE TABLE draft_data (
            draft_id INTEGER PRIMARY KEY REFERENCES drafts(id) ON DELETE CASCADE,
            data TEXT NOT NULL
        )""",
        """CREATE TABLE revisions (
            id INTEGER PRIMARY KEY,
            draft_id INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
            revision INTEGER NOT NULL,
            source TEXT NOT NULL,
            created TEXT NOT NULL,
            saved TEXT NOT NULL,
            data TEXT NOT NULL,
            UNIQUE (draft_id, revision)
        )""",
        """CREATE TABLE exports (
            id INTEGER PRIMARY KEY,
            draft_id INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
            revision INTEGER NOT NULL,
            path TEXT NOT NULL,
            exported TEXT NOT NULL,
            sha256 TEXT NOT NULL
        )""",
        "CREATE INDEX exports_draft ON exports(draft_id, revision)",
        "CREATE VIRTUAL TABLE draft_search USING fts5(text, tokenize = 'unicode61 remove_diacritics 2')",
    ])


@_step("0002_search_stale")
def _m0002_search_stale(db: Database) -> None:
    _run(db, 2, [
        "ALTER TABLE drafts ADD COLUMN search_stale INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX drafts_search_stale ON drafts(id) WHERE search_stale = 1",
    ])


#: The schema this code writes (`PRAGMA user_version` after the last step); a file with a higher version, or a
#: step this code does not know, was written by a newer kpdesk and is refused before anything is written to it.
SCHEMA_VERSION = len(KNOWN)
