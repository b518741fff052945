"""``ValidationError`` (bad input in one field), the labels of the fields it may name, and
``whole_number`` (the check every numeric field starts with).

Its own module so that every domain module that checks input (rules, phone, dates, money) can
raise it without importing ``rules`` (which imports them).
"""

from __future__ import annotations

import re
import unicodedata

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
    "server": N_("Shop server"),
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


def whole_number(value: object, field: str) -> int:
    """A whole number in ``field``: an int, an integral float, or digits as text."""
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
