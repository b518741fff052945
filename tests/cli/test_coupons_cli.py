"""``shopcrm birthdays``, ``coupons ...`` and ``campaigns ...`` through click's CliRunner."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from click.testing import CliRunner

from shopcrm.cli import cli
from shopcrm.domain.models import Customer, Visit
from shopcrm.store import coupons, customers, open_db, visits

TODAY = "2026-11-23"


@pytest.fixture
def shop(db_path):
    db = open_db(db_path)
    people = {
        "yamada": customers.create(
            db,
            Customer(
                name="山田 太郎", birth_year=1980, birth_month=12, birth_day=24, dm_consent=True
            ),
        ),
        "sato": customers.create(db, Customer(name="佐藤 花子", birth_month=12, birth_day=3)),
        "ito": customers.create(
            db, Customer(name="伊藤", birth_month=1, birth_day=2, dm_consent=True)
        ),
    }
    db.close()
    return people


def run(db_path, *args):
    result = CliRunner().invoke(cli, ["--db", str(db_path), *args], catch_exceptions=False)
    return result


def issue_birthdays(db_path):
    return run(
        db_path,
        "coupons",
        "issue",
        "--campaign",
        "birthday",
        "--month",
        "12",
        "--json",
        "--today",
        TODAY,
    )


def test_birthdays_table_csv_json(db_path, shop):
    table = run(db_path, "birthdays", "--month", "12", "--today", TODAY)
    assert table.exit_code == 0, table.output
    assert "山田 太郎" in table.output and "佐藤 花子" in table.output and "46" in table.output
    out = run(db_path, "birthdays", "--days", "45", "--format", "csv", "--today", "2026-12-20")
    rows = list(csv.DictReader(io.StringIO(out.output)))
    assert [r["Name"] for r in rows] == ["山田 太郎", "伊藤"]  # across New Year
    data = json.loads(
        run(
            db_path, "birthdays", "--month", "12", "--format", "json", "--consent", "--today", TODAY
        ).output
    )
    assert [d["name"] for d in data] == ["山田 太郎"]


def test_birthdays_csv_file_has_a_bom(db_path, shop, tmp_path):
    target = tmp_path / "b.csv"
    res = run(
        db_path,
        "birthdays",
        "--month",
        "12",
        "--format",
        "csv",
        "-o",
        str(target),
        "--today",
        TODAY,
    )
    assert res.exit_code == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "佐藤 花子" in target.read_text(encoding="utf-8-sig")


def test_birthdays_needs_month_or_days(db_path, shop):
    res = CliRunner().invoke(cli, ["--db", str(db_path), "birthdays"])
    assert res.exit_code == 2 and "--month" in res.output


def test_issue_twice_then_redeem_and_list(db_path, shop):
    first = issue_birthdays(db_path)
    data = json.loads(first.output)
    assert [c["customer"] for c in data["issued"]] == ["山田 太郎"]
    assert data["left_out"][0]["name"] == "佐藤 花子"
    assert data["left_out"][0]["reason"] == "no_consent"
    second = run(
        db_path, "coupons", "issue", "--campaign", "birthday", "--month", "12", "--today", TODAY
    )
    assert "Issued 0 new coupons" in second.output and "1 guest already" in second.output
    code = data["issued"][0]["code"]

    db = open_db(db_path)
    visit = visits.record(
        db,
        Visit(customer_id=shop["yamada"].id, visited_at=dt.datetime(2026, 12, 5, 19), amount=6000),
    )
    db.close()
    ok = run(
        db_path,
        "coupons",
        "check",
        code.lower(),
        "--customer",
        str(shop["yamada"].id),
        "--on",
        "2026-12-05",
    )
    assert ok.exit_code == 0 and code in ok.output
    res = run(db_path, "coupons", "redeem", code, "--visit", str(visit.id))
    assert res.exit_code == 0 and f"#{visit.id}" in res.output
    again = CliRunner().invoke(
        cli, ["--db", str(db_path), "coupons", "redeem", code, "--visit", str(visit.id)]
    )
    assert again.exit_code == 2 and "already used" in again.output
    listed = json.loads(run(db_path, "coupons", "list", "--campaign", "birthday", "--json").output)
    assert listed[0]["status"] == "redeemed" and listed[0]["customer"] == "山田 太郎"


def test_mistyped_code_and_unknown_visit(db_path, shop):
    res = CliRunner().invoke(cli, ["--db", str(db_path), "coupons", "check", "K7QM-4XRO"])
    assert res.exit_code == 2
    assert "Coupon code" in res.output and "“O”" in res.output
    res = CliRunner().invoke(
        cli, ["--db", str(db_path), "coupons", "redeem", "K7QM-4XRT", "--visit", "999"]
    )
    assert res.exit_code != 0 and "999" in res.output


def test_void_in_japanese(db_path, shop):
    data = json.loads(issue_birthdays(db_path).output)
    code = data["issued"][0]["code"]
    res = run(db_path, "--lang", "ja", "coupons", "void", code, "--reason", "lost")
    assert "無効" in res.output
    db = open_db(db_path)
    assert coupons.find(db, code).voided_at is not None
    db.close()


def test_campaigns_add_list_show(db_path, shop):
    res = run(
        db_path,
        "campaigns",
        "add",
        "日本酒の会",
        "--item",
        "お猪口一杯",
        "--days",
        "14",
        "--template",
        "{name}様、{favourite}はいかが？",
        "--cost",
        "85",
        "--tag",
        "常連",
    )
    assert res.exit_code == 0, res.output
    listed = run(db_path, "campaigns", "list")
    assert "日本酒の会" in listed.output and "a free お猪口一杯" in listed.output
    shown = json.loads(run(db_path, "campaigns", "show", "日本酒の会", "--json").output)
    assert shown["cost_per_piece"] == 85 and shown["filter"] == {"tags": ["常連"]}
    assert shown["coupons"]["issued"] == 0
    bad = CliRunner().invoke(
        cli, ["--db", str(db_path), "campaigns", "add", "x", "--template", "{nickname}"]
    )
    assert bad.exit_code == 2 and "Message template" in bad.output and "{nickname}" in bad.output
    missing = CliRunner().invoke(cli, ["--db", str(db_path), "campaigns", "show", "nope"])
    assert missing.exit_code != 0 and "nope" in missing.output


def test_campaigns_add_refuses_a_message_too_long_to_read_on_a_postcard(db_path, shop):
    long = "{name}様\n" + "いつもご来店いただき、誠にありがとうございます。" * 20
    res = run(db_path, "--lang", "ja", "campaigns", "add", "長すぎ", "--template", long)
    assert res.exit_code == 2, res.output
    assert "はがきには長すぎる" in res.output and "ポイント" in res.output
    size = float(res.output.split("ポイントで印刷")[0].split("。")[-1].split("は")[-1].strip())
    assert size < 7
    listed = run(db_path, "campaigns", "list")
    assert "長すぎ" not in listed.output  # nothing saved
    ok = run(db_path, "campaigns", "add", "ちょうど", "--template", long[:120])
    assert ok.exit_code == 0, ok.output
