"""The main window: page navigation, menus, toolbar, status bar, and remembered window state.

Pages (Today, Customers, Coupons, Print, Dashboard) sit in a ``QStackedWidget`` chosen from a list
on the left. Each page is built the first time it is shown, so start-up stays fast, and a page
module that fails to load shows a message instead of taking the window down. Owner-only pages and
commands call ``ctx.require_owner`` first. On a shop database (not the demo) with no owner PIN, a
banner above the pages offers once to set one; the answer is kept in the database. A language
switch re-translates the actions and rebuilds menus and pages, so no text of the old language
remains. Window geometry, splitters and the last
page are kept in ``QSettings`` (UI preferences are not shop data, so they are not in the database).

Long module: menus, actions, pages, banners and status bar all act on the one window's state; the
actions registry and the openers are already in ``ui/actions.py``.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import traceback
from dataclasses import dataclass

from PySide6.QtCore import QLibraryInfo, QSettings, QSize, Qt, QTimer, QTranslator
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QFontDatabase, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from shopcrm import __version__, i18n
from shopcrm.fonts import FALLBACK_FAMILY, FONT_FAMILY, fallback_font_path, japanese_font_path
from shopcrm.i18n import N_, _, ngettext
from shopcrm.services import setup
from shopcrm.store import customers, settings
from shopcrm.store.db import read_only_note
from shopcrm.store.migrations import schema_version
from shopcrm.ui import actions as ui_actions
from shopcrm.ui.actions import SPECS, ActionRegistry
from shopcrm.ui.dialogs import data_dialogs, merge_dialog, pin_dialog
from shopcrm.ui.dialogs.base import ui_settings
from shopcrm.ui.dialogs.error_dialog import open_log_folder
from shopcrm.ui.dialogs.help_dialog import FiguresHelpDialog
from shopcrm.ui.dialogs.settings_dialog import SettingsDialog
from shopcrm.ui.dialogs.setup_dialog import run_setup
from shopcrm.ui.theme import DEMO_BADGE_STYLE, PIN_OFFER_STYLE, icon
from shopcrm.ui.widgets.backup_warning import BackupWarning

log = logging.getLogger(__name__)
TITLE_BAR_ALLOWANCE = 32  # px kept for the window frame's title bar before it is known


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str  # N_() msgid
    module: str
    cls: str
    owner_only: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("today", N_("Today"), "shopcrm.ui.pages.today_page", "TodayPage"),
    PageSpec("customers", N_("Customers"), "shopcrm.ui.pages.customers_page", "CustomersPage"),
    PageSpec("coupons", N_("Coupons"), "shopcrm.ui.pages.coupons_page", "CouponsPage"),
    PageSpec("print", N_("Print"), "shopcrm.ui.pages.print_page", "PrintPage"),
    PageSpec(
        "dashboard",
        N_("Dashboard"),
        "shopcrm.ui.pages.dashboard_page",
        "DashboardPage",
        owner_only=True,
    ),
)
PAGE_KEYS = tuple(p.key for p in PAGES)


class _BrokenPage(QWidget):
    """Shown in place of a page whose module failed to load (the rest of the app keeps working)."""

    def __init__(self, title: str, error: str, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        label = QLabel(_("The page “{page}” could not be opened.").format(page=title))
        label.setWordWrap(True)
        detail = QLabel(error)
        detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        detail.setWordWrap(True)
        layout.addWidget(label)
        layout.addWidget(detail)
        layout.addStretch(1)


class PinOfferBanner(QWidget):
    """A one-time, non-blocking offer above the pages: protect revenue figures with a PIN?

    Shown on a shop database (not the demo) that has no owner PIN and was never asked; "Not now"
    or a PIN being set (here or in the settings) records the answer in the shop's settings
    (``owner_pin_offered``), so it never shows again for that database.
    """

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("pinOfferBanner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(PIN_OFFER_STYLE)
        self.lock_icon = QLabel(self)  # an icon: the 🔒 emoji is an empty box in most fonts
        self.lock_icon.setObjectName("pinOfferIcon")
        self.lock_icon.setPixmap(icon("lock").pixmap(20, 20))
        self.text = QLabel(self)
        self.text.setObjectName("pinOfferText")
        self.text.setWordWrap(True)
        self.set_button = QPushButton(self)
        self.set_button.setObjectName("pinOfferSetButton")
        self.set_button.clicked.connect(self.set_pin)
        self.later_button = QPushButton(self)
        self.later_button.setObjectName("pinOfferLaterButton")
        self.later_button.clicked.connect(self.not_now)
        row = _hbox(self)
        row.setContentsMargins(10, 6, 10, 6)
        row.setSpacing(8)
        row.addWidget(self.lock_icon)
        row.addWidget(self.text, 1)
        row.addWidget(self.set_button)
        row.addWidget(self.later_button)
        ctx.settings_changed.connect(self._on_settings_changed)
        self.retranslate()
        self.setVisible(self.wanted())

    def retranslate(self) -> None:
        self.text.setText(
            _("Protect revenue figures and exports with an owner PIN?")
            + " "
            + _("Staff can still search guests, record visits and print coupons.")
        )
        self.set_button.setText(_("Set PIN…"))
        self.later_button.setText(_("Not now"))
        self.setAccessibleName(_("Protect revenue figures and exports with an owner PIN?"))

    def wanted(self) -> bool:
        """True on a shop database without a PIN whose owner was never asked."""
        if self.ctx.demo or settings.get(self.ctx.db, "demo"):
            return False
        asked = settings.get(self.ctx.db, "owner_pin_offered")
        return not (asked or self.ctx.owner_pin_set())

    def _answered(self) -> None:
        settings.set(self.ctx.db, "owner_pin_offered", True)
        self.hide()

    def not_now(self) -> None:
        self._answered()

    def set_pin(self) -> bool:
        """Open the PIN dialog; the banner goes once a PIN is set (cancelling keeps it)."""
        pin_dialog.set_owner_pin(self.ctx, self.window())
        if self.ctx.owner_pin_set():
            self._answered()
            return True
        return False

    def _on_settings_changed(self) -> None:
        if self.isVisible() and self.ctx.owner_pin_set():
            self._answered()  # set in the settings meanwhile: the question is answered
        elif self.isVisible() and not self.wanted():
            self.hide()  # answered in the first-run setup


class MainWindow(QMainWindow):
    def __init__(self, ctx, parent=None, *, settings: QSettings | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("mainWindow")
        self._settings = settings or ui_settings()
        self.db_lock = None  # the single-instance lock (store.lock), held while the app runs
        self.registry = ActionRegistry(self)
        self._pages: dict[str, QWidget] = {}
        self._view_states: dict[str, dict] = {}  # pages' view state across a language switch
        self._current = "today"

        self.nav = QListWidget()
        self.nav.setObjectName("pageList")
        self.nav.setFixedWidth(150)
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setSpacing(2)
        self.nav.currentRowChanged.connect(self._on_nav_row)
        self.stack = QStackedWidget()
        self.stack.setObjectName("pageStack")
        for _spec in PAGES:
            self.stack.addWidget(QWidget())  # placeholders; real pages are built when shown
        self.pin_offer = PinOfferBanner(ctx)
        body = QWidget()
        row = _hbox(body)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.pin_offer)
        column.addWidget(body, 1)
        self.setCentralWidget(central)

        self.toolbar = QToolBar()
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

        self.status_db = QLabel()
        self.status_db.setObjectName("statusDatabase")
        self.status_count = QLabel()
        self.status_count.setObjectName("statusCustomers")
        self.status_mode = QLabel()
        self.status_mode.setObjectName("statusMode")
        self.status_demo = QLabel()
        self.status_demo.setObjectName("demoBadge")
        self.status_demo.setStyleSheet(DEMO_BADGE_STYLE)
        self.status_demo.setVisible(ctx.demo)

        self.status_backup = BackupWarning(ctx)
        self.status_read_only = QLabel()
        self.status_read_only.setObjectName("readOnlyBadge")
        self.status_read_only.setStyleSheet(DEMO_BADGE_STYLE)
        self.status_read_only.setVisible(bool(getattr(ctx.db, "read_only", False)))
        bar = self.statusBar()
        bar.addPermanentWidget(self.status_backup)
        bar.addPermanentWidget(self.status_demo)
        bar.addPermanentWidget(self.status_read_only)
        bar.addPermanentWidget(self.status_db)
        bar.addPermanentWidget(self.status_count)
        bar.addPermanentWidget(self.status_mode)

        self._connect_actions()
        ctx.customers_changed.connect(self._schedule_status)
        ctx.mode_changed.connect(self._on_mode_changed)
        ctx.settings_changed.connect(self._update_title)
        ctx.settings_changed.connect(self._on_mode_changed_later)
        ctx.language_changed.connect(self.set_language)
        self._status_timer = QTimer(self, singleShot=True, interval=0)
        self._status_timer.timeout.connect(self.update_status)

        self.retranslate()
        self._restore_state()

    # --- building and translating ----------------------------------------------------------------
    def retranslate(self) -> None:
        """(Re)build every text: actions, menus, toolbar, navigation, pages, status bar."""
        self.registry.retranslate()
        self._build_menus()
        self._build_toolbar()
        self.nav.blockSignals(True)
        self.nav.clear()
        for spec in PAGES:
            item = QListWidgetItem(icon(spec.key), _(spec.title))
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            if spec.owner_only:
                item.setToolTip(_("Owner only"))
            self.nav.addItem(item)
        self.nav.setAccessibleName(_("Pages"))
        self.pin_offer.retranslate()
        self.nav.blockSignals(False)
        # Pages hold translated text everywhere: rebuild the ones already built.
        for key in list(self._pages):
            self._drop_page(key)
        self._show_page(self._current, ask=False)
        self._update_title()
        self.update_status()

    def _build_menus(self) -> None:
        a = self.registry
        bar = self.menuBar()
        old_menus = [act.menu() for act in bar.actions() if act.menu() is not None]
        bar.clear()
        for menu in old_menus:  # gone for good, so no text of the old language lingers
            menu.setParent(None)
            menu.deleteLater()
        old_group = getattr(self, "_page_actions", None)
        if old_group is not None:
            for act in old_group.actions():
                act.setParent(None)
                act.deleteLater()
            old_group.deleteLater()
        file_menu = bar.addMenu(_("&File"))
        for key in ("import", "export"):
            file_menu.addAction(a[key])
        file_menu.addSeparator()
        for key in ("backup", "restore", "check_db"):
            file_menu.addAction(a[key])
        file_menu.addSeparator()
        file_menu.addAction(a["quit"])

        edit_menu = bar.addMenu(_("&Edit"))
        for text, std, slot in (
            (N_("Undo"), QKeySequence.StandardKey.Undo, "undo"),
            (N_("Redo"), QKeySequence.StandardKey.Redo, "redo"),
            (None, None, None),
            (N_("Cut"), QKeySequence.StandardKey.Cut, "cut"),
            (N_("Copy"), QKeySequence.StandardKey.Copy, "copy"),
            (N_("Paste"), QKeySequence.StandardKey.Paste, "paste"),
            (N_("Select all"), QKeySequence.StandardKey.SelectAll, "selectAll"),
        ):
            if text is None:
                edit_menu.addSeparator()
                continue
            act = edit_menu.addAction(_(text))
            if std is not None:
                act.setShortcut(QKeySequence(std))
            # The shortcut belongs to the text field that has focus; the menu entry forwards.
            act.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            act.triggered.connect(lambda _checked=False, s=slot: _edit_focused(s))

        customer_menu = bar.addMenu(_("&Customer"))
        for key in ("new_customer", "record_visit", "edit_customer"):
            customer_menu.addAction(a[key])
        customer_menu.addSeparator()
        customer_menu.addAction(a["find"])
        customer_menu.addSeparator()
        for key in ("export_customer", "erase_customer", "merge"):
            customer_menu.addAction(a[key])

        view_menu = bar.addMenu(_("&View"))
        self._page_actions = QActionGroup(self)
        for number, spec in enumerate(PAGES, start=1):
            act = QAction(_(spec.title), self)
            act.setCheckable(True)
            act.setShortcut(QKeySequence(f"Ctrl+{number}"))
            act.setData(spec.key)
            act.triggered.connect(lambda _checked=False, k=spec.key: self.show_page(k))
            self._page_actions.addAction(act)
            view_menu.addAction(act)

        tools_menu = bar.addMenu(_("&Tools"))
        for key in ("settings", "menu_editor", "setup"):
            tools_menu.addAction(a[key])
        tools_menu.addSeparator()
        tools_menu.addAction(a["lock_owner"])

        help_menu = bar.addMenu(_("&Help"))
        help_menu.addAction(a["help"])
        help_menu.addAction(a["help_figures"])
        help_menu.addAction(a["about"])
        help_menu.addAction(a["open_log_folder"])
        self._sync_page_actions()
        self._update_lock_action()

    def _build_toolbar(self) -> None:
        self.toolbar.clear()
        self.toolbar.setWindowTitle(_("Main toolbar"))
        for key in ("record_visit", "new_customer", "find"):
            self.toolbar.addAction(self.registry[key])
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.registry["backup"])

    def _connect_actions(self) -> None:
        a = self.registry
        handlers = {
            "import": lambda: self._data_action("import_data"),
            "export": lambda: self._data_action("export_data"),
            "backup": lambda: self._data_action(
                "backup_now", owner=True
            ),  # a copy of every guest: the owner's
            "restore": lambda: self._data_action("restore"),
            "check_db": lambda: self._data_action("check_database", owner=False),
            "quit": self.close,
            "new_customer": self.new_customer,
            "record_visit": self.record_visit,
            "edit_customer": self.edit_customer,
            "export_customer": lambda: self._privacy_action("export_customer"),
            "erase_customer": lambda: self._privacy_action("erase_customer"),
            "merge": self.merge_duplicates,
            "find": self.focus_search,
            "settings": self.open_settings,
            "menu_editor": self.open_menu_editor,
            "setup": self.open_setup,
            "lock_owner": self.lock_owner,
            "help": self.show_help,
            "help_figures": self.show_figures_help,
            "about": self.show_about,
            "open_log_folder": self.open_log_folder,
        }
        for key, handler in handlers.items():
            a[key].triggered.connect(lambda _checked=False, h=handler: h())

    # --- pages ------------------------------------------------------------------------------------
    def page(self, key: str) -> QWidget:
        """The page widget for ``key`` (built now if it was not yet)."""
        if key not in self._pages:
            index = PAGE_KEYS.index(key)
            spec = PAGES[index]
            try:
                module = importlib.import_module(spec.module)
                widget = getattr(module, spec.cls)(self.ctx, self)
            except Exception:  # a broken page must not take the window down
                log.exception("page %s failed to load", key)
                widget = _BrokenPage(_(spec.title), traceback.format_exc(limit=3))
            widget.setObjectName(widget.objectName() or f"{key}Page")
            state = self._view_states.pop(key, None)
            if state is not None and hasattr(widget, "restore_view_state"):
                widget.restore_view_state(state)
            old = self.stack.widget(index)
            self.stack.insertWidget(index, widget)
            if old is not None:
                self.stack.removeWidget(old)
                old.deleteLater()
            self._pages[key] = widget
        return self._pages[key]

    def _drop_page(self, key: str) -> None:
        widget = self._pages.pop(key)
        if hasattr(widget, "save_ui_state"):
            widget.save_ui_state(self._settings)
        if hasattr(widget, "view_state"):  # search text, selection, scroll: back when rebuilt
            self._view_states[key] = widget.view_state()
        index = self.stack.indexOf(widget)
        self.stack.insertWidget(index, QWidget())
        self.stack.removeWidget(widget)
        widget.setParent(None)
        widget.deleteLater()

    def current_page_key(self) -> str:
        return self._current

    def current_page(self) -> QWidget:
        return self.page(self._current)

    def show_page(self, key: str) -> bool:
        """Switch to page ``key`` (asking for the owner PIN first for owner-only pages)."""
        return self._show_page(key, ask=True)

    def _show_page(self, key: str, *, ask: bool) -> bool:
        spec = PAGES[PAGE_KEYS.index(key)]
        allowed = not spec.owner_only or self.ctx.mode == "owner"
        if not allowed and not (ask and self.ctx.require_owner(self)):
            key = self._current if self._current != spec.key else "today"
        widget = self.page(key)
        self._current = key
        self.stack.setCurrentWidget(widget)
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(PAGE_KEYS.index(key))
        self.nav.blockSignals(False)
        self._sync_page_actions()
        return key == spec.key

    def _on_nav_row(self, row: int) -> None:
        if 0 <= row < len(PAGES):
            self.show_page(PAGES[row].key)

    def _sync_page_actions(self) -> None:
        group = getattr(self, "_page_actions", None)
        if group is None:
            return
        for act in group.actions():
            act.setChecked(act.data() == self._current)

    # --- commands ---------------------------------------------------------------------------------
    def focus_search(self) -> None:
        page = self.current_page()
        if not hasattr(page, "focus_search"):
            self.show_page("customers")
            page = self.current_page()
        # Today and Customers have a search box.
        page.focus_search()  # type: ignore[attr-defined]

    def _customer_in_view(self) -> int | None:
        """The guest the user is looking at: the current page's selection, if it has one."""
        page = self.current_page()
        getter = getattr(page, "selected_customer_id", None)
        return getter() if callable(getter) else None

    def show_customer(self, customer_id: int) -> None:
        """Open the guest's record on the Customers page."""
        self.show_page("customers")
        self.current_page().select_customer(customer_id)  # type: ignore[attr-defined]

    def new_customer(self) -> int | None:
        saved = ui_actions.open_customer_dialog(self.ctx, None, self)
        if saved:
            self.show_customer(saved)
        return saved

    def _chosen_customer(self, title: str) -> int | None:
        """The guest a command acts on; says so when none is selected."""
        customer_id = self._customer_in_view() or self.ctx.selected_customer_id
        if not customer_id:
            QMessageBox.information(self, title, _("Select a customer first."))
        return customer_id

    def edit_customer(self) -> None:
        customer_id = self._chosen_customer(_("Edit customer"))
        if customer_id:
            ui_actions.open_customer_dialog(self.ctx, customer_id, self)

    def _privacy_action(self, name: str) -> None:
        """Export a guest's complete record, or erase their personal data (owner only)."""
        customer_id = self._chosen_customer(_(SPECS[name].text).replace("&", "").rstrip("…"))
        if not customer_id:
            return

        getattr(merge_dialog, name)(self.ctx, customer_id, self)

    def merge_duplicates(self) -> None:
        merge_dialog.merge_duplicates(self.ctx, self)

    def record_visit(self) -> bool:
        """Ctrl+R / the toolbar: for the guest selected on this page, else with an empty search
        (a guest chosen earlier elsewhere is only offered, never taken silently)."""
        saved = ui_actions.open_visit_dialog(self.ctx, self._customer_in_view(), self)
        page = self.current_page()
        if saved and hasattr(page, "after_visit_saved"):
            page.after_visit_saved()
        return saved

    def show_notice(self, widget: QWidget) -> None:
        """Show a small non-modal question (the favourites offer) in the status area; it never
        takes the keyboard. A newer notice replaces the older one."""
        old = getattr(self, "_notice", None)
        if old is not None:
            with contextlib.suppress(RuntimeError):  # already answered and deleted
                old.close()
        self._notice = widget
        self.statusBar().addWidget(widget, 1)
        widget.show()

    def open_settings(self) -> None:
        if not self.ctx.require_owner(self):
            return

        dialog = SettingsDialog(self.ctx, self)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()

    def open_menu_editor(self) -> None:
        if self.ctx.require_owner(self):
            ui_actions.open_menu_editor(self.ctx, self)

    def open_setup(self, *, start: int | None = 0) -> bool:
        """The first-run setup wizard (owner only); True when it was finished."""
        if not self.ctx.require_owner(self):
            return False

        done = run_setup(self.ctx, self, start=start)
        self._schedule_status()
        self._update_title()
        return done

    def start_first_run(self) -> bool:
        """On a shop database not yet set up, open the setup wizard where it was left (the app
        calls this once the window is shown); False when there was nothing to set up."""
        if not setup.setup_wanted(self.ctx.db, demo=self.ctx.demo):
            return False
        self.open_setup(start=None)
        return True

    def lock_owner(self) -> None:
        self.ctx.set_owner_unlocked(False)

    def _data_action(self, name: str, *, owner: bool = True) -> None:
        if owner and not self.ctx.require_owner(self):
            return

        getattr(data_dialogs, name)(self.ctx, self)
        self._schedule_status()

    def open_log_folder(self) -> None:
        open_log_folder()

    def show_help(self) -> None:
        QMessageBox.information(
            self,
            _("shopcrm Help"),
            _(
                "Find a guest: type a name, reading or phone number in the search box (Ctrl+F).\n"
                "Record a visit: Ctrl+R. Register a guest: Ctrl+N.\n"
                "Owner-only pages and commands ask for the owner PIN once one is set."
            ),
        )

    def show_figures_help(self) -> None:
        """Help > Understanding your figures (owner only: it quotes the shop's revenue)."""
        if not self.ctx.require_owner(self):
            return

        FiguresHelpDialog(self.ctx, self).exec()

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            _("About shopcrm"),
            "<h3>shopcrm {version}</h3><p>{tagline}</p><p>{schema}<br>{db}</p><p>{font}</p>".format(
                version=__version__,
                tagline=_("Guests, visits, coupons and direct mail for a small shop."),
                schema=_("Database format: version {number}").format(
                    number=_schema_number(schema_version(self.ctx.db))
                ),
                db=_("Database file: {path}").format(path=self.ctx.db_path),
                font=_(
                    "Japanese text uses the {font} font, distributed under the IPA Font License"
                    " Agreement v1.0."
                ).format(font=FONT_FAMILY)
                + " "
                + _(
                    "Rare kanji in names come from {font}, a subset of the Hanazono fonts "
                    "(GlyphWiki project), distributed under the Hanazono Font License."
                ).format(font=FALLBACK_FAMILY),
            ),
        )

    # --- status bar, title, mode ------------------------------------------------------------------
    def _schedule_status(self) -> None:
        self._status_timer.start()

    def update_status(self) -> None:
        n = customers.count_all(self.ctx.db)
        self.status_db.setText(self.ctx.db_path.name)
        self.status_db.setToolTip(str(self.ctx.db_path))
        self.status_count.setText(
            ngettext("{n} customer", "{n} customers", n).format(n=f"{n:,}") if n is not None else ""
        )
        owner = self.ctx.mode == "owner"
        self.status_mode.setText(_("Owner mode") if owner else _("Staff mode"))
        self.status_read_only.setText(_("Read-only"))
        self.status_read_only.setToolTip(read_only_note())
        self.status_demo.setText(_("DEMO"))
        self.status_demo.setToolTip(_("This is the demo shop, not your real data."))

    def _update_title(self) -> None:
        # Qt adds the application's display name ("— shopcrm") itself: the title is the shop.
        shop = settings.get(self.ctx.db, "shop_name")
        title = shop
        if self.ctx.demo:
            title = f"{shop} {_('(demo)')}".strip()
        self.setWindowTitle(title)

    def _update_lock_action(self) -> None:
        self.registry["lock_owner"].setEnabled(
            self.ctx.owner_pin_set() and self.ctx.mode == "owner"
        )

    def _on_mode_changed_later(self) -> None:
        # A PIN set or removed in the settings changes the mode without a mode signal.
        QTimer.singleShot(0, lambda: self._on_mode_changed(self.ctx.mode))

    def _on_mode_changed(self, mode: str) -> None:
        self.update_status()
        self._update_lock_action()
        if mode != "owner" and PAGES[PAGE_KEYS.index(self._current)].owner_only:
            self._show_page("today", ask=False)

    def set_language(self, language: str) -> None:
        """Switch every text of the app to ``language`` ("ja" or "en")."""
        i18n.set_language(language)
        app = QApplication.instance()
        install_qt_translator(app if isinstance(app, QApplication) else None, language)
        self.retranslate()

    # --- remembered state -------------------------------------------------------------------------
    def _restore_state(self) -> None:
        s = self._settings
        geometry = s.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1200, 800)
        self._fit_to_screen()
        state = s.value("window/state")
        if state is not None:
            self.restoreState(state)
        page = s.value("window/page", "today")
        if page not in PAGE_KEYS or PAGES[PAGE_KEYS.index(page)].owner_only:
            page = "today"
        self._show_page(page, ask=False)

    def _fit_to_screen(self) -> None:
        """Keep the whole window (title bar to status bar) on the available screen: 1200×800
        does not fit a 1366×768 laptop, nor does a geometry saved on a bigger monitor."""
        screen = self.screen() or QApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        frame = self.frameGeometry()
        # Before the first show the window manager's frame is unknown: allow for a title bar.
        extra_w = max(frame.width() - self.width(), 0)
        extra_h = max(frame.height() - self.height(), 0) or TITLE_BAR_ALLOWANCE
        width = min(self.width(), area.width() - extra_w)
        height = min(self.height(), area.height() - extra_h)
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)
        x = min(max(self.x(), area.left()), area.right() - width - extra_w + 1)
        y = min(max(self.y(), area.top()), area.bottom() - height - extra_h + 1)
        if (x, y) != (self.x(), self.y()):
            self.move(x, y)

    def save_ui_state(self) -> None:
        s = self._settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/page", self._current)
        for page in self._pages.values():
            if hasattr(page, "save_ui_state"):
                page.save_ui_state(s)
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_ui_state()
        super().closeEvent(event)


_qt_translators: list[QTranslator] = []


def install_qt_translator(app: QApplication | None, language: str) -> bool:
    """Qt's own texts (OK, Cancel, Yes, context menus) in ``language``; True if one was loaded."""
    if app is None:
        return False
    while _qt_translators:
        app.removeTranslator(_qt_translators.pop())
    if language == "en":
        return True
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    loaded = False
    for name in ("qtbase", "qt"):
        translator = QTranslator(app)
        if translator.load(f"{name}_{language}", folder):
            app.installTranslator(translator)
            _qt_translators.append(translator)
            loaded = True
    return loaded


def install_japanese_font(app: QApplication) -> str | None:
    """Register the bundled Japanese font and make it the app font's fallback; its family name."""
    try:
        font_id = QFontDatabase.addApplicationFont(str(japanese_font_path()))
    except FileNotFoundError:
        log.warning("bundled Japanese font missing")
        return None
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        return None

    try:  # then the name kanji IPAexGothic lacks (𠮷), from the bundled subset
        extra_id = QFontDatabase.addApplicationFont(str(fallback_font_path()))
        extra = QFontDatabase.applicationFontFamilies(extra_id) if extra_id >= 0 else []
    except FileNotFoundError:
        extra = []
    font = app.font()
    # Latin text keeps the system font; glyphs it lacks (kana, kanji) come from the bundled one.
    font.setFamilies([font.family(), *families, *extra])
    app.setFont(font)
    return families[0]


def _schema_number(name: str) -> int:
    """``0022_menu_item_reading`` -> 22: what a person reads, not the internal name."""
    head = name.split("_", 1)[0]
    return int(head) if head.isdigit() else 0


def _hbox(widget: QWidget):
    layout = QHBoxLayout(widget)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    return layout


def _edit_focused(slot: str) -> None:
    widget = QApplication.focusWidget()
    method = getattr(widget, slot, None)
    if callable(method):
        method()
