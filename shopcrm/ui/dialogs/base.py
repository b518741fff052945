"""``DialogBase``: what every shopcrm dialog shares.

It keeps the dialog's size and position in QSettings under its class name (restored on open,
saved on close), and builds the standard OK/Cancel button box with translated button texts, so
Qt's own buttons read in the user's language.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QWidget

from shopcrm import APP_NAME, ORG_NAME
from shopcrm.i18n import _
from shopcrm.store.backup import storage_error_message


def ui_settings() -> QSettings:
    """The QSettings store for window geometry and other UI-only preferences."""
    return QSettings(ORG_NAME, APP_NAME)


class DialogBase(QDialog):
    """A dialog that remembers its geometry (key ``dialogs/<ClassName>/geometry``).

    ``owner_only`` dialogs (settings, import, export, merge, restore, menu, PIN) close themselves,
    unsaved, when owner mode locks again (idle lock or Lock owner mode): a Settings dialog left
    open at the counter cannot be saved by staff."""

    owner_only = False

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._geometry_restored = False
        mode_changed = getattr(ctx, "mode_changed", None)
        if self.owner_only and mode_changed is not None:
            mode_changed.connect(self._on_mode_changed)

    def _on_mode_changed(self, mode: str) -> None:
        if mode != "owner" and self.isVisible():
            self.reject()

    # --- geometry ------------------------------------------------------------------------------
    @classmethod
    def settings_key(cls) -> str:
        return f"dialogs/{cls.__name__}/geometry"

    def restore_geometry(self) -> bool:
        """Restore the saved size/position; ``False`` when there is none (first open)."""
        data = ui_settings().value(self.settings_key())
        if data:
            return bool(self.restoreGeometry(data))
        return False

    def save_geometry(self) -> None:
        settings = ui_settings()
        settings.setValue(self.settings_key(), self.saveGeometry())
        settings.sync()

    def showEvent(self, event):
        if not self._geometry_restored:
            self._geometry_restored = True
            self.restore_geometry()
        super().showEvent(event)

    def done(self, result: int) -> None:  # called by accept(), reject() and closing
        if self._geometry_restored:
            self.save_geometry()
        super().done(result)

    # --- saving --------------------------------------------------------------------------------
    def save_with_retry(self, save):
        """``save()``, or, when the disk or file refuses the write (full, read-only, busy, an I/O
        error), a message that says what happened and what to do, with Retry and Cancel. The
        dialog and everything typed in it stay as they are. Returns what ``save`` returned, or
        ``None`` when the user cancelled. Other errors propagate."""
        while True:
            try:
                return save()
            except Exception as exc:  # sqlite3 / OS errors, named by the store
                message = storage_error_message(exc)
                if message is None:
                    raise
            box = QMessageBox(self)
            box.setObjectName("saveFailedBox")
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle(_("Not saved"))
            box.setText(message)
            box.setInformativeText(_("What you typed is kept. Retry when the problem is fixed."))
            retry = box.addButton(_("Retry"), QMessageBox.ButtonRole.AcceptRole)
            box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(retry)
            box.exec()
            if box.clickedButton() is not retry:
                return None

    # --- buttons -------------------------------------------------------------------------------
    def make_button_box(self, ok_text: str | None = None) -> QDialogButtonBox:
        """An OK/Cancel box wired to ``on_accept`` and ``reject``; texts in the user's language."""
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = box.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(ok_text or _("OK"))
        ok.setDefault(True)
        cancel = box.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(_("Cancel"))
        box.accepted.connect(self.on_accept)
        box.rejected.connect(self.reject)
        return box

    def on_accept(self) -> None:
        """Validate and save; subclasses override (the default simply accepts)."""
        self.accept()
