"""``AppContext``: what every page and dialog is given (database, settings, mode, change signals).

Pages are built as ``SomePage(ctx, parent)``. They never run SQL: they call ``shopcrm.store`` and
``shopcrm.services`` functions with ``ctx.db`` (main thread) or run slow work as an operation
(``shopcrm.ui.operations``), which opens its own connection from ``ctx.db_path``.

What changed: every write ends with one ``ctx.changed.emit(Changes(...))`` (a ``CollectionOp``
does it itself) and pages refresh from the kinds they show. The older per-kind signals
(``customers_changed`` ...) are routed from ``changed`` here and only here (``LEGACY``), so their
listeners keep working; one emitted by hand is passed on to ``changed`` the same way.
"""

from __future__ import annotations

import functools
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from sqlite_utils import Database

from shopcrm.domain.changes import Changes
from shopcrm.services import auth
from shopcrm.ui.dialogs.pin_dialog import ask_owner_pin

# legacy signal -> the kinds of change it stands for
LEGACY: dict[str, tuple[str, ...]] = {
    "customers_changed": ("customers", "mailings"),
    "visits_changed": ("visits",),
    "coupons_changed": ("coupons", "campaigns"),
    "settings_changed": ("settings", "menu"),
}


class AppContext(QObject):
    changed = Signal(object)  # a Changes: what a write changed (pages refresh from this)
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
        self._by_hand: tuple[str, ...] = ()  # a legacy signal being passed on to ``changed``
        self.changed.connect(self._route_changes)
        for name, kinds in LEGACY.items():
            getattr(self, name).connect(functools.partial(self._legacy_emitted, name, kinds))

    # --- what changed -----------------------------------------------------------------------
    def _route_changes(self, changes: Changes) -> None:
        for name, kinds in LEGACY.items():
            if name not in self._by_hand and changes.any_of(*kinds):
                self._routing = name
                try:
                    getattr(self, name).emit()
                finally:
                    self._routing = ""

    _routing = ""  # the legacy signal ``_route_changes`` is emitting now

    def _legacy_emitted(self, name: str, kinds: tuple[str, ...]) -> None:
        """A legacy signal emitted by hand (code not yet ported): tell ``changed`` too."""
        if self._routing == name:
            return
        self._by_hand = (*self._by_hand, name)
        try:
            self.changed.emit(Changes(**dict.fromkeys(kinds, True)))
        finally:
            self._by_hand = self._by_hand[:-1]

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
