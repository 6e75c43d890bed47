"""What the officer types in a field, read to the field's value and shown back: one place for every editor."""

from __future__ import annotations

from typing import Any

from kpdesk import draft as drafts
from kpdesk import vn
from kpdesk.errors import FormatError
from kpdesk.kinds import Field

_PARSERS = {
    "amount": lambda f, s: vn.parse_amount(s, f.unit),
    "int": lambda f, s: vn.parse_int(s),
    "decimal": lambda f, s: vn.parse_decimal(s),
    "percent": lambda f, s: vn.parse_percent(s),
    "date": lambda f, s: vn.parse_date(s),
    "reference": lambda f, s: vn.parse_reference(s),
}


def parse_input(field: Field, text: str) -> Any:
    """Return the value the officer typed in `field`, or None when blank; raise `FormatError` when unreadable."""
    if not text.strip():
        return None
    parser = _PARSERS.get(field.type)
    if parser is not None:
        return parser(field, text)
    if field.type == "list":
        return drafts.value_from_json(field, text.split("\n"))
    return drafts.value_from_json(field, text)


def format_input(field: Field, value: Any) -> str:
    """Return `value` as text the officer can edit and that `parse_input` reads back to the same value."""
    if value is None:
        return ""
    t = field.type
    if t == "amount":
        return vn.format_amount(value, field.unit, with_unit=False)
    if t == "int":
        return str(value)
    if t == "decimal":
        return vn.format_decimal(value)
    if t == "percent":
        return vn.format_percent(value).rstrip("%")
    if t == "date":
        return vn.format_date(value)
    if t == "reference":
        return vn.format_reference(value)
    if t == "list":
        return "\n".join(value)
    return str(value)


def understood(field: Field, value: Any) -> str:
    """Return the line shown under a typed value: the normalised value (and an amount in words)."""
    if value is None:
        return ""
    t = field.type
    if t == "amount":
        return f"= {vn.format_amount(value, field.unit)} — {vn.money_in_words(value)}"
    if t == "int" and abs(value) >= 10_000:
        return f"= {vn.format_int(value)}"
    if t == "percent":
        return f"= {vn.format_percent(value)}"
    if t == "decimal":
        return f"= {vn.format_decimal(value)}"
    if t == "date":
        return f"= {vn.format_date_nd30(value)}"
    if t == "reference":
        parts = [f"Loại: {value.kind}" if value.kind else "Loại: (không ghi)", f"Số, ký hiệu: {value.code}"]
        parts.append(f"Ngày: {vn.format_date(value.date)}" if value.date else "Ngày: (không ghi)")
        if value.issuer:
            parts.append(f"Cơ quan: {value.issuer}")
        return " · ".join(parts)
    if t == "phone":
        try:
            return f"= {vn.parse_phone(value).display()}"
        except FormatError:
            return ""
    return ""
