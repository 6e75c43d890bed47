"""The department's window: the status matrix of a kind, the chosen report, the files to enter by hand.

Why over 600 lines: it is the department's one window: its menus, the status matrix and the report panel wired to the
core; the dialogs, letters, charts and unit list live in their own modules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kpdesk.department import letters
from kpdesk.department.intake import Receipt, enter_manually
from kpdesk.department.records import ReceivedFile, Records
from kpdesk.department.status import matrix, recent_periods
from kpdesk.draft import Period
from kpdesk.errors import KpdeskError
from kpdesk.kinds import Kind, kind_of
from kpdesk.store import DEPARTMENT, DraftWriter, Store
from kpdesk.vocab import PERIOD_CHOICES
from ui import dialogs, operations
from ui.department import mode
from ui.department.dialogs import DeadlineDialog, LogDialog, offer_to_open
from ui.department.letters import RemindDialog
from ui.department.manual import (
    FilesPage,
    ManualEntryView,
    ManualStartDialog,
    manual_link,
    set_manual_link,
    source_path,
    start_manual_draft,
)
from ui.department.matrix import LEGEND, StatusMatrix
from ui.department.receive import ReceiveDialog, dropped_paths, receipt_summary
from ui.department.report import ReportPanel
from ui.operations import Op, back_up
from ui.profile import commune_kinds
from ui.settings import Settings
from ui.widgets.common import empty_label, escape_html, heading_label, hint_label, menu_action


class DepartmentWindow(QMainWindow):
    """Receive the communes' reports, see who has sent and who is late, return a report for correction."""

    mode_changed = Signal(str)  # the officer switched this PC to the other mode
    PERIODS = 12
    MATRIX_TAB, FILES_TAB, CHARTS_TAB = 0, 1, 2

    def __init__(self, store: Store, settings: Settings | None = None, *, today: dt.date | None = None) -> None:
        super().__init__()
        self.store = store
        self.records = Records(store)
        self.settings = settings or Settings()
        self.today = today
        self.kinds = commune_kinds()
        self.manual: ManualEntryView | None = None
        self.setWindowTitle("Nhận báo cáo của xã, phường (Sở Khoa học và Công nghệ)")  # Qt adds " — kpdesk"
        self.setMinimumSize(960, 600)
        self.setAcceptDrops(True)

        self.stack = QStackedWidget(self)
        self.main = QWidget(self.stack)
        box = QVBoxLayout(self.main)
        box.setContentsMargins(10, 8, 10, 4)
        self.heading = heading_label("", self.main)
        box.addWidget(self.heading)
        pick = QHBoxLayout()
        kind_label = QLabel("Loại &báo cáo:", self.main)
        self.kind_combo = QComboBox(self.main)
        self.kind_combo.setAccessibleName("Loại báo cáo")
        self.kind_combo.setMaximumWidth(720)
        self._fill_kinds()
        kind_label.setBuddy(self.kind_combo)
        self.type_label = QLabel("&Kỳ:", self.main)
        self.type_combo = QComboBox(self.main)
        self.type_combo.setAccessibleName("Loại kỳ báo cáo")
        self.type_label.setBuddy(self.type_combo)
        for w in (kind_label, self.kind_combo, self.type_label, self.type_combo):
            pick.addWidget(w)
        pick.addStretch(1)
        box.addLayout(pick)
        line = QHBoxLayout()
        self.headline = QLabel(self.main)
        self.headline.setWordWrap(True)
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.headline.setAccessibleName("Tóm tắt kỳ đang chọn")
        line.addWidget(self.headline, 1)
        #: Buttons acting on the chosen kind and period: the consolidated workbook and the notice.
        self.period_bar = QHBoxLayout()
        self.workbook_button = QPushButton("Xuất &biểu tổng hợp…", self.main)
        self.workbook_button.setToolTip(
            "Biểu tổng hợp Excel của loại báo cáo và kỳ đang chọn: tình hình gửi, số liệu "
            "từng đơn vị, tổng cộng, biểu đồ (Ctrl+B)"
        )
        self.notice_button = QPushButton("&Thông báo tổng hợp…", self.main)
        self.notice_button.setToolTip(
            "Soạn thông báo (hoặc báo cáo tổng hợp) của Sở về kỳ đang chọn, số liệu lấy từ các báo cáo đã nhận"
        )
        for button in (self.workbook_button, self.notice_button):
            button.setAutoDefault(False)
            self.period_bar.addWidget(button)
        self.workbook_button.clicked.connect(self.export_workbook)
        self.notice_button.clicked.connect(self.start_notice)
        line.addLayout(self.period_bar)
        box.addLayout(line)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self.main)
        #: The views of the chosen kind: «Tình hình gửi báo cáo», «Tệp chờ nhập tay» (and the charts, added later).
        self.tabs = QTabWidget(self.splitter)
        page = QWidget(self.tabs)
        inner = QVBoxLayout(page)
        inner.setContentsMargins(0, 4, 0, 0)
        self.matrix = StatusMatrix(page)
        inner.addWidget(self.matrix, 1)
        self.empty = empty_label("", page)
        inner.addWidget(self.empty, 1)
        self.legend = hint_label(LEGEND, page)
        inner.addWidget(self.legend)
        self.tabs.addTab(page, "Tình hình gửi báo cáo")
        self.files_page = FilesPage(self.tabs)
        self.tabs.addTab(self.files_page, "Tệp chờ nhập tay")
        #: The charts of the chosen kind and period, drawn when the tab is first shown (ui.department.charts)
        self.charts_page = QWidget(self.tabs)
        QVBoxLayout(self.charts_page).setContentsMargins(0, 4, 0, 0)
        self.charts: Any = None
        self.tabs.addTab(self.charts_page, "Biểu đồ")
        self.tabs.currentChanged.connect(lambda _: self._show_charts())
        self.panel = ReportPanel(self, self.splitter)
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)
        self.panel.setMinimumWidth(360)
        self.splitter.setSizes([850, 480])
        saved = self.settings.splitter("department")
        if saved is not None:
            self.splitter.restoreState(saved)
        self.splitter.splitterMoved.connect(
            lambda *_: self.settings.save_splitter("department", self.splitter.saveState())
        )
        box.addWidget(self.splitter, 1)
        self.stack.addWidget(self.main)
        self.setCentralWidget(self.stack)

        self._menus()
        self.matrix.current_changed.connect(self._cell_changed)
        self.matrix.activated.connect(
            lambda _: self.panel.view_button.setFocus() if self.panel.actions.isVisible() else None
        )
        self.files_page.enter_requested.connect(self.enter_file)
        self.files_page.record_requested.connect(self.record_file)
        self.files_page.open_requested.connect(self.open_file)
        chosen = self.kind_combo.findData(self.settings.q.value("department/kind", ""))
        self.kind_combo.setCurrentIndex(max(0, chosen))
        self.kind_combo.currentIndexChanged.connect(lambda _: self._kind_changed())
        self.type_combo.currentIndexChanged.connect(lambda _: self.refresh())
        if not self.settings.restore_window("department", self):
            self.resize(1366, 740)
        self._fill_types()
        self.refresh()
        self.matrix.setFocus()

    # -- set-up ---------------------------------------------------------------------------
    def _menus(self) -> None:
        def action(menu: Any, text: str, slot: Any, keys: str | None = None, tip: str = "") -> QAction:
            return menu_action(self, menu, text, slot, keys, tip)

        bar = self.menuBar()
        files = bar.addMenu("&Tệp")
        self.receive_action = action(
            files,
            "&Nhận báo cáo…",
            lambda: self.receive(),
            "Ctrl+O",
            "Nhận các tệp báo cáo (.docx) xã, phường gửi về; cũng có thể kéo thả vào cửa sổ",
        )
        action(
            files,
            "Nhận cả thư &mục…",
            self.receive_folder,
            "Ctrl+Shift+O",
            "Nhận mọi báo cáo trong một thư mục (kể cả thư mục con)",
        )
        files.addSeparator()
        self.update_kinds_action = action(
            files,
            "&Cập nhật mẫu báo cáo…",
            self.update_kinds,
            None,
            "Cài gói mẫu báo cáo (.kpkind) trên máy này, để nhận báo cáo làm theo phiên bản mẫu mới",
        )
        self.pack_kinds_action = action(
            files,
            "Đóng &gói mẫu báo cáo…",
            self.pack_kinds,
            None,
            "Kiểm tra và đóng gói các mẫu báo cáo thành tệp .kpkind gửi các xã, phường",
        )
        files.addSeparator()
        action(files, "&Sao lưu dữ liệu", self.backup, None, "Sao lưu toàn bộ dữ liệu của Sở trên máy này")
        files.addSeparator()
        action(files, "T&hoát", self.close, "Ctrl+Q")
        follow = bar.addMenu("The&o dõi")
        self.units_action = action(
            follow,
            "&Danh sách đơn vị…",
            self.edit_units,
            "Ctrl+U",
            "Các xã, phường, đặc khu gửi báo cáo: nhập từ CSV/Excel, thêm, sửa",
        )
        self.remind_action = action(
            follow, "Đô&n đốc…", self.remind, None, "Viết công văn đôn đốc các đơn vị chưa gửi báo cáo kỳ đang chọn"
        )
        self.deadline_action = action(
            follow, "Đặt &hạn gửi…", self.set_deadline, None, "Đặt hạn gửi báo cáo của loại và kỳ đang chọn"
        )
        follow.addSeparator()
        action(follow, "&Tình hình gửi báo cáo", lambda: self.show_tab(self.MATRIX_TAB), "Ctrl+1")
        action(follow, "Tệp &chờ nhập tay", lambda: self.show_tab(self.FILES_TAB), "Ctrl+2")
        action(follow, "&Biểu đồ", lambda: self.show_tab(self.CHARTS_TAB), "Ctrl+3")
        action(follow, "Xuất biểu tổng hợp…", self.export_workbook, "Ctrl+B")
        self.log_action = action(
            follow, "Nhật &ký…", self.show_log, "Ctrl+L", "Mọi lần nhận báo cáo và thay đổi trạng thái, ai làm, khi nào"
        )
        action(follow, "&Làm mới", self.refresh, "F5")
        settings = bar.addMenu("&Cài đặt")
        self.profile_action = action(
            settings,
            "&Thông tin của Sở…",
            lambda: self.edit_profile(),
            None,
            "Tên, tiêu đề văn bản, ký hiệu, người ký và nơi nhận của Sở",
        )
        mode.add_mode_action(settings, self.switch_mode)
        helpm = bar.addMenu("Trợ &giúp")
        action(helpm, "&Phím tắt", self.show_keys, "F1")
        tools = self.addToolBar("Công việc")
        tools.setObjectName("departmentTools")
        tools.setMovable(False)
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for act in (
            self.receive_action,
            self.units_action,
            self.remind_action,
            self.deadline_action,
            self.profile_action,
            self.log_action,
        ):
            tools.addAction(act)

    def ensure_profile(self) -> bool:
        """On the first start in this mode (no profile of the department yet) ask for it."""
        if self.store.department() is not None:
            return True
        return self.edit_profile(first_run=True)

    def edit_profile(self, first_run: bool = False) -> bool:
        from ui.department.profile import DepartmentProfileDialog

        dialog = DepartmentProfileDialog(self.store, self.store.department(), self, first_run=first_run)
        self.profile_dialog = dialog
        ok = dialog.exec() == QDialog.DialogCode.Accepted
        self._show_heading()
        return ok

    # -- what is shown -----------------------------------------------------------------------
    def kind(self) -> Kind | None:
        index = self.kind_combo.currentIndex()
        return self.kinds[index] if 0 <= index < len(self.kinds) else None

    def periods(self) -> list[Period]:
        kind = self.kind()
        if kind is None:
            return []
        return recent_periods(kind, self.today or dt.date.today(), self.PERIODS, self.type_combo.currentData())

    def _fill_kinds(self) -> None:
        for kind in self.kinds:
            self.kind_combo.addItem(f"{kind.short} — {kind.name}", kind.id)
            self.kind_combo.setItemData(self.kind_combo.count() - 1, kind.description, Qt.ItemDataRole.ToolTipRole)

    def _kind_changed(self) -> None:
        kind = self.kind()
        if kind is not None:
            self.settings.q.setValue("department/kind", kind.id)
        self._fill_types()
        self.refresh()

    def _fill_types(self) -> None:
        kind = self.kind()
        types = kind.periods if kind else ()
        self.type_combo.blockSignals(True)
        self.type_combo.clear()
        for t in types:
            self.type_combo.addItem(PERIOD_CHOICES[t], t)
        self.type_combo.blockSignals(False)
        self.type_label.setVisible(len(types) > 1)
        self.type_combo.setVisible(len(types) > 1)

    def _show_heading(self) -> None:
        profile = self.store.department()
        if profile is None:
            self.heading.setText("Tình hình nhận báo cáo — chưa có thông tin của Sở (Cài đặt › Thông tin của Sở…)")
        else:
            where = f" {profile.province_level} {profile.province}" if profile.province else ""
            self.heading.setText(f"{profile.name}{where} — tình hình nhận báo cáo của xã, phường")

    def refresh(self) -> None:
        """Read the records again: the matrix of the chosen kind (the chosen cell stays), the files to enter."""
        self._show_heading()
        kind = self.kind()
        try:
            statuses = matrix(self.records, kind, self.periods(), self.today) if kind is not None else []
            files = self.records.files()
            has_units = bool(self.records.units())
        except KpdeskError as exc:
            operations.show_error(self, exc)
            return
        links = {f.id: link for f in files if (link := manual_link(self.store, f.id)) is not None}
        self.files_page.show_files(files, links)
        self.tabs.setTabText(self.FILES_TAB, f"Tệp chờ nhập tay ({len(files)})")
        self.matrix.show_statuses(statuses)
        shown = bool(self.matrix.rowCount())
        self.matrix.setVisible(shown)
        self.legend.setVisible(shown)
        self.headline.setVisible(shown)
        self.empty.setVisible(not shown)
        if kind is None:
            self.empty.setText("Chưa có mẫu báo cáo nào đọc được trên máy này.")
        elif not has_units:
            self.empty.setText(
                "Chưa có danh sách đơn vị. Bấm «Danh sách đơn vị» (Ctrl+U) để nhập danh sách các xã, "
                "phường của tỉnh từ tệp CSV hoặc Excel, rồi «Nhận báo cáo…» (Ctrl+O) hoặc kéo thả thư "
                "mục báo cáo vào cửa sổ."
            )
        else:
            self.empty.setText(
                "Không có đơn vị nào phải gửi loại báo cáo này trong các kỳ gần đây (theo ngày hiệu "
                "lực của danh sách đơn vị)."
            )
        self._cell_changed()

    def _cell_changed(self) -> None:
        status = self.matrix.current_status()
        self.headline.setText(f"<b>{escape_html(status.headline)}</b>" if status is not None else "")
        self.panel.show_row(self.matrix.current_row(), status.kind if status is not None else None)
        for button in (self.workbook_button, self.notice_button):
            button.setEnabled(status is not None)
        self._show_charts()

    # -- consolidation: the charts, the workbook, the notice (ui.department.charts and .consolidation) -----------
    def _chosen(self) -> tuple[Kind, Period] | None:
        status = self.matrix.current_status()
        return (status.kind, status.period) if status is not None else None

    def _show_charts(self) -> None:
        """Draw the charts of the chosen kind and period, when their tab is the one shown."""
        chosen = self._chosen()
        if self.tabs.currentIndex() != self.CHARTS_TAB or chosen is None:
            return
        kind, period = chosen
        if self.charts is not None and (self.charts.kind, self.charts.period) == (kind, period):
            return
        from ui.department.charts import ChartsPanel

        try:
            if self.charts is None:
                self.charts = ChartsPanel(self.records, kind, period, self.charts_page, today=self.today)
                self.charts_page.layout().addWidget(self.charts)
            else:
                self.charts.show_period(kind, period)
        except KpdeskError as exc:
            operations.show_error(self, exc, what="Chưa vẽ được biểu đồ.")

    def export_workbook(self) -> None:
        """«Xuất biểu tổng hợp…» of the chosen kind and period."""
        from ui.department.consolidation import export_workbook

        chosen = self._chosen()
        if chosen is None:
            return
        written = export_workbook(
            self, self.records, *chosen, folder=self.settings.folder("workbook"), today=self.today
        )
        if written is not None:
            self.settings.remember_folder("workbook", written)

    def start_notice(self) -> None:
        """«Thông báo tổng hợp…»: a new notice of the chosen kind and period, its figures filled from the reports
        received, opened in the wizard; «Xuất kèm biểu đồ…» above it writes it with the charts as an appendix."""
        from ui.department.consolidation import start_summary

        chosen = self._chosen()
        if chosen is None or not self.close_manual():
            return
        draft_id = start_summary(self, self.records, *chosen, today=self.today)
        if draft_id is not None:
            self.open_notice(draft_id)

    def open_notice(self, draft_id: int) -> None:
        from ui.department.consolidation import NoticeView
        from ui.wizard.wizard import WizardView

        try:
            stored = self.store.load(draft_id)
            kind = kind_of(stored.draft)
        except KpdeskError as exc:
            operations.show_error(self, exc, what="Không mở được thông báo tổng hợp.")
            return
        wizard = WizardView(
            kind,
            stored.draft,
            saver=DraftWriter(self.store, stored.info.id),
            settings=self.settings,
            today=self.today,
            parent=self.stack,
        )
        view = NoticeView(draft_id, wizard, self.stack)
        wizard.close_requested.connect(self.close_manual)
        view.export_requested.connect(self.export_notice)
        self.manual = view
        self.stack.addWidget(view)
        self.stack.setCurrentWidget(view)
        wizard.go_step(0)

    def export_notice(self, draft_id: int) -> None:
        """«Xuất kèm biểu đồ…»: the notice written with the charts of the period it consolidates."""
        from ui.department.consolidation import export_summary

        if self.manual is not None and not self.manual.wizard.flush():  # type: ignore[attr-defined]
            dialogs.tell(self, "Thông báo chưa lưu được; hãy thử lại sau giây lát.")
            return
        written = export_summary(
            self, self.records, draft_id, charts=True, folder=self.settings.folder("export"), today=self.today
        )
        if written is not None:
            self.settings.remember_folder("export", written)

    def select(self, unit_id: int | None, period: object) -> None:
        """Choose the cell of a unit and period (after matching a sender, entering a report)."""
        if isinstance(period, Period):
            self.matrix.select(unit_id=unit_id, period=period)

    def say(self, text: str) -> None:
        self.statusBar().showMessage(text, 15000)

    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        if index == self.CHARTS_TAB:
            self.tabs.widget(index).setFocus()
        else:
            (self.matrix if index == self.MATRIX_TAB else self.files_page.table).setFocus()

    # -- receiving ----------------------------------------------------------------------------
    def receive(self, paths: Sequence[Path] = ()) -> list[Receipt]:
        """«Nhận báo cáo…»: the dialog (with `paths` already listed, from a drop); return what was received."""
        dialog = ReceiveDialog(
            self.records, self, paths=paths, today=self.today, folder=self.settings.folder("receive")
        )
        self.receive_dialog = dialog
        dialog.exec()
        self.settings.remember_folder("receive", dialog.folder)
        if dialog.receipts:
            self.refresh()
            self.say(receipt_summary(dialog.receipts))
        return dialog.receipts

    def receive_folder(self) -> None:
        folder = dialogs.choose_folder(
            self, "Chọn thư mục chứa báo cáo xã, phường gửi về", self.settings.folder("receive")
        )
        if folder is not None:
            self.receive([folder])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt naming
        if dropped_paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt naming
        paths = dropped_paths(event)
        if paths:
            event.acceptProposedAction()
            self.receive(paths)

    # -- the unit list, letters, deadlines, log ------------------------------------------------------------
    def edit_units(self) -> None:
        from ui.department.units import UnitsDialog

        dialog = UnitsDialog(self.records, self, settings=self.settings)
        self.units_dialog = dialog
        dialog.exec()
        if dialog.changed:
            self.refresh()

    def remind(self) -> None:
        status = self.matrix.current_status()
        if status is None:
            return
        try:  # the core says first when there is nobody to remind, or no profile to write with
            letters.reminder_letter(self.records, status, today=self.today)
        except KpdeskError as exc:
            if status.expected and not status.missing:  # nobody to remind: news, not a failure
                dialogs.tell(self, exc.message, title="Đôn đốc — kpdesk")
            else:
                operations.show_error(self, exc, what="Chưa đôn đốc được.")
            return
        dialog = RemindDialog(self.records, status, self, today=self.today, folder=self.settings.folder("letters"))
        self.remind_dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.issued is None:
            return
        self.settings.remember_folder("letters", dialog.issued.path)
        self.say(f"Đã ghi công văn đôn đốc {dialog.issued.path}")
        offer_to_open(
            self, f"Đã ghi công văn đôn đốc {len(status.missing)} đơn vị chưa gửi báo cáo.", dialog.issued.path
        )

    def set_deadline(self) -> None:
        kind, status = self.kind(), self.matrix.current_status()
        periods = self.periods()
        if kind is None or status is None or not periods:
            return
        dialog = DeadlineDialog(self.records, kind, [*periods, periods[-1].next()], status.period, self)
        self.deadline_dialog = dialog
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()
            self.say(f"Đã cập nhật hạn gửi {kind.short} {dialog.chosen().label}.")

    def show_log(self) -> None:
        dialog = LogDialog(self.records, self)
        self.log_dialog = dialog
        dialog.exec()

    def backup(self) -> None:
        self.flush()
        back_up(self, self.store)

    # -- report kinds: install a package, pack one for the communes --------------------------------------
    def update_kinds(self) -> None:
        """«Cập nhật mẫu báo cáo…»: as in the commune's window (ui.kinds_dialog); then list the kinds again."""
        from ui.kinds_dialog import installed_text, update_kinds

        def installed(plan: Any) -> None:
            self.reload_kinds()
            self.say(installed_text(plan))

        update_kinds(self, self.settings, installed, caption="Chọn gói mẫu báo cáo (.kpkind) để cài trên máy này")

    def reload_kinds(self) -> None:
        """Read the kinds again (a package was installed), keeping the kind chosen."""
        chosen = self.kind_combo.currentData()
        self.kinds = commune_kinds()
        self.kind_combo.blockSignals(True)
        self.kind_combo.clear()
        self._fill_kinds()
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(chosen)))
        self.kind_combo.blockSignals(False)
        self._fill_types()
        self.refresh()

    def pack_kinds(self) -> None:
        """«Đóng gói mẫu báo cáo…»: the kinds chosen, checked and packed into a .kpkind for the communes."""
        from ui.kinds_pack import KindsPackDialog, publisher_of

        dialog = KindsPackDialog(
            publisher_of(self.store.department()), self.settings.folder("kinds"), self, today=self.today
        )
        self.pack_dialog = dialog
        dialog.exec()
        if dialog.result_ is not None:
            self.settings.remember_folder("kinds", dialog.result_.path)
            self.say(f"Đã ghi gói mẫu báo cáo {dialog.result_.path}")

    def switch_mode(self) -> None:
        chosen = mode.switch_mode(self, self, DEPARTMENT)
        if chosen is not None:
            self.mode_changed.emit(chosen)

    def show_keys(self) -> None:
        dialogs.tell(
            self,
            "Phím tắt",
            detail=(
                "Ctrl+O: nhận báo cáo · Ctrl+Shift+O: nhận cả thư mục · kéo thả tệp, thư mục vào cửa sổ cũng nhận\n"
                "Ctrl+1: bảng tình hình gửi báo cáo · Ctrl+2: tệp chờ nhập tay · Ctrl+U: danh sách đơn vị · "
                "Ctrl+L: nhật ký · F5: làm mới\n"
                "Trong bảng: phím mũi tên chọn đơn vị và kỳ; Enter: đến các nút của báo cáo đang chọn (Xem, Trả lại để "
                "sửa…, Chấp nhận, Mở lại)\n"
                "Chữ gạch dưới trên nút: giữ Alt và bấm chữ đó."
            ),
        )

    # -- reports typed in Word ------------------------------------------------------------------
    def open_file(self, received: ReceivedFile) -> None:
        path = source_path(received)
        if path is None:
            dialogs.tell(
                self,
                f"Không còn tệp {received.file_name} ở chỗ đã nhận.",
                detail=f"Nơi lấy tệp khi nhận: {received.source}. Hãy mở tệp từ thư điện tử hoặc thư mục đang lưu.",
            )
            return
        dialogs.open_in_system(path)

    def enter_file(self, received: ReceivedFile) -> None:
        """«Nhập tay…»: the wizard on the draft being typed for the file, or on a new one for the unit, kind and
        period chosen."""
        link = manual_link(self.store, received.id)
        if link is not None:
            draft_id, unit_id = link
        else:
            try:
                department = letters.department_profile(self.store)
            except KpdeskError as exc:
                operations.show_error(self, exc, what="Chưa nhập tay được.")
                return
            status = self.matrix.current_status()
            dialog = ManualStartDialog(
                received, self.records.units(), self.kinds, status.period if status else None, self, kind=self.kind()
            )
            self.manual_dialog = dialog
            if dialog.exec() != QDialog.DialogCode.Accepted or (chosen := dialog.chosen()) is None:
                return
            unit, kind, period = chosen
            try:
                draft_id = start_manual_draft(self.store, department, unit, kind, period)
                assert unit.id is not None
                set_manual_link(self.store, received.id, draft_id, unit.id)
            except KpdeskError as exc:
                operations.show_error(self, exc, what="Chưa tạo được bản nhập tay.")
                return
            unit_id = unit.id
        self.open_manual(received, draft_id, unit_id)

    def open_manual(self, received: ReceivedFile, draft_id: int, unit_id: int) -> None:
        from ui.wizard.wizard import WizardView

        try:
            stored = self.store.load(draft_id)
            kind = kind_of(stored.draft)
            unit = self.records.unit(unit_id)
        except KpdeskError as exc:
            operations.show_error(self, exc, what="Không mở được bản nhập tay.")
            return
        self.close_manual()
        wizard = WizardView(
            kind,
            stored.draft,
            saver=DraftWriter(self.store, stored.info.id),
            settings=self.settings,
            today=self.today,
            parent=self.stack,
        )
        view = ManualEntryView(received, unit, wizard, self.stack)
        wizard.close_requested.connect(self.close_manual)
        view.record_requested.connect(self.record_file)
        view.open_requested.connect(self.open_file)
        self.manual = view
        self.stack.addWidget(view)
        self.stack.setCurrentWidget(view)
        wizard.go_step(0)

    def close_manual(self) -> bool:
        """Save the draft being typed and go back to the matrix; False if it could not be saved."""
        view = self.manual
        if view is None:
            return True
        if not view.wizard.flush() and not dialogs.confirm(  # type: ignore[attr-defined]
            self, "Bản nhập tay chưa lưu được vào cơ sở dữ liệu. Vẫn đóng?", yes="Vẫn đóng", no="Ở lại"
        ):
            return False
        self.manual = None
        self.stack.setCurrentWidget(self.main)
        self.stack.removeWidget(view)
        view.deleteLater()
        self.refresh()
        self.show_tab(self.FILES_TAB if isinstance(view, ManualEntryView) else self.MATRIX_TAB)
        return True

    def record_file(self, received: ReceivedFile) -> None:
        """«Ghi nhận đã nhận»: the draft typed for the file becomes the unit's report (the core's `enter_manually`)."""
        link = manual_link(self.store, received.id)
        if link is None:
            dialogs.tell(
                self,
                f"Chưa nhập tay tệp {received.file_name}.",
                detail="Bấm «Nhập tay…» để gõ nội dung của tệp vào kpdesk trước, rồi «Ghi nhận đã nhận».",
            )
            return
        if self.manual is not None and self.manual.received.id == received.id and not self.manual.wizard.flush():  # type: ignore[attr-defined]
            dialogs.tell(self, "Bản nhập tay chưa lưu được; hãy thử lại sau giây lát.")
            return
        draft_id, unit_id = link
        records, store = self.records, self.store

        def work(progress: Any) -> Receipt:
            return enter_manually(records, received.id, store.load(draft_id).draft, unit=records.unit(unit_id))

        Op(
            self,
            work,
            label=f"Đang ghi nhận báo cáo nhập tay từ {received.file_name}…",
            error_what="Chưa ghi nhận được báo cáo nhập tay; bản nhập tay vẫn được giữ.",
        ).success(lambda receipt: self._recorded(received, receipt, unit_id)).run()

    def _recorded(self, received: ReceivedFile, receipt: Receipt, unit_id: int) -> None:
        set_manual_link(self.store, received.id, None)
        if self.manual is not None and self.manual.received.id == received.id:
            self.close_manual()
        self.refresh()
        if receipt.submission is not None:
            self.show_tab(self.MATRIX_TAB)
            self.select(unit_id, receipt.submission.period)
        self.say(receipt.window_line)
        dialogs.tell(self, "Đã ghi nhận báo cáo nhập tay.", detail=receipt.window_line)

    # -- closing ------------------------------------------------------------------------------
    def flush(self) -> bool:
        return self.manual.wizard.flush() if self.manual is not None else True  # type: ignore[attr-defined]

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt naming
        if not self.flush() and not dialogs.confirm(
            self, "Bản nhập tay chưa lưu được vào cơ sở dữ liệu. Vẫn thoát?", yes="Vẫn thoát", no="Ở lại"
        ):
            event.ignore()
            return
        self.settings.save_window("department", self)
        event.accept()
