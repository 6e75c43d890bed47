"""«Nhận báo cáo»: the files and folders to receive, the day of receipt, and one line per file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kpdesk.department.intake import (
    DUPLICATE,
    NEW_VERSION,
    NOT_KPDESK,
    OUTCOME_LABELS,
    RECEIVED,
    REFUSED,
    Receipt,
    collect,
    receive,
)
from kpdesk.department.records import Records
from ui import dialogs, operations
from ui.department.dialogs import InputError, date_editor, error_label, read_date, show_message
from ui.operations import Op
from ui.widgets.common import DONE, FAIL, WARN, WrapDelegate, heading_label, hint_label, status_icon

#: How each outcome of a received file shows in the list (an icon beside the words, never the icon alone).
OUTCOME_STATES = {RECEIVED: DONE, NEW_VERSION: DONE, DUPLICATE: "empty", NOT_KPDESK: WARN, REFUSED: FAIL}


def open_paths(parent: QWidget | None, caption: str, folder: Path, filters: str) -> list[Path]:
    """Ask for one or more files; [] when the officer cancels."""
    names, _ = QFileDialog.getOpenFileNames(parent, caption, str(folder), filters)
    return [Path(n) for n in names]


def receive_work(records: Records, paths: Sequence[Path], day: dt.date) -> Callable[[Any], list[Receipt]]:
    """The intake of `paths` as work for `Op`: the core's `receive`, file by file so that progress shows."""

    def work(progress: Any) -> list[Receipt]:
        files, receipts = collect(paths)
        for i, path in enumerate(files):
            progress(f"Đang nhận {path.name} ({i + 1}/{len(files)})…", i / max(1, len(files)))
            receipts += receive(records, [path], received_on=day)
        return receipts

    return work


def receipt_summary(receipts: Sequence[Receipt]) -> str:
    """ "45 tệp — đã nhận: 40, bản mới: 1, trùng, bỏ qua: 1 …"."""
    if not receipts:
        return "Không có tệp .docx nào để nhận."
    counts: dict[str, int] = {}
    for r in receipts:
        counts[r.outcome] = counts.get(r.outcome, 0) + 1
    return f"{len(receipts)} tệp — " + ", ".join(f"{OUTCOME_LABELS[o]}: {n}" for o, n in counts.items()) + "."


class ReceiveDialog(QDialog):
    """«Nhận báo cáo»: the files and folders to receive (chosen, or dropped), the day of receipt, then one line per
    file with what became of it."""

    def __init__(
        self,
        records: Records,
        parent: QWidget | None = None,
        *,
        paths: Sequence[Path] = (),
        today: dt.date | None = None,
        folder: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.records = records
        self.folder = folder or Path.home()
        self.receipts: list[Receipt] = []
        self.setWindowTitle("Nhận báo cáo — kpdesk")
        self.setAcceptDrops(True)
        self.resize(900, 600)
        box = QVBoxLayout(self)
        box.addWidget(heading_label("Nhận báo cáo của xã, phường", self))
        box.addWidget(
            hint_label(
                "Chọn các tệp Word (.docx) xã, phường gửi về, hoặc cả thư mục (kể cả thư mục con); "
                "cũng có thể kéo thả tệp, thư mục vào đây. Mỗi tệp được đọc, kiểm tra và ghi nhận "
                "một lần: gửi lại cùng tệp không bị tính hai lần.",
                self,
            )
        )
        picked = QLabel("&Tệp và thư mục sẽ nhận:", self)
        box.addWidget(picked)
        self.paths = QListWidget(self)
        self.paths.setAccessibleName("Tệp và thư mục sẽ nhận")
        self.paths.setMaximumHeight(130)
        picked.setBuddy(self.paths)
        box.addWidget(self.paths)
        row = QHBoxLayout()
        self.add_files = QPushButton("Thêm tệp…", self)
        self.add_folder = QPushButton("Thêm thư &mục…", self)
        self.remove = QPushButton("Bỏ khỏi danh sác&h", self)
        for b in (self.add_files, self.add_folder, self.remove):
            b.setAutoDefault(False)
            row.addWidget(b)
        row.addStretch(1)
        day_label = QLabel("Ngà&y nhận:", self)
        self.day = date_editor("Ngày nhận", self, today or dt.date.today())
        self.day.setToolTip("Ngày Sở nhận các báo cáo này (để tính gửi đúng hạn hay muộn)")
        day_label.setBuddy(self.day.focus_target())
        row.addWidget(day_label)
        row.addWidget(self.day)
        box.addLayout(row)
        self.error = error_label(self)
        box.addWidget(self.error)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.summary)
        results = QLabel("&Kết quả, mỗi tệp một dòng:", self)
        box.addWidget(results)
        self.results = QListWidget(self)
        WrapDelegate(self.results)
        self.results.setAccessibleName("Kết quả nhận báo cáo, mỗi tệp một dòng")
        self.results.setIconSize(QSize(16, 16))
        results.setBuddy(self.results)
        box.addWidget(self.results, 1)
        buttons = QDialogButtonBox(self)
        self.receive_button = buttons.addButton("Nhận &báo cáo", QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = buttons.addButton("Đóng", QDialogButtonBox.ButtonRole.RejectRole)
        self.receive_button.setDefault(True)
        buttons.rejected.connect(self.reject)
        self.receive_button.clicked.connect(self.start)
        box.addWidget(buttons)
        self.add_files.clicked.connect(self.choose_files)
        self.add_folder.clicked.connect(self.choose_folder)
        self.remove.clicked.connect(self.remove_current)
        self.add_paths(paths)
        self.receive_button.setFocus()

    def chosen(self) -> list[Path]:
        return [Path(self.paths.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.paths.count())]

    def add_paths(self, paths: Sequence[Path]) -> None:
        have = set(self.chosen())
        for path in paths:
            if path in have:
                continue
            have.add(path)
            item = QListWidgetItem(f"{path}{' (thư mục)' if path.is_dir() else ''}")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.paths.addItem(item)
        self.receive_button.setEnabled(self.paths.count() > 0)

    def choose_files(self) -> None:
        found = open_paths(self, "Chọn báo cáo (.docx) xã, phường gửi về", self.folder, "Báo cáo Word (*.docx)")
        if found:
            self.folder = found[0].parent
            self.add_paths(found)

    def choose_folder(self) -> None:
        folder = dialogs.choose_folder(self, "Chọn thư mục chứa báo cáo xã, phường gửi về", self.folder)
        if folder is not None:
            self.folder = folder
            self.add_paths([folder])

    def remove_current(self) -> None:
        row = self.paths.currentRow()
        if row >= 0:
            self.paths.takeItem(row)
        self.receive_button.setEnabled(self.paths.count() > 0)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt naming
        if dropped_paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt naming
        paths = dropped_paths(event)
        if paths:
            self.add_paths(paths)
            event.acceptProposedAction()

    def start(self) -> None:
        """Receive the chosen files off the UI thread; the lines show when it is done."""
        paths = self.chosen()
        if not paths:
            show_message(self.error, "Chưa chọn tệp hay thư mục nào: bấm «Thêm tệp…» hoặc «Thêm thư mục…».")
            return
        try:
            day = read_date(self.day, "Ngày nhận") or dt.date.today()
        except InputError as exc:
            show_message(self.error, str(exc))
            self.day.focus_target().setFocus()
            return
        self.error.hide()
        self.receive_button.setEnabled(False)
        Op(
            self,
            receive_work(self.records, paths, day),
            label="Đang nhận báo cáo…",
            error_what="Chưa nhận xong các báo cáo; những tệp đã nhận vẫn được giữ.",
        ).success(self.show_receipts).failure(self._failed).run()

    def _failed(self, exc: BaseException) -> None:
        self.receive_button.setEnabled(True)
        operations.show_error(self, exc, what="Chưa nhận xong các báo cáo; những tệp đã nhận vẫn được giữ.")

    def show_receipts(self, receipts: list[Receipt]) -> None:
        self.receipts += receipts
        self.paths.clear()
        for r in receipts:
            item = QListWidgetItem(status_icon(OUTCOME_STATES[r.outcome], 16), r.window_line)
            item.setToolTip(str(r.path))
            item.setData(Qt.ItemDataRole.UserRole, r)
            self.results.addItem(item)
        self.summary.setText(receipt_summary(receipts))
        self.receive_button.setEnabled(False)
        self.close_button.setDefault(True)
        self.close_button.setFocus()


def dropped_paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    """The local files and folders being dragged in (nothing else is taken)."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile() and u.toLocalFile()]
