"""Helpers for the dialog tests: an ``AppContext`` over the test's real database, a small izakaya
menu, guests, and QSettings kept in the test's temporary folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

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


def grab_screenshots(out_dir: Path) -> list[Path]:
    """docs/dialog-<name>-<ja|en>.png from the real dialogs over a small demo shop."""
    import tempfile

    from PySide6.QtGui import QFontDatabase
    from PySide6.QtWidgets import QApplication

    import shopcrm.fonts
    from shopcrm import i18n
    from shopcrm.store import open_db
    from shopcrm.ui.context import AppContext

    app = QApplication.instance() or QApplication([])
    QFontDatabase.addApplicationFont(str(shopcrm.fonts.japanese_font_path()))
    written = []
    for lang in ("ja", "en"):
        i18n.set_language(lang)
        tmp = Path(tempfile.mkdtemp(prefix="shopcrm-shots-"))
        db = open_db(tmp / "shop.db")
        ctx = AppContext(db, tmp / "shop.db")
        menu = seed_menu(db)
        guest = add_customer(db, "山田 太郎", "やまだ たろう", "090-1234-5678")
        add_preference(db, guest.id, "えび", "allergy")
        add_preference(db, guest.id, "獺祭 純米大吟醸", "love", "drink")
        add_visit(db, guest.id, [menu["生ビール"], menu["枝豆"]], days_ago=12)
        from shopcrm.ui.dialogs.customer_dialog import CustomerDialog
        from shopcrm.ui.dialogs.menu_dialog import MenuDialog
        from shopcrm.ui.dialogs.visit_dialog import VisitDialog

        customer = CustomerDialog(ctx)
        customer.show()
        for key, text in (
            ("name", "佐藤 花子"),
            ("kana", "さとう はなこ"),
            ("phone", "12-345"),
            ("email", "hanako@example.jp"),
            ("birthday", "S55.3.10"),
            ("postal_code", "105-0011"),
            ("building", "芝公園ビル 3F"),
            ("tags", "常連, 日本酒"),
        ):
            customer.fields[key].setText(text)
        customer.fields["street"].setText("芝公園4-2-8")
        customer.dm_consent.setChecked(True)
        customer.fields["phone"].editingFinished.emit()
        visit = VisitDialog(ctx)
        visit.show()
        visit.customer_field.setText("やまだ")
        visit.search("やまだ")
        visit.pick_current_hit()
        visit.party.setValue(2)
        visit.amount.setText("6,480")
        visit.picker.toggle(menu["生ビール"].id)
        visit.picker.toggle(menu["焼き鳥盛り合わせ"].id)
        visit.note.setText("カウンター席")
        editor = MenuDialog(ctx)
        editor.show()
        editor.item_table.item(1, 1).setText("六百五十")
        for name, dialog in (("customer", customer), ("visit", visit), ("menu", editor)):
            app.processEvents()
            path = out_dir / f"dialog-{name}-{lang}.png"
            dialog.grab().save(str(path))
            written.append(path)
            dialog.close()
        db.close()
    return written


if __name__ == "__main__":  # python tests/ui/dialog_fixtures.py docs
    import os
    import sys

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    for shot in grab_screenshots(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")):
        print(shot)
