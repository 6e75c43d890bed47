"""Every parser of officer-typed text raises only FormatError whatever it is given, and reads a bounded length.

tests/core/test_vn.py checks what the parsers accept and how they word their hints; here they are fed
grammar-shaped garbage and crafted nasty text and must never raise anything else. None can hang on a huge paste:
each refuses text longer than its bound before reading it (how fast they are is measured in bench/, not here).
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpdesk import vn
from kpdesk.errors import FormatError

ROOT = Path(__file__).resolve().parents[2]


def fuzz(n: int) -> settings:
    return settings(
        settings.get_profile("kpdesk-reliability"), max_examples=int(os.environ.get("KPDESK_FUZZ_EXAMPLES") or n)
    )


def _amount(unit):
    def parse(text):
        return vn.parse_amount(text, unit)

    parse.__name__ = f"parse_amount[{unit}]"
    return parse


PARSERS = [_amount(u) for u in vn.UNITS] + [
    vn.parse_date,
    vn.parse_phone,
    vn.parse_email,
    vn.parse_reference,
    vn.parse_int,
    vn.parse_decimal,
    vn.parse_percent,
]
RESULT_TYPES = {
    "parse_date": "date",
    "parse_phone": "Phone",
    "parse_email": "str",
    "parse_reference": "DocRef",
    "parse_int": "int",
    "parse_decimal": "Decimal",
    "parse_percent": "Decimal",
}


def check(parse, text: str) -> None:
    """The parse returns a value of its type or raises FormatError with a message; nothing else."""
    try:
        value = parse(text)
    except FormatError as exc:
        assert exc.message.strip() and str(exc) == exc.message
        assert "«" in exc.message or exc.message.startswith("Chưa nhập")
    else:
        name = parse.__name__
        wanted = "int" if name.startswith("parse_amount") else RESULT_TYPES[name]
        assert type(value).__name__ == wanted and not isinstance(value, bool)


# ----------------------------------------------------------------------------- generated input

digits = st.text(alphabet="0123456789", min_size=1, max_size=25)
number = st.lists(
    st.one_of(digits, st.sampled_from([".", ",", ".000", ",5", " ", "-", "−"])), min_size=1, max_size=8
).map("".join)
unit_word = st.sampled_from(
    [
        "",
        "đ",
        "đồng",
        "dong",
        "VNĐ",
        "vnd",
        "₫",
        "nghìn",
        "ngàn",
        "k",
        "K",
        "triệu",
        "tr",
        "TRIỆU",
        "tỷ",
        "tỉ",
        "ty",
        "Tỷ",
        "usd",
        "$",
        "%",
        "triệu đồng",
        "tỷ đồng",
    ]
)
noise = st.sampled_from(
    [
        "",
        " ",
        "  ",
        "\u00a0",
        "\u200b",
        "\t",
        "\n",
        "\r\n",
        "\x00",
        "\ufeff",
        "\u202e",
        "\u200f",
        "(",
        ")",
        "+",
        "/",
        "\u0301",
        "\ud800",
    ]
)
amounts = st.lists(st.tuples(noise, number, noise, unit_word), min_size=1, max_size=4).map(
    lambda parts: " ".join("".join(p) for p in parts)
)
dates = st.tuples(
    st.integers(-5, 10**6),
    st.sampled_from(["/", "-", ".", " / ", " tháng ", "//"]),
    st.integers(-5, 10**6),
    st.sampled_from(["/", "-", ".", " năm ", ""]),
    st.integers(-5, 10**12),
    noise,
).map(lambda t: f"{t[5]}ngày {t[0]}{t[1]}{t[2]}{t[3]}{t[4]}")
phones = st.tuples(
    st.sampled_from(["", "+84", "0084", "84", "+", "0", "(+84)", "+840"]),
    st.lists(st.text(alphabet="0123456789", min_size=1, max_size=5), min_size=1, max_size=5),
    st.sampled_from([" ", ".", "-", "", "\u00a0"]),
).map(lambda t: t[0] + t[2].join(t[1]))
emails = st.tuples(
    st.text(max_size=12),
    st.sampled_from(["@", "@@", "", " @ ", "＠"]),
    st.text(max_size=12),
    st.sampled_from([".vn", ".gov.vn", "", ".", ".v", ".123", "..vn"]),
).map("".join)
refs = st.tuples(
    st.sampled_from(["", "Công văn số ", "CV ", "QĐ số ", "Căn cứ Nghị định ", "số: "]),
    st.integers(0, 10**8),
    st.sampled_from(["/", "-", "", " / "]),
    st.text(alphabet="ABCDĐKHTUBNDabcđ&-/0123456789 ", max_size=15),
    st.sampled_from(["", " ngày ", " ngày 30/3/2026", " ngày 31/02/2026", " của ", " của Sở KH&CN"]),
).map(lambda t: f"{t[0]}{t[1]}{t[2]}{t[3]}{t[4]}")
ANY_TEXT = st.one_of(
    st.text(), st.text(alphabet=st.characters(codec="utf-8")), amounts, dates, phones, emails, refs, number
)


@pytest.mark.parametrize("parse", PARSERS, ids=lambda f: f.__name__)
@fuzz(100)
@given(text=ANY_TEXT)
def test_parsers_raise_only_format_errors_on_any_text(parse, text, figures):
    figures.tried(__name__)
    check(parse, text)


@pytest.mark.parametrize("unit", list(vn.UNITS))
@fuzz(60)
@given(text=amounts)
def test_amounts_in_every_unit_read_exactly_or_refuse(unit, text, figures):
    figures.tried(__name__)
    try:
        value = vn.parse_amount(text, unit)
    except FormatError:
        return
    assert isinstance(value, int)
    # what was read comes back the same when written in the same unit and read again
    assert vn.parse_amount(vn.format_amount(value, unit), unit) == value


@fuzz(100)
@given(text=ANY_TEXT, form=st.sampled_from(["NFC", "NFD", "NFKC"]))
def test_parsers_answer_the_same_for_pasted_variants(text, form, figures):
    """NBSP, zero-width spaces and a BOM around the text do not change the answer."""
    figures.tried(__name__)
    for parse in PARSERS:
        plain = unicodedata.normalize(form, text)
        outcomes = []
        for variant in (plain, "\ufeff" + plain.replace(" ", "\u00a0") + "\u200b"):
            try:
                outcomes.append(parse(variant))
            except FormatError:
                outcomes.append(FormatError)
        assert outcomes[0] == outcomes[1], (parse.__name__, text)


# ----------------------------------------------------------------------------- crafted input

CRAFTED = [
    "9" * 100_000,
    "1" + "0" * 5000 + " tỷ",
    "0" * 999 + "1",
    "1" + ".000" * 400,
    "1" + ".000" * 4000,
    "1," + "0" * 100_000,
    "1e309",
    "-1e309",
    "1e10",
    "NaN",
    "nan",
    "sNaN",
    "∞",
    "-∞",
    "Infinity",
    "-0",
    "+0",
    "３５２",
    "３５２ triệu",
    "３５２.０００",
    "٣٥٢",
    "۳۵۲",
    "३५२",
    "๓๕๒",
    "3٫5",
    "³",
    "½",
    "Ⅻ",
    "𝟑𝟓𝟐",
    "\u200f352\u200e",
    "\u202e352\u202c",
    "\u2066352\u2069",
    "352\x00",
    "\x00",
    "\x00" * 1000,
    "352\ud800",
    "\ud800",
    "3\u0301",
    "1_000",
    "0x10",
    "0b1",
    "+352",
    "--352",
    "−352",
    "352 triệu triệu",
    "triệu 352",
    "tỷ" * 1000,
    "." * 10_000,
    "," * 10_000,
    "1." * 5000,
    "-" * 1000,
    "1 " * 5000,
    "1 tỷ " * 2000,
    "2 tỷ 382 triệu " * 100,
    "99999999999/1/1",
    "1/1/" + "9" * 5000,
    "ngày 1 tháng 1 năm " + "2" * 5000,
    "31/02/2026",
    "0/0/0",
    "+" + "8" * 10_000,
    "a@" + "b." * 10_000 + "vn",
    "@" * 10_000,
    "x@" + "a" * 100_000 + ".vn",
    "mailto:" * 1000,
    "1" * 10_000 + "/ABC",
    "Công văn số 1/A ngày " + "1/" * 5000,
    "1/" + "A" * 50_000 + "!",
    "Công văn " * 5000,
    "của " * 5000,
    "1/A của " + "x" * 100_000,
    "\n" * 10_000,
    " " * 100_000,
    "\u00a0" * 10_000,
    "😀" * 1000,
    "\U0010ffff",
    "\ufffe\uffff",
    "".join(chr(c) for c in range(0x20)),
    "".join(chr(c) for c in range(0x7F, 0xA0)),
]


@pytest.mark.parametrize("parse", PARSERS[:1] + PARSERS[4:], ids=lambda f: f.__name__)
def test_crafted_nasty_text_gives_a_format_error(parse, figures):
    figures.crafted(__name__, len(CRAFTED))
    for text in CRAFTED:
        check(parse, text)


@pytest.mark.parametrize("parse", PARSERS[1:4], ids=lambda f: f.__name__)
def test_crafted_nasty_amounts_in_every_unit(parse, figures):
    figures.crafted(__name__, len(CRAFTED))
    for text in CRAFTED:
        check(parse, text)


BOUNDS = {
    "parse_date": vn.MAX_DATE_CHARS,
    "parse_phone": vn.MAX_PHONE_CHARS,
    "parse_email": vn.MAX_EMAIL_CHARS,
    "parse_reference": vn.MAX_REFERENCE_CHARS,
    "parse_int": vn.MAX_NUMBER_CHARS,
    "parse_decimal": vn.MAX_NUMBER_CHARS,
    "parse_percent": vn.MAX_NUMBER_CHARS,
}


@pytest.mark.parametrize("parse", PARSERS, ids=lambda f: f.__name__)
def test_every_parser_reads_at_most_its_bound_and_refuses_longer_text_unread(parse, figures):
    """The bound on each parser's work: text longer than its limit is refused as too long, whatever it holds."""
    bound = BOUNDS.get(parse.__name__, vn.MAX_AMOUNT_CHARS)
    figures.crafted(__name__, 4)
    for text in ("1" * bound, "1" * bound + "\u200b" * 10):  # what cleaning removes does not count
        try:
            parse(text)
        except FormatError as exc:
            assert "quá dài" not in exc.message
    for text in ("1" * (bound + 1), "1," + "0" * 1_000_000):
        with pytest.raises(FormatError, match=f"quá dài \\({len(text)} ký tự, tối đa {bound}\\)"):
            parse(text)


def test_foreign_digits_are_refused_not_misread(figures):
    """Full-width and Arabic-Indic digits are not silently read as other numbers."""
    figures.crafted(__name__, 4)
    for text in ("３５２", "٣٥٢", "۳۵۲", "३५२"):
        for parse in (vn.parse_int, _amount("dong")):
            try:
                assert parse(text) == 352
            except FormatError:
                pass


@pytest.mark.parametrize("mark", [".", ","])
def test_a_pasted_wall_of_dots_is_refused_as_too_long(mark, figures):
    figures.crafted(__name__)
    with pytest.raises(FormatError, match="quá dài"):
        vn.parse_amount(mark * 250_000)
