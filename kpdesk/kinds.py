"""Report kinds as data: load `templates/<kind>/kind.toml`, check it, and describe its fields."""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kpdesk.errors import KindError

#: Field types a kind may use, with the Vietnamese name shown by `kpdesk fields`.
FIELD_TYPES: dict[str, str] = {
    "text": "chữ ngắn",
    "longtext": "đoạn văn",
    "list": "danh sách ý",
    "amount": "số tiền (đồng)",
    "int": "số nguyên",
    "decimal": "số thập phân",
    "percent": "tỷ lệ %",
    "date": "ngày",
    "reference": "số hiệu văn bản",
    "choice": "lựa chọn",
    "bool": "có/không",
    "phone": "số điện thoại",
    "email": "thư điện tử",
    "rows": "bảng nhiều dòng",
}
COLUMN_TYPES = set(FIELD_TYPES) - {"rows", "list"}
AMOUNT_UNITS = ("dong", "nghin", "trieu", "ty")
PERIOD_TYPES = ("month", "half", "year")
FORMS = ("bao_cao", "cong_van")
SEVERITIES = ("error", "warning")
COMPUTE_OPS = ("sum", "add", "sub", "group_sum", "percent", "count", "words")
RULE_CHECKS = ("equals", "lte", "percent_close", "year_range", "nonnegative", "date_order")


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Condition:
    """When a field is shown: another field `equals` a value, is `in` a set, or is `gt` a number."""

    field: str
    equals: Any = None
    one_of: tuple[Any, ...] = ()
    gt: float | None = None

    def describe(self, kind: Kind) -> str:
        other = kind.field(self.field)
        if self.gt is not None:
            return f"«{other.label}» lớn hơn {self.gt:g}"
        wanted = (self.equals,) if self.equals is not None else self.one_of
        return f"«{other.label}» là " + " hoặc ".join(f"«{other.option_label(w)}»" for w in wanted)


@dataclass(frozen=True)
class Field:
    id: str
    type: str
    label: str
    help: str = ""
    required: bool = False
    carry: bool = False
    unit: str = "trieu"
    options: tuple[Option, ...] = ()
    columns: tuple[Field, ...] = ()
    visible_if: Condition | None = None
    min: float | None = None
    max: float | None = None
    prefill: str | None = None
    example: str = ""
    section: str = ""

    def option_label(self, value: Any) -> str:
        if self.type == "bool":
            return "Có" if value else "Không"
        for opt in self.options:
            if opt.value == value:
                return opt.label
        return str(value)

    def column(self, column_id: str) -> Field:
        for col in self.columns:
            if col.id == column_id:
                return col
        raise KeyError(column_id)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    help: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Computed:
    id: str
    label: str
    op: str
    args: dict[str, Any]
    format: str  # amount | int | percent | words | decimal


@dataclass(frozen=True)
class Rule:
    id: str
    check: str
    severity: str
    args: dict[str, Any]
    message: str = ""


@dataclass(frozen=True)
class Upgrade:
    """How values written under `from_version` become values of the next version."""

    from_version: int
    rename: dict[str, str]
    remove: tuple[str, ...]


@dataclass(frozen=True)
class Kind:
    id: str
    version: int
    name: str
    short: str
    description: str
    periods: tuple[str, ...]
    forms: tuple[str, ...]
    doc_type: str
    doc_symbol: str
    title: str
    subject: str
    deadline_day: int | None
    default_to: tuple[str, ...]
    default_recipients: tuple[str, ...]
    sections: tuple[Section, ...]
    computed: tuple[Computed, ...]
    rules: tuple[Rule, ...]
    upgrades: tuple[Upgrade, ...]
    folder: Path
    template: str = "body.j2"
    bases_field: str | None = None
    _fields: dict[str, Field] = field(default_factory=dict, repr=False, compare=False)

    def field(self, field_id: str) -> Field:
        try:
            return self._fields[field_id]
        except KeyError:
            raise KeyError(field_id) from None

    def has(self, name: str) -> bool:
        return name in self._fields or any(c.id == name for c in self.computed)

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(self._fields.values())

    def section_of(self, field_id: str) -> Section:
        for section in self.sections:
            if any(f.id == field_id for f in section.fields):
                return section
        raise KeyError(field_id)

    def label_of(self, name: str) -> str:
        if name in self._fields:
            return self._fields[name].label
        for comp in self.computed:
            if comp.id == name:
                return comp.label
        return name

    @property
    def template_path(self) -> Path:
        return self.folder / self.template


def templates_dir() -> Path:
    """Return the folder holding the report kinds (`KPDESK_TEMPLATES` overrides it)."""
    env = os.environ.get("KPDESK_TEMPLATES")
    if env:
        return Path(env)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "templates"
    return Path(__file__).resolve().parent.parent / "templates"


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
            self.fail(f"khóa «{key}» phải là {wanted}, đang là {value!r}")
        if choices is not None and value not in choices:
            self.fail(f"khóa «{key}» = {value!r} không hợp lệ; chọn một trong: {', '.join(map(str, choices))}")
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
    cond = Condition(c.get("field", str), c.data.get("equals"), tuple(one_of), c.get("gt", (int, float), None))
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
        min=r.get("min", (int, float), None),
        max=r.get("max", (int, float), None),
        prefill=r.get("prefill", str, None),
        example=r.get("example", str, ""),
        section=section,
    )


def load_kind(folder: Path) -> Kind:
    """Read and check the kind in `folder`; raise `KindError` naming the file and field on any mistake."""
    path = folder / "kind.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KindError(f"Không tìm thấy tệp định nghĩa {path}.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise KindError(f"Định nghĩa loại báo cáo {path} sai cú pháp TOML: {exc}.") from None
    r = _Reader(path, "", raw)
    r.where = "mục gốc:"
    kid = r.get("id", str)
    if kid != folder.name:
        r.fail(f"mã «{kid}» phải trùng tên thư mục «{folder.name}»")
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
        sections.append(Section(sid, s.get("title", str), s.get("help", str, ""), tuple(sec_fields)))
    if not sections:
        r.fail("cần ít nhất một mục (sections)")

    computed = []
    for i, raw_c in enumerate(r.get("computed", list, [])):
        c = r.sub(f"computed[{i}]", raw_c)
        cid = c.get("id", str)
        if cid in fields or any(x.id == cid for x in computed):
            c.fail(f"mã «{cid}» trùng với một trường khác")
        op = c.get("op", str, choices=COMPUTE_OPS)
        fmt = c.get("format", str, "words" if op == "words" else "percent" if op == "percent" else "amount",
                    choices=("amount", "int", "percent", "words", "decimal"))
        args = {k: v for k, v in c.data.items() if k not in ("id", "op", "label", "format")}
        computed.append(Computed(cid, c.get("label", str), op, args, fmt))

    rules = []
    for i, raw_rule in enumerate(r.get("rules", list, [])):
        ru = r.sub(f"rules[{i}]", raw_rule)
        args = {k: v for k, v in ru.data.items() if k not in ("id", "check", "severity", "message")}
        rules.append(Rule(ru.get("id", str), ru.get("check", str, choices=RULE_CHECKS),
                          ru.get("severity", str, "error", choices=SEVERITIES), args, ru.get("message", str, "")))

    upgrades = []
    for i, raw_u in enumerate(r.get("upgrades", list, [])):
        u = r.sub(f"upgrades[{i}]", raw_u)
        rename = u.get("rename", dict, {})
        upgrades.append(Upgrade(u.get("from_version", int), {str(k): str(v) for k, v in rename.items()},
                                u.strings("remove")))

    periods = r.strings("periods")
    forms = r.strings("forms") or ("bao_cao",)
    for p in periods:
        if p not in PERIOD_TYPES:
            r.fail(f"kỳ báo cáo «{p}» không hợp lệ; chọn trong: {', '.join(PERIOD_TYPES)}")
    for f in forms:
        if f not in FORMS:
            r.fail(f"hình thức «{f}» không hợp lệ; chọn trong: {', '.join(FORMS)}")
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
    )
    kind._fields.update(fields)
    _check_references(kind, path)
    return kind


def _check_references(kind: Kind, path: Path) -> None:
    """Every name a condition, computation or rule uses must exist in the kind."""

    def need(name: str, where: str) -> None:
        base = name.split(".", 1)[0]
        if not kind.has(base):
            raise KindError(f"Định nghĩa loại báo cáo {path}: {where} nhắc tới «{name}» "
                            "nhưng loại này không có trường đó.")
        if "." in name:
            col = name.split(".", 1)[1]
            f = kind._fields.get(base)
            if f is None or f.type != "rows" or all(c.id != col for c in f.columns):
                raise KindError(f"Định nghĩa loại báo cáo {path}: {where} nhắc tới cột «{name}» không có trong bảng.")

    if kind.bases_field is not None:
        need(kind.bases_field, "bases_field")
        if kind._fields[kind.bases_field].type != "list":
            raise KindError(f"Định nghĩa loại báo cáo {path}: bases_field phải là trường kiểu danh sách (list).")
    if not (kind.folder / kind.template).is_file():
        raise KindError(f"Loại báo cáo {path}: không tìm thấy tệp mẫu nội dung {kind.folder / kind.template}.")
    for f in kind.fields:
        if f.visible_if:
            need(f.visible_if.field, f"trường «{f.id}» (visible_if)")
    if "month" in kind.periods and kind.deadline_day is not None and not 1 <= kind.deadline_day <= 28:
        raise KindError(f"Định nghĩa loại báo cáo {path}: deadline_day phải từ 1 đến 28.")
    names_keys = ("of", "total", "parts", "left", "right", "field", "num", "den", "column", "by", "first", "then")
    for item, what in [(c, "computed") for c in kind.computed] + [(r, "rules") for r in kind.rules]:
        for key in names_keys:
            value = item.args.get(key)
            if value is None:
                continue
            if key == "by":
                continue
            for name in value if isinstance(value, list) else [value]:
                if not isinstance(name, str):
                    raise KindError(f"Định nghĩa loại báo cáo {path}: {what} «{item.id}» "
                                    f"khóa «{key}» phải là tên trường.")
                need(name, f"{what} «{item.id}»")


def kind_folders(root: Path | None = None) -> list[Path]:
    root = root or templates_dir()
    return sorted(p for p in root.iterdir() if (p / "kind.toml").is_file()) if root.is_dir() else []


@cache
def _load_cached(folder: str, mtime: float) -> Kind:
    return load_kind(Path(folder))


def get_kind(kind_id: str, root: Path | None = None) -> Kind:
    """Return the kind named `kind_id`; raise `KindError` listing the known kinds when it does not exist."""
    root = root or templates_dir()
    folder = root / kind_id
    toml = folder / "kind.toml"
    if not kind_id or "/" in kind_id or "\\" in kind_id or kind_id.startswith(".") or not toml.is_file():
        known = ", ".join(p.name for p in kind_folders(root)) or "(không có)"
        raise KindError(f"Không có loại báo cáo «{kind_id}». Các loại hiện có: {known}.")
    return _load_cached(str(folder), toml.stat().st_mtime)


def all_kinds(root: Path | None = None) -> list[Kind]:
    return [get_kind(p.name, root) for p in kind_folders(root)]
