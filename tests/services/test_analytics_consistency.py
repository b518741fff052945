"""Figures that sit side by side agree: monthly rows and totals, the returning-share tile and its
bars, the LTV formula and the shop's own retention and history (real SQLite file)."""

from __future__ import annotations

import datetime as dt

import pytest

from shopcrm.services import analytics, charts
from shopcrm.store import arrays, settings
from tests.services.test_analytics import AS_OF, build_hand_shop

D = dt.date


def test_a_mid_month_period_start_gives_monthly_rows_that_add_up_to_the_totals(db):
    build_hand_shop(db)
    data = analytics.load(db, today=AS_OF)
    start, end = D(2026, 1, 15), AS_OF
    rows = analytics.monthly(data, start, end)
    totals = analytics.totals(data, start, end)
    assert [r.month for r in rows] == ["2026-01", "2026-02", "2026-03"]
    assert sum(r.visits for r in rows) == totals["visits"]
    assert sum(r.revenue for r in rows) == totals["revenue"]
    assert sum(r.guests for r in rows) == totals["guests"]
    assert sum(r.new_customers for r in rows) == totals["new_customers"]
    # January counts from the 15th: A's bill of 20 Jan only (A and B first came before the 15th,
    # so neither is new in this period)
    jan = rows[0]
    assert (jan.visits, jan.new_customers, jan.returning_customers) == (1, 0, 1)
    whole = analytics.monthly(data, D(2026, 1, 1), end)[0]
    assert whole.visits == 4 and whole.new_customers == 2


def test_the_returning_share_tile_agrees_with_its_monthly_bars(db):
    build_hand_shop(db)
    data = analytics.load(db, today=AS_OF)
    board = analytics.dashboard(data, D(2026, 1, 1), AS_OF)
    shares = [r.returning_share for r in board.months if r.returning_share is not None]
    tile = board.totals["returning_share"]
    # guest-months: Jan 0 of 2, Feb 1 of 2, Mar 1 of 1 -> 2 of 5
    assert tile == pytest.approx(2 / 5)
    assert min(shares) <= tile <= max(shares)
    assert board.totals["months"] == 3
    # the anonymous bill of February is revenue, but no guest's: the deciles leave it out
    assert board.totals["anonymous_revenue"] == 1500
    assert sum(r.revenue for r in board.deciles) == board.totals["revenue"] - 1500


RETENTION_SHOP = {
    "P": ["2024-03-01", "2025-05-01", "2026-05-01"],
    "Q": ["2024-06-01", "2025-06-01"],
    "R": ["2025-03-01", "2026-02-01"],
    "S": ["2025-07-01"],
    "T": ["2026-04-01", "2026-06-01"],
}


def test_ltv_from_the_shops_own_retention_beside_its_history(db):
    ids = arrays.insert_customers_bulk(db, list(RETENTION_SHOP))
    rows = [
        (cid, f"{day} 19:00:00", 4000, 1)
        for cid, days in zip(ids, RETENTION_SHOP.values(), strict=True)
        for day in days
    ]
    arrays.insert_visits_bulk(db, rows)
    settings.set(db, "gross_margin_percent", 50.0)
    settings.set(db, "discount_rate_percent", 10.0)
    settings.set(db, "ltv_years", 3)
    ltv = analytics.classic_ltv(analytics.load(db, today=D(2026, 12, 31)))
    # last 365 days: P, R, T twice -> 4 bills of ¥4,000, 3 guests: 1.33 visits a year
    assert (ltv.spend_per_visit, ltv.visits_per_year) == (4000, 1.33)
    assert ltv.annual_profit == 2660  # 4000 x 1.33 x 0.5
    # guests of 2025 (P, Q, R, S) who came again in 2026: P and R -> 50 %, two years expected
    assert ltv.retention == 0.5 and ltv.expected_years == 2.0
    # 2660 x (1 + 0.5/1.1 + (0.5/1.1)^2 + ...) = 2660 x 1.1 / 0.6 = 4876.7
    assert ltv.ltv_observed == 4877 and ltv.headline == 4877
    # the set three years, an assumption: 2660 + 2418.2 + 2198.3 = 7276.5
    assert ltv.ltv == 7277
    # horizon: two whole years of history; P and Q are old enough, each brought ¥2,000 profit
    # in year 0 and ¥2,000 / 1.1 in year 1 -> ¥3,818; the formula over 2 years: 2660 x (1 +
    # 0.5 / 1.1) = 3869
    assert ltv.horizon_years == 2 and ltv.historical_customers == 2
    assert ltv.historical_at_horizon == 3818 and ltv.formula_at_horizon == 3869
    text = charts.ltv_formula_text(ltv)
    # the sentence multiplies out: every number in it is the one computed with
    assert "¥4,000 per visit × 1.33 visits a year × gross margin 50% = ¥2,660 a year" in text
    assert "50% of a year's guests come again the next year" in text
    assert "¥4,877" in text and "¥7,277" in text and "¥3,818" in text


def test_a_fraction_of_visits_is_printed_as_computed(db):
    ltv = analytics.ClassicLtv(3000, 5.85, 0.65, 0.1, 3, 11408, 31000, [11408, 10371, 9428])
    text = charts.ltv_formula_text(ltv)
    assert "5.85 visits a year" in text and "5.8 " not in text
