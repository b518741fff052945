"""``shopcrm visits ...``: record a guest's visit (bill, party, items, coupon), list and delete;
``shopcrm menu ...``: the menu those items are matched against.

``visits add`` matches each item name to the menu (linking it with the day's price) and keeps
other names as free text; a coupon code is redeemed in the same transaction, so a bad code leaves
no visit behind.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import asdict

import click

from shopcrm.cli.common import echo_json, pass_cli
from shopcrm.cli.customers import echo_table, echo_visits, money, not_found, resolve_customer_id
from shopcrm.cli.root import cli
from shopcrm.domain.dates import check_visit_time, parse_date, parse_datetime
from shopcrm.domain.models import MenuCategory, MenuItem, Visit, VisitItem
from shopcrm.domain.money import parse_money
from shopcrm.domain.rules import ValidationError, validate_amount, validate_party_size
from shopcrm.i18n import N_, _
from shopcrm.store import customers, menu, visits
from shopcrm.store.errors import NotFound

# "生ビール×2", "生ビール x2", "生ビール*2"
_QUANTITY = re.compile(r"^(.*?)\s*[×xX*＊]\s*(\d+)$")


def parse_items(text: str) -> list:
    """``"生ビール×2, 焼き鳥、枝豆"`` -> VisitItems (commas, 、 and ， separate items)."""
    items = []
    for part in re.split(r"[,、，\n]", text or ""):
        part = part.strip()
        if not part:
            continue
        quantity = 1
        m = _QUANTITY.match(unicodedata.normalize("NFKC", part))
        if m and m.group(1).strip():
            part, quantity = m.group(1).strip(), int(m.group(2))
        items.append(VisitItem(name=part, quantity=quantity))
    return items


@cli.group("visits", help=N_("Visits: record, list, delete."))
def visits_group():
    pass


@visits_group.command("add", help=N_("Record a visit."))
@click.option("--customer", "customer_ref", required=True,
              help=N_("Customer id (or membership code, or phone number)."))  # fmt: skip
@click.option("--amount", required=True, help=N_("Bill total, e.g. 4800 or ¥4,800."))
@click.option("--party-size", default="1", show_default=True, help=N_("Number of guests (1-99)."))
@click.option("--at", "at", default="", help=N_('When, e.g. "2026-11-20 19:30" (default: now).'))
@click.option("--items", default="", help=N_('Items ordered, e.g. "生ビール×2,焼き鳥".'))
@click.option("--coupon", default=None, help=N_("Coupon code to redeem on this visit."))
@click.option("--note", default="", help=N_("A note about the visit."))
@click.option("--staff", default="", help=N_("Who served (optional)."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the visit as JSON."))
@pass_cli
def add_visit(obj, customer_ref, amount, party_size, at, items, coupon, note, staff, as_json):
    db = obj.db
    customer_id = resolve_customer_id(db, customer_ref)
    visit = Visit(
        customer_id=customer_id,
        visited_at=check_visit_time(parse_datetime(at))
        if at.strip()
        else dt.datetime.now().replace(microsecond=0),
        amount=validate_amount(amount),
        party_size=validate_party_size(party_size),
        items=parse_items(items),
        note=note,
        staff=staff,
    )
    saved = visits.record(db, visit, coupon_code=coupon)
    if as_json:
        echo_json(saved)
        return
    click.echo(
        _("Recorded visit #{id} for customer #{customer}.").format(
            id=saved.id, customer=saved.customer_id
        )
    )
    echo_visits([saved])
    hints = visits.suggest_favourites(db, customer_id)
    if hints:
        click.echo(
            _("Ordered again and again: {items} (add as favourites?)").format(
                items=", ".join(hints)
            )
        )


@visits_group.command("list", help=N_("The latest visits."))
@click.option("--customer", "customer_ref", default=None, help=N_("Only this customer's visits."))
@click.option("--day", default=None, help=N_("Only this day (e.g. 2026-11-20); default: any."))
@click.option(
    "--limit",
    type=click.IntRange(1, 10000),
    default=20,
    show_default=True,
    help=N_("How many to show."),
)
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_cli
def list_visits(obj, customer_ref, day, limit, as_json):
    db = obj.db
    if customer_ref:
        customer_id = resolve_customer_id(db, customer_ref)
        rows = visits.for_customer(db, customer_id, limit=limit)
        name = customers.get(db, customer_id).name if rows else ""
        pairs = [(v, name) for v in rows]
    else:
        pairs = visits.recent(db, day=parse_date(day) if day else None, limit=limit)
    if as_json:
        echo_json([{**_visit_dict(v), "customer_name": n} for v, n in pairs])
        return
    if not pairs:
        click.echo(_("No visits found."))
        return
    echo_visits([v for v, _n in pairs], names={v.id: n for v, n in pairs})


def _visit_dict(v) -> dict:
    return asdict(v)


@visits_group.command(
    "delete",
    help=N_("Delete a visit recorded by mistake (a coupon redeemed on it becomes usable again)."),
)
@click.argument("visit_id", metavar="ID", type=int)
@click.option("--yes", is_flag=True, help=N_("Do not ask for confirmation."))
@pass_cli
def delete_visit(obj, visit_id, yes):
    db = obj.db
    try:
        visit = visits.get(db, visit_id)
    except NotFound:
        raise not_found(_("No visit with id {id}."), visit_id) from None
    if not yes:
        echo_visits([visit])
        click.confirm(_("Delete this visit?"), abort=True)
    visits.delete(db, visit_id)
    click.echo(_("Deleted visit #{id}.").format(id=visit_id))


# -- the menu the items are matched against --------------------------------------------------------


@cli.group("menu", help=N_("The shop's menu: what visits' items are matched against."))
def menu_group():
    pass


@menu_group.command("list", help=N_("Menu items by category, with prices."))
@click.option("--all", "show_all", is_flag=True, help=N_("Include items taken off the menu."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_cli
def list_menu(obj, show_all, as_json):
    items = menu.items(obj.db, active_only=not show_all)
    if as_json:
        echo_json(items)
        return
    if not items:
        click.echo(_("The menu is empty."))
        return
    rows = [
        [str(i.id), i.category or "-", i.name + ("" if i.active else " " + _("(off the menu)")),
         money(i.price)]
        for i in items
    ]  # fmt: skip
    echo_table([_("ID"), _("Category"), _("Item"), _("Price")], rows, right=(0, 3))


@menu_group.command("add", help=N_("Put an item on the menu."))
@click.argument("name")
@click.option("--price", required=True, help=N_("Price, e.g. 600 or ¥600."))
@click.option("--category", default="", help=N_("Category (created if new), e.g. ドリンク."))
@click.option("--kind", type=click.Choice(["drink", "food", "other"]), default="food",
              show_default=True, help=N_("Kind of a new category."))  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_cli
def add_menu_item(obj, name, price, category, kind, as_json):
    db = obj.db
    try:
        amount = parse_money(price)
    except ValidationError as exc:
        raise ValidationError("price", exc.msgid, **exc.params) from None
    with db.atomic():
        category_id = None
        if category.strip():
            found = [c for c in menu.categories(db) if c.name == category.strip()]
            cat = found[0] if found else menu.add_category(db, MenuCategory(category, kind=kind))
            category_id = cat.id
        item = menu.add_item(db, MenuItem(name=name, price=amount, category_id=category_id))
    if as_json:
        echo_json(item)
    else:
        click.echo(
            _("Added {name} ({price}) as menu item #{id}.").format(
                name=item.name, price=money(item.price), id=item.id
            )
        )


@menu_group.command(
    "remove",
    help=N_("Take an item off the menu (past visits keep it; ``menu list --all`` still shows it)."),
)
@click.argument("item_id", metavar="ID", type=int)
@pass_cli
def remove_menu_item(obj, item_id):
    try:
        item = menu.get_item(obj.db, item_id)
    except NotFound:
        raise not_found(_("No menu item with id {id}."), item_id) from None
    item.active = False
    menu.update_item(obj.db, item)
    click.echo(_("Took {name} off the menu.").format(name=item.name))
