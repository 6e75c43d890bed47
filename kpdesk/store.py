"""Local storage: unit profiles, drafts with their history, the bin, exports and backups, in one SQLite file.

One database per user (`kpdesk.sqlite3`) in the platform's per-user data folder, or in the folder given by
`--data-dir` / `KPDESK_DATA_DIR`. The schema lives in `kpdesk.migrations`. Drafts are stored in their JSON form
(`kpdesk.draft.to_json`) and always read back through `kpdesk.draft.from_json`, so a draft written under an older
kind version opens with its values carried over by the kind's rules.

Durability: WAL journal with `synchronous=FULL` (each commit is on disk when `save`/`set_value` returns, also
across a power cut), foreign keys on, a busy timeout for a second kpdesk window, `BEGIN IMMEDIATE` for every
write. On open the file is checked (`PRAGMA quick_check`) on a read-only connection first; a damaged file is never
written to, and `DamagedDatabase` names the newest good backup. Backups (SQLite's backup API) are made on the
first open of each day and before every migration, kept as the last 10 plus one per month.

Search: `draft_search` holds a folded text of each draft. Every write indexes the draft at once, except a one-field
edit coalesced into the open edit revision (`set_value` while typing), which only marks the draft
`search_stale` in the same transaction. Stale drafts are re-indexed, in one transaction, before any text search
(`list_drafts(text=…)`), when the edit revision closes (a save, a restore, an export, the first edit after the
coalescing window) and on `close()`; a flag left by a crash stays in the file until the next of these. A search
never sees a stale row.

Every method takes and returns plain data; every failure a user can cause is a `StoreError` with a Vietnamese
message saying what to do.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import secrets
import sqlite3
import tempfile
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NewType

from kpdesk import draft as drafts
from kpdesk import vn
from kpdesk.draft import Draft, Period
from kpdesk.errors import DraftError, FormatError, KpdeskError, StoreError
from kpdesk.kinds import Kind, get_kind
from kpdesk.migrations import KNOWN, MIGRATION_SET, MIGRATIONS_TABLE, SCHEMA_VERSION, migrations

DraftId = NewType("DraftId", int)
UnitId = NewType("UnitId", int)

APP_NAME = "kpdesk"
ENV_DATA_DIR = "KPDESK_DATA_DIR"
DB_NAME = "kpdesk.sqlite3"
BACKUP_DIR = "backups"
BUSY_TIMEOUT_MS = 10_000
#: A burst of `set_value` calls on one draft goes into one revision for at most this many seconds.
EDIT_COALESCE_SECONDS = 30.0
KEEP_LAST_BACKUPS = 10
#: Every commit is flushed to disk before `save`/`set_value` return (WAL + FULL survives a power cut too);
#: measured ~1.4 ms per one-field edit of an example-sized draft on an SSD-backed Linux disk.
SYNCHRONOUS = "FULL"

STATUS_LABELS = {"drafting": "đang soạn", "exported": "đã xuất"}
HONORIFICS = ("ông", "bà")
BACKUP_REASONS = {
    "daily": "tự động, lần mở đầu tiên trong ngày",
    "migration": "tự động, trước khi nâng cấp cơ sở dữ liệu",
    "restore": "tự động, trước khi khôi phục bản sao lưu",
    "manual": "sao lưu theo yêu cầu",
    "upgrade": "tự động, trước lần chạy đầu tiên của phiên bản mới",
}


# ---------------------------------------------------------------------------- errors


class DamagedDatabase(StoreError):
    """The database file is damaged or is not a kpdesk database; `backup` is the newest good backup (or None)."""

    def __init__(self, message: str, path: Path, backup: Path | None) -> None:
        super().__init__(message)
        self.path = path
        self.backup = backup


class NewerDatabase(StoreError):
    """The database was written by a newer kpdesk (schema `version` above what this code knows)."""

    def __init__(self, message: str, path: Path, version: int) -> None:
        super().__init__(message)
        self.path = path
        self.version = version


class ReadOnlyData(StoreError):
    """The data folder or the database file cannot be written."""


class ProfileError(StoreError):
    """A unit profile was refused; `field` names the `UnitProfile` attribute to correct."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class NotFound(StoreError):
    """No draft, unit, revision or backup with that id or name."""


# ---------------------------------------------------------------------------- plain data


@dataclass(frozen=True)
class SignerProfile:
    name: str
    position: str = ""
    authority: tuple[str, ...] = ()
    is_default: bool = False

    def to_signer(self) -> drafts.Signer:
        return drafts.Signer(authority=tuple(self.authority), position=self.position, name=self.name)


@dataclass(frozen=True)
class UnitProfile:
    """The unit's profile, entered once and reused by every report; `id` is None until saved."""

    id: UnitId | None = None
    name: str = ""
    level: str = "xã"
    province: str = ""
    province_level: str = "tỉnh"
    superior: str = ""
    agency: tuple[str, ...] = ()
    place: str = ""
    office_symbol: str = ""
    contact_honorific: str = ""
    contact_name: str = ""
    contact_position: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    signers: tuple[SignerProfile, ...] = ()
    default_recipients: tuple[str, ...] = ()
    default_to: tuple[str, ...] = ()

    def to_unit(self) -> drafts.Unit:
        return drafts.Unit(name=self.name, level=self.level, province=self.province,
                           province_level=self.province_level, superior=self.superior, agency=tuple(self.agency),
                           place=self.place, office_symbol=self.office_symbol)

    @property
    def full_name(self) -> str:
        return self.to_unit().full_name

    @property
    def default_signer(self) -> SignerProfile | None:
        for s in self.signers:
            if s.is_default:
                return s
        return self.signers[0] if self.signers else None

    def prefill_value(self, name: str) -> str:
        """Return the profile value a kind field names with `prefill` ("contact.name", "unit.place"…), or ""."""
        group, _, key = name.partition(".")
        attr = {"contact": f"contact_{key}", "unit": key}.get(group)
        value = getattr(self, attr, "") if attr and attr in _PROFILE_TEXT else ""
        return value if isinstance(value, str) else ""


_PROFILE_TEXT = {"name", "level", "province", "province_level", "superior", "place", "office_symbol",
                 "contact_honorific", "contact_name", "contact_position", "contact_phone", "contact_email"}


@dataclass(slots=True)
class DraftInfo:
    id: DraftId
    kind: str
    kind_version: int
    title: str
    period: Period
    status: str                # "drafting" or "exported"
    unit_id: UnitId
    unit_name: str             # the draft's unit, "xã Thiệu Trung"
    created: dt.datetime       # local time, timezone-aware
    updated: dt.datetime
    revision: int
    deleted: bool

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclass(frozen=True)
class StoredDraft:
    info: DraftInfo
    draft: Draft


@dataclass(frozen=True)
class ExportRecord:
    path: Path
    exported: dt.datetime      # local time
    sha256: str
    revision: int


@dataclass(frozen=True)
class Revision:
    revision: int
    created: dt.datetime
    saved: dt.datetime
    source: str                # create, import, save, edit, restore, duplicate, previous


# ---------------------------------------------------------------------------- helpers


def default_data_dir() -> Path:
    """`KPDESK_DATA_DIR`, else the per-user data folder (Windows: %LOCALAPPDATA%\\kpdesk)."""
    env = os.environ.get(ENV_DATA_DIR, "").strip()
    if env:
        return Path(env).expanduser()
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False, roaming=False)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _local_tz() -> dt.tzinfo | None:
    return dt.datetime.now().astimezone().tzinfo


def _local(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp).astimezone()


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


_MIGRATIONS_TABLE = MIGRATIONS_TABLE
_MARKS = re.compile("[\u0300-\u036f]")
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower case without diacritics, đ → d: how search text is indexed and matched ("Thiệu" ~ "thieu")."""
    text = text.replace("đ", "d").replace("Đ", "d")
    return _MARKS.sub("", unicodedata.normalize("NFD", text)).lower()


def _search_text(data: dict[str, Any]) -> str:
    unit = data.get("unit") or {}
    parts: list[str] = [str(data.get("title") or ""), f"{unit.get('level', '')} {unit.get('name', '')}"]

    def walk(value: Any) -> None:
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, bool) or value is None:
            return
        elif isinstance(value, (int, float)):
            parts.append(str(value))
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    walk(data.get("values") or {})
    return fold("\n".join(parts))


#: Is any draft's search text stale? (answered from the partial index `drafts_search_stale`)
_ANY_STALE = "SELECT 1 FROM drafts WHERE search_stale = 1 LIMIT 1"


def _index_search(c: sqlite3.Connection, draft_id: int, data: dict[str, Any], *, new: bool = False) -> None:
    """Make the draft's `draft_search` row the search text of `data` (rewritten only when it differs)."""
    search = _search_text(data)
    if not new:
        old = c.execute("SELECT text FROM draft_search WHERE rowid = ?", (draft_id,)).fetchone()
        if old is not None and old[0] == search:
            return
        c.execute("DELETE FROM draft_search WHERE rowid = ?", (draft_id,))
    c.execute("INSERT INTO draft_search (rowid, text) VALUES (?, ?)", (draft_id, search))


def _fts_query(text: str) -> str | None:
    words = _WORD.findall(fold(text))
    return " ".join(f'"{w}"*' for w in words) or None


def _draft_columns(data: dict[str, Any]) -> dict[str, Any]:
    period = Period.from_json(data.get("period"))
    unit = data.get("unit") or {}
    return {
        "kind_version": data["kind_version"],
        "period_type": period.type,
        "period_year": period.year,
        "period_month": period.month if period.type == "month" else None,
        "period_half": period.half if period.type == "half" else None,
        "period_start": period.start.isoformat(),
        "title": data.get("title") or "",
        "unit_name": f"{unit.get('level', '')} {unit.get('name', '')}".strip(),
    }


def _sqlite_name(exc: sqlite3.Error) -> str:
    return getattr(exc, "sqlite_errorname", "") or ""


def _failure(exc: sqlite3.Error, path: Path) -> StoreError:
    """Turn an SQLite error into a StoreError that says what to do."""
    name, text = _sqlite_name(exc), str(exc).lower()
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return StoreError("Cơ sở dữ liệu đang bận vì một cửa sổ kpdesk khác đang ghi. Hãy thử lại sau ít giây; "
                          "nếu vẫn bị, hãy đóng các cửa sổ kpdesk khác.")
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return StoreError(f"Ổ đĩa chứa dữ liệu ({path.parent}) đã đầy nên thay đổi vừa rồi chưa được lưu. "
                          "Hãy giải phóng dung lượng ổ đĩa rồi thử lại.")
    if name.startswith(("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_CANTOPEN")) or "readonly" in text:
        return ReadOnlyData(f"Không ghi được vào cơ sở dữ liệu {path} (thư mục hoặc tệp chỉ cho đọc). "
                            "Hãy cấp quyền ghi cho thư mục này, hoặc chọn thư mục dữ liệu khác bằng --data-dir "
                            f"hay biến môi trường {ENV_DATA_DIR}.")
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text:
        backup = newest_good_backup(path.parent)
        return DamagedDatabase(_damaged_message(path, backup), path, backup)
    if name.startswith("SQLITE_IOERR"):
        return StoreError(f"Lỗi đọc/ghi ổ đĩa khi dùng {path}. Hãy kiểm tra ổ đĩa (hoặc USB) rồi mở lại kpdesk.")
    return StoreError(f"Lỗi cơ sở dữ liệu ({exc}). Hãy mở lại kpdesk; nếu vẫn bị, hãy khôi phục từ bản sao lưu.")


def _damaged_message(path: Path, backup: Path | None, why: str = "bị hỏng") -> str:
    if backup is not None:
        when = backup_time(backup)
        stamp = f" lúc {when:%H:%M ngày %d/%m/%Y}" if when else ""
        hint = (f"Bản sao lưu tốt gần nhất là {backup}{stamp}: hãy khôi phục từ bản này "
                f"(lệnh: kpdesk restore \"{backup}\"). ")
    else:
        hint = "Không tìm thấy bản sao lưu tốt nào. "
    return (f"Cơ sở dữ liệu {path} {why} nên kpdesk không mở nó. {hint}"
            "Tệp hỏng được giữ nguyên, không bị ghi đè.")


def _open_ro(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                           isolation_level=None)
    return conn


def _inspect(path: Path) -> tuple[int, list[str], bool]:
    """Check a database file without writing to it: return (user_version, applied steps, has other tables).

    Raises sqlite3.DatabaseError (or ValueError for a file that is not SQLite at all) when it is damaged.
    """
    with open(path, "rb") as f:
        head = f.read(16)
    if head != b"SQLite format 3\x00":
        raise ValueError("not sqlite")
    conn = _open_ro(path)
    try:
        result = conn.execute("PRAGMA quick_check").fetchall()
        if result != [("ok",)]:
            raise sqlite3.DatabaseError("quick_check: " + "; ".join(str(r[0]) for r in result[:3]))
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        applied: list[str] = []
        if _MIGRATIONS_TABLE in tables:
            applied = [r[0] for r in conn.execute(
                f"SELECT name FROM {_MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid", (MIGRATION_SET,))]
        others = bool(tables - {_MIGRATIONS_TABLE}) and not applied
        return version, applied, others
    finally:
        conn.close()


def _is_damage(exc: BaseException) -> bool:
    if isinstance(exc, ValueError):
        return True
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    name, text = _sqlite_name(exc), str(exc).lower()
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_IOERR",
                        "SQLITE_NOMEM", "SQLITE_FULL")) or "locked" in text or "unable to open" in text:
        return False
    return True


def _is_newer(version: int, applied: list[str]) -> bool:
    return version > SCHEMA_VERSION or any(name not in KNOWN for name in applied)


# ---------------------------------------------------------------------------- backups (files)


_BACKUP_NAME = re.compile(r"^kpdesk-(\d{8}-\d{6})(?:-(\d+))?-([a-z][a-z0-9-]*)\.sqlite3$")


def _backup_key(path: Path) -> tuple[str, int]:
    m = _BACKUP_NAME.match(path.name)
    return (m.group(1), int(m.group(2) or 0)) if m else ("", 0)


def list_backups(data_dir: Path) -> list[Path]:
    """The backups in `data_dir/backups`, newest first (works without opening the database)."""
    folder = Path(data_dir) / BACKUP_DIR
    try:
        found = [p for p in folder.iterdir() if _BACKUP_NAME.match(p.name) and p.is_file()]
    except OSError:
        return []
    return sorted(found, key=_backup_key, reverse=True)


def backup_time(path: Path) -> dt.datetime | None:
    """When a backup was made (local time, from its name)."""
    m = _BACKUP_NAME.match(Path(path).name)
    if not m:
        return None
    return dt.datetime.strptime(m.group(1), "%Y%m%d-%H%M%S").astimezone()


def backup_reason(path: Path) -> str:
    """Why a backup was made, in Vietnamese."""
    m = _BACKUP_NAME.match(Path(path).name)
    reason = m.group(3) if m else ""
    return BACKUP_REASONS.get(reason, reason)


def check_backup(backup: Path) -> None:
    """Raise a StoreError saying why `backup` cannot be restored (missing, damaged, newer, not kpdesk)."""
    backup = Path(backup)
    if not backup.is_file():
        raise NotFound(f"Không tìm thấy bản sao lưu {backup}. Xem danh sách bằng lệnh: kpdesk restore")
    try:
        version, applied, others = _inspect(backup)
    except (OSError, ValueError, sqlite3.DatabaseError) as exc:
        if isinstance(exc, OSError) or not _is_damage(exc):
            raise StoreError(f"Không đọc được bản sao lưu {backup} ({exc}).") from None
        raise StoreError(f"Bản sao lưu {backup} bị hỏng hoặc không phải cơ sở dữ liệu; hãy chọn bản khác.") from None
    if _is_newer(version, applied):
        raise StoreError(f"Bản sao lưu {backup} do phiên bản kpdesk mới hơn tạo ra; hãy cập nhật kpdesk.")
    if others or not applied:
        raise StoreError(f"Tệp {backup} không phải bản sao lưu của kpdesk; hãy chọn bản khác.")


def newest_good_backup(data_dir: Path) -> Path | None:
    """The newest backup that passes the check and this code can open, or None."""
    for path in list_backups(data_dir):
        try:
            check_backup(path)
        except StoreError:
            continue
        return path
    return None


def _copy_database(src: sqlite3.Connection, target: Path) -> None:
    """Write a self-contained copy (rollback journal, no -wal file) of `src` to `target`, atomically."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")  # unique per writer
    try:
        dst = sqlite3.connect(tmp, isolation_level=None)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
        os.replace(tmp, target)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise


def _probe_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReadOnlyData(f"Không tạo được thư mục dữ liệu {folder} ({exc.strerror or exc}). Hãy cấp quyền ghi, "
                           f"hoặc chọn thư mục khác bằng --data-dir hay biến môi trường {ENV_DATA_DIR}.") from None
    if not folder.is_dir():
        raise StoreError(f"{folder} không phải là thư mục; hãy chọn thư mục dữ liệu khác bằng --data-dir.")
    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=".kpdesk-probe-")
        os.close(fd)
        os.remove(name)
    except OSError:
        raise ReadOnlyData(f"Thư mục dữ liệu {folder} chỉ cho đọc, kpdesk không ghi được bản nháp vào đó. "
                           "Hãy cấp quyền ghi cho thư mục này, hoặc chọn thư mục khác bằng --data-dir "
                           f"hay biến môi trường {ENV_DATA_DIR}.") from None


# ---------------------------------------------------------------------------- the store


_INFO = ("d.id, d.kind, d.kind_version, d.title, d.period_type, d.period_year, d.period_month, d.period_half, "
         "d.status, d.unit_id, d.unit_name, d.created, d.updated, d.revision, d.deleted")


@functools.lru_cache(maxsize=4096)
def _period(ptype: str, year: int, month: int | None, half: int | None) -> Period:
    return Period(ptype, year, month, half)


def _info(row: tuple, tz: dt.tzinfo | None = None) -> DraftInfo:
    (did, kind, kv, title, ptype, year, month, half, status, unit_id, unit_name, created, updated, rev,
     deleted) = row[:15]
    tz = tz or _local_tz()
    parse = dt.datetime.fromisoformat
    return DraftInfo(did, kind, kv, title, _period(ptype, year, month, half), status, unit_id, unit_name,
                     parse(created).astimezone(tz), parse(updated).astimezone(tz), rev, deleted is not None)


class Store:
    """The local database. Open with `Store.open()`; safe to share between threads of one process."""

    def __init__(self, conn: sqlite3.Connection, path: Path, data_dir: Path) -> None:
        self._conn = conn
        self._db: Any = None
        self.path = path
        self.data_dir = data_dir
        self.backups_dir = data_dir / BACKUP_DIR
        self.coalesce_seconds = EDIT_COALESCE_SECONDS
        self._lock = threading.RLock()
        self._depth = 0
        self._closed = False
        #: After `restore_damaged`: where the damaged file was moved to.
        self.set_aside: Path | None = None
        #: Problems that did not stop the store from opening (a daily backup that failed), in Vietnamese.
        self.warnings: list[str] = []

    @property
    def db(self) -> Any:
        """A sqlite-utils Database on the connection, made (and sqlite-utils imported) on first use."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self._conn, execute_plugins=False)
        return self._db

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, data_dir: Path | str | None = None, *, daily_backup: bool = True) -> Store:
        """Open (or create) the database in `data_dir` (None: `KPDESK_DATA_DIR` or the per-user data folder)."""
        data_dir = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
        _probe_writable(data_dir)
        data_dir = data_dir.resolve()
        path = data_dir / DB_NAME
        existed = path.exists()
        if existed and path.stat().st_size == 0:
            backup = newest_good_backup(data_dir)
            if backup is not None:
                raise DamagedDatabase(_damaged_message(path, backup, "là tệp rỗng (0 byte)"), path, backup)
            existed = False
        if existed:
            cls._check_existing(path)
            if not os.access(path, os.W_OK):
                raise ReadOnlyData(f"Tệp cơ sở dữ liệu {path} chỉ cho đọc. Hãy bỏ thuộc tính chỉ đọc của tệp, "
                                   f"hoặc chọn thư mục dữ liệu khác bằng --data-dir.")
        try:
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
        except sqlite3.Error as exc:
            raise _failure(exc, path) from None
        store = cls(conn, path, data_dir)
        try:
            store._setup(existed, daily_backup)
        except BaseException:
            conn.close()
            raise
        return store

    @staticmethod
    def _check_existing(path: Path) -> None:
        try:
            version, applied, others = _inspect(path)
        except (ValueError, sqlite3.DatabaseError) as exc:
            if not _is_damage(exc):
                raise _failure(exc, path) from None
            why = "không phải là cơ sở dữ liệu SQLite" if isinstance(exc, ValueError) else "bị hỏng"
            backup = newest_good_backup(path.parent)
            raise DamagedDatabase(_damaged_message(path, backup, why), path, backup) from None
        except OSError as exc:
            raise ReadOnlyData(f"Không đọc được tệp {path} ({exc.strerror or exc}). Hãy kiểm tra quyền của tệp.") \
                from None
        if _is_newer(version, applied):
            raise NewerDatabase(
                f"Cơ sở dữ liệu {path} do phiên bản kpdesk mới hơn tạo ra (lược đồ {max(version, len(applied))}, "
                f"bản này chỉ đọc được tới {SCHEMA_VERSION}). Hãy cập nhật kpdesk; dữ liệu không bị thay đổi.",
                path, version)
        if others:
            backup = newest_good_backup(path.parent)
            raise DamagedDatabase(_damaged_message(path, backup, "không phải cơ sở dữ liệu của kpdesk"), path,
                                  backup)

    def _setup(self, existed: bool, daily_backup: bool) -> None:
        c = self._conn
        try:
            c.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            c.execute("PRAGMA foreign_keys = ON")
            mode = c.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            c.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
            version = c.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.Error as exc:
            raise _failure(exc, self.path) from None
        if str(mode).lower() != "wal":
            self.warnings.append(f"Thư mục dữ liệu {self.data_dir} không hỗ trợ chế độ ghi nhật ký WAL (ổ mạng?); "
                                 "kpdesk vẫn lưu an toàn nhưng chậm hơn. Nên chọn thư mục trên ổ đĩa của máy.")
        if existed and version > 0 and daily_backup and not self._backed_up_today():
            try:
                self.backup("daily")
            except StoreError as exc:  # the drafts are still safe: open, and let the window say so
                self.warnings.append(f"Chưa sao lưu tự động được hôm nay: {exc.message}")
        self._migrate(backup_first=existed and version > 0)

    def _migrate(self, *, backup_first: bool) -> None:
        try:
            tables = {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            applied = set() if _MIGRATIONS_TABLE not in tables else {r[0] for r in self._conn.execute(
                f"SELECT name FROM {_MIGRATIONS_TABLE} WHERE migration_set = ?", (MIGRATION_SET,))}
        except sqlite3.Error as exc:
            raise _failure(exc, self.path) from None
        if all(name in applied for name in KNOWN):  # up to date: sqlite-utils is not even imported
            return
        if backup_first:
            self.backup("migration")
        with self._tx():
            migrations().apply(self.db)  # inside BEGIN IMMEDIATE: another process cannot migrate at the same time

    def _backed_up_today(self) -> bool:
        today = dt.date.today()
        return any((t := backup_time(p)) is not None and t.date() == today for p in list_backups(self.data_dir))

    def close(self) -> None:
        """Re-index the drafts whose search text is stale, then close; the store cannot be used afterwards."""
        with self._lock:
            if self._closed:
                return
            try:
                if not self._depth and self._conn.execute(_ANY_STALE).fetchone() is not None:
                    with self._tx() as c:
                        self._refresh_search(c)
            except (StoreError, sqlite3.Error):
                pass  # the flags stay in the file: the next text search re-indexes those drafts
            finally:
                self._closed = True
                self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self._conn.execute("PRAGMA user_version").fetchone()[0]

    # ------------------------------------------------------------------ transactions

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE … COMMIT); nested calls join the outer one."""
        with self._lock:
            if self._closed:
                raise StoreError("Cơ sở dữ liệu đã đóng; hãy mở lại kpdesk.")
            if self._depth:
                self._depth += 1
                try:
                    yield self._conn
                finally:
                    self._depth -= 1
                return
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise _failure(exc, self.path) from None
            self._depth = 1
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise _failure(exc, self.path) from None
            except BaseException:
                self._rollback()
                raise
            finally:
                self._depth = 0

    def _rollback(self) -> None:
        try:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._closed:
                raise StoreError("Cơ sở dữ liệu đã đóng; hãy mở lại kpdesk.")
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise _failure(exc, self.path) from None

    @contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """Several reads in one read transaction, so they see one state of the file (inside a write transaction
        of this store: that transaction)."""
        with self._read() as c:
            if self._depth:
                yield c
                return
            c.execute("BEGIN")
            try:
                yield c
            finally:
                self._rollback()  # ends the read transaction; nothing was written

    # ------------------------------------------------------------------ units

    def units(self) -> list[UnitProfile]:
        with self._read() as c:
            ids = [r[0] for r in c.execute("SELECT id FROM units ORDER BY name COLLATE NOCASE, id")]
            return [self._unit(c, i) for i in ids]

    def unit(self, unit_id: UnitId) -> UnitProfile:
        with self._read() as c:
            return self._unit(c, unit_id)

    def _unit(self, c: sqlite3.Connection, unit_id: int) -> UnitProfile:
        row = c.execute("SELECT id, name, level, province, province_level, superior, agency, place, office_symbol, "
                        "contact_honorific, contact_name, contact_position, contact_phone, contact_email, "
                        "default_recipients, default_to FROM units WHERE id = ?", (unit_id,)).fetchone()
        if row is None:
            raise NotFound(f"Không có đơn vị số {unit_id}. Xem danh sách đơn vị bằng lệnh: kpdesk units")
        signers = tuple(SignerProfile(name, position, tuple(json.loads(authority)), bool(is_default))
                        for name, position, authority, is_default in c.execute(
                            "SELECT name, position, authority, is_default FROM signers WHERE unit_id = ? "
                            "ORDER BY ord, id", (unit_id,)))
        return UnitProfile(
            id=UnitId(row[0]), name=row[1], level=row[2], province=row[3], province_level=row[4], superior=row[5],
            agency=tuple(json.loads(row[6])), place=row[7], office_symbol=row[8], contact_honorific=row[9],
            contact_name=row[10], contact_position=row[11], contact_phone=row[12], contact_email=row[13],
            signers=signers, default_recipients=tuple(json.loads(row[14])), default_to=tuple(json.loads(row[15])))

    def save_unit(self, profile: UnitProfile) -> UnitId:
        """Insert (id None) or update a unit profile; refuse a missing name or a bad phone or e-mail."""
        p = _clean_profile(profile)
        now = _now()
        cols = {
            "name": p.name, "level": p.level, "province": p.province, "province_level": p.province_level,
            "superior": p.superior, "agency": _dump(list(p.agency)), "place": p.place,
            "office_symbol": p.office_symbol, "contact_honorific": p.contact_honorific,
            "contact_name": p.contact_name, "contact_position": p.contact_position,
            "contact_phone": p.contact_phone, "contact_email": p.contact_email,
            "default_recipients": _dump(list(p.default_recipients)), "default_to": _dump(list(p.default_to)),
            "updated": now,
        }
        with self._tx() as c:
            if p.id is None:
                cols["created"] = now
                cur = c.execute(f"INSERT INTO units ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                                tuple(cols.values()))
                unit_id = UnitId(cur.lastrowid)
            else:
                unit_id = p.id
                cur = c.execute(f"UPDATE units SET {', '.join(f'{k} = ?' for k in cols)} WHERE id = ?",
                                (*cols.values(), unit_id))
                if cur.rowcount == 0:
                    raise NotFound(f"Không có đơn vị số {unit_id} để cập nhật.")
                c.execute("DELETE FROM signers WHERE unit_id = ?", (unit_id,))
            for i, s in enumerate(p.signers):
                c.execute("INSERT INTO signers (unit_id, ord, name, position, authority, is_default) "
                          "VALUES (?, ?, ?, ?, ?, ?)", (unit_id, i, s.name, s.position, _dump(list(s.authority)),
                                                        int(s.is_default)))
        return unit_id

    def _unit_for_draft(self, d: Draft) -> UnitId:
        """The profile matching the draft's unit (same name, level, province), created when there is none."""
        if not d.unit.name.strip():
            raise StoreError("Bản nháp chưa ghi tên đơn vị (unit.name); hãy chọn đơn vị khi nhập bản nháp.")
        key = (fold(d.unit.name), fold(d.unit.level), fold(d.unit.province))
        with self._read() as c:
            for uid, name, level, province in c.execute("SELECT id, name, level, province FROM units ORDER BY id"):
                if (fold(name), fold(level), fold(province)) == key:
                    return UnitId(uid)
        return self.save_unit(_profile_from_draft(d))

    # ------------------------------------------------------------------ drafts: create

    def create_draft(self, kind_id: str, period: Period, unit_id: UnitId, *, form: str | None = None,
                     title: str = "") -> DraftId:
        """A new, empty draft of `kind_id` for `period`, prefilled from the unit profile."""
        kind = get_kind(kind_id)
        _check_period(kind, period)
        profile = self.unit(unit_id)
        form = form or kind.forms[0]
        if form not in kind.forms:
            raise StoreError(f"Mẫu «{kind.name}» không có hình thức «{form}»; chọn: {', '.join(kind.forms)}.")
        signer = profile.default_signer
        d = drafts.new_draft(kind, period, profile.to_unit(), form=form,
                             to=profile.default_to, recipients=profile.default_recipients,
                             signer=signer.to_signer() if signer else drafts.Signer(),
                             values=_prefill(kind, profile), title=vn.clean_line(title))
        with self._tx():
            return self._insert(d, unit_id, "create", kind)

    def add_draft(self, d: Draft, unit_id: UnitId | None = None, *, title: str = "") -> DraftId:
        """Store a draft read from elsewhere (an imported file). Without `unit_id` the draft's unit is matched
        to a profile by name, level and province, and a profile is made from it when none matches."""
        if title:
            d = replace(d, title=vn.clean_line(title))
        kind = get_kind(d.kind)
        with self._tx():
            if unit_id is None:
                unit_id = self._unit_for_draft(d)
            else:
                self.unit(unit_id)
            return self._insert(d, unit_id, "import", kind)

    def _insert(self, d: Draft, unit_id: UnitId, source: str, kind: Kind | None = None) -> DraftId:
        data = drafts.to_json(d, kind)
        text = _dump(data)
        now = _now()
        cols = {**_draft_columns(data), "kind": d.kind, "unit_id": unit_id, "status": "drafting", "created": now,
                "updated": now, "revision": 1}
        with self._tx() as c:
            cur = c.execute(f"INSERT INTO drafts ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                            tuple(cols.values()))
            draft_id = DraftId(cur.lastrowid)
            c.execute("INSERT INTO draft_data (draft_id, data) VALUES (?, ?)", (draft_id, text))
            c.execute("INSERT INTO revisions (draft_id, revision, source, created, saved, data) "
                      "VALUES (?, 1, ?, ?, ?, ?)", (draft_id, source, now, now, text))
            _index_search(c, draft_id, data, new=True)
        return draft_id

    # ------------------------------------------------------------------ drafts: read

    def load(self, draft_id: DraftId) -> StoredDraft:
        """The draft and its listing data; values written under an older kind version are carried over."""
        with self._read() as c:
            row = c.execute(f"SELECT {_INFO}, b.data FROM drafts d JOIN draft_data b ON b.draft_id = d.id "
                            "WHERE d.id = ?", (draft_id,)).fetchone()
        if row is None:
            raise self._missing(draft_id)
        return StoredDraft(_info(row), drafts.from_json(json.loads(row[15])))

    def info(self, draft_id: DraftId) -> DraftInfo:
        with self._read() as c:
            row = c.execute(f"SELECT {_INFO} FROM drafts d WHERE d.id = ?", (draft_id,)).fetchone()
        if row is None:
            raise self._missing(draft_id)
        return _info(row)

    @staticmethod
    def _missing(draft_id: int) -> NotFound:
        return NotFound(f"Không có bản nháp số {draft_id}. Xem danh sách bằng lệnh: kpdesk drafts")

    def list_drafts(self, *, kind: str | None = None, period: Period | None = None, status: str | None = None,
                    text: str | None = None, unit_id: UnitId | None = None, deleted: bool = False,
                    limit: int | None = None) -> list[DraftInfo]:
        """Drafts matching every filter given, most recently updated first. `text` matches words (or their
        beginnings) of the title, the unit and the values, without regard to case or diacritics; `deleted=True`
        lists the bin instead of the drafts."""
        where = ["d.deleted IS NOT NULL" if deleted else "d.deleted IS NULL"]
        args: list[Any] = []
        if kind is not None:
            where.append("d.kind = ?")
            args.append(kind)
        if period is not None:
            where.append("d.period_type = ? AND d.period_year = ? AND d.period_month IS ? AND d.period_half IS ?")
            args += [period.type, period.year, period.month if period.type == "month" else None,
                     period.half if period.type == "half" else None]
        if status is not None:
            if status not in STATUS_LABELS:
                raise StoreError(f"Trạng thái «{status}» không hợp lệ; dùng: {', '.join(STATUS_LABELS)}.")
            where.append("d.status = ?")
            args.append(status)
        if unit_id is not None:
            where.append("d.unit_id = ?")
            args.append(unit_id)
        if text is not None and text.strip():
            query = _fts_query(text)
            if query is None:
                return []
            where.append("d.id IN (SELECT rowid FROM draft_search WHERE draft_search MATCH ?)")
            args.append(query)
        sql = f"SELECT {_INFO} FROM drafts d WHERE {' AND '.join(where)} ORDER BY d.updated DESC, d.id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(int(limit))
        tz = _local_tz()
        if text is not None and text.strip():
            return [_info(row, tz) for row in self._search(sql, args)]
        with self._read() as c:
            return [_info(row, tz) for row in c.execute(sql, args)]

    def _search(self, sql: str, args: list[Any]) -> list[tuple]:
        """Run a query that reads `draft_search`, re-indexing the stale drafts first (in the same transaction)."""
        with self._lock:
            if not self._depth:
                with self._snapshot() as c:
                    if c.execute(_ANY_STALE).fetchone() is None:
                        return c.execute(sql, args).fetchall()
            rows: list[tuple] | None = None
            try:
                with self._tx() as c:
                    self._refresh_search(c)
                    rows = c.execute(sql, args).fetchall()
            except StoreError:
                if rows is None:
                    raise
                # Only keeping the new index failed (a full disk refuses the commit): the answer came from it
                # all the same, and the flags stay set for the next search.
            return rows

    def latest_for(self, kind_id: str, unit_id: UnitId, before: Period) -> DraftInfo | None:
        """The unit's draft of this kind for the latest period of the same type before `before` (not in the bin)."""
        with self._read() as c:
            row = c.execute(f"SELECT {_INFO} FROM drafts d WHERE d.kind = ? AND d.unit_id = ? AND d.period_type = ? "
                            "AND d.period_start < ? AND d.deleted IS NULL "
                            "ORDER BY d.period_start DESC, d.updated DESC LIMIT 1",
                            (kind_id, unit_id, before.type, before.start.isoformat())).fetchone()
        return _info(row) if row else None

    # ------------------------------------------------------------------ drafts: write

    def save(self, draft_id: DraftId, d: Draft) -> int:
        """Store the whole draft as a new revision; return its number (unchanged content: the current one)."""
        data = drafts.to_json(d)
        with self._tx():
            return self._write(draft_id, data, "save")

    def set_value(self, draft_id: DraftId, field_id: str, value: Any, inputs: dict[str, str] | None = None) -> int:
        """Store one field's new value (Python form: int đồng, Decimal, date, DocRef, list, rows; None clears),
        and the field's typed text that could not be read (`Draft.inputs` keys of this field; none by default:
        the new value replaces any).

        One short transaction; edits within `coalesce_seconds` of the start of an edit revision go into that
        revision. Returns the revision number that holds the value."""
        with self._tx() as c:
            row = c.execute("SELECT data FROM draft_data WHERE draft_id = ?", (draft_id,)).fetchone()
            if row is None:
                raise self._missing(draft_id)
            data = json.loads(row[0])
            kind = get_kind(data["kind"])
            if data.get("kind_version") != kind.version:
                data = drafts.to_json(drafts.from_json(data), kind)
            try:
                f = kind.field(field_id)
            except KeyError:
                raise StoreError(f"Mẫu «{kind.name}» không có trường «{field_id}».") from None
            raw = _canonical_value(f, value)
            values = dict(data.get("values") or {})
            if raw is None:
                values.pop(field_id, None)
            else:
                values[field_id] = raw
            data["values"] = {x.id: values[x.id] for x in kind.fields if x.id in values}
            kept = {k: v for k, v in (data.get("inputs") or {}).items() if drafts.split_input_key(k)[0] != field_id}
            for key, text in (inputs or {}).items():
                if drafts.split_input_key(key)[0] != field_id or drafts.input_field(kind, key) is None:
                    raise StoreError(f"«{key[:60]}» không phải chữ gõ của trường «{field_id}».")
                if (text := drafts.clean_input(text)).strip():
                    kept[key] = text
            data.pop("inputs", None)
            if kept:
                data["inputs"] = kept
            return self._write(draft_id, data, "edit", coalesce=True)

    def _write(self, draft_id: int, data: dict[str, Any], source: str, *, coalesce: bool = False,
               force: bool = False) -> int:
        c = self._conn
        row = c.execute("SELECT d.revision, d.status, d.deleted, d.kind, b.data FROM drafts d "
                        "JOIN draft_data b ON b.draft_id = d.id WHERE d.id = ?", (draft_id,)).fetchone()
        if row is None:
            raise self._missing(draft_id)
        rev, status, deleted, kind_id, old_text = row
        if deleted is not None:
            raise StoreError(f"Bản nháp số {draft_id} đang ở thùng rác; hãy khôi phục nó trước khi sửa.")
        if data.get("kind") != kind_id:
            raise StoreError(f"Không đổi được loại báo cáo của bản nháp số {draft_id}; hãy tạo bản nháp mới.")
        text = _dump(data)
        if text == old_text and not force:
            if not coalesce:
                self._refresh_search(c, draft_id)
            return rev
        now = _now()
        new_rev = rev + 1
        if coalesce and self.coalesce_seconds > 0 and status == "drafting":
            last = c.execute("SELECT source, created FROM revisions WHERE draft_id = ? AND revision = ?",
                             (draft_id, rev)).fetchone()
            if last and last[0] == "edit":
                age = (dt.datetime.fromisoformat(now) - dt.datetime.fromisoformat(last[1])).total_seconds()
                exported = c.execute("SELECT 1 FROM exports WHERE draft_id = ? AND revision = ?",
                                     (draft_id, rev)).fetchone()
                if 0 <= age < self.coalesce_seconds and not exported:
                    new_rev = rev
        coalesced = new_rev == rev
        if coalesced:
            c.execute("UPDATE revisions SET data = ?, saved = ? WHERE draft_id = ? AND revision = ?",
                      (text, now, draft_id, rev))
        else:
            c.execute("INSERT INTO revisions (draft_id, revision, source, created, saved, data) "
                      "VALUES (?, ?, ?, ?, ?, ?)", (draft_id, new_rev, source, now, now, text))
        c.execute("UPDATE draft_data SET data = ? WHERE draft_id = ?", (text, draft_id))
        # An edit joining the open edit revision only marks the search text stale (re-indexing the whole draft on
        # every keystroke was most of set_value's own work); anything else re-indexes now.
        cols = {**_draft_columns(data), "status": "drafting", "updated": now, "revision": new_rev,
                "search_stale": int(coalesced)}
        c.execute(f"UPDATE drafts SET {', '.join(f'{k} = ?' for k in cols)} WHERE id = ?",
                  (*cols.values(), draft_id))
        if not coalesced:
            _index_search(c, draft_id, data)
        return new_rev

    def _refresh_search(self, c: sqlite3.Connection, draft_id: int | None = None) -> int:
        """Re-index the stale drafts (or only `draft_id`, if stale) inside the current write transaction."""
        sql = ("SELECT d.id, b.data FROM drafts d JOIN draft_data b ON b.draft_id = d.id "
               "WHERE d.search_stale = 1")
        rows = (c.execute(sql + " AND d.id = ?", (draft_id,)) if draft_id is not None else c.execute(sql)).fetchall()
        for did, text in rows:
            _index_search(c, did, json.loads(text))
            c.execute("UPDATE drafts SET search_stale = 0 WHERE id = ?", (did,))
        return len(rows)

    # ------------------------------------------------------------------ history

    def revisions(self, draft_id: DraftId) -> list[tuple[int, dt.datetime]]:
        """(revision, time of its last write in local time), newest first."""
        return [(r.revision, r.saved) for r in self.revision_list(draft_id)]

    def revision_list(self, draft_id: DraftId) -> list[Revision]:
        with self._read() as c:
            rows = c.execute("SELECT revision, created, saved, source FROM revisions WHERE draft_id = ? "
                             "ORDER BY revision DESC", (draft_id,)).fetchall()
        if not rows:
            raise self._missing(draft_id)
        return [Revision(r, _local(created), _local(saved), source) for r, created, saved, source in rows]

    def revision_draft(self, draft_id: DraftId, revision: int) -> Draft:
        """The draft as it was at `revision` (to show before restoring it)."""
        with self._read() as c:
            row = c.execute("SELECT data FROM revisions WHERE draft_id = ? AND revision = ?",
                            (draft_id, revision)).fetchone()
        if row is None:
            raise NotFound(f"Bản nháp số {draft_id} không có phiên bản lưu số {revision}.")
        return drafts.from_json(json.loads(row[0]))

    def restore_revision(self, draft_id: DraftId, revision: int) -> int:
        """Make `revision` the current content again, as a new revision; return its number."""
        old = self.revision_draft(draft_id, revision)
        with self._tx():
            return self._write(draft_id, drafts.to_json(old), "restore", force=True)

    # ------------------------------------------------------------------ bin, copies, next period

    def delete(self, draft_id: DraftId) -> None:
        """Move a draft to the bin (restorable with `undelete`)."""
        with self._tx() as c:
            if c.execute("UPDATE drafts SET deleted = ? WHERE id = ? AND deleted IS NULL",
                         (_now(), draft_id)).rowcount == 0:
                self.info(draft_id)

    def undelete(self, draft_id: DraftId) -> None:
        with self._tx() as c:
            if c.execute("UPDATE drafts SET deleted = NULL WHERE id = ?", (draft_id,)).rowcount == 0:
                raise self._missing(draft_id)

    def purge(self, draft_id: DraftId) -> None:
        """Remove a draft in the bin for good, with its history and export records."""
        with self._tx() as c:
            if not self.info(draft_id).deleted:
                raise StoreError(f"Bản nháp số {draft_id} chưa ở thùng rác; hãy xóa (chuyển vào thùng rác) trước.")
            c.execute("DELETE FROM draft_search WHERE rowid = ?", (draft_id,))
            c.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))

    def duplicate(self, draft_id: DraftId) -> DraftId:
        stored = self.load(draft_id)
        title = f"{stored.draft.title} (bản sao)" if stored.draft.title else ""
        with self._tx():
            return self._insert(replace(stored.draft, title=title), stored.info.unit_id, "duplicate")

    def new_from_previous(self, draft_id: DraftId, period: Period | None = None) -> DraftId:
        """A draft for the next period (or `period`) carrying over the fields marked `carry` and the form, unit,
        signer, Kính gửi, Nơi nhận and money unit; everything per period (figures, number, date, title) is left
        empty."""
        stored = self.load(draft_id)
        src = stored.draft
        kind = get_kind(src.kind)
        period = period or src.period.next()
        _check_period(kind, period)
        carried = {f.id for f in kind.fields if f.carry}
        values = {fid: value for fid, value in src.values.items() if fid in carried}
        inputs = {key: text for key, text in src.inputs.items() if drafts.split_input_key(key)[0] in carried}
        new = Draft(kind=src.kind, kind_version=kind.version, period=period, unit=src.unit, form=src.form,
                    signer=src.signer, to=src.to, recipients=src.recipients, values=values,
                    money_unit=src.money_unit, inputs=inputs)
        with self._tx():
            return self._insert(new, stored.info.unit_id, "previous", kind)

    # ------------------------------------------------------------------ files

    def import_file(self, path: Path, unit_id: UnitId | None = None) -> DraftId:
        """Import a JSON draft, or a .docx made by kpdesk."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".docx":
            try:
                from kpdesk.report import draft_from_docx
            except ImportError:
                raise StoreError("Phiên bản kpdesk này chưa đọc được tệp Word (.docx); hãy nhập tệp bản nháp .json.") \
                    from None
            d = draft_from_docx(path)
        elif suffix == ".json":
            d = drafts.load(path)
        else:
            raise StoreError(f"Không nhập được {path.name}: chỉ nhập được tệp bản nháp .json hoặc báo cáo .docx "
                             "do kpdesk tạo.")
        return self.add_draft(d, unit_id)

    def export_json(self, draft_id: DraftId, path: Path) -> None:
        """Write the draft's JSON form to `path` (replaced atomically)."""
        text = drafts.dumps(self.load(draft_id).draft)
        path = Path(path)
        tmp = path.with_name(f".{path.name}.kpdesk-tmp")
        try:
            with open(tmp, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except OSError as exc:
            try:
                tmp.unlink()
            except OSError:
                pass
            if isinstance(exc, FileNotFoundError):
                raise StoreError(f"Không có thư mục {path.parent}; hãy chọn nơi lưu khác.") from None
            if isinstance(exc, PermissionError):
                raise StoreError(f"Không ghi được {path}: không có quyền ghi, hoặc tệp đang mở trong chương trình "
                                 "khác. Hãy đóng tệp hoặc chọn nơi lưu khác.") from None
            raise StoreError(f"Không ghi được {path} ({exc.strerror or exc}).") from None

    def record_export(self, draft_id: DraftId, path: Path, sha256: str, revision: int) -> None:
        """Remember that `path` (.docx, with this SHA-256) was made from `revision`; the draft becomes "exported"."""
        sha = sha256.strip().lower()
        if not re.fullmatch(r"[0-9a-f]{64}", sha):
            raise StoreError("Mã SHA-256 của tệp đã xuất phải gồm 64 chữ số hệ 16.")
        with self._tx() as c:
            self.info(draft_id)
            if c.execute("SELECT 1 FROM revisions WHERE draft_id = ? AND revision = ?",
                         (draft_id, revision)).fetchone() is None:
                raise NotFound(f"Bản nháp số {draft_id} không có phiên bản lưu số {revision}.")
            c.execute("INSERT INTO exports (draft_id, revision, path, exported, sha256) VALUES (?, ?, ?, ?, ?)",
                      (draft_id, revision, str(Path(path).absolute()), _now(), sha))
            c.execute("UPDATE drafts SET status = 'exported' WHERE id = ?", (draft_id,))
            self._refresh_search(c, draft_id)  # the export closes the edit revision

    def exports(self, draft_id: DraftId) -> list[ExportRecord]:
        """Every .docx recorded for the draft, newest first."""
        with self._read() as c:
            rows = c.execute("SELECT path, exported, sha256, revision FROM exports WHERE draft_id = ? "
                             "ORDER BY exported DESC, id DESC", (draft_id,)).fetchall()
        return [ExportRecord(Path(p), _local(when), sha, rev) for p, when, sha, rev in rows]

    # ------------------------------------------------------------------ backups

    def backup(self, reason: str = "manual") -> Path:
        """Copy the database into `backups/` with SQLite's backup API; keep the last 10 and one per month."""
        slug = re.sub(r"[^a-z0-9-]+", "-", reason.lower()).strip("-") or "manual"
        if not slug[0].isalpha():
            slug = "b-" + slug
        with self._lock:
            if self._depth:
                raise StoreError("Không sao lưu được giữa chừng một lần ghi.")
            try:
                self.backups_dir.mkdir(exist_ok=True)
                stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
                same = [_backup_key(p)[1] for p in list_backups(self.data_dir) if _backup_key(p)[0] == stamp]
                n = max(max(same) + 1, 2) if same else 0  # a second backup within one second: "-2-", "-3-"…
                target = self.backups_dir / f"kpdesk-{stamp}{f'-{n}' if n else ''}-{slug}.sqlite3"
                _copy_database(self._conn, target)
            except sqlite3.Error as exc:
                raise _failure(exc, self.path) from None
            except OSError as exc:
                raise StoreError(f"Không sao lưu được vào {self.backups_dir} ({exc.strerror or exc}). "
                                 "Hãy kiểm tra dung lượng và quyền ghi của ổ đĩa.") from None
            self._rotate()
            return target

    def backups(self) -> list[Path]:
        """The backups, newest first."""
        return list_backups(self.data_dir)

    def _rotate(self) -> None:
        found = list_backups(self.data_dir)
        keep = set(found[:KEEP_LAST_BACKUPS])
        months: set[str] = set()
        for p in found:  # newest first: the newest backup of each month stays
            month = _backup_key(p)[0][:6]
            if month not in months:
                months.add(month)
                keep.add(p)
        for p in found:
            if p not in keep:
                try:
                    p.unlink()
                except OSError:
                    pass

    def restore_backup(self, backup: Path) -> Path:
        """Replace the content of the database by `backup`; the current content is backed up first (returned)."""
        backup = Path(backup)
        check_backup(backup)
        before = self.backup("restore")
        with self._lock:
            src = _open_ro(backup)
            try:
                src.backup(self._conn)
            except sqlite3.Error as exc:
                raise _failure(exc, self.path) from None
            finally:
                src.close()
            self._migrate(backup_first=False)
        return before

    @classmethod
    def restore_damaged(cls, backup: Path, data_dir: Path | str | None = None) -> Store:
        """Put `backup` in place of a database that cannot be opened, then open it.

        The damaged file (and its -wal/-shm) is renamed to `kpdesk-hong-<time>.sqlite3`, never overwritten."""
        backup = Path(backup)
        check_backup(backup)
        data_dir = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
        _probe_writable(data_dir)
        path = data_dir / DB_NAME
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = data_dir / f"kpdesk-hong-{stamp}.sqlite3"
        n = 1
        while aside.exists():
            n += 1
            aside = data_dir / f"kpdesk-hong-{stamp}-{n}.sqlite3"
        moved = None
        try:
            for suffix in ("", "-wal", "-shm"):
                current = Path(f"{path}{suffix}")
                if current.exists():
                    os.replace(current, Path(f"{aside}{suffix}"))
                    moved = moved or aside
            src = _open_ro(backup)
            try:
                _copy_database(src, path)
            finally:
                src.close()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"Không khôi phục được từ {backup} ({exc}). Hãy kiểm tra quyền ghi của {data_dir}.") \
                from None
        store = cls.open(data_dir)
        store.set_aside = moved
        return store


# ---------------------------------------------------------------------------- rules


def _check_period(kind: Kind, period: Period) -> None:
    if period.type not in kind.periods:
        names = {"month": "tháng", "half": "6 tháng", "year": "năm"}
        raise StoreError(f"Mẫu «{kind.name}» chỉ dùng cho kỳ báo cáo: "
                         f"{', '.join(names[p] for p in kind.periods)}; không dùng cho kỳ {period.label}.")


def _canonical_value(f: Any, value: Any) -> Any:
    """The JSON form of a Python value, read back the way `from_json` would (None when empty)."""
    if drafts.is_empty(value):
        return None
    try:
        raw = drafts.value_to_json(f, value)
        parsed = drafts.value_from_json(f, raw)
    except (AttributeError, TypeError, ValueError, KeyError) as exc:
        if isinstance(exc, KpdeskError):
            raise
        raise DraftError(f"Giá trị của «{f.label}» không đúng kiểu ({type(value).__name__}).") from None
    return None if drafts.is_empty(parsed) else drafts.value_to_json(f, parsed)


def _prefill(kind: Kind, profile: UnitProfile) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in kind.fields:
        raw = profile.prefill_value(f.prefill) if f.prefill else ""
        if not raw:
            continue
        try:
            value = drafts.value_from_json(f, raw)
        except DraftError:
            continue
        if not drafts.is_empty(value):
            values[f.id] = value
    return values


def _clean_profile(p: UnitProfile) -> UnitProfile:
    line = vn.clean_line
    name = line(p.name or "")
    if not name:
        raise ProfileError("Chưa nhập tên đơn vị (ô «Tên xã/phường»), ví dụ «Thiệu Trung».", "name")
    honorific = line(p.contact_honorific or "").lower()
    if honorific not in ("", *HONORIFICS):
        raise ProfileError("Danh xưng người liên hệ phải là «ông» hoặc «bà».", "contact_honorific")
    phone = line(p.contact_phone or "")
    if phone:
        try:
            phone = vn.parse_phone(phone).digits
        except FormatError as exc:
            raise ProfileError(f"Số điện thoại người liên hệ: {exc.message}", "contact_phone") from None
    email = line(p.contact_email or "")
    if email:
        try:
            email = vn.parse_email(email)
        except FormatError as exc:
            raise ProfileError(f"Thư điện tử người liên hệ: {exc.message}", "contact_email") from None
    signers = []
    for i, s in enumerate(p.signers, 1):
        if not line(s.name or ""):
            raise ProfileError(f"Người ký thứ {i} chưa có họ tên.", "signers")
        signers.append(SignerProfile(line(s.name), line(s.position or ""),
                                     tuple(x for x in (line(a) for a in s.authority) if x), bool(s.is_default)))
    defaults = sum(s.is_default for s in signers)
    if defaults > 1:
        raise ProfileError("Chỉ được chọn một người ký mặc định.", "signers")
    if signers and not defaults:
        signers[0] = replace(signers[0], is_default=True)

    def lines(items: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(x for x in (line(i) for i in items) if x)

    return replace(p, name=name, level=line(p.level or "") or "xã", province=line(p.province or ""),
                   province_level=line(p.province_level or "") or "tỉnh", superior=line(p.superior or ""),
                   agency=lines(p.agency), place=line(p.place or ""), office_symbol=line(p.office_symbol or "").upper(),
                   contact_honorific=honorific, contact_name=line(p.contact_name or ""),
                   contact_position=line(p.contact_position or ""), contact_phone=phone, contact_email=email,
                   signers=tuple(signers), default_recipients=lines(p.default_recipients),
                   default_to=lines(p.default_to))


def _profile_from_draft(d: Draft) -> UnitProfile:
    """A unit profile made from an imported draft: its unit, signer, recipients and contact values."""
    contact: dict[str, str] = {}
    try:
        kind = get_kind(d.kind)
        for f in kind.fields:
            if f.prefill and f.prefill.startswith("contact.") and isinstance(d.values.get(f.id), str):
                contact[f"contact_{f.prefill.split('.', 1)[1]}"] = d.values[f.id]
    except KpdeskError:
        pass
    if contact.get("contact_phone"):
        try:
            vn.parse_phone(contact["contact_phone"])
        except FormatError:
            contact.pop("contact_phone")
    if contact.get("contact_email"):
        try:
            vn.parse_email(contact["contact_email"])
        except FormatError:
            contact.pop("contact_email")
    if contact.get("contact_honorific", "").lower() not in HONORIFICS:
        contact.pop("contact_honorific", None)
    contact = {k: v for k, v in contact.items() if f"{k}" in _PROFILE_TEXT}
    u = d.unit
    signers = (SignerProfile(d.signer.name, d.signer.position, d.signer.authority, True),) if d.signer.name else ()
    return UnitProfile(name=u.name, level=u.level, province=u.province, province_level=u.province_level,
                       superior=u.superior, agency=u.agency, place=u.place, office_symbol=u.office_symbol,
                       signers=signers, default_recipients=d.recipients, default_to=d.to, **contact)


__all__ = [
    "DamagedDatabase", "DraftId", "DraftInfo", "ExportRecord", "NewerDatabase", "NotFound", "ReadOnlyData",
    "Revision", "SignerProfile", "Store", "StoredDraft", "UnitId", "UnitProfile", "backup_reason", "backup_time",
    "check_backup", "default_data_dir", "fold", "list_backups", "newest_good_backup",
]
