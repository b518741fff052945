"""``shopcrm customers ...`` through click's runner, on a real database file."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from shopcrm.cli import cli
from shopcrm.store import customers, open_db

TANAKA = ["--name", "田中太郎", "--kana", "タナカタロウ", "--phone", "090-1234-5678"]


def run(db_path, *args, lang="en"):
    result = CliRunner().invoke(cli, ["--db", str(db_path), "--lang", lang, *args])
    return result


def stored(db_path) -> int:
    db = open_db(db_path)
    try:
        return customers.count_all(db)
    finally:
        db.close()


def add(db_path, *args) -> dict:
    result = run(db_path, "customers", "add", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_add_json_round_trip(db_path):
    made = add(
        db_path, *TANAKA, "--email", "taro@example.jp", "--birthday", "S55.3.10",
        "--postal-code", "1050011", "--code", "M-001", "--channel", "Instagram", "--dm-consent",
        "--tag", "常連", "--line-id", "taro_line",
    )  # fmt: skip
    assert made["id"] == 1
    assert made["phone"] == "09012345678"
    assert (made["birth_year"], made["birth_month"], made["birth_day"]) == (1980, 3, 10)
    assert (made["prefecture"], made["city"], made["street"]) == ("東京都", "港区", "芝公園")
    assert made["channel"] == "Instagram" and made["dm_consent"] is True
    assert made["tags"] == ["常連"]
    shown = json.loads(run(db_path, "customers", "show", "1", "--json").stdout)
    assert shown["customer"] == made
    assert shown["summary"]["visit_count"] == 0
    assert shown["preferences"] == [] and shown["visits"] == [] and shown["coupons"] == []


def test_address_text_is_split(db_path):
    made = add(db_path, "--name", "山田花子", "--postal-code", "105-0011",
               "--address", "東京都港区芝公園4-2-8 東京タワービル3F")  # fmt: skip
    assert made["postal_code"] == "1050011"
    assert (made["prefecture"], made["city"], made["street"], made["building"]) == (
        "東京都",
        "港区",
        "芝公園4-2-8",
        "東京タワービル3F",
    )


def test_human_output(db_path):
    result = run(db_path, "customers", "add", *TANAKA)
    assert result.exit_code == 0
    assert "Registered customer #1: 田中太郎" in result.output
    result = run(db_path, "--lang", "ja", "customers", "add", "--name", "山田花子")
    assert "お客様を登録しました" in result.output


@pytest.mark.parametrize(
    "args,field",
    [
        (["--name", "田中", "--phone", "12-34"], "Phone"),
        (["--name", "田中", "--email", "taro-at-example"], "Email"),
        (["--name", "田中", "--birthday", "2/30"], "Birthday"),
        (["--name", "田中", "--postal-code", "123"], "Postal code"),
        (["--name", "田中", "--postal-code", "9999999"], "Postal code"),
        (["--name", "田中", "--kana", "tanaka"], "Reading (kana)"),
        (["--name", "田中", "--channel", "チラシ"], "Acquisition channel"),
        (["--name", "  "], "Name"),
    ],
)
def test_wrong_input_names_the_field_and_writes_nothing(db_path, args, field):
    result = run(db_path, "customers", "add", *args)
    assert result.exit_code != 0
    assert f"Error: {field}:" in result.stderr
    assert stored(db_path) == 0


def test_wrong_input_in_japanese(db_path):
    result = run(db_path, "customers", "add", "--name", "田中", "--phone", "123", lang="ja")
    assert result.exit_code == 2
    assert "電話番号" in result.stderr and "エラー" in result.stderr


def test_duplicate_code(db_path):
    add(db_path, *TANAKA, "--code", "A1")
    result = run(db_path, "customers", "add", "--name", "鈴木", "--code", "A1")
    assert result.exit_code == 2
    assert "Membership code" in result.stderr and "A1" in result.stderr
    assert stored(db_path) == 1


def test_search_json_and_table(db_path):
    taro = add(db_path, *TANAKA)
    add(db_path, "--name", "山田花子", "--kana", "ヤマダハナコ")
    for query in ("ﾀﾅｶ", "たなか", "０９０-1234", "中太"):
        out = json.loads(run(db_path, "customers", "search", query, "--json").stdout)
        assert [c["id"] for c in out["customers"]] == [taro["id"]]
        assert out["total"] == 1
    table = run(db_path, "customers", "search", "田")
    assert table.exit_code == 0
    assert "090-1234-5678" in table.output and "山田花子" in table.output
    assert "No customers found." in run(db_path, "customers", "search", "佐藤").output


def test_list_with_filter_and_paging(db_path):
    for i in range(3):
        add(db_path, "--name", f"客{i}", *(["--dm-consent"] if i == 0 else []))
    out = json.loads(
        run(db_path, "customers", "list", "--filter", "no_consent", "--order-by", "name",
            "--limit", "1", "--json").stdout
    )  # fmt: skip
    assert out["total"] == 2 and len(out["customers"]) == 1
    text = run(db_path, "customers", "list", "--limit", "2").output
    assert "2 of 3 customers shown." in text


def test_show_human_and_unknown(db_path):
    add(db_path, *TANAKA, "--birthday", "3/10")
    text = run(db_path, "customers", "show", "1").output
    assert "#1 田中太郎 (タナカタロウ)" in text and "10 Mar" in text
    result = run(db_path, "customers", "show", "42")
    assert result.exit_code == 1
    assert "No customer with id 42." in result.stderr


def test_edit_changes_only_given_fields(db_path):
    made = add(db_path, *TANAKA, "--email", "taro@example.jp", "--code", "A1", "--tag", "常連")
    result = run(db_path, "customers", "edit", "1", "--phone", "03-1111-2222", "--email", "",
                 "--birthday", "H2.1.5", "--dm-consent", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    saved = json.loads(result.stdout)
    assert saved["phone"] == "0311112222" and saved["email"] == ""
    assert (saved["birth_year"], saved["birth_month"], saved["birth_day"]) == (1990, 1, 5)
    assert saved["dm_consent"] is True and saved["dm_consent_at"]
    for kept in ("name", "kana", "code", "tags", "created_at"):
        assert saved[kept] == made[kept]
    moved = json.loads(
        run(db_path, "customers", "edit", "1", "--postal-code", "4600008", "--json").stdout
    )
    assert (moved["prefecture"], moved["city"], moved["street"]) == ("愛知県", "名古屋市中区", "栄")
    assert "Saved customer #1" in run(db_path, "customers", "edit", "1", "--no-dm-consent").output


def test_edit_wrong_input_changes_nothing(db_path):
    add(db_path, *TANAKA, "--code", "A1")
    add(db_path, "--name", "鈴木", "--code", "B2")
    before = run(db_path, "customers", "show", "1", "--json").stdout
    for args in (["--phone", "1"], ["--code", "B2"], ["--channel", "チラシ"], ["--name", ""]):
        result = run(db_path, "customers", "edit", "1", *args)
        assert result.exit_code == 2 and "Error:" in result.stderr
    assert run(db_path, "customers", "show", "1", "--json").stdout == before
    assert run(db_path, "customers", "edit", "9", "--name", "x").exit_code == 1


def test_preferences_from_the_command_line(db_path):
    add(db_path, *TANAKA)
    result = run(db_path, "customers", "pref", "1", "えび", "--level", "allergy", "--json")
    assert result.exit_code == 0, result.output
    shrimp = json.loads(result.stdout)
    assert (shrimp["kind"], shrimp["level"], shrimp["label"]) == ("food", "allergy", "えび")
    run(db_path, "customers", "pref", "1", "獺祭", "--level", "love", "--kind", "drink")
    text = run(db_path, "customers", "show", "1").output
    assert "Allergy: えび" in text and "Love / Drink: 獺祭" in text
    assert "⚠" in run(db_path, "customers", "list").output  # allergy mark in the table
    assert run(db_path, "customers", "unpref", str(shrimp["id"])).exit_code == 0
    shown = json.loads(run(db_path, "customers", "show", "1", "--json").stdout)
    assert [p["label"] for p in shown["preferences"]] == ["獺祭"]
    assert run(db_path, "customers", "unpref", str(shrimp["id"])).exit_code == 1
    bad = run(db_path, "customers", "pref", "9", "えび")
    assert bad.exit_code == 2 and "Customer" in bad.stderr


def test_same_phone_is_pointed_out(db_path):
    add(db_path, *TANAKA)
    result = run(db_path, "customers", "add", "--name", "田中花子", "--phone", "09012345678")
    assert result.exit_code == 0
    assert "Note: same phone as #1 田中太郎." in result.stderr
    assert stored(db_path) == 2


def test_honorific_is_set_shown_and_cleared(db_path):
    made = add(db_path, "--name", "まるや商店", "--honorific", "御中")
    assert made["honorific"] == "御中"
    shown = run(db_path, "customers", "show", str(made["id"]), lang="ja")
    assert "敬称" in shown.output and "御中" in shown.output
    edited = run(db_path, "customers", "edit", str(made["id"]), "--honorific", "auto", "--json")
    assert json.loads(edited.stdout)["honorific"] == ""
    bad = run(db_path, "customers", "edit", str(made["id"]), "--honorific", "殿")
    assert bad.exit_code == 2 and "殿" in bad.output


def test_a_name_no_bundled_font_can_print_is_warned_about_in_the_users_language(db_path):
    result = run(db_path, "customers", "add", "--name", "山田 \U0002a6d6子", lang="ja")
    assert result.exit_code == 0, result.output
    assert "印刷できません" in result.stderr and "氏名: \U0002a6d6" in result.stderr
    fine = run(db_path, "customers", "add", "--name", "𠮷田 花子", lang="ja")
    assert fine.exit_code == 0 and "印刷できません" not in fine.stderr


def test_every_bad_field_is_reported_at_once(db_path):
    """Four mistakes in one command: all four named together, nothing saved, exit 2."""
    from shopcrm.cli import cli

    result = CliRunner().invoke(
        cli,
        ["--db", str(db_path), "--lang", "ja", "customers", "add", "--name", "田中",
         "--phone", "03-12ab", "--birthday", "2/30", "--email", "x@", "--postal-code", "12"],
    )  # fmt: skip
    assert result.exit_code == 2
    out = result.output
    assert "4件の問題があります" in out
    for field in ("電話番号", "誕生日", "郵便番号", "メール"):
        assert field in out
    listing = CliRunner().invoke(cli, ["--db", str(db_path), "customers", "list", "--json"])
    assert json.loads(listing.output)["total"] == 0
