"""The owner's measures: repeat rate, cohorts, LTV, channels, RFM, deciles, coupon ROI, DM mail.

Everything is computed with numpy over whole columns (``store.arrays`` hands over arrays), so
a shop with a million visits is summarised in a fraction of a second. No Qt, no matplotlib.

Definitions (PRODUCT.md; each is pinned by a test on a hand-computed shop):

- A *visit day* is a (customer, date) pair: several bills of one guest on one date are one visit
  day. Anonymous visits (no customer) count in visits and revenue, never in customer measures.
- *New customers* of month M: customers whose first visit ever is in M. *Returning customers*:
  those who visited in M and had visited before M. *Returning share* = returning / customers
  visiting in M.
- *Average spend per visit* = revenue / bills; *per person* = revenue / guests (party sizes).
- *Second-visit rate* (30/60/90 days) of first-visit month M: of the customers whose first visit
  day f fell in M and whose window has fully passed (f + N <= as-of date), the share with a second
  visit day within N days (second day - f <= N). Customers whose window is still open are left out.
- *Repeat rate* over a period: customers with >= 2 visit days in the period / those with >= 1.
- *Retention*: cohort = first-visit month c; cell (c, k) = share of the cohort visiting in month
  c + k.
- *Historical LTV* at age k months: cumulative gross profit (revenue x gross margin) per customer
  of months 0..k since the first visit; month j adds the profit of month j averaged over the
  customers old enough to have lived it (c + j <= as-of month). For one cohort this is simply its
  cumulative profit per customer; across cohorts the curve never falls.
- *Classic LTV* = sum over t = 0..years-1 of (spend per visit x visits per year x margin) /
  (1+d)^t: the first year is not discounted, each later one is. Spend per visit and visits per
  year come from the last 365 days up to the as-of date (known customers' bills / customers).
- *Channels*: new customers in the period; their 90-day second-visit rate; 12-month LTV = average
  gross profit within 365 days of the first visit over ALL the channel's customers first seen at
  least 365 days before the as-of date; cost = entered costs of the period's months; cost per
  acquired customer = cost / new customers; LTV / cost.
- *RFM* (as of the as-of date, all history): R score from days since the last visit (<=30: 5,
  <=60: 4, <=90: 3, <=180: 2, else 1), F score from visit days (1: 1, 2: 2, 3-4: 3, 5-9: 4,
  >=10: 5); segments by R and F (``segment_of``); M = total spend, shown per segment.
- *Deciles*: customers who visited in the period ranked by their spend in the period (highest
  first, ties by id); decile i holds ranks with floor(rank x 10 / n) = i; share = its revenue /
  all revenue.
- *Coupons* (per campaign, coupons issued in the period, voided ones left out): redeemed, rate,
  revenue of the redeeming visits (bills are recorded after the discount), discount given
  (``_discount``), print & postage = the campaign's mailings sent in the period x cost per piece;
  ROI = (revenue x margin - cost) / cost, cost = discount + print & postage.
- *DM response*: a mailing sent on day s is answered when its customer has a visit day in
  (s, s + N].

Long module: every measure is a short function over the same loaded arrays (``load``) and the same
period and cohort helpers; split by measure, each part would import all the others' helpers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

import numpy as np
from sqlite_utils import Database

from shopcrm.i18n import N_
from shopcrm.store import arrays, settings

WINDOWS = (30, 60, 90)
RFM_R_DAYS = (30, 60, 90, 180)  # last visit within these many days -> R score 5, 4, 3, 2 (else 1)
RFM_F_DAYS = (2, 3, 5, 10)  # visit days reaching these -> F score 2, 3, 4, 5 (else 1)

SEGMENTS = (
    "champions",
    "loyal",
    "new",
    "promising",
    "cannot_lose",
    "at_risk",
    "hibernating",
)
SEGMENT_LABELS = {
    "champions": N_("Champions"),
    "loyal": N_("Loyal"),
    "new": N_("New"),
    "promising": N_("Promising"),
    "cannot_lose": N_("Can't lose them"),
    "at_risk": N_("At risk"),
    "hibernating": N_("Hibernating"),
}
SEGMENT_HELP = {
    "champions": N_("Came recently and often"),
    "loyal": N_("Come often"),
    "new": N_("First visit in the last 60 days"),
    "promising": N_("Recent, one or two visit days"),
    "cannot_lose": N_("Came very often, not for over 90 days"),
    "at_risk": N_("Came several times, not for over 90 days"),
    "hibernating": N_("One or two visit days, long ago"),
}
UNKNOWN_CHANNEL = N_("(not recorded)")


# --- month arithmetic -----------------------------------------------------------------------


def month_index(d: dt.date) -> int:
    """Months since 1970-01 (the unit of every month array here)."""
    return (d.year - 1970) * 12 + d.month - 1


def month_label(m: int) -> str:
    return f"{1970 + m // 12:04d}-{m % 12 + 1:02d}"


def month_start(m: int) -> dt.date:
    return dt.date(1970 + m // 12, m % 12 + 1, 1)


def month_end(m: int) -> dt.date:
    return month_start(m + 1) - dt.timedelta(days=1)


def _months_of_days(days: np.ndarray) -> np.ndarray:
    """Month index of each day number (through a lookup table over the span: fast for 1M days)."""
    days = np.asarray(days, dtype=np.int64)
    if len(days) < 1000:
        return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    lo, hi = int(days.min()), int(days.max())
    table = np.arange(lo, hi + 1).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return table[days - lo]


def _distinct_sorted(values: np.ndarray) -> int:
    """How many different values a sorted array holds (no hashing, unlike ``np.unique``)."""
    if not len(values):
        return 0
    return 1 + int(np.count_nonzero(values[1:] != values[:-1]))


def _ratio(num: float, den: float) -> float | None:
    return float(num) / float(den) if den else None


def _yen(value: float | None) -> int | None:
    return None if value is None else round(value)


@dataclass(frozen=True)
class MonthComparison:
    """The days of a month and the days it is compared with (previous month, a year before).

    For a month still under way (``partial``) all three are day 1 to the as-of day's number, so
    23 days are never set against a whole month (a shorter month is compared whole: 1-30 Mar
    against 1-28 Feb)."""

    this: tuple[dt.date, dt.date]
    previous: tuple[dt.date, dt.date]
    last_year: tuple[dt.date, dt.date]
    partial: bool


def month_comparison(year: int, month: int, today: dt.date) -> MonthComparison:
    m = (year - 1970) * 12 + month - 1
    partial = month_start(m) <= today < month_end(m)

    def days(i: int) -> tuple[dt.date, dt.date]:
        if not partial:
            return month_start(i), month_end(i)
        return month_start(i), min(month_end(i), month_start(i) + dt.timedelta(today.day - 1))

    return MonthComparison(days(m), days(m - 1), days(m - 12), partial)


# --- the shop's data as arrays ----------------------------------------------------------------


@dataclass
class ShopData:
    """Every visit up to ``as_of`` plus per-customer figures, channels, costs, coupons, mailings."""

    as_of: dt.date
    visits: arrays.VisitArrays  # all visits, sorted by customer and day
    # visit days of known customers (same-day bills merged), sorted by customer and day
    d_cid: np.ndarray
    d_day: np.ndarray
    d_amount: np.ndarray
    d_cust: np.ndarray  # index into the per-customer arrays below
    # per customer with at least one visit, sorted by id
    c_id: np.ndarray
    c_first: np.ndarray  # first visit day
    c_second: np.ndarray  # second visit day, -1 if none
    c_last: np.ndarray
    c_days: np.ndarray  # visit days
    c_total: np.ndarray  # yen
    c_channel: np.ndarray  # channel id, 0 = not recorded
    channels: dict[int, str]
    costs: list[tuple[int, str, int]]
    campaigns: list[arrays.CampaignRow]
    coupons: list[arrays.CouponRow]
    mailings: list[arrays.MailingRow]
    margin: float  # gross margin as a fraction
    discount_rate: float  # annual, as a fraction
    ltv_years: int
    # measures that do not depend on the period (RFM, LTV by channel, the LTV formula), kept
    # for the next period of the same data
    cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def as_of_day(self) -> int:
        return arrays.day_number(self.as_of)

    @property
    def as_of_month(self) -> int:
        return month_index(self.as_of)


def load(db: Database, *, today: dt.date | None = None) -> ShopData:
    """Read everything the measures need, counting visits up to and including ``today``."""
    as_of = today or dt.date.today()
    visits = arrays.load_visits(db, until=as_of)
    customers = arrays.load_customers(db)
    conf = settings.get_all(db)
    return build(
        visits,
        customers,
        as_of=as_of,
        channels=arrays.channel_names(db),
        costs=arrays.channel_costs(db),
        campaigns=arrays.load_campaigns(db),
        coupons=arrays.load_coupons(db),
        mailings=arrays.load_mailings(db),
        margin=conf["gross_margin_percent"] / 100.0,
        discount_rate=conf["discount_rate_percent"] / 100.0,
        ltv_years=conf["ltv_years"],
    )


def build(
    visits: arrays.VisitArrays,
    customers: arrays.CustomerArrays,
    *,
    as_of: dt.date,
    channels: dict[int, str] | None = None,
    costs=(),
    campaigns=(),
    coupons=(),
    mailings=(),
    margin: float = 0.65,
    discount_rate: float = 0.10,
    ltv_years: int = 3,
) -> ShopData:
    known = visits.customer_id > 0
    cid, day, amount = visits.customer_id[known], visits.day[known], visits.amount[known]
    # merge same-day bills into visit days (input is sorted by customer and day)
    if len(cid):
        new_day = np.ones(len(cid), dtype=bool)
        new_day[1:] = (cid[1:] != cid[:-1]) | (day[1:] != day[:-1])
        starts = np.flatnonzero(new_day)
        d_cid, d_day = cid[starts], day[starts]
        d_amount = np.add.reduceat(amount, starts)
    else:
        d_cid = d_day = d_amount = np.zeros(0, dtype=np.int64)
    c_id, c_start, c_days = np.unique(d_cid, return_index=True, return_counts=True)
    d_cust = np.repeat(np.arange(len(c_id)), c_days)
    c_first = d_day[c_start] if len(c_id) else np.zeros(0, dtype=np.int64)
    c_last = d_day[c_start + c_days - 1] if len(c_id) else np.zeros(0, dtype=np.int64)
    c_second = np.full(len(c_id), -1, dtype=np.int64)
    has2 = c_days >= 2
    c_second[has2] = d_day[c_start[has2] + 1]
    c_total = np.add.reduceat(d_amount, c_start) if len(c_id) else np.zeros(0, dtype=np.int64)
    pos = np.searchsorted(customers.id, c_id)
    pos = np.clip(pos, 0, max(len(customers.id) - 1, 0))
    if len(customers.id):
        found = customers.id[pos] == c_id
        c_channel = np.where(found, customers.channel_id[pos], 0)
    else:
        c_channel = np.zeros(len(c_id), dtype=np.int64)
    return ShopData(
        as_of=as_of,
        visits=visits,
        d_cid=d_cid,
        d_day=d_day,
        d_amount=d_amount,
        d_cust=d_cust,
        c_id=c_id,
        c_first=c_first,
        c_second=c_second,
        c_last=c_last,
        c_days=c_days,
        c_total=c_total,
        c_channel=c_channel,
        channels=dict(channels or {}),
        costs=list(costs),
        campaigns=list(campaigns),
        coupons=list(coupons),
        mailings=list(mailings),
        margin=margin,
        discount_rate=discount_rate,
        ltv_years=ltv_years,
    )


# --- result records ----------------------------------------------------------------------------


@dataclass
class MonthRow:
    month: str  # 'YYYY-MM'
    new_customers: int
    returning_customers: int
    customers: int  # known customers who visited
    returning_share: float | None
    visits: int  # bills, anonymous ones included
    guests: int  # sum of party sizes
    revenue: int
    spend_per_visit: int | None
    spend_per_person: int | None


@dataclass
class SecondVisitRow:
    month: str  # first-visit month
    new_customers: int
    eligible: dict[int, int]  # window -> customers whose window has passed
    returned: dict[int, int]  # window -> of those, came back within the window
    rate: dict[int, float | None]


@dataclass
class Retention:
    cohorts: list[str]
    sizes: list[int]
    shares: list[list[float | None]]  # [cohort][months since]; None = not yet observed


@dataclass
class LtvCurve:
    label: str
    customers: int
    values: list[int | None]  # cumulative gross profit per customer at age 0..n months


@dataclass
class ClassicLtv:
    spend_per_visit: int
    visits_per_year: float
    gross_margin: float
    discount_rate: float
    years: int
    annual_profit: int
    ltv: int  # over the set ``years``: an assumption, shown as one
    yearly: list[int]  # discounted profit of each year
    # from the shop's own data: the share of last year's guests who came again this year,
    # the expected lifetime it implies (1 / (1 - retention) years, undiscounted) and the LTV it
    # gives (annual profit x sum of (retention / (1 + d))^t, t = 0, 1, ...); None = no year yet
    retention: float | None = None
    expected_years: float | None = None
    ltv_observed: int | None = None
    # the same formula over ``horizon_years`` beside what guests first seen at least that long
    # ago actually brought in gross profit in their first ``horizon_years`` (same discounting)
    horizon_years: int = 0
    formula_at_horizon: int | None = None
    historical_at_horizon: int | None = None
    historical_customers: int = 0

    @property
    def headline(self) -> int:
        """The LTV the dashboard shows: from observed retention where there is a year of it."""
        return self.ltv if self.ltv_observed is None else self.ltv_observed


@dataclass
class ChannelRow:
    channel_id: int
    channel: str
    new_customers: int
    second_visit_rate_90: float | None
    ltv_12m: int | None
    ltv_customers: int  # customers the 12-month LTV is averaged over
    cost: int
    cost_per_customer: int | None
    ltv_to_cost: float | None


@dataclass
class SegmentRow:
    segment: str
    customers: int
    share: float | None
    avg_days_since: float | None
    avg_visit_days: float | None
    avg_spend: int | None
    revenue: int


@dataclass
class DecileRow:
    decile: int  # 1 = top tenth
    customers: int
    revenue: int
    share: float | None
    cumulative_share: float | None
    min_spend: int | None
    max_spend: int | None


@dataclass
class CampaignRow:
    campaign_id: int
    campaign: str
    kind: str
    issued: int
    redeemed: int
    redemption_rate: float | None
    revenue: int
    discount: int
    mailings: int
    print_cost: int
    roi: float | None
    dm_responded: int = 0  # mailings of the period answered by a visit within ``dm_days``
    dm_response_rate: float | None = None


@dataclass
class DmRow:
    campaign: str
    mailings: int
    responded: int
    rate: float | None


@dataclass
class Dashboard:
    start: dt.date
    end: dt.date
    totals: dict
    months: list[MonthRow]
    second_visit: list[SecondVisitRow]
    repeat_rate: float | None
    retention: Retention
    ltv_cohorts: list[LtvCurve]
    ltv_channels: list[LtvCurve]
    classic_ltv: ClassicLtv
    channels: list[ChannelRow]
    rfm_grid: list[list[int]]  # [R score 5..1][F score 1..5] customers
    segments: list[SegmentRow]
    deciles: list[DecileRow]
    campaigns: list[CampaignRow]
    dm_response: list[DmRow]
    dm_days: int = 30
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


# --- the measures --------------------------------------------------------------------------------


def _period_days(data: ShopData, start: dt.date, end: dt.date) -> tuple[int, int]:
    return arrays.day_number(start), arrays.day_number(min(end, data.as_of))


def monthly(data: ShopData, start: dt.date, end: dt.date) -> list[MonthRow]:
    """One row per calendar month from ``start``'s month to ``end``'s month."""
    m0, m1 = month_index(start), month_index(min(end, data.as_of))
    if m1 < m0:
        return []
    n = m1 - m0 + 1
    a, b = _period_days(data, start, end)
    # a period starting or ending mid-month: its first and last rows count only the period's
    # days, so the rows add up to the period's totals
    whole = a == arrays.day_number(month_start(m0)) and b >= min(
        arrays.day_number(month_end(m1)), data.as_of_day
    )
    v = data.visits
    vm = _months_of_days(v.day) - m0
    inside = (vm >= 0) & (vm < n)
    if not whole:
        inside &= (v.day >= a) & (v.day <= b)
    bills = np.bincount(vm[inside], minlength=n)
    revenue = np.bincount(vm[inside], weights=v.amount[inside], minlength=n)
    guests = np.bincount(vm[inside], weights=v.party[inside], minlength=n)
    dm = _months_of_days(data.d_day)
    first_m = _months_of_days(data.c_first)[data.d_cust]
    if whole:  # whole months (the usual case): every visit day of the months counts
        pair = np.ones(len(dm), dtype=bool)
        pair[1:] = (data.d_cid[1:] != data.d_cid[:-1]) | (dm[1:] != dm[:-1])
        pm, pf = dm[pair] - m0, first_m[pair]
        new_here = np.ones(len(pm), dtype=bool)
    else:  # a period starting or ending mid-month: only the visit days inside it
        kept = np.flatnonzero((data.d_day >= a) & (data.d_day <= b))
        kd, kc = dm[kept], data.d_cid[kept]
        first_of = np.ones(len(kept), dtype=bool)
        first_of[1:] = (kc[1:] != kc[:-1]) | (kd[1:] != kd[:-1])
        pairs = kept[first_of]
        pm, pf = dm[pairs] - m0, first_m[pairs]
        new_here = data.c_first[data.d_cust[pairs]] >= a  # first visit ever inside the period
    ok = (pm >= 0) & (pm < n)
    visiting = np.bincount(pm[ok], minlength=n)
    new = np.bincount(pm[ok & (pf == pm + m0) & new_here], minlength=n)
    rows = []
    for i in range(n):
        returning = int(visiting[i] - new[i])
        rows.append(
            MonthRow(
                month=month_label(m0 + i),
                new_customers=int(new[i]),
                returning_customers=returning,
                customers=int(visiting[i]),
                returning_share=_ratio(returning, visiting[i]),
                visits=int(bills[i]),
                guests=int(guests[i]),
                revenue=int(revenue[i]),
                spend_per_visit=_yen(_ratio(revenue[i], bills[i])),
                spend_per_person=_yen(_ratio(revenue[i], guests[i])),
            )
        )
    return rows


def second_visit_rates(
    data: ShopData, start: dt.date, end: dt.date, windows=WINDOWS
) -> list[SecondVisitRow]:
    """Second-visit rate within each window, by first-visit month (months of the period)."""
    m0, m1 = month_index(start), month_index(min(end, data.as_of))
    fm = _months_of_days(data.c_first)
    gap = np.where(data.c_second >= 0, data.c_second - data.c_first, np.iinfo(np.int64).max)
    rows = []
    for m in range(m0, m1 + 1):
        sel = fm == m
        eligible, returned, rate = {}, {}, {}
        for w in windows:
            el = sel & (data.c_first + w <= data.as_of_day)
            eligible[w] = int(el.sum())
            returned[w] = int((el & (gap <= w)).sum())
            rate[w] = _ratio(returned[w], eligible[w])
        rows.append(SecondVisitRow(month_label(m), int(sel.sum()), eligible, returned, rate))
    return rows


def repeat_rate(data: ShopData, start: dt.date, end: dt.date) -> float | None:
    """Customers with two or more visit days in the period / customers with at least one."""
    a, b = _period_days(data, start, end)
    inside = (data.d_day >= a) & (data.d_day <= b)
    counts = np.bincount(data.d_cust[inside], minlength=len(data.c_id))
    return _ratio((counts >= 2).sum(), (counts >= 1).sum())


def retention(data: ShopData, start: dt.date, end: dt.date, max_cohorts: int = 24) -> Retention:
    """Share of each first-visit-month cohort visiting k months later."""
    m0, m1 = month_index(start), month_index(min(end, data.as_of))
    m0 = max(m0, m1 - max_cohorts + 1)
    cur = data.as_of_month
    fm = _months_of_days(data.c_first)
    dm = _months_of_days(data.d_day)
    cohort = fm[data.d_cust]
    pair = np.ones(len(dm), dtype=bool)
    pair[1:] = (data.d_cid[1:] != data.d_cid[:-1]) | (dm[1:] != dm[:-1])
    n = max(m1 - m0 + 1, 0)
    width = max(cur - m0 + 1, 1)
    c, k = cohort[pair] - m0, (dm - cohort)[pair]
    ok = (c >= 0) & (c < n)
    grid = np.bincount(c[ok] * width + k[ok], minlength=n * width).reshape(n, width)
    sizes = np.bincount(fm[(fm >= m0) & (fm <= m1)] - m0, minlength=n)
    shares = []
    for i in range(n):
        observed = cur - (m0 + i) + 1
        shares.append(
            [
                _ratio(grid[i, j], sizes[i]) if j < observed and sizes[i] else None
                for j in range(width)
            ]
        )
    return Retention([month_label(m0 + i) for i in range(n)], [int(s) for s in sizes], shares)


def _ltv_groups(
    data: ShopData, groups: np.ndarray, labels: dict[int, str], max_age: int
) -> list[LtvCurve]:
    """Cumulative gross profit per customer by months since first visit, for each group value.

    Each month of age adds the average profit of that age over the customers old enough to have
    lived it (c + k <= as-of month), so a curve never falls when younger customers drop out of the
    later ages (for one cohort it is simply the cohort's cumulative profit per customer).
    """
    keys = list(labels)
    if not keys or not len(data.c_id):
        return []
    # each customer's group as an index into ``keys`` (-1 = none of them), without a Python loop
    key_arr = np.asarray(keys, dtype=np.int64)
    by_key = np.argsort(key_arr)
    pos = np.clip(np.searchsorted(key_arr[by_key], groups), 0, len(keys) - 1)
    cust_group = np.where(key_arr[by_key][pos] == groups, by_key[pos], -1).astype(np.int64)
    fm = _months_of_days(data.c_first)
    age_cust = np.minimum(data.as_of_month - fm, max_age + 1)  # oldest observed age, capped
    age_visit = _months_of_days(data.d_day) - fm[data.d_cust]
    width = max_age + 2
    n = len(keys)
    vg = cust_group[data.d_cust]
    ok = (vg >= 0) & (age_visit <= max_age)
    profit = np.bincount(
        vg[ok] * width + age_visit[ok], weights=data.d_amount[ok] * data.margin, minlength=n * width
    ).reshape(n, width)[:, : max_age + 1]
    member = cust_group >= 0
    at_age = np.bincount(
        cust_group[member] * width + age_cust[member], minlength=n * width
    ).reshape(n, width)
    old_enough = np.cumsum(at_age[:, ::-1], axis=1)[:, ::-1][:, : max_age + 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        cumulative = np.cumsum(np.where(old_enough > 0, profit / old_enough, 0.0), axis=1)
    sizes = np.bincount(cust_group[member], minlength=n)
    curves = []
    for i, g in enumerate(keys):
        if not sizes[i]:
            continue
        values: list[int | None] = []
        for k in range(max_age + 1):
            if old_enough[i, k] == 0:
                break
            values.append(_yen(cumulative[i, k]))
        curves.append(LtvCurve(labels[g], int(sizes[i]), values))
    return curves


def ltv_by_cohort(
    data: ShopData, start: dt.date, end: dt.date, max_age: int = 24, max_cohorts: int = 12
) -> list[LtvCurve]:
    m0, m1 = month_index(start), month_index(min(end, data.as_of))
    m0 = max(m0, m1 - max_cohorts + 1)
    fm = _months_of_days(data.c_first)
    labels = {m: month_label(m) for m in range(m0, m1 + 1)}
    return _ltv_groups(data, fm, labels, max_age)


def ltv_by_channel(data: ShopData, max_age: int = 24) -> list[LtvCurve]:
    labels = dict(data.channels)
    labels[0] = UNKNOWN_CHANNEL
    return _ltv_groups(data, data.c_channel, labels, max_age)


def discount_factor(year: int, rate: float) -> float:
    """The one discounting convention (classic LTV, predicted value, historical LTV): money of
    the first year (year 0, e.g. the next 12 months) is not discounted, year t by (1 + rate)^t."""
    return 1.0 / (1.0 + rate) ** year


def annual_retention(data: ShopData) -> float | None:
    """Of the known guests who came in the year before the last 365 days, the share who came
    again in the last 365 days (None before the shop has two years of visits)."""
    end = data.as_of_day
    if not len(data.c_id) or int(data.c_first.min()) > end - 730 + 1:
        return None
    prev = (data.d_day > end - 730) & (data.d_day <= end - 365)
    last = (data.d_day > end - 365) & (data.d_day <= end)
    n = len(data.c_id)
    in_prev = np.bincount(data.d_cust[prev], minlength=n) > 0
    in_last = np.bincount(data.d_cust[last], minlength=n) > 0
    return _ratio((in_prev & in_last).sum(), in_prev.sum())


def historical_ltv(data: ShopData, years: int) -> tuple[int | None, int]:
    """(gross profit per guest in their first ``years`` years, discounted like the formula;
    how many guests) over the guests first seen at least ``years`` years before the as-of day."""
    if years < 1 or not len(data.c_id):
        return None, 0
    old = data.c_first + 365 * years <= data.as_of_day
    if not old.any():
        return None, 0
    age_year = (data.d_day - data.c_first[data.d_cust]) // 365
    sel = old[data.d_cust] & (age_year < years)
    factor = 1.0 / (1.0 + data.discount_rate) ** age_year[sel]
    profit = float(np.sum(data.d_amount[sel] * data.margin * factor))
    return _yen(profit / old.sum()), int(old.sum())


def classic_ltv(data: ShopData) -> ClassicLtv:
    """The textbook formula with its inputs, from the last 365 days of known customers' bills.

    The annual profit is computed from the inputs as shown (yen, visits to two decimals), so the
    sentence that states them multiplies out. Besides the set number of years (an assumption) it
    gives the LTV implied by the shop's observed yearly retention and, at the same horizon, the
    historical gross profit of guests old enough to have lived it."""
    v = data.visits
    a = data.as_of_day - 364
    sel = (v.customer_id > 0) & (v.day >= a) & (v.day <= data.as_of_day)
    bills = int(sel.sum())
    revenue = int(v.amount[sel].sum())
    people = _distinct_sorted(v.customer_id[sel])  # visits are sorted by customer
    spend = round(revenue / bills) if bills else 0
    per_year = round(bills / people, 2) if people else 0.0
    annual = spend * per_year * data.margin
    d = data.discount_rate
    yearly = [annual * discount_factor(t, d) for t in range(data.ltv_years)]
    retention = annual_retention(data)
    expected_years = ltv_observed = formula_h = None
    horizon = 0
    if len(data.c_id):
        seen = (data.as_of_day - int(data.c_first.min())) // 365
        horizon = max(1, min(data.ltv_years, int(seen)))
    if retention is not None:
        expected_years = 1.0 / (1.0 - retention) if retention < 1 else None
        if retention < 1 + d:
            ltv_observed = round(annual * (1 + d) / (1 + d - retention))
        formula_h = round(sum(annual * (retention / (1 + d)) ** t for t in range(horizon)))
    historical, hist_n = historical_ltv(data, horizon)
    return ClassicLtv(
        spend_per_visit=spend,
        visits_per_year=per_year,
        gross_margin=data.margin,
        discount_rate=d,
        years=data.ltv_years,
        annual_profit=round(annual),
        ltv=round(sum(yearly)),
        yearly=[round(y) for y in yearly],
        retention=retention,
        expected_years=expected_years,
        ltv_observed=ltv_observed,
        horizon_years=horizon,
        formula_at_horizon=formula_h,
        historical_at_horizon=historical,
        historical_customers=hist_n,
    )


def _months_in(start: dt.date, end: dt.date) -> set[str]:
    return {month_label(m) for m in range(month_index(start), month_index(end) + 1)}


def channels(data: ShopData, start: dt.date, end: dt.date) -> list[ChannelRow]:
    a, b = _period_days(data, start, end)
    new = (data.c_first >= a) & (data.c_first <= b)
    back90 = (data.c_second >= 0) & (data.c_second - data.c_first <= 90)
    eligible90 = data.c_first + 90 <= data.as_of_day
    # 12-month LTV: profit within 365 days of the first visit, customers at least a year old
    year_old = data.c_first + 365 <= data.as_of_day
    within = data.d_day - data.c_first[data.d_cust] < 365
    first_year = np.bincount(
        data.d_cust[within], weights=data.d_amount[within], minlength=len(data.c_id)
    )
    months = _months_in(start, end)
    cost_by_channel: dict[int, int] = {}
    for ch, month, amount in data.costs:
        if month in months:
            cost_by_channel[ch] = cost_by_channel.get(ch, 0) + amount
    labels = dict(data.channels)
    labels[0] = UNKNOWN_CHANNEL
    rows = []
    for ch, name in labels.items():
        mine = data.c_channel == ch
        n_new = int((mine & new).sum())
        el = mine & new & eligible90
        old = mine & year_old
        ltv = _yen(first_year[old].sum() * data.margin / old.sum()) if old.any() else None
        cost = cost_by_channel.get(ch, 0)
        cpa = _yen(cost / n_new) if (n_new and cost) else None
        if ch == 0 and n_new == 0 and not old.any():
            continue
        rows.append(
            ChannelRow(
                channel_id=ch,
                channel=name,
                new_customers=n_new,
                second_visit_rate_90=_ratio((el & back90).sum(), el.sum()),
                ltv_12m=ltv,
                ltv_customers=int(old.sum()),
                cost=cost,
                cost_per_customer=cpa,
                ltv_to_cost=(ltv / cpa) if (ltv is not None and cpa) else None,
            )
        )
    return rows


def r_score(days_since: np.ndarray) -> np.ndarray:
    return 5 - np.searchsorted(np.asarray(RFM_R_DAYS), days_since, side="left")


def f_score(visit_days: np.ndarray) -> np.ndarray:
    return 1 + np.searchsorted(np.asarray(RFM_F_DAYS), visit_days, side="right")


def segment_of(r: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Segment name for each (R score, F score) pair, first matching rule wins:
    champions R>=4 F>=4; loyal R>=3 F>=3; new R>=4 F=1; promising R>=3 (F<=2);
    can't lose them R<=2 F=5; at risk R<=2 F 3-4; hibernating R<=2 F<=2."""
    r, f = np.asarray(r), np.asarray(f)
    return np.select(
        [
            (r >= 4) & (f >= 4),
            (r >= 3) & (f >= 3),
            (r >= 4) & (f == 1),
            r >= 3,
            f >= 5,
            f >= 3,
        ],
        ["champions", "loyal", "new", "promising", "cannot_lose", "at_risk"],
        default="hibernating",
    )


@dataclass
class Rfm:
    customer_id: np.ndarray
    days_since: np.ndarray
    visit_days: np.ndarray
    spend: np.ndarray
    r: np.ndarray
    f: np.ndarray
    segment: np.ndarray


def rfm(data: ShopData) -> Rfm:
    days_since = data.as_of_day - data.c_last
    r, f = r_score(days_since), f_score(data.c_days)
    return Rfm(data.c_id, days_since, data.c_days, data.c_total, r, f, segment_of(r, f))


def segments(data: ShopData, scores: Rfm | None = None) -> tuple[list[list[int]], list[SegmentRow]]:
    s = scores or rfm(data)
    grid = np.zeros((5, 5), dtype=int)
    np.add.at(grid, (5 - s.r, s.f - 1), 1)
    total = len(s.customer_id)
    rows = []
    for name in SEGMENTS:
        sel = s.segment == name
        n = int(sel.sum())
        rows.append(
            SegmentRow(
                segment=name,
                customers=n,
                share=_ratio(n, total),
                avg_days_since=float(s.days_since[sel].mean()) if n else None,
                avg_visit_days=float(s.visit_days[sel].mean()) if n else None,
                avg_spend=_yen(float(s.spend[sel].mean())) if n else None,
                revenue=int(s.spend[sel].sum()),
            )
        )
    return grid.tolist(), rows


def deciles(data: ShopData, start: dt.date, end: dt.date) -> list[DecileRow]:
    a, b = _period_days(data, start, end)
    inside = (data.d_day >= a) & (data.d_day <= b)
    spend = np.bincount(
        data.d_cust[inside], weights=data.d_amount[inside], minlength=len(data.c_id)
    ).astype(np.int64)
    active = np.bincount(data.d_cust[inside], minlength=len(data.c_id)) > 0
    ids, spend = data.c_id[active], spend[active]
    order = np.lexsort((ids, -spend))
    spend = spend[order]
    n = len(spend)
    total = int(spend.sum())
    decile = (np.arange(n) * 10) // n if n else np.zeros(0, dtype=int)
    rows, cumulative = [], 0
    for i in range(10):
        sel = spend[decile == i]
        revenue = int(sel.sum())
        cumulative += revenue
        rows.append(
            DecileRow(
                decile=i + 1,
                customers=len(sel),
                revenue=revenue,
                share=_ratio(revenue, total),
                cumulative_share=_ratio(cumulative, total),
                min_spend=int(sel.min()) if len(sel) else None,
                max_spend=int(sel.max()) if len(sel) else None,
            )
        )
    return rows


def _discount(c: arrays.CampaignRow, bill: int) -> int:
    """Discount a redeemed coupon gave on a bill recorded after the discount."""
    if c.discount_type == "amount":
        return c.discount_value
    if c.discount_type == "percent":
        if c.discount_value >= 100:
            return 0
        # paid = list x (1 - p) -> discount = paid x p / (1 - p)
        return round(bill * c.discount_value / (100 - c.discount_value))
    return c.discount_item_price


def campaigns(
    data: ShopData, start: dt.date, end: dt.date, *, dm_days: int = 30
) -> list[CampaignRow]:
    a, b = _period_days(data, start, end)
    by_id = {c.id: c for c in data.campaigns}
    mail_count: dict[int, int] = {}
    mail_answered: dict[int, int] = {}
    mails = [m for m in data.mailings if m.campaign_id is not None and a <= m.sent_day <= b]
    answered = _answered(data, mails, dm_days) if mails else np.zeros(0, dtype=bool)
    for m, yes in zip(mails, answered.tolist(), strict=True):
        assert m.campaign_id is not None  # mails keeps only those of a campaign
        mail_count[m.campaign_id] = mail_count.get(m.campaign_id, 0) + 1
        mail_answered[m.campaign_id] = mail_answered.get(m.campaign_id, 0) + int(yes)
    stats: dict[int, list[int]] = {}
    for k in data.coupons:
        if k.voided or not (a <= k.issued_day <= b) or k.campaign_id not in by_id:
            continue
        s = stats.setdefault(k.campaign_id, [0, 0, 0, 0])
        s[0] += 1
        if k.redeemed_day is not None and k.redeemed_day <= data.as_of_day:
            bill = k.visit_amount or 0
            s[1] += 1
            s[2] += bill
            s[3] += _discount(by_id[k.campaign_id], bill)
    rows = []
    for cid, c in by_id.items():
        issued, redeemed, revenue, discount = stats.get(cid, [0, 0, 0, 0])
        mailings = mail_count.get(cid, 0)
        if not issued and not mailings:
            continue
        print_cost = mailings * c.cost_per_piece
        cost = discount + print_cost
        rows.append(
            CampaignRow(
                campaign_id=cid,
                campaign=c.name,
                kind=c.kind,
                issued=issued,
                redeemed=redeemed,
                redemption_rate=_ratio(redeemed, issued),
                revenue=revenue,
                discount=discount,
                mailings=mailings,
                print_cost=print_cost,
                roi=_ratio(revenue * data.margin - cost, cost),
                dm_responded=mail_answered.get(cid, 0),
                dm_response_rate=_ratio(mail_answered.get(cid, 0), mailings),
            )
        )
    return rows


def _answered(data: ShopData, mails: list[arrays.MailingRow], days: int) -> np.ndarray:
    """For each mailing (sent on day s): did its customer have a visit day in (s, s + days]?"""
    keys = (data.d_cid << 20) | data.d_day
    cid = np.array([m.customer_id for m in mails], dtype=np.int64)
    sent = np.array([m.sent_day for m in mails], dtype=np.int64)
    lo = np.searchsorted(keys, (cid << 20) | (sent + 1), side="left")
    hi = np.searchsorted(keys, (cid << 20) | (sent + days), side="right")
    return hi > lo


def dm_response(data: ShopData, start: dt.date, end: dt.date, days: int = 30) -> list[DmRow]:
    """Per campaign (and in total): mailings of the period answered by a visit within ``days``."""
    a, b = _period_days(data, start, end)
    mails = [m for m in data.mailings if a <= m.sent_day <= b]
    if not mails:
        return []
    answered = _answered(data, mails, days)
    names = {c.id: c.name for c in data.campaigns}
    camp = np.array([m.campaign_id or 0 for m in mails])
    rows = []
    for c in sorted(set(camp.tolist())):
        sel = camp == c
        n, r = int(sel.sum()), int(answered[sel].sum())
        rows.append(DmRow(names.get(c, ""), n, r, _ratio(r, n)))
    n, r = len(mails), int(answered.sum())
    rows.append(DmRow("", n, r, _ratio(r, n)))  # "" = all mailings
    return rows


def totals(data: ShopData, start: dt.date, end: dt.date, months=None) -> dict:
    """Key figures of the period (used by the report and the summary's first block)."""
    a, b = _period_days(data, start, end)
    v = data.visits
    sel = (v.day >= a) & (v.day <= b)
    bills, revenue, guests = int(sel.sum()), int(v.amount[sel].sum()), int(v.party[sel].sum())
    inside = (data.d_day >= a) & (data.d_day <= b)
    visiting = _distinct_sorted(data.d_cust[inside])  # visit days are sorted by customer
    new = int(((data.c_first >= a) & (data.c_first <= b)).sum())
    rows = monthly(data, start, end) if months is None else months
    return {
        "visits": bills,
        "revenue": revenue,
        "guests": guests,
        "customers": visiting,
        "new_customers": new,
        "returning_customers": visiting - new,
        # over guest-months, like the monthly bars it sits beside: returning guests of each
        # month / guests of each month, summed over the period's months
        "returning_share": _ratio(
            sum(r.returning_customers for r in rows), sum(r.customers for r in rows)
        ),
        "months": len(rows),
        "anonymous_revenue": int(v.amount[sel & (v.customer_id == 0)].sum()),
        "spend_per_visit": _yen(_ratio(revenue, bills)),
        "spend_per_person": _yen(_ratio(revenue, guests)),
        "repeat_rate": repeat_rate(data, start, end),
    }


def dashboard(data: ShopData, start: dt.date, end: dt.date, *, dm_days: int = 30) -> Dashboard:
    """Every measure the dashboard, the summary command and the monthly report show."""
    end = min(end, data.as_of)
    if "fixed" not in data.cache:
        data.cache["fixed"] = (segments(data), ltv_by_channel(data), classic_ltv(data))
    (grid, segs), by_channel, formula = data.cache["fixed"]
    months = monthly(data, start, end)
    return Dashboard(
        start=start,
        end=end,
        totals=totals(data, start, end, months),
        months=months,
        second_visit=second_visit_rates(data, start, end),
        repeat_rate=repeat_rate(data, start, end),
        retention=retention(data, start, end),
        ltv_cohorts=ltv_by_cohort(data, start, end),
        ltv_channels=by_channel,
        classic_ltv=formula,
        channels=channels(data, start, end),
        rfm_grid=grid,
        segments=segs,
        deciles=deciles(data, start, end),
        campaigns=campaigns(data, start, end, dm_days=dm_days),
        dm_response=dm_response(data, start, end, dm_days),
        dm_days=dm_days,
    )


def summary(
    db: Database,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    dm_days: int = 30,
) -> Dashboard:
    """The dashboard for a period (default: the 12 months up to today)."""
    end = end or dt.date.today()
    start = start or month_start(month_index(end) - 11)
    return dashboard(load(db, today=end), start, end, dm_days=dm_days)
