"""The draft: unit, period, signer, recipients and field values, and its versioned JSON form.

Why over 600 lines: the Draft, its parts and its versioned JSON form (reader and writer, with the limits and messages of
every field type) are one contract, kept in one place with docs/draft-format.md.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from kpdesk import vn
from kpdesk.errors import DraftError, FormatError, KindError
from kpdesk.kinds import Field, Kind, get_kind, kind_for_period, kind_of, kind_versions
from kpdesk.period import Period
from kpdesk.text import LazyPattern
from kpdesk.vocab import DOC_LABELS, FORM_NAMES, DocPart, unit_full_name

if TYPE_CHECKING:
    from kpdesk.kinds.changes import KindChanges

FORMAT = "kpdesk-draft"
FORMAT_VERSION = 1
MAX_DRAFT_BYTES = 5_000_000
AUTHORITY_PREFIXES = ("TM.", "KT.", "TL.", "TUQ.", "Q.")
#: A decimal or percentage is refused when read if its integer part has more than 16 digits or it has more than 10
#: decimals: "1e999999999" would otherwise be expanded digit by digit when checked or printed.
MAX_DECIMAL_ADJUSTED = 15
MIN_DECIMAL_EXPONENT = -10
#: Text typed in a field that could not be read yet ("2,5 tỷ rưỡi") is kept with the draft, up to this length per
#: field and this many fields, so that it is still there to correct after a restart.
MAX_INPUT_CHARS = 20_000
MAX_INPUTS = 1_000
#: The document's own parts that take typed text (the signing date).
DOCUMENT_INPUTS: tuple[str, ...] = (DocPart.DATE,)


@dataclass(frozen=True)
class Unit:
    """The commune or ward that sends the report, as its profile describes it."""

    name: str  # "Thiệu Trung"
    level: str = "xã"  # "xã", "phường", "thị trấn", "huyện", …
    province: str = ""  # "Thanh Hóa"
    province_level: str = "tỉnh"  # "tỉnh" or "thành phố"
    superior: str = ""  # superior agency line, usually empty for a commune
    agency: tuple[str, ...] = ()  # letterhead lines; derived from level and name when empty
    place: str = ""  # place name of the date line; the unit's name when empty
    office_symbol: str = ""  # drafting office, e.g. "VHXH"
    agency_symbol: str = ""  # the issuing agency in document numbers; "" is a People's Committee, "UBND"

    @property
    def issuer_symbol(self) -> str:
        """Return the issuing agency's part of a document number: "UBND" for a commune, "SKHCN" for a department."""
        return self.agency_symbol or "UBND"

    @property
    def full_name(self) -> str:
        """Return "xã Thiệu Trung"."""
        return unit_full_name(self.level, self.name)

    @property
    def committee(self) -> str:
        """Return "Ủy ban nhân dân xã Thiệu Trung"."""
        return f"Ủy ban nhân dân {self.full_name}"

    @property
    def province_full(self) -> str:
        """Return "tỉnh Thanh Hóa" (empty when no province is set)."""
        return f"{self.province_level} {self.province}".strip() if self.province else ""

    @property
    def agency_lines(self) -> tuple[str, ...]:
        if self.agency:
            return tuple(line.upper() for line in self.agency)
        return ("ỦY BAN NHÂN DÂN", self.full_name.upper())

    @property
    def place_name(self) -> str:
        return self.place or self.name


@dataclass(frozen=True)
class Signer:
    """Who signs: the lines of authority above the position («TM. ỦY BAN NHÂN DÂN», «KT. CHỦ TỊCH») and the name."""

    authority: tuple[str, ...] = ()  # ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH")
    position: str = ""  # "PHÓ CHỦ TỊCH"
    name: str = ""


@dataclass(frozen=True)
class Draft:
    """A report being written: its kind, period, unit, document details and the values of its fields."""

    kind: str
    kind_version: int
    period: Period
    unit: Unit
    form: str = "bao_cao"
    number: str | None = None
    date: dt.date | None = None
    signer: Signer = field(default_factory=Signer)
    to: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    money_unit: str = "trieu"  # the unit amounts are written in: "trieu" or "ty" (or "dong", "nghin")
    #: Text typed but not readable yet, by `input_key` ("budget_total", "tasks.2.amount", "_date"); the value of
    #: such a field is empty until the text is corrected, and validation reports it as an error.
    inputs: dict[str, str] = field(default_factory=dict)
    #: The kind version the draft was written under when it was no longer on this computer and the draft was
    #: carried over to `kind_version` as it was read (None: read with its own version). Not saved.
    upgraded_from: int | None = field(default=None, compare=False)

    def with_values(self, **changes: Any) -> Draft:
        return replace(self, values={**self.values, **changes})


# ---------------------------------------------------------------------------- typed text not read yet


def input_key(field_id: str, row: int | None = None, column: str | None = None) -> str:
    """Return the key of `Draft.inputs` for a field ("budget_total"), a table cell ("tasks.2.amount", row from 1)
    or a document part ("_date")."""
    return field_id if row is None else f"{field_id}.{row}.{column}"


def split_input_key(key: str) -> tuple[str, int | None, str | None]:
    """Return (field id, row from 1 or None, column id or None) of an `input_key`."""
    parts = key.split(".")
    if len(parts) == 3 and parts[1].isdigit() and parts[1] == str(int(parts[1])) and int(parts[1]) >= 1:
        return parts[0], int(parts[1]), parts[2]
    return key, None, None


def input_field(kind: Kind, key: str) -> Field | None:
    """Return the field (or table column) an input key names, a date field for the document's date, or None."""
    fid, row, column = split_input_key(key)
    if key in DOCUMENT_INPUTS:
        return Field(id=key, label=DOC_LABELS[key], type="date")
    try:
        f = kind.field(fid)
    except KeyError:
        return None
    if row is None:
        return f if f.type != "rows" else None
    return next((c for c in f.columns if c.id == column), None)


def clean_input(text: str) -> str:
    """Typed text as it is kept: clean Unicode (NFC, no control characters), cut at `MAX_INPUT_CHARS`."""
    return vn.clean_text(text)[:MAX_INPUT_CHARS]


def _inputs_from_json(kind: Kind, version: int, raw: Any, values: dict[str, Any]) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in raw.items()):
        raise DraftError('«inputs» (chữ đã gõ nhưng chưa đọc được) phải là một đối tượng {"trường": "chữ"}.')
    # the kind's upgrades rename and remove fields as they do values: {old id: old id} becomes {new id: old id}
    fields = {split_input_key(key)[0]: split_input_key(key)[0] for key in raw}
    current = {old: new for new, old in upgrade_values(kind, version, fields).items()}
    out: dict[str, str] = {}
    for key, text in list(raw.items())[:MAX_INPUTS]:
        fid, row, column = split_input_key(key)
        if fid not in current:
            continue  # a field the kind has removed
        key = input_key(current[fid], row, column)
        if input_field(kind, key) is None:
            raise DraftError(f"«inputs» có khóa «{key[:60]}» không ứng với trường nào của mẫu «{kind.name}».")
        if row is not None and row > len(values.get(current[fid]) or ()):
            continue  # text typed in a row that is no longer there
        text = clean_input(text)
        if text.strip():
            out[key] = text
    return out


# ---------------------------------------------------------------------------- values


def _fail(where: str, what: str) -> DraftError:
    return DraftError(f"Giá trị của «{where}» {what}.")


class UnreadableValue(DraftError):
    """A value written as text (or a number) that does not read as its field's type ("31/02/2026" for a date,
    "3,5 ha" for a decimal): reading a draft keeps `text` as typed text not read yet (`Draft.inputs`)."""

    def __init__(self, message: str, text: str) -> None:
        super().__init__(message)
        self.text = text


def choice_value(f: Field, text: str) -> str:
    """Return the option value `text` names: the value itself, or an option's label written instead of it
    ("Đã thành lập" for "established"; case and spacing do not matter). Other text is returned as it is."""
    if any(o.value == text for o in f.options):
        return text
    folded = " ".join(text.split()).casefold()
    return next((o.value for o in f.options if " ".join(o.label.split()).casefold() == folded), text)


def value_from_json(f: Field, raw: Any, where: str | None = None, *, unread: dict[str, str] | None = None) -> Any:
    """Turn the JSON form of a value into its Python form (int đồng, Decimal, date, DocRef…).

    A value that is text (or a number) the field's type cannot read raises `UnreadableValue`; with `unread`, a
    table's cell of that sort is left empty instead and its text put in `unread` under its `input_key`.
    """
    where = where or f.label
    if raw is None:
        return None
    t = f.type
    try:
        if t in ("text", "longtext", "choice", "phone", "email"):
            if not isinstance(raw, str):
                raise _fail(where, "phải là chữ")
            text = vn.clean_text(raw) if t == "longtext" else vn.clean_line(raw)
            if t == "choice" and text:
                return choice_value(f, text)
            return text or None
        if t == "list":
            if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
                raise _fail(where, "phải là danh sách các ý (chuỗi)")
            items = [vn.clean_text(x).strip() for x in raw]
            return [x for x in items if x] or None
        if t in ("amount", "int"):
            if isinstance(raw, bool):
                raise _fail(where, "phải là số")
            if isinstance(raw, int):
                return raw
            if isinstance(raw, str):
                return vn.parse_amount(raw, f.unit) if t == "amount" else vn.parse_int(raw)
            raise _fail(where, "phải là số nguyên" if t == "int" else "phải là số tiền nguyên đồng")
        if t in ("decimal", "percent"):
            if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
                raise _fail(where, 'phải là số (2.5) hoặc số viết dạng chuỗi ("2.5")')
            written = repr(raw) if isinstance(raw, float) else str(raw)  # 2.5 as "2.5", the shortest exact form
            try:
                value = Decimal(written)
            except InvalidOperation:
                value = vn.parse_percent(written) if t == "percent" else vn.parse_decimal(written)
            if not value.is_finite():
                raise UnreadableValue(f"Giá trị của «{where}» không phải là số.", written)
            if value.adjusted() > MAX_DECIMAL_ADJUSTED:
                raise UnreadableValue(
                    f"Giá trị của «{where}» quá lớn "
                    f"({written if len(written) <= 30 else written[:30] + '…'}); "
                    "hãy kiểm tra lại số đã nhập.",
                    written,
                )
            if value.as_tuple().exponent < MIN_DECIMAL_EXPONENT:  # type: ignore[operator]
                raise UnreadableValue(
                    f"Giá trị của «{where}» có quá nhiều chữ số sau dấu phẩy (tối đa "
                    f"{-MIN_DECIMAL_EXPONENT}); hãy làm tròn bớt.",
                    written,
                )
            return value
        if t == "date":
            if not isinstance(raw, str):
                raise _fail(where, 'phải là ngày dạng "2026-03-30"')
            try:
                return dt.date.fromisoformat(raw)
            except ValueError:
                return vn.parse_date(raw)
        if t == "bool":
            if not isinstance(raw, bool):
                raise _fail(where, "phải là true hoặc false")
            return raw
        if t == "reference":
            return reference_from_json(raw, where)
        if t == "rows":
            if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
                raise _fail(where, "phải là danh sách các dòng")
            rows = []
            for i, row in enumerate(raw, 1):
                unknown = set(row) - {c.id for c in f.columns}
                if unknown:
                    raise _fail(f"{where}, dòng {i}", f"có cột lạ: {', '.join(sorted(unknown))}")
                cells: dict[str, Any] = {}
                for c in f.columns:
                    try:
                        cells[c.id] = value_from_json(c, row.get(c.id), f"{where}, dòng {i}, cột «{c.label}»")
                    except UnreadableValue as exc:
                        if unread is None:
                            raise
                        cells[c.id] = None
                        unread[input_key(f.id, i, c.id)] = exc.text
                rows.append(cells)
            return rows or None
    except FormatError as exc:
        raise UnreadableValue(f"Giá trị của «{where}» không đọc được: {exc.message}", str(raw)) from None
    raise _fail(where, f"có kiểu «{t}» không được hỗ trợ")


def reference_from_json(raw: Any, where: str) -> vn.DocRef:
    if isinstance(raw, str):
        return vn.parse_reference(raw)
    if not isinstance(raw, dict) or not isinstance(raw.get("code"), str):
        raise _fail(where, 'phải có dạng {"code": "1133/SKHCN-KHTC", "date": "2026-03-30", …}')
    when = raw.get("date")
    if when is not None and not isinstance(when, str):
        raise _fail(where, f'có ngày {_shown(when)}, không phải chuỗi ngày dạng "2026-03-30" (hoặc null)')
    try:
        date = dt.date.fromisoformat(when) if isinstance(when, str) else None
    except ValueError:
        raise _fail(where, f"có ngày «{str(when)[:40]}» không hợp lệ (dạng 2026-03-30)") from None
    kind, issuer = raw.get("kind"), raw.get("issuer")
    return vn.DocRef(
        vn.clean_line(kind) if isinstance(kind, str) and kind.strip() else None,
        vn.clean_line(raw["code"]),
        date,
        vn.clean_line(issuer) if isinstance(issuer, str) and issuer.strip() else None,
    )


def value_to_json(f: Field, value: Any) -> Any:
    if value is None:
        return None
    t = f.type
    if t in ("decimal", "percent"):
        return str(value)
    if t == "date":
        return value.isoformat()
    if t == "reference":
        return {
            "kind": value.kind,
            "code": value.code,
            "date": value.date.isoformat() if value.date else None,
            "issuer": value.issuer,
        }
    if t == "rows":
        return [{c.id: value_to_json(c, row.get(c.id)) for c in f.columns} for row in value]
    if t == "list":
        return list(value)
    return value


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


# ---------------------------------------------------------------------------- JSON


def _str(data: dict, key: str, where: str, default: str = "") -> str:
    value = data.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise DraftError(f"«{where}{key}» phải là chữ.")
    return vn.clean_line(value)


def _strs(data: dict, key: str, where: str) -> tuple[str, ...]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DraftError(f"«{where}{key}» phải là danh sách chuỗi.")
    return tuple(x for x in (vn.clean_line(v) for v in value) if x)


def from_json(data: Any, *, kinds_root=None) -> Draft:
    """Build a draft from its JSON form, with the kind version it was made with.

    That version is used when it is on this computer (built-in versions and every installed one are kept). A
    draft of an older version that is no longer here is carried over, by the kind's upgrade rules, to the version
    its period calls for (or the next one present), and says so in `upgraded_from`. A draft of a version newer than
    any here is refused, saying to install the department's newest kind package.
    """
    if not isinstance(data, dict):
        raise DraftError("Tệp bản nháp phải là một đối tượng JSON.")
    if data.get("format") != FORMAT:
        raise DraftError('Tệp này không phải bản nháp kpdesk (thiếu "format": "kpdesk-draft").')
    version = data.get("format_version")
    if version is None:
        raise DraftError("Bản nháp thiếu «format_version».")
    if not isinstance(version, int) or isinstance(version, bool):
        raise DraftError(f"«format_version» của bản nháp phải là số nguyên, đang là {_shown(version)}.")
    if version > FORMAT_VERSION:
        raise DraftError(
            f"Bản nháp được tạo bởi phiên bản kpdesk mới hơn (định dạng {version}); hãy cập nhật kpdesk để mở nó."
        )
    kind_id = data.get("kind")
    if not isinstance(kind_id, str):
        raise DraftError("Bản nháp thiếu «kind» (loại báo cáo).")
    try:
        newest = get_kind(kind_id, root=kinds_root)
        present = {v.version for v in kind_versions(kind_id, kinds_root)}
        kind_version = data.get("kind_version", newest.version)
        if not isinstance(kind_version, int) or isinstance(kind_version, bool):
            raise DraftError("«kind_version» phải là số nguyên.")
        if kind_version in present:
            return _build(data, get_kind(kind_id, kind_version, kinds_root), kind_version)[0]
        if kind_version > newest.version:
            raise DraftError(
                f"Bản nháp dùng mẫu «{newest.name}» phiên bản {kind_version}, mới hơn bản đang cài "
                f"trên máy này (phiên bản {newest.version}); hãy cài gói mẫu báo cáo mới nhất của Sở "
                "(Tệp › Cập nhật mẫu báo cáo…, hoặc lệnh kpdesk kinds install) rồi mở lại."
            )
        period = Period.from_json(data.get("period"))
        target = _upgrade_target(kind_id, kind_version, period, present, kinds_root)
    except KindError as exc:
        raise DraftError(exc.message) from None
    draft = _build(data, target, kind_version, upgrading=True)[0]
    return replace(draft, upgraded_from=kind_version)


def _upgrade_target(kind_id: str, version: int, period: Period, present: set[int], kinds_root: Any) -> Kind:
    """The version a draft of the missing `version` is carried over to: the one its period calls for when that is
    newer, else the oldest present version after `version`."""
    try:
        wanted = kind_for_period(kind_id, period, kinds_root)
    except KindError:
        wanted = None
    if wanted is not None and wanted.version > version:
        return wanted
    return get_kind(kind_id, min(v for v in present if v > version), kinds_root)


def _build(
    data: dict[str, Any], kind: Kind, kind_version: int, *, upgrading: bool = False, lenient: bool = False
) -> tuple[Draft, list[str]]:
    """The draft `data` describes, read against `kind`. `upgrading`: the values were written under `kind_version`
    and are carried over by the kind's upgrade rules. `lenient` (an upgrade the officer asked for): a value the
    new version has no field for, or cannot read any more, is dropped or kept as typed text to correct, and said
    in the notes returned, instead of refusing the draft."""
    notes: list[str] = []
    raw_values = data.get("values") or {}
    if not isinstance(raw_values, dict):
        raise DraftError("«values» phải là một đối tượng.")
    if upgrading:
        raw_values = upgrade_values(kind, kind_version, raw_values)
    unknown = sorted(set(raw_values) - {f.id for f in kind.fields})
    if unknown and not lenient:
        raise DraftError(f"Bản nháp có trường không thuộc mẫu «{kind.name}»: {', '.join(unknown)}.")
    kept_text: dict[str, str] = {}
    values: dict[str, Any] = {}
    for fid, raw in raw_values.items():
        if fid in unknown:
            notes.append(
                f"Giá trị «{_shown(raw)}» của trường «{fid}» không còn chỗ trong mẫu phiên bản "
                f"{kind.version} nên không được giữ."
            )
            continue
        f = kind.field(fid)
        cells: dict[str, str] = {}
        try:
            values[fid] = value_from_json(f, raw, unread=cells)
        except UnreadableValue as exc:  # kept as typed text to correct, as the window keeps it
            kept_text[fid] = exc.text
            if lenient:
                notes.append(
                    f"Giá trị cũ của «{f.label}» ({_shown(raw)}) không đọc được theo mẫu mới; đã giữ "
                    "lại dạng chữ để anh/chị sửa."
                )
        except DraftError as exc:
            if not lenient:
                raise
            if f.type not in ("rows", "list") and isinstance(raw, (str, int)) and not isinstance(raw, bool):
                kept_text[fid] = str(raw)
                notes.append(
                    f"Giá trị cũ của «{f.label}» ({_shown(raw)}) không đọc được theo mẫu mới; đã giữ "
                    "lại dạng chữ để anh/chị sửa."
                )
            else:
                notes.append(
                    f"Giá trị cũ của «{f.label}» không đọc được theo mẫu mới nên không được giữ ({exc.message})"
                )
        if fid not in values:
            cells.clear()  # a table dropped whole (an upgrade the officer asked for) keeps no text of its cells
        kept_text.update(cells)
        if cells and lenient:
            notes.append(
                f"{len(cells)} ô của bảng «{f.label}» không đọc được theo mẫu mới; đã giữ lại dạng chữ để anh/chị sửa."
            )
    if len(kept_text) > MAX_INPUTS:
        raise DraftError(
            f"Bản nháp có {len(kept_text)} giá trị không đọc được (tối đa {MAX_INPUTS}); hãy kiểm tra lại tệp."
        )
    values = {k: v for k, v in values.items() if not is_empty(v)}

    unit_raw = data.get("unit")
    if not isinstance(unit_raw, dict):
        raise DraftError("Bản nháp thiếu «unit» (đơn vị gửi báo cáo).")
    unit = Unit(
        name=_str(unit_raw, "name", "unit."),
        level=_str(unit_raw, "level", "unit.", "xã"),
        province=_str(unit_raw, "province", "unit."),
        province_level=_str(unit_raw, "province_level", "unit.", "tỉnh"),
        superior=_str(unit_raw, "superior", "unit."),
        agency=_strs(unit_raw, "agency", "unit."),
        place=_str(unit_raw, "place", "unit."),
        office_symbol=_str(unit_raw, "office_symbol", "unit.").upper(),
        agency_symbol=_str(unit_raw, "agency_symbol", "unit.").upper(),
    )
    signer_raw = data.get("signer") or {}
    if not isinstance(signer_raw, dict):
        raise DraftError("«signer» phải là một đối tượng.")
    signer = Signer(
        _strs(signer_raw, "authority", "signer."),
        _str(signer_raw, "position", "signer."),
        _str(signer_raw, "name", "signer."),
    )
    form = data.get("form", kind.forms[0])
    if form not in kind.forms and lenient and isinstance(form, str):
        notes.append(
            f"Mẫu phiên bản {kind.version} không có hình thức «{FORM_NAMES.get(form, form)}»; bản nháp "
            f"chuyển sang «{FORM_NAMES.get(kind.forms[0], kind.forms[0])}»."
        )
        form = kind.forms[0]
    if form not in kind.forms:
        raise DraftError(f"Mẫu «{kind.name}» không có hình thức «{form}»; chọn: {', '.join(kind.forms)}.")
    date_raw = data.get("date")
    if date_raw is not None and not isinstance(date_raw, str):
        raise DraftError(
            f'Ngày ký «date» phải là chuỗi ngày dạng "2026-04-18" (hoặc null), đang là {_shown(date_raw)}.'
        )
    try:
        date = dt.date.fromisoformat(date_raw) if date_raw else None
    except ValueError:
        try:
            date = vn.parse_date(str(date_raw))  # "18/4/2026", as a date field reads it
        except FormatError:  # kept as typed text to correct ("31/02/2026"), as the window keeps it
            date = None
            kept_text.setdefault(DocPart.DATE, str(date_raw))
    number = data.get("number")
    if number is not None and not isinstance(number, (str, int)) or isinstance(number, bool):
        raise DraftError("«number» (số văn bản) phải là chữ hoặc số.")
    inputs = _inputs_from_json(kind, kind_version if upgrading else kind.version, data.get("inputs"), values)
    inputs.update({k: clean_input(v) for k, v in kept_text.items() if k not in inputs})
    draft = Draft(
        kind=kind.id,
        kind_version=kind.version,
        period=Period.from_json(data.get("period")),
        unit=unit,
        form=form,
        number=str(number).strip() or None if number is not None else None,
        date=date,
        signer=signer,
        to=_strs(data, "to", ""),
        recipients=_strs(data, "recipients", ""),
        values=values,
        title=_str(data, "title", ""),
        money_unit=_money_unit(data.get("money_unit", "trieu")),
        inputs=inputs,
    )
    return draft, notes


def upgrade_offer(draft: Draft, kinds_root: Any = None) -> Kind | None:
    """Return the newer version of the draft's kind in force for its period, to offer the officer (None: the
    draft already uses it, or the newer versions start after its period)."""
    try:
        kind = kind_for_period(draft.kind, draft.period, kinds_root)
    except KindError:
        return None
    return kind if kind.version > draft.kind_version else None


def upgrade_draft(draft: Draft, version: int | Kind, *, old: Kind | None = None) -> tuple[Draft, KindChanges]:
    """Carry `draft` over to `version` of its kind (a number, or the kind itself) by the kind's upgrade rules.

    Return the new draft and what changed: the kind's new, renamed and removed sections and fields, and notes on
    the draft's own values (a value the new version has no field for, one it cannot read any more).
    """
    try:
        old = old or kind_of(draft)
        new = version if isinstance(version, Kind) else get_kind(draft.kind, version)
    except KindError as exc:
        raise DraftError(exc.message) from None
    if new.id != draft.kind:
        raise DraftError(f"Không chuyển được bản nháp mẫu «{old.name}» sang mẫu khác («{new.name}»).")
    if new.version <= draft.kind_version:
        raise DraftError(
            f"Bản nháp đang dùng mẫu «{new.name}» phiên bản {draft.kind_version}; chỉ cập nhật được "
            f"lên phiên bản mới hơn (không phải {new.version})."
        )
    upgraded, notes = _build(to_json(draft, old), new, draft.kind_version, upgrading=True, lenient=True)
    from kpdesk.kinds.changes import kind_changes  # only when a draft moves to another version of its kind

    return upgraded, kind_changes(old, new).with_notes(notes)


def _shown(value: Any) -> str:
    """A JSON value as it appears in the file, cut short, for messages."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = "(một giá trị lồng nhau)" if isinstance(value, (list, dict)) else repr(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _money_unit(value: Any) -> str:
    if not isinstance(value, str) or value not in vn.UNITS:
        raise DraftError(f"«money_unit» phải là một trong: {', '.join(vn.UNITS)}.")
    return value


def upgrade_values(kind: Kind, version: int, values: dict[str, Any]) -> dict[str, Any]:
    """Carry values written under kind `version` over to the kind's current version by its rules."""
    values = dict(values)
    for upgrade in sorted(kind.upgrades, key=lambda u: u.from_version):
        if upgrade.from_version < version:
            continue
        for old, new in upgrade.rename.items():
            if old in values:
                values[new] = values.pop(old)
        for gone in upgrade.remove:
            values.pop(gone, None)
    return values


def to_json(draft: Draft, kind: Kind | None = None) -> dict[str, Any]:
    kind = kind or kind_of(draft)
    values = {}
    for f in kind.fields:
        if f.id in draft.values and not is_empty(draft.values[f.id]):
            values[f.id] = value_to_json(f, draft.values[f.id])
    u = draft.unit
    data = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "kind": draft.kind,
        "kind_version": draft.kind_version,
        "title": draft.title,
        "form": draft.form,
        "money_unit": draft.money_unit,
        "period": draft.period.to_json(),
        "number": draft.number,
        "date": draft.date.isoformat() if draft.date else None,
        "unit": {
            "name": u.name,
            "level": u.level,
            "province": u.province,
            "province_level": u.province_level,
            "superior": u.superior,
            "agency": list(u.agency),
            "place": u.place,
            "office_symbol": u.office_symbol,
            **({"agency_symbol": u.agency_symbol} if u.agency_symbol else {}),
        },
        "signer": {
            "authority": list(draft.signer.authority),
            "position": draft.signer.position,
            "name": draft.signer.name,
        },
        "to": list(draft.to),
        "recipients": list(draft.recipients),
        "values": values,
    }
    inputs = {k: clean_input(v) for k, v in list(draft.inputs.items())[:MAX_INPUTS] if input_field(kind, k)}
    inputs = {k: v for k, v in inputs.items() if v.strip()}
    if inputs:
        data["inputs"] = inputs
    return data


def dumps(draft: Draft, kind: Kind | None = None) -> str:
    return json.dumps(to_json(draft, kind), ensure_ascii=False, indent=2) + "\n"


#: A draft read from a file has at most this many items in one list or table, and this many parts in all (items,
#: keys, lines of text): a report has a few hundred; each part costs the layout about a millisecond, so these keep
#: every accepted file to a few seconds of work (a list of 500 000 items took two minutes).
MAX_ITEMS = 2_000
MAX_PARTS = 5_000
_SURROGATE = LazyPattern("[\ud800-\udfff]")
_ESCAPED_SURROGATE = LazyPattern(r"\\u[dD][89a-fA-F]")


def _check_parts(data: Any) -> None:
    """Refuse parsed JSON with a list, table or object of more than `MAX_ITEMS` items, or more than `MAX_PARTS`
    parts in all, before any of it is read into a draft."""
    parts = 0
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, (list, dict)):
            if len(value) > MAX_ITEMS:
                shown = f"«{where[:60]}»" if where else "Tệp bản nháp"
                raise DraftError(
                    f"{shown} có {vn.format_int(len(value))} mục, nhiều hơn mức tối đa "
                    f"{vn.format_int(MAX_ITEMS)} của một danh sách hay bảng; đây không phải bản nháp "
                    "kpdesk hợp lệ. Hãy chia bớt nội dung hoặc kiểm tra lại tệp."
                )
            parts += len(value)
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(item, (list, dict, str)):
                    stack.append((item, f"{where}.{key}" if where else str(key)))
        elif isinstance(value, str):
            parts += value.count("\n")
        if parts > MAX_PARTS:
            raise DraftError(
                f"Tệp bản nháp có hơn {vn.format_int(MAX_PARTS)} phần (ý của danh sách, dòng của bảng, "
                "dòng chữ), trong khi một báo cáo chỉ có vài trăm; đây không phải bản nháp kpdesk hợp "
                "lệ. Hãy kiểm tra lại tệp."
            )


def _without_surrogates(value: Any) -> Any:
    """`value` with every lone surrogate ("\\ud800" in the JSON) dropped from its texts and keys: it is no
    character, can be neither printed nor stored, and `vn.clean_text` drops it from typed text too."""
    if isinstance(value, str):
        return _SURROGATE.sub("", value)
    if isinstance(value, list):
        return [_without_surrogates(x) for x in value]
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value


def loads(text: str | bytes, *, kinds_root=None) -> Draft:
    """Parse a draft from JSON text; every failure is a `DraftError` with a Vietnamese message."""
    if isinstance(text, bytes):
        if len(text) > MAX_DRAFT_BYTES:
            raise DraftError("Tệp bản nháp quá lớn (hơn 5 MB); đây không phải bản nháp kpdesk.")
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DraftError("Tệp bản nháp không phải văn bản UTF-8.") from None
    if len(text) > MAX_DRAFT_BYTES:
        raise DraftError("Tệp bản nháp quá lớn (hơn 5 MB); đây không phải bản nháp kpdesk.")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DraftError(f"Tệp bản nháp không phải JSON hợp lệ (dòng {exc.lineno}, cột {exc.colno}).") from None
    except RecursionError:
        raise DraftError("Tệp bản nháp lồng nhau quá sâu; đây không phải bản nháp kpdesk.") from None
    except ValueError:  # an integer of more than 4 300 digits (int's string-conversion limit)
        raise DraftError(
            "Tệp bản nháp có một con số quá dài (hàng nghìn chữ số); đây không phải bản nháp kpdesk hợp lệ."
        ) from None
    _check_parts(data)
    if _ESCAPED_SURROGATE.search(text) or _SURROGATE.search(text):
        try:
            data = _without_surrogates(data)
        except RecursionError:
            raise DraftError("Tệp bản nháp lồng nhau quá sâu; đây không phải bản nháp kpdesk.") from None
    return from_json(data, kinds_root=kinds_root)


def load(path) -> Draft:
    """Read the draft file at `path`: a regular file of at most 5 MB (a folder, a pipe or a device is refused
    before anything is read, so `/dev/zero` or a FIFO cannot exhaust memory or hang)."""
    import errno
    import os
    import stat
    from pathlib import Path

    p = Path(path)
    shown = str(p) if str(p).isprintable() and len(str(p)) <= 200 else repr(str(p))[1:200] + "…"
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise DraftError(f"Không tìm thấy tệp {shown}.") from None
    except IsADirectoryError:
        raise DraftError(f"{shown} là thư mục, không phải tệp bản nháp.") from None
    except PermissionError:
        raise DraftError(f"Không có quyền đọc tệp {shown}.") from None
    except (OSError, ValueError) as exc:  # a name too long, a symlink loop, a NUL in the name
        known: dict[int | None, str] = {
            errno.ENAMETOOLONG: "tên tệp hoặc đường dẫn quá dài",
            errno.ELOOP: "đường dẫn có lối tắt (liên kết tượng trưng) trỏ vòng quanh",
        }
        why = known.get(getattr(exc, "errno", None), getattr(exc, "strerror", None) or "đường dẫn không hợp lệ")
        raise DraftError(f"Không mở được tệp {shown} ({why}). Hãy kiểm tra lại tên và đường dẫn tệp.") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise DraftError(f"{shown} là thư mục, không phải tệp bản nháp.")
        if not stat.S_ISREG(st.st_mode):
            raise DraftError(
                f"{shown} không phải là tệp thường (thiết bị hoặc đường ống) nên không đọc được; "
                "hãy chọn tệp bản nháp .json."
            )
        if st.st_size > MAX_DRAFT_BYTES:
            raise DraftError(f"Tệp {shown} quá lớn (hơn 5 MB); đây không phải bản nháp kpdesk.")
        chunks, size = [], 0
        while size <= MAX_DRAFT_BYTES:
            chunk = os.read(fd, MAX_DRAFT_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise DraftError(f"Không đọc được tệp {shown} ({exc.strerror or exc}).") from None
    finally:
        os.close(fd)
    if size > MAX_DRAFT_BYTES:
        raise DraftError(f"Tệp {shown} quá lớn (hơn 5 MB); đây không phải bản nháp kpdesk.")
    return loads(b"".join(chunks))


def new_draft(kind: Kind, period: Period, unit: Unit, **kw: Any) -> Draft:
    """Return an empty draft of `kind` for `period`, with the kind's default recipients."""
    return Draft(
        kind=kind.id,
        kind_version=kind.version,
        period=period,
        unit=unit,
        form=kw.pop("form", kind.forms[0]),
        to=kw.pop("to", ()) or tuple(fill_unit(t, unit) for t in kind.default_to),
        recipients=kw.pop("recipients", ()) or tuple(fill_unit(t, unit) for t in kind.default_recipients),
        **kw,
    )


def fill_unit(text: str, unit: Unit) -> str:
    """Replace {province_full}, {full_name}, {office_symbol} in a kind's default text."""
    return (
        text.replace("{province_full}", unit.province_full)
        .replace("{full_name}", unit.full_name)
        .replace("{office_symbol}", unit.office_symbol)
        .replace("{name}", unit.name)
    )
