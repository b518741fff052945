"""Inline field errors: a red message under an input and a red border on the input itself.

``FieldError`` is the label; ``mark_invalid(widget, message)`` sets or clears the red border and
puts the message in the widget's accessible description, so screen readers read it too.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

ERROR_COLOR = "#c62828"
OK_COLOR = "#2e7d32"
_INVALID_STYLE = f"border: 2px solid {ERROR_COLOR}; border-radius: 3px; padding: 1px;"


class FieldError(QLabel):
    """A small red message shown under a field; hidden while there is nothing to say."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.setStyleSheet(f"color: {ERROR_COLOR}; font-size: 90%;")
        self.hide()

    def show_message(self, message: str, *, ok: bool = False) -> None:
        """Show ``message`` (red, or green when ``ok``); an empty message hides the label."""
        color = OK_COLOR if ok else ERROR_COLOR
        self.setStyleSheet(f"color: {color}; font-size: 90%;")
        self.setText(message)
        self.setVisible(bool(message))

    def clear_message(self) -> None:
        self.show_message("")


def mark_invalid(widget: QWidget, message: str = "") -> None:
    """Give ``widget`` a red border and ``message`` as its accessible description ("" clears)."""
    invalid = bool(message)
    if bool(widget.property("invalid")) != invalid:
        widget.setProperty("invalid", invalid)
        widget.setStyleSheet(_INVALID_STYLE if invalid else "")
    widget.setAccessibleDescription(message)
