"""The home: what the unit has still to send («Việc cần làm»), one click from the list of drafts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kpdesk.due import SOON_DAYS, DueItem, UnitDue, due_for_unit
from kpdesk.errors import KpdeskError
from kpdesk.store import Store, UnitProfile
from kpdesk.text import format_date
from ui.settings import Settings
from ui.widgets.common import (
    EMPTY,
    ERROR,
    FAIL,
    WARN,
    WARNING,
    heading_label,
    hint_label,
    menu_action,
    push_button,
    set_font,
    set_keys,
    set_shortcut,
    set_text_colour,
    status_pixmap,
)

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLineEdit, QMenuBar

    from kpdesk.kinds import KindBasics


class HomeWindow(Protocol):
    """What the home needs of the window it sits in (the main window; the home does not import it)."""

    store: Store
    today: dt.date | None

    def unit(self) -> UnitProfile | None: ...
    def listed_kind(self, kind_id: str) -> KindBasics: ...
    def show_home(self) -> None: ...
    def show_drafts(self) -> None: ...
    def menuBar(self) -> QMenuBar: ...  # noqa: N802 - Qt naming


class DraftList(Protocol):
    """What the views need of the list of drafts."""

    search: QLineEdit
    table: QWidget
    infos: list

    def refresh(self) -> None: ...


#: Where the window remembers which view was open last ("home" or "drafts").
VIEW_KEY = "main/view"
HOME_KEYS, DRAFTS_KEYS, FIND_KEYS = "Ctrl+1", "Ctrl+2", "Ctrl+F"


def status_text(due: UnitDue) -> str | None:
    """What the window says once at start when something is overdue or due within `SOON_DAYS` days, else None."""
    overdue, soon = due.overdue, due.soon
    if not overdue and not soon:
        return None
    parts = [f"{len(overdue)} báo cáo quá hạn"] if overdue else []
    if soon:
        parts.append(f"{len(soon)} báo cáo đến hạn trong {SOON_DAYS} ngày tới")
    first = (overdue or soon)[0]
    return (
        f"Cần làm: {' và '.join(parts)} — sớm nhất: {first.title} ({first.kind.short}), {first.when}. "
        f"Xem «Việc cần làm» ({HOME_KEYS})."
    )


class DueRow(QFrame):
    """One item: its state as an icon and in words, the line with the deadline, and «Soạn» or «Mở»."""

    def __init__(self, item: DueItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        box = QHBoxLayout(self)
        box.setContentsMargins(8, 4, 8, 4)
        state = FAIL if item.overdue else WARN if item.soon else EMPTY
        icon = QLabel(self)
        icon.setPixmap(status_pixmap(state, 18))
        icon.setFixedWidth(22)
        box.addWidget(icon)
        text = QVBoxLayout()
        text.setSpacing(0)
        self.line = QLabel(item.line, self)  # plain text, not selectable: see `HomePage`
        self.line.setWordWrap(True)
        set_keys(self.line, textFormat="PlainText")
        if item.overdue:
            set_text_colour(self.line, ERROR)
            set_font(self.line, bold=True)
        elif item.soon:
            set_text_colour(self.line, WARNING)
        text.addWidget(self.line)
        if item.draft_id is not None:
            self.note = hint_label(f"Đã có bản nháp (số {item.draft_id}), chưa xuất tệp Word.", self, selectable=False)
            text.addWidget(self.note)
        box.addLayout(text, 1)
        self.button = push_button(item.action, self)
        self.button.setMinimumWidth(96)
        self.button.setAutoDefault(True)  # Enter presses the button that has the keyboard, as Space does
        if item.draft_id is None:
            self.button.setToolTip(
                f"Tạo bản nháp {item.title} từ báo cáo kỳ trước (cùng hình thức, giữ các "
                "thông tin chung) rồi mở để soạn"
            )
        else:
            self.button.setToolTip(f"Mở bản nháp {item.title} để soạn tiếp")
        self.button.setAccessibleName(f"{item.action} {item.title}, {item.kind.short}")
        self.button.setAccessibleDescription(item.line)
        box.addWidget(self.button)  # a push button keeps its height: centred in the row


class HomePage(QWidget):
    """«Việc cần làm»: the unit's reports due or overdue, grouped by kind, most pressing first.

    Its lines are plain text that the mouse does not select, as in a list: the window shows the home at start, and
    a rich-text or selectable label is laid out as a text document (the rows' help, the buttons' tooltips and the
    list of drafts keep every word reachable)."""

    start_requested = Signal(object)  # a DueItem: make its draft (or find it) and open it
    open_requested = Signal(int)  # a draft id
    drafts_requested = Signal()
    new_requested = Signal()
    kinds_requested = Signal()  # the profile, on its page of report kinds
    profile_requested = Signal()  # the profile, entered for the first time

    def __init__(self, window: HomeWindow) -> None:
        """The page without its parts: they are made the first time it is shown (`_build`), so a start on the list
        of drafts makes none of them."""
        super().__init__(window)  # type: ignore[arg-type] # the window is a QMainWindow
        self.window_ = window
        self.due: UnitDue | None = None
        self.rows: list[DueRow] = []
        # what `refresh` found, not yet shown: the day, the unit's name (None without a profile), what is due, and
        # why that could not be worked out
        self._found: tuple[dt.date, str | None, UnitDue | None, str] | None = None
        self._built = False
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 12, 16, 8)

    def _build(self) -> None:
        """Make the page's parts (once): its heading, what is due, the empty state's buttons and the footer."""
        if self._built:
            return
        self._built = True
        box = self.layout()
        assert isinstance(box, QVBoxLayout)
        self.heading = heading_label("Việc cần làm", self)
        box.addWidget(self.heading)
        self.subtitle = hint_label("", self, selectable=False)
        box.addWidget(self.subtitle)
        self.problems = QLabel(self)
        self.problems.setWordWrap(True)
        set_text_colour(self.problems, ERROR)
        self.problems.hide()
        box.addWidget(self.problems)

        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.body = QWidget(self.scroll)
        self.body.setMaximumWidth(1040)  # the buttons stay near their lines on a wide screen
        self.groups = QVBoxLayout(self.body)
        self.groups.setContentsMargins(0, 4, 0, 4)
        self.scroll.setWidget(self.body)
        box.addWidget(self.scroll, 1)

        self.empty = QWidget(self)
        empty_box = QVBoxLayout(self.empty)
        empty_box.addStretch(1)
        self.empty_text = QLabel(self.empty)
        self.empty_text.setWordWrap(True)
        set_keys(self.empty_text, alignment="AlignCenter")
        set_font(self.empty_text, point_size=13)
        self.empty_text.setMargin(12)
        empty_box.addWidget(self.empty_text)
        self.empty_hint = hint_label("", self.empty, selectable=False)
        set_keys(self.empty_hint, alignment="AlignCenter")
        empty_box.addWidget(self.empty_hint)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.profile_button = push_button("Nhập thông tin đơn vị…", self.empty)
        self.profile_button.clicked.connect(self.profile_requested)
        self.drafts_button = push_button(f"Xem danh sách báo cáo ({DRAFTS_KEYS})", self.empty)
        self.drafts_button.clicked.connect(self.drafts_requested)
        self.kinds_button = push_button("Chọn các loại báo cáo định kỳ…", self.empty)
        self.kinds_button.clicked.connect(self.kinds_requested)
        self.new_button = push_button("Báo cáo mới… (Ctrl+N)", self.empty)
        self.new_button.clicked.connect(self.new_requested)
        for button in (self.profile_button, self.drafts_button, self.kinds_button, self.new_button):
            button.setAutoDefault(True)
            button.setMinimumHeight(32)
            buttons.addWidget(button)
        buttons.addStretch(1)
        empty_box.addLayout(buttons)
        empty_box.addStretch(2)
        self.empty.hide()  # until what is due is known: the frame at start shows no stray buttons
        box.addWidget(self.empty, 1)

        self.footer = hint_label(
            "Chỉ liệt kê các kỳ chưa xuất tệp Word, xa nhất một năm trở lại. Hạn theo mẫu báo cáo (ví dụ «trước ngày "
            "20 hằng tháng») hoặc theo ngày Sở đặt; thứ Bảy, Chủ nhật và ngày lễ không làm lùi hạn. "
            f"Danh sách mọi báo cáo: {DRAFTS_KEYS}.",
            self,
            selectable=False,
        )
        box.addWidget(self.footer)
        if self.isVisible():  # made in the show event, after Qt showed the children it had: these start shown
            for part in (self.heading, self.subtitle, self.scroll, self.footer):
                part.show()

    def today(self) -> dt.date:
        return self.window_.today or dt.date.today()

    def refresh(self) -> UnitDue | None:
        """Work out what is due for the officer's unit and show it; return it (None without a unit profile)."""
        unit = self.window_.unit()
        today = self.today()
        error = ""
        due = None
        if unit is not None:
            try:
                due = due_for_unit(self.window_.store, unit, today, kinds=self.window_.listed_kind)
            except KpdeskError as exc:
                error = f"Chưa tính được hạn báo cáo: {exc.message}"
        self.due = due
        self._found = (today, unit.full_name if unit else None, due, error)
        if not self.isHidden():  # on screen, or in a window about to show it; else when its tab is opened
            self._show_found()
        return due

    def _show_found(self) -> None:
        """Make the page's parts if need be, and show what `refresh` found: the home behind the list of drafts (the
        view open last) works out what is due, for the tab's count, and makes its parts and rows the first time it
        is shown."""
        self._build()
        if self._found is None:
            return
        (today, unit_name, due, error), self._found = self._found, None
        self.subtitle.setText(
            f"Hôm nay {format_date(today)}: các báo cáo đến hạn hoặc quá hạn mà đơn vị chưa xuất tệp Word."
        )
        self.heading.setText(f"Việc cần làm — Ủy ban nhân dân {unit_name}" if unit_name else "Việc cần làm")
        problems = ([error] if error else []) + list(due.problems if due else ())
        self.problems.setText("\n".join(f"✖ {p}" for p in problems))
        self.problems.setVisible(bool(problems))
        self._show_items(due)
        self._show_empty(unit_name is not None, due, failed=bool(error))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        self._show_found()  # the frame at start shows the heading and the footer, with what is due a moment later

    def _show_items(self, due: UnitDue | None) -> None:
        while self.groups.count():
            child = self.groups.takeAt(0)
            if child.widget() is not None:
                child.widget().deleteLater()
        self.rows = []
        for kind, items in due.by_kind() if due else ():
            title = QLabel(f"{kind.short} — {kind.name}", self.body)
            title.setWordWrap(True)
            set_keys(title, textFormat="PlainText")  # a kind's name is shown as written, whatever it holds
            set_font(title, bold=True)
            title.setContentsMargins(0, 8, 0, 2)
            self.groups.addWidget(title)
            for item in items:
                row = DueRow(item, self.body)
                row.button.clicked.connect(lambda _=False, i=item: self._act(i))
                self.groups.addWidget(row)
                self.rows.append(row)
        self.groups.addStretch(1)
        self.scroll.setVisible(bool(self.rows))

    def _show_empty(self, has_unit: bool, due: UnitDue | None, *, failed: bool) -> None:
        self.empty.setVisible(not self.rows)
        self.profile_button.setVisible(not has_unit)
        self.kinds_button.setVisible(has_unit and not (due and due.kinds))
        self.new_button.setVisible(has_unit)
        if self.rows:
            return
        if not has_unit:
            text = "Chưa có thông tin đơn vị."
            hint = "Hãy nhập thông tin đơn vị (tên, người ký, các loại báo cáo định kỳ) để biết báo cáo nào đến hạn."
        elif failed:
            text, hint = "Chưa tính được hạn báo cáo.", "Danh sách báo cáo vẫn mở được."
        elif due is None or not due.kinds:
            text = "Chưa biết đơn vị làm những loại báo cáo nào."
            hint = (
                "Hãy đánh dấu các loại báo cáo định kỳ của đơn vị (nút bên dưới), hoặc soạn một báo cáo: kpdesk "
                "sẽ nhắc các kỳ đến hạn của những loại đó."
            )
        else:
            text = "Không có báo cáo nào đến hạn hay quá hạn."
            hint = (
                "Đã xuất tệp Word cho mọi kỳ đến hạn của: "
                + "; ".join(f"{k.short} ({k.name})" for k in due.kinds)
                + "."
            )
        self.empty_text.setText(text)
        self.empty_hint.setText(hint)

    def _act(self, item: DueItem) -> None:
        if item.draft_id is not None:
            self.open_requested.emit(int(item.draft_id))
        else:
            self.start_requested.emit(item)

    def focus_first(self) -> None:
        """Give the keyboard to the first item's button (or to the first button of an empty home)."""
        self._show_found()  # chosen before its window is shown: made now
        if self.rows:
            self.rows[0].button.setFocus()
        else:
            (self.profile_button if self.profile_button.isVisibleTo(self) else self.drafts_button).setFocus()


class MainViews(QTabWidget):
    """The home and the list of drafts as two tabs; the one open last is opened again."""

    HOME, DRAFTS = 0, 1

    def __init__(
        self, home: HomePage, make_drafts: Callable[[], DraftList], settings: Settings, parent: QWidget | None = None
    ) -> None:
        """`make_drafts` makes the list of drafts when it is first needed (see `drafts`)."""
        super().__init__(parent)
        self.home, self.settings = home, settings
        self._make_drafts, self._drafts = make_drafts, None
        self._drafts_tab = QWidget(self)  # holds the list once made
        drafts_box = QVBoxLayout(self._drafts_tab)
        drafts_box.setContentsMargins(0, 0, 0, 0)
        self.setDocumentMode(True)
        self.addTab(home, "Việc cần làm")
        self.addTab(self._drafts_tab, "Danh sách báo cáo")
        self.setTabToolTip(self.HOME, f"Các báo cáo đến hạn và quá hạn ({HOME_KEYS})")
        self.setTabToolTip(self.DRAFTS, f"Mọi bản nháp của đơn vị, tìm kiếm và thùng rác ({DRAFTS_KEYS})")
        if str(settings.q.value(VIEW_KEY, "home")) == "drafts":
            self.setCurrentIndex(self.DRAFTS)
        self.currentChanged.connect(self._changed)
        # Ctrl+F finds a draft from either view: it opens the list at its search box
        find = QShortcut(self)
        set_shortcut(find, FIND_KEYS)
        set_keys(find, context="WidgetWithChildrenShortcut")
        find.activated.connect(self.find)

    @property
    def drafts(self) -> DraftList:
        """The list of drafts in its tab, made now if this is the first time it is needed: a start on the home
        does not make the other tab's table, filters and buttons."""
        if self._drafts is None:
            self._drafts = self._make_drafts()
            self._drafts_tab.layout().addWidget(self._drafts)  # type: ignore[arg-type] # a QWidget
            if self._drafts_tab.isVisible():  # its tab is open: shown now, not at the next turn of the loop
                self._drafts.show()  # type: ignore[attr-defined]
        return self._drafts

    @property
    def drafts_made(self) -> bool:
        return self._drafts is not None

    def _changed(self, index: int) -> None:
        self.settings.q.setValue(VIEW_KEY, "drafts" if index == self.DRAFTS else "home")
        if index == self.HOME:
            self.home.refresh()
        else:
            self.drafts.refresh()
        self.show_count()

    def refresh_home(self) -> None:
        """Work out again what is due (after a draft was closed, the profile saved, a file imported)."""
        self.home.refresh()
        self.show_count()

    def show_count(self) -> None:
        """Show on the home's tab how many reports are due ("Việc cần làm (3)")."""
        due = self.home.due
        count = len(due.items) if due else 0
        self.setTabText(self.HOME, f"Việc cần làm ({count})" if count else "Việc cần làm")

    def show_home(self) -> None:
        self.setCurrentIndex(self.HOME)
        self.home.focus_first()

    def show_drafts(self) -> None:
        self.setCurrentIndex(self.DRAFTS)
        (self.drafts.table if self.drafts.infos else self.drafts.search).setFocus()

    def find(self) -> None:
        self.setCurrentIndex(self.DRAFTS)
        self.drafts.search.setFocus()
        self.drafts.search.selectAll()

    def focus_current(self) -> None:
        if self.currentIndex() == self.HOME:
            self.home.focus_first()
        else:
            self.show_drafts()


def view_menu(window: HomeWindow) -> tuple[QAction, QAction]:
    """Add the «Xem» menu (after «Tệp») with the two views and their keys; return its two actions."""
    bar = window.menuBar()
    # no Alt letter: X is «Xóa» on the list and «Xuất Word…» in the wizard, E is «Tiếp theo», M is «Báo cáo mới…»
    menu = QMenu("Xem", bar)
    actions = bar.actions()
    if len(actions) > 1:  # second, after «Tệp»
        bar.insertMenu(actions[1], menu)
    else:
        bar.addMenu(menu)
    out = []
    for text, keys, tip, slot in (
        ("&Việc cần làm", HOME_KEYS, "Các báo cáo đến hạn và quá hạn", window.show_home),
        ("&Danh sách báo cáo", DRAFTS_KEYS, "Mọi bản nháp của đơn vị", window.show_drafts),
    ):
        out.append(menu_action(bar, menu, text, slot, keys, tip))
    return out[0], out[1]
