"""Allergies and preferences travel with the guest: in the customer export (CSV and Excel) and in
the disclosure export of one guest, in words a person reads."""

from __future__ import annotations

import csv
import io
import json

from openpyxl import load_workbook

from shopcrm.domain.models import Customer, Preference
from shopcrm.services import privacy, transfer
from shopcrm.store import customers, preferences


def _guest(db):
    c = customers.create(db, Customer(name="佐藤 花子", kana="サトウ ハナコ"))
    for kind, level, label in (
        ("food", "allergy", "えび"),
        ("food", "allergy", "そば"),
        ("drink", "love", "獺祭"),
        ("food", "like", "枝豆"),
        ("food", "dislike", "パクチー"),
    ):
        preferences.add(db, Preference(c.id, kind, level, label))
    customers.create(db, Customer(name="John Smith"))
    return c


def test_customer_csv_has_allergies_and_preferences(db, tmp_path, ja):
    _guest(db)
    out = tmp_path / "customers.csv"
    transfer.export(db, "customers", out)
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    head = rows[0]
    assert head[-2:] == ["アレルギー", "好み"]
    sato = next(r for r in rows[1:] if r[2] == "佐藤 花子")
    assert sato[-2] == "えび、そば"
    assert sato[-1] == "大好き: 獺祭、好き: 枝豆、苦手: パクチー"
    john = next(r for r in rows[1:] if r[2] == "John Smith")
    assert john[-2:] == ["", ""]


def test_customer_xlsx_has_them_too(db, tmp_path):
    _guest(db)
    out = tmp_path / "customers.xlsx"
    transfer.export(db, "customers", out)
    sheet = load_workbook(out).active
    values = list(sheet.values)
    assert values[0][-2:] == ("Allergies", "Preferences")
    assert values[1][-2] == "えび、そば"


def test_disclosure_lists_the_allergies_first(db, tmp_path):
    guest = _guest(db)
    data = privacy.disclosure(db, guest.id)
    assert data["allergies"] == ["えび", "そば"]
    out = privacy.export_disclosure(db, guest.id, tmp_path / "me.xlsx")
    rows = list(load_workbook(out)["Customer"].values)
    assert ("Allergies", "えび、そば") in rows
    assert ("Preferences", "Love: 獺祭、Like: 枝豆、Dislike: パクチー") in rows
    as_json = json.loads(privacy.export_disclosure(db, guest.id, tmp_path / "me.json").read_text())
    assert as_json["allergies"] == ["えび", "そば"]
