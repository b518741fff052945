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
    return _column_shows_fonts(text, size)[0]


def _column_shows_fonts(text: str, size: float = 20):
    """(char, cm, x, y) of every character of a vertical column drawn at x = 100, and fonts."""
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
            fonts.append(str(_font.get("/BaseFont", "")) if _font else "")

    fonts: list[str] = []

    PdfReader(buf).pages[0].extract_text(visitor_text=visit)
    return shown, fonts


@pytest.mark.parametrize("ch", ["ー", "（", "～", "〜", "―", "、", "っ"])
def test_long_vowels_brackets_dashes_use_the_fonts_own_vertical_forms(ch):
    """The GSUB ``vert`` glyph, set upright: rotating 〜 by -90 degrees would mirror it."""
    shown, fonts = _column_shows_fonts("ア" + ch + "イ")
    assert [s[0] for s in shown] == ["ア", ch, "イ"]
    assert [s[1] for s in shown] == [(1, 0, 0, 1)] * 3  # nothing rotated
    assert "ShopCRMVert" in fonts[1] and "IPAexGothic" in fonts[0]
    assert shown[0][3] > shown[1][3] > shown[2][3]  # still top to bottom


def test_vertical_glyph_of_wave_dash_is_not_the_rotated_horizontal_one():
    """IPAexGothic's vertical 〜 is the horizontal one turned +90 degrees and mirrored: compare
    outlines read with fontTools (the vert glyph's bounding box is tall, not wide)."""
    from fontTools.ttLib import TTFont

    from shopcrm.fonts import japanese_font_path

    font = TTFont(str(japanese_font_path()))
    glyf = font["glyf"]
    horiz = glyf[font.getBestCmap()[ord("〜")]]
    vert_name = next(
        v
        for lookup in font["GSUB"].table.LookupList.Lookup
        for sub in lookup.SubTable
        for k, v in getattr(sub, "mapping", {}).items()
        if k == font.getBestCmap()[ord("〜")]
    )
    vert = glyf[vert_name]
    assert (horiz.xMax - horiz.xMin) > (horiz.yMax - horiz.yMin)
    assert (vert.yMax - vert.yMin) > (vert.xMax - vert.xMin)


def test_dash_without_a_vertical_form_is_turned_a_quarter():
    shown = _column_shows("ア~イ")
    assert shown[1][1] == (0, -1, 1, 0)  # rotated by -90 degrees


def test_commas_and_full_stops_sit_in_the_upper_right_of_their_cell():
    """、 is drawn from its cell's left edge with the vertical glyph, whose outline lies in the
    upper right of the em box (read with fontTools from the font reportlab embedded)."""
    from reportlab.pdfbase.pdfmetrics import getFont

    from shopcrm.services.printing.vertical import VERT_FONT

    (_a, _c1, ax, _ay), (comma, _c2, cx, _cy), _i = _column_shows("あ、い")
    assert comma == "、"
    assert cx == pytest.approx(100 - 10)  # the cell's left edge
    glyph = getFont(VERT_FONT).face.charToGlyph[ord("、")]
    x_min, y_min, _x_max, _y_max = _glyph_box(VERT_FONT, glyph)
    assert x_min > 500 and y_min > 380  # right half, upper half of the em box
    assert ax < 100 < ax + 20


def _glyph_box(font_name, glyph_id):
    import io

    from fontTools.ttLib import TTFont
    from reportlab.pdfbase.pdfmetrics import getFont

    font = TTFont(io.BytesIO(getFont(font_name).face._ttf_data))
    g = font["glyf"][font.getGlyphOrder()[glyph_id]]
    return g.xMin, g.yMin, g.xMax, g.yMax
