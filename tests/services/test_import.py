"""Importing what shops really have: Shift_JIS / UTF-8 / BOM CSV and .xlsx, Japanese and English
headers, a dry run that reports every bad row, and all-or-nothing writes."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from shopcrm import i18n
from shopcrm.domain.models import Customer, Visit
from shopcrm.domain.rules import ValidationError
from shopcrm.services import transfer
from shopcrm.store import customers, visits

HEADER = "氏名,フリガナ,電話番号,誕生日,郵便番号,住所,メール,会員番号,DM可,タグ,メモ"
GOOD = [
    "山田 太郎,やまだ たろう,090-1234-5678,S55.3.10,105-0011,東京都港区芝公園4-2-8,"
    "taro@example.jp,A001,○,常連、日本酒,冷酒が好き",
    "鈴木花子,スズキハナコ,０３－１２３４－５６７８,３月１０日,〒150-0001,,hana@example.jp,A002,×,,",
]
BAD = ",たなか,0311112222,1980-02-30,12,,bad@,A009,maybe,,"


def _csv(tmp_path, lines, encoding="utf-8", name="list.csv"):
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def _stats(db, cid):
    return db.execute(
        "SELECT visit_count, total_spent FROM customers WHERE id = ?", [cid]
    ).fetchone()


def _count(db):
    return db.execute("SELECT count(*) FROM customers").fetchone()[0]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932", "utf-16"])
def test_encodings_are_detected_without_asking(db, tmp_path, encoding):
    path = _csv(tmp_path, [HEADER, *GOOD], encoding)
    table = transfer.read_table(path)
    assert table.headers[0] == "氏名"
    assert table.encoding == encoding if encoding != "utf-16" else table.encoding == "utf-16"
    report = transfer.import_file(db, path, "customers")
    assert report.imported == 2 and not report.errors
    taro = customers.find_by_code(db, "A001")
    assert taro.name == "山田 太郎" and taro.kana == "ヤマダ タロウ"
    assert (taro.birth_year, taro.birth_month, taro.birth_day) == (1980, 3, 10)
    assert taro.phone == "09012345678" and taro.postal_code == "1050011"
    assert (taro.prefecture, taro.city, taro.street) == ("東京都", "港区", "芝公園4-2-8")
    assert taro.tags == ("常連", "日本酒") and taro.dm_consent and taro.notes == "冷酒が好き"
    assert taro.dm_consent_at is not None  # consent recorded when imported
    hana = customers.find_by_code(db, "A002")
    assert hana.phone == "0312345678" and hana.postal_code == "1500001"
    assert (hana.birth_year, hana.birth_month) == (None, 3) and not hana.dm_consent


def test_english_headers_and_tabs(db, tmp_path):
    path = _csv(
        tmp_path,
        [
            "Name\tKana\tPhone\tE-mail\tMembership code",
            "Ann Lee\t\t+81 90 1111 2222\tann@example.com\tX1",
        ],
        name="en.tsv",
    )
    report = transfer.import_file(db, path, "customers")
    assert report.imported == 1
    assert customers.find_by_code(db, "X1").phone == "+819011112222"


def test_dry_run_reports_every_bad_value_and_writes_nothing(db, tmp_path):
    path = _csv(tmp_path, [HEADER, *GOOD, BAD])
    report = transfer.import_file(db, path, "customers", dry_run=True)
    assert _count(db) == 0
    assert report.rows == 3 and report.valid == 2
    bad = {(e.row, e.column) for e in report.errors}
    assert bad == {(4, "氏名"), (4, "誕生日"), (4, "郵便番号"), (4, "メール"), (4, "DM可")}
    by_col = {e.column: e for e in report.errors}
    assert by_col["誕生日"].value == "1980-02-30" and "30" in by_col["誕生日"].reason


def test_reasons_are_in_the_users_language(db, tmp_path, ja):
    path = _csv(tmp_path, [HEADER, BAD])
    report = transfer.import_file(db, path, "customers", dry_run=True)
    reasons = {e.column: e.reason for e in report.errors}
    assert "2月30日" in reasons["誕生日"]
    assert "可" in reasons["DM可"]


def test_all_or_nothing_by_default(db, tmp_path):
    path = _csv(tmp_path, [HEADER, *GOOD, BAD])
    with pytest.raises(transfer.ImportRefused) as err:
        transfer.import_file(db, path, "customers")
    assert _count(db) == 0
    assert err.value.report.error_rows == [4]
    report = transfer.import_file(db, path, "customers", valid_only=True)
    assert report.imported == 2 and report.skipped == 1 and _count(db) == 2


def test_excel_lost_leading_zeros_come_back_with_a_warning(db, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["お名前", "TEL", "〒", "生年月日", "会員ID"])
    ws.append(["田中一郎", 9012345678, 600001, dt.datetime(1975, 7, 1), 1001])
    ws.append(["田中二郎", 312345678, 1500001, "昭和50年7月2日", 1002])
    path = tmp_path / "list.xlsx"
    wb.save(path)
    report = transfer.import_file(db, path, "customers")
    assert report.imported == 2 and not report.errors
    ichiro = customers.find_by_code(db, "1001")
    assert ichiro.phone == "09012345678" and ichiro.postal_code == "0600001"
    assert ichiro.birth_year == 1975
    assert customers.find_by_code(db, "1002").phone == "0312345678"
    warned = {(w.row, w.column) for w in report.warnings}
    assert {(2, "TEL"), (2, "〒"), (3, "TEL")} <= warned


def test_title_row_above_the_header_is_skipped(db, tmp_path):
    path = _csv(tmp_path, ["顧客一覧 2026年11月", "", HEADER, GOOD[0]])
    table = transfer.read_table(path)
    assert table.header_line == 3 and table.lines == [4]


def test_duplicates_within_the_file_and_against_the_database(db, tmp_path):
    customers.create(
        db, Customer(name="佐藤健", kana="サトウケン", phone="09099998888", email="ken@example.jp")
    )
    path = _csv(
        tmp_path,
        [
            "氏名,フリガナ,電話番号,メール",
            "佐藤 健,さとう けん,,",
            "別人,,090-9999-8888,",
            "山田,ヤマダ,0311112222,y@example.jp",
            "山田さん,,03-1111-2222,",
        ],
    )
    report = transfer.import_file(db, path, "customers", dry_run=True)
    found = {(d.row, d.by, d.customer_id is not None) for d in report.duplicates}
    assert (2, "name_kana", True) in found
    assert (3, "phone", True) in found
    assert (5, "phone", False) in found
    assert next(d for d in report.duplicates if d.row == 5).other_row == 4
    assert report.valid == 4  # duplicates are reported, not refused
    report = transfer.import_file(db, path, "customers", skip_duplicates=True)
    assert report.imported == 2


def test_duplicate_membership_code_is_an_error(db, tmp_path):
    customers.create(db, Customer(name="既存", code="M1"))
    path = _csv(tmp_path, ["氏名,会員番号", "A,M1", "B,M2", "C,M2"])
    report = transfer.import_file(db, path, "customers", dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(2, "会員番号"), (4, "会員番号")]


def test_mapping_can_be_corrected(db, tmp_path):
    path = _csv(tmp_path, ["名前,連絡先電話,備考2", "高橋,09011112222,窓際"])
    table = transfer.read_table(path)
    mapping = transfer.guess_mapping(table.headers, "customers")
    assert mapping == {0: "name"}
    mapping = transfer.apply_overrides(
        table.headers, mapping, {"連絡先電話": "phone", "3": "notes"}, "customers"
    )
    plan = transfer.plan_import(db, table, "customers", mapping)
    transfer.apply_import(db, plan)
    c = customers.search(db, "高橋")[0]
    assert c.phone == "09011112222"
    assert customers.get(db, c.id).notes == "窓際"
    with pytest.raises(ValidationError):
        transfer.apply_overrides(table.headers, mapping, {"no such": "phone"}, "customers")
    with pytest.raises(ValidationError):
        transfer.apply_overrides(table.headers, mapping, {"名前": "shoe size"}, "customers")


def test_missing_required_column_is_said_plainly(db, tmp_path):
    path = _csv(tmp_path, ["電話番号", "09011112222"])
    with pytest.raises(transfer.ImportFileError) as err:
        transfer.import_file(db, path, "customers", dry_run=True)
    assert "name" in str(err.value)
    i18n.set_language("ja")
    assert "氏名" in str(err.value)


def test_too_many_columns_and_unreadable_bytes_are_row_errors(db, tmp_path):
    data = "氏名,電話番号\r\n正常,0311112222\r\n余分,0311112223,x,y\r\n".encode()
    data += "壊れ".encode()[:4] + b",0311112224\r\n"
    path = tmp_path / "broken.csv"
    path.write_bytes(data)
    report = transfer.import_file(db, path, "customers", dry_run=True)
    assert report.error_rows == [3, 4]
    assert report.valid == 1


def test_line_numbers_count_multiline_cells(db, tmp_path):
    path = _csv(tmp_path, ["氏名,メモ", '一郎,"一行目', '二行目"', ",空の名前"])
    report = transfer.import_file(db, path, "customers", dry_run=True)
    assert report.error_rows == [4]


def test_old_xls_and_garbage_xlsx_are_refused_clearly(db, tmp_path):
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(transfer.ImportFileError, match="xls"):
        transfer.read_table(xls)
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(transfer.ImportFileError):
        transfer.read_table(fake)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\r\n\r\n")
    with pytest.raises(transfer.ImportFileError):
        transfer.read_table(empty)


# --- visits ---------------------------------------------------------------------------------


def test_visits_by_code_phone_and_id(db, tmp_path):
    a = customers.create(db, Customer(name="A", code="M1"))
    b = customers.create(db, Customer(name="B", phone="09011112222"))
    path = _csv(
        tmp_path,
        [
            "会員番号,電話番号,顧客ID,来店日,時刻,金額,人数,注文",
            'M1,,,2026/11/01,19:30,"4,800円",2,生ビール×2、枝豆',
            ",090-1111-2222,,R8.11.2,,3200,,",
            f",,{b.id},2026-11-03,,1000,1,",
        ],
    )
    report = transfer.import_file(db, path, "visits")
    assert report.imported == 3 and not report.errors
    va = visits.for_customer(db, a.id)
    assert va[0].amount == 4800 and va[0].party_size == 2
    assert va[0].visited_at == dt.datetime(2026, 11, 1, 19, 30)
    assert [(i.name, i.quantity) for i in va[0].items] == [("生ビール", 2), ("枝豆", 1)]
    assert _stats(db, b.id) == (2, 4200)


def test_unknown_code_needs_create_customers(db, tmp_path):
    path = _csv(
        tmp_path,
        [
            "会員番号,氏名,来店日時,会計",
            "N1,新井,2026-11-01 18:00,3000",
            "N1,新井,2026-11-08 18:00,2000",
            "N2,,2026-11-09 18:00,1000",
        ],
    )
    report = transfer.import_file(db, path, "visits", dry_run=True)
    assert report.error_rows == [2, 3, 4]
    report = transfer.import_file(db, path, "visits", create_customers=True)
    assert report.imported == 3 and report.created_customers == 2
    arai = customers.find_by_code(db, "N1")
    assert arai.name == "新井" and _stats(db, arai.id) == (2, 5000)
    assert customers.find_by_code(db, "N2").name == "Member N2"


def test_visit_errors_name_the_column(db, tmp_path):
    customers.create(db, Customer(name="A", code="M1"))
    path = _csv(
        tmp_path,
        [
            "会員番号,来店日,金額,人数",
            "M1,2026-13-01,abc,0",
            "M2,2026-11-01,100,1",
            ",2026-11-01,100,1",
        ],
    )
    report = transfer.import_file(db, path, "visits", dry_run=True)
    cols = {(e.row, e.column) for e in report.errors}
    assert {(2, "来店日"), (2, "金額"), (2, "人数"), (3, "会員番号"), (4, "会員番号")} <= cols
    assert report.valid == 0


def test_reimported_visits_are_flagged(db, tmp_path):
    a = customers.create(db, Customer(name="A", code="M1"))
    visits.record(db, Visit(customer_id=a.id, visited_at=dt.datetime(2026, 11, 1, 19), amount=3000))
    path = _csv(tmp_path, ["会員番号,来店日時,金額", "M1,2026-11-01 19:00,3000"])
    report = transfer.import_file(db, path, "visits", dry_run=True)
    assert [(d.row, d.by) for d in report.duplicates] == [(2, "visit")]
    report = transfer.import_file(db, path, "visits", skip_duplicates=True)
    assert report.imported == 0 and _stats(db, a.id)[0] == 1


def test_a_failure_while_writing_rolls_everything_back(db, tmp_path):
    path = _csv(tmp_path, [HEADER, *GOOD])
    table = transfer.read_table(path)
    plan = transfer.plan_import(db, table, "customers")
    calls = []

    def cancel():
        calls.append(1)
        if len(calls) > 1:
            raise KeyboardInterrupt

    customers.create(db, Customer(name="before"))
    with pytest.raises(KeyboardInterrupt):
        transfer.apply_import(db, plan, check_cancelled=cancel, progress=lambda d, t: cancel())
    assert _count(db) == 1


def test_full_disk_during_import_loses_nothing(db, tmp_path):
    import sqlite3

    from shopcrm.store.backup import storage_error_message

    customers.create(db, Customer(name="before"))
    lines = ["氏名,メモ"] + [f"客{i},{'長いメモ' * 200}" for i in range(300)]
    path = _csv(tmp_path, lines)
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + 20}")
    with pytest.raises(sqlite3.OperationalError) as err:
        transfer.import_file(db, path, "customers")
    assert "disk is full" in storage_error_message(err.value)
    assert _count(db) == 1
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize(
    "text,city,street",
    [
        ("三重県四日市市諏訪町1-5", "四日市市", "諏訪町1-5"),
        ("広島県廿日市市下平良1-2-3", "廿日市市", "下平良1-2-3"),
        ("石川県野々市市御経塚2-1", "野々市市", "御経塚2-1"),
    ],
)
def test_import_splits_cities_from_the_postal_data(db, tmp_path, text, city, street):
    path = _csv(tmp_path, ["氏名,住所", f"市川 一郎,{text}"], "cp932")
    report = transfer.import_file(db, path, "customers")
    assert report.imported == 1 and not report.errors
    (guest,) = customers.search(db, "市川")
    got = customers.get(db, guest.id)
    assert (got.city, got.street) == (city, street)


# JIS X 0208 has no full-width hyphen-minus (U+FF0D): EUC-JP / ISO-2022-JP files type ASCII ones
GOOD_JIS = [line.replace("－", "-") for line in GOOD]


@pytest.mark.parametrize(
    "encoding,detected",
    [
        ("euc-jp", "euc-jp"),
        ("iso-2022-jp", "iso-2022-jp"),
        ("utf-16-le", "utf-16-le"),  # UTF-16 without a byte-order mark (Windows tools)
        ("utf-16-be", "utf-16-be"),
    ],
)
def test_more_japanese_encodings_are_detected(db, tmp_path, encoding, detected):
    path = _csv(tmp_path, [HEADER, *GOOD_JIS], encoding)
    table = transfer.read_table(path)
    assert table.encoding == detected
    assert table.headers[:3] == ["氏名", "フリガナ", "電話番号"]
    assert not table.unreadable
    report = transfer.import_file(db, path, "customers")
    assert report.imported == 2 and not report.errors
    taro = customers.find_by_code(db, "A001")
    assert taro.name == "山田 太郎" and taro.notes == "冷酒が好き"
    assert (taro.prefecture, taro.city, taro.street) == ("東京都", "港区", "芝公園4-2-8")


def test_a_short_euc_jp_file_is_not_read_as_half_width_katakana(tmp_path):
    # EUC-JP bytes are often valid cp932 too (as half-width katakana): the better reading wins.
    path = _csv(tmp_path, ["氏名,電話番号", "山田花子,0312345678"], "euc-jp")
    table = transfer.read_table(path)
    assert table.encoding == "euc-jp" and table.rows[0][0] == "山田花子"


@pytest.mark.parametrize("forced", ["euc-jp", "EUC-JP", "eucjp", "ujis"])
def test_euc_jp_can_be_chosen(tmp_path, forced):
    path = _csv(tmp_path, [HEADER, *GOOD_JIS], "euc-jp")
    assert transfer.read_table(path, forced).rows[0][0] == "山田 太郎"


@pytest.mark.parametrize("title", ["顧客リスト\t2026年3月", "顧客リスト; 2026年3月", "会員一覧;;"])
def test_a_title_line_does_not_choose_the_separator(db, tmp_path, title):
    path = _csv(tmp_path, [title, HEADER, *GOOD], "cp932")
    table = transfer.read_table(path)
    assert table.headers[0] == "氏名" and len(table.headers) == len(HEADER.split(","))
    assert table.header_line == 2
    report = transfer.import_file(db, path, "customers")
    assert report.imported == 2 and not report.errors


def test_a_tab_separated_file_with_commas_in_cells(tmp_path):
    lines = [
        "氏名\t住所\tメモ",
        "山田\t東京都港区芝公園4-2-8, 3F\t冷酒, 熱燗",
        "鈴木\t大阪市北区梅田1-1-1\t",
    ]
    table = transfer.read_table(_csv(tmp_path, lines, "utf-8"))
    assert table.headers == ["氏名", "住所", "メモ"]
    assert table.rows[0] == ["山田", "東京都港区芝公園4-2-8, 3F", "冷酒, 熱燗"]


VISITS = ["会員番号,来店日時,金額,人数", "M1,2026-11-01 19:00,3000,2", "M1,2026-11-08 20:00,4500,3"]


def test_the_same_visits_file_twice_is_refused(db, tmp_path):
    a = customers.create(db, Customer(name="A", code="M1"))
    first = transfer.import_file(db, _csv(tmp_path, VISITS, "cp932"), "visits")
    assert first.imported == 2 and _stats(db, a.id) == (2, 7500)
    # the same rows again: saved once more by Excel as UTF-8 with BOM under another name
    again = _csv(tmp_path, VISITS, "utf-8-sig", name="来店 (2).csv")
    assert transfer.plan_import(db, transfer.read_table(again), "visits").previous is not None
    with pytest.raises(transfer.AlreadyImported) as err:
        transfer.import_file(db, again, "visits")
    assert "list.csv" in str(err.value) and "2 rows" in str(err.value)
    assert _stats(db, a.id) == (2, 7500)  # revenue not doubled
    i18n.set_language("ja")
    assert "取り込み済み" in str(err.value)
    i18n.set_language("en")
    # duplicates are opt-in
    report = transfer.import_file(db, again, "visits", allow_duplicates=True)
    assert report.imported == 2 and _stats(db, a.id) == (4, 15000)


def test_visits_already_in_the_database_are_left_out_by_default(db, tmp_path):
    a = customers.create(db, Customer(name="A", code="M1"))
    visits.record(db, Visit(customer_id=a.id, visited_at=dt.datetime(2026, 11, 1, 19), amount=3000))
    report = transfer.import_file(db, _csv(tmp_path, VISITS), "visits")
    assert (report.imported, report.skipped) == (1, 1)
    assert _stats(db, a.id) == (2, 7500)


def test_a_changed_file_is_not_a_reimport(db, tmp_path):
    customers.create(db, Customer(name="A", code="M1"))
    transfer.import_file(db, _csv(tmp_path, VISITS), "visits")
    more = [*VISITS, "M1,2026-11-15 18:30,2800,1"]
    report = transfer.import_file(db, _csv(tmp_path, more, name="more.csv"), "visits")
    assert (report.imported, report.skipped) == (1, 2)  # only the new visit
