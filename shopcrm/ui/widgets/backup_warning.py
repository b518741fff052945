"""The warning that backups stopped working: in the status bar and on the Today page.

It shows ``ctx.backup_problem`` (set when the daily, closing or a manual backup fails) and stays
until a backup works again; it hides itself when there is nothing to say.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QSizePolicy

from shopcrm.i18n import _
from shopcrm.ui.widgets.field_error import ERROR_COLOR


class BackupWarning(QLabel):
    """``banner=True``: a wide box with the reason (Today page); else a short status-bar text."""

    def __init__(self, ctx, parent=None, *, banner: bool = False):
        super().__init__(parent)
        self.ctx = ctx
        self.banner = banner
        self.setObjectName("backupWarningBanner" if banner else "backupWarningStatus")
        self.setWordWrap(banner)
        if banner:
            self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
            self.setStyleSheet(
                f"background: #fdecea; color: {ERROR_COLOR}; border: 1px solid {ERROR_COLOR};"
                " border-radius: 4px; padding: 6px;"
            )
        else:
            self.setStyleSheet(f"color: {ERROR_COLOR}; font-weight: bold;")
        ctx.backup_status_changed.connect(self.update_text)
        ctx.language_changed.connect(self.update_text)
        self.update_text()

    def update_text(self, *_args) -> None:
        problem = self.ctx.backup_problem
        if self.banner:
            self.setText(
                _(
                    "Backups are not working: {problem} Fix this soon: without backups, a broken"
                    " disk loses the shop's records. File › Back up now tries again."
                ).format(problem=problem)
                if problem
                else ""
            )
        else:
            self.setText(_("Backup failed") if problem else "")  # red bold: no emoji (tofu)
            self.setToolTip(problem)
        self.setAccessibleName(_("Backup warning"))
        self.setVisible(bool(problem))
