"""Phones are shown as people write them; normalising the shown form gives the stored one.

The grouping depends on the length of the area code (1 to 5 digits in Japan's numbering plan),
so it is pinned with real numbers of every length, checked against the ``phonenumbers`` library.
"""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopcrm.domain.phone import format_phone, normalize_phone
from shopcrm.domain.rules import ValidationError

# (stored, shown): area codes of every length, mobiles, IP phones and non-geographic numbers.
REAL_NUMBERS = [
    ("0312345678", "03-1234-5678"),  # 1-digit area code: Tokyo 23 wards
    ("0662345678", "06-6234-5678"),  # Osaka
    ("0451234567", "045-123-4567"),  # 2 digits: Yokohama
    ("0112223333", "011-222-3333"),  # Sapporo
    ("0522121234", "052-212-1234"),  # Nagoya
    ("0924121234", "092-412-1234"),  # Fukuoka
    ("0466123456", "0466-12-3456"),  # 3 digits: Fujisawa (was grouped 046-612-3456)
    ("0467501234", "0467-50-1234"),  # Chigasaki
    ("0134212345", "0134-21-2345"),  # Otaru
    ("0155234567", "0155-23-4567"),  # Obihiro
    ("0532541234", "0532-54-1234"),  # Toyohashi
    ("0268221234", "0268-22-1234"),  # Ueda
    ("0499221234", "04992-2-1234"),  # 4 digits: Izu Ōshima
    ("0126721234", "01267-2-1234"),  # Hokkaido (Kuriyama)
    ("0145621234", "01456-2-1234"),  # Hokkaido (Hidaka)
    ("0980221234", "09802-2-1234"),  # Minamidaitō
    ("09012345678", "090-1234-5678"),  # mobile
    ("07012345678", "070-1234-5678"),
    ("08012345678", "080-1234-5678"),
    ("05012345678", "050-1234-5678"),  # IP phone
    ("0120123456", "0120-123-456"),  # free dial
    ("08001234567", "0800-123-4567"),
    ("0570123456", "0570-123-456"),  # navi dial
]


@pytest.mark.parametrize("stored,shown", REAL_NUMBERS)
def test_grouping_of_real_numbers(stored, shown):
    assert format_phone(stored) == shown
    assert normalize_phone(shown) == stored


@pytest.mark.parametrize("stored,shown", REAL_NUMBERS)
def test_grouping_agrees_with_libphonenumber(stored, shown):
    # the library is the reference for the numbering plan; our output must be its national form
    expected = phonenumbers.format_number(
        phonenumbers.parse(stored, "JP"), phonenumbers.PhoneNumberFormat.NATIONAL
    )
    assert format_phone(stored) == expected == shown


@pytest.mark.parametrize(
    "stored,shown",
    [
        ("+819012345678", "+81 90-1234-5678"),
        ("+12125550100", "+1 212-555-0100"),
        ("+442071234567", "+44 20 7123 4567"),
        ("01234567890", "01234567890"),  # not a Japanese numbering plan shape: left alone
        ("", ""),
    ],
)
def test_numbers_abroad_and_odd_ones(stored, shown):
    assert format_phone(stored) == shown


def test_a_number_abroad_must_be_possible_in_its_country():
    assert normalize_phone("+1 (212) 555-0100") == "+12125550100"
    with pytest.raises(ValidationError) as err:
        normalize_phone("+1 212 555 01")  # 9 digits: no US number is that short
    assert err.value.field == "phone" and "+1" in err.value.message


@given(st.from_regex(r"0[1-9][0-9]{8,9}", fullmatch=True))
def test_shown_form_normalises_back(stored):
    try:
        canonical = normalize_phone(stored)
    except ValueError:
        return  # not a valid number; nothing to show
    assert normalize_phone(format_phone(canonical)) == canonical
