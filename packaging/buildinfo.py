"""What `build.spec` needs to know, kept out of the spec so that tests can import it.

The project's name, version and description come from `pyproject.toml` only; the data folders to bundle, the
Qt modules and plugins to leave out, and the Windows version resource are decided here.

This file is loaded by path (`build.spec` puts this folder on `sys.path`; the tests use importlib), never as
`packaging.buildinfo`: the folder name `packaging` must not shadow the PyPI package of that name, so it has no
`__init__.py`.
"""

from __future__ import annotations

import os
import re
import tomllib
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: The bundle's folder beside the programs (PyInstaller's `contents_directory`), pinned so that a new PyInstaller
#: cannot move it: `kpdesk.exe`, `kpdesk-cli.exe` and `_internal/` make the installed program.
CONTENTS_DIRECTORY = "_internal"
#: The programs in the bundle: the window (windowed on Windows) and its console companion, which shares every file
#: of `_internal/` and runs the same commands (`kpdesk-cli restore`, `kpdesk-cli --selftest`) in a console window.
PROGRAMS = {"kpdesk": "kpdesk", "cli": "kpdesk-cli"}
#: Who the department is: shown as CompanyName (Explorer → Properties → Details) and Publisher (Settings → Apps).
#: Set at build time with this environment variable (build-windows.ps1 -Publisher); else pyproject's first author.
PUBLISHER_ENV = "KPDESK_PUBLISHER"

#: Folders copied into the bundle as they are, relative to the project root (found again at run time under
#: `sys._MEIPASS`: `kpdesk.kinds.templates_dir()`, `ui.selftest.examples_dir()`).
DATA_DIRS = ("templates", "resources", "examples")
#: Files in those folders that are never bundled.
SKIP_NAMES = re.compile(r"(^\.|~$|\.pyc$|^__pycache__$|\.tmp|^Thumbs\.db$|^desktop\.ini$)", re.IGNORECASE)

#: Qt's Python modules that kpdesk does not use. A module that `ui/` or `kpdesk/` imports is never excluded,
#: whatever this list says (see `qt_excludes`).
QT_UNUSED = (
    "Qt3DAnimation",
    "Qt3DCore",
    "Qt3DExtras",
    "Qt3DInput",
    "Qt3DLogic",
    "Qt3DRender",
    "QtBluetooth",
    "QtCharts",
    "QtConcurrent",
    "QtDataVisualization",
    "QtDBus",
    "QtDesigner",
    "QtGraphs",
    "QtGraphsWidgets",
    "QtHelp",
    "QtHttpServer",
    "QtLocation",
    "QtMultimedia",
    "QtMultimediaWidgets",
    "QtNetwork",
    "QtNetworkAuth",
    "QtNfc",
    "QtOpenGL",
    "QtOpenGLWidgets",
    "QtPdf",
    "QtPdfWidgets",
    "QtPositioning",
    "QtQml",
    "QtQmlFeatures",
    "QtQuick",
    "QtQuick3D",
    "QtQuickControls2",
    "QtQuickTest",
    "QtQuickWidgets",
    "QtRemoteObjects",
    "QtScxml",
    "QtSensors",
    "QtSerialBus",
    "QtSerialPort",
    "QtSpatialAudio",
    "QtSql",
    "QtStateMachine",
    "QtSvg",
    "QtSvgWidgets",
    "QtTest",
    "QtTextToSpeech",
    "QtUiTools",
    "QtWebChannel",
    "QtWebEngineCore",
    "QtWebEngineQuick",
    "QtWebEngineWidgets",
    "QtWebSockets",
    "QtWebView",
    "QtXml",
    "QtAxContainer",
    "QtLabsStyleKit",
)
#: Python packages that must never end up in the bundle (test and development tools, other GUI toolkits), and
#: standard modules that kpdesk never reaches: PyInstaller's analysis finds them only through imports that kpdesk's
#: code paths never run (jinja2's async rendering, lxml's doctest helpers, pdb, urllib's network openers).
PY_EXCLUDES = (
    "tkinter",
    "_tkinter",
    "turtle",
    "turtledemo",
    "idlelib",
    "pydoc_data",
    "lib2to3",
    "ensurepip",
    "venv",
    "pytest",
    "_pytest",
    "pytestqt",
    "hypothesis",
    "ruff",
    "docxtpl",
    "IPython",
    "numpy",
    "PIL",
    "PyQt5",
    "PyQt6",
    "PySide2",
    "shiboken2",
    "setuptools",
    "pkg_resources",
    "pip",
    "wheel",
    # python-docx uses lxml.etree only.
    "lxml.objectify",
    "lxml.html",
    "lxml.isoschematron",
    "lxml.cssselect",
    "lxml.sax",
    "lxml.doctestcompare",
    "lxml.ElementInclude",
    # no network, no processes or event loops of its own: without these go OpenSSL (libssl, libcrypto; hashlib
    # falls back to Python's own hashes) and PyInstaller's multiprocessing start-up hook
    "asyncio",
    "concurrent",
    "multiprocessing",
    "ssl",
    "_ssl",
    "_hashlib",
    "http.client",
    "http.server",
    "http.cookiejar",
    "urllib.request",
    "xmlrpc",
    "socketserver",
    "ftplib",
    "webbrowser",
    # debugging and documentation tools, archives and compressions kpdesk does not read (.docx is plain zip)
    "unittest",
    "doctest",
    "pdb",
    "bdb",
    "pydoc",
    "cmd",
    "code",
    "readline",
    "curses",
    "_curses",
    "tarfile",
    "dateutil.zoneinfo",
    "lzma",
    "_lzma",
    "bz2",
    "_bz2",
    # East Asian legacy encodings (Vietnamese legacy text is VNI/TCVN3, which kpdesk converts itself)
    "_multibytecodec",
    "_codecs_cn",
    "_codecs_hk",
    "_codecs_iso2022",
    "_codecs_jp",
    "_codecs_kr",
    "_codecs_tw",
)
#: PyInstaller's run-time hooks that `packaging/hooks/rthook_kpdesk.py` replaces: the PySide6 one imports
#: PySide6.QtCore (and so all of Qt) at every start, even for `kpdesk-cli --version`; kpdesk's own hook only
#: points Qt at its plug-ins, and Qt loads when the program first uses it.
RUNTIME_HOOKS_REPLACED = ("pyi_rth_pyside6",)
#: PyInstaller's run-time hooks left out, for what they cost every start: the one for `inspect` imports `inspect`
#: and `zipfile` and reads the list of base_library.zip (~2 ms of a 50 ms `kpdesk-cli --version`), only so that
#: `inspect.getsourcefile` finds the source files of frozen modules, which kpdesk never asks for (its tracebacks
#: and error reports carry no source lines in the bundle either way).
RUNTIME_HOOKS_DROPPED = ("pyi_rth_inspect",)

#: python-docx's unpacked copy of its default document (a source for building default.docx, never read).
DOCX_UNUSED = "default-docx-template"


def keep_docx_file(entry: tuple[str, str]) -> bool:
    """Whether a `collect_data_files("docx")` entry is one python-docx reads (default.docx, default-*.xml)."""
    return DOCX_UNUSED not in Path(entry[0].replace("\\", "/")).parts


#: Shared libraries left out although a collected Qt plugin or module names them: they serve only the plugins
#: dropped below (software OpenGL and ANGLE on Windows, eglfs, the GTK theme) or Qt modules kpdesk does not
#: import (a module that `ui/` imports keeps its library: see `keep_qt_file`). `packaging/build-and-check.sh`
#: checks on Linux that no kept library misses one of them.
DROP_OTHER_LIBRARIES = (
    r"opengl32sw\.dll",
    r"d3dcompiler_\d+\.dll",
    r"libEGL\.dll",
    r"libGLESv2\.dll",
    r"lib(gtk|gdk|atk|cairo|pango|harfbuzz-gobject|gdk_pixbuf|epoxy)[-\w.]*\.so[.\d]*",
)
#: Qt libraries (Qt6<name>) left out unless the code imports PySide6.Qt<name>.
DROP_QT_LIBRARIES = (
    "Network",
    "Svg",
    "Pdf",
    "Qml",
    "Quick",
    "VirtualKeyboard",
    "EglFS",
    "EglFsKms",
    "OpenGL",
    "Wayland",
    "WlShell",
)


def _drop_pattern(used: frozenset[str]) -> re.Pattern[str]:
    qt = [name for name in DROP_QT_LIBRARIES if not any(module.startswith(f"Qt{name}") for module in used)]
    qt_libs = rf"(lib)?Qt6({'|'.join(qt)})\w*(\.so\.6|\.dll)" if qt else None
    return re.compile(
        r"(^|[/\\])(" + "|".join([*DROP_OTHER_LIBRARIES, *filter(None, [qt_libs])]) + r")$", re.IGNORECASE
    )


#: Qt plugins kept in the bundle, by plugin folder; a folder not named here is dropped whole. `None` keeps every
#: plugin of that folder. Windows: `qwindows` and the native style (`qmodernwindowsstyle`, `qwindowsvistastyle`);
#: Linux (the CI bundle; users run Windows): xcb and offscreen, and the input methods (ibus, compose) so Vietnamese
#: can be typed with the system's input method. Everywhere: `qoffscreen` for `--selftest` in CI.
QT_PLUGINS_KEPT: dict[str, tuple[str, ...] | None] = {
    "platforms": ("qwindows", "qoffscreen", "qxcb", "qcocoa"),
    "styles": None,
    # kpdesk draws its icons with QPainter and shows no pictures; PNG, which Qt reads itself, is all it needs
    "imageformats": (),
    "platforminputcontexts": ("composeplatforminputcontextplugin", "ibusplatforminputcontextplugin"),
    "platformthemes": ("qxdgdesktopportal",),
    "xcbglintegrations": (),
    "wayland-shell-integration": (),
    "wayland-decoration-client": (),
    "wayland-graphics-integration-client": (),
    "generic": (),
    "iconengines": (),
    "egldeviceintegrations": (),
    "networkinformation": (),
    "tls": (),
    "printsupport": (),
    "sqldrivers": (),
    "qmltooling": (),
    "designer": (),
    "virtualkeyboard": (),
}


def project_metadata(root: Path = ROOT) -> dict[str, str]:
    """Return `name`, `version` and `description` from `root/pyproject.toml` (the only place they are written)."""
    with open(root / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    return {"name": project["name"], "version": project["version"], "description": project.get("description", "")}


def publisher(root: Path = ROOT) -> str:
    """Return the publisher: `KPDESK_PUBLISHER` when set, else the first author in `root/pyproject.toml`."""
    chosen = unicodedata.normalize("NFC", os.environ.get(PUBLISHER_ENV, "").strip())
    if chosen:
        if any(ord(c) < 32 or c in '$"`' for c in chosen) or len(chosen) > 200:
            raise SystemExit(
                f"{PUBLISHER_ENV}: tên đơn vị phát hành phải là một dòng, tối đa 200 ký tự, không có "
                f'$ " hay ` (đang là {chosen[:60]!r}); hãy đặt lại biến này'
            )
        return chosen
    with open(root / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    authors = [a.get("name", "") for a in project.get("authors", []) if a.get("name")]
    return authors[0] if authors else project["name"]


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """Return the four numbers Windows wants: "0.1.0" → (0, 1, 0, 0); "1.2rc1" → (1, 2, 0, 0).

    The one place they are computed: the programs' version resource (build.spec) and the installer's
    (make_installer.py) both use it. Each number must fit in 16 bits, as Windows stores them.
    """
    numbers = [int(m) for m in re.findall(r"\d+", re.match(r"[\d.]*", version).group(0))][:4]
    if not numbers or any(n > 65535 for n in numbers):
        raise SystemExit(
            f"pyproject.toml: phiên bản {version!r} không đổi được sang dạng Windows (bốn số 0–65535, "
            "ví dụ 0.2.0); hãy sửa version"
        )
    return tuple(numbers + [0] * (4 - len(numbers)))  # type: ignore[return-value]


def version4(version: str) -> str:
    """Return `version_tuple(version)` as Windows writes it: "0.2.0rc1" → "0.2.0.0"."""
    return ".".join(map(str, version_tuple(version)))


def data_files(root: Path = ROOT, folders: tuple[str, ...] = DATA_DIRS) -> list[tuple[str, str]]:
    """Return PyInstaller `datas` entries (source file, folder inside the bundle) for `folders` under `root`."""
    entries: list[tuple[str, str]] = []
    for folder in folders:
        base = root / folder
        if not base.is_dir():
            raise SystemExit(f"build.spec: thư mục {base} không có (missing folder)")
        for path in sorted(base.rglob("*")):
            rel = path.relative_to(root)
            if path.is_file() and not any(SKIP_NAMES.search(part) for part in rel.parts):
                entries.append((str(path), str(rel.parent)))
    return entries


_QT_IMPORT = re.compile(r"\b(?:from|import)\s+PySide6\.(Qt\w+)")


def qt_modules_used(root: Path = ROOT, packages: tuple[str, ...] = ("ui", "kpdesk")) -> set[str]:
    """Return the Qt modules (e.g. "QtWidgets") imported anywhere in `packages`."""
    used: set[str] = set()
    for package in packages:
        for path in (root / package).rglob("*.py"):
            used.update(_QT_IMPORT.findall(path.read_text(encoding="utf-8")))
    return used


def qt_excludes(root: Path = ROOT) -> list[str]:
    """Return the `PySide6.Qt…` modules to exclude: the unused ones, never one the code imports."""
    used = qt_modules_used(root)
    return [f"PySide6.{m}" for m in QT_UNUSED if m not in used]


def _plugin_name(dest: str) -> tuple[str, str] | None:
    """Return (plugin folder, plugin base name) for a Qt plugin's path in the bundle, else None.

    "PySide6/Qt/plugins/platforms/libqxcb.so" → ("platforms", "qxcb"); "PySide6/plugins/styles/x.dll" → ("styles", "x").
    """
    parts = dest.replace("\\", "/").split("/")
    if "PySide6" not in parts or "plugins" not in parts:
        return None
    i = parts.index("plugins")
    if len(parts) != i + 3:
        return None
    stem = parts[-1].split(".")[0]
    return parts[i + 1], stem[3:] if stem.startswith("lib") else stem


def keep_qt_file(dest: str, used: frozenset[str] = frozenset({"QtCore", "QtGui", "QtWidgets"})) -> bool:
    """Whether a collected file (its path inside the bundle) stays: drops unused Qt plugins, libraries and
    translations. `used`: the Qt modules the code imports (`qt_modules_used`), whose libraries always stay."""
    norm = dest.replace("\\", "/")
    if _drop_pattern(frozenset(used)).search(norm):
        return False
    if "PySide6/" in norm and "/translations/" in norm:
        return False  # Qt ships no Vietnamese translation; the interface's texts are kpdesk's own
    plugin = _plugin_name(norm)
    if plugin is None:
        return True
    folder, stem = plugin
    if folder not in QT_PLUGINS_KEPT:
        return False
    kept = QT_PLUGINS_KEPT[folder]
    return kept is None or stem in kept


def _loaded_by_itself(dest: str, kind: str) -> bool:
    """Whether a collected file is loaded without another library naming it: a Python extension (by Python), a
    Qt plug-in (by Qt), the Python library (by the bootloader); anything but a plain shared library."""
    name = Path(dest.replace("\\", "/")).name
    return (
        kind != "BINARY"
        or _plugin_name(dest.replace("\\", "/")) is not None
        or re.match(r"(lib)?python3[\d.]*(\.dll|\.so)", name, re.IGNORECASE) is not None
    )


def without_unused_libraries(binaries: list[tuple], imports_of) -> list[tuple]:
    """`binaries` less the shared libraries that no kept file links to, until none is left over.

    Dropping Qt plug-ins and modules leaves behind the libraries only they needed (GTK's, Kerberos', libjpeg…).
    `imports_of(source path)` gives the names a library or extension links to (PyInstaller's bindepend).
    """
    kept = list(binaries)
    imports: dict[str, set[str]] = {}
    while True:
        needed: set[str] = set()
        for _dest, source, _kind in kept:
            if source not in imports:
                imports[source] = {Path(name.replace("\\", "/")).name.lower() for name in imports_of(source)}
            needed |= imports[source]
        unused = [
            entry
            for entry in kept
            if not _loaded_by_itself(entry[0], entry[2])
            and Path(entry[0].replace("\\", "/")).name.lower() not in needed
        ]
        if not unused:
            return kept
        kept = [entry for entry in kept if entry not in unused]


def without_dangling_links(datas: list[tuple], binaries: list[tuple]) -> list[tuple]:
    """`datas` less the symbolic links (Linux) whose target is no longer in the bundle."""
    present = {entry[0].replace("\\", "/") for entry in [*binaries, *datas] if entry[-1] != "SYMLINK"}
    return [entry for entry in datas if entry[-1] != "SYMLINK" or entry[1].replace("\\", "/") in present]


def without_replaced_hooks(scripts: list[tuple]) -> list[tuple]:
    """PyInstaller's `a.scripts` less the run-time hooks in RUNTIME_HOOKS_REPLACED and RUNTIME_HOOKS_DROPPED."""
    return [entry for entry in scripts if entry[0] not in RUNTIME_HOOKS_REPLACED + RUNTIME_HOOKS_DROPPED]


def windows_version_text(meta: dict[str, str], program: str = "kpdesk", company: str | None = None) -> str:
    """Return a program's Windows version resource (Explorer → Properties → Details) in PyInstaller's format.

    FileDescription is the short product name, which Task Manager shows for the running program; CompanyName is
    the publisher (`publisher()`). Written as text, not built with `PyInstaller.utils.win32.versioninfo`, because
    that module needs `pefile`, which PyInstaller installs on Windows only; PyInstaller reads this text back when
    it builds on Windows.
    """
    numbers = version_tuple(meta["version"])
    company = company if company is not None else publisher()
    strings = {
        "CompanyName": company,
        "FileDescription": program if program == meta["name"] else f"{meta['name']} (dòng lệnh)",
        "FileVersion": meta["version"],
        "InternalName": program,
        "LegalCopyright": company,
        "OriginalFilename": f"{program}.exe",
        "ProductName": meta["name"],
        "ProductVersion": meta["version"],
        "Comments": meta["description"],
    }
    table = ",\n".join(f"          StringStruct({k!r}, {v!r})" for k, v in strings.items())
    # 0x042A: Vietnamese; 1200 (0x04B0): Unicode.
    return f"""# UTF-8
VSVersionInfo(
  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}, mask=0x3F, flags=0x0, OS=0x40004, fileType=0x1,
                    subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([
      StringTable('042A04B0', [
{table}
      ])
    ]),
    VarFileInfo([VarStruct('Translation', [0x042A, 1200])])
  ]
)
"""


def write_windows_version_file(meta: dict[str, str], folder: Path, program: str = "kpdesk") -> Path:
    """Write `windows_version_text(meta, program)` into `folder` and return the file's path (`EXE(version=...)`)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{program}-version-info.txt"
    path.write_text(windows_version_text(meta, program), encoding="utf-8")
    return path


if __name__ == "__main__":  # `python packaging/buildinfo.py version` prints the version (build scripts use it)
    import sys

    meta = project_metadata()
    what = sys.argv[1] if len(sys.argv) > 1 else "version"
    if what == "version4":
        print(version4(meta["version"]))
    elif what == "publisher":
        print(publisher())
    else:
        print(meta[what])
