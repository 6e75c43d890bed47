"""The main window: what is due and the list of drafts (two tabs); in their place, the wizard.

Why over 600 lines: it is the commune's one window: the menu actions on drafts (new, open, import, export, bin,
backup, profile) wired to the core; each action is short, and the home, the list of drafts, the wizard and the
dialogs live in their own modules.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QPaintEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMainWindow,
    QStackedWidget,
)
from shiboken6 import isValid

from kpdesk.due import DueItem, start_draft
from kpdesk.errors import KpdeskError, NotFound
from kpdesk.kinds import get_kind, kind_folder, kind_ids, kind_of, kind_summary
from kpdesk.store import COMMUNE, DraftId, Store, UnitProfile, backup_reason, backup_time

if TYPE_CHECKING:
    from PySide6.QtWidgets import QPushButton

    from kpdesk.corrections import Imported
    from kpdesk.kinds import Kind, KindSummary
    from kpdesk.render import RenderResult
    from ui.draft_list import DraftListPage
    from ui.wizard.wizard import WizardView
from ui import dialogs
from ui.department.mode import add_mode_action, switch_mode
from ui.home import HomePage, MainViews, status_text, view_menu
from ui.operations import Op, back_up, show_error
from ui.settings import Settings
from ui.widgets.common import menu_action, push_button

log = logging.getLogger(__name__)

#: A window started with its lists to fill (`MainWindow(fill_later=True)`) fills them at the latest this long after
#: it is shown, even when it has not been painted yet.
FILL_AT_THE_LATEST_MS = 250


def load_kinds() -> tuple[list[KindSummary], list[str]]:
    """Return what the lists need of the newest version of each kind that loads (built in and installed), and a
    Vietnamese message for each that does not, naming it and why (as `kpdesk kinds` does). The full kinds are read
    when a new report is made (`full_kinds`)."""
    kinds, broken = [], []
    for kind_id in kind_ids():
        try:
            kinds.append(kind_summary(kind_id))
        except KpdeskError as exc:
            broken.append(unusable_kind(kind_id, exc))
    return kinds, broken


def unusable_kind(kind_id: str, exc: KpdeskError) -> str:
    """Why a kind is left out of the lists and of new reports, and what to do."""
    return (
        f"Mẫu báo cáo «{kind_id}» bị bỏ qua vì không dùng được: {exc.message} "
        f"Hãy sửa hoặc gỡ thư mục {kind_folder(kind_id)}."
    )


class MainWindow(QMainWindow):
    """What is due and the list of drafts (two tabs), the wizard of the open draft, menus, the undo bar."""

    mode_changed = Signal(str)  # the officer switched this PC to the department's mode
    filled = Signal()  # the home and the list of drafts were filled (see `fill`)

    def __init__(
        self, store: Store, settings: Settings | None = None, *, today: dt.date | None = None, fill_later: bool = False
    ) -> None:
        """The window with its lists filled; with `fill_later` (the program's start), the window's frame only, and
        its lists filled right after it is first painted (see `fill`)."""
        super().__init__()
        self.store = store
        self.settings = settings or Settings()
        self.today = today
        self.kinds: list[KindSummary] = []
        self.broken_kinds: list[str] = []
        self._kinds: dict[str, KindSummary] = {}
        self._filled = False
        self._fill_on_paint = fill_later
        self.wizard: WizardView | None = None
        self.draft_id: DraftId | None = None
        self.setWindowTitle("Soạn báo cáo KH, CN, ĐMST và chuyển đổi số")  # Qt adds " — kpdesk"
        self.setMinimumSize(960, 600)
        self.stack = QStackedWidget(self)
        self.home = HomePage(self)
        self.home.open_requested.connect(self.open_draft)
        self.home.start_requested.connect(self.start_due)
        self.home.drafts_requested.connect(self.show_drafts)
        self.home.new_requested.connect(self.new_report)
        self.home.kinds_requested.connect(lambda: self.edit_profile(kinds=True))
        self.home.profile_requested.connect(self.ensure_profile)
        self.views = MainViews(self.home, self._make_list_page, self.settings, self.stack)
        self.stack.addWidget(self.views)
        self.setCentralWidget(self.stack)
        self._menus()
        self.home_action, self.drafts_action = view_menu(self)
        # the undo bar in the status bar: what was moved to the bin and «Hoàn tác», made at the first delete
        self.undo_label: QLabel | None = None
        self.undo_button: QPushButton | None = None
        self.undo_timer = QTimer(self)
        self.undo_timer.setSingleShot(True)
        self.undo_timer.setInterval(30_000)
        self.undo_timer.timeout.connect(self._undo_hide)
        self._deleted: DraftId | None = None
        if not self.settings.restore_window("main", self):
            self.resize(1280, 720)
        if not fill_later:
            self.fill()

    def fill(self) -> None:
        """Read the kinds and fill the home and the list of drafts (once; what needs them calls this first).

        At the program's start this runs just after the window's first paint, so the officer sees the window at
        once and its lists a moment later (a window not painted soon, minimised at start, is filled
        `FILL_AT_THE_LATEST_MS` after it is shown)."""
        if self._filled:
            return
        self._filled = True
        self._fill_on_paint = False
        self.kinds, self.broken_kinds = load_kinds()
        self._kinds = {k.id: k for k in self.kinds}
        self._show_unit()
        if self.views.drafts_made:  # made before the fill (the read-only notice disables its button)
            self._fill_list(self.list_page)
        if self.broken_kinds:
            self.statusBar().showMessage(" ".join(self.broken_kinds), 30000)
        elif self.home.due is not None and (said := status_text(self.home.due)):
            self.statusBar().showMessage(said)  # once, at start; the next message replaces it
        self.views.focus_current()  # the view on screen takes the keyboard: the list, if it is that, is made here
        self.filled.emit()

    @property
    def is_filled(self) -> bool:
        """Whether the views have been filled (`fill`): the home, and the list of drafts if it was made."""
        return self._filled

    @property
    def list_page(self) -> DraftListPage:
        """The list of drafts. Its tab is made the first time anything needs it (the tab opened, the list
        remembered as the view open last, a draft closed or imported): at start the window makes only the view
        it shows, and the home is the usual one."""
        return self.views.drafts  # type: ignore[return-value] # made by _make_list_page

    def _make_list_page(self) -> DraftListPage:
        from ui.draft_list import DraftListPage

        page = DraftListPage(self)  # its kind filter lists the kinds read so far
        page.open_requested.connect(self.open_draft)
        if self._filled:  # made after the start's fill: filled now as it would have been then
            self._show_heading(page)
            page.refresh()
        return page

    def _fill_list(self, page: DraftListPage) -> None:
        page.fill_kind_filter()
        self._show_heading(page)
        page.refresh()

    def _show_heading(self, page: DraftListPage) -> None:
        unit = self.unit()
        page.heading.setText(f"Báo cáo của Ủy ban nhân dân {unit.full_name}" if unit else "Báo cáo của đơn vị")

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt naming
        super().paintEvent(event)
        if self._fill_on_paint:  # the frame is on screen: fill the lists at the next turn of the event loop
            self._fill_on_paint = False
            QTimer.singleShot(0, self._fill_shown)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        if self._fill_on_paint:  # in case the window is not painted soon (minimised at start)
            QTimer.singleShot(FILL_AT_THE_LATEST_MS, self._fill_shown)

    def _fill_shown(self) -> None:
        if self.isVisible():  # not once closed: the program may be closing its store
            self.fill()

    # -- set-up ---------------------------------------------------------------------------
    def _menus(self) -> None:
        def action(menu: Any, text: str, slot: Any, keys: str | None = None, tip: str = "") -> QAction:
            return menu_action(self, menu, text, slot, keys, tip)

        bar = self.menuBar()
        files = bar.addMenu("&Tệp")
        self.new_action = action(files, "Báo cáo &mới…", self.new_report, "Ctrl+N", "Tạo báo cáo mới")
        action(
            files,
            "&Nhập bản nháp hoặc báo cáo Word…",
            self.import_file,
            "Ctrl+O",
            "Nhập tệp bản nháp .json, tệp .docx do kpdesk xuất, hoặc công văn trả lại báo cáo của Sở",
        )
        self.update_kinds_action = action(
            files, "Cập nhật &mẫu báo cáo…", self.update_kinds, None, "Cài gói mẫu báo cáo (.kpkind) do Sở gửi"
        )
        files.addSeparator()
        action(files, "&Sao lưu dữ liệu", self.backup, None, "Sao lưu toàn bộ bản nháp và thông tin đơn vị")
        action(files, "&Khôi phục từ bản sao lưu…", self.restore_backup, None, "Thay dữ liệu hiện tại bằng bản sao lưu")
        files.addSeparator()
        action(files, "T&hoát", self.close, "Ctrl+Q")
        settings = bar.addMenu("&Cài đặt")
        action(settings, "&Thông tin đơn vị…", self.edit_profile, None, "Tên đơn vị, người liên hệ, người ký, nơi nhận")
        add_mode_action(settings, self.switch_mode)
        helpm = bar.addMenu("Trợ &giúp")
        action(helpm, "&Phím tắt", self.show_keys, "F1", "Bảng các phím tắt")
        action(helpm, "&Giới thiệu kpdesk…", self.about, None, "Phiên bản và thư mục dữ liệu")

    def kind(self, kind_id: str) -> KindSummary | None:
        self.fill()
        return self._kinds.get(kind_id)

    def listed_kind(self, kind_id: str) -> KindSummary:
        """The kind as the lists show it (read when they were filled), else looked up: what is due reads no kind
        twice. Raises `KindError` for a kind that is not on this PC or does not load."""
        return self._kinds.get(kind_id) or kind_summary(kind_id)

    def full_kinds(self) -> tuple[list[Kind], list[str]]:
        """The full kinds of those listed (`kinds`), to make a report from, and a message for each that no longer
        loads (its files changed since the list was made)."""
        self.fill()
        kinds, broken = [], []
        for listed in self.kinds:
            try:
                kinds.append(get_kind(listed.id, listed.version))
            except KpdeskError as exc:
                broken.append(unusable_kind(listed.id, exc))
        return kinds, broken

    def unit(self) -> UnitProfile | None:
        """Return the officer's own unit: the one chosen last, else the first entered (imports may add others)."""
        return self.store.chosen_unit(self.settings.q.value("unit/current"))

    def _show_unit(self) -> None:
        if self.views.drafts_made:
            self._show_heading(self.list_page)
        self.views.refresh_home()

    # -- the two views ----------------------------------------------------------------------
    def show_home(self) -> None:
        """Show «Việc cần làm» (the open draft is saved and closed first)."""
        if self.close_wizard():
            self.views.show_home()

    def show_drafts(self) -> None:
        """Show the list of drafts (the open draft is saved and closed first)."""
        if self.close_wizard():
            self.views.show_drafts()

    def start_due(self, item: DueItem) -> None:
        """«Soạn» on the home: make the draft of the item's period from the previous one, and open it."""
        if not self.ensure_profile():
            return
        try:
            draft_id = start_draft(self.store, item)
        except KpdeskError as exc:
            show_error(self, exc, what=f"Chưa tạo được {item.title}.")
            return
        self.open_draft(draft_id)

    # -- profile ----------------------------------------------------------------------------
    def ensure_profile(self) -> bool:
        """On first run (no unit profile yet) ask for it; return whether a profile exists."""
        if self.unit() is not None:
            return True
        return self.edit_profile(first_run=True)

    def edit_profile(self, first_run: bool = False, *, kinds: bool = False) -> bool:
        """Edit the unit profile (on the page of report kinds with `kinds`); return whether it was saved."""
        from ui.profile import ProfileDialog

        dialog = ProfileDialog(self.store, self.unit(), self, first_run=first_run)
        if kinds:
            dialog.show_kinds()
        self.profile_dialog = dialog
        ok = dialog.exec() == QDialog.DialogCode.Accepted
        if ok and dialog.saved_id is not None:
            self.settings.q.setValue("unit/current", int(dialog.saved_id))
            if self.wizard is not None and self.draft_id is not None:  # the open draft offers the signers as saved
                try:
                    self.wizard.set_signers(self.store.unit(self.store.info(self.draft_id).unit_id).signers)
                except KpdeskError:
                    pass
        self._show_unit()
        return ok

    # -- drafts -----------------------------------------------------------------------------
    def new_report(self) -> None:
        self.fill()
        if not self.ensure_profile():
            return
        unit = self.unit()
        assert unit is not None
        kinds, broken = self.full_kinds()
        if not kinds:
            dialogs.tell(self, "Chưa có mẫu báo cáo nào để soạn.", detail=" ".join(self.broken_kinds + broken))
            return
        if broken:  # changed on disk since the lists were filled: said, and left out of the dialog
            self.statusBar().showMessage(" ".join(broken), 30000)
        from ui.draft_dialogs import NewReportDialog

        dialog = NewReportDialog(self.store, unit, kinds, self, today=self.today)
        self.new_dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        choice = dialog.result_value()
        if choice is None:
            return
        try:
            if choice.previous is not None:
                draft_id = self.store.new_from_previous(
                    choice.previous.id, choice.period, form=choice.form, title=choice.title
                )
            else:
                draft_id = self.store.create_draft(
                    choice.kind.id, choice.period, unit.id, form=choice.form, title=choice.title
                )
        except KpdeskError as exc:
            show_error(self, exc, what="Chưa tạo được báo cáo mới.")
            return
        self.open_draft(draft_id)

    def open_draft(self, draft_id: int) -> None:
        self.fill()
        try:
            stored = self.store.load(DraftId(draft_id))
        except KpdeskError as exc:
            self._row_failed(exc, what="Không mở được bản nháp.")
            return
        if stored.info.deleted:
            if not dialogs.confirm(self, "Bản nháp này đang ở thùng rác. Khôi phục để soạn tiếp?", yes="Khôi phục"):
                return
            self.store.undelete(stored.info.id)
            if self._deleted == stored.info.id:  # nothing left to undo
                self._deleted = None
        try:
            kind = kind_of(stored.draft)
        except KpdeskError as exc:
            dialogs.tell(
                self,
                f"Không mở được bản nháp: chưa có mẫu báo cáo «{stored.draft.kind}» phiên bản "
                f"{stored.draft.kind_version}.",
                detail=" ".join([exc.message, *self.broken_kinds]),
            )
            return
        self.close_wizard()
        self._undo_hide()
        try:
            profile = self.store.unit(stored.info.unit_id)
        except KpdeskError:
            profile = None
        draft_id = stored.info.id

        def record(result: RenderResult, revision: int | None) -> None:
            if revision is None:
                return
            self.store.record_export(draft_id, result.path, result.sha256, revision)
            if isValid(self) and (self.wizard is None or self.draft_id != draft_id):
                # the draft was closed while its file was being written: the lists show it exported now
                self.list_page.refresh()
                self.views.refresh_home()

        def revision() -> int | None:
            return self.store.info(draft_id).revision

        from kpdesk.store.opened import DraftWriter
        from ui.wizard.wizard import WizardView

        wizard = WizardView(
            kind,
            stored.draft,
            saver=DraftWriter(self.store, draft_id),
            record_export=record,
            current_revision=revision,
            signers=profile.signers if profile else (),
            profile_unit=(lambda: self.store.unit(stored.info.unit_id).to_unit()) if profile else None,
            settings=self.settings,
            today=self.today,
            parent=self.stack,
        )
        wizard.close_requested.connect(self.close_wizard)
        wizard.upgrade_requested.connect(self.upgrade_open_draft)
        self.wizard, self.draft_id = wizard, draft_id
        self.stack.addWidget(wizard)
        self.stack.setCurrentWidget(wizard)
        wizard.go_step(0)

    def upgrade_open_draft(self, version: int) -> None:
        """Carry the open draft over to `version` of its kind (the officer pressed «Cập nhật» in the bar), save
        it and open it again under the new version, showing what changed."""
        wizard, draft_id = self.wizard, self.draft_id
        if wizard is None or draft_id is None:
            return
        if not wizard.flush():
            show_error(
                self,
                KpdeskError("Bản nháp chưa lưu được nên chưa cập nhật mẫu; hãy thử lại sau khi lưu được (Ctrl+S)."),
            )
            return
        step = wizard.current()
        from kpdesk.draft import upgrade_draft  # with the open draft: the wizard has imported it

        try:
            new, changes = upgrade_draft(self.store.load(draft_id).draft, version)
            self.store.save(draft_id, new)
        except KpdeskError as exc:
            show_error(self, exc, what="Chưa cập nhật được bản nháp sang mẫu mới; bản nháp giữ nguyên.")
            return
        self.open_draft(draft_id)
        if self.wizard is not None and self.wizard is not wizard:
            self.wizard.upgrade_bar.done(changes)
            self.wizard.go_step(min(step, len(self.wizard.steps) - 1))
            self.statusBar().showMessage(f"Đã cập nhật bản nháp lên mẫu phiên bản {version}.", 8000)

    def close_wizard(self) -> bool:
        """Save the open draft (at once) and go back to the list; False if it could not be saved."""
        wizard = self.wizard
        if wizard is None:
            return True
        if not wizard.flush():
            if not dialogs.confirm(
                self,
                "Bản nháp chưa lưu được vào cơ sở dữ liệu. Vẫn đóng?",
                yes="Vẫn đóng",
                no="Ở lại",
                detail=self.wizard.save_status.toolTip(),
            ):
                return False
        self.wizard = None
        self.stack.setCurrentWidget(self.views)
        self.stack.removeWidget(wizard)
        wizard.deleteLater()
        self.list_page.refresh(select=self.draft_id)
        self.views.refresh_home()
        self.views.focus_current()
        return True

    def _row_failed(self, exc: BaseException, *, what: str = "") -> None:
        """Say why an action on a draft of the list failed. A draft the data no longer has (the data restored from
        a backup a moment before, while the list still showed it) is said plainly, and the lists are read again."""
        if isinstance(exc, NotFound):
            self.list_page.refresh()
            self.views.refresh_home()
            dialogs.tell(
                self,
                "Bản nháp này không còn trong dữ liệu (dữ liệu vừa được khôi phục từ bản sao lưu hoặc đã thay đổi).",
                detail="Danh sách báo cáo đã được cập nhật; hãy chọn lại bản nháp cần làm.",
            )
        else:
            show_error(self, exc, what=what)

    def duplicate_current(self) -> None:
        info = self.list_page.current_info()
        if info is None:
            return
        try:
            new_id = self.store.duplicate(info.id)
        except KpdeskError as exc:
            self._row_failed(exc)
            return
        self.list_page.refresh(select=new_id)
        self.statusBar().showMessage("Đã tạo bản sao.", 5000)

    def delete_current(self) -> None:
        info = self.list_page.current_info()
        if info is None or info.deleted:
            return
        try:
            self.store.delete(info.id)
        except KpdeskError as exc:
            self._row_failed(exc)
            return
        self._deleted = info.id
        name = info.title or (self.kind(info.kind).short if self.kind(info.kind) else info.kind)
        self._undo_show(f"Đã chuyển «{name} — {info.period.label}» vào thùng rác.")
        self.list_page.refresh()

    def undo_delete(self) -> None:
        if self._deleted is None:
            return
        try:
            self.store.undelete(self._deleted)
        except KpdeskError as exc:
            if isinstance(exc, NotFound):  # gone from the data: nothing left to undo
                self._deleted = None
                self._undo_hide()
            self._row_failed(exc)
            return
        self.list_page.refresh(select=self._deleted)
        self._deleted = None
        self._undo_hide()
        self.statusBar().showMessage("Đã khôi phục bản nháp.", 5000)

    def _undo_show(self, text: str) -> None:
        """Show `text` with «Hoàn tác» beside it in the status bar, for 30 seconds."""
        if self.undo_label is None or self.undo_button is None:
            self.undo_label = QLabel(self)
            self.undo_button = push_button("&Hoàn tác", self)
            self.undo_button.setAutoDefault(False)
            self.undo_button.clicked.connect(self.undo_delete)
            self.statusBar().addPermanentWidget(self.undo_label)
            self.statusBar().addPermanentWidget(self.undo_button)
        self.undo_label.setText(text)
        self.undo_label.show()
        self.undo_button.show()
        self.undo_timer.start()

    def _undo_hide(self) -> None:
        if self.undo_label is not None and self.undo_button is not None:
            self.undo_label.hide()
            self.undo_button.hide()

    def undelete_current(self) -> None:
        info = self.list_page.current_info()
        if info is None:
            return
        try:
            self.store.undelete(info.id)
        except KpdeskError as exc:
            self._row_failed(exc)
            return
        if info.id == self._deleted:  # restored from the bin: nothing left to undo
            self._deleted = None
            self._undo_hide()
        self.list_page.bin.setChecked(False)
        self.list_page.refresh(select=info.id)
        self.statusBar().showMessage("Đã khôi phục bản nháp.", 5000)

    def history_current(self) -> None:
        info = self.list_page.current_info()
        if info is None:
            return
        from ui.draft_dialogs import HistoryDialog

        try:
            dialog = HistoryDialog(self.store, info, self.kind(info.kind), self)
        except KpdeskError as exc:
            self._row_failed(exc, what="Chưa xem được lịch sử của bản nháp.")
            return
        self.history_dialog = dialog
        dialog.exec()
        self.list_page.refresh(select=info.id)

    # -- kinds ---------------------------------------------------------------------------------
    def update_kinds(self) -> None:
        """«Cập nhật mẫu báo cáo…»: check a package from the department (off the UI thread), show what it changes,
        install it when the officer agrees, and list the kinds again."""
        from ui.kinds_dialog import installed_text, update_kinds

        def installed(plan: Any) -> None:
            self.reload_kinds()
            self.statusBar().showMessage(installed_text(plan), 15000)

        update_kinds(self, self.settings, installed)

    def reload_kinds(self) -> None:
        """Read the kinds again (after a package was installed): the lists, and the bar of the open draft."""
        self.kinds, self.broken_kinds = load_kinds()
        self._kinds = {k.id: k for k in self.kinds}
        self.list_page.fill_kind_filter()
        self.list_page.refresh()
        wizard = self.wizard
        if wizard is not None:
            from kpdesk.draft import upgrade_offer  # with the open draft: the wizard has imported it
            from kpdesk.kinds import kind_changes

            offer = upgrade_offer(wizard.session.draft)
            if offer is not None:
                wizard.upgrade_bar.offer(kind_changes(wizard.kind, offer))

    # -- files (off the UI thread) ------------------------------------------------------------
    def import_file(self) -> None:
        path = dialogs.open_path(
            self,
            "Nhập bản nháp, báo cáo Word do kpdesk xuất hoặc công văn trả lại của Sở",
            self.settings.folder("import"),
            "Bản nháp, báo cáo hoặc công văn (*.json *.docx)",
        )
        if path is None:
            return
        self.settings.remember_folder("import", path)
        unit = self.unit()
        store = self.store
        from kpdesk.corrections import import_path  # the checks of an imported file: loaded when first used

        Op(
            self,
            lambda progress: import_path(store, path, unit.id if unit else None),
            label=f"Đang nhập {path.name}…",
            error_what=f"Chưa nhập được tệp {path.name}.",
        ).success(self._imported).run()

    def _imported(self, imported: Imported) -> None:
        """Say what the import did: a draft added, or a department's return letter attached to a draft."""
        self.list_page.bin.setChecked(False)
        self.list_page.search.clear()
        self.list_page.refresh(select=imported.draft_id)
        self._show_unit()
        self.statusBar().showMessage(imported.text, 15000)
        if imported.correction is not None:
            dialogs.tell(self, imported.text)

    def switch_mode(self) -> None:
        """«Cài đặt › Chế độ làm việc…»: switch this PC to the department's window (the open draft is saved)."""
        chosen = switch_mode(self, self, COMMUNE)
        if chosen is not None:
            self.mode_changed.emit(chosen)

    def export_json_current(self) -> None:
        info = self.list_page.current_info()
        if info is None:
            return
        kind = self.kind(info.kind)
        name = f"{kind.short if kind else info.kind}-{info.period.code}-{info.id}.json"
        path = dialogs.save_path(
            self, "Ghi bản nháp ra tệp", self.settings.folder("export") / name, "Bản nháp kpdesk (*.json)"
        )
        if path is None:
            return
        if path.suffix.lower() != ".json":
            path = path.with_name(path.name + ".json")
        self.settings.remember_folder("export", path)
        store = self.store
        Op(self, lambda progress: store.export_json(info.id, path), label="Đang ghi tệp bản nháp…").success(
            lambda _: self.statusBar().showMessage(f"Đã ghi {path}.", 8000)
        ).failure(lambda exc: self._row_failed(exc, what="Chưa ghi được tệp bản nháp.")).run()

    def backup(self) -> None:
        if self.wizard is not None:
            self.wizard.flush()
        back_up(self, self.store)

    def restore_backup(self) -> None:
        backups = self.store.backups()
        if not backups:
            dialogs.tell(self, "Chưa có bản sao lưu nào.", detail="Dùng «Tệp › Sao lưu dữ liệu» để tạo một bản.")
            return
        labels = []
        for path in backups[:8]:
            when = backup_time(path)
            labels.append(f"{when:%d/%m/%Y %H:%M} ({backup_reason(path)})" if when else path.name)
        choice = dialogs.choose(
            self,
            "Chọn bản sao lưu để khôi phục. Dữ liệu hiện tại sẽ được sao lưu trước.",
            [*labels, "Hủy"],
            escape=len(labels),
        )
        if choice >= len(labels):
            return
        if not self.close_wizard():
            return
        path = backups[choice]
        store = self.store
        # nothing can be opened or typed while the data is replaced (the progress box shows only after a moment):
        # a draft opened meanwhile would show data from before, and save it over the restored data
        self.setEnabled(False)
        Op(
            self,
            lambda progress: store.restore_backup(path),
            label="Đang khôi phục dữ liệu…",
        ).success(self._restored).failure(self._restore_failed).run()

    def _restore_failed(self, exc: BaseException) -> None:
        self.setEnabled(True)
        show_error(self, exc, what="Chưa khôi phục được.")

    def _restored(self, before: Path) -> None:
        self.setEnabled(True)
        self.list_page.refresh()
        self._show_unit()
        dialogs.tell(
            self, "Đã khôi phục dữ liệu từ bản sao lưu.", detail=f"Dữ liệu trước khi khôi phục được giữ ở: {before}"
        )

    def show_keys(self) -> None:
        from ui.help import ShortcutsDialog

        dialog = ShortcutsDialog(self)
        self.keys_dialog = dialog
        dialog.exec()

    def about(self) -> None:
        """«Giới thiệu»: the version, and the data folder (with a button that opens it)."""
        from kpdesk.upgrade import app_version

        folder = self.store.data_dir
        choice = dialogs.choose(
            self,
            f"kpdesk phiên bản {app_version()}",
            ["Mở thư mục dữ liệu", "Đóng"],
            escape=1,
            info=True,
            detail=(
                "Soạn báo cáo định kỳ về khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số của Ủy ban nhân dân "
                "xã, phường gửi Sở Khoa học và Công nghệ, đúng thể thức Nghị định 30/2020/NĐ-CP.\n\n"
                f"Thư mục dữ liệu (bản nháp, thông tin đơn vị, bản sao lưu): {folder}"
            ),
        )
        if choice == 0:
            dialogs.open_in_system(folder)

    # -- closing ------------------------------------------------------------------------------
    def flush(self) -> bool:
        return self.wizard.flush() if self.wizard is not None else True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt naming
        if not self.flush() and not dialogs.confirm(
            self, "Bản nháp chưa lưu được vào cơ sở dữ liệu. Vẫn thoát?", yes="Vẫn thoát", no="Ở lại"
        ):
            event.ignore()
            return
        self.settings.save_window("main", self)
        event.accept()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt naming
        # leaving the window (another program, screen lock) writes a pending change at once
        if event.type() == QEvent.Type.ActivationChange and not self.isActiveWindow():
            self.flush()
        super().changeEvent(event)
