"""The visit models next to BG/NBD: MBG/NBD and Pareto/NBD, and one interface over all three.

BG/NBD (``services.bgnbd``) lets a guest drop out only *after a repeat visit*, so every guest who
came once has P(active) = 1 however long ago that was. Two models fix this:

- **MBG/NBD** (Batislam, Denizel & Filiztekin 2007): a guest may drop out after *any* visit, the
  first included, with probability p ~ Beta(a, b); visits while active are Poisson(lambda),
  lambda ~ Gamma(r, alpha).
- **Pareto/NBD** (Schmittlein, Morrison & Colombo 1987; Fader & Hardie's 2005 note for the
  likelihood): visits Poisson(lambda), lambda ~ Gamma(r, alpha), while active; the lifetime is
  exponential with rate mu ~ Gamma(s, beta), independent of the visits.

Every function takes (x, t_x, T) in weeks (x = repeat visit days) like ``services.clv``; the
likelihoods work in log space (log-sum-exp), the hypergeometric terms through Euler's
transformation, so heavy regulars neither overflow nor lose precision. Maximum likelihood:
L-BFGS-B on the parameters' logarithms, on a time axis scaled to the guests' mean age; identical
(x, t_x, T) rows are fitted once with their count as weight.

``VisitModel`` wraps a fitted model of any kind so the predictions, the holdout check and the
screens do not care which one was chosen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from shopcrm.i18n import N_
from shopcrm.services import bgnbd

KINDS = ("bgnbd", "mbgnbd", "pareto")
MODEL_LABELS = {
    "bgnbd": N_("BG/NBD"),
    "mbgnbd": N_("MBG/NBD"),
    "pareto": N_("Pareto/NBD"),
}
PARAM_NAMES = {
    "bgnbd": ("r", "alpha", "a", "b"),
    "mbgnbd": ("r", "alpha", "a", "b"),
    "pareto": ("r", "alpha", "s", "beta"),
}


def _arrays(*values):
    return tuple(np.asarray(v, dtype=float) for v in values)


# --- MBG/NBD -------------------------------------------------------------------------------------


def mbgnbd_log_likelihood(params, x, t_x, T) -> np.ndarray:
    """Per-customer log-likelihood (Batislam et al. 2007, eq. 4)."""
    r, alpha, a, b = params
    x, t_x, T = _arrays(x, t_x, T)
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    bab = special.betaln(a, b)
    alive = special.betaln(a, b + x + 1) - bab - (r + x) * np.log(alpha + T)
    dropped = special.betaln(a + 1, b + x) - bab - (r + x) * np.log(alpha + t_x)
    return a1 + np.logaddexp(alive, dropped)


def mbgnbd_p_alive(params, x, t_x, T) -> np.ndarray:
    r, alpha, a, b = params
    x, t_x, T = _arrays(x, t_x, T)
    log_odds = np.log(a) - np.log(b + x) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
    return special.expit(-log_odds)


def _euler(r, alpha_t, a, b, x, t):
    """((alpha_t)/(alpha_t + t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z) by Euler's transformation."""
    z = t / (alpha_t + t)
    return (1 - z) ** (a - 1) * special.hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)


def mbgnbd_conditional_expected(params, t, x, t_x, T) -> np.ndarray:
    """E[Y(t) | x, t_x, T] (Wagner & Hoppe 2008): the BG/NBD form with b + 1 in place of b."""
    r, alpha, a, b = params
    x, t_x, T = _arrays(x, t_x, T)
    head = (a + b + x) / (a - 1) * (1 - _euler(r, alpha + T, a, b + 1, x, t))
    return head * mbgnbd_p_alive(params, x, t_x, T)


def mbgnbd_expected(params, t) -> float:
    """E[X(t)] for a new customer: b / (a - 1) (1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; .))."""
    r, alpha, a, b = params
    z = t / (alpha + t)
    return float(
        b / (a - 1) * (1 - (alpha / (alpha + t)) ** r * special.hyp2f1(r, b + 1, a + b, z))
    )


# --- Pareto/NBD ----------------------------------------------------------------------------------


def _pareto_log_a0(params, x, t_x, T):
    """log A0 of Fader & Hardie's note (eqs. 19, 20), the difference taken in log space."""
    r, alpha, s, beta = params
    if alpha >= beta:
        big, small, second = alpha, beta, s + 1
    else:
        big, small, second = beta, alpha, r + x
    rsx = r + s + x
    q1, q2 = big + t_x, big + T
    # hyp2f1 (c = a + 1, 0 <= z < 1) is positive and finite here
    l1 = np.log(special.hyp2f1(rsx, second, rsx + 1, (big - small) / q1)) - rsx * np.log(q1)
    l2 = np.log(special.hyp2f1(rsx, second, rsx + 1, (big - small) / q2)) - rsx * np.log(q2)
    with np.errstate(divide="ignore", invalid="ignore"):
        # l1 >= l2 (t_x <= T); t_x == T gives log 0 = -inf (no "dropped out" branch)
        return l1 + np.log(-np.expm1(np.minimum(l2 - l1, 0.0)))


def pareto_log_likelihood(params, x, t_x, T) -> np.ndarray:
    """Per-customer log-likelihood (Fader & Hardie 2005 note, eq. 18)."""
    r, alpha, s, beta = params
    x, t_x, T = _arrays(x, t_x, T)
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    dropped = np.log(s) - np.log(r + s + x) + _pareto_log_a0(params, x, t_x, T)
    return a1 + np.logaddexp(alive, dropped)


def pareto_p_alive(params, x, t_x, T) -> np.ndarray:
    r, alpha, s, beta = params
    x, t_x, T = _arrays(x, t_x, T)
    log_ratio = (
        np.log(s)
        - np.log(r + s + x)
        + (r + x) * np.log(alpha + T)
        + s * np.log(beta + T)
        + _pareto_log_a0(params, x, t_x, T)
    )
    return special.expit(-log_ratio)


def pareto_conditional_expected(params, t, x, t_x, T) -> np.ndarray:
    """E[Y(t) | x, t_x, T] = (r+x)(beta+T) / ((alpha+T)(s-1)) (1 - ((beta+T)/(beta+T+t))^(s-1))
    x P(alive); the s -> 1 limit is (r+x)(beta+T)/(alpha+T) log((beta+T+t)/(beta+T))."""
    r, alpha, s, beta = params
    x, t_x, T = _arrays(x, t_x, T)
    bt = beta + T
    log_ratio = np.log(bt + t) - np.log(bt)  # > 0
    life = bt * log_ratio if abs(s - 1) < 1e-09 else bt * -np.expm1(-(s - 1) * log_ratio) / (s - 1)
    return (r + x) / (alpha + T) * life * pareto_p_alive(params, x, t_x, T)


def pareto_expected(params, t) -> float:
    """E[X(t)] for a new customer: r beta / (alpha (s-1)) (1 - (beta/(beta+t))^(s-1))."""
    r, alpha, s, beta = params
    return float(r * beta / (alpha * (s - 1)) * (1 - (beta / (beta + t)) ** (s - 1)))


# --- fitting -------------------------------------------------------------------------------------

_LOG_LIKELIHOOD = {"mbgnbd": mbgnbd_log_likelihood, "pareto": pareto_log_likelihood}


def compress(x, t_x, T, weights=None):
    """Identical (x, t_x, T) rows once, with their count as weight."""
    x, t_x, T = _arrays(x, t_x, T)
    key = np.stack([x, t_x, T], axis=1)
    uniq, inverse = np.unique(key, axis=0, return_inverse=True)
    w = np.bincount(inverse.ravel(), weights=weights, minlength=len(uniq)).astype(float)
    ux, utx, uT = (np.ascontiguousarray(col) for col in uniq.T)
    return ux, utx, uT, w


FIT_SAMPLE = 10_000  # MBG/NBD and Pareto/NBD are estimated on at most this many guests


def sample(n: int, size: int = FIT_SAMPLE, seed: int = 0) -> np.ndarray | None:
    """Indices of a fixed random sample of ``size`` of ``n`` guests (None: take them all).

    MBG/NBD and Pareto/NBD have no analytic gradient here (Pareto/NBD's hypergeometric terms
    are slow near z = 1), so on a big shop they are estimated on a sample: 10,000 guests pin the
    four parameters far more tightly than the model choice needs, and the same seed gives the
    same fit for the same visits."""
    if n <= size:
        return None
    return np.sort(np.random.default_rng(seed).choice(n, size, replace=False))


def fit(kind: str, x, t_x, T, weights=None) -> tuple[tuple[float, ...], float, bool]:
    """Maximum-likelihood parameters of ``kind`` ("mbgnbd" or "pareto"): (params, log-likelihood,
    converged). A fit whose likelihood or parameters are not finite never counts as converged."""
    ll_fn = _LOG_LIKELIHOOD[kind]
    ux, utx, uT, w = compress(x, t_x, T, weights)
    scale = float(np.average(uT, weights=w)) if len(uT) and w.sum() else 1.0
    scale = scale or 1.0
    tx_s, T_s = utx / scale, uT / scale

    n = float(w.sum()) or 1.0

    def neg_ll(logp):
        # the mean per guest: a gradient of order one keeps L-BFGS-B's first step near the start
        params = np.exp(logp)
        with np.errstate(all="ignore"):
            mean = float(np.dot(w, ll_fn(params, ux, tx_s, T_s))) / n
        return -mean if np.isfinite(mean) else 1e300

    start = np.log([1.0, 1.0, 1.0, 1.0])
    res = optimize.minimize(
        neg_ll,
        start,
        method="L-BFGS-B",
        bounds=[(-12.0, 12.0)] * 4,
        options={"maxiter": 1000, "ftol": 1e-13, "gtol": 1e-9},
    )
    params = np.exp(res.x)
    at_bound = bool(np.any(np.abs(np.abs(res.x) - 12.0) < 1e-3))
    # alpha (and Pareto's beta) carry the time unit: undo the scaling
    if kind == "mbgnbd":
        params = (params[0], params[1] * scale, params[2], params[3])
    else:
        params = (params[0], params[1] * scale, params[2], params[3] * scale)
    params = tuple(float(p) for p in params)
    with np.errstate(all="ignore"):
        ll = float(np.dot(w, ll_fn(params, ux, utx, uT)))
    ok = bool(res.fun < 1e299 and np.isfinite(ll) and np.all(np.isfinite(params)) and not at_bound)
    # L-BFGS-B's own "success" is too strict for a flat optimum met within rounding; a fit that
    # moved off its start and has a finite likelihood is what we need
    ok = ok and (res.success or res.nit > 5)
    return params, ll, ok


# --- one interface -------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitModel:
    """A fitted visit model of any kind (time in weeks)."""

    kind: str  # one of KINDS
    params: tuple[float, ...]
    log_likelihood: float | None = None

    @property
    def label(self) -> str:
        return MODEL_LABELS[self.kind]

    @property
    def r(self) -> float:
        return self.params[0]

    @property
    def alpha(self) -> float:
        return self.params[1]

    def named_params(self) -> dict[str, float]:
        return dict(zip(PARAM_NAMES[self.kind], self.params, strict=True))

    def usable(self) -> bool:
        """Whether the expectations are defined (BG/NBD and MBG/NBD divide by a - 1)."""
        if not all(np.isfinite(p) and p > 0 for p in self.params):
            return False
        if self.kind in ("bgnbd", "mbgnbd"):
            return abs(self.params[2] - 1.0) > 1e-6
        return True

    def p_alive(self, x, t_x, T) -> np.ndarray:
        with np.errstate(all="ignore"):
            if self.kind == "bgnbd":
                return bgnbd.p_alive(self.params, x, t_x, T)
            if self.kind == "mbgnbd":
                return mbgnbd_p_alive(self.params, x, t_x, T)
            return pareto_p_alive(self.params, x, t_x, T)

    def conditional_expected(self, t, x, t_x, T) -> np.ndarray:
        with np.errstate(all="ignore"):
            if self.kind == "bgnbd":
                return bgnbd.conditional_expected(self.params, t, x, t_x, T)
            if self.kind == "mbgnbd":
                return mbgnbd_conditional_expected(self.params, t, x, t_x, T)
            return pareto_conditional_expected(self.params, t, x, t_x, T)


def fit_model(kind: str, x, t_x, T) -> tuple[VisitModel, bool]:
    """Fit ``kind`` by maximum likelihood (MBG/NBD and Pareto/NBD on a fixed sample of a big
    shop's guests, ``sample``); the bool says whether it converged to a usable fit."""
    if kind == "bgnbd":
        bg, ok = bgnbd.fit_bgnbd(x, t_x, T)
        model = VisitModel("bgnbd", (bg.r, bg.alpha, bg.a, bg.b), bg.log_likelihood)
    else:
        x, t_x, T = _arrays(x, t_x, T)
        idx = sample(len(x))
        if idx is not None:
            x, t_x, T = x[idx], t_x[idx], T[idx]
        params, ll, ok = fit(kind, x, t_x, T)
        model = VisitModel(kind, params, ll)
    ok = bool(ok and model.log_likelihood is not None and np.isfinite(model.log_likelihood))
    return model, bool(ok and model.usable())
