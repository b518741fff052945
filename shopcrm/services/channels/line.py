"""LINE as a channel: linking guests, pulling the relay's events, sending a campaign's coupons.

* Credentials: the channel access token and channel secret live in the OS keychain (``keyring``,
  service ``shopcrm-line``); the relay URL, its shared secret and the basic ID are settings.
* Linking: ``issue_link`` gives a one-time code and the ``https://line.me/R/oaMessage/…`` URL
  that opens the shop's chat with the code typed in; ``pull`` fetches the relay's events and
  links the guest whose valid unused code a message holds; follow/unfollow update the link.
* Sending: ``plan`` says, before anything is sent, who will get a LINE message and who is left
  out and why; ``send`` writes the ledger first (``store/line_links``), reads the monthly quota and
  refuses a run that would exceed it, then pushes (one guest) or multicasts (≤ 500 guests with
  the same text) with an ``X-Line-Retry-Key`` per request. A resend repeats the stored key, so
  LINE answers 409 instead of sending twice; a 409 counts as sent. Each message sent is a mailing
  (``piece='line'``). The coupon code is in the text; no QR image is sent (an image message needs
  a public HTTPS URL for the picture, which a counter PC does not have).
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sqlite_utils import Database

from shopcrm.domain import dates
from shopcrm.domain.models import Campaign, Coupon, Customer, Mailing
from shopcrm.i18n import N_, _, ngettext, using_language
from shopcrm.services import campaigns
from shopcrm.store import campaign_records, line_links, mailings, settings
from shopcrm.store import coupons as coupon_store
from shopcrm.store.line_links import LineError

if TYPE_CHECKING:
    from linebot.v3.messaging import MessagingApi

KEYRING_SERVICE = "shopcrm-line"
TOKEN_KEY = "channel_access_token"
SECRET_KEY = "channel_secret"
API_HOST = "https://api.line.me"
MULTICAST_MAX = 500  # LINE's limit of user IDs per multicast call
TRIES = 3  # attempts per request within one run (same retry key each time)
Progress = Callable[[int, int, str], None]

LEFT_OUT = {
    "not_linked": N_("Not linked to LINE"),
    "unfollowed": N_("Unfollowed or blocked the shop on LINE"),
    "erased": N_("Record erased on request"),
    "do_not_mail": N_("Flagged do-not-mail"),
    "already_sent": N_("Already in a LINE run (sent, failed, or waiting to be resent)"),
}


# --- credentials and whether LINE is on --------------------------------------------------------


# Lazy imports, on purpose: line-bot-sdk's messaging package takes ~0.8 s to import (pydantic
# models) and keyring ~0.1 s; every ``shopcrm`` start would pay for them. Only sending, and
# reading or writing the keychain, imports them.
def _keyring() -> Any:
    import keyring  # lazy: keyring costs ~0.1 s at start-up

    return keyring


def _sdk() -> Any:
    import linebot.v3.messaging  # lazy: line-bot-sdk's models cost ~0.8 s at start-up

    return linebot.v3.messaging


def set_credentials(*, token: str | None = None, secret: str | None = None) -> None:
    """Keep the channel access token and/or channel secret in the OS keychain."""
    keyring = _keyring()
    if token is not None:
        keyring.set_password(KEYRING_SERVICE, TOKEN_KEY, token.strip())
    if secret is not None:
        keyring.set_password(KEYRING_SERVICE, SECRET_KEY, secret.strip())


def _secret(key: str) -> str:
    keyring = _keyring()
    try:
        return keyring.get_password(KEYRING_SERVICE, key) or ""
    except keyring.errors.KeyringError:  # no keychain on this computer
        return ""


def access_token() -> str:
    return _secret(TOKEN_KEY)


def channel_secret() -> str:
    return _secret(SECRET_KEY)


def off_reason(db: Database) -> str:
    """Why guests cannot be linked now ("" when they can): LINE needs a relay and a basic ID."""
    values = settings.get_all(db)
    if not values["line_relay_url"]:
        return _(
            "LINE is off: no relay is set up. LINE delivers the guests' messages only to an "
            "internet address (the relay); set the LINE relay URL and its shared secret in the "
            "settings."
        )
    if not values["line_relay_secret"]:
        return _("LINE is off: the LINE relay shared secret is not set.")
    if not values["line_basic_id"]:
        return _("LINE is off: the shop's LINE basic ID (@…) is not set.")
    return ""


def send_off_reason(db: Database) -> str:
    """Why a campaign cannot be sent on LINE now ("" when it can)."""
    reason = off_reason(db)
    if reason:
        return reason
    if not access_token():
        return _(
            "LINE is off: the channel access token is not in the keychain "
            "(shopcrm line credentials)."
        )
    return ""


# --- linking ---------------------------------------------------------------------------------


def chat_url(basic_id: str, text: str) -> str:
    """``https://line.me/R/oaMessage/{basic ID}/?{text}``: opens the chat with the text typed in
    (LINE's URL scheme; the ID and the text percent-encoded as UTF-8)."""
    return f"https://line.me/R/oaMessage/{quote(basic_id, safe='')}/?{quote(text, safe='')}"


@dataclass
class LinkOffer:
    code: line_links.LinkCode
    text: str  # the message the guest sends
    url: str  # what the QR code holds


def link_text(code: str, lang: str | None = None) -> str:
    with using_language(lang):
        return _("Link code: {code}").format(code=line_links.format_link_code(code))


def issue_link(db: Database, customer: Customer, *, now: dt.datetime | None = None) -> LinkOffer:
    """A one-time code for the guest and the URL of the shop's chat with the code typed in.
    ``LineError`` (field LINE relay) when LINE is off."""
    reason = off_reason(db)
    if reason:
        raise LineError("line_relay", reason)
    assert customer.id is not None
    code = line_links.issue_code(db, customer.id, now=now)
    text = link_text(code.code, customer.language or None)
    return LinkOffer(code, text, chat_url(settings.get(db, "line_basic_id"), text))


@dataclass
class PullResult:
    events: int = 0
    linked: list[int] = field(default_factory=list)  # customer ids
    followed: list[int] = field(default_factory=list)
    unfollowed: list[int] = field(default_factory=list)
    ignored: int = 0  # messages without a valid code, follows of unknown users

    def summary(self) -> str:
        return _(
            "{events} LINE events: {linked} guests linked, {followed} followed again, "
            "{unfollowed} unfollowed."
        ).format(
            events=self.events,
            linked=len(self.linked),
            followed=len(self.followed),
            unfollowed=len(self.unfollowed),
        )


def _relay_get(url: str, secret: str, after: int, timeout: float) -> dict:
    request = urllib.request.Request(
        f"{url}/events?after={int(after)}", headers={"Authorization": f"Bearer {secret}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        if exc.code == 401:
            raise LineError(
                "line_relay", N_("The relay refused the shared secret: check both sides.")
            ) from exc
        raise LineError("line_relay", N_("The relay answered {status}."), status=exc.code) from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise LineError(
            "line_relay", N_("Cannot reach the relay at {url}: {error}"), url=url, error=exc
        ) from exc


def _event_time(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000).replace(microsecond=0) if ms else dt.datetime.now()


def apply_events(db: Database, events: list[dict], result: PullResult) -> None:
    """Link, follow and unfollow from relay events (inside the caller's transaction)."""
    for e in events:
        result.events += 1
        user_id = str(e.get("user_id") or "")
        if not line_links.USER_ID.match(user_id):
            result.ignored += 1
            continue
        at = _event_time(int(e.get("timestamp") or 0))
        kind = e.get("type")
        if kind == "message":
            linked = None
            for code in line_links.codes_in_text(str(e.get("text") or "")):
                linked = line_links.use_code(db, code, user_id, at)
                if linked is not None:
                    break
            if linked is None:
                result.ignored += 1
            else:
                result.linked.append(linked)
        elif kind in ("follow", "unfollow"):
            who = line_links.set_followed(db, user_id, kind == "follow", at)
            if who is None:
                result.ignored += 1
            else:
                (result.followed if kind == "follow" else result.unfollowed).append(who)
        else:
            result.ignored += 1


def pull(db: Database, *, timeout: float = 10) -> PullResult:
    """Fetch the relay's new events and apply them; each page of events is applied in one
    transaction with the cursor, so an event is applied exactly once."""
    reason = off_reason(db)
    if reason:
        raise LineError("line_relay", reason)
    url = settings.get(db, "line_relay_url")
    secret = settings.get(db, "line_relay_secret")
    result = PullResult()
    while True:
        after = line_links.cursor(db, url)
        page = _relay_get(url, secret, after, timeout)
        events = list(page.get("events") or [])
        with db.atomic():
            apply_events(db, events, result)
            line_links.set_cursor(db, url, int(page.get("last") or after))
        if not page.get("more") or not events:
            return result


# --- sending ---------------------------------------------------------------------------------


@dataclass
class Recipient:
    customer: Customer
    coupon: Coupon
    user_id: str
    text: str


@dataclass
class LinePlan:
    campaign: Campaign
    recipients: list[Recipient] = field(default_factory=list)
    left_out: list[tuple[int, str, str]] = field(default_factory=list)  # id, name, reason key
    pending: int = 0  # ledger rows of an earlier run still to send (resumed first)

    @property
    def messages(self) -> int:
        return len(self.recipients) + self.pending

    def left_out_by_reason(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for _id, _name, reason in self.left_out:
            counts[reason] = counts.get(reason, 0) + 1
        return counts

    def summary(self) -> str:
        n = self.messages
        parts = [
            ngettext(
                "{n} guest will get a LINE message.", "{n} guests will get a LINE message.", n
            ).format(n=n)
        ]
        if self.left_out:
            reasons = ", ".join(
                f"{_(LEFT_OUT[r])}: {k}" for r, k in sorted(self.left_out_by_reason().items())
            )
            parts.append(
                _("Left out {n}: {reasons}.").format(n=len(self.left_out), reasons=reasons)
            )
        return " ".join(parts)


def _with_code(text: str, coupon: Coupon, template: str, lang: str | None) -> str:
    """The campaign's text, with the coupon code and its last day added when the template does
    not show them (a LINE message must carry the code the guest shows at the counter)."""
    if "{coupon_code}" in template:
        return text
    with using_language(lang):
        extra = _("Coupon code: {code} (valid until {date})").format(
            code=coupon.code, date=dates.format_date(coupon.valid_until, lang)
        )
    return f"{text.rstrip()}\n\n{extra}"


def plan(
    db: Database,
    campaign: Campaign | str | int,
    *,
    period_key: str | None = None,
    today: dt.date | None = None,
) -> LinePlan:
    """Who gets the campaign's unredeemed, valid coupons on LINE, and who is left out and why.
    Writes nothing."""
    c = campaign if isinstance(campaign, Campaign) else campaign_records.get(db, campaign)
    assert c.id is not None
    result = LinePlan(campaign=c)
    result.pending = len(line_links.pending_for_campaign(db, c.id))
    coupons = coupon_store.for_campaign(db, c.id, period_key=period_key, today=today)
    already = line_links.sent_coupon_ids(db, [k.id for k in coupons if k.id is not None])
    people: dict[int, Customer] = {
        cand.customer.id: cand.customer
        for cand in campaign_records.customers_by_ids(db, {k.customer_id for k in coupons})
        if cand.customer.id is not None  # read from the database: always
    }
    links = line_links.links(db, people)
    favs = campaign_records.favourites(db, people)
    shop = settings.get_all(db)
    for coupon in coupons:
        person = people.get(coupon.customer_id)
        if person is None or person.id is None:
            continue
        link = links.get(person.id)
        reason = None
        if person.erased_at is not None:
            reason = "erased"
        elif person.do_not_mail:
            reason = "do_not_mail"
        elif coupon.id in already:
            reason = "already_sent"
        elif link is None:
            reason = "not_linked"
        elif not link.followed:
            reason = "unfollowed"
        if reason or link is None:
            result.left_out.append((person.id, person.name, reason or "not_linked"))
            continue
        lang = person.language or shop.get("language") or None
        with using_language(lang):
            text = campaigns.render_message(
                c.template,
                person,
                coupon,
                shop,
                favourite=favs.get(person.id, ""),
                campaign=c,
                lang=lang,
            )
        text = _with_code(text, coupon, c.template, lang)
        result.recipients.append(Recipient(person, coupon, link.user_id, text))
    return result


@dataclass
class Quota:
    limited: bool
    limit: int
    used: int

    @property
    def left(self) -> int | None:
        return max(0, self.limit - self.used) if self.limited else None


@dataclass
class SendResult:
    run_key: str
    sent: int = 0  # accepted by LINE in this run (409 "already accepted" included)
    already: int = 0  # of those, accepted in an earlier attempt (409)
    failed: list[tuple[int, str]] = field(default_factory=list)  # customer id, error
    waiting: int = 0  # still pending (temporary error): a later run resends with the same key
    quota: Quota | None = None
    pulled: PullResult | None = None  # the relay's events applied before the run
    pull_error: str = ""  # why the relay could not be asked (the run went ahead)

    def summary(self) -> str:
        text = ngettext("Sent {n} LINE message.", "Sent {n} LINE messages.", self.sent).format(
            n=self.sent
        )
        if self.failed:
            text += " " + _("Failed for {n} guests.").format(n=len(self.failed))
        if self.waiting:
            text += " " + _(
                "{n} not sent yet (LINE busy or unreachable): send again later."
            ).format(n=self.waiting)
        if self.pull_error:
            text += " " + _("The relay could not be checked first: {error}").format(
                error=self.pull_error
            )
        return text


def _api(host: str | None) -> MessagingApi:
    token = access_token()
    if not token:
        raise LineError("line_token", N_("is not in the keychain (shopcrm line credentials)."))
    sdk = _sdk()
    config = sdk.Configuration(host=host or API_HOST, access_token=token)
    return sdk.MessagingApi(sdk.ApiClient(config))


def read_quota(api: MessagingApi) -> Quota:
    """The month's message limit and what was used of it (LINE's quota and consumption)."""
    quota = api.get_message_quota(_request_timeout=10)
    used = api.get_message_quota_consumption(_request_timeout=10)
    limited = quota.type == "limited"
    return Quota(limited, int(quota.value or 0) if limited else 0, int(used.total_usage or 0))


def _error_text(exc: Any) -> str:
    try:
        body = json.loads(exc.body or "{}")
    except (ValueError, TypeError):
        body = {}
    message = body.get("message") or exc.reason or ""
    details = "; ".join(str(d.get("message", "")) for d in body.get("details") or [])
    return f"{exc.status} {message}" + (f" ({details})" if details else "")


def _request(api: MessagingApi, rows: list[line_links.Send]) -> tuple[str, str]:
    """Send one request for rows sharing a retry key: ("sent" | "already" | "pending" |
    "failed", error)."""
    import urllib3.exceptions  # lazy: loaded with the SDK (see _sdk)

    sdk = _sdk()
    key = rows[0].retry_key
    message = sdk.TextMessage(text=rows[0].text)
    error = ""
    for _try in range(TRIES):
        try:
            if len(rows) == 1:
                api.push_message_with_http_info(
                    sdk.PushMessageRequest(to=rows[0].user_id, messages=[message]),
                    x_line_retry_key=key,
                    _request_timeout=15,
                )
            else:
                api.multicast_with_http_info(
                    sdk.MulticastRequest(to=[r.user_id for r in rows], messages=[message]),
                    x_line_retry_key=key,
                    _request_timeout=15,
                )
            return "sent", ""
        except sdk.ApiException as exc:
            error = _error_text(exc)
            if exc.status == 409:  # this retry key was accepted before: not sent again
                return "already", ""
            if exc.status == 429:  # rate or monthly limit: stop, resend later with the same key
                return "pending", error
            if exc.status is not None and 400 <= exc.status < 500:
                return "failed", error
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            error = str(exc)
    return "pending", error


def send(
    db: Database,
    campaign: Campaign | str | int,
    *,
    period_key: str | None = None,
    today: dt.date | None = None,
    api_host: str | None = None,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
) -> SendResult:
    """Send the campaign's coupons on LINE; see the module docstring. ``LineError`` before
    anything is sent when LINE is off or the run needs more messages than the quota has left."""
    reason = send_off_reason(db)
    if reason:
        raise LineError("line_relay", reason)
    api = _api(api_host)
    # The relay's news first: a guest who blocked the shop since the last pull is left out.
    try:
        pulled: PullResult | None = pull(db)
        pull_error = ""
    except LineError as exc:  # LINE itself does not deliver to a guest who blocked the shop
        pulled, pull_error = None, str(exc)
    todo = plan(db, campaign, period_key=period_key, today=today)
    c = todo.campaign
    assert c.id is not None
    now = (now or dt.datetime.now()).replace(microsecond=0)
    run_key = f"line-{c.id}-{now:%Y%m%d%H%M%S}"
    quota = read_quota(api)
    if quota.limited and todo.messages > (quota.left or 0):
        raise LineError(
            "line_quota",
            N_(
                "This run needs {needed} messages but only {left} are left this month "
                "(of {limit}). Nothing was sent."
            ),
            needed=todo.messages,
            left=quota.left,
            limit=quota.limit,
        )
    # Ledger first: same text -> one multicast of at most 500, sharing one retry key.
    groups: dict[str, list[Recipient]] = {}
    for r in todo.recipients:
        groups.setdefault(r.text, []).append(r)
    rows: list[dict] = []
    for text, people in groups.items():
        for start in range(0, len(people), MULTICAST_MAX):
            key = str(uuid.uuid4())
            rows.extend(
                {
                    "run_key": run_key,
                    "customer_id": r.customer.id,
                    "campaign_id": c.id,
                    "coupon_id": r.coupon.id,
                    "user_id": r.user_id,
                    "text": text,
                    "retry_key": key,
                }
                for r in people[start : start + MULTICAST_MAX]
            )
    line_links.plan_sends(db, rows, now=now)
    result = deliver(db, c.id, api, run_key=run_key, quota=quota, progress=progress)
    result.pulled, result.pull_error = pulled, pull_error
    return result


def deliver(
    db: Database,
    campaign_id: int,
    api: MessagingApi,
    *,
    run_key: str,
    quota: Quota | None = None,
    progress: Progress | None = None,
) -> SendResult:
    """Send every pending ledger row of the campaign (this run's and earlier ones'), one request
    per retry key; record a mailing per guest accepted."""
    result = SendResult(run_key=run_key, quota=quota)
    by_key: dict[str, list[line_links.Send]] = {}
    for s in line_links.pending_for_campaign(db, campaign_id):
        by_key.setdefault(s.retry_key, []).append(s)
    total = sum(len(v) for v in by_key.values())
    done = 0
    stop = False
    for _key, rows in by_key.items():
        if stop:  # LINE said 429: the rest waits for a later run (same keys)
            result.waiting += len(rows)
            continue
        outcome, error = _request(api, rows)
        stop = outcome == "pending" and error.startswith("429")
        if outcome in ("sent", "already"):
            at = dt.datetime.now().replace(microsecond=0)
            with db.atomic():
                recorded = mailings.record(
                    db,
                    [
                        Mailing(
                            customer_id=r.customer_id,
                            campaign_id=r.campaign_id,
                            coupon_id=r.coupon_id,
                            piece="line",
                            batch=r.run_key,
                            sent_at=at,
                        )
                        for r in rows
                    ],
                )
                sent = [(r.id, int(m.id or 0)) for r, m in zip(rows, recorded, strict=True)]
                line_links.mark_sent(db, sent, at)
            result.sent += len(rows)
            if outcome == "already":
                result.already += len(rows)
        elif outcome == "failed":
            line_links.mark_attempt(db, [r.id for r in rows], state="failed", error=error)
            result.failed.extend((r.customer_id, error) for r in rows)
        else:
            line_links.mark_attempt(db, [r.id for r in rows], state="pending", error=error)
            result.waiting += len(rows)
        done += len(rows)
        if progress:
            progress(done, total, "")
    return result
