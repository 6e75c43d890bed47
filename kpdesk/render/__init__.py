"""The one rendering path, for the command line and the GUI: draft → checked → Decree 30 layout → .docx."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kpdesk import draft as drafts
from kpdesk import vn
from kpdesk.compute import compute
from kpdesk.draft import Draft
from kpdesk.errors import DraftError, RenderError
from kpdesk.kinds import Kind, kind_of
from kpdesk.templating import fill_body, fill_text
from kpdesk.validate import Report, validate
from kpdesk.vocab import form_type

if TYPE_CHECKING:  # python-docx and lxml load with the first layout or file, not when the program starts
    from kpdesk.render.frame import Appendix, Frame, Layout

#: What the header of every page of a draft copy says (a copy written while the draft still has errors).
DRAFT_MARK = "DỰ THẢO"

__all__ = [
    "DRAFT_MARK",
    "RenderResult",
    "build_frame",
    "build_layout",
    "default_filename",
    "draft_from_docx",
    "render_to_file",
    "symbol",
]


@dataclass(frozen=True)
class RenderResult:
    """A written .docx: where, its sha256, and the validation report of the draft it was made from."""

    path: Path
    sha256: str
    report: Report

    @property
    def draft_copy(self) -> bool:
        """Whether the file is a draft copy: written with errors (`allow_errors`), marked «DỰ THẢO» on every page,
        never to be recorded as exported or sent."""
        return bool(self.report.errors)

    @property
    def problem_count(self) -> str:
        """How many problems the draft had, as the officer reads it: "2 lỗi, 1 cảnh báo"."""
        errors, warnings = len(self.report.errors), len(self.report.warnings)
        return f"{errors} lỗi, {warnings} cảnh báo"


def symbol(kind: Kind, draft: Draft) -> str:
    """Return the number's symbol: "BC-UBND" for a báo cáo, "UBND-VHXH" for a công văn, "TB-…" for a thông báo
    (Decree 30, Phụ lục III); a department writes its own agency's symbol instead of "UBND" ("TB-SKHCN",
    "SKHCN-QLKH")."""
    issuer = draft.unit.issuer_symbol
    if draft.form == "cong_van":
        return f"{issuer}-{draft.unit.office_symbol}" if draft.unit.office_symbol else issuer
    return f"{form_type(draft.form, kind.doc_type, kind.doc_symbol)[1]}-{issuer}"


def build_frame(
    kind: Kind, draft: Draft, derived: dict[str, Any] | None = None, *, appendix: Appendix | None = None
) -> Frame:
    """Return what the Decree 30 frame of `draft` prints: letterhead texts, title, bases, body blocks, recipients,
    signer, the appendix of pictures (when given) and the draft to embed (`build_layout` words and formats it)."""
    from kpdesk.render.frame import Frame
    from kpdesk.render.markup import parse_body

    derived = compute(kind, draft) if derived is None else derived
    body = parse_body(fill_body(kind, draft, derived), source=str(kind.template_path))
    cong_van = draft.form == "cong_van"
    bases = tuple(draft.values.get(kind.bases_field) or ()) if kind.bases_field else ()
    summary = vn.bind_unit_name(  # a line of the V/v or the title never ends on "phường", away from its name
        fill_text(kind, draft, kind.subject if cong_van else kind.title, "subject" if cong_van else "title", derived),
        draft.unit.level,
        draft.unit.name,
    )
    return Frame(
        form=draft.form,
        superior=draft.unit.superior or None,
        agency=draft.unit.agency_lines,
        number=draft.number,
        symbol=symbol(kind, draft),
        place=draft.unit.place_name,
        date=draft.date,
        year=(draft.date or draft.period.end).year,
        doc_type=form_type(draft.form, kind.doc_type, kind.doc_symbol)[0],
        summary=summary,
        to=draft.to if cong_van else (),
        bases=bases,
        body=body,
        recipients=draft.recipients,
        signer=draft.signer,
        payload=drafts.dumps(draft, kind),
        kind_name=kind.name,
        issuer=draft.unit.committee if draft.unit.level else draft.unit.full_name,
        appendix=appendix,
    )


def build_layout(
    kind: Kind, draft: Draft, derived: dict[str, Any] | None = None, *, appendix: Appendix | None = None
) -> Layout:
    """Return the Decree 30 layout of `draft`: the document both the .docx and the preview are written from."""
    from kpdesk.render.frame import lay_out

    return lay_out(build_frame(kind, draft, derived, appendix=appendix))


def render_to_file(
    draft: Draft,
    path: Path,
    *,
    allow_errors: bool = False,
    today: dt.date | None = None,
    appendix: Appendix | None = None,
) -> RenderResult:
    """Check `draft` and write its .docx to `path` atomically; errors block unless `allow_errors`. An `appendix`
    (pictures the shell drew, such as the department's charts) is printed after the signature on its own pages."""
    kind = kind_of(draft)
    derived = compute(kind, draft)
    report = validate(kind, draft, derived, today=today)
    if report.errors and not allow_errors:
        first = report.errors[0].message
        more = f" (và {len(report.errors) - 1} lỗi khác)" if len(report.errors) > 1 else ""
        raise RenderError(
            f"Bản nháp còn {len(report.errors)} lỗi nên chưa xuất được. Lỗi đầu tiên: {first}{more}. "
            "Hãy sửa các lỗi rồi xuất lại. Cần xem thử ngay thì xuất bản dự thảo, có chữ "
            f"«{DRAFT_MARK}» ở đầu mỗi trang và không tính là đã xuất (dòng lệnh: thêm --force)."
        )
    from kpdesk.render.docx_file import write_docx

    path = Path(path)
    if path.suffix.lower() != ".docx":
        raise RenderError(f"Tên tệp «{path.name}» phải có đuôi .docx.")
    layout = build_layout(kind, draft, derived, appendix=appendix)
    if report.errors:  # a copy to look at, not the report: say so on every page
        layout = replace(layout, page=replace(layout.page, draft_mark=DRAFT_MARK))
    sha = write_docx(layout, path)
    return RenderResult(path, sha, report)


def draft_from_docx(source: Path | bytes) -> Draft:
    """Return the draft embedded in a .docx made by kpdesk, exactly as it was exported."""
    from kpdesk.render.payload import read_payload

    payload = read_payload(source)
    if payload is None:
        name = source.name if isinstance(source, Path) else "này"
        raise DraftError(
            f"Tệp {name} không do kpdesk tạo (không có bản nháp kèm trong tệp), nên không nhập được. "
            "Hãy chọn tệp .docx đã xuất từ kpdesk hoặc tệp bản nháp .json."
        )
    return drafts.loads(payload)


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def default_filename(kind: Kind, draft: Draft, *, draft_copy: bool = False) -> str:
    """Return a file name such as "BC-KHCN-T04-2026-Thieu-Trung.docx" (ASCII, safe on every system); a draft copy
    (written with errors) ends "-DU-THAO"."""
    place = "-".join(_ascii(draft.unit.name).split())
    safe = "".join(ch for ch in f"{kind.short}-{draft.period.code}-{place}" if ch.isalnum() or ch in "-_")
    return f"{safe or 'bao-cao'}{'-' + _ascii(DRAFT_MARK).replace(' ', '-') if draft_copy else ''}.docx"
