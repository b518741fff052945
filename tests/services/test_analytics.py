"""Every owner measure pinned on a small shop whose answers were worked out by hand.

The shop (gross margin 50 %, discount rate 10 %, 3 years), as of 2026-03-31 unless a test says
otherwise:

    A (channel 店頭クーポン)  2026-01-05 ¥3,000 (2 guests) + ¥1,000 (1) same day, 01-20 ¥4,000 (2),
                             03-10 ¥2,000 (1)
    B (Instagram)            2026-01-10 ¥5,000 (2), 2026-05-01 ¥6,000 (2)  <- after 03-31
    C (店頭クーポン)          2025-12-15 ¥2,000 (1), 2026-02-14 ¥3,000 (3)
    D (no channel)           2026-02-01 ¥1,000 (1), 2026-02-25 ¥2,000 (2)
    anonymous                2026-02-10 ¥1,500 (1)

Coupons: welcome (10 %, ¥80 per piece) to A issued 01-06 and redeemed on the ¥4,000 bill of 01-20,
to B issued 01-11 (never used), to D issued 02-02 and voided; winback (¥500 off, ¥0 per piece) to C
issued 02-01, redeemed on the ¥3,000 bill of 02-14. Mailings: welcome to A on 01-06 and to B on
01-11, winback to C on 02-01. Channel costs: 店頭クーポン 2026-01 ¥30,000, 2026-02 ¥10,000,
2026-04 ¥99,999; Instagram 2026-03 ¥8,000.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from shopcrm.domain.rules import ValidationError
from shopcrm.services import analytics
from shopcrm.store import arrays, settings

D = dt.date
AS_OF = D(2026, 3, 31)

VISITS = {
    "A": [
        ("2026-01-05 18:00:00", 3000, 2),
        ("2026-01-05 21:00:00", 1000, 1),
        ("2026-01-20 19:00:00", 4000, 2),
        ("2026-03-10 19:00:00", 2000, 1),
    ],
    "B": [("2026-01-10 19:00:00", 5000, 2), ("2026-05-01 19:00:00", 6000, 2)],
    "C": [("2025-12-15 19:00:00", 2000, 1), ("2026-02-14 19:00:00", 3000, 3)],
    "D": [("2026-02-01 19:00:00", 1000, 1), ("2026-02-25 19:00:00", 2000, 2)],
    None: [("2026-02-10 19:00:00", 1500, 1)],
}


def build_hand_shop(db) -> dict[str | None, int | None]:
    """The shop above; returns name -> customer id."""
    ch = arrays.channel_names(db)
    by_name = {v: k for k, v in ch.items()}
    ids = arrays.insert_customers_bulk(
        db,
        ["A", "B", "C", "D"],
        channel_ids=[by_name["店頭クーポン"], by_name["Instagram"], by_name["店頭クーポン"], None],
    )
    cust = dict(zip(["A", "B", "C", "D"], ids, strict=True))
    cust[None] = None
    rows = [
        (cust[name], at, amount, party) for name, vs in VISITS.items() for at, amount, party in vs
    ]
    arrays.insert_visits_bulk(db, rows)
    settings.set(db, "gross_margin_percent", 50.0)
    settings.set(db, "discount_rate_percent", 10.0)
    settings.set(db, "ltv_years", 3)

    def visit_id(name, at):
        return db.execute(
            "SELECT id FROM visits WHERE customer_id = ? AND visited_at = ?", [cust[name], at]
        ).fetchone()[0]

    camp = {r[1]: r[0] for r in db.execute("SELECT id, name FROM campaigns")}
    db.execute("UPDATE campaigns SET cost_per_piece = 80 WHERE name = 'welcome'")
    db.execute("UPDATE campaigns SET cost_per_piece = 0 WHERE name = 'winback'")
    coupons = [
        ("W-A", "welcome", "A", "2026-01-06 10:00:00", "2026-01-20 19:00:00"),
        ("W-B", "welcome", "B", "2026-01-11 10:00:00", None),
        ("W-D", "welcome", "D", "2026-02-02 10:00:00", None),
        ("B-C", "winback", "C", "2026-02-01 10:00:00", "2026-02-14 19:00:00"),
    ]
    for code, campaign, name, issued, redeemed in coupons:
        db.execute(
            "INSERT INTO coupons(code, campaign_id, customer_id, issued_at, valid_from,"
            " valid_until, redeemed_at, redeemed_visit_id, voided_at) VALUES (?,?,?,?,?,?,?,?,?)",
            [
                code,
                camp[campaign],
                cust[name],
                issued,
                issued[:10],
                "2026-12-31",
                redeemed,
                visit_id(name, redeemed) if redeemed else None,
                "2026-02-03 10:00:00" if code == "W-D" else None,
            ],
        )
    for name, campaign, sent in (
        ("A", "welcome", "2026-01-06 10:00:00"),
        ("B", "welcome", "2026-01-11 10:00:00"),
        ("C", "winback", "2026-02-01 10:00:00"),
    ):
        db.execute(
            "INSERT INTO mailings(customer_id, campaign_id, piece, sent_at) VALUES (?,?,?,?)",
            [cust[name], camp[campaign], "postcard", sent],
        )
    arrays.set_channel_cost(db, "店頭クーポン", "2026-01", 30000)
    arrays.set_channel_cost(db, "店頭クーポン", "2026-02", 10000)
    arrays.set_channel_cost(db, "店頭クーポン", "2026-04", 99999)
    arrays.set_channel_cost(db, "Instagram", "2026-03", 8000)
    db.conn.commit()
    return cust


@pytest.fixture
def shop(db):
    cust = build_hand_shop(db)
    return db, cust, analytics.load(db, today=AS_OF)


def test_load_reads_visits_up_to_the_as_of_day_sorted_by_customer(shop):
    _db, cust, data = shop
    # 11 bills in all, B's 2026-05-01 one is after the as-of day -> 10
    assert len(data.visits) == 10
    assert data.visits.customer_id.tolist() == sorted(data.visits.customer_id.tolist())
    # visit days: A 3 (two bills on 01-05 merged), B 1, C 2, D 2
    assert dict(zip(data.c_id.tolist(), data.c_days.tolist(), strict=True)) == {
        cust["A"]: 3,
        cust["B"]: 1,
        cust["C"]: 2,
        cust["D"]: 2,
    }
    assert data.c_total.tolist() == [10000, 5000, 5000, 3000]


def test_monthly_new_returning_spend(shop):
    _db, _cust, data = shop
    jan, feb, mar = analytics.monthly(data, D(2026, 1, 1), D(2026, 3, 31))
    # Jan: bills 3000+1000+4000 (A) + 5000 (B) = 4 bills, ¥13,000, guests 2+1+2+2 = 7;
    #      A and B both first came in Jan -> 2 new, 0 returning, share 0.
    assert (jan.month, jan.visits, jan.revenue, jan.guests) == ("2026-01", 4, 13000, 7)
    assert (jan.new_customers, jan.returning_customers, jan.returning_share) == (2, 0, 0.0)
    assert jan.spend_per_visit == 3250  # 13000 / 4
    assert jan.spend_per_person == 1857  # 13000 / 7 = 1857.1
    # Feb: C 3000 (3), D 1000 (1) + 2000 (2), anonymous 1500 (1): 4 bills, ¥7,500, 7 guests;
    #      C (first Dec) returning, D new -> share 1/2.
    assert (feb.visits, feb.revenue, feb.guests) == (4, 7500, 7)
    assert (feb.customers, feb.new_customers, feb.returning_customers) == (2, 1, 1)
    assert feb.returning_share == 0.5
    assert (feb.spend_per_visit, feb.spend_per_person) == (1875, 1071)
    # Mar: A 2000 -> 1 returning of 1
    assert (mar.visits, mar.revenue, mar.new_customers, mar.returning_share) == (1, 2000, 0, 1.0)


def test_second_visit_rate_counts_only_windows_that_have_passed(shop):
    _db, _cust, data = shop
    rows = {r.month: r for r in analytics.second_visit_rates(data, D(2025, 12, 1), AS_OF)}
    # Dec: C first 12-15, second 02-14 = 61 days later; all windows passed by 03-31.
    dec = rows["2025-12"]
    assert dec.eligible == {30: 1, 60: 1, 90: 1}
    assert dec.rate == {30: 0.0, 60: 0.0, 90: 1.0}
    # Jan: A (01-05, back 01-20: 15 days), B (01-10, never back). 30 and 60 days have passed for
    # both; 90 days (04-05, 04-10) not yet -> no rate.
    jan = rows["2026-01"]
    assert jan.rate[30] == 0.5 and jan.rate[60] == 0.5 and jan.rate[90] is None
    assert jan.eligible[90] == 0
    # Feb: D (02-01, back 02-25: 24 days); 30 days passed (03-03), 60 not (04-02).
    assert rows["2026-02"].rate == {30: 1.0, 60: None, 90: None}
    assert rows["2026-03"].new_customers == 0


def test_repeat_rate_over_a_period(shop):
    _db, _cust, data = shop
    # Dec..Mar visit days: A 3, B 1, C 2, D 2 -> 3 of 4 came on two or more days.
    assert analytics.repeat_rate(data, D(2025, 12, 1), AS_OF) == 0.75
    # Feb only: C 1 day, D 2 days -> 1 of 2.
    assert analytics.repeat_rate(data, D(2026, 2, 1), D(2026, 2, 28)) == 0.5
    # A's two bills on 01-05 are one visit day: Jan 5 only -> A has 1 day -> 0 of 1.
    assert analytics.repeat_rate(data, D(2026, 1, 5), D(2026, 1, 5)) == 0.0
    assert analytics.repeat_rate(data, D(2030, 1, 1), D(2030, 2, 1)) is None


def test_retention_cohorts(shop):
    _db, _cust, data = shop
    ret = analytics.retention(data, D(2025, 12, 1), AS_OF)
    assert ret.cohorts == ["2025-12", "2026-01", "2026-02", "2026-03"]
    assert ret.sizes == [1, 2, 1, 0]
    # Dec {C}: Dec yes, Jan no, Feb yes, Mar no
    assert ret.shares[0][:4] == [1.0, 0.0, 1.0, 0.0]
    # Jan {A, B}: Jan both, Feb none, Mar A; April not observed yet
    assert ret.shares[1][:4] == [1.0, 0.0, 0.5, None]
    # Feb {D}: Feb yes, Mar no
    assert ret.shares[2][:3] == [1.0, 0.0, None]
    assert all(v is None for v in ret.shares[3])


def test_historical_ltv_by_cohort_and_channel(shop):
    _db, _cust, data = shop
    cohorts = {c.label: c.values for c in analytics.ltv_by_cohort(data, D(2025, 12, 1), AS_OF)}
    # Dec {C}: 2000*0.5 = 1000; Feb adds 3000*0.5 -> 2500; observed up to age 3 (Mar)
    assert cohorts["2025-12"] == [1000, 1000, 2500, 2500]
    # Jan {A, B}: age 0: (8000 + 5000) * 0.5 / 2 = 3250; age 2 adds A's 2000 -> 3750
    assert cohorts["2026-01"] == [3250, 3250, 3750]
    channels = {c.label: c.values for c in analytics.ltv_by_channel(data)}
    # 店頭クーポン {A (ages 0..2), C (ages 0..3)}: age 0 (4000 + 1000) / 2 = 2500; age 1 adds
    # nothing; age 2 adds (A 2000 + C 3000) * 0.5 / 2 = 1250 -> 3750; age 3: only C is old
    # enough and spent nothing in March -> 3750 (a curve never falls)
    assert channels["店頭クーポン"] == [2500, 2500, 3750, 3750]
    assert channels["Instagram"] == [2500, 2500, 2500]
    assert channels[analytics.UNKNOWN_CHANNEL] == [1500, 1500]  # D: (1000 + 2000) * 0.5


def test_classic_ltv_shows_its_inputs(shop):
    _db, _cust, data = shop
    ltv = analytics.classic_ltv(data)
    # last 365 days, known customers: 9 bills, ¥23,000, 4 customers
    # spend 23000/9 = ¥2,556 (as shown); visits/year 9/4 = 2.25; annual profit from the shown
    # inputs, so the sentence multiplies out: 2556 * 2.25 * 0.5 = 2875.5
    # LTV = 2875.5 + 2875.5/1.1 + 2875.5/1.21 = 2875.5 + 2614.1 + 2376.4 = 7866.0
    assert ltv.spend_per_visit == 2556
    assert ltv.visits_per_year == 2.25
    assert (ltv.gross_margin, ltv.discount_rate, ltv.years) == (0.5, 0.1, 3)
    assert ltv.annual_profit == 2876
    assert ltv.yearly == [2876, 2614, 2376]
    assert ltv.ltv == 7866
    # no year of retention yet (the shop is younger than two years): the set years are all
    # there is, and the headline says so by being the assumption
    assert ltv.retention is None and ltv.ltv_observed is None and ltv.headline == 7866


def test_channels_cost_per_customer_and_ltv_to_cost(db):
    build_hand_shop(db)
    data = analytics.load(db, today=D(2027, 1, 31))
    rows = {r.channel: r for r in analytics.channels(data, D(2026, 1, 1), D(2026, 3, 31))}
    shop_coupon, insta, unknown = (
        rows["店頭クーポン"],
        rows["Instagram"],
        rows[analytics.UNKNOWN_CHANNEL],
    )
    # new in Jan..Mar: A (店頭クーポン; C first came in Dec), B (Instagram), D (none)
    assert (shop_coupon.new_customers, insta.new_customers, unknown.new_customers) == (1, 1, 1)
    # 90-day second visit: A back after 15 days; B after 111 days (01-10 -> 05-01); D after 24
    assert shop_coupon.second_visit_rate_90 == 1.0
    assert insta.second_visit_rate_90 == 0.0
    assert unknown.second_visit_rate_90 == 1.0
    # 12-month LTV over customers first seen by 2026-01-31: 店頭クーポン A 10000*0.5 = 5000,
    # C 5000*0.5 = 2500 -> 3750; Instagram B (5000 + 6000) * 0.5 = 5500; D too recent
    assert (shop_coupon.ltv_12m, shop_coupon.ltv_customers) == (3750, 2)
    assert insta.ltv_12m == 5500 and unknown.ltv_12m is None
    # costs of Jan..Mar: 30000 + 10000 (April's is outside) / 1 new; Instagram 8000 / 1
    assert (shop_coupon.cost, shop_coupon.cost_per_customer) == (40000, 40000)
    assert shop_coupon.ltv_to_cost == pytest.approx(3750 / 40000)
    assert (insta.cost, insta.cost_per_customer, insta.ltv_to_cost) == (8000, 8000, 0.6875)
    assert unknown.cost == 0 and unknown.cost_per_customer is None


def test_rfm_scores_and_segments():
    # R: <=30 days 5, <=60 4, <=90 3, <=180 2, else 1
    assert analytics.r_score(np.array([0, 30, 31, 60, 61, 90, 91, 180, 181, 999])).tolist() == [
        5,
        5,
        4,
        4,
        3,
        3,
        2,
        2,
        1,
        1,
    ]
    # F: 1 day 1, 2 -> 2, 3-4 -> 3, 5-9 -> 4, 10+ -> 5
    assert analytics.f_score(np.array([1, 2, 3, 4, 5, 9, 10, 50])).tolist() == [
        1,
        2,
        3,
        3,
        4,
        4,
        5,
        5,
    ]
    pairs = {
        (5, 5): "champions",
        (4, 4): "champions",
        (3, 4): "loyal",
        (5, 3): "loyal",
        (5, 1): "new",
        (4, 1): "new",
        (3, 1): "promising",
        (5, 2): "promising",
        (2, 5): "cannot_lose",
        (1, 5): "cannot_lose",
        (2, 4): "at_risk",
        (1, 3): "at_risk",
        (2, 2): "hibernating",
        (1, 1): "hibernating",
    }
    r, f = zip(*pairs, strict=True)
    assert analytics.segment_of(np.array(r), np.array(f)).tolist() == list(pairs.values())


def test_rfm_grid_and_segments_of_the_shop(shop):
    _db, _cust, data = shop
    grid, segs = analytics.segments(data)
    # as of 03-31: A last 03-10 (21 d, R5), 3 days (F3) -> loyal; B 01-10 (80 d, R3), F1 ->
    # promising; C 02-14 (45 d, R4), F2 -> promising; D 02-25 (34 d, R4), F2 -> promising
    assert grid[0][2] == 1 and grid[2][0] == 1 and grid[1][1] == 2
    assert sum(map(sum, grid)) == 4
    by = {s.segment: s for s in segs}
    assert by["loyal"].customers == 1 and by["loyal"].avg_spend == 10000
    assert by["promising"].customers == 3
    assert by["promising"].revenue == 13000  # 5000 + 5000 + 3000
    assert by["promising"].share == 0.75


def test_deciles_on_twenty_customers():
    # customers 1..20 spending 1000 * id each, one visit each on day 19900 (2024-06-26):
    # deciles of two customers;
    # top tenth = 20000 + 19000 = 39000 of 210000 = 18.57 %
    ids = np.arange(1, 21)
    visits = arrays.VisitArrays(ids, np.full(20, 19900), ids * 1000, np.ones(20, dtype=np.int64))
    data = analytics.build(
        visits, arrays.CustomerArrays(ids, np.zeros(20, dtype=np.int64)), as_of=D(2024, 10, 1)
    )
    rows = analytics.deciles(data, D(2024, 1, 1), D(2024, 12, 31))
    assert [r.customers for r in rows] == [2] * 10
    assert rows[0].revenue == 39000 and rows[0].share == pytest.approx(39000 / 210000)
    assert (rows[0].min_spend, rows[0].max_spend) == (19000, 20000)
    assert rows[9].revenue == 3000
    assert rows[9].cumulative_share == pytest.approx(1.0)


def test_deciles_of_the_shop_with_ties(shop):
    _db, _cust, data = shop
    rows = analytics.deciles(data, D(2025, 12, 1), AS_OF)
    # spends A 10000, B 5000, C 5000 (tie: lower id first), D 3000; decile = rank*10//4
    # -> ranks 0, 1, 2, 3 land in deciles 1, 3, 6, 8
    assert [r.customers for r in rows] == [1, 0, 1, 0, 0, 1, 0, 1, 0, 0]
    assert rows[0].share == pytest.approx(10000 / 23000)
    assert rows[1].share == 0.0 and rows[1].min_spend is None


def test_coupon_campaigns_roi(shop):
    _db, _cust, data = shop
    rows = {r.campaign: r for r in analytics.campaigns(data, D(2026, 1, 1), AS_OF)}
    w = rows["welcome"]
    # issued A, B (D's voided one left out); A redeemed on a ¥4,000 bill;
    # 10 % off a bill recorded after the discount: 4000 * 10 / 90 = 444;
    # 2 mailings * ¥80 = 160; ROI = (4000 * 0.5 - 604) / 604 = 2.311
    assert (w.issued, w.redeemed, w.redemption_rate) == (2, 1, 0.5)
    assert (w.revenue, w.discount, w.mailings, w.print_cost) == (4000, 444, 2, 160)
    assert w.roi == pytest.approx((2000 - 604) / 604)
    # DM response (30 days): A came back 14 days after the mailing, B did not -> 1 of 2
    assert (w.dm_responded, w.dm_response_rate) == (1, 0.5)
    b = rows["winback"]
    # ¥500 off a ¥3,000 bill, no print cost: ROI = (1500 - 500) / 500 = 2
    assert (b.issued, b.redeemed, b.revenue, b.discount, b.print_cost) == (1, 1, 3000, 500, 0)
    assert b.roi == 2.0
    assert "birthday" not in rows


def test_dm_response_within_n_days(shop):
    _db, _cust, data = shop
    rows = analytics.dm_response(data, D(2026, 1, 1), AS_OF, days=30)
    by = {r.campaign: r for r in rows}
    # A mailed 01-06, back 01-20 (14 days): yes; B mailed 01-11, nothing by 02-10: no;
    # C mailed 02-01, back 02-14: yes
    assert (by["welcome"].mailings, by["welcome"].responded, by["welcome"].rate) == (2, 1, 0.5)
    assert (by["winback"].responded, by["winback"].rate) == (1, 1.0)
    assert (by[""].mailings, by[""].responded) == (3, 2)
    # with a 10-day window A's visit (14 days) no longer counts
    assert {r.campaign: r.responded for r in analytics.dm_response(data, D(2026, 1, 1), AS_OF, 10)}[
        "welcome"
    ] == 0


def test_dashboard_and_summary_are_json_ready(shop):
    db, _cust, data = shop
    board = analytics.dashboard(data, D(2026, 1, 1), AS_OF)
    assert board.totals["visits"] == 9  # Jan 4 + Feb 4 + Mar 1
    assert board.totals["revenue"] == 22500
    assert board.totals["new_customers"] == 3 and board.totals["customers"] == 4
    from shopcrm.cli.common import to_json

    assert '"repeat_rate"' in to_json(board.to_dict())
    same = analytics.summary(db, D(2026, 1, 1), AS_OF)
    assert same.totals == board.totals


def test_empty_shop_gives_empty_measures_not_errors(db):
    board = analytics.summary(db, D(2026, 1, 1), D(2026, 3, 31))
    assert board.totals["visits"] == 0 and board.repeat_rate is None
    assert [m.new_customers for m in board.months] == [0, 0, 0]
    assert board.classic_ltv.ltv == 0
    assert all(d.customers == 0 for d in board.deciles)


def test_channel_cost_entry_validates(db):
    with pytest.raises(ValidationError) as err:
        arrays.set_channel_cost(db, "no such channel", "2026-01", 100)
    assert err.value.field == "channel"
    with pytest.raises(ValidationError) as err:
        arrays.set_channel_cost(db, "Instagram", "2026-13", 100)
    assert err.value.field == "month"
    with pytest.raises(ValidationError) as err:
        arrays.set_channel_cost(db, "Instagram", "2026-01", -1)
    assert err.value.field == "amount"
    arrays.set_channel_cost(db, "Instagram", "2026-01", 100)
    arrays.set_channel_cost(db, "Instagram", "2026-01", 250)  # replaces
    assert [c[1:] for c in arrays.channel_costs(db)] == [("2026-01", 250)]


def test_packed_visit_read_keeps_every_value_exactly(db):
    """The read packs (customer, day) and (amount, party) into one integer each: the extremes a
    shop can store come back unchanged (party 99, a ¥12,345,678 bill, a 1900 date, anonymous)."""
    ids = arrays.insert_customers_bulk(db, ["X", "Y"])
    rows = [
        (ids[1], "2026-11-23 23:59:59", 12_345_678, 99),
        (ids[0], "1900-01-01 12:00:00", 0, 1),
        (None, "2026-11-23 18:00:00", 500, 3),
        (ids[1], "2026-11-24 05:00:00", 1, 1),  # after the as-of business day: left out
        (ids[0], "2026-02-28 19:00:00", 3000, 2),
    ]
    arrays.insert_visits_bulk(db, rows)
    v = arrays.load_visits(db, until=D(2026, 11, 23))
    got = list(
        zip(
            v.customer_id.tolist(), v.day.tolist(), v.amount.tolist(), v.party.tolist(), strict=True
        )
    )
    day = arrays.day_number
    assert got == [
        (0, day(D(2026, 11, 23)), 500, 3),
        (ids[0], day(D(1900, 1, 1)), 0, 1),
        (ids[0], day(D(2026, 2, 28)), 3000, 2),
        (ids[1], day(D(2026, 11, 23)), 12_345_678, 99),
    ]
    assert all(a.dtype == np.int64 for a in (v.customer_id, v.day, v.amount, v.party))
