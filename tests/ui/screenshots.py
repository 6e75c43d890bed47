"""Screenshots of every screen at 1366x768, to look at them as the officer would.

    xvfb-run -a -s "-screen 0 1366x768x24" python tests/ui/screenshots.py            # into /tmp/ui_look
    LOOK_OUT=/tmp/hidpi QT_SCALE_FACTOR=1.5 xvfb-run -a -s "-screen 0 2049x1152x24" python tests/ui/screenshots.py
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
window.show_drafts()  # the window opens on «Việc cần làm»; the list is the second tab
shot(window, "05-main-list")

# new report dialog
nd = NewReportDialog(store, store.unit(uid), window.kinds, window, today=TODAY)
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
    home = MainWindow(home_store, Settings(QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat)),
                      today=today)
    home.resize(1366, 740)
    home.show()
    shot(home, name)
    print("   ", home.statusBar().currentMessage() or "(no status message)")
    home.close()
    home_store.close()


home_window("07-home-nothing-due", dt.date(2026, 5, 15), [(2026, 4), (2026, 5)])
home_window("08-home-one-due", dt.date(2026, 5, 15), [(2026, 4)])
home_window("09-home-three-overdue", dt.date(2026, 3, 25), [(2025, 12)], drafts_made=[(2026, 2)],
            kinds=("co-che-tai-chinh-thang", "quan-ly-khcn-6-thang"))

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
