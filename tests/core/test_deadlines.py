"""Period keys and deadlines: the same words in every department command and on the commune's home."""

import datetime as dt

import pytest

from kpdesk.deadlines import Deadline, deadline, parse_period, period_key
from kpdesk.draft import Period
from kpdesk.errors import FormatError
from kpdesk.kinds import get_kind

MONTHLY = get_kind("co-che-tai-chinh-thang")
HALF = get_kind("quan-ly-khcn-6-thang")


@pytest.mark.parametrize(
    ("key", "period"),
    [
        ("2026-05", Period("month", 2026, month=5)),
        ("2026-5", Period("month", 2026, month=5)),
        ("2026-H1", Period("half", 2026, half=1)),
        ("2026-h2", Period("half", 2026, half=2)),
        ("2026", Period("year", 2026)),
        (" 2026-12 ", Period("month", 2026, month=12)),
    ],
)
def test_period_keys_read(key, period):
    assert parse_period(key) == period


@pytest.mark.parametrize("period", [Period("month", 2026, month=5), Period("half", 2022, half=1), Period("year", 2027)])
def test_period_keys_round_trip(period):
    assert parse_period(period_key(period)) == period


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("05/2026", "Hãy viết «2026-05»"),
        ("2026-13", "tháng từ 1 đến 12"),
        ("2026-H3", "không đúng cách viết"),
        ("tháng 5", "không đúng cách viết"),
        ("1800", "từ 1990 đến 2200"),
    ],
)
def test_a_badly_written_period_says_how_to_write_it(text, says):
    with pytest.raises(FormatError, match=says):
        parse_period(text)


def test_the_monthly_report_is_due_before_the_twentieth_of_its_month():
    due = deadline(MONTHLY, Period("month", 2026, month=5))
    assert due == Deadline(dt.date(2026, 5, 19), "kind")
    assert due.text == "trước ngày 20/5/2026"
    assert due.days_left(dt.date(2026, 5, 15)) == 4 and due.days_left(dt.date(2026, 5, 20)) == -1
    assert due.days_late(dt.date(2026, 5, 19)) == 0 and due.days_late(dt.date(2026, 5, 22)) == 3


def test_weekends_do_not_move_the_deadline():
    due = deadline(MONTHLY, Period("month", 2026, month=9))  # 20/09/2026 is a Sunday
    assert due.last_day == dt.date(2026, 9, 19)


def test_a_half_year_report_has_a_deadline_only_when_the_department_sets_one():
    period = Period("half", 2026, half=1)
    assert deadline(HALF, period) is None
    due = deadline(HALF, period, {"2026-H1": dt.date(2026, 7, 15)})
    assert due == Deadline(dt.date(2026, 7, 15), "department") and due.text == "hạn ngày 15/7/2026"


def test_a_date_the_department_sets_wins_over_the_kinds_rule():
    due = deadline(MONTHLY, Period("month", 2026, month=5), {"2026-05": dt.date(2026, 5, 25)})
    assert due.last_day == dt.date(2026, 5, 25)
