"""The ND30 frame read back from the written .docx: page, fonts, letterhead, title, body, closing, writing."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, Twips

from kpdesk.draft import Signer
from kpdesk.errors import RenderError
from kpdesk.render import frame as frame_mod
from kpdesk.render._text import text_width_twips
from kpdesk.render.docx_file import build_document, write_docx
from kpdesk.render.frame import Frame, recipient_lines
from kpdesk.render.markup import parse_body

TNR = "Times New Roman"
SLOTS = ("ascii", "hAnsi", "eastAsia", "cs")
CM = 567  # twips


# ----------------------------------------------------------------------------- helpers


def render(frame: Frame, tmp_path: Path, name: str = "out.docx"):
    path = tmp_path / name
    write_docx(frame, path)
    return docx.Document(str(path)), path


def borders(tbl) -> dict[str, str]:
    el = tbl._tbl.tblPr.find(qn("w:tblBorders"))
    return {child.tag.split("}")[1]: child.get(qn("w:val")) for child in el}


def rule_length(paragraph, avail: int) -> int:
    ind = paragraph._p.pPr.find(qn("w:ind"))
    return avail - int(ind.get(qn("w:left"))) - int(ind.get(qn("w:right")))


def has_bottom_border(paragraph) -> bool:
    bdr = paragraph._p.pPr.find(qn("w:pBdr"))
    return bdr is not None and bdr.find(qn("w:bottom")).get(qn("w:val")) == "single"


def only_run(paragraph):
    runs = [r for r in paragraph.runs if r.text]
    assert len(runs) == 1, [r.text for r in runs]
    return runs[0]


def body_children(document):
    return [c for c in document.element.body if c.tag in (qn("w:p"), qn("w:tbl"))]


def last_body_paragraph(document):
    children = body_children(document)
    signature = max(i for i, c in enumerate(children) if c.tag == qn("w:tbl"))
    assert signature == len(children) - 2  # only the 1 pt end paragraph follows the signature table
    end = children[-1]
    assert end.xpath("string(.)") == "" and end.find(qn("w:pPr")).find(qn("w:spacing")).get(qn("w:line")) == "20"
    return docx.text.paragraph.Paragraph(children[signature - 1], document._body)


def find_paragraph(document, start: str):
    for p in document.paragraphs:
        if p.text.startswith(start):
            return p
    raise AssertionError(f"no paragraph starting {start!r}")


# ----------------------------------------------------------------------------- page and fonts


def test_page_is_a4_portrait_with_nd30_margins(frame000, tmp_path) -> None:
    document, _ = render(frame000, tmp_path)
    section = document.sections[0]
    assert (section.page_width, section.page_height) == (Twips(11906), Twips(16838))
    assert section.orientation == 0  # portrait
    margins_mm = [
        round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    ]
    assert margins_mm == [20, 20, 30, 15]
    top, bottom, left, right = margins_mm
    assert 20 <= top <= 25 and 20 <= bottom <= 25 and 30 <= left <= 35 and 15 <= right <= 20
    assert round(section.header_distance.mm) == 10


def test_times_new_roman_fills_every_font_slot_in_styles_and_runs(frame000, tmp_path) -> None:
    document, _ = render(frame000, tmp_path)
    styles = document.styles.element
    rfonts = list(styles.iter(qn("w:rFonts")))
    assert rfonts, "styles must set fonts"
    for el in rfonts:
        assert {s: el.get(qn(f"w:{s}")) for s in SLOTS} == dict.fromkeys(SLOTS, TNR)
        assert not [a for a in el.attrib if a.endswith("Theme")], "theme fonts would override Times New Roman"
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")) is not None
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"
    normal = document.styles["Normal"]
    assert normal.font.name == TNR and normal.font.size == Pt(14)
    assert normal.element.rPr.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"

    parts = [
        document.element.body,
        document.sections[0].header._element,
        document.sections[0].first_page_header._element,
    ]
    runs = [r for part in parts for r in part.iter(qn("w:r"))]
    assert len(runs) > 50
    for r in runs:
        el = r.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert {s: el.get(qn(f"w:{s}")) for s in SLOTS} == dict.fromkeys(SLOTS, TNR)


# ----------------------------------------------------------------------------- letterhead


def test_letterhead_is_a_borderless_two_by_two_table(frame000, tmp_path) -> None:
    document, _ = render(frame000, tmp_path)
    head = document.tables[0]
    assert (len(head.rows), len(head.columns)) == (2, 2)
    assert set(borders(head).values()) == {"nil"}
    widths = [int(c.get(qn("w:w"))) for c in head._tbl.tblGrid.iter(qn("w:gridCol"))]
    assert 6.5 * CM - 10 <= widths[0] <= 7 * CM and 9.5 * CM <= widths[1] <= 10 * CM + 10
    # the Quốc hiệu fits on one line of the right column (cell padding included)
    assert text_width_twips(frame_mod.QUOC_HIEU, frame_mod.SIZE_QUOC_HIEU, bold=True) < widths[1] - 2 * 108
    for cell in (head.cell(0, 0), head.cell(0, 1), head.cell(1, 0), head.cell(1, 1)):
        for p in cell.paragraphs:
            assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_quoc_hieu_tieu_ngu_agency_number_and_date(frame000, tmp_path) -> None:
    document, _ = render(frame000, tmp_path)
    head = document.tables[0]
    left, right = head.cell(0, 0).paragraphs, head.cell(0, 1).paragraphs

    qh = only_run(right[0])
    assert right[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" == right[0].text.upper()
    assert qh.bold and not qh.italic and qh.font.size == Pt(12)
    tn = only_run(right[1])
    assert right[1].text == "Độc lập - Tự do - Hạnh phúc"
    assert tn.bold and tn.font.size == Pt(13)

    assert [p.text for p in left[:2]] == ["ỦY BAN NHÂN DÂN", "XÃ THIỆU TRUNG"]
    for p in left[:2]:
        r = only_run(p)
        assert r.bold and r.font.size == Pt(13) and p.text == p.text.upper()

    number = head.cell(1, 0).paragraphs[0]
    assert number.text == "Số: 05/BC-UBND"
    assert only_run(number).font.size == Pt(13) and not only_run(number).bold and not only_run(number).italic
    date = head.cell(1, 1).paragraphs[0]
    assert date.text == "Thiệu Trung, ngày 18 tháng 4 năm 2026"
    assert only_run(date).italic and only_run(date).font.size == Pt(13)
    # Số and the date sit in the same row with the same size and spacing: one baseline
    assert number.paragraph_format.space_before == date.paragraph_format.space_before


def test_rules_are_paragraph_borders_of_the_right_length(frame000, tmp_path) -> None:
    document, path = render(frame000, tmp_path)
    head = document.tables[0]
    cell_avail = {0: frame_mod.LEFT_COL - 216, 1: frame_mod.RIGHT_COL - 216}

    agency_rule = head.cell(0, 0).paragraphs[-1]
    assert agency_rule.text == "" and has_bottom_border(agency_rule)
    widest = max(text_width_twips(t, 13, bold=True) for t in ("ỦY BAN NHÂN DÂN", "XÃ THIỆU TRUNG"))
    assert widest / 3 <= rule_length(agency_rule, cell_avail[0]) <= widest / 2

    motto_rule = head.cell(0, 1).paragraphs[-1]
    assert motto_rule.text == "" and has_bottom_border(motto_rule)
    length = rule_length(motto_rule, cell_avail[1])
    assert 5.5 * CM <= length <= 6.1 * CM
    assert abs(length - text_width_twips("Độc lập - Tự do - Hạnh phúc", 13, bold=True)) < 30

    summary = find_paragraph(document, "Tình hình triển khai")
    children = body_children(document)
    rule = docx.text.paragraph.Paragraph(children[children.index(summary._p) + 1], document._body)
    assert has_bottom_border(rule)
    line = min(text_width_twips(summary.text, 14, bold=True), frame_mod.TEXT_W)
    assert line / 3 <= rule_length(rule, frame_mod.TEXT_W) <= line / 2

    import zipfile

    with zipfile.ZipFile(path) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    assert "___" not in xml and "…………" not in xml


def test_superior_agency_is_upright_not_bold(make000, tmp_path) -> None:
    document, _ = render(make000(superior="UBND tỉnh Thanh Hóa"), tmp_path)
    left = document.tables[0].cell(0, 0).paragraphs
    assert [p.text for p in left[:3]] == ["UBND TỈNH THANH HÓA", "ỦY BAN NHÂN DÂN", "XÃ THIỆU TRUNG"]
    assert not only_run(left[0]).bold and only_run(left[1]).bold


# ----------------------------------------------------------------------------- title and Kính gửi


def test_bao_cao_title_and_summary(frame000, tmp_path) -> None:
    document, _ = render(frame000, tmp_path)
    title = find_paragraph(document, "BÁO CÁO")
    assert title.text == "BÁO CÁO" and title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert only_run(title).bold and only_run(title).font.size == Pt(14)
    children = body_children(document)
    summary = docx.text.paragraph.Paragraph(children[children.index(title._p) + 1], document._body)
    assert summary.text.startswith("Tình hình triển khai các giải pháp đột phá")
    assert summary.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert only_run(summary).bold and only_run(summary).font.size == Pt(14)


def test_cong_van_has_vv_under_so_and_a_one_line_kinh_gui(frame001, tmp_path) -> None:
    document, _ = render(frame001, tmp_path)
    assert not any(p.text == "BÁO CÁO" for p in document.paragraphs)
    number, vv = document.tables[0].cell(1, 0).paragraphs
    assert vv.text.startswith("V/v báo cáo tình hình thực hiện các giải pháp đột phá")
    assert only_run(vv).font.size == Pt(12) and vv.paragraph_format.space_before == Pt(6)
    kg = find_paragraph(document, "Kính gửi")
    assert kg.text == "Kính gửi: Sở Khoa học và Công nghệ tỉnh Thanh Hóa."
    assert only_run(kg).font.size == Pt(14) and not only_run(kg).bold
    # the Kính gửi comes straight after the letterhead
    children = body_children(document)
    assert children.index(kg._p) == 1


def test_several_recipients_line_up_under_the_colon(make000, tmp_path) -> None:
    to = ("Sở Khoa học và Công nghệ tỉnh Thanh Hóa;", "- Ủy ban nhân dân huyện Thiệu Hóa", "Phòng Kinh tế.")
    frame = make000(to=to)
    document, _ = render(frame, tmp_path)
    label = find_paragraph(document, "Kính gửi")
    assert label.text == "Kính gửi:"
    children = body_children(document)
    i = children.index(label._p)
    items = [docx.text.paragraph.Paragraph(children[i + k], document._body) for k in (1, 2, 3)]
    assert [p.text for p in items] == [
        "- Sở Khoa học và Công nghệ tỉnh Thanh Hóa;",
        "- Ủy ban nhân dân huyện Thiệu Hóa;",
        "- Phòng Kinh tế.",
    ]
    colon_x = label.paragraph_format.left_indent.twips + text_width_twips("Kính gửi", 14)
    for p in items:
        fmt = p.paragraph_format
        dash_x = fmt.left_indent.twips + fmt.first_line_indent.twips  # hanging indent is negative
        assert dash_x == colon_x
        assert fmt.first_line_indent.twips < 0
    # a báo cáo with Kính gửi gets "- Như trên;" first in Nơi nhận
    assert recipient_lines(frame)[0] == "- Như trên;"


def test_bases_are_italic_and_punctuated(make000, tmp_path) -> None:
    frame = make000(
        bases=(
            "Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị",
            "Căn cứ Công văn số 4194/BKHCN-KHTC ngày 15/6/2026.",
            "Căn cứ hướng dẫn của Sở Khoa học và Công nghệ,",
        )
    )
    document, _ = render(frame, tmp_path)
    bases = [p for p in document.paragraphs if p.text.startswith("Căn cứ")]
    assert [p.text[-1] for p in bases] == [";", ";", "."]
    assert bases[2].text.endswith("Công nghệ.")
    for p in bases:
        assert only_run(p).italic and p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
        assert p.paragraph_format.first_line_indent == Twips(720)


# ----------------------------------------------------------------------------- body


def test_body_paragraph_format(frame000, tmp_path) -> None:
    document, _ = render(frame000, tmp_path)
    p = find_paragraph(document, "Thực hiện Công văn số 1133")
    fmt = p.paragraph_format
    assert p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert fmt.first_line_indent in (Twips(567), Twips(720))
    assert fmt.space_after >= Pt(6)
    assert 1.0 <= fmt.line_spacing <= 1.5
    assert only_run(p).font.size == Pt(14)
    # template newlines inside the paragraph became single spaces
    assert "  " not in p.text and "\n" not in p.text


def test_headings_lists_and_tables(make000, tmp_path) -> None:
    body = parse_body(
        "<body><h1>I. Đánh giá</h1><h2>1. Lãnh đạo</h2><h3>1.1. Hội đồng</h3><h4>a) Về khoa học</h4>"
        "<li>gạch</li><li mark='+'>cộng</li>"
        "<table widths='1,3' header='1' align-cols='center,right'>"
        "<tr bold='1'><td>TT</td><td>Số tiền</td></tr><tr><td>1</td><td>60</td></tr></table>"
        "<table><tr><td colspan='2'>bảng hai</td></tr><tr><td>a</td><td>b</td></tr></table>"
        "<p>Kết thúc.</p></body>"
    )
    document, _ = render(make000(body=body), tmp_path)
    h1, h2, h3, h4 = (find_paragraph(document, s) for s in ("I. ĐÁNH GIÁ", "1. Lãnh", "1.1.", "a) Về"))
    assert (only_run(h1).bold, only_run(h1).italic) == (True, None)
    assert only_run(h2).bold and only_run(h3).bold and only_run(h3).italic
    assert only_run(h4).italic and not only_run(h4).bold
    assert all(h.paragraph_format.keep_with_next for h in (h1, h2, h3, h4))
    assert find_paragraph(document, "- gạch").text == "- gạch"
    assert find_paragraph(document, "+ cộng").alignment == WD_ALIGN_PARAGRAPH.JUSTIFY

    first, second = document.tables[1], document.tables[2]
    assert set(borders(first).values()) == {"single"}
    rows = first._tbl.findall(qn("w:tr"))
    assert rows[0].find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
    assert rows[1].find(qn("w:trPr")).find(qn("w:tblHeader")) is None
    grid = [int(c.get(qn("w:w"))) for c in first._tbl.tblGrid.iter(qn("w:gridCol"))]
    assert sum(grid) == frame_mod.TEXT_W and abs(grid[1] - 3 * grid[0]) <= 3
    money = first.cell(1, 1).paragraphs[0]
    assert money.alignment == WD_ALIGN_PARAGRAPH.RIGHT and only_run(money).font.size == Pt(13)
    assert (
        second._tbl.findall(qn("w:tr"))[0].find(qn("w:tc")).find(qn("w:tcPr")).find(qn("w:gridSpan")).get(qn("w:val"))
        == "2"
    )
    # Word merges tables that touch: a paragraph must separate them
    children = body_children(document)
    i = children.index(first._tbl)
    assert children[i + 1].tag == qn("w:p")


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        ("<p>theo quy định.</p>", "theo quy định./."),
        ("<p>theo quy định</p>", "theo quy định./."),
        ("<p>theo quy định./.</p>", "theo quy định./."),
        ("<li>cuối cùng;</li>", "- cuối cùng./."),
    ],
)
def test_the_body_ends_with_the_closing_mark(make000, tmp_path, last: str, expected: str) -> None:
    document, _ = render(make000(body=parse_body(f"<body><p>Mở đầu.</p>{last}</body>")), tmp_path)
    p = last_body_paragraph(document)
    assert p.text == expected
    assert p.paragraph_format.keep_with_next  # never orphan the signature block


def test_a_final_table_gets_the_closing_mark_after_it(make000, tmp_path) -> None:
    body = parse_body("<body><p>Bảng:</p><table><tr><td>a</td></tr></table></body>")
    document, _ = render(make000(body=body), tmp_path)
    assert last_body_paragraph(document).text == "./."


# ----------------------------------------------------------------------------- closing


def test_noi_nhan_and_signature_block(frame000, tmp_path) -> None:
    document, _ = render(frame000, tmp_path)
    sig = document.tables[-1]
    assert (len(sig.rows), len(sig.columns)) == (1, 2)
    assert set(borders(sig).values()) == {"nil"}
    assert sig.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None

    left = sig.cell(0, 0).paragraphs
    label = only_run(left[0])
    assert left[0].text == "Nơi nhận:" and label.bold and label.italic and label.font.size == Pt(12)
    assert [p.text for p in left[1:]] == [
        "- Sở KH&CN tỉnh (để b/c);",
        "- Chủ tịch UBND xã (để b/c);",
        "- Các Phó CT UBND xã;",
        "- Lưu: VT, VHXH.",
    ]
    for p in left[1:]:
        r = only_run(p)
        assert r.font.size == Pt(11) and not r.bold and not r.italic
        assert p.alignment in (None, WD_ALIGN_PARAGRAPH.LEFT)

    right = sig.cell(0, 1).paragraphs
    assert [p.text for p in right] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "", "", "", "", "Trần Ngọc Tùng"]
    for p in right[:2]:
        r = only_run(p)
        assert r.bold and r.font.size == Pt(14) and p.text == p.text.upper()
        assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER
    name = only_run(right[-1])
    assert name.bold and name.font.size == Pt(14) and right[-1].alignment == WD_ALIGN_PARAGRAPH.CENTER
    # "Nơi nhận:" is level with the first authority line (same top spacing, corrected for 12 vs 14 pt)
    gap = left[0].paragraph_format.space_before.pt - right[0].paragraph_format.space_before.pt
    assert 0 <= gap <= 2.5


def test_cong_van_signature_has_three_heading_lines(frame001, tmp_path) -> None:
    document, _ = render(frame001, tmp_path)
    right = [p.text for p in document.tables[-1].cell(0, 1).paragraphs]
    assert right[:3] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"] and right[-1] == "Lê Sỹ Tiến"


@pytest.mark.parametrize(
    ("form", "to", "given", "expected"),
    [
        ("bao_cao", (), ("Sở KH&CN", "Lưu: VT, VHXH"), ["- Sở KH&CN;", "- Lưu: VT, VHXH."]),
        ("bao_cao", (), ("- Sở KH&CN;", "CT UBND xã."), ["- Sở KH&CN;", "- CT UBND xã;", "- Lưu: VT."]),
        ("bao_cao", (), ("Lưu: VT, VHXH.", "Sở KH&CN"), ["- Sở KH&CN;", "- Lưu: VT, VHXH."]),
        ("bao_cao", ("Sở KH&CN",), ("CT UBND xã",), ["- Như trên;", "- CT UBND xã;", "- Lưu: VT."]),
        (
            "cong_van",
            ("Sở KH&CN",),
            ("CT UBND xã", "Như trên", "Lưu: VT"),
            ["- Như trên;", "- CT UBND xã;", "- Lưu: VT."],
        ),
        ("cong_van", ("Sở KH&CN",), (), ["- Như trên;", "- Lưu: VT."]),
    ],
)
def test_recipient_lines(make000, form, to, given, expected) -> None:
    frame = make000(form=form, to=to, recipients=given, doc_type="BÁO CÁO" if form == "bao_cao" else None)
    assert recipient_lines(frame) == expected


# ----------------------------------------------------------------------------- page numbers, blanks, text


def test_page_number_in_header_but_not_on_page_one(frame000, tmp_path) -> None:
    document, _ = render(frame000, tmp_path)
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert section._sectPr.find(qn("w:titlePg")) is not None
    header = section.header
    assert not header.is_linked_to_previous
    instr = [el.text for el in header._element.iter(qn("w:instrText"))]
    assert [t.strip() for t in instr] == ["PAGE"]
    p = header.paragraphs[0]
    assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER
    sizes = {r.font.size for r in p.runs}
    assert sizes == {Pt(13)}
    first = section.first_page_header
    assert not first.is_linked_to_previous
    assert "".join(p.text for p in first.paragraphs) == ""
    assert not list(first._element.iter(qn("w:instrText")))


def test_blank_number_and_blank_date_leave_room_for_the_clerk(frame001, tmp_path) -> None:
    document, _ = render(frame001, tmp_path)
    head = document.tables[0]
    assert re.fullmatch(r"Số: {5,}/UBND-VHXH", head.cell(1, 0).paragraphs[0].text)
    assert re.fullmatch(r"Bỉm Sơn, ngày {5,}tháng {5,}năm 2026", head.cell(1, 1).paragraphs[0].text)


def test_single_digit_numbers_get_a_leading_zero(make000, tmp_path) -> None:
    document, _ = render(make000(number="5", date=__import__("datetime").date(2026, 2, 5)), tmp_path)
    head = document.tables[0]
    assert head.cell(1, 0).paragraphs[0].text == "Số: 05/BC-UBND"
    assert head.cell(1, 1).paragraphs[0].text == "Thiệu Trung, ngày 05 tháng 02 năm 2026"


USER_TEXT = "A < B & \"C\" 'D'\tE\nF 😀 Hạnh phúc"


def test_user_text_round_trips_exactly(make000, tmp_path) -> None:
    import jinja2

    markup = jinja2.Environment(autoescape=True).from_string("<body>\n  <p>\n    {{ v }}\n  </p>\n</body>")
    body = parse_body(markup.render(v=USER_TEXT.replace("\n", "\u2028")), source="t")
    frame = make000(
        summary=USER_TEXT,
        body=body,
        signer=Signer(("KT. CHỦ TỊCH",), "PHÓ CHỦ TỊCH", "Trần <&> Tùng"),
        recipients=("Sở KH&CN <tỉnh>", "Lưu: VT"),
    )
    document, path = render(frame, tmp_path)
    summary = document.paragraphs[[p.text for p in document.paragraphs].index("BÁO CÁO") + 1]
    assert summary.text == USER_TEXT
    assert last_body_paragraph(document).text == USER_TEXT + "./."
    xml = summary._p.xml
    assert "<w:tab/>" in xml and "<w:br/>" in xml
    assert document.tables[-1].cell(0, 1).paragraphs[-1].text == "Trần <&> Tùng"
    assert document.tables[-1].cell(0, 0).paragraphs[1].text == "- Sở KH&CN <tỉnh>;"


def test_text_is_nfc_without_xml_illegal_characters(make000, tmp_path) -> None:
    document, _ = render(make000(place="Thie\u0302\u0323u Trung\x07", summary="Ba\x00o ca\u0301o"), tmp_path)
    assert document.tables[0].cell(1, 1).paragraphs[0].text.startswith("Thiệu Trung, ngày")
    assert any(p.text == "Bao cáo" for p in document.paragraphs)


def test_invalid_frames_are_refused(make000) -> None:
    with pytest.raises(RenderError, match="bao_cao hoặc cong_van"):
        build_document(make000(form="to_trinh"))
    with pytest.raises(RenderError, match="tên loại văn bản"):
        build_document(make000(doc_type=None))
    with pytest.raises(RenderError, match="người ký"):
        build_document(make000(signer=Signer((), "CHỦ TỊCH", " ")))


def test_the_renderer_does_not_import_qt() -> None:
    code = (
        "import sys, kpdesk.render.docx_file, kpdesk.render.html, kpdesk.render.plain; "
        "assert not [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[3])


# ----------------------------------------------------------------------------- writing


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_write_returns_the_sha256_of_the_file(frame000, tmp_path) -> None:
    target = tmp_path / "bao-cao.docx"
    digest = write_docx(frame000, target)
    assert digest == hashlib.sha256(target.read_bytes()).hexdigest()
    assert leftovers(tmp_path) == ["bao-cao.docx"]
    # overwriting an existing file works and keeps its permissions
    os.chmod(target, 0o640)
    write_docx(frame000, target)
    assert target.stat().st_mode & 0o777 == 0o640
    assert leftovers(tmp_path) == ["bao-cao.docx"]


def test_a_file_open_in_word_is_left_intact(frame000, tmp_path, monkeypatch) -> None:
    target = tmp_path / "bao-cao.docx"
    target.write_bytes(b"old report")

    def locked(src, dst):
        raise PermissionError(errno.EACCES, "The process cannot access the file", str(dst))

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(RenderError) as info:
        write_docx(frame000, target)
    assert str(target) in str(info.value) and "đóng tệp trong Word" in str(info.value)
    assert target.read_bytes() == b"old report"
    assert leftovers(tmp_path) == ["bao-cao.docx"]


def test_a_read_only_folder_asks_for_another_folder(frame000, tmp_path, monkeypatch) -> None:
    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path))

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    with pytest.raises(RenderError, match="chọn thư mục khác"):
        write_docx(frame000, tmp_path / "bao-cao.docx")
    assert leftovers(tmp_path) == []


def test_a_missing_folder_is_named(frame000, tmp_path) -> None:
    target = tmp_path / "khong-co" / "bao-cao.docx"
    with pytest.raises(RenderError) as info:
        write_docx(frame000, target)
    assert str(tmp_path / "khong-co") in str(info.value) and "chọn thư mục khác" in str(info.value)
    assert leftovers(tmp_path) == []


def test_a_full_disk_leaves_the_old_file_and_no_temp_file(frame000, tmp_path, monkeypatch) -> None:
    target = tmp_path / "bao-cao.docx"
    target.write_bytes(b"old report")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(RenderError) as info:
        write_docx(frame000, target)
    assert "giải phóng dung lượng" in str(info.value) and str(target) in str(info.value)
    assert target.read_bytes() == b"old report"
    assert leftovers(tmp_path) == ["bao-cao.docx"]


def test_a_folder_as_target_is_refused(frame000, tmp_path) -> None:
    (tmp_path / "x.docx").mkdir()
    with pytest.raises(RenderError, match="thư mục"):
        write_docx(frame000, tmp_path / "x.docx")
    assert leftovers(tmp_path) == ["x.docx"]


# ----------------------------------------------------------------------------- LibreOffice


@pytest.mark.office
@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="needs LibreOffice (soffice) and poppler-utils (pdftotext, pdfinfo) on PATH",
)
def test_libreoffice_prints_the_letterhead_first_and_the_signer_last(frame000, tmp_path) -> None:
    source = tmp_path / "seed000.docx"
    write_docx(frame000, source)
    subprocess.run(
        [
            "soffice",
            "-env:UserInstallation=file:///tmp/lo_test",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = tmp_path / "seed000.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert pages >= 2
    assert "(A4)" in info

    def page_lines(page: int) -> list[str]:
        out = subprocess.run(
            ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return [line.strip() for line in out.splitlines() if line.strip()]

    first = page_lines(1)
    assert first[0].startswith("ỦY BAN NHÂN DÂN") and first[0].endswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    # Số and the place/date line come out on one printed line
    assert any(re.fullmatch(r"Số: 05/BC-UBND\s+Thiệu Trung, ngày 18 tháng 4 năm 2026", line) for line in first[:4])
    second = page_lines(2)
    assert second[0] == "2"  # page numbers start on page 2
    assert page_lines(pages)[-1] == "Trần Ngọc Tùng"
