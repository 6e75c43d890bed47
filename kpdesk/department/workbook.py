"""The consolidated workbook ("Biểu tổng hợp") of a kind and period: status, one sheet per theme, charts, long data.

Why over 600 lines: one workbook, written in one pass by XlsxWriter: its sheets share the formats, the merged headers,
the print set-up and the formulas; split, each sheet would pass the same state around.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from kpdesk import vn
from kpdesk.deadlines import period_key
from kpdesk.department.consolidate import (
    AMOUNT,
    CHOICE,
    COUNTS,
    DECIMAL,
    INT,
    NONE,
    NUMERIC,
    PERCENT,
    RATE,
    SUM,
    YEAR,
    Column,
    Consolidation,
    CumulativeChart,
    OptionChart,
    Theme,
    detail_tables,
    option_charts,
    rate_charts,
    rate_parts,
    state_name,
)
from kpdesk.department.status import STATES
from kpdesk.errors import DepartmentError
from kpdesk.files import write_atomic
from kpdesk.kinds import Field

#: The sheets every workbook has, besides one per theme.
STATUS_SHEET, CHARTS_SHEET, DATA_SHEET = "Tình hình gửi báo cáo", "Biểu đồ", "Dữ liệu"
#: Where a theme sheet's parts are (0-based rows): titles, the two header rows, then one row per unit.
HEAD_TOP, FIRST_ROW = 5, 7
FIXED = ("TT", "Mã", "Đơn vị", "Tình trạng")
#: Excel's scaling of a number format: one "," per thousand the amount is divided by when shown.
_SCALE = {"dong": "", "nghin": ",", "trieu": ",,", "ty": ",,,"}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
#: How many units the rate charts show at each end.
RANKED = 10


def sheet_name(title: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (at most 31 characters, none of []:*?/\\), cut at a word, not already taken."""
    text = " ".join(_BAD_SHEET_CHARS.sub(" ", vn.clean_line(title)).split()).strip("'") or "Trang"
    if len(text) > 31:
        cut = text[:31]
        text = cut[: cut.rfind(" ")] if " " in cut[10:] else cut
    name, n = text, 2
    while name.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({n})"
        name = text[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name)
    return name


def _col(index: int) -> str:
    """0 → "A", 27 → "AB"."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def _cell(row: int, col: int, sheet: str | None = None) -> str:
    ref = f"{_col(col)}{row + 1}"
    return f"'{sheet.replace(chr(39), chr(39) * 2)}'!{ref}" if sheet else ref


def _range(col: int, first: int, last: int, sheet: str | None = None, absolute: bool = False) -> str:
    d = "$" if absolute else ""
    ref = f"{d}{_col(col)}{d}{first + 1}:{d}{_col(col)}{d}{last + 1}"
    return f"'{sheet.replace(chr(39), chr(39) * 2)}'!{ref}" if sheet else ref


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _decimals(value: Any, factor: int = 1) -> int:
    """How many decimals show `value` exactly once divided by `factor` (at most 6)."""
    if isinstance(value, int):
        rest = abs(value) % factor
        if not rest:
            return 0
        return min(6, len(f"{rest:0{len(str(factor)) - 1}d}".rstrip("0")))
    if isinstance(value, Decimal):
        exponent = value.normalize().as_tuple().exponent
        return min(6, max(0, -exponent)) if isinstance(exponent, int) else 0
    return 0


class _Formats:
    """The workbook's cell formats, made once each."""

    def __init__(self, book: Any, money_unit: str) -> None:
        self.book = book
        self.scale = _SCALE.get(money_unit, ",,")
        self.factor = vn.UNITS.get(money_unit, 1_000_000)
        self._made: dict[tuple[Any, ...], Any] = {}
        base = {"font_name": "Times New Roman", "font_size": 11, "valign": "vcenter"}
        self.base = base
        self.title = book.add_format({**base, "bold": True, "font_size": 14, "align": "center"})
        self.subtitle = book.add_format({**base, "bold": True, "font_size": 12, "align": "center", "text_wrap": True})
        self.italic = book.add_format({**base, "italic": True, "align": "center", "text_wrap": True})
        self.unit_note = book.add_format({**base, "italic": True, "align": "right"})
        self.note = book.add_format({**base, "italic": True, "font_size": 10, "text_wrap": True, "valign": "top"})
        self.header = book.add_format(
            {**base, "bold": True, "align": "center", "text_wrap": True, "border": 1, "bg_color": "#E8EEF4"}
        )
        self.text = self.get("text")
        self.plain = book.add_format(base)

    def get(self, kind: str, decimals: int = 0, *, total: bool = False) -> Any:
        key = (kind, decimals, total)
        if key not in self._made:
            spec: dict[str, Any] = {**self.base, "border": 1}
            if total:
                spec.update(bold=True, bg_color="#F3F3F3")
            frac = "." + "0" * decimals if decimals else ""
            if kind == AMOUNT:
                spec["num_format"] = f"#,##0{frac}{self.scale}"
            elif kind in (INT, DECIMAL, "count"):
                spec["num_format"] = f"#,##0{frac}"
            elif kind == YEAR:
                spec["num_format"] = "0"
            elif kind == PERCENT:
                spec["num_format"] = "0.00%"
            elif kind == "date":
                spec["num_format"] = "dd/mm/yyyy"
                spec["align"] = "center"
            elif kind == "center":
                spec["align"] = "center"
            else:
                spec["text_wrap"] = True
            self._made[key] = self.book.add_format(spec)
        return self._made[key]

    def number(self, col_type: str, value: Any, *, total: bool = False) -> Any:
        factor = self.factor if col_type == AMOUNT else 1
        return self.get(col_type, _decimals(value, factor), total=total)


def _number(value: Any, col_type: str) -> float | int:
    """What a cell holds: an amount as exact whole đồng, a percentage as a fraction (0.9884 shows 98,84%)."""
    if col_type == PERCENT:
        return float(Decimal(value) / 100)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _unit_line(cons: Consolidation) -> str:
    unit = vn.UNIT_LABELS.get(cons.money_unit, "đồng")
    return f"Đơn vị tính: số tiền: {unit} (ô ghi đủ số đồng, hiển thị theo {unit}); số lượng: đơn vị đếm; tỷ lệ: %"


class _Book:
    """Writes one workbook; remembers where each column's unit cells are (for the rates and charts)."""

    def __init__(self, cons: Consolidation, cumulative: CumulativeChart | None) -> None:
        import xlsxwriter

        self.cons = cons
        self.cumulative = cumulative
        self.buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(
            self.buffer,
            {
                "in_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "default_date_format": "dd/mm/yyyy",
            },
        )
        self.fmt = _Formats(self.book, cons.money_unit)
        self.taken: set[str] = set()
        self.where: dict[str, tuple[str, int]] = {}  # column id → (sheet, column index)
        self.last_row = FIRST_ROW + max(len(cons.rows), 1) - 1
        kind, period = cons.kind, cons.period
        self.book.set_properties(
            {
                "title": f"Biểu tổng hợp {kind.short} {period.label}",
                "subject": kind.name,
                "author": "kpdesk",
                "comments": "Tạo bởi kpdesk từ các báo cáo đã nhận; số tiền ghi đủ đến đồng.",
                "created": dt.datetime.now().replace(microsecond=0),
            }
        )

    # ------------------------------------------------------------------ page set-up

    def _page(self, ws: Any, header_rows: tuple[int, int] | None, freeze: tuple[int, int] | None) -> None:
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.5, right=0.4, top=0.6, bottom=0.6)
        ws.center_horizontally()
        ws.set_footer('&C&"Times New Roman"Trang &P/&N')
        if header_rows is not None:
            ws.repeat_rows(*header_rows)
        if freeze is not None:
            ws.freeze_panes(*freeze)

    def _titles(self, ws: Any, width: int, title: str) -> None:
        cons = self.cons
        last = max(width - 1, 3)
        ws.merge_range(0, 0, 0, last, "BIỂU TỔNG HỢP", self.fmt.title)
        ws.merge_range(1, 0, 1, last, title, self.fmt.subtitle)
        ws.merge_range(2, 0, 2, last, f"{cons.kind.name} — {cons.period.label}", self.fmt.italic)
        ws.merge_range(3, 0, 3, last, _unit_line(cons), self.fmt.unit_note)
        ws.set_row(1, 32)

    # ------------------------------------------------------------------ status

    def status_sheet(self) -> None:
        cons, fmt = self.cons, self.fmt
        ws = self.book.add_worksheet(sheet_name(STATUS_SHEET, self.taken))
        heads = (
            "TT",
            "Mã",
            "Đơn vị",
            "Tình trạng",
            "Trạng thái (mã)",
            "Số ngày muộn",
            "Bản",
            "Ngày nhận",
            "Lỗi",
            "Cảnh báo",
            "Sửa sau khi xuất",
            "Ghi chú",
        )
        widths = (5, 8, 26, 24, 12, 9, 6, 11, 6, 8, 10, 36)
        self._titles(ws, len(heads), f"Tình hình gửi báo cáo: {cons.status.headline}")
        for i, (head, width) in enumerate(zip(heads, widths, strict=True)):
            ws.set_column(i, i, width)
            ws.merge_range(HEAD_TOP, i, HEAD_TOP + 1, i, head, fmt.header)
        row = FIRST_ROW
        for n, r in enumerate(cons.status.rows, 1):
            s = r.summary
            ws.write_number(row, 0, n, fmt.get("center"))
            ws.write_string(row, 1, r.unit.code if r.unit else "—", fmt.get("center"))
            ws.write_string(row, 2, r.name, fmt.text)
            ws.write_string(row, 3, _capital(r.label), fmt.text)
            ws.write_string(row, 4, r.state, fmt.get("center"))
            if r.days_late:
                ws.write_number(row, 5, r.days_late, fmt.get(INT))
            else:
                ws.write_blank(row, 5, None, fmt.get(INT))
            for col, value in (
                (6, s.version if s else None),
                (8, s.errors if s else None),
                (9, s.warnings if s else None),
            ):
                if value is None:
                    ws.write_blank(row, col, None, fmt.get(INT))
                else:
                    ws.write_number(row, col, value, fmt.get(INT))
            if s is not None:
                ws.write_datetime(row, 7, dt.datetime.combine(s.received_on, dt.time()), fmt.get("date"))
            else:
                ws.write_blank(row, 7, None, fmt.get("date"))
            ws.write_string(row, 10, "Có" if s is not None and s.edited else "", fmt.get("center"))
            ws.write_string(row, 11, "; ".join(r.flags), fmt.text)
            row += 1
        last = max(row - 1, FIRST_ROW)
        # the counts by state, as formulas over the state column (the status chart draws them)
        row += 1
        ws.write_string(row, 2, "Trạng thái", fmt.header)
        ws.write_string(row, 3, "Số đơn vị", fmt.header)
        self.state_counts = (ws.get_name(), row + 1, row + len(STATES))
        for state in STATES:
            row += 1
            count = sum(1 for r in cons.status.rows if r.unit is not None and r.state == state)
            ws.write_string(row, 2, state_name(state, cons.status.deadline is not None), fmt.text)
            ws.write_formula(
                row,
                3,
                f"=COUNTIFS({_range(4, FIRST_ROW, last, absolute=True)},{_quoted(state)},"
                f'{_range(1, FIRST_ROW, last, absolute=True)},"<>—")',
                fmt.get(INT),
                count,
            )
        row += 2
        notes = [
            "Tình trạng tính theo hạn gửi của loại báo cáo (hoặc hạn Sở đặt cho kỳ này); «Bản» là số lần đơn "
            "vị gửi (bản sửa được nhận là bản 2, 3…), các biểu tổng hợp dùng bản mới nhất."
        ]
        if cons.status.unlisted:
            notes.append(
                f"{len(cons.status.unlisted)} nơi gửi chưa có trong danh sách đơn vị (mã «—») không được "
                "cộng vào các biểu: hãy ghép với đơn vị đúng (kpdesk department match) rồi xuất lại."
            )
        for note in notes:
            ws.merge_range(row, 0, row, len(heads) - 1, note, fmt.note)
            ws.set_row(row, 30)
            row += 1
        self._page(ws, (HEAD_TOP, HEAD_TOP + 1), (FIRST_ROW, 3))

    # ------------------------------------------------------------------ one sheet per theme

    def theme_sheet(self, theme: Theme) -> None:
        cons, fmt = self.cons, self.fmt
        ws = self.book.add_worksheet(sheet_name(theme.title, self.taken))
        name = ws.get_name()
        columns = list(theme.columns)
        width = len(FIXED) + len(columns)
        self._titles(ws, width, theme.title)
        for i, (head, w) in enumerate(zip(FIXED, (5, 8, 24, 18), strict=True)):
            ws.set_column(i, i, w)
            ws.merge_range(HEAD_TOP, i, HEAD_TOP + 1, i, head, fmt.header)
        ws.set_row(HEAD_TOP, 48)
        ws.set_row(HEAD_TOP + 1, 48)
        # two header rows: a group (a table's label, a group sum's label) over its columns; a lone column spans both
        i = 0
        while i < len(columns):
            col = columns[i]
            at = len(FIXED) + i
            if col.group:
                j = i
                while j + 1 < len(columns) and columns[j + 1].group == col.group:
                    j += 1
                if j > i:
                    ws.merge_range(HEAD_TOP, at, HEAD_TOP, at + j - i, col.group, fmt.header)
                else:
                    ws.write_string(HEAD_TOP, at, col.group, fmt.header)
                for k in range(i, j + 1):
                    ws.write_string(HEAD_TOP + 1, len(FIXED) + k, columns[k].label, fmt.header)
                i = j + 1
            else:
                ws.merge_range(HEAD_TOP, at, HEAD_TOP + 1, at, col.label, fmt.header)
                i += 1
        for i, col in enumerate(columns):
            self.where[col.id] = (name, len(FIXED) + i)
            ws.set_column(len(FIXED) + i, len(FIXED) + i, 20 if col.type == CHOICE else 15)
        # one row per expected unit; a unit that has not sent keeps blank cells (missing, not zero)
        row = FIRST_ROW
        for n, r in enumerate(cons.rows, 1):
            ws.write_number(row, 0, n, fmt.get("center"))
            ws.write_string(row, 1, r.unit.code, fmt.get("center"))
            ws.write_string(row, 2, r.unit.title, fmt.text)
            ws.write_string(row, 3, _capital(r.status.label), fmt.text)
            for i, col in enumerate(columns):
                value = r.values.get(col.id)
                at = len(FIXED) + i
                if value is None:
                    ws.write_blank(row, at, None, fmt.get(col.type))
                elif col.type == CHOICE:
                    ws.write_string(row, at, col.option_label(value), fmt.text)
                else:
                    ws.write_number(row, at, _number(value, col.type), fmt.number(col.type, value))
            row += 1
        total_row, count_row = row, row + 1
        if any(c.total == COUNTS for c in columns):
            ws.set_row(total_row, 15 * max(len(c.options) for c in columns if c.total == COUNTS))
        ws.merge_range(total_row, 0, total_row, 3, "Tổng cộng", fmt.get("center", total=True))
        ws.merge_range(count_row, 0, count_row, 3, "Số đơn vị có số liệu", fmt.get("center", total=True))
        for i, col in enumerate(columns):
            at = len(FIXED) + i
            self._total(ws, col, at, total_row, name)
            rng = _range(at, FIRST_ROW, self.last_row)
            counting = "COUNTA" if col.type == CHOICE else "COUNT"
            if col.total == RATE:
                num, den = self._ref(col.num, name), self._ref(col.den, name)
                formula = f'=SUMPRODUCT(({num}<>"")*({den}<>""))'
            else:
                formula = f"={counting}({rng})"
            ws.write_formula(count_row, at, formula, fmt.get(INT, total=True), cons.reported[col.id])
        # notes: what blank means, how rates are made, what has no total
        notes = [
            "Ô trống: đơn vị chưa gửi báo cáo hoặc không ghi số này (không phải số 0). Số tiền trong ô ghi đủ "
            "đến đồng; định dạng hiển thị theo đơn vị tính ở trên."
        ]
        if any(c.total == RATE for c in columns):
            notes.append(
                "Tỷ lệ ở dòng «Tổng cộng» tính lại bằng tổng tử số chia tổng mẫu số của các đơn vị ghi đủ cả "
                "hai số (dòng «Số đơn vị có số liệu»), không lấy trung bình các tỷ lệ."
            )
        untotalled = [c.label for c in columns if c.total == NONE and c.type == PERCENT]
        if untotalled:
            notes.append(
                "Không tính tổng cho tỷ lệ đơn vị tự ghi mà mẫu báo cáo không gắn với số đếm: "
                + "; ".join(f"«{x}»" for x in untotalled)
                + "."
            )
        row = count_row + 2
        for note in notes:
            ws.merge_range(row, 0, row, max(width - 1, 3), note, fmt.note)
            ws.set_row(row, 30)
            row += 1
        self._page(ws, (HEAD_TOP, HEAD_TOP + 1), (FIRST_ROW, len(FIXED)))

    def _ref(self, column_id: str | None, here: str) -> str:
        """The unit cells of a column, named with their sheet when it is not the sheet `here`."""
        sheet, at = self.where[column_id or ""]
        return _range(at, FIRST_ROW, self.last_row, None if sheet == here else sheet)

    def _total(self, ws: Any, col: Column, at: int, row: int, here: str) -> None:
        cons, fmt = self.cons, self.fmt
        value = cons.totals.get(col.id)
        rng = _range(at, FIRST_ROW, self.last_row)
        if col.total == SUM:  # blank when no unit gave the figure: nobody said it was 0
            ws.write_formula(
                row,
                at,
                f'=IF(COUNT({rng})=0,"",SUM({rng}))',
                fmt.number(col.type, value or 0, total=True),
                _number(value, col.type) if value is not None else "",
            )
        elif col.total == RATE:
            num, den = self._ref(col.num, here), self._ref(col.den, here)
            both = f'({num}<>"")*({den}<>"")'
            formula = f'=IFERROR(SUMPRODUCT({both},{num})/SUMPRODUCT({both},{den}),"")'
            sum_num, sum_den, _ = rate_parts(col, cons.rows)
            exact = float(Decimal(sum_num) / Decimal(sum_den)) if sum_num is not None and sum_den else ""
            ws.write_formula(row, at, formula, fmt.get(PERCENT, total=True), exact)
        elif col.total == COUNTS:
            counts = value or {}
            pieces = [f"{_quoted(o.label + ': ')}&COUNTIF({rng},{_quoted(o.label)})" for o in col.options]
            shown = "; ".join(f"{o.label}: {counts.get(o.value, 0)}" for o in col.options)
            ws.write_formula(row, at, "=" + '&"; "&'.join(pieces), fmt.get("text", total=True), shown)
        else:
            ws.write_blank(row, at, None, fmt.get(col.type, total=True))

    # ------------------------------------------------------------------ charts

    def charts_sheet(self) -> None:
        cons, fmt = self.cons, self.fmt
        ws = self.book.add_worksheet(sheet_name(CHARTS_SHEET, self.taken))
        name = ws.get_name()
        ws.set_column(0, 0, 5)
        ws.set_column(1, 1, 26)
        ws.set_column(2, 4, 14)
        ws.merge_range(0, 0, 0, 12, f"BIỂU ĐỒ — {cons.kind.short} {cons.period.label}", fmt.title)
        ws.merge_range(1, 0, 1, 12, _unit_line(cons), fmt.unit_note)
        row = 3
        anchor = 3
        # 1. the units by state
        sheet, first, last = self.state_counts
        chart = self.book.add_chart({"type": "column"})
        chart.add_series(
            {
                "name": "Số đơn vị",
                "categories": [sheet, first, 2, last, 2],
                "values": [sheet, first, 3, last, 3],
                "data_labels": {"value": True},
                "fill": {"color": "#4F81BD"},
            }
        )
        chart.set_title({"name": f"Tình hình gửi báo cáo {cons.period.label}"})
        chart.set_legend({"none": True})
        chart.set_y_axis({"name": "Số đơn vị", "num_format": "0"})
        ws.insert_chart(anchor, 6, chart, {"x_scale": 1.3, "y_scale": 1.1})
        anchor += 18
        # 2. each rate: its denominator and numerator for the highest and the lowest rates
        for rc in rate_charts(cons):
            for which, pairs in (("cao nhất", rc.top(RANKED)), ("thấp nhất", rc.bottom(RANKED))):
                if not pairs:
                    continue
                ws.merge_range(row, 0, row, 4, f"{rc.rate_label}: {len(pairs)} đơn vị {which}", fmt.subtitle)
                row += 1
                for i, head in enumerate(("TT", "Đơn vị", rc.den_label, rc.num_label, rc.rate_label)):
                    ws.write_string(row, i, head, fmt.header)
                ws.set_row(row, 45)
                top = row + 1
                for n, p in enumerate(pairs, 1):
                    row += 1
                    ws.write_number(row, 0, n, fmt.get("center"))
                    ws.write_string(row, 1, p.name, fmt.text)
                    ws.write_number(row, 2, _number(p.den, rc.type), fmt.number(rc.type, p.den))
                    ws.write_number(row, 3, _number(p.num, rc.type), fmt.number(rc.type, p.num))
                    if p.rate is None:
                        ws.write_blank(row, 4, None, fmt.get(PERCENT))
                    else:
                        ws.write_number(row, 4, _number(p.rate, PERCENT), fmt.get(PERCENT))
                chart = self.book.add_chart({"type": "bar"})
                for col, color in ((2, "#9BBB59"), (3, "#4F81BD")):
                    chart.add_series(
                        {
                            "name": [name, top - 1, col],
                            "categories": [name, top, 1, row, 1],
                            "values": [name, top, col, row, col],
                            "fill": {"color": color},
                        }
                    )
                chart.set_title({"name": f"{rc.rate_label}: {len(pairs)} đơn vị {which}"})
                chart.set_y_axis({"reverse": True})
                scale = f"#,##0{self.fmt.scale}" if rc.type == AMOUNT else "#,##0"
                chart.set_x_axis(
                    {"num_format": scale, "name": vn.UNIT_LABELS.get(cons.money_unit, "") if rc.type == AMOUNT else ""}
                )
                chart.set_legend({"position": "bottom"})
                ws.insert_chart(anchor, 6, chart, {"x_scale": 1.3, "y_scale": 1.3})
                anchor += 22
                row += 2
                anchor = max(anchor, row)
        # 3. month by month across the year
        cum = self.cumulative
        if cum is not None and any(p.num is not None for p in cum.points):
            ws.merge_range(row, 0, row, 4, cum.title, fmt.subtitle)
            row += 1
            for i, head in enumerate(("Tháng", cum.den_label, cum.num_label, "Số đơn vị có số liệu"), 1):
                ws.write_string(row, i, head, fmt.header)
            ws.set_row(row, 45)
            top = row + 1
            for point in cum.points:
                row += 1
                ws.write_string(row, 1, point.period.label, fmt.text)
                for col, value in ((2, point.den), (3, point.num)):
                    if value is None:
                        ws.write_blank(row, col, None, fmt.get(AMOUNT))
                    else:
                        ws.write_number(row, col, _number(value, AMOUNT), fmt.number(AMOUNT, value))
                ws.write_string(row, 4, f"{point.reporting}/{point.expected}", fmt.get("center"))
            chart = self.book.add_chart({"type": "line"})
            for col, color in ((2, "#9BBB59"), (3, "#4F81BD")):
                chart.add_series(
                    {
                        "name": [name, top - 1, col],
                        "categories": [name, top, 1, row, 1],
                        "values": [name, top, col, row, col],
                        "marker": {"type": "circle"},
                        "line": {"color": color, "width": 2.25},
                    }
                )
            chart.set_title({"name": cum.title})
            chart.set_y_axis({"num_format": f"#,##0{self.fmt.scale}", "name": vn.UNIT_LABELS.get(cum.money_unit, "")})
            chart.set_legend({"position": "bottom"})
            ws.insert_chart(anchor, 6, chart, {"x_scale": 1.3, "y_scale": 1.2})
            anchor += 20
            row += 2
            anchor = max(anchor, row)
        # 4. each choice: units per option
        for oc in option_charts(cons):
            ws.merge_range(row, 0, row, 4, oc.label, fmt.subtitle)
            row += 1
            ws.write_string(row, 1, "Lựa chọn", fmt.header)
            ws.write_string(row, 2, "Số đơn vị", fmt.header)
            top = row + 1
            for label, count in _option_rows(oc):
                row += 1
                ws.write_string(row, 1, label, fmt.text)
                ws.write_number(row, 2, count, fmt.get(INT))
            chart = self.book.add_chart({"type": "column"})
            chart.add_series(
                {
                    "name": oc.label,
                    "categories": [name, top, 1, row, 1],
                    "values": [name, top, 2, row, 2],
                    "data_labels": {"value": True},
                    "fill": {"color": "#C0504D"},
                }
            )
            chart.set_title({"name": oc.label})
            chart.set_legend({"none": True})
            chart.set_y_axis({"num_format": "0", "name": "Số đơn vị"})
            ws.insert_chart(anchor, 6, chart, {"x_scale": 1.1, "y_scale": 1.0})
            anchor += 17
            row += 2
            anchor = max(anchor, row)
        self._page(ws, None, None)

    # ------------------------------------------------------------------ the rows of a table, one by one

    def table_sheet(self, table: Field) -> None:
        """Every unit's rows of one of the kind's tables (the annual plan's estimate lines: field, content, amount),
        with a total of each number column; units that sent no row have none here (the status sheet has them)."""
        cons, fmt = self.cons, self.fmt
        ws = self.book.add_worksheet(sheet_name(f"Chi tiết {table.label}", self.taken))
        columns = list(table.columns)
        heads = [*FIXED[:3], *(c.label for c in columns)]
        width = len(heads)
        self._titles(ws, width, f"{table.label} (từng dòng của từng đơn vị)")
        for i, w in enumerate((5, 8, 24)):
            ws.set_column(i, i, w)
        widths = [60 if col.type in ("text", "longtext") else 16 if col.type in NUMERIC else 26 for col in columns]
        for i, w in enumerate(widths, 3):
            ws.set_column(i, i, w)
        for i, head in enumerate(heads):
            ws.merge_range(HEAD_TOP, i, HEAD_TOP + 1, i, head, fmt.header)
        row, n = FIRST_ROW, 0
        sums: dict[str, Any] = {}
        for unit_row in cons.rows:
            for line in unit_row.tables.get(table.id, ()):
                n += 1
                lines = 1
                ws.write_number(row, 0, n, fmt.get("center"))
                ws.write_string(row, 1, unit_row.unit.code, fmt.get("center"))
                ws.write_string(row, 2, unit_row.unit.title, fmt.text)
                for i, col in enumerate(columns, 3):
                    value = line.get(col.id)
                    if value is None or value == "":
                        ws.write_blank(row, i, None, fmt.text)
                    elif col.type in NUMERIC and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
                        ws.write_number(row, i, _number(value, col.type), fmt.number(col.type, value))
                        sums[col.id] = sums.get(col.id, 0) + value
                    elif col.type == "choice":
                        ws.write_string(
                            row, i, next((o.label for o in col.options if o.value == value), str(value)), fmt.text
                        )
                    else:
                        ws.write_string(row, i, str(value), fmt.text)
                        lines = max(lines, -(-len(str(value)) // widths[i - 3]))
                if lines > 1:  # spreadsheet programs do not all grow a row to its wrapped text
                    ws.set_row(row, 15 * lines)
                row += 1
        ws.merge_range(row, 0, row, 2, "Tổng cộng", fmt.get("text", total=True))
        for i, col in enumerate(columns, 3):
            if col.type in NUMERIC and n:
                total = sums.get(col.id, 0)
                ws.write_formula(
                    row,
                    i,
                    f"=SUM({_range(i, FIRST_ROW, row - 1)})",
                    fmt.number(col.type, total, total=True),
                    _number(total, col.type),
                )
            else:
                ws.write_blank(row, i, None, fmt.get("text", total=True))
        self._page(ws, (HEAD_TOP, HEAD_TOP + 1), (FIRST_ROW, 3))

    # ------------------------------------------------------------------ the long data

    def data_sheet(self) -> None:
        cons, fmt = self.cons, self.fmt
        ws = self.book.add_worksheet(sheet_name(DATA_SHEET, self.taken))
        heads = ("Mã đơn vị", "Đơn vị", "Loại báo cáo", "Kỳ", "Mã chỉ tiêu", "Chỉ tiêu", "Giá trị", "Bản", "Số báo cáo")
        for i, (head, w) in enumerate(zip(heads, (10, 24, 24, 9, 26, 50, 16, 6, 10), strict=True)):
            ws.set_column(i, i, w)
            ws.write_string(0, i, head, fmt.header)
        key = period_key(cons.period)
        row = 0
        plain = {
            t: fmt.book.add_format({**fmt.base, "num_format": f})
            for t, f in (
                (AMOUNT, f"#,##0{fmt.scale}"),
                (INT, "#,##0"),
                (YEAR, "0"),
                (DECIMAL, "#,##0.###"),
                (PERCENT, "0.00%"),
            )
        }
        for figure in cons.figures():
            row += 1
            col = figure.column
            ws.write_string(row, 0, figure.unit.code)
            ws.write_string(row, 1, figure.unit.title)
            ws.write_string(row, 2, cons.kind.id)
            ws.write_string(row, 3, key)
            ws.write_string(row, 4, col.id)
            ws.write_string(row, 5, col.title)
            if col.type == CHOICE:
                ws.write_string(row, 6, col.option_label(figure.value))
            else:
                ws.write_number(row, 6, _number(figure.value, col.type), plain[col.type])
            ws.write_number(row, 7, figure.source.version)
            ws.write_number(row, 8, figure.source.report_id)
        ws.autofilter(0, 0, max(row, 1), len(heads) - 1)
        ws.freeze_panes(1, 0)
        self._page(ws, (0, 0), None)

    def close(self) -> bytes:
        self.book.close()
        return self.buffer.getvalue()


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _option_rows(oc: OptionChart) -> list[tuple[str, int]]:
    rows = list(oc.counts)
    if oc.unanswered:
        rows.append(("Không ghi", oc.unanswered))
    if oc.missing:
        rows.append(("Chưa gửi báo cáo", oc.missing))
    return rows


def workbook_bytes(cons: Consolidation, cumulative: CumulativeChart | None = None) -> bytes:
    """The .xlsx of `cons`: the status sheet, one sheet per theme, the rows of each table of figures, the charts, the
    long data."""
    book = _Book(cons, cumulative)
    book.status_sheet()
    for theme in cons.themes:
        book.theme_sheet(theme)
    for table in detail_tables(cons.kind):
        book.table_sheet(table)
    book.charts_sheet()
    book.data_sheet()
    return book.close()


def write_workbook(cons: Consolidation, path: Path, cumulative: CumulativeChart | None = None) -> Path:
    """Write the workbook of `cons` to `path` (.xlsx) atomically; return the path."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise DepartmentError(
            f"Tên tệp «{path.name}» phải có đuôi .xlsx (tệp Excel), ví dụ bieu-tong-hop-{period_key(cons.period)}.xlsx."
        )
    if not cons.themes:
        raise DepartmentError(
            f"Mẫu «{cons.kind.name}» không có số liệu nào để tổng hợp thành biểu (không có trường "
            "số tiền, số lượng, tỷ lệ hay lựa chọn)."
        )
    write_atomic(path, workbook_bytes(cons, cumulative))
    return path


def default_name(cons: Consolidation) -> str:
    """ "bieu-tong-hop-BC-KHCN-2026-05.xlsx"."""
    safe = "".join(ch for ch in cons.kind.short if ch.isalnum() or ch in "-_")
    return f"bieu-tong-hop-{safe}-{period_key(cons.period)}.xlsx"


__all__ = [
    "CHARTS_SHEET",
    "DATA_SHEET",
    "FIRST_ROW",
    "FIXED",
    "HEAD_TOP",
    "STATUS_SHEET",
    "default_name",
    "sheet_name",
    "workbook_bytes",
    "write_workbook",
]
