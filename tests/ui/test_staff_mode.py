"""Staff mode shows no money totals: a walk over every page a member of staff can open reads all
the visible text and finds none of the shop's figures (a guest's total spend, a day's takings, a
bill); visit counts are shown instead. In owner mode the same walk finds them (so the walk sees)."""

from __future__ import annotations

from collections import defaultdict

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QTabBar,
    QTreeWidget,
    QWidget,
)

from shopcrm.domain.money import format_money
from shopcrm.services import auth
from shopcrm.store import customers, visits
from shopcrm.ui.main_window import PAGES
from tests.ui.conftest import settle


def _visible_text(root: QWidget) -> list[str]:
    """Every text a person can see in ``root``: labels, buttons, tabs, list and tree rows, the
    visible columns and rows of tables."""
    out: list[str] = []
    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisible():
            continue
        if isinstance(w, (QLabel, QAbstractButton, QLineEdit)):
            out.append(w.text())
        elif isinstance(w, QTabBar):
            out += [w.tabText(i) for i in range(w.count())]
        elif isinstance(w, QListWidget):
            out += [w.item(i).text() for i in range(w.count()) if not w.item(i).isHidden()]
        elif isinstance(w, QTreeWidget):
            cols = [c for c in range(w.columnCount()) if not w.isColumnHidden(c)]
            out += [w.headerItem().text(c) for c in cols]
            stack = [w.topLevelItem(i) for i in range(w.topLevelItemCount())]
            while stack:
                item = stack.pop()
                out += [item.text(c) for c in cols]
                stack += [item.child(i) for i in range(item.childCount())]
        elif (
            isinstance(w, QAbstractItemView)
            and not isinstance(w, QHeaderView)  # (its sections are read with the table)
            and w.model() is not None
        ):
            model = w.model()
            hidden = getattr(w, "isColumnHidden", lambda _c: False)
            cols = [c for c in range(model.columnCount()) if not hidden(c)]
            out += [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in cols]
            for r in range(min(model.rowCount(), 200)):
                out += [str(model.index(r, c).data() or "") for c in cols]
    return out


def _money_figures(db) -> set[str]:
    """The shop's money as shown: each guest's total, each day's takings, each bill."""
    figures: set[str] = set()
    by_day: dict = defaultdict(int)
    for c in customers.search(db, "", limit=100):
        for v in visits.for_customer(db, c.id):
            figures.add(format_money(v.amount))
            by_day[v.visited_at.date()] += v.amount
        total = sum(v.amount for v in visits.for_customer(db, c.id))
        if total:
            figures.add(format_money(total))
    figures |= {format_money(n) for n in by_day.values()}
    return figures


def _walk(window, qtbot, shop) -> dict[str, list[str]]:
    seen = {}
    for spec in PAGES:
        if spec.owner_only and window.ctx.mode != "owner":
            continue
        window.show_page(spec.key)
        page = window.current_page()
        if spec.key == "customers":
            qtbot.waitUntil(lambda p=page: not p.model.is_loading and p.model.rowCount() == 7)
            page.select_customer(shop.id("山田 太郎"))  # a guest with visits, in the detail pane
            qtbot.waitUntil(lambda p=page: p.detail.customer_id == shop.id("山田 太郎"))
            tabs = page.detail.tabs
            for i in range(tabs.count()):
                tabs.setCurrentIndex(i)
                seen[f"{spec.key}/{tabs.tabText(i)}"] = _visible_text(window)
            continue
        settle()
        if spec.key == "today":
            qtbot.waitUntil(lambda p=page: p.visits.count() == 2)
        seen[spec.key] = _visible_text(window)
    return seen


@pytest.fixture
def staff_window(main_window, app_ctx):
    auth.set_pin(app_ctx.db, "2468")
    app_ctx.set_owner_unlocked(False)
    assert app_ctx.mode == "staff"
    return main_window


def test_staff_mode_shows_no_money_total_on_any_page(staff_window, qtbot, shop):
    figures = _money_figures(staff_window.ctx.db)
    assert "¥8,300" in figures  # today's takings in the sample shop (5,200 + 3,100)
    seen = _walk(staff_window, qtbot, shop)
    assert {"today", "coupons", "print"} <= set(seen) and "dashboard" not in seen
    found = [
        f"{where}: {text!r}"
        for where, texts in seen.items()
        for text in texts
        if any(f in text for f in figures) or "Total spent" in text
    ]
    assert not found, "money shown in staff mode:\n" + "\n".join(found)
    today = staff_window.page("today")
    assert today.visits_title.text() == "Visits today  2 visits"  # counts instead
    detail = staff_window.page("customers").detail
    assert detail.fields["figures"].text() == "5 visits"


def test_the_walk_finds_the_money_in_owner_mode(main_window, qtbot, shop):
    figures = _money_figures(main_window.ctx.db)
    seen = _walk(main_window, qtbot, shop)
    shown = {f for texts in seen.values() for text in texts for f in figures if f in text}
    assert "¥8,300" in shown  # today's takings
    assert format_money(4 * 4800 + 5200) in shown  # 山田's total spend
