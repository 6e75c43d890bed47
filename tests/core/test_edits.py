"""Editing a draft: each kind of edit, what it says it changed, the unread typed text kept or cleared, refusals."""

import datetime as dt
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from kpdesk import draft as drafts
from kpdesk import edits, vn
from kpdesk.draft import Period, Signer, Unit
from kpdesk.edits import NO_CHANGES, Changes, SetField, SetPart, apply, apply_all, inputs_of
from kpdesk.errors import DraftError, EditError, StoreError
from kpdesk.kinds import all_kinds, get_kind
from kpdesk.vocab import DocPart

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


def example(prefix: str) -> drafts.Draft:
    return drafts.load(next(p for p in EXAMPLES if p.name.startswith(prefix)))


@pytest.fixture
def monthly():
    d = example("000")
    return get_kind(d.kind), d


@pytest.fixture
def tables():
    d = example("002")
    return get_kind(d.kind), d


# ---------------------------------------------------------------------------- fields


def test_setting_a_field_changes_that_field_only_and_says_so(monthly):
    kind, d = monthly
    new, changes = apply(kind, d, SetField("closing", "Câu kết mới"))
    assert new.values["closing"] == "Câu kết mới" and d.values["closing"] != "Câu kết mới"
    assert changes == Changes(fields=frozenset({"closing"})) and changes.typing
    assert {k: v for k, v in new.values.items() if k != "closing"} == {
        k: v for k, v in d.values.items() if k != "closing"
    }
    assert replace(new, values=d.values) == d, "nothing but the values changed"


def test_an_empty_value_clears_the_field(monthly):
    kind, d = monthly
    for empty in (None, "", []):
        new, changes = apply(kind, d, SetField("closing", empty))
        assert "closing" not in new.values and changes.fields == {"closing"}


def test_the_same_value_changes_nothing(monthly):
    kind, d = monthly
    new, changes = apply(kind, d, SetField("closing", d.values["closing"]))
    assert new is d and changes == NO_CHANGES and not changes
    new, changes = apply(kind, d, SetPart(DocPart.SIGNER, d.signer))
    assert new is d and not changes


def test_unread_text_comes_with_its_field_and_a_new_value_clears_it(monthly):
    kind, d = monthly
    typed, changes = apply(kind, d, SetField("budget_total", None, {"budget_total": "2,5 tỷ rưỡi"}))
    assert typed.inputs == {"budget_total": "2,5 tỷ rưỡi"} and "budget_total" not in typed.values
    assert changes.fields == {"budget_total"}
    # only the text changed: still a change
    again, changes = apply(kind, typed, SetField("budget_total", None, {"budget_total": "2,5 tỷ"}))
    assert again.inputs == {"budget_total": "2,5 tỷ"} and changes.fields == {"budget_total"}
    # another field keeps its own text
    other, _ = apply(kind, again, SetField("disbursed", 5_000_000))
    assert other.inputs == {"budget_total": "2,5 tỷ"}
    # a value without text clears the text; blank text is no text
    read, _ = apply(kind, other, SetField("budget_total", 2_500_000_000))
    assert read.inputs == {} and read.values["budget_total"] == 2_500_000_000
    blank, changes = apply(kind, read, SetField("budget_total", 2_500_000_000, {"budget_total": "   "}))
    assert blank is read and not changes


def test_the_unread_text_of_a_table_is_kept_by_cell(tables):
    kind, d = tables
    rows = d.values["models"]
    typed, _ = apply(kind, d, SetField("models", rows, {"models.1.area": "ba ha", "models.2.area": "x"}))
    typed, _ = apply(kind, typed, SetPart(DocPart.DATE, None, {DocPart.DATE: "31/2/2022"}))
    assert inputs_of(typed, "models") == {"models.1.area": "ba ha", "models.2.area": "x"}
    assert inputs_of(typed, DocPart.DATE) == {"_date": "31/2/2022"} and inputs_of(typed, "documents") == {}
    fixed, changes = apply(kind, typed, SetField("models", rows, {"models.2.area": "x"}))
    assert fixed.inputs == {"models.2.area": "x", "_date": "31/2/2022"} and changes.fields == {"models"}


def test_text_of_another_field_or_a_field_the_kind_lacks_is_refused_and_changes_nothing(monthly):
    kind, d = monthly
    for edit, words in [
        (SetField("budget_total", None, {"_date": "1/1"}), "không phải chữ gõ của trường «budget_total»"),
        (SetField("budget_total", None, {"disbursed": "5"}), "không phải chữ gõ của trường «budget_total»"),
        (SetField("measures", None, {"measures": "x"}), "không phải chữ gõ"),  # a table takes text by cell
        (SetField("measures", None, {"measures.1.khong_co": "x"}), "không phải chữ gõ"),
        (SetField("khong_co", 1), "không có trường «khong_co»"),
        (SetPart(DocPart.NUMBER, "5", {"_number": "năm"}), "không phải chữ gõ của «Số văn bản»"),
    ]:
        with pytest.raises(EditError, match=words) as caught:
            apply(kind, d, edit)
        assert isinstance(caught.value, DraftError) and isinstance(caught.value, StoreError)


def sample(f):
    """A value of the field's type (its Python form)."""
    return (
        {
            "text": "Nội dung",
            "longtext": "Đoạn một.\nĐoạn hai.",
            "list": ["Ý một"],
            "amount": 352_000_000,
            "int": 2026,
            "decimal": Decimal("2.5"),
            "percent": Decimal("12.5"),
            "date": dt.date(2026, 3, 30),
            "reference": vn.DocRef("Công văn", "1133/SKHCN-KHTC", dt.date(2026, 3, 30), "Sở KH&CN"),
            "choice": f.options[0].value if f.options else "x",
            "bool": True,
            "phone": "0982741345",
            "email": "ten@xa.gov.vn",
        }.get(f.type)
        if f.type != "rows"
        else [{c.id: sample(c) for c in f.columns}]
    )


WRONG = {
    "text": 5,
    "longtext": ["a"],
    "list": "một ý",
    "amount": Decimal("1.5"),
    "int": True,
    "decimal": "2,5",
    "percent": 12.5,
    "date": dt.datetime(2026, 3, 30, 8, 0),
    "reference": "1133/SKHCN",
    "choice": 1,
    "bool": "có",
    "phone": 982741345,
    "email": ["ten@xa.gov.vn"],
    "rows": [{"khong_co": 1}],
}


@pytest.mark.parametrize("kind", all_kinds(), ids=lambda k: k.id)
def test_every_field_takes_a_value_of_its_type_and_refuses_another_naming_the_field(kind):
    d = drafts.new_draft(kind, Period(kind.periods[0], 2026, month=4, half=1), Unit("Thiệu Trung"))
    for f in kind.fields:
        new, changes = apply(kind, d, SetField(f.id, sample(f)))
        assert new.values[f.id] == sample(f) and changes.fields == {f.id}
        with pytest.raises(EditError, match=re.escape(f"«{f.label}»")):
            apply(kind, d, SetField(f.id, WRONG[f.type]))


def test_a_table_cell_of_the_wrong_type_names_its_row_and_column(tables):
    kind, d = tables
    rows = [dict(r) for r in d.values["models"]]
    rows[1]["area"] = "bảy ha"
    with pytest.raises(EditError, match="dòng 2, cột «"):
        apply(kind, d, SetField("models", rows))


# ---------------------------------------------------------------------------- document parts


@pytest.mark.parametrize(
    ("part", "value"),
    [
        (DocPart.FORM, "cong_van"),
        (DocPart.PERIOD, Period("month", 2026, month=5)),
        (DocPart.NUMBER, "15"),
        (DocPart.DATE, dt.date(2026, 4, 20)),
        (DocPart.SIGNER, Signer(("TM. ỦY BAN NHÂN DÂN",), "CHỦ TỊCH", "Lê Văn Hòa")),
        (DocPart.TO, ("Sở KH&CN tỉnh Thanh Hóa",)),
        (DocPart.RECIPIENTS, ("Như trên", "Lưu: VT")),
        (DocPart.MONEY, "ty"),
        (DocPart.TITLE, "Tháng tư"),
        (DocPart.UNIT, Unit("Bỉm Sơn", "phường", "Thanh Hóa")),
    ],
)
def test_each_document_part_is_set_and_is_not_typing(monthly, part, value):
    kind, d = monthly
    new, changes = apply(kind, d, SetPart(part, value))
    attr = edits.PART_ATTRIBUTES[part]
    assert getattr(new, attr) == value and getattr(d, attr) != value
    assert changes == Changes(parts=frozenset({part})) and not changes.typing
    assert replace(new, **{attr: getattr(d, attr)}) == d, "nothing else changed"


def test_every_document_part_has_its_draft_attribute():
    assert set(edits.PART_ATTRIBUTES) == set(DocPart)
    assert all(edits.PART_OF_ATTRIBUTE[attr] == part for part, attr in edits.PART_ATTRIBUTES.items())


def test_lines_are_kept_as_a_tuple_and_an_empty_number_is_none(monthly):
    kind, d = monthly
    new, _ = apply(kind, d, SetPart(DocPart.RECIPIENTS, ["Như trên"]))
    assert new.recipients == ("Như trên",)
    new, _ = apply(kind, replace(d, number="5"), SetPart(DocPart.NUMBER, ""))
    assert new.number is None


def test_the_signing_date_keeps_its_unread_text_until_a_date_replaces_it(monthly):
    kind, d = monthly
    typed, changes = apply(kind, d, SetPart(DocPart.DATE, None, {DocPart.DATE: "31/2/2026"}))
    assert typed.date is None and typed.inputs == {"_date": "31/2/2026"} and changes.parts == {DocPart.DATE}
    dated, changes = apply(kind, typed, SetPart(DocPart.DATE, dt.date(2026, 4, 18)))
    assert dated.date == dt.date(2026, 4, 18) and dated.inputs == {} and changes.parts == {DocPart.DATE}


@pytest.mark.parametrize(
    ("part", "value", "words"),
    [
        (DocPart.FORM, "to_trinh", "không có hình thức «to_trinh»"),
        (DocPart.MONEY, "usd", "Đơn vị tiền"),
        (DocPart.DATE, "2026-04-18", "Ngày ký"),
        (DocPart.PERIOD, {"type": "month"}, "Kỳ báo cáo"),
        (DocPart.SIGNER, "Trần Ngọc Tùng", "Người ký"),
        (DocPart.TO, (1,), "Kính gửi"),
        (DocPart.NUMBER, 15, "Số văn bản"),
    ],
)
def test_a_document_part_of_the_wrong_kind_is_refused(monthly, part, value, words):
    kind, d = monthly
    with pytest.raises(EditError, match=words):
        apply(kind, d, SetPart(part, value))


# ---------------------------------------------------------------------------- several edits


def test_several_edits_say_everything_they_changed(monthly):
    kind, d = monthly
    new, changes = apply_all(
        kind, d, [SetField("closing", "Hết."), SetField("disbursed", 1), SetPart(DocPart.NUMBER, "7")]
    )
    assert changes == Changes(frozenset({"closing", "disbursed"}), frozenset({DocPart.NUMBER}))
    assert not changes.typing and (new.values["closing"], new.values["disbursed"], new.number) == ("Hết.", 1, "7")
    assert (Changes(fields=frozenset({"a"})) | Changes(fields=frozenset({"b"}))).typing
    assert apply_all(kind, d, []) == (d, NO_CHANGES) and NO_CHANGES.typing
