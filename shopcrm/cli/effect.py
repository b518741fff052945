"""``shopcrm analytics effect``: what a campaign changed, against its random control group.

Owner-only (revenue figures). The measure lives in ``services/effect.py``; this prints it in the
user's language or, with ``--json``, every figure (intervals included).
"""

from __future__ import annotations

import click

from shopcrm.cli.analytics import _date, _pct, analytics_group
from shopcrm.cli.common import echo_json, pass_cli, require_owner
from shopcrm.cli.tables import echo_fields
from shopcrm.domain.rules import ValidationError
from shopcrm.i18n import N_, _
from shopcrm.services import effect


def _range(e, fmt) -> str:
    if e.diff is None:
        return "—"
    return _("{diff} (95 % range {low} to {high})").format(
        diff=fmt(e.diff), low=fmt(e.low), high=fmt(e.high)
    )


@analytics_group.command(
    "effect",
    help=N_(
        "What a campaign changed: guests who got its coupon against those held back at random "
        "(visits and gross profit per guest, with 95 % ranges, cost and net return)."
    ),
)
@click.option("--campaign", "campaign", required=True, help=N_("Campaign name or id."))
@click.option(
    "--days",
    type=int,
    default=60,
    show_default=True,
    help=N_("Count visits in this many days after the coupon's first valid day."),
)
@click.option("--from", "start", default=None, help=N_("Sends from this day (YYYY-MM-DD)."))
@click.option("--to", "end", default=None, help=N_("Sends up to this day (YYYY-MM-DD)."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print every figure as JSON."))
@pass_cli
def effect_cmd(obj, campaign, days, start, end, as_json):
    require_owner(obj)
    start_d, end_d = _date(start, "from"), _date(end, "to")
    if start_d and end_d and start_d > end_d:
        raise ValidationError("from", N_("The first day is after the last day."))
    e = effect.campaign_effect(obj.db, campaign, days=days, start=start_d, end=end_d)
    if as_json:
        echo_json(e.to_dict())
        return

    def yen(x):
        return effect.yen_text(x)

    def num(x):
        return f"{x:+.2f}"

    def pts(x):
        return f"{x * 100:+.1f} pt"

    click.echo(_("Campaign: {name}").format(name=e.campaign))
    click.echo(e.verdict_text())
    if e.money_text():
        click.echo(e.money_text())
    for note in e.notes:
        click.echo(note)
    t, c = e.treated, e.control
    lines = [
        (_("Guests who got the coupon"), f"{t.guests:,}"),
        (_("Guests held back"), f"{c.guests:,}"),
        (_("Came back (coupon / held back)"), f"{_pct(t.came)} / {_pct(c.came)}"),
        (_("Difference in who came back"), _range(e.came, pts)),
        (_("Visits per guest (coupon / held back)"), f"{_v(t.visits)} / {_v(c.visits)}"),
        (_("Extra visits per guest"), _range(e.visits, num)),
        (_("Gross profit per guest (coupon / held back)"), f"{yen(t.profit)} / {yen(c.profit)}"),
        (_("Extra gross profit per guest"), _range(e.profit, yen)),
        (_("Discounts given"), yen(e.discounts)),
        (_("Printing and postage"), yen(e.print_cost)),
        (_("Net result after costs"), _range(e.net, yen)),
        (_("Return on each yen spent"), _range(e.incremental_return, num)),
        (
            _("Redemptions (not effect)"),
            f"{e.redeemed:,} / {e.issued:,} ({_pct(e.redemption_rate)})",
        ),
    ]
    echo_fields(lines)


def _v(x):
    return "—" if x is None else f"{x:.2f}"
