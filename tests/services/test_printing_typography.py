"""The hard cases of printed names and addresses, read back from real PDFs: honorifics that agree
on every layout, no glyph within 5 mm of a card's edge, long addresses whose characters never
touch, 𠮷 drawn as itself (not a box), label lines broken only between address parts, every font
embedded, households where nobody is dropped."""

from __future__ import annotations

import io
import itertools
import subprocess

import pytest
from pypdf import PdfReader

from shopcrm.domain.models import Campaign, Coupon, Customer
from shopcrm.domain.names import addressee
from shopcrm.services.campaigns import render_message
from shopcrm.services.printing import address_side, labels, letter, postcard, tickets
from shopcrm.services.printing.layout import Piece
from shopcrm.services.printing.pieces import SAMPLE_SHOP, sample_pieces
from tests.services.pdfcheck import MM, fonts

CARD_W, CARD_H = 100 * MM, 148 * MM
EDGE = 5 * MM
TEMPLATE = "{name}様\nいつもありがとうございます。{name}様のご来店をお待ちしております。"


def guest(name: str, i: int = 1, **fields) -> Customer:
    values = dict(postal_code="1500001", prefecture="東京都", city="渋谷区",
                  street="神宮前4-2-8", building="", dm_consent=True)  # fmt: skip
    values.update(fields)
    return Customer(name=name, id=i, **values)


def piece(customer: Customer) -> Piece:
    sample = sample_pieces(1)[0]
    campaign = Campaign(name="birthday", kind="birthday", id=1, template=TEMPLATE)
    coupon = Coupon(
        code=sample.code,
        campaign_id=1,
        customer_id=customer.id,
        valid_from=sample.coupon.valid_from,
        valid_until=sample.coupon.valid_until,
        id=customer.id,
    )
    message = render_message(TEMPLATE, customer, coupon, "居酒屋 まるや", campaign=campaign)
    return Piece(customer, coupon, campaign, message)


# --- reading glyph boxes back -------------------------------------------------------------------


def shows(data: bytes) -> list[list[tuple[str, float, float, float, str]]]:
    """Per page: (text, x, y, size, font) of every text show (pypdf visitor; y from the bottom)."""
    pages = []
    for page in PdfReader(io.BytesIO(data)).pages:
        found: list[tuple[str, float, float, float, str]] = []

        def visit(text, cm, tm, font, size, found=found):
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = (tm[0] * cm[0] + tm[1] * cm[2]) or 1.0
            name = str(font.get("/BaseFont", "")).split("+")[-1] if font else ""
            found.append((text.strip(), x, y, size * abs(scale), name))

        page.extract_text(visitor_text=visit)
        pages.append(found)
    return pages


def boxes(data: bytes) -> list[list[tuple[str, float, float, float, float]]]:
    """Per page: (text, x0, y0, x1, y1) em boxes of each show: advance width by the font that drew
    it, from 0.12 em below the baseline to 0.88 em above (IPAexGothic's descent and ascent)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from shopcrm.services.printing.fonts import register

    register()
    out = []
    for page in shows(data):
        out.append(
            [
                (t, x, y - 0.12 * s, x + stringWidth(t, font or "IPAexGothic", s), y + 0.88 * s)
                for t, x, y, s, font in page
            ]
        )
    return out


def columns(data: bytes, page: int = 0) -> list[str]:
    """The vertical columns of a page, right to left, each read top to bottom."""
    cols: dict[float, list[tuple[float, str]]] = {}
    for t, x0, _y0, x1, y1 in boxes(data)[page]:
        key = round((x0 + x1) / 2 / MM)  # columns are centred on their x
        cols.setdefault(key, []).append((-y1, t))
    return ["".join(t for _y, t in sorted(v)) for _k, v in sorted(cols.items(), reverse=True)]


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


# --- honorifics --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "株式会社まるや",
        "医療法人社団 健康会",
        "医療法人健康会",
        "一般財団法人 日本酒振興会",
        "公益社団法人日本料理協会",
        "学校法人 山田学園",
        "社会福祉法人あおば会",
        "NPO法人 まちづくり新宿",
        "税理士法人 山本会計",
        "新宿区役所",
        "新宿区役所 税務課",
        "株式会社まるや 営業部",
    ],
)
def test_organisations_get_onchu(name):
    assert addressee(name).honorific == "御中"
    assert addressee(name).person == ""


@pytest.mark.parametrize(
    ("name", "company", "person"),
    [
        ("株式会社まるや 佐藤 健", "株式会社まるや", "佐藤 健"),
        ("株式会社まるや 営業部 佐藤 健", "株式会社まるや 営業部", "佐藤 健"),
        ("学校法人 山田学園 鈴木 花子", "学校法人 山田学園", "鈴木 花子"),
        ("(株)まるや 田中 一郎", "(株)まるや", "田中 一郎"),
    ],
)
def test_a_person_at_a_company_gets_sama_after_the_person(name, company, person):
    who = addressee(name)
    assert (who.organisation, who.person, who.honorific) == (company, person, "様")
    assert who.lines() == [(company, ""), (person, "様")]


@pytest.mark.parametrize("name", ["服部 太郎", "阿部 寛", "氷室 京介", "山田 太郎", "𠮷田 花子"])
def test_people_whose_surname_ends_like_a_department_get_sama(name):
    assert addressee(name).honorific == "様" and addressee(name).organisation == ""


def test_the_owner_overrides_the_honorific():
    assert addressee("まるや商店", "").honorific == "御中"
    assert addressee("まるや商店", "様").honorific == "様"
    assert addressee("山田 太郎", "御中").honorific == "御中"


def _all_layouts(p: Piece, tmp_path):
    side = address_side.build([p], tmp_path / "side.pdf", shop=SAMPLE_SHOP)
    label = labels.build([p], tmp_path / "label.pdf")
    let = letter.build([p], tmp_path / "letter.pdf", shop=SAMPLE_SHOP)
    read = {k: (tmp_path / f"{k}.pdf").read_bytes() for k in ("side", "label", "letter")}
    assert side.pages == label.pages == let.pages == 1
    return read


def test_person_at_company_reads_the_same_on_address_side_label_letter_and_body(tmp_path, ja):
    p = piece(guest("株式会社まるや 佐藤 健"))
    read = _all_layouts(p, tmp_path)
    cols = columns(read["side"])
    assert "佐藤健様" in cols  # the person's column ends with 様 ...
    assert "株式会社まるや" in cols  # ... and the company has its own column, without 様
    label = pdf_text(read["label"])
    assert "株式会社まるや\n" in label + "\n" and "佐藤 健 様" in label
    body = pdf_text(read["letter"])
    assert "株式会社まるや" in body and "佐藤 健 様" in body  # the address block
    assert "佐藤 健様" in body and "株式会社まるや 佐藤 健様" not in body  # the letter body
    for data in read.values():
        assert "御中" not in pdf_text(data) and "御中" not in "".join(columns(data))


def test_organisation_reads_onchu_on_address_side_label_letter_and_body(tmp_path, ja):
    p = piece(guest("医療法人社団 健康会"))
    read = _all_layouts(p, tmp_path)
    assert any(col.endswith("御中") for col in columns(read["side"]))
    assert "医療法人社団 健康会 御中" in pdf_text(read["label"])
    body = pdf_text(read["letter"])
    assert "医療法人社団 健康会 御中" in body and "医療法人社団 健康会御中" in body
    for data in read.values():
        assert "健康会様" not in pdf_text(data) and "健康会 様" not in pdf_text(data)
        assert not any(col.endswith("様") for col in columns(data))


def test_ticket_addresses_the_person_at_a_company(tmp_path):
    p = piece(guest("株式会社まるや 佐藤 健"))
    tickets.build([p], tmp_path / "t.pdf", shop=SAMPLE_SHOP)
    assert "株式会社まるや 佐藤 健 様" in pdf_text((tmp_path / "t.pdf").read_bytes())


# --- staying inside the card ---------------------------------------------------------------------

HARD_CASES = {
    "company": [guest("株式会社まるや酒販店")],
    "long_company": [guest("一般社団法人日本居酒屋振興協会 関東支部")],
    "person_at_company": [guest("株式会社まるや 営業部 佐藤 健太郎")],
    "household": [
        guest(n, i)
        for i, n in enumerate(["鈴木 一郎", "鈴木 花子", "鈴木 健太郎", "鈴木 みゆき"], 1)
    ],
    "long_address": [
        guest(
            "山田 太郎",
            postal_code="6008216",
            prefecture="京都府",
            city="京都市下京区",
            street="七条通烏丸東入真苧屋町" + "一丁目二番三号" * 6 + "東側",
            building="グリーンハイツ富士見ヶ丘 北棟 203号室",
        )
    ],
}


@pytest.mark.parametrize("case", list(HARD_CASES))
def test_no_glyph_within_5_mm_of_an_edge_of_the_address_side(case, tmp_path):
    result = address_side.build([piece(c) for c in HARD_CASES[case]], shop=SAMPLE_SHOP)
    assert result.pages == 1 and not result.skipped
    found = boxes(result.pdf)[0]
    assert found
    for t, x0, y0, x1, y1 in found:
        assert x0 >= EDGE and y0 >= EDGE, (t, x0 / MM, y0 / MM)
        assert x1 <= CARD_W - EDGE and y1 <= CARD_H - EDGE, (t, x1 / MM, y1 / MM)


def test_no_glyph_within_5_mm_of_an_edge_of_the_postcard_front():
    p = piece(guest("一般社団法人日本居酒屋振興協会 関東支部 代表理事 佐藤 健太郎"))
    result = postcard.build([p], shop=SAMPLE_SHOP)
    for t, x0, y0, x1, y1 in boxes(result.pdf)[0]:
        assert x0 >= EDGE and y0 >= EDGE and x1 <= CARD_W - EDGE and y1 <= CARD_H - EDGE, t


def _overlaps(found):
    eps = 0.05
    for i, (a, ax0, ay0, ax1, ay1) in enumerate(found):
        for b, bx0, by0, bx1, by1 in found[i + 1 :]:
            if ax0 < bx1 - eps and bx0 < ax1 - eps and ay0 < by1 - eps and by0 < ay1 - eps:
                yield a, b


def test_a_60_character_street_is_legible(tmp_path):
    street = ("七条通烏丸東入真苧屋町" + "一丁目二番三号" * 7)[:60]
    assert len(street) == 60
    c = guest("山田 太郎", postal_code="6008216", prefecture="京都府", city="京都市下京区",
              street=street, building="グリーンハイツ富士見ヶ丘203号室")  # fmt: skip
    result = address_side.build([piece(c)], shop=SAMPLE_SHOP)
    assert result.pages == 1 and not result.skipped
    found = boxes(result.pdf)[0]
    assert not list(_overlaps(found))  # no two glyph cells touch
    sizes = {round(s, 2) for t, _x, _y, s, _f in shows(result.pdf)[0] if t in street}
    assert min(sizes) >= address_side.MIN_ADDRESS_SIZE
    text = "".join(columns(result.pdf))
    assert "七条通" in text and "二番三号" in text


def test_an_address_that_cannot_be_legible_is_skipped_naming_the_guest():
    c = guest("山田 太郎", street="神宮前" + "一丁目二番三号" * 40)
    ok = guest("佐藤 花子", 2)
    result = address_side.build([piece(c), piece(ok)], shop=SAMPLE_SHOP)
    assert result.pages == 1
    assert [(s.customer.name, s.reason) for s in result.skipped] == [
        ("山田 太郎", address_side.NOT_LEGIBLE)
    ]
    assert address_side.legibility_problem([piece(c)]) == address_side.NOT_LEGIBLE
    assert address_side.legibility_problem([piece(ok)]) is None


# --- households ----------------------------------------------------------------------------------


def test_household_of_four_prints_everyone_with_their_sama_aligned():
    result = address_side.build([piece(c) for c in HARD_CASES["household"]], shop=SAMPLE_SHOP)
    page = shows(result.pdf)[0]
    samas = [(x, y) for t, x, y, _s, _f in page if t == "様"]
    assert len(samas) == 4
    assert len({round(y, 1) for _x, y in samas}) == 1  # one height for every 様
    cols = columns(result.pdf)
    for given in ("一郎", "花子", "健太郎", "みゆき"):
        assert any(given in col for col in cols), given
    # The given names start level with each other, under the surname written once.
    starts = {}
    for t, _x, y, _s, _f in page:
        for given in ("一", "花", "健", "み"):
            if t == given:
                starts.setdefault(given, y)
    assert len({round(y, 1) for y in starts.values()}) == 1
    assert sum(col.count("鈴木") for col in cols) == 1


def test_household_of_five_says_how_many_more(ja):
    people = [guest(f"鈴木 {n}", i) for i, n in enumerate(["一郎", "花子", "健", "翔", "凛"], 1)]
    result = address_side.build([piece(c) for c in people], shop=SAMPLE_SHOP)
    text = "".join(columns(result.pdf))
    assert "ほか二名様" in text.replace("\u3000", "")  # digits as kanji numerals, vertically


# --- rare kanji ----------------------------------------------------------------------------------


def _render_char(ch: str, font: str | None = None):
    import numpy as np
    import pypdfium2 as pdfium
    from reportlab.pdfgen.canvas import Canvas

    from shopcrm.services.printing.fonts import draw_string, register

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(120, 120), initialFontName=register())
    if font:
        c.setFont(font, 100)
        c.drawString(10, 22, ch)
    else:
        draw_string(c, 10, 22, ch, 100)
    c.save()
    image = pdfium.PdfDocument(buf.getvalue())[0].render(scale=1).to_pil().convert("L")
    return np.asarray(image) < 128


def test_yoshida_is_drawn_with_a_real_glyph_not_a_box():
    import numpy as np

    from shopcrm.fonts import has_glyph

    assert has_glyph("𠮷")
    tsuchiyoshi = _render_char("𠮷")
    box = _render_char("𠮷", "IPAexGothic")  # the .notdef box IPAexGothic would print
    kichi = _render_char("吉")
    assert tsuchiyoshi.sum() > 300
    assert np.logical_xor(tsuchiyoshi, box).sum() > 0.5 * box.sum()
    # Not a box: the glyph's ink is not confined to a rectangle's outline (its middle has ink).
    rows = np.where(tsuchiyoshi.any(axis=1))[0]
    cols = np.where(tsuchiyoshi.any(axis=0))[0]
    inner = tsuchiyoshi[rows[0] + 8 : rows[-1] - 8, cols[0] + 8 : cols[-1] - 8]
    assert inner.sum() > 0.2 * tsuchiyoshi.sum()
    # 𠮷 is not 吉 either: its top is 土 (the lower stroke longer), 吉's is 士 (the upper one).
    upper, lower = _top_strokes(tsuchiyoshi)
    assert lower > upper * 1.08
    upper, lower = _top_strokes(kichi)
    assert upper > lower * 1.08


def _top_strokes(ink):
    """Ink widths of the first two horizontal strokes in the top 45 % of a rendered glyph."""
    import numpy as np

    rows = np.where(ink.any(axis=1))[0]
    cols = np.where(ink.any(axis=0))[0]
    width = cols[-1] - cols[0]
    bands, current = [], []
    for row in ink[rows[0] : rows[0] + int((rows[-1] - rows[0]) * 0.45)]:
        if row.sum() > 0.4 * width:
            current.append(row.sum())
        elif current:
            bands.append(max(current))
            current = []
    if current:
        bands.append(max(current))
    assert len(bands) >= 2, bands
    return bands[0], bands[1]


def test_yoshida_on_every_layout_embeds_the_fallback_font(tmp_path):
    p = piece(guest("𠮷田 花子"))
    for name, build in {
        "side": lambda out: address_side.build([p], out, shop=SAMPLE_SHOP),
        "label": lambda out: labels.build([p], out),
        "letter": lambda out: letter.build([p], out, shop=SAMPLE_SHOP),
        "postcard": lambda out: postcard.build([p], out, shop=SAMPLE_SHOP),
        "ticket": lambda out: tickets.build([p], out, shop=SAMPLE_SHOP),
    }.items():
        path = tmp_path / f"{name}.pdf"
        build(path)
        listed = fonts(path)
        assert any("ShopCRMGaiji" in f for f, _emb in listed), (name, listed)
        assert all(emb == "yes" for _f, emb in listed), (name, listed)
        assert "𠮷" in subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True
        ).stdout or "𠮷" in "".join(columns(path.read_bytes())), name


def test_unprintable_names_the_characters_no_bundled_font_has():
    from shopcrm.fonts import unprintable

    assert unprintable("𠮷田 花子") == []
    assert unprintable("山田 太郎") == []
    assert unprintable("山田\U0002a6d6\U0002a6d6子") == ["\U0002a6d6"]


# --- labels: breaks only between address parts --------------------------------------------------

REAL_ADDRESSES = [
    ("4600008", "愛知県", "名古屋市中区", "栄三丁目4番5号", "名古屋栄ビルディング12階", ["名古屋"]),
    ("1760021", "東京都", "練馬区", "貫井1-36-18", "富士見ハイツ101号室", ["富士見"]),
    ("6008216", "京都府", "京都市下京区", "七条通烏丸東入真苧屋町201", "",
     ["七条", "烏丸", "真苧屋町"]),
    ("1000005", "東京都", "千代田区", "丸の内一丁目9番1号", "丸の内中央ビル8階", ["丸の内"]),
    ("3300063", "埼玉県", "さいたま市浦和区", "高砂3丁目15番1号", "", ["埼玉", "さいたま", "高砂"]),
    ("2200012", "神奈川県", "横浜市西区", "みなとみらい二丁目2番1号", "ランドマークタワー",
     ["みなとみらい"]),
    ("0600042", "北海道", "札幌市中央区", "大通西5丁目11番地", "大通ビル8階", ["大通西"]),
]  # fmt: skip


@pytest.mark.parametrize("key", ["avery-5160", "a-one-28185", "avery-l7160"])
@pytest.mark.parametrize("address", REAL_ADDRESSES, ids=[a[3] for a in REAL_ADDRESSES])
def test_label_lines_break_only_between_address_parts(key, address, tmp_path):
    postal, pref, city, street, building, words_ = address
    c = guest("山田 太郎", postal_code=postal, prefecture=pref, city=city, street=street,
              building=building)  # fmt: skip
    path = tmp_path / "l.pdf"
    labels.build([Piece(c)], path, sheet=key)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True)
    lines = [line.strip() for line in out.stdout.splitlines() if line.strip()]
    joined = "".join(lines)
    assert street.replace("-", "-") in joined or street in joined.replace(" ", "")
    for word in words_:
        assert any(word in line for line in lines), (word, lines)
    for a, b in itertools.pairwise(lines):
        for word in words_:
            for cut in range(1, len(word)):
                assert not (a.endswith(word[:cut]) and b.startswith(word[cut:])), (a, b)


def test_postal_digits_on_the_smallest_label_are_at_least_2_4_mm_tall(tmp_path):
    c = guest("株式会社まるや 営業部 佐藤 健", building="グリーンハイツ富士見ヶ丘203号室")
    result = labels.build([Piece(c)], sheet="avery-5160")
    digit_shows = [(t, s) for t, _x, _y, s, _f in shows(result.pdf)[0] if t.startswith("〒")]
    assert digit_shows
    for _t, size in digit_shows:
        assert size * 0.743 >= 2.4 * MM  # IPAexGothic digits are 0.743 em tall


# --- every font embedded -------------------------------------------------------------------------


def test_every_font_of_every_card_layout_is_embedded(tmp_path):
    p = piece(guest("株式会社まるや 佐藤 健"))
    for name, build in {
        "side": lambda out: address_side.build([p], out, shop=SAMPLE_SHOP),
        "label": lambda out: labels.build([p], out),
        "letter": lambda out: letter.build([p], out, shop=SAMPLE_SHOP),
        "postcard": lambda out: postcard.build([p], out, shop=SAMPLE_SHOP),
        "ticket": lambda out: tickets.build([p], out, shop=SAMPLE_SHOP),
    }.items():
        path = tmp_path / f"{name}.pdf"
        build(path)
        listed = fonts(path)
        assert listed and all(emb == "yes" for _f, emb in listed), (name, listed)


def test_charts_fall_back_to_the_bundled_font_for_yoshida():
    import warnings

    from shopcrm.services import charts

    fig = charts.new_figure(3, 1)
    fig.add_subplot().set_title("𠮷田 花子")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    assert not [w for w in caught if "missing from font" in str(w.message)]
    # Without the fallback the same text warns: the check above can fail.
    from matplotlib.figure import Figure

    bare = Figure(figsize=(3, 1))
    bare.add_subplot().set_title("𠮷田", family="IPAexGothic")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bare.savefig(io.BytesIO(), format="png")
    assert [w for w in caught if "missing from font" in str(w.message)]


def test_ticket_colour_bar_keeps_a_gutter_from_every_cut_line():
    import numpy as np
    import pypdfium2 as pdfium

    pieces = [piece(guest(f"山田 太郎{i}", i)) for i in range(1, 11)]
    result = tickets.build(pieces, shop=SAMPLE_SHOP)
    dpi = 150
    image = np.asarray(pdfium.PdfDocument(result.pdf)[0].render(scale=dpi / 72).to_pil())
    r, g, b = (image[..., i].astype(int) for i in range(3))
    red = (r > 140) & (g < 90) & (b < 90) & (r - g > 80)
    ys, xs = np.nonzero(red)
    assert len(xs) > 1000  # the bars are there
    px = dpi / 25.4  # pixels per mm
    page_h = image.shape[0]
    cuts_x = [(tickets.LEFT + col * tickets.TICKET_W) / MM * px for col in range(tickets.COLS + 1)]
    top = tickets.TOP / MM * px
    cuts_y = [top + row * tickets.TICKET_H / MM * px for row in range(tickets.ROWS + 1)]
    assert page_h > cuts_y[-1]
    # Bars only: the red inside the coupon text is far from the left edge of a ticket.
    near_left = xs < cuts_x[0] + 6 * px
    bar_x, bar_y = xs[near_left], ys[near_left]
    assert len(bar_x)
    assert min(abs(bar_x - cx).min() for cx in cuts_x) >= 1.5 * px
    assert min(abs(bar_y - cy).min() for cy in cuts_y) >= 1.5 * px


def test_blank_card_option_prints_the_red_boxes_and_yubin_hagaki(ja):
    import numpy as np
    import pypdfium2 as pdfium

    def red_columns(data):
        image = np.asarray(pdfium.PdfDocument(data)[0].render(scale=300 / 72).to_pil())
        r, g, b = (image[..., i].astype(int) for i in range(3))
        red = (r > 150) & (g < 110) & (b < 110)
        box_band = red[int(12.5 / 25.4 * 300) : int(19.5 / 25.4 * 300)]  # inside the boxes' rows
        return {round(x / 300 * 25.4, 1) for x in np.nonzero(box_band.any(axis=0))[0]}

    p = [piece(guest("山田 太郎"))]
    blank = address_side.build(p, shop=SAMPLE_SHOP, blank_card=True)
    plain = address_side.build(p, shop=SAMPLE_SHOP)
    assert "郵便はがき" in pdf_text(blank.pdf) and "郵便はがき" not in pdf_text(plain.pdf)
    assert not red_columns(plain.pdf)
    edges = red_columns(blank.pdf)
    for left in address_side.POSTAL_BOX_LEFTS:  # each box's left and right edge, to 0.3 mm
        assert any(abs(x - left) <= 0.3 for x in edges), left
        assert any(abs(x - (left + address_side.POSTAL_BOX_W)) <= 0.3 for x in edges), left


def test_a_long_shop_address_as_sender_never_overlaps_either():
    from shopcrm.services.printing.layout import Shop

    shop = Shop(
        name="居酒屋 まるや 新宿三丁目本店",
        postal_code="1600022",
        address="東京都新宿区新宿三丁目一番二十四号 新宿三丁目交差点北側 明治通り沿い",
        building="まるやビルディング 地下一階 奥の扉",
    )
    result = address_side.build([piece(guest("山田 太郎"))], shop=shop)
    found = boxes(result.pdf)[0]
    assert not list(_overlaps(found))
    for t, x0, y0, x1, y1 in found:
        assert x0 >= EDGE and y0 >= EDGE and x1 <= CARD_W - EDGE and y1 <= CARD_H - EDGE, t


def test_no_glyph_within_5_mm_of_a_tickets_cut_lines():
    result = tickets.build([piece(guest(f"株式会社まるや 佐藤 健{i}", i)) for i in range(1, 11)],
                           shop=SAMPLE_SHOP)  # fmt: skip
    checked = 0
    for t, x0, y0, x1, y1 in boxes(result.pdf)[0]:
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        for i in range(tickets.COLS * tickets.ROWS):
            x, y = tickets.cell(i)
            if x <= cx <= x + tickets.TICKET_W and y <= cy <= y + tickets.TICKET_H:
                assert x0 - x >= EDGE and y0 - y >= EDGE, t
                assert x + tickets.TICKET_W - x1 >= EDGE and y + tickets.TICKET_H - y1 >= EDGE, t
                checked += 1
    assert checked >= 10 * 6


@pytest.mark.parametrize(
    ("typed", "main", "honorific"),
    [("山田 太郎様", "山田 太郎", "様"), ("株式会社まるや 御中", "株式会社まるや", "御中"),
     ("株式会社まるや 佐藤 健 様", "佐藤 健", "様")],
)  # fmt: skip
def test_an_honorific_typed_into_the_name_is_not_printed_twice(typed, main, honorific):
    who = addressee(typed)
    assert (who.main, who.honorific) == (main, honorific)
