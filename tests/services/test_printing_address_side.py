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


@pytest.mark.parametrize("ch", ["ー", "（", "～"])
def test_rotated_characters_are_drawn_turned(ch):
    import io

    from reportlab.pdfgen.canvas import Canvas

    from shopcrm.services.printing.fonts import register
    from shopcrm.services.printing.vertical import draw_column

    buf = io.BytesIO()
    c = Canvas(buf, initialFontName=register())
    draw_column(c, "ア" + ch, 100, 500, 20)
    c.save()
    body = buf.getvalue()
    import re
    import zlib

    streams = [zlib.decompress(m) for m in re.findall(rb"stream\r?\n(.*?)endstream", body, re.S)
               if m[:2] == b"x\x9c"]  # fmt: skip
    assert any(b" cm" in s and b"-1 " in s for s in streams)  # a rotation matrix (0 -1 1 0 ...)
