"""Month axes of the charts: month on the first line, the year on a second line only where it is
needed, and no two tick labels overlapping for 12 to 36 months, in Japanese and English."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import pytest

from shopcrm import i18n
from shopcrm.services import analytics, charts
from tests.services.test_analytics import AS_OF, build_hand_shop


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    from shopcrm.store import open_db

    db = open_db(tmp_path_factory.mktemp("ticks") / "shop.db")
    build_hand_shop(db)
    board = analytics.dashboard(analytics.load(db, today=AS_OF), dt.date(2025, 12, 1), AS_OF)
    db.close()
    return board


def _labels(n: int, start: tuple[int, int] = (2023, 12)) -> list[str]:
    first = start[0] * 12 + start[1] - 1
    return [f"{(first + i) // 12}-{(first + i) % 12 + 1:02d}" for i in range(n)]


def _with_months(board, n: int, start=(2023, 12)):
    labels = _labels(n, start)
    month = board.months[0]
    second = board.second_visit[0]
    return dataclasses.replace(
        board,
        months=[dataclasses.replace(month, month=m) for m in labels],
        second_visit=[dataclasses.replace(second, month=m) for m in labels],
    )


def _overlaps(fig, ax) -> list[tuple[str, str]]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    shown = [t for t in ax.get_xticklabels() if t.get_text() and t.get_visible()]
    boxes = [(t.get_text(), t.get_window_extent()) for t in shown]
    return [
        (a, b)
        for (a, box_a), (b, box_b) in itertools.pairwise(boxes)
        if box_a.x1 > box_b.x0  # each label ends before the next one starts
    ]


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("months", [12, 13, 24, 36])
@pytest.mark.parametrize("start", [(2023, 12), (2024, 1), (2024, 6)])
@pytest.mark.parametrize("build", [charts.monthly_chart, charts.second_visit_chart])
def test_month_tick_labels_never_overlap(board, lang, months, start, build):
    i18n.set_language(lang)
    try:
        fig = build(_with_months(board, months, start))
        ax = fig.axes[0]
        texts = [t.get_text() for t in ax.get_xticklabels()]
        assert len(texts) >= 12
        assert _overlaps(fig, ax) == []
        # the year is written at least once and at every change of year
        year_ticks = [t for t in texts if "\n" in t]
        assert year_ticks
        assert all(len(t.split("\n")) == 2 for t in year_ticks)
        # the dashboard shows the chart narrower than its 8-inch figure: still no overlap
        fig.set_size_inches(5.5, 4.2)
        assert _overlaps(fig, ax) == []
    finally:
        i18n.set_language("en")


def test_year_sits_under_the_month_and_only_where_it_changes(ja):
    assert charts.month_ticks(["2025-12", "2026-01", "2026-02"]) == ["12月", "1月\n2026年", "2月"]
    assert charts.month_ticks(["2026-03", "2026-04", "2027-01"]) == [
        "3月\n2026年",
        "4月",
        "1月\n2027年",
    ]
    # every third month: the year is written where it changes even without a January tick
    assert charts.month_ticks(["2025-02", "2025-05", "2025-08", "2025-11", "2026-02"])[-1] == (
        "2月\n2026年"
    )
    assert charts.month_long("2026-01") == "2026年1月"


def test_english_ticks():
    assert charts.month_ticks(["2025-11", "2025-12", "2026-01"]) == [
        "Nov\n2025",
        "Dec",
        "Jan\n2026",
    ]
    assert charts.month_long("2026-01") == "Jan 2026"
