"""The visits import as a bulk load: a bounded number of SQL statements, and exactly the
database that recording each visit one by one (``visits.record``) would have written."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest

from shopcrm.domain.models import Customer, MenuCategory, MenuItem
from shopcrm.domain.rules import ValidationError
from shopcrm.services import privacy, transfer
from shopcrm.store import bulk, customers, menu, open_db, visits

ROWS = 10_000
GUESTS = 300


def _shop(db) -> None:
    drinks = menu.add_category(db, MenuCategory("ドリンク", kind="drink"))
    menu.add_item(db, MenuItem("生ビール", 600, category_id=drinks.id))
    menu.add_item(db, MenuItem("枝豆", 400, category_id=drinks.id))
    customers.insert_many(
        db,
        [Customer(name=f"客{i}", kana="キャク", code=f"M{i:04d}") for i in range(GUESTS)],
    )


def _csv(path, rows: int = ROWS, seed: int = 3) -> None:
    rng = random.Random(seed)
    lines = ["会員番号,来店日時,金額,人数,注文,担当,メモ"]
    for _ in range(rows):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(300))
        lines.append(
            f"M{rng.randrange(GUESTS):04d},{day} {rng.randint(17, 23)}:{rng.randint(0, 59):02d},"
            f"{rng.randint(10, 200) * 100},{rng.randint(1, 6)},"
            f"{rng.choice(['生ビール×2、枝豆', 'ﾊｲﾎﾞｰﾙ', '', '枝豆'])},{rng.choice(['', '佐藤 '])},"
            f"{rng.choice(['', '窓際'])}"
        )
    path.write_text("\n".join(lines), encoding="utf-8")


def test_importing_10000_visits_issues_a_bounded_number_of_statements(db, tmp_path):
    _shop(db)
    path = tmp_path / "visits.csv"
    _csv(path)
    table = transfer.read_table(path)
    plan = transfer.plan_import(db, table, "visits")
    assert plan.report.valid == ROWS
    sent: list[str] = []
    db.conn.set_trace_callback(sent.append)
    try:
        report = transfer.apply_import(db, plan)
    finally:
        db.conn.set_trace_callback(None)
    assert report.imported == ROWS
    # one by one it was 8 statements and two savepoints per visit, each firing a trigger that
    # re-read all of the guest's visits: over 100,000 for this file
    assert len(sent) <= 40, sent[:50]
    assert db.execute("SELECT count(*) FROM visits").fetchone()[0] == ROWS


def _one_by_one(db, plan) -> None:
    """What the import did before: every visit through visits.record."""
    with db.atomic():
        for _line, prepared in transfer.planned_rows(db, plan):
            visits.record(db, prepared.as_visit())


def _contents(db):
    figures = db.execute(
        "SELECT id, visit_count, visit_days, total_spent, first_visit_at, last_visit_at"
        " FROM customers ORDER BY id"
    ).fetchall()
    rows = db.execute(
        "SELECT id, customer_id, visited_at, visit_date, party_size, amount, staff, note"
        " FROM visits ORDER BY id"
    ).fetchall()
    items = db.execute(
        "SELECT id, visit_id, menu_item_id, name, quantity, price FROM visit_items ORDER BY id"
    ).fetchall()
    triggers = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type IN ('trigger', 'index') ORDER BY name"
    ).fetchall()
    return figures, rows, items, triggers


@pytest.mark.parametrize("rebuild", [False, True], ids=["indexes kept", "indexes rebuilt"])
def test_the_bulk_load_writes_what_recording_one_by_one_writes(tmp_path, monkeypatch, rebuild):
    if rebuild:  # a load past this many rows sets the indexes aside and builds them again
        monkeypatch.setattr(bulk, "INDEX_REBUILD_ROWS", 500)
    path = tmp_path / "visits.csv"
    _csv(path, rows=3000, seed=5)
    fast, slow = open_db(tmp_path / "fast.db"), open_db(tmp_path / "slow.db")
    for db in (fast, slow):
        _shop(db)
        bulk.insert_visits(  # history before the import: the figures must add up with it
            db,
            [dataclasses.replace(v, customer_id=1 + i % 5) for i, v in enumerate(_visits_before())],
        )
    plan_fast = transfer.plan_import(fast, transfer.read_table(path), "visits")
    transfer.apply_import(fast, plan_fast)
    _one_by_one(slow, transfer.plan_import(slow, transfer.read_table(path), "visits"))
    got, expected = _contents(fast), _contents(slow)
    assert got[0] == expected[0]  # every customer's figures
    assert got[1] == expected[1]  # the visits
    assert got[2] == expected[2]  # their items, linked to the menu with the price of the day
    assert got[3] == expected[3]  # the triggers and indexes are back, unchanged
    linked = fast.execute(
        "SELECT count(*) FROM visit_items WHERE menu_item_id IS NOT NULL AND price IS NOT NULL"
    ).fetchone()[0]
    assert linked > 0
    fast.close()
    slow.close()


def _visits_before():
    from shopcrm.domain.models import Visit

    return [
        Visit(customer_id=1, visited_at=dt.datetime(2025, 5, 1 + d, 19), amount=1000 * d)
        for d in range(10)
    ]


def test_a_customer_erased_after_the_dry_run_is_a_row_error(db, tmp_path):
    _shop(db)
    path = tmp_path / "visits.csv"
    path.write_text(
        "会員番号,来店日時,金額\nM0001,2026-02-01 19:00,3000\nM0002,2026-02-01 20:00,4000\n",
        encoding="utf-8",
    )
    plan = transfer.plan_import(db, transfer.read_table(path), "visits")
    assert plan.report.valid == 2
    gone = customers.find_by_code(db, "M0002").id
    privacy.erase(db, gone)  # between the dry run and the import
    with pytest.raises(ValidationError):
        transfer.apply_import(db, plan)
    assert db.execute("SELECT count(*) FROM visits").fetchone()[0] == 0  # all or nothing
    report = transfer.apply_import(db, plan, valid_only=True)
    assert report.imported == 1
    assert [(e.row, e.reason) for e in report.errors] == [(3, "this customer's record was erased")]
    kept = customers.summary(db, customers.find_by_code(db, "M0001").id)
    assert (kept.visit_count, kept.total_spent) == (1, 3000)


def test_a_failure_inside_the_bulk_load_leaves_no_visit_and_keeps_the_triggers(db):
    _shop(db)
    before = _contents(db)
    with pytest.raises(RuntimeError), bulk.visit_loader(db) as load:
        for n in range(5000):
            load.add(1, f"2026-03-01 19:{n % 60:02d}:00", 1000)
        raise RuntimeError("disk full")
    assert _contents(db) == before
    assert db.execute("SELECT count(*) FROM visits").fetchone()[0] == 0


def test_imported_customers_are_in_the_search_index_and_the_trigger_is_back(db, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text(
        "氏名,フリガナ,電話番号\n"
        + "\n".join(f"山田 {i}郎,ヤマダ,090{i:08d}" for i in range(1200))
        + "\n",
        encoding="utf-8",
    )
    before = _contents(db)[3]
    report = transfer.import_file(db, path, "customers")
    assert report.imported == 1200
    assert _contents(db)[3] == before  # every trigger as it was
    indexed = db.execute("SELECT count(*) FROM customers_fts").fetchone()[0]
    assert indexed == 1200
    assert [s.name for s in customers.search(db, "09000000777")] == ["山田 777郎"]
    later = customers.create(db, Customer(name="後藤 新", kana="ゴトウ シン"))
    assert [s.id for s in customers.search(db, "ゴトウ")] == [later.id]  # the trigger works again
