"""Small intakes into a fresh department store: the unit list imported after the reports, versions sent out of
order, periods that do not fit a kind, deadlines nobody set."""

from __future__ import annotations

import datetime as dt

import pytest

from kpdesk.cli import main
from kpdesk.deadlines import parse_period
from kpdesk.department.records import Records
from kpdesk.department.status import status
from kpdesk.kinds import get_kind
from kpdesk.render import render_to_file
from kpdesk.store import Store

from .conftest import MAY, MONTHLY, commune_draft, department_profile, listed_units

MAY_KEY = parse_period("2026-05")


def _render(draft, path):
    return render_to_file(draft, path, allow_errors=True, today=dt.date(2026, 5, 25)).path


@pytest.fixture
def inbox(tmp_path):
    """The May reports of TH37, TH38 and TH39 (as named on the list), and one with a typing slip."""
    folder = tmp_path / "in"
    folder.mkdir()
    units = listed_units()
    for u in units[36:39]:
        _render(commune_draft("000", u.name, u.level, period=MAY, date="2026-05-15"), folder / f"{u.code}.docx")
    _render(commune_draft("000", "Thiệu Trong", "xã", period=MAY, date="2026-05-15"), folder / "slip.docx")
    return folder


def _unit_csv(path, units):
    path.write_text("Mã,Tên,Cấp\n" + "".join(f"{u.code},{u.name},{u.level}\n" for u in units), encoding="utf-8")
    return path


def test_importing_the_unit_list_after_the_reports_matches_them(inbox, tmp_path, capsys):
    data = str(tmp_path / "data")
    assert main(["--data-dir", data, "department", "receive", str(inbox), "--received-on", "2026-05-18"]) == 0
    capsys.readouterr()
    units = listed_units()
    csv = _unit_csv(tmp_path / "units.csv", [units[0], *units[36:39]])
    assert main(["--data-dir", data, "department", "units", "import", str(csv), "--by", "Lê Thị Hoa"]) == 0
    out = capsys.readouterr().out
    assert "ghép được 3 báo cáo đã nhận" in out and "Còn 1 báo cáo của nơi gửi chưa có trong danh sách" in out
    with Store.open(tmp_path / "data") as store:
        records = Records(store)
        found = status(records, get_kind(MONTHLY), MAY_KEY, dt.date(2026, 5, 25))
        assert found.sent == 3 and found.expected == 4
        assert [r.sender for r in found.unlisted] == ["xã Thiệu Trong"]  # a near match stays for hand matching
        matched = [e for e in records.log() if e.action == "matched"]
        assert len(matched) == 3 and {e.who for e in matched} == {"Lê Thị Hoa"}
        assert all("khi nhập danh sách đơn vị" in e.text for e in matched)
        # importing the same list again matches nothing more and says so
        again = records.import_units(units[36:39], who="Lê Thị Hoa")
        assert again.matched == 0 and "ghép được" not in again.text and again.unmatched == 1


def test_a_unit_added_by_hand_matches_a_report_received_before(inbox, tmp_path):
    from kpdesk.department.intake import receive

    with Store.open(tmp_path / "data") as store:
        records = Records(store)
        receive(records, [inbox / "TH38.docx"], received_on=dt.date(2026, 5, 18))
        units = listed_units()
        records.import_units(units[:2])
        result = records.import_units([units[37]], who="Văn thư")  # the window's «Thêm đơn vị» goes this way too
        assert result.matched == 1 and result.added == 1
        (sub,) = records.submissions(MONTHLY, MAY_KEY)
        assert sub.unit_id == records.find_unit("TH38").id


@pytest.fixture
def two_versions(tmp_path):
    """TH38's May report signed on 13/5 (with errors) and its correction signed on 19/5; file names sort the
    correction first."""
    folder = tmp_path / "versions"
    folder.mkdir()
    u = listed_units()[37]
    old = _render(commune_draft("001", u.name, u.level, period=MAY, date="2026-05-13"), folder / "b-ban-dau.docx")
    new = _render(
        commune_draft(
            "001",
            u.name,
            u.level,
            period=MAY,
            date="2026-05-19",
            fund_status="not_established",
            fund_charter="not_issued",
        ),
        folder / "a-ban-sua.docx",
    )
    return folder, old, new


@pytest.mark.parametrize("given", ["folder", "newer-first"])
def test_versions_received_together_are_numbered_in_the_order_they_were_signed(tmp_path, two_versions, given):
    from kpdesk.department.intake import RECEIVED, receive

    folder, old, new = two_versions
    with Store.open(tmp_path / "data") as store:
        records = Records(store)
        records.import_units(listed_units())
        receipts = receive(records, [folder] if given == "folder" else [new, old], received_on=dt.date(2026, 5, 20))
        assert [(r.path.name, r.version) for r in receipts] == [("b-ban-dau.docx", 1), ("a-ban-sua.docx", 2)]
        assert receipts[0].outcome == RECEIVED
        (sub,) = records.submissions(MONTHLY, MAY_KEY)
        latest = records.latest(sub.id)
        assert latest.number == 2 and latest.sent_on == dt.date(2026, 5, 19) and latest.errors == 0


def test_a_version_received_later_stays_the_newer_one_even_when_signed_earlier(tmp_path, two_versions):
    from kpdesk.department.intake import NEW_VERSION, receive

    folder, old, new = two_versions
    with Store.open(tmp_path / "data") as store:
        records = Records(store)
        records.import_units(listed_units())
        receive(records, [new], received_on=dt.date(2026, 5, 20))
        (r,) = receive(records, [old], received_on=dt.date(2026, 5, 21))
        assert r.outcome == NEW_VERSION and r.version == 2
        assert "ngày ký 13/5/2026, trước bản 1 (ngày ký 19/5/2026)" in r.message


@pytest.mark.parametrize(
    ("kind", "period", "says"),
    [
        (MONTHLY, "2026-H1", ["báo cáo tháng", "«2026-05»"]),
        ("quan-ly-khcn-6-thang", "2026-05", ["báo cáo 6 tháng", "«2026-H1»"]),
        ("ke-hoach-khcn-nam", "2026-H2", ["báo cáo năm", "«2026»"]),
    ],
)
def test_a_period_that_does_not_fit_the_kind_is_refused_by_every_command(tmp_path, capsys, kind, period, says):
    data = str(tmp_path / "data")
    with Store.open(tmp_path / "data") as store:
        Records(store).import_units(listed_units()[:3])
        store.save_unit(department_profile())
        with pytest.raises(Exception) as refused:
            status(Records(store), get_kind(kind), parse_period(period))
        assert all(s in str(refused.value) for s in says) and get_kind(kind).name in str(refused.value)
    for command in (
        ["status"],
        ["table", "-o", str(tmp_path / "b.xlsx")],
        ["summary", "-o", str(tmp_path / "t.docx")],
        ["remind", "-o", str(tmp_path / "d.docx")],
        ["deadline", "15/7/2026"],
    ):
        assert main(["--data-dir", data, "department", *command, "--kind", kind, "--period", period]) == 2, command
        err = capsys.readouterr().err
        assert all(s in err for s in says), (command, err)
    assert not any((tmp_path / name).exists() for name in ("b.xlsx", "t.docx", "d.docx"))


def test_the_deadline_is_said_once_and_a_report_with_no_deadline_is_only_received(tmp_path):
    import openpyxl

    from kpdesk.department.consolidate import consolidate
    from kpdesk.department.intake import receive
    from kpdesk.department.workbook import write_workbook

    from .conftest import ANNUAL, HALF, YEAR

    units = listed_units()
    folder = tmp_path / "in"
    folder.mkdir()
    _render(commune_draft("004", units[0].name, units[0].level, period=YEAR, date="2026-12-10"), folder / "nam.docx")
    with Store.open(tmp_path / "data") as store:
        records = Records(store)
        records.import_units(units[:2])
        receive(records, [folder], received_on=dt.date(2026, 12, 12))
        records.set_deadline(HALF, parse_period("2026-H1"), dt.date(2026, 7, 15))
        half = status(records, get_kind(HALF), parse_period("2026-H1"), dt.date(2026, 7, 20))
        assert half.headline.endswith("(hạn gửi: ngày 15/7/2026).") and "hạn: hạn" not in half.headline
        may = status(records, get_kind(MONTHLY), MAY_KEY, dt.date(2026, 5, 25))
        assert may.headline.endswith("(hạn gửi: trước ngày 20/5/2026).")
        annual = status(records, get_kind(ANNUAL), parse_period("2026"), dt.date(2026, 12, 20))
        row = next(r for r in annual.rows if r.summary is not None)
        assert annual.deadline is None and row.label == "đã nhận" and row.to_json()["state"] == "on_time"
        assert "đúng hạn" not in "\n".join(r.label for r in annual.rows)
        path = write_workbook(
            consolidate(records, get_kind(ANNUAL), parse_period("2026"), today=dt.date(2026, 12, 20)),
            tmp_path / "nam.xlsx",
        )
    sheet = openpyxl.load_workbook(path).worksheets[0]
    texts = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "Đã nhận" in texts and "Đã nhận (chưa đặt hạn gửi)" in texts
    assert not any(t.startswith("Đúng hạn") for t in texts)


@pytest.fixture
def annual(tmp_path):
    """The 2026 annual plans of TH01 and TH02 (example 004), received into a fresh store."""
    from kpdesk.department.intake import receive

    from .conftest import YEAR

    folder = tmp_path / "nam"
    folder.mkdir()
    units = listed_units()
    for u in units[:2]:
        _render(commune_draft("004", u.name, u.level, period=YEAR, date="2026-12-10"), folder / f"{u.code}.docx")
    store = Store.open(tmp_path / "data")
    records = Records(store)
    records.import_units(units[:3])
    store.save_unit(department_profile())
    receive(records, [folder], received_on=dt.date(2026, 12, 12))
    yield records
    store.close()


def test_the_annual_summary_and_workbook_leave_out_values_that_are_not_figures(annual, tmp_path):
    import openpyxl

    from kpdesk.department.consolidate import consolidate
    from kpdesk.department.summary import summary_draft
    from kpdesk.department.workbook import write_workbook

    from .conftest import ANNUAL, YEAR

    kind, year = get_kind(ANNUAL), parse_period("2026")
    assert commune_draft("004", "Thiệu Trung", "xã", period=YEAR, date=None).values["dt_teams_members_approx"] is True
    cons = consolidate(annual, kind, year, today=dt.date(2026, 12, 20))
    left_out = {"dt_teams_members_approx", "budget_parts"}
    assert not left_out & {c.id for c in cons.columns}
    assert {"dt_teams_members", "budget_total", "budget_recurrent"} <= {c.id for c in cons.columns}
    values = summary_draft(annual, kind, year, today=dt.date(2026, 12, 20)).values
    shown = [r["label"] for r in (values.get("figures") or []) + (values.get("choices") or [])]
    assert shown and not [s for s in shown if "ước tính" in s or "Chi thường xuyên + chi" in s], shown
    path = write_workbook(cons, tmp_path / "nam.xlsx")
    texts = {
        c
        for ws in openpyxl.load_workbook(path).worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
        if isinstance(c, str)
    }
    assert not [t for t in texts if "ước tính" in t or "Chi thường xuyên + chi" in t]


def test_a_reminder_with_nobody_missing_says_everyone_sent(tmp_path, capsys):
    data = str(tmp_path / "data")
    units = listed_units()[:2]
    folder = tmp_path / "in"
    folder.mkdir()
    for u, signed in zip(units, ("2026-05-15", "2026-05-22"), strict=True):
        _render(commune_draft("000", u.name, u.level, period=MAY, date=signed), folder / f"{u.code}.docx")
    args = [
        "--data-dir",
        data,
        "department",
        "remind",
        "--kind",
        MONTHLY,
        "--period",
        "2026-05",
        "-o",
        str(tmp_path / "don-doc.docx"),
        "--on",
        "2026-05-25",
    ]
    with Store.open(tmp_path / "data") as store:
        store.save_unit(department_profile())
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Chưa có danh sách đơn vị" in err and "units import" in err, err
    with Store.open(tmp_path / "data") as store:
        Records(store).import_units(units)
    assert main(["--data-dir", data, "department", "receive", str(folder), "--received-on", "2026-05-22"]) == 0
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Tất cả 2 đơn vị đã gửi báo cáo kỳ tháng 5 năm 2026" in err and "không cần đôn đốc" in err, err
    assert "1 đơn vị gửi muộn" in err and not (tmp_path / "don-doc.docx").exists()


def test_the_annual_workbook_lists_next_years_estimate_line_by_line(annual, tmp_path):
    import openpyxl

    from kpdesk.department.consolidate import consolidate
    from kpdesk.department.workbook import FIRST_ROW, write_workbook

    from .conftest import ANNUAL, example

    lines = example("004")["values"]["estimate_lines"]
    assert len(lines) >= 2
    cons = consolidate(annual, get_kind(ANNUAL), parse_period("2026"), today=dt.date(2026, 12, 20))
    path = write_workbook(cons, tmp_path / "nam.xlsx")
    book = openpyxl.load_workbook(path)
    (name,) = [n for n in book.sheetnames if n.startswith("Chi tiết")]
    ws = book[name]
    rows = [r for r in ws.iter_rows(min_row=FIRST_ROW + 1, values_only=True)]
    body, total = rows[:-1], rows[-1]
    groups = {o.value: o.label for o in get_kind(ANNUAL).field("estimate_lines").column("group").options}
    expected = [(code, groups[x["group"]], x["content"], x["amount"]) for code in ("TH01", "TH02") for x in lines]
    assert [(r[1], r[3], r[4], r[5]) for r in body] == expected
    assert total[0] == "Tổng cộng" and total[5] == f"=SUM(F{FIRST_ROW + 1}:F{FIRST_ROW + len(body)})"
    assert sum(x["amount"] for x in lines) * 2 == cons.totals["estimate_sum"]
