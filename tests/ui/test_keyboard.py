"""Keyboard only: from the list of drafts to an exported report without touching the mouse."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QWidget

from kpdesk import draft as drafts
from ui import operations
from ui.draft_dialogs import NewReportDialog
from ui.main_window import MainWindow
from ui.widgets.rows import RowsEditor

CTRL = Qt.KeyboardModifier.ControlModifier


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
            targets = [editor.add_button] if isinstance(editor, RowsEditor) and not editor.cards else \
                [editor.focus_target()]
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
        press(qtbot, Qt.Key.Key_End)                 # the last kind
        seen["kind"] = dialog.kind().id
        press(qtbot, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)  # Alt+K: «Kỳ báo cáo»
        seen["period focus"] = dialog.picker.isAncestorOf(focused())
        press(qtbot, Qt.Key.Key_Return)              # Enter accepts, as the default button
        return dialog.result()

    monkeypatch.setattr(NewReportDialog, "exec", drive)
    window.list_page.table.setFocus()
    press(qtbot, Qt.Key.Key_N, CTRL)
    assert seen == {"kind": window.wizard.kind.id, "period focus": True}
    assert window.wizard is not None and window.wizard.kind.id == seen["kind"]
    window.close()
