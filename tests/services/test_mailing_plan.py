"""The mailing plan: every layout of a run prints the same cards in the same order (demo shop plus
households, incomplete addresses and companies), the duplex PDF alternates front and back, no
piece prints without its message, mailings only for the guests on the cards, already-mailed
coupons left out unless reprinted, and the DM in the guest's own language."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from shopcrm import i18n
from shopcrm.domain.models import Customer
from shopcrm.services import campaigns, demo
from shopcrm.services.printing import pieces as P
from shopcrm.services.printing import plan as mailing_plan
from shopcrm.services.printing.layout import NO_ADDRESS, NO_COUPON
from shopcrm.store import customers, mailings, settings
from tests.services.pdfcheck import page_texts, qr_codes

TODAY = dt.date(2026, 11, 20)


def flat(text: str) -> str:
    """Page text without any white space (vertical text comes out one character a line)."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """The demo izakaya, plus a household of two, a company, and a guest without an address,
    all with December birthdays; December's birthday and the win-back/welcome coupons issued."""
    from shopcrm.store import open_db

    path = tmp_path_factory.mktemp("plan") / "demo.db"
    db = open_db(path)
    demo.fill(db, today=TODAY)
    extra = [
        ("森 一郎", "モリ イチロウ", "1600022", "新宿区", "新宿3-1-24", "メゾン森101"),
        ("森 二郎", "モリ ジロウ", "1600022", "新宿区", "新宿3-1-24", "メゾン森101"),
        ("株式会社まるやフーズ", "マルヤフーズ", "1500001", "渋谷区", "神宮前1-2-3", ""),
        ("住所 不明", "ジュウショ フメイ", "", "", "", ""),
    ]
    for n, (name, kana, postal, city, street, building) in enumerate(extra):
        customers.create(db, Customer(
            name=name, kana=kana, postal_code=postal, prefecture="東京都" if postal else "",
            city=city, street=street, building=building, birth_month=12, birth_day=n + 3,
            dm_consent=True,
        ))  # fmt: skip
    from shopcrm.store import campaign_records, holdouts

    for name in ("winback", "welcome"):  # about pairing, not comparison groups: mail everyone
        cid = campaign_records.get(db, name).id
        holdouts.set_holdout(db, holdouts.Holdout(cid, percent=0))
    campaigns.issue(db, "birthday", month=12, today=TODAY)
    campaigns.issue(db, "winback", today=TODAY)
    campaigns.issue(db, "welcome", today=TODAY)
    yield db
    db.close()


def render(db, layout, plan, **kw):
    return P.render(layout, plan, shop=P.shop_from_settings(db), today=TODAY, **kw)


@pytest.mark.parametrize("campaign", ["birthday", "winback", "welcome"])
def test_fronts_address_sides_letters_and_labels_pair_card_for_card(demo_db, campaign):
    db = demo_db
    plan = mailing_plan.build(db, campaign=campaign, today=TODAY)
    assert len(plan.cards) > 5
    front_pdf = render(db, "postcards", plan).pdf
    fronts = page_texts(front_pdf)
    backs = page_texts(render(db, "address-side", plan).pdf)
    letters = page_texts(render(db, "letters", plan).pdf)
    labels = flat("".join(page_texts(render(db, "labels", plan).pdf)))
    assert len(fronts) == len(backs) == len(letters) == len(plan.cards)
    leads = [flat(card.lead.customer.name) for card in plan.cards]
    position = -1
    for n, card in enumerate(plan.cards):
        name = leads[n]
        for side in (fronts, backs, letters):
            assert name in flat(side[n]), (n, card.lead.customer.name)
        # Nobody else's card: no other lead's name on this page (unless they share the card).
        on_card = {flat(c.name) for c in card.people}
        others = [other for other in leads if other not in on_card and other not in name]
        for side in (fronts, backs):
            text = flat(side[n])
            assert not [o for o in others if o in text], n
        # Labels in the same order.
        found = labels.find(name, position + 1)
        assert found > position, (n, card.lead.customer.name)
        position = found
    # Each front carries exactly its card's coupons (the QR codes of the first dozen cards).
    few = dataclasses.replace(plan, cards=plan.cards[:12])
    codes = qr_codes(render(db, "postcards", few).pdf, dpi=150)
    assert [sorted(c) for c in codes] == [
        sorted(p.code for p in card.coupons) for card in few.cards
    ]
    # Guests without an address are on no card, and listed with the reason.
    assert all(p.customer.has_complete_address for p in plan.pieces)
    if campaign == "birthday":
        reasons = {s.customer.name: s.reason for s in plan.left_out}
        assert reasons["住所 不明"] == NO_ADDRESS


def test_a_household_shares_one_card_whose_front_greets_everyone(demo_db):
    plan = mailing_plan.build(demo_db, campaign="birthday", today=TODAY)
    (card,) = [c for c in plan.cards if any(p.customer.name == "森 一郎" for p in c.pieces)]
    assert [p.name for p in card.people] == ["森 一郎", "森 二郎"]
    assert len(card.coupons) == 2
    n = plan.cards.index(card)
    front = flat(page_texts(render(demo_db, "postcards", plan).pdf)[n])
    assert "森一郎様・森二郎様" in front
    back = flat(page_texts(render(demo_db, "address-side", plan).pdf)[n])
    assert "森一郎" in back and "二郎" in back
    company = [c for c in plan.cards if c.lead.customer.name == "株式会社まるやフーズ"]
    assert len(company) == 1 and len(company[0].people) == 1


def test_duplex_pdf_alternates_front_and_address_side(demo_db):
    plan = mailing_plan.build(demo_db, campaign="birthday", today=TODAY)
    both = page_texts(render(demo_db, "postcards-duplex", plan).pdf)
    fronts = page_texts(render(demo_db, "postcards", plan).pdf)
    backs = page_texts(render(demo_db, "address-side", plan).pdf)
    assert len(both) == 2 * len(plan.cards)
    assert both[0::2] == fronts
    assert both[1::2] == backs
    assert all("Happy Birthday" in page for page in both[0::2])
    assert not any("Happy Birthday" in page for page in both[1::2])


def test_no_piece_without_its_message(db):
    customers.create(db, Customer(
        name="山田 太郎", kana="ヤマダ", postal_code="1500001", prefecture="東京都", city="渋谷区",
        street="神宮前4-2-8", birth_month=2, birth_day=1, dm_consent=True,
    ))  # fmt: skip
    shop = P.shop_from_settings(db)
    plan = mailing_plan.build(db, month=2, today=TODAY)  # February's coupons not issued yet
    assert not plan.cards and [s.reason for s in plan.left_out] == [NO_COUPON]
    for layout in ("postcards", "letters", "labels", "address-side", "postcards-duplex"):
        with pytest.raises(mailing_plan.EmptyPieceError, match="issue the coupons first"):
            P.render(layout, plan, shop=shop)
    # A plain customer list has no message: fronts and letters refuse, labels print.
    plain = mailing_plan.build(db, customer_ids=[1], today=TODAY)
    with pytest.raises(mailing_plan.EmptyPieceError, match="choose a campaign"):
        P.render("postcards", plain, shop=shop)
    assert P.render("labels", plain, shop=shop).pages == 1
    assert mailings.for_customer(db, 1) == []


def test_not_mailed_by_default_and_reprint_on_request(demo_db):
    db = demo_db
    plan = mailing_plan.build(db, campaign="welcome", today=TODAY)
    first = plan.cards[:3]
    sent = P.record_mailings(db, [p for c in first for p in c.pieces], "postcards")
    assert sent
    again = mailing_plan.build(db, campaign="welcome", today=TODAY)
    mailed_ids = {p.coupon.id for c in first for p in c.pieces}
    assert {p.coupon.id for p in again.already_mailed} == mailed_ids
    assert not mailed_ids & {p.coupon.id for p in again.pieces}
    assert len(again.pieces) == len(plan.pieces) - len(mailed_ids)
    reprint = mailing_plan.build(db, campaign="welcome", reprint=True, today=TODAY)
    assert {p.coupon.id for p in reprint.pieces} == {p.coupon.id for p in plan.pieces}
    # An address-side run alone does not count as mailed: the fronts still pair with it.
    backs = mailing_plan.build(db, campaign="welcome", today=TODAY)
    P.record_mailings(db, backs.pieces, "address-side")
    fronts = mailing_plan.build(db, campaign="welcome", today=TODAY)
    assert [p.coupon.id for p in fronts.pieces] == [p.coupon.id for p in backs.pieces]


def test_the_dm_is_in_the_guests_language_not_the_screens(db):
    guest = customers.create(db, Customer(
        name="山田 太郎", kana="ヤマダ", postal_code="1500001", prefecture="東京都", city="渋谷区",
        street="神宮前4-2-8", birth_month=12, birth_day=1, dm_consent=True,
    ))  # fmt: skip
    from shopcrm.store import campaign_records

    camp = campaign_records.get(db, "winback")
    campaigns.issue(db, "winback", customer_ids=[guest.id], today=TODAY)
    i18n.set_language("en")  # the staff member's screen is in English ...
    settings.set(db, "language", "en")  # ... and chosen so in the settings
    try:
        plan = mailing_plan.build(db, campaign=camp, today=TODAY)
        (card,) = plan.cards
        assert card.lang == "ja"
        assert "500円引き" in card.message and "¥500 off" not in card.message
        text = page_texts(P.render("postcards", plan, shop=P.shop_from_settings(db)).pdf)[0]
        assert "有効期限" in text or "まで有効" in text, text
        assert "Valid until" not in text
        assert i18n.current_language() == "en"  # the screen's language is untouched
        customers.update(db, dataclasses.replace(customers.get(db, guest.id), language="en"))
        plan = mailing_plan.build(db, campaign=camp, today=TODAY)
        assert plan.cards[0].lang == "en"
        text = page_texts(P.render("postcards", plan, shop=P.shop_from_settings(db)).pdf)[0]
        assert "Valid until" in text
    finally:
        i18n.set_language("en")


def test_household_names_on_one_card():
    def people(*names):
        return [Customer(name=n, id=i) for i, n in enumerate(names)]

    assert mailing_plan.joined_names(people("森 一郎", "森 二郎"), "{name}様\nこんにちは") == (
        "森 一郎様・森 二郎"
    )
    assert mailing_plan.joined_names(people("森 一郎", "森 二郎"), "{name}さん、") == (
        "森 一郎さん・森 二郎"
    )
    assert mailing_plan.joined_names(people("森 一郎", "森 二郎"), "{name}へ") == (
        "森 一郎様・森 二郎様"
    )
    assert mailing_plan.joined_names(people("Ann Lee", "Bob Lee"), "Dear {name},", "en") == (
        "Ann Lee and Bob Lee"
    )
    assert mailing_plan.joined_names(people("山田 太郎"), "{name}様") == "山田 太郎"
