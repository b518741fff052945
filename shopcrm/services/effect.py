"""A campaign's real effect: guests who got its coupon against a random control group held back.

Redemptions say how many coupons came back, not what the campaign changed: a 10 %-off coupon
redeemed by a regular who would have come anyway is a loss. So when coupons are issued a random
share of the eligible guests is held back (``control_groups.split_control``; per campaign,
default 10 %; birthday guests only when the owner chose so) and recorded (``arrays.holdouts``).
Per campaign this module then compares, over the ``days`` after each send, the two groups' guests:

- *came*: share who visited at least once; *visits*: visit days per guest (business days);
- *profit*: gross profit per guest at list price, (bills + discounts) x gross margin;
- the *uplift* (treated - control) of each, with a 95 % confidence interval (Welch's t);
- *cost* = discounts given on the window's redeemed visits + print and postage of the pieces;
- *net* = profit uplift x treated guests - cost, and the *incremental return* = net / cost, each
  with the interval that the profit uplift's gives.

Each guest's window is the ``days`` after the coupon's first valid day (for a guest held back:
the first valid day their coupon would have had). Only guests whose window has closed count (the
others are "still running"). Treated guests count from the campaign's first hold-back on (coupons
sent before control groups existed have nothing to compare with). With fewer than the campaign's
minimum group size in either group the verdict is "too small to tell", and it says so.

Who is held back is a fixed random draw: a hash of campaign, guest and period key. Re-issuing the
same period gives the same groups, and the draw cannot depend on anything about the guest.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
from sqlite_utils import Database

from shopcrm.domain.money import format_money, format_yen_ja
from shopcrm.domain.rules import FIELD_LABELS, ValidationError
from shopcrm.i18n import N_, _, current_language
from shopcrm.services import analytics
from shopcrm.services.analytics import _discount
from shopcrm.services.campaigns import BUILTIN_TITLES
from shopcrm.store import arrays, campaign_records, holdouts
from shopcrm.store.errors import NotFound
from shopcrm.store.holdouts import Holdout

FIELD_LABELS.setdefault("days", N_("Days after sending"))
FIELD_LABELS.setdefault("campaign", N_("Campaign"))

DEFAULT_DAYS = 60
LEVEL = 0.95

VERDICTS = {
    "no_control": N_(
        "No guests were held back for this campaign, so its effect cannot be measured yet. "
        "Keep its control group on and look again after the next sends."
    ),
    "too_small": N_(
        "Too few guests to tell yet: {treated} got the coupon and {control} were held back; "
        "at least {min} in each group are needed."
    ),
    "raised": N_(
        "The coupon brought guests back: {diff} more visits per guest in {days} days than the "
        "guests held back (95 % range {low} to {high})."
    ),
    "lowered": N_(
        "Guests who got the coupon came less: {diff} visits per guest in {days} days against "
        "the guests held back (95 % range {low} to {high})."
    ),
    "unclear": N_(
        "No clear effect on visits: {diff} per guest in {days} days is within what chance "
        "gives (95 % range {low} to {high})."
    ),
}
MONEY = N_(
    "After discounts, printing and postage the campaign made {net} (95 % range {low} to {high})."
)
PENDING = N_("{n} more guests are still inside their {days}-day window.")


# --- measuring -----------------------------------------------------------------------------------


@dataclass
class Group:
    guests: int
    came: float | None  # share who visited at least once in the window
    visits: float | None  # visit days per guest
    profit: float | None  # gross profit per guest (list price x margin), yen


@dataclass
class Estimate:
    """Treated minus control, with its 95 % confidence interval (None: cannot be computed)."""

    diff: float | None
    low: float | None
    high: float | None

    @property
    def excludes_zero(self) -> bool:
        return self.low is not None and self.high is not None and (self.low > 0 or self.high < 0)


@dataclass
class CampaignEffect:
    campaign_id: int
    campaign: str
    kind: str
    days: int
    start: dt.date | None
    end: dt.date | None
    min_group: int
    holdout_percent: int
    treated: Group
    control: Group
    pending: int  # guests whose window is still open (left out)
    came: Estimate
    visits: Estimate
    profit: Estimate
    discounts: int
    print_cost: int
    cost: int
    net: Estimate  # profit uplift x treated guests - cost (yen)
    incremental_return: Estimate  # net / cost
    verdict: str  # a key of VERDICTS
    # today's figures, labelled as what they are: redemptions, not effect
    issued: int = 0
    redeemed: int = 0
    redemption_rate: float | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        out = asdict(self)
        out["verdict_text"] = self.verdict_text()
        out["money_text"] = self.money_text()
        return out

    def verdict_text(self) -> str:
        v = self.visits
        return _(VERDICTS[self.verdict]).format(
            treated=self.treated.guests,
            control=self.control.guests,
            min=self.min_group,
            days=self.days,
            diff=_num(v.diff),
            low=_num(v.low),
            high=_num(v.high),
        )

    def money_text(self) -> str:
        if self.verdict in ("no_control", "too_small") or self.net.diff is None:
            return ""
        return _(MONEY).format(
            net=yen_text(self.net.diff), low=yen_text(self.net.low), high=yen_text(self.net.high)
        )


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:+.2f}"


def yen_text(x: float | None) -> str:
    """Yen as the reader writes it (1,234円 in Japanese, ¥1,234 in English), minus sign first."""
    if x is None:
        return "—"
    value = round(x)
    text = format_yen_ja(abs(value)) if current_language() == "ja" else format_money(abs(value))
    return f"−{text}" if value < 0 else text


def compare(treated: np.ndarray, control: np.ndarray, level: float = LEVEL) -> Estimate:
    """Difference of means with Welch's t interval (unequal variances)."""
    t = np.asarray(treated, dtype=float)
    c = np.asarray(control, dtype=float)
    if len(t) < 2 or len(c) < 2:
        return Estimate(None, None, None)
    diff = float(t.mean() - c.mean())
    vt, vc = float(t.var(ddof=1)) / len(t), float(c.var(ddof=1)) / len(c)
    se = math.sqrt(vt + vc)
    if se == 0.0:
        return Estimate(diff, diff, diff)
    df = (vt + vc) ** 2 / (
        (vt**2 / (len(t) - 1) if vt else 0.0) + (vc**2 / (len(c) - 1) if vc else 0.0)
    )
    # lazy: scipy costs 0.4 s at start-up; only the confidence intervals need it
    from scipy import stats

    half = float(stats.t.ppf(0.5 + level / 2, df)) * se
    return Estimate(diff, diff - half, diff + half)


def window_outcomes(
    data, customer_ids: np.ndarray, days_sent: np.ndarray, window: int
) -> tuple[np.ndarray, np.ndarray]:
    """(visit days, bills in yen) of each guest in (start day, start day + window]."""
    keys = (data.d_cid << 20) | data.d_day
    revenue = np.concatenate([[0], np.cumsum(data.d_amount)])
    cid = np.asarray(customer_ids, dtype=np.int64)
    sent = np.asarray(days_sent, dtype=np.int64)
    lo = np.searchsorted(keys, (cid << 20) | (sent + 1), side="left")
    hi = np.searchsorted(keys, (cid << 20) | (sent + window), side="right")
    return hi - lo, revenue[hi] - revenue[lo]


def measure(
    data,
    campaign: arrays.CampaignRow,
    treated: list[holdouts.TreatedRow],
    control: list[holdouts.HoldbackRow],
    holdout: Holdout,
    *,
    days: int = DEFAULT_DAYS,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> CampaignEffect:
    """The effect of one campaign from the shop's data (``analytics.ShopData``)."""
    a = arrays.day_number(start) if start else -(10**9)
    b = arrays.day_number(end) if end else 10**9
    closed = data.as_of_day - days  # a window that started on or before this day has ended
    control = [h for h in control if a <= h.day <= b]
    first_control = min((h.day for h in control), default=None)
    in_period = [k for k in treated if a <= k.day <= b]
    issued = len(in_period)
    redeemed = sum(1 for k in in_period if k.redeemed_day is not None)
    comparable = [k for k in in_period if first_control is not None and k.day >= first_control]
    done_t = [k for k in comparable if k.day <= closed]
    done_c = [h for h in control if h.day <= closed]
    pending = len(comparable) - len(done_t) + len(control) - len(done_c)

    t_visits, t_bills = window_outcomes(
        data, np.array([k.customer_id for k in done_t]), np.array([k.day for k in done_t]), days
    )
    c_visits, c_bills = window_outcomes(
        data, np.array([h.customer_id for h in done_c]), np.array([h.day for h in done_c]), days
    )
    discount = np.array(
        [
            _discount(campaign, k.bill or 0)
            if k.redeemed_day is not None and k.day < k.redeemed_day <= k.day + days
            else 0
            for k in done_t
        ],
        dtype=float,
    )
    m = data.margin
    t_profit = (t_bills + discount) * m
    c_profit = c_bills * m
    discounts = int(discount.sum())
    print_cost = sum(k.pieces for k in done_t) * campaign.cost_per_piece
    cost = discounts + print_cost

    def group(visits, profit) -> Group:
        n = len(visits)
        if not n:
            return Group(0, None, None, None)
        return Group(n, float((visits > 0).mean()), float(visits.mean()), float(np.mean(profit)))

    came = compare(t_visits > 0, c_visits > 0)
    visits = compare(t_visits, c_visits)
    profit = compare(t_profit, c_profit)
    n_t = len(done_t)
    if profit.diff is not None:
        assert profit.low is not None and profit.high is not None  # compare(): all three or none
        net = Estimate(*(x * n_t - cost for x in (profit.diff, profit.low, profit.high)))
    else:
        net = Estimate(None, None, None)
    ret = (
        Estimate(*(x / cost for x in (net.diff, net.low, net.high)))
        if cost and net.diff is not None and net.low is not None and net.high is not None
        else Estimate(None, None, None)
    )
    if not control:
        verdict = "no_control"
    elif min(len(done_t), len(done_c)) < holdout.min_group or visits.diff is None:
        verdict = "too_small"
    elif visits.excludes_zero:
        verdict = "raised" if visits.diff > 0 else "lowered"
    else:
        verdict = "unclear"
    effect = CampaignEffect(
        campaign_id=campaign.id,
        campaign=campaign.name,
        kind=campaign.kind,
        days=days,
        start=start,
        end=end,
        min_group=holdout.min_group,
        holdout_percent=holdout.percent,
        treated=group(t_visits, t_profit),
        control=group(c_visits, c_profit),
        pending=pending,
        came=came,
        visits=visits,
        profit=profit,
        discounts=discounts,
        print_cost=print_cost,
        cost=cost,
        net=net,
        incremental_return=ret,
        verdict=verdict,
        issued=issued,
        redeemed=redeemed,
        redemption_rate=redeemed / issued if issued else None,
    )
    if pending:
        effect.notes.append(_(PENDING).format(n=pending, days=days))
    return effect


def effects(
    db: Database,
    data,
    *,
    days: int = DEFAULT_DAYS,
    start: dt.date | None = None,
    end: dt.date | None = None,
    campaign_ids: Sequence[int] | None = None,
) -> list[CampaignEffect]:
    """The effect of each campaign that sent coupons or held guests back (in the period)."""
    treated = holdouts.load_treated(db)
    control = holdouts.load_holdbacks(db)
    out = []
    for c in data.campaigns:
        if campaign_ids is not None and c.id not in campaign_ids:
            continue
        t = [k for k in treated if k.campaign_id == c.id]
        h = [x for x in control if x.campaign_id == c.id]
        if not t and not h and campaign_ids is None:
            continue
        out.append(measure(data, c, t, h, holdouts.get(db, c.id), days=days, start=start, end=end))
    return out


def campaign_effect(
    db: Database,
    campaign: str | int,
    *,
    days: int = DEFAULT_DAYS,
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date | None = None,
) -> CampaignEffect:
    """One campaign (by name or id), measured on the shop's visits up to ``today``."""
    try:
        c = campaign_records.get(db, campaign)
    except NotFound:
        raise ValidationError(
            "campaign", N_("There is no campaign {name}."), name=str(campaign)
        ) from None
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
        raise ValidationError("days", N_("Enter a number of days from 1 to 365."))
    data = analytics.load(db, today=today)
    assert c.id is not None  # read from the database
    return effects(db, data, days=days, start=start, end=end, campaign_ids=[c.id])[0]


# --- showing -------------------------------------------------------------------------------------

SHORT_VERDICTS = {
    "no_control": N_("No comparison group"),
    "too_small": N_("Too few guests to tell"),
    "raised": N_("Brought guests back"),
    "lowered": N_("Fewer visits"),
    "unclear": N_("No clear effect"),
}
CHART_TITLE = N_("Extra visits per guest: coupon against held back (95 % range)")


def title_of(e: CampaignEffect) -> str:
    builtin = BUILTIN_TITLES.get(e.campaign)
    return _(builtin) if builtin else e.campaign


def table(effects_: Sequence[CampaignEffect]) -> tuple[list[str], list[list[str]]]:
    """The effect view's table (and its CSV): one row per campaign."""

    def rng(est: Estimate, fmt) -> str:
        if est.diff is None:
            return "—"
        return f"{fmt(est.diff)} ({fmt(est.low)} … {fmt(est.high)})"

    def pct(x: float | None) -> str:
        return "—" if x is None else f"{x * 100:.0f}%"

    headers = [
        _("Campaign"),
        _("Result"),
        _("Guests (coupon / held back)"),
        _("Came back (coupon / held back)"),
        _("Extra visits per guest"),
        _("Extra gross profit per guest"),
        _("Cost"),
        _("Net after costs"),
        _("Redemptions (not effect)"),
    ]
    rows = [
        [
            title_of(e),
            _(SHORT_VERDICTS[e.verdict]),
            f"{e.treated.guests:,} / {e.control.guests:,}",
            f"{pct(e.treated.came)} / {pct(e.control.came)}",
            rng(e.visits, lambda x: f"{x:+.2f}"),
            rng(e.profit, yen_text),
            yen_text(e.cost),
            rng(e.net, yen_text),
            f"{e.redeemed:,} / {e.issued:,} ({pct(e.redemption_rate)})",
        ]
        for e in effects_
    ]
    return headers, rows


def figure(effects_: Sequence[CampaignEffect]):
    """Each campaign's extra visits per guest with its 95 % range (a dot and a bar), zero marked;
    campaigns that cannot be judged yet say why instead of showing a number."""
    # lazy: charts loads matplotlib (1.1 s at start-up); only the effect chart needs it
    from shopcrm.services import charts

    fig = charts.new_figure(8.0, max(2.6, 0.7 * len(effects_) + 1.4))
    ax = fig.add_subplot()
    ax.set_title(_(CHART_TITLE), fontsize=11)
    colours = {"raised": "#2CA58D", "lowered": "#C0392B", "unclear": "#7F8C8D"}
    labels, texts = [], []
    for i, e in enumerate(effects_):
        labels.append(title_of(e))
        v = e.visits
        if e.verdict in colours and v.diff is not None:
            assert v.low is not None and v.high is not None  # compare(): all three or none
            colour = colours[e.verdict]
            ax.errorbar(
                [v.diff],
                [i],
                xerr=[[v.diff - v.low], [v.high - v.diff]],
                fmt="o",
                color=colour,
                ecolor=colour,
                elinewidth=3,
                capsize=6,
                markersize=8,
            )
        else:
            ax.text(0, i, "  " + _(SHORT_VERDICTS[e.verdict]), va="center", color="#555555")
        texts.append(e.verdict_text())
    ax.axvline(0, color="#2E2E2E", linewidth=1)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_ylim(-0.7, len(labels) - 0.3)
    ax.invert_yaxis()
    ax.set_xlabel(_("visits per guest (0 = no difference)"))
    ax.grid(axis="x", color="#DDDDDD")
    lows = [e.visits.low for e in effects_ if e.visits.low is not None]
    highs = [e.visits.high for e in effects_ if e.visits.high is not None]
    span = max([0.1, *(abs(x) for x in lows + highs)]) * 1.15
    ax.set_xlim(-span, span)
    # invisible points under each row carry the sentence the pointer shows
    xs = [e.visits.diff if e.visits.diff is not None else 0.0 for e in effects_]
    spots = ax.scatter(xs, range(len(xs)), s=600, alpha=0.0)
    charts.hover(fig, spots, texts)
    return fig
