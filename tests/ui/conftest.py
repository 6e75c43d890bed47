"""UI test set-up: a store in a temporary folder, QSettings in a temporary file, answered dialogs, typing."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from kpdesk import draft as drafts
from kpdesk.draft import Draft
from kpdesk.store import SignerProfile, Store, UnitProfile
from ui import dialogs, operations
from ui.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
#: "Today" for the tests, so that checks against the current date do not change with the calendar.
TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def private_qsettings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Keep the window state and folders the tests save away from the real user settings."""
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # `ui.app.run` installs its own


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "data")
    yield s
    operations.wait_all(10_000)
    s.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@dataclass
class Answers:
    """What the patched dialogs answer, and what they were asked."""

    tmp: Path
    confirm: bool = True
    choice: int | None = None  # None: the `escape` (or last) button
    save_to: Path | None = None
    open_from: Path | None = None
    asked: list[str] = field(default_factory=list)
    opened: list[Path] = field(default_factory=list)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Answers:
    a = Answers(tmp_path)

    def confirm(parent, text, **kw):
        a.asked.append(text)
        return a.confirm

    def choose(parent, text, buttons, *, escape=None, **kw):
        a.asked.append(text)
        return a.choice if a.choice is not None else (escape if escape is not None else len(buttons) - 1)

    def tell(parent, text, **kw):
        a.asked.append(text + " " + kw.get("detail", ""))

    def save_path(parent, caption, suggested, filters):
        a.asked.append(f"save: {suggested}")
        return a.save_to

    def open_path(parent, caption, folder, filters):
        return a.open_from

    def open_in_system(path):
        a.opened.append(Path(path))
        return True

    def show_error(parent, exc, *, what=""):
        a.asked.append(f"error: {what} {getattr(exc, 'message', exc)}")

    for name, fn in (
        ("confirm", confirm),
        ("choose", choose),
        ("tell", tell),
        ("save_path", save_path),
        ("open_path", open_path),
        ("open_in_system", open_in_system),
    ):
        monkeypatch.setattr(dialogs, name, fn)
    monkeypatch.setattr(operations, "show_error", show_error)
    import ui.draft_dialogs
    import ui.main_window

    monkeypatch.setattr(ui.main_window, "show_error", show_error)
    monkeypatch.setattr(ui.draft_dialogs, "show_error", show_error)
    return a


# ----------------------------------------------------------------------------- typing as a person would


def key(widget: QWidget, k: Qt.Key, text: str = "", modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, k, modifiers, text))
    QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyRelease, k, modifiers, text))


def type_keys(widget: QWidget, text: str) -> None:
    """Type `text` one key press per character (Vietnamese letters included)."""
    widget.setFocus()
    for ch in text:
        if ch == "\n":
            key(widget, Qt.Key.Key_Return, "\r")
        else:
            QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, ch))


def commit(widget: QWidget, text: str) -> None:
    """Type `text` as an input method (the Vietnamese keyboard, Unikey) commits it: one event per line."""
    widget.setFocus()
    for i, line in enumerate(text.split("\n")):
        if i:
            key(widget, Qt.Key.Key_Return, "\r")
        if line:
            event = QInputMethodEvent("", [])
            event.setCommitString(line)
            QApplication.sendEvent(widget, event)


def select_all(widget: QWidget) -> None:
    widget.setFocus()
    key(widget, Qt.Key.Key_A, "a", Qt.KeyboardModifier.ControlModifier)


def replace_text(widget: QWidget, text: str) -> None:
    """Select everything in a text box and type `text` over it (short texts key by key)."""
    select_all(widget)
    if not text:
        key(widget, Qt.Key.Key_Delete)
    elif len(text) <= 16 and "\n" not in text:
        type_keys(widget, text)
    else:
        commit(widget, text)


def example_for(kind_id: str) -> Draft | None:
    for path in EXAMPLES:
        d = drafts.load(path)
        if d.kind == kind_id:
            return d
    return None


def profile_for(d: Draft) -> UnitProfile:
    """The unit profile an officer of the example's unit would have entered: the one kpdesk makes from the draft
    (`profile_from_draft`), with a second signer, no kinds ticked and no agency symbol."""
    from kpdesk.store.profiles import profile_from_draft

    made = profile_from_draft(d)
    other = SignerProfile("Nguyễn Văn An", "CHỦ TỊCH", ("TM. ỦY BAN NHÂN DÂN",), False)
    return replace(made, signers=(other, *made.signers), report_kinds=(), agency_symbol="")


@pytest.fixture
def kit():
    """The typing and example helpers above, for the test modules (conftest is not importable as a module)."""
    from types import SimpleNamespace

    return SimpleNamespace(
        key=key,
        type_keys=type_keys,
        commit=commit,
        select_all=select_all,
        replace_text=replace_text,
        example_for=example_for,
        profile_for=profile_for,
        TODAY=TODAY,
        EXAMPLES=EXAMPLES,
    )
