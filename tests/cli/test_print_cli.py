"""``shopcrm print``: PDFs written from a campaign, a customer list and a birthday month; who was
skipped and why; mailings recorded; bad options named in the message."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from shopcrm.cli import cli
from shopcrm.domain.models import Customer
from shopcrm.services import campaigns
from shopcrm.store import customers, mailings
from tests.services.pdfcheck import fonts, page_texts, qr_codes


@pytest.fixture
def shop_db(db, db_path):
    ids = []
    for i, (name, postal) in enumerate([("山田 太郎", "1500001"), ("佐藤 花子", "5300001"),
                                        ("住所 なし", "")]):  # fmt: skip
        c = customers.create(db, Customer(
            name=name, kana="やまだ", postal_code=postal, prefecture="東京都" if postal else "",
            city="渋谷区" if postal else "", street="神宮前4-2-8" if postal else "",
            birth_month=12, birth_day=i + 1, dm_consent=True,
        ))  # fmt: skip
        ids.append(c.id)
    campaigns.issue(db, "birthday", month=12, today=dt.date.today())
    return db_path, ids


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.mark.parametrize("layout", ["postcards", "letters", "tickets", "labels", "address-side"])
def test_print_each_layout_from_a_campaign(shop_db, tmp_path, layout, db):
    path, ids = shop_db
    out = tmp_path / f"{layout}.pdf"
    res = invoke("--db", path, "print", layout, "--campaign", "birthday", "-o", out)
    assert res.exit_code == 0, res.output
    assert out.is_file() and all(emb == "yes" for _n, emb in fonts(out))
    text = "\n".join(page_texts(out.read_bytes()))
    assert "山田 太郎" in text or "山田太郎" in text.replace("\n", "")
    if layout != "tickets":  # posted: every layout leaves out the guest without an address
        assert "Skipped 1 customer" in res.output and "住所 なし" in res.output
        assert "incomplete address" in res.output
        assert "Recorded 2 mailings." in res.output
        assert mailings.for_customer(db, ids[2]) == []
    else:  # handed over at the counter: no address needed
        assert "Recorded 3 mailings." in res.output
    if layout in ("postcards", "tickets"):
        expected = 3 if layout == "tickets" else 2
        assert sum(len(p) for p in qr_codes(out.read_bytes(), dpi=200)) == expected
    assert len(mailings.for_customer(db, ids[0])) == 1


def test_print_labels_json_with_sheet_and_start(shop_db, tmp_path, db):
    path, ids = shop_db
    out = tmp_path / "l.pdf"
    res = invoke("--db", path, "print", "labels", "--customers", f"{ids[0]},{ids[2]}",
                 "--sheet", "avery-l7163", "--start-row", 3, "--start-col", 2, "-o", out,
                 "--json", "--no-record")  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["printed"] == 1 and data["customers"] == [ids[0]]
    assert [s["id"] for s in data["skipped"]] == [ids[2]]
    assert data["mailings_recorded"] == 0
    assert mailings.for_customer(db, ids[0]) == []


def test_print_birthday_month(shop_db, tmp_path):
    path, _ids = shop_db
    out = tmp_path / "m.pdf"
    res = invoke("--db", path, "print", "postcards", "--month", 12, "-o", out)
    assert res.exit_code == 0, res.output
    assert "Printed 2 pieces" in res.output and "住所 なし" in res.output


def test_bad_options_name_the_field(shop_db, tmp_path):
    path, _ids = shop_db
    out = tmp_path / "x.pdf"
    res = invoke("--db", path, "print", "labels", "--campaign", "birthday", "--start-row", 9,
                 "-o", out)  # fmt: skip
    assert res.exit_code == 2 and "Start row" in res.output and not out.exists()
    res = invoke("--db", path, "print", "postcards", "-o", out)
    assert res.exit_code == 2 and "--campaign" in res.output
    res = invoke("--db", path, "print", "postcards", "--customers", "1,x", "-o", out)
    assert res.exit_code == 2 and "Customers" in res.output
    res = invoke("--db", path, "print", "postcards", "--campaign", "nope", "-o", out)
    assert res.exit_code != 0 and "nope" in res.output


def test_japanese_messages(shop_db, tmp_path):
    path, _ids = shop_db
    res = invoke("--db", path, "--lang", "ja", "print", "labels", "--campaign", "birthday",
                 "-o", tmp_path / "j.pdf")  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "住所が不完全" in res.output and "発送を記録" in res.output


def test_nothing_to_print_writes_no_file(shop_db, tmp_path, db):
    path, ids = shop_db
    out = tmp_path / "none.pdf"
    res = invoke("--db", path, "print", "labels", "--customers", ids[2], "-o", out)
    assert res.exit_code == 1 and not out.exists()
    assert "Nothing to print" in res.output and "住所 なし" in res.output
    assert mailings.for_customer(db, ids[2]) == []
