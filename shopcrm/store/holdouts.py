"""Control groups: each campaign's hold-back setting, who was held back, and the rows the
campaign-effect measure reads (services/effect.py).

A held-back guest is one the campaign targeted and who was eligible (consent, not erased) but was
drawn at random to get no coupon, so their visits show what would have happened without it. The
record is kept like a coupon (campaign, customer, period key, the first valid day the coupon would
have had), so issuing again for the same period neither holds them back twice nor gives them a
coupon; erasure keeps it, anonymous. Both groups' windows start on that first valid day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlite_utils import Database

from shopcrm.store import dialect
from shopcrm.store.business_day import day_number_sql, start_hour
from shopcrm.store.dialect import executemany

DEFAULT_PERCENT = 10
DEFAULT_MIN_GROUP = 30
MAX_PERCENT = 50


@dataclass(frozen=True)
class Holdout:
    """A campaign's control-group setting."""

    campaign_id: int
    percent: int = DEFAULT_PERCENT  # share of each issue run held back (0 = none)
    min_group: int = DEFAULT_MIN_GROUP  # fewer guests than this in a group: "too small to tell"
    include_birthday: bool = False  # birthday guests are held back only when the owner says so


@dataclass(frozen=True)
class HoldbackRow:
    campaign_id: int
    customer_id: int
    day: int  # first valid day the coupon would have had (days since 1970-01-01)


@dataclass(frozen=True)
class TreatedRow:
    coupon_id: int
    campaign_id: int
    customer_id: int
    day: int  # the coupon's first valid day (days since 1970-01-01)
    redeemed_day: int | None
    bill: int | None  # the redeeming visit's bill (after the discount)
    pieces: int  # mailings printed for this coupon


def get(db: Database, campaign_id: int) -> Holdout:
    row = db.execute(
        "SELECT percent, min_group, include_birthday FROM campaign_holdout WHERE campaign_id = ?",
        [campaign_id],
    ).fetchone()
    if row is None:
        return Holdout(campaign_id)
    return Holdout(campaign_id, int(row[0]), int(row[1]), bool(row[2]))


def set_holdout(db: Database, holdout: Holdout) -> Holdout:
    """Store a campaign's setting (checked by ``services.control_groups.check_holdout`` first)."""
    with db.atomic():
        db.execute(
            """INSERT INTO campaign_holdout(campaign_id, percent, min_group, include_birthday)
               VALUES (?, ?, ?, ?)
               ON CONFLICT(campaign_id) DO UPDATE SET percent = excluded.percent,
                 min_group = excluded.min_group, include_birthday = excluded.include_birthday""",
            [
                holdout.campaign_id,
                holdout.percent,
                holdout.min_group,
                int(holdout.include_birthday),
            ],
        )
    return get(db, holdout.campaign_id)


def existing_keys(db: Database, campaign_id: int, period_keys: Iterable[str]) -> set:
    """(customer_id, period_key) already held back for these periods."""
    keys = list(period_keys)
    found: set = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found |= {
            (r[0], r[1])
            for r in db.execute(
                f"SELECT customer_id, period_key FROM holdbacks"
                f" WHERE campaign_id = ? AND period_key IN ({marks})",
                [campaign_id, *chunk],
            )
        }
    return found


def record(
    db: Database,
    campaign_id: int,
    held: Iterable[tuple[int, str, dt.date]],
    *,
    now: dt.datetime,
) -> int:
    """Record (customer_id, period_key, would-be first valid day) as held back (inside the
    issuing transaction)."""
    rows = [
        (campaign_id, cid, key, first.isoformat(), now.isoformat(sep=" "))
        for cid, key, first in held
    ]
    with db.atomic():
        executemany(
            db,
            "INSERT INTO holdbacks(campaign_id, customer_id, period_key, starts_on, held_at)"
            " VALUES (?, ?, ?, ?, ?)",
            rows,
        )
    return len(rows)


def held_back_ids(db: Database, campaign_id: int) -> list[int]:
    return [
        r[0]
        for r in db.execute(
            "SELECT customer_id FROM holdbacks WHERE campaign_id = ? ORDER BY id", [campaign_id]
        )
    ]


def for_customer(db: Database, customer_id: int) -> list[dict]:
    """The comparison groups a guest was held back in (a disclosure request shows them)."""
    rows = db.execute(
        """SELECT c.name, h.period_key, h.starts_on, h.held_at FROM holdbacks h
           JOIN campaigns c ON c.id = h.campaign_id WHERE h.customer_id = ? ORDER BY h.id""",
        [customer_id],
    ).fetchall()
    return [
        {"campaign": r[0], "period_key": r[1], "starts_on": r[2], "held_at": r[3]} for r in rows
    ]


def load_holdbacks(db: Database, campaign_id: int | None = None) -> list[HoldbackRow]:
    day = dialect.day_number(dialect.of(db), "starts_on")
    where, params = ("WHERE campaign_id = ?", [campaign_id]) if campaign_id else ("", [])
    return [
        HoldbackRow(*r)
        for r in db.execute(
            f"SELECT campaign_id, customer_id, {day} FROM holdbacks {where} ORDER BY id", params
        )
    ]


def load_treated(db: Database, campaign_id: int | None = None) -> list[TreatedRow]:
    """Every coupon issued (voided ones too: they were sent), with its redemption and pieces."""
    issued = dialect.day_number(dialect.of(db), "k.valid_from")
    redeemed = day_number_sql("k.redeemed_at", start_hour(db), dialect.of(db))
    where, params = ("WHERE k.campaign_id = ?", [campaign_id]) if campaign_id else ("", [])
    rows = db.execute(
        f"""SELECT k.id, k.campaign_id, k.customer_id, {issued},
                   CASE WHEN k.redeemed_at IS NULL THEN NULL ELSE {redeemed} END, v.amount,
                   coalesce(m.n, 0)
            FROM coupons k LEFT JOIN visits v ON v.id = k.redeemed_visit_id
            LEFT JOIN (SELECT coupon_id, count(*) AS n FROM mailings
                       WHERE coupon_id IS NOT NULL AND channel = 'post'
                       GROUP BY coupon_id) m ON m.coupon_id = k.id
            {where} ORDER BY k.id""",
        params,
    )
    return [TreatedRow(*r) for r in rows]
