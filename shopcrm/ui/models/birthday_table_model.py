"""``BirthdayTableModel``: the Coupons page's birthday list as a model the view reads lazily.

A month of birthdays at a big shop is thousands of guests (3,800 at 50,000 guests, 15,000 at
200,000). Filling a ``QTableWidget`` made a cell object for every one of them on the UI thread
(0.6-0.9 s, and again on every filter change). This model keeps the ``BirthdayRow`` list the
campaigns service returns (loaded in a worker) and formats a cell only when the view paints or
measures it: the rows on screen, not the month.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from shopcrm.domain.dates import format_date
from shopcrm.i18n import N_, _

BIRTHDAY_HEADERS = (
    N_("Birthday"),
    N_("Age turned"),
    N_("Name"),
    N_("Reading (kana)"),
    N_("DM"),
    N_("Address"),
    N_("Visits"),
    N_("Last visit"),
)
ID_ROLE = Qt.ItemDataRole.UserRole  # the customer id, on every cell (as the table had)
_RIGHT = (1, 6)  # age and visit count
_ROOT = QModelIndex()


class BirthdayTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list = []
        self._yes, self._no = _("yes"), _("no")

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self._yes, self._no = _("yes"), _("no")
        self.endResetModel()

    def rowCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(BIRTHDAY_HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(BIRTHDAY_HEADERS[section])
        return None

    def text(self, row: int, column: int) -> str:
        """What the cell shows."""
        r = self.rows[row]
        c = r.customer
        if column == 0:
            return format_date(r.birthday)
        if column == 1:
            return "" if r.age is None else str(r.age)
        if column == 2:
            return c.name
        if column == 3:
            return c.kana
        if column == 4:
            return self._yes if r.can_mail else self._no
        if column == 5:
            return " ".join(c.address_lines) if c.has_complete_address else "—"
        if column == 6:
            return str(r.visit_count)
        return format_date(r.last_visit_at.date()) if r.last_visit_at else "—"

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(index.row(), index.column())
        if role == ID_ROLE:
            return self.rows[index.row()].customer.id
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in _RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
