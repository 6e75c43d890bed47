"""Screenshots of every screen at 1366x768, to look at them as the officer would.

xvfb-run -a -s "-screen 0 1366x768x24" python tests/ui/screenshots.py            # into /tmp/ui_look
LOOK_OUT=/tmp/hidpi QT_SCALE_FACTOR=1.5 xvfb-run -a -s "-screen 0 2049x1152x24" python tests/ui/screenshots.py
LOOK_ONLY=department python tests/ui/screenshots.py        # the department's screens only (70-92)
"""

import datetime as dt
import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "ui"))

from PySide6.QtCore import QSettings  # noqa: E402

from kpdesk import draft as drafts  # noqa: E402
from kpdesk.store import Store  # noqa: E402
from ui.app import make_app  # noqa: E402
from ui.draft_dialogs import HistoryDialog, NewReportDialog  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.profile import ProfileDialog  # noqa: E402
from ui.settings import Settings  # noqa: E402

app = make_app(["kpdesk"])
OUT = Path(os.environ.get("LOOK_OUT", "/tmp/ui_look"))
OUT.mkdir(exist_ok=True)
for p in OUT.glob("*.png"):
    p.unlink()
tmp = Path(tempfile.mkdtemp())
store = Store.open(tmp / "data")
settings = Settings(QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
TODAY = dt.date(2026, 11, 20)


def pump(n=8):
    for _ in range(n):
        app.processEvents()


def shot(widget, name):
    pump()
    widget.grab().save(str(OUT / f"{name}.png"))
    print("saved", name)


def department_screens():
    """The department's window on the province's realistic intake (tests/core/department/conftest.py), with four
    earlier months received, some accepted and one returned; its dialogs; the commune's wizard with the points."""
    import importlib.util

    from kpdesk.corrections import import_path
    from kpdesk.department import letters
    from kpdesk.department.intake import receive
    from kpdesk.department.records import ACCEPTED
    from kpdesk.draft import Period
    from kpdesk.kinds import kind_of
    from kpdesk.render import build_layout, default_filename
    from ui.department import dialogs as ddialogs
    from ui.department.letters import RemindDialog, ReturnDialog
    from ui.department.manual import set_manual_link, start_manual_draft
    from ui.department.profile import DepartmentProfileDialog
    from ui.department.receive import ReceiveDialog
    from ui.department.units import UnitDialog, UnitsDialog
    from ui.department.window import DepartmentWindow

    spec = importlib.util.spec_from_file_location("intake_helpers", ROOT / "tests/core/department/conftest.py")
    helpers = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = helpers
    spec.loader.exec_module(helpers)
    today = dt.date(2026, 5, 25)
    may = Period("month", 2026, month=5)
    monthly = "co-che-tai-chinh-thang"
    folder = Path(tempfile.mkdtemp(prefix="kpdesk-so-"))
    dept_settings = Settings(QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat))

    # the first start in the department's mode: an empty store
    empty = Store.open(folder / "empty")
    dlg = DepartmentProfileDialog(empty, None, None, first_run=True)
    dlg.resize(1000, 700)
    dlg.show()
    shot(dlg, "70-dept-profile-first-run")
    dlg.name.setText("")
    dlg.accept()
    shot(dlg, "70b-dept-profile-error")
    dlg.close()
    w = DepartmentWindow(empty, dept_settings, today=today)
    w.resize(1366, 740)
    w.show()
    shot(w, "71-dept-empty")
    w.close()
    empty.close()

    intake = helpers.build_intake(folder / "intake")
    records, units = intake.records, intake.records.units()
    request = {
        "kind": "Công văn",
        "code": "1133/SKHCN-KHTC",
        "date": "2025-12-30",
        "issuer": "Sở Khoa học và Công nghệ tỉnh Thanh Hóa",
    }  # the example's is dated after January
    for month in (1, 2, 3, 4):  # earlier months: most on time, a few late, one or two never sent
        out = folder / f"Bao-cao-thang-{month}"
        out.mkdir()
        for i, u in enumerate(units):
            if (i + 3 * month) % 17 == 0:
                continue
            day = 22 if (i * month) % 11 == 5 else 10 + i % 8
            draft = helpers.commune_draft(
                "000",
                u.name,
                u.level,
                period={"type": "month", "year": 2026, "month": month},
                date=f"2026-{month:02d}-{day:02d}",
                budget_total=(200 + i) * 1_000_000,
                request_ref=request,
            )
            name = default_filename(kind_of(draft), draft)
            receive(records, [helpers._render(draft, out / name)], received_on=dt.date(2026, month, day + 1))
    for sub in records.submissions(monthly):
        if sub.period.month in (1, 2) and sub.id % 3:
            records.set_state(sub.id, ACCEPTED, "Số liệu khớp", who="Lê Thị Hoa")
    april = records.find_submission(records.find_unit("TH35"), monthly, Period("month", 2026, month=4))
    if april is not None:
        letters.return_report(
            records,
            april,
            folder / "tra-lai-T4.docx",
            note="Đề nghị ghi rõ số đã giải ngân.",
            today=dt.date(2026, 4, 25),
        )

    w = DepartmentWindow(intake.store, dept_settings, today=today)
    w.resize(1366, 740)
    w.show()

    def pick(code, period=may):
        w.matrix.select(unit_id=records.find_unit(code).id, period=period)
        pump()

    pick("TH05")
    shot(w, "72-dept-matrix")
    pick("TH35", Period("month", 2026, month=4))
    shot(w, "72b-dept-matrix-readme")  # docs/screenshot-department-matrix.png
    pick("TH35")
    shot(w, "73-dept-errors")
    pick("TH39")
    shot(w, "74-dept-edited")
    pick("TH38")
    w.panel.tabs.setCurrentIndex(1)
    shot(w, "75-dept-versions-diff")
    w.panel.tabs.setCurrentIndex(2)
    shot(w, "75b-dept-log-of-report")
    w.panel.tabs.setCurrentIndex(0)
    m = w.matrix
    row = next(r for r in range(m.rowCount()) if "ngoài danh sách" in m.verticalHeaderItem(r).text())
    m.setCurrentCell(row, m.columnCount() - 1)
    shot(w, "76-dept-unlisted")
    pick("TH35", Period("month", 2026, month=4))
    shot(w, "76b-dept-returned")
    pick("TH41")
    shot(w, "76c-dept-missing")
    m.horizontalScrollBar().setValue(0)
    shot(w, "76d-dept-scrolled-left")
    w.kind_combo.setCurrentIndex(w.kind_combo.findData("quan-ly-khcn-6-thang"))
    shot(w, "77-dept-half-year")
    w.kind_combo.setCurrentIndex(w.kind_combo.findData(monthly))
    w.show_tab(w.FILES_TAB)
    shot(w, "78-dept-files")
    w.show_tab(w.MATRIX_TAB)

    rd = ReceiveDialog(records, w, paths=[intake.folder / "in"], today=today)
    rd.show()
    shot(rd, "80-receive-before")
    hon_me = helpers._render(
        helpers.commune_draft("000", "Hòn Mê", "đặc khu", period=helpers.MAY, date="2026-05-24"), folder / "hon-me.docx"
    )
    rd.show_receipts(receive(records, [intake.folder / "in", hon_me], received_on=today))
    shot(rd, "81-receive-results")
    rd.close()
    ud = UnitsDialog(records, w, settings=dept_settings)
    ud.show()
    shot(ud, "82-units")
    ed = UnitDialog(records, records.find_unit("TH02"), ud)
    ed.show()
    ed.email.edit.setText("ubnd02@")
    ed.accept()
    shot(ed, "83-unit-edit-error")
    ed.close()
    ud.close()
    edited = records.find_submission(records.find_unit("TH39"), monthly, may)
    ret = ReturnDialog(records, edited, kind_of(records.latest(edited.id).draft), w, today=today)
    ret.show()
    shot(ret, "84-return")
    ret.close()
    rem = RemindDialog(records, w.matrix.current_status(), w, today=today)
    rem.show()
    shot(rem, "85-remind")
    rem.close()
    dd = ddialogs.DeadlineDialog(records, w.kind(), w.periods(), may, w)
    dd.show()
    shot(dd, "86-deadline")
    dd.close()
    md = ddialogs.MatchDialog("xã Thiệu Trong", "Thiệu Trong", records.units(), w)
    md.show()
    shot(md, "87-match")
    md.close()
    ld = ddialogs.LogDialog(records, w)
    ld.show()
    shot(ld, "88-log")
    ld.close()
    version = records.latest(edited.id)
    pd = ddialogs.PreviewDialog(
        "Xã Đông Quang — BC-KHCN tháng 5 năm 2026, bản 1 (edited.docx)",
        build_layout(kind_of(version.draft), version.draft),
        w,
    )
    pd.show()
    shot(pd, "89-preview")
    pd.close()
    # a Word file entered by hand: the bar over the wizard
    received = records.files()[0]
    unit = records.find_unit("TH41")
    draft_id = start_manual_draft(intake.store, intake.store.department(), unit, w.kind(), may)
    set_manual_link(intake.store, received.id, draft_id, unit.id)
    w.open_manual(received, draft_id, unit.id)
    shot(w, "90-manual-entry")
    w.close_manual()
    shot(w, "91-files-in-progress")
    w.close()

    # the commune: the return letter imported, its points beside the fields and in «Cần xem lại»
    letter = folder / "tra-lai-Sam-Son.docx"
    sam_son = records.find_submission(records.find_unit("TH35"), monthly, may)
    letters.return_report(records, sam_son, letter, number="215", note="Đề nghị ghi rõ số đã giải ngân.", today=today)
    commune = Store.open(folder / "xa")
    draft_id = commune.import_file(intake.files["errors-TH35"])
    import_path(commune, letter)
    cw = MainWindow(commune, Settings(QSettings(str(folder / "c.ini"), QSettings.Format.IniFormat)), today=today)
    cw.resize(1366, 740)
    cw.show()
    cw.open_draft(draft_id)
    cw.wizard.go_step(cw.wizard.step_for("quy"))
    shot(cw, "92-commune-points")
    cw.close_wizard()
    cw.close()
    commune.close()
    intake.store.close()


if os.environ.get("LOOK_ONLY") == "department":
    department_screens()
    print("done")
    sys.exit(0)

# 1. first run: the profile dialog, empty, then with an error
window = MainWindow(store, settings, today=TODAY)
window.resize(1366, 740)
window.show()
pump()
shot(window, "01-main-empty")
dlg = ProfileDialog(store, None, window, first_run=True)
dlg.resize(1000, 700)
dlg.show()
shot(dlg, "02-profile-first-run")
dlg.name.setText("Thiệu Trung")
dlg.province.setText("Thanh Hóa")
dlg.contact_phone.edit.setText("0982 74")
dlg.accept()
shot(dlg, "03-profile-error")
dlg.tabs.setCurrentIndex(0)
dlg.level.setCurrentText("phường")  # the letterhead hint follows the level and name
dlg.name.setText("Hạc Thành")
shot(dlg, "03b-profile-phuong-hint")
dlg.close()

# profile from the example
import conftest  # noqa: E402 - the tests' helpers

ex0 = drafts.load(str(ROOT / "examples" / "000-thieu-trung-bao-cao-thang.json"))
uid = store.save_unit(conftest.profile_for(ex0))
dlg = ProfileDialog(store, store.unit(uid), window)
dlg.resize(1000, 700)
dlg.show()
dlg.tabs.setCurrentIndex(2)
shot(dlg, "04-settings-signers")
dlg.tabs.setCurrentIndex(1)
shot(dlg, "04a-settings-contact")  # the phone shown grouped, as it prints
dlg.tabs.setCurrentIndex(0)
shot(dlg, "04b-settings-unit")
dlg.show_kinds()
dlg.kind_boxes["co-che-tai-chinh-thang"].setChecked(True)
shot(dlg, "04c-settings-kinds")
dlg.close()

# the list and the bin, empty: the bar stays at the bottom
window._show_unit()
window.show_drafts()
shot(window, "04d-main-list-empty")
window.list_page.bin.setChecked(True)
shot(window, "04e-bin-empty")
window.list_page.bin.setChecked(False)

# drafts: the examples, in the store
ids = {}
for path in sorted((ROOT / "examples").glob("*.json")):
    d = drafts.load(path)
    ids[path.stem] = store.add_draft(d, uid if d.unit.name == "Thiệu Trung" else None)
window._show_unit()
window.list_page.refresh()  # the drafts were added behind the window's back
window.show_drafts()  # the window opens on «Việc cần làm»; the list is the second tab
shot(window, "05-main-list")

# new report dialog
nd = NewReportDialog(store, store.unit(uid), window.full_kinds()[0], window, today=TODAY)
nd.resize(860, 560)
nd.show()
shot(nd, "06-new-report")
nd.close()

# the wizard of example 000: every step
window.open_draft(ids["000-thieu-trung-bao-cao-thang"])
wiz = window.wizard
for i in range(len(wiz.steps)):
    wiz.go_step(i)
    pump()
    shot(window, f"10-wizard-000-step{i}")

# a table field: quan-ly documents / models; ke-hoach estimate rows
window.close_wizard()
window.open_draft(ids["002-trieu-son-6-thang-2022"])
wiz = window.wizard
for i, step in enumerate(wiz.steps):
    if getattr(step, "SECTION", "") in ("quan_ly_nha_nuoc", "ung_dung"):
        wiz.go_step(i)
        pump()
        shot(window, f"20-table-002-{step.SECTION}")
        if step.SECTION == "ung_dung":
            step.ensureWidgetVisible(step.rows["models"].editor.totals)
            shot(window, "21-table-totals-002")
window.close_wizard()

# the problems panel with errors (example 004)
window.open_draft(ids["004-kien-thuy-ke-hoach-2027"])
wiz = window.wizard
item = wiz.problems.list.item(0)
wiz.problems.list.setCurrentRow(0)
wiz.problems.list.itemClicked.emit(item)
shot(window, "30-problems-004")
for i, step in enumerate(wiz.steps):
    if getattr(step, "SECTION", "") == "du_toan":
        wiz.go_step(i)
        shot(window, "31-table-004-du-toan")
# an amount typed as officers type it
for i, step in enumerate(wiz.steps):
    if getattr(step, "SECTION", "") == "ngan_sach":
        wiz.go_step(i)
        row = next(r for r in step.rows.values() if r.field.type == "amount")
        row.editor.edit.setText("2,382 tỷ")
        shot(window, "32-amount-typed")
        row.editor.edit.setText("2.382,5 tỷ đồng x")
        shot(window, "33-amount-error")
wiz.go_step(len(wiz.steps) - 1)
shot(window, "34-review-with-errors")
window.close_wizard()

# review of a clean draft
window.open_draft(ids["000-thieu-trung-bao-cao-thang"])
wiz = window.wizard
wiz.go_step(len(wiz.steps) - 1)
shot(window, "40-review-000")
sheets = wiz.review.preview.sheets
wiz.review.preview.verticalScrollBar().setValue(int(sheets.page_top(wiz.review.preview.page_count() - 1)))
shot(window, "41-review-000-end")
window.close_wizard()
window.open_draft(ids["001-bim-son-cong-van-thang"])
wiz = window.wizard
wiz.go_step(len(wiz.steps) - 1)
shot(window, "42-review-001-cong-van")
wiz.go_step(0)
shot(window, "43-document-cong-van")
window.close_wizard()

# history dialog
window.list_page.refresh()
info = store.info(ids["000-thieu-trung-bao-cao-thang"])
hd = HistoryDialog(store, info, window.kind(info.kind), window)
hd.show()
shot(hd, "50-history")
hd.close()

# bin with undo bar
window.list_page.select(ids["002-trieu-son-6-thang-2022"])
window.delete_current()
shot(window, "51-main-after-delete")

# help: the shortcuts as a table
from ui.help import ShortcutsDialog  # noqa: E402

keys = ShortcutsDialog(window)
keys.show()
shot(keys, "52-help-shortcuts")
keys.close()
print("done")

# the home («Việc cần làm»): nothing due, one due, three overdue (each in a store of its own)
from kpdesk.draft import Period  # noqa: E402


def home_window(name, today, months_sent, drafts_made=(), kinds=("co-che-tai-chinh-thang",)):
    folder = Path(tempfile.mkdtemp())
    home_store = Store.open(folder / "data")
    unit_id = home_store.save_unit(replace(conftest.profile_for(ex0), report_kinds=kinds))
    for year, month in months_sent:
        sent = home_store.create_draft("co-che-tai-chinh-thang", Period("month", year, month=month), unit_id)
        home_store.record_export(sent, Path(f"BC-T{month:02d}.docx"), "a" * 64, 1)
    for year, month in drafts_made:
        home_store.create_draft("co-che-tai-chinh-thang", Period("month", year, month=month), unit_id)
    home = MainWindow(home_store, Settings(QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat)), today=today)
    home.resize(1366, 740)
    home.show()
    shot(home, name)
    print("   ", home.statusBar().currentMessage() or "(no status message)")
    home.close()
    home_store.close()


home_window("07-home-nothing-due", dt.date(2026, 5, 15), [(2026, 4), (2026, 5)])
home_window("08-home-one-due", dt.date(2026, 5, 15), [(2026, 4)])
home_window(
    "09-home-three-overdue",
    dt.date(2026, 3, 25),
    [(2025, 12)],
    drafts_made=[(2026, 2)],
    kinds=("co-che-tai-chinh-thang", "quan-ly-khcn-6-thang"),
)

# the README picture: the wizard on the budget part of the monthly report
window.list_page.bin.setChecked(False)
window.open_draft(ids["000-thieu-trung-bao-cao-thang"])
wiz = window.wizard
wiz.go_step(wiz.step_for("tinh_hinh"))
step = wiz.steps[wiz.current()]
step.rows["budget_st"].editor.edit.setText("300")
step.rows["budget_dt"].editor.edit.setText("0,052 tỷ")
step.rows["disbursed"].editor.edit.setText("120 triệu")
pump()
step.verticalScrollBar().setValue(step.rows["budget_year"].y() - 10)
wiz.session.flush()
shot(window, "60-readme-wizard")
window.close_wizard()
window.close()

# the department's window and its dialogs, and the commune's wizard with its points
department_screens()
