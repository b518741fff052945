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
- The two models' formulas and fits are in ``services.bgnbd`` (re-exported here).
- Likelihoods are evaluated in log space (gammaln, betaln, log-sum-exp), the hypergeometric term
  of the conditional expectation through Euler's transformation, so a guest with hundreds of
  visits neither overflows nor loses precision. Maximum likelihood: L-BFGS-B on the parameters'
  logarithms with analytic gradients.
- Too little data (fewer than ``MIN_REPEAT_CUSTOMERS`` guests with repeat visits) or a fit that
  did not converge gives ``status == "not_enough_data"`` and a translated ``message`` instead of
  numbers.

Long module: per-customer data, predictions, the model check and the at-risk list are one pipeline
over the same ``Rft`` arrays; the models' formulas are already in ``bgnbd.py`` and
``clv_models.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlite_utils import Database

from shopcrm.i18n import N_, _
from shopcrm.services import campaigns, clv_models
from shopcrm.services.bgnbd import (  # re-exported: clv.p_alive etc. are what callers use
    BgNbd as BgNbd,
)
from shopcrm.services.bgnbd import (
    GammaGamma as GammaGamma,
)
from shopcrm.services.bgnbd import (
    bgnbd_log_likelihood as bgnbd_log_likelihood,
)
from shopcrm.services.bgnbd import (
    bgnbd_objective as bgnbd_objective,
)
from shopcrm.services.bgnbd import (
    conditional_expected as conditional_expected,
)
from shopcrm.services.bgnbd import (
    expected_purchases as expected_purchases,
)
from shopcrm.services.bgnbd import (
    fit_bgnbd as fit_bgnbd,
)
from shopcrm.services.bgnbd import (
    fit_gamma_gamma as fit_gamma_gamma,
)
from shopcrm.services.bgnbd import (
    gamma_gamma_objective as gamma_gamma_objective,
)
from shopcrm.services.bgnbd import (
    gg_expected_spend as gg_expected_spend,
)
from shopcrm.services.bgnbd import (
    gg_log_likelihood as gg_log_likelihood,
)
from shopcrm.services.bgnbd import (
    p_alive as p_alive,
)
from shopcrm.services.bgnbd import (
    prob_no_purchase as prob_no_purchase,
)
from shopcrm.store import arrays, settings

MIN_REPEAT_CUSTOMERS = 30
HORIZON_WEEKS = 52.0
AT_RISK_P_ALIVE = 0.5
AT_RISK_VALUE_QUANTILE = 0.75
AT_RISK_WITHIN_WEEKS = 52.0
HOLDOUT_WEEKS = 26  # the model check's holdout: the last half year of the shop's history
MIN_HOLDOUT_WEEKS = 8
# used when the history is too short to compare the models: unlike BG/NBD it does not call
# every one-visit guest certainly active
DEFAULT_MODEL = "mbgnbd"


# --- per-customer data and predictions -----------------------------------------------------------


@dataclass
class Rft:
    """Recency-frequency-T per customer (weeks), plus spend, from visit days up to ``as_of``."""

    customer_id: np.ndarray
    x: np.ndarray  # repeat visit days
    t_x: np.ndarray  # weeks from first to last visit day
    T: np.ndarray  # weeks from first visit day to as_of
    m: np.ndarray  # mean spend of the repeat visit days with a bill above ¥0 (0 when none)
    first_spend: np.ndarray  # spend of the first visit day
    total: np.ndarray  # all spend
    last_day: np.ndarray
    # repeat visit days with a bill above ¥0: the spend model's x. A ¥0 day (comped, a free-item
    # coupon) is a visit for the visit model, but no spend observation: log 0 would wreck the fit
    x_spend: np.ndarray | None = None

    def __post_init__(self):
        if self.x_spend is None:
            self.x_spend = self.x.copy()


def rft_from_visits(visits: arrays.VisitArrays, as_of: dt.date) -> Rft:
    end = arrays.day_number(as_of)
    keep = (visits.customer_id > 0) & (visits.day <= end)
    cid, day, amount = visits.customer_id[keep], visits.day[keep], visits.amount[keep]
    if not len(cid):
        z = np.zeros(0)
        return Rft(z.astype(np.int64), z, z, z, z, z, z, z.astype(np.int64), z)
    new_day = np.ones(len(cid), dtype=bool)
    new_day[1:] = (cid[1:] != cid[:-1]) | (day[1:] != day[:-1])
    starts = np.flatnonzero(new_day)
    d_cid, d_day, d_amt = cid[starts], day[starts], np.add.reduceat(amount, starts)
    ids, first_idx, n = np.unique(d_cid, return_index=True, return_counts=True)
    first, last = d_day[first_idx], d_day[first_idx + n - 1]
    total = np.add.reduceat(d_amt, first_idx).astype(float)
    first_spend = d_amt[first_idx].astype(float)
    x = (n - 1).astype(float)
    first_flag = np.zeros(len(d_cid), dtype=bool)
    first_flag[first_idx] = True
    paid = (d_amt > 0) & ~first_flag
    x_spend = np.add.reduceat(paid.astype(np.int64), first_idx).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.where(x_spend > 0, (total - first_spend) / np.maximum(x_spend, 1), 0.0)
    return Rft(
        customer_id=ids,
        x=x,
        t_x=(last - first) / 7.0,
        T=(end - first) / 7.0,
        m=m,
        first_spend=first_spend,
        total=total,
        last_day=last,
        x_spend=x_spend,
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
    # the next visit, only where the model supports it (a returning guest more likely active
    # than not, due within the year): earliest and latest likely day (ISO), or the day the guest
    # became overdue (their usual gap since the last visit has passed)
    next_visit_due: str | None
    next_visit_until: str | None = None
    overdue_since: str | None = None


@dataclass
class ModelCheckRow:
    """One model's prediction of the holdout weeks, fitted on the weeks before them."""

    kind: str
    ok: bool
    params: dict[str, float] = field(default_factory=dict)
    predicted: float = 0.0  # repeat visit days predicted for the holdout, all guests
    # sum over groups of guests (repeat visits x weeks since the last one) of |predicted -
    # actual| visit days, as a share of the actual visit days
    error: float | None = None
    cumulative: list[float] = field(default_factory=list)  # predicted, by holdout week


@dataclass
class ModelCheck:
    """Calibration/holdout test: fit on all but the last ``weeks`` weeks, predict them, compare.

    ``chosen`` is the model with the smallest grouped error; ``reason`` says why (a msgid with
    ``reason_params``)."""

    weeks: int = 0
    calibration_end: dt.date | None = None
    customers: int = 0  # guests first seen before the holdout
    actual: int = 0  # their repeat visit days in the holdout
    actual_cumulative: list[int] = field(default_factory=list)
    rows: list[ModelCheckRow] = field(default_factory=list)
    chosen: str = DEFAULT_MODEL
    reason: str = ""
    reason_params: dict = field(default_factory=dict)

    @property
    def done(self) -> bool:
        return any(r.ok for r in self.rows)

    @property
    def message(self) -> str:
        params = dict(self.reason_params)
        if "model" in params:
            params["model"] = _(params["model"])
        return _(self.reason).format(**params) if self.reason else ""

    def to_json(self) -> dict:
        return {
            "weeks": self.weeks,
            "calibration_end": self.calibration_end.isoformat() if self.calibration_end else None,
            "customers": self.customers,
            "actual": self.actual,
            "chosen": self.chosen,
            "reason": self.message,
            "models": [
                {
                    "model": r.kind,
                    "ok": r.ok,
                    "params": r.params,
                    "predicted": round(r.predicted, 2),
                    "error": None if r.error is None else round(r.error, 4),
                }
                for r in self.rows
            ],
        }


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
    model: clv_models.VisitModel | None = None  # the visit model the predictions use
    check: ModelCheck | None = None
    discount_rate: float = 0.0  # the LTV setting: the next 12 months are year one, undiscounted

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
            "model": None
            if self.model is None
            else {"kind": self.model.kind, "params": self.model.named_params()},
            "model_check": None if self.check is None else self.check.to_json(),
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
CHECK_CHOSEN = N_(
    "{model} predicted the last {weeks} weeks best: {predicted} visits against {actual} that "
    "happened; by group of guests it was off by {error} of the visits."
)
CHECK_TOO_SHORT = N_(
    "Not enough history to compare the models on past weeks yet; {model} is used until there is."
)
CHECK_NONE_FITTED = N_("No model could be fitted to the weeks before the check; {model} is used.")


def next_visit_text(p: Prediction) -> str:
    """The next visit as the owner reads it: a range of days, "overdue since", or nothing."""
    if p.overdue_since:
        return _("overdue since {day}").format(day=p.overdue_since)
    if p.next_visit_due and p.next_visit_until:
        return _("{first} – {last}").format(first=p.next_visit_due, last=p.next_visit_until)
    return ""


def _typical_next_visit(model, rft, alive, as_of_day: int, horizon_weeks: float):
    """(due from, due until, overdue since) as day numbers, -1 where not shown.

    Shown only for returning guests (x >= 1) more likely active than not. Overdue: their usual gap
    (first to last visit / repeat visits) has passed since the last visit. Otherwise the quartiles
    of the waiting time to the next visit given active: W | alive is Lomax with P(W > w) =
    ((alpha + T) / (alpha + T + w))^(r + x) (lambda | alive ~ Gamma(r + x, alpha + T)), counted
    from the as-of day; hidden when the later quartile lies beyond the horizon.
    """
    x, T = rft.x, rft.T
    n = len(x)
    due_from = np.full(n, -1, dtype=np.int64)
    due_until = np.full(n, -1, dtype=np.int64)
    overdue = np.full(n, -1, dtype=np.int64)
    shown = (x >= 1) & (alive >= 0.5)
    gap_days = np.where(x >= 1, 7.0 * rft.t_x / np.maximum(x, 1), np.inf)
    with np.errstate(invalid="ignore"):
        overdue_day = rft.last_day + np.ceil(np.where(shown, gap_days, 0.0)).astype(np.int64)
    late = shown & (overdue_day < as_of_day)
    overdue[late] = overdue_day[late]
    shape = model.r + x
    scale = model.alpha + T
    with np.errstate(over="ignore", invalid="ignore"):
        w25 = scale * np.expm1(-np.log(0.75) / shape)
        w75 = scale * np.expm1(-np.log(0.25) / shape)
    ranged = shown & ~late & np.isfinite(w75) & (w75 <= horizon_weeks)
    due_from[ranged] = as_of_day + np.maximum(np.round(7 * w25[ranged]), 1).astype(np.int64)
    due_until[ranged] = as_of_day + np.maximum(np.round(7 * w75[ranged]), 1).astype(np.int64)
    return due_from, due_until, overdue


def _iso_or_none(days: np.ndarray) -> list[str | None]:
    text = np.datetime_as_string(np.maximum(days, 0).astype("datetime64[D]"), unit="D").tolist()
    return [t if d >= 0 else None for t, d in zip(text, days.tolist(), strict=True)]


def predict(
    rft: Rft,
    *,
    as_of: dt.date,
    margin: float,
    names: dict[int, str] | None = None,
    min_repeat: int = MIN_REPEAT_CUSTOMERS,
    kind: str = "bgnbd",
    check: ModelCheck | None = None,
    discount_rate: float = 0.0,
) -> ClvResult:
    """Fit the visit model ``kind`` (and BG/NBD, whose parameters are always reported) and the
    spend model on ``rft``, and predict every customer."""
    n = len(rft.customer_id)
    repeat = int((rft.x > 0).sum())
    common: dict[str, Any] = {
        "customers": n,
        "repeat_customers": repeat,
        "as_of": as_of,
        "check": check,
        "discount_rate": discount_rate,
    }
    if repeat < min_repeat:
        return ClvResult("not_enough_data", NOT_ENOUGH, {"n": repeat, "min": min_repeat}, **common)
    bg, ok = fit_bgnbd(rft.x, rft.t_x, rft.T)
    if kind == "bgnbd":
        model = clv_models.VisitModel("bgnbd", (bg.r, bg.alpha, bg.a, bg.b), bg.log_likelihood)
        ok = ok and model.usable()
    else:
        model, ok = clv_models.fit_model(kind, rft.x, rft.t_x, rft.T)
    if not ok:
        return ClvResult("not_enough_data", NOT_CONVERGED, **common)
    assert rft.x_spend is not None  # Rft.__post_init__ fills it
    rep = rft.x_spend > 0
    if int(rep.sum()) < 2:
        return ClvResult("not_enough_data", NO_SPEND_MODEL, bgnbd=bg, **common)
    gg, gg_ok = fit_gamma_gamma(rft.x_spend[rep], rft.m[rep])
    if not gg_ok:
        return ClvResult("not_enough_data", NO_SPEND_MODEL, bgnbd=bg, **common)
    alive = model.p_alive(rft.x, rft.t_x, rft.T)
    visits = model.conditional_expected(HORIZON_WEEKS, rft.x, rft.t_x, rft.T)
    spend = np.where(
        rep,
        gg_expected_spend(
            (gg.p, gg.q, gg.gamma), np.maximum(rft.x_spend, 1), np.maximum(rft.m, 1e-9)
        ),
        gg.p * gg.gamma / (gg.q - 1),
    )
    value = visits * spend * margin
    if not (np.all(np.isfinite(alive)) and np.all(np.isfinite(value))):
        return ClvResult("not_enough_data", NOT_CONVERGED, bgnbd=bg, **common)
    due_from, due_until, overdue = _typical_next_visit(
        model, rft, alive, arrays.day_number(as_of), HORIZON_WEEKS
    )
    names = names or {}
    # whole columns first (numpy), then one plain-Python pass: fast for 50,000 guests
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
        _iso_or_none(due_from),
        _iso_or_none(due_until),
        _iso_or_none(overdue),
        strict=True,
    )
    preds = [Prediction(cid, names.get(cid, ""), *rest) for cid, *rest in columns]
    return ClvResult("ok", bgnbd=bg, gamma_gamma=gg, predictions=preds, model=model, **common)


# --- model choice by a calibration/holdout test ------------------------------------------------


def holdout_weeks_for(span_weeks: float) -> int:
    """The holdout's length: HOLDOUT_WEEKS, or a third of a shorter history (0 = too short)."""
    weeks = int(min(HOLDOUT_WEEKS, span_weeks // 3))
    return weeks if weeks >= MIN_HOLDOUT_WEEKS else 0


def model_check(
    visits: arrays.VisitArrays,
    as_of: dt.date,
    *,
    weeks: int | None = None,
    kinds=clv_models.KINDS,
    min_repeat: int = MIN_REPEAT_CUSTOMERS,
) -> ModelCheck:
    """Fit each model on the visits up to ``weeks`` weeks before ``as_of``, predict the guests'
    repeat visit days of those weeks and compare with what happened; choose the model with the
    smallest error summed over groups of similar guests (``ModelCheckRow.error``)."""
    end = arrays.day_number(as_of)
    known = visits.customer_id > 0
    if not known.any():
        return ModelCheck(reason=CHECK_TOO_SHORT, reason_params={"model": _label(DEFAULT_MODEL)})
    first_day = int(visits.day[known & (visits.day <= end)].min()) if known.any() else end
    if weeks is None:
        weeks = holdout_weeks_for((end - first_day) / 7.0)
    if not weeks:
        return ModelCheck(reason=CHECK_TOO_SHORT, reason_params={"model": _label(DEFAULT_MODEL)})
    cal_end_day = end - 7 * weeks
    cal_end = arrays.day_to_date(cal_end_day)
    cal = rft_from_visits(visits, cal_end)
    idx = clv_models.sample(len(cal.customer_id))
    if idx is not None:  # a big shop: the same fixed sample of guests for every model
        cal = Rft(*(getattr(cal, f)[idx] for f in Rft.__dataclass_fields__))
    check = ModelCheck(weeks=weeks, calibration_end=cal_end, customers=len(cal.customer_id))
    if int((cal.x > 0).sum()) < min_repeat:
        check.reason, check.reason_params = CHECK_TOO_SHORT, {"model": _label(DEFAULT_MODEL)}
        return check
    # actual repeat visit days in (cal_end, end] of the guests first seen by cal_end
    sel = known & (visits.day > cal_end_day) & (visits.day <= end)
    cid, day = visits.customer_id[sel], visits.day[sel]
    pos = np.searchsorted(cal.customer_id, cid)
    pos = np.clip(pos, 0, max(len(cal.customer_id) - 1, 0))
    mine = cal.customer_id[pos] == cid
    cid, day, pos = cid[mine], day[mine], pos[mine]
    new_day = np.ones(len(cid), dtype=bool)
    new_day[1:] = (cid[1:] != cid[:-1]) | (day[1:] != day[:-1])
    cid, day, pos = cid[new_day], day[new_day], pos[new_day]
    actual = np.bincount(pos, minlength=len(cal.customer_id)).astype(float)
    week_of = np.minimum((day - cal_end_day - 1) // 7, weeks - 1)
    check.actual = int(actual.sum())
    check.actual_cumulative = np.cumsum(np.bincount(week_of, minlength=weeks)).tolist()
    ux, utx, uT, w = clv_models.compress(cal.x, cal.t_x, cal.T)
    # guests grouped by repeat visits and weeks since the last visit: a model's misfit shows in
    # whole groups (one-visit guests of long ago, regulars gone quiet), a guest's own visits are
    # mostly chance
    x_group = np.searchsorted(np.array([1, 2, 3, 5, 10]), cal.x, side="right")
    quiet = cal.T - cal.t_x
    q_group = np.searchsorted(np.array([4.0, 13.0, 26.0, 52.0]), quiet, side="right")
    group = x_group * 5 + q_group
    n_groups = 30
    key_inverse = None
    best = None
    for kind in kinds:
        model, ok = clv_models.fit_model(kind, cal.x, cal.t_x, cal.T)
        row = ModelCheckRow(kind, ok, model.named_params() if ok else {})
        if ok:
            if key_inverse is None:
                key = np.stack([cal.x, cal.t_x, cal.T], axis=1)
                _u, key_inverse = np.unique(key, axis=0, return_inverse=True)
                key_inverse = key_inverse.ravel()
            cumulative = [
                float(np.dot(w, model.conditional_expected(float(k), ux, utx, uT)))
                for k in range(1, weeks + 1)
            ]
            pred = model.conditional_expected(float(weeks), ux, utx, uT)[key_inverse]
            if np.all(np.isfinite(pred)) and np.all(np.isfinite(cumulative)):
                row.predicted = cumulative[-1]
                row.cumulative = cumulative
                by_group = np.bincount(group, weights=pred - actual, minlength=n_groups)
                row.error = float(np.abs(by_group).sum() / max(check.actual, 1))
                if best is None or best.error is None or row.error < best.error:
                    best = row
            else:
                row.ok, row.params = False, {}
        check.rows.append(row)
    if best is None:
        check.reason, check.reason_params = CHECK_NONE_FITTED, {"model": _label(DEFAULT_MODEL)}
        return check
    assert best.error is not None  # only a row with an error becomes the best
    check.chosen = best.kind
    check.reason = CHECK_CHOSEN
    check.reason_params = {
        "model": _label(best.kind),
        "weeks": weeks,
        "predicted": f"{best.predicted:,.0f}",
        "actual": f"{check.actual:,}",
        "error": f"{best.error * 100:.1f} %",
    }
    return check


def _label(kind: str) -> str:
    """The model's name as a msgid (``ModelCheck.message`` translates it)."""
    return clv_models.MODEL_LABELS[kind]


def fit_shop(db: Database, *, as_of: dt.date | None = None, with_names: bool = True) -> ClvResult:
    """Fit on the shop's visits up to and including ``as_of`` (default today) and predict."""
    as_of = as_of or dt.date.today()
    return fit_visits(db, arrays.load_visits(db, until=as_of), as_of, with_names=with_names)


def fit_visits(
    db: Database, visits: arrays.VisitArrays, as_of: dt.date, *, with_names: bool = True
) -> ClvResult:
    """Like ``fit_shop`` on visits already read (the dashboard reads them once for everything):
    the model check on the shop's own history chooses the visit model, then it is fitted on
    every visit up to ``as_of``."""
    rft = rft_from_visits(visits, as_of)
    margin = settings.get(db, "gross_margin_percent") / 100.0
    discount = settings.get(db, "discount_rate_percent") / 100.0
    names = arrays.customer_names(db, rft.customer_id.tolist()) if with_names else None
    check = model_check(visits, as_of)
    result = predict(
        rft,
        as_of=as_of,
        margin=margin,
        names=names,
        kind=check.chosen,
        check=check,
        discount_rate=discount,
    )
    # Erased guests' visits shape the model (figures stay true), but no list shows them.
    erased = arrays.erased_customer_ids(db)
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


def simulate_visits(
    rng: np.random.Generator,
    kind: str,
    n: int,
    params: tuple[float, float, float, float],
    *,
    first_day: np.ndarray,
    end_day: int,
    spend: tuple[float, float, float] = (6.0, 3.5, 15000.0),
) -> arrays.VisitArrays:
    """A shop whose guests follow ``kind``'s story ("bgnbd", "mbgnbd", "pareto"; time in weeks),
    as visit arrays (one bill per visit day, amounts from Gamma-Gamma ``spend``): for the model
    check's tests, where the true model is known."""
    first_day = np.broadcast_to(np.asarray(first_day, dtype=np.int64), (n,))
    horizon = (end_day - first_day) / 7.0
    r, alpha, c, d = params
    lam = rng.gamma(r, 1.0 / alpha, size=n)
    if kind == "pareto":
        mu = rng.gamma(c, 1.0 / d, size=n)
        life = np.minimum(rng.exponential(1.0 / mu), horizon)
    else:
        p = rng.beta(c, d, size=n)
        life = horizon.copy()
    sp, sq, sg = spend
    nu = rng.gamma(sq, 1.0 / sg, size=n)
    cids, days, amounts = [], [], []
    for i in range(n):
        t, times = 0.0, [0.0]
        alive = not (kind == "mbgnbd" and rng.random() < p[i])
        while alive:
            t += rng.exponential(1.0 / lam[i])
            if t > life[i]:
                break
            times.append(t)
            if kind != "pareto" and rng.random() < p[i]:
                break
        day = np.unique(first_day[i] + np.floor(np.asarray(times) * 7.0).astype(np.int64))
        day = day[day <= end_day]
        cids.append(np.full(len(day), i + 1, dtype=np.int64))
        days.append(day)
        amounts.append(np.maximum(np.round(rng.gamma(sp, 1.0 / nu[i], size=len(day))), 1))
    cid = np.concatenate(cids)
    return arrays.VisitArrays(
        cid,
        np.concatenate(days),
        np.concatenate(amounts).astype(np.int64),
        np.ones(len(cid), dtype=np.int64),
    )
