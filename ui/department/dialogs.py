"""The department's smaller dialogs (deadline, match, log, preview) and the pieces its dialogs share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kpdesk.deadlines import deadline, period_key
from kpdesk.department.records import LogEntry, Records, Submission
from kpdesk.department.unitlist import ListedUnit, fold, suggest_units
from kpdesk.draft import Period
from kpdesk.errors import KpdeskError
from kpdesk.kinds import Field, Kind, get_kind
from ui import dialogs
from ui.widgets.common import ERROR, HINT, OK, WrapDelegate, heading_label, hint_label, set_font, set_text_colour
from ui.widgets.fields import DateEditor

# ----------------------------------------------------------------------------- small shared pieces


def ascii_name(text: str) -> str:
    """ "Thiệu Trung" → "Thieu-Trung", for file names that travel by e-mail and USB."""
    return "-".join(w.capitalize() for w in fold(text).split()) or "don-vi"


def date_editor(label: str, parent: QWidget, value: dt.date | None = None) -> DateEditor:
    """A date box read by the core (dd/mm/yyyy or the calendar), blank allowed."""
    editor = DateEditor(Field(id="date", type="date", label=label), parent)
    editor.set_value(value)
    return editor


class InputError(ValueError):
    """A box of a dialog holds text that cannot be read: the message names the box and says what to type."""


def read_date(editor: DateEditor, what: str) -> dt.date | None:
    """The date typed in `editor` (None when blank), or `InputError` naming the box and what to correct."""
    if editor.error():
        raise InputError(f"Ô «{what}»: {editor.error()}")
    value = editor.value()
    return value if isinstance(value, dt.date) else None


def offer_to_open(parent: QWidget | None, text: str, path: Path) -> None:
    """Say that `path` was written and offer to open it or its folder."""
    choice = dialogs.choose(parent, f"{text}\n{path}", ["Mở tệp", "Mở thư mục", "Đóng"], escape=2, info=True)
    if choice == 0:
        dialogs.open_in_system(path)
    elif choice == 1:
        dialogs.open_in_system(path.parent)


def error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    set_text_colour(label, ERROR)
    set_font(label, bold=True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def show_message(label: QLabel, text: str) -> None:
    label.setText(f"✖ {text}")
    label.show()


def add_rows(form: QFormLayout, parent: QWidget, rows: tuple[tuple[str, QWidget], ...]) -> None:
    """Add labelled rows to `form`; each label's Alt key goes to its box."""
    for text, widget in rows:
        label = QLabel(text, parent)
        focus = getattr(widget, "focus_target", None)
        label.setBuddy(focus() if callable(focus) else widget)
        form.addRow(label, widget)


def filter_row(parent: QWidget, placeholder: str) -> tuple[QHBoxLayout, QLineEdit]:
    """«Tìm: [ … ]»: the search box over a list, with its Alt+T label and a clear button."""
    find = QLabel("&Tìm:", parent)
    edit = QLineEdit(parent)
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    find.setBuddy(edit)
    row = QHBoxLayout()
    row.addWidget(find)
    row.addWidget(edit, 1)
    return row, edit


def letter_number(parent: QWidget) -> QLineEdit:
    """The box of a letter's number, left blank when the clerical office numbers it."""
    number = QLineEdit(parent)
    number.setPlaceholderText("để trống nếu văn thư sẽ ghi số")
    number.setAccessibleName("Số công văn")
    return number


def dialog_buttons(dialog: QDialog, ok: str, cancel: str = "Hủy") -> tuple[QDialogButtonBox, QPushButton]:
    buttons = QDialogButtonBox(dialog)
    ok_button = buttons.addButton(ok, QDialogButtonBox.ButtonRole.AcceptRole)
    buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
    ok_button.setDefault(True)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons, ok_button


class DeadlineDialog(QDialog):
    """«Đặt hạn gửi…»: the last on-time day of a kind's reports for one of the periods shown (or back to the kind's
    own rule)."""

    def __init__(
        self, records: Records, kind: Kind, periods: Sequence[Period], current: Period, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.records, self.kind = records, kind
        self.setWindowTitle("Đặt hạn gửi báo cáo — kpdesk")
        self.resize(640, 300)
        box = QVBoxLayout(self)
        box.addWidget(heading_label(f"Hạn gửi {kind.short}", self))
        box.addWidget(
            hint_label(
                "Báo cáo tháng có hạn theo mẫu (trước ngày 20 hằng tháng); báo cáo 6 tháng và năm "
                "theo ngày Sở đặt. Ngày đặt ở đây là ngày cuối cùng còn tính đúng hạn, và thay cho "
                "hạn của mẫu trong kỳ đó.",
                self,
            )
        )
        form = QFormLayout()
        self.period = QComboBox(self)
        self.period.setAccessibleName("Kỳ báo cáo")
        for p in reversed(periods):
            self.period.addItem(p.label, p)
        self.period.setCurrentIndex(max(0, self.period.findText(current.label)))
        self.now = QLabel(self)
        self.now.setWordWrap(True)
        self.day = date_editor("Ngày cuối cùng còn đúng hạn", self)
        add_rows(
            form, self, (("&Kỳ:", self.period), ("Hạn hiện nay:", self.now), ("&Hạn mới (ngày cuối cùng):", self.day))
        )
        box.addLayout(form)
        self.error = error_label(self)
        box.addWidget(self.error)
        box.addStretch(1)
        buttons, self.set_button = dialog_buttons(self, "Đặt hạ&n")
        self.clear_button = buttons.addButton("&Bỏ hạn Sở đã đặt", QDialogButtonBox.ButtonRole.ResetRole)
        self.clear_button.clicked.connect(self.clear)
        box.addWidget(buttons)
        self.period.currentIndexChanged.connect(lambda _: self._show_now())
        self._show_now()
        self.day.focus_target().setFocus()

    def chosen(self) -> Period:
        return self.period.currentData()

    def _show_now(self) -> None:
        set_dates = self.records.deadlines(self.kind.id)
        due = deadline(self.kind, self.chosen(), set_dates)
        if due is None:
            text = "chưa có hạn (mẫu không quy định; Sở chưa đặt)"
        else:
            text = due.text + (" (Sở đặt)" if period_key(self.chosen()) in set_dates else " (theo mẫu báo cáo)")
        self.now.setText(text)
        self.clear_button.setEnabled(period_key(self.chosen()) in set_dates)

    def accept(self) -> None:
        try:
            day = read_date(self.day, "Hạn mới")
        except InputError as exc:
            show_message(self.error, str(exc))
            return
        if day is None:
            show_message(self.error, "Chưa ghi ngày hạn mới (ví dụ 15/7/2026), hoặc bấm «Bỏ hạn Sở đã đặt».")
            self.day.focus_target().setFocus()
            return
        self._set(day)

    def clear(self) -> None:
        self._set(None)

    def _set(self, day: dt.date | None) -> None:
        try:
            self.records.set_deadline(self.kind.id, self.chosen(), day)
        except KpdeskError as exc:
            show_message(self.error, exc.message)
            return
        super().accept()


# ----------------------------------------------------------------------------- matching, log, preview


class MatchDialog(QDialog):
    """«Ghép với đơn vị…»: which listed unit an unlisted sender is; the units whose names look alike come first."""

    def __init__(self, sender: str, name: str, units: Sequence[ListedUnit], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Ghép với đơn vị trong danh sách — kpdesk")
        self.resize(620, 520)
        self.suggested = suggest_units(name, units)
        rest = [u for u in units if u not in self.suggested]
        self.units = [*self.suggested, *rest]
        box = QVBoxLayout(self)
        box.addWidget(heading_label(f"«{sender}» là đơn vị nào?", self))
        box.addWidget(
            hint_label(
                "Nơi gửi này chưa có trong danh sách đơn vị (thường do gõ sai tên). Chọn đơn vị đúng: "
                "báo cáo được ghép vào đơn vị đó, và các báo cáo sau gửi dưới tên này cũng được "
                "ghép.",
                self,
            )
        )
        row, self.filter = filter_row(self, "Gõ tên hoặc mã đơn vị (không cần dấu)…")
        box.addLayout(row)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Đơn vị trong danh sách")
        box.addWidget(self.list, 1)
        buttons, self.ok_button = dialog_buttons(self, "&Ghép")
        box.addWidget(buttons)
        self.filter.textChanged.connect(self._fill)
        self.list.itemActivated.connect(lambda _: self.accept())
        self._fill("")
        self.filter.setFocus()

    def _fill(self, text: str) -> None:
        wanted = fold(text)
        self.list.clear()
        for u in self.units:
            if wanted and wanted not in fold(f"{u.code} {u.full_name}"):
                continue
            hint = " — gợi ý: tên gần giống" if u in self.suggested else ""
            item = QListWidgetItem(f"{u.title} (mã {u.code}){hint}")
            item.setData(Qt.ItemDataRole.UserRole, u)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        self.ok_button.setEnabled(self.list.count() > 0)

    def chosen(self) -> ListedUnit | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


def entry_text(entry: LogEntry, reports: dict[int, Submission], records: Records) -> str:
    """A log entry with the report it concerns ("xã Thiệu Trung, BC-KHCN tháng 5 năm 2026") and the file."""
    text = entry.text
    rid = entry.report_id
    if rid is not None:
        if rid not in reports:  # a report merged into another one when its sender was matched
            try:
                reports[rid] = records.submission(rid)
            except KpdeskError:
                pass
        found = reports.get(rid)
        if found is not None:
            try:
                short = get_kind(found.kind).short
            except KpdeskError:
                short = found.kind
            text += f" — {found.sender}, {short} {found.period.label}"
    if entry.detail.get("file"):
        text += f" — tệp {Path(str(entry.detail['file'])).name}"
    return text


class LogDialog(QDialog):
    """«Nhật ký»: every receipt and change of state, newest first, with who and when."""

    LIMIT = 2000

    def __init__(self, records: Records, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Nhật ký — kpdesk")
        self.resize(900, 600)
        box = QVBoxLayout(self)
        box.addWidget(heading_label("Nhật ký nhận báo cáo và thay đổi trạng thái", self))
        row, self.filter = filter_row(self, "Gõ tên đơn vị, tên tệp, người thực hiện… (không cần dấu)")
        box.addLayout(row)
        self.list = QListWidget(self)
        WrapDelegate(self.list)
        self.list.setAccessibleName("Nhật ký, mới nhất trước")
        box.addWidget(self.list, 1)
        self.count = QLabel(self)
        set_text_colour(self.count, HINT)
        box.addWidget(self.count)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)
        self.entries = records.log(limit=self.LIMIT)
        reports = {s.id: s for s in records.submissions()}
        self.texts = [entry_text(e, reports, records) for e in self.entries]
        self.filter.textChanged.connect(self._fill)
        self._fill("")
        self.filter.setFocus()

    def _fill(self, text: str) -> None:
        wanted = fold(text)
        self.list.clear()
        shown = [t for t in self.texts if not wanted or wanted in fold(t)]
        self.list.addItems(shown)
        self.count.setText(f"{len(shown)} dòng" + (f" (trong {len(self.texts)})" if wanted else ""))


class PreviewDialog(QDialog):
    """«Xem»: a received version as it prints, on A4 pages, read only."""

    def __init__(self, title: str, layout: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from ui.wizard.preview import PagedPreview

        self.setWindowTitle(f"{title} — kpdesk")
        self.resize(960, 720)
        box = QVBoxLayout(self)
        heading = QLabel(title, self)
        heading.setWordWrap(True)
        box.addWidget(heading)
        self.preview = PagedPreview(self)
        self.preview.setAccessibleName("Bản xem trước của báo cáo đã nhận, chỉ đọc")
        box.addWidget(self.preview, 1)
        self.preview.show_layout(layout)
        note = QLabel(
            f'<span style="color:{OK}">Chỉ xem</span>: đây là nội dung dữ liệu kèm trong tệp; các số bị '
            "sửa sau khi xuất (nếu có) được nêu ở khung «Các bản».",
            self,
        )
        note.setWordWrap(True)
        box.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)
        self.preview.setFocus()
