"""Chart builders: real matplotlib Figures (no pyplot), Japanese in the bundled font, yen axes,
hover texts and tables that carry the measures of the hand-computed shop."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import warnings

import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure

from shopcrm import i18n
from shopcrm.fonts import japanese_font_path
from shopcrm.services import analytics, charts, clv
from tests.services.test_analytics import AS_OF, build_hand_shop


@pytest.fixture
def board(db):
    build_hand_shop(db)
    return analytics.dashboard(analytics.load(db, today=AS_OF), dt.date(2025, 12, 1), AS_OF)


def _render(fig: Figure) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font" would fail here
        charts.save_png(fig, buf, dpi=60)
    return buf.getvalue()


def _texts(fig: Figure) -> list:
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_text().strip()]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_chart_renders_in_both_languages(board, lang):
    i18n.set_language(lang)
    result = clv.ClvResult("not_enough_data", clv.NOT_ENOUGH, {"n": 3, "min": 30})
    for name in charts.CHARTS:
        fig = charts.build(name, board, result)
        assert isinstance(fig, Figure)
        png = _render(fig)
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000, name


def test_japanese_text_uses_the_bundled_font(board, ja):
    fig = charts.monthly_chart(board)
    _render(fig)
    texts = [t for t in _texts(fig) if any(ord(ch) > 0x3000 for ch in t.get_text())]
    assert any("新規客" in t.get_text() for t in texts)
    for text in texts:
        found = font_manager.findfont(text.get_fontproperties(), fallback_to_default=False)
        assert found == str(japanese_font_path()), text.get_text()


def test_yen_labels():
    i18n.set_language("ja")
    assert charts.yen_short(123000) == "12.3万円"
    assert charts.yen_short(5000) == "5,000円"
    assert charts.yen(4800) == "4,800円"
    i18n.set_language("en")
    assert charts.yen_short(123000) == "¥123k"
    assert charts.yen_short(1_250_000) == "¥1.2M"
    assert charts.yen_short(800) == "¥800"
    assert charts.yen(4800) == "¥4,800" and charts.yen(None) == "—"


def test_ltv_axis_reads_man_yen_in_japanese(db, ja):
    # a shop whose customers are worth tens of thousands of yen
    from shopcrm.store import arrays

    ids = arrays.insert_customers_bulk(db, ["大口"])
    arrays.insert_visits_bulk(
        db, [(ids[0], f"2026-0{m}-10 19:00:00", 40000, 2) for m in range(1, 4)]
    )
    board = analytics.dashboard(analytics.load(db, today=AS_OF), dt.date(2026, 1, 1), AS_OF)
    fig = charts.ltv_cohort_chart(board)
    _render(fig)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert any(label.endswith("万円") for label in labels), labels


def test_hover_texts_carry_the_hand_computed_numbers(board):
    fig = charts.monthly_chart(board)
    said = [t for _a, t in charts.hover_items(fig) if isinstance(t, str)]
    # Jan: A and B came for the first time; Feb: C returned
    assert "2026-01: 2 new guests" in said
    assert "2026-02: 1 returning guests" in said
    line = next(t for _a, t in charts.hover_items(fig) if isinstance(t, list))
    assert "2026-02: returning share 50%" in line


def test_tables_match_the_measures(board):
    headers, rows = charts.table("deciles", board)
    assert headers[0] == "Decile" and rows[0][2] == "¥10,000"
    headers, rows = charts.table("retention", board)
    assert rows[1][:5] == ["2026-01", "2", "100%", "0%", "50%"]
    headers, rows = charts.table("campaigns", board)
    welcome = next(r for r in rows if r[0] == "Welcome")
    assert welcome[1:4] == ["2", "1", "50%"]


def test_empty_shop_and_missing_model_say_so(db):
    board = analytics.summary(db, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    fig = charts.monthly_chart(board)
    assert any("No data" in t.get_text() for t in _texts(fig))
    result = clv.ClvResult("not_enough_data", clv.NOT_ENOUGH, {"n": 2, "min": 30})
    fig = charts.clv_chart(result)
    assert any("Not enough data" in t.get_text() for t in _texts(fig))


def test_charts_need_neither_pyplot_nor_qt(tmp_path):
    code = (
        "import sys, datetime as dt\n"
        "from shopcrm.store import open_db\n"
        "from shopcrm.services import analytics, charts\n"
        f"db = open_db({str(tmp_path / 's.db')!r})\n"
        "b = analytics.summary(db, dt.date(2026, 1, 1), dt.date(2026, 3, 31))\n"
        "for name in charts.BUILDERS: charts.build(name, b)\n"
        "print(sorted(m for m in sys.modules if m == 'matplotlib.pyplot' or"
        " m.startswith('PySide6')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
