"""Bulk reads for the owner's analytics, as numpy arrays; channel cost entry; bulk test inserts.

The analytics services work on whole columns at once, so this module hands them arrays instead
of dataclasses: one ``VisitArrays`` for every visit (customer, day number, amount, party size) and
small tables for customers, channels, channel costs, coupons and mailings. Days are integers
counted from 1970-01-01 (``numpy.datetime64[D]`` compatible): the services never parse a date.

Reading a million visits takes a fraction of a second: SQLite turns each column into one
comma-separated text (``group_concat``) and numpy parses it in C, instead of a million tuples;
visits come as two packed integer columns (see ``load_visits``), half the text of four.

``insert_customers_bulk`` / ``insert_visits_bulk`` exist for tests and benchmarks (large synthetic
shops); the app records visits through ``store.visits.record``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlite_utils import Database

from shopcrm.domain.dates import business_day_span
from shopcrm.domain.rules import ValidationError
from shopcrm.i18n import N_
from shopcrm.store import dialect
from shopcrm.store.business_day import date_sql, day_number_sql, start_hour
from shopcrm.store.dialect import executemany

EPOCH = dt.date(1970, 1, 1)


def day_number(d: dt.date) -> int:
    """Days since 1970-01-01 (the unit of every ``day`` array here)."""
    return (d - EPOCH).days


def day_to_date(n: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(n))


@dataclass
class VisitArrays:
    """Every visit, sorted by customer then time. ``customer_id`` is 0 for anonymous visits."""

    customer_id: np.ndarray  # int64
    day: np.ndarray  # int64, days since 1970-01-01
    amount: np.ndarray  # int64, yen
    party: np.ndarray  # int64, party size

    def __len__(self) -> int:
        return len(self.day)


@dataclass
class CustomerArrays:
    """Every customer (erased ones too: their visits still count), sorted by id."""

    id: np.ndarray  # int64
    channel_id: np.ndarray  # int64, 0 = not recorded


@dataclass
class CouponRow:
    id: int
    campaign_id: int
    customer_id: int
    issued_day: int
    redeemed_day: int | None
    voided: bool
    visit_amount: int | None  # bill of the redeeming visit


@dataclass
class CampaignRow:
    id: int
    name: str
    kind: str
    discount_type: str
    discount_value: int
    discount_item_price: int  # menu price of the free item (discount_type "item"), 0 if unknown
    cost_per_piece: int


@dataclass
class MailingRow:
    customer_id: int
    campaign_id: int | None
    sent_day: int


def _ints(text: str | None) -> np.ndarray:
    if not text:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")


# julianday('1970-01-01') = 2440587.5; the +0.5 lands on a whole day for a 'YYYY-MM-DD' date.
_DAY_SQL = "CAST(julianday({col}) - 2440587.5 AS INTEGER)"
_DAY_BITS = 20  # a packed day is day + 2**19: any date from the year 535 to 3405 fits
_DAY_BIAS = 1 << (_DAY_BITS - 1)
_PARTY_BITS = 8  # party sizes are 1..99 (a CHECK constraint)


def load_visits(db: Database, *, until: dt.date | None = None) -> VisitArrays:
    """All visits (up to and including ``until``), as arrays sorted by customer and day.

    One table scan, no ORDER BY (sorting a million rows is faster in numpy than in SQLite), and
    two packed columns instead of four: ``customer << 20 + day`` and ``amount << 8 | party``
    (party size is 1..99). SQLite's cost here is turning each value into text for
    ``group_concat``, so half the values is nearly half the time; numpy unpacks them in C.
    A covering index was measured too and does not help: the scan is cheap, the text is not.
    """
    hour = start_hour(db)
    engine = dialect.of(db)
    where, params = "", []
    if until is not None:  # up to the end of business day ``until`` (05:00 the day after)
        bound = business_day_span(until, hour)[1].isoformat(sep=" ")
        latest = db.execute("SELECT max(visited_at) FROM visits").fetchone()[0]  # (an index)
        if latest is not None and latest >= bound:
            # "+visited_at": a full scan beats a million index lookups when most rows match
            where, params = f"WHERE {dialect.unindexed(engine, 'visited_at')} < ?", [bound]
    # the business day (a bill at 00:20 is the evening's)
    day = day_number_sql("visited_at", hour, engine)
    key_sql = f"(coalesce(customer_id, 0) << {_DAY_BITS}) + {day} + {_DAY_BIAS}"
    row = db.execute(
        f"""SELECT {dialect.group_concat(engine, key_sql)},
                   {dialect.group_concat(engine, f"(amount << {_PARTY_BITS}) | party_size")}
            FROM visits {where}""",
        params,
    ).fetchone()
    key, bill = _ints(row[0]), _ints(row[1])
    order = np.argsort(key)  # by customer, then day
    key, bill = key[order], bill[order]
    return VisitArrays(
        key >> _DAY_BITS,
        (key & ((1 << _DAY_BITS) - 1)) - _DAY_BIAS,
        bill >> _PARTY_BITS,
        bill & ((1 << _PARTY_BITS) - 1),
    )


def load_customers(db: Database) -> CustomerArrays:
    row = db.execute(
        f"""SELECT {dialect.group_concat(dialect.of(db), "id", ",", "id")},
                  {dialect.group_concat(dialect.of(db), "ch", ",", "id")}
           FROM (SELECT id, coalesce(channel_id, 0) AS ch FROM customers ORDER BY id) AS c"""
    ).fetchone()
    return CustomerArrays(_ints(row[0]), _ints(row[1]))


def visits_marker(db: Database) -> tuple:
    """A cheap token that changes when a visit is recorded, deleted or edited: the last visit id
    and the guests' visit figures the triggers keep (count, days, spend, first and last visit).
    Two index look-ups and one pass over the guests (about 12 ms at 50,000 guests), instead of
    reading a million visits. A change to a visit without a guest leaves it equal; the app also
    says when it changed visits (``visits_changed``)."""
    last = db.execute("SELECT coalesce(max(id), 0) FROM visits").fetchone()[0]
    figures = db.execute(
        """SELECT total(visit_count), total(visit_days), total(total_spent),
                  min(first_visit_at), max(last_visit_at)
           FROM customers"""
    ).fetchone()
    return (last, *figures)


def is_open(db: Database) -> bool:
    """False once the connection was closed (the dashboard drops results meant for it)."""
    return not dialect.is_closed(db)


def channel_names(db: Database) -> dict[int, str]:
    """Channel id -> name, in the shop's order."""
    return {r[0]: r[1] for r in db.execute("SELECT id, name FROM channels ORDER BY sort_order, id")}


def customer_names(db: Database, ids: Iterable[int]) -> dict[int, str]:
    ids = [int(i) for i in ids]
    out: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for cid, name in db.execute(f"SELECT id, name FROM customers WHERE id IN ({marks})", chunk):
            out[cid] = name
    return out


def erased_customer_ids(db: Database) -> set[int]:
    """Customers erased on request: their visits still count, but no list may show them."""
    return {r[0] for r in db.execute("SELECT id FROM customers WHERE erased_at IS NOT NULL")}


def channel_costs(db: Database) -> list[tuple[int, str, int]]:
    """(channel_id, 'YYYY-MM', amount) for every entered cost."""
    return [
        (r[0], r[1], r[2])
        for r in db.execute("SELECT channel_id, month, amount FROM channel_costs ORDER BY month")
    ]


_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def set_channel_cost(db: Database, channel: int | str, month: str, amount: int) -> None:
    """Enter (or replace) what a channel cost in a month ('YYYY-MM'); amount in yen, >= 0."""
    if isinstance(channel, str):
        row = db.execute("SELECT id FROM channels WHERE name = ?", [channel]).fetchone()
        if row is None:
            raise ValidationError("channel", N_("Unknown acquisition channel."))
        channel_id = row[0]
    else:
        channel_id = int(channel)
        if db.execute("SELECT 1 FROM channels WHERE id = ?", [channel_id]).fetchone() is None:
            raise ValidationError("channel", N_("Unknown acquisition channel."))
    if not isinstance(month, str) or not _MONTH.match(month):
        raise ValidationError("month", N_("Enter the month as YYYY-MM, e.g. 2026-11."))
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise ValidationError("amount", N_("Enter an amount of 0 yen or more."))
    with db.atomic():
        db.execute(
            "INSERT INTO channel_costs(channel_id, month, amount) VALUES (?, ?, ?)"
            " ON CONFLICT(channel_id, month) DO UPDATE SET amount = excluded.amount",
            [channel_id, month, amount],
        )


def load_campaigns(db: Database) -> list[CampaignRow]:
    rows = db.execute(
        """SELECT c.id, c.name, c.kind, c.discount_type, c.discount_value,
                  coalesce((SELECT price FROM menu_items m WHERE m.name = c.discount_item
                            ORDER BY m.active DESC, m.id LIMIT 1), 0),
                  c.cost_per_piece
           FROM campaigns c ORDER BY c.id"""
    )
    return [CampaignRow(*r) for r in rows]


def load_coupons(db: Database) -> list[CouponRow]:
    hour = start_hour(db)
    day_issued = day_number_sql("k.issued_at", hour, dialect.of(db))
    day_redeemed = day_number_sql("k.redeemed_at", hour, dialect.of(db))
    rows = db.execute(
        f"""SELECT k.id, k.campaign_id, k.customer_id, {day_issued},
                   CASE WHEN k.redeemed_at IS NULL THEN NULL ELSE {day_redeemed} END,
                   k.voided_at IS NOT NULL, v.amount
            FROM coupons k LEFT JOIN visits v ON v.id = k.redeemed_visit_id
            ORDER BY k.id"""
    )
    return [CouponRow(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6]) for r in rows]


def load_mailings(db: Database) -> list[MailingRow]:
    day = day_number_sql("sent_at", start_hour(db), dialect.of(db))
    return [
        MailingRow(r[0], r[1], r[2])
        for r in db.execute(f"SELECT customer_id, campaign_id, {day} FROM mailings ORDER BY id")
    ]


def birthdays_in_month(db: Database, month: int) -> list[tuple[int, str, str, int, int]]:
    """(id, name, kana, month, day) of customers (not erased) whose birthday falls in ``month``."""
    return [
        tuple(r)
        for r in db.execute(
            """SELECT id, name, kana, birth_month, birth_day FROM customers
               WHERE birth_month = ? AND birth_day IS NOT NULL AND erased_at IS NULL
               ORDER BY birth_day, kana, id""",
            [month],
        )
    ]


# --- bulk inserts for tests and benchmarks ---------------------------------------------------


def insert_customers_bulk(
    db: Database,
    names: Sequence[str],
    *,
    channel_ids: Sequence[int | None] | None = None,
    birthdays: Sequence[tuple[int, int] | None] | None = None,
    created_at: str = "2024-01-01 00:00:00",
) -> list[int]:
    """Insert plain customers in one transaction; returns their ids (in order)."""
    rows = []
    for i, name in enumerate(names):
        ch = channel_ids[i] if channel_ids is not None else None
        bd = birthdays[i] if birthdays is not None else None
        rows.append(
            (
                name,
                name.casefold(),
                ch,
                bd[0] if bd else None,
                bd[1] if bd else None,
                created_at,
                created_at,
            )
        )
    with db.atomic():
        start = db.execute("SELECT coalesce(max(id), 0) FROM customers").fetchone()[0]
        executemany(
            db,
            "INSERT INTO customers(name, search_text, channel_id, birth_month, birth_day,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        ids = [
            r[0]
            for r in db.execute(
                "SELECT id FROM customers WHERE id > ? ORDER BY id", [start]
            ).fetchall()
        ]
    return ids


_STAT_TRIGGERS = ("visits_stats_ai", "visits_stats_ad", "visits_stats_au")


def insert_visits_bulk(db: Database, rows: Iterable[tuple[int | None, str, int, int]]) -> int:
    """Insert (customer_id, visited_at 'YYYY-MM-DD HH:MM:SS', amount, party_size) rows fast.

    The per-row statistics triggers are set aside for the load and the customers' visit figures are
    recomputed once at the end, all in one transaction (so a failure leaves nothing behind).
    """
    now = dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")
    with db.atomic(), dialect.triggers_set_aside(db, "visits", _STAT_TRIGGERS):
        cur = executemany(
            db,
            "INSERT INTO visits(customer_id, visited_at, amount, party_size, created_at)"
            f" VALUES (?, ?, ?, ?, '{now}')",
            rows,
        )
        count = cur.rowcount

        day = date_sql("visited_at", start_hour(db), dialect.of(db))
        db.execute(
            f"""UPDATE customers SET
                 visit_count = s.n, visit_days = s.days, total_spent = s.total,
                 first_visit_at = s.first, last_visit_at = s.last
               FROM (SELECT customer_id, count(*) AS n, count(DISTINCT {day}) AS days,
                            sum(amount) AS total, min(visited_at) AS first,
                            max(visited_at) AS last
                     FROM visits WHERE customer_id IS NOT NULL GROUP BY customer_id) AS s
               WHERE customers.id = s.customer_id"""
        )
    return count
