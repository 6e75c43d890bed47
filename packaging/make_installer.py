r"""Compile the Windows installer for a bundle: list its files, write their record and the NSIS include, run makensis.

    python packaging/make_installer.py dist/kpdesk                       # dist/kpdesk-VERSION-setup.exe
    python packaging/make_installer.py dist/kpdesk --out x.exe --version 0.2.0 --publisher "Sở KH&CN tỉnh …"
    python packaging/make_installer.py /tmp/kpdesk-dist/kpdesk --windows-nsis   # CI on Linux

The installer (packaging/kpdesk.nsi) installs the bundle file by file and keeps their list in
`installed-files.txt` in the program's folder; an upgrade and the uninstaller remove exactly what that list names.
Both the File commands and the list are written here from one walk over the bundle, so they cannot disagree.

`--windows-nsis` compiles against a copy of makensis's data folder without the 64-bit stubs and plug-ins, as the
NSIS for Windows (winget, choco, nsis.sourceforge.io) ships: an installer that only a 64-bit stub could build fails
here as it would on Windows.

Signing (optional): `KPDESK_SIGN_COMMAND` (or `--sign-command`) is a command line with `%1` where the file goes,
e.g. `"C:\…\signtool.exe" sign /sha1 THUMBPRINT /fd SHA256 /tr http://timestamp.digicert.com /td SHA256 "%1"`.
It signs the NSIS plug-ins the installer unpacks (a copy of them), the uninstaller and the installer, which
Windows 11's Smart App Control checks as well as the programs (build-windows.ps1 signs the bundle itself).
Like buildinfo.py, this file is run or loaded by path, never as `packaging.…`.
"""

from __future__ import annotations

import argparse
import codecs
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path, PurePosixPath

sys.path.insert(0, str(Path(__file__).resolve().parent))
import buildinfo  # noqa: E402

NSI = Path(__file__).resolve().parent / "kpdesk.nsi"
#: The record of installed files, in the program's folder (kpdesk.nsi: RECORD).
RECORD = "installed-files.txt"
#: Names the installer writes itself; a bundle must not bring files with these names.
INSTALLER_OWN = (RECORD, "uninstall.exe")
#: In makensis's data folder: what the NSIS for Windows does not have.
NOT_IN_WINDOWS_NSIS = ("Stubs/*amd64*", "Stubs/*arm64*", "Plugins/amd64-unicode", "Plugins/arm64-unicode")
#: Characters a bundle path must not have: NSIS would read them as variables, quotes or wildcards.
_UNSAFE = re.compile(r'[$"`*?:\x00-\x1f]')
_UNSAFE_ROOT = re.compile(r'[$"`*?\x00-\x1f]')
_VERSION = re.compile(r"[0-9][0-9A-Za-z.+-]*")
SIGN_ENV = "KPDESK_SIGN_COMMAND"


class InstallerError(Exception):
    """Why the installer cannot be made, in Vietnamese, naming the file or option to fix."""


def bundle_listing(dist: Path) -> tuple[list[PurePosixPath], list[PurePosixPath]]:
    """Return the bundle's files and its folders, relative to `dist`: files sorted, folders parents first."""
    if _UNSAFE_ROOT.search(str(dist)):
        raise InstallerError(
            f'{dist}: đường dẫn có ký tự bộ cài không dùng được ($ " ` * ?); hãy chép bản đóng gói sang thư mục khác'
        )
    if not dist.is_dir():
        raise InstallerError(f"không thấy thư mục bản đóng gói {dist}; hãy dựng nó trước (pyinstaller build.spec)")
    files: list[PurePosixPath] = []
    folders: list[PurePosixPath] = []
    for here, subdirs, names in os.walk(dist):
        subdirs.sort()
        rel_dir = Path(here).relative_to(dist)
        if rel_dir != Path("."):
            folders.append(PurePosixPath(rel_dir.as_posix()))
        for name in sorted(names):
            files.append(PurePosixPath((rel_dir / name).as_posix()))
        for name in subdirs:
            if (Path(here) / name).is_symlink():
                raise InstallerError(f"{Path(here) / name}: thư mục là liên kết (symlink); bộ cài chỉ chép tệp thật")
    if not files:
        raise InstallerError(f"thư mục bản đóng gói {dist} trống; hãy dựng lại nó (pyinstaller build.spec)")
    for path in [*files, *folders]:
        if _UNSAFE.search(str(path)) or ".." in str(path) or "\\" in str(path):
            raise InstallerError(
                f'{dist / path}: tên có ký tự bộ cài không dùng được ($ " ` * ? : \\ hay ..); '
                "hãy đổi tên tệp đó trong bản đóng gói"
            )
    for own in INSTALLER_OWN:
        if PurePosixPath(own) in files:
            raise InstallerError(f"{dist / own}: bản đóng gói không được có tệp tên {own} (bộ cài tự ghi tệp này)")
    return files, folders


def windows_path(path: PurePosixPath) -> str:
    return str(path).replace("/", "\\")


def nsis_string(text: str, prefix: str = "") -> str:
    """`prefix` + `text` as a quoted NSIS string, `text`'s `$` and `"` escaped (`prefix` may name variables)."""
    if any(ord(c) < 32 for c in text):
        raise InstallerError(f"{text!r}: có ký tự điều khiển, không ghi vào bộ cài được")
    return '"' + prefix + text.replace("$", "$$").replace('"', '$\\"') + '"'


def record_bytes(files: list[PurePosixPath], folders: list[PurePosixPath], version: str) -> bytes:
    """The record (UTF-16LE with BOM, CRLF): a comment line, each file, then each folder deepest first with `\\`."""
    lines = [
        f"; kpdesk {version}: the files and folders its installer put here; an upgrade and the uninstaller "
        "remove exactly these (folders only when empty)"
    ]
    lines += [windows_path(f) for f in files]
    lines += [windows_path(d) + "\\" for d in sorted(folders, key=lambda d: (-len(d.parts), str(d)))]
    return codecs.BOM_UTF16_LE + "".join(line + "\r\n" for line in lines).encode("utf-16-le")


def include_text(
    dist: Path,
    files: list[PurePosixPath],
    folders: list[PurePosixPath],
    *,
    version: str,
    publisher: str,
    outfile: Path,
    record: Path,
    sign_command: str | None = None,
) -> str:
    """The NSIS include for kpdesk.nsi: the defines and the macro INSTALL_BUNDLE_FILES."""
    if not _VERSION.fullmatch(version):
        raise InstallerError(
            f"phiên bản {version!r} không hợp lệ: chỉ chữ số, chữ cái, dấu chấm, + và - (ví dụ 0.2.0 hoặc 0.2.0rc1)"
        )
    lines = [
        "; Written by packaging/make_installer.py for one build; not kept.",
        f"!define VERSION {nsis_string(version)}",
        f"!define VIVERSION {nsis_string(buildinfo.version4(version))}",
        f"!define PUBLISHER {nsis_string(publisher)}",
        f"!define OUTFILE {nsis_string(str(outfile))}",
        f"!define RECORD {nsis_string(RECORD)}",
        f"!define RECORD_SOURCE {nsis_string(str(record))}",
    ]
    if sign_command:  # makensis runs it on the uninstaller it builds and on the finished installer
        lines += [f"!uninstfinalize '{sign_command}' = 0", f"!finalize '{sign_command}' = 0"]
    lines.append("!macro INSTALL_BUNDLE_FILES")
    by_folder: dict[PurePosixPath, list[PurePosixPath]] = {}
    for f in files:
        by_folder.setdefault(f.parent, []).append(f)
    for folder in [PurePosixPath("."), *folders]:
        target = (
            nsis_string("", "$INSTDIR")
            if folder == PurePosixPath(".")
            else nsis_string(windows_path(folder), "$INSTDIR\\")
        )
        if folder in by_folder:
            lines.append(f"  SetOutPath {target}")
            lines += [f"  File {nsis_string(str(dist / f))}" for f in by_folder[folder]]
        else:
            lines.append(f"  CreateDirectory {target}")
    lines.append("!macroend")
    return "\ufeff" + "\n".join(lines) + "\n"


def nsis_data_dir(makensis: str) -> Path:
    """makensis's data folder (Stubs, Plugins, Include): `NSISDIR` when set, else what `makensis -HDRINFO` says,
    else the folder of makensis itself or its parent (the layout of NSIS for Windows)."""
    if os.environ.get("NSISDIR"):
        return Path(os.environ["NSISDIR"])
    info = subprocess.run([makensis, "-HDRINFO"], capture_output=True, text=True, timeout=60).stdout
    match = re.search(r"\bNSISDIR=([^,\r\n]+)", info)
    if match:
        return Path(match.group(1))
    found = Path(shutil.which(makensis) or makensis).resolve().parent  # Windows: NSIS\makensis.exe, NSIS\Bin\…
    for folder in (found, found.parent):
        if (folder / "Stubs").is_dir() and (folder / "Include").is_dir():
            return folder
    raise InstallerError(
        f"{makensis} -HDRINFO không cho biết NSISDIR; hãy đặt biến NSISDIR là thư mục dữ liệu "
        "của NSIS (thư mục có Stubs, Plugins, Include)"
    )


def windows_nsis_dir(makensis: str, into: Path) -> Path:
    """Copy makensis's data folder into `into`, without what the NSIS for Windows lacks; return the copy."""
    source = nsis_data_dir(makensis)
    copy = into / "nsis-as-on-windows"
    shutil.copytree(source, copy, symlinks=False)
    for pattern in NOT_IN_WINDOWS_NSIS:
        for path in copy.glob(pattern):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    if not list(copy.glob("Stubs/*x86-unicode*")) or not (copy / "Plugins" / "x86-unicode" / "System.dll").is_file():
        raise InstallerError(f"{source}: không có stub x86-unicode hoặc plug-in System của NSIS; hãy cài lại NSIS 3")
    return copy


def checked_sign_command(command: str) -> str:
    """`command` when it can be handed to makensis's !finalize: one line, `%1` in it, no ' $ or `."""
    command = command.strip()
    if "%1" not in command or any(c in command for c in "'$`\r\n"):
        raise InstallerError(
            f"lệnh ký số {command!r} phải là một dòng có %1 (chỗ tên tệp), không có ' $ hay `; "
            f"hãy sửa {SIGN_ENV} hoặc --sign-command"
        )
    return command


def sign(command: str, file: Path) -> None:
    """Run the signing `command` on `file` (its `%1`), as makensis's !finalize would."""
    line = command.replace("%1", str(file))
    result = subprocess.run(line, shell=os.name != "nt", capture_output=True, text=True, errors="replace", timeout=600)
    if result.returncode != 0:
        raise InstallerError(
            f"ký số {file} không được (mã {result.returncode}): {(result.stdout + result.stderr).strip()[-2000:]}"
        )


def find_makensis(given: str | None) -> str:
    if given:
        return given
    found = shutil.which("makensis")
    if found:
        return found
    for base in (os.environ.get("ProgramFiles(x86)"), os.environ.get("ProgramFiles")):
        if base and (Path(base) / "NSIS" / "makensis.exe").is_file():
            return str(Path(base) / "NSIS" / "makensis.exe")
    raise InstallerError(
        "không tìm thấy makensis: hãy cài NSIS 3 (Windows: winget install NSIS.NSIS; "
        "Debian: apt-get install nsis) hoặc chỉ đường bằng --makensis"
    )


def compile_installer(
    dist: Path,
    out: Path | None = None,
    *,
    version: str | None = None,
    publisher: str | None = None,
    makensis: str | None = None,
    windows_nsis: bool = False,
    sign_command: str | None = None,
    echo=print,
) -> Path:
    """Compile packaging/kpdesk.nsi for the bundle `dist`; return the installer's path."""
    dist = dist.resolve()
    meta = buildinfo.project_metadata()
    version = version or meta["version"]
    publisher = publisher if publisher is not None else buildinfo.publisher()
    sign_command = sign_command if sign_command is not None else os.environ.get(SIGN_ENV, "")
    sign_command = checked_sign_command(sign_command) if sign_command.strip() else None
    out = (out or dist.parent / f"kpdesk-{version}-setup.exe").resolve()
    files, folders = bundle_listing(dist)
    makensis = find_makensis(makensis)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kpdesk-installer-") as tmp:
        work = Path(tmp)
        record = work / RECORD
        record.write_bytes(record_bytes(files, folders, version))
        include = work / "kpdesk-setup.nsh"
        include.write_text(
            include_text(
                dist,
                files,
                folders,
                version=version,
                publisher=publisher,
                outfile=out,
                record=record,
                sign_command=sign_command,
            ),
            encoding="utf-8",
        )
        env = dict(os.environ)
        if windows_nsis or sign_command:
            env["NSISDIR"] = str(windows_nsis_dir(makensis, work))
        if sign_command:  # the plug-ins the installer unpacks into %TEMP% and loads (System, nsDialogs, …)
            for plugin in sorted(Path(env["NSISDIR"]).glob("Plugins/x86-unicode/*.dll")):
                sign(sign_command, plugin)
        if os.name != "nt" and "UTF-8" not in env.get("LC_ALL", env.get("LANG", "")).upper().replace("UTF8", "UTF-8"):
            env["LC_ALL"] = "C.UTF-8"  # makensis reads its arguments (Vietnamese paths) in the locale's encoding
        if out.exists():
            out.unlink()
        result = subprocess.run(
            [makensis, "-V2", "-WX", f"-DSETUP_NSH={include}", str(NSI)],
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=1800,
        )
    if result.returncode != 0 or not out.is_file():
        raise InstallerError(
            f"makensis không tạo được bộ cài (mã {result.returncode}):\n"
            f"{(result.stdout + result.stderr).strip()[-4000:]}"
        )
    notes = (
        [f"kpdesk {version}", publisher]
        + (["NSIS as on Windows: x86 only"] if windows_nsis else [])
        + (["signed"] if sign_command else [])
    )
    echo(f"installer: {out.stat().st_size / 2**20:.1f} MiB, {len(files)} files ({out}; {', '.join(notes)})")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make_installer.py", description=__doc__.splitlines()[0])
    parser.add_argument("dist", type=Path, help="the one-folder bundle (dist/kpdesk)")
    parser.add_argument("--out", type=Path, help="the installer to write (default: kpdesk-VERSION-setup.exe beside it)")
    parser.add_argument("--version", help="the version to install as (default: pyproject.toml's)")
    parser.add_argument("--publisher", help=f"the publisher (default: ${buildinfo.PUBLISHER_ENV}, else pyproject's)")
    parser.add_argument("--makensis", help="makensis to run (default: the one on PATH or in Program Files)")
    parser.add_argument(
        "--windows-nsis",
        action="store_true",
        help="compile against makensis's data folder without the 64-bit stubs, as on Windows",
    )
    parser.add_argument("--sign-command", help=f"the signing command with %%1 for the file (default: ${SIGN_ENV})")
    args = parser.parse_args(argv)
    try:
        compile_installer(
            args.dist,
            args.out,
            version=args.version,
            publisher=args.publisher,
            makensis=args.makensis,
            windows_nsis=args.windows_nsis,
            sign_command=args.sign_command,
        )
    except InstallerError as exc:
        print(f"LỖI: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
