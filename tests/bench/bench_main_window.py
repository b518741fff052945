"""Benchmark: start-up to the main window (offscreen, in-process), and the heavy libraries loaded.

    python tests/bench/bench_main_window.py [--runs 5]

Each run is a fresh interpreter: ``import shopcrm.app``, then ``build_main_window`` on a new empty
database (no demo), then ``window.show()`` and one round of events. Prints the median and best wall
and CPU time of each step, and the heavy libraries (matplotlib, scipy, reportlab, ...) that were
imported by then: none of them should be needed to show the window. For the installed app on a
real X server, see bench_startup.py.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

HEAVY = ("matplotlib", "scipy", "numpy", "reportlab", "openpyxl", "PySide6.QtPdf", "pypdf")

CHILD = r"""
import json, sys, time
t0, c0 = time.perf_counter(), time.process_time()
import shopcrm.app as shop_app
t1, c1 = time.perf_counter(), time.process_time()
from pathlib import Path
app, ctx, window = shop_app.build_main_window(Path(sys.argv[1]), lang="en")
window.show()
app.processEvents()
t2, c2 = time.perf_counter(), time.process_time()
heavy = sorted(m for m in HEAVY if m in sys.modules)
print(json.dumps({"import": [t1 - t0, c1 - c0], "window": [t2 - t0, c2 - c0], "heavy": heavy}))
window.close()
"""


def run_once(db: Path) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    code = f"HEAVY = {HEAVY!r}\n" + CHILD
    out = subprocess.run([sys.executable, "-c", code, str(db)], env=env, capture_output=True,
                         text=True, check=True, cwd=ROOT).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SHOPCRM_DATA_DIR"] = tmp
        os.environ["SHOPCRM_CACHE_DIR"] = tmp
        db = Path(tmp) / "bench.db"
        run_once(db)  # warm-up: creates the database, compiles the catalogs, fills the file cache
        results = [run_once(db) for _ in range(args.runs)]
    for step in ("import", "window"):
        walls = [r[step][0] for r in results]
        cpus = [r[step][1] for r in results]
        print(
            f"{step:>7}: wall median {statistics.median(walls):.3f} s (best {min(walls):.3f}),"
            f" CPU median {statistics.median(cpus):.3f} s"
        )
    print("heavy libraries loaded by the shown window:", ", ".join(results[-1]["heavy"]) or "none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
