"""The department's letters to the communes — a return for correction (with its correction slip) and a reminder —
made as drafts of the department's report kinds, stored, and written through the one Decree 30 rendering path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kpdesk import draft as drafts
from kpdesk import vn
from kpdesk.deadlines import deadline, period_key
from kpdesk.department.records import RETURNED, Records, Submission, Version, who_default
from kpdesk.department.status import Status
from kpdesk.draft import Draft, Period
from kpdesk.errors import DepartmentError, KpdeskError
from kpdesk.kinds import Kind, get_kind, kind_of
from kpdesk.store import Store, UnitProfile
from kpdesk.vocab import DOC_LABELS, DOCUMENT, DOCUMENT_TITLE, FORM_NAMES, document_number

#: The department's kinds these letters are drafts of (templates/<id>/).
RETURN_KIND = "tra-lai-bao-cao"
REMINDER_KIND = "don-doc-bao-cao"
#: How long a commune gets to send a corrected report when the department does not say.
RESUBMIT_DAYS = 7


@dataclass(frozen=True)
class Point:
    """One thing to correct: where (section, field, row, column) and what (the note)."""

    note: str
    section: str = ""  # the section's title as the commune's wizard shows it
    field: str = ""  # the field id (or document part) the commune's kpdesk shows the note beside
    label: str = ""  # the field's label
    row: int | None = None
    column: str = ""  # the table column id

    def to_row(self) -> dict[str, Any]:
        return {
            "section": self.section or None,
            "field": self.field or None,
            "label": self.label or None,
            "row": self.row,
            "column": self.column or None,
            "note": self.note,
        }


@dataclass(frozen=True)
class Issued:
    """A letter written: its stored draft and the file."""

    draft_id: int
    path: Path
    sha256: str
    draft: Draft


def department_profile(store: Store) -> UnitProfile:
    """The department's own profile; a clear way out when it was never entered."""
    profile = store.department()
    if profile is None or profile.id is None:
        raise DepartmentError(
            "Chưa có thông tin của Sở (tên, ký hiệu, người ký). Hãy nhập ở «Thông tin của Sở» "
            'trong cửa sổ, hoặc bằng lệnh: kpdesk department profile --name "Sở Khoa học và Công '
            'nghệ" --province "Thanh Hóa" --agency-symbol SKHCN --office-symbol QLKH '
            '--signer "KT. GIÁM ĐỐC;PHÓ GIÁM ĐỐC;Họ và tên"'
        )
    return profile


def _letter(
    store: Store,
    kind_id: str,
    period: Period,
    *,
    to: Sequence[str],
    values: dict[str, Any],
    number: str | None,
    date: dt.date | None,
) -> Draft:
    profile = department_profile(store)
    kind = get_kind(kind_id)
    unit = profile.to_unit()
    signer = profile.default_signer
    recipients = profile.default_recipients or tuple(drafts.fill_unit(t, unit) for t in kind.default_recipients)
    return drafts.new_draft(
        kind,
        period,
        unit,
        form="cong_van",
        number=number,
        date=date,
        signer=signer.to_signer() if signer else drafts.Signer(),
        to=tuple(to),
        recipients=tuple(recipients),
        values=values,
    )


def report_reference(kind: Kind, draft: Draft) -> str:
    """How a letter names the report it answers: "Báo cáo số 05/BC-UBND ngày 15/4/2026" (as far as it is known)."""
    from kpdesk.render import symbol

    name = FORM_NAMES.get(draft.form, "Báo cáo") if draft.form == "cong_van" else kind.doc_type.capitalize()
    number = document_number(draft.number)
    text = f"{name} số {number}/{symbol(kind, draft)}" if number else name
    if draft.date:
        text += f" ngày {vn.format_date(draft.date)}"
    return text


def points_of(kind: Kind, version: Version) -> list[Point]:
    """What a received version should correct: its problems (errors first), and an edited document."""
    points = []
    for p in sorted(version.problems, key=lambda p: p["severity"] != "error"):
        field = p.get("field") or ""
        section = (
            DOCUMENT_TITLE
            if p.get("section") == DOCUMENT
            else next((s.title for s in kind.sections if s.id == p.get("section")), "")
        )
        label = DOC_LABELS.get(field, "") if field.startswith("_") else kind.label_of(field)
        if p.get("column") and field and not field.startswith("_"):
            try:
                label = f"{label}, cột «{kind.field(field).column(p['column']).label}»"
            except KeyError:
                pass
        points.append(
            Point(p.get("detail") or p["message"], section, field, label, p.get("row"), p.get("column") or "")
        )
    if version.edited:
        shown = "; ".join(
            f"dữ liệu ghi «{d['expected'] or '(không có)'}», văn bản ghi «{d['found'] or '(không có)'}»"
            for d in version.edited[:5]
        )
        more = f" và {len(version.edited) - 5} chỗ khác" if len(version.edited) > 5 else ""
        points.append(
            Point(
                f"Văn bản gửi Sở khác với số liệu kèm trong tệp ({shown}{more}); đề nghị sửa trong "
                "kpdesk rồi xuất lại báo cáo, không sửa trực tiếp trong Word",
                label="Nội dung văn bản",
            )
        )
    return points


def return_letter(
    records: Records,
    submission: Submission,
    *,
    points: Sequence[Point] | None = None,
    note: str = "",
    resubmit_by: dt.date | None = None,
    number: str | None = None,
    date: dt.date | None = None,
    today: dt.date | None = None,
) -> Draft:
    """The draft of a letter returning `submission` for correction: each point by section and field (by default
    every problem of its latest version and the figures edited after export), plus `note`."""
    today = today or dt.date.today()
    version = records.latest(submission.id)
    kind = kind_of(version.draft)
    chosen = list(points_of(kind, version) if points is None else points)
    if note.strip():
        chosen.append(Point(vn.clean_text(note).strip()))
    if not chosen:
        raise DepartmentError(
            f"Báo cáo {submission.period.label} của {submission.sender} không có lỗi hay cảnh báo "
            'nào; hãy ghi rõ điều cần sửa (--note "…" hoặc ô «Nội dung cần sửa»).'
        )
    unit = records.unit(submission.unit_id) if submission.unit_id is not None else None
    report_draft = version.draft
    values: dict[str, Any] = {
        "report_unit": unit.full_name if unit else submission.sender,
        "report_unit_code": unit.code if unit else None,
        "report_kind": kind.id,
        "report_kind_name": kind.name,
        "report_version": version.number,
        "report_ref": report_reference(kind, report_draft),
        "report_received": version.received_on,
        "points": [p.to_row() for p in chosen],
        "resubmit_by": resubmit_by or (today + dt.timedelta(days=RESUBMIT_DAYS)),
    }
    values = {k: v for k, v in values.items() if v is not None}
    letter_kind = get_kind(RETURN_KIND)
    values = {k: drafts.value_from_json(letter_kind.field(k), _json(letter_kind, k, v)) for k, v in values.items()}
    return _letter(
        records.store,
        RETURN_KIND,
        submission.period,
        to=[f"Ủy ban nhân dân {values['report_unit']}"],
        values=values,
        number=number,
        date=date or today,
    )


def reminder_letter(
    records: Records,
    status: Status,
    *,
    resubmit_by: dt.date | None = None,
    number: str | None = None,
    date: dt.date | None = None,
    today: dt.date | None = None,
) -> Draft:
    """The draft of a letter reminding the units whose report for `status`'s kind and period is still missing
    (and naming those that sent late), addressed to the missing ones."""
    today = today or dt.date.today()
    missing = status.missing
    late = [r for r in status.rows if r.unit is not None and r.summary is not None and r.late]
    if not status.expected:
        raise DepartmentError(
            "Chưa có danh sách đơn vị nên chưa biết đơn vị nào chưa gửi báo cáo; hãy nhập danh "
            "sách: kpdesk department units import TỆP.csv (hoặc trong cửa sổ: «Danh sách đơn vị»)."
        )
    if not missing:
        also = (
            f" {len(late)} đơn vị gửi muộn: xem tình hình gửi báo cáo (kpdesk department status --kind "
            f"{status.kind.id} --period {period_key(status.period)})."
            if late
            else ""
        )
        raise DepartmentError(
            f"Tất cả {status.expected} đơn vị đã gửi báo cáo kỳ {status.period.label} "
            f"({status.kind.short}); không cần đôn đốc.{also}"
        )
    values: dict[str, Any] = {
        "report_kind": status.kind.id,
        "report_kind_name": status.kind.name,
        "deadline_text": status.deadline.text if status.deadline else None,
        "as_of": today,
        "missing": [{"code": r.unit.code, "name": r.unit.full_name} for r in missing if r.unit],
        "late": [{"code": r.unit.code, "name": r.unit.full_name, "days": r.days_late} for r in late if r.unit] or None,
        "resubmit_by": resubmit_by or (today + dt.timedelta(days=RESUBMIT_DAYS)),
    }
    kind = get_kind(REMINDER_KIND)
    values = {k: drafts.value_from_json(kind.field(k), _json(kind, k, v)) for k, v in values.items() if v is not None}
    to = [f"Ủy ban nhân dân {r.unit.full_name}" for r in missing if r.unit]
    return _letter(records.store, REMINDER_KIND, status.period, to=to, values=values, number=number, date=date or today)


def _json(kind: Kind, field_id: str, value: Any) -> Any:
    """`value` in its JSON form, as a draft file would hold it (dates as ISO text)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()} for row in value]
    return value


def issue(records: Records, letter: Draft, path: Path, *, today: dt.date | None = None) -> Issued:
    """Store the letter as a draft of the department, write its .docx to `path` (refused while it has errors, with
    the way to fix them) and record the export."""
    from kpdesk.render import render_to_file

    store = records.store
    profile = department_profile(store)
    assert profile.id is not None
    result = render_to_file(letter, Path(path), today=today)  # checks first: nothing is stored for a refused letter
    try:
        with store.tx():
            draft_id = store.add_draft(letter, profile.id)
            store.record_export(draft_id, result.path.resolve(), result.sha256, store.info(draft_id).revision)
    except KpdeskError as exc:
        raise DepartmentError(
            f"Đã ghi tệp {result.path}, nhưng chưa lưu được công văn vào danh sách của Sở "
            f"({exc.message}). Tệp vẫn dùng được; hãy thử lại để kpdesk ghi nhận."
        ) from None
    return Issued(draft_id, result.path, result.sha256, letter)


def return_report(
    records: Records,
    submission: Submission,
    path: Path,
    *,
    note: str = "",
    points: Sequence[Point] | None = None,
    resubmit_by: dt.date | None = None,
    number: str | None = None,
    date: dt.date | None = None,
    who: str = "",
    today: dt.date | None = None,
) -> Issued:
    """Write the return letter for `submission` to `path` and mark the report returned (logged with the letter)."""
    letter = return_letter(
        records, submission, points=points, note=note, resubmit_by=resubmit_by, number=number, date=date, today=today
    )
    issued = issue(records, letter, path, today=today)
    count = len(letter.values.get("points") or ())
    records.set_state(
        submission.id,
        RETURNED,
        f"{count} nội dung cần sửa; công văn {path.name}",
        who=who or who_default(),
        detail={"letter_draft": issued.draft_id, "file": str(issued.path), "sha256": issued.sha256},
    )
    return issued


def remind(
    records: Records,
    status: Status,
    path: Path,
    *,
    resubmit_by: dt.date | None = None,
    number: str | None = None,
    date: dt.date | None = None,
    who: str = "",
    today: dt.date | None = None,
) -> Issued:
    """Write the reminder for `status`'s kind and period to `path` (logged)."""
    letter = reminder_letter(records, status, resubmit_by=resubmit_by, number=number, date=date, today=today)
    issued = issue(records, letter, path, today=today)
    with records.store.tx() as c:
        records._log(
            c,
            "reminded",
            who=who or who_default(),
            note=f"{status.kind.short} {period_key(status.period)}: {len(status.missing)} đơn vị",
            detail={
                "letter_draft": issued.draft_id,
                "file": str(issued.path),
                "units": [r.unit.code for r in status.missing if r.unit],
            },
        )
    return issued


__all__ = [
    "REMINDER_KIND",
    "RETURN_KIND",
    "Issued",
    "Point",
    "deadline",
    "department_profile",
    "issue",
    "points_of",
    "remind",
    "reminder_letter",
    "report_reference",
    "return_letter",
    "return_report",
]
