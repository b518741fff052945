"""Chips: small coloured labels with a remove button, laid out in wrapping rows.

``Chip`` is one label (a preference, a tag); ``PreferenceChips`` shows a guest's preferences as
chips coloured by level (love, like, dislike, allergy) with the kind (drink, food, seat, other) in
front, laid out by the app's one ``FlowLayout``, and asks for removal through
``removeRequested(preference_id)`` so the owner of the data decides what happens.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from shopcrm.domain.models import PREFERENCE_KIND_LABELS, PREFERENCE_LEVEL_LABELS, PREFERENCE_LEVELS
from shopcrm.i18n import _
from shopcrm.ui.theme import LEVEL_MARKS, chip_style
from shopcrm.ui.widgets.flow_layout import FlowLayout


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
