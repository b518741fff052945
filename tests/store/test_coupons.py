"""Coupons in a real database: checking, redeeming with a visit, single use, voiding, mailings."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from shopcrm.domain.codes import CouponError, generate_code
from shopcrm.domain.models import Coupon, Customer, Mailing, Visit
from shopcrm.store import campaign_records, coupons, customers, mailings, visits
from shopcrm.store.engine import IntegrityError

DAY = dt.date(2026, 12, 10)
AT = dt.datetime(2026, 12, 10, 19, 30)


@pytest.fixture
def db(anydb):
    """Every test here runs on an SQLite file and on a PostgreSQL database."""
    return anydb


@pytest.fixture
def shop(db):
    alice = customers.create(db, Customer(name="Alice Tanaka", kana="たなか", dm_consent=True))
    bob = customers.create(db, Customer(name="Bob Secret", kana="ぼぶ", dm_consent=True))
    birthday = campaign_records.get(db, "birthday")
    rng = random.Random(5)
    made = {}
    for key, owner, start, end in (
        ("ok", alice, dt.date(2026, 12, 1), dt.date(2027, 1, 29)),
        ("later", alice, dt.date(2027, 1, 1), dt.date(2027, 1, 31)),
        ("old", alice, dt.date(2026, 10, 1), dt.date(2026, 11, 30)),
        ("bobs", bob, dt.date(2026, 12, 1), dt.date(2027, 1, 29)),
    ):
        made[key] = Coupon(
            code=generate_code(rng),
            campaign_id=birthday.id,
            customer_id=owner.id,
            valid_from=start,
            valid_until=end,
            period_key=key,
        )
    coupons.insert_many(db, list(made.values()))
    return {"db": db, "alice": alice, "bob": bob, "campaign": birthday, **made}


def _visit(db, customer, code=None, at=AT):
    return visits.record(db, Visit(customer_id=customer.id, visited_at=at, amount=4800), code)


def _reason(db, code, **kw):
    with pytest.raises(CouponError) as err:
        coupons.check(db, code, **kw)
    assert err.value.field == "coupon_code"
    return err.value


def test_a_valid_coupon_checks_in_any_typed_form(shop):
    db, code = shop["db"], shop["ok"].code
    found = coupons.check(
        db, " " + code.lower().replace("-", " "), customer_id=shop["alice"].id, on=DAY
    )
    assert found.code == code and found.campaign_name == "birthday"


def test_malformed_and_mistyped_codes_are_refused_before_the_database(shop):
    db = shop["db"]
    assert _reason(db, "K7QM-4XRO", on=DAY).reason == "malformed"
    code = shop["ok"].code
    swapped = code[1] + code[0] + code[2:] if code[0] != code[1] else code[:2] + "22222-2"
    assert _reason(db, swapped, on=DAY).reason in {"mistyped", "malformed"}


def test_unknown_code(shop):
    db = shop["db"]
    existing = {
        c.code for c in coupons.for_campaign(db, shop["campaign"].id, unredeemed_only=False)
    }
    rng = random.Random(99)
    code = next(c for c in iter(lambda: generate_code(rng), None) if c not in existing)
    err = _reason(db, code, on=DAY)
    assert err.reason == "unknown" and code in err.message


def test_not_yet_valid_names_the_first_day(shop):
    err = _reason(shop["db"], shop["later"].code, customer_id=shop["alice"].id, on=DAY)
    assert err.reason == "not_yet_valid"
    assert "1 Jan 2027" in err.message


def test_expired_names_the_last_day(shop, ja):
    err = _reason(shop["db"], shop["old"].code, customer_id=shop["alice"].id, on=DAY)
    assert err.reason == "expired"
    assert "2026年11月30日" in err.message
    assert "有効期限" in err.message


def test_other_customers_coupon_does_not_leak_the_name(shop):
    err = _reason(shop["db"], shop["bobs"].code, customer_id=shop["alice"].id, on=DAY)
    assert err.reason == "other_customer"
    assert "Bob" not in str(err) and "Secret" not in str(err)


def test_redeemed_with_the_visit_then_already_used_names_when_and_which_visit(shop):
    db, alice, code = shop["db"], shop["alice"], shop["ok"].code
    visit = _visit(db, alice, code)
    assert visit.coupon_code == code if visit.coupon_code is not None else True
    used = coupons.find(db, code)
    assert used.redeemed_visit_id == visit.id and used.redeemed_at == AT
    err = _reason(db, code, customer_id=alice.id, on=DAY)
    assert err.reason == "used"
    assert f"#{visit.id}" in err.message and "10 Dec 2026 19:30" in err.message


def test_a_second_redemption_rolls_its_visit_back(shop):
    db, alice, code = shop["db"], shop["alice"], shop["ok"].code
    _visit(db, alice, code)
    before = len(visits.for_customer(db, alice.id))
    with pytest.raises(CouponError):
        _visit(db, alice, code, at=AT + dt.timedelta(days=1))
    assert len(visits.for_customer(db, alice.id)) == before


def test_a_failed_visit_rolls_the_redemption_back(shop):
    db, alice, code = shop["db"], shop["alice"], shop["ok"].code

    class Boom(Exception):
        pass

    with pytest.raises(Boom), db.atomic():
        _visit(db, alice, code)
        raise Boom
    assert coupons.find(db, code).redeemed_visit_id is None
    assert visits.for_customer(db, alice.id) == []


def test_the_database_enforces_single_use_even_without_the_service(shop):
    db, alice, coupon = shop["db"], shop["alice"], shop["ok"]
    v1 = _visit(db, alice)
    v2 = _visit(db, alice, at=AT + dt.timedelta(hours=1))
    db.execute("UPDATE coupons SET redeemed_visit_id = ? WHERE code = ?", [v1.id, coupon.code])
    with pytest.raises(IntegrityError, match="already redeemed"):
        db.execute("UPDATE coupons SET redeemed_visit_id = ? WHERE code = ?", [v2.id, coupon.code])
    # and one visit cannot redeem two coupons
    with pytest.raises(IntegrityError):
        db.execute(
            "UPDATE coupons SET redeemed_visit_id = ? WHERE code = ?", [v1.id, shop["later"].code]
        )


def test_deleting_the_visit_releases_its_coupon(shop):
    db, alice, code = shop["db"], shop["alice"], shop["ok"].code
    visit = _visit(db, alice, code)
    visits.delete(db, visit.id)
    assert coupons.check(db, code, customer_id=alice.id, on=DAY).redeemed_visit_id is None


def test_void_then_voided_message_and_a_used_coupon_cannot_be_voided(shop):
    db, alice = shop["db"], shop["alice"]
    voided = coupons.void(db, shop["later"].code, "sent twice", at=dt.datetime(2026, 12, 2, 10))
    assert voided.voided_at is not None and voided.void_reason == "sent twice"
    err = _reason(db, shop["later"].code, customer_id=alice.id, on=dt.date(2027, 1, 5))
    assert err.reason == "voided"
    _visit(db, alice, shop["ok"].code)
    with pytest.raises(CouponError) as used:
        coupons.void(db, shop["ok"].code)
    assert used.value.reason == "used"
    assert coupons.status(coupons.find(db, shop["ok"].code)) == "redeemed"
    assert coupons.status(voided) == "voided"


def test_for_customer_and_for_campaign(shop):
    db, alice = shop["db"], shop["alice"]
    mine = coupons.for_customer(db, alice.id)
    assert {c.code for c in mine} == {shop[k].code for k in ("ok", "later", "old")}
    cid = shop["campaign"].id
    open_ones = coupons.for_campaign(db, cid, today=DAY)
    assert {c.code for c in open_ones} == {shop[k].code for k in ("ok", "later", "bobs")}
    _visit(db, alice, shop["ok"].code)
    assert shop["ok"].code not in {c.code for c in coupons.for_campaign(db, cid, today=DAY)}
    assert len(coupons.for_campaign(db, cid, unredeemed_only=False)) == 4
    assert [c.code for c in coupons.for_campaign(db, cid, period_key="bobs", today=DAY)] == [
        shop["bobs"].code
    ]
    assert coupons.status(shop["old"], DAY) == "expired"


def test_the_same_period_cannot_be_issued_twice_by_the_database(shop):
    db = shop["db"]
    dup = Coupon(
        code=generate_code(random.Random(1234)),
        campaign_id=shop["campaign"].id,
        customer_id=shop["alice"].id,
        valid_from=DAY,
        valid_until=DAY,
        period_key="ok",
    )
    with pytest.raises(IntegrityError):
        coupons.insert_many(db, [dup])


def test_new_unique_codes_never_repeat_existing_ones(shop):
    db = shop["db"]
    fresh = coupons.new_unique_codes(db, 300, random.Random(5))  # same seed as the fixture
    assert len(set(fresh)) == 300
    assert not {shop[k].code for k in ("ok", "later", "old", "bobs")} & set(fresh)


def test_mailings_are_recorded_and_listed_newest_first(shop):
    db, alice, campaign = shop["db"], shop["alice"], shop["campaign"]
    mailings.record(
        db,
        [
            Mailing(alice.id, "postcard", dt.datetime(2026, 11, 25, 9), campaign.id, shop["ok"].id),
            Mailing(alice.id, "label", dt.datetime(2026, 11, 26, 9), campaign.id, batch="b1"),
        ],
    )
    got = mailings.for_customer(db, alice.id)
    assert [m.piece for m in got] == ["label", "postcard"]
    assert got[0].campaign_name == "birthday" and got[1].coupon_id == shop["ok"].id
    assert mailings.count_for_campaign(db, campaign.id) == 2
    with pytest.raises(ValueError):
        mailings.record(db, [Mailing(alice.id, "flyer", AT)])
    assert len(mailings.for_customer(db, alice.id)) == 2
