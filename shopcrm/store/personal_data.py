"""The SQL of merging, un-merging and erasing customers (the rules live in services/privacy.py).

A merge moves the merged customer's visits, coupons, preferences and mailings to the kept one,
deletes the merged row and logs it in ``customer_merges`` (the merged row and the ids that moved,
as JSON) so it can be undone. Erasure blanks the personal columns in place; the row, and with it
every visit, mailing and coupon, stays, so revenue, visit and campaign figures stay true.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlite_utils import Database

from shopcrm.store import dialect, line_links
from shopcrm.store.dialect import insert_id

CHILD_TABLES = ("visits", "preferences", "mailings", "coupons", "holdbacks")


def _now() -> str:
    return dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")


def customer_row(db: Database, customer_id: int) -> dict | None:
    cur = db.execute("SELECT * FROM customers WHERE id = ?", [customer_id])
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row, strict=True))


def move_children(db: Database, from_id: int, to_id: int, merge_tag: str) -> dict:
    """Move every child row of ``from_id`` to ``to_id``; returns the ids moved per table and
    the coupons whose period key had to change (both customers had that period's coupon)."""
    # one person held back twice for the same send (two records of them): keep one
    db.execute(
        """DELETE FROM holdbacks WHERE customer_id = ? AND EXISTS (
             SELECT 1 FROM holdbacks h WHERE h.customer_id = ?
             AND h.campaign_id = holdbacks.campaign_id AND h.period_key = holdbacks.period_key)""",
        [from_id, to_id],
    )
    moved: dict[str, list[int]] = {}
    for table in CHILD_TABLES:
        moved[table] = [
            r[0] for r in db.execute(f"SELECT id FROM {table} WHERE customer_id = ?", [from_id])
        ]
    renamed: dict[str, str] = {}
    for cid, campaign, period in db.execute(
        "SELECT id, campaign_id, period_key FROM coupons WHERE customer_id = ?", [from_id]
    ).fetchall():
        clash = db.execute(
            "SELECT 1 FROM coupons WHERE customer_id = ? AND campaign_id = ? AND period_key = ?",
            [to_id, campaign, period],
        ).fetchone()
        if clash:
            renamed[str(cid)] = period
            db.execute(
                "UPDATE coupons SET period_key = ? WHERE id = ?", [f"{period}#{merge_tag}", cid]
            )
    for table in CHILD_TABLES:
        db.execute(f"UPDATE {table} SET customer_id = ? WHERE customer_id = ?", [to_id, from_id])
    return {"moved": moved, "renamed_coupons": renamed}


def move_back(db: Database, moved: dict, from_id: int, to_id: int, renamed: dict) -> None:
    for table in CHILD_TABLES:
        ids = moved.get(table, [])
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            db.execute(
                f"UPDATE {table} SET customer_id = ? WHERE customer_id = ? AND id IN ({marks})",
                [to_id, from_id, *chunk],
            )
    for cid, period in renamed.items():
        db.execute("UPDATE coupons SET period_key = ? WHERE id = ?", [period, int(cid)])


def delete_customer_row(db: Database, customer_id: int) -> None:
    db.execute("DELETE FROM customers WHERE id = ?", [customer_id])


def insert_customer_row(db: Database, row: dict) -> int:
    """Put a logged customer row back (under its old id if still free); returns its id."""
    row = dict(row)
    for stat in ("visit_count", "visit_days", "total_spent"):
        row[stat] = 0  # the triggers count the visits as they move back
    row["first_visit_at"] = row["last_visit_at"] = None
    if db.execute("SELECT 1 FROM customers WHERE id = ?", [row["id"]]).fetchone():
        row.pop("id")
    cols = list(row)
    cur = insert_id(
        db,
        f"INSERT INTO customers({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
        [row[c] for c in cols],
    )
    return cur


def set_columns(db: Database, customer_id: int, values: dict) -> None:
    if not values:
        return
    sets = ", ".join(f"{c} = ?" for c in values)
    db.execute(f"UPDATE customers SET {sets} WHERE id = ?", [*values.values(), customer_id])


def code_in_use(db: Database, code: str) -> bool:
    """Some customer row (erased or not) holds membership code ``code`` exactly."""
    return db.execute("SELECT 1 FROM customers WHERE code = ?", [code]).fetchone() is not None


def next_merge_id(db: Database) -> int:
    """The id the next ``log_merge`` will most likely get (for tags written before the log)."""
    return db.execute("SELECT coalesce(max(id), 0) + 1 FROM customer_merges").fetchone()[0]


def log_merge(db: Database, kept_id: int, merged_id: int, snapshot: dict) -> int:
    return insert_id(
        db,
        "INSERT INTO customer_merges(kept_id, merged_id, merged_at, snapshot) VALUES (?, ?, ?, ?)",
        [kept_id, merged_id, _now(), json.dumps(snapshot, ensure_ascii=False)],
    )


def get_merge(db: Database, merge_id: int) -> dict | None:
    row = db.execute(
        "SELECT id, kept_id, merged_id, merged_at, undone_at, snapshot FROM customer_merges"
        " WHERE id = ?",
        [merge_id],
    ).fetchone()
    if row is None:
        return None
    return {
        "id": row[0],
        "kept_id": row[1],
        "merged_id": row[2],
        "merged_at": row[3],
        "undone_at": row[4],
        "snapshot": json.loads(row[5]),
    }


def merges(db: Database, customer_id: int | None = None) -> list[dict]:
    """Merges (newest first), optionally only those into ``customer_id``; without snapshots."""
    where, params = ("WHERE kept_id = ?", [customer_id]) if customer_id is not None else ("", [])
    rows = db.execute(
        "SELECT id, kept_id, merged_id, merged_at, undone_at,"
        f" {dialect.json_path_text(db, 'snapshot', 'merged', 'name')} FROM customer_merges "
        + where
        + " ORDER BY id DESC",
        params,
    ).fetchall()
    return [
        {
            "id": r[0],
            "kept_id": r[1],
            "merged_id": r[2],
            "merged_at": r[3],
            "undone_at": r[4],
            "merged_name": r[5],
        }
        for r in rows
    ]


def mark_undone(db: Database, merge_id: int) -> None:
    db.execute("UPDATE customer_merges SET undone_at = ? WHERE id = ?", [_now(), merge_id])


def forget_merges_of(db: Database, customer_id: int) -> int:
    """Delete merge logs holding this customer's data (erasure)."""
    return db.execute(
        "DELETE FROM customer_merges WHERE kept_id = ? OR merged_id = ?", [customer_id, customer_id]
    ).rowcount


def erase_row(db: Database, customer_id: int, erased_name: str) -> None:
    """Blank every personal column, drop preferences and merge logs, clear visit notes.

    History stays, anonymous: visits (amounts, dates, party sizes, items), mailings, coupons and
    control-group records keep pointing at the blanked row, so every figure of a closed period
    (redemption rates, DM response, campaign effect) is the same before and after an erasure.
    Coupon codes are replaced by ``X`` + the coupon id, so a printed code in someone's hands no
    longer leads to the record (and an unused one can no longer be redeemed).
    """
    now = _now()
    db.execute(
        """UPDATE customers SET name = ?, kana = '', code = NULL, phone = '', email = '',
            line_id = '', postal_code = '', prefecture = '', city = '', street = '', building = '',
            birth_year = NULL, birth_month = NULL, birth_day = NULL, tags = '[]', notes = '',
            dm_consent = 0, dm_consent_at = NULL, dm_consent_channel = '', do_not_mail = 1,
            search_text = '', erased_at = ?, updated_at = ?
        WHERE id = ?""",
        [erased_name, now, now, customer_id],
    )
    db.execute("DELETE FROM preferences WHERE customer_id = ?", [customer_id])
    db.execute(
        "UPDATE coupons SET code = 'X' || id WHERE customer_id = ? AND code <> 'X' || id",
        [customer_id],
    )
    db.execute("UPDATE visits SET note = '' WHERE customer_id = ?", [customer_id])
    line_links.forget(db, customer_id)  # the LINE user ID is personal data too
    forget_merges_of(db, customer_id)


def scrub_after_erasure(db: Database) -> None:
    """Leave no readable trace of erased text in the file: merge the search index's segments
    (its deleted entries are dropped; ``secure_delete`` zeroes the freed pages) and, outside a
    transaction, copy the WAL into the database and truncate it (old page images gone).

    On a PostgreSQL server (outside a transaction) the guest tables are vacuumed, so the erased
    rows' old versions are no longer reachable; the server's own WAL and backups are the server
    administrator's (the README says so)."""
    if dialect.is_pg(db):
        if not dialect.in_transaction(db):
            db.execute("VACUUM customers, visits, preferences, customer_merges")
        return
    with db.atomic():
        db.execute("INSERT INTO customers_fts(customers_fts) VALUES ('optimize')")
    if not dialect.in_transaction(db):
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def duplicate_pairs(db: Database, limit: int = 500) -> list[tuple[int, int, str, str]]:
    """(oldest id, other id, by, shared value) of customers (not erased) who share a phone, an
    email, or a name and reading (spaces ignored); each pair once, by its first reason."""
    keys = (
        ("phone", "phone", "phone != ''"),
        ("email", "lower(email)", "email != ''"),
        (
            "name_kana",
            "replace(replace(name, ' ', ''), '　', '') || ' ' || replace(kana, ' ', '')",
            "kana != ''",
        ),
    )
    seen: set[tuple[int, int]] = set()
    pairs: list[tuple[int, int, str, str]] = []
    for by, key, where in keys:
        rows = db.execute(
            f"SELECT {key}, {dialect.group_concat(dialect.of(db), 'id', ',', 'id')} FROM"
            f" (SELECT id, name, kana, phone, email FROM customers"
            f"  WHERE erased_at IS NULL AND {where} ORDER BY id) AS c"
            f" GROUP BY {key} HAVING count(*) > 1 ORDER BY min(id)"
        ).fetchall()
        for value, ids in rows:
            first, *others = (int(x) for x in ids.split(","))
            for other in others:
                if (first, other) not in seen:
                    seen.add((first, other))
                    pairs.append((first, other, by, value))
            if len(pairs) >= limit:
                return pairs[:limit]
    return pairs
