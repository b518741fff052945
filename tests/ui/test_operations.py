"""The background operations (ui/operations.py) on real widgets, a real database file and real
worker threads: the answer arrives on the main thread, an error too, Cancel stops the worker, a
closed or deleted parent gets nothing, the worker has a connection of its own, and a write's
``Changes`` refreshes the Today and Customers pages (an import driven through its buttons)."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QThreadPool
from PySide6.QtWidgets import QDialog, QPushButton, QWidget

from shopcrm.domain.changes import Changes
from shopcrm.store import customers
from shopcrm.ui import operations
from shopcrm.ui.dialogs import error_dialog
from shopcrm.ui.dialogs.customer_dialog import CustomerDialog
from shopcrm.ui.dialogs.import_dialog import ImportDialog
from shopcrm.ui.operations import Cancelled, CollectionOp, QueryOp
from tests.ui.conftest import wait_for_table
from tests.ui.dialog_fixtures import type_text


@pytest.fixture
def widget(app_ctx, qtbot):
    w = QWidget()
    w.ctx = app_ctx  # an operation finds the context through its parent
    qtbot.addWidget(w)
    w.show()
    return w


def _drain() -> None:
    """Let every worker end and every queued answer be handled."""
    QThreadPool.globalInstance().waitForDone(10_000)
    for _ in range(3):
        QCoreApplication.processEvents()


def test_the_result_arrives_on_the_main_thread_from_a_connection_of_its_own(widget, app_ctx, qtbot):
    seen = {}

    def work(db, task):
        seen["worker"] = threading.get_ident()
        seen["conn"] = db.conn
        return customers.count(db, "")

    QueryOp(
        parent=widget,
        op=work,
        success=lambda n: seen.update(n=n, thread=threading.get_ident()),
    ).run_in_background()
    qtbot.waitUntil(lambda: "n" in seen, timeout=5000)
    assert seen["n"] == 7  # the sample shop's guests, read by the worker
    assert seen["thread"] == threading.main_thread().ident != seen["worker"]
    assert seen["conn"] is not app_ctx.db.conn
    with pytest.raises(sqlite3.ProgrammingError):  # closed once the op returned
        seen["conn"].execute("SELECT 1")


def test_an_error_reaches_failure_and_not_success(widget, qtbot):
    seen = {}

    def work(db, task):
        raise ValueError("the disk is full")

    op = QueryOp(parent=widget, op=work, success=lambda r: seen.update(result=r))
    op.failure(lambda exc: seen.update(error=exc, thread=threading.get_ident()))
    op.run_in_background()
    qtbot.waitUntil(lambda: "error" in seen, timeout=5000)
    assert isinstance(seen["error"], ValueError) and str(seen["error"]) == "the disk is full"
    assert seen["thread"] == threading.main_thread().ident
    assert "result" not in seen
    assert "ValueError: the disk is full" in op.trace


def test_cancel_in_the_progress_window_stops_the_worker_and_changes_nothing(widget, app_ctx, qtbot):
    seen: dict = {"changes": []}
    app_ctx.changed.connect(seen["changes"].append)
    started = threading.Event()

    def work(db, task):
        for i in range(2000):  # about 20 s unless cancelled
            started.set()
            task.progress(i, 2000, f"row {i}")
            task.check_cancelled()
            threading.Event().wait(0.01)
        return Changes(customers=True)

    op = CollectionOp(parent=widget, op=work, success=lambda r: seen.update(result=r))
    op.with_progress("Counting…").failure(lambda exc: seen.update(error=exc))
    task = op.run_in_background()
    assert started.wait(5)
    dialog = op.progress_dialog
    qtbot.waitUntil(lambda: dialog.isVisible(), timeout=5000)
    assert "Counting…" in dialog.labelText()
    cancel = dialog.findChild(QPushButton)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "error" in seen, timeout=5000)
    assert isinstance(seen["error"], Cancelled) and task.finished.is_set()
    assert "result" not in seen and seen["changes"] == []  # nothing written, nothing refreshed
    assert op.progress_dialog is None  # the window went away


def test_without_failure_an_error_is_shown_and_a_cancel_is_not(widget, qtbot):
    def boom(db, task):
        raise OSError("the backup folder is gone")

    def cancelled(db, task):
        raise Cancelled()

    def shown_now():
        return [d for d in error_dialog._open if shiboken6.isValid(d) and d.isVisible()]

    QueryOp(parent=widget, op=cancelled).run_in_background()
    QueryOp(parent=widget, op=boom).run_in_background()
    qtbot.waitUntil(lambda: bool(shown_now()), timeout=5000)
    shown = shown_now()
    assert len(shown) == 1  # the cancel said nothing
    assert "the backup folder is gone" in shown[0].message.text()
    assert "OSError" in shown[0].details
    shown[0].close()  # deleted once closed: the next error must still be shown
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QueryOp(parent=widget, op=boom).run_in_background()
    qtbot.waitUntil(lambda: bool(shown_now()), timeout=5000)
    for d in shown_now():
        d.close()


def test_a_refused_close_keeps_the_answer(app_ctx, qtbot):
    class Stubborn(QWidget):
        def closeEvent(self, event):  # e.g. "a print run is still going"
            event.ignore()

    w = Stubborn()
    w.ctx = app_ctx
    qtbot.addWidget(w)
    w.show()
    seen = {}
    release = threading.Event()

    def work(db, task):
        release.wait(5)
        return "kept"

    QueryOp(parent=w, op=work, success=lambda r: seen.update(result=r)).run_in_background()
    w.close()
    assert w.isVisible()
    release.set()
    qtbot.waitUntil(lambda: "result" in seen, timeout=5000)
    assert seen["result"] == "kept"


def test_a_closed_parent_gets_no_answer_and_nothing_breaks(app_ctx, qtbot):
    dialog = QDialog()
    dialog.ctx = app_ctx
    qtbot.addWidget(dialog)
    dialog.show()
    release = threading.Event()
    seen = {}

    def work(db, task):
        release.wait(5)
        return "late"

    op = QueryOp(parent=dialog, op=work, success=lambda r: seen.update(result=r))
    op.failure(lambda exc: seen.update(error=exc))
    task = op.run_in_background()
    dialog.reject()  # the user closed it while the worker runs
    release.set()
    assert task.finished.wait(5)
    _drain()
    assert seen == {}
    assert op not in operations._running  # let go of once handled


def test_a_closed_window_drops_an_error_too(widget, qtbot):
    release = threading.Event()
    seen = {}

    def work(db, task):
        release.wait(5)
        raise RuntimeError("too late to tell")

    op = QueryOp(parent=widget, op=work, success=seen.update).failure(
        lambda exc: seen.update(error=exc)
    )
    task = op.run_in_background()
    widget.close()
    release.set()
    assert task.finished.wait(5)
    _drain()
    assert seen == {}


def test_a_deleted_parent_gets_no_answer_but_a_write_still_refreshes_the_pages(app_ctx, qtbot):
    w = QWidget()
    w.ctx = app_ctx
    w.show()
    release = threading.Event()
    seen: dict = {"changes": []}
    app_ctx.changed.connect(seen["changes"].append)
    legacy: list = []
    app_ctx.customers_changed.connect(lambda: legacy.append(True))

    def work(db, task):
        release.wait(5)
        return "saved"

    op = CollectionOp(
        parent=w, op=work, success=lambda r: seen.update(result=r), changes=Changes(customers=True)
    )
    task = op.run_in_background()
    w.deleteLater()  # e.g. the page dropped by a language switch
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(w)
    release.set()
    assert task.finished.wait(5)
    _drain()
    assert "result" not in seen
    assert seen["changes"] == [Changes(customers=True)]  # the write happened: pages must know
    assert legacy == [True]  # routed once to the old per-kind signal


def test_a_collection_op_emits_changed_once_after_success(widget, app_ctx, qtbot):
    order: list = []
    app_ctx.changed.connect(lambda c: order.append(("changed", c)))

    def work(db, task):
        return Changes(visits=True, coupons=True)

    CollectionOp(
        parent=widget, op=work, success=lambda r: order.append(("success", r))
    ).run_in_background()
    qtbot.waitUntil(lambda: len(order) == 2, timeout=5000)
    both = Changes(visits=True, coupons=True)
    assert order == [("success", both), ("changed", both)]


def test_a_legacy_signal_emitted_by_hand_reaches_changed_once(app_ctx):
    seen: list = []
    legacy: list = []
    app_ctx.changed.connect(seen.append)
    app_ctx.coupons_changed.connect(lambda: legacy.append(True))
    app_ctx.coupons_changed.emit()  # code not yet ported (the Dashboard page)
    assert seen == [Changes(coupons=True, campaigns=True)]
    assert legacy == [True]


def test_changes_combine_and_name_their_kinds():
    both = Changes(customers=True) | Changes(menu=True)
    assert both.kinds() == ("customers", "menu") and both and not Changes()
    assert Changes.everything().any_of("mailings")
    with pytest.raises(ValueError):
        both.any_of("cusomers")


def test_an_import_saved_through_its_buttons_refreshes_today_and_customers(
    main_window, app_ctx, qtbot, tmp_path
):
    today_page = main_window.page("today")
    customers_page = main_window.page("customers")
    wait_for_table(qtbot, customers_page)
    qtbot.waitUntil(lambda: not today_page.visits_loading, timeout=5000)
    assert customers_page.model.total == 7
    before = today_page.visits.count()
    day = dt.date.today()
    path = tmp_path / "来店.csv"
    path.write_text(
        "会員番号,氏名,来店日,時刻,会計,人数,注文\n"
        f"V9,新顔 一,{day:%Y/%m/%d},11:00,4800,2,生ビール×2\n",
        encoding="utf-8-sig",
    )
    dialog = ImportDialog(app_ctx, main_window, path=path, kind="visits")
    qtbot.addWidget(dialog)
    dialog.create_check.setChecked(True)
    dialog.show()
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == dialog.PAGE_MAP, timeout=5000)
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == dialog.PAGE_CHECK, timeout=5000)
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(app_ctx.changed, timeout=5000) as blocker:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [Changes(customers=True, visits=True)]
    # both pages reload from that one signal: nobody told them by hand
    qtbot.waitUntil(lambda: customers_page.model.total == 8, timeout=5000)
    qtbot.waitUntil(lambda: today_page.visits.count() == before + 1, timeout=5000)
    shown = [today_page.visits.item(i).text() for i in range(today_page.visits.count())]
    assert any("新顔 一" in text for text in shown)
    dialog.close()


def test_a_guest_saved_through_the_dialog_button_refreshes_both_pages(
    main_window, app_ctx, qtbot, shop
):
    today_page = main_window.page("today")
    customers_page = main_window.page("customers")
    wait_for_table(qtbot, customers_page)
    yamada = shop.id("山田 太郎")
    dialog = CustomerDialog(app_ctx, yamada, main_window)
    qtbot.addWidget(dialog)
    dialog.show()
    name = dialog.fields["name"]
    name.selectAll()
    qtbot.keyClick(name, Qt.Key.Key_Delete)
    type_text(qtbot, name, "山田 太一")  # (keyClicks sends ASCII keys only)
    with qtbot.waitSignal(app_ctx.changed, timeout=5000) as blocker:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [Changes(customers=True)]

    def customers_shows() -> bool:
        row = customers_page.model.row_of(yamada)
        return row is not None and customers_page.model.index(row, 0).data() == "山田 太一"

    qtbot.waitUntil(customers_shows, timeout=5000)
    recent = today_page.results
    qtbot.waitUntil(
        lambda: any("山田 太一" in recent.item(i).text() for i in range(recent.count())),
        timeout=5000,
    )
