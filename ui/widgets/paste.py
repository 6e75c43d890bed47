"""Pasting into a text box: text typed in the old TCVN3 or VNI fonts is offered converted to Unicode."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QContextMenuEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu, QWidget

from kpdesk.legacy import ENCODING_NAMES, convert_legacy, detect_legacy
from ui import dialogs
from ui.widgets.common import focus_next_field

PREVIEW_CHARS = 80

#: The window's keys a one-line box must not take for itself: on Linux desktops Qt binds Ctrl+E to "end of line"
#: in a text box, which swallowed «Xuất báo cáo» (Ctrl+E) whenever the cursor was in one.
WINDOW_KEYS = (QKeySequence("Ctrl+E"),)


def legacy_paste(parent: QWidget | None, raw: str) -> str:
    """Return what to paste for the clipboard text `raw`: converted to Unicode if it is in TCVN3 or VNI and the
    officer agrees (asked once), else `raw` unchanged. Detection sees the raw text, before any cleaning."""
    encoding = detect_legacy(raw) if raw else None
    if encoding is None:
        return raw
    converted = convert_legacy(raw, encoding)
    preview = " ".join(converted.split())
    if len(preview) > PREVIEW_CHARS:
        preview = preview[:PREVIEW_CHARS].rstrip() + "…"
    text = (
        f"Đoạn văn bản vừa dán có vẻ được gõ bằng phông {ENCODING_NAMES[encoding]} (bảng mã cũ). "
        "Chuyển sang Unicode để chữ hiển thị và in đúng?"
    )
    ok = dialogs.confirm(
        parent,
        text,
        yes="Chuyển sang Unicode",
        no="Giữ nguyên",
        detail=f"Sau khi chuyển: «{preview}»",
        title="Văn bản dán vào dùng phông cũ",
    )
    return converted if ok else raw


class PasteLineEdit(QLineEdit):
    """The one-line box of a form: its paste (Ctrl+V, Shift+Insert, context menu) offers to convert TCVN3/VNI text,
    Enter goes on to the next field (as in HTKK), and the window's keys (`WINDOW_KEYS`) reach the window."""

    def paste_converting(self) -> None:
        """Paste the clipboard's plain text, converted from an old font if the officer agrees."""
        if self.isReadOnly():
            return
        raw = QApplication.clipboard().text()
        if not raw and not self.hasSelectedText():
            return
        text = legacy_paste(self, raw)
        if not self.hasSelectedText():
            self._separate_undo()
        self.insert(text)
        self._separate_undo()

    def _separate_undo(self) -> None:
        """End the current undo step, as QLineEdit.paste() does, so that the paste is undone on its own."""
        # QLineEdit has no public separate(); moving the cursor starts a new undo step (and keeps the position).
        if self.cursorPosition() > 0:
            self.cursorBackward(False)
            self.cursorForward(False)
        elif self.text():
            self.cursorForward(False)
            self.cursorBackward(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt naming
        if event.matches(QKeySequence.StandardKey.Paste) and not self.isReadOnly():
            self.paste_converting()
            event.accept()
            return
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            focus_next_field(self)
            event.accept()  # not the dialog's default button: the form goes on
            return
        super().keyPressEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            pressed = QKeySequence(event.keyCombination())
            if any(pressed.matches(keys) == QKeySequence.SequenceMatch.ExactMatch for keys in WINDOW_KEYS):
                event.ignore()  # not "end of line": the window's shortcut
                return False
        return super().event(event)

    def context_menu(self) -> QMenu:
        """The standard context menu, its Paste going through `paste_converting`."""
        menu = self.createStandardContextMenu()
        for action in menu.actions():
            if action.objectName() == "edit-paste":
                mine = QAction(action.icon(), action.text(), menu)
                mine.setObjectName("edit-paste")
                mine.setEnabled(action.isEnabled())
                mine.triggered.connect(self.paste_converting)
                menu.insertAction(action, mine)
                menu.removeAction(action)
                break
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt naming
        menu = self.context_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(event.globalPos())
