"""The main window: every page opens, shortcuts do their job, state is remembered, and a language
switch leaves no untranslated text behind."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QTabWidget,
)

from shopcrm import i18n
from shopcrm.ui.main_window import PAGE_KEYS, MainWindow, _BrokenPage
from tests.ui.conftest import handle_modal, settle


def test_window_opens_with_every_page(main_window):
    assert main_window.current_page_key() == "today"
    for key in PAGE_KEYS:
        assert main_window.show_page(key)
        page = main_window.current_page()
        assert not isinstance(page, _BrokenPage), f"page {key} failed to load"
        assert main_window.stack.currentWidget() is page
        assert main_window.nav.currentItem().data(Qt.ItemDataRole.UserRole) == key
    titles = [a.text() for a in main_window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&Customer", "&View", "&Tools", "&Help"]


def test_status_bar_shows_database_count_and_mode(main_window, app_ctx):
    assert main_window.status_db.text() == app_ctx.db_path.name
    assert main_window.status_count.text() == "7 customers"
    assert main_window.status_mode.text() == "Owner mode"
    assert not main_window.status_demo.isVisible()


def test_ctrl_f_focuses_the_search_of_the_page(main_window, qtbot):
    main_window.activateWindow()
    today = main_window.current_page()
    main_window.nav.setFocus()
    qtbot.keyClick(main_window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is today.search)
    assert today.search.objectName() == "todaySearchField"

    main_window.show_page("coupons")  # no search box there: Ctrl+F goes to the customers
    main_window.nav.setFocus()
    qtbot.keyClick(main_window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert main_window.current_page_key() == "customers"
    search = main_window.findChild(QLineEdit, "searchField")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is search)


def test_ctrl_n_opens_the_customer_dialog(main_window, qtbot):
    main_window.activateWindow()
    name = handle_modal(
        qtbot,
        lambda: qtbot.keyClick(main_window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier),
        lambda dialog: dialog.objectName(),
    )
    assert name == "customerDialog"


def test_ctrl_r_records_a_visit_for_the_selected_guest(main_window, qtbot, shop):
    main_window.show_page("customers")
    page = main_window.current_page()
    qtbot.waitUntil(lambda: page.model.rowCount() == 7)
    page.select_customer(shop.id("佐藤 花子"))
    main_window.activateWindow()
    seen = handle_modal(
        qtbot,
        lambda: qtbot.keyClick(main_window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier),
        lambda dialog: (dialog.objectName(), dialog.customer_id),
    )
    assert seen == ("visitDialog", shop.id("佐藤 花子"))


def test_about_names_version_schema_and_font_licence(main_window, qtbot):
    from shopcrm import __version__
    from shopcrm.store.migrations import schema_version

    text = handle_modal(qtbot, main_window.show_about, lambda box: box.text())
    assert __version__ in text
    name = schema_version(main_window.ctx.db)  # e.g. 0023_setup_done_for_existing_shops
    assert name not in text  # an internal name means nothing to a shop owner
    assert f"Database format: version {int(name.split('_')[0])}" in text
    assert "IPA Font License" in text


def test_geometry_splitter_and_last_page_are_restored(app_ctx, qtbot):
    first = MainWindow(app_ctx)
    qtbot.addWidget(first)
    first.show()
    first.resize(720, 520)  # within the offscreen screen (800x600): restoreGeometry clamps
    first.show_page("customers")
    first.current_page().splitter.setSizes([500, 300])
    sizes = first.current_page().splitter.sizes()
    qtbot.wait(50)
    first.close()
    settle()

    second = MainWindow(app_ctx)
    qtbot.addWidget(second)
    second.show()
    assert second.current_page_key() == "customers"
    assert (second.size().width(), second.size().height()) == (720, 520)
    assert second.current_page().splitter.sizes() == sizes
    second.close()
    settle()


def test_owner_only_page_asks_first(main_window, app_ctx, monkeypatch):
    asked = []
    monkeypatch.setattr(app_ctx, "require_owner", lambda parent=None: asked.append(1) or False)
    from shopcrm.store import settings

    settings.set(app_ctx.db, "owner_pin_hash", "set")  # staff mode now
    assert app_ctx.mode == "staff"
    assert not main_window.show_page("dashboard")
    assert asked and main_window.current_page_key() == "today"


# --- language ----------------------------------------------------------------------------------

_MNEMONIC = re.compile(r"\(&\w\)|&")


def _visible_texts(window) -> list[tuple[str, str]]:
    """(where, text) for every text the user can read in the window, menus included."""
    found: list[tuple[str, str]] = [("title", window.windowTitle())]
    for widget in window.findChildren(QLabel):
        found.append((widget.objectName() or "QLabel", widget.text()))
    for widget in window.findChildren(QAbstractButton):
        found.append((widget.objectName() or "button", widget.text()))
        found.append((widget.objectName() or "button", widget.toolTip()))
    for widget in window.findChildren(QLineEdit):
        found.append((widget.objectName() or "QLineEdit", widget.placeholderText()))
        found.append((widget.objectName() or "QLineEdit", widget.accessibleName()))
    for widget in window.findChildren(QGroupBox):
        found.append(("group", widget.title()))
    for tabs in window.findChildren(QTabWidget):
        found += [("tab", re.sub(r" \(\d+\)$", "", tabs.tabText(i))) for i in range(tabs.count())]
    for menu in window.findChildren(QMenu):
        found.append(("menu", menu.title()))
        found += [("menu item", a.text()) for a in menu.actions()]
    for action in window.registry:
        found.append(("action", action.text()))
        found.append(("action tip", action.statusTip()))
    for i in range(window.nav.count()):
        found.append(("nav", window.nav.item(i).text()))
    return found


def _untranslated(found) -> list[str]:
    catalog = i18n.load_catalog("ja")
    english = {m: t for m, t in catalog._messages.items() if t != m}
    english.update({_MNEMONIC.sub("", m).rstrip("…"): t for m, t in list(english.items())})
    bad = []
    for where, text in found:
        clean = _MNEMONIC.sub("", text or "").rstrip("…").strip()
        if clean and clean in english:
            bad.append(f"{where}: {text!r}")
    return bad


def test_switching_language_leaves_no_english_behind(main_window, qtbot, shop):
    for key in PAGE_KEYS:  # build every page, so every page is checked
        main_window.show_page(key)
    main_window.show_page("customers")
    page = main_window.current_page()
    qtbot.waitUntil(lambda: page.model.rowCount() == 7)
    page.select_customer(shop.id("佐藤 花子"))
    assert _untranslated(_visible_texts(main_window)) != []  # the check sees English in English

    main_window.set_language("ja")
    page = main_window.current_page()
    for key in PAGE_KEYS:
        main_window.show_page(key)
    main_window.show_page("customers")
    page = main_window.current_page()
    qtbot.waitUntil(lambda: page.model.rowCount() == 7)
    page.select_customer(shop.id("佐藤 花子"))
    bad = _untranslated(_visible_texts(main_window))
    assert not bad, "still in English after switching to Japanese:\n" + "\n".join(bad)
    assert main_window.menuBar().actions()[0].text() == "ファイル(&F)"
    headers = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(7)]
    assert headers[0] == "氏名" and "Name" not in headers
    assert main_window.status_mode.text() == "オーナーモード"


def test_qt_own_buttons_follow_the_language(main_window, qtbot):
    main_window.set_language("ja")
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "t",
        "q",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
    )
    texts = {
        box.button(b).text()
        for b in (QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No)
    }
    assert texts == {"はい(&Y)", "いいえ(&N)"} or texts == {"はい", "いいえ"}, texts
    main_window.set_language("en")
    box = QMessageBox(QMessageBox.Icon.Question, "t", "q", QMessageBox.StandardButton.Yes)
    assert box.button(QMessageBox.StandardButton.Yes).text().replace("&", "") == "Yes"


def test_build_main_window_follows_the_shop_language_and_holds_the_lock(db, db_path, shop, qtbot):
    from shopcrm.app import build_main_window
    from shopcrm.store import lock, settings

    settings.set(db, "language", "ja")
    settings.set(db, "shop_name", "居酒屋 まるや")
    app, ctx, window = build_main_window(db_path)
    qtbot.addWidget(window)
    assert i18n.current_language() == "ja"
    assert window.menuBar().actions()[0].text() == "ファイル(&F)"
    assert window.windowTitle().startswith("居酒屋 まるや")
    assert not app.windowIcon().isNull()
    # A second app on the same database is refused with a message naming who holds it.
    with pytest.raises(lock.DatabaseInUse):
        lock.acquire(db_path)
    message = handle_modal(
        qtbot, lambda: _expect_cancel(build_main_window, db_path), lambda box: box.text()
    )
    assert message
    window.close()
    settle()
    window.db_lock.release()
    ctx.db.close()


def _expect_cancel(build, db_path):
    from shopcrm.app import StartupCancelled

    with pytest.raises(StartupCancelled):
        build(db_path)


def test_english_is_kept_when_asked_for(db, db_path, shop, qtbot):
    from shopcrm.app import build_main_window
    from shopcrm.store import settings

    settings.set(db, "language", "ja")
    _app, ctx, window = build_main_window(db_path, lang="en")
    qtbot.addWidget(window)
    assert window.menuBar().actions()[0].text() == "&File"
    window.close()
    settle()
    window.db_lock.release()
    ctx.db.close()


def test_keyboard_only_from_the_today_search_to_a_saved_visit(main_window, qtbot, shop):
    """Type a reading, Enter, type the bill, Enter: the visit is in the database and on Today."""
    from shopcrm.store import settings, visits

    # the shop's visits are "today" at 17:00: count calendar days, whatever hour the test runs at
    settings.set(main_window.ctx.db, "business_day_start_hour", 0)

    today = main_window.current_page()
    main_window.activateWindow()
    today.focus_search()
    for ch in "さとう":
        today.search.insert(ch)
    qtbot.waitUntil(lambda: today.results.count() == 1, timeout=3000)

    def type_the_bill(dialog):
        field = dialog.focusWidget()  # (the offscreen platform does not activate dialogs)
        assert field.objectName() == "visitAmountField"  # the guest is already chosen
        qtbot.keyClicks(field, "4800")
        qtbot.keyClick(field, Qt.Key.Key_Return)

    handle_modal(qtbot, lambda: qtbot.keyClick(today.search, Qt.Key.Key_Return), type_the_bill)
    history = visits.for_customer(main_window.ctx.db, shop.id("佐藤 花子"))
    assert [v.amount for v in history] == [4800, 3200]  # the new one, then her visit 200 days ago
    qtbot.waitUntil(lambda: today.visits.count() == 3)
    assert any("佐藤 花子" in today.visits.item(i).text() for i in range(3))


def test_a_birthday_on_today_opens_the_guest_record(main_window, qtbot, shop):
    today = main_window.current_page()
    qtbot.waitUntil(lambda: not today.birthdays_loading)
    item = today.birthdays.item(0)
    today.birthdays.itemActivated.emit(item)
    assert main_window.current_page_key() == "customers"
    page = main_window.current_page()
    assert page.detail.customer_id == shop.id("山田 太郎")
    qtbot.waitUntil(lambda: page.table.currentIndex().isValid())


def test_erase_a_guest_from_the_customer_menu(main_window, qtbot, shop):
    from shopcrm.store import customers

    main_window.show_page("customers")
    page = main_window.current_page()
    qtbot.waitUntil(lambda: page.model.rowCount() == 7)
    guest = shop.id("高橋 美咲")
    page.select_customer(guest)

    def erase(box):
        button = next(b for b in box.buttons() if b.text() == "Erase")
        button.click()

    handle_modal(qtbot, main_window.registry["erase_customer"].trigger, erase)
    assert customers.get(main_window.ctx.db, guest).erased_at is not None
    qtbot.waitUntil(lambda: page.model.rowCount() == 6)
    assert page.model.row_of(guest) is None
    assert page.detail.name_label.text() == "(personal data erased)"


def test_none_survives_a_long_day_of_qt_calls(qapp):
    """PySide6 6.12.0 on Python 3.11 drops a reference to None per void Qt call; without a fix the
    interpreter aborts after a few thousand calls ("deallocating None"). pyproject excludes that
    release; app.py keeps a guard for a 6.12.x that still has the bug."""
    import sys

    import PySide6

    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(50_000):
        label.setText("x")
    after = sys.getrefcount(None)
    if sys.version_info >= (3, 12):
        return  # None is immortal
    if PySide6.__version__.startswith("6.12."):
        assert after > 1 << 39  # the guard's spare references
    else:
        assert before - after < 1_000  # this PySide6 does not leak None


def test_lang_option_of_the_command_wins(db_path):
    import click

    from shopcrm.app import _lang_option

    assert _lang_option() is None
    with click.Context(click.Command("shopcrm"), info_name="shopcrm") as ctx:
        ctx.params["lang"] = "ja"
        assert _lang_option() == "ja"


def test_owner_pin_is_offered_once_on_a_shop_database(main_window, app_ctx, qtbot):
    from shopcrm.store import settings

    banner = main_window.pin_offer
    assert banner.isVisible()  # no PIN, never asked: the offer shows, without blocking
    assert "owner PIN" in banner.text.text()
    assert main_window.focusWidget() is not banner.set_button  # the search keeps the focus
    qtbot.mouseClick(banner.later_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
    assert settings.get(app_ctx.db, "owner_pin_offered") is True

    again = MainWindow(app_ctx)  # next start of the same database: never again
    qtbot.addWidget(again)
    again.show()
    assert not again.pin_offer.isVisible()


def test_owner_pin_offer_sets_the_pin(main_window, app_ctx, qtbot):
    from shopcrm.services import auth
    from shopcrm.store import settings

    banner = main_window.pin_offer

    def cancel(dialog):
        dialog.reject()

    handle_modal(qtbot, banner.set_button.click, cancel)
    assert banner.isVisible()  # cancelled: still on offer

    def set_pin(dialog):
        dialog.new.setText("2468")
        dialog.again.setText("2468")
        dialog.on_accept()

    handle_modal(qtbot, banner.set_button.click, set_pin)
    assert auth.verify_pin(app_ctx.db, "2468")
    assert not banner.isVisible()
    assert settings.get(app_ctx.db, "owner_pin_offered") is True


def test_owner_pin_is_not_offered_on_the_demo_or_once_a_pin_is_set(app_ctx, qtbot):
    from shopcrm.services import auth
    from shopcrm.ui.context import AppContext

    demo = MainWindow(AppContext(app_ctx.db, app_ctx.db_path, demo=True))
    qtbot.addWidget(demo)
    demo.show()
    assert not demo.pin_offer.isVisible()

    shown = MainWindow(app_ctx)
    qtbot.addWidget(shown)
    shown.show()
    assert shown.pin_offer.isVisible()
    auth.set_pin(app_ctx.db, "1357")  # set in the settings while the offer shows
    app_ctx.settings_changed.emit()
    assert not shown.pin_offer.isVisible()

    later = MainWindow(app_ctx)
    qtbot.addWidget(later)
    later.show()
    assert not later.pin_offer.isVisible()
    settle()


@pytest.mark.usefixtures("ja")
def test_owner_pin_offer_speaks_japanese(main_window):
    assert main_window.pin_offer.set_button.text() == "PINを設定…"
    assert "オーナーPIN" in main_window.pin_offer.text.text()


def test_switching_language_keeps_search_selection_and_scroll(main_window, app_ctx, qtbot):
    from shopcrm.domain.models import Customer
    from shopcrm.store import customers
    from tests.ui.conftest import wait_for_table

    customers.insert_many(
        app_ctx.db,
        [Customer(name=f"客 {i:03}", kana=f"キャク {i:03}", tags=("常連",)) for i in range(300)],
    )
    main_window.show_page("customers")
    page = main_window.current_page()
    page.search.setFocus()
    qtbot.keyClicks(page.search, "kyaku")
    page.search.setText("キャク")  # as the input method commits it
    page.search.setCursorPosition(2)
    page.filter_buttons["regulars"].setChecked(False)
    wait_for_table(qtbot, page)
    qtbot.waitUntil(lambda: page.model.total == 300)
    bar = page.table.verticalScrollBar()
    while page.model.loaded_rows() < 250:  # scroll down far enough to load more pages
        bar.setValue(bar.maximum())
        qtbot.waitUntil(lambda: not page.model.is_loading)
    page.table.selectRow(220)
    chosen = page.selected_customer_id()
    bar.setValue(bar.maximum() - 40)
    scroll = bar.value()
    assert chosen and scroll > 0

    main_window.set_language("ja")
    page = main_window.current_page()
    wait_for_table(qtbot, page)
    qtbot.waitUntil(lambda: page.selected_customer_id() == chosen)
    assert page.search.text() == "キャク"  # what was typed stays
    assert page.search.cursorPosition() == 2
    qtbot.waitUntil(lambda: main_window.focusWidget() is page.search)
    assert page.model.query == "キャク" and page.model.total == 300
    assert page.table.currentIndex().row() == page.model.row_of(chosen)
    qtbot.waitUntil(lambda: page.table.verticalScrollBar().value() == scroll)
    assert page.detail.customer_id == chosen
    assert page.search.placeholderText() != ""
    settle()


def test_page_icons_stay_visible_on_the_selected_row(qapp):
    from PySide6.QtGui import QColor, QIcon

    from shopcrm.ui.theme import ICON_STROKE, icon

    for key in PAGE_KEYS:
        image = icon(key).pixmap(24, QIcon.Mode.Selected).toImage()
        colours = {
            image.pixelColor(x, y).name()
            for x in range(image.width())
            for y in range(image.height())
            if image.pixelColor(x, y).alpha() == 255
        }
        assert "#ffffff" in colours, key  # white strokes on the highlight
        assert QColor(ICON_STROKE).name() not in colours, key


def test_switching_language_keeps_what_was_typed_on_today(main_window, qtbot):
    page = main_window.current_page()
    assert main_window.current_page_key() == "today"
    page.search.setText("ヤマダ")
    page.search.setCursorPosition(1)
    qtbot.waitUntil(lambda: page.results.count() >= 1)
    main_window.set_language("ja")
    page = main_window.current_page()
    assert page.search.text() == "ヤマダ"
    qtbot.waitUntil(lambda: page.search.cursorPosition() == 1)
    qtbot.waitUntil(
        lambda: any("山田" in page.results.item(i).text() for i in range(page.results.count()))
    )
    assert page.search.placeholderText().startswith("お客様を検索")
    settle()
