"""The monthly owner report: a real A4 PDF read back (text layer, embedded font, page count)."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from pypdf import PdfReader

from shopcrm.services.printing import monthly_report
from tests.services.test_analytics import build_hand_shop


@pytest.fixture
def report(db, tmp_path, ja):
    build_hand_shop(db)
    db.execute("UPDATE customers SET birth_month = 4, birth_day = 2 WHERE name = 'C'")
    db.conn.commit()
    path = tmp_path / "report.pdf"
    pages = monthly_report.build(db, 2026, 3, path, today=dt.date(2026, 3, 31))
    return path, pages


def test_report_is_a_few_a4_pages_with_the_embedded_font(report):
    path, pages = report
    reader = PdfReader(path)
    assert len(reader.pages) == pages and 3 <= pages <= 6
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "IPAexGothic" in fonts and "yes" in fonts.split("IPAexGothic")[1].splitlines()[0]


def test_report_compares_the_month_with_the_previous_month_and_last_year(report):
    path, _pages = report
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True
    ).stdout
    assert "月次レポート 2026年3月" in text
    assert "前月" in text and "前年同月" in text
    # March: 1 bill of 2,000円; February: 4 bills, 7,500円 -> -73 %
    revenue = next(line for line in text.splitlines() if line.strip().startswith("売上"))
    assert "2,000円" in revenue and "7,500円" in revenue and "-73%" in revenue
    # tiny shop: the model says so instead of printing numbers
    assert "データが足りません" in text
    # April's birthdays: C on 4/2
    assert "2026年4月のお誕生日" in text and "4/2" in text


def test_report_in_english(db, tmp_path):
    build_hand_shop(db)
    path = tmp_path / "report-en.pdf"
    monthly_report.build(db, 2026, 2, path, today=dt.date(2026, 3, 31))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "Monthly report February 2026" in text and "Previous month" in text
