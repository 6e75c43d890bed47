"""The body markup: blocks, whitespace and line breaks, tables, and errors that name the template line."""

from __future__ import annotations

import pytest

from kpdesk.errors import RenderError
from kpdesk.render.markup import Cell, Heading, ListItem, Paragraph, Run, Table, parse_body

BRIEF_EXAMPLE = """
<body>
  <h1>I. Đánh giá tình hình thực hiện</h1>
  <h2>1. Công tác lãnh đạo</h2>
  <h3>1.1. Kiện toàn Hội đồng</h3>
  <h4>a) Về khoa học, công nghệ</h4>
  <p>Body paragraph with <b>bold</b>, <i>italic</i> and a <br/> line break.</p>
  <p indent="0" align="center" italic="1">Căn giữa</p>
  <li>item</li>
  <li mark="+">sub item</li>
  <table widths="1,6,2" header="1" align-cols="center,left,right">
    <tr bold="1"><td>TT</td><td>Nội dung</td><td>Kinh phí (triệu đồng)</td></tr>
    <tr><td>1</td><td>Chi thường xuyên</td><td align="right">60</td></tr>
    <tr bold="1"><td colspan="2">Tổng cộng</td><td align="right">3.480</td></tr>
  </table>
</body>
"""


def text_of(runs: tuple[Run, ...]) -> str:
    return "".join(r.text for r in runs)


def one(xml_inner: str) -> object:
    blocks = parse_body(f"<body>{xml_inner}</body>", source="t.xml")
    assert len(blocks) == 1, blocks
    return blocks[0]


def test_it_parses_every_block_of_the_example() -> None:
    blocks = parse_body(BRIEF_EXAMPLE, source="kinds/x/body.xml")
    assert [type(b).__name__ for b in blocks] == [
        "Heading",
        "Heading",
        "Heading",
        "Heading",
        "Paragraph",
        "Paragraph",
        "ListItem",
        "ListItem",
        "Table",
    ]
    h1, h2, h3, h4 = blocks[:4]
    assert h1 == Heading(1, (Run("I. ĐÁNH GIÁ TÌNH HÌNH THỰC HIỆN"),))
    assert (h2.level, text_of(h2.runs)) == (2, "1. Công tác lãnh đạo")
    assert (h3.level, h4.level) == (3, 4)
    p = blocks[4]
    assert p == Paragraph(
        (
            Run("Body paragraph with "),
            Run("bold", bold=True),
            Run(", "),
            Run("italic", italic=True),
            Run(" and a\nline break."),
        )
    )
    assert blocks[5] == Paragraph((Run("Căn giữa", italic=True),), align="center", indent=False)
    assert blocks[6] == ListItem((Run("item"),), "-")
    assert blocks[7] == ListItem((Run("sub item"),), "+")


def test_it_reads_tables_with_header_rows_colspan_and_alignment() -> None:
    table = parse_body(BRIEF_EXAMPLE)[-1]
    assert isinstance(table, Table)
    assert table.widths == (1.0, 6.0, 2.0)
    assert table.header_rows == 1
    header, row, total = table.rows
    assert [c.align for c in header] == ["center"] * 3  # header cells default to centred
    assert all(r.bold for c in header for r in c.runs)
    assert [c.align for c in row] == ["center", "left", "right"]
    assert total[0] == Cell((Run("Tổng cộng", bold=True),), colspan=2, align="center")
    assert total[1].align == "right"


def test_it_pads_short_rows_and_counts_columns_without_widths() -> None:
    table = one("<table><tr><td>a</td><td>b</td><td>c</td></tr><tr><td>x</td></tr></table>")
    assert isinstance(table, Table)
    assert table.widths == (1.0, 1.0, 1.0)
    assert [len(r) for r in table.rows] == [3, 3]
    assert table.rows[1][1] == Cell((), 1, "left")


@pytest.mark.parametrize(
    ("inner", "expected"),
    [
        # template indentation around and inside a paragraph collapses to single spaces
        ("<p>\n      Một dòng\n      tiếp theo\n   </p>", "Một dòng tiếp theo"),
        # spaces the user typed inside a line are kept
        ("<p>a  b</p>", "a  b"),
        # U+2028 (the template layer's user newline) becomes a line break; spaces around it go
        ("<p>dòng 1 \u2028 dòng 2</p>", "dòng 1\ndòng 2"),
        ("<p>a<br/>b</p>", "a\nb"),
        # a tab stays a tab
        ("<p>Số:\t12</p>", "Số:\t12"),
        ("<p>a\u2028\tb</p>", "a\n\tb"),
        # leading/trailing whitespace and breaks of a block are stripped
        ("<p>  \t\u2028 x \u2028</p>", "x"),
        # no doubled space where template newlines meet inline tags
        ("<p>trước\n   <b>\n     đậm</b>\n   sau</p>", "trước đậm sau"),
        ("<p>trước <b>đậm</b>\n sau</p>", "trước đậm sau"),
        # escaped user text comes back exactly
        ("<p>A &lt; B &amp; &quot;C&quot; &#39;D&#39; &gt; 😀</p>", "A < B & \"C\" 'D' > 😀"),
    ],
)
def test_whitespace_rules(inner: str, expected: str) -> None:
    block = one(inner)
    assert text_of(block.runs) == expected  # type: ignore[attr-defined]


def test_a_soft_space_takes_the_formatting_before_it() -> None:
    block = one("<p><b>đậm</b>\n  <i>nghiêng</i></p>")
    assert block == Paragraph((Run("đậm ", bold=True), Run("nghiêng", italic=True)))


def test_user_text_escaped_by_jinja2_round_trips_exactly() -> None:
    import jinja2

    env = jinja2.Environment(autoescape=True)
    template = env.from_string("<body>\n  <p>\n    {{ value }}\n  </p>\n  <li>{{ value }}</li>\n</body>")
    value = "A < B & \"C\" 'D'\tE\u2028F 😀 ĐƯỢC"
    blocks = parse_body(template.render(value=value), source="t")
    expected = value.replace("\u2028", "\n")
    assert [text_of(b.runs) for b in blocks] == [expected, expected]  # type: ignore[union-attr]


def test_text_is_nfc_and_xml_illegal_characters_are_removed() -> None:
    decomposed = "Thie\u0302\u0323u"  # "Thiệu" typed with combining marks
    block = one(f"<p>{decomposed}\x01</p>")
    assert text_of(block.runs) == "Thiệu"  # type: ignore[attr-defined]


def test_empty_paragraphs_and_list_items_are_dropped() -> None:
    blocks = parse_body("<body><p> </p><li>\n   </li><p><b> </b><br/></p><h2></h2><p>x</p></body>")
    assert blocks == (Paragraph((Run("x"),)),)


def test_paragraph_attributes() -> None:
    block = one('<p align="right" bold="1" indent="1">Ký</p>')
    assert block == Paragraph((Run("Ký", bold=True),), align="right", indent=True)


@pytest.mark.parametrize(
    ("xml", "line", "fragment"),
    [
        ("<body>\n<p>x</body>", 2, "XML không hợp lệ"),
        ("<body>\n  <p>x</p>\n  <blink>y</blink>\n</body>", 3, "<blink>"),
        ("<body>\n\n  <p>a <u>b</u></p></body>", 3, "<u>"),
        ("<body>\n  <p>x</p>\n\n  chữ lạc\n</body>", 4, "ngoài thẻ"),
        ("<body>\n<p align='middle'>x</p></body>", 2, "align"),
        ("<body>\n<p colour='red'>x</p></body>", 2, "colour"),
        ("<body>\n<li mark='*'>x</li></body>", 2, "mark"),
        ("<body>\n<p>&nbsp;</p></body>", 2, "XML không hợp lệ"),
        ("<body>\n<table widths='1,x'><tr><td>a</td></tr></table></body>", 2, "widths"),
        ("<body>\n<table widths='1,1'>\n<tr><td>a</td><td>b</td><td>c</td></tr></table></body>", 3, "nhiều ô"),
        ("<body>\n<table align-cols='left'><tr><td>a</td><td>b</td></tr></table></body>", 2, "align-cols"),
        ("<body>\n<table>\n<p>x</p></table></body>", 3, "<tr>"),
        ("<body><table><tr>\n<td colspan='0'>a</td></tr></table></body>", 2, "colspan"),
        ("<doc><p>x</p></doc>", 1, "<body>"),
    ],
)
def test_errors_name_the_source_and_line(xml: str, line: int, fragment: str) -> None:
    with pytest.raises(RenderError) as info:
        parse_body(xml, source="kinds/co_che/body.xml.j2")
    message = str(info.value)
    assert "«kinds/co_che/body.xml.j2»" in message
    assert f"dòng {line}" in message
    assert fragment in message


def test_entities_and_doctype_are_refused() -> None:
    xml = '<!DOCTYPE body [<!ENTITY a "aaaaaaaaaa">]>\n<body><p>&a;</p></body>'
    with pytest.raises(RenderError, match="dòng"):
        parse_body(xml, source="evil")


def test_the_renderers_cleaning_removes_what_xml_cannot_hold_and_keeps_the_rest() -> None:
    from kpdesk.render import _text

    assert _text.clean_text("Thie\u0302\u0323u\x00\x0b\ufffe\t\n😀") == "Thiệu\t\n😀"
    assert _text.format_date_nd30(__import__("datetime").date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"
    assert _text.format_date_nd30(__import__("datetime").date(2026, 12, 9)) == "ngày 09 tháng 12 năm 2026"


def test_malformed_xml_is_explained_in_vietnamese() -> None:
    with pytest.raises(RenderError) as info:
        parse_body("<body>\n<p>x</b></p></body>", source="body.j2")
    assert "thẻ đóng không khớp với thẻ mở" in str(info.value) and "dòng 2" in str(info.value)
    with pytest.raises(RenderError, match="thực thể"):
        parse_body("<body><p>&nbsp;</p></body>")


def test_markup_nested_too_deep_is_refused_not_a_crash() -> None:
    from kpdesk.render.markup import MAX_DEPTH

    deep = "<body><p>" + "<b>" * MAX_DEPTH + "x" + "</b>" * MAX_DEPTH + "</p></body>"
    with pytest.raises(RenderError, match=f"lồng nhau quá {MAX_DEPTH} tầng"):
        parse_body(deep)
    fine = "<body><p>" + "<b>" * (MAX_DEPTH - 3) + "x" + "</b>" * (MAX_DEPTH - 3) + "</p></body>"
    assert parse_body(fine) == (Paragraph((Run("x", bold=True),)),)


def test_the_body_markup_is_read_without_lxml() -> None:
    """The preview reads the markup with Python's expat: lxml (5 MiB) is not loaded until a .docx is written."""
    import subprocess
    import sys

    script = (
        "import sys\nfrom kpdesk.render.markup import parse_body\n"
        "parse_body('<body><p>x</p></body>')\nprint('lxml' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False"]
