"""«Danh sách đơn vị»: the units expected to report, imported from CSV or Excel, added and edited one by one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kpdesk import vn
from kpdesk.department import unitlist
from kpdesk.department.records import Records, UnitImport
from kpdesk.department.unitlist import LEVELS, ListedUnit, fold, read_unit_list
from kpdesk.errors import FormatError, KpdeskError
from kpdesk.kinds import Field
from ui import dialogs
from ui.department.dialogs import InputError, date_editor, error_label, filter_row, read_date, show_message
from ui.operations import Op
from ui.profile import field_label
from ui.settings import Settings
from ui.widgets.common import (
    HINT,
    empty_label,
    fit_columns,
    heading_label,
    hint_label,
    row_table,
    set_text_colour,
)
from ui.widgets.fields import LineEditor

COLUMNS = ("Mã", "Tên", "Cấp", "Thư điện tử", "Điện thoại", "Hiệu lực từ", "Hiệu lực đến")


def checked_unit(values: dict[str, Any]) -> ListedUnit:
    """The unit typed in the form, checked by the same rules as a row of an imported list (`FormatError` says what
    to correct, naming the column)."""
    return unitlist._read_row(lambda key: values.get(key))  # the one check of a unit's row, in the core


def _phone(digits: str) -> str:
    """ "0982 741 345" for the stored digits (as typed when the core cannot group them)."""
    try:
        return vn.parse_phone(digits).display() if digits else ""
    except FormatError:
        return digits


class UnitDialog(QDialog):
    """Add a unit, or edit one (its code stays: the code is how a list imported later finds it)."""

    def __init__(self, records: Records, unit: ListedUnit | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.records = records
        self.unit = unit
        self.saved: ListedUnit | None = None
        self.setWindowTitle(("Sửa đơn vị" if unit else "Thêm đơn vị") + " — kpdesk")
        self.resize(620, 420)
        box = QVBoxLayout(self)
        box.addWidget(heading_label(f"Sửa {unit.title}" if unit else "Thêm đơn vị vào danh sách", self))
        box.addWidget(
            hint_label(
                "Ngày hiệu lực dùng cho các xã, phường sáp nhập hoặc mới thành lập: đơn vị chỉ được "
                "chờ báo cáo của các kỳ kết thúc trong khoảng hiệu lực. Để trống nếu không có.",
                self,
            )
        )
        form = QFormLayout()
        self.code = QLineEdit(self)
        self.code.setPlaceholderText("Ví dụ: 16084 (mã đơn vị hành chính) hoặc TH01")
        self.code.setAccessibleName("Mã đơn vị")
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("Ví dụ: Thiệu Trung (không ghi «xã»)")
        self.name.setAccessibleName("Tên đơn vị")
        self.level = QComboBox(self)
        self.level.addItems(list(LEVELS))
        self.level.setAccessibleName("Cấp")
        self.email = LineEditor(Field(id="email", type="email", label="Thư điện tử", example="ubnd@xa.gov.vn"), self)
        self.phone = LineEditor(Field(id="phone", type="phone", label="Điện thoại", example="0237 3852 123"), self)
        self.valid_from = date_editor("Hiệu lực từ", self)
        self.valid_until = date_editor("Hiệu lực đến", self)
        for text, widget in (
            ("&Mã: *", self.code),
            ("&Tên: *", self.name),
            ("&Cấp:", self.level),
            ("Thư đ&iện tử:", self.email),
            ("Điện t&hoại:", self.phone),
            ("Hiệ&u lực từ:", self.valid_from),
            ("Hiệu lực đế&n:", self.valid_until),
        ):
            form.addRow(field_label(text, widget), widget)
        box.addLayout(form)
        self.error = error_label(self)
        box.addWidget(self.error)
        box.addStretch(1)
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton("&Lưu", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Hủy", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)
        if unit is not None:
            self.code.setText(unit.code)
            self.code.setReadOnly(True)
            self.code.setToolTip("Mã không đổi được: danh sách nhập sau tìm đơn vị theo mã.")
            self.name.setText(unit.name)
            self.level.setCurrentText(unit.level)
            self.email.set_value(unit.email or None)
            self.phone.set_value(unit.phone or None)
            self.valid_from.set_value(unit.valid_from)
            self.valid_until.set_value(unit.valid_until)
            self.name.setFocus()
        else:
            self.code.setFocus()

    def accept(self) -> None:
        try:
            values = {
                "code": self.code.text(),
                "name": self.name.text(),
                "level": self.level.currentText(),
                "email": self.email.text(),
                "phone": self.phone.text(),
                "valid_from": read_date(self.valid_from, "Hiệu lực từ"),
                "valid_until": read_date(self.valid_until, "Hiệu lực đến"),
            }
            unit = checked_unit(values)
        except InputError as exc:
            show_message(self.error, str(exc))
            return
        except FormatError as exc:
            show_message(self.error, f"Chưa lưu được: {exc.message[:1].upper()}{exc.message[1:]}")
            return
        if self.unit is None and any(fold(u.code) == fold(unit.code) for u in self.records.units()):
            show_message(self.error, f"Mã «{unit.code}» đã có trong danh sách; hãy chọn đơn vị đó rồi bấm «Sửa…».")
            self.code.setFocus()
            return
        try:
            self.records.import_units([unit])
        except KpdeskError as exc:
            show_message(self.error, exc.message)
            return
        self.saved = unit
        super().accept()


class UnitsDialog(QDialog):
    """The unit list: a table (filter by name or code), import from a file, add and edit."""

    def __init__(self, records: Records, parent: QWidget | None = None, *, settings: Settings | None = None) -> None:
        super().__init__(parent)
        self.records = records
        self.settings = settings or Settings()
        self.changed = False
        self.units: list[ListedUnit] = []
        self.setWindowTitle("Danh sách đơn vị — kpdesk")
        self.resize(1000, 640)
        box = QVBoxLayout(self)
        box.addWidget(heading_label("Danh sách đơn vị gửi báo cáo", self))
        box.addWidget(
            hint_label(
                "Nhập từ tệp CSV hoặc Excel (.xlsx) với các cột Mã, Tên, Cấp (xã, phường, đặc khu) "
                "và nếu có: Thư điện tử, Điện thoại, Hiệu lực từ, Hiệu lực đến. Nhập lại danh sách "
                "mới thì cập nhật theo mã; đơn vị không có trong tệp mới vẫn được giữ.",
                self,
            )
        )
        row, self.filter = filter_row(self, "Gõ tên hoặc mã (không cần dấu)…")
        box.addLayout(row)
        self.table = row_table(COLUMNS, self, name="Danh sách đơn vị", stretch=1)
        self.table.setAlternatingRowColors(True)
        box.addWidget(self.table, 1)
        self.empty = empty_label("Chưa có đơn vị nào. Bấm «Nhập từ tệp…» để nhập danh sách của tỉnh.", self)
        box.addWidget(self.empty)
        actions = QHBoxLayout()
        self.import_button = QPushButton("&Nhập từ tệp…", self)
        self.add_button = QPushButton("Thê&m…", self)
        self.edit_button = QPushButton("&Sửa…", self)
        for b in (self.import_button, self.add_button, self.edit_button):
            b.setAutoDefault(False)
            actions.addWidget(b)
        actions.addStretch(1)
        self.count = QLabel(self)
        set_text_colour(self.count, HINT)
        actions.addWidget(self.count)
        close = QPushButton("Đóng", self)
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        actions.addWidget(close)
        box.addLayout(actions)
        self.import_button.clicked.connect(self.import_file)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.table.activated.connect(lambda _: self.edit())
        self.table.doubleClicked.connect(lambda _: self.edit())
        self.filter.textChanged.connect(lambda _: self.refresh())
        self.refresh()
        (self.import_button if not self.units else self.table).setFocus()

    def refresh(self, select: str | None = None) -> None:
        current = select or (self.current().code if self.current() else None)
        wanted = fold(self.filter.text())
        self.units = [u for u in self.records.units() if not wanted or wanted in fold(f"{u.code} {u.full_name}")]
        self.table.setRowCount(len(self.units))
        for r, u in enumerate(self.units):
            cells = (
                u.code,
                u.name,
                u.level,
                u.email,
                _phone(u.phone),
                vn.format_date(u.valid_from) if u.valid_from else "",
                vn.format_date(u.valid_until) if u.valid_until else "",
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                self.table.setItem(r, c, item)
            if u.code == current:
                self.table.selectRow(r)
        fit_columns(self.table)
        if self.units and not self.table.selectedItems():
            self.table.selectRow(0)
        has_any = bool(self.units) or bool(wanted)
        self.table.setVisible(has_any)
        self.empty.setVisible(not has_any)
        self.count.setText(f"{len(self.units)} đơn vị")
        self.edit_button.setEnabled(bool(self.units))

    def current(self) -> ListedUnit | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        row = rows[0].row() if rows else -1
        return self.units[row] if 0 <= row < len(self.units) else None

    def import_file(self) -> None:
        path = dialogs.open_path(
            self,
            "Chọn danh sách đơn vị (CSV hoặc Excel)",
            self.settings.folder("units"),
            "Danh sách đơn vị (*.csv *.xlsx)",
        )
        if path is None:
            return
        self.settings.remember_folder("units", path)
        records = self.records

        def work(progress: Any) -> UnitImport:
            return records.import_units(read_unit_list(Path(path)))

        Op(
            self,
            work,
            label=f"Đang nhập danh sách đơn vị {path.name}…",
            error_what=f"Chưa nhập được danh sách đơn vị từ {path.name}; danh sách giữ nguyên.",
        ).success(self._imported).run()

    def _imported(self, result: UnitImport) -> None:
        self.changed = True
        self.refresh()
        dialogs.tell(self, result.text)

    def add(self) -> None:
        self._edit(None)

    def edit(self) -> None:
        unit = self.current()
        if unit is not None:
            self._edit(unit)

    def _edit(self, unit: ListedUnit | None) -> None:
        dialog = UnitDialog(self.records, unit, self)
        self.unit_dialog = dialog
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            self.changed = True
            self.filter.clear()
            self.refresh(select=dialog.saved.code)
