"""The address side of a Japanese postcard (通常はがき, 100 × 148 mm), written vertically.

Recipient postal code digits centred in the pre-printed red boxes (Japan Post's positions; we print
digits only), the address in a column at the right with the building in a second column, the name
large in the middle with 様 (each name its own 様; 御中 for a company), and the shop as sender at
the lower left with its postal code in the sender boxes. The stamp area (top left, 35 × 70 mm)
stays clear. Non-Japanese addresses are set horizontally. People at one address share a card.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Unpack

from shopcrm.domain.models import Customer
from shopcrm.services.printing.labels import split_addressable
from shopcrm.services.printing.layout import (
    INK,
    Doc,
    Piece,
    PrintResult,
    RunOptions,
    Shop,
    draw_fitted,
    group_households,
    honorific,
    household_people,
    is_japanese_address,
    make_pdf,
    mm,
    split_name,
)
from shopcrm.services.printing.vertical import (
    column_height,
    draw_column,
    draw_fitted_column,
    fit_column,
    vertical_address,
)

WIDTH, HEIGHT = 100 * mm, 148 * mm
# Japan Post: recipient boxes 5.7 × 8.0 mm, tops 12.0 mm from the top edge.
POSTAL_BOX_LEFTS = (44.3, 51.3, 58.3, 65.9, 72.7, 79.5, 86.3)
POSTAL_BOX_TOP, POSTAL_BOX_W, POSTAL_BOX_H = 12.0, 5.7, 8.0
# Sender boxes (as the usual templates print them): 4.0 × 6.5 mm, tops 122.5 mm.
SENDER_BOX_LEFTS = (5.2, 9.2, 13.2, 18.2, 22.2, 26.2, 30.2)
SENDER_BOX_TOP, SENDER_BOX_W, SENDER_BOX_H = 122.5, 4.0, 6.5
STAMP_AREA = (0.0, 0.0, 35.0, 70.0)  # x, y from the top-left, width, height (mm): kept clear

ADDRESS_X, ADDRESS_TOP, ADDRESS_BOTTOM = 88.0, 26.0, 128.0
BUILDING_X = 80.0
NAME_X, NAME_TOP, NAME_BOTTOM = 50.0, 36.0, 138.0
SENDER_ADDRESS_X, SENDER_BUILDING_X, SENDER_NAME_X = 24.0, 19.5, 13.0
SENDER_BOTTOM, SENDER_TOP = 120.0, 72.0


def build(
    pieces: Sequence[Piece],
    out: str | Path | None = None,
    *,
    shop: Shop,
    households: bool = True,
    **run: Unpack[RunOptions],
) -> PrintResult:
    """One address side per household (or per piece); incomplete addresses skipped and listed.
    ``run``: the printer offset, progress and cancel (``RunOptions``)."""
    ok, skipped = split_addressable(pieces)
    groups = group_households(ok) if households else [[p] for p in ok]
    return make_pdf(
        out,
        (WIDTH, HEIGHT),
        groups,
        lambda doc, members, _slot: draw(doc, members, shop),
        shop=shop,
        printed=[p for members in groups for p in members],
        skipped=skipped,
        **run,
    )


def draw(doc: Doc, members: Sequence[Piece], shop: Shop) -> None:
    customers = household_people(members)
    doc.c.setFillColorRGB(*INK)
    if is_japanese_address(customers[0]):
        _vertical_recipient(doc, customers)
    else:
        _horizontal_recipient(doc, customers)
    _sender(doc, shop)


def _digits(doc: Doc, code: str, lefts, top: float, w: float, h: float, size: float) -> None:
    """Postal code digits centred in their boxes (the boxes are pre-printed; digits only)."""
    digits = [ch for ch in code if ch.isdigit()]
    if len(digits) != 7:
        return
    c = doc.c
    c.setFont(doc.font, size)
    for left, digit in zip(lefts, digits, strict=True):
        cx = (left + w / 2) * mm
        cy = doc.top(top + h / 2)
        c.drawCentredString(cx, cy - size * 0.36, digit)


def _vertical_recipient(doc: Doc, customers: list[Customer]) -> None:
    c = doc.c
    first = customers[0]
    _digits(
        doc, first.postal_code, POSTAL_BOX_LEFTS, POSTAL_BOX_TOP, POSTAL_BOX_W, POSTAL_BOX_H, 15
    )
    # Address: one column if it fits at 11 pt or more, else city and street in two columns.
    height = (ADDRESS_BOTTOM - ADDRESS_TOP) * mm
    whole = vertical_address(f"{first.prefecture}{first.city}{first.street}")
    columns = [whole]
    if fit_column(whole, height, 14, 0) < 11:
        columns = [
            vertical_address(f"{first.prefecture}{first.city}"),
            vertical_address(first.street),
        ]
    size = min(fit_column(col, height, 14, 10) for col in columns)
    x = ADDRESS_X
    for n, col in enumerate(columns):
        top = ADDRESS_TOP + (n and 2 * size / mm)  # a continued line starts a little lower
        draw_fitted_column(c, col, x * mm, doc.top(top), height - n * 2 * size, size)
        x -= size / mm + 2.5
    if first.building:
        building = vertical_address(first.building)
        top = ADDRESS_TOP + 3 * size / mm
        b_height = (ADDRESS_BOTTOM - top) * mm
        draw_fitted_column(
            c, building, min(x, BUILDING_X) * mm, doc.top(top), b_height, size * 0.95, min_size=8
        )
    _names(doc, customers)


def _names(doc: Doc, customers: list[Customer]) -> None:
    """Each name in its own column centred around x = 50 mm, each with its own 様 (御中);
    a surname shared by all is written once, the given names aligned under it."""
    c = doc.c
    count = min(len(customers), 3)
    size = {1: 30, 2: 26, 3: 21}[count]
    gap = size * 1.25
    height = (NAME_BOTTOM - NAME_TOP) * mm
    names = [cust.name for cust in customers[:count]]
    surnames = {split_name(n)[0] for n in names}
    shared = count > 1 and len(surnames) == 1 and "" not in surnames
    texts = []
    for i, name in enumerate(names):
        surname, given = split_name(name)
        body = vertical_address(name) if not (shared and i) else vertical_address(given)
        texts.append(
            (
                body,
                honorific(name),
                column_height(vertical_address(surname), 1) + 0.5 if shared and i else 0.0,
            )
        )
    need = max(column_height(b, 1) + lead + 1.5 for b, _h, lead in texts)
    size = min(size, height / need)
    x0 = NAME_X * mm + (count - 1) * gap / 2  # first name rightmost (vertical text reads ←)
    for i, (body, hon, lead) in enumerate(texts):
        x = x0 - i * gap
        y = doc.top(NAME_TOP) - lead * size
        y = draw_column(c, body, x, y, size)
        draw_column(c, hon, x, y - size * 0.5, size)


def _horizontal_recipient(doc: Doc, customers: list[Customer]) -> None:
    """A non-Japanese address, set horizontally right of the stamp area."""
    c = doc.c
    first = customers[0]
    left, width = 38 * mm, WIDTH - 38 * mm - 7 * mm
    y = doc.top(62)
    for cust in customers[:3]:
        draw_fitted(c, cust.name, left, y, width, 15, min_size=9)
        y -= 8 * mm
    y -= 1 * mm
    tail = " ".join(p for p in (first.city, first.prefecture, first.postal_code) if p)
    for line in (first.street, first.building, tail):
        if line:
            draw_fitted(c, line, left, y, width, 11, min_size=7)
            y -= 5.5 * mm


def _sender(doc: Doc, shop: Shop) -> None:
    """The shop at the lower left: postal code in the sender boxes, address and name vertical,
    ending at 120 mm from the top (below the stamp area)."""
    c = doc.c
    _digits(doc, shop.postal_code, SENDER_BOX_LEFTS, SENDER_BOX_TOP, SENDER_BOX_W, SENDER_BOX_H, 9)
    bottom = doc.top(SENDER_BOTTOM)
    height = (SENDER_BOTTOM - SENDER_TOP) * mm
    for text, x, size in (
        (shop.address, SENDER_ADDRESS_X, 9),
        (shop.building, SENDER_BUILDING_X, 9),
        (shop.name, SENDER_NAME_X, 13),
    ):
        if text:
            draw_fitted_column(
                c,
                vertical_address(text),
                x * mm,
                bottom + height,
                height,
                size,
                min_size=6,
                align="bottom",
            )
