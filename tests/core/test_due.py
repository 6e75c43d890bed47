"""What is due: the periods a unit has still to send, their deadlines and days left, and `kpdesk due`."""

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest

from kpdesk import cli
from kpdesk import draft as drafts
from kpdesk.deadlines import Deadline, period_key
from kpdesk.due import LOOKBACK_DAYS, due_for_unit, start_draft
from kpdesk.errors import KindError
from kpdesk.kinds import get_kind
from kpdesk.period import Period
from kpdesk.store import SignerProfile, Store, UnitProfile

ROOT = Path(__file__).resolve().parents[2]
MONTHLY, HALF, PLAN = "co-che-tai-chinh-thang", "quan-ly-khcn-6-thang", "ke-hoach-khcn-nam"


def month(m: int, year: int = 2026) -> Period:
    return Period("month", year, month=m)


def day(d: int, m: int, year: int = 2026) -> dt.date:
    return dt.date(year, m, d)


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "dữ liệu") as s:
        yield s


def save_unit(store: Store, name: str = "Thiệu Trung", **changes) -> UnitProfile:
    profile = UnitProfile(
        name=name,
        province="Thanh Hóa",
        office_symbol="VHXH",
        signers=(SignerProfile("Trần Ngọc Tùng", "PHÓ CHỦ TỊCH", ("KT. CHỦ TỊCH",), True),),
        default_recipients=("Sở KH&CN (để b/c)",),
        **changes,
    )
    return store.unit(store.save_unit(profile))


@pytest.fixture
def unit(store) -> UnitProfile:
    return save_unit(store)


def draft(
    store: Store,
    unit: UnitProfile,
    period: Period,
    kind: str = MONTHLY,
    *,
    exported: bool = False,
    form: str | None = None,
) -> int:
    draft_id = store.create_draft(kind, period, unit.id, form=form)
    if exported:
        store.record_export(draft_id, Path(f"{kind}-{period.code}.docx"), "a" * 64, store.info(draft_id).revision)
    return draft_id


def due(store, unit, today, **kw):
    return due_for_unit(store, store.unit(unit.id), today, **kw)


def listed(store, unit, today, **kw) -> list[tuple[str, str, str]]:
    """(kind, period key, state) of each item listed on `today`."""
    return [(i.kind.id, period_key(i.period), i.state) for i in due(store, unit, today, **kw).items]


# ---------------------------------------------------------------------------- the monthly report


def test_with_april_sent_the_may_report_is_due_before_the_twentieth(store, unit):
    draft(store, unit, month(4), exported=True)
    [item] = due(store, unit, day(15, 5)).items
    assert (item.period, item.state, item.draft_id, item.action) == (month(5), "due", None, "Soạn")
    assert item.deadline == Deadline(day(19, 5), "kind")
    assert item.days_left == 4, "days to the last on-time day, the 19th"
    assert item.line == "Báo cáo tháng 5/2026 — hạn: trước ngày 20/5/2026, còn 5 ngày"
    assert item.soon and item.unit_name == "xã Thiệu Trung"


@pytest.mark.parametrize(
    ("today", "days_left", "state", "when", "soon"),
    [
        (day(1, 5), 18, "due", "còn 19 ngày", False),
        (day(14, 5), 5, "due", "còn 6 ngày", False),
        (day(15, 5), 4, "due", "còn 5 ngày", True),  # five days before the 20th: "soon"
        (day(18, 5), 1, "due", "còn 2 ngày", True),
        (day(19, 5), 0, "due", "hôm nay là ngày cuối", True),
        (day(20, 5), -1, "overdue", "quá hạn 1 ngày", True),
        (day(22, 5), -3, "overdue", "quá hạn 3 ngày", True),
    ],
)
def test_the_boundary_days_of_the_may_report(store, unit, today, days_left, state, when, soon):
    draft(store, unit, month(4), exported=True)
    may = due(store, unit, today).items[0]
    assert may.period == month(5)
    assert (may.days_left, may.state, may.when, may.soon) == (days_left, state, when, soon)
    assert may.line.endswith(f"hạn: trước ngày 20/5/2026, {when}")


def test_from_the_twentieth_may_is_overdue_and_june_is_the_next_deadline(store, unit):
    draft(store, unit, month(4), exported=True)
    assert listed(store, unit, day(19, 5)) == [(MONTHLY, "2026-05", "due")]
    assert listed(store, unit, day(20, 5)) == [(MONTHLY, "2026-05", "overdue"), (MONTHLY, "2026-06", "due")]
    assert listed(store, unit, day(25, 6)) == [
        (MONTHLY, "2026-05", "overdue"),
        (MONTHLY, "2026-06", "overdue"),
        (MONTHLY, "2026-07", "due"),
    ]


def test_once_may_is_exported_it_disappears(store, unit):
    draft(store, unit, month(4), exported=True)
    may = draft(store, unit, month(5))
    [item] = due(store, unit, day(15, 5)).items
    assert (item.draft_id, item.action) == (may, "Mở"), "a draft exists: it is opened, not made again"
    store.record_export(may, Path("BC-T05.docx"), "b" * 64, store.info(may).revision)
    assert listed(store, unit, day(15, 5)) == []
    assert listed(store, unit, day(20, 5)) == [(MONTHLY, "2026-06", "due")]


def test_a_report_edited_after_its_export_still_counts_as_sent(store, unit):
    april = draft(store, unit, month(4), exported=True)
    stored = store.load(april)
    store.save(april, replace(stored.draft, values={**stored.draft.values, "closing": "Sửa sau khi gửi"}))
    assert store.info(april).status == "drafting"
    assert listed(store, unit, day(15, 5)) == [(MONTHLY, "2026-05", "due")]


def test_a_draft_in_the_bin_is_no_draft_and_no_report_sent(store, unit):
    draft(store, unit, month(4), exported=True)
    may = draft(store, unit, month(5), exported=True)
    store.delete(may)
    [item] = due(store, unit, day(15, 5)).items
    assert item.period == month(5) and item.draft_id is None


def test_of_several_drafts_of_a_period_the_last_saved_is_opened(store, unit):
    draft(store, unit, month(4), exported=True)
    first = draft(store, unit, month(5))
    second = store.duplicate(first)
    assert due(store, unit, day(15, 5)).items[0].draft_id == second
    stored = store.load(first)
    store.save(first, replace(stored.draft, values={**stored.draft.values, "closing": "Sửa bản đầu"}))
    assert due(store, unit, day(15, 5)).items[0].draft_id == first


def test_without_any_report_sent_only_the_current_period_is_listed(store, unit):
    draft(store, unit, month(5))
    assert listed(store, unit, day(15, 5)) == [(MONTHLY, "2026-05", "due")]


def test_a_report_begun_and_never_exported_is_owed_from_its_period_on(store, unit):
    """Issue 22: the periods with no exported report are listed; a draft of March written and never exported means
    March (and April after it) is still owed, even when no report was ever sent."""
    march = draft(store, unit, month(3))
    found = due(store, unit, day(15, 5)).items
    assert [(period_key(i.period), i.state, i.draft_id) for i in found] == [
        ("2026-03", "overdue", march),
        ("2026-04", "overdue", None),
        ("2026-05", "due", None),
    ]
    store.record_export(march, Path("bc-3.docx"), "a" * 64, store.info(march).revision)
    assert listed(store, unit, day(15, 5)) == [(MONTHLY, "2026-04", "overdue"), (MONTHLY, "2026-05", "due")]


def test_it_looks_back_one_year_at_most(store, unit):
    draft(store, unit, month(1, 2024), exported=True)
    found = due(store, unit, day(15, 5)).items
    assert [period_key(i.period) for i in found] == [f"2025-{m:02d}" for m in range(5, 13)] + [
        f"2026-{m:02d}" for m in range(1, 6)
    ]
    assert all(i.period.end >= day(15, 5) - dt.timedelta(days=LOOKBACK_DAYS) for i in found)
    assert [i.state for i in found] == ["overdue"] * 12 + ["due"]
    assert found[0].line == "Báo cáo tháng 5/2025 — hạn: trước ngày 20/5/2025, quá hạn 361 ngày"


def test_another_units_reports_are_its_own(store, unit):
    other = save_unit(store, "Bỉm Sơn", level="phường")
    draft(store, unit, month(4), exported=True)
    draft(store, other, month(5), exported=True)
    assert listed(store, unit, day(15, 5)) == [(MONTHLY, "2026-05", "due")]
    assert listed(store, other, day(15, 5)) == []


# ---------------------------------------------------------------------------- the kinds a unit makes


def test_a_kind_ticked_in_the_profile_is_due_without_any_draft(store):
    unit = save_unit(store, report_kinds=(MONTHLY,))
    assert listed(store, unit, day(15, 5)) == [(MONTHLY, "2026-05", "due")]
    nothing = save_unit(store, "Thiệu Hòa")
    result = due(store, nothing, day(15, 5))
    assert (result.items, result.kinds) == ((), ())


def test_a_kind_that_cannot_be_read_is_said_and_the_others_still_listed(store):
    unit = save_unit(store, report_kinds=("mau-da-xoa", MONTHLY))
    result = due(store, unit, day(15, 5))
    assert [k.id for k in result.kinds] == [MONTHLY]
    assert len(result.items) == 1
    [problem] = result.problems
    assert "«mau-da-xoa»" in problem


def test_only_kinds_written_by_communes_are_listed(store):
    unit = save_unit(store, report_kinds=(MONTHLY, HALF))

    class DepartmentKind:  # a kind the department writes itself (`Kind.audience`, issue #16)
        audience = "department"

        def __init__(self, kind):
            self.kind = kind

        def __getattr__(self, name):
            return getattr(self.kind, name)

    def kinds(kind_id):
        return DepartmentKind(get_kind(kind_id)) if kind_id == HALF else get_kind(kind_id)

    assert [k.id for k in due(store, unit, day(15, 5), kinds=kinds).kinds] == [MONTHLY]


# ---------------------------------------------------------------------------- half-year and annual reports


def test_a_half_year_without_a_department_date_is_listed_once_it_has_ended(store):
    unit = save_unit(store, report_kinds=(HALF,))
    # none sent yet: the last half-year that has ended, until the current one ends
    assert listed(store, unit, day(30, 6)) == [(HALF, "2025-H2", "due")]
    [item] = due(store, unit, day(1, 7)).items
    assert (item.period, item.deadline, item.days_left, item.state) == (Period("half", 2026, half=1), None, None, "due")
    assert item.when == "chưa có hạn" and not item.soon
    assert item.line == (
        "Báo cáo 6 tháng đầu năm 2026 — chưa có hạn (Sở chưa đặt ngày); kỳ báo cáo đã hết ngày 30/6/2026"
    )


def test_a_half_year_with_a_department_date_uses_that_date(store):
    unit = save_unit(store, report_kinds=(HALF,))
    dates = {HALF: {"2026-H1": day(15, 7)}}
    [item] = due(store, unit, day(15, 5), set_dates=dates).items
    assert item.deadline == Deadline(day(15, 7), "department")
    assert item.line == "Báo cáo 6 tháng đầu năm 2026 — hạn: ngày 15/7/2026, còn 61 ngày"
    assert [(i.when, i.soon) for i in due(store, unit, day(10, 7), set_dates=dates).items] == [("còn 5 ngày", True)]
    assert [i.when for i in due(store, unit, day(15, 7), set_dates=dates).items] == ["hôm nay là ngày cuối"]
    assert listed(store, unit, day(16, 7), set_dates=dates) == [(HALF, "2026-H1", "overdue")]


def test_a_half_year_with_a_date_from_the_kind_package_uses_that_date(store):
    unit = save_unit(store, report_kinds=(HALF,))
    packaged = replace(get_kind(HALF), deadlines={"2026-H1": day(15, 7)})

    def kinds(kind_id):
        return packaged if kind_id == HALF else get_kind(kind_id)

    [item] = due(store, unit, day(15, 5), kinds=kinds).items
    assert (item.period, item.deadline) == (Period("half", 2026, half=1), Deadline(day(15, 7), "department"))
    assert listed(store, unit, day(16, 7), kinds=kinds) == [(HALF, "2026-H1", "overdue")]


def test_a_kind_with_several_period_types_is_due_in_the_types_the_unit_uses(store):
    unit = save_unit(store, report_kinds=(HALF,))
    draft(store, unit, Period("year", 2025), HALF, exported=True)
    assert listed(store, unit, day(2, 1, 2027)) == [(HALF, "2026", "due")], "years only: no half-year drafts"
    draft(store, unit, Period("half", 2026, half=1), HALF, exported=True)
    assert listed(store, unit, day(2, 1, 2027)) == [(HALF, "2026", "due"), (HALF, "2026-H2", "due")]


def test_next_years_plan_is_due_when_the_department_dates_it_this_year(store):
    unit = save_unit(store, report_kinds=(PLAN,))
    dates = {PLAN: {"2027": day(31, 7)}}
    assert listed(store, unit, day(15, 5)) == [(PLAN, "2025", "due")], "no date: the last year that has ended"
    [item] = due(store, unit, day(15, 5), set_dates=dates).items
    assert (period_key(item.period), item.days_left, item.title) == ("2027", 77, "Báo cáo năm 2027")


def test_items_come_most_pressing_first_and_grouped_by_kind(store):
    unit = save_unit(store, report_kinds=(HALF, MONTHLY))
    draft(store, unit, month(5), exported=True)
    dates = {HALF: {"2026-H1": day(15, 7)}}
    result = due(store, unit, day(10, 7), set_dates=dates)
    assert [(i.kind.id, period_key(i.period)) for i in result.items] == [
        (MONTHLY, "2026-06"),
        (HALF, "2026-H1"),
        (MONTHLY, "2026-07"),
    ]
    assert [(k.id, [period_key(i.period) for i in items]) for k, items in result.by_kind()] == [
        (MONTHLY, ["2026-06", "2026-07"]),
        (HALF, ["2026-H1"]),
    ]
    assert [period_key(i.period) for i in result.overdue] == ["2026-06"]
    assert [period_key(i.period) for i in result.soon] == ["2026-H1"]


# ---------------------------------------------------------------------------- «Soạn»: the draft for the period


def test_starting_a_report_carries_over_the_previous_one_in_its_form(store, unit):
    april = draft(store, unit, month(4), form="cong_van", exported=True)
    store.set_value(april, "contact_name", "Nghiêm Duy Cương")  # carried over
    store.set_value(april, "disbursed", 120_000_000)  # a figure of the period: not carried
    [item] = due(store, unit, day(15, 5)).items
    may = start_draft(store, item)
    new = store.load(may)
    assert (new.draft.period, new.draft.form, new.info.unit_id) == (month(5), "cong_van", unit.id)
    assert new.draft.values.get("contact_name") == "Nghiêm Duy Cương"
    assert "disbursed" not in new.draft.values
    assert [r.source for r in store.revision_list(may)] == ["previous"]
    # the same item again (the home was not refreshed): the draft just made, not a second one
    assert start_draft(store, item) == may
    assert len(store.list_drafts(period=month(5))) == 1


def test_starting_a_report_without_a_previous_one_uses_the_kinds_defaults(store):
    unit = save_unit(store, report_kinds=(MONTHLY,))
    [item] = due(store, unit, day(15, 5)).items
    new = store.load(start_draft(store, item))
    kind = get_kind(MONTHLY)
    assert (new.draft.period, new.draft.form) == (month(5), kind.forms[0])
    assert new.draft.signer.name == "Trần Ngọc Tùng"
    assert [r.source for r in store.revision_list(new.info.id)] == ["create"]


# ---------------------------------------------------------------------------- kpdesk due


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_kpdesk_due_prints_each_units_list(tmp_path, capsys):
    data = str(tmp_path / "dữ liệu")
    with Store.open(Path(data)) as store:
        unit = save_unit(store)
        other = save_unit(store, "Bỉm Sơn", level="phường", report_kinds=(MONTHLY,))
        draft(store, unit, month(4), exported=True)
        may = draft(store, unit, month(5))
        draft(store, other, month(5), exported=True)
        empty = save_unit(store, "Thiệu Hòa")
    code, out, err = run(capsys, "--data-dir", data, "due", "--on", "2026-05-20")
    assert code == 0 and err == ""
    assert "ngày 20/5/2026" in out
    assert f"xã Thiệu Trung (đơn vị số {unit.id})" in out
    assert (f"! Báo cáo tháng 5/2026 — hạn: trước ngày 20/5/2026, quá hạn 1 ngày · bản nháp số {may}") in out
    assert "- Báo cáo tháng 6/2026 — hạn: trước ngày 20/6/2026, còn 31 ngày · chưa soạn" in out
    assert f"phường Bỉm Sơn (đơn vị số {other.id})\n  BC-KHCN — " in out
    assert f"xã Thiệu Hòa (đơn vị số {empty.id})\n  Chưa biết đơn vị làm loại báo cáo nào" in out
    assert "1 báo cáo quá hạn, 2 báo cáo đến hạn." in out

    code, out, _ = run(capsys, "--data-dir", data, "due", "--on", "2026-05-15", "--unit", str(other.id))
    assert code == 0 and "Không có báo cáo nào đến hạn hay quá hạn (BC-KHCN)." in out
    assert "Thiệu Trung" not in out


def test_kpdesk_due_json_for_scripts(tmp_path, capsys):
    data = str(tmp_path / "dữ liệu")
    with Store.open(Path(data)) as store:
        unit = save_unit(store, report_kinds=(HALF,))
        draft(store, unit, month(4), exported=True)
        may = draft(store, unit, month(5))
    code, out, _ = run(capsys, "--data-dir", data, "due", "--on", "2026-07-01", "--json")
    assert code == 0
    items = json.loads(out)
    assert [(i["kind"], i["period"], i["state"], i["deadline"], i["days_left"], i["draft"]) for i in items] == [
        (MONTHLY, "2026-05", "overdue", "2026-05-19", -43, may),
        (MONTHLY, "2026-06", "overdue", "2026-06-19", -12, None),
        (MONTHLY, "2026-07", "due", "2026-07-19", 18, None),
        (HALF, "2026-H1", "due", None, None, None),
    ]
    assert {i["unit"] for i in items} == {unit.id}
    code, out, _ = run(capsys, "--data-dir", data, "due", "--on", "2026-05-01", "--json", "--unit", str(unit.id))
    assert [i["period"] for i in json.loads(out)] == ["2026-05", "2025-H2"]


def test_kpdesk_due_says_so_when_there_is_nothing_and_refuses_bad_input(tmp_path, capsys):
    data = str(tmp_path / "dữ liệu")
    code, out, _ = run(capsys, "--data-dir", data, "due")
    assert code == 0 and "Chưa có đơn vị nào" in out
    code, out, _ = run(capsys, "--data-dir", data, "due", "--json")
    assert code == 0 and json.loads(out) == []
    code, _, err = run(capsys, "--data-dir", data, "due", "--unit", "7")
    assert code == 2 and "Không có đơn vị số 7" in err
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--data-dir", data, "due", "--on", "15/5/2026"])
    assert exit_.value.code == 2
    assert "viết năm-tháng-ngày, ví dụ 2026-05-15" in capsys.readouterr().err


def test_an_example_draft_imported_is_due_from_its_period_on(tmp_path, capsys):
    data = str(tmp_path / "dữ liệu")
    example = drafts.load(ROOT / "examples" / "000-thieu-trung-bao-cao-thang.json")
    with Store.open(Path(data)) as store:
        store.add_draft(example)
    code, out, _ = run(capsys, "--data-dir", data, "due", "--on", "2026-04-18")
    assert code == 0
    assert "Báo cáo tháng 4/2026 — hạn: trước ngày 20/4/2026, còn 2 ngày · bản nháp số 1" in out


def test_a_broken_kind_in_the_profile_is_a_warning_not_a_failure(tmp_path, capsys, monkeypatch):
    data = str(tmp_path / "dữ liệu")
    with Store.open(Path(data)) as store:
        save_unit(store, report_kinds=(MONTHLY,))

    def broken(kind_id):
        raise KindError(f"Mẫu «{kind_id}» hỏng: thiếu khóa «name».")

    monkeypatch.setattr("kpdesk.due.kind_summary", broken)
    code, out, err = run(capsys, "--data-dir", data, "due", "--on", "2026-05-15")
    assert code == 0 and "Chưa biết đơn vị làm loại báo cáo nào" in out
    assert err.startswith("Cảnh báo: xã Thiệu Trung: Loại báo cáo «co-che-tai-chinh-thang» không đọc được")
