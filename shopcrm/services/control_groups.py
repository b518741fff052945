"""Holding guests back: the random control group drawn when coupons are issued.

``split_control`` splits a campaign's eligible guests into those who get a coupon and those held
back (per campaign, default 10 %; birthday guests only when the owner chose so), by a fixed random
draw: a hash of campaign, guest and period key, so re-issuing the same period gives the same
groups. ``services.effect`` later compares the two groups; ``services.campaigns`` draws them.
Its own module so that neither of those two has to import the other.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlite_utils import Database

from shopcrm.domain.models import Campaign
from shopcrm.domain.rules import FIELD_LABELS, ValidationError
from shopcrm.i18n import N_
from shopcrm.store import holdouts
from shopcrm.store.holdouts import Holdout

FIELD_LABELS.setdefault("holdout_percent", N_("Control group (%)"))
FIELD_LABELS.setdefault("holdout_min_group", N_("Smallest group to judge"))


def check_holdout(h: Holdout) -> Holdout:
    """A setting the database will take, or ``ValidationError`` naming the field."""
    if isinstance(h.percent, bool) or not isinstance(h.percent, int):
        raise ValidationError("holdout_percent", N_("Enter a whole percentage from 0 to 50."))
    if not 0 <= h.percent <= holdouts.MAX_PERCENT:
        raise ValidationError("holdout_percent", N_("Enter a whole percentage from 0 to 50."))
    if isinstance(h.min_group, bool) or not isinstance(h.min_group, int):
        raise ValidationError("holdout_min_group", N_("Enter a group size from 5 to 10,000."))
    if not 5 <= h.min_group <= 10_000:
        raise ValidationError("holdout_min_group", N_("Enter a group size from 5 to 10,000."))
    return h


def set_holdout(db: Database, h: Holdout) -> Holdout:
    return holdouts.set_holdout(db, check_holdout(h))


def draw(campaign_id: int, customer_id: int, period_key: str) -> float:
    """The guest's fixed random number in [0, 1) for this campaign and period."""
    digest = hashlib.sha256(f"{campaign_id}:{customer_id}:{period_key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def holds_back(campaign: Campaign, h: Holdout) -> float:
    """The share of this campaign's targets to hold back (0 for birthdays unless chosen)."""
    if campaign.kind == "birthday" and not h.include_birthday:
        return 0.0
    return h.percent / 100.0


def split_control(db: Database, campaign: Campaign, targets: Sequence, key_of, id_of):
    """(targets who get a coupon, targets held back now, ids held back before).

    ``targets`` are the eligible guests not yet given this period's coupon; those held back for
    the same period before stay held back (and get no coupon)."""
    assert campaign.id is not None, "coupons are issued for a saved campaign"
    h = holdouts.get(db, campaign.id)
    keys = {key_of(t) for t in targets}
    before = holdouts.existing_keys(db, campaign.id, keys) if keys else set()
    share = holds_back(campaign, h)
    give, held, already = [], [], []
    for t in targets:
        cid, key = id_of(t), key_of(t)
        if (cid, key) in before:
            already.append(cid)
        elif share and draw(campaign.id, cid, key) < share:
            held.append(t)
        else:
            give.append(t)
    return give, held, already
