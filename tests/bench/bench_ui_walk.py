"""Benchmark: start the app on a large shop and use every page, with the stall watchdog on.

``python tests/bench/bench_ui_walk.py --db /tmp/shop-50k.db`` (make one with ``shopgen.py``;
without ``--db`` a 50,000 / 1,000,000 shop is generated under /tmp first). Runs offscreen unless
a display is set. The watchdog (``watchdog.py``) starts before the main window is built and runs
until the app has quit; the walk: start to a usable Today page, Today refresh, Customers (type a
search, sort three columns, open the biggest regular), Coupons (open, birthday month and filter
changes), Print, Dashboard (first open until its numbers and first chart are there, a click on
every tab until its chart is drawn, a period change until every number and the chart are back),
close.
Prints each step's time, CPU and worst stall, then the worst stall overall and where it happened
(the watchdog samples the UI thread's stack while it is stuck). ``--json FILE`` also writes the
figures for ``speed_table.py``.
Targets: start ≤ 1.5 s and every stall ≤ 100 ms at 50k/1M (≤ 2 s and ≤ 200 ms at 200k/4M).
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, help="a shop made by shopgen.py (copied, not changed)")
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--skip-dashboard", action="store_true")
    parser.add_argument("--json", type=Path, help="write the figures here (speed_table.py)")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    folder = Path(tempfile.mkdtemp(prefix="shopcrm-walk-"))
    os.environ["SHOPCRM_DATA_DIR"] = str(folder / "data")
    source = args.db
    if source is None:
        from tests.bench import shopgen

        source = folder / "generated.db"
        shopgen.build(source, args.customers, args.visits)
    db_path = folder / "shop.db"
    shutil.copy(source, db_path)  # the walk writes nothing, but the app may (settings)

    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    from shopcrm.app import _application, build_main_window, guard_none_refcount
    from tests.bench.watchdog import Watchdog

    guard_none_refcount()
    from PySide6.QtCore import QSettings

    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):  # a first start
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder / "qsettings"))
    app = _application()
    dog = Watchdog(sample=True)

    def pump(seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.002)

    def wait(predicate, timeout: float = 120.0) -> float:
        t0 = time.perf_counter()
        while not predicate():
            if time.perf_counter() - t0 > timeout:
                raise TimeoutError(dog.steps[-1].name)
            app.processEvents()
            time.sleep(0.002)
        return time.perf_counter() - t0

    started = time.perf_counter()
    dog.start("start: build the main window")
    _app, ctx, window = build_main_window(db_path, lang="ja")
    window.resize(1366, 768)
    window.show()
    dog.at("start: until the Today page is filled")
    today = window.current_page()
    wait(
        lambda: (
            not today.visits_loading and not today.birthdays_loading and today.results.count() > 0
        )
    )
    usable = time.perf_counter() - started
    pump(0.3)

    dog.at("Today: refresh (a visit was recorded)")
    ctx.visits_changed.emit()
    pump(0.01)
    wait(lambda: not today.visits_loading and not today.birthdays_loading)
    pump(0.3)

    dog.at("Today: type a search")
    for ch in "さとう":
        today.search.insert(ch)
        pump(0.08)
    pump(0.5)

    def go(key: str):
        from shopcrm.ui.main_window import PAGE_KEYS

        window.nav.setCurrentRow(PAGE_KEYS.index(key))  # what a click on the page list does
        return window.current_page()

    dog.at("Customers: open")
    customers = go("customers")
    wait(lambda: customers.model.total > 0 and not customers.model.is_loading)
    pump(0.3)
    dog.at("Customers: type a search")
    for ch in "やまだ":
        customers.search.insert(ch)
        pump(0.08)
    wait(lambda: customers.model.query == "やまだ" and not customers.model.is_loading)
    pump(0.3)
    customers.search.clear()
    wait(lambda: customers.model.query == "" and not customers.model.is_loading)
    header = customers.table.horizontalHeader()
    for col in (5, 1, 3):
        dog.at(f"Customers: sort by column {col}")
        x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
        QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
        pump(0.05)
        wait(lambda: not customers.model.is_loading)
        pump(0.3)
    dog.at("Customers: open the biggest regular")
    from shopcrm.ui.models.customer_table_model import COLUMN_KEYS

    visits_col = COLUMN_KEYS.index("visits")
    x = header.sectionViewportPosition(visits_col) + 5
    if customers.model.order_by != "visits" or not customers.model.descending:
        for _ in range(2):
            QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
            pump(0.05)
            wait(lambda: not customers.model.is_loading)
            if customers.model.order_by == "visits" and customers.model.descending:
                break
    rect = customers.table.visualRect(customers.model.index(0, 0))
    QTest.mouseClick(customers.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    pump(0.5)
    print(f"biggest regular: {customers.detail.fields['figures'].text()}")

    dog.at("Coupons: open")
    coupons = go("coupons")
    wait(lambda: not coupons.birthdays_loading)
    pump(0.3)
    dog.at("Coupons: birthdays tab")
    coupons.tabs.setCurrentIndex(coupons.tabs.count() - 1)
    pump(0.3)
    for n in range(2):
        dog.at(f"Coupons: next birthday month ({n + 1})")
        coupons.bd_month_spin.stepUp()
        pump(0.01)
        wait(lambda: not coupons.birthdays_loading)
        pump(0.3)
    dog.at("Coupons: DM consent filter")
    QTest.mouseClick(coupons.bd_consent, Qt.MouseButton.LeftButton)
    pump(0.01)
    wait(lambda: not coupons.birthdays_loading)
    pump(0.3)
    birthdays = coupons.bd_model.rowCount()

    dog.at("Print: open")
    go("print")
    pump(1.5)

    dashboard: dict = {}
    if not args.skip_dashboard:
        from shopcrm.ui.pages.dashboard_page import TABS

        drawn: list[str] = []
        loaded: list[int] = []
        dog.at("Dashboard: first open")
        t0 = time.perf_counter()
        board = go("dashboard")
        board.chart_ready.connect(drawn.append)
        board.loaded.connect(lambda: loaded.append(1))
        first = TABS[board.tabs.currentIndex()][0]
        wait(lambda: loaded and first in drawn, timeout=300)
        dashboard["first_open"] = time.perf_counter() - t0
        pump(0.3)
        bar = board.tabs.tabBar()
        for i in range(board.tabs.count()):
            if i == board.tabs.currentIndex():
                continue
            key = TABS[i][0] if i < len(TABS) else "effect"
            dog.at(f"Dashboard: tab {board.tabs.tabText(i)}")
            t0 = time.perf_counter()
            QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(i).center())
            if i < len(TABS) and TABS[i][2]:
                wait(lambda key=key: key in drawn, timeout=300)
            dashboard[f"tab {key}"] = time.perf_counter() - t0
            pump(0.3)
        dog.at("Dashboard: period change")
        shown = TABS[board.tabs.currentIndex()][0] if board.tabs.currentIndex() < len(TABS) else ""
        loaded.clear()
        drawn.clear()
        t0 = time.perf_counter()
        board.period.setCurrentIndex((board.period.currentIndex() + 1) % board.period.count())
        wait(lambda: loaded and (not shown or shown in drawn), timeout=300)
        dashboard["period_change"] = time.perf_counter() - t0
        pump(0.3)

    dog.at("Today: back to the counter")
    go("today")
    pump(0.3)
    dog.at("close the window and quit")
    window.close()
    app.processEvents()
    app.quit()
    pump(0.05)
    dog.stop()

    print(dog.report())
    print(f"start to a usable main window: {usable:.2f} s")
    if dashboard:
        tabs = {k: v for k, v in dashboard.items() if k.startswith("tab ")}
        slowest = max(tabs, key=tabs.get)
        print(
            f"dashboard: first open {dashboard['first_open']:.2f} s, period change "
            f"{dashboard['period_change']:.2f} s, slowest tab {slowest} {tabs[slowest]:.2f} s"
        )
    if args.json:
        groups: dict[str, float] = {}
        for step in dog.steps:
            group = step.name.split(":")[0]
            if step.name.startswith("Dashboard: tab"):
                group = "Dashboard tab"
            elif step.name.startswith("Dashboard: "):
                group = step.name
            groups[group] = max(groups.get(group, 0.0), step.worst)
        groups["start build"] = dog.first_late  # the window's build, before the first event
        worst = dog.worst()
        figures = {
            "usable": usable,
            "stalls": groups,
            "worst": [worst.worst, worst.name, worst.worst_ui_cpu],
            "dashboard": dashboard,
            "cpu": time.process_time(),
        }
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    print(f"birthdays listed after the filters: {birthdays:,}")
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
        f"CPU of this process {time.process_time():.1f} s"
    )


if __name__ == "__main__":
    main()
