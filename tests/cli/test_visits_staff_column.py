"""``shopcrm visits list``: a Staff column when a listed visit has a staff name, none otherwise."""

from __future__ import annotations

from click.testing import CliRunner

from shopcrm.cli import cli
from shopcrm.domain.models import Customer
from shopcrm.store import customers, open_db


def run(db_path, *args, lang="en"):
    result = CliRunner().invoke(cli, ["--db", str(db_path), "--lang", lang, *args])
    assert result.exit_code == 0, result.output
    return result.output


def _guest(db_path) -> int:
    db = open_db(db_path)
    guest = customers.create(db, Customer(name="田中 太郎"))
    db.close()
    return guest.id


def _add(db_path, guest, at, staff=None):
    args = ["visits", "add", "--customer", str(guest), "--amount", "3000", "--at", at]
    run(db_path, *args, *(["--staff", staff] if staff else []))


def test_staff_column_appears_when_a_visit_has_staff(db_path):
    guest = _guest(db_path)
    _add(db_path, guest, "2026-11-19 19:00")  # no staff on this one
    _add(db_path, guest, "2026-11-20 19:30", staff="佐々木")
    out = run(db_path, "visits", "list")
    header = out.splitlines()[0]
    assert "Staff" in header
    assert header.index("Amount") < header.index("Staff") < header.index("Items")
    line = next(s for s in out.splitlines() if "2026-11-20" in s)
    assert "佐々木" in line
    ja = run(db_path, "visits", "list", "--customer", str(guest), lang="ja")
    assert "担当" in ja.splitlines()[0] and "佐々木" in ja


def test_no_staff_column_without_staff(db_path):
    guest = _guest(db_path)
    _add(db_path, guest, "2026-11-20 19:30")
    out = run(db_path, "visits", "list")
    assert "Staff" not in out
    assert "Amount" in out.splitlines()[0]
