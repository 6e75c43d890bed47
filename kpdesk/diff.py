"""Field by field, what changed between two drafts of one kind (two versions of a received report, two revisions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kpdesk import vn
from kpdesk.draft import Draft, is_empty
from kpdesk.kinds import Field, Kind
from kpdesk.validate import show
from kpdesk.vocab import DOC_LABELS, DOCUMENT_TITLE, FORM_NAMES, DocPart

MAX_SHOWN = 120


@dataclass(frozen=True)
class Change:
    """One value that differs: where, and how it reads before and after."""

    section: str  # the section's title
    field: str  # the field id or document part
    label: str
    before: str
    after: str
    row: int | None = None
    column: str | None = None


def _text(f: Field | None, value: Any) -> str:
    if is_empty(value):
        return "(trống)"
    if f is not None and f.type == "reference":
        text = vn.format_reference(value)
    elif isinstance(value, (list, tuple)):
        text = "; ".join(str(v) for v in value)
    else:
        text = show(f, value)
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def _parts(d: Draft) -> list[tuple[str, Any]]:
    signer = " / ".join(filter(None, [*d.signer.authority, d.signer.position, d.signer.name]))
    return [
        (DocPart.UNIT, d.unit.full_name),
        (DocPart.FORM, FORM_NAMES.get(d.form, d.form)),
        (DocPart.NUMBER, d.number),
        (DocPart.DATE, vn.format_date(d.date) if d.date else None),
        (DocPart.SIGNER, signer),
        (DocPart.TO, list(d.to)),
        (DocPart.RECIPIENTS, list(d.recipients)),
    ]


def diff_drafts(kind: Kind, old: Draft, new: Draft) -> list[Change]:
    """Every value that differs between `old` and `new` (both drafts of `kind`), in the order of the form: the
    document's own parts first, then each section's fields; a table cell by cell, rows added or removed whole."""
    out: list[Change] = []
    for (part, before), (_, after) in zip(_parts(old), _parts(new), strict=True):
        if before != after:
            out.append(Change(DOCUMENT_TITLE, part, DOC_LABELS[part], _text(None, before), _text(None, after)))
    for section in kind.sections:
        for f in section.fields:
            a, b = old.values.get(f.id), new.values.get(f.id)
            if a == b or (is_empty(a) and is_empty(b)):
                continue
            if f.type != "rows":
                out.append(Change(section.title, f.id, f.label, _text(f, a), _text(f, b)))
                continue
            rows_a, rows_b = list(a or []), list(b or [])
            for i in range(max(len(rows_a), len(rows_b))):
                ra = rows_a[i] if i < len(rows_a) else None
                rb = rows_b[i] if i < len(rows_b) else None
                if ra is None or rb is None:
                    row = ra or rb or {}  # the one that is there
                    shown = "; ".join(
                        f"{c.label}: {_text(c, row.get(c.id))}" for c in f.columns if not is_empty(row.get(c.id))
                    )
                    out.append(
                        Change(
                            section.title,
                            f.id,
                            f.label,
                            "(không có dòng này)" if ra is None else shown,
                            shown if ra is None else "(đã bỏ dòng này)",
                            i + 1,
                        )
                    )
                    continue
                for c in f.columns:
                    if ra.get(c.id) != rb.get(c.id) and not (is_empty(ra.get(c.id)) and is_empty(rb.get(c.id))):
                        out.append(
                            Change(
                                section.title,
                                f.id,
                                f"{f.label}, cột «{c.label}»",
                                _text(c, ra.get(c.id)),
                                _text(c, rb.get(c.id)),
                                i + 1,
                                c.id,
                            )
                        )
    return out


def describe_change(change: Change) -> str:
    """ "Mục «2. …», «Kinh phí đã giải ngân»: 200 triệu đồng → 250 triệu đồng"."""
    row = f", dòng {change.row}" if change.row else ""
    return f"Mục «{change.section}», «{change.label}»{row}: {change.before} → {change.after}"
