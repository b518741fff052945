"""Fixtures for the UI tests: QSettings in tmp, a small izakaya built through store functions,
an ``AppContext`` over it, and the real ``MainWindow`` (offscreen)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

import pytest

from shopcrm.app import guard_none_refcount

# PySide6 6.12 on Python 3.11 loses a reference to None on every void Qt call: see app.py.
guard_none_refcount()


@pytest.fixture(autouse=True)
def _ui_settings_in_tmp(tmp_path):
    """Window geometry and other QSettings go to the test's folder, never the user's."""
    from PySide6.QtCore import QSettings

    folder = tmp_path / "qsettings"
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    yield folder


@dataclass
class Shop:
    """What the sample shop holds, by name, so tests look things up instead of hard-coding ids."""

    today: dt.date
    customers: dict[str, object] = field(default_factory=dict)  # name -> Customer
    menu: dict[str, object] = field(default_factory=dict)  # item name -> MenuItem

    def id(self, name: str) -> int:
        return self.customers[name].id


GUESTS = (
    # name, kana, phone, (birth year, days from today to the birthday or None), tags, consent
    ("山田 太郎", "ヤマダ タロウ", "09012345678", (1985, 0), ("常連",), True),
    ("佐藤 花子", "サトウ ハナコ", "08011112222", (None, 3), (), True),
    ("鈴木 一郎", "スズキ イチロウ", "0312345678", (1990, 40), ("会社員",), False),
    ("高橋 美咲", "タカハシ ミサキ", "07055556666", None, (), False),
    ("田中 健", "タナカ ケン", "", (1978, 10), ("日本酒好き",), True),
    ("伊藤 さくら", "イトウ サクラ", "09098765432", None, (), True),
    ("John Smith", "ジョン スミス", "09033334444", None, ("観光",), False),
)


def _birthday(today: dt.date, days: int) -> tuple[int, int]:
    day = today + dt.timedelta(days=days)
    return day.month, day.day


def birth_year(year: int, month: int, day: int) -> int:
    """``year``, or the leap year before it when the birthday is 29 February (on the days the
    sample's birthdays land there: 2028-01-20, 2028-02-19, 2028-02-29 ...)."""
    if (month, day) == (2, 29):
        while not calendar.isleap(year):
            year -= 1
    return year


def build_shop(db, today: dt.date | None = None) -> Shop:
    """A small shop: a menu, seven guests, past visits, visits today, preferences, an allergy."""
    from shopcrm.domain.models import Customer, MenuCategory, MenuItem, Preference, Visit, VisitItem
    from shopcrm.store import customers, menu, preferences, visits

    today = today or dt.date.today()
    shop = Shop(today=today)
    for (category, kind), items in {
        ("ビール", "drink"): [("生ビール", 600), ("瓶ビール", 650)],
        ("日本酒", "drink"): [("獺祭 純米大吟醸", 1200), ("八海山", 900)],
        ("料理", "food"): [("枝豆", 380), ("焼き鳥盛り合わせ", 980), ("刺身盛り合わせ", 1580)],
    }.items():
        cat = menu.add_category(db, MenuCategory(category, kind))
        for name, price in items:
            menu.add_item(db, MenuItem(name, price, category_id=cat.id))
    shop.menu = {item.name: item for item in menu.items(db)}

    for name, kana, phone, birthday, tags, consent in GUESTS:
        month = day = year = None
        if birthday is not None:
            month, day = _birthday(today, birthday[1])
            year = birth_year(birthday[0], month, day) if birthday[0] else None
        c = customers.create(
            db,
            Customer(
                name=name,
                kana=kana,
                phone=phone,
                birth_year=year,
                birth_month=month,
                birth_day=day,
                tags=tags,
                dm_consent=consent,
                dm_consent_at=dt.datetime.now().replace(microsecond=0) if consent else None,
                notes="カウンター席が好き" if name == "山田 太郎" else "",
            ),
        )
        shop.customers[name] = c

    now = dt.datetime.combine(today, dt.time(19, 0))
    beer, edamame, dassai = shop.menu["生ビール"], shop.menu["枝豆"], shop.menu["獺祭 純米大吟醸"]

    def visit(name, days_ago, amount, items, hour=19, party=2):
        when = now - dt.timedelta(days=days_ago)
        return visits.record(
            db,
            Visit(
                customer_id=shop.id(name),
                visited_at=when.replace(hour=hour),
                amount=amount,
                party_size=party,
                items=[VisitItem(i.name, menu_item_id=i.id, price=i.price) for i in items],
            ),
        )

    for days_ago in (60, 40, 20, 5):
        visit("山田 太郎", days_ago, 4800, [beer, edamame, dassai])
    visit("佐藤 花子", 200, 3200, [beer])
    visit("鈴木 一郎", 120, 9800, [dassai, edamame], party=4)
    visit("田中 健", 10, 2600, [dassai])
    visit("山田 太郎", 0, 5200, [beer, dassai], hour=18)
    visit("伊藤 さくら", 0, 3100, [beer, edamame], hour=17, party=3)

    for name, kind, level, label in (
        ("山田 太郎", "drink", "love", "獺祭 純米大吟醸"),
        ("山田 太郎", "food", "like", "枝豆"),
        ("山田 太郎", "seat", "like", "カウンター"),
        ("佐藤 花子", "food", "allergy", "えび"),
        ("佐藤 花子", "food", "dislike", "パクチー"),
    ):
        preferences.add(db, Preference(shop.id(name), kind, level, label))
    return shop


@pytest.fixture
def shop(db):
    return build_shop(db)


@pytest.fixture
def app_ctx(db, db_path, shop, qapp):
    from shopcrm.ui.context import AppContext

    return AppContext(db, db_path)


def settle() -> None:
    """Let background work finish and its answers arrive while the database is still open, and
    delete the widgets scheduled for deletion (pages dropped by a language switch)."""
    from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool

    from shopcrm.ui.models.customer_table_model import wait_for_interactive

    wait_for_interactive()
    QThreadPool.globalInstance().waitForDone(10_000)
    for _ in range(3):
        QCoreApplication.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def main_window(app_ctx, qtbot):
    from shopcrm.ui.main_window import MainWindow

    window = MainWindow(app_ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    settle()  # (pytest-qt has closed the window by now; the database is still open)


def wait_for_table(qtbot, page, timeout=5000):
    """Wait until the customer table's model has finished its current load."""
    qtbot.waitUntil(lambda: not page.model.is_loading, timeout=timeout)


def handle_modal(qtbot, trigger, handler, timeout=5000):
    """Run ``trigger()`` (which opens a modal dialog) and ``handler(dialog)`` once it is shown.

    The handler must close the dialog (reject/accept). Returns what the handler returned.
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    seen: dict = {}

    def poll():
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(20, poll)
            return
        try:
            seen["result"] = handler(dialog)
        finally:
            seen["dialog"] = dialog
            if dialog.isVisible():
                dialog.reject() if hasattr(dialog, "reject") else dialog.close()

    QTimer.singleShot(0, poll)
    trigger()
    qtbot.waitUntil(lambda: "dialog" in seen, timeout=timeout)
    return seen.get("result")


def birthday_cells(page, qtbot, column: int) -> list[str]:
    """The Coupons page's birthday table, column ``column`` as shown, once the list is loaded
    (it loads in a worker after every filter change)."""
    qtbot.waitUntil(lambda: not page.birthdays_loading, timeout=5000)
    model = page.bd_table.model()
    return [model.index(r, column).data() for r in range(model.rowCount())]
