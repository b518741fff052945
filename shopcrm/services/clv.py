"""Each guest's predicted value: BG/NBD and Gamma-Gamma models fitted on the shop's own visits.

BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while active a guest
visits as a Poisson process with rate lambda ~ Gamma(r, alpha); after each visit they drop out
with probability p ~ Beta(a, b). Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV"): a guest's
spend per visit is Gamma(p, nu) with nu ~ Gamma(q, gamma), independent of the visit process.

Conventions here:
- Same-day bills are merged into one visit day (amounts summed); *frequency* x = visit days after
  the first one (repeat days); t_x = last visit day - first visit day; T = as-of date - first
  visit day. Time is in **weeks** (days / 7).
- Gamma-Gamma is fitted on the customers with x >= 1; m_x = the mean spend of their repeat days.
- Per guest: P(alive); expected visits in the next 52 weeks (12 months); expected spend per visit
  (Gamma-Gamma conditional mean); expected value = expected visits x expected spend x gross
  margin (gross profit of the next 12 months, not discounted: one year); "next visit due" = last
  visit + 1 / E[lambda | alive], where lambda | alive ~ Gamma(r + x, alpha + T).
- Likelihoods are evaluated in log space (gammaln, betaln, log-sum-exp), the hypergeometric term
  of the conditional expectation through Euler's transformation, so a guest with hundreds of
  visits neither overflows nor loses precision. Maximum likelihood: L-BFGS-B on the parameters'
  logarithms with analytic gradients.
- Too little data (fewer than ``MIN_REPEAT_CUSTOMERS`` guests with repeat visits) or a fit that
  did not converge gives ``status == "not_enough_data"`` and a translated ``message`` instead of
  numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, special
from sqlite_utils import Database

from shopcrm.i18n import N_, _
from shopcrm.store import analytics as store
from shopcrm.store import settings

MIN_REPEAT_CUSTOMERS = 30
HORIZON_WEEKS = 52.0
AT_RISK_P_ALIVE = 0.5
AT_RISK_VALUE_QUANTILE = 0.75
AT_RISK_WITHIN_WEEKS = 52.0


@dataclass(frozen=True)
class BgNbd:
    r: float
    alpha: float
    a: float
    b: float
    time_unit: str = "weeks"
    log_likelihood: float | None = None


@dataclass(frozen=True)
class GammaGamma:
    p: float
    q: float
    gamma: float
    log_likelihood: float | None = None


# --- BG/NBD formulas -------------------------------------------------------------------------


def bgnbd_log_likelihood(params, x, t_x, T) -> np.ndarray:
    """Per-customer log-likelihood (Fader, Hardie & Lee 2005, eq. 6), in log-sum-exp form."""
    r, alpha, a, b = params
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = special.betaln(a, b + x) - special.betaln(a, b) - (r + x) * np.log(alpha + T)
    has = x > 0
    a3 = np.full_like(x, -np.inf)
    xr = x[has]
    a3[has] = (
        special.betaln(a + 1, b + xr - 1)
        - special.betaln(a, b)
        - (r + xr) * np.log(alpha + t_x[has])
    )
    return a1 + np.logaddexp(a2, a3)


def prob_no_purchase(params, t) -> float:
    """P(X(t) = 0) for a new customer: (alpha / (alpha + t))^r (the NBD part; dropout needs a
    purchase first)."""
    r, alpha, _a, _b = params
    return float(np.exp(r * (np.log(alpha) - np.log(alpha + t))))


def _euler_term(r, alpha_t, a, b, x, t):
    """((alpha_t)/(alpha_t + t))^(r+x) * 2F1(r+x, b+x; a+b+x-1; z), z = t/(alpha_t + t), computed as
    (1-z)^(a-1) * 2F1(a+b-1-r, a-1; a+b+x-1; z) (Euler's transformation): bounded for any x."""
    z = t / (alpha_t + t)
    return (1 - z) ** (a - 1) * special.hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)


def expected_purchases(params, t) -> float:
    """E[X(t)] for a new customer (eq. 9)."""
    r, alpha, a, b = params
    return float((a + b - 1) / (a - 1) * (1 - _euler_term(r, alpha, a, b, 0.0, t)))


def p_alive(params, x, t_x, T) -> np.ndarray:
    """P(still active | x, t_x, T)."""
    r, alpha, a, b = params
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    with np.errstate(divide="ignore"):
        log_term = (
            np.log(a)
            - np.log(np.maximum(b + x - 1, 1e-300))
            + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
        )
    return np.where(x > 0, special.expit(-log_term), 1.0)


def conditional_expected(params, t, x, t_x, T) -> np.ndarray:
    """E[Y(t) | x, t_x, T]: expected purchases in the next ``t`` (eq. 10)."""
    r, alpha, a, b = params
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    head = (a + b + x - 1) / (a - 1) * (1 - _euler_term(r, alpha + T, a, b, x, t))
    return head * p_alive(params, x, t_x, T)


# --- Gamma-Gamma formulas ------------------------------------------------------------------------


def gg_log_likelihood(params, x, m) -> np.ndarray:
    """Per-customer log-likelihood of the mean spend m of x repeat transactions."""
    p, q, g = params
    x, m = np.asarray(x, dtype=float), np.asarray(m, dtype=float)
    px = p * x
    return (
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(g)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(g + m * x)
    )


def gg_expected_spend(params, x, m) -> np.ndarray:
    """E[spend per visit | x, m] = p (gamma + x m) / (p x + q - 1) (needs q > 1)."""
    p, q, g = params
    x, m = np.asarray(x, dtype=float), np.asarray(m, dtype=float)
    return p * (g + x * m) / (p * x + q - 1)


# --- fitting --------------------------------------------------------------------------------------


def _fit(neg_ll, start, bounds=(-12.0, 12.0)):
    """Minimise ``neg_ll(log_params) -> (value, gradient)`` with L-BFGS-B on log parameters."""
    res = optimize.minimize(
        neg_ll,
        np.log(start),
        jac=True,
        method="L-BFGS-B",
        bounds=[bounds] * len(start),
        options={"maxiter": 500},
    )
    at_bound = np.any(np.abs(np.abs(res.x) - bounds[1]) < 1e-3)
    return np.exp(res.x), float(-res.fun), bool(res.success and not at_bound)


_BAD = (1e300, np.zeros(4))


def _dot(a, b) -> float:
    """Sum of products without BLAS: multithreaded BLAS on short vectors is slower, not faster
    (and much slower when the shop's PC is busy)."""
    return float(np.multiply(a, b).sum())


def bgnbd_objective(x, t_x, T, weights=None):
    """(neg_ll, scale, (x, t_x, T, w) compressed): ``neg_ll(log params on a time axis divided by
    scale) -> (value, gradient)``.

    The negative log-likelihood comes with its analytic gradient (digamma terms, weighted by each
    customer's share of the two likelihood branches), so L-BFGS-B needs one evaluation per step.
    """
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    # identical (x, t_x, T) rows add up; compress them so big shops fit fast
    key = np.stack([x, t_x, T], axis=1)
    uniq, inverse = np.unique(key, axis=0, return_inverse=True)
    # float weights: np.dot on int64 x float64 skips BLAS and is ten times slower
    w = np.bincount(inverse.ravel(), weights=weights, minlength=len(uniq)).astype(float)
    ux, utx, uT = (np.ascontiguousarray(col) for col in uniq.T)
    scale = float(np.mean(uT)) or 1.0  # fit on a scaled time axis for a well-conditioned problem
    tx_s, T_s = utx / scale, uT / scale

    # terms of x alone are shared by many customers: evaluate them once per distinct x
    xs, xi = np.unique(ux, return_inverse=True)
    has = ux > 0
    xh, wh, txh = ux[has], w[has], tx_s[has]
    xih = xi[has]
    xs_pos = np.maximum(xs, 1.0)  # b + x - 1 only matters where x >= 1

    def neg_ll(logp):
        r, alpha, a, b = np.exp(logp)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            bab = special.betaln(a, b)
            a1 = special.gammaln(r + xs) - special.gammaln(r) + r * np.log(alpha)
            b2 = special.betaln(a, b + xs) - bab
            b3 = special.betaln(a + 1, b + xs_pos - 1) - bab
            log_T = np.log(alpha + T_s)
            log_tx = np.log(alpha + txh)
            a2 = b2[xi] - (r + ux) * log_T
            a3 = b3[xih] - (r + xh) * log_tx
            top = a2.copy()
            top[has] = np.logaddexp(a2[has], a3)
            ll = a1[xi] + top
            total = float(_dot(w, ll))
            if not np.isfinite(total):
                return _BAD
            # branch weights: share of each customer's likelihood from "alive at T" (w2) and
            # "dropped out after the last purchase" (w3)
            w2 = np.exp(a2 - top)
            w3 = np.exp(a3 - top[has])
            psi_abx = special.digamma(a + b + xs)
            d_r = _dot(w, special.digamma(r + xs)[xi] - special.digamma(r) + np.log(alpha))
            d_r -= _dot(w * w2, log_T) + _dot(wh * w3, log_tx)
            d_alpha = np.sum(w) * r / alpha
            d_alpha -= _dot(w * w2, (r + ux) / (alpha + T_s))
            d_alpha -= _dot(wh * w3, (r + xh) / (alpha + txh))
            base_a = special.digamma(a) - special.digamma(a + b)
            base_b = special.digamma(b) - special.digamma(a + b)
            d_a = _dot(w * w2, (special.digamma(a) - psi_abx)[xi])
            d_a += _dot(wh * w3, (special.digamma(a + 1) - psi_abx)[xih])
            d_a -= np.sum(w) * base_a
            d_b = _dot(w * w2, (special.digamma(b + xs) - psi_abx)[xi])
            d_b += _dot(wh * w3, (special.digamma(b + xs_pos - 1) - psi_abx)[xih])
            d_b -= np.sum(w) * base_b
        grad = -np.array([d_r * r, d_alpha * alpha, d_a * a, d_b * b])
        if not np.all(np.isfinite(grad)):
            return _BAD
        return -total, grad

    return neg_ll, scale, (ux, utx, uT, w)


def fit_bgnbd(x, t_x, T, weights=None) -> tuple[BgNbd, bool]:
    """Maximum-likelihood BG/NBD parameters; the bool says whether the fit converged."""
    neg_ll, scale, (ux, utx, uT, w) = bgnbd_objective(x, t_x, T, weights)
    params, _ll, ok = _fit(neg_ll, np.array([1.0, 1.0, 1.0, 1.0]))
    r, alpha, a, b = params
    alpha *= scale  # undo the time scaling (alpha is the rate's scale in time units)
    full = float(_dot(w, bgnbd_log_likelihood((r, alpha, a, b), ux, utx, uT)))
    return BgNbd(float(r), float(alpha), float(a), float(b), "weeks", full), ok


def gamma_gamma_objective(x, m):
    """(neg_ll, scale): ``neg_ll(log params, spend divided by scale) -> (value, gradient)``."""
    x, m = np.asarray(x, dtype=float), np.asarray(m, dtype=float)
    scale = float(np.mean(m)) or 1.0
    ms = m / scale
    log_m, log_x = np.log(ms), np.log(x)

    def neg_ll(logp):
        p, q, g = np.exp(logp)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            px = p * x
            log_gmx = np.log(g + ms * x)
            total = float(np.sum(gg_log_likelihood((p, q, g), x, ms)))
            if not np.isfinite(total):
                return 1e300, np.zeros(3)
            psi_pxq = special.digamma(px + q)
            d_p = _dot(x, psi_pxq - special.digamma(px) + log_m + log_x - log_gmx)
            d_q = np.sum(psi_pxq - special.digamma(q) + np.log(g) - log_gmx)
            d_g = np.sum(q / g - (px + q) / (g + ms * x))
        grad = -np.array([d_p * p, d_q * q, d_g * g])
        if not np.all(np.isfinite(grad)):
            return 1e300, np.zeros(3)
        return -total, grad

    return neg_ll, scale


def fit_gamma_gamma(x, m) -> tuple[GammaGamma, bool]:
    """Maximum-likelihood Gamma-Gamma parameters over customers with x >= 1."""
    x, m = np.asarray(x, dtype=float), np.asarray(m, dtype=float)
    neg_ll, scale = gamma_gamma_objective(x, m)
    params, _ll, ok = _fit(neg_ll, np.array([1.0, 2.0, 1.0]))
    p, q, g = params
    g *= scale
    full = float(np.sum(gg_log_likelihood((p, q, g), x, m)))
    return GammaGamma(float(p), float(q), float(g), full), bool(ok and q > 1)


# --- per-customer data and predictions -----------------------------------------------------------


@dataclass
class Rft:
    """Recency-frequency-T per customer (weeks), plus spend, from visit days up to ``as_of``."""

    customer_id: np.ndarray
    x: np.ndarray  # repeat visit days
    t_x: np.ndarray  # weeks from first to last visit day
    T: np.ndarray  # weeks from first visit day to as_of
    m: np.ndarray  # mean spend of the repeat visit days (0 when x == 0)
    first_spend: np.ndarray  # spend of the first visit day
    total: np.ndarray  # all spend
    last_day: np.ndarray


def rft_from_visits(visits: store.VisitArrays, as_of: dt.date) -> Rft:
    end = store.day_number(as_of)
    keep = (visits.customer_id > 0) & (visits.day <= end)
    cid, day, amount = visits.customer_id[keep], visits.day[keep], visits.amount[keep]
    if not len(cid):
        z = np.zeros(0)
        return Rft(z.astype(np.int64), z, z, z, z, z, z, z.astype(np.int64))
    new_day = np.ones(len(cid), dtype=bool)
    new_day[1:] = (cid[1:] != cid[:-1]) | (day[1:] != day[:-1])
    starts = np.flatnonzero(new_day)
    d_cid, d_day, d_amt = cid[starts], day[starts], np.add.reduceat(amount, starts)
    ids, first_idx, n = np.unique(d_cid, return_index=True, return_counts=True)
    first, last = d_day[first_idx], d_day[first_idx + n - 1]
    total = np.add.reduceat(d_amt, first_idx).astype(float)
    first_spend = d_amt[first_idx].astype(float)
    x = (n - 1).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.where(x > 0, (total - first_spend) / np.maximum(x, 1), 0.0)
    return Rft(
        customer_id=ids,
        x=x,
        t_x=(last - first) / 7.0,
        T=(end - first) / 7.0,
        m=m,
        first_spend=first_spend,
        total=total,
        last_day=last,
    )


@dataclass
class Prediction:
    customer_id: int
    name: str
    frequency: int  # repeat visit days
    recency_weeks: float
    age_weeks: float
    total_spent: int
    p_alive: float
    expected_visits_12m: float
    expected_spend: int  # per visit, yen
    expected_value: int  # gross profit of the next 12 months, yen
    next_visit_due: str | None  # ISO date


@dataclass
class ClvResult:
    status: str  # "ok" or "not_enough_data"
    reason: str = ""  # msgid (English); ``message`` translates it
    reason_params: dict = field(default_factory=dict)
    bgnbd: BgNbd | None = None
    gamma_gamma: GammaGamma | None = None
    customers: int = 0
    repeat_customers: int = 0
    as_of: dt.date | None = None
    predictions: list[Prediction] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def message(self) -> str:
        return _(self.reason).format(**self.reason_params) if self.reason else ""

    def to_json(self) -> dict:
        def params(obj, keys):
            return None if obj is None else {k: getattr(obj, k) for k in keys}

        out = {
            "bgnbd": params(self.bgnbd, ("r", "alpha", "a", "b", "time_unit", "log_likelihood")),
            "gamma_gamma": params(self.gamma_gamma, ("p", "q", "gamma")),
            "customers": self.customers,
            "predictions": [p.__dict__ for p in self.predictions],
        }
        if not self.ok:
            out["status"] = self.status
            out["reason"] = self.message
        return out


NOT_ENOUGH = N_(
    "Not enough data for predictions yet: {n} guests have come back (at least {min} are needed)."
)
NOT_CONVERGED = N_("The model could not be fitted to this shop's visits yet (no stable estimate).")
NO_SPEND_MODEL = N_("Spend per visit varies too little or too much to model it yet.")


def predict(
    rft: Rft,
    *,
    as_of: dt.date,
    margin: float,
    names: dict[int, str] | None = None,
    min_repeat: int = MIN_REPEAT_CUSTOMERS,
) -> ClvResult:
    """Fit both models on ``rft`` and predict every customer."""
    n = len(rft.customer_id)
    repeat = int((rft.x > 0).sum())
    if repeat < min_repeat:
        return ClvResult(
            "not_enough_data",
            NOT_ENOUGH,
            {"n": repeat, "min": min_repeat},
            customers=n,
            repeat_customers=repeat,
            as_of=as_of,
        )
    bg, ok = fit_bgnbd(rft.x, rft.t_x, rft.T)
    if not ok or abs(bg.a - 1.0) < 1e-6:  # the expectations divide by a - 1
        return ClvResult(
            "not_enough_data", NOT_CONVERGED, customers=n, repeat_customers=repeat, as_of=as_of
        )
    rep = rft.x > 0
    gg, gg_ok = fit_gamma_gamma(rft.x[rep], rft.m[rep])
    if not gg_ok:
        return ClvResult(
            "not_enough_data",
            NO_SPEND_MODEL,
            bgnbd=bg,
            customers=n,
            repeat_customers=repeat,
            as_of=as_of,
        )
    params = (bg.r, bg.alpha, bg.a, bg.b)
    alive = p_alive(params, rft.x, rft.t_x, rft.T)
    visits = conditional_expected(params, HORIZON_WEEKS, rft.x, rft.t_x, rft.T)
    spend = np.where(
        rep,
        gg_expected_spend((gg.p, gg.q, gg.gamma), np.maximum(rft.x, 1), np.maximum(rft.m, 1e-9)),
        gg.p * gg.gamma / (gg.q - 1),
    )
    value = visits * spend * margin
    interval_days = 7.0 * (bg.alpha + rft.T) / (bg.r + rft.x)
    due = rft.last_day + np.round(interval_days).astype(np.int64)
    names = names or {}
    # whole columns first (numpy), then one plain-Python pass: fast for 50,000 guests
    due_text = np.datetime_as_string(due.astype("datetime64[D]"), unit="D").tolist()
    ids = rft.customer_id.tolist()
    columns = zip(
        ids,
        rft.x.astype(np.int64).tolist(),
        np.round(rft.t_x, 2).tolist(),
        np.round(rft.T, 2).tolist(),
        np.round(rft.total).astype(np.int64).tolist(),
        np.round(alive, 4).tolist(),
        np.round(visits, 3).tolist(),
        np.round(spend).astype(np.int64).tolist(),
        np.round(value).astype(np.int64).tolist(),
        due_text,
        strict=True,
    )
    preds = [Prediction(cid, names.get(cid, ""), *rest) for cid, *rest in columns]
    return ClvResult(
        "ok",
        bgnbd=bg,
        gamma_gamma=gg,
        customers=n,
        repeat_customers=repeat,
        as_of=as_of,
        predictions=preds,
    )


def fit_shop(db: Database, *, as_of: dt.date | None = None, with_names: bool = True) -> ClvResult:
    """Fit on the shop's visits up to and including ``as_of`` (default today) and predict."""
    as_of = as_of or dt.date.today()
    return fit_visits(db, store.load_visits(db, until=as_of), as_of, with_names=with_names)


def fit_visits(
    db: Database, visits: store.VisitArrays, as_of: dt.date, *, with_names: bool = True
) -> ClvResult:
    """Like ``fit_shop`` on visits already read (the dashboard reads them once for everything)."""
    rft = rft_from_visits(visits, as_of)
    margin = settings.get(db, "gross_margin_percent") / 100.0
    names = store.customer_names(db, rft.customer_id.tolist()) if with_names else None
    result = predict(rft, as_of=as_of, margin=margin, names=names)
    # Erased guests' visits shape the model (figures stay true), but no list shows them.
    erased = store.erased_customer_ids(db)
    if erased:
        result.predictions = [p for p in result.predictions if p.customer_id not in erased]
    return result


# --- at risk and win-back ------------------------------------------------------------------------


def at_risk(
    result: ClvResult,
    *,
    max_p_alive: float = AT_RISK_P_ALIVE,
    value_quantile: float = AT_RISK_VALUE_QUANTILE,
    within_weeks: float = AT_RISK_WITHIN_WEEKS,
    limit: int | None = 50,
) -> list[Prediction]:
    """Guests worth winning back: past spend in the top quarter of returning guests, P(alive)
    below one half, last visit within the past year (older ones are gone, not at risk); most
    valuable first."""
    if not result.ok or not result.predictions:
        return []
    repeaters = [p for p in result.predictions if p.frequency > 0]
    if not repeaters:
        return []
    threshold = float(np.quantile([p.total_spent for p in repeaters], value_quantile))
    rows = [
        p
        for p in repeaters
        if p.total_spent >= threshold
        and p.p_alive < max_p_alive
        and p.age_weeks - p.recency_weeks <= within_weeks
    ]
    rows.sort(key=lambda p: (-p.total_spent, p.customer_id))
    return rows[:limit] if limit else rows


def send_winback(db: Database, customer_ids: list[int], *, today: dt.date | None = None):
    """Issue the built-in win-back campaign's coupons to these guests (COUPONS' service)."""
    from shopcrm.services import campaigns

    return campaigns.issue(db, "winback", customer_ids=list(customer_ids), today=today)


# --- simulation (tests and benchmarks) -----------------------------------------------------------


def simulate_bgnbd(
    rng: np.random.Generator,
    n: int,
    params: tuple[float, float, float, float],
    T: np.ndarray | float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw (x, t_x, T) for ``n`` customers from the BG/NBD generative story."""
    r, alpha, a, b = params
    T = np.broadcast_to(np.asarray(T, dtype=float), (n,)).copy()
    lam = rng.gamma(r, 1.0 / alpha, size=n)
    p = rng.beta(a, b, size=n)
    x = np.zeros(n)
    t_x = np.zeros(n)
    t = np.zeros(n)
    active = np.ones(n, dtype=bool)
    while active.any():
        idx = np.flatnonzero(active)
        t[idx] += rng.exponential(1.0 / lam[idx])
        bought = t[idx] <= T[idx]
        done = idx[~bought]
        active[done] = False
        hit = idx[bought]
        x[hit] += 1
        t_x[hit] = t[hit]
        drop = rng.random(len(hit)) < p[hit]
        active[hit[drop]] = False
    return x, t_x, T


def simulate_gamma_gamma(
    rng: np.random.Generator, x: np.ndarray, params: tuple[float, float, float]
) -> np.ndarray:
    """Mean spend of ``x`` transactions per customer under the Gamma-Gamma model."""
    p, q, g = params
    nu = rng.gamma(q, 1.0 / g, size=len(x))
    return rng.gamma(p * x, 1.0 / nu) / x
