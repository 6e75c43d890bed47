"""For each kind (through its example drafts): create the draft through the UI, fill every section as an officer
would, see the core's problems in the panel, fix the errors by clicking them, export, and compare the .docx with
`kpdesk render` of the same draft."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import docx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from kpdesk import draft as drafts
from kpdesk import vn
from kpdesk.cli import main as kpdesk_main
from kpdesk.entry import format_input
from kpdesk.kinds import Field, get_kind, kind_folders
from kpdesk.validate import validate
from ui import operations
from ui.draft_dialogs import NewReportDialog
from ui.main_window import MainWindow
from ui.widgets.fields import ChoiceEditor, FieldEditor, LineEditor, TextAreaEditor
from ui.widgets.rows import RowsEditor
from ui.wizard.wizard import WizardView

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
TODAY = dt.date(2026, 11, 20)

#: What the officer types to correct the errors the seed documents really had (the examples keep them).
FIXES: dict[str, dict[str, Any]] = {
    "co-che-tai-chinh-thang": {"fund_status": "not_established", "fund_charter": "not_issued"},
    "ke-hoach-khcn-nam": {"proc_carried": 189, "proc_received_online": 6607, "proc_on_time": 6719},
}


def docx_text(path: Path) -> tuple[list[str], list[list[list[str]]]]:
    document = docx.Document(str(path))
    paragraphs = [p.text for p in document.paragraphs]
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    return paragraphs, tables


def test_every_kind_has_an_example():
    kinds = {folder.name for folder in kind_folders()}
    covered = {drafts.load(p).kind for p in EXAMPLES}
    assert kinds <= covered, f"no example draft (examples/*.json) to drive the UI test for: {kinds - covered}"


# ----------------------------------------------------------------------------- driving the UI


def new_report_through_dialog(qtbot, window: MainWindow, example: drafts.Draft, monkeypatch) -> WizardView:
    """Báo cáo mới: pick the kind, the period and the form in the dialog, as the officer would."""

    def drive(dialog: NewReportDialog) -> int:
        rows = [dialog.kind_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(dialog.kind_list.count())]
        dialog.kind_list.setCurrentRow(rows.index(example.kind))
        picker = dialog.picker
        picker.type_combo.setCurrentIndex(picker.type_combo.findData(example.period.type))
        picker.year.setValue(example.period.year)
        if example.period.month:
            picker.month.setCurrentIndex(example.period.month - 1)
        if example.period.half:
            picker.half.setCurrentIndex(example.period.half - 1)
        if len(dialog.kind().forms) > 1:
            qtbot.mouseClick(dialog.form_buttons[example.form], Qt.MouseButton.LeftButton)
        assert dialog.form_buttons[example.form].isChecked()
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(NewReportDialog, "exec", drive)
    qtbot.mouseClick(window.list_page.new_button, Qt.MouseButton.LeftButton)
    wizard = window.wizard
    assert wizard is not None, "the wizard opens on the new draft"
    return wizard


def fill(qtbot, kit, editor: FieldEditor, f: Field, value: Any) -> None:
    """Type (or choose) `value` into `editor` as the officer would."""
    if isinstance(editor, RowsEditor):
        while editor.cards:
            qtbot.mouseClick(editor.cards[-1].remove, Qt.MouseButton.LeftButton)
        for row in value or []:
            qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
            card = editor.cards[-1]
            for column in f.columns:
                fill(qtbot, kit, card.editors[column.id], column, row.get(column.id))
        return
    if isinstance(editor, ChoiceEditor):
        editor.choose(value)
        return
    assert isinstance(editor, (LineEditor, TextAreaEditor)), type(editor)
    kit.replace_text(editor.edit, format_input(editor.field, value))  # an amount in the unit shown beside its box


def fill_document_step(qtbot, kit, wizard: WizardView, example: drafts.Draft) -> None:
    doc = wizard.steps[0]
    kit.replace_text(doc.title_edit, example.title)
    kit.replace_text(doc.number, example.number or "")
    kit.replace_text(doc.date.edit, vn.format_date(example.date) if example.date else "")
    doc.money.setCurrentIndex(doc.money.findData(example.money_unit))
    # the signer is chosen from the profile's signers with the keyboard
    doc.signer_combo.setFocus()
    for _ in range(doc.signer_combo.count()):
        if doc.signer_combo.currentText().startswith(example.signer.name):
            break
        kit.key(doc.signer_combo, Qt.Key.Key_Down)
    assert wizard.session.draft.signer == example.signer
    kit.replace_text(doc.recipients.edit, "\n".join(example.recipients))
    if example.form == "cong_van":
        assert doc.rows["_to"].isVisible()
        kit.replace_text(doc.to.edit, "\n".join(example.to))
    else:
        assert not doc.rows["_to"].isVisible(), "Kính gửi is asked only for a công văn"


def clear_and_refill_shows_error(qtbot, kit, wizard: WizardView, step, f: Field, value: Any) -> None:
    """Clear a required field: the error appears beside it and in the panel; type it again: it disappears."""
    row = step.rows[f.id]
    kit.replace_text(row.editor.focus_target(), "")
    messages = " ".join(text for _, text in row.messages.messages())
    assert "chưa nhập" in messages.lower(), messages
    panel = [wizard.problems.list.item(i).text() for i in range(wizard.problems.list.count())]
    assert any(f"«{f.label}»: chưa nhập" in text for text in panel), panel
    assert wizard.step_list.item(wizard.current()).toolTip().endswith("có lỗi")
    fill(qtbot, kit, row.editor, f, value)
    assert not any(p.field == f.id and p.code == "field.required" for p in wizard.session.problems)
    assert not row.messages.isVisible()


#: The commune's kinds: «Báo cáo mới» offers only those (the department's letters are made in its own window).
COMMUNE_EXAMPLES = [p for p in EXAMPLES if get_kind(drafts.load(p).kind).audience == "commune"]


@pytest.mark.parametrize("example_path", COMMUNE_EXAMPLES, ids=[p.stem for p in COMMUNE_EXAMPLES])
def test_fill_every_section_then_export(qtbot, kit, store, settings, answers, monkeypatch, tmp_path, example_path):
    example = drafts.load(example_path)
    kind = get_kind(example.kind)
    store.save_unit(kit.profile_for(example))
    window = MainWindow(store, settings, today=TODAY)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()

    wizard = new_report_through_dialog(qtbot, window, example, monkeypatch)
    assert wizard.session.draft.period == example.period
    fill_document_step(qtbot, kit, wizard, example)

    typed_values = {
        f.id: v for f in kind.fields if (v := example.values.get(f.id)) is not None and f.applies(example.values)
    }
    checked_error = False
    for index, section in enumerate(kind.sections, start=1):
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
        assert wizard.current() == index
        step = wizard.steps[index]
        for f in section.fields:
            row = step.rows[f.id]
            value = typed_values.get(f.id)
            if value is not None:
                assert row.isVisible(), f"{f.id} should be shown once the fields it depends on are filled"
            if value is not None or not drafts.is_empty(wizard.session.draft.values.get(f.id)):
                fill(qtbot, kit, row.editor, f, value)
            if value is not None:
                assert row.editor.error() is None, row.editor.error()
            if (
                value is not None
                and f.required
                and not checked_error
                and f.type in ("text", "longtext", "list", "int", "amount", "reference")
            ):
                clear_and_refill_shows_error(qtbot, kit, wizard, step, f, value)
                checked_error = True

    # the draft typed through the UI is the example (less values a person cannot type: those of hidden fields)
    expected = replace(example, values=typed_values)
    if example.form == "bao_cao":  # Kính gửi is not asked (nor printed) for a báo cáo: it keeps the unit's default
        expected = replace(expected, to=wizard.session.draft.to)
    assert drafts.to_json(wizard.session.draft) == drafts.to_json(expected)

    # the panel shows exactly the core's problems of that draft
    core = validate(kind, expected, today=TODAY).problems
    assert sorted(p.message for p in wizard.session.problems) == sorted(p.message for p in core)
    assert wizard.problems.list.count() == len(core)

    # fix each error by clicking it in the panel: the field gets the focus, the officer types the right value
    pending = dict(FIXES.get(kind.id, {}))
    for _ in range(10):
        errors = [
            i
            for i in range(wizard.problems.list.count())
            if wizard.problems.list.item(i).data(Qt.ItemDataRole.UserRole).is_error
        ]
        if not errors:
            break
        item = wizard.problems.list.item(errors[0])
        problem = item.data(Qt.ItemDataRole.UserRole)
        wizard.problems.list.itemClicked.emit(item)
        step = wizard.steps[wizard.current()]
        assert step.SECTION == problem.section
        assert step.rows[problem.field].isAncestorOf(window.focusWidget()), f"focus goes to «{problem.field}»"
        name = (
            problem.field
            if problem.field in pending
            else next(n for n in pending if kind.section_of(n).id == problem.section)
        )
        value = pending.pop(name)
        fill(qtbot, kit, step.rows[name].editor, kind.field(name), value)
        expected = expected.with_values(**{name: value})
    assert not wizard.session.errors, [p.message for p in wizard.session.errors]
    assert drafts.to_json(wizard.session.draft) == drafts.to_json(expected)

    # autosave: within a second the store holds the draft
    qtbot.waitUntil(lambda: not wizard.session.dirty, timeout=1500)
    draft_id = window.draft_id
    assert drafts.to_json(store.load(draft_id).draft) == drafts.to_json(expected)

    # review step, then "Xuất Word"
    qtbot.mouseClick(
        wizard.step_list.viewport(),
        Qt.MouseButton.LeftButton,
        pos=wizard.step_list.visualItemRect(wizard.step_list.item(len(wizard.steps) - 1)).center(),
    )
    assert wizard.stack.currentWidget() is wizard.review
    wizard.review.update_preview()
    preview = wizard.review.preview.toPlainText()
    assert example.signer.name in preview and "Nơi nhận:" in preview
    assert wizard.review.export_button.isEnabled()
    out = tmp_path / "giao-dien.docx"
    answers.save_to = out
    answers.choice = 1  # "Mở thư mục"
    qtbot.mouseClick(wizard.review.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: operations.running() == 0 and out.exists(), timeout=15000)
    qtbot.waitUntil(lambda: any(a.startswith("Đã xuất báo cáo") for a in answers.asked), timeout=5000)
    assert answers.opened == [out.parent]
    if wizard.session.warnings:
        assert any("cảnh báo" in a for a in answers.asked), "warnings ask for confirmation"
    assert any(a.startswith("save: ") and a.endswith(".docx") for a in answers.asked)
    assert store.info(draft_id).status == "exported"

    # the same draft through the command line gives the same document text
    source = tmp_path / "ban-nhap.json"
    store.export_json(draft_id, source)
    cli_out = tmp_path / "dong-lenh.docx"
    assert kpdesk_main(["render", str(source), "-o", str(cli_out)]) == 0
    assert docx_text(out) == docx_text(cli_out)
    window.close()


def test_new_report_dialog_offers_previous_period(qtbot, kit, store, settings, answers, monkeypatch):
    example = drafts.load(EXAMPLES[0])
    unit_id = store.save_unit(kit.profile_for(example))
    march = store.create_draft(example.kind, drafts.Period("month", 2026, month=3), unit_id)
    store.save(march, replace(store.load(march).draft, values={**example.values, "disbursed": 120_000_000}))
    window = MainWindow(store, settings, today=TODAY)
    qtbot.addWidget(window)
    seen: dict[str, Any] = {}

    def drive(dialog: NewReportDialog) -> int:
        dialog.picker.month.setCurrentIndex(3)  # April
        seen["offered"] = dialog.previous_box.isVisibleTo(dialog) and "tháng 3 năm 2026" in dialog.previous_box.text()
        dialog.picker.month.setCurrentIndex(0)  # January: nothing before
        seen["hidden"] = not dialog.previous_box.isVisibleTo(dialog)
        dialog.picker.month.setCurrentIndex(3)
        dialog.accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(NewReportDialog, "exec", drive)
    window.new_report()
    assert seen == {"offered": True, "hidden": True}
    april = window.wizard.session.draft
    assert april.period == drafts.Period("month", 2026, month=4)
    kind = get_kind(example.kind)
    carried = {f.id for f in kind.fields if f.carry and f.id in example.values}
    assert carried and {f: april.values.get(f) for f in carried} == {f: example.values[f] for f in carried}
    assert "disbursed" not in april.values  # figures of the period are not carried
    assert april.values["budget_year"] == example.values["budget_year"], "the year of the amounts carried with them"


def test_an_empty_problems_panel_gives_its_width_to_the_preview_on_the_review_step(qtbot, settings):
    clean = drafts.load(EXAMPLES[0])
    view = WizardView(get_kind(clean.kind), clean, settings=settings, today=TODAY)
    qtbot.addWidget(view)
    view.resize(1366, 740)
    view.show()
    assert not view.session.problems
    assert view.problems.isVisible(), "on a form step it says there is nothing to fix"
    narrow = view.review.preview.width()
    view.go_step(len(view.steps) - 1)
    assert not view.problems.isVisible()
    qtbot.waitUntil(lambda: view.review.preview.width() > 1366 - 250 - 100, timeout=2000)
    assert view.review.preview.width() > narrow
    view.go_step(0)
    assert view.problems.isVisible()

    with_errors = drafts.load(EXAMPLES[1])
    view = WizardView(get_kind(with_errors.kind), with_errors, settings=settings, today=TODAY)
    qtbot.addWidget(view)
    view.resize(1366, 740)
    view.show()
    view.go_step(len(view.steps) - 1)
    assert view.session.errors and view.problems.isVisible(), "the problems left stay beside the preview"


def test_after_xuat_word_no_progress_box_covers_the_message_that_it_is_done(
    qtbot, store, settings, answers, kit, monkeypatch, tmp_path
):
    """The issue's case: «Đang xuất báo cáo ra tệp…» stayed on top of «Đã xuất …» (its delayed show fired while the
    message was open). The message stays open longer than the delay here; no progress box shows meanwhile."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QProgressBar

    from ui import dialogs
    from ui.operations import Op

    def boxes() -> int:
        return sum(
            1
            for w in QApplication.topLevelWidgets()
            if w.isVisible() and any(bar.window() is w for bar in w.findChildren(QProgressBar))
        )

    seen: list[int] = []

    def message(parent, text, buttons, **kw) -> int:  # the «Đã xuất …» box, read for a while
        loop, watch = QEventLoop(), QTimer()
        watch.timeout.connect(lambda: seen.append(boxes()))
        watch.start(20)
        QTimer.singleShot(3 * Op.SHOW_AFTER_MS, loop.quit)
        loop.exec()
        watch.stop()
        return 2

    monkeypatch.setattr(dialogs, "choose", message)
    example = drafts.load(EXAMPLES[0])
    unit_id = store.save_unit(kit.profile_for(example))
    window = MainWindow(store, settings, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    window.open_draft(store.add_draft(example, unit_id))
    answers.save_to = tmp_path / "bao-cao.docx"
    window.wizard.export()
    qtbot.waitUntil(lambda: operations.running() == 0 and len(seen) > 5, timeout=15_000)
    assert answers.save_to.exists() and set(seen) == {0}
    window.close()


def test_an_export_still_running_when_the_draft_is_closed_is_recorded_listed_and_said(
    qtbot, store, settings, answers, kit, monkeypatch, tmp_path
):
    """The officer presses «Xuất Word…» and at once «← Danh sách» (or opens another draft): the wizard is deleted
    while the file is being written. The export is still recorded, the list shows the draft exported, and «Đã xuất
    …» is said on the main window; nothing is raised on the deleted wizard (it was an «unexpected error» box)."""
    import threading

    from shiboken6 import isValid

    import ui.wizard.wizard as wizard_module
    from ui import dialogs

    release = threading.Event()
    real_render = wizard_module.render_to_file

    def slow_render(*args, **kwargs):
        release.wait(10)
        return real_render(*args, **kwargs)

    monkeypatch.setattr(wizard_module, "render_to_file", slow_render)
    said: list[tuple[Any, str]] = []
    monkeypatch.setattr(dialogs, "choose", lambda parent, text, buttons, **kw: said.append((parent, text)) or 2)
    example = drafts.load(EXAMPLES[0])
    draft_id = store.add_draft(example, store.save_unit(kit.profile_for(example)))
    window = MainWindow(store, settings, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    window.open_draft(draft_id)
    wizard = window.wizard
    answers.save_to = tmp_path / "bao-cao.docx"
    wizard.export()
    assert window.close_wizard()
    qtbot.waitUntil(lambda: not isValid(wizard), timeout=5000)
    release.set()
    qtbot.waitUntil(lambda: operations.running() == 0 and bool(said), timeout=15_000)
    assert not [a for a in answers.asked if a.startswith("error:")]
    assert answers.save_to.exists()
    assert store.info(draft_id).status == "exported"
    [(parent, text)] = said
    assert parent is window and str(answers.save_to) in text
    table = window.list_page.table
    [row] = [r for r in range(table.rowCount()) if table.item(r, 0).data(Qt.ItemDataRole.UserRole) == draft_id]
    assert table.item(row, 3).text() == "Đã xuất"
    window.close()
