"""Dashboard page over services/dashboard: charts built when their tab is shown and drawn off the
UI thread (looking as matplotlib's Qt canvas draws them), the fit kept across period changes, and
the page showing exactly what the service computes."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPoint, Qt

from shopcrm.domain.models import Visit
from shopcrm.services import charts
from shopcrm.services.dashboard import TABS, DashboardService
from shopcrm.store import visits
from tests.services.test_clv import _simulated_shop
from tests.ui.test_dashboard_page import show_tab


@pytest.fixture
def dash_ctx(db, db_path, qapp):
    from shopcrm.ui.context import AppContext

    _simulated_shop(db, as_of=dt.date.today())
    return AppContext(db, db_path)


@pytest.fixture
def page(dash_ctx, qtbot):
    from shopcrm.ui.pages.dashboard_page import DashboardPage

    widget = DashboardPage(dash_ctx)
    widget.resize(1366, 768)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded, timeout=60000):
        widget.show()
    return widget


def _rows(view) -> list[list[str]]:
    model = view.model()
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_a_chart_tab_never_shown_has_built_no_figure(page, qtbot):
    from shopcrm.ui.widgets.chart_widget import ChartWidget

    show_tab(page, qtbot, "monthly")
    assert set(page.data["figures"]) == {"monthly"}
    assert {k for k, c in page.charts.items() if c is not None} == {"monthly"}
    for key, _title, has_chart in TABS:
        if has_chart and key != "monthly":
            assert page.tab_pages[key].findChildren(ChartWidget) == [], key
    retention = show_tab(page, qtbot, "retention")  # a click on its title builds it
    assert set(page.data["figures"]) == {"monthly", "retention"}
    # the image was drawn by a worker at the widget's size
    ratio = retention.devicePixelRatioF()
    assert retention.image is not None and retention.renders >= 1
    assert (retention.image.width(), retention.image.height()) == (
        round(retention.width() * ratio),
        round(retention.height() * ratio),
    )


def test_a_chart_looks_as_matplotlibs_qt_canvas_draws_it(page, qtbot):
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

    chart = show_tab(page, qtbot, "deciles")
    reference = FigureCanvasQTAgg(charts.build("deciles", page.data["board"], page.data["clv"]))
    qtbot.addWidget(reference)
    reference.resize(chart.size())
    reference.show()
    qtbot.waitExposed(reference)
    ours, theirs = chart.grab().toImage(), reference.grab().toImage()
    assert ours.size() == theirs.size()
    differing = sum(
        ours.pixel(x, y) != theirs.pixel(x, y)
        for x in range(0, ours.width(), 3)
        for y in range(0, ours.height(), 3)
    )
    assert differing == 0


def test_the_pointer_over_a_bar_shows_its_value(page, qtbot):
    chart = show_tab(page, qtbot, "monthly")
    artist, text = next((a, t) for a, t in charts.hover_items(chart.figure) if isinstance(t, str))
    box = artist.get_window_extent()
    ratio = chart.devicePixelRatioF()
    x, y = (box.x0 + box.x1) / 2 / ratio, chart.height() - (box.y0 + box.y1) / 2 / ratio
    qtbot.mouseMove(chart, QPoint(round(x), round(y)))
    qtbot.waitUntil(lambda: chart.last_hover == text)
    qtbot.mouseMove(chart, QPoint(2, 2))
    qtbot.waitUntil(lambda: chart.last_hover == "")


def test_the_page_shows_what_the_service_computes(page, dash_ctx, qtbot):
    with qtbot.waitSignal(page.loaded, timeout=60000):
        page.period.setCurrentIndex(page.period.findData("6m"))
    start, end = page.current_period()
    expected = DashboardService(dash_ctx.db_path).compute(start, end)
    t = expected["board"].totals
    assert page.kpi_labels["new_customers"].text() == f"{t['new_customers']:,}"
    assert page.kpi_labels["revenue"].text() == charts.yen(t["revenue"])
    assert page.kpi_labels["repeat_rate"].text() == charts.pct(t["repeat_rate"], 1)
    assert page.kpi_labels["ltv"].text() == charts.yen(expected["board"].classic_ltv.headline)
    for key, _title, _chart in TABS:  # every tab's table, built while the others were shown
        headers, rows = expected["tables"][key]
        view = page.table_views[key]
        assert _rows(view) == rows, key
        shown = [view.model().headerData(i, Qt.Orientation.Horizontal) for i in range(len(headers))]
        assert shown == headers, key
    assert _rows(page.table_views["at_risk"]) == charts.at_risk_table(expected["at_risk"])[1]


def test_the_period_combo_keeps_the_fit_until_a_visit_is_recorded(page, dash_ctx, qtbot):
    assert page.service.fits == 1
    fitted = page.data["clv"]
    page.period.setFocus()
    for expected in ("6m", "3m"):
        with qtbot.waitSignal(page.loaded, timeout=60000):
            qtbot.keyClick(page.period, Qt.Key.Key_Down)
        assert page.period.currentData() == expected
        assert page.data["clv"] is fitted
    assert page.service.fits == 1 and page.service.loads == 1
    assert page.table_views["monthly"].model().rowCount() == 3
    # the counter records a visit: the page hears of it, the store's marker moved: fitted again
    guest = fitted.predictions[0].customer_id
    noon = dt.datetime.combine(dt.date.today(), dt.time(12))
    visits.record(dash_ctx.db, Visit(guest, noon, 4000))
    with qtbot.waitSignal(page.loaded, timeout=60000):
        dash_ctx.visits_changed.emit()
    assert page.service.fits == 2 and page.data["clv"] is not fitted
    assert page.table_views["monthly"].model().rowCount() == 3  # still the chosen period
