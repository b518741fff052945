"""Fast multi-row inserts for generated data (the demo shop, benchmarks): executemany, one
transaction per call (a savepoint inside the caller's transaction), ids assigned up front so
related rows can be written in the same pass.

No validation happens here: callers pass rows already normalised as ``rules.check_customer`` and
the other checks would leave them. The schema's triggers still run, so each customer's visit
figures (count, days, total, first and last visit) and the search index stay true.
"""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
from collections.abc import Iterable, Iterator, Sequence

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
from shopcrm.domain.readings import clean_reading, guess_reading
from shopcrm.store.customers import _WRITE_COLUMNS, _row_values, to_text
from shopcrm.store.dialect import executemany


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
        executemany(
            db, "INSERT INTO menu_categories(id, name, kind, sort_order) VALUES (?, ?, ?, ?)", rows
        )

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
        executemany(
            db,
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
        executemany(db, f"INSERT INTO customers({cols}) VALUES ({marks})", rows)
    return ids


def insert_preferences(db: Database, prefs: Iterable[Preference]) -> int:
    rows = [
        (p.customer_id, p.kind, p.level, p.label, p.menu_item_id, p.note, to_text(p.created_at))
        for p in prefs
    ]
    with db.atomic():
        executemany(
            db,
            "INSERT INTO preferences(customer_id, kind, level, label, menu_item_id, note,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    return len(rows)


# The visits triggers that keep each customer's figures: set aside while a bulk load runs.
VISIT_FIGURE_TRIGGERS = ("visits_stats_ai", "visits_stats_ad", "visits_stats_au")
_VISIT_COLUMNS = (
    "id", "customer_id", "visited_at", "party_size", "amount", "staff", "note", "created_at"
)  # fmt: skip
_ITEM_COLUMNS = ("visit_id", "menu_item_id", "name", "quantity", "price")
LOAD_CACHE_KIB = -65536  # PRAGMA cache_size while bulk-loading (negative: KiB)
ROWS_PER_STATEMENT = 2000  # multi-row INSERT: 2.5x faster than executemany, and few statements
# Past this many rows (and at least half the rows already there) a load sets the visits' and
# items' indexes aside and builds them again at the end: one sort instead of a million random
# index inserts (a seventh less CPU for 200,000 visits, more for more).
INDEX_REBUILD_ROWS = 50_000


def _variable_limit(db: Database) -> int:
    try:
        return db.conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except AttributeError:  # Python < 3.11
        return 999


def refresh_visit_figures(db: Database, *, since_visit_id: int | None = None) -> None:
    """Recompute the visit figures (count, days, total, first and last visit) with ONE set-based
    UPDATE: of the customers with a visit whose id is at least ``since_visit_id`` (rows just
    bulk-loaded), or of every customer. Same values as the per-visit triggers keep."""
    where, params = "WHERE customer_id IS NOT NULL", []
    if since_visit_id is not None:
        where = (
            "WHERE customer_id IN (SELECT DISTINCT customer_id FROM visits"
            " WHERE id >= ? AND customer_id IS NOT NULL)"
        )
        params = [since_visit_id]
    # substr(visited_at, 1, 10) is visit_date: the (customer_id, visited_at, amount) index
    # covers the whole aggregate, so SQLite never reads the visits table itself
    db.execute(
        f"""UPDATE customers SET
              visit_count = s.n, visit_days = s.days, total_spent = s.total,
              first_visit_at = s.first, last_visit_at = s.last
            FROM (SELECT customer_id, count(*) AS n,
                         count(DISTINCT substr(visited_at, 1, 10)) AS days,
                         coalesce(sum(amount), 0) AS total, min(visited_at) AS first,
                         max(visited_at) AS last
                  FROM visits {where} GROUP BY customer_id) AS s
            WHERE customers.id = s.customer_id""",
        params,
    )


class VisitLoader:
    """Adds visits in batches of multi-row INSERTs; see ``visit_loader``."""

    def __init__(self, db: Database, first_id: int):
        self.db = db
        self.next_id = first_id
        self.first_id = first_id
        self.count = 0
        self._rebuild_after = max(INDEX_REBUILD_ROWS, (first_id - 1) // 2)
        self._indexes: list[tuple[str, str]] | None = None  # (name, sql) set aside
        self._visits: list[tuple] = []
        self._items: list[tuple] = []
        limit = _variable_limit(db)
        self._visit_batch = max(1, min(ROWS_PER_STATEMENT, limit // len(_VISIT_COLUMNS)))
        self._item_batch = max(1, min(ROWS_PER_STATEMENT, limit // len(_ITEM_COLUMNS)))

    def add(
        self,
        customer_id: int | None,
        visited_at: str,
        amount: int,
        party_size: int = 1,
        staff: str = "",
        note: str = "",
        created_at: str | None = None,
        items: Iterable[tuple[int | None, str, int, int | None]] = (),
    ) -> int:
        """Queue one visit (stored text forms; items as (menu_item_id, name, quantity, price));
        returns its id. Rows are written ``ROWS_PER_STATEMENT`` at a time."""
        vid = self.next_id
        self.next_id += 1
        self.count += 1
        self._visits.append(
            (vid, customer_id, visited_at, party_size, amount, staff, note,
             created_at or visited_at)
        )  # fmt: skip
        for menu_item_id, name, quantity, price in items:
            self._items.append((vid, menu_item_id, name, quantity, price))
        if len(self._visits) >= self._visit_batch:
            self._flush_visits()
            if self._indexes is None and self.count >= self._rebuild_after:
                self._drop_indexes()
        return vid

    def _drop_indexes(self) -> None:
        self._indexes = self.db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            " AND tbl_name IN ('visits', 'visit_items') AND sql NOT LIKE 'CREATE UNIQUE%'"
            " ORDER BY name"
        ).fetchall()
        for name, _sql in self._indexes:
            self.db.execute(f"DROP INDEX {name}")

    def restore_indexes(self) -> None:
        """Build the indexes set aside again (the figures' UPDATE reads one of them)."""
        for _name, sql in self._indexes or ():
            self.db.execute(sql)
        self._indexes = None

    def _write(self, table: str, columns: Sequence[str], rows: list[tuple], batch: int) -> None:
        cols = ", ".join(columns)
        one = "(" + ", ".join("?" for _ in columns) + ")"
        full = f"INSERT INTO {table}({cols}) VALUES " + ", ".join([one] * batch)
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            sql = (
                full
                if len(chunk) == batch
                else full[: len(full) - (batch - len(chunk)) * (len(one) + 2)]
            )
            self.db.conn.execute(sql, list(itertools.chain.from_iterable(chunk)))

    def _flush_visits(self) -> None:
        if self._visits:
            self._write("visits", _VISIT_COLUMNS, self._visits, self._visit_batch)
            self._visits = []
        if self._items:  # after their visits (the foreign key)
            self._write("visit_items", _ITEM_COLUMNS, self._items, self._item_batch)
            self._items = []

    def flush(self) -> None:
        self._flush_visits()


@contextlib.contextmanager
def visit_loader(db: Database) -> Iterator[VisitLoader]:
    """Bulk-load visits: ``with visit_loader(db) as load: load.add(...)``.

    One savepoint (inside the caller's transaction, or a transaction of its own): the triggers
    that recompute a customer's figures over ALL their visits on every insert are set aside,
    rows go in as multi-row INSERTs (past ``INDEX_REBUILD_ROWS`` the indexes are set aside and
    built again at the end), then one set-based UPDATE sets the figures of every customer who
    got a visit, and the triggers are put back. Any exception rolls all of it back, the
    triggers and indexes included (SQLite's schema changes are transactional); so does a crash
    or kill -9. No validation happens here: callers pass rows already checked."""
    with db.atomic():
        triggers = db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'visits'"
            f" AND name IN ({', '.join('?' for _ in VISIT_FIGURE_TRIGGERS)}) ORDER BY name",
            list(VISIT_FIGURE_TRIGGERS),
        ).fetchall()
        for name, _sql in triggers:
            db.execute(f"DROP TRIGGER {name}")
        with _load_cache(db):
            loader = VisitLoader(db, _next_id(db, "visits"))
            yield loader
            loader.flush()
            loader.restore_indexes()
            if loader.count:
                refresh_visit_figures(db, since_visit_id=loader.first_id)
        for _name, sql in triggers:
            db.execute(sql)


@contextlib.contextmanager
def _load_cache(db: Database) -> Iterator[None]:
    """The indexes of many new rows are updated in random order: a 64 MB page cache (instead of
    2 MB) keeps them in memory while loading (a fifth less CPU for a million visits)."""
    cache = db.execute("PRAGMA cache_size").fetchone()[0]
    db.execute(f"PRAGMA cache_size = {LOAD_CACHE_KIB}")
    try:
        yield
    finally:
        db.execute(f"PRAGMA cache_size = {int(cache)}")


SEARCH_INDEX_TRIGGER = "customers_fts_ai"


@contextlib.contextmanager
def search_index_after(db: Database) -> Iterator[None]:
    """Insert many customers inside this block: the trigger that adds each one to the full-text
    search index is set aside and the new customers are indexed with ONE statement at the end
    (a third less time for the index of 50,000 guests). One savepoint: an exception, a crash or
    kill -9 rolls all of it back, the trigger included."""
    with db.atomic():
        first = _next_id(db, "customers")
        row = db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
            [SEARCH_INDEX_TRIGGER],
        ).fetchone()
        if row:
            db.execute(f"DROP TRIGGER {SEARCH_INDEX_TRIGGER}")
        with _load_cache(db):
            yield
            if row:
                db.execute(
                    "INSERT INTO customers_fts(rowid, search_text)"
                    " SELECT id, search_text FROM customers WHERE id >= ?",
                    [first],
                )
        if row:
            db.execute(row[0])


def insert_visits(db: Database, visits: Sequence[Visit]) -> list[int]:
    """Insert visits with their items; fills and returns the visit ids (in the order given).

    A bulk load (``visit_loader``): the customers' figures are set once at the end."""
    ids = []
    with visit_loader(db) as load:
        for v in visits:
            stamp = to_text(v.visited_at)
            v.id = load.add(
                v.customer_id,
                stamp,
                v.amount,
                v.party_size,
                v.staff,
                v.note,
                to_text(v.created_at) or stamp,
                [(it.menu_item_id, it.name, it.quantity, it.price) for it in v.items],
            )
            ids.append(v.id)
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
        executemany(
            db,
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
        executemany(
            db,
            "INSERT INTO mailings(customer_id, campaign_id, coupon_id, piece, batch, sent_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
    return len(rows)


def insert_channel_costs(db: Database, costs: Iterable[tuple[int, str, int]]) -> int:
    """(channel id, 'YYYY-MM', amount) rows: what each acquisition channel cost per month."""
    rows = list(costs)
    with db.atomic():
        executemany(
            db,
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
