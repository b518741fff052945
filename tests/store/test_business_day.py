"""The business day: an izakaya's 23:50 and 00:20 bills are one evening, in every measure.

A hand-made shop where guests' bills fall either side of midnight; each figure that counts visit
days (customer visit days, repeat rate, second-visit rate, returning share, RFM frequency, the
model's repeat visits, today's visits, a coupon's last valid day) is checked with the default
cut-off (05:00) and, where it changes, with the cut-off at midnight.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from shopcrm.domain import codes
from shopcrm.domain.dates import business_day, business_day_span, clamp_day_start
from shopcrm.domain.models import Coupon, Customer, Visit
from shopcrm.services import analytics, clv
from shopcrm.store import arrays, coupons, customers, settings, visits
from shopcrm.store import business_day as bd

T = dt.datetime


@pytest.fixture
def db(anydb):
    """Every test here runs on an SQLite file and on a PostgreSQL database."""
    return anydb


def test_domain_rule():
    assert business_day(T(2026, 3, 2, 0, 20)) == dt.date(2026, 3, 1)
    assert business_day(T(2026, 3, 2, 4, 59)) == dt.date(2026, 3, 1)
    assert business_day(T(2026, 3, 2, 5, 0)) == dt.date(2026, 3, 2)
    assert business_day(T(2026, 3, 1, 23, 50)) == dt.date(2026, 3, 1)
    assert business_day(T(2026, 3, 2, 0, 20), 0) == dt.date(2026, 3, 2)
    assert business_day(T(2026, 1, 1, 1, 0)) == dt.date(2025, 12, 31)  # across New Year
    assert business_day_span(dt.date(2026, 3, 1)) == (T(2026, 3, 1, 5), T(2026, 3, 2, 5))
    # a stored value that is no hour gives the default, never an error
    assert [clamp_day_start(v) for v in (None, "x", float("nan"), -3, 40, 7)] == [5, 5, 5, 0, 11, 7]


def test_sql_matches_the_domain_rule(db):
    rng = random.Random(7)
    start = T(2025, 12, 30)
    moments = [start + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 400)) for _ in range(400)]
    moments += [T(2026, 3, 2, h, m) for h in range(24) for m in (0, 59)]
    moments += [T(2026, 3, 2, h, 59, 59) for h in range(24)]  # a second before each hour
    moments += [T(1965, 7, 1, 4, 59, 59), T(1965, 7, 1, 5), T(1900, 1, 1, 12), T(2999, 12, 31, 23)]
    for hour in (0, 5, 11):
        for m in moments:
            text = m.isoformat(sep=" ")
            got_date, got_day = db.execute(
                f"SELECT {bd.date_sql('t.x', hour, db.dialect)},"
                f" {bd.day_number_sql('t.x', hour, db.dialect)} FROM (SELECT ? AS x) AS t",
                [text],
            ).fetchone()
            want = business_day(m, hour)
            assert got_date == want.isoformat(), (text, hour)
            assert got_day == arrays.day_number(want), (text, hour)


@pytest.fixture
def shop(db):
    def guest(name):
        return customers.create(db, Customer(name=name)).id

    a, b, c, d = guest("夜更かし"), guest("二回"), guest("月末"), guest("四月")
    rows = [
        (a, T(2026, 3, 1, 23, 50), 4000),  # one evening, two bills
        (a, T(2026, 3, 2, 0, 20), 1500),
        (b, T(2026, 3, 1, 20, 0), 3000),
        (b, T(2026, 3, 5, 20, 0), 3000),
        (c, T(2026, 3, 31, 23, 30), 2000),  # March 31's evening, past midnight into April 1
        (c, T(2026, 4, 1, 1, 0), 800),
        (d, T(2026, 4, 10, 19, 0), 3500),
    ]
    for who, when, amount in rows:
        visits.record(db, Visit(who, when, amount))
    return {"a": a, "b": b, "c": c, "d": d}


def _figures(db):
    data = analytics.load(db, today=dt.date(2026, 6, 30))
    march = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    april = next(
        r for r in analytics.monthly(data, *march[:1], dt.date(2026, 4, 30)) if r.month == "2026-04"
    )
    second = analytics.second_visit_rates(data, *march)[0]
    scores = analytics.rfm(data)
    rft = clv.rft_from_visits(data.visits, data.as_of)
    return data, {
        "repeat_rate_march": analytics.repeat_rate(data, *march),
        "april_customers": april.customers,
        "april_returning_share": april.returning_share,
        "second_visit_30_returned": second.returned[30],
        "rfm_days": dict(zip(scores.customer_id.tolist(), scores.visit_days.tolist(), strict=True)),
        "model_repeats": dict(zip(rft.customer_id.tolist(), rft.x.tolist(), strict=True)),
    }


def test_split_midnight_bill_is_one_visit_day_everywhere(db, shop):
    a, b, c, d = shop["a"], shop["b"], shop["c"], shop["d"]
    assert customers.summary(db, a).visit_days == 1 and customers.summary(db, a).visit_count == 2
    assert customers.summary(db, c).visit_days == 1
    _data, f = _figures(db)
    assert f["repeat_rate_march"] == pytest.approx(1 / 3)  # b only (a's evening is one day)
    assert f["april_customers"] == 1  # c's 01:00 bill is March 31's evening
    assert f["april_returning_share"] == 0.0
    assert f["second_visit_30_returned"] == 1  # b came back; a did not (same evening)
    assert f["rfm_days"] == {a: 1, b: 2, c: 1, d: 1}
    assert f["model_repeats"] == {a: 0.0, b: 1.0, c: 0.0, d: 0.0}
    # today's visits on the counter: the 00:20 bill is still the 1st's evening
    evening = [v.visited_at for v, _name in visits.recent(db, day=dt.date(2026, 3, 1))]
    assert T(2026, 3, 2, 0, 20) in evening and T(2026, 3, 1, 23, 50) in evening
    assert visits.recent(db, day=dt.date(2026, 3, 2)) == []
    assert bd.today(db, T(2026, 3, 2, 0, 30)) == dt.date(2026, 3, 1)
    assert bd.today(db, T(2026, 3, 2, 5, 0)) == dt.date(2026, 3, 2)


def test_cut_off_at_midnight_counts_calendar_days(db, shop):
    settings.set(db, "business_day_start_hour", 0)
    assert customers.summary(db, shop["a"]).visit_days == 2  # recounted when the setting moved
    _data, f = _figures(db)
    assert f["repeat_rate_march"] == pytest.approx(2 / 3)
    assert f["april_customers"] == 2 and f["april_returning_share"] == 0.5
    assert f["rfm_days"][shop["a"]] == 2 and f["model_repeats"][shop["a"]] == 1.0
    settings.set(db, "business_day_start_hour", 5)
    assert customers.summary(db, shop["a"]).visit_days == 1


def test_a_coupon_valid_until_the_evening_is_redeemed_after_midnight(db, shop):
    code = codes.generate_code()
    coupons.insert_many(
        db,
        [Coupon(code=code, campaign_id=1, customer_id=shop["d"],
                valid_from=dt.date(2026, 4, 1), valid_until=dt.date(2026, 4, 20))],
    )  # fmt: skip
    v = visits.record(db, Visit(shop["d"], T(2026, 4, 21, 0, 40), 3000), coupon_code=code)
    assert coupons.find(db, code).redeemed_visit_id == v.id


def test_analytics_until_includes_the_evening_after_midnight(db, shop):
    loaded = arrays.load_visits(db, until=dt.date(2026, 3, 1))
    assert sorted(loaded.amount.tolist()) == [1500, 3000, 4000]
