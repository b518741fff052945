"""A busy evening at the counter, through the real main window: nothing goes to the wrong guest,
nothing typed is lost, and Today's results are fresh after every visit."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from shopcrm.store import visits
from tests.ui.conftest import handle_modal
from tests.ui.dialog_fixtures import type_text


def _customers_page_with(main_window, qtbot, customer_id):
    main_window.show_page("customers")
    page = main_window.current_page()
    qtbot.waitUntil(lambda: page.model.rowCount() == 7)
    page.select_customer(customer_id)
    qtbot.waitUntil(lambda: page.selected_customer_id() == customer_id)
    return page


def test_ctrl_r_with_nobody_highlighted_never_saves_to_an_earlier_guest(main_window, qtbot, shop):
    """Click 佐藤 on Customers, go to Today (nobody highlighted), Ctrl+R, type a bill, Enter:
    nothing is saved to 佐藤; the dialog waits for a guest, with the search field focused."""
    sato = shop.id("佐藤 花子")
    before = [v.id for v in visits.for_customer(main_window.ctx.db, sato)]
    _customers_page_with(main_window, qtbot, sato)
    main_window.show_page("today")
    today = main_window.current_page()
    assert today.selected_customer_id() is None
    main_window.activateWindow()

    def rushed_bill(dialog):
        assert dialog.customer_id is None
        assert dialog.focusWidget() is dialog.customer_field
        assert dialog.customer_field.text() == ""
        assert dialog.carry_over.isVisible()  # 佐藤 is offered, unmistakably, not taken
        assert "佐藤 花子" in dialog.carry_over_label.text()
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        qtbot.keyClicks(dialog.focusWidget(), "4800")
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
        return (
            dialog.isVisible(),
            dialog.saved_visit_id,
            dialog.focusWidget() is dialog.customer_field,
        )

    still_open, saved, back_at_guest = handle_modal(
        qtbot,
        lambda: qtbot.keyClick(main_window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier),
        rushed_bill,
    )
    assert still_open and saved is None and back_at_guest
    assert [v.id for v in visits.for_customer(main_window.ctx.db, sato)] == before


def test_big_record_button_with_nobody_highlighted_starts_empty(main_window, qtbot, shop):
    _customers_page_with(main_window, qtbot, shop.id("山田 太郎"))
    main_window.show_page("today")
    today = main_window.current_page()
    seen = handle_modal(
        qtbot,
        lambda: qtbot.mouseClick(today.record_button, Qt.MouseButton.LeftButton),
        lambda dialog: (dialog.customer_id, dialog.focusWidget() is dialog.customer_field),
    )
    assert seen == (None, True)


def test_ctrl_r_on_customers_takes_the_guest_highlighted_there(main_window, qtbot, shop):
    _customers_page_with(main_window, qtbot, shop.id("鈴木 一郎"))
    main_window.activateWindow()
    seen = handle_modal(
        qtbot,
        lambda: qtbot.keyClick(main_window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier),
        lambda dialog: (
            dialog.customer_id,
            dialog.carry_over.isVisible(),
            dialog.guest_name.text(),
        ),
    )
    assert seen == (shop.id("鈴木 一郎"), False, "鈴木 一郎 (スズキ イチロウ)")


def _record_from_today(main_window, qtbot, reading, bill, item_filter=""):
    today = main_window.current_page()
    main_window.activateWindow()
    today.focus_search()
    type_text(qtbot, today.search, reading)
    qtbot.waitUntil(lambda: today.results.count() == 1, timeout=3000)

    def type_the_bill(dialog):
        qtbot.keyClicks(dialog.focusWidget(), bill)
        if item_filter:
            qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
            type_text(qtbot, dialog.focusWidget(), item_filter)
            qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)  # ticks the item
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)  # saves

    handle_modal(qtbot, lambda: qtbot.keyClick(today.search, Qt.Key.Key_Return), type_the_bill)
    # The dialog has closed; the window manager gives the main window back its activation
    # (the offscreen platform needs telling), and the keyboard goes where the window put it.
    main_window.activateWindow()
    return today


def test_after_a_save_the_search_is_empty_focused_and_fresh(main_window, qtbot, shop):
    today = _record_from_today(main_window, qtbot, "さとう", "4800")
    assert today.search.text() == ""
    qtbot.waitUntil(lambda: QApplication.focusWidget() is today.search)
    # The next guest's name, typed at once, lands in an empty search.
    type_text(qtbot, QApplication.focusWidget(), "すずき")
    assert today.search.text() == "すずき"
    qtbot.waitUntil(lambda: today.results.count() == 1, timeout=3000)
    # And 佐藤's count is the new one (2 visits, not 1) when she is found again.
    today.search.clear()
    type_text(qtbot, today.search, "さとう")
    qtbot.waitUntil(
        lambda: today.results.count() == 1 and "2 visits" in today.results.item(0).text(),
        timeout=3000,
    )


def test_the_favourites_offer_never_takes_the_keyboard(main_window, qtbot, shop):
    """山田 has had 生ビール in 3 of his last 5 visits: the offer appears in the status area, and
    the next name typed goes to the search box, not to the offer."""
    from shopcrm.store import preferences

    today = _record_from_today(main_window, qtbot, "やまだ", "3000", item_filter="生ビ")
    from shopcrm.ui.dialogs.visit_dialog import FavouritesPrompt

    prompt = main_window.statusBar().findChild(FavouritesPrompt)
    assert prompt is not None and prompt.isVisible()
    assert "生ビール" in [box.text() for box in prompt.checks]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is today.search)
    type_text(qtbot, QApplication.focusWidget(), "たなか")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert today.search.text() == "たなか "
    assert prompt.isVisible() and not prompt.answered  # still there, untouched
    assert "生ビール" not in [
        p.label for p in preferences.favourites(main_window.ctx.db, shop.id("山田 太郎"))
    ]
    qtbot.mouseClick(prompt.add_button, Qt.MouseButton.LeftButton)
    assert "生ビール" in [
        p.label for p in preferences.favourites(main_window.ctx.db, shop.id("山田 太郎"))
    ]
