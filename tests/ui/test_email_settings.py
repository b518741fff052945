"""Settings → E-mail: typing the server, saving the password to the keychain, and the real
"Send a test mail to me" button against a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt

from shopcrm import i18n
from shopcrm.services.channels import keychain
from shopcrm.store import settings
from shopcrm.ui.context import AppContext
from shopcrm.ui.dialogs.settings_dialog import SettingsDialog
from tests.services.test_email_fixtures import *  # noqa: F403
from tests.ui.dialog_fixtures import type_text

SCREENS = os.environ.get("SHOPCRM_SCREENS", "")


@pytest.fixture
def email_ctx(db, db_path, shop, qapp):
    return AppContext(db, db_path)


def _dialog(qtbot, ctx):
    d = SettingsDialog(ctx)
    qtbot.addWidget(d)
    d.resize(1366, 768)
    d.show()
    qtbot.waitExposed(d)
    return d


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_test_mail_button_sends_through_the_real_server(email_ctx, qtbot, smtp_server, lang):
    i18n.set_language(lang)
    d = _dialog(qtbot, email_ctx)
    qtbot.mouseClick(d.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "shop@example.jp" in d.email_result.text() and d.test_button
                    .isEnabled(), timeout=10_000)  # fmt: skip
    assert smtp_server.to("shop@example.jp")
    if SCREENS:
        d.grab().save(os.path.join(SCREENS, f"settings-email-{lang}.png"))


def test_wrong_password_is_said_plainly_in_japanese(email_ctx, qtbot, smtp_server, ja):
    d = _dialog(qtbot, email_ctx)
    d.inputs["smtp_user"].setText("shop@example.jp")
    type_text(qtbot, d.password_input, "wrong")
    qtbot.mouseClick(d.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "送信できませんでした" in d.email_result.text(), timeout=10_000)
    assert "パスワード" in d.email_result.text()
    assert smtp_server.arrived == []
    d.password_input.clear()
    type_text(qtbot, d.password_input, "app-password")
    qtbot.mouseClick(d.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "送信しました" in d.email_result.text(), timeout=10_000)
    assert len(smtp_server.arrived) == 1


def test_cannot_connect_is_said_plainly(email_ctx, qtbot, smtp_server):
    d = _dialog(qtbot, email_ctx)
    d.inputs["smtp_port"].setValue(1)
    qtbot.mouseClick(d.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Cannot connect" in d.email_result.text(), timeout=10_000)


def test_save_puts_the_password_in_the_keychain_only(email_ctx, qtbot, db):
    d = _dialog(qtbot, email_ctx)
    d.inputs["smtp_user"].setText("shop@example.jp")
    d.inputs["smtp_security"].setCurrentIndex(d.inputs["smtp_security"].findData("ssl"))
    d.inputs["smtp_port"].setValue(465)
    type_text(qtbot, d.password_input, "app-password")
    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert not d.isVisible()
    assert settings.get(db, "smtp_security") == "ssl" and settings.get(db, "smtp_port") == 465
    assert keychain.get_password("shop@example.jp", "127.0.0.1") == "app-password"
    stored = " ".join(v for (v,) in db.execute("SELECT value FROM settings"))
    assert "app-password" not in stored
