"""VisitDialog driven from the keyboard through its real widgets, down to the saved rows."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from shopcrm.domain.models import Coupon
from shopcrm.store import preferences, visits
from shopcrm.ui.dialogs.visit_dialog import VisitDialog
from tests.ui.dialog_fixtures import (  # noqa: F401 (ctx is a fixture)
    add_customer,
    add_preference,
    add_visit,
    ctx,
    seed_menu,
    shown,
    type_text,
)


@pytest.fixture
def shop(ctx):  # noqa: F811
    menu = seed_menu(ctx.db)
    taro = add_customer(ctx.db, "山田 太郎", "やまだ たろう", "090-1111-2222")
    add_customer(ctx.db, "山本 花子", "やまもと はなこ", "090-3333-4444")
    return menu, taro


def _open(ctx, qtbot, customer_id=None):  # noqa: F811
    return shown(qtbot, VisitDialog(ctx, customer_id))


def _key(qtbot, dialog, key) -> None:
    """Press a key where the keyboard focus is, as a user would."""
    qtbot.keyClick(dialog.focusWidget(), key)


def _type(qtbot, dialog, text: str) -> None:
    type_text(qtbot, dialog.focusWidget(), text)


def test_record_a_visit_keyboard_only(ctx, qtbot, shop):  # noqa: F811
    menu, taro = shop
    seen = []
    ctx.visits_changed.connect(lambda: seen.append(True))
    dialog = _open(ctx, qtbot)
    assert dialog.focusWidget() is dialog.customer_field

    _type(qtbot, dialog, "やまだ")
    assert dialog.results.count() == 1
    _key(qtbot, dialog, Qt.Key.Key_Return)  # the top hit
    assert dialog.customer_id == taro.id
    assert dialog.focusWidget() is dialog.party
    _key(qtbot, dialog, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.amount
    _type(qtbot, dialog, "4,800")
    _key(qtbot, dialog, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.picker.filter
    _type(qtbot, dialog, "生ビ")
    _key(qtbot, dialog, Qt.Key.Key_Return)  # ticks 生ビール, clears the filter
    assert [i.name for i in dialog.picker.selected_items()] == ["生ビール"]
    assert dialog.picker.filter.text() == ""
    _type(qtbot, dialog, "枝")
    _key(qtbot, dialog, Qt.Key.Key_Escape)  # Esc clears the filter instead of closing
    assert dialog.isVisible()
    _key(qtbot, dialog, Qt.Key.Key_Return)  # Enter on an empty filter saves

    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = visits.get(ctx.db, dialog.saved_visit_id)
    assert saved.customer_id == taro.id
    assert saved.amount == 4800
    assert saved.party_size == 1
    assert [(i.name, i.menu_item_id, i.price) for i in saved.items] == [
        ("生ビール", menu["生ビール"].id, 600)
    ]
    assert abs(saved.visited_at - dt.datetime.now()) < dt.timedelta(minutes=2)
    assert seen == [True]


def test_tab_order_runs_customer_party_amount_filter_coupon_note_staff_save(ctx, qtbot, shop):  # noqa: F811
    dialog = _open(ctx, qtbot)
    order = [dialog.focusWidget()]
    for _ in range(7):
        _key(qtbot, dialog, Qt.Key.Key_Tab)
        order.append(dialog.focusWidget())
    expected = [dialog.customer_field, dialog.party, dialog.amount, dialog.picker.filter]
    expected += [dialog.coupon]
    expected += [dialog.note, dialog.staff, dialog.save_button]
    assert order[: len(expected)] == expected


def test_quantities_from_the_keyboard(ctx, qtbot, shop):  # noqa: F811
    menu, taro = shop
    dialog = _open(ctx, qtbot, taro.id)
    _type(qtbot, dialog, "5,400")
    _key(qtbot, dialog, Qt.Key.Key_Tab)
    picker = dialog.picker
    assert dialog.focusWidget() is picker.filter
    _type(qtbot, dialog, "びーる3")
    assert picker.hint.text() == "Enter: 生ビール ×3"  # says what Enter will do
    _key(qtbot, dialog, Qt.Key.Key_Return)
    _type(qtbot, dialog, "枝")
    _key(qtbot, dialog, Qt.Key.Key_Return)
    _type(qtbot, dialog, "枝")
    assert picker.hint.text() == "Enter: 枝豆 ×2"  # again: one more
    _key(qtbot, dialog, Qt.Key.Key_Return)
    _type(qtbot, dialog, "2焼き")
    _key(qtbot, dialog, Qt.Key.Key_Return)
    _key(qtbot, dialog, Qt.Key.Key_Backspace)  # empty filter: takes back the last one added
    assert picker.quantity(menu["焼き鳥盛り合わせ"].id) == 1
    _type(qtbot, dialog, "-焼き")
    assert picker.hint.text() == "Enter: take off 焼き鳥盛り合わせ"
    _key(qtbot, dialog, Qt.Key.Key_Return)
    assert picker.chips(menu["生ビール"].id)[0].text() == "生ビール ×3"
    assert picker.chips(menu["枝豆"].id)[0].text() == "枝豆 ×2"
    assert "生ビール ×3、枝豆 ×2" in picker.summary.text()
    _key(qtbot, dialog, Qt.Key.Key_Return)  # empty filter: saves

    saved = visits.get(ctx.db, dialog.saved_visit_id)
    assert [(i.name, i.quantity, i.price) for i in saved.items] == [
        ("生ビール", 3, menu["生ビール"].price),
        ("枝豆", 2, menu["枝豆"].price),
    ]


def test_a_number_in_an_item_name_is_not_a_quantity(ctx, qtbot):  # noqa: F811
    from shopcrm.domain.models import MenuCategory, MenuItem
    from shopcrm.store import menu

    cat = menu.add_category(ctx.db, MenuCategory("焼酎", "drink"))
    item = menu.add_item(ctx.db, MenuItem("いいちこ 25度", 500, category_id=cat.id))
    dialog = _open(ctx, qtbot, add_customer(ctx.db, "山田 太郎").id)
    dialog.picker.filter.setText("いいちこ25")
    assert dialog.picker.hint.text() == "Enter: いいちこ 25度"
    dialog.picker.filter.setText("いいちこ 25度 2")
    assert dialog.picker.hint.text() == "Enter: いいちこ 25度 ×2"
    qtbot.keyClick(dialog.picker.filter, Qt.Key.Key_Return)
    assert dialog.picker.quantity(item.id) == 2


def test_quantities_with_the_mouse(ctx, qtbot, shop):  # noqa: F811
    menu, taro = shop
    dialog = _open(ctx, qtbot, taro.id)
    beer = menu["生ビール"]
    chip = dialog.picker.chips(beer.id)[0]
    assert not chip.minus.isVisible()  # nothing to take off yet
    for _ in range(3):
        qtbot.mouseClick(chip.button, Qt.MouseButton.LeftButton)  # each click: one more
    assert chip.text() == "生ビール ×3" and chip.button.isChecked()
    assert dialog.amount_info.text() == f"menu ¥{beer.price * 3:,}"  # prices times quantity
    assert chip.minus.isVisible()
    qtbot.mouseClick(chip.minus, Qt.MouseButton.LeftButton)
    assert chip.text() == "生ビール ×2"
    chip.button.customContextMenuRequested.emit(chip.button.rect().center())  # right-click
    assert chip.text() == "生ビール" and chip.button.isChecked()
    qtbot.mouseClick(chip.minus, Qt.MouseButton.LeftButton)
    assert not chip.button.isChecked() and not chip.minus.isVisible()
    assert dialog.picker.selected_quantities() == []


def test_staff_names_are_remembered(ctx, qtbot, shop):  # noqa: F811
    menu, taro = shop
    for days, name in ((30, "鈴木"), (20, "佐藤"), (10, "鈴木")):
        v = add_visit(ctx.db, taro.id, [menu["枝豆"]], days_ago=days)
        ctx.db.execute("UPDATE visits SET staff = ? WHERE id = ?", [name, v.id])
    assert visits.staff_names(ctx.db) == ["鈴木", "佐藤"]  # most recently used first
    dialog = _open(ctx, qtbot, taro.id)
    names = [dialog.staff.itemText(i) for i in range(dialog.staff.count())]
    assert names == ["鈴木", "佐藤"]
    assert dialog.staff.currentText() == ""  # nobody saved on this PC yet: optional, empty
    _type(qtbot, dialog, "3000")
    dialog.staff.setFocus()
    _type(qtbot, dialog, "田中")
    _key(qtbot, dialog, Qt.Key.Key_Return)  # Enter in the staff box saves, once
    assert dialog.saved_visit_id is not None
    assert visits.for_customer(ctx.db, taro.id)[0].staff == "田中"
    assert len(visits.for_customer(ctx.db, taro.id)) == 4

    again = _open(ctx, qtbot, taro.id)  # the next visit on this PC starts with the same name
    assert again.staff.currentText() == "田中"
    assert again.staff.itemText(0) == "田中"


def test_full_width_amount_and_party_size(ctx, qtbot, shop):  # noqa: F811
    _menu, taro = shop
    dialog = _open(ctx, qtbot, taro.id)
    assert dialog.focusWidget() is dialog.amount  # guest known: straight to the bill
    _type(qtbot, dialog, "４８００")
    assert dialog.amount_info.text() == "¥4,800"
    dialog.party.setFocus()
    dialog.party.selectAll()
    _type(qtbot, dialog, "3")
    _key(qtbot, dialog, Qt.Key.Key_Return)
    saved = visits.get(ctx.db, dialog.saved_visit_id)
    assert (saved.amount, saved.party_size) == (4800, 3)


def test_bad_amount_is_shown_at_the_field_and_nothing_is_saved(ctx, qtbot, shop):  # noqa: F811
    _menu, taro = shop
    dialog = _open(ctx, qtbot, taro.id)
    _type(qtbot, dialog, "48OO")
    assert dialog.amount_error.isVisible()
    _key(qtbot, dialog, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.saved_visit_id is None
    assert visits.for_customer(ctx.db, taro.id) == []
    dialog.amount.clear()
    _key(qtbot, dialog, Qt.Key.Key_Return)  # empty is refused too
    assert dialog.amount_error.isVisible()
    assert visits.for_customer(ctx.db, taro.id) == []


def test_no_guest_is_refused_at_the_customer_field(ctx, qtbot, shop):  # noqa: F811
    dialog = _open(ctx, qtbot)
    _type(qtbot, dialog, "zzz")
    assert dialog.customer_error.isVisible()  # no match: says how to register
    dialog.amount.setText("1000")
    dialog.on_accept()
    assert dialog.saved_visit_id is None
    assert dialog.customer_field.property("invalid") is True


def test_selected_guest_is_prefilled_with_allergy_and_favourites(ctx, qtbot, shop):  # noqa: F811
    menu, taro = shop
    add_preference(ctx.db, taro.id, "えび", "allergy")
    add_preference(ctx.db, taro.id, "獺祭 純米大吟醸", "love", "drink")
    add_visit(ctx.db, taro.id, [menu["枝豆"]])
    dialog = _open(ctx, qtbot, taro.id)  # chosen on the page the user is looking at
    assert dialog.customer_id == taro.id
    assert dialog.guest_name.text() == "山田 太郎 (ヤマダ タロウ)" and dialog.guest_name.isVisible()
    assert dialog.allergy_banner.isVisible()
    assert "えび" in dialog.allergy_banner.text()
    assert "background: #c62828" in dialog.allergy_banner.styleSheet()
    assert "獺祭" in dialog.favourites_label.text()
    assert "枝豆" in dialog.history_label.text()
    fav_row = dialog.picker._fav_row
    assert fav_row[1].isVisible() and fav_row[2] == [menu["獺祭 純米大吟醸"].id]


def test_typing_after_a_choice_searches_again(ctx, qtbot, shop):  # noqa: F811
    _menu, taro = shop
    dialog = _open(ctx, qtbot, taro.id)
    dialog.customer_field.setFocus()
    dialog.customer_field.selectAll()
    _type(qtbot, dialog, "やま")
    assert dialog.customer_id is None and dialog.results.count() == 2
    _key(qtbot, dialog, Qt.Key.Key_Down)
    _key(qtbot, dialog, Qt.Key.Key_Return)
    assert dialog.customer_id == dialog._hits[1].id  # Down moved to the second hit


def test_new_customer_button_registers_on_the_spot(ctx, qtbot, shop):  # noqa: F811
    from shopcrm.store import customers

    dialog = _open(ctx, qtbot)
    _type(qtbot, dialog, "田中")

    def fill_and_save():
        inner = QApplication.activeModalWidget()
        assert inner.objectName() == "customerDialog"
        assert inner.text("name") == "田中"  # what was typed became the name
        inner.fields["phone"].setText("080-5555-6666")
        inner.on_accept()

    qtbot.wait(1)
    from PySide6.QtCore import QTimer

    QTimer.singleShot(50, fill_and_save)
    qtbot.mouseClick(dialog.new_customer_button, Qt.MouseButton.LeftButton)
    new = customers.find_by_phone(ctx.db, "08055556666")
    assert len(new) == 1 and dialog.customer_id == new[0].id


def _coupon(ctx, customer_id, *, until_days=30):  # noqa: F811
    from shopcrm.domain.codes import generate_code
    from shopcrm.store import campaign_records, coupons

    today = dt.date.today()
    coupon = Coupon(
        code=generate_code(random.Random(customer_id + until_days)),
        campaign_id=campaign_records.get(ctx.db, "birthday").id,
        customer_id=customer_id,
        valid_from=today - dt.timedelta(days=40),
        valid_until=today + dt.timedelta(days=until_days),
        period_key=f"t{until_days}",
    )
    return coupons.insert_many(ctx.db, [coupon])[0]


def test_coupon_is_checked_as_it_is_typed_and_redeemed_with_the_visit(ctx, qtbot, shop):  # noqa: F811
    pytest.importorskip("shopcrm.store.coupons")
    from shopcrm.store import coupons

    _menu, taro = shop
    from shopcrm.store import settings

    # "expired yesterday" by the calendar, whatever hour the test runs at (no business-day grace)
    settings.set(ctx.db, "business_day_start_hour", 0)
    good = _coupon(ctx, taro.id)
    expired = _coupon(ctx, taro.id, until_days=-1)
    dialog = _open(ctx, qtbot, taro.id)
    _type(qtbot, dialog, "3200")
    dialog.coupon.setFocus()

    _type(qtbot, dialog, "ABCD-EFG")  # mistyped / malformed
    qtbot.waitUntil(lambda: dialog.coupon_status.isVisible())
    assert dialog.coupon.property("invalid") is True

    dialog.coupon.clear()
    _type(qtbot, dialog, expired.code.lower())
    qtbot.waitUntil(lambda: expired.code in dialog.coupon_status.text())
    assert not dialog.coupon_status.text().startswith("✓")  # expired: says so, with the date

    dialog.coupon.clear()
    _type(qtbot, dialog, good.code.replace("-", ""))
    qtbot.waitUntil(lambda: dialog.coupon_status.text().startswith("✓"))
    assert dialog.coupon.property("invalid") is False
    _key(qtbot, dialog, Qt.Key.Key_Return)

    saved = visits.get(ctx.db, dialog.saved_visit_id)
    assert coupons.find(ctx.db, good.code).redeemed_visit_id == saved.id


def test_another_guests_coupon_is_refused(ctx, qtbot, shop):  # noqa: F811
    pytest.importorskip("shopcrm.store.coupons")
    _menu, taro = shop
    other = add_customer(ctx.db, "他人 様")
    theirs = _coupon(ctx, other.id)
    dialog = _open(ctx, qtbot, taro.id)
    dialog.amount.setText("1000")
    dialog.coupon.setText(theirs.code)
    dialog.on_accept()  # saving checks at once, without waiting for the typing pause
    assert dialog.saved_visit_id is None
    assert dialog.coupon_status.isVisible()
    assert visits.for_customer(ctx.db, taro.id) == []


def test_favourites_are_offered_after_three_of_five_visits(ctx, qtbot, shop):  # noqa: F811
    menu, taro = shop
    add_visit(ctx.db, taro.id, [menu["生ビール"], menu["枝豆"]], days_ago=20)
    add_visit(ctx.db, taro.id, [menu["生ビール"]], days_ago=10)
    dialog = _open(ctx, qtbot, taro.id)
    _type(qtbot, dialog, "2000")
    dialog.picker.toggle(menu["生ビール"].id)
    _key(qtbot, dialog, Qt.Key.Key_Return)

    prompt = dialog.favourites_prompt
    assert prompt is not None and prompt.isVisible()
    assert not prompt.isModal()
    assert [box.text() for box in prompt.checks] == ["生ビール"]
    assert QApplication.focusWidget() is not prompt and not prompt.isAncestorOf(
        QApplication.focusWidget()
    )
    qtbot.mouseClick(prompt.add_button, Qt.MouseButton.LeftButton)
    assert prompt.answered
    liked = preferences.favourites(ctx.db, taro.id)
    assert [(p.label, p.level, p.kind, p.menu_item_id) for p in liked] == [
        ("生ビール", "like", "drink", menu["生ビール"].id)
    ]


def test_no_prompt_before_the_third_time(ctx, qtbot, shop):  # noqa: F811
    menu, taro = shop
    add_visit(ctx.db, taro.id, [menu["生ビール"]], days_ago=10)
    dialog = _open(ctx, qtbot, taro.id)
    _type(qtbot, dialog, "2000")
    dialog.picker.toggle(menu["生ビール"].id)
    _key(qtbot, dialog, Qt.Key.Key_Return)
    assert dialog.saved_visit_id is not None and dialog.favourites_prompt is None


def test_item_filter_matches_kana_and_width(ctx, qtbot, shop):  # noqa: F811
    menu, _taro = shop
    dialog = _open(ctx, qtbot)
    picker = dialog.picker
    assert picker.matches("びーる")[:2] == [menu["生ビール"].id, menu["瓶ビール"].id]
    assert picker.matches("ﾋﾞｰﾙ")[:2] == [menu["生ビール"].id, menu["瓶ビール"].id]
    picker.filter.setText("八海")
    assert picker.hint.text().endswith("八海山")
    assert not picker._buttons[menu["枝豆"].id][0].isVisible()


@pytest.mark.usefixtures("ja")
def test_japanese_mode_shows_japanese_labels(ctx, qtbot, shop):  # noqa: F811
    dialog = _open(ctx, qtbot)
    assert dialog.windowTitle() == "来店記録"
    assert dialog.save_button.text() == "保存"
    assert dialog.amount.accessibleName() == "会計金額"
    assert dialog.picker.summary.text() == "注文品目なし"


def test_an_empty_menu_says_where_to_add_items(ctx, qtbot):  # noqa: F811
    taro = add_customer(ctx.db, "山田 太郎")
    dialog = _open(ctx, qtbot, taro.id)
    assert "menu" in dialog.picker.summary.text()
    _type(qtbot, dialog, "1200")
    _key(qtbot, dialog, Qt.Key.Key_Return)  # a visit without items is still a visit
    assert visits.get(ctx.db, dialog.saved_visit_id).items == []


def test_a_scanned_coupon_in_the_customer_field_finds_the_guest(ctx, qtbot, shop):  # noqa: F811
    pytest.importorskip("shopcrm.store.coupons")
    from shopcrm.store import coupons

    _menu, taro = shop
    coupon = _coupon(ctx, taro.id)
    dialog = _open(ctx, qtbot)
    _type(qtbot, dialog, coupon.code)  # a USB scanner types the code, then Enter
    _key(qtbot, dialog, Qt.Key.Key_Return)
    assert dialog.customer_id == taro.id
    assert dialog.coupon.text() == coupon.code
    assert dialog.coupon_status.text().startswith("✓")
    assert dialog.focusWidget() is dialog.amount
    _type(qtbot, dialog, "3000")
    _key(qtbot, dialog, Qt.Key.Key_Return)
    assert coupons.find(ctx.db, coupon.code).redeemed_visit_id == dialog.saved_visit_id


def test_a_selected_guest_that_no_longer_exists_starts_with_an_empty_search(ctx, qtbot, shop):  # noqa: F811
    ctx.selected_customer_id = 999_999
    dialog = _open(ctx, qtbot)
    assert dialog.customer_id is None
    assert dialog.focusWidget() is dialog.customer_field


def test_a_guest_selected_elsewhere_is_only_offered_never_taken(ctx, qtbot, shop):  # noqa: F811
    """Ctrl+R with nobody chosen here: the guest clicked earlier is shown in the amber strip, the
    field is empty and focused, and a rushed bill + Enter saves nothing to that guest."""
    _menu, taro = shop
    ctx.selected_customer_id = taro.id
    dialog = _open(ctx, qtbot)
    assert dialog.customer_id is None
    assert dialog.focusWidget() is dialog.customer_field
    assert dialog.customer_field.text() == ""
    assert dialog.carry_over.isVisible() and "山田 太郎" in dialog.carry_over_label.text()
    _key(qtbot, dialog, Qt.Key.Key_Tab)  # to the party size, then the bill
    _key(qtbot, dialog, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.amount
    _type(qtbot, dialog, "4800")
    _key(qtbot, dialog, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.saved_visit_id is None
    assert visits.for_customer(ctx.db, taro.id) == []
    assert dialog.customer_error.isVisible()
    assert dialog.focusWidget() is dialog.customer_field  # sent back to choose the guest

    # The deliberate confirmation: click "Use this guest", then Enter saves for them.
    qtbot.mouseClick(dialog.carry_over_button, Qt.MouseButton.LeftButton)
    assert dialog.customer_id == taro.id and not dialog.carry_over.isVisible()
    dialog.amount.setFocus()
    _key(qtbot, dialog, Qt.Key.Key_Return)
    assert [v.amount for v in visits.for_customer(ctx.db, taro.id)] == [4800]


def test_a_walk_in_is_one_key_away(ctx, qtbot, shop):  # noqa: F811
    dialog = _open(ctx, qtbot)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    assert dialog.walk_in and dialog.focusWidget() is dialog.party
    assert dialog.guest_panel.isVisible()
    _key(qtbot, dialog, Qt.Key.Key_Tab)
    _type(qtbot, dialog, "2400")
    _key(qtbot, dialog, Qt.Key.Key_Return)
    saved = visits.get(ctx.db, dialog.saved_visit_id)
    assert saved.customer_id is None and saved.amount == 2400


def test_typing_a_name_after_walk_in_chooses_a_guest_again(ctx, qtbot, shop):  # noqa: F811
    _menu, taro = shop
    dialog = _open(ctx, qtbot)
    qtbot.mouseClick(dialog.walk_in_button, Qt.MouseButton.LeftButton)
    dialog.customer_field.setFocus()
    _type(qtbot, dialog, "やまだ")
    assert not dialog.walk_in
    _key(qtbot, dialog, Qt.Key.Key_Return)
    assert dialog.customer_id == taro.id


def test_the_item_filter_searches_the_reading(ctx, qtbot, shop):  # noqa: F811
    """えだ finds 枝豆 through its reading (filled from the name when the item was added)."""
    _menu, taro = shop
    dialog = _open(ctx, qtbot, taro.id)
    dialog.picker.filter.setFocus()
    _type(qtbot, dialog, "えだ")
    _key(qtbot, dialog, Qt.Key.Key_Return)
    assert [i.name for i in dialog.picker.selected_items()] == ["枝豆"]
