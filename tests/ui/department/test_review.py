"""Reviewing reports on the realistic intake, and the return's round trip into the commune's wizard."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from kpdesk import corrections
from kpdesk.department.records import ACCEPTED, PROBLEMS, RECEIVED, RETURNED
from kpdesk.store import Store
from ui import operations
from ui.department.dialogs import MatchDialog, PreviewDialog
from ui.department.letters import ReturnDialog
from ui.department.window import DepartmentWindow
from ui.main_window import MainWindow

MONTHLY = "co-che-tai-chinh-thang"
TODAY = dt.date(2026, 5, 25)


def make_window(qtbot, intake, settings) -> DepartmentWindow:
    window = DepartmentWindow(intake.store, settings, today=TODAY)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    return window


def choose(window: DepartmentWindow, code: str) -> None:
    """Choose the May 2026 cell of the unit with `code`, as arrow keys or a click would."""
    unit = window.records.find_unit(code)
    assert window.matrix.select(unit_id=unit.id, period=window.periods()[-1])


def text_of(list_widget) -> list[str]:
    return [list_widget.item(i).text() for i in range(list_widget.count())]


def test_accept_and_reopen_change_the_cell_and_are_logged_with_the_note(qtbot, intake, dept_settings, answers, kit):
    window = make_window(qtbot, intake, dept_settings)
    choose(window, "TH03")
    panel = window.panel
    assert panel.heading.text() == "Xã Thiệu Toán — BC-KHCN tháng 5 năm 2026"
    assert panel.accept_button.isEnabled() and not panel.reopen_button.isEnabled()
    assert not panel.match_button.isVisibleTo(panel), "a listed unit has nothing to match"
    kit.type_keys(panel.note, "Số liệu khớp sổ sách")
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
    report = intake.records.find_submission(intake.records.find_unit("TH03"), MONTHLY, window.periods()[-1])
    assert report.state == ACCEPTED and report.state_note == "Số liệu khớp sổ sách"
    assert window.matrix.currentItem().text() == "★ chấp nhận", "the same cell stays chosen"
    assert text_of(panel.log)[0].endswith(f"chấp nhận (bản 1) — {report.state_by} — Số liệu khớp sổ sách")
    assert "Đã chấp nhận" in panel.state.text() and panel.reopen_button.isEnabled()
    assert "1 đã chấp nhận" in window.headline.text()
    qtbot.mouseClick(panel.reopen_button, Qt.MouseButton.LeftButton)
    assert intake.records.submission(report.id).state == RECEIVED
    assert window.matrix.currentItem().text() == "✓ đúng hạn" and "mở lại" in text_of(panel.log)[0]


def test_co_van_de_needs_its_note_then_marks_the_cell_and_is_logged(qtbot, intake, dept_settings, answers, kit):
    window = make_window(qtbot, intake, dept_settings)
    choose(window, "TH04")
    panel = window.panel
    assert panel.flag_button.isEnabled() and panel.flag_button.text() == "Có &vấn đề"
    before = window.matrix.currentItem().text()
    qtbot.mouseClick(panel.flag_button, Qt.MouseButton.LeftButton)  # no note: refused, nothing changes
    assert any(a.startswith("error:") and "Hãy ghi vấn đề cần xem" in a for a in answers.asked)
    report = intake.records.find_submission(intake.records.find_unit("TH04"), MONTHLY, window.periods()[-1])
    assert report.state == RECEIVED and window.matrix.currentItem().text() == before
    kit.type_keys(panel.note, "Số giải ngân chưa khớp")
    qtbot.mouseClick(panel.flag_button, Qt.MouseButton.LeftButton)
    report = intake.records.submission(report.id)
    assert report.state == PROBLEMS and report.state_note == "Số giải ngân chưa khớp"
    assert window.matrix.currentItem().text() == f"{before} ⚑"
    assert "Sở đánh dấu có vấn đề: Số giải ngân chưa khớp" in window.matrix.currentItem().toolTip()
    assert "1 có vấn đề Sở đang xem" in window.headline.text()
    assert "đánh dấu có vấn đề" in text_of(panel.log)[0]
    assert not panel.flag_button.isEnabled() and panel.reopen_button.isEnabled()


def test_a_corrected_version_shows_both_versions_and_what_changed_field_by_field(qtbot, intake, dept_settings, answers):
    window = make_window(qtbot, intake, dept_settings)
    choose(window, "TH38")  # v1 with two errors, v2 corrected
    panel = window.panel
    versions = text_of(panel.version_list)
    assert versions == [
        "Bản 1: v1.docx — nhận 18/5/2026; 2 lỗi, 0 cảnh báo",
        "Bản 2: v2.docx — nhận 21/5/2026; 0 lỗi, 0 cảnh báo",
    ]
    assert panel.version_list.currentRow() == 1 and "Không có lỗi hay cảnh báo nào" in panel.details.toPlainText()
    panel.version_list.setCurrentRow(0)
    assert "✖ Lỗi: Mục «3. Tình hình tổ chức và hoạt động của Quỹ»" in panel.details.toPlainText()
    changes = text_of(panel.changes)
    assert panel.older.currentText() == "bản 1" and panel.newer.currentText() == "bản 2"
    assert any(
        c.startswith(
            "Mục «3. Tình hình tổ chức và hoạt động của Quỹ», «Quỹ phát triển KH&CN của địa phương»: (trống) → "
        )
        for c in changes
    ), changes
    assert any("Ngày ký" in c or "ngày" in c.lower() for c in changes)
    panel.older.setCurrentIndex(1)
    assert text_of(panel.changes) == ["Chọn hai bản khác nhau để so sánh."]
    assert "bản 2" in window.matrix.currentItem().toolTip()


def test_a_document_edited_after_export_shows_the_differing_figures(qtbot, intake, dept_settings, answers):
    window = make_window(qtbot, intake, dept_settings)
    choose(window, "TH39")
    assert window.matrix.currentItem().text() == "✓ đúng hạn ✎"
    details = window.panel.details.toPlainText()
    assert "Văn bản đã bị sửa sau khi xuất (1 chỗ)" in details
    assert "dữ liệu ghi «352 triệu đồng», văn bản ghi «452 triệu đồng»" in details
    assert "✎ văn bản đã bị sửa sau khi xuất" in window.panel.state.text()


def test_xem_shows_the_version_on_a4_pages_read_only(qtbot, intake, dept_settings, answers, monkeypatch):
    window = make_window(qtbot, intake, dept_settings)
    choose(window, "TH35")
    seen: list[str] = []

    def look(dialog: PreviewDialog) -> int:
        seen.append(dialog.windowTitle())
        seen.append(dialog.preview.toPlainText())
        assert dialog.preview.page_count() >= 1
        return 0

    monkeypatch.setattr(PreviewDialog, "exec", look)
    qtbot.mouseClick(window.panel.view_button, Qt.MouseButton.LeftButton)
    assert seen[0].startswith("Phường Sầm Sơn — BC-KHCN tháng 5 năm 2026, bản 1 (errors-TH35.docx)")
    assert "SẦM SƠN" in seen[1].upper() and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in seen[1]


def test_a_sender_not_on_the_list_is_matched_with_the_suggested_unit(
    qtbot, intake, dept_settings, answers, monkeypatch
):
    window = make_window(qtbot, intake, dept_settings)
    matrix = window.matrix
    row = next(
        r for r in range(matrix.rowCount()) if matrix.verticalHeaderItem(r).text() == "Xã Thiệu Trong (ngoài danh sách)"
    )
    matrix.setCurrentCell(row, matrix.columnCount() - 1)
    panel = window.panel
    assert panel.match_button.isVisibleTo(panel) and "không có trong danh sách đơn vị" in panel.state.text()

    def pick(dialog: MatchDialog) -> int:
        items = text_of(dialog.list)
        assert items[0] == "Xã Thiệu Trung (mã TH01) — gợi ý: tên gần giống", items[:3]
        dialog.filter.setText("thieu trung")
        assert text_of(dialog.list) == ["Xã Thiệu Trung (mã TH01) — gợi ý: tên gần giống"]
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(MatchDialog, "exec", pick)
    qtbot.mouseClick(panel.match_button, Qt.MouseButton.LeftButton)
    names = [matrix.verticalHeaderItem(r).text() for r in range(matrix.rowCount())]
    assert "Xã Thiệu Trong (ngoài danh sách)" not in names
    assert matrix.verticalHeaderItem(matrix.currentRow()).text() == "Xã Thiệu Trung"
    assert len(text_of(panel.version_list)) == 2, "the unit's report and the one sent under the slipped name"
    assert "Đã ghép «xã Thiệu Trong» với Xã Thiệu Trung" in window.statusBar().currentMessage()
    assert "ghép với đơn vị" in text_of(panel.log)[0]


def test_return_with_points_writes_a_letter_the_communes_wizard_shows_beside_the_fields_until_export(
    qtbot, tmp_path, intake, dept_settings, settings, answers, kit, monkeypatch
):
    window = make_window(qtbot, intake, dept_settings)
    choose(window, "TH35")  # two errors: the fund's status and its charter
    letter = tmp_path / "tra-lai-Sam-Son.docx"
    answers.save_to = letter

    def write(dialog: ReturnDialog) -> int:
        points = text_of(dialog.list)
        assert len(points) == 2 and all(dialog.list.item(i).checkState() == Qt.CheckState.Checked for i in range(2))
        assert points[0].startswith("Mục «3. Tình hình tổ chức và hoạt động của Quỹ», «Quỹ phát triển KH&CN")
        assert dialog.suggested_name() == "CV-hoan-thien-BC-KHCN-T05-2026-Sam-Son.docx"
        kit.commit(dialog.note, "Đề nghị ghi rõ số đã giải ngân.")
        kit.type_keys(dialog.number, "215")
        kit.replace_text(dialog.resubmit.edit, "29/5/2026")
        qtbot.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: operations.running() == 0 and dialog.result() != 0, timeout=20_000)
        return dialog.result()

    monkeypatch.setattr(ReturnDialog, "exec", write)
    qtbot.mouseClick(window.panel.return_button, Qt.MouseButton.LeftButton)
    assert letter.exists()
    assert any(a.startswith("Đã ghi công văn trả lại báo cáo.") and str(letter) in a for a in answers.asked)
    assert window.matrix.currentItem().text() == "↩ trả lại ✖"
    report = intake.records.find_submission(intake.records.find_unit("TH35"), MONTHLY, window.periods()[-1])
    assert report.state == RETURNED and "3 nội dung cần sửa" in report.state_note
    assert not window.panel.return_button.isEnabled() and window.panel.reopen_button.isEnabled()

    # the commune: it has the report it sent; «Nhập…» of the letter attaches the points to it
    with Store.open(tmp_path / "xa") as commune:
        draft_id = commune.import_file(intake.files["errors-TH35"])
        main = MainWindow(commune, settings, today=TODAY)
        qtbot.addWidget(main)
        main.resize(1366, 740)
        main.show()
        answers.open_from = letter
        main.import_file()
        qtbot.waitUntil(lambda: operations.running() == 0, timeout=10_000)
        said = next(a for a in answers.asked if a.startswith("Đã nhận Công văn số 215/SKHCN-QLKH"))
        assert f"3 nội dung cần sửa, đã gắn vào bản nháp số {draft_id}" in said
        assert main.statusBar().currentMessage().startswith("Đã nhận Công văn số 215/SKHCN-QLKH")
        assert len(commune.list_drafts()) == 1, "the letter is no new draft"

        main.open_draft(draft_id)
        wizard = main.wizard
        notes = [p for p in wizard.session.problems if p.code == corrections.NOTE_CODE]
        assert {p.field for p in notes} == {"fund_status", "fund_charter", ""}
        assert all(p.severity == "warning" for p in notes)
        listed = text_of(wizard.problems.list)
        assert any(
            t.startswith(
                "Cảnh báo: Mục «3. Tình hình tổ chức và hoạt động của Quỹ», «Quỹ phát triển KH&CN "
                "của địa phương»: Sở đề nghị: Chưa nhập"
            )
            for t in listed
        ), listed
        assert any("Sở đề nghị: Đề nghị ghi rõ số đã giải ngân." in t for t in listed)
        wizard.go_step(wizard.step_for("quy"))
        beside = wizard.steps[wizard.current()].rows["fund_status"].messages.messages()
        assert ("warning", next(p.detail for p in notes if p.field == "fund_status")) in beside
        assert any(text.startswith("Sở đề nghị: ") for _, text in beside)

        # the officer corrects the report and exports it again: the points are answered and go away
        wizard.session.set_value("fund_status", "not_established")
        wizard.session.set_value("fund_charter", "not_issued")
        assert not wizard.session.errors
        answers.save_to = tmp_path / "bao-cao-sua.docx"
        wizard.export()
        qtbot.waitUntil(lambda: operations.running() == 0 and (tmp_path / "bao-cao-sua.docx").exists(), timeout=20_000)
        qtbot.waitUntil(lambda: not any(p.code == corrections.NOTE_CODE for p in wizard.session.problems), timeout=5000)
        assert not any("Sở đề nghị" in t for t in text_of(wizard.problems.list))
        assert corrections.corrections(commune, draft_id) == []
        main.close_wizard()
        main.close()

    # the corrected report, received, is version 2 and puts the returned report back to «received»
    from kpdesk.department.intake import NEW_VERSION, receive

    (receipt,) = receive(intake.records, [tmp_path / "bao-cao-sua.docx"], received_on=dt.date(2026, 5, 27))
    assert receipt.outcome == NEW_VERSION and receipt.version == 2
    window.refresh()
    assert window.matrix.currentItem().text() == "✓ đúng hạn"


def test_returning_without_the_departments_profile_says_where_to_enter_it(
    qtbot, tmp_path, intake, dept_settings, answers
):
    with intake.store.tx() as c:
        c.execute("UPDATE units SET role = 'commune' WHERE role = 'department'")
    window = make_window(qtbot, intake, dept_settings)
    choose(window, "TH35")
    qtbot.mouseClick(window.panel.return_button, Qt.MouseButton.LeftButton)
    assert any(a.startswith("error: Chưa trả lại được báo cáo.") and "Thông tin của Sở" in a for a in answers.asked)
    assert "chưa có thông tin của Sở" in window.heading.text()
    report = intake.records.find_submission(intake.records.find_unit("TH35"), MONTHLY, window.periods()[-1])
    assert report.state == RECEIVED and not list(tmp_path.glob("*.docx")), "nothing written, nothing changed"


def test_the_matrix_and_the_report_are_used_from_the_keyboard(qtbot, intake, dept_settings, answers, kit):
    window = make_window(qtbot, intake, dept_settings)
    choose(window, "TH35")
    matrix, panel = window.matrix, window.panel
    matrix.setFocus()
    kit.key(matrix, Qt.Key.Key_Left)
    assert panel.heading.text() == "Phường Sầm Sơn — BC-KHCN tháng 4 năm 2026"
    assert panel.state.text().startswith("<b>Chưa gửi — quá hạn 36 ngày</b>") and not panel.actions.isVisibleTo(panel)
    assert window.headline.text().startswith("<b>BC-KHCN tháng 4 năm 2026: 0/42 xã, phường đã gửi")
    kit.key(matrix, Qt.Key.Key_Right)
    kit.key(matrix, Qt.Key.Key_Down)
    assert panel.heading.text() == "Phường Hạc Thành — BC-KHCN tháng 5 năm 2026"
    kit.key(matrix, Qt.Key.Key_Return, "\r")
    assert panel.view_button.hasFocus() or window.focusWidget() is panel.view_button
