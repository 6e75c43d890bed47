"""The department's records in the one database: its unit list, the reports received and their versions, review
states, deadlines it set, files to enter by hand, and the append-only log of all of it.

Why over 600 lines: the department's tables (units, reports, versions, review states, deadlines, files, the log) are
written in shared transactions (a version and its log entry, an import and the reports it matches); one class keeps
every write and its log line together.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from kpdesk import draft as drafts
from kpdesk.deadlines import parse_period, period_key
from kpdesk.department.unitlist import ListedUnit, UnitMatcher, fold, suggest_units
from kpdesk.draft import Draft, Period
from kpdesk.errors import DepartmentError, NotFound
from kpdesk.store import Store
from kpdesk.store.database import local_time, now_stamp
from kpdesk.validate import Problem

#: Review states, as DHIS2's approval and ODK Central's review: a report is received (the problems kpdesk finds are
#: shown beside it), marked by the department as having problems (ODK's "has issues", with a note saying which),
#: returned to its sender for correction, or accepted. A new version puts it back to received.
RECEIVED, PROBLEMS, RETURNED, ACCEPTED = "received", "problems", "returned", "accepted"
STATES = (RECEIVED, PROBLEMS, RETURNED, ACCEPTED)
STATE_LABELS = {
    RECEIVED: "đã nhận",
    PROBLEMS: "có vấn đề, Sở đang xem",
    RETURNED: "đã trả lại để sửa",
    ACCEPTED: "đã chấp nhận",
}
#: What the log records, and how each is said.
ACTIONS = {
    "received": "nhận báo cáo",
    "new_version": "nhận bản sửa",
    "duplicate": "nhận trùng (bỏ qua)",
    "manual": "nhập tay báo cáo",
    "matched": "ghép với đơn vị",
    "returned": "trả lại để sửa",
    "accepted": "chấp nhận",
    "flagged": "đánh dấu có vấn đề",
    "reopened": "mở lại",
    "reminded": "đôn đốc",
    "deadline": "đặt hạn gửi",
    "units": "nhập danh sách đơn vị",
    "file": "nhận tệp không có dữ liệu kpdesk",
}


def who_default() -> str:
    """The name recorded beside a change when none is given: the computer's user name."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return ""


@dataclass(frozen=True)
class Version:
    """One version of a report as received: the file, the draft inside it and what the department found in it."""

    id: int
    report_id: int
    number: int
    file_name: str
    file_sha256: str
    payload_sha256: str
    source: str
    received: dt.datetime  # when kpdesk took it in (local time)
    received_on: dt.date  # the day the department received it
    sent_on: dt.date | None  # the report's own date (ngày ký)
    kind_version: int
    data: dict[str, Any] = field(repr=False)
    problems: tuple[dict[str, Any], ...] = ()
    errors: int = 0
    warnings: int = 0
    edited: tuple[dict[str, str], ...] = ()
    manual: bool = False

    @property
    def draft(self) -> Draft:
        """The draft this version carries, as the commune exported it."""
        return drafts.from_json(self.data)

    @property
    def dated(self) -> dt.date:
        """The day the report counts as sent: its own date when that is not after its receipt, else the receipt."""
        if self.sent_on is not None and self.sent_on <= self.received_on:
            return self.sent_on
        return self.received_on


@dataclass(frozen=True)
class Submission:
    """What one sender sent for one kind and period, whatever its versions (ODK Central's "submission"): its review
    state and how many versions it has."""

    id: int
    unit_id: int | None  # None: the sender is not on the unit list (yet)
    sender: str  # as the report names it: "xã Thiệu Trong"
    kind: str
    period: Period
    state: str
    state_note: str
    state_by: str
    state_at: dt.datetime
    versions: int

    @property
    def period_key(self) -> str:
        return period_key(self.period)


@dataclass(frozen=True)
class Summary:
    """A report as status shows it: its state, when its first version counts as sent, its latest version."""

    report_id: int
    unit_id: int | None
    sender: str
    period_key: str
    state: str
    first_received_on: dt.date
    first_sent_on: dt.date | None
    version: int
    received_on: dt.date  # of the latest version
    errors: int
    warnings: int
    edited: bool
    state_note: str = ""  # the department's note on its review state ("số giải ngân chưa khớp")

    @property
    def dated(self) -> dt.date:
        """The day the report counts as sent: its first version's own date when that is not after its receipt (a
        corrected version does not make an on-time report late), else the day it was received."""
        if self.first_sent_on is not None and self.first_sent_on <= self.first_received_on:
            return self.first_sent_on
        return self.first_received_on


@dataclass(frozen=True)
class LogEntry:
    at: dt.datetime
    who: str
    action: str
    report_id: int | None
    version: int | None
    note: str
    detail: dict[str, Any]

    @property
    def text(self) -> str:
        """The entry as the department reads it."""
        what = ACTIONS.get(self.action, self.action)
        parts = [f"{self.at:%d/%m/%Y %H:%M}", what + (f" (bản {self.version})" if self.version else "")]
        if self.who:
            parts.append(self.who)
        if self.note:
            parts.append(self.note)
        return " — ".join(parts)


@dataclass(frozen=True)
class ReceivedFile:
    """A received .docx that carries no kpdesk data: it waits to be entered by hand."""

    id: int
    file_name: str
    file_sha256: str
    source: str
    received_on: dt.date
    version_id: int | None


def problem_record(p: Problem) -> dict[str, Any]:
    """A validation problem as the department keeps it (JSON)."""
    return {
        "section": p.section,
        "field": p.field,
        "severity": p.severity,
        "code": p.code,
        "message": p.message,
        "detail": p.detail,
        "row": p.row,
        "column": p.column,
    }


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


_VERSION_COLS = (
    "id, report_id, version, file_name, file_sha256, payload_sha256, source, received, received_on, "
    "sent_on, kind_version, data, problems, errors, warnings, edited, manual"
)
_REPORT_COLS = "r.id, r.unit_id, r.sender, r.kind, r.period_key, r.state, r.state_note, r.state_by, r.state_at"


def _version(row: Sequence[Any]) -> Version:
    return Version(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        row[5],
        row[6],
        local_time(row[7]),
        dt.date.fromisoformat(row[8]),
        _date(row[9]),
        row[10],
        json.loads(row[11]),
        tuple(json.loads(row[12])),
        row[13],
        row[14],
        tuple(json.loads(row[15])),
        bool(row[16]),
    )


def _submission(row: Sequence[Any]) -> Submission:
    return Submission(
        row[0], row[1], row[2], row[3], parse_period(row[4]), row[5], row[6], row[7], local_time(row[8]), row[9]
    )


def _unit(row: Sequence[Any]) -> ListedUnit:
    return ListedUnit(
        code=row[1],
        name=row[2],
        level=row[3],
        email=row[4],
        phone=row[5],
        valid_from=_date(row[6]),
        valid_until=_date(row[7]),
        id=row[0],
    )


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)


@dataclass(frozen=True)
class UnitImport:
    """What importing a unit list changed."""

    added: int
    updated: int
    unchanged: int
    #: Reports received before from senders not on the list that now match a unit of it exactly.
    matched: int = 0
    #: Reports from senders still not on the list (a name typed with a slip): they wait to be matched by hand.
    unmatched: int = 0

    @property
    def text(self) -> str:
        text = f"Đã nhập danh sách đơn vị: thêm {self.added}, cập nhật {self.updated}, giữ nguyên {self.unchanged}."
        if self.matched:
            text += f" Đã ghép được {self.matched} báo cáo đã nhận với đơn vị trong danh sách."
        if self.unmatched:
            text += (
                f" Còn {self.unmatched} báo cáo của nơi gửi chưa có trong danh sách (tên gõ khác): hãy ghép tay "
                "(kpdesk department match SỐ-BÁO-CÁO MÃ-ĐƠN-VỊ, hoặc trong cửa sổ)."
            )
        return text


class Records:
    """The department's records kept in `store`'s database (schema 3): each method is one short transaction."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # ------------------------------------------------------------------ the log

    def _log(
        self,
        c: sqlite3.Connection,
        action: str,
        *,
        report_id: int | None = None,
        version: int | None = None,
        note: str = "",
        who: str = "",
        detail: dict[str, Any] | None = None,
    ) -> None:
        c.execute(
            "INSERT INTO dept_log (at, who, action, report_id, version, note, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (now_stamp(), who, action, report_id, version, note, _dump(detail or {})),
        )

    def log(self, report_id: int | None = None, limit: int | None = None) -> list[LogEntry]:
        """The log, newest first: of one report, or of everything."""
        sql = "SELECT at, who, action, report_id, version, note, detail FROM dept_log"
        args: list[Any] = []
        if report_id is not None:
            sql += " WHERE report_id = ?"
            args.append(report_id)
        sql += " ORDER BY id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(int(limit))
        with self.store.read() as c:
            return [
                LogEntry(local_time(at), who, action, rid, ver, note, json.loads(detail))
                for at, who, action, rid, ver, note, detail in c.execute(sql, args)
            ]

    # ------------------------------------------------------------------ the unit list

    def units(self) -> list[ListedUnit]:
        """Every unit on the list, by code."""
        with self.store.read() as c:
            rows = c.execute(
                "SELECT id, code, name, level, email, phone, valid_from, valid_until FROM dept_units ORDER BY code"
            ).fetchall()
        return [_unit(r) for r in rows]

    def expected_units(self, period: Period) -> list[ListedUnit]:
        """The units expected to report for `period`: those that exist on its last day (after the 2025 mergers a
        commune dissolved on 30/6 reports for June, not July)."""
        return [u for u in self.units() if u.exists_on(period.end)]

    def unit(self, unit_id: int) -> ListedUnit:
        for u in self.units():
            if u.id == unit_id:
                return u
        raise NotFound(f"Không có đơn vị số {unit_id} trong danh sách. Xem danh sách: kpdesk department units")

    def find_unit(self, text: str) -> ListedUnit:
        """The unit a user names by its code or its name (with or without "xã"/"phường", without diacritics)."""
        units = self.units()
        wanted = fold(text)
        found = [u for u in units if fold(u.code) == wanted] or [
            u for u in units if wanted in (fold(u.full_name), fold(u.name))
        ]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            names = ", ".join(f"{u.code} ({u.title})" for u in found)
            raise DepartmentError(f"«{text}» khớp nhiều đơn vị: {names}. Hãy ghi mã đơn vị.")
        close = suggest_units(text, units)
        hint = f" Có phải: {', '.join(f'{u.title} (mã {u.code})' for u in close)}?" if close else ""
        raise DepartmentError(
            f"Không có đơn vị «{text}» trong danh sách của Sở.{hint} Xem danh sách: kpdesk department units"
        )

    def import_units(self, units: Iterable[ListedUnit], *, who: str = "") -> UnitImport:
        """Add the units that are new (by code) and update the others; units not in `units` are kept (a list that
        leaves a commune out does not erase its reports). Reports received before from senders not on the list
        that now match a unit exactly (as intake matches) join it, logged as a match by `who`; near matches stay
        for matching by hand."""
        who = who or who_default()
        added = updated = unchanged = 0
        now = now_stamp()
        with self.store.tx() as c:
            for u in units:
                values = (
                    u.name,
                    u.level,
                    u.email,
                    u.phone,
                    u.valid_from and u.valid_from.isoformat(),
                    u.valid_until and u.valid_until.isoformat(),
                )
                row = c.execute(
                    "SELECT id, name, level, email, phone, valid_from, valid_until FROM dept_units WHERE code = ?",
                    (u.code,),
                ).fetchone()
                if row is None:
                    c.execute(
                        "INSERT INTO dept_units (code, name, level, email, phone, valid_from, valid_until, "
                        "created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (u.code, *values, now, now),
                    )
                    added += 1
                elif tuple(row[1:]) != values:
                    c.execute(
                        "UPDATE dept_units SET name = ?, level = ?, email = ?, phone = ?, valid_from = ?, "
                        "valid_until = ?, updated = ? WHERE id = ?",
                        (*values, now, row[0]),
                    )
                    updated += 1
                else:
                    unchanged += 1
            counted = UnitImport(added, updated, unchanged)
            self._log(c, "units", note=counted.text, who=who)
            listed = [
                _unit(r)
                for r in c.execute(
                    "SELECT id, code, name, level, email, phone, valid_from, valid_until FROM dept_units ORDER BY code"
                )
            ]
            matcher = UnitMatcher(listed, dict(c.execute("SELECT sender_key, unit_id FROM dept_aliases").fetchall()))
            unmatched = c.execute(
                "SELECT r.id, r.sender, r.kind, r.period_key, (SELECT v.data FROM dept_versions v WHERE v.report_id "
                "= r.id ORDER BY v.version DESC LIMIT 1) FROM dept_reports r WHERE r.unit_id IS NULL AND "
                "r.merged_into IS NULL ORDER BY r.id"
            ).fetchall()
            matched = 0
            for report_id, sender, kind, pkey, data in unmatched:
                sent_by = json.loads(data).get("unit", {}) if data else {}
                unit = matcher.match(str(sent_by.get("name", "")), str(sent_by.get("level", "")))
                if unit is not None:
                    self._join(
                        c,
                        report_id,
                        sender,
                        kind,
                        pkey,
                        unit,
                        who=who,
                        note=f"«{sender}» là {unit.title} (mã {unit.code}), ghép khi nhập danh sách đơn vị",
                    )
                    matched += 1
        return replace(counted, matched=matched, unmatched=len(unmatched) - matched)

    def aliases(self) -> dict[str, int]:
        """Sender names matched to a unit by hand: folded "level name" → unit id."""
        with self.store.read() as c:
            return dict(c.execute("SELECT sender_key, unit_id FROM dept_aliases").fetchall())

    # ------------------------------------------------------------------ reports and versions

    def submission(self, report_id: int) -> Submission:
        with self.store.read() as c:
            row = c.execute(
                f"SELECT {_REPORT_COLS}, (SELECT COUNT(*) FROM dept_versions v WHERE v.report_id = r.id) "
                "FROM dept_reports r WHERE r.id = ?",
                (report_id,),
            ).fetchone()
        if row is None:
            raise NotFound(f"Không có báo cáo số {report_id} trong danh sách đã nhận.")
        return _submission(row)

    def submissions(self, kind: str | None = None, period: Period | None = None) -> list[Submission]:
        """The reports received (not merged into another), for a kind and period when given."""
        where, args = ["r.merged_into IS NULL"], []
        if kind is not None:
            where.append("r.kind = ?")
            args.append(kind)
        if period is not None:
            where.append("r.period_key = ?")
            args.append(period_key(period))
        with self.store.read() as c:
            rows = c.execute(
                f"SELECT {_REPORT_COLS}, (SELECT COUNT(*) FROM dept_versions v WHERE v.report_id = r.id) "
                f"FROM dept_reports r WHERE {' AND '.join(where)} ORDER BY r.id",
                args,
            ).fetchall()
        return [_submission(r) for r in rows]

    def find_submission(self, unit: ListedUnit, kind: str, period: Period) -> Submission | None:
        for r in self.submissions(kind, period):
            if r.unit_id == unit.id:
                return r
        return None

    def versions(self, report_id: int) -> list[Version]:
        """Every version of a report, oldest first."""
        with self.store.read() as c:
            rows = c.execute(
                f"SELECT {_VERSION_COLS} FROM dept_versions WHERE report_id = ? ORDER BY version", (report_id,)
            ).fetchall()
        return [_version(r) for r in rows]

    def latest(self, report_id: int) -> Version:
        found = self.versions(report_id)
        if not found:
            raise NotFound(f"Báo cáo số {report_id} chưa có phiên bản nào.")
        return found[-1]

    def versions_for(self, kind: str, period: Period) -> dict[int, list[Version]]:
        """Every version of every report of a kind and period, by report id, oldest first (one query)."""
        with self.store.read() as c:
            rows = c.execute(
                f"SELECT {', '.join('v.' + col.strip() for col in _VERSION_COLS.split(','))} "
                "FROM dept_versions v JOIN dept_reports r ON r.id = v.report_id "
                "WHERE r.kind = ? AND r.period_key = ? AND r.merged_into IS NULL "
                "ORDER BY v.report_id, v.version",
                (kind, period_key(period)),
            ).fetchall()
        out: dict[int, list[Version]] = {}
        for row in rows:
            v = _version(row)
            out.setdefault(v.report_id, []).append(v)
        return out

    def summaries(self, kind: str, period_keys: Sequence[str]) -> list[Summary]:
        """What status needs of every report of `kind` for these periods, without reading their drafts: one query."""
        if not period_keys:
            return []
        marks = ", ".join("?" * len(period_keys))
        sql = f"""
            SELECT r.id, r.unit_id, r.sender, r.period_key, r.state, r.state_note,
                   first.received_on, first.sent_on, last.version, last.received_on, last.errors, last.warnings,
                   last.edited != '[]'
            FROM dept_reports r
            JOIN dept_versions first ON first.report_id = r.id AND first.version =
                 (SELECT MIN(version) FROM dept_versions WHERE report_id = r.id)
            JOIN dept_versions last ON last.report_id = r.id AND last.version =
                 (SELECT MAX(version) FROM dept_versions WHERE report_id = r.id)
            WHERE r.kind = ? AND r.period_key IN ({marks}) AND r.merged_into IS NULL
            ORDER BY r.id"""
        with self.store.read() as c:
            rows = c.execute(sql, (kind, *period_keys)).fetchall()
        return [
            Summary(
                i,
                u,
                sender,
                pk,
                state,
                dt.date.fromisoformat(first_on),
                _date(first_sent),
                version,
                dt.date.fromisoformat(last_on),
                errors,
                warnings,
                bool(edited),
                note,
            )
            for i, u, sender, pk, state, note, first_on, first_sent, version, last_on, errors, warnings, edited in rows
        ]

    def known_file(self, file_sha256: str) -> tuple[int | None, int | None]:
        """(report id, version) of a version received from this very file, or (None, None); a file with no kpdesk
        data received before gives (None, 0)."""
        with self.store.read() as c:
            row = c.execute(
                "SELECT report_id, version FROM dept_versions WHERE file_sha256 = ? LIMIT 1", (file_sha256,)
            ).fetchone()
            if row:
                return row[0], row[1]
            if c.execute("SELECT 1 FROM dept_files WHERE file_sha256 = ?", (file_sha256,)).fetchone():
                return None, 0
        return None, None

    def add_version(
        self,
        draft: Draft,
        *,
        unit: ListedUnit | None,
        file_name: str,
        file_sha256: str,
        payload_sha256: str,
        source: str,
        received_on: dt.date,
        problems: Sequence[Problem],
        edited: Sequence[dict[str, str]] = (),
        manual: bool = False,
        who: str = "",
    ) -> tuple[Submission, int]:
        """Store a received draft as the next version of its sender's report for its kind and period (a new report
        when it is the first); return the report and the version number. A version with the same content as one
        already received is not stored: `DuplicateSubmission` says which."""
        sender = draft.unit.full_name
        key = fold(sender)
        pkey = period_key(draft.period)
        now = now_stamp()
        with self.store.tx() as c:
            row = None
            if unit is not None:
                row = c.execute(
                    "SELECT id, state FROM dept_reports WHERE unit_id = ? AND kind = ? AND period_key = ? "
                    "AND merged_into IS NULL",
                    (unit.id, draft.kind, pkey),
                ).fetchone()
            else:
                row = c.execute(
                    "SELECT id, state FROM dept_reports WHERE unit_id IS NULL AND sender_key = ? AND "
                    "kind = ? AND period_key = ? AND merged_into IS NULL",
                    (key, draft.kind, pkey),
                ).fetchone()
            if row is None:
                report_id = c.execute(
                    "INSERT INTO dept_reports (unit_id, sender, sender_key, kind, period_key, state, state_at, "
                    "created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (unit.id if unit else None, sender, key, draft.kind, pkey, RECEIVED, now, now),
                ).lastrowid
                number = 1
            else:
                report_id = row[0]
                same = c.execute(
                    "SELECT version FROM dept_versions WHERE report_id = ? AND payload_sha256 = ?",
                    (report_id, payload_sha256),
                ).fetchone()
                if same is not None:
                    raise DuplicateSubmission(report_id, same[0])
                number = c.execute(
                    "SELECT COALESCE(MAX(version), 0) + 1 FROM dept_versions WHERE report_id = ?", (report_id,)
                ).fetchone()[0]
                if row[1] != RECEIVED:  # a corrected version reopens a returned (or accepted) report
                    c.execute(
                        "UPDATE dept_reports SET state = ?, state_note = '', state_by = ?, state_at = ? WHERE id = ?",
                        (RECEIVED, who, now, report_id),
                    )
            assert report_id is not None
            records = [problem_record(p) for p in problems]
            c.execute(
                f"INSERT INTO dept_versions ({_VERSION_COLS.replace('id, ', '', 1)}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    report_id,
                    number,
                    file_name,
                    file_sha256,
                    payload_sha256,
                    source,
                    now,
                    received_on.isoformat(),
                    draft.date.isoformat() if draft.date else None,
                    draft.kind_version,
                    _dump(drafts.to_json(draft)),
                    _dump(records),
                    sum(p.is_error for p in problems),
                    sum(not p.is_error for p in problems),
                    _dump(list(edited)),
                    int(manual),
                ),
            )
            action = "manual" if manual else ("received" if number == 1 else "new_version")
            self._log(
                c,
                action,
                report_id=report_id,
                version=number,
                who=who,
                detail={"file": file_name, "sha256": file_sha256, "source": source},
            )
        return self.submission(report_id), number

    def log_duplicate(self, report_id: int, version: int, file_name: str, *, who: str = "") -> None:
        with self.store.tx() as c:
            self._log(c, "duplicate", report_id=report_id, version=version, who=who, detail={"file": file_name})

    # ------------------------------------------------------------------ review

    def set_state(
        self, report_id: int, state: str, note: str = "", *, who: str = "", detail: dict[str, Any] | None = None
    ) -> Submission:
        """Move a report to `state` (received = reopen, problems, returned, accepted) with a note (required for
        problems: it says which); the change is logged."""
        if state not in STATES:
            raise DepartmentError(f"Trạng thái «{state}» không hợp lệ; dùng: {', '.join(STATES)}.")
        report = self.submission(report_id)
        if state == PROBLEMS and not note.strip():
            raise DepartmentError(
                f"Hãy ghi vấn đề cần xem ở báo cáo của {report.sender} ({report.period.label}) vào "
                'ô «Ghi chú» (dòng lệnh: --note "…"), rồi đánh dấu lại.'
            )
        if report.state == state:
            raise DepartmentError(
                f"Báo cáo của {report.sender} ({report.period.label}) đã ở trạng thái «{STATE_LABELS[state]}»."
            )
        who = who or who_default()
        with self.store.tx() as c:
            c.execute(
                "UPDATE dept_reports SET state = ?, state_note = ?, state_by = ?, state_at = ? WHERE id = ?",
                (state, note, who, now_stamp(), report_id),
            )
            action = {RECEIVED: "reopened", PROBLEMS: "flagged", RETURNED: "returned", ACCEPTED: "accepted"}[state]
            self._log(c, action, report_id=report_id, version=report.versions, note=note, who=who, detail=detail)
        return self.submission(report_id)

    def match(self, report_id: int, unit: ListedUnit, *, who: str = "") -> Submission:
        """Say that an unmatched sender is `unit` (a name typed with a slip): the report becomes the unit's (its
        versions join the unit's report when it already has one), and later reports with that name match."""
        report = self.submission(report_id)
        if report.unit_id == unit.id:
            return report
        who = who or who_default()
        with self.store.tx() as c:
            key = c.execute("SELECT sender_key FROM dept_reports WHERE id = ?", (report_id,)).fetchone()[0]
            c.execute(
                "INSERT INTO dept_aliases (sender_key, unit_id, created) VALUES (?, ?, ?) "
                "ON CONFLICT(sender_key) DO UPDATE SET unit_id = excluded.unit_id",
                (key, unit.id, now_stamp()),
            )
            target = self._join(
                c,
                report_id,
                report.sender,
                report.kind,
                report.period_key,
                unit,
                who=who,
                note=f"«{report.sender}» là {unit.title} (mã {unit.code})",
            )
        return self.submission(target)

    def _join(
        self,
        c: sqlite3.Connection,
        report_id: int,
        sender: str,
        kind: str,
        pkey: str,
        unit: ListedUnit,
        *,
        who: str,
        note: str,
    ) -> int:
        """Make a report the unit's (its versions join the unit's report of that kind and period when there is one),
        log it; return the id of the report they are in now."""
        now = now_stamp()
        existing = c.execute(
            "SELECT id FROM dept_reports WHERE unit_id = ? AND kind = ? AND period_key = ? AND merged_into IS NULL",
            (unit.id, kind, pkey),
        ).fetchone()
        target = report_id
        if existing is None:
            c.execute("UPDATE dept_reports SET unit_id = ? WHERE id = ?", (unit.id, report_id))
        else:
            target = existing[0]
            base = c.execute(
                "SELECT COALESCE(MAX(version), 0) FROM dept_versions WHERE report_id = ?", (target,)
            ).fetchone()[0]
            c.execute(
                "UPDATE dept_versions SET report_id = ?, version = version + ? WHERE report_id = ?",
                (target, base, report_id),
            )
            c.execute("UPDATE dept_reports SET merged_into = ? WHERE id = ?", (target, report_id))
            c.execute("UPDATE dept_reports SET state = ?, state_at = ? WHERE id = ?", (RECEIVED, now, target))
        self._log(c, "matched", report_id=target, note=note, who=who, detail={"from_report": report_id})
        return target

    # ------------------------------------------------------------------ deadlines

    def deadlines(self, kind: str) -> dict[str, dt.date]:
        """The last on-time day the department set for each period of `kind`, by period key."""
        with self.store.read() as c:
            return {
                k: dt.date.fromisoformat(d)
                for k, d in c.execute("SELECT period_key, last_day FROM dept_deadlines WHERE kind = ?", (kind,))
            }

    def set_deadline(self, kind: str, period: Period, last_day: dt.date | None, *, who: str = "") -> None:
        """Set (or with None, remove) the last on-time day of `kind`'s reports for `period`."""
        key = period_key(period)
        with self.store.tx() as c:
            if last_day is None:
                c.execute("DELETE FROM dept_deadlines WHERE kind = ? AND period_key = ?", (kind, key))
            else:
                c.execute(
                    "INSERT INTO dept_deadlines (kind, period_key, last_day, set_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(kind, period_key) DO UPDATE SET last_day = excluded.last_day, "
                    "set_at = excluded.set_at",
                    (kind, key, last_day.isoformat(), now_stamp()),
                )
            self._log(c, "deadline", who=who, note=f"{kind} {key}: {last_day.isoformat() if last_day else 'bỏ hạn'}")

    # ------------------------------------------------------------------ files without data

    def add_file(self, file_name: str, file_sha256: str, source: str, received_on: dt.date, *, who: str = "") -> int:
        with self.store.tx() as c:
            file_id = c.execute(
                "INSERT INTO dept_files (file_name, file_sha256, source, received, received_on) VALUES (?, ?, ?, ?, ?)",
                (file_name, file_sha256, source, now_stamp(), received_on.isoformat()),
            ).lastrowid
            self._log(c, "file", who=who, detail={"file": file_name, "sha256": file_sha256, "id": file_id})
        assert file_id is not None
        return file_id

    def files(self, *, waiting: bool = True) -> list[ReceivedFile]:
        """Received files with no kpdesk data: those still to be entered by hand (or all)."""
        sql = "SELECT id, file_name, file_sha256, source, received_on, version_id FROM dept_files"
        if waiting:
            sql += " WHERE version_id IS NULL"
        with self.store.read() as c:
            return [
                ReceivedFile(i, n, s, src, dt.date.fromisoformat(on), v)
                for i, n, s, src, on, v in c.execute(sql + " ORDER BY id")
            ]

    def file(self, file_id: int) -> ReceivedFile:
        for f in self.files(waiting=False):
            if f.id == file_id:
                return f
        raise NotFound(f"Không có tệp số {file_id} trong các tệp chờ nhập tay. Xem: kpdesk department files")

    def entered(self, file_id: int, version_id: int) -> None:
        with self.store.tx() as c:
            c.execute("UPDATE dept_files SET version_id = ? WHERE id = ?", (version_id, file_id))

    def version_id(self, report_id: int, number: int) -> int:
        with self.store.read() as c:
            row = c.execute(
                "SELECT id FROM dept_versions WHERE report_id = ? AND version = ?", (report_id, number)
            ).fetchone()
        if row is None:
            raise NotFound(f"Báo cáo số {report_id} không có phiên bản {number}.")
        return row[0]


class DuplicateSubmission(DepartmentError):
    """A report whose content was already received (as `version` of `report_id`)."""

    def __init__(self, report_id: int, version: int) -> None:
        super().__init__(f"trùng nội dung với bản {version} đã nhận")
        self.report_id = report_id
        self.version = version
