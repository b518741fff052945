"""Campaigns in the database, their validation, and the customer queries issuing and lists need.

A campaign (birthday, welcome, win-back or custom) says what a coupon gives (percent, amount or a
free item), how long it is valid (days from issue, or a date range), the DM text template and
what one printed piece costs. Built-ins ``birthday``, ``welcome`` and ``winback`` come with the
first migration; they can be edited and paused but not deleted.

Templates are checked when the campaign is saved: an unknown ``{field}`` is an error then, never a
surprise at print time. The customer selections (who a campaign targets, birthdays in some months,
favourite items) live here too because only the store runs SQL.
"""

from __future__ import annotations

import datetime as dt
import json
import string
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlite_utils import Database

from shopcrm.domain.favourites import NOT_A_FAVOURITE
from shopcrm.domain.models import CAMPAIGN_KINDS, DISCOUNT_TYPES, Campaign, Customer
from shopcrm.domain.rules import ValidationError
from shopcrm.i18n import N_, _
from shopcrm.store import dialect
from shopcrm.store.dialect import insert_id
from shopcrm.store.errors import NotFound

BUILTIN_NAMES = ("birthday", "welcome", "winback")

# Fields a DM template may use, with what they hold (shown in the campaign dialog).
TEMPLATE_FIELDS: dict[str, str] = {
    "name": N_("the guest's name"),
    "favourite": N_("the guest's favourite (a loved or liked item, else the most ordered)"),
    "coupon_code": N_("the coupon code"),
    "expires": N_("the last day the coupon is valid"),
    "valid_from": N_("the first day the coupon is valid"),
    "shop_name": N_("the shop's name"),
    "discount": N_("what the coupon gives (10% off, ¥500 off, a free item)"),
}

# Keys of a custom campaign's saved filter.
FILTER_KEYS = (
    "tags",  # list[str]: has any of these tags
    "preferences",  # list[str]: loves or likes an item whose label contains one of these
    "min_visits",  # int
    "max_visits",  # int
    "last_visit_within_days",  # int: visited in the last N days
    "last_visit_before_days",  # int: no visit in the last N days (but visited once)
    "channel",  # str: acquisition channel name
    "customer_ids",  # list[int]: exactly these customers (analytics segments)
    "period_key",  # str: the idempotency key (default: the issue date)
    "first_visit_within_days",  # int: welcome campaigns: first visit in the last N days
)

CAMPAIGN_FIELD_LABELS = {
    "name": N_("Campaign name"),
    "kind": N_("Kind"),
    "discount": N_("Discount"),
    "validity": N_("Validity"),
    "template": N_("Message template"),
    "cost_per_piece": N_("Cost per piece"),
    "winback_days": N_("Days without a visit"),
    "filter": N_("Target filter"),
    "campaign": N_("Campaign"),
}

WELCOME_WITHIN_DAYS = 30  # welcome: first visit in the last 30 days (unless the filter says)


class CampaignError(ValidationError):
    """Bad input in one field of a campaign (the field labels are the campaign form's)."""

    @property
    def field_label(self) -> str:
        label = CAMPAIGN_FIELD_LABELS.get(self.field)
        return _(label) if label else super().field_label


# --- templates ---------------------------------------------------------------------------------


def template_fields(template: str) -> list[str]:
    """The ``{fields}`` a template uses, in order; ``CampaignError`` when its braces are broken."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise CampaignError(
            "template",
            N_("A {{ or }} is not closed (write {{{{ or }}}} for a brace itself)."),
        ) from exc
    return [name for _text, name, _spec, _conv in parsed if name is not None]


def check_template(template: str) -> str:
    """The template if every field in it is known and plain, else ``CampaignError`` naming the
    field. A format spec or conversion (``{name:>300000000}``, ``{name!r}``) is refused: it could
    make printing hang or show Python's own spelling of a value."""
    template_fields(template)  # broken braces first
    for _text, name, spec, conv in string.Formatter().parse(template):
        if name is not None and (spec or conv):
            raise CampaignError(
                "template",
                N_("Write {{{used}}} alone: a “:” or “!” after the field name is not allowed."),
                used=name,
            )
    for name in template_fields(template):
        if name not in TEMPLATE_FIELDS:
            raise CampaignError(
                "template",
                N_("Unknown field {{{unknown}}} in the message; fields you can use: {known}."),
                unknown=name,
                known=", ".join("{" + k + "}" for k in TEMPLATE_FIELDS),
            )
    return template


# --- validation --------------------------------------------------------------------------------


def campaign_errors(c: Campaign) -> list[CampaignError]:
    """Every problem of the campaign (for a form); empty when it can be saved."""
    errors: list[CampaignError] = []
    if not c.name.strip():
        errors.append(CampaignError("name", N_("Give the campaign a name.")))
    if c.kind not in CAMPAIGN_KINDS:
        errors.append(CampaignError("kind", N_("Unknown campaign kind {kind}."), kind=c.kind))
    if c.discount_type not in DISCOUNT_TYPES:
        errors.append(
            CampaignError("discount", N_("Unknown discount type {type}."), type=c.discount_type)
        )
    elif c.discount_type == "percent" and not 1 <= int(c.discount_value) <= 100:
        errors.append(CampaignError("discount", N_("A percentage discount is 1 to 100 %.")))
    elif c.discount_type == "amount" and int(c.discount_value) < 1:
        errors.append(CampaignError("discount", N_("Enter the amount taken off the bill.")))
    elif c.discount_type == "item" and not c.discount_item.strip():
        errors.append(CampaignError("discount", N_("Enter the item the guest gets free.")))
    if c.valid_until is not None:
        if c.valid_from is not None and c.valid_from > c.valid_until:
            errors.append(
                CampaignError(
                    "validity",
                    N_("The validity ends ({until}) before it starts ({start})."),
                    until=c.valid_until.isoformat(),
                    start=c.valid_from.isoformat(),
                )
            )
    elif c.valid_days is None or int(c.valid_days) < 1:
        errors.append(
            CampaignError(
                "validity",
                N_("Give the number of days a coupon is valid, or the last day it is valid."),
            )
        )
    try:
        check_template(c.template)
    except CampaignError as exc:
        errors.append(exc)
    if int(c.cost_per_piece) < 0:
        errors.append(CampaignError("cost_per_piece", N_("The cost cannot be negative.")))
    if c.kind == "winback" and int(c.winback_days) < 1:
        errors.append(CampaignError("winback_days", N_("Enter at least 1 day.")))
    unknown = sorted(set(c.filter or {}) - set(FILTER_KEYS))
    if unknown:
        errors.append(
            CampaignError("filter", N_("Unknown filter {keys}."), keys=", ".join(unknown))
        )
    return errors


def check_campaign(c: Campaign) -> Campaign:
    """A cleaned copy of the campaign, or the first ``CampaignError``."""
    errors = campaign_errors(c)
    if errors:
        raise errors[0]
    return replace(
        c,
        name=c.name.strip(),
        discount_item=c.discount_item.strip(),
        discount_value=int(c.discount_value),
        valid_days=None if c.valid_days is None else int(c.valid_days),
        filter=dict(c.filter or {}),
    )


# --- rows --------------------------------------------------------------------------------------

_COLUMNS = (
    "id, name, kind, discount_type, discount_value, discount_item, valid_days, valid_from,"
    " valid_until, template, cost_per_piece, winback_days, filter, active, created_at"
)


def _from_row(row) -> Campaign:
    (id_, name, kind, dtype, value, item, days, vfrom, vuntil, template, cost, winback, filt,
     active, created) = row  # fmt: skip
    return Campaign(
        id=id_,
        name=name,
        kind=kind,
        discount_type=dtype,
        discount_value=value,
        discount_item=item,
        valid_days=days,
        valid_from=dt.date.fromisoformat(vfrom) if vfrom else None,
        valid_until=dt.date.fromisoformat(vuntil) if vuntil else None,
        template=template,
        cost_per_piece=cost,
        winback_days=winback,
        filter=json.loads(filt or "{}"),
        active=bool(active),
        created_at=dt.datetime.fromisoformat(created) if created else None,
    )


def _values(c: Campaign) -> list:
    return [
        c.name,
        c.kind,
        c.discount_type,
        c.discount_value,
        c.discount_item,
        c.valid_days,
        c.valid_from.isoformat() if c.valid_from else None,
        c.valid_until.isoformat() if c.valid_until else None,
        c.template,
        c.cost_per_piece,
        c.winback_days,
        json.dumps(c.filter, ensure_ascii=False, sort_keys=True),
        int(c.active),
    ]


def get(db: Database, name_or_id: str | int) -> Campaign:
    """The campaign with that id (an int or digits) or name; ``NotFound`` otherwise."""
    row = None
    text = str(name_or_id).strip()
    if isinstance(name_or_id, int) or text.isdigit():
        row = db.execute(f"SELECT {_COLUMNS} FROM campaigns WHERE id = ?", [int(text)]).fetchone()
    if row is None:
        row = db.execute(f"SELECT {_COLUMNS} FROM campaigns WHERE name = ?", [text]).fetchone()
    if row is None:
        row = db.execute(
            f"SELECT {_COLUMNS} FROM campaigns WHERE lower(name) = lower(?)", [text]
        ).fetchone()
    if row is None:
        raise NotFound("campaign", name_or_id)
    return _from_row(row)


def list_all(db: Database, *, active_only: bool = False) -> list[Campaign]:
    """Every campaign, built-ins first, then by name."""
    where = "WHERE active = 1" if active_only else ""
    order = (
        "CASE name WHEN 'birthday' THEN 0 WHEN 'welcome' THEN 1 WHEN 'winback' THEN 2 ELSE 3 END"
    )
    rows = db.execute(f"SELECT {_COLUMNS} FROM campaigns {where} ORDER BY {order}, name").fetchall()
    return [_from_row(r) for r in rows]


def _name_taken(db: Database, name: str, except_id: int | None) -> bool:
    row = db.execute(
        "SELECT 1 FROM campaigns WHERE lower(name) = lower(?) AND id IS DISTINCT FROM ?",
        [name, except_id],
    ).fetchone()
    return row is not None


def create(db: Database, campaign: Campaign, *, now: dt.datetime | None = None) -> Campaign:
    """Validate and insert; returns the stored campaign (with its id)."""
    c = check_campaign(campaign)
    if _name_taken(db, c.name, None):
        raise CampaignError("name", N_("A campaign named {name} already exists."), name=c.name)
    created = (now or dt.datetime.now()).replace(microsecond=0)
    with db.atomic():
        cursor = insert_id(
            db,
            "INSERT INTO campaigns(name, kind, discount_type, discount_value, discount_item,"
            " valid_days, valid_from, valid_until, template, cost_per_piece, winback_days, filter,"
            " active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [*_values(c), created.isoformat(sep=" ")],
        )
    return get(db, cursor)


def update(db: Database, campaign: Campaign) -> Campaign:
    """Validate and save changes to an existing campaign (a built-in keeps its name and kind)."""
    if campaign.id is None:
        raise NotFound("campaign", None)
    old = get(db, campaign.id)
    c = check_campaign(campaign)
    if old.name in BUILTIN_NAMES and (c.name != old.name or c.kind != old.kind):
        raise CampaignError(
            "name", N_("The built-in campaign {name} keeps its name and kind."), name=old.name
        )
    if _name_taken(db, c.name, c.id):
        raise CampaignError("name", N_("A campaign named {name} already exists."), name=c.name)
    with db.atomic():
        db.execute(
            "UPDATE campaigns SET name = ?, kind = ?, discount_type = ?, discount_value = ?,"
            " discount_item = ?, valid_days = ?, valid_from = ?, valid_until = ?, template = ?,"
            " cost_per_piece = ?, winback_days = ?, filter = ?, active = ? WHERE id = ?",
            [*_values(c), c.id],
        )
    return get(db, c.id)


def delete(db: Database, campaign_id: int) -> None:
    """Delete a campaign that never issued a coupon (otherwise pause it: ``active=False``)."""
    c = get(db, campaign_id)
    if c.name in BUILTIN_NAMES:
        raise CampaignError(
            "campaign",
            N_("The built-in campaign {name} cannot be deleted; pause it instead."),
            name=c.name,
        )
    used = db.execute("SELECT count(*) FROM coupons WHERE campaign_id = ?", [c.id]).fetchone()[0]
    if used:
        raise CampaignError(
            "campaign",
            N_("{name} has issued coupons and cannot be deleted; pause it instead."),
            name=c.name,
        )
    with db.atomic():
        db.execute("UPDATE mailings SET campaign_id = NULL WHERE campaign_id = ?", [c.id])
        db.execute("DELETE FROM campaigns WHERE id = ?", [c.id])


def coupon_counts(db: Database, *, today: dt.date | None = None) -> dict[int, dict[str, int]]:
    """Per campaign id: how many coupons were issued, redeemed and voided, and how many can still
    be printed and used (not redeemed, not voided, not expired on ``today``)."""
    day = (today or dt.date.today()).isoformat()
    result: dict[int, dict[str, int]] = {}
    for cid, issued, redeemed, voided, usable in db.execute(
        "SELECT campaign_id, count(*), count(redeemed_visit_id), count(voided_at),"
        " count(CASE WHEN redeemed_visit_id IS NULL AND redeemed_at IS NULL"
        "     AND voided_at IS NULL AND valid_until >= ? THEN 1 END)"
        " FROM coupons GROUP BY campaign_id",
        [day],
    ):
        result[cid] = {
            "issued": issued,
            "redeemed": redeemed,
            "voided": voided,
            "usable": usable or 0,
        }
    return result


# --- customers for issuing and lists -----------------------------------------------------------


@dataclass
class Candidate:
    """A customer with the visit figures the lists and the issuing rules look at."""

    customer: Customer
    visit_count: int = 0
    last_visit_at: dt.datetime | None = None
    first_visit_at: dt.datetime | None = None


_CUSTOMER_COLUMNS = (
    "c.id, c.code, c.name, c.kana, c.phone, c.email, c.line_id, c.postal_code, c.prefecture,"
    " c.city, c.street, c.building, c.birth_year, c.birth_month, c.birth_day, c.channel_id,"
    " coalesce(ch.name, ''), c.tags, c.notes, c.dm_consent, c.dm_consent_at,"
    " c.dm_consent_channel, c.do_not_mail, c.created_at, c.updated_at, c.erased_at,"
    " c.visit_count, c.last_visit_at, c.first_visit_at, c.language"
)


def _moment(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def _candidate(row) -> Candidate:
    (id_, code, name, kana, phone, email, line_id, postal, pref, city, street, building, by, bm, bd,
     channel_id, channel, tags, notes, consent, consent_at, consent_channel, dnm, created, updated,
     erased, visit_count, last_visit, first_visit, language) = row  # fmt: skip
    customer = Customer(
        id=id_,
        code=code,
        name=name,
        kana=kana,
        phone=phone,
        email=email,
        line_id=line_id,
        postal_code=postal,
        prefecture=pref,
        city=city,
        street=street,
        building=building,
        birth_year=by,
        birth_month=bm,
        birth_day=bd,
        channel_id=channel_id,
        channel=channel,
        tags=tuple(json.loads(tags or "[]")),
        notes=notes,
        dm_consent=bool(consent),
        dm_consent_at=_moment(consent_at),
        dm_consent_channel=consent_channel,
        do_not_mail=bool(dnm),
        created_at=_moment(created),
        updated_at=_moment(updated),
        erased_at=_moment(erased),
        language=language or "",
    )
    return Candidate(customer, visit_count, _moment(last_visit), _moment(first_visit))


def _select(db: Database, where: str, params: list) -> list[Candidate]:
    sql = (
        f"SELECT {_CUSTOMER_COLUMNS} FROM customers c LEFT JOIN channels ch ON ch.id = c.channel_id"
        f" WHERE {where} ORDER BY c.kana, c.name, c.id"
    )
    return [_candidate(r) for r in db.execute(sql, params).fetchall()]


def customers_by_ids(db: Database, ids: Iterable[int]) -> list[Candidate]:
    """These customers (in kana order); unknown ids are simply absent."""
    wanted = sorted({int(i) for i in ids})
    found: list[Candidate] = []
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found += _select(db, f"c.id IN ({', '.join('?' for _ in chunk)})", chunk)
    found.sort(key=lambda cand: (cand.customer.kana, cand.customer.name, cand.customer.id))
    return found


def birthday_customers(db: Database, months: Iterable[int]) -> list[Candidate]:
    """Customers (erased ones too, for the caller to leave out) born in one of these months."""
    wanted = sorted(set(months))
    if not wanted:
        return []
    marks = ", ".join("?" for _ in wanted)
    return _select(db, f"c.birth_month IN ({marks}) AND c.birth_day IS NOT NULL", wanted)


def _cutoff(today: dt.date, days: int) -> str:
    return (today - dt.timedelta(days=int(days))).isoformat()


def target_customers(db: Database, campaign: Campaign, *, today: dt.date) -> list[Candidate]:
    """Who a welcome, win-back or custom campaign targets on ``today`` (before consent checks)."""
    f = campaign.filter or {}
    where: list[str] = ["1 = 1"]
    params: list = []
    if campaign.kind == "welcome":
        days = int(f.get("first_visit_within_days") or WELCOME_WITHIN_DAYS)
        where.append("c.first_visit_at IS NOT NULL AND substr(c.first_visit_at, 1, 10) >= ?")
        params.append(_cutoff(today, days))
    elif campaign.kind == "winback":
        where.append("c.last_visit_at IS NOT NULL AND substr(c.last_visit_at, 1, 10) < ?")
        params.append(_cutoff(today, campaign.winback_days))
    elif campaign.kind == "birthday":
        raise ValueError("birthday campaigns select by month: use birthday_customers")
    if campaign.kind == "custom" or f:
        if f.get("customer_ids"):
            ids = [int(i) for i in f["customer_ids"]]
            where.append(f"c.id IN ({', '.join('?' for _ in ids)})")
            params += ids
        if f.get("tags"):
            tags = list(f["tags"])
            where.append(
                f"EXISTS (SELECT 1 FROM {dialect.json_array_values(db, 'c.tags')} WHERE value IN"
                f" ({', '.join('?' for _ in tags)}))"
            )
            params += tags
        if f.get("preferences"):
            likes = [f"%{p}%" for p in f["preferences"]]
            ors = " OR ".join("p.label LIKE ?" for _ in likes)
            where.append(
                "EXISTS (SELECT 1 FROM preferences p WHERE p.customer_id = c.id"
                f" AND p.level IN ('love', 'like') AND ({ors}))"
            )
            params += likes
        if f.get("min_visits") is not None:
            where.append("c.visit_count >= ?")
            params.append(int(f["min_visits"]))
        if f.get("max_visits") is not None:
            where.append("c.visit_count <= ?")
            params.append(int(f["max_visits"]))
        if f.get("last_visit_within_days") is not None:
            where.append("c.last_visit_at IS NOT NULL AND substr(c.last_visit_at, 1, 10) >= ?")
            params.append(_cutoff(today, f["last_visit_within_days"]))
        if f.get("last_visit_before_days") is not None:
            where.append("c.last_visit_at IS NOT NULL AND substr(c.last_visit_at, 1, 10) < ?")
            params.append(_cutoff(today, f["last_visit_before_days"]))
        if f.get("channel"):
            where.append("ch.name = ?")
            params.append(str(f["channel"]))
    return _select(db, " AND ".join(where), params)


def favourites(db: Database, customer_ids: Iterable[int]) -> dict[int, str]:
    """Per customer: the loved item (else liked; drinks before food on a tie), else the item they
    ordered most (not counting "other" menu items such as the お通し table charge, which everyone
    gets, nor soft drinks and desserts). Customers with neither are absent."""
    ids = sorted({int(i) for i in customer_ids})
    result: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        for cid, label in db.execute(
            f"""SELECT customer_id, label FROM (
                SELECT customer_id, label, row_number() OVER (
                    PARTITION BY customer_id
                    ORDER BY CASE level WHEN 'love' THEN 0 ELSE 1 END,
                             CASE kind WHEN 'drink' THEN 0 WHEN 'food' THEN 1 ELSE 2 END,
                             created_at DESC, id DESC) AS rank
                FROM preferences
                WHERE customer_id IN ({marks}) AND level IN ('love', 'like')
                  AND kind IN ('drink', 'food')) AS p
            WHERE rank = 1""",
            chunk,
        ):
            result[cid] = label
        missing = [i for i in chunk if i not in result]
        if not missing:
            continue
        marks = ", ".join("?" for _ in missing)
        # Soft drinks and desserts are nobody's fallback favourite (domain.favourites).
        not_fav = " ".join("AND coalesce(mc.name, '') NOT LIKE ?" for _ in NOT_A_FAVOURITE)
        for cid, name in db.execute(
            f"""SELECT customer_id, name FROM (
                SELECT v.customer_id, vi.name, row_number() OVER (
                    PARTITION BY v.customer_id
                    ORDER BY sum(vi.quantity) DESC, max(v.visited_at) DESC, vi.name) AS rank
                FROM visit_items vi JOIN visits v ON v.id = vi.visit_id
                LEFT JOIN menu_items mi ON mi.id = vi.menu_item_id
                LEFT JOIN menu_categories mc ON mc.id = mi.category_id
                WHERE v.customer_id IN ({marks}) AND coalesce(mc.kind, '') != 'other' {not_fav}
                GROUP BY v.customer_id, vi.name) AS t
            WHERE rank = 1""",
            [*missing, *(f"%{word}%" for word in NOT_A_FAVOURITE)],
        ):
            result[cid] = name
    return result
