"""PgDatabase itself (store/engine.py) and what only a shared server can show: two PCs redeeming
the same coupon at the same moment, and the same search answers on both engines."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from shopcrm.domain.codes import CouponError, generate_code
from shopcrm.domain.models import Coupon, Customer, Visit
from shopcrm.store import campaign_records, coupons, customers, open_db, visits
from shopcrm.store.engine import PgDatabase, to_pyformat


def test_placeholders_outside_literals_names_and_comments():
    assert to_pyformat("SELECT ? WHERE a = ?") == "SELECT %s WHERE a = %s"
    assert to_pyformat("SELECT '?', \"a?\" , ?") == "SELECT '?', \"a?\" , %s"
    assert to_pyformat("SELECT 'it''s ?' || ?") == "SELECT 'it''s ?' || %s"
    assert to_pyformat("SELECT 5 % 2, '100%' -- ? %\n, ?") == "SELECT 5 %% 2, '100%%' -- ? %%\n, %s"
    assert to_pyformat("SELECT /* ? */ ?") == "SELECT /* ? */ %s"


@pytest.mark.postgres
def test_literal_percent_and_question_marks_reach_the_server(pg_db):
    row = pg_db.execute("SELECT '100%', '?', ? || '%', 7 % 3", ["a"]).fetchone()
    assert tuple(row) == ("100%", "?", "a%", 1)
    assert pg_db.execute("SELECT '50%'").fetchone()[0] == "50%"  # no parameters: sent as is


@pytest.mark.postgres
def test_booleans_are_stored_as_integers_and_sums_are_ints(pg_db):
    pg_db.execute("CREATE TABLE flags (f bigint NOT NULL)")
    pg_db.execute("INSERT INTO flags VALUES (?), (?)", [True, False])
    assert [r[0] for r in pg_db.execute("SELECT f FROM flags ORDER BY f")] == [0, 1]
    total = pg_db.execute("SELECT sum(f), avg(f) FROM flags").fetchone()
    assert total[0] == 1 and type(total[0]) is int
    assert total[1] == 0.5 and type(total[1]) is float


@pytest.mark.postgres
def test_atomic_is_one_transaction_and_nested_blocks_are_savepoints(pg_db, pg_url):
    other = open_db(pg_url, migrate=False)
    try:
        with pg_db.atomic():
            pg_db.execute("INSERT INTO settings(key, value) VALUES ('a', '1')")
            assert other.execute("SELECT count(*) FROM settings WHERE key = 'a'").fetchone()[0] == 0
            with pytest.raises(RuntimeError), pg_db.atomic():
                pg_db.execute("INSERT INTO settings(key, value) VALUES ('b', '2')")
                raise RuntimeError("the inner block fails")
        assert [r[0] for r in other.execute("SELECT key FROM settings ORDER BY key")] == ["a"]
        with pytest.raises(RuntimeError), pg_db.atomic():
            pg_db.execute("INSERT INTO settings(key, value) VALUES ('c', '3')")
            raise RuntimeError("the whole block fails")
        assert [r[0] for r in other.execute("SELECT key FROM settings ORDER BY key")] == ["a"]
    finally:
        other.close()


@pytest.mark.postgres
def test_dialects():
    assert PgDatabase.dialect == "postgresql"


def _coupon_for_a_guest(db) -> tuple[Coupon, int]:
    guest = customers.create(db, Customer(name="田中太郎", kana="タナカタロウ")).id
    birthday = campaign_records.get(db, "birthday")
    (coupon,) = coupons.insert_many(
        db,
        [
            Coupon(
                code=generate_code(),
                campaign_id=birthday.id,
                customer_id=guest,
                period_key="2026",
                valid_from=dt.date.today() - dt.timedelta(days=1),
                valid_until=dt.date.today() + dt.timedelta(days=30),
            )
        ],
    )
    return coupon, guest


@pytest.mark.postgres
def test_two_pcs_redeem_the_same_coupon_at_once_exactly_one_succeeds(pg_db, pg_url):
    coupon, guest = _coupon_for_a_guest(pg_db)
    pcs = [open_db(pg_url, migrate=False) for _ in range(2)]
    both_checked = threading.Barrier(2, timeout=20)
    results: list[object] = [None, None]

    def till(n: int) -> None:
        db = pcs[n]
        try:
            with db.atomic():
                # both tills have read the coupon as unused before either writes
                coupons.check(db, coupon.code, customer_id=guest)
                both_checked.wait()
                visits.record(
                    db,
                    Visit(customer_id=guest, visited_at=dt.datetime.now(), amount=4000),
                    coupon_code=coupon.code,
                )
            results[n] = "saved"
        except CouponError as exc:
            results[n] = exc

    threads = [threading.Thread(target=till, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    for db in pcs:
        db.close()
    assert sorted(map(type, results), key=str) == sorted([str, CouponError], key=str), results
    refused = next(r for r in results if isinstance(r, CouponError))
    assert refused.reason == "used"  # the store's "already used" message
    assert "already used" in str(refused)
    # one visit stored (the refused one rolled back with its coupon), the coupon used once
    assert pg_db.execute("SELECT count(*) FROM visits").fetchone()[0] == 1
    row = pg_db.execute(
        "SELECT c.redeemed_visit_id, v.id FROM coupons c, visits v WHERE c.id = ?", [coupon.id]
    ).fetchone()
    assert row[0] == row[1]


GUESTS = [
    Customer(name="田中太郎", kana="タナカタロウ", phone="090-1234-5678", email="taro@example.jp"),
    Customer(name="山田中子", kana="ヤマダナカコ", phone="03-1111-2222"),
    Customer(name="ﾀﾅｶ花子", kana="タナカハナコ", code="M-001"),
    Customer(name="Smith 100%", email="smith_j@example.com"),
    Customer(name="佐藤", kana="サトウ", line_id="sato_line"),
    Customer(name="中田", kana="ナカタ", notes="窓際の席"),
]
QUERIES = ["田中", "たなか", "ﾀﾅｶ", "タナカ ハナコ", "中", "090", "0312", "m-001", "100%", "_j@",
           "smith", "サト", "example", "窓際", "なかた", "x", "田中 090"]  # fmt: skip


@pytest.mark.postgres
def test_search_answers_the_same_on_both_engines(db, pg_db):
    for store in (db, pg_db):
        for guest in GUESTS:
            customers.create(store, guest)
    for query in QUERIES:
        lite = [c.name for c in customers.search(db, query)]
        pg = [c.name for c in customers.search(pg_db, query)]
        assert lite == pg, query
        assert customers.count(db, query) == customers.count(pg_db, query), query
    assert [c.name for c in customers.search(pg_db, "100%")] == ["Smith 100%"]  # % is a letter
    assert [c.name for c in customers.search(pg_db, "_j@")] == ["Smith 100%"]  # _ is a letter
