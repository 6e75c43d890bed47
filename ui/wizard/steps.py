"""The wizard's form steps: "Thông tin văn bản" (the document itself) and one step per section of the kind.

A section's form is generated from the kind: one `FieldRow` per field, its editor chosen by the field's
type (`ui.widgets.form.make_editor`), shown only while the field applies (the core's `Field.applies`),
with the field's problems beside it and the section's computed values (the core's `compute`) under it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kpdesk import vn
from kpdesk.compute import display
from kpdesk.draft import Signer, Unit, is_empty
from kpdesk.errors import KpdeskError, NotFound
from kpdesk.kinds import Computed, Field, Section
from kpdesk.validate import Problem
from kpdesk.vocab import DOC_LABELS, DOCUMENT, DOCUMENT_TITLE, DocPart
from ui import dialogs, operations
from ui.widgets.common import (
    COMPUTED_BG,
    DONE,
    EMPTY,
    ERROR,
    FAIL,
    FORM_BUTTONS,
    HINT,
    WARN,
    MessageLabel,
    escape_html,
    heading_label,
    hint_label,
    set_caption,
    set_text_colour,
    shade,
    wheel_needs_focus,
)
from ui.widgets.fields import DateEditor, ListEditor
from ui.widgets.form import FieldRow
from ui.widgets.paste import PasteLineEdit
from ui.widgets.period import PeriodPicker
from ui.widgets.rows import RowMessage, RowsEditor
from ui.wizard.session import DraftSession

MONEY_UNITS = ("trieu", "ty")


class Step(QScrollArea):
    """A scrolling page of the wizard; `SECTION` is the core's section id its problems belong to."""

    SECTION: str = ""
    TITLE: str = ""

    def __init__(self, session: DraftSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.body = QWidget(self)
        self.body.setObjectName("stepBody")
        self.layout_ = QVBoxLayout(self.body)
        # no minimum from the layout: the scroll area then sizes the page by height-for-width, so wrapped
        # help texts take their real height at the page's width instead of at its narrowest
        self.layout_.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.layout_.setContentsMargins(20, 14, 24, 20)
        self.layout_.setSpacing(6)
        self.setWidget(self.body)

    def refresh(self) -> None:
        """Show the session's current problems, visibility and computed values."""

    def focus_field(self, field_id: str, row: int | None = None) -> bool:
        """Bring `field_id` into view and give it the keyboard focus; False when this step does not have it."""
        return False

    def state(self) -> str:
        problems = self.session.section_problems(self.SECTION)
        if any(p.is_error for p in problems):
            return FAIL
        if problems:
            return WARN
        return DONE if self.has_content() else EMPTY

    def has_content(self) -> bool:
        return True

    def first_focus(self) -> QWidget | None:
        return None

    def _reveal(self, widget: QWidget, focus: QWidget) -> None:
        self.ensureWidgetVisible(widget, 0, 40)
        focus.setFocus(Qt.FocusReason.OtherFocusReason)
        # after a page switch the layout settles one event later; scroll again then
        self._reveal_target = widget
        if not hasattr(self, "_reveal_timer"):
            self._reveal_timer = QTimer(self)
            self._reveal_timer.setSingleShot(True)
            self._reveal_timer.timeout.connect(lambda: self.ensureWidgetVisible(self._reveal_target, 0, 40))
        self._reveal_timer.start(0)


class SectionStep(Step):
    """The form of one section of the kind."""

    def __init__(self, session: DraftSession, section: Section, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.section = section
        self.SECTION = section.id
        self.TITLE = section.title
        kind = session.kind
        self.layout_.addWidget(heading_label(section.title, self.body))
        if section.help:
            self.layout_.addWidget(hint_label(section.help, self.body))
        if any(f.required for f in section.fields):
            legend = QLabel(f'<span style="color:{ERROR}">*</span> là mục bắt buộc phải nhập.', self.body)
            set_text_colour(legend, HINT)
            self.layout_.addWidget(legend)
        self.rows: dict[str, FieldRow] = {}
        #: Every amount of the section is shown in the draft's money unit (the kind's `unit` of a field only
        #: says how the seed wrote it): "1" beside "tỷ đồng" among amounts in triệu is read as 1 triệu.
        self.money_unit = session.draft.money_unit
        for f in section.fields:
            row = FieldRow(f, self.body)
            row.editor.set_money_unit(self.money_unit)
            row.editor.edited.connect(lambda f=f, row=row: self._edited(f, row))
            self.layout_.addWidget(row)
            self.rows[f.id] = row
            row.editor.set_value(session.draft.values.get(f.id), session.inputs_of(f.id))
        # computed values: under their table when made from one table's cells, else in a box at the end
        self.table_totals: dict[str, list[Computed]] = {}
        self.box_computed: list[Computed] = []
        ids = set(self.rows)
        for comp in kind.computed:
            bases = {name.split(".", 1)[0] for name in kind.sources(comp.id)}
            tables = [b for b in bases if b in ids and kind.field(b).type == "rows"]
            if len(tables) == 1 and bases == {tables[0]}:
                self.table_totals.setdefault(tables[0], []).append(comp)
            elif bases & ids:
                self.box_computed.append(comp)
        self.computed_label = QLabel(self.body)
        self.computed_label.setWordWrap(True)
        self.computed_label.setTextFormat(Qt.TextFormat.RichText)
        self.computed_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        shade(self.computed_label, COMPUTED_BG, 8)
        self.computed_label.setVisible(bool(self.box_computed))
        self.layout_.addWidget(self.computed_label)
        self.layout_.addStretch(1)

    def _edited(self, f: Field, row: FieldRow) -> None:
        editor = row.editor
        self.session.set_value(f.id, editor.value(), editor.raw_inputs())

    def first_focus(self) -> QWidget | None:
        for row in self.rows.values():
            if row.isVisibleTo(self.body):
                return row.editor.focus_target()
        return None

    def has_content(self) -> bool:
        values = self.session.draft.values
        return not self.section.fields or any(not is_empty(values.get(f.id)) for f in self.section.fields)

    def refresh(self) -> None:
        session, kind = self.session, self.session.kind
        values = session.draft.values
        problems = session.section_problems(self.section.id)
        if session.draft.money_unit != self.money_unit:
            self.money_unit = session.draft.money_unit
            for row in self.rows.values():
                row.editor.set_money_unit(self.money_unit)
        for f in self.section.fields:
            row = self.rows[f.id]
            row.setVisible(f.applies(values) or not is_empty(values.get(f.id)) or bool(session.inputs_of(f.id)))
            mine = [p for p in problems if p.field == f.id]
            if isinstance(row.editor, RowsEditor):
                by_row: dict[int, list[RowMessage]] = {}
                for p in mine:
                    if p.row and p.code != "input.unreadable":  # that one is shown by its cell's editor already
                        by_row.setdefault(p.row, []).append((p.column, p.severity, session.short_message(p)))
                row.editor.set_row_messages(by_row)
                mine = [p for p in mine if not p.row]
                unit = session.draft.money_unit
                row.editor.set_totals(
                    [
                        (c.label, display(kind, c, session.derived.get(c.id), unit))
                        for c in self.table_totals.get(f.id, [])
                    ]
                )
            show_problems(row, mine, session)
        if self.box_computed:
            unit = session.draft.money_unit
            lines = [
                f"{escape_html(c.label)}: <b>{escape_html(display(kind, c, session.derived.get(c.id), unit))}</b>"
                for c in self.box_computed
            ]
            self.computed_label.setText("<b>Tính tự động (không cần nhập):</b><br>" + "<br>".join(lines))

    def focus_field(self, field_id: str, row: int | None = None) -> bool:
        field_row = self.rows.get(field_id)
        if field_row is None:
            return False
        field_row.show()
        target = field_row.editor.focus_target()
        widget: QWidget = field_row
        if row and isinstance(field_row.editor, RowsEditor) and 0 < row <= len(field_row.editor.cards):
            card = field_row.editor.cards[row - 1]
            widget = card
            wrong = {p.column for p in self.session.problems if p.field == field_id and p.row == row}
            column = next((c.id for c in field_row.field.columns if c.id in wrong), None)
            target = (card.editors[column] if column else next(iter(card.editors.values()))).focus_target()
        self._reveal(widget, target)
        return True


class _DocRow(QWidget):
    """A labelled row of the document step, with its problems under it."""

    def __init__(
        self,
        label: str,
        editor: QWidget,
        parent: QWidget,
        *,
        help: str = "",
        buddy: QWidget | None = None,
        required: bool = False,
    ) -> None:
        super().__init__(parent)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 4, 0, 8)
        box.setSpacing(3)
        self.label = QLabel(self)
        set_caption(self.label, label, required=required, bold=True)
        if buddy is not None:
            self.label.setBuddy(buddy)
        box.addWidget(self.label)
        if help:
            box.addWidget(hint_label(help, self))
        box.addWidget(editor)
        self.messages = MessageLabel(self, box)
        self.editor = editor
        self.focus = buddy or editor


def show_problems(row: FieldRow | _DocRow, problems: list[Problem], session: DraftSession) -> None:
    """Show a field's problems under it; why its typed text cannot be read is left to the editor's own note."""
    if getattr(row.editor, "NOTES_OWN_ERROR", False):
        problems = [p for p in problems if p.code != "input.unreadable"]
    row.messages.show_messages((p.severity, session.short_message(p)) for p in problems)


def _synthetic(field_id: str, ftype: str, label: str | None = None) -> Field:
    """An editor's field for a part of the document, named as the officer knows it."""
    return Field(id=field_id, type=ftype, label=label or DOC_LABELS[field_id])


class DocumentStep(Step):
    """Step 1, "Thông tin văn bản": form, period, number, signing date, money unit, signer, Kính gửi, Nơi nhận."""

    SECTION = DOCUMENT
    TITLE = DOCUMENT_TITLE

    def __init__(
        self,
        session: DraftSession,
        parent: QWidget | None = None,
        *,
        signers: Sequence[Any] = (),
        profile_unit: Callable[[], Unit | None] | None = None,
    ) -> None:
        super().__init__(session, parent)
        self.signers = list(signers)
        self.profile_unit = profile_unit
        kind, draft = session.kind, session.draft
        self.layout_.addWidget(heading_label(DOCUMENT_TITLE, self.body))
        self.layout_.addWidget(
            hint_label(f"{kind.name}. Các thông tin in ở đầu và cuối văn bản: số, ngày, người ký, nơi nhận.", self.body)
        )
        self.rows: dict[str, _DocRow] = {}

        # unit (from the profile; a snapshot kept in the draft)
        unit_box = QWidget(self.body)
        unit_line = QHBoxLayout(unit_box)
        unit_line.setContentsMargins(0, 0, 0, 0)
        self.unit_label = QLabel(unit_box)
        self.unit_label.setWordWrap(True)
        unit_line.addWidget(self.unit_label, 1)
        self.unit_button = QPushButton("Cập nhật theo thông tin đơn vị", unit_box)
        self.unit_button.setToolTip("Lấy lại tên đơn vị, địa danh, ký hiệu từ «Thông tin đơn vị» hiện tại")
        self.unit_button.setAutoDefault(False)
        self.unit_button.setVisible(profile_unit is not None)
        self.unit_button.clicked.connect(self._reload_unit)
        unit_line.addWidget(self.unit_button)
        self._add(DocPart.UNIT, unit_box, label="Đơn vị gửi báo cáo", buddy=self.unit_button)

        self.title_edit = PasteLineEdit(draft.title, self.body)
        self.title_edit.setPlaceholderText("Ví dụ: Báo cáo tháng 4/2026 gửi Sở KH&CN")
        self.title_edit.textChanged.connect(lambda text: session.update(title=vn.clean_line(text)))
        self._add(
            DocPart.TITLE,
            self.title_edit,
            help="Chỉ để tìm lại trong danh sách; không in vào văn bản. Có thể để trống.",
        )

        # form
        self.form_group = QButtonGroup(self.body)
        form_box = QWidget(self.body)
        form_line = QHBoxLayout(form_box)
        form_line.setContentsMargins(0, 0, 0, 0)
        self.form_buttons: dict[str, QRadioButton] = {}
        for form in kind.forms:
            button = QRadioButton(FORM_BUTTONS[form], form_box)
            self.form_group.addButton(button)
            self.form_buttons[form] = button
            form_line.addWidget(button)
            button.toggled.connect(lambda on, form=form: on and self._set_form(form))
        form_line.addStretch(1)
        self._add(
            DocPart.FORM,
            form_box,
            help="Báo cáo có tên loại «BÁO CÁO» và trích yếu; công văn có «V/v …» và «Kính gửi».",
            buddy=next(iter(self.form_buttons.values())),
        )
        self.rows[DocPart.FORM].setVisible(len(kind.forms) > 1)

        self.period = PeriodPicker(kind.periods, self.body)
        self.period.changed.connect(self._set_period)
        self._add(DocPart.PERIOD, self.period, buddy=self.period.first_widget(), required=True)

        self.number = PasteLineEdit(self.body)
        self.number.setPlaceholderText("Để trống: văn thư ghi số khi phát hành")
        self.number.setMaximumWidth(320)
        self.number.textChanged.connect(lambda text: session.update(number=text.strip() or None))
        self._add(DocPart.NUMBER, self.number, help="Chỉ gồm chữ số, ví dụ 05. Ký hiệu được ghi tự động.")

        self.date = DateEditor(_synthetic(DocPart.DATE, "date"), self.body)
        self.date.edited.connect(self._set_date)
        self._add(
            DocPart.DATE,
            self.date,
            buddy=self.date.focus_target(),
            help="Để trống nếu chưa biết ngày ký; văn thư sẽ ghi ngày khi phát hành.",
        )

        self.money = QComboBox(self.body)
        self.money.setAccessibleName("Đơn vị tiền trong báo cáo")
        for unit in MONEY_UNITS:
            self.money.addItem(vn.UNIT_LABELS[unit], unit)
        if draft.money_unit not in MONEY_UNITS:
            self.money.addItem(vn.UNIT_LABELS[draft.money_unit], draft.money_unit)
        self.money.currentIndexChanged.connect(lambda _: session.update(money_unit=self.money.currentData()))
        money_box = QWidget(self.body)
        money_line = QHBoxLayout(money_box)
        money_line.setContentsMargins(0, 0, 0, 0)
        money_line.addWidget(self.money)
        money_line.addStretch(1)
        self._add(
            DocPart.MONEY,
            money_box,
            label="Đơn vị tiền ghi trong báo cáo",
            buddy=self.money,
            help="Mọi số tiền được nhập và in theo đơn vị này, ví dụ «352 triệu đồng» hoặc «0,352 tỷ đồng».",
        )

        # signer
        signer_box = QWidget(self.body)
        signer_layout = QVBoxLayout(signer_box)
        signer_layout.setContentsMargins(0, 0, 0, 0)
        self.signer_combo = QComboBox(signer_box)
        self.signer_combo.setAccessibleName("Chọn người ký trong danh sách của đơn vị")
        self._fill_signers()
        wheel_needs_focus(self.money, self.signer_combo)
        self.signer_combo.activated.connect(self._pick_signer)
        signer_layout.addWidget(self.signer_combo)
        self.authority = ListEditor(
            _synthetic("_authority", "list", "Thẩm quyền ký"), signer_box, min_lines=1, item_word="dòng", buttons=False
        )
        self.authority.edit.setPlaceholderText("Ví dụ: KT. CHỦ TỊCH (mỗi dòng một cấp; để trống nếu ký thẳng)")
        self.position = PasteLineEdit(signer_box)
        self.position.setPlaceholderText("Chức vụ, ví dụ: PHÓ CHỦ TỊCH")
        self.position.setAccessibleName("Chức vụ người ký")
        self.signer_name = PasteLineEdit(signer_box)
        self.signer_name.setPlaceholderText("Họ và tên, ví dụ: Trần Ngọc Tùng")
        self.signer_name.setAccessibleName("Họ và tên người ký")
        for text, widget in (
            ("Thẩm quyền ký (TM., KT., TL., …)", self.authority),
            ("Chức vụ", self.position),
            ("Họ và tên", self.signer_name),
        ):
            label = QLabel(text, signer_box)
            label.setBuddy(widget.focus_target() if isinstance(widget, ListEditor) else widget)
            signer_layout.addWidget(label)
            signer_layout.addWidget(widget)
        self.authority.edited.connect(self._set_signer)
        self.position.textChanged.connect(self._set_signer)
        self.signer_name.textChanged.connect(self._set_signer)
        self._add(
            DocPart.SIGNER,
            signer_box,
            required=True,
            buddy=self.signer_combo if self.signers else self.authority.focus_target(),
        )

        self.to = ListEditor(_synthetic(DocPart.TO, "list"), self.body, min_lines=2, item_word="nơi")
        self.to.edited.connect(lambda: session.update(to=tuple(self.to.value() or ())))
        self._add(
            DocPart.TO,
            self.to,
            buddy=self.to.focus_target(),
            required=True,
            help="Cơ quan nhận công văn, mỗi nơi một dòng.",
        )
        self.recipients = ListEditor(_synthetic(DocPart.RECIPIENTS, "list"), self.body, min_lines=3, item_word="nơi")
        self.recipients.edited.connect(lambda: session.update(recipients=tuple(self.recipients.value() or ())))
        self._add(
            DocPart.RECIPIENTS,
            self.recipients,
            buddy=self.recipients.focus_target(),
            help="Mỗi nơi một dòng, ví dụ «Sở KH&CN tỉnh (để b/c)». Dòng «Lưu: VT» được thêm nếu thiếu.",
        )
        self.layout_.addStretch(1)
        self.load()

    def _add(self, key: DocPart, editor: QWidget, *, label: str | None = None, **kw: Any) -> None:
        """Add the row of a document part, labelled as the core names it unless `label` says more."""
        row = _DocRow(label or DOC_LABELS[key], editor, self.body, **kw)
        self.rows[key] = row
        self.layout_.addWidget(row)

    # -- load and save ------------------------------------------------------------------
    def load(self) -> None:
        """Show the session's draft in the widgets (without recording a change)."""
        d = self.session.draft
        widgets = (
            self.title_edit,
            self.number,
            self.position,
            self.signer_name,
            self.money,
            self.signer_combo,
            *self.form_buttons.values(),
        )
        for w in widgets:
            w.blockSignals(True)
        try:
            self.title_edit.setText(d.title)
            self.number.setText(d.number or "")
            self.position.setText(d.signer.position)
            self.signer_name.setText(d.signer.name)
            self.money.setCurrentIndex(max(0, self.money.findData(d.money_unit)))
            if d.form in self.form_buttons:
                self.form_buttons[d.form].setChecked(True)
            self.signer_combo.setCurrentIndex(self._signer_index(d.signer))
        finally:
            for w in widgets:
                w.blockSignals(False)
        self.period.set_period(d.period)
        self.date.set_value(d.date, self.session.inputs_of(DocPart.DATE))
        self.authority.set_value(list(d.signer.authority) or None)
        self.to.set_value(list(d.to) or None)
        self.recipients.set_value(list(d.recipients) or None)
        self._show_unit()

    def _fill_signers(self) -> None:
        combo = self.signer_combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("— Chọn người ký của đơn vị —", None)
        for i, s in enumerate(self.signers):
            combo.addItem(f"{s.name} — {' / '.join((*s.authority, s.position))}", i)
        combo.setCurrentIndex(self._signer_index(self.session.draft.signer))
        combo.blockSignals(False)
        combo.setVisible(bool(self.signers))

    def set_signers(self, signers: Sequence[Any]) -> None:
        """The unit's signers changed (its profile was edited): list them as they are now. The draft's signer stays
        as it is until one is chosen."""
        self.signers = list(signers)
        self._fill_signers()
        self.rows[DocPart.SIGNER].label.setBuddy(self.signer_combo if self.signers else self.authority.focus_target())
        self.rows[DocPart.SIGNER].focus = self.signer_combo if self.signers else self.authority.focus_target()

    def _signer_index(self, signer: Signer) -> int:
        for i, s in enumerate(self.signers):
            if s.name == signer.name and s.position == signer.position and tuple(s.authority) == signer.authority:
                return i + 1
        return 0

    def _show_unit(self) -> None:
        u = self.session.draft.unit
        parts = [u.committee]
        if u.province_full:
            parts.append(u.province_full)
        details = f"Địa danh: {u.place_name}" + (f" · Ký hiệu phòng soạn: {u.office_symbol}" if u.office_symbol else "")
        self.unit_label.setText(f"<b>{escape_html(', '.join(parts))}</b><br>{escape_html(details)}")

    def _reload_unit(self) -> None:
        """«Cập nhật theo thông tin đơn vị»: the unit's profile as saved now, into the draft."""
        try:
            unit = self.profile_unit() if self.profile_unit else None
        except NotFound:  # the profile the draft was opened with is no longer in the data
            dialogs.tell(
                self,
                "Thông tin đơn vị của bản nháp này không còn trong dữ liệu; bản nháp giữ nguyên.",
                detail="Hãy nhập lại ở «Cài đặt › Thông tin đơn vị…», mở lại bản nháp rồi bấm nút này lần nữa.",
            )
            return
        except KpdeskError as exc:
            operations.show_error(
                self, exc, what="Chưa cập nhật được thông tin đơn vị vào bản nháp; bản nháp giữ nguyên."
            )
            return
        if unit is not None:
            self.session.update(unit=unit)
            self._show_unit()

    def _set_form(self, form: str) -> None:
        self.session.update(form=form)

    def _set_period(self, period: Any) -> None:
        if period is None:
            self.session.set_choice_error(
                DocPart.PERIOD, "kỳ báo cáo chưa hợp lệ. Hãy chọn lại tháng, nửa năm hoặc năm."
            )
            return
        self.session.set_choice_error(DocPart.PERIOD, None)
        self.session.update(period=period)

    def _set_date(self) -> None:
        self.session.update_typed(DocPart.DATE, self.date.raw_inputs(), date=self.date.value())

    def _pick_signer(self, index: int) -> None:
        data = self.signer_combo.itemData(index)
        if data is None:
            return
        s = self.signers[data]
        for w in (self.position, self.signer_name):
            w.blockSignals(True)
        self.position.setText(s.position)
        self.signer_name.setText(s.name)
        for w in (self.position, self.signer_name):
            w.blockSignals(False)
        self.authority.set_value(list(s.authority) or None)
        self._set_signer()

    def _set_signer(self, *_: Any) -> None:
        signer = Signer(
            authority=tuple(self.authority.value() or ()),
            position=vn.clean_line(self.position.text()),
            name=vn.clean_line(self.signer_name.text()),
        )
        self.session.update(signer=signer)
        self.signer_combo.blockSignals(True)
        self.signer_combo.setCurrentIndex(self._signer_index(signer))
        self.signer_combo.blockSignals(False)

    # -- show ---------------------------------------------------------------------------
    def refresh(self) -> None:
        session = self.session
        self.rows[DocPart.TO].setVisible(session.draft.form == "cong_van")  # a báo cáo prints no Kính gửi
        problems = session.section_problems(DOCUMENT)
        for key, row in self.rows.items():
            mine = [p for p in problems if p.field == key]
            show_problems(row, mine, session)

    def focus_field(self, field_id: str, row: int | None = None) -> bool:
        doc_row = self.rows.get(field_id)
        if doc_row is None:
            return False
        target = doc_row.focus
        if field_id == DocPart.SIGNER and not self.signers:
            target = self.signer_name if not self.signer_name.text() else self.position
        self._reveal(doc_row, target)
        return True

    def first_focus(self) -> QWidget | None:
        return self.title_edit
