"""The editor of a repeating table: one card per row with typed cells; add, remove (undoable) and reorder."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kpdesk.draft import input_key, split_input_key
from kpdesk.kinds import Field
from ui.widgets.common import (
    COMPUTED_BG,
    Card,
    MessageLabel,
    escape_html,
    hint_label,
    set_caption,
    set_font,
    shade,
)
from ui.widgets.fields import FieldEditor, ListEditor, value_editor

_WIDE = ("longtext", "list", "reference")

#: A problem shown on a row: (column id, or None for the row as a whole; severity; text).
RowMessage = tuple[str | None, str, str]


class RowMessages:
    """The problems shown on one row: each under the cell (column) it is about, any other under the row."""

    def __init__(self, cells: dict[str, MessageLabel], row: MessageLabel) -> None:
        self.cells, self.row = cells, row

    def show(self, messages: Iterable[RowMessage]) -> None:
        by_column: dict[str | None, list[tuple[str, str]]] = {}
        for column, severity, text in messages:
            by_column.setdefault(column if column in self.cells else None, []).append((severity, text))
        for column, label in self.cells.items():
            label.show_messages(by_column.get(column, []))
        self.row.show_messages(by_column.get(None, []))

    def messages(self) -> tuple[tuple[str, str], ...]:
        """Every (severity, text) shown on the row: the cells' in column order, then the row's own."""
        shown = [m for label in self.cells.values() for m in label.messages()]
        return (*shown, *self.row.messages())


class RowCard(Card):
    """One row of a table: a heading "Dòng n" with its buttons, then one editor per column."""

    def __init__(self, table: RowsEditor, index: int) -> None:
        super().__init__(table)
        self.table = table
        self.setObjectName("rowCard")
        self.title = QLabel(self)
        set_font(self.title, bold=True)
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        self.up = self._button("Lên", "Chuyển lên trên", lambda: table.move_row(self, -1))
        self.down = self._button("Xuống", "Chuyển xuống dưới", lambda: table.move_row(self, 1))
        word = table.row_word.lower()
        self.remove = self._button(
            f"Xóa {word}", f"Xóa {word} này (có thể khôi phục ngay sau đó)", lambda: table.remove_row(self)
        )
        for button in (self.up, self.down, self.remove):
            head.addWidget(button)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        self.editors: dict[str, FieldEditor] = {}
        cell_messages: dict[str, MessageLabel] = {}
        row = col = 0
        for column in table.field.columns:
            editor = value_editor(column, self)
            editor.set_money_unit(table.money_unit)
            if isinstance(editor, ListEditor):
                editor.item_word = "dòng"
                editor.set_buttons_visible(False)
            label = QLabel(self)
            label.setWordWrap(True)
            set_caption(label, column.label, required=column.required)
            label.setBuddy(editor.focus_target())
            wide = column.type in _WIDE
            if wide and col:
                row, col = row + 2, 0
            span = 2 if wide else 1
            grid.addWidget(label, row, col, 1, span)
            cell = QVBoxLayout()
            cell.setSpacing(2)
            cell.addWidget(editor)
            cell_messages[column.id] = MessageLabel(self, cell)
            cell.addStretch(1)
            grid.addLayout(cell, row + 1, col, 1, span)
            col += span
            if col >= 2:
                row, col = row + 2, 0
            editor.edited.connect(table._cell_edited)
            self.editors[column.id] = editor
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(10, 6, 10, 8)
        box.addLayout(head)
        box.addLayout(grid)
        self.messages = RowMessages(cell_messages, MessageLabel(self, box))
        self.set_index(index)

    def _button(self, text: str, tip: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def set_index(self, index: int) -> None:
        self.index = index
        word = self.table.row_word
        self.title.setText(f"{word} {index + 1}")
        self.up.setAccessibleName(f"Chuyển {word.lower()} {index + 1} lên trên")
        self.down.setAccessibleName(f"Chuyển {word.lower()} {index + 1} xuống dưới")
        self.remove.setAccessibleName(f"Xóa {word.lower()} {index + 1}")

    def value(self) -> dict[str, Any]:
        return {cid: editor.value() for cid, editor in self.editors.items()}

    def raw(self) -> dict[str, str]:
        """The typed text of this row's cells that could not be read, by column id."""
        return {cid: text for editor in self.editors.values() for cid, text in editor.raw_inputs().items()}

    def set_value(self, row: dict[str, Any], raw: dict[str, str] | None = None) -> None:
        for cid, editor in self.editors.items():
            editor.set_value(row.get(cid), raw)

    def error(self) -> str | None:
        for column in self.table.field.columns:
            message = self.editors[column.id].error()
            if message:
                return f"cột «{column.label}»: {message}"
        return None


class RowsEditor(FieldEditor):
    """A repeating table; computed totals of its columns are shown under it, read-only."""

    def __init__(self, field: Field, parent: QWidget | None = None, *, row_word: str = "Dòng") -> None:
        super().__init__(field, parent)
        self.row_word = row_word
        #: The unit its amount columns are shown in (the draft's); None: each column's own.
        self.money_unit: str | None = None
        self.cards: list[RowCard] = []
        self._removed: tuple[int, dict[str, Any], dict[str, str]] | None = None
        self.rows_box = QVBoxLayout()
        self.rows_box.setSpacing(8)
        word = row_word.lower()
        self.empty = hint_label(f"Chưa có {word} nào. Bấm «Thêm {word}» để nhập {word} đầu tiên.", self)
        self.add_button = QPushButton(f"Thêm {word}", self)
        self.add_button.setToolTip(f"Thêm một {word} mới ở cuối")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_row)
        self.undo_button = QPushButton(f"Khôi phục {word} vừa xóa", self)
        self.undo_button.setAutoDefault(False)
        self.undo_button.hide()
        self.undo_button.clicked.connect(self.undo_remove)
        self.totals = QLabel(self)
        self.totals.setWordWrap(True)
        self.totals.setTextFormat(Qt.TextFormat.RichText)
        shade(self.totals, COMPUTED_BG, 6)
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.totals.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.empty)
        box.addLayout(self.rows_box)
        box.addLayout(buttons)
        box.addWidget(self.totals)

    def set_money_unit(self, unit: str) -> None:
        self.money_unit = unit
        for card in self.cards:
            for editor in card.editors.values():
                editor.set_money_unit(unit)

    def focus_target(self) -> QWidget:
        if self.cards:
            first = next(iter(self.cards[0].editors.values()))
            return first.focus_target()
        return self.add_button

    # -- value ------------------------------------------------------------------------
    def value(self) -> Any:
        rows = [card.value() for card in self.cards]
        return rows or None

    def error(self) -> str | None:
        """Return the first unreadable cell ("cột «…»: why")."""
        for card in self.cards:
            message = card.error()
            if message:
                return message
        return None

    def raw_inputs(self) -> dict[str, str]:
        return {
            input_key(self.field.id, card.index + 1, cid): text
            for card in self.cards
            for cid, text in card.raw().items()
        }

    def set_value(self, value: Any, inputs: dict[str, str] | None = None) -> None:
        """Show the rows, with the typed text `inputs` ("models.2.area" → text) in the cells it belongs to."""
        rows = list(value or [])
        raws: list[dict[str, str]] = [{} for _ in rows]
        for key, text in (inputs or {}).items():
            fid, row, cid = split_input_key(key)
            if fid == self.field.id and row is not None and cid is not None and row <= len(rows):
                raws[row - 1][cid] = text
        self._loading = True
        try:
            self._value, self._error = value, None
            self._rebuild(rows, raws)
            self._value, self._error = self.value(), self.error()
        finally:
            self._loading = False

    def _show(self, value: Any) -> None:
        self._rebuild(list(value or []))

    def _rows(self) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
        """The rows as values and, beside them, the unread text of their cells."""
        return [card.value() for card in self.cards], [card.raw() for card in self.cards]

    def _rebuild(self, rows: list[dict[str, Any]], raws: list[dict[str, str]] | None = None) -> None:
        while len(self.cards) > len(rows):
            card = self.cards.pop()
            self.rows_box.removeWidget(card)
            card.deleteLater()
        while len(self.cards) < len(rows):
            card = RowCard(self, len(self.cards))
            self.cards.append(card)
            self.rows_box.addWidget(card)
        loading, self._loading = self._loading, True
        try:
            for card, row, raw in zip(self.cards, rows, raws or [{} for _ in rows], strict=True):
                card.set_value(row, raw)
        finally:
            self._loading = loading
        self._refresh()

    def _refresh(self) -> None:
        for i, card in enumerate(self.cards):
            card.set_index(i)
            card.up.setEnabled(i > 0)
            card.down.setEnabled(i < len(self.cards) - 1)
        self.empty.setVisible(not self.cards)

    def _cell_edited(self) -> None:
        if not self._loading:
            self._changed(self.value(), self.error())

    # -- structure --------------------------------------------------------------------
    def add_row(self) -> None:
        rows, raws = self._rows()
        rows.append({c.id: None for c in self.field.columns})
        raws.append({})
        self._rebuild(rows, raws)
        self.cards[-1].editors[self.field.columns[0].id].focus_target().setFocus()
        self._structure_changed()

    def remove_row(self, card: RowCard) -> None:
        rows, raws = self._rows()
        index = self.cards.index(card)
        self._removed = (index, rows.pop(index), raws.pop(index))
        self._rebuild(rows, raws)
        self.undo_button.setText(f"Khôi phục {self.row_word.lower()} {index + 1} vừa xóa")
        self.undo_button.show()
        self.undo_button.setFocus()
        self._structure_changed(keep_undo=True)

    def undo_remove(self) -> None:
        if self._removed is None:
            return
        index, row, raw = self._removed
        rows, raws = self._rows()
        rows.insert(index, row)
        raws.insert(index, raw)
        self._rebuild(rows, raws)
        self.cards[index].editors[self.field.columns[0].id].focus_target().setFocus()
        self._structure_changed()

    def move_row(self, card: RowCard, step: int) -> None:
        index = self.cards.index(card)
        other = index + step
        if not 0 <= other < len(self.cards):
            return
        rows, raws = self._rows()
        rows[index], rows[other] = rows[other], rows[index]
        raws[index], raws[other] = raws[other], raws[index]
        self._rebuild(rows, raws)
        target = self.cards[other].up if step < 0 and other > 0 else self.cards[other].down
        (target if target.isEnabled() else self.cards[other].remove).setFocus()
        self._structure_changed()

    def _structure_changed(self, *, keep_undo: bool = False) -> None:
        if not keep_undo:
            self._removed = None
            self.undo_button.hide()
        self._changed(self.value(), self.error())

    # -- shown by the section -----------------------------------------------------------
    def set_row_messages(self, by_row: dict[int, list[RowMessage]]) -> None:
        """Show each row's problems (by row number from 1), each under its cell when it names a column."""
        for card in self.cards:
            card.messages.show(by_row.get(card.index + 1, []))

    def set_totals(self, lines: list[tuple[str, str]]) -> None:
        if not lines:
            self.totals.hide()
            return
        self.totals.setText("<br>".join(f"{escape_html(label)}: <b>{escape_html(value)}</b>" for label, value in lines))
        self.totals.show()
