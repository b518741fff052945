"""``shopcrm demo`` through click's runner: counts, JSON, refusal."""

from __future__ import annotations

import json

from click.testing import CliRunner

from shopcrm.cli import cli
from shopcrm.store import open_db


def test_demo_fills_and_prints_counts(db_path):
    result = CliRunner().invoke(cli, ["--db", str(db_path), "demo", "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    assert "Customers: 600" in result.output
    assert "Visits from 2023-11-23 to 2026-11-23" in result.output
    db = open_db(db_path)
    assert db.execute("SELECT count(*) FROM customers").fetchone()[0] == 600
    db.close()


def test_demo_json_and_seed(db_path, tmp_path):
    runner = CliRunner()
    args = ["demo", "--seed", "7", "--today", "2026-11-23", "--json"]
    first = runner.invoke(cli, ["--db", str(db_path), *args])
    assert first.exit_code == 0, first.output
    data = json.loads(first.output)
    assert data["customers"] == 600 and data["seed"] == 7 and data["visits"] > 0
    second = runner.invoke(cli, ["--db", str(tmp_path / "b.db"), *args])
    again = json.loads(second.output)
    assert {k: v for k, v in again.items() if k not in ("seconds", "db")} == {
        k: v for k, v in data.items() if k not in ("seconds", "db")
    }


def test_demo_refuses_a_shop_with_customers(db_path):
    runner = CliRunner()
    added = runner.invoke(
        cli,
        ["--db", str(db_path), "customers", "add", "--name", "田中太郎", "--kana", "タナカタロウ"],
    )
    assert added.exit_code == 0, added.output
    result = runner.invoke(cli, ["--db", str(db_path), "demo"])
    assert result.exit_code == 3
    assert "demo data never mixes into a shop's records" in result.output
    db = open_db(db_path)
    assert db.execute("SELECT count(*) FROM customers").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM visits").fetchone()[0] == 0
    db.close()


def test_demo_refusal_in_japanese(db_path):
    runner = CliRunner()
    runner.invoke(cli, ["--db", str(db_path), "customers", "add", "--name", "田中太郎"])
    result = runner.invoke(cli, ["--db", str(db_path), "--lang", "ja", "demo"])
    assert result.exit_code == 3
    assert "デモデータをお店の記録に混ぜることはできません" in result.output
