"""``shopcrm coupons ...``, ``shopcrm campaigns ...`` and ``shopcrm birthdays``.

Issue a campaign's coupons (idempotent per period, consent respected), redeem, check, list and
void coupons; list, add and show campaigns; list birthdays of a month or the next N days as a
table, CSV (UTF-8 with BOM for Excel), JSON or an A4 PDF to print.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from pathlib import Path

import click

from shopcrm.cli.common import CliError, echo_json, pass_cli
from shopcrm.cli.customers import echo_table, not_found
from shopcrm.cli.options import output_file
from shopcrm.cli.root import cli
from shopcrm.domain.dates import format_date, parse_date
from shopcrm.domain.models import CAMPAIGN_KIND_LABELS, Campaign
from shopcrm.domain.money import format_money, parse_money
from shopcrm.domain.offers import discount_text
from shopcrm.domain.rules import ValidationError
from shopcrm.i18n import N_, _
from shopcrm.services import campaigns
from shopcrm.services.campaigns import readability_error, validity_text
from shopcrm.services.printing import birthday_list as printed
from shopcrm.store import campaign_records, coupons, mailings, settings, visits
from shopcrm.store.campaign_records import CampaignError
from shopcrm.store.coupons import status
from shopcrm.store.errors import NotFound


def _campaign(db, ref):
    try:
        return campaign_records.get(db, ref)
    except NotFound:
        raise not_found(_("No campaign {id}."), ref) from None


def _today(text: str | None) -> dt.date | None:
    if not text:
        return None

    return parse_date(text)


def _discount(c) -> str:
    return discount_text(c)


def _validity(c) -> str:
    return validity_text(c)


def _campaign_money(text: str, field: str) -> int:
    """``parse_money`` whose error names the campaign's field ("Cost per piece", "Discount"), not
    a generic "Amount"."""
    try:
        return parse_money(text)
    except ValidationError as exc:
        raise CampaignError(field, exc.msgid, **exc.params) from None


def _kind(c) -> str:
    return _(CAMPAIGN_KIND_LABELS.get(c.kind, c.kind))


# --- birthdays ---------------------------------------------------------------------------------


@cli.command("birthdays", help=N_("Guests with a birthday in a month or in the next N days."))
@click.option("--month", type=int, default=None, help=N_("Birthdays in this month (1-12)."))
@click.option("--days", type=int, default=None, help=N_("Birthdays in the next N days."))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "pdf"]),
    default="table",
    show_default=True,
    help=N_("Output: a table, CSV (for Excel), JSON or an A4 PDF to print (needs -o)."),
)
@click.option("--consent", is_flag=True, help=N_("Only guests who agreed to DM."))
@click.option("--address", is_flag=True, help=N_("Only guests with a complete postal address."))
@click.option("--visited-within", type=int, default=None, metavar="MONTHS",
              help=N_("Only guests who visited in the last N months."))  # fmt: skip
@output_file(N_("Write to this file (csv: UTF-8 with BOM, opens in Excel)."), required=False)
@click.option("--today", default=None, hidden=True, help=N_("Pretend today is this date."))
@pass_cli
def birthdays(obj, month, days, fmt, consent, address, visited_within, output, today):
    if (month is None) == (days is None):
        raise CliError(_("Give --month or --days (one of them)."))
    if fmt == "pdf" and not output:
        raise CliError(_("--format pdf needs -o FILE.pdf."))
    rows = campaigns.birthday_list(
        obj.db,
        month=month,
        days=days,
        today=_today(today),
        require_consent=consent,
        require_address=address,
        visited_within_months=visited_within,
    )
    if fmt == "csv":
        if output:
            campaigns.birthday_csv(rows, output)
        else:
            click.echo(campaigns.birthday_csv(rows), nl=False)
        return
    if fmt == "pdf":
        filters = printed.ListFilters(month, days, consent, address, visited_within)
        result = printed.build_from_db(obj.db, rows, output, filters=filters, today=_today(today))
        click.echo(
            _("Wrote {path}: {n} guests on {pages} page(s).").format(
                path=output, n=len(rows), pages=result.pages
            )
        )
        return
    if fmt == "json":
        text = campaigns.birthday_json(rows)
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
        else:
            click.echo(text)
        return
    if not rows:
        click.echo(_("No birthdays in that period."))
        return
    headers = [_("ID"), _("Birthday"), _("Age turned"), _("Name"), _("DM"), _("Last visit")]
    table = [
        [
            str(r.customer.id),
            format_date(r.birthday),
            "" if r.age is None else str(r.age),
            r.customer.name,
            _("yes") if r.can_mail else _("no"),
            r.last_visit_at.date().isoformat() if r.last_visit_at else "-",
        ]
        for r in rows
    ]
    echo_table(headers, table, right=(0, 2))
    click.echo(_("{n} guests").format(n=len(rows)))


# --- coupons -----------------------------------------------------------------------------------


@cli.group("coupons", help=N_("Coupons: issue a campaign, redeem, check, list, void."))
def coupons_group():
    pass


def _coupon_dict(c, names: dict | None = None, today: dt.date | None = None) -> dict:
    return {
        "id": c.id,
        "code": c.code,
        "campaign": c.campaign_name,
        "customer_id": c.customer_id,
        **({"customer": names.get(c.customer_id, "")} if names is not None else {}),
        "period_key": c.period_key,
        "valid_from": c.valid_from,
        "valid_until": c.valid_until,
        "status": status(c, today),
        "redeemed_at": c.redeemed_at,
        "redeemed_visit_id": c.redeemed_visit_id,
        "voided_at": c.voided_at,
    }


@coupons_group.command(
    "issue",
    help=N_("Issue a campaign's coupons (running it twice gives nobody a second one)."),
)
@click.option("--campaign", "campaign_ref", required=True, help=N_("Campaign name or id."))
@click.option("--month", type=int, default=None, help=N_("Birthday month (default: next month)."))
@click.option("--customer", "customer_ids", type=int, multiple=True,
              help=N_("Issue to this customer id only (repeatable)."))  # fmt: skip
@click.option("--period", default=None, help=N_("Period key (custom campaigns; default: today)."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@click.option("--today", default=None, hidden=True, help=N_("Pretend today is this date."))
@pass_cli
def issue(obj, campaign_ref, month, customer_ids, period, as_json, today):
    db = obj.db
    campaign = _campaign(db, campaign_ref)
    result = campaigns.issue(
        db,
        campaign,
        month=month,
        today=_today(today),
        customer_ids=list(customer_ids) or None,
        period_key=period,
    )
    if as_json:
        echo_json(
            {
                "campaign": campaign.name,
                "period_keys": result.period_keys,
                "issued": [_coupon_dict(c, result.names) for c in result.issued],
                "already_issued": [_coupon_dict(c, result.names) for c in result.already],
                "left_out": [
                    {
                        "customer_id": s.customer_id,
                        "name": s.name,
                        "reason": s.reason,
                        "reason_text": s.reason_text,
                    }
                    for s in result.skipped
                ],
                # the comparison group (no coupon, services/effect.py): customer ids
                "held_back": result.held_back,
                "already_held_back": result.already_held,
            }
        )
        return
    click.echo(result.summary())
    for c in result.issued:
        click.echo(
            f"  {c.code}  {c.valid_until.isoformat()}  {result.names.get(c.customer_id, '')}"
        )
    for s in result.skipped:
        click.echo(f"  - {s.name} (#{s.customer_id}): {s.reason_text}")


@coupons_group.command("redeem", help=N_("Redeem a coupon on an already recorded visit."))
@click.argument("code")
@click.option("--visit", "visit_id", type=int, required=True, help=N_("The visit it is used on."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_cli
def redeem(obj, code, visit_id, as_json):
    db = obj.db
    try:
        visit = visits.get(db, visit_id)
    except NotFound:
        raise not_found(_("No visit {id}."), visit_id) from None
    coupon = coupons.redeem(
        db, code, customer_id=visit.customer_id, visit_id=visit.id, at=visit.visited_at
    )
    if as_json:
        echo_json(_coupon_dict(coupon))
    else:
        click.echo(
            _("Coupon {code} redeemed on visit #{visit}.").format(code=coupon.code, visit=visit.id)
        )


@coupons_group.command(
    "check",
    help=N_("Say whether a coupon can be used (exit 2 and the reason when not)."),
)
@click.argument("code")
@click.option("--customer", "customer_id", type=int, default=None, help=N_("The guest using it."))
@click.option("--on", "on", default=None, help=N_("Date of use (default: today)."))
@pass_cli
def check(obj, code, customer_id, on):
    c = coupons.check(obj.db, code, customer_id=customer_id, on=_today(on))
    click.echo(
        _("Coupon {code} can be used until {date} ({campaign}).").format(
            code=c.code, date=format_date(c.valid_until), campaign=c.campaign_name
        )
    )


@coupons_group.command("list", help=N_("List coupons of a campaign or of a customer."))
@click.option("--campaign", "campaign_ref", default=None, help=N_("Campaign name or id."))
@click.option("--customer", "customer_id", type=int, default=None, help=N_("Customer id."))
@click.option("--status", type=click.Choice(["issued", "redeemed", "expired", "voided"]),
              default=None, help=N_("Only coupons in this state."))  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_cli
def list_coupons(obj, campaign_ref, customer_id, status, as_json):
    db = obj.db
    if customer_id is not None:
        found = coupons.for_customer(db, customer_id)
    elif campaign_ref is not None:
        found = coupons.for_campaign(db, _campaign(db, campaign_ref).id, unredeemed_only=False)
    else:
        raise CliError(_("Give --campaign or --customer."))
    if campaign_ref is not None and customer_id is not None:
        cid = _campaign(db, campaign_ref).id
        found = [c for c in found if c.campaign_id == cid]
    if status:
        found = [c for c in found if coupons.status(c) == status]
    names = {
        cand.customer.id: cand.customer.name
        for cand in campaign_records.customers_by_ids(db, {c.customer_id for c in found})
    }
    if as_json:
        echo_json([_coupon_dict(c, names) for c in found])
        return
    labels = coupons.STATUS_LABELS
    echo_table(
        [_("Code"), _("Campaign"), _("Customer"), _("Valid until"), _("Status")],
        [
            [
                c.code,
                c.campaign_name,
                names.get(c.customer_id, ""),
                c.valid_until.isoformat(),
                _(labels[coupons.status(c)]),
            ]
            for c in found
        ],
    )


@coupons_group.command("void", help=N_("Cancel an unused coupon."))
@click.argument("code")
@click.option("--reason", default="", help=N_("Why (lost, sent by mistake ...)."))
@pass_cli
def void(obj, code, reason):
    c = coupons.void(obj.db, code, reason)
    click.echo(_("Coupon {code} is void.").format(code=c.code))


# --- campaigns ---------------------------------------------------------------------------------


@cli.group("campaigns", help=N_("Campaigns: list, add, show."))
def campaigns_group():
    pass


def _campaign_dict(c, counts: dict | None = None) -> dict:
    data = asdict(c)
    if counts is not None:
        data["coupons"] = counts.get(c.id, {"issued": 0, "redeemed": 0, "voided": 0})
    return data


@campaigns_group.command(
    "list",
    help=N_("List campaigns with their discount, validity and coupon counts."),
)
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_cli
def list_campaigns(obj, as_json):
    db = obj.db
    counts = campaign_records.coupon_counts(db)
    items = campaign_records.list_all(db)
    if as_json:
        echo_json([_campaign_dict(c, counts) for c in items])
        return
    echo_table(
        [
            _("ID"),
            _("Campaign name"),
            _("Kind"),
            _("Discount"),
            _("Validity"),
            _("Issued"),
            _("Redeemed"),
        ],
        [
            [
                str(c.id),
                c.name + ("" if c.active else " " + _("(paused)")),
                _kind(c),
                _discount(c),
                _validity(c),
                str(counts.get(c.id, {}).get("issued", 0)),
                str(counts.get(c.id, {}).get("redeemed", 0)),
            ]
            for c in items
        ],
        right=(0, 5, 6),
    )


@campaigns_group.command("add", help=N_("Add a campaign."))
@click.argument("name")
@click.option("--kind", type=click.Choice(["birthday", "welcome", "winback", "custom"]),
              default="custom", show_default=True,
              help=N_("Kind: birthday, welcome, winback or custom."))  # fmt: skip
@click.option("--percent", type=int, default=None, help=N_("Percent off the bill."))
@click.option("--amount", default=None, help=N_("Amount off the bill, e.g. 500."))
@click.option("--item", default=None, help=N_("A free item, e.g. 'お通し'."))
@click.option(
    "--days", type=int, default=None, help=N_("Valid for N days from issue (default 30).")
)
@click.option("--from", "valid_from", default=None, help=N_("Valid from this date."))
@click.option("--until", "valid_until", default=None, help=N_("Valid until this date."))
@click.option(
    "--template", default="", help=N_("DM text with {name}, {favourite}, {coupon_code} ...")
)
@click.option("--cost", default="0", help=N_("Printing and postage per piece."))
@click.option(
    "--winback-days",
    type=int,
    default=90,
    show_default=True,
    help=N_("Win-back: guests not seen for this many days."),
)
@click.option("--tag", "tags", multiple=True, help=N_("Custom: guests with this tag (repeatable)."))
@click.option("--likes", "likes", multiple=True, help=N_("Custom: guests who love/like this."))
@click.option(
    "--min-visits",
    type=int,
    default=None,
    help=N_("Custom: guests with at least this many visits."),
)
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_cli
def add_campaign(obj, name, kind, percent, amount, item, days, valid_from, valid_until, template,
                 cost, winback_days, tags, likes, min_visits, as_json):  # fmt: skip

    if item:
        dtype, value = "item", 0
    elif amount is not None:
        dtype, value = "amount", _campaign_money(amount, "discount")
    else:
        dtype, value = "percent", 10 if percent is None else percent
    filt: dict = {}
    if tags:
        filt["tags"] = list(tags)
    if likes:
        filt["preferences"] = list(likes)
    if min_visits is not None:
        filt["min_visits"] = min_visits
    new = Campaign(
        name=name,
        kind=kind,
        discount_type=dtype,
        discount_value=value,
        discount_item=item or "",
        valid_days=None if valid_until else (days or 30),
        valid_from=parse_date(valid_from) if valid_from else None,
        valid_until=parse_date(valid_until) if valid_until else None,
        template=template,
        cost_per_piece=_campaign_money(cost, "cost_per_piece"),
        winback_days=winback_days,
        filter=filt,
    )

    unreadable = readability_error(new, settings.get(obj.db, "shop_name"))
    if unreadable is not None:
        raise unreadable  # refused before anything is saved, with the size it would need
    c = campaign_records.create(obj.db, new)
    if as_json:
        echo_json(_campaign_dict(c))
    else:
        click.echo(_("Campaign {name} added (id {id}).").format(name=c.name, id=c.id))


@campaigns_group.command("show", help=N_("Show a campaign and how its coupons did."))
@click.argument("name_or_id")
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_cli
def show_campaign(obj, name_or_id, as_json):
    db = obj.db
    c = _campaign(db, name_or_id)
    counts = campaign_records.coupon_counts(db)
    if as_json:
        data = _campaign_dict(c, counts)
        data["pieces_sent"] = mailings.count_for_campaign(db, c.id)
        echo_json(data)
        return
    n = counts.get(c.id, {"issued": 0, "redeemed": 0, "voided": 0})
    rows = [
        (_("Campaign name"), c.name + ("" if c.active else " " + _("(paused)"))),
        (_("Kind"), _kind(c)),
        (_("Discount"), _discount(c)),
        (_("Validity"), _validity(c)),
        (_("Cost per piece"), format_money(c.cost_per_piece)),
        (_("Issued"), str(n["issued"])),
        (_("Redeemed"), str(n["redeemed"])),
        (_("Voided"), str(n["voided"])),
        (_("Pieces sent"), str(mailings.count_for_campaign(db, c.id))),
    ]
    if c.kind == "winback":
        rows.insert(2, (_("Days without a visit"), str(c.winback_days)))
    if c.filter:
        rows.append((_("Target filter"), ", ".join(f"{k}={v}" for k, v in c.filter.items())))
    width = max(len(k) for k, _v in rows)
    for key, value in rows:
        click.echo(f"{key.ljust(width)}  {value}")
    click.echo(_("Message template") + ":")
    for line in (c.template or "-").splitlines():
        click.echo("  " + line)
