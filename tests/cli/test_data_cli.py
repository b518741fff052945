"""The data commands: import (dry run JSON, all or nothing), export, backup/restore/check,
info, owner PIN (exit 3 without it), merge/unmerge/erase/export of one customer."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from shopcrm.cli import cli
from shopcrm.domain.models import Customer
from shopcrm.store import customers, open_db, settings

CSV = (
    "氏名,電話番号,会員番号,誕生日\n山田,090-1111-2222,A1,S55.3.10\n鈴木,03-1234-5678,A2,\n"
    ",12,A3,2月30日\n"
)


def run(db_path, *args, input=None, env=None):
    return CliRunner().invoke(cli, ["--db", str(db_path), *args], input=input, env=env)


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(CSV.encode("cp932"))
    return path


def _count(db_path):
    db = open_db(db_path)
    try:
        return customers.count_all(db)
    finally:
        db.close()


def test_dry_run_json(db_path, csv_file):
    result = run(db_path, "import", "customers", str(csv_file), "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["valid"] == 2
    rows = {(e["row"], e["column"]) for e in data["errors"]}
    assert rows == {(4, "氏名"), (4, "電話番号"), (4, "誕生日")}
    assert set(data["errors"][0]) >= {"row", "column", "value", "reason"}
    assert data["duplicates"] == []
    assert _count(db_path) == 0


def test_all_or_nothing_then_valid_only(db_path, csv_file):
    result = run(db_path, "--lang", "ja", "import", "customers", str(csv_file))
    assert result.exit_code == 1
    assert "何も取り込んでいません" in result.output
    assert "4行目" in result.output
    assert _count(db_path) == 0
    result = run(db_path, "--lang", "en", "import", "customers", str(csv_file), "--valid-only")
    assert result.exit_code == 0, result.output
    assert "Imported 2 of 3 rows" in result.output
    assert _count(db_path) == 2


def test_map_option_and_visits(db_path, tmp_path):
    people = tmp_path / "p.csv"
    people.write_text("名前,連絡先電話\n高橋,09011112222\n", encoding="utf-8")
    result = run(db_path, "import", "customers", str(people), "--map", "連絡先電話=phone")
    assert result.exit_code == 0, result.output
    visits_csv = tmp_path / "v.csv"
    visits_csv.write_text(
        "電話番号,来店日,金額\n090-1111-2222,2026/11/01,3000\n会員なし,2026/11/02,100\n",
        encoding="utf-8",
    )
    result = run(db_path, "import", "visits", str(visits_csv), "--valid-only", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["imported"] == 1
    bad = run(db_path, "import", "visits", str(visits_csv), "--map", "nonsense")
    assert bad.exit_code == 2


def test_export_files(db_path, tmp_path, csv_file):
    run(db_path, "import", "customers", str(csv_file), "--valid-only")
    out = tmp_path / "c.xlsx"
    result = run(db_path, "export", "customers", "-o", str(out))
    assert result.exit_code == 0 and out.exists()
    out = tmp_path / "c.csv"
    result = run(db_path, "export", "customers", "-o", str(out), "--encoding", "cp932")
    assert "山田" in out.read_bytes().decode("cp932")
    assert run(db_path, "export", "customers", "-o", str(tmp_path / "c.pdf")).exit_code == 2


def test_backup_restore_check_info(db_path, tmp_path, csv_file):
    run(db_path, "import", "customers", str(csv_file), "--valid-only")
    saved = tmp_path / "saved.db"
    result = run(db_path, "backup", "-o", str(saved))
    assert result.exit_code == 0 and saved.exists()
    db = open_db(db_path)
    customers.create(db, Customer(name="後から"))
    db.close()
    assert _count(db_path) == 3
    result = run(db_path, "restore", str(saved), "--yes")
    assert result.exit_code == 0, result.output
    assert _count(db_path) == 2
    result = run(db_path, "check")
    assert result.exit_code == 0 and "healthy" in result.output
    listing = run(db_path, "backup", "--list")
    assert "pre-restore" in listing.output
    info = json.loads(run(db_path, "info", "--json").output)
    assert info["customers"] == 2 and re.fullmatch(r"\d{4}_\w+", info["schema_version"])
    assert info["backups"] >= 2


def test_restore_refuses_junk_and_a_database_in_use(db_path, tmp_path):
    from shopcrm.store import backup, lock

    open_db(db_path).close()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    result = run(db_path, "restore", str(junk), "--yes")
    assert result.exit_code == 2
    good = backup.backup_now(db_path)
    with lock.acquire(db_path):
        result = run(db_path, "restore", str(good), "--yes")
    assert result.exit_code == 3 and "another shopcrm" in result.output


def test_owner_pin_guards_owner_commands(db_path, tmp_path, csv_file):
    assert run(db_path, "pin", "set", "--new-pin", "2580").exit_code == 0
    out = str(tmp_path / "c.csv")
    refused = run(db_path, "export", "customers", "-o", out)
    assert refused.exit_code == 3 and "owner PIN" in refused.output
    assert run(db_path, "--pin", "1111", "export", "customers", "-o", out).exit_code == 3
    assert run(db_path, "--pin", "2580", "export", "customers", "-o", out).exit_code == 0
    ok = run(
        db_path, "import", "customers", str(csv_file), "--valid-only", env={"SHOPCRM_PIN": "2580"}
    )
    assert ok.exit_code == 0
    for args in (
        ["import", "customers", str(csv_file), "--dry-run"],
        ["customers", "erase", "1", "--yes"],
        ["customers", "merge", "1", "2"],
        ["pin", "clear"],
    ):
        assert run(db_path, *args).exit_code == 3, args
    assert run(db_path, "--pin", "2580", "pin", "clear").exit_code == 0
    assert run(db_path, "export", "customers", "-o", out).exit_code == 0  # nothing asks now
    ja = run(db_path, "--lang", "ja", "pin", "set", "--new-pin", "12")
    assert ja.exit_code == 2 and "桁" in ja.output


def test_merge_unmerge_erase_export(db_path, tmp_path):
    db = open_db(db_path)
    a = customers.create(db, Customer(name="山田太郎", phone="09011112222"))
    b = customers.create(db, Customer(name="山田 太郎", code="M9"))
    db.close()
    result = run(db_path, "customers", "merge", str(a.id), "M9", "--json")
    assert result.exit_code == 0, result.output
    merge_id = json.loads(result.output)["merge_id"]
    assert _count(db_path) == 1
    assert "#" in run(db_path, "customers", "merges").output
    assert run(db_path, "customers", "unmerge", str(merge_id)).exit_code == 0
    assert _count(db_path) == 2
    out = tmp_path / "b.json"
    assert run(db_path, "customers", "export", "M9", "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["customer"]["id"] == b.id
    refused = run(db_path, "customers", "erase", str(b.id))  # not a terminal: needs --yes
    assert refused.exit_code == 3 and _count(db_path) == 2
    assert run(db_path, "customers", "erase", str(b.id), "--yes").exit_code == 0
    assert _count(db_path) == 1


def test_settings_list_and_set(db_path):
    listing = run(db_path, "settings", "--json")
    assert listing.exit_code == 0
    assert "owner_pin_hash" not in json.loads(listing.output)
    assert run(db_path, "settings", "set", "owner_lock_minutes", "10").exit_code == 0
    assert json.loads(run(db_path, "settings", "--json").output)["owner_lock_minutes"] == 10
    assert run(db_path, "settings", "set", "owner_lock_minutes", "ten").exit_code == 2
    assert run(db_path, "settings", "set", "owner_pin_hash", "x").exit_code == 2
    assert run(db_path, "settings", "set", "demo", "maybe").exit_code == 2
    run(db_path, "pin", "set", "--new-pin", "2580")
    assert run(db_path, "settings", "set", "shop_name", "X").exit_code == 3
    assert run(db_path, "settings", "set", "print_offset_x_mm", "1.5").exit_code == 0  # staff ok
    assert run(db_path, "--pin", "2580", "settings", "set", "shop_name", "酒場").exit_code == 0


def test_read_only_database_file_is_a_clear_message(db_path, csv_file, tmp_path):
    """A write-protected file (here made immutable, which binds even root): a sentence, exit 4
    (the storage failure code, as from every command), and the data untouched."""
    import shutil
    import subprocess

    open_db(db_path).close()
    chattr = shutil.which("chattr")
    if not chattr or subprocess.run([chattr, "+i", str(db_path)], capture_output=True).returncode:
        pytest.skip("cannot write-protect a file here")
    try:
        result = run(db_path, "import", "customers", str(csv_file), "--valid-only")
        assert result.exit_code == 4
        assert "read-only" in result.output and "Traceback" not in result.output
        ja = run(db_path, "--lang", "ja", "backup", "-o", str(tmp_path / "b.db"))
        assert ja.exit_code == 0  # reading still works: a backup can be taken off it
    finally:
        subprocess.run([chattr, "-i", str(db_path)], check=False)
    assert _count(db_path) == 0


def test_duplicates_listing(db_path):
    db = open_db(db_path)
    a = customers.create(db, Customer(name="A", phone="09011112222"))
    b = customers.create(db, Customer(name="B", phone="090-1111-2222"))
    db.close()
    result = run(db_path, "customers", "duplicates", "--json")
    assert json.loads(result.output) == [
        {"keep": a.id, "other": b.id, "by": "phone", "value": "09011112222"}
    ]
    text = run(db_path, "--lang", "ja", "customers", "duplicates").output
    assert f"shopcrm customers merge {a.id} {b.id}" in text and "電話番号" in text


def test_settings_read_as_a_person_reads_them(db_path, ja):
    result = run(db_path, "--lang", "ja", "settings")
    assert result.exit_code == 0
    out = result.output
    assert "粗利率（%）" in out and "65 %" in out
    assert "営業日の区切り（時）" in out and "5:00" in out
    assert "gross_margin_percent" not in out and "65.0" not in out and "'" not in out
    assert "owner_pin_offered" not in out and "オーナーPINの設定を案内済み" not in out
    assert run(db_path, "settings", "set", "shop_phone", "０４６７-12-3456").exit_code == 0
    assert "0467-12-3456" in run(db_path, "settings").output  # kept as written
    assert run(db_path, "settings", "set", "shop_phone", "03-12ab").exit_code == 2
    keys = run(db_path, "--lang", "ja", "settings", "--keys").output
    assert "gross_margin_percent" in keys
    bad = run(db_path, "--lang", "ja", "settings", "set", "ltv_years", "ten")
    assert bad.exit_code == 2 and "整数" in bad.output and "int" not in bad.output


def test_import_reads_an_euc_jp_file_and_offers_the_encoding(db_path, tmp_path):
    people = tmp_path / "people.csv"
    people.write_bytes("氏名,電話番号\r\n高橋 一郎,0466-12-3456\r\n".encode("euc-jp"))
    result = run(db_path, "import", "customers", str(people), "--encoding", "euc-jp", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["imported"] == 1
    shown = run(db_path, "customers", "list")
    assert "高橋 一郎" in shown.output and "0466-12-3456" in shown.output
    help_text = run(db_path, "import", "--help").output
    assert "euc-jp" in help_text and "iso-2022-jp" in help_text


@pytest.mark.parametrize(
    "key,value,message",
    [
        ("gross_margin_percent", "500", "must be from 0 to 100 % (not 500)"),
        ("gross_margin_percent", "nan", "must be a number"),
        ("regular_min_visits", "0", "must be from 2 to 100 (not 0)"),
        ("owner_lock_minutes", "0", "must be from 1 to 240 (not 0)"),
        ("owner_lock_minutes", "40000", "must be from 1 to 240 (not 40000)"),
        ("ltv_years", "0", "must be from 1 to 30 (not 0)"),
        ("print_offset_y_mm", "-25", "must be from -20 to 20 mm (not -25)"),
        ("shop_phone", "abc", "may contain only digits"),
        ("shop_postal_code", "123", "must have 7 digits"),
        ("language", "fr", "must be one of"),
    ],
)
def test_settings_set_refuses_what_the_app_refuses(db_path, key, value, message):
    before = json.loads(run(db_path, "settings", "--json").output)[key]
    result = run(db_path, "settings", "set", key, value)
    assert result.exit_code == 2, result.output
    assert message in result.output
    label = settings.SETTINGS[key].label
    assert label in result.output  # names the setting
    assert json.loads(run(db_path, "settings", "--json").output)[key] == before


def test_settings_messages_and_listing_in_japanese(db_path):
    result = run(db_path, "--lang", "ja", "settings", "set", "owner_lock_minutes", "40000")
    assert result.exit_code == 2
    assert "1〜240の範囲で入力してください" in result.output
    listing = run(db_path, "settings", "--keys").output
    assert "owner_lock_minutes  (1–240)" in listing
    assert run(db_path, "settings", "set", "shop_phone", "046612 3456").exit_code == 0
    # Stored and printed as people write it, grouped by the numbering plan.
    assert json.loads(run(db_path, "settings", "--json").output)["shop_phone"] == "0466-12-3456"


def test_importing_the_same_visits_file_twice_is_refused(db_path, tmp_path):
    db = open_db(db_path)
    customers.create(db, Customer(name="常連", code="M1"))
    db.close()
    path = tmp_path / "来店.csv"
    path.write_bytes("会員番号,来店日時,金額\r\nM1,2026-11-01 19:00,3000\r\n".encode("cp932"))
    assert run(db_path, "import", "visits", str(path)).exit_code == 0
    second = run(db_path, "import", "visits", str(path))
    assert second.exit_code == 1
    assert "already imported" in second.output and "--allow-duplicates" in second.output
    third = run(db_path, "import", "visits", str(path), "--allow-duplicates", "--json")
    assert third.exit_code == 0 and json.loads(third.output)["imported"] == 1
    db = open_db(db_path)
    assert db.execute("SELECT visit_count FROM customers WHERE code = 'M1'").fetchone()[0] == 2
    db.close()


def test_a_file_with_thousands_of_bad_rows_reports_them_all_in_counts(db_path, tmp_path):
    path = tmp_path / "bad.csv"
    rows = [f"客{i},12" for i in range(2500)]  # 12 is no phone number
    path.write_text("\n".join(["氏名,電話番号", *rows, "山田,090-1111-2222"]), encoding="utf-8")
    result = run(db_path, "--lang", "en", "import", "customers", str(path))
    assert result.exit_code == 1
    assert "2500 rows have errors" in result.output
    assert "... and 2450 more" in result.output  # 50 shown; the report keeps 1,000, counts all
    assert _count(db_path) == 0
    result = run(db_path, "import", "customers", str(path), "--dry-run", "--json")
    data = json.loads(result.output)
    assert (data["bad_rows"], data["error_count"], len(data["errors"])) == (2500, 2500, 1000)
    assert data["valid"] == 1
