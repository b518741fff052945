"""``shopcrm print`` from the mailing plan: no piece without its message (and nothing recorded),
coupons already mailed left out by default and printed again only with --reprint (named), the
two-sided postcard PDF, and ``customers add/edit --language`` deciding the DM's language."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from click.testing import CliRunner

from shopcrm.cli import cli
from shopcrm.domain.models import Customer
from shopcrm.services import campaigns
from shopcrm.store import customers, mailings
from tests.services.pdfcheck import page_texts


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def guests(db, db_path):
    made = []
    for n, (name, street) in enumerate([("山田 太郎", "神宮前4-2-8"), ("佐藤 花子", "梅田1-1-3"),
                                        ("鈴木 一郎", "大通西5-11")]):  # fmt: skip
        made.append(customers.create(db, Customer(
            name=name, kana="ア", postal_code="1500001", prefecture="東京都", city="渋谷区",
            street=street, birth_month=12, birth_day=n + 1, dm_consent=True,
        )))  # fmt: skip
    return db_path, made


def test_no_piece_without_its_message_and_nothing_recorded(guests, tmp_path, db):
    path, made = guests
    out = tmp_path / "feb.pdf"
    for c in made:  # February birthdays, and February's coupons not issued yet
        customers.update(db, dataclasses.replace(customers.get(db, c.id), birth_month=2))
    res = invoke("--db", path, "print", "postcards", "--month", 2, "-o", out)
    assert res.exit_code != 0 and "issue the coupons first" in res.output, res.output
    res = invoke("--db", path, "--lang", "ja", "print", "letters", "--month", 2, "-o", out)
    assert res.exit_code != 0 and "先にクーポンを発行" in res.output, res.output
    res = invoke("--db", path, "--lang", "en", "print", "postcards", "--customers", made[0].id,
                 "-o", out)  # fmt: skip
    assert res.exit_code != 0 and "choose a campaign" in res.output, res.output
    assert not out.exists()
    assert all(mailings.for_customer(db, c.id) == [] for c in made)


def test_already_mailed_are_left_out_unless_reprint(guests, tmp_path, db):
    path, made = guests
    today = dt.date.today()
    campaigns.issue(db, "birthday", month=12, today=today)
    first = tmp_path / "first.pdf"
    res = invoke("--db", path, "print", "postcards", "--campaign", "birthday", "--customers",
                 made[0].id, "-o", first)  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "Recorded 1 mailing." in res.output
    again = tmp_path / "again.pdf"
    res = invoke("--db", path, "print", "postcards", "--campaign", "birthday", "-o", again,
                 "--json", "--no-record")  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["printed"] == 2 and made[0].id not in data["customers"]
    assert [a["name"] for a in data["already_mailed"]] == ["山田 太郎"]
    res = invoke("--db", path, "print", "address-side", "--campaign", "birthday", "-o", again,
                 "--reprint", "--no-record")  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "Reprinted 1 coupon already mailed:" in res.output and "山田 太郎" in res.output
    assert len(page_texts(again.read_bytes())) == 3


def test_duplex_layout_alternates_front_and_back(guests, tmp_path, db):
    path, made = guests
    campaigns.issue(db, "birthday", month=12, today=dt.date.today())
    out = tmp_path / "both.pdf"
    res = invoke("--db", path, "print", "postcards-duplex", "--campaign", "birthday", "-o", out)
    assert res.exit_code == 0, res.output
    pages = page_texts(out.read_bytes())
    assert len(pages) == 6
    assert all("Happy Birthday" in p for p in pages[0::2])
    assert not any("Happy Birthday" in p for p in pages[1::2])
    assert [m.piece for m in mailings.for_customer(db, made[0].id)] == ["postcard"]


def test_customers_language_option(guests, db):
    path, made = guests
    res = invoke("--db", path, "customers", "edit", made[1].id, "--language", "en", "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["language"] == "en"
    assert customers.get(db, made[1].id).language == "en"
    res = invoke("--db", path, "customers", "add", "--name", "John Smith", "--language", "en")
    assert res.exit_code == 0, res.output
    res = invoke("--db", path, "customers", "edit", made[1].id, "--language", "shop")
    assert res.exit_code == 0 and customers.get(db, made[1].id).language == ""
    res = invoke("--db", path, "customers", "edit", made[1].id, "--language", "fr")
    assert res.exit_code == 2 and "--language" in res.output
