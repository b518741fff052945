"""The data dialogs driven offscreen: the import wizard (mapping, dry-run report, valid rows
only, cancel), export, backups and restore, check database, the PIN prompt and the idle lock."""

from __future__ import annotations

import pytest

from shopcrm.domain.models import Customer
from shopcrm.services import auth
from shopcrm.store import backup, customers

from .conftest import handle_modal

CSV = (
    "顧客一覧\n"
    "氏名,フリガナ,携帯,誕生日,郵便番号,住所,会員番号\n"
    "新井 一郎,あらい いちろう,090-3333-4444,S60.4.1,150-0001,東京都渋谷区神宮前1-1,N1\n"
    "石田 二郎,イシダ ジロウ,9055556666,4月2日,600001,,N2\n"
    ",名前なし,03-1234,1990-02-30,12,,N3\n"
)


@pytest.fixture
def csv_path(tmp_path):
    path = tmp_path / "名簿.csv"
    path.write_bytes(CSV.encode("cp932"))
    return path


def _wizard(app_ctx, qtbot, csv_path):
    from shopcrm.ui.dialogs.import_dialog import ImportDialog

    dialog = ImportDialog(app_ctx, path=csv_path)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.next()  # read the file
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == dialog.PAGE_MAP, timeout=5000)
    return dialog


def test_import_wizard_mapping_report_and_valid_rows(app_ctx, qtbot, csv_path):
    before = customers.count_all(app_ctx.db)
    dialog = _wizard(app_ctx, qtbot, csv_path)
    assert dialog.table.encoding == "cp932" and dialog.table.header_line == 2
    assert dialog.mapping()[2] == "phone" and dialog.mapping()[0] == "name"
    dialog.set_mapping(6, "")  # the user drops the membership code column
    dialog.set_mapping(6, "code")  # ... and puts it back
    dialog.next()  # the dry run
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == dialog.PAGE_CHECK, timeout=5000)
    report = dialog.plan.report
    assert report.valid == 2 and report.error_rows == [5]
    shown = {
        (dialog.report_table.item(r, 0).text(), dialog.report_table.item(r, 1).text())
        for r in range(dialog.report_table.rowCount())
    }
    assert {("5", "氏名"), ("5", "誕生日"), ("5", "郵便番号"), ("4", "携帯")} <= shown
    assert not dialog.import_button.isEnabled()  # all or nothing, and there are errors
    dialog.valid_radio.setChecked(True)
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(app_ctx.customers_changed, timeout=5000):
        dialog.start_import()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=5000)
    assert dialog.report.imported == 2
    assert customers.count_all(app_ctx.db) == before + 2
    assert customers.find_by_code(app_ctx.db, "N2").phone == "09055556666"
    assert dialog.close_button.text() == "Close"


def test_import_wizard_in_japanese_shows_japanese_reasons(app_ctx, qtbot, csv_path, ja):
    dialog = _wizard(app_ctx, qtbot, csv_path)
    dialog.next()
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == dialog.PAGE_CHECK, timeout=5000)
    reasons = [dialog.report_table.item(r, 3).text() for r in range(dialog.report_table.rowCount())]
    assert any("2月30日" in r for r in reasons)
    assert "取り込めます" in dialog.summary.text()


def test_cancel_while_importing_writes_nothing(app_ctx, qtbot, tmp_path):
    from shopcrm.ui.dialogs.import_dialog import ImportDialog

    path = tmp_path / "big.csv"
    path.write_text("氏名\n" + "\n".join(f"客{i}" for i in range(20000)), encoding="utf-8")
    before = customers.count_all(app_ctx.db)
    dialog = ImportDialog(app_ctx, path=path)
    qtbot.addWidget(dialog)
    dialog.next()
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == dialog.PAGE_MAP, timeout=5000)
    dialog.next()
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == dialog.PAGE_CHECK, timeout=10000)
    dialog.start_import()
    dialog.cancel_or_close()  # Cancel while it runs
    qtbot.waitUntil(lambda: dialog.task is None, timeout=10000)
    if dialog.report is None:  # cancelled in time: nothing at all was written
        assert "nothing was imported" in dialog.run_label.text().lower()
        assert customers.count_all(app_ctx.db) == before
    else:  # it finished first: then everything was
        assert customers.count_all(app_ctx.db) == before + 20000


def test_export_dialog_writes_the_file(app_ctx, qtbot, tmp_path):
    from openpyxl import load_workbook

    from shopcrm.ui.dialogs.data_dialogs import ExportDialog

    dialog = ExportDialog(app_ctx)
    qtbot.addWidget(dialog)
    out = tmp_path / "c.xlsx"
    dialog.export_to(out)
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=5000)
    assert dialog.written[0] == customers.count_all(app_ctx.db)
    assert load_workbook(out).active.max_row == dialog.written[0] + 1


def test_backup_and_restore_dialog(app_ctx, qtbot):
    from shopcrm.domain.models import Customer
    from shopcrm.ui.dialogs.backup_dialog import BackupDialog

    dialog = BackupDialog(app_ctx)
    qtbot.addWidget(dialog)
    dialog.backup_now()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=5000)
    assert dialog.list.rowCount() == 1 and "Backup written" in dialog.status.text()
    saved = customers.count_all(app_ctx.db)
    customers.create(app_ctx.db, Customer(name="後から来た人"))
    with qtbot.waitSignal(app_ctx.customers_changed, timeout=5000):
        dialog.restore_file(dialog.backups[0].path, confirm=False)
    qtbot.waitUntil(lambda: dialog.task is None, timeout=5000)
    assert customers.count_all(app_ctx.db) == saved  # the app's connection sees it
    kinds = {b.kind for b in backup.list_backups(app_ctx.db_path)}
    assert kinds == {"manual", "pre-restore"}


def test_check_dialog_reports_healthy(app_ctx, qtbot, ja):
    from shopcrm.ui.dialogs.backup_dialog import CheckDialog

    dialog = CheckDialog(app_ctx)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=5000)
    assert dialog.report.ok
    assert "正常" in dialog.headline.text()
    assert "整合性チェック：問題なし" in dialog.details.text()


def test_pin_prompt(app_ctx, qtbot):
    from shopcrm.ui.dialogs.pin_dialog import MAX_TRIES, PinDialog, ask_owner_pin

    assert ask_owner_pin(app_ctx) is True  # no PIN set: nothing asks
    auth.set_pin(app_ctx.db, "2580")
    assert app_ctx.mode == "staff"
    dialog = PinDialog(app_ctx)
    qtbot.addWidget(dialog)
    dialog.field.setText("1111")
    dialog.on_accept()
    assert dialog.result() == 0 and "tries left" in dialog.error.text()
    dialog.field.setText("2580")
    dialog.on_accept()
    assert dialog.result() == PinDialog.DialogCode.Accepted

    def type_pin(d):
        d.field.setText("2580")
        d.on_accept()
        return d.result()

    handle_modal(qtbot, lambda: app_ctx.require_owner(), type_pin)
    assert app_ctx.mode == "owner"
    app_ctx.set_owner_unlocked(False)
    wrong = PinDialog(app_ctx)
    qtbot.addWidget(wrong)
    for _ in range(MAX_TRIES):
        wrong.field.setText("0000")
        wrong.on_accept()
    assert wrong.result() == PinDialog.DialogCode.Rejected


def test_set_pin_dialog(app_ctx, qtbot):
    from shopcrm.ui.dialogs.pin_dialog import SetPinDialog

    dialog = SetPinDialog(app_ctx)
    qtbot.addWidget(dialog)
    dialog.new.setText("12")
    dialog.again.setText("12")
    dialog.on_accept()
    assert not auth.pin_is_set(app_ctx.db) and dialog.error.text()
    dialog.new.setText("4321")
    dialog.again.setText("4322")
    dialog.on_accept()
    assert not auth.pin_is_set(app_ctx.db)
    dialog.again.setText("4321")
    dialog.on_accept()
    assert auth.verify_pin(app_ctx.db, "4321") and auth.pin_is_set(app_ctx.db)
    change = SetPinDialog(app_ctx)
    qtbot.addWidget(change)
    change.current.setText("0000")
    change.remove_pin()
    assert auth.pin_is_set(app_ctx.db)  # wrong current PIN: nothing removed
    change.current.setText("4321")
    change.remove_pin()
    assert not auth.pin_is_set(app_ctx.db)


def test_idle_lock_relocks_owner_mode(app_ctx, qtbot, qapp):
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    from shopcrm.ui.dialogs.pin_dialog import IdleLock

    auth.set_pin(app_ctx.db, "2580")
    lock = IdleLock(app_ctx, qapp)
    assert lock.timer.interval() == 5 * 60_000  # the shop setting (minutes)
    lock.timer.setInterval(300)
    app_ctx.set_owner_unlocked(True)
    assert app_ctx.mode == "owner"
    # activity keeps it open ...
    for _ in range(4):
        qtbot.wait(120)
        lock.eventFilter(
            None, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier)
        )
    assert app_ctx.mode == "owner"
    # ... idleness locks it
    with qtbot.waitSignal(app_ctx.mode_changed, timeout=2000):
        pass
    assert app_ctx.mode == "staff"
    qapp.removeEventFilter(lock)
    lock.timer.stop()
    lock.setParent(None)
    lock.deleteLater()


def test_automatic_backups_daily_and_on_close(app_ctx, qtbot, qapp):
    from shopcrm.domain.models import Customer
    from shopcrm.ui.dialogs.data_dialogs import install_auto_backups

    first = install_auto_backups(app_ctx, qapp)
    qtbot.waitUntil(
        lambda: any(b.kind == "daily" for b in backup.list_backups(app_ctx.db_path)), timeout=5000
    )
    customers.create(app_ctx.db, Customer(name="閉店前 来店"))  # a change since the daily one
    qapp.aboutToQuit.emit()  # what QApplication sends when the app closes
    # The close backup runs in a process of its own (the app does not wait for it).
    qtbot.waitUntil(
        lambda: any(b.kind == "close" for b in backup.list_backups(app_ctx.db_path)),
        timeout=20000,
    )
    kinds = [b.kind for b in backup.list_backups(app_ctx.db_path)]
    # the close backup is the newest; rotation keeps one automatic backup per day, so the
    # morning's daily one goes unless both were taken in the same second
    assert "close" in kinds and set(kinds) <= {"close", "daily"}
    second = install_auto_backups(app_ctx, qapp)  # a second start the same day: no new daily
    qtbot.wait(300)
    assert [b.kind for b in backup.list_backups(app_ctx.db_path)] == kinds
    for handler in (first, second):  # the test's database closes after the test
        qapp.aboutToQuit.disconnect(handler)


def test_merge_dialog_merges_and_undoes(app_ctx, qtbot, tmp_path):
    from shopcrm.domain.models import Customer
    from shopcrm.ui.dialogs.merge_dialog import MergeDialog, erase_customer, export_customer

    a = customers.create(app_ctx.db, Customer(name="重複 太郎", phone="09012121212"))
    b = customers.create(app_ctx.db, Customer(name="重複太郎", phone="090-1212-1212", code="DUP"))
    dialog = MergeDialog(app_ctx)
    qtbot.addWidget(dialog)
    row = next(i for i, p in enumerate(dialog.pairs) if (p.keep.id, p.other.id) == (a.id, b.id))
    with qtbot.waitSignal(app_ctx.customers_changed):
        dialog.merge_row(row)
    assert customers.find_by_code(app_ctx.db, "DUP").id == a.id
    assert all(p.other.id != b.id for p in dialog.pairs)
    assert dialog.undo_button.isEnabled()
    dialog.undo()
    assert customers.find_by_code(app_ctx.db, "DUP").id == b.id
    out = export_customer(app_ctx, b.id, path=tmp_path / "b.json")
    assert out.exists() and "DUP" in out.read_text(encoding="utf-8")
    assert erase_customer(app_ctx, b.id, confirm=False)
    assert customers.get(app_ctx.db, b.id).erased_at is not None


def test_import_wizard_visits_creating_customers(app_ctx, qtbot, tmp_path):
    from shopcrm.ui.dialogs.import_dialog import ImportDialog

    path = tmp_path / "来店.csv"
    path.write_text(
        "会員番号,氏名,来店日,時刻,会計,人数,注文\n"
        "V1,新顔 一,2026/11/01,19:30,4800,2,生ビール×2\n"
        "V1,新顔 一,2026/11/08,20:00,3200,1,\n",
        encoding="utf-8-sig",
    )
    dialog = ImportDialog(app_ctx, path=path, kind="visits")
    qtbot.addWidget(dialog)
    dialog.create_check.setChecked(True)
    dialog.next()
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == dialog.PAGE_MAP, timeout=5000)
    assert set(dialog.mapping().values()) >= {"code", "name", "date", "time", "amount"}
    dialog.next()
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == dialog.PAGE_CHECK, timeout=5000)
    assert dialog.plan.report.valid == 2 and dialog.import_button.isEnabled()
    with qtbot.waitSignal(app_ctx.visits_changed, timeout=5000):
        dialog.start_import()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=5000)
    assert dialog.report.created_customers == 1
    guest = customers.find_by_code(app_ctx.db, "V1")
    assert guest.name == "新顔 一"


def test_import_wizard_refuses_a_visits_file_imported_before(app_ctx, qtbot, tmp_path):
    from PySide6.QtCore import Qt

    from shopcrm.ui.dialogs.import_dialog import ImportDialog

    guest = customers.create(app_ctx.db, Customer(name="常連 一", code="R1"))
    path = tmp_path / "来店.csv"
    path.write_text("会員番号,来店日,会計\nR1,2026/11/01,4800\n", encoding="utf-8-sig")

    def through(expect_refusal: bool, allow: bool = False):
        dialog = ImportDialog(app_ctx, path=path, kind="visits")
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.stack.currentIndex() == dialog.PAGE_MAP, timeout=5000)
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.stack.currentIndex() == dialog.PAGE_CHECK, timeout=5000)
        assert ("already imported" in dialog.summary.text()) == expect_refusal
        assert dialog.allow_dups.isEnabled() == expect_refusal and not dialog.allow_dups.isChecked()
        if allow:  # tick the box from the keyboard (a click can land beside a small box)
            dialog.allow_dups.setFocus()
            qtbot.keyClick(dialog.allow_dups, Qt.Key.Key_Space)
            assert dialog.allow_dups.isChecked()
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.task is None and dialog.run_label.text() != "", timeout=5000)
        qtbot.waitUntil(lambda: "Importing…" not in dialog.run_label.text(), timeout=5000)
        return dialog.run_label.text()

    assert "Imported 1 of 1" in through(expect_refusal=False)
    assert "Nothing was imported" in through(expect_refusal=True)
    assert _visit_count(app_ctx.db, guest.id) == 1
    assert "Imported 1 of 1" in through(expect_refusal=True, allow=True)
    assert _visit_count(app_ctx.db, guest.id) == 2


def _visit_count(db, cid):
    return db.execute("SELECT visit_count FROM customers WHERE id = ?", [cid]).fetchone()[0]
