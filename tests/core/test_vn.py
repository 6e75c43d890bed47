"""Tests for kpdesk.vn: Vietnamese numbers, money, words, dates, references, phones (nd30-format.md §3–4)."""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpdesk.errors import FormatError
from kpdesk.vn import (
    UNIT_LABELS,
    UNITS,
    DocRef,
    Phone,
    clean_line,
    clean_text,
    format_amount,
    format_date,
    format_date_nd30,
    format_decimal,
    format_int,
    format_percent,
    format_reference,
    is_valid_doc_code,
    money_in_words,
    number_in_words,
    parse_amount,
    parse_date,
    parse_decimal,
    parse_email,
    parse_int,
    parse_percent,
    parse_phone,
    parse_reference,
    percent_of,
)

DIGIT_WORDS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def rejected(func, *args, **kwargs) -> str:
    """Call `func`, insist on FormatError with a message, return the message."""
    with pytest.raises(FormatError) as info:
        func(*args, **kwargs)
    assert type(info.value) is FormatError
    assert info.value.message and str(info.value) == info.value.message
    return info.value.message


# ---------------------------------------------------------------------------
# clean_text / clean_line
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\r\nb\rc", "a\nb\nc"),
        ("a\x00b\x07c\x0b\x0c\x1fd", "abcd"),
        ("tab\tkept\nnewline", "tab\tkept\nnewline"),
        ("zero\u200bwidth\u200c\u200d\ufeff\u2060", "zerowidth"),
        ("nbsp\u00a0em\u2003narrow\u202fthin\u2009", "nbsp em narrow thin "),
        ("lone\ud800surrogate\udfff", "lonesurrogate"),
        ("bad\ufffe\uffffchars", "badchars"),
        ("emoji 😀🇻🇳 kept", "emoji 😀🇻🇳 kept"),
        (unicodedata.normalize("NFD", "Thiệu Trung"), "Thiệu Trung"),
        ("  not stripped  ", "  not stripped  "),
    ],
)
def test_it_cleans_text_for_xml(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  a \n\t b\u00a0\u00a0 c ", "a b c"),
        ("\r\n Sở Khoa học \r\n và Công nghệ\t", "Sở Khoa học và Công nghệ"),
        ("", ""),
        ("\u200b \u00a0", ""),
    ],
)
def test_it_cleans_single_lines(raw: str, expected: str) -> None:
    assert clean_line(raw) == expected


XML_ILLEGAL = {*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x0D, 0xFFFE, 0xFFFF}
ZERO_WIDTH = {0x200B, 0x200C, 0x200D, 0xFEFF, 0x2060}


@given(st.text())
def test_clean_text_leaves_only_xml_safe_nfc_text(raw: str) -> None:
    out = clean_text(raw)
    assert not {ord(c) for c in out} & (XML_ILLEGAL | ZERO_WIDTH)
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in out)
    assert not any(unicodedata.category(c) == "Zs" and c != " " for c in out)
    assert unicodedata.is_normalized("NFC", out)
    assert clean_text(out) == out


@given(st.text())
def test_clean_line_is_one_stripped_line(raw: str) -> None:
    out = clean_line(raw)
    assert out == out.strip()
    assert "\n" not in out and "\t" not in out and "  " not in out
    assert clean_line(out) == out


# ---------------------------------------------------------------------------
# Amounts
# ---------------------------------------------------------------------------

NFD_TRIEU = unicodedata.normalize("NFD", "352 triệu đồng")


@pytest.mark.parametrize(
    ("text", "unit", "dong"),
    [
        ("352 triệu", "dong", 352_000_000),
        ("352tr", "dong", 352_000_000),
        ("352 triệu đồng", "dong", 352_000_000),
        ("2,382 tỷ", "dong", 2_382_000_000),
        ("2,382 tỉ", "dong", 2_382_000_000),
        ("8.212 triệu đồng", "dong", 8_212_000_000),
        ("352.000.000", "dong", 352_000_000),
        ("352.000.000 đ", "dong", 352_000_000),
        ("352.000.000đ", "dong", 352_000_000),
        ("352000000 VNĐ", "dong", 352_000_000),
        ("352.000.000,00 đồng", "dong", 352_000_000),
        ("7.822", "trieu", 7_822_000_000),
        ("7.822", "dong", 7_822),
        ("2,382", "ty", 2_382_000_000),
        ("352", "nghin", 352_000),
        ("2 tỷ 382 triệu", "dong", 2_382_000_000),
        ("2 tỷ 382 triệu đồng", "trieu", 2_382_000_000),
        ("1 tỷ 2 triệu 300 nghìn 45 đồng", "dong", 1_002_300_045),
        ("2 tỷ 382,5 triệu", "dong", 2_382_500_000),
        ("1.234,5 triệu", "dong", 1_234_500_000),
        ("-5 triệu", "dong", -5_000_000),
        ("- 2 tỷ 5 triệu", "dong", -2_005_000_000),
        (" 352 ", "dong", 352),
        ("\u00a0352\u00a0triệu\u200b", "dong", 352_000_000),
        ("500 nghìn", "dong", 500_000),
        ("500 ngàn đồng", "dong", 500_000),
        ("500k", "dong", 500_000),
        ("500K", "dong", 500_000),
        ("352 TRIỆU", "dong", 352_000_000),
        ("352 trieu", "dong", 352_000_000),
        ("352 đồng", "trieu", 352),
        ("352 ₫", "dong", 352),
        ("0", "trieu", 0),
        ("-0", "ty", 0),
        ("0,000001", "trieu", 1),
        (NFD_TRIEU, "dong", 352_000_000),
    ],
)
def test_it_reads_amounts_as_officers_type_them(text: str, unit: str, dong: int) -> None:
    assert parse_amount(text, unit) == dong


def test_parse_amount_defaults_to_dong() -> None:
    assert parse_amount("352.000") == 352_000


@pytest.mark.parametrize(
    ("text", "unit", "hint"),
    [
        ("", "dong", "«352 triệu»"),
        ("   ", "trieu", "«352 triệu»"),
        ("2.5 triệu", "dong", "«2,5 triệu»"),
        ("1.23", "dong", "«1,23»"),
        ("1.2345 tỷ", "dong", "«1,2345 tỷ»"),
        (".5 triệu", "dong", "«0,5 triệu»"),
        ("1,234,567", "dong", "«1.234.567»"),
        ("1,234,567.89 đ", "dong", "«1.234.567,89 đ»"),
        ("1,234.5 triệu", "dong", "«1.234,5 triệu»"),
        ("1,2,3", "dong", "«352 triệu»"),
        ("1,234", "dong", "«1.234»"),
        ("1,5 đồng", "dong", "«1 đồng»"),
        ("1,2345 nghìn", "dong", "«1,234 nghìn»"),
        ("0,0000015 triệu", "dong", "«0,000001 triệu»"),
        ("1234.567", "dong", "«1.234.567»"),
        ("12.34.567", "dong", "«1.234.567»"),
        ("1..234", "dong", "«1.234»"),
        ("352. triệu", "dong", "«352 triệu»"),
        ("5, triệu", "dong", "«5 triệu»"),
        (",5 triệu", "dong", "«0,5 triệu»"),
        ("352 000 000", "dong", "«352.000.000»"),
        ("5 triệu 2 tỷ", "dong", "«2 tỷ 5 triệu»"),
        ("5 triệu 3 triệu", "dong", "«352 triệu»"),
        ("2 tỷ 382", "dong", "«2 tỷ 382 triệu»"),
        ("2 tỷ 1500 triệu", "dong", "«3,5 tỷ»"),
        ("2,5 tỷ 300 triệu", "dong", "«2,8 tỷ»"),
        ("2 tỷ 1,5 đồng", "dong", "«2 tỷ 1 đồng»"),
        ("1 nghìn 5", "dong", "«1 nghìn 5 đồng»"),
        ("5 usd", "dong", "«352 triệu»"),
        ("5 đô", "dong", "«352 triệu»"),
        ("abc", "dong", "«352 triệu»"),
        ("triệu", "dong", "«352 triệu»"),
        ("khoảng 5 triệu", "dong", "«352 triệu»"),
        ("5 triệu đồng 3 nghìn", "dong", "«352 triệu»"),
        ("5 triệu tỷ", "dong", "«352 triệu»"),
        ("5%", "dong", "«352 triệu»"),
        ("--5", "dong", "«352 triệu»"),
        ("5-3", "dong", "«352 triệu»"),
        ("+5 triệu", "dong", "«352 triệu»"),
        ("5 3 triệu", "dong", "«352 triệu»"),
        ("٣ triệu", "dong", "«352 triệu»"),
        ("9" * 5000, "dong", "«352 triệu»"),
    ],
)
def test_it_rejects_amounts_it_cannot_read_exactly(text: str, unit: str, hint: str) -> None:
    message = rejected(parse_amount, text, unit)
    assert hint in message


def test_the_decimal_point_mistake_message_reads_as_specified() -> None:
    assert rejected(parse_amount, "2.5 triệu") == (
        "Không hiểu số tiền «2.5 triệu». Dùng dấu phẩy cho phần lẻ: «2,5 triệu»."
    )


def test_a_comma_in_a_dong_amount_asks_for_whole_dong() -> None:
    message = rejected(parse_amount, "1,234", "dong")
    assert "đồng chẵn" in message and "«1.234»" in message


def test_an_unknown_unit_is_named() -> None:
    assert "«usd»" in rejected(parse_amount, "5 usd")


def test_a_bad_unit_key_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unit"):
        parse_amount("5", "million")
    with pytest.raises(ValueError, match="unit"):
        format_amount(5, "million")


@pytest.mark.parametrize(
    ("dong", "unit", "text"),
    [
        (8_212_000_000, "trieu", "8.212 triệu đồng"),
        (2_382_000_000, "ty", "2,382 tỷ đồng"),
        (2_000_000_000, "ty", "2 tỷ đồng"),
        (352_500_000, "trieu", "352,5 triệu đồng"),
        (352_000_000, "dong", "352.000.000 đồng"),
        (352_000, "nghin", "352 nghìn đồng"),
        (1, "ty", "0,000000001 tỷ đồng"),
        (-5_000_000, "trieu", "-5 triệu đồng"),
        (-1, "nghin", "-0,001 nghìn đồng"),
        (0, "trieu", "0 triệu đồng"),
        (10**18, "ty", "1.000.000.000 tỷ đồng"),
    ],
)
def test_it_writes_amounts_exactly(dong: int, unit: str, text: str) -> None:
    assert format_amount(dong, unit) == text
    assert format_amount(dong, unit, with_unit=False) == text.removesuffix(" " + UNIT_LABELS[unit])


def test_format_amount_defaults_to_trieu() -> None:
    assert format_amount(8_212_000_000) == "8.212 triệu đồng"
    assert format_amount(8_212_000_000, with_unit=False) == "8.212"


@pytest.mark.parametrize("bad", [1.5, Decimal("1"), "5", True])
def test_format_amount_refuses_anything_but_int(bad: object) -> None:
    with pytest.raises(TypeError):
        format_amount(bad)  # type: ignore[arg-type]


@given(st.integers(), st.sampled_from(list(UNITS)))
def test_amounts_round_trip_in_every_unit(dong: int, unit: str) -> None:
    assert parse_amount(format_amount(dong, unit), unit) == dong
    assert parse_amount(format_amount(dong, unit, with_unit=False), unit) == dong
    for other in UNITS:  # a written unit wins over the field's unit
        assert parse_amount(format_amount(dong, unit), other) == dong


@given(st.integers(min_value=0, max_value=10**15))
def test_amount_output_uses_only_plain_separators(dong: int) -> None:
    for unit in UNITS:
        number = format_amount(dong, unit, with_unit=False)
        assert set(number) <= set("0123456789.,")
        assert number.count(",") <= 1 and not number.endswith(("0,", ","))
        if "," in number:
            assert not number.endswith("0")


@given(
    st.integers(min_value=0, max_value=999),
    st.integers(min_value=0, max_value=999),
    st.integers(min_value=0, max_value=999),
    st.integers(min_value=1, max_value=99),
)
def test_compound_amounts_add_up(ty: int, trieu: int, nghin: int, lead: int) -> None:
    text = f"{lead} tỷ {ty} triệu {trieu} nghìn {nghin} đồng"
    assert parse_amount(text) == lead * 10**9 + ty * 10**6 + trieu * 10**3 + nghin


# ---------------------------------------------------------------------------
# Numbers in words — the reference table of nd30-format.md §3.3 is the oracle
# ---------------------------------------------------------------------------

REFERENCE_TABLE = [  # §3.3: all 20 rows, formal reading with "linh"
    (0, "không"),
    (5, "năm"),
    (10, "mười"),
    (15, "mười lăm"),
    (21, "hai mươi mốt"),
    (25, "hai mươi lăm"),
    (101, "một trăm linh một"),
    (105, "một trăm linh năm"),
    (110, "một trăm mười"),
    (1_001, "một nghìn không trăm linh một"),
    (1_005, "một nghìn không trăm linh năm"),
    (1_015, "một nghìn không trăm mười lăm"),
    (10_000, "mười nghìn"),
    (100_005, "một trăm nghìn không trăm linh năm"),
    (1_000_000, "một triệu"),
    (1_000_001, "một triệu không trăm linh một"),
    (8_212_000_000, "tám tỷ hai trăm mười hai triệu"),
    (2_382_000_000, "hai tỷ ba trăm tám mươi hai triệu"),
    (1_000_000_000_000, "một nghìn tỷ"),
    (1_234_567_890, "một tỷ hai trăm ba mươi bốn triệu năm trăm sáu mươi bảy nghìn tám trăm chín mươi"),
]
OTHER_DEFECTS = [  # §3.3 "Other num2words defects found", plus the §3.2 rules
    (1_010, "một nghìn không trăm mười"),
    (1_099, "một nghìn không trăm chín mươi chín"),
    (1_000_015, "một triệu không trăm mười lăm"),
    (10**15, "một triệu tỷ"),
    (10**18, "một tỷ tỷ"),
    (-5, "âm năm"),
    (
        2**53 + 1,
        "chín triệu không trăm linh bảy nghìn một trăm chín mươi chín tỷ "
        "hai trăm năm mươi bốn triệu bảy trăm bốn mươi nghìn chín trăm chín mươi ba",
    ),
    (Decimal("8.212"), "tám phẩy hai trăm mười hai"),
    (Decimal("1.5"), "một phẩy năm"),
    (Decimal("0.5"), "không phẩy năm"),
    (Decimal("0.05"), "không phẩy không năm"),
    (Decimal("99.98"), "chín mươi chín phẩy chín mươi tám"),
    (20, "hai mươi"),
    (11, "mười một"),
    (14, "mười bốn"),
    (24, "hai mươi bốn"),
    (1_000_500, "một triệu năm trăm"),
    (1_000_000_001, "một tỷ không trăm linh một"),
    (1_001_000_000_000, "một nghìn không trăm linh một tỷ"),
    (3_480_000_000, "ba tỷ bốn trăm tám mươi triệu"),
    (-1_015, "âm một nghìn không trăm mười lăm"),
    (Decimal("-0.5"), "âm không phẩy năm"),
    (Decimal("2.50"), "hai phẩy năm"),
    (Decimal("2.0"), "hai"),
    (Decimal("1E+3"), "một nghìn"),
    (Decimal("0.0512"), "không phẩy không năm trăm mười hai"),
    (Decimal("-0"), "không"),
]


def south(words: str) -> str:
    return words.replace("linh", "lẻ").replace("nghìn", "ngàn")


@pytest.mark.parametrize(("n", "words"), REFERENCE_TABLE + OTHER_DEFECTS)
def test_it_reads_numbers_like_the_reference_table_north(n: int | Decimal, words: str) -> None:
    assert number_in_words(n) == words
    assert number_in_words(n, style="north") == words


@pytest.mark.parametrize(("n", "words"), REFERENCE_TABLE + OTHER_DEFECTS)
def test_it_reads_numbers_like_the_reference_table_south(n: int | Decimal, words: str) -> None:
    assert number_in_words(n, style="south") == south(words)


def test_the_reference_table_has_all_twenty_rows() -> None:
    assert len(REFERENCE_TABLE) == 20


@pytest.mark.parametrize(
    ("dong", "sentence"),
    [
        (8_212_000_000, "Tám tỷ hai trăm mười hai triệu đồng chẵn"),
        (3_480_000_000, "Ba tỷ bốn trăm tám mươi triệu đồng chẵn"),
        (2_382_000_000, "Hai tỷ ba trăm tám mươi hai triệu đồng chẵn"),
        (0, "Không đồng"),
        (-5_000_000, "Âm năm triệu đồng chẵn"),
        (1_001, "Một nghìn không trăm linh một đồng"),
        (1_000, "Một nghìn đồng chẵn"),
        (1_234_567, "Một triệu hai trăm ba mươi bốn nghìn năm trăm sáu mươi bảy đồng"),
        (352_000_500, "Ba trăm năm mươi hai triệu năm trăm đồng"),
        (999, "Chín trăm chín mươi chín đồng"),
        (-1_500, "Âm một nghìn năm trăm đồng"),
    ],
)
def test_it_writes_money_in_words(dong: int, sentence: str) -> None:
    assert money_in_words(dong) == sentence


def test_money_in_words_south() -> None:
    assert money_in_words(1_001, style="south") == "Một ngàn không trăm lẻ một đồng"
    assert money_in_words(2_000, style="south") == "Hai ngàn đồng chẵn"


@pytest.mark.parametrize("bad", [1.5, "5", None])
def test_words_refuse_floats_and_text(bad: object) -> None:
    with pytest.raises(TypeError):
        number_in_words(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        money_in_words(bad)  # type: ignore[arg-type]


def test_words_refuse_unknown_styles() -> None:
    with pytest.raises(ValueError, match="style"):
        number_in_words(5, style="central")


def words_to_int(words: str) -> int:
    """Independent reader for the generated words (test oracle), strict about the formal grammar."""
    tokens = words.split()
    negative = tokens[:1] == ["âm"]
    tokens = tokens[negative:]
    total = section = small = 0
    pending: int | None = None
    previous = ""
    for token in tokens:
        if token in DIGIT_WORDS:
            digit = DIGIT_WORDS.index(token)
            if previous in ("mươi", "mười", "linh", "lẻ"):
                small += digit
            else:
                assert pending is None, words
                pending = digit
        elif token == "trăm":
            assert pending is not None, words
            small, pending = small + pending * 100, None
        elif token == "mươi":
            assert pending is not None and pending >= 2, words
            small, pending = small + pending * 10, None
        elif token == "mười":
            small += 10
        elif token == "mốt":
            assert previous == "mươi", words
            small += 1
        elif token == "lăm":
            assert previous in ("mươi", "mười"), words
            small += 5
        elif token in ("linh", "lẻ"):
            assert previous == "trăm", words
        elif token in ("nghìn", "ngàn", "triệu"):
            section += (small + (pending or 0)) * (1000 if token != "triệu" else 10**6)
            small, pending = 0, None
        elif token == "tỷ":
            total = (total + section + small + (pending or 0)) * 10**9
            section = small = 0
            pending = None
        else:
            raise AssertionError(f"unexpected word {token!r} in {words!r}")
        previous = token
    value = total + section + small + (pending or 0)
    return -value if negative else value


@given(st.integers(min_value=-(10**24), max_value=10**24))
def test_words_read_back_to_the_same_number(n: int) -> None:
    assert words_to_int(number_in_words(n)) == n
    assert words_to_int(number_in_words(n, style="south")) == n


def test_words_read_back_for_every_number_below_twenty_thousand() -> None:
    seen: set[str] = set()
    for n in range(20_000):
        words = number_in_words(n)
        assert words_to_int(words) == n
        seen.add(words)
    assert len(seen) == 20_000


@given(st.integers(min_value=-(10**24), max_value=10**24))
def test_north_never_says_le_and_linh_precedes_one_digit(n: int) -> None:
    for style, odd, other in (("north", "linh", "lẻ"), ("south", "lẻ", "linh")):
        tokens = number_in_words(n, style=style).split()
        assert other not in tokens
        assert ("ngàn" if style == "north" else "nghìn") not in tokens
        for i, token in enumerate(tokens):
            if token == odd:
                assert tokens[i - 1] == "trăm"
                assert tokens[i + 1] in DIGIT_WORDS[1:]
                assert tokens[i + 2 : i + 3] in ([], ["nghìn"], ["ngàn"], ["triệu"], ["tỷ"])


@given(st.lists(st.integers(min_value=0, max_value=10**18 - 1), min_size=2, max_size=50, unique=True))
def test_distinct_numbers_get_distinct_words(numbers: list[int]) -> None:
    assert len({number_in_words(n) for n in numbers}) == len(numbers)


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=6))
def test_decimal_words_read_the_fraction(whole: int, zeros: int) -> None:
    value = Decimal(f"{whole}.{'0' * zeros}5")
    words = number_in_words(value).split(" phẩy ")
    assert words == [number_in_words(whole), " ".join(["không"] * zeros + ["năm"])]


@given(st.integers())
def test_money_in_words_is_a_sentence_body(dong: int) -> None:
    sentence = money_in_words(dong)
    assert sentence[0].isupper() and sentence[1:] == sentence[1:].lower()
    assert sentence.endswith(" đồng chẵn" if dong and dong % 1000 == 0 else " đồng")
    assert sentence.count("đồng") == 1


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5/2/2026", date(2026, 2, 5)),
        ("05/02/2026", date(2026, 2, 5)),
        ("5-2-2026", date(2026, 2, 5)),
        ("05.02.2026", date(2026, 2, 5)),
        ("  30/3/2026 ", date(2026, 3, 30)),
        ("30 / 3 / 2026", date(2026, 3, 30)),
        ("29/02/2024", date(2024, 2, 29)),
        ("1/1/1900", date(1900, 1, 1)),
        ("31/12/2200", date(2200, 12, 31)),
        ("ngày 05 tháng 02 năm 2026", date(2026, 2, 5)),
        ("2026-02-05", date(2026, 2, 5)),
    ],
)
def test_it_reads_dates(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("", "«05/02/2026»"),
        ("5/2/26", "«05/02/2026»"),
        ("30/3/26", "«30/3/2026»"),
        ("31/02/2026", "«28/02/2026»"),
        ("29/02/2025", "«28/02/2025»"),
        ("31/4/2026", "«30/4/2026»"),
        ("0/3/2026", "«01/3/2026»"),
        ("2/13/2026", "«13/02/2026»"),
        ("5/0/2026", "«05/02/2026»"),
        ("5/2/1899", "«05/02/2026»"),
        ("5/2/2201", "«05/02/2026»"),
        ("5/2/202", "«05/02/2026»"),
        ("5/2-2026", "«05/02/2026»"),
        ("hôm nay", "«05/02/2026»"),
        ("5/2", "«05/02/2026»"),
        ("5/2/" + "9" * 5000, "«05/02/2026»"),
    ],
)
def test_it_rejects_bad_dates_with_an_example(text: str, hint: str) -> None:
    assert hint in rejected(parse_date, text)


def test_an_impossible_day_is_called_so() -> None:
    assert rejected(parse_date, "31/02/2026").startswith("Ngày 31/02/2026 không tồn tại")


@pytest.mark.parametrize(
    ("day", "short", "nd30"),
    [
        (date(2026, 3, 30), "30/3/2026", "ngày 30 tháng 3 năm 2026"),
        (date(2020, 4, 7), "07/4/2020", "ngày 07 tháng 4 năm 2020"),
        (date(2021, 1, 29), "29/01/2021", "ngày 29 tháng 01 năm 2021"),
        (date(2018, 12, 24), "24/12/2018", "ngày 24 tháng 12 năm 2018"),
        (date(2026, 2, 5), "05/02/2026", "ngày 05 tháng 02 năm 2026"),
        (date(2026, 3, 15), "15/3/2026", "ngày 15 tháng 3 năm 2026"),
        (date(2026, 12, 9), "09/12/2026", "ngày 09 tháng 12 năm 2026"),
    ],
)
def test_it_writes_dates_as_the_seeds_do(day: date, short: str, nd30: str) -> None:
    assert format_date(day) == short
    assert format_date_nd30(day) == nd30


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_dates_round_trip(day: date) -> None:
    assert parse_date(format_date(day)) == day
    assert parse_date(format_date_nd30(day)) == day
    assert parse_date(format_date(day).replace("/", ".")) == day


# ---------------------------------------------------------------------------
# Document references
# ---------------------------------------------------------------------------

THANH_HOA = "Sở Khoa học và Công nghệ tỉnh Thanh Hóa"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1133/SKHCN-KHTC ngày 30/3/2026", DocRef(None, "1133/SKHCN-KHTC", date(2026, 3, 30), None)),
        (
            f"Công văn số 1133/SKHCN-KHTC ngày 30/3/2026 của {THANH_HOA}",
            DocRef("Công văn", "1133/SKHCN-KHTC", date(2026, 3, 30), THANH_HOA),
        ),
        ("Quyết định 5060/QĐ-UBND ngày 25/11/2020", DocRef("Quyết định", "5060/QĐ-UBND", date(2020, 11, 25), None)),
        (
            "Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị",
            DocRef("Nghị quyết", "57-NQ/TW", date(2024, 12, 22), "Bộ Chính trị"),
        ),
        (
            "Thông tư số 01/2021/TT-BKHCN ngày 01/3/2021",
            DocRef("Thông tư", "01/2021/TT-BKHCN", date(2021, 3, 1), None),
        ),
        ("QĐ 1089/QĐ-UBND ngày 16/3/2022", DocRef("Quyết định", "1089/QĐ-UBND", date(2022, 3, 16), None)),
        ("4194/BKH&CN-KHTC", DocRef(None, "4194/BKH&CN-KHTC", None, None)),
        ("Tờ trình số 03/TTr-UBND", DocRef("Tờ trình", "03/TTr-UBND", None, None)),
        ("công văn số: 21/UBND-VHXH", DocRef("Công văn", "21/UBND-VHXH", None, None)),
        ("1133/SKHCN-KHTC của Bộ Chính trị", DocRef(None, "1133/SKHCN-KHTC", None, "Bộ Chính trị")),
        (
            "Căn cứ Quyết định số 5060/QĐ-UBND ngày 25 tháng 11 năm 2020 của UBND tỉnh.",
            DocRef("Quyết định", "5060/QĐ-UBND", date(2020, 11, 25), "UBND tỉnh"),
        ),
        (
            "  Công  văn số 1133/SKHCN-KHTC,\u00a0ngày 30/3/2026\n của Sở KH&CN ",
            DocRef("Công văn", "1133/SKHCN-KHTC", date(2026, 3, 30), "Sở KH&CN"),
        ),
    ],
)
def test_it_reads_document_references(text: str, expected: DocRef) -> None:
    assert parse_reference(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "Công văn số",
        "SKHCN-KHTC ngày 30/3/2026",
        "1133 SKHCN-KHTC",
        "1133/ SKHCN-KHTC ngày 30/3/2026",
        "1133/skhcn-khtc",
        "1133/SKHCN--KHTC",
        "1133/SKHCN-KHTC-",
        "1133//SKHCN",
        "/SKHCN-KHTC",
        "12/2021",
        "12 1133/SKHCN-KHTC",
        "1133/SKHCN-KHTC hôm qua",
        "1133/SKHCN-KHTC của",
        "ngày 30/3/2026",
    ],
)
def test_it_rejects_references_without_a_valid_code(text: str) -> None:
    assert "«1133/SKHCN-KHTC ngày 30/3/2026»" in rejected(parse_reference, text)


def test_a_reference_with_a_bad_date_explains_the_date() -> None:
    message = rejected(parse_reference, "1133/SKHCN-KHTC ngày 31/02/2026")
    assert "31/02/2026 không tồn tại" in message and "«28/02/2026»" in message


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("1133/SKHCN-KHTC", True),
        ("57-NQ/TW", True),
        ("01/2021/TT-BKHCN", True),
        ("4194/BKH&CN-KHTC", True),
        ("5060/QĐ-UBND", True),
        ("03/TTr-UBND", True),
        ("05/BC-UBND", True),
        ("1133/SKHCN-KHTC ", False),
        ("1133 /SKHCN", False),
        ("1133/SKHCN--KHTC", False),
        ("1133/SKHCN-", False),
        ("-1133/SKHCN", False),
        ("SKHCN/1133", False),
        ("12/2021", False),
        ("1133/skhcn", False),
        ("1133/&CN", False),
        ("", False),
    ],
)
def test_it_checks_document_codes(code: str, valid: bool) -> None:
    assert is_valid_doc_code(code) is valid


def test_it_writes_references() -> None:
    ref = DocRef("Công văn", "1133/SKHCN-KHTC", date(2026, 3, 30), THANH_HOA)
    assert format_reference(ref) == f"Công văn số 1133/SKHCN-KHTC ngày 30/3/2026 của {THANH_HOA}"
    assert format_reference(ref, with_kind=False, with_issuer=False) == "1133/SKHCN-KHTC ngày 30/3/2026"
    assert format_reference(ref, with_issuer=False) == "Công văn số 1133/SKHCN-KHTC ngày 30/3/2026"
    assert format_reference(DocRef(None, "57-NQ/TW", None, None)) == "57-NQ/TW"
    assert format_reference(DocRef("Nghị quyết", "57-NQ/TW", None, "Bộ Chính trị")) == (
        "Nghị quyết số 57-NQ/TW của Bộ Chính trị"
    )


SEGMENTS = ["QĐ", "UBND", "SKHCN", "KHTC", "BKH&CN", "NQ", "TW", "TT", "BKHCN", "2021", "TTr", "VHXH", "HĐND", "BC"]
codes = st.tuples(
    st.from_regex(r"[0-9]{1,5}", fullmatch=True),
    st.lists(st.tuples(st.sampled_from("/-"), st.sampled_from(SEGMENTS)), min_size=1, max_size=3),
).map(lambda t: t[0] + "".join(sep + seg for sep, seg in t[1]))
kinds = st.none() | st.sampled_from(
    ["Công văn", "Quyết định", "Nghị quyết", "Thông tư", "Kế hoạch", "Báo cáo", "Tờ trình", "Thông báo", "Nghị định"]
)
issuers = st.none() | st.lists(
    st.sampled_from(
        ["Sở", "Khoa", "học", "và", "Công", "nghệ", "tỉnh", "Thanh", "Hóa", "Bộ", "Chính", "trị"]
        + ["Ủy", "ban", "nhân", "dân", "xã", "của", "ngày", "số", "UBND", "KH&CN", "12"]
    ),
    min_size=1,
    max_size=8,
).map(" ".join)
ref_dates = st.none() | st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


@given(st.builds(DocRef, kinds, codes.filter(lambda c: any(ch.isalpha() for ch in c)), ref_dates, issuers))
def test_references_round_trip(ref: DocRef) -> None:
    assert is_valid_doc_code(ref.code)
    assert parse_reference(format_reference(ref)) == ref
    bare = parse_reference(format_reference(ref, with_kind=False, with_issuer=False))
    assert bare == DocRef(None, ref.code, ref.date, None)


# ---------------------------------------------------------------------------
# Phones and e-mail
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "digits", "kind", "shown"),
    [
        ("0912 345 678", "0912345678", "mobile", "0912 345 678"),
        ("0912.345.678", "0912345678", "mobile", "0912 345 678"),
        ("0912-345-678", "0912345678", "mobile", "0912 345 678"),
        ("+84 912 345 678", "0912345678", "mobile", "0912 345 678"),
        ("+84912345678", "0912345678", "mobile", "0912 345 678"),
        ("0084 912 345 678", "0912345678", "mobile", "0912 345 678"),
        ("84912345678", "0912345678", "mobile", "0912 345 678"),
        ("+84 (0) 912 345 678", "0912345678", "mobile", "0912 345 678"),
        ("+840912345678", "0912345678", "mobile", "0912 345 678"),
        ("0395678945", "0395678945", "mobile", "0395 678 945"),
        ("024 3825 1234", "02438251234", "landline", "024 3825 1234"),
        ("(024) 3825.1234", "02438251234", "landline", "024 3825 1234"),
        ("028 3822 1234", "02838221234", "landline", "028 3822 1234"),
        ("0237 3851 234", "02373851234", "landline", "0237 3851 234"),
        ("+84 237 3851 234", "02373851234", "landline", "0237 3851 234"),
        ("842373851234", "02373851234", "landline", "0237 3851 234"),
    ],
)
def test_it_reads_phone_numbers(text: str, digits: str, kind: str, shown: str) -> None:
    phone = parse_phone(text)
    assert phone == Phone(digits, kind)
    assert phone.display() == shown


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("01695678945", "«0395 678 945»"),
        ("0169 567 8945", "«0395 678 945»"),
        ("01234567890", "«0834 567 890»"),
        ("0121 234 5678", "«0792 345 678»"),
        ("01865551234", "«0565 551 234»"),
        ("01991234567", "«0591 234 567»"),
        ("1900 1234", "«0912 345 678»"),
        ("1800 1091", "«0912 345 678»"),
        ("113", "«0912 345 678»"),
        ("912345678", "«0912 345 678»"),
        ("0912 345 67", "«0912 345 678»"),
        ("0612345678", "«0912 345 678»"),
        ("0212345678", "«0237 3851 234»"),
        ("+1 202 555 0123", "«0912 345 678»"),
        ("0912 345 678 (anh Nam)", "«0912 345 678»"),
        ("", "«0912 345 678»"),
        ("٠٩١٢٣٤٥٦٧٨", "«0912 345 678»"),
    ],
)
def test_it_rejects_phone_numbers_with_a_valid_example(text: str, hint: str) -> None:
    assert hint in rejected(parse_phone, text)


@given(st.from_regex(r"0[35789][0-9]{8}", fullmatch=True) | st.from_regex(r"02[0-9]{9}", fullmatch=True))
def test_phones_round_trip_through_display(digits: str) -> None:
    phone = parse_phone(digits)
    assert phone.digits == digits
    assert parse_phone(phone.display()) == phone
    assert parse_phone("+84 " + digits[1:]) == phone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ten@xa.gov.vn", "ten@xa.gov.vn"),
        ("  Ten.Can.Bo@ThieuTrung.ThanhHoa.GOV.VN ", "Ten.Can.Bo@thieutrung.thanhhoa.gov.vn"),
        ("mailto:ubnd@xa.gov.vn", "ubnd@xa.gov.vn"),
        ("a+b_c@mail-server.vn", "a+b_c@mail-server.vn"),
    ],
)
def test_it_reads_email_addresses(text: str, expected: str) -> None:
    assert parse_email(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "ten", "ten@xa", "@xa.gov.vn", "ten@", "ten@@xa.gov.vn", "ten @xa.gov.vn", "ten@xa gov.vn",
     "a@x.vn; b@y.vn", "ten@xa..vn", "ten@.xa.vn", "ten@xa.vn.", ".ten@xa.vn", "ten..a@xa.vn", "ten@-xa.vn",
     "ten@xa.v", "ten@xa.123", "<ten@xa.gov.vn>"],
)  # fmt: skip
def test_it_rejects_email_addresses_with_an_example(text: str) -> None:
    assert "«ten@xa.gov.vn»" in rejected(parse_email, text)


@pytest.mark.parametrize(
    ("text", "letters", "plain"),
    [
        ("nguyễn@xa.gov.vn", "«ễ»", "nguyen@xa.gov.vn"),
        ("cuongnd@thanhhóa.gov.vn", "«ó»", "cuongnd@thanhhoa.gov.vn"),
        ("đăngkhoa@thiệutrung.gov.vn", "«đ», «ă», «ệ»", "dangkhoa@thieutrung.gov.vn"),
        (unicodedata.normalize("NFD", "nguyễn@xa.gov.vn"), "«ễ»", "nguyen@xa.gov.vn"),
    ],
)
def test_an_address_typed_with_vietnamese_marks_is_refused_with_the_likely_cause(text, letters, plain) -> None:
    message = rejected(parse_email, text)
    assert f"có chữ có dấu ({letters})" in message
    assert "Unikey" in message and "tắt bộ gõ tiếng Việt" in message and "không dấu" in message
    assert message.endswith(f"ví dụ «{plain}».")


def test_an_address_with_other_non_ascii_characters_is_refused() -> None:
    message = rejected(parse_email, "ten@xã€.vn")
    assert "«€»" in message and "«ten@xa.gov.vn»" in message and "Unikey" not in message


# ---------------------------------------------------------------------------
# Plain numbers and percentages
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("6.797", 6797), ("6797", 6797), ("01", 1), (" 19 ", 19), ("-3", -3), ("1.000.000", 1_000_000), ("0", 0)],
)
def test_it_reads_integers(text: str, expected: int) -> None:
    assert parse_int(text) == expected


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("6,797", "«6.797»"),
        ("1,234,567", "«1.234.567»"),
        ("6 797", "«6.797»"),
        ("1.5", "«6.797»"),
        ("1,5", "«6.797»"),
        ("12.34", "«6.797»"),
        ("67.97.1", "«67.971»"),
        ("", "«6.797»"),
        ("-", "«6.797»"),
        ("abc", "«6.797»"),
        ("5 người", "«6.797»"),
    ],
)
def test_it_rejects_integers_with_a_hint(text: str, hint: str) -> None:
    assert hint in rejected(parse_int, text)


@pytest.mark.parametrize(
    ("n", "pad", "text"),
    [(6797, False, "6.797"), (1, True, "01"), (7, True, "07"), (0, True, "00"), (10, True, "10"), (1, False, "1"),
     (-1_234_567, False, "-1.234.567"), (-3, True, "-3"), (10**12, False, "1.000.000.000.000")],
)  # fmt: skip
def test_it_writes_integers(n: int, pad: bool, text: str) -> None:
    assert format_int(n, pad=pad) == text


@given(st.integers(), st.booleans())
def test_integers_round_trip(n: int, pad: bool) -> None:
    assert parse_int(format_int(n, pad=pad)) == n


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2,5", Decimal("2.5")), ("6", Decimal("6")), ("1.234,5", Decimal("1234.5")), ("-0,05", Decimal("-0.05"))],
)
def test_it_reads_decimals(text: str, expected: Decimal) -> None:
    assert parse_decimal(text) == expected


@pytest.mark.parametrize(
    ("text", "hint"),
    [("2.5", "«2,5»"), ("1,234.5", "«1.234,5»"), ("1,2,3", "«2,5»"), ("", "«2,5»"), ("hai", "«2,5»")],
)
def test_it_rejects_decimals_with_a_hint(text: str, hint: str) -> None:
    assert hint in rejected(parse_decimal, text)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("2.5"), "2,5"),
        (Decimal("1234.5"), "1.234,5"),
        (Decimal("6"), "6"),
        (Decimal("2.500"), "2,5"),
        (Decimal("-0.0"), "0"),
        (Decimal("1E+3"), "1.000"),
        (Decimal("0.000001"), "0,000001"),
        (Decimal("-1234567.891"), "-1.234.567,891"),
    ],
)
def test_it_writes_decimals(value: Decimal, text: str) -> None:
    assert format_decimal(value) == text


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_decimals_round_trip(value: Decimal) -> None:
    assert parse_decimal(format_decimal(value)) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [("99,98%", Decimal("99.98")), ("99,98", Decimal("99.98")), ("100 %", Decimal("100")), ("100", Decimal("100")),
     ("0%", Decimal("0")), ("1.000%", Decimal("1000")), ("\u00a099,9\u00a0%", Decimal("99.9"))],
)  # fmt: skip
def test_it_reads_percentages(text: str, expected: Decimal) -> None:
    assert parse_percent(text) == expected


@pytest.mark.parametrize(
    ("text", "hint"),
    [("99.98", "«99,98%»"), ("99.98%", "«99,98%»"), ("-5%", "«5%»"), ("-5", "«5%»"), ("abc", "«99,98%»"),
     ("%", "«99,98%»"), ("", "«99,98%»"), ("5%%", "«99,98%»"), ("1,234,5%", "«99,98%»")],
)  # fmt: skip
def test_it_rejects_percentages_with_a_hint(text: str, hint: str) -> None:
    assert hint in rejected(parse_percent, text)


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [(Decimal("99.98"), 2, "99,98%"), (Decimal("100"), 2, "100%"), (Decimal("100.00"), 2, "100%"),
     (Decimal("99.90"), 2, "99,9%"), (Decimal("99.995"), 2, "100%"), (Decimal("99.994"), 2, "99,99%"),
     (Decimal("33.335"), 1, "33,3%"), (Decimal("33.35"), 1, "33,4%"), (Decimal("1234.5"), 0, "1.235%"),
     (Decimal("-0.004"), 2, "0%"), (Decimal("-2.345"), 2, "-2,35%")],
)  # fmt: skip
def test_it_writes_percentages(value: Decimal, places: int, text: str) -> None:
    assert format_percent(value, places) == text


@pytest.mark.parametrize(
    ("num", "den", "places", "expected"),
    [(1, 3, 2, Decimal("33.33")), (2, 3, 2, Decimal("66.67")), (1, 8, 2, Decimal("12.50")),
     (1, 8, 1, Decimal("12.5")), (1, 16, 2, Decimal("6.25")), (1, 1600, 2, Decimal("0.06")),
     (6797, 6798, 2, Decimal("99.99")), (5, 5, 2, Decimal("100")), (0, 7, 2, Decimal("0")),
     (-1, 8, 1, Decimal("-12.5")), (1, -3, 2, Decimal("-33.33")), (1, 0, 2, None), (0, 0, 2, None)],
)  # fmt: skip
def test_it_computes_percentages_exactly(num: int, den: int, places: int, expected: Decimal | None) -> None:
    result = percent_of(num, den, places)
    assert result == expected
    if result is not None:
        assert result.as_tuple().exponent == -places


@given(st.integers(min_value=-(10**30), max_value=10**30), st.integers(min_value=1, max_value=10**30))
def test_percent_of_rounds_half_up(num: int, den: int) -> None:
    result = percent_of(num, den)
    assert result is not None
    sign, digits, exponent = result.as_tuple()
    assert exponent == -2
    hundredths = int("".join(map(str, digits))) * (-1 if sign else 1)
    error = 2 * (hundredths * den - 10_000 * num)  # twice the rounding error, in units of 1/den hundredth
    assert -den <= error <= den
    if abs(error) == den:  # a tie rounds away from zero
        assert (error > 0) == (num > 0)
    assert parse_percent(format_percent(abs(result))) == abs(result)


# ---------------------------------------------------------------------------
# Full-width digits (a Chinese/Japanese input method, or a full-width typing mode)
# ---------------------------------------------------------------------------


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" and (c.isdigit() or c in ".,%/-+()") else c for c in text)


@pytest.mark.parametrize(
    ("parse", "text", "expected"),
    [
        (parse_amount, "352 triệu", 352_000_000),
        (lambda t: parse_amount(t, "trieu"), "2,382 tỷ", 2_382_000_000),
        (parse_amount, "352.000.000 đ", 352_000_000),
        (parse_int, "6.797", 6_797),
        (parse_int, "-3", -3),
        (parse_decimal, "2,5", Decimal("2.5")),
        (parse_percent, "99,98%", Decimal("99.98")),
        (parse_date, "30/3/2026", date(2026, 3, 30)),
        (parse_date, "2026-03-30", date(2026, 3, 30)),
        (parse_phone, "(0237) 3852.123", Phone("02373852123", "landline")),
        (parse_phone, "+84 982 741 345", Phone("0982741345", "mobile")),
        (
            parse_reference,
            "Công văn số 1133/SKHCN-KHTC ngày 30/3/2026",
            DocRef("Công văn", "1133/SKHCN-KHTC", date(2026, 3, 30), None),
        ),
    ],
)
def test_full_width_digits_are_read_as_digits(parse, text: str, expected) -> None:
    wide = full_width(text)
    assert wide != text and any("\uff10" <= c <= "\uff19" for c in wide)
    assert parse(wide) == expected == parse(text)


def test_full_width_digits_in_a_mistake_are_shown_as_digits_in_the_hint() -> None:
    assert "«2,5»" in rejected(parse_decimal, full_width("2.5"))


# ---------------------------------------------------------------------------
# Parsers only ever raise FormatError on user text
# ---------------------------------------------------------------------------

PARSERS = [parse_amount, parse_date, parse_reference, parse_phone, parse_email, parse_int, parse_decimal, parse_percent]
NUMERIC_TEXT = st.text(alphabet="0123456789.,-+ %/()đĐtriệuỷỉnghìàkKVNDốồ@x\u00a0\u200b", max_size=30)


@pytest.mark.parametrize("parse", PARSERS, ids=lambda f: f.__name__)
@given(text=st.text() | NUMERIC_TEXT)
def test_parsers_raise_only_format_errors(parse, text: str) -> None:
    try:
        parse(text)
    except FormatError as exc:
        assert exc.message.strip()
        assert "«" in exc.message


@pytest.mark.parametrize("unit", list(UNITS))
@given(text=NUMERIC_TEXT)
def test_amount_parsing_is_total_in_every_unit(unit: str, text: str) -> None:
    try:
        assert isinstance(parse_amount(text, unit), int)
    except FormatError:
        pass


@given(st.text())
def test_parsers_accept_nfd_and_nfc_alike(text: str) -> None:
    for parse in PARSERS:
        outcomes = []
        for form in ("NFC", "NFD"):
            try:
                outcomes.append(parse(unicodedata.normalize(form, text)))
            except FormatError:
                outcomes.append(FormatError)
        assert outcomes[0] == outcomes[1]


def test_the_space_separators_written_out_are_exactly_unicodes():
    import sys
    import unicodedata

    from kpdesk.text import SPACE_SEPARATORS

    found = tuple(c for c in range(sys.maxunicode + 1) if c != 0x20 and unicodedata.category(chr(c)) == "Zs")
    assert SPACE_SEPARATORS == found


def test_a_lazy_pattern_compiles_on_first_use_then_is_the_compiled_pattern():
    import re

    from kpdesk.text import LazyPattern

    written: list[str] = []

    def write() -> str:
        written.append("once")
        return r"(\d+)-(tháng)"

    lazy = LazyPattern(write, re.IGNORECASE)
    assert not lazy.compiled and written == []  # nothing is compiled, or even written, until it is used
    with pytest.raises(AttributeError):
        lazy.groups  # noqa: B018 - not one of the methods: refused without compiling
    assert not lazy.compiled and written == []
    same = re.compile(r"(\d+)-(tháng)", re.IGNORECASE)
    text = "12-THÁNG và 3-tháng"
    assert lazy.search(text).groups() == same.search(text).groups() == ("12", "THÁNG")
    assert lazy.compiled and written == ["once"]
    assert lazy.match(text).span() == same.match(text).span()
    assert lazy.fullmatch("7-Tháng").groups() == ("7", "Tháng") and lazy.fullmatch(text) is None
    assert lazy.sub(r"\2 \1", text) == same.sub(r"\2 \1", text) == "THÁNG 12 và tháng 3"
    assert [m.group(1) for m in lazy.finditer(text)] == ["12", "3"]
    assert lazy.findall(text) == same.findall(text) == [("12", "THÁNG"), ("3", "tháng")]
    assert isinstance(lazy.search.__self__, re.Pattern)  # the compiled pattern's own method, nothing between
    assert written == ["once"]


def test_importing_vn_compiles_none_of_its_patterns():
    """Importing `kpdesk.vn` and `kpdesk.text` compiles none of their patterns: each is compiled when first used."""
    import subprocess
    import sys

    script = (
        "import kpdesk.text as text, kpdesk.vn as vn\n"
        "lazy = [v for m in (text, vn) for v in vars(m).values() if isinstance(v, text.LazyPattern)]\n"
        "print(len(lazy), sum(p.compiled for p in lazy))\n"
        "vn.parse_phone('0912 345 678')\n"
        "print(vn._MOBILE.compiled)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    count, compiled, used = run.stdout.split()
    assert int(count) >= 19 and compiled == "0" and used == "True"


def test_the_cores_modules_at_start_compile_no_pattern_on_import():
    """The store, drafts, kinds and deadlines the window's start imports keep their patterns lazy too: each is
    compiled when first used (a backup listed, a draft searched); a kind id is checked without one."""
    import subprocess
    import sys

    script = (
        "import re, sys\n"
        "import kpdesk.deadlines, kpdesk.draft, kpdesk.store, kpdesk.kinds.model, kpdesk.kinds.summary\n"
        "from kpdesk.text import LazyPattern\n"
        "names = ['kpdesk.deadlines', 'kpdesk.draft', 'kpdesk.kinds.model', 'kpdesk.kinds.summary',"
        " 'kpdesk.store.backups',"
        " 'kpdesk.store.search']\n"
        "found = [(n, k, v) for n in names for k, v in vars(sys.modules[n]).items()"
        " if isinstance(v, (LazyPattern, re.Pattern))]\n"
        "print(len(found), sorted(f'{n}.{k}' for n, k, v in found if not isinstance(v, LazyPattern) or v.compiled))\n"
        "from kpdesk.kinds import is_kind_id\n"
        "print(is_kind_id('bao-cao-thang'), is_kind_id('Báo cáo'))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    count, compiled = run.stdout.splitlines()[0].split(" ", 1)
    assert int(count) == 7 and compiled == "[]", run.stdout
    assert run.stdout.splitlines()[1] == "True False"
