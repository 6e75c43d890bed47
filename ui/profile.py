"""The unit profile: entered on first run, editable later from «Cài đặt › Thông tin đơn vị…».

The dialog only loads, shows and saves: the store checks and cleans the profile (`Store.save_unit`), and the
phone and e-mail are read by the core (`kpdesk.vn`) as they are typed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kpdesk import vn
from kpdesk.draft import Unit
from kpdesk.errors import KpdeskError, ProfileError
from kpdesk.kinds import Field, Kind, get_kind, kind_ids
from kpdesk.store import SignerProfile, Store, UnitProfile
from kpdesk.vocab import PERIOD_NAMES
from ui.widgets.common import ERROR, heading_label, hint_label, set_font, set_text_colour, wheel_needs_focus
from ui.widgets.fields import ChoiceEditor, LineEditor, ListEditor
from ui.widgets.paste import PasteLineEdit
from ui.widgets.rows import RowsEditor

LEVELS = ("xã", "phường", "thị trấn", "đặc khu", "huyện", "quận", "thị xã", "thành phố")
PROVINCE_LEVELS = ("tỉnh", "thành phố")

#: The signers table, described like a kind's table field so the same row editor is used.
SIGNERS_FIELD = Field(
    id="signers",
    type="rows",
    label="Người ký",
    columns=(
        Field(id="name", type="text", label="Họ và tên", required=True, example="Trần Ngọc Tùng"),
        Field(id="position", type="text", label="Chức vụ", example="PHÓ CHỦ TỊCH"),
        Field(id="authority", type="list", label="Thẩm quyền ký, mỗi dòng một cấp (ví dụ KT. CHỦ TỊCH)"),
        Field(id="is_default", type="bool", label="Người ký mặc định"),
    ),
)


def line_edit(parent: QWidget, placeholder: str = "", name: str = "") -> QLineEdit:
    edit = PasteLineEdit(parent)  # Enter goes on to the next field
    edit.setPlaceholderText(placeholder)
    edit.setAccessibleName(name or placeholder)
    return edit


def combo_box(parent: QWidget, items: tuple[str, ...], name: str) -> QComboBox:
    combo = QComboBox(parent)
    combo.setEditable(True)
    combo.addItems(list(items))
    combo.setAccessibleName(name)
    wheel_needs_focus(combo)
    return combo


def commune_kinds() -> list[Kind]:
    """The report kinds a commune writes, built in or installed from a kind package, each in its newest version (those
    that load; a kind the department writes itself is left out)."""
    found = []
    for kind_id in kind_ids():
        try:
            kind = get_kind(kind_id)
        except KpdeskError:
            continue
        if getattr(kind, "audience", "commune") == "commune":
            found.append(kind)
    return found


def kind_terms(kind: Kind) -> str:
    """The periods and the deadline of a kind in words: "Kỳ: tháng; hạn trước ngày 20 hằng tháng"."""
    periods = ", ".join(PERIOD_NAMES[p] for p in kind.periods)
    if kind.deadline_day and "month" in kind.periods:
        rule = f"hạn trước ngày {kind.deadline_day} hằng tháng"
    else:
        rule = "hạn theo ngày Sở đặt"
    return f"Kỳ: {periods}; {rule}."


def form_page(tabs: QTabWidget, title: str, help_text: str) -> QFormLayout:
    """Add a scrolling tab to `tabs` with `help_text` over a form; the form's widgets belong to `form.body`."""
    scroll = QScrollArea(tabs)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    body = QWidget(scroll)
    box = QVBoxLayout(body)
    box.setContentsMargins(14, 10, 14, 10)
    box.addWidget(hint_label(help_text, body))
    form = QFormLayout()
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    box.addLayout(form)
    box.addStretch(1)
    scroll.setWidget(body)
    tabs.addTab(scroll, title)
    form.body = body  # type: ignore[attr-defined]
    return form


def field_label(text: str, widget: QWidget) -> QLabel:
    """A form label whose Alt key goes to `widget` (its text box); a "*" marks a required field in red."""
    label = QLabel(text.replace("*", f'<span style="color:{ERROR}">*</span>'))
    label.setTextFormat(Qt.TextFormat.RichText)
    focus = getattr(widget, "focus_target", None)
    label.setBuddy(focus() if callable(focus) else widget)
    return label


class ProfileDialogBase(QDialog):
    """What the commune's and the department's profile dialogs share: the heading, the error line over the tabs, the
    signers table, the buttons, and saving through the store (which checks and cleans the profile)."""

    TITLE = WELCOME = WELCOME_HINT = HEADING = SAVE = ""
    SIGNERS = SIGNERS_FIELD
    #: A field the store names (`ProfileError.field`) → the attribute holding its editor, when they differ.
    EDITORS: dict[str, str] = {"default_recipients": "recipients", "default_to": "to", "contact_honorific": "honorific"}

    # the editors both dialogs have, made by each dialog's own pages
    name: QLineEdit
    province_level: QComboBox
    province: QLineEdit
    superior: QLineEdit
    agency: ListEditor
    place: QLineEdit
    office_symbol: QLineEdit
    recipients: ListEditor

    def __init__(self, store: Store, profile: UnitProfile, parent: QWidget | None, *, first_run: bool) -> None:
        """The frame: heading, error line and the (empty) tabs; the dialog adds its pages, then calls `finish`."""
        super().__init__(parent)
        self.store = store
        self.profile = profile
        self.first_run = first_run
        self.saved_id: Any = None
        self.setWindowTitle(self.TITLE)
        self.setModal(True)
        self.resize(900, 640)
        box = QVBoxLayout(self)
        if first_run:
            box.addWidget(heading_label(self.WELCOME, self))
            box.addWidget(hint_label(self.WELCOME_HINT, self))
        else:
            box.addWidget(heading_label(self.HEADING, self))
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        set_text_colour(self.error, ERROR)
        set_font(self.error, bold=True)
        self.error.hide()
        box.addWidget(self.error)
        self.tabs = QTabWidget(self)
        box.addWidget(self.tabs, 1)

    def finish(self) -> None:
        """The buttons under the pages, the profile loaded into the editors, the keyboard on the name."""
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton(self.SAVE, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton(
            "Để &sau" if self.first_run else "&Hủy", QDialogButtonBox.ButtonRole.RejectRole
        )
        self.save_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.layout().addWidget(buttons)
        self.load(self.profile)
        self.name.setFocus()

    def load(self, p: UnitProfile) -> None:
        """Show `p` in the editors both dialogs have (each dialog adds its own)."""
        self.name.setText(p.name)
        self.province_level.setCurrentText(p.province_level or "tỉnh")
        self.province.setText(p.province)
        self.superior.setText(p.superior)
        self.agency.set_value(list(p.agency) or None)
        self.place.setText(p.place)
        self.office_symbol.setText(p.office_symbol)
        self.contact_name.setText(p.contact_name)
        self.contact_position.setText(p.contact_position)
        self.contact_phone.set_value(p.contact_phone or None)
        self.contact_email.set_value(p.contact_email or None)
        self.signers.set_value(
            [
                {
                    "name": s.name,
                    "position": s.position,
                    "authority": list(s.authority) or None,
                    "is_default": s.is_default,
                }
                for s in p.signers
            ]
            or None
        )
        self.recipients.set_value(list(p.default_recipients) or None)

    def collected(self) -> UnitProfile:
        """The profile as typed in the editors both dialogs have (the store cleans and checks it when saving)."""
        signers = tuple(
            SignerProfile(
                name=row.get("name") or "",
                position=row.get("position") or "",
                authority=tuple(row.get("authority") or ()),
                is_default=bool(row.get("is_default")),
            )
            for row in self.signers.value() or []
        )
        return replace(
            self.profile,
            name=self.name.text(),
            province=self.province.text(),
            province_level=self.province_level.currentText(),
            superior=self.superior.text(),
            agency=tuple(self.agency.value() or ()),
            place=self.place.text(),
            office_symbol=self.office_symbol.text(),
            contact_name=self.contact_name.text(),
            contact_position=self.contact_position.text(),
            contact_phone=self.contact_phone.text(),
            contact_email=self.contact_email.text(),
            signers=signers,
            default_recipients=tuple(self.recipients.value() or ()),
        )

    def add_signers_page(self, help_text: str) -> None:
        form = form_page(self.tabs, "&3. Người ký", help_text)
        self.signers = RowsEditor(self.SIGNERS, form.body, row_word="Người ký")  # type: ignore[attr-defined]
        form.addRow(self.signers)

    def add_contact_page(
        self, help_text: str, examples: tuple[str, str, str, str], first: tuple[tuple[str, QWidget], ...] = ()
    ) -> None:
        """Add the «Người liên hệ» tab: name, position, phone and e-mail, each with its example, after the rows of
        `first` (widgets the caller made; the form takes them onto the tab)."""
        form = form_page(self.tabs, "&2. Người liên hệ", help_text)
        body = form.body  # type: ignore[attr-defined]
        name, position, phone, email = examples
        self.contact_name = line_edit(body, f"Ví dụ: {name}", "Họ tên người liên hệ")
        self.contact_position = line_edit(body, f"Ví dụ: {position}", "Chức vụ người liên hệ")
        self.contact_phone = LineEditor(
            Field(id="contact_phone", type="phone", label="Số điện thoại", example=phone), body
        )
        self.contact_email = LineEditor(
            Field(id="contact_email", type="email", label="Thư điện tử", example=email), body
        )
        for label, widget in (
            *first,
            ("Họ và tên:", self.contact_name),
            ("Chức vụ:", self.contact_position),
            ("Số điện thoại:", self.contact_phone),
            ("Thư điện tử:", self.contact_email),
        ):
            form.addRow(field_label(label, widget), widget)

    def accept(self) -> None:
        try:
            self.saved_id = self.store.save_unit(self.collected())
        except KpdeskError as exc:
            self.show_error(exc.message, exc.field if isinstance(exc, ProfileError) else "name")
            return
        super().accept()

    def show_error(self, message: str, field: str = "name") -> None:
        """Show the store's message above the tabs and go to the field it names (`ProfileError.field`): its tab
        opens and its editor takes the keyboard (the unit's name when the dialog has no editor for it)."""
        self.error.setText(f"✖ Chưa lưu được: {message}")
        self.error.show()
        editor = getattr(self, self.EDITORS.get(field, field), None)
        if not isinstance(editor, QWidget):
            editor = self.name
        for index in range(self.tabs.count()):
            if self.tabs.widget(index).isAncestorOf(editor):
                self.tabs.setCurrentIndex(index)
                break
        focus = getattr(editor, "focus_target", None)
        (focus() if callable(focus) else editor).setFocus()


class ProfileDialog(ProfileDialogBase):
    """Edit (or, on first run, create) the unit profile; "Lưu" is refused with the store's message on a mistake."""

    TITLE = "Thông tin đơn vị — kpdesk"
    WELCOME = "Chào mừng đến với kpdesk"
    WELCOME_HINT = (
        "Trước khi soạn báo cáo, hãy nhập thông tin của đơn vị một lần. Các thông tin này được dùng cho "
        "mọi báo cáo (tên cơ quan, địa danh, người ký, nơi nhận) và có thể sửa lại bất cứ lúc nào ở «Cài "
        "đặt → Thông tin đơn vị»."
    )
    HEADING = "Thông tin đơn vị"
    SAVE = "&Lưu thông tin đơn vị"

    def __init__(
        self,
        store: Store,
        profile: UnitProfile | None = None,
        parent: QWidget | None = None,
        *,
        first_run: bool = False,
    ) -> None:
        super().__init__(store, profile or UnitProfile(name=""), parent, first_run=first_run)
        self._add_pages()
        self.finish()

    def _add_pages(self) -> None:
        form = form_page(self.tabs, "&1. Đơn vị", "Tên đơn vị và các dòng in ở góc trên bên trái của văn bản.")
        body = form.body  # type: ignore[attr-defined]
        self.level = combo_box(body, LEVELS, "Cấp đơn vị")
        self.name = line_edit(body, "Ví dụ: Thiệu Trung", "Tên xã/phường")
        self.province_level = combo_box(body, PROVINCE_LEVELS, "Tỉnh hay thành phố")
        self.province = line_edit(body, "Ví dụ: Thanh Hóa", "Tên tỉnh/thành phố")
        self.superior = line_edit(body, "Thường để trống đối với UBND xã, phường", "Cơ quan chủ quản")
        self.agency = ListEditor(
            Field(id="agency", type="list", label="Tên cơ quan ở tiêu đề"),
            body,
            min_lines=2,
            item_word="dòng",
            buttons=False,
        )
        self.place = line_edit(body, "Ví dụ: Thiệu Trung (để trống: dùng tên đơn vị)", "Địa danh")
        self.office_symbol = line_edit(body, "Ví dụ: VHXH", "Ký hiệu phòng soạn thảo")
        self.level.currentTextChanged.connect(self._show_agency_hint)
        self.name.textChanged.connect(self._show_agency_hint)
        for label, widget in (
            ("Cấp:", self.level),
            ("&Tên xã/phường: *", self.name),
            ("Tỉnh hay thành phố:", self.province_level),
            ("Tên tỉnh/thành phố:", self.province),
            ("Cơ quan chủ quản:", self.superior),
            ("Tên cơ quan ở tiêu đề:", self.agency),
            ("Địa danh ở dòng ngày tháng:", self.place),
            ("Ký hiệu phòng soạn thảo:", self.office_symbol),
        ):
            form.addRow(field_label(label, widget), widget)

        self.honorific = ChoiceEditor(
            Field(
                id="contact_honorific", type="choice", label="Danh xưng", options=_options(("ông", "Ông"), ("bà", "Bà"))
            ),
            self,
        )
        self.add_contact_page(
            "Cán bộ tổng hợp báo cáo; được điền sẵn vào các báo cáo mới.",
            ("Nghiêm Duy Cương", "Chuyên viên phòng Văn hóa - Xã hội", "0982 741 345", "ten@xa.gov.vn"),
            first=(("Danh xưng:", self.honorific),),
        )

        self.add_signers_page("Những người thường ký báo cáo. Khi soạn báo cáo chỉ cần chọn tên.")

        form = form_page(
            self.tabs, "&4. Nơi nhận", "Nơi nhận và «Kính gửi» điền sẵn cho các báo cáo mới; mỗi nơi một dòng."
        )
        body = form.body  # type: ignore[attr-defined]
        self.recipients = ListEditor(
            Field(id="default_recipients", type="list", label="Nơi nhận"), body, item_word="nơi"
        )
        self.recipients.edit.setPlaceholderText("Ví dụ: Sở KH&CN tỉnh (để b/c)")
        self.to = ListEditor(Field(id="default_to", type="list", label="Kính gửi"), body, min_lines=2, item_word="nơi")
        self.to.edit.setPlaceholderText("Ví dụ: Sở Khoa học và Công nghệ tỉnh Thanh Hóa")
        form.addRow(field_label("Nơi nhận:", self.recipients), self.recipients)
        form.addRow(field_label("Kính gửi (công văn):", self.to), self.to)

        form = form_page(
            self.tabs,
            "&5. Báo cáo định kỳ",
            "Đánh dấu các loại báo cáo đơn vị phải gửi định kỳ. Trang «Việc cần làm» nhắc các kỳ đến hạn và "
            "quá hạn của những loại này (và của các loại đơn vị đã có bản nháp).",
        )
        self.kinds_page = self.tabs.widget(self.tabs.count() - 1)
        body = form.body  # type: ignore[attr-defined]
        self.kind_boxes: dict[str, QCheckBox] = {}
        for kind in commune_kinds():
            check = QCheckBox(f"{kind.short} — {kind.name}", body)
            check.setToolTip(kind.description)
            self.kind_boxes[kind.id] = check
            form.addRow(check)
            terms = hint_label(kind_terms(kind), body)
            terms.setContentsMargins(24, 0, 0, 6)
            form.addRow(terms)
        if not self.kind_boxes:
            form.addRow(hint_label("Chưa có mẫu báo cáo nào đọc được.", body))

    def _show_agency_hint(self, *_: Any) -> None:
        """What an empty «Tên cơ quan ở tiêu đề» prints, for the level and name typed: «… / PHƯỜNG HẠC THÀNH»."""
        unit = Unit(name=vn.clean_line(self.name.text()) or "…", level=vn.clean_line(self.level.currentText()))
        self.agency.edit.setPlaceholderText(f"Để trống để in: {' / '.join(unit.agency_lines)}")

    def load(self, p: UnitProfile) -> None:
        self.level.setCurrentText(p.level or "xã")
        super().load(p)
        self.honorific.set_value(p.contact_honorific or None)
        self.to.set_value(list(p.default_to) or None)
        for kind_id, check in self.kind_boxes.items():
            check.setChecked(kind_id in p.report_kinds)
        self._show_agency_hint()

    def collected(self) -> UnitProfile:
        return replace(
            super().collected(),
            level=self.level.currentText(),
            contact_honorific=self.honorific.value() or "",
            default_to=tuple(self.to.value() or ()),
            report_kinds=self.report_kinds(),
        )

    def report_kinds(self) -> tuple[str, ...]:
        """The kinds ticked, and those of the profile this computer cannot read (kept as they were)."""
        ticked = [kind_id for kind_id, check in self.kind_boxes.items() if check.isChecked()]
        kept = [kind_id for kind_id in self.profile.report_kinds if kind_id not in self.kind_boxes]
        return tuple(kept + ticked)

    def show_kinds(self) -> None:
        """Open on the page of report kinds, the first box with the keyboard."""
        self.tabs.setCurrentWidget(self.kinds_page)
        if self.kind_boxes:
            next(iter(self.kind_boxes.values())).setFocus()


def _options(*pairs: tuple[str, str]):
    from kpdesk.kinds import Option

    return tuple(Option(value, label) for value, label in pairs)
