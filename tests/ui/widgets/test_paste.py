"""Pasting text typed in the old fonts (TCVN3, VNI): the officer is asked once and gets Unicode, or keeps it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kpdesk.kinds import Field
from kpdesk.legacy import encode_legacy
from ui.widgets.fields import LineEditor, ListEditor, TextAreaEditor

UNIT = "Ủy ban nhân dân xã Thiệu Trung"
PARAGRAPHS = "Ủy ban nhân dân xã Thiệu Trung thông báo\nCộng hòa xã hội chủ nghĩa Việt Nam"
CTRL = Qt.KeyboardModifier.ControlModifier


def ctrl_v(kit, widget) -> None:
    widget.setFocus()
    kit.key(widget, Qt.Key.Key_V, "\x16", CTRL)


def put(text: str) -> None:
    QApplication.clipboard().setText(text)


@pytest.fixture
def line(qtbot) -> LineEditor:
    editor = LineEditor(Field(id="unit", type="text", label="Tên cơ quan"))
    qtbot.addWidget(editor)
    return editor


@pytest.fixture
def area(qtbot) -> TextAreaEditor:
    editor = TextAreaEditor(Field(id="body", type="longtext", label="Nội dung"))
    qtbot.addWidget(editor)
    return editor


def test_tcvn3_pasted_in_a_line_is_converted_when_the_officer_agrees(line, kit, answers):
    raw = encode_legacy(UNIT, "tcvn3")
    assert raw != UNIT
    put(raw)
    answers.confirm = True
    ctrl_v(kit, line.edit)
    assert line.value() == UNIT and line.text() == UNIT
    assert len(answers.asked) == 1
    assert "TCVN3" in answers.asked[0] and "Chuyển sang Unicode" in answers.asked[0]


def test_tcvn3_pasted_in_a_line_is_kept_raw_when_the_officer_refuses(line, kit, answers):
    raw = encode_legacy(UNIT, "tcvn3")
    put(raw)
    answers.confirm = False
    ctrl_v(kit, line.edit)
    assert line.text() == raw
    assert len(answers.asked) == 1


def test_tcvn3_pasted_in_paragraphs_is_converted_or_kept(area, kit, answers):
    raw = encode_legacy(PARAGRAPHS, "tcvn3")
    put(raw)
    answers.confirm = True
    ctrl_v(kit, area.edit)
    assert area.value() == PARAGRAPHS and area.text() == PARAGRAPHS
    assert len(answers.asked) == 1
    kit.select_all(area.edit)
    kit.key(area.edit, Qt.Key.Key_Delete)
    answers.confirm = False
    ctrl_v(kit, area.edit)
    assert area.text() == raw
    assert len(answers.asked) == 2


def test_vni_pasted_in_a_list_and_a_line_is_converted(qtbot, line, kit, answers):
    editor = ListEditor(Field(id="to", type="list", label="Nơi nhận"))
    qtbot.addWidget(editor)
    put(encode_legacy(PARAGRAPHS, "vni"))
    ctrl_v(kit, editor.edit)
    assert editor.items() == PARAGRAPHS.split("\n")
    assert "VNI" in answers.asked[0]
    put(encode_legacy(UNIT, "vni"))
    answers.confirm = False
    ctrl_v(kit, line.edit)
    assert line.text() == encode_legacy(UNIT, "vni")
    assert len(answers.asked) == 2 and "VNI" in answers.asked[1]


def test_ordinary_unicode_and_plain_text_paste_asks_nothing(line, area, kit, answers):
    for text in (UNIT, "Tôi là cán bộ văn phòng", "café Müller", "Meeting at 9 am"):
        put(text)
        kit.select_all(line.edit)
        ctrl_v(kit, line.edit)
        assert line.text() == text
    put(PARAGRAPHS)
    ctrl_v(kit, area.edit)
    assert area.text() == PARAGRAPHS
    assert answers.asked == []


def test_shift_insert_and_the_context_menu_paste_also_offer_conversion(line, area, kit, answers):
    raw = encode_legacy(UNIT, "tcvn3")
    put(raw)
    line.edit.setFocus()
    kit.key(line.edit, Qt.Key.Key_Insert, "", Qt.KeyboardModifier.ShiftModifier)
    assert line.text() == UNIT
    kit.select_all(line.edit)
    kit.key(line.edit, Qt.Key.Key_Delete)
    menu = line.edit.context_menu()
    paste = next(a for a in menu.actions() if a.objectName() == "edit-paste")
    assert paste.isEnabled()
    paste.trigger()
    assert line.text() == UNIT
    menu.deleteLater()
    menu = area.edit.createStandardContextMenu()
    next(a for a in menu.actions() if a.objectName() == "edit-paste").trigger()
    assert area.text() == UNIT
    menu.deleteLater()
    assert len(answers.asked) == 3


def test_a_converted_paste_is_one_undoable_step(line, area, kit, answers):
    put(encode_legacy(UNIT, "tcvn3"))
    kit.type_keys(line.edit, "Kính gửi: ")
    ctrl_v(kit, line.edit)
    assert line.text() == "Kính gửi: " + UNIT
    kit.key(line.edit, Qt.Key.Key_Z, "", CTRL)
    assert line.text() == "Kính gửi: "
    kit.key(line.edit, Qt.Key.Key_Y, "", CTRL)
    assert line.text() == "Kính gửi: " + UNIT
    kit.commit(area.edit, "Kính gửi: ")
    ctrl_v(kit, area.edit)
    assert area.text() == "Kính gửi: " + UNIT
    area.edit.undo()
    assert area.text() == "Kính gửi: "
    area.edit.redo()
    assert area.text() == "Kính gửi: " + UNIT
