"""Helpers for the dialog tests: an ``AppContext`` over the test's real database, a small izakaya
menu, guests, and QSettings kept in the test's temporary folder."""

from __future__ import annotations

import datetime as dt

import pytest

MENU = {
    ("ビール", "drink"): [("生ビール", 600), ("瓶ビール", 650)],
    ("日本酒", "drink"): [("獺祭 純米大吟醸", 1200), ("八海山", 900)],
    ("料理", "food"): [("枝豆", 380), ("焼き鳥盛り合わせ", 980), ("刺身盛り合わせ", 1580)],
}


@pytest.fixture
def ctx(db, db_path, tmp_path, qapp):
    """An AppContext over the test's migrated database; UI settings in tmp."""
    from PySide6.QtCore import QSettings

    from shopcrm.ui.context import AppContext

    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    context = AppContext(db, db_path)
    yield context


def shown(qtbot, dialog):
    """Show ``dialog`` as a user sees it (exposed and active), cleaned up after the test."""
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    return dialog


def seed_menu(db) -> dict:
    """The test menu; returns {item name: MenuItem}."""
    from shopcrm.domain.models import MenuCategory, MenuItem
    from shopcrm.store import menu

    for (category, kind), items in MENU.items():
        cat = menu.add_category(db, MenuCategory(category, kind))
        for name, price in items:
            menu.add_item(db, MenuItem(name, price, category_id=cat.id))
    return {item.name: item for item in menu.items(db)}


def add_customer(db, name: str, kana: str = "", phone: str = "", **extra):
    from shopcrm.domain.models import Customer
    from shopcrm.store import customers

    return customers.create(db, Customer(name=name, kana=kana, phone=phone, **extra))


def add_preference(db, customer_id: int, label: str, level: str, kind: str = "food"):
    from shopcrm.domain.models import Preference
    from shopcrm.store import preferences

    return preferences.add(db, Preference(customer_id, kind, level, label))


def add_visit(db, customer_id: int, items: list, *, days_ago: int = 1, amount: int = 3000):
    """A past visit with the given MenuItems."""
    from shopcrm.domain.models import Visit, VisitItem
    from shopcrm.store import visits

    when = dt.datetime.now().replace(microsecond=0, second=0) - dt.timedelta(days=days_ago)
    return visits.record(
        db,
        Visit(
            customer_id=customer_id,
            visited_at=when,
            amount=amount,
            items=[VisitItem(i.name, menu_item_id=i.id, price=i.price) for i in items],
        ),
    )


def type_text(qtbot, widget, text: str) -> None:
    """Type like a user: ASCII as key presses, Japanese as an input method commits it."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
        else:
            event = QInputMethodEvent()
            event.setCommitString(ch)
            QApplication.sendEvent(widget, event)
