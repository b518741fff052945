"""What every printed layout shares: the ``Piece`` record, the shop as sender, the printer offset,
a canvas that reports progress and honours cancel, and text fitting (wrap, shrink to fit).

Layouts never touch the database: they get ``Piece`` objects (customer + coupon + campaign + the
rendered message) and a ``Shop``; ``pieces.py`` builds those from the database. Sizes are in points
(reportlab's unit); ``mm`` converts. Positions given "from the top" are converted with ``from_top``.

Long module: the canvas, sender, offset and text fitting that every layout shares; one step over
the limit, and each part is used with the others.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TypedDict, TypeVar, cast

from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfgen.canvas import Canvas

from shopcrm.domain.dates import format_date
from shopcrm.domain.models import Campaign, Coupon, Customer
from shopcrm.domain.names import Addressee, addressee
from shopcrm.domain.offers import discount_text
from shopcrm.domain.rules import ValidationError
from shopcrm.domain.text import NO_LINE_END, NO_LINE_START, has_wide
from shopcrm.i18n import N_, _, ngettext
from shopcrm.services.printing import qr
from shopcrm.services.printing.fonts import draw_string, font_for, register, text_out

__all__ = ["Doc", "Offset", "Piece", "PrintCancelled", "PrintResult", "Shop", "Skipped", "mm"]

T = TypeVar("T")
ProgressFn = Callable[[int, int], None]
CancelFn = Callable[[], bool]

ACCENT = (0.70, 0.13, 0.13)  # deep red (shu-iro), the one accent colour of every layout
INK = (0.12, 0.12, 0.12)
GREY = (0.40, 0.40, 0.40)


@dataclass
class Piece:
    """One thing to print for one customer: the customer, their coupon (if any), its campaign and
    the personal message already rendered from the campaign's template."""

    customer: Customer
    coupon: Coupon | None = None
    campaign: Campaign | None = None
    message: str = ""

    @property
    def code(self) -> str:
        return self.coupon.code if self.coupon else ""


@dataclass(frozen=True)
class Shop:
    """The shop as letterhead and sender (settings shop_name, shop_postal_code, shop_address...)."""

    name: str = ""
    postal_code: str = ""
    address: str = ""
    building: str = ""
    phone: str = ""

    @property
    def address_line(self) -> str:
        return " ".join(p for p in (self.address, self.building) if p)

    @property
    def phone_line(self) -> str:
        """The phone as printed on a piece ("TEL 03-..."), or "" without one."""
        return f"TEL {self.phone}" if self.phone else ""


@dataclass(frozen=True)
class Offset:
    """Per-printer correction: positive x moves everything right, positive y moves it down (mm)."""

    x_mm: float = 0.0
    y_mm: float = 0.0


class RunOptions(TypedDict, total=False):
    """What every layout's ``build`` takes as ``**run`` and hands to ``make_pdf``: the printer
    ``offset``, ``progress(done, total)`` between pieces, and ``cancel()`` (True stops the run and
    nothing is written)."""

    offset: Offset | None
    progress: ProgressFn | None
    cancel: CancelFn | None


# Reasons a customer is left out (msgids; translate with _() when shown).
NO_ADDRESS = N_("incomplete address (postal code, prefecture, city and street needed)")
NO_CONSENT = N_("no consent to direct mail, or marked do-not-mail")
ERASED = N_("personal data erased")
NO_COUPON = N_("no unused coupon to print for this guest")


@dataclass(frozen=True)
class Skipped:
    customer: Customer
    reason: str  # a msgid above

    @property
    def message(self) -> str:
        return _(self.reason)


@dataclass
class PrintResult:
    """What a print run produced: the PDF (bytes, or the path written), pages, who is on it and who
    was left out (with the reason)."""

    pdf: bytes | None
    path: Path | None
    pages: int
    printed: list[Piece] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


class PrintCancelled(Exception):
    """The user cancelled a print run; nothing was written."""


class Doc:
    """A reportlab canvas that writes to ``out`` (a path) or to bytes, shifts every page by the
    printer offset, and reports progress / checks cancel between pieces."""

    def __init__(
        self,
        out: str | Path | None,
        pagesize: tuple[float, float],
        *,
        offset: Offset | None = None,
        title: str = "",
        author: str = "",
        progress: ProgressFn | None = None,
        cancel: CancelFn | None = None,
    ):
        # Binary (Flate only) streams: ASCII85 on top is a 7-bit-transport relic that costs ~1 ms
        # a page in pure Python. Valid PDF either way.
        rl_config.useA85 = 0
        self.font = register()
        self.path = Path(out) if out is not None else None
        self._buffer = io.BytesIO()
        self.width, self.height = pagesize
        self.offset = offset or Offset()
        self._progress = progress
        self._cancel = cancel
        self.c = Canvas(
            self._buffer, pagesize=pagesize, pageCompression=1, initialFontName=self.font
        )
        self.c.setTitle(title)
        self.c.setAuthor(author)
        self.c.setCreator("shopcrm")
        self.pages = 0
        self._open = False

    def new_page(self) -> None:
        """Start a page (ends the current one), with the printer offset applied."""
        if self._open:
            self.c.showPage()
        self._open = True
        self.pages += 1
        if self.offset.x_mm or self.offset.y_mm:
            self.c.translate(self.offset.x_mm * mm, -self.offset.y_mm * mm)

    def top(self, y_mm: float) -> float:
        """Page y (points, from the bottom) of a distance in mm from the top edge."""
        return self.height - y_mm * mm

    def tick(self, done: int, total: int) -> None:
        if self._cancel is not None and self._cancel():
            raise PrintCancelled()
        if self._progress is not None:
            self._progress(done, total)

    def place_each(
        self,
        items: Sequence[T],
        draw: Callable[[T, int], None],
        *,
        per_page: int = 1,
        first: int = 0,
        on_page: Callable[[], None] | None = None,
    ) -> None:
        """``draw(item, slot)`` for each item in slots ``first``, ``first + 1``...: a new page
        (then ``on_page()``) before the first item and whenever a slot starts a page of
        ``per_page`` slots; progress and cancel between items."""
        total = len(items)
        for n, item in enumerate(items):
            self.tick(n, total)
            slot = first + n
            if n == 0 or slot % per_page == 0:
                self.new_page()
                if on_page is not None:
                    on_page()
            draw(item, slot)
        self.tick(total, total)

    def finish(self, printed: list[Piece], skipped: list[Skipped] | None = None) -> PrintResult:
        if self._cancel is not None and self._cancel():
            raise PrintCancelled()
        if not self._open:
            self.new_page()  # an empty run still gives a valid one-page PDF
            self.pages = 0
        self.c.showPage()
        self.c.save()
        data = self._buffer.getvalue()
        if self.path is not None:
            # Written only now, in one go: a cancelled or failed run leaves no half file behind.
            tmp = self.path.with_name(self.path.name + ".part")
            tmp.write_bytes(data)
            tmp.replace(self.path)
            data_out = None
        else:
            data_out = data
        return PrintResult(data_out, self.path, self.pages, list(printed), list(skipped or []))


def make_pdf(
    out: str | Path | None,
    pagesize: tuple[float, float],
    items: Sequence[T],
    draw: Callable[[Doc, T, int], None],
    *,
    shop: Shop | None,
    offset: Offset | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    title: str | None = None,
    per_page: int = 1,
    first: int = 0,
    on_page: Callable[[Doc], None] | None = None,
    printed: Sequence[Piece] | None = None,
    skipped: Sequence[Skipped] = (),
) -> PrintResult:
    """The run every layout's ``build`` makes: a ``Doc`` with the shop as title and author (or
    ``title``), ``draw(doc, item, slot)`` per item through ``Doc.place_each`` (a page per item, or
    ``per_page`` slots a page from slot ``first``, ``on_page(doc)`` on each new page), and the PDF
    written in one go. ``printed`` defaults to the items themselves (when they are pieces)."""
    doc = Doc(
        out,
        pagesize,
        offset=offset,
        title=(shop.name if shop else "") if title is None else title,
        author=shop.name if shop else "",
        progress=progress,
        cancel=cancel,
    )
    doc.place_each(
        items,
        lambda item, slot: draw(doc, item, slot),
        per_page=per_page,
        first=first,
        on_page=None if on_page is None else lambda: on_page(doc),
    )
    done = cast("Sequence[Piece]", items) if printed is None else printed
    return doc.finish(list(done), list(skipped))


# --- text measuring and fitting ------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _char_width(ch: str) -> float:
    return getFont(font_for(ch)).stringWidth(ch, 1.0)


def text_width(text: str, size: float) -> float:
    """Width in points of ``text`` at ``size`` (per-character widths cached)."""
    return sum(_char_width(ch) for ch in text) * size


def fit_size(text: str, width: float, size: float, min_size: float = 0.0) -> float:
    """The largest size <= ``size`` (not below ``min_size``) at which ``text`` fits ``width``."""
    w = text_width(text, size)
    if w <= width or w == 0:
        return size
    return max(min_size, size * width / w * 0.999)


def draw_fitted(
    c,
    text: str,
    x: float,
    y: float,
    width: float,
    size: float,
    *,
    min_size: float | None = None,
    align: str = "left",
    font: str | None = None,
) -> float:
    """Draw one line that never overflows ``width``: shrink down to ``min_size``, then squeeze it
    horizontally. ``x`` is the left edge, the centre or the right edge per ``align``. Returns the
    font size used."""
    font = font or register()
    if not text:
        return size
    min_size = size * 0.6 if min_size is None else min_size
    used = fit_size(text, width, size, min_size)
    w = text_width(text, used)
    scale = 1.0 if w <= width else width / w
    drawn = w * scale
    left = x if align == "left" else (x - drawn / 2 if align == "centre" else x - drawn)
    t = c.beginText(left, y)
    t.setFont(font, used)
    if scale < 1.0:
        t.setHorizScale(scale * 100)
    if font == register():
        text_out(t, text, used)  # per-character fallback for the glyphs IPAexGothic lacks
    else:
        t.textOut(text)
    c.drawText(t)
    return used


_WORD = re.compile(r"[A-Za-z0-9@#$%&'’\-_/.,:+=*]+|\s+|.", re.S)


def _tokens(paragraph: str) -> list[str]:
    return _WORD.findall(paragraph)


def wrap(text: str, width: float, size: float) -> list[str]:
    """Break ``text`` into lines that fit ``width`` at ``size``: Japanese anywhere between
    characters (with kinsoku: no 、。」 at a line start, no 「 at a line end), Latin words whole.
    Explicit newlines are kept; an empty line stays an empty line."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        line_w = 0.0
        for tok in _tokens(paragraph):
            w = text_width(tok, size)
            if line and line_w + w > width and not tok.isspace():
                carry: list[str] = []
                # Kinsoku: take a no-start token's predecessor along; leave no opener at line end.
                if tok[0] in NO_LINE_START and len(line) > 1:
                    carry.insert(0, line.pop())
                while len(line) > 1 and line[-1] and line[-1][-1] in NO_LINE_END:
                    carry.insert(0, line.pop())
                lines.append("".join(line).rstrip())
                line = carry
                line_w = text_width("".join(line), size)
            if w > width and len(tok) > 1:  # a word longer than the line: break it by characters
                for ch in tok:
                    cw = text_width(ch, size)
                    if line and line_w + cw > width:
                        lines.append("".join(line).rstrip())
                        line, line_w = [], 0.0
                    line.append(ch)
                    line_w += cw
                continue
            if not line and tok.isspace():
                continue
            line.append(tok)
            line_w += w
        lines.append("".join(line).rstrip())
    return lines


def fit_paragraphs(
    text: str,
    width: float,
    height: float,
    max_size: float,
    min_size: float,
    leading: float = 1.5,
) -> tuple[float, list[str]]:
    """The largest size (steps of 0.5 pt) at which ``text`` wrapped to ``width`` fits ``height``.
    Below ``min_size`` it keeps shrinking (a message is never cut or overflowing); at 4 pt the last
    line that fits ends with an ellipsis."""
    size = max_size
    while True:
        lines = wrap(text, width, size)
        if len(lines) * size * leading <= height + 0.01 or size <= 4.0:
            break
        size -= 0.5 if size > min_size else 0.25
    max_lines = max(1, int((height + 0.01) // (size * leading)))
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    return size, lines


def draw_lines(
    c,
    lines: Iterable[str],
    x: float,
    y_top: float,
    size: float,
    *,
    leading: float = 1.5,
    align: str = "left",
    width: float | None = None,
) -> float:
    """Draw ``lines`` downwards from ``y_top`` (top of the first line); returns the y below them."""
    y = y_top - size * 1.0
    for line in lines:
        if line:
            if align == "centre" and width is not None:
                draw_string(c, x + width / 2, y, line, size, anchor="centre")
            else:
                draw_string(c, x, y, line, size)
        y -= size * leading
    return y + size * leading - size * 0.3


# --- what the printed pieces say -----------------------------------------------------------------


def expiry_text(coupon: Coupon | None) -> str:
    if coupon is None:
        return ""
    return _("Valid until {date}").format(date=format_date(coupon.valid_until))


HEADINGS = {
    "birthday": "Happy Birthday",
    "welcome": "Thank you",
    "winback": "We miss you",
    "custom": "Special coupon",
}


def heading(campaign: Campaign | None) -> str:
    """The decorative headline of a DM (English lettering, as on Japanese shop DMs)."""
    return HEADINGS.get(campaign.kind, HEADINGS["custom"]) if campaign else HEADINGS["welcome"]


def addressee_of(customer: Customer) -> Addressee:
    """How ``customer`` is addressed (organisation above, person with 様, or 御中), with the
    owner's per-guest override: one answer for the address side, label, letter and ticket."""
    return addressee(customer.name, customer.honorific)


def honorific(name: str | Customer) -> str:
    """様 for a person (also a person at a company), 御中 for an organisation (never both)."""
    if isinstance(name, Customer):
        return addressee_of(name).honorific
    return addressee(name).honorific


def addressed(name: str | Customer) -> str:
    """The name with its honorific on one line: 山田 太郎 様, 株式会社まるや 御中, and a person at a
    company as 株式会社まるや 佐藤 健 様."""
    a = addressee_of(name) if isinstance(name, Customer) else addressee(name)
    return " ".join(p for p in (a.above, a.main, a.honorific) if p)


def split_name(name: str) -> tuple[str, str]:
    """(surname, given) split at the first space (ASCII or ideographic); ("", name) if none."""
    parts = re.split(r"[ \u3000]+", name.strip(), maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else ("", name.strip())


def is_japanese_address(customer: Customer) -> bool:
    """A Japanese postal address (7-digit postal code and Japanese script): printed vertically."""
    text = f"{customer.prefecture}{customer.city}{customer.street}"
    return len(customer.postal_code) == 7 and customer.postal_code.isdigit() and has_wide(text)


def postal_text(code: str) -> str:
    """〒123-4567 for a 7-digit code, otherwise the code as given."""
    if len(code) == 7 and code.isdigit():
        return f"〒{code[:3]}-{code[3:]}"
    return code


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\-‐‑‒–—―ー−－]", "", text).casefold()


def household_key(c: Customer) -> tuple[str, str, str]:
    return (c.postal_code, _norm(f"{c.prefecture}{c.city}{c.street}"), _norm(c.building))


def group_households(pieces: Iterable[Piece]) -> list[list[Piece]]:
    """Pieces to one address grouped (same postal code + street + building), first-seen order."""
    groups: dict[tuple[str, str, str], list[Piece]] = {}
    for piece in pieces:
        groups.setdefault(household_key(piece.customer), []).append(piece)
    return list(groups.values())


def household_people(members: Iterable[Piece]) -> list[Customer]:
    """The people on one household's pieces, once each (one guest with two coupons is one name),
    first-seen order."""
    people: dict[object, Customer] = {}
    for m in members:
        people.setdefault(m.customer.id if m.customer.id is not None else id(m), m.customer)
    return list(people.values())


def mail_problem(customer: Customer) -> str | None:
    """Why a customer cannot get mail (a reason msgid), or None."""
    if customer.erased_at is not None:
        return ERASED
    if not customer.has_complete_address:
        return NO_ADDRESS
    return None


def household_names(
    customers: list[Customer], max_lines: int = 4, *, honorifics: bool = True
) -> list[tuple[str, str]]:
    """Name lines of one household as (indent_text, text): each name with its own honorific (a
    person at a company under the company's line); a shared surname is written once and the given
    names aligned under each other ("indent_text" is the invisible part that sets the alignment).
    Beyond ``max_lines`` names the rest is "and N more" (nobody is dropped without a word)."""
    people = [addressee_of(c) for c in customers]
    names = [a.main for a in people]
    surnames = {split_name(n)[0] for n in names}
    shared = len(names) > 1 and len(surnames) == 1 and "" not in surnames
    lines: list[tuple[str, str]] = []
    shown = people if len(people) <= max_lines else people[: max_lines - 1]
    above_done: set[str] = set()
    for i, person in enumerate(shown):
        if person.above and person.above not in above_done:
            lines.append(("", person.above))
            above_done.add(person.above)
        hon = f" {person.honorific}" if honorifics else ""
        if shared and i > 0:
            surname, given = split_name(person.main)
            lines.append((surname + " ", given + hon))
        else:
            lines.append(("", person.main + hon))
    rest = len(people) - len(shown)
    if rest:
        lines.append(("", ngettext("and {n} more", "and {n} more", rest).format(n=rest)))
    return lines


def coupon_box(c, piece: Piece, x: float, y: float, w: float, h: float, *, code_size: float = 17):
    """The coupon as a dashed, round-cornered box: offer, code in large print, expiry, and the QR
    code of the code on the right. (x, y) is the lower-left corner, sizes in points."""
    font = register()
    pad = 3.5 * mm
    c.saveState()
    c.setStrokeColorRGB(*ACCENT)
    c.setLineWidth(0.8)
    c.setDash(3, 2)
    c.roundRect(x, y, w, h, 2.5 * mm, stroke=1, fill=0)
    c.restoreState()
    qr_size = min(h - 2 * pad + 2 * mm, 30 * mm)  # the quiet zone may overlap the padding
    qr_x = x + w - pad - qr_size + 1.2 * mm
    qr_y = y + (h - qr_size) / 2
    c.setFillColorRGB(0, 0, 0)
    qr.draw(c, piece.code, qr_x, qr_y, qr_size)
    text_w = qr_x - x - pad
    left = x + pad
    top = y + h - pad
    c.setFillColorRGB(*ACCENT)
    c.setFont(font, 7)
    c.drawString(left, top - 7, _("COUPON"))
    size = min(h * 0.2, 20)
    draw_fitted(c, discount_text(piece.campaign), left, top - 9 - size, text_w, size, min_size=9)
    c.setFillColorRGB(*INK)
    mid = y + h * 0.36
    c.setFont(font, 6.5)
    c.drawString(left, mid + code_size + 1.5, _("Coupon code"))
    draw_fitted(c, piece.code, left, mid, text_w, code_size, min_size=9)
    c.setFillColorRGB(*GREY)
    draw_fitted(c, expiry_text(piece.coupon), left, y + pad + 7.5, text_w, 7.5, min_size=5)
    draw_fitted(c, _("One use per guest. Show this at the counter."), left, y + pad, text_w, 6)
    c.setFillColorRGB(*INK)


OPTION_LABELS = {
    "sheet": N_("Label sheet"),
    "start_row": N_("Start row"),
    "start_col": N_("Start column"),
    "layout": N_("Layout"),
    "campaign": N_("Campaign"),
    "customers": N_("Customers"),
}


class PrintOptionError(ValidationError):
    """Bad print option (sheet, start row/column, layout), naming the option in the user's
    language."""

    @property
    def field_label(self) -> str:
        label = OPTION_LABELS.get(self.field)
        return _(label) if label else super().field_label
