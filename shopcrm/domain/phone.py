"""Phone numbers: the one home of parsing, checking and grouping them (``phonenumbers``).

Stored form: a Japanese number as its digits (``0466123456``), a number abroad as ``+`` and its
digits (``+12125550100``). Shown form: grouped as Japan's numbering plan says, which depends on
the length of the area code (1 to 5 digits: 03-1234-5678, 045-123-4567, 0466-12-3456,
04992-2-1234); a number abroad in its international form (``+1 212-555-0100``). The grouping
comes from Google's libphonenumber metadata (the ``phonenumbers`` package), not from our own
table of prefixes, which grouped every 4- and 5-digit area code wrongly.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

from shopcrm.domain.errors import ValidationError
from shopcrm.i18n import N_

DEFAULT_REGION = "JP"
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc\uff70()\[\].]")
MOBILE_PREFIXES = ("070", "080", "090")  # always 11 digits


def normalize_phone(text: str | None) -> str:
    """``090-1234-5678`` / ``(03) 1234 5678`` / ``０９０ー１２３４ー５６７８`` -> digits only;
    ``+81 90 1234 5678`` -> ``+819012345678``. Empty stays empty.

    Japanese numbers have 10 or 11 digits and start with 0; international numbers start with +
    and have 8 to 15 digits (E.164) and must be possible numbers of their country."""
    raw = unicodedata.normalize("NFKC", text or "").strip()
    if not raw:
        return ""
    international = raw.startswith("+")
    digits = _SEPARATORS.sub("", raw[1:] if international else raw)
    if not digits.isascii() or not digits.isdigit():
        raise ValidationError(
            "phone", N_("may contain only digits, hyphens, spaces, brackets and a leading +")
        )
    if international:
        if not 8 <= len(digits) <= 15:
            raise ValidationError(
                "phone",
                N_("an international number (+) must have 8 to 15 digits (it has {count})"),
                count=len(digits),
            )
        parsed = _parse("+" + digits)
        if parsed is None or not phonenumbers.is_possible_number(parsed):
            raise ValidationError(
                "phone",
                N_("is not a possible phone number of the country +{code}"),
                code=digits[: 3 if parsed is None else len(str(parsed.country_code))],
            )
        return "+" + digits
    if not digits.startswith("0"):
        raise ValidationError(
            "phone", N_("must start with 0 (or + and the country code for a number abroad)")
        )
    if len(digits) not in (10, 11):
        raise ValidationError(
            "phone", N_("must have 10 or 11 digits (it has {count})"), count=len(digits)
        )
    if digits[:3] in MOBILE_PREFIXES and len(digits) != 11:
        raise ValidationError(
            "phone",
            N_("a mobile number ({prefix}-...) must have 11 digits (it has {count})"),
            prefix=digits[:3],
            count=len(digits),
        )
    return digits


def _parse(number: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(number, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None


def format_phone(phone: str) -> str:
    """A stored phone grouped as people write it: 090-1234-5678, 03-1234-5678, 0466-12-3456,
    04992-2-1234, 0120-123-456; abroad ``+1 212-555-0100``. What the numbering plan does not
    know (odd lengths, free text) is shown as stored."""
    if not phone:
        return ""
    parsed = _parse(phone)
    if parsed is None or not phonenumbers.is_possible_number(parsed):
        return phone
    if phone.startswith("+"):
        shown = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        return shown if _digits(shown) == phone[1:] else phone
    shown = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    # Only a regrouping of the same digits is shown (the library drops a 0 it cannot place).
    return shown if _digits(shown) == phone else phone


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)
