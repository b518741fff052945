"""layout.make_pdf, the run under every layout's build(): slots and pages, progress, the shop as
PDF metadata (cancel is tested through the layouts); and the small shared text helpers."""

from __future__ import annotations

import io

from pypdf import PdfReader

from shopcrm.domain.models import Customer
from shopcrm.services.printing.layout import (
    Piece,
    Shop,
    addressed,
    household_people,
    make_pdf,
    mm,
)
from shopcrm.services.printing.pieces import SAMPLE_SHOP, sample_pieces

SIZE = (100 * mm, 100 * mm)


def test_slots_fill_pages_from_the_first_free_one():
    pieces = sample_pieces(5)
    placed, pages_opened, seen = [], [], []
    result = make_pdf(
        None,
        SIZE,
        pieces,
        lambda doc, piece, slot: placed.append((doc.pages, slot, piece.customer.id)),
        shop=SAMPLE_SHOP,
        per_page=3,
        first=2,
        on_page=lambda doc: pages_opened.append(doc.pages),
        progress=lambda done, total: seen.append((done, total)),
    )
    # slot 2 ends page 1, slots 3-5 fill page 2, slot 6 starts page 3
    assert [(page, slot) for page, slot, _id in placed] == [(1, 2), (2, 3), (2, 4), (2, 5), (3, 6)]
    assert [cid for *_rest, cid in placed] == [p.customer.id for p in pieces]
    assert pages_opened == [1, 2, 3] and result.pages == 3
    assert len(PdfReader(io.BytesIO(result.pdf)).pages) == 3
    assert seen == [(n, 5) for n in range(6)]
    assert result.printed == pieces and result.skipped == []
    meta = PdfReader(io.BytesIO(result.pdf)).metadata
    assert meta.title == meta.author == SAMPLE_SHOP.name


def test_printed_and_title_can_be_given(tmp_path):
    pieces = sample_pieces(2)
    out = tmp_path / "groups.pdf"
    result = make_pdf(
        out,
        SIZE,
        [pieces],  # one item: a group of two pieces
        lambda doc, group, slot: None,
        shop=None,
        title="A-one 28185",
        printed=pieces,
    )
    assert result.pdf is None and result.path == out and result.pages == 1
    assert result.printed == pieces
    meta = PdfReader(out).metadata
    assert meta.title == "A-one 28185" and not meta.author


def test_household_people_names_each_guest_once():
    taro = Customer(name="山田 太郎", id=1)
    hanako = Customer(name="山田 花子", id=2)
    guest = Customer(name="山田 次郎")  # not saved yet: no id, never merged with another
    other = Customer(name="山田 三郎")
    members = [Piece(taro), Piece(hanako), Piece(taro), Piece(guest), Piece(other)]
    assert [c.name for c in household_people(members)] == [
        "山田 太郎",
        "山田 花子",
        "山田 次郎",
        "山田 三郎",
    ]


def test_addressed_and_phone_line():
    assert addressed("山田 太郎") == "山田 太郎 様"
    assert addressed("株式会社まるや") == "株式会社まるや 御中"
    assert Shop(phone="03-1234-5678").phone_line == "TEL 03-1234-5678"
    assert Shop().phone_line == ""
