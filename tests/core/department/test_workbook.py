"""The consolidated workbook read back: every total is the sum over the drafts, missing units are blank, rates are
formulas over the summed counts, the page is set for printing; LibreOffice opens it and recomputes the same totals."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import shutil
import subprocess
import zipfile
from decimal import Decimal

import openpyxl
import pytest
import xlsxwriter

from kpdesk.deadlines import parse_period
from kpdesk.department import workbook as wb
from kpdesk.department.consolidate import CHOICE, COUNTS, PERCENT, RATE, SUM, consolidate, cumulative_chart
from kpdesk.errors import DepartmentError
from kpdesk.kinds import get_kind

MONTHLY, ANNUAL = "co-che-tai-chinh-thang", "ke-hoach-khcn-nam"
MAY = parse_period("2026-05")
TODAY = dt.date(2026, 5, 25)


@pytest.fixture(scope="module")
def book(intake, tmp_path_factory):
    """The May workbook of the realistic intake, its consolidation, and the file read back twice: with the formulas,
    and with the values written beside them (what a viewer that does not recalculate shows)."""
    kind = get_kind(MONTHLY)
    cons = consolidate(intake.records, kind, MAY, today=TODAY)
    path = wb.write_workbook(
        cons, tmp_path_factory.mktemp("book") / "bieu.xlsx", cumulative_chart(intake.records, kind, MAY, today=TODAY)
    )
    return cons, path, openpyxl.load_workbook(path), openpyxl.load_workbook(path, data_only=True)


def latest_values(records, kind_id, period):
    """Each listed unit's latest draft values, read the long way."""
    out = {}
    for sub in records.submissions(kind_id, period):
        if sub.unit_id is not None:
            out[records.unit(sub.unit_id).code] = records.latest(sub.id).draft.values
    return out


def theme_sheets(cons, formulas):
    names = formulas.sheetnames
    return [(theme, names[1 + i]) for i, theme in enumerate(cons.themes)]


def test_the_workbook_has_the_status_a_sheet_per_theme_the_charts_and_the_data(book):
    cons, path, formulas, _ = book
    assert formulas.sheetnames == [
        "Tình hình gửi báo cáo",
        "2. Tình hình triển khai các",
        "3. Tình hình tổ chức và hoạt",
        "Biểu đồ",
        "Dữ liệu",
    ]
    assert all(len(name) <= 31 for name in formulas.sheetnames)
    with zipfile.ZipFile(path) as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
    # the status, the highest disbursement rates (3 units: no lowest ten apart from them), the months, two choices
    assert len(charts) == 5


def test_every_total_is_the_sum_over_the_drafts_and_missing_units_are_blank(intake, book):
    cons, _, formulas, values = book
    drafts = latest_values(intake.records, MONTHLY, MAY)
    first, last = wb.FIRST_ROW + 1, wb.FIRST_ROW + len(cons.rows)  # 1-based rows of the units
    for theme, name in theme_sheets(cons, formulas):
        f_ws, v_ws = formulas[name], values[name]
        assert v_ws.cell(4, 1).value.startswith("Đơn vị tính: số tiền: triệu đồng")
        assert v_ws.cell(first - 1, 1).value is None and f_ws.cell(wb.HEAD_TOP + 1, 1).value == "TT"
        codes = [v_ws.cell(r, 2).value for r in range(first, last + 1)]
        assert codes == [row.unit.code for row in cons.rows]
        total_row = last + 1
        assert v_ws.cell(total_row, 1).value == "Tổng cộng"
        for i, col in enumerate(theme.columns):
            at = len(wb.FIXED) + i + 1
            cells = [v_ws.cell(r, at).value for r in range(first, last + 1)]
            for row, cell in zip(cons.rows, cells, strict=True):
                if not row.sent:
                    assert cell is None, (col.id, row.unit.code)  # missing: blank, never 0
            if col.id in ("budget_total", "budget_st", "budget_dt", "disbursed"):
                by_unit = dict(zip(codes, cells, strict=True))
                expected = [d.get(col.id) for d in drafts.values() if d.get(col.id) is not None]
                assert [by_unit[c] for c, d in drafts.items() if d.get(col.id) is not None] == expected
                assert v_ws.cell(total_row, at).value == sum(expected)  # exact đồng
                cells_ref = f"{_col(at)}{first}:{_col(at)}{last}"
                assert f_ws.cell(total_row, at).value == f'=IF(COUNT({cells_ref})=0,"",SUM({cells_ref}))'

                assert f_ws.cell(first, at).number_format.startswith("#,##0") and f_ws.cell(
                    first, at
                ).number_format.endswith(",,")
            if col.total == SUM and cons.totals[col.id] is None:
                assert v_ws.cell(total_row, at).value in (None, "")  # nobody gave it: blank, not 0
            elif col.total == SUM:
                assert v_ws.cell(total_row, at).value == pytest.approx(float(cons.totals[col.id]))
            if col.total == COUNTS:
                counts = cons.totals[col.id]
                assert v_ws.cell(total_row, at).value == "; ".join(f"{o.label}: {counts[o.value]}" for o in col.options)
                assert f_ws.cell(total_row, at).value.count("COUNTIF(") == len(col.options)
                assert all(c in (None, *(o.label for o in col.options)) for c in cells)  # labels, not codes
            reported = v_ws.cell(total_row + 1, at).value
            assert reported == cons.reported[col.id]


def test_the_rate_is_a_formula_over_the_summed_counts_never_an_average(book):
    cons, _, formulas, values = book
    theme, name = theme_sheets(cons, formulas)[0]
    i = [c.id for c in theme.columns].index("disbursed_pct")
    at = len(wb.FIXED) + i + 1
    total_row = wb.FIRST_ROW + len(cons.rows) + 1
    formula = formulas[name].cell(total_row, at).value
    num = _col(len(wb.FIXED) + [c.id for c in theme.columns].index("disbursed") + 1)
    den = _col(len(wb.FIXED) + [c.id for c in theme.columns].index("budget_total") + 1)
    assert (
        formula.startswith("=IFERROR(SUMPRODUCT(")
        and f"{num}{wb.FIRST_ROW + 1}:" in formula
        and f"{den}{wb.FIRST_ROW + 1}:" in formula
        and "AVERAGE" not in formula
    )
    cached = values[name].cell(total_row, at).value
    assert cached == pytest.approx(600_000_000 / 7_146_000_000)  # 3 units gave both: 3 × 200 of 3 × 2.382 triệu
    assert formulas[name].cell(total_row, at).number_format == "0.00%"
    assert Decimal(str(round(cached * 100, 2))) == cons.totals["disbursed_pct"]
    unit_rates = [values[name].cell(r, at).value for r in range(wb.FIRST_ROW + 1, total_row)]
    assert sorted(x for x in unit_rates if x is not None) == [pytest.approx(0.084)] * 3


def test_every_page_is_set_for_printing(book):
    cons, _, formulas, _ = book
    for name in formulas.sheetnames[:-2]:
        ws = formulas[name]
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
        assert ws.page_setup.fitToWidth in (None, 1)  # 1 is the default XlsxWriter leaves out
        assert ws.print_title_rows == f"${wb.HEAD_TOP + 1}:${wb.HEAD_TOP + 2}"
    theme_ws = formulas[formulas.sheetnames[1]]
    assert theme_ws.freeze_panes == f"E{wb.FIRST_ROW + 1}"
    merged = {str(r) for r in theme_ws.merged_cells.ranges}
    assert {"A6:A7", "B6:B7", "C6:C7", "D6:D7"} <= merged  # the fixed headers span both header rows
    heads = [theme_ws.cell(wb.HEAD_TOP + 2, c).value for c in range(5, 13)]
    assert "Số mục" in heads  # under the table's label, merged over it in the upper row


def test_the_status_sheet_lists_every_unit_and_sender(book):
    cons, _, formulas, values = book
    ws = values["Tình hình gửi báo cáo"]
    rows = [
        [ws.cell(r, c).value for c in range(1, 13)]
        for r in range(wb.FIRST_ROW + 1, wb.FIRST_ROW + 1 + len(cons.status.rows))
    ]
    assert len(rows) == 43  # 42 on the list and the sender not on it
    by_code = {r[1]: r for r in rows}
    assert by_code["TH41"][4] == "missing" and by_code["TH41"][6] is None
    assert by_code["TH31"][4] == "late" and by_code["TH31"][5] == 3
    assert by_code["TH38"][6] == 2 and by_code["TH39"][10] == "Có"  # the corrected version; the edited figure
    assert by_code["—"][2] == "Xã Thiệu Trong" and "không có trong danh sách" in by_code["—"][11]
    assert isinstance(by_code["TH01"][7], dt.datetime) and by_code["TH01"][7].date() == dt.date(2026, 5, 18)
    counts = {
        ws.cell(r, 3).value: ws.cell(r, 4).value
        for r in range(1, ws.max_row + 1)
        if ws.cell(r, 3).value in ("Đúng hạn", "Gửi muộn", "Chưa gửi")
    }
    assert counts == {"Đúng hạn": cons.status.count("on_time"), "Gửi muộn": 4, "Chưa gửi": 2}


def test_the_data_sheet_holds_every_figure_with_its_version(book):
    cons, _, _, values = book
    ws = values["Dữ liệu"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    figures = list(cons.figures())
    assert len(rows) == len(figures)
    for row, f in zip(rows, figures, strict=True):
        code, _, kind, period, column, label, value, version, report = row
        assert (code, kind, period, column, version, report) == (
            f.unit.code,
            MONTHLY,
            "2026-05",
            f.column.id,
            f.source.version,
            f.source.report_id,
        )
        if f.column.type == CHOICE:
            assert value == f.column.option_label(f.value)
        elif f.column.type == PERCENT:
            assert value == pytest.approx(float(f.value) / 100)
        else:
            assert value == f.value
    assert ws.auto_filter.ref.startswith("A1:I")


def test_a_wrong_name_or_a_kind_without_figures_is_refused_and_nothing_written(intake, tmp_path):
    cons = consolidate(intake.records, get_kind(MONTHLY), MAY, today=TODAY)
    with pytest.raises(DepartmentError, match=r"phải có đuôi \.xlsx"):
        wb.write_workbook(cons, tmp_path / "bieu.xls")
    kind = get_kind(MONTHLY)
    texts_only = dataclasses.replace(kind, sections=kind.sections[:1], computed=())  # the request: no figures
    with pytest.raises(DepartmentError, match="không có số liệu nào để tổng hợp"):
        wb.write_workbook(consolidate(intake.records, texts_only, MAY, today=TODAY), tmp_path / "x.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_sheet_names_are_what_excel_accepts():
    taken: set[str] = set()
    assert wb.sheet_name("I.2.c. Số liệu giải quyết thủ tục hành chính", taken) == "I.2.c. Số liệu giải quyết thủ"
    assert wb.sheet_name("a/b: [c]*?", taken) == "a b c"
    assert wb.sheet_name("A B C", taken) == "A B C (2)"  # Excel does not tell "a b c" from "A B C"


def test_the_annual_workbook_keeps_its_rates_and_group_sums(intake, tmp_path):
    cons = consolidate(intake.records, get_kind(ANNUAL), parse_period("2026"), today=dt.date(2026, 12, 20))
    path = wb.write_workbook(cons, tmp_path / "nam.xlsx")
    values = openpyxl.load_workbook(path, data_only=True)
    rates = [c for c in cons.columns if c.total == RATE]
    assert {c.id for c in rates} >= {"proc_online_pct", "proc_on_time_pct_calc"}
    for theme, name in theme_sheets(cons, values):
        total_row = wb.FIRST_ROW + len(cons.rows) + 1
        for i, col in enumerate(theme.columns):
            cell = values[name].cell(total_row, len(wb.FIXED) + i + 1).value
            if col.total == RATE and cons.totals[col.id] is not None:
                assert round(cell * 100, 2) == pytest.approx(float(cons.totals[col.id]))
            elif col.total == SUM and cons.totals[col.id] is not None:
                assert cell == pytest.approx(float(cons.totals[col.id]))


@pytest.mark.office
@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdfinfo") is None,
    reason="needs LibreOffice Calc (soffice) and poppler-utils (pdfinfo) on PATH",
)
def test_libreoffice_recomputes_the_same_totals_and_prints_a4_landscape(book, tmp_path):
    cons, path, formulas, values = book
    profile = tmp_path / "lo"
    (profile / "user").mkdir(parents=True)
    # LibreOffice recalculates the formulas on load (it would keep the values written beside them otherwise)
    (profile / "user" / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><oor:items xmlns:oor="http://openoffice.org/2001/registry">'
        '<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">'
        "<value>0</value></prop></item></oor:items>",
        encoding="utf-8",
    )
    env = [f"-env:UserInstallation=file://{profile}", "--headless"]
    probe = tmp_path / "probe.xlsx"  # a formula whose stored value is wrong: shows that LibreOffice recomputes
    book_ = xlsxwriter.Workbook(str(probe))
    book_.add_worksheet().write_formula(0, 0, "=1+1", None, 5)
    book_.close()
    as_csv = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    subprocess.run(
        ["soffice", *env, "--convert-to", as_csv, "--outdir", str(tmp_path), str(probe), str(path)],
        check=True,
        capture_output=True,
        timeout=240,
    )
    assert next(tmp_path.glob("probe*.csv")).read_text(encoding="utf-8").strip() == "2"
    theme, name = theme_sheets(cons, formulas)[0]
    sheet = next(tmp_path.glob(f"bieu-{name}*.csv"))
    with sheet.open(encoding="utf-8") as fh:
        lines = list(csv.reader(fh))
    total = next(line for line in lines if line and line[0] == "Tổng cộng")
    total_row = wb.FIRST_ROW + len(cons.rows) + 1
    for i, col in enumerate(theme.columns):
        at = len(wb.FIXED) + i
        cached = values[name].cell(total_row, at + 1).value
        if col.total == SUM:
            assert (float(total[at]) if total[at] else None) == (pytest.approx(cached) if cached else None), col.id
        elif col.total == RATE:
            assert float(total[at].rstrip("%")) / 100 == pytest.approx(cached, abs=1e-12), col.id

    subprocess.run(
        ["soffice", *env, "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=240,
    )
    info = subprocess.run(["pdfinfo", str(tmp_path / "bieu.pdf")], capture_output=True, text=True, check=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size:"))
    width, height = (float(x) for x in size.split(":")[1].split("pts")[0].split(" x "))
    assert width == pytest.approx(841.89, abs=1) and height == pytest.approx(595.28, abs=1)  # A4 landscape
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "bieu.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "BIỂU TỔNG HỢP" in text and "Tổng cộng" in text and "19.045" in text.replace(",", ".")


def _col(index: int) -> str:
    """1 → "A"."""
    out = ""
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out
