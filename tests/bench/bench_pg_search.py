"""Benchmark: the customer search box on SQLite and on PostgreSQL, side by side (issue 15).

Run on demand: ``python tests/bench/bench_pg_search.py [customers] [repeats]`` (default 20,000
guests, 7 repeats). Starts its own throwaway PostgreSQL server (tests/pgserver.py: Unix socket
only, as ``nobody`` when run as root), fills the same generated guests into an SQLite file and a
PostgreSQL database (``bench_search.fill_customers``) and times ``bench_search.CASES`` on both:
count plus the first page of 50, median ms (wall clock: the server's CPU is another process).
Aim (issue 15): search as you type <= 30 ms.
"""

from __future__ import annotations

import datetime as dt
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from shopcrm.store import open_db
from tests.bench.bench_search import fill_customers, time_cases
from tests.pgserver import PgServer


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str]) -> None:
    n = int(argv[1]) if len(argv) > 1 else 20_000
    repeats = int(argv[2]) if len(argv) > 2 else 7
    today = dt.date.today()
    server = PgServer().start()
    try:
        with server.admin() as admin:
            admin.execute("CREATE DATABASE bench")
        with tempfile.TemporaryDirectory() as tmp:
            results = {}
            for engine, target in (("sqlite", Path(tmp) / "bench.db"), ("pg", server.url("bench"))):
                db = open_db(target)
                seconds = fill_customers(db, n, today=today)
                if engine == "pg":
                    db.execute("ANALYZE")
                print(f"{engine}: {n:,} guests generated in {seconds:.1f} s")
                wall, cpu = time.perf_counter(), _cpu()
                results[engine] = time_cases(db, repeats, today)
                print(
                    f"{engine}: all cases {time.perf_counter() - wall:.1f} s wall,"
                    f" {_cpu() - cpu:.1f} s CPU in this process"
                )
                db.close()
        print(f"\n{n:,} guests, median of {repeats} runs, count + first page (ms)")
        print(f"{'query':38} {'matches':>8} {'SQLite':>8} {'PostgreSQL':>11}")
        for lite, pg in zip(results["sqlite"], results["pg"], strict=True):
            assert lite[1] == pg[1], (lite, pg)  # the same number of matches on both
            print(f"{lite[0]:38} {lite[1]:>8,} {lite[2]:>8.1f} {pg[2]:>11.1f}")
        worst = {k: max(r[2] for r in v) for k, v in results.items()}
        print(f"worst: SQLite {worst['sqlite']:.1f} ms, PostgreSQL {worst['pg']:.1f} ms")
    finally:
        server.stop()


if __name__ == "__main__":
    main(sys.argv)
