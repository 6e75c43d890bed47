"""The main window: first run, the list (search, filters, duplicate, bin with undo, history), files, survival."""

from __future__ import annotations

import threading
from dataclasses import replace
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from kpdesk import draft as drafts
from kpdesk.kinds import get_kind
from kpdesk.store import Store
from ui import operations
from ui.draft_dialogs import HistoryDialog, NewReport, NewReportDialog
from ui.main_window import MainWindow
from ui.profile import ProfileDialog


def make_window(qtbot, store, settings, kit) -> MainWindow:
    window = MainWindow(store, settings, today=kit.TODAY)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    return window


def add_examples(store, kit) -> dict[str, int]:
    example = drafts.load(kit.EXAMPLES[0])
    unit_id = store.save_unit(kit.profile_for(example))
    return {p.stem: store.add_draft(drafts.load(p), unit_id if drafts.load(p).unit == example.unit else None)
            for p in kit.EXAMPLES}


def test_first_run_asks_for_the_unit_profile_and_refuses_mistakes(qtbot, store, settings, answers, kit, monkeypatch):
    seen: list[str] = []

    def drive(dialog: ProfileDialog) -> int:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # nothing typed yet
        seen.append(dialog.error.text())
        assert dialog.tabs.currentIndex() == 0 and dialog.name.hasFocus() or dialog.focusWidget() is dialog.name
        kit.type_keys(dialog.name, "Thiệu Trung")
        kit.type_keys(dialog.province, "Thanh Hóa")
        kit.type_keys(dialog.office_symbol, "vhxh")
        dialog.tabs.setCurrentIndex(1)
        kit.type_keys(dialog.contact_name, "Nghiêm Duy Cương")
        kit.type_keys(dialog.contact_phone.edit, "0982 74")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        seen.append(dialog.error.text())
        assert dialog.tabs.currentIndex() == 1, "the tab of the wrong field is shown"
        kit.replace_text(dialog.contact_phone.edit, "0982741345")
        assert "0982 741 345" in dialog.contact_phone.note.text()
        dialog.tabs.setCurrentIndex(2)
        qtbot.mouseClick(dialog.signers.add_button, Qt.MouseButton.LeftButton)
        card = dialog.signers.cards[0]
        kit.type_keys(card.editors["name"].edit, "Trần Ngọc Tùng")
        kit.type_keys(card.editors["position"].edit, "PHÓ CHỦ TỊCH")
        kit.type_keys(card.editors["authority"].edit, "KT. CHỦ TỊCH")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(ProfileDialog, "exec", drive)
    window = make_window(qtbot, store, settings, kit)
    assert window.ensure_profile()
    assert "Tên xã/phường" in seen[0], "the message names the field to fill"
    assert "Số điện thoại" in seen[1]
    [unit] = store.units()
    assert (unit.name, unit.province, unit.office_symbol, unit.contact_phone) == \
        ("Thiệu Trung", "Thanh Hóa", "VHXH", "0982741345")
    assert [(s.name, s.position, s.authority, s.is_default) for s in unit.signers] == \
        [("Trần Ngọc Tùng", "PHÓ CHỦ TỊCH", ("KT. CHỦ TỊCH",), True)]
    assert "xã Thiệu Trung" in window.list_page.heading.text()

    # editable later from the settings menu: the dialog opens with what was saved
    def look(dialog: ProfileDialog) -> int:
        assert dialog.name.text() == "Thiệu Trung" and len(dialog.signers.cards) == 1
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(ProfileDialog, "exec", look)
    assert not window.edit_profile()


def test_a_draft_survives_closing_and_reopening_the_window(qtbot, store, settings, answers, kit, tmp_path):
    ids = add_examples(store, kit)
    draft_id = ids[kit.EXAMPLES[0].stem]
    window = make_window(qtbot, store, settings, kit)
    window.list_page.select(draft_id)
    window.list_page.table.setFocus()
    kit.key(window.list_page.table, Qt.Key.Key_Return)
    wizard = window.wizard
    assert wizard is not None
    wizard.go_step(wizard.step_for("kien_nghi"))
    step = wizard.steps[wizard.current()]
    closing = step.rows["closing"].editor
    kit.replace_text(closing.edit, "Câu kết mới, gõ ngay trước khi đóng cửa sổ")
    assert wizard.session.dirty, "not yet written: the autosave waits for a pause in typing"
    window.close()  # at once, before the autosave timer fires
    assert store.load(draft_id).draft.values["closing"] == "Câu kết mới, gõ ngay trước khi đóng cửa sổ"

    # the window state is remembered; a new window opens the draft with the text
    again = make_window(qtbot, store, settings, kit)
    assert settings.q.value("windows/main/geometry") is not None
    again.open_draft(draft_id)
    step = again.wizard.steps[again.wizard.step_for("kien_nghi")]
    assert step.rows["closing"].editor.edit.toPlainText() == "Câu kết mới, gõ ngay trước khi đóng cửa sổ"


def test_text_that_cannot_be_read_yet_survives_closing_and_reopening(qtbot, store, settings, answers, kit):
    """"2,5 tỷ rưỡi" half-typed in an amount, a table cell and the signing date: after a restart the same text is
    back in the same boxes, still flagged, still blocking the export."""
    ids = add_examples(store, kit)
    draft_id = ids[kit.EXAMPLES[2].stem]          # 002: a table of models with areas
    window = make_window(qtbot, store, settings, kit)
    window.open_draft(draft_id)
    wizard = window.wizard
    models_step = wizard.steps[wizard.step_for(wizard.kind.section_of("models").id)]
    wizard.go_step(wizard.steps.index(models_step))
    models = models_step.rows["models"].editor
    kit.replace_text(models.cards[1].editors["area"].edit, "2,5 ha rưỡi")
    # moving the row carries the text with it (it used to come back empty)
    qtbot.mouseClick(models.cards[1].up, Qt.MouseButton.LeftButton)
    assert models.cards[0].editors["area"].edit.text() == "2,5 ha rưỡi"
    doc = wizard.steps[wizard.step_for("_document")]
    wizard.go_step(wizard.steps.index(doc))
    kit.replace_text(doc.date.edit, "31/6/2022")
    window.close()  # at once, before the autosave timer fires

    saved = store.load(draft_id).draft
    assert saved.inputs == {"models.1.area": "2,5 ha rưỡi", "_date": "31/6/2022"}

    again = make_window(qtbot, store, settings, kit)
    again.open_draft(draft_id)
    wizard = again.wizard
    step = wizard.steps[wizard.step_for(wizard.kind.section_of("models").id)]
    cell = step.rows["models"].editor.cards[0].editors["area"]
    assert cell.edit.text() == "2,5 ha rưỡi" and cell.note.text().startswith("✖")
    doc = wizard.steps[wizard.step_for("_document")]
    assert doc.date.edit.text() == "31/6/2022" and doc.date.note.text().startswith("✖")
    assert doc.rows["_date"].messages.messages() == (), "the why is said once, under the box"
    unread = [p for p in wizard.session.problems if p.code == "input.unreadable"]
    assert [(p.field, p.row) for p in unread] == [("_date", None), ("models", 1)]
    assert not wizard.session.dirty, "opening shows the draft without saving anything"
    wizard.export()
    assert answers.asked and "chưa xuất được" in answers.asked[-1]

    # correcting the text clears it from the draft
    kit.replace_text(cell.edit, "2,5")
    kit.replace_text(doc.date.edit, "30/6/2022")
    again.close()
    assert store.load(draft_id).draft.inputs == {}


def test_typing_in_one_cell_keeps_the_unread_text_of_another(qtbot, store, settings, answers, kit):
    """A table with one cell still unreadable: typing in another cell saves the table and keeps that text."""
    ids = add_examples(store, kit)
    draft_id = ids[kit.EXAMPLES[2].stem]
    window = make_window(qtbot, store, settings, kit)
    window.open_draft(draft_id)
    wizard = window.wizard
    step = wizard.steps[wizard.step_for(wizard.kind.section_of("models").id)]
    models = step.rows["models"].editor
    kit.replace_text(models.cards[0].editors["area"].edit, "ba ha")
    assert wizard.save_now()
    kit.replace_text(models.cards[1].editors["area"].edit, "7,5")
    assert wizard.save_now()
    saved = store.load(draft_id).draft
    assert saved.inputs == {"models.1.area": "ba ha"}
    assert saved.values["models"][1]["area"] == Decimal("7.5")
    window.close()


def test_autosave_reaches_the_disk_within_a_second_without_closing(qtbot, store, settings, answers, kit, tmp_path):
    ids = add_examples(store, kit)
    draft_id = ids[kit.EXAMPLES[0].stem]
    window = make_window(qtbot, store, settings, kit)
    window.open_draft(draft_id)
    wizard = window.wizard
    wizard.go_step(wizard.step_for("tinh_hinh"))
    step = wizard.steps[wizard.current()]
    kit.replace_text(step.rows["budget_total"].editor.edit, "2,382 tỷ")
    qtbot.wait(1000)
    # as after a power cut: another connection reads what is on disk
    with Store.open(store.data_dir, daily_backup=False) as other:
        assert other.load(draft_id).draft.values["budget_total"] == 2_382_000_000
    assert wizard.save_status.text().startswith("Đã lưu lúc ")
    # a burst of typing makes one revision, not one per pause
    before = len(store.revisions(draft_id))
    for text in ("2,3 tỷ", "2,38 tỷ", "2,382 tỷ"):
        kit.replace_text(step.rows["budget_total"].editor.edit, text)
        qtbot.wait(500)
    assert len(store.revisions(draft_id)) == before


def test_a_report_from_the_previous_period_is_made_in_one_step_in_the_form_chosen(qtbot, store, settings, answers, kit,
                                                                                monkeypatch):
    ids = add_examples(store, kit)
    previous = store.info(ids[kit.EXAMPLES[0].stem])          # a báo cáo of April 2026
    kind = get_kind(previous.kind)
    monkeypatch.setattr(NewReportDialog, "exec", lambda dialog: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(NewReportDialog, "result_value", lambda dialog: NewReport(
        kind, previous.period.next(), "cong_van", "Tháng 5, gửi Sở", previous))
    window = make_window(qtbot, store, settings, kit)
    window.new_report()
    wizard = window.wizard
    assert wizard is not None and not wizard.session.dirty
    new = store.load(window.draft_id)
    assert (new.draft.form, new.draft.title, new.draft.period) == ("cong_van", "Tháng 5, gửi Sở",
                                                                   previous.period.next())
    assert [r.source for r in store.revision_list(new.info.id)] == ["previous"], "made once, not saved again"
    window.close()


def test_list_search_filters_duplicate_and_the_bin_with_undo(qtbot, store, settings, answers, kit):
    ids = add_examples(store, kit)
    window = make_window(qtbot, store, settings, kit)
    window.show_drafts()  # the window opens on «Việc cần làm»; the list is one click away
    page = window.list_page
    assert page.table.rowCount() == len(ids)
    kit.type_keys(page.search, "so ket trieu son")  # without diacritics
    found = store.list_drafts(text="so ket trieu son")
    assert 0 < len(found) < len(ids)
    qtbot.waitUntil(lambda: page.table.rowCount() == len(found), timeout=2000)
    assert any("Triệu Sơn" in page.table.item(r, 0).toolTip() for r in range(page.table.rowCount()))
    page.search.clear()
    qtbot.waitUntil(lambda: page.table.rowCount() == len(ids), timeout=2000)
    page.kind_filter.setCurrentIndex(page.kind_filter.findData("co-che-tai-chinh-thang"))
    assert page.table.rowCount() == 2
    page.kind_filter.setCurrentIndex(0)

    first = kit.EXAMPLES[0].stem
    page.select(ids[first])
    qtbot.mouseClick(page.buttons["duplicate"], Qt.MouseButton.LeftButton)
    assert page.table.rowCount() == len(ids) + 1
    assert "(bản sao)" in page.current_info().title

    page.select(ids[first])
    page.table.setFocus()
    kit.key(page.table, Qt.Key.Key_Delete)
    assert page.table.rowCount() == len(ids)
    assert window.undo_button.isVisible() and "thùng rác" in window.undo_label.text()
    qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
    assert page.table.rowCount() == len(ids) + 1 and page.current_id() == ids[first]

    qtbot.mouseClick(page.buttons["delete"], Qt.MouseButton.LeftButton)
    page.bin.setChecked(True)
    assert page.table.rowCount() == 1 and page.buttons["undelete"].isVisible()
    qtbot.mouseClick(page.buttons["undelete"], Qt.MouseButton.LeftButton)
    assert not page.bin.isChecked() and page.table.rowCount() == len(ids) + 1


def test_history_restores_an_earlier_version(qtbot, store, settings, answers, kit, monkeypatch):
    ids = add_examples(store, kit)
    draft_id = ids[kit.EXAMPLES[0].stem]
    original = store.load(draft_id).draft
    store.save(draft_id, replace(original, values={**original.values, "closing": "Bản sửa sau"}))
    window = make_window(qtbot, store, settings, kit)
    window.list_page.select(draft_id)

    def drive(dialog: HistoryDialog) -> int:
        assert dialog.list.count() == 2
        assert "Bản sửa sau" in dialog.preview.toPlainText()
        dialog.list.setCurrentRow(1)  # the first version
        assert "Bản sửa sau" not in dialog.preview.toPlainText()
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(HistoryDialog, "exec", drive)
    qtbot.mouseClick(window.list_page.buttons["history"], Qt.MouseButton.LeftButton)
    assert store.load(draft_id).draft.values["closing"] == original.values["closing"]
    assert len(store.revisions(draft_id)) == 3


def test_import_and_backup_run_off_the_ui_thread(qtbot, store, settings, answers, kit, monkeypatch):
    window = make_window(qtbot, store, settings, kit)
    threads: list[bool] = []
    real_import, real_backup = store.import_file, store.backup

    def import_file(path, unit_id=None):
        threads.append(threading.current_thread() is threading.main_thread())
        return real_import(path, unit_id)

    def backup(reason="manual"):
        threads.append(threading.current_thread() is threading.main_thread())
        return real_backup(reason)

    monkeypatch.setattr(store, "import_file", import_file)
    monkeypatch.setattr(store, "backup", backup)
    answers.open_from = kit.EXAMPLES[0]
    window.import_file()
    qtbot.waitUntil(lambda: operations.running() == 0 and window.list_page.table.rowCount() == 1, timeout=5000)
    window.backup()
    qtbot.waitUntil(lambda: any(a.startswith("Đã sao lưu") for a in answers.asked), timeout=5000)
    assert threads == [False, False]
    assert store.backups()
    # a file that is not a draft: the store's message is shown, the window stays
    bad = kit.EXAMPLES[0].parent.parent / "README.md"
    answers.open_from = bad
    window.import_file()
    qtbot.waitUntil(lambda: operations.running() == 0, timeout=5000)
    assert any(a.startswith("error:") and "README.md" in a for a in answers.asked)


def test_a_signer_edited_in_the_profile_is_offered_at_once_in_the_open_draft(qtbot, store, settings, answers, kit,
                                                                            monkeypatch):
    ids = add_examples(store, kit)
    window = make_window(qtbot, store, settings, kit)
    window.open_draft(ids[kit.EXAMPLES[0].stem])
    doc = window.wizard.steps[0]
    signer = window.wizard.session.draft.signer
    assert doc.signer_combo.currentText().startswith(signer.name)

    def rename(dialog: ProfileDialog) -> int:  # «Nguyễn Văn An» was a slip for «Nguyễn Văn Anh»
        card = next(c for c in dialog.signers.cards if c.editors["name"].edit.text() == "Nguyễn Văn An")
        kit.replace_text(card.editors["name"].edit, "Nguyễn Văn Anh")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(ProfileDialog, "exec", rename)
    assert window.edit_profile()
    names = [doc.signer_combo.itemText(i) for i in range(doc.signer_combo.count())]
    assert any(n.startswith("Nguyễn Văn Anh — ") for n in names) and not any(n.startswith("Nguyễn Văn An — ")
                                                                             for n in names)
    assert doc.signer_combo.currentText().startswith(signer.name), "the draft's own signer is still the one shown"
    assert window.wizard.session.draft.signer == signer, "editing the profile does not change the draft"
    doc.signer_combo.setFocus()
    index = next(i for i, n in enumerate(names) if n.startswith("Nguyễn Văn Anh"))
    doc.signer_combo.setCurrentIndex(index)
    doc.signer_combo.activated.emit(index)  # as a choice from the list
    assert window.wizard.session.draft.signer.name == "Nguyễn Văn Anh"
    window.close()
