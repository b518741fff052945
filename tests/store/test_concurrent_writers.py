"""Several real processes write to one database at the same time: every write waits its turn.

Three processes each record 100 visits (a customer created first, so every transaction reads
before it writes, the case a deferred BEGIN cannot wait for), while a fourth reads. With
``BEGIN IMMEDIATE`` and the busy timeout none of the 300 saves fails.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import sqlite3

from shopcrm.domain.models import Customer, Visit
from shopcrm.store import customers, open_db, visits
from shopcrm.store.db import connect

WRITERS = 3
VISITS_EACH = 100


def _writer(path: str, worker: int, start, results) -> None:
    ok = failed = 0
    errors: list[str] = []
    try:
        db = connect(path)
        start.wait(timeout=60)
        guest = customers.create(db, Customer(name=f"並行 {worker}", kana="ヘイコウ"))
    except Exception as exc:  # reported, so the test fails instead of waiting
        results.put((worker, 0, VISITS_EACH, [repr(exc)]))
        return
    for n in range(VISITS_EACH):
        try:
            visits.record(
                db,
                Visit(
                    customer_id=guest.id,
                    visited_at=dt.datetime(2026, 11, 1, 18, 0) + dt.timedelta(minutes=n),
                    party_size=2,
                    amount=1000 + worker,
                ),
            )
            ok += 1
        except Exception as exc:
            failed += 1
            errors.append(str(exc))
    results.put((worker, ok, failed, errors[:3]))


def _reader(path: str, start, stop) -> None:
    db = connect(path)
    start.wait(timeout=60)
    while not stop.wait(0.001):
        db.execute("SELECT count(*), total(amount) FROM visits").fetchone()


def test_three_writers_at_once_never_fail(tmp_path):
    path = tmp_path / "shop.db"
    open_db(path).close()
    ctx = mp.get_context("spawn")
    start = ctx.Barrier(WRITERS + 1)
    stop = ctx.Event()
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_writer, args=(str(path), w, start, results)) for w in range(WRITERS)
    ]
    reader = ctx.Process(target=_reader, args=(str(path), start, stop))
    everyone = [*procs, reader]
    for p in everyone:
        p.daemon = True
        p.start()
    try:
        outcomes = [results.get(timeout=180) for _ in procs]
    finally:
        stop.set()
        for p in everyone:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
    assert sum(o[2] for o in outcomes) == 0, outcomes
    assert sum(o[1] for o in outcomes) == WRITERS * VISITS_EACH
    db = open_db(path)
    assert db.execute("SELECT count(*) FROM visits").fetchone()[0] == WRITERS * VISITS_EACH
    # The per-guest figures the triggers keep agree with the visits.
    for worker, _ok, _failed, _errors in outcomes:
        row = db.execute(
            "SELECT visit_count FROM customers WHERE name = ?", [f"並行 {worker}"]
        ).fetchone()
        assert row[0] == VISITS_EACH


def test_connections_sync_every_commit_and_take_the_write_lock_first(tmp_path):
    db = open_db(tmp_path / "shop.db")
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    other = connect(tmp_path / "shop.db")
    with db.atomic():
        db.execute("INSERT INTO settings(key, value) VALUES ('probe', '1')")
        # The first transaction holds the write lock from BEGIN on: a second writer waits.
        other.conn.execute("PRAGMA busy_timeout = 50")
        try:
            with other.atomic():
                raise AssertionError("the second writer got the lock")
        except sqlite3.OperationalError as exc:
            assert "locked" in str(exc)


def _opener(path: str, start, results) -> None:
    try:
        start.wait(timeout=60)
        db = open_db(path)
        version = db.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]
        results.put(("ok", version))
    except Exception as exc:
        results.put(("error", repr(exc)))


def test_processes_opening_an_old_schema_at_once_all_succeed(tmp_path):
    from shopcrm.store import migrations

    path = tmp_path / "old.db"
    db = connect(path)
    migrations.migrations.apply(db, stop_before="0003_store_search_index")
    customers_before = db.execute("SELECT count(*) FROM customers").fetchone()[0]
    db.close()
    ctx = mp.get_context("spawn")
    n = 8
    start = ctx.Barrier(n)
    results = ctx.Queue()
    procs = [ctx.Process(target=_opener, args=(str(path), start, results)) for _ in range(n)]
    for p in procs:
        p.daemon = True
        p.start()
    try:
        outcomes = [results.get(timeout=180) for _ in procs]
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    expected = len(migrations.migrations.pending(connect(tmp_path / "fresh.db")))
    assert {v for _, v in outcomes} == {expected}
    db = connect(path)
    assert not migrations.pending(db)
    assert db.execute("SELECT count(*) FROM customers").fetchone()[0] == customers_before
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # One pre-migration copy, not one per process.
    copies = list((tmp_path / "backups").glob("*pre-migration*"))
    assert len(copies) == 1, copies
