"""Who a channel may reach: the ONE place that decides it, per guest and channel.

Post keeps its rule (``Customer.can_mail``: consented, not do-not-mail, not erased); e-mail needs
an address, e-mail consent, no unsubscribe and no permanent failure; LINE is decided by its own
link table (another module) and reads as not linked here until it is.
"""

from __future__ import annotations

from shopcrm.domain.models import Customer
from shopcrm.i18n import N_, _
from shopcrm.store.consents import Consent

ERASED = "erased"
DO_NOT_MAIL = "do_not_mail"
NO_ADDRESS = "no_address"
NO_CONSENT = "no_consent"
UNSUBSCRIBED = "unsubscribed"
BOUNCED = "bounced"
NOT_LINKED = "not_linked"
NO_COUPON = "no_coupon"

REASON_LABELS = {
    ERASED: N_("personal data erased"),
    DO_NOT_MAIL: N_("asked for no DMs"),
    NO_ADDRESS: N_("no e-mail address"),
    NO_CONSENT: N_("no e-mail consent"),
    UNSUBSCRIBED: N_("unsubscribed from e-mail"),
    BOUNCED: N_("e-mail address failed permanently"),
    NOT_LINKED: N_("LINE: not linked"),
    NO_COUPON: N_("no coupon of this campaign"),
}
# the post channel's own wording for no consent
_POST_NO_CONSENT = N_("no DM consent")


def reason_text(reason: str, channel: str = "email") -> str:
    if channel == "post" and reason == NO_CONSENT:
        return _(_POST_NO_CONSENT)
    return _(REASON_LABELS.get(reason, reason))


def leave_out_reason(customer: Customer, channel: str, consent: Consent | None) -> str | None:
    """Why ``customer`` may not be reached on ``channel``; ``None`` when they may."""
    if customer.erased_at is not None:
        return ERASED
    if customer.do_not_mail:
        return DO_NOT_MAIL
    if channel == "post":
        return None if customer.can_mail else NO_CONSENT
    if channel == "email":
        if not customer.email.strip():
            return NO_ADDRESS
        if consent is not None and consent.unsubscribed_at is not None and not consent.consented:
            return UNSUBSCRIBED
        if consent is not None and consent.bounced_at is not None:
            return BOUNCED
        if consent is None or not consent.consented:
            return NO_CONSENT
        return None
    return NOT_LINKED  # LINE: its link table decides (not part of e-mail)
