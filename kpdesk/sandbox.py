"""The Jinja sandbox a kind's templates run in, and the bounds on loop steps, time and size it holds them to."""

from __future__ import annotations

import contextvars
import functools
import re
import time
import types
from decimal import Decimal
from typing import Any, TypeGuard

from kpdesk import vn

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


class LimitError(Exception):
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
            raise LimitError(f"mẫu chạy quá {MAX_SECONDS:g} giây nên bị dừng (vòng lặp hoặc phép tính quá lớn)")

    def counted(self, iterable: Any):
        """Iterate `iterable`, spending one step per item."""
        for item in iterable:
            self.steps -= 1
            if self.steps < 0:
                raise LimitError(f"vòng lặp quá dài: một lần xuất chỉ được lặp tối đa {vn.format_int(MAX_STEPS)} "
                                  "bước")
            if not self.steps & 4095:
                self.check_time()
            yield item


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("kpdesk_template_budget", default=None)


def _tick() -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.tick()


def _too_big(what: str) -> LimitError:
    return LimitError(f"{what} quá lớn; mẫu không được tạo giá trị lớn như vậy")


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


def safe_range(*args: Any) -> Any:
    """range() for templates: refused when longer than the loop steps left in this render."""
    rng = range(*args)
    try:
        size = len(rng)
    except OverflowError:
        size = MAX_INT
    budget = _BUDGET.get()
    left = budget.steps if budget is not None else MAX_STEPS
    if size > left:
        raise LimitError(f"vòng lặp quá dài: range() có {vn.format_int(size)} phần tử, vượt số bước lặp còn lại "
                          f"({vn.format_int(max(left, 0))}) trong giới hạn {vn.format_int(MAX_STEPS)} bước của một lần "
                          "xuất")
    return _CountedRange(rng, budget) if budget is not None else rng


def _is_int(value: Any) -> TypeGuard[int]:
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
            size: Any = abs(right)  # int, float or Decimal: each compares with an int
            if size > MAX_EXPONENT and abs(left) not in (0, 1):
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
def sandbox_class():
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


def bound_filters(filters: dict[str, Any]) -> None:
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


def render(template: Any, ctx: dict[str, Any]) -> str:
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
                chunks.throw(LimitError(f"mẫu in ra quá {vn.format_int(MAX_OUTPUT_CHARS)} ký tự"))
                raise LimitError(f"mẫu in ra quá {vn.format_int(MAX_OUTPUT_CHARS)} ký tự")
            if time.monotonic() > budget.deadline:
                chunks.throw(LimitError(f"mẫu chạy quá {MAX_SECONDS:g} giây nên bị dừng"))
                raise LimitError(f"mẫu chạy quá {MAX_SECONDS:g} giây nên bị dừng")
            out.append(chunk)
        return "".join(out)
    finally:
        _BUDGET.reset(token)
