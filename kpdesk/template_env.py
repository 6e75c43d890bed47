"""The Jinja environment of a kind's folder: kpdesk's filters, a loader confined to the folder, the sandbox."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from kpdesk import vn
from kpdesk.errors import FormatError, KindError, KpdeskError
from kpdesk.sandbox import LimitError, bound_filters, check_printed, safe_range, sandbox_class

MAX_TEMPLATE_BYTES = 2_000_000  # a body.j2 or a file it includes

LINE_BREAK = "\u2028"  # the body markup turns this into a line break inside a paragraph


def _markupsafe():
    import markupsafe

    return markupsafe


def _finalize(value: Any) -> Any:
    """Print nothing for an empty value and keep the officer's own line breaks as breaks."""
    if value is None:
        return ""
    check_printed(value)  # a list of a million lists would print as gigabytes
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return value.replace("\n", LINE_BREAK)
    return value


def _finalize_text(value: Any) -> Any:
    """Print nothing for an empty value (plain text: title, subject)."""
    if value is None:
        return ""
    check_printed(value)
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
        return ms.Markup("\n".join(f"<li{attr}>{escape_line(str(x).replace(chr(10), LINE_BREAK))}</li>" for x in value))

    return {"paras": paras, "items": items}


@functools.lru_cache(maxsize=64)
def text_template(folder: str, source: str):
    """A one-line template (title, subject) compiled once per kind folder and text."""
    return environment(folder, False).from_string(source)


@functools.lru_cache(maxsize=64)
def environment(folder: str, markup: bool):
    """The environment of the kind in `folder` (body markup when `markup`, else plain text), made once per folder:
    it keeps the compiled templates (and recompiles one whose file changed), so a render does not parse and
    compile body.j2 again."""
    from jinja2 import StrictUndefined

    env = sandbox_class()(
        loader=_kind_loader(folder),
        autoescape=markup,
        undefined=StrictUndefined,
        finalize=_finalize if markup else _finalize_text,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.globals["range"] = safe_range
    env.globals.pop("lipsum", None)  # lorem ipsum has no place in a report, and lipsum(n=10**9) never ends
    env.filters.update(_text_filters())
    if markup:
        env.filters.update(_markup_filters())
    bound_filters(env.filters)  # last: kpdesk's own filters are bounded too
    return env


def _kind_loader(folder: str):
    """A loader that serves only files inside the kind's folder: no absolute or `..` names, and no symlink that
    leads out of the folder."""
    from jinja2 import BaseLoader, TemplateNotFound

    root = Path(folder)

    class KindLoader(BaseLoader):
        def get_source(self, environment: Any, template: str) -> tuple[str, str, Any]:
            parts = template.split("/")
            if (
                not template
                or "\\" in template
                or "\x00" in template
                or ":" in template
                or any(part in ("", ".", "..") for part in parts)
            ):
                raise TemplateNotFound(template)
            path = root.joinpath(*parts)
            try:
                resolved = path.resolve()
                inside = resolved.is_relative_to(root.resolve())
                if not inside or not resolved.is_file():
                    raise TemplateNotFound(template)
                if resolved.stat().st_size > MAX_TEMPLATE_BYTES:
                    raise LimitError(f"tệp mẫu «{template}» quá lớn (hơn 2 MB)")
                mtime = resolved.stat().st_mtime
                source = resolved.read_text(encoding="utf-8")
            except RecursionError:  # an include of itself, deep down: reported as such
                raise
            except (OSError, RuntimeError):  # unreadable, or a symlink loop
                raise TemplateNotFound(template) from None

            def uptodate() -> bool:
                try:
                    return path.resolve() == resolved and resolved.stat().st_mtime == mtime
                except RecursionError:
                    raise
                except (OSError, RuntimeError):
                    return False

            return source, str(path), uptodate

    return KindLoader()


def describe(exc: BaseException) -> str:
    """What went wrong in a template, in Vietnamese where the exception is one a template can cause (no final
    period: the messages add theirs)."""
    return _explain(exc).rstrip(" .")


def _explain(exc: BaseException) -> str:
    name = type(exc).__name__
    detail = getattr(exc, "message", None) or str(exc)
    if name == "SecurityError":
        return f"mẫu cố truy cập phần bị cấm ({detail})"
    if name == "UndefinedError":
        return f"mẫu dùng tên không có trong loại báo cáo ({detail})"
    if name in ("TemplateNotFound", "TemplatesNotFound"):
        return (
            f"không dùng được tệp mẫu «{str(getattr(exc, 'name', detail))[:200]}»: mẫu chỉ được dùng tệp nằm "
            "trong thư mục của loại báo cáo"
        )
    if isinstance(exc, RecursionError):
        return "mẫu gọi lại chính nó quá nhiều lần (macro đệ quy hoặc tệp tự include chính nó)"
    if isinstance(exc, ZeroDivisionError):
        return "mẫu chia cho 0"
    if isinstance(exc, OverflowError):
        return "mẫu tính ra một số quá lớn"
    if isinstance(exc, MemoryError):
        return "mẫu dùng quá nhiều bộ nhớ"
    if isinstance(exc, (LimitError, KpdeskError)) or name.startswith("Template"):
        return detail
    detail = f"{name}: {detail}"
    return detail if len(detail) <= 300 else detail[:300] + "…"


def check_text(folder: Path, source: str, what: str, path: Path) -> None:
    """Compile a kind's title or subject (`what`) when the kind in `folder` is loaded; a KindError naming the
    definition file `path` and the key if it is not valid Jinja (what it prints is only known when it is filled)."""
    try:
        text_template(str(folder), source)
    except Exception as exc:  # noqa: BLE001 - a syntax error, an unknown filter, a nesting too deep
        line = getattr(exc, "lineno", None)
        where = f" (dòng {line} của chuỗi)" if line and line > 1 else ""
        raise KindError(
            f"Định nghĩa loại báo cáo {path}: mục gốc: khóa «{what}» không phải "
            f"mẫu Jinja hợp lệ{where}: {describe(exc)}."
        ) from None
