"""A4 letter: letterhead (shop name, address, phone), date, the guest's address block with 様, a
headline, the personal message and the coupon box with its QR code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Unpack

from reportlab.lib.pagesizes import A4

from shopcrm.domain.dates import format_date
from shopcrm.domain.models import Customer
from shopcrm.i18n import _
from shopcrm.services.printing.layout import (
    ACCENT,
    GREY,
    INK,
    Doc,
    Piece,
    PrintResult,
    RunOptions,
    Shop,
    addressed,
    addressee_of,
    coupon_box,
    draw_fitted,
    draw_lines,
    fit_paragraphs,
    heading,
    make_pdf,
    mm,
    postal_text,
)

MARGIN = 20 * mm


def build(
    pieces: Sequence[Piece],
    out: str | Path | None = None,
    *,
    shop: Shop,
    today: dt.date | None = None,
    **run: Unpack[RunOptions],
) -> PrintResult:
    """One A4 letter per piece; returns the PDF as bytes (``out`` None) or writes ``out``.
    ``run``: the printer offset, progress and cancel (``RunOptions``)."""
    today = today or dt.date.today()
    return make_pdf(
        out,
        A4,
        pieces,
        lambda doc, piece, _slot: draw(doc, piece, shop, today),
        shop=shop,
        **run,
    )


def draw(
    doc: Doc,
    piece: Piece,
    shop: Shop,
    today: dt.date,
    *,
    coupons: Sequence[Piece] | None = None,
    people: Sequence[Customer] | None = None,
) -> None:
    """One letter. ``people``: everyone it is addressed to (a household; default the piece's
    customer); ``coupons``: the pieces whose coupon boxes it carries (default its own)."""
    c = doc.c
    boxes = [p for p in ([piece] if coupons is None else coupons) if p.coupon is not None]
    width = doc.width - 2 * MARGIN
    right = doc.width - MARGIN
    # Letterhead.
    c.setFillColorRGB(*INK)
    draw_fitted(c, shop.name, MARGIN, doc.top(24), width * 0.55, 20)
    c.setFillColorRGB(*GREY)
    y = 15
    for line in (
        postal_text(shop.postal_code),
        shop.address,
        shop.building,
        shop.phone_line,
    ):
        if line:
            draw_fitted(c, line, right, doc.top(y), width * 0.42, 8, align="right")
            y += 4
    c.setStrokeColorRGB(*ACCENT)
    c.setLineWidth(1.2)
    c.line(MARGIN, doc.top(30), right, doc.top(30))
    # Date and the guest's address.
    c.setFillColorRGB(*INK)
    draw_fitted(c, format_date(today), right, doc.top(40), width / 2, 10, align="right")
    cust = piece.customer
    y = 48
    for line in (postal_text(cust.postal_code), *cust.address_lines):
        if line:
            draw_fitted(c, line, MARGIN, doc.top(y), width * 0.6, 10)
            y += 5
    for person in people or [cust]:
        who = addressee_of(person)
        if who.above:  # a person at a company: the company on its own line above the person
            draw_fitted(c, who.above, MARGIN, doc.top(y + 3), width * 0.6, 11)
            y += 5
        draw_fitted(c, f"{who.main} {who.honorific}", MARGIN, doc.top(y + 4), width * 0.6, 15)
        y += 7
    # Headline and message.
    c.setFillColorRGB(*ACCENT)
    draw_fitted(c, heading(piece.campaign), doc.width / 2, doc.top(92), width, 24, align="centre")
    c.setFillColorRGB(*INK)
    box_h = {0: 0, 1: 50}.get(len(boxes), 44)  # mm
    top, bottom = 102 * mm, (258 - len(boxes) * (box_h + 4) - 4 if boxes else 265) * mm
    size, lines = fit_paragraphs(piece.message, width - 10 * mm, bottom - top, 12, 8, 1.8)
    draw_lines(c, lines, MARGIN + 5 * mm, doc.height - top, size, leading=1.8)
    box_w = 130 * mm
    for n, holder in enumerate(reversed(boxes)):  # from the bottom up
        bottom_mm = 258 - n * (box_h + 4)
        left = (doc.width - box_w) / 2
        coupon_box(c, holder, left, doc.top(bottom_mm), box_w, box_h * mm, code_size=22)
        if len(boxes) > 1:  # a household's letter: whose coupon is which (one guest's code each)
            c.setFillColorRGB(*ACCENT)
            owner = _("Coupon for {name}").format(name=addressed(holder.customer.name))
            draw_fitted(c, owner, left + 2 * mm, doc.top(bottom_mm - box_h - 1), box_w, 8)
            c.setFillColorRGB(*INK)
    c.setFillColorRGB(*GREY)
    draw_fitted(c, shop.name, doc.width / 2, doc.top(282), width, 8, align="centre")
