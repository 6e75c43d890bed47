"""The report as it will print, as HTML for a QTextBrowser, made from the same frame the .docx is made from.

Every text comes from the core: `report.build_frame` gives the letterhead texts, title, Kính gửi, bases,
body blocks, recipients and signer; `kpdesk.render.frame` gives the exact printed lines (number line,
place and date, Nơi nhận with "Như trên"/"Lưu", the closing "./."). Only the layout is approximated.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from kpdesk.render.markup import Block, Heading, ListItem, Paragraph, Run, Table

if TYPE_CHECKING:  # the frame module imports python-docx (~50 ms): not needed until a preview is shown
    from kpdesk.render import frame as nd30

_CSS = """
body { font-family: 'Times New Roman', 'Liberation Serif', 'DejaVu Serif', serif; font-size: 13pt; color: #000; }
p { margin-top: 0; margin-bottom: 6px; }
td { vertical-align: top; }
.c { text-align: center; }
.b { font-weight: bold; }
.i { font-style: italic; }
.small { font-size: 11pt; }
"""


def _e(text: str) -> str:
    """Escape `text`, keeping its line breaks, tabs and runs of spaces (the blanks left for the clerk)."""
    out = html.escape(text, quote=False).replace("\n", "<br>").replace("\t", "&nbsp;&nbsp;&nbsp;&nbsp;")
    return out.replace("  ", "&nbsp; ")


def _runs(runs: tuple[Run, ...]) -> str:
    out = []
    for run in runs:
        text = _e(run.text)
        if run.bold:
            text = f"<b>{text}</b>"
        if run.italic:
            text = f"<i>{text}</i>"
        out.append(text)
    return "".join(out)


_ALIGN = {"justify": "justify", "left": "left", "center": "center", "right": "right"}


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        inner = _runs(block.runs)
        if block.level <= 3:
            inner = f"<b>{inner}</b>"
        if block.level >= 3:
            inner = f"<i>{inner}</i>"
        return f'<p style="text-indent: 30px; text-align: justify;">{inner}</p>'
    if isinstance(block, ListItem):
        return f'<p style="text-indent: 30px; text-align: justify;">{_e(block.mark)} {_runs(block.runs)}</p>'
    if isinstance(block, Paragraph):
        indent = "text-indent: 30px; " if block.indent else ""
        return f'<p style="{indent}text-align: {_ALIGN.get(block.align, "justify")};">{_runs(block.runs)}</p>'
    if isinstance(block, Table):
        total = sum(block.widths) or 1
        rows = []
        for index, cells in enumerate(block.rows):
            tds = []
            col = 0
            for cell in cells:
                width = sum(block.widths[col:col + cell.colspan]) / total * 100
                span = f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
                inner = _runs(cell.runs) or "&nbsp;"
                if index < block.header_rows:
                    inner = f"<b>{inner}</b>"
                tds.append(f'<td width="{width:.0f}%"{span} align="{cell.align}" '
                           f'style="padding: 3px;">{inner}</td>')
                col += cell.colspan
            rows.append("<tr>" + "".join(tds) + "</tr>")
        return ('<table width="100%" border="1" cellspacing="0" cellpadding="3" '
                'style="border-collapse: collapse; border-color: #000; margin-bottom: 8px; font-size: 12pt;">'
                + "".join(rows) + "</table>")
    return ""


def frame_html(frame: nd30.Frame) -> str:
    """Return the whole document of `frame` as HTML: letterhead, title, Kính gửi, bases, body, closing."""
    from kpdesk.render import frame as nd30

    parts = [f"<html><head><style>{_CSS}</style></head><body>"]
    agency = [a.strip().upper() for a in frame.agency if a.strip()]
    left = "".join(f'<p class="c b" style="margin:0">{_e(a)}</p>' for a in agency)
    if frame.superior:
        left = f'<p class="c" style="margin:0">{_e(frame.superior.upper())}</p>' + left
    left += '<p class="c" style="margin:0">―――</p>'
    right = (f'<p class="c b" style="margin:0; white-space: nowrap; font-size: 12pt">{_e(nd30.QUOC_HIEU)}</p>'
             f'<p class="c b" style="margin:0">{_e(nd30.TIEU_NGU)}</p>'
             '<p class="c" style="margin:0">――――――――</p>')
    number = f'<p class="c" style="margin:0; white-space: nowrap">{_e(nd30.number_line(frame))}</p>'
    if frame.form == "cong_van":
        summary = frame.summary.strip()
        if summary[:4].casefold() == "v/v ":
            summary = summary[4:].lstrip()
        number += f'<p class="c small" style="margin-top:4px">V/v {_e(summary)}</p>'
    place = f'<p class="c i" style="margin:0; white-space: nowrap">{_e(nd30.place_date_line(frame))}</p>'
    parts.append('<table width="100%" cellspacing="0" cellpadding="2">'
                 f'<tr><td width="39%">{left}</td><td width="61%">{right}</td></tr>'
                 f'<tr><td>{number}</td><td>{place}</td></tr></table>')
    if frame.form == "bao_cao":
        parts.append(f'<p class="c b" style="margin-top:18px; margin-bottom:0; font-size:14pt">'
                     f'{_e((frame.doc_type or "").upper())}</p>')
        if frame.summary.strip():
            parts.append(f'<p class="c b" style="font-size:14pt; margin-bottom:2px">{_e(frame.summary.strip())}</p>')
            parts.append('<p class="c" style="margin-top:0">――――――</p>')
    to = nd30.to_lines(frame)
    if len(to) == 1:
        parts.append(f'<p class="c" style="margin-top:14px">Kính gửi: {_e(to[0])}</p>')
    elif to:
        lines = "<br>".join(_e(x) for x in to)
        parts.append(f'<table align="center" style="margin-top:14px"><tr><td>Kính gửi:</td><td>{lines}</td></tr>'
                     '</table>')
    for line in nd30.basis_lines(frame):
        parts.append(f'<p class="i" style="text-indent:30px; text-align: justify;">{_e(line)}</p>')
    for block in nd30.body_blocks(frame):
        parts.append(_block(block))
    recipients = "<br>".join(_e(line) for line in nd30.recipient_lines(frame))
    signer = frame.signer
    heads = [a.strip().upper() for a in signer.authority if a.strip()] + [signer.position.strip().upper()]
    sign = "".join(f'<p class="c b" style="margin:0">{_e(h)}</p>' for h in heads if h)
    sign += '<p style="margin:0">&nbsp;</p>' * 4 + f'<p class="c b" style="margin:0">{_e(signer.name.strip())}</p>'
    parts.append('<table width="100%" cellspacing="0" cellpadding="2" style="margin-top:12px">'
                 f'<tr><td width="40%"><p class="b i small" style="margin:0">Nơi nhận:</p>'
                 f'<p class="small" style="margin:0; font-size:10pt">{recipients}</p></td>'
                 f'<td width="60%">{sign}</td></tr></table>')
    parts.append("</body></html>")
    return "".join(parts)
