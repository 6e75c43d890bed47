"""The wizard for one draft: steps in a side list (with their state), the step's form, the problems panel.

Steps: `DocumentStep` ("Thông tin văn bản"), one `SectionStep` per section of the kind, `ReviewStep`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from kpdesk.draft import Draft, Unit, upgrade_offer
from kpdesk.kinds import Kind, KindChanges, kind_changes
from kpdesk.render import RenderResult, default_filename, render_to_file
from kpdesk.validate import Problem
from ui import dialogs
from ui.kinds_dialog import changes_html
from ui.operations import Op
from ui.settings import Settings
from ui.widgets.common import (
    ERROR,
    FAIL,
    HINT,
    OK,
    STATE_WORDS,
    WARN,
    Band,
    WrapDelegate,
    escape_html,
    set_text_colour,
    status_icon,
)
from ui.wizard.review import ReviewStep
from ui.wizard.session import DraftSession
from ui.wizard.steps import DocumentStep, SectionStep


class ProblemsPanel(QWidget):
    """Every problem of the draft; activating one (click, Enter) goes to its field."""

    activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 8, 8, 8)
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        box.addWidget(self.title)
        self.list = QListWidget(self)
        WrapDelegate(self.list)
        self.list.setAccessibleName("Danh sách lỗi và cảnh báo")
        self.list.setSpacing(2)
        self.list.setIconSize(QSize(16, 16))
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.title.setBuddy(self.list)
        box.addWidget(self.list, 1)
        self.hint = QLabel(
            "Bấm vào một dòng (hoặc chọn rồi nhấn Enter) để đến chỗ cần sửa. F8: đến vấn đề tiếp theo.", self
        )
        self.hint.setWordWrap(True)
        set_text_colour(self.hint, HINT)
        box.addWidget(self.hint)
        self.list.itemActivated.connect(self._activate)
        self.list.itemClicked.connect(self._activate)
        self._problems: tuple[Problem, ...] | None = None

    def show_problems(self, problems: tuple[Problem, ...]) -> None:
        if problems == self._problems:
            return
        self._problems = problems
        errors = sum(p.is_error for p in problems)
        warnings = len(problems) - errors
        if problems:
            self.title.setText(
                f"<b>Cần xem &lại:</b> <span style='color:{ERROR}'>{errors} lỗi</span>, {warnings} cảnh báo"
            )
        else:
            self.title.setText(f"<b>Cần xem &lại:</b> <span style='color:{OK}'>không có lỗi hay cảnh báo nào</span>")
        self.list.clear()
        for p in sorted(problems, key=lambda p: not p.is_error):
            item = QListWidgetItem(
                status_icon(FAIL if p.is_error else WARN, 16), ("Lỗi: " if p.is_error else "Cảnh báo: ") + p.message
            )
            item.setData(Qt.ItemDataRole.UserRole, p)
            item.setToolTip(p.message)
            self.list.addItem(item)

    def _activate(self, item: QListWidgetItem) -> None:
        self.activated.emit(item.data(Qt.ItemDataRole.UserRole))


class UpgradeBar(Band):
    """A bar above the wizard, never a dialog: a newer version of the kind is in force for the draft's period (an
    offer, «Cập nhật»), or the draft was just carried over to a newer version (what changed)."""

    upgrade = Signal(int)  # the version to carry the draft over to

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("#fff4d6", "#e0c27a", parent)
        self.setObjectName("upgradeBar")
        box = QVBoxLayout(self)
        box.setContentsMargins(12, 6, 12, 6)
        line = QHBoxLayout()
        self.text = QLabel(self)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        line.addWidget(self.text, 1)
        self.upgrade_button = QPushButton("&Cập nhật", self)
        self.upgrade_button.setToolTip("Chuyển bản nháp sang mẫu mới; các giá trị đã nhập được giữ theo quy tắc của Sở")
        self.details_button = QPushButton("Xem thay đổi", self)
        self.details_button.setCheckable(True)
        self.close_button = QPushButton("Để sau", self)
        for button in (self.upgrade_button, self.details_button, self.close_button):
            button.setAutoDefault(False)
            line.addWidget(button)
        box.addLayout(line)
        self.details = QLabel(self)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setWordWrap(True)
        self.details.setAccessibleName("Những gì thay đổi trong mẫu mới")
        box.addWidget(self.details)
        self.details_button.toggled.connect(self._toggle)
        self.close_button.clicked.connect(self.hide)
        self.upgrade_button.clicked.connect(lambda: self.upgrade.emit(self.version))
        self.version = 0
        self.hide()

    def offer(self, changes: KindChanges) -> None:
        """Offer to carry the draft over to `changes.new_version`; the changes show on «Xem thay đổi»."""
        self.version = changes.new_version
        start = f"áp dụng từ kỳ {changes.applies_from.label}" if changes.applies_from else "áp dụng cho mọi kỳ"
        self.text.setText(
            f"<b>Mẫu báo cáo có phiên bản mới</b> (phiên bản {changes.new_version}, "
            f"{escape_html(start)}). Bản nháp này đang theo phiên bản {changes.old_version}; "
            "bấm «Cập nhật» để chuyển sang mẫu mới."
        )
        self.details.setText(changes_html(changes, headline=False))
        self.upgrade_button.show()
        self.details_button.show()
        self.details_button.setChecked(False)
        self.details.hide()
        self.close_button.setText("Để sau")
        self.show()

    def done(self, changes: KindChanges, *, on_load: bool = False) -> None:
        """Say that the draft now follows `changes.new_version`, and what that changed."""
        if on_load:
            text = (
                f"Bản nháp này soạn theo mẫu phiên bản {changes.old_version}, không còn trên máy này; kpdesk "
                f"đã chuyển sang phiên bản {changes.new_version}. Hãy xem lại các mục thay đổi:"
            )
        else:
            text = f"<b>Đã cập nhật bản nháp lên mẫu phiên bản {changes.new_version}.</b> Những gì thay đổi:"
        self.text.setText(text)
        self.details.setText(changes_html(changes, headline=False))
        self.upgrade_button.hide()
        self.details_button.hide()
        self.details.show()
        self.close_button.setText("Đó&ng")
        self.show()

    def _toggle(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.details_button.setText("Ẩn thay đổi" if shown else "Xem thay đổi")


class WizardView(QWidget):
    """Edits one draft; `close_requested` asks the main window to go back to the list."""

    close_requested = Signal()
    exported = Signal(object)  # RenderResult
    upgrade_requested = Signal(int)  # the officer accepts to carry the draft over to this version of its kind

    def __init__(
        self,
        kind: Kind,
        draft: Draft,
        *,
        saver: Callable[[Draft], Any] | None = None,
        record_export: Callable[[RenderResult, int | None], Any] | None = None,
        current_revision: Callable[[], int | None] | None = None,
        signers: Sequence[Any] = (),
        profile_unit: Callable[[], Unit | None] | None = None,
        settings: Settings | None = None,
        today: dt.date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self.settings = settings or Settings()
        self.record_export = record_export
        self.current_revision = current_revision
        self.session = DraftSession(kind, draft, saver, self, today=today)

        # top bar
        self.back_button = QPushButton("← &Danh sách", self)
        self.back_button.setToolTip("Về danh sách báo cáo (bản nháp đã được lưu tự động)")
        self.back_button.setAutoDefault(False)
        self.back_button.clicked.connect(self.close_requested)
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.save_status = QLabel(self)
        self.save_status.setAccessibleName("Trạng thái lưu")
        self.save_status.setMinimumWidth(150)
        self.save_status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top = QHBoxLayout()
        top.setContentsMargins(8, 6, 12, 2)
        top.addWidget(self.back_button)
        top.addSpacing(8)
        top.addWidget(self.title, 1)
        top.addWidget(self.save_status)
        self.upgrade_bar = UpgradeBar(self)
        self.upgrade_bar.upgrade.connect(self.upgrade_requested)
        offer = upgrade_offer(draft)
        if offer is not None:
            self.upgrade_bar.offer(kind_changes(kind, offer))
        elif draft.upgraded_from is not None:
            self.upgrade_bar.done(kind_changes(None, kind, draft.upgraded_from), on_load=True)

        # steps; widgets are made in the order Tab visits them: back, step list, the form, navigation, problems
        self.step_list = QListWidget(self)
        self.step_list.setAccessibleName("Các bước của báo cáo")
        WrapDelegate(self.step_list)
        self.step_list.setIconSize(QSize(18, 18))
        self.step_list.setSpacing(3)
        self.steps: list[Any] = [DocumentStep(self.session, self, signers=signers, profile_unit=profile_unit)]
        self.steps += [SectionStep(self.session, section, self) for section in kind.sections]
        self.review = ReviewStep(self.session, self)
        self.review.export_requested.connect(self.export)
        self.review.export_pdf_requested.connect(self.export_pdf)
        self.review.print_requested.connect(self.print_report)
        self.steps.append(self.review)
        self.stack = QStackedWidget(self)
        for step in self.steps:
            self.stack.addWidget(step)
            self.step_list.addItem(QListWidgetItem(step.TITLE))
        self.step_list.currentRowChanged.connect(self._show_step)

        # navigation under the form
        self.prev_button = QPushButton("← &Quay lại", self)
        self.next_button = QPushButton("Tiếp th&eo →", self)
        for b in (self.prev_button, self.next_button):
            b.setAutoDefault(False)
        self.prev_button.clicked.connect(lambda: self.go_step(self.current() - 1))
        self.next_button.clicked.connect(lambda: self.go_step(self.current() + 1))
        self.position = QLabel(self)
        set_text_colour(self.position, HINT)
        nav = QHBoxLayout()
        nav.setContentsMargins(20, 4, 24, 8)
        nav.addWidget(self.prev_button)
        nav.addStretch(1)
        nav.addWidget(self.position)
        nav.addStretch(1)
        nav.addWidget(self.next_button)
        centre = QWidget(self)
        centre_box = QVBoxLayout(centre)
        centre_box.setContentsMargins(0, 0, 0, 0)
        centre_box.setSpacing(0)
        centre_box.addWidget(self.stack, 1)
        centre_box.addLayout(nav)
        self.problems = ProblemsPanel(self)
        self.problems.activated.connect(self.go_to)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.step_list)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.problems)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([250, 760, 330])
        saved = self.settings.splitter("wizard")
        if saved is not None:
            self.splitter.restoreState(saved)
        self.splitter.splitterMoved.connect(lambda *_: self.settings.save_splitter("wizard", self.splitter.saveState()))
        self.step_list.setMinimumWidth(180)
        self.problems.setMinimumWidth(220)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addLayout(top)
        box.addWidget(self.upgrade_bar)
        box.addWidget(self.splitter, 1)

        for keys, slot in (
            ("Ctrl+PgDown", lambda: self.go_step(self.current() + 1)),
            ("Ctrl+PgUp", lambda: self.go_step(self.current() - 1)),
            ("Ctrl+S", self.save_now),
            ("Ctrl+E", self.export),
            ("Ctrl+P", self.print_report),
            ("F8", self.next_problem),
        ):
            QShortcut(QKeySequence(keys), self, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self.session.changed.connect(self._changed)
        self.session.saved.connect(self._saved)
        self.session.save_failed.connect(self._save_failed)
        self._stale: set[int] = set()
        self._show_title()
        self._set_status("Đã lưu" if saver is not None else "Chưa lưu", HINT)
        self._changed()
        self.step_list.setCurrentRow(0)

    def set_signers(self, signers: Sequence[Any]) -> None:
        """The unit's profile was saved: offer its signers as they are now."""
        self.steps[0].set_signers(signers)

    # -- steps --------------------------------------------------------------------------
    def current(self) -> int:
        return self.stack.currentIndex()

    def go_step(self, index: int) -> None:
        if 0 <= index < len(self.steps):
            self.step_list.setCurrentRow(index)
            target = self.steps[index].first_focus()
            if target is not None:
                target.setFocus(Qt.FocusReason.OtherFocusReason)

    def step_for(self, section_id: str) -> int | None:
        for i, step in enumerate(self.steps):
            if step.SECTION == section_id:
                return i
        return None

    def _show_step(self, index: int) -> None:
        if index < 0:
            return
        self.stack.setCurrentIndex(index)
        if index in self._stale:
            self.steps[index].refresh()
            self._stale.discard(index)
        self.prev_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < len(self.steps) - 1)
        self.position.setText(f"Bước {index + 1}/{len(self.steps)}")
        self._show_problems_panel()

    def _show_problems_panel(self) -> None:
        """On the review step an empty «Cần xem lại» panel gives its width to the preview."""
        self.problems.setVisible(bool(self.session.problems) or self.current() != len(self.steps) - 1)

    def go_to(self, problem: Problem) -> None:
        """Show the step of `problem` and put the keyboard focus in its field."""
        index = self.step_for(problem.section)
        if index is None:
            return
        self.step_list.setCurrentRow(index)
        self.steps[index].focus_field(problem.field, problem.row)

    def next_problem(self) -> None:
        problems = sorted(self.session.problems, key=lambda p: not p.is_error)
        if not problems:
            return
        row = self.problems.list.currentRow()
        row = (row + 1) % len(problems)
        self.problems.list.setCurrentRow(row)
        self.go_to(self.problems.list.item(row).data(Qt.ItemDataRole.UserRole))

    # -- changes ------------------------------------------------------------------------
    def _changed(self) -> None:
        current = self.current()
        for i, step in enumerate(self.steps):
            if i == current or i == 0 and current < 0:
                step.refresh()
            else:
                self._stale.add(i)
            state = step.state()
            item = self.step_list.item(i)
            item.setIcon(status_icon(state))
            item.setToolTip(f"{step.TITLE} — {STATE_WORDS[state]}")
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, STATE_WORDS[state])
        self.problems.show_problems(self.session.problems)
        self._show_problems_panel()
        if self.session.dirty:
            self._set_status("Đang lưu…", HINT)
        self._show_title()

    def _show_title(self) -> None:
        d = self.session.draft
        self.title.setText(
            f"<b>{escape_html(self.kind.short)}</b> · {escape_html(d.period.label)} · "
            f"{escape_html(d.unit.full_name)}<br><span style='color:{HINT}'>"
            f"{escape_html(self.kind.name)}</span>"
        )

    def _saved(self, when: dt.datetime) -> None:
        self._set_status(f"Đã lưu lúc {when:%H:%M}", OK)

    def _save_failed(self, message: str) -> None:
        self._set_status("✖ Chưa lưu được", ERROR)
        self.save_status.setToolTip(message)

    def _set_status(self, text: str, colour: str) -> None:
        self.save_status.setText(text)
        set_text_colour(self.save_status, colour)
        self.save_status.setToolTip("")

    def save_now(self) -> bool:
        return self.session.flush()

    def flush(self) -> bool:
        return self.session.flush()

    # -- export and print ---------------------------------------------------------------
    def _ready(self, doing: str, go_on: str) -> bool:
        """Save, show the review step (the report as it will print), and say whether to go on: errors block it,
        warnings ask first. `doing` names the action ("xuất", "in"), `go_on` the button that goes on anyway."""
        self.flush()
        session = self.session
        self.go_step(len(self.steps) - 1)
        if session.errors:
            dialogs.tell(
                self,
                f"Bản nháp còn {len(session.errors)} lỗi nên chưa {doing} được.",
                detail="Lỗi đầu tiên: " + session.errors[0].message + "\n\nHãy sửa các lỗi ở khung "
                f"«Cần xem lại» rồi {doing} lại.",
            )
            return False
        if session.warnings:
            listing = "\n".join(f"• {p.message}" for p in session.warnings[:8])
            more = f"\n… và {len(session.warnings) - 8} cảnh báo khác." if len(session.warnings) > 8 else ""
            if not dialogs.confirm(
                self,
                f"Bản nháp còn {len(session.warnings)} cảnh báo. Vẫn {doing} báo cáo?",
                yes=go_on,
                no="Xem lại",
                detail=listing + more,
            ):
                return False
        return True

    def _target(self, caption: str, suffix: str, filters: str) -> Path | None:
        """Ask where to write the report (the folder used last, the name kpdesk suggests); `suffix` is added when
        the name typed has none."""
        name = Path(default_filename(self.kind, self.session.draft)).with_suffix(suffix).name
        path = dialogs.save_path(self, caption, self.settings.folder("export") / name, filters)
        if path is None:
            return None
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        self.settings.remember_folder("export", path)
        return path

    def _revision(self) -> int | None:
        """The stored revision the export is made from (None while a change is not saved yet)."""
        self.flush()
        if self.current_revision is None or self.session.dirty:
            return None
        return self.current_revision()

    def export(self) -> None:
        """Export the draft to .docx (Ctrl+E from any step): on the review step, where the report shows as it will
        print, errors block it, warnings ask first; the work runs off the UI thread."""
        if not self._ready("xuất", "Vẫn xuất"):
            return
        path = self._target("Xuất báo cáo ra tệp Word", ".docx", "Tài liệu Word (*.docx)")
        if path is None:
            return
        session = self.session
        draft = session.draft
        revision = self._revision()
        window = self.window()
        Op(
            self,
            lambda progress: render_to_file(draft, path, today=session.today),
            label=f"Đang xuất báo cáo ra tệp {path.name}…",
            error_what="Chưa xuất được báo cáo.",
        ).success(lambda result: self._exported(result, revision, window)).run()

    def export_pdf(self) -> None:
        """«Xuất PDF…»: as «Xuất Word…», the PDF made from the .docx by Word, LibreOffice or Qt (off the UI thread)."""
        if not self._ready("xuất", "Vẫn xuất"):
            return
        path = self._target("Xuất báo cáo ra tệp PDF", ".pdf", "Tài liệu PDF (*.pdf)")
        if path is None:
            return
        from ui import printing

        revision = self._revision()
        window = self.window()
        printing.export_pdf(
            self,
            self.session.draft,
            path,
            today=self.session.today,
            success=lambda result: self._exported(result, revision, window),
        )

    def print_report(self) -> None:
        """«In…» (Ctrl+P from any step): the print dialog of Word when it is there, else Qt's, with the preview's
        pages; errors block it, warnings ask first."""
        if not self._ready("in", "Vẫn in"):
            return
        from ui import printing

        session = self.session
        printing.print_report(self, session.kind, session.draft, session.derived, today=session.today)

    def _exported(self, result: Any, revision: int | None = None, window: QWidget | None = None) -> None:
        """The .docx or PDF is written (`result` has its path, sha256 and report): record it, and offer to open it;
        a PDF's `message` says which converter made it. The officer may have closed the wizard while the file was
        being written (back to the list, another draft opened): the export is still recorded, and said on `window`,
        the window the wizard was in."""
        if self.record_export is not None:
            self.record_export(result, revision)
        if isValid(self):
            if self.record_export is not None:
                self.session.reload_notes()  # the export answers the department's letter: its points go away
            self.exported.emit(result)
            parent: QWidget | None = self
        else:
            parent = window  # the dialogs take no parent for one deleted too
        choice = dialogs.choose(
            parent,
            f"Đã xuất báo cáo ra tệp:\n{result.path}",
            ["Mở tài liệu", "Mở thư mục", "Đóng"],
            escape=2,
            info=True,
            detail=getattr(result, "message", ""),
        )
        if choice == 0:
            dialogs.open_in_system(result.path)
        elif choice == 1:
            dialogs.open_in_system(Path(result.path).parent)
