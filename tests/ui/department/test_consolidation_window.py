"""The department window's consolidation: the «Biểu đồ» tab, «Xuất biểu tổng hợp…» and «Thông báo tổng hợp…»."""

from __future__ import annotations

import datetime as dt
import zipfile

from ui import operations
from ui.department.window import DepartmentWindow

TODAY = dt.date(2026, 5, 25)


def make_window(qtbot, intake, settings) -> DepartmentWindow:
    window = DepartmentWindow(intake.store, settings, today=TODAY)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    unit = window.records.find_unit("TH01")
    assert window.matrix.select(unit_id=unit.id, period=window.periods()[-1])
    return window


def test_the_charts_tab_draws_the_chosen_kind_and_period(qtbot, intake, dept_settings, answers):
    window = make_window(qtbot, intake, dept_settings)
    assert window.charts is None  # drawn only when the tab is shown
    window.show_tab(window.CHARTS_TAB)
    assert window.charts is not None and window.charts.period == window.periods()[-1]
    assert window.charts.tabs.count() == 4
    unit = window.records.find_unit("TH01")
    window.show_tab(window.MATRIX_TAB)
    window.matrix.select(unit_id=unit.id, period=window.periods()[-2])
    window.show_tab(window.CHARTS_TAB)
    assert window.charts.period == window.periods()[-2]


def test_xuat_bieu_tong_hop_writes_the_workbook_of_the_chosen_period(qtbot, intake, dept_settings, answers, tmp_path):
    window = make_window(qtbot, intake, dept_settings)
    answers.save_to = tmp_path / "bieu-tong-hop"
    window.workbook_button.click()
    written = tmp_path / "bieu-tong-hop.xlsx"
    assert written.is_file() and zipfile.is_zipfile(written)
    assert any("Đã ghi biểu tổng hợp BC-KHCN tháng 5 năm 2026" in a for a in answers.asked)


def test_the_notice_opens_in_the_wizard_and_exports_with_its_charts(qtbot, intake, dept_settings, answers, tmp_path):
    window = make_window(qtbot, intake, dept_settings)
    window.notice_button.click()
    view = window.manual
    assert view is not None and window.stack.currentWidget() is view
    draft = intake.store.load(view.draft_id).draft
    assert draft.kind == "thong-bao-tong-hop" and draft.period == window.periods()[-1]
    answers.save_to = tmp_path / "thong-bao.docx"
    view.export_button.click()
    operations.wait_all(30_000)
    names = zipfile.ZipFile(tmp_path / "thong-bao.docx").namelist()
    assert any(n.startswith("word/media/") and n.endswith(".png") for n in names)  # the charts' appendix
    assert intake.store.exports(view.draft_id)
    assert window.close_manual() and window.stack.currentWidget() is window.main
