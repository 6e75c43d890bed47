"""Who has sent, who is late: each expected unit's state for a kind and period (DHIS2's reporting rate: expected,
actual, on time), and the same over many periods for the window's matrix."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from kpdesk import vn
from kpdesk.deadlines import Deadline, deadline, period_key
from kpdesk.department.records import ACCEPTED, PROBLEMS, RETURNED, Records, Summary
from kpdesk.department.unitlist import ListedUnit
from kpdesk.draft import Period
from kpdesk.errors import DepartmentError
from kpdesk.kinds import Kind
from kpdesk.vocab import PERIOD_NAMES

#: The states `kpdesk department status --json` prints (the contract scripts rely on).
ON_TIME, LATE, MISSING = "on_time", "late", "missing"
STATES = (ON_TIME, LATE, MISSING, RETURNED, ACCEPTED)
#: A report received for a period with no deadline (set by the kind or the department) is neither on time nor late:
#: its state is `on_time` (scripts need no new state) and its words say only that it came.
RECEIVED_NO_DEADLINE = "đã nhận"


@dataclass(frozen=True)
class Row:
    """One unit (or one sender not on the list) for one period."""

    period: Period
    unit: ListedUnit | None
    sender: str
    state: str
    deadline: Deadline | None
    summary: Summary | None = None
    today: dt.date | None = None

    @property
    def days_late(self) -> int:
        """Days after the deadline the report was sent (or, for one not sent, days the deadline has passed)."""
        if self.deadline is None:
            return 0
        if self.summary is not None:
            return self.deadline.days_late(self.summary.dated)
        return max(0, -self.deadline.days_left(self.today or dt.date.today()))

    @property
    def late(self) -> bool:
        return self.days_late > 0

    @property
    def name(self) -> str:
        return self.unit.title if self.unit else self.sender[:1].upper() + self.sender[1:]

    @property
    def label(self) -> str:
        """The state in words, never by colour alone: "đúng hạn", "muộn 3 ngày", "chưa gửi — quá hạn 2 ngày", "đã
        nhận" (no deadline to judge by)…"""
        s = self.summary
        if s is None:
            if self.deadline is None:
                return "chưa gửi"
            left = self.deadline.days_left(self.today or dt.date.today())
            return f"chưa gửi — quá hạn {-left} ngày" if left < 0 else f"chưa gửi — còn {left} ngày"
        text = {ACCEPTED: "đã chấp nhận", RETURNED: "đã trả lại để sửa", PROBLEMS: "có vấn đề"}.get(s.state, "")
        if self.deadline is None:  # nothing to judge it by: its state stays `on_time` (the JSON contract)
            text = text or RECEIVED_NO_DEADLINE
        else:
            timing = f"muộn {self.days_late} ngày" if self.late else "đúng hạn"
            text = f"{text} ({timing})" if text else timing
        if s.version > 1:
            text += f", bản {s.version}"
        return text

    @property
    def flags(self) -> list[str]:
        """What needs a look: errors, warnings, an edited document, a sender not on the list."""
        s = self.summary
        out = []
        if s is not None:
            if s.state == PROBLEMS:
                out.append(f"Sở đánh dấu có vấn đề: {s.state_note}")
            if s.errors:
                out.append(f"{s.errors} lỗi")
            if s.warnings:
                out.append(f"{s.warnings} cảnh báo")
            if s.edited:
                out.append("văn bản đã bị sửa sau khi xuất")
        if self.unit is None:
            out.append("không có trong danh sách đơn vị")
        return out

    def to_json(self) -> dict[str, object]:
        s = self.summary
        return {
            "unit": self.unit.code if self.unit else None,
            "name": self.name,
            "period": period_key(self.period),
            "state": self.state,
            "days_late": self.days_late,
            "version": s.version if s else None,
            "received_on": s.received_on.isoformat() if s else None,
            "report": s.report_id if s else None,
            "errors": s.errors if s else 0,
            "warnings": s.warnings if s else 0,
            "edited_after_export": bool(s and s.edited),
            "listed": self.unit is not None,
            "label": self.label,
        }


@dataclass(frozen=True)
class Status:
    """A kind's reports for one period: one row per expected unit, then the senders not on the list."""

    kind: Kind
    period: Period
    deadline: Deadline | None
    rows: tuple[Row, ...]

    def count(self, *states: str) -> int:
        return sum(r.state in states for r in self.rows if r.unit is not None)

    @property
    def expected(self) -> int:
        return sum(r.unit is not None for r in self.rows)

    @property
    def sent(self) -> int:
        return sum(r.summary is not None for r in self.rows if r.unit is not None)

    @property
    def late(self) -> int:
        return sum(r.summary is not None and r.late for r in self.rows if r.unit is not None)

    @property
    def missing(self) -> list[Row]:
        return [r for r in self.rows if r.unit is not None and r.summary is None]

    @property
    def unlisted(self) -> list[Row]:
        return [r for r in self.rows if r.unit is None]

    @property
    def headline(self) -> str:
        """ "38/42 xã, phường đã gửi; 5 gửi muộn; 2 có lỗi; 1 chưa có trong danh sách"."""
        parts = [f"{self.sent}/{self.expected} xã, phường đã gửi"]
        if self.late:
            parts.append(f"{self.late} gửi muộn")
        overdue = [r for r in self.missing if r.late]
        if overdue:
            parts.append(f"{len(overdue)} quá hạn chưa gửi")
        with_errors = sum(1 for r in self.rows if r.summary is not None and r.summary.errors)
        if with_errors:
            parts.append(f"{with_errors} có lỗi")
        edited = sum(1 for r in self.rows if r.summary is not None and r.summary.edited)
        if edited:
            parts.append(f"{edited} bị sửa sau khi xuất")
        flagged = sum(1 for r in self.rows if r.summary is not None and r.summary.state == PROBLEMS)
        if flagged:
            parts.append(f"{flagged} có vấn đề Sở đang xem")
        if self.count(RETURNED):
            parts.append(f"{self.count(RETURNED)} đã trả lại")
        if self.count(ACCEPTED):
            parts.append(f"{self.count(ACCEPTED)} đã chấp nhận")
        if self.unlisted:
            parts.append(f"{len(self.unlisted)} nơi gửi chưa có trong danh sách")
        text = "; ".join(parts)
        due = f" (hạn gửi: {self.deadline.when})" if self.deadline else " (chưa đặt hạn gửi)"
        return f"{self.kind.short} {self.period.label}: {text}{due}."

    def to_json(self) -> list[dict[str, object]]:
        return [r.to_json() for r in self.rows]


def _state(summary: Summary | None, due: Deadline | None) -> str:
    if summary is None:
        return MISSING
    if summary.state in (RETURNED, ACCEPTED):
        return summary.state
    return LATE if due is not None and due.days_late(summary.dated) > 0 else ON_TIME


def check_period(kind: Kind, period: Period) -> None:
    """Refuse a period of a type `kind` is not reported for (a monthly report for "2026-H1"), saying which periods
    it has and how to write one; every department command and the window go through here."""
    if period.type in kind.periods:
        return
    examples = {
        "month": (f"{period.year}-05", f"tháng 5 năm {period.year}"),
        "half": (f"{period.year}-H1", f"6 tháng đầu năm {period.year}"),
        "year": (f"{period.year}", f"năm {period.year}"),
    }
    kinds = " hoặc ".join(f"báo cáo {PERIOD_NAMES[p]}" for p in kind.periods)
    shown = " hoặc ".join(f"«{examples[p][0]}» ({examples[p][1]})" for p in kind.periods)
    raise DepartmentError(
        f"«{kind.name}» ({kind.id}) là {kinds}, không có kỳ «{period_key(period)}» "
        f"({period.label}). Hãy ghi kỳ như {shown}."
    )


def matrix(records: Records, kind: Kind, periods: Sequence[Period], today: dt.date | None = None) -> list[Status]:
    """The status of `kind` for each of `periods` (one query for all), in the order given; a period the kind is
    not reported for is refused (`check_period`)."""
    for period in periods:
        check_period(kind, period)
    today = today or dt.date.today()
    keys = [period_key(p) for p in periods]
    by_period: dict[str, list[Summary]] = {k: [] for k in keys}
    for s in records.summaries(kind.id, keys):
        by_period[s.period_key].append(s)
    units = records.units()
    set_dates = records.deadlines(kind.id)
    out = []
    for period, key in zip(periods, keys, strict=True):
        due = deadline(kind, period, set_dates)
        found = by_period[key]
        by_unit: dict[int | None, Summary] = {s.unit_id: s for s in found if s.unit_id is not None}
        rows = [
            Row(period, u, u.full_name, _state(by_unit.get(u.id), due), due, by_unit.get(u.id), today)
            for u in units
            if u.exists_on(period.end) or u.id in by_unit
        ]
        listed = {u.id for u in units}
        rows += [
            Row(period, None, s.sender, _state(s, due), due, s, today)
            for s in found
            if s.unit_id is None or s.unit_id not in listed
        ]
        out.append(Status(kind, period, due, tuple(rows)))
    return out


def status(records: Records, kind: Kind, period: Period, today: dt.date | None = None) -> Status:
    """Each expected unit's state for `kind` and `period` (see `matrix`)."""
    return matrix(records, kind, [period], today)[0]


def recent_periods(kind: Kind, today: dt.date, count: int = 12, period_type: str | None = None) -> list[Period]:
    """The last `count` periods of the kind's type up to the one containing `today`, oldest first."""
    ptype = period_type or kind.periods[0]
    current = Period.containing(ptype, today)
    out = [current]
    while len(out) < count:
        out.append(out[-1].previous())
    return out[::-1]


def describe(status: Status) -> list[str]:
    """The lines `kpdesk department status` prints: the headline, then one line per unit."""
    lines = [status.headline]
    for r in status.rows:
        code = r.unit.code if r.unit else "—"
        when = f", nhận {vn.format_date(r.summary.received_on)}" if r.summary else ""
        flags = f" [{'; '.join(r.flags)}]" if r.flags else ""
        lines.append(f"  {code:<10} {r.name:<28} {r.label}{when}{flags}")
    return lines
