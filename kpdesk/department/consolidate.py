"""A kind's figures for one period added up over the units, read from the kind itself, and the data its charts draw.

Why over 600 lines: adding up a kind's figures is read from the kind's own fields (sums, rates, tables, choices), and
the charts' data is built by the same walk over the same rows.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from kpdesk import draft as drafts
from kpdesk import vn
from kpdesk.compute import compute
from kpdesk.deadlines import period_key
from kpdesk.department.records import Records, Version
from kpdesk.department.status import LATE, MISSING, ON_TIME, STATES, Row, Status, matrix, status
from kpdesk.department.unitlist import ListedUnit, fold
from kpdesk.draft import Draft, Period
from kpdesk.errors import KpdeskError
from kpdesk.kinds import Field, Kind, Option

#: What a column holds: money (exact int đồng), a whole number, a year (never added up), a number with decimals, a
#: percentage (Decimal, 99.98 for 99,98%) or one of a choice's options.
AMOUNT, INT, YEAR, DECIMAL, PERCENT, CHOICE = "amount", "int", "year", "decimal", "percent", "choice"
#: How a column's total is made: the sum of the units' values, a rate recomputed from the summed numerator and
#: denominator, the number of units per option, or none (a year; a typed percentage not tied to its counts).
SUM, RATE, COUNTS, NONE = "sum", "rate", "counts", "none"
NUMERIC = (AMOUNT, INT, DECIMAL)
#: Labels of the options of a yes/no field.
BOOL_OPTIONS = (Option(True, "Có"), Option(False, "Không"))  # type: ignore[arg-type]
#: The states in the order the charts stack them, and how each is named there.
STATE_NAMES = {
    ON_TIME: "Đúng hạn",
    LATE: "Gửi muộn",
    MISSING: "Chưa gửi",
    "returned": "Đã trả lại để sửa",
    "accepted": "Đã chấp nhận",
}


def state_name(state: str, deadline_set: bool = True) -> str:
    """How a state is named in a table: a report sent for a period with no deadline is only "received"."""
    return "Đã nhận (chưa đặt hạn gửi)" if state == ON_TIME and not deadline_set else STATE_NAMES[state]


@dataclass(frozen=True)
class Column:
    """One figure of the kind as a column of the consolidated table.

    `id` names it in the data sheet: a field or computed value's id, "estimate_by_group.kh_cn" for one option of a
    group sum, "models.area" for the sum of a table's column and "models#rows" for its number of rows. `group` is
    the upper header it stands under (a table's or a group sum's label; "" when the column stands alone)."""

    id: str
    label: str
    type: str
    total: str
    group: str = ""
    num: str | None = None  # a rate's numerator and denominator (column ids)
    den: str | None = None
    options: tuple[Option, ...] = ()
    unit: str = "trieu"  # an amount's unit in the kind

    @property
    def title(self) -> str:
        """The column's name on its own: "Dự toán năm sau theo lĩnh vực: Chuyển đổi số"."""
        return f"{self.group}: {self.label}" if self.group else self.label

    def option_label(self, value: Any) -> str:
        for o in self.options:
            if o.value == value:
                return o.label
        return str(value)


@dataclass(frozen=True)
class Theme:
    """A section of the kind that holds figures: one sheet of the workbook."""

    id: str
    title: str
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class Source:
    """Where a figure comes from: the unit, the received report and its version."""

    unit: str  # the unit's code
    report_id: int
    version: int


@dataclass(frozen=True)
class UnitRow:
    """One expected unit: its state, and the figures of its latest version (none when it has not sent) and the
    items of its lists (difficulties, proposals…) as typed."""

    unit: ListedUnit
    status: Row
    version: Version | None = None
    values: dict[str, Any] = field(default_factory=dict)
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    #: The rows of the kind's tables of figures (`detail_tables`) as typed, every cell (a line's text and amount).
    tables: dict[str, tuple[dict[str, Any], ...]] = field(default_factory=dict, repr=False)

    @property
    def source(self) -> Source | None:
        if self.version is None:
            return None
        return Source(self.unit.code, self.version.report_id, self.version.number)

    @property
    def sent(self) -> bool:
        return self.version is not None


@dataclass(frozen=True)
class Figure:
    """One unit's value of one column, with its source."""

    unit: ListedUnit
    column: Column
    value: Any
    source: Source


@dataclass(frozen=True)
class Consolidation:
    """A kind's reports for one period added up: a row per expected unit, the totals and where each came from.

    Senders not on the unit list are not added up (a slip in a name would count a commune twice): `status` lists
    them, and matching them to a unit (`kpdesk department match`) brings their figures in."""

    kind: Kind
    period: Period
    status: Status
    themes: tuple[Theme, ...]
    rows: tuple[UnitRow, ...]
    totals: dict[str, Any]
    reported: dict[str, int]  # column id → how many units gave a value
    money_unit: str = "trieu"

    @property
    def columns(self) -> tuple[Column, ...]:
        return tuple(c for t in self.themes for c in t.columns)

    def column(self, column_id: str) -> Column:
        for c in self.columns:
            if c.id == column_id:
                return c
        raise KeyError(column_id)

    @property
    def sent(self) -> tuple[UnitRow, ...]:
        return tuple(r for r in self.rows if r.sent)

    def figures(self) -> Iterator[Figure]:
        """Every value a unit gave, unit by unit in the list's order, column by column."""
        for row in self.rows:
            source = row.source
            if source is None:
                continue
            for col in self.columns:
                if row.values.get(col.id) is not None:
                    yield Figure(row.unit, col, row.values[col.id], source)


# ----------------------------------------------------------------------------- the kind's figures


def _numeric(f: Field) -> str | None:
    if f.type == "int":
        return YEAR if f.id.endswith("year") else INT
    return f.type if f.type in (AMOUNT, DECIMAL, PERCENT) else None


def themes_of(kind: Kind) -> tuple[Theme, ...]:
    """The kind's figures, section by section: its number fields, choices and yes/no fields (not those filled from
    the unit's profile, nor those the kind marks `figure = false`), each table's row count and column sums, and its
    computed values (a group sum one column per group, words and `figure = false` left out), each computed value in
    the section of the first field it is made from."""
    counted = {c.args["of"] for c in kind.computed if c.op == "count"}
    summed = {c.args["of"] for c in kind.computed if c.op == "sum" and isinstance(c.args["of"], str)}
    ties = {r.args["field"]: (r.args["num"], r.args["den"]) for r in kind.rules if r.check == "percent_close"}
    by_section: dict[str, list[Column]] = {s.id: [] for s in kind.sections}
    for s in kind.sections:
        for f in s.fields:
            if f.prefill or not f.figure:
                continue
            kind_of_value = _numeric(f)
            if kind_of_value == PERCENT:
                num, den = ties.get(f.id, (None, None))
                by_section[s.id].append(Column(f.id, f.label, PERCENT, RATE if num else NONE, num=num, den=den))
            elif kind_of_value is not None:
                by_section[s.id].append(
                    Column(f.id, f.label, kind_of_value, NONE if kind_of_value == YEAR else SUM, unit=f.unit)
                )
            elif f.type in ("choice", "bool"):
                options = f.options if f.type == "choice" else BOOL_OPTIONS
                by_section[s.id].append(Column(f.id, f.label, CHOICE, COUNTS, options=tuple(options)))
            elif f.type == "rows":
                if f.id not in counted:
                    by_section[s.id].append(Column(f"{f.id}#rows", "Số mục", INT, SUM, group=f.label))
                for c in f.columns:
                    if c.type in NUMERIC and f"{f.id}.{c.id}" not in summed:
                        by_section[s.id].append(
                            Column(f"{f.id}.{c.id}", c.label, c.type, SUM, group=f.label, unit=c.unit)
                        )
    order = [s.id for s in kind.sections]
    for comp in kind.computed:
        if comp.op == "words" or not comp.figure:
            continue
        homes = [kind.section_of(name.split(".", 1)[0]).id for name in kind.sources(comp.id)]
        home = min(homes, key=order.index) if homes else order[-1]
        if comp.op == "group_sum":
            table, _ = comp.args["of"].split(".", 1)
            by = kind.field(table).column(comp.args["by"])
            by_section[home] += [
                Column(f"{comp.id}.{o.value}", o.label, AMOUNT, SUM, group=comp.label) for o in by.options
            ]
        elif comp.op == "percent":
            by_section[home].append(
                Column(comp.id, comp.label, PERCENT, RATE, num=comp.args["num"], den=comp.args["den"])
            )
        else:
            kind_of_value = INT if comp.op == "count" else comp.format if comp.format in NUMERIC else DECIMAL
            by_section[home].append(Column(comp.id, comp.label, kind_of_value, SUM))
    names = {c.id for cols in by_section.values() for c in cols}
    themes = []
    for s in kind.sections:
        cols = [
            c
            if c.total != RATE or (c.num in names and c.den in names)
            else Column(c.id, c.label, c.type, NONE, c.group)
            for c in by_section[s.id]
        ]
        if cols:
            themes.append(Theme(s.id, s.title, tuple(cols)))
    return tuple(themes)


def _number(value: Any) -> Any:
    return value if isinstance(value, (int, Decimal)) and not isinstance(value, bool) else None


def values_of(kind: Kind, columns: Sequence[Column], draft: Draft) -> dict[str, Any]:
    """One report's value of each column (a hidden field's value is not read; a column with no value is left out)."""
    derived = compute(kind, draft)
    shown = {
        f.id: given for f in kind.fields if (given := draft.values.get(f.id)) is not None and f.applies(draft.values)
    }
    out: dict[str, Any] = {}
    for col in columns:
        if col.id.endswith("#rows"):
            table = col.id[:-5]
            value: Any = len(shown.get(table) or []) if kind.field(table).applies(draft.values) else None
        elif col.id in derived:
            value = _number(derived[col.id])
        elif col.id in shown:
            raw = shown[col.id]
            value = raw if col.type == CHOICE else _number(raw)
        elif "." in col.id:
            name, part = col.id.split(".", 1)
            if isinstance(derived.get(name), dict):
                value = _number(derived[name].get(part))
            elif name in shown:
                cells = [_number(r.get(part)) for r in shown.get(name) or []]
                present = [c for c in cells if c is not None]
                value = sum(present) if present else None
            else:
                value = None
        else:
            value = None
        if value is not None:
            out[col.id] = value
    return out


def rate(num: Any, den: Any, places: int = 2) -> Decimal | None:
    """100·num/den rounded half-up to `places` (None when either is missing or den is 0)."""
    if num is None or den is None or den == 0:
        return None
    if isinstance(num, int) and isinstance(den, int):
        return vn.percent_of(num, den, places)
    return (Decimal(100) * Decimal(num) / Decimal(den)).quantize(Decimal(1).scaleb(-places))


def rate_parts(col: Column, rows: Sequence[UnitRow]) -> tuple[Any, Any, int]:
    """The sums of a rate's numerator and denominator over the units that gave both, and how many units those are
    (a unit that gave its allocation but not its disbursement does not lower the disbursement rate)."""
    num, den = col.num or "", col.den or ""
    pairs = [
        (r.values[num], r.values[den]) for r in rows if r.values.get(num) is not None and r.values.get(den) is not None
    ]
    if not pairs:
        return None, None, 0
    return sum(n for n, _ in pairs), sum(d for _, d in pairs), len(pairs)


def totals_of(columns: Sequence[Column], rows: Sequence[UnitRow]) -> tuple[dict[str, Any], dict[str, int]]:
    """The total of each column over `rows`, and how many units gave a value. A sum is None when nobody gave one;
    a rate is recomputed from the summed numerator and denominator of the units that gave both (`rate_parts`),
    never an average of the units' rates; a rate's count is of those units."""
    totals: dict[str, Any] = {}
    reported: dict[str, int] = {}
    for col in columns:
        present = [r.values[col.id] for r in rows if r.values.get(col.id) is not None]
        reported[col.id] = len(present)
        if col.total == SUM:
            totals[col.id] = sum(present) if present else None
        elif col.total == COUNTS:
            totals[col.id] = {o.value: sum(1 for v in present if v == o.value) for o in col.options}
        elif col.total == RATE:
            num, den, reported[col.id] = rate_parts(col, rows)
            totals[col.id] = rate(num, den)
    return totals, reported


#: The field types the figures are made from: read from a received draft (the rest, texts, are not needed).
_FIGURE_TYPES = frozenset({"amount", "int", "decimal", "percent", "choice", "bool"})


def _needed(kind: Kind, columns: Sequence[Column], lists: bool) -> list[Field]:
    """The fields `columns` are read from (with the fields their `visible_if` names), and the lists when wanted."""
    computed = {c.id for c in kind.computed}
    names: set[str] = set()
    for col in columns:
        base = col.id.split("#", 1)[0].split(".", 1)[0]
        for name in kind.sources(base) if base in computed else (base,):
            names.add(name.split(".", 1)[0])
    for name in list(names):
        condition = kind.field(name).visible_if if kind.has(name) and name not in computed else None
        if condition is not None:
            names.add(condition.field)
    return [f for f in kind.fields if f.id in names or (lists and f.type == "list")]


def _figures_draft(kind: Kind, period: Period, version: Version, fields: Sequence[Field]) -> Draft:
    """The part of `version`'s draft the figures need, as `kind` reads it: the values of `fields` that are numbers,
    choices, yes/no, lists, and their tables' number and choice cells (reading the whole draft, texts and all, would
    take ten times as long). A draft of an older version of the kind is read whole and carried over by the kind's
    upgrade rules."""
    if version.kind_version != kind.version:
        draft = version.draft
        if draft.kind_version < kind.version:
            try:
                draft = drafts.upgrade_draft(draft, kind)[0]
            except KpdeskError:
                pass
        return draft
    raw = version.data.get("values") or {}
    values: dict[str, Any] = {}
    for f in fields:
        item = raw.get(f.id)
        if item is None:
            continue
        try:
            if f.type in _FIGURE_TYPES:
                values[f.id] = drafts.value_from_json(f, item)
            elif f.type == "rows" and isinstance(item, list):
                cells = [c for c in f.columns if c.type in _FIGURE_TYPES]
                values[f.id] = [
                    {c.id: drafts.value_from_json(c, row.get(c.id)) for c in cells}
                    for row in item
                    if isinstance(row, dict)
                ]
            elif f.type == "list" and isinstance(item, list):
                values[f.id] = [x for x in item if isinstance(x, str)]
        except KpdeskError:  # a value the intake stored but this version of the kind cannot read
            continue
    return Draft(kind.id, kind.version, period, drafts.Unit(""), values=values)


def money_unit_of(kind: Kind) -> str:
    """The unit most of the kind's amounts are typed in ("trieu"): the workbook and charts show every amount in it."""
    units = [f.unit for f in kind.fields if f.type == AMOUNT] + [
        c.unit for f in kind.fields for c in f.columns if c.type == AMOUNT
    ]
    return max(set(units), key=units.count) if units else "trieu"


def detail_tables(kind: Kind) -> tuple[Field, ...]:
    """The kind's tables with a number column (the annual plan's estimate lines, the half-year report's models): the
    workbook lists their rows one by one beside the sums."""
    return tuple(
        f
        for f in kind.fields
        if f.type == "rows" and f.figure and not f.prefill and any(c.type in NUMERIC for c in f.columns)
    )


def _table_rows(kind: Kind, table: Field, version: Version, draft: Draft) -> tuple[dict[str, Any], ...]:
    """The rows of `table` in `version`, every cell as `kind` reads it (a draft of an older version of the kind,
    read whole and upgraded, gives its own rows)."""
    if not table.applies(draft.values):
        return ()
    if version.kind_version != kind.version:
        return tuple(r for r in draft.values.get(table.id) or () if isinstance(r, dict))
    out = []
    for raw in (version.data.get("values") or {}).get(table.id) or ():
        if not isinstance(raw, dict):
            continue
        row: dict[str, Any] = {}
        for col in table.columns:
            try:
                row[col.id] = drafts.value_from_json(col, raw.get(col.id))
            except KpdeskError:  # a cell this version of the kind cannot read: left blank
                row[col.id] = None
        out.append(row)
    return tuple(out)


def _unit_rows(
    records: Records, kind: Kind, period: Period, found: Status, columns: Sequence[Column], *, lists: bool = True
) -> list[UnitRow]:
    latest: dict[int, Version] = {rid: versions[-1] for rid, versions in records.versions_for(kind.id, period).items()}
    fields = _needed(kind, columns, lists)
    figures_kind = replace(kind, computed=tuple(c for c in kind.computed if c.op != "words"))  # no amounts in words
    rows = []
    for r in found.rows:
        if r.unit is None:
            continue
        version = latest.get(r.summary.report_id) if r.summary is not None else None
        if version is None:
            rows.append(UnitRow(r.unit, r))
            continue
        draft = _figures_draft(kind, period, version, fields)
        items = {
            f.id: tuple(draft.values.get(f.id) or ())
            for f in fields
            if lists and f.type == "list" and f.applies(draft.values)
        }
        tables = {t.id: _table_rows(kind, t, version, draft) for t in detail_tables(kind)} if lists else {}
        rows.append(UnitRow(r.unit, r, version, values_of(figures_kind, columns, draft), items, tables))
    return rows


def consolidate(
    records: Records, kind: Kind, period: Period, *, today: dt.date | None = None, found: Status | None = None
) -> Consolidation:
    """Add up `kind`'s reports for `period`: for each expected unit the latest version it sent (a unit that sent
    nothing keeps an empty row: missing, never zero), the totals, and how many units gave each figure."""
    found = found or status(records, kind, period, today)
    themes = themes_of(kind)
    columns = [c for t in themes for c in t.columns]
    rows = _unit_rows(records, kind, period, found, columns)
    totals, reported = totals_of(columns, rows)
    return Consolidation(kind, period, found, themes, tuple(rows), totals, reported, money_unit_of(kind))


# ----------------------------------------------------------------------------- what the communes wrote


@dataclass(frozen=True)
class Raised:
    """A point (a difficulty, a proposal…) several units wrote, near-duplicates together: the words most of them
    used, how many units and which."""

    field: str  # the kind's list field
    label: str  # its label
    text: str
    units: tuple[str, ...]  # the units' names, in the list's order

    @property
    def count(self) -> int:
        return len(self.units)


#: How an item of a list may be numbered by the one who typed it: "Một là,", "Thứ nhất,", "1.", "a)", "-".
_ENUMERATOR = re.compile(
    r"^\s*(?:[-+•–]\s*)?(?:(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)\s+là|thứ\s+"
    r"(?:nhất|hai|ba|tư|năm|sáu|bảy|tám|chín|mười)|\d{1,2}[.)]|[a-zđ]\))\s*[,:.]?\s*",
    re.IGNORECASE,
)


def _wording(text: str) -> str:
    """An item as the notice repeats it: without the numbering its writer gave it, or its final punctuation."""
    text = vn.clean_text(text).strip()
    text = _ENUMERATOR.sub("", text, count=1).lstrip("-+•– ").rstrip(" ;,.")
    return text[:1].upper() + text[1:]


def raised(cons: Consolidation, *, at_least: int = 2, most: int = 10, similar: float = 0.85) -> list[Raised]:
    """The items of the kind's lists (its difficulties, proposals… every `list` field but the legal bases) that at
    least `at_least` units wrote, grouped by their text folded (case, diacritics, punctuation) with near-duplicates
    together (`similar`: difflib's ratio), the `most` most often raised of each list, most often first."""
    out: list[Raised] = []
    read: dict[str, tuple[str, str]] = {}  # an item as typed → (its folded key, its wording); most repeat
    for f in cons.kind.fields:
        if f.type != "list" or f.id == cons.kind.bases_field:
            continue
        groups: list[tuple[str, dict[str, int], list[str]]] = []  # key, {wording: count}, units
        index: dict[str, int] = {}
        for row in cons.sent:
            seen: set[int] = set()
            for item in row.lists.get(f.id, ()):
                if item not in read:
                    wording = _wording(item)
                    read[item] = (fold(wording), wording)
                key, wording = read[item]
                if not key:
                    continue
                at = index.get(key)
                if at is None:
                    at = next((i for i, (k, _, _) in enumerate(groups) if _close(k, key, similar)), None)
                    if at is None:
                        groups.append((key, {}, []))
                        at = len(groups) - 1
                    index[key] = at
                if at in seen:
                    continue
                seen.add(at)
                groups[at][1][wording] = groups[at][1].get(wording, 0) + 1
                groups[at][2].append(row.unit.full_name)
        found = [
            Raised(f.id, f.label, max(words, key=lambda w: (words[w], -len(w))), tuple(units))
            for _, words, units in groups
            if len(units) >= at_least
        ]
        found.sort(key=lambda r: -r.count)
        out += found[:most]
    return out


def _close(a: str, b: str, similar: float) -> bool:
    if abs(len(a) - len(b)) > (1 - similar) * max(len(a), len(b)) + 1:
        return False
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.real_quick_ratio() >= similar and matcher.quick_ratio() >= similar and matcher.ratio() >= similar


# ----------------------------------------------------------------------------- what the charts draw


@dataclass(frozen=True)
class StatusPoint:
    """How many expected units were in each state for one period."""

    period: Period
    counts: dict[str, int]  # state → units, every state of `STATES`
    expected: int

    @property
    def label(self) -> str:
        return period_label(self.period)


@dataclass(frozen=True)
class UnitLateness:
    """A unit that sent late or has not sent, and by how many days."""

    name: str
    code: str
    state: str
    days: int


@dataclass(frozen=True)
class StatusChart:
    """Submission status: each state's count over the recent periods (the last is the period shown), and the units
    late or missing in that period, most days first."""

    kind_name: str
    points: tuple[StatusPoint, ...]
    late: tuple[UnitLateness, ...]


def status_chart(
    records: Records, kind: Kind, periods: Sequence[Period], *, today: dt.date | None = None
) -> StatusChart:
    """The status chart's data over `periods` (oldest first; the last one's late and missing units listed)."""
    found = matrix(records, kind, list(periods), today)
    points = []
    for st in found:
        counts = dict.fromkeys(STATES, 0)
        for r in st.rows:
            if r.unit is not None:
                counts[r.state] += 1
        points.append(StatusPoint(st.period, counts, st.expected))
    last = found[-1] if found else None
    late = []
    if last is not None:
        for r in last.rows:
            if r.unit is not None and (r.state == MISSING or (r.summary is not None and r.late)):
                late.append(
                    UnitLateness(r.unit.title, r.unit.code, MISSING if r.summary is None else LATE, r.days_late)
                )
    late.sort(key=lambda u: (-u.days, u.state != MISSING, u.code))
    return StatusChart(kind.short, tuple(points), tuple(late))


@dataclass(frozen=True)
class Pair:
    """One unit's numerator and denominator of a rate (disbursed of allocated) and the rate."""

    name: str
    code: str
    den: int | Decimal
    num: int | Decimal
    rate: Decimal | None
    source: Source


@dataclass(frozen=True)
class RateChart:
    """A rate unit by unit: its denominator beside its numerator (allocated beside disbursed), the units sorted by
    the rate, highest first, and the total rate recomputed from the sums."""

    id: str
    title: str
    rate_label: str
    num_label: str
    den_label: str
    type: str  # AMOUNT or INT: what the numerator and denominator count
    money_unit: str
    pairs: tuple[Pair, ...]
    total_num: Any
    total_den: Any
    total_rate: Decimal | None
    missing: int  # expected units that gave no pair

    def top(self, n: int = 10) -> tuple[Pair, ...]:
        return self.pairs[:n]

    def bottom(self, n: int = 10) -> tuple[Pair, ...]:
        """The `n` lowest rates (lowest last), none of those already in `top(n)`."""
        return self.pairs[max(n, len(self.pairs) - n) :]


def rate_charts(cons: Consolidation) -> list[RateChart]:
    """A chart for each rate of the kind whose numerator and denominator are both amounts or both counts."""
    out = []
    for col in cons.columns:
        if col.total != RATE or not col.num or not col.den:
            continue
        num, den = cons.column(col.num), cons.column(col.den)
        if num.type != den.type or num.type not in (AMOUNT, INT):
            continue
        pairs = []
        for row in cons.sent:
            n, d = row.values.get(num.id), row.values.get(den.id)
            if n is None or d is None:
                continue
            assert row.source is not None
            pairs.append(Pair(row.unit.title, row.unit.code, d, n, rate(n, d), row.source))
        pairs.sort(key=lambda p: (p.rate is None, -(p.rate or 0), p.code))
        title = f"{den.label} và {num.label[:1].lower() + num.label[1:]} theo đơn vị"
        total_num, total_den, _ = rate_parts(col, cons.rows)
        out.append(
            RateChart(
                col.id,
                title,
                col.label,
                num.label,
                den.label,
                num.type,
                cons.money_unit,
                tuple(pairs),
                total_num,
                total_den,
                cons.totals.get(col.id),
                len(cons.rows) - len(pairs),
            )
        )
    return out


@dataclass(frozen=True)
class MonthPoint:
    """The totals one month's reports gave (over the units that gave both), and how many units they came from."""

    period: Period
    num: Any
    den: Any
    reporting: int
    expected: int


@dataclass(frozen=True)
class CumulativeChart:
    """A monthly kind's numerator and denominator totals (disbursed and allocated to date), month by month of the
    year up to the period shown."""

    title: str
    num_label: str
    den_label: str
    money_unit: str
    points: tuple[MonthPoint, ...]


def cumulative_chart(
    records: Records, kind: Kind, period: Period, *, today: dt.date | None = None
) -> CumulativeChart | None:
    """The year's months up to `period` of the kind's first amount rate (None for a kind that is not monthly or has
    no rate of amounts). Each month adds up what that month's reports say "to date", over the units that gave both
    figures (`rate_parts`); a unit that did not report in a month adds nothing to it, so each point says how many
    units it comes from."""
    if period.type != "month":
        return None
    columns = [c for t in themes_of(kind) for c in t.columns]
    names = {c.id: c for c in columns}
    chosen = next(
        (
            c
            for c in columns
            if c.total == RATE
            and c.num
            and c.den
            and names.get(c.num) is not None
            and names[c.num].type == AMOUNT
            and names.get(c.den) is not None
            and names[c.den].type == AMOUNT
        ),
        None,
    )
    if chosen is None:
        return None
    num, den = names[chosen.num or ""], names[chosen.den or ""]
    months = [Period("month", period.year, month=m) for m in range(1, (period.month or 1) + 1)]
    states = matrix(records, kind, months, today)
    points = []
    for month, st in zip(months, states, strict=True):
        rows = _unit_rows(records, kind, month, st, [num, den, chosen], lists=False)
        month_num, month_den, reporting = rate_parts(chosen, rows)
        points.append(MonthPoint(month, month_num, month_den, reporting, st.expected))
    return CumulativeChart(
        f"{num.label} lũy kế theo tháng năm {period.year}", num.label, den.label, money_unit_of(kind), tuple(points)
    )


@dataclass(frozen=True)
class OptionChart:
    """How many units chose each option of a choice (the fund established or not), and how many gave no answer."""

    id: str
    label: str
    counts: tuple[tuple[str, int], ...]  # option label → units
    unanswered: int  # sent a report without choosing
    missing: int  # sent no report


def option_charts(cons: Consolidation) -> list[OptionChart]:
    """A chart for each choice and yes/no field of the kind."""
    out = []
    for col in cons.columns:
        if col.total != COUNTS:
            continue
        counts = cons.totals[col.id]
        answered = sum(counts.values())
        out.append(
            OptionChart(
                col.id,
                col.label,
                tuple((o.label, counts[o.value]) for o in col.options),
                len(cons.sent) - answered,
                len(cons.rows) - len(cons.sent),
            )
        )
    return out


def period_label(period: Period) -> str:
    """ "T05/2026", "6T đầu 2026", "2026": a period short enough for a chart's axis."""
    if period.type == "month":
        return f"T{period.month:02d}/{period.year}"
    if period.type == "half":
        return f"{'6T đầu' if period.half == 1 else '6T cuối'} {period.year}"
    return str(period.year)


__all__ = [
    "AMOUNT",
    "CHOICE",
    "COUNTS",
    "DECIMAL",
    "INT",
    "NONE",
    "PERCENT",
    "RATE",
    "STATE_NAMES",
    "SUM",
    "YEAR",
    "Column",
    "Consolidation",
    "CumulativeChart",
    "Figure",
    "MonthPoint",
    "OptionChart",
    "Pair",
    "RateChart",
    "Raised",
    "Source",
    "StatusChart",
    "StatusPoint",
    "Theme",
    "UnitLateness",
    "UnitRow",
    "consolidate",
    "cumulative_chart",
    "detail_tables",
    "money_unit_of",
    "option_charts",
    "period_key",
    "period_label",
    "raised",
    "rate",
    "rate_charts",
    "state_name",
    "status_chart",
    "themes_of",
    "totals_of",
    "values_of",
]
