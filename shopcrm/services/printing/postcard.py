"""Postcard front (100 × 148 mm): shop name, a headline, the guest's personal message and the
coupon (offer, code in large print, QR code, expiry). Long names and messages shrink to fit."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Unpack

from shopcrm.domain.offers import discount_text
from shopcrm.i18n import _
from shopcrm.services.printing import qr
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
    coupon_box,
    draw_fitted,
    draw_lines,
    expiry_text,
    fit_paragraphs,
    heading,
    make_pdf,
    mm,
)

WIDTH, HEIGHT = 100 * mm, 148 * mm
MARGIN = 8 * mm
MIN_MESSAGE_SIZE = 7.0  # pt: the smallest a DM's message is readable at on a postcard
_MESSAGE_MAX, _LEADING = 12.0, 1.6


def _message_box(has_coupon: bool) -> tuple[float, float]:
    """(width, height) in points of the message area of the front."""
    top, bottom = 33 * mm, (83 if has_coupon else 128) * mm
    return WIDTH - 2 * MARGIN - 2 * mm, bottom - top


def message_size(message: str, *, has_coupon: bool = True) -> float:
    """The size the front sets ``message`` at (it shrinks below ``MIN_MESSAGE_SIZE`` rather than
    cut the text; a campaign whose message needs that is refused when it is saved)."""
    width, height = _message_box(has_coupon)
    return fit_paragraphs(message, width, height, _MESSAGE_MAX, MIN_MESSAGE_SIZE, _LEADING)[0]


def build(
    pieces: Sequence[Piece],
    out: str | Path | None = None,
    *,
    shop: Shop,
    **run: Unpack[RunOptions],
) -> PrintResult:
    """One postcard front per piece; returns the PDF as bytes (``out`` None) or writes ``out``.
    ``run``: the printer offset, progress and cancel (``RunOptions``)."""
    return make_pdf(
        out,
        (WIDTH, HEIGHT),
        pieces,
        lambda doc, piece, _slot: draw(doc, piece, shop),
        shop=shop,
        **run,
    )


def draw(doc: Doc, piece: Piece, shop: Shop, *, coupons: Sequence[Piece] | None = None) -> None:
    """One front. ``coupons``: the pieces whose coupon boxes it carries (a household card: up
    to two, stacked; the message area gives way); default the piece's own coupon."""
    c = doc.c
    boxes = [p for p in ([piece] if coupons is None else coupons) if p.coupon is not None]
    inner = WIDTH - 2 * MARGIN
    # Shop name and a short accent rule under it.
    c.setFillColorRGB(*INK)
    draw_fitted(c, shop.name, WIDTH / 2, doc.top(13), inner, 13, align="centre")
    c.setStrokeColorRGB(*ACCENT)
    c.setLineWidth(0.6)
    c.line(WIDTH / 2 - 12 * mm, doc.top(16), WIDTH / 2 + 12 * mm, doc.top(16))
    # Headline.
    c.setFillColorRGB(*ACCENT)
    draw_fitted(c, heading(piece.campaign), WIDTH / 2, doc.top(27), inner, 21, align="centre")
    # The personal message, as large as fits.
    box_h = {0: 0, 1: 48}.get(len(boxes), HOUSEHOLD_BOX_H)  # mm
    msg_top, msg_bottom = 33 * mm, (134 - len(boxes) * (box_h + 2) - 1 if boxes else 128) * mm
    body_w = inner - 2 * mm
    area = msg_bottom - msg_top
    size, lines = fit_paragraphs(
        piece.message, body_w, area, _MESSAGE_MAX, MIN_MESSAGE_SIZE, _LEADING
    )
    block = len(lines) * size * 1.6
    c.setFillColorRGB(*INK)
    top = doc.height - msg_top - max(0.0, (area - block) * 0.4)  # a short message sits centred
    draw_lines(c, lines, MARGIN + 1 * mm, top, size, leading=1.6)
    for n, holder in enumerate(reversed(boxes)):  # from the bottom up
        bottom = 134 - n * (box_h + 2)
        if len(boxes) == 1:
            coupon_box(c, holder, MARGIN - 1 * mm, doc.top(bottom), inner + 2 * mm, box_h * mm)
        else:
            _named_coupon(c, holder, MARGIN - 1 * mm, doc.top(bottom), inner + 2 * mm, box_h * mm)
    # Footer: where the shop is.
    c.setFillColorRGB(*GREY)
    footer = "  ".join(p for p in (shop.address_line, shop.phone_line) if p)
    draw_fitted(c, footer, WIDTH / 2, doc.top(141.5), inner, 7, min_size=4.5, align="centre")


HOUSEHOLD_BOX_H = 27  # mm: two named coupons on one household card leave room for the message


def _named_coupon(c, piece: Piece, x: float, y: float, w: float, h: float) -> None:
    """A compact coupon box for a card shared by a household: whose coupon it is (each guest's
    code is theirs alone at the counter), the offer, the code, the expiry and the QR code.
    (x, y) is the lower-left corner, sizes in points."""
    pad = 3 * mm
    c.saveState()
    c.setStrokeColorRGB(*ACCENT)
    c.setLineWidth(0.8)
    c.setDash(3, 2)
    c.roundRect(x, y, w, h, 2.5 * mm, stroke=1, fill=0)
    c.restoreState()
    qr_size = h - 2 * pad + 2 * mm  # the quiet zone may overlap the padding
    qr_x = x + w - pad - qr_size + 1.2 * mm
    c.setFillColorRGB(0, 0, 0)
    qr.draw(c, piece.code, qr_x, y + (h - qr_size) / 2, qr_size)
    left, text_w = x + pad, qr_x - x - pad - 1 * mm
    c.setFillColorRGB(*ACCENT)
    owner = _("Coupon for {name}").format(name=addressed(piece.customer.name))
    draw_fitted(c, owner, left, y + h - pad - 2.6 * mm, text_w, 7.5, min_size=5.5)
    draw_fitted(c, discount_text(piece.campaign), left, y + 14.5 * mm, text_w, 15, min_size=9)
    c.setFillColorRGB(*INK)
    draw_fitted(c, piece.code, left, y + 7.5 * mm, text_w, 14, min_size=9)
    c.setFillColorRGB(*GREY)
    draw_fitted(c, expiry_text(piece.coupon), left, y + pad, text_w, 6.5, min_size=5)
    c.setFillColorRGB(*INK)
