"""Window state and folder memory in QSettings (organisation "kpdesk", application "kpdesk")."""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore  # QStandardPaths where it is used: the start does not need it
from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QWidget

ORGANISATION = "kpdesk"
APPLICATION = "kpdesk"


class Settings:
    """Small typed wrapper over QSettings; folders remembered per purpose ("export", "import", "backup")."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.q = qsettings or QSettings(ORGANISATION, APPLICATION)

    def folder(self, purpose: str) -> Path:
        value = self.q.value(f"folders/{purpose}", "")
        if value and Path(str(value)).is_dir():
            return Path(str(value))
        paths = QtCore.QStandardPaths
        docs = paths.writableLocation(paths.StandardLocation.DocumentsLocation)
        return Path(docs) if docs and Path(docs).is_dir() else Path.home()

    def remember_folder(self, purpose: str, path: Path) -> None:
        folder = path if path.is_dir() else path.parent
        self.q.setValue(f"folders/{purpose}", str(folder))

    def save_window(self, name: str, widget: QWidget) -> None:
        self.q.setValue(f"windows/{name}/geometry", widget.saveGeometry())
        state = getattr(widget, "saveState", None)
        if callable(state):
            self.q.setValue(f"windows/{name}/state", state())

    def restore_window(self, name: str, widget: QWidget) -> bool:
        geometry = self.q.value(f"windows/{name}/geometry")
        ok = isinstance(geometry, QByteArray) and widget.restoreGeometry(geometry)
        state = self.q.value(f"windows/{name}/state")
        restore = getattr(widget, "restoreState", None)
        if isinstance(state, QByteArray) and callable(restore):
            restore(state)
        return bool(ok)

    def save_splitter(self, name: str, state: QByteArray) -> None:
        self.q.setValue(f"splitters/{name}", state)

    def splitter(self, name: str) -> QByteArray | None:
        value = self.q.value(f"splitters/{name}")
        return value if isinstance(value, QByteArray) else None
