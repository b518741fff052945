"""The dashboard use case (Qt-free): a period's measures, the predicted-value model, the tables.

``DashboardService(db_path)`` is what the dashboard page asks, from its worker threads:
``measures(start, end)`` gives the period's figures and tables (and the model fit when it is still
valid), ``fit(data)`` fits the models on the visits already read, ``figure(key, data)`` builds one
tab's chart. Each call opens its own connection. The service keeps what does not depend on the
period: the shop's visits as arrays (``analytics.ShopData``) and the model fit, until the visits
change. Whether they changed is asked of the store (``arrays.visits_marker``, a cheap token), so a
period change neither reads a million visits again nor refits the models, and a recorded visit
(in this app or another) or a changed setting does both. Guests, coupons and channel costs
changed in this app are told by the page (``forget``).

matplotlib and scipy are imported when first needed (``charts``, ``clv``): the dashboard page
imports this module at start-up, and start-up never loads them.
"""

from __future__ import annotations

import datetime as dt
import importlib
import sys
import threading
from typing import Any

from shopcrm.i18n import N_, _
from shopcrm.services import analytics, effect
from shopcrm.store import arrays, settings
from shopcrm.store.db import connect

PERIODS = (
    ("12m", N_("Last 12 months")),
    ("6m", N_("Last 6 months")),
    ("3m", N_("Last 3 months")),
    ("this_year", N_("This year")),
    ("last_year", N_("Last year")),
    ("all", N_("All time")),
    ("custom", N_("Custom…")),
)
# tab key, title msgid, has a chart (else only its table)
TABS = (
    ("monthly", N_("Guests"), True),
    ("second_visit", N_("Second visit"), True),
    ("retention", N_("Retention"), True),
    ("ltv_cohort", N_("LTV by month"), True),
    ("ltv_channel", N_("LTV by channel"), True),
    ("channels", N_("Channels"), False),
    ("rfm", N_("RFM"), True),
    ("deciles", N_("Deciles"), True),
    ("campaigns", N_("Coupons"), False),
    ("clv", N_("Predicted value"), True),
    ("model_check", N_("Model check"), True),
)
FIT_TABS = ("clv", "model_check")  # the tabs that show the fitted models
CHART_TABS = frozenset(key for key, _t, chart in TABS if chart)


def period_dates(key: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of a named period ending today."""

    def months_back(n: int) -> dt.date:
        index = today.year * 12 + today.month - 1 - n
        return dt.date(index // 12, index % 12 + 1, 1)

    if key == "6m":
        return months_back(5), today
    if key == "3m":
        return months_back(2), today
    if key == "this_year":
        return dt.date(today.year, 1, 1), today
    if key == "last_year":
        return dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)
    if key == "all":
        return dt.date(2000, 1, 1), today
    return months_back(11), today


def fit_key(shop: analytics.ShopData, margin: float, discount: float) -> tuple:
    """What the model fit depends on: the visits' state (count and column sums, so an edited
    amount or a moved visit counts too), the as-of day and the money settings."""
    v = shop.visits
    return (
        shop.as_of,
        len(v),
        int(v.customer_id.sum()),
        int(v.day.sum()),
        int(v.amount.sum()),
        margin,
        discount,
    )


def _import_charts_meanwhile() -> threading.Thread | None:
    """The first computation imports matplotlib and scipy (``charts``, about half a second of
    CPU) on a second thread while SQLite reads the visits, which releases the GIL: on two cores
    the two overlap instead of adding up."""
    if "shopcrm.services.charts" in sys.modules:
        return None
    thread = threading.Thread(
        target=importlib.import_module, args=("shopcrm.services.charts",), daemon=True
    )
    thread.start()
    return thread


def _step(task, done: int, total: int, text: str) -> None:
    if task is not None:
        task.check_cancelled()  # a closed page stops its worker between steps
        task.progress(done, total, text)


def _check(task) -> None:
    if task is not None:
        task.check_cancelled()


class DashboardService:
    """The dashboard of one shop file, with what stays valid from one period to the next.

    Worker threads call it (one page's calls may overlap when a period changes mid-way): the
    kept state is swapped under a lock; the work itself runs outside it. ``fits`` and ``loads``
    count the model fits and the full reads of the visits (the tests and benchmarks read them).
    """

    def __init__(self, db_path):
        self.db_path = db_path
        self._lock = threading.Lock()
        self._shop: analytics.ShopData | None = None
        self._marker: tuple | None = None
        self._fit: tuple | None = None  # (fit key, ClvResult, at-risk list, its two tables)
        self.fits = 0
        self.loads = 0

    def forget(self, *, fit: bool = False) -> None:
        """Read the shop again next time (guests, coupons or settings changed); ``fit``: fit the
        models again too (guests' names or erasures changed what the lists show)."""
        with self._lock:
            self._shop = None
            if fit:
                self._fit = None

    def _shop_for(self, db, as_of: dt.date, task) -> analytics.ShopData:
        # the visits' token and the settings the measures use (margin, rates, business day)
        marker = (arrays.visits_marker(db), repr(sorted(settings.get_all(db).items())))
        with self._lock:
            shop = self._shop
            if shop is not None and shop.as_of == as_of and self._marker == marker:
                return shop
        _step(task, 0, 4, _("Reading visits…"))
        shop = analytics.load(db, today=as_of)
        with self._lock:
            self._shop, self._marker = shop, marker
            self.loads += 1
        return shop

    def measures(self, start: dt.date, end: dt.date, task=None) -> dict[str, Any]:
        """The period's measures and tables, with the model fit if the kept one is still valid
        (else ``clv`` is None: ``fit(data)`` is the second step, the measures show meanwhile)."""
        importing = _import_charts_meanwhile()
        as_of = min(end, dt.date.today())
        db = connect(self.db_path)
        try:
            shop = self._shop_for(db, as_of, task)
            _check(task)
            if len(shop.visits):  # "All time" and early starts begin at the first visit's month
                first = arrays.day_to_date(int(shop.visits.day.min()))
                start = max(start, analytics.month_start(analytics.month_index(first)))
                start = min(start, end)
            board = analytics.dashboard(shop, start, end)
            _check(task)
            key = fit_key(
                shop,
                settings.get(db, "gross_margin_percent"),
                settings.get(db, "discount_rate_percent"),
            )
            with self._lock:
                kept = self._fit
            if kept is not None and kept[0] == key:
                result, risk, fit_tables = kept[1], kept[2], kept[3]
            else:
                result, risk, fit_tables = None, [], None
            effects = effect.effects(db, shop, start=start, end=end)
            channels = arrays.channel_names(db)  # for the cost entry: the page never reads the db
        finally:
            db.close()
        if importing is not None:
            importing.join()
        from shopcrm.services import charts  # lazy: matplotlib, 1.0 s; the first computation

        _step(task, 2, 4, _("Making the tables…"))
        tables = {
            tab: charts.table(tab, board, None) for tab, _t, _chart in TABS if tab not in FIT_TABS
        }
        # the model's tables do not depend on the period: made once per fit
        tables.update(fit_tables or self._fit_tables(board, None))
        _check(task)
        return {
            "shop": shop,
            "board": board,
            "clv": result,
            "fit": None if result is None else (key, result, risk),
            "fit_key": key,
            "at_risk": risk,
            "effects": effects,
            "channels": channels,
            "figures": {},
            "tables": tables,
        }

    def fit(self, data: dict[str, Any], task=None) -> dict[str, Any]:
        """Second step: fit the models on the visits ``measures`` read; returns what to add to
        ``data`` (the fit, the at-risk list and the two model tables) and keeps the fit."""
        from shopcrm.services import clv  # lazy: scipy, 0.4 s, as matplotlib in measures()

        shop, key = data["shop"], data["fit_key"]
        with self._lock:
            kept = self._fit
        if kept is not None and kept[0] == key:
            result, risk, tables = kept[1], kept[2], kept[3]
        else:
            db = connect(self.db_path)
            try:
                _step(task, 1, 2, _("Fitting the predicted-value model…"))
                result = clv.fit_visits(db, shop.visits, shop.as_of)
            finally:
                db.close()
            _check(task)
            risk = clv.at_risk(result)
            tables = self._fit_tables(data["board"], result)
            with self._lock:
                self._fit = (key, result, risk, tables)
                self.fits += 1
        return {
            "clv": result,
            "at_risk": risk,
            "fit": (key, result, risk),
            "tables": dict(tables),
        }

    @staticmethod
    def _fit_tables(board, result) -> dict:
        from shopcrm.services import charts  # lazy: matplotlib, as in measures()

        return {
            "clv": charts.clv_table(result, limit=200),  # the 200 most valuable guests
            "model_check": charts.table("model_check", board, result),
        }

    def compute(self, start: dt.date, end: dt.date, task=None) -> dict[str, Any]:
        """Everything at once: the measures, then the fit (what the page shows in two steps)."""
        data = self.measures(start, end, task)
        if data["clv"] is None:
            fitted = self.fit(data, task)
            data["tables"].update(fitted.pop("tables"))
            data.update(fitted)
        return data


def figure(key: str, data: dict[str, Any]):
    """Build tab ``key``'s Figure and draw it once at its own size (a worker does both; the
    screen's image is then ``charts.render_rgba`` at the widget's size). The first draw settles
    the layout as the dashboard always drew it (the same pixels as before the charts moved off
    the UI thread) and warms the font cache."""
    from shopcrm.services import charts  # lazy: matplotlib (see the module's docstring)

    fig = charts.build(key, data["board"], data["clv"])
    charts.render_rgba(fig, *(round(v) for v in fig.bbox.size))
    return fig
