"""The report as it will print: the layout the .docx is written from, as HTML on A4 pages (Qt paging only)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QPainter,
    QPaintEvent,
    QPalette,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import QScrollArea, QSizePolicy, QWidget

from ui.widgets.common import set_colour

if TYPE_CHECKING:  # the layout imports the body markup's parser (lxml): not needed until a preview is shown
    from kpdesk.render.frame import Frame, Layout, PageSetup

#: The 96-per-inch pixels QTextDocument lays text out in, per twip (1/1440 inch) of the .docx.
_TWIP = 96 / 1440
_GAP = 16
_DESK = "#8a949e"  # the grey the sheets lie on


def _default_page() -> PageSetup:
    from kpdesk.render.frame import PAGE

    return PAGE


@cache
def page_geometry(page: PageSetup | None = None) -> tuple[QSizeF, tuple[float, float, float, float]]:
    """The layout's page (by default the Decree 30 page: A4, top and bottom 20 mm, left 30 mm, right 15 mm) in
    pixels: its size and its margins (left, top, right, bottom)."""
    page = page or _default_page()
    margins = (page.margin_left, page.margin_top, page.margin_right, page.margin_bottom)
    return QSizeF(page.width * _TWIP, page.height * _TWIP), tuple(m * _TWIP for m in margins)  # type: ignore[return-value]


def frame_html(frame: Frame) -> str:
    """Return the document of `frame` as HTML (for a QTextBrowser): its layout, written by `kpdesk.render.html`."""
    from kpdesk.render.frame import lay_out
    from kpdesk.render.html import layout_html

    return layout_html(lay_out(frame))


# ----------------------------------------------------------------------------- pages, as they will print


def paged_document(html_text: str, page: PageSetup | None = None) -> QTextDocument:
    """`html_text` laid out on the pages of `page` (by default the Decree 30 page) with its margins and the
    .docx's font, size and tab stops (page breaks as Qt places them)."""
    page = page or _default_page()
    doc = QTextDocument()
    font = QFont(page.font)
    font.setStyleHint(QFont.StyleHint.Serif)
    font.setPointSizeF(page.size)
    doc.setDefaultFont(font)
    option = doc.defaultTextOption()
    option.setTabStopDistance(page.tab_stop * _TWIP)
    doc.setDefaultTextOption(option)
    doc.setHtml(html_text)
    root = doc.rootFrame().frameFormat()
    size, (left, top, right, bottom) = page_geometry(page)
    root.setLeftMargin(left)
    root.setTopMargin(top)
    root.setRightMargin(right)
    root.setBottomMargin(bottom)
    doc.rootFrame().setFrameFormat(root)
    doc.setPageSize(size)
    _keep_signature_together(doc)
    return doc


def _keep_signature_together(doc: QTextDocument) -> None:
    """Start the Nơi nhận / signature table on a new page when it would be split, as the .docx keeps it whole."""
    frames = doc.rootFrame().childFrames()
    if not frames:
        return
    last = frames[-1]
    box = doc.documentLayout().frameBoundingRect(last)
    height = doc.pageSize().height()
    if box.height() < height / 2 and int(box.top() // height) != int((box.bottom() - 1) // height):
        fmt = last.frameFormat()
        fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        last.setFrameFormat(fmt)


class _Sheets(QWidget):
    """Paints the pages of a paged QTextDocument one under the other, scaled to the width available, with the page
    numbers where the .docx's header prints them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scale = 1.0
        self.show_document(paged_document(""), _default_page())
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def show_document(self, doc: QTextDocument, page: PageSetup) -> None:
        self.doc = doc
        self.setup = page
        self.page, self.margins = page_geometry(page)

    def fit(self, width: int) -> None:
        self.scale = max(0.3, min(1.25, (width - 2 * _GAP) / self.page.width()))
        pages = max(1, self.doc.pageCount())
        height = int(_GAP + pages * (self.page.height() * self.scale + _GAP))
        self.setFixedHeight(height)
        self.update()

    def page_top(self, index: int) -> float:
        return _GAP + index * (self.page.height() * self.scale + _GAP)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(int(self.page.width() * self.scale + 2 * _GAP), self.height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt naming
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        p.fillRect(event.rect(), QColor(_DESK))
        w, h = self.page.width() * self.scale, self.page.height() * self.scale
        x = max(_GAP, (self.width() - w) / 2)
        pages = max(1, self.doc.pageCount())
        number_font = QFont(self.doc.defaultFont())
        number_font.setPointSizeF(self.setup.number_size)
        for index in range(pages):
            y = self.page_top(index)
            sheet = QRectF(x, y, w, h)
            if not sheet.intersects(QRectF(event.rect())):
                continue
            p.fillRect(sheet.translated(3, 3), QColor(0, 0, 0, 60))
            p.fillRect(sheet, Qt.GlobalColor.white)
            p.save()
            p.translate(QPointF(x, y))
            p.scale(self.scale, self.scale)
            if index or self.setup.number_first_page:  # centred in the header, as the .docx's PAGE field
                p.setFont(number_font)
                p.setPen(Qt.GlobalColor.black)
                top = self.setup.header_distance * _TWIP
                p.drawText(
                    QRectF(0, top, self.page.width(), self.margins[1] - top),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                    str(index + 1),
                )
            p.translate(0, -index * self.page.height())
            clip = QRectF(0, index * self.page.height(), self.page.width(), self.page.height())
            p.setClipRect(clip)
            context = QAbstractTextDocumentLayout.PaintContext()
            context.clip = clip
            context.palette.setColor(QPalette.ColorRole.Text, Qt.GlobalColor.black)
            context.palette.setColor(QPalette.ColorRole.Dark, Qt.GlobalColor.black)  # the rules (<hr>)
            self.doc.documentLayout().draw(p, context)
            p.restore()
        p.end()


class PagedPreview(QScrollArea):
    """The report on A4 sheets, page after page, written from the same layout as the .docx."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sheets = _Sheets(self)
        self.setWidget(self.sheets)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        set_colour(self.viewport(), _DESK, QPalette.ColorRole.Window)
        self.viewport().setAutoFillBackground(True)

    def show_layout(self, layout: Layout) -> None:
        """Show `layout` on its own pages."""
        from kpdesk.render.html import layout_html

        self.sheets.show_document(paged_document(layout_html(layout), layout.page), layout.page)
        self.sheets.fit(self.viewport().width())

    def setHtml(self, html_text: str) -> None:  # noqa: N802 - the QTextBrowser name, so callers need not care
        """Show `html_text` (a message, or a layout's HTML) on Decree 30 pages."""
        page = _default_page()
        self.sheets.show_document(paged_document(html_text, page), page)
        self.sheets.fit(self.viewport().width())

    def toPlainText(self) -> str:  # noqa: N802
        return self.sheets.doc.toPlainText()

    def page_count(self) -> int:
        return self.sheets.doc.pageCount()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self.sheets.fit(self.viewport().width())
