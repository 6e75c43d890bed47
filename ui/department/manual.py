"""Word files without kpdesk data: the list to enter by hand, the wizard on a new draft, «Ghi nhận đã nhận»."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kpdesk import draft as drafts
from kpdesk import vn
from kpdesk.department.records import ReceivedFile
from kpdesk.department.unitlist import ListedUnit
from kpdesk.draft import Period
from kpdesk.errors import KpdeskError
from kpdesk.kinds import Kind, kind_for_period
from kpdesk.store import DraftId, Store, UnitProfile
from kpdesk.vocab import PERIOD_CHOICES
from ui.widgets.common import (
    Band,
    empty_label,
    escape_html,
    fit_columns,
    heading_label,
    hint_label,
    row_table,
)
from ui.widgets.period import PeriodPicker

#: The setting of the data folder that remembers the draft being typed for a waiting file, and for which unit.
LINK_KEY = "department.manual.{file_id}"


def manual_link(store: Store, file_id: int) -> tuple[DraftId, int] | None:
    """The draft (and listed unit) being typed for the waiting file `file_id`, when there is one still stored."""
    text = store.setting(LINK_KEY.format(file_id=file_id), "")
    if not text:
        return None
    try:
        data = json.loads(text)
        draft_id, unit_id = DraftId(int(data["draft"])), int(data["unit"])
        if store.info(draft_id).deleted:
            return None
    except (ValueError, KeyError, TypeError, KpdeskError):
        return None
    return draft_id, unit_id


def set_manual_link(store: Store, file_id: int, draft_id: int | None, unit_id: int | None = None) -> None:
    value = json.dumps({"draft": draft_id, "unit": unit_id}) if draft_id is not None else ""
    store.set_setting(LINK_KEY.format(file_id=file_id), value)


def start_manual_draft(store: Store, department: UnitProfile, unit: ListedUnit, kind: Kind, period: Period) -> DraftId:
    """A new, empty draft of `kind` for `period` in `unit`'s name (its province the department's), stored as one of
    the department's drafts."""
    kind = kind_for_period(kind.id, period)
    commune = drafts.Unit(
        name=unit.name,
        level=unit.level,
        province=department.province,
        province_level=department.province_level,
        place=unit.name,
    )
    draft = drafts.new_draft(kind, period, commune)
    assert department.id is not None
    return store.add_draft(draft, department.id, title=f"Nhập tay: {kind.short} {period.label} — {unit.title}")


class FilesPage(QWidget):
    """The received Word files with no kpdesk data, each to be typed in by hand."""

    enter_requested = Signal(object)  # ReceivedFile
    record_requested = Signal(object)  # ReceivedFile
    open_requested = Signal(object)  # ReceivedFile

    COLUMNS = ("Số", "Tệp", "Ngày nhận", "Đang nhập tay", "Nơi lấy tệp")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 8, 8, 8)
        box.addWidget(
            hint_label(
                "Các tệp Word xã, phường gửi về không có dữ liệu kpdesk (gõ trực tiếp trong Word). "
                "«Nhập tay…» mở trình soạn báo cáo cho đơn vị và kỳ đó: gõ lại nội dung của tệp, rồi "
                "bấm «Ghi nhận đã nhận» để tính là đơn vị đã gửi.",
                self,
            )
        )
        self.table = row_table(self.COLUMNS, self, name="Tệp chờ nhập tay", stretch=4)
        box.addWidget(self.table, 1)
        self.empty = empty_label("Không có tệp nào chờ nhập tay.", self)
        box.addWidget(self.empty)
        row = QHBoxLayout()
        self.open_button = QPushButton("Mở tệp &Word", self)
        self.open_button.setToolTip("Mở tệp đã nhận để đọc nội dung cần nhập")
        self.enter_button = QPushButton("Nhập t&ay…", self)
        self.enter_button.setToolTip("Soạn báo cáo của đơn vị này trong kpdesk theo nội dung tệp Word")
        self.record_button = QPushButton("Ghi nhận đã n&hận", self)
        self.record_button.setToolTip("Tính bản đã nhập tay là báo cáo đơn vị đã gửi (ngày nhận là ngày nhận tệp)")
        for b in (self.open_button, self.enter_button, self.record_button):
            b.setAutoDefault(False)
            row.addWidget(b)
        row.addStretch(1)
        box.addLayout(row)
        self.files: list[ReceivedFile] = []
        self.links: dict[int, tuple[DraftId, int]] = {}
        self.open_button.clicked.connect(lambda: self._emit(self.open_requested))
        self.enter_button.clicked.connect(lambda: self._emit(self.enter_requested))
        self.record_button.clicked.connect(lambda: self._emit(self.record_requested))
        self.table.activated.connect(lambda _: self._emit(self.enter_requested))
        self.table.itemSelectionChanged.connect(self._enable)

    def show_files(self, files: Sequence[ReceivedFile], links: dict[int, tuple[DraftId, int]]) -> None:
        current = self.current()
        self.files, self.links = list(files), links
        self.table.setRowCount(len(self.files))
        for r, f in enumerate(self.files):
            link = links.get(f.id)
            cells = (
                str(f.id),
                f.file_name,
                vn.format_date(f.received_on),
                f"có (bản nháp số {link[0]})" if link else "chưa",
                f.source,
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(f.source)
                self.table.setItem(r, c, item)
            if current is not None and f.id == current.id:
                self.table.selectRow(r)
        fit_columns(self.table)
        if self.files and not self.table.selectedItems():
            self.table.selectRow(0)
        self.table.setVisible(bool(self.files))
        self.empty.setVisible(not self.files)
        self._enable()

    def current(self) -> ReceivedFile | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        row = rows[0].row() if rows else -1
        return self.files[row] if 0 <= row < len(self.files) else None

    def _enable(self) -> None:
        f = self.current()
        self.open_button.setEnabled(f is not None)
        self.enter_button.setEnabled(f is not None)
        self.enter_button.setText("Tiếp tục nhập t&ay…" if f is not None and f.id in self.links else "Nhập t&ay…")
        self.record_button.setEnabled(f is not None and f.id in self.links)

    def _emit(self, signal: Signal) -> None:
        f = self.current()
        if f is not None:
            signal.emit(f)  # type: ignore[attr-defined]


class ManualStartDialog(QDialog):
    """Which unit, kind and period a Word file is the report of, before typing it in."""

    def __init__(
        self,
        received: ReceivedFile,
        units: Sequence[ListedUnit],
        kinds: Sequence[Kind],
        period: Period | None,
        parent: QWidget | None = None,
        *,
        kind: Kind | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Nhập tay báo cáo — kpdesk")
        self.resize(640, 320)
        box = QVBoxLayout(self)
        box.addWidget(heading_label(f"Nhập tay tệp {received.file_name}", self))
        box.addWidget(
            hint_label(
                "Chọn đơn vị đã gửi tệp, loại và kỳ báo cáo. kpdesk mở trình soạn báo cáo (như ở xã) "
                "với một bản trống: gõ lại nội dung của tệp Word.",
                self,
            )
        )
        form = QFormLayout()
        self.unit = QComboBox(self)
        self.unit.setAccessibleName("Đơn vị gửi tệp")
        for u in units:
            self.unit.addItem(f"{u.title} (mã {u.code})", u)
        self.kind = QComboBox(self)
        self.kind.setAccessibleName("Loại báo cáo")
        for k in kinds:
            self.kind.addItem(f"{k.short} — {k.name}", k)
        if kind is not None:
            self.kind.setCurrentIndex(max(0, next((i for i, k in enumerate(kinds) if k.id == kind.id), 0)))
        self.period = PeriodPicker(self._kind().periods if kinds else ("month",), self)
        if period is not None and kinds and period.type in self._kind().periods:
            self.period.set_period(period)
        for text, widget in (("Đơn &vị:", self.unit), ("&Loại báo cáo:", self.kind), ("&Kỳ báo cáo:", self.period)):
            label = QLabel(text, self)
            label.setBuddy(widget.first_widget() if isinstance(widget, PeriodPicker) else widget)
            form.addRow(label, widget)
        box.addLayout(form)
        box.addStretch(1)
        buttons = QDialogButtonBox(self)
        self.ok_button = buttons.addButton("&Bắt đầu nhập", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Hủy", QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        self.ok_button.setEnabled(bool(units) and bool(kinds))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.unit.setFocus()

    def _kind(self) -> Kind:
        return self.kind.currentData()

    def _kind_changed(self) -> None:
        chosen = self.period.period()
        self.period.type_combo.blockSignals(True)
        self.period.type_combo.clear()
        for t in self._kind().periods:
            self.period.type_combo.addItem(PERIOD_CHOICES[t], t)
        self.period.type_combo.setVisible(len(self._kind().periods) > 1)
        self.period.type_combo.blockSignals(False)
        if chosen is not None and chosen.type in self._kind().periods:
            self.period.set_period(chosen)
        else:
            self.period.set_period(Period.containing(self._kind().periods[0], dt.date.today()))

    def chosen(self) -> tuple[ListedUnit, Kind, Period] | None:
        period = self.period.period()
        if self.unit.currentData() is None or self.kind.currentData() is None or period is None:
            return None
        return self.unit.currentData(), self._kind(), period


class ManualEntryView(QWidget):
    """A bar saying which file is being typed in, with «Mở tệp Word gốc» and «Ghi nhận đã nhận», over the wizard."""

    record_requested = Signal(object)  # ReceivedFile
    open_requested = Signal(object)  # ReceivedFile

    def __init__(
        self, received: ReceivedFile, unit: ListedUnit, wizard: QWidget, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.received, self.unit, self.wizard = received, unit, wizard
        bar = Band("#e8f0fa", "#9fb7d6", self)
        bar.setObjectName("manualBar")
        line = QHBoxLayout(bar)
        line.setContentsMargins(12, 6, 12, 6)
        text = QLabel(
            f"<b>Nhập tay</b> tệp <b>{escape_html(received.file_name)}</b> (nhận ngày "
            f"{vn.format_date(received.received_on)}) — báo cáo của {escape_html(unit.title)}. Gõ lại nội "
            "dung của tệp Word vào các bước dưới đây (tự lưu), xong bấm «Ghi nhận đã nhận».",
            bar,
        )
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setWordWrap(True)
        line.addWidget(text, 1)
        self.open_button = QPushButton("Mở tệp &Word gốc", bar)
        self.record_button = QPushButton("Ghi nhận đã n&hận", bar)
        for b in (self.open_button, self.record_button):
            b.setAutoDefault(False)
            line.addWidget(b)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(bar)
        box.addWidget(wizard, 1)
        self.open_button.clicked.connect(lambda: self.open_requested.emit(self.received))
        self.record_button.clicked.connect(lambda: self.record_requested.emit(self.received))


def source_path(received: ReceivedFile) -> Path | None:
    """Where the received file still is (the path it was received from), or None when it is gone."""
    path = Path(received.source)
    return path if path.is_file() else None
