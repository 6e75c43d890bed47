"""The main window: first run, the list (search, filters, duplicate, bin with undo, history), files, survival."""

from __future__ import annotations

import threading
from dataclasses import replace
from decimal import Decimal

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QDialog

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
    return {
        p.stem: store.add_draft(drafts.load(p), unit_id if drafts.load(p).unit == example.unit else None)
        for p in kit.EXAMPLES
    }


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
    assert (unit.name, unit.province, unit.office_symbol, unit.contact_phone) == (
        "Thiệu Trung",
        "Thanh Hóa",
        "VHXH",
        "0982741345",
    )
    assert [(s.name, s.position, s.authority, s.is_default) for s in unit.signers] == [
        ("Trần Ngọc Tùng", "PHÓ CHỦ TỊCH", ("KT. CHỦ TỊCH",), True)
    ]
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
    """ "2,5 tỷ rưỡi" half-typed in an amount, a table cell and the signing date: after a restart the same text is
    back in the same boxes, still flagged, still blocking the export."""
    ids = add_examples(store, kit)
    draft_id = ids[kit.EXAMPLES[2].stem]  # 002: a table of models with areas
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


def test_a_report_from_the_previous_period_is_made_in_one_step_in_the_form_chosen(
    qtbot, store, settings, answers, kit, monkeypatch
):
    ids = add_examples(store, kit)
    previous = store.info(ids[kit.EXAMPLES[0].stem])  # a báo cáo of April 2026
    kind = get_kind(previous.kind)
    monkeypatch.setattr(NewReportDialog, "exec", lambda dialog: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(
        NewReportDialog,
        "result_value",
        lambda dialog: NewReport(kind, previous.period.next(), "cong_van", "Tháng 5, gửi Sở", previous),
    )
    window = make_window(qtbot, store, settings, kit)
    window.new_report()
    wizard = window.wizard
    assert wizard is not None and not wizard.session.dirty
    new = store.load(window.draft_id)
    assert (new.draft.form, new.draft.title, new.draft.period) == (
        "cong_van",
        "Tháng 5, gửi Sở",
        previous.period.next(),
    )
    assert [r.source for r in store.revision_list(new.info.id)] == ["previous"], "made once, not saved again"
    window.close()


def test_a_new_report_offers_the_kinds_that_still_load_and_says_which_do_not(
    qtbot, store, settings, answers, kit, monkeypatch
):
    """The lists come from the kinds' summaries; the dialog gets the full kinds, read when it opens. A kind whose
    files broke in between is left out of the dialog and named in the status bar with what to do."""
    import ui.main_window
    from kpdesk.errors import KindError

    add_examples(store, kit)
    window = make_window(qtbot, store, settings, kit)
    broken = "ke-hoach-khcn-nam"
    assert broken in {k.id for k in window.kinds}

    def get_kind_now(kind_id, version=None):
        if kind_id == broken:
            raise KindError("Mẫu «ke-hoach-khcn-nam» hỏng: thiếu khóa «name».")
        return get_kind(kind_id, version)

    offered: list[str] = []

    def exec_(dialog):
        offered.extend(k.id for k in dialog.kinds)
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(ui.main_window, "get_kind", get_kind_now)
    monkeypatch.setattr(NewReportDialog, "exec", exec_)
    window.new_report()
    assert offered and broken not in offered and set(offered) <= {k.id for k in window.kinds}
    said = window.statusBar().currentMessage()
    assert f"«{broken}» bị bỏ qua vì không dùng được" in said and "thiếu khóa «name»" in said and "Hãy sửa" in said
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


def test_the_draft_acted_on_is_the_selected_row_else_the_current_one(qtbot, store, settings, answers, kit):
    add_examples(store, kit)
    window = make_window(qtbot, store, settings, kit)
    window.show_drafts()
    page, table = window.list_page, window.list_page.table
    assert table.rowCount() >= 3
    flags = QItemSelectionModel.SelectionFlag
    table.selectRow(1)
    table.selectionModel().setCurrentIndex(table.model().index(2, 0), flags.NoUpdate)  # current, not selected
    assert table.currentRow() == 2 and page.current_info() == page.infos[1]
    table.clearSelection()
    assert page.current_info() == page.infos[2]
    window.close()


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

    def import_file(path, unit_id=None, **kw):
        threads.append(threading.current_thread() is threading.main_thread())
        return real_import(path, unit_id, **kw)

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


def test_a_signer_edited_in_the_profile_is_offered_at_once_in_the_open_draft(
    qtbot, store, settings, answers, kit, monkeypatch
):
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
    assert any(n.startswith("Nguyễn Văn Anh — ") for n in names) and not any(
        n.startswith("Nguyễn Văn An — ") for n in names
    )
    assert doc.signer_combo.currentText().startswith(signer.name), "the draft's own signer is still the one shown"
    assert window.wizard.session.draft.signer == signer, "editing the profile does not change the draft"
    doc.signer_combo.setFocus()
    index = next(i for i, n in enumerate(names) if n.startswith("Nguyễn Văn Anh"))
    doc.signer_combo.setCurrentIndex(index)
    doc.signer_combo.activated.emit(index)  # as a choice from the list
    assert window.wizard.session.draft.signer.name == "Nguyễn Văn Anh"
    window.close()


def test_enter_opens_the_selected_draft_as_soon_as_the_list_is_chosen(qtbot, store, settings, answers, kit):
    """Enter on the list did nothing until a row was clicked: choosing the list's tab gives the keyboard to the list,
    its first row selected."""
    ids = add_examples(store, kit)
    window = make_window(qtbot, store, settings, kit)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    assert window.views.currentIndex() == window.views.HOME
    bar = window.views.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(window.views.DRAFTS).center())
    page = window.list_page
    assert QApplication.focusWidget() is page.table and page.table.currentRow() == 0
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert window.wizard is not None and window.draft_id == page.infos[0].id
    assert window.draft_id in ids.values()
    window.close()


def test_restoring_a_deleted_draft_from_the_bin_takes_the_undo_offer_away(qtbot, store, settings, answers, kit):
    ids = add_examples(store, kit)
    window = make_window(qtbot, store, settings, kit)
    window.show_drafts()
    page = window.list_page
    page.select(ids[kit.EXAMPLES[0].stem])
    qtbot.mouseClick(page.buttons["delete"], Qt.MouseButton.LeftButton)
    assert window.undo_button.isVisible()
    page.bin.setChecked(True)
    page.select(ids[kit.EXAMPLES[0].stem])
    qtbot.mouseClick(page.buttons["undelete"], Qt.MouseButton.LeftButton)
    assert not store.info(ids[kit.EXAMPLES[0].stem]).deleted
    assert not window.undo_button.isVisible() and not window.undo_label.isVisible(), "nothing is left to undo"
    assert window.statusBar().currentMessage() == "Đã khôi phục bản nháp."

    # restored by opening it from the bin: the same, and Ctrl+Z has nothing left to undo
    page.bin.setChecked(False)
    page.select(ids[kit.EXAMPLES[0].stem])
    qtbot.mouseClick(page.buttons["delete"], Qt.MouseButton.LeftButton)
    assert window.undo_button.isVisible()
    page.bin.setChecked(True)
    page.select(ids[kit.EXAMPLES[0].stem])
    page.open_current()  # «Khôi phục để soạn tiếp?» answered yes
    assert window.wizard is not None and not store.info(ids[kit.EXAMPLES[0].stem]).deleted
    assert not window.undo_button.isVisible() and window._deleted is None


@pytest.mark.parametrize("in_bin", [False, True], ids=["list", "bin"])
def test_an_empty_list_keeps_its_bar_at_the_bottom_without_idle_buttons(qtbot, store, settings, answers, kit, in_bin):
    store.save_unit(kit.profile_for(drafts.load(kit.EXAMPLES[0])))
    window = make_window(qtbot, store, settings, kit)
    window.show_drafts()
    page = window.list_page
    page.bin.setChecked(in_bin)
    qtbot.waitUntil(lambda: page.count.isVisible(), timeout=2000)
    assert page.infos == [] and page.empty.isVisible()
    assert not any(b.isVisible() for b in page.buttons.values()), "no button to act on a list with nothing in it"
    bottom = page.count.mapTo(page, page.count.rect().bottomLeft()).y()
    assert bottom > page.height() - 40, "the count stays at the bottom of the page, not mid-window"
    middle = page.empty.mapTo(page, page.empty.rect().center()).y()
    assert page.height() * 0.3 < middle < page.height() * 0.7, "the empty list's text is in the middle"


def menu_action(window: MainWindow, text: str):
    return next(
        a
        for menu in window.menuBar().actions()
        if menu.menu() is not None
        for a in menu.menu().actions()
        if a.text().replace("&", "").startswith(text)
    )


def test_help_lists_the_shortcuts_as_a_table_and_about_says_the_version_and_data_folder(
    qtbot, store, settings, answers, kit, monkeypatch
):
    from kpdesk.upgrade import app_version
    from ui import dialogs
    from ui.help import ShortcutsDialog

    window = make_window(qtbot, store, settings, kit)
    shown: list[list[tuple[str, str, str]]] = []
    monkeypatch.setattr(ShortcutsDialog, "exec", lambda dialog: shown.append(dialog.rows()) or 0)
    keys_action = menu_action(window, "Phím tắt")
    assert keys_action.shortcut().toString() == "F1"
    keys_action.trigger()
    [rows] = shown
    keys = {k: what for _, k, what in rows}
    assert keys["Ctrl+E"] == "Xem lại và xuất Word" and keys["Ctrl+P"] == "Xem lại và in báo cáo"
    assert keys["Enter (ô một dòng)"] == "Sang ô tiếp theo" and "F8" in keys and "Delete" in keys
    assert [g for g, _, _ in rows if g] == ["Mọi lúc", "Danh sách, việc cần làm", "Trong báo cáo"]

    asked: list[tuple[str, str, list[str]]] = []

    def choose(parent, text, buttons, *, detail="", **kw):
        asked.append((text, detail, list(buttons)))
        return 0

    monkeypatch.setattr(dialogs, "choose", choose)
    menu_action(window, "Giới thiệu").trigger()
    [(text, detail, buttons)] = asked
    assert text == f"kpdesk phiên bản {app_version()}" and str(store.data_dir) in detail
    assert buttons == ["Mở thư mục dữ liệu", "Đóng"] and answers.opened == [store.data_dir]


def shown_title(title: str, app_name: str = "kpdesk") -> str:
    """The title the window system shows: Qt adds " — <application display name>" unless the title ends with it."""
    return title if title.endswith(app_name) else f"{title} — {app_name}"


def test_window_titles_name_kpdesk_once(qtbot, store, settings, kit, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from kpdesk.errors import KpdeskError
    from ui.operations import ProgressBox, show_error

    window = make_window(qtbot, store, settings, kit)
    unit_id = store.save_unit(kit.profile_for(drafts.load(kit.EXAMPLES[0])))
    draft_id = store.add_draft(drafts.load(kit.EXAMPLES[0]), unit_id)
    titles = [
        window.windowTitle(),
        NewReportDialog(store, store.unit(unit_id), window.full_kinds()[0], window).windowTitle(),
        ProfileDialog(store, store.unit(unit_id), window).windowTitle(),
        HistoryDialog(store, store.info(draft_id), None, window).windowTitle(),
        ProgressBox(window, "Đang làm…").windowTitle(),
    ]
    boxes: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: boxes.append(box.windowTitle()) or 0)
    show_error(window, KpdeskError("Không ghi được tệp."))
    show_error(window, ValueError("lỗi lạ"))
    assert len(boxes) == 2
    for title in titles + boxes:
        assert shown_title(title).count("kpdesk") == 1, title


@pytest.mark.parametrize("action", ["open", "history", "duplicate", "delete", "export_json"])
def test_an_action_on_a_draft_the_data_no_longer_has_says_so_and_lists_again(
    qtbot, store, settings, answers, kit, tmp_path, action
):
    """«Khôi phục từ bản sao lưu…» runs off the UI thread: the list still shows a draft made after the backup for a
    moment, and the officer can act on it. The action says the draft is gone and lists the drafts again; «Lịch sử…»
    raised an «unexpected error» whose message told a command-line hint."""
    example = drafts.load(kit.EXAMPLES[0])
    unit_id = store.save_unit(kit.profile_for(example))
    kept = store.add_draft(example, unit_id)
    backup = store.backup("manual")
    gone = store.add_draft(example, unit_id)
    window = make_window(qtbot, store, settings, kit)
    window.list_page.refresh(select=gone)
    assert window.list_page.current_id() == gone
    store.restore_backup(backup)  # as the restore's worker does, before the window hears of it
    answers.save_to = tmp_path / "ban-nhap.json"
    {
        "open": window.list_page.open_current,
        "history": window.history_current,
        "duplicate": window.duplicate_current,
        "delete": window.delete_current,
        "export_json": window.export_json_current,
    }[action]()
    qtbot.waitUntil(lambda: operations.running() == 0, timeout=5000)
    said = [a for a in answers.asked if "không còn trong dữ liệu" in a]
    assert len(said) == 1 and "hãy chọn lại" in said[0], answers.asked
    assert not [a for a in answers.asked if a.startswith("error:")]
    table = window.list_page.table
    assert [table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(table.rowCount())] == [kept]
    assert window.wizard is None and not answers.save_to.exists()
    assert [info.id for info in store.list_drafts()] == [kept]


@pytest.mark.parametrize("outcome", ["restored", "failed"])
def test_nothing_can_be_opened_while_a_backup_is_restored(qtbot, store, settings, answers, kit, monkeypatch, outcome):
    """The progress box of «Khôi phục từ bản sao lưu…» shows after a moment; until the data is replaced the window
    takes no click or key (a draft opened meanwhile showed the data from before and saved it over the restored
    data, or could not be saved at all). It takes them again when the restore ends, restored or not."""
    from kpdesk.errors import StoreError

    example = drafts.load(kit.EXAMPLES[0])
    unit_id = store.save_unit(kit.profile_for(example))
    store.add_draft(example, unit_id)
    store.backup("manual")
    window = make_window(qtbot, store, settings, kit)
    release = threading.Event()
    real_restore = store.restore_backup

    def restore_backup(path):
        release.wait(10)
        if outcome == "failed":
            raise StoreError("Không đọc được bản sao lưu.")
        return real_restore(path)

    monkeypatch.setattr(store, "restore_backup", restore_backup)
    answers.choice = 0  # the newest backup
    window.restore_backup()
    assert not window.isEnabled() and not window.list_page.table.isEnabled()
    qtbot.keyClick(window.list_page.table, Qt.Key.Key_Return)
    assert window.wizard is None
    release.set()
    qtbot.waitUntil(lambda: operations.running() == 0 and window.isEnabled(), timeout=10_000)
    told = [a for a in answers.asked if "khôi phục" in a.lower()]
    if outcome == "restored":
        assert any(a.startswith("Đã khôi phục dữ liệu từ bản sao lưu.") for a in told), answers.asked
    else:
        assert any(a.startswith("error: Chưa khôi phục được.") and "Không đọc được" in a for a in told), answers.asked
    qtbot.keyClick(window.list_page.table, Qt.Key.Key_Return)
    assert window.wizard is not None
