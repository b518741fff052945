"""Consent per channel: post, e-mail (and LINE, whose link table another module keeps).

One row per guest and channel in ``consents``: whether they consented, when and how, when they
unsubscribed, and for e-mail a permanent delivery failure (bounce). Post consent has ONE home,
``customers.dm_consent`` (with its date and how), which printing reads; migration 0060's triggers
mirror it into the ``post`` row, and ``give``/``withdraw`` for post write the customer's columns.
Who a channel may reach is decided in one place: ``services/channels/reach.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlite_utils import Database

CHANNELS = ("post", "email", "line")


@dataclass(frozen=True)
class Consent:
    customer_id: int
    channel: str
    consented: bool = False
    consented_at: dt.datetime | None = None
    how: str = ""
    unsubscribed_at: dt.datetime | None = None
    bounced_at: dt.datetime | None = None
    bounce_reason: str = ""


def _moment(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def _text(moment: dt.datetime | None) -> str | None:
    return moment.replace(microsecond=0).isoformat(sep=" ") if moment else None


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _check(channel: str) -> None:
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r} (one of {', '.join(CHANNELS)})")


_COLUMNS = (
    "customer_id, channel, consented, consented_at, how, unsubscribed_at, bounced_at, bounce_reason"
)


def _from_row(row) -> Consent:
    cid, channel, consented, at, how, unsub, bounced, reason = row
    return Consent(
        cid, channel, bool(consented), _moment(at), how, _moment(unsub), _moment(bounced), reason
    )


def get(db: Database, customer_id: int, channel: str) -> Consent:
    """The guest's consent on ``channel``; nothing known reads as no consent."""
    _check(channel)
    row = db.execute(
        f"SELECT {_COLUMNS} FROM consents WHERE customer_id = ? AND channel = ?",
        [customer_id, channel],
    ).fetchone()
    return _from_row(row) if row else Consent(customer_id, channel)


def for_customer(db: Database, customer_id: int) -> dict[str, Consent]:
    """Every channel's consent of the guest (post, e-mail, LINE), known or not."""
    found = {
        r[1]: _from_row(r)
        for r in db.execute(f"SELECT {_COLUMNS} FROM consents WHERE customer_id = ?", [customer_id])
    }
    return {ch: found.get(ch, Consent(customer_id, ch)) for ch in CHANNELS}


def for_customers(db: Database, customer_ids: Iterable[int], channel: str) -> dict[int, Consent]:
    """The consent on ``channel`` of each of these guests (those with a row)."""
    _check(channel)
    ids = sorted({int(i) for i in customer_ids})
    out: dict[int, Consent] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        for row in db.execute(
            f"SELECT {_COLUMNS} FROM consents WHERE channel = ? AND customer_id IN ({marks})",
            [channel, *chunk],
        ):
            out[row[0]] = _from_row(row)
    return out


def _upsert(db: Database, customer_id: int, channel: str, **values) -> None:
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    updates = ", ".join(f"{k} = excluded.{k}" for k in values)
    db.execute(
        f"INSERT INTO consents(customer_id, channel, {names}) VALUES (?, ?, {marks})"
        f" ON CONFLICT(customer_id, channel) DO UPDATE SET {updates}",
        [customer_id, channel, *values.values()],
    )


def give(
    db: Database, customer_id: int, channel: str, how: str = "", at: dt.datetime | None = None
) -> None:
    """The guest consents to ``channel`` (now, or ``at``), given ``how``; it clears an earlier
    unsubscribe (a new, explicit consent). A bounce stays until the address changes."""
    _check(channel)
    moment = _text(at or _now())
    with db.atomic():
        if channel == "post":  # its home is the customer row; the trigger mirrors it here
            db.execute(
                "UPDATE customers SET dm_consent = 1, dm_consent_at = ?, dm_consent_channel = ?"
                " WHERE id = ?",
                [moment, how, customer_id],
            )
        _upsert(db, customer_id, channel, consented=1, consented_at=moment, how=how,
                unsubscribed_at=None)  # fmt: skip


def unsubscribe(
    db: Database, customer_id: int, channel: str, at: dt.datetime | None = None
) -> None:
    """The guest asked to receive nothing more on ``channel``: consent ends, the date is kept."""
    _check(channel)
    with db.atomic():
        if channel == "post":
            db.execute("UPDATE customers SET dm_consent = 0 WHERE id = ?", [customer_id])
        _upsert(db, customer_id, channel, consented=0, unsubscribed_at=_text(at or _now()))


def mark_bounced(
    db: Database, customer_id: int, reason: str, at: dt.datetime | None = None
) -> None:
    """A permanent e-mail failure (the server refused the address): no more e-mail to it."""
    _upsert(db, customer_id, "email", bounced_at=_text(at or _now()), bounce_reason=reason[:500])


def clear_bounce(db: Database, customer_id: int) -> None:
    """The address was corrected: e-mail may be tried again."""
    db.execute(
        "UPDATE consents SET bounced_at = NULL, bounce_reason = ''"
        " WHERE customer_id = ? AND channel = 'email'",
        [customer_id],
    )


def customers_with_email(db: Database, address: str) -> list[int]:
    """Ids of the (not erased) guests whose e-mail address is ``address`` (case-insensitive)."""
    return [
        r[0]
        for r in db.execute(
            "SELECT id FROM customers WHERE lower(email) = lower(?) AND erased_at IS NULL"
            " ORDER BY id",
            [address.strip()],
        )
    ]
