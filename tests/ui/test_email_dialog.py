"""Print page → "Send by e-mail…": the per-channel counts and left-outs before sending, then the
real Send and Cancel buttons, against a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt

from shopcrm.store import email_ledger, settings
from shopcrm.ui.context import AppContext
from shopcrm.ui.dialogs.email_dialog import EmailDialog
from shopcrm.ui.pages.print_page import PrintPage
from tests.services.test_email_fixtures import *  # noqa: F403
from tests.ui.conftest import settle

SCREENS = os.environ.get("SHOPCRM_SCREENS", "")


@pytest.fixture
def page(db, db_path, shop, qapp, qtbot):
    ctx = AppContext(db, db_path)
    p = PrintPage(ctx)
    qtbot.addWidget(p)
    p.resize(1366, 768)
    p.show()
    qtbot.waitExposed(p)
    p.campaign_combo.setCurrentIndex(p.campaign_combo.findData(shop["campaign"].id))
    yield p
    settle()


def _open(qtbot, page) -> EmailDialog:
    qtbot.mouseClick(page.email_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(EmailDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def test_counts_and_left_outs_shown_then_send(page, qtbot, smtp_server, shop, ja):
    d = _open(qtbot, page)
    assert d.email_count.text() == "3名"
    assert d.findChild(type(d.email_count), "postReach").text() == "6名"
    reasons = {
        d.left_tree.topLevelItem(i).text(0): d.left_tree.topLevelItem(i).text(1)
        for i in range(d.left_tree.topLevelItemCount())
    }
    assert reasons == {"高橋 次郎": "メールアドレスなし", "田中 三郎": "メールの同意なし",
                       "伊藤 四郎": "メール配信停止済み"}  # fmt: skip
    assert smtp_server.arrived == []  # nothing before Send
    if SCREENS:
        d.resize(900, 600)
        d.grab().save(os.path.join(SCREENS, "email-dialog-ja.png"))
    qtbot.mouseClick(d.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: d.outcome is not None, timeout=20_000)
    assert d.outcome.sent == 3 and "3 通のメールを送りました" in d.status.text()
    assert len(smtp_server.arrived) == 3
    assert not d.send_button.isEnabled()  # nothing left to send


def test_cancel_stops_the_run_and_the_rest_is_sent_later(page, qtbot, smtp_server, shop, db):
    settings.set(db, "email_per_minute", 1)  # 60 s between messages: Cancel lands in the wait
    d = _open(qtbot, page)
    qtbot.mouseClick(d.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(smtp_server.arrived) == 1, timeout=20_000)
    qtbot.waitUntil(d.cancel_button.isEnabled, timeout=5_000)
    qtbot.mouseClick(d.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: d.outcome is not None, timeout=20_000)
    assert d.outcome.cancelled and d.outcome.sent == 1
    assert "Cancelled" in d.status.text()
    if SCREENS:
        d.resize(900, 600)
        d.grab().save(os.path.join(SCREENS, "email-dialog-en.png"))
    settings.set(db, "email_per_minute", 600)
    assert d.send_button.isEnabled() and d.send_button.text() == "Send the rest"
    qtbot.mouseClick(d.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: d.outcome is not None and not d.outcome.cancelled, timeout=20_000)
    qtbot.waitUntil(lambda: len(smtp_server.arrived) == 3, timeout=20_000)
    by_guest = {a.rcpt[0] for a in smtp_server.arrived}
    assert len(by_guest) == 3  # nobody twice
    ledger = email_ledger.for_campaign(db, shop["campaign"].id)
    assert len(ledger) == 3 and {r.state for r in ledger.values()} == {"sent"}
