"""The draft JSON format: round trips, typed values, version upgrades and clear refusals."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from kpdesk import draft as drafts
from kpdesk import vn
from kpdesk.draft import Period, Unit
from kpdesk.errors import DraftError
from kpdesk.kinds import get_kind

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
FIXTURE_KINDS = ROOT / "tests" / "fixtures" / "kinds"


def base(**values):
    return {
        "format": "kpdesk-draft",
        "format_version": 1,
        "kind": "mau-thu",
        "kind_version": 2,
        "period": {"type": "month", "year": 2026, "month": 4},
        "unit": {"name": "Thiệu Trung", "province": "Thanh Hóa", "office_symbol": "vhxh"},
        "signer": {"authority": ["KT. CHỦ TỊCH"], "position": "PHÓ CHỦ TỊCH", "name": "Trần Ngọc Tùng"},
        "values": values,
    }


def load(data):
    return drafts.from_json(data, kinds_root=FIXTURE_KINDS)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_round_trips_exactly(path):
    original = json.loads(path.read_text(encoding="utf-8"))
    d = drafts.load(path)
    again = drafts.to_json(d)
    assert drafts.to_json(drafts.loads(drafts.dumps(d))) == again
    assert again["values"] == {k: v for k, v in original["values"].items() if v not in (None, "", [])}


def test_values_arrive_as_exact_python_values():
    d = load(
        base(
            total="2,382 tỷ",
            part_a=382_000_000,
            area="2.5",
            ok_pct="99.98",
            when="2026-03-30",
            ref="Công văn số 1133/SKHCN-KHTC ngày 30/3/2026 của Sở KH&CN",
            flag=True,
            lines=[{"group": "kh", "content": "Mô hình", "amount": "450 triệu"}],
        )
    )
    v = d.values
    assert v["total"] == 2_382_000_000 and isinstance(v["total"], int)
    assert v["area"] == Decimal("2.5") and v["ok_pct"] == Decimal("99.98")
    assert v["when"] == dt.date(2026, 3, 30)
    assert v["ref"] == vn.DocRef("Công văn", "1133/SKHCN-KHTC", dt.date(2026, 3, 30), "Sở KH&CN")
    assert v["lines"] == [{"group": "kh", "content": "Mô hình", "amount": 450_000_000}]
    assert d.unit.office_symbol == "VHXH"


def test_text_is_nfc_and_free_of_characters_xml_cannot_hold():
    d = load(base(name="Thie\u0302\u0323u Trung\x00\x07", notes="dòng 1\r\ndòng\u00a02"))
    assert d.values["name"] == "Thiệu Trung"
    assert d.values["notes"] == "dòng 1\ndòng 2"


def test_a_draft_from_an_older_kind_version_is_carried_over():
    data = base(old_total=5_000_000, obsolete="bỏ")
    data["kind_version"] = 1
    d = load(data)
    assert d.values == {"total": 5_000_000}
    assert d.kind_version == 2


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(format="khac"), "không phải bản nháp kpdesk"),
        (lambda d: d.update(format_version=99), "phiên bản kpdesk mới hơn"),
        (lambda d: d.update(kind="khong-co"), "Không có loại báo cáo"),
        (lambda d: d.update(kind_version=9), "mới hơn bản đang cài"),
        (lambda d: d["values"].update(khong_co=1), "khong_co"),
        (lambda d: d["values"].update(total=True), "Tổng"),
        (lambda d: d["values"].update(lines=[{"group": "kh", "la": 1}]), "cột lạ"),
        (lambda d: d["values"].update(flag="có"), "true hoặc false"),
        (lambda d: d.update(period={"type": "week", "year": 2026}), "week"),
        (lambda d: d.update(period={"type": "month", "year": 2026, "month": 13}), "tháng"),
        (lambda d: d.update(period="2026-04"), "period"),
        (lambda d: d.update(unit=None), "unit"),
        (lambda d: d.update(form="to_trinh"), "to_trinh"),
        (lambda d: d.update(money_unit="usd"), "money_unit"),
        (lambda d: d.update(values=[1, 2]), "values"),
    ],
)
def test_a_bad_draft_is_refused_with_a_message_that_says_what_is_wrong(change, expected):
    data = base(total=1)
    change(data)
    with pytest.raises(DraftError) as caught:
        load(data)
    assert expected in caught.value.message


def test_a_value_that_cannot_be_read_is_kept_as_unread_text_not_refused():
    """#17: text a field cannot read is kept to correct, as the window keeps it; the rest of the draft is read."""
    data = base(
        total="hai đồng",
        part_a=5,
        when="30/02/2026",
        area="3,5 ha",
        ok_pct="gần 100",
        lines=[
            {"group": "kh", "content": "Một", "amount": "ba trăm"},
            {"group": "kh", "content": "Hai", "amount": 2_000},
        ],
    )
    data["date"] = "2026-02-30"
    d = load(data)
    assert d.inputs == {
        "total": "hai đồng",
        "when": "30/02/2026",
        "area": "3,5 ha",
        "ok_pct": "gần 100",
        "lines.1.amount": "ba trăm",
        "_date": "2026-02-30",
    }
    assert d.values["part_a"] == 5 and d.date is None and "total" not in d.values
    assert d.values["lines"] == [
        {"group": "kh", "content": "Một", "amount": None},
        {"group": "kh", "content": "Hai", "amount": 2_000},
    ]
    assert load(drafts.to_json(d, get_kind("mau-thu", FIXTURE_KINDS))) == d  # and it round-trips
    assert load({**base(), "date": "18/4/2026"}).date == dt.date(2026, 4, 18)  # a date written the Vietnamese way


def test_decimals_accept_json_numbers_and_choices_their_label():
    d = load(
        base(
            area=2.5,
            ok_pct=99.98,
            status="Đã thành lập",
            lines=[{"group": "chuyển đổi SỐ", "content": "A", "amount": 1}],
        )
    )
    assert d.values["area"] == Decimal("2.5") and d.values["ok_pct"] == Decimal("99.98")
    assert d.values["status"] == "yes" and d.values["lines"][0]["group"] == "cds"
    assert load(base(status="có lẽ")).values["status"] == "có lẽ"  # not an option: validation reports it


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{",
        "[]",
        "null",
        "1" * 10,
        '{"format": "kpdesk-draft"}',
        "[" * 100_000 + "]" * 100_000,
        b"\xff\xfe\x00garbage",
    ],
)
def test_malformed_json_gives_a_draft_error_never_a_crash(text):
    with pytest.raises(DraftError):
        drafts.loads(text)


def test_a_huge_file_is_refused_before_parsing():
    with pytest.raises(DraftError, match="quá lớn"):
        drafts.loads(" " * (drafts.MAX_DRAFT_BYTES + 1))


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(DraftError, match="Không tìm thấy"):
        drafts.load(tmp_path / "khong-co.json")


@pytest.mark.parametrize(
    ("period", "label", "code", "previous", "start", "end"),
    [
        (
            Period("month", 2026, month=4),
            "tháng 4 năm 2026",
            "T04-2026",
            Period("month", 2026, month=3),
            dt.date(2026, 4, 1),
            dt.date(2026, 4, 30),
        ),
        (
            Period("month", 2026, month=1),
            "tháng 1 năm 2026",
            "T01-2026",
            Period("month", 2025, month=12),
            dt.date(2026, 1, 1),
            dt.date(2026, 1, 31),
        ),
        (
            Period("half", 2022, half=1),
            "6 tháng đầu năm 2022",
            "6T1-2022",
            Period("half", 2021, half=2),
            dt.date(2022, 1, 1),
            dt.date(2022, 6, 30),
        ),
        (Period("year", 2026), "năm 2026", "N2026", Period("year", 2025), dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    ],
)
def test_periods_read_as_officers_write_them(period, label, code, previous, start, end):
    assert (period.label, period.code, period.previous(), period.start, period.end) == (
        label,
        code,
        previous,
        start,
        end,
    )
    assert period.previous().next() == period
    assert Period.from_json(period.to_json()) == period


def test_a_months_end_is_its_last_day_in_every_year_a_period_may_have():
    import calendar

    for year in range(1990, 2201):  # leap years: 2000 and 2024, not 2100
        for month in range(1, 13):
            assert Period("month", year, month=month).end == dt.date(year, month, calendar.monthrange(year, month)[1])


@pytest.mark.parametrize(
    ("kind", "day", "expected"),
    [
        ("month", dt.date(2026, 4, 30), Period("month", 2026, month=4)),
        ("half", dt.date(2026, 6, 30), Period("half", 2026, half=1)),
        ("half", dt.date(2026, 7, 1), Period("half", 2026, half=2)),
        ("year", dt.date(2026, 12, 31), Period("year", 2026)),
    ],
)
def test_the_period_of_a_type_that_contains_a_day(kind, day, expected):
    assert Period.containing(kind, day) == expected
    assert expected.start <= day <= expected.end


def test_there_is_no_period_of_an_unknown_type():
    with pytest.raises(DraftError, match="week"):
        Period.containing("week", dt.date(2026, 4, 30))


def test_a_new_draft_takes_the_kinds_default_recipients_filled_from_the_unit():
    kind = get_kind("mau-thu", FIXTURE_KINDS)
    unit = Unit("Bỉm Sơn", "phường", "Thanh Hóa", office_symbol="VHXH")
    d = drafts.new_draft(kind, Period("month", 2026, month=4), unit)
    assert d.to == ("Sở Khoa học và Công nghệ tỉnh Thanh Hóa",)
    assert d.recipients == ("Lưu: VT, VHXH",)
    assert unit.agency_lines == ("ỦY BAN NHÂN DÂN", "PHƯỜNG BỈM SƠN")
    assert unit.committee == "Ủy ban nhân dân phường Bỉm Sơn"


# ---------------------------------------------------------------------------- typed text not read yet


def test_text_that_could_not_be_read_is_kept_with_the_draft_and_round_trips():
    data = base(
        total=1_000_000,
        lines=[{"group": "kh", "content": "Một", "amount": 1000}, {"group": "kh", "content": "Hai", "amount": None}],
    )
    data["inputs"] = {"part_a": "2,5 tỷ rưỡi", "lines.2.amount": "ba trăm", "_date": "31/2/2026"}
    d = load(data)
    assert d.inputs == {"part_a": "2,5 tỷ rưỡi", "lines.2.amount": "ba trăm", "_date": "31/2/2026"}
    again = drafts.to_json(d, get_kind("mau-thu", FIXTURE_KINDS))
    assert again["inputs"] == data["inputs"]
    assert load(again) == d


def test_unread_text_of_a_row_that_is_not_there_is_dropped():
    data = base(lines=[{"group": "kh", "content": "Một", "amount": 1000}])
    data["inputs"] = {"lines.1.amount": "một nghìn", "lines.2.amount": "hai nghìn"}
    assert load(data).inputs == {"lines.1.amount": "một nghìn"}


def test_a_draft_without_unread_text_has_no_inputs_key():
    d = load(base(total=1))
    assert "inputs" not in drafts.to_json(d, get_kind("mau-thu", FIXTURE_KINDS))


def test_unread_text_is_cleaned_blank_text_dropped_and_long_text_cut():
    data = base()
    data["inputs"] = {"part_a": "Cafe\u0301\u202e 2 tỷ", "part_b": "   ", "notes": "x" * (drafts.MAX_INPUT_CHARS + 50)}
    d = load(data)
    assert d.inputs["part_a"] == "Café 2 tỷ"
    assert "part_b" not in d.inputs
    assert len(d.inputs["notes"]) == drafts.MAX_INPUT_CHARS


@pytest.mark.parametrize("key", ["nope", "lines", "lines.0.amount", "lines.1.nope", "total.1.amount", "_number"])
def test_unread_text_for_no_field_is_refused_naming_the_key(key):
    data = base()
    data["inputs"] = {key: "abc"}
    with pytest.raises(DraftError, match="inputs"):
        load(data)


@pytest.mark.parametrize("bad", [[], "abc", {"part_a": 5}, {"part_a": None}])
def test_inputs_of_the_wrong_shape_are_refused(bad):
    data = base()
    data["inputs"] = bad
    with pytest.raises(DraftError, match="inputs"):
        load(data)


def test_unread_text_follows_a_renamed_field_and_goes_with_a_removed_one():
    data = base()
    data["kind_version"] = 1
    data["inputs"] = {"old_total": "2 tỷ rưỡi", "obsolete": "abc"}
    assert load(data).inputs == {"total": "2 tỷ rưỡi"}


def test_input_keys_split_back_into_field_row_and_column():
    assert drafts.input_key("lines", 3, "amount") == "lines.3.amount"
    assert drafts.split_input_key("lines.3.amount") == ("lines", 3, "amount")
    assert drafts.split_input_key("total") == ("total", None, None)
    assert drafts.split_input_key("lines.03.amount") == ("lines.03.amount", None, None)
