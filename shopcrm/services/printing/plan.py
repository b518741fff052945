"""The mailing plan: the one recipient list every layout of a print run prints from.

A plan says who gets a piece, in which order, which people share a card (a household: same
postal code, street and building), which coupon(s) each card carries, the card's message (in the
guest's language, greeting everyone on it), and who is left out and why (erased, no consent, an
incomplete address, no coupon, already mailed). The postcard front, the address side, the letter
and the label of one run are all drawn from ``plan.cards``: card N of the fronts is card N of the
address sides, and a two-sided PDF alternates front, back, front, back.

``build`` reads the database (coupons, customers, favourites, mailings); ``from_pieces`` makes a
plan of ready pieces without one (previews, the benchmark). ``render`` draws one layout of a plan.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shopcrm.domain.models import Campaign, Customer
from shopcrm.i18n import N_, using_language
from shopcrm.services import campaigns
from shopcrm.services.campaigns import display_name
from shopcrm.services.printing import address_side, labels, letter, postcard, tickets
from shopcrm.services.printing.layout import (
    ERASED,
    NO_ADDRESS,
    NO_CONSENT,
    NO_COUPON,
    CancelFn,
    Doc,
    Offset,
    Piece,
    PrintOptionError,
    PrintResult,
    ProgressFn,
    Shop,
    Skipped,
    group_households,
    honorific,
    household_people,
    make_pdf,
)
from shopcrm.store import campaign_records, mailings
from shopcrm.store import coupons as coupon_store
from shopcrm.store import settings as settings_store

# Layouts that carry the campaign's message and coupon: they never print without one.
MESSAGE_LAYOUTS = ("postcards", "letters", "tickets", "postcards-duplex")
# Layouts that go by post: DM consent and a complete address needed, households share a card.
POSTED_LAYOUTS = ("postcards", "letters", "labels", "address-side", "postcards-duplex")
# A coupon counts as mailed once it went out on a piece that carries it.
CARRIES_COUPON = ("postcard", "letter")
MAX_COUPONS_PER_CARD = 2  # two coupon boxes still fit a postcard front beside the message
MAX_NAMES_PER_CARD = 3  # the address side's name columns


class EmptyPieceError(PrintOptionError):
    """A piece would print without its message or coupon: refused before anything is drawn."""


@dataclass
class Card:
    """One physical piece (a postcard, a letter, a label) for one household: its members' pieces
    (each with their own coupon), the message on its front and the language it is printed in."""

    pieces: list[Piece]
    message: str = ""
    lang: str = ""

    @property
    def people(self) -> list[Customer]:
        return household_people(self.pieces)

    @property
    def lead(self) -> Piece:
        return self.pieces[0]

    @property
    def coupons(self) -> list[Piece]:
        """The members' pieces that carry a coupon (one coupon box each)."""
        return [p for p in self.pieces if p.coupon is not None]

    @property
    def front(self) -> Piece:
        """The piece a front or letter is drawn from: the first member, the card's message."""
        lead = self.lead
        return Piece(lead.customer, lead.coupon, lead.campaign, self.message or lead.message)


@dataclass
class MailingPlan:
    cards: list[Card] = field(default_factory=list)
    left_out: list[Skipped] = field(default_factory=list)
    already_mailed: list[Piece] = field(default_factory=list)  # left out unless ``reprint``
    campaign: Campaign | None = None
    period_key: str | None = None
    posted: bool = True
    reprint: bool = False

    @property
    def pieces(self) -> list[Piece]:
        """Every member's piece on the cards, in card order (a mailing is recorded for each)."""
        return [p for card in self.cards for p in card.pieces]

    def check(self, layout: str) -> None:
        """Refuse a run that would print a piece without its message: no campaign, no DM text,
        or nobody with a coupon (issue the coupons first). Raises ``EmptyPieceError``."""
        if layout in MESSAGE_LAYOUTS and self.campaign is None:
            raise EmptyPieceError(
                "campaign",
                N_("these pieces carry a campaign's message and coupon: choose a campaign."),
            )
        if not self.cards and any(s.reason == NO_COUPON for s in self.left_out):
            raise EmptyPieceError(
                "campaign",
                N_(
                    "no coupons issued yet for {campaign} to these guests: issue the coupons "
                    "first (Coupons page, or shopcrm coupons issue), then print."
                ),
                campaign=_campaign_name(self.campaign),
            )
        if layout in MESSAGE_LAYOUTS:
            empty = [c for c in self.cards if not (c.message or c.lead.message).strip()]
            if empty:
                raise EmptyPieceError(
                    "campaign",
                    N_("{campaign} has no DM text: write it in the campaign editor, then print."),
                    campaign=_campaign_name(self.campaign),
                )


def _campaign_name(campaign: Campaign | None) -> str:
    return display_name(campaign) if campaign else ""


def _cards(pieces: Sequence[Piece], posted: bool) -> list[list[Piece]]:
    """Households (posted) split so a card holds at most two coupons and three names; one card
    per piece otherwise. Cards keep the order of their first member."""
    if not posted:
        return [[p] for p in pieces]
    cards: list[list[Piece]] = []
    for members in group_households(pieces):
        card: list[Piece] = []
        for piece in members:
            names = household_people([*card, piece])
            coupons = sum(1 for p in (*card, piece) if p.coupon is not None)
            if card and (coupons > MAX_COUPONS_PER_CARD or len(names) > MAX_NAMES_PER_CARD):
                cards.append(card)
                card = []
            card.append(piece)
        cards.append(card)
    return cards


def _sort_out(pieces: Iterable[Piece], posted: bool) -> tuple[list[Piece], list[Skipped]]:
    ok: list[Piece] = []
    skipped: dict[object, Skipped] = {}
    for piece in pieces:
        c = piece.customer
        reason = None
        if c.erased_at is not None:
            reason = ERASED
        elif posted and not c.can_mail:
            reason = NO_CONSENT
        elif posted and not c.has_complete_address:
            reason = NO_ADDRESS
        if reason:
            skipped.setdefault(c.id if c.id is not None else id(c), Skipped(c, reason))
        else:
            ok.append(piece)
    return ok, list(skipped.values())


def from_pieces(pieces: Sequence[Piece], *, posted: bool = True, lang: str = "") -> MailingPlan:
    """A plan of ready pieces (their messages as they are), e.g. for previews and benchmarks."""
    campaign = next((p.campaign for p in pieces if p.campaign), None)
    no_coupon = [p for p in pieces if campaign is not None and p.coupon is None]
    ok, skipped = _sort_out([p for p in pieces if p.coupon is not None or campaign is None], posted)
    seen = {s.customer.id for s in skipped}
    skipped += [Skipped(p.customer, NO_COUPON) for p in no_coupon if p.customer.id not in seen]
    cards = [
        Card(members, members[0].message, members[0].customer.language or lang)
        for members in _cards(ok, posted)
    ]
    return MailingPlan(cards, skipped, campaign=campaign, posted=posted)


def dm_language(template: str) -> str:
    """The language a DM text is written in: "ja" when it has Japanese script, else "en"; ""
    for no text. A guest without a language of their own gets their DMs in the language the
    shop wrote the campaign's text in (the screen's language, a staff member's choice, plays no
    part)."""
    if not template.strip():
        return ""
    japanese = any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in template)
    return "ja" if japanese else "en"


def joined_names(people: Sequence[Customer], template: str, lang: str = "ja") -> str:
    """The ``{name}`` of a household card: every name, each followed by its honorific except
    the last when the template writes one after ``{name}`` (「{name}様」, then the template's
    honorific for all); in English "A and B"."""
    names = [c.name for c in people]
    if len(names) == 1:
        return names[0]
    if lang == "en" and dm_language(template) == "en":
        return ", ".join(names[:-1]) + " and " + names[-1]
    after = re.search(r"\{name\}\s*(様|さま|さん|殿|御中)", template)
    if after:  # the template's own honorific after each name; the last one is the template's
        return "・".join([*(f"{n}{after.group(1)}" for n in names[:-1]), names[-1]])
    return "・".join(f"{n}{honorific(n)}" for n in names)


def build(
    db,
    *,
    campaign: Campaign | str | int | None = None,
    month: int | None = None,
    customer_ids: Iterable[int] | None = None,
    period_key: str | None = None,
    reprint: bool = False,
    posted: bool = True,
    today: dt.date | None = None,
) -> MailingPlan:
    """The plan of one print run from the database.

    What: a campaign's unused coupons (of ``period_key`` if given), everyone with a birthday in
    ``month`` (their birthday coupon of that month), or ``customer_ids`` (with ``campaign``: their
    coupons). Guests without a coupon of the campaign are left out (``NO_COUPON``); coupons already
    sent on a postcard or letter are left out too (``already_mailed``) unless ``reprint``.
    ``posted``: consent, complete address and households apply (everything but tickets)."""
    today = today or dt.date.today()
    camp: Campaign | None = None
    wanted: list[int] | None = [int(i) for i in customer_ids] if customer_ids is not None else None
    if month is not None:
        camp = (
            campaign
            if isinstance(campaign, Campaign)
            else campaign_records.get(db, campaign or "birthday")
        )
        rows = campaigns.birthday_list(db, month=month, today=today)
        wanted = [r.customer.id for r in rows if r.customer.id is not None]  # stored: all have one
        year = campaigns.birthday_month_year(int(month), today)
        period_key = period_key or f"{year}-{int(month):02d}"
    elif campaign is not None:
        camp = campaign if isinstance(campaign, Campaign) else campaign_records.get(db, campaign)

    pieces: list[Piece] = []
    no_coupon: list[Customer] = []
    if camp is None:
        people = campaign_records.customers_by_ids(db, wanted or [])
        pieces = [Piece(cand.customer) for cand in people]
    else:
        # An unsaved campaign (no id) has no coupons: nobody gets one, as the query would say.
        coupons = (
            coupon_store.for_campaign(db, camp.id, period_key=period_key, today=today)
            if camp.id is not None
            else []
        )
        if wanted is not None:
            keep = set(wanted)
            coupons = [c for c in coupons if c.customer_id in keep]
        ids = set(wanted) if wanted is not None else {c.customer_id for c in coupons}
        people = campaign_records.customers_by_ids(db, ids)
        by_customer: dict[int, list] = {}
        for c in coupons:
            by_customer.setdefault(c.customer_id, []).append(c)
        for cand in people:
            assert cand.customer.id is not None  # read from the database
            mine = by_customer.get(cand.customer.id, [])
            if not mine:
                no_coupon.append(cand.customer)
            pieces += [Piece(cand.customer, c, camp) for c in mine]

    ok, left_out = _sort_out(pieces, posted)
    seen = {s.customer.id for s in left_out}
    left_out += [Skipped(c, NO_COUPON) for c in no_coupon if c.id not in seen]

    already: list[Piece] = []
    if camp is not None:
        sent = mailings.mailed_coupons(
            db, [p.coupon.id for p in ok if p.coupon and p.coupon.id is not None], CARRIES_COUPON
        )
        already = [p for p in ok if p.coupon and p.coupon.id in sent]
        if not reprint:
            ok = [p for p in ok if not (p.coupon and p.coupon.id in sent)]

    shop = settings_store.get_all(db)
    template_lang = dm_language(camp.template if camp else "")
    cards: list[Card] = []
    groups = _cards(ok, posted)
    ok_ids = {p.customer.id for p in ok if p.customer.id is not None}
    favs = campaign_records.favourites(db, ok_ids) if camp and groups else {}
    for members in groups:
        lead = members[0]
        # The guest's own language, else the shop's: the language its DM text is written in
        # (not the settings' screen language, which is a staff member's choice).
        lang = lead.customer.language or template_lang
        message = ""
        if camp is not None:
            people_on = household_people(members)
            addressee = dataclasses.replace(
                lead.customer, name=joined_names(people_on, camp.template, lang)
            )
            lead_id = lead.customer.id
            favourite = favs.get(lead_id, "") if lead_id is not None else ""
            with using_language(lang) as used:
                message = campaigns.render_message(
                    camp.template, addressee, lead.coupon, shop,
                    favourite=favourite, campaign=camp, lang=used,
                )  # fmt: skip
        cards.append(Card(members, message, lang))
    return MailingPlan(
        cards, left_out, already, campaign=camp, period_key=period_key, posted=posted,
        reprint=reprint,
    )  # fmt: skip


# --- drawing a plan ------------------------------------------------------------------------------


def render(
    layout: str,
    plan: MailingPlan,
    out: str | Path | None = None,
    *,
    shop: Shop,
    offset: Offset | None = None,
    sheet: str = "a-one-28185",
    start_row: int = 1,
    start_col: int = 1,
    today: dt.date | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> PrintResult:
    """Draw ``layout`` for every card of ``plan``, in plan order, each card in its guest's
    language. Refuses (``EmptyPieceError``) a run whose pieces would lack their message."""
    plan.check(layout)
    today = today or dt.date.today()
    run: dict[str, Any] = {"offset": offset, "progress": progress, "cancel": cancel}
    common: dict[str, Any] = {"shop": shop, "printed": plan.pieces, "skipped": plan.left_out, **run}

    def each(draw: Callable[[Doc, Card, int], None]) -> Callable[[Doc, Card, int], None]:
        def drawn(doc: Doc, card: Card, slot: int) -> None:
            with using_language(card.lang):
                draw(doc, card, slot)

        return drawn

    def front(doc: Doc, card: Card, _slot: int) -> None:
        postcard.draw(doc, card.front, shop, coupons=card.coupons)

    def back(doc: Doc, card: Card, _slot: int) -> None:
        address_side.draw(doc, card.pieces, shop)

    size = (postcard.WIDTH, postcard.HEIGHT)
    if layout == "postcards":
        return make_pdf(out, size, plan.cards, each(front), **common)
    if layout == "address-side":
        return make_pdf(out, size, plan.cards, each(back), **common)
    if layout == "postcards-duplex":
        sides = [(card, side) for card in plan.cards for side in (front, back)]
        return make_pdf(
            out, size, sides, lambda doc, item, slot: each(item[1])(doc, item[0], slot), **common
        )
    if layout == "letters":
        return make_pdf(
            out, letter.A4, plan.cards,
            each(lambda doc, card, _s: letter.draw(
                doc, card.front, shop, today, coupons=card.coupons, people=card.people)),
            **common,
        )  # fmt: skip
    if layout == "labels":
        sh = labels.get_sheet(sheet)
        first = labels.start_index(sh, start_row, start_col)
        return make_pdf(
            out, sh.page, plan.cards,
            each(lambda doc, card, slot: labels.draw_label(doc.c, card.pieces, *sh.cell(slot))),
            title=sh.name, per_page=sh.per_sheet, first=first, **common,
        )  # fmt: skip
    if layout == "tickets":  # ten a sheet, each ticket in its guest's language
        tickets_of = [card for card in plan.cards if card.lead.coupon is not None]
        return make_pdf(
            out, tickets.A4, tickets_of,
            each(lambda doc, card, slot: tickets.draw_ticket(
                doc, card.front, shop, *tickets.cell(slot))),
            per_page=tickets.COLS * tickets.ROWS,
            on_page=lambda doc: tickets._cut_marks(doc.c), **common,
        )  # fmt: skip
    raise PrintOptionError("layout", N_("Unknown layout {layout}."), layout=layout)
