"""Postcards, letters and coupon tickets, read back from the real PDFs: text layer, embedded font,
QR codes that decode to each coupon's code, fitting of long names, offset, progress and cancel."""

from __future__ import annotations

import dataclasses
import subprocess

import pytest

from shopcrm.services.printing import letter, postcard, qr, tickets
from shopcrm.services.printing.layout import (
    Offset,
    PrintCancelled,
    fit_paragraphs,
    text_width,
    wrap,
)
from shopcrm.services.printing.pieces import SAMPLE_SHOP, sample_pieces
from tests.services.pdfcheck import chars, fonts, page_texts, pdf_bytes, qr_codes, zbar

LAYOUTS = [postcard, letter, tickets]


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_text_layer_has_names_codes_and_shop(layout, tmp_path):
    pieces = sample_pieces(4)
    result = layout.build(pieces, tmp_path / "out.pdf", shop=SAMPLE_SHOP)
    text = "\n".join(page_texts(pdf_bytes(result)))
    assert SAMPLE_SHOP.name in text
    for piece in pieces:
        assert piece.code in text
        assert piece.customer.name in text
    assert [p.code for p in result.printed] == [p.code for p in pieces]


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_only_the_embedded_japanese_font(layout, tmp_path):
    path = tmp_path / "out.pdf"
    layout.build(sample_pieces(2), path, shop=SAMPLE_SHOP)
    found = fonts(path)
    assert found, "pdffonts lists no font"
    assert all(name.endswith("+IPAexGothic") and emb == "yes" for name, emb in found), found


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_every_qr_code_decodes_to_its_coupon_code(layout):
    pieces = sample_pieces(12)
    data = layout.build(pieces, shop=SAMPLE_SHOP).pdf
    decoded = [code for page in qr_codes(data, dpi=200) for code in page]
    assert sorted(decoded) == sorted(p.code for p in pieces)


def test_postcard_qr_reads_with_zbarimg(tmp_path):
    pieces = sample_pieces(2)
    path = tmp_path / "pc.pdf"
    postcard.build(pieces, path, shop=SAMPLE_SHOP)
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(path), str(tmp_path / "p")], check=True)
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert [zbar(png) for png in pngs] == [[p.code] for p in pieces]


def test_qr_matrix_matches_what_is_drawn_and_many_codes_decode():
    # Codes from the real generator's alphabet, many at once on one page (a ticket sheet).
    import random

    rng = random.Random(7)
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    pieces = sample_pieces(10)
    for p in pieces:
        code = "".join(rng.choice(alphabet) for _ in range(8))
        p.coupon = dataclasses.replace(p.coupon, code=f"{code[:4]}-{code[4:]}")
    data = tickets.build(pieces, shop=SAMPLE_SHOP).pdf
    assert qr_codes(data, dpi=200)[0] == sorted(p.code for p in pieces)
    m = qr.matrix("K7QM-4XRT")
    assert len(m) == 21 and all(len(row) == 21 for row in m)  # version 1
    assert m[0][:7] == [True] * 7  # finder pattern


def test_long_name_and_message_shrink_instead_of_overflowing():
    piece = sample_pieces(1)[0]
    long_name = "寿限無寿限無五劫の擦り切れ海砂利水魚の水行末雲来末風来末 長久命の長助"
    piece.customer = dataclasses.replace(piece.customer, name=long_name)
    piece.message = (long_name + "様\n") + "いつもありがとうございます。" * 40
    data = postcard.build([piece], shop=SAMPLE_SHOP).pdf
    page_w = postcard.WIDTH
    for text, x, y in chars(data)[0]:
        assert 0 <= x < page_w and 0 <= y < postcard.HEIGHT, (text, x, y)
    size, lines = fit_paragraphs(piece.message, 80 * 2.83465, 140, 11, 7, 1.6)
    assert len(lines) * size * 1.6 <= 140.01
    assert all(text_width(line, size) <= 80 * 2.83465 + 0.01 for line in lines)


def test_wrap_keeps_kinsoku_and_latin_words():
    lines = wrap("お誕生日おめでとうございます。本日はSpecial Menuをご用意。", 60, 10)
    assert all(not line.startswith(("。", "、", "ー")) for line in lines)
    assert (
        "".join(lines).replace(" ", "")
        == "お誕生日おめでとうございます。本日はSpecialMenuをご用意。"
    )
    assert not any(line.endswith("Spec") for line in lines)
    assert wrap("一行目\n\n三行目", 200, 10) == ["一行目", "", "三行目"]


def test_offset_moves_everything(tmp_path):
    pieces = sample_pieces(1)
    plain = chars(postcard.build(pieces, shop=SAMPLE_SHOP).pdf)[0]
    moved = chars(postcard.build(pieces, shop=SAMPLE_SHOP, offset=Offset(2.0, 3.0)).pdf)[0]
    assert len(plain) == len(moved)
    for (t1, x1, y1), (t2, x2, y2) in zip(plain, moved, strict=True):
        assert t1 == t2
        assert x2 - x1 == pytest.approx(2.0 * 72 / 25.4, abs=0.01)
        assert y1 - y2 == pytest.approx(3.0 * 72 / 25.4, abs=0.01)  # + y moves down


def test_progress_is_reported_and_cancel_writes_nothing(tmp_path):
    seen = []
    postcard.build(sample_pieces(5), shop=SAMPLE_SHOP, progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, 5) and seen[-1] == (5, 5)
    out = tmp_path / "cancelled.pdf"
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(PrintCancelled):
        letter.build(sample_pieces(5), out, shop=SAMPLE_SHOP, cancel=cancel)
    assert not out.exists() and not list(tmp_path.glob("*.part"))


def test_tickets_ten_to_a_page_and_only_pieces_with_a_coupon():
    pieces = sample_pieces(11)
    pieces[3].coupon = None
    result = tickets.build(pieces, shop=SAMPLE_SHOP)
    assert result.pages == 1 and len(result.printed) == 10
    assert [s.customer.id for s in result.skipped] == [pieces[3].customer.id]
    pieces = sample_pieces(11)
    assert tickets.build(pieces, shop=SAMPLE_SHOP).pages == 2


def test_postcard_in_japanese(ja):
    data = postcard.build(sample_pieces(1), shop=SAMPLE_SHOP).pdf
    text = page_texts(data)[0]
    assert "有効期限" in text and "年" in text
