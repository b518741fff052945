"""BG/NBD and Gamma-Gamma: the published numbers, stability, parameter recovery, tiny shops."""

from __future__ import annotations

import datetime as dt
import math
import warnings

import numpy as np
import pytest
from scipy import special

from shopcrm import i18n
from shopcrm.services import clv
from shopcrm.store import arrays

# Fader, Hardie & Lee (2005), CDNOW sample, weeks: r=0.243, alpha=4.414, a=0.793, b=2.426.
PAPER = (0.243, 4.414, 0.793, 2.426)
# The same estimates to more digits (Fader & Hardie's spreadsheet of the paper's fit); the paper's
# E[X(1)] and E[X(78)] are printed from these.
PAPER_FULL = (0.242594, 4.41359, 0.792919, 2.425895)


def test_probability_of_no_purchase_in_39_weeks():
    # (alpha / (alpha + 39))^r = (4.414 / 43.414)^0.243
    assert clv.prob_no_purchase(PAPER, 39) == pytest.approx(0.5737864, abs=5e-7)


def test_expected_purchases_of_a_new_customer():
    assert round(clv.expected_purchases(PAPER_FULL, 1), 4) == 0.0532
    assert round(clv.expected_purchases(PAPER_FULL, 78), 3) == 1.858
    # the rounded parameters of the brief land within their rounding of the same values
    # (0.05327 and 1.8605)
    assert clv.expected_purchases(PAPER, 1) == pytest.approx(0.0532, abs=1e-4)
    assert clv.expected_purchases(PAPER, 78) == pytest.approx(1.858, abs=0.003)


def test_conditional_expectation_of_the_papers_customer():
    # x = 2, t_x = 30.43, T = 38.86: 1.226 purchases in the next 39 weeks
    value = clv.conditional_expected(PAPER, 39, 2, 30.43, 38.86)
    assert round(float(value), 3) == 1.226


def test_log_likelihood_matches_the_direct_formula():
    r, alpha, a, b = PAPER
    for x, t_x, T in ((0, 0.0, 30.0), (1, 10.0, 30.0), (5, 25.0, 38.0)):
        direct = (
            special.beta(a, b + x)
            / special.beta(a, b)
            * special.gamma(r + x)
            * alpha**r
            / (special.gamma(r) * (alpha + T) ** (r + x))
        )
        if x > 0:
            direct += (
                special.beta(a + 1, b + x - 1)
                / special.beta(a, b)
                * special.gamma(r + x)
                * alpha**r
                / (special.gamma(r) * (alpha + t_x) ** (r + x))
            )
        ll = clv.bgnbd_log_likelihood(PAPER, [x], [t_x], [T])[0]
        assert ll == pytest.approx(math.log(direct), rel=1e-10)


def test_heavy_buyers_stay_finite():
    x = np.array([0, 1, 150, 600, 3000])
    t_x = np.array([0.0, 5.0, 103.5, 103.0, 103.9])
    T = np.full(5, 104.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ll = clv.bgnbd_log_likelihood(PAPER, x, t_x, T)
        alive = clv.p_alive(PAPER, x, t_x, T)
        future = clv.conditional_expected(PAPER, 52, x, t_x, T)
        spend = clv.gg_expected_spend((6.0, 3.0, 15.0), np.maximum(x, 1), np.full(5, 30.0))
    for arr in (ll, alive, future, spend):
        assert np.all(np.isfinite(arr))
    assert np.all((alive >= 0) & (alive <= 1))
    assert np.all(future >= 0)
    # someone who came 150 times, the last time half a week ago: alive and coming back often
    assert alive[2] > 0.5 and future[2] > 10


def test_analytic_gradients_match_finite_differences():
    from scipy.optimize import approx_fprime

    rng = np.random.default_rng(2)
    x, t_x, T = clv.simulate_bgnbd(rng, 300, PAPER, rng.uniform(30, 80, 300))
    neg_ll, _scale, _data = clv.bgnbd_objective(x, t_x, T)
    rep = x > 0
    gg_ll, _gg_scale = clv.gamma_gamma_objective(
        x[rep], clv.simulate_gamma_gamma(rng, x[rep], (6.0, 3.5, 15.0))
    )
    for objective, point in (
        (neg_ll, np.log([0.3, 0.2, 0.8, 2.5])),
        (neg_ll, np.log([1.5, 3.0, 2.0, 0.7])),
        (gg_ll, np.log([2.0, 3.0, 0.5])),
    ):
        numeric = approx_fprime(point, lambda p, f=objective: f(p)[0], 1e-6)
        assert objective(point)[1] == pytest.approx(numeric, rel=1e-4, abs=1e-3)


def test_fit_recovers_simulated_parameters():
    rng = np.random.default_rng(3)
    x, t_x, T = clv.simulate_bgnbd(rng, 5000, PAPER, rng.uniform(30, 80, 5000))
    fit, ok = clv.fit_bgnbd(x, t_x, T)
    assert ok
    # r and alpha are sharply identified; a and b (dropout) less so with 5,000 customers
    assert fit.r == pytest.approx(PAPER[0], rel=0.10)
    assert fit.alpha == pytest.approx(PAPER[1], rel=0.10)
    assert fit.a == pytest.approx(PAPER[2], rel=0.35)
    assert fit.b == pytest.approx(PAPER[3], rel=0.35)
    # the fitted maximum beats the true parameters' likelihood (it is a maximum)
    assert fit.log_likelihood >= clv.bgnbd_log_likelihood(PAPER, x, t_x, T).sum() - 1e-6


def test_gamma_gamma_recovers_simulated_parameters():
    rng = np.random.default_rng(5)
    true = (6.25, 3.74, 15.44)
    x = rng.integers(1, 30, size=5000).astype(float)
    m = clv.simulate_gamma_gamma(rng, x, true)
    fit, ok = clv.fit_gamma_gamma(x, m)
    assert ok
    assert fit.q == pytest.approx(true[1], rel=0.10)
    assert fit.p == pytest.approx(true[0], rel=0.20)
    assert fit.gamma == pytest.approx(true[2], rel=0.25)
    # the population mean spend p * gamma / (q - 1) within 3 %
    assert fit.p * fit.gamma / (fit.q - 1) == pytest.approx(
        true[0] * true[2] / (true[1] - 1), rel=0.03
    )


def test_rft_merges_same_day_visits_and_counts_weeks():
    # customer 1: 2026-01-01 twice (one visit day), 2026-01-15; customer 2: one day
    d = arrays.day_number
    visits = arrays.VisitArrays(
        np.array([1, 1, 1, 2]),
        np.array([d(dt.date(2026, 1, 1))] * 2 + [d(dt.date(2026, 1, 15)), d(dt.date(2026, 1, 8))]),
        np.array([1000, 500, 3000, 2000]),
        np.ones(4, dtype=np.int64),
    )
    rft = clv.rft_from_visits(visits, dt.date(2026, 1, 29))
    assert rft.x.tolist() == [1, 0]
    assert rft.t_x.tolist() == [2.0, 0.0]  # 14 days
    assert rft.T.tolist() == [4.0, 3.0]  # 28 and 21 days
    assert rft.m.tolist() == [3000, 0]  # mean of repeat days only
    assert rft.total.tolist() == [4500, 2000]


def _simulated_shop(db, n=400, seed=11, as_of=dt.date(2026, 11, 30)):
    """Customers drawn from the BG/NBD story (days), written as visits."""
    rng = np.random.default_rng(seed)
    ids = arrays.insert_customers_bulk(db, [f"guest{i}" for i in range(n)])
    end = arrays.day_number(as_of)
    rows = []
    for cid in ids:
        first = end - int(rng.integers(60, 500))
        lam = rng.gamma(0.8, 1 / 20.0)  # visits per day while active
        p = rng.beta(1.5, 6.0)
        t, spend = first, rng.gamma(4, 1000)
        while t <= end:
            at = arrays.day_to_date(int(t)).isoformat()
            rows.append((cid, f"{at} 19:00:00", int(rng.gamma(8, spend / 8)), 2))
            if rng.random() < p:
                break
            t += max(1, int(rng.exponential(1 / lam)))
    arrays.insert_visits_bulk(db, rows)
    return ids


def test_fit_shop_predicts_every_guest(db):
    as_of = dt.date(2026, 11, 30)
    _simulated_shop(db, as_of=as_of)
    result = clv.fit_shop(db, as_of=as_of)
    assert result.ok, result.message
    assert result.customers == 400 and len(result.predictions) == 400
    p = result.predictions[0]
    assert 0 <= p.p_alive <= 1 and p.expected_visits_12m >= 0 and p.expected_value >= 0
    assert p.name.startswith("guest")
    # a next visit is shown as a range from the as-of day on, or as "overdue since" a past day
    for q in preds_with_dates(result):
        if q.overdue_since:
            assert dt.date.fromisoformat(q.overdue_since) <= as_of and not q.next_visit_due
        else:
            due, until = map(dt.date.fromisoformat, (q.next_visit_due, q.next_visit_until))
            assert as_of < due <= until <= as_of + dt.timedelta(weeks=52)
    assert preds_with_dates(result)
    out = result.to_json()
    assert set(out) == {"bgnbd", "gamma_gamma", "model", "model_check", "customers", "predictions"}
    assert set(out["bgnbd"]) == {"r", "alpha", "a", "b", "time_unit", "log_likelihood"}
    assert out["bgnbd"]["time_unit"] == "weeks"
    # value = visits x spend x margin (65 %)
    assert p.expected_value == pytest.approx(p.expected_visits_12m * p.expected_spend * 0.65, abs=2)
    # frequent recent guests are more likely alive than guests who stopped long ago
    preds = result.predictions
    recent = [q.p_alive for q in preds if q.frequency >= 3 and q.age_weeks - q.recency_weeks < 4]
    gone = [q.p_alive for q in preds if q.frequency >= 3 and q.age_weeks - q.recency_weeks > 30]
    assert recent and gone and np.mean(recent) > np.mean(gone)


def preds_with_dates(result):
    return [q for q in result.predictions if q.next_visit_due or q.overdue_since]


def test_fit_uses_visits_up_to_the_as_of_day_only(db):
    _simulated_shop(db)
    early = clv.fit_shop(db, as_of=dt.date(2026, 6, 30))
    late = clv.fit_shop(db, as_of=dt.date(2026, 11, 30))
    assert early.customers < late.customers


def test_tiny_shop_says_not_enough_data(db):
    ids = arrays.insert_customers_bulk(db, ["一人", "二人"])
    arrays.insert_visits_bulk(
        db,
        [
            (ids[0], "2026-01-05 19:00:00", 3000, 1),
            (ids[0], "2026-02-05 19:00:00", 3000, 1),
            (ids[1], "2026-01-07 19:00:00", 3000, 1),
        ],
    )
    result = clv.fit_shop(db, as_of=dt.date(2026, 3, 1))
    assert result.status == "not_enough_data" and not result.predictions
    assert "1 guests have come back" in result.message and "30" in result.message
    i18n.set_language("ja")
    assert "足りません" in result.message
    out = result.to_json()
    assert out["bgnbd"] is None and out["predictions"] == [] and out["status"] == "not_enough_data"


def test_at_risk_lists_valuable_guests_unlikely_to_return():
    def pred(cid, total, alive, freq=3):
        return clv.Prediction(cid, "", freq, 10.0, 50.0, total, alive, 1.0, 3000, 2000, None)

    result = clv.ClvResult(
        "ok",
        predictions=[
            pred(1, 100000, 0.2),  # valuable, probably gone -> listed
            pred(2, 90000, 0.9),  # valuable, still active -> not listed
            pred(3, 1000, 0.1),  # gone, but spent little -> not listed
            pred(4, 95000, 0.4),  # listed, after 1
            pred(5, 500000, 0.1, freq=0),  # one-time guest: no repeat behaviour -> not listed
            clv.Prediction(6, "", 9, 10.0, 80.0, 99000, 0.0, 0.0, 3000, 0, None),  # 70 weeks ago
        ]
        + [pred(10 + i, 2000, 0.9) for i in range(8)],
    )
    # guest 6 last came 70 weeks ago: gone rather than at risk
    assert [p.customer_id for p in clv.at_risk(result)] == [1, 4]
    assert [p.customer_id for p in clv.at_risk(result, within_weeks=100)] == [1, 6, 4]
    assert clv.at_risk(clv.ClvResult("not_enough_data")) == []


def test_send_winback_issues_coupons(db):
    campaigns = pytest.importorskip("shopcrm.services.campaigns")
    if "customer_ids" not in campaigns.issue.__code__.co_varnames:
        pytest.skip("services.campaigns.issue(customer_ids=...) not there yet")
    ids = arrays.insert_customers_bulk(db, ["戻って", "ほしい", "同意なし"])
    # DM consent rules apply to win-back coupons too: the third guest has not consented
    db.execute("UPDATE customers SET dm_consent = 1 WHERE id IN (?, ?)", ids[:2])
    db.conn.commit()
    result = clv.send_winback(db, ids, today=dt.date(2026, 11, 23))
    assert sorted(c.customer_id for c in result.issued) == ids[:2]
    assert [s.customer_id for s in result.skipped] == ids[2:]
