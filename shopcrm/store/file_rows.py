"""The SQL side of imports and exports: what an import checks against, and rows to export.

Imports look up every existing customer once (``customer_keys``) and every existing visit once
(``visit_keys``) instead of querying per row, so a dry run of 50,000 rows stays fast. Exports
stream rows as plain tuples in a fixed column order (``*_COLUMNS``), newest data included.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlite_utils import Database

CUSTOMER_COLUMNS = (
    "id",
    "code",
    "name",
    "kana",
    "phone",
    "email",
    "line_id",
    "postal_code",
    "prefecture",
    "city",
    "street",
    "building",
    "birthday",
    "channel",
    "tags",
    "notes",
    "dm_consent",
    "dm_consent_at",
    "dm_consent_channel",
    "do_not_mail",
    "created_at",
    "visit_count",
    "total_spent",
    "first_visit_at",
    "last_visit_at",
)

VISIT_COLUMNS = (
    "id",
    "customer_id",
    "code",
    "name",
    "visited_at",
    "party_size",
    "amount",
    "items",
    "coupon_code",
    "staff",
    "note",
)

COUPON_COLUMNS = (
    "code",
    "campaign",
    "customer_id",
    "customer_code",
    "name",
    "issued_at",
    "valid_from",
    "valid_until",
    "redeemed_at",
    "voided_at",
)


def customer_keys(db: Database) -> list[tuple]:
    """(id, name, kana, phone, email, code) of every customer not erased."""
    return db.execute(
        "SELECT id, name, kana, phone, email, code FROM customers WHERE erased_at IS NULL"
    ).fetchall()


def visit_keys(db: Database) -> set[tuple[int, str, int]]:
    """(customer_id, visited_at, amount) of every visit: what a re-imported visit would repeat."""
    return {
        (r[0], r[1], r[2])
        for r in db.execute(
            "SELECT customer_id, visited_at, amount FROM visits WHERE customer_id IS NOT NULL"
        )
    }


def customer_name(db: Database, customer_id: int) -> str:
    """One customer's name ("" if there is none)."""
    row = db.execute("SELECT name FROM customers WHERE id = ?", [customer_id]).fetchone()
    return row[0] if row else ""


def customer_ids(db: Database) -> dict[int, bool]:
    """Every customer id -> erased?"""
    return {r[0]: r[1] is not None for r in db.execute("SELECT id, erased_at FROM customers")}


def count(db: Database, what: str) -> int:
    table = {"customers": "customers", "visits": "visits", "coupons": "coupons"}[what]
    where = " WHERE erased_at IS NULL" if table == "customers" else ""
    return db.execute(f"SELECT count(*) FROM {table}{where}").fetchone()[0]


def customer_rows(db: Database) -> Iterator[tuple]:
    """Customers (not erased) in ``CUSTOMER_COLUMNS`` order; tags as a JSON array text."""
    yield from db.execute(
        """SELECT c.id, c.code, c.name, c.kana, c.phone, c.email, c.line_id, c.postal_code,
            c.prefecture, c.city, c.street, c.building,
            CASE WHEN c.birth_month IS NULL THEN ''
                 WHEN c.birth_year IS NULL THEN printf('%02d-%02d', c.birth_month, c.birth_day)
                 ELSE printf('%04d-%02d-%02d', c.birth_year, c.birth_month, c.birth_day) END,
            coalesce(ch.name, ''), c.tags, c.notes, c.dm_consent, coalesce(c.dm_consent_at, ''),
            c.dm_consent_channel, c.do_not_mail, c.created_at, c.visit_count, c.total_spent,
            coalesce(c.first_visit_at, ''), coalesce(c.last_visit_at, '')
        FROM customers c LEFT JOIN channels ch ON ch.id = c.channel_id
        WHERE c.erased_at IS NULL ORDER BY c.id"""
    )


def visit_rows(db: Database) -> Iterator[tuple]:
    """Visits in ``VISIT_COLUMNS`` order; items as "name×qty" joined with "、"."""
    yield from db.execute(
        """SELECT v.id, v.customer_id, coalesce(c.code, ''), coalesce(c.name, ''),
            v.visited_at, v.party_size, v.amount,
            coalesce((SELECT group_concat(
                CASE WHEN i.quantity > 1 THEN i.name || '×' || i.quantity ELSE i.name END, '、')
                FROM visit_items i WHERE i.visit_id = v.id), ''),
            coalesce((SELECT k.code FROM coupons k WHERE k.redeemed_visit_id = v.id), ''),
            v.staff, v.note
        FROM visits v LEFT JOIN customers c ON c.id = v.customer_id
        ORDER BY v.visited_at, v.id"""
    )


def coupon_rows(db: Database) -> Iterator[tuple]:
    yield from db.execute(
        """SELECT k.code, coalesce(p.name, ''), k.customer_id, coalesce(c.code, ''),
            coalesce(c.name, ''), k.issued_at, k.valid_from, k.valid_until,
            coalesce(k.redeemed_at, ''), coalesce(k.voided_at, '')
        FROM coupons k LEFT JOIN campaigns p ON p.id = k.campaign_id
        LEFT JOIN customers c ON c.id = k.customer_id
        ORDER BY k.issued_at, k.id"""
    )
