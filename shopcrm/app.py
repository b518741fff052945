"""Where every layer meets: QApplication, fonts, translators, the database, the main window.

``run(db_path, demo=False)`` is what the ``shopcrm`` command starts. ``build_main_window`` does all
of it except the event loop, so tests and screenshot scripts get the same window the user gets.
Order matters: the language is chosen before any widget exists (so every text is translated once),
the single-instance lock is taken before the database is opened, and the demo shop is filled
before the window reads from it.
"""

from __future__ import annotations

import ctypes
import logging
import sys
import threading
import traceback
from pathlib import Path

import click
import PySide6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from shopcrm import APP_NAME, ORG_NAME, __version__, i18n, resources
from shopcrm.i18n import _
from shopcrm.logs import log_file, setup_logging
from shopcrm.store import customers, lock, open_db, settings
from shopcrm.store.errors import UnsafeLocation
from shopcrm.store.location import refuse_network_location
from shopcrm.ui.context import AppContext
from shopcrm.ui.dialogs.data_dialogs import install_auto_backups
from shopcrm.ui.dialogs.error_dialog import show_error
from shopcrm.ui.dialogs.pin_dialog import install_idle_lock
from shopcrm.ui.dialogs.rescue_dialog import open_or_rescue
from shopcrm.ui.main_window import MainWindow, install_japanese_font, install_qt_translator

log = logging.getLogger(__name__)


def install_exception_hook() -> None:
    """Uncaught exceptions never vanish into a console a bundled app does not have: they go to
    the log file with their traceback, and (on the GUI thread) to a readable message with a
    "Copy details" button. A worker thread's exception is logged (its task reports it)."""

    def report(exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("uncaught exception\n%s", details)
        if threading.current_thread() is not threading.main_thread():
            return
        try:
            show_error(exc, details, log_file())
        except Exception:  # the report itself must never raise
            log.exception("could not show the error message")

    sys.excepthook = report
    threading.excepthook = lambda args: report(args.exc_type, args.exc_value, args.exc_traceback)


class StartupCancelled(Exception):
    """The app cannot start (database in use by another shopcrm, or the user cancelled)."""

    def __init__(self, exit_code: int = 1):
        super().__init__(exit_code)
        self.exit_code = exit_code


_none_guarded = False


def guard_none_refcount() -> None:
    """Work around a PySide6 6.12 bug on Python 3.11: every call of a Qt method that returns
    nothing (``setText``, ``processEvents``, ...) drops one reference to ``None`` it never took.
    After a few thousand calls CPython aborts with "deallocating None". From Python 3.12 on,
    ``None`` is immortal and this does nothing; before, it gives ``None`` 2**40 spare references
    (``None`` is a static object that is never freed, so the count only has to stay positive).
    """
    global _none_guarded
    if _none_guarded or sys.version_info >= (3, 12):
        return

    if not PySide6.__version__.startswith("6.12."):
        return  # pyproject excludes 6.12.0; this stays for a 6.12.x that still has the bug

    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40
    _none_guarded = True


def _application():
    guard_none_refcount()
    app = QApplication.instance()
    if app is None:
        # Sharp on fractional scaling (125 %, 150 %): no rounding of the scale factor.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationVersion(__version__)
    app.setApplicationDisplayName("shopcrm")
    if hasattr(app, "setDesktopFileName"):
        app.setDesktopFileName("shopcrm")

    icon = resources.path("icons", "shopcrm.svg")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def choose_language(db, explicit: str | None = None) -> str:
    """``explicit`` (``--lang``), else the shop's setting, else the system language."""
    if explicit in i18n.LANGUAGES:
        return explicit

    stored = settings.get(db, "language")
    return stored if stored in i18n.LANGUAGES else i18n.system_language()


def _acquire_lock(db_path: Path):
    """The single-instance lock, held while the app runs."""
    try:
        return lock.acquire(db_path)
    except lock.DatabaseInUse as exc:
        QMessageBox.critical(None, _("Database in use"), str(exc))
        raise StartupCancelled(1) from exc


def _refuse_network_share(db_path: Path) -> None:
    """A database on a network share: say why it is refused and what to do, then stop."""
    try:
        refuse_network_location(db_path)
    except UnsafeLocation as exc:
        log.error("refused a database on a network share: %s", db_path)
        QMessageBox.critical(None, _("Database on a network share"), str(exc))
        raise StartupCancelled(1) from exc


def _fill_demo(db, parent=None) -> None:
    """Fill an empty demo database with the demo shop, showing progress."""
    if customers.count_all(db):
        return

    from shopcrm.services import demo  # lazy: the demo shop (0.3 s at start-up) is for --demo only

    dialog = QProgressDialog(_("Preparing the demo shop…"), "", 0, 0, parent)
    dialog.setCancelButton(None)
    dialog.setWindowTitle("shopcrm")
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(0)
    dialog.show()
    QApplication.processEvents()

    def progress(done: int, total: int, text: str = "") -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, total))
        if text:
            dialog.setLabelText(text)
        QApplication.processEvents()

    try:
        demo.fill(db, progress=progress)
    except ValueError as exc:  # ValidationError: the demo never fills a database with records
        log.warning("demo not filled: %s", exc)
    finally:
        dialog.close()
        dialog.deleteLater()


def build_main_window(db_path: Path, demo: bool = False, *, lang: str | None = None):
    """Everything ``run`` does except the event loop: ``(app, ctx, window)`` (window not shown).

    Raises ``StartupCancelled`` when the database is in use by another running shopcrm.
    """
    app = _application()
    install_japanese_font(app)
    db_path = Path(db_path).expanduser()
    if lang in i18n.LANGUAGES:  # messages before the database is open are in it too
        i18n.set_language(lang)
    _refuse_network_share(db_path)
    lock = _acquire_lock(db_path)

    db = open_or_rescue(db_path, open_db)  # a damaged file: offer the backups
    if db is None:
        raise StartupCancelled(1)
    language = choose_language(db, lang)
    i18n.set_language(language)
    install_qt_translator(app, language)
    if demo:
        _fill_demo(db)
    ctx = AppContext(db, db_path, demo=demo)
    # What runs beside the window, all started here (the log file is opened first, in ``run``):
    # the idle lock back to staff mode, and the automatic backups (daily now, one on close).

    install_idle_lock(ctx, app)
    install_auto_backups(ctx, app)
    window = MainWindow(ctx)
    window.db_lock = lock  # held while the app runs; released when it ends (or the process dies)
    return app, ctx, window


def _lang_option() -> str | None:
    """``--lang`` of the ``shopcrm`` command that started us (it wins over the shop's setting)."""
    context = click.get_current_context(silent=True)
    while context is not None:
        if context.params.get("lang"):
            return context.params["lang"]
        context = context.parent
    return None


def run(db_path: Path, *, demo: bool = False, lang: str | None = None) -> int:
    """Start the desktop app on ``db_path``; the process exit code."""
    explicit = lang or _lang_option()
    setup_logging()
    install_exception_hook()
    try:
        app, ctx, window = build_main_window(db_path, demo, lang=explicit)
    except StartupCancelled as exc:
        return exc.exit_code
    window.show()
    window.activateWindow()

    QTimer.singleShot(0, window.start_first_run)  # a new shop is guided through the setup
    try:
        return app.exec()
    finally:
        release = getattr(window.db_lock, "release", None)
        if callable(release):
            release()
        ctx.db.close()
