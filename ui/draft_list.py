"""The list of drafts, the main window's second tab: search, filters by kind and status, the bin; Enter opens a
draft, Delete moves it to the bin (undoable). Its own module: the window imports it when the tab is first opened
(see `ui.main_window.MainWindow.list_page`), so a start on the home loads neither it nor the enums of its table
and filters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kpdesk.errors import KpdeskError
from kpdesk.store import DraftInfo, Store
from ui.operations import show_error
from ui.widgets.common import (
    HINT,
    USER_ROLE,
    empty_label,
    fit_columns,
    heading_label,
    push_button,
    row_table,
    set_text_colour,
)

if TYPE_CHECKING:
    from kpdesk.kinds import KindBasics


class DraftsWindow(Protocol):
    """What the list needs of the window it sits in (the main window; the list does not import it)."""

    store: Store
    kinds: Sequence[KindBasics]

    def kind(self, kind_id: str) -> KindBasics | None: ...
    def new_report(self) -> None: ...
    def duplicate_current(self) -> None: ...
    def history_current(self) -> None: ...
    def export_json_current(self) -> None: ...
    def delete_current(self) -> None: ...
    def undelete_current(self) -> None: ...
    def undo_delete(self) -> None: ...


STATUS_FILTERS = (("Mọi trạng thái", None), ("Đang soạn", "drafting"), ("Đã xuất", "exported"))


class DraftListPage(QWidget):
    """The drafts with search and filters; Enter opens, Delete moves to the bin (undoable)."""

    open_requested = Signal(int)

    COLUMNS = ("Báo cáo", "Loại", "Kỳ báo cáo", "Trạng thái", "Lưu lần cuối")

    def __init__(self, window: DraftsWindow) -> None:
        super().__init__(window)  # type: ignore[arg-type] # the main window, a QWidget
        self.window_ = window
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 12, 16, 8)
        head = QHBoxLayout()
        self.heading = heading_label("Báo cáo của đơn vị", self)
        head.addWidget(self.heading, 1)
        self.new_button = push_button("Báo cáo &mới…", self)
        self.new_button.setToolTip("Tạo báo cáo mới: chọn loại và kỳ báo cáo (Ctrl+N)")
        self.new_button.setMinimumHeight(34)
        font = self.new_button.font()
        font.setBold(True)
        self.new_button.setFont(font)
        self.new_button.clicked.connect(window.new_report)
        head.addWidget(self.new_button)
        box.addLayout(head)

        filters = QHBoxLayout()
        search_label = QLabel("Tìm &kiếm:", self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Gõ tên báo cáo, đơn vị hoặc nội dung (không cần dấu)…")
        self.search.setClearButtonEnabled(True)
        search_label.setBuddy(self.search)
        self.kind_filter = QComboBox(self)
        self.kind_filter.setAccessibleName("Lọc theo loại báo cáo")
        # as wide as 48 characters, at most 380 px: Qt need not measure each kind's long name whenever the page
        # is laid out, as a filter as wide as its longest entry would
        self.kind_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.kind_filter.setMinimumContentsLength(48)
        self.kind_filter.setMaximumWidth(380)
        self.fill_kind_filter()
        self.status_filter = QComboBox(self)
        self.status_filter.setAccessibleName("Lọc theo trạng thái")
        for label, value in STATUS_FILTERS:
            self.status_filter.addItem(label, value)
        self.bin = QCheckBox("Thùng &rác", self)
        self.bin.setToolTip("Xem các bản nháp đã xóa (có thể khôi phục)")
        for w in (search_label, self.search):
            filters.addWidget(w)
        filters.setStretch(1, 1)
        filters.addWidget(self.kind_filter)
        filters.addWidget(self.status_filter)
        filters.addWidget(self.bin)
        box.addLayout(filters)

        self.table = row_table(self.COLUMNS, self, name="Danh sách báo cáo")
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.doubleClicked.connect(lambda _: self.open_current())
        box.addWidget(self.table, 1)
        self.empty = empty_label("", self)
        box.addWidget(self.empty, 1)  # in the table's place: the buttons stay at the bottom

        actions = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, tip, slot in (
            ("open", "Mở", "Mở bản nháp để soạn tiếp (Enter)", self.open_current),
            ("duplicate", "&Nhân bản", "Tạo một bản sao của bản nháp này", window.duplicate_current),
            ("history", "&Lịch sử…", "Xem và khôi phục các lần lưu trước", window.history_current),
            (
                "export_json",
                "Xuất tệp &bản nháp…",
                "Ghi bản nháp ra tệp .json để gửi hoặc lưu trữ",
                window.export_json_current,
            ),
            ("delete", "&Xóa", "Chuyển vào thùng rác (Delete); có thể hoàn tác", window.delete_current),
            ("undelete", "Khôi &phục", "Đưa bản nháp ra khỏi thùng rác", window.undelete_current),
        ):
            button = push_button(text, self)
            button.setToolTip(tip)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            actions.addWidget(button)
            self.buttons[key] = button
        actions.addStretch(1)
        self.count = QLabel(self)
        set_text_colour(self.count, HINT)
        actions.addWidget(self.count)
        box.addLayout(actions)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(200)
        self.timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _: self.timer.start())
        self.kind_filter.currentIndexChanged.connect(lambda _: self.refresh())
        self.status_filter.currentIndexChanged.connect(lambda _: self.refresh())
        self.bin.toggled.connect(lambda _: self.refresh())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.activated.connect(lambda _: self.open_current())  # Enter, Return
        self.table.installEventFilter(self)  # Delete, Ctrl+Z
        self.infos: list[DraftInfo] = []

    def fill_kind_filter(self) -> None:
        """List the kinds in the filter (again, after a kind package was installed), keeping the choice."""
        chosen = self.kind_filter.currentData()
        self.kind_filter.blockSignals(True)
        self.kind_filter.clear()
        self.kind_filter.addItem("Mọi loại báo cáo", None)
        for kind in self.window_.kinds:
            self.kind_filter.addItem(f"{kind.short} — {kind.name}", kind.id)
        self.kind_filter.setCurrentIndex(max(self.kind_filter.findData(chosen), 0))
        self.kind_filter.blockSignals(False)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if obj is self.table and event.type() == QEvent.Type.KeyPress:
            key, mods = event.key(), event.modifiers()  # type: ignore[attr-defined]
            if key == QtCore.Qt.Key.Key_Delete and not self.bin.isChecked():
                self.window_.delete_current()
                return True
            if key == QtCore.Qt.Key.Key_Z and mods & QtCore.Qt.KeyboardModifier.ControlModifier:
                self.window_.undo_delete()
                return True
        return super().eventFilter(obj, event)

    def refresh(self, select: int | None = None) -> None:
        current = select if select is not None else self.current_id()
        try:
            self.infos = self.window_.store.list_drafts(
                kind=self.kind_filter.currentData(),
                status=self.status_filter.currentData(),
                text=self.search.text() or None,
                deleted=self.bin.isChecked(),
            )
        except KpdeskError as exc:
            show_error(self, exc)
            self.infos = []
        self.table.setRowCount(len(self.infos))
        for row, info in enumerate(self.infos):
            kind = self.window_.kind(info.kind)
            title = info.title or (f"{kind.name}" if kind else info.kind)
            cells = (
                title,
                kind.short if kind else info.kind,
                info.period.label,
                info.status_label.capitalize(),
                f"{info.updated:%d/%m/%Y %H:%M}",
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(USER_ROLE, info.id)
                if col == 0:
                    item.setToolTip(f"{title}\n{info.unit_name}, {info.period.label}")
                self.table.setItem(row, col, item)
            if info.id == current:
                self.table.setCurrentCell(row, 0)
        fit_columns(self.table)
        if self.infos and not self.table.selectedItems():
            self.table.setCurrentCell(0, 0)  # the row Enter opens: selected and current from the start
        self.table.setVisible(bool(self.infos))
        filtered = bool(self.search.text() or self.kind_filter.currentData() or self.status_filter.currentData())
        if self.bin.isChecked():
            empty = "Thùng rác trống."
        elif filtered:
            empty = "Không có báo cáo nào khớp. Hãy xóa ô «Tìm» hoặc chọn «Mọi loại báo cáo»."
        else:
            empty = "Chưa có báo cáo nào. Bấm «Báo cáo mới…» (Ctrl+N) để bắt đầu."
        self.empty.setText(empty)
        self.empty.setVisible(not self.infos)
        where = " trong thùng rác" if self.bin.isChecked() else ""
        self.count.setText(f"{len(self.infos)} bản nháp{where}")
        self._selection_changed()

    def current_info(self) -> DraftInfo | None:
        selected = self.table.selectedItems()  # whole rows; not selectionModel(), whose enums cost the start ~1 ms
        row = selected[0].row() if selected else self.table.currentRow()
        return self.infos[row] if 0 <= row < len(self.infos) else None

    def current_id(self) -> int | None:
        info = self.current_info()
        return info.id if info else None

    def open_current(self) -> None:
        info = self.current_info()
        if info is not None:
            self.open_requested.emit(info.id)

    def select(self, draft_id: int) -> None:
        for row, info in enumerate(self.infos):
            if info.id == draft_id:
                self.table.setCurrentCell(row, 0)
                return

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        """Shown (its tab chosen, back from a draft): the keyboard goes to the list, so Enter opens the row."""
        super().showEvent(event)
        if self.infos and not self.search.hasFocus():
            self.table.setFocus()  # the reason is "other", as Qt gives it

    def _selection_changed(self) -> None:
        has = self.current_info() is not None
        in_bin = self.bin.isChecked()
        for key, button in self.buttons.items():  # none on an empty list: nothing to act on
            button.setVisible(bool(self.infos) and ((key == "undelete") == in_bin or key in ("history",)))
            button.setEnabled(has)
