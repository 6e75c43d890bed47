"""Text as every part of kpdesk keeps it: what is typed or pasted made clean (`clean_text`, `clean_line`), a date
written the Vietnamese way (`format_date`, `format_date_nd30`), and regular expressions compiled when first used
(`LazyPattern`).

These are the rules the window's start needs already: the list of drafts, the profiles and the deadlines use them.
The rules for numbers, money and its words, document references, phone numbers and e-mail, which forms and documents
need, are in `kpdesk.vn`, built on these (which it exports too).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date
from functools import cache

__all__ = [
    "NBSP",
    "SPACE_SEPARATORS",
    "LazyPattern",
    "bind_unit_name",
    "clean_line",
    "clean_text",
    "format_date",
    "format_date_nd30",
]


class LazyPattern:
    """A regular expression compiled the first time it is used; from then on its methods are the compiled
    pattern's own, so a match costs what it costs with `re.compile`. `source` is the pattern, or a function that
    writes it. Compiling kpdesk's patterns at import was about 3 % of the window's start, which uses almost none
    of them."""

    __slots__ = ("_source", "_flags", "_compiled", "match", "fullmatch", "search", "sub", "finditer", "findall")
    _METHODS = __slots__[3:]

    match: Callable[..., re.Match[str] | None]
    fullmatch: Callable[..., re.Match[str] | None]
    search: Callable[..., re.Match[str] | None]
    sub: Callable[..., str]
    finditer: Callable[..., Iterator[re.Match[str]]]
    findall: Callable[..., list[str]]

    def __init__(self, source: str | Callable[[], str], flags: int = 0) -> None:
        self._source, self._flags = source, flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> bool:
        """Whether the pattern has been compiled (it is once used)."""
        return self._compiled is not None

    def __getattr__(self, name: str) -> Callable[..., object]:  # only until the pattern is compiled
        if name not in LazyPattern._METHODS:
            raise AttributeError(name)
        source = self._source if isinstance(self._source, str) else self._source()
        compiled = self._compiled = re.compile(source, self._flags)
        for method in LazyPattern._METHODS:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)


# ---------------------------------------------------------------------------
# Text cleaning
# ---------------------------------------------------------------------------


#: Controls Word puts in copied text, and what each stands for: Shift+Enter and page break are line breaks, the
#: end of a table cell separates two cells, U+001E is Word's non-breaking hyphen, U+001F its optional hyphen.
_WORD_CONTROLS: dict[int, str] = {0x0B: "\n", 0x0C: "\n", 0x07: " ", 0x1E: "-", 0x1F: ""}
_WORD_CONTROL = LazyPattern("[\x07\x0b\x0c\x1e\x1f]")
#: Any other C0 control (NUL, ESC, backspace…): text holding one is not text copied from Word (binary junk, a
#: terminal's escape sequences, where U+0007 ends a sequence), so its controls mean nothing and are all dropped.
_OTHER_CONTROL = LazyPattern("[\x00-\x06\x08\x0e-\x1d]")
#: The space separators (Unicode category Zs) other than the plain space, each read as a plain space; written out
#: because finding them with `unicodedata` at every start took milliseconds (tests/core check the list).
SPACE_SEPARATORS = (0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000)
#: Bidi controls: embeddings, overrides and isolates, LRM/RLM and the Arabic letter mark. Vietnamese never needs them
#: and a pasted U+202E shows the rest of a paragraph reversed, so a figure could read differently from what was typed.
_BIDI_CONTROLS = (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)


def _clean_table() -> dict[int, int | None]:
    table: dict[int, int | None] = {c: None for c in range(0x20) if c not in (0x09, 0x0A)}
    table.update({c: None for c in range(0x7F, 0xA0)})  # DEL and the C1 controls
    table.update({c: None for c in range(0xD800, 0xE000)})  # lone surrogates
    table.update({0xFFFE: None, 0xFFFF: None, 0x200B: None, 0x200C: None, 0x200D: None, 0xFEFF: None, 0x2060: None})
    table.update({c: None for c in _BIDI_CONTROLS})
    table.update({c: 0x20 for c in SPACE_SEPARATORS})
    return table


@cache
def _clean_tables() -> tuple[dict[int, int | None], dict[int, int | None]]:
    """The table `clean_text` translates through, and the one that keeps no-break spaces (made when first needed:
    most text needs neither)."""
    table = _clean_table()
    return table, {**table, 0xA0: 0xA0}


def _class_of(codes: set[int]) -> str:
    """The regular expression matching any one of `codes` (written as ranges)."""
    ranges: list[list[int]] = []
    for code in sorted(codes):
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    parts = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return f"[{parts}]"


#: Any character `clean_text` changes (besides normalising to NFC): most text has none, and then translating it
#: through the table of 2 000 entries is skipped — it is most of the time spent reading a draft.
_NEEDS_CLEANING = LazyPattern(lambda: _class_of({*(k for k, v in _clean_tables()[0].items() if v != k), 0x0D}))
_NEEDS_CLEANING_KEEP_NBSP = LazyPattern(
    lambda: _class_of({*(k for k, v in _clean_tables()[1].items() if v != k), 0x0D})
)

#: The no-break space. Typed or pasted text never keeps one (`clean_text` makes it a plain space); the document
#: puts one where a line must not break, as between a unit's level and its name (`bind_unit_name`).
NBSP = "\u00a0"


def clean_text(text: str, *, keep_nbsp: bool = False) -> str:
    """NFC text without XML-illegal, control, bidi or zero-width characters, Unix newlines and plain spaces;
    not stripped. In text copied from Word, Shift+Enter and the page break become line breaks, the end of a table
    cell a space, the non-breaking hyphen a hyphen (see _WORD_CONTROLS). With `keep_nbsp` (text the program
    composed for print, never typed text) a no-break space U+00A0 stays; every other space is still plain."""
    if not (_NEEDS_CLEANING_KEEP_NBSP if keep_nbsp else _NEEDS_CLEANING).search(text):
        return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _WORD_CONTROL.search(text) and not _OTHER_CONTROL.search(text):
        text = text.translate(_WORD_CONTROLS)
    return unicodedata.normalize("NFC", text.translate(_clean_tables()[1 if keep_nbsp else 0]))


def clean_line(text: str) -> str:
    """`clean_text`, then every run of whitespace (newlines, tabs) becomes one space; stripped."""
    return " ".join(clean_text(text).split())


def bind_unit_name(text: str, level: str, name: str) -> str:
    """`text` with a no-break space between the unit's `level` and its `name` wherever "level name" occurs:
    ("… của phường Hạc Thành", "phường", "Hạc Thành") -> "… của phường\u00a0Hạc Thành", so a line never ends
    on the level word, away from the name it belongs to."""
    level, name = level.strip(), name.strip()
    if not level or not name:
        return text
    return text.replace(f"{level} {name}", f"{level}{NBSP}{name}")


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------


def _month(d: date) -> str:
    return f"{d.month:02d}" if d.month <= 2 else str(d.month)


def format_date(d: date) -> str:
    """Short form: '30/3/2026', '07/4/2020', '05/02/2026' (2-digit day; months 1 and 2 zero-padded)."""
    return f"{d.day:02d}/{_month(d)}/{d.year:04d}"


def format_date_nd30(d: date) -> str:
    """Place-and-date form: 'ngày 05 tháng 02 năm 2026', 'ngày 15 tháng 3 năm 2026'."""
    return f"ngày {d.day:02d} tháng {_month(d)} năm {d.year:04d}"
