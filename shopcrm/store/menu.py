"""The shop's menu: categories (drink / food / other) and their items with prices.

Visits keep a snapshot of an item's name and price, so editing or deleting a menu item never
rewrites history; a deleted item's past orders keep their name and lose only the link.
"""

from __future__ import annotations

from sqlite_utils import Database

from shopcrm.domain.kana import search_key
from shopcrm.domain.models import MenuCategory, MenuItem
from shopcrm.domain.readings import clean_reading, guess_reading
from shopcrm.domain.rules import ValidationError
from shopcrm.i18n import N_
from shopcrm.store.dialect import insert_id
from shopcrm.store.errors import NotFound

CATEGORY_KINDS = ("drink", "food", "other")

_ITEM_SELECT = """
    SELECT i.id, i.name, i.price, i.category_id, i.active, i.sort_order,
           coalesce(c.name, '') AS category, coalesce(c.kind, 'food') AS kind, i.reading
    FROM menu_items i LEFT JOIN menu_categories c ON c.id = i.category_id
"""
_ITEM_ORDER = " ORDER BY coalesce(c.sort_order, 1e9), c.id, i.sort_order, i.id"


def _category(row) -> MenuCategory:
    return MenuCategory(id=row[0], name=row[1], kind=row[2], sort_order=row[3])


def _item(row) -> MenuItem:
    return MenuItem(
        id=row[0],
        name=row[1],
        price=row[2],
        category_id=row[3],
        active=bool(row[4]),
        sort_order=row[5],
        category=row[6],
        kind=row[7],
        reading=row[8] or "",
    )


def _clean_category(db: Database, c: MenuCategory) -> MenuCategory:
    name = (c.name or "").strip()
    if not name:
        raise ValidationError("name", N_("is required"))
    if c.kind not in CATEGORY_KINDS:
        raise ValueError(f"unknown category kind {c.kind!r}; use one of {CATEGORY_KINDS}")
    clash = db.execute(
        "SELECT id FROM menu_categories WHERE name = ? AND id IS DISTINCT FROM ?", [name, c.id]
    ).fetchone()
    if clash:
        raise ValidationError("name", N_("is already used by another category"))
    return MenuCategory(name=name, kind=c.kind, id=c.id, sort_order=int(c.sort_order or 0))


def _clean_item(db: Database, item: MenuItem) -> MenuItem:
    name = (item.name or "").strip()
    if not name:
        raise ValidationError("name", N_("is required"))
    price = item.price
    if isinstance(price, bool) or not isinstance(price, int):
        raise ValidationError("price", N_("must be a whole number"))
    if price < 0:
        raise ValidationError("price", N_("cannot be negative"))
    if (
        item.category_id is not None
        and not db.execute(
            "SELECT 1 FROM menu_categories WHERE id = ?", [item.category_id]
        ).fetchone()
    ):
        raise NotFound("menu category", item.category_id)

    # A typed reading is kept (in katakana); without one it is filled from the name if it can be.
    reading = clean_reading(item.reading) or guess_reading(name)
    return MenuItem(
        name=name,
        price=price,
        category_id=item.category_id,
        id=item.id,
        active=bool(item.active),
        sort_order=int(item.sort_order or 0),
        reading=reading,
    )


def categories(db: Database) -> list[MenuCategory]:
    """All categories in display order."""
    rows = db.execute(
        "SELECT id, name, kind, sort_order FROM menu_categories ORDER BY sort_order, id"
    ).fetchall()
    return [_category(r) for r in rows]


def get_category(db: Database, id: int) -> MenuCategory:
    row = db.execute(
        "SELECT id, name, kind, sort_order FROM menu_categories WHERE id = ?", [id]
    ).fetchone()
    if row is None:
        raise NotFound("menu category", id)
    return _category(row)


def add_category(db: Database, c: MenuCategory) -> MenuCategory:
    """Insert a category; with ``sort_order`` 0 it goes after the existing ones."""
    with db.atomic():
        clean = _clean_category(db, c)
        order = clean.sort_order or _next_order(db, "menu_categories")
        cur = insert_id(
            db,
            "INSERT INTO menu_categories(name, kind, sort_order) VALUES (?, ?, ?)",
            [clean.name, clean.kind, order],
        )
        return get_category(db, cur)


def update_category(db: Database, c: MenuCategory) -> MenuCategory:
    with db.atomic():
        get_category(db, c.id)
        clean = _clean_category(db, c)
        db.execute(
            "UPDATE menu_categories SET name = ?, kind = ?, sort_order = ? WHERE id = ?",
            [clean.name, clean.kind, clean.sort_order, c.id],
        )
        return get_category(db, c.id)


def delete_category(db: Database, id: int) -> None:
    """Delete a category; its items stay on the menu without a category."""
    with db.atomic():
        get_category(db, id)
        db.execute("DELETE FROM menu_categories WHERE id = ?", [id])


def items(db: Database, active_only: bool = True) -> list[MenuItem]:
    """Menu items by category order, then item order."""
    where = " WHERE i.active = 1" if active_only else ""
    return [_item(r) for r in db.execute(_ITEM_SELECT + where + _ITEM_ORDER).fetchall()]


def get_item(db: Database, id: int) -> MenuItem:
    row = db.execute(_ITEM_SELECT + " WHERE i.id = ?", [id]).fetchone()
    if row is None:
        raise NotFound("menu item", id)
    return _item(row)


def find_item(db: Database, name: str) -> MenuItem | None:
    """The menu item called ``name`` (spaces and width ignored; active items first)."""
    key = search_key(name or "")
    if not key:
        return None
    rows = db.execute(
        _ITEM_SELECT + " WHERE i.name = ? ORDER BY i.active DESC, i.id", [name.strip()]
    ).fetchall()
    if not rows:
        rows = [
            r
            for r in db.execute(_ITEM_SELECT + " ORDER BY i.active DESC, i.id").fetchall()
            if search_key(r[1]) == key
        ]
    return _item(rows[0]) if rows else None


def add_item(db: Database, item: MenuItem) -> MenuItem:
    with db.atomic():
        clean = _clean_item(db, item)
        order = clean.sort_order or _next_order(db, "menu_items")
        cur = insert_id(
            db,
            "INSERT INTO menu_items(category_id, name, price, active, sort_order, reading)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [clean.category_id, clean.name, clean.price, int(clean.active), order, clean.reading],
        )
        return get_item(db, cur)


def update_item(db: Database, item: MenuItem) -> MenuItem:
    with db.atomic():
        get_item(db, item.id)
        clean = _clean_item(db, item)
        db.execute(
            "UPDATE menu_items SET category_id = ?, name = ?, price = ?, active = ?,"
            " sort_order = ?, reading = ? WHERE id = ?",
            [
                clean.category_id,
                clean.name,
                clean.price,
                int(clean.active),
                clean.sort_order,
                clean.reading,
                item.id,
            ],
        )
        return get_item(db, item.id)


def delete_item(db: Database, id: int) -> None:
    """Remove an item from the menu; past visits keep its name and price."""
    with db.atomic():
        get_item(db, id)
        db.execute("DELETE FROM menu_items WHERE id = ?", [id])


def _next_order(db: Database, table: str) -> int:
    return db.execute(f"SELECT coalesce(max(sort_order), 0) + 1 FROM {table}").fetchone()[0]
