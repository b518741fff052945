"""kill -9 at random moments while saving visits, importing and migrating: nothing that was
saved is lost, an import is all or nothing, a migration is all or nothing, and the file passes
the integrity and foreign-key checks every time.

Each round forks a real child process that writes and reports what it committed through a
pipe (after the commit returned); the parent SIGKILLs it at a random moment, then opens the
file and checks. ``KILL_POINTS`` records how many kills were tried (see the closing note of the
data-safety work).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import sqlite3
import time

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL (POSIX)")

ROUNDS = {"visits": 20, "import": 15, "migration": 15}
KILL_POINTS: dict[str, int] = {}


def _fork(child_fn):
    """Run child_fn(write) in a forked process; returns (pid, read end of the pipe)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        os.close(r)
        code = 0
        try:
            child_fn(lambda text: os.write(w, (text + "\n").encode()))
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(w)
    return pid, r


def _kill_after(pid, seconds):
    time.sleep(seconds)
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return os.WIFSIGNALED(status)  # False: the child finished before the kill


def _read_all(fd) -> list[str]:
    chunks = []
    while True:
        data = os.read(fd, 65536)
        if not data:
            break
        chunks.append(data)
    os.close(fd)
    return b"".join(chunks).decode().split()


def _healthy(path):
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        return conn
    except BaseException:
        conn.close()
        raise


def test_kill_during_visit_saves(db_path):
    from shopcrm.domain.models import Customer, Visit, VisitItem
    from shopcrm.store import customers, open_db, visits

    db = open_db(db_path)
    cid = customers.create(db, Customer(name="常連さん")).id
    db.close()
    rng = random.Random(6)
    kills = 0
    reported: set[int] = set()

    def child(write):
        from shopcrm.store.db import connect

        conn = connect(db_path)
        n = 0
        while True:
            n += 1
            v = visits.record(
                conn,
                Visit(
                    customer_id=cid,
                    visited_at=dt.datetime(2026, 1, 1) + dt.timedelta(hours=n),
                    amount=1000 + n,
                    party_size=2,
                    items=[VisitItem(name="生ビール", quantity=2)],
                ),
            )
            write(str(v.id))  # only after the commit returned

    for _round in range(ROUNDS["visits"]):
        pid, fd = _fork(child)
        kills += _kill_after(pid, rng.uniform(0.005, 0.12))
        reported |= {int(x) for x in _read_all(fd)}
        conn = _healthy(db_path)
        present = {r[0] for r in conn.execute("SELECT id FROM visits")}
        assert reported <= present, f"lost committed visits {sorted(reported - present)[:5]}"
        # the figures kept by triggers are true after every kill
        count, total = conn.execute(
            "SELECT visit_count, total_spent FROM customers WHERE id = ?", [cid]
        ).fetchone()
        assert (count, total) == conn.execute(
            "SELECT count(*), coalesce(sum(amount), 0) FROM visits WHERE customer_id = ?", [cid]
        ).fetchone()
        items = conn.execute("SELECT count(*) FROM visit_items").fetchone()[0]
        assert items == len(present)  # a visit never without its items
        conn.close()
    KILL_POINTS["visits"] = kills
    assert kills >= ROUNDS["visits"] // 2 and len(reported) > 0


def test_kill_during_import_is_all_or_nothing(db_path, tmp_path):
    from shopcrm.services import transfer
    from shopcrm.store import open_db

    rows = 3000
    csv_path = tmp_path / "big.csv"
    lines = ["氏名,フリガナ,電話番号,誕生日,会員番号"] + [
        f"客{i},キャク,090{i:08d},1980-01-{1 + i % 28:02d},K{i}" for i in range(rows)
    ]
    csv_path.write_text("\n".join(lines), encoding="cp932")
    open_db(db_path).close()
    rng = random.Random(7)
    kills = 0
    before = 0

    def child(write):
        from shopcrm.store.db import connect

        conn = connect(db_path)
        transfer.import_file(conn, csv_path, "customers")
        write("done")  # after the import's one commit

    for _round in range(ROUNDS["import"]):
        if before:  # start each round from an empty shop again
            conn = sqlite3.connect(db_path)
            conn.execute("DELETE FROM customers")
            conn.commit()
            conn.close()
        pid, fd = _fork(child)
        kills += _kill_after(pid, rng.uniform(0.0, 0.9))
        said = _read_all(fd)
        conn = _healthy(db_path)
        n = conn.execute("SELECT count(*) FROM customers").fetchone()[0]
        fts = conn.execute("SELECT count(*) FROM customers_fts").fetchone()[0]
        conn.close()
        assert n in (0, rows), f"half an import: {n} rows"
        if "done" in said:
            assert n == rows
        assert fts == n
        before = n
    KILL_POINTS["import"] = kills
    assert kills >= 5


def test_kill_during_migration_is_all_or_nothing(db_path, tmp_path):
    from shopcrm.store import migrations, open_db, opener

    db = open_db(db_path)
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO visits(visited_at, amount, created_at) VALUES (?, ?, ?)",
            [(f"2026-01-01 {i % 24:02d}:00:00", i, "2026-01-01 00:00:00") for i in range(20000)],
        )
    db.close()
    template = tmp_path / "template.db"
    shutil.copy(db_path, template)
    rng = random.Random(8)
    kills = 0

    def child(write):
        # A heavy migration besides the real ones, registered in the child only.
        @migrations.migrations(name="9999_kill_test")
        def heavy(conn):
            conn.execute("UPDATE visits SET note = 'migrated'")
            conn.execute("CREATE INDEX visits_note ON visits(note)")

        from shopcrm.store.db import connect

        conn = connect(db_path)
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0002_data_merges'")
        conn.execute("DROP TABLE customer_merges")
        conn.conn.commit()
        write("start")
        opener.migrate(conn, db_path)
        write("done")

    finished = 0
    for _round in range(ROUNDS["migration"]):
        shutil.copy(template, db_path)
        for extra in ("-wal", "-shm"):
            if os.path.exists(f"{db_path}{extra}"):
                os.remove(f"{db_path}{extra}")
        pid, fd = _fork(child)
        kills += _kill_after(pid, rng.uniform(0.0, 0.12))
        said = _read_all(fd)
        conn = _healthy(db_path)
        applied = {r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")}
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        migrated = conn.execute("SELECT count(*) FROM visits WHERE note = 'migrated'").fetchone()[0]
        conn.close()
        if "start" in said:  # the child got as far as un-applying 0002
            assert ("0002_data_merges" in applied) == ("customer_merges" in tables)
        assert ("9999_kill_test" in applied) == (migrated == 20000) == ("visits_note" in tables)
        assert migrated in (0, 20000)
        finished += "done" in said
    KILL_POINTS["migration"] = kills
    assert kills >= 5


def test_report_kill_points():
    """Prints the count for the report (runs after the three tests above in file order)."""
    print(f"\nkill points: {KILL_POINTS} total {sum(KILL_POINTS.values())}")
    assert sum(KILL_POINTS.values()) >= 20 or not KILL_POINTS
