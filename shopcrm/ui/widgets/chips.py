"""Chips: small coloured labels with a remove button, laid out in wrapping rows.

``FlowLayout`` wraps its items like words in a paragraph. ``Chip`` is one label (a preference,
a tag); ``PreferenceChips`` shows a guest's preferences as chips coloured by level (love, like,
dislike, allergy) with the kind (drink, food, seat, other) in front, and asks for removal through
``removeRequested(preference_id)`` so the owner of the data decides what happens.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from shopcrm.domain.models import PREFERENCE_KIND_LABELS, PREFERENCE_LEVEL_LABELS, PREFERENCE_LEVELS
from shopcrm.i18n import _
from shopcrm.ui.theme import LEVEL_MARKS, chip_style


class FlowLayout(QLayout):
    """Left-to-right layout that wraps to the next line when a row is full."""

    def __init__(self, parent=None, spacing: int = 6):
        super().__init__(parent)
        self._items: list = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self):
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._layout(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._layout(rect, apply=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _layout(self, rect: QRect, *, apply: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, line_height = area.x(), area.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x + hint.width() > area.right() + 1 and line_height > 0:
                x = area.x()
                y += line_height + self._spacing
                line_height = 0
            if apply:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y() + m.bottom()

    def clear(self) -> None:
        while self._items:
            item = self._items.pop()
            widget = item.widget()
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()


class Chip(QFrame):
    """One chip: text on a coloured background, with an optional × that asks for removal."""

    removeClicked = Signal()
    preference_id: int | None = None  # set when the chip shows a stored preference

    def __init__(self, text: str, level: str = "", *, removable: bool = True, parent=None):
        super().__init__(parent)
        self.setObjectName("chip")
        self.level = level
        self.setStyleSheet(chip_style(level))
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 2, 4 if removable else 10, 2)
        row.setSpacing(2)
        self.label = QLabel(text)
        self.label.setObjectName("chipLabel")
        row.addWidget(self.label)
        self.remove_button = None
        if removable:
            button = QToolButton()
            button.setObjectName("chipRemove")
            button.setText("×")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            tip = _("Remove {item}").format(item=text)
            button.setToolTip(tip)
            button.setAccessibleName(tip)
            button.clicked.connect(self.removeClicked)
            row.addWidget(button)
            self.remove_button = button
        self.setAccessibleName(text)

    def text(self) -> str:
        return self.label.text()


def preference_text(pref) -> str:
    """How a preference reads on its chip: "♥ Love · Drink · 獺祭": the level's mark and word
    first (not the colour alone), then the kind and the item."""
    kind = PREFERENCE_KIND_LABELS.get(pref.kind)
    level = PREFERENCE_LEVEL_LABELS.get(pref.level)
    mark = LEVEL_MARKS.get(pref.level, "")
    head = f"{mark} {_(level)}" if level else pref.level
    return f"{head.strip()} · {_(kind) if kind else pref.kind} · {pref.label}"


class PreferenceChips(QWidget):
    """A guest's preferences as chips: allergies first, then loves, likes and dislikes."""

    removeRequested = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.flow = FlowLayout(self)
        self._chips: list[Chip] = []
        self._empty = QLabel()
        self._empty.setEnabled(False)

    def set_preferences(self, prefs) -> None:
        self.flow.clear()
        self._chips = []
        order = {level: i for i, level in enumerate(("allergy", "love", "like", "dislike"))}
        for pref in sorted(prefs, key=lambda p: (order.get(p.level, 9), p.kind, p.label)):
            level_label = PREFERENCE_LEVEL_LABELS.get(pref.level, pref.level)
            chip = Chip(preference_text(pref), pref.level)
            chip.setToolTip(
                f"{_(level_label)}: {pref.label}" + (f"\n{pref.note}" if pref.note else "")
            )
            chip.setAccessibleName(preference_text(pref))
            chip.preference_id = pref.id
            chip.removeClicked.connect(lambda pid=pref.id: self.removeRequested.emit(pid))
            self.flow.addWidget(chip)
            self._chips.append(chip)
        if not self._chips:
            self._empty = QLabel(_("No preferences noted yet."))
            self._empty.setEnabled(False)
            self.flow.addWidget(self._empty)
        self.updateGeometry()

    def chips(self) -> list[Chip]:
        return list(self._chips)


def level_legend() -> list[tuple[str, str]]:
    """(level, translated label) in display order, for the add-preference selector."""
    return [(level, _(PREFERENCE_LEVEL_LABELS[level])) for level in PREFERENCE_LEVELS]
