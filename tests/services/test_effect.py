"""Campaign effect: a random control group at issue time, and uplift with a confidence interval.

The simulated shop below knows the truth: every targeted guest comes back with a base chance, and
a guest who got the coupon has a known extra chance (``extra``) of one more visit on a day of its
own, so the true uplift in visits per guest is exactly ``extra``. The measure must recover it
within its interval, and a campaign with no effect must show an interval that includes zero.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from shopcrm.domain.models import Campaign, Mailing, Visit
from shopcrm.domain.rules import ValidationError
from shopcrm.services import analytics, campaigns, control_groups, effect, privacy
from shopcrm.store import arrays, campaign_records, holdouts, mailings, visits
from shopcrm.store.holdouts import Holdout

SEND = dt.date(2026, 3, 2)
DAYS = 60
AS_OF = SEND + dt.timedelta(days=DAYS + 5)


def simulate(
    db,
    *,
    n: int = 3000,
    base: float = 0.3,
    extra: float = 0.15,
    percent: int = 20,
    seed: int = 1,
    redeem: float = 0.8,
    cost_per_piece: int = 0,
    name: str = "春の再来店",
    send: dt.date = SEND,
):
    """A shop of ``n`` consenting guests sent one custom coupon (10 % off) on ``send``."""
    ids = arrays.insert_customers_bulk(db, [f"{name}{i}" for i in range(n)])
    db.execute(
        "UPDATE customers SET dm_consent = 1, dm_consent_at = '2025-01-01 10:00:00'"
        f" WHERE id IN ({','.join(map(str, ids))})"
    )
    camp = campaign_records.create(
        db,
        Campaign(
            name=name,
            kind="custom",
            discount_type="percent",
            discount_value=10,
            valid_days=DAYS,
            cost_per_piece=cost_per_piece,
        ),
    )
    control_groups.set_holdout(db, Holdout(camp.id, percent=percent, min_group=30))
    result = campaigns.issue(db, camp, customer_ids=ids, today=send)
    sent = f"{send} 10:00:00"  # (issue stamps the clock's time; this shop issued on ``send``)
    db.execute("UPDATE coupons SET issued_at = ? WHERE campaign_id = ?", [sent, camp.id])
    db.execute("UPDATE holdbacks SET held_at = ? WHERE campaign_id = ?", [sent, camp.id])
    code_of = {c.customer_id: c.code for c in result.issued}
    if cost_per_piece:
        mailings.record(
            db,
            [
                Mailing(customer_id=c.customer_id, campaign_id=camp.id, coupon_id=c.id,
                        piece="postcard", sent_at=dt.datetime.combine(send, dt.time(10)))
                for c in campaign_store_coupons(db, camp.id)
            ],
        )  # fmt: skip
    rng = np.random.default_rng(seed)
    plain, redeeming = [], []
    for cid in ids:
        days = [2 * k for k in range(1, 30) if rng.random() < base / 29]  # even days
        if cid in code_of and rng.random() < extra:
            days.append(2 * int(rng.integers(0, 29)) + 1)  # one more visit, on an odd day
        for i, d in enumerate(sorted(days)):
            when = dt.datetime.combine(send + dt.timedelta(days=d), dt.time(19, 30))
            bill = int(rng.integers(2000, 8000))
            if i == 0 and cid in code_of and rng.random() < redeem:
                redeeming.append((cid, when, round(bill * 0.9)))
            else:
                plain.append((cid, when.isoformat(sep=" "), bill, 2))
    arrays.insert_visits_bulk(db, plain)
    for cid, when, bill in redeeming:
        visits.record(db, Visit(cid, when, bill, party_size=2), coupon_code=code_of[cid])
    return camp, result


def campaign_store_coupons(db, campaign_id):
    from shopcrm.store import coupons

    return coupons.for_campaign(db, campaign_id, unredeemed_only=False)


def test_a_known_effect_is_recovered_within_its_interval(db):
    camp, result = simulate(db, extra=0.15)
    held = len(result.held_back)
    assert 0.17 * 3000 < held < 0.23 * 3000  # 20 % held back at random
    assert held + len(result.issued) == 3000
    assert sorted(holdouts.held_back_ids(db, camp.id)) == sorted(result.held_back)
    e = effect.campaign_effect(db, camp.name, days=DAYS, today=AS_OF)
    assert e.treated.guests == len(result.issued) and e.control.guests == held
    assert e.visits.low <= 0.15 <= e.visits.high
    assert e.visits.low > 0 and e.verdict == "raised"
    assert e.came.low > 0  # more of them came at all
    assert "more visits per guest" in e.verdict_text()
    # redemption figures are kept, labelled as what they are
    assert e.issued == len(result.issued) and 0 < e.redeemed < e.issued


def test_no_effect_shows_an_interval_that_includes_zero(db):
    camp, _result = simulate(db, extra=0.0, seed=2)
    e = effect.campaign_effect(db, camp.id, days=DAYS, today=AS_OF)
    assert e.visits.low < 0 < e.visits.high
    assert e.verdict == "unclear" and "No clear effect" in e.verdict_text()


def test_redemptions_call_a_useless_coupon_a_success_the_effect_does_not(db):
    """The old "ROI" credits every redeeming visit's bill: a 10 % coupon that changed nothing shows
    a large return; measured against the control group it loses its discounts and postage."""
    camp, _result = simulate(db, extra=0.0, seed=3, cost_per_piece=90)
    data = analytics.load(db, today=AS_OF)
    old = next(r for r in analytics.campaigns(data, SEND, AS_OF) if r.campaign_id == camp.id)
    assert old.roi > 1.0  # "+100 % and more"
    e = effect.campaign_effect(db, camp.id, days=DAYS, today=AS_OF)
    assert e.print_cost == 90 * e.treated.guests and e.discounts > 0
    assert e.cost == e.discounts + e.print_cost
    assert e.net.low < 0  # no evidence it paid: the interval reaches into a loss
    assert e.net.diff < e.net.high and e.incremental_return.diff == pytest.approx(
        e.net.diff / e.cost
    )
    assert e.money_text().startswith("After discounts, printing and postage")


def test_the_interval_covers_the_truth_about_95_percent_of_the_time():
    """Welch's interval on the simulated shop's numbers, 400 times: coverage near 95 %."""
    rng = np.random.default_rng(11)
    hits = 0
    for _ in range(400):
        base_t = rng.binomial(29, 0.3 / 29, size=800)
        base_c = rng.binomial(29, 0.3 / 29, size=200)
        treated = base_t + (rng.random(800) < 0.1)
        e = effect.compare(treated, base_c)
        hits += e.low <= 0.1 <= e.high
    assert 0.92 <= hits / 400 <= 0.98


def test_too_few_guests_says_so(db):
    camp, _result = simulate(db, n=60, name="小さな試し")
    e = effect.campaign_effect(db, camp.id, days=DAYS, today=AS_OF)
    assert e.control.guests < 30 and e.verdict == "too_small"
    assert "Too few guests to tell yet" in e.verdict_text() and e.money_text() == ""


def test_a_campaign_without_control_group_cannot_be_measured(db):
    camp, result = simulate(db, n=200, percent=0, name="全員に")
    assert result.held_back == []
    e = effect.campaign_effect(db, camp.id, days=DAYS, today=AS_OF)
    assert e.verdict == "no_control" and e.issued == 200


def test_windows_still_open_are_left_out(db):
    camp, _result = simulate(db, n=300, name="途中")
    e = effect.campaign_effect(db, camp.id, days=DAYS, today=SEND + dt.timedelta(days=10))
    assert e.treated.guests == 0 and e.pending == 300
    assert "still inside their 60-day window" in " ".join(e.notes)


def test_birthday_guests_are_held_back_only_by_the_owners_choice(db):
    ids = arrays.insert_customers_bulk(
        db, [f"誕生{i}" for i in range(200)], birthdays=[(4, 10)] * 200
    )
    db.execute("UPDATE customers SET dm_consent = 1")
    april = campaigns.issue(db, "birthday", month=4, today=SEND)
    assert april.held_back == [] and len(april.issued) == 200
    bday = campaign_records.get(db, "birthday")
    control_groups.set_holdout(db, Holdout(bday.id, percent=10, include_birthday=True))
    may = arrays.insert_customers_bulk(
        db, [f"五月{i}" for i in range(200)], birthdays=[(5, 3)] * 200
    )
    db.execute(f"UPDATE customers SET dm_consent = 1 WHERE id IN ({','.join(map(str, may))})")
    result = campaigns.issue(db, "birthday", month=5, today=SEND)
    assert 5 <= len(result.held_back) <= 40 and len(result.issued) + len(result.held_back) == 200
    assert "as the comparison group" in result.summary()
    del ids


def test_issuing_again_keeps_the_same_groups(db):
    camp, first = simulate(db, n=300, name="二度目")
    ids = [c.customer_id for c in first.issued] + first.held_back
    again = campaigns.issue(db, camp, customer_ids=ids, today=SEND)
    assert again.issued == [] and again.held_back == []
    assert sorted(again.already_held) == sorted(first.held_back)
    assert len(again.already) == len(first.issued)


def test_holdout_setting_is_checked(db):
    camp = campaign_records.get(db, "winback")
    with pytest.raises(ValidationError) as err:
        control_groups.set_holdout(db, Holdout(camp.id, percent=80))
    assert err.value.field == "holdout_percent" and "0 to 50" in str(err.value)
    with pytest.raises(ValidationError) as err:
        control_groups.set_holdout(db, Holdout(camp.id, min_group=1))
    assert err.value.field == "holdout_min_group"
    with pytest.raises(ValidationError) as err:
        effect.campaign_effect(db, "no such campaign")
    assert err.value.field == "campaign"
    assert holdouts.get(db, camp.id) == Holdout(camp.id)  # defaults: 10 %, 30 guests


def test_erasing_guests_changes_no_effect_figure(db):
    camp, result = simulate(db, n=600, name="消去後も")
    before = effect.campaign_effect(db, camp.id, days=DAYS, today=AS_OF).to_dict()
    for cid in [c.customer_id for c in result.issued[:5]] + result.held_back[:5]:
        privacy.erase(db, cid)
    after = effect.campaign_effect(db, camp.id, days=DAYS, today=AS_OF).to_dict()
    assert after == before


def test_effect_in_japanese(db, ja):
    camp, _result = simulate(db, n=60, name="日本語")
    e = effect.campaign_effect(db, camp.id, days=DAYS, today=AS_OF)
    assert "判断" in e.verdict_text()
