"""Field editors: what the officer types is read by the core and shown back; lists, dates, undo and redo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QAbstractItemView

from kpdesk.kinds import Field, all_kinds, get_kind
from ui.widgets.fields import (
    ChoiceEditor,
    DateEditor,
    FieldEditor,
    LineEditor,
    ListEditor,
    TextAreaEditor,
)
from ui.widgets.form import make_editor
from ui.widgets.rows import RowsEditor


def kit_examples() -> list[Path]:
    return sorted((Path(__file__).resolve().parents[3] / "examples").glob("*.json"))


AMOUNT = Field(id="budget", type="amount", label="Kinh phí", unit="trieu")


@pytest.mark.parametrize(
    "typed, dong",
    [
        ("352", 352_000_000),
        ("2,382 tỷ", 2_382_000_000),
        ("352 triệu", 352_000_000),
        ("8.212 triệu đồng", 8_212_000_000),
        ("352.000.000 đ", 352_000_000),
    ],
)
def test_amounts_are_read_as_officers_type_them(qtbot, kit, typed, dong):
    editor = LineEditor(AMOUNT)
    qtbot.addWidget(editor)
    edits: list[int] = []
    editor.edited.connect(lambda: edits.append(editor.value()))
    kit.type_keys(editor.edit, typed)
    assert editor.value() == dong and editor.error() is None
    assert edits[-1] == dong and len(edits) == len(typed), "every key press is a change"


def test_an_amount_shows_the_normalised_value_and_words_then_why_it_is_wrong(qtbot, kit):
    editor = LineEditor(AMOUNT, suffix="triệu đồng")
    qtbot.addWidget(editor)
    editor.show()
    kit.type_keys(editor.edit, "2,382 tỷ")
    assert editor.note.text() == "= 2.382 triệu đồng — Hai tỷ ba trăm tám mươi hai triệu đồng chẵn"
    kit.replace_text(editor.edit, "2 tỷ 3")
    assert editor.value() is None and editor.error()
    assert editor.note.text().startswith("✖ ") and "«2 tỷ 3»" in editor.note.text()
    kit.replace_text(editor.edit, "")
    assert editor.value() is None and editor.error() is None and not editor.note.isVisible()


def test_undo_and_redo_in_text_fields(qtbot, kit):
    line = LineEditor(Field(id="t", type="text", label="Tiêu đề"))
    area = TextAreaEditor(Field(id="p", type="longtext", label="Đoạn văn"))
    for w in (line, area):
        qtbot.addWidget(w)
    kit.type_keys(line.edit, "Thiệu Trung")
    kit.key(line.edit, Qt.Key.Key_Z, "", Qt.KeyboardModifier.ControlModifier)
    assert line.value() is None
    kit.key(line.edit, Qt.Key.Key_Y, "", Qt.KeyboardModifier.ControlModifier)
    assert line.value() == "Thiệu Trung"
    kit.commit(area.edit, "Đoạn một\nĐoạn hai")
    assert area.value() == "Đoạn một\nĐoạn hai"
    area.edit.undo()
    assert area.value() != "Đoạn một\nĐoạn hai"
    area.edit.redo()
    assert area.value() == "Đoạn một\nĐoạn hai"


def test_a_date_is_typed_or_picked_on_the_calendar(qtbot, kit):
    editor = DateEditor(Field(id="d", type="date", label="Ngày ký"))
    qtbot.addWidget(editor)
    editor.show()
    kit.type_keys(editor.edit, "5/2/2026")
    assert editor.value() == dt.date(2026, 2, 5)
    assert editor.note.text() == "= ngày 05 tháng 02 năm 2026"
    kit.replace_text(editor.edit, "31/02/2026")
    assert editor.value() is None and "không tồn tại" in editor.error()
    qtbot.mouseClick(editor.button, Qt.MouseButton.LeftButton)
    assert editor.popup is not None and editor.popup.isVisible()
    editor.popup.calendar.setSelectedDate(QDate(2026, 3, 30))
    kit.key(editor.popup.calendar.findChild(QAbstractItemView), Qt.Key.Key_Return, "\r")
    assert editor.value() == dt.date(2026, 3, 30) and editor.edit.text() == "30/3/2026"
    assert not editor.popup.isVisible()


def test_a_list_is_one_item_per_line_and_items_move_and_go(qtbot, kit):
    editor = ListEditor(Field(id="l", type="list", label="Các giải pháp"))
    qtbot.addWidget(editor)
    kit.commit(editor.edit, "Thứ nhất\nThứ hai\nThứ ba")
    assert editor.value() == ["Thứ nhất", "Thứ hai", "Thứ ba"]
    assert editor.count.text().startswith("3 ý")
    cursor = editor.edit.textCursor()
    cursor.setPosition(editor.edit.document().findBlockByNumber(2).position())
    editor.edit.setTextCursor(cursor)
    qtbot.mouseClick(editor.buttons["up"], Qt.MouseButton.LeftButton)
    assert editor.value() == ["Thứ nhất", "Thứ ba", "Thứ hai"]
    qtbot.mouseClick(editor.buttons["remove"], Qt.MouseButton.LeftButton)
    assert editor.value() == ["Thứ nhất", "Thứ hai"]
    editor.edit.undo()
    assert editor.value() == ["Thứ nhất", "Thứ ba", "Thứ hai"], "a removed item comes back with Ctrl+Z"
    qtbot.mouseClick(editor.buttons["add"], Qt.MouseButton.LeftButton)
    kit.commit(editor.edit, "Thứ tư")
    assert editor.value()[-1] == "Thứ tư"


def test_choices_and_yes_no(qtbot):
    kind = get_kind("co-che-tai-chinh-thang")
    editor = make_editor(kind.field("fund_status"))
    yes_no = ChoiceEditor(Field(id="b", type="bool", label="Có hay không"))
    qtbot.addWidget(editor)
    qtbot.addWidget(yes_no)
    assert isinstance(editor, ChoiceEditor)
    assert [editor.combo.itemText(i) for i in range(editor.combo.count())] == [
        "— Chưa chọn —",
        "Đã thành lập",
        "Chưa thành lập",
    ]
    editor.choose("established")
    assert editor.value() == "established"
    yes_no.choose(False)
    assert yes_no.value() is False
    yes_no.choose(None)
    assert yes_no.value() is None


def test_every_type_gets_an_editor(qapp):
    for kind in all_kinds():
        for f in kind.fields:
            editor = make_editor(f)
            assert isinstance(editor, RowsEditor) == (f.type == "rows")
            editor.deleteLater()


def test_an_editor_class_without_show_is_refused_when_it_is_made():
    with pytest.raises(TypeError, match="must define _show"):
        type("NoShow", (FieldEditor,), {})


@pytest.mark.parametrize("example", ["", "01/01/2026"])
def test_a_date_box_shows_a_whole_typed_date_with_or_without_an_example(qtbot, example):
    editor = DateEditor(Field(id="d", type="date", label="Số liệu từ ngày", example=example))
    qtbot.addWidget(editor)
    editor.show()
    editor.edit.setText("30/12/2026")
    needed = editor.edit.fontMetrics().horizontalAdvance("30/12/2026")
    assert editor.edit.maximumWidth() > needed + 20 and editor.edit.minimumWidth() > needed


@pytest.mark.parametrize(
    "stored, shown",
    [
        ("02373852123", "0237 3852 123"),
        ("0982741345", "0982 741 345"),
        ("024 38251234", "024 3825 1234"),
        ("số cũ", "số cũ"),
    ],
)
def test_a_phone_is_shown_grouped_as_it_prints_and_its_value_stays(qtbot, stored, shown):
    editor = LineEditor(Field(id="contact_phone", type="phone", label="Số điện thoại"))
    qtbot.addWidget(editor)
    editor.set_value(stored)
    assert editor.edit.text() == shown and editor.value() == stored
