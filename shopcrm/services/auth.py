"""The owner PIN: owner mode versus staff mode.

The PIN is stored only as a salted, deliberately slow hash (scrypt) in the setting
``owner_pin_hash`` (``scrypt$n$r$p$<salt hex>$<hash hex>``) and compared in constant time.
Until a PIN is set nothing asks for one (a shop with one person needs no PIN).

What the PIN protects against is staff at the counter, not someone who has the file (see the
README). Within that: wrong guesses are throttled with a delay that doubles after the third and
survives restarts; a database that had a PIN and lost its row is "tampered" and refuses every
owner action until the owner uses the recovery code shown when the PIN was set.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import unicodedata

from sqlite_utils import Database

from shopcrm.domain import codes
from shopcrm.domain.rules import FIELD_LABELS, ValidationError
from shopcrm.i18n import N_, _
from shopcrm.store import owner_guard, settings

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

    pin = unicodedata.normalize("NFKC", pin)
    if not pin.isdigit() or not pin.isascii():
        raise ValidationError("pin", N_("The PIN may only contain digits."))
    if not MIN_LENGTH <= len(pin) <= MAX_LENGTH:
        raise ValidationError(
            "pin", N_("The PIN must have {min} to {max} digits."), min=MIN_LENGTH, max=MAX_LENGTH
        )
    return pin


FREE_TRIES = 3  # wrong guesses before the delay starts
MAX_DELAY_S = 15 * 60


def pin_tampered(db: Database) -> bool:
    """True when this database had an owner PIN and its stored hash has gone (deleted or blanked
    outside shopcrm): owner actions stay locked until ``recover``."""
    return not settings.get(db, SETTING) and owner_guard.get(db, "had_pin") == "1"


def pin_is_set(db: Database) -> bool:
    """True when owner actions must ask (a PIN is set, or its record was tampered with)."""
    return bool(settings.get(db, SETTING)) or pin_tampered(db)


def _new_recovery_code() -> str:
    body = "".join(secrets.choice(codes.ALPHABET) for _ in range(12))
    return "-".join(body[i : i + 4] for i in range(0, 12, 4))


def _normal_code(code: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", code).upper() if ch.isalnum())


def set_pin(db: Database, pin: str) -> str:
    """Set (or change) the owner PIN; returns a new recovery code for the owner to write down
    (only its hash is kept)."""
    stored = hash_pin(check_new_pin(pin))
    code = _new_recovery_code()
    with db.atomic():
        settings.set(db, SETTING, stored)
        owner_guard.put(db, had_pin="1", recovery_hash=hash_pin(_normal_code(code)), failures="0")
    return code


def clear_pin(db: Database) -> None:
    """Remove the owner PIN (the caller checked the current one): nothing asks any more."""
    with db.atomic():
        settings.set(db, SETTING, "")
        owner_guard.put(db, had_pin="0", recovery_hash="", failures="0")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def wait_seconds(db: Database) -> int:
    """Seconds until the next guess is allowed (0: now). After ``FREE_TRIES`` wrong guesses each
    further one doubles the wait (2 s, 4 s, 8 s … up to 15 minutes)."""
    failures = int(owner_guard.get(db, "failures", "0") or 0)
    if failures < FREE_TRIES:
        return 0
    last = owner_guard.get(db, "last_failure")
    try:
        since = dt.datetime.fromisoformat(last)
    except ValueError:
        return 0
    delay = min(MAX_DELAY_S, 2 ** (failures - FREE_TRIES + 1))
    left = (since + dt.timedelta(seconds=delay) - _now()).total_seconds()
    return max(0, int(left + 0.999))


def _checked(db: Database, ok: bool) -> bool:
    if ok:
        owner_guard.put(db, failures="0")
    else:
        failures = int(owner_guard.get(db, "failures", "0") or 0) + 1
        owner_guard.put(db, failures=str(failures), last_failure=_now().isoformat())
    return ok


def verify_pin(db: Database, pin: str | None) -> bool:
    """True when no PIN is set, or ``pin`` is the owner PIN. False without checking while the
    guessing delay runs (``wait_seconds``) or the PIN record was tampered with."""
    stored = settings.get(db, SETTING)
    if not stored:
        return not pin_tampered(db)
    if pin is None or wait_seconds(db) > 0:
        return False

    return _checked(db, verify_hash(unicodedata.normalize("NFKC", str(pin)).strip(), stored))


def locked_reason(db: Database) -> str:
    """Why no PIN can be tried now, in the user's language ('' when one can): the PIN record was
    tampered with, or the growing delay after wrong guesses runs. One text for the app and the
    command line."""
    if pin_tampered(db):
        return _(
            "The owner PIN was removed from this database outside shopcrm, so owner-only"
            " actions stay locked. The owner can set a new PIN with the recovery code:"
            " shopcrm pin recover."
        )
    wait = wait_seconds(db)
    if wait:
        return _("Too many wrong PINs: try again in {n} seconds.").format(n=wait)
    return ""


def recover(db: Database, recovery_code: str, new_pin: str) -> str:
    """Set a new PIN with the recovery code (after a forgotten PIN or a tampered record);
    returns the next recovery code. Wrong codes count as wrong guesses."""
    check_new_pin(new_pin)
    if wait_seconds(db) > 0:
        raise ValidationError(
            "pin", N_("Too many wrong tries: wait {n} seconds."), n=wait_seconds(db)
        )
    stored = owner_guard.get(db, "recovery_hash")
    if not stored or not _checked(db, verify_hash(_normal_code(recovery_code), stored)):
        raise ValidationError("pin", N_("The recovery code is wrong."))
    return set_pin(db, new_pin)
