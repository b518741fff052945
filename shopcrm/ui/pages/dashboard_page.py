"""Dashboard page (owner): the period's key figures, the charts with their tables, predicted value.

What it shows comes from the use case in ``services/dashboard.py`` (``DashboardService``), asked
from workers: the measures first, then the model fit (kept by the service until the visits
change, so a period change does not refit). A tab's chart is built by a worker the first time the
tab is shown and drawn by another (``ui/widgets/chart_widget.py``); the UI thread only shows the
picture. After new figures the shown tab is rebuilt at once and the others one per event-loop
turn, so no step builds every tab at once. matplotlib is imported the first time the page is
shown, never at application start. Each chart exports to PNG and each table to CSV; "Monthly
report…" writes the owner's PDF; the at-risk list turns into win-back coupons in one click.

Long module: the page, its eleven tabs, the channel-cost entry, the exports and the win-back
and report actions belong together; the computing is in ``services/dashboard.py``.
"""

from __future__ import annotations

import datetime as dt
import functools

from PySide6.QtCore import QDate, QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from shopcrm.domain.changes import Changes
from shopcrm.domain.money import parse_money
from shopcrm.domain.rules import ValidationError
from shopcrm.i18n import N_, _, ngettext
from shopcrm.services import dashboard, glossary
from shopcrm.services.csv_files import write_csv
from shopcrm.services.dashboard import FIT_TABS, PERIODS, TABS, period_dates
from shopcrm.services.glossary import TAB_TERMS, tip
from shopcrm.store import arrays
from shopcrm.store.arrays import is_open
from shopcrm.ui.operations import Cancelled, CollectionOp, QueryOp, Task
from shopcrm.ui.theme import emphasize, error_style
from shopcrm.ui.widgets.campaign_effect import TAB_TITLE as EFFECT_TAB_TITLE
from shopcrm.ui.widgets.campaign_effect import install_effect_tab
from shopcrm.ui.widgets.chart_widget import ChartWidget
from shopcrm.ui.widgets.help_button import with_help
from shopcrm.ui.widgets.text_table import TextTableModel, table_view


def _cancel_all(tasks: list) -> None:
    """Ask every worker of a destroyed page to stop (each checks between its steps)."""
    for task in tasks:
        task.cancel()


def _charts():
    """``services.charts``, for its texts and tables (lazy: it imports matplotlib, 1.0 s; the
    first computation has loaded it already, and start-up never does)."""
    from shopcrm.services import charts  # lazy: matplotlib, 1.0 s at start-up

    return charts


class DashboardPage(QWidget):
    """The owner's dashboard. ``loaded`` is emitted each time fresh figures are on screen."""

    loaded = Signal()
    chart_ready = Signal(str)  # a tab's chart is on screen (drawn when the tab is first shown)
    measures_shown = Signal()  # the period's measures are on screen (the model fit may follow)

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.data: dict | None = None
        self.charts: dict = {}
        self.table_views: dict[str, QTableView] = {}
        self._splitters: dict[str, QSplitter] = {}
        self._task = None
        # every task this page started; cancelled when the page is destroyed (the list, not the
        # page, is what the destroyed handler holds: the page is gone by then)
        self._tasks: list = []
        self.destroyed.connect(functools.partial(_cancel_all, self._tasks))
        self._generation = 0
        self._dirty = True
        # the use case; it keeps the visits read and the model fit until the visits change
        self.service = dashboard.DashboardService(ctx.db_path)
        self._drawing: dict[str, Task] = {}  # tab key -> the task building its chart
        self._placed: dict = {}  # tab key -> its ChartWidget until its first image is drawn
        # tabs still showing the previous figures: rebuilt one per event-loop turn (or at once
        # when shown), so no single step builds eleven tabs on the UI thread
        self._stale: list[str] = []
        self._finish_pending: dict | None = None
        self._slices = QTimer(self)
        self._slices.setSingleShot(True)
        self._slices.timeout.connect(self._build_next_tab)
        self.today = dt.date.today()

        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(_("Period:")))
        self.period = QComboBox()
        for key, label in PERIODS:
            self.period.addItem(_(label), key)
        bar.addWidget(self.period)
        self.start_edit, self.end_edit = QDateEdit(), QDateEdit()
        for edit in (self.start_edit, self.end_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setVisible(False)
        bar.addWidget(self.start_edit)
        self.dash = QLabel("–")
        self.dash.setVisible(False)
        bar.addWidget(self.dash)
        bar.addWidget(self.end_edit)
        self.refresh_button = QPushButton(_("Refresh"))
        bar.addWidget(self.refresh_button)
        bar.addStretch(1)
        self.status = QLabel("")
        bar.addWidget(self.status)
        self.report_button = QPushButton(_("Monthly report…"))
        bar.addWidget(self.report_button)
        layout.addLayout(bar)

        self.kpis = QFrame()
        self.kpis.setFrameShape(QFrame.Shape.StyledPanel)
        self.kpi_grid = QGridLayout(self.kpis)
        self.kpi_labels: dict[str, QLabel] = {}
        self.kpi_names: dict[str, QLabel] = {}
        for i, (key, title) in enumerate(self._kpi_titles()):
            name = QLabel(_(title))  # palette text: readable on light and dark themes
            self.kpi_names[key] = name
            value = QLabel("…")
            emphasize(value, 1.6)  # through the font, so the colour stays the palette's
            value.setObjectName(f"kpi_{key}")
            self.kpi_grid.addWidget(with_help(name, key), 0, i)
            self.kpi_grid.addWidget(value, 1, i)
            self.kpi_labels[key] = value
        layout.addWidget(self.kpis)

        self.tabs = QTabWidget()
        self.tab_pages: dict[str, QWidget] = {}
        for key, title, _show in TABS:
            page = QWidget()
            QVBoxLayout(page).addWidget(QLabel(_("Calculating…")))
            self.tabs.addTab(page, _(title))
            self.tab_pages[key] = page
        for i, (key, _title, _show) in enumerate(TABS):
            self.tabs.setTabToolTip(i, tip(TAB_TERMS[key]))
        layout.addWidget(self.tabs, 1)

        self.tabs.currentChanged.connect(self._on_tab)
        self.period.currentIndexChanged.connect(self._on_period)
        self.start_edit.dateChanged.connect(lambda _d: self.refresh())
        self.end_edit.dateChanged.connect(lambda _d: self.refresh())
        self.refresh_button.clicked.connect(self.reload)
        self.report_button.clicked.connect(self.monthly_report)
        ctx.visits_changed.connect(self._mark_dirty)
        ctx.customers_changed.connect(self._mark_guests_dirty)
        ctx.coupons_changed.connect(self._mark_dirty)
        ctx.settings_changed.connect(self._mark_dirty)

    @staticmethod
    def _kpi_titles():
        return (
            ("new_customers", N_("New guests")),
            ("repeat_rate", N_("Repeat rate")),
            ("returning_share", N_("Returning share")),
            ("spend_per_person", N_("Average spend per person")),
            ("revenue", N_("Revenue")),
            ("ltv", N_("LTV (formula)")),
        )

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "cost_error"):
            self.cost_error.setStyleSheet(error_style())  # light or dark red for the new theme

    # --- computing ---------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    def _mark_dirty(self, *_args) -> None:
        self._dirty = True
        self.service.forget()  # read the shop again; the fit stays while the visits are the same
        if self.isVisible():
            self.refresh()

    def _mark_guests_dirty(self, *_args) -> None:
        self.service.forget(fit=True)  # names and erasures are in the predicted-value lists
        self._mark_dirty()

    def _on_period(self, _index: int) -> None:
        custom = self.period.currentData() == "custom"
        for w in (self.start_edit, self.end_edit, self.dash):
            w.setVisible(custom)
        if custom and self.data:
            board = self.data["board"]
            self.start_edit.blockSignals(True)
            self.end_edit.blockSignals(True)
            self.start_edit.setDate(QDate(board.start.year, board.start.month, board.start.day))
            self.end_edit.setDate(QDate(board.end.year, board.end.month, board.end.day))
            self.start_edit.blockSignals(False)
            self.end_edit.blockSignals(False)
        self.refresh()

    def current_period(self) -> tuple[dt.date, dt.date]:
        key = self.period.currentData()
        if key == "custom":
            start = self.start_edit.date().toPython()
            end = self.end_edit.date().toPython()
            return (start, end) if start <= end else (end, start)
        return period_dates(key, self.today)

    def reload(self) -> None:
        """Read the shop's data again (the Refresh button), then recompute."""
        self.service.forget(fit=True)
        self.today = dt.date.today()  # the app may have stayed open past midnight
        self.refresh()

    def refresh(self) -> None:
        """Recompute in the background; the window stays responsive meanwhile."""
        self._dirty = False
        if self._task is not None:
            self._task.cancel()
        self._generation += 1
        generation = self._generation
        start, end = self.current_period()
        if self.service.db_path != self.ctx.db_path:  # another shop file (a restore)
            self.service = dashboard.DashboardService(self.ctx.db_path)
        service = self.service
        for task in self._drawing.values():
            task.cancel()
        self._drawing.clear()
        self.status.setText(_("Calculating…"))
        self.refresh_button.setEnabled(False)
        self._task = self._query(
            lambda task: service.measures(start, end, task),
            success=lambda data: self._on_done(generation, data),
            failure=lambda exc: self._on_error(generation, exc),
            progress=lambda done, total, text: self._on_progress(generation, text),
        )

    def _query(self, fn, success, failure, progress=None) -> Task:
        """Run ``fn(task)`` as a ``QueryOp`` (the service opens its own connection) with guarded
        callbacks; remember the task."""
        op: QueryOp = QueryOp.without_db(parent=self, op=fn, success=self._guard(success))
        op.failure(self._guard(failure))
        if progress is not None:
            op.on_progress(self._guard(progress))
        return self._run(op)

    def _run(self, op: QueryOp | CollectionOp) -> Task:
        """Start ``op``; its task is cancelled when the page is destroyed."""
        self._tasks[:] = [t for t in self._tasks if not t.finished.is_set()]
        task = op.run_in_background()
        self._tasks.append(task)
        return task

    def _guard(self, fn):
        """A callback that does nothing once the page is gone (closed while a worker ran) or its
        database was closed or replaced (a restore, the end of a session or of a test): the result
        belongs to a database the page no longer shows."""
        db = self.ctx.db

        def call(*args):
            if isValid(self) and isValid(self.status) and self.ctx.db is db and is_open(db):
                fn(*args)

        return call

    def _on_progress(self, generation: int, text: str) -> None:
        if generation == self._generation:
            self.status.setText(text)

    def _on_error(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._task = None
        self.refresh_button.setEnabled(True)
        if isinstance(exc, Cancelled):
            return
        self.status.setText(_("Could not compute the dashboard: {error}").format(error=exc))

    def _on_done(self, generation: int, data: dict) -> None:
        if generation != self._generation:
            return
        self._task = None
        self.refresh_button.setEnabled(True)
        self.data = data
        self._show(data)
        self.measures_shown.emit()
        if data["clv"] is None:
            self._start_fit(generation, data)
            return
        self._finish(data)

    def _finish(self, data: dict) -> None:
        if any(k != "effect" for k in self._stale):  # "loaded" once the tabs show the new figures
            self._finish_pending = data
            return
        self._finish_pending = None
        board = data["board"]
        self.status.setText(
            _("{start} – {end}").format(start=board.start.isoformat(), end=board.end.isoformat())
        )
        self.loaded.emit()

    def _start_fit(self, generation: int, data: dict) -> None:
        """Second step: the model fit, while the measures are already on screen."""
        service = self.service
        self.status.setText(_("Fitting the predicted-value model…"))
        self.refresh_button.setEnabled(False)

        def done(fitted: dict) -> None:
            if generation != self._generation or self.data is not data:
                return
            self._task = None
            self.refresh_button.setEnabled(True)
            data["tables"].update(fitted.pop("tables"))
            data.update(fitted)
            self._mark_stale(FIT_TABS)
            self._finish(data)

        self._task = self._query(
            lambda task: service.fit(data, task),
            success=done,
            failure=lambda exc: self._on_error(generation, exc),
            progress=lambda _d, _t, text: self._on_progress(generation, text),
        )

    # --- showing -----------------------------------------------------------------------------
    def current_tab_key(self) -> str:
        index = max(self.tabs.currentIndex(), 0)
        return TABS[index][0] if index < len(TABS) else "effect"  # the Campaign effect tab

    def _show(self, data: dict) -> None:
        charts = _charts()
        board = data["board"]
        t = board.totals
        ltv = board.classic_ltv
        values = {
            "new_customers": f"{t['new_customers']:,}",
            "repeat_rate": charts.pct(t["repeat_rate"], 1),
            "returning_share": charts.pct(t["returning_share"], 1),
            "spend_per_person": charts.yen(t["spend_per_person"]),
            "revenue": charts.yen(t["revenue"]),
            "ltv": charts.yen(ltv.headline),
        }
        for key, label in self.kpi_labels.items():
            label.setText(values[key])
        months = t.get("months", 0)
        # a one-month repeat rate is not the 12-month one: the title says which it is
        self.kpi_names["repeat_rate"].setText(
            ngettext("Repeat rate ({n} month)", "Repeat rate ({n} months)", months).format(n=months)
        )
        self.kpi_names["returning_share"].setToolTip(
            _("Returning guests of each month / guests of each month, over the period's months.")
        )
        self.kpi_labels["ltv"].setToolTip(charts.ltv_formula_text(ltv))
        self.kpi_names["ltv"].setText(
            _("LTV (from retention)") if ltv.ltv_observed is not None else _("LTV (formula)")
        )
        self.charts.clear()
        self._placed.clear()
        self._stale.clear()
        self._mark_stale([key for key, _t, _c in TABS] + ["effect"])

    # --- tabs built one at a time ------------------------------------------------------------
    def _mark_stale(self, keys) -> None:
        """Tabs ``keys`` show old figures: the shown one is rebuilt now, the others one per
        event-loop turn (``_build_next_tab``)."""
        for key in keys:
            if key not in self._stale:
                self._stale.append(key)
        if "effect" in self._stale:
            self._effect_placeholder()
        self._build_tab_now(self.current_tab_key())
        self._ensure_chart(self.current_tab_key())
        if self._stale:
            self._slices.start(0)

    def _build_tab_now(self, key: str) -> None:
        if self.data is None or key not in self._stale:
            return
        self._stale.remove(key)
        if key == "effect":
            install_effect_tab(self, self.data.get("effects", []))
            return
        index = [k for k, _t, _c in TABS].index(key)
        self._replace_tab(index, key, TABS[index][1], self.data)

    def _build_next_tab(self) -> None:
        """One slice: rebuild the next stale tab (the Campaign effect tab waits until it is shown:
        its chart is built with the tab); "loaded" when none is left."""
        pending = [k for k in self._stale if k != "effect"]
        if pending:
            self._build_tab_now(pending[0])
        if any(k != "effect" for k in self._stale):
            self._slices.start(0)
        elif self._finish_pending is not None and self._finish_pending is self.data:
            self._finish(self._finish_pending)

    def _effect_placeholder(self) -> None:
        """The Campaign effect tab's place (built when first shown: its chart is made then)."""
        tabs = self.tabs
        if tabs.count() > len(TABS):
            return  # the built tab stays until it is shown again (then rebuilt)
        holder = QWidget()
        holder.setObjectName("campaignEffectView")  # install_effect_tab replaces it
        QVBoxLayout(holder).addWidget(QLabel(_("Calculating…")))
        index = tabs.addTab(holder, _(EFFECT_TAB_TITLE))
        tabs.setTabToolTip(index, glossary.tip("uplift"))
        self.effect_view = holder

    def _replace_tab(self, index: int, key: str, title: str, data: dict) -> None:
        """Put a freshly built page for tab ``key`` in place of the old one."""
        self.charts.pop(key, None)
        self._placed.pop(key, None)
        page = self._build_tab(key, data)
        old = self.tabs.widget(index)
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, page, _(title))
        if key in TAB_TERMS:  # the plain-words tooltip stays with the rebuilt tab
            self.tabs.setTabToolTip(index, tip(TAB_TERMS[key]))
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        if old is not None:
            old.deleteLater()
        self.tab_pages[key] = page

    def _build_tab(self, key: str, data: dict) -> QWidget:
        """One tab: its chart (or a placeholder until the tab is shown), table, note, exports."""
        page = QWidget()
        box = QVBoxLayout(page)
        split = QSplitter(Qt.Orientation.Horizontal)
        show_chart = key in dashboard.CHART_TABS
        if show_chart:
            waiting = QLabel(_("Drawing the chart…"))
            waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
            split.addWidget(waiting)
        self.charts[key] = None
        view = table_view()
        headers, rows = data["tables"][key]
        view.setModel(TextTableModel(headers, rows, view))
        self.table_views[key] = view
        split.addWidget(view)
        if show_chart:
            split.setStretchFactor(0, 3)
            split.setStretchFactor(1, 2)
            split.setSizes([660, 440])
        self._splitters[key] = split
        box.addWidget(split, 1)
        if key == "clv":
            box.addWidget(self._at_risk_box(data), 1)
        if key == "channels":
            box.addWidget(self._cost_entry(data["channels"]))
        buttons = QHBoxLayout()
        note = self._note(key, data)
        if note:
            label = QLabel(note)
            label.setWordWrap(True)
            label.setObjectName("note")
            emphasize(label, 0.92, bold=False)  # smaller, in the palette's text colour
            buttons.addWidget(label, 1)
        else:
            buttons.addStretch(1)
        png = QPushButton(_("Export chart (PNG)…"))
        png.clicked.connect(lambda _c=False, k=key: self._ask_export_chart(k))
        png.setVisible(show_chart)
        csv_button = QPushButton(_("Export table (CSV)…"))
        csv_button.clicked.connect(lambda _c=False, k=key: self._ask_export_table(k))
        buttons.addWidget(png)
        buttons.addWidget(csv_button)
        box.addLayout(buttons)
        return page

    def _on_tab(self, index: int) -> None:
        if self.data is None or index < 0:
            return
        key = TABS[index][0] if index < len(TABS) else "effect"
        self._build_tab_now(key)
        self._ensure_chart(key)

    def _ensure_chart(self, key: str) -> None:
        """Put the tab's chart on screen: its Figure is built in the background the first time
        the tab is shown, and drawn in the background by its ``ChartWidget``."""
        if key not in dashboard.CHART_TABS or self.data is None:
            return
        if self.charts.get(key) is not None or key in self._placed or key in self._drawing:
            return
        if key in FIT_TABS and self.data["clv"] is None:
            return  # drawn when the fit is done
        figures = self.data["figures"]
        if key in figures:
            self._place_chart(key, figures[key])
            return
        data, generation = self.data, self._generation

        def done(fig):
            self._drawing.pop(key, None)
            if generation == self._generation and self.data is data:
                data["figures"][key] = fig
                self._place_chart(key, fig)

        def failed(exc: BaseException) -> None:
            self._drawing.pop(key, None)
            if not isinstance(exc, Cancelled):
                self.status.setText(_("Could not compute the dashboard: {error}").format(error=exc))

        self._drawing[key] = self._query(
            lambda task: dashboard.figure(key, data), success=done, failure=failed
        )

    def _place_chart(self, key: str, fig) -> None:
        """Swap the tab's placeholder for the chart; it counts as shown (``charts[key]``,
        ``chart_ready``) once its first image, drawn off the UI thread, is on screen."""
        split = self._splitters.get(key)
        if split is None:
            return
        chart = ChartWidget(fig)
        old = split.widget(0)
        split.replaceWidget(0, chart)
        if old is not None:
            old.deleteLater()
        split.setSizes([660, 440])
        self._placed[key] = chart
        chart.drawn.connect(functools.partial(self._chart_drawn, key, chart))

    def _chart_drawn(self, key: str, chart) -> None:
        if self._placed.get(key) is not chart:
            return  # an old chart of the tab (the period changed meanwhile)
        del self._placed[key]
        self.charts[key] = chart
        self.chart_ready.emit(key)

    def _note(self, key: str, data: dict) -> str:
        charts = _charts()
        if key == "second_visit":
            return _("Only guests whose 30/60/90 days have passed are counted.")
        if key in FIT_TABS and data["clv"] is None:
            return _("Fitting the predicted-value model…")
        if key == "clv":
            result = data["clv"]
            if not result.ok:
                return result.message
            model = result.model
            params = " ".join(f"{k}={v:.3g}" for k, v in model.named_params().items())
            return " ".join(
                (
                    _(
                        "{model} {params} (weeks); value = expected visits × expected spend × "
                        "gross margin, next 12 months."
                    ).format(model=_(model.label), params=params),
                    charts.discount_convention_text(result.discount_rate),
                )
            )
        if key == "model_check":
            result = data["clv"]
            return result.check.message if result.check is not None else result.message
        if key == "channels":
            return _(
                "Cost per new guest = what the channel cost in the period's months / its new "
                "guests. 12-month LTV: gross profit in the first year of guests who came at least "
                "a year ago."
            )
        if key in ("ltv_cohort", "ltv_channel"):
            return charts.ltv_formula_text(data["board"].classic_ltv)
        return ""

    def _cost_entry(self, channels: dict[int, str]) -> QWidget:
        """A row to enter what a channel cost in a month (flyers, ads, listing fees)."""
        row = QWidget()
        lay = QHBoxLayout(row)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QLabel(_("Enter a channel's cost:")))
        self.cost_channel = QComboBox()
        for channel_id, name in channels.items():
            self.cost_channel.addItem(name, channel_id)
        lay.addWidget(self.cost_channel)
        self.cost_month = QLineEdit(self.today.strftime("%Y-%m"))
        self.cost_month.setPlaceholderText("YYYY-MM")
        self.cost_month.setMaximumWidth(90)
        lay.addWidget(self.cost_month)
        self.cost_amount = QLineEdit()
        self.cost_amount.setPlaceholderText(_("Amount (yen)"))
        self.cost_amount.setMaximumWidth(120)
        lay.addWidget(self.cost_amount)
        save = QPushButton(_("Save cost"))
        save.clicked.connect(self.save_channel_cost)
        self.cost_amount.returnPressed.connect(self.save_channel_cost)
        lay.addWidget(save)
        self.cost_error = QLabel("")
        self.cost_error.setStyleSheet(error_style())
        lay.addWidget(self.cost_error, 1)
        return row

    def save_channel_cost(self) -> Task | None:
        """Save the cost typed in the channels tab (owner only) as a ``CollectionOp``; its task,
        or None when nothing was started. Wrong input names the field (``cost_error``); once
        saved, ``ctx.changed`` (settings: what the shop spends) refreshes the dashboard."""
        if not self.ctx.require_owner(self):
            return None
        try:
            amount = parse_money(self.cost_amount.text())
        except ValidationError as exc:
            self.cost_error.setText(str(exc))
            return None
        channel, month = self.cost_channel.currentData(), self.cost_month.text().strip()

        def saved(_result: None) -> None:
            self.cost_error.setText("")
            self.status.setText(_("Saved."))

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                self.cost_error.setText(str(exc))
            elif not isinstance(exc, Cancelled):
                self.cost_error.setText(_("Could not save: {error}").format(error=exc))

        op: CollectionOp = CollectionOp(
            parent=self,
            op=lambda db, _task: arrays.set_channel_cost(db, channel, month, amount),
            success=saved,
            # a channel's cost is the shop's own setup, as its margin: what the dashboard reads
            changes=Changes(settings=True),
        )
        return self._run(op.failure(failed))

    def _at_risk_box(self, data: dict) -> QWidget:
        charts = _charts()
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        rows = data["at_risk"]
        title = QLabel(
            _("At risk: valuable guests unlikely to come back ({n})").format(n=len(rows))
        )
        emphasize(title)
        head.addWidget(title, 1)
        self.winback_button = QPushButton(_("Send win-back coupons…"))
        self.winback_button.setEnabled(bool(rows))
        self.winback_button.clicked.connect(self.send_winback)
        head.addWidget(self.winback_button)
        lay.addLayout(head)
        view = table_view()
        headers, table_rows = charts.at_risk_table(rows)
        view.setModel(TextTableModel(headers, table_rows, view))
        self.table_views["at_risk"] = view
        lay.addWidget(view)
        return box

    # --- exports and actions -----------------------------------------------------------------
    def export_chart(self, key: str, path) -> None:
        charts = _charts()
        if self.data is None:
            return
        figures = self.data["figures"]
        if key not in figures:  # its tab was never shown: build it now
            figures[key] = dashboard.figure(key, self.data)
        charts.save_png(figures[key], path, dpi=120)

    def export_table(self, key: str, path) -> None:
        if self.data is None:
            return
        if key == "at_risk":
            charts = _charts()
            headers, rows = charts.at_risk_table(self.data["at_risk"])
        else:
            headers, rows = self.data["tables"][key]
        write_csv(path, headers, rows)

    def _ask_export_chart(self, key: str) -> None:
        path, _f = QFileDialog.getSaveFileName(
            self, _("Export chart"), f"{key}.png", _("PNG images (*.png)")
        )
        if path:
            self.export_chart(key, path)
            self.status.setText(_("Saved {path}").format(path=path))

    def _ask_export_table(self, key: str) -> None:
        path, _f = QFileDialog.getSaveFileName(
            self, _("Export table"), f"{key}.csv", _("CSV files (*.csv)")
        )
        if path:
            self.export_table(key, path)
            self.status.setText(_("Saved {path}").format(path=path))

    def send_winback(self, *, confirm: bool = True) -> Task | None:
        """Issue win-back coupons to the at-risk guests (owner only; consent rules apply) as a
        ``CollectionOp`` (coupons changed); its task, or None when nothing was started. The
        result is ``winback_result`` and its summary goes to the status line."""
        if not self.data or not self.data["at_risk"]:
            return None
        if not self.ctx.require_owner(self):
            return None
        ids = [p.customer_id for p in self.data["at_risk"]]
        if confirm:
            answer = QMessageBox.question(
                self,
                _("Send win-back coupons"),
                _(
                    "Issue win-back coupons to {n} guests? Guests without DM consent are skipped."
                ).format(n=len(ids)),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return None

        def send(db, _task):
            from shopcrm.services import clv  # lazy: scipy, 0.4 s (loaded by the fit already)

            return clv.send_winback(db, ids)

        def sent(result) -> None:
            self.winback_result = result
            text = result.summary() if hasattr(result, "summary") else ""
            self.status.setText(text)
            if confirm:
                QMessageBox.information(self, _("Send win-back coupons"), text)

        def failed(exc: BaseException) -> None:  # CampaignError (paused, expired) among them
            if not isinstance(exc, Cancelled):
                QMessageBox.warning(self, _("Send win-back coupons"), str(exc))

        op: CollectionOp = CollectionOp(
            parent=self, op=send, success=sent, changes=Changes(coupons=True)
        )
        return self._run(op.failure(failed))

    def monthly_report(self, *, month: tuple[int, int] | None = None, path=None) -> None:
        """Ask for a month and a file, then write the owner's monthly PDF in the background."""
        if not self.ctx.require_owner(self):
            return
        if month is None:
            end = self.current_period()[1]
            choices = []
            index = end.year * 12 + end.month - 1
            for i in range(24):
                y, m = divmod(index - i, 12)
                choices.append(f"{y:04d}-{m + 1:02d}")
            text, ok = QInputDialog.getItem(
                self, _("Monthly report"), _("Month:"), choices, 0, False
            )
            if not ok:
                return
            month = (int(text[:4]), int(text[5:7]))
        if path is None:
            path, _f = QFileDialog.getSaveFileName(
                self,
                _("Monthly report"),
                f"report-{month[0]:04d}-{month[1]:02d}.pdf",
                _("PDF files (*.pdf)"),
            )
            if not path:
                return
        self.status.setText(_("Writing the monthly report…"))
        year, number = month

        def work(db, _task):
            # lazy: reportlab and matplotlib, 1.0 s; only when a report is written
            from shopcrm.services.printing import monthly_report

            return monthly_report.build(db, year, number, path)

        def done(pages):
            self.status.setText(_("Wrote {path} ({pages} pages).").format(path=path, pages=pages))
            self.report_written = path

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, Cancelled):
                self.status.setText(
                    _("Could not write {path}: {error}").format(path=path, error=exc)
                )

        op: QueryOp = QueryOp(parent=self, op=work, success=done)
        self._report_task = self._run(op.failure(failed))
