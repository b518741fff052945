"""Menu items keep a reading: filled from the name, kept when typed, written by migration 0022."""

from __future__ import annotations

import sqlite3

from shopcrm.domain.models import MenuItem
from shopcrm.store import menu, open_db


def test_a_new_item_gets_its_reading_from_the_name(db):
    item = menu.add_item(db, MenuItem("枝豆", 380))
    assert item.reading == "エダマメ"


def test_a_typed_reading_wins_and_is_katakana(db):
    item = menu.add_item(db, MenuItem("鱧の湯引き", 980, reading="はものゆびき"))
    assert menu.get_item(db, item.id).reading == "ハモノユビキ"
    item.reading = "ハモ"
    assert menu.update_item(db, item).reading == "ハモ"


def test_migration_fills_readings_of_existing_items(tmp_path):
    """A database from before 0022: its items get readings when it is opened."""
    from shopcrm.store import migrations as m

    path = tmp_path / "old.db"
    db = open_db(path)
    db.execute("INSERT INTO menu_items(name, price) VALUES ('枝豆', 380), ('鱧', 900)")
    db.execute("ALTER TABLE menu_items DROP COLUMN reading")
    db.execute("DELETE FROM _sqlite_migrations WHERE name = '0022_menu_item_reading'")
    db.conn.commit()
    db.close()
    db = open_db(path)
    try:
        rows = db.execute("SELECT name, reading FROM menu_items ORDER BY id").fetchall()
        assert rows == [("枝豆", "エダマメ"), ("鱧", "")]
        assert "0022_menu_item_reading" not in m.pending(db)
    finally:
        db.close()
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)
