"""The address side of a Japanese postcard (通常はがき, 100 × 148 mm), written vertically.

Recipient postal code digits centred in the pre-printed red boxes (Japan Post's positions; we print
digits only, or the boxes too with ``blank_card``). The address flows right to left into as many
columns as it needs (prefecture and city, street, building), broken only between its parts, one em
per character (characters never touch) and never below ``MIN_ADDRESS_SIZE``. The names are large
in the middle: 様 for a person, 御中 for an organisation, a person at a company under the company's
column; people at one address share a card (連名), a shared surname written once and every 様 at
one height. A recipient that cannot be set legibly is skipped with ``NOT_LEGIBLE``
(``legibility_problem`` lets the mailing plan know before printing). Every glyph stays 5 mm inside
the card. The shop is the sender at the lower left; the stamp area (top left, 35 × 70 mm) stays
clear. Non-Japanese addresses are set horizontally.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Unpack

from shopcrm.domain.models import Customer
from shopcrm.i18n import N_, ngettext
from shopcrm.services.printing.labels import split_addressable
from shopcrm.services.printing.layout import (
    INK,
    Doc,
    Piece,
    PrintResult,
    RunOptions,
    Shop,
    Skipped,
    addressed,
    addressee_of,
    draw_fitted,
    group_households,
    household_people,
    is_japanese_address,
    make_pdf,
    mm,
    split_name,
)
from shopcrm.services.printing.phrases import (
    break_phrases,
    building_phrases,
    city_phrases,
    street_phrases,
)
from shopcrm.services.printing.vertical import (
    column_height,
    draw_column,
    draw_fitted_column,
    vertical_address,
)

NOT_LEGIBLE = N_(
    "address or name too long to print legibly on the postcard's address side "
    "(shorten it, or print a label)"
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


MIN_ADDRESS_SIZE = 9.0  # pt (3.2 mm): smaller and the address stops being readable at arm's length
MIN_NAME_SIZE = 12.0
COLUMN_GAP = 2.5  # mm between address columns
NAMES_LEFT, NAMES_GAP_TO_ADDRESS = 29.0, 3.0  # mm: clear of the sender's column, and the address
MAX_NAMES = 4  # more people on one card: three names and "ほか N名様"


class NotLegible(ValueError):
    """The recipient cannot be set legibly on the card (address or name too long)."""


@dataclass
class _Column:
    text: str  # vertical form
    x: float  # mm from the left (centre)
    top: float  # mm from the top
    size: float  # pt


@dataclass
class RecipientPlan:
    """Every column of the recipient, decided before anything is drawn."""

    address: list[_Column] = field(default_factory=list)
    names: list[_Column] = field(default_factory=list)


def build(
    pieces: Sequence[Piece],
    out: str | Path | None = None,
    *,
    shop: Shop,
    households: bool = True,
    blank_card: bool = False,
    **run: Unpack[RunOptions],
) -> PrintResult:
    """One address side per household (or per piece); incomplete addresses, and addresses or
    names too long to set legibly (``legibility_problem``), are skipped and listed.
    ``blank_card``: for plain private postcards, print the red postal-code boxes and 郵便はがき
    too (Japan Post's cards have them pre-printed).
    ``run``: the printer offset, progress and cancel (``RunOptions``)."""
    ok, skipped = split_addressable(pieces)
    groups = group_households(ok) if households else [[p] for p in ok]
    printable = []
    for members in groups:
        if legibility_problem(members):
            skipped += [Skipped(m.customer, NOT_LEGIBLE) for m in members]
        else:
            printable.append(members)
    return make_pdf(
        out,
        (WIDTH, HEIGHT),
        printable,
        lambda doc, members, _slot: draw(doc, members, shop, blank_card=blank_card),
        shop=shop,
        printed=[p for members in printable for p in members],
        skipped=skipped,
        **run,
    )


def legibility_problem(members: Sequence[Piece]) -> str | None:
    """``NOT_LEGIBLE`` when this card's recipient cannot be set at a readable size (the mailing
    plan can leave the guest out before fronts and address sides are paired), else None."""
    customers = household_people(members)
    if not is_japanese_address(customers[0]):
        return None
    try:
        plan_recipient(customers)
    except NotLegible:
        return NOT_LEGIBLE
    return None


def draw(doc: Doc, members: Sequence[Piece], shop: Shop, *, blank_card: bool = False) -> None:
    customers = household_people(members)
    if blank_card:
        _card_furniture(doc)
    doc.c.setFillColorRGB(*INK)
    if is_japanese_address(customers[0]):
        _vertical_recipient(doc, customers)
    else:
        _horizontal_recipient(doc, customers)
    _sender(doc, shop)


POST_RED = (0.86, 0.18, 0.16)


def _card_furniture(doc: Doc) -> None:
    """What a Japan Post card has pre-printed: the red recipient boxes (the first three drawn
    heavier, a short bar between the third and the fourth), the sender boxes, and 郵便はがき."""
    c = doc.c
    c.saveState()
    c.setStrokeColorRGB(*POST_RED)
    c.setFillColorRGB(*POST_RED)
    for n, left in enumerate(POSTAL_BOX_LEFTS):
        c.setLineWidth(0.6 * mm if n < 3 else 0.35 * mm)
        c.rect(left * mm, doc.top(POSTAL_BOX_TOP + POSTAL_BOX_H), POSTAL_BOX_W * mm,
               POSTAL_BOX_H * mm, stroke=1, fill=0)  # fmt: skip
    bar_y = doc.top(POSTAL_BOX_TOP + POSTAL_BOX_H / 2)
    c.setLineWidth(0.35 * mm)
    c.line((POSTAL_BOX_LEFTS[2] + POSTAL_BOX_W) * mm, bar_y, POSTAL_BOX_LEFTS[3] * mm, bar_y)
    c.setLineWidth(0.25 * mm)
    for left in SENDER_BOX_LEFTS:
        c.rect(left * mm, doc.top(SENDER_BOX_TOP + SENDER_BOX_H), SENDER_BOX_W * mm,
               SENDER_BOX_H * mm, stroke=1, fill=0)  # fmt: skip
    bar_y = doc.top(SENDER_BOX_TOP + SENDER_BOX_H / 2)
    c.line((SENDER_BOX_LEFTS[2] + SENDER_BOX_W) * mm, bar_y, SENDER_BOX_LEFTS[3] * mm, bar_y)
    c.setFont(doc.font, 10)
    c.drawCentredString(62 * mm, doc.top(9.5), "郵便はがき")
    c.restoreState()


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
    _digits(
        doc,
        customers[0].postal_code,
        POSTAL_BOX_LEFTS,
        POSTAL_BOX_TOP,
        POSTAL_BOX_W,
        POSTAL_BOX_H,
        15,
    )
    plan = plan_recipient(customers)
    for col in (*plan.address, *plan.names):
        draw_column(c, col.text, col.x * mm, doc.top(col.top), col.size)


def plan_recipient(customers: list[Customer]) -> RecipientPlan:
    """The recipient's columns (see ``_plan``), worked out once per distinct recipient (the run
    checks legibility before it draws)."""
    key = tuple(
        (c.name, c.honorific, c.postal_code, c.prefecture, c.city, c.street, c.building)
        for c in customers
    )
    plan = _PLANS.get(key)
    if plan is None:
        if len(_PLANS) > 512:
            _PLANS.clear()
        try:
            plan = _plan(customers)
        except NotLegible as exc:
            plan = exc
        _PLANS[key] = plan
    if isinstance(plan, NotLegible):
        raise plan
    return plan


_PLANS: dict[tuple, RecipientPlan | NotLegible] = {}


def _plan(customers: list[Customer]) -> RecipientPlan:
    """The names (largest that fits), then the address in as many columns as it needs right of
    them, at the largest size from 14 pt down to ``MIN_ADDRESS_SIZE`` at which every column fits
    between 26 and 128 mm from the top with one em per character (characters never touch).
    Raises ``NotLegible`` when even the smallest size does not fit."""
    names, right_edge = _plan_names(customers)
    first = customers[0]
    groups = [
        [first.prefecture, *city_phrases(first.city)],
        street_phrases(first.street, first.postal_code),
    ]
    building = building_phrases(first.building)
    size = 14.0
    while size >= MIN_ADDRESS_SIZE - 1e-9:
        for hard in (False, True):
            columns = _address_columns(groups, building, size, hard)
            if columns is not None:
                left = columns[-1].x - size / mm / 2
                if left >= right_edge + NAMES_GAP_TO_ADDRESS:
                    return RecipientPlan(columns, names)
        size -= 0.5
    raise NotLegible(first.name)


def _address_columns(groups, building, size: float, hard: bool) -> list[_Column] | None:
    """Columns at ``size`` (None if a phrase cannot fit without breaking inside it and not
    ``hard``): the whole address in one column if it fits, else prefecture+city and street apart;
    the building in its own columns, starting lower."""
    em = size / mm
    bottom = ADDRESS_BOTTOM

    def fits_from(top: float):
        return lambda text: column_height(vertical_address(text), size) / mm <= bottom - top + 1e-6

    whole = "".join(p for g in groups for p in g)
    runs: list[tuple[list[str], float]] = []
    if fits_from(ADDRESS_TOP)(whole):
        runs.append(([whole], ADDRESS_TOP))
    else:
        for n, group in enumerate(groups):
            top = ADDRESS_TOP + (em if n else 0.0)
            lines = break_phrases([p for p in group if p], fits_from(top), hard=hard)
            runs.append((lines, top))
    if building:
        top = ADDRESS_TOP + 2 * em
        runs.append((break_phrases(building, fits_from(top), hard=hard), top))
    columns: list[_Column] = []
    x = ADDRESS_X
    for lines, top in runs:
        for n, line in enumerate(lines):
            if not fits_from(top)(line):
                return None
            line_top = top if n == 0 or top > ADDRESS_TOP else top + em
            if not fits_from(line_top)(line):
                line_top = top
            columns.append(_Column(vertical_address(line), x, line_top, size))
            x -= em + COLUMN_GAP
    return columns


def _plan_names(customers: list[Customer]) -> tuple[list[_Column], float]:
    """Each name in its own column centred around x = 50 mm, the first rightmost; a surname shared
    by all is written once and the given names start level with the first one's; every 様 / 御中
    at one height, below the longest name (as postcard software aligns 連名). A person at a
    company has the company in a smaller column to the right. Returns the columns and the right
    edge (mm) of the names. Nobody is dropped: beyond ``MAX_NAMES`` a column says ほか N名様."""
    people = [addressee_of(c) for c in customers]
    shown = people if len(people) <= MAX_NAMES else people[: MAX_NAMES - 1]
    rest = len(people) - len(shown)
    count = len(shown) + (1 if rest else 0)
    size = {1: 30.0, 2: 26.0, 3: 21.0}.get(count, 18.0)
    height = NAME_BOTTOM - NAME_TOP  # mm
    names = [a.main for a in shown]
    surnames = {split_name(n)[0] for n in names}
    shared = len(names) > 1 and len(surnames) == 1 and "" not in surnames
    bodies: list[tuple[str, float]] = []  # (vertical text, lead in em)
    for i, name in enumerate(names):
        surname, given = split_name(name)
        if shared and i:
            # level with the first name's given name (after its surname and a half-em space)
            lead = column_height(vertical_address(surname), 1) + 0.5
            bodies.append((vertical_address(given), lead))
        else:
            # the first name's given name starts after its surname and a half-em space
            bodies.append((vertical_address(name), 0.0))
    hons = [a.honorific for a in shown]
    if rest:
        more = ngettext("and {n} more", "and {n} more", rest).format(n=rest)
        bodies.append((vertical_address(more), 0.0))
        hons.append("")
    body_em = max(lead + column_height(b, 1) for b, lead in bodies)
    hon_em = max((len(h) for h in hons), default=1)
    size = min(size, height * mm / (body_em + 0.5 + hon_em))
    if size < MIN_NAME_SIZE:
        raise NotLegible(customers[0].name)
    em = size / mm
    gap = em * 1.25
    x0 = NAME_X + (count - 1) * gap / 2
    hon_top = NAME_TOP + (body_em + 0.5) * em
    columns: list[_Column] = []
    for i, ((body, lead), hon) in enumerate(zip(bodies, hons, strict=True)):
        x = x0 - i * gap
        columns.append(_Column(body, x, NAME_TOP + lead * em, size))
        if hon:
            columns.append(_Column(hon, x, hon_top, size))
    right = x0 + em / 2
    above = []
    for a in shown:
        if a.above and a.above not in above:
            above.append(a.above)
    for org in above:
        text = vertical_address(org)
        org_size = min(size * 0.55, 16.0)
        org_top = NAME_TOP - 4.0
        org_size = min(org_size, (NAME_BOTTOM - org_top) * mm / column_height(text, 1))
        if org_size < MIN_ADDRESS_SIZE:
            raise NotLegible(customers[0].name)
        x = right + 2.0 + org_size / mm / 2
        columns.append(_Column(text, x, org_top, org_size))
        right = x + org_size / mm / 2
    if x0 - (count - 1) * gap - em / 2 < NAMES_LEFT:
        raise NotLegible(customers[0].name)
    return columns, right


def _horizontal_recipient(doc: Doc, customers: list[Customer]) -> None:
    """A non-Japanese address, set horizontally right of the stamp area."""
    c = doc.c
    first = customers[0]
    left, width = 38 * mm, WIDTH - 38 * mm - 7 * mm
    y = doc.top(62)
    for cust in customers[:3]:
        draw_fitted(c, addressed(cust), left, y, width, 15, min_size=9)
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
