"""``shopcrm line …`` (send a campaign on LINE, pull the relay's events, issue a link code) and
``shopcrm line-relay`` (the webhook relay, run on a small internet host; see
docs/readme/i16-line.md). Sending and credentials are owner-only.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import click

from shopcrm.cli.common import CliError, echo_json, pass_cli, require_owner
from shopcrm.cli.customers import resolve_customer_id
from shopcrm.cli.root import cli
from shopcrm.i18n import N_, _
from shopcrm.services.channels import line
from shopcrm.services.channels.line_relay import make_server
from shopcrm.store import campaign_records, customers
from shopcrm.store.line_links import LineError

API_HOST_ENV = "SHOPCRM_LINE_API_HOST"  # another API host (tests, a staging stand-in)


@cli.group("line", help=N_("LINE: send a campaign, pull the relay's events, link a guest."))
def line_group():
    pass


@line_group.command(
    "send", help=N_("Send a campaign's unredeemed coupons to linked guests on LINE.")
)
@click.option("--campaign", "campaign_ref", required=True, help=N_("Campaign name or id."))
@click.option("--period", default=None, help=N_("Only coupons of this period key."))
@click.option("--dry-run", is_flag=True, help=N_("Show who would get a message; send nothing."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_cli
def send_cmd(obj, campaign_ref, period, dry_run, as_json):
    require_owner(obj)
    campaign = campaign_records.get(obj.db, campaign_ref)
    if dry_run:
        todo = line.plan(obj.db, campaign, period_key=period)
        if as_json:
            echo_json(
                {
                    "messages": todo.messages,
                    "recipients": [r.customer.id for r in todo.recipients],
                    "pending": todo.pending,
                    "left_out": [
                        {"customer_id": i, "name": n, "reason": r} for i, n, r in todo.left_out
                    ],
                }
            )
            return
        click.echo(todo.summary())
        for customer_id, name, reason in todo.left_out:
            click.echo(f"  - {name} (#{customer_id}): {_(line.LEFT_OUT[reason])}")
        reason = line.send_off_reason(obj.db)
        if reason:
            click.echo(reason)
        return
    result = line.send(
        obj.db, campaign, period_key=period, api_host=os.environ.get(API_HOST_ENV) or None
    )
    if as_json:
        echo_json(
            {
                "run": result.run_key,
                "sent": result.sent,
                "already_accepted": result.already,
                "waiting": result.waiting,
                "failed": [{"customer_id": i, "error": e} for i, e in result.failed],
                "quota_left": result.quota.left if result.quota else None,
            }
        )
        return
    click.echo(result.summary())
    for customer_id, error in result.failed:
        click.echo(f"  - #{customer_id}: {error}")


@line_group.command(
    "pull", help=N_("Fetch the relay's new events: link guests, follows, unfollows.")
)
@pass_cli
def pull_cmd(obj):
    click.echo(line.pull(obj.db).summary())


@line_group.command(
    "link-code", help=N_("A one-time code (and chat URL) that links a guest's LINE.")
)
@click.argument("customer_ref")
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_cli
def link_code_cmd(obj, customer_ref, as_json):
    guest = customers.get(obj.db, resolve_customer_id(obj.db, customer_ref))
    offer = line.issue_link(obj.db, guest)
    if as_json:
        echo_json(
            {
                "code": offer.code.shown,
                "text": offer.text,
                "url": offer.url,
                "expires_at": offer.code.expires_at,
            }
        )
        return
    click.echo(_("Code: {code} (valid until {time})").format(
        code=offer.code.shown, time=f"{offer.code.expires_at:%Y-%m-%d %H:%M}"
    ))  # fmt: skip
    click.echo(offer.url)


@line_group.command(
    "credentials", help=N_("Keep the channel access token and channel secret in the keychain.")
)
@pass_cli
def credentials_cmd(obj):
    require_owner(obj)
    token = click.prompt(_("Channel access token"), hide_input=True, default="", show_default=False)
    secret = click.prompt(_("Channel secret"), hide_input=True, default="", show_default=False)
    line.set_credentials(token=token or None, secret=secret or None)
    click.echo(_("Saved in the keychain."))


@cli.command(
    "line-relay",
    help=N_(
        "Run the LINE webhook relay (on a small internet host behind HTTPS): it checks LINE's "
        "signature, keeps follow and message events, and gives them to the counter PC."
    ),
)
@click.option("--host", default="127.0.0.1", show_default=True, help=N_("Address to listen on."))
@click.option("--port", type=int, default=8080, show_default=True, envvar="PORT",
              help=N_("Port to listen on (env PORT)."))  # fmt: skip
@click.option("--events-db", type=click.Path(dir_okay=False, path_type=Path),
              default="line-relay.db", show_default=True, envvar="SHOPCRM_RELAY_DB",
              help=N_("The relay's own SQLite file (env SHOPCRM_RELAY_DB)."))  # fmt: skip
@click.option("--keep-days", type=int, default=30, show_default=True,
              help=N_("Drop events older than this many days."))  # fmt: skip
def relay_cmd(host, port, events_db, keep_days):
    channel_secret = os.environ.get("LINE_CHANNEL_SECRET", "")
    shared = os.environ.get("SHOPCRM_RELAY_SECRET", "")
    if not channel_secret or not shared:
        raise CliError(
            _("Set LINE_CHANNEL_SECRET and SHOPCRM_RELAY_SECRET in the environment first.")
        )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    server = make_server(
        host,
        port,
        db_path=events_db,
        channel_secret=channel_secret,
        shared_secret=shared,
        keep_days=keep_days,
    )
    click.echo(_("LINE relay listening on {url} (webhook: /webhook)").format(url=server.url))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server.store.close()


__all__ = ["LineError", "line_group"]
