"""The e-mail send ledger: one row per guest per campaign run, written before and after sending.

A row is made ``pending`` (with its Message-ID, fixed once) and its attempt counted in a committed
transaction BEFORE the message goes to the SMTP server; after the server accepts it the row turns
``sent`` in the same transaction as the guest's mailing. ``failed`` is a permanent refusal.

After a crash a ``pending`` row is ambiguous: the server may have accepted the message just before
the process died. A resumed run sends it again with the SAME Message-ID (the same message, which
mail programs show once) rather than risk a guest never getting it; a guest is never sent a
second, different message, and a ``sent`` row is never sent again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlite_utils import Database

STATES = ("pending", "sent", "failed")


@dataclass(frozen=True)
class Send:
    id: int
    run_key: str
    customer_id: int
    campaign_id: int | None
    coupon_id: int | None
    address: str
    state: str
    message_id: str
    attempts: int
    last_error: str
    created_at: dt.datetime
    sent_at: dt.datetime | None


_COLUMNS = (
    "id, run_key, customer_id, campaign_id, coupon_id, address, state, message_id, attempts,"
    " last_error, created_at, sent_at"
)


def _now() -> str:
    return dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")


def _from_row(row) -> Send:
    id_, key, customer, campaign, coupon, address, state, mid, attempts, error, created, sent = row
    return Send(
        id_, key, customer, campaign, coupon, address, state, mid, attempts, error,
        created_at=dt.datetime.fromisoformat(created),
        sent_at=dt.datetime.fromisoformat(sent) if sent else None,
    )  # fmt: skip


def new_message_id(domain: str) -> str:
    """A globally unique Message-ID at the sender's domain: ``<hex@domain>``."""
    return f"<{uuid.uuid4().hex}@{domain or 'shopcrm.invalid'}>"


def for_run(db: Database, run_key: str) -> dict[int, Send]:
    """The run's rows by customer id."""
    return {
        r[2]: _from_row(r)
        for r in db.execute(f"SELECT {_COLUMNS} FROM email_sends WHERE run_key = ?", [run_key])
    }


def for_campaign(db: Database, campaign_id: int) -> dict[tuple[str, int], Send]:
    """Every row of the campaign's runs by (run key, customer id)."""
    return {
        (r[1], r[2]): _from_row(r)
        for r in db.execute(
            f"SELECT {_COLUMNS} FROM email_sends WHERE campaign_id = ?", [campaign_id]
        )
    }


def for_customer(db: Database, customer_id: int) -> list[Send]:
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM email_sends WHERE customer_id = ? ORDER BY id DESC",
        [customer_id],
    ).fetchall()
    return [_from_row(r) for r in rows]


def begin(
    db: Database,
    run_key: str,
    customer_id: int,
    *,
    campaign_id: int | None,
    coupon_id: int | None,
    address: str,
    domain: str,
) -> Send:
    """The guest's row of the run, made ``pending`` if new, with one more attempt counted,
    committed before the message is sent. A row that is already ``sent`` comes back unchanged."""
    with db.atomic():
        db.execute(
            "INSERT INTO email_sends(run_key, customer_id, campaign_id, coupon_id, address,"
            " message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(run_key, customer_id) DO NOTHING",
            [run_key, customer_id, campaign_id, coupon_id, address, new_message_id(domain),
             _now()],
        )  # fmt: skip
        db.execute(
            "UPDATE email_sends SET attempts = attempts + 1"
            " WHERE run_key = ? AND customer_id = ? AND state = 'pending'",
            [run_key, customer_id],
        )
        row = db.execute(
            f"SELECT {_COLUMNS} FROM email_sends WHERE run_key = ? AND customer_id = ?",
            [run_key, customer_id],
        ).fetchone()
    return _from_row(row)


def note_error(db: Database, send_id: int, error: str, *, count_attempt: bool = True) -> None:
    """A temporary failure: the row stays ``pending`` (a later try or run sends it)."""
    with db.atomic():
        db.execute(
            "UPDATE email_sends SET last_error = ?, attempts = attempts + ? WHERE id = ?",
            [error[:500], 1 if count_attempt else 0, send_id],
        )


def mark_sent(db: Database, send_id: int, at: dt.datetime | None = None) -> None:
    """Inside the caller's transaction (with the guest's mailing)."""
    db.execute(
        "UPDATE email_sends SET state = 'sent', sent_at = ?, last_error = '' WHERE id = ?",
        [(at or dt.datetime.now()).replace(microsecond=0).isoformat(sep=" "), send_id],
    )


def mark_failed(db: Database, send_id: int, error: str) -> None:
    """Inside the caller's transaction (with the guest's bounce mark)."""
    db.execute(
        "UPDATE email_sends SET state = 'failed', last_error = ? WHERE id = ?",
        [error[:500], send_id],
    )
