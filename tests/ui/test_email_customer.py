"""The customer dialog's channels box: post, e-mail (consent, how, unsubscribe, bounce), LINE."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from PySide6.QtCore import Qt

from shopcrm.domain.models import Customer
from shopcrm.store import consents, customers
from shopcrm.ui.context import AppContext
from shopcrm.ui.dialogs.customer_dialog import CustomerDialog
from tests.ui.dialog_fixtures import shown

SCREENS = os.environ.get("SHOPCRM_SCREENS", "")  # a folder: grab the dialog there


@pytest.fixture
def ctx(db, db_path, qapp):
    return AppContext(db, db_path)


def _guest(db, **kw):
    return customers.create(
        db,
        Customer(name="佐藤 花子", email="hanako@example.jp", dm_consent=True,
                 dm_consent_at=dt.datetime(2026, 1, 5, 19), dm_consent_channel="Paper form", **kw),
    )  # fmt: skip


def test_channels_show_post_email_and_line_and_save_email_consent(ctx, qtbot, db):
    g = _guest(db)
    d = shown(qtbot, CustomerDialog(ctx, g.id))
    box = d.channels
    assert "2026-01-05" in box.post_state.text() and "Paper form" in box.post_state.text()
    assert box.line_state.text() == "LINE: not linked"
    assert not box.email_consent.isChecked() and not box.unsubscribe_button.isEnabled()
    qtbot.mouseClick(box.email_consent, Qt.MouseButton.LeftButton)
    box.email_how.setCurrentText("Website")
    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    got = consents.get(db, g.id, "email")
    assert got.consented and got.how == "Website" and got.consented_at is not None
    assert consents.get(db, g.id, "post").consented  # post untouched, mirrored from dm_consent


def test_unsubscribe_button_records_it_at_once(ctx, qtbot, db, ja):
    g = _guest(db)
    consents.give(db, g.id, "email", "in person", dt.datetime(2026, 2, 1))
    d = shown(qtbot, CustomerDialog(ctx, g.id))
    d.resize(1366, 768)
    box = d.channels
    assert box.email_consent.isChecked() and "2026-02-01" in box.email_state.text()
    assert box.line_state.text() == "LINE：未連携"
    if SCREENS:
        d.grab().save(os.path.join(SCREENS, "customer-channels-ja.png"))
    qtbot.mouseClick(box.unsubscribe_button, Qt.MouseButton.LeftButton)
    got = consents.get(db, g.id, "email")
    assert not got.consented and got.unsubscribed_at is not None
    assert not box.email_consent.isChecked() and "配信停止" in box.email_state.text()


def test_a_bounce_is_shown_and_cleared_when_the_address_is_fixed(ctx, qtbot, db):
    g = _guest(db)
    consents.give(db, g.id, "email", "in person")
    consents.mark_bounced(db, g.id, "550 5.1.1 no such user")
    d = shown(qtbot, CustomerDialog(ctx, g.id))
    assert "no such user" in d.channels.email_state.text()
    if SCREENS:
        d.resize(1366, 768)
        d.grab().save(os.path.join(SCREENS, "customer-channels-en.png"))
    line = d.fields["email"]
    line.clear()
    qtbot.keyClicks(line, "hanako@example.com")
    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert consents.get(db, g.id, "email").bounced_at is None
