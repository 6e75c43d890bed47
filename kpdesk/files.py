"""Writing files safely: every file kpdesk writes (report, letter, workbook, JSON, PDF) goes through `write_atomic`."""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO

from kpdesk.errors import WriteError

__all__ = ["lock_file", "read_capped", "sha256_hex", "write_atomic"]


def read_capped(fh: BinaryIO, limit: int) -> bytes:
    """`fh.read(limit + 1)`, as a reader that refuses files over `limit` bytes reads, without what that call costs:
    Python first makes a buffer of `limit + 1` bytes (a megabyte or more, for a file of a few KB), which is most of
    the time a small file takes to read: four times the read itself for the caches the window reads at start. A
    regular file is read at its own size; one that grew meanwhile, and anything else, gives what `fh.read(limit +
    1)` gives."""
    try:
        info = os.fstat(fh.fileno())
        size = info.st_size if stat.S_ISREG(info.st_mode) else None
    except (AttributeError, OSError, ValueError):  # no file descriptor (io.UnsupportedOperation is both)
        size = None
    if size is None or size > limit:
        return fh.read(limit + 1)
    data = fh.read(size + 1)  # one byte more than its size: whether it grew since
    if len(data) > size:
        data += fh.read(limit + 1 - len(data))
    return data


def sha256_hex(data: bytes) -> str:
    """The sha256 of `data`, in hex. hashlib is imported here, when a file is sealed or checked: importing it loads
    OpenSSL (3.5 MiB), which the window's start and the wizard do without."""
    import hashlib

    return hashlib.sha256(data).hexdigest()


def lock_file(path: Path) -> int | None:
    """Open `path` (made if need be) and lock it for this process, without waiting: the open file's descriptor,
    which holds the lock until it is closed or the process ends (the system lets it go after a crash too, so no
    lock is ever left behind), or None when another process holds it. OSError when the file cannot be opened."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # its first byte, which need not exist
        else:
            os.lockf(fd, os.F_TLOCK, 0)  # the whole file; `os` has it, no module to import at start
    except OSError as exc:
        os.close(fd)
        if exc.errno in (errno.EACCES, errno.EAGAIN, getattr(errno, "EDEADLOCK", errno.EDEADLK)):
            return None
        raise
    return fd


#: The program a file of this type is usually open in, named when the file cannot be replaced.
_OPENED_IN = {".docx": "Word", ".xlsx": "Excel", ".pdf": "trình đọc PDF"}


def write_atomic(target: Path, data: bytes) -> None:
    """Write `data` to `target` through a temp file in the same folder, fsync and os.replace.

    `target` is a new name or an existing regular file that may be written: a folder, a symbolic link, a device
    (`/dev/null`), a pipe or a read-only file is refused, never replaced. On failure no temp file is left and an
    existing `target` is untouched; the error becomes a `WriteError` in Vietnamese that says what to do.
    """
    target = Path(os.path.abspath(target))
    folder = target.parent
    tmp: str | None = None
    try:
        _check_target(target)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".~{target.stem[:40]}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            _copy_mode(target, tmp)
        except BaseException:
            _unlink_quietly(tmp)
            raise
        os.replace(tmp, target)
        tmp = None
        _fsync_folder(folder)
    except WriteError:
        raise
    except IsADirectoryError:
        raise WriteError(f"«{target}» là một thư mục, không phải tệp. Hãy chọn một tên tệp để lưu.") from None
    except PermissionError:
        app = _OPENED_IN.get(target.suffix.lower(), "một chương trình khác")
        raise WriteError(
            f"Không ghi được tệp «{target}»: tệp đang mở trong {app}, là tệp chỉ đọc, hoặc thư mục không cho phép "
            f"ghi. Hãy đóng tệp trong {app} (hoặc bỏ thuộc tính chỉ đọc của tệp) rồi thử lại, hoặc chọn thư mục "
            "khác (hay tên tệp khác)."
        ) from None
    except FileNotFoundError:
        raise WriteError(f"Không có thư mục «{folder}» để lưu «{target.name}». Hãy chọn thư mục khác.") from None
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
            raise WriteError(
                f"Ổ đĩa đã đầy, không ghi được tệp «{target}». "
                "Hãy giải phóng dung lượng ổ đĩa (hoặc chọn ổ đĩa khác) rồi thử lại."
            ) from None
        raise WriteError(
            f"Không ghi được tệp «{target}» ({exc.strerror or exc}). Hãy thử lại hoặc chọn thư mục khác."
        ) from None
    finally:
        if tmp is not None:
            _unlink_quietly(tmp)


def _check_target(target: Path) -> None:
    """Refuse a target that is not a new name or a writable regular file, before anything is written.

    A read-only file raises PermissionError, as replacing it does on Windows, so both systems give one message."""
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return  # a new name (its folder is checked when the temp file is made)
    except NotADirectoryError:
        raise FileNotFoundError(errno.ENOENT, "no such folder", str(target)) from None
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(target))
    if not stat.S_ISREG(st.st_mode):
        what = "lối tắt (liên kết tượng trưng)" if stat.S_ISLNK(st.st_mode) else "tệp thiết bị hoặc đường ống"
        raise WriteError(
            f"«{target}» là một {what}, không phải tệp thường, nên kpdesk không ghi đè lên nó. "
            "Hãy chọn một tên tệp mới hoặc một tệp thường."
        )
    if not st.st_mode & stat.S_IWUSR or not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, "read-only file", str(target))


def _copy_mode(target: Path, tmp: str) -> None:
    """Give the temp file the target's permissions (or the umask default for a new file)."""
    try:
        mode = target.stat().st_mode & 0o7777
    except OSError:
        mode = 0o666 & ~_umask()
    try:
        os.chmod(tmp, mode)
    except OSError:
        pass


def _umask() -> int:
    """Return the process umask without changing it (Linux /proc; 022 elsewhere)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
