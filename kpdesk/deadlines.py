"""Periods written as keys ("2026-05", "2026-H1", "2026") and the deadline of each report kind's period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from kpdesk.errors import DraftError, FormatError
from kpdesk.period import Period
from kpdesk.text import LazyPattern, clean_line, format_date


class HasDeadlines(Protocol):
    """What `deadline` reads of a kind (the kinds' loader reads period keys here: no import of kpdesk.kinds)."""

    @property
    def deadline_day(self) -> int | None: ...
    @property
    def deadlines(self) -> Mapping[str, dt.date]: ...


_KEY = LazyPattern(r"(\d{4})(?:-(?:(\d{1,2})|[Hh]([12])))?")
_EXAMPLES = "«2026-05» (tháng 5/2026), «2026-H1» (6 tháng đầu năm 2026), «2026-H2» hoặc «2026» (cả năm)"


def period_key(period: Period) -> str:
    """Return the key of `period` used by every command: "2026-05", "2026-H1", "2026"."""
    if period.type == "month":
        return f"{period.year}-{period.month:02d}"
    if period.type == "half":
        return f"{period.year}-H{period.half}"
    return str(period.year)


def parse_period(text: str) -> Period:
    """Return the period a key names; raise `FormatError` saying how to write it."""
    shown = clean_line(str(text))[:40]
    match = _KEY.fullmatch(shown.strip())
    if match is None:
        raise FormatError(f"Kỳ báo cáo «{shown}» không đúng cách viết. Hãy viết {_EXAMPLES}.")
    year, month, half = int(match[1]), match[2], match[3]
    try:
        if month is not None:
            return Period("month", year, month=int(month))
        if half is not None:
            return Period("half", year, half=int(half))
        return Period("year", year)
    except DraftError as exc:
        raise FormatError(f"Kỳ báo cáo «{shown}»: {exc.message}") from None


@dataclass(frozen=True)
class Deadline:
    """When a period's report is due: `last_day` is the last day on which it counts as on time."""

    last_day: dt.date
    #: "kind": the kind's rule ("trước ngày 20 hàng tháng"); "department": a date the department set for the period.
    source: str

    @property
    def text(self) -> str:
        """Return the deadline as the officer reads it: "trước ngày 20/05/2026" or "hạn ngày 15/07/2026"."""
        if self.source == "kind":
            return f"trước ngày {format_date(self.last_day + dt.timedelta(days=1))}"
        return f"hạn ngày {format_date(self.last_day)}"

    @property
    def when(self) -> str:
        """Return the deadline after a word that already says it is one ("hạn gửi: …"): "trước ngày 20/5/2026" or
        "ngày 15/7/2026"."""
        return self.text.removeprefix("hạn ")

    def days_late(self, sent: dt.date) -> int:
        """Return how many days after the deadline `sent` is (0 when on time)."""
        return max(0, (sent - self.last_day).days)

    def days_left(self, today: dt.date) -> int:
        """Return the days left until the deadline passes: 0 on the last day, negative once overdue."""
        return (self.last_day - today).days


def deadline(kind: HasDeadlines, period: Period, set_dates: Mapping[str, dt.date] | None = None) -> Deadline | None:
    """Return the deadline of `kind`'s report for `period`, or None when nobody set one.

    A date the department set for the period in its own database (`set_dates`, by `period_key`) wins; then a date
    the kind itself sets for the period (its `[deadlines]` table, which the department publishes with the kind);
    then the kind's rule (`deadline_day`: a monthly report is due before that day of its own month, as the seeds
    say "trước ngày 20 hàng tháng"). Weekends and public holidays do not move a deadline: the date is shown as
    given.
    """
    key = period_key(period)
    if set_dates and key in set_dates:
        return Deadline(set_dates[key], "department")
    if key in kind.deadlines:
        return Deadline(kind.deadlines[key], "department")
    if period.type == "month" and kind.deadline_day:
        first_late = dt.date(period.year, period.month or 1, kind.deadline_day)
        return Deadline(first_late - dt.timedelta(days=1), "kind")
    return None
