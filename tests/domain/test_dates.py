"""Dates as Japanese shops write them: Western and era forms, birthdays, formatting."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopcrm.domain.dates import (
    ERAS,
    Birthday,
    age_on,
    birthday_in_year,
    era_of,
    format_birthday,
    format_date,
    month_range,
    next_birthday,
    parse_birthday,
    parse_date,
    parse_datetime,
    to_era,
)
from shopcrm.domain.rules import ValidationError

FULL = {ord(d): ord(d) + 0xFEE0 for d in "0123456789/."}


@pytest.mark.parametrize(
    "text, birthday",
    [("1980-03-10", (1980, 3, 10)), ("1980/3/10", (1980, 3, 10)), ("1980.3.10", (1980, 3, 10)),
     ("1980年3月10日", (1980, 3, 10)), ("19800310", (1980, 3, 10)), ("3/10", (None, 3, 10)),
     ("3月10日", (None, 3, 10)), ("昭和55年3月10日", (1980, 3, 10)), ("S55.3.10", (1980, 3, 10)),
     ("s55.3.10", (1980, 3, 10)), ("H2.1.5", (1990, 1, 5)), ("R1.5.1", (2019, 5, 1)),
     ("令和元年5月1日", (2019, 5, 1)), ("１９８０／３／１０", (1980, 3, 10)),
     ("Ｓ５５．３．１０", (1980, 3, 10)), ("㍼55年3月10日", (1980, 3, 10)),
     ("平成元年1月8日", (1989, 1, 8)), ("大正15年12月24日", (1926, 12, 24)),
     ("T1.7.30", (1912, 7, 30)), ("2/29", (None, 2, 29)), ("2000/2/29", (2000, 2, 29)),
     (" 1980 / 3 / 10 ", (1980, 3, 10))],
)  # fmt: skip
def test_accepted_birthdays(text, birthday):
    assert parse_birthday(text, today=dt.date(2026, 11, 23)) == Birthday(*birthday)


@pytest.mark.parametrize(
    "text, message",
    [("2/30", "February 30 does not exist"), ("4/31", "April 31 does not exist"),
     ("13/1", "month 13 does not exist"), ("1980/2/30", "February 30 does not exist"),
     ("2001/2/29", "2001 is not a leap year, so February 29 does not exist"),
     ("H1.1.7", "Heisei began on 1989-01-08; 1989-01-07 is still Shōwa"),
     ("S64.1.8", "Shōwa ended on 1989-01-07; 1989-01-08 is already Heisei"),
     ("S65.1.1", "Shōwa ended in its year 64 (1989-01-07); there is no year 65"),
     ("H31.5.1", "Heisei ended on 2019-04-30; 2019-05-01 is already Reiwa"),
     ("R1.4.30", "Reiwa began on 2019-05-01; 2019-04-30 is still Heisei"),
     ("S0.1.1", "an era year starts at 1 (元年)"),
     ("1850/1/1", "year 1850 is too early (before 1900)"),
     ("2030/1/1", "is in the future"),
     ("hello", "is not a date; write it like 1980/3/10, 3/10 or S55.3.10"),
     ("", "is required")],
)  # fmt: skip
def test_rejected_birthdays_say_why(text, message):
    with pytest.raises(ValidationError) as err:
        parse_birthday(text, today=dt.date(2026, 11, 23))
    assert err.value.field == "birthday"
    assert err.value.message == message


def test_rejection_in_japanese(ja):
    with pytest.raises(ValidationError) as err:
        parse_birthday("2/30")
    assert str(err.value) == "誕生日: 2月30日は存在しません"
    with pytest.raises(ValidationError) as err:
        parse_birthday("H1.1.7")
    assert err.value.message == "平成は1989-01-08からです。1989-01-07はまだ昭和です"


dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2026, 11, 23))


@given(dates)
def test_every_date_round_trips_in_every_form(d):
    forms = [
        d.isoformat(),
        f"{d.year}/{d.month}/{d.day}",
        f"{d.year}.{d.month}.{d.day}",
        f"{d.year}年{d.month}月{d.day}日",
        d.strftime("%Y%m%d"),
        f"{d.year}/{d.month}/{d.day}".translate(FULL),
        to_era(d),
        to_era(d, "letter"),
        to_era(d, "letter").lower(),
        to_era(d).translate(FULL),
    ]
    for text in forms:
        assert parse_birthday(text, today=dt.date(2026, 11, 23)) == (d.year, d.month, d.day), text
        assert parse_date(text) == d, text


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2040, 12, 31)))
def test_to_era_names_the_era_the_date_is_in(d):
    era = era_of(d)
    assert era.start <= d and (era.end is None or d <= era.end)
    assert to_era(d).startswith(era.name)


@given(st.integers(1, 12), st.integers(1, 31))
def test_month_day_without_year(month, day):
    try:
        dt.date(2000, month, day)  # 2000 is a leap year: every real birthday exists in it
    except ValueError:
        with pytest.raises(ValidationError):
            parse_birthday(f"{month}/{day}")
    else:
        assert parse_birthday(f"{month}/{day}") == Birthday(None, month, day)
        assert parse_birthday(f"{month}月{day}日") == Birthday(None, month, day)


def test_era_table_is_continuous():
    for before, after in itertools.pairwise(ERAS):
        assert before.end + dt.timedelta(days=1) == after.start
    assert to_era(dt.date(2019, 5, 1)) == "令和元年5月1日"
    assert to_era(dt.date(2026, 11, 23)) == "令和8年11月23日"
    assert to_era(dt.date(1989, 1, 7), "letter") == "S64.1.7"


def test_parse_date_and_datetime():
    today = dt.date(2026, 11, 23)
    assert parse_date("11/20", today=today) == dt.date(2026, 11, 20)
    assert parse_date("R8.11.20") == dt.date(2026, 11, 20)
    with pytest.raises(ValidationError) as err:
        parse_date("2026/13/1")
    assert err.value.field == "date"
    now = dt.datetime(2026, 11, 23, 21, 0)
    assert parse_datetime("2026-11-20 19:30", now) == dt.datetime(2026, 11, 20, 19, 30)
    assert parse_datetime("2026/11/20 19:30:05", now) == dt.datetime(2026, 11, 20, 19, 30, 5)
    assert parse_datetime("2026-11-20T19:30", now) == dt.datetime(2026, 11, 20, 19, 30)
    assert parse_datetime("19:30", now) == dt.datetime(2026, 11, 23, 19, 30)
    assert parse_datetime("19時30分", now) == dt.datetime(2026, 11, 23, 19, 30)
    assert parse_datetime("11/20 18:05", now) == dt.datetime(2026, 11, 20, 18, 5)
    assert parse_datetime("２０２６－１１－２０　１９：３０", now) == dt.datetime(
        2026, 11, 20, 19, 30
    )
    assert parse_datetime("2026-11-20", now) == dt.datetime(2026, 11, 20)
    for bad in ("25:00", "2026-02-30 19:00", "yesterday", ""):
        with pytest.raises(ValidationError) as err:
            parse_datetime(bad, now)
        assert err.value.field == "visited_at"


def test_birthday_helpers():
    assert birthday_in_year(2, 29, 2027) == dt.date(2027, 2, 28)
    assert birthday_in_year(2, 29, 2028) == dt.date(2028, 2, 29)
    today = dt.date(2026, 11, 23)
    assert next_birthday(11, 23, today) == today
    assert next_birthday(11, 22, today) == dt.date(2027, 11, 22)
    assert next_birthday(2, 29, today) == dt.date(2027, 2, 28)
    assert age_on(1980, 3, 10, dt.date(2026, 3, 9)) == 45
    assert age_on(1980, 3, 10, dt.date(2026, 3, 10)) == 46
    assert age_on(2000, 2, 29, dt.date(2027, 2, 28)) == 27
    assert month_range(2028, 2) == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))
    assert month_range(2026, 12) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))


def test_formatting():
    d = dt.date(2026, 11, 23)
    assert format_date(d, "ja") == "2026年11月23日"
    assert format_date(d, "en") == "23 Nov 2026"
    assert format_birthday(Birthday(None, 3, 10), "ja") == "3月10日"
    assert format_birthday(Birthday(1980, 3, 10), "en") == "10 Mar 1980"
