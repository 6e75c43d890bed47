"""Start the window: `kpdesk` with no arguments calls `run(args)`.

Opens the store (offering the newest good backup when the database is damaged), asks for the unit profile
on first run, shows the main window, and writes any pending change when the application quits.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QApplication

from kpdesk.errors import DamagedDatabase, KpdeskError, ReadOnlyData
from kpdesk.store import ENV_DATA_DIR, Store
from ui.qt_words import VietnameseQt
from ui.settings import Settings

log = logging.getLogger(__name__)

def make_app(argv: list[str] | None = None) -> QApplication:
    """Return the QApplication (creating it with high-DPI, Vietnamese and font settings when needed)."""
    import ui

    ui.guard_binding()
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName("kpdesk")
    app.setApplicationName("kpdesk")
    app.setApplicationDisplayName("kpdesk")
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    if not getattr(app, "_kpdesk_translator", None):
        translator = VietnameseQt(app)
        app.installTranslator(translator)
        app._kpdesk_translator = translator  # type: ignore[attr-defined]
    font = QFont(app.font())
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
        app.setFont(font)
    return app


DATA_DIR_KEY = "data/folder"


def _remembered_data_dir() -> str | None:
    """The folder the officer chose when the usual one could not be written (the environment variable wins)."""
    if os.environ.get(ENV_DATA_DIR):
        return None
    value = Settings().q.value(DATA_DIR_KEY, "")
    return str(value) if value and Path(str(value)).is_dir() else None


def open_store(data_dir: Path | None) -> Store | None:
    """Open the store, or explain why not; a damaged database may be replaced by its newest good backup."""
    from ui import dialogs
    from ui.operations import show_error

    try:
        return Store.open(data_dir)
    except DamagedDatabase as exc:
        if exc.backup is None:
            show_error(None, exc)
            return None
        if not dialogs.confirm(None, exc.message, yes="Khôi phục từ bản sao lưu", no="Thoát",
                               detail=f"Bản sao lưu: {exc.backup}. Tệp hỏng được giữ lại, không bị xóa."):
            return None
        try:
            return Store.restore_damaged(exc.backup, data_dir)
        except KpdeskError as again:
            show_error(None, again)
            return None
    except ReadOnlyData as exc:
        # the way out: another folder, remembered for the next start
        if not dialogs.confirm(None, exc.message, yes="Chọn thư mục khác…", no="Thoát",
                               detail="Bản nháp sẽ được lưu ở thư mục bạn chọn; kpdesk nhớ thư mục này cho lần sau."):
            return None
        folder = dialogs.choose_folder(None, "Chọn thư mục lưu dữ liệu kpdesk", Path.home())
        if folder is None:
            return None
        store = open_store(folder)
        if store is not None:
            Settings().q.setValue(DATA_DIR_KEY, str(folder))
        return store
    except KpdeskError as exc:
        show_error(None, exc)
        return None


def _excepthook(kind, value, tb) -> None:  # pragma: no cover - last resort while the window is open
    from ui.operations import show_error

    log.error("uncaught", exc_info=(kind, value, tb))
    try:
        show_error(QApplication.activeWindow(), value)
    except Exception:  # noqa: BLE001
        sys.__excepthook__(kind, value, tb)


def run(args: argparse.Namespace | None = None) -> int:
    """Open the main window and run until it is closed; return the exit code."""
    app = make_app()
    data_dir = getattr(args, "data_dir", None) or _remembered_data_dir()
    store = open_store(Path(data_dir) if data_dir else None)
    if store is None:
        return 1
    from kpdesk.kinds import kinds_of_data_dir
    from ui.main_window import MainWindow

    sys.excepthook = _excepthook
    with kinds_of_data_dir(store.data_dir):  # the kinds installed in the data folder the drafts come from
        window = MainWindow(store)
        app.aboutToQuit.connect(window.flush)
        window.show()
        window.ensure_profile()
        try:
            return app.exec()
        finally:
            window.flush()
            store.close()
