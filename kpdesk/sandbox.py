"""The Jinja sandbox a kind's templates run in, and the bounds on loop steps, time and size it holds them to."""

from __future__ import annotations

import contextvars
import functools
import inspect
import re
import sys
import time
import types
from decimal import Decimal
from typing import Any, TypeGuard

from kpdesk import vn

# A kind may come from outside, so its templates run in Jinja's sandbox, which keeps them away from Python's
# internals; the bounds below keep them from hanging the program or eating its memory. Each render gets a fresh
# _Budget (through a context variable, because the environments are cached per folder): loop steps, a deadline and
# the size of the output. Operators that can grow a value (+ * ** % / //), string methods, range(), every for loop,
# every `~` and every value printed are checked against it; every filter is charged steps for the size of what it
# is given, refused when what it would make is too big (before making it), checked on what it made, and runs under
# the deadline too (a profile hook looks at the clock inside it). A template that goes beyond fails with a
# KindError naming the kind, the file and the line, like any other template error.

MAX_STEPS = 1_000_000  # loop iterations (range items included) in one render
MAX_SECONDS = 10.0  # wall-clock time of one render
MAX_OUTPUT_CHARS = 20_000_000  # characters one render may produce
MAX_SEQUENCE = 1_000_000  # items or characters one repetition or one width may produce
MAX_TEXT = 10_000_000  # characters one concatenation, join, replace or formatting may produce
MAX_EXPONENT = 1000
MAX_INT = 10**100
#: Characters given to a filter that does Python work per character or word (wordwrap, urlize): wordwrap(1) of a
#: 3 MB string took 129 s, of 100 000 characters well under a second.
MAX_WRAP_CHARS = 100_000


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

    def spend(self, steps: int) -> None:
        """Charge `steps` (a filter's work on what it was given) to the render's loop steps."""
        self.steps -= steps
        if self.steps < 0:
            raise LimitError(
                f"mẫu làm quá nhiều bước: một lần xuất chỉ được tối đa {vn.format_int(MAX_STEPS)} bước "
                "(vòng lặp, hoặc bộ lọc trên danh sách hay văn bản quá lớn)"
            )

    def watch(self, name: str, func: Any, args: tuple, kwargs: dict) -> Any:
        """Run the filter `name` with the deadline checked inside it: a profile hook sees every call the filter
        makes (Python or built-in) and looks at the clock every 256 of them."""
        deadline, calls = self.deadline, 0

        def hook(frame: Any, event: str, arg: Any) -> None:
            nonlocal calls
            calls += 1
            if not calls & 255 and time.monotonic() > deadline:
                raise LimitError(f"bộ lọc «{name}» chạy quá {MAX_SECONDS:g} giây nên bị dừng")

        previous = sys.getprofile()
        sys.setprofile(hook)
        try:
            return func(*args, **kwargs)
        finally:
            sys.setprofile(previous)

    def counted(self, iterable: Any):
        """Iterate `iterable`, spending one step per item."""
        for item in iterable:
            self.steps -= 1
            if self.steps < 0:
                raise LimitError(f"vòng lặp quá dài: một lần xuất chỉ được lặp tối đa {vn.format_int(MAX_STEPS)} bước")
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


_CONTAINERS = (list, tuple, dict, set, frozenset)


def printed_size(value: Any, limit: int = MAX_TEXT) -> int:
    """About how many characters `str(value)` has, found without building it (more than `limit` once it is known
    to be bigger). A container is measured once however often it appears: `[x] * 1000000` measures x once."""
    sizes: dict[int, int] = {}

    def size(item: Any, depth: int) -> int:
        if isinstance(item, str):
            return len(item) + 2
        if not isinstance(item, _CONTAINERS):
            return _scalar_size(item)
        if id(item) in sizes:
            return sizes[id(item)]
        if depth > 200:
            raise _too_big("giá trị lồng nhau")
        total = 2
        for part in (x for kv in item.items() for x in kv) if isinstance(item, dict) else item:
            total += 2 + size(part, depth + 1)
            if total > limit:
                break
        sizes[id(item)] = total
        return total

    return size(value, 0)


def _scalar_size(value: Any) -> int:
    if _is_int(value):
        return value.bit_length() * 3 // 10 + 2
    if value is None or isinstance(value, (bool, float, Decimal)):
        return 32
    return len(str(value)) if type(value).__str__ is not object.__str__ else 64


def check_printed(value: Any, what: str = "giá trị in ra") -> None:
    """Refuse a list, tuple or dict whose printed form would be bigger than `MAX_TEXT`, before it is printed (its
    items are charged to the render's steps)."""
    if isinstance(value, _CONTAINERS):
        budget = _BUDGET.get()
        if budget is not None:
            budget.spend(len(value))
        if printed_size(value) > MAX_TEXT:
            raise _too_big(what)


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
        raise LimitError(
            f"vòng lặp quá dài: range() có {vn.format_int(size)} phần tử, vượt số bước lặp còn lại "
            f"({vn.format_int(max(left, 0))}) trong giới hạn {vn.format_int(MAX_STEPS)} bước của một lần "
            "xuất"
        )
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
    if (
        any(int(w) > MAX_SEQUENCE for w in widths)
        or nested
        and any(_is_int(v) and abs(v) > MAX_SEQUENCE for v in values)
    ):
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
                if not isinstance(seq, str) and sum(len(x) for x in seq if isinstance(x, str)) * times > MAX_TEXT:
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
    if printed_size(items) + len(sep) * max(len(items) - 1, 0) > MAX_TEXT:
        raise _too_big("kết quả của join")


# ----------------------------------------------------------------------------- filters

#: Filters that make text from what they are given: a list or dict given to them must print within `MAX_TEXT`.
_MAKES_TEXT = frozenset(
    {
        "string",
        "e",
        "escape",
        "forceescape",
        "safe",
        "tojson",
        "pprint",
        "upper",
        "lower",
        "title",
        "capitalize",
        "trim",
        "striptags",
        "urlencode",
        "urlize",
        "wordcount",
        "wordwrap",
        "center",
        "indent",
        "truncate",
        "format",
        "replace",
        "reverse",
        "xmlattr",
        "join",
        "list",
        "paras",
        "items",
        "cap",
        "lower_first",
        "strip_end",
    }
)
#: Filters whose numeric arguments are widths or counts (the value itself included, as before).
_WIDTH_FILTERS = frozenset({"center", "indent", "wordwrap", "truncate", "batch", "slice", "round"})


def _check_indent(a: dict[str, Any]) -> None:
    text, width = str(a["s"]), a["width"]
    per_line = width if _is_int(width) else len(str(width))
    if len(text) + (text.count("\n") + 1) * max(per_line, 0) > MAX_TEXT:
        raise _too_big("kết quả của bộ lọc indent")


def _check_wrap(name: str, text: Any, extra: Any = None) -> None:
    text = str(text)
    if len(text) > MAX_WRAP_CHARS:
        raise LimitError(
            f"văn bản đưa vào bộ lọc {name} quá dài ({vn.format_int(len(text))} ký tự; tối đa "
            f"{vn.format_int(MAX_WRAP_CHARS)})"
        )
    if extra is not None and len(text) * (1 + len(str(extra))) > MAX_TEXT:
        raise _too_big(f"kết quả của bộ lọc {name}")


def _check_list(a: dict[str, Any]) -> None:
    if isinstance(a["value"], str) and len(a["value"]) > MAX_SEQUENCE:
        raise _too_big("danh sách tạo bởi bộ lọc list")


def _check_sum(a: dict[str, Any]) -> None:
    items = a["iterable"]
    if isinstance(items, (list, tuple)) and any(isinstance(x, (list, tuple, str)) for x in items):
        total = sum(len(x) for x in items if isinstance(x, (list, tuple, str)))
        if total > MAX_SEQUENCE or total * len(items) > 50 * MAX_SEQUENCE:  # each + copies the sum so far
            raise _too_big("kết quả của bộ lọc sum")


#: What each amplifying filter would make, checked on its bound arguments before it runs.
_BEFORE: dict[str, Any] = {
    "indent": _check_indent,
    "wordwrap": lambda a: _check_wrap("wordwrap", a["s"], a["wrapstring"] or "\n"),
    "urlize": lambda a: _check_wrap("urlize", a["value"]),
    "list": _check_list,
    "sum": _check_sum,
}


def _bounded(name: str, func: Any) -> Any:
    """`func` (the filter `name`) charged, checked before and after, and run under the render's deadline."""
    from jinja2.utils import _PassArg

    skip = 1 if _PassArg.from_obj(func) is not None else 0  # the environment or context comes first
    before = _BEFORE.get(name)
    try:
        signature = inspect.signature(func) if before is not None else None
    except (TypeError, ValueError):
        signature = None

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        budget = _BUDGET.get()
        given = args[skip:]
        if name in _WIDTH_FILTERS and any(_is_int(a) and abs(a) > MAX_SEQUENCE for a in (*given, *kwargs.values())):
            raise _too_big(f"tham số của bộ lọc {name}")
        value = given[0] if given else None
        if budget is not None:
            budget.tick()
            budget.spend(
                len(value) if isinstance(value, _CONTAINERS) else len(value) // 256 if isinstance(value, str) else 0
            )
        if name in _MAKES_TEXT and isinstance(value, _CONTAINERS) and printed_size(value) > MAX_TEXT:
            raise _too_big(f"giá trị đưa vào bộ lọc {name}")
        if signature is not None and before is not None:
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError:
                pass  # the filter itself says what is wrong with its arguments
            else:
                bound.apply_defaults()
                before(bound.arguments)
        result = budget.watch(name, func, args, kwargs) if budget is not None else func(*args, **kwargs)
        if (
            isinstance(result, str)
            and len(result) > MAX_TEXT
            or isinstance(result, (list, tuple))
            and len(result) > MAX_SEQUENCE
        ):
            raise _too_big(f"kết quả của bộ lọc {name}")
        return result

    return run


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
            return nodes.Filter(
                nodes.List(node.nodes, lineno=node.lineno), "kpdesk_concat", [], [], None, None, lineno=node.lineno
            )

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
    """Bound every filter in `filters` (Jinja's and the kind's own, so call it last), and add the loop and `~`
    filters the parsed templates use."""
    from jinja2 import pass_context, pass_eval_context
    from jinja2.runtime import markup_join, str_join
    from markupsafe import soft_str

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

    filters.update({"replace": replace, "join": join, "format": format_})
    for name, func in list(filters.items()):
        filters[name] = _bounded(name, func)

    @pass_context
    def loop(context: Any, value: Any) -> Any:
        budget = _BUDGET.get()
        if budget is None or isinstance(value, _CountedRange):
            return value
        return budget.counted(value)

    @pass_eval_context
    def concat(eval_ctx: Any, items: list) -> Any:
        check_printed(items, "chuỗi ghép bằng ~")
        texts = [soft_str(x) for x in items]
        if sum(len(t) for t in texts) > MAX_TEXT:
            raise _too_big("chuỗi ghép bằng ~")
        return markup_join(texts) if eval_ctx.autoescape else str_join(texts)

    filters.update({"kpdesk_loop": loop, "kpdesk_concat": concat})


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
