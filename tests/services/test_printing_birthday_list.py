"""The printable birthday list (A4 PDF) read back: names, ages, the month, the embedded font, and
clean pagination with the column headings on every page."""

from __future__ import annotations

import datetime as dt

from shopcrm.domain.models import Customer, Preference, Visit
from shopcrm.services import campaigns
from shopcrm.services.printing import birthday_list as bl
from shopcrm.store import customers, preferences, settings, visits
from tests.services.pdfcheck import fonts, page_texts, words

TODAY = dt.date(2026, 11, 23)


def _guest(db, name, kana, month, day, year=None, **kw):
    return customers.create(
        db,
        Customer(name=name, kana=kana, birth_year=year, birth_month=month, birth_day=day, **kw),
    )


def _three(db):
    settings.set(db, "shop_name", "居酒屋 まるや")
    a = _guest(db, "山田 太郎", "ヤマダ タロウ", 12, 5, 1980, phone="09012345678",
               dm_consent=True)  # fmt: skip
    b = _guest(db, "佐藤 花子", "サトウ ハナコ", 12, 24)
    _guest(db, "鈴木 一郎", "スズキ イチロウ", 1, 3, 1990)  # not in December
    preferences.add(db, Preference(customer_id=a.id, kind="drink", level="love", label="獺祭"))
    visits.record(db, Visit(customer_id=b.id, visited_at=dt.datetime(2026, 10, 3, 19), amount=4800))
    return a, b


def test_japanese_list_has_names_ages_month_and_embedded_font(db, tmp_path, ja):
    _three(db)
    rows = campaigns.birthday_list(db, month=12, today=TODAY)
    out = tmp_path / "list.pdf"
    result = bl.build_from_db(db, rows, out, filters=bl.ListFilters(month=12), today=TODAY)
    assert result.pages == 1
    text = page_texts(out.read_bytes())[0]
    assert "12月のお誕生日" in text and "居酒屋 まるや" in text
    assert "山田 太郎 様" in text and "佐藤 花子 様" in text and "鈴木" not in text
    assert "ヤマダ タロウ" in text
    assert "12月5日(土)" in text and "12月24日(木)" in text  # weekdays of 2026
    assert "46" in text  # 1980-12-05 -> turns 46 on 2026-12-05
    assert "090-1234-5678" in text
    assert "獺祭" in text  # favourite
    assert "2026/10/3" in text  # last visit
    assert "条件: なし" in text
    assert "1 / 1 ページ" in text
    assert ("IPAexGothic", "yes") in [(n.split("+")[-1], e) for n, e in fonts(out)]


def test_english_title_and_filters(db, tmp_path):
    _three(db)
    rows = campaigns.birthday_list(db, month=12, today=TODAY, require_consent=True)
    assert [r.customer.name for r in rows] == ["山田 太郎"]
    filters = bl.ListFilters(month=12, consent=True, visited_within_months=6)
    result = bl.build_from_db(db, rows, None, filters=filters, today=TODAY)
    text = page_texts(result.pdf)[0]
    assert "Birthdays in December (居酒屋 まるや)" in text
    assert "Filters: DM consent · visited within 6 months" in text
    assert "Sat 5 Dec" in text
    assert "Page 1 of 1" in text


def test_empty_list_is_one_page_saying_so(db, tmp_path):
    result = bl.build_from_db(db, [], None, filters=bl.ListFilters(days=30), today=TODAY)
    assert result.pages == 1
    text = page_texts(result.pdf)[0]
    assert "Birthdays in the next 30 days" in text
    assert "No birthdays in that period." in text


def test_120_guests_paginate_with_the_headings_on_every_page(db, tmp_path, ja):
    for i in range(120):
        _guest(db, f"客{i:03d} 様子", "キャク", 12, 1 + i % 28, 1970 + i % 30)
    rows = campaigns.birthday_list(db, month=12, today=TODAY)
    assert len(rows) == 120
    out = tmp_path / "many.pdf"
    result = bl.build_from_db(db, rows, out, filters=bl.ListFilters(month=12), today=TODAY)
    per_page = bl.rows_per_page()
    expected_pages = -(-120 // per_page)
    assert result.pages == expected_pages > 1
    texts = page_texts(out.read_bytes())
    assert len(texts) == expected_pages
    seen: list[str] = []
    for n, text in enumerate(texts, start=1):
        assert "お名前・ふりがな" in text and "最終来店" in text  # the heading row
        assert "12月のお誕生日" in text
        assert f"{n} / {expected_pages} ページ" in text
        on_page = [f"客{i:03d}" for i in range(120) if f"客{i:03d} 様子 様" in text]
        assert 0 < len(on_page) <= per_page
        seen += on_page
    assert sorted(seen) == sorted(f"客{i:03d}" for i in range(120))  # each guest exactly once
    # nothing runs into the footer or above the heading row
    boxes = words(out)
    for page in range(expected_pages):
        head = [w for w in boxes if w.page == page and "最終来店" in w.text]
        names = [w for w in boxes if w.page == page and w.text.startswith("客")]
        footer = [w for w in boxes if w.page == page and w.text == "ページ"]
        assert head and names and footer
        assert min(w.y0 for w in names) > head[0].y1
        assert max(w.y1 for w in names) < footer[0].y0
