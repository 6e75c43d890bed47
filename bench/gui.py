"""The window, in fresh subprocesses (Qt offscreen): start to the main window shown and idle, and peak memory.

Each run is a new `python -c` process. Its first line reads `time.perf_counter()`; it then imports, builds and
shows the window and runs the event loop until the loop is about to block (`QAbstractEventDispatcher.aboutToBlock`)
with the main window visible and exposed and its lists filled: shown and idle. Two moments are marked before:
"painted", when the loop is about to block after the main window's first paint event (an event filter on that
window alone, installed when it is shown; by then its widgets are painted and flushed), and "listed", the first
such moment with the view on screen filled (`MainWindow.is_filled`; a bare window counts as filled). The window
opens on the view open last: the home («Việc cần làm», the reports due, each with its draft if there is one) as on
a first start, or the list of drafts, measured apart with that view remembered; the other tab is made when it is
first opened. Views are filled by a zero timer after the first paint, and what they change is repainted before
the loop blocks again, so "listed" is the moment the officer sees them; "idle" is the same moment unless a
background operation still runs. It prints, for each moment:
  - seconds since its first line (Python already started: imports, window, first paint);
  - seconds since the process was created: the parent reads `time.perf_counter()` (CLOCK_MONOTONIC, shared by
    all processes on Linux) just before spawning it and passes it in, so this includes the interpreter's start;
    the kernel's creation time (/proc/self/stat, 10 ms ticks) is printed beside it as a check;
  - the peak RSS so far (`resource.getrusage(RUSAGE_SELF).ru_maxrss`).

kpdesk: the installed program's entry point itself (`ui.launch.main([])`: command line, upgrade check,
`ui.app.run`; plain `ui.app.run()` before ui/launch.py existed), as `kpdesk` with no arguments runs it; the
program's own `make_app` is wrapped only to watch its event loop, and the harness imports nothing of Qt before the
program has loaded it (its paint watch is set up then), so that Qt loads as the program loads it. On a temporary
data folder (`KPDESK_DATA_DIR`) holding one unit profile and the four example drafts, with QSettings in a
temporary XDG_CONFIG_HOME. After the first idle the same process opens the largest example draft in the wizard
(`MainWindow.open_draft`), visits every step (the last one builds the print preview), waits until idle again and
reports the peak RSS: the memory figure.
Floor: a bare PySide6 `QApplication` + `QMainWindow` (1280×720, the size kpdesk opens at) doing the same.
Beside them, with no goal, the list of drafts' view made by Qt alone (`WIDGETS`: the same menus, tabs, filters,
table and buttons, none of kpdesk imported), filled after its first paint: how much of the ratio the widgets take;
and the bare window with Qt loaded as kpdesk's start loads it (`BARE_QT_CACHED`: `ui.load_qt`, PySide's support
modules' code from the cache folder), so that kpdesk's ratio can also be read against a floor that has that gain.
Goals: each view listed at most 1.3× the bare window painted, idle at most 1.3× the bare window idle, and the peak
memory with the wizard open at most 1.8× the bare window's. The cache folder (`KPDESK_CACHE_DIR`) is a
temporary one, filled first as a program used for months has it (every module's dataclasses: `FILL_CACHES`), then
by the warm-up runs, as the officer's first start fills the kinds' cache.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import ROOT, Config, Result, child_env, largest_example, log, median, skipped, timing

AREA = "gui"
START_GOAL = 1.3
TIMEOUT_S = 120

_COMMON = r'''
import json, os, resource, sys
def _proc_age():
    try:
        with open("/proc/self/stat") as f:
            rest = f.read().rsplit(")", 1)[1].split()
        return time.clock_gettime(time.CLOCK_BOOTTIME) - int(rest[19]) / os.sysconf("SC_CLK_TCK")
    except Exception:
        return None
OUT = {}
def mark(key):
    now = time.perf_counter()
    spawn = os.environ.get("BENCH_T_SPAWN")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    OUT[key] = {"since_first_line": now - T0, "since_spawn": (now - float(spawn)) if spawn else None,
                "since_process_created": _proc_age(), "cpu_s": usage.ru_utime + usage.ru_stime,
                "peak_rss_mib": usage.ru_maxrss / 1024}
def report():
    sys.stdout.write("BENCH-RESULT " + json.dumps(OUT) + "\n")
    sys.stdout.flush()
PAINT = None
def watch_paint():
    """Watch the first main window shown (PAINT), from now on. Called once Qt is loaded: kpdesk's script calls it
    when the program makes its application, so that the program loads Qt itself, where and as it does."""
    global PAINT
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QMainWindow
    class PaintWatch(QObject):
        """Watches the main window's own events only (an application-wide filter would slow every event down): marks
        "painted" when the loop is about to block after the window's first paint event (its widgets are painted
        then, and flushed), and "listed" at the first such moment with its lists filled (`is_filled`)."""
        def __init__(self):
            super().__init__()
            self.window = None
            self.seen = False
        def watch(self, window):
            if self.window is None:
                self.window = window
                window.installEventFilter(self)
        def eventFilter(self, obj, event):
            if not self.seen and event.type() == QEvent.Type.Paint:
                self.seen = True
            return False
        def on_block(self):
            if self.seen and self.window is not None:
                if "painted" not in OUT:
                    mark("painted")
                if "listed" not in OUT and getattr(self.window, "is_filled", True):
                    mark("listed")
                    self.window.removeEventFilter(self)
    PAINT = PaintWatch()
    _show = QMainWindow.show
    def _watched_show(self):  # the first main window shown is the one watched
        PAINT.watch(self)
        _show(self)
    QMainWindow.show = _watched_show
'''

#: The end of the bare window's script and of WIDGETS': show `window`, then quit when it is idle (painted, listed).
_SHOW_UNTIL_IDLE = r"""
window.show()
def on_block():
    PAINT.on_block()
    handle = window.windowHandle()
    if "idle" not in OUT and "listed" in OUT and window.isVisible() and handle is not None and handle.isExposed():
        mark("idle")
        app.quit()
QAbstractEventDispatcher.instance().aboutToBlock.connect(on_block)
app.exec()
report()
"""

_BARE_WINDOW = (
    r"""
from PySide6.QtCore import QAbstractEventDispatcher
from PySide6.QtWidgets import QApplication, QMainWindow
watch_paint()
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setWindowTitle("bare")
window.resize(1280, 720)
"""
    + _SHOW_UNTIL_IDLE
)
BARE = "import time; T0 = time.perf_counter()\n" + _COMMON + _BARE_WINDOW
#: The bare window, Qt loaded as kpdesk's start loads it (`ui.load_qt`: PySide's support modules' code from the
#: cache folder, not compiled from their source): what that alone gains, so that kpdesk's ratio can be read
#: against a floor that has it too.
BARE_QT_CACHED = "import time; T0 = time.perf_counter()\n" + _COMMON + "import ui\nui.load_qt()\n" + _BARE_WINDOW

#: The list of drafts' view as Qt alone makes it, none of kpdesk imported: the menus and their entries, the two tabs,
#: the list's heading, filters, five-column table and buttons, the status bar; filled after the first paint as kpdesk
#: fills (the kind filter's six kinds, four rows, the columns fitted, a status message). What the window's widgets
#: cost against the bare window, so that the rest of kpdesk's ratio is its own start: its modules, store and kinds.
WIDGETS = (
    "import time; T0 = time.perf_counter()\n"
    + _COMMON
    + r"""
from PySide6.QtCore import QAbstractEventDispatcher, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QApplication, QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QMainWindow,
    QPushButton, QStackedWidget, QTabWidget, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)
from PySide6.QtWidgets import QAbstractItemView as V, QHeaderView
watch_paint()
app = QApplication(sys.argv[:1])
font = QFont(app.font())
if font.pointSizeF() < 10:
    font.setPointSizeF(10)
    app.setFont(font)
class Window(QMainWindow):
    is_filled = False
    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.is_filled:
            QTimer.singleShot(0, fill)
window = Window()
window.setWindowTitle("Soạn báo cáo KH, CN, ĐMST và chuyển đổi số")
bar = window.menuBar()
for title, entries in (("&Tệp", 6), ("Xem", 2), ("&Cài đặt", 2), ("Trợ &giúp", 2)):
    menu = bar.addMenu(title)
    for i in range(entries):
        menu.addAction(f"Mục &{i + 1} của trình đơn…").setToolTip("Việc mục này làm")
stack = QStackedWidget(window)
tabs = QTabWidget(stack)
tabs.addTab(QWidget(), "Việc cần làm")
page = QWidget()
tabs.addTab(page, "Danh sách báo cáo")
tabs.setCurrentIndex(1)
box = QVBoxLayout(page)
box.setContentsMargins(16, 12, 16, 8)
head = QHBoxLayout()
heading = QLabel("Báo cáo của đơn vị", page)
big = QFont(heading.font())
big.setPointSizeF(big.pointSizeF() * 1.3)
big.setBold(True)
heading.setFont(big)
head.addWidget(heading, 1)
new = QPushButton(page)
new.setText("Báo cáo &mới…")
bold = new.font()
bold.setBold(True)
new.setFont(bold)
head.addWidget(new)
box.addLayout(head)
filters = QHBoxLayout()
search_label = QLabel("Tìm &kiếm:", page)
filters.addWidget(search_label)
search = QLineEdit(page)
search_label.setBuddy(search)
search.setPlaceholderText("Gõ tên báo cáo, đơn vị hoặc nội dung (không cần dấu)…")
search.setClearButtonEnabled(True)
filters.addWidget(search, 1)
kinds = QComboBox(page)
kinds.setMinimumContentsLength(48)
kinds.setMaximumWidth(380)
filters.addWidget(kinds)
status = QComboBox(page)
for text in ("Mọi trạng thái", "Đang soạn", "Đã xuất"):
    status.addItem(text)
filters.addWidget(status)
filters.addWidget(QCheckBox("Thùng &rác", page))
box.addLayout(filters)
table = QTableWidget(0, 5, page)
table.setHorizontalHeaderLabels(["Báo cáo", "Loại", "Kỳ báo cáo", "Trạng thái", "Lưu lần cuối"])
table.setSelectionBehavior(V.SelectionBehavior.SelectRows)
table.setSelectionMode(V.SelectionMode.SingleSelection)
table.setEditTriggers(V.EditTrigger.NoEditTriggers)
table.verticalHeader().hide()
table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
table.setAlternatingRowColors(True)
box.addWidget(table, 1)
buttons = QHBoxLayout()
for text in ("Mở", "&Nhân bản", "&Lịch sử…", "Xuất tệp &bản nháp…", "&Xóa", "Khôi &phục"):
    button = QPushButton(page)
    button.setText(text)
    buttons.addWidget(button)
buttons.addStretch(1)
count = QLabel(page)
buttons.addWidget(count)
box.addLayout(buttons)
stack.addWidget(tabs)
window.setCentralWidget(stack)
window.resize(1280, 720)
def fill():
    if window.is_filled:
        return
    window.is_filled = True
    kinds.addItem("Mọi loại báo cáo")
    for i in range(6):
        kinds.addItem(f"Báo cáo về khoa học, công nghệ và đổi mới sáng tạo, loại {i + 1}")
    for row in range(4):
        table.insertRow(row)
        for col, text in enumerate((f"Báo cáo tình hình quản lý khoa học và công nghệ số {row + 1}", "Báo cáo 6 tháng",
                                    "6 tháng đầu năm 2026", "Đang soạn", "07/12/2026 10:15")):
            table.setItem(row, col, QTableWidgetItem(text))
    for col in range(1, 5):
        table.resizeColumnToContents(col)
    table.selectRow(0)
    count.setText("4 bản nháp")
    heading.setText("Báo cáo của Ủy ban nhân dân xã Triệu Sơn")
    window.statusBar().showMessage("Có 3 báo cáo đến hạn trong 7 ngày tới.")
"""
    + _SHOW_UNTIL_IDLE
)

KPDESK = (
    "import time; T0 = time.perf_counter()\n"
    + _COMMON
    + r"""
import importlib.machinery
OPEN = int(os.environ.get("BENCH_OPEN_DRAFT") or 0)
STATE = {"phase": "start"}

def watched_make_app(_make_app):
    def make_app(*args, **kwargs):  # the program's own make_app, then the idle watch on its event loop
        from PySide6.QtCore import QAbstractEventDispatcher, QTimer  # loaded by the program, as it loads it
        if PAINT is None:
            watch_paint()
        app = _make_app(*args, **kwargs)
        if "app" not in STATE:
            STATE["app"] = app
            QTimer.singleShot(int(os.environ.get("BENCH_WATCHDOG_MS", "90000")), watchdog)
            QAbstractEventDispatcher.instance().aboutToBlock.connect(on_block)
        return app
    return make_app

class WatchUiApp:
    # a finder (sys.meta_path) that wraps `ui.app.make_app` when the program itself imports `ui.app`: the program
    # imports its modules where and when it does (inside `main`, after its own start-up settings), not here
    def find_spec(self, name, path, target=None):
        if name != "ui.app":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            run_module = spec.loader.exec_module
            def exec_module(module):
                run_module(module)
                module.make_app = watched_make_app(module.make_app)
            spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, WatchUiApp())

def main_window():  # the main window shown first (the one PAINT watches), once visible and exposed
    w = PAINT.window
    handle = w.windowHandle() if w is not None else None
    return w if handle is not None and w.isVisible() and handle.isExposed() else None

def busy():  # nothing runs in the background before the program has imported its operations
    operations = sys.modules.get("ui.operations")
    return operations is not None and operations.running() > 0

def open_wizard():
    from PySide6.QtCore import QTimer
    window = STATE["window"]
    t = time.perf_counter()
    window.open_draft(OPEN)
    wizard = getattr(window, "wizard", None)
    steps = len(getattr(wizard, "steps", ()) or ())
    for i in range(steps):
        wizard.go_step(i)
        STATE["app"].processEvents()
    OUT["wizard_open_s"] = time.perf_counter() - t
    OUT["wizard_steps"] = steps
    OUT["wizard_shown"] = bool(wizard is not None and wizard.isVisible())
    QTimer.singleShot(400, lambda: STATE.update(phase="settled"))  # debounce timers (preview, autosave) fire

def on_block():
    phase = STATE["phase"]
    if phase == "start":
        PAINT.on_block()
        window = main_window()
        if window is None or busy() or "listed" not in OUT:
            return
        mark("idle")
        if OPEN:
            from PySide6.QtCore import QTimer
            STATE.update(phase="opening", window=window)
            QTimer.singleShot(0, open_wizard)
        else:
            STATE["phase"] = "done"
            STATE["app"].quit()
    elif phase == "settled" and not busy():
        mark("wizard")
        STATE["phase"] = "done"
        STATE["app"].quit()

def watchdog():
    OUT["error"] = "timed out waiting for an idle window (a dialog may be open)"
    report()
    os._exit(3)

try:
    from ui.launch import main as start  # the installed `kpdesk` program (upgrade check, then ui.app.run)
    code = start([])
except ImportError:
    import ui.app
    code = ui.app.run(None)
OUT["exit_code"] = code
report()
"""
)


def ui_importable() -> str | None:
    """None when `ui.main_window` imports in a fresh process, else why not (its last error line)."""
    env = child_env()
    proc = subprocess.run(
        [sys.executable, "-c", "import ui.app, ui.main_window"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    if proc.returncode == 0:
        return None
    lines = (proc.stderr or proc.stdout).strip().splitlines()
    return lines[-1] if lines else f"exit code {proc.returncode}"


def prepare_data_dir(folder: Path) -> int:
    """A data folder with the four example drafts (and the unit profiles made from them); return the id of the
    largest example's draft."""
    from bench import example_paths
    from kpdesk import draft as drafts
    from kpdesk.store import Store

    largest = largest_example()
    with Store.open(folder) as store:
        ids = {p: store.add_draft(drafts.load(p)) for p in example_paths()}
    return int(ids[largest])


def spawn(script: str, env: dict[str, str]) -> dict[str, Any]:
    env = {**env, "BENCH_T_SPAWN": repr(time.perf_counter())}
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT_S
    )
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH-RESULT "):
            data = json.loads(line[len("BENCH-RESULT ") :])
            if "error" in data or "idle" not in data:
                raise RuntimeError(f"{data.get('error', 'no idle window')}; stderr: {proc.stderr[-2000:]}")
            if proc.returncode != 0:  # a crash on the way out: not a start to report
                raise RuntimeError(f"exit code {proc.returncode} after its result; stderr: {proc.stderr[-2000:]}")
            return data
    raise RuntimeError(f"exit code {proc.returncode}, no result; stderr: {proc.stderr[-2000:]}")


NAMES = (
    "start to main window painted (from process creation)",
    "start to the home listed (from process creation)",
    "start to the drafts listed (their view open last)",
    "start to idle main window (from process creation)",
    "start to idle main window (from first line)",
    "peak RSS, main window + wizard on largest draft",
    "start to the same widgets listed, Qt alone (no kpdesk)",
    "start to the bare window painted, Qt loaded as kpdesk loads it",
)
GOALS = (None, "<= 1.3x bare", "<= 1.3x bare", "<= 1.3x bare", None, "<= 1.8x bare", None, None)
#: What QSettings reads on Linux (XDG_CONFIG_HOME/kpdesk/kpdesk.conf): the list of drafts as the view open last.
LIST_VIEW_SETTINGS = "[main]\nview=drafts\n"
MEMORY_GOAL = 1.8
#: Run once before the timed runs, with their cache folder: every module of the program imported, so that the
#: dataclasses' code cache holds what the cache folder of a program used for months holds (every module's code),
#: not only what the warm-up starts and the wizard make.
FILL_CACHES = r"""
import importlib, pkgutil, kpdesk, ui
for package in (kpdesk, ui):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
"""


def run(config: Config) -> list[Result]:
    names = NAMES
    why = ui_importable()
    if why is not None:
        log(f"  ui not importable: {why}")
        return [skipped(n, AREA, f"ui not importable: {why}", goal=g) for n, g in zip(names, GOALS, strict=True)]
    with tempfile.TemporaryDirectory(prefix="kpdesk-bench-gui-") as tmp_name:
        tmp = Path(tmp_name)
        data_dir = tmp / "data"
        draft_id = prepare_data_dir(data_dir)
        base_env = child_env(
            KPDESK_DATA_DIR=str(data_dir),
            XDG_CONFIG_HOME=str(tmp / "config"),
            KPDESK_CACHE_DIR=str(tmp / "cache"),  # filled by the warm-up runs, as by a first start
            XDG_DATA_HOME=str(tmp / "share"),
            BENCH_OPEN_DRAFT=str(draft_id),
        )
        list_config = tmp / "config-list"
        (list_config / "kpdesk").mkdir(parents=True)
        (list_config / "kpdesk" / "kpdesk.conf").write_text(LIST_VIEW_SETTINGS, encoding="utf-8")
        envs = {
            "kpdesk": base_env,
            "bare": base_env,
            "list": {**base_env, "XDG_CONFIG_HOME": str(list_config), "BENCH_OPEN_DRAFT": "0"},
        }
        envs["widgets"] = base_env
        envs["bare_qt_cached"] = base_env
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in envs}
        scripts = {"kpdesk": KPDESK, "bare": BARE, "list": KPDESK, "widgets": WIDGETS, "bare_qt_cached": BARE_QT_CACHED}
        try:
            subprocess.run([sys.executable, "-c", FILL_CACHES], cwd=ROOT, env=base_env, check=True, timeout=TIMEOUT_S)
            for i in range(config.spawn_warmup + config.spawn_repeat):
                order = ("bare", "kpdesk", "list", "widgets", "bare_qt_cached")
                order = order if i % 2 == 0 else order[::-1]
                for name in order:
                    data = spawn(scripts[name], envs[name])
                    if i >= config.spawn_warmup:
                        runs[name].append(data)
        except (RuntimeError, subprocess.SubprocessError, ValueError) as exc:
            log(f"  window run failed: {exc}")
            why = f"window run failed: {str(exc).splitlines()[0][:200]}"
            return [skipped(n, AREA, why, goal=g) for n, g in zip(names, GOALS, strict=True)]
    k, b, listing, widgets = runs["kpdesk"], runs["bare"], runs["list"], runs["widgets"]

    def series(rs: list[dict[str, Any]], key: str, phase: str = "idle") -> list[float]:
        return [r[phase][key] for r in rs if r.get(phase) and r[phase].get(key) is not None]

    kernel_k = series(k, "since_process_created")
    kernel_b = series(b, "since_process_created")
    cpu = {
        f"{who} {moment}": median(values)
        for who, rs in (("kpdesk", k), ("bare", b))
        for moment in ("painted", "listed", "idle")
        if (values := series(rs, "cpu_s", moment))
    }
    extra = {
        "kernel_clock_since_created_s": {
            "kpdesk": median(kernel_k) if kernel_k else None,
            "bare": median(kernel_b) if kernel_b else None,
        },
        "cpu_s": cpu,  # the process's CPU time at each moment: steadier than wall time on a loaded machine
        "runs": len(k),
    }
    results = [
        timing(
            names[0],
            AREA,
            series(k, "since_spawn", "painted"),
            "bare QMainWindow painted, same harness",
            series(b, "since_spawn", "painted"),
            p95=True,
            note="the main window's first paint done (its frame; the lists are filled right after)",
        ),
        *(
            timing(
                name,
                AREA,
                series(rs, "since_spawn", "listed"),
                "bare QMainWindow painted, same harness",
                series(b, "since_spawn", "painted"),
                goal=goal,
                met=(lambda med, p95, ratio: ratio <= START_GOAL) if goal else None,
                p95=True,
                note=note,
            )
            for name, rs, goal, note in (
                (names[1], k, GOALS[1], "the main window painted with its home filled: the view of a first start"),
                (
                    names[2],
                    listing,
                    GOALS[2],
                    "the main window painted with the list of drafts filled: the view left open",
                ),
                (
                    names[6],
                    widgets,
                    None,
                    "the list of drafts' view made by Qt alone (bench.gui.WIDGETS): what its widgets cost; the rest "
                    "of kpdesk's ratio is its own start (modules, store, kinds)",
                ),
                (
                    names[7],
                    runs["bare_qt_cached"],
                    None,
                    "the bare window after `ui.load_qt` (PySide's support modules' code from the cache folder, as "
                    "kpdesk's start has it): what that alone gains; kpdesk's ratio to it is kpdesk's start without it",
                ),
            )
        ),
        timing(
            names[3],
            AREA,
            series(k, "since_spawn"),
            "bare QMainWindow idle, same harness",
            series(b, "since_spawn"),
            goal="<= 1.3x bare",
            met=lambda med, p95, ratio: ratio <= START_GOAL,
            p95=True,
            note="`kpdesk` (ui.launch.main) on a data folder with 4 drafts; offscreen; a fresh process each run",
            extra=extra,
        ),
        timing(
            names[4],
            AREA,
            series(k, "since_first_line"),
            "bare QMainWindow idle, same harness",
            series(b, "since_first_line"),
            p95=True,
            note="without the interpreter's own start",
        ),
    ]
    rss_k = series(k, "peak_rss_mib", "wizard")
    rss_idle = series(k, "peak_rss_mib")
    rss_b = series(b, "peak_rss_mib")
    wizard_s = [r["wizard_open_s"] for r in k if "wizard_open_s" in r]
    if not (rss_k and wizard_s and rss_b):
        results.append(skipped(names[5], AREA, "the wizard did not open in the measured runs", goal=GOALS[5]))
        return results
    mem = Result(
        name=names[5],
        area=AREA,
        floor_name="bare QMainWindow process",
        unit="MiB",
        median=median(rss_k),
        floor_median=median(rss_b),
        ratio=median(rss_k) / median(rss_b),
        samples=len(rss_k),
        goal=GOALS[5],
        met=median(rss_k) / median(rss_b) <= MEMORY_GOAL,
        note=f"main window alone {median(rss_idle):.1f} MiB; wizard opened on {largest_example().name} and "
        f"all {k[0].get('wizard_steps')} steps visited in {median(wizard_s) * 1e3:.0f} ms (median)",
        extra={
            "main_window_only_mib": median(rss_idle),
            "wizard_open_s": median(wizard_s),
            "wizard_steps": k[0].get("wizard_steps"),
            "wizard_shown": k[0].get("wizard_shown"),
        },
    )
    results.append(mem)
    return results
