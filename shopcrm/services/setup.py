"""First-run setup of a new shop: its progress, menu templates and a menu list from a file.

The setup wizard (``ui/dialogs/setup_dialog.py``) asks, in order, for what every printed piece and
every screen needs: shop name, address, phone, the business-day cut-off hour, a menu, the owner
PIN and the existing customer list. Progress is kept in the shop's settings (``setup_step``,
``setup_done``), so a wizard closed half-way opens where it stopped. A new database has no shop
name (never the demo's), and this module says when the wizard should be offered.

Menu templates are starting points for an izakaya, a café and a salon: a few categories with
typical items and prices, which the owner edits in the menu editor. A menu list file (CSV or
Excel, as the customer import reads them) has a name and a price column, and optionally a
category, a kind and a reading; every bad row is reported with its line before anything is saved.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from sqlite_utils import Database

from shopcrm.domain.models import MenuCategory, MenuItem
from shopcrm.domain.money import parse_money
from shopcrm.domain.rules import ValidationError
from shopcrm.i18n import N_, _
from shopcrm.services.transfer import ImportFileError, header_key, read_table
from shopcrm.store import menu, settings
from shopcrm.store.db import atomic

# The wizard's steps, in order (their index is what ``setup_step`` stores).
STEPS = ("welcome", "shop", "business_day", "menu", "pin", "customers", "done")

CUTOFF_SETTING = "business_day_start_hour"  # i10's business-day rule: visits before it count
# for the day before

# key -> (shown name msgid, [(category, kind, [(item, price), ...]), ...])
MENU_TEMPLATES: dict[str, tuple[str, list[tuple[str, str, list[tuple[str, int]]]]]] = {
    "izakaya": (
        N_("Izakaya"),
        [
            (
                "ビール",
                "drink",
                [("生ビール", 600), ("瓶ビール", 650), ("ノンアルコールビール", 450)],
            ),
            ("日本酒・焼酎", "drink", [("日本酒 一合", 700), ("芋焼酎", 550), ("梅酒", 500)]),
            ("サワー・ハイボール", "drink", [("ハイボール", 500), ("レモンサワー", 480)]),
            ("ソフトドリンク", "drink", [("烏龍茶", 350), ("オレンジジュース", 350)]),
            ("おつまみ", "food", [("お通し", 400), ("枝豆", 380), ("冷奴", 380)]),
            ("焼き物・揚げ物", "food", [("焼き鳥盛り合わせ", 980), ("唐揚げ", 680)]),
            ("刺身・一品", "food", [("刺身盛り合わせ", 1580), ("だし巻き玉子", 580)]),
            ("お食事", "food", [("焼きおにぎり", 400), ("お茶漬け", 500)]),
        ],
    ),
    "cafe": (
        N_("Café"),
        [
            (
                "コーヒー",
                "drink",
                [("ブレンドコーヒー", 480), ("カフェラテ", 550), ("アイスコーヒー", 500)],
            ),
            (
                "紅茶・その他",
                "drink",
                [("紅茶", 500), ("抹茶ラテ", 580), ("オレンジジュース", 480)],
            ),
            ("フード", "food", [("トースト", 400), ("サンドイッチ", 780), ("本日のパスタ", 1100)]),
            ("スイーツ", "food", [("チーズケーキ", 520), ("焼き菓子", 300), ("パフェ", 850)]),
        ],
    ),
    "salon": (
        N_("Salon"),
        [
            ("カット", "other", [("カット", 4500), ("前髪カット", 1000), ("学生カット", 3500)]),
            ("カラー", "other", [("カラー", 6000), ("白髪染め", 5500), ("根元カラー", 4500)]),
            ("パーマ", "other", [("パーマ", 7500), ("縮毛矯正", 15000)]),
            ("ケア", "other", [("トリートメント", 3000), ("ヘッドスパ", 3500)]),
        ],
    ),
}

# Header names a menu list may use (normalised as the customer import normalises its headers).
_MENU_HEADERS = {
    "name": ("name", "item", "品名", "商品名", "メニュー", "メニュー名", "品目", "名前"),
    "price": ("price", "価格", "金額", "値段", "単価", "料金"),
    "category": ("category", "カテゴリ", "カテゴリー", "分類", "部門"),
    "kind": ("kind", "種類", "種別"),
    "reading": ("reading", "読み", "よみ", "ふりがな", "フリガナ", "かな"),
}
_KIND_WORDS = {
    "drink": ("drink", "ドリンク", "飲み物", "飲物"),
    "food": ("food", "フード", "料理", "食べ物", "食事"),
    "other": ("other", "その他", "施術", "サービス"),
}


def setup_wanted(db: Database, *, demo: bool = False) -> bool:
    """True on a shop database whose setup was neither finished nor skipped (never the demo)."""
    if demo or settings.get(db, "demo"):
        return False
    return not settings.get(db, "setup_done")


def setup_started(db: Database) -> bool:
    """The wizard was opened and left before the end (it offers to go on where it stopped)."""
    return setup_wanted(db) and settings.get(db, "setup_step") > 0


def save_step(db: Database, step: int) -> None:
    settings.set(db, "setup_step", max(0, min(int(step), len(STEPS) - 1)))


def finish(db: Database) -> None:
    """The wizard is done (or skipped on purpose): it is not offered again, only from Settings."""
    settings.set_many(db, {"setup_done": True, "setup_step": 0, "owner_pin_offered": True})


def template_choices() -> list[tuple[str, str]]:
    """(key, translated name) of the menu templates."""
    return [(key, _(label)) for key, (label, _cats) in MENU_TEMPLATES.items()]


def template_preview(key: str, limit: int = 8) -> str:
    """A few item names of a template, for the wizard to show what it brings."""
    names = [name for _c, _k, items in MENU_TEMPLATES[key][1] for name, _p in items]
    more = len(names) - limit
    text = "、".join(names[:limit])
    return text + (" " + _("and {n} more").format(n=more) if more > 0 else "")


@dataclass
class MenuRow:
    name: str
    price: int
    category: str = ""
    kind: str = "food"
    reading: str = ""


@dataclass
class MenuList:
    """What a menu list file holds: the good rows and one problem per bad row (line, message)."""

    rows: list[MenuRow] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)


def _menu_rows_of_template(key: str) -> list[MenuRow]:
    return [
        MenuRow(name, price, category, kind)
        for category, kind, items in MENU_TEMPLATES[key][1]
        for name, price in items
    ]


def read_menu_list(path: str | os.PathLike) -> MenuList:
    """Read a menu list (CSV in any encoding the import reads, or .xlsx). Raises
    ``ImportFileError`` when the file cannot be read or has no name and price columns."""

    table = read_table(path)
    wanted = {
        field_name: {header_key(h) for h in names} for field_name, names in _MENU_HEADERS.items()
    }
    columns: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        key = header_key(header)
        for field_name, keys in wanted.items():
            if key in keys and field_name not in columns:
                columns[field_name] = index
    if "name" not in columns or "price" not in columns:
        raise ImportFileError(
            N_("The menu list needs a name column and a price column (e.g. 品名 and 価格).")
        )
    result = MenuList()

    def cell(row: list[str], name: str) -> str:
        index = columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    for row, line in zip(table.rows, table.lines, strict=False):
        if not any(c.strip() for c in row):
            continue
        name = cell(row, "name")
        if not name:
            result.problems.append((line, _("Name: is required")))
            continue
        try:
            price = parse_money(cell(row, "price"))
        except ValidationError as err:
            result.problems.append((line, _("Price: {reason}").format(reason=err.message)))
            continue
        kind_text = header_key(cell(row, "kind"))
        kind = next(
            (k for k, words in _KIND_WORDS.items() if kind_text in {header_key(w) for w in words}),
            "food",
        )
        result.rows.append(MenuRow(name, price, cell(row, "category"), kind, cell(row, "reading")))
    return result


def add_menu(db: Database, rows: list[MenuRow]) -> int:
    """Add the items (and their categories) in one transaction; items already on the menu are
    left as they are. The number of items added."""
    added = 0
    with atomic(db):
        categories = {c.name: c for c in menu.categories(db)}
        existing = {item.name for item in menu.items(db, active_only=False)}
        for row in rows:
            if row.name in existing:
                continue
            category_id = None
            if row.category:
                category = categories.get(row.category)
                if category is None:
                    category = menu.add_category(db, MenuCategory(row.category, row.kind))
                    categories[category.name] = category
                category_id = category.id
            menu.add_item(
                db, MenuItem(row.name, row.price, category_id=category_id, reading=row.reading)
            )
            existing.add(row.name)
            added += 1
    return added


def apply_template(db: Database, key: str) -> int:
    """Put a template's items on the menu (one transaction); the number added."""
    return add_menu(db, _menu_rows_of_template(key))
