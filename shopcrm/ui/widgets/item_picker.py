"""``ItemPicker``: the shop's menu as toggle chips grouped by category, with a filter box.

Built for the keyboard: type part of an item's name (kana and width are ignored, ``びーる``
finds ビール) and press Enter to toggle the first match; the filter then clears for the next one.
Enter on an empty filter is left to the dialog (it saves). The guest's favourites get a ★ and a
row of their own at the top. Chips are mouse/touch targets and stay out of the Tab chain.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from shopcrm.domain.models import MenuItem
from shopcrm.i18n import _

CHIP_STYLE = """
QToolButton { border: 1px solid palette(mid); border-radius: 11px; padding: 3px 10px; }
QToolButton:checked { background: #1565c0; color: white; border-color: #0d47a1; }
"""


def match_key(text: str) -> str:
    """What the filter compares: the store's search normaliser (kana/width/case folded)."""
    from shopcrm.domain.kana import search_key

    return search_key(text)


class FlowLayout(QLayout):
    """Lays children out left to right, wrapping to the next line (Qt's flow layout example)."""

    def __init__(self, parent=None, spacing: int = 6):
        super().__init__(parent)
        self._items = []
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
            if item.widget() is not None and item.widget().isHidden():
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
    """The filter box: Enter toggles the first match, Down/Up are left alone."""

    def __init__(self, picker: ItemPicker):
        super().__init__(picker)
        self._picker = picker

    def keyPressEvent(self, event: QKeyEvent):
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.text().strip():
            self._picker.toggle_first_match()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            event.accept()
            return
        super().keyPressEvent(event)


class ItemPicker(QWidget):
    """Menu items as chips; ``selected_items()`` in menu order; ``selection_changed`` signal."""

    selection_changed = Signal()

    def __init__(self, items: list[MenuItem], parent=None):
        super().__init__(parent)
        self.setObjectName("itemPicker")
        self._items = {item.id: item for item in items}
        self._order = [item.id for item in items]
        self._keys = {item.id: match_key(item.name) for item in items}
        self._selected: set[int] = set()
        self._buttons: dict[int, list[QToolButton]] = {}
        self._favourites: list[int] = []

        self.filter = _FilterEdit(self)
        self.filter.setObjectName("itemFilterField")
        self.filter.setAccessibleName(_("Filter menu items"))
        self.filter.setPlaceholderText(_("Type to find an item, Enter to tick it"))
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

    def _chip(self, item_id: int, parent: QWidget) -> QToolButton:
        from shopcrm.domain.money import format_money

        item = self._items[item_id]
        chip = QToolButton(parent)
        chip.setText(item.name)
        chip.setCheckable(True)
        chip.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        chip.setStyleSheet(CHIP_STYLE)
        chip.setToolTip(f"{item.name} {format_money(item.price)}")
        chip.setAccessibleName(item.name)
        chip.setChecked(item_id in self._selected)
        chip.toggled.connect(lambda on, i=item_id: self.set_selected(i, on))
        self._buttons.setdefault(item_id, []).append(chip)
        return chip

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
                chip.setText(star + self._items[item_id].name)
        for item_id in wanted:
            chip = self._chip(item_id, chips_widget)
            chip.setText("★ " + self._items[item_id].name)
            flow.addWidget(chip)
        self._fav_row = (self._fav_row[0], chips_widget, wanted)
        self._apply_filter(self.filter.text())

    # --- selection ----------------------------------------------------------------------------
    def set_selected(self, item_id: int, on: bool) -> None:
        if (item_id in self._selected) == on:
            return
        if on:
            self._selected.add(item_id)
        else:
            self._selected.discard(item_id)
        for chip in self._buttons.get(item_id, []):
            chip.blockSignals(True)
            chip.setChecked(on)
            chip.blockSignals(False)
        self._update_summary()
        self.selection_changed.emit()

    def toggle(self, item_id: int) -> None:
        self.set_selected(item_id, item_id not in self._selected)

    def selected_items(self) -> list[MenuItem]:
        return [self._items[i] for i in self._order if i in self._selected]

    def selected_total(self) -> int:
        return sum(item.price for item in self.selected_items())

    def matches(self, text: str) -> list[int]:
        """Item ids matching the filter text: name starts with it first, then contains it."""
        key = match_key(text)
        if not key:
            return list(self._order)
        starts = [i for i in self._order if self._keys[i].startswith(key)]
        contains = [i for i in self._order if key in self._keys[i] and i not in starts]
        return starts + contains

    def toggle_first_match(self) -> MenuItem | None:
        found = self.matches(self.filter.text())
        if not found:
            return None
        self.toggle(found[0])
        self.filter.clear()
        return self._items[found[0]]

    # --- display ------------------------------------------------------------------------------
    def _apply_filter(self, text: str) -> None:
        visible = set(self.matches(text))
        filtering = bool(match_key(text))
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
            chips_widget.layout().invalidate()
        if filtering:
            found = self.matches(text)
            self.hint.setText(
                _("Enter: {item}").format(item=self._items[found[0]].name)
                if found
                else _("No item matches")
            )
        else:
            self.hint.setText("")

    def _update_summary(self) -> None:
        from shopcrm.domain.money import format_money

        chosen = self.selected_items()
        if not self._items:
            self.summary.setText(_("The menu is empty: add items in the menu editor."))
            return
        if not chosen:
            self.summary.setText(_("No items ticked"))
            return
        names = "、".join(item.name for item in chosen)
        self.summary.setText(
            _("Ticked: {items} (menu prices {total})").format(
                items=names, total=format_money(self.selected_total())
            )
        )
