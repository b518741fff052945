"""Mailings: one row per customer per piece sent: printed (postcard, letter, ticket, label, address
side; channel 'post'), an e-mail (piece and channel 'email', recorded by the e-mail send run) or a
LINE message (piece and channel 'line'); ``channel_of`` says which, in one place.

Printing records a mailing for every piece it produces, so a customer's detail shows what was sent
when, and analytics can weigh a campaign's cost against the visits its coupons brought.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlite_utils import Database

from shopcrm.domain.models import PIECE_KINDS, Mailing
from shopcrm.store.dialect import insert_id

_SELECT = """SELECT mailings.id, mailings.customer_id, mailings.campaign_id, mailings.coupon_id,
    mailings.piece, mailings.batch, mailings.sent_at, coalesce(campaigns.name, '')
    FROM mailings LEFT JOIN campaigns ON campaigns.id = mailings.campaign_id"""


def _from_row(row) -> Mailing:
    id_, customer_id, campaign_id, coupon_id, piece, batch, sent_at, campaign_name = row
    return Mailing(
        id=id_,
        customer_id=customer_id,
        campaign_id=campaign_id,
        coupon_id=coupon_id,
        piece=piece,
        batch=batch,
        sent_at=dt.datetime.fromisoformat(sent_at),
        campaign_name=campaign_name,
    )


def record(db: Database, mailings: Iterable[Mailing]) -> list[Mailing]:
    """Insert the mailings of one print run in one transaction; fills their ``id``."""
    items = list(mailings)
    for m in items:
        if m.piece not in PIECE_KINDS:
            raise ValueError(f"unknown piece kind {m.piece!r} (one of {', '.join(PIECE_KINDS)})")
    with db.atomic():
        for m in items:
            sent = (m.sent_at or dt.datetime.now()).replace(microsecond=0)
            m.sent_at = sent
            cursor = insert_id(
                db,
                "INSERT INTO mailings(customer_id, campaign_id, coupon_id, piece, batch, sent_at,"
                " channel) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    m.customer_id,
                    m.campaign_id,
                    m.coupon_id,
                    m.piece,
                    m.batch,
                    sent.isoformat(sep=" "),
                    channel_of(m.piece),
                ],
            )
            m.id = cursor
    return items


EMAIL = "email"  # the piece and channel of a sent e-mail
LINE = "line"  # the piece and channel of a LINE message


def channel_of(piece: str) -> str:
    """The channel a piece went by: 'email' and 'line' are their own; every printed piece is
    'post' (what postage and print cost is counted on)."""
    return piece if piece in (EMAIL, LINE) else "post"


def record_email(
    db: Database,
    *,
    customer_id: int,
    campaign_id: int | None,
    coupon_id: int | None,
    batch: str,
    sent_at: dt.datetime | None = None,
) -> Mailing:
    """One sent e-mail as a mailing (inside the caller's transaction, with its ledger row), so it
    shows in the guest's record and counts as the coupon having been sent."""
    mailing = Mailing(
        customer_id=customer_id,
        piece=EMAIL,
        sent_at=sent_at or dt.datetime.now(),
        campaign_id=campaign_id,
        coupon_id=coupon_id,
        batch=batch,
    )
    return record(db, [mailing])[0]


def for_customer(db: Database, customer_id: int) -> list[Mailing]:
    """What was sent to the customer, newest first."""
    rows = db.execute(
        f"{_SELECT} WHERE mailings.customer_id = ?"
        " ORDER BY mailings.sent_at DESC, mailings.id DESC",
        [customer_id],
    ).fetchall()
    return [_from_row(r) for r in rows]


def for_campaign(db: Database, campaign_id: int) -> list[Mailing]:
    """Every piece sent for the campaign, oldest first."""
    rows = db.execute(
        f"{_SELECT} WHERE mailings.campaign_id = ? ORDER BY mailings.sent_at, mailings.id",
        [campaign_id],
    ).fetchall()
    return [_from_row(r) for r in rows]


def count_for_campaign(db: Database, campaign_id: int, channel: str = "post") -> int:
    """How many pieces went out for the campaign by ``channel``: 'post' (the default) is what its
    printing and postage cost is counted on (× cost per piece); 'email' and 'line' cost nothing."""
    return db.execute(
        "SELECT count(*) FROM mailings WHERE campaign_id = ? AND channel = ?",
        [campaign_id, channel],
    ).fetchone()[0]


def mailed_coupons(
    db: Database, coupon_ids: Iterable[int], pieces: Iterable[str]
) -> dict[int, dt.datetime]:
    """Of these coupons, those already sent as one of ``pieces`` (e.g. postcard, letter), with
    the first time each was sent: what a print run leaves out unless a reprint is asked for."""
    ids = sorted({int(i) for i in coupon_ids})
    kinds = sorted(set(pieces))
    found: dict[int, dt.datetime] = {}
    if not kinds:
        return found
    kind_marks = ", ".join("?" for _ in kinds)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        for coupon_id, sent_at in db.execute(
            f"SELECT coupon_id, min(sent_at) FROM mailings WHERE coupon_id IN ({marks})"
            f" AND piece IN ({kind_marks}) GROUP BY coupon_id",
            [*chunk, *kinds],
        ):
            found[coupon_id] = dt.datetime.fromisoformat(sent_at)
    return found
