"""Owner mode in the window (issue 17): an owner dialog left open closes when owner mode locks
again, unsaved; the PIN prompt refuses guesses while the delay runs and after tampering."""

from __future__ import annotations

from PySide6.QtCore import Qt

from shopcrm.services import auth
from shopcrm.store import owner_guard, settings
from tests.ui.conftest import handle_modal


def test_a_settings_dialog_left_open_closes_unsaved_on_relock(main_window, app_ctx, qtbot):
    auth.set_pin(app_ctx.db, "2580")
    app_ctx.set_owner_unlocked(True)
    before = settings.get(app_ctx.db, "owner_lock_minutes")
    seen = {}

    def leave_it_open(dialog):
        seen["name"] = dialog.objectName() or type(dialog).__name__
        # The idle lock (or Tools › Lock owner mode) fires while the dialog is open.
        main_window.registry["lock_owner"].trigger()
        seen["visible_after_lock"] = dialog.isVisible()

    handle_modal(qtbot, main_window.registry["settings"].trigger, leave_it_open)
    assert seen["visible_after_lock"] is False
    assert app_ctx.mode == "staff"
    assert settings.get(app_ctx.db, "owner_lock_minutes") == before


def test_the_pin_prompt_waits_after_wrong_guesses(app_ctx, qtbot):
    from shopcrm.ui.dialogs.pin_dialog import PinDialog

    auth.set_pin(app_ctx.db, "2580")
    dialog = PinDialog(app_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    for _ in range(3):
        qtbot.keyClicks(dialog.field, "1111")
        qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    assert "try again in" in dialog.error.text()
    qtbot.keyClicks(dialog.field, "2580")  # the right PIN, during the delay
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    assert dialog.isVisible() and "try again in" in dialog.error.text()
    assert int(owner_guard.get(app_ctx.db, "failures")) == 3


def test_a_deleted_pin_row_keeps_owner_pages_locked(main_window, app_ctx, qtbot):
    auth.set_pin(app_ctx.db, "2580")
    app_ctx.db.execute("DELETE FROM settings WHERE key = 'owner_pin_hash'")
    app_ctx.db.conn.commit()
    assert app_ctx.mode == "staff"

    def try_pin(dialog):
        qtbot.keyClicks(dialog.field, "2580")
        qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
        return dialog.error.text()

    text = handle_modal(qtbot, main_window.registry["settings"].trigger, try_pin)
    assert "removed from this database outside shopcrm" in text
    assert app_ctx.mode == "staff"


def test_back_up_now_asks_staff_for_the_pin(main_window, app_ctx, qtbot):
    from shopcrm.store import backup

    auth.set_pin(app_ctx.db, "2580")
    assert app_ctx.mode == "staff"
    before = len(backup.list_backups(app_ctx.db_path))

    def wrong(dialog):
        assert dialog.objectName() == "pinDialog"
        dialog.reject()

    handle_modal(qtbot, main_window.registry["backup"].trigger, wrong)
    assert len(backup.list_backups(app_ctx.db_path)) == before  # no PIN, no copy
