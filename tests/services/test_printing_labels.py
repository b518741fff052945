"""Address labels read back with pdftotext -bbox: every label's text inside its cell with a 3 mm
inset on every sheet, start row/column, skipped customers, one label per household."""

from __future__ import annotations

import dataclasses

import pytest

from shopcrm.domain.models import Customer
from shopcrm.domain.rules import ValidationError
from shopcrm.services.printing import labels
from shopcrm.services.printing.layout import NO_ADDRESS, Piece
from tests.services.pdfcheck import MM, fonts, words

PEOPLE = [
    ("山田 太郎", "1500001", "東京都", "渋谷区", "神宮前4-2-8", "グリーンハイツ203号室"),
    ("山田 花子", "1500001", "東京都", "渋谷区", "神宮前４－２－８", "グリーンハイツ 203号室"),
    ("佐藤 次郎", "5300001", "大阪府", "大阪市北区", "梅田1-1-3", ""),
    ("株式会社まるや商事 総務部", "1000005", "東京都", "千代田区",
     "丸の内一丁目9番1号 グラントウキョウノースタワー",
     "とても長い建物の名前が入るビルディング40階"),
    ("鈴木 一郎", "0600042", "北海道", "札幌市中央区", "大通西5-11", "大通ビル8階"),
    ("住所 なし", "", "", "", "", ""),
    ("高橋 美咲", "8100001", "福岡県", "福岡市中央区", "天神2-5-28", ""),
]  # fmt: skip


def people(n: int = 7) -> list[Piece]:
    pieces = []
    for i, (name, postal, pref, city, street, building) in enumerate(PEOPLE[:n]):
        c = Customer(name=name, id=i + 1, postal_code=postal, prefecture=pref, city=city,
                     street=street, building=building, dm_consent=True)  # fmt: skip
        pieces.append(Piece(c))
    return pieces


def cell_of(sheet, index):
    x, y, w, h = sheet.cell(index)
    page_h = sheet.page[1]
    return x, page_h - (y + h), x + w, page_h - y  # left, top, right, bottom (from the top)


@pytest.mark.parametrize("key", list(labels.SHEETS))
@pytest.mark.parametrize("start", [(1, 1), (2, 2)])
def test_text_of_each_label_lies_inside_its_cell(key, start, tmp_path):
    sheet = labels.SHEETS[key]
    path = tmp_path / f"{key}.pdf"
    result = labels.build(people(), path, sheet=key, start_row=start[0], start_col=start[1])
    assert [s.customer.name for s in result.skipped] == ["住所 なし"]
    first = labels.start_index(sheet, *start)
    # Households: the two Yamadas share label `first`, then Sato, the company, Suzuki, Takahashi.
    expected = {first: "太郎", first + 1: "佐藤", first + 2: "総務部", first + 3: "鈴木",
                first + 4: "高橋"}  # fmt: skip
    inset = 3 * MM - 0.5  # 3 mm, less half a point for the rounding of the boxes
    texts: dict[int, str] = {}
    for w in words(path):
        centre = ((w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2)
        hits = [
            i for i in range(sheet.per_sheet)
            if cell_of(sheet, i)[0] <= centre[0] <= cell_of(sheet, i)[2]
            and cell_of(sheet, i)[1] <= centre[1] <= cell_of(sheet, i)[3]
        ]  # fmt: skip
        assert len(hits) == 1, (w, "outside every label")
        left, top, right, bottom = cell_of(sheet, hits[0])
        assert w.x0 >= left + inset and w.x1 <= right - inset, (key, w)
        assert w.y0 >= top + inset and w.y1 <= bottom - inset, (key, w)
        texts[hits[0]] = texts.get(hits[0], "") + w.text
    assert set(texts) == set(expected)
    for index, needle in expected.items():
        assert needle in texts[index], (index, texts[index])
    assert "〒150-0001" in texts[first] and "花子" in texts[first]
    assert all(emb == "yes" for _n, emb in fonts(path))


def test_household_label_has_each_name_with_its_own_sama():
    lines = labels.label_lines(people(2), 60 * MM)
    texts = [t for _i, t, _s, _x in lines]
    assert texts[0] == "〒150-0001"
    assert "山田 太郎 様" in texts and "花子 様" in texts
    assert texts.count("グリーンハイツ203号室") == 1


def test_company_gets_onchu_not_sama():
    lines = labels.label_lines(people(4)[3:4], 60 * MM)
    name = lines[-1][1]
    assert name.endswith("御中") and "様" not in name


def test_foreign_address_is_western_order_without_sama():
    c = Customer(name="John Smith", id=9, postal_code="SW1A 1AA", prefecture="London",
                 city="Westminster", street="10 Downing Street", dm_consent=True)  # fmt: skip
    texts = [t for _i, t, _s, _x in labels.label_lines([Piece(c)], 60 * MM)]
    assert texts == ["John Smith", "10 Downing Street", "Westminster London SW1A 1AA"]


def test_start_row_and_column_are_checked():
    with pytest.raises(ValidationError) as err:
        labels.build(people(1), sheet="avery-5160", start_row=11)
    assert "Start row" in str(err.value) and "1 to 10" in str(err.value)
    with pytest.raises(ValidationError):
        labels.build(people(1), sheet="a-one-28362", start_col=3)
    with pytest.raises(ValidationError) as err:
        labels.build(people(1), sheet="nope")
    assert "a-one-28185" in str(err.value)


def test_a_full_sheet_continues_on_a_new_page():
    base = people(1)[0]
    many = [
        Piece(dataclasses.replace(base.customer, id=i, street=f"神宮前{i}-1")) for i in range(1, 21)
    ]
    result = labels.build(many, sheet="a-one-28185", start_row=6, start_col=1)
    assert result.pages == 2  # 3 labels left on the first sheet, 17 on the second
    assert len(result.printed) == 20


def test_incomplete_addresses_are_skipped_with_the_reason():
    result = labels.build(people())
    assert [(s.customer.id, s.reason) for s in result.skipped] == [(6, NO_ADDRESS)]
    assert "postal code" in result.skipped[0].message


def test_sheet_geometry_is_the_printing_table():
    s = labels.SHEETS["avery-l7160"]
    assert (s.cols, s.rows, s.width, s.height, s.left, s.top, s.pitch_x, s.pitch_y) == (
        3, 7, 63.5, 38.1, 7.2, 15.15, 66.04, 38.1)  # fmt: skip
    x, y, _w, h = s.cell(4)  # row 2, column 2
    assert x == pytest.approx((7.2 + 66.04) * MM)
    assert s.page[1] - (y + h) == pytest.approx((15.15 + 38.1) * MM)
    assert labels.SHEETS["avery-5160"].page[0] == pytest.approx(8.5 * 72)
