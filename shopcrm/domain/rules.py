"""Validation rules for what users type: one ``ValidationError`` with the field and a message.

Messages are msgids (English, marked with ``N_``) translated when shown, so the same error reads
in Japanese or English depending on the user's language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from shopcrm.domain.models import Customer
from shopcrm.i18n import N_, _

# Field names a ValidationError may carry, with their labels (shown to the user).
FIELD_LABELS: dict[str, str] = {
    "name": N_("Name"),
    "kana": N_("Reading (kana)"),
    "phone": N_("Phone"),
    "email": N_("Email"),
    "line_id": N_("LINE ID"),
    "postal_code": N_("Postal code"),
    "prefecture": N_("Prefecture"),
    "city": N_("City"),
    "street": N_("Street"),
    "building": N_("Building"),
    "address": N_("Address"),
    "birthday": N_("Birthday"),
    "code": N_("Membership code"),
    "channel": N_("Acquisition channel"),
    "tags": N_("Tags"),
    "notes": N_("Notes"),
    "party_size": N_("Party size"),
    "amount": N_("Amount"),
    "visited_at": N_("Date and time"),
    "items": N_("Items"),
    "customer": N_("Customer"),
    "coupon_code": N_("Coupon code"),
    "price": N_("Price"),
    "date": N_("Date"),
    "month": N_("Month"),
    "from": N_("First day"),
    "to": N_("Last day"),
    "as_of": N_("As of"),
    "honorific": N_("Honorific"),
}


class ValidationError(ValueError):
    """Bad input in one field; ``str(err)`` is "<field label>: <message>" in the user's language."""

    def __init__(self, field: str, message: str, **params: object):
        super().__init__(field, message)
        self.field = field
        self.msgid = message  # an N_() msgid, may hold {placeholders} filled from params
        self.params = params

    @property
    def field_label(self) -> str:
        label = FIELD_LABELS.get(self.field)
        return _(label) if label else self.field

    @property
    def message(self) -> str:
        text = _(self.msgid)
        return text.format(**self.params) if self.params else text

    def __str__(self) -> str:
        return f"{self.field_label}: {self.message}"


# --- normalisers and checks for what users type -------------------------------------------------
# Each returns the normalised value or raises ValidationError naming the field and what is wrong.

_PHONE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc\uff70()\[\].]")
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-]+")
_EMAIL_DOMAIN_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?")

MOBILE_PREFIXES = ("070", "080", "090")  # always 11 digits
MAX_NAME_LENGTH = 100
MAX_PARTY_SIZE = 99


def normalize_phone(text: str | None) -> str:
    """``090-1234-5678`` / ``(03) 1234 5678`` / ``０９０ー１２３４ー５６７８`` -> digits only;
    ``+81 90 1234 5678`` -> ``+819012345678``. Empty stays empty.

    Japanese numbers have 10 or 11 digits and start with 0; international numbers start with +
    and have 8 to 15 digits (E.164)."""
    raw = unicodedata.normalize("NFKC", text or "").strip()
    if not raw:
        return ""
    international = raw.startswith("+")
    digits = _PHONE_SEPARATORS.sub("", raw[1:] if international else raw)
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


def format_phone(phone: str) -> str:
    """A stored phone (digits) grouped as people write it: 090-1234-5678, 03-1234-5678,
    0120-123-456, 045-123-4567; anything else (international, odd lengths) unchanged."""
    if not phone or not phone.isdigit() or not phone.startswith("0"):
        return phone or ""
    n = len(phone)
    if phone[:4] in ("0120", "0800", "0570") and n in (10, 11):  # before 080: 0800 is free dial
        return f"{phone[:4]}-{phone[4:7]}-{phone[7:]}"
    if n == 11 and phone[:3] in ("070", "080", "090", "050", "020"):
        return f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"
    if n == 10 and phone[:2] in ("03", "06"):
        return f"{phone[:2]}-{phone[2:6]}-{phone[6:]}"
    if n == 10:
        return f"{phone[:3]}-{phone[3:6]}-{phone[6:]}"
    return phone


def _whole_number(value: object, field: str) -> int:
    if isinstance(value, bool):
        raise ValidationError(field, N_("must be a whole number"))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValidationError(field, N_("must be a whole number"))
    text = unicodedata.normalize("NFKC", str(value or "")).strip().replace(",", "")
    if not text:
        raise ValidationError(field, N_("is required"))
    if not re.fullmatch(r"-?\d+", text):
        raise ValidationError(field, N_("must be a whole number"))
    return int(text)


def validate_party_size(n: object) -> int:
    """A party of 1 to 99 people (an int, or digits as text)."""
    size = _whole_number(n, "party_size")
    if not 1 <= size <= MAX_PARTY_SIZE:
        raise ValidationError(
            "party_size", N_("must be between 1 and {max} people"), max=MAX_PARTY_SIZE
        )
    return size


def validate_amount(n: object) -> int:
    """An amount of money: a whole number, 0 or more, in the currency's minor unit."""
    from shopcrm.domain.money import MAX_AMOUNT

    if isinstance(n, str):
        from shopcrm.domain.money import parse_money

        return parse_money(n)
    amount = _whole_number(n, "amount")
    if amount < 0:
        raise ValidationError("amount", N_("cannot be negative"))
    if amount > MAX_AMOUNT:
        raise ValidationError("amount", N_("is too large (at most {max:,})"), max=MAX_AMOUNT)
    return amount


def _collapse_spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def normalize_kana(text: str | None) -> str:
    """A reading in full-width katakana: hiragana and half-width katakana converted, spaces
    collapsed (``たなか　たろう`` -> ``タナカ タロウ``). Raises for anything that is not kana."""
    from shopcrm.domain.kana import is_kana, to_katakana

    raw = _collapse_spaces(unicodedata.normalize("NFC", text or ""))
    if not raw:
        return ""
    if not is_kana(raw):
        raise ValidationError("kana", N_("must be written in katakana or hiragana"))
    return _collapse_spaces(to_katakana(raw))


def _birthday_error(c: Customer) -> ValidationError | None:
    from shopcrm.domain.dates import check_birthday

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
    values: dict[str, object] = {}

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
    from shopcrm.domain.names import HONORIFICS

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
    ``normalize_phone`` (raises ``ValidationError``), then kept in the grouping the owner typed
    (``0467-12-3456`` stays so: only the owner knows their area code's length) with full-width
    digits and any dash made plain; typed without separators, grouped by ``format_phone``."""
    digits = normalize_phone(text)
    if not digits:
        return ""
    raw = unicodedata.normalize("NFKC", text or "").strip()
    groups = re.findall(r"\d+", raw)
    if len(groups) < 2:
        return format_phone(digits)
    if digits.startswith("+"):
        return "+" + " ".join(groups)
    return "-".join(groups)
