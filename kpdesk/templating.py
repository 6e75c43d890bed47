"""Fill a kind's body template (Jinja2, sandboxed) and its title with a draft's values."""

from __future__ import annotations

import functools
import traceback
from pathlib import Path
from typing import Any

from kpdesk import vn
from kpdesk.compute import compute
from kpdesk.draft import Draft
from kpdesk.errors import FormatError, KindError
from kpdesk.kinds import Kind
from kpdesk.validate import is_visible

LINE_BREAK = "\u2028"  # the body markup turns this into a line break inside a paragraph


def _markupsafe():
    import markupsafe

    return markupsafe


def _finalize(value: Any) -> Any:
    """Print nothing for an empty value and keep the officer's own line breaks as breaks."""
    if value is None:
        return ""
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return value.replace("\n", LINE_BREAK)
    return value


def _cap(text: Any) -> str:
    text = "" if text is None else str(text)
    return text[:1].upper() + text[1:]


def _lower_first(text: Any) -> str:
    text = "" if text is None else str(text)
    return text[:1].lower() + text[1:]


def _fmt(func):
    def run(value: Any, *args: Any, **kw: Any) -> str:
        return "" if value is None else func(value, *args, **kw)

    run.__name__ = func.__name__
    return run


def _phone(value: str) -> str:
    try:
        return vn.parse_phone(value).display()
    except FormatError:
        return value


def _text_filters() -> dict[str, Any]:
    from jinja2 import pass_context

    @pass_context
    def amount(ctx: Any, value: Any, unit: str | None = None) -> str:
        return "" if value is None else vn.format_amount(value, unit or ctx.get("money_unit", "trieu"))

    @pass_context
    def amount_number(ctx: Any, value: Any, unit: str | None = None) -> str:
        unit = unit or ctx.get("money_unit", "trieu")
        return "" if value is None else vn.format_amount(value, unit, with_unit=False)

    return {
        "amount": amount,
        "amount_number": amount_number,
        "phone": _fmt(_phone),
        "words": _fmt(lambda v: vn.money_in_words(v)),
        "number": _fmt(lambda v: vn.format_int(v)),
        "count": _fmt(lambda v: vn.format_int(v, pad=True)),
        "dec": _fmt(vn.format_decimal),
        "pct": _fmt(vn.format_percent),
        "date": _fmt(vn.format_date),
        "nd30date": _fmt(vn.format_date_nd30),
        "ref": _fmt(lambda r, kind=True, issuer=True: vn.format_reference(r, with_kind=kind, with_issuer=issuer)),
        "cap": _cap,
        "lower_first": _lower_first,
        "strip_end": _fmt(lambda s: str(s).rstrip(" .;:,")),
    }


def _markup_filters() -> dict[str, Any]:
    ms = _markupsafe()

    def escape_line(text: str) -> str:
        return str(ms.escape(text.strip()))

    def paras(value: Any) -> Any:
        """One `<p>` per line of a long text; lines starting "- " or "+ " become dash items."""
        if not value:
            return ms.Markup("")
        out = []
        for line in str(value).split("\n"):
            stripped = line.strip()
            if not stripped:
                continue
            if stripped[:2] in ("- ", "+ ", "– "):
                mark = ' mark="+"' if stripped[0] == "+" else ""
                out.append(f"<li{mark}>{escape_line(stripped[2:])}</li>")
            else:
                out.append(f"<p>{escape_line(stripped)}</p>")
        return ms.Markup("\n".join(out))

    def items(value: Any, mark: str = "-") -> Any:
        """One dash item per entry of a list field."""
        if not value:
            return ms.Markup("")
        attr = ' mark="+"' if mark == "+" else ""
        return ms.Markup("\n".join(f"<li{attr}>{escape_line(str(x).replace(chr(10), LINE_BREAK))}</li>"
                                   for x in value))

    return {"paras": paras, "items": items}


def _environment(kind: Kind, *, markup: bool):
    """The kind's Jinja environment, made once per template folder: it keeps the compiled templates (and
    recompiles one whose file changed), so a render no longer parses and compiles body.j2 again."""
    return _environment_for(str(kind.folder), markup)


@functools.lru_cache(maxsize=64)
def _text_template(folder: str, source: str):
    """A one-line template (title, subject) compiled once per kind folder and text."""
    return _environment_for(folder, False).from_string(source)


@functools.lru_cache(maxsize=64)
def _environment_for(folder: str, markup: bool):
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(folder),
        autoescape=markup,
        undefined=StrictUndefined,
        finalize=_finalize if markup else (lambda v: "" if v is None else v),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(_text_filters())
    if markup:
        env.filters.update(_markup_filters())
    return env


def context(kind: Kind, draft: Draft, derived: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return what a template sees: `unit`, `period`, `draft`, `form`, `v` (values), `c` (computed)."""
    derived = compute(kind, draft) if derived is None else derived
    values = {f.id: (draft.values.get(f.id) if is_visible(kind, draft.values, f) else None) for f in kind.fields}
    labels = {f.id: {o.value: o.label for o in f.options} for f in kind.fields if f.options}
    labels.update({f"{f.id}.{c.id}": {o.value: o.label for o in c.options}
                   for f in kind.fields for c in f.columns if c.options})
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


def _template_error(kind: Kind, exc: Exception, path: Path) -> KindError:
    line = getattr(exc, "lineno", None)
    if line is None:
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename and Path(frame.filename).name == path.name:
                line = frame.lineno
                break
    where = f"dòng {line}" if line else "không rõ dòng"
    detail = getattr(exc, "message", None) or str(exc)
    if type(exc).__name__ == "SecurityError":
        detail = f"mẫu cố truy cập phần bị cấm ({detail})"
    elif type(exc).__name__ == "UndefinedError":
        detail = f"mẫu dùng tên không có trong loại báo cáo ({detail})"
    return KindError(f"Lỗi mẫu của loại báo cáo «{kind.id}», tệp {path}, {where}: {detail}.")


def fill_body(kind: Kind, draft: Draft, derived: dict[str, Any] | None = None) -> str:
    """Return the body markup (an XML fragment) of `draft` from its kind's template."""
    from jinja2 import TemplateError
    from jinja2.exceptions import SecurityError

    path = kind.template_path
    env = _environment(kind, markup=True)
    try:
        template = env.get_template(kind.template)
        return template.render(context(kind, draft, derived))
    except (TemplateError, SecurityError, TypeError, AttributeError, ValueError, FormatError) as exc:
        raise _template_error(kind, exc, path) from None


def fill_text(kind: Kind, draft: Draft, source: str, what: str, derived: dict[str, Any] | None = None) -> str:
    """Return a one-line text of the kind (title or subject) filled for `draft`."""
    from jinja2 import TemplateError
    from jinja2.exceptions import SecurityError

    try:
        return vn.clean_line(_text_template(str(kind.folder), source).render(context(kind, draft, derived)))
    except (TemplateError, SecurityError, TypeError, AttributeError, ValueError) as exc:
        raise KindError(f"Lỗi ở «{what}» của loại báo cáo «{kind.id}» (tệp {kind.folder / 'kind.toml'}): "
                        f"{getattr(exc, 'message', None) or exc}.") from None


def undeclared_names(kind: Kind) -> set[str]:
    """Return the `v.` and `c.` names the body template uses that the kind does not define."""
    from jinja2 import nodes

    env = _environment(kind, markup=True)
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
                exists = (target.name == "v" and name in {f.id for f in kind.fields}) or \
                         (target.name == "c" and name in {x.id for x in kind.computed})
                if not exists:
                    missing.add(f"{target.name}.{name}")
    return missing
