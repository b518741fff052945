"""Erasure removes the person, not history; and leaves no readable trace in the file or, after
the documented period, in any backup.

- Ten guests of the demo shop with coupons (redeemed and not) and mailings are erased: every
  figure of a closed period (the whole dashboard of last year, as of its end and as of today) is
  the same before and after, and none of them is in the predicted-value table or at-risk list.
- A guest with a name and details nobody else has is erased: those bytes are in neither the
  database file nor its WAL, and once ``backup.MAX_AGE_DAYS`` have passed, in no backup either.
"""

from __future__ import annotations

import datetime as dt

import pytest

from shopcrm.domain.models import Customer, Mailing, Visit
from shopcrm.services import analytics, campaigns, clv, demo, privacy
from shopcrm.store import backup, customers, mailings, open_db, visits

TODAY = dt.date(2026, 11, 20)
CLOSED = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def _closed_figures(db) -> dict:
    at_end = analytics.dashboard(analytics.load(db, today=CLOSED[1]), *CLOSED).to_dict()
    seen_today = analytics.dashboard(analytics.load(db, today=TODAY), *CLOSED).to_dict()
    return {"as of the period's end": at_end, "as of today": seen_today}


def _guests_with_history(db, n: int) -> list[int]:
    """Guests with a redeemed and an unredeemed coupon and a mailing in the closed period."""
    rows = db.execute(
        """SELECT k.customer_id FROM coupons k
           WHERE k.issued_at BETWEEN '2025-01-01' AND '2025-12-31 23:59:59'
           GROUP BY k.customer_id
           HAVING count(k.redeemed_visit_id) > 0 AND count(*) > count(k.redeemed_visit_id)
              AND k.customer_id IN (SELECT customer_id FROM mailings)
           ORDER BY k.customer_id"""
    ).fetchall()
    return [r[0] for r in rows[:n]]


@pytest.fixture
def demo_db(tmp_path):
    db = open_db(tmp_path / "demo.db")
    demo.fill(db, seed=1, today=TODAY)
    yield db
    db.close()


def test_erasing_ten_guests_changes_no_figure_of_a_closed_period(demo_db):
    db = demo_db
    ten = _guests_with_history(db, 10)
    assert len(ten) == 10
    before = _closed_figures(db)
    assert any(r["issued"] and r["redeemed"] for r in before["as of today"]["campaigns"])
    for cid in ten:
        privacy.erase(db, cid)
    after = _closed_figures(db)
    assert after == before


def test_erased_guests_are_in_neither_the_predictions_nor_the_at_risk_list(demo_db):
    db = demo_db
    before = clv.fit_shop(db, as_of=TODAY)
    assert before.ok
    risky = [p.customer_id for p in clv.at_risk(before, limit=None)][:5]
    valued = sorted(before.predictions, key=lambda p: -p.expected_value)[:5]
    gone = set(risky) | {p.customer_id for p in valued}
    assert len(risky) == 5
    for cid in gone:
        privacy.erase(db, cid)
    after = clv.fit_shop(db, as_of=TODAY)
    shown = {p.customer_id for p in after.predictions}
    assert not gone & shown
    assert not gone & {p.customer_id for p in clv.at_risk(after, limit=None)}
    assert len(shown) == len(before.predictions) - len(gone)
    assert after.bgnbd == before.bgnbd  # their visits still shape the model


MARKER_NAME = "消去確認太郎"
# the name in two-character pieces too: the trigram search index stores fragments of it
MARKERS = (
    MARKER_NAME,
    *(MARKER_NAME[i : i + 2] for i in range(len(MARKER_NAME) - 1)),
    "ショウキョカクニン",
    "erase-marker@example.jp",
    "09087654321",
    "秘密のメモ",
)


def _traces(path) -> list[str]:
    data = path.read_bytes() if path.exists() else b""
    return [m for m in MARKERS if m.encode("utf-8") in data]


def test_an_erased_guest_leaves_no_trace_in_the_file_or_after_the_period_in_backups(db, db_path):
    guest = customers.create(
        db,
        Customer(
            name=MARKER_NAME,
            kana="ショウキョカクニン",
            email="erase-marker@example.jp",
            phone="09087654321",
            notes="秘密のメモ",
        ),
    )
    for name in ("佐藤花子", "鈴木一郎", "高橋健"):
        customers.create(db, Customer(name=name))
    visits.record(db, Visit(guest.id, dt.datetime(2026, 1, 10, 19), 4200, note="秘密のメモ"))
    mailings.record(
        db, [Mailing(customer_id=guest.id, piece="postcard", campaign_id=1, sent_at=None)]
    )
    assert customers.search(db, "消去確認")
    start = dt.datetime(2026, 1, 10, 23)
    made = [
        backup.backup_now(db, kind="manual", now=start),  # "Back up now"
        backup.check(db).backup,  # "Check database" makes a manual one too
        backup.backup_now(db, kind="pre-migration", now=start),
        backup.backup_now(db, kind="close", now=start),
        backup.backup_now(db, kind="daily", now=start + dt.timedelta(hours=1)),
    ]
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert _traces(db_path) == list(MARKERS)  # the check below can see them when present
    assert all(_traces(p) == list(MARKERS) for p in made)

    privacy.erase(db, guest.id)

    wal = db_path.with_name(db_path.name + "-wal")
    assert _traces(db_path) == [] and _traces(wal) == []
    assert customers.search(db, "消去確認") == [] and customers.search(db, "確認太") == []
    assert db.execute("PRAGMA secure_delete").fetchone()[0] == 1
    # later work on the same file brings nothing back
    customers.create(db, Customer(name="新しい客"))
    assert _traces(db_path) == [] and _traces(wal) == []

    # backups: still there within the documented period, all gone after it
    day = dt.timedelta(days=1)
    backup.rotate(db_path, now=start + (backup.MAX_AGE_DAYS - 1) * day)
    assert [p for p in made if p.exists()]  # (the folder keeps them for up to a year)
    newest = max(b.taken_at for b in backup.list_backups(db_path))  # ("check" stamps real time)
    backup.rotate(db_path, now=newest + (backup.MAX_AGE_DAYS + 1) * day)
    assert [p for p in made if p.exists()] == []
    left = backup.list_backups(db_path)
    assert all(not _traces(b.path) for b in left)


def test_manual_backups_are_rotated_by_count_too(db, db_path):
    start = dt.datetime(2026, 1, 1, 12)
    for i in range(15):
        backup.backup_now(db, kind="manual", now=start + dt.timedelta(hours=i))
    backup.rotate(db_path, now=start + dt.timedelta(days=1))
    kept = [b for b in backup.list_backups(db_path) if b.kind == "manual"]
    assert len(kept) == backup.KEEP_EACH_SPECIAL
    assert min(b.taken_at for b in kept) == start + dt.timedelta(hours=5)  # the newest ten


def test_an_erased_guest_gets_no_new_coupon(demo_db):
    db = demo_db
    cid = _guests_with_history(db, 1)[0]
    privacy.erase(db, cid)
    result = campaigns.issue(db, "winback", customer_ids=[cid], today=TODAY)
    assert result.issued == [] and [s.reason for s in result.skipped] == ["erased"]


def test_the_trace_check_sees_what_secure_delete_and_the_index_merge_remove(db, db_path):
    """The same erasure with secure_delete turned off (some platforms' SQLite default) leaves
    the name readable in free space: the check above would catch a connection without it."""
    db.execute("PRAGMA secure_delete = OFF")
    guest = customers.create(db, Customer(name=MARKER_NAME, notes="秘密のメモ"))
    customers.create(db, Customer(name="佐藤花子"))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    privacy.erase(db, guest.id)
    assert MARKER_NAME in _traces(db_path)
