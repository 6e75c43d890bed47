"""Packaging: the spec reads the project from pyproject.toml and leaves out what kpdesk does not use; the self-test
passes from source; the installer is per user and never touches the data folder; a new version backs the data up
once; and every path (data, export, templates, install) may have Vietnamese letters and spaces.

The full PyInstaller build runs only with KPDESK_BUILD_TEST=1 (packaging/build-and-check.sh; about a minute).
"""

import importlib.util
import os
import re
import shutil
import struct
import subprocess
import sys
import tomllib
import types
from pathlib import Path

import pytest

from kpdesk import draft as drafts
from kpdesk import upgrade
from kpdesk.kinds import all_kinds, get_kind, kind_folders, templates_dir
from kpdesk.render import draft_from_docx, render_to_file
from ui import selftest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
NSI = PACKAGING / "kpdesk.nsi"
USER = "Nguyễn Văn A"  # a Windows user name: C:\Users\Nguyễn Văn A\
EXAMPLE = ROOT / "examples" / "000-thieu-trung-bao-cao-thang.json"


def load_buildinfo():
    """packaging/buildinfo.py, loaded by path (the folder `packaging` must not shadow the PyPI package)."""
    spec = importlib.util.spec_from_file_location("kpdesk_buildinfo", PACKAGING / "buildinfo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


buildinfo = load_buildinfo()


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def vietnamese_home(tmp_path: Path) -> Path:
    home = tmp_path / "Users" / USER
    home.mkdir(parents=True)
    return home


# ---------------------------------------------------------------------------- build.spec


class _Recorder:
    """Stands for PyInstaller's Analysis, PYZ, EXE and COLLECT: remembers how the spec called it (`calls`: the
    first call of each kind; `every`: all of them, e.g. both programs' EXE)."""

    calls: dict[str, "_Recorder"]
    every: dict[str, list["_Recorder"]]

    def __init__(self, kind: str, *args, **kwargs):
        self.kind, self.args, self.kwargs = kind, args, kwargs
        _Recorder.calls.setdefault(kind, self)
        _Recorder.every.setdefault(kind, []).append(self)
        if kind == "Analysis":
            self.scripts = [
                ("pyiboot01_bootstrap", "/x", "PYSOURCE"),
                ("pyi_rth_pyside6", "/x", "PYSOURCE"),
                ("rthook_kpdesk", "/x", "PYSOURCE"),
                ("pyi_rth_inspect", "/x", "PYSOURCE"),
                ("kpdesk_entry", "/x", "PYSOURCE"),
            ]
            self.pure = ["pure"]
            self.binaries = [
                ("PySide6/Qt/lib/libQt6Core.so.6", "/x", "BINARY"),
                ("PySide6/Qt/lib/libQt6Network.so.6", "/x", "BINARY"),
                ("PySide6/opengl32sw.dll", "/x", "BINARY"),
                ("PySide6/plugins/platforms/qwindows.dll", "/x", "BINARY"),
                ("PySide6/plugins/platforms/qdirect2d.dll", "/x", "BINARY"),
                ("PySide6/plugins/styles/qmodernwindowsstyle.dll", "/x", "BINARY"),
                ("PySide6/plugins/imageformats/qpdf.dll", "/x", "BINARY"),
                ("PySide6/plugins/tls/qopensslbackend.dll", "/x", "BINARY"),
                ("lxml/etree.pyd", "/x", "EXTENSION"),
            ]
            self.datas = [
                *kwargs["datas"],
                ("PySide6/translations/qtbase_de.qm", "/x", "DATA"),
                ("docx/templates/default-docx-template/word/styles.xml", "/x", "DATA"),
            ]


def run_spec(tmp_path: Path, monkeypatch, platform: str, argv: tuple[str, ...] = ()) -> dict[str, _Recorder]:
    """Execute build.spec as PyInstaller would, with PyInstaller's classes and hooks stood in for."""
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_data_files = lambda package: [("site-packages/docx/templates/default.docx", "docx/templates")]
    hooks.collect_submodules = lambda package: [package]
    bindepend = types.ModuleType("PyInstaller.depend.bindepend")
    # every stand-in links to QtCore only, so QtCore is the one plain library that stays
    bindepend.get_imports = lambda path: {("libQt6Core.so.6", None)}
    depend = types.ModuleType("PyInstaller.depend")
    depend.bindepend = bindepend
    for name, module in {
        "PyInstaller": types.ModuleType("PyInstaller"),
        "PyInstaller.utils": types.ModuleType("PyInstaller.utils"),
        "PyInstaller.utils.hooks": hooks,
        "PyInstaller.depend": depend,
        "PyInstaller.depend.bindepend": bindepend,
    }.items():
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.delitem(sys.modules, "buildinfo", raising=False)
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(sys, "argv", ["pyinstaller", *argv])
    monkeypatch.setattr(sys, "path", list(sys.path))
    _Recorder.calls, _Recorder.every = {}, {}
    namespace = {"SPECPATH": str(ROOT), "workpath": str(tmp_path / "work"), "__file__": str(ROOT / "build.spec")}
    for kind in ("Analysis", "PYZ", "EXE", "COLLECT"):
        namespace[kind] = lambda *a, _kind=kind, **kw: _Recorder(_kind, *a, **kw)
    exec(compile((ROOT / "build.spec").read_text(encoding="utf-8"), "build.spec", "exec"), namespace)
    return _Recorder.calls


def test_the_spec_reads_name_version_and_description_from_pyproject():
    meta = buildinfo.project_metadata()
    project = pyproject()
    assert meta == {"name": project["name"], "version": project["version"], "description": project["description"]}
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    assert project["version"] not in spec and "project_metadata(ROOT)" in spec


@pytest.mark.parametrize(
    ("version", "numbers"),
    [("0.1.0", (0, 1, 0, 0)), ("1.2", (1, 2, 0, 0)), ("2.0.1rc1", (2, 0, 1, 0)), ("1.2.3.4.5", (1, 2, 3, 4))],
)
def test_windows_wants_four_numbers(version, numbers):
    assert buildinfo.version_tuple(version) == numbers


def test_windows_build_is_one_folder_windowed_with_icon_version_resource_and_utf8(tmp_path, monkeypatch):
    calls = run_spec(tmp_path, monkeypatch, "win32")
    exe, analysis = calls["EXE"], calls["Analysis"]
    assert exe.kwargs["console"] is False and exe.kwargs["upx"] is False and exe.kwargs["strip"] is False
    assert exe.kwargs["exclude_binaries"] is True and calls["COLLECT"].kwargs["name"] == "kpdesk"
    assert Path(exe.kwargs["icon"]) == ROOT / "resources" / "kpdesk.ico"
    assert ("X utf8", None, "OPTION") in exe.args[-1]
    assert analysis.args[0] == [str(PACKAGING / "kpdesk_entry.py")]
    assert analysis.kwargs["runtime_hooks"] == [str(PACKAGING / "hooks" / "rthook_kpdesk.py")]
    # The version resource: PyInstaller eval()s this file on Windows; every value comes from pyproject.toml.
    text = Path(exe.kwargs["version"]).read_text(encoding="utf-8")
    strings: dict[str, str] = {}
    names = {
        name: (lambda *a, **kw: (a, kw))
        for name in ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "VarFileInfo", "VarStruct")
    }
    names["StringStruct"] = lambda key, value: strings.setdefault(key, value)
    eval(text, names)  # noqa: S307 - our own generated file, as PyInstaller reads it
    project = pyproject()
    assert strings["ProductVersion"] == strings["FileVersion"] == project["version"]
    assert strings["FileDescription"] == "kpdesk" and strings["OriginalFilename"] == "kpdesk.exe"
    assert strings["CompanyName"] == strings["LegalCopyright"] == buildinfo.publisher()
    assert strings["Comments"] == project["description"]
    assert f"filevers={buildinfo.version_tuple(project['version'])}" in text


def test_the_console_companion_shares_the_bundle_and_the_contents_folder_is_pinned(tmp_path, monkeypatch):
    calls = run_spec(tmp_path, monkeypatch, "win32")
    gui, cli = _Recorder.every["EXE"]
    assert (gui.kwargs["name"], gui.kwargs["console"]) == ("kpdesk", False)
    assert (cli.kwargs["name"], cli.kwargs["console"]) == ("kpdesk-cli", True)
    assert gui.args[:2] == cli.args[:2] == (calls["PYZ"], calls["Analysis"].scripts)  # the same program
    assert gui.kwargs["contents_directory"] == cli.kwargs["contents_directory"] == "_internal"
    assert calls["COLLECT"].args[:2] == (gui, cli), "both programs in one folder, over one _internal/"
    text = Path(cli.kwargs["version"]).read_text(encoding="utf-8")
    assert "StringStruct('OriginalFilename', 'kpdesk-cli.exe')" in text
    assert "StringStruct('FileDescription', 'kpdesk (dòng lệnh)')" in text


def test_the_publisher_is_set_at_build_time(monkeypatch):
    monkeypatch.delenv("KPDESK_PUBLISHER", raising=False)
    assert buildinfo.publisher() == pyproject()["authors"][0]["name"]
    monkeypatch.setenv("KPDESK_PUBLISHER", "  Sở Khoa học và Công nghệ tỉnh Bắc Ninh ")
    assert buildinfo.publisher() == "Sở Khoa học và Công nghệ tỉnh Bắc Ninh"
    assert "CompanyName', 'Sở Khoa học và Công nghệ tỉnh Bắc Ninh'" in buildinfo.windows_version_text(
        buildinfo.project_metadata()
    )
    for bad in ('Sở "KH&CN"', "Sở $X", "hai\ndòng"):
        monkeypatch.setenv("KPDESK_PUBLISHER", bad)
        with pytest.raises(SystemExit, match="KPDESK_PUBLISHER"):
            buildinfo.publisher()


@pytest.mark.parametrize(("version", "four"), [("1.0", "1.0.0.0"), ("0.2.0rc1", "0.2.0.0"), ("2026.4", "2026.4.0.0")])
def test_the_four_part_version_is_computed_in_one_place(version, four):
    assert buildinfo.version4(version) == four


def test_no_script_makes_its_own_four_part_version():
    for script in (PACKAGING / "kpdesk.nsi", PACKAGING / "build-windows.ps1", PACKAGING / "build-and-check.sh"):
        text = script.read_text(encoding="utf-8-sig")
        assert not re.search(r"(VERSION\}|\$Version)\.0", text, re.I) and "version4" not in text, (
            f"{script.name} must leave the four numbers to make_installer.py (buildinfo.version4)"
        )
    assert "buildinfo.version4(version)" in (PACKAGING / "make_installer.py").read_text(encoding="utf-8")


@pytest.mark.parametrize("version", ["abc", "70000.1"])
def test_a_version_windows_cannot_store_is_refused(version):
    with pytest.raises(SystemExit, match="bốn số"):
        buildinfo.version_tuple(version)


def test_linux_build_keeps_a_console_and_a_onefile_switch_exists(tmp_path, monkeypatch):
    calls = run_spec(tmp_path, monkeypatch, "linux")
    assert calls["EXE"].kwargs["console"] is True and calls["EXE"].kwargs["version"] is None
    calls = run_spec(tmp_path, monkeypatch, "linux", ("--onefile",))
    assert "COLLECT" not in calls and calls["EXE"].args[2] == calls["Analysis"].binaries


def test_the_bundle_carries_templates_resources_examples_docx_template_and_version(tmp_path, monkeypatch):
    calls = run_spec(tmp_path, monkeypatch, "win32")
    datas = {
        (Path(src).relative_to(ROOT).as_posix() if Path(src).is_relative_to(ROOT) else src, dest)
        for src, dest, *_ in calls["Analysis"].datas
    }
    kinds = [k.id for k in all_kinds()]
    for kind in kinds:
        assert (f"templates/{kind}/kind.toml", f"templates/{kind}") in datas
    assert ("resources/kpdesk.ico", "resources") in datas and ("resources/kpdesk.png", "resources") in datas
    for example in (ROOT / "examples").glob("*.json"):
        assert (f"examples/{example.name}", "examples") in datas
    assert ("site-packages/docx/templates/default.docx", "docx/templates") in datas
    version_file = tmp_path / "work" / upgrade.BUNDLED_VERSION_FILE
    assert (str(version_file), ".") in {(s, d) for s, d, *_ in calls["Analysis"].kwargs["datas"]}
    assert version_file.read_text(encoding="utf-8").strip() == pyproject()["version"]
    assert calls["Analysis"].kwargs["module_collection_mode"] == {"docx.parts": "pyz+py"}
    assert not [dest for dest, *_ in calls["Analysis"].datas if "default-docx-template" in dest]


def test_unused_qt_parts_are_left_out_and_used_ones_never(tmp_path, monkeypatch):
    calls = run_spec(tmp_path, monkeypatch, "win32")
    analysis = calls["Analysis"]
    excludes = set(analysis.kwargs["excludes"])
    for module in (
        "PySide6.QtWebEngineCore",
        "PySide6.Qt3DCore",
        "PySide6.QtMultimedia",
        "PySide6.QtQml",
        "PySide6.QtQuick",
        "PySide6.QtNetwork",
        "tkinter",
        "pytest",
    ):
        assert module in excludes
    used = buildinfo.qt_modules_used()
    assert {"QtCore", "QtGui", "QtWidgets"} <= used
    assert not {f"PySide6.{m}" for m in used} & excludes
    kept = {dest for dest, *_ in analysis.binaries}
    assert kept == {
        "PySide6/Qt/lib/libQt6Core.so.6",
        "PySide6/plugins/platforms/qwindows.dll",
        "PySide6/plugins/styles/qmodernwindowsstyle.dll",
        "lxml/etree.pyd",
    }
    assert not [d for d, *_ in analysis.datas if "translations" in d]


def test_libraries_only_dropped_parts_needed_are_left_out_too():
    imports = {
        "/s/QtWidgets.so": {"libQt6Widgets.so.6"},
        "/s/libQt6Widgets.so.6": {"libQt6Gui.so.6"},
        "/s/libQt6Gui.so.6": {"libfreetype.so.6", "libicuuc.so.73"},
        "/s/libfreetype.so.6": set(),
        "/s/libicuuc.so.73": set(),
        "/s/qxcb.so": {"LIBX11.SO.6"},
        "/s/libX11.so.6": set(),
        "/s/libgtk-3.so.0": {"libpango.so.1"},
        "/s/libpango.so.1": set(),
        "/s/libpython3.11.so.1.0": set(),
        "/s/libkrb5.so.3": {"libfreetype.so.6"},
    }
    binaries = [
        ("PySide6/QtWidgets.abi3.so", "/s/QtWidgets.so", "EXTENSION"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/s/qxcb.so", "BINARY"),
        ("libpython3.11.so.1.0", "/s/libpython3.11.so.1.0", "BINARY"),
    ] + [
        (Path(src).name, src, "BINARY")
        for src in (
            "/s/libQt6Widgets.so.6",
            "/s/libQt6Gui.so.6",
            "/s/libfreetype.so.6",
            "/s/libicuuc.so.73",
            "/s/libX11.so.6",
            "/s/libgtk-3.so.0",
            "/s/libpango.so.1",
            "/s/libkrb5.so.3",
        )
    ]
    kept = buildinfo.without_unused_libraries(binaries, lambda source: imports[source])
    assert {Path(dest).name for dest, *_ in kept} == {
        "QtWidgets.abi3.so",
        "libqxcb.so",
        "libpython3.11.so.1.0",
        "libQt6Widgets.so.6",
        "libQt6Gui.so.6",
        "libfreetype.so.6",
        "libicuuc.so.73",
        "libX11.so.6",
    }, "the GTK and Kerberos chains go, links in any case"
    datas = [
        ("libpango.so.1", "libpango.so.1", "SYMLINK"),
        ("libQt6Gui.so.6", "libQt6Gui.so.6", "SYMLINK"),
        ("docx/templates/default.docx", "/s/default.docx", "DATA"),
    ]
    assert buildinfo.without_dangling_links(datas, kept) == datas[1:]


def test_pyinstallers_pyside6_hook_is_replaced_by_kpdesks_own_and_its_inspect_hook_left_out(tmp_path, monkeypatch):
    calls = run_spec(tmp_path, monkeypatch, "win32")
    names = [name for name, *_ in calls["Analysis"].scripts]
    assert names == ["pyiboot01_bootstrap", "rthook_kpdesk", "kpdesk_entry"]


def test_the_runtime_hook_points_qt_at_its_plugins_without_loading_qt(tmp_path):
    hook = PACKAGING / "hooks" / "rthook_kpdesk.py"
    bundle = tmp_path / USER / "_internal"
    code = (
        f"import sys; sys._MEIPASS = {str(bundle)!r}; exec(open({str(hook)!r}, encoding='utf-8').read()); "
        "import os; print(os.environ['QT_PLUGIN_PATH']); print('PySide6.QtCore' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", timeout=60)
    plugins, qt_loaded = result.stdout.splitlines()
    qt = bundle / "PySide6" if sys.platform == "win32" else bundle / "PySide6" / "Qt"
    assert (plugins, qt_loaded) == (str(qt / "plugins"), "False")


def test_python_docx_gets_its_default_parts_but_not_their_unpacked_source():
    assert buildinfo.keep_docx_file(("/sp/docx/templates/default.docx", "docx/templates"))
    assert buildinfo.keep_docx_file(("/sp/docx/templates/default-styles.xml", "docx/templates"))
    assert not buildinfo.keep_docx_file(
        ("/sp/docx/templates/default-docx-template/word/styles.xml", "docx/templates/default-docx-template/word")
    )
    import docx

    used = Path(docx.__file__).parent / "templates"
    for name in (
        "default.docx",
        "default-header.xml",
        "default-footer.xml",
        "default-settings.xml",
        "default-styles.xml",
    ):
        assert (used / name).is_file() and buildinfo.keep_docx_file((str(used / name), "docx/templates"))


def test_kpdesk_runs_without_the_modules_the_bundle_leaves_out(tmp_path):
    """As in the bundle: each left-out module fails to import. Every module of kpdesk and ui still imports, and the
    self-test (kinds, examples rendered and read back, the store, the main window) passes."""
    blocked = [m for m in buildinfo.PY_EXCLUDES if m not in ("pytest", "_pytest", "pytestqt", "hypothesis")]
    code = f"""
import importlib, importlib.abc, pkgutil, sys
BLOCKED = {blocked!r}
class Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if any(name == b or name.startswith(b + ".") for b in BLOCKED):
            raise ModuleNotFoundError(f"No module named {{name!r}} (left out of the bundle)", name=name)
sys.meta_path.insert(0, Absent())
for name in [m for m in sys.modules if any(m == b or m.startswith(b + ".") for b in BLOCKED)]:
    del sys.modules[name]
try:
    import ssl  # the control: left out, so this must fail
    raise SystemExit("ssl was importable: the stand-in for the bundle does not work")
except ModuleNotFoundError:
    pass
import kpdesk, ui
for package in (kpdesk, ui):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if not info.name.endswith(".__main__"):
            importlib.import_module(info.name)
from ui.selftest import run_selftest
raise SystemExit(run_selftest())
"""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "KPDESK_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "KẾT QUẢ: cả" in result.stdout


def test_a_qt_module_the_code_imports_keeps_its_library():
    assert not buildinfo.keep_qt_file("PySide6/Qt6Svg.dll")
    assert buildinfo.keep_qt_file("PySide6/Qt6Svg.dll", frozenset({"QtCore", "QtSvgWidgets"}))
    assert buildinfo.keep_qt_file("PySide6/Qt/lib/libQt6Network.so.6", frozenset({"QtNetwork"}))
    assert buildinfo.keep_qt_file("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so")


def test_the_entry_script_runtime_hook_and_icon_are_there():
    assert "from ui.launch import main" in (PACKAGING / "kpdesk_entry.py").read_text(encoding="utf-8")
    ico = (ROOT / "resources" / "kpdesk.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    sizes = {ico[6 + 16 * i] or 256 for i in range(count)}
    assert (reserved, kind) == (0, 1) and {16, 32, 48, 256} <= sizes and len(ico) < 64_000
    assert (ROOT / "resources" / "kpdesk.png").read_bytes().startswith(b"\x89PNG")


def test_the_runtime_hook_gives_a_windowed_program_somewhere_to_print():
    hook = PACKAGING / "hooks" / "rthook_kpdesk.py"
    code = (
        f"import sys; sys.stdout = None; sys.stderr = None; exec(open({str(hook)!r}, encoding='utf-8').read()); "
        "print('Lỗi: chữ có dấu'); sys.stderr.write('x')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------------------- the self-test


def test_the_selftest_passes_from_source_and_leaves_the_users_data_alone(tmp_path):
    home = vietnamese_home(tmp_path)
    data = home / "AppData" / "Local" / "kpdesk"
    temp = home / "AppData" / "Local" / "Temp"
    temp.mkdir(parents=True)
    env = {
        **os.environ,
        "HOME": str(home),
        "USERPROFILE": str(home),
        "KPDESK_DATA_DIR": str(data),
        "TMPDIR": str(temp),
        "TEMP": str(temp),
        "TMP": str(temp),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONUTF8": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    result = subprocess.run(
        [sys.executable, "-c", "from ui.selftest import run_selftest; raise SystemExit(run_selftest())"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout + result.stderr
    checks = lines[1:-1]
    assert all(line.startswith("OK  ") for line in checks), result.stdout
    assert len(checks) >= len(all_kinds()) + len(list((ROOT / "examples").glob("*.json"))) + 2
    assert any("cửa sổ chính" in line for line in checks) and lines[-1].startswith("KẾT QUẢ: cả")
    assert not data.exists(), "the self-test must work in a temporary folder, never in the user's data folder"
    assert list(temp.iterdir()) == [], "the self-test must remove its temporary folder"


def test_a_failing_check_is_a_loi_line_and_exit_1(tmp_path, monkeypatch):
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("KPDESK_EXAMPLES", str(tmp_path))
    lines: list[str] = []
    monkeypatch.setattr(selftest, "_check_window", lambda checks, data_dir: checks.ok("cửa sổ (bỏ qua)"))
    assert selftest.run_selftest(lines.append) == 1
    assert any(line.startswith("LỖI mẫu bad.json: đọc bản nháp") for line in lines)
    assert re.match(r"KẾT QUẢ: \d+/\d+ mục LỖI", lines[-1])


def test_examples_are_found_in_the_bundle_when_frozen(tmp_path, monkeypatch):
    monkeypatch.delenv("KPDESK_EXAMPLES", raising=False)
    assert selftest.examples_dir() == ROOT / "examples"
    bundle = tmp_path / USER / "kpdesk" / "_internal"
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert selftest.examples_dir() == bundle / "examples"


# ---------------------------------------------------------------------------- the installer script


def nsis() -> str:
    return NSI.read_text(encoding="utf-8-sig")


def uninstall_section(text: str) -> str:
    return re.search(r'^Section "Uninstall"\n(.*?)^SectionEnd', text, re.S | re.M).group(1)


def test_the_installer_is_per_user_without_administrator_rights():
    text = nsis()
    assert NSI.read_bytes().startswith(b"\xef\xbb\xbf"), "makensis reads Vietnamese text right only with a BOM"
    assert re.search(r"^RequestExecutionLevel user$", text, re.M)
    assert re.search(r'^InstallDir "\$LOCALAPPDATA\\Programs\\\$\{APP\}"$', text, re.M)
    assert '!define APP "kpdesk"' in text and "Unicode true" in text
    assert "HKLM" not in text and "$PROGRAMFILES" not in text
    for link in (r'CreateShortcut "$SMPROGRAMS\${APP}.lnk"', r'CreateShortcut "$DESKTOP\${APP}.lnk"'):
        assert link in text
    assert r'WriteRegStr HKCU "${UNINST_KEY}" "UninstallString"' in text
    assert '!define UNINST_KEY "Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\kpdesk"' in text


def functions(text: str, prefix: str = "") -> dict[str, str]:
    """The script's functions by name (the HELPERS macro's once, with `prefix` for ${UN})."""
    found = re.findall(r"^Function (\S+)\n(.*?)^FunctionEnd", text, re.S | re.M)
    return {name.replace("${UN}", prefix): body for name, body in found}


def test_the_uninstaller_removes_only_what_was_installed_and_never_the_data_folder():
    text = nsis()
    section = uninstall_section(text)
    used = {name: body for name, body in functions(text, "un.").items() if name.startswith("un.")}
    for body in (section, *used.values()):
        for needle in (
            "$LOCALAPPDATA",
            "$APPDATA",
            "$PROFILE",
            "$DOCUMENTS",
            "kpdesk.sqlite3",
            "backups",
            "last-run-version",
            "RMDir /r",
            "Software\\kpdesk",
        ):
            assert needle not in body
        for line in body.splitlines():
            line = line.strip()
            if line.startswith(("Delete ", "RMDir ")):
                target = line.split(" ", 1)[1].strip('"')
                # the record's lines (checked by IsInsidePath), its own files, and shortcuts whose target was read
                assert target.startswith(("$INSTDIR\\", "$SMPROGRAMS\\", "$DESKTOP\\")) or target in (
                    "$INSTDIR",
                    "$R0",
                ), line
            if line.startswith("DeleteReg"):
                assert line == 'DeleteRegKey HKCU "${UNINST_KEY}"'  # QSettings keep kpdesk's window state elsewhere
    assert "Call un.RemoveRecorded" in section and 'RMDir "$INSTDIR"' in section
    assert re.search(r"Call un\.SamePath\n\s*Pop \$R1\n\s*\$\{If\} \$R1 == \"1\"\n\s*DeleteRegKey", section), (
        "the Apps entry is removed only when it names this folder"
    )
    assert re.search(
        r"Call un\.SamePath\n\s*Pop \$R1\n\s*\$\{If\} \$R1 == \"1\"\n\s*Delete \$R0", used["un.DeleteOurShortcut"]
    ), "a shortcut is removed only when it starts this folder's kpdesk"
    assert "Delete $R0" not in section


def test_nothing_is_ever_removed_with_its_whole_folder():
    assert "RMDir /r" not in nsis() and "RMDir /R" not in nsis()
    remove = functions(nsis())["RemoveRecorded"]
    assert "Call ${UN}IsInsidePath" in remove and 'RMDir "$INSTDIR\\$R1"' in remove


def test_an_upgrade_replaces_program_files_only():
    text = nsis()
    install = re.search(r'^Section "\$\{APP\}" SecMain\n(.*?)^SectionEnd', text, re.S | re.M).group(1)
    assert re.findall(r'RMDir /r "([^"]+)"', install) == []
    assert install.index("Call RemoveRecorded") < install.index("!insertmacro INSTALL_BUNDLE_FILES")
    # the data folder is refused in the dialog and, for silent installs, again when the files are about to go in
    assert "$LOCALAPPDATA\\${APP}" in functions(text)["CheckInstallFolder"]
    assert "Call CheckInstallFolder" in functions(text)[".onVerifyInstDir"]
    assert install.index("Call CheckInstallFolder") < install.index("Call RemoveRecorded")


def test_32_bit_windows_is_refused_in_vietnamese_and_the_installer_is_x86():
    text = nsis()
    assert re.search(r"^Target x86-unicode$", text, re.M) and "amd64" not in text
    on_init = functions(text)[".onInit"]
    assert "${IfNot} ${RunningX64}" in on_init and "Windows 64-bit" in on_init and "/SD IDOK" in on_init
    assert '!include "x64.nsh"' in text


@pytest.mark.skipif(shutil.which("makensis") is None, reason="makensis (Debian package nsis) is not installed")
def test_the_installer_script_compiles_with_vietnamese_paths(tmp_path):
    dist = tmp_path / USER / "bản đóng gói" / "kpdesk"
    (dist / "_internal").mkdir(parents=True)
    (dist / "kpdesk.exe").write_bytes(b"MZ stand-in")
    (dist / "_internal" / "thư viện.txt").write_text("x", encoding="utf-8")
    out = tmp_path / USER / "bộ cài" / "kpdesk-setup.exe"
    result = subprocess.run(
        [sys.executable, str(PACKAGING / "make_installer.py"), str(dist), "--out", str(out), "--version", "1.2.3"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.stat().st_size > 50_000


# ---------------------------------------------------------------------------- upgrade backup


def data_dir_of(tmp_path: Path) -> Path:
    return vietnamese_home(tmp_path) / "AppData" / "Local" / "kpdesk"


def test_a_fresh_install_records_its_version_without_a_backup(tmp_path):
    data = data_dir_of(tmp_path)
    result = upgrade.check_upgrade(data, "0.1.0")
    assert (result.previous, result.backup, result.error) == (None, None, None)
    assert upgrade.last_run_version(data) == "0.1.0"


def test_each_new_version_backs_up_once_before_its_first_start(tmp_path):
    from kpdesk.store import Store, list_backups

    data = data_dir_of(tmp_path)
    assert upgrade.check_upgrade(data, "0.1.0").backup is None
    with Store.open(data) as store:
        store.add_draft(drafts.load(EXAMPLE))
    before = set(list_backups(data))
    assert upgrade.check_upgrade(data, "0.1.0").backup is None
    first = upgrade.check_upgrade(data, "0.2.0")
    assert first.upgraded and first.previous == "0.1.0" and first.backup is not None and first.error is None
    assert first.backup.is_file() and first.backup.parent.parent == data.resolve()
    assert first.backup.name.endswith("-upgrade.sqlite3")
    for _ in range(3):
        assert upgrade.check_upgrade(data, "0.2.0").backup is None
    assert set(list_backups(data)) - before == {first.backup}
    assert upgrade.check_upgrade(data, "0.3.0").backup is not None
    assert upgrade.last_run_version(data) == "0.3.0"


def test_data_from_before_the_check_existed_is_backed_up_too(tmp_path):
    from kpdesk.store import Store

    data = data_dir_of(tmp_path)
    Store.open(data).close()
    result = upgrade.check_upgrade(data, "0.2.0")
    assert result.previous is None and result.backup is not None


def test_a_failed_backup_is_reported_and_tried_again_next_start(tmp_path):
    from kpdesk.store import DB_NAME, Store

    data = data_dir_of(tmp_path)
    Store.open(data).close()
    upgrade.check_upgrade(data, "0.1.0")
    (data / DB_NAME).write_bytes(b"this is not a database" * 100)
    result = upgrade.check_upgrade(data, "0.2.0")
    assert result.error and result.backup is None
    assert upgrade.last_run_version(data) == "0.1.0"


def test_the_running_version_comes_from_pyproject_or_from_the_bundle(tmp_path, monkeypatch):
    assert upgrade.app_version() == pyproject()["version"]
    bundle = tmp_path / USER / "_internal"
    bundle.mkdir(parents=True)
    (bundle / upgrade.BUNDLED_VERSION_FILE).write_text("9.8.7\n", encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert upgrade.app_version() == "9.8.7"


# ---------------------------------------------------------------------------- Vietnamese letters and spaces


def test_the_data_folder_may_be_under_a_vietnamese_user_folder(tmp_path, monkeypatch):
    from kpdesk.store import Store, default_data_dir

    home = vietnamese_home(tmp_path)
    monkeypatch.delenv("KPDESK_DATA_DIR", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("LOCALAPPDATA", str(home / "AppData" / "Local"))
    data = default_data_dir()
    assert USER in str(data)
    monkeypatch.setenv("KPDESK_DATA_DIR", str(home / "Dữ liệu kpdesk"))
    with Store.open() as store:
        draft_id = store.add_draft(drafts.load(EXAMPLE))
        assert store.load(draft_id) is not None
        backup = store.backup("manual")
    assert backup.is_file() and USER in str(backup)


def test_reports_export_into_a_vietnamese_folder_and_read_back(tmp_path):
    folder = vietnamese_home(tmp_path) / "Tài liệu" / "Báo cáo gửi Sở"
    folder.mkdir(parents=True)
    d = drafts.load(EXAMPLE)
    result = render_to_file(d, folder / "Báo cáo tháng 4 năm 2026.docx", allow_errors=True)
    assert result.path.is_file()
    assert drafts.to_json(draft_from_docx(result.path)) == drafts.to_json(d)


def test_kinds_are_found_in_a_vietnamese_install_folder(tmp_path, monkeypatch):
    program = vietnamese_home(tmp_path) / "AppData" / "Local" / "Programs" / "kpdesk" / "_internal"
    shutil.copytree(templates_dir(), program / "templates")
    monkeypatch.delenv("KPDESK_TEMPLATES", raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(program), raising=False)
    assert templates_dir() == program / "templates"
    kind = get_kind(drafts.load(EXAMPLE).kind)
    assert kind.folder == program / "templates" / kind.id
    out = program.parent.parent / "Báo cáo.docx"
    render_to_file(drafts.load(EXAMPLE), out, allow_errors=True)
    assert out.is_file()


# ---------------------------------------------------------------------------- the real build


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("KPDESK_BUILD_TEST") != "1", reason="set KPDESK_BUILD_TEST=1 to build the bundle")
def test_the_frozen_bundle_builds_and_passes_its_selftest(tmp_path):
    env = {
        **os.environ,
        "KPDESK_DIST": str(tmp_path / USER / "dist"),
        "KPDESK_WORK": str(tmp_path / "work"),
        "PYTHON": sys.executable,
    }
    result = subprocess.run(
        ["bash", str(PACKAGING / "build-and-check.sh")],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=1800,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    assert "OK: bundle built and checked" in result.stdout


def test_a_regular_install_carries_the_report_kinds_and_the_examples(tmp_path):
    """`pip install .` (not editable) must ship templates/ and examples/, which sit outside the Python packages."""
    import zipfile

    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    [wheel] = tmp_path.glob("kpdesk-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for kind in kind_folders(ROOT / "templates"):
        assert f"kpdesk_templates/{kind.name}/kind.toml" in names
        assert f"kpdesk_templates/{kind.name}/body.j2" in names
    for example in (ROOT / "examples").glob("*.json"):
        assert f"kpdesk_examples/{example.name}" in names
    assert "ui/launch.py" in names and "kpdesk/render/frame.py" in names
    # every module of the program, in every package (a package left out of pyproject's list is a program that
    # cannot start once installed)
    sources = {
        p.relative_to(ROOT).as_posix()
        for folder in ("kpdesk", "ui")
        for p in (ROOT / folder).rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert sources <= names, sorted(sources - names)
