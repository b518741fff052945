"""``shopcrm birthdays --format pdf -o FILE``: the printable birthday list from the command line."""

from __future__ import annotations

from click.testing import CliRunner

from shopcrm.cli import cli
from shopcrm.domain.models import Customer
from shopcrm.store import customers, open_db
from tests.services.pdfcheck import page_texts


def _shop(db_path):
    db = open_db(db_path)
    customers.create(
        db,
        Customer(name="山田 太郎", birth_year=1980, birth_month=12, birth_day=24, dm_consent=True),
    )
    customers.create(db, Customer(name="佐藤 花子", birth_month=12, birth_day=3))
    customers.create(db, Customer(name="伊藤 一", birth_month=1, birth_day=2, dm_consent=True))
    db.close()


def test_pdf_of_a_month_in_japanese(db_path, tmp_path):
    _shop(db_path)
    out = tmp_path / "list.pdf"
    args = ["--db", str(db_path), "--lang", "ja", "birthdays", "--month", "12", "--consent"]
    result = CliRunner().invoke(
        cli, [*args, "--format", "pdf", "-o", str(out), "--today", "2026-11-23"]
    )
    assert result.exit_code == 0, result.output
    assert "1名・1ページ" in result.output
    text = page_texts(out.read_bytes())[0]
    assert "12月のお誕生日" in text
    assert "山田 太郎 様" in text and "46" in text  # turns 46 on 2026-12-24
    assert "佐藤" not in text  # no DM consent: filtered out
    assert "条件: DM同意" in text


def test_pdf_needs_an_output_file(db_path):
    _shop(db_path)
    result = CliRunner().invoke(
        cli, ["--db", str(db_path), "birthdays", "--days", "30", "--format", "pdf"]
    )
    assert result.exit_code != 0
    assert "-o" in result.output
    assert not list(db_path.parent.glob("*.pdf"))
