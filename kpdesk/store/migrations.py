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

Schema 3 (`0003_department`): the department's side, and what it sends back to the communes.

- `units.agency_symbol` (the issuing agency in document numbers, "" = "UBND"; a department's is e.g. "SKHCN"),
  `units.report_kinds` (JSON array of the kinds the unit makes) and `units.role` ("commune" for a commune or ward
  that reports, "department" for the department this PC works for).
- `settings`: key/value pairs of this data folder (`mode`: "commune" or "department").
- `corrections` (commune side): the points of a department's return letter, attached to the draft they concern and
  shown until the draft is exported again (`cleared`).
- `dept_units`: the units expected to report (code, name, level, contacts, valid-from/until dates);
  `dept_aliases`: sender names matched to a unit by hand ("xa thieu trong" → unit).
- `dept_reports`: one row per sender, kind and period (`period_key` "2026-05", "2026-H1", "2026") with its review
  state (received, problems, returned, accepted); `merged_into` when an unmatched sender's report was joined to
  its unit's.
- `dept_versions`: every version received (file name and SHA-256, the embedded draft's SHA-256 and JSON, when and
  from where it was received, the report's own date, the problems found by re-validating, the figures its visible
  text shows otherwise than its data, `manual` when entered by hand at the department).
- `dept_files`: received files with no kpdesk data, to be entered by hand (`version_id` once they are).
- `dept_deadlines`: the last on-time day the department set for a kind and period.
- `dept_log`: every receipt and state change in order; triggers refuse to change or delete a row.
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
    _run(
        db,
        1,
        [
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
        ],
    )


@_step("0002_search_stale")
def _m0002_search_stale(db: Database) -> None:
    _run(
        db,
        2,
        [
            "ALTER TABLE drafts ADD COLUMN search_stale INTEGER NOT NULL DEFAULT 0",
            "CREATE INDEX drafts_search_stale ON drafts(id) WHERE search_stale = 1",
        ],
    )


@_step("0003_department")
def _m0003_department(db: Database) -> None:
    _run(
        db,
        3,
        [
            # The unit profiles: the symbol of the issuing agency in document numbers ("" = "UBND"; a department's
            # is e.g. "SKHCN"), the kinds the unit makes (its home lists what is due for them), and whose profile it
            # is ("commune": a commune or ward that reports; "department": the department this PC works for).
            "ALTER TABLE units ADD COLUMN agency_symbol TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE units ADD COLUMN report_kinds TEXT NOT NULL DEFAULT '[]'",
            "ALTER TABLE units ADD COLUMN role TEXT NOT NULL DEFAULT 'commune'",
            """CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )""",
            # Commune side: what the department asked to correct in a returned report, shown beside the fields of the
            # draft until the draft is exported again (`cleared`).
            """CREATE TABLE corrections (
            id INTEGER PRIMARY KEY,
            draft_id INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
            letter_sha256 TEXT NOT NULL,
            letter TEXT NOT NULL,
            received TEXT NOT NULL,
            items TEXT NOT NULL,
            cleared TEXT
        )""",
            "CREATE UNIQUE INDEX corrections_letter ON corrections(draft_id, letter_sha256)",
            # Department side: the units expected to report, and names matched to them by hand.
            """CREATE TABLE dept_units (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            level TEXT NOT NULL,
            email TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            valid_from TEXT,
            valid_until TEXT,
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        )""",
            """CREATE TABLE dept_aliases (
            sender_key TEXT PRIMARY KEY,
            unit_id INTEGER NOT NULL REFERENCES dept_units(id) ON DELETE CASCADE,
            created TEXT NOT NULL
        )""",
            # One row per sender, kind and period: the report, whatever its versions; its review state.
            """CREATE TABLE dept_reports (
            id INTEGER PRIMARY KEY,
            unit_id INTEGER REFERENCES dept_units(id),
            sender TEXT NOT NULL,
            sender_key TEXT NOT NULL,
            kind TEXT NOT NULL,
            period_key TEXT NOT NULL,
            state TEXT NOT NULL,
            state_note TEXT NOT NULL DEFAULT '',
            state_by TEXT NOT NULL DEFAULT '',
            state_at TEXT NOT NULL,
            merged_into INTEGER REFERENCES dept_reports(id),
            created TEXT NOT NULL
        )""",
            "CREATE INDEX dept_reports_period ON dept_reports(kind, period_key)",
            "CREATE UNIQUE INDEX dept_reports_unit ON dept_reports(unit_id, kind, period_key) "
            "WHERE unit_id IS NOT NULL AND merged_into IS NULL",
            # Every version received of a report: the file, the embedded draft, its problems and what the visible
            # text shows otherwise than the data (`edited`).
            """CREATE TABLE dept_versions (
            id INTEGER PRIMARY KEY,
            report_id INTEGER NOT NULL REFERENCES dept_reports(id),
            version INTEGER NOT NULL,
            file_name TEXT NOT NULL,
            file_sha256 TEXT NOT NULL,
            payload_sha256 TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            received TEXT NOT NULL,
            received_on TEXT NOT NULL,
            sent_on TEXT,
            kind_version INTEGER NOT NULL,
            data TEXT NOT NULL,
            problems TEXT NOT NULL,
            errors INTEGER NOT NULL,
            warnings INTEGER NOT NULL,
            edited TEXT NOT NULL DEFAULT '[]',
            manual INTEGER NOT NULL DEFAULT 0,
            UNIQUE (report_id, version)
        )""",
            "CREATE INDEX dept_versions_file ON dept_versions(file_sha256)",
            # Received files that carry no kpdesk data (typed in Word by hand): to be entered by hand.
            """CREATE TABLE dept_files (
            id INTEGER PRIMARY KEY,
            file_name TEXT NOT NULL,
            file_sha256 TEXT NOT NULL UNIQUE,
            source TEXT NOT NULL DEFAULT '',
            received TEXT NOT NULL,
            received_on TEXT NOT NULL,
            version_id INTEGER REFERENCES dept_versions(id)
        )""",
            # Deadlines the department sets for a kind and period (the last day a report counts as on time).
            """CREATE TABLE dept_deadlines (
            kind TEXT NOT NULL,
            period_key TEXT NOT NULL,
            last_day TEXT NOT NULL,
            set_at TEXT NOT NULL,
            PRIMARY KEY (kind, period_key)
        )""",
            # What happened, in order; never changed or deleted.
            """CREATE TABLE dept_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            who TEXT NOT NULL DEFAULT '',
            action TEXT NOT NULL,
            report_id INTEGER REFERENCES dept_reports(id),
            version INTEGER,
            note TEXT NOT NULL DEFAULT '',
            detail TEXT NOT NULL DEFAULT '{}'
        )""",
            "CREATE INDEX dept_log_report ON dept_log(report_id, id)",
            "CREATE TRIGGER dept_log_keep_updates BEFORE UPDATE ON dept_log "
            "BEGIN SELECT RAISE(ABORT, 'dept_log is append-only'); END",
            "CREATE TRIGGER dept_log_keep_deletes BEFORE DELETE ON dept_log "
            "BEGIN SELECT RAISE(ABORT, 'dept_log is append-only'); END",
        ],
    )


#: The schema this code writes (`PRAGMA user_version` after the last step); a file with a higher version, or a
#: step this code does not know, was written by a newer kpdesk and is refused before anything is written to it.
SCHEMA_VERSION = len(KNOWN)
