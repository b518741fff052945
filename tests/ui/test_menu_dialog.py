"""MenuDialog: categories and items edited in tables, bad cells refused, one-transaction save."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from shopcrm.store import menu
from shopcrm.ui.dialogs.menu_dialog import MenuDialog
from tests.ui.dialog_fixtures import ctx, seed_menu, shown  # noqa: F401 (ctx is a fixture)


def _open(ctx, qtbot):  # noqa: F811
    return shown(qtbot, MenuDialog(ctx))


def _names(db):
    return [(i.category, i.name, i.price, i.active) for i in menu.items(db, active_only=False)]


def test_menu_editor_round_trip(ctx, qtbot):  # noqa: F811
    seed_menu(ctx.db)
    dialog = _open(ctx, qtbot)
    assert dialog.category_table.rowCount() == 3
    assert dialog.item_table.rowCount() == 2  # ビール selected first

    # a new category, moved to the top, with one item typed into the table
    qtbot.mouseClick(
        dialog.findChild(type(dialog.save_button), "categoryAddButton"), Qt.MouseButton.LeftButton
    )
    row = dialog.category_table.rowCount() - 1
    dialog.category_table.item(row, 0).setText("焼酎")
    dialog.category_table.cellWidget(row, 1).setCurrentIndex(0)  # drink
    for _ in range(3):
        dialog._move_category(-1)
    assert dialog.category_table.currentRow() == 0
    dialog.add_item()
    dialog.item_table.item(0, 0).setText("黒霧島")
    dialog.item_table.item(0, 1).setText("５５０")
    # rename an item, switch one off, remove one
    dialog.category_table.selectRow(1)  # ビール
    dialog.item_table.item(0, 1).setText("¥650")
    dialog.item_table.item(1, 2).setCheckState(Qt.CheckState.Unchecked)
    dialog.category_table.selectRow(3)  # 料理
    dialog.item_table.selectRow(0)  # 枝豆
    dialog.remove_item()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.saved
    cats = menu.categories(ctx.db)
    assert [(c.name, c.kind) for c in cats][:2] == [("焼酎", "drink"), ("ビール", "drink")]
    assert _names(ctx.db) == [
        ("焼酎", "黒霧島", 550, True),
        ("ビール", "生ビール", 650, True),
        ("ビール", "瓶ビール", 650, False),
        ("日本酒", "獺祭 純米大吟醸", 1200, True),
        ("日本酒", "八海山", 900, True),
        ("料理", "焼き鳥盛り合わせ", 980, True),
        ("料理", "刺身盛り合わせ", 1580, True),
    ]


def test_bad_price_and_empty_name_are_shown_at_the_cell_and_nothing_is_saved(ctx, qtbot):  # noqa: F811
    seed_menu(ctx.db)
    before = _names(ctx.db)
    dialog = _open(ctx, qtbot)
    dialog.item_table.item(0, 1).setText("-100")
    assert dialog.error.isVisible() and "生ビール" in dialog.error.text()
    assert dialog.item_table.item(0, 1).toolTip()
    assert dialog.item_table.item(0, 1).background().color().isValid()
    dialog.item_table.item(1, 0).setText("  ")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.saved and dialog.isVisible()
    assert _names(ctx.db) == before

    dialog.item_table.item(0, 1).setText("600")
    dialog.item_table.item(1, 0).setText("瓶ビール")
    assert not dialog.error.isVisible()
    assert dialog.item_table.item(0, 1).toolTip() == ""


def test_duplicate_category_name_is_refused(ctx, qtbot):  # noqa: F811
    seed_menu(ctx.db)
    dialog = _open(ctx, qtbot)
    dialog.category_table.item(1, 0).setText("ビール")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.saved
    assert [c.name for c in menu.categories(ctx.db)] == ["ビール", "日本酒", "料理"]


def test_a_category_with_items_is_not_removed(ctx, qtbot):  # noqa: F811
    seed_menu(ctx.db)
    dialog = _open(ctx, qtbot)
    dialog.remove_category()
    assert dialog.category_table.rowCount() == 3 and dialog.error.isVisible()
    dialog.add_category()
    dialog.remove_category()  # the new, empty one goes
    assert dialog.category_table.rowCount() == 3


def test_empty_menu_starts_from_scratch(ctx, qtbot):  # noqa: F811
    dialog = _open(ctx, qtbot)
    dialog.add_item()  # no category yet: says what to do
    assert dialog.error.isVisible()
    dialog.add_category()
    dialog.category_table.item(0, 0).setText("ソフトドリンク")
    dialog.add_item()
    dialog.item_table.item(0, 0).setText("ウーロン茶")
    dialog.item_table.item(0, 1).setText("400")
    dialog.on_accept()
    assert _names(ctx.db) == [("ソフトドリンク", "ウーロン茶", 400, True)]


@pytest.mark.usefixtures("ja")
def test_japanese_mode_shows_japanese_headers(ctx, qtbot):  # noqa: F811
    dialog = _open(ctx, qtbot)
    headers = [dialog.item_table.horizontalHeaderItem(i).text() for i in range(3)]
    assert headers == ["品目", "価格（円）", "販売中"]
    assert dialog.save_button.text() == "保存"


def test_the_reading_is_shown_and_editable(ctx, qtbot):  # noqa: F811
    from shopcrm.ui.dialogs.menu_dialog import READING_COLUMN

    seed_menu(ctx.db)
    dialog = _open(ctx, qtbot)
    dialog.category_table.selectRow(2)  # 料理
    row = [dialog.item_table.item(r, 0).text() for r in range(dialog.item_table.rowCount())].index(
        "枝豆"
    )
    assert dialog.item_table.item(row, READING_COLUMN).text() == "エダマメ"
    dialog.item_table.item(row, READING_COLUMN).setText("えだまめ")
    dialog.item_table.item(row, 0).setText("茶豆")  # a typed reading stays with a new name
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    item = menu.find_item(ctx.db, "茶豆")
    assert item is not None and item.reading == "エダマメ"
