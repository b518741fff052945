"""What the owner sees when something goes wrong that no code expected: a readable message, where
the details are (the log file), and a "Copy details" button for whoever helps them.

``app.install_exception_hook`` shows it for every uncaught exception in the GUI (a slot that
raised). It is not modal, so an error raised again and again cannot trap the counter in a loop
of dialogs; at most ``MAX_OPEN`` are open at once (the rest go to the log only).
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from shopcrm.i18n import _
from shopcrm.paths import log_dir
from shopcrm.store.backup import storage_error_message

MAX_OPEN = 3
_open: list[ErrorDialog] = []


def readable(exc: BaseException) -> str:
    """One sentence about ``exc`` for the owner: a storage problem in plain words, else the
    error's own text (our errors are translated sentences), else its kind."""
    return storage_error_message(exc) or str(exc) or type(exc).__name__


class ErrorDialog(QDialog):
    def __init__(self, exc: BaseException, details: str, log_file=None, parent=None):
        super().__init__(parent)
        self.setObjectName("errorDialog")
        self.setWindowTitle(_("shopcrm ran into a problem"))
        self.details = details
        self.message = QLabel(
            _(
                "Something went wrong: {error}\n\nWhat you saved before is safe: every change is"
                " saved whole or not at all. If this happens again, send the details to whoever"
                " helps you with shopcrm."
            ).format(error=readable(exc))
        )
        self.message.setObjectName("errorMessage")
        self.message.setWordWrap(True)
        where = QLabel(_("The details are also in the log file: {path}").format(path=log_file))
        where.setWordWrap(True)
        where.setVisible(log_file is not None)
        self.text = QPlainTextEdit(details)
        self.text.setObjectName("errorDetails")
        self.text.setReadOnly(True)
        self.text.setAccessibleName(_("Error details"))
        self.text.setMinimumHeight(120)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(_("Copy details"))
        self.copy_button.setObjectName("copyDetailsButton")
        self.copy_button.clicked.connect(self.copy_details)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.log_button = QPushButton(_("Open log folder"))
        self.log_button.clicked.connect(open_log_folder)
        buttons.addButton(self.log_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(where)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(560, 360)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText(_("Copied"))


def show_error(exc: BaseException, details: str, log_file=None) -> ErrorDialog | None:
    """Show the error (not modal); ``None`` when ``MAX_OPEN`` error dialogs are open already."""
    # a closed one was deleted (``finished`` -> ``deleteLater``): let go of it, never ask it
    _open[:] = [d for d in _open if shiboken6.isValid(d) and d.isVisible()]
    if len(_open) >= MAX_OPEN:
        return None
    parent = QGuiApplication.instance() and _active_window()
    dialog = ErrorDialog(exc, details, log_file, parent)
    dialog.finished.connect(dialog.deleteLater)
    _open.append(dialog)
    dialog.show()
    dialog.raise_()
    return dialog


def _active_window():
    return QApplication.activeWindow()


def open_log_folder() -> bool:
    """Open the log folder in the file manager."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_dir())))
