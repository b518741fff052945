"""Benchmark: ``import visits`` of a large CSV into a shop of generated guests (run on demand).

``python tests/bench/bench_import_visits.py [--customers 50000] [--visits 1000000]`` generates
the shop and the CSV under /tmp (``shopgen``; kept for the next run with ``--keep DIR``), then
imports as ``shopcrm import visits`` does (``--path cli``: ONE reading of the file, checking
and writing in one transaction) or as the import dialog does (``--path dialog``: the dry run,
then the write, each reading the file). Prints the wall and CPU seconds of each step and the
process's peak memory (targets: 50k/1M ≤ 30 s and ≤ 300 MB; 200k/4M ≤ 2 min and ≤ 500 MB),
and checks the guests' figures against the visits. Run one path per process: the peak memory
is the process's.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="folder for the generated shop and CSV")
    parser.add_argument("--path", choices=("cli", "dialog"), default="cli")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="shopcrm-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["SHOPCRM_DATA_DIR"] = str(folder / "data")
    base = folder / f"guests-{args.customers}.db"
    csv = folder / f"visits-{args.visits}.csv"
    from tests.bench import shopgen

    if not base.exists():
        shopgen.build(base, args.customers, 0)
    if not csv.exists():
        shopgen.write_csv(csv, args.customers, args.visits, 14)
    work = folder / "import.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    shutil.copy(base, work)

    # imported here: SHOPCRM_DATA_DIR (set above) must be in place before shopcrm loads
    from shopcrm.services import transfer
    from shopcrm.store import open_db

    db = open_db(work)
    print(f"importing {csv.stat().st_size / 1e6:.0f} MB ({args.visits:,} visits) into a shop of "
          f"{args.customers:,} guests; peak memory before: {_peak_mb():.0f} MB")  # fmt: skip
    steps = []
    wall0, cpu0 = time.perf_counter(), time.process_time()
    last = (wall0, cpu0)

    def step(name: str) -> None:
        nonlocal last
        now = (time.perf_counter(), time.process_time())
        steps.append((name, now[0] - last[0], now[1] - last[1], _peak_mb()))
        last = now

    if args.path == "cli":
        report = transfer.import_file(db, csv, "visits")
        step("import")
    else:
        plan = transfer.plan_import(db, transfer.open_file(csv), "visits")
        step("dry run")
        report = transfer.apply_import(db, plan)
        step("write")
    assert report.imported == args.visits, report.summary()
    for name, wall, cpu, peak in steps:
        print(f"  {name:8} {wall:6.1f} s wall {cpu:6.1f} s CPU   peak {peak:5.0f} MB")
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    print(f"  total    {wall:6.1f} s wall {cpu:6.1f} s CPU   peak {_peak_mb():5.0f} MB")
    bad = db.execute(
        """SELECT count(*) FROM customers c LEFT JOIN (SELECT customer_id, count(*) AS n,
           sum(amount) AS t FROM visits GROUP BY customer_id) s ON s.customer_id = c.id
           WHERE c.visit_count IS NOT coalesce(s.n, 0) OR c.total_spent IS NOT coalesce(s.t, 0)"""
    ).fetchone()[0]
    print(f"  guests whose figures differ from their visits: {bad}")
    print(f"  file {work.stat().st_size / 1e6:.0f} MB; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")  # fmt: skip
    db.close()


if __name__ == "__main__":
    main()
