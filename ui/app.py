"""Start the window: `kpdesk` with no arguments calls `run(args)`.

Opens the store (offering the newest good backup when the database is damaged), asks on the first run whether this
PC prepares a commune's reports or receives them for a department, shows that mode's window (which asks for its
profile on first run), and writes any pending change when the application quits.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLocale, Qt, QTranslator
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QApplication

from kpdesk.errors import DamagedDatabase, KpdeskError, ReadOnlyData
from kpdesk.store import ENV_DATA_DIR, Store
from ui.settings import Settings

log = logging.getLogger(__name__)

#: Qt's own words (text-field menus, standard buttons, file dialog) in Vietnamese; Qt ships no Vietnamese file.
QT_WORDS: dict[str, str] = {
    "&Undo": "&Hoàn tác", "&Redo": "&Làm lại", "Cu&t": "Cắ&t", "&Copy": "&Chép", "&Paste": "&Dán",
    "Delete": "Xóa", "Select All": "Chọn tất cả", "&Select All": "&Chọn tất cả", "Copy &Link Location": "Chép địa chỉ",
    "&Step up": "&Tăng", "Step &down": "&Giảm",
    "OK": "Đồng ý", "Save": "Lưu", "Save All": "Lưu tất cả", "Open": "Mở", "&Yes": "&Có",
    "Yes to &All": "Có với tất cả",
    "&No": "&Không", "N&o to All": "Không với tất cả", "Abort": "Dừng", "Retry": "Thử lại", "Ignore": "Bỏ qua",
    "Close": "Đóng", "Cancel": "Hủy", "Discard": "Bỏ", "Help": "Trợ giúp", "Apply": "Áp dụng", "Reset": "Đặt lại",
    "Restore Defaults": "Khôi phục mặc định",
    "Show Details...": "Xem chi tiết…", "Hide Details...": "Ẩn chi tiết…",
    "Look in:": "Tìm trong:", "File &name:": "&Tên tệp:", "Files of type:": "Loại tệp:", "&Open": "&Mở",
    "&Save": "&Lưu", "&Choose": "&Chọn", "Back": "Quay lại", "Forward": "Tiếp", "Parent Directory": "Thư mục cha",
    "Create New Folder": "Tạo thư mục mới", "List View": "Dạng danh sách", "Detail View": "Dạng chi tiết",
    "Name": "Tên", "Size": "Cỡ", "Type": "Loại", "Date Modified": "Ngày sửa", "Save As": "Lưu thành",
    "Directory:": "Thư mục:", "New Folder": "Thư mục mới", "&Rename": "Đổi &tên", "&Delete": "&Xóa",
    "Show &hidden files": "Hiện tệp ẩn", "My Computer": "Máy tính", "Computer": "Máy tính",
    "%1 already exists.\nDo you want to replace it?": "%1 đã có.\nGhi đè lên tệp đó?",
}


class VietnameseQt(QTranslator):
    """Translates the few texts Qt itself shows (menus of text boxes, standard buttons, file dialog)."""

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        # an empty (non-null) result would count as a translation and blank the text: give the source back
        return QT_WORDS.get(source, source)

    def isEmpty(self) -> bool:  # noqa: N802 - Qt naming
        return False


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


class Shell:
    """The one window open at a time: the commune's or the department's, as the data folder's mode says; switching
    the mode (Cài đặt › Chế độ làm việc…) opens the other one in its place."""

    def __init__(self, store: Store, settings: Settings | None = None) -> None:
        self.store = store
        self.settings = settings
        self.window: Any = None

    def open(self, mode: str) -> Any:
        """Show the window of `mode` (asking for its profile on the first start) and return it."""
        from kpdesk.store import DEPARTMENT

        if mode == DEPARTMENT:
            from ui.department.window import DepartmentWindow

            window: Any = DepartmentWindow(self.store, self.settings)
        else:
            from ui.main_window import MainWindow

            window = MainWindow(self.store, self.settings)
        window.mode_changed.connect(self.switch)
        old, self.window = self.window, window
        window.show()  # before the old one closes: closing the last window would end the program
        if old is not None:
            old.close()
            old.deleteLater()
        window.ensure_profile()
        return window

    def switch(self, mode: str) -> None:
        """Close the window open now (its work was saved when the mode was chosen) and open the one of `mode`."""
        self.open(mode)

    def flush(self) -> bool:
        return self.window.flush() if self.window is not None else True


def run(args: argparse.Namespace | None = None) -> int:
    """Open the window of this PC's mode (asked on the first run) and run until it is closed; return the exit code."""
    app = make_app()
    data_dir = getattr(args, "data_dir", None) or _remembered_data_dir()
    store = open_store(Path(data_dir) if data_dir else None)
    if store is None:
        return 1
    from kpdesk.kinds import kinds_of_data_dir
    from ui.department.mode import MODE_KEY, ask_first_mode, stored_mode

    sys.excepthook = _excepthook
    with kinds_of_data_dir(store.data_dir):  # the kinds installed in the data folder the drafts come from
        mode = stored_mode(store)
        if mode is None:  # the first run: a commune's PC or a department's?
            mode = ask_first_mode(None)
            try:
                store.set_setting(MODE_KEY, mode)
            except KpdeskError as exc:
                log.warning("mode not stored: %s", exc.message)
        shell = Shell(store)
        app.aboutToQuit.connect(shell.flush)
        shell.open(mode)
        try:
            return app.exec()
        finally:
            shell.flush()
            store.close()
