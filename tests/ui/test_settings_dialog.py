"""Settings dialog: built from the declared settings, checks phone and postal code at the field,
saves through store.settings, and a language change re-translates the whole window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton

from shopcrm.store import settings
from shopcrm.ui.dialogs.settings_dialog import GROUPS, SettingsDialog
from tests.ui.conftest import handle_modal


@pytest.fixture
def dialog(app_ctx, qtbot):
    d = SettingsDialog(app_ctx)
    qtbot.addWidget(d)
    d.show()
    return d


def test_form_holds_every_listed_setting_with_its_label(dialog, app_ctx):
    keys = [k for _title, ks in GROUPS for k in ks]
    assert set(dialog.inputs) == set(keys)
    for key in keys:
        widget = dialog.inputs[key]
        assert widget.accessibleName() == settings.SETTINGS[key].label  # English: msgid
        assert dialog.value(key) == settings.get(app_ctx.db, key) or key == "language"
    assert dialog.inputs["shop_name"].text() == ""  # a new shop has no name, never the demo's


def test_bad_phone_is_shown_at_the_field_and_nothing_is_saved(dialog, app_ctx, qtbot):
    dialog.inputs["shop_name"].setText("居酒屋 たぬき")
    dialog.inputs["shop_phone"].setText("03-12ab")
    dialog.on_accept()
    assert dialog.isVisible()
    assert dialog.errors["shop_phone"].isVisible()
    assert dialog.errors["shop_phone"].text()
    assert settings.get(app_ctx.db, "shop_name") == ""  # nothing half-saved


def test_save_normalises_and_stores(dialog, app_ctx, qtbot):
    dialog.inputs["shop_name"].setText("居酒屋 たぬき")
    dialog.inputs["shop_phone"].setText("０３-１２３４-５６７８")
    dialog.inputs["shop_postal_code"].setText("〒105-0011")
    dialog.inputs["gross_margin_percent"].setValue(70)
    dialog.inputs["print_offset_x_mm"].setValue(-1.5)
    with qtbot.waitSignal(app_ctx.settings_changed):
        dialog.on_accept()
    assert not dialog.isVisible()
    stored = settings.get_all(app_ctx.db)
    assert stored["shop_name"] == "居酒屋 たぬき"
    assert stored["shop_phone"] == "03-1234-5678"  # as people write it (printed on every piece)
    assert stored["shop_postal_code"] == "1050011"
    assert stored["gross_margin_percent"] == 70.0
    assert stored["print_offset_x_mm"] == -1.5
    again = SettingsDialog(app_ctx)
    qtbot.addWidget(again)
    assert again.inputs["shop_phone"].text() == "03-1234-5678"  # shown as people write it
    assert again.inputs["shop_postal_code"].text() == "105-0011"


def test_menu_editor_button_opens_the_menu_dialog(dialog, qtbot):
    button = dialog.findChild(QPushButton, "menuEditorButton")
    name = handle_modal(qtbot, button.click, lambda d: type(d).__name__)
    assert name == "MenuDialog"


def test_choosing_japanese_translates_the_window(main_window, app_ctx, qtbot):
    def choose_japanese(d):
        combo = d.findChild(QComboBox, "setting_language")
        combo.setCurrentIndex(combo.findData("ja"))
        d.on_accept()

    handle_modal(qtbot, main_window.open_settings, choose_japanese)
    assert settings.get(app_ctx.db, "language") == "ja"
    qtbot.waitUntil(lambda: main_window.menuBar().actions()[0].text() == "ファイル(&F)")
    search = main_window.findChild(QLineEdit, "todaySearchField")
    assert search.placeholderText().startswith("お客様を検索")
    assert main_window.nav.item(0).text() == "今日"


def test_owner_pin_button_opens_the_pin_dialog(dialog, qtbot):
    button = dialog.findChild(QPushButton, "ownerPinButton")
    assert button.text() == "Set owner PIN…"
    name = handle_modal(qtbot, button.click, lambda d: type(d).__name__)
    assert name == "SetPinDialog"


def test_the_shop_phone_is_kept_as_written_and_printed_so(dialog, app_ctx, qtbot):
    """A 4-digit area code (0467, Kamakura) keeps its grouping: the owner knows their number."""
    from shopcrm.services.printing.pieces import shop_from_settings

    dialog.inputs["shop_phone"].setText("０４６７ー１２ー３４５６")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert settings.get(app_ctx.db, "shop_phone") == "0467-12-3456"
    assert shop_from_settings(app_ctx.db).phone_line == "TEL 0467-12-3456"
    again = SettingsDialog(app_ctx)
    qtbot.addWidget(again)
    assert again.inputs["shop_phone"].text() == "0467-12-3456"


def test_a_phone_stored_as_digits_by_an_older_version_prints_grouped(app_ctx):
    from shopcrm.services.printing.pieces import shop_from_settings

    settings.set(app_ctx.db, "shop_phone", "0357220000")
    assert shop_from_settings(app_ctx.db).phone_line == "TEL 03-5722-0000"
