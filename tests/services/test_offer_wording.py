"""A coupon's offer reads the same everywhere (domain/offers.discount_text): in the DM text, the
coupon list and on every printed piece, in Japanese and in English. The printed pieces are read
back with pdftotext."""

from __future__ import annotations

import dataclasses
import subprocess

import pytest

from shopcrm.domain.models import Campaign, Customer
from shopcrm.domain.offers import discount_text
from shopcrm.i18n import set_language
from shopcrm.services import campaigns
from shopcrm.services.printing import pieces as P
from shopcrm.store import campaign_records, customers
from tests.conftest import TEST_DAY

OFFERS = {  # (type, value, item) -> (Japanese, English)
    ("percent", 10, ""): ("10%引き", "10% off"),
    ("amount", 500, ""): ("500円引き", "¥500 off"),
    ("amount", 1500, ""): ("1,500円引き", "¥1,500 off"),
    ("item", 0, "枝豆"): ("枝豆を1品サービス", "a free 枝豆"),
    ("item", 0, ""): ("1品サービス", "a free item"),
}


@pytest.mark.parametrize("offer", list(OFFERS), ids=lambda o: f"{o[0]}-{o[1]}-{o[2]}")
def test_one_wording_per_language(offer):
    kind, value, item = offer
    c = Campaign("x", "custom", discount_type=kind, discount_value=value, discount_item=item)
    ja, en = OFFERS[offer]
    assert discount_text(c, "ja") == ja
    assert discount_text(c, "en") == en
    set_language("ja")
    try:
        assert discount_text(c) == ja  # the current language by default
        assert discount_text(c, "en") == en  # an English guest's card from a Japanese screen
    finally:
        set_language("en")
    assert discount_text(None) == ""


def test_the_services_and_printing_use_the_one_function():
    from shopcrm.cli import coupons as cli_coupons
    from shopcrm.services.printing import layout, postcard, tickets

    assert campaigns.discount_text is discount_text
    assert cli_coupons.discount_text is discount_text
    assert layout.discount_text is discount_text
    assert postcard.discount_text is discount_text
    assert tickets.discount_text is discount_text


def _pdftotext(data: bytes, tmp_path, name: str) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


@pytest.fixture
def guest_with_coupon(db):
    customers.create(db, Customer(
        name="山田 太郎", kana="やまだ たろう", postal_code="1500001", prefecture="東京都",
        city="渋谷区", street="神宮前4-2-8", birth_month=12, birth_day=3, dm_consent=True,
    ))  # fmt: skip
    campaigns.issue(db, "birthday", month=12, today=TEST_DAY)


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("offer", [("percent", 15, ""), ("amount", 500, ""), ("item", 0, "枝豆")])
def test_printed_postcard_and_ticket_say_the_offer(db, tmp_path, guest_with_coupon, lang, offer):
    kind, value, item = offer
    birthday = campaign_records.get(db, "birthday")
    campaign_records.update(
        db,
        dataclasses.replace(birthday, discount_type=kind, discount_value=value, discount_item=item),
    )
    set_language(lang)
    try:
        expected = discount_text(campaign_records.get(db, "birthday"))
        pieces = P.for_campaign(db, "birthday", today=TEST_DAY)
        assert len(pieces) == 1
        for layout in ("postcards", "tickets"):
            result = P.run(db, layout, pieces, record=False)
            text = _pdftotext(result.pdf, tmp_path, f"{layout}-{lang}")
            assert expected in text, (layout, expected, text)
    finally:
        set_language("en")
    want = {"percent": ("15%引き", "15% off"), "amount": ("500円引き", "¥500 off"),
            "item": ("枝豆を1品サービス", "a free 枝豆")}[kind]  # fmt: skip
    assert expected == want[0 if lang == "ja" else 1]
