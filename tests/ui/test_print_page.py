"""Print page: choose a campaign or a birthday month and a layout; the real PDF is built in the
background and previewed with QtPdf; Save PDF writes it and records the mailings; labels use the
sheet and start row/column; the printer offset is a setting; Print renders onto a QPrinter."""

from __future__ import annotations

import dataclasses

import pytest

from shopcrm.services import campaigns
from shopcrm.store import customers, mailings, settings
from tests.services.pdfcheck import page_texts, qr_codes

ADDRESSES = [
    ("1500001", "東京都", "渋谷区", "神宮前4-2-8"),
    ("5300001", "大阪府", "大阪市北区", "梅田1-1-3"),
    ("0600042", "北海道", "札幌市中央区", "大通西5-11"),
    ("8100001", "福岡県", "福岡市中央区", "天神2-5-28"),
]


def give_addresses(db, guests):
    """Each guest their own postal address (posted pieces need one), in turn from ADDRESSES."""
    for n, guest in enumerate(guests):
        postal, pref, city, street = ADDRESSES[n % len(ADDRESSES)]
        street = street if n < len(ADDRESSES) else f"{street}-{n}"
        customers.update(db, dataclasses.replace(
            customers.get(db, guest.id), postal_code=postal, prefecture=pref, city=city,
            street=street,
        ))  # fmt: skip


@pytest.fixture
def issued(db, shop):
    give_addresses(db, shop.customers.values())
    ids = [c.id for c in shop.customers.values()]
    result = campaigns.issue(db, "birthday", customer_ids=ids, today=shop.today)
    assert result.issued
    return result


@pytest.fixture
def page(app_ctx, qtbot, issued):
    from shopcrm.ui.pages.print_page import PrintPage

    p = PrintPage(app_ctx)
    qtbot.addWidget(p)
    p.resize(1100, 760)
    p.show()
    return p


def choose(page, qtbot, layout: str, campaign: str = "birthday", period: str = ""):
    from shopcrm.store import campaign_records

    page.campaign_radio.setChecked(True)
    page.campaign_combo.setCurrentIndex(
        page.campaign_combo.findData(campaign_records.get(page.ctx.db, campaign).id)
    )
    page.period_combo.setCurrentIndex(page.period_combo.findData(period))  # "": all periods
    page.layout_combo.setCurrentIndex(page.layout_combo.findData(layout))
    page.make_preview()
    qtbot.waitUntil(lambda: page.task is None and page.result is not None, timeout=15000)
    if page.result.printed:
        qtbot.waitUntil(page.preview.is_ready, timeout=5000)


def test_postcards_preview_the_real_pdf_and_save_records_mailings(
    page, qtbot, issued, db, tmp_path
):
    choose(page, qtbot, "postcards")
    printed = page.result.printed
    assert len(printed) == len(issued.issued)
    assert page.preview.page_count() == len(printed)
    assert str(len(printed)) in page.summary.text()
    assert page.save_button.isEnabled()
    out = tmp_path / "cards.pdf"
    assert page.save_pdf(str(out)) == str(out)
    data = out.read_bytes()
    text = "\n".join(page_texts(data))
    codes = sorted(c.code for c in issued.issued)
    assert all(code in text for code in codes)
    assert sorted(c for p in qr_codes(data, dpi=200) for c in p) == codes
    for coupon in issued.issued:
        assert [m.piece for m in mailings.for_customer(db, coupon.customer_id)] == ["postcard"]
    page.save_pdf(str(tmp_path / "again.pdf"))  # the same run saved twice is one mailing
    assert len(mailings.for_customer(db, issued.issued[0].customer_id)) == 1


def test_labels_use_sheet_and_start_and_list_who_is_skipped(page, qtbot, db, shop):
    first = shop.customers["山田 太郎"]
    for guest in shop.customers.values():  # only 山田 太郎 keeps an address
        if guest.id != first.id:
            customers.update(db, dataclasses.replace(
                customers.get(db, guest.id), postal_code="", prefecture="", city="", street="",
            ))  # fmt: skip
    page.sheet_combo.setCurrentIndex(page.sheet_combo.findData("avery-l7163"))
    assert page.start_row.maximum() == 7 and page.start_col.maximum() == 2
    page.start_row.setValue(3)
    page.start_col.setValue(2)
    choose(page, qtbot, "labels")
    assert [p.customer.id for p in page.result.printed] == [first.id]
    assert page.skipped_list.isVisible() and page.skipped_list.count() >= 1
    assert "address" in page.skipped_list.item(0).text()
    assert "山田" in page_texts(page.preview.data)[0]
    page.layout_combo.setCurrentIndex(page.layout_combo.findData("postcards"))
    assert not page.sheet_combo.isEnabled()


def test_offset_spin_boxes_are_the_setting(page, db):
    page.offset_x.setValue(1.5)
    page.offset_y.setValue(-0.5)
    assert settings.get(db, "print_offset_x_mm") == 1.5
    assert settings.get(db, "print_offset_y_mm") == -0.5


def test_birthday_month_list_and_cancel(page, qtbot, shop):
    page.month_radio.setChecked(True)
    page.month_combo.setCurrentIndex(0)  # this month: 山田 太郎's birthday is today
    page.layout_combo.setCurrentIndex(page.layout_combo.findData("letters"))
    page.make_preview()
    qtbot.waitUntil(lambda: page.task is None and page.result is not None, timeout=15000)
    names = [p.customer.name for p in page.result.printed]
    assert "山田 太郎" in names
    page.make_preview()
    page.cancel()
    qtbot.waitUntil(lambda: page.task is None, timeout=15000)
    assert page.summary.text() in ("Cancelled.",) or page.result is not None


def test_print_renders_every_page_to_the_printer(page, qtbot, tmp_path, db, issued):
    from PySide6.QtPrintSupport import QPrinter

    choose(page, qtbot, "tickets")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    page.record_box.setChecked(False)  # a test print records nothing
    assert page.print_pdf(printer)
    assert out.stat().st_size > 10_000
    assert sorted(c for p in qr_codes(out.read_bytes(), dpi=200) for c in p) == sorted(
        c.code for c in issued.issued
    )
    assert mailings.for_customer(db, issued.issued[0].customer_id) == []


def test_screenshots(page, qtbot, app_ctx, tmp_path, ja):
    """Grabs the page in both languages; SHOPCRM_DOCS_SHOTS=1 also refreshes docs/."""
    import os
    from pathlib import Path

    from shopcrm.ui.pages.print_page import PrintPage

    docs = Path(__file__).resolve().parents[2] / "docs"
    for lang in ("ja", "en"):
        from shopcrm import i18n

        i18n.set_language(lang)
        p = PrintPage(app_ctx)
        qtbot.addWidget(p)
        p.resize(1100, 720)
        p.show()
        choose(p, qtbot, "postcards")
        qtbot.wait(300)
        image = p.grab()
        assert image.width() > 800
        image.save(str(tmp_path / f"print-page-{lang}.png"))
        if os.environ.get("SHOPCRM_DOCS_SHOTS") and docs.is_dir():
            image.save(str(docs / f"print-page-{lang}.png"))


def test_print_page_in_the_main_window_survives_a_language_switch(main_window, qtbot, issued):
    main_window.show_page("print")
    page = main_window.page("print")
    page.make_preview()
    main_window.set_language("ja")  # rebuilds the pages while the preview is being made
    fresh = main_window.page("print")
    assert fresh is not page
    fresh.make_preview()
    qtbot.waitUntil(lambda: fresh.task is None and fresh.result is not None, timeout=15000)
    assert fresh.result.printed
    assert fresh.save_button.text() == "PDFを保存…"


def test_the_selected_guest_gets_an_address_side(page, qtbot, app_ctx, db, shop):
    guest = shop.customers["佐藤 花子"]
    customers.update(db, dataclasses.replace(
        customers.get(db, guest.id), postal_code="5300001", prefecture="大阪府",
        city="大阪市北区", street="梅田1-1-3",
    ))  # fmt: skip
    assert not page.guest_radio.isEnabled()
    app_ctx.selected_customer_id = guest.id
    app_ctx.customer_selected.emit(guest.id)
    assert page.guest_radio.isEnabled() and page.guest_label.text() == "佐藤 花子"
    page.guest_radio.setChecked(True)
    page.layout_combo.setCurrentIndex(page.layout_combo.findData("address-side"))
    page.make_preview()
    qtbot.waitUntil(lambda: page.task is None and page.result is not None, timeout=15000)
    assert [p.customer.id for p in page.result.printed] == [guest.id]
    text = page_texts(page.result.pdf)[0]
    assert "佐" in text and "梅" in text


def test_campaign_list_shows_the_readers_name_and_what_can_be_printed(page, issued):
    from shopcrm.store import campaign_records

    birthday = campaign_records.get(page.ctx.db, "birthday").id
    text = page.campaign_combo.itemText(page.campaign_combo.findData(birthday))
    usable = campaign_records.coupon_counts(page.ctx.db)[birthday]["usable"]
    assert text.startswith("Birthday coupon (") and f"({usable} coupon" in text
    assert usable == len(issued.issued)
