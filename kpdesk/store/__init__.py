"""Local storage in one SQLite file: unit profiles, drafts with their history, the bin, exports and backups.

One database per user (`kpdesk.sqlite3`) in the platform's per-user data folder, or in the folder given by
`--data-dir` / `KPDESK_DATA_DIR`. The modules, from the file up:

- `checks`: looking at a database file without writing to it (damaged, newer, another program's);
- `migrations`: the schema, as numbered steps;
- `backups`: the backup files (names, listing, checking, which to keep);
- `database`: `Database`, the open file: safe opening, `tx()` / `read()` / `snapshot()`, migrations, backups;
- `search`: folded full-text search and its stale flags;
- `profiles`: `UnitProfile`, `SignerProfile`, their rules and their tables;
- `info`: `DraftInfo`, a draft as the list knows it, and `DraftId`;
- `drafts`: `Store` (a `Database` with units and drafts);
- `opened`: what the store hands out for one opened draft: `StoredDraft`, `Revision`, `ExportRecord`, and
  `DraftWriter`, the window's autosave (imported when first asked for: the window's start needs none of them).

Every method takes and returns plain data; every failure a user can cause is a `StoreError` with a Vietnamese
message saying what to do.
"""

from typing import TYPE_CHECKING, Any

from kpdesk.errors import DamagedDatabase, NewerDatabase, NotFound, ProfileError, ReadOnlyData, StoreError
from kpdesk.store.backups import (
    BACKUP_DIR,
    BACKUP_REASONS,
    KEEP_LAST_BACKUPS,
    backup_reason,
    backup_time,
    check_backup,
    list_backups,
    newest_good_backup,
)
from kpdesk.store.checks import BUSY_TIMEOUT_MS
from kpdesk.store.database import (
    APP_NAME,
    DB_NAME,
    ENV_DATA_DIR,
    SYNCHRONOUS,
    WINDOW_LOCK,
    Database,
    default_data_dir,
)
from kpdesk.store.drafts import EDIT_COALESCE_SECONDS, Store
from kpdesk.store.info import STATUS_LABELS, DraftId, DraftInfo
from kpdesk.store.profiles import COMMUNE, DEPARTMENT, HONORIFICS, SignerProfile, UnitId, UnitProfile
from kpdesk.store.search import fold

if TYPE_CHECKING:
    from kpdesk.store.opened import DraftWriter, ExportRecord, Revision, StoredDraft

#: The names `kpdesk.store.opened` gives, imported from it the first time one is asked for.
_OPENED = ("DraftWriter", "ExportRecord", "Revision", "StoredDraft")


def __getattr__(name: str) -> Any:
    if name in _OPENED:
        from kpdesk.store import opened

        return getattr(opened, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "APP_NAME",
    "BACKUP_DIR",
    "BACKUP_REASONS",
    "BUSY_TIMEOUT_MS",
    "COMMUNE",
    "DB_NAME",
    "DEPARTMENT",
    "EDIT_COALESCE_SECONDS",
    "ENV_DATA_DIR",
    "HONORIFICS",
    "KEEP_LAST_BACKUPS",
    "STATUS_LABELS",
    "SYNCHRONOUS",
    "WINDOW_LOCK",
    "DamagedDatabase",
    "Database",
    "DraftId",
    "DraftInfo",
    "DraftWriter",
    "ExportRecord",
    "NewerDatabase",
    "NotFound",
    "ProfileError",
    "ReadOnlyData",
    "Revision",
    "SignerProfile",
    "Store",
    "StoreError",
    "StoredDraft",
    "UnitId",
    "UnitProfile",
    "backup_reason",
    "backup_time",
    "check_backup",
    "default_data_dir",
    "fold",
    "list_backups",
    "newest_good_backup",
]
