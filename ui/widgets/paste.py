"""Pasting into a text box: text typed in the old TCVN3 or VNI fonts is offered converted to Unicode."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QContextMenuEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu, QWidget

from kpdesk.legacy import ENCODING_NAMES, convert_legacy, detect_legacy
from ui import dialogs

PREVIEW_CHARS = 80


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
    text = (f"Đoạn văn bản vừa dán có vẻ được gõ bằng phông {ENCODING_NAMES[encoding]} (bảng mã cũ). "
            "Chuyển sang Unicode để chữ hiển thị và in đúng?")
    ok = dialogs.confirm(parent, text, yes="Chuyển sang Unicode", no="Giữ nguyên",
                         detail=f"Sau khi chuyển: «{preview}»", title="Văn bản dán vào dùng phông cũ")
    return converted if ok else raw


class PasteLineEdit(QLineEdit):
    """A QLineEdit whose paste (Ctrl+V, Shift+Insert, context menu) offers to convert TCVN3/VNI text."""

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
        super().keyPressEvent(event)

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
