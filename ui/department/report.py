"""The chosen cell's report: versions, problems, edited figures, the diff, the log, and the actions on it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kpdesk import vn
from kpdesk.department.compare import Difference
from kpdesk.department.records import (
    ACCEPTED,
    PROBLEMS,
    RECEIVED,
    RETURNED,
    STATE_LABELS,
    Records,
    Submission,
    Version,
)
from kpdesk.department.status import Row
from kpdesk.diff import describe_change, diff_drafts
from kpdesk.errors import KpdeskError
from kpdesk.kinds import Kind, kind_of
from kpdesk.store import Store
from ui import operations
from ui.department.dialogs import MatchDialog, PreviewDialog, offer_to_open
from ui.department.letters import ReturnDialog
from ui.settings import Settings
from ui.widgets.common import ERROR, HINT, OK, WARNING, WrapDelegate, escape_html, heading_label, hint_label


class PanelHost(Protocol):
    """What the panel needs of the window: the records, where files go, and a way to show the change."""

    store: Store
    records: Records
    settings: Settings
    today: dt.date | None

    def refresh(self) -> None: ...

    def select(self, unit_id: int | None, period: object) -> None: ...

    def say(self, text: str) -> None: ...


def version_line(v: Version) -> str:
    """ "Bản 2: v2.docx — nhận 21/05/2026; 0 lỗi, 1 cảnh báo; văn bản bị sửa sau khi xuất"."""
    parts = [f"Bản {v.number}: {v.file_name} — nhận {vn.format_date(v.received_on)}"]
    if v.manual:
        parts.append("nhập tay tại Sở")
    parts.append(f"{v.errors} lỗi, {v.warnings} cảnh báo")
    if v.edited:
        parts.append("văn bản bị sửa sau khi xuất")
    return "; ".join(parts)


def version_html(v: Version) -> str:
    """What the department needs to know of one version, as rich text."""
    e = escape_html
    out = [
        f"<p><b>Bản {v.number}</b> — tệp <b>{e(v.file_name)}</b>, nhận ngày {vn.format_date(v.received_on)} "
        f"(ghi nhận lúc {v.received:%H:%M %d/%m/%Y}); mẫu báo cáo phiên bản {v.kind_version}."
    ]
    if v.sent_on:
        out.append(f"<br>Ngày ký trên báo cáo: {vn.format_date(v.sent_on)}.")
    if v.manual:
        out.append("<br>Báo cáo gõ trong Word, Sở nhập tay vào kpdesk.")
    out.append(f"<br><span style='color:{HINT}'>Nơi lấy tệp: {e(v.source)}</span></p>")
    if v.edited:
        out.append(
            f"<p style='color:{ERROR}'><b>Văn bản đã bị sửa sau khi xuất</b> ({len(v.edited)} chỗ): tệp Word "
            "ghi khác dữ liệu kpdesk kèm trong tệp. Số liệu kèm trong tệp là số xã nhập trong kpdesk.</p><ul>"
        )
        for d in v.edited:
            diff = Difference(str(d.get("expected", "")), str(d.get("found", "")), str(d.get("context", "")))
            out.append(f"<li>{e(diff.text)}</li>")
        out.append("</ul>")
    if v.problems:
        out.append(f"<p><b>Lỗi và cảnh báo</b>: {v.errors} lỗi, {v.warnings} cảnh báo</p><ul>")
        for p in sorted(v.problems, key=lambda p: p.get("severity") != "error"):
            error = p.get("severity") == "error"
            mark, colour = ("✖ Lỗi", ERROR) if error else ("⚠ Cảnh báo", WARNING)
            out.append(f"<li><span style='color:{colour}'>{mark}:</span> {e(str(p.get('message', '')))}</li>")
        out.append("</ul>")
    else:
        out.append(f"<p style='color:{OK}'>Không có lỗi hay cảnh báo nào.</p>")
    return "".join(out)


def flag_html(flag: str) -> str:
    """One of a row's flags with its mark: ✖ errors, ✎ edited after export, ⚠ the others."""
    if flag.endswith(" lỗi"):
        return f"<span style='color:{ERROR}'>✖ {escape_html(flag)}</span>"
    if "sửa sau khi xuất" in flag:
        return f"<span style='color:{ERROR}'>✎ {escape_html(flag)}</span>"
    return f"<span style='color:{WARNING}'>⚠ {escape_html(flag)}</span>"


class ReportPanel(QWidget):
    """The chosen cell's report and the actions on it: «Xem», «Trả lại để sửa…», «Chấp nhận», «Mở lại», «Ghép với
    đơn vị…»."""

    def __init__(self, host: PanelHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.row: Row | None = None
        self.kind: Kind | None = None
        self.submission: Submission | None = None
        self.versions: list[Version] = []
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 4, 8, 4)
        self.heading = heading_label("", self, scale=1.15)
        box.addWidget(self.heading)
        self.state = QLabel(self)
        self.state.setWordWrap(True)
        self.state.setTextFormat(Qt.TextFormat.RichText)
        self.state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.state)
        self.hint = hint_label("", self)
        box.addWidget(self.hint)

        self.actions = QWidget(self)
        actions = QVBoxLayout(self.actions)
        actions.setContentsMargins(0, 4, 0, 0)
        line = QHBoxLayout()
        self.view_button = QPushButton("&Xem", self.actions)
        self.view_button.setToolTip("Xem bản đang chọn như khi in, chỉ đọc")
        self.return_button = QPushButton("T&rả lại để sửa…", self.actions)
        self.return_button.setToolTip("Viết công văn đề nghị hoàn thiện báo cáo, kèm phiếu sửa cho kpdesk ở xã")
        self.accept_button = QPushButton("Chấp &nhận", self.actions)
        self.accept_button.setToolTip("Báo cáo đạt: đánh dấu đã chấp nhận (ghi vào nhật ký)")
        self.flag_button = QPushButton("Có &vấn đề", self.actions)
        self.flag_button.setToolTip("Đánh dấu báo cáo có vấn đề Sở đang xem (ghi vấn đề ở ô «Ghi chú»; vào nhật ký)")
        self.reopen_button = QPushButton("Mở &lại", self.actions)
        self.reopen_button.setToolTip("Đưa báo cáo về trạng thái «đã nhận» (bỏ chấp nhận, trả lại hoặc có vấn đề)")
        for b in (self.view_button, self.return_button, self.accept_button, self.flag_button, self.reopen_button):
            b.setAutoDefault(False)
            line.addWidget(b)
        line.addStretch(1)
        actions.addLayout(line)
        self.match_button = QPushButton("Ghé&p với đơn vị…", self.actions)
        self.match_button.setToolTip("Nơi gửi chưa có trong danh sách: chọn đơn vị đúng (thường do gõ sai tên)")
        self.match_button.setAutoDefault(False)
        line = QHBoxLayout()
        line.addWidget(self.match_button)
        line.addStretch(1)
        actions.addLayout(line)
        note = QHBoxLayout()
        note_label = QLabel("Gh&i chú:", self.actions)
        self.note = QLineEdit(self.actions)
        self.note.setPlaceholderText("ghi kèm khi chấp nhận, mở lại; khi đánh dấu có vấn đề: ghi vấn đề (bắt buộc)")
        note_label.setBuddy(self.note)
        note.addWidget(note_label)
        note.addWidget(self.note, 1)
        actions.addLayout(note)
        box.addWidget(self.actions)

        self.tabs = QTabWidget(self)
        page = QWidget(self.tabs)
        inner = QVBoxLayout(page)
        inner.setContentsMargins(4, 4, 4, 4)
        self.version_list = QListWidget(page)
        WrapDelegate(self.version_list)
        self.version_list.setAccessibleName("Các bản đã nhận")
        inner.addWidget(self.version_list)
        self.details = QTextBrowser(page)
        self.details.setOpenLinks(False)
        self.details.setAccessibleName("Chi tiết bản đang chọn: lỗi, cảnh báo, số bị sửa sau khi xuất")
        inner.addWidget(self.details, 1)
        self.tabs.addTab(page, "Các bản")
        page = QWidget(self.tabs)
        inner = QVBoxLayout(page)
        inner.setContentsMargins(4, 4, 4, 4)
        pick = QHBoxLayout()
        self.older = QComboBox(page)
        self.older.setAccessibleName("Bản cũ")
        self.newer = QComboBox(page)
        self.newer.setAccessibleName("Bản mới")
        pick.addWidget(QLabel("So sánh", page))
        pick.addWidget(self.older)
        pick.addWidget(QLabel("với", page))
        pick.addWidget(self.newer)
        pick.addStretch(1)
        inner.addLayout(pick)
        self.changes = QListWidget(page)
        WrapDelegate(self.changes)
        self.changes.setAccessibleName("Những gì khác giữa hai bản, từng ô")
        inner.addWidget(self.changes, 1)
        self.tabs.addTab(page, "So sánh các bản")
        self.log = QListWidget(self.tabs)
        WrapDelegate(self.log)
        self.log.setAccessibleName("Nhật ký của báo cáo này")
        self.tabs.addTab(self.log, "Nhật ký")
        box.addWidget(self.tabs, 1)
        self.filler = QWidget(self)  # takes the height while there is no report to show
        box.addWidget(self.filler, 1)

        self.view_button.clicked.connect(self.view)
        self.return_button.clicked.connect(self.return_report)
        self.accept_button.clicked.connect(lambda: self.set_state(ACCEPTED))
        self.flag_button.clicked.connect(lambda: self.set_state(PROBLEMS))
        self.reopen_button.clicked.connect(lambda: self.set_state(RECEIVED))
        self.match_button.clicked.connect(self.match)
        self.version_list.currentRowChanged.connect(self._show_version)
        self.version_list.itemActivated.connect(lambda _: self.view())
        self.older.currentIndexChanged.connect(lambda _: self._show_changes())
        self.newer.currentIndexChanged.connect(lambda _: self._show_changes())
        self.show_row(None)

    # -- showing ---------------------------------------------------------------------------
    def show_row(self, row: Row | None, kind: Kind | None = None) -> None:
        """Show the report of `row` (a unit and period of the matrix), or what to do when none is chosen."""
        self.row, self.kind = row, kind
        self.submission, self.versions = None, []
        if row is None:
            self.heading.setText("Chưa chọn ô nào")
            self.state.setText("")
            self.state.hide()
            self.hint.setText(
                "Chọn một ô của bảng (bấm chuột hoặc dùng phím mũi tên) để xem báo cáo của đơn vị trong kỳ đó."
            )
            self.hint.show()
            self.actions.hide()
            self.tabs.hide()
            self.filler.show()
            return
        what = kind.short if kind else "Báo cáo"
        self.state.show()
        self.heading.setText(f"{row.name} — {what} {row.period.label}")
        flags = "".join(f"<br>{flag_html(f)}" for f in row.flags)
        due = (
            f"<br><span style='color:{HINT}'>Hạn gửi: {escape_html(row.deadline.text)}</span>"
            if row.deadline
            else f"<br><span style='color:{HINT}'>Chưa có hạn gửi cho kỳ này (Theo dõi › Đặt hạn gửi…)</span>"
        )
        self.state.setText(f"<b>{escape_html(row.label[:1].upper() + row.label[1:])}</b>{flags}{due}")
        if row.summary is None:
            self.hint.setText(
                "Chưa nhận báo cáo này. Khi nhận được tệp, bấm «Nhận báo cáo…» (hoặc kéo thả tệp vào "
                "cửa sổ); để nhắc các đơn vị chưa gửi, bấm «Đôn đốc…»."
            )
            self.hint.show()
            self.actions.hide()
            self.tabs.hide()
            self.filler.show()
            return
        self.hint.hide()
        records = self.host.records
        try:
            self.submission = records.submission(row.summary.report_id)
            self.versions = records.versions(self.submission.id)
            log = records.log(self.submission.id)
        except KpdeskError as exc:
            operations.show_error(self, exc)
            return
        self.actions.show()
        self.tabs.show()
        self.filler.hide()
        self._enable()
        s = self.submission
        if s.state != RECEIVED:
            note = f": {escape_html(s.state_note)}" if s.state_note else ""
            self.state.setText(
                self.state.text() + f"<br><span style='color:{HINT}'>{escape_html(s.state_by)}, "
                f"{s.state_at:%d/%m/%Y %H:%M}{note}</span>"
            )
        self.version_list.blockSignals(True)
        self.version_list.clear()
        for v in self.versions:
            item = QListWidgetItem(version_line(v))
            item.setToolTip(v.source)
            self.version_list.addItem(item)
        self.version_list.blockSignals(False)
        lines = self.version_list
        shown = sum(lines.sizeHintForRow(i) for i in range(min(3, len(self.versions))))
        lines.setFixedHeight(shown + 2 * lines.frameWidth() + 8)
        self.version_list.setCurrentRow(len(self.versions) - 1)
        self._show_version(len(self.versions) - 1)
        for combo, index in ((self.older, len(self.versions) - 2), (self.newer, len(self.versions) - 1)):
            combo.blockSignals(True)
            combo.clear()
            for v in self.versions:
                combo.addItem(f"bản {v.number}", v.number)
            combo.setCurrentIndex(max(0, index))
            combo.blockSignals(False)
        self._show_changes()
        self.log.clear()
        self.log.addItems(
            [e.text + (f" — tệp {Path(str(e.detail['file'])).name}" if e.detail.get("file") else "") for e in log]
        )

    def _enable(self) -> None:
        s = self.submission
        assert s is not None
        self.return_button.setEnabled(s.state != RETURNED)
        self.accept_button.setEnabled(s.state != ACCEPTED)
        self.flag_button.setEnabled(s.state != PROBLEMS)
        self.reopen_button.setEnabled(s.state in (PROBLEMS, RETURNED, ACCEPTED))
        self.match_button.setVisible(self.row is not None and self.row.unit is None)

    def current_version(self) -> Version | None:
        index = self.version_list.currentRow()
        return self.versions[index] if 0 <= index < len(self.versions) else None

    def _show_version(self, index: int) -> None:
        v = self.versions[index] if 0 <= index < len(self.versions) else None
        self.details.setHtml(version_html(v) if v is not None else "")
        self.view_button.setEnabled(v is not None)

    def _show_changes(self) -> None:
        self.changes.clear()
        if len(self.versions) < 2:
            self.changes.addItem(
                "Mới có một bản. Khi đơn vị gửi bản sửa, những gì khác giữa các bản hiện ở đây, từng ô."
            )
            self.older.setEnabled(False)
            self.newer.setEnabled(False)
            return
        self.older.setEnabled(True)
        self.newer.setEnabled(True)
        by_number = {v.number: v for v in self.versions}
        old, new = by_number.get(self.older.currentData()), by_number.get(self.newer.currentData())
        if old is None or new is None or old is new:
            self.changes.addItem("Chọn hai bản khác nhau để so sánh.")
            return
        try:
            found = diff_drafts(kind_of(new.draft), old.draft, new.draft)
        except KpdeskError as exc:
            self.changes.addItem(f"Chưa so sánh được: {exc.message}")
            return
        if not found:
            self.changes.addItem(f"Bản {old.number} và bản {new.number} có cùng số liệu.")
        self.changes.addItems([describe_change(c) for c in found])

    # -- actions ---------------------------------------------------------------------------
    def view(self) -> None:
        v = self.current_version()
        if v is None or self.row is None:
            return
        from kpdesk.render import build_layout

        try:
            draft = v.draft
            layout = build_layout(kind_of(draft), draft)
        except KpdeskError as exc:
            operations.show_error(self, exc, what=f"Chưa xem được bản {v.number}.")
            return
        what = self.kind.short if self.kind else "Báo cáo"
        dialog = PreviewDialog(
            f"{self.row.name} — {what} {self.row.period.label}, bản {v.number} ({v.file_name})", layout, self
        )
        self.preview_dialog = dialog
        dialog.exec()

    def return_report(self) -> None:
        s = self.submission
        if s is None:
            return
        try:
            from kpdesk.department.letters import department_profile

            department_profile(self.host.store)
            kind = kind_of(self.host.records.latest(s.id).draft)
        except KpdeskError as exc:
            operations.show_error(self, exc, what="Chưa trả lại được báo cáo.")
            return
        settings = self.host.settings
        dialog = ReturnDialog(
            self.host.records,
            s,
            kind,
            self,
            today=self.host.today,
            folder=settings.folder("letters"),
            unit=self.row.unit if self.row else None,
        )
        self.return_dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.issued is None:
            return
        settings.remember_folder("letters", dialog.issued.path)
        self.host.refresh()
        self.host.say(f"Đã trả lại báo cáo của {s.sender}; công văn: {dialog.issued.path}")
        offer_to_open(
            self,
            "Đã ghi công văn trả lại báo cáo. Gửi tệp này cho đơn vị: kpdesk ở xã nhập tệp sẽ hiện "
            "từng nội dung cạnh ô cần sửa.",
            dialog.issued.path,
        )

    def set_state(self, state: str) -> None:
        s = self.submission
        if s is None:
            return
        try:
            self.host.records.set_state(s.id, state, self.note.text().strip())
        except KpdeskError as exc:
            operations.show_error(self, exc)
            return
        self.note.clear()
        self.host.refresh()
        self.host.say(f"Báo cáo {s.period.label} của {s.sender}: {STATE_LABELS[state]}.")

    def match(self) -> None:
        s, row = self.submission, self.row
        if s is None or row is None:
            return
        records = self.host.records
        name = self.versions[-1].draft.unit.name if self.versions else s.sender
        dialog = MatchDialog(s.sender, name, records.units(), self)
        self.match_dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen() is None:
            return
        unit = dialog.chosen()
        assert unit is not None
        try:
            records.match(s.id, unit)
        except KpdeskError as exc:
            operations.show_error(self, exc)
            return
        self.host.refresh()
        self.host.select(unit.id, row.period)
        self.host.say(
            f"Đã ghép «{s.sender}» với {unit.title} (mã {unit.code}); các báo cáo sau gửi dưới tên đó cũng được ghép."
        )
