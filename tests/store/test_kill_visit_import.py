"""kill -9 during a visits import (a bulk load that sets the figure triggers aside): the import
is all or nothing, the triggers are always there afterwards, and the figures add up."""

from __future__ import annotations

import os
import random
import sqlite3
import time

import pytest

from tests.store.test_kill import _fork, _healthy, _kill_after, _read_all

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL (POSIX)")

ROUNDS = 12
ROWS = 100_000  # the import got five times faster: enough rows that the kill lands inside it
GUESTS = 500


def test_kill_during_visit_import_is_all_or_nothing(db_path, tmp_path):
    from shopcrm.domain.models import Customer
    from shopcrm.services import transfer
    from shopcrm.store import customers, open_db

    db = open_db(db_path)
    customers.insert_many(db, [Customer(name=f"客{i}", code=f"K{i}") for i in range(GUESTS)])
    db.close()
    csv_path = tmp_path / "visits.csv"  # last year's visits: every row valid, so it writes
    rng = random.Random(11)
    csv_path.write_text(
        "\n".join(
            ["会員番号,来店日時,金額,注文"]
            + [
                f"K{rng.randrange(GUESTS)},2025-{1 + i % 12:02d}-{1 + i % 28:02d} 19:{i % 60:02d},"
                f"{rng.randint(1, 90) * 100},生ビール×2、枝豆"
                for i in range(ROWS)
            ]
        ),
        encoding="utf-8",
    )

    def child(write):
        from shopcrm.store.db import connect

        conn = connect(db_path)
        transfer.import_file(conn, csv_path, "visits")
        write("done")  # after the import's one commit

    def clear() -> None:
        conn = sqlite3.connect(db_path)  # a shop without visits
        with conn:
            conn.execute("DELETE FROM visit_items")
            conn.execute("DELETE FROM visits")
            # and without the record of the file: after a round that finished, the next import
            # would be refused at once as a re-import and no kill would land inside a write
            conn.execute("DELETE FROM imports")
        conn.close()

    # How long one whole import takes on this machine now (a busy CI box is several times slower
    # than a quiet one): the kills are then timed inside that span, not at fixed seconds.
    started = time.monotonic()
    pid, fd = _fork(child)
    os.waitpid(pid, 0)
    assert "done" in _read_all(fd), "the import itself failed"
    span = time.monotonic() - started

    kills = 0
    for _round in range(ROUNDS):
        clear()
        pid, fd = _fork(child)
        kills += _kill_after(pid, rng.uniform(0.05, 1.1) * span)
        said = _read_all(fd)
        conn = _healthy(db_path)
        n = conn.execute("SELECT count(*) FROM visits").fetchone()[0]
        triggers = {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
        indexes = {  # a load this large sets them aside and builds them again (bulk.py)
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
        counted, spent = conn.execute(
            "SELECT coalesce(sum(visit_count), 0), coalesce(sum(total_spent), 0) FROM customers"
        ).fetchone()
        total = conn.execute("SELECT coalesce(sum(amount), 0) FROM visits").fetchone()[0]
        conn.close()
        assert n in (0, ROWS), f"half an import: {n} visits"
        if "done" in said:
            assert n == ROWS
        assert {"visits_stats_ai", "visits_stats_ad", "visits_stats_au"} <= triggers
        assert {"visits_customer", "visits_visited_at", "visit_items_visit"} <= indexes
        assert (counted, spent) == (n, total)
    assert kills >= ROUNDS // 2  # most rounds were killed inside the import
