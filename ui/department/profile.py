"""«Thông tin của Sở»: the department's own profile, which its letters are written with."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QWidget

from kpdesk.kinds import Field
from kpdesk.store import DEPARTMENT, Store, UnitProfile
from ui.profile import PROVINCE_LEVELS, ProfileDialogBase, combo_box, field_label, form_page, line_edit
from ui.widgets.fields import ListEditor

#: The department's signers: the same table as a commune's, with the department's words as examples.
SIGNERS_FIELD = Field(
    id="signers",
    type="rows",
    label="Người ký",
    columns=(
        Field(id="name", type="text", label="Họ và tên", required=True, example="Nguyễn Văn Bình"),
        Field(id="position", type="text", label="Chức vụ", example="PHÓ GIÁM ĐỐC"),
        Field(id="authority", type="list", label="Thẩm quyền ký, mỗi dòng một cấp (ví dụ KT. GIÁM ĐỐC)"),
        Field(id="is_default", type="bool", label="Người ký mặc định"),
    ),
)
#: What a new department profile starts with: nearly every department that uses kpdesk is the Sở KH&CN.
NEW_PROFILE = UnitProfile(
    name="Sở Khoa học và Công nghệ",
    level="",
    agency=("SỞ KHOA HỌC", "VÀ CÔNG NGHỆ"),
    agency_symbol="SKHCN",
    role=DEPARTMENT,
)


class DepartmentProfileDialog(ProfileDialogBase):
    """Edit (or on the first start, create) the department's profile; the store checks it when it is saved."""

    TITLE = "Thông tin của Sở — kpdesk"
    WELCOME = "Chào mừng đến với kpdesk — chế độ nhận báo cáo cho Sở"
    WELCOME_HINT = (
        "Hãy nhập thông tin của Sở một lần: tên và tiêu đề văn bản, ký hiệu, người ký, nơi nhận. Các công "
        "văn trả lại báo cáo và đôn đốc dùng những thông tin này; có thể sửa bất cứ lúc nào ở «Cài đặt › "
        "Thông tin của Sở…»."
    )
    HEADING = "Thông tin của Sở"
    SAVE = "&Lưu thông tin của Sở"
    SIGNERS = SIGNERS_FIELD

    def __init__(
        self,
        store: Store,
        profile: UnitProfile | None = None,
        parent: QWidget | None = None,
        *,
        first_run: bool = False,
    ) -> None:
        super().__init__(store, profile or NEW_PROFILE, parent, first_run=first_run)
        self._add_pages()
        self.finish()

    def _add_pages(self) -> None:
        form = form_page(
            self.tabs,
            "&1. Cơ quan",
            "Tên cơ quan và các dòng in ở góc trên bên trái của công văn (tên cơ quan chủ quản, rồi tên Sở).",
        )
        body = form.body  # type: ignore[attr-defined]
        self.name = line_edit(body, "Ví dụ: Sở Khoa học và Công nghệ", "Tên cơ quan")
        self.province_level = combo_box(body, PROVINCE_LEVELS, "Tỉnh hay thành phố")
        self.province = line_edit(body, "Ví dụ: Thanh Hóa", "Tên tỉnh/thành phố")
        self.superior = line_edit(body, "Ví dụ: UBND TỈNH THANH HÓA", "Cơ quan chủ quản")
        self.agency = ListEditor(
            Field(id="agency", type="list", label="Tên cơ quan ở tiêu đề"),
            body,
            min_lines=2,
            item_word="dòng",
            buttons=False,
        )
        self.agency.edit.setPlaceholderText("Mỗi dòng một dòng in, ví dụ: SỞ KHOA HỌC / VÀ CÔNG NGHỆ")
        self.place = line_edit(body, "Ví dụ: Thanh Hóa (để trống: dùng tên tỉnh)", "Địa danh")
        self.agency_symbol = line_edit(body, "Ví dụ: SKHCN", "Ký hiệu cơ quan")
        self.office_symbol = line_edit(body, "Ví dụ: QLKH", "Ký hiệu phòng soạn thảo")
        for label, widget in (
            ("&Tên cơ quan: *", self.name),
            ("Tỉnh hay thành phố:", self.province_level),
            ("Tên tỉnh/thành phố:", self.province),
            ("Cơ quan &chủ quản:", self.superior),
            ("Tên cơ quan ở tiêu đề:", self.agency),
            ("Địa danh ở dòng ngày tháng:", self.place),
            ("&Ký hiệu cơ quan (số văn bản):", self.agency_symbol),
            ("Ký hiệu &phòng soạn thảo:", self.office_symbol),
        ):
            form.addRow(field_label(label, widget), widget)

        self.add_contact_page(
            "Cán bộ theo dõi báo cáo của các xã, phường.",
            ("Lê Thị Hoa", "Chuyên viên phòng Quản lý khoa học", "0237 3852 123", "qlkh.skhcn@thanhhoa.gov.vn"),
        )

        self.add_signers_page(
            "Những người ký công văn của Sở, ví dụ «KT. GIÁM ĐỐC» / «PHÓ GIÁM ĐỐC» / họ tên. Người "
            "ký mặc định được điền sẵn."
        )

        form = form_page(
            self.tabs,
            "&4. Nơi nhận",
            "Nơi nhận in ở cuối công văn, mỗi nơi một dòng. Để trống: «Như "
            "trên», «Lãnh đạo Sở (để b/c)», «Lưu: VT, <ký hiệu phòng>».",
        )
        body = form.body  # type: ignore[attr-defined]
        self.recipients = ListEditor(
            Field(id="default_recipients", type="list", label="Nơi nhận"),
            body,
            min_lines=4,
            item_word="nơi nhận",
            buttons=False,
        )
        form.addRow(field_label("&Nơi nhận:", self.recipients), self.recipients)

    def load(self, p: UnitProfile) -> None:
        super().load(p)
        self.agency_symbol.setText(p.agency_symbol)

    def collected(self) -> UnitProfile:
        return replace(super().collected(), level="", agency_symbol=self.agency_symbol.text(), role=DEPARTMENT)
