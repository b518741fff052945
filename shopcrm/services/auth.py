"""The owner PIN: owner mode versus staff mode.

The PIN is stored only as a salted, deliberately slow hash (scrypt) in the setting
``owner_pin_hash`` (``scrypt$n$r$p$<salt hex>$<hash hex>``) and compared in constant time.
Until a PIN is set nothing asks for one (a shop with one person needs no PIN).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlite_utils import Database

from shopcrm.domain.rules import FIELD_LABELS, ValidationError
from shopcrm.i18n import N_
from shopcrm.store import settings

FIELD_LABELS.setdefault("pin", N_("Owner PIN"))  # errors name the field "Owner PIN"

SETTING = "owner_pin_hash"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1  # ~50 ms on a counter PC: slow for guessing only
MIN_LENGTH, MAX_LENGTH = 4, 32


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """The stored form of ``pin``: scrypt with a random 16-byte salt."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(
        pin.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_hash(pin: str, stored: str) -> bool:
    """True when ``pin`` matches the stored hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt_hex, digest_hex = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(
            pin.encode("utf-8"),
            salt=bytes.fromhex(salt_hex),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(digest_hex) // 2,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)


def check_new_pin(pin: str) -> str:
    """A new PIN is 4 to 32 characters of digits (what a counter keypad can type), else raises."""
    pin = (pin or "").strip()
    import unicodedata

    pin = unicodedata.normalize("NFKC", pin)
    if not pin.isdigit() or not pin.isascii():
        raise ValidationError("pin", N_("The PIN may only contain digits."))
    if not MIN_LENGTH <= len(pin) <= MAX_LENGTH:
        raise ValidationError(
            "pin", N_("The PIN must have {min} to {max} digits."), min=MIN_LENGTH, max=MAX_LENGTH
        )
    return pin


def pin_is_set(db: Database) -> bool:
    return bool(settings.get(db, SETTING))


def set_pin(db: Database, pin: str) -> None:
    """Set (or change) the owner PIN."""
    settings.set(db, SETTING, hash_pin(check_new_pin(pin)))


def clear_pin(db: Database) -> None:
    """Remove the owner PIN: nothing asks for one any more."""
    settings.set(db, SETTING, "")


def verify_pin(db: Database, pin: str | None) -> bool:
    """True when no PIN is set, or ``pin`` is the owner PIN."""
    stored = settings.get(db, SETTING)
    if not stored:
        return True
    if pin is None:
        return False
    import unicodedata

    return verify_hash(unicodedata.normalize("NFKC", str(pin)).strip(), stored)
