"""The BG/NBD and Gamma-Gamma models themselves: likelihoods, predictions, maximum-likelihood fits.

BG/NBD (Fader, Hardie & Lee 2005): while active a guest visits as a Poisson process with rate
lambda ~ Gamma(r, alpha); after each visit they drop out with probability p ~ Beta(a, b).
Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV"): spend per visit is Gamma(p, nu) with
nu ~ Gamma(q, gamma). Time in weeks; (x, t_x, T) as in ``services.clv``, which fits them on the
shop's visits (and re-exports these names). Its own module so ``services.clv_models`` (the other
visit models) can use BG/NBD without importing ``clv``, which imports it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special


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
    # an objective that was never finite (log 0 of a ¥0 bill, say) leaves L-BFGS-B at its start
    # values with "success": that is a failure, never a fit
    finite = bool(np.isfinite(res.fun) and res.fun < 1e299 and np.all(np.isfinite(res.x)))
    return np.exp(res.x), float(-res.fun), bool(res.success and finite and not at_bound)


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
    with np.errstate(divide="ignore", invalid="ignore"):  # a ¥0 mean: -inf, caught below
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
    with np.errstate(divide="ignore", invalid="ignore"):
        full = float(np.sum(gg_log_likelihood((p, q, g), x, m)))
    ok = bool(ok and q > 1 and np.isfinite(full) and np.all(np.isfinite((p, q, g))))
    return GammaGamma(float(p), float(q), float(g), full), ok
