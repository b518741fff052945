"""Restore rescues (issue 17): onto a damaged, a missing and an empty database, from the command
line, keeping the damaged file aside under a name that says so; the backup's PIN is asked when the
current file cannot be read."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from shopcrm.cli import cli
from shopcrm.domain.models import Customer
from shopcrm.services import auth
from shopcrm.store import backup, customers, open_db


def run(db_path, *args, pin=None):
    extra = ["--pin", pin] if pin is not None else []
    return CliRunner().invoke(cli, ["--db", str(db_path), *extra, *map(str, args)])


@pytest.fixture
def saved(tmp_path):
    """A shop with two guests and a backup of it in another folder."""
    shop = tmp_path / "shop" / "shop.db"
    db = open_db(shop)
    for name in ("山田 太郎", "佐藤 花子"):
        customers.create(db, Customer(name=name, kana="やまだ"))
    copy = backup.backup_now(db, tmp_path / "usb" / "shop-backup.db", kind="manual")
    db.close()
    return shop, copy


def _damage(path):
    data = bytearray(path.read_bytes())
    for offset in range(4096, min(len(data), 4096 * 6), 97):  # scribble over the table pages
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    for extra in ("-wal", "-shm"):
        (path.parent / (path.name + extra)).unlink(missing_ok=True)


def _names(path):
    db = open_db(path)
    try:
        return sorted(r[0] for r in db.execute("SELECT name FROM customers"))
    finally:
        db.close()


def test_restore_onto_a_damaged_database_keeps_the_damage_aside(saved):
    shop, copy = saved
    _damage(shop)
    assert backup.file_state(shop) == "damaged"
    assert run(shop, "customers", "list").exit_code != 0  # every command says it is damaged
    res = run(shop, "restore", copy, "--yes")
    assert res.exit_code == 0, res.output
    assert "damaged database was kept as" in res.output
    assert _names(shop) == ["佐藤 花子", "山田 太郎"]
    aside = list(shop.parent.glob("shop-damaged-*.db"))
    assert len(aside) == 1 and aside[0].stat().st_size > 0


def test_restore_onto_a_new_pc_with_no_database(saved, tmp_path):
    _shop, copy = saved
    new_pc = tmp_path / "new-pc" / "shopcrm.db"
    res = run(new_pc, "restore", copy, "--yes")
    assert res.exit_code == 0, res.output
    assert _names(new_pc) == ["佐藤 花子", "山田 太郎"]


def test_restore_onto_an_empty_file(saved):
    shop, copy = saved
    shop.unlink()
    for extra in ("-wal", "-shm"):
        (shop.parent / (shop.name + extra)).unlink(missing_ok=True)
    shop.write_bytes(b"")
    assert backup.file_state(shop) == "empty"
    res = run(shop, "restore", copy, "--yes")
    assert res.exit_code == 0, res.output
    assert _names(shop) == ["佐藤 花子", "山田 太郎"]


def test_a_damaged_database_asks_for_the_backups_pin(tmp_path):
    shop = tmp_path / "shop.db"
    db = open_db(shop)
    customers.create(db, Customer(name="山田 太郎", kana="やまだ"))
    auth.set_pin(db, "2580")
    copy = backup.backup_now(db, tmp_path / "usb" / "copy.db", kind="manual")
    db.close()
    _damage(shop)
    assert run(shop, "restore", copy, "--yes").exit_code == 3
    assert run(shop, "restore", copy, "--yes", pin="1111").exit_code == 3
    res = run(shop, "restore", copy, "--yes", pin="2580")
    assert res.exit_code == 0, res.output
    assert _names(shop) == ["山田 太郎"]
