"""Issuing coupons, birthday lists and DM text on a real database."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest

from shopcrm.domain.models import Campaign, Customer, Preference, Visit
from shopcrm.services import campaigns
from shopcrm.store import campaign_records, coupons, customers, preferences, visits
from shopcrm.store.campaign_records import CampaignError

TODAY = dt.date(2026, 11, 23)


def _guest(db, name, month=None, day=None, year=None, **kw):
    kw.setdefault("dm_consent", True)
    return customers.create(
        db,
        Customer(
            name=name,
            kana=kw.pop("kana", ""),
            birth_year=year,
            birth_month=month,
            birth_day=day,
            **kw,
        ),
    )


def _visit(db, who, day):
    visits.record(
        db, Visit(customer_id=who.id, visited_at=dt.datetime.combine(day, dt.time(20)), amount=1)
    )


def _erase(db, who):
    # privacy.erase belongs to another area; the flag is what issuing looks at.
    db.execute("UPDATE customers SET erased_at = '2026-11-01 10:00:00' WHERE id = ?", [who.id])


@pytest.fixture
def december(db):
    people = {
        "ok": _guest(db, "あいこ", 12, 24, 1990),
        "ok2": _guest(db, "いさむ", 12, 1),
        "no_consent": _guest(db, "うめ", 12, 5, dm_consent=False),
        "dnm": _guest(db, "えり", 12, 6, do_not_mail=True),
        "erased": _guest(db, "おと", 12, 7),
        "january": _guest(db, "かな", 1, 3),
    }
    _erase(db, people["erased"])
    return people


def test_birthday_issue_is_idempotent_per_month(db, december):
    first = campaigns.issue(db, "birthday", month=12, today=TODAY)
    assert {c.customer_id for c in first.issued} == {december["ok"].id, december["ok2"].id}
    assert first.period_keys == ["2026-12"]
    assert len({c.code for c in first.issued}) == 2
    again = campaigns.issue(db, "birthday", month=12, today=TODAY + dt.timedelta(days=3))
    assert again.issued == []
    assert sorted(c.code for c in again.already) == sorted(c.code for c in first.issued)
    # a guest registered since gets theirs on the next run; nobody gets a second
    late = _guest(db, "きよ", 12, 30)
    third = campaigns.issue(db, "birthday", month=12, today=TODAY)
    assert [c.customer_id for c in third.issued] == [late.id]
    assert len(coupons.for_customer(db, december["ok"].id)) == 1


def test_left_out_customers_are_listed_with_translated_reasons(db, december, ja):
    result = campaigns.issue(db, "birthday", month=12, today=TODAY)
    reasons = {s.customer_id: s.reason for s in result.skipped}
    assert reasons == {
        december["no_consent"].id: "no_consent",
        december["dnm"].id: "do_not_mail",
        december["erased"].id: "erased",
    }
    texts = {s.reason_text for s in result.skipped}
    assert texts == {"DM送付の同意なし", "DM送付不可の設定あり", "ご本人の依頼で記録を消去済み"}
    assert "2枚" in result.summary() and "対象外3名" in result.summary()
    for who in ("no_consent", "dnm", "erased"):
        assert coupons.for_customer(db, december[who].id) == []


def test_birthday_coupon_is_valid_from_the_first_of_the_month(db, december):
    result = campaigns.issue(db, "birthday", month=12, today=TODAY)
    c = result.issued[0]
    assert c.valid_from == dt.date(2026, 12, 1)
    assert c.valid_until == dt.date(2026, 12, 1) + dt.timedelta(days=59)
    # January is next year's January when issued in November; default month is next month
    jan = campaigns.issue(db, "birthday", month=1, today=TODAY)
    assert jan.period_keys == ["2027-01"] and jan.issued[0].valid_from == dt.date(2027, 1, 1)
    assert campaigns.issue(db, "birthday", today=TODAY).period_keys == ["2026-12"]


def test_issue_is_one_transaction(db, december):
    def explode(done, total, text):
        raise RuntimeError("cancelled by the user")

    with pytest.raises(RuntimeError):
        campaigns.issue(db, "birthday", month=12, today=TODAY, progress=explode)
    assert (
        coupons.for_campaign(db, campaign_records.get(db, "birthday").id, unredeemed_only=False)
        == []
    )


def test_bad_month_is_a_field_error(db):
    with pytest.raises(Exception) as err:
        campaigns.issue(db, "birthday", month=13, today=TODAY)
    assert err.value.field == "month"


def test_welcome_once_per_guest_and_winback_once_per_lapse(db):
    new = _guest(db, "さき")
    gone = _guest(db, "しん")
    _visit(db, new, TODAY - dt.timedelta(days=2))
    _visit(db, gone, TODAY - dt.timedelta(days=120))
    w1 = campaigns.issue(db, "welcome", today=TODAY)
    assert [c.customer_id for c in w1.issued] == [new.id]
    assert campaigns.issue(db, "welcome", today=TODAY + dt.timedelta(days=7)).issued == []
    b1 = campaigns.issue(db, "winback", today=TODAY)
    assert [c.customer_id for c in b1.issued] == [gone.id]
    assert b1.issued[0].period_key == f"lapse-{TODAY - dt.timedelta(days=120)}"
    assert campaigns.issue(db, "winback", today=TODAY + dt.timedelta(days=30)).issued == []
    # they came back, then lapsed again: a new lapse, a new coupon
    _visit(db, gone, TODAY + dt.timedelta(days=31))
    later = TODAY + dt.timedelta(days=31 + 100)
    relapsed = campaigns.issue(db, "winback", today=later).issued
    assert {c.customer_id for c in relapsed} == {gone.id, new.id}  # both quiet for 100 days now


def test_issue_to_a_given_list_of_customers(db):
    a, b = _guest(db, "たく"), _guest(db, "ちか", dm_consent=False)
    result = campaigns.issue(db, "winback", today=TODAY, customer_ids=[a.id, b.id])
    assert [c.customer_id for c in result.issued] == [a.id]
    assert [s.customer_id for s in result.skipped] == [b.id]
    custom = campaign_records.create(db, Campaign(name="秋の会", kind="custom", template="{name}"))
    r1 = campaigns.issue(db, custom, today=TODAY, customer_ids=[a.id])
    assert r1.issued[0].period_key == TODAY.isoformat()
    assert campaigns.issue(db, custom.name, today=TODAY, customer_ids=[a.id]).issued == []
    assert campaigns.issue(db, custom.id, today=TODAY, customer_ids=[a.id], period_key="x").issued


def test_paused_or_ended_campaigns_do_not_issue(db):
    c = campaign_records.create(
        db,
        Campaign(
            name="夏",
            kind="custom",
            valid_days=None,
            valid_from=dt.date(2026, 7, 1),
            valid_until=dt.date(2026, 8, 31),
        ),
    )
    with pytest.raises(CampaignError) as err:
        campaigns.issue(db, c, today=TODAY)
    assert err.value.field == "validity"
    c.active = False
    c.valid_until = dt.date(2026, 12, 31)
    campaign_records.update(db, c)
    with pytest.raises(CampaignError, match="paused"):
        campaigns.issue(db, c.id, today=TODAY)


# --- birthday lists ---


def test_next_days_cross_new_year_with_ages(db):
    dec = _guest(db, "たなか", 12, 28, 1980)
    jan = _guest(db, "すずき", 1, 5, 2000)
    _guest(db, "さとう", 1, 25)  # outside the window
    rows = campaigns.birthday_list(db, days=20, today=dt.date(2026, 12, 20))
    assert [r.customer.id for r in rows] == [dec.id, jan.id]
    assert [r.birthday for r in rows] == [dt.date(2026, 12, 28), dt.date(2027, 1, 5)]
    assert [r.age for r in rows] == [46, 27]
    assert [r.days_until for r in rows] == [8, 16]


def test_feb_29_falls_on_feb_28_in_common_years(db):
    leap = _guest(db, "うるう", 2, 29, 2000)
    common = campaigns.birthday_list(db, month=2, today=dt.date(2026, 11, 1))
    assert [(r.customer.id, r.birthday, r.age) for r in common] == [
        (leap.id, dt.date(2027, 2, 28), 27)
    ]
    in_leap_year = campaigns.birthday_list(db, month=2, today=dt.date(2027, 11, 1))
    assert in_leap_year[0].birthday == dt.date(2028, 2, 29)
    by_days = campaigns.birthday_list(db, days=3, today=dt.date(2027, 2, 26))
    assert [r.birthday for r in by_days] == [dt.date(2027, 2, 28)]


def test_filters_consent_address_and_recent_visit(db):
    full = _guest(
        db,
        "ふる",
        12,
        2,
        postal_code="1500001",
        prefecture="東京都",
        city="渋谷区",
        street="神宮前1-2-3",
    )
    no_address = _guest(db, "あどなし", 12, 3)
    no_consent = _guest(db, "どうい", 12, 4, dm_consent=False)
    erased = _guest(db, "けし", 12, 5)
    _erase(db, erased)
    _visit(db, full, TODAY - dt.timedelta(days=20))
    _visit(db, no_address, dt.date(2025, 1, 1))

    def ids(**kw):
        return [r.customer.id for r in campaigns.birthday_list(db, month=12, today=TODAY, **kw)]

    assert ids() == [full.id, no_address.id, no_consent.id]
    assert ids(require_consent=True) == [full.id, no_address.id]
    assert ids(require_address=True) == [full.id]
    assert ids(visited_within_months=6) == [full.id]


def test_birthday_list_needs_a_month_or_days(db):
    with pytest.raises(Exception) as err:
        campaigns.birthday_list(db, today=TODAY)
    assert err.value.field == "month"


def test_csv_export_reads_back_in_excel_encoding(db, tmp_path, ja):
    _guest(db, "山田 花子", 12, 24, 1990, phone="09012345678")
    path = tmp_path / "birthdays.csv"
    campaigns.birthday_csv(campaigns.birthday_list(db, month=12, today=TODAY), path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 1
    row = rows[0]
    assert row["氏名"] == "山田 花子" and row["迎える年齢"] == "36"
    assert "2026-12-24" in row.values() and "09012345678" in row.values()


def test_json_export(db):
    who = _guest(db, "じぇい", 12, 24)
    data = json.loads(campaigns.birthday_json(campaigns.birthday_list(db, month=12, today=TODAY)))
    assert data[0]["id"] == who.id and data[0]["birthday"] == "2026-12-24"
    assert data[0]["age"] is None and data[0]["dm_consent"] is True


# --- messages ---


def test_a_sake_lover_reads_about_sake(db, ja):
    from shopcrm.store import settings

    settings.set(db, "shop_name", "居酒屋 まるや")
    guest = _guest(db, "酒井 一郎", 12, 24)
    preferences.add(db, Preference(guest.id, "drink", "love", "純米吟醸"))
    camp = campaign_records.get(db, "birthday")
    camp.template = (
        "{name}様\n{favourite}をご用意して{shop_name}でお待ちしています。"
        "{discount}、{expires}まで（{coupon_code}）"
    )
    camp = campaign_records.update(db, camp)
    result = campaigns.issue(db, camp, month=12, today=TODAY)
    text = campaigns.messages_for(db, camp, result.issued)[result.issued[0].id]
    code = result.issued[0].code
    assert text == (
        f"酒井 一郎様\n純米吟醸をご用意して居酒屋 まるやでお待ちしています。"
        f"10%引き、2027年1月29日まで（{code}）"
    )


def test_render_message_in_english_and_discount_kinds(db):
    guest = _guest(db, "Ann", 12, 1)
    coupon = campaigns.issue(db, "winback", today=TODAY, customer_ids=[guest.id]).issued[0]
    winback = campaign_records.get(db, "winback")
    text = campaigns.render_message(
        "{name}: {discount} until {expires} ({favourite})",
        guest,
        coupon,
        "Maruya",
        campaign=winback,
    )
    assert text == f"Ann: ¥500 off until {coupon.valid_until.day} Dec 2026 (our seasonal specials)"
    item = Campaign(name="i", kind="custom", discount_type="item", discount_item="edamame")
    assert campaigns.discount_text(item) == "a free edamame"
    with pytest.raises(CampaignError):
        campaigns.render_message("{nickname}", guest, coupon, "Maruya")


def test_favourite_item_service(db):
    guest = _guest(db, "も")
    assert campaigns.favourite_item(db, guest.id) == ""
    preferences.add(db, Preference(guest.id, "food", "like", "焼き鳥"))
    assert campaigns.favourite_item(db, guest.id) == "焼き鳥"


def test_period_and_builtin_names_read_in_the_users_language(db, ja):
    assert campaigns.period_text("2026-12") == "2026年12月"
    assert campaigns.period_text("welcome") == "初来店後"
    assert campaigns.period_text("lapse-2026-08-01") == "2026年8月1日の来店以降"
    assert campaigns.period_text("2026-11-23") == "2026年11月23日"
    assert campaigns.period_text("summer-fair") == "summer-fair"
    assert campaigns.display_name(campaign_records.get(db, "birthday")) == "誕生日クーポン"
    assert campaigns.validity_text(campaign_records.get(db, "winback")) == "発行日から30日間"
