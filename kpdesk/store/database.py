"""The database file: opening it safely, short write transactions, consistent reads, migrations and backups.

`Database` is what every part of kpdesk that keeps data in `kpdesk.sqlite3` builds on (the drafts and units of
`Store`, and the department side's own tables): `tx()` for one write transaction, `read()` for a single read,
`snapshot()` for several reads that must see one state of the file. Each part adds its tables as numbered steps
in `kpdesk.store.migrations`.

Durability: WAL journal with `synchronous=FULL` (each commit is on disk when the write returns, also across a power
cut), foreign keys on, a busy timeout for a second kpdesk window, `BEGIN IMMEDIATE` for every write. On open the
file is checked (`PRAGMA quick_check`) on a read-only connection first; a damaged file is never written to, and
`DamagedDatabase` names the newest good backup. Backups (SQLite's backup API) are made on the first open of each
day and before every migration, kept as the last 10 plus one per month; the temporary copies of a backup killed
part-way are removed on open and before each backup.

The window opens with `check_later`: the file is opened for reading only, after the cheap checks (an SQLite file,
kpdesk's, of a schema known here and up to date), so that the drafts are listed at once; `check()` then runs the
`quick_check` (the window runs it in the background once it is shown), and only when it passes is the file opened
for writing and the day's backup made. Every write waits for that check, and refuses with `DamagedDatabase` when
it fails. On a store of years of reports the check is the slowest part of opening it.

A database that cannot be written (a read-only folder or file, a full disk) is opened read-only when it can be read:
`read_only` then says why, `warnings` says so once ("chỉ đọc: …"), listing, viewing and exporting to another folder
work, and every write raises `ReadOnlyData` saying what to do. A full disk is named as such, with the room needed.

Why over 600 lines: opening the file safely, write transactions, consistent reads, migrations and backups are one
promise about kpdesk.sqlite3; split, its locking rules would be spread over modules.
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import math
import os
import shutil
import sqlite3
import stat
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from kpdesk.errors import DamagedDatabase, NewerDatabase, NotFound, ReadOnlyData, StoreError
from kpdesk.store import backups, migrations
from kpdesk.store.checks import (
    BUSY_TIMEOUT_MS,
    FileState,
    file_state,
    inspect_file,
    is_damage,
    is_sqlite_file,
    open_read_only,
    sqlite_name,
)

APP_NAME = "kpdesk"
ENV_DATA_DIR = "KPDESK_DATA_DIR"
DB_NAME = "kpdesk.sqlite3"
#: The file the window holds locked in its data folder while it runs (`kpdesk.files.lock_file`): one window per
#: folder, and no restore from the command line under an open window.
WINDOW_LOCK = "kpdesk-window.lock"
#: Every commit is flushed to disk before a write returns (WAL + FULL survives a power cut too);
#: measured ~1.4 ms per one-field edit of an example-sized draft on an SSD-backed Linux disk.
SYNCHRONOUS = "FULL"
#: Free room wanted on the data disk besides the database's own size (for its journal, its index and a backup's
#: growth); less than the database's size plus this is "the disk is full".
DISK_MARGIN = 2 * 1024 * 1024
#: With less room than this SQLite cannot even grow the index it reads through (32 KB): the data open read-only.
MIN_FREE = 64 * 1024

D = TypeVar("D", bound="Database")


def default_data_dir() -> Path:
    """`KPDESK_DATA_DIR`, else the per-user data folder (Windows: %LOCALAPPDATA%\\kpdesk)."""
    env = os.environ.get(ENV_DATA_DIR, "").strip()
    if env:
        return Path(env).expanduser()
    return _user_data_dir(tuple(os.environ.get(k) for k in ("HOME", "XDG_DATA_HOME", "LOCALAPPDATA", "USERPROFILE")))


@functools.cache
def _user_data_dir(_environment: tuple[str | None, ...]) -> Path:
    """platformdirs' per-user data folder, looked up once for the environment it depends on (every kind lookup
    asks for it)."""
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False, roaming=False)


def now_stamp() -> str:
    """The time now as it is stored: UTC, ISO 8601 with microseconds."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def local_time(stamp: str) -> dt.datetime:
    """A stored time in local time (timezone-aware)."""
    return dt.datetime.fromisoformat(stamp).astimezone()


def failure(exc: sqlite3.Error, path: Path) -> StoreError:
    """Turn an SQLite error into a StoreError that says what to do."""
    name, text = sqlite_name(exc), str(exc).lower()
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return StoreError(
            "Cơ sở dữ liệu đang bận vì một cửa sổ kpdesk khác đang ghi. Hãy thử lại sau ít giây; "
            "nếu vẫn bị, hãy đóng các cửa sổ kpdesk khác."
        )
    if (
        name.startswith("SQLITE_FULL")
        or "disk is full" in text
        or name.startswith("SQLITE_IOERR")
        and disk_is_full(path)
    ):
        return StoreError(
            disk_full_message(path, "Thay đổi vừa rồi chưa được lưu; các bản nháp đã lưu trước đó không bị mất.")
        )
    if name.startswith(("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_CANTOPEN")) or "readonly" in text:
        return ReadOnlyData(
            f"Không ghi được vào cơ sở dữ liệu {path} (thư mục hoặc tệp chỉ cho đọc). "
            "Hãy cấp quyền ghi cho thư mục này, hoặc chọn thư mục dữ liệu khác bằng --data-dir "
            f"hay biến môi trường {ENV_DATA_DIR}."
        )
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text:
        return _damaged(path)
    if name.startswith("SQLITE_IOERR"):
        return StoreError(f"Lỗi đọc/ghi ổ đĩa khi dùng {path}. Hãy kiểm tra ổ đĩa (hoặc USB) rồi mở lại kpdesk.")
    return StoreError(f"Lỗi cơ sở dữ liệu ({exc}). Hãy mở lại kpdesk; nếu vẫn bị, hãy khôi phục từ bản sao lưu.")


def _too_big() -> NotFound:
    return NotFound(
        "Số thứ tự quá lớn: không có bản nháp, đơn vị hay phiên bản nào mang số đó. Xem danh sách bằng "
        "lệnh: kpdesk drafts"
    )


def _size(n: int) -> str:
    """A size as the officer reads it: "40 KB", "2,1 MB", "1,5 GB"."""
    if n < 1024 * 1024:
        return f"{max(1, math.ceil(n / 1024))} KB"
    if n < 1024**3:
        return f"{n / 1024**2:.1f} MB".replace(".", ",")
    return f"{n / 1024**3:.1f} GB".replace(".", ",")


def _free_space(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def room_needed(path: Path) -> int:
    """The free room the database at `path` wants on its disk: its size (with its journal) plus `DISK_MARGIN`."""
    size = 0
    for suffix in ("", "-wal"):
        try:
            size += os.stat(f"{path}{suffix}").st_size
        except OSError:
            pass
    return size + DISK_MARGIN


def disk_is_full(path: Path) -> bool:
    """Whether the disk of the database at `path` has less room than `room_needed`."""
    free = _free_space(path.parent)
    return free is not None and free < room_needed(path)


def _full_disk(path: Path) -> str:
    """ "ổ đĩa chứa dữ liệu kpdesk (D:\\…) đã đầy: còn trống 12 KB, cần khoảng 2,1 MB (…)"."""
    free = _free_space(path.parent)
    left = f"còn trống {_size(free)}, " if free is not None else ""
    return (
        f"ổ đĩa chứa dữ liệu kpdesk ({path.parent}) đã đầy: {left}cần khoảng {_size(room_needed(path))} "
        "(cỡ cơ sở dữ liệu cộng phần dự phòng)"
    )


_FREE_SOME = "Hãy giải phóng dung lượng ổ đĩa (xóa bớt tệp không cần, dọn Thùng rác) rồi thử lại."


def _nearly_full(path: Path) -> str:
    why = _full_disk(path).replace(" đã đầy:", " sắp đầy:", 1)
    return f"{why[:1].upper()}{why[1:]}; thay đổi có thể không lưu được. {_FREE_SOME}"


def disk_full_message(path: Path, what_happened: str) -> str:
    """The Vietnamese message for a full disk: what is full, the room needed, `what_happened`, what to do."""
    why = _full_disk(path)
    return f"{why[:1].upper()}{why[1:]}. {what_happened} {_FREE_SOME}"


def _damaged_message(path: Path, backup: Path | None, why: str = "bị hỏng", *, opened: bool = False) -> str:
    """What is wrong with the database `path`, the newest good backup and what to do; `opened`: found by `check()`
    in a file already open for reading."""
    if backup is not None:
        when = backups.backup_time(backup)
        stamp = f" lúc {when:%H:%M ngày %d/%m/%Y}" if when else ""
        hint = (
            f'Bản sao lưu tốt gần nhất là {backup}{stamp}: hãy khôi phục từ bản này (lệnh: kpdesk restore "{backup}"). '
        )
    else:
        hint = "Không tìm thấy bản sao lưu tốt nào. "
    done = "chỉ còn mở để xem, không ghi gì vào nó nữa" if opened else "không mở nó"
    return f"Cơ sở dữ liệu {path} {why} nên kpdesk {done}. {hint}Tệp hỏng được giữ nguyên, không bị ghi đè."


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
            raise StoreError(f"Không tạo được thư mục dữ liệu {folder}: ổ đĩa đã đầy. {_FREE_SOME}") from None
        raise ReadOnlyData(
            f"Không tạo được thư mục dữ liệu {folder} ({exc.strerror or exc}). Hãy cấp quyền ghi, "
            f"hoặc chọn thư mục khác bằng --data-dir hay biến môi trường {ENV_DATA_DIR}."
        ) from None
    if not folder.is_dir():
        raise StoreError(f"{folder} không phải là thư mục; hãy chọn thư mục dữ liệu khác bằng --data-dir.")


_OTHER_FOLDER = (
    f"Hãy cấp quyền ghi cho thư mục này, hoặc chọn thư mục dữ liệu khác bằng --data-dir hay biến môi "
    f"trường {ENV_DATA_DIR}."
)


def _write_problem(folder: Path, path: Path | None) -> tuple[str, str] | None:
    """Why the database `path` in `folder` cannot be written ("thư mục … chỉ cho đọc", "ổ đĩa … đã đầy…") and what
    to do, or None when it can (`path` None: only the folder is looked at)."""
    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=f".kpdesk-probe-{os.getpid()}-")
        os.close(fd)
        os.remove(name)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
            return _full_disk(path or folder / DB_NAME), _FREE_SOME
        return f"thư mục dữ liệu {folder} chỉ cho đọc", _OTHER_FOLDER
    try:
        st = os.stat(path) if path is not None else None
    except OSError:
        st = None
    if path is not None and st is not None and (not st.st_mode & stat.S_IWUSR or not os.access(path, os.W_OK)):
        return (
            f"tệp cơ sở dữ liệu {path} chỉ cho đọc",
            "Hãy bỏ thuộc tính chỉ đọc của tệp, hoặc chọn thư mục dữ liệu khác bằng --data-dir.",
        )
    free = _free_space(folder)
    if free is not None and free < MIN_FREE:
        return _full_disk(path or folder / DB_NAME), _FREE_SOME
    return None


def _probe_writable(folder: Path) -> None:
    """Raise when no database can be written in `folder` (read-only, full)."""
    _make_folder(folder)
    problem = _write_problem(folder, None)
    if problem is None:
        return
    why, fix = problem
    if why.startswith("ổ đĩa"):
        raise StoreError(f"{why[:1].upper()}{why[1:]} nên kpdesk chưa tạo được dữ liệu ở đó. {fix}")
    raise ReadOnlyData(f"Thư mục dữ liệu {folder} chỉ cho đọc, kpdesk không ghi được bản nháp vào đó. {fix}")


#: How an empty database file set aside is named: `kpdesk-rong-<time>.sqlite3` (rỗng: empty).
ASIDE_PREFIX = "kpdesk-rong-"


def _set_aside_empty(path: Path) -> Path:
    """Rename an empty (0-byte) database file, with its -wal/-shm, to `kpdesk-rong-<time>.sqlite3`; return it."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{ASIDE_PREFIX}{stamp}.sqlite3")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{ASIDE_PREFIX}{stamp}-{n}.sqlite3")
    try:
        for suffix in ("", "-wal", "-shm"):
            current = Path(f"{path}{suffix}")
            if current.exists():
                os.replace(current, Path(f"{aside}{suffix}"))
    except OSError as exc:
        raise StoreError(
            f"Tệp cơ sở dữ liệu {path} rỗng (0 byte) và không đổi tên được để giữ lại "
            f"({exc.strerror or exc}). Hãy kiểm tra quyền ghi của {path.parent}."
        ) from None
    return aside


def _set_aside(folder: Path) -> list[Path]:
    """The empty database files set aside in `folder` (`_set_aside_empty`), by name; listed without `glob`, whose
    pattern the start would compile."""
    try:
        names = sorted(n for n in os.listdir(folder) if n.startswith(ASIDE_PREFIX) and n.endswith(".sqlite3"))
    except OSError:
        return []
    return [folder / n for n in names]


NOT_SQLITE = "không phải là cơ sở dữ liệu SQLite"


def _unreadable(path: Path, exc: OSError) -> ReadOnlyData:
    return ReadOnlyData(f"Không đọc được tệp {path} ({exc.strerror or exc}). Hãy kiểm tra quyền của tệp.")


def _damaged(path: Path, why: str = "bị hỏng", *, opened: bool = False) -> DamagedDatabase:
    backup = backups.newest_good_backup(path.parent)
    return DamagedDatabase(_damaged_message(path, backup, why, opened=opened), path, backup)


def _refuse_state(path: Path, state: FileState) -> None:
    """Refuse a sound file written by a newer kpdesk, or another program's."""
    if state.newer:
        raise NewerDatabase(
            f"Cơ sở dữ liệu {path} do phiên bản kpdesk mới hơn tạo ra "
            f"(lược đồ {max(state.version, len(state.applied))}, bản này chỉ đọc được tới "
            f"{migrations.SCHEMA_VERSION}). Hãy cập nhật kpdesk; dữ liệu không bị thay đổi.",
            path,
            state.version,
        )
    if state.foreign:
        raise _damaged(path, "không phải cơ sở dữ liệu của kpdesk")


def _open_unchecked(path: Path) -> tuple[sqlite3.Connection, FileState] | None:
    """For `open(check_later=True)`: a read-only connection to the existing file `path` and what it holds, after
    the checks that read only its first pages (an SQLite file, kpdesk's, of a schema this code knows). None when
    the file needs migrating, or cannot be read this way: it is then opened, and checked at once, as without
    `check_later`."""
    try:
        sqlite = is_sqlite_file(path)
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if not sqlite:
        raise _damaged(path, NOT_SQLITE)
    try:
        conn = open_read_only(path, check_same_thread=False)
    except sqlite3.Error as exc:
        if is_damage(exc):
            raise _damaged(path) from None
        return None  # anything else (a file SQLite cannot read this way): opened and checked as without check_later
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA query_only = 1")
        state = file_state(conn)
        _refuse_state(path, state)
    except sqlite3.Error as exc:
        conn.close()
        if is_damage(exc):
            raise _damaged(path) from None
        return None
    except BaseException:
        conn.close()
        raise
    if not all(name in state.applied for name in migrations.KNOWN):
        conn.close()
        return None
    return conn, state


def _remove_stale(folder: Path) -> None:
    """Delete what a killed kpdesk left half made in the data folder `folder` and in its backups' folder."""
    backups.remove_stale(folder)
    backups.remove_stale(folder / backups.BACKUP_DIR)


def _connect(path: Path) -> sqlite3.Connection:
    """A connection that can write to the database `path` (set up by `Database._prepare`)."""
    try:
        return sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise failure(exc, path) from None


_NO_WAL = (
    "Thư mục dữ liệu {folder} không hỗ trợ chế độ ghi nhật ký WAL (ổ mạng?); "
    "kpdesk vẫn lưu an toàn nhưng chậm hơn. Nên chọn thư mục trên ổ đĩa của máy."
)


@dataclass(frozen=True)
class _Unchecked:
    """What `Database.check` has left to do: open the file for writing (`writable`), and the day's backup."""

    writable: bool
    daily_backup: bool


def _set_aside_warnings(folder: Path, path: Path) -> list[str]:
    return [
        f"Tệp cơ sở dữ liệu {path} đã bị rỗng (0 byte) mà không có bản sao lưu nào, nên kpdesk đã tạo cơ sở "
        "dữ liệu mới. Nếu trước đây đã soạn báo cáo trên máy này, dữ liệu cũ có thể đã mất hoặc đang ở nơi "
        "khác (máy khác, ổ USB, thư mục dữ liệu khác): hãy tìm tệp kpdesk.sqlite3 đó rồi khôi phục "
        f"(kpdesk restore ĐƯỜNG-DẪN-TỆP). Tệp rỗng được giữ lại ở {aside}; xóa nó thì thông báo này thôi "
        "nhắc."
        for aside in _set_aside(folder)
    ]


def _check_existing(path: Path, *, opened: bool = False) -> DamagedDatabase | None:
    """Check the whole file, never writing to it: return the damage found (`opened`: by `Database.check`, in a file
    already open for reading), None when it is sound; raise for a file that is not kpdesk's, written by a newer
    kpdesk, or unreadable."""
    try:
        state = inspect_file(path)
    except (ValueError, sqlite3.DatabaseError) as exc:
        if isinstance(exc, sqlite3.DatabaseError) and not is_damage(exc):
            raise failure(exc, path) from None
        return _damaged(path, NOT_SQLITE if isinstance(exc, ValueError) else "bị hỏng", opened=opened)
    except OSError as exc:
        raise _unreadable(path, exc) from None
    _refuse_state(path, state)  # in a file checked later: changed meanwhile, by a newer kpdesk or another program
    return None


class Database:
    """One kpdesk database file, open; safe to share between the threads of one process.

    Open with `open()`; write with `tx()`, read with `read()` or `snapshot()`. Every failure a user can cause is a
    `StoreError` with a Vietnamese message saying what to do."""

    def __init__(self, conn: sqlite3.Connection, path: Path, data_dir: Path) -> None:
        self._conn = conn
        self._sqlite_utils: Any = None
        self.path = path
        self.data_dir = data_dir
        self.backups_dir = data_dir / backups.BACKUP_DIR
        self._lock = threading.RLock()
        self._depth = 0
        self._closed = False
        #: After `restore_damaged`: where the damaged file was moved to.
        self.set_aside: Path | None = None
        #: Problems that did not stop the database from opening (a daily backup that failed), in Vietnamese.
        self.warnings: list[str] = []
        #: Why the database is open read-only ("thư mục dữ liệu … chỉ cho đọc"), or None when it can be written.
        self.read_only: str | None = None
        self._read_only_fix = ""
        #: What `check()` has left to do, after `open(check_later=True)`: None once it is done (or never asked).
        self._unchecked: _Unchecked | None = None
        self._check_lock = threading.Lock()
        self._found: DamagedDatabase | bool | None = None  # what the check's slow part found, once it ran
        #: What `check()` found: the file damaged (then nothing is written to it), or None.
        self.damage: DamagedDatabase | None = None

    @property
    def db(self) -> Any:
        """A sqlite-utils Database on the connection, made (and sqlite-utils imported) on first use."""
        if self._sqlite_utils is None:
            from sqlite_utils import Database as SqliteUtilsDatabase

            self._sqlite_utils = SqliteUtilsDatabase(self._conn, execute_plugins=False)
        return self._sqlite_utils

    # ------------------------------------------------------------------ opening and closing

    @classmethod
    def open(
        cls: type[D], data_dir: Path | str | None = None, *, daily_backup: bool = True, check_later: bool = False
    ) -> D:
        """Open (or create) the database in `data_dir` (None: `KPDESK_DATA_DIR` or the per-user data folder).

        A database that exists but cannot be written is opened read-only (see `read_only`). With `check_later` an
        existing, up-to-date file is opened for reading only and not yet checked through: `check()` does that, and
        every write waits for it (see the module's notes)."""
        folder = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
        _make_folder(folder)
        folder = folder.resolve()
        path = folder / DB_NAME
        problem = _write_problem(folder, path)
        warnings: list[str] = []
        existed = path.exists()
        if existed and path.stat().st_size == 0:
            backup = backups.newest_good_backup(folder)
            if backup is not None:
                raise DamagedDatabase(_damaged_message(path, backup, "là tệp rỗng (0 byte)"), path, backup)
            if problem is None:
                _set_aside_empty(path)
            existed = False
        if not existed and problem is not None:  # nothing to read, and nothing can be created
            why, fix = problem
            empty = f"Tệp cơ sở dữ liệu {path} rỗng (0 byte) và " if path.exists() else ""
            text = why.replace(f"tệp cơ sở dữ liệu {path} ", "", 1) if empty else f"{why[:1].upper()}{why[1:]}"
            error = StoreError if why.startswith("ổ đĩa") else ReadOnlyData
            raise error(f"{empty}{text} nên kpdesk chưa tạo được dữ liệu ở đó. {fix}")
        if existed and check_later:
            opened = _open_unchecked(path)
            if opened is not None:
                return cls._opened_unchecked(opened[0], path, folder, problem, daily_backup)
        if existed and (damage := _check_existing(path)) is not None:
            raise damage
        database: D | None = None
        if problem is None:
            _remove_stale(folder)
            try:
                database = cls._open_writable(path, folder, existed, daily_backup)
            except StoreError:
                if not (existed and disk_is_full(path)):
                    raise
                problem = _full_disk(path), _FREE_SOME  # SQLite could not even grow its index: read only
            else:
                if disk_is_full(path):
                    warnings.append(_nearly_full(path))
        if database is None:
            assert problem is not None
            database = cls._open_read_only(path, folder, *problem)
        warnings.extend(_set_aside_warnings(folder, path))
        database.warnings[:0] = warnings
        return database

    @classmethod
    def _opened_unchecked(
        cls: type[D],
        conn: sqlite3.Connection,
        path: Path,
        folder: Path,
        problem: tuple[str, str] | None,
        daily_backup: bool,
    ) -> D:
        """The database on the read-only connection `conn` of `_open_unchecked`, its check left to `check()`."""
        database = cls(conn, path, folder)
        database._unchecked = _Unchecked(writable=problem is None, daily_backup=daily_backup)
        if problem is not None:
            database._set_read_only(*problem)
        elif disk_is_full(path):
            database.warnings.append(_nearly_full(path))
        database.warnings.extend(_set_aside_warnings(folder, path))
        return database

    def check(self) -> DamagedDatabase | None:
        """Do what `open(check_later=True)` left for later, once (from any thread; the window runs it in the
        background): check the whole file (`PRAGMA quick_check`) and, when it is sound and can be written, open
        it for writing and make the day's backup. Return what was found damaged (`damage`), else None. Reads go
        on meanwhile; a write waits for it. An error that is not damage (a file that cannot be read) is raised, and
        the check is tried again at the next write."""
        with self._check_lock:  # the slow part, one thread at a time, holding no lock that reads need
            if self._unchecked is None:
                return self.damage
            if self._found is None:
                self._found = self._inspect()
            found = self._found
        with self._lock:  # then, in whichever thread comes first (a write may already hold this lock)
            todo = self._unchecked
            if todo is None or self._closed:
                return self.damage
            if isinstance(found, DamagedDatabase):
                self.damage, self._unchecked = found, None
                if not self.read_only:
                    self._set_read_only(
                        f"tệp cơ sở dữ liệu {self.path} bị hỏng", "Hãy khôi phục từ bản sao lưu tốt gần nhất."
                    )
                return found
            if todo.writable:
                self._open_for_writing()
            self._unchecked = None
        if todo.writable and todo.daily_backup:
            self._daily_backup()
        return None

    def _inspect(self) -> DamagedDatabase | bool:
        """The whole file checked: the damage found, else True (raises for an error that is not damage)."""
        return _check_existing(self.path, opened=True) or True

    def _open_for_writing(self) -> None:
        """After the check passed (holding the lock): a writable connection in place of the read-only one."""
        _remove_stale(self.data_dir)
        conn = _connect(self.path)
        try:
            mode = self._prepare(conn)
        except BaseException:
            conn.close()
            raise
        read_only, self._conn = self._conn, conn
        read_only.close()
        if mode.lower() != "wal":
            self.warnings.append(_NO_WAL.format(folder=self.data_dir))

    @property
    def checked(self) -> bool:
        """Whether the whole file has been checked (always, except after `open(check_later=True)` until `check()`)."""
        return self._unchecked is None

    def _checked(self) -> None:
        """Before a write: run the check `open(check_later=True)` left for later, if it has not run (or wait for
        it); a damaged file refuses the write."""
        if self._unchecked is not None:
            self.check()
        if self.damage is not None:
            # a new error each time: one raised again and again would carry the frames of every write refused
            # before (in whichever thread), and clearing them would free what they hold in the thread that raises
            damage = self.damage
            raise DamagedDatabase(damage.message, damage.path, damage.backup)

    @classmethod
    def _open_writable(cls: type[D], path: Path, folder: Path, existed: bool, daily_backup: bool) -> D:
        database = cls(_connect(path), path, folder)
        try:
            database._setup(existed, daily_backup)
        except BaseException:
            database._conn.close()
            raise
        return database

    @classmethod
    def _open_read_only(cls: type[D], path: Path, folder: Path, why: str, fix: str) -> D:
        """Open the database for reading only, because `why` (Vietnamese); every write then says so and `fix`."""
        try:
            conn = open_read_only(path, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA query_only = 1")
        except sqlite3.Error as exc:
            raise failure(exc, path) from None
        database = cls(conn, path, folder)
        database._set_read_only(why, fix)
        try:
            database._migrate(backup_first=False)
        except BaseException:
            conn.close()
            raise
        return database

    def _set_read_only(self, why: str, fix: str) -> None:
        self.read_only = why
        self._read_only_fix = fix
        self.warnings.append(
            f"chỉ đọc: {why[:1].upper()}{why[1:]}, nên kpdesk mở dữ liệu ở chế độ chỉ đọc; "
            "vẫn xem, tìm và xuất báo cáo ra thư mục khác được, nhưng chưa lưu được thay đổi "
            f"nào. Dữ liệu đã lưu không bị mất. {fix}"
        )

    def _refuse_write(self) -> ReadOnlyData:
        why = self.read_only or ""
        return ReadOnlyData(
            f"Chưa lưu được: dữ liệu đang mở ở chế độ chỉ đọc vì {why}. Dữ liệu đã lưu không bị "
            f"mất. {self._read_only_fix}"
        )

    def _prepare(self, c: sqlite3.Connection) -> str:
        """Set a writable connection up (busy timeout, foreign keys, WAL, synchronous); return its journal mode."""
        try:
            c.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            c.execute("PRAGMA foreign_keys = ON")
            mode = c.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            c.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
        except sqlite3.Error as exc:
            raise failure(exc, self.path) from None
        return str(mode)

    def _setup(self, existed: bool, daily_backup: bool) -> None:
        c = self._conn
        mode = self._prepare(c)
        try:
            version = c.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.Error as exc:
            raise failure(exc, self.path) from None
        if mode.lower() != "wal":
            self.warnings.append(_NO_WAL.format(folder=self.data_dir))
        if existed and version > 0 and daily_backup:
            self._daily_backup()
        self._migrate(backup_first=existed and version > 0)

    def _daily_backup(self) -> None:
        """The day's backup, at the first open of a day that finds data; when it fails the data is still safe: the
        store opens, and `warnings` says so for the window to tell."""
        if backups.backed_up_today(self.data_dir):
            return
        try:
            self.backup("daily")
        except StoreError as exc:
            self.warnings.append(f"Chưa sao lưu tự động được hôm nay: {exc.message}")

    def _migrate(self, *, backup_first: bool) -> None:
        table = migrations.MIGRATIONS_TABLE
        try:
            tables = {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            applied = (
                set()
                if table not in tables
                else {
                    r[0]
                    for r in self._conn.execute(
                        f"SELECT name FROM {table} WHERE migration_set = ?", (migrations.MIGRATION_SET,)
                    )
                }
            )
        except sqlite3.Error as exc:
            raise failure(exc, self.path) from None
        if all(name in applied for name in migrations.KNOWN):  # up to date: sqlite-utils is not even imported
            return
        if self.read_only:
            raise ReadOnlyData(
                f"Cơ sở dữ liệu {self.path} cần được nâng cấp cho phiên bản kpdesk này, mà "
                f"{self.read_only}; kpdesk không mở được nó khi chưa ghi được. Dữ liệu không bị thay "
                f"đổi. {self._read_only_fix}"
            )
        if backup_first:
            self.backup("migration")
        with self.tx():
            migrations.migrations().apply(self.db)  # inside BEGIN IMMEDIATE: no other process migrates meanwhile

    def close(self) -> None:
        """Close the connection; the database cannot be used afterwards."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._conn.close()

    def __enter__(self: D) -> D:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def schema_version(self) -> int:
        return self._conn.execute("PRAGMA user_version").fetchone()[0]

    # ------------------------------------------------------------------ transactions

    @property
    def writing(self) -> bool:
        """Whether this thread is inside `tx()` (call only while holding the database, i.e. inside `read()`)."""
        return self._depth > 0

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE … COMMIT) on the connection it yields; nested calls join the outer
        one. An SQLite error rolls it back and becomes a StoreError; any other exception rolls it back too."""
        self._checked()
        with self._lock:
            if self._closed:
                raise StoreError("Cơ sở dữ liệu đã đóng; hãy mở lại kpdesk.")
            if self.read_only:
                raise self._refuse_write()
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
                raise failure(exc, self.path) from None
            self._depth = 1
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise failure(exc, self.path) from None
            except OverflowError:
                self._rollback()
                raise _too_big() from None
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
    def read(self) -> Iterator[sqlite3.Connection]:
        """The connection for reading (inside a write transaction of this database: that transaction); an SQLite
        error becomes a StoreError."""
        with self._lock:
            if self._closed:
                raise StoreError("Cơ sở dữ liệu đã đóng; hãy mở lại kpdesk.")
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise failure(exc, self.path) from None
            except OverflowError:  # a number beyond SQLite's 64-bit integers: nothing carries it
                raise _too_big() from None

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """Several reads in one read transaction, so they see one state of the file (inside a write transaction
        of this database: that transaction)."""
        with self.read() as c:
            if self._depth:
                yield c
                return
            c.execute("BEGIN")
            try:
                yield c
            finally:
                self._rollback()  # ends the read transaction; nothing was written

    # ------------------------------------------------------------------ backups

    # ------------------------------------------------------------------ settings of this data folder

    def setting(self, key: str, default: str = "") -> str:
        """Return the setting `key` of this data folder (schema 3 and later), or `default` when it was never set."""
        with self.read() as c:
            row = c.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        """Set the setting `key` of this data folder."""
        with self.tx() as c:
            c.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = ?",
                (key, value, value),
            )

    def backup(self, reason: str = "manual") -> Path:
        """Copy the database into `backups/` with SQLite's backup API; keep the last 10 and one per month."""
        self._checked()  # a damaged file is not copied over good backups
        with self._lock:
            if self.read_only:
                raise self._refuse_write()
            if self._depth:
                raise StoreError("Không sao lưu được giữa chừng một lần ghi.")
            try:
                self.backups_dir.mkdir(exist_ok=True)
                backups.remove_stale(self.backups_dir)  # a backup killed part-way left a copy as big as this one
                target = backups.backup_target(self.data_dir, reason)
                backups.copy_database(self._conn, target)
            except sqlite3.Error as exc:
                raise failure(exc, self.path) from None
            except OSError as exc:
                if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
                    raise StoreError(
                        f"Không sao lưu được vào {self.backups_dir}: "
                        + _full_disk(self.path)
                        + f". Dữ liệu đã lưu không bị mất. {_FREE_SOME}"
                    ) from None
                raise StoreError(
                    f"Không sao lưu được vào {self.backups_dir} ({exc.strerror or exc}). "
                    "Hãy kiểm tra dung lượng và quyền ghi của ổ đĩa."
                ) from None
            backups.rotate(self.data_dir)
            return target

    def backups(self) -> list[Path]:
        """The backups, newest first."""
        return backups.list_backups(self.data_dir)

    def restore_backup(self, backup: Path) -> Path:
        """Replace the content of the database by `backup`; the current content is backed up first (returned)."""
        backup = Path(backup)
        backups.check_backup(backup)
        before = self.backup("restore")
        with self._lock:
            src = open_read_only(backup)
            try:
                src.backup(self._conn)
            except sqlite3.Error as exc:
                raise failure(exc, self.path) from None
            finally:
                src.close()
            self._migrate(backup_first=False)
        return before

    @classmethod
    def restore_damaged(cls: type[D], backup: Path, data_dir: Path | str | None = None) -> D:
        """Put `backup` in place of a database that cannot be opened, then open it.

        The damaged file (and its -wal/-shm) is renamed to `kpdesk-hong-<time>.sqlite3`, never overwritten."""
        backup = Path(backup)
        backups.check_backup(backup)
        folder = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
        _probe_writable(folder)
        path = folder / DB_NAME
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = folder / f"kpdesk-hong-{stamp}.sqlite3"
        n = 1
        while aside.exists():
            n += 1
            aside = folder / f"kpdesk-hong-{stamp}-{n}.sqlite3"
        moved = None
        try:
            for suffix in ("", "-wal", "-shm"):
                current = Path(f"{path}{suffix}")
                if current.exists():
                    os.replace(current, Path(f"{aside}{suffix}"))
                    moved = moved or aside
            src = open_read_only(backup)
            try:
                backups.copy_database(src, path)
            finally:
                src.close()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(
                f"Không khôi phục được từ {backup} ({exc}). Hãy kiểm tra quyền ghi của {folder}."
            ) from None
        database = cls.open(folder)
        database.set_aside = moved
        return database
