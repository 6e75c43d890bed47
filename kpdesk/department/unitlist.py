"""The department's list of reporting units: read from CSV or XLSX, checked row by row, matched to report senders."""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kpdesk import vn
from kpdesk.errors import DepartmentError, FormatError
from kpdesk.files import read_capped

#: The commune-level units since the 2025 reform: xã, phường and đặc khu.
LEVELS: tuple[str, ...] = ("xã", "phường", "đặc khu")
MAX_FILE_BYTES = 20_000_000
MAX_ROWS = 10_000
MAX_XLSX_UNPACKED = 100_000_000  # a list of a few thousand units unpacks to a few MB
MAX_SHOWN_PROBLEMS = 20

#: The column headers understood, by what they hold (compared without case, diacritics or punctuation).
HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("ma", "ma don vi", "ma dvhc", "ma so", "code"),
    "name": ("ten", "ten don vi", "ten xa phuong", "don vi", "name"),
    "level": ("cap", "loai", "cap hanh chinh", "loai don vi", "level"),
    "email": ("email", "e mail", "thu dien tu", "hop thu", "dia chi thu dien tu"),
    "phone": ("dien thoai", "so dien thoai", "sdt", "dt", "phone"),
    "valid_from": ("hieu luc tu", "tu ngay", "ngay hieu luc", "valid from"),
    "valid_until": ("hieu luc den", "den ngay", "het hieu luc", "valid until"),
}
COLUMN_NAMES = {
    "code": "Mã",
    "name": "Tên",
    "level": "Cấp",
    "email": "Thư điện tử",
    "phone": "Điện thoại",
    "valid_from": "Hiệu lực từ",
    "valid_until": "Hiệu lực đến",
}
_MARKS = re.compile("[\u0300-\u036f]")


def fold(text: str) -> str:
    """Return `text` without case, diacritics or punctuation, "Thiệu  Trung" → "thieu trung", to compare names."""
    import unicodedata

    text = text.replace("đ", "d").replace("Đ", "d")
    text = _MARKS.sub("", unicodedata.normalize("NFD", text)).lower()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


@dataclass(frozen=True)
class ListedUnit:
    """A commune, ward or special zone expected to report to the department."""

    code: str
    name: str  # "Thiệu Trung"
    level: str = "xã"  # one of LEVELS
    email: str = ""
    phone: str = ""  # digits only ("0982741345")
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    id: int | None = None  # its row in the store, once stored

    @property
    def full_name(self) -> str:
        """Return "xã Thiệu Trung"."""
        return f"{self.level} {self.name}"

    @property
    def title(self) -> str:
        """Return "Xã Thiệu Trung", for lists and tables."""
        return self.full_name[:1].upper() + self.full_name[1:]

    def exists_on(self, day: dt.date) -> bool:
        """Return whether the unit exists on `day` (its valid-from/valid-until dates, both included)."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


# ---------------------------------------------------------------------------- reading a file


def read_unit_list(path: Path | str) -> list[ListedUnit]:
    """Return the units listed in a CSV or XLSX file; raise `DepartmentError` listing every row to correct.

    The first row that names the required columns holds the headers (Mã, Tên, Cấp, Thư điện tử, Điện thoại, Hiệu
    lực từ, Hiệu lực đến; in any case, with or without diacritics; a title may stand above it); only Mã, Tên and Cấp
    are required. Nothing is returned unless every row reads, so a half-read list is never stored.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".txt"):
        raise DepartmentError(
            f"Không đọc được danh sách đơn vị {path.name}: chỉ nhận tệp .csv hoặc .xlsx "
            "(trong Excel: Tệp › Lưu thành › Sổ làm việc Excel hoặc CSV UTF-8)."
        )
    data = _read_bytes(path)
    rows = _xlsx_rows(data, path.name) if suffix == ".xlsx" else _csv_rows(data, path.name)
    return parse_rows(rows, path.name)


def _read_bytes(path: Path) -> bytes:
    try:
        if not path.is_file():
            raise DepartmentError(
                f"Không tìm thấy tệp danh sách đơn vị {path}."
                if not path.exists()
                else f"{path} không phải một tệp; hãy chọn tệp .csv hoặc .xlsx."
            )
        if path.stat().st_size > MAX_FILE_BYTES:
            raise DepartmentError(f"Tệp {path.name} quá lớn (hơn 20 MB) để là một danh sách đơn vị.")
        with path.open("rb") as fh:
            return read_capped(fh, MAX_FILE_BYTES)
    except PermissionError:
        raise DepartmentError(f"Không có quyền đọc tệp {path}.") from None
    except OSError as exc:
        raise DepartmentError(f"Không đọc được tệp {path} ({exc.strerror or exc}).") from None


def _csv_rows(data: bytes, name: str) -> list[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1258", errors="replace")  # Excel's "CSV" on a Vietnamese Windows
    text = vn.clean_text(text)
    try:
        dialect = csv.Sniffer().sniff(text[:5000], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [row for row in csv.reader(io.StringIO(text), dialect)][: MAX_ROWS + 2]
    except csv.Error as exc:
        raise DepartmentError(f"Tệp {name} không phải CSV đọc được ({exc}).") from None


def _xlsx_rows(data: bytes, name: str) -> list[list[Any]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > 2000 or sum(i.file_size for i in infos) > MAX_XLSX_UNPACKED:
                raise DepartmentError(f"Tệp {name} giải nén ra quá lớn; đây không phải một danh sách đơn vị.")
    except zipfile.BadZipFile:
        raise DepartmentError(
            f"Tệp {name} không phải tệp Excel .xlsx (có thể là .xls cũ: hãy mở bằng Excel và "
            "lưu lại thành .xlsx hoặc CSV UTF-8)."
        ) from None
    import warnings

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                rows = []
                for row in sheet.iter_rows(values_only=True):
                    rows.append(list(row))
                    if len(rows) > MAX_ROWS + 2:
                        break
            finally:
                book.close()
    except DepartmentError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds of errors on broken files
        raise DepartmentError(
            f"Không đọc được tệp Excel {name} ({type(exc).__name__}); hãy mở bằng Excel, kiểm tra và lưu lại."
        ) from None
    return rows


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_map(header: Sequence[Any]) -> dict[str, int]:
    wanted = {alias: key for key, aliases in HEADERS.items() for alias in aliases}
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = wanted.get(fold(str(cell))) if not _blank(cell) else None
        if key is not None and key not in found:
            found[key] = i
    return found


def parse_rows(rows: Iterable[Sequence[Any]], name: str = "") -> list[ListedUnit]:
    """Return the units of a table whose first non-empty row is its header (see `read_unit_list`)."""
    what = f"Danh sách đơn vị {name}" if name else "Danh sách đơn vị"
    numbered = [(n, list(r)) for n, r in enumerate(rows, 1) if not all(_blank(c) for c in r)]
    if not numbered:
        raise DepartmentError(f"{what} không có dòng nào. Hãy ghi dòng tiêu đề Mã, Tên, Cấp rồi mỗi đơn vị một dòng.")
    # the header is the first row naming the required columns (a title may stand above it), else the first row
    header_at = next(
        (i for i, (_, r) in enumerate(numbered[:10]) if {"code", "name", "level"} <= set(_header_map(r))), 0
    )
    numbered = numbered[header_at:]
    header_line, header = numbered[0]
    columns = _header_map(header)
    missing = [COLUMN_NAMES[k] for k in ("code", "name", "level") if k not in columns]
    if missing:
        raise DepartmentError(
            f"{what}: dòng {header_line} (dòng tiêu đề) thiếu cột {', '.join(f'«{m}»' for m in missing)}. "
            "Dòng đầu tiên phải ghi tên các cột: Mã, Tên, Cấp (và nếu có: Thư điện tử, Điện thoại, Hiệu lực từ, "
            "Hiệu lực đến)."
        )
    if len(numbered) - 1 > MAX_ROWS:
        raise DepartmentError(f"{what} có hơn {vn.format_int(MAX_ROWS)} đơn vị; hãy kiểm tra lại tệp.")
    units: list[ListedUnit] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for line, row in numbered[1:]:

        def cell(key: str, row: list[Any] = row) -> Any:
            i = columns.get(key)
            return row[i] if i is not None and i < len(row) else None

        try:
            unit = _read_row(cell)
        except FormatError as exc:
            problems.append(f"Dòng {line}: {exc.message}")
            continue
        key = fold(unit.code)
        if key in seen:
            problems.append(f"Dòng {line}: mã «{unit.code}» trùng với dòng {seen[key]}; mỗi đơn vị một mã riêng.")
            continue
        seen[key] = line
        units.append(unit)
    if problems:
        shown = problems[:MAX_SHOWN_PROBLEMS]
        more = f"\n(và {len(problems) - len(shown)} dòng khác)" if len(problems) > len(shown) else ""
        lines = "\n".join(shown) + more
        raise DepartmentError(f"{what} có {len(problems)} dòng cần sửa; chưa nhập đơn vị nào:\n{lines}")
    if not units:
        raise DepartmentError(f"{what} chỉ có dòng tiêu đề, chưa có đơn vị nào.")
    return units


def _text(value: Any) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number in Excel: 16084.0
    return vn.clean_line(str(value))


def _date(value: Any, column: str) -> dt.date | None:
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return vn.parse_date(text)
    except FormatError as exc:
        raise FormatError(f"cột «{column}»: {exc.message}") from None


def _read_row(cell) -> ListedUnit:
    code = _text(cell("code"))
    if not code:
        raise FormatError("chưa có mã đơn vị (cột «Mã»).")
    if len(code) > 40:
        raise FormatError(f"mã «{code[:40]}…» quá dài (tối đa 40 ký tự).")
    level_text = _text(cell("level"))
    level = next((lv for lv in LEVELS if fold(lv) == fold(level_text)), None)
    if level is None:
        shown = f"«{level_text}»" if level_text else "trống"
        raise FormatError(f"cột «Cấp» là {shown}; chỉ dùng «xã», «phường» hoặc «đặc khu».")
    name = _text(cell("name"))
    for lv in LEVELS:  # "Xã Thiệu Trung" in the name column: the level is already in its own column
        if fold(name).startswith(fold(lv) + " "):
            name = name[len(lv) :].strip()
            break
    if not name:
        raise FormatError(f"đơn vị mã «{code}» chưa có tên (cột «Tên»).")
    if len(name) > 120:
        raise FormatError(f"tên «{name[:40]}…» quá dài (tối đa 120 ký tự).")
    email = _text(cell("email"))
    if email:
        try:
            email = vn.parse_email(email)
        except FormatError as exc:
            raise FormatError(f"cột «Thư điện tử»: {exc.message}") from None
    phone = _text(cell("phone"))
    if phone:
        try:
            phone = vn.parse_phone(phone).digits
        except FormatError as exc:
            raise FormatError(f"cột «Điện thoại»: {exc.message}") from None
    valid_from = _date(cell("valid_from"), "Hiệu lực từ")
    valid_until = _date(cell("valid_until"), "Hiệu lực đến")
    if valid_from and valid_until and valid_until < valid_from:
        raise FormatError(
            f"ngày hết hiệu lực {vn.format_date(valid_until)} ở trước ngày có hiệu lực {vn.format_date(valid_from)}."
        )
    return ListedUnit(
        code=code, name=name, level=level, email=email, phone=phone, valid_from=valid_from, valid_until=valid_until
    )


# ---------------------------------------------------------------------------- matching a sender to the list


class UnitMatcher:
    """Matches report senders to the unit list; the list's names are folded once (an intake of hundreds of reports
    against hundreds of units does not fold them again for every report)."""

    def __init__(self, units: Sequence[ListedUnit], aliases: dict[str, int] | None = None) -> None:
        self.units = list(units)
        by_id = {u.id: u for u in self.units if u.id is not None}
        self.aliases = {k: by_id[v] for k, v in (aliases or {}).items() if v in by_id}
        self.full: dict[str, list[ListedUnit]] = {}
        self.names: dict[str, list[ListedUnit]] = {}
        for u in self.units:
            self.full.setdefault(fold(u.full_name), []).append(u)
            self.names.setdefault(fold(u.name), []).append(u)

    def match(self, name: str, level: str) -> ListedUnit | None:
        """The listed unit a report's sender is: same name and level (without case or diacritics), or a name the
        department matched by hand before; None when unsure."""
        key = fold(f"{level} {name}")
        if key in self.aliases:
            return self.aliases[key]
        exact = self.full.get(key, [])
        if len(exact) == 1:
            return exact[0]
        if not exact and not level.strip():
            by_name = self.names.get(fold(name), [])
            if len(by_name) == 1:
                return by_name[0]
        return None


def match_unit(
    name: str, level: str, units: Sequence[ListedUnit], aliases: dict[str, int] | None = None
) -> ListedUnit | None:
    """Return the listed unit a report's sender is: same name and level (without case or diacritics), or a name
    the department matched by hand before (`aliases`: folded "level name" → unit id); None when unsure."""
    return UnitMatcher(units, aliases).match(name, level)


def suggest_units(name: str, units: Sequence[ListedUnit], limit: int = 3) -> list[ListedUnit]:
    """Return the listed units whose names look like `name` (a typing slip: "Thiệu Trong" → "Thiệu Trung")."""
    target = fold(name)
    scored = sorted(
        ((difflib.SequenceMatcher(None, target, fold(u.name)).ratio(), i) for i, u in enumerate(units)), reverse=True
    )
    return [units[i] for score, i in scored[:limit] if score >= 0.75]
