"""The ND30 frame of a report or công văn: letterhead, title, Kính gửi, body, Nơi nhận and signature."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import docx
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Twips
from lxml import etree

from kpdesk.errors import RenderError
from kpdesk.files import write_atomic
from kpdesk.render._text import clean_text, format_date_nd30, text_width_twips
from kpdesk.render.markup import Block, Heading, ListItem, Paragraph, Run, Table
from kpdesk.render.payload import attach_payload, read_payload

__all__ = ["Frame", "Signer", "build_document", "read_payload", "write_docx", "write_atomic"]

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject
    from lxml.etree import _Element

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
RULE_GAP = 100  # height of the paragraph that carries a rule: the line sits ~4 pt under the text

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
BLANK_NUMBER = " " * 8
BLANK_DAY = " " * 7
FORMS = ("bao_cao", "cong_van")


@dataclass(frozen=True)
class Signer:
    """Who signs: authority lines ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"), position and name."""

    authority: tuple[str, ...]
    position: str
    name: str


@dataclass(frozen=True)
class Frame:
    """Everything the ND30 frame prints; plain data, already worded by the caller."""

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


# ----------------------------------------------------------------------------- public API


def build_document(frame: Frame) -> DocumentObject:
    """Return a python-docx Document laid out per ND30 for `frame` (with its payload embedded)."""
    _check(frame)
    document = docx.Document()
    _prepare_package(document, frame)
    _page_setup(document)
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    out = _Body(body)
    _letterhead(out, frame)
    if frame.form == "bao_cao":
        _title(out, frame)
    _kinh_gui(out, frame)
    _bases(out, frame)
    _body(out, frame)
    _closing(out, frame)
    _page_numbers(document)
    if frame.payload is not None:
        attach_payload(document, frame.payload)
    return document


def write_docx(frame: Frame, path: str | os.PathLike[str]) -> str:
    """Render `frame` and write it atomically to `path`; return the sha256 hex of the written file."""
    document = build_document(frame)
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    write_atomic(Path(path), data)
    return hashlib.sha256(data).hexdigest()


# ----------------------------------------------------------------------------- checks and text


def _check(frame: Frame) -> None:
    if frame.form not in FORMS:
        raise RenderError(f"Dạng văn bản «{frame.form}» không hợp lệ; chỉ dùng bao_cao hoặc cong_van.")
    if frame.form == "bao_cao" and not (frame.doc_type or "").strip():
        raise RenderError("Văn bản dạng báo cáo cần tên loại văn bản (ví dụ BÁO CÁO).")
    if not any(line.strip() for line in frame.agency):
        raise RenderError("Thiếu tên cơ quan ban hành (ví dụ ỦY BAN NHÂN DÂN / XÃ THIỆU TRUNG).")
    if not frame.signer.name.strip():
        raise RenderError("Thiếu họ tên người ký.")


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
    number = (frame.number or "").strip()
    if number.isdigit() and len(number) == 1:
        number = f"0{number}"
    return f"Số: {number or BLANK_NUMBER}/{frame.symbol.strip()}"


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


# ----------------------------------------------------------------------------- low-level XML


@dataclass(frozen=True)
class _P:
    """Paragraph formatting in twips."""

    align: str = "left"  # left | center | right | both
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
    mark_size: float | None = None


_ALIGN = {"left": "left", "center": "center", "right": "right", "justify": "both", "both": "both"}


_CLARK: dict[str, str] = {}


def _clark(name: str) -> str:
    """qn("w:tag"), remembered: the frame uses a few dozen names thousands of times."""
    try:
        return _CLARK[name]
    except KeyError:
        _CLARK[name] = clark = qn(name)
        return clark


def _sub(parent: _Element, tag: str, **attrs: str | int) -> _Element:
    # lxml's SubElement takes the parent's parser, so python-docx's element classes (CT_P, CT_R…) still apply;
    # OxmlElement + set + append cost ~3x as much per element
    return etree.SubElement(parent, _clark(tag), {_clark(f"w:{k}"): str(v) for k, v in attrs.items()})


def _rpr(parent: _Element, size: float, bold: bool, italic: bool) -> _Element:
    rpr = _sub(parent, "w:rPr")
    _sub(rpr, "w:rFonts", ascii=FONT, hAnsi=FONT, eastAsia=FONT, cs=FONT)
    if bold:
        _sub(rpr, "w:b")
        _sub(rpr, "w:bCs")
    if italic:
        _sub(rpr, "w:i")
        _sub(rpr, "w:iCs")
    half = str(round(size * 2))
    _sub(rpr, "w:sz", val=half)
    _sub(rpr, "w:szCs", val=half)
    return rpr


def _para(fmt: _P) -> _Element:
    p = OxmlElement("w:p")
    ppr = _sub(p, "w:pPr")
    if fmt.keep_next:
        _sub(ppr, "w:keepNext")
    if fmt.keep_lines:
        _sub(ppr, "w:keepLines")
    if fmt.border_bottom:
        bdr = _sub(ppr, "w:pBdr")
        _sub(bdr, "w:bottom", val="single", sz=6, space=1, color="000000")
    _sub(ppr, "w:spacing", before=fmt.before, after=fmt.after, line=fmt.line, lineRule=fmt.rule)
    ind = _sub(ppr, "w:ind", left=fmt.left, right=fmt.right)
    if fmt.first >= 0:
        ind.set(qn("w:firstLine"), str(fmt.first))
    else:
        ind.set(qn("w:hanging"), str(-fmt.first))
    _sub(ppr, "w:jc", val=_ALIGN[fmt.align])
    if fmt.mark_size is not None:
        _rpr(ppr, fmt.mark_size, False, False)
    return p


def _run(p: _Element, text: str, size: float, *, bold: bool = False, italic: bool = False) -> None:
    """Append a run of `text` to `p`; tabs become w:tab, line breaks (\\n, \\r, U+2028) w:br."""
    text = clean_text(text).replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    if not text:
        return
    r = _sub(p, "w:r")
    _rpr(r, size, bold, italic)
    buf: list[str] = []

    def flush() -> None:
        if buf:
            t = _sub(r, "w:t")
            t.text = "".join(buf)
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            buf.clear()

    for ch in text:
        if ch == "\t":
            flush()
            _sub(r, "w:tab")
        elif ch == "\n":
            flush()
            _sub(r, "w:br")
        else:
            buf.append(ch)
    flush()


def _text_para(fmt: _P, text: str, size: float, *, bold: bool = False, italic: bool = False) -> _Element:
    p = _para(fmt)
    _run(p, text, size, bold=bold, italic=italic)
    return p


def _runs_para(fmt: _P, runs: Iterable[Run], size: float, prefix: str = "") -> _Element:
    p = _para(fmt)
    if prefix:
        _run(p, prefix, size)
    for run in runs:
        _run(p, run.text, size, bold=run.bold, italic=run.italic)
    return p


def _rule(length: int, avail: int, *, after: int = 0) -> _Element:
    """Return an empty paragraph whose bottom border is a centred line `length` twips long."""
    length = max(0, min(length, avail))
    side = (avail - length) // 2
    return _para(
        _P(
            align="center",
            left=side,
            right=avail - length - side,
            line=RULE_GAP,
            rule="exact",
            after=after,
            border_bottom=True,
            mark_size=1,
        )
    )


def _table(widths: Sequence[int], *, borders: bool, indent: int = 0) -> _Element:
    tbl = OxmlElement("w:tbl")
    tblpr = _sub(tbl, "w:tblPr")
    _sub(tblpr, "w:tblW", w=sum(widths), type="dxa")
    _sub(tblpr, "w:tblInd", w=indent, type="dxa")
    bdr = _sub(tblpr, "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if borders:
            _sub(bdr, f"w:{side}", val="single", sz=4, space=0, color="000000")
        else:
            _sub(bdr, f"w:{side}", val="nil")
    _sub(tblpr, "w:tblLayout", type="fixed")
    mar = _sub(tblpr, "w:tblCellMar")
    _sub(mar, "w:left", w=CELL_MARGIN, type="dxa")
    _sub(mar, "w:right", w=CELL_MARGIN, type="dxa")
    _sub(tblpr, "w:tblLook", val="0000", firstRow=0, lastRow=0, firstColumn=0, lastColumn=0, noHBand=1, noVBand=1)
    grid = _sub(tbl, "w:tblGrid")
    for w in widths:
        _sub(grid, "w:gridCol", w=w)
    return tbl


def _row(tbl: _Element, *, cant_split: bool = False, header: bool = False) -> _Element:
    tr = _sub(tbl, "w:tr")
    if cant_split or header:
        trpr = _sub(tr, "w:trPr")
        if cant_split:
            _sub(trpr, "w:cantSplit")
        if header:
            _sub(trpr, "w:tblHeader")
    return tr


def _cell(tr: _Element, width: int, *, span: int = 1, valign: str = "top") -> _Element:
    tc = _sub(tr, "w:tc")
    tcpr = _sub(tc, "w:tcPr")
    _sub(tcpr, "w:tcW", w=width, type="dxa")
    if span > 1:
        _sub(tcpr, "w:gridSpan", val=span)
    _sub(tcpr, "w:vAlign", val=valign)
    return tc


class _Body:
    """Appends paragraphs and tables to the document body, before its sectPr."""

    def __init__(self, body: _Element) -> None:
        self.body = body
        self.sect = body.find(qn("w:sectPr"))
        self.last: _Element | None = None

    def add(self, el: _Element) -> _Element:
        if el.tag == qn("w:tbl") and self.last is not None and self.last.tag == qn("w:tbl"):
            self.add(_para(_P(line=120, rule="exact", mark_size=6)))  # Word merges adjacent tables
        if self.sect is not None:
            self.sect.addprevious(el)
        else:
            self.body.append(el)
        self.last = el
        return el


# ----------------------------------------------------------------------------- the parts


def _centred(*, before: int = 0, after: int = 0) -> _P:
    return _P(align="center", before=before, after=after)


def _letterhead(out: _Body, frame: Frame) -> None:
    """Two rows: agency | Quốc hiệu + Tiêu ngữ, then Số (+ V/v) | place and date on one baseline."""
    tbl = _table((LEFT_COL, RIGHT_COL), borders=False)
    left_avail = LEFT_COL - 2 * CELL_MARGIN
    right_avail = RIGHT_COL - 2 * CELL_MARGIN

    row1 = _row(tbl, cant_split=True)
    left = _cell(row1, LEFT_COL)
    agency = [clean_text(a).strip().upper() for a in frame.agency if a.strip()]
    if frame.superior and frame.superior.strip():
        left.append(_text_para(_centred(), frame.superior.strip().upper(), SIZE_AGENCY))
    for line in agency:
        left.append(_text_para(_centred(), line, SIZE_AGENCY, bold=True))
    widest = max(text_width_twips(a, SIZE_AGENCY, bold=True) for a in agency)
    left.append(_rule(round(min(widest, left_avail) * 0.4), left_avail))

    right = _cell(row1, RIGHT_COL)
    right.append(_text_para(_centred(), QUOC_HIEU, SIZE_QUOC_HIEU, bold=True))
    right.append(_text_para(_centred(), TIEU_NGU, SIZE_TIEU_NGU, bold=True))
    right.append(_rule(text_width_twips(TIEU_NGU, SIZE_TIEU_NGU, bold=True), right_avail))

    row2 = _row(tbl, cant_split=True)
    left = _cell(row2, LEFT_COL)
    left.append(_text_para(_centred(before=160), number_line(frame), SIZE_NUMBER))
    if frame.form == "cong_van":
        summary = clean_text(frame.summary).strip()
        if summary[:4].casefold() == "v/v ":
            summary = summary[4:].lstrip()
        left.append(_text_para(_centred(before=120), f"V/v {summary}", SIZE_VV))
    right = _cell(row2, RIGHT_COL)
    right.append(_text_para(_centred(before=160), place_date_line(frame), SIZE_PLACE_DATE, italic=True))
    out.add(tbl)


def _title(out: _Body, frame: Frame) -> None:
    """BÁO CÁO, the trích yếu under it and a short rule (1/3–1/2 of the trích yếu line)."""
    doc_type = clean_text(frame.doc_type or "").strip().upper()
    out.add(_text_para(_P(align="center", before=360, keep_next=True), doc_type, SIZE_TITLE, bold=True))
    summary = clean_text(frame.summary).strip()
    if summary:
        out.add(_text_para(_P(align="center", keep_next=True), summary, SIZE_TITLE, bold=True))
        line = min(text_width_twips(summary, SIZE_TITLE, bold=True), TEXT_W)
        out.add(_rule(round(line * 0.4), TEXT_W, after=240))
    else:
        out.add(_para(_P(after=240, line=40, rule="exact", mark_size=1)))


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


def body_blocks(frame: Frame) -> list[Block]:
    """Return the body as printed: the frame's blocks with "./." closing the last one."""
    return _with_end_mark(frame.body)


def _kinh_gui(out: _Body, frame: Frame) -> None:
    """ "Kính gửi: X." on one line, or one "- X;" per line with the dashes under the colon."""
    lines = to_lines(frame)
    if not lines:
        return
    before = 360 if frame.form == "cong_van" else 0
    label = "Kính gửi"
    if len(lines) == 1:
        out.add(_text_para(_P(align="center", before=before, after=240), f"{label}: {lines[0]}", SIZE_BODY))
        return
    label_w = text_width_twips(label, SIZE_BODY)
    dash_w = text_width_twips("- ", SIZE_BODY)
    block = label_w + max(text_width_twips(x, SIZE_BODY) for x in lines)
    x0 = max(0, (TEXT_W - block) // 2)
    out.add(_text_para(_P(left=x0, before=before, keep_next=True), f"{label}:", SIZE_BODY))
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        fmt = _P(left=x0 + label_w + dash_w, first=-dash_w, after=240 if last else 0, keep_next=not last)
        out.add(_text_para(fmt, line, SIZE_BODY))


_BODY = _P(align="both", first=BODY_FIRST_LINE, after=BODY_AFTER, line=BODY_LINE)


def _bases(out: _Body, frame: Frame) -> None:
    for line in basis_lines(frame):
        out.add(_text_para(_BODY, line, SIZE_BODY, italic=True))


def _with_end_mark(blocks: tuple[Block, ...]) -> list[Block]:
    """Return `blocks` with "./." closing the last paragraph (or after a final table)."""
    out = list(blocks)
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


def _body(out: _Body, frame: Frame) -> None:
    items = body_blocks(frame)
    after_table = False
    for i, block in enumerate(items):
        last = i == len(items) - 1
        before = BODY_AFTER if after_table else 0
        after_table = False
        if isinstance(block, Table):
            out.add(_body_table(block))
            after_table = True
            continue
        if isinstance(block, Heading):
            fmt = replace(_BODY, align="left", before=before, keep_next=True)
            italic = block.level >= 3
            bold = block.level <= 3
            runs = [Run(r.text, r.bold or bold, r.italic or italic) for r in block.runs]
            out.add(_runs_para(fmt, runs, SIZE_BODY))
        elif isinstance(block, ListItem):
            fmt = replace(_BODY, before=before, keep_next=last)
            out.add(_runs_para(fmt, block.runs, SIZE_BODY, prefix=f"{block.mark} "))
        else:
            fmt = replace(
                _BODY,
                align=_ALIGN[block.align],
                first=BODY_FIRST_LINE if block.indent else 0,
                before=before,
                keep_next=last,
            )
            out.add(_runs_para(fmt, block.runs, SIZE_BODY))


def _body_table(table: Table) -> _Element:
    ncols = len(table.widths)
    total = sum(table.widths)
    widths = [int(TEXT_W * w / total) for w in table.widths]
    widths[-1] += TEXT_W - sum(widths)
    tbl = _table(widths, borders=True)
    for index, cells in enumerate(table.rows):
        tr = _row(tbl, cant_split=True, header=index < table.header_rows)
        col = 0
        for cell in cells:
            span = min(cell.colspan, ncols - col)
            tc = _cell(tr, sum(widths[col : col + span]), span=span, valign="center")
            fmt = _P(align=_ALIGN[cell.align], before=40, after=40)
            tc.append(_runs_para(fmt, cell.runs, SIZE_TABLE))
            col += span
    return tbl


def _closing(out: _Body, frame: Frame) -> None:
    """Nơi nhận (left) and the signature block (right) in one row that never splits."""
    tbl = _table((LEFT_COL, RIGHT_COL), borders=False)
    tr = _row(tbl, cant_split=True)
    left = _cell(tr, LEFT_COL)
    # 12 pt label vs 14 pt authority line: shift by the ascent difference to share a baseline
    left.append(_text_para(_P(before=160 + 36), "Nơi nhận:", SIZE_NOI_NHAN, bold=True, italic=True))
    dash_w = text_width_twips("- ", SIZE_RECIPIENTS)
    for line in recipient_lines(frame):
        left.append(_text_para(_P(left=dash_w, first=-dash_w), line, SIZE_RECIPIENTS))

    right = _cell(tr, RIGHT_COL)
    signer = frame.signer
    heads = [clean_text(a).strip().upper() for a in signer.authority if a.strip()]
    heads.append(clean_text(signer.position).strip().upper())
    for i, line in enumerate(h for h in heads if h):
        right.append(_text_para(_P(align="center", before=160 if i == 0 else 0), line, SIZE_SIGNER, bold=True))
    for _ in range(SIGNATURE_GAP_LINES):
        right.append(_para(_P(align="center", mark_size=SIZE_SIGNER)))
    right.append(_text_para(_P(align="center"), clean_text(signer.name).strip(), SIZE_SIGNER, bold=True))
    out.add(tbl)
    # Word always ends a document with a paragraph; a 1 pt one cannot spill onto an empty last page
    out.add(_para(_P(line=20, rule="exact", mark_size=1)))


def _page_numbers(document: DocumentObject) -> None:
    """Centred PAGE field in the default header; page 1 gets an empty first-page header."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    for part in (section.header, section.first_page_header):
        part.is_linked_to_previous = False
        hdr = part._element
        for child in list(hdr):
            hdr.remove(child)
    first = section.first_page_header._element
    first.append(_para(_P(align="center", mark_size=SIZE_PAGE_NUMBER)))
    hdr = section.header._element
    p = _para(_P(align="center", mark_size=SIZE_PAGE_NUMBER))
    for kind, payload in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "2"), ("end", None)):
        r = _sub(p, "w:r")
        _rpr(r, SIZE_PAGE_NUMBER, False, False)
        if kind == "instr":
            instr = _sub(r, "w:instrText")
            instr.text = payload
            instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        elif kind == "text":
            _sub(r, "w:t").text = payload
        else:
            _sub(r, "w:fldChar", fldCharType=kind)
    hdr.append(p)


# ----------------------------------------------------------------------------- package set-up

_RFONTS = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
_STYLES = f"""
<w:styles {nsdecls("w")}>
  <w:docDefaults>
    <w:rPrDefault><w:rPr>{_RFONTS}<w:sz w:val="28"/><w:szCs w:val="28"/>
      <w:lang w:val="{LANG}" w:eastAsia="{LANG}" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>
    <w:pPrDefault><w:pPr><w:widowControl/><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>
  </w:docDefaults>
  <w:style w:type="paragraph" w:default="1" w:styleId="Normal">
    <w:name w:val="Normal"/><w:qFormat/>
    <w:rPr>{_RFONTS}<w:sz w:val="28"/><w:szCs w:val="28"/>
      <w:lang w:val="{LANG}" w:eastAsia="{LANG}" w:bidi="ar-SA"/></w:rPr>
  </w:style>
  <w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">
    <w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/>
  </w:style>
  <w:style w:type="table" w:default="1" w:styleId="TableNormal">
    <w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>
    <w:rPr>{_RFONTS}</w:rPr>
    <w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>
      <w:left w:w="{CELL_MARGIN}" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>
      <w:right w:w="{CELL_MARGIN}" w:type="dxa"/></w:tblCellMar></w:tblPr>
  </w:style>
  <w:style w:type="numbering" w:default="1" w:styleId="NoList">
    <w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>
  </w:style>
  <w:style w:type="paragraph" w:styleId="Header">
    <w:name w:val="header"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>
    <w:pPr><w:tabs><w:tab w:val="center" w:pos="{TEXT_W // 2}"/><w:tab w:val="right" w:pos="{TEXT_W}"/></w:tabs></w:pPr>
    <w:rPr>{_RFONTS}</w:rPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="Footer">
    <w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>
    <w:pPr><w:tabs><w:tab w:val="center" w:pos="{TEXT_W // 2}"/><w:tab w:val="right" w:pos="{TEXT_W}"/></w:tabs></w:pPr>
    <w:rPr>{_RFONTS}</w:rPr>
  </w:style>
</w:styles>
"""

_DROP_DOC_RELS = (
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml",
)
_THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"


def _prepare_package(document: DocumentObject, frame: Frame) -> None:
    """Replace the template's styles with Times New Roman/vi-VN ones and drop parts we do not use."""
    styles = document.styles.element
    for child in list(styles):
        styles.remove(child)
    for child in parse_xml(_STYLES.strip()):
        styles.append(child)

    for rid, rel in list(document.part.rels.items()):
        if rel.reltype in _DROP_DOC_RELS:
            del document.part.rels[rid]
    package_rels = document.part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype == _THUMBNAIL:
            del package_rels[rid]

    settings = document.settings.element
    for el in settings.findall(qn("w:proofState")):
        settings.remove(el)
    for el in settings.iter(qn("w:compatSetting")):
        if el.get(qn("w:name")) == "compatibilityMode":
            el.set(qn("w:val"), "15")
    for el in settings.findall(qn("w:themeFontLang")):
        el.set(qn("w:val"), LANG)
        el.attrib.pop(qn("w:eastAsia"), None)

    props = document.core_properties
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    props.title = clean_text(f"{frame.doc_type or 'Công văn'}: {frame.summary}".strip())[:250]
    props.subject = clean_text(f"{frame.number or ''}/{frame.symbol}".lstrip("/"))[:250]
    props.author = clean_text(" ".join(a.strip() for a in frame.agency))[:250]
    props.last_modified_by = "kpdesk"
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.language = LANG
    props.revision = 1
    props.created = now
    props.modified = now


def _page_setup(document: DocumentObject) -> None:
    from docx.enum.section import WD_ORIENT

    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Twips(PAGE_W)
    section.page_height = Twips(PAGE_H)
    section.top_margin = Twips(MARGIN_TOP)
    section.bottom_margin = Twips(MARGIN_BOTTOM)
    section.left_margin = Twips(MARGIN_LEFT)
    section.right_margin = Twips(MARGIN_RIGHT)
    section.header_distance = Twips(HEADER_DISTANCE)
    section.footer_distance = Twips(FOOTER_DISTANCE)
    section.gutter = Twips(0)
