"""The printed report says what the officer typed, no more: each kind's wording, read from the rendered body."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from docx import Document

from kpdesk import draft as drafts
from kpdesk import vn
from kpdesk.kinds import get_kind
from kpdesk.render import draft_from_docx, render_to_file
from kpdesk.render.markup import Heading, ListItem, Paragraph, Table, parse_body
from kpdesk.templating import fill_body

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = {p.name[:3]: p for p in sorted((ROOT / "examples").glob("*.json"))}


def example(code: str, **values) -> drafts.Draft:
    """Example `code` ("000", "001", "002", "004") with `values` set (None removes a value)."""
    d = drafts.load(EXAMPLES[code])
    merged = {k: v for k, v in {**d.values, **values}.items() if v is not None}
    return dataclasses.replace(d, values=merged)


def only_required(code: str, **values) -> drafts.Draft:
    """Example `code` with every optional field emptied (then `values` set)."""
    d = drafts.load(EXAMPLES[code])
    kind = get_kind(d.kind)
    kept = {k: v for k, v in d.values.items() if kind.field(k).required}
    return dataclasses.replace(d, values={**kept, **values})


def blocks(d: drafts.Draft):
    kind = get_kind(d.kind)
    return parse_body(fill_body(kind, d), source=str(kind.template_path))


def text_of(block) -> str:
    if isinstance(block, Table):
        return "\n".join(" | ".join("".join(r.text for r in cell.runs) for cell in row) for row in block.rows)
    mark = block.mark + " " if isinstance(block, ListItem) else ""
    return mark + "".join(r.text for r in block.runs)


def body_text(d: drafts.Draft) -> str:
    return "\n".join(text_of(b) for b in blocks(d))


def table_rows(d: drafts.Draft) -> list[list[str]]:
    return [
        ["".join(r.text for r in cell.runs) for cell in row]
        for b in blocks(d)
        if isinstance(b, Table)
        for row in b.rows
    ]


# ----------------------------------------------------------------------------- 1. facts come from fields


def test_the_budget_is_for_digital_transformation_only_when_an_amount_for_it_is_typed():
    text = body_text(example("000"))  # 352 triệu for KH, CN and ĐMST; no digital-transformation amount
    assert (
        "Ủy ban nhân dân xã Thiệu Trung được phân bổ kinh phí cho khoa học, công nghệ, đổi mới sáng tạo là "
        "352 triệu đồng"
    ) in text
    assert "chuyển đổi số là" not in text
    text = body_text(example("001"))  # 2,382 tỷ of which 2,0 tỷ for digital transformation
    assert "được phân bổ kinh phí cho khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số là 2.382 triệu" in text
    assert "cho chuyển đổi số 2.000 triệu đồng" in text


def test_the_disbursement_is_not_said_to_cover_the_whole_month():
    text = body_text(example("001"))
    assert "đến hết" not in text
    assert "Kinh phí đã giải ngân tính đến thời điểm báo cáo là 200 triệu đồng, đạt 8,4%" in text


def test_the_budget_year_is_printed_only_when_typed():
    text = body_text(example("000", budget_year=None))
    assert "Năm 2026" not in text
    assert "Ủy ban nhân dân xã Thiệu Trung được phân bổ kinh phí" in text
    assert "Năm 2025, Ủy ban nhân dân xã Thiệu Trung được phân bổ" in body_text(example("000", budget_year=2025))


@pytest.mark.parametrize(
    ("values", "lines"),
    [
        (
            {"fund_status": "not_established", "fund_charter": "not_issued"},
            [
                "+ Quỹ phát triển khoa học và công nghệ của địa phương: Chưa thành lập;",
                "+ Năm bắt đầu hoạt động: Không có;",
                "+ Quy chế tổ chức và điều lệ hoạt động của Quỹ: Chưa ban hành.",
            ],
        ),
        (
            {"fund_status": "established", "fund_start_year": 2024, "fund_charter": "issued"},
            [
                "+ Quỹ phát triển khoa học và công nghệ của địa phương: Đã thành lập;",
                "+ Năm bắt đầu hoạt động: 2024;",
                "+ Quy chế tổ chức và điều lệ hoạt động của Quỹ: Đã ban hành.",
            ],
        ),
        (
            {"fund_status": "established", "fund_charter": "issued"},  # the year is missing: no line for it
            [
                "+ Quỹ phát triển khoa học và công nghệ của địa phương: Đã thành lập;",
                "+ Quy chế tổ chức và điều lệ hoạt động của Quỹ: Đã ban hành.",
            ],
        ),
        ({"fund_charter": "issued"}, ["+ Quy chế tổ chức và điều lệ hoạt động của Quỹ: Đã ban hành."]),
        ({}, []),
    ],
)
def test_the_fund_lines_say_only_what_was_chosen(values, lines):
    d = example("001", **values)
    printed = [text_of(b) for b in blocks(d) if isinstance(b, ListItem) and b.mark == "+"]
    assert printed == lines
    text = body_text(d)
    assert "Chưa xác định" not in text
    if not values:
        assert "Tình hình tổ chức và hoạt động của Quỹ" not in text


def test_no_difficulties_typed_prints_no_difficulties_section():
    text = body_text(example("000", difficulties=None, difficulties_intro=None))
    assert "Khó khăn, vướng mắc" not in text and "Không có." not in text
    assert "5. Kiến nghị, đề xuất" in text  # numbered as printed
    run_in = body_text(example("001"))
    assert "4. Khó khăn, vướng mắc trong triển khai cơ chế Quỹ: Chưa thực hiện." in run_in


def test_contact_lines_are_left_out_when_empty():
    text = body_text(example("000", contact_name=None, contact_phone=None, contact_email=None))
    assert "Người liên hệ" not in text and "Số điện thoại" not in text and "Thư điện tử" not in text


def test_the_half_year_task_counts_are_left_out_when_not_typed():
    text = body_text(example("002", tasks_new=None, tasks_ongoing=None, tasks_accepted=None, tasks_rating=None))
    assert "Tổng số nhiệm vụ" not in text and "Tình hình triển khai và phối hợp" not in text


def test_the_annual_estimate_claims_no_basis_nobody_typed():
    text = body_text(example("004")).replace("\u00a0", " ")
    assert "Căn cứ vào định hướng phát triển và nhu cầu thực tế" not in text
    assert "Ủy ban nhân dân xã Kiến Thụy đề xuất dự toán kinh phí KH, CN, ĐMST & CĐS năm 2027 là 3.480" in text


def test_the_default_recipients_name_the_units_own_level():
    d = drafts.load(EXAMPLES["001"])  # phường Bỉm Sơn
    kind = get_kind(d.kind)
    fresh = drafts.new_draft(kind, d.period, d.unit)
    assert "Chủ tịch UBND phường Bỉm Sơn (để b/c)" in fresh.recipients
    assert not any("UBND xã" in r for r in fresh.recipients)


# ----------------------------------------------------------------------------- 2. no heading without content


def drafts_to_check() -> list[tuple[str, drafts.Draft]]:
    """Each example as it is, with every optional field empty, and with a single optional field left."""
    out = []
    for code in EXAMPLES:
        out.append((code, example(code)))
        out.append((f"{code}-required-only", only_required(code)))
        full = drafts.load(EXAMPLES[code])
        kind = get_kind(full.kind)
        for f in kind.fields:
            if not f.required and f.id in full.values:
                out.append((f"{code}-only-{f.id}", only_required(code, **{f.id: full.values[f.id]})))
    return out


CHECKED = drafts_to_check()


def run_in(block) -> bool:
    """A paragraph that starts with a bold section number ("5. Khó khăn …: Chưa thực hiện")."""
    return (
        isinstance(block, Paragraph)
        and bool(block.runs)
        and block.runs[0].bold
        and re.match(r"\d+\. ", block.runs[0].text) is not None
    )


@pytest.mark.parametrize(("name", "d"), CHECKED, ids=[name for name, _ in CHECKED])
def test_every_heading_has_something_under_it_and_headings_are_numbered_as_printed(name, d):
    body = blocks(d)
    for i, block in enumerate(body):
        if isinstance(block, Heading):
            following = body[i + 1] if i + 1 < len(body) else None
            assert following is not None and not (isinstance(following, Heading) and following.level <= block.level), (
                f"«{text_of(block)}» has nothing under it"
            )
    numbers = [
        m.group(1)
        for b in body
        if (isinstance(b, Heading) and b.level == 2 or run_in(b)) and (m := re.match(r"(\d+)\. ", text_of(b)))
    ]
    parts = [text_of(b) for b in body if isinstance(b, Heading) and b.level == 1]
    if len(parts) <= 1:
        assert numbers == [str(n) for n in range(1, len(numbers) + 1)]
    points = [text_of(b)[0] for b in body if isinstance(b, Heading) and b.level == 4]
    assert points == ["a", "b", "c", "d", "đ", "e"][: len(points)]


#: Optional fields that only qualify another value, and so print nothing alone: a year, dates or "khoảng" of figures
#: left empty; the legal bases (the frame prints them under the title); the closing sentences, which in the examples
#: are the default ones word for word.
QUALIFIERS = {"budget_year", "dt_teams_members_approx", "proc_from", "proc_to", "legal_bases", "closing", "proposal"}


@pytest.mark.parametrize(
    ("name", "d"),
    [
        (n, d)
        for n, d in CHECKED
        if "-only-" in n
        and n.split("-only-")[1] not in QUALIFIERS
        and get_kind(d.kind).field(n.split("-only-")[1]).printed
    ],
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_an_optional_field_typed_alone_is_printed(name, d):
    assert body_text(d) != body_text(only_required(name[:3])), f"{name}: the value typed is not printed"


@pytest.mark.parametrize(
    "absent",
    [
        "1. Công tác lãnh đạo",
        "2. Kết quả thực hiện theo từng lĩnh vực",
        "a) Về khoa học, công nghệ",
        "b) Về đổi mới sáng tạo",
        "c) Về chuyển đổi số",
        "Đánh giá chung",
        "Căn cứ, mục tiêu xây dựng kế hoạch",
        "Dự toán chi tiết",
        "I. Đánh giá tình hình",
        "II. Xây dựng kế hoạch",
    ],
)
def test_the_annual_plan_with_every_optional_field_empty_prints_no_empty_heading(absent):
    assert absent.lower() not in body_text(only_required("004")).lower()


@pytest.mark.parametrize(
    "absent",
    [
        "Về tổ chức bộ máy",
        "Các hoạt động KH&CN theo vị trí",
        "Việc thực hiện các Nghị",
        "Đánh giá chung",
        "Kết quả đạt được",
        "Tồn tại, hạn chế",
    ],
)
def test_the_half_year_report_with_every_optional_field_empty_prints_no_empty_heading(absent):
    text = body_text(only_required("002"))
    assert absent not in text
    assert "1. Tình hình thực hiện nhiệm vụ quản lý nhà nước về KH&CN trên địa bàn huyện" in text
    assert "1.1. Tổ chức hoạt động ứng dụng, chuyển giao KH&CN" in text


def test_the_annual_plan_letters_its_points_as_printed():
    text = body_text(example("004", st_text=None, achievements=None))
    assert "a) Về đổi mới sáng tạo" in text and "b) Về chuyển đổi số" in text
    assert "a) Tồn tại, hạn chế:" in text and "b) Nguyên nhân:" in text


# ----------------------------------------------------------------------------- 3. the words follow their amount


@pytest.mark.parametrize("code", list(EXAMPLES))
def test_each_amount_in_words_follows_the_amount_it_spells(code):
    d = example(code)
    text = body_text(d)
    spelled = re.findall(r"([\d.,]+ (?:đồng|nghìn đồng|triệu đồng|tỷ đồng)) \(Bằng chữ: ([^)]*)\)", text)
    assert len(spelled) == text.count("Bằng chữ")
    for amount, words in spelled:
        assert vn.money_in_words(vn.parse_amount(amount)) == words.rstrip(".")


def test_the_words_for_the_cong_van_budget_are_right_after_it_not_after_the_disbursement():
    text = body_text(example("001"))
    assert "là 2.382 triệu đồng (Bằng chữ: Hai tỷ ba trăm tám mươi hai triệu đồng chẵn)" in text
    assert "8,4% (Bằng chữ" not in text and "8,4%.\n(Bằng chữ" not in text


# ----------------------------------------------------------------------------- 4. the half-year report


def test_the_rating_typed_in_the_half_year_report_is_printed():
    text = body_text(example("002"))  # the seed: no accepted task, rating "Trung bình"
    assert "+ Kết quả đánh giá, xếp loại: Trung bình." in text
    assert "xếp loại" not in body_text(example("002", tasks_rating=None))


def test_a_list_of_models_not_said_to_be_complete_states_no_total():
    d = example("002")  # the seed's list ended with "…"
    text = body_text(d)
    assert "03 mô hình, tổng diện tích 14 ha" not in text and "Tổng cộng" not in text
    assert "+ Ứng dụng công nghệ cao đang triển khai thực hiện, trong đó có các mô hình sau:" in text
    assert table_rows(d)[-1] == ["Cộng 03 mô hình trên", "14"]


def test_a_complete_list_of_models_states_its_count_and_total_area_as_the_table_does():
    d = example("002", models_complete=True)
    text = body_text(d)
    assert (
        "+ Ứng dụng công nghệ cao đang triển khai thực hiện 03 mô hình, tổng diện tích 14 ha, cụ thể như sau:" in text
    )
    assert table_rows(d)[-1] == ["Tổng cộng", "14"]


def test_a_complete_list_with_an_area_missing_states_no_total_area():
    models = [dict(m) for m in drafts.load(EXAMPLES["002"]).values["models"]]
    models[1]["area"] = None
    d = example("002", models_complete=True, models=models)
    assert "03 mô hình, cụ thể như sau:" in body_text(d) and "tổng diện tích" not in body_text(d)
    assert table_rows(d)[-1] == ["Tổng cộng", ""]


def test_a_half_year_draft_of_the_first_version_still_opens():
    d = drafts.load(EXAMPLES["002"])  # written with kind_version 1
    assert d.kind_version == get_kind(d.kind).version == 2
    assert "models_complete" not in d.values


# ----------------------------------------------------------------------------- 5. written one way


def test_the_abbreviation_is_written_one_way():
    d = example("004", intro=None)  # the example keeps the seed's own "CDS" in its typed intro
    text = body_text(d)
    assert "(KH, CN, ĐMST\u00a0&\u00a0CĐS)" in text  # "& CĐS" never starts a line
    assert text.count("KH, CN, ĐMST\u00a0&\u00a0CĐS") == 5  # the intro, both part titles, the budget, the estimate
    assert "CDS" not in text and "KH,CN" not in text and "ĐMST&" not in text


def test_counts_are_printed_alike_in_the_text_and_in_the_table():
    d = example("004")
    text = body_text(d)
    rows = {row[0]: row[1] for row in table_rows(d) if len(row) == 3}
    assert "trực tiếp là 01 hồ sơ" in text and rows["Tiếp nhận trực tiếp trong kỳ"] == "01"
    assert "quá hạn 01 hồ sơ" in text and rows["Giải quyết quá hạn"] == "01"
    assert "yêu cầu bổ sung 07 hồ sơ" in text and rows["Yêu cầu bổ sung"] == "07"
    assert "liên quan đến 09 lĩnh vực" in text
    half = example("002", models_complete=True)
    assert "03 mô hình" in body_text(half) and table_rows(half)[-1][0] == "Tổng cộng"


@pytest.mark.parametrize(("name", "d"), CHECKED[::3], ids=[name for name, _ in CHECKED[::3]])
def test_list_items_end_with_a_semicolon_and_the_last_with_a_period(name, d):
    runs: list[list[str]] = []
    previous = None
    for b in blocks(d):
        if isinstance(b, ListItem) and not b.runs[0].text.startswith(("Căn cứ",)):
            if previous is not None and isinstance(previous, ListItem) and previous.mark == b.mark:
                runs[-1].append(text_of(b))
            else:
                runs.append([text_of(b)])
        previous = b
    for run in runs:
        for item in run[:-1]:
            assert item.endswith((";", ":")), item
        assert run[-1].endswith((".", ":", "./.")), run[-1]


def test_the_contact_list_of_the_monthly_report_ends_as_officials_write_it():
    items = [text_of(b) for b in blocks(example("000"))[:8] if isinstance(b, ListItem)]
    assert items == [
        "- Ủy ban nhân dân xã Thiệu Trung, tỉnh Thanh Hóa;",
        "- Kỳ báo cáo: tháng 4 năm 2026 theo yêu cầu của Bộ Khoa học và Công nghệ;",
        "- Người liên hệ: ông Nghiêm Duy Cương; chức vụ: Chuyên viên phòng Văn hóa - Xã hội;",
        "- Số điện thoại: 0982 741 345;",
        "- Thư điện tử: cuongnd.thieutrong@thanhhoa.gov.vn.",
    ]
    annual = [text_of(b) for b in blocks(example("004")) if isinstance(b, ListItem)]
    assert "- Chi thường xuyên: 390 triệu đồng;" in annual


def test_the_vv_line_reads_naturally_and_keeps_the_unit_with_its_name(tmp_path):
    d = example("001")
    path = tmp_path / "cv.docx"
    render_to_file(d, path, allow_errors=True)
    header = Document(path).tables[0]
    vv = next(p.text for row in header.rows for cell in row.cells for p in cell.paragraphs if p.text.startswith("V/v "))
    assert vv.endswith("thông qua việc tháo gỡ điểm nghẽn về cơ chế tài chính của phường\u00a0Bỉm Sơn")
    again = draft_from_docx(path)
    assert drafts.to_json(again) == drafts.to_json(d)
    assert again.unit.full_name == "phường Bỉm Sơn"


def test_the_title_of_a_bao_cao_keeps_the_unit_with_its_name(tmp_path):
    path = tmp_path / "bc.docx"
    render_to_file(example("000"), path)
    titles = [p.text for p in Document(path).paragraphs if p.text.startswith("Tình hình triển khai")]
    assert titles and titles[0].endswith("về cơ chế tài chính của xã\u00a0Thiệu Trung")
    assert drafts.to_json(draft_from_docx(path)) == drafts.to_json(example("000"))


def test_a_no_break_space_in_typed_text_is_still_a_plain_space_in_the_draft():
    d = drafts.from_json({**drafts.to_json(example("000")), "title": "Báo cáo\u00a0tháng"})
    assert d.title == "Báo cáo tháng"
    assert vn.bind_unit_name("của phường Hạc Thành", "phường", "Hạc Thành") == "của phường\u00a0Hạc Thành"
    assert vn.bind_unit_name("của phường Hạc", "phường", "Hạc Thành") == "của phường Hạc"
