"""Address labels on standard sheets (A-one 28185/28362/28366, Avery L7160/L7163/5160).

Geometry from LibreOffice's label database (PRINTING.md). Printing can start at any row and column
of a partly used sheet; customers without a complete address are skipped and listed; people at
one address (same postal code + street + building) share one label, each name with its own 様.
Each label: 〒 postal code on its own line, the address, the building, the names; text kept
``INSET`` inside the label and long lines shrunk to fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Unpack

from reportlab.lib.pagesizes import A4, LETTER

from shopcrm.i18n import N_
from shopcrm.services.printing.layout import (
    INK,
    Piece,
    PrintOptionError,
    PrintResult,
    RunOptions,
    Shop,
    Skipped,
    draw_fitted,
    group_households,
    household_names,
    household_people,
    is_japanese_address,
    mail_problem,
    make_pdf,
    mm,
    postal_text,
    text_width,
)
from shopcrm.services.printing.phrases import (
    break_phrases,
    building_phrases,
    city_phrases,
    street_phrases,
)

INSET = 3.5 * mm  # text stays this far inside every label edge


@dataclass(frozen=True)
class Sheet:
    key: str
    name: str
    cols: int
    rows: int
    width: float  # label, mm
    height: float
    left: float  # first label's left edge from the page's left, mm
    top: float  # first label's top edge from the page's top, mm
    pitch_x: float  # mm from one label's left edge to the next
    pitch_y: float
    page: tuple[float, float] = A4

    @property
    def per_sheet(self) -> int:
        return self.cols * self.rows

    def cell(self, index: int) -> tuple[float, float, float, float]:
        """(x, y, w, h) in points of label ``index`` (0-based, row by row), y = bottom edge."""
        row, col = divmod(index % self.per_sheet, self.cols)
        x = (self.left + col * self.pitch_x) * mm
        top = self.page[1] - (self.top + row * self.pitch_y) * mm
        return x, top - self.height * mm, self.width * mm, self.height * mm


SHEETS: dict[str, Sheet] = {
    s.key: s
    for s in (
        Sheet("a-one-28185", "A-one 28185 (18)", 3, 6, 70, 42.3, 0, 21.5, 70, 42.3),
        Sheet("a-one-28362", "A-one 28362 (12)", 2, 6, 86.4, 42.3, 18.6, 21.2, 86.4, 42.3),
        Sheet("a-one-28366", "A-one 28366 (24)", 3, 8, 70, 33.9, 0, 12.7, 70, 33.9),
        Sheet("avery-l7160", "Avery L7160 (21)", 3, 7, 63.5, 38.1, 7.2, 15.15, 66.04, 38.1),
        Sheet("avery-l7163", "Avery L7163 (14)", 2, 7, 99.06, 38.1, 4.67, 15.15, 101.6, 38.1),
        Sheet("avery-5160", "Avery 5160 (30, US Letter)", 3, 10, 66.68, 25.4, 4.78, 12.7,
              69.85, 25.4, LETTER),
    )
}  # fmt: skip


def get_sheet(key: str) -> Sheet:
    sheet = SHEETS.get(key.lower())
    if sheet is None:
        raise PrintOptionError(
            "sheet", N_("Unknown label sheet {sheet}: choose one of {sheets}."),
            sheet=key, sheets=", ".join(SHEETS),
        )  # fmt: skip
    return sheet


def start_index(sheet: Sheet, start_row: int, start_col: int) -> int:
    """Index of the first free label on a partly used sheet (row and column count from 1)."""
    if not 1 <= start_row <= sheet.rows:
        raise PrintOptionError(
            "start_row", N_("must be 1 to {rows} on {sheet}."), rows=sheet.rows, sheet=sheet.name
        )
    if not 1 <= start_col <= sheet.cols:
        raise PrintOptionError(
            "start_col", N_("must be 1 to {cols} on {sheet}."), cols=sheet.cols, sheet=sheet.name
        )
    return (start_row - 1) * sheet.cols + (start_col - 1)


def split_addressable(pieces: Sequence[Piece]) -> tuple[list[Piece], list[Skipped]]:
    ok: list[Piece] = []
    skipped: list[Skipped] = []
    for piece in pieces:
        problem = mail_problem(piece.customer)
        if problem:
            skipped.append(Skipped(piece.customer, problem))
        else:
            ok.append(piece)
    return ok, skipped


def build(
    pieces: Sequence[Piece],
    out: str | Path | None = None,
    *,
    shop: Shop | None = None,
    sheet: str | Sheet = "a-one-28185",
    start_row: int = 1,
    start_col: int = 1,
    outlines: bool = False,
    **run: Unpack[RunOptions],
) -> PrintResult:
    """One label per household, from (start_row, start_col) of the first sheet on. ``outlines``
    draws the label edges in light grey (for pictures of a sheet, never on real labels).
    ``run``: the printer offset, progress and cancel (``RunOptions``)."""
    sh = sheet if isinstance(sheet, Sheet) else get_sheet(sheet)
    first = start_index(sh, start_row, start_col)
    ok, skipped = split_addressable(pieces)
    households = group_households(ok)
    return make_pdf(
        out,
        sh.page,
        households,
        lambda doc, members, slot: draw_label(doc.c, members, *sh.cell(slot)),
        shop=shop,
        title=sh.name,
        per_page=sh.per_sheet,
        first=first,
        on_page=(lambda doc: _outlines(doc.c, sh)) if outlines else None,
        printed=[p for members in households for p in members],
        skipped=skipped,
        **run,
    )


def _outlines(c, sheet: Sheet) -> None:
    c.saveState()
    c.setStrokeColorRGB(0.8, 0.8, 0.8)
    c.setLineWidth(0.3)
    for i in range(sheet.per_sheet):
        c.roundRect(*sheet.cell(i), 1.5 * mm, stroke=1, fill=0)
    c.restoreState()


POSTAL_MIN_SIZE = 9.5  # pt: IPAexGothic digits are 0.743 em tall, so printed digits stay >= 2.4 mm
BASE_SIZE = 10.5


def label_lines(members: Sequence[Piece], width: float) -> list[tuple[str, str, float, float]]:
    """(indent_text, text, relative size, extra indent in mm) of one label, top to bottom. A
    Japanese address line too wide for ``width`` at 10 pt is broken at its administrative parts
    (prefecture, city, town, block numbers, building and room: ``phrases``), never inside a
    place name."""
    c = members[0].customer
    japanese = is_japanese_address(c)
    names = household_names(household_people(members), honorifics=japanese)
    people = [(indent, text, 1.25, 3.0 if japanese else 0.0) for indent, text in names]
    if not japanese:
        tail = " ".join(p for p in (c.city, c.prefecture, c.postal_code) if p)
        return [*people, *((("", t, 1.0, 0.0)) for t in (c.street, c.building, tail) if t)]

    def fits(line: str) -> bool:
        return text_width(line, 10) <= width

    groups = [
        [c.prefecture, *city_phrases(c.city), *street_phrases(c.street, c.postal_code)],
        building_phrases(c.building),
    ]
    address: list[tuple[str, str, float, float]] = []
    for group in groups:
        phrases = [p for p in group if p]
        if phrases:
            address += [("", line, 1.0, 0.0) for line in break_phrases(phrases, fits, hard=False)]
    return [("", postal_text(c.postal_code), 0.95, 0.0), *address, *people]


def label_sizes(lines, avail_w: float, avail_h: float, leading: float = 1.22) -> list[float]:
    """One size for every line of a label where possible: the largest base size (<= 10.5 pt) at
    which all lines fit the height, and each line's width (never below 70 % of it, then a line is
    squeezed); the postal code line never below ``POSTAL_MIN_SIZE``."""
    rel = [r for _i, _t, r, _x in lines]
    base = min(BASE_SIZE, avail_h / (sum(rel) * leading))
    for indent, text, r, extra in lines[1:]:
        w = avail_w - extra * mm - (text_width(indent, base * r) if indent else 0)
        need = text_width(text, base * r)
        if need > w:
            base = max(base * 0.7, base * w / need)
    sizes = [base * r for r in rel]
    if lines and lines[0][1].startswith("〒") and sizes[0] < POSTAL_MIN_SIZE:
        sizes[0] = POSTAL_MIN_SIZE
        rest = (avail_h - POSTAL_MIN_SIZE * leading) / (sum(rel[1:]) * leading)
        sizes[1:] = [min(base, rest) * r for r in rel[1:]]
    return sizes


def draw_label(c, members: Sequence[Piece], x: float, y: float, w: float, h: float) -> None:
    avail_w, avail_h = w - 2 * INSET, h - 2 * INSET
    lines = label_lines(members, avail_w)
    leading = 1.22
    sizes = label_sizes(lines, avail_w, avail_h, leading)
    block = sum(size * leading for size in sizes) - sizes[-1] * 0.22
    top = y + h - INSET - max(0.0, (avail_h - block) / 2)  # the block centred vertically
    c.setFillColorRGB(*INK)
    for (indent, text, _rel, extra), size in zip(lines, sizes, strict=True):
        top -= size * 0.88  # the line's ascent
        left = x + INSET + extra * mm
        width = x + w - INSET - left
        if indent:
            shift = min(text_width(indent, size), width * 0.5)
            left, width = left + shift, width - shift
        draw_fitted(c, text, left, top, width, size, min_size=size)
        top -= size * (leading - 0.88)
