"""The dashboard's Campaign effect tab and the figures' plain-words help, driven like an owner:
click the tab, click a campaign row, hover or click a figure's "?"; the Help page shows the
shop's own numbers. Run this module's ``make_screenshots()`` to refresh docs/ screenshots."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from tests.services.test_effect import simulate


def effect_shop(db):
    """A shop with history and three campaigns sent 90 days ago: one that works, one that does
    nothing, one too small to tell."""
    from tests.services.test_clv import _simulated_shop

    _simulated_shop(db, as_of=dt.date.today())
    send = dt.date.today() - dt.timedelta(days=90)
    simulate(db, n=1500, extra=0.25, seed=4, name="秋の日本酒フェア", send=send, cost_per_piece=90)
    simulate(db, n=1500, extra=0.0, seed=5, name="平日ランチ割", send=send)
    simulate(db, n=80, extra=0.1, seed=6, name="常連さま感謝", send=send)


@pytest.fixture
def effect_ctx(db, db_path, qapp):
    from shopcrm.ui.context import AppContext

    effect_shop(db)
    return AppContext(db, db_path)


@pytest.fixture
def page(effect_ctx, qtbot):
    from shopcrm.ui.pages.dashboard_page import DashboardPage

    widget = DashboardPage(effect_ctx)
    widget.resize(1366, 768)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded, timeout=60000):
        widget.show()
    return widget


def _open_effect_tab(page, qtbot):
    bar = page.tabs.tabBar()
    index = next(i for i in range(page.tabs.count()) if page.tabs.tabText(i) == "Campaign effect")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert page.tabs.currentWidget() is page.effect_view
    return page.effect_view


def test_the_effect_tab_shows_each_campaign_with_its_verdict(page, qtbot):
    view = _open_effect_tab(page, qtbot)
    names = [row[0] for row in view.rows]
    assert {"秋の日本酒フェア", "平日ランチ割", "常連さま感謝"} <= set(names)
    by_name = dict(zip(names, view.effects, strict=True))
    assert by_name["秋の日本酒フェア"].verdict == "raised"
    assert by_name["平日ランチ割"].verdict == "unclear"
    assert by_name["常連さま感謝"].verdict == "too_small"
    assert "Redemptions (not effect)" in view.headers
    # click a campaign: its verdict in plain words below the table
    row = names.index("平日ランチ割")
    rect = view.view.visualRect(view.view.model().index(row, 0))
    qtbot.mouseClick(view.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert "No clear effect" in view.detail.text() and "After discounts" in view.detail.text()
    row = names.index("常連さま感謝")
    rect = view.view.visualRect(view.view.model().index(row, 0))
    qtbot.mouseClick(view.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert "Too few guests to tell yet" in view.detail.text()
    # the chart says the same sentence under the pointer
    view.chart.canvas.draw()
    assert view.chart.figure.axes[0].get_title().startswith("Extra visits per guest")


def test_every_figure_has_its_explanation_beside_it(page, qtbot):
    from PySide6.QtWidgets import QToolButton, QToolTip

    from shopcrm.services import glossary
    from shopcrm.ui.pages.dashboard_page import TABS

    for key in page.kpi_labels:
        button = page.findChild(QToolButton, f"help_{key}")
        assert button is not None and button.toolTip() == glossary.tip(key)
    button = page.findChild(QToolButton, "help_repeat_rate")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(QToolTip.isVisible)
    assert "two or more days" in QToolTip.text()
    for i in range(len(TABS) + 1):
        assert page.tabs.tabToolTip(i), page.tabs.tabText(i)


def test_help_page_explains_with_the_shops_own_numbers(effect_ctx, qtbot):
    from shopcrm.ui.dialogs.help_dialog import FiguresHelpDialog

    dialog = FiguresHelpDialog(effect_ctx)
    qtbot.addWidget(dialog)
    dialog.resize(900, 700)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.ready, timeout=60000)
    text = dialog.browser.toPlainText()
    for title in ("Repeat rate", "Second-visit rate", "LTV", "Predicted value", "Campaign uplift"):
        assert title in text
    assert "In your shop:" in text and "came on two or more days" in text
    assert "秋の日本酒フェア" in text or "平日ランチ割" in text


def test_help_page_in_japanese(effect_ctx, qtbot, ja):
    from shopcrm.ui.dialogs.help_dialog import FiguresHelpDialog

    dialog = FiguresHelpDialog(effect_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.ready, timeout=60000)
    text = dialog.browser.toPlainText()
    assert "リピート率" in text and "お店の数字では" in text


def make_screenshots() -> (
    None
):  # pragma: no cover - run by hand: python -m tests.ui.test_campaign_effect
    import os
    import tempfile
    from pathlib import Path

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from shopcrm import i18n
    from shopcrm.app import _application
    from shopcrm.store import open_db
    from shopcrm.ui.context import AppContext
    from shopcrm.ui.dialogs.help_dialog import FiguresHelpDialog
    from shopcrm.ui.pages.dashboard_page import DashboardPage

    app = _application()
    docs = Path(__file__).resolve().parents[2] / "docs"
    path = Path(tempfile.mkdtemp()) / "effect.db"
    db = open_db(path)
    effect_shop(db)
    for lang in ("ja", "en"):
        i18n.set_language(lang)
        ctx = AppContext(db, path)
        page = DashboardPage(ctx)
        page.resize(1366, 768)
        page.show()
        while page.data is None:
            app.processEvents()
        index = next(i for i in range(page.tabs.count()) if page.tabs.widget(i) is page.effect_view)
        page.tabs.setCurrentIndex(index)
        app.processEvents()
        page.grab().save(str(docs / f"campaign-effect-{lang}.png"))
        page.close()
        dialog = FiguresHelpDialog(ctx)
        dialog.resize(900, 720)
        dialog.show()
        while not dialog.ready:
            app.processEvents()
        app.processEvents()
        dialog.grab().save(str(docs / f"help-figures-{lang}.png"))
        dialog.close()
    i18n.set_language("en")


if __name__ == "__main__":  # pragma: no cover
    make_screenshots()
