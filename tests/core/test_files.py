"""`write_atomic`: a new name or a writable regular file is written; anything else is refused and left as it was.
`read_capped`: what `fh.read(limit + 1)` reads, whatever the file."""

import io
import os
import stat
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpdesk import files
from kpdesk.errors import WriteError
from kpdesk.files import read_capped, write_atomic


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_new_name_and_a_regular_file_are_written_keeping_the_mode(tmp_path):
    target = tmp_path / "bản nháp.json"
    write_atomic(target, b"1")
    assert target.read_bytes() == b"1"
    os.chmod(target, 0o640)
    write_atomic(target, b"2")
    assert target.read_bytes() == b"2" and stat.S_IMODE(target.stat().st_mode) == 0o640
    assert listing(tmp_path) == ["bản nháp.json"]


def test_a_read_only_file_is_refused_as_on_windows_and_kept(tmp_path):
    target = tmp_path / "bao-cao.docx"
    target.write_bytes(b"old report")
    os.chmod(target, 0o444)
    try:
        with pytest.raises(WriteError) as caught:
            write_atomic(target, b"new report")
        assert str(target) in caught.value.message and "chỉ đọc" in caught.value.message
        assert "đóng tệp trong Word" in caught.value.message  # the message Windows gives for the same file
        assert target.read_bytes() == b"old report" and stat.S_IMODE(target.stat().st_mode) == 0o444
        assert listing(tmp_path) == ["bao-cao.docx"]
    finally:
        os.chmod(target, 0o644)


def test_a_symbolic_link_is_refused_and_neither_it_nor_its_target_changes(tmp_path):
    real = tmp_path / "that.json"
    real.write_bytes(b"real")
    link = tmp_path / "link.json"
    dangling = tmp_path / "dangling.json"
    try:
        link.symlink_to(real)
        dangling.symlink_to(tmp_path / "missing.json")
    except (OSError, NotImplementedError):
        pytest.skip("symbolic links are not available here")
    for target in (link, dangling):
        with pytest.raises(WriteError, match="liên kết tượng trưng.*không ghi đè.*tên tệp mới"):
            write_atomic(target, b"new")
        assert target.is_symlink()
    assert real.read_bytes() == b"real" and not (tmp_path / "missing.json").exists()
    assert listing(tmp_path) == ["dangling.json", "link.json", "that.json"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_and_a_device_are_refused_and_stay(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    targets = [fifo]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # what `-o /dev/null` does as root, on a node of our own
        device = tmp_path / "null.docx"
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        targets.append(device)
    for target in targets:
        kind = os.lstat(target).st_mode
        with pytest.raises(WriteError, match="tệp thiết bị hoặc đường ống.*không ghi đè"):
            write_atomic(target, b"x")
        assert os.lstat(target).st_mode == kind
    assert listing(tmp_path) == sorted(t.name for t in targets)


def test_a_folder_and_a_missing_folder_are_named(tmp_path):
    with pytest.raises(WriteError, match="là một thư mục"):
        write_atomic(tmp_path, b"x")
    with pytest.raises(WriteError, match="Không có thư mục"):
        write_atomic(tmp_path / "không có" / "x.json", b"x")
    plain = tmp_path / "tệp"
    plain.write_bytes(b"")
    with pytest.raises(WriteError, match="Không có thư mục"):
        write_atomic(plain / "x.json", b"x")


@settings(max_examples=60, deadline=None)
@given(content=st.binary(max_size=300), limit=st.integers(min_value=0, max_value=320), skip=st.integers(0, 5))
def test_read_capped_reads_what_a_read_of_limit_plus_one_reads(tmp_path_factory, content, limit, skip):
    path = tmp_path_factory.mktemp("capped") / "f.bin"
    path.write_bytes(content)
    with open(path, "rb") as fh:
        fh.read(skip)  # from where the file stands, as fh.read does
        expected = fh.read(limit + 1)
    with open(path, "rb") as fh:
        fh.read(skip)
        assert read_capped(fh, limit) == expected
    assert read_capped(io.BytesIO(content), limit) == content[: limit + 1]  # no file descriptor


def test_read_capped_sees_a_file_that_grew_after_its_size_was_read(tmp_path, monkeypatch):
    path = tmp_path / "growing.bin"
    path.write_bytes(b"12345")
    real_fstat = os.fstat

    def fstat_before_it_grew(fd):  # the size read, then 7 bytes more written before the read
        info = real_fstat(fd)
        with open(path, "ab") as more:
            more.write(b"6789abc")
        return os.stat_result((info.st_mode, *info[1:6], 5, *info[7:]))

    monkeypatch.setattr(files.os, "fstat", fstat_before_it_grew)
    with open(path, "rb") as fh:
        assert read_capped(fh, 100) == b"123456789abc"
    path.write_bytes(b"12345")
    with open(path, "rb") as fh:
        assert read_capped(fh, 8) == b"123456789", "limit + 1 bytes: the caller sees it is too big"


def test_read_capped_reads_a_pipe_as_far_as_the_limit(tmp_path):
    read_end, write_end = os.pipe()
    writer = threading.Thread(target=lambda: (os.write(write_end, b"x" * 50), os.close(write_end)))
    writer.start()
    with os.fdopen(read_end, "rb") as fh:
        assert read_capped(fh, 9) == b"x" * 10
    writer.join()


# ----------------------------------------------------------------------------- lock_file

HOLDER = """
import sys, time
from pathlib import Path
from kpdesk.files import lock_file
fd = lock_file(Path(sys.argv[1]))
print("held" if fd is not None else "taken", flush=True)
if fd is not None and sys.argv[2] == "hold":
    time.sleep(60)
"""


def _other_process(path: Path, what: str):
    import subprocess
    import sys

    return subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), what],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
    )


def test_a_locked_file_is_refused_to_another_process_until_let_go(tmp_path):
    path = tmp_path / "kpdesk-window.lock"
    fd = files.lock_file(path)
    assert fd is not None and path.exists()
    try:
        other = _other_process(path, "try")
        assert other.communicate(timeout=60)[0].strip() == "taken"
    finally:
        os.close(fd)
    other = _other_process(path, "try")
    assert other.communicate(timeout=60)[0].strip() == "held"


def test_a_lock_whose_process_was_killed_is_free_at_once(tmp_path):
    path = tmp_path / "kpdesk-window.lock"
    holder = _other_process(path, "hold")
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert files.lock_file(path) is None
    finally:
        holder.kill()
        holder.communicate(timeout=60)
    fd = files.lock_file(path)  # a crash leaves no lock behind
    assert fd is not None
    os.close(fd)


def test_a_lock_in_a_folder_that_cannot_be_written_raises(tmp_path):
    with pytest.raises(OSError):
        files.lock_file(tmp_path / "missing" / "kpdesk-window.lock")
