"""The plain text of a document, paragraph by paragraph: of a layout, and read back from a written .docx."""

from __future__ import annotations

from kpdesk.render.frame import Grid, Layout
from kpdesk.render.package import Element, Source, open_package

__all__ = ["docx_text_lines", "text_digest", "text_lines"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_P, _R, _RPR, _VANISH, _BODY = f"{_W}p", f"{_W}r", f"{_W}rPr", f"{_W}vanish", f"{_W}body"
#: What each run child prints: text as it is, a tab, a line break; the rest (field codes, deleted text,
#: footnote marks, drawings…) prints nothing of its own.
_PRINTS = {
    f"{_W}t": None,
    f"{_W}tab": "\t",
    f"{_W}br": "\n",
    f"{_W}cr": "\n",
    f"{_W}noBreakHyphen": "\u2011",
    f"{_W}softHyphen": "\u00ad",
}
_OFF = ("0", "false", "off")


def text_lines(layout: Layout) -> list[str]:
    """Return the text of every paragraph of `layout` in document order, one string per paragraph.

    Paragraphs inside a table come row by row, cell by cell, in the place of the table. A line break inside a
    paragraph is "\\n" and a tab "\\t"; nothing is stripped or normalised, and empty paragraphs (the rules, the
    spacing paragraphs, the signature gap, an empty table cell) are kept as "". This is exactly what
    `docx_text_lines` reads back from the .docx written from `layout`, so a difference between the two means the
    file was changed after export.
    """
    lines: list[str] = []
    for part in layout.parts:
        if isinstance(part, Grid):
            lines.extend(para.text for row in part.rows for cell in row.cells for para in cell.paras)
        else:
            lines.append(part.text)
    return lines


def text_digest(lines: list[str], payload: str = "") -> str:
    """Return the sha256 of what `lines` say together with the draft's JSON `payload` the file carries, ignoring
    how a word processor may respace the lines: each line in NFC, its no-break and other spaces made plain and runs
    of whitespace made one. The .docx carries the digest of what it showed and held when kpdesk wrote it, so a
    department can tell at once that neither the text nor the data was changed since; when either was, the
    digest differs and the page is compared with the data line by line."""
    import hashlib
    import unicodedata

    said = "\n".join(" ".join(unicodedata.normalize("NFC", line).replace("\u00a0", " ").split()) for line in lines)
    return hashlib.sha256(f"{said}\n\0{payload}".encode()).hexdigest()


def docx_text_lines(source: Source) -> list[str]:
    """Return the text of every paragraph (w:p) of a .docx's main document part, in document order, as Word shows
    it: one string per paragraph, nested table paragraphs where they stand.

    A paragraph's text is its runs' w:t text, with "\\t" for w:tab, "\\n" for w:br and w:cr, U+2011 for
    w:noBreakHyphen and U+00AD for w:softHyphen; hidden runs (w:vanish), field codes (w:instrText) and deleted
    text (w:delText) are left out, as is the fallback copy of alternate content (mc:Fallback). Headers, footers
    and the embedded draft are not read. For a .docx written from a layout this equals `text_lines(layout)`;
    Word re-saving the file without edits keeps it equal (its bookmarks, proofing marks and run splits do not
    count).

    `source` is a path or the file's bytes; it is read in memory with the same safeguards as the embedded draft
    (size caps, safe entry names, XML without entities or DTD). Raises `RenderError` (Vietnamese) for a file that
    is missing, not a .docx or damaged.
    """
    with open_package(source) as package:
        root = package.xml(package.main)
        body = root.find(_BODY) if root is not None else None
        if body is None:
            raise package.damaged("phần văn bản chính không có nội dung")
        for fallback in list(body.iter(_MC_FALLBACK)):
            parent = fallback.getparent()
            if parent is not None:
                parent.remove(fallback)
        return [_paragraph_text(p) for p in body.iter(_P)]


def _paragraph_text(p: Element) -> str:
    out: list[str] = []
    _collect(p, out)
    return "".join(out)


def _collect(el: Element, out: list[str]) -> None:
    """Append the printed text of the runs under `el`, not descending into nested paragraphs (text boxes)."""
    for child in el:
        tag = child.tag
        if tag == _R:
            if not _hidden(child):
                for item in child:
                    if item.tag in _PRINTS:
                        shown = _PRINTS[item.tag]
                        out.append(item.text or "" if shown is None else shown)
        elif tag != _P and isinstance(tag, str):
            _collect(child, out)


def _hidden(run: Element) -> bool:
    rpr = run.find(_RPR)
    if rpr is None:
        return False
    vanish = rpr.find(_VANISH)
    return vanish is not None and vanish.get(f"{_W}val", "true").lower() not in _OFF
