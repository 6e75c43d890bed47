"""Edited after export: figures changed by hand are found, with the line; wording and re-saving are not flagged."""

from kpdesk.department.compare import Difference, edited_after_export, figures

DATA = [
    "ỦY BAN NHÂN DÂN",
    "XÃ THIỆU TRUNG",
    "Số: 05/BC-UBND",
    "Thiệu Trung, ngày 15 tháng 4 năm 2026",
    "- Tổng kinh phí được phân bổ năm 2026: 352 triệu đồng (Bằng chữ: Ba trăm năm mươi hai triệu đồng chẵn).",
    "- Đã giải ngân: 200 triệu đồng, đạt 56,82%.",
    "Trên đây là báo cáo của Ủy ban nhân dân xã Thiệu Trung./.",
]


def test_the_same_lines_differ_in_nothing():
    assert edited_after_export(DATA, list(DATA), ["Thiệu Trung"]) == []


def test_spacing_and_no_break_spaces_from_a_resave_are_not_edits():
    resaved = [line.replace(" ", "\u00a0", 1) + " " for line in DATA]
    assert edited_after_export(DATA, resaved, ["Thiệu Trung"]) == []


def test_a_changed_amount_is_reported_with_both_values_and_the_line():
    edited = list(DATA)
    edited[5] = "- Đã giải ngân: 250 triệu đồng, đạt 56,82%."
    (diff,) = edited_after_export(DATA, edited)
    assert diff == Difference("200 triệu đồng", "250 triệu đồng", "- Đã giải ngân: 250 triệu đồng, đạt 56,82%.")
    assert "dữ liệu ghi «200 triệu đồng», văn bản ghi «250 triệu đồng»" in diff.text


def test_a_changed_unit_of_money_is_a_different_figure():
    edited = [line.replace("352 triệu", "352 tỷ") for line in DATA]
    (diff,) = edited_after_export(DATA, edited)
    assert (diff.expected, diff.found) == ("352 triệu đồng", "352 tỷ đồng")


def test_changed_dates_percentages_and_the_unit_name_are_all_found():
    edited = list(DATA)
    edited[3] = "Thiệu Trung, ngày 25 tháng 4 năm 2026"
    edited[5] = "- Đã giải ngân: 200 triệu đồng, đạt 60%."
    edited[6] = "Trên đây là báo cáo của Ủy ban nhân dân xã Thiệu Trong./."
    found = {(d.expected, d.found) for d in edited_after_export(DATA, edited, ["Thiệu Trung"])}
    assert found == {("ngày 15 tháng 4 năm 2026", "ngày 25 tháng 4 năm 2026"), ("56,82%", "60%"), ("Thiệu Trung", "")}


def test_a_reworded_sentence_with_the_same_figures_is_not_an_edit():
    edited = list(DATA)
    edited[5] = "- Kinh phí đã giải ngân là 200 triệu đồng, tức 56,82%."
    assert edited_after_export(DATA, edited) == []


def test_a_figure_added_or_removed_says_so():
    edited = [*DATA[:6], "- Đề nghị bổ sung 50 triệu đồng.", DATA[6]]
    (diff,) = edited_after_export(DATA, edited)
    assert (diff.expected, diff.found) == ("", "50 triệu đồng") and "dữ liệu không có" in diff.text
    gone = edited_after_export(DATA, [*DATA[:5], DATA[6]])
    assert {(d.expected, d.found) for d in gone} == {("200 triệu đồng", ""), ("56,82%", "")}
    assert all("văn bản không còn số này" in d.text for d in gone)


def test_figures_keep_their_units_and_group_marks():
    assert figures("Dự toán 3.480 triệu đồng, 2,382 tỷ đồng; 99,98 %; ngày 05 tháng 02 năm 2026") == [
        "3.480 triệu đồng",
        "2,382 tỷ đồng",
        "99,98 %",
        "ngày 05 tháng 02 năm 2026",
    ]
