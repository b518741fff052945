"""``MenuDialog``: the menu editor (settings) — categories and their items with prices.

Left: categories (name, kind drink/food/other) in display order; right: the items of the selected
category (name, price in yen, active). Rows are added, removed and moved up/down in place. Bad
cells (empty name, a price that is not a whole amount ≥ 0, a category name used twice) turn red
with the reason under the table, and Save writes everything in one transaction or nothing.
Past visits keep the names and prices they were recorded with, so editing the menu never rewrites
history; switching an item off (not active) hides it from the visit dialog but keeps it here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from shopcrm.domain.changes import Changes
from shopcrm.domain.models import MenuCategory, MenuItem
from shopcrm.domain.money import parse_money
from shopcrm.domain.readings import guess_reading
from shopcrm.domain.rules import ValidationError
from shopcrm.i18n import N_, _
from shopcrm.store import menu
from shopcrm.store.db import atomic
from shopcrm.ui.dialogs.base import DialogBase
from shopcrm.ui.widgets.field_error import ERROR_COLOR, FieldError

READING_COLUMN = 3  # the item table's reading column (after item, price, active)
KIND_LABELS = {"drink": N_("Drink"), "food": N_("Food"), "other": N_("Other")}


@dataclass
class _Item:
    name: str
    price: str  # as typed; parsed on validation
    active: bool = True
    id: int | None = None
    reading: str = ""  # katakana; empty = filled from the name on save where it can be


@dataclass
class _Category:
    name: str
    kind: str = "food"
    id: int | None = None
    items: list[_Item] = field(default_factory=list)


class MenuDialog(DialogBase):
    """Edit the shop's menu; changes are written on Save (``saved`` is then True)."""

    owner_only = True  # closes when owner mode locks

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.setObjectName("menuDialog")
        self.setWindowTitle(_("Menu"))
        self.saved = False
        self._loading = False
        self._load()
        self._build()
        self._fill_categories()
        if self.categories:
            self.category_table.selectRow(0)
        self.resize(820, 520)

    # --- data ----------------------------------------------------------------------------------
    def _load(self) -> None:
        self.categories: list[_Category] = [
            _Category(c.name, c.kind, c.id) for c in menu.categories(self.ctx.db)
        ]
        by_id = {c.id: c for c in self.categories}
        self._original_item_ids: set[int] = set()
        # Categories read from the store are all saved (have ids).
        self._original_category_ids = {cat_id for cat_id in by_id if cat_id is not None}
        orphans: list[_Item] = []
        for item in menu.items(self.ctx.db, active_only=False):
            row = _Item(item.name, str(item.price), item.active, item.id, item.reading)
            assert item.id is not None  # read from the store: saved
            self._original_item_ids.add(item.id)
            (by_id[item.category_id].items if item.category_id in by_id else orphans).append(row)
        if orphans:  # items without a category get one, so they can be edited
            self.categories.append(_Category(_("Uncategorised"), "other", None, orphans))

    # --- layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        self.category_table = QTableWidget(0, 2, self)
        self.category_table.setObjectName("menuCategoryTable")
        self.category_table.setAccessibleName(_("Menu categories"))
        self.category_table.setHorizontalHeaderLabels([_("Category"), _("Kind")])
        self.item_table = QTableWidget(0, 4, self)
        self.item_table.setObjectName("menuItemTable")
        self.item_table.setAccessibleName(_("Menu items"))
        self.item_table.setHorizontalHeaderLabels(
            [_("Item"), _("Price (yen)"), _("Active"), _("Reading (kana)")]
        )
        reading_header = self.item_table.horizontalHeaderItem(READING_COLUMN)
        assert reading_header is not None  # set by setHorizontalHeaderLabels just above
        reading_header.setToolTip(
            _("Searched like the name: えだ finds 枝豆. Filled in from the name where it can be.")
        )
        for table in (self.category_table, self.item_table):
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            table.verticalHeader().setVisible(False)
            table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            table.setTabKeyNavigation(False)
        self.category_table.itemChanged.connect(self._on_category_edited)
        self.category_table.itemSelectionChanged.connect(self._fill_items)
        self.item_table.itemChanged.connect(self._on_item_edited)

        def buttons(prefix: str, add, remove, up, down) -> QHBoxLayout:
            row = QHBoxLayout()
            for name, text, slot in (
                ("Add", _("Add"), add),
                ("Remove", _("Remove"), remove),
                ("Up", _("Move up"), up),
                ("Down", _("Move down"), down),
            ):
                button = QPushButton(text, self)
                button.setObjectName(f"{prefix}{name}Button")
                button.setAutoDefault(False)
                button.clicked.connect(slot)
                row.addWidget(button)
            row.addStretch(1)
            return row

        grid = QGridLayout()
        grid.addWidget(QLabel(f"<b>{_('Categories')}</b>", self), 0, 0)
        grid.addWidget(QLabel(f"<b>{_('Items in the selected category')}</b>", self), 0, 1)
        grid.addWidget(self.category_table, 1, 0)
        grid.addWidget(self.item_table, 1, 1)
        grid.addLayout(
            buttons(
                "category",
                self.add_category,
                self.remove_category,
                lambda: self._move_category(-1),
                lambda: self._move_category(1),
            ),
            2,
            0,
        )
        grid.addLayout(
            buttons(
                "item",
                self.add_item,
                self.remove_item,
                lambda: self._move_item(-1),
                lambda: self._move_item(1),
            ),
            2,
            1,
        )
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        self.error = FieldError(self)
        self.error.setObjectName("menuError")
        note = QLabel(
            _("Items switched off stay here but are not offered when recording a visit."), self
        )
        self.buttons = self.make_button_box(_("Save"))
        self.save_button = self.buttons.button(self.buttons.StandardButton.Ok)
        self.save_button.setObjectName("menuSaveButton")
        lay = QVBoxLayout(self)
        lay.addLayout(grid, 1)
        lay.addWidget(note)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)

    # --- filling the tables --------------------------------------------------------------------
    def current_category(self) -> _Category | None:
        row = self.category_table.currentRow()
        return self.categories[row] if 0 <= row < len(self.categories) else None

    def _fill_categories(self, select: int | None = None) -> None:
        self._loading = True
        table = self.category_table
        table.setRowCount(len(self.categories))
        for row, cat in enumerate(self.categories):
            table.setItem(row, 0, QTableWidgetItem(cat.name))
            combo = QComboBox(table)
            combo.setAccessibleName(_("Kind"))
            for kind, label in KIND_LABELS.items():
                combo.addItem(_(label), kind)
            combo.setCurrentIndex(max(combo.findData(cat.kind), 0))
            combo.currentIndexChanged.connect(
                lambda _i, c=cat, box=combo: setattr(c, "kind", box.currentData())
            )
            table.setCellWidget(row, 1, combo)
        self._loading = False
        if select is not None and 0 <= select < len(self.categories):
            table.selectRow(select)
        self._fill_items()
        self.validate(show=bool(self.error.text()))

    def _fill_items(self, select: int | None = None) -> None:
        self._loading = True
        cat = self.current_category()
        rows = cat.items if cat else []
        table = self.item_table
        table.setRowCount(len(rows))
        for row, item in enumerate(rows):
            table.setItem(row, 0, QTableWidgetItem(item.name))
            price = QTableWidgetItem(item.price)
            price.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(row, 1, price)
            active = QTableWidgetItem()
            active.setFlags(
                Qt.ItemFlag.ItemIsUserCheckable
                | Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
            )
            active.setCheckState(Qt.CheckState.Checked if item.active else Qt.CheckState.Unchecked)
            table.setItem(row, 2, active)
            table.setItem(row, READING_COLUMN, QTableWidgetItem(item.reading))
        self._loading = False
        if select is not None and 0 <= select < len(rows):
            table.selectRow(select)
        self._paint_errors()

    # --- edits ---------------------------------------------------------------------------------
    def _on_category_edited(self, cell: QTableWidgetItem) -> None:
        if self._loading or cell.column() != 0:
            return
        self.categories[cell.row()].name = cell.text()
        self.validate(show=bool(self.error.text()))

    def _on_item_edited(self, cell: QTableWidgetItem) -> None:
        cat = self.current_category()
        if self._loading or cat is None:
            return
        item = cat.items[cell.row()]
        if cell.column() == 0:
            if item.reading and item.reading == guess_reading(item.name):
                # The reading was filled from the old name: let the new name's reading replace it.
                item.reading = ""
                self._loading = True
                reading_cell = self.item_table.item(cell.row(), READING_COLUMN)
                assert reading_cell is not None  # _fill_items fills every cell
                reading_cell.setText("")
                self._loading = False
            item.name = cell.text()
        elif cell.column() == READING_COLUMN:
            item.reading = cell.text()
        elif cell.column() == 1:
            item.price = cell.text()
        else:
            item.active = cell.checkState() == Qt.CheckState.Checked
        self.validate(show=True)

    def add_category(self) -> None:
        self.categories.append(_Category(_("New category")))
        self._fill_categories(select=len(self.categories) - 1)
        name_cell = self.category_table.item(len(self.categories) - 1, 0)
        assert name_cell is not None  # _fill_categories just filled the row
        self.category_table.editItem(name_cell)

    def remove_category(self) -> None:
        cat = self.current_category()
        if cat is None:
            return
        if cat.items:
            self.error.show_message(
                _(
                    "Category “{name}” still has items: remove them or switch them off first."
                ).format(name=cat.name)
            )
            return
        row = self.categories.index(cat)
        self.categories.remove(cat)
        self._fill_categories(select=min(row, len(self.categories) - 1))

    def _move_category(self, step: int) -> None:
        row = self.category_table.currentRow()
        target = row + step
        if 0 <= row < len(self.categories) and 0 <= target < len(self.categories):
            cats = self.categories
            cats[row], cats[target] = cats[target], cats[row]
            self._fill_categories(select=target)

    def add_item(self) -> None:
        cat = self.current_category()
        if cat is None:
            self.error.show_message(_("Add a category first."))
            return
        cat.items.append(_Item(_("New item"), "0"))
        self._fill_items(select=len(cat.items) - 1)
        name_cell = self.item_table.item(len(cat.items) - 1, 0)
        assert name_cell is not None  # _fill_items just filled the row
        self.item_table.editItem(name_cell)

    def remove_item(self) -> None:
        cat = self.current_category()
        row = self.item_table.currentRow()
        if cat is None or not 0 <= row < len(cat.items):
            return
        del cat.items[row]
        self._fill_items(select=min(row, len(cat.items) - 1))
        self.validate(show=bool(self.error.text()))

    def _move_item(self, step: int) -> None:
        cat = self.current_category()
        row = self.item_table.currentRow()
        target = row + step
        if cat and 0 <= row < len(cat.items) and 0 <= target < len(cat.items):
            cat.items[row], cat.items[target] = cat.items[target], cat.items[row]
            self._fill_items(select=target)

    # --- validation ----------------------------------------------------------------------------
    def problems(self) -> list[tuple[int, int | None, int, str]]:
        """(category row, item row or None, column, message) for every bad cell."""
        found: list[tuple[int, int | None, int, str]] = []
        seen: set[str] = set()
        for c_row, cat in enumerate(self.categories):
            name = cat.name.strip()
            if not name:
                found.append((c_row, None, 0, _("Enter a name.")))
            elif name in seen:
                found.append((c_row, None, 0, _("A category with this name already exists.")))
            seen.add(name)
            for i_row, item in enumerate(cat.items):
                if not item.name.strip():
                    found.append((c_row, i_row, 0, _("Enter a name.")))
                try:
                    parse_money(item.price)
                except ValidationError as err:
                    found.append((c_row, i_row, 1, err.message))
        return found

    def validate(self, show: bool = True) -> bool:
        found = self.problems()
        self._problems = found
        if show and found:
            c_row, i_row, column, message = found[0]
            cat = self.categories[c_row]
            where = cat.name or _("(no name)")
            if i_row is not None:
                item = cat.items[i_row]
                label = _("Price") if column == 1 else _("Name")
                where = f"{where} › {item.name or _('(no name)')} › {label}"
            more = len(found) - 1
            text = f"{where}: {message}"
            if more:
                text += " " + _("(and {n} more)").format(n=more)
            self.error.show_message(text)
        elif not found:
            self.error.clear_message()
        self._paint_errors()
        return not found

    def _paint_errors(self) -> None:
        found = getattr(self, "_problems", [])
        cat_row = self.category_table.currentRow()
        self._loading = True
        bad_categories = {c for c, i, _col, _m in found}
        for row in range(self.category_table.rowCount()):
            cell = self.category_table.item(row, 0)
            if cell is not None:
                own = [m for c, i, _col, m in found if c == row and i is None]
                self._paint(cell, own[0] if own else ("…" if row in bad_categories else ""))
        for row in range(self.item_table.rowCount()):
            for column in (0, 1):
                cell = self.item_table.item(row, column)
                if cell is not None:
                    own = [
                        m for c, i, col, m in found if c == cat_row and i == row and col == column
                    ]
                    self._paint(cell, own[0] if own else "")
        self._loading = False

    @staticmethod
    def _paint(cell: QTableWidgetItem, message: str) -> None:
        if message:
            cell.setBackground(QBrush(QColor(ERROR_COLOR).lighter(190)))
            cell.setForeground(QBrush(QColor(ERROR_COLOR)))
            cell.setToolTip(
                message if message != "…" else _("An item in this category needs fixing.")
            )
        else:
            cell.setData(Qt.ItemDataRole.BackgroundRole, None)
            cell.setData(Qt.ItemDataRole.ForegroundRole, None)
            cell.setToolTip("")

    def _select_problem(self) -> None:
        c_row, i_row, column, _m = self._problems[0]
        self.category_table.selectRow(c_row)
        if i_row is not None:
            self.item_table.setCurrentCell(i_row, column)
            self.item_table.setFocus()
        else:
            self.category_table.setCurrentCell(c_row, 0)
            self.category_table.setFocus()

    # --- saving --------------------------------------------------------------------------------
    def on_accept(self) -> None:
        if not self.validate(show=True):
            self._select_problem()
            return
        kept_items = {i.id for c in self.categories for i in c.items if i.id is not None}
        kept_cats = {c.id for c in self.categories if c.id is not None}
        try:
            with atomic(self.ctx.db):
                for item_id in self._original_item_ids - kept_items:
                    menu.delete_item(self.ctx.db, item_id)
                for cat_id in self._original_category_ids - kept_cats:
                    menu.delete_category(self.ctx.db, cat_id)
                for c_order, cat in enumerate(self.categories, start=1):
                    record = MenuCategory(cat.name.strip(), cat.kind, cat.id, c_order)
                    saved = (
                        menu.update_category(self.ctx.db, record)
                        if cat.id is not None
                        else menu.add_category(self.ctx.db, record)
                    )
                    for i_order, item in enumerate(cat.items, start=1):
                        row = MenuItem(
                            name=item.name.strip(),
                            price=parse_money(item.price),
                            category_id=saved.id,
                            id=item.id,
                            active=item.active,
                            sort_order=i_order,
                            reading=item.reading,
                        )
                        if item.id is not None:
                            menu.update_item(self.ctx.db, row)
                        else:
                            menu.add_item(self.ctx.db, row)
        except ValidationError as err:
            self.error.show_message(str(err))
            return
        self.saved = True
        self.ctx.changed.emit(Changes(menu=True))
        self.accept()
