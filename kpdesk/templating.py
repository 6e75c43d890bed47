"""Fill a kind's body template and its title with a draft's values (Jinja2, in `kpdesk.sandbox`)."""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

from kpdesk import vn
from kpdesk.compute import compute
from kpdesk.draft import Draft
from kpdesk.errors import KindError
from kpdesk.kinds import Kind
from kpdesk.sandbox import render
from kpdesk.template_env import describe, environment, text_template


def context(kind: Kind, draft: Draft, derived: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return what a template sees: `unit`, `period`, `draft`, `form`, `v` (values), `c` (computed)."""
    derived = compute(kind, draft) if derived is None else derived
    values = {f.id: (draft.values.get(f.id) if f.applies(draft.values) else None) for f in kind.fields}
    labels = {f.id: {o.value: o.label for o in f.options} for f in kind.fields if f.options}
    labels.update(
        {f"{f.id}.{c.id}": {o.value: o.label for o in c.options} for f in kind.fields for c in f.columns if c.options}
    )
    return {
        "unit": draft.unit,
        "period": draft.period,
        "draft": draft,
        "form": draft.form,
        "money_unit": draft.money_unit,
        "unit_label": vn.UNIT_LABELS.get(draft.money_unit, "đồng"),
        "v": values,
        "c": dict(derived),
        "labels": labels,
    }


def _template_error(kind: Kind, exc: BaseException, path: Path) -> KindError:
    line = getattr(exc, "lineno", None)
    if line is None:
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename and Path(frame.filename).name == path.name:
                line = frame.lineno
                break
    where = f"dòng {line}" if line else "không rõ dòng"
    return KindError(f"Lỗi mẫu của loại báo cáo «{kind.id}», tệp {path}, {where}: {describe(exc)}.")


def fill_body(kind: Kind, draft: Draft, derived: dict[str, Any] | None = None) -> str:
    """Return the body markup (an XML fragment) of `draft` from its kind's template.

    Whatever goes wrong inside the template (a syntax mistake, a name the kind lacks, a division by zero, a
    recursion, a bound of loop steps, time or size) is a KindError naming the kind, the file and the line.
    """
    path = kind.template_path
    env = environment(str(kind.folder), True)
    ctx = context(kind, draft, derived)
    try:
        template = env.get_template(kind.template)
        return render(template, ctx)
    except Exception as exc:  # noqa: BLE001 - a template is code from outside: anything it raises is its fault
        raise _template_error(kind, exc, path) from None


def fill_text(kind: Kind, draft: Draft, source: str, what: str, derived: dict[str, Any] | None = None) -> str:
    """Return a one-line text of the kind (title or subject) filled for `draft`."""
    ctx = context(kind, draft, derived)
    try:
        return vn.clean_line(render(text_template(str(kind.folder), source), ctx))
    except Exception as exc:  # noqa: BLE001 - as in fill_body
        raise KindError(
            f"Lỗi ở «{what}» của loại báo cáo «{kind.id}» (tệp {kind.folder / 'kind.toml'}): {describe(exc)}."
        ) from None


def undeclared_names(kind: Kind) -> set[str]:
    """Return the `v.` and `c.` names the body template uses that the kind does not define."""
    from jinja2 import nodes

    env = environment(str(kind.folder), True)
    source = kind.template_path.read_text(encoding="utf-8")
    missing: set[str] = set()
    for src in (source, kind.title, kind.subject):
        tree = env.parse(src)
        for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
            target = node.node
            if isinstance(target, nodes.Name) and target.name in ("v", "c"):
                name = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
                if not isinstance(name, str):
                    continue
                exists = (target.name == "v" and name in {f.id for f in kind.fields}) or (
                    target.name == "c" and name in {x.id for x in kind.computed}
                )
                if not exists:
                    missing.add(f"{target.name}.{name}")
    return missing
