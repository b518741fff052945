"""Coupon codes people can read aloud and type: the alphabet, the check character, normalising.

A code is 7 random characters and 1 check character from a 31-character alphabet without the
look-alikes 0/O and 1/I/L, printed as two groups of four: ``K7QM-4XRT``. 31 is prime, so a
weighted sum modulo 31 with the distinct weights 1..8 catches every single mistyped character and
every swap of two neighbours (indeed of any two characters) before the database is asked:
changing one character by ``d`` changes the sum by ``w*d``, swapping ``a`` and ``b`` changes it by
``(w_i - w_j)*(a - b)``, and neither is 0 modulo a prime.

Typed input is normalised first: full-width characters (ＫＡＢ…), lower case, spaces, hyphens and
dash look-alikes (including the long-vowel mark ー a Japanese keyboard gives for "-") are accepted.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import unicodedata

from shopcrm.domain.dates import format_date
from shopcrm.domain.rules import ValidationError
from shopcrm.i18n import N_, _

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BASE = len(ALPHABET)  # 31, a prime
DATA_LENGTH = 7
LENGTH = DATA_LENGTH + 1  # with the check character
GROUP = 4
EXAMPLE = "K7QM-4XRT"
# Characters never used in codes because they look like others.
LOOK_ALIKES = "0O1IL"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_SEPARATORS = set(" \t\r\n-_.\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff70\u3000\u30fb/")

FIELD = "coupon_code"


class CouponError(ValidationError):
    """A coupon code that cannot be used, on field "coupon_code"; ``reason`` says why.

    Reasons: ``empty``, ``malformed``, ``mistyped`` (check character), ``unknown``,
    ``not_yet_valid``, ``expired``, ``used``, ``voided``, ``other_customer``,
    ``visit_has_coupon`` (the visit already redeemed another coupon).
    """

    def __init__(self, reason: str, message: str, **params: object):
        super().__init__(FIELD, message, **params)
        self.reason = reason

    @property
    def message(self) -> str:
        """Translated now, dates in the current language's form (2026年12月1日 / 1 Dec 2026)."""
        shown = {}
        for key, value in self.params.items():
            if isinstance(value, dt.datetime):
                value = f"{format_date(value.date())} {value:%H:%M}"
            elif isinstance(value, dt.date):
                value = format_date(value)
            shown[key] = value
        return _(self.msgid).format(**shown) if shown else _(self.msgid)


def _weights(n: int) -> range:
    return range(1, n + 1)


def check_character(data: str) -> str:
    """The check character for ``data`` (7 alphabet characters): makes the weighted sum 0 mod 31."""
    total = sum(w * _VALUE[ch] for w, ch in zip(_weights(len(data)), data, strict=True))
    weight = len(data) + 1
    # Solve total + weight * c == 0 (mod 31); weight has an inverse because 31 is prime.
    c = (-total * pow(weight, -1, BASE)) % BASE
    return ALPHABET[c]


def is_valid_compact(compact: str) -> bool:
    """True when ``compact`` (8 alphabet characters, no separator) carries a correct check."""
    if len(compact) != LENGTH or any(ch not in _VALUE for ch in compact):
        return False
    return sum(w * _VALUE[ch] for w, ch in zip(_weights(LENGTH), compact, strict=True)) % BASE == 0


def format_code(compact: str) -> str:
    """``K7QM4XRT`` -> ``K7QM-4XRT`` (a hyphen after every group of four)."""
    return "-".join(compact[i : i + GROUP] for i in range(0, len(compact), GROUP))


def generate_code(rng: random.Random | None = None) -> str:
    """A new random code with its check character, e.g. ``K7QM-4XRT``.

    Pass a seeded ``random.Random`` for reproducible codes (demo data, tests); without one the
    operating system's randomness is used so codes cannot be guessed from each other.
    """
    choice = rng.choice if rng is not None else secrets.choice
    data = "".join(choice(ALPHABET) for _ in range(DATA_LENGTH))
    return format_code(data + check_character(data))


def compact_code(text: str) -> str:
    """Typed text reduced to its characters: width-folded, upper case, separators removed."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(ch for ch in text.upper() if ch not in _SEPARATORS)


def normalize_code(text: str) -> str:
    """Typed text in the printed form, as far as it goes: ``" k7qm ４xrt"`` -> ``"K7QM-4XRT"``.

    Does not judge the code (see ``check_code``); partial input gives a partial form
    (``"k7qm4"`` -> ``"K7QM-4"``), handy for a field that checks as the user types.
    """
    return format_code(compact_code(text))


def code_problem(text: str) -> CouponError | None:
    """What is wrong with a typed code, or ``None`` when its form and check character are right."""
    compact = compact_code(text)
    if not compact:
        return CouponError("empty", N_("Enter the coupon code (like {example})."), example=EXAMPLE)
    for ch in compact:
        if ch in LOOK_ALIKES:
            return CouponError(
                "malformed",
                N_(
                    "Coupon codes never contain \u201c{char}\u201d (no 0, O, 1, I or L): "
                    "check that character on the coupon."
                ),
                char=ch,
            )
        if ch not in _VALUE:
            return CouponError(
                "malformed",
                N_("\u201c{char}\u201d is not a character of coupon codes."),
                char=ch,
            )
    if len(compact) != LENGTH:
        return CouponError(
            "malformed",
            N_("A coupon code has {length} characters (like {example}); this one has {count}."),
            length=LENGTH,
            example=EXAMPLE,
            count=len(compact),
        )
    if not is_valid_compact(compact):
        return CouponError(
            "mistyped",
            N_("This code is mistyped (its check character does not match): check each character."),
        )
    return None


def check_code(text: str) -> str:
    """The code in printed form, or ``CouponError`` (a ``ValidationError`` on "coupon_code") when
    it is empty, malformed or mistyped."""
    problem = code_problem(text)
    if problem is not None:
        raise problem
    return normalize_code(text)
