"""«Thông tin của Sở»: the department's own profile, which its letters are written with."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTabWidget, QVBoxLayout, QWidget

from kpdesk.errors import KpdeskError, ProfileError
from kpdesk.kinds import Field
from kpdesk.store import DEPARTMENT, SignerProfile, Store, UnitProfile
from ui.profile import PROVINCE_LEVELS, combo_box, field_label, form_page, line_edit
from ui.widgets.common import ERROR, heading_label, hint_label
from ui.widgets.fields import LineEditor, ListEditor
from ui.widgets.rows import RowsEditor

#: The department's signers: the same table as a commune's, with the department's words as examples.
SIGNERS_FIELD = Field(
    id="signers", type="rows", label="Người ký",
    columns=(
        Field(id="name", type="text", label="Họ và tên", required=True, example="Nguyễn Văn Bình"),
        Field(id="position", type="text", label="Chức vụ", example="PHÓ GIÁM ĐỐC"),
        Field(id="authority", type="list", label="Thẩm quyền ký, mỗi dòng một cấp (ví dụ KT. GIÁM ĐỐC)"),
        Field(id="is_default", type="bool", label="Người ký mặc định"),
    ),
)
#: What a new department profile starts with: nearly every department that uses kpdesk is the Sở KH&CN.
NEW_PROFILE = UnitProfile(name="Sở Khoa học và Công nghệ", level="", agency=("SỞ KHOA HỌC", "VÀ CÔNG NGHỆ"),
                          agency_symbol="SKHCN", role=DEPARTMENT)


class DepartmentProfileDialog(QDialog):
    """Edit (or on the first start, create) the department's profile; the store checks it when it is saved."""

    def __init__(self, store: Store, profile: UnitProfile | None = None, parent: QWidget | None = None, *,
                 first_run: bool = False) -> None:
        super().__init__(parent)
        self.store = store
        self.profile = profile or NEW_PROFILE
        self.saved_id: Any = None
        self.setWindowTitle("Thông tin của Sở — kpdesk")
        self.setModal(True)
        self.resize(900, 640)
        box = QVBoxLayout(self)
        if first_run:
            box.addWidget(heading_label("Chào mừng đến với kpdesk — chế độ nhận báo cáo cho Sở", self))
            box.addWidget(hint_label("Hãy nhập thông tin của Sở một lần: tên và tiêu đề văn bản, ký hiệu, người ký, "
                                     "nơi nhận. Các công văn trả lại báo cáo và đôn đốc dùng những thông tin này; có "
                                     "thể sửa bất cứ lúc nào ở «Cài đặt › Thông tin của Sở…».", self))
        else:
            box.addWidget(heading_label("Thông tin của Sở", self))
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {ERROR}; font-weight: bold;")
        self.error.hide()
        box.addWidget(self.error)
        self.tabs = QTabWidget(self)
        box.addWidget(self.tabs, 1)

        form = form_page(self.tabs, "&1. Cơ quan", "Tên cơ quan và các dòng in ở góc trên bên trái của công văn "
                                                   "(tên cơ quan chủ quản, rồi tên Sở).")
        body = form.body  # type: ignore[attr-defined]
        self.name = line_edit(body, "Ví dụ: Sở Khoa học và Công nghệ", "Tên cơ quan")
        self.province_level = combo_box(body, PROVINCE_LEVELS, "Tỉnh hay thành phố")
        self.province = line_edit(body, "Ví dụ: Thanh Hóa", "Tên tỉnh/thành phố")
        self.superior = line_edit(body, "Ví dụ: UBND TỈNH THANH HÓA", "Cơ quan chủ quản")
        self.agency = ListEditor(Field(id="agency", type="list", label="Tên cơ quan ở tiêu đề"), body, min_lines=2,
                                 item_word="dòng", buttons=False)
        self.agency.edit.setPlaceholderText("Mỗi dòng một dòng in, ví dụ: SỞ KHOA HỌC / VÀ CÔNG NGHỆ")
        self.place = line_edit(body, "Ví dụ: Thanh Hóa (để trống: dùng tên tỉnh)", "Địa danh")
        self.agency_symbol = line_edit(body, "Ví dụ: SKHCN", "Ký hiệu cơ quan")
        self.office_symbol = line_edit(body, "Ví dụ: QLKH", "Ký hiệu phòng soạn thảo")
        for label, widget in (("&Tên cơ quan: *", self.name), ("Tỉnh hay thành phố:", self.province_level),
                              ("Tên tỉnh/thành phố:", self.province), ("Cơ quan &chủ quản:", self.superior),
                              ("Tên cơ quan ở tiêu đề:", self.agency), ("Địa danh ở dòng ngày tháng:", self.place),
                              ("&Ký hiệu cơ quan (số văn bản):", self.agency_symbol),
                              ("Ký hiệu &phòng soạn thảo:", self.office_symbol)):
            form.addRow(field_label(label, widget), widget)

        form = form_page(self.tabs, "&2. Người liên hệ", "Cán bộ theo dõi báo cáo của các xã, phường.")
        body = form.body  # type: ignore[attr-defined]
        self.contact_name = line_edit(body, "Ví dụ: Lê Thị Hoa", "Họ tên người liên hệ")
        self.contact_position = line_edit(body, "Ví dụ: Chuyên viên phòng Quản lý khoa học", "Chức vụ người liên hệ")
        self.contact_phone = LineEditor(Field(id="contact_phone", type="phone", label="Số điện thoại",
                                              example="0237 3852 123"), body)
        self.contact_email = LineEditor(Field(id="contact_email", type="email", label="Thư điện tử",
                                              example="qlkh.skhcn@thanhhoa.gov.vn"), body)
        for label, widget in (("Họ và tên:", self.contact_name), ("Chức vụ:", self.contact_position),
                              ("Số điện thoại:", self.contact_phone), ("Thư điện tử:", self.contact_email)):
            form.addRow(field_label(label, widget), widget)

        form = form_page(self.tabs, "&3. Người ký", "Những người ký công văn của Sở, ví dụ «KT. GIÁM ĐỐC» / «PHÓ "
                                                   "GIÁM ĐỐC» / họ tên. Người ký mặc định được điền sẵn.")
        body = form.body  # type: ignore[attr-defined]
        self.signers = RowsEditor(SIGNERS_FIELD, body, row_word="Người ký")
        form.addRow(self.signers)

        form = form_page(self.tabs, "&4. Nơi nhận", "Nơi nhận in ở cuối công văn, mỗi nơi một dòng. Để trống: «Như "
                                                   "trên», «Lãnh đạo Sở (để b/c)», «Lưu: VT, <ký hiệu phòng>».")
        body = form.body  # type: ignore[attr-defined]
        self.recipients = ListEditor(Field(id="default_recipients", type="list", label="Nơi nhận"), body, min_lines=4,
                                     item_word="nơi nhận", buttons=False)
        form.addRow(field_label("&Nơi nhận:", self.recipients), self.recipients)

        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton("&Lưu thông tin của Sở", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton("Để &sau" if first_run else "&Hủy",
                                               QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)
        self.load(self.profile)
        self.name.setFocus()

    def load(self, p: UnitProfile) -> None:
        self.name.setText(p.name)
        self.province_level.setCurrentText(p.province_level or "tỉnh")
        self.province.setText(p.province)
        self.superior.setText(p.superior)
        self.agency.set_value(list(p.agency) or None)
        self.place.setText(p.place)
        self.agency_symbol.setText(p.agency_symbol)
        self.office_symbol.setText(p.office_symbol)
        self.contact_name.setText(p.contact_name)
        self.contact_position.setText(p.contact_position)
        self.contact_phone.set_value(p.contact_phone or None)
        self.contact_email.set_value(p.contact_email or None)
        self.signers.set_value([{"name": s.name, "position": s.position, "authority": list(s.authority) or None,
                                 "is_default": s.is_default} for s in p.signers] or None)
        self.recipients.set_value(list(p.default_recipients) or None)

    def collected(self) -> UnitProfile:
        """The profile as typed (the store cleans and checks it when saving)."""
        signers = tuple(SignerProfile(name=row.get("name") or "", position=row.get("position") or "",
                                      authority=tuple(row.get("authority") or ()),
                                      is_default=bool(row.get("is_default")))
                        for row in self.signers.value() or [])
        return replace(
            self.profile, name=self.name.text(), level="", province=self.province.text(),
            province_level=self.province_level.currentText(), superior=self.superior.text(),
            agency=tuple(self.agency.value() or ()), place=self.place.text(),
            agency_symbol=self.agency_symbol.text(), office_symbol=self.office_symbol.text(),
            contact_name=self.contact_name.text(), contact_position=self.contact_position.text(),
            contact_phone=self.contact_phone.text(), contact_email=self.contact_email.text(), signers=signers,
            default_recipients=tuple(self.recipients.value() or ()), role=DEPARTMENT)

    def accept(self) -> None:
        try:
            self.saved_id = self.store.save_unit(self.collected())
        except KpdeskError as exc:
            self.show_error(exc.message, exc.field if isinstance(exc, ProfileError) else "name")
            return
        super().accept()

    def show_error(self, message: str, field: str = "name") -> None:
        """Show the store's message above the tabs and go to the field it names (`ProfileError.field`)."""
        self.error.setText(f"✖ Chưa lưu được: {message}")
        self.error.show()
        if field.startswith("contact_"):
            self.tabs.setCurrentIndex(1)
            (self.contact_email if field == "contact_email" else self.contact_phone).focus_target().setFocus()
        elif field == "signers":
            self.tabs.setCurrentIndex(2)
            self.signers.focus_target().setFocus()
        elif field == "agency_symbol":
            self.tabs.setCurrentIndex(0)
            self.agency_symbol.setFocus()
        else:
            self.tabs.setCurrentIndex(0)
            self.name.setFocus()
