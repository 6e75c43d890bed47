"""Vietnamese numbers, money and its words, dates, document references, phone numbers and e-mail (NĐ 30/2020 style).

Why over 600 lines: every rule here (numbers, money and its words, dates, references, phone numbers, e-mail) reads
the same few tables and shares its error messages; split, each part would import the others. The text rules beneath
them (cleaning typed text, writing a date) are `kpdesk.text`'s, which the window's start uses without this module;
they are exported here too, with the rules that build on them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import TYPE_CHECKING

from kpdesk.errors import FormatError
from kpdesk.text import (
    NBSP,
    LazyPattern,
    bind_unit_name,
    clean_line,
    clean_text,
    format_date,
    format_date_nd30,
)

if TYPE_CHECKING:  # `decimal` is imported where a fraction is read or written: the window's start needs none
    from decimal import Decimal

__all__ = [
    "NBSP",
    "UNITS",
    "UNIT_LABELS",
    "DocRef",
    "Phone",
    "bind_unit_name",
    "clean_line",
    "clean_text",
    "format_amount",
    "format_date",
    "format_date_nd30",
    "format_decimal",
    "format_int",
    "format_percent",
    "format_reference",
    "is_valid_doc_code",
    "money_in_words",
    "number_in_words",
    "parse_amount",
    "parse_date",
    "parse_decimal",
    "parse_email",
    "parse_int",
    "parse_percent",
    "parse_phone",
    "parse_reference",
    "percent_of",
]


UNITS: dict[str, int] = {"dong": 1, "nghin": 1_000, "trieu": 1_000_000, "ty": 1_000_000_000}
UNIT_LABELS: dict[str, str] = {"dong": "đồng", "nghin": "nghìn đồng", "trieu": "triệu đồng", "ty": "tỷ đồng"}

_UNIT_WORD = {"dong": "đồng", "nghin": "nghìn", "trieu": "triệu", "ty": "tỷ"}
_MAX_DIGITS = 1000  # longer numbers are rejected instead of tripping int()'s str-conversion limit

#: The longest text each parser reads (after cleaning). Longer input is refused at once with a message: a pasted
#: paragraph is not a number, and no regular expression below has to walk megabytes (a run of 50 000 dots made
#: the amount tokenizer quadratic).
MAX_AMOUNT_CHARS = 200
MAX_NUMBER_CHARS = 100
MAX_DATE_CHARS = 100
MAX_REFERENCE_CHARS = 500
MAX_PHONE_CHARS = 100
MAX_EMAIL_CHARS = 254  # the longest address SMTP carries


def _refuse_long(s: str, limit: int, what: str, hint: str) -> None:
    """Raise a FormatError quoting the start of `s` when it is longer than `limit` characters."""
    if len(s) > limit:
        raise FormatError(f"{what} «{s[:30].rstrip()}…» quá dài ({len(s)} ký tự, tối đa {limit}). {hint}.")


#: Full-width ASCII (U+FF01–U+FF5E), what a Chinese/Japanese input method or a full-width mode types: "１２３",
#: "２，５％", "０９１２．３４５．６７８". Read as the ASCII character each stands for wherever a value is parsed.
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}


def _typed_value(text: str) -> str:
    """The one line `text` as a parser reads it: `clean_line`, and full-width digits, signs and letters as ASCII."""
    return clean_line(text).translate(_FULL_WIDTH)


# ---------------------------------------------------------------------------
# Vietnamese number notation: "." groups thousands, "," is the decimal mark
# ---------------------------------------------------------------------------


def _group_digits(digits: str) -> str:
    digits = digits.lstrip("0") or "0"
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return ".".join(parts)


def _vn_number(int_digits: str, frac_digits: str = "", negative: bool = False) -> str:
    frac_digits = frac_digits.rstrip("0")
    text = _group_digits(int_digits) + ("," + frac_digits if frac_digits else "")
    return "-" + text if negative and text.strip("0,.") else text


def _decimal_parts(x: Decimal) -> tuple[bool, str, str]:
    """(negative, integer digits, fraction digits) of a finite Decimal, exactly."""
    from decimal import Decimal

    if not isinstance(x, Decimal):
        raise TypeError(f"expected Decimal, got {type(x).__name__}")
    if not x.is_finite():
        raise ValueError(f"not a finite number: {x}")
    sign, digit_tuple, exp = x.as_tuple()
    assert isinstance(exp, int)
    digits = "".join(map(str, digit_tuple))
    if exp >= 0:
        return bool(sign), digits + "0" * exp, ""
    k = -exp
    digits = digits.rjust(k + 1, "0")
    return bool(sign), digits[:-k], digits[-k:]


class _BadNumber(Exception):
    """Internal: a number token broke the Vietnamese notation; `fix` replaces the token, `why` explains."""

    def __init__(self, why: str, fix: str | None = None) -> None:
        super().__init__(why)
        self.why = why
        self.fix = fix


_WHY_DECIMAL_POINT = "Dùng dấu phẩy cho phần lẻ"
_WHY_COMMA_GROUPS = "Dấu phẩy chỉ dùng cho phần lẻ, dấu chấm để nhóm nghìn"
_WHY_ENGLISH = "Theo cách viết Việt Nam, dấu chấm nhóm nghìn và dấu phẩy ghi phần lẻ"
_WHY_GROUPS = "Dấu chấm nhóm đúng từng ba chữ số"
_WHY_FORM = "Viết"

_ENGLISH_FULL = LazyPattern(r"[0-9]{1,3}(?:,[0-9]{3})*\.[0-9]+")
_NUMBER_CHARS = LazyPattern(r"[0-9.,]+")
_SPACE_GROUPED = LazyPattern(r"[0-9]{1,3}(?: [0-9]{3})+")


def _swap_marks(s: str) -> str:
    return s.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _read_number(s: str) -> tuple[int, int]:
    """Unsigned Vietnamese number -> (all digits as int, number of fraction digits); raises _BadNumber."""
    if not _NUMBER_CHARS.fullmatch(s) or not any(c.isdigit() for c in s):
        raise _BadNumber("")
    if s.count(",") > 1:
        if re.fullmatch(r"[0-9]{1,3}(?:,[0-9]{3})+", s):
            raise _BadNumber(_WHY_COMMA_GROUPS, s.replace(",", "."))
        if _ENGLISH_FULL.fullmatch(s):
            raise _BadNumber(_WHY_ENGLISH, _swap_marks(s))
        raise _BadNumber("Chỉ được có một dấu phẩy (phần lẻ)")
    int_part, comma, frac = s.partition(",")
    if comma and "." in frac:
        if _ENGLISH_FULL.fullmatch(s):
            raise _BadNumber(_WHY_ENGLISH, _swap_marks(s))
        raise _BadNumber("Dấu chấm không được đứng sau dấu phẩy")
    if comma and not frac:
        fix = int_part if re.fullmatch(r"[0-9]{1,3}(?:\.[0-9]{3})*|[0-9]+", int_part) else None
        raise _BadNumber(_WHY_FORM, fix)
    if not int_part:
        raise _BadNumber(_WHY_FORM, "0," + frac)
    if "." in int_part:
        groups = int_part.split(".")
        if not groups[0] and len(groups) == 2 and not comma:
            raise _BadNumber(_WHY_DECIMAL_POINT, "0," + groups[1])
        ok = all(groups) and len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
        if not ok:
            tail = "," + frac if comma else ""
            if all(groups) and len(groups) == 2 and not comma:
                if len(groups[1]) != 3:
                    raise _BadNumber(_WHY_DECIMAL_POINT, f"{groups[0]},{groups[1]}")
                grouped = _group_digits("".join(groups))
                raise _BadNumber(f"{_WHY_GROUPS}: viết «{grouped}», hoặc «{groups[0]},{groups[1]}» nếu là số lẻ")
            raise _BadNumber(_WHY_GROUPS, _group_digits("".join(groups)) + tail)
        int_part = "".join(groups)
    if len(int_part) + len(frac) > _MAX_DIGITS:
        raise _BadNumber("Số quá dài")
    return int(int_part + frac), len(frac)


def _number_message(subject: str, text: str, bad: _BadNumber, fixed: str | None, example: str) -> str:
    head = f"Không hiểu {subject} «{text}»."
    if bad.why and fixed is not None:
        return f"{head} {bad.why}: «{fixed}»."
    if bad.why:
        return f"{head} {bad.why}." if "«" in bad.why else f"{head} {bad.why}, ví dụ «{example}»."
    return f"{head} Ví dụ cách viết: «{example}»."


def _split_sign(s: str) -> tuple[bool, str]:
    if s[:1] in ("-", "\u2212"):
        return True, s[1:].lstrip()
    return False, s


# ---------------------------------------------------------------------------
# Money
# ---------------------------------------------------------------------------

_MULTIPLIER_WORDS = {
    "nghìn": "nghin", "ngàn": "nghin", "nghin": "nghin", "ngan": "nghin", "k": "nghin",
    "triệu": "trieu", "trieu": "trieu", "tr": "trieu",
    "tỷ": "ty", "tỉ": "ty", "ty": "ty", "ti": "ty",
}  # fmt: skip
_CURRENCY_WORDS = {"đồng", "dong", "đ", "vnđ", "vnd", "₫"}
_AMOUNT_TOKEN = LazyPattern(r"\s*(?:(?P<num>[0-9.,]*[0-9][0-9.,]*)|(?P<word>[^\W\d_]+|₫)|(?P<sym>\S))")
_WHY_WHOLE_DONG = "Số tiền phải ra số đồng chẵn"
_AMOUNT_EXAMPLE = "352 triệu», «2,382 tỷ» hoặc «352.000.000 đ"


@dataclass
class _Part:
    """One number found in a typed amount: where it is in the text, its digits, and the unit written after it."""

    start: int
    end: int
    value: int = 0  # digits as an integer
    scale: int = 0  # fraction digits
    unit: str | None = None

    def dong(self, unit: str) -> tuple[int, int]:
        """(whole đồng, remainder) of this part in `unit`."""
        return divmod(self.value * UNITS[unit], 10**self.scale)


def _check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; expected one of {sorted(UNITS)}")


def _amount_error(text: str, why: str, fixed: str | None = None) -> FormatError:
    if fixed is None:
        return FormatError(f"Không hiểu số tiền «{text}». {why}, ví dụ «{_AMOUNT_EXAMPLE}».")
    return FormatError(f"Không hiểu số tiền «{text}». {why}: «{fixed}».")


def parse_amount(text: str, unit: str = "dong") -> int:
    """Officer-typed amount -> exact integer đồng; `unit` applies when the text names no unit."""
    _check_unit(unit)
    s = _typed_value(text)
    _refuse_long(s, MAX_AMOUNT_CHARS, "Số tiền", f"Hãy nhập một số tiền, ví dụ «{_AMOUNT_EXAMPLE}»")
    if not s:
        raise FormatError(f"Chưa nhập số tiền. Ví dụ: «{_AMOUNT_EXAMPLE}».")
    tokens = [(g, m.group(g), m.start(g), m.end()) for m in _AMOUNT_TOKEN.finditer(s) if (g := m.lastgroup)]
    negative = False
    if tokens and tokens[0][0] == "sym" and tokens[0][1] in ("-", "\u2212"):
        negative = True
        tokens = tokens[1:]
    parts: list[_Part] = []
    currency_at: int | None = None
    for i, (kind, value, start, end) in enumerate(tokens):
        if currency_at is not None:
            raise _amount_error(s, "Chữ «đồng» chỉ đứng ở cuối")
        if kind == "num":
            if parts and parts[-1].unit is None:
                for later in tokens[i + 1 :]:
                    if later[0] != "num":
                        break
                    end = later[3]
                joined = s[parts[-1].start : end]
                if _SPACE_GROUPED.fullmatch(joined):
                    fixed = s[: parts[-1].start] + joined.replace(" ", ".") + s[end:]
                    raise _amount_error(s, "Nhóm nghìn bằng dấu chấm, không dùng dấu cách", fixed)
                raise _amount_error(s, "Mỗi số phải có đơn vị riêng")
            parts.append(_Part(start, end))
            continue
        word = value.lower()
        if not parts:
            raise _amount_error(s, "Số tiền phải bắt đầu bằng chữ số")
        if word in _CURRENCY_WORDS:
            if parts[-1].unit is None:
                parts[-1].unit = "dong"
            currency_at = i
        elif kind == "word" and word in _MULTIPLIER_WORDS and parts[-1].unit is None:
            parts[-1].unit = _MULTIPLIER_WORDS[word]
        elif kind == "word" and word not in _MULTIPLIER_WORDS:
            raise FormatError(
                f"Không hiểu đơn vị «{value}» trong số tiền «{s}». "
                "Dùng đồng, nghìn, triệu hoặc tỷ, ví dụ «352 triệu» hoặc «352.000.000 đ»."
            )
        else:
            raise _amount_error(s, "Không hiểu cách viết")
    if not parts:
        raise _amount_error(s, "Thiếu con số")

    for part in parts:
        try:
            part.value, part.scale = _read_number(s[part.start : part.end])
        except _BadNumber as bad:
            suggestion = None if bad.fix is None else s[: part.start] + bad.fix + s[part.end :]
            raise FormatError(_number_message("số tiền", s, bad, suggestion, _AMOUNT_EXAMPLE)) from None

    if len(parts) == 1:
        part = parts[0]
        part_unit = part.unit or unit
        whole, rest = part.dong(part_unit)
        if rest:
            raise _fraction_error(s, part, part_unit)
        return -whole if negative else whole
    return _compound_amount(s, parts, negative)


def _fraction_error(s: str, part: _Part, unit: str) -> FormatError:
    number = s[part.start : part.end]
    as_grouping = number.replace(",", ".")
    if unit == "dong":
        try:
            ok = _read_number(as_grouping)[1] == 0
        except _BadNumber:
            ok = False
        if ok:
            fixed = s[: part.start] + as_grouping + s[part.end :]
            return FormatError(
                f"Số tiền «{s}» lẻ phần đồng. Tính bằng đồng thì chỉ ghi số đồng chẵn, "
                f"nhóm nghìn bằng dấu chấm: «{fixed}»."
            )
    whole = part.dong(unit)[0]
    factor = UNITS[unit]
    width = len(str(factor)) - 1
    q, r = divmod(whole, factor)
    repl = _vn_number(str(q), f"{r:0{width}d}" if width else "")
    fixed = s[: part.start] + repl + s[part.end :]
    return FormatError(f"Số tiền «{s}» lẻ phần đồng. Chỉ ghi số đồng chẵn: «{fixed}».")


def _compound_amount(s: str, parts: list[_Part], negative: bool) -> int:
    """'2 tỷ 382 triệu': every part has a unit, units strictly descending, each part below the one before."""
    sign = "-" if negative else ""
    if parts[-1].unit is None:  # only the last part can lack a unit: two bare numbers in a row fail earlier
        order = list(UNITS)
        prev = parts[-2].unit or "dong"
        lower = order[max(order.index(prev) - 1, 0)]
        fixed = s[: parts[-1].end] + " " + _UNIT_WORD[lower] + s[parts[-1].end :]
        raise _amount_error(s, "Ghi đơn vị cho từng phần", fixed)
    units = [p.unit or "dong" for p in parts]
    if any(UNITS[a] <= UNITS[b] for a, b in pairwise(units)):
        if len(set(units)) == len(units) and all(p.scale == 0 for p in parts):
            ordered = sorted(zip(parts, units, strict=True), key=lambda pu: -UNITS[pu[1]])
            fixed = " ".join(f"{s[p.start : p.end]} {_UNIT_WORD[u]}" for p, u in ordered)
            raise _amount_error(s, "Ghi đơn vị lớn trước, nhỏ sau", sign + fixed)
        raise _amount_error(s, "Ghi đơn vị lớn trước, nhỏ sau, mỗi đơn vị một lần")
    total = 0
    why = ""
    for i, (part, part_unit) in enumerate(zip(parts, units, strict=True)):
        whole, rest = part.dong(part_unit)
        total += whole
        if i < len(parts) - 1 and part.scale:
            why = why or "Chỉ phần cuối được có phần lẻ"
        elif i and whole >= UNITS[units[i - 1]]:
            why = why or "Mỗi phần phải nhỏ hơn đơn vị đứng trước"
        elif rest:
            why = why or _WHY_WHOLE_DONG
    if why == _WHY_WHOLE_DONG:
        raise _fraction_error(s, parts[-1], units[-1])
    if why:
        top = max(p.scale for p in parts)
        exact = sum(p.value * UNITS[u] * 10 ** (top - p.scale) for p, u in zip(parts, units, strict=True)) // 10**top
        fixed = sign + format_amount(exact, units[0], with_unit=False) + " " + _UNIT_WORD[units[0]]
        raise _amount_error(s, why + "; viết gọn", fixed)
    return -total if negative else total


def format_amount(dong: int, unit: str = "trieu", *, with_unit: bool = True) -> str:
    """Exact amount in `unit` with Vietnamese separators: 8_212_000_000 -> '8.212 triệu đồng'."""
    if isinstance(dong, bool) or not isinstance(dong, int):
        raise TypeError(f"amount must be an int number of đồng, got {type(dong).__name__}")
    _check_unit(unit)
    factor = UNITS[unit]
    width = len(str(factor)) - 1
    q, r = divmod(abs(dong), factor)
    number = _vn_number(str(q), f"{r:0{width}d}" if width else "", dong < 0)
    return f"{number} {UNIT_LABELS[unit]}" if with_unit else number


# ---------------------------------------------------------------------------
# Numbers in words
# ---------------------------------------------------------------------------

_DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_STYLES = {"north": ("linh", "nghìn"), "south": ("lẻ", "ngàn")}


def _group_words(n: int, full: bool, odd: str) -> list[str]:
    """Words for 0 < n < 1000; `full` reads the hundreds even when zero ('không trăm')."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if full or hundreds:
        words += [_DIGIT_WORDS[hundreds], "trăm"]
    if tens == 0:
        if units:
            words += [odd, _DIGIT_WORDS[units]] if words else [_DIGIT_WORDS[units]]
        return words
    words += ["mười"] if tens == 1 else [_DIGIT_WORDS[tens], "mươi"]
    if units == 1:
        words.append("mốt" if tens >= 2 else "một")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(_DIGIT_WORDS[units])
    return words


def _int_words(n: int, odd: str, thousand: str, leading: bool = True) -> list[str]:
    """Words for n > 0; above 10**9 the part before 'tỷ' is read recursively."""
    high, low = divmod(n, 10**9)
    words: list[str] = []
    if high:
        words += _int_words(high, odd, thousand, leading) + ["tỷ"]
        leading = False
    for scale, size in (("triệu", 10**6), (thousand, 10**3), ("", 1)):
        group = low // size % 1000
        if group:
            words += _group_words(group, not leading, odd)
            if scale:
                words.append(scale)
            leading = False
    return words


def _style(style: str) -> tuple[str, str]:
    if style not in _STYLES:
        raise ValueError(f"unknown style {style!r}; expected 'north' or 'south'")
    return _STYLES[style]


def number_in_words(n: int | Decimal, *, style: str = "north") -> str:
    """Lower-case formal reading: 1015 -> 'một nghìn không trăm mười lăm', Decimal('0.05') -> 'không phẩy không năm'."""
    from decimal import Decimal

    odd, thousand = _style(style)
    if isinstance(n, bool) or not isinstance(n, (int, Decimal)):
        raise TypeError(f"expected int or Decimal, got {type(n).__name__}")
    if isinstance(n, int):
        negative, int_digits, frac = n < 0, str(abs(n)), ""
    else:
        negative, int_digits, frac = _decimal_parts(n)
        frac = frac.rstrip("0")
    value = int(int_digits)
    words = _int_words(value, odd, thousand) if value else ["không"]
    if frac:
        words.append("phẩy")
        rest = frac.lstrip("0")
        words += ["không"] * (len(frac) - len(rest))
        if rest:
            words += _int_words(int(rest), odd, thousand)
    if negative and (value or frac):
        words.insert(0, "âm")
    return " ".join(words)


def money_in_words(dong: int, *, style: str = "north") -> str:
    """'Bằng chữ' body: 8_212_000_000 -> 'Tám tỷ hai trăm mười hai triệu đồng chẵn'; 'chẵn' only for a round amount
    (whole thousands of đồng), so 1_234_567 -> 'Một triệu … năm trăm sáu mươi bảy đồng' and 0 -> 'Không đồng'."""
    if isinstance(dong, bool) or not isinstance(dong, int):
        raise TypeError(f"amount must be an int number of đồng, got {type(dong).__name__}")
    words = number_in_words(dong, style=style)
    words = words[0].upper() + words[1:]
    return words + (" đồng chẵn" if dong and dong % 1000 == 0 else " đồng")


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

_DATE_EXAMPLE = "05/02/2026"
_DATE_NUMERIC = LazyPattern(r"([0-9]{1,2})\s*([/.\-])\s*([0-9]{1,2})\s*\2\s*([0-9]+)")
_DATE_WORDS = LazyPattern(r"([0-9]{1,2})\s+tháng\s+([0-9]{1,2})\s*,?\s*năm\s+([0-9]+)", re.IGNORECASE)
_DATE_ISO = LazyPattern(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _valid_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def parse_date(text: str) -> date:
    """'5/2/2026', '05-02-2026', '05.02.2026' (also 'ngày 05 tháng 02 năm 2026', '2026-02-05') -> date."""
    s = _typed_value(text)
    _refuse_long(s, MAX_DATE_CHARS, "Ngày", f"Viết theo dạng ngày/tháng/năm, ví dụ «{_DATE_EXAMPLE}»")
    if not s:
        raise FormatError(f"Chưa nhập ngày. Viết theo dạng ngày/tháng/năm, ví dụ «{_DATE_EXAMPLE}».")
    body = re.sub(r"^ngày\s+", "", s, flags=re.IGNORECASE)
    if m := _DATE_NUMERIC.fullmatch(body):
        day_s, month_s, year_s = m.group(1), m.group(3), m.group(4)
    elif m := _DATE_WORDS.fullmatch(body):
        day_s, month_s, year_s = m.groups()
    elif m := _DATE_ISO.fullmatch(body):
        year_s, month_s, day_s = m.groups()
    else:
        raise FormatError(f"Không hiểu ngày «{s}». Viết theo dạng ngày/tháng/năm, ví dụ «{_DATE_EXAMPLE}».")
    day, month = int(day_s), int(month_s)
    if len(year_s) != 4:
        guess = _valid_date(2000 + int(year_s), month, day) if len(year_s) == 2 else None
        hint = format_date(guess) if guess else _DATE_EXAMPLE
        raise FormatError(f"Năm trong ngày «{s}» phải có đủ 4 chữ số, ví dụ «{hint}».")
    year = int(year_s)
    if not 1900 <= year <= 2200:
        raise FormatError(f"Năm {year} trong ngày «{s}» nằm ngoài khoảng 1900–2200. Ví dụ: «{_DATE_EXAMPLE}».")
    if not 1 <= month <= 12:
        swapped = _valid_date(year, day, month)
        hint = (
            f"Ghi ngày trước, tháng sau: «{format_date(swapped)}»"
            if swapped
            else f"Tháng phải từ 1 đến 12, ví dụ «{_DATE_EXAMPLE}»"
        )
        raise FormatError(f"Ngày {day:02d}/{month:02d}/{year} không tồn tại: không có tháng {month}. {hint}.")
    result = _valid_date(year, month, day)
    if result is None:
        last = _DAYS_IN_MONTH[month - 1]
        while _valid_date(year, month, last) is None:
            last -= 1
        raise FormatError(
            f"Ngày {day:02d}/{month:02d}/{year} không tồn tại (tháng {month}/{year} có {last} ngày). "
            f"Ví dụ: «{format_date(date(year, month, min(max(day, 1), last)))}»."
        )
    return result


# ---------------------------------------------------------------------------
# Document references
# ---------------------------------------------------------------------------

_SEGMENT = r"[0-9A-ZĐ](?:[0-9A-Za-zĐđ&]*[0-9A-Za-zĐđ])?"
_DOC_CODE = LazyPattern(rf"[0-9]+[/\-]{_SEGMENT}(?:[/\-]{_SEGMENT})*")
_CODE_START = LazyPattern(r"[0-9]+[/\-]")
_REF_EXAMPLE = "1133/SKHCN-KHTC ngày 30/3/2026"
_KIND_ABBREVIATIONS = {
    "CV": "Công văn", "QĐ": "Quyết định", "NQ": "Nghị quyết", "NĐ": "Nghị định", "TT": "Thông tư",
    "CT": "Chỉ thị", "KH": "Kế hoạch", "BC": "Báo cáo", "TB": "Thông báo", "TTR": "Tờ trình", "HD": "Hướng dẫn",
}  # fmt: skip
_KIND_LEAD_INS = LazyPattern(r"^(?:căn cứ|theo|thực hiện)(?:\s+|$)", re.IGNORECASE)
_KIND_WORDS = LazyPattern(r"[^\W\d_]+(?: [^\W\d_]+)*")


@dataclass(frozen=True)
class DocRef:
    """A cited document: kind ('Công văn'), code ('1133/SKHCN-KHTC'), date and issuing body."""

    kind: str | None
    code: str
    date: date | None
    issuer: str | None


def is_valid_doc_code(code: str) -> bool:
    """True for codes like '1133/SKHCN-KHTC', '57-NQ/TW', '01/2021/TT-BKHCN', '4194/BKH&CN-KHTC', '03/TTr-UBND'."""
    return bool(_DOC_CODE.fullmatch(code)) and any(c.isalpha() for c in code)


def _ref_error(s: str, why: str) -> FormatError:
    return FormatError(f"Không hiểu số hiệu văn bản «{s}». {why}. Ví dụ: «{_REF_EXAMPLE}».")


def _normalise_kind(raw: str, s: str) -> str | None:
    kind = re.sub(r"\s*\bsố\b\s*:?$", "", raw.strip(), flags=re.IGNORECASE).strip()
    kind = _KIND_LEAD_INS.sub("", kind).strip()
    if not kind:
        return None
    if not _KIND_WORDS.fullmatch(kind):
        raise _ref_error(s, f"Phần «{raw.strip()}» trước số hiệu phải là tên loại văn bản")
    if kind.upper() in _KIND_ABBREVIATIONS:
        return _KIND_ABBREVIATIONS[kind.upper()]
    if kind.isupper() and " " in kind:
        return kind.capitalize()
    return kind[0].upper() + kind[1:]


def parse_reference(text: str) -> DocRef:
    """'Công văn số 1133/SKHCN-KHTC ngày 30/3/2026 của Sở …' -> DocRef; kind, date and issuer are optional."""
    s = _typed_value(text).rstrip(".;, ")
    _refuse_long(s, MAX_REFERENCE_CHARS, "Số hiệu văn bản", f"Ví dụ: «{_REF_EXAMPLE}»")
    if not s:
        raise FormatError(f"Chưa nhập số hiệu văn bản. Ví dụ: «{_REF_EXAMPLE}».")
    words = s.split(" ")
    index = next((i for i, w in enumerate(words) if _CODE_START.match(w)), None)
    if index is None:
        raise _ref_error(s, "Thiếu số hiệu dạng số/KÝ HIỆU")
    code = words[index].rstrip(",;")
    if not is_valid_doc_code(code):
        joined = "".join(words[index:]).split("ngày")[0]
        hint = f": «{joined.upper()}»" if is_valid_doc_code(joined.upper()) and joined.upper() != code else ""
        raise _ref_error(
            s,
            f"Số hiệu «{code}» không đúng dạng: số, rồi «/» hoặc «-», rồi ký hiệu viết hoa, không có dấu cách{hint}",
        )
    kind = _normalise_kind(" ".join(words[:index]), s)
    rest = " ".join(words[index + 1 :])
    issuer: str | None = None
    if m := re.search(r"(?:^|\s)của(?:\s+|$)", rest, re.IGNORECASE):
        issuer = rest[m.end() :].strip()
        rest = rest[: m.start()]
        if not issuer:
            raise _ref_error(s, "Thiếu tên cơ quan ban hành sau chữ «của»")
    rest = rest.strip().lstrip(",").strip()
    when: date | None = None
    if rest:
        date_text = re.sub(r"^(?:ban hành\s+)?ngày\s+", "", rest, flags=re.IGNORECASE)
        try:
            when = parse_date(date_text)
        except FormatError as exc:
            if date_text == rest:
                raise _ref_error(s, f"Không hiểu phần «{rest}» sau số hiệu") from None
            raise FormatError(f"{exc.message} (trong số hiệu văn bản «{s}», ví dụ «{_REF_EXAMPLE}»)") from None
    return DocRef(kind, code, when, issuer)


def format_reference(ref: DocRef, *, with_kind: bool = True, with_issuer: bool = True) -> str:
    """'Công văn số 1133/SKHCN-KHTC ngày 30/3/2026 của Sở …'; absent parts are left out."""
    text = f"{ref.kind} số {ref.code}" if with_kind and ref.kind else ref.code
    if ref.date is not None:
        text += f" ngày {format_date(ref.date)}"
    if with_issuer and ref.issuer:
        text += f" của {ref.issuer}"
    return text


# ---------------------------------------------------------------------------
# Phones and e-mail
# ---------------------------------------------------------------------------

_MOBILE = LazyPattern(r"0[35789][0-9]{8}")
_LANDLINE = LazyPattern(r"02[0-9]{9}")
_OLD_MOBILE_PREFIXES = {
    **{f"016{d}": f"03{d}" for d in "23456789"},  # Viettel
    "0120": "070", "0121": "079", "0122": "077", "0126": "076", "0128": "078",  # MobiFone
    "0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",  # VinaPhone
    "0186": "056", "0188": "058",  # Vietnamobile
    "0199": "059",  # Gmobile
}  # fmt: skip
_PHONE_EXAMPLE = "di động «0912 345 678» hoặc cố định «0237 3851 234»"


@dataclass(frozen=True)
class Phone:
    """A normalised Vietnamese subscriber number: `digits` starts with 0; `kind` is 'mobile' or 'landline'."""

    digits: str
    kind: str

    def display(self) -> str:
        """'0912 345 678', '024 3825 1234', '0237 3851 234'."""
        d = self.digits
        if self.kind == "mobile":
            return f"{d[:4]} {d[4:7]} {d[7:]}"
        if d[2] in "48":  # Hà Nội 024, TP Hồ Chí Minh 028: two-digit area code
            return f"{d[:3]} {d[3:7]} {d[7:]}"
        return f"{d[:4]} {d[4:8]} {d[8:]}"


def _phone_kind(digits: str) -> str | None:
    if _MOBILE.fullmatch(digits):
        return "mobile"
    if _LANDLINE.fullmatch(digits):
        return "landline"
    return None


def parse_phone(text: str) -> Phone:
    """Mobile or landline number in any common spelling (+84, 0084, spaces, dots) -> Phone."""
    s = _typed_value(text)
    _refuse_long(s, MAX_PHONE_CHARS, "Số điện thoại", f"Ví dụ: {_PHONE_EXAMPLE}")
    if not s:
        raise FormatError(f"Chưa nhập số điện thoại. Ví dụ: {_PHONE_EXAMPLE}.")
    d = re.sub(r"[\s.\-()]", "", s)
    if d.startswith("+"):
        if not d.startswith("+84"):
            raise FormatError(f"Số điện thoại «{s}» không phải số Việt Nam (+84). Ví dụ: {_PHONE_EXAMPLE}.")
        d = "0" + d[3:]
    elif d.startswith("0084"):
        d = "0" + d[4:]
    elif d.startswith("84") and len(d) in (11, 12):
        d = "0" + d[2:]
    if d.startswith("00") and d[2:3] != "0":  # "+840…", "00840…": the 0 after the country code is extra
        d = d[1:]
    if not d.isascii() or not d.isdigit():
        raise FormatError(f"Số điện thoại «{s}» chỉ được gồm chữ số. Ví dụ: {_PHONE_EXAMPLE}.")
    if kind := _phone_kind(d):
        return Phone(d, kind)
    if len(d) == 11 and d[:4] in _OLD_MOBILE_PREFIXES:
        new = Phone(_OLD_MOBILE_PREFIXES[d[:4]] + d[4:], "mobile")
        raise FormatError(f"Số «{s}» là số di động 11 số cũ; từ 15/9/2018 số này đã đổi thành «{new.display()}».")
    if d.startswith(("1800", "1900")) or d in {"111", "112", "113", "114", "115"}:
        raise FormatError(f"Số «{s}» là số dịch vụ/tổng đài, không phải số thuê bao. Ví dụ: {_PHONE_EXAMPLE}.")
    if not d.startswith("0") and (fixed := _phone_kind("0" + d)):
        raise FormatError(f"Số điện thoại «{s}» thiếu số 0 ở đầu: «{Phone('0' + d, fixed).display()}».")
    raise FormatError(
        f"Số điện thoại «{s}» không hợp lệ: số di động có 10 chữ số bắt đầu bằng 03, 05, 07, 08, 09; "
        f"số cố định có 11 chữ số bắt đầu bằng 02. Ví dụ: {_PHONE_EXAMPLE}."
    )


_EMAIL_EXAMPLE = "ten@xa.gov.vn"


def _without_marks(ch: str) -> str:
    """The letter `ch` without its Vietnamese marks: 'ễ' -> 'e', 'đ' -> 'd'; other characters unchanged."""
    if ch in "đĐ":
        return "d" if ch == "đ" else "D"
    return "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))


def _email_not_ascii(s: str) -> FormatError:
    """The message for an address holding non-ASCII characters: letters with marks are what a Vietnamese input
    method (Unikey, left on) makes of an address typed in Telex or VNI, so the message says so and offers the
    address without marks."""
    odd = list(dict.fromkeys(ch for ch in s if not ch.isascii()))
    shown = ", ".join(f"«{ch}»" for ch in odd[:5])
    if all(_without_marks(ch).isascii() and _without_marks(ch).isalpha() for ch in odd):
        plain = "".join(_without_marks(ch) for ch in s)
        try:
            example = parse_email(plain)
        except FormatError:
            example = _EMAIL_EXAMPLE
        return FormatError(
            f"Địa chỉ thư điện tử «{s}» có chữ có dấu ({shown}): địa chỉ thư điện tử chỉ gồm chữ không dấu. "
            "Có lẽ bộ gõ tiếng Việt (Unikey) đang bật khi gõ địa chỉ; hãy tắt bộ gõ tiếng Việt rồi gõ lại địa chỉ "
            f"không dấu, ví dụ «{example}»."
        )
    return FormatError(
        f"Địa chỉ thư điện tử «{s}» không hợp lệ: có ký tự không dùng được trong địa chỉ thư điện tử ({shown}); "
        f"chỉ dùng chữ không dấu, chữ số và các dấu . _ - +. Ví dụ: «{_EMAIL_EXAMPLE}»."
    )


_EMAIL_LOCAL = LazyPattern(r"[^\s@\"(),:;<>\[\\\]]+")
_DOMAIN_LABEL = LazyPattern(r"[^\W_](?:[\w\-]*[^\W_])?")


def parse_email(text: str) -> str:
    """'Ten@Xa.Gov.VN ' -> 'Ten@xa.gov.vn': one '@', a local part, a dotted domain (lower-cased), no spaces."""
    s = _typed_value(text)
    _refuse_long(s, MAX_EMAIL_CHARS, "Địa chỉ thư điện tử", f"Ví dụ: «{_EMAIL_EXAMPLE}»")
    if s.lower().startswith("mailto:"):
        s = s[7:].strip()

    def bad(why: str) -> FormatError:
        return FormatError(f"Địa chỉ thư điện tử «{s}» không hợp lệ: {why}. Ví dụ: «{_EMAIL_EXAMPLE}».")

    if not s:
        raise FormatError(f"Chưa nhập địa chỉ thư điện tử. Ví dụ: «{_EMAIL_EXAMPLE}».")
    if s.count("@") > 1 and re.search(r"[,; ]", s):
        raise bad("chỉ nhập một địa chỉ")
    if " " in s:
        raise bad("không được có dấu cách")
    if s.count("@") != 1:
        raise bad("phải có đúng một dấu @" if "@" in s else "thiếu dấu @")
    if not s.isascii():
        raise _email_not_ascii(s)
    local, domain = s.split("@")
    if not local or not _EMAIL_LOCAL.fullmatch(local) or local.startswith(".") or local.endswith(".") or ".." in local:
        raise bad("phần trước dấu @ bị thiếu hoặc có ký tự không dùng được")
    labels = domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels):
        raise bad("tên miền sau dấu @ phải có dấu chấm, như «xa.gov.vn»")
    if len(labels[-1]) < 2 or not labels[-1].isalpha():
        raise bad("phần cuối tên miền phải là chữ, như «.vn»")
    return f"{local}@{domain.lower()}"


# ---------------------------------------------------------------------------
# Plain numbers and percentages
# ---------------------------------------------------------------------------

_INT_EXAMPLE = "6.797"


def _plain_number(
    s: str, subject: str, example: str, suffix: str = "", *, shown: str = "", integer: bool = False
) -> tuple[bool, int, int]:
    """(negative, digits, scale) of a signed Vietnamese number; messages name `subject` and show `shown`."""
    shown = shown or s
    negative, body = _split_sign(s)
    if _SPACE_GROUPED.fullmatch(body):
        fixed = ("-" if negative else "") + body.replace(" ", ".") + suffix
        raise FormatError(f"Không hiểu {subject} «{shown}». Nhóm nghìn bằng dấu chấm, không dùng dấu cách: «{fixed}».")
    try:
        value, scale = _read_number(body)
    except _BadNumber as bad:
        if integer and bad.why == _WHY_DECIMAL_POINT:
            raise _not_integer(shown) from None
        suggestion = None if bad.fix is None else ("-" if negative else "") + bad.fix + suffix
        raise FormatError(_number_message(subject, shown, bad, suggestion, example)) from None
    return negative, value, scale


def _not_integer(s: str) -> FormatError:
    return FormatError(f"«{s}» không phải số nguyên. Nhập số nguyên, ví dụ «{_INT_EXAMPLE}» hoặc «15».")


def parse_int(text: str) -> int:
    """'6.797', '6797', '01', ' 19 ', '-3' -> int; '6,797' and '1.5' are rejected with a hint."""
    s = _typed_value(text)
    _refuse_long(s, MAX_NUMBER_CHARS, "Số", f"Hãy nhập một số, ví dụ «{_INT_EXAMPLE}»")
    if not s:
        raise FormatError(f"Chưa nhập số. Ví dụ: «{_INT_EXAMPLE}».")
    negative, value, scale = _plain_number(s, "số", _INT_EXAMPLE, integer=True)
    if scale:
        body = _split_sign(s)[1]
        as_grouping = ("-" if negative else "") + body.replace(",", ".")
        if scale == 3 and re.fullmatch(r"-?[0-9]{1,3}(?:\.[0-9]{3})+", as_grouping):
            raise FormatError(f"Không hiểu số «{s}». Nhóm nghìn bằng dấu chấm, không dùng dấu phẩy: «{as_grouping}».")
        raise _not_integer(s)
    return -value if negative else value


def format_int(n: int, *, pad: bool = False) -> str:
    """6797 -> '6.797'; with pad=True 0..9 become '00'..'09' as official prose writes counts."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"expected int, got {type(n).__name__}")
    if pad and 0 <= n <= 9:
        return f"0{n}"
    return _vn_number(str(abs(n)), "", n < 0)


def _to_decimal(negative: bool, value: int, scale: int) -> Decimal:
    from decimal import Decimal

    return Decimal((int(negative), tuple(int(c) for c in str(value)), -scale))


def parse_decimal(text: str) -> Decimal:
    """'2,5' -> Decimal('2.5'); '1.234,5' -> Decimal('1234.5'); '2.5' is rejected (write '2,5')."""
    s = _typed_value(text)
    _refuse_long(s, MAX_NUMBER_CHARS, "Số", "Hãy nhập một số, ví dụ «2,5»")
    if not s:
        raise FormatError("Chưa nhập số. Ví dụ: «2,5».")
    return _to_decimal(*_plain_number(s, "số", "2,5"))


def format_decimal(x: Decimal) -> str:
    """Decimal('1234.5') -> '1.234,5'; no trailing zeros; exact."""
    if isinstance(x, int) and not isinstance(x, bool):
        from decimal import Decimal

        x = Decimal(x)
    negative, int_digits, frac = _decimal_parts(x)
    return _vn_number(int_digits, frac, negative)


def parse_percent(text: str) -> Decimal:
    """'99,98%', '99,98', '100 %' -> Decimal('99.98'); no negatives; '99.98' is rejected (write '99,98%')."""
    s = _typed_value(text)
    _refuse_long(s, MAX_NUMBER_CHARS, "Tỷ lệ", "Hãy nhập một tỷ lệ, ví dụ «99,98%»")
    body = s[:-1].rstrip() if s.endswith("%") else s
    if not body:
        raise FormatError("Chưa nhập tỷ lệ. Ví dụ: «99,98%».")
    negative, value, scale = _plain_number(body, "tỷ lệ", "99,98%", "%", shown=s)
    if negative:
        shown = _split_sign(body)[1]
        raise FormatError(f"Tỷ lệ «{s}» không được âm. Ví dụ: «{shown}%».")
    return _to_decimal(False, value, scale)


def _round_half_up(x: Decimal, places: int) -> Decimal:
    if places < 0:
        raise ValueError("places must be >= 0")
    negative, int_digits, frac = _decimal_parts(x)
    value, scale = int(int_digits + frac), len(frac)
    if scale <= places:
        value *= 10 ** (places - scale)
    else:
        value, rest = divmod(value, 10 ** (scale - places))
        value += 2 * rest >= 10 ** (scale - places)
    return _to_decimal(negative and value > 0, value, places)


def format_percent(p: Decimal, places: int = 2) -> str:
    """Decimal('99.98') -> '99,98%'; rounded half-up to `places`, trailing zeros dropped ('100%', '99,9%')."""
    if isinstance(p, int) and not isinstance(p, bool):
        from decimal import Decimal

        p = Decimal(p)
    return format_decimal(_round_half_up(p, places)) + "%"


def percent_of(num: int, den: int, places: int = 2) -> Decimal | None:
    """100*num/den rounded half-up (away from zero) to `places`; None when den == 0."""
    if places < 0:
        raise ValueError("places must be >= 0")
    if den == 0:
        return None
    scaled = 100 * num * 10**places
    q, r = divmod(abs(scaled), abs(den))
    q += 2 * r >= abs(den)
    return _to_decimal((scaled < 0) != (den < 0) and q > 0, q, places)
