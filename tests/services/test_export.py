"""Export: CSV with BOM (Excel opens it), Shift_JIS on request, .xlsx with phone and postal
codes as text, headers that map straight back on import."""

from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import load_workbook

from shopcrm.domain.models import Customer, Visit, VisitItem
from shopcrm.services import transfer
from shopcrm.store import customers, visits


def _shop(db):
    a = customers.create(
        db,
        Customer(
            name="山田 太郎",
            kana="ヤマダ タロウ",
            phone="09012345678",
            postal_code="0600001",
            prefecture="北海道",
            city="札幌市",
            street="北1条",
            code="007",
            tags=("常連", "日本酒"),
            birth_month=3,
            birth_day=10,
            dm_consent=True,
            notes="ctrl\x08char",
        ),
    )
    b = customers.create(db, Customer(name="Ann 🍶", email="ann@example.com"))
    visits.record(
        db,
        Visit(
            customer_id=a.id,
            visited_at=dt.datetime(2026, 11, 1, 19, 30),
            amount=4800,
            party_size=2,
            items=[VisitItem(name="生ビール", quantity=2), VisitItem(name="枝豆")],
        ),
    )
    return a, b


def test_csv_has_a_bom_and_translated_headers(db, tmp_path, ja):
    _shop(db)
    out = tmp_path / "c.csv"
    assert transfer.export(db, "customers", out) == 2
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:5] == ["顧客ID", "会員番号", "氏名", "フリガナ", "電話番号"]
    assert rows[1][4] == "09012345678" and rows[1][1] == "007"
    assert "常連、日本酒" in rows[1]
    assert "03-10" in rows[1]  # birthday without a year


def test_cp932_replaces_what_shift_jis_cannot_hold(db, tmp_path):
    _shop(db)
    out = tmp_path / "c.csv"
    transfer.export(db, "customers", out, encoding="cp932")
    text = out.read_bytes().decode("cp932")
    assert "山田 太郎" in text and "Ann ?" in text


def test_xlsx_keeps_leading_zeros_as_text(db, tmp_path):
    _shop(db)
    out = tmp_path / "c.xlsx"
    transfer.export(db, "customers", out)
    ws = load_workbook(out).active
    header = [c.value for c in ws[1]]
    phone = ws.cell(2, header.index("Phone") + 1)
    postal = ws.cell(2, header.index("Postal code") + 1)
    code = ws.cell(2, header.index("Membership code") + 1)
    assert phone.value == "09012345678" and phone.number_format == "@"
    assert postal.value == "0600001" and postal.number_format == "@"
    assert code.value == "007" and code.data_type == "s"


def test_visits_and_coupons_export(db, tmp_path):
    _shop(db)
    out = tmp_path / "v.csv"
    assert transfer.export(db, "visits", out) == 1
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[1][4] == "2026-11-01 19:30:00" and rows[1][6] == "4800"
    assert rows[1][7] == "生ビール×2、枝豆"
    assert transfer.export(db, "coupons", tmp_path / "k.xlsx") == 0


def test_round_trip_customers_and_visits(db, tmp_path, db_path):
    from shopcrm.store import open_db

    _shop(db)
    for suffix in ("csv", "xlsx"):
        transfer.export(db, "customers", tmp_path / f"c.{suffix}")
        transfer.export(db, "visits", tmp_path / f"v.{suffix}")
        other = open_db(tmp_path / f"other-{suffix}.db")
        report = transfer.import_file(other, tmp_path / f"c.{suffix}", "customers")
        assert report.imported == 2 and not report.errors, report.errors
        got = customers.find_by_code(other, "007")
        assert (got.phone, got.postal_code, got.birth_month, got.tags) == (
            "09012345678",
            "0600001",
            3,
            ("常連", "日本酒"),
        )
        report = transfer.import_file(other, tmp_path / f"v.{suffix}", "visits")
        assert report.imported == 1, report.errors
        v = visits.for_customer(other, got.id)[0]
        assert v.amount == 4800 and [(i.name, i.quantity) for i in v.items] == [
            ("生ビール", 2),
            ("枝豆", 1),
        ]
        other.close()


def test_export_file_is_private_and_whole(db, tmp_path):
    import os

    _shop(db)
    out = tmp_path / "c.csv"
    transfer.export(db, "customers", out)
    if os.name == "posix":
        assert out.stat().st_mode & 0o077 == 0
    assert not list(tmp_path.glob(".*.part"))
