"""A kind's field as a row of a form: its label, help text, the editor its type needs, and its problems."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kpdesk.kinds import Field
from ui.widgets.common import MessageLabel, hint_label, set_caption
from ui.widgets.fields import FieldEditor, value_editor
from ui.widgets.rows import RowsEditor


def make_editor(field: Field, parent: QWidget | None = None) -> FieldEditor:
    """Return the editor for `field`'s type: a table's rows editor, or the editor of one value."""
    if field.type == "rows":
        return RowsEditor(field, parent)
    return value_editor(field, parent)


class FieldRow(QWidget):
    """A field with its label (and * when required), help text, editor and the problems found in it."""

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.editor = make_editor(field, self)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        set_caption(self.label, field.label, required=field.required, bold=True)
        self.label.setBuddy(self.editor.focus_target())
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 4, 0, 8)
        box.setSpacing(3)
        box.addWidget(self.label)
        if field.help:
            self.help = hint_label(field.help, self)
            box.addWidget(self.help)
        box.addWidget(self.editor)
        self.messages = MessageLabel(self, box)
