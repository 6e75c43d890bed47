"""The department's unit list: CSV and XLSX as offices write them, every bad row named, names matched with slips."""

import datetime as dt
import unicodedata

import pytest

from kpdesk.department.unitlist import ListedUnit, match_unit, parse_rows, read_unit_list, suggest_units
from kpdesk.errors import DepartmentError

HEADER = ["Mã", "Tên", "Cấp", "Thư điện tử", "Điện thoại", "Hiệu lực từ", "Hiệu lực đến"]
ROWS = [
    ["16084", "Thiệu Trung", "xã", "ubnd.thieutrung@thanhhoa.gov.vn", "0237 3851 234", "01/07/2025", ""],
    ["16090", "Phường Bỉm Sơn", "Phường", "", "", "", ""],
    ["99001", "Hòn Mê", "Đặc khu", "", "", "2025-07-01", ""],
]


def _units_by_code(units):
    return {u.code: u for u in units}


def test_a_utf8_csv_with_bom_reads_every_column(tmp_path):
    path = tmp_path / "don-vi.csv"
    path.write_text("\n".join(",".join(r) for r in [HEADER, *ROWS]), encoding="utf-8-sig")
    units = _units_by_code(read_unit_list(path))
    assert units["16084"] == ListedUnit(
        "16084", "Thiệu Trung", "xã", "ubnd.thieutrung@thanhhoa.gov.vn", "02373851234", dt.date(2025, 7, 1), None
    )
    assert units["16090"].name == "Bỉm Sơn" and units["16090"].level == "phường"  # the level is not in the name
    assert units["99001"].full_name == "đặc khu Hòn Mê"


def _cp1258(text: str) -> bytes:
    """`text` as Windows-1258 stores it: ê, ơ, ư… precomposed, the tone as a combining mark after its letter."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones)))
        out.extend(c for c in parts if c in tones)
    return "".join(out).encode("cp1258")


def test_excel_csv_in_windows_vietnamese_with_semicolons_reads(tmp_path):
    path = tmp_path / "don-vi.csv"
    rows = [["Ma", "Ten", "Cap"], ["1", "Thiệu Trung", "xã"], ["2", "Hạc Thành", "phường"]]
    text = "\r\n".join(";".join(r) for r in rows)
    path.write_bytes(_cp1258(text))
    assert [u.name for u in read_unit_list(path)] == ["Thiệu Trung", "Hạc Thành"]


def test_an_xlsx_list_reads_codes_typed_as_numbers_and_real_dates(tmp_path):
    xlsxwriter = pytest.importorskip("xlsxwriter")
    path = tmp_path / "don-vi.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Danh sách")
    sheet.write_row(0, 0, ["DANH SÁCH ĐƠN VỊ CẤP XÃ GỬI BÁO CÁO"])  # a title above the header row
    sheet.write_row(2, 0, ["Mã", "Tên đơn vị", "Cấp", "Hiệu lực đến"])
    sheet.write_number(3, 0, 16084)
    sheet.write_row(3, 1, ["Thiệu Trung", "Xã"])
    sheet.write_datetime(3, 3, dt.datetime(2025, 6, 30), book.add_format({"num_format": "dd/mm/yyyy"}))
    book.close()
    (unit,) = read_unit_list(path)
    assert (unit.code, unit.level, unit.valid_until) == ("16084", "xã", dt.date(2025, 6, 30))


@pytest.mark.parametrize(
    ("row", "says"),
    [
        (["", "Thiệu Trung", "xã"], "chưa có mã"),
        (["1", "", "xã"], "chưa có tên"),
        (["1", "Thiệu Trung", "thôn"], "chỉ dùng «xã», «phường» hoặc «đặc khu»"),
        (["1", "Thiệu Trung", "xã", "ubnd.thanhhoa.gov.vn"], "Thư điện tử"),
        (["1", "Thiệu Trung", "xã", "", "12345"], "Điện thoại"),
        (["1", "Thiệu Trung", "xã", "", "", "31/06/2025"], "Hiệu lực từ"),
        (["1", "Thiệu Trung", "xã", "", "", "01/07/2025", "30/06/2025"], "ở trước ngày có hiệu lực"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_returned(row, says):
    with pytest.raises(DepartmentError) as caught:
        parse_rows([HEADER, ROWS[0], row], "don-vi.csv")
    assert "Dòng 3:" in caught.value.message and says in caught.value.message
    assert "chưa nhập đơn vị nào" in caught.value.message


def test_duplicate_codes_name_both_lines():
    with pytest.raises(DepartmentError, match="mã «16084» trùng với dòng 2"):
        parse_rows([HEADER, ROWS[0], ROWS[0]])


def test_a_file_without_the_required_headers_says_which_are_missing():
    with pytest.raises(DepartmentError, match="thiếu cột «Mã», «Cấp»"):
        parse_rows([["Tên", "Ghi chú"], ["Thiệu Trung", ""]])


@pytest.mark.parametrize("name", ["ds.xls", "ds.docx"])
def test_other_files_are_refused_with_the_way_out(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"\xd0\xcf\x11\xe0 not a list")
    with pytest.raises(DepartmentError, match=r"\.csv hoặc \.xlsx"):
        read_unit_list(path)


def test_a_broken_xlsx_is_refused_in_vietnamese(tmp_path):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(DepartmentError, match="không phải tệp Excel"):
        read_unit_list(path)


def test_a_unit_exists_between_its_dates_both_included():
    unit = ListedUnit("1", "Thiệu Trung", valid_from=dt.date(2025, 7, 1), valid_until=dt.date(2026, 6, 30))
    assert not unit.exists_on(dt.date(2025, 6, 30))
    assert unit.exists_on(dt.date(2025, 7, 1)) and unit.exists_on(dt.date(2026, 6, 30))
    assert not unit.exists_on(dt.date(2026, 7, 1))


def test_senders_match_by_level_and_name_without_diacritics_and_by_hand_made_aliases():
    units = [
        ListedUnit("1", "Thiệu Trung", "xã", id=1),
        ListedUnit("2", "Bỉm Sơn", "phường", id=2),
        ListedUnit("3", "Bỉm Sơn", "xã", id=3),
    ]
    assert match_unit("THIEU TRUNG", "Xã", units).id == 1
    assert match_unit("Bỉm Sơn", "phường", units).id == 2
    assert match_unit("Thiệu Trong", "xã", units) is None
    assert match_unit("Thiệu Trong", "xã", units, {"xa thieu trong": 1}).id == 1
    assert [u.id for u in suggest_units("Thiệu Trong", units)] == [1]
    assert suggest_units("Hạc Thành", units) == []
