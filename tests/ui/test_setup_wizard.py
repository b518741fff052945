"""First-run setup, driven through the real wizard: a new shop is guided, every step is saved as
it goes, it resumes where it was left, can be skipped, and what it asks is what gets printed."""

from __future__ import annotations

import subprocess

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from shopcrm.store import customers, menu, settings
from tests.ui.conftest import handle_modal, settle
from tests.ui.dialog_fixtures import type_text

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def new_shop(db_path, qtbot, qapp):
    """The app built on an empty, new database, as ``shopcrm`` starts it."""
    from shopcrm import i18n
    from shopcrm.app import build_main_window

    i18n.set_language("en")
    _app, ctx, window = build_main_window(db_path, lang="en")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    settle()
    window.db_lock.release()
    ctx.db.close()


def _next(qtbot, wizard):
    qtbot.mouseClick(wizard.next_button(), LEFT)


def _fill_shop(qtbot, wizard, *, phone="03-5722-0000"):
    page = wizard.currentPage()
    assert page.step == "shop"
    assert not wizard.next_button().isEnabled()  # a shop needs a name first
    type_text(qtbot, page.fields["shop_name"], "居酒屋 たぬき")
    assert wizard.next_button().isEnabled()
    qtbot.keyClicks(page.fields["shop_postal_code"], "105-0011")
    assert page.fields["shop_address"].text().startswith("東京都港区")  # filled from the code
    type_text(qtbot, page.fields["shop_address"], "4-2-8")
    qtbot.keyClicks(page.fields["shop_phone"], phone)
    return page


def test_no_name_is_the_demo_name_on_a_new_database(new_shop):
    assert settings.get(new_shop.ctx.db, "shop_name") == ""
    assert "まるや" not in new_shop.windowTitle()


def test_first_run_leads_through_setup_and_the_first_letter_has_the_shops_name(
    new_shop, qtbot, tmp_path
):
    from shopcrm.domain.models import Customer
    from shopcrm.services.printing import pieces

    db = new_shop.ctx.db
    seen = {}

    def walk(wizard):
        assert wizard.objectName() == "setupWizard"
        assert wizard.currentPage().step == "welcome"
        _next(qtbot, wizard)
        _fill_shop(qtbot, wizard)
        _next(qtbot, wizard)
        assert wizard.currentPage().step == "business_day"
        assert wizard.currentPage().hour.value() == 5
        _next(qtbot, wizard)
        page = wizard.currentPage()
        assert page.step == "menu" and page.choices["izakaya"].isChecked()
        _next(qtbot, wizard)
        assert wizard.currentPage().step == "pin"
        qtbot.keyClicks(wizard.currentPage().pin, "2468")
        qtbot.keyClicks(wizard.currentPage().again, "2468")
        _next(qtbot, wizard)
        assert wizard.currentPage().step == "customers"
        seen["customers"] = wizard.currentPage().count.text()
        _next(qtbot, wizard)
        seen["summary"] = wizard.currentPage().summary.text()
        qtbot.mouseClick(wizard.finish_button(), LEFT)

    handle_modal(qtbot, new_shop.start_first_run, walk)
    assert seen["customers"] == "0 customers registered."
    assert "居酒屋 たぬき" in seen["summary"] and "TEL 03-5722-0000" in seen["summary"]
    stored = settings.get_all(db)
    assert stored["shop_name"] == "居酒屋 たぬき"
    assert stored["shop_postal_code"] == "1050011"
    assert stored["shop_phone"] == "03-5722-0000"
    assert stored["setup_done"] and stored["owner_pin_offered"]
    assert new_shop.ctx.owner_pin_set()
    assert "枝豆" in [i.name for i in menu.items(db)]
    assert new_shop.windowTitle() == "居酒屋 たぬき"
    assert not new_shop.pin_offer.isVisible()  # the PIN was part of the setup
    assert new_shop.start_first_run() is False  # never again on its own

    guest = customers.create(
        db,
        Customer(
            name="山田 太郎",
            kana="ヤマダ タロウ",
            postal_code="1500001",
            prefecture="東京都",
            city="渋谷区",
            street="神宮前1-1-1",
            dm_consent=True,
        ),
    )
    from shopcrm.services import campaigns

    campaigns.issue(db, "welcome", customer_ids=[guest.id])  # a letter carries a coupon
    out = tmp_path / "letter.pdf"
    letters = pieces.for_customers(db, [guest.id], campaign="welcome")
    pieces.run(db, "letters", letters, out, record=False)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "たぬき" in text and "03-5722-0000" in text
    assert "まるや" not in text


def test_setup_resumes_where_it_was_left(new_shop, qtbot):
    def half_way(wizard):
        _next(qtbot, wizard)
        _fill_shop(qtbot, wizard)
        _next(qtbot, wizard)  # the shop is saved; now on the business day
        qtbot.mouseClick(wizard.button(wizard.WizardButton.CancelButton), LEFT)  # later

    handle_modal(qtbot, new_shop.start_first_run, half_way)
    assert settings.get(new_shop.ctx.db, "shop_name") == "居酒屋 たぬき"
    seen = handle_modal(qtbot, new_shop.start_first_run, lambda wizard: wizard.currentPage().step)
    assert seen == "business_day"


def test_a_bad_phone_keeps_the_page_with_the_reason_at_the_field(new_shop, qtbot):
    def bad_phone(wizard):
        _next(qtbot, wizard)
        page = _fill_shop(qtbot, wizard, phone="03-12ab")
        _next(qtbot, wizard)
        return wizard.currentPage().step, page.errors["shop_phone"].isVisible()

    assert handle_modal(qtbot, new_shop.start_first_run, bad_phone) == ("shop", True)
    assert settings.get(new_shop.ctx.db, "shop_name") == ""  # nothing half-saved


def test_setup_can_be_skipped_and_is_reachable_from_the_settings(new_shop, qtbot):
    handle_modal(
        qtbot,
        new_shop.start_first_run,
        lambda wizard: qtbot.mouseClick(wizard.pages["welcome"].skip_button, LEFT),
    )
    assert settings.get(new_shop.ctx.db, "setup_done")
    assert new_shop.start_first_run() is False

    def from_settings(dialog):
        assert dialog.objectName() == "settingsDialog"
        QApplication.processEvents()
        button = dialog.findChild(type(dialog.save_button), "setupWizardButton")
        seen = {}

        def in_wizard():
            wizard = QApplication.activeModalWidget()
            seen["step"] = wizard.currentPage().step
            wizard.reject()

        from PySide6.QtCore import QTimer

        QTimer.singleShot(50, in_wizard)
        qtbot.mouseClick(button, LEFT)
        return seen

    seen = handle_modal(qtbot, new_shop.open_settings, from_settings)
    assert seen == {"step": "welcome"}


def test_a_menu_list_from_a_file(new_shop, qtbot, tmp_path):
    listing = tmp_path / "menu.csv"
    listing.write_bytes(
        "品名,価格,分類\r\n鱧の湯引き,980,料理\r\n生ビール,600,ビール\r\n".encode("cp932")
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("品名,価格\n枝豆,abc\n", encoding="utf-8")

    def file_menu(wizard):
        _next(qtbot, wizard)
        _fill_shop(qtbot, wizard)
        _next(qtbot, wizard)
        _next(qtbot, wizard)
        page = wizard.currentPage()
        qtbot.keyClicks(page.file_path, str(bad))
        assert page.file_choice.isChecked()
        _next(qtbot, wizard)
        stayed = wizard.currentPage().step, page.result.text()
        page.file_path.clear()
        qtbot.keyClicks(page.file_path, str(listing))
        _next(qtbot, wizard)
        wizard.reject()
        return stayed

    step, message = handle_modal(qtbot, new_shop.start_first_run, file_menu)
    assert step == "menu" and "Line 2" in message
    items = {i.name: (i.price, i.category) for i in menu.items(new_shop.ctx.db)}
    assert items == {"鱧の湯引き": (980, "料理"), "生ビール": (600, "ビール")}


def test_the_demo_never_asks(db_path, qtbot, qapp):
    from shopcrm.app import build_main_window

    _app, ctx, window = build_main_window(db_path, demo=True, lang="en")
    qtbot.addWidget(window)
    try:
        assert window.start_first_run() is False
        assert "まるや" in settings.get(ctx.db, "shop_name")  # the demo sets its own name
        assert window.windowTitle() == f"{settings.get(ctx.db, 'shop_name')} (demo)"
    finally:
        settle()
        window.db_lock.release()
        ctx.db.close()


def test_setup_speaks_japanese(new_shop, qtbot):
    from shopcrm import i18n
    from shopcrm.ui.dialogs.setup_dialog import SetupWizard

    i18n.set_language("ja")
    try:
        wizard = SetupWizard(new_shop.ctx, new_shop, start=0)
        qtbot.addWidget(wizard)
        assert wizard.pages["welcome"].title() == "shopcrm へようこそ"
        assert wizard.buttonText(wizard.WizardButton.NextButton) == "次へ"
    finally:
        i18n.set_language("en")


def test_a_shop_name_already_set_lets_the_owner_go_on(new_shop, qtbot):
    from shopcrm.ui.dialogs.setup_dialog import SetupWizard

    settings.set(new_shop.ctx.db, "shop_name", "居酒屋 たぬき")
    wizard = SetupWizard(new_shop.ctx, new_shop, start=1)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.currentPage().step == "shop" and wizard.next_button().isEnabled()
    wizard.currentPage().fields["shop_name"].clear()
    assert not wizard.next_button().isEnabled()
    wizard.reject()
