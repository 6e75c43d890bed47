"""The `kpdesk` command given crafted numbers, paths and export targets: a Vietnamese message, never a traceback.

Every run goes through `cli.main` (argparse refusing an argument is a `SystemExit(2)` with its usage line); a pipe
is only ever read in a child process with a timeout, so that a regression hangs nothing. Export targets that are
not a new name or a writable regular file (a link, a pipe, a device, a read-only file, a folder) must be refused and
left exactly as they were, with no temporary file next to them and no export recorded.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kpdesk import cli
from kpdesk.store import Store

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
VIETNAMESE = re.compile("[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """`kpdesk ARGV` in this process: its exit code, output and error output; only a clean exit is allowed."""
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # argparse refusing an argument prints its usage and a message
        code = exc.code
    except BaseException as exc:  # noqa: BLE001 - anything else is the failure looked for
        pytest.fail(f"kpdesk {' '.join(argv)} raised {type(exc).__name__}: {str(exc)[:200]}", pytrace=False)
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    return code, out, err


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """A data folder with three drafts (so that "٣" could wrongly mean one)."""
    folder = tmp_path_factory.mktemp("cli") / "dữ liệu"
    with Store.open(folder) as store:
        for path in EXAMPLES[:3]:
            store.import_file(path)
    return folder


def exported(data: Path) -> int:
    with Store.open(data) as store:
        return sum(len(store.exports(i.id)) for i in store.list_drafts())


# ----------------------------------------------------------------------------- numbers

NUMBERS = [
    "²",
    "٣",
    "３",
    "①",
    "99999999999999999999",
    "9223372036854775808",
    "9223372036854775807",
    "0",
    "-1",
    "1e3",
    "0x1",
    "1.0",
    "",
    " ",
    "1_0",
    "+1",
    "1\u200b",
    "𝟙",
]
COMMANDS = {
    "export": lambda n, out: ["export", n, "-o", str(out / "x.json")],
    "render": lambda n, out: ["render", n, "-o", str(out / "x.docx")],
    "import-unit": lambda n, out: ["import", str(EXAMPLES[0]), "--unit", n],
    "restore": lambda n, out: ["restore", n],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(
    "number", NUMBERS, ids=[f"{i}-{n.encode('unicode_escape').decode()}" for i, n in enumerate(NUMBERS)]
)
def test_a_number_that_is_not_plain_ascii_digits_is_refused_with_a_message(
    command, number, data, tmp_path, capsys, figures
):
    """Issue 19 (7): "²" crashed, "٣" silently meant draft 3, 2^63 and more gave an OverflowError."""
    figures.crafted(__name__)
    before = exported(data)
    code, out, err = run(capsys, "--data-dir", str(data), *COMMANDS[command](number, tmp_path))
    assert code == 2, (code, out, err)
    # the core's "Lỗi: …", or argparse's refusal in Vietnamese ("kpdesk export: lỗi: tham số …") before its hint
    message = next(line for line in reversed(err.strip().splitlines()) if "lỗi:" in line.lower())
    assert VIETNAMESE.search(message) and ("Lỗi:" in message or "lỗi: tham số" in message), message
    assert not (tmp_path / "x.json").exists() and not (tmp_path / "x.docx").exists()
    assert exported(data) == before


# ----------------------------------------------------------------------------- paths read


def _special_paths(tmp_path: Path) -> dict[str, Path]:
    loop = tmp_path / "vòng.json"
    os.symlink(tmp_path / "vòng-2.json", loop)
    os.symlink(loop, tmp_path / "vòng-2.json")
    folder = tmp_path / "thư mục.json"
    folder.mkdir()
    return {
        "dev-zero": Path("/dev/zero"),
        "dev-null": Path("/dev/null"),
        "loop": loop,
        "folder": folder,
        "long-name": tmp_path / ("dài" * 100 + ".json"),
        "missing": tmp_path / "không có.json",
        "missing-docx": tmp_path / "không có.docx",
        "long-docx": tmp_path / ("dài" * 100 + ".docx"),
    }


CHILD = """
import json, sys
from kpdesk import cli
codes = {}
for name, path in json.loads(sys.argv[1]).items():
    codes[name] = cli.main(["--data-dir", sys.argv[2], sys.argv[3], path])
    sys.stderr.write("\\n")
print(json.dumps(codes))
"""


def _cap_memory() -> None:  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@pytest.mark.skipif(sys.platform != "linux", reason="devices, pipes and symlink loops as on Linux")
@pytest.mark.parametrize("command", ["check", "import"])
def test_a_path_that_is_no_regular_file_is_refused_before_reading(command, data, tmp_path, figures):
    """`check /dev/zero` ran out of memory; a long name and a symlink loop gave tracebacks (OSError 36 and 40).
    Run in a child capped to 1 GB, so that a regression fails this test instead of the machine."""
    paths = _special_paths(tmp_path)
    figures.crafted(__name__, len(paths))
    child = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps({k: str(v) for k, v in paths.items()}), str(data), command],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        preexec_fn=_cap_memory,
    )
    assert child.returncode == 0 and "Traceback" not in child.stderr, child.stderr[-3000:]
    codes = json.loads(child.stdout.strip().splitlines()[-1])
    messages = [m for m in child.stderr.split("\n\n") if m.strip()]
    assert codes == {name: 2 for name in paths} and len(messages) == len(paths), (codes, child.stderr)
    assert all(m.strip().startswith("Lỗi:") and VIETNAMESE.search(m) for m in messages), messages


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("suffix", [".json", ".docx"])
@pytest.mark.parametrize("command", ["check", "import"])
def test_a_pipe_given_as_the_file_is_refused_without_waiting(command, suffix, data, tmp_path, figures):
    """A FIFO given as a draft hung forever: read in a child process, which must answer."""
    figures.crafted(__name__)
    fifo = tmp_path / f"ống{suffix}"
    os.mkfifo(fifo)
    child = subprocess.run(
        [sys.executable, "-m", "kpdesk", "--data-dir", str(data), command, str(fifo)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.returncode == 2 and "không phải là tệp thường" in child.stderr, child.stderr[-2000:]


# ----------------------------------------------------------------------------- export targets


def _targets(folder: Path, suffix: str) -> dict[str, tuple[Path, bytes | None]]:
    """Export targets that must be refused: name -> (path, the content it holds, or None for no regular file)."""
    folder.mkdir()
    real = folder / f"thật{suffix}"
    real.write_bytes(b"of someone else")
    made: dict[str, tuple[Path, bytes | None]] = {}
    link = folder / f"lối tắt{suffix}"
    link.symlink_to(real)
    made["symlink"] = (link, None)
    dangling = folder / f"lối tắt hỏng{suffix}"
    dangling.symlink_to(folder / f"không có{suffix}")
    made["dangling-symlink"] = (dangling, None)
    fifo = folder / f"ống{suffix}"
    os.mkfifo(fifo)
    made["fifo"] = (fifo, None)
    if os.geteuid() == 0:  # `-o /dev/null` as root replaced the device node with a file: a node of our own here
        device = folder / f"null{suffix}"
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        made["device"] = (device, None)
    locked = folder / f"chỉ đọc{suffix}"
    locked.write_bytes(b"signed copy")
    os.chmod(locked, 0o444)
    made["read-only"] = (locked, b"signed copy")
    directory = folder / f"thư mục{suffix}"
    directory.mkdir()
    made["folder"] = (directory, None)
    made["missing-folder"] = (folder / "không có" / f"x{suffix}", None)
    made["parent-is-a-file"] = (real / f"x{suffix}", None)
    return made


def _state(path: Path):
    try:
        st = os.lstat(path)
    except OSError:
        return None
    content = path.read_bytes() if stat.S_ISREG(st.st_mode) else None
    return stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), content, os.readlink(path) if path.is_symlink() else None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="links, pipes and devices as on POSIX")
@pytest.mark.parametrize("command", ["export", "render"])
def test_an_export_onto_anything_but_a_regular_writable_file_is_refused_and_changes_nothing(
    command, data, tmp_path, capsys, figures
):
    """Issue 19 (4): export replaced a read-only file (resetting its mode), a symlink and, as root, /dev/null."""
    suffix = ".json" if command == "export" else ".docx"
    targets = _targets(tmp_path / "đích", suffix)
    figures.crafted(__name__, len(targets))
    before_exports = exported(data)
    try:
        for name, (path, _) in targets.items():
            folder = path.parent
            listing = sorted(os.listdir(folder)) if folder.is_dir() else None
            state = _state(path)
            code, out, err = run(capsys, "--data-dir", str(data), command, "1", "-o", str(path))
            assert code == 2 and err.startswith("Lỗi:") and VIETNAMESE.search(err), (name, err)
            assert _state(path) == state, name
            assert (sorted(os.listdir(folder)) if folder.is_dir() else None) == listing, name
        assert exported(data) == before_exports
    finally:
        os.chmod(targets["read-only"][0], 0o644)


def test_an_export_onto_a_writable_file_replaces_it_keeping_its_mode(data, tmp_path, capsys, figures):
    figures.crafted(__name__)
    target = tmp_path / "bản nháp.json"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    code, out, err = run(capsys, "--data-dir", str(data), "export", "1", "-o", str(target))
    assert code == 0 and target.read_bytes() != b"old" and stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(os.listdir(tmp_path)) == ["bản nháp.json"]
