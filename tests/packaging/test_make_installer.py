"""make_installer.py: the record and the File commands come from one walk, bad names are refused, and the installer
is compiled as Windows' NSIS would (a 32-bit program; a script needing a 64-bit stub fails), signed when asked."""

from __future__ import annotations

import codecs
import importlib.util
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
USER = "Nguyễn Văn A"
needs_makensis = pytest.mark.skipif(
    shutil.which("makensis") is None, reason="makensis (Debian package nsis) is not installed"
)


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"kpdesk_{name}_tested", PACKAGING / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


mi = load("make_installer")


def bundle(tmp_path: Path) -> Path:
    dist = tmp_path / USER / "bản đóng gói" / "kpdesk"
    for rel in (
        "kpdesk.exe",
        "kpdesk-cli.exe",
        "_internal/python311.dll",
        "_internal/PySide6/plugins/styles/x.dll",
        "_internal/templates/báo cáo tháng/kind.toml",
    ):
        (dist / rel).parent.mkdir(parents=True, exist_ok=True)
        (dist / rel).write_bytes(rel.encode())
    (dist / "_internal" / "trống").mkdir()
    return dist


def pe_header(path: Path) -> tuple[int, bytes]:
    """(machine, whole file): 0x14C is x86, 0x8664 is x64."""
    data = path.read_bytes()
    offset = struct.unpack_from("<I", data, 0x3C)[0]
    assert data[offset : offset + 4] == b"PE\0\0", path
    return struct.unpack_from("<H", data, offset + 4)[0], data


def test_the_record_and_the_file_commands_come_from_one_walk(tmp_path):
    dist = bundle(tmp_path)
    files, folders = mi.bundle_listing(dist)
    record = mi.record_bytes(files, folders, "0.2.0")
    assert record.startswith(codecs.BOM_UTF16_LE)
    lines = record[2:].decode("utf-16-le").split("\r\n")
    assert lines[0].startswith(";") and lines[-1] == ""
    listed = lines[1:-1]
    assert listed[:5] == [
        "_internal\\python311.dll",
        "_internal\\PySide6\\plugins\\styles\\x.dll",
        "_internal\\templates\\báo cáo tháng\\kind.toml",
        "kpdesk-cli.exe",
        "kpdesk.exe",
    ] or sorted(listed[:5]) == sorted(f.replace("/", "\\") for f in map(str, files))
    dirs = listed[5:]
    assert all(d.endswith("\\") for d in dirs) and "_internal\\trống\\" in dirs and dirs[-1] == "_internal\\"
    depth = [d.count("\\") for d in dirs]
    assert depth == sorted(depth, reverse=True), "folders deepest first, so each is empty when its turn comes"

    include = mi.include_text(
        dist,
        files,
        folders,
        version="0.2.0rc1",
        publisher='Sở "KH&CN" $tỉnh',
        outfile=tmp_path / "out.exe",
        record=tmp_path / "r.txt",
    )
    assert include.startswith("\ufeff")
    assert '!define VIVERSION "0.2.0.0"' in include and '!define VERSION "0.2.0rc1"' in include
    assert '!define PUBLISHER "Sở $\\"KH&CN$\\" $$tỉnh"' in include
    macro = include.split("!macro INSTALL_BUNDLE_FILES\n", 1)[1].split("!macroend", 1)[0]
    installed, out_path = [], None
    for line in macro.splitlines():
        command, _, argument = line.strip().partition(" ")
        if command == "SetOutPath":
            out_path = argument.strip('"').replace("$INSTDIR", "").lstrip("\\")
        elif command == "File":
            source = Path(argument.strip('"'))
            rel = source.relative_to(dist).as_posix()
            assert PurePosixPath(rel).parent == PurePosixPath(out_path.replace("\\", "/") or "."), line
            installed.append(rel)
    assert sorted(installed) == sorted(map(str, files)), "every file once, into its own folder"
    assert 'CreateDirectory "$INSTDIR\\_internal\\trống"' in macro


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("uninstall.exe", "uninstall.exe"),
        ("installed-files.txt", "installed-files.txt"),
        ("_internal/giá $5.txt", "giá $5.txt"),
        ("_internal/a..b.dll", "a..b.dll"),
    ],
)
def test_names_the_installer_cannot_carry_are_refused_with_the_file_named(tmp_path, name, why):
    dist = bundle(tmp_path)
    (dist / name).write_bytes(b"x")
    with pytest.raises(mi.InstallerError, match=re.escape(why)):
        mi.bundle_listing(dist)


def test_a_missing_or_empty_bundle_and_a_bad_version_are_refused(tmp_path):
    with pytest.raises(mi.InstallerError, match="không thấy thư mục bản đóng gói"):
        mi.bundle_listing(tmp_path / "không có")
    (tmp_path / "trống").mkdir()
    with pytest.raises(mi.InstallerError, match="trống"):
        mi.bundle_listing(tmp_path / "trống")
    dist = bundle(tmp_path)
    files, folders = mi.bundle_listing(dist)
    with pytest.raises(mi.InstallerError, match="phiên bản"):
        mi.include_text(
            dist, files, folders, version="bản mới", publisher="x", outfile=tmp_path / "o.exe", record=tmp_path / "r"
        )


@needs_makensis
def test_the_installer_is_a_32_bit_program_made_with_the_x86_stubs_only(tmp_path):
    out = tmp_path / "bộ cài" / "kpdesk-setup.exe"
    mi.compile_installer(
        bundle(tmp_path),
        out,
        version="0.2.0rc1",
        publisher="Sở Khoa học và Công nghệ",
        windows_nsis=True,
        echo=lambda _line: None,
    )
    machine, data = pe_header(out)
    assert machine == 0x14C
    fixed = data.index(struct.pack("<I", 0xFEEF04BD))  # VS_FIXEDFILEINFO: file version 0.2.0.0
    assert struct.unpack_from("<II", data, fixed + 8) == ((0 << 16) | 2, 0)
    assert "Sở Khoa học và Công nghệ".encode("utf-16-le") in data  # CompanyName, in the version resource


@needs_makensis
def test_a_script_needing_a_64_bit_stub_fails_against_the_nsis_windows_has(tmp_path):
    """The control for the check above: the copy really lacks what Windows' NSIS lacks, so CI turns red."""
    script = tmp_path / "x64.nsi"
    script.write_text('Unicode true\nTarget amd64-unicode\nOutFile "x.exe"\nSection\nSectionEnd\n', encoding="utf-8")
    windows = mi.windows_nsis_dir(shutil.which("makensis"), tmp_path)
    assert not list(windows.glob("Stubs/*amd64*")) and not (windows / "Plugins" / "amd64-unicode").exists()
    env = {"NSISDIR": str(windows), "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"}
    result = subprocess.run(["makensis", "-V2", str(script)], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "stub not found" in result.stdout + result.stderr
    if list(mi.nsis_data_dir("makensis").glob("Stubs/*amd64*")):  # Debian's NSIS has them: there it compiles
        result = subprocess.run(["makensis", "-V2", str(script)], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr


@needs_makensis
def test_signing_covers_the_plugins_the_uninstaller_and_the_installer(tmp_path, monkeypatch):
    log = tmp_path / "signed.txt"
    signer = tmp_path / "sign.py"
    signer.write_text(
        "import sys\nopen(sys.argv[2], 'a', encoding='utf-8').write(sys.argv[1] + '\\n')\n", encoding="utf-8"
    )
    monkeypatch.setenv(mi.SIGN_ENV, f'"{sys.executable}" "{signer}" "%1" "{log}"')
    out = tmp_path / "kpdesk-setup.exe"
    mi.compile_installer(bundle(tmp_path), out, version="0.2.0", publisher="x", echo=lambda _line: None)
    signed = [Path(line) for line in log.read_text(encoding="utf-8").splitlines()]
    names = {p.name for p in signed}
    assert {"System.dll", "nsDialogs.dll"} <= names, "the plug-ins the installer unpacks into %TEMP%"
    assert signed[-1].resolve() == out.resolve(), "the finished installer, last"
    uninstaller = [p for p in signed if p.suffix.lower() != ".dll" and p.resolve() != out.resolve()]
    assert len(uninstaller) == 1, "the uninstaller, before it is packed into the installer"


@pytest.mark.parametrize("command", ["signtool sign /a", "signtool sign '%1'", "signtool $x %1", "a\nb %1"])
def test_a_sign_command_makensis_cannot_take_is_refused(command):
    with pytest.raises(mi.InstallerError, match="lệnh ký số"):
        mi.checked_sign_command(command)
