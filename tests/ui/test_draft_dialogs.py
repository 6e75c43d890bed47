"""«Báo cáo mới»: what it offers by default after the unit's last report of a kind."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from kpdesk import draft as drafts
from kpdesk.draft import Period
from ui.draft_dialogs import NewReportDialog
from ui.main_window import MainWindow


def choose_kind(dialog: NewReportDialog, kind_id: str) -> None:
    rows = [dialog.kind_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(dialog.kind_list.count())]
    dialog.kind_list.setCurrentRow(rows.index(kind_id))


def test_a_new_report_follows_the_last_one_in_period_and_form_and_keeps_the_year_of_its_amounts(
    qtbot, store, settings, answers, kit, monkeypatch
):
    """After April's công văn, «Báo cáo mới» offered November (today's month) as a báo cáo: it offers May, as a
    công văn, from April; and May keeps «Năm của kinh phí» with the amounts it dates (it was emptied)."""
    example = drafts.load(kit.EXAMPLES[0])  # April 2026, with the budget of 2026
    assert example.period == Period("month", 2026, month=4) and example.values["budget_year"] == 2026
    unit_id = store.save_unit(kit.profile_for(example))
    store.add_draft(replace(example, form="cong_van"), unit_id)
    window = MainWindow(store, settings, today=kit.TODAY)
    qtbot.addWidget(window)
    seen: dict[str, object] = {}

    def accept(dialog: NewReportDialog) -> int:
        choose_kind(dialog, example.kind)
        seen["period"] = dialog.picker.period()
        seen["form"] = next(f for f, b in dialog.form_buttons.items() if b.isChecked())
        seen["from"] = dialog.previous_box.isChecked() and "tháng 4 năm 2026" in dialog.previous_box.text()
        # a kind the unit has not written yet: today's period, the kind's first form
        other = next(k for k in dialog.kinds if k.id != example.kind and "month" not in k.periods)
        choose_kind(dialog, other.id)
        seen["other"] = dialog.picker.period() == Period.containing(other.periods[0], kit.TODAY)
        choose_kind(dialog, example.kind)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(NewReportDialog, "exec", accept)
    window.new_report()
    assert seen == {"period": Period("month", 2026, month=5), "form": "cong_van", "from": True, "other": True}
    may = store.load(window.draft_id).draft
    assert (may.period, may.form) == (Period("month", 2026, month=5), "cong_van")
    assert {k: may.values.get(k) for k in ("budget_year", "budget_total")} == {
        k: example.values[k] for k in ("budget_year", "budget_total")
    }
    window.close()
