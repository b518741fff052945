"""``shopcrm demo``: fill an empty database with the demo izakaya (refuses a shop's records)."""

from __future__ import annotations

import datetime as dt
import time

import click

from shopcrm.cli.common import EXIT_REFUSED, CliError, echo_json, pass_cli
from shopcrm.cli.root import cli
from shopcrm.domain.money import format_money
from shopcrm.i18n import N_, _
from shopcrm.services import demo

# What the counts are called in the summary, in print order.
_LABELS = (
    ("customers", N_("Customers")),
    ("visits", N_("Visits")),
    ("visit_items", N_("Items ordered")),
    ("menu_items", N_("Menu items")),
    ("preferences", N_("Preferences")),
    ("coupons", N_("Coupons issued")),
    ("coupons_redeemed", N_("Coupons redeemed")),
    ("mailings", N_("Mail pieces sent")),
)


@cli.command(
    "demo",
    help=N_(
        "Fill an EMPTY database with the demo izakaya: menu, 600 guests, three years of visits."
    ),
)
@click.option("--seed", type=int, default=1, show_default=True, help=N_("Same seed, same shop."))
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help=N_("Pretend today is this day (YYYY-MM-DD); visits end there."),
)
@click.option("--json", "as_json", is_flag=True, help=N_("Print the counts as JSON."))
@pass_cli
def demo_command(obj, seed: int, today: dt.datetime | None, as_json: bool) -> None:
    reason = demo.refusal_reason(obj.db)
    if reason is not None:
        raise CliError(str(reason), EXIT_REFUSED)
    started = time.perf_counter()
    counts = demo.fill(obj.db, seed=seed, today=today.date() if today else None)
    counts["seconds"] = round(time.perf_counter() - started, 2)
    counts["db"] = str(obj.db_path)
    if as_json:
        echo_json(counts)
        return
    click.echo(_("Demo shop written to {path}").format(path=obj.db_path))
    for key, label in _LABELS:
        click.echo(f"  {_(label)}: {counts[key]:,}")
    click.echo(f"  {_('Revenue')}: {format_money(counts['revenue'])}")
    click.echo(
        "  "
        + _("Visits from {first} to {last}").format(
            first=counts["first_visit"], last=counts["last_visit"]
        )
    )
    click.echo("  " + _("Done in {seconds} s").format(seconds=counts["seconds"]))
