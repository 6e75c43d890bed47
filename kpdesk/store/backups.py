"""Backup files of the database: their names, listing, checking, copying and the rule of which to keep."""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import threading
import time
from pathlib import Path

from kpdesk.errors import NotFound, StoreError
from kpdesk.store.checks import inspect_file, is_damage
from kpdesk.text import LazyPattern

BACKUP_DIR = "backups"
KEEP_LAST_BACKUPS = 10
BACKUP_REASONS = {
    "daily": "tự động, lần mở đầu tiên trong ngày",
    "migration": "tự động, trước khi nâng cấp cơ sở dữ liệu",
    "restore": "tự động, trước khi khôi phục bản sao lưu",
    "manual": "sao lưu theo yêu cầu",
    "upgrade": "tự động, trước lần chạy đầu tiên của phiên bản mới",
}

#: A backup's file name: `kpdesk-<day>-<time>[-n]-<reason>.sqlite3`, written by `backup_target` and read by
#: `_BACKUP_NAME` (and, by its day alone, `backed_up_today`).
_NAME_START, _NAME_END = "kpdesk-", ".sqlite3"
_DAY_FORMAT = "%Y%m%d"
_STAMP_FORMAT = f"{_DAY_FORMAT}-%H%M%S"
_BACKUP_NAME = LazyPattern(r"^kpdesk-(\d{8}-\d{6})(?:-(\d+))?-([a-z][a-z0-9-]*)\.sqlite3$")
#: A copy being written (`copy_database`), with SQLite's journal of it, or a folder probe: each names its process.
_TEMP_NAME = LazyPattern(
    r"^\.(?:kpdesk[^/\\]*\.sqlite3\.(\d+)-[0-9a-f]{8}\.tmp(?:-journal|-wal|-shm)?"
    r"|kpdesk-probe-(\d+)-[^/\\]*)$"
)
#: A temporary file untouched for this long is left over whatever its process (its number may have been reused).
STALE_AFTER_SECONDS = 3600
_writing: set[str] = set()  # the copies this process is writing now (their names)
_writing_lock = threading.Lock()


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
    s = m.group(1)  # YYYYmmdd-HHMMSS, digits (not `strptime`: its module costs ms at every start)
    return dt.datetime(int(s[:4]), int(s[4:6]), int(s[6:8]), int(s[9:11]), int(s[11:13]), int(s[13:15])).astimezone()


def backup_reason(path: Path) -> str:
    """Why a backup was made, in Vietnamese."""
    m = _BACKUP_NAME.match(Path(path).name)
    reason = m.group(3) if m else ""
    return BACKUP_REASONS.get(reason, reason)


def backed_up_today(data_dir: Path) -> bool:
    """Whether a backup was made today (for any reason), told by its name's date alone: every start asks, and
    `list_backups` would compile the names' pattern."""
    folder = Path(data_dir) / BACKUP_DIR
    prefix = f"{_NAME_START}{dt.date.today().strftime(_DAY_FORMAT)}-"
    try:
        with os.scandir(folder) as entries:
            return any(e.name.startswith(prefix) and e.name.endswith(_NAME_END) and e.is_file() for e in entries)
    except OSError:
        return False


def backup_target(data_dir: Path, reason: str) -> Path:
    """The file name of a new backup made now for `reason`; a second one within one second gets "-2-", "-3-"…"""
    slug = re.sub(r"[^a-z0-9-]+", "-", reason.lower()).strip("-") or "manual"
    if not slug[0].isalpha():
        slug = "b-" + slug
    stamp = dt.datetime.now().strftime(_STAMP_FORMAT)
    same = [_backup_key(p)[1] for p in list_backups(data_dir) if _backup_key(p)[0] == stamp]
    n = max(max(same) + 1, 2) if same else 0
    return Path(data_dir) / BACKUP_DIR / f"{_NAME_START}{stamp}{f'-{n}' if n else ''}-{slug}{_NAME_END}"


def check_backup(backup: Path) -> None:
    """Raise a StoreError saying why `backup` cannot be restored (missing, damaged, newer, not kpdesk)."""
    backup = Path(backup)
    if not backup.is_file():
        raise NotFound(f"Không tìm thấy bản sao lưu {backup}. Xem danh sách bằng lệnh: kpdesk restore")
    try:
        state = inspect_file(backup)
    except (OSError, ValueError, sqlite3.DatabaseError) as exc:
        if isinstance(exc, OSError) or not is_damage(exc):
            raise StoreError(f"Không đọc được bản sao lưu {backup} ({exc}).") from None
        raise StoreError(f"Bản sao lưu {backup} bị hỏng hoặc không phải cơ sở dữ liệu; hãy chọn bản khác.") from None
    if state.newer:
        raise StoreError(f"Bản sao lưu {backup} do phiên bản kpdesk mới hơn tạo ra; hãy cập nhật kpdesk.")
    if state.foreign or not state.applied:
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


def copy_database(src: sqlite3.Connection, target: Path) -> None:
    """Write a self-contained copy (rollback journal, no -wal file) of `src` to `target`, atomically.

    SQLite writes the copy itself (its backup API, page by page), so this is the one file of the store that does not
    go through `kpdesk.files.write_atomic`; it follows the same rule: a temp file in the same folder, then
    `os.replace`. The temp file's name carries the process number, so that one left by a killed process (a power
    cut in the middle of the day's first backup) is recognised and removed by `remove_stale`."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}-{os.urandom(4).hex()}.tmp")  # unique per writer
    with _writing_lock:
        _writing.add(tmp.name)
    try:
        dst = sqlite3.connect(tmp, isolation_level=None)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
        os.replace(tmp, target)
    except BaseException:
        for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
            try:
                leftover.unlink()
            except OSError:
                pass
        raise
    finally:
        with _writing_lock:
            _writing.discard(tmp.name)


def remove_stale(folder: Path) -> int:
    """Delete the temporary files a killed kpdesk left in `folder` (copies half made, their journals, probes);
    return how many bytes that freed. A file another running kpdesk is still writing is left alone."""
    freed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    now = time.time()
    for entry in entries:
        m = _TEMP_NAME.match(entry.name) if entry.name.startswith(".") else None  # compiled when a dot file is there
        if m is None:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        pid = int(m.group(1) or m.group(2))
        if now - st.st_mtime < STALE_AFTER_SECONDS and _in_use(pid, entry.name):
            continue
        try:
            os.unlink(entry.path)
        except OSError:  # in use (Windows refuses to delete an open file) or already gone
            continue
        freed += st.st_size
    return freed


def _in_use(pid: int, name: str) -> bool:
    """Whether the process `pid` may still be writing the temporary file `name`."""
    if pid == os.getpid():
        with _writing_lock:
            return name.startswith(".kpdesk-probe-") or any(name.startswith(writing) for writing in _writing)
    if os.name != "posix":
        return False  # Windows cannot delete a file that is open: removing it fails if it is in use
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: it exists
        return True
    return True


def rotate(data_dir: Path) -> None:
    """Delete the backups beyond the last 10, keeping the newest of each month, and the temporary copies a killed
    backup left behind (they are as big as a backup)."""
    remove_stale(Path(data_dir) / BACKUP_DIR)
    found = list_backups(data_dir)
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
