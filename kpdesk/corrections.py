"""The commune's side of a return: a department's return letter, imported, puts its points beside the fields of the
report they concern until the report is exported again."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kpdesk import vn
from kpdesk.draft import Draft
from kpdesk.errors import DraftError, KpdeskError, StoreError
from kpdesk.files import sha256_hex
from kpdesk.kinds import Kind, get_kind
from kpdesk.store import DraftId, Store, UnitId, fold
from kpdesk.store.database import local_time, now_stamp
from kpdesk.store.drafts import AlreadyStored
from kpdesk.validate import Problem
from kpdesk.vocab import DOC_LABELS, DOCUMENT, DOCUMENT_TITLE, document_number

#: The kind of the department's return letter: its values are the correction slip.
RETURN_KIND = "tra-lai-bao-cao"
NOTE_CODE = "department.note"


@dataclass(frozen=True)
class Correction:
    """A department's return letter attached to a draft: who wrote, and each point to correct."""

    id: int
    draft_id: int
    letter: str  # "Công văn số 215/SKHCN-QLKH ngày 20/5/2026 của Sở Khoa học và Công nghệ"
    received: dt.datetime
    items: tuple[dict[str, Any], ...]
    cleared: dt.datetime | None  # when the draft was exported again (no longer shown)


@dataclass(frozen=True)
class Imported:
    """What importing a file did: a draft added, or a return letter attached to a draft."""

    draft_id: DraftId
    text: str
    correction: Correction | None = None
    #: The draft was already stored with the same content: nothing was added (`draft_id` is the stored one).
    already: bool = False


def is_return_letter(draft: Draft) -> bool:
    return draft.kind == RETURN_KIND


def letter_reference(letter: Draft) -> str:
    """ "Công văn số 215/SKHCN-QLKH ngày 20/5/2026 của Sở Khoa học và Công nghệ"."""
    from kpdesk.render import symbol

    number = document_number(letter.number)
    text = f"Công văn số {number}/{symbol(get_kind(letter.kind), letter)}" if number else "Công văn"
    if letter.date:
        text += f" ngày {vn.format_date(letter.date)}"
    return f"{text} của {letter.unit.full_name}"


def attach(store: Store, letter: Draft, letter_sha256: str) -> Correction:
    """Attach a return letter to the draft it concerns (same kind, period and unit; the exported one, else the
    latest); raise `StoreError` saying what to do when this PC has no such draft. Attaching the same letter twice
    changes nothing."""
    values = letter.values
    kind_id, unit_name = values.get("report_kind"), values.get("report_unit") or ""
    if not isinstance(kind_id, str):
        raise DraftError("Công văn trả lại không ghi loại báo cáo cần sửa (report_kind); không gắn được vào báo cáo.")
    candidates = [
        i for i in store.list_drafts(kind=kind_id, period=letter.period) if fold(i.unit_name) == fold(unit_name)
    ]
    if not candidates:
        raise StoreError(
            f"{letter_reference(letter)} đề nghị hoàn thiện báo cáo {letter.period.label} của "
            f"{unit_name}, nhưng máy này không có báo cáo đó. Hãy nhập báo cáo đã gửi (tệp .docx) "
            "trước, rồi nhập lại công văn."
        )
    target = max(candidates, key=lambda i: (i.status == "exported", i.updated))
    items = [dict(row) for row in values.get("points") or []]
    with store.tx() as c:
        row = c.execute(
            "SELECT id FROM corrections WHERE draft_id = ? AND letter_sha256 = ?", (target.id, letter_sha256)
        ).fetchone()
        if row is None:
            c.execute(
                "INSERT INTO corrections (draft_id, letter_sha256, letter, received, items) VALUES (?, ?, ?, ?, ?)",
                (
                    target.id,
                    letter_sha256,
                    letter_reference(letter),
                    now_stamp(),
                    json.dumps(items, ensure_ascii=False, default=str),
                ),
            )
    return next(x for x in corrections(store, target.id, active=False) if x.letter == letter_reference(letter))


def corrections(store: Store, draft_id: int, *, active: bool = True) -> list[Correction]:
    """The return letters attached to a draft: those not yet answered by a new export (or all), oldest first."""
    sql = "SELECT id, draft_id, letter, received, items, cleared FROM corrections WHERE draft_id = ?"
    if active:
        sql += " AND cleared IS NULL"
    with store.read() as c:
        rows = c.execute(sql + " ORDER BY id", (draft_id,)).fetchall()
    return [
        Correction(
            i, d, letter, local_time(received), tuple(json.loads(items)), local_time(cleared) if cleared else None
        )
        for i, d, letter, received, items, cleared in rows
    ]


def as_problems(kind: Kind, found: list[Correction]) -> list[Problem]:
    """Each point of the active letters as a warning beside its field ("Sở đề nghị: …"), in «Cần xem lại» too."""
    out = []
    for correction in found:
        for item in correction.items:
            note = vn.clean_text(str(item.get("note") or "")).strip()
            if not note:
                continue
            field = str(item.get("field") or "")
            row = item.get("row") if isinstance(item.get("row"), int) else None
            column = str(item.get("column") or "") or None
            if field.startswith("_") or not field:
                section, title = DOCUMENT, DOCUMENT_TITLE
                label = DOC_LABELS.get(field) or str(item.get("label") or "")
            else:
                try:
                    section_obj = kind.section_of(field)
                    section, title, label = section_obj.id, section_obj.title, kind.label_of(field)
                except KeyError:  # a field of another version of the kind: shown with the letter's own words
                    section, title, label = DOCUMENT, DOCUMENT_TITLE, str(item.get("label") or field)
                    field = ""
            place = f"Mục «{title}»" + (f", «{label}»" if label else "") + (f", dòng {row}" if row else "")
            detail = f"Sở đề nghị: {note}"
            out.append(Problem(section, field, "warning", NOTE_CODE, f"{place}: {detail}", row, detail, column))
    return out


def import_path(store: Store, path: Path, unit_id: UnitId | None = None) -> Imported:
    """Import a file into the commune's store: a draft (.json or kpdesk's .docx) becomes a draft; a department's
    return letter (.docx) is attached to the report it concerns."""
    from kpdesk.render import draft_from_docx

    path = Path(path)
    if path.suffix.lower() == ".docx":
        try:
            letter = draft_from_docx(path)  # the safe reader: a regular file of sensible size, or a clear refusal
        except KpdeskError:
            letter = None  # the store's import says why
        if letter is not None and is_return_letter(letter):
            found = attach(store, letter, sha256_hex(path.read_bytes()))
            info = store.info(DraftId(found.draft_id))
            return Imported(
                DraftId(found.draft_id),
                f"Đã nhận {found.letter}: {len(found.items)} nội dung cần sửa, đã gắn vào bản nháp số "
                f"{found.draft_id} ({info.unit_name}, {info.period.label}). Mở bản nháp để xem cạnh "
                "từng ô, sửa rồi xuất lại.",
                found,
            )
    try:
        draft_id = store.import_file(path, unit_id, allow_same=False)
    except AlreadyStored as exc:
        return Imported(exc.draft_id, exc.message, already=True)
    info = store.info(draft_id)
    text = (
        f"Đã nhập {path.name} thành bản nháp số {draft_id}: {info.title or get_kind(info.kind).short} — "
        f"{info.unit_name}, {info.period.label}."
    )
    unread = len(store.load(draft_id).draft.inputs)
    if unread:
        text += (
            f" Có {unread} chỗ chưa đọc được (giữ nguyên chữ đã ghi, là lỗi cần sửa): xem bằng lệnh "
            f"kpdesk check {path}, hoặc mở bản nháp số {draft_id} trong cửa sổ kpdesk để sửa."
        )
    return Imported(draft_id, text)


__all__ = [
    "NOTE_CODE",
    "RETURN_KIND",
    "Correction",
    "Imported",
    "as_problems",
    "attach",
    "corrections",
    "import_path",
    "is_return_letter",
    "letter_reference",
]
