"""The postcard address side read back: vertical address characters in order, postal digits
inside the Japan Post box positions, 様/御中, the sender, the stamp area clear, foreign ones."""

from __future__ import annotations

import pytest
from reportlab.lib.units import mm

from shopcrm.domain.models import Customer
from shopcrm.services.printing import address_side as A
from shopcrm.services.printing.layout import Piece, text_width
from shopcrm.services.printing.pieces import SAMPLE_SHOP
from shopcrm.services.printing.vertical import vertical_address
from tests.services.pdfcheck import chars, fonts, page_texts

H = A.HEIGHT


def customer(**kw) -> Customer:
    base = dict(name="山田 太郎", id=1, postal_code="1500001", prefecture="東京都",
                city="渋谷区", street="神宮前4-2-8", building="グリーンハイツ203号室",
                dm_consent=True)  # fmt: skip
    base.update(kw)
    return Customer(**base)


def column(page, x_mm: float, size: float, above_mm: float = 999) -> str:
    """The characters whose origin lies on the vertical column at x_mm, top to bottom."""
    near = [
        (t, x, y)
        for t, x, y in page
        if abs(x - x_mm * mm) < 0.75 * size and 21 * mm < H - y < above_mm * mm
    ]
    return "".join(t for t, _x, _y in sorted(near, key=lambda c: -c[2]))


def test_vertical_address_turns_numbers_into_kanji():
    assert vertical_address("神宮前4-2-8") == "神宮前四―二―八"
    assert vertical_address("神宮前４－２－８") == "神宮前四―二―八"
    assert vertical_address("天神2ー5ー28") == "天神二―五―二八"
    assert vertical_address("ABC203号室") == "ＡＢＣ二〇三号室"


def test_address_name_and_building_columns_read_top_to_bottom(tmp_path):
    result = A.build([Piece(customer())], tmp_path / "a.pdf", shop=SAMPLE_SHOP)
    page = chars(result.path.read_bytes())[0]
    assert column(page, A.ADDRESS_X, 14) == "東京都渋谷区神宮前四―二―八"
    assert "グリーンハイツ二〇三号室" in column(page, A.BUILDING_X, 14)
    assert column(page, A.NAME_X, 30) == "山田太郎様"
    assert all(emb == "yes" for _n, emb in fonts(result.path))


def test_postal_digits_are_centred_in_the_red_boxes():
    data = A.build([Piece(customer())], shop=SAMPLE_SHOP).pdf
    page = chars(data)[0]
    digits = [(t, x, y) for t, x, y in page if t.isdigit() and len(t) == 1]
    recipient = sorted((d for d in digits if H - d[2] < 40 * mm), key=lambda d: d[1])
    sender = sorted((d for d in digits if H - d[2] > 110 * mm), key=lambda d: d[1])
    assert "".join(t for t, _x, _y in recipient) == "1500001"
    assert "".join(t for t, _x, _y in sender) == SAMPLE_SHOP.postal_code
    for (t, x, y), left in zip(recipient, A.POSTAL_BOX_LEFTS, strict=True):
        centre_x = x + text_width(t, 15) / 2
        assert left * mm + 1 < centre_x < (left + A.POSTAL_BOX_W) * mm - 1
        assert abs(centre_x - (left + A.POSTAL_BOX_W / 2) * mm) < 0.3
        from_top = H - y
        assert A.POSTAL_BOX_TOP * mm < from_top < (A.POSTAL_BOX_TOP + A.POSTAL_BOX_H) * mm
    for (t, x, _y), left in zip(sender, A.SENDER_BOX_LEFTS, strict=True):
        assert abs(x + text_width(t, 9) / 2 - (left + A.SENDER_BOX_W / 2) * mm) < 0.3


def test_sender_is_the_shop_and_the_stamp_area_stays_clear():
    data = A.build([Piece(customer())], shop=SAMPLE_SHOP).pdf
    page = chars(data)[0]
    assert column(page, A.SENDER_NAME_X, 13, 121) == "居酒屋まるや"
    assert column(page, A.SENDER_ADDRESS_X, 9, 121) == "東京都新宿区新宿三―一―二四"
    for t, x, y in page:
        assert not (x < 35 * mm and H - y < 70 * mm), (t, x / mm, (H - y) / mm)


def test_household_each_name_with_its_own_sama():
    pieces = [Piece(customer()), Piece(customer(id=2, name="山田 花子", street="神宮前４－２－８"))]
    result = A.build(pieces, shop=SAMPLE_SHOP)
    assert result.pages == 1 and len(result.printed) == 2
    page = chars(result.pdf)[0]
    sama = [c for c in page if c[0] == "様"]
    assert len(sama) == 2
    text = page_texts(result.pdf)[0]
    assert "花" in text and "太" in text


def test_company_gets_onchu():
    c = customer(name="株式会社まるや商事", building="")
    page = chars(A.build([Piece(c)], shop=SAMPLE_SHOP).pdf)[0]
    name = column(page, A.NAME_X, 30)
    assert name.endswith("御中") and "様" not in name


def test_long_address_stays_on_the_card():
    c = customer(street="丸の内一丁目9番1号グラントウキョウノースタワー南棟北側入口",
                 building="とても長い建物の名前が入るビルディング（北棟）40階")  # fmt: skip
    page = chars(A.build([Piece(c)], shop=SAMPLE_SHOP).pdf)[0]
    for t, x, y in page:
        assert 0 < x < A.WIDTH and 0 < y < H, t
        assert H - y > A.ADDRESS_TOP * mm - 1 or x < 80 * mm or t.isdigit()


def test_foreign_address_is_horizontal_and_incomplete_is_skipped():
    foreign = Customer(
        name="John Smith",
        id=3,
        postal_code="SW1A 1AA",
        prefecture="London",
        city="Westminster",
        street="10 Downing Street",
        dm_consent=True,
    )
    nowhere = Customer(name="住所 なし", id=4, dm_consent=True)
    result = A.build([Piece(foreign), Piece(nowhere)], shop=SAMPLE_SHOP)
    assert result.pages == 1
    assert [s.customer.id for s in result.skipped] == [4]
    text = page_texts(result.pdf)[0]
    assert "John Smith" in text and "10 Downing Street" in text and "SW1A 1AA" in text


def _column_shows(text: str, size: float = 20):
    """(char, cm, x, y) of every character of a vertical column drawn at x = 100."""
    import io

    from pypdf import PdfReader
    from reportlab.pdfgen.canvas import Canvas

    from shopcrm.services.printing.fonts import register
    from shopcrm.services.printing.vertical import draw_column

    buf = io.BytesIO()
    c = Canvas(buf, initialFontName=register())
    draw_column(c, text, 100, 500, size)
    c.save()
    shown = []

    def visit(t, cm, tm, _font, _size):
        if t.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            shown.append((t.strip(), tuple(round(v, 3) for v in cm[:4]), x, y))

    PdfReader(buf).pages[0].extract_text(visitor_text=visit)
    return shown


@pytest.mark.parametrize("ch", ["ー", "（", "～", "―"])
def test_long_vowel_brackets_and_dashes_are_turned_a_quarter(ch):
    shown = _column_shows("ア" + ch + "イ")
    assert [s[0] for s in shown] == ["ア", ch, "イ"]
    assert shown[0][1] == (1, 0, 0, 1)
    assert shown[1][1] == (0, -1, 1, 0)  # rotated by -90 degrees
    assert shown[0][3] > shown[1][3] > shown[2][3]  # still top to bottom


def test_commas_and_full_stops_sit_in_the_upper_right_of_their_cell():
    (_a, _c1, ax, _ay), (comma, _c2, cx, cy), _i = _column_shows("あ、い")
    assert comma == "、"
    cell_top = 500 - 20  # the second cell spans y 480..460
    assert cx > 100  # right of the column's centre line
    assert cy > cell_top - 20 * 0.5  # baseline in the upper half of its cell
    assert ax < 100 < ax + 20
