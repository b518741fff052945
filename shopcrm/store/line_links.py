"""LINE: guests' LINE user IDs, one-time link codes, the send ledger and the relay's cursor.

A guest is linked when they send the shop's LINE Official Account a one-time link code (shown as
a QR code at the counter): that message, sent by the guest, is their opt-in to LINE messages.
An unfollow (or a block, which LINE reports as an unfollow) sets ``followed`` to 0 and LINE
messages stop; a later follow starts them again. ``customers.line_id`` (the handle people type)
is unrelated and kept as it is.

The send ledger (``line_sends``) holds one row per guest per run, written before the request and
after its answer, with the request's retry key, so a resend after a crash repeats the key.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from sqlite_utils import Database

from shopcrm.domain import codes
from shopcrm.domain.errors import ValidationError
from shopcrm.i18n import N_, _

USER_ID = re.compile(r"^U[0-9a-f]{32}$")
LINK_CODE_DATA = 6  # random characters; one check character follows (domain/codes.py alphabet)
LINK_CODE_HOURS = 24
_CODE_CHARS = f"[{codes.ALPHABET}]"
# In a message: 7 alphabet characters, maybe split 4-3 by a hyphen or a space.
_DASHES = "-\\s\u2010-\u2015\u2212\u30fc\uff70\u30fb"  # what a Japanese keyboard gives for "-"
_CODE_IN_TEXT = re.compile(
    rf"(?<![0-9A-Z]){_CODE_CHARS}{{4}}[{_DASHES}]?{_CODE_CHARS}{{3}}(?![0-9A-Z])"
)

FIELD_LABELS = {
    "line_user_id": N_("LINE user ID"),
    "line_link_code": N_("LINE link code"),
}


class LineError(ValidationError):
    """Bad LINE input, naming its field (user ID, link code, relay, quota, ...)."""

    @property
    def field_label(self) -> str:
        label = FIELD_LABELS.get(self.field) or LINE_FIELD_LABELS.get(self.field)
        return _(label) if label else self.field


# Labels of the fields the LINE services name (one home: here).
LINE_FIELD_LABELS = {
    "line_relay": N_("LINE relay"),
    "line_quota": N_("LINE message quota"),
    "line_token": N_("LINE channel access token"),
    "line_campaign": N_("Campaign"),
    "line_relay_url": N_("LINE relay URL"),
    "line_basic_id": N_("LINE basic ID"),
}


@dataclass
class LineLink:
    customer_id: int
    user_id: str
    linked_at: dt.datetime
    how: str
    link_code: str
    followed: bool
    followed_at: dt.datetime | None
    unfollowed_at: dt.datetime | None


@dataclass
class LinkCode:
    code: str  # compact, 7 characters
    customer_id: int
    issued_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None = None

    @property
    def shown(self) -> str:
        return format_link_code(self.code)


@dataclass
class Send:
    id: int
    run_key: str
    customer_id: int
    campaign_id: int | None
    coupon_id: int | None
    user_id: str
    text: str
    retry_key: str
    state: str  # pending | sent | failed
    attempts: int
    error: str


def _stamp(moment: dt.datetime) -> str:
    return moment.replace(microsecond=0).isoformat(sep=" ")


def _moment(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def check_user_id(user_id: str) -> str:
    user_id = (user_id or "").strip()
    if not USER_ID.match(user_id):
        raise LineError(
            "line_user_id",
            N_("must be the Messaging API's user ID: U and 32 hexadecimal digits (not {value})"),
            value=user_id or '""',
        )
    return user_id


# --- link codes ---------------------------------------------------------------------------------


def format_link_code(compact: str) -> str:
    """``K7QM4XR`` -> ``K7QM-4XR`` (the printed form, as coupon codes are grouped)."""
    return codes.format_code(compact)


def _new_code() -> str:
    data = "".join(secrets.choice(codes.ALPHABET) for _ in range(LINK_CODE_DATA))
    return data + codes.check_character(data)


def compact_code(text: str) -> str | None:
    """A typed or sent link code -> its compact form when it carries a correct check, else None."""
    compact = codes.compact_code(text)
    if len(compact) != LINK_CODE_DATA + 1 or any(ch not in codes.ALPHABET for ch in compact):
        return None
    return compact if codes.check_character(compact[:-1]) == compact[-1] else None


def codes_in_text(text: str) -> list[str]:
    """The well-formed link codes in a message (any width, any case), compact, in order."""
    found: list[str] = []
    for match in _CODE_IN_TEXT.finditer(unicodedata.normalize("NFKC", text or "").upper()):
        compact = compact_code(match.group(0))
        if compact and compact not in found:
            found.append(compact)
    return found


def issue_code(
    db: Database, customer_id: int, *, now: dt.datetime | None = None, hours: int = LINK_CODE_HOURS
) -> LinkCode:
    """A new one-time code for the guest; the guest's earlier unused codes stop working."""
    now = (now or _now()).replace(microsecond=0)
    expires = now + dt.timedelta(hours=hours)
    with db.atomic():
        db.execute(
            "UPDATE line_link_codes SET expires_at = ? WHERE customer_id = ? AND used_at IS NULL"
            " AND expires_at > ?",
            [_stamp(now), customer_id, _stamp(now)],
        )
        while True:
            code = _new_code()
            if db.execute("SELECT 1 FROM line_link_codes WHERE code = ?", [code]).fetchone():
                continue
            db.execute(
                "INSERT INTO line_link_codes(code, customer_id, issued_at, expires_at)"
                " VALUES (?, ?, ?, ?)",
                [code, customer_id, _stamp(now), _stamp(expires)],
            )
            return LinkCode(code, customer_id, now, expires)


def find_code(db: Database, compact: str) -> LinkCode | None:
    row = db.execute(
        "SELECT code, customer_id, issued_at, expires_at, used_at FROM line_link_codes"
        " WHERE code = ?",
        [compact],
    ).fetchone()
    if row is None:
        return None
    return LinkCode(row[0], row[1], _moment(row[2]), _moment(row[3]), _moment(row[4]))  # type: ignore[arg-type]


# --- links --------------------------------------------------------------------------------------

_LINK_SELECT = """SELECT customer_id, user_id, linked_at, how, link_code, followed, followed_at,
    unfollowed_at FROM line_links"""


def _link(row) -> LineLink:
    return LineLink(
        customer_id=row[0],
        user_id=row[1],
        linked_at=dt.datetime.fromisoformat(row[2]),
        how=row[3],
        link_code=row[4],
        followed=bool(row[5]),
        followed_at=_moment(row[6]),
        unfollowed_at=_moment(row[7]),
    )


def link_for(db: Database, customer_id: int) -> LineLink | None:
    row = db.execute(f"{_LINK_SELECT} WHERE customer_id = ?", [customer_id]).fetchone()
    return _link(row) if row else None


def link_by_user(db: Database, user_id: str) -> LineLink | None:
    row = db.execute(f"{_LINK_SELECT} WHERE user_id = ?", [user_id]).fetchone()
    return _link(row) if row else None


def links(db: Database, customer_ids: Iterable[int]) -> dict[int, LineLink]:
    ids = sorted({int(i) for i in customer_ids})
    found: dict[int, LineLink] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        for row in db.execute(f"{_LINK_SELECT} WHERE customer_id IN ({marks})", chunk):
            found[row[0]] = _link(row)
    return found


def use_code(db: Database, compact: str, user_id: str, at: dt.datetime) -> int | None:
    """Link ``user_id`` to the guest of the code when it is valid and unused at ``at``; marks
    the code used. Returns the guest's id, or None (unknown, used or expired code). The user ID
    moves from any other guest it was linked to (one LINE account, one guest). Call inside the
    caller's transaction."""
    user_id = check_user_id(user_id)
    code = find_code(db, compact)
    if code is None or code.used_at is not None or code.expires_at <= at:
        return None
    stamp = _stamp(at)
    db.execute(
        "UPDATE line_link_codes SET used_at = ?, used_by = ? WHERE code = ?",
        [stamp, user_id, compact],
    )
    db.execute(
        "DELETE FROM line_links WHERE user_id = ? AND customer_id != ?", [user_id, code.customer_id]
    )
    db.execute(
        "INSERT INTO line_links(customer_id, user_id, linked_at, how, link_code, followed,"
        " followed_at, unfollowed_at) VALUES (?, ?, ?, 'code', ?, 1, ?, NULL)"
        " ON CONFLICT(customer_id) DO UPDATE SET user_id = excluded.user_id,"
        " linked_at = excluded.linked_at, how = excluded.how, link_code = excluded.link_code,"
        " followed = 1, followed_at = excluded.followed_at, unfollowed_at = NULL",
        [code.customer_id, user_id, stamp, compact, stamp],
    )
    return code.customer_id


def set_followed(db: Database, user_id: str, followed: bool, at: dt.datetime) -> int | None:
    """A follow (True) or unfollow/block (False) of a linked user; the guest's id or None."""
    link = link_by_user(db, user_id)
    if link is None:
        return None
    if followed:
        db.execute(
            "UPDATE line_links SET followed = 1, followed_at = ?, unfollowed_at = NULL"
            " WHERE user_id = ?",
            [_stamp(at), user_id],
        )
    else:
        db.execute(
            "UPDATE line_links SET followed = 0, unfollowed_at = ? WHERE user_id = ?",
            [_stamp(at), user_id],
        )
    return link.customer_id


def unlink(db: Database, customer_id: int) -> None:
    with db.atomic():
        db.execute("DELETE FROM line_links WHERE customer_id = ?", [customer_id])
        db.execute(
            "DELETE FROM line_link_codes WHERE customer_id = ? AND used_at IS NULL", [customer_id]
        )


# --- the relay's cursor ---------------------------------------------------------------------------


def cursor(db: Database, relay: str) -> int:
    row = db.execute("SELECT last_event FROM line_relay_cursor WHERE relay = ?", [relay]).fetchone()
    return int(row[0]) if row else 0


def set_cursor(db: Database, relay: str, last_event: int, at: dt.datetime | None = None) -> None:
    """Call inside the transaction that applies the events (so they are applied exactly once)."""
    db.execute(
        "INSERT INTO line_relay_cursor(relay, last_event, pulled_at) VALUES (?, ?, ?)"
        " ON CONFLICT(relay) DO UPDATE SET last_event = excluded.last_event,"
        " pulled_at = excluded.pulled_at",
        [relay, int(last_event), _stamp(at or _now())],
    )


# --- the send ledger ----------------------------------------------------------------------------

_SEND_SELECT = """SELECT id, run_key, customer_id, campaign_id, coupon_id, user_id, text,
    retry_key, state, attempts, error FROM line_sends"""


def _send(row) -> Send:
    return Send(*row)


def sends(db: Database, run_key: str) -> list[Send]:
    return [
        _send(r) for r in db.execute(f"{_SEND_SELECT} WHERE run_key = ? ORDER BY id", [run_key])
    ]


def sent_coupon_ids(db: Database, coupon_ids: Iterable[int]) -> set[int]:
    """Of these coupons, those already in the ledger (sent, waiting to be resent, or failed for
    good: a coupon goes out on LINE at most once)."""
    ids = sorted({int(i) for i in coupon_ids})
    found: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        found.update(
            r[0]
            for r in db.execute(
                f"SELECT coupon_id FROM line_sends WHERE coupon_id IN ({marks})",
                chunk,
            )
        )
    return found


def plan_sends(db: Database, rows: Iterable[dict], *, now: dt.datetime | None = None) -> None:
    """Write the ledger rows of a run (state pending) in one transaction, before anything is
    sent. Each row: run_key, customer_id, campaign_id, coupon_id, user_id, text, retry_key. A row
    already there for (run, guest) is kept as it is (with its retry key)."""
    stamp = _stamp(now or _now())
    with db.atomic():
        for r in rows:
            db.execute(
                "INSERT INTO line_sends(run_key, customer_id, campaign_id, coupon_id, user_id,"
                " text, retry_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                [
                    r["run_key"],
                    r["customer_id"],
                    r["campaign_id"],
                    r["coupon_id"],
                    r["user_id"],
                    r["text"],
                    r["retry_key"],
                    stamp,
                ],
            )


def mark_attempt(db: Database, ids: Iterable[int], *, state: str, error: str = "") -> None:
    """One more attempt for these rows, with its outcome (pending = retry later, failed)."""
    with db.atomic():
        for send_id in ids:
            db.execute(
                "UPDATE line_sends SET attempts = attempts + 1, state = ?, error = ?"
                " WHERE id = ? AND state != 'sent'",
                [state, error, send_id],
            )


def mark_sent(db: Database, ids_and_mailings: Iterable[tuple[int, int]], at: dt.datetime) -> None:
    """Rows accepted by LINE, each with the mailing recorded for it (call inside the same
    transaction as the mailings)."""
    for send_id, mailing_id in ids_and_mailings:
        db.execute(
            "UPDATE line_sends SET attempts = attempts + 1, state = 'sent', error = '',"
            " sent_at = ?, mailing_id = ? WHERE id = ?",
            [_stamp(at), mailing_id, send_id],
        )


def pending_for_campaign(db: Database, campaign_id: int) -> list[Send]:
    """The campaign's ledger rows not yet accepted by LINE (nor failed for good), oldest first."""
    return [
        _send(r)
        for r in db.execute(
            f"{_SEND_SELECT} WHERE campaign_id = ? AND state = 'pending' ORDER BY id", [campaign_id]
        )
    ]


def forget(db: Database, customer_id: int) -> None:
    """An erasure: drop the guest's LINE link and codes and blank the user ID and text in their
    ledger rows (the rows stay, like mailings, so a campaign's figures do not change). Call
    inside the erasure's transaction."""
    db.execute("DELETE FROM line_links WHERE customer_id = ?", [customer_id])
    db.execute("DELETE FROM line_link_codes WHERE customer_id = ?", [customer_id])
    db.execute("UPDATE line_sends SET user_id = '', text = '' WHERE customer_id = ?", [customer_id])
