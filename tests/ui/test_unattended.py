"""Running unattended: a failing backup is shown until one works again, an exception in a slot
reaches the log file and a readable message, and Help › Open log folder exists."""

from __future__ import annotations

import logging
import sys
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from shopcrm import app as shop_app
from shopcrm.store import backup
from tests.ui.conftest import handle_modal, settle


def _break_backup_folder(db_path):
    """The backup folder cannot be made: a plain file sits where it would be."""
    (db_path.parent / "backups").write_text("not a folder")


def test_a_failing_daily_backup_warns_until_a_backup_works(main_window, app_ctx, qtbot, qapp, ja):
    from shopcrm.ui.dialogs.data_dialogs import install_auto_backups

    _break_backup_folder(app_ctx.db_path)
    on_close = install_auto_backups(app_ctx, qapp)
    try:
        status = main_window.status_backup
        qtbot.waitUntil(lambda: not status.isHidden(), timeout=5000)
        assert status.text() == "バックアップ失敗"
        main_window.show_page("today")
        banner = main_window.current_page().backup_warning
        assert banner.isVisible()
        assert "バックアップが動いていません" in banner.text()
        assert "まだバックアップがありません" in banner.text()  # no backup yet
        main_window.grab().save("/tmp/i12-backup-warning.png")

        # Still there after the page is rebuilt (a language switch rebuilds every page).
        main_window.show_page("customers")
        main_window.show_page("today")
        assert main_window.current_page().backup_warning.isVisible()

        # The owner frees the folder and presses the toolbar's Back up now.
        (app_ctx.db_path.parent / "backups").unlink()
        button = main_window.toolbar.widgetForAction(main_window.registry["backup"])

        def wait_for_backup(dialog):
            qtbot.waitUntil(lambda: bool(backup.list_backups(app_ctx.db_path)), timeout=5000)
            qtbot.waitUntil(lambda: not app_ctx.backup_problem, timeout=5000)

        handle_modal(
            qtbot, lambda: qtbot.mouseClick(button, Qt.MouseButton.LeftButton), wait_for_backup
        )
        assert status.isHidden()
        assert main_window.current_page().backup_warning.isHidden()
    finally:
        qapp.aboutToQuit.disconnect(on_close)
        settle()


def test_the_failure_reaches_the_log_file(app_ctx, qtbot, qapp, tmp_path):
    from shopcrm.ui.dialogs.data_dialogs import install_auto_backups

    handler = shop_app.setup_logging(tmp_path / "logs")
    try:
        _break_backup_folder(app_ctx.db_path)
        on_close = install_auto_backups(app_ctx, qapp)
        qtbot.waitUntil(lambda: bool(app_ctx.backup_problem), timeout=5000)
        qapp.aboutToQuit.disconnect(on_close)
        handler.flush()
        text = (tmp_path / "logs" / "shopcrm.log").read_text(encoding="utf-8")
        assert "ERROR shopcrm.ui.dialogs.data_dialogs: daily backup failed" in text
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
        settle()


@pytest.fixture
def hook(tmp_path):
    """The app's logging and exception hook, as ``run`` installs them (restored afterwards)."""
    before = sys.excepthook, threading.excepthook
    handler = shop_app.setup_logging(tmp_path / "logs")
    shop_app.install_exception_hook()
    yield tmp_path / "logs" / "shopcrm.log", handler
    sys.excepthook, threading.excepthook = before
    logging.getLogger().removeHandler(handler)
    handler.close()


@pytest.mark.qt_no_exception_capture  # the app's own hook must see it, as in the real app
def test_an_exception_in_a_slot_reaches_the_log_and_a_dialog(hook, qtbot, ja):
    from shopcrm.ui.dialogs.error_dialog import ErrorDialog

    log_file, handler = hook
    button = QPushButton("boom")
    qtbot.addWidget(button)

    def slot():
        raise ValueError("電話番号: 数字が足りません")

    button.clicked.connect(slot)
    button.show()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    def shown():
        return [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, ErrorDialog) and w.isVisible()
        ]

    qtbot.waitUntil(lambda: bool(shown()), timeout=3000)
    (dialog,) = shown()
    assert dialog.windowTitle() == "shopcrm で問題が起きました"
    assert "電話番号: 数字が足りません" in dialog.message.text()
    assert "Traceback" in dialog.text.toPlainText() and "in slot" in dialog.text.toPlainText()
    dialog.grab().save("/tmp/i12-error-dialog.png")
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    clipboard = QApplication.clipboard().text()
    assert "ValueError: 電話番号: 数字が足りません" in clipboard
    assert dialog.copy_button.text() == "コピーしました"
    handler.flush()
    logged = log_file.read_text(encoding="utf-8")
    assert "uncaught exception" in logged and "ValueError: 電話番号: 数字が足りません" in logged
    dialog.close()


def test_help_menu_opens_the_log_folder(main_window):
    help_menu = next(
        a.menu() for a in main_window.menuBar().actions() if a.text().replace("&", "") == "Help"
    )
    texts = [a.text() for a in help_menu.actions()]
    assert "Open &log folder" in texts


def test_the_app_refuses_a_database_on_a_network_share(tmp_path, monkeypatch, qtbot, qapp):
    from shopcrm.app import StartupCancelled, build_main_window
    from shopcrm.store import location

    share = tmp_path / "nas"
    share.mkdir()
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "/dev/sda1 / ext4 rw 0 0\n"
        f"//nas.local/shop {share.resolve()} cifs rw,relatime,vers=3.1.1 0 0\n"
    )
    monkeypatch.setattr(location, "MOUNTS_FILE", mounts)
    monkeypatch.setattr(location.sys, "platform", "linux")
    seen = {}

    def read(box):
        seen["title"], seen["text"] = box.windowTitle(), box.text()

    def start():
        with pytest.raises(StartupCancelled):
            build_main_window(share / "shopcrm.db", lang="ja")

    handle_modal(qtbot, start, read)
    assert seen["title"] == "ネットワーク共有上のデータベース"
    assert "ネットワーク共有上にあります(cifs" in seen["text"]
    assert not (share / "shopcrm.db").exists()


def test_closing_without_changes_writes_no_backup(app_ctx, qtbot, qapp):
    from shopcrm.ui.dialogs.data_dialogs import install_auto_backups

    on_close = install_auto_backups(app_ctx, qapp)
    try:
        qtbot.waitUntil(lambda: bool(backup.list_backups(app_ctx.db_path)), timeout=5000)
        before = backup.list_backups(app_ctx.db_path)
        qapp.aboutToQuit.emit()  # nothing changed since the daily backup
        qtbot.wait(1500)
        assert backup.list_backups(app_ctx.db_path) == before
    finally:
        qapp.aboutToQuit.disconnect(on_close)
        settle()
