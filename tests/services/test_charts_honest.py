"""Charts that do not mislead: no clipped top bar, "not yet" is not 0 %, the partial month is
marked, many cohort lines are named, deciles say whose revenue they share."""

from __future__ import annotations

import datetime as dt

import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from shopcrm.services import analytics, charts, clv
from tests.services.test_analytics import build_hand_shop


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text().strip()]


def test_second_visit_windows_not_yet_passed_are_hatched_not_zero(db):
    build_hand_shop(db)
    as_of = dt.date(2026, 3, 31)
    board = analytics.dashboard(analytics.load(db, today=as_of), dt.date(2026, 1, 1), as_of)
    # D first came 1 Feb: the 60- and 90-day windows have not passed by 31 Mar
    feb = next(r for r in board.second_visit if r.month == "2026-02")
    assert feb.rate[90] is None and feb.new_customers == 1
    fig = charts.second_visit_chart(board)
    ax = fig.axes[0]
    hatched = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_hatch() == "///"]
    assert hatched and all(p.get_height() == 1.0 for p in hatched)
    assert "not yet measurable" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_the_month_under_way_is_marked(db):
    build_hand_shop(db)
    as_of = dt.date(2026, 3, 20)
    board = analytics.dashboard(analytics.load(db, today=as_of), dt.date(2026, 1, 1), as_of)
    fig = charts.monthly_chart(board)
    assert "to 3/20" in _texts(fig)
    bars = [p for p in fig.axes[0].patches if isinstance(p, Rectangle)]
    assert [b.get_hatch() for b in bars].count("//") == 2  # returning and new of March
    whole = analytics.dashboard(
        analytics.load(db, today=as_of), dt.date(2026, 1, 1), dt.date(2026, 2, 28)
    )
    assert "to 2/28" not in _texts(charts.monthly_chart(whole))


def test_predicted_value_histogram_names_its_top_guests_instead_of_clipping_them():
    preds = [
        clv.Prediction(i, "", 1, 1.0, 10.0, 1000, 0.9, 1.0, 3000, v, None)
        for i, v in enumerate([*list(np.linspace(100, 5000, 198)), 90000, 120000])
    ]
    result = clv.ClvResult("ok", predictions=preds)
    fig = charts.clv_chart(result)
    ax = fig.axes[0]
    top = float(np.quantile([p.expected_value for p in preds], 0.99))
    right = max(p.get_x() + p.get_width() for p in ax.patches if isinstance(p, Rectangle))
    assert right <= top + 1e-6
    assert any("2 guests above" in t and "¥120,000" in t for t in _texts(fig))


def test_many_cohort_lines_are_named_at_their_ends(db):
    build_hand_shop(db)
    curves = [
        analytics.LtvCurve(f"2025-{m:02d}", 10, [100 * m, 200 * m, 300 * m]) for m in range(1, 13)
    ]
    fig = charts._ltv_chart(curves, "ltv_cohort", charts.month_long)
    names = _texts(fig)
    assert all(charts.month_long(c.label) in names for c in curves)


def test_deciles_say_they_share_known_guests_revenue(db):
    build_hand_shop(db)
    as_of = dt.date(2026, 3, 31)
    board = analytics.dashboard(analytics.load(db, today=as_of), dt.date(2026, 1, 1), as_of)
    texts = _texts(charts.deciles_chart(board))
    assert "Known guests' revenue by decile" in texts
    assert any("Bills without a guest (¥1,500)" in t for t in texts)
