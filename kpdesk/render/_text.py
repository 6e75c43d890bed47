"""Text helpers for the renderer: cleaning, ND30 dates and Times New Roman text widths."""

from __future__ import annotations

import re
import unicodedata

from kpdesk import vn
from kpdesk.vn import format_date_nd30  # noqa: F401 - the renderer's date line, re-exported

# Characters XML 1.0 forbids: C0 controls except tab/LF/CR, lone surrogates, U+FFFE and U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Return `text` in NFC with the characters XML 1.0 forbids removed (and what `vn.clean_text` drops).

    The C0 controls are removed here, not mapped: Word's Shift+Enter or cell end is read as a line break or a space
    when the officer's text enters a draft (`vn.clean_text`); what reaches the renderer is already clean, and a
    control character still in it is junk. A no-break space stays: typed text lost its own when it entered the
    draft, so one here was put by the program where a line must not break (`vn.bind_unit_name`).
    """
    return vn.clean_text(_XML_ILLEGAL.sub("", text), keep_nbsp=True)


def has_xml_illegal(text: str) -> bool:
    """Return True when `text` holds a character that cannot appear in XML 1.0."""
    return _XML_ILLEGAL.search(text) is not None


# Advance widths (1/1000 em) of Liberation Serif, metric-compatible with Times New Roman, for
# the printable ASCII range 32..126; Vietnamese letters are measured by their base letter.
_ASCII = "".join(chr(c) for c in range(32, 127))
# fmt: off
_REGULAR = (
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667, 722, 611,
    556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722,
    722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500,
    278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541,
)
_BOLD = (
    250, 333, 555, 500, 500, 1000, 833, 278, 333, 333, 500, 570, 250, 333, 250, 278, 500, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 333, 333, 570, 570, 570, 500, 930, 722, 667, 722, 722, 667,
    611, 778, 778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722, 556, 667, 722, 722, 1000, 722,
    722, 667, 333, 278, 333, 581, 500, 333, 500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556,
    278, 833, 556, 500, 556, 556, 444, 389, 333, 556, 500, 722, 500, 500, 444, 394, 220, 394, 520,
)
_EXTRA_REGULAR = {"Đ": 722, "đ": 500, "Ơ": 722, "ơ": 529, "Ư": 776, "ư": 542}
_EXTRA_BOLD = {"Đ": 722, "đ": 556, "Ơ": 778, "ơ": 554, "Ư": 796, "ư": 600}
# fmt: on


def text_width_twips(text: str, size_pt: float, *, bold: bool = False) -> int:
    """Return the printed width of one line of `text` in twips, in Times New Roman at `size_pt`."""
    table = _BOLD if bold else _REGULAR
    extra = _EXTRA_BOLD if bold else _EXTRA_REGULAR
    total = 0
    for ch in unicodedata.normalize("NFC", text):
        if ch in extra:
            total += extra[ch]
            continue
        base = unicodedata.normalize("NFD", ch)[0]
        idx = _ASCII.find(base)
        total += table[idx] if idx >= 0 else 500
    return round(total * size_pt * 20 / 1000)
