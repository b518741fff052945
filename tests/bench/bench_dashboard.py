"""Benchmark: what the dashboard page does, from the click to the last number shown.

Run on demand: ``python tests/bench/bench_dashboard.py [customers] [visits]`` (default 50,000
guests and 1,000,000 visits, the shop of ``bench_analytics.build_shop``; ``BENCH_DB=/tmp/shop.db``
keeps and reuses it). Drives the real ``DashboardPage`` offscreen and prints, each from the
user's action to the page's signal:

- first open: until the measures are on screen (``measures_shown``) and until every number,
  the model fit included, is there (``loaded``);
- a period change (the combo box): until every number is there (the fit is reused);
- a tab's first show: until its chart is drawn (``chart_ready``);
- the longest UI-thread stall throughout (a 10 ms heartbeat timer measuring its own lateness,
  running from before the page is built).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


class Heartbeat:
    """A 10 ms timer on the UI thread; ``worst`` is its largest lateness (a stall)."""

    def __init__(self):
        from PySide6.QtCore import QTimer

        self.worst, self.where, self.label = 0.0, "", "start"
        self.last = time.perf_counter()
        self.timer = QTimer()
        self.timer.timeout.connect(self._tick)
        self.timer.start(10)

    def _tick(self):
        now = time.perf_counter()
        late = now - self.last - 0.010
        if late > self.worst:
            self.worst, self.where = late, self.label
        self.last = now


def wait(app, signal, timeout=600.0, accept=lambda *a: True):
    got = []
    signal.connect(lambda *a: got.append(a) if accept(*a) else None)
    end = time.perf_counter() + timeout
    while not got and time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)
    if not got:
        raise TimeoutError(signal)
    return time.perf_counter()


def main(argv: list[str]) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from bench_analytics import build_shop
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from shopcrm.store import open_db
    from shopcrm.ui.context import AppContext

    n_customers = int(argv[1]) if len(argv) > 1 else 50_000
    n_visits = int(argv[2]) if len(argv) > 2 else 1_000_000
    today = dt.date.today()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        keep = os.environ.get("BENCH_DB")
        path = Path(keep) if keep else Path(tmp) / "bench.db"
        db = open_db(path)
        if not keep or not path.stat().st_size > 1_000_000:
            build_shop(db, n_customers, n_visits, today=today)
        beat = Heartbeat()
        from shopcrm.ui.pages.dashboard_page import TABS, DashboardPage

        page = DashboardPage(AppContext(db, path))
        page.resize(1366, 768)
        beat.label = "first open"
        t0 = time.perf_counter()
        page.show()
        shown = getattr(page, "measures_shown", None)  # (absent before the two-step page)
        t_measures = wait(app, shown) if shown is not None else None
        t_loaded = wait(app, page.loaded)
        if t_measures is not None:
            print(f"first open: measures on screen {t_measures - t0:.2f} s")
        print(f"first open: every number (model fit included) {t_loaded - t0:.2f} s")
        for key in ("6m", "3m", "12m"):
            beat.label = f"period change to {key}"
            page.period.setFocus()
            t0 = time.perf_counter()
            page.period.setCurrentIndex(page.period.findData(key))
            t1 = wait(app, page.loaded)
            print(f"period change to {key}: every number on screen in {t1 - t0:.2f} s")
        bar = page.tabs.tabBar()
        for index, (key, _title, show) in enumerate(TABS):
            if not show or page.charts.get(key) is not None or not hasattr(page, "chart_ready"):
                continue
            beat.label = f"tab {key}"
            t0 = time.perf_counter()
            QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
            t1 = wait(app, page.chart_ready, accept=lambda k, key=key: k == key)
            print(f"tab {key}: chart on screen in {t1 - t0:.2f} s")
        print(f"longest UI-thread stall: {beat.worst * 1000:.0f} ms ({beat.where})")
        check = getattr(page.data["clv"], "check", None)
        if check is not None:
            print(f"model check: {check.message}")
        page.close()
        db.close()


if __name__ == "__main__":
    main(sys.argv)
