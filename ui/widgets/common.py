"""Shared look: colours, hint and message labels, status icons and the 'typed value' note."""

from __future__ import annotations

import copy
import functools
import math
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

# `QtCore.Qt.…`, the editors' classes and QPainter's looked up where they are used: the window's start builds
# neither the `Qt` namespace (see set_keys) nor the enums of classes it does not use (see status_pixmap)
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, QSize
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QPaintEvent,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QFrame,
    QLabel,
    QStyledItemDelegate,
    QWidget,
)

from kpdesk.caching import cache_folder, write_cache_file
from kpdesk.upgrade import app_version
from kpdesk.vocab import FORM_NAMES, FORMS

if TYPE_CHECKING:
    from PySide6.QtCore import QModelIndex
    from PySide6.QtGui import QBrush, QIcon, QPainterPath
    from PySide6.QtWidgets import QListWidget, QMenu, QPushButton, QStyleOptionViewItem, QTableWidget

ERROR = "#b3261e"
WARNING = "#8a5300"
OK = "#1e7b34"
HINT = "#505a64"
COMPUTED_BG = "#eef3f8"

#: Step and problem states, in the order of their gravity.
EMPTY, DONE, WARN, FAIL = "empty", "done", "warning", "error"


#: `Qt.ItemDataRole.UserRole` as its number, which item views take as it is (see `set_keys`).
USER_ROLE = 0x0100


def set_keys(obj: QObject, **properties: str) -> None:
    """Set enum and flag properties of a Qt object by their keys, as Qt Designer's files do:
    `set_keys(label, alignment="AlignCenter")` is `label.setAlignment(Qt.AlignmentFlag.AlignCenter)`, and flags
    are joined by "|". What the window runs before it shows the drafts uses this instead of PySide's `Qt`
    namespace: PySide builds that namespace's 93 Python enums (1,200 values) the first time anything in it is
    touched, 35-40 ms, the largest single cost of the start. A property or key Qt does not know is refused with
    ValueError (`setProperty` alone would quietly make a dynamic property or return False). It costs about 10 µs
    more a call than the typed setter: code that runs only later (the wizard's captions and messages) keeps
    `QtCore.Qt.…`."""
    meta = obj.metaObject()
    for name, key in properties.items():
        index = meta.indexOfProperty(name)
        if index < 0 or not meta.property(index).isEnumType() or not obj.setProperty(name, key):
            raise ValueError(f"{type(obj).__name__}.{name} không nhận giá trị {key!r}")


def set_shortcut(obj: QObject, keys: str) -> None:
    """Give an action or a shortcut its keys ("Ctrl+N"), through Qt's property system as `set_keys` does: Qt reads
    the text as `QKeySequence(keys)` would, and the start builds neither QKeySequence's enums (its 71 standard
    keys, ~1 ms) nor, through setShortcut's overloads, the `Qt` namespace. As with QKeySequence, keys Qt cannot
    read make no shortcut: the program's own are checked by its tests."""
    name = "key" if obj.metaObject().indexOfProperty("key") >= 0 else "shortcut"  # a QShortcut's, an action's
    if not obj.setProperty(name, keys):
        raise ValueError(f"{type(obj).__name__} không nhận phím tắt {keys!r}")


def escape_html(text: str) -> str:
    """Return `text` escaped for a rich-text label: its "&", "<" and ">" show as themselves (as html.escape
    does; importing `html` reads its 2,231 named entities, a cost at the start)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def buddy_html(text: str) -> str:
    """Return `text` escaped for a rich-text label that has a buddy (where a lone "&" would become a mnemonic)."""
    return escape_html(text).replace("&amp;", "&amp;&amp;")


def with_mnemonic(text: str, key: str) -> str:
    """Return a button's `text` with its Alt+`key` mnemonic marked: the first `key` gets a "&" before it."""
    at = text.find(key)
    return text if at < 0 else f"{text[:at]}&{text[at:]}"


#: The document forms as radio buttons, each with its Alt key ("&Báo cáo", "Công &văn", "T&hông báo").
FORM_BUTTONS: dict[str, str] = {
    form: with_mnemonic(FORM_NAMES[form], key) for form, key in zip(FORMS, ("B", "v", "h"), strict=True)
}


def push_button(text: str, parent: QWidget) -> QPushButton:
    """Return a push button showing `text`. Made empty, then given its text: PySide checks the call
    `QPushButton(text, parent)` against the overload that takes an icon first, which builds QIcon's enums (its 151
    theme icons, ~2.5 ms) at a start that shows no icon."""
    button = QtWidgets.QPushButton(parent)
    button.setText(text)
    return button


def menu_action(owner: QWidget, menu: QMenu, text: str, slot: Any, keys: str | None = None, tip: str = "") -> QAction:
    """An entry of `menu` (owned by the window `owner`) that runs `slot`, with its shortcut and the status-bar tip."""
    act = QAction(owner)  # its text set apart, as in `push_button`: the (text, owner) call would build QIcon's enums
    act.setText(text)
    if keys:
        set_shortcut(act, keys)
    act.setStatusTip(tip)
    act.setToolTip(tip or text.replace("&", ""))
    act.triggered.connect(slot)
    menu.addAction(act)
    return act


# Colours and shades go through the widget's palette, never a style sheet of its own: a widget with a style sheet
# hands itself and every widget inside it to Qt's style-sheet style, which polishes each of them and keeps its
# rules per widget (a draft's wizard holds about a thousand widgets: 5.5 MiB and a tenth of its building time).


def set_colour(widget: QWidget, colour: str, *roles: QPalette.ColorRole) -> None:
    """Give the `roles` of `widget`'s palette the colour `colour` (a "#rrggbb" or SVG name)."""
    palette = widget.palette()
    for role in roles:
        palette.setColor(role, QColor(colour))
    widget.setPalette(palette)


def set_text_colour(widget: QWidget, colour: str) -> None:
    """Write `widget`'s text (a label's, and a box's typed text) in `colour`."""
    set_colour(widget, colour, QPalette.ColorRole.WindowText, QPalette.ColorRole.Text)


def text_colour(widget: QWidget) -> str:
    """The "#rrggbb" name of the colour `widget`'s text is written in."""
    return widget.palette().color(QPalette.ColorRole.WindowText).name()


def set_font(widget: QWidget, *, bold: bool | None = None, point_size: float | None = None) -> None:
    """Make `widget`'s font bold (or not) and of `point_size` points, keeping the rest of it."""
    font = QFont(widget.font())
    if bold is not None:
        font.setBold(bold)
    if point_size is not None:
        font.setPointSizeF(point_size)
    widget.setFont(font)


def shade(label: QLabel, background: str, padding: int) -> None:
    """Give `label` a `background` behind its text and `padding` pixels around it (a box of computed figures)."""
    label.setAutoFillBackground(True)
    set_colour(label, background, QPalette.ColorRole.Window)
    label.setMargin(padding)


class Band(QFrame):
    """A band across a page (a notice above a form): its `background`, and a rule of `rule` colour under it."""

    def __init__(self, background: str, rule: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rule = QColor(rule)
        self.setAutoFillBackground(True)
        set_colour(self, background, QPalette.ColorRole.Window)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt naming
        super().paintEvent(event)
        p = QtGui.QPainter(self)
        p.setPen(self.rule)
        p.drawLine(0, self.height() - 1, self.width(), self.height() - 1)
        p.end()


class Card(QFrame):
    """A group of fields drawn inside a thin rounded border (one row of a table)."""

    BORDER = QColor("#c5ccd3")

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt naming
        super().paintEvent(event)
        p = QtGui.QPainter(self)
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        p.setPen(QtGui.QPen(self.BORDER, 1))
        p.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
        p.end()


def set_caption(label: QLabel, text: str, *, required: bool, bold: bool = False) -> None:
    """Write a field's name on `label` (in bold when asked), with a red * when the field is required. Plain text
    unless the star needs its colour: a rich-text label holds a text document of its own, four times the memory of
    a plain one, and a table's rows have a label per cell. A "&" in `text` is shown as itself (not a shortcut)."""
    if required:
        name = buddy_html(text)
        label.setTextFormat(QtCore.Qt.TextFormat.RichText)
        label.setText(f'{f"<b>{name}</b>" if bold else name} <span style="color:{ERROR}">*</span>')
    else:
        label.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        label.setText(text.replace("&", "&&"))
        if bold:
            set_font(label, bold=True)


def hint_label(text: str, parent: QWidget | None = None, *, selectable: bool = True) -> QLabel:
    """Return a grey, word-wrapped label for help text, which the mouse can select unless `selectable` is False.
    A selectable label is laid out as a text document (the first one of a process alone costs ~7 ms): the home,
    which the window shows at start, has plain lines only."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    set_text_colour(label, HINT)
    if selectable:
        set_keys(label, textInteractionFlags="TextSelectableByMouse")
    return label


def empty_label(text: str, parent: QWidget | None = None) -> QLabel:
    """Return the large grey, centred line shown in an empty list's place (what to do to fill it)."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    set_keys(label, alignment="AlignCenter")
    set_text_colour(label, HINT)
    set_font(label, point_size=12)
    label.setMargin(20)
    return label


def row_table(columns: Sequence[str], parent: QWidget, *, name: str, stretch: int = 0) -> QTableWidget:
    """Return a read-only table whose rows are chosen one at a time: no row numbers, Tab leaves it, `name` read
    out by screen readers; column `stretch` takes the spare width, and the others fit their contents each time
    the table is filled (`fit_columns`) and can be widened by hand."""
    w = QtWidgets  # looked up here: a start that shows no table builds none of their enums
    table = w.QTableWidget(0, len(columns), parent)
    table.setHorizontalHeaderLabels(list(columns))
    table.setSelectionBehavior(w.QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(w.QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(w.QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    table.setAccessibleName(name)
    header = table.horizontalHeader()
    header.setSectionResizeMode(stretch, w.QHeaderView.ResizeMode.Stretch)  # the others: Interactive, Qt's own
    return table


def fit_columns(table: QTableWidget) -> None:
    """Fit the columns of a `row_table` to what it holds, once it is filled: each cell is measured once, where a
    column that fits itself all the time measures them all again at every row added and every change of row."""
    header = table.horizontalHeader()
    for col in range(table.columnCount()):
        if header.sectionResizeMode(col) != QtWidgets.QHeaderView.ResizeMode.Stretch:
            table.resizeColumnToContents(col)


def heading_label(text: str, parent: QWidget | None = None, *, scale: float = 1.25) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    font = QFont(label.font())
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label


class LazyLabel:
    """A word-wrapped label at its place in `layout` that is made only when it first has something to show: a
    draft's wizard has a place for problems under every field, and a note under every typed value, and most stay
    empty (hidden labels were 1.4 MiB of the wizard's memory)."""

    def __init__(self, parent: QWidget, layout: QBoxLayout) -> None:
        self.parent, self.layout, self.at = parent, layout, layout.count()  # its place: after what is there now
        self.label: QLabel | None = None

    def _shown(self, text: str) -> QLabel:
        """The label (made now if need be) showing `text`."""
        if self.label is None:
            self.label = QLabel(self.parent)
            self.label.setWordWrap(True)
            self.label.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
            self._made(self.label)
            self.layout.insertWidget(self.at, self.label)
        self.label.setText(text)
        self.label.show()
        return self.label

    def _made(self, label: QLabel) -> None:
        """Set up a label just made (before it shows its first text)."""

    def reset(self) -> None:
        if self.label is not None:
            self.label.clear()
            self.label.hide()

    def text(self) -> str:
        return self.label.text() if self.label is not None else ""

    def isVisible(self) -> bool:  # noqa: N802 - as a widget would say it
        return self.label is not None and self.label.isVisible()


class MessageLabel(LazyLabel):
    """The problems (severity, text) under a field, in red or amber."""

    def __init__(self, parent: QWidget, layout: QBoxLayout) -> None:
        super().__init__(parent, layout)
        self._messages: tuple[tuple[str, str], ...] = ()

    def _made(self, label: QLabel) -> None:
        label.setTextFormat(QtCore.Qt.TextFormat.RichText)

    def show_messages(self, messages: Iterable[tuple[str, str]]) -> None:
        messages = tuple(messages)
        if messages == self._messages:
            return
        self._messages = messages
        if not messages:
            self.reset()
            return
        lines = []
        for severity, text in messages:
            colour = ERROR if severity == "error" else WARNING
            mark = "✖" if severity == "error" else "⚠"
            lines.append(f'<span style="color:{colour}">{mark} {escape_html(text)}</span>')
        self._shown("<br>".join(lines))

    def messages(self) -> tuple[tuple[str, str], ...]:
        return self._messages


class NoteLabel(LazyLabel):
    """The line under a typed value: what was understood ("= 2.382 triệu đồng …") or why not."""

    def understood(self, text: str) -> None:
        if not text:
            self.reset()
            return
        set_text_colour(self._shown(text), OK)

    def failed(self, text: str) -> None:
        set_text_colour(self._shown("✖ " + text), ERROR)


def status_icon(state: str, size: int = 18) -> QIcon:
    """Return a round icon for a step state: ✓ done, ! warning, × error, ○ not started (see `status_pixmap`)."""
    return QtGui.QIcon(status_pixmap(state, size))  # looked up here: the home, at start, shows pixmaps only


#: The status marks made so far, by state, size and screen pixel ratio (the home shows one on every row).
_STATUS_PIXMAPS: dict[tuple[str, int, float], QPixmap] = {}
#: Raise it whenever `_paint_status` draws differently: the marks kept in the cache folder are then painted again
#: (a new version of the program paints them again anyway).
MARKS_VERSION = 1


def status_pixmap(state: str, size: int = 18) -> QPixmap:
    """Return the round mark of a step state, `size` pixels wide on screen: ✓ done, ! warning, × error, ○ not
    started. Each is made once per size and screen (then shared, as Qt shares pixmaps: copying one is free): read
    from the cache folder, where it was kept the first time it was painted. The home shows these at start, and
    painting them builds QPainter's, QPainterPath's and QTransform's enums, ~2 ms."""
    ratio = QApplication.instance().devicePixelRatio() if QApplication.instance() else 1.0  # type: ignore[union-attr]
    key = (state, size, ratio)
    if key not in _STATUS_PIXMAPS:
        _STATUS_PIXMAPS[key] = _kept_status(state, size, ratio)
    return copy.copy(_STATUS_PIXMAPS[key])  # shared pixels; QPixmap(pixmap) would build QImage's enums


def status_mark_file(state: str, size: int, ratio: float) -> Path | None:
    """Where the mark of `state` at `size` and `ratio` is kept (None: no cache folder). The name holds the
    program's version and `MARKS_VERSION`, so that a mark drawn differently is never read for another."""
    folder = cache_folder()
    if folder is None:
        return None
    return folder / "marks" / f"{state}-{size}-{round(ratio * 100)}-{_marks_made_by()}.png"


@functools.cache
def _marks_made_by() -> str:
    return f"{app_version()}-{MARKS_VERSION}".replace("/", "_").replace("\\", "_")


def _kept_status(state: str, size: int, ratio: float) -> QPixmap:
    """The mark read from the cache folder, or painted (and kept there for the next start) when it is not there,
    cannot be read, or is not of the size asked for. Marks kept by another version go when one is painted."""
    path = status_mark_file(state, size, ratio)
    pixels = round(size * ratio)
    if path is not None and path.is_file():
        pixmap = QPixmap(str(path))
        if not pixmap.isNull() and pixmap.width() == pixmap.height() == pixels:
            pixmap.setDevicePixelRatio(ratio)
            return pixmap
    pixmap = _paint_status(state, size, ratio)
    if path is not None:
        buffer = QtCore.QBuffer()
        buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
        if pixmap.save(buffer, "PNG"):
            write_cache_file(path, bytes(buffer.data().data()))
        _forget_other_marks(path.parent)
    return pixmap


def _forget_other_marks(folder: Path) -> None:
    """Remove the marks another version of the program kept in `folder` (they would never be read again)."""
    ours = f"-{_marks_made_by()}.png"
    try:
        with os.scandir(folder) as entries:
            old = [e.path for e in entries if e.name.endswith(".png") and not e.name.endswith(ours) and e.is_file()]
        for name in old:
            os.remove(name)
    except OSError:  # a folder that cannot be listed or a file in use: left, as any cache that cannot be written
        pass


def _paint_status(state: str, size: int, ratio: float) -> QPixmap:
    """Painted with filled outlines only: the home shows these marks at start, and QPainter's pen and brush setters,
    like QBrush's and QPen's constructors, take `Qt` enums among their overloads, so calling them builds the `Qt`
    namespace (see `set_keys`); `fillPath` with a palette's brush does not."""
    pixmap = QPixmap(QSize(round(size * ratio), round(size * ratio)))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(QColor(0, 0, 0, 0))  # transparent
    p = QtGui.QPainter(pixmap)
    p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    rect = QRectF(1.5, 1.5, size - 3, size - 3)
    colours = {DONE: OK, WARN: "#c98a00", FAIL: ERROR, EMPTY: "#8a949e"}
    colour = colours.get(state, "#8a949e")
    disc = QtGui.QPainterPath()  # filled odd-even: two circles make a ring
    if state == EMPTY:
        disc.addEllipse(rect.adjusted(-0.8, -0.8, 0.8, 0.8))
        disc.addEllipse(rect.adjusted(0.8, 0.8, -0.8, -0.8))
        p.fillPath(disc, _brush(colour))
    else:
        disc.addEllipse(rect)
        p.fillPath(disc, _brush(colour))
        s, width = size, max(1.8, size / 9)
        if state == DONE:
            lines = [((0.28, 0.52), (0.44, 0.68)), ((0.44, 0.68), (0.72, 0.34))]
        elif state == WARN:
            lines = [((0.5, 0.27), (0.5, 0.58)), ((0.5, 0.74), (0.5, 0.74))]  # the stroke and its dot
        else:
            lines = [((0.33, 0.33), (0.67, 0.67)), ((0.67, 0.33), (0.33, 0.67))]
        mark = QtGui.QPainterPath()
        for (x1, y1), (x2, y2) in lines:  # one outline, so that where the strokes meet is not painted twice
            mark = mark.united(_round_stroke(QPointF(s * x1, s * y1), QPointF(s * x2, s * y2), width))
        p.fillPath(mark, _brush("white"))
    p.end()
    return pixmap


def _brush(colour: str) -> QBrush:
    """A solid brush of `colour`, taken from a palette: QBrush's own constructors would build the `Qt` namespace."""
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor(colour))
    return palette.window()


def _round_stroke(a: QPointF, b: QPointF, width: float) -> QPainterPath:
    """The outline of a line from `a` to `b` drawn `width` wide with round ends, as a pen with a round cap draws
    it (the cap style is a `Qt` enum)."""
    line = b - a
    length = (line.x() ** 2 + line.y() ** 2) ** 0.5
    path = QtGui.QPainterPath()
    path.addRoundedRect(QRectF(-width / 2, -width / 2, length + width, width), width / 2, width / 2)
    turn = QtGui.QTransform()
    turn.translate(a.x(), a.y())
    if length:
        turn.rotateRadians(math.atan2(line.y(), line.x()))
    return turn.map(path)


class WrapDelegate(QStyledItemDelegate):
    """List items whose text wraps over as many lines as it needs at the list's width (never "…")."""

    def __init__(self, view: QListWidget) -> None:
        super().__init__(view)
        self.view = view
        view.setWordWrap(True)
        view.setResizeMode(QtWidgets.QListView.ResizeMode.Adjust)
        view.setTextElideMode(QtCore.Qt.TextElideMode.ElideNone)
        view.setItemDelegate(self)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802 - Qt naming
        opt = QtWidgets.QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        icon = opt.decorationSize.width() + 12 if not opt.icon.isNull() else 0
        width = max(60, self.view.viewport().width() - icon - 14)
        wrap = int(QtCore.Qt.TextFlag.TextWordWrap)
        text = QtGui.QFontMetrics(opt.font).boundingRect(QtCore.QRect(0, 0, width, 100_000), wrap, opt.text)
        return QSize(width + icon, max(text.height(), opt.decorationSize.height()) + 8)


STATE_WORDS = {DONE: "đã xong", WARN: "có cảnh báo", FAIL: "có lỗi", EMPTY: "chưa nhập"}


class _WheelNeedsFocus(QObject):
    """Over a choice, number or date box without the keyboard focus, the mouse wheel scrolls the page instead."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if event.type() != QEvent.Type.Wheel or not isinstance(obj, QWidget) or obj.hasFocus():
            return False
        area = obj.parentWidget()
        while area is not None and not isinstance(area, QtWidgets.QAbstractScrollArea):
            area = area.parentWidget()
        if area is not None:  # handed to the page's scroll area as if the box were not there
            wheel: QtGui.QWheelEvent = event  # type: ignore[assignment]
            viewport = area.viewport()
            at = QPointF(obj.mapTo(viewport, wheel.position().toPoint()))
            QApplication.sendEvent(
                viewport,
                QtGui.QWheelEvent(
                    at,
                    wheel.globalPosition(),
                    wheel.pixelDelta(),
                    wheel.angleDelta(),
                    wheel.buttons(),
                    wheel.modifiers(),
                    wheel.phase(),
                    wheel.inverted(),
                    wheel.source(),
                ),
            )
        return True  # the box's value stays as it is


_wheel_filter: _WheelNeedsFocus | None = None


def wheel_needs_focus(*boxes: QWidget) -> None:
    """Let the mouse wheel change these boxes (combo, spin, date) only once they have the keyboard focus (a click
    or Tab gives it; the wheel does not): scrolling a form over them scrolls the form and changes nothing."""
    global _wheel_filter
    if _wheel_filter is None:
        _wheel_filter = _WheelNeedsFocus()
    for box in boxes:
        box.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        box.installEventFilter(_wheel_filter)


def _is_field(widget: QWidget) -> bool:
    """A box the officer fills (not a button, list or label), visible and open to the keyboard."""
    w = QtWidgets
    texts = (w.QLineEdit, w.QTextEdit, w.QPlainTextEdit)
    if not isinstance(widget, (*texts, w.QComboBox, w.QAbstractSpinBox)):
        return False
    if not widget.isVisible() or not widget.isEnabled() or not widget.focusPolicy() & QtCore.Qt.FocusPolicy.TabFocus:
        return False
    return not (isinstance(widget, texts) and widget.isReadOnly())


def focus_next_field(widget: QWidget) -> bool:
    """Give the keyboard to the next field of `widget`'s form (Enter in a one-line box, as in HTKK): the next box in
    Tab order inside the same scrolling page (buttons are passed over); False, focus unchanged, after the last one."""
    form: QWidget | None = widget.parentWidget()
    while form is not None and not isinstance(form, QtWidgets.QScrollArea):
        form = form.parentWidget()
    form = form or widget.window()
    candidate = widget.nextInFocusChain()
    for _ in range(2000):  # the chain is a ring; this only bounds a broken one
        if candidate is None or candidate is widget or not form.isAncestorOf(candidate):
            return False  # past the form's last field: stay (the form does not start again from the top)
        if _is_field(candidate):
            candidate.setFocus(QtCore.Qt.FocusReason.TabFocusReason)
            return True
        candidate = candidate.nextInFocusChain()
    return False
