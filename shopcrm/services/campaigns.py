"""Campaign use cases: issuing coupons, birthday lists, and the personal DM text.

``issue`` gives each targeted customer one coupon per period in one transaction and is
idempotent: the period key (birthday ``YYYY-MM``, welcome once per guest, win-back once per lapse,
custom per issue date or an explicit key) with the database's UNIQUE(campaign, customer, period)
means running it twice gives nobody a second coupon. Customers without DM consent, flagged
do-not-mail or erased are left out and listed with the reason.

``birthday_list`` lists birthdays of a month or the next N days (across New Year; February 29
falls on February 28 in common years) with the age turned. ``render_message`` fills a campaign
template ({name}, {favourite}, {coupon_code}, {expires}, {valid_from}, {shop_name}, {discount}).

Long module: issuing, the birthday list and the DM text all work on the same targets, period keys
and skip reasons; the control groups are in ``control_groups.py``, the printing in ``printing/``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlite_utils import Database

from shopcrm.domain import dates
from shopcrm.domain.favourites import dm_name
from shopcrm.domain.models import Campaign, Coupon, Customer
from shopcrm.domain.names import addressee
from shopcrm.domain.offers import discount_text
from shopcrm.domain.rules import ValidationError
from shopcrm.i18n import N_, _, current_language, ngettext
from shopcrm.services import control_groups
from shopcrm.services.channels import reach
from shopcrm.services.csv_files import csv_text, write_csv
from shopcrm.store import campaign_records, consents, settings
from shopcrm.store import coupons as coupon_store
from shopcrm.store import holdouts as holdout_store
from shopcrm.store.campaign_records import CampaignError, Candidate, check_template

Progress = Callable[[int, int, str], None]

SKIP_REASONS = {
    "erased": N_("Record erased on request"),
    "do_not_mail": N_("Flagged do-not-mail"),
    "no_consent": N_("No DM consent"),
    "no_birthday": N_("No birthday on record"),
}


# --- issuing -----------------------------------------------------------------------------------


@dataclass
class Skipped:
    """A customer left out of an issue run, and why (``reason`` is a key of ``SKIP_REASONS``)."""

    customer_id: int
    name: str
    reason: str

    @property
    def reason_text(self) -> str:
        return _(SKIP_REASONS[self.reason])


@dataclass
class IssueResult:
    campaign: Campaign
    period_keys: list[str] = field(default_factory=list)
    issued: list[Coupon] = field(default_factory=list)  # new coupons
    already: list[Coupon] = field(default_factory=list)  # issued before for the same period
    skipped: list[Skipped] = field(default_factory=list)  # left out, with the reason
    names: dict[int, str] = field(default_factory=dict)  # customer id -> name
    # the control group (services/control_groups.py): eligible guests drawn to get no coupon
    held_back: list[int] = field(default_factory=list)  # customer ids, held back in this run
    already_held: list[int] = field(default_factory=list)  # held back for this period before

    @property
    def skipped_by_reason(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for s in self.skipped:
            counts[s.reason] = counts.get(s.reason, 0) + 1
        return counts

    def summary(self) -> str:
        """One translated sentence: issued N, already had M, left out K (reasons)."""
        n = len(self.issued)
        parts = [ngettext("Issued {n} new coupon.", "Issued {n} new coupons.", n).format(n=n)]
        if self.already:
            n = len(self.already)
            parts.append(
                ngettext(
                    "{n} guest already had one for this period.",
                    "{n} guests already had one for this period.",
                    n,
                ).format(n=n)
            )
        if self.skipped:
            reasons = ", ".join(
                f"{_(SKIP_REASONS[r])}: {k}" for r, k in sorted(self.skipped_by_reason.items())
            )
            parts.append(_("Left out {n}: {reasons}.").format(n=len(self.skipped), reasons=reasons))
        if self.held_back:
            n = len(self.held_back)
            parts.append(
                ngettext(
                    "Held back {n} guest at random as the comparison group (no coupon).",
                    "Held back {n} guests at random as the comparison group (no coupon).",
                    n,
                ).format(n=n)
            )
        return " ".join(parts)


def _resolve(db: Database, campaign: Campaign | str | int) -> Campaign:
    if isinstance(campaign, Campaign):
        return campaign if campaign.id is not None else campaign_records.get(db, campaign.name)
    return campaign_records.get(db, campaign)


def birthday_month_year(month: int, today: dt.date) -> int:
    """The year of the next birthday month ``month`` seen from ``today`` (this month counts)."""
    return today.year if month >= today.month else today.year + 1


def _check_month(month: int | str) -> int:
    try:
        value = int(month)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 12:
        raise ValidationError("month", N_("Enter a month from 1 to 12."))
    return value


def validity(campaign: Campaign, start: dt.date) -> tuple[dt.date, dt.date]:
    """First and last valid day of a coupon whose validity starts at ``start`` (the issue date,
    or the first of the birthday month)."""
    if campaign.valid_until is not None:
        first = campaign.valid_from or start
        return max(first, min(start, campaign.valid_until)), campaign.valid_until
    days = campaign.valid_days or 30
    return start, start + dt.timedelta(days=days - 1)


def _skip_reason(customer: Customer, email_ok: bool = False) -> str | None:
    """Why no coupon is issued; consent by post or by e-mail (``email_ok``) is enough."""
    if customer.erased_at is not None:
        return "erased"
    if customer.do_not_mail:
        return "do_not_mail"
    if not customer.dm_consent and not email_ok:
        return "no_consent"
    return None


def _plan(
    db: Database,
    campaign: Campaign,
    *,
    month: int | None,
    today: dt.date,
    customer_ids: Iterable[int] | None,
    period_key: str | None,
) -> tuple[list[tuple[Candidate, str, dt.date]], list[Skipped], list[Candidate]]:
    """(targets with their period key and validity start, customers without a birthday, all)."""
    f = campaign.filter or {}
    ids = list(customer_ids) if customer_ids is not None else None
    month_start: dt.date | None = None
    if campaign.kind == "birthday":
        m = _check_month(month if month is not None else (today.month % 12) + 1)
        year = birthday_month_year(m, today)
        month_start = dt.date(year, m, 1)
        if ids is None:
            people = campaign_records.birthday_customers(db, [m])
        else:
            people = campaign_records.customers_by_ids(db, ids)
    elif ids is not None:
        people = campaign_records.customers_by_ids(db, ids)
    else:
        people = campaign_records.target_customers(db, campaign, today=today)

    plan: list[tuple[Candidate, str, dt.date]] = []
    no_birthday: list[Skipped] = []
    for cand in people:
        c = cand.customer
        assert c.id is not None  # read from the database
        start = today
        if campaign.kind == "birthday":
            if not c.has_birthday:
                no_birthday.append(Skipped(c.id, c.name, "no_birthday"))
                continue
            if ids is None:
                key = f"{month_start:%Y-%m}"
            else:  # a hand-picked list: each guest's own next birthday month
                assert c.birth_month is not None and c.birth_day is not None  # has_birthday
                nb = dates.next_birthday(c.birth_month, c.birth_day, today)
                key = f"{nb:%Y-%m}"
            start = max(today, dt.date.fromisoformat(key + "-01"))
        elif campaign.kind == "welcome":
            key = "welcome"
        elif campaign.kind == "winback":
            last = cand.last_visit_at.date().isoformat() if cand.last_visit_at else "never"
            key = f"lapse-{last}"
        else:
            key = period_key or str(f.get("period_key") or "") or today.isoformat()
        if period_key and campaign.kind != "custom":
            key = period_key
        plan.append((cand, key, start))
    return plan, no_birthday, people


def issue(
    db: Database,
    campaign: Campaign | str | int,
    *,
    month: int | None = None,
    today: dt.date | None = None,
    customer_ids: Iterable[int] | None = None,
    period_key: str | None = None,
    progress: Progress | None = None,
    rng: random.Random | None = None,
) -> IssueResult:
    """Issue the campaign's coupons for the period; see the module docstring.

    ``month`` is the birthday month (default: next month) for birthday campaigns;
    ``customer_ids`` issues to exactly these customers instead of the campaign's own targets
    (analytics' at-risk list); ``period_key`` overrides the idempotency key. Consent rules apply
    either way. All coupons are written in one transaction; ``progress(done, total, text)`` is
    called along the way (it may raise to cancel: nothing is then written).
    """
    today = today or dt.date.today()
    c = _resolve(db, campaign)
    assert c.id is not None  # _resolve gives a stored campaign
    if not c.active:
        raise CampaignError("campaign", N_("The campaign {name} is paused."), name=c.name)
    if c.valid_until is not None and c.valid_until < today:
        raise CampaignError(
            "validity",
            N_("The campaign's validity ended on {date}: change it before issuing."),
            date=dates.format_date(c.valid_until),
        )
    plan, no_birthday, _people = _plan(
        db, c, month=month, today=today, customer_ids=customer_ids, period_key=period_key
    )
    result = IssueResult(campaign=c)
    result.skipped.extend(no_birthday)
    result.names = {
        cand.customer.id: cand.customer.name
        for cand, _k, _s in plan
        if cand.customer.id is not None  # read from the database: always
    }
    eligible: list[tuple[Candidate, str, dt.date]] = []
    by_email = consents.for_customers(
        db, [c.customer.id for c, _k, _s in plan if c.customer.id is not None], "email"
    )
    for cand, key, start in plan:
        assert cand.customer.id is not None  # read from the database
        email_ok = (
            reach.leave_out_reason(cand.customer, "email", by_email.get(cand.customer.id)) is None
        )
        reason = _skip_reason(cand.customer, email_ok)
        if reason:
            result.skipped.append(Skipped(cand.customer.id, cand.customer.name, reason))
        else:
            eligible.append((cand, key, start))
    result.period_keys = sorted({key for _c, key, _s in plan})
    total = len(eligible)
    with db.atomic():
        existing = coupon_store.existing_keys(db, c.id, result.period_keys)
        fresh = [
            (cand, key, start)
            for cand, key, start in eligible
            if (cand.customer.id, key) not in existing
        ]
        already_codes = [
            existing[(cand.customer.id, key)]
            for cand, key, _s in eligible
            if (cand.customer.id, key) in existing
        ]
        # The control group: a random share of the fresh targets gets no coupon (services/effect)
        fresh, held, result.already_held = control_groups.split_control(
            db, c, fresh, key_of=lambda t: t[1], id_of=lambda t: t[0].customer.id
        )
        codes_ = coupon_store.new_unique_codes(db, len(fresh), rng)
        batch: list[Coupon] = []
        now = dt.datetime.now().replace(microsecond=0)
        for n, ((cand, key, start), code) in enumerate(zip(fresh, codes_, strict=True), 1):
            first, last = validity(c, start)
            batch.append(
                Coupon(
                    code=code,
                    campaign_id=c.id,
                    customer_id=cand.customer.id,
                    valid_from=first,
                    valid_until=last,
                    period_key=key,
                    campaign_name=c.name,
                )
            )
            if progress and (n % 50 == 0 or n == len(fresh)):
                progress(total - len(fresh) + n, total, cand.customer.name)
        coupon_store.insert_many(db, batch, now=now)
        holdout_store.record(
            db, c.id, [(t[0].customer.id, t[1], validity(c, t[2])[0]) for t in held], now=now
        )
        result.held_back = [t[0].customer.id for t in held]
        result.issued = batch
        found = (coupon_store.find(db, code) for code in already_codes)
        result.already = [c for c in found if c is not None]
    if progress and not fresh:
        progress(total, total, "")
    return result


# --- messages ----------------------------------------------------------------------------------


def favourite_item(db: Database, customer_id: int) -> str:
    """The guest's loved (else liked) drink or dish, else what they ordered most; "" if none."""
    return campaign_records.favourites(db, [customer_id]).get(customer_id, "")


BUILTIN_TITLES = {
    "birthday": N_("Birthday coupon"),
    "welcome": N_("Welcome coupon"),
    "winback": N_("Win-back coupon"),
}


def display_name(campaign: Campaign) -> str:
    """The campaign's name as shown: built-ins in the reader's language, others as typed."""
    title = BUILTIN_TITLES.get(campaign.name)
    return _(title) if title else campaign.name


def period_text(key: str) -> str:
    """An issue period key in words: ``2026-12`` -> 2026年12月 / Dec 2026, ``welcome`` -> first
    visit, ``lapse-2026-08-01`` -> absent since the last visit on that day."""
    try:
        if key == "welcome":
            return _("after the first visit")
        if key.startswith("lapse-"):
            rest = key.removeprefix("lapse-")
            if rest == "never":
                return _("no visit yet")
            day = dates.format_date(dt.date.fromisoformat(rest))
            return _("absent since {date}").format(date=day)
        if len(key) == 7 and key[4] == "-":
            return dates.format_month(int(key[:4]), int(key[5:]))
        if len(key) == 10:
            return dates.format_date(dt.date.fromisoformat(key))
    except ValueError:
        pass
    return key


def validity_text(campaign: Campaign) -> str:
    """How long the campaign's coupons are valid, in words (for lists and forms)."""
    c = campaign
    if c.valid_until is not None:
        start = dates.format_date(c.valid_from) if c.valid_from else _("issue day")
        return f"{start} – {dates.format_date(c.valid_until)}"
    if c.kind == "birthday":
        return _("{days} days from the 1st of the birthday month").format(days=c.valid_days)
    return _("{days} days from issue").format(days=c.valid_days)


def _shop_name(shop: object) -> str:
    if isinstance(shop, dict):
        return str(shop.get("shop_name", ""))
    return str(getattr(shop, "shop_name", shop) or "")


# A long but real guest, favourite and shop: the message must stay readable for them too.
_SAMPLE_GUEST = Customer(name="長谷川 健太郎")
_SAMPLE_FAVOURITE = "季節の刺身盛り合わせ"
_SAMPLE_SHOP = "居酒屋 まるや 新宿本店"


def readability_error(c: Campaign, shop_name: str = "") -> CampaignError | None:
    """A ``CampaignError`` (field "template") when the campaign's message, filled in for a long
    name and favourite, would print on the postcard front below the readable size, with the
    size it would need; None when it reads well (or the template is broken: reported apart)."""
    # lazy: postcard loads reportlab's QR code (0.36 s at start-up); only printing needs it
    from shopcrm.services.printing import postcard

    sample = Coupon(
        code="ABCD-EFGH",
        campaign_id=0,
        customer_id=0,
        valid_from=dt.date(2026, 12, 1),
        valid_until=dt.date(2026, 12, 31),
    )
    try:
        message = render_message(
            c.template,
            _SAMPLE_GUEST,
            sample,
            shop_name or _SAMPLE_SHOP,
            favourite=_SAMPLE_FAVOURITE,
            campaign=c,
        )
    except (CampaignError, KeyError, ValueError, IndexError):
        return None
    size = postcard.message_size(message)
    if size >= postcard.MIN_MESSAGE_SIZE:
        return None
    keep = len(message)
    lo, hi = 0, len(message)
    while lo < hi:  # the longest start of the message that is still readable
        mid = (lo + hi + 1) // 2
        if postcard.message_size(message[:mid]) >= postcard.MIN_MESSAGE_SIZE:
            lo = mid
        else:
            hi = mid - 1
    keep = lo
    return CampaignError(
        "template",
        N_(
            "The message is too long for a postcard: it would print at {size} pt, and {min} pt "
            "is the smallest that reads well. Shorten it by about {chars} characters."
        ),
        size=f"{size:.1f}",
        min=f"{postcard.MIN_MESSAGE_SIZE:g}",
        chars=len(message) - keep,
    )


def campaign_errors(c: Campaign, shop_name: str = "") -> list[CampaignError]:
    """Every problem of the campaign form (``campaign_records.campaign_errors``) and a message too
    long to read on a postcard (``readability_error``)."""
    errors = campaign_records.campaign_errors(c)
    if not any(e.field == "template" for e in errors):
        unreadable = readability_error(c, shop_name)
        if unreadable is not None:
            errors.append(unreadable)
    return errors


_NAME_HONORIFIC = re.compile(r"\{name\}[ \u3000]?(?:様|さま|御中|殿)")


def render_message(
    template: str,
    customer: Customer,
    coupon: Coupon | None,
    shop: dict | str,
    *,
    favourite: str = "",
    campaign: Campaign | None = None,
    lang: str | None = None,
) -> str:
    """The template with the guest's fields filled in.

    ``shop`` is the settings dict (``settings.get_all``) or the shop's name. ``favourite`` comes
    from ``favourite_item``; without one the text reads "our seasonal specials". ``{discount}``
    needs ``campaign``. Unknown fields raise ``CampaignError`` (checked at save time already).
    """
    check_template(template)
    lang = lang or current_language()

    # "{name}様" in a template follows the address block: 佐藤 健様 for a person at a company,
    # 株式会社まるや御中 for an organisation (never 御中 above and 様 in the body).
    who = addressee(customer.name, customer.honorific)
    template = _NAME_HONORIFIC.sub("{name}{honorific}", template)
    values = {
        "name": who.main,
        "honorific": who.honorific,
        "favourite": dm_name(favourite) or _("our seasonal specials"),
        "coupon_code": coupon.code if coupon else "",
        "expires": dates.format_date(coupon.valid_until, lang) if coupon else "",
        "valid_from": dates.format_date(coupon.valid_from, lang) if coupon else "",
        "shop_name": _shop_name(shop),
        "discount": discount_text(campaign, lang) if campaign else "",
    }
    return template.format(**values)


def messages_for(
    db: Database, campaign: Campaign, coupons: list[Coupon], *, lang: str | None = None
) -> dict[int, str]:
    """The rendered DM text per coupon id, for a print run (favourites looked up in one go)."""
    if not coupons:
        return {}
    shop = settings.get_all(db)
    people = {
        cand.customer.id: cand.customer
        for cand in campaign_records.customers_by_ids(db, {c.customer_id for c in coupons})
        if cand.customer.id is not None  # read from the database: always
    }
    favs = campaign_records.favourites(db, people)
    return {
        c.id: render_message(
            campaign.template,
            people[c.customer_id],
            c,
            shop,
            favourite=favs.get(c.customer_id, ""),
            campaign=campaign,
            lang=lang,
        )
        for c in coupons
        if c.customer_id in people and c.id is not None  # a print run's coupons are stored
    }


# --- birthday lists ----------------------------------------------------------------------------


@dataclass
class BirthdayRow:
    customer: Customer
    birthday: dt.date  # the birthday this list is about (Feb 29 -> Feb 28 in common years)
    age: int | None  # the age turned on that day, when the birth year is known
    days_until: int
    visit_count: int = 0
    last_visit_at: dt.datetime | None = None

    @property
    def can_mail(self) -> bool:
        return self.customer.can_mail


def _months_back(today: dt.date, months: int) -> dt.date:
    index = today.year * 12 + today.month - 1 - int(months)
    year, month = divmod(index, 12)
    last = dates.month_range(year, month + 1)[1].day
    return dt.date(year, month + 1, min(today.day, last))


def birthday_list(
    db: Database,
    *,
    month: int | None = None,
    days: int | None = None,
    today: dt.date | None = None,
    require_consent: bool = False,
    require_address: bool = False,
    visited_within_months: int | None = None,
) -> list[BirthdayRow]:
    """Birthdays in ``month`` (its next occurrence, this month included) or in the next ``days``
    days (today included), in date order. Erased records never appear. Filters: DM consent (and
    not do-not-mail), a complete postal address, a visit within the last N months."""
    today = today or dt.date.today()
    if (month is None) == (days is None):
        raise ValidationError("month", N_("Choose a month or a number of days."))
    if month is not None:
        m = _check_month(month)
        year = birthday_month_year(m, today)
        first, last = dates.month_range(year, m)
        wanted = {m}
    else:
        assert days is not None  # exactly one of month and days (checked above)
        try:
            span = int(days)
        except (TypeError, ValueError):
            span = -1
        if not 0 <= span <= 366:
            raise ValidationError("date", N_("Enter a number of days from 0 to 366."))
        first, last = today, today + dt.timedelta(days=span)
        wanted, d = set(), first.replace(day=1)
        while d <= last:
            wanted.add(d.month)
            d = (d + dt.timedelta(days=32)).replace(day=1)
    since = _months_back(today, visited_within_months) if visited_within_months else None
    rows: list[BirthdayRow] = []
    for cand in campaign_records.birthday_customers(db, wanted):
        c = cand.customer
        assert c.birth_month is not None and c.birth_day is not None  # birthday_customers
        if c.erased_at is not None:
            continue
        if require_consent and not c.can_mail:
            continue
        if require_address and not c.has_complete_address:
            continue
        if since and (cand.last_visit_at is None or cand.last_visit_at.date() < since):
            continue
        if month is not None:
            day = dates.birthday_in_year(c.birth_month, c.birth_day, first.year)
        else:
            day = dates.next_birthday(c.birth_month, c.birth_day, first)
        if not first <= day <= last:
            continue
        age = dates.age_on(c.birth_year, c.birth_month, c.birth_day, day) if c.birth_year else None
        rows.append(
            BirthdayRow(c, day, age, (day - today).days, cand.visit_count, cand.last_visit_at)
        )
    rows.sort(key=lambda r: (r.birthday, r.customer.kana, r.customer.name, r.customer.id))
    return rows


BIRTHDAY_COLUMNS = (
    ("id", N_("ID")),
    ("name", N_("Name")),
    ("kana", N_("Reading (kana)")),
    ("birthday", N_("Birthday")),
    ("age", N_("Age turned")),
    ("days_until", N_("Days until")),
    ("phone", N_("Phone")),
    ("email", N_("Email")),
    ("postal_code", N_("Postal code")),
    ("address", N_("Address")),
    ("dm_consent", N_("DM consent")),
    ("visits", N_("Visits")),
    ("last_visit", N_("Last visit")),
)


def birthday_record(row: BirthdayRow) -> dict:
    """One row as plain values (JSON, CSV)."""
    c = row.customer
    return {
        "id": c.id,
        "name": c.name,
        "kana": c.kana,
        "birthday": row.birthday.isoformat(),
        "age": row.age,
        "days_until": row.days_until,
        "phone": c.phone,
        "email": c.email,
        "postal_code": c.postal_code,
        "address": " ".join(c.address_lines),
        "dm_consent": row.can_mail,
        "visits": row.visit_count,
        "last_visit": row.last_visit_at.date().isoformat() if row.last_visit_at else None,
    }


def birthday_json(rows: list[BirthdayRow]) -> str:
    return json.dumps([birthday_record(r) for r in rows], ensure_ascii=False, indent=2)


def birthday_csv(rows: list[BirthdayRow], target: str | os.PathLike | None = None) -> str:
    """The list as CSV with translated headers. Written to ``target`` (UTF-8 with a BOM, so Excel
    opens Japanese text correctly; readable by the user only) when given; the text is returned."""
    headers = [_(label) for _key, label in BIRTHDAY_COLUMNS]
    yes, no = _("yes"), _("no")
    records = []
    for r in rows:
        rec = birthday_record(r)
        rec["dm_consent"] = yes if rec["dm_consent"] else no
        records.append([rec[k] for k, _label in BIRTHDAY_COLUMNS])
    if target is not None:
        write_csv(target, headers, records, private=True)
    return csv_text(headers, records)
