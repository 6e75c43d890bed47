"""Long work runs off the UI thread, shows progress when slow, and reports errors in one place."""

from __future__ import annotations

import threading

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

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


def test_a_failure_shows_the_vietnamese_message(qtbot, answers):
    def work(progress):
        raise RenderError("Không ghi được tệp «x.docx»: tệp đang mở trong Word. Hãy đóng tệp trong Word rồi thử lại.")

    Op(None, work, label="Đang xuất…", error_what="Chưa xuất được báo cáo.").run()
    qtbot.waitUntil(lambda: operations.running() == 0, timeout=5000)
    assert any("Chưa xuất được báo cáo." in a and "Hãy đóng tệp trong Word" in a for a in answers.asked)
