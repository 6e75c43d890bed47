"""PDF without Word or LibreOffice (Qt's PDF writer, fed the preview's pages), and printing the report."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from html import escape  # not xml.sax.saxutils: it imports urllib.request, left out of the bundle
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QRectF, Qt, qVersion
from PySide6.QtGui import (
    QGuiApplication,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from kpdesk import pdf
from kpdesk.compute import compute
from kpdesk.draft import Draft
from kpdesk.errors import RenderError
from kpdesk.kinds import Kind, kind_of
from kpdesk.render import build_layout, default_filename, draft_from_docx, render_to_file
from ui.operations import Op
from ui.qt_words import QT_WORDS, VietnameseQt
from ui.wizard.preview import page_geometry, paged_document

#: The fallback converter's name in «Đã tạo PDF bằng …».
QT_PDF = "trình tạo PDF dự phòng của kpdesk"

#: The Qt print dialog's own words (Linux and macOS; on Windows the dialog is the system's, in its language).
PRINT_WORDS: dict[str, str] = {
    "Print": "In",
    "&Print": "&In",
    "&Options >>": "&Tùy chọn >>",
    "&Options <<": "&Tùy chọn <<",
    "Print to File (PDF)": "In ra tệp (PDF)",
    "Local file": "Tệp trên máy",
    "Write PDF file": "Ghi tệp PDF",
    "All Pages": "Mọi trang",
    "Odd Pages": "Trang lẻ",
    "Even Pages": "Trang chẵn",
    "Printer": "Máy in",
    "&Name:": "&Tên:",
    "P&roperties": "&Thuộc tính",
    "Location:": "Vị trí:",
    "Type:": "Loại:",
    "Output &file:": "&Tệp ghi ra:",
    "Preview": "Xem trước",
    "Copies": "Số bản",
    "Copies:": "Số bản:",
    "Collate": "Xếp theo bộ",
    "Reverse": "In ngược thứ tự",
    "Options": "Tùy chọn",
    "Output Settings": "Thiết lập in",
    "Print range": "Phạm vi in",
    "Print all": "In tất cả",
    "Pages from": "Từ trang",
    "to": "đến",
    "Pages": "Các trang",
    "Current Page": "Trang hiện tại",
    "Selection": "Phần đã chọn",
    "Page &Set:": "&Nhóm trang:",
    "Color Mode": "Màu",
    "Color": "Màu",
    "Grayscale": "Đen trắng",
    "Double Sided Printing": "In hai mặt",
    "Off": "Tắt",
    "Long side binding": "Lật theo cạnh dài",
    "Short side binding": "Lật theo cạnh ngắn",
    (
        "Specify pages or ranges separated by commas. Ranges are specified by two numbers separated by a hyphen. "
        "E.g: 3,5-7,9 prints pages 3, 5, 6, 7 and 9."
    ): (
        "Ghi các trang hoặc khoảng trang, cách nhau bằng dấu phẩy; khoảng trang là hai số nối bằng dấu gạch "
        "ngang. Ví dụ: 3,5-7,9 in các trang 3, 5, 6, 7 và 9."
    ),
    "Printer Properties": "Thuộc tính máy in",
    "Job Options": "Tùy chọn lệnh in",
    "Page Setup": "Trang in",
    "Advanced": "Nâng cao",
    "Paper": "Giấy",
    "Page size:": "Khổ giấy:",
    "Width:": "Rộng:",
    "Height:": "Cao:",
    "Paper source:": "Khay giấy:",
    "Orientation": "Hướng giấy",
    "Portrait": "Dọc",
    "Landscape": "Ngang",
    "Reverse landscape": "Ngang, lật ngược",
    "Reverse portrait": "Dọc, lật ngược",
    "Margins": "Lề",
    "top margin": "lề trên",
    "bottom margin": "lề dưới",
    "left margin": "lề trái",
    "right margin": "lề phải",
    "Page Layout": "Bố cục trang",
    "Pages &per sheet:": "Số trang trên một &tờ:",
    "Page &order:": "&Thứ tự trang:",
    "Millimeters (mm)": "Milimét (mm)",
    "Custom": "Tùy chỉnh",
}
#: The Qt classes whose texts PRINT_WORDS translates (a word such as "Color" is left alone elsewhere).
PRINT_CONTEXTS = frozenset(
    {
        "QPrintDialog",
        "QPrintSettingsOutput",
        "QPrintWidget",
        "QPrintPropertiesDialog",
        "QPrintPropertiesWidget",
        "QPageSetupWidget",
        "QPageSetupDialog",
        "QUnixPrintWidget",
        "QAbstractPrintDialog",
    }
)


class VietnamesePrint(VietnameseQt):
    """The app's Vietnamese Qt words, and those of the print dialog."""

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        if context in PRINT_CONTEXTS and source in PRINT_WORDS:
            return PRINT_WORDS[source]
        return QT_WORDS.get(source, source)


def install_print_words() -> None:
    """Install the print dialog's Vietnamese words in the running application (once)."""
    app = QApplication.instance()
    if app is None or getattr(app, "_kpdesk_print_words", None) is not None:
        return
    translator = VietnamesePrint(app)
    app.installTranslator(translator)
    app._kpdesk_print_words = translator  # type: ignore[attr-defined]


# ----------------------------------------------------------------------------- the preview's pages


def layout(kind: Kind, draft: Draft, derived: dict[str, Any] | None = None) -> QTextDocument:
    """The report on A4 pages exactly as the preview lays it out (the same layout as the .docx, in Qt's pages)."""
    from kpdesk.render.html import layout_html

    doc_layout = build_layout(kind, draft, derived)
    return paged_document(layout_html(doc_layout), doc_layout.page)


def layout_from_docx(docx: Path) -> QTextDocument:
    """The preview's pages for a .docx made by kpdesk, from the draft it carries."""
    draft = draft_from_docx(Path(docx))
    return layout(kind_of(draft), draft)


def paint_pages(device: QPagedPaintDevice, document: QTextDocument, pages: Iterable[int] | None = None) -> int:
    """Paint `document`'s pages (0-based; all by default) on `device`, one sheet each, with the page number
    centred in the top margin from page 2 on as the .docx has it (and as the preview paints it); return the count.
    The device's page must be the whole A4 sheet (no margins of its own)."""
    size, margins = page_geometry()
    painter = QPainter()
    if not painter.begin(device):
        raise RenderError(
            "Không mở được máy in hoặc tệp PDF để ghi. Hãy kiểm tra máy in (hoặc thư mục lưu) rồi thử lại."
        )
    count = 0
    try:
        scale = device.width() / size.width()
        for index in range(document.pageCount()) if pages is None else pages:
            if count:
                device.newPage()
            if index:  # in the device's own units: its fonts are sized for its resolution
                painter.setFont(document.defaultFont())
                painter.setPen(Qt.GlobalColor.black)
                painter.drawText(
                    QRectF(0, 0, device.width(), margins[1] * scale), Qt.AlignmentFlag.AlignCenter, str(index + 1)
                )
            painter.save()
            painter.scale(scale, scale)
            painter.translate(QPointF(0, -index * size.height()))
            document.drawContents(painter, QRectF(0, index * size.height(), size.width(), size.height()))
            painter.restore()
            count += 1
    finally:
        painter.end()
    return count


def _a4(device: QPagedPaintDevice) -> None:
    device.setPageLayout(
        QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
    )


def _xmp(info: pdf.DocInfo) -> bytes:
    """The XMP packet: the same title, author and subject as the document information dictionary."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    title, author, subject = (escape(v, quote=False) for v in (info.title, info.author, info.subject))
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>vi-VN</rdf:li></rdf:Bag></dc:language>
   <xmp:CreatorTool>kpdesk</xmp:CreatorTool>
   <xmp:CreateDate>{now}</xmp:CreateDate>
   <xmp:ModifyDate>{now}</xmp:ModifyDate>
   <pdf:Producer>kpdesk (Qt {qVersion()})</pdf:Producer>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()


def pdf_bytes(document: QTextDocument, info: pdf.DocInfo) -> bytes:
    """`document`'s pages as a PDF: A4, fonts embedded, with title, author and subject."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    _a4(writer)
    writer.setResolution(1200)
    writer.setCreator("kpdesk")
    writer.setTitle(info.title)
    if hasattr(writer, "setAuthor"):  # Qt 6.8 and later
        writer.setAuthor(info.author)
    writer.setDocumentXmpMetadata(QByteArray(_xmp(info)))
    paint_pages(writer, document)
    del writer  # the file was finished by QPainter.end() in paint_pages
    data = bytes(buffer.data().data())
    buffer.close()
    # Qt writes no Subject: a new information dictionary with all three is appended as an incremental update
    return pdf.set_pdf_info(data, info, producer=f"kpdesk (Qt {qVersion()})")


_APP: QGuiApplication | None = None


def _ensure_app() -> None:
    """Qt's fonts need an application object: the command line gets one (offscreen when there is no display)."""
    global _APP
    if QGuiApplication.instance() is not None:
        return
    if threading.current_thread() is not threading.main_thread():
        raise pdf.Unavailable("Qt chỉ khởi động được từ luồng chính")
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import ui

    ui.guard_binding()
    _APP = QGuiApplication([sys.argv[0] if sys.argv and sys.argv[0] else "kpdesk"])


def docx_to_pdf_qt(docx: Path, target: Path, timeout: float = pdf.TIMEOUT) -> None:
    """The fallback converter: the preview's pages of the draft inside `docx`, written by QPdfWriter to `target`.

    Metadata come from the .docx's core properties, as Word and LibreOffice take them. (`timeout` is not needed:
    the pages are laid out in well under a second.)"""
    _ensure_app()
    data = pdf_bytes(layout_from_docx(docx), pdf.docx_info(docx))
    Path(target).write_bytes(data)


def qt_converter() -> pdf.Converter:
    """The fallback for `kpdesk.pdf.docx_to_pdf`, tried when neither Word nor LibreOffice made the PDF."""
    return pdf.Converter(QT_PDF, docx_to_pdf_qt, approximate=True)


# ----------------------------------------------------------------------------- PDF export and printing from the window


def export_pdf(
    parent: QWidget | None,
    draft: Draft,
    target: Path,
    *,
    today: dt.date | None = None,
    success: Callable[[pdf.PdfResult], None] | None = None,
) -> Op:
    """Export `draft` to the PDF `target` off the UI thread (render the .docx, then Word, LibreOffice or Qt), with
    progress that names the converter at work; errors are shown by the operation. Returns the running `Op`."""
    fallback = qt_converter()
    op = Op(
        parent,
        lambda progress: pdf.render_pdf(draft, target, fallback=fallback, today=today, progress=progress),
        label=f"Đang xuất báo cáo ra tệp {target.name}…",
        error_what="Chưa xuất được tệp PDF.",
    )
    if success is not None:
        op.success(success)
    op.run()
    return op


def print_document(parent: QWidget | None, document: QTextDocument, *, title: str = "báo cáo") -> bool:
    """Show Qt's print dialog (A4, page range, copies) and print `document`'s pages; True when printed."""
    install_print_words()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    _a4(printer)
    printer.setFullPage(True)
    printer.setDocName(title)
    printer.setCreator("kpdesk")
    pages = max(1, document.pageCount())
    printer.setFromTo(1, pages)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("In báo cáo")
    dialog.setMinMax(1, pages)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, False)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintSelection, False)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    chosen: Iterable[int] | None = None
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first, last = printer.fromPage(), min(printer.toPage() or pages, pages)
        chosen = range(first - 1, last)
    paint_pages(printer, document, chosen)
    return True


def print_report(
    parent: QWidget | None,
    kind: Kind,
    draft: Draft,
    derived: dict[str, Any] | None = None,
    *,
    today: dt.date | None = None,
    use_word: bool | None = None,
) -> Op | bool:
    """«In…»: with Word present, the .docx goes to Word's own Print dialog (off the UI thread; the `Op` is
    returned); otherwise Qt's print dialog prints the preview's pages (True when printed)."""
    if use_word if use_word is not None else pdf.word_installed():
        folder = Path(tempfile.mkdtemp(prefix="kpdesk-in-"))

        def work(progress: Callable[..., Any]) -> bool:
            try:
                # named as the export would be: Word shows the name in its window and in the printer's queue
                docx = render_to_file(
                    draft, folder / default_filename(kind, draft), allow_errors=True, today=today
                ).path
                progress("Word đang mở hộp thoại In; hãy chọn máy in trong cửa sổ Word.")
                return pdf.word_print(docx)
            finally:  # Word has printed (or failed) when word_print returns: the temporary copy can go
                shutil.rmtree(folder, ignore_errors=True)

        op = Op(parent, work, label="Đang mở báo cáo trong Word để in…", error_what="Chưa in được báo cáo.")
        op.run()
        return op
    derived = compute(kind, draft) if derived is None else derived
    title = f"{kind.short} {draft.period.label} — {draft.unit.full_name}"
    return print_document(parent, layout(kind, draft, derived), title=title)
