"""Today page: what the counter needs during service, on one screen.

A search box (focused when the app starts) whose results open a visit for the guest with Enter;
one big "Record visit" button; today's and this week's birthdays with the age each guest turns when
the birth year is known; and the visits recorded today, newest first. Birthdays and visits refresh
when visits or customers change and every few minutes (the date rolls over at midnight). What was
typed in the search box survives a language switch (``view_state``).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from shopcrm.domain.changes import Changes
from shopcrm.i18n import _, ngettext
from shopcrm.services.campaigns import birthday_list
from shopcrm.store import customers, visits
from shopcrm.store.business_day import today as business_today
from shopcrm.ui import actions as ui_actions
from shopcrm.ui.models.customer_table_model import format_day, format_money, format_phone
from shopcrm.ui.operations import QueryOp
from shopcrm.ui.theme import LEVEL_MARKS, emphasize, icon
from shopcrm.ui.widgets.backup_warning import BackupWarning

SEARCH_LIMIT = 30
WEEK_DAYS = 7
MAX_BIRTHDAYS_SHOWN = 100
ID_ROLE = Qt.ItemDataRole.UserRole


def birthdays_this_week(
    db, today: dt.date, days: int = WEEK_DAYS
) -> list[tuple[dt.date, object, int | None]]:
    """(birthday date, customer, age they turn or None) for birthdays in [today, today+days),
    in date order (the campaigns service's birthday list, so the rules live in one place)."""
    return [(r.birthday, r.customer, r.age) for r in birthday_list(db, days=days - 1, today=today)]


class TodayPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("todayPage")
        self._generation = 0
        self._birthday_generation = 0
        self.birthdays_loading = False
        self._visits_generation = 0
        self.visits_loading = False

        self.record_button = QPushButton(_("Record visit"))
        self.record_button.setObjectName("recordVisitButton")
        self.record_button.setAccessibleName(_("Record a visit"))
        self.record_button.setToolTip(_("Record a visit with the bill (Ctrl+R)"))
        emphasize(self.record_button, 1.5)
        self.record_button.setMinimumHeight(64)
        self.record_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.record_button.clicked.connect(self.record_visit)

        self.search = QLineEdit()
        self.search.setObjectName("todaySearchField")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(_("Find a guest: name, reading, phone or member code"))
        self.search.setAccessibleName(_("Find a guest"))
        self.search.setMinimumHeight(32)
        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self._run_search)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self._on_return)

        self.results_title = QLabel(_("Recent guests"))
        emphasize(self.results_title)
        self.results = QListWidget()
        self.results.setObjectName("todayResults")
        self.results.setAccessibleName(_("Search results"))
        self.results.setSpacing(1)
        self.results.setIconSize(QSize(16, 16))  # the allergy mark, as tall as the text
        blank = QPixmap(16, 16)
        blank.fill(Qt.GlobalColor.transparent)
        self._no_icon = QIcon(blank)  # keeps the rows without an allergy aligned
        self.results.itemActivated.connect(self._on_result_activated)
        self.results.currentItemChanged.connect(self._on_result_current)
        self.results_hint = QLabel(_("Type to find a guest. Enter: record a visit."))
        self.results_hint.setEnabled(False)

        self.birthday_title = QLabel(_("Birthdays this week"))
        emphasize(self.birthday_title)
        self.birthdays = QListWidget()
        self.birthdays.setObjectName("todayBirthdays")
        self.birthdays.setAccessibleName(_("Birthdays this week"))
        self.birthdays.itemActivated.connect(self._show_customer)

        self.visits_title = QLabel(_("Visits today"))
        emphasize(self.visits_title)
        self.visits = QListWidget()
        self.visits.setObjectName("todayVisits")
        self.visits.setAccessibleName(_("Visits today"))
        self.visits.itemActivated.connect(self._show_customer)

        self.date_label = QLabel()
        self.date_label.setObjectName("todayDate")
        emphasize(self.date_label, 1.3)

        self.backup_warning = BackupWarning(ctx, self, banner=True)
        left = QVBoxLayout()
        left.addWidget(self.backup_warning)
        left.addWidget(self.date_label)
        left.addWidget(self.record_button)
        left.addSpacing(8)
        left.addWidget(self.search)
        left.addWidget(self.results_title)
        left.addWidget(self.results, 1)
        left.addWidget(self.results_hint)
        right = QVBoxLayout()
        right.addWidget(self.birthday_title)
        right.addWidget(self.birthdays, 1)
        right.addWidget(self.visits_title)
        right.addWidget(self.visits, 2)
        grid = QGridLayout(self)
        grid.setContentsMargins(12, 12, 12, 12)
        grid.setHorizontalSpacing(16)
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)

        ui_actions.install_search_keys(self.search, self._to_results)

        self._refresh_timer = QTimer(self, singleShot=True, interval=0)
        self._refresh_timer.timeout.connect(self.refresh)
        ctx.changed.connect(self._on_changed)
        ctx.mode_changed.connect(self._on_mode_changed)  # money is shown to the owner only
        self._clock = QTimer(self, interval=5 * 60 * 1000)
        self._clock.timeout.connect(self._refresh_timer.start)
        self._clock.start()

        self.refresh()
        self._run_search()
        QTimer.singleShot(0, self.focus_search)

    def _on_changed(self, changes: Changes) -> None:
        if changes.any_of("visits", "customers"):
            self._refresh_timer.start()
            # Counts and last visits in the results go stale with every visit: search again.
            self._debounce.start()

    def _on_mode_changed(self, _mode: str) -> None:
        self._refresh_timer.start()

    # --- kept across a rebuild (language switch) -----------------------------------------------
    def view_state(self) -> dict:
        return {"search": self.search.text(), "cursor": self.search.cursorPosition()}

    def restore_view_state(self, state: dict) -> None:
        """Put back what was typed (it searches again); the cursor where it was."""
        text = state.get("search", "")
        if not text:
            return
        self.search.setText(text)
        cursor = state.get("cursor", len(text))
        # after the focus_search queued at construction (which selects all)
        QTimer.singleShot(0, self.search, lambda: self.search.setCursorPosition(cursor))

    # --- search -------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _run_search(self) -> None:
        self._debounce.stop()
        query = self.search.text().strip()
        self._generation += 1
        generation = self._generation

        # An empty box lists the guests seen most recently (the store's order without a query).
        def work(db, _task):
            return generation, customers.search(db, query, limit=SEARCH_LIMIT)

        QueryOp(
            parent=self, op=work, success=lambda result: self._show_results(*result)
        ).interactive().run_in_background()

    def _show_results(self, generation: int, rows) -> None:
        if generation != self._generation:
            return  # typed on since (a closed page gets no answer at all)
        self.results.clear()
        searching = bool(self.search.text().strip())
        self.results_title.setText(_("Found guests") if searching else _("Recent guests"))
        for s in rows:
            parts = [_("{name} ({kana})").format(name=s.name, kana=s.kana) if s.kana else s.name]
            if s.phone:
                parts.append(format_phone(s.phone))
            if s.last_visit_at:
                parts.append(_("last visit {day}").format(day=format_day(s.last_visit_at)))
            parts.append(ngettext("{n} visit", "{n} visits", s.visit_count).format(n=s.visit_count))
            if s.has_allergy:  # a word right after the name, not only the icon
                parts.insert(1, LEVEL_MARKS["allergy"] + _("Allergy"))
            text = "  ·  ".join(parts)
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, s.id)
            item.setIcon(icon("allergy") if s.has_allergy else self._no_icon)
            if s.has_allergy:
                item.setToolTip(_("Has an allergy: open the guest to see it."))
            self.results.addItem(item)
        if rows and searching:
            self.results.setCurrentRow(0)
            self.results_hint.setText(_("Enter: record a visit for the selected guest."))
        elif not searching:
            self.results_hint.setText(_("Type to find a guest. Enter: record a visit."))
        else:
            self.results_hint.setText(_("No guest found. Ctrl+N registers a new one."))

    def _on_return(self) -> None:
        if self._debounce.isActive():
            self._run_search()
            return
        item = self.results.currentItem()
        if item is not None:
            self._on_result_activated(item)

    def _to_results(self) -> None:
        if self.results.count():
            self.results.setFocus()
            if self.results.currentRow() < 0:
                self.results.setCurrentRow(0)

    def _on_result_current(self, item, _previous=None) -> None:
        customer_id = item.data(ID_ROLE) if item is not None else None
        if customer_id:
            self.ctx.selected_customer_id = customer_id
            self.ctx.customer_selected.emit(customer_id)

    def _on_result_activated(self, item) -> None:
        customer_id = item.data(ID_ROLE)
        if customer_id and ui_actions.open_visit_dialog(self.ctx, customer_id, self.window()):
            self.after_visit_saved()

    def after_visit_saved(self) -> None:
        """Ready for the next guest: an empty search with the keyboard in it, fresh results
        (the guest just served shows their new visit count)."""
        self.search.clear()
        self._run_search()
        self.focus_search()
        QTimer.singleShot(0, self, self.focus_search)  # after the dialog has handed focus back

    def _show_customer(self, item) -> None:
        """Birthdays and today's visits open the guest's record on the Customers page."""
        customer_id = item.data(ID_ROLE)
        window = self.window()
        if customer_id and hasattr(window, "show_customer"):
            window.show_customer(customer_id)

    def selected_customer_id(self) -> int | None:
        """The guest picked in the list (the top hit of a search, or one chosen by the user)."""
        item = self.results.currentItem()
        return item.data(ID_ROLE) if item is not None else None

    # --- buttons ------------------------------------------------------------------------------
    def record_visit(self) -> None:
        if ui_actions.open_visit_dialog(self.ctx, self.selected_customer_id(), self.window()):
            self.after_visit_saved()

    # --- birthdays and today's visits ---------------------------------------------------------
    def refresh(self, today: dt.date | None = None) -> None:
        if today is None:  # the business day: at 00:30 tonight's guests are still "today"
            today = business_today(self.ctx.db)
        self.date_label.setText(_format_today(today))
        self._load_visits(today)
        self._load_birthdays(today)

    def _load_visits(self, today: dt.date) -> None:
        """Today's visits come from a worker too: the counter must not wait on the database
        (a big shop's history, a backup holding the file) at start-up or on every refresh."""
        self._visits_generation += 1
        self.visits_loading = True
        generation = self._visits_generation

        def work(db, _task):
            return generation, visits.recent(db, day=today, limit=50)

        QueryOp(
            parent=self, op=work, success=lambda result: self._fill_visits(*result)
        ).interactive().run_in_background()

    def _load_birthdays(self, today: dt.date) -> None:
        """Birthdays come from a worker: a big shop has hundreds a week (0.1-0.3 s at 50,000)."""
        self._birthday_generation += 1
        self.birthdays_loading = True
        generation = self._birthday_generation

        def work(db, _task):
            return generation, today, birthdays_this_week(db, today)

        QueryOp(
            parent=self, op=work, success=lambda result: self._fill_birthdays(*result)
        ).run_in_background()

    def _fill_birthdays(self, generation: int, today: dt.date, rows) -> None:
        if generation != self._birthday_generation:
            return
        self.birthdays_loading = False
        self.birthdays.clear()
        for day, customer, age in rows[:MAX_BIRTHDAYS_SHOWN]:
            when = _("Today") if day == today else _weekday_date(day)
            text = f"{when}  {customer.name}"
            if age is not None:
                text += "  " + _("(turns {age})").format(age=age)
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, customer.id)
            if day == today:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.birthdays.addItem(item)
        if len(rows) > MAX_BIRTHDAYS_SHOWN:
            more = len(rows) - MAX_BIRTHDAYS_SHOWN
            rest = QListWidgetItem(_("… and {n} more (Coupons page: birthday list)").format(n=more))
            rest.setFlags(Qt.ItemFlag.NoItemFlags)
            self.birthdays.addItem(rest)
        if not rows:
            empty = QListWidgetItem(_("No birthdays in the next 7 days."))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.birthdays.addItem(empty)
        self.birthday_title.setText(_("Birthdays this week") + (f" ({len(rows)})" if rows else ""))

    def _fill_visits(self, generation: int, recent) -> None:
        if generation != self._visits_generation:
            return  # refreshed again since
        self.visits_loading = False
        self.visits.clear()
        total = 0
        owner = self.ctx.mode == "owner"  # staff mode: no takings, per visit or for the day
        for visit, name in recent:
            total += visit.amount
            party = ngettext("{n} guest", "{n} guests", visit.party_size).format(n=visit.party_size)
            parts = [visit.visited_at.strftime("%H:%M"), name or _("(walk-in)"), party]
            if owner:
                parts.append(format_money(visit.amount))
            text = "  ".join(parts)
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, visit.customer_id)
            self.visits.addItem(item)
        if not recent:
            empty = QListWidgetItem(_("No visits recorded yet today."))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.visits.addItem(empty)
            self.visits_title.setText(_("Visits today"))
        else:
            if owner:
                summary = ngettext(
                    "{n} visit, {amount}", "{n} visits, {amount}", len(recent)
                ).format(n=len(recent), amount=format_money(total))
            else:
                summary = ngettext("{n} visit", "{n} visits", len(recent)).format(n=len(recent))
            self.visits_title.setText(_("Visits today") + "  " + summary)


def _weekday_name(day: dt.date) -> str:
    names = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))
    return names[day.weekday()]


def _weekday_date(day: dt.date) -> str:
    return _("{month}/{day} ({weekday})").format(
        month=day.month, day=day.day, weekday=_weekday_name(day)
    )


def _format_today(day: dt.date) -> str:
    return _("{year}-{month:02d}-{day:02d} ({weekday})").format(
        year=day.year, month=day.month, day=day.day, weekday=_weekday_name(day)
    )
