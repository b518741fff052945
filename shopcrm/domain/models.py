"""The shop's records as dataclasses: what the store returns and the services and UI pass around.

Money is always an ``int`` in the currency's minor unit (yen has none). Dates are ``datetime.date``,
moments are naive local ``datetime.datetime`` (a shop lives in one time zone).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from shopcrm.i18n import N_

# Preference kinds and levels (stored as these strings).
PREFERENCE_KINDS = ("drink", "food", "seat", "other")
PREFERENCE_LEVELS = ("love", "like", "dislike", "allergy")
PREFERENCE_KIND_LABELS = {
    "drink": N_("Drink"),
    "food": N_("Food"),
    "seat": N_("Seat"),
    "other": N_("Other"),
}
PREFERENCE_LEVEL_LABELS = {
    "love": N_("Love"),
    "like": N_("Like"),
    "dislike": N_("Dislike"),
    "allergy": N_("Allergy"),
}

CAMPAIGN_KINDS = ("birthday", "welcome", "winback", "custom")
CAMPAIGN_KIND_LABELS = {
    "birthday": N_("Birthday"),
    "welcome": N_("Welcome"),
    "winback": N_("Win-back"),
    "custom": N_("Custom"),
}
DISCOUNT_TYPES = ("percent", "amount", "item")
PIECE_KINDS = ("postcard", "letter", "ticket", "label", "address_side", "email", "line")

# The demo shop's and a new shop's acquisition channels.
DEFAULT_CHANNELS = ("店頭クーポン", "Instagram", "グルメサイト", "紹介", "通りがかり")


@dataclass
class Customer:
    name: str
    kana: str = ""
    id: int | None = None
    code: str | None = None  # membership code, unique when present
    phone: str = ""  # normalised: digits only, or "+" and digits
    email: str = ""
    line_id: str = ""
    postal_code: str = ""  # 7 digits, no hyphen
    prefecture: str = ""
    city: str = ""
    street: str = ""  # town + block numbers
    building: str = ""
    birth_year: int | None = None
    birth_month: int | None = None
    birth_day: int | None = None
    channel_id: int | None = None
    channel: str = ""  # channel name, filled on read
    tags: tuple[str, ...] = ()
    notes: str = ""
    dm_consent: bool = False
    dm_consent_at: dt.datetime | None = None
    dm_consent_channel: str = ""  # how consent was given (paper form, in person, LINE, ...)
    do_not_mail: bool = False
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    erased_at: dt.datetime | None = None  # personal data erased on request; visits kept
    language: str = ""  # the language of their DMs: "ja", "en", or "" = the shop's language
    honorific: str = ""  # "" = from the name (様 / 御中), or the owner's choice: "様", "御中"

    @property
    def has_birthday(self) -> bool:
        return self.birth_month is not None and self.birth_day is not None

    @property
    def address_lines(self) -> tuple[str, ...]:
        """Address without the postal code: prefecture+city+street, then building (if any)."""
        first = f"{self.prefecture}{self.city}{self.street}".strip()
        return tuple(line for line in (first, self.building.strip()) if line)

    @property
    def has_complete_address(self) -> bool:
        return bool(self.postal_code and self.prefecture and self.city and self.street)

    @property
    def can_mail(self) -> bool:
        """May receive DM: consented, not flagged do-not-mail, not erased."""
        return self.dm_consent and not self.do_not_mail and self.erased_at is None


@dataclass
class CustomerSummary:
    """One row of the customer table: the customer plus visit figures kept by the store."""

    id: int
    name: str
    kana: str
    phone: str
    code: str | None
    tags: tuple[str, ...]
    visit_count: int
    visit_days: int
    total_spent: int
    first_visit_at: dt.datetime | None
    last_visit_at: dt.datetime | None
    has_allergy: bool = False
    birth_month: int | None = None
    birth_day: int | None = None
    dm_consent: bool = False


@dataclass
class Preference:
    customer_id: int
    kind: str  # PREFERENCE_KINDS
    level: str  # PREFERENCE_LEVELS
    label: str
    id: int | None = None
    menu_item_id: int | None = None
    note: str = ""
    created_at: dt.datetime | None = None


@dataclass
class MenuCategory:
    name: str
    kind: str = "food"  # drink / food / other
    id: int | None = None
    sort_order: int = 0


@dataclass
class MenuItem:
    name: str
    price: int
    category_id: int | None = None
    category: str = ""  # filled on read
    kind: str = "food"  # the category's kind, filled on read
    id: int | None = None
    active: bool = True
    sort_order: int = 0
    reading: str = ""  # katakana, searched like the name (えだ finds 枝豆)


@dataclass
class VisitItem:
    name: str
    menu_item_id: int | None = None
    quantity: int = 1
    price: int | None = None
    id: int | None = None
    visit_id: int | None = None


@dataclass
class Visit:
    customer_id: int | None
    visited_at: dt.datetime
    amount: int
    party_size: int = 1
    items: list[VisitItem] = field(default_factory=list)
    staff: str = ""
    note: str = ""
    id: int | None = None
    coupon_code: str | None = None  # the coupon redeemed on this visit, filled on read
    created_at: dt.datetime | None = None


@dataclass
class Channel:
    name: str
    id: int | None = None
    active: bool = True
    sort_order: int = 0


@dataclass
class Campaign:
    name: str
    kind: str  # CAMPAIGN_KINDS
    id: int | None = None
    discount_type: str = "percent"  # DISCOUNT_TYPES
    discount_value: int = 10  # percent, or an amount in minor units
    discount_item: str = ""  # for discount_type == "item"
    valid_days: int | None = 30  # validity counted from issue, or ...
    valid_from: dt.date | None = None  # ... a fixed date range
    valid_until: dt.date | None = None
    template: str = ""  # DM text with {name}, {favourite}, {coupon_code}, {expires}, {shop_name}
    cost_per_piece: int = 0  # printing + postage per piece
    winback_days: int = 90  # win-back: no visit for this many days
    filter: dict = field(default_factory=dict)  # custom: saved filter (tags, prefs, counts, ...)
    active: bool = True
    created_at: dt.datetime | None = None


@dataclass
class Coupon:
    code: str
    campaign_id: int
    customer_id: int
    valid_from: dt.date
    valid_until: dt.date
    id: int | None = None
    period_key: str = (
        ""  # issue period (e.g. "2026-12" for a birthday month): makes issuing idempotent
    )
    issued_at: dt.datetime | None = None
    redeemed_at: dt.datetime | None = None
    redeemed_visit_id: int | None = None
    voided_at: dt.datetime | None = None
    void_reason: str = ""
    campaign_name: str = ""  # filled on read


@dataclass
class Mailing:
    customer_id: int
    piece: str  # PIECE_KINDS
    sent_at: dt.datetime
    campaign_id: int | None = None
    coupon_id: int | None = None
    batch: str = ""
    id: int | None = None
    campaign_name: str = ""  # filled on read
