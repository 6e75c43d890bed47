"""The status matrix: units (rows) by periods (columns), each cell its state in words and colour."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from kpdesk import vn
from kpdesk.department.records import ACCEPTED, PROBLEMS, RETURNED
from kpdesk.department.status import LATE, MISSING, ON_TIME, Row, Status
from kpdesk.department.unitlist import fold
from kpdesk.draft import Period
from ui.widgets.common import set_colour

#: How each state reads in a cell (the words come first: colour is never the only sign).
MARK_ERRORS, MARK_EDITED, MARK_PROBLEMS = "✖", "✎", "⚑"
OVERDUE, NOT_DUE = "overdue", "not_due"
BACKGROUND = {
    ON_TIME: "#dcefdf",
    LATE: "#fde3b5",
    OVERDUE: "#f6d0cc",
    NOT_DUE: "#ffffff",
    RETURNED: "#e2daf4",
    ACCEPTED: "#b9e0c2",
}
NOT_EXPECTED = "—"
LEGEND = (
    f"✓ đúng hạn (✓ đã nhận: kỳ chưa đặt hạn) · muộn N: gửi muộn N ngày · ✗ chưa gửi, đã quá hạn · ○ chưa gửi, "
    f"chưa đến hạn · ↩ đã trả lại để sửa · ★ đã chấp nhận · {MARK_ERRORS} có lỗi · {MARK_EDITED} văn bản bị sửa "
    f"sau khi xuất · {MARK_PROBLEMS} Sở đánh dấu có vấn đề · {NOT_EXPECTED} đơn vị không có trong kỳ (theo ngày "
    f"hiệu lực)"
)


def period_header(period: Period) -> str:
    """A column's header: "T5/2026", "6 tháng đầu\\n2026", "Năm\\n2026"."""
    if period.type == "month":
        return f"T{period.month}/{period.year}"
    if period.type == "half":
        return f"6 tháng {'đầu' if period.half == 1 else 'cuối'}\n{period.year}"
    return f"Năm\n{period.year}"


def colour_key(row: Row) -> str:
    """Which colour a cell has: its state, a missing report split into overdue and not yet due."""
    if row.state == MISSING:
        return OVERDUE if row.late else NOT_DUE
    return row.state


def cell_text(row: Row) -> str:
    """The state of `row` in a few words, with a mark for errors and for a document edited after export."""
    state = row.state
    if state == ON_TIME:
        text = "✓ đúng hạn" if row.deadline is not None else "✓ đã nhận"  # no deadline: nothing to be on time for
    elif state == LATE:
        text = f"muộn {row.days_late}"
    elif state == MISSING:
        text = "✗ chưa gửi" if row.late else "○ chưa gửi"
    elif state == RETURNED:
        text = "↩ trả lại"
    else:
        text = "★ chấp nhận"
    s = row.summary
    # warnings are in the tooltip only: most are the report's own date past the deadline, which the cell already says
    marks = (
        ""
        if s is None
        else (
            (MARK_PROBLEMS if s.state == PROBLEMS else "")
            + (MARK_ERRORS if s.errors else "")
            + (MARK_EDITED if s.edited else "")
        )
    )
    return f"{text} {marks}" if marks else text


def cell_tip(row: Row) -> str:
    """The cell's tooltip: the unit, the period, the state in full words and what needs a look."""
    lines = [f"{row.name} — {row.period.label}", row.label[:1].upper() + row.label[1:]]
    if row.summary is not None:
        lines.append(f"Nhận ngày {vn.format_date(row.summary.received_on)}")
    if row.flags:
        lines.append("Cần xem: " + "; ".join(row.flags))
    if row.deadline is not None:
        lines.append(f"Hạn gửi: {row.deadline.text}")
    return "\n".join(lines)


def row_key(row: Row) -> tuple[str, str]:
    """The matrix row a status row belongs to: a listed unit by its id, a sender not on the list by its name."""
    if row.unit is not None:
        return ("unit", str(row.unit.id))
    return ("sender", fold(row.sender))


class StatusMatrix(QTableWidget):
    """Units × periods; `current_changed` fires when another cell is chosen (click, arrow keys)."""

    current_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 0, parent)
        self.setAccessibleName("Tình hình gửi báo cáo: mỗi dòng một đơn vị, mỗi cột một kỳ")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setWordWrap(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # the chosen cell stands out from the states' colours, in a window in front or not
        set_colour(self, "#1f5fa8", QPalette.ColorRole.Highlight)
        set_colour(self, "white", QPalette.ColorRole.HighlightedText)
        rows = self.verticalHeader()
        rows.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 12)
        columns = self.horizontalHeader()
        columns.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        columns.setDefaultSectionSize(self.fontMetrics().horizontalAdvance(f"★ chấp nhận {MARK_ERRORS}") + 12)
        columns.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.statuses: list[Status] = []
        self.keys: list[tuple[str, str]] = []
        self.cells: dict[tuple[int, int], Row] = {}
        self.currentCellChanged.connect(lambda *_: self.current_changed.emit())

    def show_statuses(self, statuses: Sequence[Status]) -> None:
        """Show one column per status (oldest first), one row per unit listed in any of them, then the senders not
        on the list; the chosen cell stays chosen when its unit and period are still shown."""
        old = self.current_row()
        old_key = row_key(old) if old is not None else None
        old_period = old.period if old is not None else None
        self.statuses = list(statuses)
        titles: dict[tuple[str, str], tuple[str, str]] = {}
        listed: list[tuple[str, tuple[str, str]]] = []
        unlisted: list[tuple[str, tuple[str, str]]] = []
        self.cells = {}
        by_key: dict[tuple[tuple[str, str], int], Row] = {}
        for column, status in enumerate(self.statuses):
            for r in status.rows:
                key = row_key(r)
                by_key[(key, column)] = r
                if key in titles:
                    continue
                if r.unit is not None:
                    u = r.unit
                    titles[key] = (u.title, f"{u.title}\nMã đơn vị: {u.code}" + (f"\n{u.email}" if u.email else ""))
                    listed.append((u.code, key))
                else:
                    titles[key] = (
                        f"{r.name} (ngoài danh sách)",
                        f"«{r.sender}» chưa có trong danh sách đơn vị của Sở.\nChọn ô rồi bấm «Ghép với "
                        "đơn vị…» nếu đây là một đơn vị trong danh sách gõ sai tên.",
                    )
                    unlisted.append((fold(r.sender), key))
        self.keys = [k for _, k in sorted(listed)] + [k for _, k in sorted(unlisted)]
        self.blockSignals(True)
        self.clear()
        self.setRowCount(len(self.keys))
        self.setColumnCount(len(self.statuses))
        for column, status in enumerate(self.statuses):
            head = QTableWidgetItem(period_header(status.period))
            head.setToolTip(status.headline)
            self.setHorizontalHeaderItem(column, head)
        bold = QFont(self.font())
        for index, key in enumerate(self.keys):
            title, tip = titles[key]
            head = QTableWidgetItem(title)
            head.setToolTip(tip)
            self.setVerticalHeaderItem(index, head)
            for column in range(len(self.statuses)):
                r = by_key.get((key, column))
                item = QTableWidgetItem()
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if r is None:
                    item.setText(NOT_EXPECTED)
                    period = self.statuses[column].period.label
                    item.setToolTip(
                        f"{title}: không có trong kỳ {period} (theo ngày hiệu lực trong danh sách đơn vị)."
                        if key[0] == "unit"
                        else f"Không có báo cáo {period} nào gửi dưới tên này."
                    )
                    item.setForeground(QBrush(QColor("#8a949e")))
                else:
                    self.cells[(index, column)] = r
                    item.setText(cell_text(r))
                    item.setToolTip(cell_tip(r))
                    item.setBackground(QBrush(QColor(BACKGROUND[colour_key(r)])))
                    item.setForeground(QBrush(QColor("#1b1f23" if colour_key(r) != NOT_DUE else "#505a64")))
                    if r.state == MISSING and r.late or r.summary is not None and r.summary.errors:
                        item.setFont(bold)
                self.setItem(index, column, item)
        self.blockSignals(False)
        if self.keys and self.statuses:
            row = self.keys.index(old_key) if old_key in self.keys else 0
            column = next((c for c, s in enumerate(self.statuses) if s.period == old_period), len(self.statuses) - 1)
            self.setCurrentCell(row, column)
            self.scrollToItem(self.item(row, column))
        self.current_changed.emit()

    def current_row(self) -> Row | None:
        """The status row of the chosen cell (None for an empty cell or none chosen)."""
        return self.cells.get((self.currentRow(), self.currentColumn()))

    def current_status(self) -> Status | None:
        """The status of the chosen cell's period (the last period when none is chosen)."""
        column = self.currentColumn()
        if 0 <= column < len(self.statuses):
            return self.statuses[column]
        return self.statuses[-1] if self.statuses else None

    def select(self, row: Row | None = None, *, unit_id: int | None = None, period: Period | None = None) -> bool:
        """Choose the cell of `row` (or of a unit and period); False when it is not shown."""
        key = row_key(row) if row is not None else ("unit", str(unit_id))
        period = row.period if row is not None else period
        column = next((c for c, s in enumerate(self.statuses) if s.period == period), -1)
        if key not in self.keys or column < 0:
            return False
        self.setCurrentCell(self.keys.index(key), column)
        return True
