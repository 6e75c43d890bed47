"""`write_atomic`: a new name or a writable regular file is written; anything else is refused and left as it was."""

import os
import stat
from pathlib import Path

import pytest

from kpdesk.errors import WriteError
from kpdesk.files import write_atomic


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
