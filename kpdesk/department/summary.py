"""The department's notice of a period's consolidated reports: a draft of `thong-bao-tong-hop` filled from the data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kpdesk import draft as drafts
from kpdesk.department.consolidate import (
    AMOUNT,
    COUNTS,
    DECIMAL,
    INT,
    PERCENT,
    RATE,
    SUM,
    Column,
    Consolidation,
    consolidate,
    raised,
    rate,
)
from kpdesk.department.letters import department_profile
from kpdesk.department.records import Records
from kpdesk.draft import Draft, Period
from kpdesk.errors import DepartmentError, KpdeskError
from kpdesk.kinds import Kind, get_kind

#: The department's kind the notice is a draft of (templates/<id>/).
SUMMARY_KIND = "thong-bao-tong-hop"
#: How many units the notice names at each end of a rate.
RANKED = 3

if TYPE_CHECKING:
    from kpdesk.render.frame import Appendix
    from kpdesk.store import DraftId

#: What the shell gives the core to draw the charts of the notice's appendix: (records, kind, period, today) →
#: the appendix (the core never draws; `ui.department.charts.chart_appendix` is the one kpdesk ships).
ChartMaker = Callable[[Records, Kind, Period, "dt.date | None"], "Appendix"]


@dataclass(frozen=True)
class Written:
    """A notice written: its stored draft and the file."""

    draft_id: int
    path: Path
    sha256: str
    draft: Draft


def topic_of(kind: Kind) -> str | None:
    """What the kind's reports are about, from its name: "Báo cáo tháng: giải pháp đột phá …" → "giải pháp đột phá …"
    (None when the name does not say it after a colon)."""
    head, sep, rest = kind.name.partition(":")
    return rest.strip() or None if sep else None


def _label(col: Column) -> str:
    if col.id.endswith("#rows"):
        return f"{col.group} (số mục)"
    return col.title


def figure_rows(cons: Consolidation) -> list[dict[str, Any]]:
    """The totals and recomputed rates of the kind's figures, as the notice's rows (label, value, units with it); a
    figure nobody gave is left out, and of two rates of the same counts (a typed one and its computed twin) the
    first."""
    rows: list[dict[str, Any]] = []
    rates_seen: set[tuple[str | None, str | None]] = set()
    for col in cons.columns:
        total = cons.totals.get(col.id)
        if total is None or col.total not in (SUM, RATE):
            continue
        if col.total == RATE:
            if (col.num, col.den) in rates_seen:
                continue
            rates_seen.add((col.num, col.den))
        key = {AMOUNT: "amount", INT: "count", DECIMAL: "number", PERCENT: "rate"}[col.type]
        rows.append({"label": _label(col), key: total, "units": cons.reported[col.id]})
    return rows


def choice_rows(cons: Consolidation) -> list[dict[str, Any]]:
    """How many units chose each option of each choice (the options nobody chose are not named)."""
    rows = []
    for col in cons.columns:
        counts = cons.totals.get(col.id) if col.total == COUNTS else None
        rows += [
            {"label": col.label, "option": o.label, "units": counts[o.value]}
            for o in col.options
            if counts and counts[o.value]
        ]
    return rows


def ranking_rows(cons: Consolidation, n: int = RANKED) -> list[dict[str, Any]]:
    """For each rate, the `n` units with the highest and the `n` with the lowest rate (each recomputed from the
    unit's own numerator and denominator), when at least two units gave one."""
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str | None, str | None]] = set()
    for col in cons.columns:
        if col.total != RATE or (col.num, col.den) in seen:
            continue
        seen.add((col.num, col.den))
        rated = [(rate(r.values.get(col.num or ""), r.values.get(col.den or "")), r) for r in cons.sent]
        ranked = sorted(((value, r) for value, r in rated if value is not None), key=lambda x: (-x[0], x[1].unit.code))
        ends = min(n, len(ranked) // 2)
        if not ends or ranked[0][0] == ranked[-1][0]:  # fewer than two units, or all alike: nobody stands out
            continue
        for position, part in (("highest", ranked[:ends]), ("lowest", ranked[::-1][:ends])):
            rows += [
                {"rate": col.label, "position": position, "unit": r.unit.full_name, "value": value} for value, r in part
            ]
    return rows


def summary_values(cons: Consolidation, *, as_of: dt.date) -> dict[str, Any]:
    """The notice's values (in their JSON form) filled from `cons`: what nobody gave stays empty."""
    st = cons.status
    values: dict[str, Any] = {
        "report_kind": cons.kind.id,
        "report_kind_name": cons.kind.name,
        "topic": topic_of(cons.kind),
        "as_of": as_of.isoformat(),
        "units_expected": st.expected,
        "units_sent": st.sent,
        "units_late": st.late or None,
        "units_missing": [r.unit.full_name for r in st.missing if r.unit] or None,
        "figures": [
            {k: (str(v) if k in ("rate", "number") else v) for k, v in row.items()} for row in figure_rows(cons)
        ]
        or None,
        "choices": choice_rows(cons) or None,
        "ranking": [{**row, "value": str(row["value"])} for row in ranking_rows(cons)] or None,
        "raised": [{"topic": r.label, "text": r.text, "units": r.count, "picked": False} for r in raised(cons)] or None,
    }
    return {k: v for k, v in values.items() if v is not None}


def summary_draft(
    records: Records,
    kind: Kind,
    period: Period,
    *,
    form: str = "thong_bao",
    number: str | None = None,
    date: dt.date | None = None,
    today: dt.date | None = None,
    cons: Consolidation | None = None,
) -> Draft:
    """A draft of the department's notice (or, with `form="bao_cao"`, its report) of `kind`'s reports for `period`,
    its section «Số liệu tổng hợp» filled from the consolidation; the officer writes the rest in the wizard."""
    today = today or dt.date.today()
    notice = get_kind(SUMMARY_KIND)
    if form not in notice.forms:
        raise DepartmentError(f"Thông báo tổng hợp chỉ có hình thức: {', '.join(notice.forms)} (không có «{form}»).")
    if kind.audience == "department":
        raise DepartmentError(
            f"«{kind.name}» là văn bản của Sở, không phải báo cáo các xã, phường gửi; hãy chọn "
            "một loại báo cáo của xã, phường (xem: kpdesk kinds)."
        )
    profile = department_profile(records.store)
    cons = cons or consolidate(records, kind, period, today=today)
    if not cons.sent:
        raise DepartmentError(
            f"Chưa nhận báo cáo {kind.short} {period.label} nào của các đơn vị trong danh sách, nên "
            "chưa có gì để tổng hợp. Nhận báo cáo trước: kpdesk department receive THƯ_MỤC"
        )
    values = {k: drafts.value_from_json(notice.field(k), v) for k, v in summary_values(cons, as_of=today).items()}
    unit = profile.to_unit()
    signer = profile.default_signer
    return drafts.new_draft(
        notice,
        period,
        unit,
        form=form,
        number=number,
        date=date or today,
        signer=signer.to_signer() if signer else drafts.Signer(),
        values=values,
        title=f"Thông báo tổng hợp {kind.short} {period.label}",
    )


def create_summary(records: Records, kind: Kind, period: Period, **kw: Any) -> int:
    """Store a new notice draft of `kind`'s reports for `period` (see `summary_draft`) and return its id: the window
    opens it in the wizard for the officer to write the assessment and pick the communes' points."""
    draft = summary_draft(records, kind, period, **kw)
    profile = department_profile(records.store)
    assert profile.id is not None
    return records.store.add_draft(draft, profile.id, title=draft.title)


def write_summary(
    records: Records,
    draft: Draft,
    path: Path,
    *,
    appendix: Appendix | None = None,
    draft_id: DraftId | None = None,
    today: dt.date | None = None,
) -> Written:
    """Write the notice's .docx to `path` through the one Decree 30 path (with the charts' appendix when given),
    store it as a draft of the department (or update stored draft `draft_id`) and record the export."""
    from kpdesk.render import render_to_file

    store = records.store
    profile = department_profile(store)
    assert profile.id is not None
    result = render_to_file(draft, Path(path), today=today, appendix=appendix)  # nothing is stored for a refusal
    try:
        with store.tx():
            if draft_id is None:
                draft_id = store.add_draft(draft, profile.id, title=draft.title)
            store.record_export(draft_id, result.path.resolve(), result.sha256, store.info(draft_id).revision)
    except KpdeskError as exc:
        raise DepartmentError(
            f"Đã ghi tệp {result.path}, nhưng chưa lưu được thông báo vào danh sách của Sở "
            f"({exc.message}). Tệp vẫn dùng được; hãy thử lại để kpdesk ghi nhận."
        ) from None
    return Written(draft_id, result.path, result.sha256, draft)


def chart_appendix(
    records: Records, kind: Kind, period: Period, maker: ChartMaker | None, today: dt.date | None = None
) -> Appendix:
    """The charts' appendix drawn by the shell's `maker`; a clear way out when this program has no charts."""
    if maker is None:
        raise DepartmentError(
            "Biểu đồ được vẽ bằng phần giao diện của kpdesk, không có trong bản dòng lệnh này. Hãy "
            "chạy lệnh `kpdesk` đã cài (có cửa sổ), hoặc bỏ --charts để xuất thông báo không kèm "
            "biểu đồ."
        )
    return maker(records, kind, period, today)


__all__ = [
    "RANKED",
    "SUMMARY_KIND",
    "ChartMaker",
    "Written",
    "chart_appendix",
    "choice_rows",
    "create_summary",
    "figure_rows",
    "ranking_rows",
    "summary_draft",
    "summary_values",
    "topic_of",
    "write_summary",
]
