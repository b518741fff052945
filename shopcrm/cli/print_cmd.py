"""``shopcrm print``: postcards, letters, coupon tickets, address labels and postcard address sides
as one PDF, from a campaign's coupons, a birthday month or a list of customers; records a mailing
per printed customer and says who was skipped and why."""

from __future__ import annotations

import click

from shopcrm.cli.common import CliError, echo_json, pass_cli
from shopcrm.cli.options import output_file
from shopcrm.cli.root import cli
from shopcrm.i18n import N_, _, ngettext
from shopcrm.services.printing import pieces as P
from shopcrm.services.printing import plan as mailing_plan
from shopcrm.services.printing.labels import get_sheet, start_index
from shopcrm.services.printing.layout import PrintOptionError
from shopcrm.store.errors import NotFound

LAYOUT_NAMES = ("postcards", "letters", "tickets", "labels", "address-side", "postcards-duplex")
SHEET_KEYS = (
    "a-one-28185",
    "a-one-28362",
    "a-one-28366",
    "avery-l7160",
    "avery-l7163",
    "avery-5160",
)


def _ids(text: str) -> list[int]:
    try:
        ids = [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise PrintOptionError(
            "customers", N_("give customer numbers separated by commas, e.g. 12,15,31.")
        ) from None
    if not ids:
        raise PrintOptionError("customers", N_("give at least one customer number."))
    return ids


@cli.command(
    "print",
    help=N_(
        "Print LAYOUT (postcards, letters, tickets, labels, address-side, postcards-duplex) to "
        "a PDF. Every layout of a run prints the same cards in the same order; postcards-duplex "
        "alternates front and address side for a two-sided printer."
    ),
)
@click.argument("layout", type=click.Choice(LAYOUT_NAMES))
@click.option("--campaign", help=N_("Campaign name or id: prints its unused coupons."))
@click.option(
    "--customers", help=N_("Customer ids, comma separated (with --campaign: their coupons).")
)
@click.option(
    "--month", type=click.IntRange(1, 12), help=N_("Everyone with a birthday in this month.")
)
@click.option("--period", help=N_("Only the campaign's coupons of this period (e.g. 2026-12)."))
@click.option(
    "--sheet",
    type=click.Choice(SHEET_KEYS),
    default="a-one-28185",
    show_default=True,
    help=N_("Label sheet (labels only)."),
)
@click.option("--start-row", type=int, default=1, show_default=True, help=N_("First free row."))
@click.option("--start-col", type=int, default=1, show_default=True, help=N_("First free column."))
@output_file(N_("The PDF file to write."))
@click.option("--no-record", is_flag=True, help=N_("A test print: record no mailings."))
@click.option(
    "--not-mailed/--reprint",
    "not_mailed",
    default=True,
    show_default=True,
    help=N_(
        "Leave out coupons already sent on a postcard or letter (the default), or print them "
        "again (--reprint)."
    ),
)
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_cli
def print_command(
    obj, layout, campaign, customers, month, period, sheet, start_row, start_col, output,
    no_record, not_mailed, as_json,
):  # fmt: skip

    db = obj.db
    if layout == "labels":
        start_index(get_sheet(sheet), start_row, start_col)  # bad options fail before any work
    if not (customers or month or campaign):
        raise PrintOptionError(
            "campaign", N_("choose --campaign, --month or --customers (what to print).")
        )
    try:
        plan = mailing_plan.build(
            db,
            campaign=campaign,
            month=month if not customers else None,
            customer_ids=_ids(customers) if customers else None,
            period_key=period,
            reprint=not not_mailed,
            posted=layout in mailing_plan.POSTED_LAYOUTS,
        )
    except NotFound as exc:
        raise CliError(_("No campaign {name!r}.").format(name=exc.key)) from None
    result = P.run(
        db, layout, plan, None, record=False, sheet=sheet,
        start_row=start_row, start_col=start_col,
    )  # fmt: skip
    printed = len(result.printed)
    if printed:
        # The file first, then the mailings: a failed write records nothing.
        tmp = output.with_name(output.name + ".part")
        tmp.write_bytes(result.pdf)
        tmp.replace(output)
        if not no_record:
            P.record_mailings(db, result.printed, layout)
    already = [] if plan.reprint else plan.already_mailed
    if as_json:
        echo_json({
            "output": str(output), "pages": result.pages, "printed": printed,
            "customers": [p.customer.id for p in result.printed],
            "codes": [p.code for p in result.printed if p.code],
            "skipped": [{"id": s.customer.id, "name": s.customer.name, "reason": s.message}
                        for s in result.skipped],
            "mailings_recorded": 0 if no_record else printed,
            "cards": len(plan.cards),
            "already_mailed": [{"id": p.customer.id, "name": p.customer.name, "code": p.code}
                               for p in already],
            "reprinted": [p.customer.id for p in plan.already_mailed] if plan.reprint else [],
        })  # fmt: skip
        return
    click.echo(
        ngettext(
            "Printed {n} piece on {pages} page(s) to {path}.",
            "Printed {n} pieces on {pages} page(s) to {path}.",
            printed,
        ).format(n=printed, pages=result.pages, path=output)
    )
    if result.skipped:
        click.echo(ngettext("Skipped {n} customer:", "Skipped {n} customers:",
                            len(result.skipped)).format(n=len(result.skipped)))  # fmt: skip
        for s in result.skipped:
            click.echo(f"  #{s.customer.id} {s.customer.name}: {s.message}")
    if already:
        click.echo(
            ngettext(
                "Left out {n} coupon already mailed (print them again with --reprint):",
                "Left out {n} coupons already mailed (print them again with --reprint):",
                len(already),
            ).format(n=len(already))
        )
        for p in already:
            click.echo(f"  #{p.customer.id} {p.customer.name} ({p.code})")
    if plan.reprint and plan.already_mailed:
        n = len(plan.already_mailed)
        click.echo(
            ngettext(
                "Reprinted {n} coupon already mailed:", "Reprinted {n} coupons already mailed:", n
            ).format(n=n)
        )
        for p in plan.already_mailed:
            click.echo(f"  #{p.customer.id} {p.customer.name} ({p.code})")
    if not no_record and printed:
        click.echo(ngettext("Recorded {n} mailing.", "Recorded {n} mailings.", printed)
                   .format(n=printed))  # fmt: skip
    if not printed:
        raise CliError(_("Nothing to print: no file written."), 1)
