"""The start: the window shows its frame first and fills its lists right after its first paint."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

import ui
from kpdesk import draft as drafts
from kpdesk.caching import CODE_DIR
from ui.main_window import MainWindow


def commune_with_examples(tmp_path: Path, kit) -> None:
    """A data folder in `tmp_path` whose mode is a commune's, holding the examples (see `start_twice`)."""
    from kpdesk.store import Store
    from ui.department.mode import MODE_KEY

    with Store.open(tmp_path / "data") as store:
        add_examples(store, kit)
        store.set_setting(MODE_KEY, "commune")


def start_twice(tmp_path: Path, script: str) -> subprocess.CompletedProcess[str]:
    """Run `script` (which starts the window through `ui.launch.main`) in a fresh Python on the data folder in
    `tmp_path`, twice, and return the second run: the first reads the kinds from their files (and compiles their
    titles), the second is the usual start, the kinds from the cache. The window quits once it is shown, filled and
    idle (`KPDESK_BENCH_IDLE`)."""
    env = {
        **os.environ,
        "KPDESK_DATA_DIR": str(tmp_path / "data"),
        "KPDESK_CACHE_DIR": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "QT_QPA_PLATFORM": "offscreen",
        "KPDESK_BENCH_IDLE": "1",
    }
    for _ in range(2):
        run = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=Path(ui.__file__).parents[1]
        )
        assert run.returncode == 0, run.stderr
    return run


def add_examples(store, kit) -> int:
    example = drafts.load(kit.EXAMPLES[0])
    unit_id = store.save_unit(kit.profile_for(example))
    for path in kit.EXAMPLES:
        store.add_draft(drafts.load(path), unit_id)
    return len(kit.EXAMPLES)


class PaintLog(QObject):
    """Whether the window was filled at each paint of the window itself."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window, self.filled_at_paint = window, []

    def eventFilter(self, obj, event):  # noqa: N802 - Qt naming
        if obj is self.window and event.type() == QEvent.Type.Paint:
            self.filled_at_paint.append(self.window.is_filled)
        return False


def test_a_window_filled_later_is_painted_first_then_lists_the_drafts(qtbot, store, settings, kit):
    count = add_examples(store, kit)
    window = MainWindow(store, settings, today=kit.TODAY, fill_later=True)
    qtbot.addWidget(window)
    assert not window.is_filled
    assert window.list_page.table.rowCount() == 0 and window.kinds == []
    assert window.list_page.kind_filter.count() == 1  # «Mọi loại báo cáo» only, until the kinds are read
    paints = PaintLog(window)
    window.installEventFilter(paints)
    with qtbot.waitSignal(window.filled, timeout=5000):
        window.show()
    assert paints.filled_at_paint[:1] == [False], "the frame is painted before the lists are filled"
    assert window.is_filled and window.list_page.table.rowCount() == count
    assert window.list_page.kind_filter.count() == 1 + len(window.kinds) and window.kinds
    assert window.home.due is not None
    filled: list[bool] = []
    window.filled.connect(lambda: filled.append(True))
    window.fill()  # once only
    qtbot.wait(20)
    assert filled == [] and window.list_page.table.rowCount() == count


def test_what_needs_the_lists_fills_them_first(qtbot, store, settings, kit):
    add_examples(store, kit)
    window = MainWindow(store, settings, today=kit.TODAY, fill_later=True)
    qtbot.addWidget(window)
    kind_id = drafts.load(kit.EXAMPLES[0]).kind
    assert window.kind(kind_id) is not None
    assert window.is_filled and window.list_page.table.rowCount() == len(kit.EXAMPLES)


def test_a_window_closed_before_its_fill_is_not_filled_by_the_timer(qtbot, store, settings, kit):
    add_examples(store, kit)
    window = MainWindow(store, settings, today=kit.TODAY, fill_later=True)
    qtbot.addWidget(window)
    window.show()
    window.close()  # before the event loop ran: the program may close its store next
    qtbot.wait(400)  # longer than the latest fill
    assert not window.is_filled


def test_a_window_filled_at_once_by_default(qtbot, store, settings, kit):
    count = add_examples(store, kit)
    window = MainWindow(store, settings, today=kit.TODAY)
    qtbot.addWidget(window)
    assert window.is_filled and window.list_page.table.rowCount() == count


def test_kpdesk_alone_opens_the_window_without_the_command_line_parser(qtbot, tmp_path, monkeypatch, answers):
    from kpdesk import cli
    from ui.launch import main

    def no_parser():
        raise AssertionError("the window's start built the command line's parser")

    monkeypatch.setattr(cli, "build_parser", no_parser)
    monkeypatch.setenv("KPDESK_DATA_DIR", str(tmp_path / "data"))
    shown: list[MainWindow] = []
    monkeypatch.setattr(MainWindow, "ensure_profile", lambda self: shown.append(self) or True)
    monkeypatch.setattr(QApplication, "exec", lambda self=None: 0)
    assert main([]) == 0
    [window] = shown
    qtbot.addWidget(window)
    assert window.isVisible() and (tmp_path / "data" / "kpdesk.sqlite3").exists()
    assert not window.is_filled  # the program's start fills its lists after the first paint
    window.close()


def test_pyside_does_not_read_the_source_of_each_module_imported(tmp_path, monkeypatch):
    import linecache

    import ui.app  # noqa: F401 - it stops the scan before importing the core

    feature = sys.modules.get("shibokensupport.feature")
    if feature is None:  # a PySide without the scan: nothing to stop
        return
    assert feature._mod_uses_pyside(object()) is True
    (tmp_path / "kpdesk_probe_module.py").write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = __import__("kpdesk_probe_module")  # the import statement's way, which PySide watches
    try:
        assert module.VALUE == 1
        assert str(tmp_path / "kpdesk_probe_module.py") not in linecache.cache
        assert feature.pyside_feature_dict.get("kpdesk_probe_module") == 0  # the plain Qt API, as before
    finally:
        sys.modules.pop("kpdesk_probe_module", None)


def test_the_scan_is_stopped_also_when_qt_was_loaded_before_kpdesk(tmp_path):
    """A PyInstaller runtime hook, a test or a harness may load Qt before the `ui` package: importing `ui` then
    stops the scan at once, before `ui.app` and its imports run."""
    (tmp_path / "kpdesk_probe_late.py").write_text("import textwrap\nVALUE = 2\n", encoding="utf-8")
    script = (
        "import linecache, sys\n"
        "from PySide6.QtCore import QObject\n"  # Qt first
        "import ui\n"
        f"sys.path.insert(0, {str(tmp_path)!r})\n"
        "import kpdesk_probe_late\n"
        "print(kpdesk_probe_late.VALUE, any(name.endswith('kpdesk_probe_late.py') for name in linecache.cache))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=Path(ui.__file__).parents[1]
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["2", "False"]


def test_the_window_start_compiles_pysides_support_modules_once(tmp_path, kit):
    """PySide compiles its support modules from source at every start (no .pyc): the window's start has them
    compiled once into the cache folder (`ui.load_qt`), and the second start compiles nothing at all."""
    commune_with_examples(tmp_path, kit)
    script = (
        "from ui.launch import main\n"
        "code = main([])\n"
        "from kpdesk import caching\n"
        "print('exit', code, 'compiled', caching.COUNTS['compiled'])\n"
    )
    run = start_twice(tmp_path, script)
    assert run.stdout.split()[-4:] == ["exit", "0", "compiled", "0"], run.stdout
    entries = marshal.loads((tmp_path / "cache" / CODE_DIR / "shibokensupport.marshal").read_bytes())["code"]
    names = {name for name, _flags, _source in entries}
    assert "signature_bootstrap.py" in names and "shibokensupport/signature/loader.py" in names


#: What PySide's support modules make, printed: the signatures they give Qt's functions, their own functions' code
#: flags (PySide's importer compiles them with its `from __future__ import annotations`), and which modules there are.
SUPPORT_PROBE = r"""
import inspect, json, sys, ui
cached = ui.load_qt()
from PySide6.QtWidgets import QTableWidget, QWidget
support = sorted(name for name in sys.modules if name.startswith("shibokensupport"))
flags = {
    name: {key: value.__code__.co_flags for key, value in sorted(vars(sys.modules[name]).items())
           if inspect.isfunction(value)}
    for name in support
}
from shibokensupport.signature import get_signature
signatures = [str(get_signature(f)) for f in (QWidget.resize, QWidget.setWindowTitle, QTableWidget.setItem)]
print(json.dumps({"cached": cached, "support": support, "flags": flags, "signatures": signatures}))
"""


def test_pysides_support_modules_from_the_cache_are_the_ones_it_compiles(tmp_path):
    def probe(cache: str) -> dict:
        env = {**os.environ, "KPDESK_CACHE_DIR": cache, "QT_QPA_PLATFORM": "offscreen"}
        run = subprocess.run(
            [sys.executable, "-c", SUPPORT_PROBE],
            capture_output=True,
            text=True,
            env=env,
            cwd=Path(ui.__file__).parents[1],
        )
        assert run.returncode == 0, run.stderr
        return json.loads(run.stdout.splitlines()[-1])

    plain, first, second = probe(""), probe(str(tmp_path)), probe(str(tmp_path))
    assert not plain["cached"] and first["cached"] and second["cached"]
    annotations = [f for module in plain["flags"].values() for f in module.values() if f & 0x1000000]
    assert len(plain["support"]) >= 10 and annotations, "compiled with `from __future__ import annotations`"
    for run in (first, second):
        assert {k: v for k, v in run.items() if k != "cached"} == {k: v for k, v in plain.items() if k != "cached"}


def test_the_scan_is_stopped_as_soon_as_load_qt_has_loaded_qt(tmp_path):
    """The window's start loads Qt in `ui.load_qt`, before `ui.app` (a large module) is imported: PySide must not
    read the source of that or of any module imported after (its peak memory was 0.9 MiB higher)."""
    (tmp_path / "kpdesk_probe_after.py").write_text("VALUE = 3\n", encoding="utf-8")
    script = (
        "import linecache, sys, ui\n"
        "ui.load_qt()\n"
        f"sys.path.insert(0, {str(tmp_path)!r})\n"
        "import kpdesk_probe_after\n"
        "print(kpdesk_probe_after.VALUE, any(name.endswith('kpdesk_probe_after.py') for name in linecache.cache))\n"
    )
    env = {**os.environ, "KPDESK_CACHE_DIR": str(tmp_path / "cache")}
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=Path(ui.__file__).parents[1]
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["3", "False"]


def test_kpdesk_bench_idle_prints_when_the_window_is_filled_and_idle_then_quits(
    qtbot, store, kit, monkeypatch, capsys, answers
):
    import argparse
    import time

    from ui import app as app_module
    from ui.department.mode import MODE_KEY

    add_examples(store, kit)
    store.set_setting(MODE_KEY, "commune")
    monkeypatch.setenv(app_module.BENCH_IDLE_ENV, "1")
    shells = []
    real = app_module.report_idle
    monkeypatch.setattr(app_module, "report_idle", lambda app, shell: (shells.append(shell), real(app, shell)))
    before = time.perf_counter()
    assert app_module.run(argparse.Namespace(data_dir=str(store.data_dir))) == 0  # it quit by itself
    [line] = [x for x in capsys.readouterr().out.splitlines() if x.startswith("kpdesk-idle ")]
    assert before < float(line.split()[1]) <= time.perf_counter()
    window = shells[0].window
    qtbot.addWidget(window)
    assert window.is_filled and window.home.due is not None  # the home, the view shown
    assert not window.views.drafts_made  # the other tab is made when first opened
    window.close()


#: Classes of QtGui the window's start does not build (PySide builds a class's enums when it is first used): QIcon
#: (`push_button`, `menu_action`), QKeySequence (`set_shortcut`), QPainter's (`status_pixmap`: the second start reads
#: its marks from the cache folder).
UNBUILT = ("QIcon", "QKeySequence", "QPainter", "QPainterPath", "QTransform")
#: Nor QtCore's QItemSelectionModel: the list of drafts finds its chosen row from its items (`current_info`).
UNBUILT_CORE = ("QItemSelectionModel",)
#: Modules the window's start does not need, imported when first used: the list of drafts, the edits' model, the
#: kinds' template sandbox, what changes between two versions of a kind, the full kinds (their model, loader and
#: cache, and pickle: the start lists kinds from their summaries), the drafts' own module, the wizard, Jinja,
#: `decimal` (no fraction is read or written before a draft is opened), and the rules for numbers, money, references
#: and phones (`kpdesk.vn`: the start cleans text and writes dates with `kpdesk.text`).
LATER = (
    "decimal",
    "ui.draft_list",
    "kpdesk.edits",
    "kpdesk.template_env",
    "kpdesk.sandbox",
    "kpdesk.kinds.changes",
    "kpdesk.kinds.model",
    "kpdesk.kinds.loader",
    "kpdesk.kinds.cache",
    "pickle",
    "kpdesk.draft",
    "ui.wizard.wizard",
    "jinja2",
    "kpdesk.vn",
    "kpdesk.store.opened",
)


@pytest.mark.parametrize("view", ["home", "drafts"])
def test_the_start_builds_neither_the_qt_namespace_nor_qicon(tmp_path, kit, view):
    """Up to the window shown with its view filled, nothing touches PySide's `Qt` namespace: PySide builds its 93
    enums the first time anything in it is used, 35-40 ms of the start (`ui.widgets.common.set_keys`). Nor QIcon,
    whose 151 theme icons a button or action made with its text would build (`push_button`, `menu_action`), nor
    QItemSelectionModel (`DraftListPage.current_info`). Checked on a folder whose home lists due reports (their
    status icons and rows are built too), and with the list of drafts as the view open last."""
    from ui.home import VIEW_KEY

    commune_with_examples(tmp_path, kit)
    script = (
        "import sys\n"
        "import ui.app\n"
        "from ui.launch import main\n"
        "from ui.main_window import MainWindow\n"
        "from ui.settings import Settings\n"
        f"LATER = {LATER!r}\n"
        f"Settings().q.setValue({VIEW_KEY!r}, {view!r})\n"
        "code = main([])\n"
        "[window] = [w for w in ui.app.QApplication.topLevelWidgets() if isinstance(w, MainWindow)]\n"
        f"UNBUILT = {UNBUILT!r}\n"
        "gui = sys.modules['PySide6.QtGui'].__dict__\n"
        f"UNBUILT_CORE = {UNBUILT_CORE!r}\n"
        "core = sys.modules['PySide6.QtCore'].__dict__\n"
        "built = 'Qt' in core or any(name in gui for name in UNBUILT) or any(name in core for name in UNBUILT_CORE)\n"
        "listed = window.list_page.table.rowCount() if window.views.drafts_made else None\n"
        "print(code, window.is_filled, window.home.due is not None, len(window.home.rows) > 0, listed, built)\n"
        "print(*sorted(m for m in LATER if m in sys.modules))\n"
        "from kpdesk.caching import COUNTS\n"
        "from kpdesk.store import backups\n"
        "print(COUNTS['compiled'], COUNTS['found'], backups._TEMP_NAME.compiled or backups._BACKUP_NAME.compiled)\n"
    )
    run = start_twice(tmp_path, script)
    # only the view shown is built at start: the home behind the list has worked out what is due, not its rows
    listed = str(len(kit.EXAMPLES)) if view == "drafts" else "None"
    rows = str(view == "home")
    assert run.stdout.splitlines()[-3].split() == ["0", "True", "True", rows, listed, "False"], run.stdout
    loaded = ["ui.draft_list"] if view == "drafts" else []  # what the start left for later stayed unloaded
    assert run.stdout.splitlines()[-2].split() == loaded, run.stdout
    compiled, found, temp_pattern = run.stdout.splitlines()[-1].split()  # the dataclasses' code came from the cache
    assert int(compiled) == 0 and int(found) > 50, run.stdout
    assert temp_pattern == "False", "the store compiled a file-name pattern: no temporary file, a backup of today"


def test_the_list_of_drafts_is_made_and_filled_when_its_tab_is_first_opened(qtbot, store, settings, kit):
    from ui.home import MainViews

    count = add_examples(store, kit)
    window = MainWindow(store, settings, today=kit.TODAY)
    qtbot.addWidget(window)
    window.show()
    assert window.is_filled and window.views.currentIndex() == MainViews.HOME
    assert not window.views.drafts_made, "a start on the home does not make the other tab"
    window.views.setCurrentIndex(MainViews.DRAFTS)
    assert window.views.drafts_made
    page = window.list_page
    assert page.isVisible() and page.table.rowCount() == count
    assert page.kind_filter.count() == 1 + len(window.kinds)
    assert window.unit() is not None and window.unit().full_name in page.heading.text()
    assert window.list_page is page  # made once


def test_the_list_remembered_as_the_last_view_is_made_and_filled_at_start(qtbot, store, settings, kit):
    from ui.home import VIEW_KEY, MainViews

    count = add_examples(store, kit)
    settings.q.setValue(VIEW_KEY, "drafts")
    window = MainWindow(store, settings, today=kit.TODAY, fill_later=True)
    qtbot.addWidget(window)
    assert not window.views.drafts_made  # the frame first
    with qtbot.waitSignal(window.filled, timeout=5000):
        window.show()
    assert window.views.currentIndex() == MainViews.DRAFTS and window.views.drafts_made
    assert window.list_page.table.rowCount() == count and window.home.due is not None
    assert QApplication.focusWidget() is window.list_page.table
    due = len(window.home.due.items)
    assert due and window.views.tabText(MainViews.HOME) == f"Việc cần làm ({due})"  # counted for its tab
    assert window.home.rows == [] and not window.home.findChildren(QWidget)  # made when the home is first shown
    window.views.setCurrentIndex(MainViews.HOME)
    assert len(window.home.rows) == due
    qtbot.waitUntil(window.home.rows[0].isVisible, timeout=2000)
    assert window.unit().full_name in window.home.heading.text() and window.home.footer.isVisible()
    assert "Hôm nay" in window.home.subtitle.text() and not window.home.empty.isVisible()


def test_the_window_closed_during_the_background_check_waits_for_it_and_ends_cleanly(tmp_path, kit):
    """The window quits at its first idle (`KPDESK_BENCH_IDLE`), just as the background check of the data starts,
    here slowed to 0.4 s: the program waits for it, then ends with code 0. It crashed there (the check's thread
    emitting into Qt torn down, then a message box without an application: SIGABRT or SIGSEGV)."""
    commune_with_examples(tmp_path, kit)
    script = (
        "import time\n"
        "from kpdesk.store import Store\n"
        "inspect = Store._inspect\n"
        "def slow(self):\n"
        "    time.sleep(0.4)\n"
        "    found = inspect(self)\n"
        "    print('checked', flush=True)\n"
        "    return found\n"
        "Store._inspect = slow\n"
        "from ui.launch import main\n"
        "print('exit', main([]))\n"
    )
    run = start_twice(tmp_path, script)  # each of the two runs exits with 0
    assert "Signal source" not in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert run.stdout.split()[-3:] == ["checked", "exit", "0"], "the check went to its end before the program's"


def test_the_start_runs_no_garbage_collection_until_the_window_is_idle(tmp_path, kit):
    """`kpdesk` alone raises Python's first collection threshold while the window starts (`ui.collect_later`):
    Python's collector ran 36 times in a start, over objects that live as long as the program. Once the window is
    idle the thresholds are Python's again and what the start made is frozen out of the collector's sight; from then
    on the collector runs on the UI thread only, never in a worker, until the program ends."""
    commune_with_examples(tmp_path, kit)
    script = (
        "import gc\n"
        "RUNS = []\n"
        "gc.callbacks.append(lambda phase, info: phase == 'stop' and RUNS.append(info['generation']))\n"
        "usual = gc.get_threshold()\n"
        "import ui\n"
        "seen = {}\n"
        "later, real = ui.collect_later, ui.collect_as_usual\n"
        "def at_start():\n"
        "    seen.update(before=len(RUNS))\n"
        "    later()\n"
        "    import ui.operations as operations\n"  # then collected on the UI thread only (`UiThreadCollector`)
        "    start = operations.UiThreadCollector.start\n"
        "    def started(self):\n"
        "        start(self)\n"
        "        seen.update(automatic=gc.isenabled(), by_the_ui=self.timer.isActive())\n"
        "    operations.UiThreadCollector.start = started\n"
        "ui.collect_later = at_start\n"
        "def at_idle(**kwargs):\n"
        "    if kwargs.get('keep_what_started'):\n"
        "        seen.update(runs=len(RUNS) - seen['before'], during=gc.get_threshold())\n"
        "    real(**kwargs)\n"
        "    if kwargs.get('keep_what_started'):\n"
        "        seen.update(after=gc.get_threshold(), frozen=gc.get_freeze_count())\n"
        "ui.collect_as_usual = at_idle\n"
        "from ui.launch import main\n"
        "code = main([])\n"
        "print(code, seen['runs'], seen['during'][0], seen['after'] == usual, gc.get_threshold() == usual)\n"
        "print(seen['frozen'])\n"
        "print(seen['automatic'], seen['by_the_ui'], gc.isenabled())\n"
    )
    run = start_twice(tmp_path, script)
    code, runs, during, after_is_usual, at_end_is_usual = run.stdout.splitlines()[-3].split()
    assert (code, runs, during, after_is_usual, at_end_is_usual) == ("0", "0", "50000", "True", "True"), run.stdout
    assert int(run.stdout.splitlines()[-2]) > 20_000, "what the start made is frozen out of the collector's sight"
    # then no automatic collection (it could run in a worker thread) but the UI thread's, until the program ends
    assert run.stdout.splitlines()[-1].split() == ["False", "True", "True"], run.stdout


def test_collect_later_and_as_usual_give_the_thresholds_back():
    import gc

    usual = gc.get_threshold()
    try:
        ui.collect_as_usual()  # not deferred: nothing changes
        assert gc.get_threshold() == usual
        ui.collect_later()
        ui.collect_later()  # twice: the usual thresholds are still the ones kept
        assert gc.get_threshold() == (ui.START_COLLECT_EVERY, *usual[1:])
        ui.collect_as_usual()
        assert gc.get_threshold() == usual
    finally:
        gc.set_threshold(*usual)
