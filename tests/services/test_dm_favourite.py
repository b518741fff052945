"""{favourite} in a DM is what the guest would call theirs: portion and size notes dropped, and
soft drinks, desserts and the お通し charge never the fallback "favourite" unless marked."""

from __future__ import annotations

import datetime as dt

from shopcrm.domain.favourites import dm_name
from shopcrm.domain.models import Customer, MenuCategory, MenuItem, Preference, Visit, VisitItem
from shopcrm.services import campaigns
from shopcrm.store import campaign_records, customers, menu, preferences, visits

DAY = dt.datetime(2026, 11, 1, 19)


def test_portion_and_size_notes_are_dropped():
    assert dm_name("生ビール（中）") == "生ビール"
    assert dm_name("焼き鳥盛り合わせ（5本）") == "焼き鳥盛り合わせ"
    assert dm_name("純米酒（一合）") == "純米酒"
    assert dm_name("もつ鍋（2人前）") == "もつ鍋"
    assert dm_name("芋焼酎（ロック）") == "芋焼酎（ロック）"  # how it is drunk: kept
    assert dm_name("刺身盛り合わせ") == "刺身盛り合わせ"


def _shop(db):
    cats = {
        name: menu.add_category(db, MenuCategory(name, kind=kind))
        for name, kind in (("ソフトドリンク", "drink"), ("〆・デザート", "food"),
                           ("その他", "other"), ("焼き鳥", "food"), ("ビール", "drink"))
    }  # fmt: skip
    items = {
        name: menu.add_item(db, MenuItem(name, 300, category_id=cats[cat].id))
        for name, cat in (("ウーロン茶", "ソフトドリンク"), ("バニラアイス", "〆・デザート"),
                          ("お通し", "その他"), ("焼き鳥盛り合わせ（5本）", "焼き鳥"),
                          ("生ビール（中）", "ビール"))
    }  # fmt: skip
    return items


def _visit(db, guest, lines, n=3):
    for k in range(n):
        visits.record(db, Visit(
            customer_id=guest.id, visited_at=DAY + dt.timedelta(days=7 * k), amount=1000,
            party_size=1, items=[VisitItem(i.name, i.id, quantity=q) for i, q in lines],
        ))  # fmt: skip


def test_soft_drinks_and_desserts_are_never_the_fallback(db):
    items = _shop(db)
    guest = customers.create(db, Customer(name="佐藤 花子"))
    _visit(db, guest, [(items["ウーロン茶"], 5), (items["バニラアイス"], 3),
                       (items["お通し"], 6), (items["焼き鳥盛り合わせ（5本）"], 1)])  # fmt: skip
    only_soft = customers.create(db, Customer(name="鈴木 一郎"))
    _visit(db, only_soft, [(items["ウーロン茶"], 2)])
    favs = campaign_records.favourites(db, [guest.id, only_soft.id])
    assert favs == {guest.id: "焼き鳥盛り合わせ（5本）"}
    camp = campaign_records.get(db, "winback")
    text = campaigns.render_message(
        camp.template, guest, None, "まるや", favourite=favs[guest.id], campaign=camp, lang="ja"
    )
    assert "焼き鳥盛り合わせとともに" in text and "（5本）" not in text
    text = campaigns.render_message(camp.template, only_soft, None, "まるや", campaign=camp,
                                    lang="ja")  # fmt: skip
    assert "ウーロン茶" not in text


def test_a_soft_drink_the_guest_marked_is_their_favourite(db):
    items = _shop(db)
    guest = customers.create(db, Customer(name="田中 健"))
    preferences.add(db, Preference(guest.id, "drink", "love", "ウーロン茶",
                                   menu_item_id=items["ウーロン茶"].id))  # fmt: skip
    assert campaign_records.favourites(db, [guest.id]) == {guest.id: "ウーロン茶"}
