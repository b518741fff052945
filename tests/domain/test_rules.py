"""Rules for what users type: phones, emails, postal codes, party size, amounts, customers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopcrm.domain.models import Customer
from shopcrm.domain.rules import (
    ValidationError,
    check_customer,
    customer_errors,
    format_postal_code,
    normalize_email,
    normalize_kana,
    normalize_phone,
    normalize_postal_code,
    validate_amount,
    validate_party_size,
)


def _error(fn, value):
    with pytest.raises(ValidationError) as err:
        fn(value)
    return err.value


@pytest.mark.parametrize(
    "text, phone",
    [("090-1234-5678", "09012345678"), ("(03) 1234-5678", "0312345678"),
     ("０９０ー１２３４ー５６７８", "09012345678"), ("03（1234）5678", "0312345678"),
     ("+81 90-1234-5678", "+819012345678"), ("+1 (212) 555-0100", "+12125550100"),
     ("", ""), ("  ", "")],
)  # fmt: skip
def test_phone_normalised(text, phone):
    assert normalize_phone(text) == phone


@pytest.mark.parametrize(
    "text, msgid",
    [("03-1234-567", "must have 10 or 11 digits (it has {count})"),
     ("090-1234-567", "a mobile number ({prefix}-...) must have 11 digits (it has {count})"),
     ("090-1234-56789", "must have 10 or 11 digits (it has {count})"),
     ("9012345678", "must start with 0 (or + and the country code for a number abroad)"),
     ("090-abcd-5678", "may contain only digits, hyphens, spaces, brackets and a leading +"),
     ("+81 123", "an international number (+) must have 8 to 15 digits (it has {count})"),
     ("+1234567890123456",
      "an international number (+) must have 8 to 15 digits (it has {count})")],
)  # fmt: skip
def test_phone_errors(text, msgid):
    err = _error(normalize_phone, text)
    assert err.field == "phone" and err.msgid == msgid


def test_phone_message_counts_digits():
    assert _error(normalize_phone, "090-1234-567").message == (
        "a mobile number (090-...) must have 11 digits (it has 10)"
    )
    assert "(it has 8)" in _error(normalize_phone, "03-123-456").message


@given(
    st.one_of(
        st.from_regex(r"0[1-6][0-9]{8}", fullmatch=True),
        st.from_regex(r"0[789]0[0-9]{8}", fullmatch=True),
    ),
    st.lists(st.sampled_from(["-", " ", "ー", "（", "）", "(", ")"]), max_size=3),
    st.booleans(),
)
def test_phone_property(digits, seps, full_width):
    text = digits
    for i, sep in enumerate(seps):
        pos = min(len(text), 3 + 4 * i)
        text = text[:pos] + sep + text[pos:]
    if full_width:
        text = text.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    assert normalize_phone(text) == digits
    assert normalize_phone(normalize_phone(text)) == digits


@pytest.mark.parametrize(
    "text, email",
    [("Taro@Example.JP", "Taro@example.jp"), (" hanako@gmail.com ", "hanako@gmail.com"),
     ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro@example.jp"),
     ("taro..yamada.@docomo.ne.jp", "taro..yamada.@docomo.ne.jp"), ("", "")],
)  # fmt: skip
def test_email_normalised(text, email):
    assert normalize_email(text) == email


@pytest.mark.parametrize(
    "text, msgid",
    [("taro", "must contain exactly one @, like name@example.jp"),
     ("a@b@c.jp", "must contain exactly one @, like name@example.jp"),
     ("@example.jp", "the part before @ is missing"),
     ("taro yamada@example.jp", "must not contain spaces"),
     ("taro@example", "the part after @ must be a domain, like example.jp or gmail.com"),
     ("taro@exa_mple.jp", "the part after @ must be a domain, like example.jp or gmail.com"),
     ("たろう@example.jp", "the part before @ contains characters mail cannot use")],
)  # fmt: skip
def test_email_errors(text, msgid):
    err = _error(normalize_email, text)
    assert err.field == "email" and err.msgid == msgid


@pytest.mark.parametrize(
    "text", ["〒105-0011", "105-0011", "１０５－００１１", "〒 105 0011", "1050011"]
)
def test_postal_code(text):
    assert normalize_postal_code(text) == "1050011"
    assert format_postal_code("1050011") == "105-0011"


@pytest.mark.parametrize("text", ["105-001", "10500111", "abc-defg"])
def test_postal_code_errors(text):
    err = _error(normalize_postal_code, text)
    assert err.field == "postal_code" and err.msgid == "must have 7 digits, like 105-0011"


def test_party_size():
    assert validate_party_size(1) == 1 and validate_party_size("９９") == 99
    assert validate_party_size(4.0) == 4
    for bad, msgid in (
        (0, "must be between 1 and {max} people"),
        (100, "must be between 1 and {max} people"),
        (2.5, "must be a whole number"),
        ("two", "must be a whole number"),
        (True, "must be a whole number"),
        ("", "is required"),
    ):
        err = _error(validate_party_size, bad)
        assert err.field == "party_size" and err.msgid == msgid


def test_amount():
    assert validate_amount(0) == 0 and validate_amount(4800) == 4800
    assert validate_amount("¥4,800") == 4800
    assert _error(validate_amount, -1).msgid == "cannot be negative"
    assert _error(validate_amount, 10.5).msgid == "must be a whole number"
    assert _error(validate_amount, 10**9).field == "amount"


def test_kana():
    assert normalize_kana("たなか　たろう") == "タナカ タロウ"
    assert normalize_kana("ﾀﾅｶ ﾀﾛｳ") == "タナカ タロウ"
    assert normalize_kana("") == ""
    assert _error(normalize_kana, "Tanaka").msgid == "must be written in katakana or hiragana"


def test_customer_errors_lists_every_problem():
    c = Customer(
        name="  ", kana="田中", phone="123", email="x", postal_code="12",
        birth_month=2, birth_day=30,
    )  # fmt: skip
    errors = customer_errors(c)
    assert [e.field for e in errors] == [
        "name",
        "kana",
        "phone",
        "email",
        "postal_code",
        "birthday",
    ]
    assert errors[-1].message == "February 30 does not exist"
    assert customer_errors(Customer(name="田中太郎")) == []


def test_customer_birthday_rules():
    assert customer_errors(Customer(name="a", birth_month=2, birth_day=29)) == []
    assert customer_errors(Customer(name="a", birth_year=2000, birth_month=2, birth_day=29)) == []
    [err] = customer_errors(Customer(name="a", birth_year=2001, birth_month=2, birth_day=29))
    assert err.field == "birthday" and "not a leap year" in err.message
    [err] = customer_errors(Customer(name="a", birth_month=3))
    assert err.msgid == "needs both a month and a day"
    [err] = customer_errors(Customer(name="a", birth_year=2999, birth_month=3, birth_day=1))
    assert err.msgid == "is in the future"


def test_check_customer_normalises():
    c = check_customer(
        Customer(
            name=" 田中 太郎 ", kana="たなか　ﾀﾛｳ", phone="090-1234-5678", email="T@EXAMPLE.JP",
            postal_code="〒105-0011", code=" ", tags=("常連", " 常連", "", "日本酒好き"),
        )
    )  # fmt: skip
    assert (c.name, c.kana, c.phone, c.email, c.postal_code) == (
        "田中 太郎", "タナカ タロウ", "09012345678", "T@example.jp", "1050011",
    )  # fmt: skip
    assert c.code is None and c.tags == ("常連", "日本酒好き")
    with pytest.raises(ValidationError) as err:
        check_customer(Customer(name="", phone="1"))
    assert err.value.field == "name"


def test_messages_in_japanese(ja):
    assert str(_error(normalize_phone, "03-123-4567-8901")) == (
        "電話番号: 10桁または11桁で入力してください（現在13桁）"
    )
    assert "7桁" in _error(normalize_postal_code, "123").message


@given(
    st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,15}", fullmatch=True),
    st.from_regex(r"[a-z0-9]{1,10}\.(jp|com|co\.jp|ne\.jp)", fullmatch=True),
    st.booleans(),
)
def test_email_property(local, domain, shout):
    typed = f" {local}@{domain.upper() if shout else domain} "
    email = normalize_email(typed)
    assert email == f"{local}@{domain}"
    assert normalize_email(email) == email


@given(
    st.from_regex(r"[0-9]{7}", fullmatch=True), st.sampled_from(["", "〒", "〒 "]), st.booleans()
)
def test_postal_code_property(code, mark, full_width):
    typed = f"{mark}{code[:3]}-{code[3:]}"
    if full_width:
        typed = typed.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789-"})
    assert normalize_postal_code(typed) == code
