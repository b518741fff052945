"""Visits: recording a guest's visit with what they ordered, reading history, favourite hints.

``record`` writes the visit, its items and the coupon redemption in ONE transaction: when any
step fails (bad input, an expired coupon) nothing of the visit is written. Items named like a
menu item are linked to it with the price of the day (a snapshot: later menu edits do not change
history); other names are kept as free text. The customer's visit figures (count, days, total,
first/last visit) are kept by triggers in the schema.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter

from sqlite_utils import Database

from shopcrm.domain.dates import STORED_SLACK, business_day_span, check_visit_time
from shopcrm.domain.kana import search_key
from shopcrm.domain.models import Visit, VisitItem
from shopcrm.domain.rules import ValidationError, validate_amount, validate_party_size
from shopcrm.i18n import N_
from shopcrm.store import coupons, menu
from shopcrm.store.business_day import start_hour
from shopcrm.store.customers import now, to_datetime, to_text
from shopcrm.store.dialect import executemany, insert_id
from shopcrm.store.errors import NotFound
from shopcrm.store.preferences import favourites

_SELECT = """SELECT v.id, v.customer_id, v.visited_at, v.amount, v.party_size, v.staff, v.note,
    v.created_at, (SELECT k.code FROM coupons k WHERE k.redeemed_visit_id = v.id)
    FROM visits v"""


def _visit(row) -> Visit:
    return Visit(
        id=row[0],
        customer_id=row[1],
        visited_at=to_datetime(row[2]),
        amount=row[3],
        party_size=row[4],
        staff=row[5],
        note=row[6],
        created_at=to_datetime(row[7]),
        coupon_code=row[8],
    )


def _fill_items(db: Database, visits: list[Visit]) -> list[Visit]:
    """Attach each visit's items, with one query for the lot."""
    by_id = {v.id: v for v in visits}
    ids = list(by_id)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        for row in db.execute(
            "SELECT id, visit_id, menu_item_id, name, quantity, price FROM visit_items"
            f" WHERE visit_id IN ({marks}) ORDER BY id",
            chunk,
        ):
            by_id[row[1]].items.append(
                VisitItem(
                    id=row[0],
                    visit_id=row[1],
                    menu_item_id=row[2],
                    name=row[3],
                    quantity=row[4],
                    price=row[5],
                )
            )
    return visits


def _int_field(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, N_("must be a whole number"))
    return value


def _clean_items(db: Database, items: list[VisitItem]) -> list[VisitItem]:
    cleaned: list[VisitItem] = []
    for item in items or ():
        name = (item.name or "").strip()
        menu_item = None
        if item.menu_item_id is not None:
            try:
                menu_item = menu.get_item(db, item.menu_item_id)
            except NotFound:
                raise ValidationError("items", N_("no such menu item")) from None
            name = name or menu_item.name
        elif name:
            menu_item = menu.find_item(db, name)
        if not name:
            raise ValidationError("items", N_("every item needs a name"))
        quantity = _int_field(item.quantity, "items")
        if not 1 <= quantity <= 999:
            raise ValidationError(
                "items", N_("the quantity of {item} must be between 1 and 999"), item=name
            )
        price = item.price
        if price is None and menu_item is not None:
            price = menu_item.price
        if price is not None and (_int_field(price, "price") < 0):
            raise ValidationError("price", N_("cannot be negative"))
        cleaned.append(
            VisitItem(
                name=name,
                menu_item_id=menu_item.id if menu_item else None,
                quantity=quantity,
                price=price,
            )
        )
    return cleaned


def record(db: Database, visit: Visit, coupon_code: str | None = None) -> Visit:
    """Validate and save ``visit`` with its items; redeem ``coupon_code`` on it if given.

    All or nothing: a ``ValidationError`` (or the coupon's ``CouponError``) leaves no trace.
    """
    party_size = validate_party_size(visit.party_size)
    amount = validate_amount(visit.amount)
    if not isinstance(visit.visited_at, dt.datetime):
        raise ValidationError("visited_at", N_("is required"))
    check_visit_time(visit.visited_at, slack=STORED_SLACK)
    with db.atomic():
        if visit.customer_id is not None:
            row = db.execute(
                "SELECT erased_at FROM customers WHERE id = ?", [visit.customer_id]
            ).fetchone()
            if row is None:
                raise ValidationError("customer", N_("no such customer"))
            if row[0] is not None:
                raise ValidationError("customer", N_("this customer's record was erased"))
        elif coupon_code:
            raise ValidationError("customer", N_("choose the guest the coupon belongs to"))
        items = _clean_items(db, visit.items)
        visit_id = insert_id(
            db,
            "INSERT INTO visits(customer_id, visited_at, party_size, amount, staff, note,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                visit.customer_id,
                to_text(visit.visited_at),
                party_size,
                amount,
                (visit.staff or "").strip(),
                (visit.note or "").strip(),
                to_text(visit.created_at or now()),
            ],
        )
        executemany(
            db,
            "INSERT INTO visit_items(visit_id, menu_item_id, name, quantity, price)"
            " VALUES (?, ?, ?, ?, ?)",
            [(visit_id, i.menu_item_id, i.name, i.quantity, i.price) for i in items],
        )
        if coupon_code and coupon_code.strip():
            coupons.redeem(
                db,
                coupon_code,
                customer_id=visit.customer_id,
                visit_id=visit_id,
                at=visit.visited_at,
            )
        return get(db, visit_id)


def get(db: Database, id: int) -> Visit:
    row = db.execute(_SELECT + " WHERE v.id = ?", [id]).fetchone()
    if row is None:
        raise NotFound("visit", id)
    return _fill_items(db, [_visit(row)])[0]


def for_customer(db: Database, customer_id: int, limit: int | None = None) -> list[Visit]:
    """The customer's visits, newest first, items filled."""
    sql = _SELECT + " WHERE v.customer_id = ? ORDER BY v.visited_at DESC, v.id DESC"
    params: list = [customer_id]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return _fill_items(db, [_visit(r) for r in db.execute(sql, params).fetchall()])


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a calendar day, for a range on ``visits.visited_at`` (its index)."""
    start = dt.datetime.combine(day, dt.time())
    return start, start + dt.timedelta(days=1)


def recent(
    db: Database,
    *,
    day: dt.date | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int = 20,
) -> list[tuple[Visit, str]]:
    """The latest visits with the customer's name ("" for none): of ``day`` when given, else
    those with ``since <= visited_at < until`` (either bound may be left out).

    The filter is a range on ``visited_at``, which is indexed: SQLite reads only the rows it
    returns, also when none match (a filter on ``visit_date`` read every visit of the shop's
    history). A business day that ends after midnight is just other bounds."""
    if day is not None:  # the business day: 00:20 tonight is still ``day``'s evening
        since, until = business_day_span(day, start_hour(db))
    sql = (
        _SELECT.replace(" FROM visits v", ", coalesce(c.name, '') FROM visits v")
        + " LEFT JOIN customers c ON c.id = v.customer_id"
    )
    where: list[str] = []
    params: list = []
    if since is not None:
        where.append("v.visited_at >= ?")
        params.append(to_text(since))
    if until is not None:
        where.append("v.visited_at < ?")
        params.append(to_text(until))
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY v.visited_at DESC, v.id DESC LIMIT ?"
    params.append(int(limit))
    rows = db.execute(sql, params).fetchall()
    visits = _fill_items(db, [_visit(r) for r in rows])
    return [(v, r[9]) for v, r in zip(visits, rows, strict=True)]


def staff_names(db: Database, limit: int = 50, recent: int = 5000) -> list[str]:
    """Staff names written on the latest ``recent`` visits, the most recently used first (for
    a combo box; reading only recent visits keeps it quick and lets old names drop off)."""
    rows = db.execute(
        "SELECT staff FROM (SELECT staff, visited_at FROM visits"
        " ORDER BY visited_at DESC LIMIT ?) WHERE staff <> '' GROUP BY staff"
        " ORDER BY max(visited_at) DESC, staff LIMIT ?",
        [int(recent), int(limit)],
    ).fetchall()
    return [r[0] for r in rows]


def delete(db: Database, id: int) -> None:
    """Delete a visit recorded by mistake; a coupon redeemed on it becomes usable again."""
    with db.atomic():
        get(db, id)

        coupons.release_visit(db, id)
        db.execute("DELETE FROM visits WHERE id = ?", [id])


def suggest_favourites(
    db: Database, customer_id: int, last: int = 5, min_count: int = 3
) -> list[str]:
    """Items ordered in at least ``min_count`` of the guest's last ``last`` visits that are not
    yet a love/like preference: most often ordered first, then most recently ordered. Items of an
    "other" menu category (the お通し table charge) are never suggested."""
    rows = db.execute(
        """SELECT i.visit_id, i.name, i.menu_item_id, coalesce(mc.kind, '') FROM visit_items i
        JOIN (SELECT id, visited_at FROM visits WHERE customer_id = ?
              ORDER BY visited_at DESC, id DESC LIMIT ?) v ON v.id = i.visit_id
        LEFT JOIN menu_items mi ON mi.id = i.menu_item_id
        LEFT JOIN menu_categories mc ON mc.id = mi.category_id
        ORDER BY v.visited_at DESC, v.id DESC, i.id""",
        [customer_id, int(last)],
    ).fetchall()
    names: dict[str, str] = {}  # the newest spelling, width-folded (ﾊｲﾎﾞｰﾙ -> ハイボール)
    newest: dict[str, int] = {}  # how many visits ago it was last ordered
    per_visit: dict[int, set[str]] = {}
    for visit_id, name, _menu_item_id, kind in rows:
        if kind == "other":  # a table charge (お通し) is on every bill: no one's favourite
            per_visit.setdefault(visit_id, set())
            continue
        key = search_key(name)
        names.setdefault(key, unicodedata.normalize("NFKC", name).strip())
        per_visit.setdefault(visit_id, set()).add(key)
        newest.setdefault(key, len(per_visit) - 1)
    counts = Counter(key for keys in per_visit.values() for key in keys)
    liked = favourites(db, customer_id)
    known = {search_key(p.label) for p in liked}
    liked_items = {p.menu_item_id for p in liked if p.menu_item_id is not None}
    # an item linked to a liked menu item counts as known, whatever it was called then
    known |= {search_key(r[1]) for r in rows if r[2] is not None and r[2] in liked_items}
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], newest[kv[0]], names[kv[0]]))
    return [names[key] for key, n in ranked if n >= min_count and key not in known]
