"""The Decree 30 document as plain data: the page and the ordered, formatted parts (no python-docx, no lxml).

Why over 600 lines: the Decree 30 document as plain data (letterhead, number, place and date, title, body, recipients,
signature, appendix) is one layout with many small rules that read one another.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from kpdesk.draft import Signer
from kpdesk.errors import RenderError
from kpdesk.render._text import clean_text, format_date_nd30, text_width_twips
from kpdesk.render.markup import Block, Heading, ListItem, Paragraph, Run, Table
from kpdesk.vocab import FORM_NAMES, FORMS, document_number

__all__ = [
    "Appendix",
    "DocInfo",
    "Figure",
    "Format",
    "Frame",
    "Grid",
    "GridCell",
    "GridRow",
    "Layout",
    "PageSetup",
    "Para",
    "Part",
    "Picture",
    "Role",
    "basis_lines",
    "body_blocks",
    "lay_out",
    "number_line",
    "place_date_line",
    "png_size",
    "recipient_lines",
    "to_lines",
]

FONT = "Times New Roman"
LANG = "vi-VN"

# Page setup (twips): A4 portrait; margins inside ND30 ranges: top/bottom 20 mm, left 30 mm, right 15 mm.
PAGE_W, PAGE_H = 11906, 16838
MARGIN_TOP = MARGIN_BOTTOM = 1134
MARGIN_LEFT, MARGIN_RIGHT = 1701, 850
HEADER_DISTANCE = FOOTER_DISTANCE = 567
TEXT_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT  # 9355 twips = 16.5 cm

# Letterhead and signature tables: left 6.5 cm, right 10 cm (Quốc hiệu on one line).
LEFT_COL = 3686
RIGHT_COL = TEXT_W - LEFT_COL
CELL_MARGIN = 108

# Font sizes in points (ND30 Phụ lục I, Mục V example column).
SIZE_QUOC_HIEU = 12
SIZE_TIEU_NGU = 13
SIZE_AGENCY = 13
SIZE_NUMBER = 13
SIZE_VV = 12
SIZE_PLACE_DATE = 13
SIZE_TITLE = 14
SIZE_BODY = 14
SIZE_SIGNER = 14
SIZE_NOI_NHAN = 12
SIZE_RECIPIENTS = 11
SIZE_TABLE = 13
SIZE_PAGE_NUMBER = 13

BODY_FIRST_LINE = 720  # 1.27 cm
BODY_AFTER = 120  # 6 pt
BODY_LINE = 276  # 1.15 lines
SIGNATURE_GAP_LINES = 4
TAB_STOP = 720  # 1.27 cm, Word's default
RULE_GAP = 100  # height of the paragraph that carries a rule: the line sits ~4 pt under the text

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
BLANK_NUMBER = " " * 8
BLANK_DAY = " " * 7


# ----------------------------------------------------------------------------- the input: what the draft says


@dataclass(frozen=True)
class Figure:
    """A picture printed in the appendix: its PNG bytes and the caption under it ("Biểu đồ 1. …")."""

    png: bytes = field(repr=False)
    caption: str = ""


@dataclass(frozen=True)
class Appendix:
    """The appendix after the signature (Decree 30, Phụ lục I, Mục V, 24): on its own pages with their own numbers,
    "Phụ lục", its title in capitals, "(Kèm theo … số … ngày … của …)" and its figures."""

    title: str
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class Frame:
    """Everything the ND30 frame prints, as the draft gives it; `lay_out` words and formats it."""

    form: str
    superior: str | None
    agency: tuple[str, ...]
    number: str | None
    symbol: str
    place: str
    date: dt.date | None
    year: int
    doc_type: str | None
    summary: str
    to: tuple[str, ...]
    bases: tuple[str, ...]
    body: tuple[Block, ...]
    recipients: tuple[str, ...]
    signer: Signer
    payload: str | None = field(default=None, repr=False)
    kind_name: str = ""  # the report kind's name: the file's subject (a PDF made from it shows it)
    issuer: str = ""  # who issues the document, as a sentence names it ("Sở Khoa học và Công nghệ")
    appendix: Appendix | None = None


# ----------------------------------------------------------------------------- the output: the layout


class Role(StrEnum):
    """What a part of the layout is (the writers format by `Format`; a role only names the part)."""

    LETTERHEAD = "letterhead"  # the 2×2 table: agency | Quốc hiệu, number (+ V/v) | place and date
    SUPERIOR = "superior"
    AGENCY = "agency"
    QUOC_HIEU = "quoc_hieu"
    TIEU_NGU = "tieu_ngu"
    RULE = "rule"  # an empty paragraph whose bottom border is the short line under a heading
    NUMBER = "number"
    VV = "vv"
    PLACE_DATE = "place_date"
    DOC_TYPE = "doc_type"
    SUMMARY = "summary"
    KINH_GUI = "kinh_gui"
    BASIS = "basis"
    HEADING = "heading"
    LIST_ITEM = "list_item"
    PARAGRAPH = "paragraph"
    TABLE = "table"  # a body table
    TABLE_CELL = "table_cell"
    CLOSING = "closing"  # the borderless table: Nơi nhận | signature block
    NOI_NHAN = "noi_nhan"
    RECIPIENT = "recipient"
    AUTHORITY = "authority"
    POSITION = "position"
    SIGNATURE_GAP = "signature_gap"  # the empty lines left for the signature and seal
    SIGNER_NAME = "signer_name"
    SPACER = "spacer"  # an empty paragraph that only keeps space (or keeps two tables apart)
    END = "end"  # the tiny paragraph every Word document ends with
    APPENDIX = "appendix"  # "Phụ lục", its title and "(Kèm theo …)"
    PICTURE = "picture"  # a paragraph holding one picture
    CAPTION = "caption"  # the line under a picture


@dataclass(frozen=True)
class Format:
    """Paragraph formatting in twips; `line` is in 240ths of a line when `rule` is "auto"."""

    align: str = "left"  # left | center | right | justify
    first: int = 0  # first-line indent; negative = hanging
    left: int = 0
    right: int = 0
    before: int = 0
    after: int = 0
    line: int = 240
    rule: str = "auto"  # auto | exact | atLeast
    keep_next: bool = False
    keep_lines: bool = False
    border_bottom: bool = False
    mark_size: float | None = None  # type size of the paragraph mark (the height of an empty paragraph)
    section_break: bool = False  # the paragraph ends a section: what follows starts a page, numbered from 1


@dataclass(frozen=True)
class Para:
    """A paragraph: its runs as printed ("\\n" a line break, "\\t" a tab), all in one type size."""

    role: Role
    fmt: Format
    runs: tuple[Run, ...] = ()
    size: float = SIZE_BODY

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class GridCell:
    """A table cell `width` twips wide (its margins included) spanning `span` grid columns."""

    width: int
    paras: tuple[Para, ...]
    span: int = 1
    valign: str = "top"  # top | center


@dataclass(frozen=True)
class GridRow:
    """A table row; `cant_split` keeps it on one page."""

    cells: tuple[GridCell, ...]
    cant_split: bool = False
    header: bool = False  # repeated at the top of each page


@dataclass(frozen=True)
class Grid:
    """A table with fixed column widths (twips, summing to the table's width); cells keep `cell_margin` left and
    right."""

    role: Role
    widths: tuple[int, ...]
    rows: tuple[GridRow, ...]
    borders: bool = False
    indent: int = 0
    cell_margin: int = CELL_MARGIN


@dataclass(frozen=True)
class Picture:
    """A paragraph holding one PNG picture `width` × `height` twips (its text is empty)."""

    role: Role
    fmt: Format
    png: bytes = field(repr=False)
    width: int
    height: int
    name: str = ""  # the picture's description (its alternative text)

    @property
    def text(self) -> str:
        return ""


Part = Para | Grid | Picture


@dataclass(frozen=True)
class PageSetup:
    """The page: A4 with the ND30 margins, the document's font and language, page numbers from page 2."""

    width: int = PAGE_W
    height: int = PAGE_H
    margin_top: int = MARGIN_TOP
    margin_bottom: int = MARGIN_BOTTOM
    margin_left: int = MARGIN_LEFT
    margin_right: int = MARGIN_RIGHT
    header_distance: int = HEADER_DISTANCE
    footer_distance: int = FOOTER_DISTANCE
    font: str = FONT
    lang: str = LANG
    size: float = SIZE_BODY  # the default type size
    cell_margin: int = CELL_MARGIN  # the default left and right margin of table cells
    tab_stop: int = TAB_STOP  # the distance between default tab stops
    number_size: float = SIZE_PAGE_NUMBER  # the page number, centred in the header
    number_first_page: bool = False
    #: Printed at the right of the header of every page ("DỰ THẢO": a copy made while the draft has errors).
    draft_mark: str = ""

    @property
    def text_width(self) -> int:
        return self.width - self.margin_left - self.margin_right


@dataclass(frozen=True)
class DocInfo:
    """The file's own properties (title, subject, author)."""

    title: str
    subject: str
    author: str


@dataclass(frozen=True)
class Layout:
    """The whole document: page, parts in order, the file's properties and the draft to embed."""

    page: PageSetup
    parts: tuple[Part, ...]
    info: DocInfo
    payload: str | None = field(default=None, repr=False)


PAGE = PageSetup()


# ----------------------------------------------------------------------------- the printed lines


def _strip_item(text: str) -> str:
    """Return a list line without a leading dash and a trailing ; , or ."""
    text = clean_text(text).strip()
    while text[:1] in ("-", "–", "+", "•"):
        text = text[1:].lstrip()
    return text.rstrip(" ;,.").rstrip()


def _numbered(items: Sequence[str], *, last: str = ".") -> list[str]:
    """Return `items` each ending with ";" and the last with `last`."""
    return [f"{item};" if i < len(items) - 1 else f"{item}{last}" for i, item in enumerate(items)]


def number_line(frame: Frame) -> str:
    """Return the "Số: 05/BC-UBND" line; a missing number is left blank for the clerk."""
    number = document_number((frame.number or "").strip())
    return f"Số: {number or BLANK_NUMBER}/{frame.symbol.strip()}"


def vv_line(frame: Frame) -> str:
    """Return the công văn's "V/v …" line (a summary that already starts with "V/v" keeps one)."""
    summary = clean_text(frame.summary).strip()
    if summary[:4].casefold() == "v/v ":
        summary = summary[4:].lstrip()
    return f"V/v {summary}"


def place_date_line(frame: Frame) -> str:
    """Return "Thiệu Trung, ngày 05 tháng 02 năm 2026"; a missing date keeps blanks for the clerk."""
    if frame.date is not None:
        when = format_date_nd30(frame.date)
    else:
        when = f"ngày{BLANK_DAY}tháng{BLANK_DAY}năm {frame.year}"
    return f"{frame.place.strip()}, {when}"


_ARCHIVE = re.compile(r"lưu\s*(?::|vt\b)")


def recipient_lines(frame: Frame) -> list[str]:
    """Return the Nơi nhận lines, "- Như trên;" first when there is a Kính gửi, "- Lưu: …." last."""
    items = [item for item in (_strip_item(r) for r in frame.recipients) if item]
    if frame.to or frame.form == "cong_van":
        same = [i for i in items if i.casefold() == "như trên"]
        items = ["Như trên"] + [i for i in items if i.casefold() != "như trên"]
        if same:
            items[0] = same[0]
    archive = [i for i in items if _ARCHIVE.match(i.casefold())]
    items = [i for i in items if not _ARCHIVE.match(i.casefold())] + (archive or ["Lưu: VT"])
    return [f"- {line}" for line in _numbered(items)]


def to_lines(frame: Frame) -> list[str]:
    """Return the Kính gửi recipients as printed: ["X."] for one, ["- X;", …, "- Z."] for several."""
    items = [item for item in (_strip_item(t) for t in frame.to) if item]
    if len(items) == 1:
        return [f"{items[0]}."]
    return [f"- {x}" for x in _numbered(items)]


def basis_lines(frame: Frame) -> list[str]:
    """Return the legal bases (căn cứ) as printed: each ends with ";", the last with "."."""
    items = [clean_text(b).strip().rstrip(" ;,.") for b in frame.bases]
    return _numbered([b for b in items if b])


def _end_mark(text: str) -> str:
    """Return `text` ending with ND30's closing "./."."""
    stripped = text.rstrip()
    if stripped.endswith("./."):
        return stripped
    if stripped.endswith("."):
        return stripped + "/."
    if stripped[-1:] in (";", ",", ":"):
        return stripped[:-1] + "./."
    return stripped + "./."


def body_blocks(frame: Frame) -> list[Block]:
    """Return the body as printed: the frame's blocks with "./." closing the last paragraph (or after a final
    table)."""
    out = list(frame.body)
    if not out:
        return out
    last = out[-1]
    if isinstance(last, Table):
        out.append(Paragraph((Run("./."),), align="left", indent=True))
        return out
    runs = list(last.runs)
    if runs:
        runs[-1] = replace(runs[-1], text=_end_mark(runs[-1].text))
    out[-1] = replace(last, runs=tuple(runs))
    return out


def doc_info(frame: Frame) -> DocInfo:
    """Return the file's properties: title "BÁO CÁO: …" (or "Công văn: …"), subject the report kind's name (or the
    number "05/BC-UBND" when there is none), author the agency."""
    number = document_number(frame.number)
    summary = frame.summary.replace("\u00a0", " ")  # a no-break space keeps a name on one printed line only
    return DocInfo(
        title=clean_text(f"{frame.doc_type or 'Công văn'}: {summary}".strip())[:250],
        subject=clean_text(frame.kind_name or f"{number or ''}/{frame.symbol}".lstrip("/"))[:250],
        author=clean_text(" ".join(a.strip() for a in frame.agency))[:250],
    )


# ----------------------------------------------------------------------------- the layout


def lay_out(frame: Frame) -> Layout:
    """Return the Decree 30 layout of `frame`; raises `RenderError` (Vietnamese) for a frame that cannot print.

    All Decree 30 wording is decided here (number line, V/v, place and date, Kính gửi, bases, the closing "./.",
    Nơi nhận with "Như trên" and the archive line, the signature block with its gap). The writers (`docx_file` for
    the .docx, `html` for the preview) only translate the layout's formatting, so the two cannot disagree.
    Lengths are twips (1/1440 inch), type sizes points.
    """
    _check(frame)
    parts: list[Part] = []
    _add(parts, _letterhead(frame))
    if frame.form != "cong_van":  # a báo cáo or thông báo: its type title and the summary under it
        for part in _title(frame):
            _add(parts, part)
    for part in _kinh_gui(frame):
        _add(parts, part)
    for line in basis_lines(frame):
        _add(parts, _para(Role.BASIS, _BODY, line, SIZE_BODY, italic=True))
    for part in _body(frame):
        _add(parts, part)
    _add(parts, _closing(frame))
    if frame.appendix is not None and frame.appendix.figures:
        # the signature's section ends here; the appendix starts a page with its own page numbers
        parts.append(Para(Role.SPACER, Format(line=20, rule="exact", mark_size=1, section_break=True)))
        parts.extend(_appendix(frame, frame.appendix))
    # Word always ends a document with a paragraph; a 1 pt one cannot spill onto an empty last page
    _add(parts, Para(Role.END, Format(line=20, rule="exact", mark_size=1)))
    return Layout(PAGE, tuple(parts), doc_info(frame), frame.payload)


def _check(frame: Frame) -> None:
    if frame.form not in FORMS:
        raise RenderError(
            f"Dạng văn bản «{frame.form}» không hợp lệ; chỉ dùng bao_cao hoặc cong_van, hoặc thong_bao (thông báo)."
        )
    if frame.form != "cong_van" and not (frame.doc_type or "").strip():
        raise RenderError(
            f"Văn bản dạng {FORM_NAMES[frame.form].lower()} cần tên loại văn bản (ví dụ BÁO CÁO, THÔNG BÁO)."
        )
    if not any(line.strip() for line in frame.agency):
        raise RenderError("Thiếu tên cơ quan ban hành (ví dụ ỦY BAN NHÂN DÂN / XÃ THIỆU TRUNG).")
    if not frame.signer.name.strip():
        raise RenderError("Thiếu họ tên người ký.")


def _add(parts: list[Part], part: Part) -> None:
    """Append `part`; two tables in a row get a small paragraph between them (Word would merge them)."""
    if isinstance(part, Grid) and parts and isinstance(parts[-1], Grid):
        parts.append(Para(Role.SPACER, Format(line=120, rule="exact", mark_size=6)))
    parts.append(part)


def _printed(text: str) -> str:
    """Return `text` as a run prints it: clean (NFC, no XML-illegal characters), every line break a "\\n"."""
    text = clean_text(text)
    if "\r" in text or "\u2028" in text or "\u2029" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    return text


def _runs(runs: Sequence[Run]) -> tuple[Run, ...]:
    """Return `runs` as printed, without the empty ones."""
    out = []
    for run in runs:
        text = _printed(run.text)
        if text:
            out.append(run if text == run.text else Run(text, run.bold, run.italic))
    return tuple(out)


def _para(role: Role, fmt: Format, text: str, size: float, *, bold: bool = False, italic: bool = False) -> Para:
    return Para(role, fmt, _runs((Run(text, bold, italic),)), size)


def _rule(length: int, avail: int, *, after: int = 0) -> Para:
    """Return an empty paragraph whose bottom border is a centred line `length` twips long."""
    length = max(0, min(length, avail))
    side = (avail - length) // 2
    fmt = Format(
        align="center",
        left=side,
        right=avail - length - side,
        line=RULE_GAP,
        rule="exact",
        after=after,
        border_bottom=True,
        mark_size=1,
    )
    return Para(Role.RULE, fmt)


_CENTRED = Format(align="center")
_BODY = Format(align="justify", first=BODY_FIRST_LINE, after=BODY_AFTER, line=BODY_LINE)


def _letterhead(frame: Frame) -> Grid:
    """Two rows: agency | Quốc hiệu + Tiêu ngữ, then Số (+ V/v) | place and date on one baseline."""
    left_avail = LEFT_COL - 2 * CELL_MARGIN
    right_avail = RIGHT_COL - 2 * CELL_MARGIN

    left: list[Para] = []
    agency = [clean_text(a).strip().upper() for a in frame.agency if a.strip()]
    if frame.superior and frame.superior.strip():
        left.append(_para(Role.SUPERIOR, _CENTRED, frame.superior.strip().upper(), SIZE_AGENCY))
    for line in agency:
        left.append(_para(Role.AGENCY, _CENTRED, line, SIZE_AGENCY, bold=True))
    widest = max(text_width_twips(a, SIZE_AGENCY, bold=True) for a in agency)
    left.append(_rule(round(min(widest, left_avail) * 0.4), left_avail))
    right = [
        _para(Role.QUOC_HIEU, _CENTRED, QUOC_HIEU, SIZE_QUOC_HIEU, bold=True),
        _para(Role.TIEU_NGU, _CENTRED, TIEU_NGU, SIZE_TIEU_NGU, bold=True),
        _rule(text_width_twips(TIEU_NGU, SIZE_TIEU_NGU, bold=True), right_avail),
    ]
    row1 = GridRow((GridCell(LEFT_COL, tuple(left)), GridCell(RIGHT_COL, tuple(right))), cant_split=True)

    left = [_para(Role.NUMBER, Format(align="center", before=160), number_line(frame), SIZE_NUMBER)]
    if frame.form == "cong_van":
        left.append(_para(Role.VV, Format(align="center", before=120), vv_line(frame), SIZE_VV))
    right = [
        _para(Role.PLACE_DATE, Format(align="center", before=160), place_date_line(frame), SIZE_PLACE_DATE, italic=True)
    ]
    row2 = GridRow((GridCell(LEFT_COL, tuple(left)), GridCell(RIGHT_COL, tuple(right))), cant_split=True)
    return Grid(Role.LETTERHEAD, (LEFT_COL, RIGHT_COL), (row1, row2))


def _title(frame: Frame) -> list[Part]:
    """BÁO CÁO, the trích yếu under it and a short rule (1/3–1/2 of the trích yếu line)."""
    doc_type = clean_text(frame.doc_type or "").strip().upper()
    out: list[Part] = [
        _para(Role.DOC_TYPE, Format(align="center", before=360, keep_next=True), doc_type, SIZE_TITLE, bold=True)
    ]
    summary = clean_text(frame.summary).strip()
    if summary:
        out.append(_para(Role.SUMMARY, Format(align="center", keep_next=True), summary, SIZE_TITLE, bold=True))
        line = min(text_width_twips(summary, SIZE_TITLE, bold=True), TEXT_W)
        out.append(_rule(round(line * 0.4), TEXT_W, after=240))
    else:
        out.append(Para(Role.SPACER, Format(after=240, line=40, rule="exact", mark_size=1)))
    return out


def _kinh_gui(frame: Frame) -> list[Part]:
    """ "Kính gửi: X." on one line, or one "- X;" per line with the dashes under the colon."""
    lines = to_lines(frame)
    if not lines:
        return []
    before = 360 if frame.form == "cong_van" else 0
    label = "Kính gửi"
    if len(lines) == 1:
        return [
            _para(Role.KINH_GUI, Format(align="center", before=before, after=240), f"{label}: {lines[0]}", SIZE_BODY)
        ]
    label_w = text_width_twips(label, SIZE_BODY)
    dash_w = text_width_twips("- ", SIZE_BODY)
    block = label_w + max(text_width_twips(x, SIZE_BODY) for x in lines)
    x0 = max(0, (TEXT_W - block) // 2)
    out: list[Part] = [_para(Role.KINH_GUI, Format(left=x0, before=before, keep_next=True), f"{label}:", SIZE_BODY)]
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        fmt = Format(left=x0 + label_w + dash_w, first=-dash_w, after=240 if last else 0, keep_next=not last)
        out.append(_para(Role.KINH_GUI, fmt, line, SIZE_BODY))
    return out


def _body(frame: Frame) -> list[Part]:
    items = body_blocks(frame)
    out: list[Part] = []
    after_table = False
    for i, block in enumerate(items):
        last = i == len(items) - 1
        before = BODY_AFTER if after_table else 0
        after_table = False
        if isinstance(block, Table):
            out.append(_body_table(block))
            after_table = True
        elif isinstance(block, Heading):
            fmt = replace(_BODY, align="left", before=before, keep_next=True)
            italic = block.level >= 3
            bold = block.level <= 3
            runs = [Run(r.text, r.bold or bold, r.italic or italic) for r in block.runs]
            out.append(Para(Role.HEADING, fmt, _runs(runs), SIZE_BODY))
        elif isinstance(block, ListItem):
            fmt = replace(_BODY, before=before, keep_next=last)
            out.append(Para(Role.LIST_ITEM, fmt, _runs((Run(f"{block.mark} "), *block.runs)), SIZE_BODY))
        else:
            fmt = replace(
                _BODY, align=block.align, first=BODY_FIRST_LINE if block.indent else 0, before=before, keep_next=last
            )
            out.append(Para(Role.PARAGRAPH, fmt, _runs(block.runs), SIZE_BODY))
    return out


def _body_table(table: Table) -> Grid:
    ncols = len(table.widths)
    total = sum(table.widths)
    widths = [int(TEXT_W * w / total) for w in table.widths]
    widths[-1] += TEXT_W - sum(widths)
    rows = []
    for index, cells in enumerate(table.rows):
        out = []
        col = 0
        for cell in cells:
            span = min(cell.colspan, ncols - col)
            para = Para(Role.TABLE_CELL, Format(align=cell.align, before=40, after=40), _runs(cell.runs), SIZE_TABLE)
            out.append(GridCell(sum(widths[col : col + span]), (para,), span=span, valign="center"))
            col += span
        rows.append(GridRow(tuple(out), cant_split=True, header=index < table.header_rows))
    return Grid(Role.TABLE, tuple(widths), tuple(rows), borders=True)


def _closing(frame: Frame) -> Grid:
    """Nơi nhận (left) and the signature block (right) in one row that never splits."""
    # 12 pt label vs 14 pt authority line: shift by the ascent difference to share a baseline
    left = [_para(Role.NOI_NHAN, Format(before=160 + 36), "Nơi nhận:", SIZE_NOI_NHAN, bold=True, italic=True)]
    dash_w = text_width_twips("- ", SIZE_RECIPIENTS)
    for line in recipient_lines(frame):
        left.append(_para(Role.RECIPIENT, Format(left=dash_w, first=-dash_w), line, SIZE_RECIPIENTS))

    signer = frame.signer
    heads = [(Role.AUTHORITY, clean_text(a).strip().upper()) for a in signer.authority if a.strip()]
    heads.append((Role.POSITION, clean_text(signer.position).strip().upper()))
    right = []
    for i, (role, line) in enumerate((role, line) for role, line in heads if line):
        right.append(_para(role, Format(align="center", before=160 if i == 0 else 0), line, SIZE_SIGNER, bold=True))
    gap = Para(Role.SIGNATURE_GAP, Format(align="center", mark_size=SIZE_SIGNER))
    right += [gap] * SIGNATURE_GAP_LINES
    right.append(_para(Role.SIGNER_NAME, _CENTRED, clean_text(signer.name).strip(), SIZE_SIGNER, bold=True))
    row = GridRow((GridCell(LEFT_COL, tuple(left)), GridCell(RIGHT_COL, tuple(right))), cant_split=True)
    return Grid(Role.CLOSING, (LEFT_COL, RIGHT_COL), (row,))


# ----------------------------------------------------------------------------- the appendix

#: The appendix's pictures fill the text width, and at most this share of the text height (two fit on a page).
FIGURE_MAX_HEIGHT = (PAGE_H - MARGIN_TOP - MARGIN_BOTTOM) * 9 // 20
SIZE_APPENDIX = 14
SIZE_CAPTION = 13


def png_size(data: bytes) -> tuple[int, int]:
    """Return the (width, height) in pixels of PNG `data`; raises `RenderError` for anything else."""
    if len(data) < 24 or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise RenderError("Hình đưa vào phụ lục không phải ảnh PNG; hãy tạo lại biểu đồ rồi xuất lại.")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if not width or not height:
        raise RenderError("Hình đưa vào phụ lục không có kích thước; hãy tạo lại biểu đồ rồi xuất lại.")
    return width, height


def attached_line(frame: Frame) -> str:
    """Return "(Kèm theo Thông báo số 15/TB-SKHCN ngày 05 tháng 6 năm 2026 của Sở Khoa học và Công nghệ)"; a missing
    number or date keeps blanks for the clerk, as the number line does."""
    name = (frame.doc_type or "Công văn").strip().capitalize()
    number = number_line(frame).removeprefix("Số: ")
    when = place_date_line(frame).removeprefix(f"{frame.place.strip()}, ")
    issuer = f" của {clean_text(frame.issuer).strip()}" if frame.issuer.strip() else ""
    return f"(Kèm theo {name} số {number} {when}{issuer})"


def _appendix(frame: Frame, appendix: Appendix) -> list[Part]:
    head = Format(align="center", keep_next=True)
    title = clean_text(appendix.title).strip().upper()
    out: list[Part] = [
        _para(Role.APPENDIX, head, "Phụ lục", SIZE_APPENDIX, bold=True),
        _para(Role.APPENDIX, head, title, SIZE_APPENDIX, bold=True),
        _para(Role.APPENDIX, head, attached_line(frame), SIZE_APPENDIX, italic=True),
    ]
    line = min(text_width_twips(title, SIZE_APPENDIX, bold=True), TEXT_W)
    out.append(_rule(round(line * 0.4), TEXT_W, after=240))
    for figure in appendix.figures:
        w, h = png_size(figure.png)
        width = TEXT_W
        height = round(width * h / w)
        if height > FIGURE_MAX_HEIGHT:
            width, height = round(width * FIGURE_MAX_HEIGHT / height), FIGURE_MAX_HEIGHT
        caption = clean_text(figure.caption).strip()
        out.append(
            Picture(
                Role.PICTURE,
                Format(align="center", before=120, keep_next=bool(caption)),
                figure.png,
                width,
                height,
                caption,
            )
        )
        if caption:
            out.append(_para(Role.CAPTION, Format(align="center", after=240), caption, SIZE_CAPTION, italic=True))
    return out
