"""``BackupDialog``: the shop's backups — back up now, restore one, open the folder — and
``CheckDialog``: "Check database" (backup, integrity and foreign-key checks, a plain report).

Backups, restores and checks run in the background on their own connection, with progress. A
restore checks the backup first, backs up the current data (kind "pre-restore"), then replaces
the database through the SQLite backup API; the app's own connection sees the restored data.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
)

from shopcrm.domain.changes import Changes
from shopcrm.i18n import N_, _
from shopcrm.paths import backup_dir
from shopcrm.store import backup
from shopcrm.store.opener import migrate
from shopcrm.ui.dialogs.background import run_with_bar
from shopcrm.ui.dialogs.base import DialogBase
from shopcrm.ui.dialogs.parts import close_box, error_text, pick_table, selected_row, status_label
from shopcrm.ui.operations import CollectionOp, QueryOp

KIND_LABELS = {
    "manual": N_("Manual"),
    "daily": N_("Daily"),
    "close": N_("On close"),
    "pre-migration": N_("Before an update"),
    "pre-restore": N_("Before a restore"),
}


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


class BackupDialog(DialogBase):
    """The list of backups, newest first, with Back up now / Restore… / Open folder."""

    owner_only = True  # closes when owner mode locks

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.setObjectName("backupDialog")
        self.setWindowTitle(_("Backups"))
        self.resize(640, 420)
        self.task = None
        self.restored_from: Path | None = None
        layout = QVBoxLayout(self)
        self.info = QLabel()
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        self.list = pick_table("backupList", [_("Taken"), _("Kind"), _("Size")])
        layout.addWidget(self.list, 1)
        self.status = status_label("backupStatus", selectable=True)
        layout.addWidget(self.status)
        self.progress = QProgressBar()
        self.progress.setObjectName("backupProgress")
        self.progress.hide()
        layout.addWidget(self.progress)
        row = QHBoxLayout()
        self.backup_button = QPushButton(_("Back up now"))
        self.backup_button.setObjectName("backupNow")
        self.restore_button = QPushButton(_("Restore selected…"))
        self.restore_button.setObjectName("restoreSelected")
        self.file_button = QPushButton(_("Restore from a file…"))
        folder = QPushButton(_("Open folder"))
        for b in (self.backup_button, self.restore_button, self.file_button, folder):
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(close_box(self))
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button.clicked.connect(self.restore_selected)
        self.file_button.clicked.connect(self.restore_from_file)
        folder.clicked.connect(self.open_folder)
        self.list.itemSelectionChanged.connect(self._update)
        self.refresh()

    def folder(self) -> Path:
        return backup_dir(self.ctx.db_path)

    def refresh(self) -> None:
        self.backups = backup.list_backups(self.ctx.db_path)
        self.info.setText(
            _(
                "Backups are made every day, when the app closes, and before updates and"
                " restores; 7 daily, 4 weekly and 12 monthly ones are kept. Folder: {folder}"
            ).format(folder=self.folder())
        )
        self.list.setRowCount(len(self.backups))
        for i, b in enumerate(self.backups):
            cells = (
                b.taken_at.strftime("%Y-%m-%d %H:%M:%S"),
                _(KIND_LABELS.get(b.kind, b.kind)),
                _size(b.size),
            )
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j == 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.list.setItem(i, j, item)
        self._update()

    def _update(self) -> None:
        idle = self.task is None
        self.backup_button.setEnabled(idle)
        self.file_button.setEnabled(idle)
        self.restore_button.setEnabled(idle and bool(self.list.selectedItems()))

    def _start(self, op: QueryOp | CollectionOp, text: str) -> None:
        """Run ``op`` (a backup or a restore, on files) with the dialog's bar; an error is said
        in the status line. (The op's ``success`` refreshes the list, buttons too.)"""

        self.status.setText(text)

        def failed(exc):
            self.status.setText(error_text(exc))
            self._update()

        run_with_bar(self, self.progress, op.failure(failed))
        self._update()

    def backup_now(self) -> None:
        db_path = self.ctx.db_path

        def work(task):
            return backup.backup_now(db_path, progress=lambda n, t: task.progress(n, t))

        def done(path):
            self.ctx.report_backup("")  # backups work again: the warning goes away
            self.refresh()
            self.status.setText(_("Backup written: {path}").format(path=path))

        self._start(QueryOp.without_db(parent=self, op=work, success=done), _("Backing up…"))

    def restore_selected(self) -> None:
        row = selected_row(self.list)
        if row is not None:
            self.restore_file(self.backups[row].path)

    def restore_from_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Choose a backup"), str(self.folder()), _("shopcrm backups (*.db)")
        )
        if path:
            self.restore_file(Path(path))

    def restore_file(self, path: Path, *, confirm: bool = True) -> None:
        if confirm:
            answer = QMessageBox.question(
                self,
                _("Restore"),
                _(
                    "Replace all current data with the backup {name}? The current data is"
                    " backed up first, so this can be undone."
                ).format(name=Path(path).name),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        db_path = self.ctx.db_path

        def work(task):
            return backup.restore(db_path, path, progress=lambda n, t: task.progress(n, t))

        def done(before):
            migrate(self.ctx.db, self.ctx.db_path)  # an older backup's schema brought up to date
            self.restored_from = Path(path)
            self.refresh()
            self.status.setText(
                _("Restored from {file}. The data from before is in {before}.").format(
                    file=Path(path).name, before=before
                )
            )

        # everything may differ now: every page refreshes (after ``done`` brought the schema up)
        restore = CollectionOp.without_db(
            parent=self, op=work, success=done, changes=Changes.everything()
        )
        self._start(restore, _("Restoring…"))

    def open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder())))


class CheckDialog(DialogBase):
    """Check database: runs at once in the background and shows the plain report."""

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.setObjectName("checkDialog")
        self.setWindowTitle(_("Check database"))
        self.resize(560, 320)
        self.report = None
        layout = QVBoxLayout(self)
        self.headline = QLabel(_("Backing up, then checking the database…"))
        self.headline.setObjectName("checkHeadline")
        font = self.headline.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.headline.setFont(font)
        layout.addWidget(self.headline)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        layout.addWidget(self.progress)
        self.details = QLabel()
        self.details.setObjectName("checkDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.details, 1)
        box = close_box(self)
        self.close_button = box.button(QDialogButtonBox.StandardButton.Close)
        layout.addWidget(box)
        self.task = None
        self.start()

    def start(self) -> None:
        db_path = self.ctx.db_path
        op = QueryOp.without_db(parent=self, op=lambda _task: backup.check(db_path))
        self.task = op.success(self._done).failure(self._failed).run_in_background()

    def _done(self, report) -> None:
        self.task = None
        self.report = report
        self.progress.hide()
        self.headline.setText(
            "✓ " + _("The database is healthy.") if report.ok else "× " + _("Problems found.")
        )
        self.headline.setStyleSheet("color: #1e7b34;" if report.ok else "color: #b00020;")
        self.details.setText("\n".join(report.lines()[:-1]))  # the last is the headline

    def _failed(self, exc: BaseException) -> None:

        self.task = None
        self.progress.hide()
        self.headline.setText("× " + _("The check could not run."))
        self.headline.setStyleSheet("color: #b00020;")
        self.details.setText(error_text(exc))
