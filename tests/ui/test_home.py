"""The home («Việc cần làm»): what is due, «Soạn» and «Mở», the list one click away, the kinds in the profile."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from kpdesk import draft as drafts
from kpdesk.draft import Period
from kpdesk.kinds import get_kind
from ui.home import VIEW_KEY, MainViews
from ui.main_window import MainWindow
from ui.profile import ProfileDialog
from ui.widgets.common import ERROR, text_colour

MONTHLY = "co-che-tai-chinh-thang"
APRIL, MAY = Period("month", 2026, month=4), Period("month", 2026, month=5)


def make_window(qtbot, store, settings, today: dt.date) -> MainWindow:
    window = MainWindow(store, settings, today=today)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    return window


def april_sent(store, kit, form: str = "cong_van") -> tuple[int, int]:
    """The unit of example 000 with its April report (as a công văn) exported; return (unit id, draft id)."""
    example = drafts.load(kit.EXAMPLES[0])
    assert (example.kind, example.period) == (MONTHLY, APRIL)
    unit_id = store.save_unit(kit.profile_for(example))
    april = store.add_draft(replace(example, form=form), unit_id)
    store.record_export(april, Path("BC-T04.docx"), "a" * 64, store.info(april).revision)
    return unit_id, april


def test_soan_makes_the_may_report_from_april_and_opens_the_wizard_on_it(qtbot, store, settings, answers, kit):
    unit_id, april = april_sent(store, kit)
    window = make_window(qtbot, store, settings, dt.date(2026, 5, 15))
    assert window.views.currentIndex() == MainViews.HOME, "the window opens on «Việc cần làm»"
    [row] = window.home.rows
    assert row.line.text() == "Báo cáo tháng 5/2026 — hạn: trước ngày 20/5/2026, còn 5 ngày"
    assert row.button.text() == "Soạn"
    assert window.views.tabText(MainViews.HOME) == "Việc cần làm (1)"
    said = window.statusBar().currentMessage()
    assert "1 báo cáo đến hạn trong 5 ngày tới" in said and "Báo cáo tháng 5/2026" in said

    qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    wizard = window.wizard
    assert wizard is not None and window.stack.currentWidget() is wizard
    new = store.load(window.draft_id)
    previous = store.load(april).draft
    assert (new.draft.kind, new.draft.period, new.draft.form, new.info.unit_id) == (MONTHLY, MAY, "cong_van", unit_id)
    carried = {f.id for f in get_kind(MONTHLY).fields if f.carry}
    assert new.draft.values == {k: v for k, v in previous.values.items() if k in carried}
    assert new.draft.values.get("request_ref") == previous.values["request_ref"]
    assert new.draft.values["budget_year"] == previous.values["budget_year"], "the year of the amounts comes with them"
    assert [r.source for r in store.revision_list(new.info.id)] == ["previous"]
    assert wizard.session.draft.period == MAY

    # back home: the draft exists now, so the button opens it instead of making another
    assert window.close_wizard()
    assert window.stack.currentWidget() is window.views and window.views.currentIndex() == MainViews.HOME
    [row] = window.home.rows
    assert row.button.text() == "Mở" and f"số {new.info.id}" in row.note.text()
    qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    assert window.draft_id == new.info.id
    assert len(store.list_drafts(period=MAY)) == 1
    window.close()


def test_overdue_reports_are_red_and_say_so_in_words(qtbot, store, settings, answers, kit):
    april_sent(store, kit)
    window = make_window(qtbot, store, settings, dt.date(2026, 5, 22))
    may, june = window.home.rows
    assert may.line.text() == "Báo cáo tháng 5/2026 — hạn: trước ngày 20/5/2026, quá hạn 3 ngày"
    assert text_colour(may.line) == ERROR and may.line.font().bold(), "overdue in red…"
    assert "quá hạn" in may.line.text() and "quá hạn" in may.button.accessibleDescription(), "…and in words"
    assert june.line.text() == "Báo cáo tháng 6/2026 — hạn: trước ngày 20/6/2026, còn 29 ngày"
    assert text_colour(june.line) != ERROR
    assert "1 báo cáo quá hạn" in window.statusBar().currentMessage()
    window.close()


def test_the_homes_lines_are_plain_text_that_the_mouse_does_not_select(qtbot, store, settings, answers, kit):
    """As in a list: a rich-text or selectable label is laid out as a text document, a cost at every start."""
    from PySide6.QtWidgets import QLabel

    april_sent(store, kit)
    window = make_window(qtbot, store, settings, dt.date(2026, 5, 22))
    home = window.home
    [title] = [x for x in home.body.findChildren(QLabel) if x.text().startswith("BC-KHCN — ")]
    assert title.textFormat() == Qt.TextFormat.PlainText and title.font().bold(), "a kind's name shown as written"
    assert home.rows and all(row.line.textFormat() == Qt.TextFormat.PlainText for row in home.rows)
    labels = home.findChildren(QLabel)
    assert len(labels) > 8
    for label in labels:
        assert not label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse, label.text()
        assert label.textFormat() != Qt.TextFormat.RichText, label.text()
    window.close()


def test_with_nothing_due_the_home_says_so_and_offers_the_list(qtbot, store, settings, answers, kit):
    unit_id, _ = april_sent(store, kit)
    may = store.create_draft(MONTHLY, MAY, unit_id)
    store.record_export(may, Path("BC-T05.docx"), "b" * 64, 1)
    window = make_window(qtbot, store, settings, dt.date(2026, 5, 15))
    home = window.home
    assert home.rows == [] and not home.scroll.isVisible()
    assert home.empty_text.text() == "Không có báo cáo nào đến hạn hay quá hạn."
    assert "BC-KHCN" in home.empty_hint.text()
    assert window.statusBar().currentMessage() == "", "nothing to say at start"
    assert home.drafts_button.isVisible() and not home.kinds_button.isVisible()
    qtbot.mouseClick(home.drafts_button, Qt.MouseButton.LeftButton)
    assert window.views.currentIndex() == MainViews.DRAFTS and window.list_page.table.rowCount() == 2
    window.close()


@pytest.mark.parametrize("nothing_due", [False, True])
def test_the_frame_shown_before_the_fill_offers_no_buttons_the_fill_may_take_away(
    qtbot, store, settings, answers, kit, nothing_due
):
    """At start the window is painted before its lists are filled: the home's frame is its heading and footer,
    not the buttons of an empty home that flash away when the rows come (nor «Nhập thông tin đơn vị…», which
    would say there is no profile)."""
    unit_id, _ = april_sent(store, kit)
    if nothing_due:
        may = store.create_draft(MONTHLY, MAY, unit_id)
        store.record_export(may, Path("BC-T05.docx"), "b" * 64, 1)
    window = MainWindow(store, settings, today=dt.date(2026, 5, 15), fill_later=True)
    qtbot.addWidget(window)
    window.show()
    home = window.home
    assert not window.is_filled and home.heading.isVisible() and home.footer.isVisible()
    assert not home.empty.isVisible() and not any(b.isVisible() for b in home.findChildren(QPushButton))
    with qtbot.waitSignal(window.filled, timeout=5000):
        pass
    assert home.empty.isVisible() == nothing_due and bool(home.rows) != nothing_due
    assert not home.profile_button.isVisible()
    window.close()


def test_the_view_open_last_is_opened_again_and_the_keys_switch_views(qtbot, store, settings, answers, kit):
    april_sent(store, kit)
    window = make_window(qtbot, store, settings, dt.date(2026, 5, 15))
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    assert QApplication.focusWidget() is window.home.rows[0].button, "the first «Soạn» has the keyboard"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.views.currentIndex() == MainViews.DRAFTS
    assert settings.q.value(VIEW_KEY) == "drafts"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.views.currentIndex() == MainViews.HOME
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.views.currentIndex() == MainViews.DRAFTS
    assert QApplication.focusWidget() is window.list_page.search, "Ctrl+F finds a draft from the home too"
    window.close()

    again = make_window(qtbot, store, settings, dt.date(2026, 5, 15))
    assert again.views.currentIndex() == MainViews.DRAFTS, "the list was open last"
    assert "1 báo cáo đến hạn" in again.statusBar().currentMessage(), "said at start on either view"
    again.drafts_action.trigger()
    again.home_action.trigger()
    assert again.views.currentIndex() == MainViews.HOME
    # Ctrl+1 from a draft saves it and goes home
    again.open_draft(store.list_drafts()[0].id)
    again.home_action.trigger()
    assert again.wizard is None and again.views.currentIndex() == MainViews.HOME
    again.close()


def test_enter_on_soan_starts_the_report(qtbot, store, settings, answers, kit):
    april_sent(store, kit)
    window = make_window(qtbot, store, settings, dt.date(2026, 5, 15))
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    qtbot.keyClick(window.home.rows[0].button, Qt.Key.Key_Return)
    assert window.wizard is not None and store.load(window.draft_id).draft.period == MAY
    window.close()


def test_kinds_ticked_in_the_profile_are_due_and_soan_starts_from_the_kinds_defaults(
    qtbot, store, settings, answers, kit, monkeypatch
):
    example = drafts.load(kit.EXAMPLES[0])
    unit_id = store.save_unit(kit.profile_for(example))
    window = make_window(qtbot, store, settings, dt.date(2026, 5, 15))
    home = window.home
    assert home.rows == [] and home.empty_text.text() == "Chưa biết đơn vị làm những loại báo cáo nào."
    assert home.kinds_button.isVisible()

    def tick(dialog: ProfileDialog) -> int:
        assert dialog.tabs.currentWidget() is dialog.kinds_page, "opened on the page of report kinds"
        assert set(dialog.kind_boxes) == {"co-che-tai-chinh-thang", "quan-ly-khcn-6-thang", "ke-hoach-khcn-nam"}
        assert not any(box.isChecked() for box in dialog.kind_boxes.values())
        qtbot.mouseClick(dialog.kind_boxes[MONTHLY], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(ProfileDialog, "exec", tick)
    qtbot.mouseClick(home.kinds_button, Qt.MouseButton.LeftButton)
    assert store.unit(unit_id).report_kinds == (MONTHLY,)
    [row] = home.rows
    assert row.line.text().startswith("Báo cáo tháng 5/2026 — hạn: trước ngày 20/5/2026")
    qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    new = store.load(window.draft_id)
    assert (new.draft.period, new.draft.form) == (MAY, get_kind(MONTHLY).forms[0])
    assert new.draft.signer.name == example.signer.name, "the profile's default signer"
    assert [r.source for r in store.revision_list(new.info.id)] == ["create"]
    window.close()


def test_the_profile_keeps_a_ticked_kind_this_computer_cannot_read(qtbot, store, settings, kit, monkeypatch):
    example = drafts.load(kit.EXAMPLES[0])
    unit_id = store.save_unit(replace(kit.profile_for(example), report_kinds=("mau-cua-so", MONTHLY)))
    dialog = ProfileDialog(store, store.unit(unit_id))
    qtbot.addWidget(dialog)
    assert dialog.kind_boxes[MONTHLY].isChecked() and "mau-cua-so" not in dialog.kind_boxes
    dialog.kind_boxes[MONTHLY].setChecked(False)
    dialog.kind_boxes["quan-ly-khcn-6-thang"].setChecked(True)
    dialog.accept()
    assert store.unit(unit_id).report_kinds == ("mau-cua-so", "quan-ly-khcn-6-thang")


def test_what_is_due_is_worked_out_from_the_kinds_the_lists_read(qtbot, store, settings, answers, kit, monkeypatch):
    """The home asks the window for each kind (read once, when the lists were filled) instead of looking every kind
    up again; a kind the profile names that is not on this PC is still named in the problems."""
    example = drafts.load(kit.EXAMPLES[0])
    store.save_unit(replace(kit.profile_for(example), report_kinds=("mau-cua-so", MONTHLY)))
    window = make_window(qtbot, store, settings, dt.date(2026, 5, 15))
    from kpdesk.kinds.registry import Registry

    looked_up: list[str] = []
    newest = Registry.newest_summary

    def newest_summary(self, kind_id):
        looked_up.append(kind_id)
        return newest(self, kind_id)

    monkeypatch.setattr(Registry, "newest_summary", newest_summary)
    due = window.home.refresh()
    assert looked_up == ["mau-cua-so"], "only the kind the lists do not have is looked up"
    assert due is not None and due.items and all(item.kind is window.kind(item.kind.id) for item in due.items)
    assert [k.id for k in due.kinds] == [MONTHLY]
    assert window.home.problems.isVisible() and "«mau-cua-so»" in window.home.problems.text()
    window.close()


def test_without_a_profile_the_home_says_what_to_do(qtbot, store, settings, answers, kit, monkeypatch):
    window = make_window(qtbot, store, settings, dt.date(2026, 5, 15))
    home = window.home
    assert home.rows == [] and home.empty_text.text() == "Chưa có thông tin đơn vị."
    assert window.statusBar().currentMessage() == ""
    assert home.profile_button.isVisible() and not home.new_button.isVisible()

    def enter(dialog: ProfileDialog) -> int:
        assert dialog.windowTitle().startswith("Thông tin đơn vị")
        dialog.load(kit.profile_for(drafts.load(kit.EXAMPLES[0])))
        dialog.kind_boxes[MONTHLY].setChecked(True)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(ProfileDialog, "exec", enter)
    qtbot.mouseClick(home.profile_button, Qt.MouseButton.LeftButton)
    assert [r.item.period for r in home.rows] == [MAY] and not home.profile_button.isVisible()
    window.close()
