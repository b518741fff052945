"""Recording visits: items, figures kept by triggers, validation, one transaction with coupons."""

from __future__ import annotations

import datetime as dt

import pytest

from shopcrm.domain import codes
from shopcrm.domain.models import (
    Coupon,
    Customer,
    MenuCategory,
    MenuItem,
    Preference,
    Visit,
    VisitItem,
)
from shopcrm.domain.rules import ValidationError
from shopcrm.store import customers, menu, preferences, visits
from shopcrm.store.errors import NotFound

AT = dt.datetime(2026, 11, 20, 19, 30)


@pytest.fixture
def db(anydb):
    """Every test here runs on an SQLite file and on a PostgreSQL database."""
    return anydb


@pytest.fixture
def guest(db):
    return customers.create(db, Customer(name="田中太郎", kana="タナカタロウ")).id


@pytest.fixture
def beer(db):
    drinks = menu.add_category(db, MenuCategory("ドリンク", kind="drink"))
    return menu.add_item(db, MenuItem("生ビール", 600, category_id=drinks.id))


def _rows(db, table: str) -> int:
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _coupon(db, customer_id: int, *, until=dt.date(2026, 12, 31)) -> str:
    from shopcrm.store import coupons

    code = codes.generate_code()
    coupons.insert_many(
        db,
        [Coupon(code=code, campaign_id=1, customer_id=customer_id,
                valid_from=dt.date(2026, 11, 1), valid_until=until)],
    )  # fmt: skip
    return code


def test_record_with_menu_and_free_items(db, guest, beer):
    v = visits.record(
        db,
        Visit(guest, AT, 4800, party_size=2, note=" 誕生日 ",
              items=[VisitItem("生ビール", quantity=2), VisitItem("まかない丼", price=800),
                     VisitItem("", menu_item_id=beer.id)]),
    )  # fmt: skip
    assert v.id is not None and v.visited_at == AT and v.note == "誕生日"
    assert [(i.name, i.menu_item_id, i.quantity, i.price) for i in v.items] == [
        ("生ビール", beer.id, 2, 600),
        ("まかない丼", None, 1, 800),
        ("生ビール", beer.id, 1, 600),
    ]
    assert visits.get(db, v.id) == v
    # the price is a snapshot: a later price change does not rewrite history
    beer.price = 700
    menu.update_item(db, beer)
    assert visits.get(db, v.id).items[0].price == 600
    # deleting the menu item keeps the line's name
    menu.delete_item(db, beer.id)
    item = visits.get(db, v.id).items[0]
    assert item.name == "生ビール" and item.menu_item_id is None


def test_figures_follow_visits_through_triggers(db, guest):
    visits.record(db, Visit(guest, dt.datetime(2026, 11, 1, 19), 3000))
    visits.record(db, Visit(guest, dt.datetime(2026, 11, 1, 22), 1500))  # same day, 2nd bill
    last = visits.record(db, Visit(guest, dt.datetime(2026, 11, 10, 20), 5000))
    s = customers.summary(db, guest)
    assert (s.visit_count, s.visit_days, s.total_spent) == (3, 2, 9500)
    assert s.first_visit_at == dt.datetime(2026, 11, 1, 19)
    assert s.last_visit_at == dt.datetime(2026, 11, 10, 20)
    visits.delete(db, last.id)
    s = customers.summary(db, guest)
    assert (s.visit_count, s.visit_days, s.total_spent) == (2, 1, 4500)
    assert s.last_visit_at == dt.datetime(2026, 11, 1, 22)
    with pytest.raises(NotFound):
        visits.get(db, last.id)


@pytest.mark.parametrize(
    "change,field",
    [
        ({"party_size": 0}, "party_size"),
        ({"party_size": 100}, "party_size"),
        ({"amount": -1}, "amount"),
        ({"amount": 10.5}, "amount"),
        ({"customer_id": 999}, "customer"),
        ({"visited_at": "yesterday"}, "visited_at"),
        ({"items": [VisitItem("生ビール"), VisitItem("  ")]}, "items"),
        ({"items": [VisitItem("枝豆", quantity=0)]}, "items"),
        ({"items": [VisitItem("枝豆", price=-5)]}, "price"),
        ({"items": [VisitItem("", menu_item_id=999)]}, "items"),
    ],
)
def test_bad_visits_write_nothing(db, guest, change, field):
    base = {"customer_id": guest, "visited_at": AT, "amount": 4800}
    with pytest.raises(ValidationError) as err:
        visits.record(db, Visit(**{**base, **change}))
    assert err.value.field == field
    assert _rows(db, "visits") == 0 and _rows(db, "visit_items") == 0
    assert customers.summary(db, guest).visit_count == 0


def test_erased_customer_cannot_get_new_visits(db, guest):
    db.execute("UPDATE customers SET erased_at = '2026-11-01 00:00:00' WHERE id = ?", [guest])
    with pytest.raises(ValidationError) as err:
        visits.record(db, Visit(guest, AT, 1000))
    assert err.value.field == "customer"


def test_coupon_redeemed_in_the_same_transaction(db, guest):
    code = _coupon(db, guest)
    v = visits.record(db, Visit(guest, AT, 4000), coupon_code=code.lower())
    assert v.coupon_code == code
    row = db.execute(
        "SELECT redeemed_visit_id, redeemed_at FROM coupons WHERE code = ?", [code]
    ).fetchone()
    assert row == (v.id, "2026-11-20 19:30:00")
    # deleting the visit makes the coupon usable again
    visits.delete(db, v.id)
    again = visits.record(db, Visit(guest, AT, 4000), coupon_code=code)
    assert again.coupon_code == code


def test_a_failing_coupon_rolls_the_whole_visit_back(db, guest, beer):
    from shopcrm.domain.codes import CouponError

    used = _coupon(db, guest)
    visits.record(db, Visit(guest, AT, 1000), coupon_code=used)
    expired = _coupon(db, customers.create(db, Customer(name="鈴木")).id)
    before = (_rows(db, "visits"), _rows(db, "visit_items"), customers.summary(db, guest))
    for code in (used, expired, "ZZZZ-ZZZZ", codes.generate_code()):
        with pytest.raises(CouponError) as err:
            visits.record(
                db, Visit(guest, AT, 3000, items=[VisitItem("生ビール")]), coupon_code=code
            )
        assert err.value.field == "coupon_code"
        after = (_rows(db, "visits"), _rows(db, "visit_items"), customers.summary(db, guest))
        assert after == before


def test_a_coupon_needs_a_customer(db):
    with pytest.raises(ValidationError) as err:
        visits.record(db, Visit(None, AT, 1000), coupon_code="ABCD-EFGH")
    assert err.value.field == "customer"
    anonymous = visits.record(db, Visit(None, AT, 1000))
    assert anonymous.customer_id is None


def test_for_customer_and_recent(db, guest):
    other = customers.create(db, Customer(name="鈴木一郎")).id
    for day in (1, 3, 2):
        visits.record(db, Visit(guest, dt.datetime(2026, 11, day, 19), 1000 * day,
                                items=[VisitItem(f"品{day}")]))  # fmt: skip
    visits.record(db, Visit(other, dt.datetime(2026, 11, 3, 21), 700))
    mine = visits.for_customer(db, guest)
    assert [v.amount for v in mine] == [3000, 2000, 1000]
    assert [v.items[0].name for v in mine] == ["品3", "品2", "品1"]
    assert len(visits.for_customer(db, guest, limit=2)) == 2
    today = visits.recent(db, day=dt.date(2026, 11, 3))
    assert [(v.amount, name) for v, name in today] == [(700, "鈴木一郎"), (3000, "田中太郎")]
    assert len(visits.recent(db, limit=3)) == 3


def test_suggest_favourites(db, guest, beer):
    orders = [
        ["生ビール", "焼き鳥", "枝豆"],
        ["生ビール", "焼き鳥"],
        ["ﾊｲﾎﾞｰﾙ", "焼き鳥"],
        ["生ビール", "ハイボール"],
        ["ハイボール", "枝豆", "枝豆"],
        ["枝豆"],  # the oldest: outside the last five
    ]
    for n, items in enumerate(orders):
        when = dt.datetime(2026, 11, 20 - n, 19)
        visits.record(db, Visit(guest, when, 3000, items=[VisitItem(i) for i in items]))
    # 生ビール 3/5, 焼き鳥 3/5, ハイボール 3/5 (any width), 枝豆 only 2 of the last 5 visits
    # equally often: the most recently ordered first (焼き鳥 and 生ビール last visit, then by name)
    assert visits.suggest_favourites(db, guest) == ["焼き鳥", "生ビール", "ハイボール"]
    preferences.add(db, Preference(guest, "drink", "like", "生ビール"))
    preferences.add(db, Preference(guest, "food", "dislike", "焼き鳥"))  # not a favourite
    assert visits.suggest_favourites(db, guest) == ["焼き鳥", "ハイボール"]
    preferences.add(db, Preference(guest, "drink", "love", "ハイボール"))
    assert visits.suggest_favourites(db, guest) == ["焼き鳥"]
    assert visits.suggest_favourites(db, guest, last=6, min_count=3) == ["枝豆", "焼き鳥"]
    assert visits.suggest_favourites(db, customers.create(db, Customer(name="新規")).id) == []
