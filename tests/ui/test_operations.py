"""Long work runs off the UI thread, shows progress when slow, and reports errors in one place."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QProgressBar, QWidget

from kpdesk.errors import RenderError
from ui import operations
from ui.operations import Op


def test_work_runs_in_a_worker_and_success_runs_on_the_ui_thread(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: dict[str, object] = {}

    def work(progress):
        seen["worker"] = threading.current_thread() is not threading.main_thread()
        progress("nửa chừng", 0.5)
        return 42

    def done(result):
        seen["result"] = result
        seen["ui"] = threading.current_thread() is threading.main_thread()

    Op(parent, work, label="Đang làm…").success(done).run()
    qtbot.waitUntil(lambda: "result" in seen, timeout=5000)
    assert seen == {"worker": True, "result": 42, "ui": True}
    assert operations.running() == 0


def test_a_slow_job_shows_progress_and_the_window_keeps_answering(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    release = threading.Event()
    op = Op(parent, lambda progress: release.wait(5) and "xong", label="Đang sao lưu dữ liệu…")
    results: list[object] = []
    op.success(results.append).run()
    qtbot.waitUntil(lambda: op.dialog is not None and op.dialog.isVisible(), timeout=3000)
    assert op.dialog.labelText() == "Đang sao lưu dữ liệu…"
    answered: list[bool] = []
    QTimer.singleShot(0, lambda: answered.append(operations.running() == 1))  # the event loop runs meanwhile
    qtbot.waitUntil(lambda: bool(answered), timeout=3000)
    assert answered == [True] and not release.is_set(), "the window answered while the job was still waiting"
    release.set()
    qtbot.waitUntil(lambda: results == ["xong"], timeout=5000)
    assert operations.running() == 0


def test_quiet_work_shows_no_box_and_no_busy_cursor_and_still_reports_on_the_ui_thread(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    release = threading.Event()
    seen: list[bool] = []
    op = Op(parent, lambda progress: release.wait(5) and "xong", label="Đang kiểm tra dữ liệu…", quiet=True)
    op.success(lambda result: seen.append(result == "xong" and threading.current_thread() is threading.main_thread()))
    op.run()
    QTest.qWait(Op.SHOW_AFTER_MS + 200)  # longer than a box waits to appear
    assert op.dialog is None and parent.cursor().shape() == Qt.CursorShape.ArrowCursor
    assert operations.running() == 1
    release.set()
    qtbot.waitUntil(lambda: seen == [True], timeout=5000)
    assert operations.running() == 0


def test_a_failure_shows_the_vietnamese_message(qtbot, answers):
    def work(progress):
        raise RenderError("Không ghi được tệp «x.docx»: tệp đang mở trong Word. Hãy đóng tệp trong Word rồi thử lại.")

    Op(None, work, label="Đang xuất…", error_what="Chưa xuất được báo cáo.").run()
    qtbot.waitUntil(lambda: operations.running() == 0, timeout=5000)
    assert any("Chưa xuất được báo cáo." in a and "Hãy đóng tệp trong Word" in a for a in answers.asked)


# ----------------------------------------------------------------------- the progress box closes when the work ends


def progress_boxes() -> list[QWidget]:
    """The progress boxes on screen: any window showing a progress bar of its own."""
    return [
        w
        for w in QApplication.topLevelWidgets()
        if w.isVisible() and any(bar.window() is w for bar in w.findChildren(QProgressBar))
    ]


def spin(ms: int, seen: list[int]) -> None:
    """Run the event loop for `ms` (as a modal message box does), noting how many progress boxes show meanwhile."""
    loop = QEventLoop()
    watch = QTimer()
    watch.timeout.connect(lambda: seen.append(len(progress_boxes())))
    watch.start(20)
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    watch.stop()


@pytest.mark.parametrize("work_ms", [0, 3 * Op.SHOW_AFTER_MS], ids=["faster-than-the-delay", "slower-than-the-delay"])
@pytest.mark.parametrize("outcome", ["success", "failure"])
def test_the_progress_box_closes_when_the_work_ends_and_never_shows_afterwards(qtbot, monkeypatch, work_ms, outcome):
    """«Xuất Word» left «Đang xuất báo cáo ra tệp…» on top of the «Đã xuất …» message: the box's delayed show fired
    while that message was open, after the work had ended. Whatever the work's length, once it ends no box shows,
    neither during what `success` or the error message does (a modal box: its own event loop) nor afterwards."""
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    release = threading.Event()
    during: list[int] = []
    after_end: list[int] = []

    def work(progress):
        release.wait(work_ms / 1000)
        if outcome == "failure":
            raise RenderError("Không ghi được tệp «x.docx».")
        return "xong"

    def ended(*_):  # what the officer sees next: a modal message, open longer than the delay
        after_end.append(len(progress_boxes()))
        spin(3 * Op.SHOW_AFTER_MS, after_end)

    monkeypatch.setattr(operations, "show_error", lambda parent, exc, what="": ended())
    op = Op(parent, work, label="Đang xuất báo cáo ra tệp x.docx…")
    op.success(ended).run()
    if work_ms:
        qtbot.waitUntil(lambda: bool(progress_boxes()), timeout=5000)
        [box] = progress_boxes()
        qtbot.keyClick(box, Qt.Key.Key_Escape)  # the work cannot be stopped: the box stays until it ends
        during.append(len(progress_boxes()))
    qtbot.waitUntil(lambda: operations.running() == 0 and bool(after_end), timeout=10_000)
    rest: list[int] = []
    spin(2 * Op.SHOW_AFTER_MS, rest)
    assert during == ([1] if work_ms else [])
    assert set(after_end) == {0}, "no progress box over the message shown when the work ended"
    assert set(rest) == {0} and op.dialog is None


# ----------------------------------------------------------------------- the view that started the work is gone


def window_with_view(qtbot) -> tuple[QWidget, QWidget]:
    """A main window shown with a view in it (as the wizard is in the main window): the view can be deleted alone."""
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    qtbot.addWidget(window)
    view = QWidget(window)
    window.setCentralWidget(view)
    window.show()
    return window, view


@pytest.mark.parametrize("outcome", ["success that fails", "failure"])
def test_work_whose_view_was_deleted_says_how_it_ended_on_its_window(qtbot, monkeypatch, outcome):
    """The officer goes back to the list while the wizard's export runs: the wizard is deleted before the work
    ends. How it ended is said on the window the wizard was in, not raised again on a deleted widget."""
    from shiboken6 import isValid

    window, view = window_with_view(qtbot)
    release = threading.Event()
    shown: list[tuple[object, str]] = []
    monkeypatch.setattr(operations, "show_error", lambda parent, exc, what="": shown.append((parent, str(exc))))

    def work(progress):
        release.wait(5)
        if outcome == "failure":
            raise RenderError("Không ghi được tệp «x.docx».")
        return "xong"

    def done(result):
        view.setToolTip(result)  # the deleted view: RuntimeError

    Op(view, work, label="Đang xuất…").success(done).run()
    window.setCentralWidget(QWidget(window))  # deletes `view`
    qtbot.waitUntil(lambda: not isValid(view), timeout=3000)
    release.set()
    qtbot.waitUntil(lambda: operations.running() == 0 and bool(shown), timeout=5000)
    [(parent, text)] = shown
    assert parent is window
    assert ("x.docx" in text) == (outcome == "failure")


def test_a_question_or_a_message_for_a_deleted_widget_is_asked_without_a_parent(qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    from shiboken6 import delete

    from ui import dialogs

    gone = QWidget()
    delete(gone)
    boxes: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: boxes.append(self) or 0)
    dialogs.tell(gone, "Đã ghi tệp x.docx, nhưng chưa ghi nhận được vào danh sách báo cáo đã xuất của bản nháp này.")
    assert dialogs.choose(gone, "Đã xuất báo cáo ra tệp x.docx", ["Mở tài liệu", "Đóng"], escape=1) == 1
    assert [(box.parent(), box.text()[:6]) for box in boxes] == [(None, "Đã ghi"), (None, "Đã xuấ")]


def test_an_error_for_a_deleted_widget_is_shown_without_a_parent(qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    from shiboken6 import delete

    gone = QWidget()
    delete(gone)
    boxes: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: boxes.append(self) or 0)
    operations.show_error(gone, RenderError("Không ghi được tệp «x.docx»."), what="Chưa xuất được báo cáo.")
    [box] = boxes
    assert box.parent() is None and "x.docx" in box.text()


def test_slow_work_whose_view_was_deleted_shows_its_progress_on_the_window(qtbot):
    from shiboken6 import isValid

    window, view = window_with_view(qtbot)
    release = threading.Event()
    results: list[object] = []
    op = Op(view, lambda progress: release.wait(5) and "xong", label="Đang xuất báo cáo ra tệp x.pdf…")
    op.success(results.append).run()
    window.setCentralWidget(QWidget(window))  # deletes `view` before the progress box is due
    qtbot.waitUntil(lambda: not isValid(view), timeout=3000)
    qtbot.waitUntil(lambda: bool(progress_boxes()), timeout=5000)
    [box] = progress_boxes()
    assert box.parent() is window and box.labelText() == "Đang xuất báo cáo ra tệp x.pdf…"
    release.set()
    qtbot.waitUntil(lambda: results == ["xong"] and not progress_boxes(), timeout=5000)


# ----------------------------------------------------------------------- garbage collected on the UI thread only


def test_garbage_holding_a_qt_object_is_collected_on_the_ui_thread_only(qtbot):
    """A Qt object in a cycle of garbage, while a worker makes objects by the hundred thousand: with the collector
    of the window's run, it is destroyed on the UI thread, never in the worker (a crash in a random-action run)."""
    import gc

    from PySide6.QtCore import QObject

    destroyed_in: list[bool] = []
    collector = operations.UiThreadCollector()
    collector.thresholds = (700, 10, 10)
    collector.timer.setInterval(20)
    was_enabled = gc.isenabled()
    collector.start()
    try:
        assert not gc.isenabled()

        class Holder:
            pass

        holder = Holder()
        holder.qt = QObject()  # made on the UI thread
        holder.me = holder  # a cycle: only the cyclic collector frees it
        holder.qt.destroyed.connect(lambda: destroyed_in.append(threading.current_thread() is threading.main_thread()))
        del holder
        kept: list[list[object]] = []

        def make_objects():  # kept: Python's count of new objects passes its thresholds in this thread
            kept.extend([] for _ in range(300_000))

        worker = threading.Thread(target=make_objects)
        worker.start()
        worker.join(30)
        assert len(kept) == 300_000 and destroyed_in == [], "nothing was collected in the worker"
        qtbot.waitUntil(lambda: bool(destroyed_in), timeout=5000)
        assert destroyed_in == [True]
        kept.clear()
    finally:
        collector.stop()
        if not was_enabled:
            gc.disable()
    assert gc.isenabled() or not was_enabled
