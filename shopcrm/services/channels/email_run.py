"""Sending a campaign run by e-mail: who is reached and who is left out (before anything is sent),
then each message through the send ledger, throttled, with retries, safe to resume.

The run's key is the campaign and its issue period. For each guest the ledger row is made (or
found) and its attempt committed BEFORE the message goes out; when the server accepts it, the row
turns ``sent`` together with the guest's mailing (channel 'email'), in one transaction. A resumed
run skips ``sent`` and ``failed`` rows and sends ``pending`` ones again with their own Message-ID
(see ``store/email_ledger.py`` for why that is the conservative choice).

Temporary trouble (4xx, a dropped connection) is retried with backoff (1 s, 2 s, 4 s, …) up to
``MAX_ATTEMPTS``; a guest still not sent stays ``pending`` for the next run. A permanent refusal
(5xx) marks the ledger row ``failed`` and the guest's address as bounced, which leaves them out of
every later e-mail run until the address is corrected.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlite_utils import Database

from shopcrm.domain.models import Campaign, Coupon, Customer
from shopcrm.i18n import using_language
from shopcrm.services import campaigns
from shopcrm.services.channels import email, reach
from shopcrm.services.channels.errors import CONNECT, PERMANENT, TEMPORARY, EmailError
from shopcrm.services.channels.smtp import Connection, SmtpConfig
from shopcrm.services.printing.plan import dm_language
from shopcrm.store import campaign_records, consents, email_ledger, mailings, settings
from shopcrm.store import coupons as coupon_store

MAX_ATTEMPTS = 4  # per guest per run: the first try and three retries
BACKOFF_SECONDS = 1.0  # doubled after each temporary failure, at most MAX_BACKOFF
MAX_BACKOFF = 60.0

ProgressFn = Callable[[int, int, str], None]
CancelFn = Callable[[], bool]


@dataclass
class Recipient:
    customer: Customer
    coupon: Coupon
    run_key: str  # the ledger's run: the campaign and this coupon's issue period


@dataclass
class EmailPlan:
    campaign: Campaign
    period_key: str | None
    run_key: str  # the run shown (all periods: "campaign:ID:*"); each recipient has its own
    recipients: list[Recipient]  # to send now
    left_out: list[tuple[Customer, str]]  # (guest, reach reason)
    already_sent: int = 0  # sent by an earlier (interrupted) run of the same key
    failed_before: int = 0  # refused permanently in an earlier run of the same key
    post_reach: int = 0  # coupon holders the post channel may reach (for the per-channel view)
    favourites: dict[int, str] = field(default_factory=dict)

    @property
    def reasons(self) -> dict[str, int]:
        return dict(Counter(reason for _c, reason in self.left_out))


@dataclass
class SendResult:
    sent: int = 0
    failed: list[tuple[Customer, str]] = field(default_factory=list)  # permanent, with reply
    deferred: list[tuple[Customer, str]] = field(default_factory=list)  # temporary, retry later
    left_out: int = 0
    already_sent: int = 0
    cancelled: bool = False


def run_key(campaign: Campaign, period_key: str | None) -> str:
    """A run is one issue period of a campaign (a birthday month, a win-back lapse, ...): a guest
    is mailed once per run, and again for a coupon of a later period."""
    return f"campaign:{campaign.id}:{period_key or '*'}"


def plan(
    db: Database,
    campaign: Campaign | str | int,
    *,
    period_key: str | None = None,
    today: dt.date | None = None,
) -> EmailPlan:
    """Who the run reaches by e-mail (the campaign's unused coupons, of ``period_key`` if
    given) and who is left out and why; nothing is sent."""
    camp = campaign if isinstance(campaign, Campaign) else campaign_records.get(db, campaign)
    if camp.id is None:
        raise ValueError("an unsaved campaign has no coupons")
    ledger = email_ledger.for_campaign(db, camp.id)
    open_coupons: dict[int, list[Coupon]] = {}
    for c in coupon_store.for_campaign(db, camp.id, period_key=period_key, today=today):
        open_coupons.setdefault(c.customer_id, []).append(c)
    people = campaign_records.customers_by_ids(db, open_coupons)
    consent = consents.for_customers(db, open_coupons, "email")
    out = EmailPlan(camp, period_key, run_key(camp, period_key), [], [])
    for cand in people:
        cust = cand.customer
        assert cust.id is not None  # read from the database
        # one mail per guest: their first open coupon whose run has not mailed them yet
        todo: Coupon | None = None
        states = []
        for c in open_coupons[cust.id]:
            row = ledger.get((run_key(camp, c.period_key), cust.id))
            states.append(row.state if row else "")
            if row is None or row.state == "pending":
                todo = c
                break
        if todo is None:
            if "failed" in states:
                out.failed_before += 1
            else:
                out.already_sent += 1
            continue
        if reach.leave_out_reason(cust, "post", None) is None:
            out.post_reach += 1
        why = reach.leave_out_reason(cust, "email", consent.get(cust.id))
        if why:
            out.left_out.append((cust, why))
        else:
            out.recipients.append(Recipient(cust, todo, run_key(camp, todo.period_key)))
    out.favourites = campaign_records.favourites(
        db, [r.customer.id for r in out.recipients if r.customer.id is not None]
    )
    return out


def message_for(db_settings: dict, cfg: SmtpConfig, p: EmailPlan, r: Recipient, message_id: str):
    """The guest's message, in their language (else the language the campaign is written in)."""
    camp = p.campaign
    lang = r.customer.language or dm_language(camp.template) or "ja"
    assert r.customer.id is not None
    with using_language(lang) as used:
        text = campaigns.render_message(
            camp.template, r.customer, r.coupon, db_settings,
            favourite=p.favourites.get(r.customer.id, ""), campaign=camp, lang=used,
        )  # fmt: skip
        return email.build(
            cfg=cfg, shop=db_settings, customer=r.customer, coupon=r.coupon, campaign=camp,
            text=text, message_id=message_id, lang=used,
        )  # fmt: skip


def _wait(seconds: float, cancel: CancelFn | None, sleep: Callable[[float], None]) -> bool:
    """Sleep ``seconds`` in short steps; False when cancelled meanwhile."""
    end = time.monotonic() + seconds
    while True:
        if cancel is not None and cancel():
            return False
        left = end - time.monotonic()
        if left <= 0:
            return True
        sleep(min(left, 0.2))


def send(
    db: Database,
    p: EmailPlan,
    cfg: SmtpConfig,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    sleep: Callable[[float], None] = time.sleep,
    max_attempts: int = MAX_ATTEMPTS,
    backoff: float = BACKOFF_SECONDS,
) -> SendResult:
    """Send the plan's messages (see the module docstring). Settings errors, TLS and login
    failures, and a server that stays unreachable stop the run with ``EmailError``; what was
    sent until then stays recorded."""
    shop = settings.get_all(db)
    result = SendResult(left_out=len(p.left_out), already_sent=p.already_sent)
    interval = 60.0 / max(cfg.per_minute, 1)
    total = len(p.recipients)
    last_sent: float | None = None
    with Connection(cfg) as conn:
        for done, r in enumerate(p.recipients):
            if cancel is not None and cancel():
                result.cancelled = True
                break
            if progress:
                progress(done, total, r.customer.email)
            assert r.customer.id is not None
            row = email_ledger.begin(
                db, r.run_key, r.customer.id, campaign_id=p.campaign.id,
                coupon_id=r.coupon.id, address=r.customer.email, domain=cfg.domain,
            )  # fmt: skip
            if row.state != "pending":  # another run sent or refused it meanwhile
                continue
            msg = message_for(shop, cfg, p, r, row.message_id)
            attempt = 1
            while True:
                if last_sent is not None and not _wait(
                    last_sent + interval - time.monotonic(), cancel, sleep
                ):
                    result.cancelled = True
                    break
                try:
                    conn.send(msg)
                except EmailError as exc:
                    last_sent = time.monotonic()
                    if exc.kind == PERMANENT:
                        with db.atomic():
                            email_ledger.mark_failed(db, row.id, exc.message)
                            consents.mark_bounced(db, r.customer.id, exc.message)
                        result.failed.append((r.customer, exc.message))
                        break
                    if exc.kind not in (TEMPORARY, CONNECT):
                        raise
                    email_ledger.note_error(db, row.id, exc.message, count_attempt=False)
                    if attempt >= max_attempts:
                        if exc.kind == CONNECT:
                            raise  # the server stays away: every next guest would fail too
                        result.deferred.append((r.customer, exc.message))
                        break
                    wait = min(backoff * 2 ** (attempt - 1), MAX_BACKOFF)
                    if not _wait(wait, cancel, sleep):
                        result.cancelled = True
                        break
                    attempt += 1
                    email_ledger.note_error(db, row.id, exc.message)  # one more attempt
                    continue
                last_sent = time.monotonic()
                with db.atomic():
                    email_ledger.mark_sent(db, row.id)
                    mailings.record_email(
                        db, customer_id=r.customer.id, campaign_id=p.campaign.id,
                        coupon_id=r.coupon.id, batch=r.run_key,
                    )  # fmt: skip
                result.sent += 1
                break
            if result.cancelled:
                break
    if progress:
        progress(result.sent + len(result.failed) + len(result.deferred), total, "")
    return result


def send_test(cfg: SmtpConfig, to: str = "") -> str:
    """A short test mail to ``to`` (default: the sender address) through the real SMTP path;
    returns the address it went to. ``EmailError`` says what went wrong."""
    target = to or cfg.sender_address
    msg = email.test_message(cfg, target, email_ledger.new_message_id(cfg.domain))
    with Connection(cfg) as conn:
        conn.send(msg)
    return target


def unsubscribe(db: Database, address_or_code: str) -> list[int]:
    """Record an unsubscribe (from a guest's reply): every guest with that e-mail address, or
    the guest whose coupon code it is. Returns their ids (empty: nobody matched)."""
    text = address_or_code.strip()
    if text.lower().startswith("unsubscribe"):
        text = text[len("unsubscribe") :].strip()
    ids = consents.customers_with_email(db, text) if "@" in text else []
    if not ids:
        coupon = coupon_store.find(db, text)
        ids = [coupon.customer_id] if coupon else []
    with db.atomic():
        for cid in ids:
            consents.unsubscribe(db, cid, "email")
    return ids
