"""Computed values (totals, group sums, percentages, amounts in words): one place for all callers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kpdesk import vn
from kpdesk.draft import Draft
from kpdesk.kinds import Computed, Kind


def lookup(draft: Draft, derived: dict[str, Any], name: str) -> Any:
    """Return the value of a field or an already-computed value by name (None when empty)."""
    if name in derived:
        return derived[name]
    return draft.values.get(name)


def _column(draft: Draft, name: str) -> list[Any]:
    table, column = name.split(".", 1)
    return [row.get(column) for row in draft.values.get(table) or []]


def _number(value: Any) -> Any:
    return value if isinstance(value, (int, Decimal)) and not isinstance(value, bool) else None


def _add(values: list[Any]) -> Any:
    present = [v for v in map(_number, values) if v is not None]
    return sum(present) if present else None


def _one(kind: Kind, draft: Draft, derived: dict[str, Any], comp: Computed) -> Any:
    a = comp.args
    get = lambda name: lookup(draft, derived, name)  # noqa: E731
    if comp.op == "sum":
        of = a["of"]
        if isinstance(of, str) and "." in of:
            return _add(_column(draft, of))
        return _add([get(n) for n in (of if isinstance(of, list) else [of])])
    if comp.op == "add":
        return _add([get(n) for n in a["of"]])
    if comp.op == "sub":
        first, *rest = [_number(get(n)) for n in a["of"]]
        if first is None:
            return None
        return first - sum(x for x in rest if x is not None)
    if comp.op == "count":
        return len(draft.values.get(a["of"]) or [])
    if comp.op == "group_sum":
        table, column = a["of"].split(".", 1)
        by = a["by"]
        field = kind.field(table)
        order = [o.value for o in field.column(by).options] if by in {c.id for c in field.columns} else []
        totals: dict[str, Any] = {key: 0 for key in order}
        for row in draft.values.get(table) or []:
            amount = _number(row.get(column))
            key = row.get(by)
            if key is None:
                continue
            totals[key] = totals.get(key, 0) + (amount or 0)
        return totals
    if comp.op == "percent":
        num, den = _number(get(a["num"])), _number(get(a["den"]))
        if num is None or den is None:
            return None
        return vn.percent_of(num, den, int(a.get("places", 2)))
    if comp.op == "words":
        amount = _number(get(a["of"]))
        if amount is None or not isinstance(amount, int):
            return None
        return vn.money_in_words(amount, style=str(a.get("style", "north")))
    raise AssertionError(comp.op)  # the kind loader admits only the ops above


def compute(kind: Kind, draft: Draft) -> dict[str, Any]:
    """Return every computed value of `kind` for `draft`, in declaration order."""
    derived: dict[str, Any] = {}
    for comp in kind.computed:
        derived[comp.id] = _one(kind, draft, derived, comp)
    return derived


def display(kind: Kind, comp: Computed, value: Any, unit: str = "trieu") -> str:
    """Return a computed value as the officer reads it ("3.480 triệu đồng", "99,98%")."""
    if value is None:
        return "—"
    if comp.format == "amount":
        if isinstance(value, dict):
            labels = {}
            table, _ = comp.args["of"].split(".", 1)
            field = kind.field(table)
            by = comp.args["by"]
            labels = {o.value: o.label for o in field.column(by).options}
            return "; ".join(f"{labels.get(k, k)}: {vn.format_amount(v, unit)}" for k, v in value.items())
        return vn.format_amount(value, unit)
    if comp.format == "percent":
        return vn.format_percent(value)
    if comp.format == "int":
        return vn.format_int(value)
    if comp.format == "decimal":
        return vn.format_decimal(value)
    return str(value)
