"""The quick path for stored-form moments gives what the general parser gives, and a day that
does not exist still gets the general parser's message."""

from __future__ import annotations

import datetime as dt

import pytest

from shopcrm.domain.dates import parse_datetime
from shopcrm.domain.money import parse_money
from shopcrm.domain.rules import ValidationError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20 19:30", dt.datetime(2026, 11, 20, 19, 30)),
        ("2026-11-20T19:30:05", dt.datetime(2026, 11, 20, 19, 30, 5)),
        (" 2024-02-29 23:59:59 ", dt.datetime(2024, 2, 29, 23, 59, 59)),
        ("２０２６-１１-２０ １９:３０", dt.datetime(2026, 11, 20, 19, 30)),  # the general path
        ("2026/11/20 19:30", dt.datetime(2026, 11, 20, 19, 30)),
    ],
)
def test_moments(text, expected):
    assert parse_datetime(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-02-29 19:00", "2026 is not a leap year, so February 29 does not exist"),
        ("2026-11-20 24:10", "24:10 is not a time of day"),
    ],
)
def test_impossible_moments_say_why(text, message):
    with pytest.raises(ValidationError) as err:
        parse_datetime(text)
    assert err.value.message == message


def test_plain_digits_are_amounts_like_any_other_form():
    assert parse_money("4800") == parse_money("4,800円") == 4800
    assert parse_money("1234", "USD") == parse_money("12.34", "USD") * 100
    with pytest.raises(ValidationError):
        parse_money("99999999999999")
