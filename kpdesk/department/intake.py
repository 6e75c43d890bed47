"""Receiving reports: read each .docx, take the draft it carries, match its sender, check it, see whether its text
was edited after export, and store it as a new report or the next version of one — or say why not."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from kpdesk import draft as drafts
from kpdesk.department.compare import Difference, edited_after_export
from kpdesk.department.records import DuplicateSubmission, Records, Submission, who_default
from kpdesk.department.unitlist import ListedUnit, UnitMatcher, fold, suggest_units
from kpdesk.draft import Draft
from kpdesk.errors import DepartmentError, KpdeskError
from kpdesk.files import read_capped
from kpdesk.kinds import kind_of

if TYPE_CHECKING:
    from kpdesk.render.payload import Embedded

#: What happened to a file, as scripts read it and as the department reads it.
RECEIVED, NEW_VERSION, DUPLICATE, NOT_KPDESK, REFUSED = "received", "new_version", "duplicate", "not_kpdesk", "refused"
OUTCOME_LABELS = {
    RECEIVED: "đã nhận",
    NEW_VERSION: "bản mới",
    DUPLICATE: "trùng, bỏ qua",
    NOT_KPDESK: "không phải báo cáo kpdesk",
    REFUSED: "không nhận",
}
MAX_FILE_BYTES = 50_000_000  # a report is a few hundred KB; the .docx reader caps what it unpacks as well
#: Kinds a department writes: such a file sent back to the department is not a commune's report.
DEPARTMENT_AUDIENCE = "department"


@dataclass(frozen=True)
class Receipt:
    """What became of one file: its outcome and the one line that says so."""

    path: Path
    outcome: str
    message: str
    submission: Submission | None = None
    version: int | None = None
    unlisted: bool = False
    edited: tuple[Difference, ...] = ()
    errors: int = 0
    warnings: int = 0
    #: The version of the kind the report was made with (a kind package may add a version from some period on).
    kind_version: int | None = None
    #: The next step, when there is one, as the command line does it and as the window does it.
    command: str = ""
    in_window: str = ""

    @property
    def line(self) -> str:
        """ "tên-tệp.docx: đã nhận — …", the line `kpdesk department receive` prints (with the next step's
        command)."""
        return self._line(self.command)

    @property
    def window_line(self) -> str:
        """The same line as the department's window shows it: the next step named by its button or menu."""
        return self._line(self.in_window)

    def _line(self, step: str) -> str:
        said = f"{self.path.name}: {OUTCOME_LABELS[self.outcome]} — {self.message}"
        return f"{said} ({step})" if step else said

    def to_json(self) -> dict[str, object]:
        s = self.submission
        return {
            "file": str(self.path),
            "outcome": self.outcome,
            "message": self.message,
            "report": s.id if s else None,
            "version": self.version,
            "unit": s.unit_id if s else None,
            "kind": s.kind if s else None,
            "period": s.period_key if s else None,
            "unlisted": self.unlisted,
            "errors": self.errors,
            "warnings": self.warnings,
            "edited_after_export": bool(self.edited),
            "kind_version": self.kind_version,
        }


def collect(paths: Iterable[Path | str]) -> tuple[list[Path], list[Receipt]]:
    """The .docx files named by `paths` (folders are searched through, Word's "~$" lock files and hidden files
    skipped), in order, each once; and a refusal for each path that does not exist."""
    files: list[Path] = []
    missing: list[Receipt] = []
    seen: set[Path] = set()

    def add(p: Path) -> None:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            files.append(p)

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    if name.lower().endswith(".docx") and not name.startswith(("~$", ".")):
                        add(Path(root) / name)
        elif path.exists():
            add(path)
        else:
            missing.append(Receipt(path, REFUSED, f"không tìm thấy {path}; hãy kiểm tra đường dẫn."))
    return files, missing


def receive(
    records: Records, paths: Iterable[Path | str], *, received_on: dt.date | None = None, who: str = ""
) -> list[Receipt]:
    """Receive every .docx under `paths`; one receipt per file, in order (but see `in_signing_order`). Nothing is
    half-stored: a file is either stored whole (in one transaction) or refused with the reason."""
    received_on = received_on or dt.date.today()
    who = who or who_default()
    files, receipts = collect(paths)
    matcher = UnitMatcher(records.units(), records.aliases())
    read: dict[Path, tuple[bytes, Embedded]] = {}  # what ordering read of each file, so it is read once
    for path in in_signing_order(files, read):
        receipts.append(
            receive_file(records, path, received_on=received_on, who=who, matcher=matcher, read=read.pop(path, None))
        )
    return receipts


def _report_key(
    path: Path, read: dict[Path, tuple[bytes, Embedded]]
) -> tuple[tuple[str, str, str], tuple[str, str]] | None:
    """(sender, kind, period) and (signing date, file name) of the report a file carries, or None when it carries
    none that can be read (intake then says why); the file's bytes and embedded part are kept in `read`."""
    import json

    from kpdesk.render.payload import read_embedded

    try:
        data = _read(path)
        embedded = read_embedded(data)
        if embedded is None:
            return None
        read[path] = (data, embedded)
        data = json.loads(embedded.json)
        unit, period = data["unit"], data["period"]
        group = (
            fold(f"{unit.get('level', '')} {unit.get('name', '')}"),
            str(data["kind"]),
            json.dumps(period, sort_keys=True),
        )
        return group, (str(data.get("date") or ""), path.name)
    except (KpdeskError, ValueError, KeyError, TypeError, AttributeError):
        return None


def in_signing_order(files: list[Path], read: dict[Path, tuple[bytes, Embedded]] | None = None) -> list[Path]:
    """`files`, except that the reports one sender sent for one kind and period come in the order they were made:
    by the report's own date (ngày ký), then by file name, so that a correction received together with the report it
    corrects becomes the later version whatever the files are called. (The draft carries no time of export, so two
    versions signed on one day go by file name.) Each such report takes the places its group held in `files`."""
    if len(files) < 2:
        return files
    keys = [_report_key(p, {} if read is None else read) for p in files]
    groups: dict[tuple[str, str, str], list[int]] = {}
    for i, key in enumerate(keys):
        if key is not None:
            groups.setdefault(key[0], []).append(i)
    out = list(files)
    for places in groups.values():
        if len(places) > 1:
            ordered = sorted(places, key=lambda i: keys[i][1])  # type: ignore[index]
            for place, i in zip(places, ordered, strict=True):
                out[place] = files[i]
    return out


def _read(path: Path) -> bytes:
    """The bytes of a regular file of sensible size; `KpdeskError` in Vietnamese otherwise."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise DepartmentError(f"{path.name} không phải một tệp thường; hãy chọn tệp .docx.")
        if info.st_size > MAX_FILE_BYTES:
            raise DepartmentError(f"tệp quá lớn ({info.st_size // 1_000_000} MB) để là một báo cáo.")
        with path.open("rb") as fh:
            return read_capped(fh, MAX_FILE_BYTES)
    except PermissionError:
        raise DepartmentError("không có quyền đọc tệp; hãy kiểm tra quyền hoặc chép tệp ra thư mục khác.") from None
    except OSError as exc:
        raise DepartmentError(f"không đọc được tệp ({exc.strerror or exc}).") from None


def receive_file(
    records: Records,
    path: Path,
    *,
    received_on: dt.date,
    who: str = "",
    matcher: UnitMatcher | None = None,
    read: tuple[bytes, Embedded] | None = None,
) -> Receipt:
    """Receive one file (see `receive`); `read`: its bytes and embedded part when the caller has read them."""
    from kpdesk.render import build_layout
    from kpdesk.render.payload import read_embedded
    from kpdesk.render.plain import docx_text_lines, text_digest, text_lines
    from kpdesk.validate import validate

    matcher = matcher or UnitMatcher(records.units(), records.aliases())
    if path.suffix.lower() != ".docx":
        return Receipt(path, REFUSED, "chỉ nhận tệp Word .docx do kpdesk xuất (báo cáo của xã, phường).")
    try:
        data = _read(path) if read is None else read[0]
    except KpdeskError as exc:
        return Receipt(path, REFUSED, exc.message)
    file_sha = hashlib.sha256(data).hexdigest()
    report_id, version = records.known_file(file_sha)
    if version is not None:
        if report_id is None:
            return Receipt(path, DUPLICATE, "tệp này đã nhận trước đây (tệp không có dữ liệu kpdesk).")
        submission = records.submission(report_id)
        records.log_duplicate(report_id, version, path.name, who=who)
        return Receipt(
            path, DUPLICATE, f"tệp này đã nhận trước đây: bản {version} của {_what(submission)}.", submission, version
        )
    try:
        embedded = read_embedded(data) if read is None else read[1]
    except KpdeskError as exc:
        return Receipt(path, REFUSED, f"tệp hỏng hoặc không phải tệp Word .docx: {exc.message}")
    if embedded is None:
        file_id = records.add_file(path.name, file_sha, str(path), received_on, who=who)
        return Receipt(
            path,
            NOT_KPDESK,
            f"tệp không có dữ liệu kpdesk (văn bản gõ trong Word); đã đưa vào danh sách chờ nhập tay (số {file_id})",
            command="xem danh sách: kpdesk department files",
            in_window="nhập ở thẻ «Tệp chờ nhập tay»",
        )
    try:
        draft = drafts.loads(embedded.json)  # with the kind version it was made with, when this PC has it
        kind = kind_of(draft)
    except KpdeskError as exc:
        new_kind = "loại báo cáo" in exc.message
        return Receipt(
            path,
            REFUSED,
            f"không đọc được dữ liệu trong tệp: {exc.message}"
            + (
                " Nếu đây là mẫu báo cáo mới Sở đã phát hành, hãy cài gói mẫu đó trên máy này rồi nhận lại."
                if new_kind
                else ""
            ),
            command="kpdesk kinds install GÓI.kpkind" if new_kind else "",
            in_window="Tệp › Cập nhật mẫu báo cáo…" if new_kind else "",
        )
    if kind.audience == DEPARTMENT_AUDIENCE:
        return Receipt(path, REFUSED, f"đây là văn bản của Sở («{kind.name}»), không phải báo cáo của xã, phường.")
    problems = validate(kind, draft, today=received_on).problems
    try:
        shown = docx_text_lines(data)
        # the text and the data as kpdesk wrote them (their digest travels in the file): nothing was edited, no need
        # to render again; a digest of older files (the text alone) never matches, so they are compared in full
        same = embedded.text_sha256 is not None and text_digest(shown, embedded.json) == embedded.text_sha256
        edited = (
            () if same else tuple(edited_after_export(text_lines(build_layout(kind, draft)), shown, [draft.unit.name]))
        )
    except KpdeskError as exc:
        return Receipt(path, REFUSED, f"không đọc được nội dung văn bản: {exc.message}")
    unit = matcher.match(draft.unit.name, draft.unit.level)
    payload_sha = hashlib.sha256(drafts.dumps(draft, kind).encode("utf-8")).hexdigest()
    try:
        submission, number = records.add_version(
            draft,
            unit=unit,
            file_name=path.name,
            file_sha256=file_sha,
            payload_sha256=payload_sha,
            source=str(path),
            received_on=received_on,
            problems=problems,
            edited=[d.__dict__ for d in edited],
            who=who,
        )
    except DuplicateSubmission as dup:
        submission = records.submission(dup.report_id)
        records.log_duplicate(dup.report_id, dup.version, path.name, who=who)
        return Receipt(
            path,
            DUPLICATE,
            f"cùng nội dung với bản {dup.version} đã nhận của {_what(submission)}.",
            submission,
            dup.version,
        )
    except KpdeskError as exc:
        return Receipt(path, REFUSED, f"chưa lưu được: {exc.message}")
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    parts = [f"{_what(submission)}, bản {number} (mẫu phiên bản {kind.version})"]
    parts.append(f"{errors} lỗi, {warnings} cảnh báo" if problems else "không có lỗi")
    if edited:
        parts.append(f"văn bản đã bị sửa sau khi xuất ({len(edited)} số khác dữ liệu)")
    if number > 1 and draft.date is not None:
        parts.extend(_signed_before(records, submission, number, draft.date))
    if unit is None:
        close = suggest_units(draft.unit.name, matcher.units)
        guess = f"; có phải {' hoặc '.join(u.full_name for u in close)}?" if close else ""
        parts.append(f"«{draft.unit.full_name}» không có trong danh sách đơn vị{guess}")
    said = "; ".join(parts)
    return Receipt(
        path,
        RECEIVED if number == 1 else NEW_VERSION,
        said if said.endswith("?") else f"{said}.",
        submission,
        number,
        unlisted=unit is None,
        edited=edited,
        errors=errors,
        warnings=warnings,
        kind_version=kind.version,
        command=f"ghép tay: kpdesk department match {submission.id} MÃ-ĐƠN-VỊ" if unit is None else "",
        in_window="ghép: chọn ô của báo cáo, bấm «Ghép với đơn vị…»" if unit is None else "",
    )


def _signed_before(records: Records, submission: Submission, number: int, signed: dt.date) -> list[str]:
    """A warning when a version received later was signed before an earlier version: it still counts as the newest
    (arrival decides), and the department should know."""
    from kpdesk import vn

    newer = [
        (v.number, v.sent_on)
        for v in records.versions(submission.id)
        if v.number < number and v.sent_on is not None and v.sent_on > signed
    ]
    if not newer:
        return []
    last, last_signed = newer[-1]
    return [
        f"lưu ý: bản này ngày ký {vn.format_date(signed)}, trước bản {last} (ngày ký "
        f"{vn.format_date(last_signed)}) nhưng nhận sau nên được dùng là bản mới nhất; nếu xã gửi nhầm bản cũ, "
        "hãy trả lại để xã gửi bản đúng"
    ]


def enter_manually(
    records: Records, file_id: int, draft: Draft, *, unit: ListedUnit | None = None, who: str = ""
) -> Receipt:
    """Record `draft` — typed at the department from a received Word file that carried no kpdesk data — as that
    unit's report (a version marked as entered by hand); the file leaves the list of files to enter."""
    from kpdesk.validate import validate

    received = records.file(file_id)
    path = Path(received.file_name)
    if received.version_id is not None:
        raise DepartmentError(f"Tệp số {file_id} ({received.file_name}) đã được nhập tay rồi.")
    kind = kind_of(draft)
    if kind.audience == DEPARTMENT_AUDIENCE:
        raise DepartmentError(f"«{kind.name}» là văn bản của Sở, không phải báo cáo của xã, phường.")
    unit = unit or UnitMatcher(records.units(), records.aliases()).match(draft.unit.name, draft.unit.level)
    if unit is None:
        raise DepartmentError(
            f"«{draft.unit.full_name}» không có trong danh sách đơn vị; hãy ghi mã đơn vị "
            "(--unit MÃ) hoặc thêm đơn vị vào danh sách."
        )
    draft = replace(draft, unit=replace(draft.unit, name=unit.name, level=unit.level))
    problems = validate(kind, draft, today=received.received_on).problems
    payload_sha = hashlib.sha256(drafts.dumps(draft, kind).encode("utf-8")).hexdigest()
    try:
        submission, number = records.add_version(
            draft,
            unit=unit,
            file_name=received.file_name,
            file_sha256=received.file_sha256,
            payload_sha256=payload_sha,
            source=received.source,
            received_on=received.received_on,
            problems=problems,
            manual=True,
            who=who or who_default(),
        )
    except DuplicateSubmission as dup:
        raise DepartmentError(f"Bản nháp này trùng nội dung với bản {dup.version} đã nhận.") from None
    records.entered(file_id, records.version_id(submission.id, number))
    errors = sum(p.is_error for p in problems)
    return Receipt(
        path,
        RECEIVED if number == 1 else NEW_VERSION,
        f"nhập tay {_what(submission)}, bản {number}; {errors} lỗi, {len(problems) - errors} cảnh báo.",
        submission,
        number,
        errors=errors,
        warnings=len(problems) - errors,
        kind_version=kind.version,
    )


def _what(submission: Submission) -> str:
    """ "báo cáo tháng 5 năm 2026 của xã Thiệu Trung"."""
    return f"báo cáo {submission.period.label} của {submission.sender}"
