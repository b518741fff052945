"""The Print page prints from the mailing plan: the real Print… button writes to a printer (a
QPrinter writing a PDF file), failures reach the user, coupons already mailed are left out and
named until "Reprint" is ticked, no piece prints without its message, and two-sided postcards
come as one duplex PDF or as two steps (address sides, turn the stack, fronts)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from PySide6.QtCore import Qt

from shopcrm.services import campaigns
from shopcrm.store import customers, mailings
from tests.services.pdfcheck import page_texts, qr_codes
from tests.ui.conftest import handle_modal
from tests.ui.test_print_page import choose, give_addresses


@pytest.fixture
def issued(db, shop):
    give_addresses(db, shop.customers.values())
    ids = [c.id for c in shop.customers.values()]
    result = campaigns.issue(db, "birthday", customer_ids=ids, today=shop.today)
    assert len(result.issued) >= 3
    return result


@pytest.fixture
def page(app_ctx, qtbot, issued):
    from shopcrm.ui.pages.print_page import PrintPage

    p = PrintPage(app_ctx)
    qtbot.addWidget(p)
    p.resize(1366, 768)
    p.show()
    return p


def pdf_printer(path):
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def click(qtbot, button):
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QCheckBox

    assert button.isEnabled() and button.isVisible()
    # A check box reacts on its box and text, not on the empty rest of its row.
    if isinstance(button, QCheckBox):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))
    else:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def wait_built(page, qtbot):
    qtbot.waitUntil(lambda: page.task is None and page.result is not None, timeout=15000)
    if page.result.printed:
        qtbot.waitUntil(page.preview.is_ready, timeout=5000)


def test_the_real_print_button_prints_and_records(page, qtbot, tmp_path, db, issued):
    choose(page, qtbot, "postcards")
    out = tmp_path / "printed.pdf"
    page.printer_factory = lambda: pdf_printer(out)
    click(qtbot, page.print_button)
    assert out.stat().st_size > 10_000
    codes = sorted(c for p in qr_codes(out.read_bytes(), dpi=150) for c in p)
    assert codes == sorted(c.code for c in issued.issued)
    assert page.summary.text() == "Sent to the printer."
    got = mailings.for_customer(db, issued.issued[0].customer_id)
    assert [m.piece for m in got] == ["postcard"]


def test_a_print_failure_is_shown_and_nothing_recorded(page, qtbot, tmp_path, db, issued):
    choose(page, qtbot, "postcards")
    page.printer_factory = lambda: pdf_printer(tmp_path / "no" / "such" / "dir" / "x.pdf")
    seen = handle_modal(qtbot, lambda: click(qtbot, page.print_button), lambda box: box.text())
    assert "printer" in seen.lower()
    assert mailings.for_customer(db, issued.issued[0].customer_id) == []


def test_already_mailed_are_left_out_and_named_until_reprint(page, qtbot, db, issued, tmp_path):
    choose(page, qtbot, "postcards")
    everyone = len(page.result.printed)
    first = page.result.printed[0]
    from shopcrm.services.printing.pieces import record_mailings

    record_mailings(db, [first], "postcards")  # mailed last week
    choose(page, qtbot, "postcards")
    assert len(page.result.printed) == everyone - 1
    assert first.customer.id not in [p.customer.id for p in page.result.printed]
    assert page.already_label.isVisible()
    assert first.customer.name in page.already_label.text()
    assert "1 coupon was already mailed" in page.already_label.text()
    assert (
        page.reprint_box.isVisible() and page.reprint_box.text() == "Reprint the 1 already mailed"
    )
    click(qtbot, page.reprint_box)
    assert page.reprint_box.isChecked(), page.reprint_box.geometry()
    page.make_preview()
    wait_built(page, qtbot)
    assert len(page.result.printed) == everyone
    assert "Reprinting 1 coupon already mailed" in page.already_label.text()


def test_no_piece_without_its_message(page, qtbot, db, shop):
    page.month_radio.setChecked(True)
    page.month_combo.setCurrentIndex(page.month_combo.findData((shop.today.month + 5) % 12 + 1))
    guest = shop.customers["山田 太郎"]
    customers.update(db, dataclasses.replace(
        customers.get(db, guest.id), birth_month=page.month_combo.currentData(), birth_day=1,
    ))  # fmt: skip
    page.layout_combo.setCurrentIndex(page.layout_combo.findData("postcards"))
    page.make_preview()
    qtbot.waitUntil(lambda: page.task is None, timeout=15000)
    assert "issue the coupons first" in page.summary.text()
    assert not page.print_button.isEnabled() and not page.save_button.isEnabled()
    assert mailings.for_customer(db, guest.id) == []


def test_two_steps_for_a_one_sided_printer(page, qtbot, tmp_path, db, issued):
    choose(page, qtbot, "postcards-duplex")
    assert page.duplex_box.isVisible() and not page.duplex_box.isChecked()
    cards = len(page.plan.cards)
    assert page.steps_label.isVisible() and "Step 1 of 2" in page.steps_label.text()
    backs = tmp_path / "backs.pdf"
    page.printer_factory = lambda: pdf_printer(backs)
    click(qtbot, page.print_button)
    assert mailings.for_customer(db, issued.issued[0].customer_id) == []  # not yet: half done
    qtbot.waitUntil(page.preview.is_ready, timeout=5000)
    assert "Step 2 of 2" in page.steps_label.text()
    fronts = tmp_path / "fronts.pdf"
    page.printer_factory = lambda: pdf_printer(fronts)
    click(qtbot, page.print_button)
    assert page.summary.text() == "Sent to the printer."
    assert len(qr_codes(fronts.read_bytes(), dpi=150)) == cards
    assert all(not codes for codes in qr_codes(backs.read_bytes(), dpi=150))
    got = mailings.for_customer(db, issued.issued[0].customer_id)
    assert [m.piece for m in got] == ["postcard"]  # one card, one mailing


def test_a_duplex_printer_gets_one_alternating_pdf(page, qtbot, tmp_path, db, issued):
    page.layout_combo.setCurrentIndex(page.layout_combo.findData("postcards-duplex"))
    click(qtbot, page.duplex_box)
    choose(page, qtbot, "postcards-duplex")
    assert not page.steps_label.isVisible()
    out = tmp_path / "both.pdf"
    assert page.save_pdf(str(out)) == str(out)
    pages = page_texts(out.read_bytes())
    assert len(pages) == 2 * len(page.plan.cards)
    assert all("Happy Birthday" in p for p in pages[0::2])
    assert not any("Happy Birthday" in p for p in pages[1::2])


def test_the_period_picker_starts_on_the_newest_birthday_month(page, qtbot, issued):
    keys = sorted({c.period_key for c in issued.issued}, reverse=True)
    assert page.period_combo.currentData() == keys[0]
    page.make_preview()
    wait_built(page, qtbot)
    assert {p.coupon.period_key for p in page.result.printed} == {keys[0]}
    assert page.period_combo.itemData(0) == ""  # all periods
    assert dt.date.today()  # (the shop's today is the real one)


def test_one_guests_address_side_needs_no_coupon(page, qtbot, app_ctx, db, shop, issued):
    with_coupon = {c.customer_id for c in issued.issued}
    guest = next(c for c in shop.customers.values() if c.id not in with_coupon)
    customers.update(db, dataclasses.replace(customers.get(db, guest.id), dm_consent=True))
    app_ctx.selected_customer_id = guest.id
    app_ctx.customer_selected.emit(guest.id)
    page.guest_radio.setChecked(True)
    page.layout_combo.setCurrentIndex(page.layout_combo.findData("address-side"))
    page.make_preview()
    wait_built(page, qtbot)
    assert [p.customer.id for p in page.result.printed] == [guest.id]
    page.layout_combo.setCurrentIndex(page.layout_combo.findData("postcards"))
    page.make_preview()
    qtbot.waitUntil(lambda: page.task is None, timeout=15000)
    assert "issue the coupons first" in page.summary.text()
