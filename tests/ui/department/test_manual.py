"""A report typed in Word: entered by hand in the wizard, kept between sessions, recorded as received."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from kpdesk.draft import Period
from ui import operations
from ui.department.manual import ManualStartDialog, manual_link
from ui.department.window import DepartmentWindow

MONTHLY = "co-che-tai-chinh-thang"
TODAY = dt.date(2026, 5, 25)
MAY = Period("month", 2026, month=5)


def test_a_word_file_is_entered_by_hand_in_the_wizard_and_counts_as_received(
    qtbot, intake, dept_settings, answers, monkeypatch
):
    window = DepartmentWindow(intake.store, dept_settings, today=TODAY)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    records = window.records
    quang_phu = records.find_unit("TH41")
    assert window.matrix.select(unit_id=quang_phu.id, period=MAY) and window.matrix.currentItem().text() == "✗ chưa gửi"
    window.show_tab(window.FILES_TAB)
    page = window.files_page
    assert window.tabs.tabText(window.FILES_TAB) == "Tệp chờ nhập tay (1)" and page.table.rowCount() == 1
    assert page.table.item(0, 1).text() == "typed-in-word.docx" and page.table.item(0, 3).text() == "chưa"
    assert not page.record_button.isEnabled(), "nothing typed yet: nothing to record"
    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    assert answers.opened == [intake.files["typed"]]

    def start(dialog: ManualStartDialog) -> int:
        assert dialog.kind.currentData().id == MONTHLY and dialog.period.period() == MAY
        index = next(i for i in range(dialog.unit.count()) if dialog.unit.itemData(i).code == "TH41")
        dialog.unit.setCurrentIndex(index)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(ManualStartDialog, "exec", start)
    qtbot.mouseClick(page.enter_button, Qt.MouseButton.LeftButton)
    view = window.manual
    assert view is not None and window.stack.currentWidget() is view
    wizard = view.wizard
    draft = wizard.session.draft
    assert (draft.kind, draft.period, draft.unit.full_name, draft.unit.province) == (
        MONTHLY,
        MAY,
        "xã Quảng Phú",
        "Thanh Hóa",
    )
    wizard.session.set_value("budget_total", 310_000_000)
    qtbot.mouseClick(wizard.back_button, Qt.MouseButton.LeftButton)  # saved, back to the list of files
    assert window.manual is None and window.tabs.currentIndex() == window.FILES_TAB
    file_id = page.files[0].id
    link = manual_link(intake.store, file_id)
    assert link is not None and page.table.item(0, 3).text() == f"có (bản nháp số {link[0]})"
    assert page.enter_button.text() == "Tiếp tục nhập t&ay…" and page.record_button.isEnabled()

    # «Tiếp tục nhập tay…» opens the same draft again, without asking for the unit and period
    monkeypatch.setattr(ManualStartDialog, "exec", lambda self: (_ for _ in ()).throw(AssertionError("asked again")))
    qtbot.mouseClick(page.enter_button, Qt.MouseButton.LeftButton)
    view = window.manual
    assert view is not None and view.wizard.session.draft.values["budget_total"] == 310_000_000
    qtbot.mouseClick(view.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: operations.running() == 0 and window.manual is None, timeout=10_000)
    assert any(
        a.startswith("Đã ghi nhận báo cáo nhập tay.") and "nhập tay báo cáo tháng 5 năm 2026 của xã Quảng Phú" in a
        for a in answers.asked
    )
    assert records.files() == [] and window.tabs.tabText(window.FILES_TAB) == "Tệp chờ nhập tay (0)"
    assert manual_link(intake.store, file_id) is None, "the draft typed is the report now, no longer linked"
    assert window.tabs.currentIndex() == window.MATRIX_TAB
    assert window.matrix.verticalHeaderItem(window.matrix.currentRow()).text() == "Xã Quảng Phú"
    assert window.matrix.currentItem().text().startswith("✓ đúng hạn"), "received with the file, on 18/5"
    report = records.find_submission(quang_phu, MONTHLY, MAY)
    latest = records.latest(report.id)
    assert (
        latest.manual
        and latest.file_name == "typed-in-word.docx"
        and latest.draft.values["budget_total"] == 310_000_000
    )
    assert window.panel.version_list.item(0).text().startswith("Bản 1: typed-in-word.docx — nhận 18/5/2026; nhập tay")


def test_recording_before_anything_was_typed_says_to_enter_it_first(qtbot, intake, dept_settings, answers):
    window = DepartmentWindow(intake.store, dept_settings, today=TODAY)
    qtbot.addWidget(window)
    window.record_file(window.files_page.files[0])
    assert any(a.startswith("Chưa nhập tay tệp typed-in-word.docx.") for a in answers.asked)
    assert len(window.records.files()) == 1
