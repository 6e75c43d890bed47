"""The last step: the whole report as it will print, the problems left, «Xuất Word», «Xuất PDF» and «In»."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kpdesk.errors import KpdeskError
from kpdesk.render import build_layout
from ui.widgets.common import DONE, ERROR, FAIL, HINT, OK, WARN, WARNING, heading_label, set_text_colour
from ui.wizard.preview import PagedPreview
from ui.wizard.session import DraftSession


class ReviewStep(QWidget):
    """Preview (written from the same layout as the .docx) and the buttons that export or print it, blocked while
    errors remain."""

    SECTION = "_review"
    TITLE = "Xem lại, xuất và in"

    export_requested = Signal()
    export_pdf_requested = Signal()
    print_requested = Signal()

    def __init__(self, session: DraftSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        box = QVBoxLayout(self)
        box.setContentsMargins(20, 14, 24, 12)
        box.addWidget(heading_label(self.TITLE, self))
        line = QHBoxLayout()
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        line.addWidget(self.summary, 1)
        self.export_button = QPushButton("&Xuất Word…", self)
        self.export_button.setToolTip("Ghi báo cáo ra tệp Word (.docx) đúng thể thức Nghị định 30 (Ctrl+E)")
        self.export_button.setMinimumHeight(34)
        self.export_button.setAutoDefault(True)
        font = self.export_button.font()
        font.setBold(True)
        self.export_button.setFont(font)
        self.export_button.clicked.connect(self.export_requested)
        self.pdf_button = QPushButton("Xuất &PDF…", self)
        self.pdf_button.setToolTip(
            "Ghi báo cáo ra tệp PDF, dạng văn bản điện tử gửi qua hệ thống văn phòng điện tử hoặc để ký số"
        )
        self.print_button = QPushButton("&In…", self)
        self.print_button.setToolTip("In báo cáo ra giấy để ký, đóng dấu (Ctrl+P)")
        for button in (self.pdf_button, self.print_button):
            button.setMinimumHeight(34)
            button.setAutoDefault(True)
        self.pdf_button.clicked.connect(self.export_pdf_requested)
        self.print_button.clicked.connect(self.print_requested)
        for button in (self.export_button, self.pdf_button, self.print_button):
            line.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        box.addLayout(line)
        self.caption = QLabel(self)
        self.caption.setWordWrap(True)
        set_text_colour(self.caption, HINT)
        box.addWidget(self.caption)
        self.preview = PagedPreview(self)
        self.preview.setAccessibleName("Bản xem trước của báo cáo, từng trang A4")
        self.caption.setBuddy(self.preview)
        box.addWidget(self.preview, 1)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(250)
        self.timer.timeout.connect(self.update_preview)
        self._shown_draft = None

    def refresh(self) -> None:
        errors, warnings = self.session.errors, self.session.warnings
        if errors:
            text = (
                f'<span style="color:{ERROR}"><b>Còn {len(errors)} lỗi phải sửa trước khi xuất.</b></span> '
                "Bấm vào từng dòng ở khung «Cần xem lại» bên phải để đến đúng chỗ cần sửa."
            )
        elif warnings:
            text = (
                f'<span style="color:{WARNING}"><b>Không còn lỗi; còn {len(warnings)} cảnh báo.</b></span> '
                "Hãy đọc lại các cảnh báo; vẫn có thể xuất nếu nội dung đã đúng."
            )
        else:
            text = f'<span style="color:{OK}"><b>Không còn lỗi hay cảnh báo nào.</b></span> Có thể xuất báo cáo.'
        self.summary.setText(text)
        for button in (self.export_button, self.pdf_button, self.print_button):
            button.setEnabled(not errors)
        if self.isVisible():
            self.timer.start()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        self.update_preview()

    def update_preview(self) -> None:
        draft = self.session.draft
        if draft is self._shown_draft:
            return
        self._shown_draft = draft
        scroll = self.preview.verticalScrollBar().value()
        try:
            self.preview.show_layout(build_layout(self.session.kind, draft, self.session.derived))
        except KpdeskError as exc:
            self.preview.setHtml(f'<p style="color:{ERROR}">Chưa tạo được bản xem trước: {exc.message}</p>')
        pages = self.preview.page_count()
        self.caption.setText(
            f"&Bản xem trước: khoảng {pages} trang A4 (nội dung giống hệt tệp Word; chỗ ngắt trang "
            "có thể lệch đôi chút). Cuộn để xem hết; số trang in ở đầu trang từ trang 2."
        )
        self.preview.verticalScrollBar().setValue(scroll)

    def focus_field(self, field_id: str, row: int | None = None) -> bool:
        return False

    def first_focus(self) -> QWidget | None:
        return self.export_button if self.export_button.isEnabled() else self.preview

    def state(self) -> str:
        if self.session.errors:
            return FAIL
        return WARN if self.session.warnings else DONE
