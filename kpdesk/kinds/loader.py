"""Load a report kind from `templates/<kind>/kind.toml`, checking every part of it, and find the kinds.

Why over 600 lines: reading a kind.toml checks every part of it with a Vietnamese message naming the file and field;
those checks are most of the module, the model itself is in kpdesk/kinds/model.py.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

from kpdesk import vn
from kpdesk.deadlines import parse_period, period_key
from kpdesk.errors import FormatError, KindError
from kpdesk.files import read_capped
from kpdesk.kinds.model import (
    AMOUNT_UNITS,
    AUDIENCES,
    COLUMN_TYPES,
    COMPUTE_OPS,
    COMPUTED_FORMATS,
    COMPUTED_KEYS,
    FIELD_TYPES,
    RULE_CHECKS,
    RULE_KEYS,
    SEVERITIES,
    WORD_STYLES,
    Computed,
    Condition,
    Field,
    Kind,
    Option,
    Rule,
    Section,
    Upgrade,
)
from kpdesk.kinds.summary import MAX_KIND_BYTES, is_kind_id
from kpdesk.period import Period
from kpdesk.vocab import FORMS, PERIOD_NAMES, PERIOD_TYPES

MAX_LIMIT = 10**18  # a field's min/max: finite, and printable as a float in messages


def _short(value: Any, limit: int = 80) -> str:
    """`repr(value)` cut to `limit` characters, for messages."""
    try:
        text = repr(value)
    except RecursionError:
        text = "(giá trị lồng nhau quá sâu)"
    return text if len(text) <= limit else text[:limit] + "…"


class _Reader:
    """Reads one table of the TOML file, naming the file and the place of every mistake."""

    def __init__(self, path: Path, where: str, data: Any) -> None:
        self.path, self.where = path, where
        if not isinstance(data, dict):
            self.fail("phải là một bảng (table)")
        self.data: dict[str, Any] = data

    def fail(self, what: str) -> None:
        raise KindError(f"Định nghĩa loại báo cáo {self.path}: {self.where} {what}.")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ..., *, choices=None) -> Any:
        if key not in self.data:
            if default is ...:
                self.fail(f"thiếu khóa «{key}»")
            return default
        value = self.data[key]
        if isinstance(value, bool) and kind in (int, float, (int, float)):
            self.fail(f"khóa «{key}» phải là số")
        if not isinstance(value, kind):
            names = {str: "chuỗi", int: "số nguyên", bool: "true/false", list: "danh sách", dict: "bảng"}
            wanted = names.get(kind, "giá trị đúng kiểu") if isinstance(kind, type) else "số"
            self.fail(f"khóa «{key}» phải là {wanted}, đang là {_short(value)}")
        if choices is not None and value not in choices:
            self.fail(f"khóa «{key}» = {_short(value)} không hợp lệ; chọn một trong: {', '.join(map(str, choices))}")
        return value

    def number(self, key: str) -> float | None:
        """An optional finite number (int or float) of moderate size."""
        value = self.get(key, (int, float), None)
        if value is not None and not (math.isfinite(value) and abs(value) <= MAX_LIMIT):
            self.fail(f"khóa «{key}» phải là một số hữu hạn (không quá 10^18), đang là {_short(value)}")
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        values = self.get(key, list, [])
        if not all(isinstance(v, str) for v in values):
            self.fail(f"khóa «{key}» phải là danh sách chuỗi")
        return tuple(values)

    def sub(self, where: str, data: Any) -> _Reader:
        return _Reader(self.path, f"{self.where} → {where}" if self.where else where, data)


def _read_condition(r: _Reader) -> Condition | None:
    raw = r.get("visible_if", dict, None)
    if raw is None:
        return None
    c = r.sub("visible_if", raw)
    one_of = c.get("in", list, [])
    cond = Condition(c.get("field", str), c.data.get("equals"), tuple(one_of), c.number("gt"))
    if cond.equals is None and not cond.one_of and cond.gt is None:
        c.fail("cần một trong các khóa «equals», «in» hoặc «gt»")
    return cond


def _read_field(r: _Reader, section: str, *, is_column: bool = False) -> Field:
    fid = r.get("id", str)
    if not fid.isidentifier():
        r.fail(f"mã trường «{fid}» chỉ được gồm chữ không dấu, số và dấu gạch dưới")
    allowed = COLUMN_TYPES if is_column else set(FIELD_TYPES)
    ftype = r.get("type", str, choices=sorted(allowed))
    options = tuple(
        Option(o.get("value", str), o.get("label", str))
        for i, o in enumerate(r.sub(f"options[{i}]", x) for i, x in enumerate(r.get("options", list, [])))
    )
    if ftype == "choice" and not options:
        r.fail(f"trường «{fid}» kiểu lựa chọn cần danh sách «options»")
    columns: tuple[Field, ...] = ()
    if ftype == "rows":
        raw_cols = r.get("columns", list)
        if not raw_cols:
            r.fail(f"trường «{fid}» kiểu bảng cần ít nhất một cột")
        columns = tuple(_read_field(r.sub(f"columns[{i}]", c), section, is_column=True) for i, c in enumerate(raw_cols))
        ids = [c.id for c in columns]
        if len(ids) != len(set(ids)):
            r.fail(f"trường «{fid}» có mã cột trùng nhau")
    return Field(
        id=fid,
        type=ftype,
        label=r.get("label", str),
        help=r.get("help", str, ""),
        required=r.get("required", bool, False),
        carry=r.get("carry", bool, False),
        unit=r.get("unit", str, "trieu", choices=AMOUNT_UNITS),
        options=options,
        columns=columns,
        visible_if=_read_condition(r),
        min=r.number("min"),
        max=r.number("max"),
        typical_max=_read_typical_max(r, fid, ftype),
        prefill=r.get("prefill", str, None),
        example=r.get("example", str, ""),
        section=section,
        deadline=_read_deadline_flag(r, fid, ftype),
        printed=r.get("printed", bool, True),
        figure=r.get("figure", bool, True),
    )


def _read_typical_max(r: _Reader, fid: str, ftype: str) -> float | None:
    """`typical_max`: above it a number is questioned (numbers only, not above the field's `max`)."""
    value = r.number("typical_max")
    if value is None:
        return None
    if ftype not in ("amount", "int", "decimal", "percent"):
        r.fail(
            f"trường «{fid}»: khóa «typical_max» chỉ dùng cho trường số (amount, int, decimal, percent), "
            f"trường này kiểu «{ftype}»"
        )
    high = r.number("max")
    if high is not None and value > high:
        r.fail(f"trường «{fid}»: «typical_max» ({value:g}) lớn hơn «max» ({high:g})")
    return value


def _read_deadline_flag(r: _Reader, fid: str, ftype: str) -> bool:
    """`deadline = true`: a date field naming a deadline still to come."""
    flag = r.get("deadline", bool, False)
    if flag and ftype != "date":
        r.fail(f"trường «{fid}»: khóa «deadline» chỉ dùng cho trường kiểu ngày (date), trường này kiểu «{ftype}»")
    return flag


def _read_toml(path: Path) -> Any:
    """The parsed kind.toml at `path`; a KindError naming the file for anything that is not a readable TOML file."""
    try:
        with path.open("rb") as fh:
            data = read_capped(fh, MAX_KIND_BYTES)
    except FileNotFoundError:
        raise KindError(f"Không tìm thấy tệp định nghĩa {path}.") from None
    except IsADirectoryError:
        raise KindError(f"Định nghĩa loại báo cáo {path} là một thư mục, không phải tệp.") from None
    except PermissionError:
        raise KindError(f"Không có quyền đọc tệp định nghĩa loại báo cáo {path}.") from None
    except OSError as exc:  # a symlink loop, a name too long, a device error
        raise KindError(f"Không đọc được tệp định nghĩa loại báo cáo {path} ({exc.strerror or exc}).") from None
    if len(data) > MAX_KIND_BYTES:
        raise KindError(f"Định nghĩa loại báo cáo {path} quá lớn (hơn 1 MB); tệp kind.toml chỉ vài KB.")
    import tomllib  # here, not at the top: kinds served from the cache at start are never parsed (1.3 MiB)

    try:
        text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise KindError(f"Định nghĩa loại báo cáo {path} sai cú pháp TOML: {exc}.") from None
    except RecursionError:
        raise KindError(f"Định nghĩa loại báo cáo {path} có bảng hoặc danh sách lồng nhau quá sâu.") from None


def load_kind(folder: Path, kind_id: str | None = None) -> Kind:
    """Read and check the kind in `folder`; raise `KindError` naming the file and field on any mistake.

    Its id must be `kind_id`: by default the folder's name (a built-in kind, `templates/<id>/`); an installed
    version lives in `<id>/<version>/` and is loaded with its id given.
    """
    path = folder / "kind.toml"
    raw = _read_toml(path)
    try:
        kind = _build_kind(folder, path, raw, kind_id or folder.name)
    except RecursionError:  # a value nested deep enough to pass tomllib but not our checks
        raise KindError(f"Định nghĩa loại báo cáo {path} có bảng hoặc danh sách lồng nhau quá sâu.") from None
    _check_consistency(kind, path)
    _check_references(kind, path)
    _check_texts(kind, path)
    return kind


def _build_kind(folder: Path, path: Path, raw: Any, expected_id: str) -> Kind:
    r = _Reader(path, "", raw)
    r.where = "mục gốc:"
    kid = r.get("id", str)
    if not is_kind_id(kid):
        r.fail(f"mã «{_short(kid, 70)}» chỉ được gồm chữ thường không dấu, chữ số, «-» và «_» (tối đa 64 ký tự)")
    if kid != expected_id:
        r.fail(f"mã «{kid}» phải trùng tên thư mục «{expected_id}»")
    sections = []
    fields: dict[str, Field] = {}
    for i, raw_sec in enumerate(r.get("sections", list)):
        s = r.sub(f"sections[{i}]", raw_sec)
        sid = s.get("id", str)
        sec_fields = []
        for j, raw_f in enumerate(s.get("fields", list)):
            f = _read_field(s.sub(f"fields[{j}]", raw_f), sid)
            if f.id in fields:
                s.fail(f"mã trường «{f.id}» bị trùng")
            fields[f.id] = f
            sec_fields.append(f)
        sections.append(
            Section(sid, s.get("title", str), s.get("help", str, ""), tuple(sec_fields), s.get("expected", bool, False))
        )
    if not sections:
        r.fail("cần ít nhất một mục (sections)")

    schema = _Schema(fields)
    raw_computed = r.get("computed", list, [])
    declared: set[str] = {x["id"] for x in raw_computed if isinstance(x, dict) and isinstance(x.get("id"), str)}
    computed: list[Computed] = []
    for i, raw_c in enumerate(raw_computed):
        c = r.sub(f"computed[{i}]", raw_c)
        cid = c.get("id", str)
        c = r.sub(f"computed[{i}] «{cid}»", raw_c)
        if cid in fields or any(x.id == cid for x in computed):
            c.fail(f"mã «{cid}» trùng với một trường khác")
        op = c.get("op", str, choices=COMPUTE_OPS)
        fmt = c.get(
            "format",
            str,
            "words" if op == "words" else "percent" if op == "percent" else "amount",
            choices=COMPUTED_FORMATS,
        )
        label = c.get("label", str)
        schema.add_computed(cid, _check_computed(c, op, fmt, schema, declared), fmt)
        args = {k: v for k, v in c.data.items() if k not in ("id", "op", "label", "format", "figure")}
        computed.append(Computed(cid, label, op, args, fmt, figure=c.get("figure", bool, True)))

    rules = []
    for i, raw_rule in enumerate(r.get("rules", list, [])):
        ru = r.sub(f"rules[{i}]", raw_rule)
        rid = ru.get("id", str)
        ru = r.sub(f"rules[{i}] «{rid}»", raw_rule)
        check = ru.get("check", str, choices=RULE_CHECKS)
        severity = ru.get("severity", str, "error", choices=SEVERITIES)
        message = ru.get("message", str, "")
        _check_rule(ru, check, schema)
        args = {k: v for k, v in ru.data.items() if k not in ("id", "check", "severity", "message")}
        rules.append(Rule(rid, check, severity, args, message))

    upgrades = []
    for i, raw_u in enumerate(r.get("upgrades", list, [])):
        u = r.sub(f"upgrades[{i}]", raw_u)
        rename = u.get("rename", dict, {})
        upgrades.append(
            Upgrade(u.get("from_version", int), {str(k): str(v) for k, v in rename.items()}, u.strings("remove"))
        )

    periods = r.strings("periods")
    forms = r.strings("forms") or FORMS[:1]
    for p in periods:
        if p not in PERIOD_TYPES:
            r.fail(f"kỳ báo cáo «{p}» không hợp lệ; chọn trong: {', '.join(PERIOD_TYPES)}")
    for form in forms:
        if form not in FORMS:
            r.fail(f"hình thức «{form}» không hợp lệ; chọn trong: {', '.join(FORMS)}")
    kind = Kind(
        id=kid,
        version=r.get("version", int),
        name=r.get("name", str),
        short=r.get("short", str),
        description=r.get("description", str, ""),
        periods=periods or ("month",),
        forms=forms,
        doc_type=r.get("doc_type", str, "BÁO CÁO"),
        doc_symbol=r.get("doc_symbol", str, "BC"),
        title=r.get("title", str),
        subject=r.get("subject", str, ""),
        deadline_day=r.get("deadline_day", int, None),
        default_to=r.strings("default_to"),
        default_recipients=r.strings("default_recipients"),
        sections=tuple(sections),
        computed=tuple(computed),
        rules=tuple(rules),
        upgrades=tuple(upgrades),
        folder=folder,
        template=r.get("template", str, "body.j2"),
        bases_field=r.get("bases_field", str, None),
        applies_from=_read_applies_from(r),
        deadlines=_read_deadlines(r, periods or ("month",)),
        audience=r.get("audience", str, "commune", choices=tuple(AUDIENCES)),
    )
    kind._fields.update(fields)
    return kind


def _read_applies_from(r: _Reader) -> Period | None:
    """`applies_from = "2026-07"`: the first period of this version, as a period key."""
    raw = r.data.get("applies_from")
    if raw is None:
        return None
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)  # applies_from = 2027: a whole year
    if not isinstance(raw, str):
        r.fail(
            f'khóa «applies_from» phải là kỳ viết trong ngoặc kép, ví dụ "2026-07" (tháng 7/2026), '
            f'"2026-H2" hoặc "2027"; đang là {_short(raw)}'
        )
    try:
        return parse_period(raw)
    except FormatError as exc:
        r.fail(f"khóa «applies_from»: {exc.message.rstrip('.')}")
        return None  # not reached: fail raises


def _read_deadlines(r: _Reader, periods: tuple[str, ...]) -> dict[str, dt.date]:
    """`[deadlines]`: "2026-H1" = 2026-07-15, the last day of a period's report, by period key."""
    table = r.get("deadlines", dict, {})
    out: dict[str, dt.date] = {}
    for key, day in table.items():
        try:
            period = parse_period(key)
        except FormatError as exc:
            r.fail(f"bảng [deadlines]: {exc.message.rstrip('.')}")
            continue  # not reached: fail raises
        if period.type not in periods:
            r.fail(
                f"bảng [deadlines]: kỳ «{key}» là kỳ {PERIOD_NAMES[period.type]} nhưng loại báo cáo này chỉ "
                f"dùng cho kỳ {', '.join(PERIOD_NAMES[p] for p in periods)}"
            )
        if type(day) is not dt.date:
            r.fail(
                f"bảng [deadlines]: hạn của kỳ «{key}» phải là một ngày viết không có ngoặc kép, ví dụ "
                f'"{key}" = {period.end + dt.timedelta(days=15)}; đang là {_short(day)}'
            )
        if day < period.start:
            r.fail(
                f"bảng [deadlines]: hạn của kỳ «{key}» ({vn.format_date(day)}) ở trước khi kỳ bắt đầu "
                f"({vn.format_date(period.start)})"
            )
        key = period_key(period)
        if key in out:
            r.fail(f"bảng [deadlines]: kỳ «{key}» được ghi hai lần")
        out[key] = day
    return out


# ---------------------------------------------------------------------------- computations and rules

#: What a field of each type holds, as far as computations and rules are concerned.
_FIELD_VALUES = {
    "amount": "int",
    "int": "int",
    "decimal": "number",
    "percent": "number",
    "date": "date",
    "reference": "date",
}
_NUMBERS = frozenset({"int", "number"})
_INTEGERS = frozenset({"int"})
_DATES = frozenset({"date"})
#: Which values each `format` can show (compute.display): amount and int need whole numbers, group_sum's mapping
#: shows only as amounts, words only the text of `words`.
_FORMAT_FITS = {
    "amount": frozenset({"int", "groups"}),
    "int": _INTEGERS,
    "decimal": _NUMBERS,
    "percent": _NUMBERS,
    "words": frozenset({"text"}),
}
_WANTED = {
    _NUMBERS: "một số (trường kiểu amount, int, decimal, percent hoặc một giá trị tính ra số)",
    _INTEGERS: "một số nguyên (trường kiểu amount hoặc int, hoặc một giá trị tính ra số nguyên)",
    _DATES: "một ngày (trường kiểu date hoặc reference)",
}


class _Schema:
    """What each name of a kind holds (a whole number, a number, a date…), to check computations and rules."""

    def __init__(self, fields: dict[str, Field]) -> None:
        self.fields = fields
        self.computed: dict[str, tuple[str, str]] = {}  # id -> (what it holds, format)

    def add_computed(self, cid: str, holds: str, fmt: str) -> None:
        self.computed[cid] = (holds, fmt)

    def holds(self, name: str) -> str | None:
        if name in self.fields:
            f = self.fields[name]
            return _FIELD_VALUES.get(f.type, f.type)
        if name in self.computed:
            return self.computed[name][0]
        return None

    def is_amount(self, name: str) -> bool:
        if name in self.fields:
            return self.fields[name].type == "amount"
        return self.computed.get(name) == ("int", "amount")


def _names(r: _Reader, key: str) -> list[str]:
    """The names under `key`: one name or a non-empty list of names."""
    if key not in r.data:
        r.fail(f"thiếu khóa «{key}»")
    value = r.data[key]
    names = value if isinstance(value, list) else [value]
    if not names or not all(isinstance(n, str) and n for n in names):
        r.fail(f"khóa «{key}» phải là tên trường hoặc danh sách tên trường (không rỗng), đang là {_short(value)}")
    return names


def _name(r: _Reader, key: str) -> str:
    """The one name under `key`."""
    if key not in r.data:
        r.fail(f"thiếu khóa «{key}»")
    value = r.data[key]
    if not isinstance(value, str) or not value:
        r.fail(f"khóa «{key}» phải là một tên trường, đang là {_short(value)}")
    return value


def _need(
    r: _Reader,
    key: str,
    name: str,
    schema: _Schema,
    wanted: frozenset[str],
    later: set[str] | frozenset[str] = frozenset(),
) -> str:
    """What the field or computed value `name` holds, which must be one of `wanted`."""
    holds = schema.holds(name)
    if holds is None:
        if "." in name:
            r.fail(
                f"khóa «{key}» nhắc tới «{name}»: ở đây chỉ dùng tên trường hoặc giá trị tính, không dùng cột của bảng"
            )
        if name in later:
            r.fail(
                f"khóa «{key}» nhắc tới «{name}», một giá trị tính khai báo sau; chỉ dùng được giá trị tính "
                "khai báo trước"
            )
        r.fail(f"khóa «{key}» nhắc tới «{name}» nhưng loại này không có trường đó")
    if holds not in wanted:
        r.fail(f"khóa «{key}»: «{name}» phải là {_WANTED[wanted]}")
    return holds  # type: ignore[return-value]


def _column(r: _Reader, key: str, name: str, schema: _Schema) -> tuple[Field, Field]:
    """The table and the column named "table.column"."""
    table_id, _, column_id = name.partition(".")
    table = schema.fields.get(table_id)
    if table is None or table.type != "rows":
        r.fail(f"khóa «{key}» nhắc tới «{name}» nhưng «{table_id}» không phải trường kiểu bảng (rows)")
    column = next((c for c in table.columns if c.id == column_id), None)  # type: ignore[union-attr]
    if column is None:
        r.fail(f"khóa «{key}» nhắc tới cột «{name}» không có trong bảng")
    return table, column  # type: ignore[return-value]


def _unknown_keys(r: _Reader, known: tuple[str, ...], allowed: tuple[str, ...], what: str) -> None:
    extra = sorted(set(r.data) - set(known) - set(allowed))
    if extra:
        r.fail(f"có khóa lạ «{extra[0]}»; {what} chỉ dùng các khóa: {', '.join(allowed)}")


def _check_computed(c: _Reader, op: str, fmt: str, schema: _Schema, declared: set[str]) -> str:
    """Check the keys of a computation; return what its value holds ("int", "number", "groups", "text")."""
    _unknown_keys(c, ("id", "op", "label", "format", "figure"), COMPUTED_KEYS[op], f"phép «{op}»")
    later = declared - set(schema.computed)
    holds: str
    if op == "sum" and isinstance(c.data.get("of"), str) and "." in c.data["of"]:
        _, column = _column(c, "of", c.data["of"], schema)
        holds = _FIELD_VALUES.get(column.type, column.type)
        if holds not in _NUMBERS:
            c.fail(f"khóa «of»: cột «{c.data['of']}» phải là cột số (amount, int, decimal hoặc percent)")
    elif op in ("sum", "add", "sub"):
        if op != "sum" and not isinstance(c.data.get("of"), list):
            c.fail(
                f'khóa «of» của phép «{op}» phải là danh sách tên trường, ví dụ of = ["a", "b"]'
                if "of" in c.data
                else "thiếu khóa «of»"
            )
        kinds = [_need(c, "of", name, schema, _NUMBERS, later) for name in _names(c, "of")]
        holds = "int" if all(k == "int" for k in kinds) else "number"
    elif op == "group_sum":
        of = _name(c, "of")
        if "." not in of:
            c.fail(f"khóa «of» = «{of}» phải có dạng «bảng.cột», ví dụ «estimate_lines.amount»")
        table, column = _column(c, "of", of, schema)
        if column.type not in ("amount", "int"):
            c.fail(f"khóa «of»: cột «{of}» phải là cột số tiền (amount) hoặc số nguyên (int)")
        by = _name(c, "by")
        if all(col.id != by for col in table.columns):
            c.fail(f"khóa «by» = «{by}» phải là một cột của bảng «{table.id}»")
        holds = "groups"
    elif op == "percent":
        for key in ("num", "den"):
            _need(c, key, _name(c, key), schema, _INTEGERS, later)
        places = c.get("places", int, 2)
        if not 0 <= places <= 10:
            c.fail(f"khóa «places» phải từ 0 đến 10, đang là {places}")
        holds = "number"
    elif op == "count":
        of = _name(c, "of")
        rows = schema.fields.get(of)
        if rows is None or rows.type != "rows":
            c.fail(f"khóa «of» = «{of}» phải là một trường kiểu bảng (rows)")
        holds = "int"
    else:  # words
        of = _name(c, "of")
        _need(c, "of", of, schema, _NUMBERS, later)
        if not schema.is_amount(of):
            c.fail(f'khóa «of»: «{of}» phải là một số tiền (trường kiểu amount hoặc giá trị tính có format = "amount")')
        c.get("style", str, "north", choices=WORD_STYLES)
        holds = "text"
    if holds not in _FORMAT_FITS[fmt]:
        if op == "words" or fmt == "words":
            c.fail('format = "words" đi với phép «words» và chỉ với phép đó')
        if op == "group_sum":
            c.fail('phép «group_sum» chỉ dùng format = "amount"')
        c.fail(
            f'format = "{fmt}" cần số nguyên nhưng giá trị của phép «{op}» có thể có phần lẻ; '
            'dùng format = "decimal" hoặc "percent"'
        )
    return holds


def _check_rule(ru: _Reader, check: str, schema: _Schema) -> None:
    """Check that a rule has the keys its check reads, naming values of the right sort."""
    _unknown_keys(ru, ("id", "check", "severity", "message"), RULE_KEYS[check], f"kiểm tra «{check}»")
    if check in ("equals", "lte"):
        sides: tuple[tuple[str, ...], ...] = (
            (("left", "total"), ("right", "parts")) if check == "equals" else (("left",), ("right",))
        )
        for keys in sides:
            present = [k for k in keys if k in ru.data]
            if not present:
                ru.fail(f"thiếu khóa «{keys[0]}»" + (f" (hoặc «{keys[1]}»)" if len(keys) > 1 else ""))
            if len(present) > 1:
                ru.fail(f"chỉ dùng một trong hai khóa «{keys[0]}» và «{keys[1]}»")
            for name in _names(ru, present[0]):
                _need(ru, present[0], name, schema, _NUMBERS)
    elif check == "percent_close":
        _need(ru, "field", _name(ru, "field"), schema, _NUMBERS)
        for key in ("num", "den"):
            _need(ru, key, _name(ru, key), schema, _INTEGERS)
    elif check == "year_range":
        name = _name(ru, "field")
        f = schema.fields.get(name)
        if f is None or f.type != "int":
            ru.fail(f"khóa «field» = «{name}» phải là một trường kiểu số nguyên (int)")
        ru.get("min", int, 1990)
        high = ru.data.get("max", "report_year")
        if high != "report_year" and (not isinstance(high, int) or isinstance(high, bool)):
            ru.fail(f'khóa «max» phải là một năm (số nguyên) hoặc "report_year", đang là {_short(high)}')
    elif check == "date_order":
        for key in ("first", "then"):
            _need(ru, key, _name(ru, key), schema, _DATES)
    elif check == "filled":
        for key in ("field", "when"):
            for name in _names(ru, key) if key in ru.data or key == "field" else ():
                if name not in schema.fields:
                    ru.fail(f"khóa «{key}» nhắc tới «{name}» nhưng loại này không có trường đó")
        ru.get("part", str, "")
    elif check == "nonzero":
        for name in _names(ru, "field"):
            _need(ru, "field", name, schema, _NUMBERS)
        for name in _names(ru, "when") if "when" in ru.data else ():
            if name not in schema.fields:
                ru.fail(f"khóa «when» nhắc tới «{name}» nhưng loại này không có trường đó")
    else:  # nonnegative
        for name in _names(ru, "field"):
            _need(ru, "field", name, schema, _NUMBERS)


def _check_references(kind: Kind, path: Path) -> None:
    """The legal bases, the body template and the conditions must name what the kind has."""

    def need(name: str, where: str) -> None:
        if not kind.has(name):
            raise KindError(
                f"Định nghĩa loại báo cáo {path}: {where} nhắc tới «{name}» nhưng loại này không có trường đó."
            )

    if kind.bases_field is not None:
        bases = kind._fields.get(kind.bases_field)
        if bases is None or bases.type != "list":
            raise KindError(
                f"Định nghĩa loại báo cáo {path}: bases_field = «{kind.bases_field}» phải là một trường "
                "kiểu danh sách (list) của loại này."
            )
    _check_template(kind, path)
    for f in kind.fields:
        if f.visible_if:
            need(f.visible_if.field, f"trường «{f.id}» (visible_if)")
    if "month" in kind.periods and kind.deadline_day is not None and not 1 <= kind.deadline_day <= 28:
        raise KindError(f"Định nghĩa loại báo cáo {path}: deadline_day phải từ 1 đến 28.")


def _check_consistency(kind: Kind, path: Path) -> None:
    """What each part may be alone but not together: the version, unique section and rule ids, min ≤ max, fields
    shown on conditions that do not come back to themselves, upgrades that lead to fields the kind has."""

    def fail(what: str) -> None:
        raise KindError(f"Định nghĩa loại báo cáo {path}: {what}.")

    if kind.version < 1:
        fail(
            f"mục gốc: khóa «version» = {kind.version} phải là số nguyên từ 1 trở lên (phiên bản của mẫu, tăng "
            "thêm 1 mỗi lần đổi trường); với số nhỏ hơn, mọi bản nháp sẽ bị coi là của phiên bản mới hơn"
        )
    for what, ids in (("sections", [s.id for s in kind.sections]), ("rules", [r.id for r in kind.rules])):
        seen: set[str] = set()
        for i, item_id in enumerate(ids):
            if item_id in seen:
                name = "mục" if what == "sections" else "kiểm tra"
                fail(
                    f"{what}[{i}]: mã {name} «{_short(item_id, 60)[1:-1]}» bị trùng với một {name} trước đó; "
                    f"mỗi {name} cần một mã riêng"
                )
            seen.add(item_id)
    for f in kind.fields:
        for where, item in ((f"trường «{f.id}»", f), *((f"trường «{f.id}», cột «{c.id}»", c) for c in f.columns)):
            if item.min is not None and item.max is not None and item.min > item.max:
                fail(
                    f"{where}: min = {item.min:g} lớn hơn max = {item.max:g}, nên không giá trị nào hợp lệ; "
                    "hãy đổi lại hai khóa này"
                )
    shown_on = {f.id: f.visible_if.field for f in kind.fields if f.visible_if is not None}
    for start in shown_on:
        chain, name = [start], shown_on[start]
        while name in shown_on and name not in chain:
            chain.append(name)
            name = shown_on[name]
        if name == start:
            if len(chain) == 1:
                fail(
                    f"trường «{start}» (visible_if) chỉ hiện khi chính nó có giá trị, nên không bao giờ hiện; hãy "
                    "cho nó phụ thuộc vào một trường khác hoặc bỏ visible_if"
                )
            loop = " → ".join(f"«{x}»" for x in [*chain, start])
            fail(
                f"các trường {loop} (visible_if) phụ thuộc vòng tròn vào nhau nên không trường nào hiện được; hãy bỏ "
                "visible_if của một trong các trường đó"
            )
    steps = sorted(enumerate(kind.upgrades), key=lambda item: item[1].from_version)
    for i, up in steps:
        if not 1 <= up.from_version < kind.version:
            fail(
                f"upgrades[{i}]: from_version = {up.from_version} phải từ 1 đến {kind.version - 1} (nhỏ hơn "
                f"version = {kind.version})"
            )
    for n, (i, up) in enumerate(steps):
        for old, new in up.rename.items():
            name = new
            for _, later in steps[n + 1 :]:
                if name in later.remove:
                    break
                name = later.rename.get(name, name)
            else:
                if name not in kind._fields:
                    fail(
                        f"upgrades[{i}]: rename «{_short(old, 60)[1:-1]}» → «{_short(new, 60)[1:-1]}» đổi sang "
                        "một trường mà loại báo cáo này không có, nên giá trị cũ sẽ bị mất; hãy ghi đúng mã "
                        "trường mới"
                    )


def _check_template(kind: Kind, path: Path) -> None:
    """The body template must be a file right in the kind's folder, and stay there once symlinks are followed."""
    name = kind.template
    plain = (
        bool(name)
        and name not in (".", "..")
        and not any(ch in name for ch in "/\\:\x00")
        and Path(name).name == name
        and not Path(name).is_absolute()
    )
    if not plain:
        shown = name if name.isprintable() and len(name) <= 60 else _short(name, 60)
        raise KindError(
            f"Định nghĩa loại báo cáo {path}: mục gốc: khóa «template» = «{shown}» phải là "
            "tên một tệp nằm ngay trong thư mục của loại báo cáo, ví dụ «body.j2»."
        )
    target = kind.folder / name
    try:
        inside = target.resolve().parent == kind.folder.resolve()
        exists = target.is_file()
    except (OSError, RuntimeError):  # a symlink loop
        inside = exists = False
    if exists and not inside:
        raise KindError(
            f"Định nghĩa loại báo cáo {path}: tệp mẫu nội dung {target} trỏ ra ngoài thư mục của loại "
            "báo cáo; hãy đặt chính tệp mẫu vào thư mục đó."
        )
    if not exists:
        raise KindError(f"Loại báo cáo {path}: không tìm thấy tệp mẫu nội dung {target}.")


def _check_texts(kind: Kind, path: Path) -> None:
    """The title and the subject must be Jinja that compiles (what they print is checked when filled)."""
    from kpdesk.template_env import check_text  # with the sandbox: needed only for a kind read from its files

    for what, source in (("title", kind.title), ("subject", kind.subject)):
        check_text(kind.folder, source, what, path)
