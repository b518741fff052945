"""Coupon tickets: A4 sheets of 2 × 5 tickets (90 × 54 mm) with cut marks; each ticket has the
shop, the offer, the guest's name, the code in large print with its QR code, and the expiry."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Unpack

from reportlab.lib.pagesizes import A4

from shopcrm.domain.offers import discount_text
from shopcrm.i18n import _
from shopcrm.services.printing import qr
from shopcrm.services.printing.layout import (
    ACCENT,
    GREY,
    INK,
    NO_COUPON,
    Doc,
    Piece,
    PrintResult,
    RunOptions,
    Shop,
    Skipped,
    addressed,
    draw_fitted,
    expiry_text,
    make_pdf,
    mm,
)

COLS, ROWS = 2, 5
TICKET_W, TICKET_H = 90 * mm, 54 * mm
LEFT = (A4[0] - COLS * TICKET_W) / 2
TOP = (A4[1] - ROWS * TICKET_H) / 2  # margin above the grid
MARK = 4 * mm  # length of a cut mark
GAP = 1.5 * mm  # cut marks stop this far from the grid
GUTTER = 2.0 * mm  # the colour bar keeps this far from every cut line (a cut a little off
# leaves no red sliver on the neighbour and does not clip the bar)
BAR_W = 2.5 * mm


def cell(index: int) -> tuple[float, float]:
    """Lower-left corner (points) of ticket ``index`` (0-based, row by row) on its page."""
    row, col = divmod(index % (COLS * ROWS), COLS)
    return LEFT + col * TICKET_W, A4[1] - TOP - (row + 1) * TICKET_H


def build(
    pieces: Sequence[Piece],
    out: str | Path | None = None,
    *,
    shop: Shop,
    **run: Unpack[RunOptions],
) -> PrintResult:
    """Tickets for the pieces with a coupon, ten to a page; returns bytes or writes ``out``.
    ``run``: the printer offset, progress and cancel (``RunOptions``)."""
    return make_pdf(
        out,
        A4,
        [p for p in pieces if p.coupon is not None],
        lambda doc, piece, slot: draw_ticket(doc, piece, shop, *cell(slot)),
        shop=shop,
        per_page=COLS * ROWS,
        on_page=lambda doc: _cut_marks(doc.c),
        skipped=[Skipped(p.customer, NO_COUPON) for p in pieces if p.coupon is None],
        **run,
    )


def _cut_marks(c) -> None:
    """Crop marks in the margins at every cut line, and faint dotted guides along the grid."""
    grid_l, grid_r = LEFT, LEFT + COLS * TICKET_W
    grid_t, grid_b = A4[1] - TOP, A4[1] - TOP - ROWS * TICKET_H
    c.saveState()
    c.setStrokeColorRGB(0.75, 0.75, 0.75)
    c.setLineWidth(0.3)
    c.setDash(1, 2)
    for col in range(COLS + 1):
        x = grid_l + col * TICKET_W
        c.line(x, grid_b, x, grid_t)
    for row in range(ROWS + 1):
        y = grid_t - row * TICKET_H
        c.line(grid_l, y, grid_r, y)
    c.setDash()
    c.setStrokeColorRGB(0, 0, 0)
    c.setLineWidth(0.4)
    for col in range(COLS + 1):
        x = grid_l + col * TICKET_W
        c.line(x, grid_t + GAP, x, grid_t + GAP + MARK)
        c.line(x, grid_b - GAP, x, grid_b - GAP - MARK)
    for row in range(ROWS + 1):
        y = grid_t - row * TICKET_H
        c.line(grid_l - GAP, y, grid_l - GAP - MARK, y)
        c.line(grid_r + GAP, y, grid_r + GAP + MARK, y)
    c.restoreState()


def draw_ticket(doc: Doc, piece: Piece, shop: Shop, x: float, y: float) -> None:
    c = doc.c
    pad = GUTTER + BAR_W + 2.5 * mm
    c.setFillColorRGB(*ACCENT)
    c.rect(x + GUTTER, y + GUTTER, BAR_W, TICKET_H - 2 * GUTTER, stroke=0, fill=1)
    qr_size = 32 * mm
    qr_x = x + TICKET_W - qr_size - 2 * mm
    c.setFillColorRGB(0, 0, 0)
    qr.draw(c, piece.code, qr_x, y + (TICKET_H - qr_size) / 2, qr_size)
    left = x + pad + 1 * mm
    text_w = qr_x - left + 1 * mm
    top = y + TICKET_H
    c.setFillColorRGB(*INK)
    draw_fitted(c, shop.name, left, top - 8 * mm, text_w, 9)
    c.setFillColorRGB(*ACCENT)
    draw_fitted(c, discount_text(piece.campaign), left, top - 17 * mm, text_w, 18, min_size=9)
    c.setFillColorRGB(*INK)
    draw_fitted(c, addressed(piece.customer), left, top - 25 * mm, text_w, 10, min_size=6)
    c.setFont(doc.font, 6)
    c.drawString(left, top - 30 * mm, _("Coupon code"))
    draw_fitted(c, piece.code, left, top - 37 * mm, text_w, 16, min_size=9)
    c.setFillColorRGB(*GREY)
    # Kept 5 mm above the cut line (the smallest text's descent included).
    draw_fitted(c, expiry_text(piece.coupon), left, y + 9 * mm, text_w, 7.5, min_size=5)
    draw_fitted(
        c, _("One use per guest. Show this at the counter."), left, y + 5.5 * mm, text_w, 5.5
    )
    c.setFillColorRGB(*INK)
