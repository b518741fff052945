"""Campaigns in a real database: built-ins, validation at save time, targets, favourites."""

from __future__ import annotations

import datetime as dt

import pytest

from shopcrm.domain.models import Campaign, Customer, Preference, Visit, VisitItem
from shopcrm.store import campaign_records, customers, preferences, visits
from shopcrm.store.campaign_records import CampaignError
from shopcrm.store.dialect import executemany
from shopcrm.store.errors import NotFound

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def db(anydb):
    """Every test here runs on an SQLite file and on a PostgreSQL database."""
    return anydb


def test_built_ins_exist_from_the_first_migration(db):
    names = [c.name for c in campaign_records.list_all(db)]
    assert names[:3] == ["birthday", "welcome", "winback"]
    b = campaign_records.get(db, "birthday")
    assert b.kind == "birthday" and campaign_records.get(db, b.id) == b
    assert campaign_records.get(db, str(b.id)) == b
    assert campaign_records.get(db, "Birthday").id == b.id
    with pytest.raises(NotFound):
        campaign_records.get(db, "summer")


def test_create_update_round_trip(db):
    c = campaign_records.create(
        db,
        Campaign(
            name=" Sake fair ",
            kind="custom",
            discount_type="item",
            discount_item="お猪口一杯",
            valid_days=None,
            valid_from=dt.date(2026, 12, 1),
            valid_until=dt.date(2026, 12, 31),
            template="{name}様、{favourite}のお好きな方へ。{discount}",
            cost_per_piece=85,
            filter={"tags": ["常連"], "preferences": ["日本酒"]},
        ),
    )
    assert c.id and c.name == "Sake fair" and c.filter["tags"] == ["常連"]
    c.cost_per_piece = 120
    c.active = False
    again = campaign_records.update(db, c)
    assert again.cost_per_piece == 120 and not again.active
    assert campaign_records.list_all(db, active_only=True)[-1].name != "Sake fair"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"discount_type": "percent", "discount_value": 0}, "discount"),
        ({"discount_type": "percent", "discount_value": 150}, "discount"),
        ({"discount_type": "amount", "discount_value": 0}, "discount"),
        ({"discount_type": "item", "discount_item": ""}, "discount"),
        ({"valid_days": None}, "validity"),
        ({"valid_from": dt.date(2026, 12, 31), "valid_until": dt.date(2026, 12, 1)}, "validity"),
        ({"template": "{name}様 {coupon}"}, "template"),
        ({"template": "{name"}, "template"),
        ({"cost_per_piece": -1}, "cost_per_piece"),
        ({"filter": {"colour": "red"}}, "filter"),
    ],
)
def test_bad_campaigns_are_refused_at_the_field(db, changes, field):
    base = {"name": "x", "kind": "custom", "template": "{name}"}
    with pytest.raises(CampaignError) as err:
        campaign_records.create(db, Campaign(**{**base, **changes}))
    assert err.value.field == field
    assert len(campaign_records.list_all(db)) == 3


def test_unknown_template_field_is_named_with_the_fields_you_can_use(db, ja):
    with pytest.raises(CampaignError) as err:
        campaign_records.create(db, Campaign(name="x", kind="custom", template="{name}様 {coupon}"))
    assert "{coupon}" in err.value.message and "{coupon_code}" in err.value.message
    assert str(err.value).startswith("メッセージ文面")


def test_duplicate_names_and_builtin_rules(db):
    with pytest.raises(CampaignError, match="already exists"):
        campaign_records.create(db, Campaign(name="BIRTHDAY", kind="custom"))
    b = campaign_records.get(db, "birthday")
    b.name = "bday"
    with pytest.raises(CampaignError):
        campaign_records.update(db, b)
    with pytest.raises(CampaignError):
        campaign_records.delete(db, campaign_records.get(db, "welcome").id)
    extra = campaign_records.create(db, Campaign(name="tmp", kind="custom"))
    campaign_records.delete(db, extra.id)
    with pytest.raises(NotFound):
        campaign_records.get(db, "tmp")


def _guest(db, name, **kw):
    return customers.create(db, Customer(name=name, kana=name, dm_consent=True, **kw))


def _visit(db, who, day, items=()):
    visits.record(
        db,
        Visit(
            customer_id=who.id,
            visited_at=dt.datetime.combine(day, dt.time(19)),
            amount=3000,
            items=[VisitItem(name=n, quantity=q) for n, q in items],
        ),
    )


def test_targets_of_welcome_winback_and_custom(db):
    new = _guest(db, "あらた", tags=("常連",))
    lapsed = _guest(db, "ひさし")
    regular = _guest(db, "つね", tags=("常連",))
    _visit(db, new, TODAY - dt.timedelta(days=5))
    _visit(db, lapsed, TODAY - dt.timedelta(days=200))
    for d in (3, 40, 80):
        _visit(db, regular, TODAY - dt.timedelta(days=d))
    preferences.add(db, Preference(regular.id, "drink", "love", "日本酒 獺祭"))

    def ids(camp):
        return {c.customer.id for c in campaign_records.target_customers(db, camp, today=TODAY)}

    assert ids(campaign_records.get(db, "welcome")) == {new.id}
    assert ids(campaign_records.get(db, "winback")) == {lapsed.id}
    assert ids(Campaign(name="t", kind="custom", filter={"tags": ["常連"]})) == {new.id, regular.id}
    assert ids(Campaign(name="t", kind="custom", filter={"min_visits": 2})) == {regular.id}
    assert ids(Campaign(name="t", kind="custom", filter={"preferences": ["獺祭"]})) == {regular.id}
    assert ids(Campaign(name="t", kind="custom", filter={"last_visit_within_days": 10})) == {
        new.id,
        regular.id,
    }
    assert ids(Campaign(name="t", kind="custom", filter={"customer_ids": [lapsed.id]})) == {
        lapsed.id
    }


def test_favourite_is_the_loved_item_else_the_most_ordered(db):
    sake = _guest(db, "さけ")
    beer = _guest(db, "びーる")
    nobody = _guest(db, "なし")
    preferences.add(db, Preference(sake.id, "food", "like", "だし巻き玉子"))
    preferences.add(db, Preference(sake.id, "drink", "love", "純米吟醸"))
    preferences.add(db, Preference(sake.id, "drink", "dislike", "ビール"))
    _visit(db, beer, TODAY, [("生ビール", 3), ("枝豆", 1)])
    _visit(db, beer, TODAY - dt.timedelta(days=7), [("枝豆", 1)])
    favs = campaign_records.favourites(db, [sake.id, beer.id, nobody.id])
    assert favs == {sake.id: "純米吟醸", beer.id: "生ビール"}


def test_coupon_counts_say_how_many_can_still_be_used(db):
    """Usable = not redeemed, not voided, not expired: what a print run would print."""
    from shopcrm.domain.codes import generate_code
    from shopcrm.store import coupons

    birthday = campaign_records.get(db, "birthday")
    guests = [customers.create(db, Customer(name=f"客{i}", kana="キャク")).id for i in range(4)]
    today = dt.date(2026, 11, 23)
    rows = []
    for i, (guest, until) in enumerate(
        zip(guests, ["2026-12-31", "2026-12-31", "2026-11-22", "2026-12-31"], strict=True)
    ):
        rows.append(
            {
                "code": generate_code(),
                "campaign_id": birthday.id,
                "customer_id": guest,
                "period_key": f"p{i}",
                "issued_at": "2026-11-01 10:00:00",
                "valid_from": "2026-11-01",
                "valid_until": until,
            }
        )
    cols = list(rows[0])
    executemany(
        db,
        f"INSERT INTO coupons({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
        [[r[c] for c in cols] for r in rows],
    )
    visit = visits.record(
        db, Visit(customer_id=guests[0], visited_at=dt.datetime(2026, 11, 5, 19), amount=3000)
    )
    coupons.redeem(
        db, rows[0]["code"], customer_id=guests[0], visit_id=visit.id, at=visit.visited_at
    )
    coupons.void(db, rows[3]["code"], reason="sent twice")
    counts = campaign_records.coupon_counts(db, today=today)[birthday.id]
    # 4 issued: #0 redeemed, #2 expired yesterday, #3 voided -> only #1 can still be used
    assert counts == {"issued": 4, "redeemed": 1, "voided": 1, "usable": 1}
    printable = coupons.for_campaign(db, birthday.id, today=today)
    assert [c.code for c in printable] == [rows[1]["code"]]


@pytest.mark.parametrize("template", ["{name:>300000000}様", "{name!r}様", "{coupon_code:*^99999}"])
def test_a_format_spec_in_a_template_is_refused_with_the_field(template):
    from shopcrm.store.campaign_records import CampaignError, check_template

    with pytest.raises(CampaignError) as err:
        check_template(template)
    assert err.value.field == "template"
    assert "{name}" in str(err.value) or "{coupon_code}" in str(err.value)
