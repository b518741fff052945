"""Today page: search focused on start, birthdays of the week with ages, today's visits, and the
one button (and Enter on a found guest) that records a visit."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from shopcrm.domain.models import Visit
from shopcrm.store import visits
from shopcrm.ui.pages.today_page import TodayPage, birthdays_this_week
from tests.ui.conftest import handle_modal


@pytest.fixture
def page(app_ctx, qtbot):
    from shopcrm.store import settings

    # these tests put visits "today" at 17:00: count calendar days, whatever hour they run at
    settings.set(app_ctx.db, "business_day_start_hour", 0)
    widget = TodayPage(app_ctx)
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: not widget.birthdays_loading and not widget.visits_loading)
    return widget


def texts(widget) -> list[str]:
    return [widget.item(i).text() for i in range(widget.count())]


def test_search_box_has_focus_when_the_app_starts(main_window, qtbot):
    today = main_window.current_page()
    assert today.search.objectName() == "todaySearchField"
    main_window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is today.search)


def test_birthdays_this_week_with_the_age_they_turn(page, shop):
    today = dt.date.today()
    rows = texts(page.birthdays)
    age = today.year - shop.customers["山田 太郎"].birth_year
    assert rows[0] == f"Today  山田 太郎  (turns {age})"
    soon = today + dt.timedelta(days=3)
    assert rows[1].endswith("佐藤 花子")  # no birth year: no age
    assert f"{soon.month}/{soon.day}" in rows[1]
    assert len(rows) == 2  # 田中 (in 10 days) and 鈴木 (in 40) are not this week
    assert page.birthday_title.text() == "Birthdays this week (2)"


def test_birthdays_cross_the_year_end(db):
    from tests.ui.conftest import build_shop

    new_years_eve_week = dt.date(2026, 12, 29)
    build_shop(db, today=new_years_eve_week)  # birthdays on 12-29, 01-01 (no year), 01-08, ...
    rows = birthdays_this_week(db, new_years_eve_week)
    assert [(day, c.name, age) for day, c, age in rows] == [
        (dt.date(2026, 12, 29), "山田 太郎", 41),
        (dt.date(2027, 1, 1), "佐藤 花子", None),
    ]


def test_visits_recorded_today_newest_first(page, qtbot, app_ctx, shop):
    assert texts(page.visits) == [
        "18:00  山田 太郎  2 guests  ¥5,200",
        "17:00  伊藤 さくら  3 guests  ¥3,100",
    ]
    assert page.visits_title.text() == "Visits today  2 visits, ¥8,300"
    visits.record(
        app_ctx.db,
        Visit(
            customer_id=shop.id("鈴木 一郎"),
            amount=7000,
            party_size=1,
            visited_at=dt.datetime.combine(dt.date.today(), dt.time(20, 30)),
        ),
    )
    app_ctx.visits_changed.emit()
    qtbot.waitUntil(lambda: page.visits.count() == 3)
    assert texts(page.visits)[0] == "20:30  鈴木 一郎  1 guest  ¥7,000"


def test_type_a_name_and_press_enter_to_record_a_visit(page, qtbot, app_ctx, shop):
    for ch in "さとう":
        page.search.insert(ch)
    qtbot.waitUntil(lambda: page.results.count() == 1, timeout=3000)
    assert "佐藤 花子" in page.results.item(0).text()
    assert "佐藤 花子 (サトウ ハナコ)  ·  ▲Allergy" in page.results.item(0).text()  # in words
    assert not page.results.item(0).icon().isNull()  # and the warning icon
    assert app_ctx.selected_customer_id == shop.id("佐藤 花子")
    seen = handle_modal(
        qtbot,
        lambda: qtbot.keyClick(page.search, Qt.Key.Key_Return),
        lambda dialog: (dialog.objectName(), dialog.customer_id),
    )
    assert seen == ("visitDialog", shop.id("佐藤 花子"))


def test_down_arrow_moves_from_the_search_to_the_results(page, qtbot):
    qtbot.keyClicks(page.search, "0")
    qtbot.waitUntil(lambda: page.results.count() > 1, timeout=3000)
    page.activateWindow()
    page.search.setFocus()
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    assert page.results.hasFocus()


def test_record_visit_button(page, qtbot):
    button = page.findChild(type(page.record_button), "recordVisitButton")
    name = handle_modal(qtbot, button.click, lambda dialog: dialog.objectName())
    assert name == "visitDialog"


def test_nothing_found_says_how_to_register(page, qtbot):
    qtbot.keyClicks(page.search, "zzzz")
    qtbot.waitUntil(lambda: "Ctrl+N" in page.results_hint.text(), timeout=3000)
    assert page.results.count() == 0


def test_empty_search_lists_the_guests_seen_most_recently(page, qtbot):
    qtbot.waitUntil(lambda: page.results.count() == 7, timeout=3000)
    first_two = {t.split(" (")[0] for t in texts(page.results)[:2]}
    assert first_two == {"山田 太郎", "伊藤 さくら"}  # both came in today
    assert page.results_title.text() == "Recent guests"
    assert page.selected_customer_id() is None  # nothing picked until the user picks
