"""The monthly owner report: a real A4 PDF read back (text layer, embedded font, page count)."""

from __future__ import annotations

import datetime as dt
import itertools
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


def _partial_month_shop(db):
    """Hand-made: one guest a day on chosen days. As of 2026-11-23 (the month under way):
    Nov 2026 days 2, 10 and 20;
    Oct 2026 days 5, 22 and 28 (the 28th is past the 23rd: left out of the comparison);
    Nov 2025 days 1 and 30 (the 30th left out). Each bill ¥1,000, each guest new."""
    from shopcrm.store import arrays

    days = ["2026-11-02", "2026-11-10", "2026-11-20", "2026-10-05", "2026-10-22", "2026-10-28"]
    days += ["2025-11-01", "2025-11-30"]
    ids = arrays.insert_customers_bulk(db, [f"客{i}" for i in range(len(days))])
    arrays.insert_visits_bulk(
        db, [(i, f"{d} 19:00:00", 1000, 1) for i, d in zip(ids, days, strict=True)]
    )


def test_unfinished_month_compares_the_same_days(db):
    from shopcrm.services import analytics

    _partial_month_shop(db)
    today = dt.date(2026, 11, 23)
    figures = monthly_report.key_figures(db, 2026, 11, today=today)
    p = figures["periods"]
    assert p.partial
    assert p.this == (dt.date(2026, 11, 1), today)
    assert p.previous == (dt.date(2026, 10, 1), dt.date(2026, 10, 23))
    assert p.last_year == (dt.date(2025, 11, 1), dt.date(2025, 11, 23))
    # 3 new guests this month so far against 2 in 1-23 Oct (not 3 in all of October), 1 a year ago
    assert [figures[k]["new_customers"] for k in ("this", "previous", "last_year")] == [3, 2, 1]
    assert [figures[k]["revenue"] for k in ("this", "previous", "last_year")] == [3000, 2000, 1000]
    # a finished month is compared whole
    done = monthly_report.key_figures(db, 2026, 10, today=today)
    assert not done["periods"].partial
    assert [done[k]["new_customers"] for k in ("this", "previous", "last_year")] == [3, 0, 0]
    # a short previous month is compared whole: 1-30 Mar against 1-28 Feb
    march = analytics.month_comparison(2026, 3, dt.date(2026, 3, 30))
    assert march.previous == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))


def test_unfinished_month_says_which_days_it_compares(db, tmp_path, ja):
    from shopcrm.i18n import set_language

    _partial_month_shop(db)
    today = dt.date(2026, 11, 23)
    path = tmp_path / "ja.pdf"
    monthly_report.build(db, 2026, 11, path, today=today)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "11月1日〜23日（10月1日〜23日・2025年11月1日〜23日と比較）" in text
    assert "2026-11-01〜2026-11-23" in text and "2026-11-30" not in text
    set_language("en")
    path = tmp_path / "en.pdf"
    monthly_report.build(db, 2026, 11, path, today=today)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "1–23 Nov, compared with 1–23 Oct and 1–23 Nov 2025" in text
    assert "counted up to 2026-11-23" in text
    assert "+50%" in text  # new guests 3 against 2 on the same days (not -0 % against October)


def test_every_font_the_report_names_is_embedded(report):
    from tests.services.pdfcheck import fonts

    path, _pages = report
    listed = fonts(path)
    assert listed and all(emb == "yes" for _name, emb in listed), listed
    assert not any("Helvetica" in name for name, _emb in listed)


def test_report_headers_break_between_phrases_not_inside_words(report):
    """再来店 and 費用 stay whole in the wrapped header cells (read back per line)."""
    path, _pages = report
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    lines = [line.strip() for line in text.splitlines()]
    assert any("再来店" in line for line in lines) and any("費用" in line for line in lines)
    for broken in (("再来", "店"), ("費", "用"), ("再", "来店")):
        for a, b in itertools.pairwise(lines):
            assert not (a.endswith(broken[0]) and b.startswith(broken[1])), (a, b)


def test_a_name_with_a_rare_kanji_prints_from_the_fallback_font(db, tmp_path, ja):
    from tests.services.pdfcheck import fonts

    build_hand_shop(db)
    db.execute(
        "UPDATE customers SET name = '𠮷田 花子', birth_month = 4, birth_day = 2 WHERE name = 'C'"
    )
    db.conn.commit()
    path = tmp_path / "report.pdf"
    monthly_report.build(db, 2026, 3, path, today=dt.date(2026, 3, 31))
    listed = fonts(path)
    assert any("ShopCRMGaiji" in name for name, _emb in listed), listed
    assert all(emb == "yes" for _name, emb in listed)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "𠮷田 花子" in text


def test_report_explains_every_figure_in_plain_words(report):
    from shopcrm import i18n
    from shopcrm.services import glossary

    path, _pages = report
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    flat = "".join(text.split())
    assert "数字の意味" in text
    i18n.set_language("ja")
    for key in glossary.REPORT_TERMS:  # each figure's one line, in the owner's language
        assert "".join(glossary.text(key).split())[:20] in flat, key
