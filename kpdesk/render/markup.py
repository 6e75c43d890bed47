"""Parse the body markup a kind's template produces into paragraphs, headings, list items and tables.

The markup is a small XML language; user text arrives XML-escaped (Jinja2 autoescape):

    <body>
      <h1>…</h1> <h2>…</h2> <h3>…</h3> <h4>…</h4>      headings (h1 is uppercased)
      <p indent="0" align="center" italic="1" bold="1">…</p>   body paragraph, attributes optional
      <li>…</li>  <li mark="+">…</li>                  "- …" / "+ …" list paragraphs
      <table widths="1,6,2" header="1" align-cols="center,left,right">
        <tr bold="1"><td colspan="2" align="right" bold="1">…</td></tr>
      </table>
    </body>

Inside h1–h4, p, li and td the inline tags are <b>, <i> and <br/>; anything else is an error.

Whitespace, as implemented:
- Whitespace between block elements (and between <tr>/<td>) is template layout and ignored;
  other text outside a block is an error.
- Inside a block, a line feed (LF, CR or CRLF) together with the spaces and tabs around it is
  template layout: it becomes one "soft" space. A soft space is dropped at the start or end of the
  block, next to another soft space, next to a space or tab already in the text, and next to a line
  break. Every other character is kept exactly: runs of spaces, U+00A0, and tabs.
- U+2028 LINE SEPARATOR (and U+2029) and <br/> become a line break; the template layer turns the
  newlines a user typed inside one paragraph value into U+2028, so they survive.
- A tab (U+0009) that is not next to a template line feed stays a tab.
- Spaces (U+0020) directly before or after a line break are removed, so no printed line starts
  or ends with a space; tabs there are kept.
- Spaces, tabs and line breaks at the start and end of each block are removed. A paragraph, heading
  or list item left without visible text is dropped.
In the parsed blocks a line break is "\\n" and a tab is "\\t" inside `Run.text`.

Errors (malformed XML, unknown tag or attribute, bad attribute value, text outside a block) raise
`RenderError` naming `source` and the line number in the template output.

The XML is read by Python's own expat (`xml.parsers.expat`), not lxml: the preview needs no more than this, and
loading lxml would cost the window 5 MiB the first time it shows a report. A <!DOCTYPE> is refused as soon as it
is read, so no entity is ever declared (an undeclared one is an XML error).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import overload
from xml.parsers import expat

from kpdesk.errors import RenderError
from kpdesk.render._text import clean_text

ALIGNS = ("left", "center", "right", "justify")
LIST_MARKS = ("-", "+")
#: Elements nested deeper than this are refused (<b><i><b>… a thousand deep would exhaust the recursion).
MAX_DEPTH = 64


@dataclass(frozen=True)
class Run:
    """A piece of text with one formatting; "\\n" is a line break and "\\t" a tab."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Heading:
    """A heading; `level` 1 (I. …, uppercase bold) to 4 (a) …, italic)."""

    level: int
    runs: tuple[Run, ...]


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph; `indent` False removes the first-line indent."""

    runs: tuple[Run, ...]
    align: str = "justify"
    indent: bool = True


@dataclass(frozen=True)
class ListItem:
    """A list paragraph printed as `mark` + space + runs ("- …" or "+ …")."""

    runs: tuple[Run, ...]
    mark: str = "-"


@dataclass(frozen=True)
class Cell:
    """A table cell spanning `colspan` grid columns."""

    runs: tuple[Run, ...]
    colspan: int = 1
    align: str = "left"


@dataclass(frozen=True)
class Table:
    """A bordered table; `widths` are relative column widths, the first `header_rows` repeat."""

    widths: tuple[float, ...]
    rows: tuple[tuple[Cell, ...], ...]
    header_rows: int = 0


Block = Heading | Paragraph | ListItem | Table

_NEWLINE = re.compile(r"[ \t]*(?:\r\n|\r|\n)[ \t\r\n]*")
_BREAKS = re.compile("[\u2028\u2029]")
_EDGE = " \t"

# Tokens of inline content: ("t", text, bold, italic) | ("sp",) soft space | ("br", bold, italic)
_Tok = tuple


class _Ctx:
    def __init__(self, source: str) -> None:
        self.source = source

    def error(self, line: int | None, what: str) -> RenderError:
        where = f"«{self.source}»" if self.source else "(không tên)"
        at = f", dòng {line}" if line else ""
        return RenderError(f"Lỗi trong mẫu nội dung {where}{at}: {what}")


@dataclass(eq=False)
class _El:
    """An element of the body markup: its tag, attributes, text, children and tail, and the lines it starts and
    ends on in the template output."""

    tag: str
    attrib: dict[str, str]
    sourceline: int
    children: list[_El] = field(default_factory=list)
    text: str = ""
    tail: str = ""
    end_line: int = 0

    @overload
    def get(self, name: str) -> str | None: ...
    @overload
    def get(self, name: str, default: str) -> str: ...
    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrib.get(name, default)

    def __iter__(self) -> Iterator[_El]:
        return iter(self.children)

    def __len__(self) -> int:
        return len(self.children)


#: Expat's words for the usual mistakes, in Vietnamese (others are given as expat says them).
_XML_ERRORS = {
    expat.errors.XML_ERROR_TAG_MISMATCH: "thẻ đóng không khớp với thẻ mở",
    expat.errors.XML_ERROR_UNDEFINED_ENTITY: "thực thể (&…;) không được hỗ trợ; viết chữ thường thay cho nó",
    expat.errors.XML_ERROR_INVALID_TOKEN: "có ký tự hoặc thẻ viết sai",
    expat.errors.XML_ERROR_SYNTAX: "không phải là XML",
    expat.errors.XML_ERROR_NO_ELEMENTS: "thiếu thẻ đóng ở cuối",
    expat.errors.XML_ERROR_UNCLOSED_TOKEN: "có thẻ chưa viết xong",
    expat.errors.XML_ERROR_DUPLICATE_ATTRIBUTE: "một thuộc tính được ghi hai lần",
    expat.errors.XML_ERROR_JUNK_AFTER_DOC_ELEMENT: "có nội dung sau </body>",
}


def _read_tree(ctx: _Ctx, data: bytes) -> _El:
    """The element tree of `data`, with each element's lines; a RenderError for malformed XML or a <!DOCTYPE>."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    stack: list[_El] = []
    root: _El | None = None
    closed: _El | None = None  # the element just closed: the text after it is its tail

    def start(tag: str, attrib: dict[str, str]) -> None:
        nonlocal root, closed
        el = _El(tag, attrib, parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(el)
        else:
            root = el
        if len(stack) >= MAX_DEPTH:
            raise ctx.error(el.sourceline, f"các thẻ lồng nhau quá {MAX_DEPTH} tầng.")
        stack.append(el)
        closed = None

    def end(_tag: str) -> None:
        nonlocal closed
        closed = stack.pop()
        closed.end_line = parser.CurrentLineNumber

    def text(data: str) -> None:
        if closed is not None:
            closed.tail += data
        elif stack:
            stack[-1].text += data

    def doctype(*_: object) -> None:
        raise ctx.error(parser.CurrentLineNumber, "không được dùng <!DOCTYPE> trong mẫu nội dung.")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        what = _XML_ERRORS.get(expat.ErrorString(exc.code), expat.ErrorString(exc.code))
        hint = "Kiểm tra các thẻ đóng/mở và ký tự & < trong mẫu."
        raise ctx.error(exc.lineno, f"XML không hợp lệ ({what}). {hint}") from None
    assert root is not None  # expat refuses a document without an element
    return root


def parse_body(xml_text: str, *, source: str = "") -> tuple[Block, ...]:
    """Return the blocks of a `<body>` fragment; `source` names the template in error messages."""
    ctx = _Ctx(source)
    root = _read_tree(ctx, clean_text(xml_text).encode("utf-8"))
    if root.tag != "body":
        raise ctx.error(root.sourceline, f"phần tử gốc phải là <body>, không phải <{root.tag}>.")
    _no_attrs(ctx, root, ())
    blocks: list[Block] = []
    for child in _children(ctx, root):
        block = _block(ctx, child)
        if block is not None:
            blocks.append(block)
    return tuple(blocks)


def _children(ctx: _Ctx, el: _El) -> Iterator[_El]:
    """Yield the element children of a container, refusing non-blank text between them."""
    if el.text and el.text.strip():
        line = el.sourceline + _lead_newlines(el.text)
        raise ctx.error(line, f"có chữ nằm ngoài thẻ khối trong <{el.tag}>: «{el.text.strip()[:40]}».")
    for child in el:
        yield child
        if child.tail and child.tail.strip():
            line = child.end_line + _lead_newlines(child.tail)
            raise ctx.error(line, f"có chữ nằm ngoài thẻ khối sau </{child.tag}>: «{child.tail.strip()[:40]}».")


def _lead_newlines(text: str) -> int:
    return text[: len(text) - len(text.lstrip())].count("\n")


def _no_attrs(ctx: _Ctx, el: _El, allowed: tuple[str, ...]) -> None:
    for name in el.attrib:
        if name not in allowed:
            ok = ", ".join(allowed) if allowed else "không có thuộc tính nào"
            raise ctx.error(el.sourceline, f"thuộc tính «{name}» không dùng được cho <{el.tag}> (được phép: {ok}).")


def _flag(ctx: _Ctx, el: _El, name: str, default: bool = False) -> bool:
    value = el.get(name)
    if value is None:
        return default
    if value.strip() in ("1", "true"):
        return True
    if value.strip() in ("0", "false"):
        return False
    raise ctx.error(el.sourceline, f"thuộc tính {name}=«{value}» của <{el.tag}> phải là 0 hoặc 1.")


def _choice(ctx: _Ctx, el: _El, name: str, allowed: tuple[str, ...], default: str) -> str:
    value = el.get(name)
    if value is None:
        return default
    value = value.strip()
    if value not in allowed:
        choices = ", ".join(allowed)
        raise ctx.error(el.sourceline, f"thuộc tính {name}=«{value}» của <{el.tag}> phải là một trong: {choices}.")
    return value


def _block(ctx: _Ctx, el: _El) -> Block | None:
    tag = el.tag
    if tag in ("h1", "h2", "h3", "h4"):
        _no_attrs(ctx, el, ())
        level = int(tag[1])
        runs = _inline_runs(ctx, el, bold=False, italic=False)
        if level == 1:
            runs = tuple(Run(r.text.upper(), r.bold, r.italic) for r in runs)
        return Heading(level, runs) if runs else None
    if tag == "p":
        _no_attrs(ctx, el, ("indent", "align", "italic", "bold"))
        indent = _flag(ctx, el, "indent", True)
        align = _choice(ctx, el, "align", ALIGNS, "justify")
        runs = _inline_runs(ctx, el, bold=_flag(ctx, el, "bold"), italic=_flag(ctx, el, "italic"))
        return Paragraph(runs, align, indent) if runs else None
    if tag == "li":
        _no_attrs(ctx, el, ("mark",))
        mark = _choice(ctx, el, "mark", LIST_MARKS, "-")
        runs = _inline_runs(ctx, el, bold=False, italic=False)
        return ListItem(runs, mark) if runs else None
    if tag == "table":
        return _table(ctx, el)
    raise ctx.error(el.sourceline, f"thẻ <{tag}> không được hỗ trợ; dùng h1–h4, p, li hoặc table.")


def _table(ctx: _Ctx, el: _El) -> Table | None:
    _no_attrs(ctx, el, ("widths", "header", "align-cols"))
    widths: tuple[float, ...] = ()
    if el.get("widths"):
        try:
            widths = tuple(float(w) for w in el.get("widths", "").split(","))
        except ValueError:
            widths = ()
        if not widths or any(not (w > 0) for w in widths):
            raise ctx.error(el.sourceline, f"widths=«{el.get('widths')}» phải là các số dương cách nhau bằng dấu phẩy.")
    col_align: tuple[str, ...] = ()
    if el.get("align-cols"):
        col_align = tuple(a.strip() for a in el.get("align-cols", "").split(","))
        bad = [a for a in col_align if a not in ALIGNS]
        if bad:
            raise ctx.error(el.sourceline, f"align-cols có giá trị «{bad[0]}»; dùng {', '.join(ALIGNS)}.")
    header_raw = el.get("header", "0").strip()
    if not header_raw.isdigit():
        raise ctx.error(el.sourceline, f"header=«{header_raw}» phải là số dòng tiêu đề (0, 1, 2…).")
    header = int(header_raw)

    raw_rows: list[tuple[_El, list[tuple[_El, int]]]] = []
    for tr in _children(ctx, el):
        if tr.tag != "tr":
            raise ctx.error(tr.sourceline, f"trong <table> chỉ dùng <tr>, không dùng <{tr.tag}>.")
        _no_attrs(ctx, tr, ("bold",))
        cells = []
        for td in _children(ctx, tr):
            if td.tag != "td":
                raise ctx.error(td.sourceline, f"trong <tr> chỉ dùng <td>, không dùng <{td.tag}>.")
            _no_attrs(ctx, td, ("colspan", "align", "bold", "italic"))
            span_raw = td.get("colspan", "1").strip()
            if not span_raw.isdigit() or int(span_raw) < 1:
                raise ctx.error(td.sourceline, f"colspan=«{span_raw}» phải là số nguyên dương.")
            cells.append((td, int(span_raw)))
        raw_rows.append((tr, cells))
    if not raw_rows:
        return None

    ncols = len(widths) or max((sum(s for _, s in cells) for _, cells in raw_rows), default=1) or 1
    if col_align and len(col_align) != ncols:
        raise ctx.error(el.sourceline, f"align-cols có {len(col_align)} giá trị nhưng bảng có {ncols} cột.")
    if not widths:
        widths = (1.0,) * ncols

    rows: list[tuple[Cell, ...]] = []
    for index, (tr, cells) in enumerate(raw_rows):
        row_bold = _flag(ctx, tr, "bold")
        is_header = index < header
        out: list[Cell] = []
        col = 0
        for td, span in cells:
            if col + span > ncols:
                raise ctx.error(td.sourceline, f"dòng có nhiều ô hơn số cột của bảng ({ncols}).")
            default_align = "center" if is_header else (col_align[col] if col_align else "left")
            align = _choice(ctx, td, "align", ALIGNS, default_align)
            runs = _inline_runs(ctx, td, bold=row_bold or _flag(ctx, td, "bold"), italic=_flag(ctx, td, "italic"))
            out.append(Cell(runs, span, align))
            col += span
        while col < ncols:  # pad a short row with empty cells
            out.append(Cell((), 1, "left"))
            col += 1
        rows.append(tuple(out))
    return Table(widths, tuple(rows), min(header, len(rows)))


# ----------------------------------------------------------------------------- inline content


def _inline_runs(ctx: _Ctx, el: _El, *, bold: bool, italic: bool) -> tuple[Run, ...]:
    toks: list[_Tok] = []
    _inline(ctx, el, bold, italic, toks, top=True)
    return _finish(toks)


def _text_tokens(text: str | None, bold: bool, italic: bool, out: list[_Tok]) -> None:
    if not text:
        return
    for i, chunk in enumerate(_NEWLINE.split(text)):
        if i:
            out.append(("sp",))
        for j, piece in enumerate(_BREAKS.split(chunk)):
            if j:
                out.append(("br", bold, italic))
            if piece:
                out.append(("t", piece, bold, italic))


def _inline(ctx: _Ctx, el: _El, bold: bool, italic: bool, out: list[_Tok], *, top: bool = False) -> None:
    _text_tokens(el.text, bold, italic, out)
    for child in el:
        tag = child.tag
        if tag == "b":
            _no_attrs(ctx, child, ())
            _inline(ctx, child, True, italic, out)
        elif tag == "i":
            _no_attrs(ctx, child, ())
            _inline(ctx, child, bold, True, out)
        elif tag == "br":
            _no_attrs(ctx, child, ())
            if len(child) or (child.text and child.text.strip()):
                raise ctx.error(child.sourceline, "<br/> không được chứa nội dung.")
            out.append(("br", bold, italic))
        else:
            what = f"thẻ <{tag}> không dùng được bên trong <{el.tag}> (được phép: b, i, br)."
            raise ctx.error(child.sourceline, what)
        _text_tokens(child.tail, bold, italic, out)


def _finish(toks: list[_Tok]) -> tuple[Run, ...]:
    """Resolve soft spaces, strip the block's edges and merge tokens into runs."""

    # strip the edges: soft spaces, breaks, and spaces/tabs of edge text
    def strip_edge(seq: list[_Tok]) -> list[_Tok]:
        while seq:
            tok = seq[0]
            if tok[0] in ("sp", "br"):
                seq.pop(0)
                continue
            text = tok[1].lstrip(_EDGE)
            if not text:
                seq.pop(0)
                continue
            seq[0] = ("t", text, tok[2], tok[3])
            break
        return seq

    seq = strip_edge(list(toks))
    seq.reverse()
    seq = [("t", t[1][::-1], t[2], t[3]) if t[0] == "t" else t for t in seq]
    seq = strip_edge(seq)
    seq = [("t", t[1][::-1], t[2], t[3]) if t[0] == "t" else t for t in seq]
    seq.reverse()

    resolved: list[_Tok] = []
    for i, tok in enumerate(seq):
        if tok[0] != "sp":
            resolved.append(tok)
            continue
        prev = resolved[-1] if resolved else None
        nxt = next((t for t in seq[i + 1 :] if t[0] != "sp"), None)
        if prev is None or nxt is None:
            continue
        if prev[0] == "br" or nxt[0] == "br":
            continue
        if prev[1][-1:] in (" ", "\t") or nxt[1][:1] in (" ", "\t"):
            continue
        # the space takes the formatting of the text before it
        resolved.append(("t", " ", prev[2], prev[3]))

    # plain spaces next to a line break would start or end a printed line: drop them
    for i, tok in enumerate(resolved):
        if tok[0] != "t":
            continue
        text = tok[1]
        if i + 1 < len(resolved) and resolved[i + 1][0] == "br":
            text = text.rstrip(" ")
        if i > 0 and resolved[i - 1][0] == "br":
            text = text.lstrip(" ")
        resolved[i] = ("t", text, tok[2], tok[3])

    runs: list[Run] = []
    for tok in resolved:
        if tok[0] == "t" and not tok[1]:
            continue
        text, bold, italic = (tok[1], tok[2], tok[3]) if tok[0] == "t" else ("\n", tok[1], tok[2])
        if runs and runs[-1].bold == bold and runs[-1].italic == italic:
            runs[-1] = Run(runs[-1].text + text, bold, italic)
        else:
            runs.append(Run(text, bold, italic))
    if not any(r.text.strip() for r in runs):
        return ()
    return tuple(runs)
