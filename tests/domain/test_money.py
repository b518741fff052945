"""Money formatting and parsing: ints in, text out and back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopcrm.domain.money import (
    MAX_AMOUNT,
    format_man_yen,
    format_money,
    format_yen_ja,
    parse_money,
)
from shopcrm.domain.rules import ValidationError


def test_format():
    assert format_money(1234) == "¥1,234"
    assert format_money(0) == "¥0"
    assert format_money(-500) == "-¥500"
    assert format_money(1234, "USD") == "$12.34"
    assert format_yen_ja(4800) == "4,800円"
    assert format_man_yen(123_000) == "12.3万円"
    assert format_man_yen(120_000) == "12万円"
    assert format_man_yen(1_234_567) == "123.5万円"
    assert format_man_yen(250_000_000) == "2.5億円"
    assert format_man_yen(8_000) == "8,000円"
    assert format_man_yen(0) == "0円"


@pytest.mark.parametrize(
    "text, value",
    [("4,800", 4800), ("¥4800", 4800), ("４８００円", 4800), ("￥４，８００", 4800),
     (" 4800 ", 4800), ("1.2万", 12000), ("3千", 3000), ("0", 0), (4800, 4800)],
)  # fmt: skip
def test_parse(text, value):
    assert parse_money(text) == value


@pytest.mark.parametrize(
    "text, msgid",
    [("", "is required"), ("abc", "must be a number, like 4800"), ("-5", "cannot be negative"),
     ("4800.5", "must be a whole amount (no fractions of a yen)"),
     ("1000000000", "is too large (at most {max:,})")],
)  # fmt: skip
def test_parse_errors(text, msgid):
    with pytest.raises(ValidationError) as err:
        parse_money(text)
    assert err.value.field == "amount" and err.value.msgid == msgid


@given(st.integers(min_value=0, max_value=MAX_AMOUNT))
def test_round_trip(amount):
    assert parse_money(format_money(amount)) == amount
    assert parse_money(format_yen_ja(amount)) == amount


def test_japanese_message(ja):
    with pytest.raises(ValidationError) as err:
        parse_money("-1")
    assert str(err.value) == "金額: マイナスにはできません"
