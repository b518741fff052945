"""Plain words for every figure: one line each (what it counts, over which period, what a good
value looks like for a small restaurant), shared by the dashboard's tooltips and "?" buttons, the
monthly report and the Help page "Understanding your figures".

The texts are English msgids with Japanese entries in resources/i18n/ja/analytics.po; ``tip(key)``
gives the translated line. ``help_page(example)`` writes the Help page as simple HTML, using the
shop's own numbers (``example_figures(db)``) in each explanation.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

import numpy as np
from sqlite_utils import Database

from shopcrm.i18n import N_, _

# key -> (title msgid, one-line explanation msgid)
TERMS: dict[str, tuple[str, str]] = {
    "new_customers": (
        N_("New guests"),
        N_(
            "Guests whose first visit ever fell in the period. Acquisition is the start, not the "
            "goal: what matters is how many of them come back."
        ),
    ),
    "repeat_rate": (
        N_("Repeat rate"),
        N_(
            "Of the guests who came in the period, the share who came on two or more days. Over "
            "12 months a small restaurant does well above 30 %; above 40 % is very good."
        ),
    ),
    "second_visit": (
        N_("Second-visit rate"),
        N_(
            "Of the guests whose first visit was in a month, the share who came back within 30, "
            "60 or 90 days (only guests whose days have passed count). 25-35 % within 90 days "
            "is usual for an izakaya; more is good."
        ),
    ),
    "returning_share": (
        N_("Returning share"),
        N_(
            "Of the guests who came in the period, the share who had come before it. A settled "
            "shop sees well over half; a low share means the shop lives on new guests."
        ),
    ),
    "spend_per_person": (
        N_("Average spend per person"),
        N_(
            "Revenue of the period divided by the number of people at the tables (party sizes), "
            "anonymous bills included. Compare it with your menu's intended price per head."
        ),
    ),
    "spend_per_visit": (
        N_("Average spend per visit"),
        N_("Revenue of the period divided by the number of bills (one bill = one visit)."),
    ),
    "revenue": (
        N_("Revenue"),
        N_("Sum of all bills in the period, after coupon discounts, anonymous guests included."),
    ),
    "ltv": (
        N_("LTV (formula)"),
        N_(
            "What a guest is worth over the set number of years by the textbook formula: spend "
            "per visit × visits per year (last 12 months) × gross margin, later years "
            "discounted. It assumes every guest stays that long: compare it with historical LTV."
        ),
    ),
    "historical_ltv": (
        N_("Historical LTV"),
        N_(
            "Gross profit the shop actually earned per guest, month by month since each guest's "
            "first visit: what guests have really been worth so far. A rising curve is good."
        ),
    ),
    "retention": (
        N_("Retention"),
        N_(
            "For guests who first came in the same month, the share still visiting 1, 2, 3 … "
            "months later. Most shops keep 10-20 % after half a year; higher is better."
        ),
    ),
    "channels": (
        N_("Acquisition channels"),
        N_(
            "Per channel (flyers, word of mouth …): new guests in the period, their 90-day "
            "second-visit rate, first-year gross profit per guest, and what one new guest cost. "
            "A channel is worth it when first-year profit is above its cost per guest."
        ),
    ),
    "rfm": (
        N_("RFM segments"),
        N_(
            "Guests grouped by how recently (R) and how often (F) they came, with what they "
            "spent (M), over all history. Watch the 'at risk' and 'can't lose them' groups."
        ),
    ),
    "deciles": (
        N_("Deciles"),
        N_(
            "Guests who came in the period ranked by spend and cut into tenths; the top tenth "
            "often brings 30-40 % of known guests' revenue."
        ),
    ),
    "redemptions": (
        N_("Coupon redemptions"),
        N_(
            "Coupons issued in the period and how many were used, with the bills of the visits "
            "that used them. A redemption is not an effect: a regular may have come anyway. "
            "See Campaign effect."
        ),
    ),
    "predicted_value": (
        N_("Predicted value"),
        N_(
            "For each guest, the gross profit expected in the next 12 months from their own "
            "visit pattern (a statistical model fitted on the shop's history): expected visits × "
            "expected spend × gross margin."
        ),
    ),
    "at_risk": (
        N_("At risk"),
        N_(
            "Guests who spent the most but, by the model, have probably stopped coming, and "
            "came within the past year: the ones a win-back coupon is for."
        ),
    ),
    "uplift": (
        N_("Campaign uplift"),
        N_(
            "The difference a campaign made: visits and gross profit per guest in the days after "
            "sending, guests who got the coupon minus guests held back at random, with a 95 % "
            "range. A range that includes 0 means no clear effect yet."
        ),
    ),
    "customers": (
        N_("Guests visiting"),
        N_("Known guests who came at least once in the period, each counted once."),
    ),
    "visits": (
        N_("Visits"),
        N_("Bills recorded in the period (one bill = one visit), anonymous guests included."),
    ),
    "guests": (
        N_("Guests (people)"),
        N_("People at the tables in the period: the sum of the party sizes."),
    ),
    "business_day": (
        N_("Business day"),
        N_(
            "Visits before the cut-off hour (Settings, default 05:00) count for the day before: "
            "a 23:50 and a 00:20 bill are one evening, one visit day."
        ),
    ),
}


def title(key: str) -> str:
    return _(TERMS[key][0])


def text(key: str) -> str:
    return _(TERMS[key][1])


def tip(key: str) -> str:
    """ "Title: explanation" in the user's language (tooltips, the "?" buttons)."""
    return _("{title}: {text}").format(title=title(key), text=text(key))


# --- the Help page -------------------------------------------------------------------------------


@dataclass
class Example:
    """The shop's own numbers, for the Help page's examples (None where there are none yet)."""

    start: dt.date
    end: dt.date
    visiting: int = 0
    repeaters: int = 0
    repeat_rate: float | None = None
    second_month: str = ""
    second_new: int = 0
    second_eligible: int = 0
    second_returned: int = 0
    second_rate: float | None = None
    ltv: int | None = None
    ltv_spend: int = 0
    ltv_visits: float = 0.0
    ltv_margin: float = 0.0
    ltv_years: int = 0
    historical_12m: int | None = None
    predicted_guests: int = 0
    predicted_top: int | None = None
    predicted_total: int | None = None
    uplift_campaign: str = ""
    uplift_text: str = ""


def example_figures(db: Database, today: dt.date | None = None) -> Example:
    """Compute the examples from the shop's last 12 months (a worker calls this)."""
    # lazy: clv and effect load scipy (0.4 s at start-up); only the examples need them
    from shopcrm.services import analytics, clv, effect

    end = today or dt.date.today()
    start = analytics.month_start(analytics.month_index(end) - 11)
    data = analytics.load(db, today=end)
    board = analytics.dashboard(data, start, end)
    ex = Example(start=start, end=board.end)
    ex.visiting = board.totals["customers"]
    a, b = analytics._period_days(data, start, end)
    inside = (data.d_day >= a) & (data.d_day <= b)

    counts = np.bincount(data.d_cust[inside], minlength=len(data.c_id))
    ex.repeaters = int((counts >= 2).sum())
    ex.repeat_rate = board.repeat_rate
    # the month whose 90 days have passed for the most first-time guests
    rows = [r for r in board.second_visit if r.eligible.get(90)]
    if rows:
        row = max(rows, key=lambda r: (r.eligible[90], r.month))
        ex.second_month, ex.second_new = row.month, row.new_customers
        ex.second_eligible, ex.second_returned = row.eligible[90], row.returned[90]
        ex.second_rate = row.rate[90]
    c = board.classic_ltv
    ex.ltv, ex.ltv_spend, ex.ltv_visits = c.ltv, c.spend_per_visit, c.visits_per_year
    ex.ltv_margin, ex.ltv_years = c.gross_margin, c.years
    curves = [k for k in board.ltv_cohorts if len(k.values) >= 12 and k.values[11] is not None]
    if curves:
        ex.historical_12m = round(
            sum(v for k in curves if (v := k.values[11]) is not None) / len(curves)
        )
    result = clv.fit_visits(db, data.visits, data.as_of)
    if result.ok and result.predictions:
        values = sorted((p.expected_value for p in result.predictions), reverse=True)
        ex.predicted_guests = len(values)
        ex.predicted_top = values[0]
        ex.predicted_total = sum(values)
    measured = [e for e in effect.effects(db, data) if e.verdict not in ("no_control",)]
    if measured:
        best = max(measured, key=lambda e: e.treated.guests + e.control.guests)
        ex.uplift_campaign, ex.uplift_text = effect.title_of(best), best.verdict_text()
    return ex


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f} %"


def _yen(x: int | None) -> str:
    # lazy: effect loads scipy (0.4 s at start-up), as above
    from shopcrm.services.effect import yen_text

    return yen_text(x)


def help_page(ex: Example | None) -> str:
    """The Help page "Understanding your figures" as HTML (QTextBrowser shows it)."""
    h = html.escape
    parts = [f"<h2>{h(_('Understanding your figures'))}</h2>"]
    if ex is not None:
        parts.append(
            "<p>"
            + h(
                _("The examples use your shop's own numbers from {start} to {end}.").format(
                    start=ex.start.isoformat(), end=ex.end.isoformat()
                )
            )
            + "</p>"
        )

    def section(key: str, example: str) -> None:
        parts.append(f"<h3>{h(title(key))}</h3><p>{h(text(key))}</p>")
        if example:
            parts.append(f"<p><i>{h(_('In your shop:'))}</i> {h(example)}</p>")

    no_data = _("Not enough visits yet to show an example.")
    if ex is None:
        for key in ("repeat_rate", "second_visit", "ltv", "predicted_value", "uplift"):
            section(key, "")
    else:
        section(
            "repeat_rate",
            _(
                "{repeaters} of the {visiting} guests who came in these 12 months came on two or "
                "more days: a repeat rate of {rate}."
            ).format(repeaters=ex.repeaters, visiting=ex.visiting, rate=_pct(ex.repeat_rate))
            if ex.visiting
            else no_data,
        )
        section(
            "second_visit",
            _(
                "Of the {new} guests who first came in {month}, {eligible} have had their 90 "
                "days; {returned} of them came back within 90 days: {rate}."
            ).format(
                new=ex.second_new,
                month=ex.second_month,
                eligible=ex.second_eligible,
                returned=ex.second_returned,
                rate=_pct(ex.second_rate),
            )
            if ex.second_month
            else no_data,
        )
        ltv = (
            _(
                "{spend} per visit × {visits} visits a year × {margin} gross margin, over "
                "{years} years with later years discounted, gives {ltv} per guest."
            ).format(
                spend=_yen(ex.ltv_spend),
                visits=f"{ex.ltv_visits:.2f}",
                margin=f"{ex.ltv_margin * 100:.0f} %",
                years=ex.ltv_years,
                ltv=_yen(ex.ltv),
            )
            if ex.ltv
            else no_data
        )
        if ex.historical_12m is not None:
            ltv += " " + _(
                "What guests actually brought in their first 12 months: {value} each."
            ).format(value=_yen(ex.historical_12m))
        section("ltv", ltv)
        section(
            "predicted_value",
            _(
                "Over the next 12 months the model expects {total} of gross profit from your "
                "{n} known guests; the most valuable one is expected to bring {top}."
            ).format(
                total=_yen(ex.predicted_total), n=ex.predicted_guests, top=_yen(ex.predicted_top)
            )
            if ex.predicted_guests
            else no_data,
        )
        section(
            "uplift",
            f"{ex.uplift_campaign}: {ex.uplift_text}"
            if ex.uplift_campaign
            else _(
                "No campaign has held guests back yet. Keep the comparison group on (campaign "
                "settings, default 10 %) and the effect appears here after the next sends."
            ),
        )
    parts.append(f"<h3>{h(_('All figures'))}</h3><ul>")
    for key in TERMS:
        parts.append(f"<li><b>{h(title(key))}</b>: {h(text(key))}</li>")
    parts.append("</ul>")
    return "\n".join(parts)


# the dashboard's tabs -> the term that explains them
TAB_TERMS = {
    "monthly": "returning_share",
    "second_visit": "second_visit",
    "retention": "retention",
    "ltv_cohort": "historical_ltv",
    "ltv_channel": "historical_ltv",
    "channels": "channels",
    "rfm": "rfm",
    "deciles": "deciles",
    "campaigns": "redemptions",
    "clv": "predicted_value",
    "model_check": "predicted_value",
}

# the monthly report's figures, in the order the report shows them ("What the figures mean")
REPORT_TERMS = (
    "new_customers",
    "customers",
    "returning_share",
    "repeat_rate",
    "visits",
    "guests",
    "revenue",
    "spend_per_visit",
    "spend_per_person",
    "ltv",
    "second_visit",
    "historical_ltv",
    "deciles",
    "channels",
    "redemptions",
    "predicted_value",
    "at_risk",
    "business_day",
)
