"""A damaged database at start (issue 17): the app offers the backups and, after a click, starts on
the restored data with the damaged file kept aside."""

from __future__ import annotations

from shopcrm.domain.models import Customer
from shopcrm.store import backup, customers, open_db
from shopcrm.ui.dialogs.rescue_dialog import open_or_rescue
from tests.cli.test_restore_rescues import _damage
from tests.ui.conftest import handle_modal


def test_a_damaged_database_is_rescued_from_the_newest_backup(tmp_path, qtbot, qapp):
    shop = tmp_path / "shop.db"
    db = open_db(shop)
    customers.create(db, Customer(name="山田 太郎", kana="やまだ"))
    backup.backup_now(db, kind="daily")
    db.close()
    _damage(shop)
    result = {}

    def choose(dialog):
        assert dialog.objectName() == "rescueDialog"
        assert dialog.list.count() == 1
        qtbot.mouseClick(
            dialog.restore_button, __import__("PySide6.QtCore").QtCore.Qt.MouseButton.LeftButton
        )

    def start():
        result["db"] = open_or_rescue(shop, open_db)

    handle_modal(qtbot, start, choose)
    db = result["db"]
    assert db is not None
    assert [r[0] for r in db.execute("SELECT name FROM customers")] == ["山田 太郎"]
    assert list(tmp_path.glob("shop-damaged-*.db"))
    db.close()


def test_quitting_the_rescue_leaves_everything_as_it_was(tmp_path, qtbot, qapp):
    shop = tmp_path / "shop.db"
    open_db(shop).close()
    _damage(shop)
    before = shop.read_bytes()
    result = {}

    def quit_(dialog):
        dialog.findChild(type(dialog.restore_button), "rescueQuit").click()

    handle_modal(qtbot, lambda: result.setdefault("db", open_or_rescue(shop, open_db)), quit_)
    assert result["db"] is None
    assert shop.read_bytes() == before
