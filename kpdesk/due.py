"""What is due: the periodic reports a unit has still to send, with their deadlines, for its home and `kpdesk due`.

The words, exactly as the home, `kpdesk due` and their tests use them:

- A unit *makes* a kind when it has a draft of it (not in the bin) or ticked it in its profile (`report_kinds`);
  only kinds written by communes count. Of a kind with several period types, the types the unit has drafts of
  and the types the department dated count; with neither, the kind's first type.
- A period is *sent* when one of the unit's drafts of that kind and period (not in the bin) was exported to Word.
- The periods looked at run from the one after the last period sent to the period whose deadline is the next one
  to come (the first whose last on-time day is today or later; at the latest the period after the current one).
  When none was sent they start with the current period, or with the last period listed before the next deadline
  when that one is earlier (a half-year report due after its half-year: on 10/7 the first half, not the second),
  or with the earliest period the unit has a draft of, when that is earlier still (a report begun and never sent
  is owed).
  A period that ended more than `LOOKBACK_DAYS` days ago is never looked at, however long ago the last report was
  sent: the home lists at most a year of missed periods.
- Each of those periods not sent is listed when it has a deadline (`kpdesk.deadlines.deadline`: the department's
  date, else the kind's rule), or when it has none and has ended (then "chưa có hạn", never a made-up date).
- A listed period is *overdue* once its last on-time day has passed (`days_left` < 0) and *due* otherwise
  (`days_left` ≥ 0, 0 on the last day; None without a deadline). It is *soon* when overdue, or when the deadline
  as written ("trước ngày 20/5/2026", "hạn ngày 15/7/2026") is at most `SOON_DAYS` days away.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kpdesk.deadlines import Deadline, deadline, parse_period, period_key
from kpdesk.errors import KpdeskError
from kpdesk.kinds.registry import kind_summary
from kpdesk.kinds.summary import KindBasics
from kpdesk.period import Period
from kpdesk.text import format_date

if TYPE_CHECKING:
    from kpdesk.store import DraftId, DraftInfo, Store, UnitId, UnitProfile

#: Periods that ended more than this many days before today are not listed (about a year of missed periods).
LOOKBACK_DAYS = 365
#: A deadline this many days away or fewer is "soon": the window says so when it starts.
SOON_DAYS = 5
DUE, OVERDUE = "due", "overdue"

#: Finds a kind by id: `kind_summary` (the default), `get_kind`, or the department's own lookup.
KindSource = Callable[[str], KindBasics]


@dataclass(frozen=True)
class DueItem:
    """One period of one kind the unit has still to send."""

    unit_id: UnitId
    unit_name: str  # "xã Thiệu Trung"
    kind: KindBasics
    period: Period
    deadline: Deadline | None
    today: dt.date
    draft_id: DraftId | None  # the unit's draft for this period (the most recently saved), or None

    @property
    def days_left(self) -> int | None:
        """Days from today to the last on-time day: 0 on that day, negative once overdue, None without a deadline."""
        return self.deadline.days_left(self.today) if self.deadline else None

    @property
    def state(self) -> str:
        days = self.days_left
        return OVERDUE if days is not None and days < 0 else DUE

    @property
    def overdue(self) -> bool:
        return self.state == OVERDUE

    @property
    def soon(self) -> bool:
        """Overdue, or due within `SOON_DAYS` days of the date the deadline names."""
        days = self.days_to_date
        return self.overdue or (days is not None and days <= SOON_DAYS)

    @property
    def days_to_date(self) -> int | None:
        """Days from today to the date as the deadline writes it ("trước ngày 20/5" counts to the 20th)."""
        if self.deadline is None:
            return None
        written = self.deadline.last_day + dt.timedelta(days=1 if self.deadline.source == "kind" else 0)
        return (written - self.today).days

    @property
    def title(self) -> str:
        """The report as the officer names it: "Báo cáo tháng 5/2026", "Báo cáo 6 tháng đầu năm 2026"."""
        p = self.period
        when = f"tháng {p.month}/{p.year}" if p.type == "month" else p.label
        return f"{(self.kind.doc_type or 'báo cáo').capitalize()} {when}"

    @property
    def when(self) -> str:
        """How much time is left, in words: "còn 5 ngày", "hôm nay là ngày cuối", "quá hạn 3 ngày"."""
        days = self.days_left
        if self.deadline is None or days is None:
            return "chưa có hạn"
        if days < 0:
            return f"quá hạn {-days} ngày"
        if days == 0:
            return "hôm nay là ngày cuối"
        return f"còn {self.days_to_date} ngày"

    @property
    def line(self) -> str:
        """The item in one line: "Báo cáo tháng 5/2026 — hạn: trước ngày 20/5/2026, còn 5 ngày"."""
        if self.deadline is None:
            return (
                f"{self.title} — chưa có hạn (Sở chưa đặt ngày); kỳ báo cáo đã hết ngày {format_date(self.period.end)}"
            )
        return f"{self.title} — hạn: {self.deadline.when}, {self.when}"

    @property
    def action(self) -> str:
        """«Mở» when a draft exists for the period, «Soạn» when it is still to be made."""
        return "Mở" if self.draft_id is not None else "Soạn"

    def to_json(self) -> dict[str, Any]:
        return {
            "unit": self.unit_id,
            "unit_name": self.unit_name,
            "kind": self.kind.id,
            "kind_name": self.kind.name,
            "period": period_key(self.period),
            "period_label": self.period.label,
            "deadline": self.deadline.last_day.isoformat() if self.deadline else None,
            "deadline_text": self.deadline.text if self.deadline else None,
            "days_left": self.days_left,
            "state": self.state,
            "soon": self.soon,
            "draft": self.draft_id,
            "line": self.line,
        }


@dataclass(frozen=True)
class UnitDue:
    """What one unit has still to send on `today`, most pressing first (overdue, due, without a deadline)."""

    unit: UnitProfile
    today: dt.date
    items: tuple[DueItem, ...]
    kinds: tuple[KindBasics, ...]  # the kinds the unit makes
    problems: tuple[str, ...]  # the kinds it makes that could not be read, in Vietnamese

    @property
    def overdue(self) -> tuple[DueItem, ...]:
        return tuple(i for i in self.items if i.overdue)

    @property
    def soon(self) -> tuple[DueItem, ...]:
        """The items due within `SOON_DAYS` days (overdue ones not included)."""
        return tuple(i for i in self.items if i.soon and not i.overdue)

    def by_kind(self) -> list[tuple[KindBasics, list[DueItem]]]:
        """The items grouped by kind: the kind with the most pressing item first, periods in order within each."""
        groups: dict[str, tuple[KindBasics, list[DueItem]]] = {}
        for item in self.items:
            groups.setdefault(item.kind.id, (item.kind, []))[1].append(item)
        return [(kind, sorted(items, key=lambda i: i.period.start)) for kind, items in groups.values()]


def due_for_unit(
    store: Store,
    unit: UnitProfile,
    today: dt.date,
    *,
    kinds: KindSource | None = None,
    set_dates: Mapping[str, Mapping[str, dt.date]] | None = None,
) -> UnitDue:
    """Return what `unit` has still to send on `today` (see the module's words).

    `kinds` finds a kind by id (default `kind_summary`: what is due needs no full kind); `set_dates` holds dates
    the department set that are not in the kind itself, by kind id then period key ("2026-H1"). A date in the
    kind's package or in `set_dates` wins over the kind's rule (`kpdesk.deadlines.deadline`)."""
    assert unit.id is not None, "a unit that is not saved has no drafts"
    infos = store.list_drafts(unit_id=unit.id)
    made: list[KindBasics] = []
    problems: list[str] = []
    for kind_id in dict.fromkeys([*unit.report_kinds, *(i.kind for i in infos)]):
        try:
            kind = (kinds or kind_summary)(kind_id)
        except KpdeskError as exc:
            problems.append(f"Loại báo cáo «{kind_id}» không đọc được nên chưa tính hạn: {exc.message}")
            continue
        if kind.audience == "commune":
            made.append(kind)
    cutoff = today - dt.timedelta(days=LOOKBACK_DAYS)
    items: list[DueItem] = []
    for kind in made:
        dates = (set_dates or {}).get(kind.id, {})
        mine = [i for i in infos if i.kind == kind.id]
        for period_type in _period_types(kind, mine, dates):
            items += _due_of(
                store, unit, kind, period_type, [i for i in mine if i.period.type == period_type], dates, today, cutoff
            )
    items.sort(key=_pressing)
    return UnitDue(unit, today, tuple(items), tuple(made), tuple(problems))


def _pressing(item: DueItem) -> tuple:
    """Overdue first, then due by deadline, then those without a deadline; the earliest first in each."""
    if item.deadline is None:
        return (2, item.period.end, item.kind.name, item.period.start)
    return (0 if item.overdue else 1, item.deadline.last_day, item.kind.name, item.period.start)


def _period_types(kind: KindBasics, infos: list[DraftInfo], dates: Mapping[str, dt.date]) -> list[str]:
    """The period types of `kind` the unit reports on: those it has drafts of and those the department dated."""
    dated = [*kind.deadlines, *dates]
    used = {i.period.type for i in infos} | {parse_period(key).type for key in dated}
    return [t for t in kind.periods if t in used] or list(kind.periods[:1])


def _due_of(
    store: Store,
    unit: UnitProfile,
    kind: KindBasics,
    period_type: str,
    infos: list[DraftInfo],
    dates: Mapping[str, dt.date],
    today: dt.date,
    cutoff: dt.date,
) -> list[DueItem]:
    """The periods of one kind and type the unit has still to send (`infos`: the unit's drafts of them)."""
    oldest = Period.containing(period_type, cutoff)  # the first period that ended within LOOKBACK_DAYS
    current = Period.containing(period_type, today)
    deadlines = {p: deadline(kind, p, dates) for p in _periods(oldest, current.next())}

    def listed(p: Period) -> bool:
        return deadlines[p] is not None or p.end < today

    last = next(
        (p for p, found in deadlines.items() if found is not None and found.days_left(today) >= 0), current.next()
    )
    newest = sorted(infos, key=lambda i: (i.period.start, i.updated), reverse=True)
    sent_last = next((i.period for i in newest if _was_exported(store, i)), None)
    if sent_last is not None:
        first = sent_last.next()
    else:  # none sent: the current period, or the last one to list up to the next deadline when that is earlier
        ready = [p for p in deadlines if p.start <= last.start and listed(p)]
        first = min(current, ready[-1], key=lambda p: p.start) if ready else current
        first = min([first, *(i.period for i in infos)], key=lambda p: p.start)  # a draft begun is owed
    first = max(first, oldest, key=lambda p: p.start)
    drafts: dict[Period, DraftId] = {}
    for i in reversed(newest):  # the most recently saved draft of a period wins
        drafts[i.period] = i.id
    unit_id = unit.id
    assert unit_id is not None
    return [
        DueItem(unit_id, unit.full_name, kind, p, deadlines[p], today, drafts.get(p))
        for p in _periods(first, last)
        if listed(p)
    ]


def _periods(first: Period, last: Period) -> list[Period]:
    out = []
    p = first
    while p.start <= last.start:
        out.append(p)
        p = p.next()
    return out


def _was_exported(store: Store, info: DraftInfo) -> bool:
    """Whether a Word file was ever made from the draft (editing it afterwards makes it "drafting" again)."""
    return info.status == "exported" or store.was_exported(info.id)


def start_draft(store: Store, item: DueItem) -> DraftId:
    """Return the draft for `item`'s period, making it when there is none: from the unit's latest draft of the kind
    for an earlier period (its form, the values the kind carries over, signer and recipients), else new from the
    kind and the unit's profile."""
    existing = store.list_drafts(kind=item.kind.id, period=item.period, unit_id=item.unit_id)
    if existing:
        return existing[0].id
    previous = store.latest_for(item.kind.id, item.unit_id, item.period)
    if previous is not None:
        return store.new_from_previous(previous.id, item.period)
    return store.create_draft(item.kind.id, item.period, item.unit_id)
