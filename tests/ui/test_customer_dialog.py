"""CustomerDialog driven through its real widgets: errors at the field, postal lookup, era
birthdays, edit round trip, duplicate membership code, Japanese labels."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from shopcrm.store import customers
from shopcrm.ui.dialogs.customer_dialog import CustomerDialog, split_tags
from tests.ui.conftest import handle_modal
from tests.ui.dialog_fixtures import (  # noqa: F401 (ctx is a fixture)
    add_customer,
    add_preference,
    ctx,
    shown,
    type_text,
)


def _open(ctx, qtbot, customer_id=None):  # noqa: F811
    return shown(qtbot, CustomerDialog(ctx, customer_id))


def _type(qtbot, widget: QLineEdit, text: str) -> None:
    widget.selectAll()
    qtbot.keyClick(widget, Qt.Key.Key_Delete)
    type_text(qtbot, widget, text)


def _save(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def test_wrong_phone_is_shown_at_the_field_and_nothing_is_saved(ctx, qtbot):  # noqa: F811
    dialog = _open(ctx, qtbot)
    _type(qtbot, dialog.fields["name"], "山田 花子")
    _type(qtbot, dialog.fields["phone"], "12-34")
    _save(qtbot, dialog)

    assert dialog.errors["phone"].isVisible()
    assert dialog.errors["phone"].text()
    assert dialog.fields["phone"].property("invalid") is True
    assert dialog.fields["phone"].accessibleDescription() == dialog.errors["phone"].text()
    assert not dialog.errors["name"].isVisible()
    assert dialog.isVisible() and dialog.saved_customer_id is None
    assert customers.count_all(ctx.db) == 0
    assert dialog.focusWidget() is dialog.fields["phone"]

    _type(qtbot, dialog.fields["phone"], "090-1234-5678")
    assert not dialog.errors["phone"].isVisible()  # clears as soon as it is right
    _save(qtbot, dialog)

    assert customers.count_all(ctx.db) == 1
    saved = customers.get(ctx.db, dialog.saved_customer_id)
    assert saved.name == "山田 花子"
    assert saved.phone == "09012345678"


def test_an_error_shows_when_the_field_is_left_before_saving(ctx, qtbot):  # noqa: F811
    dialog = _open(ctx, qtbot)
    _type(qtbot, dialog.fields["email"], "taro@")
    assert not dialog.errors["email"].isVisible()  # not while still typing the first time
    dialog.fields["email"].editingFinished.emit()
    assert dialog.errors["email"].isVisible()
    assert not dialog.errors["name"].isVisible()  # untouched fields stay quiet


def test_empty_name_is_refused(ctx, qtbot):  # noqa: F811
    dialog = _open(ctx, qtbot)
    _save(qtbot, dialog)
    assert dialog.errors["name"].isVisible()
    assert customers.count_all(ctx.db) == 0


def test_postal_code_fills_the_address_offline(ctx, qtbot):  # noqa: F811
    dialog = _open(ctx, qtbot)
    _type(qtbot, dialog.fields["postal_code"], "105-0011")
    assert dialog.text("prefecture") == "東京都"
    assert dialog.text("city") == "港区"
    assert dialog.text("street") == "芝公園"
    assert "東京都港区芝公園" in dialog.postal_info.text()

    # what the user types is kept when the code changes; what was filled in follows it
    _type(qtbot, dialog.fields["street"], "芝公園4-2-8")
    _type(qtbot, dialog.fields["postal_code"], "0600000")
    assert dialog.text("prefecture") == "北海道"
    assert dialog.text("city") == "札幌市中央区"
    assert dialog.text("street") == "芝公園4-2-8"


def test_unknown_postal_code_says_so_at_the_field(ctx, qtbot):  # noqa: F811
    dialog = _open(ctx, qtbot)
    _type(qtbot, dialog.fields["postal_code"], "999-9999")
    assert dialog.postal_info.isVisible()
    assert "999-9999" in dialog.postal_info.text()
    assert dialog.text("prefecture") == ""


def test_era_birthday_is_understood_live_and_saved(ctx, qtbot):  # noqa: F811
    dialog = _open(ctx, qtbot)
    _type(qtbot, dialog.fields["name"], "佐藤 一郎")
    _type(qtbot, dialog.fields["birthday"], "S55.3.10")
    info = dialog.birthday_info.text()
    assert "1980" in info and "昭和55年" in info
    _save(qtbot, dialog)
    saved = customers.get(ctx.db, dialog.saved_customer_id)
    assert (saved.birth_year, saved.birth_month, saved.birth_day) == (1980, 3, 10)


def test_impossible_birthday_is_refused_at_the_field(ctx, qtbot):  # noqa: F811
    dialog = _open(ctx, qtbot)
    _type(qtbot, dialog.fields["name"], "佐藤 一郎")
    _type(qtbot, dialog.fields["birthday"], "S55.2.30")
    _save(qtbot, dialog)
    assert dialog.errors["birthday"].isVisible()
    assert customers.count_all(ctx.db) == 0


def test_duplicate_membership_code_is_shown_at_the_code_field(ctx, qtbot):  # noqa: F811
    add_customer(ctx.db, "既存 客", code="M001")
    dialog = _open(ctx, qtbot)
    _type(qtbot, dialog.fields["name"], "新規 客")
    _type(qtbot, dialog.fields["code"], "M001")
    _save(qtbot, dialog)
    assert dialog.errors["code"].isVisible()
    assert customers.count_all(ctx.db) == 1


def test_edit_round_trip_keeps_and_changes_fields(ctx, qtbot):  # noqa: F811
    channel = customers.list_channels(ctx.db)[1]
    existing = add_customer(
        ctx.db,
        "鈴木 次郎",
        "スズキ ジロウ",
        "0312345678",
        tags=("常連", "日本酒"),
        channel_id=channel.id,
        postal_code="1050011",
        prefecture="東京都",
        city="港区",
        street="芝公園1-1",
    )
    dialog = _open(ctx, qtbot, existing.id)
    assert dialog.text("tags") == "常連, 日本酒"
    assert dialog.text("street") == "芝公園1-1"  # loading the code does not overwrite it
    assert dialog.fields["channel"].currentData() == channel.id
    _type(qtbot, dialog.fields["tags"], "常連、焼酎")
    qtbot.mouseClick(dialog.dm_consent, Qt.MouseButton.LeftButton)
    assert dialog.consent_info.text() and dialog.consent_how.isEnabled()
    dialog.consent_how.setCurrentText("LINE")
    _save(qtbot, dialog)
    saved = customers.get(ctx.db, existing.id)
    assert saved.tags == ("常連", "焼酎")
    assert saved.dm_consent and saved.dm_consent_at is not None
    assert saved.dm_consent_channel == "LINE"
    assert saved.channel_id == channel.id and saved.phone == "0312345678"
    assert customers.count_all(ctx.db) == 1


def test_every_input_has_an_accessible_name_and_tab_goes_down_the_form(ctx, qtbot):  # noqa: F811
    dialog = _open(ctx, qtbot)
    for key, widget in dialog.fields.items():
        assert widget.accessibleName(), key
    assert dialog.dm_consent.accessibleName() and dialog.do_not_mail.accessibleName()
    dialog.activateWindow()
    dialog.fields["name"].setFocus()
    seen = []
    for _ in range(4):
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        seen.append(dialog.focusWidget())
    assert seen == [dialog.fields[k] for k in ("kana", "phone", "email", "line_id")]


def test_tags_are_split_on_japanese_and_western_commas():
    assert split_tags("常連, 日本酒、常連，焼酎 ,") == ("常連", "日本酒", "焼酎")


@pytest.mark.usefixtures("ja")
def test_japanese_mode_shows_japanese_labels_and_messages(ctx, qtbot):  # noqa: F811
    dialog = _open(ctx, qtbot)
    assert dialog.windowTitle() != "New customer"
    assert dialog.save_button.text() != "Save"
    assert dialog.fields["name"].accessibleName() == "氏名"
    _type(qtbot, dialog.fields["phone"], "12")
    _save(qtbot, dialog)
    message = dialog.errors["phone"].text()
    assert message and any("\u3040" <= ch <= "\u9fff" for ch in message)


def test_a_phone_already_registered_is_pointed_out_without_blocking(ctx, qtbot):  # noqa: F811
    add_customer(ctx.db, "山田 太郎", phone="090-1234-5678")
    dialog = _open(ctx, qtbot)
    _type(qtbot, dialog.fields["name"], "山田 太郎")
    _type(qtbot, dialog.fields["phone"], "09012345678")
    dialog.fields["phone"].editingFinished.emit()
    assert "山田 太郎" in dialog.phone_notice.text() and dialog.phone_notice.isVisible()
    _save(qtbot, dialog)  # a family may share one number: a notice, not an error
    assert customers.count_all(ctx.db) == 2


def test_the_dialog_remembers_its_size(ctx, qtbot):  # noqa: F811
    dialog = _open(ctx, qtbot)
    wanted = (dialog.width(), dialog.height() + 30)  # (the offscreen screen is 800 wide)
    dialog.resize(*wanted)
    dialog.reject()
    again = _open(ctx, qtbot)
    assert (again.width(), again.height()) == wanted


def test_the_dm_language_is_one_combo_box_and_is_saved(ctx, qtbot):  # noqa: F811
    existing = add_customer(ctx.db, "John Smith", "ジョン スミス", "0312345679")
    dialog = _open(ctx, qtbot, existing.id)
    combo = dialog.dm_language
    assert combo.accessibleName() and combo.currentData() == ""  # the shop's language
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # 日本語
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # English
    assert combo.currentText() == "English"
    _save(qtbot, dialog)
    assert customers.get(ctx.db, existing.id).language == "en"
    again = _open(ctx, qtbot, existing.id)
    assert again.dm_language.currentData() == "en"


def _paste(qtbot, widget: QLineEdit, text: str) -> None:
    """Paste ``text`` with Ctrl+V (how a rare character usually arrives: copied from elsewhere)."""
    from PySide6.QtWidgets import QApplication

    QApplication.clipboard().setText(text)
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def test_a_name_no_bundled_font_can_print_is_warned_under_the_field(ctx, qtbot, ja):  # noqa: F811
    dialog = _open(ctx, qtbot)
    _type(qtbot, dialog.fields["name"], "山田 ")
    assert not dialog.glyph_notice.isVisible()
    _paste(qtbot, dialog.fields["name"], "\U0002a6d6子")
    assert dialog.text("name") == "山田 \U0002a6d6子"
    assert dialog.glyph_notice.isVisible()
    assert (
        "印刷できません" in dialog.glyph_notice.text()
        and "\U0002a6d6" in dialog.glyph_notice.text()
    )
    _type(qtbot, dialog.fields["name"], "")
    _paste(qtbot, dialog.fields["name"], "𠮷田 花子")  # the bundled fallback font has 𠮷
    assert not dialog.glyph_notice.isVisible()
    _save(qtbot, dialog)  # a warning, not an error: the guest is saved
    assert customers.get(ctx.db, dialog.saved_customer_id).name == "𠮷田 花子"


def test_the_honorific_is_chosen_with_the_keyboard_and_kept(ctx, qtbot):  # noqa: F811
    dialog = _open(ctx, qtbot)
    _type(qtbot, dialog.fields["name"], "まるや商店")
    dialog.honorific.setFocus()
    qtbot.keyClick(dialog.honorific, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.honorific, Qt.Key.Key_Down)
    assert dialog.honorific.currentData() == "御中"
    _save(qtbot, dialog)
    saved_id = dialog.saved_customer_id
    assert customers.get(ctx.db, saved_id).honorific == "御中"
    again = _open(ctx, qtbot, saved_id)
    assert again.honorific.currentData() == "御中"


def test_the_app_font_falls_back_to_the_bundled_font_for_yoshida(qapp):
    from PySide6.QtGui import QFontMetrics

    from shopcrm.ui.main_window import install_japanese_font

    install_japanese_font(qapp)
    assert "ShopCRM Gaiji" in qapp.font().families()
    assert QFontMetrics(qapp.font()).inFontUcs4(0x20BB7)


def test_allergies_typed_at_registration_show_in_the_red_banner(main_window, qtbot):
    """Register a guest with an allergy through the form: it is in the red banner of their
    record at once, without a second step; loves and likes become chips."""
    from shopcrm.store import customers, preferences

    main_window.activateWindow()

    def register(dialog):
        type_text(qtbot, dialog.fields["name"], "小林 優")
        qtbot.keyClicks(dialog.fields["phone"], "090-7777-8888")
        allergy = dialog.pref_fields["allergy"]
        type_text(qtbot, allergy, "そば、えび")
        type_text(qtbot, dialog.pref_fields["love"], "獺祭")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    handle_modal(
        qtbot,
        lambda: qtbot.keyClick(main_window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier),
        register,
    )
    guest = customers.find_by_phone(main_window.ctx.db, "09077778888")[0]
    levels = [(p.level, p.label) for p in preferences.for_customer(main_window.ctx.db, guest.id)]
    assert levels == [("allergy", "そば"), ("allergy", "えび"), ("love", "獺祭")]
    page = main_window.current_page()  # the new guest's record is shown
    assert main_window.current_page_key() == "customers" and page.detail.customer_id == guest.id
    banner = page.detail.allergy_banner
    assert banner.isVisible() and "そば" in banner.text() and "えび" in banner.text()


def test_editing_keeps_and_changes_the_allergies(ctx, qtbot):  # noqa: F811
    from shopcrm.store import preferences

    guest = add_customer(ctx.db, "佐藤 花子", "さとう はなこ", "080-1111-2222")
    add_preference(ctx.db, guest.id, "えび", "allergy")
    dialog = shown(qtbot, CustomerDialog(ctx, guest.id))
    assert dialog.pref_fields["allergy"].text() == "えび"
    dialog.pref_fields["allergy"].clear()
    type_text(qtbot, dialog.pref_fields["allergy"], "かに")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert [p.label for p in preferences.allergies(ctx.db, guest.id)] == ["かに"]


def test_no_field_cuts_its_hint(ctx, qtbot):  # noqa: F811
    dialog = _open(ctx, qtbot)
    for field in dialog.findChildren(QLineEdit):
        hint = field.placeholderText()
        if hint and field.isVisible():
            room = field.width() - 12
            assert field.fontMetrics().horizontalAdvance(hint) <= room, hint
