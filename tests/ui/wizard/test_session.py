"""The open draft: every change is checked by the core and saved within a second; a failed save is retried."""

from __future__ import annotations

import datetime as dt

from kpdesk import draft as drafts
from kpdesk.errors import StoreError
from kpdesk.kinds import get_kind
from kpdesk.store import DraftWriter, Store
from kpdesk.vocab import DOCUMENT, DocPart
from ui.wizard.session import DraftSession


def test_changes_are_saved_after_a_pause_and_a_failed_save_is_retried(qtbot, kit):
    draft = drafts.load(kit.EXAMPLES[0])
    kind = get_kind(draft.kind)
    saved: list[drafts.Draft] = []
    failures: list[str] = []
    broken = {"on": True}

    def saver(d):
        if broken["on"]:
            raise StoreError("Ổ đĩa đã đầy. Hãy giải phóng dung lượng rồi thử lại.")
        saved.append(d)

    session = DraftSession(kind, draft, saver, today=dt.date(2026, 11, 20))
    session.RETRY_MS = 200
    session.save_failed.connect(failures.append)
    session.set_value("closing", "Câu kết")
    session.set_value("closing", "Câu kết mới")
    assert session.dirty and not saved
    qtbot.waitUntil(lambda: bool(failures), timeout=1000)
    assert session.dirty, "a refused save keeps the change pending"
    broken["on"] = False
    qtbot.waitUntil(lambda: bool(saved), timeout=1000)
    assert saved == [session.draft] and not session.dirty
    assert saved[0].values["closing"] == "Câu kết mới"


def test_problems_come_from_the_core_and_an_unreadable_input_replaces_required(qtbot, kit):
    draft = drafts.load(kit.EXAMPLES[0])
    kind = get_kind(draft.kind)
    session = DraftSession(kind, draft, today=dt.date(2026, 11, 20))
    assert session.problems == ()
    session.set_value("contact_name", None)
    [problem] = session.problems
    assert problem.code == "field.required" and session.short_message(problem).startswith("Chưa nhập")
    session.set_value("budget_total", None, {"budget_total": "2,5 tỷ rưỡi"})
    assert session.draft.inputs == {"budget_total": "2,5 tỷ rưỡi"} and session.dirty
    codes = {p.field: p.code for p in session.problems}
    assert codes["budget_total"] == "input.unreadable"
    where = "Mục «2. Tình hình triển khai các giải pháp đột phá», «Kinh phí phân bổ cho KH, CN, ĐMST và chuyển đổi số"
    [unread] = [p for p in session.problems if p.code == "input.unreadable"]
    assert unread.message.startswith(f"{where} trong năm»: ") and "«2,5 tỷ rưỡi»" in unread.message
    session.set_value("budget_total", 2_500_000_000, {})
    assert session.draft.inputs == {} and "budget_total" not in {p.field for p in session.problems}


def test_unread_text_of_a_table_and_of_the_signing_date_is_kept_by_key(qtbot, kit):
    draft = drafts.load(kit.EXAMPLES[1])
    session = DraftSession(get_kind(draft.kind), draft, today=dt.date(2026, 11, 20))
    rows = draft.values["measures"]
    session.set_value("measures", rows, {"measures.1.title": "   x"})
    session.update_typed("_date", {"_date": "31/2/2026"}, date=None)
    assert session.draft.inputs == {"measures.1.title": "   x", "_date": "31/2/2026"}
    assert session.inputs_of("measures") == {"measures.1.title": "   x"}
    assert session.inputs_of("_date") == {"_date": "31/2/2026"}
    session.update_typed("_date", {}, date=dt.date(2026, 4, 18))
    assert session.draft.inputs == {"measures.1.title": "   x"}


def test_through_the_store_typing_is_one_revision_and_a_document_part_its_own(qtbot, kit, tmp_path):
    with Store.open(tmp_path, daily_backup=False) as store:
        draft_id = store.add_draft(drafts.load(kit.EXAMPLES[0]))
        stored = store.load(draft_id)
        session = DraftSession(
            get_kind(stored.draft.kind), stored.draft, DraftWriter(store, draft_id), today=dt.date(2026, 11, 20)
        )

        def sources():
            return [r.source for r in store.revision_list(draft_id)]

        session.set_value("closing", stored.draft.values["closing"])
        assert not session.dirty and session.flush() and sources() == ["import"], "no change, nothing written"
        for text in ("Câu", "Câu kết", "Câu kết mới"):
            session.set_value("closing", text)
            assert session.flush() and not session.dirty
        assert sources() == ["edit", "import"]
        session.update(number="15")
        session.set_value("closing", "Câu kết cuối")
        assert session.unsaved.parts == {DocPart.NUMBER} and session.flush()
        assert sources() == ["save", "edit", "import"]
        session.update_typed("_date", {"_date": "31/2/2026"}, date=None)
        assert session.flush() and sources() == ["save", "save", "edit", "import"]
        assert store.load(draft_id).draft == session.draft, "the store holds the session's one draft"


def test_problems_are_the_reports_and_a_refused_period_is_one_of_them(qtbot, kit):
    draft = drafts.load(kit.EXAMPLES[0])
    session = DraftSession(get_kind(draft.kind), draft, today=dt.date(2026, 11, 20))
    session.set_value("contact_name", None)
    session.set_choice_error("_period", "kỳ báo cáo chưa hợp lệ. Hãy chọn lại tháng, nửa năm hoặc năm.")
    report = session.report
    assert (session.problems, session.errors, session.warnings) == (report.problems, report.errors, report.warnings)
    [period] = session.field_problems("_period")
    assert period in session.errors and period in session.section_problems(DOCUMENT)
    assert period.message == (
        "Mục «Thông tin văn bản», «Kỳ báo cáo»: kỳ báo cáo chưa hợp lệ. Hãy chọn lại tháng, nửa năm hoặc năm."
    )
    assert session.short_message(period).startswith("Kỳ báo cáo chưa hợp lệ")
    assert [p.code for p in session.field_problems("contact_name")] == ["field.required"]
    session.set_choice_error("_period", None)
    assert session.field_problems("_period") == () and len(session.errors) == 1
