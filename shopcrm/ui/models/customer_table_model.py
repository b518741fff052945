"""``CustomerTableModel``: the customer table, loaded lazily page by page off the UI thread.

The model never holds the whole customer list. A new query, filter or sort order counts the matches
and loads the first page of 100 in a worker thread (its own SQLite connection); scrolling near the
end asks for the next page the same way (``canFetchMore``/``fetchMore``). Every request carries a
generation number, so results of a query the user has already typed past are dropped, and the UI
thread only ever copies finished rows in. Sorting happens in SQL (``store.customers.search``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from shopcrm.domain.money import format_money
from shopcrm.domain.rules import format_phone
from shopcrm.i18n import N_, _
from shopcrm.store import customers
from shopcrm.ui.operations import QueryOp
from shopcrm.ui.operations import wait_for_interactive as wait_for_interactive  # tests, shutdown

PAGE_SIZE = 100  # the first page of a query; later pages grow with what is loaded
MAX_PAGE_SIZE = 5000
_ROOT = QModelIndex()

# (key, header msgid, store order_by or None when the column cannot be sorted)
COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("name", N_("Name"), "name"),
    ("kana", N_("Reading"), "kana"),
    ("phone", N_("Phone"), "phone"),
    ("last_visit", N_("Last visit"), "last_visit"),
    ("visits", N_("Visits"), "visits"),
    ("total_spent", N_("Total spent"), "total_spent"),
    ("tags", N_("Tags"), "tags"),  # by first tag, untagged last
)
COLUMN_KEYS = tuple(c[0] for c in COLUMNS)
CUSTOMER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 2


def format_day(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    day = value.date() if isinstance(value, dt.datetime) else value
    return day.isoformat()


@dataclass
class _Page:
    generation: int
    offset: int
    rows: list
    total: int | None  # counted with the first page of a query


class CustomerTableModel(QAbstractTableModel):
    """Rows of ``CustomerSummary`` for a search text, a quick filter and a sort order."""

    loading_changed = Signal(bool)
    loaded = Signal(int)  # total matches, after a (re)load finished
    failed = Signal(str)

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.query = ""
        self.filter: str | None = None
        self.order_by: str | None = None
        self.descending = False
        self.sort_column = -1
        self._rows: list = []
        self._total = 0
        self._generation = 0
        self._fetching = False  # a next-page request is out
        self._loading = False  # a new query is out
        self._row_of: dict[int, int] = {}

    # --- queries ----------------------------------------------------------------------------------
    def set_search(self, query: str, filter: str | None = None) -> None:
        if query == self.query and filter == self.filter:
            return
        self.query, self.filter = query, filter
        self.reload()

    def reload(self) -> None:
        """Count and load the first page for the current query (in a worker)."""
        self._generation += 1
        self._fetching = False
        self._set_loading(True)
        self._request(0, with_total=True)

    def refresh(self, rows: int | None = None) -> None:
        """Reload after a change, keeping as many rows as are loaded now (or ``rows``), so the
        view can stay where the user scrolled to."""
        self._generation += 1
        self._fetching = False
        self._set_loading(True)
        wanted = len(self._rows) if rows is None else rows
        keep = min(max(PAGE_SIZE, wanted), 4 * MAX_PAGE_SIZE)
        self._request(0, with_total=True, limit=keep)

    def _request(self, offset: int, *, with_total: bool, limit: int = PAGE_SIZE) -> None:
        generation = self._generation
        args = (self.query, self.filter, self.order_by, self.descending)

        def work(db, _task):
            query, filter_, order_by, descending = args
            rows = customers.search(
                db,
                query,
                filter=filter_,
                order_by=order_by,
                descending=descending,
                limit=limit,
                offset=offset,
            )
            total = customers.count(db, query, filter=filter_) if with_total else None
            return _Page(generation, offset, rows, total)

        op = QueryOp(parent=self, ctx=self.ctx, op=work, success=self._on_page)
        op.failure(self._on_error).interactive().run_in_background()

    def _on_page(self, page: _Page) -> None:
        if page.generation != self._generation:
            return  # the user typed on: this answer is for a query nobody wants any more
        if page.total is not None:
            self.beginResetModel()
            self._rows = list(page.rows)
            self._total = page.total
            self._reindex()
            self.endResetModel()
            self._set_loading(False)
            self.loaded.emit(self._total)
            return
        self._fetching = False
        if page.offset != len(self._rows) or not page.rows:
            if not page.rows:
                self._total = len(self._rows)  # the table shrank under us: stop asking
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
        self._rows.extend(page.rows)
        self._reindex(first)
        self.endInsertRows()

    def _on_error(self, exc: BaseException) -> None:
        self._fetching = False
        self._set_loading(False)
        self.failed.emit(str(exc) or type(exc).__name__)

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.loading_changed.emit(loading)

    def _reindex(self, start: int = 0) -> None:
        if start == 0:
            self._row_of = {}
        for i in range(start, len(self._rows)):
            self._row_of[self._rows[i].id] = i

    @property
    def is_loading(self) -> bool:
        return self._loading or self._fetching

    @property
    def total(self) -> int:
        return self._total

    def loaded_rows(self) -> int:
        return len(self._rows)

    def summary(self, row: int):
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, customer_id: int) -> int | None:
        return self._row_of.get(customer_id)

    # --- lazy loading -----------------------------------------------------------------------------
    def canFetchMore(self, parent=_ROOT) -> bool:
        if parent.isValid() or self._loading:
            return False
        return len(self._rows) < self._total

    def fetchMore(self, parent=_ROOT) -> None:
        if parent.isValid() or self._fetching or self._loading:
            return
        if len(self._rows) >= self._total:
            return
        self._fetching = True
        loaded = len(self._rows)
        # Someone scrolling far wants many rows: grow the page (100, 100, 200, 400 ... 5000) so
        # reaching the end of 50,000 takes a dozen queries, not five hundred.
        self._request(loaded, with_total=False, limit=min(MAX_PAGE_SIZE, max(PAGE_SIZE, loaded)))

    # --- Qt model API -----------------------------------------------------------------------------
    def rowCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return _(COLUMNS[section][1])
            if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[section][0] in (
                "visits",
                "total_spent",
            ):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None  # (not super().headerData: PySide6 6.x mis-counts references to None there)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        key = COLUMN_KEYS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, key)
        if role == CUSTOMER_ID_ROLE:
            return row.id
        if role == SUMMARY_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("visits", "total_spent"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and key == "name" and row.has_allergy:
            return _("Has an allergy: open the guest to see it.")
        if role == Qt.ItemDataRole.DecorationRole and key == "name" and row.has_allergy:
            return _allergy_icon()
        return None

    @staticmethod
    def _display(row, key: str) -> str:
        if key == "name":
            return row.name
        if key == "kana":
            return row.kana
        if key == "phone":
            return format_phone(row.phone)
        if key == "last_visit":
            return format_day(row.last_visit_at)
        if key == "visits":
            return f"{row.visit_count:,}"
        if key == "total_spent":
            return format_money(row.total_spent)
        if key == "tags":
            return ", ".join(row.tags)
        return ""

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or COLUMNS[column][2] is None:
            return
        order_by = COLUMNS[column][2]
        descending = order == Qt.SortOrder.DescendingOrder
        if (order_by, descending) == (self.order_by, self.descending):
            return
        self.order_by, self.descending, self.sort_column = order_by, descending, column
        self.reload()


_ICON = None


def _allergy_icon():
    """A small red dot beside the name of a guest with an allergy."""
    global _ICON
    if _ICON is None:
        pixmap = QPixmap(12, 12)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(QColor("#d32f2f"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(1, 1, 10, 10)
        painter.end()
        _ICON = QIcon(pixmap)
    return _ICON
