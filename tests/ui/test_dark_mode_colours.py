"""Text colours of the dashboard and the coupons page stay readable on light and dark themes:
every fixed colour pair meets WCAG AA (4.5:1) on both palettes, and the dashboard's captions and
notes follow the palette instead of a fixed grey.

Run as a script to write docs/analytics-dashboard-ja-dark.png:
``python tests/ui/test_dark_mode_colours.py``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtGui import QPalette

from tests.services.test_clv import _simulated_shop
from tests.ui.test_customers_page import _luminance


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _opaque(colour) -> str:
    """A colour with alpha drawn over white/black is what the eye sees; these roles are opaque."""
    assert colour.alpha() == 255
    return colour.name()


@pytest.fixture
def dark(qapp):
    """The app in the shell's dark palette for one test, then back to what it was."""
    from shopcrm.ui.theme import apply_dark_palette

    style, palette = qapp.style().name(), QPalette(qapp.palette())
    apply_dark_palette(qapp)
    yield qapp.palette()
    qapp.setStyle(style)
    qapp.setPalette(palette)


def _backgrounds(palette: QPalette) -> list[str]:
    roles = (QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase)
    return [_opaque(palette.color(r)) for r in roles]


def test_coupon_status_colours_are_readable_on_light_and_dark_tables(qapp, dark):
    from shopcrm.ui.pages.coupons_page import STATUS_COLOURS, status_colour

    light_palette = qapp.style().standardPalette()
    for status, (light, on_dark) in STATUS_COLOURS.items():
        for bg in _backgrounds(light_palette):
            assert _contrast(light, bg) >= 4.5, (status, light, bg)
        for bg in _backgrounds(dark):
            assert _contrast(on_dark, bg) >= 4.5, (status, on_dark, bg)
        assert status_colour(status) == on_dark  # the dark one is picked on a dark theme


def test_dashboard_text_follows_a_dark_palette(dark, db, db_path, qtbot, tmp_path):
    from shopcrm.ui.context import AppContext
    from shopcrm.ui.pages.dashboard_page import DashboardPage

    _simulated_shop(db, as_of=dt.date.today())
    page = DashboardPage(AppContext(db, db_path))
    page.resize(1100, 800)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=60000):
        page.show()
    window = _opaque(dark.color(QPalette.ColorRole.Window))
    captions = [page.kpi_grid.itemAtPosition(0, i).widget() for i in range(len(page.kpi_labels))]
    notes = [w for w in page.findChildren(type(captions[0])) if w.objectName() == "note"]
    assert notes  # the chart notes (second visit, LTV, channels, model)
    for label in [*captions, *page.kpi_labels.values(), *notes]:
        assert "color" not in label.styleSheet()  # no fixed colour: the palette decides
        text = _opaque(label.palette().color(label.foregroundRole()))
        assert _contrast(text, window) >= 4.5, (label.text(), text, window)
    assert "#ef9a9a" in page.cost_error.styleSheet()  # the theme's red for dark windows
    shot = tmp_path / "dark.png"
    assert page.grab().save(str(shot))
    image = page.grab().toImage()
    # the page is painted dark (not a light page with dark widgets on it)
    assert image.pixelColor(5, image.height() - 5).lightness() < 100


def make_screenshot(path: str = "docs/analytics-dashboard-ja-dark.png") -> None:
    import tempfile
    from pathlib import Path

    from PySide6.QtWidgets import QApplication

    from shopcrm.i18n import set_language
    from shopcrm.services import demo
    from shopcrm.store import open_db
    from shopcrm.ui.context import AppContext
    from shopcrm.ui.pages.dashboard_page import DashboardPage
    from shopcrm.ui.theme import apply_dark_palette

    app = QApplication.instance() or QApplication([])
    apply_dark_palette(app)
    set_language("ja")
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "demo.db"
        db = open_db(db_path)
        demo.fill(db)
        page = DashboardPage(AppContext(db, db_path))
        page.resize(1200, 820)
        done = []
        page.loaded.connect(lambda: done.append(1))
        page.show()
        while not done:
            app.processEvents()
        page.tabs.setCurrentIndex(1)  # second visit: chart, table and note
        app.processEvents()
        page.grab().save(path)
        page.close()
        db.close()


if __name__ == "__main__":
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    make_screenshot()
