"""Coupons page and campaign dialog with real widgets (offscreen) over a real database.

Run this file as a script to write the screenshots docs/coupons-page-<ja|en>.png and
docs/coupons-dialog-<ja|en>.png: ``python tests/ui/test_coupons_page.py``.
"""

from __future__ import annotations

import csv

import pytest

from shopcrm.domain.models import Customer
from shopcrm.store import campaign_records, coupons, customers
from tests.conftest import TEST_DAY
from tests.ui.conftest import birthday_cells

TODAY = TEST_DAY  # the suite's day (tests/conftest.py): the same at import and in every test
NEXT_MONTH = TODAY.month % 12 + 1


@pytest.fixture
def december_guests(db):
    """Three guests born in next month: one may get mail, one has no consent, one do-not-mail."""
    made = {}
    for name, consent, dnm in (
        ("誕生 一郎", True, False),
        ("誕生 二郎", False, False),
        ("誕生 三郎", True, True),
    ):
        made[name] = customers.create(
            db,
            Customer(name=name, birth_year=1990, birth_month=NEXT_MONTH, birth_day=15,
                     dm_consent=consent, do_not_mail=dnm),
        )  # fmt: skip
    return made


@pytest.fixture
def page(app_ctx, qtbot, december_guests):
    from shopcrm.ui.pages.coupons_page import CouponsPage

    widget = CouponsPage(app_ctx)
    qtbot.addWidget(widget)
    widget.resize(1100, 760)
    widget.show()
    qtbot.waitUntil(lambda: not widget.birthdays_loading, timeout=5000)
    return widget


def _issue(page, qtbot, name="birthday", month=NEXT_MONTH):
    page.select_campaign(name)
    page.start_issue(page.selected_campaign().id, month)
    qtbot.waitUntil(lambda: page.task is None, timeout=10000)
    return page.last_result


def test_campaigns_are_listed_with_kind_discount_and_validity(page):
    t = page.campaign_table
    rows = {t.item(r, 0).text(): [t.item(r, c).text() for c in range(t.columnCount())]
            for r in range(t.rowCount())}  # fmt: skip
    assert set(rows) == {"Birthday coupon", "Welcome coupon", "Win-back coupon"}
    assert rows["Win-back coupon"][1:3] == ["Win-back", "¥500 off"]
    assert rows["Birthday coupon"][3] == "60 days from the 1st of the birthday month"
    page.select_campaign("birthday")
    assert page.month_combo.isVisibleTo(page)
    page.select_campaign("welcome")
    assert not page.month_combo.isVisibleTo(page)


def test_issue_in_background_shows_issued_and_left_out_with_reasons(page, qtbot, db):
    with qtbot.waitSignal(page.ctx.coupons_changed, timeout=10000):
        result = _issue(page, qtbot)
    issued_to = {result.names[c.customer_id] for c in result.issued}
    assert "誕生 一郎" in issued_to and not {"誕生 二郎", "誕生 三郎"} & issued_to
    assert "Issued" in page.result_label.text()
    items = [page.skipped_list.item(i).text() for i in range(page.skipped_list.count())]
    assert any("誕生 二郎" in i and "No DM consent" in i for i in items)
    assert any("誕生 三郎" in i and "do-not-mail" in i for i in items)
    # the coupons table shows the new coupon as issued, with the guest's name
    t = page.coupon_table
    shown = {t.item(r, 1).text(): t.item(r, 4).text() for r in range(t.rowCount())}
    assert shown["誕生 一郎"] == "Issued"
    assert page.campaign_table.item(0, 5).text() == str(len(result.issued))


def test_issuing_twice_gives_nobody_a_second_coupon(page, qtbot):
    first = _issue(page, qtbot)
    second = _issue(page, qtbot)
    assert second.issued == []
    assert len(second.already) == len(first.issued)
    assert "already had one" in page.result_label.text()


def test_void_the_selected_coupon(page, qtbot, db):
    issued = len(_issue(page, qtbot).issued)
    page.coupon_table.selectRow(0)
    code = page.coupon_table.item(0, 0).text()
    page.void_selected(reason="lost")
    assert coupons.find(db, code).voided_at is not None
    page.status_combo.setCurrentIndex(page.status_combo.findData("voided"))
    assert page.coupon_table.rowCount() == 1 and page.coupon_table.item(0, 4).text() == "Voided"
    page.status_combo.setCurrentIndex(page.status_combo.findData("issued"))
    assert page.coupon_table.rowCount() == issued - 1
    assert code not in {page.coupon_table.item(r, 0).text() for r in range(issued - 1)}


def test_birthday_list_filters_and_csv_export(page, tmp_path, qtbot):
    page.bd_month_radio.setChecked(True)
    page.bd_month_spin.setValue(NEXT_MONTH)
    names = set(birthday_cells(page, qtbot, 2))
    assert {"誕生 一郎", "誕生 二郎", "誕生 三郎"} <= names
    ages = dict(zip(birthday_cells(page, qtbot, 2), birthday_cells(page, qtbot, 1), strict=True))
    year = TODAY.year if TODAY.month <= NEXT_MONTH else TODAY.year + 1
    assert ages["誕生 一郎"] == str(year - 1990)
    page.bd_consent.setChecked(True)
    names = set(birthday_cells(page, qtbot, 2))
    assert "誕生 一郎" in names and not {"誕生 二郎", "誕生 三郎"} & names
    path = page.export_birthdays(str(tmp_path / "b.csv"))
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["Name"] for r in rows} == names


def test_next_days_mode(page, shop, qtbot):
    page.bd_days_radio.setChecked(True)
    page.bd_days_spin.setValue(5)
    names = set(birthday_cells(page, qtbot, 2))
    # the sample shop has birthdays today (山田) and in 3 days (佐藤), and in 10 days (田中)
    assert {"山田 太郎", "佐藤 花子"} <= names and "田中 健" not in names
    assert page.bd_count.text().endswith("guests")


# --- campaign dialog ---


@pytest.fixture
def dialog(app_ctx, qtbot):
    from shopcrm.ui.dialogs.campaign_dialog import CampaignDialog

    dlg = CampaignDialog(app_ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def test_unknown_template_field_is_shown_at_the_field_as_typed(dialog):
    dialog.template_edit.setPlainText("{name}様 {nickname}")
    assert dialog.errors["template"].isVisible()
    assert "{nickname}" in dialog.errors["template"].text()
    dialog.template_edit.setPlainText("{name}様、{favourite}はいかが？ {discount}")
    assert not dialog.errors["template"].isVisible()
    assert dialog.preview.text() == "Taro Yamada様、junmai ginjo sakeはいかが？ 10% off"


def test_save_refuses_bad_fields_and_writes_nothing(dialog, db):
    dialog.name_edit.setText("")
    dialog.discount_combo.setCurrentIndex(dialog.discount_combo.findData("item"))
    dialog.on_accept()
    assert dialog.errors["name"].isVisible() and dialog.errors["discount"].isVisible()
    assert dialog.campaign is None and len(campaign_records.list_all(db)) == 3
    dialog.name_edit.setText("birthday")
    dialog.item_edit.setText("お通し")
    dialog.on_accept()
    assert "already exists" in dialog.errors["name"].text()


def test_save_a_custom_campaign_with_a_date_range_and_filter(dialog, db):
    dialog.name_edit.setText("日本酒の会")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("custom"))
    dialog.range_radio.setChecked(True)
    dialog.likes_edit.setText("日本酒、焼酎")
    dialog.cost_spin.setValue(85)
    dialog.on_accept()
    saved = campaign_records.get(db, "日本酒の会")
    assert saved.filter == {"preferences": ["日本酒", "焼酎"]}
    assert saved.valid_until is not None and saved.valid_days is None
    assert saved.cost_per_piece == 85 and dialog.result() == dialog.DialogCode.Accepted


def test_builtin_keeps_name_and_kind(app_ctx, qtbot, db):
    from shopcrm.ui.dialogs.campaign_dialog import CampaignDialog

    dlg = CampaignDialog(app_ctx, campaign_records.get(db, "winback"))
    qtbot.addWidget(dlg)
    assert dlg.name_edit.isReadOnly() and not dlg.kind_combo.isEnabled()
    dlg.winback_spin.setValue(120)
    dlg.on_accept()
    assert campaign_records.get(db, "winback").winback_days == 120


# --- screenshots ---


def make_screenshots() -> None:
    """Render the page and the dialog over the demo izakaya in Japanese and English."""
    import os
    import tempfile
    from pathlib import Path

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QFontDatabase
    from PySide6.QtWidgets import QApplication

    import shopcrm.fonts
    from shopcrm import i18n
    from shopcrm.services import campaigns, demo
    from shopcrm.store import open_db
    from shopcrm.ui.context import AppContext
    from shopcrm.ui.dialogs.campaign_dialog import CampaignDialog
    from shopcrm.ui.pages.coupons_page import CouponsPage

    app = QApplication.instance() or QApplication([])
    family = QFontDatabase.applicationFontFamilies(
        QFontDatabase.addApplicationFont(str(shopcrm.fonts.japanese_font_path()))
    )
    if family:
        font = app.font()
        font.setFamily(family[0])
        app.setFont(font)
    docs = Path(__file__).resolve().parents[2] / "docs"
    tmp = Path(tempfile.mkdtemp())
    path = tmp / "demo.db"
    db = open_db(path)
    demo.fill(db, seed=1)
    ctx = AppContext(db, path)
    for lang in ("ja", "en"):
        i18n.set_language(lang)
        page = CouponsPage(ctx)
        page.resize(1180, 760)
        page.select_campaign("birthday")
        page.show_result(campaigns.issue(db, "birthday", month=page.month_combo.currentData()))
        page.refresh()
        page.select_campaign("birthday")
        page.show()
        app.processEvents()
        page.grab().save(str(docs / f"coupons-page-{lang}.png"))
        page.tabs.setCurrentIndex(1)
        page.bd_days_radio.setChecked(True)
        page.bd_consent.setChecked(True)
        app.processEvents()
        page.grab().save(str(docs / f"coupons-birthdays-{lang}.png"))
        page.close()
        dlg = CampaignDialog(ctx, campaign_records.get(db, "birthday"))
        dlg.template_edit.setPlainText(_sample_template(lang))
        dlg.show()
        app.processEvents()
        dlg.grab().save(str(docs / f"coupons-dialog-{lang}.png"))
        dlg.close()
    db.close()


def _sample_template(lang: str) -> str:
    if lang == "ja":
        return (
            "{name}様\nお誕生日おめでとうございます。\n"
            "お好きな{favourite}をご用意して、{shop_name}でお待ちしております。\n"
            "{expires}まで{discount}（クーポン {coupon_code}）"
        )
    return (
        "Dear {name},\nhappy birthday! Your {favourite} is waiting at {shop_name}.\n"
        "{discount} until {expires} (coupon {coupon_code})"
    )


if __name__ == "__main__":
    make_screenshots()
    os_exit = __import__("os")._exit
    os_exit(0)  # skip Qt teardown at interpreter exit (it can abort offscreen)


def test_a_message_too_long_to_read_on_a_postcard_is_refused_with_its_size(dialog, db, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    dialog.name_edit.setText("長いDM")
    QApplication.clipboard().setText("{name}様\n" + "本日はご来店ありがとうございました。" * 30)
    dialog.template_edit.setFocus()
    qtbot.keyClick(dialog.template_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dialog.template_edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert dialog.errors["template"].isVisible()
    text = dialog.errors["template"].text()
    assert " pt" in text and "too long for a postcard" in text
    assert dialog.campaign is None and len(campaign_records.list_all(db)) == 3


def test_month_pickers_start_where_the_user_means_and_say_which(page, qtbot):
    """Birthday list: this month ("this month" beside it); coupon issuing: next month, with why."""
    import datetime as dt

    from PySide6.QtCore import Qt

    today = dt.date.today()
    assert page.bd_month_spin.value() == today.month
    assert page.bd_month_hint.text() == "this month"
    page.tabs.tabBar().setCurrentIndex(1)  # the Birthdays tab, as a click on it does
    qtbot.keyClick(page.bd_month_spin, Qt.Key.Key_Up)
    assert page.bd_month_hint.text() == "next month"
    assert page.month_combo.currentData() == today.month % 12 + 1
    assert page.month_hint.text() == "next month: coupons go out a month ahead"
    page.month_combo.setCurrentIndex(0)
    assert page.month_hint.text() == "this month"


def test_campaign_dialog_sets_the_comparison_group(app_ctx, qtbot, db):
    from PySide6.QtCore import Qt

    from shopcrm.store import holdouts
    from shopcrm.ui.dialogs.campaign_dialog import CampaignDialog

    bday = campaign_records.get(db, "birthday")
    dlg = CampaignDialog(app_ctx, bday)
    qtbot.addWidget(dlg)
    box = dlg.holdout_box
    assert box.percent.value() == 10 and not box.birthday.isChecked()  # the defaults
    box.percent.selectAll()
    qtbot.keyClicks(box.percent, "20")
    qtbot.mouseClick(box.birthday, Qt.MouseButton.LeftButton)
    dlg.on_accept()
    assert holdouts.get(db, bday.id) == holdouts.Holdout(bday.id, 20, 30, True)
