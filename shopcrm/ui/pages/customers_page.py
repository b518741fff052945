"""Customers page: one search box, quick filters, the lazy customer table and the detail pane.

Typing searches as you type (after a 150 ms pause, so a burst of keys makes one query); the query
runs in a worker and late answers are dropped (see ``CustomerTableModel``). Selecting a row shows
the guest in the detail pane and tells the rest of the app (``ctx.customer_selected``), so the visit
dialog starts with that guest. The splitter and column widths are remembered; a language switch
(which rebuilds the page) keeps the search text, quick filter, selected guest and scroll position
through ``view_state``/``restore_view_state``.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QSettings, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from shopcrm.domain.changes import Changes
from shopcrm.i18n import N_, _, ngettext
from shopcrm.ui import actions as ui_actions
from shopcrm.ui.dialogs.base import ui_settings
from shopcrm.ui.models.customer_table_model import (
    COLUMN_KEYS,
    COLUMNS,
    CUSTOMER_ID_ROLE,
    CustomerTableModel,
)
from shopcrm.ui.widgets.customer_detail import CustomerDetail
from shopcrm.ui.widgets.flow_layout import FlowLayout

SEARCH_DEBOUNCE_MS = 150

FILTERS: tuple[tuple[str, str, str], ...] = (
    ("regulars", N_("Regulars"), N_("Guests with several visits")),
    ("lapsed_90", N_("Not seen 90 days"), N_("No visit in the last 90 days")),
    ("birthday_month", N_("Birthday this month"), N_("Birthday falls in this month")),
    ("no_consent", N_("No DM consent"), N_("Has not agreed to receive direct mail")),
)


class CustomersPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("customersPage")
        self._pending_select: int | None = None
        self._restore_scroll: int | None = None

        self.search = QLineEdit()
        self.search.setObjectName("searchField")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(_("Search name, reading, phone, email or member code"))
        self.search.setAccessibleName(_("Search customers"))
        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self._apply_search)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self._on_search_return)

        self.new_button = QPushButton(_("New customer…"))
        self.new_button.setObjectName("newCustomerButton")
        self.new_button.setAccessibleName(_("Register a new customer"))
        self.new_button.clicked.connect(self.new_customer)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)

        # Quick filters wrap onto a second line when the pane is narrow.
        filter_bar = QWidget()
        filters = FlowLayout(filter_bar, spacing=4)
        self.filter_label = QLabel(_("Show only:"))
        filters.addWidget(self.filter_label)
        self.filter_buttons: dict[str, QToolButton] = {}
        for key, text, tip in FILTERS:
            button = QToolButton()
            button.setObjectName(f"filter_{key}")
            button.setText(_(text))
            button.setToolTip(_(tip))
            button.setAccessibleName(_(text))
            button.setCheckable(True)
            button.setAutoRaise(False)
            button.toggled.connect(lambda on, k=key: self._on_filter(k, on))
            filters.addWidget(button)
            self.filter_buttons[key] = button
        self.count_label = QLabel()
        self.count_label.setObjectName("resultCount")
        top.addWidget(self.count_label)
        top.addWidget(self.new_button)

        self.model = CustomerTableModel(ctx, self)
        self.model.loaded.connect(self._on_loaded)
        # Only a query slower than a blink says "Searching…" (no flicker on fast ones).
        self._busy_timer = QTimer(self, singleShot=True, interval=200)
        self._busy_timer.timeout.connect(self._show_busy)
        self.model.loading_changed.connect(
            lambda loading: self._busy_timer.start() if loading else self._busy_timer.stop()
        )
        self.model.failed.connect(self._on_failed)
        self.table = QTableView()
        self.table.setObjectName("customerTable")
        self.table.setAccessibleName(_("Customers"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the store's order until clicked
        self.table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._on_sort_indicator)
        for col, width in zip(range(len(COLUMNS)), (110, 105, 105, 85, 55, 85, 90), strict=True):
            self.table.setColumnWidth(col, width)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.table.doubleClicked.connect(lambda _index: self.edit_customer())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.activated.connect(lambda _index: self.edit_customer())

        self.detail = CustomerDetail(ctx)
        self.detail.editRequested.connect(lambda _id: self.edit_customer())
        self.detail.recordVisitRequested.connect(lambda _id: self.record_visit())

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(filter_bar)
        left_layout.addWidget(self.table, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("customersSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.splitter)

        ui_actions.install_search_keys(self.search, self._to_table)

        self._refresh_timer = QTimer(self, singleShot=True, interval=0)
        self._refresh_timer.timeout.connect(self.refresh)
        ctx.changed.connect(self._on_changed)

        self.restore_ui_state()
        ctx.mode_changed.connect(self._apply_mode)
        self.model.modelReset.connect(self._apply_columns)  # a reset shows every section again
        self.model.layoutChanged.connect(self._apply_columns)
        self._apply_mode(ctx.mode)
        self.model.reload()

    def _on_changed(self, changes: Changes) -> None:
        # the table's counts, last visits and the detail's coupons and mailings
        if changes.any_of("customers", "visits", "coupons", "mailings"):
            self._refresh_timer.start()

    def _apply_mode(self, mode: str) -> None:
        """Staff mode: no money per guest (the Total spent column goes; visits stay)."""
        self._apply_columns()
        self.detail.apply_mode(mode)

    def _apply_columns(self, *_args) -> None:
        column = COLUMN_KEYS.index("total_spent")
        self.table.setColumnHidden(column, self.ctx.mode != "owner")

    # --- search and filters -------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def current_filter(self) -> str | None:
        return next((k for k, b in self.filter_buttons.items() if b.isChecked()), None)

    def _on_filter(self, key: str, on: bool) -> None:
        if on:  # one quick filter at a time; clicking the active one again shows everyone
            for other, button in self.filter_buttons.items():
                if other != key and button.isChecked():
                    button.blockSignals(True)
                    button.setChecked(False)
                    button.blockSignals(False)
        self._apply_search()

    def _apply_search(self) -> None:
        self._debounce.stop()
        self.model.set_search(self.search.text().strip(), self.current_filter())

    def _on_search_return(self) -> None:
        self._apply_search()
        if self.model.rowCount() and not self.model.is_loading:
            self._to_table()

    def _to_table(self) -> None:
        if self.model.rowCount():
            self.table.setFocus()
            if not self.table.currentIndex().isValid():
                self.table.setCurrentIndex(self.model.index(0, 0))

    def _on_sort_indicator(self, column: int, order) -> None:
        if COLUMNS[column][2] is None:  # tags: not sortable, put the indicator back
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(self.model.sort_column, order)
            header.blockSignals(False)

    def _on_loaded(self, total: int) -> None:
        self.count_label.setText(
            ngettext("{n} customer", "{n} customers", total).format(n=f"{total:,}")
        )
        scroll, self._restore_scroll = self._restore_scroll, None
        wanted = self._pending_select or self.ctx.selected_customer_id or self.detail.customer_id
        row = self.model.row_of(wanted) if wanted else None
        if row is not None:
            self._select_row(row, scroll=scroll is None)
            self._pending_select = None
        elif self._pending_select is None and self.detail.customer_id:
            self.detail.refresh()  # still shown, even when outside the current filter
        if scroll is not None:  # a refresh after a change: stay where the user was
            self.table.verticalScrollBar().setValue(scroll)

    def _show_busy(self) -> None:
        if self.model.is_loading:
            self.count_label.setText(_("Searching…"))

    def _on_failed(self, message: str) -> None:
        self.count_label.setText(_("Search failed: {error}").format(error=message))

    # --- selection ----------------------------------------------------------------------------
    def _on_current_row(self, current, _previous) -> None:
        customer_id = self.model.data(current, CUSTOMER_ID_ROLE) if current.isValid() else None
        if customer_id == self.detail.customer_id:
            return
        self.detail.set_customer(customer_id)
        self.ctx.selected_customer_id = customer_id
        self.ctx.customer_selected.emit(customer_id or 0)

    def _select_row(self, row: int, *, scroll: bool = True) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        if scroll:
            self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def selected_customer_id(self) -> int | None:
        return self.detail.customer_id

    def select_customer(self, customer_id: int) -> None:
        """Show ``customer_id``: in the table if the current search has them, in the detail pane."""
        row = self.model.row_of(customer_id)
        if row is not None:
            self._select_row(row)
            return
        self._pending_select = customer_id
        self.detail.set_customer(customer_id)
        self.ctx.selected_customer_id = customer_id
        self.ctx.customer_selected.emit(customer_id)
        # Not in the loaded rows: clear the search and filter, so the new guest is listed.
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        for button in self.filter_buttons.values():
            button.blockSignals(True)
            button.setChecked(False)
            button.blockSignals(False)
        self.model.query, self.model.filter = "", None
        self.model.reload()

    def _context_menu(self, pos) -> None:
        """Right-click on a guest: the window's commands for the selected customer."""
        index = self.table.indexAt(pos)
        window = self.window()
        if not index.isValid() or not hasattr(window, "registry"):
            return
        self._select_row(index.row(), scroll=False)
        menu = QMenu(self)
        for key in ("record_visit", "edit_customer", None, "export_customer", "erase_customer"):
            if key is None:
                menu.addSeparator()
            else:
                menu.addAction(window.registry[key])
        menu.exec(self.table.viewport().mapToGlobal(pos))

    # --- commands -----------------------------------------------------------------------------
    def new_customer(self) -> None:
        saved = ui_actions.open_customer_dialog(self.ctx, None, self.window())
        if saved:
            self.select_customer(saved)

    def edit_customer(self) -> None:
        if self.detail.customer_id:
            ui_actions.open_customer_dialog(self.ctx, self.detail.customer_id, self.window())

    def record_visit(self) -> None:
        ui_actions.open_visit_dialog(self.ctx, self.detail.customer_id, self.window())

    def refresh(self) -> None:
        """After a change elsewhere: same query, same rows loaded, same scroll position."""
        self._restore_scroll = self.table.verticalScrollBar().value()
        self.model.refresh()
        if self.detail.customer_id:
            self.detail.refresh()

    # --- kept across a rebuild (language switch) -------------------------------------------------
    def view_state(self) -> dict:
        """What the user was looking at: search text (and cursor), filter, guest, scroll."""
        return {
            "search": self.search.text(),
            "cursor": self.search.cursorPosition(),
            "search_focused": self.window().focusWidget() is self.search,
            "filter": self.current_filter(),
            "customer_id": self.detail.customer_id,
            "scroll": self.table.verticalScrollBar().value(),
            "rows": self.model.loaded_rows(),
        }

    def restore_view_state(self, state: dict) -> None:
        """Show what ``view_state`` saved (on a fresh page, right after it was built)."""
        self._debounce.stop()
        self.search.blockSignals(True)
        self.search.setText(state.get("search", ""))
        self.search.setCursorPosition(state.get("cursor", len(self.search.text())))
        self.search.blockSignals(False)
        for key, button in self.filter_buttons.items():
            button.blockSignals(True)
            button.setChecked(key == state.get("filter"))
            button.blockSignals(False)
        customer_id = state.get("customer_id")
        if customer_id:
            self._pending_select = customer_id
            self.detail.set_customer(customer_id)
        self._restore_scroll = state.get("scroll")
        self.model.query, self.model.filter = self.search.text().strip(), self.current_filter()
        self.model.refresh(rows=state.get("rows"))
        if state.get("search_focused"):  # once the page is in the window and shown
            QTimer.singleShot(0, self.search, lambda: self.search.setFocus())

    # --- remembered layout --------------------------------------------------------------------
    def restore_ui_state(self, settings: QSettings | None = None) -> None:
        s = settings or ui_settings()
        state = s.value("customers/splitter")
        if state is None or not self.splitter.restoreState(state):
            self.splitter.setSizes([670, 510])
        header = s.value("customers/header")
        if header is not None:
            self.table.horizontalHeader().restoreState(header)  # widths and the sort order

    def save_ui_state(self, settings: QSettings | None = None) -> None:
        s = settings or ui_settings()
        s.setValue("customers/splitter", self.splitter.saveState())
        s.setValue("customers/header", self.table.horizontalHeader().saveState())


__all__ = ["COLUMN_KEYS", "FILTERS", "CustomersPage"]
