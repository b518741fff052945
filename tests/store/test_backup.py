"""Backups: online copy, round trip through restore, rotation with made-up dates, check database,
private file permissions, and clear messages for a full disk or a read-only file."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3

import pytest

from shopcrm import i18n
from shopcrm.store import backup


def _add_channel(db, name):
    with db.atomic():
        db.execute("INSERT INTO channels(name) VALUES (?)", [name])


def _channels(db):
    return {r[0] for r in db.execute("SELECT name FROM channels")}


def test_backup_is_a_consistent_private_copy(db, db_path):
    _add_channel(db, "チラシ")
    path = backup.backup_now(db)
    assert path.parent == db_path.parent / "backups"
    assert path.name.startswith("shop-manual-") and path.suffix == ".db"
    if os.name == "posix":
        assert path.stat().st_mode & 0o077 == 0
        assert path.parent.stat().st_mode & 0o077 == 0
    copy = sqlite3.connect(path)
    assert "チラシ" in {r[0] for r in copy.execute("SELECT name FROM channels")}
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copy.close()
    assert not list(path.parent.glob("*.part"))


def test_backup_while_another_connection_writes(db, db_path):
    """The backup API copies a consistent state even with a write transaction open elsewhere."""
    from shopcrm.store.db import connect

    other = connect(db_path)
    other.conn.execute("BEGIN IMMEDIATE")
    other.conn.execute("INSERT INTO channels(name) VALUES ('uncommitted')")
    path = backup.backup_now(db_path)
    other.conn.rollback()
    other.close()
    copy = sqlite3.connect(path)
    assert "uncommitted" not in {r[0] for r in copy.execute("SELECT name FROM channels")}
    copy.close()


def test_restore_round_trip_backs_up_the_current_file_first(db, db_path):
    _add_channel(db, "before")
    saved = backup.backup_now(db)
    _add_channel(db, "after")
    pre = backup.restore(db_path, saved, db=db)
    assert "before" in _channels(db) and "after" not in _channels(db)  # the open connection sees it
    assert "pre-restore" in pre.name
    keep = sqlite3.connect(pre)
    assert "after" in {r[0] for r in keep.execute("SELECT name FROM channels")}
    keep.close()
    assert backup.verify_file(db_path) == []


def test_restore_without_an_open_connection(db, db_path):
    _add_channel(db, "one")
    saved = backup.backup_now(db)
    _add_channel(db, "two")
    db.close()
    backup.restore(db_path, saved)
    from shopcrm.store import open_db

    again = open_db(db_path)
    assert "one" in _channels(again) and "two" not in _channels(again)
    again.close()


def test_restore_refuses_a_damaged_or_foreign_file(db, db_path, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"SQLite format 3\x00" + os.urandom(5000))
    with pytest.raises(backup.BackupError):
        backup.restore(db_path, junk, db=db)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t(x)")
    conn.commit()
    conn.close()
    with pytest.raises(backup.BackupError) as err:
        backup.restore(db_path, other, db=db)
    assert "not a shopcrm database" in str(err.value)
    # Nothing was replaced and no pre-restore backup was needed.
    assert backup.verify_file(db_path) == []
    assert not [b for b in backup.list_backups(db_path) if b.kind == "pre-restore"]


def _days(now, n, step=dt.timedelta(days=1)):
    return [now - step * i for i in range(n)]


def test_rotation_keeps_7_daily_4_weekly_12_monthly():
    now = dt.datetime(2026, 11, 23, 22, 0)
    # two backups a day (daily at opening, one at closing) for two years
    stamps = []
    for i in range(730):
        day = now - dt.timedelta(days=i)
        stamps += [day.replace(hour=10), day.replace(hour=23) if i else now]
    keep = backup.keep_set(stamps, now)
    # the last 7 days: the newest of each
    for i in range(7):
        day = (now - dt.timedelta(days=i)).date()
        newest = max(s for s in stamps if s.date() == day)
        assert newest in keep
        assert min(s for s in stamps if s.date() == day) not in keep
    months = {(s.year, s.month) for s in keep}
    assert len(months) == 12
    assert (2025, 12) in months and (2025, 11) not in months
    weeks = {s.isocalendar()[:2] for s in keep if (now - s).days < 28}
    assert len(weeks) >= 4
    assert len(keep) <= 7 + 4 + 12
    assert max(stamps) in keep


def test_rotation_with_sparse_history_keeps_everything_recent():
    now = dt.datetime(2026, 3, 1, 12)
    stamps = [dt.datetime(2026, 2, 27, 9), dt.datetime(2026, 1, 5, 9), dt.datetime(2025, 1, 5, 9)]
    keep = backup.keep_set(stamps, now)
    assert keep == {dt.datetime(2026, 2, 27, 9), dt.datetime(2026, 1, 5, 9)}


def test_rotate_deletes_only_automatic_backups(db, db_path):
    start = dt.datetime(2026, 1, 1, 23)
    for i in range(40):
        backup.backup_now(db, kind="close", now=start + dt.timedelta(days=i))
    manual = backup.backup_now(db, kind="manual", now=start)
    deleted = backup.rotate(db_path, now=start + dt.timedelta(days=39, hours=1))
    left = backup.list_backups(db_path)
    assert manual.exists()
    assert len([b for b in left if b.kind == "close"]) == 40 - len(deleted)
    assert 7 <= len([b for b in left if b.kind == "close"]) <= 12


def test_daily_backup_once_a_day(db, db_path):
    now = dt.datetime(2026, 5, 1, 10)
    assert backup.auto_backup(db, "daily", now=now) is not None
    assert backup.auto_backup(db, "daily", now=now.replace(hour=15)) is None
    assert backup.auto_backup(db, "daily", now=now + dt.timedelta(days=1)) is not None
    assert backup.auto_backup(db, "close", now=now.replace(hour=23)) is not None


def test_check_reports_ok_and_backs_up_first(db):
    report = backup.check(db)
    assert report.ok
    assert report.backup is not None and report.backup.exists()
    assert report.integrity == ["ok"] and report.foreign_keys == []
    text = "\n".join(report.lines())
    assert "Integrity check: OK" in text and "healthy" in text


def test_check_finds_a_broken_link(db):
    db.conn.execute("PRAGMA foreign_keys = OFF")
    db.conn.execute(
        "INSERT INTO preferences(customer_id, kind, level, label, created_at)"
        " VALUES (999, 'drink', 'like', 'ビール', '2026-01-01 00:00:00')"
    )
    db.conn.commit()
    db.conn.execute("PRAGMA foreign_keys = ON")
    report = backup.check(db, backup_first=False)
    assert not report.ok
    assert report.foreign_keys and report.foreign_keys[0][0] == "preferences"
    i18n.set_language("ja")
    assert any("存在しない" in line for line in report.lines())


def test_full_disk_is_a_clear_message_and_loses_nothing(db):
    _add_channel(db, "kept")
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + 2}")
    with pytest.raises(sqlite3.Error) as err, db.atomic():
        for i in range(2000):
            db.execute("INSERT INTO channels(name) VALUES (?)", [f"c{i}-" + "x" * 500])
    message = backup.storage_error_message(err.value)
    assert message and "disk is full" in message
    i18n.set_language("ja")
    assert "ディスクがいっぱい" in backup.storage_error_message(err.value)
    assert "kept" in _channels(db)
    assert not [c for c in _channels(db) if c.startswith("c0-")]
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_read_only_file_is_a_clear_message(db, db_path):
    db.close()
    ro = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.Error) as err:
        ro.execute("INSERT INTO channels(name) VALUES ('x')")
    ro.close()
    assert "read-only" in backup.storage_error_message(err.value)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_read_only_permissions(db, db_path):
    from shopcrm.store.db import connect

    _add_channel(db, "kept")
    db.close()
    for p in db_path.parent.glob("shop.db*"):
        p.chmod(0o400)
    try:
        again = connect(db_path)
        with pytest.raises(sqlite3.Error) as err:
            _add_channel(again, "new")
        assert backup.storage_error_message(err.value)
    finally:
        for p in db_path.parent.glob("shop.db*"):
            p.chmod(0o600)


def test_other_errors_are_not_dressed_up():
    assert backup.storage_error_message(ValueError("x")) is None
    assert backup.storage_error_message(sqlite3.IntegrityError("UNIQUE constraint failed")) is None
