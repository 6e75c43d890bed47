"""Keyboard only: from the list of drafts to an exported report without touching the mouse."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLineEdit, QWidget

from kpdesk import draft as drafts
from kpdesk.render import default_filename
from ui import operations
from ui.draft_dialogs import NewReportDialog
from ui.main_window import MainWindow
from ui.widgets.rows import RowsEditor

CTRL = Qt.KeyboardModifier.ControlModifier
ROOT = Path(__file__).resolve().parents[2]


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def press(qtbot, k: Qt.Key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """Press a key where the keyboard focus is, as the officer would (shortcuts included)."""
    target = focused()
    assert target is not None, "something has the keyboard focus"
    qtbot.keyClick(target, k, modifiers)


def tab_through(qtbot, container: QWidget, limit: int = 400) -> list[QWidget]:
    """Press Tab until the focus leaves `container` (or comes back to where it started); return what got it."""
    start = focused()
    seen: list[QWidget] = [start] if start is not None else []
    for _ in range(limit):
        press(qtbot, Qt.Key.Key_Tab)
        now = focused()
        if now is None or now is start or not container.isAncestorOf(now):
            break
        seen.append(now)
    return seen


def active_window(qtbot, store, settings, kit) -> MainWindow:
    """The main window at 1366×768, shown and active, so that it has the keyboard."""
    window = MainWindow(store, settings, today=kit.TODAY)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    return window


def test_an_officer_can_do_everything_with_the_keyboard(qtbot, store, settings, answers, kit, tmp_path):
    example = drafts.load(kit.EXAMPLES[1])  # 001: fund status and charter left unticked
    unit_id = store.save_unit(kit.profile_for(example))
    draft_id = store.add_draft(example, unit_id)
    window = active_window(qtbot, store, settings, kit)

    # the list: Ctrl+F goes to the search box, typing filters, Tab reaches the table, Enter opens the draft
    window.list_page.table.setFocus()
    press(qtbot, Qt.Key.Key_F, CTRL)
    assert focused() is window.list_page.search
    kit.type_keys(window.list_page.search, "Bỉm")
    qtbot.waitUntil(lambda: not window.list_page.timer.isActive(), timeout=2000)  # the list is filtered
    assert window.list_page.table.rowCount() == 1
    window.list_page.table.setFocus()
    press(qtbot, Qt.Key.Key_Home)
    press(qtbot, Qt.Key.Key_Return)
    wizard = window.wizard
    assert wizard is not None and window.draft_id == draft_id

    # every step: Ctrl+PgDown moves on, and Tab reaches every visible field of the step
    kind = wizard.kind
    for index, section in enumerate(kind.sections, start=1):
        press(qtbot, Qt.Key.Key_PageDown, CTRL)
        assert wizard.current() == index, f"Ctrl+PgDown goes to step {index + 1}"
        step = wizard.steps[index]
        assert step.isAncestorOf(focused()), "the step's first field gets the focus"
        reached = tab_through(qtbot, step)
        for f in section.fields:
            row = step.rows[f.id]
            if not row.isVisible():
                continue
            editor = row.editor
            targets = (
                [editor.add_button] if isinstance(editor, RowsEditor) and not editor.cards else [editor.focus_target()]
            )
            assert any(t in reached for t in targets), f"Tab reaches «{f.label}»"
        assert not any(isinstance(w, QAbstractButton) and not w.isEnabled() for w in reached)

    # Ctrl+PgUp goes back; F8 goes to the next problem's field (the example has two left unticked)
    press(qtbot, Qt.Key.Key_PageUp, CTRL)
    assert wizard.current() == len(kind.sections) - 1
    press(qtbot, Qt.Key.Key_F8)
    problem = wizard.session.errors[0]
    step = wizard.steps[wizard.current()]
    assert step.SECTION == problem.section and step.rows[problem.field].isAncestorOf(focused())
    # a choice is made with the arrow keys; F8 then goes on to the next problem
    wanted = {"fund_status": "not_established", "fund_charter": "not_issued"}
    for _ in range(len(wanted)):
        assert problem.field in wanted and isinstance(focused(), QComboBox)
        for _ in range(focused().count()):
            if wizard.session.draft.values.get(problem.field) == wanted[problem.field]:
                break
            press(qtbot, Qt.Key.Key_Down)
        assert wizard.session.draft.values.get(problem.field) == wanted[problem.field]
        if not wizard.session.errors:
            break
        press(qtbot, Qt.Key.Key_F8)
        problem = wizard.session.errors[0]
        assert wizard.steps[wizard.current()].rows[problem.field].isAncestorOf(focused())
    assert not wizard.session.errors, [p.message for p in wizard.session.errors]

    # Ctrl+E exports (the save dialog is the system's own; here it answers with a file)
    out = tmp_path / "ban-phim.docx"
    answers.save_to = out
    press(qtbot, Qt.Key.Key_E, CTRL)
    qtbot.waitUntil(lambda: operations.running() == 0 and out.exists(), timeout=15000)
    qtbot.waitUntil(lambda: any(a.startswith("Đã xuất báo cáo") for a in answers.asked), timeout=5000)
    window.close()


def test_a_new_report_is_made_with_the_keyboard(qtbot, store, settings, answers, kit, monkeypatch):
    example = drafts.load(kit.EXAMPLES[0])
    store.save_unit(kit.profile_for(example))
    window = active_window(qtbot, store, settings, kit)
    seen: dict[str, object] = {}

    def drive(dialog: NewReportDialog) -> int:
        dialog.show()
        dialog.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)
        assert focused() is dialog.kind_list, "the list of kinds has the focus first"
        press(qtbot, Qt.Key.Key_End)  # the last kind
        seen["kind"] = dialog.kind().id
        press(qtbot, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)  # Alt+K: «Kỳ báo cáo»
        seen["period focus"] = dialog.picker.isAncestorOf(focused())
        press(qtbot, Qt.Key.Key_Return)  # Enter accepts, as the default button
        return dialog.result()

    monkeypatch.setattr(NewReportDialog, "exec", drive)
    window.list_page.table.setFocus()
    press(qtbot, Qt.Key.Key_N, CTRL)
    assert seen == {"kind": window.wizard.kind.id, "period focus": True}
    assert window.wizard is not None and window.wizard.kind.id == seen["kind"]
    window.close()


def test_enter_in_a_one_line_field_goes_on_to_the_next_field(qtbot, store, settings, answers, kit, monkeypatch):
    """As in HTKK: Enter in a one-line box moves to the next box of the form (buttons passed over); in a dialog it
    no longer presses the default button half-way through the form."""
    example = drafts.load(kit.EXAMPLES[0])
    unit_id = store.save_unit(kit.profile_for(example))
    draft_id = store.add_draft(example, unit_id)
    window = active_window(qtbot, store, settings, kit)
    window.open_draft(draft_id)
    wizard = window.wizard
    doc = wizard.steps[0]
    for start, then in (
        (doc.title_edit, doc.period.first_widget()),
        (doc.number, doc.date.edit),
        (doc.date.edit, doc.money),  # past «Lịch…»
        (doc.position, doc.signer_name),
    ):
        start.setFocus()
        press(qtbot, Qt.Key.Key_Return)
        assert focused() is then, f"Enter in «{start.accessibleName() or start.placeholderText()}»"
    wizard.go_step(wizard.step_for("tinh_hinh"))
    step = wizard.steps[wizard.current()]
    step.rows["budget_total"].editor.edit.setFocus()
    press(qtbot, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)  # the Enter of the number pad too
    assert focused() is step.rows["budget_st"].editor.edit
    window.close()

    from ui.profile import ProfileDialog

    seen: dict[str, object] = {}

    def drive(dialog: ProfileDialog) -> int:
        dialog.show()
        dialog.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)
        dialog.name.setFocus()
        press(qtbot, Qt.Key.Key_Return)
        seen["next"] = focused() is dialog.province_level
        seen["still open"] = dialog.isVisible() and dialog.result() == 0
        return dialog.result()

    monkeypatch.setattr(ProfileDialog, "exec", drive)
    again = active_window(qtbot, store, settings, kit)
    again.edit_profile()
    assert seen == {"next": True, "still open": True}


def test_ctrl_e_goes_to_the_review_step_and_exports_from_every_step(qtbot, store, settings, answers, kit):
    example = drafts.load(kit.EXAMPLES[0])  # no errors: the save dialog is asked
    unit_id = store.save_unit(kit.profile_for(example))
    window = active_window(qtbot, store, settings, kit)
    window.open_draft(store.add_draft(example, unit_id))
    wizard = window.wizard
    review = len(wizard.steps) - 1
    for index in range(len(wizard.steps)):
        wizard.go_step(index)
        target = focused()
        assert wizard.isAncestorOf(target)
        if isinstance(target, QLineEdit):  # Linux desktops bind Ctrl+E to "end of line" in a text box: not here
            override = QKeyEvent(QEvent.Type.ShortcutOverride, Qt.Key.Key_E, CTRL)
            QApplication.sendEvent(target, override)
            assert not override.isAccepted(), "the box leaves Ctrl+E to the window"
        asked = len(answers.asked)
        press(qtbot, Qt.Key.Key_E, CTRL)
        assert wizard.current() == review, f"Ctrl+E from step {index + 1} goes to the review step"
        assert answers.asked[asked:] == [f"save: {settings.folder('export') / default_filename(wizard.kind, example)}"]
    window.close()


X11_CTRL_E = """
import datetime as dt, sys
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from ui.app import make_app
app = make_app(["kpdesk"])
from kpdesk import draft as drafts
from kpdesk.kinds import get_kind
from ui.wizard.wizard import WizardView
calls = []
WizardView.export = lambda self: calls.append(1)
draft = drafts.load(sys.argv[1])
view = WizardView(get_kind(draft.kind), draft, today=dt.date(2026, 11, 20))
view.resize(1366, 740)
view.show()
view.activateWindow()
for _ in range(100):
    app.processEvents()
    if QApplication.activeWindow() is view:
        break
    QTest.qWait(20)
for box in (view.steps[0].title_edit, view.steps[0].number):
    box.setFocus()
    app.processEvents()
    QTest.keyClick(box, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    app.processEvents()
bound = [b.toString() for b in QKeySequence.keyBindings(QKeySequence.StandardKey.MoveToEndOfLine)]
print("bound:", "Ctrl+E" in bound, "exports:", len(calls))
"""


@pytest.mark.skipif(not shutil.which("xvfb-run"), reason="needs Xvfb (xvfb-run)")
def test_ctrl_e_reaches_the_window_under_x11_where_text_boxes_bind_it(kit, tmp_path):
    """Under X11 Qt binds Ctrl+E to "end of line" in a one-line box (not offscreen, where the other tests run): the
    wizard's Ctrl+E must still win there."""
    script = tmp_path / "ctrl_e.py"
    script.write_text(X11_CTRL_E)
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        ["xvfb-run", "-a", sys.executable, str(script), str(kit.EXAMPLES[0])],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "bound: True exports: 2"
