"""«Trợ giúp»: the keyboard shortcuts as a table, and «Giới thiệu» (the version and where the data is kept)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.common import COMPUTED_BG, heading_label, hint_label

#: The keys, by where they work: (group, keys, what they do).
SHORTCUTS: tuple[tuple[str, str, str], ...] = (
    ("Mọi lúc", "Ctrl+1", "Việc cần làm"),
    ("Mọi lúc", "Ctrl+2", "Danh sách báo cáo"),
    ("Mọi lúc", "Ctrl+F", "Tìm báo cáo"),
    ("Mọi lúc", "Ctrl+N", "Báo cáo mới"),
    ("Mọi lúc", "Ctrl+O", "Nhập bản nháp hoặc báo cáo Word"),
    ("Mọi lúc", "F1", "Bảng phím tắt này"),
    ("Mọi lúc", "Alt + chữ gạch dưới", "Bấm nút hoặc đến ô có chữ gạch dưới đó"),
    ("Danh sách, việc cần làm", "Enter", "Mở bản nháp đang chọn, hoặc bấm nút đang chọn (Soạn, Mở)"),
    ("Danh sách, việc cần làm", "Delete", "Chuyển bản nháp vào thùng rác"),
    ("Danh sách, việc cần làm", "Ctrl+Z", "Lấy lại bản nháp vừa xóa («Hoàn tác»)"),
    ("Trong báo cáo", "Ctrl+PgDown / Ctrl+PgUp", "Bước sau / bước trước"),
    ("Trong báo cáo", "Enter (ô một dòng)", "Sang ô tiếp theo"),
    ("Trong báo cáo", "Tab / Shift+Tab", "Ô tiếp theo / ô trước (kể cả các nút)"),
    ("Trong báo cáo", "F8", "Đến lỗi hoặc cảnh báo tiếp theo"),
    ("Trong báo cáo", "Ctrl+S", "Lưu ngay (bản nháp vẫn tự lưu sau mỗi lần gõ)"),
    ("Trong báo cáo", "Ctrl+E", "Xem lại và xuất Word"),
    ("Trong báo cáo", "Ctrl+P", "Xem lại và in báo cáo"),
    ("Trong báo cáo", "Ctrl+Z / Ctrl+Y", "Hoàn tác / làm lại khi gõ"),
    ("Trong báo cáo", "Alt+↓ (ô ngày)", "Mở lịch để chọn ngày"),
    ("Trong báo cáo", "Alt+↑ / Alt+↓ (danh sách ý)", "Chuyển ý đang chọn lên / xuống"),
)


class ShortcutsDialog(QDialog):
    """The shortcuts as a table of keys and what they do, under a heading row for where they work."""

    COLUMNS = ("Phím", "Việc")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Phím tắt")
        self.resize(780, 640)
        box = QVBoxLayout(self)
        box.addWidget(heading_label("Phím tắt", self))
        box.addWidget(
            hint_label(
                "Mọi việc đều làm được bằng bàn phím. Chữ gạch dưới trên nút hoặc nhãn: giữ Alt và bấm chữ đó.", self
            )
        )
        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.setAccessibleName("Bảng phím tắt")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)
        self.groups: dict[int, str] = {}  # table row of each heading -> where the keys below it work
        group = ""
        for where, keys, what in SHORTCUTS:
            row = self.table.rowCount()
            if where != group:
                group = where
                self.table.insertRow(row)
                heading = QTableWidgetItem(where)
                font = heading.font()
                font.setBold(True)
                heading.setFont(font)
                heading.setBackground(QColor(COMPUTED_BG))
                self.table.setItem(row, 0, heading)
                self.table.setSpan(row, 0, 1, len(self.COLUMNS))
                self.groups[row] = where
                row += 1
            self.table.insertRow(row)
            key_item = QTableWidgetItem(keys)
            font = key_item.font()
            font.setBold(True)
            key_item.setFont(font)
            self.table.setItem(row, 0, key_item)
            self.table.setItem(row, 1, QTableWidgetItem(what))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())  # wrapped texts: rows fit
        box.addWidget(self.table, 1)
        buttons = QDialogButtonBox(self)
        close = buttons.addButton("Đó&ng", QDialogButtonBox.ButtonRole.RejectRole)
        close.setDefault(True)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        self.table.resizeRowsToContents()

    def rows(self) -> list[tuple[str, str, str]]:
        """The keys as shown: (where, keys, what), where only on the first row under each heading."""
        out: list[tuple[str, str, str]] = []
        where = ""
        for r in range(self.table.rowCount()):
            if r in self.groups:
                where = self.groups[r]
                continue
            out.append((where, self.table.item(r, 0).text(), self.table.item(r, 1).text()))
            where = ""
        return out
