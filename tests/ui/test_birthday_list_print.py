"""Birthdays tab: "Save list as PDF…" and "Print list…" give the printable A4 birthday list."""

from __future__ import annotations

import io

import pytest
from PySide6.QtCore import Qt

from shopcrm.domain.models import Customer
from shopcrm.store import customers
from tests.conftest import TEST_DAY
from tests.services.pdfcheck import page_texts
from tests.ui.conftest import birthday_cells

TODAY = TEST_DAY  # the suite's day (tests/conftest.py): the same at import and in every test
NEXT_MONTH = TODAY.month % 12 + 1


@pytest.fixture
def page(db, db_path, qapp, qtbot):
    """The Coupons page on a database with only these 40 guests, all born next month."""
    from shopcrm.ui.context import AppContext
    from shopcrm.ui.pages.coupons_page import CouponsPage

    for i in range(40):
        customers.create(
            db,
            Customer(name=f"印刷 {i:02d}郎", birth_year=1980 + i % 20, birth_month=NEXT_MONTH,
                     birth_day=1 + i % 28, dm_consent=i % 2 == 0),
        )  # fmt: skip
    widget = CouponsPage(AppContext(db, db_path))
    qtbot.addWidget(widget)
    widget.resize(1100, 760)
    widget.show()
    widget.tabs.setCurrentIndex(widget.tabs.count() - 1)
    widget.bd_month_radio.setChecked(True)
    widget.bd_month_spin.setValue(NEXT_MONTH)
    qtbot.waitUntil(lambda: not widget.birthdays_loading, timeout=5000)
    return widget


def test_save_list_as_pdf_button_writes_the_list_shown(page, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    page.bd_consent.setChecked(True)
    shown = set(birthday_cells(page, qtbot, 2))
    assert len(shown) >= 20 and all(int(n[3:5]) % 2 == 0 for n in shown if n.startswith("印刷"))
    out = tmp_path / "list.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    qtbot.mouseClick(page.bd_save_pdf, Qt.MouseButton.LeftButton)
    text = "\n".join(page_texts(out.read_bytes()))
    for name in shown:
        assert f"{name} 様" in text
    assert "印刷 01郎" not in text  # no consent: not in the list shown, not in the PDF
    assert "Filters: DM consent" in text
    assert f"Birthdays in {__import__('calendar').month_name[NEXT_MONTH]}" in text


def test_print_list_renders_every_page_to_the_printer(page, tmp_path):
    from pypdf import PdfReader
    from PySide6.QtPrintSupport import QPrinter

    expected = page.birthday_pdf().pages
    assert expected == 2  # 40 guests
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    assert page.print_birthdays(printer)
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert len(reader.pages) == expected
    box = reader.pages[0].mediabox  # A4 in points
    assert abs(float(box.width) - 595.3) < 2 and abs(float(box.height) - 841.9) < 2


def test_buttons_are_off_for_an_empty_list(page, qtbot):
    page.bd_month_spin.setValue(TODAY.month)  # nobody born this month
    assert birthday_cells(page, qtbot, 2) == []
    assert not page.bd_print.isEnabled() and not page.bd_save_pdf.isEnabled()
    assert page.print_birthdays() is False
