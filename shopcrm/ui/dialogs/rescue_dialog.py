"""``RescueDialog``: shown at start when the shop's database cannot be opened (damaged, or not a
shopcrm file). It says so in plain words and offers the backups, newest first, or another backup
file (a USB stick); restoring keeps the damaged file aside, named, and the app then starts on the
restored data.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
)

from shopcrm.i18n import _
from shopcrm.store import backup
from shopcrm.ui.dialogs.base import DialogBase


class RescueDialog(DialogBase):
    """Choose a backup to restore over a database that cannot be opened."""

    def __init__(self, db_path: Path, problem: str, parent=None):
        super().__init__(None, parent)
        self.setObjectName("rescueDialog")
        self.setWindowTitle(_("The database cannot be opened"))
        self.db_path = Path(db_path)
        self.restored_from: Path | None = None
        self.kept_as: Path | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "{problem}\n\nChoose a backup to restore. The damaged file is kept beside it,"
                " renamed, and nothing is deleted."
            ).format(problem=problem)
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget()
        self.list.setObjectName("rescueBackups")
        self.list.setAccessibleName(_("Backups"))
        for info in backup.list_backups(self.db_path):
            item = QListWidgetItem(
                f"{info.taken_at:%Y-%m-%d %H:%M}  {info.kind}  {info.size // 1024:,} KB"
            )
            item.setData(256, str(info.path))
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        layout.addWidget(self.list)
        box = QDialogButtonBox()
        self.restore_button = box.addButton(
            _("Restore the selected backup"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.restore_button.setObjectName("rescueRestore")
        self.restore_button.setEnabled(self.list.count() > 0)
        other = box.addButton(_("Other backup file…"), QDialogButtonBox.ButtonRole.ActionRole)
        other.setObjectName("rescueOther")
        quit_button = box.addButton(_("Quit"), QDialogButtonBox.ButtonRole.RejectRole)
        quit_button.setObjectName("rescueQuit")
        self.restore_button.clicked.connect(self._restore_selected)
        other.clicked.connect(self._restore_other)
        quit_button.clicked.connect(self.reject)
        layout.addWidget(box)
        self.resize(560, 360)

    def _restore_selected(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.restore(Path(item.data(256)))

    def _restore_other(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Backup file"), str(self.db_path.parent), _("Databases (*.db)")
        )
        if path:
            self.restore(Path(path))

    def restore(self, source: Path) -> None:
        try:
            self.kept_as = backup.restore(self.db_path, source)
        except (backup.BackupError, OSError) as exc:
            QMessageBox.warning(
                self, self.windowTitle(), backup.storage_error_message(exc) or str(exc)
            )
            return
        self.restored_from = source
        self.accept()


def open_or_rescue(db_path: Path, open_db, parent=None):
    """``open_db(db_path)``, or, when the file is damaged, the rescue dialog and then the
    restored database. Returns ``None`` when the user quits."""
    try:
        return open_db(db_path)
    except Exception as exc:
        if not backup.is_damage(exc):
            raise
        problem = backup.storage_error_message(exc) or str(exc)
    dialog = RescueDialog(db_path, problem, parent)
    try:
        if dialog.exec() != RescueDialog.DialogCode.Accepted:
            return None
    finally:
        dialog.deleteLater()
    return open_db(db_path)
