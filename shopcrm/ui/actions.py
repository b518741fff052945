"""Every menu and toolbar command of the main window, declared once, plus the shared openers.

``ACTIONS`` lists each command with its translated text (an ``N_()`` msgid), its shortcut
(``QKeySequence.StandardKey`` where the platform has one, so macOS gets Cmd+, for Settings and
Windows gets its own conventions) and whether it needs the owner. ``ActionRegistry`` makes the
``QAction`` objects and re-translates them on a language switch.

``open_customer_dialog`` and ``open_visit_dialog`` are what the pages and the window call to
register a guest or record a visit; the dialog modules (owned by the dialogs area) are imported
only when used, so the window works before they exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QWidget

from shopcrm.i18n import N_, _
from shopcrm.ui.dialogs.customer_dialog import CustomerDialog
from shopcrm.ui.dialogs.menu_dialog import MenuDialog
from shopcrm.ui.dialogs.visit_dialog import VisitDialog
from shopcrm.ui.theme import icon

SK = QKeySequence.StandardKey


@dataclass(frozen=True)
class ActionSpec:
    key: str
    text: str  # N_() msgid, translated when shown
    tip: str = ""  # N_() msgid for the status tip / tooltip
    standard: QKeySequence.StandardKey | None = None
    shortcut: str = ""  # used when there is no standard key (or the platform has none)
    owner_only: bool = False
    role: QAction.MenuRole = QAction.MenuRole.NoRole
    checkable: bool = False


ACTIONS: tuple[ActionSpec, ...] = (
    # File
    ActionSpec(
        "import",
        N_("&Import…"),
        N_("Bring in customers or visits from CSV or Excel"),
        owner_only=True,
    ),
    ActionSpec(
        "export",
        N_("&Export…"),
        N_("Save customers, visits or coupons as CSV or Excel"),
        owner_only=True,
    ),
    ActionSpec("backup", N_("&Back up now"), N_("Copy the database to the backup folder now")),
    ActionSpec(
        "restore", N_("&Restore…"), N_("Replace the database with a backup"), owner_only=True
    ),
    ActionSpec(
        "check_db", N_("&Check database"), N_("Back up, then check the database for damage")
    ),
    ActionSpec(
        "quit", N_("&Quit"), standard=SK.Quit, shortcut="Ctrl+Q", role=QAction.MenuRole.QuitRole
    ),
    # Customer
    ActionSpec(
        "new_customer",
        N_("&New customer…"),
        N_("Register a new guest"),
        standard=SK.New,
        shortcut="Ctrl+N",
    ),
    ActionSpec(
        "record_visit", N_("&Record visit…"), N_("Record a visit with the bill"), shortcut="Ctrl+R"
    ),
    ActionSpec("edit_customer", N_("&Edit customer…"), N_("Edit the selected guest")),
    ActionSpec(
        "export_customer",
        N_("E&xport complete record…"),
        N_("Everything held about the selected guest, for a disclosure request"),
        owner_only=True,
    ),
    ActionSpec(
        "erase_customer",
        N_("Erase personal &data…"),
        N_("Erase the selected guest's personal data on request; visits stay, anonymous"),
        owner_only=True,
    ),
    ActionSpec(
        "merge",
        N_("&Merge duplicates…"),
        N_("Guests who look like one person, side by side, to merge (and undo)"),
        owner_only=True,
    ),
    ActionSpec(
        "find",
        N_("&Find customer"),
        N_("Go to the search box"),
        standard=SK.Find,
        shortcut="Ctrl+F",
    ),
    # Tools
    ActionSpec(
        "settings",
        N_("&Settings…"),
        N_("Shop details, language and figures"),
        standard=SK.Preferences,
        shortcut="Ctrl+,",
        owner_only=True,
        role=QAction.MenuRole.PreferencesRole,
    ),
    ActionSpec(
        "menu_editor",
        N_("&Menu editor…"),
        N_("Edit the shop's menu: categories, items, prices"),
        owner_only=True,
    ),
    ActionSpec(
        "setup",
        N_("&First-run setup…"),
        N_("Shop details, business day, menu, owner PIN and your customer list, step by step"),
        owner_only=True,
    ),
    ActionSpec(
        "lock_owner",
        N_("&Lock owner mode"),
        N_("Back to staff mode: owner actions ask for the PIN"),
    ),
    # Help
    ActionSpec("help", N_("shopcrm &Help"), standard=SK.HelpContents, shortcut="F1"),
    ActionSpec(
        "help_figures",
        N_("&Understanding your figures"),
        N_("What each figure means, with your shop's own numbers"),
        owner_only=True,
    ),
    ActionSpec("about", N_("&About shopcrm"), role=QAction.MenuRole.AboutRole),
    ActionSpec(
        "open_log_folder",
        N_("Open &log folder"),
        N_("Show the folder with shopcrm's log files (send them when asking for help)"),
    ),
)

SPECS: dict[str, ActionSpec] = {spec.key: spec for spec in ACTIONS}


def _shortcuts(spec: ActionSpec) -> list[QKeySequence]:
    keys: list[QKeySequence] = []
    if spec.standard is not None:
        keys = [k for k in QKeySequence.keyBindings(spec.standard) if not k.isEmpty()]
    if spec.shortcut and not any(k.matches(QKeySequence(spec.shortcut)) for k in keys):
        keys.append(QKeySequence(spec.shortcut))
    return keys


class ActionRegistry(QObject):
    """The window's ``QAction`` objects by key; ``retranslate()`` after a language switch."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self._actions: dict[str, QAction] = {}
        for spec in ACTIONS:
            action = QAction(parent)
            action.setObjectName(f"action_{spec.key}")
            action.setShortcuts(_shortcuts(spec))
            action.setMenuRole(spec.role)
            action.setCheckable(spec.checkable)
            action.setIcon(icon(spec.key))  # toolbar commands have one in resources/icons
            self._actions[spec.key] = action
        self.retranslate()

    def __getitem__(self, key: str) -> QAction:
        return self._actions[key]

    def __iter__(self):
        return iter(self._actions.values())

    def keys(self):
        return self._actions.keys()

    def retranslate(self) -> None:
        for key, action in self._actions.items():
            spec = SPECS[key]
            text = _(spec.text)
            action.setText(text)
            # Toolbar buttons: no mnemonic marker ("(&R)" / "&") and no "…".
            action.setIconText(re.sub(r"\(&\w\)|&", "", text).rstrip("…").strip())
            tip = _(spec.tip) if spec.tip else _(spec.text).replace("&", "").rstrip("…")
            action.setStatusTip(tip)
            shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{tip} ({shortcut})" if shortcut else tip)


def install_search_keys(field, to_results) -> None:
    """In a search box: Down moves to the results (``to_results()``), Escape clears the box."""
    for key, slot in ((Qt.Key.Key_Down, to_results), (Qt.Key.Key_Escape, field.clear)):
        QShortcut(QKeySequence(key), field, slot, context=Qt.ShortcutContext.WidgetShortcut)


# --- openers shared by the window and the pages ------------------------------------------------


def open_customer_dialog(ctx, customer_id: int | None = None, parent: QWidget | None = None):
    """Register (``customer_id=None``) or edit a guest; the saved customer's id, or ``None``."""
    dialog = CustomerDialog(ctx, customer_id=customer_id, parent=parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        saved = getattr(dialog, "saved_customer_id", None) or customer_id
    finally:
        dialog.deleteLater()
    return saved  # the dialog itself announces the change (ctx.customers_changed)


def open_visit_dialog(ctx, customer_id: int | None = None, parent: QWidget | None = None) -> bool:
    """Record a visit (for ``customer_id`` if given); True if one was saved."""
    dialog = VisitDialog(ctx, customer_id=customer_id, parent=parent)
    try:
        saved = dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()
    return saved  # the dialog itself announces the change (ctx.visits_changed)


def open_menu_editor(ctx, parent: QWidget | None = None) -> None:
    dialog = MenuDialog(ctx, parent)
    try:
        dialog.exec()
    finally:
        dialog.deleteLater()
