"""Customers page: search as you type, lazy loading, sorting in SQL, quick filters, the detail pane
with its allergy banner and preference chips, and the selection shared with the visit dialog."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from shopcrm.domain.models import Customer, Visit
from shopcrm.store import customers, preferences, visits
from shopcrm.ui.models.customer_table_model import COLUMN_KEYS, PAGE_SIZE, format_phone
from shopcrm.ui.pages.customers_page import CustomersPage
from tests.ui.conftest import handle_modal, wait_for_table


@pytest.fixture
def page(app_ctx, qtbot):
    widget = CustomersPage(app_ctx)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 7)
    return widget


def type_text(qtbot, field, text: str) -> None:
    """Type ``text`` one character at a time (non-ASCII arrives as an input method commits it)."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(field, ch)
        else:
            field.insert(ch)


def names(page) -> list[str]:
    return [page.model.summary(r).name for r in range(page.model.rowCount())]


def column(page, key: str) -> list[str]:
    col = COLUMN_KEYS.index(key)
    return [page.model.index(r, col).data() for r in range(page.model.rowCount())]


def test_table_shows_every_column_formatted(page):
    row = names(page).index("山田 太郎")
    values = {k: page.model.index(row, i).data() for i, k in enumerate(COLUMN_KEYS)}
    assert values["kana"] == "ヤマダ タロウ"
    assert values["phone"] == "090-1234-5678"
    assert values["visits"] == "5"
    assert values["total_spent"] == "¥24,400"  # 4 × 4,800 + 5,200
    assert values["last_visit"] == dt.date.today().isoformat()
    assert values["tags"] == "常連"
    assert page.count_label.text() == "7 customers"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("やまだ", ["山田 太郎"]),
        ("ｻﾄｳ", ["佐藤 花子"]),
        ("0312345678", ["鈴木 一郎"]),
        ("smith", ["John Smith"]),
    ],
)
def test_search_as_you_type_filters_the_table(page, qtbot, typed, expected):
    type_text(qtbot, page.search, typed)
    qtbot.waitUntil(lambda: names(page) == expected, timeout=3000)
    assert page.count_label.text() == f"{len(expected)} customer" + (
        "s" if len(expected) > 1 else ""
    )
    page.search.clear()
    qtbot.waitUntil(lambda: page.model.rowCount() == 7, timeout=3000)


def test_only_the_last_query_is_shown(page, qtbot):
    page.model.set_search("やまだ")
    page.model.set_search("さとう")  # typed on before the first answer came back
    qtbot.waitUntil(lambda: not page.model.is_loading)
    qtbot.wait(100)  # the first answer has arrived by now too, and was dropped
    assert names(page) == ["佐藤 花子"]


def test_lazy_model_fetches_more_on_scroll(app_ctx, db, qtbot):
    n = 3 * PAGE_SIZE + 20
    customers.insert_many(
        db, [Customer(name=f"客 {i:04d}", kana=f"キャク {i:04d}") for i in range(n)]
    )
    page = CustomersPage(app_ctx)
    qtbot.addWidget(page)
    page.resize(900, 600)
    page.show()
    total = n + 7
    qtbot.waitUntil(lambda: page.model.total == total and page.model.rowCount() == PAGE_SIZE)
    bar = page.table.verticalScrollBar()
    while page.model.rowCount() < total:
        before = page.model.rowCount()
        bar.setValue(bar.maximum())
        qtbot.waitUntil(lambda b=before: page.model.rowCount() > b, timeout=3000)
    assert page.model.rowCount() == total
    assert len({page.model.summary(r).id for r in range(total)}) == total  # no row twice
    assert not page.model.canFetchMore()


def test_sorting_by_header_sorts_in_sql(page, qtbot):
    header = page.table.horizontalHeader()
    col = COLUMN_KEYS.index("total_spent")
    header.setSortIndicator(col, Qt.SortOrder.DescendingOrder)
    wait_for_table(qtbot, page)
    qtbot.waitUntil(lambda: page.model.order_by == "total_spent")
    spent = [page.model.summary(r).total_spent for r in range(page.model.rowCount())]
    assert spent == sorted(spent, reverse=True) and spent[0] == 24_400
    header.setSortIndicator(col, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: not page.model.descending and not page.model.is_loading)
    spent = [page.model.summary(r).total_spent for r in range(page.model.rowCount())]
    assert spent == sorted(spent)
    kana_col = COLUMN_KEYS.index("kana")
    header.setSortIndicator(kana_col, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: page.model.order_by == "kana" and not page.model.is_loading)
    assert column(page, "kana") == sorted(column(page, "kana"))


def test_tags_column_sorts_in_sql_untagged_last(page, qtbot):
    header = page.table.horizontalHeader()
    header.setSortIndicator(COLUMN_KEYS.index("tags"), Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: page.model.order_by == "tags" and not page.model.is_loading)
    tags = column(page, "tags")
    tagged = [t for t in tags if t]
    assert tags == tagged + [""] * (len(tags) - len(tagged))  # the untagged at the end
    assert tagged == sorted(tagged) and len(tagged) == 4
    header.setSortIndicator(COLUMN_KEYS.index("tags"), Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: page.model.descending and not page.model.is_loading)
    assert [t for t in column(page, "tags") if t] == sorted(tagged, reverse=True)


def test_quick_filters(page, qtbot, shop):
    today = dt.date.today()
    expected = {
        "regulars": {"山田 太郎"},  # at least 3 visit days
        "lapsed_90": {"佐藤 花子", "鈴木 一郎"},  # last visits 200 and 120 days ago
        "birthday_month": {n for n, c in shop.customers.items() if c.birth_month == today.month},
        "no_consent": {"鈴木 一郎", "高橋 美咲", "John Smith"},
    }
    for key, wanted in expected.items():
        qtbot.mouseClick(page.filter_buttons[key], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda w=wanted: set(names(page)) == w, timeout=3000)
        assert page.current_filter() == key
        assert sum(b.isChecked() for b in page.filter_buttons.values()) == 1
    qtbot.mouseClick(page.filter_buttons["no_consent"], Qt.MouseButton.LeftButton)  # off again
    qtbot.waitUntil(lambda: page.model.rowCount() == 7)
    assert page.current_filter() is None


def test_filter_and_search_combine(page, qtbot):
    qtbot.mouseClick(page.filter_buttons["no_consent"], Qt.MouseButton.LeftButton)
    type_text(qtbot, page.search, "すずき")
    qtbot.waitUntil(lambda: names(page) == ["鈴木 一郎"], timeout=3000)


def test_selecting_a_row_shows_the_guest_and_tells_the_app(page, qtbot, app_ctx, shop):
    row = names(page).index("山田 太郎")
    with qtbot.waitSignal(app_ctx.customer_selected) as signal:
        page.table.selectRow(row)
    assert signal.args == [shop.id("山田 太郎")]
    assert app_ctx.selected_customer_id == shop.id("山田 太郎")
    detail = page.detail
    assert detail.objectName() == "customerDetail"
    assert detail.name_label.text() == "山田 太郎"
    assert detail.fields["phone"].text() == "090-1234-5678"
    assert detail.fields["tags"].text() == "常連"
    age = dt.date.today().year - shop.customers["山田 太郎"].birth_year
    assert f"(age {age})" in detail.fields["birthday"].text()
    assert detail.visits_tree.topLevelItemCount() == 5
    latest = detail.visits_tree.topLevelItem(0)
    assert latest.text(2) == "¥5,200" and "獺祭 純米大吟醸" in latest.text(3)
    assert latest.childCount() == 2  # the items of that visit
    assert detail.notes_view.toPlainText() == "カウンター席が好き"
    assert not detail.allergy_banner.isVisible()
    chips = sorted(c.text() for c in detail.chips.chips())
    assert chips == [
        "○ Like · Food · 枝豆",
        "○ Like · Seat · カウンター",
        "♥ Love · Drink · 獺祭 純米大吟醸",
    ]


def test_allergy_banner_is_shown_for_a_guest_with_an_allergy(page, qtbot, shop):
    page.select_customer(shop.id("佐藤 花子"))
    banner = page.detail.findChild(type(page.detail.allergy_banner), "allergyBanner")
    assert banner.isVisible()
    assert "えび" in banner.text()


def test_add_an_allergy_in_place_and_see_the_banner(page, qtbot, app_ctx, shop):
    guest = shop.id("山田 太郎")
    page.select_customer(guest)
    detail = page.detail
    assert not detail.allergy_banner.isVisible()
    detail.level_combo.setCurrentIndex(detail.level_combo.findData("allergy"))
    detail.kind_combo.setCurrentIndex(detail.kind_combo.findData("food"))
    type_text(qtbot, detail.pref_edit, "そば")
    with qtbot.waitSignal(app_ctx.customers_changed):
        qtbot.keyClick(detail.pref_edit, Qt.Key.Key_Return)
    assert detail.allergy_banner.isVisible()
    assert "そば" in detail.allergy_banner.text()
    assert [p.label for p in preferences.allergies(app_ctx.db, guest)] == ["そば"]
    assert detail.pref_edit.text() == ""
    # The table marks the guest too, once it has reloaded.
    qtbot.waitUntil(lambda: page.model.summary(page.model.row_of(guest)).has_allergy)

    # Removing an allergy asks first; "No" keeps it.
    chip = next(c for c in detail.chips.chips() if c.level == "allergy")
    handle_modal(
        qtbot,
        chip.remove_button.click,
        lambda box: box.button(QMessageBox.StandardButton.No).click(),
    )
    assert [p.label for p in preferences.allergies(app_ctx.db, guest)] == ["そば"]
    handle_modal(
        qtbot,
        chip.remove_button.click,
        lambda box: box.button(QMessageBox.StandardButton.Yes).click(),
    )
    assert preferences.allergies(app_ctx.db, guest) == []
    assert not detail.allergy_banner.isVisible()


def test_remove_a_preference_chip(page, qtbot, app_ctx, shop):
    guest = shop.id("山田 太郎")
    page.select_customer(guest)
    chip = next(c for c in page.detail.chips.chips() if "枝豆" in c.text())
    qtbot.mouseClick(chip.remove_button, Qt.MouseButton.LeftButton)
    labels = [p.label for p in preferences.for_customer(app_ctx.db, guest)]
    assert "枝豆" not in labels and len(labels) == 2
    assert all("枝豆" not in c.text() for c in page.detail.chips.chips())


def test_empty_preference_is_refused_at_the_field(page, qtbot, app_ctx, shop):
    guest = shop.id("山田 太郎")
    page.select_customer(guest)
    page.detail.pref_add.click()
    assert page.detail.pref_error.isVisible()
    assert len(preferences.for_customer(app_ctx.db, guest)) == 3


def test_table_refreshes_when_a_visit_is_recorded(page, qtbot, app_ctx, shop):
    guest = shop.id("高橋 美咲")
    page.select_customer(guest)
    visits.record(
        app_ctx.db,
        Visit(customer_id=guest, amount=4200, visited_at=dt.datetime.now().replace(microsecond=0)),
    )
    app_ctx.visits_changed.emit()
    qtbot.waitUntil(lambda: page.model.summary(page.model.row_of(guest)).visit_count == 1)
    assert page.detail.visits_tree.topLevelItemCount() == 1


def test_new_customer_button_opens_the_dialog(page, qtbot):
    button = page.findChild(type(page.new_button), "newCustomerButton")
    name = handle_modal(qtbot, button.click, lambda dialog: dialog.objectName())
    assert name == "customerDialog"


def test_every_input_has_an_accessible_name(page, shop):
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QTableView

    page.select_customer(shop.id("佐藤 花子"))
    inputs = (
        page.findChildren(QLineEdit) + page.findChildren(QComboBox) + page.findChildren(QTableView)
    )
    missing = [
        w.objectName()
        for w in inputs
        if not w.accessibleName() and not isinstance(w.parent(), QComboBox)
    ]
    assert not missing
    buttons = [b for b in page.findChildren(QAbstractButton) if b.isVisible()]
    assert all(b.accessibleName() or b.text() for b in buttons)


@pytest.mark.parametrize(
    ("digits", "shown"),
    [
        ("09012345678", "090-1234-5678"),
        ("0312345678", "03-1234-5678"),
        ("0451234567", "045-123-4567"),
        ("0120123456", "0120-123-456"),
        ("", ""),
        ("+819012345678", "+81 90-1234-5678"),
    ],
)
def test_phone_grouping(digits, shown):
    assert format_phone(digits) == shown


def test_a_change_elsewhere_keeps_the_rows_and_the_scroll_position(app_ctx, db, qtbot):
    customers.insert_many(
        db, [Customer(name=f"客 {i:04d}", kana=f"キャク {i:04d}") for i in range(400)]
    )
    page = CustomersPage(app_ctx)
    qtbot.addWidget(page)
    page.resize(900, 600)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == PAGE_SIZE)
    bar = page.table.verticalScrollBar()
    while page.model.rowCount() < 300:
        before = page.model.rowCount()
        bar.setValue(bar.maximum())
        qtbot.waitUntil(lambda b=before: page.model.rowCount() > b, timeout=3000)
    bar.setValue(bar.maximum() // 2)
    where, loaded = bar.value(), page.model.rowCount()
    with qtbot.waitSignal(page.model.loaded):
        app_ctx.customers_changed.emit()  # e.g. a guest was edited in a dialog
    assert page.model.rowCount() == loaded
    assert bar.value() == where


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_banner_and_chip_colours_are_readable_on_any_theme():
    """They set their own background and text colour: WCAG AA contrast (4.5:1) for each pair."""
    import re

    from shopcrm.ui.theme import ALLERGY_BANNER_STYLE, LEVEL_COLOURS

    banner = re.findall(r"#[0-9a-fA-F]{6}", ALLERGY_BANNER_STYLE)
    for bg, fg in [tuple(banner[:2]), *LEVEL_COLOURS.values()]:
        light, dark = sorted((_luminance(bg), _luminance(fg)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, (bg, fg)


def test_detail_pane_follows_a_dark_palette(page, qtbot, shop):
    from PySide6.QtGui import QPalette

    from shopcrm.ui.theme import is_dark

    palette = QPalette(page.palette())
    palette.setColor(QPalette.ColorRole.Window, Qt.GlobalColor.black)
    palette.setColor(QPalette.ColorRole.WindowText, Qt.GlobalColor.white)
    assert is_dark(palette)
    page.setPalette(palette)
    page.select_customer(shop.id("佐藤 花子"))
    label = page.detail.prefs_title
    text = label.palette().color(QPalette.ColorRole.WindowText)
    assert text.lightness() > 200  # the section title follows the palette, not a fixed colour
