"""Money as text and back: amounts are ``int`` in the currency's minor unit, never floats.

``format_money`` for tables and receipts (¥1,234), ``format_yen_ja`` for Japanese prose and
printed matter (1,234円), ``format_man_yen`` for chart axes (12.3万円), ``parse_money`` for what
staff type in the bill box (4,800 / ¥4800 / ４８００円).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from shopcrm.domain.errors import ValidationError, whole_number
from shopcrm.i18n import N_

# currency -> (symbol, minor-unit digits)
CURRENCIES: dict[str, tuple[str, int]] = {
    "JPY": ("¥", 0),
    "USD": ("$", 2),
    "EUR": ("€", 2),
    "GBP": ("£", 2),
    "KRW": ("₩", 0),
    "TWD": ("NT$", 0),
}

MAX_AMOUNT = 99_999_999  # a typo guard: no single bill is ¥100 million


def format_money(amount: int, currency: str = "JPY") -> str:
    """``1234`` -> ``¥1,234``; for currencies with cents the amount is in cents (``1234`` ->
    ``$12.34``); a negative amount gets a leading minus (``-¥500``)."""
    symbol, digits = CURRENCIES.get(currency, (currency + " ", 0))
    sign = "-" if amount < 0 else ""
    value = abs(int(amount))
    if digits:
        whole, cents = divmod(value, 10**digits)
        text = f"{whole:,}.{cents:0{digits}d}"
    else:
        text = f"{value:,}"
    return f"{sign}{symbol}{text}"


def format_yen_ja(amount: int) -> str:
    """``1234`` -> ``1,234円`` (Japanese prose, printed DMs)."""
    return f"{int(amount):,}円"


def format_man_yen(amount: int) -> str:
    """Short yen for chart axes: ``123000`` -> ``12.3万円``, ``120000`` -> ``12万円``,
    ``250000000`` -> ``2.5億円``; under 10,000 yen plain (``8,000円``, ``0円``)."""
    value = int(amount)
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value < 10_000:
        return f"{sign}{value:,}円"
    unit, name = (100_000_000, "億") if value >= 100_000_000 else (10_000, "万")
    short = (Decimal(value) / unit).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = f"{short:,.1f}".removesuffix(".0")
    return f"{sign}{text}{name}円"


_STRIP = re.compile(r"[\s,¥￥円$€£]|JPY|YEN", re.IGNORECASE)
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def parse_money(text: str | int, currency: str = "JPY") -> int:
    """What staff type as a bill -> an int amount: ``4,800``, ``¥4800``, ``４８００円``, ``1.2万``.

    Raises ``ValidationError`` on field "amount" for empty, non-numeric, negative, fractional
    yen or absurdly large amounts. For currencies with cents, ``12.34`` -> ``1234``.
    """
    if isinstance(text, bool):
        raise ValidationError("amount", N_("must be a number, like 4800"))
    if isinstance(text, int):
        return validate_amount(text)
    if isinstance(text, str) and text.isascii() and text.isdigit():  # "4800": the usual case
        return validate_amount(int(text) * 10 ** CURRENCIES.get(currency, ("", 0))[1])
    raw = unicodedata.normalize("NFKC", str(text or "")).strip()
    if not raw:
        raise ValidationError("amount", N_("is required"))
    multiplier = 1
    cleaned = _STRIP.sub("", raw).replace("−", "-")
    if cleaned.endswith("万"):
        cleaned, multiplier = cleaned[:-1], 10_000
    elif cleaned.endswith("千"):
        cleaned, multiplier = cleaned[:-1], 1_000
    if not _NUMBER.fullmatch(cleaned):
        raise ValidationError("amount", N_("must be a number, like 4800"))
    try:
        value = Decimal(cleaned) * multiplier
    except InvalidOperation:  # pragma: no cover - the regex already checked
        raise ValidationError("amount", N_("must be a number, like 4800")) from None
    digits = CURRENCIES.get(currency, ("", 0))[1]
    value = value * (10**digits)
    if value != value.to_integral_value():
        raise ValidationError("amount", N_("must be a whole amount (no fractions of a yen)"))
    return validate_amount(int(value))


def validate_amount(n: object) -> int:
    """An amount of money: a whole number, 0 or more, in the currency's minor unit."""
    if isinstance(n, str):
        return parse_money(n)
    amount = whole_number(n, "amount")
    if amount < 0:
        raise ValidationError("amount", N_("cannot be negative"))
    if amount > MAX_AMOUNT:
        raise ValidationError("amount", N_("is too large (at most {max:,})"), max=MAX_AMOUNT)
    return amount
