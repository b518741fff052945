"""What each guest loves, likes, dislikes or is allergic to (drink, food, seat, other).

One guest has at most one preference per label and kind: adding "生ビール" as *love* when it is
already a *like* raises it to love instead of adding a second chip. Allergies are safety
information and come first wherever a guest's preferences are listed.
"""

from __future__ import annotations

import datetime as dt

from sqlite_utils import Database

from shopcrm.domain.kana import search_key
from shopcrm.domain.models import PREFERENCE_KINDS, PREFERENCE_LEVELS, Preference
from shopcrm.domain.rules import ValidationError
from shopcrm.i18n import N_
from shopcrm.store.dialect import insert_id
from shopcrm.store.errors import NotFound
from shopcrm.store.menu import find_item

_SELECT = (
    "SELECT id, customer_id, kind, level, label, menu_item_id, note, created_at FROM preferences"
)
# allergy first (safety), then love, like, dislike; oldest first within a level.
_LEVEL_ORDER = (
    " ORDER BY CASE level WHEN 'allergy' THEN 0 WHEN 'love' THEN 1 WHEN 'like' THEN 2"
    " ELSE 3 END, id"
)


def _pref(row) -> Preference:
    return Preference(
        id=row[0],
        customer_id=row[1],
        kind=row[2],
        level=row[3],
        label=row[4],
        menu_item_id=row[5],
        note=row[6],
        created_at=dt.datetime.fromisoformat(row[7]) if row[7] else None,
    )


def get(db: Database, id: int) -> Preference:
    row = db.execute(_SELECT + " WHERE id = ?", [id]).fetchone()
    if row is None:
        raise NotFound("preference", id)
    return _pref(row)


def add(db: Database, p: Preference) -> Preference:
    """Store ``p`` (or change the level of the guest's existing preference with that label)."""
    label = (p.label or "").strip()
    if not label:
        raise ValidationError("items", N_("is required"))
    if p.kind not in PREFERENCE_KINDS:
        raise ValueError(f"unknown preference kind {p.kind!r}")
    if p.level not in PREFERENCE_LEVELS:
        raise ValueError(f"unknown preference level {p.level!r}")
    with db.atomic():
        if not db.execute("SELECT 1 FROM customers WHERE id = ?", [p.customer_id]).fetchone():
            raise ValidationError("customer", N_("no such customer"))
        menu_item_id = p.menu_item_id
        if menu_item_id is None:
            item = find_item(db, label)
            menu_item_id = item.id if item else None
        key = search_key(label)
        for row in db.execute(
            _SELECT + " WHERE customer_id = ? AND kind = ?", [p.customer_id, p.kind]
        ):
            if search_key(row[4]) == key:
                db.execute(
                    "UPDATE preferences SET level = ?, note = ?,"
                    " menu_item_id = coalesce(?, menu_item_id) WHERE id = ?",
                    [p.level, p.note or row[6], menu_item_id, row[0]],
                )
                return get(db, row[0])
        now = dt.datetime.now().replace(microsecond=0)
        cur = insert_id(
            db,
            "INSERT INTO preferences(customer_id, kind, level, label, menu_item_id, note,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                p.customer_id,
                p.kind,
                p.level,
                label,
                menu_item_id,
                p.note or "",
                (p.created_at or now).isoformat(sep=" "),
            ],
        )
        return get(db, cur)


def remove(db: Database, id: int) -> None:
    with db.atomic():
        get(db, id)
        db.execute("DELETE FROM preferences WHERE id = ?", [id])


def for_customer(db: Database, customer_id: int) -> list[Preference]:
    """All of the guest's preferences: allergies first, then love, like, dislike."""
    return [
        _pref(r)
        for r in db.execute(_SELECT + " WHERE customer_id = ?" + _LEVEL_ORDER, [customer_id])
    ]


def allergies(db: Database, customer_id: int) -> list[Preference]:
    return [
        _pref(r)
        for r in db.execute(
            _SELECT + " WHERE customer_id = ? AND level = 'allergy' ORDER BY id", [customer_id]
        )
    ]


def favourites(db: Database, customer_id: int) -> list[Preference]:
    """Loves, then likes (what a DM or the counter proposes)."""
    return [
        _pref(r)
        for r in db.execute(
            _SELECT + " WHERE customer_id = ? AND level IN ('love', 'like')" + _LEVEL_ORDER,
            [customer_id],
        )
    ]


def set_levels(db: Database, customer_id: int, wanted: dict[str, list[str]]) -> None:
    """Make the guest's preferences of each level in ``wanted`` exactly these labels (the form's
    allergy / love / like / dislike lines), in one transaction. A label already noted under
    another level moves to this one; a menu item's kind is taken from the menu (else food for an
    allergy, other for the rest). Levels not in ``wanted`` are left alone."""
    with db.atomic():
        current = for_customer(db, customer_id)
        for level, labels in wanted.items():
            keys = {search_key(label) for label in labels}
            for p in current:
                if p.level == level and search_key(p.label) not in keys:
                    remove(db, p.id)
            have = {search_key(p.label) for p in current if p.level == level}
            for label in labels:
                if search_key(label) in have:
                    continue
                same = next((p for p in current if search_key(p.label) == search_key(label)), None)
                item = find_item(db, label)
                if same is not None:
                    kind = same.kind
                elif item is not None and item.kind in ("drink", "food"):
                    kind = item.kind
                else:
                    kind = "food" if level == "allergy" else "other"
                add(db, Preference(customer_id, kind, level, label))


def labels_by_customer(db: Database) -> dict[int, list[tuple[str, str]]]:
    """{customer id: [(level, label), ...]} for every guest, allergies first (for exports)."""
    out: dict[int, list[tuple[str, str]]] = {}
    for row in db.execute(
        "SELECT customer_id, level, label FROM preferences"
        + _LEVEL_ORDER.replace("ORDER BY", "ORDER BY customer_id,", 1)
    ):
        out.setdefault(row[0], []).append((row[1], row[2]))
    return out
