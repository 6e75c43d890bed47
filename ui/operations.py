"""Long work (export, backup, import) off the UI thread with progress shown, and the one place errors are shown.

Usage, after Anki's `CollectionOp`::

    Op(parent, lambda progress: render_to_file(draft, path), label="Đang xuất báo cáo…") \
        .success(lambda result: ...) \
        .run()

`work` runs in a worker thread and receives a `Progress` it may call with a text and a fraction; `success`
and `failure` run back on the UI thread. A `KpdeskError` is shown with its Vietnamese message; any other
exception is shown as an unexpected error with its details, and never closes the window.
"""

from __future__ import annotations

import gc
import logging
import traceback
from collections.abc import Callable
from typing import Any

# `QtCore.Qt.…`, the message box and the progress bar looked up where they are used: the window's start builds
# neither the `Qt` namespace nor the enums of classes it does not show
from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QVBoxLayout, QWidget
from shiboken6 import isValid

from kpdesk.errors import KpdeskError
from ui import dialogs

log = logging.getLogger(__name__)

#: Operations still running; kept here so they are not garbage-collected, and so tests can wait on them.
_RUNNING: set[Op] = set()


def running() -> int:
    """Return how many operations are still running."""
    return len(_RUNNING)


def show_error(parent: QWidget | None, exc: BaseException, *, what: str = "") -> None:
    """Show `exc` to the officer: its Vietnamese message for a `KpdeskError`, details for anything else. A `parent`
    already deleted (the view closed while its work ran) gives way to no parent: the message is still shown."""
    parent = dialogs.alive(parent)
    title = "Chưa làm được"  # Qt adds " — kpdesk", the application's display name, to every window title
    QMessageBox = QtWidgets.QMessageBox  # noqa: N806 - the class
    if isinstance(exc, KpdeskError):
        text = f"{what}\n\n{exc.message}" if what else exc.message
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    else:
        log.error("unexpected error", exc_info=exc)
        lead = what or "Đã xảy ra lỗi không mong muốn."
        text = (
            f"{lead}\n\nDữ liệu đã nhập vẫn được giữ nguyên. Hãy thử lại; nếu lỗi còn xuất hiện, "
            "hãy chép phần «Chi tiết» gửi cho người hỗ trợ."
        )
        box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok, parent)
        box.setDetailedText("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    box.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
    box.exec()


class Progress(QObject):
    """Handed to the work function: `progress(text, fraction)` updates the dialog (fraction 0..1 or None)."""

    changed = Signal(str, float)

    def __call__(self, text: str = "", fraction: float | None = None) -> None:
        self.changed.emit(text, -1.0 if fraction is None else float(fraction))


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[Progress], Any], progress: Progress, signals: _Signals) -> None:
        super().__init__()
        self.work, self.progress, self.signals = work, progress, signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.work(self.progress)
        except BaseException as exc:  # noqa: BLE001 - every failure is reported on the UI thread
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


class ProgressBox(QDialog):
    """The box of one running operation: what is being done, and a bar (moving until the work says how far).

    It has no Cancel button and Esc does not close it (the work cannot be stopped half-way); it closes when the work
    ends, through `finish`."""

    def __init__(self, parent: QWidget | None, label: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Đang làm việc")
        self.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
        self.setMinimumWidth(380)
        self.label = QLabel(label, self)
        self.label.setWordWrap(True)
        self.bar = QtWidgets.QProgressBar(self)
        self.bar.setRange(0, 0)  # moving: how far is not known yet
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName("Tiến độ")
        box = QVBoxLayout(self)
        box.addWidget(self.label)
        box.addWidget(self.bar)
        self.finished_ = False

    def labelText(self) -> str:  # noqa: N802 - named as QProgressDialog's, which it replaces
        return self.label.text()

    def setLabelText(self, text: str) -> None:  # noqa: N802
        self.label.setText(text)

    def set_fraction(self, fraction: float) -> None:
        self.bar.setRange(0, 1000)
        self.bar.setValue(round(min(max(fraction, 0.0), 1.0) * 1000))

    def finish(self) -> None:
        """The work has ended: close for good."""
        self.finished_ = True
        self.hide()
        self.deleteLater()

    def reject(self) -> None:  # Esc
        if self.finished_:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt naming
        if self.finished_:
            event.accept()
        else:
            event.ignore()


class Op:
    """One piece of long work: `Op(parent, work, label=…).success(fn).failure(fn).run()`."""

    #: The progress box appears only when the work takes longer than this (ms).
    SHOW_AFTER_MS = 300

    def __init__(
        self,
        parent: QWidget | None,
        work: Callable[[Progress], Any],
        *,
        label: str,
        error_what: str = "",
        quiet: bool = False,
    ) -> None:
        """`quiet`: work the officer need not wait for (a check in the background) shows no box and no busy cursor;
        its end is still reported to `success` or `failure`."""
        self.parent, self.work, self.label, self.error_what = parent, work, label, error_what
        self.quiet = quiet
        self._success: Callable[[Any], None] | None = None
        self._failure: Callable[[BaseException], None] | None = None
        #: The progress box while it is shown; None before (fast work never shows one) and once the work ended.
        self.dialog: ProgressBox | None = None
        self.window: QWidget | None = None  # the parent's window, set by `run`
        self.ended = False
        self._text, self._fraction = label, -1.0

    def success(self, fn: Callable[[Any], None]) -> Op:
        self._success = fn
        return self

    def failure(self, fn: Callable[[BaseException], None]) -> Op:
        """Replace the default error dialog with `fn`."""
        self._failure = fn
        return self

    def run(self) -> None:
        self.signals = _Signals()
        self.progress = Progress()
        # emitted from the worker thread, so Qt queues them to this one (the automatic connection): `QtCore.Qt`,
        # 93 enums and tens of milliseconds, stays unbuilt for the check the window starts once it is up
        self.signals.done.connect(self._done)
        self.signals.failed.connect(self._failed)
        self.progress.changed.connect(self._progress)
        # the box is made only when the work outlasts the delay, by a timer the end of the work stops: nothing
        # can show it afterwards (Qt's QProgressDialog showed itself from its own timer after the work had ended)
        self.timer = QTimer()
        self.timer.setSingleShot(True)
        self.timer.setInterval(self.SHOW_AFTER_MS)
        self.timer.timeout.connect(self._show)
        # the window the parent is in, which outlives it: the wizard is closed and deleted when the officer goes
        # back to the list, and its export may still be running then
        self.window = self.parent.window() if self.parent is not None else None
        if self.parent is not None and not self.quiet:
            self.parent.setCursor(QtCore.Qt.CursorShape.BusyCursor)
        _RUNNING.add(self)
        if not self.quiet:
            self.timer.start()
        QThreadPool.globalInstance().start(_Job(self.work, self.progress, self.signals))

    def _show(self) -> None:
        if self.ended or self.dialog is not None:
            return
        dialog = ProgressBox(self.owner(), self._text)  # on the window when the view that started it is gone
        if self._fraction >= 0:
            dialog.set_fraction(self._fraction)
        self.dialog = dialog
        dialog.show()

    def _progress(self, text: str, fraction: float) -> None:
        if self.ended:
            return
        if text:
            self._text = text
        if fraction >= 0:
            self._fraction = fraction
        if self.dialog is not None:
            if text:
                self.dialog.setLabelText(text)
            if fraction >= 0:
                self.dialog.set_fraction(fraction)

    def _close(self) -> None:
        self.ended = True
        self.timer.stop()
        if self.dialog is not None and isValid(self.dialog):  # gone with its parent when the parent was closed
            self.dialog.finish()
        self.dialog = None
        if self.parent is not None and not self.quiet and isValid(self.parent):
            self.parent.unsetCursor()
        _RUNNING.discard(self)

    def owner(self) -> QWidget | None:
        """Where to show the work's progress and how it ended: its parent while it is there, else the window the
        parent was in, else none."""
        for widget in (self.parent, self.window):
            if widget is not None and isValid(widget):
                return widget
        return None

    def _done(self, result: Any) -> None:
        self._close()
        try:
            if self._success is not None:
                self._success(result)
        except Exception as exc:  # noqa: BLE001 - shown, never crashes the window
            show_error(self.owner(), exc)

    def _failed(self, exc: BaseException) -> None:
        self._close()
        if self._failure is not None:
            self._failure(exc)
        else:
            show_error(self.owner(), exc, what=self.error_what)


def back_up(parent: QWidget, store: Any) -> None:
    """«Sao lưu dữ liệu» of both windows: a backup of the store made off the UI thread, and where it went."""
    Op(
        parent,
        lambda progress: store.backup("manual"),
        label="Đang sao lưu dữ liệu…",
        error_what="Chưa sao lưu được.",
    ).success(lambda path: dialogs.tell(parent, "Đã sao lưu dữ liệu.", detail=f"Bản sao lưu: {path}")).run()


class UiThreadCollector(QObject):
    """Python's cyclic garbage collector, run on the UI thread only, while the window runs.

    Python collects in whichever thread is making objects when a count passes its threshold: with an export, a
    backup or the department's intake running in a worker, often the worker. Garbage in a cycle may hold a Qt
    object (a closed dialog and the lambdas connected to it, an operation's timer), which Qt must destroy in the
    thread it belongs to: destroyed in the worker, it crashed the program (SIGSEGV while a reminder letter was
    written, in a random-action run). So automatic collection is off, and a timer on the UI thread collects as
    Python would, the oldest generation whose count has passed its threshold (the GarbageCollector of pyqtgraph
    and Spyder does the same)."""

    INTERVAL_MS = 1000

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self.timer = QTimer(self)
        self.timer.setInterval(self.INTERVAL_MS)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        """Collect on this thread only, at Python's thresholds as they are now."""
        self.thresholds = gc.get_threshold()
        gc.disable()
        self.timer.start()

    def stop(self) -> None:
        """Collection as Python does it again (the program ends: its threads have ended)."""
        self.timer.stop()
        gc.enable()

    @classmethod
    def stop_all(cls, parent: QObject) -> None:
        """`stop` the collectors made with `parent` (none when the window never got to be idle)."""
        for collector in parent.findChildren(cls):
            collector.stop()

    def check(self) -> None:
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self.thresholds[generation]:
                gc.collect(generation)
                return


def let_running_work_end() -> None:
    """Wait until the work running in the background has ended, without handing its result to the window, which
    is closed: a thread still running Python as the program ends (the interpreter and Qt torn down under it)
    crashes it. The event loop has ended when this is called; the background check of data opened a moment ago
    ends here, with the day's backup if it was still to be made."""
    QThreadPool.globalInstance().waitForDone()


def wait_all(timeout_ms: int = 30_000) -> bool:
    """Process events until every operation has finished (for shutdown and tests); True when all did."""
    from PySide6.QtCore import QDeadlineTimer, QEventLoop

    deadline = QDeadlineTimer(timeout_ms)
    app = QApplication.instance()
    while _RUNNING and not deadline.hasExpired():
        if app is not None:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    return not _RUNNING
