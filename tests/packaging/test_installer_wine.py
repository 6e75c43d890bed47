"""The Windows installer run under Wine: install, upgrade, move and uninstall, for a user named Nguyễn Văn A.

The installers are compiled as Windows' NSIS would (x86 stubs only) from two stand-in bundles (BUNDLES)
and run silently (/S) in a private 64-bit prefix made once for this module; each test starts with no kpdesk in it.
Skipped, with the reason, where Wine is not installed or cannot run 32-bit programs.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import shutil
import struct
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
#: The Windows user: a name with Vietnamese letters and a space, as C:\Users\Nguyễn Văn A\ on an officer's PC.
USER = "Nguyễn Văn A"
UNINST_KEY = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\kpdesk"
WINE_TIMEOUT_S = 180
SERVER_LINGER_S = 30
#: The two versions of the stand-in bundle: shared files whose contents change, files only one version has
#: (a whole folder among them), and names with Vietnamese letters and spaces.
BUNDLES = {
    "0.1.0": {
        "kpdesk.exe": b"MZ kpdesk 0.1.0 (stand-in)",
        "kpdesk-cli.exe": b"MZ kpdesk-cli 0.1.0 (stand-in)",
        "_internal/python311.dll": b"python 0.1.0",
        "_internal/base_library.zip": b"PK 0.1.0",
        "_internal/PySide6/plugins/platforms/qwindows.dll": b"qwindows 0.1.0",
        "_internal/templates/bao-cao-thang/kind.toml": b"version = 1",
        "_internal/chỉ bản cũ/tệp cũ.txt": "chỉ bản 0.1.0 có tệp này".encode(),
        "_internal/old_only.pyd": b"only in 0.1.0",
    },
    "0.2.0": {
        "kpdesk.exe": b"MZ kpdesk 0.2.0 (stand-in)",
        "kpdesk-cli.exe": b"MZ kpdesk-cli 0.2.0 (stand-in)",
        "_internal/python311.dll": b"python 0.2.0",
        "_internal/base_library.zip": b"PK 0.2.0",
        "_internal/PySide6/plugins/platforms/qwindows.dll": b"qwindows 0.2.0",
        "_internal/PySide6/plugins/styles/qmodernwindowsstyle.dll": b"style, new in 0.2.0",
        "_internal/templates/bao-cao-thang/kind.toml": b"version = 2",
        "_internal/templates/báo cáo mới/kind.toml": "mới ở 0.2.0".encode(),
    },
}
PUBLISHER = "Sở Khoa học và Công nghệ tỉnh Bắc Ninh"


def load_packaging(name: str):
    """packaging/<name>.py, loaded by path (the folder `packaging` must not shadow the PyPI package)."""
    spec = importlib.util.spec_from_file_location(f"kpdesk_{name}", PACKAGING / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def make_installer():
    return load_packaging("make_installer")


def write_bundle(folder: Path, files: dict[str, bytes]) -> Path:
    for rel, data in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    return folder


@pytest.fixture(scope="session")
def installers(tmp_path_factory, make_installer) -> dict[str, Path]:
    """The installers of both stand-in bundles, compiled as on Windows (x86 stubs only), keyed by version."""
    if shutil.which("makensis") is None:
        pytest.skip("makensis (Debian package nsis) is not installed")
    base = tmp_path_factory.mktemp("installers") / USER
    built: dict[str, Path] = {}
    for version, files in BUNDLES.items():
        dist = write_bundle(base / f"bản {version}" / "kpdesk", files)
        built[version] = make_installer.compile_installer(
            dist,
            base / f"kpdesk-{version}-setup.exe",
            version=version,
            publisher=PUBLISHER,
            windows_nsis=True,
            echo=lambda _line: None,
        )
    return built


# ---------------------------------------------------------------------------- Wine


@dataclass
class Shortcut:
    target_ansi: str  # LinkInfo's LocalBasePath: the ANSI copy (Vietnamese letters may become ? or plain ones)
    working_dir: str
    icon: str


def read_shortcut(path: Path) -> Shortcut:
    """The target, working folder and icon of a .lnk file (the parts of MS-SHLLINK that kpdesk's shortcuts use)."""
    data = path.read_bytes()
    assert data[:4] == b"L\0\0\0", path
    flags = struct.unpack_from("<I", data, 0x14)[0]
    pos = 0x4C
    if flags & 0x01:  # HasLinkTargetIDList
        pos += 2 + struct.unpack_from("<H", data, pos)[0]
    target = ""
    if flags & 0x02:  # HasLinkInfo
        size, _header, _info_flags, _volume, base = struct.unpack_from("<5I", data, pos)
        target = data[pos + base : data.index(b"\0", pos + base)].decode("latin-1")
        pos += size
    strings = {}
    for bit, name in ((0x04, "name"), (0x08, "relative"), (0x10, "working_dir"), (0x20, "arguments"), (0x40, "icon")):
        if flags & bit:
            count = struct.unpack_from("<H", data, pos)[0]
            # Wine counts the terminating NUL as well, Windows does not
            strings[name] = data[pos + 2 : pos + 2 + 2 * count].decode("utf-16-le").rstrip("\0")
            pos += 2 + 2 * count
    return Shortcut(target, strings.get("working_dir", ""), strings.get("icon", ""))


def parse_reg_export(text: str) -> dict[str, str | int]:
    """The values of one key in a `reg export` file: strings unescaped, dwords as int."""
    values: dict[str, str | int] = {}
    for line in text.splitlines():
        if not line.startswith('"'):
            continue
        name, _, value = line.partition('"=')
        name = name[1:]
        if value.startswith("dword:"):
            values[name] = int(value[6:], 16)
        else:
            values[name] = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return values


class WinePrefix:
    """A private Wine prefix (its own HOME too) whose Windows user is USER; nothing outside `root` is written.

    How the user name is made (tried with Wine 8.0): when `wineboot -i` creates the prefix, Wine names the user
    and the profile folder after the Unix `USER` variable; with a UTF-8 locale, Vietnamese letters and spaces
    survive, so `USER="Nguyễn Văn A"` gives C:\\users\\Nguyễn Văn A\\, and %USERNAME%, %USERPROFILE% and
    %LOCALAPPDATA% follow it. What does not work: setting USERPROFILE or LOCALAPPDATA in the environment (Wine sets
    them again from the prefix), or changing USER once the prefix exists (the name stays). Wine links Desktop,
    Documents, … to HOME (here a private folder); they are made real folders, as on Windows.
    """

    def __init__(self, root: Path, arch: str):
        self.root = root
        self.prefix = root / "wine prefix"
        home = root / "home"
        home.mkdir(parents=True)
        (root / "tmp").mkdir()
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("WINE", "DISPLAY", "WAYLAND", "XDG_", "LC_", "LANG"))
        }
        self.env.update(
            WINEPREFIX=str(self.prefix),
            WINEARCH=arch,
            WINEDEBUG="-all",
            USER=USER,
            LOGNAME=USER,
            HOME=str(home),
            TMPDIR=str(root / "tmp"),
            LANG="C.UTF-8",
            LC_ALL="C.UTF-8",
            # no Mono/Gecko download prompts, no Linux menu entries for the shortcuts
            WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d",
        )
        self.profile = self.prefix / "drive_c" / "users" / USER

    def run(self, *args: str, timeout: float = WINE_TIMEOUT_S) -> subprocess.CompletedProcess:
        """Run a command in the prefix. Its output goes to files, not pipes: Wine's services inherit them, and a
        pipe stays open (and `run` waits) until they stop, which makes every call seconds slower."""
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            result = subprocess.run(
                list(args),
                env=self.env,
                cwd=self.root,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                timeout=timeout,
            )
            out.seek(0)
            err.seek(0)
            return subprocess.CompletedProcess(result.args, result.returncode, out.read(), err.read())

    def boot(self) -> str | None:
        """Create the prefix; return why Wine cannot run the 32-bit installer here, or None when it can."""
        try:
            result = self.run("wineboot", "-i", timeout=600)
            self.wait()
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"wineboot -i: {exc}"
        if result.returncode != 0 or not self.profile.is_dir():
            return f"wineboot -i: exit {result.returncode}: {result.stderr.decode(errors='replace')[-600:]}"
        system = "syswow64" if self.env["WINEARCH"] == "win64" else "system32"
        probe = self.run("wine", f"C:\\windows\\{system}\\cmd.exe", "/c", "exit 7")
        if probe.returncode != 7:
            return (
                "Wine cannot run 32-bit programs such as the NSIS installer (Debian: dpkg --add-architecture "
                f"i386; apt-get install wine32:i386): {probe.stderr.decode(errors='replace')[-600:]}"
            )
        for link in self.profile.iterdir():
            if link.is_symlink():
                link.unlink()
                link.mkdir()
        # Keep Wine's server and services running between the steps (each `wine` then takes ~0.1 s instead of
        # ~1 s); they stop by themselves 30 s after the last program, should close() never run.
        self.run("wineserver", f"-p{SERVER_LINGER_S}")
        return None

    def wait(self) -> None:
        """Wait until every program in the prefix has ended and Wine's server has stopped."""
        self.run("wineserver", "-w")

    def wait_for_uninstaller(self) -> None:
        """Wait until the uninstaller's copy of itself (%TEMP%\\~nsu….tmp\\Un_….exe) has ended: Wine shows a
        program's Windows command line as its process's, and the copy was started before the original ended."""
        marker = f"WINEPREFIX={self.prefix}".encode() + b"\0"
        deadline = time.monotonic() + WINE_TIMEOUT_S
        while time.monotonic() < deadline:
            running = False
            for proc in Path("/proc").iterdir():
                try:
                    if b"~nsu" in (proc / "cmdline").read_bytes() and marker in (proc / "environ").read_bytes():
                        running = True
                        break
                except OSError:  # not a process, gone meanwhile, or not ours
                    continue
            if not running:
                return
            time.sleep(0.1)
        raise AssertionError(f"the uninstaller still runs after {WINE_TIMEOUT_S} s")

    def close(self) -> None:
        """Stop Wine and remove the prefix, and the socket folder Wine's server made for it in /tmp."""
        self.run("wineserver", "-k")
        if self.prefix.exists():
            info = self.prefix.stat()
            mark = f"server-{info.st_dev:x}-{info.st_ino:x}"
            for server in [*Path("/tmp").glob(f"wine-*/{mark}"), *Path("/tmp").glob(f".wine-*/{mark}")]:
                shutil.rmtree(server, ignore_errors=True)
                with contextlib.suppress(OSError):
                    server.parent.rmdir()
        shutil.rmtree(self.root, ignore_errors=True)

    def unix(self, windows: str) -> Path:
        assert windows[:3].upper() == "C:\\", windows
        return self.prefix / "drive_c" / windows[3:].replace("\\", "/")

    def windows(self, path: Path) -> str:
        return "C:\\" + str(path.relative_to(self.prefix / "drive_c")).replace("/", "\\")

    @property
    def local_appdata(self) -> Path:
        return self.profile / "AppData" / "Local"

    @property
    def shortcuts(self) -> list[Path]:
        programs = self.profile / "AppData" / "Roaming" / "Microsoft" / "Windows" / "Start Menu" / "Programs"
        return [programs / "kpdesk.lnk", self.profile / "Desktop" / "kpdesk.lnk"]

    def install(self, installer: Path, folder: Path | str | None = None) -> int:
        """Run `installer /S [/D=folder]` (`folder` a path in the prefix, or written as Windows reads it); return
        its exit code. Through cmd, because /D= must reach the installer unquoted: Wine would quote an argument
        with spaces, and NSIS ignores a quoted /D=."""
        setup = self.prefix / "drive_c" / "setup" / installer.name
        setup.parent.mkdir(exist_ok=True)
        shutil.copyfile(installer, setup)
        if isinstance(folder, Path):
            folder = self.windows(folder)
        line = f"{self.windows(setup)} /S" + (f" /D={folder}" if folder else "")
        return self.run("wine", "cmd", "/c", line).returncode

    def uninstall(self, folder: Path) -> None:
        """Run `folder\\uninstall.exe /S` as Settings → Apps does, and wait for its copy in %TEMP% to finish."""
        self.run("wine", self.windows(folder / "uninstall.exe"), "/S")
        self.wait_for_uninstaller()

    def uninstall_key(self) -> dict[str, str | int] | None:
        """The values of kpdesk's uninstall key (HKCU), or None when there is none."""
        out = self.root / "key.reg"
        out.unlink(missing_ok=True)
        result = self.run("wine", "reg", "export", UNINST_KEY, self.windows_outside(out), "/y")
        if result.returncode != 0 or not out.is_file():
            return None
        return parse_reg_export(out.read_bytes().decode("utf-16"))

    def windows_outside(self, path: Path) -> str:
        """A path outside drive_c, as Windows programs in the prefix see it (Z: is the Unix root)."""
        return "Z:" + str(path).replace("/", "\\")

    def reset(self) -> None:
        """No kpdesk installed, no data folder, no shortcut, no uninstall key."""
        self.run("wine", "reg", "delete", UNINST_KEY, "/f")
        for folder in (
            self.local_appdata / "Programs",
            self.local_appdata / "kpdesk",
            self.local_appdata / "Chương trình",
        ):
            shutil.rmtree(folder, ignore_errors=True)
        for link in self.shortcuts:
            link.unlink(missing_ok=True)


def _prefix(arch: str):
    if shutil.which("wine") is None or shutil.which("wineboot") is None:
        pytest.skip(
            "Wine is not installed (Debian: dpkg --add-architecture i386; apt-get install wine wine64 "
            "wine32:i386; .ci/run does this)"
        )
    prefix = WinePrefix(Path(tempfile.mkdtemp(prefix="kpdesk-wine-")), arch)
    try:
        why = prefix.boot()
    except BaseException:
        prefix.close()
        raise
    if why:
        prefix.close()
        pytest.skip(f"Wine cannot start here: {why}")
    return prefix


@pytest.fixture(scope="module")
def wine64():
    """A 64-bit Windows in Wine (it runs the 32-bit installer as Windows x64 does); made once for these tests."""
    prefix = _prefix("win64")
    yield prefix
    prefix.close()


@pytest.fixture(scope="module")
def wine32():
    """A 32-bit Windows in Wine, where the installer must refuse to install."""
    prefix = _prefix("win32")
    yield prefix
    prefix.close()


@pytest.fixture
def windows(wine64):
    """The 64-bit prefix with no kpdesk in it, for one test."""
    wine64.reset()
    yield wine64
    wine64.reset()


# ---------------------------------------------------------------------------- the tests

#: What an officer has in the data folder: the database, a backup, a kind package installed from the department
#: (`<data>/kinds/<id>/<version>/`, issue 16), a file with a Vietnamese name; any bytes.
DATA = {
    "kinds/co-che-tai-chinh-thang/2/kind.toml": b'id = "co-che-tai-chinh-thang"\nversion = 2\n',
    "kinds/co-che-tai-chinh-thang/2/body.j2": "Kính gửi: Sở Khoa học và Công nghệ\n".encode(),
    "kpdesk.sqlite3": bytes(range(256)) * 64,
    "backups/20260401-083000-upgrade.sqlite3": b"SQLite format 3\0" + bytes(range(255, -1, -1)) * 16,
    "Nguyễn ghi chú.txt": "Báo cáo tháng 4 — đừng xoá\r\n".encode("utf-8-sig"),
    "last-run-version": b"0.1.0\n",
}


def program_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def put_data(windows) -> Path:
    data = windows.local_appdata / "kpdesk"
    for rel, content in DATA.items():
        (data / rel).parent.mkdir(parents=True, exist_ok=True)
        (data / rel).write_bytes(content)
    return data


def assert_data_untouched(data: Path) -> None:
    assert program_files(data) == DATA, "the data folder must stay exactly as the officer left it"


def fuzzy(windows_path: str) -> re.Pattern[str]:
    """A pattern for the ANSI copy of a path: each letter outside ASCII may have become ? or a plain letter."""
    return re.compile("".join("." if ord(c) > 127 else re.escape(c) for c in windows_path), re.IGNORECASE)


def assert_shortcuts_start(windows, folder: Path) -> None:
    exe = windows.windows(folder / "kpdesk.exe")
    for link in windows.shortcuts:
        assert link.is_file(), f"no shortcut {link}"
        shortcut = read_shortcut(link)
        assert fuzzy(exe).fullmatch(shortcut.target_ansi), (shortcut, exe)
        assert shortcut.icon == exe and shortcut.working_dir == windows.windows(folder), shortcut


def test_install_upgrade_and_uninstall_keep_the_officers_data(windows, installers):
    default = windows.local_appdata / "Programs" / "kpdesk"
    assert USER in str(default)
    data = put_data(windows)

    assert windows.install(installers["0.1.0"]) == 0
    installed = program_files(default)
    assert {k: v for k, v in installed.items() if k not in ("uninstall.exe", "installed-files.txt")} == BUNDLES["0.1.0"]
    assert installed["uninstall.exe"].startswith(b"MZ")
    record = installed["installed-files.txt"].decode("utf-16").splitlines()
    assert "_internal\\chỉ bản cũ\\tệp cũ.txt" in record and "_internal\\chỉ bản cũ\\" in record
    key = windows.uninstall_key()
    exe = windows.windows(default / "kpdesk.exe")
    assert key is not None
    assert {
        k: key[k]
        for k in (
            "DisplayName",
            "DisplayVersion",
            "Publisher",
            "InstallLocation",
            "DisplayIcon",
            "UninstallString",
            "QuietUninstallString",
            "NoModify",
            "NoRepair",
        )
    } == {
        "DisplayName": "kpdesk",
        "DisplayVersion": "0.1.0",
        "Publisher": PUBLISHER,
        "InstallLocation": windows.windows(default),
        "DisplayIcon": f"{exe},0",
        "UninstallString": f'"{windows.windows(default)}\\uninstall.exe"',
        "QuietUninstallString": f'"{windows.windows(default)}\\uninstall.exe" /S',
        "NoModify": 1,
        "NoRepair": 1,
    }
    assert key["EstimatedSize"] == sum(len(content) for content in installed.values()) // 1024  # KiB
    assert_shortcuts_start(windows, default)
    assert_data_untouched(data)

    # Upgrade: the files only 0.1.0 had go (a whole folder of them too), shared ones are replaced, new ones come.
    assert windows.install(installers["0.2.0"]) == 0
    upgraded = program_files(default)
    assert {k: v for k, v in upgraded.items() if k not in ("uninstall.exe", "installed-files.txt")} == BUNDLES["0.2.0"]
    assert not (default / "_internal" / "chỉ bản cũ").exists()
    assert windows.uninstall_key()["DisplayVersion"] == "0.2.0"
    assert_shortcuts_start(windows, default)
    assert_data_untouched(data)

    # A file the officer put into the program's folder is not the installer's: it stays, and so does its folder.
    own = default / "ghi chú của tôi.txt"
    own.write_bytes("không phải của bộ cài".encode())
    windows.uninstall(default)
    assert program_files(default) == {own.name: own.read_bytes()}
    assert [p.name for p in default.iterdir()] == [own.name]
    assert windows.uninstall_key() is None
    assert not any(link.exists() for link in windows.shortcuts)
    assert_data_untouched(data)
    own.unlink()


@pytest.mark.parametrize(
    "written",
    [
        "{local}\\kpdesk",
        "{LOCAL}\\KPDESK\\",
        "{local}\\Programs\\..\\kpdesk",
        "{local}\\.\\kpdesk\\.",
        "{local}\\kpdesk\\chương trình",
        "{local}",
    ],
    ids=["exact", "upper-case-trailing-backslash", "dot-dot", "dots", "inside", "holding-it"],
)
def test_the_data_folder_is_refused_however_it_is_written_also_silently(windows, installers, written):
    data = put_data(windows)
    local = windows.windows(windows.local_appdata)
    folder = written.format(local=local, LOCAL=local.upper())
    before = sorted(p.relative_to(windows.local_appdata).as_posix() for p in windows.local_appdata.rglob("*"))
    assert windows.install(installers["0.1.0"], folder) == 2
    after = sorted(p.relative_to(windows.local_appdata).as_posix() for p in windows.local_appdata.rglob("*"))
    assert after == before, "nothing may be written anywhere under %LOCALAPPDATA%"
    assert windows.uninstall_key() is None and not any(link.exists() for link in windows.shortcuts)
    assert_data_untouched(data)


def test_installing_into_another_folder_moves_the_installation(windows, installers):
    data = put_data(windows)
    default = windows.local_appdata / "Programs" / "kpdesk"
    other = windows.local_appdata / "Chương trình" / "kpdesk"
    assert windows.install(installers["0.1.0"]) == 0
    assert windows.install(installers["0.2.0"], other) == 0
    assert not default.exists(), "the copy in the old folder must be uninstalled, not left behind"
    assert (other / "kpdesk.exe").read_bytes() == BUNDLES["0.2.0"]["kpdesk.exe"]
    key = windows.uninstall_key()
    assert (key["InstallLocation"], key["DisplayVersion"]) == (windows.windows(other), "0.2.0")
    assert_shortcuts_start(windows, other)
    assert_data_untouched(data)


def test_uninstalling_a_stray_copy_leaves_the_installed_program_alone(windows, installers):
    default = windows.local_appdata / "Programs" / "kpdesk"
    copy = windows.local_appdata / "Programs" / "kpdesk (bản sao)"
    assert windows.install(installers["0.1.0"]) == 0
    shutil.copytree(default, copy)
    before = program_files(default)
    windows.uninstall(copy)
    assert not copy.exists()
    assert program_files(default) == before
    assert windows.uninstall_key()["InstallLocation"] == windows.windows(default)
    assert_shortcuts_start(windows, default)


def test_without_its_record_the_uninstaller_removes_nothing(windows, installers):
    default = windows.local_appdata / "Programs" / "kpdesk"
    assert windows.install(installers["0.1.0"]) == 0
    (default / "installed-files.txt").unlink()
    before = program_files(default)
    windows.uninstall(default)
    assert program_files(default) == before
    assert windows.uninstall_key() is not None and all(link.exists() for link in windows.shortcuts)


def test_32_bit_windows_is_refused_before_anything_is_written(wine32, installers):
    before = sorted(p.relative_to(wine32.profile).as_posix() for p in wine32.profile.rglob("*"))
    assert wine32.install(installers["0.2.0"]) == 3
    assert sorted(p.relative_to(wine32.profile).as_posix() for p in wine32.profile.rglob("*")) == before
    assert wine32.uninstall_key() is None
