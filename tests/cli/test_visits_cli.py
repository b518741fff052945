"""``shopcrm visits ...`` through click's runner, on a real database file."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from shopcrm.cli import cli
from shopcrm.cli.visits import parse_items
from shopcrm.domain import codes
from shopcrm.domain.models import Coupon, Customer, MenuItem
from shopcrm.store import coupons, customers, menu, open_db


def run(db_path, *args, lang="en"):
    return CliRunner().invoke(cli, ["--db", str(db_path), "--lang", lang, *args])


@pytest.fixture
def shop(db_path):
    """A guest, a menu item and a coupon, in a file the CLI then opens."""
    db = open_db(db_path)
    guest = customers.create(db, Customer(name="田中太郎", code="M-001", phone="09012345678"))
    beer = menu.add_item(db, MenuItem("生ビール", 600))
    code = codes.generate_code()
    coupons.insert_many(
        db,
        [Coupon(code=code, campaign_id=1, customer_id=guest.id,
                valid_from=dt.date(2026, 1, 1), valid_until=dt.date(2099, 12, 31))],
    )  # fmt: skip
    db.close()
    return {"guest": guest.id, "beer": beer.id, "coupon": code}


def counts(db_path) -> tuple[int, int]:
    db = open_db(db_path)
    try:
        return tuple(
            db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("visits", "visit_items")
        )
    finally:
        db.close()


def test_add_json_round_trip(db_path, shop):
    result = run(
        db_path, "visits", "add", "--customer", str(shop["guest"]), "--amount", "¥4,800",
        "--party-size", "2", "--at", "2026-11-20 19:30", "--items", "生ビール×2, 焼き鳥",
        "--coupon", shop["coupon"], "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    v = json.loads(result.stdout)
    assert v["id"] == 1 and v["customer_id"] == shop["guest"]
    assert v["amount"] == 4800 and v["party_size"] == 2
    assert v["visited_at"] == "2026-11-20T19:30:00"
    assert v["coupon_code"] == shop["coupon"]
    assert [(i["name"], i["menu_item_id"], i["quantity"], i["price"]) for i in v["items"]] == [
        ("生ビール", shop["beer"], 2, 600),
        ("焼き鳥", None, 1, None),
    ]
    listed = json.loads(run(db_path, "visits", "list", "--json").stdout)
    assert listed[0]["id"] == 1 and listed[0]["customer_name"] == "田中太郎"
    shown = json.loads(run(db_path, "customers", "show", "1", "--json").stdout)
    assert shown["summary"]["total_spent"] == 4800 and shown["visits"][0]["id"] == 1


def test_customer_by_code_or_phone_and_human_output(db_path, shop):
    result = run(db_path, "visits", "add", "--customer", "M-001", "--amount", "3000")
    assert result.exit_code == 0
    assert "Recorded visit #1 for customer #1." in result.output
    result = run(db_path, "visits", "add", "--customer", "090-1234-5678", "--amount", "3000")
    assert "Recorded visit #2" in result.output
    text = run(db_path, "--lang", "ja", "visits", "list", "--customer", "1").output
    assert "田中太郎" in text and "¥3,000" in text


@pytest.mark.parametrize(
    "args,field",
    [
        (["--customer", "99", "--amount", "1000"], "Customer"),
        (["--customer", "1", "--amount", "-5"], "Amount"),
        (["--customer", "1", "--amount", "abc"], "Amount"),
        (["--customer", "1", "--amount", "1000", "--party-size", "0"], "Party size"),
        (["--customer", "1", "--amount", "1000", "--party-size", "many"], "Party size"),
        (["--customer", "1", "--amount", "1000", "--at", "2026-13-40 19:00"], "Date and time"),
        (["--customer", "1", "--amount", "1000", "--at", "25:00"], "Date and time"),
        (["--customer", "1", "--amount", "1000", "--coupon", "ZZZZ-ZZZZ"], "Coupon code"),
    ],
)
def test_wrong_input_names_the_field_and_writes_nothing(db_path, shop, args, field):
    result = run(db_path, "visits", "add", *args, "--items", "生ビール")
    assert result.exit_code != 0
    assert f"Error: {field}:" in result.stderr
    assert counts(db_path) == (0, 0)


def test_used_coupon_refused_second_time(db_path, shop):
    first = ["visits", "add", "--customer", "1", "--amount", "1000", "--coupon", shop["coupon"]]
    assert run(db_path, *first).exit_code == 0
    again = run(db_path, *first)
    assert again.exit_code == 2 and "Coupon code" in again.stderr
    assert counts(db_path) == (1, 0)


def test_favourite_hint_after_third_order(db_path, shop):
    for _ in range(3):
        result = run(db_path, "visits", "add", "--customer", "1", "--amount", "900",
                     "--items", "生ビール")  # fmt: skip
    assert "Ordered again and again: 生ビール" in result.output


def test_delete(db_path, shop):
    run(db_path, "visits", "add", "--customer", "1", "--amount", "1000", "--items", "枝豆")
    assert run(db_path, "visits", "delete", "1", "--yes").exit_code == 0
    assert counts(db_path) == (0, 0)
    missing = run(db_path, "visits", "delete", "1", "--yes")
    assert missing.exit_code == 1 and "No visit with id 1." in missing.stderr


def test_parse_items():
    items = parse_items("生ビール×2, 焼き鳥、枝豆 x3，ﾊｲﾎﾞｰﾙ＊２,,")
    assert [(i.name, i.quantity) for i in items] == [
        ("生ビール", 2),
        ("焼き鳥", 1),
        ("枝豆", 3),
        ("ハイボール", 2),
    ]


def test_show_lists_usable_coupons_only(db_path, shop):
    text = run(db_path, "customers", "show", "1").output
    assert f"{shop['coupon']} (Birthday coupon) valid until 2099-12-31" in text
    run(db_path, "visits", "add", "--customer", "1", "--amount", "1000", "--coupon", shop["coupon"])
    text = run(db_path, "customers", "show", "1").output
    assert "Coupons:" not in text
    assert f"[coupon {shop['coupon']}]" in text  # shown on the visit it was redeemed on


def test_menu_commands(db_path, shop):
    result = run(db_path, "menu", "add", "獺祭 純米大吟醸", "--price", "¥1,200",
                 "--category", "日本酒", "--kind", "drink", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    sake = json.loads(result.stdout)
    assert (sake["price"], sake["category"], sake["kind"]) == (1200, "日本酒", "drink")
    assert (
        run(db_path, "menu", "add", "燗酒", "--price", "500", "--category", "日本酒").exit_code == 0
    )
    items = json.loads(run(db_path, "menu", "list", "--json").stdout)
    assert [i["name"] for i in items] == ["獺祭 純米大吟醸", "燗酒", "生ビール"]
    # a visit now links the new item by name, with its price
    v = json.loads(
        run(db_path, "visits", "add", "--customer", "1", "--amount", "1200",
            "--items", "獺祭 純米大吟醸", "--json").stdout
    )  # fmt: skip
    assert v["items"][0]["menu_item_id"] == sake["id"] and v["items"][0]["price"] == 1200
    assert run(db_path, "menu", "remove", str(sake["id"])).exit_code == 0
    assert "獺祭" not in run(db_path, "menu", "list").output
    assert "(off the menu)" in run(db_path, "menu", "list", "--all").output
    bad = run(db_path, "menu", "add", "枝豆", "--price", "-300")
    assert bad.exit_code == 2 and "Error: Price:" in bad.stderr
    assert run(db_path, "menu", "remove", "99").exit_code == 1


@pytest.mark.parametrize("at", ["0001-01-01 19:00", "9999-12-31 19:00", "1979-12-31 19:00"])
def test_a_visit_no_shop_can_have_is_refused(db, db_path, at):
    from click.testing import CliRunner

    from shopcrm.cli import cli
    from shopcrm.domain.models import Customer
    from shopcrm.store import customers

    c = customers.create(db, Customer(name="山田 太郎", kana="やまだ"))
    res = CliRunner().invoke(
        cli,
        [
            "--db",
            str(db_path),
            "visits",
            "add",
            "--customer",
            str(c.id),
            "--at",
            at,
            "--amount",
            "3000",
        ],
    )
    assert res.exit_code == 2, res.output
    assert "Date and time" in res.output
    assert db.execute("SELECT count(*) FROM visits").fetchone()[0] == 0


def test_the_store_refuses_far_future_and_ancient_visits(db):
    import datetime as dt

    from shopcrm.domain.models import Customer, Visit
    from shopcrm.domain.rules import ValidationError
    from shopcrm.store import customers, visits

    c = customers.create(db, Customer(name="山田 太郎", kana="やまだ"))
    for year in (1, 1900, 9999):
        with pytest.raises(ValidationError) as err:
            visits.record(
                db, Visit(customer_id=c.id, visited_at=dt.datetime(year, 1, 2, 19), amount=1)
            )
        assert err.value.field == "visited_at"
