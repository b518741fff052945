"""Validation rules for what users type: one ``ValidationError`` with the field and a message.

Messages are msgids (English, marked with ``N_``) translated when shown, so the same error reads
in Japanese or English depending on the user's language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import Any

from shopcrm.domain.dates import check_birthday
from shopcrm.domain.errors import FIELD_LABELS, ValidationError, whole_number
from shopcrm.domain.kana import is_kana, to_katakana
from shopcrm.domain.models import Customer
from shopcrm.domain.money import validate_amount
from shopcrm.domain.names import HONORIFICS
from shopcrm.domain.phone import MOBILE_PREFIXES, format_phone, normalize_phone
from shopcrm.i18n import N_

# Their homes are errors.py and phone.py; importing them from here keeps working.
__all__ = [
    "FIELD_LABELS",
    "MOBILE_PREFIXES",
    "ValidationError",
    "format_phone",
    "normalize_phone",
    "validate_amount",
]


# --- normalisers and checks for what users type -------------------------------------------------
# Each returns the normalised value or raises ValidationError naming the field and what is wrong.

_PHONE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc\uff70()\[\].]")
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-]+")
_EMAIL_DOMAIN_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?")

MAX_NAME_LENGTH = 100
MAX_PARTY_SIZE = 99


def normalize_email(text: str | None) -> str:
    """Trimmed, full-width folded, domain lower-cased; empty stays empty.

    A sensible check, not RFC 5322: one @, a non-empty local part without spaces, a domain with a
    dot and a top-level part of letters. Dots in odd places before the @ are accepted: older
    Japanese mobile addresses (``taro..yamada.@docomo.ne.jp``) still receive mail."""
    raw = unicodedata.normalize("NFKC", text or "").strip()
    if not raw:
        return ""
    if any(ch.isspace() for ch in raw):
        raise ValidationError("email", N_("must not contain spaces"))
    if raw.count("@") != 1:
        raise ValidationError("email", N_("must contain exactly one @, like name@example.jp"))
    local, domain = raw.split("@")
    if not local:
        raise ValidationError("email", N_("the part before @ is missing"))
    if not _EMAIL_LOCAL.fullmatch(local):
        raise ValidationError("email", N_("the part before @ contains characters mail cannot use"))
    domain = domain.lower().rstrip(".")
    labels = domain.split(".")
    if (
        len(labels) < 2
        or not all(_EMAIL_DOMAIN_LABEL.fullmatch(label) for label in labels)
        or not labels[-1].isalpha()
        or len(labels[-1]) < 2
    ):
        raise ValidationError(
            "email", N_("the part after @ must be a domain, like example.jp or gmail.com")
        )
    return f"{local}@{domain}"


def normalize_postal_code(text: str | None) -> str:
    """``〒105-0011`` / ``１０５－００１１`` / ``105 0011`` -> ``1050011``; empty stays empty."""
    raw = unicodedata.normalize("NFKC", text or "").strip()
    raw = _PHONE_SEPARATORS.sub("", raw.replace("〒", ""))
    if not raw:
        return ""
    if not raw.isascii() or not raw.isdigit() or len(raw) != 7:
        raise ValidationError("postal_code", N_("must have 7 digits, like 105-0011"))
    return raw


def format_postal_code(code: str) -> str:
    """``1050011`` -> ``105-0011`` (as printed); other text unchanged."""
    return f"{code[:3]}-{code[3:]}" if len(code) == 7 and code.isdigit() else code


def validate_party_size(n: object) -> int:
    """A party of 1 to 99 people (an int, or digits as text)."""
    size = whole_number(n, "party_size")
    if not 1 <= size <= MAX_PARTY_SIZE:
        raise ValidationError(
            "party_size", N_("must be between 1 and {max} people"), max=MAX_PARTY_SIZE
        )
    return size


def _collapse_spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def normalize_kana(text: str | None) -> str:
    """A reading in full-width katakana: hiragana and half-width katakana converted, spaces
    collapsed (``たなか　たろう`` -> ``タナカ タロウ``). Raises for anything that is not kana."""
    raw = _collapse_spaces(unicodedata.normalize("NFC", text or ""))
    if not raw:
        return ""
    if not is_kana(raw):
        raise ValidationError("kana", N_("must be written in katakana or hiragana"))
    return _collapse_spaces(to_katakana(raw))


def _birthday_error(c: Customer) -> ValidationError | None:
    parts = (c.birth_year, c.birth_month, c.birth_day)
    if all(p is None for p in parts):
        return None
    if c.birth_month is None or c.birth_day is None:
        return ValidationError("birthday", N_("needs both a month and a day"))
    try:
        check_birthday(c.birth_year, c.birth_month, c.birth_day)
    except ValidationError as exc:
        return exc
    return None


def _normalised(c: Customer) -> tuple[Customer, list[ValidationError]]:
    errors: list[ValidationError] = []
    values: dict[str, Any] = {}

    def attempt(field: str, fn, value):
        try:
            values[field] = fn(value)
        except ValidationError as exc:
            errors.append(exc)

    name = _collapse_spaces(unicodedata.normalize("NFC", c.name or ""))
    if not name:
        errors.append(ValidationError("name", N_("is required")))
    elif len(name) > MAX_NAME_LENGTH:
        errors.append(
            ValidationError(
                "name", N_("is too long (at most {max} characters)"), max=MAX_NAME_LENGTH
            )
        )
    values["name"] = name
    attempt("kana", normalize_kana, c.kana)
    attempt("phone", normalize_phone, c.phone)
    attempt("email", normalize_email, c.email)
    attempt("postal_code", normalize_postal_code, c.postal_code)
    birthday = _birthday_error(c)
    if birthday is not None:
        errors.append(birthday)
    code = unicodedata.normalize("NFKC", c.code or "").strip() or None
    values["code"] = code
    for field in ("line_id", "prefecture", "city", "street", "building"):
        values[field] = (getattr(c, field) or "").strip()
    values["notes"] = (c.notes or "").strip()
    tags: list[str] = []
    for tag in c.tags or ():
        tag = _collapse_spaces(unicodedata.normalize("NFC", str(tag)))
        if tag and tag not in tags:
            tags.append(tag)
    values["tags"] = tuple(tags)

    honorific = (c.honorific or "").strip()
    if honorific not in HONORIFICS:
        errors.append(
            ValidationError(
                "honorific",
                N_("must be 様, 御中 or empty (automatic), not {value}"),
                value=honorific,
            )
        )
    values["honorific"] = honorific
    return replace(c, **values), errors


def customer_errors(c: Customer) -> list[ValidationError]:
    """Every problem with a customer form, one per field, in form order (empty list: all good)."""
    return _normalised(c)[1]


def check_customer(c: Customer) -> Customer:
    """A normalised copy of ``c`` (phone digits, katakana reading, 7-digit postal code ...);
    raises the first ``ValidationError`` when anything is wrong."""
    normalised, errors = _normalised(c)
    if errors:
        raise errors[0]
    return normalised


def written_phone(text: str | None) -> str:
    """A phone as people write it, for the shop's own number on every printed piece: checked by
    ``normalize_phone`` (raises ``ValidationError``), then grouped by the numbering plan
    (``format_phone``: 0467-12-3456, 03-5722-0000), whatever grouping was typed."""
    digits = normalize_phone(text)
    return format_phone(digits) if digits else ""
