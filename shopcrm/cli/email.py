"""``shopcrm email``: send a campaign's coupons by e-mail (``send``, ``--dry-run`` shows who is
reached and who is left out and why), a test mail (``test``), and recording an unsubscribe."""

from __future__ import annotations

import click

from shopcrm.cli.common import CliError, echo_json, pass_cli, require_owner
from shopcrm.cli.root import cli
from shopcrm.i18n import N_, _, ngettext
from shopcrm.services.channels import email_run, reach, smtp
from shopcrm.store.errors import NotFound


@cli.group("email", help=N_("Send campaigns by e-mail; a test mail; record an unsubscribe."))
def email_group() -> None:
    pass


@email_group.command("test", help=N_("Send a test mail through the shop's SMTP server."))
@click.option("--to", "to", default="", help=N_("Address to send to (default: the sender)."))
@pass_cli
def test_command(obj, to):
    cfg = smtp.config_from(obj.db)
    sent_to = email_run.send_test(cfg, to)
    click.echo(_("Test mail sent to {address}.").format(address=sent_to))


@email_group.command(
    "send",
    help=N_(
        "E-mail a campaign's unused coupons to every guest with an address and e-mail consent. "
        "Safe to run again: nobody is mailed twice."
    ),
)
@click.option("--campaign", required=True, help=N_("Campaign name or id."))
@click.option("--period", help=N_("Only the campaign's coupons of this period (e.g. 2026-12)."))
@click.option("--dry-run", is_flag=True, help=N_("Show who would be mailed; send nothing."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_cli
def send_command(obj, campaign, period, dry_run, as_json):
    db = obj.db
    try:
        p = email_run.plan(db, campaign, period_key=period)
    except NotFound as exc:
        raise CliError(_("No campaign {name!r}.").format(name=exc.key)) from None
    left = [
        {"id": c.id, "name": c.name, "reason": why, "text": reach.reason_text(why)}
        for c, why in p.left_out
    ]
    if dry_run:
        if as_json:
            echo_json({"run": p.run_key, "email": [r.customer.id for r in p.recipients],
                       "post": p.post_reach, "already_sent": p.already_sent,
                       "failed_before": p.failed_before, "left_out": left})  # fmt: skip
            return
        _echo_plan(p)
        return
    require_owner(obj)
    cfg = smtp.config_from(db)
    result = email_run.send(db, p, cfg, progress=_progress if not as_json else None)
    if as_json:
        echo_json({
            "run": p.run_key, "sent": result.sent, "already_sent": result.already_sent,
            "failed": [{"id": c.id, "email": c.email, "error": e} for c, e in result.failed],
            "deferred": [{"id": c.id, "email": c.email, "error": e} for c, e in result.deferred],
            "left_out": left,
        })  # fmt: skip
        return
    click.echo(ngettext("Sent {n} e-mail.", "Sent {n} e-mails.", result.sent).format(n=result.sent))
    for c, e in result.failed:
        click.echo(_("Failed permanently: #{id} {name} <{email}>: {error}").format(
            id=c.id, name=c.name, email=c.email, error=e))  # fmt: skip
    for c, e in result.deferred:
        click.echo(_("Not sent yet (run again later): #{id} {name}: {error}").format(
            id=c.id, name=c.name, error=e))  # fmt: skip


def _progress(done: int, total: int, text: str) -> None:
    if text:
        click.echo(f"[{done + 1}/{total}] {text}", err=True)


def _echo_plan(p: email_run.EmailPlan) -> None:
    n = len(p.recipients)
    click.echo(ngettext("E-mail reaches {n} guest.", "E-mail reaches {n} guests.", n).format(n=n))
    click.echo(_("Post could reach {n}.").format(n=p.post_reach))
    if p.already_sent:
        click.echo(_("Already sent in this run: {n}.").format(n=p.already_sent))
    if p.left_out:
        click.echo(_("Left out:"))
        for c, why in p.left_out:
            click.echo(f"  #{c.id} {c.name}: {reach.reason_text(why)}")


@email_group.command(
    "unsubscribe",
    help=N_(
        "Record that a guest wants no more e-mail: give their address, or the code from the "
        "unsubscribe mail's subject."
    ),
)
@click.argument("address_or_code")
@pass_cli
def unsubscribe_command(obj, address_or_code):
    ids = email_run.unsubscribe(obj.db, address_or_code)
    if not ids:
        raise CliError(_("No guest has the address or code {text}.").format(text=address_or_code))
    click.echo(ngettext("Unsubscribed {n} guest from e-mail.", "Unsubscribed {n} guests from"
                        " e-mail.", len(ids)).format(n=len(ids)))  # fmt: skip
