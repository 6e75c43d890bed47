"""Changing a draft: one operation applies an edit (a field, or a document part) and says what it changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from kpdesk import vn
from kpdesk.draft import DOCUMENT_INPUTS, Draft, Period, Signer, Unit, input_field, is_empty, split_input_key
from kpdesk.errors import EditError
from kpdesk.kinds import Field, Kind
from kpdesk.vocab import DOC_LABELS, DocPart

#: The `Draft` attribute that holds each document part.
PART_ATTRIBUTES: dict[DocPart, str] = {
    DocPart.UNIT: "unit",
    DocPart.PERIOD: "period",
    DocPart.FORM: "form",
    DocPart.MONEY: "money_unit",
    DocPart.NUMBER: "number",
    DocPart.DATE: "date",
    DocPart.SIGNER: "signer",
    DocPart.TO: "to",
    DocPart.RECIPIENTS: "recipients",
    DocPart.TITLE: "title",
}
#: The document part each of those attributes is.
PART_OF_ATTRIBUTE: dict[str, DocPart] = {attr: part for part, attr in PART_ATTRIBUTES.items()}
#: The parts that keep typed text that could not be read (under their own key in `Draft.inputs`).
TYPED_PARTS = frozenset(DocPart(key) for key in DOCUMENT_INPUTS)


@dataclass(frozen=True)
class Changes:
    """What one or more edits changed: the kind's fields (value or unread text) and the document's own parts."""

    fields: frozenset[str] = frozenset()
    parts: frozenset[DocPart] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.fields or self.parts)

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.fields | other.fields, self.parts | other.parts)

    @property
    def typing(self) -> bool:
        """No document part changed (only fields, or nothing): the officer typing in the report's sections, which
        the store keeps in one revision while it goes on; a change of a document part is a revision of its own."""
        return not self.parts


NO_CHANGES = Changes()


@dataclass(frozen=True)
class SetField:
    """A field's new value in its Python form (int đồng, Decimal, date, DocRef, list, rows; None or empty clears it)
    and the field's typed text that could not be read, by `Draft.inputs` key ("budget_total", "models.2.area"); that
    text replaces whatever unread text the field had."""

    field_id: str
    value: Any
    inputs: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SetPart:
    """A document part's new value (`DocPart.SIGNER`: a `Signer`, `DocPart.TO`: a tuple of lines…); the signing date
    also takes its typed text that could not be read, under the key `DocPart.DATE`."""

    part: DocPart
    value: Any
    inputs: Mapping[str, str] = field(default_factory=dict)


Edit = SetField | SetPart


def inputs_of(draft: Draft, name: str) -> dict[str, str]:
    """The typed text of one field (of its cells, for a table) or document part that could not be read yet."""
    return _split_inputs(draft.inputs, name)[0]


def _split_inputs(inputs: Mapping[str, str], name: str) -> tuple[dict[str, str], dict[str, str]]:
    """(the unread text of `name`, the rest): the one place that knows which `Draft.inputs` keys belong to what."""
    mine: dict[str, str] = {}
    rest: dict[str, str] = {}
    for key, text in inputs.items():
        (mine if split_input_key(key)[0] == name else rest)[key] = text
    return mine, rest


def apply(kind: Kind, draft: Draft, edit: Edit) -> tuple[Draft, Changes]:
    """Return the draft with `edit` made and what it changed (nothing: the same draft and `NO_CHANGES`).

    A field the kind does not have, typed text of another field or a value of the wrong type is refused with an
    `EditError` naming it; the draft is not changed."""
    if isinstance(edit, SetField):
        return _set_field(kind, draft, edit)
    return _set_part(kind, draft, edit)


def apply_all(kind: Kind, draft: Draft, edits: Iterable[Edit]) -> tuple[Draft, Changes]:
    """Apply several edits in order; return the draft and everything they changed."""
    changes = NO_CHANGES
    for edit in edits:
        draft, more = apply(kind, draft, edit)
        changes |= more
    return draft, changes


def _set_field(kind: Kind, draft: Draft, edit: SetField) -> tuple[Draft, Changes]:
    fid = edit.field_id
    try:
        f = kind.field(fid)
    except KeyError:
        raise EditError(f"Mẫu «{kind.name}» không có trường «{fid}».") from None
    value = None if is_empty(edit.value) else edit.value
    if value is not None:
        _check_value(f, value, f.label)
    typed = _typed(
        edit.inputs,
        f"trường «{fid}»",
        lambda key: split_input_key(key)[0] == fid and input_field(kind, key) is not None,
    )
    old, others = _split_inputs(draft.inputs, fid)
    if draft.values.get(fid) == value and old == typed:
        return draft, NO_CHANGES
    values = {k: v for k, v in draft.values.items() if k != fid}
    if value is not None:
        values[fid] = value
    return replace(draft, values=values, inputs={**others, **typed}), Changes(fields=frozenset({fid}))


def _set_part(kind: Kind, draft: Draft, edit: SetPart) -> tuple[Draft, Changes]:
    part = DocPart(edit.part)
    attr = PART_ATTRIBUTES[part]
    label = DOC_LABELS[part]
    value = _part_value(kind, part, label, edit.value)
    typed = _typed(edit.inputs, f"«{label}»", lambda key: key == part and part in TYPED_PARTS)
    old, others = _split_inputs(draft.inputs, part)
    if getattr(draft, attr) == value and old == typed:
        return draft, NO_CHANGES
    changes: dict[str, Any] = {attr: value}
    if old != typed:
        changes["inputs"] = {**others, **typed}
    return replace(draft, **changes), Changes(parts=frozenset({part}))


def _typed(inputs: Mapping[str, str], what: str, belongs: Callable[[str], bool]) -> dict[str, str]:
    """The unread text an edit brings, checked to be of what it edits; blank text is no text."""
    for key, text in inputs.items():
        if not isinstance(key, str) or not isinstance(text, str) or not belongs(key):
            raise EditError(f"«{str(key)[:60]}» không phải chữ gõ của {what}.")
    return {key: text for key, text in inputs.items() if text.strip()}


# ---------------------------------------------------------------------------- values of the right type


def _wrong(where: str, value: Any) -> EditError:
    return EditError(f"Giá trị của «{where}» không đúng kiểu ({type(value).__name__}).")


def _check_value(f: Field, value: Any, where: str) -> None:
    """Refuse a value that is not the Python form of the field's type (what `kpdesk.draft.value_from_json` makes)."""
    t = f.type
    if t in ("text", "longtext", "choice", "phone", "email"):
        ok = isinstance(value, str)
    elif t == "list":
        ok = isinstance(value, (list, tuple)) and all(isinstance(x, str) for x in value)
    elif t in ("amount", "int"):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif t in ("decimal", "percent"):
        ok = isinstance(value, (Decimal, int)) and not isinstance(value, bool)
    elif t == "date":
        ok = isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    elif t == "bool":
        ok = isinstance(value, bool)
    elif t == "reference":
        ok = isinstance(value, vn.DocRef)
    elif t == "rows":
        if not isinstance(value, (list, tuple)) or not all(isinstance(row, dict) for row in value):
            raise _wrong(where, value)
        columns = {c.id: c for c in f.columns}
        for i, row in enumerate(value, 1):
            for cid, cell in row.items():
                if cid not in columns:
                    raise EditError(f"Giá trị của «{where}», dòng {i} có cột lạ «{str(cid)[:60]}».")
                if not is_empty(cell):
                    _check_value(columns[cid], cell, f"{where}, dòng {i}, cột «{columns[cid].label}»")
        return
    else:
        ok = False
    if not ok:
        raise _wrong(where, value)


def _part_value(kind: Kind, part: DocPart, label: str, value: Any) -> Any:
    """The part's value as the draft keeps it (lines as a tuple, an empty number as None), or an EditError."""
    if part in (DocPart.TO, DocPart.RECIPIENTS):
        value = tuple(value or ())
        if not all(isinstance(x, str) for x in value):
            raise _wrong(label, value)
        return value
    if part == DocPart.NUMBER:
        value = value or None
        if value is not None and not isinstance(value, str):
            raise _wrong(label, value)
        return value
    if part == DocPart.DATE:
        if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
            raise _wrong(label, value)
        return value
    if part == DocPart.FORM:
        if value not in kind.forms:
            raise EditError(f"Mẫu «{kind.name}» không có hình thức «{value}»; chọn: {', '.join(kind.forms)}.")
        return value
    if part == DocPart.MONEY:
        if value not in vn.UNITS:
            raise EditError(f"«{label}» phải là một trong: {', '.join(vn.UNITS)}.")
        return value
    wanted: dict[DocPart, type] = {
        DocPart.UNIT: Unit,
        DocPart.PERIOD: Period,
        DocPart.SIGNER: Signer,
        DocPart.TITLE: str,
    }
    if not isinstance(value, wanted[part]):
        raise _wrong(label, value)
    return value
