"""The README's "On a large shop" table, measured now: runs the walk and the dashboard benchmark.

``python tests/bench/speed_table.py /tmp/shop50k.db /tmp/shop200k.db`` (shops made by
``shopgen.py``) runs ``bench_ui_walk.py`` and ``bench_dashboard.py`` on each, every run in a
fresh Python process, one after the other, and prints the section in Markdown: the machine it ran
on (CPU model, cores, RAM, OS, Python, SQLite, PySide6, the load average at the start and at the
end: a busy machine makes the stalls longer, so re-run it on a quiet one) and one column per shop.
The import rows come from ``bench_import_visits.py`` and are not re-run here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or platform.machine(),
    )
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    import PySide6  # (the versions only; the benchmarks run in their own processes)

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "pyside6": PySide6.__version__,
    }


def shop_label(db: Path) -> str:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        guests = con.execute("SELECT count(*) FROM customers").fetchone()[0]
        visits = con.execute("SELECT max(id) FROM visits").fetchone()[0] or 0
    finally:
        con.close()
    return f"{guests / 1000:,.0f}k / {visits / 1e6:,.0f}M"


def bench(script: str, db: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "figures.json"
        cmd = [sys.executable, str(HERE / script), "--db", str(db), "--json", str(out)]
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
        if done.returncode != 0:
            raise SystemExit(f"{script} failed:\n{done.stdout}\n{done.stderr}")
        print(done.stdout, file=sys.stderr)  # the full report, for whoever runs it
        return json.loads(out.read_text(encoding="utf-8"))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def rows(walk: dict, board: dict) -> list[tuple[str, str | float]]:
    st = walk["stalls"]
    tab_stall = st.get("Dashboard tab", 0.0)
    first, period = st.get("Dashboard: first open", 0.0), st.get("Dashboard: period change", 0.0)
    worst, where, ui_cpu = walk["worst"]
    return [
        ("Start to a usable main window (Today page filled)", f"{walk['usable']:.2f} s"),
        ("UI-thread stall building the main window (before its first event)", st["start build"]),
        ("Longest stall: Today refresh, Today search", max(st["start"], st["Today"])),
        ("Longest stall: Customers open, search, sort, open the biggest regular", st["Customers"]),
        ("Longest stall: Coupons open, birthday month and filter changes", st["Coupons"]),
        ("Longest stall: Print page open", st["Print"]),
        (
            "Longest stall: Dashboard first open / a tab / period change",
            f"{first * 1000:.0f} / {tab_stall * 1000:.0f} / {period * 1000:.0f} ms",
        ),
        (
            "Dashboard first open: shown tab's numbers and chart / all tabs, model fit included",
            f"{board['first_open_chart']:.2f} s / {board['first_open']:.2f} s "
            f"(CPU {board['first_open_cpu']:.2f} s)",
        ),
        (
            "Dashboard period change: every number and the chart back (the fit is kept)",
            f"{board['period_change']:.2f} s (refits: {board['refits_on_period_change']})",
        ),
        (
            "Dashboard: a tab's first show until its chart is drawn (slowest)",
            f"{board['tab']:.2f} s",
        ),
        ("Worst stall of the walk (its UI-thread CPU)", f"{ms(worst)} ({ms(ui_cpu)}), {where}"),
    ]


def cell(value) -> str:
    """Stalls in ms, other times (already text) as they are."""
    return value if isinstance(value, str) else ms(value)


GOALS = [
    "≤ 1.5 s / ≤ 2 s",
    "—",
    "≤ 100 / 200 ms",
    "≤ 100 / 200 ms",
    "≤ 100 / 200 ms",
    "≤ 100 / 200 ms",
    "≤ 100 / 200 ms",
    "≤ 1.0 s / ≤ 3 s",
    "≤ 0.3 s / ≤ 1 s",
    "—",
    "≤ 100 / 200 ms",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dbs", nargs="+", type=Path, help="shops made by shopgen.py")
    args = parser.parse_args()
    box = machine()
    load_start, started = os.getloadavg(), time.perf_counter()
    columns = []
    for db in args.dbs:
        walk = bench("bench_ui_walk.py", db)
        board = bench("bench_dashboard.py", db)
        columns.append((shop_label(db), rows(walk, board)))
    load_end = os.getloadavg()
    labels = [label for label, _r in columns]
    print(f"### On a large shop: {', and '.join(labels)} (guests / visits)")
    print(
        f"Measured on {dt.date.today().isoformat()} with `tests/bench/speed_table.py` "
        "(`bench_ui_walk.py` and `bench_dashboard.py`, each in its own process) on the shops "
        "`tests/bench/shopgen.py` generates, on a "
        f"{box['cores']}-core {box['cpu']} ({box['ram_gb']} GB RAM, {box['os']}, Python "
        f"{box['python']}, SQLite {box['sqlite']}, PySide6 {box['pyside6']}, Qt offscreen); "
        f"load average {load_start[0]:.1f} at the start and {load_end[0]:.1f} at the end "
        f"({time.perf_counter() - started:.0f} s in all)."
    )
    print()
    print("| What | " + " | ".join(labels) + " | Goal (50k / 200k) |")
    print("|---|" + "---|" * len(labels) + "---|")
    for i, (what, _v) in enumerate(columns[0][1]):
        values = [cell(col[i][1]) for _l, col in columns]
        print(f"| {what} | " + " | ".join(values) + f" | {GOALS[i]} |")


if __name__ == "__main__":
    main()
