"""What the department window's «Xuất biểu tổng hợp…» and «Thông báo tổng hợp…» buttons do."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kpdesk.department.consolidate import consolidate, cumulative_chart
from kpdesk.department.records import Records
from kpdesk.department.summary import SUMMARY_KIND, create_summary, write_summary
from kpdesk.department.workbook import default_name, write_workbook
from kpdesk.draft import Period
from kpdesk.errors import DepartmentError, KpdeskError
from kpdesk.kinds import Kind, kind_for_period, kind_of
from kpdesk.render import default_filename
from ui import dialogs, operations
from ui.department.charts import chart_appendix
from ui.widgets.common import Band


def _offer_to_open(parent: QWidget | None, path: Path, text: str) -> None:
    if dialogs.choose(parent, text, ["Mở tệp", "Đóng"], escape=1, detail=str(path)) == 0:
        dialogs.open_in_system(path)


def export_workbook(
    parent: QWidget | None,
    records: Records,
    kind: Kind,
    period: Period,
    *,
    folder: Path | None = None,
    today: dt.date | None = None,
) -> Path | None:
    """«Xuất biểu tổng hợp…»: ask where, write the workbook of `kind` and `period`, offer to open it. Returns the
    file written (None when cancelled or refused; a refusal is shown)."""
    try:
        cons = consolidate(records, kind, period, today=today)
        path = dialogs.save_path(
            parent, "Lưu biểu tổng hợp", (folder or Path.home()) / default_name(cons), "Tệp Excel (*.xlsx)"
        )
        if path is None:
            return None
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        write_workbook(cons, path, cumulative_chart(records, kind, period, today=today))
    except KpdeskError as exc:
        operations.show_error(parent, exc, what="Chưa xuất được biểu tổng hợp.")
        return None
    _offer_to_open(
        parent,
        path,
        f"Đã ghi biểu tổng hợp {kind.short} {period.label}: {len(cons.themes)} biểu số "
        f"liệu, {len(cons.sent)}/{len(cons.rows)} đơn vị đã gửi.",
    )
    return path


def start_summary(
    parent: QWidget | None,
    records: Records,
    kind: Kind,
    period: Period,
    *,
    form: str = "thong_bao",
    today: dt.date | None = None,
) -> int | None:
    """«Thông báo tổng hợp…»: store a new notice of `kind`'s reports for `period`, its figures filled from the data,
    and return its draft number for the window to open in the wizard (None when refused; the refusal is shown).
    The officer writes the assessment, the difficulties and the solutions there, and ticks «Đưa vào thông báo»
    beside the points the communes raised."""
    try:
        return create_summary(records, kind, period, form=form, today=today)
    except KpdeskError as exc:
        operations.show_error(parent, exc, what="Chưa tạo được thông báo tổng hợp.")
        return None


def export_summary(
    parent: QWidget | None,
    records: Records,
    draft_id: int,
    *,
    charts: bool = True,
    folder: Path | None = None,
    today: dt.date | None = None,
) -> Path | None:
    """Export a stored notice (`draft_id`) to .docx through the one Decree 30 path, with the charts of the kind and
    period it consolidates as its appendix when `charts` («kèm biểu đồ»); the export is recorded on the draft."""
    try:
        draft = records.store.load(draft_id).draft
        if draft.kind != SUMMARY_KIND:
            raise DepartmentError(f"Bản nháp số {draft_id} không phải thông báo tổng hợp.")
        path = dialogs.save_path(
            parent,
            "Xuất thông báo tổng hợp",
            (folder or Path.home()) / default_filename(kind_of(draft), draft),
            "Tệp Word (*.docx)",
        )
        if path is None:
            return None
        if path.suffix.lower() != ".docx":
            path = path.with_name(path.name + ".docx")
        appendix = None
        if charts:
            reported = kind_for_period(str(draft.values.get("report_kind") or ""), draft.period)
            appendix = chart_appendix(records, reported, draft.period, today)
        written = write_summary(records, draft, path, appendix=appendix, draft_id=draft_id, today=today)
    except KpdeskError as exc:
        operations.show_error(parent, exc, what="Chưa xuất được thông báo tổng hợp.")
        return None
    extra = f", kèm {len(appendix.figures)} biểu đồ ở phụ lục" if appendix is not None else ""
    _offer_to_open(parent, written.path, f"Đã xuất thông báo tổng hợp{extra}.")
    return written.path


__all__ = ["export_summary", "export_workbook", "start_summary"]


class NoticeView(QWidget):
    """A bar over the wizard of a notice: what it is, and «Xuất kèm biểu đồ…» (the wizard's own «Xuất Word…» writes
    it without the charts)."""

    export_requested = Signal(int)  # the notice's draft number

    def __init__(self, draft_id: int, wizard: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft_id, self.wizard = draft_id, wizard
        bar = Band("#e8f0fa", "#9fb7d6", self)
        bar.setObjectName("noticeBar")
        line = QHBoxLayout(bar)
        line.setContentsMargins(12, 6, 12, 6)
        text = QLabel(
            "<b>Thông báo tổng hợp</b> — số liệu đã điền từ các báo cáo đã nhận. Viết phần đánh giá, khó "
            "khăn và giải pháp; đánh dấu «Đưa vào thông báo» cạnh các ý các xã nêu. «Xuất Word…» ở bước "
            "cuối xuất không kèm biểu đồ.",
            bar,
        )
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setWordWrap(True)
        line.addWidget(text, 1)
        self.export_button = QPushButton("Xuất &kèm biểu đồ…", bar)
        self.export_button.setAutoDefault(False)
        line.addWidget(self.export_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(bar)
        box.addWidget(wizard, 1)
        self.export_button.clicked.connect(lambda: self.export_requested.emit(self.draft_id))
