"""What a report kind is, once loaded: its fields, sections, computed values, rules and upgrades (no I/O)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from kpdesk.period import Period

#: Field types a kind may use, with the Vietnamese name shown by `kpdesk fields`.
FIELD_TYPES: dict[str, str] = {
    "text": "chữ ngắn",
    "longtext": "đoạn văn",
    "list": "danh sách ý",
    "amount": "số tiền (đồng)",
    "int": "số nguyên",
    "decimal": "số thập phân",
    "percent": "tỷ lệ %",
    "date": "ngày",
    "reference": "số hiệu văn bản",
    "choice": "lựa chọn",
    "bool": "có/không",
    "phone": "số điện thoại",
    "email": "thư điện tử",
    "rows": "bảng nhiều dòng",
}
COLUMN_TYPES = set(FIELD_TYPES) - {"rows", "list"}
AMOUNT_UNITS = ("dong", "nghin", "trieu", "ty")
SEVERITIES = ("error", "warning")
COMPUTE_OPS = ("sum", "add", "sub", "group_sum", "percent", "count", "words")
RULE_CHECKS = ("equals", "lte", "percent_close", "year_range", "nonnegative", "date_order", "filled", "nonzero")
COMPUTED_FORMATS = ("amount", "int", "percent", "words", "decimal")
#: The keys each computation and each rule check takes, besides id, op/check, label, format, severity and message.
COMPUTED_KEYS: dict[str, tuple[str, ...]] = {
    "sum": ("of",),
    "add": ("of",),
    "sub": ("of",),
    "group_sum": ("of", "by"),
    "percent": ("num", "den", "places"),
    "count": ("of",),
    "words": ("of", "style"),
}
RULE_KEYS: dict[str, tuple[str, ...]] = {
    "equals": ("left", "right", "total", "parts"),
    "lte": ("left", "right"),
    "percent_close": ("field", "num", "den"),
    "year_range": ("field", "min", "max"),
    "date_order": ("first", "then"),
    "nonnegative": ("field",),
    "filled": ("field", "when", "part"),
    "nonzero": ("field", "when"),
}
#: The keys of a computation that name the values it is made from ("by" names a column of the same table).
SOURCE_KEYS = ("of", "num", "den")
WORD_STYLES = ("north", "south")
#: The largest amount (đồng) a field takes unless its kind sets `max`: 100.000 tỷ đồng, more than a province's
#: whole yearly budget; a larger figure in a commune's report is a slip (a unit typed twice, digits held down).
AMOUNT_MAX = 100_000 * 10**9
#: Above this amount (đồng) a field's value is questioned unless its kind sets `typical_max`: 100 tỷ đồng, far
#: above what a commune or ward spends on science and technology in a year ("2.382 tỷ" typed for 2,382 tỷ).
AMOUNT_TYPICAL_MAX = 100 * 10**9
#: Who writes a report of a kind: the commune («Báo cáo mới» lists only these) or the department itself.
AUDIENCES: dict[str, str] = {"commune": "xã, phường", "department": "Sở"}


@dataclass(frozen=True)
class Option:
    """One choice of a `choice` field: the value stored and the label shown."""

    value: str
    label: str


@dataclass(frozen=True)
class Condition:
    """When a field is shown: another field `equals` a value, is `in` a set, or is `gt` a number."""

    field: str
    equals: Any = None
    one_of: tuple[Any, ...] = ()
    gt: float | None = None

    def holds(self, values: Mapping[str, Any]) -> bool:
        """Return whether the condition holds for a draft's `values` (an empty or unreadable value never does)."""
        other = values.get(self.field)
        if self.gt is not None:
            return isinstance(other, (int, Decimal)) and not isinstance(other, bool) and other > self.gt
        if self.equals is not None:
            return bool(other == self.equals)
        return other in self.one_of

    def describe(self, kind: Kind) -> str:
        other = kind.field(self.field)
        if self.gt is not None:
            return f"«{other.label}» lớn hơn {self.gt:g}"
        wanted = (self.equals,) if self.equals is not None else self.one_of
        return f"«{other.label}» là " + " hoặc ".join(f"«{other.option_label(w)}»" for w in wanted)


@dataclass(frozen=True)
class Field:
    """One thing the officer fills in (kind.toml's `[[sections.fields]]`); a `rows` field's columns are fields too."""

    id: str
    type: str
    label: str
    help: str = ""
    required: bool = False
    carry: bool = False
    unit: str = "trieu"
    options: tuple[Option, ...] = ()
    columns: tuple[Field, ...] = ()
    visible_if: Condition | None = None
    min: float | None = None
    max: float | None = None
    #: Above this a number is unusual: validation asks whether the unit was mistyped (a warning). Amounts default
    #: to `AMOUNT_TYPICAL_MAX`.
    typical_max: float | None = None
    prefill: str | None = None
    example: str = ""
    section: str = ""
    #: A date field that names a deadline still to come («Gửi lại báo cáo trước ngày»): validation does not
    #: report it as being after the signing date.
    deadline: bool = False
    #: False for a field kept for kpdesk only and never printed (the return letter's kind id, which a commune's
    #: kpdesk reads to find the report it concerns).
    printed: bool = True
    #: False for a value that is not one of the report's figures (a flag that only words another, such as «khoảng»):
    #: the department's consolidated tables and notice leave it out.
    figure: bool = True

    def applies(self, values: Mapping[str, Any]) -> bool:
        """Return whether the field applies to a draft with these `values`: it has no `visible_if`, or it holds."""
        return self.visible_if is None or self.visible_if.holds(values)

    @property
    def upper_bound(self) -> float | None:
        """The largest value the field takes: its `max`, and for an amount `AMOUNT_MAX` when it has none."""
        return self.max if self.max is not None or self.type != "amount" else AMOUNT_MAX

    @property
    def usual_bound(self) -> float | None:
        """Above this the value is questioned: its `typical_max`, and for an amount `AMOUNT_TYPICAL_MAX`."""
        return self.typical_max if self.typical_max is not None or self.type != "amount" else AMOUNT_TYPICAL_MAX

    def option_label(self, value: Any) -> str:
        if self.type == "bool":
            return "Có" if value else "Không"
        for opt in self.options:
            if opt.value == value:
                return opt.label
        return str(value)

    def column(self, column_id: str) -> Field:
        for col in self.columns:
            if col.id == column_id:
                return col
        raise KeyError(column_id)


@dataclass(frozen=True)
class Section:
    """One step of the wizard and one part of the report: a title, help and its fields."""

    id: str
    title: str
    help: str
    fields: tuple[Field, ...]
    #: A report normally has something here: validation warns «Mục … để trống» when every field is empty.
    expected: bool = False


@dataclass(frozen=True)
class Computed:
    """A value kpdesk works out from others (`op`: sum, percent, words…), shown and printed in `format`."""

    id: str
    label: str
    op: str
    args: dict[str, Any]
    format: str  # amount | int | percent | words | decimal
    #: False for a value made only for a check (a sum that must equal a typed total): the department's consolidated
    #: tables and notice leave it out.
    figure: bool = True

    @property
    def names(self) -> tuple[str, ...]:
        """The fields, computed values and "table.column" names this value is made from directly."""
        out: list[str] = []
        for key in SOURCE_KEYS:
            value = self.args.get(key)
            out += [n for n in (value if isinstance(value, list) else [value]) if isinstance(n, str) and n]
        if self.op == "group_sum" and isinstance(self.args.get("of"), str):
            out.append(f"{self.args['of'].split('.', 1)[0]}.{self.args.get('by')}")
        return tuple(out)


@dataclass(frozen=True)
class Rule:
    """A check across fields (`check`: equals, lte, date_order…) whose failure is an error or a warning."""

    id: str
    check: str
    severity: str
    args: dict[str, Any]
    message: str = ""


@dataclass(frozen=True)
class Upgrade:
    """How values written under `from_version` become values of the next version."""

    from_version: int
    rename: dict[str, str]
    remove: tuple[str, ...]


@dataclass(frozen=True)
class Kind:
    """A report kind as kind.toml describes it: what it asks, how it checks and how its document is written."""

    id: str
    version: int
    name: str
    short: str
    description: str
    periods: tuple[str, ...]
    forms: tuple[str, ...]
    doc_type: str
    doc_symbol: str
    title: str
    subject: str
    deadline_day: int | None
    default_to: tuple[str, ...]
    default_recipients: tuple[str, ...]
    sections: tuple[Section, ...]
    computed: tuple[Computed, ...]
    rules: tuple[Rule, ...]
    upgrades: tuple[Upgrade, ...]
    folder: Path
    template: str = "body.j2"
    bases_field: str | None = None
    #: The first period this version is used for (None: every period); see `applies_to`.
    applies_from: Period | None = None
    #: The last day of each period's report that the department sets, by period key ("2026-H1").
    deadlines: dict[str, dt.date] = field(default_factory=dict)
    audience: str = "commune"
    _fields: dict[str, Field] = field(default_factory=dict, repr=False, compare=False)

    def applies_to(self, period: Period) -> bool:
        """Return whether this version is in force for `period`: it starts no later than the period does."""
        return self.applies_from is None or period.start >= self.applies_from.start

    def field(self, field_id: str) -> Field:
        try:
            return self._fields[field_id]
        except KeyError:
            raise KeyError(field_id) from None

    def has(self, name: str) -> bool:
        return name in self._fields or any(c.id == name for c in self.computed)

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(self._fields.values())

    def section_of(self, field_id: str) -> Section:
        for section in self.sections:
            if any(f.id == field_id for f in section.fields):
                return section
        raise KeyError(field_id)

    def label_of(self, name: str) -> str:
        if name in self._fields:
            return self._fields[name].label
        for comp in self.computed:
            if comp.id == name:
                return comp.label
        return name

    def computed_value(self, computed_id: str) -> Computed:
        for comp in self.computed:
            if comp.id == computed_id:
                return comp
        raise KeyError(computed_id)

    def sources(self, computed_id: str) -> frozenset[str]:
        """Return the fields (and "table.column" cells) the computed value `computed_id` is made from, following
        the computed values it is made from down to their fields."""
        out: set[str] = set()
        for name in self.computed_value(computed_id).names:
            if any(c.id == name for c in self.computed):
                out |= self.sources(name)  # a kind may only name values computed before: no loop
            else:
                out.add(name)
        return frozenset(out)

    @property
    def template_path(self) -> Path:
        return self.folder / self.template
