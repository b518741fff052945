"""Owner analytics on the command line: ``analytics summary|clv|channel-cost`` and ``report``.

All of it is owner-only (revenue figures): each command calls ``require_owner`` first. Heavy modules
(numpy, scipy, matplotlib, reportlab) are imported inside the commands so ``shopcrm --help`` stays
fast.
"""

from __future__ import annotations

import datetime as dt

import click

from shopcrm.cli.common import CliError, echo_json, pass_cli, require_owner
from shopcrm.cli.options import output_file
from shopcrm.cli.root import cli
from shopcrm.cli.tables import echo_fields
from shopcrm.domain.rules import ValidationError
from shopcrm.i18n import N_, _
from shopcrm.services import analytics, clv
from shopcrm.services.printing import monthly_report
from shopcrm.store import arrays


def _date(value: str | None, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip().replace("/", "-"))
    except ValueError:
        raise ValidationError(field, N_("Enter a date as YYYY-MM-DD, e.g. 2026-11-23.")) from None


def _month(value: str) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in value.strip().replace("/", "-").split("-"))
        dt.date(year, month, 1)
    except ValueError:
        raise ValidationError("month", N_("Enter the month as YYYY-MM, e.g. 2026-11.")) from None
    return year, month


def _not_future(day: dt.date | None, option: str) -> dt.date | None:
    """A day after today has no visits yet: count up to today instead, and say so (stderr)."""
    today = dt.date.today()
    if day is not None and day > today:
        click.echo(
            _("{option} {day} is in the future: counting visits up to today ({today}).").format(
                option=option, day=day.isoformat(), today=today.isoformat()
            ),
            err=True,
        )
        return today
    return day


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@cli.group(
    "analytics",
    help=N_("Owner analytics: repeat rate, cohorts, LTV, channels, coupons, predicted value."),
)
def analytics_group():
    pass


@analytics_group.command(
    "summary",
    help=N_(
        "The measures of a period (new and returning guests, repeat rate, LTV, channels, ...)."
    ),
)
@click.option(
    "--from", "start", default=None, help=N_("First day (YYYY-MM-DD); default 12 months ago.")
)
@click.option("--to", "end", default=None, help=N_("Last day (YYYY-MM-DD); default today."))
@click.option(
    "--dm-days",
    type=click.IntRange(1, 365),
    default=30,
    show_default=True,
    help=N_("A DM counts as answered by a visit within this many days."),
)
@click.option("--json", "as_json", is_flag=True, help=N_("Print every measure as JSON."))
@pass_cli
def summary_cmd(obj, start, end, dm_days, as_json):
    require_owner(obj)
    start_d, end_d = _date(start, "from"), _not_future(_date(end, "to"), "--to")
    if start_d and start_d > dt.date.today():
        raise ValidationError("from", N_("The first day is in the future: no visits yet."))
    if start_d and end_d and start_d > end_d:
        raise ValidationError("from", N_("The first day is after the last day."))
    board = analytics.summary(obj.db, start_d, end_d, dm_days=dm_days)
    if as_json:
        echo_json(board.to_dict())
        return
    t = board.totals
    click.echo(_("Period: {start} – {end}").format(start=board.start, end=board.end))
    lines = [
        (_("Visits"), f"{t['visits']:,}"),
        (_("Revenue"), f"¥{t['revenue']:,}"),
        (_("Guests visiting"), f"{t['customers']:,}"),
        (_("New guests"), f"{t['new_customers']:,}"),
        (_("Returning share"), _pct(t["returning_share"])),
        (_("Repeat rate"), _pct(t["repeat_rate"])),
        (_("Average spend per visit"), f"¥{t['spend_per_visit'] or 0:,}"),
        (_("Average spend per person"), f"¥{t['spend_per_person'] or 0:,}"),
        (_("LTV (formula)"), f"¥{board.classic_ltv.headline:,}"),
    ]
    if board.classic_ltv.ltv_observed is not None:
        lines.append(
            (
                _("LTV assuming {years} years").format(years=board.classic_ltv.years),
                f"¥{board.classic_ltv.ltv:,}",
            )
        )
    echo_fields(lines)


@analytics_group.command(
    "clv",
    help=N_("Each guest's predicted value (BG/NBD + Gamma-Gamma fitted on the shop's visits)."),
)
@click.option(
    "--as-of", "as_of", default=None, help=N_("Fit on visits up to this day (default today).")
)
@click.option(
    "--json", "as_json", is_flag=True, help=N_("Print the parameters and predictions as JSON.")
)
@click.option("--limit", type=int, default=20, help=N_("Guests to list without --json."))
@pass_cli
def clv_cmd(obj, as_of, as_json, limit):
    require_owner(obj)
    result = clv.fit_shop(obj.db, as_of=_not_future(_date(as_of, "as_of"), "--as-of"))
    if not result.ok:
        click.echo(result.message, err=True)
    if as_json:
        echo_json(result.to_json())
        return
    if not result.ok:
        return
    bg, gg, model = result.bgnbd, result.gamma_gamma, result.model
    click.echo(
        f"BG/NBD: r={bg.r:.4g} alpha={bg.alpha:.4g} a={bg.a:.4g} b={bg.b:.4g} ({bg.time_unit})"
    )
    if model.kind != "bgnbd":
        named = " ".join(f"{k}={v:.4g}" for k, v in model.named_params().items())
        click.echo(f"{_(model.label)}: {named} ({bg.time_unit})")
    click.echo(f"Gamma-Gamma: p={gg.p:.4g} q={gg.q:.4g} gamma={gg.gamma:.4g}")
    click.echo(_("Model check: {text}").format(text=result.check.message))
    top = sorted(result.predictions, key=lambda p: -p.expected_value)[:limit]
    click.echo(_("Guest\tP(active)\tVisits next 12 months\tExpected value\tNext visit due"))
    for p in top:
        click.echo(
            f"{p.name or p.customer_id}\t{p.p_alive:.2f}\t{p.expected_visits_12m:.1f}"
            f"\t¥{p.expected_value:,}\t{clv.next_visit_text(p)}"
        )


@analytics_group.command(
    "channel-cost",
    help=N_("Enter what an acquisition CHANNEL cost in MONTH (YYYY-MM): AMOUNT in yen."),
)
@click.argument("channel")
@click.argument("month")
@click.argument("amount")
@pass_cli
def channel_cost_cmd(obj, channel, month, amount):
    require_owner(obj)
    year, mon = _month(month)
    text = amount.replace(",", "").replace("¥", "").replace("円", "").strip()
    if not text.isdigit():
        raise ValidationError("amount", N_("Enter an amount of 0 yen or more."))
    arrays.set_channel_cost(obj.db, channel, f"{year:04d}-{mon:02d}", int(text))
    click.echo(_("Saved."))


@cli.command("report", help=N_("The owner's monthly report as an A4 PDF."))
@click.option("--month", "month", required=True, help=N_("The month (YYYY-MM)."))
@output_file(N_("The PDF file to write."))
@pass_cli
def report_cmd(obj, month, output):
    require_owner(obj)
    year, mon = _month(month)
    try:
        pages = monthly_report.build(obj.db, year, mon, output)
    except OSError as exc:
        raise CliError(_("Could not write {path}: {error}").format(path=output, error=exc)) from exc
    click.echo(_("Wrote {path} ({pages} pages).").format(path=output, pages=pages))
