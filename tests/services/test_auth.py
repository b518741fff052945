"""Owner PIN: salted slow hash, constant-time check, nothing asked until a PIN is set."""

from __future__ import annotations

import pytest

from shopcrm.domain.rules import ValidationError
from shopcrm.services import auth
from shopcrm.store import settings


def test_no_pin_means_everything_is_allowed(db):
    assert not auth.pin_is_set(db)
    assert auth.verify_pin(db, None)
    assert auth.verify_pin(db, "anything")


def test_set_and_verify(db):
    auth.set_pin(db, "2580")
    assert auth.pin_is_set(db)
    stored = settings.get(db, "owner_pin_hash")
    assert "2580" not in stored and stored.startswith("scrypt$")
    assert auth.verify_pin(db, "2580")
    assert auth.verify_pin(db, "２５８０")  # full-width digits typed with an IME
    assert not auth.verify_pin(db, "2581")
    assert not auth.verify_pin(db, None)
    assert not auth.verify_pin(db, "")
    auth.clear_pin(db)
    assert auth.verify_pin(db, None)


def test_same_pin_gets_a_different_salt():
    a, b = auth.hash_pin("1234"), auth.hash_pin("1234")
    assert a != b
    assert auth.verify_hash("1234", a) and auth.verify_hash("1234", b)


def test_garbage_hash_never_matches():
    assert not auth.verify_hash("1234", "nonsense")
    assert not auth.verify_hash("1234", "scrypt$x$y$z$00$00")


@pytest.mark.parametrize("pin", ["12", "abcd", "12 34", "1" * 40, ""])
def test_bad_new_pins_are_refused(db, pin):
    with pytest.raises(ValidationError) as err:
        auth.set_pin(db, pin)
    assert err.value.field == "pin"
    assert not auth.pin_is_set(db)
