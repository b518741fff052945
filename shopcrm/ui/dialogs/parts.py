"""Widgets the data dialogs (backups, merge, import) build the same way: a read-only list to pick
one row from, a status line, a lone Close button in the user's language, and how an error is said
(``error_text``, ``show_error``). Here, not in one of the dialogs, so they need not import each
other."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
)

from shopcrm.i18n import _
from shopcrm.store.backup import storage_error_message


def pick_table(name: str, headers: list[str], stretch: tuple[int, ...] = (0,)) -> QTableWidget:
    """A read-only table (object name ``name``) whose rows are picked one at a time, whole; the
    ``stretch`` columns share the spare width."""
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    for col in stretch:
        table.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
    return table


def selected_row(table: QTableWidget) -> int | None:
    """The picked row of a ``pick_table``, or None."""
    rows = table.selectionModel().selectedRows()
    return rows[0].row() if rows else None


def status_label(name: str, *, selectable: bool = False) -> QLabel:
    """The wrapped line under the list that says what happened (its text selectable to copy an
    error message, with ``selectable``)."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def close_box(dialog: QDialog) -> QDialogButtonBox:
    """A button box with one translated Close button that closes ``dialog`` (``reject``)."""
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    box.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
    box.rejected.connect(dialog.reject)
    return box


def error_text(exc: BaseException) -> str:
    """A sentence for the user: storage problems in plain words, else the error itself."""
    return storage_error_message(exc) or str(exc) or exc.__class__.__name__


def show_error(parent, message: str, details: str = "") -> None:
    """A warning box with ``message`` (and ``details`` behind "Show Details...")."""
    box = QMessageBox(QMessageBox.Icon.Warning, "shopcrm", message, parent=parent)
    if details:
        box.setDetailedText(details)
    box.exec()
