"""The menu (categories, items, prices) and each guest's preferences."""

from __future__ import annotations

import pytest

from shopcrm.domain.models import Customer, MenuCategory, MenuItem, Preference
from shopcrm.domain.rules import ValidationError
from shopcrm.store import customers, menu, preferences
from shopcrm.store.errors import NotFound


@pytest.fixture
def db(anydb):
    """Every test here runs on an SQLite file and on a PostgreSQL database."""
    return anydb


@pytest.fixture
def guest(db):
    return customers.create(db, Customer(name="田中太郎", kana="タナカタロウ")).id


def test_categories_and_items_in_display_order(db):
    drinks = menu.add_category(db, MenuCategory("ドリンク", kind="drink"))
    food = menu.add_category(db, MenuCategory("焼き物", kind="food"))
    assert [c.name for c in menu.categories(db)] == ["ドリンク", "焼き物"]
    assert drinks.sort_order < food.sort_order
    tori = menu.add_item(db, MenuItem("焼き鳥", 180, category_id=food.id))
    beer = menu.add_item(db, MenuItem(" 生ビール ", 600, category_id=drinks.id))
    assert beer.name == "生ビール" and beer.category == "ドリンク" and beer.kind == "drink"
    assert [i.name for i in menu.items(db)] == ["生ビール", "焼き鳥"]
    tori.active = False
    tori.price = 200
    assert menu.update_item(db, tori).price == 200
    assert [i.name for i in menu.items(db)] == ["生ビール"]
    assert [i.name for i in menu.items(db, active_only=False)] == ["生ビール", "焼き鳥"]
    food.name = "焼き鳥・串"
    assert menu.update_category(db, food).name == "焼き鳥・串"
    assert menu.get_item(db, tori.id).category == "焼き鳥・串"


def test_deleting_a_category_keeps_its_items(db):
    cat = menu.add_category(db, MenuCategory("季節", kind="food"))
    item = menu.add_item(db, MenuItem("松茸土瓶蒸し", 1800, category_id=cat.id))
    menu.delete_category(db, cat.id)
    kept = menu.get_item(db, item.id)
    assert kept.category_id is None and kept.category == ""
    menu.delete_item(db, item.id)
    with pytest.raises(NotFound):
        menu.get_item(db, item.id)


def test_menu_validation(db):
    with pytest.raises(ValidationError) as err:
        menu.add_item(db, MenuItem("", 100))
    assert err.value.field == "name"
    with pytest.raises(ValidationError) as err:
        menu.add_item(db, MenuItem("枝豆", -1))
    assert err.value.field == "price"
    with pytest.raises(ValidationError) as err:
        menu.add_item(db, MenuItem("枝豆", 1.5))
    assert err.value.field == "price"
    menu.add_category(db, MenuCategory("ドリンク", kind="drink"))
    with pytest.raises(ValidationError) as err:
        menu.add_category(db, MenuCategory("ドリンク"))
    assert err.value.field == "name"
    with pytest.raises(NotFound):
        menu.add_item(db, MenuItem("枝豆", 300, category_id=99))
    assert menu.items(db) == [] and len(menu.categories(db)) == 1


def test_find_item_ignores_width_and_spaces(db):
    item = menu.add_item(db, MenuItem("ﾊｲﾎﾞｰﾙ", 500))
    assert menu.find_item(db, "ハイボール").id == item.id
    assert menu.find_item(db, " ﾊｲﾎﾞｰﾙ").id == item.id
    assert menu.find_item(db, "レモンサワー") is None
    assert menu.find_item(db, "") is None


def test_preferences_add_list_remove(db, guest):
    beer = menu.add_item(db, MenuItem("生ビール", 600))
    like = preferences.add(db, Preference(guest, "drink", "like", "生ビール"))
    assert like.menu_item_id == beer.id  # linked to the menu by name
    preferences.add(db, Preference(guest, "food", "allergy", "えび", note="甲殻類"))
    preferences.add(db, Preference(guest, "seat", "love", "カウンター"))
    preferences.add(db, Preference(guest, "food", "dislike", "パクチー"))
    levels = [p.level for p in preferences.for_customer(db, guest)]
    assert levels == ["allergy", "love", "like", "dislike"]
    assert [p.label for p in preferences.allergies(db, guest)] == ["えび"]
    assert [p.label for p in preferences.favourites(db, guest)] == ["カウンター", "生ビール"]
    assert customers.summary(db, guest).has_allergy
    preferences.remove(db, preferences.allergies(db, guest)[0].id)
    assert preferences.allergies(db, guest) == []
    assert not customers.summary(db, guest).has_allergy
    with pytest.raises(NotFound):
        preferences.remove(db, 999)


def test_same_label_changes_level_instead_of_duplicating(db, guest):
    first = preferences.add(db, Preference(guest, "drink", "like", "獺祭"))
    again = preferences.add(db, Preference(guest, "drink", "love", " 獺祭 "))
    assert again.id == first.id and again.level == "love"
    assert len(preferences.for_customer(db, guest)) == 1
    # the same word as another kind is a different preference
    preferences.add(db, Preference(guest, "other", "like", "獺祭"))
    assert len(preferences.for_customer(db, guest)) == 2


def test_preference_validation(db, guest):
    with pytest.raises(ValidationError):
        preferences.add(db, Preference(guest, "drink", "like", "  "))
    with pytest.raises(ValidationError) as err:
        preferences.add(db, Preference(999, "drink", "like", "ビール"))
    assert err.value.field == "customer"
    with pytest.raises(ValueError):
        preferences.add(db, Preference(guest, "smell", "like", "ビール"))
    with pytest.raises(ValueError):
        preferences.add(db, Preference(guest, "drink", "adore", "ビール"))
    assert preferences.for_customer(db, guest) == []
