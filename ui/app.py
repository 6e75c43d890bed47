"""Start the window: `kpdesk` with no arguments calls `run(args)`.

Opens the store (offering the newest good backup when the database is damaged), asks on the first run whether this
PC prepares a commune's reports or receives them for a department, shows that mode's window (which asks for its
profile on first run), and writes any pending change when the application quits. Data that can only be read (a
read-only folder, a full disk) open read-only: a line in the status bar says why, and what would write is
disabled (see `show_read_only`).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6 import QtWidgets  # the editors `freeze` looks for, by module: the start makes none of them
from PySide6.QtCore import QLocale
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel, QWidget

import ui

ui.skip_source_scan()  # before the modules below: PySide would read the source of each module imported from here

from kpdesk.errors import DamagedDatabase, KpdeskError, ReadOnlyData  # noqa: E402
from kpdesk.store import ENV_DATA_DIR, WINDOW_LOCK, Store  # noqa: E402
from ui.qt_words import VietnameseQt  # noqa: E402
from ui.settings import Settings  # noqa: E402
from ui.widgets.common import set_font, set_text_colour  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Callable

log = logging.getLogger(__name__)


def make_app(argv: list[str] | None = None) -> QApplication:
    """Return the QApplication (creating it with high-DPI, Vietnamese and font settings when needed)."""
    ui.guard_binding()
    app = QApplication.instance()
    if app is None:
        # High-DPI scale factors pass through unrounded (150% stays 1.5): Qt 6's own default, left as it is
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
    """Open the store, or explain why not; a damaged database may be replaced by its newest good backup.

    The whole file is checked once the window is up (`check_in_background`): opening it reads only what the list of
    drafts needs, and nothing is written to it before that check has passed."""
    from ui import dialogs
    from ui.operations import show_error

    try:
        return Store.open(data_dir, check_later=True)
    except DamagedDatabase as exc:
        if exc.backup is None:
            show_error(None, exc)
            return None
        if not dialogs.confirm(
            None,
            exc.message,
            yes="Khôi phục từ bản sao lưu",
            no="Thoát",
            detail=f"Bản sao lưu: {exc.backup}. Tệp hỏng được giữ lại, không bị xóa.",
        ):
            return None
        try:
            return Store.restore_damaged(exc.backup, data_dir)
        except KpdeskError as again:
            show_error(None, again)
            return None
    except ReadOnlyData as exc:
        # the way out: another folder, remembered for the next start
        if not dialogs.confirm(
            None,
            exc.message,
            yes="Chọn thư mục khác…",
            no="Thoát",
            detail="Bản nháp sẽ được lưu ở thư mục bạn chọn; kpdesk nhớ thư mục này cho lần sau.",
        ):
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


def take_data_folder(data_dir: Path) -> tuple[bool, int | None]:
    """Lock `WINDOW_LOCK` in the data folder for this window: (True, the lock's descriptor, kept until the program
    ends), or (False, None) when another kpdesk window holds it. Two windows on the same drafts would each save
    the whole draft they show over what the other saved: an officer who starts kpdesk again while it opens (a slow
    PC) gets the first window, not a second one. A folder the lock cannot be made in (read-only: nothing can be
    edited there) gives (True, None)."""
    from kpdesk.files import lock_file

    try:
        fd = lock_file(data_dir / WINDOW_LOCK)
    except OSError:
        return True, None
    return fd is not None, fd


#: The menu entries that write (new report, import, backup, restore, unit profile), by their text without "&".
WRITING_ACTIONS = (
    "Báo cáo mới…",
    "Nhập bản nháp hoặc báo cáo Word…",
    "Sao lưu dữ liệu",
    "Khôi phục từ bản sao lưu…",
    "Thông tin đơn vị…",
)
READ_ONLY_COLOUR = "#9a5b00"


def mark_read_only(label: QLabel) -> None:
    """Write `label` in the read-only notice's bold amber."""
    set_text_colour(label, READ_ONLY_COLOUR)
    set_font(label, bold=True)


def show_warnings(window: Any, store: Store) -> None:
    """Tell the officer what the store said when it opened (an empty database set aside, a failed daily backup);
    the read-only notice is the status bar line of `show_read_only`."""
    from ui import dialogs

    said = [w for w in store.warnings if not w.startswith("chỉ đọc:")]
    if said:
        dialogs.tell(window, said[0], detail="\n\n".join(said[1:]))


def show_read_only(window: Any, store: Store) -> None:
    """A store open read-only: a permanent line in the status bar says why (its tooltip the whole notice), the
    menu entries and buttons that write are disabled, and every draft opened is shown with its fields read-only
    (moving between steps, the review and exporting to a file still work; the export is not recorded)."""
    if not store.read_only:
        return
    notice = next((w for w in store.warnings if w.startswith("chỉ đọc:")), store.read_only)
    label = QLabel(f"Chỉ đọc: {store.read_only}", window)
    label.setObjectName("read_only_notice")
    mark_read_only(label)
    label.setToolTip(notice[:1].upper() + notice[1:])
    label.setAccessibleName("Dữ liệu đang mở ở chế độ chỉ đọc")
    window.statusBar().insertPermanentWidget(0, label, 1)
    window.read_only_notice = label
    for menu in window.menuBar().actions():
        for action in menu.menu().actions() if menu.menu() is not None else []:
            if action.text().replace("&", "") in WRITING_ACTIONS:
                action.setEnabled(False)
                action.setStatusTip("Dữ liệu đang mở ở chế độ chỉ đọc")
    list_page = getattr(window, "list_page", None)  # the commune's window; the department's has its own buttons
    if list_page is not None:
        list_page.new_button.setEnabled(False)
        list_page.new_button.setToolTip("Dữ liệu đang mở ở chế độ chỉ đọc: chưa tạo được báo cáo mới")
    stack = getattr(window, "stack", None)
    if stack is not None:
        stack.currentChanged.connect(lambda _: freeze(window.wizard))


def freeze(wizard: QWidget | None) -> None:
    """Make the fields of an open draft read-only (the export button and the navigation stay)."""
    if wizard is None or getattr(wizard, "_frozen", False):
        return
    wizard._frozen = True  # type: ignore[attr-defined]
    record = getattr(wizard, "record_export", None)
    if record is not None:
        wizard.record_export = _telling_unrecorded(wizard, record)  # type: ignore[attr-defined]
    status = getattr(wizard, "save_status", None)
    if isinstance(status, QLabel):
        status.setText("Chỉ đọc")
        mark_read_only(status)
    keep = {getattr(getattr(wizard, "review", None), "export_button", None)}
    w = QtWidgets
    for step in getattr(wizard, "steps", []):
        for widget in step.findChildren(QWidget):
            if isinstance(widget, (w.QLineEdit, w.QTextEdit, w.QPlainTextEdit, w.QAbstractSpinBox)):
                widget.setReadOnly(True)
            elif isinstance(widget, w.QAbstractItemView):
                widget.setEditTriggers(w.QAbstractItemView.EditTrigger.NoEditTriggers)
            elif isinstance(widget, (w.QComboBox, w.QAbstractButton)) and widget not in keep:
                widget.setEnabled(False)


def _telling_unrecorded(parent: QWidget, record: Any) -> Any:
    """`record` (the wizard's way to record an export) saying, when it cannot, that the file was written anyway."""
    from ui import dialogs

    def run(result: Any, revision: int | None) -> None:
        try:
            record(result, revision)
        except KpdeskError as exc:
            dialogs.tell(
                parent,
                f"Đã ghi tệp {result.path}, nhưng chưa ghi nhận được vào danh sách báo cáo đã xuất của bản nháp này.",
                detail=exc.message,
            )

    return run


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
        self.mode = ""

    def open(self, mode: str) -> Any:
        """Show the window of `mode` (asking for its profile on the first start) and return it."""
        from kpdesk.store import DEPARTMENT

        self.mode = mode
        if mode == DEPARTMENT:
            from ui.department.window import DepartmentWindow

            window: Any = DepartmentWindow(self.store, self.settings)
        else:
            from ui.main_window import MainWindow

            window = MainWindow(self.store, self.settings, fill_later=True)  # its lists right after it shows
        window.mode_changed.connect(self.switch)
        old, self.window = self.window, window
        show_read_only(window, self.store)
        window.show()  # before the old one closes: closing the last window would end the program
        if old is not None:
            old.close()
            old.deleteLater()
        else:
            show_warnings(window, self.store)  # once, at start
        if not self.store.read_only:
            window.ensure_profile()
        return window

    def switch(self, mode: str) -> None:
        """Close the window open now (its work was saved when the mode was chosen) and open the one of `mode`."""
        self.open(mode)

    def restore(self, damage: DamagedDatabase) -> bool:
        """Put the newest good backup (`damage.backup`) in place of the damaged database and open the window again
        on it; return whether it was done. A failure is said and the program closes, as when the restore offered at
        start fails (`open_store`): the data folder may then hold no database until the next start sees to it."""
        from ui import dialogs
        from ui.operations import show_error

        assert damage.backup is not None
        damaged = self.store
        damaged.close()
        try:
            self.store = Store.restore_damaged(damage.backup, damaged.data_dir)
        except KpdeskError as exc:
            show_error(self.window, exc, what="Chưa khôi phục được từ bản sao lưu; kpdesk sẽ đóng lại.")
            self.window.close()  # the last window: the program ends
            return False
        self.open(self.mode)
        dialogs.tell(
            self.window,
            "Đã khôi phục dữ liệu từ bản sao lưu.",
            detail=f"Bản sao lưu: {damage.backup}. Tệp hỏng được giữ lại ở: {self.store.set_aside}",
        )
        return True

    def flush(self) -> bool:
        return self.window.flush() if self.window is not None else True


#: Set (to anything), the window prints "kpdesk-idle <time.perf_counter()>" on standard output once it is shown with
#: its lists filled and the event loop is about to wait, then quits: how bench/bundle.py times the start of a
#: frozen program, whose event loop it cannot hook.
BENCH_IDLE_ENV = "KPDESK_BENCH_IDLE"


def when_idle(shell: Shell, then: Callable[[], None]) -> Callable[[], None]:
    """Call `then` once, the first time the event loop is about to wait with the shell's window shown, exposed and
    filled; return what stops waiting for it (the event loop ended first)."""
    from PySide6.QtCore import QAbstractEventDispatcher

    dispatcher = QAbstractEventDispatcher.instance()
    waiting = [True]

    def stop() -> None:
        if waiting[0]:
            waiting[0] = False
            dispatcher.aboutToBlock.disconnect(on_block)

    def on_block() -> None:
        window = shell.window
        handle = window.windowHandle() if window is not None else None
        if handle is None or not window.isVisible() or not handle.isExposed() or not getattr(window, "is_filled", True):
            return
        stop()
        then()

    dispatcher.aboutToBlock.connect(on_block)
    return stop


def check_in_background(shell: Shell) -> None:
    """Check the whole data file off the UI thread (what `Store.open(check_later=True)` left for later), then say
    what it found: the file damaged (writes are refused; the newest good backup is offered), or anything the
    store has to say since it opened (a daily backup that failed)."""
    from ui.operations import Op, show_error

    store = shell.store
    if store.checked:
        return
    said = len(store.warnings)

    def found(damage: DamagedDatabase | None) -> None:
        if store is shell.store and not store.closed:
            checked(shell, damage, store.warnings[said:])

    def failed(exc: BaseException) -> None:
        if store is shell.store and not store.closed:
            show_error(shell.window, exc, what="Chưa kiểm tra được dữ liệu; kpdesk kiểm tra lại trước lần lưu tới.")

    Op(None, lambda progress: store.check(), label="Đang kiểm tra dữ liệu…", quiet=True).success(found).failure(
        failed
    ).run()


def checked(shell: Shell, damage: DamagedDatabase | None, warnings: list[str]) -> None:
    """Say what the background check found (see `check_in_background`)."""
    from ui import dialogs

    window = shell.window
    if damage is None:
        if warnings:
            dialogs.tell(window, warnings[0], detail="\n\n".join(warnings[1:]))
        return
    if getattr(window, "read_only_notice", None) is None:  # not already read-only (a read-only folder) at start
        show_read_only(window, shell.store)

    def ask() -> None:
        window = shell.window
        if damage.backup is None:
            dialogs.tell(window, damage.message, detail=_DAMAGED_READ_ONLY)
        elif dialogs.confirm(
            window,
            damage.message,
            yes="Khôi phục từ bản sao lưu",
            no="Để sau",
            detail=f"Để sau: {_DAMAGED_READ_ONLY[:1].lower()}{_DAMAGED_READ_ONLY[1:]}",
        ):
            shell.restore(damage)

    when_free(ask)  # the restore replaces the window: not from under a dialog or work that comes back to it


#: How often `when_free` looks again (ms).
FREE_AGAIN_MS = 200


def when_free(then: Callable[[], None]) -> None:
    """Call `then` once no dialog or menu is open and no work runs, looking again every `FREE_AGAIN_MS`. What
    replaces the window (the restore after damage found late) would otherwise pull it from under a dialog the
    officer has open (the unit's profile), or under work whose end comes back to it (an export, a restore), and
    those would then write to the store closed under them."""
    from PySide6.QtCore import QTimer

    from ui.operations import running

    def now_or_later() -> None:
        if QApplication.activeModalWidget() is None and QApplication.activePopupWidget() is None and not running():
            then()
        else:
            QTimer.singleShot(FREE_AGAIN_MS, now_or_later)

    now_or_later()


_DAMAGED_READ_ONLY = (
    "Dữ liệu đang mở ở chế độ chỉ đọc: vẫn xem, tìm và xuất báo cáo ra tệp được, nhưng chưa lưu được thay đổi nào."
)


def report_idle(app: QApplication, shell: Shell) -> None:
    """Print the moment the window is first idle (see `BENCH_IDLE_ENV`) and quit."""

    def report() -> None:
        sys.stdout.write(f"kpdesk-idle {time.perf_counter():.6f}\n")
        sys.stdout.flush()
        app.quit()

    when_idle(shell, report)  # it quits: the event loop never outlives it


def run(args: argparse.Namespace | None = None) -> int:
    """Open the window of this PC's mode (asked on the first run) and run until it is closed; return the exit code."""
    app = make_app()
    data_dir = getattr(args, "data_dir", None) or _remembered_data_dir()
    store = open_store(Path(data_dir) if data_dir else None)
    if store is None:
        return 1
    free, lock = take_data_folder(store.data_dir)
    if not free:
        from ui import dialogs

        store.close()
        dialogs.tell(
            None,
            "kpdesk đang mở trên máy này rồi.",
            detail="Hãy dùng cửa sổ kpdesk đang mở (tìm trên thanh tác vụ, ở cuối màn hình). Hai cửa sổ cùng làm "
            f"việc trên một thư mục dữ liệu ({store.data_dir}) sẽ ghi đè lên nhau, nên kpdesk chỉ mở một cửa sổ.",
        )
        return 0
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

        from ui.operations import UiThreadCollector

        def idle() -> None:
            ui.collect_as_usual(keep_what_started=True)  # the start is over (see `ui.collect_later`)
            UiThreadCollector(app).start()  # before any work runs in a thread
            check_in_background(shell)

        started = when_idle(shell, idle)
        if os.environ.get(BENCH_IDLE_ENV):
            report_idle(app, shell)
        try:
            return app.exec()
        finally:
            started()
            from ui.operations import let_running_work_end

            let_running_work_end()  # the window closed during the background check: it ends first, not crashing
            UiThreadCollector.stop_all(app)
            shell.flush()
            shell.store.close()  # the store restored from a backup, if it was
            if lock is not None:
                os.close(lock)  # the next window may start
