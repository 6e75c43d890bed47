"""Consolidation: every expected unit's latest figures, totals equal to the sums over the drafts, rates recomputed from
the summed counts, missing units blank, the communes' points grouped, and the data the charts draw."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest

from kpdesk import vn
from kpdesk.compute import compute
from kpdesk.deadlines import parse_period
from kpdesk.department import consolidate as c
from kpdesk.department.records import Records
from kpdesk.department.unitlist import ListedUnit
from kpdesk.kinds import get_kind, kind_of
from kpdesk.store import Store

MONTHLY, HALF, ANNUAL = "co-che-tai-chinh-thang", "quan-ly-khcn-6-thang", "ke-hoach-khcn-nam"
MAY = parse_period("2026-05")
TODAY = dt.date(2026, 5, 25)


@pytest.fixture(scope="module")
def may(intake):
    return c.consolidate(intake.records, get_kind(MONTHLY), MAY, today=TODAY)


def latest_drafts(records: Records, kind_id: str, period) -> dict[str, object]:
    """Each listed unit's latest draft, read the long way (the whole draft, through `Version.draft`)."""
    out = {}
    for sub in records.submissions(kind_id, period):
        if sub.unit_id is not None:
            out[records.unit(sub.unit_id).code] = records.latest(sub.id).draft
    return out


# ----------------------------------------------------------------------------- the kind's figures


def test_the_figures_come_from_the_kind_section_by_section():
    themes = {t.id: t for t in c.themes_of(get_kind(MONTHLY))}
    assert list(themes) == ["tinh_hinh", "quy"]  # sections without figures (the request, the texts) have no sheet
    cols = {col.id: col for t in themes.values() for col in t.columns}
    assert "contact_honorific" not in cols  # filled from the unit's profile: not a figure of the period
    assert cols["budget_total"].type == c.AMOUNT and cols["budget_total"].total == c.SUM
    assert cols["budget_year"].type == c.YEAR and cols["budget_year"].total == c.NONE  # years are never added up
    assert (cols["disbursed_pct"].total, cols["disbursed_pct"].num, cols["disbursed_pct"].den) == (
        c.RATE,
        "disbursed",
        "budget_total",
    )
    assert cols["fund_status"].total == c.COUNTS and [o.label for o in cols["fund_status"].options] == [
        "Đã thành lập",
        "Chưa thành lập",
    ]
    assert cols["measures#rows"].group == "Các giải pháp tháo gỡ điểm nghẽn đã triển khai"
    assert not any(col.id.endswith("_words") for col in cols.values())

    annual = {col.id: col for t in c.themes_of(get_kind(ANNUAL)) for col in t.columns}
    # a typed percentage tied to its counts by a percent_close rule gets a recomputed total; one not tied, none
    assert (annual["proc_on_time_pct"].total, annual["proc_on_time_pct"].den) == (c.RATE, "proc_settled")
    assert annual["digitization_pct"].total == c.NONE
    assert [annual[f"estimate_by_group.{g}"].label for g in ("kh_cn", "dmst", "cds")] == [
        "Khoa học, công nghệ",
        "Đổi mới sáng tạo (Khoản 111)",
        "Chuyển đổi số (Khoản 121)",
    ]
    assert "estimate_lines#rows" in annual and "estimate_lines.amount" not in annual  # summed by estimate_sum

    half = {col.id: col for t in c.themes_of(get_kind(HALF)) for col in t.columns}
    assert "models#rows" not in half and "models.area" not in half  # models_count and models_area say them
    assert half["models_area"].type == c.DECIMAL and half["documents#rows"].label == "Số mục"


# ----------------------------------------------------------------------------- one period's consolidation


def test_every_expected_unit_has_one_row_and_a_missing_unit_a_blank_one(intake, may):
    units = intake.records.units()
    assert [r.unit.code for r in may.rows] == [u.code for u in units]
    missing = {r.unit.code: r for r in may.rows if not r.sent}
    assert set(missing) == {"TH41", "TH42"}
    assert all(r.values == {} and r.source is None for r in missing.values())
    assert [r.sender for r in may.status.unlisted] == ["xã Thiệu Trong"]  # not added up: a slip in a name


def test_totals_equal_the_sums_over_the_drafts(intake, may):
    drafts = latest_drafts(intake.records, MONTHLY, MAY)
    assert len(drafts) == len(may.sent) == 40
    derived = {code: compute(kind_of(d), d) for code, d in drafts.items()}
    for field in ("budget_total", "budget_st", "budget_dt", "disbursed"):
        present = [d.values[field] for d in drafts.values() if d.values.get(field) is not None]
        assert may.totals[field] == sum(present) and may.reported[field] == len(present), field
        assert isinstance(may.totals[field], int)  # đồng, exact
    # 30 on time (300…329 triệu), 3 of seed 001 (2.382 triệu), 7 of seed 000 (352 triệu)
    assert (
        may.totals["budget_total"] == sum(300 + i for i in range(30)) * 1_000_000 + 3 * 2_382_000_000 + 7 * 352_000_000
    )
    parts = [v["budget_parts"] for v in derived.values() if v["budget_parts"] is not None]
    assert may.totals["budget_parts"] == sum(parts)
    assert may.totals["measures#rows"] == sum(len(d.values.get("measures") or []) for d in drafts.values())
    statuses = [d.values.get("fund_status") for d in drafts.values()]
    assert may.totals["fund_status"] == {
        "established": statuses.count("established"),
        "not_established": statuses.count("not_established"),
    }


def test_the_corrected_version_is_the_one_added_up_and_every_figure_names_its_source(intake, may):
    row = next(r for r in may.rows if r.unit.code == "TH38")
    assert row.source is not None and row.source.version == 2 and row.values["fund_status"] == "not_established"
    figures = list(may.figures())
    assert len(figures) == sum(len(r.values) for r in may.rows)
    for f in figures:
        assert f.source.unit == f.unit.code
        version = intake.records.latest(f.source.report_id)
        assert version.number == f.source.version
    assert {f.column.id for f in figures if f.unit.code == "TH38"} >= {"budget_total", "fund_status"}


def test_a_rate_is_recomputed_from_the_summed_counts_of_the_units_that_gave_both(tmp_path, make_draft):
    """Three units' disbursement rates 10%, 90% and 10% average 36,67%; the province's rate is 1.010/2.100 of the
    three that gave both figures, and the fourth unit's allocation (no disbursement given) is not in it."""
    given = {
        "A": (1_000_000_000, 100_000_000),
        "B": (1_000_000_000, 900_000_000),
        "C": (100_000_000, 10_000_000),
        "D": (5_000_000_000, None),
    }
    with Store.open(tmp_path / "so") as store:
        records = Records(store)
        records.import_units([ListedUnit(code, f"Xã {code}", "xã") for code in [*given, "E"]])
        for code, (budget, disbursed) in given.items():
            draft = make_draft(
                "001",
                f"Xã {code}",
                "xã",
                period={"type": "month", "year": 2026, "month": 5},
                date="2026-05-10",
                budget_total=budget,
                disbursed=disbursed,
                budget_st=None,
                budget_dt=None,
            )
            digest = hashlib.sha256(code.encode()).hexdigest()
            records.add_version(
                draft,
                unit=records.find_unit(code),
                file_name=f"{code}.docx",
                file_sha256=digest,
                payload_sha256=digest,
                source="test",
                received_on=dt.date(2026, 5, 12),
                problems=(),
            )
        cons = c.consolidate(records, get_kind(MONTHLY), MAY, today=TODAY)
    rates = [r.values["disbursed_pct"] for r in cons.sent if "disbursed_pct" in r.values]
    assert sorted(rates) == [Decimal("10.00"), Decimal("10.00"), Decimal("90.00")]
    assert cons.totals["disbursed_pct"] == vn.percent_of(1_010_000_000, 2_100_000_000) == Decimal("48.10")
    assert cons.totals["disbursed_pct"] != (sum(rates) / 3).quantize(Decimal("0.01"))
    assert cons.reported["disbursed_pct"] == 3
    assert cons.totals["budget_total"] == 7_100_000_000 and cons.totals["disbursed"] == 1_010_000_000
    assert not next(r for r in cons.rows if r.unit.code == "E").sent
    [chart] = c.rate_charts(cons)
    assert [p.code for p in chart.pairs] == ["B", "A", "C"]  # highest rate first (A before C: by code)
    assert (chart.total_num, chart.total_den, chart.total_rate, chart.missing) == (
        1_010_000_000,
        2_100_000_000,
        Decimal("48.10"),
        2,
    )
    assert chart.top(2) == chart.pairs[:2] and chart.bottom(2) == chart.pairs[2:]  # never the same unit twice


def test_the_annual_rates_are_recomputed_from_the_sums_of_their_counts(intake):
    cons = c.consolidate(intake.records, get_kind(ANNUAL), parse_period("2026"), today=dt.date(2026, 12, 20))
    assert len(cons.sent) == 2
    drafts = latest_drafts(intake.records, ANNUAL, parse_period("2026"))
    settled = sum(d.values["proc_on_time"] + d.values["proc_late"] for d in drafts.values())
    on_time = sum(d.values["proc_on_time"] for d in drafts.values())
    assert cons.totals["proc_on_time_pct"] == cons.totals["proc_on_time_pct_calc"] == vn.percent_of(on_time, settled)
    assert cons.totals.get("digitization_pct") is None  # typed by each unit, tied to no counts: no total
    groups = [compute(kind_of(d), d)["estimate_by_group"] for d in drafts.values()]
    for g in ("kh_cn", "dmst", "cds"):
        assert cons.totals[f"estimate_by_group.{g}"] == sum(x[g] for x in groups)


# ----------------------------------------------------------------------------- what the communes wrote


def test_the_points_many_communes_raised_are_grouped_by_their_text(tmp_path, make_draft):
    written = {
        "A": ["Một là, thiếu kinh phí cho chuyển đổi số;", "Cán bộ kiêm nhiệm"],
        "B": ["Thiếu kinh phí cho chuyển đổi số.", "cán bộ kiêm nhiệm."],
        "C": ["- thiếu kinh phi cho chuyển đổi số", "Hạ tầng mạng yếu"],  # a slip in a diacritic
        "D": ["Thứ nhất, thiếu kinh phí cho chuyển đổi sổ", "Thiếu kinh phí cho chuyển đổi số."],  # twice: once
        "E": ["Hạ tầng mạng còn yếu", "Một ý riêng của xã"],  # near the words of C
    }
    with Store.open(tmp_path / "so") as store:
        records = Records(store)
        records.import_units([ListedUnit(code, code, "xã") for code in written])
        for code, items in written.items():
            draft = make_draft(
                "000",
                code,
                "xã",
                period={"type": "month", "year": 2026, "month": 5},
                date="2026-05-10",
                difficulties=items,
                proposals=["Đề nghị tập huấn"],
            )
            digest = hashlib.sha256(code.encode()).hexdigest()
            records.add_version(
                draft,
                unit=records.find_unit(code),
                file_name=f"{code}.docx",
                file_sha256=digest,
                payload_sha256=digest,
                source="test",
                received_on=dt.date(2026, 5, 12),
                problems=(),
            )
        cons = c.consolidate(records, get_kind(MONTHLY), MAY, today=TODAY)
    found = [r for r in c.raised(cons) if r.field == "difficulties"]
    assert [(r.text, r.count) for r in found] == [
        ("Thiếu kinh phí cho chuyển đổi số", 4),
        ("Cán bộ kiêm nhiệm", 2),
        ("Hạ tầng mạng yếu", 2),
    ]
    assert found[0].units == ("xã A", "xã B", "xã C", "xã D") and found[0].label == "Các khó khăn, vướng mắc"
    proposals = [r for r in c.raised(cons) if r.field == "proposals"]
    assert [(r.text, r.count) for r in proposals] == [("Đề nghị tập huấn", 5)]
    assert not [r for r in c.raised(cons, at_least=6)]


# ----------------------------------------------------------------------------- what the charts draw


def test_the_chart_data_says_what_the_status_and_the_figures_say(intake, may):
    kind = get_kind(MONTHLY)
    chart = c.status_chart(intake.records, kind, [parse_period("2026-04"), MAY], today=TODAY)
    april, last = chart.points
    assert april.counts["missing"] == april.expected == 42 and last.label == "T05/2026"
    assert last.counts == {state: may.status.count(state) for state in last.counts}
    assert sum(last.counts.values()) == last.expected == 42
    late = {u.code: u for u in chart.late}
    assert {"TH41", "TH42"} <= set(late) and late["TH31"].state == "late" and late["TH31"].days == 3
    assert [u.days for u in chart.late] == sorted((u.days for u in chart.late), reverse=True)

    options = {o.id: o for o in c.option_charts(may)}
    assert options["fund_status"].counts == (("Đã thành lập", 0), ("Chưa thành lập", 38))
    assert (options["fund_status"].unanswered, options["fund_status"].missing) == (2, 2)

    cum = c.cumulative_chart(intake.records, kind, MAY, today=TODAY)
    assert cum is not None and [p.period.month for p in cum.points] == [1, 2, 3, 4, 5]
    assert [p.num for p in cum.points[:4]] == [None] * 4 and cum.points[-1].reporting == 3
    assert (cum.points[-1].num, cum.points[-1].den) == (600_000_000, 3 * 2_382_000_000)
    assert c.cumulative_chart(intake.records, get_kind(ANNUAL), parse_period("2026")) is None
    assert c.period_label(parse_period("2026-H1")) == "6T đầu 2026" and c.period_label(parse_period("2026")) == "2026"
