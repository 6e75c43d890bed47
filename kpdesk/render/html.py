"""An HTML writer of the layout, in the subset Qt's QTextDocument reads: the preview shows the .docx's own layout."""

from __future__ import annotations

import base64
import html
import re
from dataclasses import replace

from kpdesk.render.frame import Format, Grid, Layout, Para, Picture

__all__ = ["PX_PER_TWIP", "layout_html"]

#: The 96-per-inch pixels QTextDocument lays text out in, per twip (1/1440 inch) of the layout.
PX_PER_TWIP = 96 / 1440

_ALIGN = {"left": "left", "center": "center", "right": "right", "justify": "justify"}
_VALIGN = {"top": "top", "center": "middle", "bottom": "bottom"}
_PRE = re.compile(r"\t|  |^ | $| \n|\n ")  # text whose spaces and tabs only print as typed with pre-wrap


def layout_html(layout: Layout) -> str:
    """Return `layout` as one HTML document: every paragraph one `<p>` (a rule one `<hr>`) on its own line, in the
    layout's order, with the same texts, type sizes, spacing, indents and table widths as the .docx.

    Word's line spacing and paragraph spacing map to CSS as QTextDocument reads them: "auto" spacing as a
    percentage line height, "exact" as `-qt-line-height-type: fixed`; spacing before and after as margins (Qt
    keeps the larger of two touching margins where Word adds them). Empty paragraphs keep their height with
    `-qt-paragraph-type: empty`. Rules (a paragraph border in the .docx) are `<hr>` of the same length.
    """
    page = layout.page
    out = [
        '<html><head><meta charset="utf-8"></head>',
        f"<body style=\"font-family: '{page.font}', 'Liberation Serif', 'DejaVu Serif', serif; "
        f'font-size: {_num(page.size)}pt; color: #000;">',
    ]
    for part in layout.parts:
        if isinstance(part, Grid):
            out.extend(_table(part))
        elif isinstance(part, Picture):
            out.append(_picture(part))
        else:
            out.append(_paragraph(part, page.text_width))
    out.append("</body></html>")
    return "\n".join(out)


def _num(value: float) -> str:
    """`value` as CSS writes it: no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _px(twips: float) -> str:
    return f"{_num(twips * PX_PER_TWIP)}px"


def _spacing(fmt: Format) -> list[str]:
    """The CSS of `fmt`'s spacing: margins, indents and line height."""
    css = [
        f"margin-top: {_px(fmt.before)}",
        f"margin-bottom: {_px(fmt.after)}",
        f"margin-left: {_px(fmt.left)}",
        f"margin-right: {_px(fmt.right)}",
    ]
    if fmt.first:
        css.append(f"text-indent: {_px(fmt.first)}")
    if fmt.rule == "auto":
        if fmt.line != 240:
            css.append(f"line-height: {_num(fmt.line / 240 * 100)}%")
    else:
        kind = "fixed" if fmt.rule == "exact" else "minimum"
        css.append(f"line-height: {_px(fmt.line)}; -qt-line-height-type: {kind}")
    return css


def _paragraph(para: Para, avail: int) -> str:
    """One `<p>` (or `<hr>` for a rule) for `para`; `avail` is the width (twips) of the text box it sits in."""
    fmt = para.fmt
    if fmt.border_bottom and not para.runs:
        # Word draws the border 1 pt under the paragraph, Qt a rule across the middle of its block
        length = avail - fmt.left - fmt.right
        css = _spacing(Format(before=fmt.before, after=fmt.after, line=2 * (fmt.line + 20), rule=fmt.rule))
        css.append(f"font-size: {_num(fmt.mark_size or 1)}pt")
        return f'<hr width="{_num(length * PX_PER_TWIP)}" style="{"; ".join(css)}" />'
    css = _spacing(fmt)
    css.append(f"text-align: {_ALIGN[fmt.align]}")
    if fmt.section_break:
        css.append("page-break-after: always")
    if not para.runs:
        css.append(f"font-size: {_num(fmt.mark_size or para.size)}pt; -qt-paragraph-type: empty")
        return f'<p style="{"; ".join(css)}"></p>'
    css.append(f"font-size: {_num(para.size)}pt")
    if _PRE.search(para.text):
        css.append("white-space: pre-wrap")
    inner = []
    for run in para.runs:
        text = html.escape(run.text, quote=False).replace("\n", "<br />")
        if run.bold:
            text = f"<b>{text}</b>"
        if run.italic:
            text = f"<i>{text}</i>"
        inner.append(text)
    return f'<p style="{"; ".join(css)}">{"".join(inner)}</p>'


def _picture(pic: Picture) -> str:
    """One `<p>` holding the picture as an `<img>` of its printed size (its PNG inline, as a data URL)."""
    css = _spacing(pic.fmt)
    css.append(f"text-align: {_ALIGN[pic.fmt.align]}")
    data = base64.b64encode(pic.png).decode("ascii")
    alt = html.escape(pic.name, quote=True)
    return (
        f'<p style="{"; ".join(css)}"><img src="data:image/png;base64,{data}" alt="{alt}" '
        f'width="{_num(pic.width * PX_PER_TWIP)}" height="{_num(pic.height * PX_PER_TWIP)}" /></p>'
    )


def _table(grid: Grid) -> list[str]:
    """The lines of one `<table>`: fixed widths, the header rows in `<thead>` (repeated on each page)."""
    border = (
        'border="1" style="border-collapse: collapse; border-style: solid; border-color: #000;'
        if grid.borders
        else 'border="0" style="'
    )
    out = [
        f'<table width="{_num(sum(grid.widths) * PX_PER_TWIP)}" cellspacing="0" cellpadding="0" {border} '
        f'margin-left: {_px(grid.indent)};">'
    ]
    head = [row for row in grid.rows if row.header]
    body = [row for row in grid.rows if not row.header]
    for group, rows in (("thead", head), ("tbody", body)):
        if not rows:
            continue
        out.append(f"<{group}>")
        for row in rows:
            out.append("<tr>")
            for cell in row.cells:
                # Qt drops the top margin of a cell's first paragraph: it becomes the cell's top padding
                paras = list(cell.paras)
                top = paras[0].fmt.before if paras else 0
                if top:
                    paras[0] = replace(paras[0], fmt=replace(paras[0].fmt, before=0))
                span = f' colspan="{cell.span}"' if cell.span > 1 else ""
                out.append(
                    f'<td width="{_num(cell.width * PX_PER_TWIP)}"{span} valign="{_VALIGN[cell.valign]}" '
                    f'style="padding-left: {_px(grid.cell_margin)}; padding-right: {_px(grid.cell_margin)}; '
                    f'padding-top: {_px(top)}; padding-bottom: 0px;">'
                )
                out.extend(_paragraph(para, cell.width - 2 * grid.cell_margin) for para in paras)
                out.append("</td>")
            out.append("</tr>")
        out.append(f"</{group}>")
    out.append("</table>")
    return out
