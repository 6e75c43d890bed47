"""Dialogs about drafts: "Báo cáo mới" (kind, period, form, from the previous period) and the history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kpdesk.draft import Period
from kpdesk.errors import KpdeskError
from kpdesk.kinds import Kind, kind_for_period, kind_of
from kpdesk.render import build_frame
from kpdesk.store import DraftInfo, Store, UnitProfile
from ui import dialogs
from ui.operations import show_error
from ui.widgets.common import (
    FORM_BUTTONS,
    HINT,
    WrapDelegate,
    heading_label,
    hint_label,
    set_colour,
    set_text_colour,
)
from ui.widgets.period import PeriodPicker
from ui.wizard.preview import frame_html


@dataclass(frozen=True)
class NewReport:
    kind: Kind
    period: Period
    form: str
    title: str
    previous: DraftInfo | None  # start from this draft of the previous period


class NewReportDialog(QDialog):
    """Choose the kind and the period (and the form); offers "từ kỳ trước" when a previous period exists.

    Only the kinds a commune writes are listed (a department's own kinds are not), each with its newest version;
    the version a period uses is said under the period when it is an older one."""

    def __init__(
        self,
        store: Store,
        unit: UnitProfile,
        kinds: list[Kind],
        parent: QWidget | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        kinds = [k for k in kinds if k.audience == "commune"]
        self.store, self.unit, self.kinds, self.today = store, unit, kinds, today
        self.setWindowTitle("Báo cáo mới — kpdesk")
        self.resize(860, 560)
        box = QVBoxLayout(self)
        box.addWidget(heading_label("Báo cáo mới", self))
        box.addWidget(hint_label(f"Đơn vị: {unit.full_name}. Chọn loại báo cáo và kỳ báo cáo.", self))
        kinds_label = QLabel("&Loại báo cáo:", self)
        box.addWidget(kinds_label)
        self.kind_list = QListWidget(self)
        WrapDelegate(self.kind_list)
        self.kind_list.setSpacing(3)
        kinds_label.setBuddy(self.kind_list)
        for kind in kinds:
            version = f"Phiên bản {kind.version}" + (
                f", áp dụng từ kỳ {kind.applies_from.label}" if kind.applies_from else ""
            )
            lines = [kind.name, *([kind.description] if kind.description else []), version]
            item = QListWidgetItem("\n".join(lines))
            item.setData(Qt.ItemDataRole.UserRole, kind.id)
            item.setToolTip(kind.description)
            self.kind_list.addItem(item)
        box.addWidget(self.kind_list, 1)

        line = QHBoxLayout()
        self.period_label = QLabel("&Kỳ báo cáo:", self)
        line.addWidget(self.period_label)
        self.period_box = QHBoxLayout()
        line.addLayout(self.period_box, 1)
        box.addLayout(line)
        self.picker: PeriodPicker | None = None
        self.version_note = QLabel(self)
        self.version_note.setWordWrap(True)
        set_text_colour(self.version_note, HINT)
        box.addWidget(self.version_note)

        self.form_row = QWidget(self)
        form_line = QHBoxLayout(self.form_row)
        form_line.setContentsMargins(0, 0, 0, 0)
        form_line.addWidget(QLabel("Hình thức:", self.form_row))
        self.form_group = QButtonGroup(self)
        self.form_buttons: dict[str, QRadioButton] = {}
        for form, label in FORM_BUTTONS.items():
            button = QRadioButton(label, self.form_row)
            self.form_group.addButton(button)
            self.form_buttons[form] = button
            form_line.addWidget(button)
        form_line.addStretch(1)
        box.addWidget(self.form_row)

        self.previous_box = QCheckBox(self)
        self.previous_box.setChecked(True)
        box.addWidget(self.previous_box)
        self.previous_note = QLabel(self)
        self.previous_note.setWordWrap(True)
        set_text_colour(self.previous_note, HINT)
        box.addWidget(self.previous_note)

        title_line = QHBoxLayout()
        title_label = QLabel("Tê&n bản nháp (không bắt buộc):", self)
        self.title_edit = QLineEdit(self)
        self.title_edit.setPlaceholderText("Ví dụ: Báo cáo tháng 4 gửi Sở KH&CN")
        title_label.setBuddy(self.title_edit)
        title_line.addWidget(title_label)
        title_line.addWidget(self.title_edit, 1)
        box.addLayout(title_line)

        buttons = QDialogButtonBox(self)
        self.ok = buttons.addButton("&Tạo báo cáo", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("&Hủy", QDialogButtonBox.ButtonRole.RejectRole)
        self.ok.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)
        self.kind_list.currentRowChanged.connect(self._kind_changed)
        self.kind_list.itemDoubleClicked.connect(lambda _: self.accept())
        if kinds:
            self.kind_list.setCurrentRow(0)
        self.kind_list.setFocus()

    def kind(self) -> Kind | None:
        """The chosen kind, at the version its chosen period uses (the newest one until a period is chosen)."""
        row = self.kind_list.currentRow()
        kind = self.kinds[row] if 0 <= row < len(self.kinds) else None
        period = self.picker.period() if self.picker is not None else None
        if kind is not None and period is not None:
            try:
                return kind_for_period(kind.id, period)
            except KpdeskError:
                return kind
        return kind

    previous: DraftInfo | None = None

    def _kind_changed(self, row: int) -> None:
        kind = self.kinds[row] if 0 <= row < len(self.kinds) else None  # the newest version: its periods
        if kind is None:
            return
        if self.picker is not None:
            self.period_box.removeWidget(self.picker)
            self.picker.deleteLater()
        self.picker = PeriodPicker(kind.periods, self)
        latest = self._latest(kind)
        if latest is not None:  # the period after the unit's last report of the kind, in the form it took
            self.picker.set_period(latest.period.next())
            form = self._form_of(latest)
            if form in self.form_buttons:
                self.form_buttons[form].setChecked(True)
        else:
            self.picker.set_period(Period.containing(kind.periods[0], self.today or dt.date.today()))
        self.picker.changed.connect(lambda _: self._update_previous())
        self.period_box.addWidget(self.picker)
        self.period_label.setBuddy(self.picker.first_widget())
        self._update_previous()

    def _latest(self, kind: Kind) -> DraftInfo | None:
        """The unit's draft of `kind` for its latest period (not in the bin), or None."""
        if self.unit.id is None:
            return None
        try:
            infos = self.store.list_drafts(kind=kind.id, unit_id=self.unit.id)
        except KpdeskError:
            return None
        infos = [i for i in infos if i.period.type in kind.periods]
        return max(infos, key=lambda i: (i.period.start, i.updated), default=None)

    def _form_of(self, info: DraftInfo) -> str | None:
        try:
            return self.store.load(info.id).draft.form
        except KpdeskError:
            return None

    def _show_version(self, kind: Kind | None, period: Period | None) -> None:
        """The forms of the version the period uses, and which version that is when it is not the newest."""
        row = self.kind_list.currentRow()
        newest = self.kinds[row] if 0 <= row < len(self.kinds) else None
        if kind is None:
            return
        checked = next((f for f, b in self.form_buttons.items() if b.isChecked()), None)
        for form, button in self.form_buttons.items():
            button.setVisible(form in kind.forms)
        self.form_buttons[checked if checked in kind.forms else kind.forms[0]].setChecked(True)
        self.form_row.setVisible(len(kind.forms) > 1)
        older = newest is not None and period is not None and kind.version < newest.version
        self.version_note.setVisible(older)
        if older and newest is not None and newest.applies_from is not None:
            self.version_note.setText(
                f"Kỳ {period.label} dùng mẫu phiên bản {kind.version}; phiên bản "
                f"{newest.version} áp dụng từ kỳ {newest.applies_from.label}."
            )

    def _update_previous(self) -> None:
        kind, period = self.kind(), self.picker.period() if self.picker else None
        self._show_version(kind, period)
        previous = None
        if kind is not None and period is not None and self.unit.id is not None:
            try:
                previous = self.store.latest_for(kind.id, self.unit.id, period)
            except KpdeskError:
                previous = None
        self.previous = previous
        self.previous_box.setVisible(previous is not None)
        self.previous_note.setVisible(previous is not None)
        if previous is not None:
            self.previous_box.setText(f"Lấy nội &dung từ kỳ trước ({previous.period.label})")
            self.previous_note.setText(
                "Các phần thường giữ nguyên (văn bản yêu cầu, người liên hệ, giải pháp, "
                "kiến nghị …), người ký và nơi nhận được chép sang; số liệu của kỳ để trống."
            )
        self.ok.setEnabled(kind is not None and period is not None)

    def result_value(self) -> NewReport | None:
        kind = self.kind()
        period = self.picker.period() if self.picker else None
        if kind is None or period is None:
            return None
        form = next((f for f, b in self.form_buttons.items() if b.isChecked() and f in kind.forms), kind.forms[0])
        previous = self.previous if self.previous_box.isChecked() else None
        return NewReport(kind, period, form, self.title_edit.text(), previous)


SOURCES = {
    "create": "tạo mới",
    "import": "nhập từ tệp",
    "save": "lưu",
    "edit": "sửa",
    "restore": "khôi phục",
    "duplicate": "nhân bản",
    "previous": "tạo từ kỳ trước",
}


class HistoryDialog(QDialog):
    """The saved versions of a draft; each one can be previewed and restored (as a new version)."""

    def __init__(self, store: Store, info: DraftInfo, kind: Kind | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.info, self.kind = store, info, kind
        self.restored: int | None = None
        self.setWindowTitle("Lịch sử bản nháp — kpdesk")
        self.resize(1100, 640)
        box = QVBoxLayout(self)
        box.addWidget(heading_label("Lịch sử các lần lưu", self))
        box.addWidget(
            hint_label(
                "Chọn một phiên bản để xem nội dung; «Khôi phục» đưa nội dung đó trở lại thành "
                "phiên bản mới nhất (các phiên bản khác vẫn được giữ).",
                self,
            )
        )
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.list = QListWidget(splitter)
        WrapDelegate(self.list)
        self.list.setAccessibleName("Các phiên bản đã lưu")
        self.preview = QTextBrowser(splitter)
        set_colour(self.preview, "white", QPalette.ColorRole.Base)
        splitter.setSizes([300, 780])
        box.addWidget(splitter, 1)
        buttons = QDialogButtonBox(self)
        self.restore_button = buttons.addButton("&Khôi phục phiên bản này", QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton("Đó&ng", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        self.restore_button.clicked.connect(self._restore)
        box.addWidget(buttons)
        for rev in store.revision_list(info.id):
            item = QListWidgetItem(
                f"Phiên bản {rev.revision} — {rev.saved:%d/%m/%Y %H:%M}\n({SOURCES.get(rev.source, rev.source)})"
            )
            item.setData(Qt.ItemDataRole.UserRole, rev.revision)
            self.list.addItem(item)
        self.list.currentRowChanged.connect(self._show)
        self.list.setCurrentRow(0)
        self.list.setFocus()

    def revision(self) -> int | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _show(self, _row: int) -> None:
        revision = self.revision()
        if revision is None:
            return
        self.restore_button.setEnabled(self.list.currentRow() > 0)
        try:
            draft = self.store.revision_draft(self.info.id, revision)
            kind = kind_of(draft)  # each revision with the kind version it was saved under
            self.preview.setHtml(frame_html(build_frame(kind, draft)) if kind else "")
        except KpdeskError as exc:
            self.preview.setPlainText(f"Không xem được phiên bản này: {exc.message}")

    def _restore(self) -> None:
        revision = self.revision()
        if revision is None:
            return
        if not dialogs.confirm(
            self,
            f"Khôi phục phiên bản {revision}? Nội dung hiện tại vẫn được giữ trong lịch sử.",
            yes="Khôi phục",
            no="Hủy",
        ):
            return
        try:
            self.restored = self.store.restore_revision(self.info.id, revision)
        except KpdeskError as exc:
            show_error(self, exc)
            return
        self.accept()
