"""Building ``Piece`` records from the database (a campaign's coupons, a birthday month or a list
of customers), the shop and printer offset from the settings, running a layout, and recording a
mailing per customer after a print run.

The printing modules that read the database are this one and ``plan.py`` (the mailing plan
every print run prints from); the layouts take ``Piece`` objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

from shopcrm.domain.models import Campaign, Coupon, Customer, Mailing
from shopcrm.domain.phone import format_phone
from shopcrm.services import campaigns
from shopcrm.services.printing import plan as mailing_plan
from shopcrm.services.printing.layout import (
    CancelFn,
    Offset,
    Piece,
    PrintResult,
    ProgressFn,
    Shop,
)
from shopcrm.services.printing.plan import MailingPlan
from shopcrm.store import campaign_records, mailings, settings
from shopcrm.store import coupons as coupon_store

# Layout names (CLI and Print page) -> the mailing's piece kind.
LAYOUTS = {
    "postcards": "postcard",
    "letters": "letter",
    "tickets": "ticket",
    "labels": "label",
    "address-side": "address_side",
    "postcards-duplex": "postcard",  # front and address side of each card, alternating
}


def shop_from_settings(db) -> Shop:
    s = settings.get_all(db)
    return Shop(
        name=s["shop_name"],
        postal_code=s["shop_postal_code"],
        address=s["shop_address"],
        building=s["shop_building"],
        phone=format_phone(s["shop_phone"]),  # stored as digits: 03-5722-0000 on paper
    )


def offset_from_settings(db) -> Offset:
    return Offset(settings.get(db, "print_offset_x_mm"), settings.get(db, "print_offset_y_mm"))


def _customers(db, ids: Iterable[int]) -> dict[int, Customer]:
    return {
        cand.customer.id: cand.customer
        for cand in campaign_records.customers_by_ids(db, ids)
        if cand.customer.id is not None  # read from the database: always
    }


def for_campaign(
    db,
    campaign: Campaign | str | int,
    *,
    customer_ids: Iterable[int] | None = None,
    period_key: str | None = None,
    today: dt.date | None = None,
) -> list[Piece]:
    """A piece per unused, unexpired coupon of the campaign (of these customers only, if given),
    with the message rendered from the campaign's template; in the customers' kana order."""
    camp = campaign if isinstance(campaign, Campaign) else campaign_records.get(db, campaign)
    # An unsaved campaign (no id) has no coupons, as the query would say.
    coupons = (
        coupon_store.for_campaign(db, camp.id, period_key=period_key, today=today)
        if camp.id is not None
        else []
    )
    if customer_ids is not None:
        wanted = {int(i) for i in customer_ids}
        coupons = [c for c in coupons if c.customer_id in wanted]
    people = _customers(db, {c.customer_id for c in coupons})
    messages = campaigns.messages_for(db, camp, coupons)
    order = {cid: n for n, cid in enumerate(people)}
    coupons.sort(key=lambda c: (order.get(c.customer_id, 0), c.id))
    return [
        Piece(people[c.customer_id], c, camp, messages.get(c.id, "") if c.id is not None else "")
        for c in coupons
        if c.customer_id in people
    ]


def for_customers(
    db, customer_ids: Iterable[int], *, campaign: Campaign | str | int | None = None
) -> list[Piece]:
    """A piece per customer in the list (kana order). With ``campaign``, each customer's unused
    coupon of it (and its message) is on their piece; customers without one get a plain piece."""
    ids = [int(i) for i in customer_ids]
    people = _customers(db, ids)
    with_coupon: dict[int, Piece] = {}
    if campaign is not None:
        for piece in for_campaign(db, campaign, customer_ids=ids):
            assert piece.customer.id is not None  # read from the database
            with_coupon.setdefault(piece.customer.id, piece)
    return [with_coupon.get(cid) or Piece(customer) for cid, customer in people.items()]


def for_birthday_month(db, month: int, *, today: dt.date | None = None) -> list[Piece]:
    """Everyone with a birthday in ``month`` (next occurrence), with their birthday coupon of that
    month when one was issued."""
    rows = campaigns.birthday_list(db, month=month, today=today)
    ids = [r.customer.id for r in rows if r.customer.id is not None]  # stored: all have one
    return for_customers(db, ids, campaign="birthday")


def render(
    layout: str,
    pieces: Sequence[Piece] | MailingPlan,
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
    """Run one layout (a ``LAYOUTS`` name) over a mailing plan, or over ``pieces`` made into
    one (``plan.from_pieces``): erasure, consent and addresses checked first, households on one
    card, the skipped customers listed in the result; the same cards for every layout."""
    if not isinstance(pieces, MailingPlan):
        pieces = mailing_plan.from_pieces(pieces, posted=layout in mailing_plan.POSTED_LAYOUTS)
    return mailing_plan.render(
        layout, pieces, out, shop=shop, offset=offset, sheet=sheet, start_row=start_row,
        start_col=start_col, today=today, progress=progress, cancel=cancel,
    )  # fmt: skip


def run(
    db,
    layout: str,
    pieces: Sequence[Piece] | MailingPlan,
    out: str | Path | None = None,
    *,
    record: bool = True,
    batch: str = "",
    **options,
) -> PrintResult:
    """``render`` with the shop and printer offset from the settings; with ``record`` a mailing is
    recorded per printed customer (one transaction) once the PDF is complete."""
    result = render(
        layout, pieces, out, shop=shop_from_settings(db), offset=offset_from_settings(db),
        **options,
    )  # fmt: skip
    if record:
        record_mailings(db, result.printed, layout, batch=batch)
    return result


def record_mailings(
    db, pieces: Sequence[Piece], layout: str, *, batch: str = "", now: dt.datetime | None = None
) -> list[Mailing]:
    """One mailing per printed customer (date, campaign, coupon, piece kind), in one transaction."""
    kind = LAYOUTS.get(layout, layout)
    now = (now or dt.datetime.now()).replace(microsecond=0)
    batch = batch or f"{kind}-{now:%Y%m%d-%H%M%S}"
    items = [
        Mailing(
            customer_id=p.customer.id,
            piece=kind,
            sent_at=now,
            campaign_id=p.campaign.id if p.campaign else None,
            coupon_id=p.coupon.id if p.coupon else None,
            batch=batch,
        )
        for p in pieces
        if p.customer.id is not None
    ]
    return mailings.record(db, items)


def sample_pieces(n: int = 3, *, today: dt.date | None = None) -> list[Piece]:
    """``n`` made-up pieces (no database): for previews of a layout, the benchmark and the docs."""
    today = today or dt.date(2026, 12, 1)
    campaign = Campaign(
        name="birthday", kind="birthday", id=1, discount_type="percent", discount_value=10
    )
    people = [
        (
            "山田 太郎",
            "1500001",
            "東京都",
            "渋谷区",
            "神宮前4-2-8",
            "グリーンハイツ203号室",
            "純米酒",
        ),
        ("佐藤 花子", "5300001", "大阪府", "大阪市北区", "梅田1-1-3", "", "ハイボール"),
        ("鈴木 一郎", "0600042", "北海道", "札幌市中央区", "大通西5-11", "大通ビル8階", "焼き鳥"),
        ("高橋 美咲", "8100001", "福岡県", "福岡市中央区", "天神2-5-28", "", "梅酒"),
    ]
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    pieces = []
    for i in range(n):
        name, postal, pref, city, street, building, fav = people[i % len(people)]
        customer = Customer(
            name=name,
            id=i + 1,
            postal_code=postal,
            prefecture=pref,
            city=city,
            street=street,
            building=building,
            dm_consent=True,
        )
        code = "".join(alphabet[(i * 7 + k * 13) % len(alphabet)] for k in range(8))
        code = f"{code[:4]}-{code[4:]}"
        coupon = Coupon(
            code=code,
            campaign_id=1,
            customer_id=i + 1,
            valid_from=today,
            valid_until=today + dt.timedelta(days=60),
            id=i + 1,
        )
        message = (
            f"{name}様\nお誕生日おめでとうございます。\n"
            f"いつもご来店ありがとうございます。{name.split()[0]}様のお好きな{fav}をご用意して、"
            "スタッフ一同お待ちしております。"
        )
        pieces.append(Piece(customer, coupon, campaign, message))
    return pieces


SAMPLE_SHOP = Shop(
    name="居酒屋 まるや",
    postal_code="1600022",
    address="東京都新宿区新宿3-1-24",
    building="まるやビル1階",
    phone="03-1234-5678",
)
