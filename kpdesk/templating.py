"""Fill a kind's body template (Jinja2, sandboxed) and its title with a draft's values."""

from __future__ import annotations

import contextvars
import functools
import re
import time
import traceback
import types
from decimal import Decimal
from pathlib import Path
from typing import Any

from kpdesk import vn
from kpdesk.compute import compute
from kpdesk.draft import Draft
from kpdesk.errors import FormatError, KindError, KpdeskError
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
    from jinja2 import StrictUndefined

    env = _sandbox_class()(
        loader=_kind_loader(folder),
        autoescape=markup,
        undefined=StrictUndefined,
        finalize=_finalize if markup else (lambda v: "" if v is None else v),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.globals["range"] = _safe_range
    env.globals.pop("lipsum", None)  # lorem ipsum has no place in a report, and lipsum(n=10**9) never ends
    _bound_filters(env.filters)
    env.filters.update(_text_filters())
    if markup:
        env.filters.update(_markup_filters())
    return env


# ----------------------------------------------------------------------------- bounds on what a template may do
#
# A kind may come from outside, so its templates run in Jinja's sandbox, which keeps them away from Python's
# internals; the bounds below keep them from hanging the program or eating its memory. Each render gets a fresh
# _Budget (through a context variable, because the environments are cached per folder): loop steps, a deadline and
# the size of the output. Operators that can grow a value (+ * ** % / //), string methods and filters that take a
# width or build text, range(), every for loop and every `~` are checked against it; a template that goes beyond
# fails with a KindError naming the kind, the file and the line, like any other template error.

MAX_STEPS = 1_000_000          # loop iterations (range items included) in one render
MAX_SECONDS = 10.0             # wall-clock time of one render
MAX_OUTPUT_CHARS = 20_000_000  # characters one render may produce
MAX_SEQUENCE = 1_000_000       # items or characters one repetition or one width may produce
MAX_TEXT = 10_000_000          # characters one concatenation, join, replace or formatting may produce
MAX_EXPONENT = 1000
MAX_INT = 10**100
MAX_TEMPLATE_BYTES = 2_000_000  # a body.j2 or a file it includes


class _LimitError(Exception):
    """A template went beyond one of the bounds above; `message` says which, in Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Budget:
    """What is left of one render's allowance."""

    __slots__ = ("steps", "deadline", "ticks")

    def __init__(self) -> None:
        self.steps = MAX_STEPS
        self.deadline = time.monotonic() + MAX_SECONDS
        self.ticks = 0

    def tick(self) -> None:
        self.ticks += 1
        if not self.ticks & 1023:
            self.check_time()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise _LimitError(f"mẫu chạy quá {MAX_SECONDS:g} giây nên bị dừng (vòng lặp hoặc phép tính quá lớn)")

    def counted(self, iterable: Any):
        """Iterate `iterable`, spending one step per item."""
        for item in iterable:
            self.steps -= 1
            if self.steps < 0:
                raise _LimitError(f"vòng lặp quá dài: một lần xuất chỉ được lặp tối đa {vn.format_int(MAX_STEPS)} "
                                  "bước")
            if not self.steps & 4095:
                self.check_time()
            yield item


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("kpdesk_template_budget", default=None)


def _tick() -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.tick()


def _too_big(what: str) -> _LimitError:
    return _LimitError(f"{what} quá lớn; mẫu không được tạo giá trị lớn như vậy")


class _CountedRange:
    """What range() gives a template: a range whose items are counted against the render's budget."""

    __slots__ = ("_range", "_budget")

    def __init__(self, rng: range, budget: _Budget) -> None:
        self._range, self._budget = rng, budget

    def __iter__(self):
        return self._budget.counted(self._range)

    def __reversed__(self):
        return self._budget.counted(reversed(self._range))

    def __len__(self) -> int:
        return len(self._range)

    def __contains__(self, item: Any) -> bool:
        return item in self._range

    def __getitem__(self, index: Any) -> Any:
        item = self._range[index]
        return _CountedRange(item, self._budget) if isinstance(item, range) else item

    def __repr__(self) -> str:
        return repr(self._range)


def _safe_range(*args: Any) -> Any:
    """range() for templates: refused when longer than the loop steps left in this render."""
    rng = range(*args)
    try:
        size = len(rng)
    except OverflowError:
        size = MAX_INT
    budget = _BUDGET.get()
    left = budget.steps if budget is not None else MAX_STEPS
    if size > left:
        raise _LimitError(f"vòng lặp quá dài: range() có {vn.format_int(size)} phần tử, vượt số bước lặp còn lại "
                          f"({vn.format_int(max(left, 0))}) trong giới hạn {vn.format_int(MAX_STEPS)} bước của một lần "
                          "xuất")
    return _CountedRange(rng, budget) if budget is not None else rng


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_format(spec: str, args: Any, *, braces: bool = False) -> None:
    """A %-format (or, with `braces`, a str.format) string may not ask for a width or precision of a million."""
    values = args.values() if isinstance(args, dict) else args if isinstance(args, (tuple, list)) else (args,)
    widths: list[str] = []
    if braces:
        for field in _FORMAT_FIELD.finditer(spec):
            widths += re.findall(r"[0-9]+", field.group(1))
        nested = _NESTED_FIELD.search(spec) is not None
    else:
        for conversion in _PERCENT_CONVERSION.finditer(spec):
            widths += [w for w in conversion.groups() if w and w != "*"]
        nested = "*" in "".join(m.group(0) for m in _PERCENT_CONVERSION.finditer(spec))
    if any(int(w) > MAX_SEQUENCE for w in widths) or \
            nested and any(_is_int(v) and abs(v) > MAX_SEQUENCE for v in values):
        raise _too_big("độ rộng trong chuỗi định dạng")


_PERCENT_CONVERSION = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|[0-9]+)?(?:\.(\*|[0-9]+))?")
_FORMAT_FIELD = re.compile(r"\{[^{}]*?:([^{}]*)\}")  # the format spec of a replacement field
_NESTED_FIELD = re.compile(r"\{[^{}]*?:[^{}]*\{")  # a spec that takes its width from an argument


def _check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse an operation whose result would be huge, before computing it."""
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, (str, list, tuple)) and _is_int(times) and times > 0:
                if len(seq) * times > MAX_SEQUENCE:
                    raise _too_big("chuỗi hoặc danh sách nhân lặp")
                if not isinstance(seq, str) and \
                        sum(len(x) for x in seq if isinstance(x, str)) * times > MAX_TEXT:
                    raise _too_big("danh sách nhân lặp")
        if _is_int(left) and _is_int(right) and left.bit_length() + right.bit_length() > 4 * 340:
            raise _too_big("số")
    elif operator == "**":
        numbers = (int, float, Decimal)
        if isinstance(left, numbers) and isinstance(right, numbers):
            if abs(right) > MAX_EXPONENT and abs(left) not in (0, 1):
                raise _too_big("số mũ")
            if _is_int(left) and _is_int(right) and right > 0 and (left.bit_length() - 1) * right > 340:
                raise _too_big("lũy thừa")
    elif operator == "%" and isinstance(left, str):
        _check_format(left, right)
    elif operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
        if len(left) + len(right) > MAX_TEXT:
            raise _too_big("chuỗi hoặc danh sách ghép")


def _check_result(operator: str, result: Any) -> Any:
    if operator in ("*", "**") and _is_int(result) and abs(result) > MAX_INT:
        raise _too_big("số")
    if isinstance(result, str) and len(result) > MAX_TEXT:
        raise _too_big("chuỗi")
    return result


_WIDTH_METHODS = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs"})


def _check_call(obj: Any, args: tuple, kwargs: dict) -> tuple:
    """Refuse a string method call that would build a huge string; return the (possibly listed) arguments."""
    owner = getattr(obj, "__self__", None)
    if not isinstance(owner, str) or not isinstance(obj, types.BuiltinMethodType):
        return args
    name = obj.__name__
    if name in _WIDTH_METHODS:
        if any(_is_int(a) and a > MAX_SEQUENCE for a in (*args, *kwargs.values())):
            raise _too_big(f"độ rộng của {name}()")
    elif name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        _check_replace(owner, args[0], args[1], args[2] if len(args) > 2 else kwargs.get("count"))
    elif name == "join" and args:
        items = list(args[0])
        _check_join(owner, items)
        args = (items, *args[1:])
    return args


def _check_replace(text: str, old: str, new: str, count: Any = None) -> None:
    times = text.count(old) if old else len(text) + 1
    if _is_int(count) and count >= 0:
        times = min(times, count)
    if len(text) + times * max(len(new) - len(old), 0) > MAX_TEXT:
        raise _too_big("kết quả của replace")


def _check_join(sep: str, items: list) -> None:
    size = sum(len(x) for x in items if isinstance(x, str)) + len(sep) * max(len(items) - 1, 0)
    if size > MAX_TEXT:
        raise _too_big("kết quả của join")


@functools.cache
def _sandbox_class():
    """The sandboxed environment with the bounds above (made on first use: jinja2 is imported lazily)."""
    from jinja2 import nodes
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    from jinja2.visitor import NodeTransformer

    class Bounded(NodeTransformer):
        """Routes every for loop's iterable and every `~` through the filters that count and measure them."""

        def visit_For(self, node: Any) -> Any:  # noqa: N802
            node = self.generic_visit(node)
            node.iter = nodes.Filter(node.iter, "kpdesk_loop", [], [], None, None, lineno=node.iter.lineno)
            return node

        def visit_Concat(self, node: Any) -> Any:  # noqa: N802
            node = self.generic_visit(node)
            return nodes.Filter(nodes.List(node.nodes, lineno=node.lineno), "kpdesk_concat", [], [], None, None,
                                lineno=node.lineno)

    class Sandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"+", "*", "**", "/", "//", "%"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            _tick()
            _check_binop(operator, left, right)
            return _check_result(operator, super().call_binop(context, operator, left, right))

        def call(__self, __context: Any, __obj: Any, /, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
            _tick()
            args = _check_call(__obj, args, kwargs)
            return super().call(__context, __obj, *args, **kwargs)

        def getattr(self, obj: Any, attribute: str) -> Any:
            _tick()
            return super().getattr(obj, attribute)

        def getitem(self, obj: Any, argument: Any) -> Any:
            _tick()
            return super().getitem(obj, argument)

        def wrap_str_format(self, value: Any) -> Any:
            wrapped = super().wrap_str_format(value)
            if wrapped is None:
                return None
            spec = value.__self__
            is_map = value.__name__ == "format_map"

            def checked(*args: Any, **kwargs: Any) -> str:
                _check_format(spec, args[0] if is_map and args else (*args, *kwargs.values()), braces=True)
                return _check_result("format", wrapped(*args, **kwargs))

            return checked

        def _parse(self, source: str, name: str | None, filename: str | None) -> Any:
            tree = Bounded().visit(super()._parse(source, name, filename))
            tree.set_environment(self)
            return tree

    return Sandbox


def _bound_filters(filters: dict[str, Any]) -> None:
    """Bound Jinja's filters that take a width or build text, and add the loop and `~` filters."""
    from jinja2 import pass_context, pass_eval_context
    from jinja2.runtime import markup_join, str_join
    from jinja2.utils import _PassArg
    from markupsafe import soft_str

    def widths(name: str, func: Any) -> Any:
        skip = 2 if _PassArg.from_obj(func) is not None else 1  # the environment or context, then the value

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            if any(_is_int(a) and abs(a) > MAX_SEQUENCE for a in (*args[skip:], *kwargs.values())):
                raise _too_big(f"tham số của bộ lọc {name}")
            return func(*args, **kwargs)

        return run

    for name in ("center", "indent", "wordwrap", "truncate", "batch", "slice", "round"):
        if name in filters:
            filters[name] = widths(name, filters[name])

    original_replace, original_join, original_format = filters["replace"], filters["join"], filters["format"]

    @pass_eval_context
    def replace(eval_ctx: Any, s: Any, old: Any, new: Any, count: Any = None) -> Any:
        _check_replace(str(s), str(old), str(new), count)
        return original_replace(eval_ctx, s, old, new, count)

    @pass_eval_context
    def join(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> Any:
        items = list(value)
        if attribute is None:
            _check_join(str(d), items)
        return original_join(eval_ctx, items, d, attribute)

    def format_(value: Any, *args: Any, **kwargs: Any) -> Any:
        _check_format(str(value), kwargs or args)
        return _check_result("format", original_format(value, *args, **kwargs))

    @pass_context
    def loop(context: Any, value: Any) -> Any:
        budget = _BUDGET.get()
        if budget is None or isinstance(value, _CountedRange):
            return value
        return budget.counted(value)

    @pass_eval_context
    def concat(eval_ctx: Any, items: list) -> Any:
        texts = [soft_str(x) for x in items]
        if sum(len(t) for t in texts) > MAX_TEXT:
            raise _too_big("chuỗi ghép bằng ~")
        return markup_join(texts) if eval_ctx.autoescape else str_join(texts)

    filters.update({"replace": replace, "join": join, "format": format_, "kpdesk_loop": loop,
                    "kpdesk_concat": concat})


def _kind_loader(folder: str):
    """A loader that serves only files inside the kind's folder: no absolute or `..` names, and no symlink that
    leads out of the folder."""
    from jinja2 import BaseLoader, TemplateNotFound

    root = Path(folder)

    class KindLoader(BaseLoader):
        def get_source(self, environment: Any, template: str) -> tuple[str, str, Any]:
            parts = template.split("/")
            if (not template or "\\" in template or "\x00" in template or ":" in template
                    or any(part in ("", ".", "..") for part in parts)):
                raise TemplateNotFound(template)
            path = root.joinpath(*parts)
            try:
                resolved = path.resolve()
                inside = resolved.is_relative_to(root.resolve())
                if not inside or not resolved.is_file():
                    raise TemplateNotFound(template)
                if resolved.stat().st_size > MAX_TEMPLATE_BYTES:
                    raise _LimitError(f"tệp mẫu «{template}» quá lớn (hơn 2 MB)")
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


def _detail(exc: BaseException) -> str:
    """What went wrong in a template, in Vietnamese where the exception is one a template can cause (no final
    period: the messages add theirs)."""
    return _describe(exc).rstrip(" .")


def _describe(exc: BaseException) -> str:
    name = type(exc).__name__
    detail = getattr(exc, "message", None) or str(exc)
    if name == "SecurityError":
        return f"mẫu cố truy cập phần bị cấm ({detail})"
    if name == "UndefinedError":
        return f"mẫu dùng tên không có trong loại báo cáo ({detail})"
    if name in ("TemplateNotFound", "TemplatesNotFound"):
        return (f"không dùng được tệp mẫu «{str(getattr(exc, 'name', detail))[:200]}»: mẫu chỉ được dùng tệp nằm "
                "trong thư mục của loại báo cáo")
    if isinstance(exc, RecursionError):
        return "mẫu gọi lại chính nó quá nhiều lần (macro đệ quy hoặc tệp tự include chính nó)"
    if isinstance(exc, ZeroDivisionError):
        return "mẫu chia cho 0"
    if isinstance(exc, OverflowError):
        return "mẫu tính ra một số quá lớn"
    if isinstance(exc, MemoryError):
        return "mẫu dùng quá nhiều bộ nhớ"
    if isinstance(exc, (_LimitError, KpdeskError)) or name.startswith("Template"):
        return detail
    detail = f"{name}: {detail}"
    return detail if len(detail) <= 300 else detail[:300] + "…"


def _template_error(kind: Kind, exc: BaseException, path: Path) -> KindError:
    line = getattr(exc, "lineno", None)
    if line is None:
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename and Path(frame.filename).name == path.name:
                line = frame.lineno
                break
    where = f"dòng {line}" if line else "không rõ dòng"
    return KindError(f"Lỗi mẫu của loại báo cáo «{kind.id}», tệp {path}, {where}: {_detail(exc)}.")


def _render(template: Any, ctx: dict[str, Any]) -> str:
    """Render `template` with a fresh budget: bounded in loop steps, time and output size."""
    budget = _Budget()
    token = _BUDGET.set(budget)
    try:
        out: list[str] = []
        size = 0
        chunks = template.generate(ctx)
        for chunk in chunks:
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                # raised inside the template, at the line that printed too much, so the message can name it
                chunks.throw(_LimitError(f"mẫu in ra quá {vn.format_int(MAX_OUTPUT_CHARS)} ký tự"))
                raise _LimitError(f"mẫu in ra quá {vn.format_int(MAX_OUTPUT_CHARS)} ký tự")
            if time.monotonic() > budget.deadline:
                chunks.throw(_LimitError(f"mẫu chạy quá {MAX_SECONDS:g} giây nên bị dừng"))
                raise _LimitError(f"mẫu chạy quá {MAX_SECONDS:g} giây nên bị dừng")
            out.append(chunk)
        return "".join(out)
    finally:
        _BUDGET.reset(token)


def fill_body(kind: Kind, draft: Draft, derived: dict[str, Any] | None = None) -> str:
    """Return the body markup (an XML fragment) of `draft` from its kind's template.

    Whatever goes wrong inside the template (a syntax mistake, a name the kind lacks, a division by zero, a
    recursion, a bound of loop steps, time or size) is a KindError naming the kind, the file and the line.
    """
    path = kind.template_path
    env = _environment(kind, markup=True)
    ctx = context(kind, draft, derived)
    try:
        template = env.get_template(kind.template)
        return _render(template, ctx)
    except Exception as exc:  # noqa: BLE001 - a template is code from outside: anything it raises is its fault
        raise _template_error(kind, exc, path) from None


def fill_text(kind: Kind, draft: Draft, source: str, what: str, derived: dict[str, Any] | None = None) -> str:
    """Return a one-line text of the kind (title or subject) filled for `draft`."""
    ctx = context(kind, draft, derived)
    try:
        return vn.clean_line(_render(_text_template(str(kind.folder), source), ctx))
    except Exception as exc:  # noqa: BLE001 - as in fill_body
        raise KindError(f"Lỗi ở «{what}» của loại báo cáo «{kind.id}» (tệp {kind.folder / 'kind.toml'}): "
                        f"{_detail(exc)}.") from None


def check_text(kind: Kind, source: str, what: str) -> None:
    """Compile a kind's title or subject when the kind is loaded; a KindError naming the file and the key if it is
    not valid Jinja (what it prints is only known when it is filled)."""
    try:
        _text_template(str(kind.folder), source)
    except Exception as exc:  # noqa: BLE001 - a syntax error, an unknown filter, a nesting too deep
        line = getattr(exc, "lineno", None)
        where = f" (dòng {line} của chuỗi)" if line and line > 1 else ""
        raise KindError(f"Định nghĩa loại báo cáo {kind.folder / 'kind.toml'}: mục gốc: khóa «{what}» không phải "
                        f"mẫu Jinja hợp lệ{where}: {_detail(exc)}.") from None


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
