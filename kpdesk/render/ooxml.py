"""WordprocessingML elements for the layout's parts: paragraphs, runs, tables and rules (lxml, python-docx classes)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from kpdesk.render.frame import Format, Grid, Para, Part, Picture

if TYPE_CHECKING:
    from lxml.etree import _Element

_JC = {"left": "left", "center": "center", "right": "right", "justify": "both", "both": "both"}
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_CLARK: dict[str, str] = {}


def _clark(name: str) -> str:
    """qn("w:tag"), remembered: a document uses a few dozen names thousands of times."""
    try:
        return _CLARK[name]
    except KeyError:
        _CLARK[name] = clark = qn(name)
        return clark


def sub(parent: _Element, tag: str, **attrs: str | int) -> _Element:
    """Append a `tag` element with w: attributes `attrs` to `parent` and return it."""
    # lxml's SubElement takes the parent's parser, so python-docx's element classes (CT_P, CT_R…) still apply;
    # OxmlElement + set + append cost ~3x as much per element
    return etree.SubElement(parent, _clark(tag), {_clark(f"w:{k}"): str(v) for k, v in attrs.items()})


def run_properties(parent: _Element, font: str, size: float, bold: bool = False, italic: bool = False) -> _Element:
    """Append a w:rPr: `font` in every slot, bold, italic and the size in half-points."""
    rpr = sub(parent, "w:rPr")
    sub(rpr, "w:rFonts", ascii=font, hAnsi=font, eastAsia=font, cs=font)
    if bold:
        sub(rpr, "w:b")
        sub(rpr, "w:bCs")
    if italic:
        sub(rpr, "w:i")
        sub(rpr, "w:iCs")
    half = str(round(size * 2))
    sub(rpr, "w:sz", val=half)
    sub(rpr, "w:szCs", val=half)
    return rpr


def empty_paragraph(fmt: Format, font: str) -> _Element:
    """Return a w:p with the paragraph properties of `fmt` and no run."""
    p = OxmlElement("w:p")
    ppr = sub(p, "w:pPr")
    if fmt.keep_next:
        sub(ppr, "w:keepNext")
    if fmt.keep_lines:
        sub(ppr, "w:keepLines")
    if fmt.border_bottom:
        bdr = sub(ppr, "w:pBdr")
        sub(bdr, "w:bottom", val="single", sz=6, space=1, color="000000")
    sub(ppr, "w:spacing", before=fmt.before, after=fmt.after, line=fmt.line, lineRule=fmt.rule)
    ind = sub(ppr, "w:ind", left=fmt.left, right=fmt.right)
    if fmt.first >= 0:
        ind.set(_clark("w:firstLine"), str(fmt.first))
    else:
        ind.set(_clark("w:hanging"), str(-fmt.first))
    sub(ppr, "w:jc", val=_JC[fmt.align])
    if fmt.mark_size is not None:
        run_properties(ppr, font, fmt.mark_size)
    return p


def add_run(p: _Element, text: str, font: str, size: float, *, bold: bool = False, italic: bool = False) -> None:
    """Append a run of `text` (already as printed) to `p`; "\\t" becomes w:tab and "\\n" w:br."""
    r = sub(p, "w:r")
    run_properties(r, font, size, bold, italic)
    if "\t" not in text and "\n" not in text:
        t = sub(r, "w:t")
        t.text = text
        t.set(_XML_SPACE, "preserve")
        return
    buf: list[str] = []

    def flush() -> None:
        if buf:
            t = sub(r, "w:t")
            t.text = "".join(buf)
            t.set(_XML_SPACE, "preserve")
            buf.clear()

    for ch in text:
        if ch == "\t":
            flush()
            sub(r, "w:tab")
        elif ch == "\n":
            flush()
            sub(r, "w:br")
        else:
            buf.append(ch)
    flush()


def paragraph(para: Para, font: str) -> _Element:
    """Return the w:p of `para`."""
    p = empty_paragraph(para.fmt, font)
    for run in para.runs:
        add_run(p, run.text, font, para.size, bold=run.bold, italic=run.italic)
    return p


def table(grid: Grid, font: str) -> _Element:
    """Return the w:tbl of `grid`: fixed layout, its column widths, rows and cells."""
    tbl = OxmlElement("w:tbl")
    tblpr = sub(tbl, "w:tblPr")
    sub(tblpr, "w:tblW", w=sum(grid.widths), type="dxa")
    sub(tblpr, "w:tblInd", w=grid.indent, type="dxa")
    bdr = sub(tblpr, "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if grid.borders:
            sub(bdr, f"w:{side}", val="single", sz=4, space=0, color="000000")
        else:
            sub(bdr, f"w:{side}", val="nil")
    sub(tblpr, "w:tblLayout", type="fixed")
    mar = sub(tblpr, "w:tblCellMar")
    sub(mar, "w:left", w=grid.cell_margin, type="dxa")
    sub(mar, "w:right", w=grid.cell_margin, type="dxa")
    sub(tblpr, "w:tblLook", val="0000", firstRow=0, lastRow=0, firstColumn=0, lastColumn=0, noHBand=1, noVBand=1)
    tblgrid = sub(tbl, "w:tblGrid")
    for w in grid.widths:
        sub(tblgrid, "w:gridCol", w=w)
    for row in grid.rows:
        tr = sub(tbl, "w:tr")
        if row.cant_split or row.header:
            trpr = sub(tr, "w:trPr")
            if row.cant_split:
                sub(trpr, "w:cantSplit")
            if row.header:
                sub(trpr, "w:tblHeader")
        for cell in row.cells:
            tc = sub(tr, "w:tc")
            tcpr = sub(tc, "w:tcPr")
            sub(tcpr, "w:tcW", w=cell.width, type="dxa")
            if cell.span > 1:
                sub(tcpr, "w:gridSpan", val=cell.span)
            sub(tcpr, "w:vAlign", val=cell.valign)
            for para in cell.paras:
                tc.append(paragraph(para, font))
    return tbl


def picture(pic: Picture, font: str, inline: Callable[[Picture], _Element]) -> _Element:
    """Return the w:p holding `pic` as an inline drawing; `inline` makes the wp:inline (it adds the image part)."""
    p = empty_paragraph(pic.fmt, font)
    run = sub(p, "w:r")
    sub(run, "w:drawing").append(inline(pic))
    return p


def elements(
    parts: tuple[Part, ...], font: str, inline: Callable[[Picture], _Element] | None = None
) -> Iterator[_Element]:
    """Yield the body elements (w:p, w:tbl) of `parts` in order, lazily: a picture's `inline` is made once the
    parts before it are in the document (its drawing id follows theirs)."""
    for part in parts:
        if isinstance(part, Grid):
            yield table(part, font)
        elif isinstance(part, Picture):
            if inline is None:
                raise ValueError("a layout with pictures needs the document's image maker")
            yield picture(part, font, inline)
        else:
            yield paragraph(part, font)


def page_number_field(p: _Element, font: str, size: float) -> None:
    """Append a PAGE field (showing "2" until Word updates it) to `p`."""
    for kind, payload in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "2"), ("end", None)):
        r = sub(p, "w:r")
        run_properties(r, font, size)
        if kind == "instr":
            instr = sub(r, "w:instrText")
            instr.text = payload
            instr.set(_XML_SPACE, "preserve")
        elif kind == "text":
            sub(r, "w:t").text = payload
        else:
            sub(r, "w:fldChar", fldCharType=kind)
