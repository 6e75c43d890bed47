"""Receiving a folder (and drops), the matrix in words, the unit list, deadlines, the reminder, the log."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDialog

from kpdesk.department.records import Records
from kpdesk.kinds import get_kind
from kpdesk.store import Store
from ui import operations
from ui.department import receive as receive_module
from ui.department.dialogs import DeadlineDialog, LogDialog
from ui.department.letters import RemindDialog
from ui.department.matrix import StatusMatrix
from ui.department.receive import ReceiveDialog
from ui.department.units import UnitDialog, UnitsDialog
from ui.department.window import DepartmentWindow

MONTHLY = "co-che-tai-chinh-thang"
TODAY = dt.date(2026, 5, 25)


@pytest.fixture
def department(tmp_path, helpers):
    """A department's store with six units and its profile, and a folder of the reports some of them sent."""
    store = Store.open(tmp_path / "so")
    records = Records(store)
    units = helpers.listed_units()[:6]
    records.import_units(units)
    store.save_unit(helpers.department_profile())
    inbox = tmp_path / "hop-thu"
    inbox.mkdir()
    may = helpers.MAY
    for name, draft in (
        ("dung-han.docx", helpers.commune_draft("000", units[0].name, units[0].level, period=may, date="2026-05-15")),
        ("muon.docx", helpers.commune_draft("000", units[1].name, units[1].level, period=may, date="2026-05-22")),
        ("co-loi.docx", helpers.commune_draft("001", units[2].name, units[2].level, period=may, date="2026-05-14")),
        ("go-sai-ten.docx", helpers.commune_draft("000", "Thiệu Trong", "xã", period=may, date="2026-05-15")),
    ):
        helpers._render(draft, inbox / name)
    import docx

    typed = docx.Document()
    typed.add_paragraph("ỦY BAN NHÂN DÂN XÃ THIỆU QUANG — BÁO CÁO THÁNG 5/2026 (gõ trong Word)")
    typed.save(inbox / "go-trong-word.docx")
    (inbox / "hong.docx").write_bytes(b"PK\x03\x04 not a whole zip")
    yield store, records, units, inbox
    operations.wait_all(10_000)
    store.close()


def make_window(qtbot, store, settings) -> DepartmentWindow:
    window = DepartmentWindow(store, settings, today=TODAY)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    return window


def cell(matrix: StatusMatrix, name: str, header: str = "T5/2026") -> str:
    """The text of the matrix cell of the unit (row header) `name` and the period (column header) `header`."""
    rows = [r for r in range(matrix.rowCount()) if matrix.verticalHeaderItem(r).text() == name]
    columns = [c for c in range(matrix.columnCount()) if matrix.horizontalHeaderItem(c).text() == header]
    assert len(rows) == 1 and len(columns) == 1, (name, header)
    return matrix.item(rows[0], columns[0]).text()


def receive_in_dialog(qtbot, kit, day: str):
    """An `exec` for the receive dialog: type the day of receipt, press «Nhận báo cáo», wait for the lines."""
    seen: dict[str, object] = {}

    def drive(dialog: ReceiveDialog) -> int:
        kit.replace_text(dialog.day.edit, day)
        qtbot.mouseClick(dialog.receive_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: operations.running() == 0 and dialog.results.count() > 0, timeout=30_000)
        seen["lines"] = [dialog.results.item(i).text() for i in range(dialog.results.count())]
        seen["summary"] = dialog.summary.text()
        seen["paths"] = dialog.chosen()
        return QDialog.DialogCode.Rejected

    return seen, drive


def test_receiving_a_folder_lists_each_file_and_the_matrix_says_each_state_in_words(
    qtbot, department, dept_settings, answers, kit, monkeypatch
):
    store, records, units, inbox = department
    window = make_window(qtbot, store, dept_settings)
    assert cell(window.matrix, "Xã Thiệu Trung") == "✗ chưa gửi", "overdue on 25/5 before anything is received"
    threads: list[bool] = []
    real = receive_module.receive

    def spy(*args, **kw):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kw)

    monkeypatch.setattr(receive_module, "receive", spy)
    monkeypatch.setattr(receive_module.dialogs, "choose_folder", lambda *a: inbox)
    seen, drive = receive_in_dialog(qtbot, kit, "22/5/2026")
    monkeypatch.setattr(ReceiveDialog, "exec", drive)
    window.receive_folder()
    assert threads and not any(threads), "the intake runs off the UI thread"
    lines = seen["lines"]
    assert len(lines) == 6 and all(": " in line for line in lines)
    by_file = {line.split(":", 1)[0]: line for line in lines}
    assert "đã nhận — báo cáo tháng 5 năm 2026 của xã Thiệu Trung, bản 1" in by_file["dung-han.docx"]
    assert "2 lỗi" in by_file["co-loi.docx"]
    assert "không có trong danh sách đơn vị; có phải xã Thiệu Trung" in by_file["go-sai-ten.docx"]
    assert "không phải báo cáo kpdesk" in by_file["go-trong-word.docx"]
    # the next step is named by the window's own buttons and tabs, never by a command to type
    assert "«Ghép với đơn vị…»" in by_file["go-sai-ten.docx"] and "«Tệp chờ nhập tay»" in by_file["go-trong-word.docx"]
    assert not any("kpdesk department" in line for line in lines)
    assert "không nhận — tệp hỏng" in by_file["hong.docx"]
    assert seen["summary"].startswith("6 tệp — đã nhận: 4")

    matrix = window.matrix
    assert cell(matrix, "Xã Thiệu Trung") == "✓ đúng hạn"
    assert cell(matrix, "Xã Thiệu Hóa") == "muộn 3"
    assert cell(matrix, "Xã Thiệu Toán") == "✓ đúng hạn ✖", "errors have their own mark"
    assert cell(matrix, "Xã Thiệu Tiến") == "✗ chưa gửi"
    assert cell(matrix, "Xã Thiệu Trong (ngoài danh sách)") == "✓ đúng hạn"
    assert cell(matrix, "Xã Thiệu Trung", "T4/2026") == "✗ chưa gửi" and matrix.columnCount() == 12
    headline = window.headline.text()
    assert (
        "3/6 xã, phường đã gửi; 1 gửi muộn; 3 quá hạn chưa gửi; 1 có lỗi; 1 nơi gửi chưa có trong danh sách" in headline
    )
    assert window.tabs.tabText(window.FILES_TAB) == "Tệp chờ nhập tay (1)"
    assert "đã nhận: 4" in window.statusBar().currentMessage()
    # the colour is never the only sign: every cell has words, every state its tooltip
    row = next(r for r in range(matrix.rowCount()) if matrix.verticalHeaderItem(r).text() == "Xã Thiệu Hóa")
    item = matrix.item(row, matrix.columnCount() - 1)
    assert "Muộn 3 ngày" in item.toolTip() and "Hạn gửi: trước ngày 20/5/2026" in item.toolTip()
    # the same folder again: every report is a duplicate, nothing is counted twice
    window.receive([inbox])
    assert sum("trùng, bỏ qua" in line for line in seen["lines"]) == 5
    assert len(records.submissions(MONTHLY)) == 4


def test_files_and_folders_dropped_on_the_window_are_received(
    qtbot, department, dept_settings, answers, kit, monkeypatch
):
    store, records, units, inbox = department
    window = make_window(qtbot, store, dept_settings)
    seen, drive = receive_in_dialog(qtbot, kit, "18/5/2026")
    monkeypatch.setattr(ReceiveDialog, "exec", drive)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(inbox / "dung-han.docx")), QUrl.fromLocalFile(str(inbox / "co-loi.docx"))])
    event = QDropEvent(
        QPointF(300, 300), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    window.dropEvent(event)
    assert seen["paths"] == [], "the dropped files were received (the list of files to receive is emptied)"
    assert len(seen["lines"]) == 2 and all("đã nhận" in line for line in seen["lines"])
    assert cell(window.matrix, "Xã Thiệu Trung") == "✓ đúng hạn"
    # something that is not a local file is not taken
    other = QMimeData()
    other.setText("văn bản")
    assert (
        receive_module.dropped_paths(
            QDropEvent(
                QPointF(1, 1),
                Qt.DropAction.CopyAction,
                other,
                Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier,
            )
        )
        == []
    )


def test_a_bad_day_of_receipt_is_refused_with_what_to_type(qtbot, department, dept_settings, answers, kit):
    store, records, units, inbox = department
    dialog = ReceiveDialog(records, None, paths=[inbox], today=TODAY)
    qtbot.addWidget(dialog)
    kit.replace_text(dialog.day.edit, "32/5/2026")
    qtbot.mouseClick(dialog.receive_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisibleTo(dialog) and "Ngày nhận" in dialog.error.text()
    assert operations.running() == 0 and records.submissions() == [], "nothing was received"


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_the_unit_list_is_imported_from_csv_and_edited_with_its_validity_dates(
    qtbot, tmp_path, store, dept_settings, answers, kit, monkeypatch
):
    window = make_window(qtbot, store, dept_settings)
    assert "Chưa có danh sách đơn vị" in window.empty.text() and not window.matrix.isVisibleTo(window)
    records = window.records
    dialog = UnitsDialog(records, window, settings=dept_settings)
    qtbot.addWidget(dialog)
    assert dialog.empty.isVisibleTo(dialog)
    # a list with a mistake: nothing is imported, the rows to correct are named
    answers.open_from = write_csv(tmp_path / "sai.csv", "Mã,Tên,Cấp\nTH01,Thiệu Trung,xã\nTH02,Thiệu Hóa,huyện\n")
    dialog.import_file()
    qtbot.waitUntil(lambda: operations.running() == 0, timeout=5000)
    assert any(a.startswith("error:") and "Dòng 3" in a and "«Cấp»" in a for a in answers.asked)
    assert records.units() == []
    answers.open_from = write_csv(
        tmp_path / "ds.csv",
        "Mã,Tên,Cấp,Thư điện tử,Hiệu lực đến\n"
        "TH01,Thiệu Trung,xã,ubnd01@thanhhoa.gov.vn,\nTH02,Thiệu Hóa,xã,,30/6/2025\n"
        "TH03,Hạc Thành,phường,,\n",
    )
    dialog.import_file()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 3, timeout=5000)
    assert any("Đã nhập danh sách đơn vị: thêm 3" in a for a in answers.asked)
    assert dialog.table.item(1, 6).text() == "30/6/2025" and dialog.count.text() == "3 đơn vị"

    def add(unit_dialog: UnitDialog) -> int:
        assert unit_dialog.code.hasFocus() or not unit_dialog.isVisible()
        kit.type_keys(unit_dialog.code, "TH04")
        kit.type_keys(unit_dialog.name, "Quảng Phú")
        kit.type_keys(unit_dialog.email.edit, "ubnd04@")
        qtbot.mouseClick(unit_dialog.save_button, Qt.MouseButton.LeftButton)
        assert "Thư điện tử" in unit_dialog.error.text(), unit_dialog.error.text()
        kit.replace_text(unit_dialog.email.edit, "ubnd04@thanhhoa.gov.vn")
        kit.type_keys(unit_dialog.valid_from.edit, "1/7/2025")
        qtbot.mouseClick(unit_dialog.save_button, Qt.MouseButton.LeftButton)
        return unit_dialog.result()

    monkeypatch.setattr(UnitDialog, "exec", add)
    dialog.add()
    added = records.find_unit("TH04")
    assert (added.name, added.level, added.email, added.valid_from) == (
        "Quảng Phú",
        "xã",
        "ubnd04@thanhhoa.gov.vn",
        dt.date(2025, 7, 1),
    )
    assert dialog.current().code == "TH04"

    def edit(unit_dialog: UnitDialog) -> int:
        assert unit_dialog.code.isReadOnly() and unit_dialog.code.text() == "TH04"
        unit_dialog.level.setCurrentText("phường")
        kit.replace_text(unit_dialog.valid_until.edit, "1/1/2025")  # before it starts: refused
        qtbot.mouseClick(unit_dialog.save_button, Qt.MouseButton.LeftButton)
        assert "ở trước ngày có hiệu lực" in unit_dialog.error.text()
        kit.replace_text(unit_dialog.valid_until.edit, "")
        qtbot.mouseClick(unit_dialog.save_button, Qt.MouseButton.LeftButton)
        return unit_dialog.result()

    monkeypatch.setattr(UnitDialog, "exec", edit)
    dialog.edit()
    assert records.find_unit("TH04").level == "phường" and len(records.units()) == 4
    # the window lists the units expected in May 2026: Thiệu Hóa was merged away on 30/6/2025
    monkeypatch.setattr(UnitsDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    window.refresh()
    names = [window.matrix.verticalHeaderItem(r).text() for r in range(window.matrix.rowCount())]
    assert names == ["Xã Thiệu Trung", "Xã Thiệu Hóa", "Phường Hạc Thành", "Phường Quảng Phú"]
    assert cell(window.matrix, "Xã Thiệu Hóa") == "—" and cell(window.matrix, "Xã Thiệu Hóa", "T6/2025") == "✗ chưa gửi"


def test_a_deadline_set_by_the_department_decides_late_and_on_time(
    qtbot, department, dept_settings, answers, kit, monkeypatch
):
    store, records, units, inbox = department
    window = make_window(qtbot, store, dept_settings)
    seen, drive = receive_in_dialog(qtbot, kit, "22/5/2026")
    monkeypatch.setattr(ReceiveDialog, "exec", drive)
    window.receive([inbox])
    assert cell(window.matrix, "Xã Thiệu Hóa") == "muộn 3"

    def set_day(dialog: DeadlineDialog) -> int:
        assert dialog.chosen().label == "tháng 5 năm 2026"
        assert dialog.now.text() == "trước ngày 20/5/2026 (theo mẫu báo cáo)"
        assert not dialog.clear_button.isEnabled()
        qtbot.mouseClick(dialog.set_button, Qt.MouseButton.LeftButton)  # no day typed
        assert "Chưa ghi ngày hạn mới" in dialog.error.text()
        kit.type_keys(dialog.day.edit, "25/5/2026")
        qtbot.mouseClick(dialog.set_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(DeadlineDialog, "exec", set_day)
    window.set_deadline()
    assert cell(window.matrix, "Xã Thiệu Hóa") == "✓ đúng hạn"
    assert "(hạn gửi: ngày 25/5/2026)" in window.headline.text()
    assert records.deadlines(MONTHLY) == {"2026-05": dt.date(2026, 5, 25)}

    def clear(dialog: DeadlineDialog) -> int:
        assert dialog.now.text() == "hạn ngày 25/5/2026 (Sở đặt)" and dialog.clear_button.isEnabled()
        qtbot.mouseClick(dialog.clear_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(DeadlineDialog, "exec", clear)
    window.set_deadline()
    assert cell(window.matrix, "Xã Thiệu Hóa") == "muộn 3" and records.deadlines(MONTHLY) == {}


def test_the_reminder_names_the_missing_units_and_is_written_off_the_ui_thread(
    qtbot, tmp_path, department, dept_settings, answers, kit, monkeypatch
):
    store, records, units, inbox = department
    window = make_window(qtbot, store, dept_settings)
    answers.save_to = tmp_path / "don-doc.docx"

    def write(dialog: RemindDialog) -> int:
        missing = [dialog.missing.item(i).text() for i in range(dialog.missing.count())]
        assert len(missing) == 6 and missing[0].startswith("Xã Thiệu Trung (mã TH01) — quá hạn 6 ngày")
        kit.type_keys(dialog.number, "216")
        qtbot.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: operations.running() == 0 and dialog.result() != 0, timeout=15_000)
        return dialog.result()

    monkeypatch.setattr(RemindDialog, "exec", write)
    window.remind()
    assert (tmp_path / "don-doc.docx").exists()
    assert any("Đã ghi công văn đôn đốc 6 đơn vị" in a for a in answers.asked)
    from kpdesk.render.plain import docx_text_lines

    text = " ".join(docx_text_lines(tmp_path / "don-doc.docx"))
    assert "Số: 216/SKHCN-QLKH" in text and "Ủy ban nhân dân xã Thiệu Trung" in text
    # the log shows it, newest first
    entries: list[str] = []
    monkeypatch.setattr(
        LogDialog, "exec", lambda self: entries.extend(self.list.item(i).text() for i in range(self.list.count())) or 0
    )
    window.show_log()
    assert "đôn đốc" in entries[0] and "BC-KHCN 2026-05: 6 đơn vị" in entries[0]


def test_without_a_unit_missing_no_reminder_is_written_and_the_core_says_why(
    qtbot, store, dept_settings, answers, helpers
):
    store.save_unit(helpers.department_profile())
    window = make_window(qtbot, store, dept_settings)
    window.remind()
    # no unit on the list: nobody can be missing, and the core says to import the list (not "everyone sent")
    assert any(a.startswith("error: Chưa đôn đốc được.") and "Chưa có danh sách đơn vị" in a for a in answers.asked)


def test_the_matrix_of_a_half_year_kind_has_half_year_columns(qtbot, department, dept_settings, answers):
    store, records, units, inbox = department
    window = make_window(qtbot, store, dept_settings)
    kinds = [window.kind_combo.itemData(i) for i in range(window.kind_combo.count())]
    assert "tra-lai-bao-cao" not in kinds and "don-doc-bao-cao" not in kinds, "the department's own letters"
    assert {"co-che-tai-chinh-thang", "quan-ly-khcn-6-thang", "ke-hoach-khcn-nam"} <= set(kinds)
    window.kind_combo.setCurrentIndex(window.kind_combo.findData("quan-ly-khcn-6-thang"))
    assert window.type_combo.isVisibleTo(window) and window.type_combo.count() == 2
    headers = [window.matrix.horizontalHeaderItem(c).text() for c in range(window.matrix.columnCount())]
    assert headers[-1] == "6 tháng đầu\n2026" and headers[-2] == "6 tháng cuối\n2025" and len(headers) == 12
    assert (
        "chưa đặt hạn gửi" in window.headline.text()
        and cell(window.matrix, "Xã Thiệu Trung", "6 tháng đầu\n2026") == "○ chưa gửi"
    )
    window.type_combo.setCurrentIndex(1)
    assert window.matrix.horizontalHeaderItem(11).text() == "Năm\n2026"
    assert get_kind("quan-ly-khcn-6-thang").id == dept_settings.q.value("department/kind")


def test_without_a_deadline_a_received_report_reads_received_and_a_full_period_needs_no_reminder(
    qtbot, department, dept_settings, answers, kit, monkeypatch, helpers
):
    """A half-year report before the department set its date is «✓ đã nhận» (nothing to be on time for); when
    every unit sent, «Đôn đốc…» says so as news, not as a failure."""
    store, records, units, inbox = department
    half = inbox.parent / "nua-nam"
    half.mkdir()
    first_half = {"type": "half", "year": 2026, "half": 1}
    for unit in units:
        helpers._render(
            helpers.commune_draft("002", unit.name, unit.level, period=first_half, date="2026-06-25"),
            half / f"{unit.code}.docx",
        )
    window = make_window(qtbot, store, dept_settings)
    window.kind_combo.setCurrentIndex(window.kind_combo.findData("quan-ly-khcn-6-thang"))
    seen, drive = receive_in_dialog(qtbot, kit, "26/6/2026")
    monkeypatch.setattr(ReceiveDialog, "exec", drive)
    window.receive([half])
    assert cell(window.matrix, "Xã Thiệu Trung", "6 tháng đầu\n2026").startswith("✓ đã nhận")
    answers.asked.clear()
    window.remind()
    assert len(answers.asked) == 1 and "không cần đôn đốc" in answers.asked[0]
    assert not answers.asked[0].startswith("error:")
