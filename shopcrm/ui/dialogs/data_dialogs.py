"""Import, export, backup, restore and check-database entry points for the main window's menus
(each ``(ctx, parent)``), the small ``ExportDialog``, the automatic backups, and the one place
that turns storage errors (disk full, read-only file ...) into a sentence for a dialog.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QProgressBar,
    QVBoxLayout,
)

from shopcrm.i18n import N_, _
from shopcrm.services import transfer
from shopcrm.store import backup
from shopcrm.ui.dialogs.background import run_with_bar
from shopcrm.ui.dialogs.backup_dialog import BackupDialog, CheckDialog
from shopcrm.ui.dialogs.base import DialogBase
from shopcrm.ui.dialogs.import_dialog import ImportDialog
from shopcrm.ui.dialogs.parts import error_text
from shopcrm.ui.operations import QueryOp

log = logging.getLogger(__name__)

EXPORT_WHAT = (
    ("customers", N_("Customers")),
    ("visits", N_("Visits")),
    ("coupons", N_("Coupons")),
)
EXPORT_FORMATS = (
    ("xlsx", "utf-8-sig", N_("Excel (.xlsx)")),
    ("csv", "utf-8-sig", N_("CSV, UTF-8 (opens in Excel)")),
    ("csv", "cp932", N_("CSV, Shift_JIS (older software)")),
)


def import_data(ctx, parent=None) -> None:
    dialog = ImportDialog(ctx, parent)
    try:
        dialog.exec()
    finally:
        dialog.deleteLater()


class ExportDialog(DialogBase):
    """What to export and in which format; the file is chosen next, written in the background."""

    owner_only = True  # closes when owner mode locks

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(_("Export"))
        self.written: tuple[int, Path] | None = None
        self.task = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.what = QComboBox()
        self.what.setObjectName("exportWhat")
        for key, label in EXPORT_WHAT:
            self.what.addItem(_(label), key)
        self.format = QComboBox()
        self.format.setObjectName("exportFormat")
        for i, (_suffix, _encoding, label) in enumerate(EXPORT_FORMATS):
            self.format.addItem(_(label), i)
        form.addRow(_("What"), self.what)
        form.addRow(_("Format"), self.format)
        layout.addLayout(form)
        note = QLabel(
            _(
                "The file holds personal data: keep it safe and delete it when it is no longer"
                " needed."
            )
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.progress = QProgressBar()
        self.progress.hide()
        layout.addWidget(self.progress)
        self.status = QLabel()
        self.status.setObjectName("exportStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        layout.addWidget(self.make_button_box(_("Export…")))

    def target(self) -> Path | None:
        suffix = EXPORT_FORMATS[self.format.currentData()][0]
        name = f"{self.what.currentData()}.{suffix}"
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Export to"), str(Path.home() / name), f"*.{suffix}"
        )
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix.lower() == f".{suffix}" else path.with_suffix(f".{suffix}")

    def on_accept(self) -> None:
        path = self.target()
        if path is not None:
            self.export_to(path)

    def export_to(self, path: Path) -> None:
        what = self.what.currentData()
        encoding = EXPORT_FORMATS[self.format.currentData()][1]

        def work(db, task):
            return transfer.export(
                db, what, path, encoding=encoding, progress=lambda n, t: task.progress(n, t)
            )

        def done(n):
            self.written = (n, path)
            self.status.setText(_("Wrote {n} rows to {path}").format(n=n, path=path))

        def failed(exc):
            self.status.setText(error_text(exc))

        run_with_bar(
            self, self.progress, QueryOp(parent=self, op=work, success=done).failure(failed)
        )


def export_data(ctx, parent=None) -> None:
    dialog = ExportDialog(ctx, parent)
    try:
        dialog.exec()
    finally:
        dialog.deleteLater()


def backup_now(ctx, parent=None) -> None:
    """The backup dialog with a backup started at once."""
    dialog = BackupDialog(ctx, parent)
    try:
        dialog.backup_now()
        dialog.exec()
    finally:
        dialog.deleteLater()


def restore(ctx, parent=None) -> None:
    """The backup dialog, to choose the backup to restore."""
    dialog = BackupDialog(ctx, parent)
    try:
        if dialog.list.rowCount():
            dialog.list.selectRow(0)
        dialog.exec()
    finally:
        dialog.deleteLater()


def check_database(ctx, parent=None) -> None:
    dialog = CheckDialog(ctx, parent)
    try:
        dialog.exec()
    finally:
        dialog.deleteLater()


def backup_problem_text(exc: BaseException, db_path) -> str:
    """Why a backup failed, for the warning in the status bar and on the Today page."""
    reason = backup.storage_error_message(exc) or str(exc) or type(exc).__name__
    try:
        newest = backup.list_backups(db_path)
    except (OSError, backup.BackupError):  # the folder itself is what fails
        newest = []
    when = (
        _("The newest backup is from {date}.").format(date=f"{newest[0].taken_at:%Y-%m-%d %H:%M}")
        if newest
        else _("There is no backup yet.")
    )
    return _("{reason} {when}").format(reason=reason, when=when)  # ja: no space between


def install_auto_backups(ctx, app):
    """The daily backup now (in the background, if none was made today) and one on close.
    A failure is logged and shown (``ctx.report_backup``) until a backup works again.
    Returns the on-close handler (connected to ``app.aboutToQuit``), or None for the demo."""
    if getattr(ctx, "demo", False):
        return None  # the demo shop is rebuilt at will: no backups beside it

    db_path = ctx.db_path

    def daily(_task):
        return backup.auto_backup(db_path, "daily")

    def daily_done(path):
        if path is not None:
            log.info("daily backup written: %s", path)
            ctx.report_backup("")

    def daily_failed(exc):
        log.error("daily backup failed: %s", exc)  # the op logged the traceback
        ctx.report_backup(backup_problem_text(exc, db_path))

    # no parent: the warning is the context's, whichever window shows it
    QueryOp.without_db(parent=None, ctx=ctx, op=daily, success=daily_done).failure(
        daily_failed
    ).run_in_background()

    # What the database looked like when the daily backup started: unchanged at close (no
    # commit here, none from another program), today's backup already holds it all.
    started = backup.change_marker(ctx.db)

    def on_close():
        try:
            unchanged = backup.change_marker(ctx.db) == started
            today = dt.date.today()
            if unchanged and any(b.taken_at.date() == today for b in backup.list_backups(db_path)):
                log.info("nothing changed since today's backup: no backup on close")
                return
            # The copy runs in a process of its own, after the window is gone: closing takes
            # no longer however big the shop (a full copy of 1M visits takes seconds).
            backup.start_detached(db_path, "close")
            log.info("backup on close started in the background")
        except Exception as exc:  # closing must never fail because of a backup
            log.exception("backup on close failed: %s", exc)
            with contextlib.suppress(Exception):
                backup.auto_backup(ctx.db, "close")

    app.aboutToQuit.connect(on_close)
    return on_close
