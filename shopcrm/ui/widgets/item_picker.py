"""``ItemPicker``: the shop's menu as chips grouped by category, with a filter box; each chip
carries a quantity ("生ビール ×3").

Built for the keyboard: type part of an item's name (kana and width are ignored, ``びーる``
finds ビール) and press Enter to add one of the first match; the filter then clears for the next
one. A number before or after the name sets the quantity (``びーる3``, ``3びーる``, ``びーる×3``;
``びーる0`` takes it off), and a leading minus takes one off (``-びーる``); Backspace in the empty
filter takes back the last one added. Enter on an empty filter is left to the dialog (it saves).

With the mouse: a click on a chip adds one, the small − beside a chosen chip (or a right-click)
takes one off. The guest's favourites get a ★ and a row of their own at the top. Chips are
mouse/touch targets and stay out of the Tab chain.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from shopcrm.domain.kana import search_key
from shopcrm.domain.models import MenuItem
from shopcrm.domain.money import format_money
from shopcrm.i18n import _

CHIP_STYLE = """
QToolButton { border: 1px solid palette(mid); border-radius: 11px; padding: 3px 10px; }
QToolButton:checked { background: #1565c0; color: white; border-color: #0d47a1; }
"""
MINUS_STYLE = """
QToolButton { border: 1px solid palette(mid); border-radius: 9px; padding: 0px 5px;
              margin-left: 2px; font-weight: bold; }
"""
MAX_QUANTITY = 999  # what the store accepts
_MINUS = "-−－"  # hyphen, minus sign, full-width hyphen-minus
# "びーる3", "びーる 3", "びーる×3", "びーるx3", "びーる*3" and "3びーる", "3 びーる", "3×びーる"
_QTY_AFTER = re.compile(r"^(.*?\S)\s*[×xX*＊]?\s*(\d{1,3})$")
_QTY_BEFORE = re.compile(r"^(\d{1,3})\s*[×xX*＊]?\s*(\S.*)$")


def match_key(text: str) -> str:
    """What the filter compares: the store's search normaliser (kana/width/case folded)."""
    return search_key(text)


class FilterEntry(NamedTuple):
    """What the filter text asks for: the item text, a quantity to set (``None``: add one) and
    whether it takes items off instead (a leading minus)."""

    query: str
    quantity: int | None = None
    take_off: bool = False


def parse_entry(text: str, known_keys: Sequence[str] = ()) -> FilterEntry:
    """Split ``"びーる3"`` into ``("びーる", 3)``. Text that is the start of an item's name as it
    stands (``"焼酎25"`` for 焼酎25度) is taken literally, so a number in a name still works."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    take_off = bool(text) and text[0] in _MINUS
    if take_off:
        text = text[1:].strip()
    key = match_key(text)
    if key and any(k.startswith(key) for k in known_keys):
        return FilterEntry(text, None, take_off)
    m = _QTY_AFTER.match(text)
    if m and match_key(m.group(1)):
        return FilterEntry(m.group(1).strip(), int(m.group(2)), take_off)
    m = _QTY_BEFORE.match(text)
    if m and match_key(m.group(2)):
        return FilterEntry(m.group(2).strip(), int(m.group(1)), take_off)
    return FilterEntry(text, None, take_off)


def _item_id(item: MenuItem) -> int:
    """A menu item's id: the picker shows the store's menu, whose items are all saved."""
    assert item.id is not None, "the picker shows saved menu items"
    return item.id


def with_quantity(name: str, quantity: int) -> str:
    """``"生ビール ×3"``; a single one is just the name."""
    return f"{name} ×{quantity}" if quantity > 1 else name


class FlowLayout(QLayout):
    """Lays children out left to right, wrapping to the next line (Qt's flow layout example)."""

    def __init__(self, parent=None, spacing: int = 6):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item):
        self._items.append(item)

    def count(self):
        return len(self._items)

    def itemAt(self, index):
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index):
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self):
        return Qt.Orientation(0)

    def hasHeightForWidth(self):
        return True

    def heightForWidth(self, width):
        return self._layout(QRect(0, 0, width, 0), test=True)

    def setGeometry(self, rect):
        super().setGeometry(rect)
        self._layout(rect, test=False)

    def sizeHint(self):
        return self.minimumSize()

    def minimumSize(self):
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _layout(self, rect: QRect, test: bool) -> int:
        x, y, line = rect.x(), rect.y(), 0
        gap = self.spacing()
        for item in self._items:
            widget = item.widget()
            if widget is not None and widget.isHidden():
                continue
            hint = item.sizeHint()
            if x + hint.width() > rect.right() and line > 0:
                x, y, line = rect.x(), y + line + gap, 0
            if not test:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + gap
            line = max(line, hint.height())
        return y + line - rect.y()


class _FilterEdit(QLineEdit):
    """The filter box: Enter adds the first match, Backspace when empty takes the last one back."""

    def __init__(self, picker: ItemPicker):
        super().__init__(picker)
        self._picker = picker

    def keyPressEvent(self, event: QKeyEvent):
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.text().strip():
            self._picker.enter_filter()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Backspace and not self.text() and self._picker.undo_last():
            event.accept()
            return
        super().keyPressEvent(event)


class ItemChip(QWidget):
    """One menu item: a chip that adds one per click, and a small − shown once it is chosen."""

    def __init__(self, picker: ItemPicker, item: MenuItem, parent: QWidget):
        super().__init__(parent)
        item_id = _item_id(item)
        self.item_id = item_id
        self.label = item.name
        self.button = QToolButton(self)
        self.button.setCheckable(True)
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.setStyleSheet(CHIP_STYLE)
        self.button.setToolTip(
            f"{item.name} {format_money(item.price)}\n"
            + _("Click: one more · right-click or −: one less")
        )
        self.button.clicked.connect(lambda _on: picker.add(item_id))
        self.button.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.button.customContextMenuRequested.connect(lambda _p: picker.add(item_id, -1))
        self.minus = QToolButton(self)
        self.minus.setText("−")
        self.minus.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.minus.setStyleSheet(MINUS_STYLE)
        self.minus.setAccessibleName(_("One less {item}").format(item=item.name))
        self.minus.setToolTip(self.minus.accessibleName())
        self.minus.clicked.connect(lambda: picker.add(item_id, -1))
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.button)
        lay.addWidget(self.minus)
        self.show_quantity(0)

    def set_label(self, label: str, quantity: int) -> None:
        self.label = label
        self.show_quantity(quantity)

    def show_quantity(self, quantity: int) -> None:
        text = with_quantity(self.label, quantity)
        self.button.setText(text)
        self.button.setAccessibleName(text)
        self.button.setChecked(quantity > 0)
        self.minus.setVisible(quantity > 0)

    def text(self) -> str:
        return self.button.text()


class ItemPicker(QWidget):
    """Menu items as chips with quantities; ``selected_quantities()`` in menu order;
    ``selection_changed`` signal."""

    selection_changed = Signal()

    def __init__(self, items: list[MenuItem], parent=None):
        super().__init__(parent)
        self.setObjectName("itemPicker")
        self._items = {_item_id(item): item for item in items}
        self._order = [_item_id(item) for item in items]
        self._keys = {_item_id(item): match_key(item.name) for item in items}
        # The reading too (えだ finds 枝豆), when the item has one.
        self._reading_keys = {_item_id(item): match_key(item.reading or "") for item in items}
        self._quantities: dict[int, int] = {}
        self._added: list[int] = []  # item ids in the order ones were added (for Backspace)
        self._buttons: dict[int, list[ItemChip]] = {}
        self._favourites: list[int] = []

        self.filter = _FilterEdit(self)
        self.filter.setObjectName("itemFilterField")
        self.filter.setAccessibleName(_("Filter menu items"))
        self.filter.setPlaceholderText(_("Type an item, Enter adds it; びーる3 adds three"))
        self.filter.setToolTip(
            _(
                "Enter adds one of the first match. A number sets how many (びーる3, 3びーる),"
                " 0 or a leading minus takes it off (びーる0, -びーる)."
                " Backspace in the empty box takes back the last one added."
            )
        )
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        self.hint = QLabel(self)
        self.hint.setObjectName("itemPickerHint")
        self.summary = QLabel(self)
        self.summary.setObjectName("itemPickerSummary")
        self.summary.setWordWrap(True)

        self._body = QWidget()
        self._body_layout = QVBoxLayout(self._body)
        self._body_layout.setContentsMargins(2, 2, 2, 2)
        self._body_layout.setSpacing(4)
        self._fav_row = self._group(_("★ Favourites"), [])
        self._groups: list[tuple[QLabel, QWidget, list[int]]] = []
        by_category: dict[str, list[int]] = {}
        for item_id in self._order:
            item = self._items[item_id]
            by_category.setdefault(item.category or _("Other"), []).append(item_id)
        for category, ids in by_category.items():
            self._groups.append(self._group(category, ids))
        self._body_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._body)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setMinimumHeight(150)
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.hint)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addWidget(scroll, 1)
        lay.addWidget(self.summary)
        self._set_favourite_row_visible(False)
        self._apply_filter("")
        self._update_summary()

    # --- building -----------------------------------------------------------------------------
    def _group(self, title: str, ids: list[int]) -> tuple[QLabel, QWidget, list[int]]:
        label = QLabel(f"<b>{title}</b>", self._body)
        chips = QWidget(self._body)
        chips.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        flow = FlowLayout(chips)
        for item_id in ids:
            flow.addWidget(self._chip(item_id, chips))
        self._body_layout.addWidget(label)
        self._body_layout.addWidget(chips)
        return label, chips, list(ids)

    def _chip(self, item_id: int, parent: QWidget, label: str | None = None) -> ItemChip:
        chip = ItemChip(self, self._items[item_id], parent)
        chip.set_label(label or self._items[item_id].name, self.quantity(item_id))
        self._buttons.setdefault(item_id, []).append(chip)
        return chip

    def chips(self, item_id: int) -> list[ItemChip]:
        """The chips showing ``item_id`` (two when it is also a favourite)."""
        return list(self._buttons.get(item_id, []))

    def _set_favourite_row_visible(self, visible: bool) -> None:
        self._fav_row[0].setVisible(visible)
        self._fav_row[1].setVisible(visible)

    # --- favourites ---------------------------------------------------------------------------
    def set_favourites(self, names: list[str]) -> None:
        """Mark the items named in ``names`` with ★ and repeat them in a row at the top."""
        keys = [match_key(n) for n in names]
        by_key = {self._keys[i]: i for i in self._order}
        wanted = [by_key[k] for k in keys if k in by_key]
        wanted = list(dict.fromkeys(wanted))
        chips_widget = self._fav_row[1]
        flow = chips_widget.layout()
        assert flow is not None  # _group gave the row its FlowLayout
        for item_id in self._favourites:  # drop the old favourite chips
            for chip in list(self._buttons.get(item_id, [])):
                if chip.parent() is chips_widget:
                    self._buttons[item_id].remove(chip)
                    flow.removeWidget(chip)
                    chip.deleteLater()
        self._favourites = wanted
        for item_id in self._order:
            star = "★ " if item_id in wanted else ""
            for chip in self._buttons.get(item_id, []):
                chip.set_label(star + self._items[item_id].name, self.quantity(item_id))
        for item_id in wanted:
            flow.addWidget(self._chip(item_id, chips_widget, "★ " + self._items[item_id].name))
        self._fav_row = (self._fav_row[0], chips_widget, wanted)
        self._apply_filter(self.filter.text())

    # --- quantities ---------------------------------------------------------------------------
    def quantity(self, item_id: int) -> int:
        return self._quantities.get(item_id, 0)

    def set_quantity(self, item_id: int, quantity: int, note: bool = True) -> None:
        """Set how many of ``item_id`` were ordered (0 takes it off; at most 999)."""
        quantity = max(0, min(int(quantity), MAX_QUANTITY))
        if self.quantity(item_id) == quantity:
            for chip in self._buttons.get(item_id, []):
                chip.show_quantity(quantity)  # a click flips the check mark; put it back
            return
        if note and quantity > self.quantity(item_id):
            self._added += [item_id] * (quantity - self.quantity(item_id))
        if quantity:
            self._quantities[item_id] = quantity
        else:
            self._quantities.pop(item_id, None)
        for chip in self._buttons.get(item_id, []):
            chip.show_quantity(quantity)
        self._update_summary()
        self.selection_changed.emit()

    def add(self, item_id: int, count: int = 1) -> None:
        """One more (or ``count`` more; negative takes off)."""
        self.set_quantity(item_id, self.quantity(item_id) + count)

    def set_selected(self, item_id: int, on: bool) -> None:
        """Tick (one, or keep the quantity) or take off entirely."""
        self.set_quantity(item_id, max(self.quantity(item_id), 1) if on else 0)

    def toggle(self, item_id: int) -> None:
        self.set_selected(item_id, not self.quantity(item_id))

    def undo_last(self) -> bool:
        """Take back the last one added; ``False`` when nothing is left to take back."""
        while self._added:
            item_id = self._added.pop()
            if self.quantity(item_id):
                self.set_quantity(item_id, self.quantity(item_id) - 1, note=False)
                return True
        return False

    def selected_quantities(self) -> list[tuple[MenuItem, int]]:
        """(item, quantity) for every chosen item, in menu order."""
        return [(self._items[i], self._quantities[i]) for i in self._order if i in self._quantities]

    def selected_items(self) -> list[MenuItem]:
        return [item for item, _n in self.selected_quantities()]

    def selected_total(self) -> int:
        return sum(item.price * n for item, n in self.selected_quantities())

    def matches(self, text: str) -> list[int]:
        """Item ids matching the filter text: name starts with it first, then contains it."""
        key = match_key(text)
        if not key:
            return list(self._order)
        readings = self._reading_keys
        starts = [
            i
            for i in self._order
            if self._keys[i].startswith(key) or (readings[i] and readings[i].startswith(key))
        ]
        contains = [
            i
            for i in self._order
            if (key in self._keys[i] or key in readings[i]) and i not in starts
        ]
        return starts + contains

    def entry(self, text: str | None = None) -> FilterEntry:
        """The filter text (or ``text``) read as item, quantity and add/take off."""
        return parse_entry(self.filter.text() if text is None else text, list(self._keys.values()))

    def _planned(self, entry: FilterEntry) -> tuple[int, int] | None:
        """(item id, its quantity after Enter) for ``entry``; ``None`` when nothing matches."""
        found = self.matches(entry.query)
        if not found:
            return None
        item_id = found[0]
        now = self.quantity(item_id)
        if entry.take_off:
            return item_id, max(0, now - (entry.quantity or 1))
        if entry.quantity is not None:
            return item_id, min(entry.quantity, MAX_QUANTITY)
        return item_id, min(now + 1, MAX_QUANTITY)

    def enter_filter(self) -> MenuItem | None:
        """What Enter in the filter does: apply the typed entry to the first match, clear."""
        planned = self._planned(self.entry())
        if planned is None:
            return None
        self.set_quantity(*planned)
        self.filter.clear()
        return self._items[planned[0]]

    toggle_first_match = enter_filter  # the name callers used before quantities

    # --- display ------------------------------------------------------------------------------
    def _apply_filter(self, text: str) -> None:
        entry = self.entry(text)
        visible = set(self.matches(entry.query))
        filtering = bool(match_key(entry.query))
        rows = [*self._groups, self._fav_row]
        for label, chips_widget, ids in rows:
            shown = [i for i in ids if i in visible]
            for item_id in ids:
                for chip in self._buttons.get(item_id, []):
                    if chip.parent() is chips_widget:
                        chip.setVisible(item_id in visible)
            on = bool(shown)
            if label is self._fav_row[0]:
                on = on and not filtering  # while filtering, each item shows once
            label.setVisible(on)
            chips_widget.setVisible(on)
            flow = chips_widget.layout()
            assert flow is not None  # _group gave every row its FlowLayout
            flow.invalidate()
        if filtering:
            planned = self._planned(entry)
            if planned is None:
                self.hint.setText(_("No item matches"))
            elif planned[1] == 0:
                self.hint.setText(
                    _("Enter: take off {item}").format(item=self._items[planned[0]].name)
                )
            else:
                name = with_quantity(self._items[planned[0]].name, planned[1])
                self.hint.setText(_("Enter: {item}").format(item=name))
        else:
            self.hint.setText("")

    def _update_summary(self) -> None:
        chosen = self.selected_quantities()
        if not self._items:
            self.summary.setText(_("The menu is empty: add items in the menu editor."))
            return
        if not chosen:
            self.summary.setText(_("No items ticked"))
            return
        names = "、".join(with_quantity(item.name, n) for item, n in chosen)
        self.summary.setText(
            _("Ticked: {items} (menu prices {total})").format(
                items=names, total=format_money(self.selected_total())
            )
        )
