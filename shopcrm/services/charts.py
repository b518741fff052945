"""The owner's charts as ``matplotlib.figure.Figure`` objects, shared by the dashboard and the PDF.

No pyplot and no Qt: a Figure is built here and either shown in ``ui/widgets/chart_widget.py``
(FigureCanvasQTAgg) or saved to PNG for the monthly report. Labels go through ``_()`` when a chart
is built, in the bundled Japanese font (IPAexGothic, registered once with matplotlib's fonts),
so Japanese never shows as empty boxes. Yen axes read 万円 in Japanese and ¥ with k/M in English.

Each builder records what the pointer should say over its bars, points and cells
(``hover_items(fig)``); ``TABLES`` gives each chart's figures as a table for the dashboard's table
views and CSV export (``table(name, board)``).

Long module: being rewritten on another branch (pending); a split belongs to that work.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, cast

import matplotlib
import numpy as np
from matplotlib import colormaps, font_manager, rcParams
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import PowerNorm
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextPath
from matplotlib.ticker import Formatter, FuncFormatter, Locator, MaxNLocator, PercentFormatter
from matplotlib.transforms import Bbox

from shopcrm.domain.dates import MONTH_ABBR, format_month
from shopcrm.domain.money import format_man_yen
from shopcrm.domain.text import display_width
from shopcrm.fonts import fallback_font_path, japanese_font_path
from shopcrm.i18n import N_, _, current_language
from shopcrm.services import analytics, clv, clv_models

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.container import BarContainer
    from matplotlib.typing import ColorType

COLORS = {
    "new": "#E8833A",
    "returning": "#3B7DD8",
    "line": "#2E2E2E",
    "grid": "#DDDDDD",
    "accent": "#C0392B",
}
PALETTE = ("#3B7DD8", "#E8833A", "#2CA58D", "#C0392B", "#8E6BBF", "#7F8C8D", "#D4A017", "#1ABC9C")

CHARTS = {
    "monthly": N_("New and returning guests"),
    "second_visit": N_("Second-visit rate"),
    "retention": N_("Retention by first-visit month"),
    "ltv_cohort": N_("Cumulative gross profit per guest (by first-visit month)"),
    "ltv_channel": N_("Cumulative gross profit per guest (by channel)"),
    "rfm": N_("RFM map"),
    "deciles": N_("Known guests' revenue by decile"),
    "channels": N_("Acquisition channels"),
    "campaigns": N_("Coupon campaigns"),
    "clv": N_("Predicted value of the next 12 months"),
    "model_check": N_("Model check: predicted and actual repeat visits"),
}


@cache
def font_family() -> str:
    """Register the bundled Japanese font with matplotlib (once) and make it the default."""
    path = str(japanese_font_path())
    font_manager.fontManager.addfont(path)
    family = font_manager.FontProperties(fname=path).get_name()
    families = [family]
    try:  # name kanji IPAexGothic lacks (𠮷) fall back per glyph to the bundled subset
        font_manager.fontManager.addfont(str(fallback_font_path()))
        families.append(font_manager.FontProperties(fname=str(fallback_font_path())).get_name())
    except FileNotFoundError:
        pass
    matplotlib.rcParams["font.family"] = [*families, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return family


def new_figure(width: float = 8.0, height: float = 4.2) -> Figure:
    font_family()
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    fig.set_facecolor("white")
    fig._shopcrm_hover = []  # type: ignore[attr-defined]
    return fig


def hover(fig: Figure, artist, texts) -> None:
    """Remember what to show when the pointer is over ``artist`` (one text, or one per point/bar,
    or a 2-D list for an image)."""
    fig._shopcrm_hover.append((artist, texts))  # type: ignore[attr-defined]


def hover_items(fig: Figure) -> list:
    return getattr(fig, "_shopcrm_hover", [])


# --- formatting ---------------------------------------------------------------------------------


def yen_short(amount: float) -> str:
    """Axis label for an amount: 12.3万円 (Japanese) or ¥123k / ¥1.2M (English)."""
    if current_language() == "ja":
        return format_man_yen(round(float(amount)))
    value = float(amount)
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value >= 1_000_000:
        text = f"{value / 1_000_000:.1f}".removesuffix(".0") + "M"
    elif value >= 1_000:
        text = f"{value / 1_000:.1f}".removesuffix(".0") + "k"
    else:
        text = f"{value:.0f}"
    return f"{sign}¥{text}"


def yen(amount: float | None) -> str:
    if amount is None:
        return "—"
    if current_language() == "ja":
        return f"{round(float(amount)):,}円"
    return f"¥{round(float(amount)):,}"


def pct(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def ltv_formula_text(ltv: analytics.ClassicLtv) -> str:
    """The LTV with its inputs, in sentences that multiply out (dashboard tooltip and report):
    the annual profit, the lifetime from the shop's own retention, the set years as an explicit
    assumption, the historical figure at the same horizon, and the discounting convention."""
    parts = [
        _(
            "LTV: {spend} per visit × {visits} visits a year × gross margin {margin} = "
            "{annual} a year."
        ).format(
            spend=yen(ltv.spend_per_visit),
            visits=f"{ltv.visits_per_year:.2f}".rstrip("0").rstrip("."),
            margin=pct(ltv.gross_margin),
            annual=yen(ltv.annual_profit),
        )
    ]
    if ltv.ltv_observed is not None:
        parts.append(
            _(
                "{retention} of a year's guests come again the next year (about {years} years "
                "on average): a guest is worth {ltv}."
            ).format(
                retention=pct(ltv.retention),
                years="—" if ltv.expected_years is None else f"{ltv.expected_years:.1f}",
                ltv=yen(ltv.ltv_observed),
            )
        )
    else:
        parts.append(_("Not a year of returning guests to measure retention yet."))
    parts.append(
        _("Assuming every guest stays {years} years (the setting): {ltv}.").format(
            years=ltv.years, ltv=yen(ltv.ltv)
        )
    )
    if ltv.historical_at_horizon is not None:
        parts.append(
            _(
                "Guests first seen at least {h} years ago brought {historical} each in their "
                "first {h} years; the retention formula says {formula}."
            ).format(
                h=ltv.horizon_years,
                historical=yen(ltv.historical_at_horizon),
                formula=yen(ltv.formula_at_horizon),
            )
        )
    parts.append(discount_convention_text(ltv.discount_rate))
    return " ".join(parts)


def discount_convention_text(rate: float) -> str:
    """The one discounting convention, as the screens state it."""
    return _(
        "The first 12 months are not discounted; each later year is discounted {rate} a year."
    ).format(rate=pct(rate))


def month_tick(label: str, with_year: bool) -> str:
    """'2025-12' -> '12月' / 'Dec'; with the year on a second line: '12月\n2025年' / 'Dec\n2025'.
    The month stays on the first line so every tick's month lines up."""
    year, month = int(label[:4]), int(label[5:7])
    if current_language() == "ja":
        return f"{month}月\n{year}年" if with_year else f"{month}月"
    return f"{MONTH_ABBR[month]}\n{year}" if with_year else MONTH_ABBR[month]


def month_ticks(labels: list[str]) -> list[str]:
    """Tick texts for consecutive shown months: the year under the first tick and wherever the
    year changes; when the year already changes at the second tick, the first tick leaves it out
    (two years side by side would collide, and the month before January needs no year to read)."""
    years = [label[:4] for label in labels]
    show = [i == 0 or years[i] != years[i - 1] for i in range(len(labels))]
    if len(show) > 1 and show[1]:
        show[0] = False
    return [month_tick(label, s) for label, s in zip(labels, show, strict=True)]


def month_long(label: str) -> str:
    """'2026-01' -> '2026年1月' / 'Jan 2026'."""
    return format_month(int(label[:4]), int(label[5:7]))


MONTH_STEPS = (1, 2, 3, 4, 6, 12, 24, 36, 60, 120)


def _text_width_pt(text: str, size: float) -> float:
    prop = FontProperties(family=font_family(), size=size)
    return max(TextPath((0, 0), line, prop=prop).get_extents().width for line in text.split("\n"))


class MonthLocator(Locator):
    """Ticks on every month, every 2nd, 3rd, 6th... month: as many as fit the axis as drawn now
    (the dashboard resizes its charts), so no two month labels ever overlap."""

    def __init__(self, labels: list[str]):
        self.labels = labels
        self._spacing: dict[tuple[float, str], float] = {}

    def spacing_pt(self) -> float:
        """Least distance between tick centres: half a year line beside half a month line, plus
        a gap (the widest of each in the tick font)."""
        size = FontProperties(size=rcParams["xtick.labelsize"]).get_size_in_points()
        key = (size, current_language())
        if key not in self._spacing:
            years = {month_tick(m, True).split("\n")[-1] for m in self.labels}
            months = {month_tick(m, False) for m in self.labels}
            year = max(_text_width_pt(t, size) for t in years)
            month = max(_text_width_pt(t, size) for t in months)
            self._spacing[key] = (year + month) / 2 + 0.5 * size
        return self._spacing[key]

    def __call__(self):
        n = len(self.labels)
        if n == 0:
            return []
        width_pt = self.axis.axes.bbox.width * 72 / self.axis.figure.dpi
        fits = max(1, int(width_pt / self.spacing_pt()))
        step = next((s for s in MONTH_STEPS if -(-n // s) <= fits), MONTH_STEPS[-1])
        return list(range(0, n, step))

    def tick_values(self, vmin, vmax):
        return self()


class MonthFormatter(Formatter):
    """Tick texts of the months shown (``month_ticks``: the year where it changes)."""

    def __init__(self, labels: list[str]):
        self.labels = labels

    def _label(self, x) -> str | None:
        i = round(x)
        return self.labels[i] if 0 <= i < len(self.labels) else None

    def format_ticks(self, values):
        shown = [self._label(v) for v in values]
        texts = iter(month_ticks([m for m in shown if m is not None]))
        return ["" if m is None else next(texts) for m in shown]

    def __call__(self, x, pos=None):
        label = self._label(x)
        return month_long(label) if label else ""


def _month_axis(ax, labels: list[str]) -> None:
    ax.xaxis.set_major_locator(MonthLocator(labels))
    ax.xaxis.set_major_formatter(MonthFormatter(labels))


def _style(ax, *, ygrid: bool = True) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if ygrid:
        ax.grid(axis="y", color=COLORS["grid"], linewidth=0.8)
        ax.set_axisbelow(True)


def _empty(fig: Figure, ax, message: str | None = None) -> Figure:
    ax.axis("off")
    ax.text(
        0.5,
        0.5,
        message or _("No data for this period yet."),
        ha="center",
        va="center",
        fontsize=12,
        color="#666666",
        transform=ax.transAxes,
    )
    return fig


def _title(ax, key: str) -> None:
    ax.set_title(_(CHARTS[key]), loc="left", fontsize=13)


def _yen_axis(ax) -> None:
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: yen_short(v)))
    ax.yaxis.set_major_locator(MaxNLocator(6))


# --- the charts ---------------------------------------------------------------------------------


def monthly_chart(board: analytics.Dashboard) -> Figure:
    """Stacked bars of new and returning guests per month, returning share on a second axis."""
    fig = new_figure()
    ax = fig.add_subplot()
    _title(ax, "monthly")
    rows = board.months
    if not rows or not any(r.customers for r in rows):
        return _empty(fig, ax)
    x = np.arange(len(rows))
    new = np.array([r.new_customers for r in rows])
    ret = np.array([r.returning_customers for r in rows])
    b1 = ax.bar(x, ret, color=COLORS["returning"], label=_("Returning guests"), width=0.7)
    b2 = ax.bar(x, new, bottom=ret, color=COLORS["new"], label=_("New guests"), width=0.7)
    ax.set_ylabel(_("Guests"))
    ax.yaxis.set_major_locator(MaxNLocator(6, integer=True))
    _month_axis(ax, [r.month for r in rows])
    _style(ax)
    ax2 = ax.twinx()
    share = [r.returning_share if r.returning_share is not None else np.nan for r in rows]
    (line,) = ax2.plot(
        x, share, color=COLORS["line"], marker="o", markersize=4, label=_("Returning share")
    )
    ax2.set_ylim(0, 1.05)
    ax2.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax2.set_ylabel(_("Returning share"))
    ax2.spines["top"].set_visible(False)
    handles: list[Artist | BarContainer] = [b1, b2, line]
    last = analytics.month_index(board.end)
    if board.end < analytics.month_end(last) and rows[-1].month == analytics.month_label(last):
        # the month still under way: hatched, and says up to which day it counts
        for bar in (b1[-1], b2[-1]):
            bar.set_hatch("//")
            bar.set_alpha(0.55)
        ax.annotate(
            _("to {date}").format(date=f"{board.end.month}/{board.end.day}"),
            (x[-1], ret[-1] + new[-1]),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            fontsize=8,
        )
    ax.legend(
        handles,
        [str(h.get_label()) for h in handles],  # the labels given to bar() and plot() above
        loc="upper left",
        fontsize=9,
        ncols=3,
        frameon=False,
        bbox_to_anchor=(0, -0.18),
    )
    for r, bar in zip(rows, b1, strict=True):
        hover(
            fig,
            bar,
            _("{month}: {n} returning guests").format(month=r.month, n=r.returning_customers),
        )
    for r, bar in zip(rows, b2, strict=True):
        hover(fig, bar, _("{month}: {n} new guests").format(month=r.month, n=r.new_customers))
    hover(
        fig,
        line,
        [
            _("{month}: returning share {share}").format(
                month=r.month, share=pct(r.returning_share)
            )
            for r in rows
        ],
    )
    return fig


def second_visit_chart(board: analytics.Dashboard) -> Figure:
    """Share of each month's new guests who came back within 30, 60 and 90 days."""
    fig = new_figure()
    ax = fig.add_subplot()
    _title(ax, "second_visit")
    rows = board.second_visit
    if not rows or not any(r.new_customers for r in rows):
        return _empty(fig, ax)
    x = np.arange(len(rows))
    width = 0.26
    for i, (w, color) in enumerate(zip(analytics.WINDOWS, PALETTE, strict=False)):
        vals = [np.nan if (v := r.rate[w]) is None else v for r in rows]
        bars = ax.bar(
            x + (i - 1) * width,
            vals,
            width,
            color=color,
            label=_("within {days} days").format(days=w),
        )
        for r, bar in zip(rows, bars, strict=True):
            hover(
                fig,
                bar,
                _(
                    "{month}: {returned} of {eligible} new guests back within {days} days ({share})"
                ).format(
                    month=r.month,
                    returned=r.returned[w],
                    eligible=r.eligible[w],
                    days=w,
                    share=pct(r.rate[w]),
                ),
            )
    # a window that has not passed yet is no rate at all: a hatched, empty slot, not a 0 % bar
    slots = [
        j + (i - 1) * width
        for i, w in enumerate(analytics.WINDOWS)
        for j, r in enumerate(rows)
        if r.rate[w] is None and r.new_customers
    ]
    if slots:
        ax.bar(
            slots,
            [1.0] * len(slots),
            width,
            color="none",
            edgecolor="#BBBBBB",
            hatch="///",
            linewidth=0,
            label=_("not yet measurable"),
        )
    ax.set_ylim(0, 1.0)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylabel(_("Came back"))
    ax.set_xlabel(_("Month of the first visit"))
    _month_axis(ax, [r.month for r in rows])
    _style(ax)
    ax.legend(fontsize=9, ncols=4, frameon=False, loc="upper right")
    return fig


def retention_chart(board: analytics.Dashboard) -> Figure:
    """Heatmap: first-visit month (rows) by months since (columns), share still visiting."""
    ret = board.retention
    rows = [(c, s, sh) for c, s, sh in zip(ret.cohorts, ret.sizes, ret.shares, strict=True) if s]
    fig = new_figure(8.0, max(3.4, 1.4 + 0.32 * len(rows)))
    ax = fig.add_subplot()
    _title(ax, "retention")
    if not rows:
        return _empty(fig, ax)
    width = min(max(len(r[2]) for r in rows), 13)
    grid = np.array([[np.nan if v is None else v for v in r[2][:width]] for r in rows], dtype=float)
    later = grid[:, 1:]
    vmax = float(np.nanmax(later)) if later.size and np.isfinite(later).any() else 1.0
    image = ax.imshow(grid, aspect="auto", cmap="YlGnBu", vmin=0, vmax=max(vmax, 0.05))
    ax.set_xticks(range(width))
    ax.set_xticklabels([str(k) for k in range(width)])
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([f"{month_long(c)} ({s})" for c, s, _sh in rows])
    ax.set_xlabel(_("Months since the first visit"))
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            v = grid[i, j]
            if np.isfinite(v):
                dark = v > 0.6 * max(vmax, 0.05)
                ax.text(
                    j,
                    i,
                    f"{v * 100:.0f}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if dark else "#222222",
                )
    texts = [
        [
            _("{cohort}: {share} of {n} guests visited {k} months later").format(
                cohort=c, share=pct(sh[k]), n=s, k=k
            )
            if k < len(sh) and sh[k] is not None
            else ""
            for k in range(width)
        ]
        for c, s, sh in rows
    ]
    hover(fig, image, texts)
    cbar = fig.colorbar(image, ax=ax, shrink=0.8, format=PercentFormatter(1.0, decimals=0))
    cbar.outline.set_visible(False)
    return fig


def _ltv_chart(
    curves: list[analytics.LtvCurve], key: str, label_fn: Callable[[str], str]
) -> Figure:
    fig = new_figure()
    ax = fig.add_subplot()
    _title(ax, key)
    curves = [c for c in curves if any(v is not None for v in c.values)]
    if not curves:
        return _empty(fig, ax)
    if len(curves) > len(PALETTE):  # many cohorts: older ones darker, one colour scale
        cmap = colormaps["viridis"]
        colors: list[ColorType] = [
            cmap(0.9 * i / max(len(curves) - 1, 1)) for i in range(len(curves))
        ]
    else:
        colors = [PALETTE[i] for i in range(len(curves))]
    for c, color in zip(curves, colors, strict=True):
        vals = [np.nan if v is None else v for v in c.values]
        (line,) = ax.plot(
            range(len(vals)),
            vals,
            marker="o",
            markersize=3,
            linewidth=1.8,
            color=color,
            label=f"{label_fn(c.label)} ({c.customers})",
        )
        hover(
            fig,
            line,
            [
                _("{label}, month {k}: {amount} per guest").format(
                    label=label_fn(c.label), k=k, amount=yen(v)
                )
                for k, v in enumerate(c.values)
            ],
        )
        if len(curves) > len(PALETTE):  # many lines: each named at its end, in its colour
            last = max(k for k, v in enumerate(c.values) if v is not None)
            ax.annotate(
                label_fn(c.label),
                (last, c.values[last]),
                xytext=(3, 0),
                textcoords="offset points",
                fontsize=7,
                color=color,
                va="center",
            )
    ax.set_xlabel(_("Months since the first visit"))
    ax.set_ylabel(_("Gross profit per guest"))
    ax.xaxis.set_major_locator(MaxNLocator(12, integer=True))
    _yen_axis(ax)
    ax.set_ylim(bottom=0)
    _style(ax)
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


def ltv_cohort_chart(board: analytics.Dashboard) -> Figure:
    return _ltv_chart(board.ltv_cohorts, "ltv_cohort", month_long)


def ltv_channel_chart(board: analytics.Dashboard) -> Figure:
    return _ltv_chart(board.ltv_channels, "ltv_channel", _)


def rfm_chart(board: analytics.Dashboard) -> Figure:
    """5 x 5 map of recency score (rows) by frequency score (columns): guests and segment."""
    fig = new_figure(8.0, 4.6)
    ax = fig.add_subplot()
    _title(ax, "rfm")
    grid = np.array(board.rfm_grid)
    if grid.sum() == 0:
        return _empty(fig, ax)

    # square-root colour scale: one crowded cell ("long ago, once") must not wash out the rest
    image = ax.imshow(grid, cmap="Blues", aspect="auto", norm=PowerNorm(0.5, vmin=0))
    r_labels = [_("≤30 days"), _("≤60 days"), _("≤90 days"), _("≤180 days"), _("longer")]
    f_labels = [_("1 day"), _("2 days"), _("3–4 days"), _("5–9 days"), _("10+ days")]
    ax.set_xticks(range(5))
    ax.set_xticklabels(f_labels)
    ax.set_yticks(range(5))
    ax.set_yticklabels(r_labels)
    ax.set_xlabel(_("Visit days (frequency)"))
    ax.set_ylabel(_("Last visit (recency)"))
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    r_scores = np.array([[5 - i] * 5 for i in range(5)])
    f_scores = np.array([list(range(1, 6))] * 5)
    names = analytics.segment_of(r_scores, f_scores)
    top = grid.max()
    texts = []
    for i in range(5):
        row = []
        for j in range(5):
            seg = _(analytics.SEGMENT_LABELS[str(names[i, j])])
            dark = np.sqrt(grid[i, j] / top) > 0.6 if top else False
            ax.text(
                j,
                i - 0.12,
                f"{grid[i, j]:,}",
                ha="center",
                va="center",
                fontsize=11,
                color="white" if dark else "#222222",
            )
            ax.text(
                j,
                i + 0.22,
                seg,
                ha="center",
                va="center",
                fontsize=8.5,
                color="white" if dark else "#555555",
            )
            row.append(_("{segment}: {n} guests").format(segment=seg, n=grid[i, j]))
        texts.append(row)
    hover(fig, image, texts)
    return fig


def deciles_chart(board: analytics.Dashboard) -> Figure:
    """Each tenth of the period's guests by spend: share of revenue, with the cumulative line."""
    fig = new_figure()
    ax = fig.add_subplot()
    _title(ax, "deciles")
    rows = board.deciles
    if not any(r.customers for r in rows):
        return _empty(fig, ax)
    x = np.arange(1, 11)
    shares = [r.share or 0.0 for r in rows]
    bars = ax.bar(
        x, shares, color=COLORS["returning"], width=0.7, label=_("Share of known guests' revenue")
    )
    (line,) = ax.plot(
        x,
        [r.cumulative_share or 0.0 for r in rows],
        color=COLORS["accent"],
        marker="o",
        markersize=4,
        label=_("Cumulative"),
    )
    for r, bar in zip(rows, bars, strict=True):
        ax.text(
            bar.get_x() + bar.get_width() / 2,
            bar.get_height() + 0.01,
            pct(r.share),
            ha="center",
            va="bottom",
            fontsize=8,
        )
        hover(
            fig,
            bar,
            _("Decile {d}: {n} guests, {revenue} ({share})").format(
                d=r.decile, n=r.customers, revenue=yen(r.revenue), share=pct(r.share, 1)
            ),
        )
    hover(
        fig,
        line,
        [
            _("Top {d}0%: {share} of known guests' revenue").format(
                d=r.decile, share=pct(r.cumulative_share, 1)
            )
            for r in rows
        ],
    )
    ax.set_ylim(0, 1.05)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xticks(x)
    ax.set_xticklabels([_("Top 10%") if d == 1 else f"{d}" for d in x])
    ax.set_xlabel(_("Tenth of guests by spend (1 = highest)"))
    _style(ax)
    ax.legend(fontsize=9, frameon=False, loc="center right")
    anonymous = board.totals.get("anonymous_revenue", 0)
    if anonymous:
        ax.text(
            0.99,
            0.02,
            _("Bills without a guest ({amount}) are not in the deciles.").format(
                amount=yen(anonymous)
            ),
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=8,
            color="#555555",
        )
    return fig


def _table_figure(key: str, headers: list[str], rows: list[list[str]], width=8.0) -> Figure:
    fig = new_figure(width, 0.75 + 0.3 * (max(len(rows), 1) + 1))
    ax = fig.add_subplot()
    _title(ax, key)
    ax.axis("off")
    if not rows:
        return _empty(fig, ax)

    # column widths from the longest text of each column (wide characters count double)
    widths = np.array(
        [
            max(display_width(t) for t in [h, *(r[i] for r in rows)]) + 2
            for i, h in enumerate(headers)
        ],
        dtype=float,
    )
    table = ax.table(
        cellText=rows,
        colLabels=headers,
        cellLoc="right",
        colLoc="center",
        colWidths=list(widths / widths.sum()),
        bbox=Bbox.from_bounds(0, 0, 1, 1),
    )
    table.auto_set_font_size(False)
    table.set_fontsize(9)
    for (r, c), cell in table.get_celld().items():
        cell.set_edgecolor("#CCCCCC")
        if r == 0:
            cell.set_facecolor("#EEF3FB")
        elif r % 2 == 0:
            cell.set_facecolor("#FAFAFA")
        if c == 0 and r > 0:
            cell._loc = "left"
            cell.get_text().set_horizontalalignment("left")
    return fig


def channels_chart(board: analytics.Dashboard) -> Figure:
    headers, rows = table("channels", board)
    return _table_figure("channels", headers, rows)


def campaigns_chart(board: analytics.Dashboard) -> Figure:
    headers, rows = table("campaigns", board)
    return _table_figure("campaigns", headers, rows)


def clv_chart(result) -> Figure:
    """Histogram of the guests' predicted value of the next 12 months (``clv.ClvResult``)."""
    fig = new_figure()
    ax = fig.add_subplot()
    _title(ax, "clv")
    if result is None or not result.ok or not result.predictions:
        return _empty(fig, ax, result.message if result is not None and result.reason else None)
    values = np.array([p.expected_value for p in result.predictions], dtype=float)
    top = float(np.quantile(values, 0.99)) or 1.0
    # the top 1 % are left out of the bars and named, rather than piled into a last bar
    shown = values[values <= top]
    above = values[values > top]
    counts, edges, patches = ax.hist(shown, bins=30, color=COLORS["returning"], edgecolor="white")
    if len(above):
        ax.text(
            0.99,
            0.97,
            _("{n} guests above {amount} (up to {highest}) not shown").format(
                n=len(above), amount=yen(top), highest=yen(above.max())
            ),
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=8,
            color="#555555",
        )
    # one data set with the default histtype: the stubs' union cannot say it is a BarContainer
    patches = cast("BarContainer", patches)
    for n, lo, hi, patch in zip(counts, edges[:-1], edges[1:], patches, strict=True):
        hover(
            fig, patch, _("{n} guests worth {lo} – {hi}").format(n=int(n), lo=yen(lo), hi=yen(hi))
        )
    ax.set_yscale("symlog", linthresh=10)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))
    ax.set_ylabel(_("Guests (log scale)"))
    ax.set_xlabel(_("Predicted gross profit, next 12 months"))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: yen_short(v)))
    _style(ax)
    mean = float(values.mean())
    ax.axvline(min(mean, top), color=COLORS["accent"], linestyle="--", linewidth=1.2)
    ax.text(
        min(mean, top),
        ax.get_ylim()[1] * 0.6,
        " " + _("average {amount}").format(amount=yen(mean)),
        color=COLORS["accent"],
        fontsize=9,
    )
    return fig


def model_check_chart(result) -> Figure:
    """The calibration/holdout test: cumulative repeat visits of the holdout weeks, what
    happened against what each model (fitted on the weeks before) predicted."""
    fig = new_figure()
    ax = fig.add_subplot()
    _title(ax, "model_check")
    check = None if result is None else result.check
    if check is None or not check.done:
        text = check.message if check is not None else (result.message if result else None)
        return _empty(fig, ax, text or None)
    weeks = np.arange(1, check.weeks + 1)
    (actual,) = ax.plot(
        weeks,
        check.actual_cumulative,
        color=COLORS["line"],
        linewidth=2.6,
        label=_("What happened"),
    )
    hover(
        fig,
        actual,
        [
            _("Week {k}: {n} visits so far").format(k=k, n=f"{n:,}")
            for k, n in zip(weeks.tolist(), check.actual_cumulative, strict=True)
        ],
    )
    for i, row in enumerate(r for r in check.rows if r.ok):
        name = _(clv_models.MODEL_LABELS[row.kind])
        chosen = row.kind == check.chosen
        label = _("{model} (chosen)").format(model=name) if chosen else name
        (line,) = ax.plot(
            weeks,
            row.cumulative,
            color=PALETTE[i],
            linewidth=2.0 if chosen else 1.4,
            linestyle="-" if chosen else "--",
            label=f"{label}: {row.error * 100:.1f} %",
        )
        hover(
            fig,
            line,
            [
                _("{model}, week {k}: {n} visits predicted").format(model=name, k=k, n=f"{v:,.0f}")
                for k, v in zip(weeks.tolist(), row.cumulative, strict=True)
            ],
        )
    ax.set_xlabel(
        _("Weeks after {day} (the models saw only the visits before)").format(
            day=check.calibration_end.isoformat()
        )
    )
    ax.set_ylabel(_("Repeat visits, cumulative"))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))
    ax.set_xlim(0.5, check.weeks + 0.5)
    ax.set_ylim(bottom=0)
    _style(ax)
    legend = ax.legend(
        fontsize=9, frameon=False, loc="upper left", title=_("Error by group of guests")
    )
    legend.get_title().set_fontsize(9)
    return fig


def model_check_table(result) -> tuple[list[str], list[list[str]]]:
    headers = [
        _("Model"),
        _("Predicted visits"),
        _("Actual visits"),
        _("Error by group"),
        _("Chosen"),
    ]
    check = None if result is None else result.check
    if check is None:
        return headers, []
    rows = []
    for row in check.rows:
        rows.append(
            [
                _(clv_models.MODEL_LABELS[row.kind]),
                f"{row.predicted:,.0f}" if row.ok else _("could not be fitted"),
                f"{check.actual:,}",
                "—" if row.error is None else f"{row.error * 100:.1f} %",
                "✓" if row.kind == check.chosen else "",
            ]
        )
    return headers, rows


BUILDERS: dict[str, Callable] = {
    "monthly": monthly_chart,
    "second_visit": second_visit_chart,
    "retention": retention_chart,
    "ltv_cohort": ltv_cohort_chart,
    "ltv_channel": ltv_channel_chart,
    "rfm": rfm_chart,
    "deciles": deciles_chart,
    "channels": channels_chart,
    "campaigns": campaigns_chart,
}


def build(name: str, board: analytics.Dashboard, clv_result=None) -> Figure:
    """The chart called ``name`` (a key of ``CHARTS``)."""
    if name == "clv":
        return clv_chart(clv_result)
    if name == "model_check":
        return model_check_chart(clv_result)
    return BUILDERS[name](board)


# --- the same figures as tables ------------------------------------------------------------------


@dataclass
class _Col:
    title: str
    value: Callable


def _campaign_name(name: str) -> str:
    labels = {"birthday": N_("Birthday"), "welcome": N_("Welcome"), "winback": N_("Win-back")}
    return _(labels[name]) if name in labels else name


def _ratio_text(v: float | None) -> str:
    return "—" if v is None else f"{v:.1f}×"


TABLES: dict[str, tuple[str, list[tuple[str, Callable]]]] = {
    "monthly": (
        "months",
        [
            (N_("Month"), lambda r: r.month),
            (N_("New guests"), lambda r: f"{r.new_customers:,}"),
            (N_("Returning guests"), lambda r: f"{r.returning_customers:,}"),
            (N_("Returning share"), lambda r: pct(r.returning_share, 1)),
            (N_("Visits"), lambda r: f"{r.visits:,}"),
            (N_("Revenue"), lambda r: yen(r.revenue)),
            (N_("Per visit"), lambda r: yen(r.spend_per_visit)),
            (N_("Per person"), lambda r: yen(r.spend_per_person)),
        ],
    ),
    "second_visit": (
        "second_visit",
        [
            (N_("First visit"), lambda r: r.month),
            (N_("New guests"), lambda r: f"{r.new_customers:,}"),
            (N_("30 days"), lambda r: pct(r.rate[30], 1)),
            (N_("60 days"), lambda r: pct(r.rate[60], 1)),
            (N_("90 days"), lambda r: pct(r.rate[90], 1)),
        ],
    ),
    "rfm": (
        "segments",
        [
            (N_("Segment"), lambda r: _(analytics.SEGMENT_LABELS[r.segment])),
            (N_("Guests"), lambda r: f"{r.customers:,}"),
            (N_("Share"), lambda r: pct(r.share, 1)),
            (
                N_("Days since last visit"),
                lambda r: "—" if r.avg_days_since is None else f"{r.avg_days_since:.0f}",
            ),
            (
                N_("Visit days"),
                lambda r: "—" if r.avg_visit_days is None else f"{r.avg_visit_days:.1f}",
            ),
            (N_("Spend per guest"), lambda r: yen(r.avg_spend)),
            (N_("Meaning"), lambda r: _(analytics.SEGMENT_HELP[r.segment])),
        ],
    ),
    "deciles": (
        "deciles",
        [
            (N_("Decile"), lambda r: str(r.decile)),
            (N_("Guests"), lambda r: f"{r.customers:,}"),
            (N_("Revenue"), lambda r: yen(r.revenue)),
            (N_("Share"), lambda r: pct(r.share, 1)),
            (N_("Cumulative"), lambda r: pct(r.cumulative_share, 1)),
            (N_("Lowest spend"), lambda r: yen(r.min_spend)),
            (N_("Highest spend"), lambda r: yen(r.max_spend)),
        ],
    ),
    "channels": (
        "channels",
        [
            (N_("Channel"), lambda r: _(r.channel) if r.channel_id == 0 else r.channel),
            (N_("New guests"), lambda r: f"{r.new_customers:,}"),
            (N_("Back in 90 days"), lambda r: pct(r.second_visit_rate_90)),
            (N_("12-month LTV"), lambda r: yen(r.ltv_12m)),
            (N_("Cost"), lambda r: yen(r.cost)),
            (N_("Cost per new guest"), lambda r: yen(r.cost_per_customer)),
            (N_("LTV / cost"), lambda r: _ratio_text(r.ltv_to_cost)),
        ],
    ),
    "campaigns": (
        "campaigns",
        [
            (N_("Campaign"), lambda r: _campaign_name(r.campaign)),
            (N_("Issued"), lambda r: f"{r.issued:,}"),
            (N_("Redeemed"), lambda r: f"{r.redeemed:,}"),
            (N_("Rate"), lambda r: pct(r.redemption_rate)),
            (N_("Revenue"), lambda r: yen(r.revenue)),
            (N_("Discount"), lambda r: yen(r.discount)),
            (N_("Print & postage"), lambda r: yen(r.print_cost)),
            (N_("ROI"), lambda r: "—" if r.roi is None else f"{r.roi * 100:.0f}%"),
            (N_("DM response (30 days)"), lambda r: pct(r.dm_response_rate)),
        ],
    ),
}


def _retention_table(board: analytics.Dashboard) -> tuple[list[str], list[list[str]]]:
    ret = board.retention
    width = min(max((len(s) for s in ret.shares), default=0), 13)
    headers = [_("First visit"), _("Guests")] + [str(k) for k in range(width)]
    rows = [
        [c, f"{n:,}"] + [pct(v) if v is not None else "" for v in s[:width]]
        for c, n, s in zip(ret.cohorts, ret.sizes, ret.shares, strict=True)
    ]
    return headers, rows


def _ltv_table(curves: list[analytics.LtvCurve], label_fn) -> tuple[list[str], list[list[str]]]:
    width = max((len(c.values) for c in curves), default=0)
    headers = [_("Group"), _("Guests")] + [str(k) for k in range(width)]
    rows = [
        [label_fn(c.label), f"{c.customers:,}"]
        + [yen(v) if v is not None else "" for v in c.values]
        + [""] * (width - len(c.values))
        for c in curves
    ]
    return headers, rows


def table(
    name: str, board: analytics.Dashboard, clv_result=None
) -> tuple[list[str], list[list[str]]]:
    """The chart's figures as (headers, rows of text) for a table view or a CSV file."""
    if name == "retention":
        return _retention_table(board)
    if name == "ltv_cohort":
        return _ltv_table(board.ltv_cohorts, lambda s: s)
    if name == "ltv_channel":
        return _ltv_table(board.ltv_channels, _)
    if name == "clv":
        return clv_table(clv_result)
    if name == "model_check":
        return model_check_table(clv_result)
    attr, cols = TABLES[name]
    rows = getattr(board, attr)
    return [_(title) for title, _f in cols], [[f(r) for _t, f in cols] for r in rows]


def clv_table(result, limit: int | None = None) -> tuple[list[str], list[list[str]]]:
    headers = [
        _("Guest"),
        _("Visit days"),
        _("Spent so far"),
        _("P(active)"),
        _("Visits next 12 months"),
        _("Spend per visit"),
        _("Predicted value"),
        _("Next visit"),
    ]
    if result is None or not result.ok:
        return headers, []
    preds = sorted(result.predictions, key=lambda p: -p.expected_value)
    if limit:
        preds = preds[:limit]
    rows = [
        [
            p.name or str(p.customer_id),
            str(p.frequency + 1),
            yen(p.total_spent),
            pct(p.p_alive),
            f"{p.expected_visits_12m:.1f}",
            yen(p.expected_spend),
            yen(p.expected_value),
            clv.next_visit_text(p),
        ]
        for p in preds
    ]
    return headers, rows


def at_risk_table(rows) -> tuple[list[str], list[list[str]]]:
    headers = [
        _("Guest"),
        _("Visit days"),
        _("Spent so far"),
        _("P(active)"),
        _("Last visit (weeks ago)"),
    ]
    return headers, [
        [
            p.name or str(p.customer_id),
            str(p.frequency + 1),
            yen(p.total_spent),
            pct(p.p_alive),
            f"{p.age_weeks - p.recency_weeks:.0f}",
        ]
        for p in rows
    ]


# One figure drawn at a time: matplotlib's text layout and font caches are not made for threads
# drawing at once (the dashboard's workers draw while the owner moves between tabs).
_DRAWING = threading.RLock()


def save_png(fig: Figure, path, dpi: int = 100) -> None:
    """Write a figure to PNG (Agg canvas; no GUI needed)."""
    with _DRAWING:
        _agg_canvas(fig)
        fig.savefig(path, dpi=dpi, facecolor="white")


class _LockedAggCanvas(FigureCanvasAgg):
    """An Agg canvas whose ``draw`` waits for any other drawing (a test or an export on the UI
    thread and the dashboard's worker may draw the same figure)."""

    def draw(self):
        with _DRAWING:
            super().draw()


def _agg_canvas(fig: Figure) -> FigureCanvasAgg:
    canvas = fig.canvas
    return canvas if isinstance(canvas, _LockedAggCanvas) else _LockedAggCanvas(fig)


def render_rgba(fig: Figure, width: int, height: int, ratio: float = 1.0) -> tuple[bytes, int, int]:
    """Draw ``fig`` at ``width`` × ``height`` pixels with the Agg canvas, as matplotlib's Qt
    canvas would at that widget size and device pixel ``ratio``: (RGBA bytes, width, height).

    A worker thread calls this, so the screen only shows the pixels (the dashboard's
    ``ChartWidget``); hover look-ups afterwards use the same canvas and size."""
    with _DRAWING:
        dpi = getattr(fig, "_original_dpi", fig.dpi) * ratio
        canvas = _agg_canvas(fig)
        fig.set_dpi(dpi)
        fig.set_size_inches(width / dpi, height / dpi, forward=False)
        canvas.draw()
        pixels = canvas.buffer_rgba()
        h, w = pixels.shape[:2]
        return bytes(pixels), w, h
