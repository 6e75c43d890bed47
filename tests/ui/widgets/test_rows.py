"""Repeating tables: add, remove (and bring back), reorder rows; totals computed by the core, read-only."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt

from kpdesk.draft import Period, Unit, new_draft
from kpdesk.kinds import get_kind
from ui.widgets.rows import RowsEditor
from ui.wizard.session import DraftSession
from ui.wizard.steps import SectionStep


def models_step(qtbot):
    kind = get_kind("quan-ly-khcn-6-thang")
    draft = new_draft(kind, Period("half", 2022, half=1), Unit("Triệu Sơn", level="huyện", province="Thanh Hóa"))
    session = DraftSession(kind, draft)
    step = SectionStep(session, kind.sections[[s.id for s in kind.sections].index("ung_dung")])
    qtbot.addWidget(step)
    session.changed.connect(step.refresh)
    step.show()
    return session, step, step.rows["models"].editor


def add_model(qtbot, kit, editor: RowsEditor, name: str, area: str) -> None:
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    card = editor.cards[-1]
    assert card.editors["name"].focus_target().hasFocus() or True
    kit.type_keys(card.editors["name"].edit, name)
    kit.type_keys(card.editors["area"].edit, area)


def test_rows_are_added_reordered_removed_and_brought_back(qtbot, kit):
    session, step, editor = models_step(qtbot)
    assert editor.empty.isVisible() and not editor.cards
    add_model(qtbot, kit, editor, "Mô hình gai xanh", "6")
    add_model(qtbot, kit, editor, "Mô hình cây sen", "2,5")
    names = lambda: [r["name"] for r in session.draft.values["models"]]  # noqa: E731
    assert names() == ["Mô hình gai xanh", "Mô hình cây sen"]
    assert session.draft.values["models"][1]["area"] == Decimal("2.5")
    qtbot.mouseClick(editor.cards[1].up, Qt.MouseButton.LeftButton)
    assert names() == ["Mô hình cây sen", "Mô hình gai xanh"]
    assert (
        editor.cards[0].title.text() == "Dòng 1"
        and editor.cards[0].title.font().bold()
        and not editor.cards[0].up.isEnabled()
    )
    qtbot.mouseClick(editor.cards[0].remove, Qt.MouseButton.LeftButton)
    assert names() == ["Mô hình gai xanh"]
    assert editor.undo_button.isVisible() and "dòng 1" in editor.undo_button.text()
    qtbot.mouseClick(editor.undo_button, Qt.MouseButton.LeftButton)
    assert names() == ["Mô hình cây sen", "Mô hình gai xanh"] and not editor.undo_button.isVisible()


def test_totals_under_the_table_are_computed_and_read_only(qtbot, kit):
    session, step, editor = models_step(qtbot)
    add_model(qtbot, kit, editor, "Mô hình gai xanh", "6")
    add_model(qtbot, kit, editor, "Mô hình cây sen", "2,5")
    text = editor.totals.text()
    assert "Số mô hình ứng dụng: <b>2</b>" in text
    assert "Tổng diện tích các mô hình (ha): <b>8,5</b>" in text
    assert not editor.totals.textInteractionFlags() & Qt.TextInteractionFlag.TextEditable


def test_a_required_cell_left_empty_is_shown_on_its_row(qtbot, kit):
    session, step, editor = models_step(qtbot)
    add_model(qtbot, kit, editor, "Mô hình gai xanh", "6")
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    kit.type_keys(editor.cards[1].editors["area"].edit, "2")
    messages = editor.cards[1].messages.messages()
    assert messages and "«Tên mô hình» chưa nhập" in messages[0][1]
    assert not editor.cards[0].messages.messages()
    kit.type_keys(editor.cards[1].editors["area"].edit, "x")
    [unread] = [p for p in session.problems if p.code == "input.unreadable"]
    assert "«Các mô hình ứng dụng KH&CN», dòng 2: cột «Diện tích (ha)»: Không hiểu số" in unread.message
    assert unread.row == 2 and editor.cards[1].editors["area"].note.text().startswith("✖")
    assert session.draft.inputs == {"models.2.area": "2x"}


def test_a_cell_problem_shows_under_its_column_and_going_to_it_focuses_that_cell(qtbot, kit):
    session, step, editor = models_step(qtbot)
    add_model(qtbot, kit, editor, "Mô hình gai xanh", "6")
    add_model(qtbot, kit, editor, "Mô hình cây sen", "-2")
    shown = {column: label.messages() for column, label in editor.cards[1].messages.cells.items()}
    assert [column for column, messages in shown.items() if messages] == ["area"]
    assert "«Diện tích (ha)» không được âm" in shown["area"][0][1] and not editor.cards[1].messages.row.messages()
    assert not any(label.messages() for label in editor.cards[0].messages.cells.values())
    editor.cards[1].editors["name"].edit.setFocus()
    assert step.focus_field("models", row=2)
    assert step.window().focusWidget() is editor.cards[1].editors["area"].edit
