"""Fast multi-row inserts for generated data (the demo shop, benchmarks): executemany, one
transaction per call (a savepoint inside the caller's transaction), ids assigned up front so
related rows can be written in the same pass.

No validation happens here: callers pass rows already normalised as ``rules.check_customer`` and
the other checks would leave them. The schema's triggers still run, so each customer's visit
figures (count, days, total, first and last visit) and the search index stay true.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlite_utils import Database

from shopcrm.domain.models import (
    Coupon,
    Customer,
    Mailing,
    MenuCategory,
    MenuItem,
    Preference,
    Visit,
)
from shopcrm.store.customers import _WRITE_COLUMNS, _row_values, to_text


def _next_id(db: Database, table: str) -> int:
    return db.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]


def table_counts(db: Database) -> dict[str, int]:
    """Rows in the tables the demo fills (to refuse filling a shop that has records)."""
    tables = ("customers", "visits", "menu_items", "coupons", "mailings", "preferences")
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def insert_menu(
    db: Database, categories: Sequence[MenuCategory], items: Sequence[MenuItem]
) -> list[MenuItem]:
    """Insert categories and items (items name their category in ``category``); returns the
    items with ``id`` and ``category_id`` filled."""
    with db.atomic():
        cat_ids: dict[str, int] = {}
        first = _next_id(db, "menu_categories")
        rows = []
        for offset, c in enumerate(categories):
            cat_ids[c.name] = first + offset
            rows.append((first + offset, c.name, c.kind, c.sort_order or offset))
        db.conn.executemany(
            "INSERT INTO menu_categories(id, name, kind, sort_order) VALUES (?, ?, ?, ?)", rows
        )
        from shopcrm.domain.readings import clean_reading, guess_reading

        first = _next_id(db, "menu_items")
        out: list[MenuItem] = []
        rows = []
        for offset, item in enumerate(items):
            done = MenuItem(
                name=item.name,
                price=item.price,
                category_id=cat_ids.get(item.category, item.category_id),
                category=item.category,
                kind=item.kind,
                id=first + offset,
                active=item.active,
                sort_order=item.sort_order or offset,
                reading=clean_reading(item.reading) or guess_reading(item.name),
            )
            out.append(done)
            rows.append(
                (done.id, done.category_id, done.name, done.price, int(done.active),
                 done.sort_order, done.reading)
            )  # fmt: skip
        db.conn.executemany(
            "INSERT INTO menu_items(id, category_id, name, price, active, sort_order, reading)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    return out


def insert_customers(db: Database, customers: Sequence[Customer]) -> list[int]:
    """Insert normalised customers (``search_text`` built as the store builds it); returns ids
    in order. ``created_at``/``updated_at`` must be set."""
    first = _next_id(db, "customers")
    cols = ", ".join(("id", *_WRITE_COLUMNS))
    marks = ", ".join("?" for _ in range(len(_WRITE_COLUMNS) + 1))
    ids = list(range(first, first + len(customers)))
    rows = [[cid, *_row_values(c)] for cid, c in zip(ids, customers, strict=True)]
    with db.atomic():
        db.conn.executemany(f"INSERT INTO customers({cols}) VALUES ({marks})", rows)
    return ids


def insert_preferences(db: Database, prefs: Iterable[Preference]) -> int:
    rows = [
        (p.customer_id, p.kind, p.level, p.label, p.menu_item_id, p.note, to_text(p.created_at))
        for p in prefs
    ]
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO preferences(customer_id, kind, level, label, menu_item_id, note,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    return len(rows)


def insert_visits(db: Database, visits: Sequence[Visit]) -> list[int]:
    """Insert visits with their items; fills and returns the visit ids (in the order given).

    The visits triggers keep each customer's figures, row by row."""
    first = _next_id(db, "visits")
    ids = list(range(first, first + len(visits)))
    visit_rows = []
    item_rows = []
    for vid, v in zip(ids, visits, strict=True):
        v.id = vid
        stamp = to_text(v.visited_at)
        visit_rows.append(
            (vid, v.customer_id, stamp, v.party_size, v.amount, v.staff, v.note,
             to_text(v.created_at) or stamp)
        )  # fmt: skip
        for it in v.items:
            item_rows.append((vid, it.menu_item_id, it.name, it.quantity, it.price))
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO visits(id, customer_id, visited_at, party_size, amount, staff, note,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            visit_rows,
        )
        db.conn.executemany(
            "INSERT INTO visit_items(visit_id, menu_item_id, name, quantity, price)"
            " VALUES (?, ?, ?, ?, ?)",
            item_rows,
        )
    return ids


def insert_coupons(db: Database, coupons: Sequence[Coupon]) -> list[int]:
    """Insert coupons, redeemed ones with their visit and time; fills and returns ids."""
    first = _next_id(db, "coupons")
    rows = []
    for offset, c in enumerate(coupons):
        c.id = first + offset
        rows.append(
            (c.id, c.code, c.campaign_id, c.customer_id, c.period_key, to_text(c.issued_at),
             c.valid_from.isoformat(), c.valid_until.isoformat(), to_text(c.redeemed_at),
             c.redeemed_visit_id, to_text(c.voided_at), c.void_reason)
        )  # fmt: skip
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO coupons(id, code, campaign_id, customer_id, period_key, issued_at,"
            " valid_from, valid_until, redeemed_at, redeemed_visit_id, voided_at, void_reason)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    return [c.id for c in coupons]


def insert_mailings(db: Database, mailings: Iterable[Mailing]) -> int:
    rows = [
        (m.customer_id, m.campaign_id, m.coupon_id, m.piece, m.batch, to_text(m.sent_at))
        for m in mailings
    ]
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO mailings(customer_id, campaign_id, coupon_id, piece, batch, sent_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
    return len(rows)


def insert_channel_costs(db: Database, costs: Iterable[tuple[int, str, int]]) -> int:
    """(channel id, 'YYYY-MM', amount) rows: what each acquisition channel cost per month."""
    rows = list(costs)
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO channel_costs(channel_id, month, amount) VALUES (?, ?, ?)"
            " ON CONFLICT(channel_id, month) DO UPDATE SET amount = excluded.amount",
            rows,
        )
    return len(rows)


def campaign_ids(db: Database) -> dict[str, tuple[int, str, str, int, int | None]]:
    """name -> (id, kind, discount_type, discount_value, valid_days) of every campaign."""
    return {
        row[0]: tuple(row[1:])
        for row in db.execute(
            "SELECT name, id, kind, discount_type, discount_value, valid_days FROM campaigns"
        )
    }


def channel_ids(db: Database) -> dict[str, int]:
    return {name: cid for cid, name in db.execute("SELECT id, name FROM channels")}
