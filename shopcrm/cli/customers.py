"""``shopcrm customers ...``: register, search, list and show guests from the command line.

Human output is a small table in the user's language; ``--json`` prints the records with their
ids for scripts. Bad input raises ``ValidationError`` (the root group prints the field and the
reason and exits 2) before anything is written.
"""

from __future__ import annotations

import dataclasses

import click

from shopcrm.cli.common import (
    EXIT_PROBLEMS,
    CliError,
    all_errors,
    echo_json,
    is_owner,
    pass_cli,
    require_owner,
)
from shopcrm.cli.root import cli
from shopcrm.cli.tables import echo_fields, echo_table
from shopcrm.domain.dates import format_birthday, parse_birthday
from shopcrm.domain.models import (
    PREFERENCE_KIND_LABELS,
    PREFERENCE_LEVEL_LABELS,
    Customer,
    Preference,
)
from shopcrm.domain.money import format_money
from shopcrm.domain.rules import (
    ValidationError,
    customer_errors,
    format_phone,
    format_postal_code,
    normalize_postal_code,
)
from shopcrm.fonts import unprintable_warning
from shopcrm.i18n import N_, _
from shopcrm.services.campaigns import BUILTIN_TITLES
from shopcrm.store import coupons, customers, menu, preferences, visits
from shopcrm.store.coupons import status
from shopcrm.store.errors import NotFound

EXIT_NOT_FOUND = EXIT_PROBLEMS


# -- output helpers (shared with cli/visits.py) -------------------------------------------------


def format_when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


def money(amount: int) -> str:
    return format_money(amount)


def not_found(message: str, key: object) -> CliError:
    """Exit 1 with ``message`` (a translated text with an ``{id}`` field)."""
    return CliError(message.format(id=key), EXIT_NOT_FOUND)


def resolve_customer_id(db, ref: str) -> int:
    """A customer given as an id, a membership code or a phone number."""
    ref = ref.strip()
    if ref.isdigit() and len(ref) < 9:
        return int(ref)
    found = customers.find_by_code(db, ref)
    if found:
        return found.id

    try:
        by_phone = customers.find_by_phone(db, ref)
    except ValidationError:
        by_phone = []
    if len(by_phone) == 1:
        return by_phone[0].id
    raise ValidationError("customer", N_("no such customer"))


# -- commands ------------------------------------------------------------------------------------


@cli.group("customers", help=N_("Guests: register, edit, search, list, show, preferences."))
def customers_group():
    pass


def _field_options(fn):
    """The customer's fields as options; an option left out is ``None`` (edit: unchanged)."""
    options = [
        click.option("--kana", default=None, help=N_("Reading in katakana or hiragana.")),
        click.option("--phone", default=None,
                     help=N_("Phone number (hyphens and full-width digits are fine).")),
        click.option("--email", default=None, help=N_("Email address.")),
        click.option("--line-id", default=None, help=N_("LINE ID.")),
        click.option("--birthday", default=None,
                     help=N_("1980-03-10, 3/10, S55.3.10, 昭和55年3月10日 ... (\"\" clears).")),
        click.option("--postal-code", default=None,
                     help=N_("7 digits; fills the address when --address is not given.")),
        click.option("--address", default=None,
                     help=N_("Address text; split into prefecture, city, street, building.")),
        click.option("--code", default=None, help=N_("Membership code (unique).")),
        click.option("--channel", default=None,
                     help=N_("How the guest found the shop (one of the shop's channels).")),
        click.option("--tag", "tags", multiple=True, help=N_("A tag (repeat for several).")),
        click.option("--notes", default=None, help=N_("Free notes about the guest.")),
        click.option("--dm-consent/--no-dm-consent", default=None,
                     help=N_("The guest agreed to receive direct mail (or withdrew).")),
        click.option("--do-not-mail/--mail-ok", default=None,
                     help=N_("Never send this guest mail, whatever the consent.")),
        click.option("--language", type=click.Choice(("ja", "en", "shop")), default=None,
                     help=N_("The language of the guest's DMs (shop: the shop's language).")),
        click.option("--honorific", type=click.Choice(["auto", "様", "御中"]), default=None,
                     help=N_("Honorific on printed mail: auto (様 for a person, 御中 for an "
                             "organisation), 様 or 御中.")),
        click.option("--json", "as_json", is_flag=True, help=N_("Print the record as JSON.")),
    ]  # fmt: skip
    for option in reversed(options):
        fn = option(fn)
    return fn


def _apply(db, c, values: dict):
    """``c`` with the given option values applied (``None``: leave as it is)."""
    changes: dict = {}
    errors: list[ValidationError] = []  # every bad field, reported together
    for field in ("name", "kana", "phone", "email", "line_id", "notes", "dm_consent",
                  "do_not_mail"):  # fmt: skip
        if values.get(field) is not None:
            changes[field] = values[field]
    if values.get("language") is not None:
        changes["language"] = "" if values["language"] == "shop" else values["language"]
    if values.get("code") is not None:
        changes["code"] = values["code"].strip() or None
    if values.get("honorific") is not None:
        changes["honorific"] = "" if values["honorific"] == "auto" else values["honorific"]
    if values.get("tags"):
        changes["tags"] = tuple(values["tags"])
    if values.get("birthday") is not None:
        try:
            birth = parse_birthday(values["birthday"]) if values["birthday"].strip() else None
        except ValidationError as err:
            errors.append(err)
        else:
            changes.update(
                birth_year=birth.year if birth else None,
                birth_month=birth.month if birth else None,
                birth_day=birth.day if birth else None,
            )
    postal = c.postal_code
    if values.get("postal_code") is not None:
        try:
            postal = changes["postal_code"] = normalize_postal_code(values["postal_code"])
        except ValidationError as err:
            errors.append(err)
            postal = ""
    try:
        result = _apply_place(db, c, values, postal, changes)
    except ValidationError as err:
        errors.append(err)
        result = dataclasses.replace(c, **changes)
    seen = {e.field for e in errors}
    errors += [e for e in customer_errors(result) if e.field not in seen]
    if errors:
        raise all_errors(errors)
    return result


def _apply_place(db, c, values: dict, postal: str, changes: dict):
    """The address and channel options on top of ``changes`` (raises on the first bad one)."""
    if values.get("address") is not None:
        parts = customers.split_address(values["address"], postal)
        changes.update(zip(("prefecture", "city", "street", "building"), parts, strict=True))
    elif values.get("postal_code") is not None and postal:
        found = customers.postal_address(postal)
        if found is None:
            raise ValidationError(
                "postal_code", N_("is not in the postal code list; give the address with --address")
            )
        changes.update(prefecture=found[0], city=found[1], street=found[2], building="")
    channel = values.get("channel")
    if channel is not None:
        cid = customers.channel_id(db, channel) if channel.strip() else None
        if channel.strip() and cid is None:
            names = ", ".join(ch.name for ch in customers.list_channels(db, active_only=True))
            raise ValidationError(
                "channel", N_("{name} is not one of the shop's channels ({names})"),
                name=channel.strip(), names=names,
            )  # fmt: skip
        changes.update(channel_id=cid, channel="")
    return dataclasses.replace(c, **changes)


def _warn_unprintable(customer) -> None:
    warning = unprintable_warning(customer)
    if warning:
        click.echo(_("Warning: {warning}").format(warning=warning), err=True)


@customers_group.command("add", help=N_("Register a guest."))
@click.option("--name", required=True, help=N_("Full name, e.g. 田中太郎."))
@_field_options
@pass_cli
def add_customer(obj, as_json, **values):
    customer = customers.create(obj.db, _apply(obj.db, Customer(name=""), values))
    _warn_unprintable(customer)
    if as_json:
        echo_json(customer)
        return
    click.echo(_("Registered customer #{id}: {name}").format(id=customer.id, name=customer.name))
    same_phone = [c for c in customers.find_by_phone(obj.db, customer.phone) if c.id != customer.id]
    if same_phone:  # a family sharing a number, or the same guest registered twice?
        click.echo(
            _("Note: same phone as {others}.").format(
                others=", ".join(f"#{c.id} {c.name}" for c in same_phone)
            ),
            err=True,
        )


@customers_group.command(
    "edit",
    help=N_('Change a guest\'s record: only the options given change ("" clears a field).'),
)
@click.argument("customer_id", metavar="ID", type=int)
@click.option("--name", default=None, help=N_("Full name."))
@_field_options
@pass_cli
def edit_customer(obj, customer_id, as_json, **values):
    try:
        current = customers.get(obj.db, customer_id)
    except NotFound:
        raise not_found(_("No customer with id {id}."), customer_id) from None
    customer = customers.update(obj.db, _apply(obj.db, current, values))
    _warn_unprintable(customer)
    if as_json:
        echo_json(customer)
    else:
        click.echo(_("Saved customer #{id}: {name}").format(id=customer.id, name=customer.name))


@customers_group.command(
    "pref",
    help=N_(
        "Note what a guest loves, likes, dislikes or is allergic to.\n\nExample: ``shopcrm "
        "customers pref 12 えび --level allergy``."
    ),
)
@click.argument("customer_id", metavar="ID", type=int)
@click.argument("label")
@click.option("--level", type=click.Choice(["love", "like", "dislike", "allergy"]),
              default="like", show_default=True,
              help=N_("How much: love, like, dislike or allergy."))  # fmt: skip
@click.option("--kind", type=click.Choice(["drink", "food", "seat", "other"]),
              default=None, help=N_("Default: the menu item's kind, else food."))  # fmt: skip
@click.option("--note", default="", help=N_("A short note."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_cli
def add_preference(obj, customer_id, label, level, kind, note, as_json):
    if kind is None:
        item = menu.find_item(obj.db, label)
        kind = item.kind if item is not None and item.kind in ("drink", "food") else "food"
    saved = preferences.add(
        obj.db, Preference(customer_id=customer_id, kind=kind, level=level, label=label, note=note)
    )
    if as_json:
        echo_json(saved)
    else:
        click.echo(
            _("Saved preference #{id} for customer #{customer}.").format(
                id=saved.id, customer=customer_id
            )
        )


@customers_group.command(
    "unpref",
    help=N_("Remove a preference (its id is in ``customers show ID --json``)."),
)
@click.argument("preference_id", metavar="PREF_ID", type=int)
@pass_cli
def remove_preference(obj, preference_id):
    try:
        preferences.remove(obj.db, preference_id)
    except NotFound:
        raise not_found(_("No preference with id {id}."), preference_id) from None
    click.echo(_("Removed preference #{id}.").format(id=preference_id))


def _echo_summaries(rows, total: int, *, show_money: bool = True) -> None:
    if not rows:
        click.echo(_("No customers found."))
        return
    headers = [_("ID"), _("Name"), _("Reading"), _("Phone"), _("Visits"), _("Last visit")]
    if show_money:
        headers.append(_("Total spent"))
    body = [
        [
            str(r.id),
            r.name + (" ⚠" if r.has_allergy else ""),
            r.kana,
            format_phone(r.phone),
            str(r.visit_count),
            r.last_visit_at.strftime("%Y-%m-%d") if r.last_visit_at else "-",
            *([money(r.total_spent)] if show_money else []),
        ]
        for r in rows
    ]
    echo_table(headers, body, right=(0, 4, 6))
    if total > len(rows):
        click.echo(_("{shown} of {total} customers shown.").format(shown=len(rows), total=total))


_FILTER = click.Choice(["regulars", "lapsed_90", "birthday_month", "no_consent"])
_ORDER = click.Choice(["name", "kana", "phone", "last_visit", "visits", "total_spent", "created"])


def _list(obj, query, filters, order_by, descending, limit, offset, as_json) -> None:
    if order_by == "total_spent":
        require_owner(obj)  # the order alone tells who spends most
    owner = is_owner(obj)
    rows = customers.search(
        obj.db, query, filter=list(filters), order_by=order_by, descending=descending,
        limit=limit, offset=offset,
    )  # fmt: skip
    total = customers.count(obj.db, query, filter=list(filters))
    if not owner:  # staff: visit counts, no money (issue 17)
        rows = [dataclasses.replace(r, total_spent=None) for r in rows]
    if as_json:
        echo_json({"total": total, "customers": rows})
    else:
        _echo_summaries(rows, total, show_money=owner)


def _listing_options(fn):
    """--filter/--order-by/--desc/--limit/--offset/--json, shared by search and list."""
    for option in reversed(
        [
            click.option("--filter", "filters", type=_FILTER, multiple=True,
                         help=N_("Narrow down (repeatable).")),
            click.option("--order-by", type=_ORDER, default=None, help=N_("Sort by this column.")),
            click.option("--desc", "descending", is_flag=True, help=N_("Sort descending.")),
            click.option("--limit", type=click.IntRange(1, 10000), default=50, show_default=True,
                         help=N_("How many to show.")),
            click.option("--offset", type=click.IntRange(0), default=0,
                         help=N_("Skip this many (for the next page).")),
            click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON.")),
        ]
    ):  # fmt: skip
        fn = option(fn)
    return fn


@customers_group.command(
    "search",
    help=N_("Find guests by name, reading, phone, email, membership code or LINE ID."),
)
@click.argument("query")
@_listing_options
@pass_cli
def search_customers(obj, query, filters, order_by, descending, limit, offset, as_json):
    _list(obj, query, filters, order_by, descending, limit, offset, as_json)


@customers_group.command(
    "list",
    help=N_("List guests (most recent visit first unless --order-by)."),
)
@_listing_options
@pass_cli
def list_customers(obj, filters, order_by, descending, limit, offset, as_json):
    _list(obj, "", filters, order_by, descending, limit, offset, as_json)


@customers_group.command(
    "show",
    help=N_("A guest's profile, preferences, recent visits and coupons."),
)
@click.argument("customer_id", metavar="ID", type=int)
@click.option("--visits", "visit_limit", type=click.IntRange(0), default=10, show_default=True,
              help=N_("How many recent visits to show."))  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_cli
def show_customer(obj, customer_id, visit_limit, as_json):
    db = obj.db
    try:
        customer = customers.get(db, customer_id)
    except NotFound:
        raise not_found(_("No customer with id {id}."), customer_id) from None
    prefs = preferences.for_customer(db, customer_id)
    recent = visits.for_customer(db, customer_id, limit=visit_limit)
    figures = customers.summary(db, customer_id)
    if not is_owner(obj):  # staff see visit counts, not what a guest has spent in all
        figures = dataclasses.replace(figures, total_spent=None)
    held = coupons.for_customer(db, customer_id)
    if as_json:
        echo_json(
            {"customer": customer, "summary": figures, "preferences": prefs,
             "visits": recent, "coupons": held}
        )  # fmt: skip
        return
    _echo_profile(customer, figures, prefs, recent, held)


def _echo_profile(c, figures, prefs, recent, held) -> None:
    title = f"#{c.id} {c.name}" + (f" ({c.kana})" if c.kana else "")
    click.echo(click.style(title, bold=True))
    allergies = [p.label for p in prefs if p.level == "allergy"]
    if allergies:
        click.echo(
            click.style(
                _("Allergy: {items}").format(items=", ".join(allergies)), fg="red", bold=True
            )
        )
    address = " ".join(c.address_lines)
    if c.postal_code:
        address = f"〒{format_postal_code(c.postal_code)} {address}"
    consent = _("yes") if c.dm_consent else _("no")
    if c.dm_consent and c.dm_consent_at:
        consent += f" ({c.dm_consent_at:%Y-%m-%d})"
    if c.do_not_mail:
        consent += " / " + _("do not mail")
    fields = [
        (_("Membership code"), c.code or ""),
        (_("Phone"), format_phone(c.phone)),
        (_("Email"), c.email),
        (_("LINE ID"), c.line_id),
        (_("Address"), address.strip()),
        (_("Birthday"), format_birthday((c.birth_year, c.birth_month, c.birth_day))
         if c.has_birthday else ""),
        (_("Acquisition channel"), c.channel),
        (_("Tags"), ", ".join(c.tags)),
        (_("DM consent"), consent),
        (_("DM language"), {"ja": "日本語", "en": "English"}.get(c.language, _("the shop's"))),
        (_("Honorific"), c.honorific),
        (_("Registered"), format_when(c.created_at)),
        (_("Notes"), c.notes),
    ]  # fmt: skip
    echo_fields(fields, skip_empty=True)
    if figures.total_spent is None:
        line = _("Visits: {count} on {days} days, last {last}")
    else:
        line = _("Visits: {count} on {days} days, total {total}, last {last}")
    click.echo(
        "  "
        + line.format(
            count=figures.visit_count,
            days=figures.visit_days,
            total=money(figures.total_spent or 0),
            last=format_when(figures.last_visit_at),
        )
    )
    if prefs:
        click.echo(_("Preferences:"))
        for p in prefs:
            click.echo(
                f"  {_(PREFERENCE_LEVEL_LABELS[p.level])} / {_(PREFERENCE_KIND_LABELS[p.kind])}:"
                f" {p.label}" + (f" ({p.note})" if p.note else "")
            )
    if recent:
        click.echo(_("Recent visits:"))
        echo_visits(recent)

    usable = [k for k in held if status(k) == "issued"]
    if usable:
        click.echo(_("Coupons:"))
        for k in usable:
            title = BUILTIN_TITLES.get(k.campaign_name)
            click.echo(
                "  "
                + _("{code} ({campaign}) valid until {until}").format(
                    code=k.code,
                    campaign=_(title) if title else k.campaign_name,
                    until=k.valid_until.isoformat(),
                )
            )


def echo_visits(rows, names: dict[int, str] | None = None) -> None:
    """Visits as a table (with the guest's name when ``names`` maps visit id to it, and a staff
    column when any of the visits has a staff name)."""
    with_staff = any(v.staff for v in rows)
    headers = [_("ID"), _("Date and time")]
    if names is not None:
        headers.append(_("Customer"))
    headers += [_("Party"), _("Amount")]
    right = (0, len(headers) - 2, len(headers) - 1)
    if with_staff:
        headers.append(_("Staff"))
    headers.append(_("Items"))
    body = []
    for v in rows:
        items = ", ".join(i.name + (f"×{i.quantity}" if i.quantity > 1 else "") for i in v.items)
        if v.coupon_code:
            items = (items + " " if items else "") + _("[coupon {code}]").format(code=v.coupon_code)
        row = [str(v.id), format_when(v.visited_at)]
        if names is not None:
            row.append(names.get(v.id, ""))
        row += [str(v.party_size), money(v.amount)]
        if with_staff:
            row.append(v.staff)
        row.append(items)
        body.append(row)
    echo_table(headers, body, right=right)
