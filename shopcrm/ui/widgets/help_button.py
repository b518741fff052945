"""``HelpButton``: the small "?" beside a figure; hover or click it for the figure's one-line
explanation (``services.glossary``), in the user's language."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QToolTip, QWidget

from shopcrm.i18n import _
from shopcrm.services import glossary


class HelpButton(QToolButton):
    def __init__(self, key: str, parent=None):
        super().__init__(parent)

        self.key = key
        self.setText("?")
        self.setObjectName(f"help_{key}")
        self.setAutoRaise(True)
        self.setToolTip(glossary.tip(key))
        self.setAccessibleName(_("What is {title}?").format(title=glossary.title(key)))
        self.clicked.connect(self.show_text)

    def show_text(self) -> None:
        QToolTip.showText(self.mapToGlobal(QPoint(0, self.height())), self.toolTip(), self)


def with_help(label: QLabel, key: str) -> QWidget:
    """``label`` with its "?" beside it (the label gets the same tooltip)."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(2)
    button = HelpButton(key, box)
    label.setToolTip(button.toolTip())
    row.addWidget(label)
    row.addWidget(button)
    row.addStretch(1)
    return box
