"""Edited after export: the figures a .docx shows that differ from what its embedded draft renders to."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

#: What counts as a figure: a date written out, a number (with its dots, commas, % and money unit words).
_DATE_WORDS = r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}"
_NUMBER = r"\d+(?:[.,]\d+)*(?:\s*%|(?:\s+(?:nghìn|ngàn|triệu|tỷ|tỉ))*(?:\s+đồng)?)"
_FIGURE = re.compile(f"{_DATE_WORDS}|{_NUMBER}", re.IGNORECASE)
MAX_DIFFERENCES = 50


@dataclass(frozen=True)
class Difference:
    """One figure (or the unit's name) the document shows otherwise than its data: `found` is "" when the
    document dropped it, `expected` is "" when the document has a figure the data does not."""

    expected: str
    found: str
    context: str  # the document's line where it shows (or the data's line when the document dropped it)

    @property
    def text(self) -> str:
        """Return the difference as the department reads it."""
        if not self.found:
            return f"dữ liệu ghi «{self.expected}», văn bản không còn số này («{self.context}»)"
        if not self.expected:
            return f"văn bản có «{self.found}», dữ liệu không có («{self.context}»)"
        return f"dữ liệu ghi «{self.expected}», văn bản ghi «{self.found}» («{self.context}»)"


def _norm(line: str) -> str:
    line = unicodedata.normalize("NFC", line).replace("\u00a0", " ").replace("\u2009", " ")
    return " ".join(line.split())


def _short(line: str, limit: int = 90) -> str:
    return line if len(line) <= limit else line[: limit - 1] + "…"


def figures(line: str, names: Sequence[str] = ()) -> list[str]:
    """Return the figures of `line` in order (dates, numbers with their units) and each of `names` it mentions."""
    found = [" ".join(m.group().split()) for m in _FIGURE.finditer(line)]
    lowered = line.casefold()
    for name in names:
        found += [name] * lowered.count(name.casefold()) if name else []
    return found


def _take(counts: Counter[str], items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Return the items whose figure `counts` still holds, in order, using up one count each."""
    taken = []
    for figure, line in items:
        if counts[figure] > 0:
            counts[figure] -= 1
            taken.append((figure, line))
    return taken


def edited_after_export(expected: Sequence[str], found: Sequence[str], names: Sequence[str] = ()) -> list[Difference]:
    """Return the figures that differ between the lines the embedded draft renders to (`expected`) and the lines
    the document shows (`found`), with each line's context; [] when the document says what its data says.

    Wording is not compared, only figures (dates, amounts, counts, percentages) and the unit's `names`: a file
    re-saved by Word or LibreOffice keeps them, and a sentence worded differently by another kpdesk version does
    not make a report look edited. Lines are aligned first, so a figure moved to another line is a difference only
    where the line it belongs to changed."""
    a, b = [_norm(x) for x in expected], [_norm(x) for x in found]
    if a == b:
        return []
    out: list[Difference] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        old = [(f, line) for line in a[i1:i2] for f in figures(line, names)]
        new = [(f, line) for line in b[j1:j2] for f in figures(line, names)]
        missing = Counter(f for f, _ in old) - Counter(f for f, _ in new)
        extra = Counter(f for f, _ in new) - Counter(f for f, _ in old)
        gone, added = _take(missing, old), _take(extra, new)
        for k in range(max(len(gone), len(added))):
            exp, exp_line = gone[k] if k < len(gone) else ("", "")
            got, got_line = added[k] if k < len(added) else ("", "")
            out.append(Difference(exp, got, _short(got_line or exp_line)))
            if len(out) >= MAX_DIFFERENCES:
                return out
    return out
