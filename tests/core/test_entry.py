"""What the officer types in a field reads back to the value the form shows and saves."""

from decimal import Decimal
from pathlib import Path

import pytest

from kpdesk import draft as drafts
from kpdesk.entry import format_input, parse_input, understood
from kpdesk.errors import FormatError
from kpdesk.kinds import Field, get_kind

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.json"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_value_reads_back_from_what_the_form_shows(path):
    draft = drafts.load(path)
    kind = get_kind(draft.kind)
    for fid, value in draft.values.items():
        f = kind.field(fid)
        rows = value if f.type == "rows" else [{f.id: value}]
        columns = f.columns if f.type == "rows" else (f,)
        for row in rows:
            for col in columns:
                if row.get(col.id) is not None and col.type not in ("choice", "bool"):  # chosen, not typed
                    assert parse_input(col, format_input(col, row[col.id])) == row[col.id], (path.name, col.id)


def test_decimal_and_percent_read_the_vietnamese_way():
    area = Field(id="a", type="decimal", label="Diện tích (ha)")
    rate = Field(id="p", type="percent", label="Tỷ lệ")
    assert parse_input(area, "2,5") == Decimal("2.5")
    assert parse_input(area, "1.000") == Decimal("1000")
    assert parse_input(rate, "99,98") == Decimal("99.98")
    assert format_input(rate, Decimal("99.98")) == "99,98"


def test_an_amount_is_shown_back_normalised_with_its_words():
    amount = Field(id="b", type="amount", label="Kinh phí", unit="trieu")
    value = parse_input(amount, "2,382 tỷ")
    assert value == 2_382_000_000
    assert understood(amount, value) == "= 2.382 triệu đồng — Hai tỷ ba trăm tám mươi hai triệu đồng chẵn"


def test_blank_is_no_value_and_unreadable_text_is_a_format_error():
    amount = Field(id="b", type="amount", label="Kinh phí", unit="trieu")
    assert parse_input(amount, "   ") is None
    with pytest.raises(FormatError):
        parse_input(amount, "hai triệu rưỡi")
