"""«Trả lại để sửa…» and «Đôn đốc…»: the department's letters, written by the core's one Decree 30 path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QSize, Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from kpdesk import vn
from kpdesk.department import letters
from kpdesk.department.records import Records, Submission
from kpdesk.department.status import Status
from kpdesk.department.unitlist import ListedUnit
from kpdesk.kinds import Kind
from ui import dialogs
from ui.department.dialogs import (
    InputError,
    add_rows,
    ascii_name,
    date_editor,
    dialog_buttons,
    error_label,
    letter_number,
    read_date,
    show_message,
)
from ui.operations import Op
from ui.widgets.common import WrapDelegate, heading_label, hint_label


class CheckWrapDelegate(WrapDelegate):
    """Wrapped list items that also carry a check box (its width is kept free for it)."""

    CHECK = 26

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802 - Qt naming
        size = super().sizeHint(option, index)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        width = max(60, self.view.viewport().width() - self.CHECK - 14)
        text = opt.fontMetrics.boundingRect(0, 0, width, 100_000, int(Qt.TextFlag.TextWordWrap), opt.text)
        return QSize(size.width(), max(size.height(), text.height() + 8))


def point_text(point: letters.Point) -> str:
    """A point as the department reads it in the list: "Mục «…», «…», dòng 2: …"."""
    where = [f"Mục «{point.section}»"] if point.section else []
    if point.label:
        where.append(f"«{point.label}»")
    if point.row:
        where.append(f"dòng {point.row}")
    return f"{', '.join(where)}: {point.note}" if where else point.note


class ReturnDialog(QDialog):
    """«Trả lại để sửa…»: the points to correct (each with a check box), a note, the resubmit date, the letter's
    number and date; then where to write the letter. It runs the core's `return_report`."""

    def __init__(
        self,
        records: Records,
        submission: Submission,
        kind: Kind,
        parent: QWidget | None = None,
        *,
        today: dt.date | None = None,
        folder: Path | None = None,
        unit: ListedUnit | None = None,
    ) -> None:
        super().__init__(parent)
        self.records, self.submission, self.kind = records, submission, kind
        self.today = today or dt.date.today()
        self.folder = folder or Path.home()
        self.unit = unit
        self.issued: letters.Issued | None = None
        version = records.latest(submission.id)
        self.points = letters.points_of(kind, version)
        self.setWindowTitle("Trả lại báo cáo để sửa — kpdesk")
        self.resize(860, 640)
        box = QVBoxLayout(self)
        box.addWidget(heading_label(f"Trả lại {kind.short} {submission.period.label} của {submission.sender}", self))
        box.addWidget(
            hint_label(
                f"Sở viết công văn đề nghị hoàn thiện báo cáo (bản {version.number}, nhận ngày "
                f"{vn.format_date(version.received_on)}). Bỏ chọn những nội dung không cần sửa và ghi thêm nếu cần. "
                "Khi xã nhập công văn vào kpdesk, từng nội dung hiện ngay cạnh ô cần sửa.",
                self,
            )
        )
        listed = QLabel(f"&Nội dung cần sửa ({len(self.points)} nội dung kpdesk tìm thấy):", self)
        box.addWidget(listed)
        self.list = QListWidget(self)
        CheckWrapDelegate(self.list)
        self.list.setAccessibleName("Các nội dung cần sửa; Space để chọn hoặc bỏ chọn")
        listed.setBuddy(self.list)
        for point in self.points:
            item = QListWidgetItem(point_text(point))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        if not self.points:
            self.list.addItem("(Báo cáo không có lỗi hay cảnh báo nào: hãy ghi điều cần sửa ở ô dưới.)")
            self.list.setEnabled(False)
        box.addWidget(self.list, 1)
        form = QFormLayout()
        self.note = QPlainTextEdit(self)
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText("Ví dụ: Đề nghị ghi rõ số kinh phí đã giải ngân đến ngày báo cáo.")
        self.note.setAccessibleName("Nội dung khác cần sửa")
        self.note.setFixedHeight(self.note.fontMetrics().lineSpacing() * 3 + 14)
        self.resubmit = date_editor("Gửi lại trước ngày", self, self.today + dt.timedelta(days=letters.RESUBMIT_DAYS))
        self.number = letter_number(self)
        self.date = date_editor("Ngày ký công văn", self, self.today)
        add_rows(
            form,
            self,
            (
                ("Nội dung &khác cần sửa:", self.note),
                ("Gửi &lại trước ngày:", self.resubmit),
                ("&Số công văn:", self.number),
                ("Ngà&y ký:", self.date),
            ),
        )
        box.addLayout(form)
        self.error = error_label(self)
        box.addWidget(self.error)
        buttons, self.write_button = dialog_buttons(self, "&Ghi công văn…")
        box.addWidget(buttons)
        self.write_button.setFocus()

    def chosen_points(self) -> list[letters.Point]:
        return [p for i, p in enumerate(self.points) if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def suggested_name(self) -> str:
        name = self.unit.name if self.unit else self.submission.sender
        return f"CV-hoan-thien-{self.kind.short}-{self.submission.period.code}-{ascii_name(name)}.docx"

    def accept(self) -> None:
        try:
            resubmit = read_date(self.resubmit, "Gửi lại trước ngày")
            day = read_date(self.date, "Ngày ký")
        except InputError as exc:
            show_message(self.error, str(exc))
            return
        path = dialogs.save_path(
            self, "Ghi công văn trả lại báo cáo", self.folder / self.suggested_name(), "Tài liệu Word (*.docx)"
        )
        if path is None:
            return
        if path.suffix.lower() != ".docx":
            path = path.with_name(path.name + ".docx")
        self.folder = path.parent
        records, submission, points, note = self.records, self.submission, self.chosen_points(), self.note.toPlainText()
        number, today = self.number.text().strip() or None, self.today

        def work(progress: Any) -> letters.Issued:
            return letters.return_report(
                records,
                submission,
                path,
                points=points,
                note=note,
                resubmit_by=resubmit,
                number=number,
                date=day,
                today=today,
            )

        Op(
            self,
            work,
            label=f"Đang ghi công văn {path.name}…",
            error_what="Chưa ghi được công văn trả lại; báo cáo vẫn ở trạng thái cũ.",
        ).success(self._written).run()

    def _written(self, issued: letters.Issued) -> None:
        self.issued = issued
        super().accept()


class RemindDialog(QDialog):
    """«Đôn đốc…»: the units still missing (and those late) for a kind and period, and the letter's dates."""

    def __init__(
        self,
        records: Records,
        status: Status,
        parent: QWidget | None = None,
        *,
        today: dt.date | None = None,
        folder: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.records, self.status = records, status
        self.today = today or dt.date.today()
        self.folder = folder or Path.home()
        self.issued: letters.Issued | None = None
        self.setWindowTitle("Đôn đốc gửi báo cáo — kpdesk")
        self.resize(760, 560)
        box = QVBoxLayout(self)
        box.addWidget(heading_label(f"Đôn đốc {status.kind.short} {status.period.label}", self))
        box.addWidget(
            hint_label(
                status.headline + " Công văn đôn đốc gửi các đơn vị chưa gửi báo cáo (Kính gửi), "
                "nêu cả các đơn vị gửi muộn.",
                self,
            )
        )
        listed = QLabel(f"Đơn &vị chưa gửi ({len(status.missing)}):", self)
        box.addWidget(listed)
        self.missing = QListWidget(self)
        self.missing.setAccessibleName("Đơn vị chưa gửi báo cáo")
        listed.setBuddy(self.missing)
        for r in status.missing:
            late = f" — quá hạn {r.days_late} ngày" if r.late else ""
            self.missing.addItem(f"{r.name} (mã {r.unit.code if r.unit else '—'}){late}")
        box.addWidget(self.missing, 1)
        late = [r for r in status.rows if r.unit is not None and r.summary is not None and r.late]
        if late:
            box.addWidget(hint_label("Gửi muộn: " + "; ".join(f"{r.name} ({r.days_late} ngày)" for r in late), self))
        form = QFormLayout()
        self.resubmit = date_editor(
            "Đề nghị gửi trước ngày", self, self.today + dt.timedelta(days=letters.RESUBMIT_DAYS)
        )
        self.number = letter_number(self)
        self.date = date_editor("Ngày ký công văn", self, self.today)
        add_rows(
            form, self, (("&Gửi trước ngày:", self.resubmit), ("&Số công văn:", self.number), ("Ngày &ký:", self.date))
        )
        box.addLayout(form)
        self.error = error_label(self)
        box.addWidget(self.error)
        buttons, self.write_button = dialog_buttons(self, "Ghi &công văn…")
        box.addWidget(buttons)
        self.write_button.setFocus()

    def accept(self) -> None:
        try:
            resubmit = read_date(self.resubmit, "Gửi trước ngày")
            day = read_date(self.date, "Ngày ký")
        except InputError as exc:
            show_message(self.error, str(exc))
            return
        kind, period = self.status.kind, self.status.period
        path = dialogs.save_path(
            self,
            "Ghi công văn đôn đốc",
            self.folder / f"CV-don-doc-{kind.short}-{period.code}.docx",
            "Tài liệu Word (*.docx)",
        )
        if path is None:
            return
        if path.suffix.lower() != ".docx":
            path = path.with_name(path.name + ".docx")
        self.folder = path.parent
        records, status, number, today = self.records, self.status, self.number.text().strip() or None, self.today

        def work(progress: Any) -> letters.Issued:
            return letters.remind(records, status, path, resubmit_by=resubmit, number=number, date=day, today=today)

        Op(self, work, label=f"Đang ghi công văn {path.name}…", error_what="Chưa ghi được công văn đôn đốc.").success(
            self._written
        ).run()

    def _written(self, issued: letters.Issued) -> None:
        self.issued = issued
        super().accept()
