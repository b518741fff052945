"""Dashboard page: computed off the UI thread, charts with hover values, exports, win-back, report;
matplotlib is not loaded until the page is first shown."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys

import pytest

from tests.services.test_clv import _simulated_shop


@pytest.fixture
def dash_ctx(db, db_path, qapp):
    from shopcrm.ui.context import AppContext

    _simulated_shop(db, as_of=dt.date.today())
    return AppContext(db, db_path)


@pytest.fixture
def page(dash_ctx, qtbot):
    from shopcrm.ui.pages.dashboard_page import DashboardPage

    widget = DashboardPage(dash_ctx)
    widget.resize(1100, 800)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded, timeout=60000):
        widget.show()
    return widget


def test_start_up_does_not_import_matplotlib(tmp_path):
    code = (
        "import sys\n"
        "import shopcrm.app, shopcrm.ui.main_window\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from shopcrm.store import open_db\n"
        "from shopcrm.ui.context import AppContext\n"
        "from shopcrm.ui.pages.dashboard_page import DashboardPage\n"
        f"db = open_db({str(tmp_path / 'x.db')!r})\n"
        f"page = DashboardPage(AppContext(db, {str(tmp_path / 'x.db')!r}))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'scipy')))\n"
    )
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_the_window_stays_responsive_while_computing(dash_ctx, qtbot):
    from PySide6.QtCore import QTimer

    from shopcrm.ui.pages.dashboard_page import DashboardPage

    widget = DashboardPage(dash_ctx)
    widget.resize(1100, 800)
    qtbot.addWidget(widget)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    with qtbot.waitSignal(widget.loaded, timeout=60000):
        widget.show()
        assert widget.status.text()  # "Calculating…" straight away, work in the background
    timer.stop()
    # the event loop kept running while the worker computed
    assert len(ticks) >= 3


def show_tab(page, qtbot, key: str):
    """Click the tab's title, as the owner does, and wait for its chart to be drawn."""
    from PySide6.QtCore import Qt

    from shopcrm.ui.pages.dashboard_page import TABS

    index = [k for k, _t, _s in TABS].index(key)
    bar = page.tabs.tabBar()
    if page.charts.get(key) is None:
        with qtbot.waitSignal(page.chart_ready, timeout=60000, check_params_cb=key.__eq__):
            qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    else:
        qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert page.tabs.currentIndex() == index
    return page.charts[key]


def test_figures_tables_and_hover(page, qtbot):
    from shopcrm.services import charts
    from shopcrm.ui.pages.dashboard_page import TABS

    assert page.tabs.count() == len(TABS) + 1  # + Campaign effect (ui/widgets/campaign_effect)
    assert page.kpi_labels["new_customers"].text() not in ("", "…")
    assert page.kpi_labels["revenue"].text().startswith("¥")
    monthly = show_tab(page, qtbot, "monthly")  # drawn off the UI thread: wait for its image
    monthly.canvas.draw()
    artist, text = next((a, t) for a, t in charts.hover_items(monthly.figure) if isinstance(t, str))
    box = artist.get_window_extent()
    said = monthly.hover_text_at((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)
    assert said == text and "guests" in said
    assert monthly.hover_text_at(1, 1) == ""
    # heatmap cells say their share; its chart is drawn when its tab is first shown
    assert page.charts["retention"] is None
    retention = show_tab(page, qtbot, "retention")
    retention.canvas.draw()
    image, _texts = next(
        (a, t) for a, t in charts.hover_items(retention.figure) if not isinstance(t, str)
    )
    x, y = image.axes.transData.transform((0, 0))
    assert "months later" in retention.hover_text_at(x, y)
    model = page.table_views["monthly"].model()
    assert model.rowCount() == 12 and model.columnCount() == 8


def test_exports_png_and_csv(page, tmp_path):
    png = tmp_path / "monthly.png"
    page.export_chart("monthly", png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = tmp_path / "channels.csv"
    page.export_table("channels", table)
    with table.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == "Channel" and any(r[0] == "店頭クーポン" for r in rows[1:])


def test_period_change_recomputes(page, qtbot):
    index = page.period.findData("3m")
    with qtbot.waitSignal(page.loaded, timeout=60000):
        page.period.setCurrentIndex(index)
    assert page.table_views["monthly"].model().rowCount() == 3


def test_at_risk_list_turns_into_win_back_coupons(page, dash_ctx, qtbot):
    from shopcrm.domain.changes import Changes

    rows = page.data["at_risk"]
    assert rows, "the simulated shop has lapsed regulars"
    assert page.winback_button.isEnabled()
    dash_ctx.db.execute("UPDATE customers SET dm_consent = 1")
    dash_ctx.db.conn.commit()
    changed = []
    dash_ctx.changed.connect(changed.append)
    with qtbot.waitSignal(page.loaded, timeout=60000):  # the coupons changed: it recomputes
        assert page.send_winback(confirm=False) is not None
    result = page.winback_result
    # every at-risk guest got a coupon or was held back at random as the comparison group
    assert len(result.issued) + len(result.held_back) == len(rows) and result.issued
    assert changed == [Changes(coupons=True)]  # one report of the write, by the CollectionOp


def test_monthly_report_button_writes_the_pdf(page, qtbot, tmp_path):
    path = tmp_path / "report.pdf"
    today = dt.date.today()
    page.monthly_report(month=(today.year, today.month), path=str(path))
    qtbot.waitUntil(lambda: getattr(page, "report_written", None) == str(path), timeout=60000)
    assert path.read_bytes().startswith(b"%PDF")


def test_channel_cost_entry_in_the_channels_tab(page, dash_ctx, qtbot):
    from shopcrm.store import arrays

    page.cost_channel.setCurrentIndex(page.cost_channel.findText("Instagram"))
    page.cost_amount.setText("twelve")
    assert page.save_channel_cost() is None  # the amount is checked before anything runs
    assert page.cost_error.text()
    page.cost_month.setText("2026-13")
    page.cost_amount.setText("12,000")
    task = page.save_channel_cost()
    assert task is not None
    qtbot.waitUntil(lambda: "YYYY-MM" in page.cost_error.text(), timeout=10000)
    assert arrays.channel_costs(dash_ctx.db) == []
    page.cost_month.setText("2026-10")
    with qtbot.waitSignal(page.loaded, timeout=60000):  # saved: ctx.changed refreshes the page
        assert page.save_channel_cost() is not None
    assert page.cost_error.text() == ""
    assert [c[1:] for c in arrays.channel_costs(dash_ctx.db)] == [("2026-10", 12000)]


def test_an_empty_shop_opens_without_errors(db, db_path, qapp, qtbot):
    from shopcrm.ui.context import AppContext
    from shopcrm.ui.pages.dashboard_page import DashboardPage

    widget = DashboardPage(AppContext(db, db_path))
    widget.resize(1100, 800)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded, timeout=60000):
        widget.show()
    assert widget.kpi_labels["new_customers"].text() == "0"
    assert not widget.data["clv"].ok and not widget.winback_button.isEnabled()


def _deliver_events() -> None:
    from PySide6.QtCore import QCoreApplication, QEvent

    for _ in range(3):
        QCoreApplication.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_closing_the_page_while_computing_stops_the_worker(dash_ctx, qtbot):
    """The page is destroyed and the database closed while the worker runs: the worker stops at
    its next step and nothing lands on the dead page or the closed database."""
    from shopcrm.ui.operations import Cancelled
    from shopcrm.ui.pages.dashboard_page import DashboardPage

    widget = DashboardPage(dash_ctx)
    loaded = []
    widget.loaded.connect(lambda: loaded.append(1))
    service = widget.service
    service._lock.acquire()  # the worker waits in its first step (reading the shop) meanwhile
    try:
        widget.show()
        task = widget._task
        outcome = []
        task.signals.error.connect(lambda exc, _tb: outcome.append(exc))
        task.signals.done.connect(lambda _data: outcome.append("done"))
        assert not task.finished.is_set(), "the worker is still computing when the page closes"
        widget.close()
        widget.deleteLater()
        _deliver_events()
        assert task.cancelled
        dash_ctx.db.close()  # the session ends while the worker still runs
    finally:
        service._lock.release()
    assert task.finished.wait(60)
    _deliver_events()
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled)
    assert not loaded


def test_a_result_for_a_closed_database_is_dropped(dash_ctx, qtbot):
    """The database closes while the page stays: the late result is not shown (showing it would
    read the closed database) and no error is raised."""
    from shopcrm.ui.pages.dashboard_page import DashboardPage

    widget = DashboardPage(dash_ctx)
    qtbot.addWidget(widget)
    with widget.service._lock:  # the worker waits in its first step until the database closed
        widget.show()
        task = widget._task
        assert not task.finished.is_set()
        dash_ctx.db.close()
    assert task.finished.wait(60)
    _deliver_events()
    assert widget.data is None
    assert widget.kpi_labels["revenue"].text() == "…"


def test_all_time_starts_at_the_first_visit(page, qtbot):
    first = min(page.data["shop"].visits.day.tolist())
    from shopcrm.store import arrays

    first_day = arrays.day_to_date(first)
    with qtbot.waitSignal(page.loaded, timeout=60000):
        page.period.setCurrentIndex(page.period.findData("all"))
    board = page.data["board"]
    assert board.start == first_day.replace(day=1)
    assert board.months[0].month == first_day.strftime("%Y-%m")


def test_the_model_check_tab_shows_each_models_holdout_prediction(page, qtbot):
    from shopcrm.services import clv_models

    chart = show_tab(page, qtbot, "model_check")
    check = page.data["clv"].check
    assert check.done and check.weeks > 0
    model = page.table_views["model_check"].model()
    rows = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(3)]
    assert [r[0] for r in rows] == [clv_models.MODEL_LABELS[k] for k in clv_models.KINDS]
    assert [r[4] for r in rows].count("✓") == 1
    chosen = next(r for r in rows if r[4] == "✓")[0]
    assert chosen == clv_models.MODEL_LABELS[page.data["clv"].model.kind]
    # the chart: what happened and one line per model, the chosen one named so
    labels = [t.get_text() for t in chart.figure.axes[0].get_legend().get_texts()]
    assert labels[0] == "What happened" and any(f"{chosen} (chosen)" in t for t in labels)
    notes = [w.text() for w in page.tab_pages["model_check"].findChildren(type(page.status))]
    assert any(n.startswith(chosen) and "weeks best" in n for n in notes)
    # the predicted-value tab states the model in use and the discounting convention
    clv_notes = [w.text() for w in page.tab_pages["clv"].findChildren(type(page.status))]
    assert any(chosen in n and "not discounted" in n for n in clv_notes)
    # KPI titles say what they measure
    assert page.kpi_names["repeat_rate"].text() == "Repeat rate (12 months)"
