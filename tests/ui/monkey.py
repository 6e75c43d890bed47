"""Random actions on the real program, to find what no scripted test thought of: an error raised out of a slot, a
crash, a hang, a data file left damaged.

The program starts as the officer starts it (`ui.app.run`, in a process of its own, offscreen), on a data folder of
the four examples (commune) or of the province's intake (department). A timer then acts every few milliseconds:
clicks a button, types text (Vietnamese, amounts, dates, junk), picks from a list, a combo box or a tab, triggers a
menu entry, presses a key; inside whatever dialog is open, as a person would. File dialogs answer with files of the
run's own folder (nothing outside it is read or written), the system's «open» is recorded, printing is cancelled.
At the end every window is closed, the program must end with code 0 and the data file must pass its check.

    python tests/ui/monkey.py --seed 7 --actions 1500               # one run; prints its actions when it fails
    python tests/ui/monkey.py --seeds 0-40 --department             # many; each failure kept in /tmp/kpdesk-monkey
    python tests/ui/monkey.py --seeds 0-40 --slow-work              # background work takes up to 0.6 s more
    python tests/ui/monkey.py --seeds 0-40 --first-start            # no data folder yet: the first start's questions
    python tests/ui/monkey.py --seeds 0-40 --damaged                # a data file the background check finds damaged

A seed gives the same choices, not always the same run: background work (an export, a backup) ends when it ends,
and the actions after it find the window as it is then. tests/ui/test_monkey.py runs a few short seeds.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
#: Typed into text fields: what officers type, and what they should not.
TEXTS = (
    "12",
    "1.234.567",
    "0",
    "-5",
    "abc",
    "Nguyễn Văn A",
    "",
    "2026",
    "31/12/2026",
    "1e9",
    " ",
    "99999999999999999999",
    "Số 12/BC-UBND",
    "0912 345 678",
    "x" * 300,
    "Hóa:",
    "\t",
    "Ủy ban nhân dân xã Triệu Sơn",
    "%",
    "{{ x }}",
)
#: Menu entries the run leaves alone: quitting ends it early, switching the mode leaves the side under test.
SKIPPED_ACTIONS = ("Thoát", "Chế độ làm việc")
#: Set (by `--slow-work`), every piece of background work (export, backup, receiving files) first waits up to 0.6 s:
#: the window's actions then fall more often in the time the work runs, where a view may close under it.
SLOW_WORK_ENV = "KPDESK_MONKEY_SLOW_WORK"
#: Set (by `--damaged`): the data file was damaged on purpose, and may still be at the end (restoring was declined).
DAMAGED_ENV = "KPDESK_MONKEY_DAMAGED"
#: The child's Python stacks are written to its standard error after this many seconds (a hang's report).
DUMP_AFTER_ENV = "KPDESK_MONKEY_DUMP_AFTER"
#: Each action is written to this file of the run's folder as it is done: what a hung run did last.
ACTIONS_LOG = "actions.log"
#: Qt's warnings that are the run's own doing (it calls `edit` on any cell), not the program's.
HARMLESS_QT = ("editing failed", "propagateSizeHints", "This plugin does not support")


@dataclass
class Outcome:
    ok: bool
    report: str  # the first line says how it ended; then the actions and what went wrong


# ----------------------------------------------------------------------------- the parent: data, a process, the verdict


def _test_helpers(name: str, conftest: str) -> Any:
    """A conftest.py of the tests, as a module (a conftest cannot be imported by its name): the data the tests
    build, made the same way here."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / conftest)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _department_data(folder: Path) -> Path:
    """The province's intake as the department's tests build it (42 units, reports received), in department mode."""
    intake = _test_helpers("department_intake_helpers", "tests/core/department/conftest.py")
    made = intake.build_intake(folder / "intake")
    from ui.department.mode import MODE_KEY

    made.store.set_setting(MODE_KEY, "department")
    made.store.close()
    files = folder / "files"
    files.mkdir(exist_ok=True)
    for i, path in enumerate(sorted((folder / "intake").rglob("*.docx"))[:30]):
        shutil.copy(path, files / f"{i:02d}-{path.name}")
    return made.store.data_dir


def _commune_data(folder: Path) -> Path:
    from kpdesk import draft as drafts
    from kpdesk.store import Store

    data = folder / "data"
    with Store.open(data) as store:
        for path in sorted((ROOT / "examples").glob("*.json")):
            store.add_draft(drafts.load(path))
    files = folder / "files"
    files.mkdir(exist_ok=True)
    for path in sorted((ROOT / "examples").iterdir()):
        if path.is_file():
            shutil.copy(path, files / path.name)
    return data


def run(
    seed: int,
    actions: int,
    *,
    department: bool = False,
    first_start: bool = False,
    damaged: bool = False,
    slow_work: bool = False,
    timeout_s: int = 300,
    folder: Path | None = None,
) -> Outcome:
    """One run in a process of its own, in `folder` (a new temporary one by default, removed when the run is good)."""
    own = folder is None
    folder = Path(tempfile.mkdtemp(prefix=f"kpdesk-monkey-{seed}-")) if folder is None else folder
    if first_start:  # nothing yet: the program makes the folder, asks the mode, then the unit's profile
        data = folder / "data"
        _commune_data(folder / "examples-only")
        shutil.move(folder / "examples-only" / "files", folder / "files")
    else:
        data = _department_data(folder) if department else _commune_data(folder)
    if damaged:  # a good backup, then a table broken: the file opens, and its check (once the window is up) fails
        from kpdesk.store import Store

        with Store.open(data) as store:
            store.backup("manual")
        _test_helpers("kpdesk_test_helpers", "tests/conftest.py")._break_table(data / "kpdesk.sqlite3", "revisions")
    (folder / "home").mkdir(exist_ok=True)
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "KPDESK_DATA_DIR": str(data),
        "HOME": str(folder / "home"),
        "XDG_CONFIG_HOME": str(folder / "config"),
        "XDG_DATA_HOME": str(folder / "share"),
        "XDG_DOCUMENTS_DIR": str(folder / "home"),
        "KPDESK_CACHE_DIR": str(folder / "cache"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        SLOW_WORK_ENV: "1" if slow_work else "",
        DAMAGED_ENV: "1" if damaged else "",
        DUMP_AFTER_ENV: str(max(timeout_s - 15, 5)),
    }
    args = [sys.executable, __file__, "--child", str(seed), str(actions), str(folder), str(data)]
    try:
        proc = subprocess.run(args, env=env, cwd=folder, capture_output=True, text=True, timeout=timeout_s)
        out, err, code = proc.stdout, proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as exc:  # stuck even for the stacks' dump
        out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        err = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        code = None
    ok = code == 0 and out.startswith("MONKEY-OK")
    if ok:
        report = out.splitlines()[0]
    else:
        if not out.startswith("MONKEY-"):  # it crashed, hung (its stacks in standard error) or was killed
            actions_log = folder / ACTIONS_LOG
            last = actions_log.read_text(encoding="utf-8").splitlines()[-60:] if actions_log.exists() else []
            out = f"MONKEY-STOPPED (exit code {code}); its last actions:\n" + "\n".join(last) + f"\n{out}"
        report = f"{out}\n--- standard error (end) ---\n{err[-6000:]}\n--- kept: {folder}"
    if ok and own:
        shutil.rmtree(folder, ignore_errors=True)
    return Outcome(ok, report)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seeds", help="a range, e.g. 0-40 (the last one excluded)")
    parser.add_argument("--actions", type=int, default=1500)
    parser.add_argument("--department", action="store_true", help="the department's window and its data")
    parser.add_argument("--slow-work", action="store_true", help="background work takes up to 0.6 s more")
    parser.add_argument("--first-start", action="store_true", help="no data folder yet: the first start")
    parser.add_argument("--damaged", action="store_true", help="a data file its check finds damaged")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "kpdesk-monkey")
    ns = parser.parse_args(argv)
    first, last = map(int, ns.seeds.split("-")) if ns.seeds else (ns.seed, ns.seed + 1)
    bad = 0
    for seed in range(first, last):
        outcome = run(
            seed,
            ns.actions,
            department=ns.department,
            first_start=ns.first_start,
            damaged=ns.damaged,
            slow_work=ns.slow_work,
        )
        print(seed, outcome.report.splitlines()[0], flush=True)
        if not outcome.ok:
            bad += 1
            ns.out.mkdir(parents=True, exist_ok=True)
            (ns.out / f"{seed}.txt").write_text(outcome.report, encoding="utf-8")
            if last - first == 1:
                print(outcome.report)
    if last - first > 1:
        print(f"{last - first - bad} good, {bad} failed" + (f" (reports in {ns.out})" if bad else ""))
    return 1 if bad else 0


# ----------------------------------------------------------------------------- the child: the program and the actions


def child(seed: int, actions: int, folder: Path, data: Path) -> int:  # noqa: C901 - one loop of many small cases
    import faulthandler
    import random

    faulthandler.enable()
    faulthandler.dump_traceback_later(int(os.environ.get(DUMP_AFTER_ENV) or 285), exit=True)
    from PySide6 import QtCore, QtGui, QtWidgets
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog

    rnd = random.Random(seed)
    log: list[str] = []
    errors: list[str] = []
    qt_messages: list[str] = []
    state = {"n": 0, "ended": False, "popup": 0, "modal": None, "in_modal": 0, "closing": 0, "busy": 0}
    files = folder / "files"
    files.mkdir(exist_ok=True)

    actions_log = open(folder / ACTIONS_LOG, "a", encoding="utf-8")  # noqa: SIM115 - open for the whole run

    def note(text: str) -> None:
        log.append(f"{state['n']}: {text}")
        actions_log.write(log[-1] + "\n")
        actions_log.flush()

    # -- what the system would show: file dialogs answered from the run's folder, nothing opened, no printer
    def save_name(parent=None, caption="", suggested="", filters="", *a, **k):
        note(f"  save as? «{caption}»")
        if rnd.random() < 0.15:
            return "", ""
        suffix = Path(str(suggested)).suffix or rnd.choice([".docx", ".json", ".xlsx", ".pdf", ".kpkind", ""])
        return str(files / f"{rnd.choice(['bao cao', 'báo cáo', 'x', 'Tổng hợp'])} {rnd.randint(0, 9)}{suffix}"), ""

    def existing() -> Path:
        found = [p for p in sorted(files.rglob("*")) if p.is_file()]
        return rnd.choice([*found, folder / "missing.docx", data / "kpdesk.sqlite3"])

    def open_name(parent=None, caption="", *a, **k):
        note(f"  open? «{caption}»")
        return ("", "") if rnd.random() < 0.15 else (str(existing()), "")

    def open_names(parent=None, caption="", *a, **k):
        note(f"  open files? «{caption}»")
        return ([], "") if rnd.random() < 0.15 else ([str(existing()) for _ in range(rnd.randint(1, 4))], "")

    def folder_name(parent=None, caption="", *a, **k):
        note(f"  folder? «{caption}»")
        if rnd.random() < 0.2:
            return ""
        chosen = files / rnd.choice(["d1", "d2", "mới"])
        chosen.mkdir(exist_ok=True)
        return str(chosen)

    QFileDialog.getSaveFileName = staticmethod(save_name)
    QFileDialog.getOpenFileName = staticmethod(open_name)
    QFileDialog.getOpenFileNames = staticmethod(open_names)
    QFileDialog.getExistingDirectory = staticmethod(folder_name)
    QtGui.QDesktopServices.openUrl = staticmethod(lambda url: note(f"  opened {url.toString()}") or True)
    from PySide6.QtPrintSupport import QPrintDialog

    QPrintDialog.exec = lambda self: 0

    import ui.app

    if os.environ.get(SLOW_WORK_ENV):
        import time

        from ui import operations

        slow = random.Random(seed + 1)
        job_run = operations._Job.run

        def slow_run(self) -> None:
            time.sleep(slow.uniform(0, 0.6))
            job_run(self)

        operations._Job.run = slow_run

    def excepthook(kind, value, tb) -> None:
        errors.append(f"at action {state['n']}:\n" + "".join(traceback.format_exception(kind, value, tb)))
        note(f"!!! {value!r}")

    ui.app._excepthook = excepthook

    def qt_message(mode, context, message) -> None:
        if not any(h in message for h in HARMLESS_QT):
            qt_messages.append(f"{mode.name}: {message}")

    QtCore.qInstallMessageHandler(qt_message)

    def describe(w) -> str:
        for attr in ("text", "windowTitle", "objectName"):
            try:
                text = getattr(w, attr)()
            except (AttributeError, TypeError):
                continue
            if text:
                return f"{type(w).__name__}({text[:40]!r})"
        return type(w).__name__

    def key(w, k, mods=Qt.KeyboardModifier.NoModifier) -> None:
        QApplication.sendEvent(w, QtGui.QKeyEvent(QtCore.QEvent.Type.KeyPress, k, mods))
        QApplication.sendEvent(w, QtGui.QKeyEvent(QtCore.QEvent.Type.KeyRelease, k, mods))

    def target():
        for getter in (QApplication.activePopupWidget, QApplication.activeModalWidget):
            w = getter()
            if w is not None and w.isVisible():
                return w
        tops = [w for w in QApplication.topLevelWidgets() if w.isVisible() and not isinstance(w, QtWidgets.QMenu)]
        mains = [w for w in tops if isinstance(w, QtWidgets.QMainWindow)]
        return (mains or tops or [None])[-1]

    def widgets(t, cls):
        found = [w for w in t.findChildren(cls) if w.isVisible() and w.isEnabled()]
        return [*found, t] if isinstance(t, cls) and t.isEnabled() else found

    def act() -> None:
        state["n"] += 1
        if state["n"] > actions:
            state["ended"] = True
            note("the end: every window closed")
            for w in QApplication.topLevelWidgets():
                if isinstance(w, QtWidgets.QDialog) and w.isVisible():
                    w.reject()
            QTimer.singleShot(50, close)
            return
        t = target()
        if t is None:
            return
        popup, modal = QApplication.activePopupWidget(), QApplication.activeModalWidget()
        state["popup"] = state["popup"] + 1 if popup is not None else 0
        if popup is not None and state["popup"] > 2:  # a calendar or a menu left open: closed, as Esc would
            note(f"close {describe(popup)}")
            popup.close()
            return
        state["in_modal"] = state["in_modal"] + 1 if modal is not None and modal is state["modal"] else 0
        state["modal"] = modal
        if isinstance(modal, QtWidgets.QDialog) and state["in_modal"] > 25:
            note(f"cancel {describe(modal)}")
            modal.reject()
            return
        menu_weight = 12 if isinstance(t, QtWidgets.QMainWindow) else 2
        what = rnd.choices(
            ["button", "text", "combo", "spin", "tab", "item", "menu", "key", "ctrl"],
            [10, 7, 2, 2, 2, 4, menu_weight, 1, 1],
        )[0]
        if what == "menu":
            entries = [
                a
                for a in t.findChildren(QtGui.QAction)
                if a.isEnabled()
                and a.isVisible()
                and a.text()
                and a.menu() is None
                and not any(s in a.text().replace("&", "") for s in SKIPPED_ACTIONS)
            ]
            if entries:
                entry = rnd.choice(entries)
                note(f"menu «{entry.text()}» in {describe(t)}")
                entry.trigger()
        elif what in ("key", "ctrl"):
            w = QApplication.focusWidget() or t
            if what == "key":
                k = rnd.choice(
                    [Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Tab, Qt.Key.Key_Delete, Qt.Key.Key_Down]
                )
                note(f"key {k.name} in {describe(w)}")
                key(w, k)
            else:
                k = rnd.choice([Qt.Key.Key_Z, Qt.Key.Key_Y, Qt.Key.Key_S, Qt.Key.Key_E])
                note(f"Ctrl+{k.name[4:]} in {describe(w)}")
                key(w, k, Qt.KeyboardModifier.ControlModifier)
        elif what == "button":
            if found := widgets(t, QtWidgets.QAbstractButton):
                w = rnd.choice(found)
                said = ""
                if isinstance(t, QtWidgets.QMessageBox):  # what the officer was told, for the report
                    said = " | ".join(filter(None, (t.informativeText(), t.detailedText())))[:300]
                note(f"click {describe(w)} in {describe(t)}" + (f" [{said}]" if said else ""))
                w.click()
        elif what == "text":
            found = [
                w
                for cls in (QtWidgets.QLineEdit, QtWidgets.QPlainTextEdit, QtWidgets.QTextEdit)
                for w in widgets(t, cls)
                if not w.isReadOnly()
            ]
            if found:
                w, text = rnd.choice(found), rnd.choice(TEXTS)
                note(f"type {text[:30]!r} in {describe(w)} of {describe(t)}")
                w.setFocus()
                if rnd.random() < 0.4:
                    w.selectAll()
                typed = QtGui.QInputMethodEvent()
                typed.setCommitString(text)
                QApplication.sendEvent(w, typed)
                if rnd.random() < 0.3:
                    key(w, Qt.Key.Key_Return)
        elif what in ("combo", "tab"):
            combo = what == "combo"
            if found := [w for w in widgets(t, QtWidgets.QComboBox if combo else QtWidgets.QTabBar) if w.count()]:
                w = rnd.choice(found)
                i = rnd.randrange(w.count())
                note(f"{what} {(w.itemText(i) if combo else w.tabText(i))!r} in {describe(t)}")
                w.setCurrentIndex(i)
                if combo:
                    w.activated.emit(i)
        elif what == "spin":
            if found := widgets(t, QtWidgets.QAbstractSpinBox):
                w = rnd.choice(found)
                note(f"step {describe(w)}")
                key(w, rnd.choice([Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp]))
        elif what == "item":
            root = QtCore.QModelIndex()
            found = [w for w in widgets(t, QtWidgets.QAbstractItemView) if w.model() and w.model().rowCount(root)]
            if found:
                w = rnd.choice(found)
                model = w.model()
                try:
                    columns = model.columnCount(root)
                except TypeError:  # a list model's is private
                    columns = 1
                index = model.index(rnd.randrange(model.rowCount(root)), rnd.randrange(max(1, columns)))
                w.setCurrentIndex(index)
                how = rnd.random()
                note(f"{'open' if how < 0.4 else 'select'} row {index.row()} of {describe(w)} in {describe(t)}")
                if how < 0.4:
                    w.activated.emit(index)
                    w.doubleClicked.emit(index)
                elif how < 0.6:
                    w.edit(index)

    def guarded() -> None:
        state["busy"] += 1
        try:
            act()
        except RuntimeError as exc:  # a widget deleted between finding it and acting on it: the run's, not a bug
            if "already deleted" not in str(exc):
                raise
        finally:
            state["busy"] -= 1

    def tick() -> None:
        # each action in its own timer event: an action that opens a modal dialog blocks in it, and the next
        # actions (in the dialog) come from new events, which a repeating timer's blocked slot would not get
        if not state["ended"] and state["busy"] < 30:
            QTimer.singleShot(0, guarded)

    def close() -> None:
        # again in a moment, before closing: closing may ask a question (a draft not saved), whose loop blocks here
        state["closing"] += 1
        if state["closing"] > 50:
            errors.append("the window did not close")
            QApplication.quit()
            return
        modal = QApplication.activeModalWidget()
        if modal is not None:
            buttons = [b for b in modal.findChildren(QtWidgets.QAbstractButton) if b.isVisible()]
            if buttons:
                choice = rnd.choice(buttons)
                note(f"on the way out: click {describe(choice)} in {describe(modal)}")
                choice.click()
            QTimer.singleShot(50, close)
            return
        mains = [w for w in QApplication.topLevelWidgets() if isinstance(w, QtWidgets.QMainWindow) and w.isVisible()]
        if mains:
            QTimer.singleShot(50, close)
            for w in mains:
                w.close()

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    make_app = ui.app.make_app

    def make_app_and_start(*args, **kwargs):
        app = make_app(*args, **kwargs)
        timer.start()
        return app

    ui.app.make_app = make_app_and_start
    try:
        code = ui.app.run(None)
    except BaseException:  # noqa: BLE001 - reported
        errors.append(traceback.format_exc())
        code = -1
    try:
        from kpdesk.store import DamagedDatabase, Store

        try:
            with Store.open(data) as store:
                damage = store.check()
        except DamagedDatabase as found:  # damaged on purpose (`--damaged`) and not restored: still as it was
            damage = found
        if damage is not None and not os.environ.get(DAMAGED_ENV):
            errors.append(f"the data file is damaged after the run: {damage}")
    except Exception:  # noqa: BLE001 - reported
        errors.append("the data file after the run:\n" + traceback.format_exc())
    problems = errors + [m for m in qt_messages if not m.startswith("QtInfoMsg")]
    if code or problems:
        print(f"MONKEY-FAILED seed {seed}: exit code {code}, {len(errors)} errors")
        print("\n".join(log))
        print("\n\n".join(problems))
        return 1
    print(f"MONKEY-OK seed {seed}: {state['n'] - 1} actions")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        sys.exit(child(int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]), Path(sys.argv[5])))
    sys.exit(main())
