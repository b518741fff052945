"""Coupons in the database: checking a typed code, redeeming it with a visit, listing, voiding.

A coupon is used at most once. The service checks first (clear messages), and the database
enforces it anyway: ``coupons.redeemed_visit_id`` is UNIQUE and the ``coupons_single_use`` trigger
refuses to point a redeemed coupon at another visit. ``redeem`` runs inside the caller's
transaction (``visits.record``), so a failed redemption rolls the visit back and vice versa.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from collections.abc import Iterable

from sqlite_utils import Database

from shopcrm.domain import codes
from shopcrm.domain.codes import CouponError
from shopcrm.domain.dates import business_day
from shopcrm.domain.models import Coupon
from shopcrm.i18n import N_
from shopcrm.store.business_day import start_hour, today
from shopcrm.store.dialect import insert_id
from shopcrm.store.engine import IntegrityError
from shopcrm.store.errors import NotFound

__all__ = [
    "STATUSES",
    "STATUS_LABELS",
    "CouponError",
    "check",
    "find",
    "for_campaign",
    "for_customer",
    "get",
    "insert_many",
    "new_unique_codes",
    "redeem",
    "release_visit",
    "status",
    "void",
]

STATUSES = ("issued", "redeemed", "expired", "voided")
STATUS_LABELS = {
    "issued": N_("Issued"),
    "redeemed": N_("Redeemed"),
    "expired": N_("Expired"),
    "voided": N_("Voided"),
}

_SELECT = """SELECT coupons.id, coupons.code, coupons.campaign_id, coupons.customer_id,
    coupons.period_key, coupons.issued_at, coupons.valid_from, coupons.valid_until,
    coupons.redeemed_at, coupons.redeemed_visit_id, coupons.voided_at, coupons.void_reason,
    campaigns.name AS campaign_name
    FROM coupons JOIN campaigns ON campaigns.id = coupons.campaign_id"""


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if text else None


def _moment(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def _stamp(moment: dt.datetime) -> str:
    return moment.replace(microsecond=0).isoformat(sep=" ")


def _from_row(row: sqlite3.Row | tuple) -> Coupon:
    (id_, code, campaign_id, customer_id, period_key, issued_at, valid_from, valid_until,
     redeemed_at, redeemed_visit_id, voided_at, void_reason, campaign_name) = row  # fmt: skip
    return Coupon(
        id=id_,
        code=code,
        campaign_id=campaign_id,
        customer_id=customer_id,
        period_key=period_key,
        issued_at=_moment(issued_at),
        valid_from=_date(valid_from),
        valid_until=_date(valid_until),
        redeemed_at=_moment(redeemed_at),
        redeemed_visit_id=redeemed_visit_id,
        voided_at=_moment(voided_at),
        void_reason=void_reason or "",
        campaign_name=campaign_name or "",
    )


def _query(db: Database, where: str, params: Iterable) -> list[Coupon]:
    return [_from_row(r) for r in db.execute(f"{_SELECT} WHERE {where}", list(params)).fetchall()]


def status(coupon: Coupon, today: dt.date | None = None) -> str:
    """One of ``STATUSES``: voided and redeemed win over expired."""
    if coupon.voided_at is not None:
        return "voided"
    if coupon.redeemed_visit_id is not None or coupon.redeemed_at is not None:
        return "redeemed"
    if coupon.valid_until < (today or dt.date.today()):
        return "expired"
    return "issued"


def find(db: Database, code: str) -> Coupon | None:
    """The coupon with this code (typed in any accepted form), or ``None``; no judgement."""
    rows = _query(db, "coupons.code = ?", [codes.normalize_code(code)])
    return rows[0] if rows else None


def get(db: Database, coupon_id: int) -> Coupon:
    rows = _query(db, "coupons.id = ?", [coupon_id])
    if not rows:
        raise NotFound("coupon", coupon_id)
    return rows[0]


def check(
    db: Database, code: str, *, customer_id: int | None = None, on: dt.date | None = None
) -> Coupon:
    """The coupon for ``code`` if it can be redeemed on ``on`` (default today) by ``customer_id``.

    Raises ``CouponError`` (field "coupon_code") saying why not: malformed or mistyped (before the
    database is asked), unknown, belongs to another customer (without naming them), voided, already
    used (when, on which visit), not yet valid (from which date), expired (on which date).
    ``customer_id=None`` (a guest not yet identified) skips the owner check.
    """
    printed = codes.check_code(code)
    if on is None:  # the business day: at 00:20 a coupon valid "until yesterday" still counts
        on = today(db)
    rows = _query(db, "coupons.code = ?", [printed])
    if not rows:
        raise _unknown(printed)
    coupon = rows[0]
    if customer_id is not None and coupon.customer_id != customer_id:
        raise CouponError(
            "other_customer",
            N_("Coupon {code} belongs to another guest and cannot be used for this one."),
            code=printed,
        )
    if coupon.voided_at is not None:
        raise CouponError(
            "voided",
            N_("Coupon {code} was cancelled on {date}."),
            code=printed,
            date=coupon.voided_at.date(),
        )
    if coupon.redeemed_visit_id is not None or coupon.redeemed_at is not None:
        raise _used(coupon)
    if on < coupon.valid_from:
        raise CouponError(
            "not_yet_valid",
            N_("Coupon {code} is not valid yet: it can be used from {date}."),
            code=printed,
            date=coupon.valid_from,
        )
    if on > coupon.valid_until:
        raise CouponError(
            "expired",
            N_("Coupon {code} expired on {date}."),
            code=printed,
            date=coupon.valid_until,
        )
    return coupon


def redeem(
    db: Database,
    code: str,
    *,
    customer_id: int | None,
    visit_id: int,
    at: dt.datetime | None = None,
) -> Coupon:
    """Mark the coupon used on ``visit_id`` at ``at``; ``CouponError`` when it cannot be.

    Runs in one transaction (a savepoint inside the caller's): call it from the transaction
    that writes the visit so both are written or neither.
    """
    at = at or dt.datetime.now()
    with db.atomic():
        on = business_day(at, start_hour(db))
        coupon = check(db, code, customer_id=customer_id, on=on)
        other = _query(db, "coupons.redeemed_visit_id = ?", [visit_id])
        if other:
            raise CouponError(
                "visit_has_coupon",
                N_("Visit #{visit} already redeemed coupon {code}: one coupon per visit."),
                visit=visit_id,
                code=other[0].code,
            )
        try:
            # a savepoint: PostgreSQL refuses every statement after an error until it is undone
            with db.atomic():
                cursor = db.execute(
                    "UPDATE coupons SET redeemed_at = ?, redeemed_visit_id = ?"
                    " WHERE id = ? AND redeemed_visit_id IS NULL AND voided_at IS NULL",
                    [_stamp(at), visit_id, coupon.id],
                )
        except IntegrityError as exc:
            # Someone redeemed it between the check and the update (another till, a race).
            raise _used_now(db, coupon) from exc
        if cursor.rowcount != 1:
            raise _used_now(db, coupon)
    return get(db, coupon.id)


def _used_now(db: Database, coupon: Coupon) -> CouponError:
    """Why the coupon cannot be redeemed after all (someone else was quicker)."""
    fresh = get(db, coupon.id)
    try:
        check(db, fresh.code)
    except CouponError as exc:
        return exc
    return _used(fresh)


def _unknown(printed: str) -> CouponError:
    return CouponError(
        "unknown",
        N_("No coupon has the code {code}: check the code on the coupon."),
        code=printed,
    )


def _used(coupon: Coupon) -> CouponError:
    return CouponError(
        "used",
        N_("Coupon {code} was already used on {when} (visit #{visit})."),
        code=coupon.code,
        when=coupon.redeemed_at or "?",
        visit=coupon.redeemed_visit_id if coupon.redeemed_visit_id is not None else "?",
    )


def release_visit(db: Database, visit_id: int) -> int:
    """Make the coupon redeemed on ``visit_id`` usable again (the visit is being deleted).

    Returns how many coupons were released (0 or 1).
    """
    with db.atomic():
        cursor = db.execute(
            "UPDATE coupons SET redeemed_at = NULL, redeemed_visit_id = NULL"
            " WHERE redeemed_visit_id = ?",
            [visit_id],
        )
    return cursor.rowcount


def for_customer(db: Database, customer_id: int) -> list[Coupon]:
    """The customer's coupons, newest first."""
    return _query(
        db,
        "coupons.customer_id = ? ORDER BY coupons.issued_at DESC, coupons.id DESC",
        [customer_id],
    )


def for_campaign(
    db: Database,
    campaign_id: int,
    *,
    period_key: str | None = None,
    unredeemed_only: bool = True,
    today: dt.date | None = None,
) -> list[Coupon]:
    """The campaign's coupons (of one period if given), in issue order.

    ``unredeemed_only`` (the default, what printing wants) leaves out redeemed, voided and
    expired coupons.
    """
    where = ["coupons.campaign_id = ?"]
    params: list = [campaign_id]
    if period_key is not None:
        where.append("coupons.period_key = ?")
        params.append(period_key)
    if unredeemed_only:
        where.append("coupons.redeemed_visit_id IS NULL AND coupons.redeemed_at IS NULL")
        where.append("coupons.voided_at IS NULL AND coupons.valid_until >= ?")
        params.append((today or dt.date.today()).isoformat())
    return _query(db, " AND ".join(where) + " ORDER BY coupons.id", params)


def existing_keys(db: Database, campaign_id: int, period_keys: Iterable[str]) -> dict:
    """``{(customer_id, period_key): code}`` of the campaign's coupons for those periods."""
    keys = sorted(set(period_keys))
    found: dict = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        for customer_id, key, code in db.execute(
            f"SELECT customer_id, period_key, code FROM coupons"
            f" WHERE campaign_id = ? AND period_key IN ({marks})",
            [campaign_id, *chunk],
        ):
            found[(customer_id, key)] = code
    return found


def new_unique_codes(db: Database, n: int, rng: random.Random | None = None) -> list[str]:
    """``n`` fresh codes, none already in the database nor repeated."""
    result: list[str] = []
    seen: set[str] = set()
    while len(result) < n:
        batch = [codes.generate_code(rng) for _ in range(n - len(result))]
        batch = [c for c in dict.fromkeys(batch) if c not in seen]
        if batch:
            marks = ", ".join("?" for _ in batch)
            taken = {
                r[0] for r in db.execute(f"SELECT code FROM coupons WHERE code IN ({marks})", batch)
            }
            for c in batch:
                if c not in taken:
                    seen.add(c)
                    result.append(c)
    return result


def insert_many(
    db: Database, coupons: list[Coupon], *, now: dt.datetime | None = None
) -> list[Coupon]:
    """Insert new coupons in one transaction; fills ``id`` and ``issued_at``.

    A coupon whose (campaign, customer, period) already exists is refused by the database
    (``store.engine.IntegrityError``) and nothing is written.
    """
    now = now or dt.datetime.now()
    with db.atomic():
        for c in coupons:
            c.code = codes.check_code(c.code)
            c.issued_at = c.issued_at or now.replace(microsecond=0)
            cursor = insert_id(
                db,
                "INSERT INTO coupons(code, campaign_id, customer_id, period_key, issued_at,"
                " valid_from, valid_until) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    c.code,
                    c.campaign_id,
                    c.customer_id,
                    c.period_key,
                    _stamp(c.issued_at),
                    c.valid_from.isoformat(),
                    c.valid_until.isoformat(),
                ],
            )
            c.id = cursor
    return coupons


def void(
    db: Database, code_or_id: str | int, reason: str = "", *, at: dt.datetime | None = None
) -> Coupon:
    """Cancel an unused coupon (lost, sent by mistake). A used coupon cannot be voided."""
    coupon = get(db, code_or_id) if isinstance(code_or_id, int) else find(db, code_or_id)
    if coupon is None:
        raise _unknown(codes.check_code(str(code_or_id)))
    if coupon.redeemed_visit_id is not None:
        raise _used(coupon)
    if coupon.voided_at is not None:
        return coupon
    with db.atomic():
        db.execute(
            "UPDATE coupons SET voided_at = ?, void_reason = ? WHERE id = ?",
            [_stamp(at or dt.datetime.now()), reason.strip(), coupon.id],
        )
    return get(db, coupon.id)
