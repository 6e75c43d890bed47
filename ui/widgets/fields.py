"""One editor per field type of a kind, reading and showing values only through the core (`kpdesk.vn`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QDate, QEvent, QLocale, QMimeData, QObject, QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QFontMetrics,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QShortcut,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kpdesk import vn
from kpdesk.entry import format_input, parse_input, understood
from kpdesk.errors import FormatError, KpdeskError
from kpdesk.kinds import Field
from ui.widgets.common import HINT, NoteLabel, set_text_colour, wheel_needs_focus
from ui.widgets.paste import PasteLineEdit, legacy_paste


class FieldEditor(QWidget):
    """An editor for one field; `edited` fires on each change the officer makes (not on `set_value`)."""

    edited = Signal()
    #: Does the editor show why its typed text cannot be read (so the field's row need not say it again)?
    NOTES_OWN_ERROR = False

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self._value: Any = None
        self._error: str | None = None
        self._loading = False

    def value(self) -> Any:
        return self._value

    def error(self) -> str | None:
        """Return why the typed text could not be read (Vietnamese, says how to write it), or None."""
        return self._error

    def raw_inputs(self) -> dict[str, str]:
        """Return the typed text that could not be read, by `Draft.inputs` key ("budget_total", "models.2.area");
        kept with the draft so that it is there after a restart."""
        return {self.field.id: self.text()} if self._error else {}

    def text(self) -> str:
        return ""

    def set_value(self, value: Any, inputs: dict[str, str] | None = None) -> None:
        """Show `value`, or this field's typed text in `inputs` that could not be read (with why, as typed)."""
        self._loading = True
        try:
            self._value, self._error = value, None
            raw = (inputs or {}).get(self.field.id)
            if raw is not None and self._show_raw(raw):
                return
            self._show(value)
        finally:
            self._loading = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Every editor defines `_show`: checked when its class is made (Qt's metaclass rules out `abc`)."""
        super().__init_subclass__(**kwargs)
        if cls._show is FieldEditor._show:
            raise TypeError(f"{cls.__name__} must define _show(value), which puts a value into its widgets")

    def _show(self, value: Any) -> None:
        """Put `value` into the widgets (each editor class has its own: see `__init_subclass__`)."""

    def _show_raw(self, text: str) -> bool:
        """Put typed text into the widgets and read it as if typed; return False if this editor takes no text."""
        return False

    def focus_target(self) -> QWidget:
        return self

    def set_money_unit(self, unit: str) -> None:
        """Show amounts in `unit` (the draft's money unit, "trieu" or "ty"); the value stays what it is."""

    def _changed(self, value: Any, error: str | None = None) -> None:
        if self._loading:
            return
        self._value, self._error = value, error
        self.edited.emit()


class LineEditor(FieldEditor):
    """One line: text, phone, e-mail, numbers, amounts, dates and references, with a note of what was read."""

    NOTES_OWN_ERROR = True

    def __init__(self, field: Field, parent: QWidget | None = None, *, suffix: str = "") -> None:
        super().__init__(field, parent)
        self.edit = PasteLineEdit(self)
        self.edit.setClearButtonEnabled(False)
        if field.example:
            self.edit.setPlaceholderText(f"Ví dụ: {field.example}")
        elif field.type == "amount":
            self.edit.setPlaceholderText("Ví dụ: 352 triệu hoặc 2,382 tỷ")
        elif field.type == "date":
            self.edit.setPlaceholderText("ngày/tháng/năm, ví dụ 30/3/2026")
        if field.type == "date":  # wide enough for the hint and any typed date, with or without an example
            self.edit.setMinimumWidth(self.edit.fontMetrics().horizontalAdvance("ngày/tháng/năm, ví dụ 30/3/2026") + 16)
        self.edit.setAccessibleName(field.label)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        self.unit_label: QLabel | None = None
        if suffix:
            unit = QLabel(suffix, self)
            unit.setBuddy(self.edit)
            if len(suffix) > 2:  # amounts: the same width for every unit, so the boxes line up
                unit.setMinimumWidth(unit.fontMetrics().horizontalAdvance("nghìn đồng") + 4)
            row.addWidget(unit)
            self.unit_label = unit
        self.row = row
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addLayout(row)
        self.note = NoteLabel(self, box)
        self.edit.textChanged.connect(self._typed)
        if field.type in ("int", "decimal", "percent", "amount"):
            self.edit.setMaximumWidth(16777215)

    def text(self) -> str:
        return self.edit.text()

    def focus_target(self) -> QWidget:
        return self.edit

    def _show(self, value: Any) -> None:
        text = format_input(self.field, value)
        if self.field.type == "phone" and text:  # as the note under it and the document write it: 0237 3852 123
            try:
                text = vn.parse_phone(text).display()
            except FormatError:
                pass
        self.edit.setText(text)
        self._note(value, None)

    def _show_raw(self, text: str) -> bool:
        self.edit.setText(text)
        self._value, self._error = self._read(text)
        self._note(self._value, self._error)
        return True

    def set_money_unit(self, unit: str) -> None:
        """An amount is shown, read (a number typed without a unit) and labelled in `unit`, so that every amount of
        a section is in the draft's one unit: "52" beside "triệu đồng", never "0,052" beside "tỷ đồng" between
        amounts in triệu. Typed text that cannot be read stays as it was typed."""
        if self.field.type != "amount" or unit == self.field.unit or unit not in vn.UNIT_LABELS:
            return
        self.field = replace(self.field, unit=unit)
        if self.unit_label is not None:
            self.unit_label.setText(vn.UNIT_LABELS[unit])
        if self._error is None:
            self._loading = True
            try:
                self._show(self._value)
            finally:
                self._loading = False

    def _read(self, text: str) -> tuple[Any, str | None]:
        try:
            return parse_input(self.field, text), None
        except FormatError as exc:
            return None, exc.message

    def _typed(self, text: str) -> None:
        if self._loading:
            return
        value, error = self._read(text)
        self._note(value, error)
        self._changed(value, error)

    def _note(self, value: Any, error: str | None) -> None:
        if error:
            self.note.failed(error)
            return
        text = understood(self.field, value)
        if text.removeprefix("= ").rstrip("%") == self.edit.text().strip().rstrip("%").strip():
            text = ""  # nothing to add to what was typed
        self.note.understood(text)


class _CalendarPopup(QFrame):
    """A month calendar that drops down under a date field; Enter or a click picks the day."""

    picked = Signal(QDate)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.calendar = QCalendarWidget(self)
        self.calendar.setLocale(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setGridVisible(True)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        box = QVBoxLayout(self)
        box.setContentsMargins(2, 2, 2, 2)
        box.addWidget(self.calendar)
        self.calendar.activated.connect(self._pick)
        self.calendar.clicked.connect(self._pick)

    def _pick(self, day: QDate) -> None:
        self.hide()
        self.picked.emit(day)


class DateEditor(LineEditor):
    """A date typed as dd/mm/yyyy (or picked from a calendar with the button or Alt+↓); blank is allowed."""

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.edit.setMaximumWidth(self.edit.minimumWidth() + 40)
        self.button = QToolButton(self)
        self.button.setText("Lịch…")
        self.button.setToolTip("Chọn ngày trên lịch (Alt+↓)")
        self.button.setAccessibleName(f"Chọn ngày trên lịch cho {field.label}")
        self.row.addWidget(self.button)
        self.row.addStretch(1)
        self.popup: _CalendarPopup | None = None
        self.button.clicked.connect(self.open_calendar)
        QShortcut(QKeySequence("Alt+Down"), self.edit, self.open_calendar, context=Qt.ShortcutContext.WidgetShortcut)

    def open_calendar(self) -> None:
        if self.popup is None:
            self.popup = _CalendarPopup(self)
            self.popup.picked.connect(self._picked)
        current = self._value if isinstance(self._value, dt.date) else dt.date.today()
        self.popup.calendar.setSelectedDate(QDate(current.year, current.month, current.day))
        self.popup.adjustSize()
        self.popup.move(self.edit.mapToGlobal(QPoint(0, self.edit.height())))
        self.popup.show()
        self.popup.calendar.setFocus()

    def _picked(self, day: QDate) -> None:
        self.edit.setText(vn.format_date(dt.date(day.year(), day.month(), day.day())))
        self.edit.setFocus()


class _GrowingTextEdit(QTextEdit):
    """A plain-text box that grows with its text between `min_lines` and `max_lines`; Tab leaves it."""

    def __init__(self, parent: QWidget | None = None, *, min_lines: int = 3, max_lines: int = 14) -> None:
        super().__init__(parent)
        self.setAcceptRichText(False)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.min_lines, self.max_lines = min_lines, max_lines
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self._fit()

    def _fit(self, *_: Any) -> None:
        line = QFontMetrics(self.font()).lineSpacing()
        margins = self.contentsMargins().top() + self.contentsMargins().bottom()
        doc = self.document().size().height() + 2 * self.document().documentMargin() - 8
        height = max(self.min_lines * line, min(self.max_lines * line, doc)) + margins + 8
        if self.height() != int(height):
            self.setFixedHeight(int(height))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self._fit()

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 - Qt naming
        """Paste (Ctrl+V, Shift+Insert, menu) and drop: offer to convert text typed in an old font."""
        if source is not None and source.hasText() and not self.isReadOnly():
            raw = source.text()
            text = legacy_paste(self, raw)
            if text != raw:
                converted = QMimeData()
                converted.setText(text)
                super().insertFromMimeData(converted)
                return
        super().insertFromMimeData(source)


class TextAreaEditor(FieldEditor):
    """Paragraphs: one paragraph per line, with the editor's own undo and redo (Ctrl+Z, Ctrl+Y)."""

    def __init__(self, field: Field, parent: QWidget | None = None, *, min_lines: int = 3) -> None:
        super().__init__(field, parent)
        self.edit = self._make_edit(min_lines)
        self.edit.setAccessibleName(field.label)
        if field.example:
            self.edit.setPlaceholderText(f"Ví dụ: {field.example}")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(self.edit)
        self.box = box
        self.edit.textChanged.connect(self._typed)

    def _make_edit(self, min_lines: int) -> _GrowingTextEdit:
        return _GrowingTextEdit(self, min_lines=min_lines)

    def text(self) -> str:
        return self.edit.toPlainText()

    def focus_target(self) -> QWidget:
        return self.edit

    def _show(self, value: Any) -> None:
        self.edit.setPlainText(format_input(self.field, value))

    def _show_raw(self, text: str) -> bool:
        self.edit.setPlainText(text)
        self._value, self._error = self._read(text)
        return True

    def _read(self, text: str) -> tuple[Any, str | None]:
        try:
            return parse_input(self.field, text), None
        except KpdeskError as exc:  # a DraftError or FormatError from the core's cleaning
            return None, exc.message

    def _typed(self) -> None:
        if self._loading:
            return
        self._changed(*self._read(self.edit.toPlainText()))


class _NumberedTextEdit(_GrowingTextEdit):
    """A text box whose lines are list items, numbered in a left gutter so long items stay apart."""

    GUTTER_PAD = 6

    def __init__(self, parent: QWidget | None = None, *, min_lines: int = 3, max_lines: int = 16) -> None:
        super().__init__(parent, min_lines=min_lines, max_lines=max_lines)
        self.gutter = QWidget(self)
        self.gutter.installEventFilter(self)
        self.document().blockCountChanged.connect(self._layout_gutter)
        self.verticalScrollBar().valueChanged.connect(lambda *_: self.gutter.update())
        self.textChanged.connect(self.gutter.update)
        self._layout_gutter()

    def _gutter_width(self) -> int:
        digits = len(str(max(1, self.document().blockCount())))
        return QFontMetrics(self.font()).horizontalAdvance("9" * digits + ".") + 2 * self.GUTTER_PAD

    def _layout_gutter(self, *_: Any) -> None:
        self.setViewportMargins(self._gutter_width(), 0, 0, 0)
        rect = self.contentsRect()
        self.gutter.setGeometry(QRect(rect.left(), rect.top(), self._gutter_width(), rect.height()))
        self.gutter.update()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self._layout_gutter()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if obj is self.gutter and event.type() == QEvent.Type.Paint:
            self._paint_gutter(event)  # type: ignore[arg-type]
            return True
        return super().eventFilter(obj, event)

    def _paint_gutter(self, event: QPaintEvent) -> None:
        p = QPainter(self.gutter)
        p.fillRect(event.rect(), self.palette().alternateBase())
        p.setPen(self.palette().placeholderText().color())
        layout = self.document().documentLayout()
        offset = self.verticalScrollBar().value()
        block = self.document().begin()
        number = 0
        width = self._gutter_width() - self.GUTTER_PAD
        while block.isValid():
            if block.text().strip():
                number += 1
                top = int(layout.blockBoundingRect(block).top()) - offset
                height = QFontMetrics(self.font()).height()
                if top + height >= 0 and top <= self.gutter.height():
                    p.drawText(
                        QRect(0, top + int(self.document().documentMargin()), width, height),
                        int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop),
                        f"{number}.",
                    )
            block = block.next()
        p.end()


class ListEditor(TextAreaEditor):
    """A list of items, one per line (Enter starts the next item); items can be moved with Alt+↑/↓."""

    def __init__(
        self,
        field: Field,
        parent: QWidget | None = None,
        *,
        min_lines: int = 3,
        item_word: str = "ý",
        buttons: bool = True,
    ) -> None:
        super().__init__(field, parent, min_lines=min_lines)
        self.item_word = item_word
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        self.count = QLabel(self)
        set_text_colour(self.count, HINT)
        bar.addWidget(self.count)
        bar.addStretch(1)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, tip, slot in (
            ("add", f"Thêm {item_word}", f"Thêm một {item_word} mới ở cuối danh sách", self.add_item),
            ("up", "Lên", "Chuyển dòng đang chọn lên trên (Alt+↑)", lambda: self.move_item(-1)),
            ("down", "Xuống", "Chuyển dòng đang chọn xuống dưới (Alt+↓)", lambda: self.move_item(1)),
            ("remove", f"Xóa {item_word}", "Xóa dòng đang chọn (hoàn tác bằng Ctrl+Z)", self.remove_item),
        ):
            button = QPushButton(text, self)
            button.setToolTip(tip)
            button.setAutoDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(slot)
            bar.addWidget(button)
            self.buttons[key] = button
        self.set_buttons_visible(buttons)
        self.box.addLayout(bar)
        QShortcut(
            QKeySequence("Alt+Up"), self.edit, lambda: self.move_item(-1), context=Qt.ShortcutContext.WidgetShortcut
        )
        QShortcut(
            QKeySequence("Alt+Down"), self.edit, lambda: self.move_item(1), context=Qt.ShortcutContext.WidgetShortcut
        )
        self.edit.textChanged.connect(self._count)
        self._count()

    def _make_edit(self, min_lines: int) -> _GrowingTextEdit:
        return _NumberedTextEdit(self, min_lines=min_lines)

    def set_buttons_visible(self, visible: bool) -> None:
        for button in self.buttons.values():
            button.setVisible(visible)

    def items(self) -> list[str]:
        return [line for line in self.edit.toPlainText().split("\n") if line.strip()]

    def _count(self) -> None:
        n = len(self.items())
        each = "" if self.item_word == "dòng" else f" — mỗi {self.item_word} một dòng"
        self.count.setText(f"{n} {self.item_word}{each}" if n else f"Chưa có {self.item_word} nào{each}")

    def add_item(self) -> None:
        cursor = self.edit.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        if self.edit.toPlainText().strip():
            cursor.insertText("\n")
        self.edit.setTextCursor(cursor)
        self.edit.setFocus()

    def remove_item(self) -> None:
        cursor = self.edit.textCursor()
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.BlockUnderCursor)
        if cursor.selectedText() == "" or cursor.block().blockNumber() == 0:
            cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
            if cursor.block().next().isValid():
                cursor.movePosition(QTextCursor.MoveOperation.NextCharacter, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        cursor.endEditBlock()
        self.edit.setFocus()

    def move_item(self, step: int) -> None:
        cursor = self.edit.textCursor()
        lines = self.edit.toPlainText().split("\n")
        row = cursor.blockNumber()
        other = row + step
        if not (0 <= other < len(lines)):
            return
        column = cursor.positionInBlock()
        lines[row], lines[other] = lines[other], lines[row]
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText("\n".join(lines))
        cursor.endEditBlock()
        block = self.edit.document().findBlockByNumber(other)
        cursor.setPosition(block.position() + min(column, len(block.text())))
        self.edit.setTextCursor(cursor)
        self.edit.setFocus()


class ChoiceEditor(FieldEditor):
    """One of the kind's options (or yes/no); "— Chưa chọn —" leaves it empty."""

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.combo = QComboBox(self)
        self.combo.setAccessibleName(field.label)
        self.combo.addItem("— Chưa chọn —", None)
        if field.type == "bool":
            self.combo.addItem("Có", True)
            self.combo.addItem("Không", False)
        else:
            for option in field.options:
                self.combo.addItem(option.label, option.value)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.setMinimumWidth(200)
        wheel_needs_focus(self.combo)
        box = QHBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.combo)
        box.addStretch(1)
        self.combo.currentIndexChanged.connect(lambda _: self._changed(self.combo.currentData()))

    def focus_target(self) -> QWidget:
        return self.combo

    def _show(self, value: Any) -> None:
        index = self.combo.findData(value) if value is not None else 0
        self.combo.setCurrentIndex(max(0, index))

    def choose(self, value: Any) -> None:
        """Select the option whose value is `value`, as a click would."""
        self.combo.setCurrentIndex(self.combo.findData(value) if value is not None else 0)


_SUFFIX = {"percent": "%"}


def value_editor(field: Field, parent: QWidget | None = None) -> FieldEditor:
    """Return the editor for `field`'s type, any type but a table (`ui.widgets.form.make_editor` takes every type)."""
    t = field.type
    if t == "rows":
        raise ValueError(f"«{field.id}» is a table: its editor is ui.widgets.rows.RowsEditor")
    if t == "longtext":
        return TextAreaEditor(field, parent)
    if t == "list":
        return ListEditor(field, parent)
    if t in ("choice", "bool"):
        return ChoiceEditor(field, parent)
    if t == "date":
        return DateEditor(field, parent)
    if t == "amount":
        return LineEditor(field, parent, suffix=vn.UNIT_LABELS.get(field.unit, "đồng"))
    return LineEditor(field, parent, suffix=_SUFFIX.get(t, ""))
