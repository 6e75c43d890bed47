"""Writing files safely: every file kpdesk writes (report, letter, workbook, JSON, PDF) goes through `write_atomic`."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from kpdesk.errors import WriteError

__all__ = ["write_atomic"]

#: The program a file of this type is usually open in, named when the file cannot be replaced.
_OPENED_IN = {".docx": "Word", ".xlsx": "Excel", ".pdf": "trình đọc PDF"}


def write_atomic(target: Path, data: bytes) -> None:
    """Write `data` to `target` through a temp file in the same folder, fsync and os.replace.

    On failure no temp file is left and an existing `target` is untouched; the error becomes a
    `WriteError` in Vietnamese that says what to do.
    """
    target = Path(os.path.abspath(target))
    folder = target.parent
    tmp: str | None = None
    try:
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a directory", str(target))
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
            f"Không ghi được tệp «{target}»: tệp đang mở trong {app} hoặc thư mục không cho phép ghi. "
            f"Hãy đóng tệp trong {app} rồi thử lại, hoặc chọn thư mục khác."
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
