"""Benchmark: what the dashboard page does, from the click to the last number shown.

``python tests/bench/bench_dashboard.py --db /tmp/shop50k.db`` (a shop made by ``shopgen.py``; it
is copied, not changed; without ``--db`` a 50,000 / 1,000,000 shop is generated first). Drives
the real ``DashboardPage`` offscreen, the page doing everything it does for the owner (reading
the visits, the measures, the model fit, the tables, building and drawing the charts), and
prints, each from the user's action to the page's signal:

- first open: until the measures are on screen (``measures_shown``), until every number, the
  model fit included, is there (``loaded``) and until the first tab's chart is drawn;
- a period change (the combo box, three times): until every number is there and the shown tab's
  chart is drawn again (the fit is kept: the visits did not change);
- each tab's first show (a click on its title): until its chart is drawn (``chart_ready``),
  or until it is on screen for the tabs without a chart;
- the longest UI-thread stall (``watchdog.py``, sampling where the UI thread was), the
  wall and CPU time of each step and the machine's load.

Targets at 50k/1M (200k/4M): first open ≤ 1.0 s (3 s), a period change ≤ 0.3 s (1 s), every stall
≤ 100 ms (200 ms). ``run(db)`` returns the figures for ``speed_table.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def run(source: Path, *, lang: str = "ja", verbose: bool = True) -> dict:
    """Open the dashboard on a copy of ``source``; returns the timings (seconds) and stalls."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from shopcrm.app import _application, guard_none_refcount
    from shopcrm.i18n import set_language
    from shopcrm.store import open_db
    from shopcrm.ui.context import AppContext
    from tests.bench.watchdog import Watchdog

    guard_none_refcount()
    folder = Path(tempfile.mkdtemp(prefix="shopcrm-dash-"))
    db_path = folder / "shop.db"
    shutil.copy(source, db_path)
    app = _application()
    set_language(lang)
    dog = Watchdog(sample=True)
    dog.start("build the page")
    db = open_db(db_path)
    from shopcrm.ui.pages.dashboard_page import TABS, DashboardPage

    page = DashboardPage(AppContext(db, db_path))
    page.resize(1366, 768)
    got: list = []
    page.measures_shown.connect(lambda: got.append(("measures", None)))
    page.loaded.connect(lambda: got.append(("loaded", None)))
    page.chart_ready.connect(lambda key: got.append(("chart", key)))

    def wait_for(*events, timeout: float = 600.0) -> dict:
        """Pump events until each (kind, key) happened; the time each one first did."""
        seen: dict = {}
        end = time.perf_counter() + timeout
        while len(seen) < len(events):
            while got:
                event = got.pop(0)
                if event in events and event not in seen:
                    seen[event] = time.perf_counter()
            if len(seen) == len(events):
                break
            if time.perf_counter() > end:
                raise TimeoutError(f"{dog.steps[-1].name}: {set(events) - set(seen)}")
            app.processEvents()
            time.sleep(0.001)
        return seen

    def settle(seconds: float = 0.3) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.002)

    out: dict = {"steps": {}}
    first = TABS[0][0]
    dog.at("first open")
    cpu0, t0 = time.process_time(), time.perf_counter()
    page.show()
    seen = wait_for(("measures", None), ("loaded", None), ("chart", first))
    out["first_open_measures"] = seen["measures", None] - t0
    out["first_open"] = seen["loaded", None] - t0
    out["first_open_chart"] = seen["chart", first] - t0
    out["first_open_cpu"] = time.process_time() - cpu0
    settle()
    fits = page.service.fits
    for key in ("6m", "3m", "12m"):
        dog.at(f"period change to {key}")
        page.period.setFocus()
        cpu0, t0 = time.process_time(), time.perf_counter()
        page.period.setCurrentIndex(page.period.findData(key))
        seen = wait_for(("loaded", None), ("chart", first))
        out["steps"][f"period {key}"] = (seen["loaded", None] - t0, time.process_time() - cpu0)
        out["steps"][f"period {key} chart"] = (seen["chart", first] - t0, 0.0)
        settle()
    out["refits_on_period_change"] = page.service.fits - fits
    bar = page.tabs.tabBar()
    for index in range(page.tabs.count()):
        key = TABS[index][0] if index < len(TABS) else "effect"
        if index == page.tabs.currentIndex():
            continue
        dog.at(f"tab {key}")
        cpu0, t0 = time.process_time(), time.perf_counter()
        QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
        if index < len(TABS) and TABS[index][2]:
            wait_for(("chart", key))
        else:
            app.processEvents()
        out["steps"][f"tab {key}"] = (time.perf_counter() - t0, time.process_time() - cpu0)
        settle()
    dog.at("close")
    page.close()
    db.close()
    settle(0.05)
    dog.stop()
    out["period_change"] = max(v[0] for k, v in out["steps"].items() if k.startswith("period "))
    out["tab"] = max(v[0] for k, v in out["steps"].items() if k.startswith("tab "))
    worst = dog.worst()
    out["stall"], out["stall_where"] = worst.worst, worst.name
    out["stall_by_step"] = {s.name: s.worst for s in dog.steps}
    out["report"] = dog.report()
    shutil.rmtree(folder, ignore_errors=True)
    if verbose:
        print(f"first open: measures on screen {out['first_open_measures']:.2f} s")
        print(
            f"first open: every number (model fit included) {out['first_open']:.2f} s, "
            f"its chart drawn {out['first_open_chart']:.2f} s (CPU {out['first_open_cpu']:.2f} s)"
        )
        for name, (wall, cpu) in out["steps"].items():
            print(f"{name}: {wall:.2f} s" + (f" (CPU {cpu:.2f} s)" if cpu else ""))
        print(f"model refits on the period changes: {out['refits_on_period_change']}")
        print(out["report"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, help="a shop made by shopgen.py (copied, not changed)")
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--lang", default="ja")
    parser.add_argument("--json", type=Path, help="write the figures here (speed_table.py)")
    args = parser.parse_args()
    source = args.db
    if source is None:
        from tests.bench import shopgen

        source = Path(tempfile.mkdtemp(prefix="shopcrm-dash-gen-")) / "generated.db"
        shopgen.build(source, args.customers, args.visits)
    load = os.getloadavg()
    out = run(source, lang=args.lang)
    if args.json:
        out.pop("report")
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
    print(
        f"load average {load[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end, on "
        f"{os.cpu_count()} cores (a shared machine: compare the CPU times)"
    )


if __name__ == "__main__":
    main()
