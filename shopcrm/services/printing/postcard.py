"""Postcard front (100 × 148 mm): shop name, a headline, the guest's personal message and the
coupon (offer, code in large print, QR code, expiry). Long names and messages shrink to fit."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Unpack

from shopcrm.services.printing.layout import (
    ACCENT,
    GREY,
    INK,
    Doc,
    Piece,
    PrintResult,
    RunOptions,
    Shop,
    coupon_box,
    draw_fitted,
    draw_lines,
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


def draw(doc: Doc, piece: Piece, shop: Shop) -> None:
    c = doc.c
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
    has_coupon = piece.coupon is not None
    msg_top = 33 * mm
    body_w, area = _message_box(has_coupon)
    size, lines = fit_paragraphs(
        piece.message, body_w, area, _MESSAGE_MAX, MIN_MESSAGE_SIZE, _LEADING
    )
    block = len(lines) * size * 1.6
    c.setFillColorRGB(*INK)
    top = doc.height - msg_top - max(0.0, (area - block) * 0.4)  # a short message sits centred
    draw_lines(c, lines, MARGIN + 1 * mm, top, size, leading=1.6)
    if has_coupon:
        coupon_box(c, piece, MARGIN - 1 * mm, doc.top(134), inner + 2 * mm, 48 * mm)
    # Footer: where the shop is.
    c.setFillColorRGB(*GREY)
    footer = "  ".join(p for p in (shop.address_line, shop.phone_line) if p)
    draw_fitted(c, footer, WIDTH / 2, doc.top(141.5), inner, 7, min_size=4.5, align="centre")
