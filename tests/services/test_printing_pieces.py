"""Pieces built from the database (campaign coupons, birthday month, customer list), consent and
erasure respected, the settings' shop and offset used, and a mailing recorded per customer."""

from __future__ import annotations

import pytest

from shopcrm.domain.models import Customer
from shopcrm.services import campaigns
from shopcrm.services.printing import pieces as P
from shopcrm.services.printing.layout import NO_CONSENT
from shopcrm.store import customers, mailings, settings
from tests.conftest import TEST_DAY
from tests.services.pdfcheck import chars, page_texts, qr_codes

TODAY = TEST_DAY  # the suite's day: the code under test reads the clock too (for_customers)


@pytest.fixture
def shop(db):
    settings.set_many(db, {"shop_name": "居酒屋 テスト", "shop_postal_code": "1600022",
                           "shop_address": "東京都新宿区新宿3-1-24"})  # fmt: skip
    rows = [
        ("山田 太郎", "1500001", "神宮前4-2-8", True),
        ("山田 花子", "1500001", "神宮前4-2-8", True),
        ("佐藤 次郎", "5300001", "梅田1-1-3", True),
        ("住所 なし", "", "", True),
    ]
    made = []
    for i, (name, postal, street, consent) in enumerate(rows):
        made.append(customers.create(db, Customer(
            name=name, kana="やまだ" if "山田" in name else "さとう", postal_code=postal,
            prefecture="東京都" if postal else "", city="渋谷区" if postal else "",
            street=street, birth_month=12, birth_day=i + 1, dm_consent=consent,
        )))  # fmt: skip
    campaigns.issue(db, "birthday", month=12, today=TODAY)
    return made


def test_pieces_for_a_campaign_carry_coupon_and_rendered_message(db, shop):
    pieces = P.for_campaign(db, "birthday", today=TODAY)
    assert len(pieces) == 4
    for piece in pieces:
        assert piece.coupon.customer_id == piece.customer.id
        assert piece.campaign.name == "birthday"
        assert piece.customer.name in piece.message


def test_run_postcards_records_one_mailing_per_customer_in_the_plan(db, shop):
    pieces = P.for_campaign(db, "birthday", today=TODAY)
    result = P.run(db, "postcards", pieces, record=True)
    text = "\n".join(page_texts(result.pdf))
    assert "居酒屋 テスト" in text
    # The guest without an address is left out of every layout, and gets no mailing.
    assert [s.customer.name for s in result.skipped] == ["住所 なし"]
    assert mailings.for_customer(db, shop[3].id) == []
    mailed = [p for p in pieces if p.customer.has_complete_address]
    # The Yamadas share one card (household): two coupons on one front, three cards in all.
    assert result.pages == 2
    assert sorted(c for page in qr_codes(result.pdf, dpi=200) for c in page) == sorted(
        p.code for p in mailed
    )
    for piece in mailed:
        got = mailings.for_customer(db, piece.customer.id)
        assert [(m.piece, m.campaign_id, m.coupon_id) for m in got] == [
            ("postcard", piece.campaign.id, piece.coupon.id)
        ]


def test_labels_skip_no_address_and_share_a_household(db, shop):
    pieces = P.for_campaign(db, "birthday", today=TODAY)
    result = P.run(db, "labels", pieces, record=True, sheet="a-one-28362", start_row=2)
    assert [s.customer.name for s in result.skipped] == ["住所 なし"]
    assert result.pages == 1 and len(result.printed) == 3
    assert mailings.for_customer(db, shop[3].id) == []
    assert [m.piece for m in mailings.for_customer(db, shop[1].id)] == ["label"]


def test_no_consent_is_skipped_for_mail_but_tickets_still_print(db, shop):
    customers.update(db, _replace(customers.get(db, shop[2].id), dm_consent=False))
    pieces = P.for_customers(db, [c.id for c in shop], campaign="birthday")
    mailed = P.run(db, "letters", pieces, record=False)
    assert (shop[2].id, NO_CONSENT) in [(s.customer.id, s.reason) for s in mailed.skipped]
    handed = P.run(db, "tickets", pieces, record=False)
    assert shop[2].id in [p.customer.id for p in handed.printed]
    assert all(mailings.for_customer(db, c.id) == [] for c in shop)  # record=False


def test_birthday_month_and_printer_offset_from_settings(db, shop):
    settings.set_many(db, {"print_offset_x_mm": 1.5, "print_offset_y_mm": -2.0})
    pieces = P.for_birthday_month(db, 12, today=TODAY)
    assert {p.customer.id for p in pieces} == {c.id for c in shop}
    assert all(p.coupon is not None for p in pieces)
    one = [p for p in pieces if p.customer.has_complete_address][:1]
    plain = P.render("address-side", one, shop=P.shop_from_settings(db))
    moved = P.run(db, "address-side", one, record=False)
    (t1, x1, y1), (t2, x2, y2) = chars(plain.pdf)[0][0], chars(moved.pdf)[0][0]
    assert t1 == t2
    assert x2 - x1 == pytest.approx(1.5 * 72 / 25.4, abs=0.01)
    assert y2 - y1 == pytest.approx(2.0 * 72 / 25.4, abs=0.01)


def _replace(c, **kw):
    import dataclasses

    return dataclasses.replace(c, **kw)
