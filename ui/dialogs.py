"""The few questions the interface asks, in one place (so tests can answer them): confirm, choose, file paths."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

# The dialogs' classes are looked up when a question is asked: importing them by name would make PySide build
# their enums at the window's start, which asks nothing.
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

TITLE = "kpdesk"


def alive(parent: QWidget | None) -> QWidget | None:
    """`parent`, or no parent when it has been deleted: a question that comes when a view's work ended after the view
    closed is still asked, not raised again on the deleted view."""
    return parent if parent is None or isValid(parent) else None


def confirm(
    parent: QWidget | None, text: str, *, yes: str = "Đồng ý", no: str = "Hủy", detail: str = "", title: str = TITLE
) -> bool:
    """Ask a yes/no question; Enter answers `yes`, Esc answers `no`."""
    return choose(parent, text, [yes, no], detail=detail, title=title, escape=1) == 0


def choose(
    parent: QWidget | None,
    text: str,
    buttons: Sequence[str],
    *,
    detail: str = "",
    title: str = TITLE,
    escape: int | None = None,
    info: bool = False,
) -> int:
    """Show `text` with one button per label; return the index of the one pressed (Esc gives `escape`). The icon
    is a question mark, or with `info` the sign of information."""
    QMessageBox = QtWidgets.QMessageBox  # noqa: N806 - the class
    icon = QMessageBox.Icon.Information if info else QMessageBox.Icon.Question
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, alive(parent))
    if detail:
        box.setInformativeText(detail)
    made = []
    for i, label in enumerate(buttons):
        role = QMessageBox.ButtonRole.RejectRole if i == escape else QMessageBox.ButtonRole.AcceptRole
        made.append(box.addButton(label, role))
    box.setDefaultButton(made[0])
    if escape is not None:
        box.setEscapeButton(made[escape])
    box.exec()
    clicked = box.clickedButton()
    return made.index(clicked) if clicked in made else (escape if escape is not None else len(buttons) - 1)


def tell(parent: QWidget | None, text: str, *, detail: str = "", title: str = TITLE) -> None:
    QMessageBox = QtWidgets.QMessageBox  # noqa: N806 - the class
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, alive(parent))
    if detail:
        box.setInformativeText(detail)
    box.exec()


def save_path(parent: QWidget | None, caption: str, suggested: Path, filters: str) -> Path | None:
    """Ask where to save; return the chosen path (None when cancelled)."""
    name, _ = QtWidgets.QFileDialog.getSaveFileName(parent, caption, str(suggested), filters)
    return Path(name) if name else None


def choose_folder(parent: QWidget | None, caption: str, start: Path) -> Path | None:
    """Ask for a folder; None when the officer cancels."""
    name = QtWidgets.QFileDialog.getExistingDirectory(parent, caption, str(start))
    return Path(name) if name else None


def open_path(parent: QWidget | None, caption: str, folder: Path, filters: str) -> Path | None:
    name, _ = QtWidgets.QFileDialog.getOpenFileName(parent, caption, str(folder), filters)
    return Path(name) if name else None


def open_in_system(path: Path) -> bool:
    """Open a file or folder with the program the computer uses for it."""
    return QtGui.QDesktopServices.openUrl(QtCore.QUrl.fromLocalFile(str(path)))
