"""The demo izakaya: deterministic, refuses a shop's records, and looks like a real shop."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from shopcrm.domain import codes
from shopcrm.domain.models import Customer
from shopcrm.domain.rules import ValidationError, check_customer
from shopcrm.services import demo
from shopcrm.store import customers as customer_store
from shopcrm.store import open_db, settings

TODAY = dt.date(2026, 11, 23)
ALLERGENS_OF = {
    item: set(allergens) for _c, _k, entries in demo.MENU for item, _p, allergens, _w in entries
}


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """One demo shop for the read-only checks (filling takes about a second)."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    database = open_db(path)
    steps = []
    counts = demo.fill(database, seed=1, today=TODAY, progress=lambda *a: steps.append(a))
    yield database, counts, steps
    database.close()


def _rows(db, sql, params=()):
    return db.execute(sql, list(params)).fetchall()


def test_counts_and_settings(shop):
    db, counts, steps = shop
    assert counts["customers"] == 600
    assert 35 <= counts["menu_items"] <= 50
    assert counts["visits"] > 2000 and counts["coupons_redeemed"] > 0 and counts["mailings"] > 0
    assert counts["visits"] == _rows(db, "SELECT count(*) FROM visits")[0][0]
    assert counts["revenue"] == _rows(db, "SELECT sum(amount) FROM visits")[0][0]
    assert settings.get(db, "demo") is True
    assert settings.get(db, "shop_postal_code") == "1520004"
    done = [s[0] for s in steps]
    assert done == sorted(done) and steps[-1][0] == steps[-1][1]


def test_same_seed_and_day_give_the_same_shop(tmp_path, shop):
    db1, counts1, _ = shop
    db2 = open_db(tmp_path / "again.db")
    counts2 = demo.fill(db2, seed=1, today=TODAY)
    assert counts2 == counts1
    for sql in (
        "SELECT * FROM customers ORDER BY id LIMIT 20",
        "SELECT * FROM visits ORDER BY id LIMIT 20",
        "SELECT * FROM visit_items ORDER BY id LIMIT 50",
        "SELECT * FROM coupons ORDER BY id LIMIT 20",
        "SELECT * FROM preferences ORDER BY id LIMIT 20",
    ):
        assert _rows(db1, sql) == _rows(db2, sql), sql
    db3 = open_db(tmp_path / "other.db")
    demo.fill(db3, seed=2, today=TODAY)
    assert _rows(db3, "SELECT name FROM customers LIMIT 20") != _rows(
        db1, "SELECT name FROM customers LIMIT 20"
    )


def test_refuses_a_database_with_customers(db):
    customer_store.create(db, Customer(name="本物のお客様", phone="090-1111-2222"))
    with pytest.raises(ValidationError) as err:
        demo.fill(db, today=TODAY)
    assert err.value.field == "customer"
    assert "demo data never mixes" in err.value.message
    assert _rows(db, "SELECT count(*) FROM customers")[0][0] == 1
    assert _rows(db, "SELECT count(*) FROM visits")[0][0] == 0
    assert _rows(db, "SELECT count(*) FROM menu_items")[0][0] == 0
    assert settings.get(db, "demo") is False


def test_refusal_in_japanese(db, ja):
    customer_store.create(db, Customer(name="本物のお客様"))
    with pytest.raises(ValidationError) as err:
        demo.fill(db, today=TODAY)
    assert str(err.value).startswith("お客様: このデータベースにはすでにお客様が登録されています")


def test_visits_never_after_today_and_in_the_evening(shop):
    db, _, _ = shop
    first, last = _rows(db, "SELECT min(visited_at), max(visited_at) FROM visits")[0]
    assert last[:10] <= TODAY.isoformat()
    assert first[:10] >= (TODAY - dt.timedelta(days=3 * 366)).isoformat()
    times = {r[0] for r in _rows(db, "SELECT substr(visited_at, 12, 5) FROM visits")}
    assert min(times) >= "17:30" and max(times) <= "23:00"
    weekdays = {r[0] for r in _rows(db, "SELECT strftime('%w', visit_date) FROM visits")}
    assert "0" not in weekdays  # closed on Sundays


def test_now_is_the_limit_without_a_given_day(tmp_path):
    db = open_db(tmp_path / "now.db")
    demo.fill(db, seed=3)
    last = _rows(db, "SELECT max(visited_at) FROM visits")[0][0]
    assert dt.datetime.fromisoformat(last) <= dt.datetime.now()


def test_seasons_and_weekends(shop):
    db, _, _ = shop
    by_month = defaultdict(int)
    for month, n in _rows(db, "SELECT substr(visit_date, 6, 2), count(*) FROM visits GROUP BY 1"):
        by_month[int(month)] += n
    assert by_month[12] == max(by_month.values())  # bōnenkai
    assert by_month[8] < by_month[7] and by_month[8] < by_month[9]
    dow = dict(_rows(db, "SELECT strftime('%w', visit_date), count(*) FROM visits GROUP BY 1"))
    assert dow["5"] > dow["1"] and dow["6"] > dow["2"]  # Friday, Saturday busy


def test_repeat_rate_by_channel_as_designed(shop):
    db, _, _ = shop
    rate = dict(
        _rows(
            db,
            "SELECT ch.name, avg(c.visit_days >= 2) FROM customers c"
            " JOIN channels ch ON ch.id = c.channel_id GROUP BY ch.name",
        )
    )
    assert set(rate) == set(demo.CHANNELS)
    assert max(rate, key=rate.get) == "紹介"
    assert min(rate, key=rate.get) == "グルメサイト"
    assert rate["店頭クーポン"] > rate["Instagram"]
    overall = _rows(db, "SELECT avg(visit_days >= 2) FROM customers")[0][0]
    assert 0.3 < overall < 0.8


def test_a_minority_of_regulars_brings_most_revenue(shop):
    db, _, _ = shop
    spent = [r[0] for r in _rows(db, "SELECT total_spent FROM customers ORDER BY 1 DESC")]
    top = spent[: len(spent) // 5]
    assert sum(top) > 0.5 * sum(spent)
    assert min(r[0] for r in _rows(db, "SELECT visit_count FROM customers")) >= 1


def test_every_item_is_on_the_menu_and_bills_add_up(shop):
    db, _, _ = shop
    menu = {r[0]: (r[1], r[2]) for r in _rows(db, "SELECT id, name, price FROM menu_items")}
    sums: dict[int, int] = defaultdict(int)
    for vid, mid, name, qty, price in _rows(
        db, "SELECT visit_id, menu_item_id, name, quantity, price FROM visit_items"
    ):
        assert menu[mid] == (name, price)
        sums[vid] += qty * price
    coupon_visits = {r[0] for r in _rows(db, "SELECT redeemed_visit_id FROM coupons")}
    for vid, amount, party in _rows(db, "SELECT id, amount, party_size FROM visits"):
        assert 1 <= party <= 6
        if vid in coupon_visits:
            assert 0 <= amount < sums[vid]
        else:
            assert amount == sums[vid]
    otoshi = _rows(
        db,
        "SELECT count(*) FROM visits v JOIN visit_items i ON i.visit_id = v.id"
        " WHERE i.name = 'お通し' AND i.quantity = v.party_size",
    )[0][0]
    assert otoshi == len(sums)  # a table charge per guest on every bill


def test_allergies_never_ordered_and_preferences_follow_orders(shop):
    db, _, _ = shop
    allergic = defaultdict(set)
    for cid, label in _rows(db, "SELECT customer_id, label FROM preferences WHERE level='allergy'"):
        allergic[cid].add(label)
    assert allergic, "some guests have allergies"
    for cid, name in _rows(
        db,
        "SELECT v.customer_id, i.name FROM visit_items i JOIN visits v ON v.id = i.visit_id"
        f" WHERE v.customer_id IN ({','.join(str(c) for c in allergic)})",
    ):
        assert not ALLERGENS_OF[name] & allergic[cid], (cid, name)
    ordered = defaultdict(set)
    for cid, mid in _rows(
        db,
        "SELECT v.customer_id, i.menu_item_id FROM visit_items i"
        " JOIN visits v ON v.id = i.visit_id",
    ):
        ordered[cid].add(mid)
    loves = _rows(
        db,
        "SELECT customer_id, menu_item_id FROM preferences WHERE level IN ('love', 'like')"
        " AND menu_item_id IS NOT NULL",
    )
    assert loves
    assert all(mid in ordered[cid] for cid, mid in loves)


def test_regulars_keep_ordering_their_favourites(shop):
    db, _, _ = shop
    regulars = _rows(db, "SELECT id FROM customers WHERE visit_count >= 10")
    assert len(regulars) >= 20
    for (cid,) in regulars:
        love = _rows(
            db,
            "SELECT menu_item_id FROM preferences WHERE customer_id = ? AND level = 'love'"
            " ORDER BY id LIMIT 1",
            [cid],
        )[0][0]
        share = _rows(
            db,
            "SELECT avg(EXISTS (SELECT 1 FROM visit_items i WHERE i.visit_id = v.id"
            " AND i.menu_item_id = ?)) FROM visits v WHERE v.customer_id = ?",
            [love, cid],
        )[0][0]
        assert share > 0.5, cid


def test_customers_are_valid_and_realistic(shop):
    db, _, _ = shop
    ids = [r[0] for r in _rows(db, "SELECT id FROM customers")]
    people = [customer_store.get(db, i) for i in ids]
    for c in people:
        normalised = check_customer(c)  # every record passes the rules unchanged
        assert (normalised.phone, normalised.kana, normalised.postal_code, normalised.email) == (
            c.phone, c.kana, c.postal_code, c.email,
        )  # fmt: skip
        assert " " in c.name and " " in c.kana  # surname first, then the given name
    with_address = [c for c in people if c.postal_code]
    assert len(with_address) > 300
    assert {c.prefecture for c in with_address} <= {"東京都", "神奈川県"}
    assert sum(1 for c in people if c.birth_month and c.birth_year is None) > 50
    assert sum(1 for c in people if c.dm_consent) > 400
    assert any(c.do_not_mail for c in people)
    assert sum(1 for c in people if "常連" in c.tags) > 20
    codes_seen = [c.code for c in people]
    assert len(set(codes_seen)) == len(codes_seen)
    hits = customer_store.search(db, "たなか")
    assert hits and all("タナカ" in h.kana for h in hits[:3])


def test_coupons_are_real_and_redeemed_within_their_validity(shop):
    db, _, _ = shop
    rows = _rows(
        db,
        "SELECT k.code, k.customer_id, k.valid_from, k.valid_until, k.redeemed_at, v.customer_id,"
        " v.visited_at FROM coupons k LEFT JOIN visits v ON v.id = k.redeemed_visit_id",
    )
    kinds = {r[0] for r in _rows(db, "SELECT DISTINCT c.kind FROM coupons k JOIN campaigns c"
                                     " ON c.id = k.campaign_id")}  # fmt: skip
    assert kinds == {"birthday", "welcome", "winback"}
    redeemed = 0
    for code, cid, start, until, at, visit_customer, visited_at in rows:
        assert codes.check_code(code) == code
        if at is not None:
            redeemed += 1
            assert visit_customer == cid and at == visited_at
            assert start <= at[:10] <= until
    assert 0.1 < redeemed / len(rows) < 0.6
    consent = _rows(
        db,
        "SELECT count(*) FROM mailings m JOIN customers c ON c.id = m.customer_id"
        " WHERE c.dm_consent = 0 OR c.do_not_mail = 1",
    )[0][0]
    assert consent == 0  # mail only to guests who agreed
