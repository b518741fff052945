"""The お通し table charge (an "other" menu item, on every bill) is nobody's favourite: neither the
{favourite} of a DM and the printed birthday list, nor a suggestion in the visit dialog."""

from __future__ import annotations

import datetime as dt

import pytest

from shopcrm.domain.models import Customer, MenuCategory, MenuItem, Visit, VisitItem
from shopcrm.store import campaign_records, customers, menu, visits

DAY = dt.datetime(2026, 11, 1, 19)


@pytest.fixture
def db(anydb):
    """Every test here runs on an SQLite file and on a PostgreSQL database."""
    return anydb


def _menu(db):
    other = menu.add_category(db, MenuCategory("その他", kind="other"))
    drinks = menu.add_category(db, MenuCategory("ドリンク", kind="drink"))
    otoshi = menu.add_item(db, MenuItem("お通し", 400, category_id=other.id))
    beer = menu.add_item(db, MenuItem("生ビール", 600, category_id=drinks.id))
    return otoshi, beer


def _visits(db, guest, lines, n=4):
    for k in range(n):
        items = [VisitItem(item.name, item.id, quantity=q) for item, q in lines]
        visits.record(
            db,
            Visit(customer_id=guest.id, visited_at=DAY + dt.timedelta(days=7 * k), amount=1000,
                  party_size=2, items=items),
        )  # fmt: skip


def test_most_ordered_favourite_leaves_out_the_table_charge(db):
    otoshi, beer = _menu(db)
    regular = customers.create(db, Customer(name="常連 一郎"))
    only_charge = customers.create(db, Customer(name="お通し 二郎"))
    _visits(db, regular, [(otoshi, 2), (beer, 1)])  # お通し ordered more often than the beer
    _visits(db, only_charge, [(otoshi, 2)])
    favs = campaign_records.favourites(db, [regular.id, only_charge.id])
    assert favs == {regular.id: "生ビール"}  # and nothing rather than お通し


def test_typed_items_without_a_menu_entry_still_count(db):
    guest = customers.create(db, Customer(name="手書き 三郎"))
    visits.record(
        db, Visit(customer_id=guest.id, visited_at=DAY, amount=800, items=[VisitItem("熱燗")])
    )
    assert campaign_records.favourites(db, [guest.id]) == {guest.id: "熱燗"}


def test_visit_dialog_never_suggests_the_table_charge(db):
    otoshi, beer = _menu(db)
    guest = customers.create(db, Customer(name="常連 四郎"))
    _visits(db, guest, [(otoshi, 1), (beer, 2)])
    assert visits.suggest_favourites(db, guest.id) == ["生ビール"]
