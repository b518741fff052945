"""``AppContext``: what every page and dialog is given (database, settings, mode, change signals).

Pages are built as ``SomePage(ctx, parent)``. They never run SQL: they call ``shopcrm.store`` and
``shopcrm.services`` functions with ``ctx.db`` (main thread) or, in background tasks, open their own
connection with ``shopcrm.store.db.connect(ctx.db_path)``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from sqlite_utils import Database

from shopcrm.services import auth
from shopcrm.ui.dialogs.pin_dialog import ask_owner_pin


class AppContext(QObject):
    customers_changed = Signal()  # a customer was added, edited, merged or erased
    visits_changed = Signal()  # a visit was recorded or deleted
    coupons_changed = Signal()
    settings_changed = Signal()
    language_changed = Signal(str)
    mode_changed = Signal(str)  # "owner" or "staff"
    customer_selected = Signal(int)  # the guest selected in the customer table (or 0)
    backup_status_changed = Signal()  # a backup failed, or worked again (``backup_problem``)

    def __init__(self, db: Database, db_path: Path, *, demo: bool = False, parent=None):
        super().__init__(parent)
        self.db = db
        self.db_path = Path(db_path)
        self.demo = demo
        self.selected_customer_id: int | None = None
        self._owner_unlocked = False
        self.backup_problem = ""  # why the last backup failed; "" once one works again

    # --- owner / staff mode -------------------------------------------------------------------
    # Filled in by the privacy work (PIN dialog, idle lock). Until an owner PIN is set, everything
    # is allowed and nothing asks for one.
    def owner_pin_set(self) -> bool:
        """True when owner actions ask for the PIN (also when its record was tampered with)."""
        return auth.pin_is_set(self.db)

    @property
    def mode(self) -> str:
        return "owner" if (self._owner_unlocked or not self.owner_pin_set()) else "staff"

    def require_owner(self, parent=None) -> bool:
        """True if owner actions may go ahead now (asks for the PIN when one is set)."""
        if self.mode == "owner":
            return True

        if ask_owner_pin(self, parent):
            self.set_owner_unlocked(True)
            return True
        return False

    def set_owner_unlocked(self, unlocked: bool) -> None:
        self._owner_unlocked = unlocked
        self.mode_changed.emit(self.mode)

    # --- backups --------------------------------------------------------------------------------
    def report_backup(self, problem: str = "") -> None:
        """A backup failed (``problem``: a sentence for the owner) or worked (``""``). The status
        bar and the Today page warn until one works."""
        if problem != self.backup_problem:
            self.backup_problem = problem
            self.backup_status_changed.emit()
