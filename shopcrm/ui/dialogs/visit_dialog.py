"""``VisitDialog``: record a visit — the flow staff use most, built to be fast on the keyboard.

Focus starts in the customer field (or the bill total when the guest is already chosen). Type part
of a name, reading, phone or membership code and press Enter for the top hit; Tab to the party
size, bill total, item filter (Enter adds one of the first match; ``びーる3`` three), coupon code
(checked as it is typed), note and staff (the last name used on this PC is filled in); Enter saves
from any of them. Once the guest is chosen their allergies show in red and
their favourites and last order at the top. After saving, items the guest ordered in at least 3
of their last 5 visits are offered as favourites in a small prompt that does not block the app.

Long module: one dialog built for keyboard speed: the customer search, bill, items and coupon
fields drive each other's focus, checks and saving.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import cast

from PySide6.QtCore import QDate, QDateTime, QEvent, QSize, Qt, QTime, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from shopcrm.domain.changes import Changes
from shopcrm.domain.codes import code_problem
from shopcrm.domain.dates import format_date
from shopcrm.domain.models import CustomerSummary, MenuItem, Preference, Visit, VisitItem
from shopcrm.domain.money import format_money, parse_money
from shopcrm.domain.rules import ValidationError
from shopcrm.i18n import _
from shopcrm.store import coupons, customers, menu, preferences, settings, visits
from shopcrm.store.errors import NotFound
from shopcrm.ui.dialogs.base import DialogBase, ui_settings
from shopcrm.ui.dialogs.customer_dialog import CustomerDialog
from shopcrm.ui.theme import CARRY_OVER_STYLE, LEVEL_MARKS, allergy_html, emphasize, icon
from shopcrm.ui.widgets.field_error import ERROR_COLOR, FieldError, mark_invalid
from shopcrm.ui.widgets.item_picker import ItemPicker, with_quantity

SEARCH_LIMIT = 8
LAST_STAFF_KEY = "visits/last_staff"  # QSettings: the staff name last saved on this PC
COUPON_CHECK_DELAY_MS = 120  # wait for a pause in typing (or a scanner's burst) before asking
ALLERGY_STYLE = (
    f"background: {ERROR_COLOR}; color: white; font-weight: bold; padding: 4px 8px;"
    " border-radius: 3px;"
)


def _is_walk_in_key(event) -> bool:
    alt = event.modifiers() & Qt.KeyboardModifier.AltModifier
    return bool(alt) and event.key() == Qt.Key.Key_W


class _CustomerField(QLineEdit):
    """Search box for the guest: Up/Down move through the hits, Enter picks the highlighted one."""

    def __init__(self, dialog: VisitDialog):
        super().__init__(dialog)
        self._dialog = dialog

    def keyPressEvent(self, event: QKeyEvent):
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self._dialog.results.isVisible():
            self._dialog.move_hit(1 if key == Qt.Key.Key_Down else -1)
            event.accept()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._dialog.searching:
            self._dialog.pick_current_hit()
            event.accept()
            return
        super().keyPressEvent(event)


class VisitDialog(DialogBase):
    """Record a visit; ``saved_visit_id`` after a successful save."""

    def __init__(self, ctx, customer_id: int | None = None, parent=None):
        super().__init__(ctx, parent)

        self.setObjectName("visitDialog")
        self.setWindowTitle(_("Record a visit"))
        self.saved_visit_id: int | None = None
        self.customer_id: int | None = None
        self.favourites_prompt: FavouritesPrompt | None = None
        self.searching = False
        self._hits: list[CustomerSummary] = []
        self.currency = settings.get(ctx.db, "currency") or "JPY"
        self._menu: list[MenuItem] = menu.items(ctx.db, active_only=True)
        self.walk_in = False
        self.carried_over_id: int | None = None
        self._build()

        self.customer_field.setFocus()
        if customer_id:
            # The guest chosen on the page the user is looking at: taken, bill next.
            try:
                self.set_customer(customer_id)
                self.amount.setFocus()
            except NotFound:  # the selected guest was erased or merged meanwhile
                self.customer_id = None
        elif ctx.selected_customer_id:
            # A guest clicked earlier, somewhere else: only offered, never taken without a click
            # (a rushed Enter must not save the bill to the last guest anyone looked at).
            try:
                self._offer_carried_over(ctx.selected_customer_id)
            except NotFound:
                self.carried_over_id = None

    def eventFilter(self, watched, event) -> bool:
        # Alt+W from any field: the QShortcut covers an active window; this covers a key that
        # reaches a field while the dialog is not (yet) the active window.
        if event.type() == QEvent.Type.KeyPress and _is_walk_in_key(event):
            self.choose_walk_in()
            return True
        return super().eventFilter(watched, event)

    # --- layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        self.customer_field = _CustomerField(self)
        self.customer_field.setObjectName("visitCustomerField")
        self.customer_field.setAccessibleName(_("Customer"))
        self.customer_field.setPlaceholderText(
            _("Name, reading, phone, membership code or a scanned coupon")
        )
        self.customer_field.textEdited.connect(self._on_customer_typed)
        self.new_customer_button = QPushButton(_("&New customer…"), self)
        self.new_customer_button.setObjectName("newCustomerButton")
        self.new_customer_button.setAutoDefault(False)
        self.new_customer_button.clicked.connect(self.register_new_customer)
        self.customer_error = FieldError(self)

        self.results = QListWidget(self)
        self.results.setObjectName("visitCustomerResults")
        self.results.setAccessibleName(_("Matching customers"))
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.setMaximumHeight(150)
        self.results.setIconSize(QSize(16, 16))
        self.results.itemClicked.connect(lambda item: self._pick_row(self.results.row(item)))
        self.results.hide()

        self.walk_in_button = QPushButton(_("Walk-in (no name)"), self)
        self.walk_in_button.setObjectName("visitWalkInButton")
        self.walk_in_button.setAutoDefault(False)
        self.walk_in_button.setToolTip(_("Record the visit without a guest record (Alt+W)"))
        self.walk_in_button.clicked.connect(self.choose_walk_in)
        # Also as a shortcut of its own: mnemonics are off on some platforms (macOS).
        QShortcut(QKeySequence("Alt+W"), self, self.choose_walk_in)

        # A guest selected earlier on another page: shown, taken only with a deliberate click.
        self.carry_over = QWidget(self)
        self.carry_over.setObjectName("visitCarryOver")
        self.carry_over.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.carry_over.setStyleSheet(CARRY_OVER_STYLE)
        self.carry_over_label = QLabel(self.carry_over)
        self.carry_over_label.setObjectName("visitCarryOverText")
        self.carry_over_label.setWordWrap(True)
        self.carry_over_button = QPushButton(self.carry_over)
        self.carry_over_button.setObjectName("visitCarryOverButton")
        self.carry_over_button.setAutoDefault(False)
        self.carry_over_button.clicked.connect(self.take_carried_over)
        carry_row = QHBoxLayout(self.carry_over)
        carry_row.setContentsMargins(8, 4, 8, 4)
        carry_row.addWidget(self.carry_over_label, 1)
        carry_row.addWidget(self.carry_over_button)
        self.carry_over.hide()

        self.guest_panel = QWidget(self)
        self.guest_panel.setObjectName("visitGuestPanel")
        self.guest_name = QLabel(self.guest_panel)
        self.guest_name.setObjectName("visitGuestName")
        emphasize(self.guest_name, 1.4)
        self.allergy_banner = QLabel(self.guest_panel)
        self.allergy_banner.setObjectName("visitAllergyBanner")
        self.allergy_banner.setStyleSheet(ALLERGY_STYLE)
        self.allergy_banner.setWordWrap(True)
        self.favourites_label = QLabel(self.guest_panel)
        self.favourites_label.setObjectName("visitFavourites")
        self.favourites_label.setWordWrap(True)
        self.history_label = QLabel(self.guest_panel)
        self.history_label.setObjectName("visitHistory")
        self.history_label.setWordWrap(True)
        panel = QVBoxLayout(self.guest_panel)
        panel.setContentsMargins(0, 0, 0, 0)
        panel.setSpacing(3)
        widget: QWidget
        for widget in (
            self.guest_name,
            self.allergy_banner,
            self.favourites_label,
            self.history_label,
        ):
            panel.addWidget(widget)
        self.guest_panel.hide()

        # Python's clock, as everywhere else (the saved visit and "today" agree)
        now = dt.datetime.now()
        self.when = QDateTimeEdit(
            QDateTime(QDate(now.year, now.month, now.day), QTime(now.hour, now.minute, now.second)),
            self,
        )
        self.when.setObjectName("visitDateTimeField")
        self.when.setAccessibleName(_("Date and time"))
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when.setCalendarPopup(True)
        self.party = QSpinBox(self)
        self.party.setObjectName("visitPartySizeField")
        self.party.setAccessibleName(_("Party size"))
        self.party.setRange(1, 99)
        self.party.setValue(1)
        self.party.setMinimumWidth(64)
        self.party_error = FieldError(self)
        self.amount = QLineEdit(self)
        self.amount.setObjectName("visitAmountField")
        self.amount.setAccessibleName(_("Bill total"))
        self.amount.setPlaceholderText(_("e.g. 4800"))
        self.amount.textChanged.connect(self._on_amount)
        self.amount_info = QLabel(self)
        self.amount_info.setObjectName("visitAmountInfo")
        self.amount_error = FieldError(self)

        self.picker = ItemPicker(self._menu, self)
        self.picker.selection_changed.connect(self._on_amount)

        self.coupon = QLineEdit(self)
        self.coupon.setObjectName("visitCouponField")
        self.coupon.setAccessibleName(_("Coupon code"))
        self.coupon.setPlaceholderText(_("Type or scan, e.g. K7QM-4XRT"))
        self.coupon_status = FieldError(self)
        self.coupon_status.setObjectName("visitCouponStatus")
        self._coupon_timer = QTimer(self)
        self._coupon_timer.setSingleShot(True)
        self._coupon_timer.setInterval(COUPON_CHECK_DELAY_MS)
        self._coupon_timer.timeout.connect(self.check_coupon)
        self.coupon.textChanged.connect(lambda _t: self._coupon_timer.start())
        self.note = QLineEdit(self)
        self.note.setObjectName("visitNoteField")
        self.note.setAccessibleName(_("Note"))
        self.note.setPlaceholderText(_("Anything to remember about this visit"))
        self.staff = QComboBox(self)
        self.staff.setObjectName("visitStaffField")
        self.staff.setAccessibleName(_("Staff"))
        self.staff.setEditable(True)
        self.staff.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        staff_edit = self.staff.lineEdit()
        assert staff_edit is not None  # an editable combo box has its line edit
        staff_edit.setPlaceholderText(_("Who served (optional)"))
        self.staff.setMinimumWidth(140)
        self._fill_staff()
        self.general_error = FieldError(self)

        self.save_button = QPushButton(_("Save"), self)
        self.save_button.setObjectName("visitSaveButton")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.on_accept)
        self.cancel_button = QPushButton(_("Cancel"), self)
        self.cancel_button.setObjectName("visitCancelButton")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QDialogButtonBox(self)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)

        who = QHBoxLayout()
        who.addWidget(self.customer_field, 1)
        who.addWidget(self.new_customer_button)
        who.addWidget(self.walk_in_button)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self._label(_("Customer"), self.customer_field), self._stack(who))
        form.addRow("", self.carry_over)
        form.addRow("", self.customer_error)
        form.addRow("", self.results)
        form.addRow("", self.guest_panel)
        numbers = QHBoxLayout()
        numbers.addWidget(self.party)
        numbers.addSpacing(12)
        numbers.addWidget(self._label(_("Bill total"), self.amount))
        numbers.addWidget(self.amount, 1)
        numbers.addWidget(self.amount_info)
        numbers.addSpacing(12)
        numbers.addWidget(self._label(_("Date and time"), self.when))
        numbers.addWidget(self.when)
        form.addRow(self._label(_("Party size"), self.party), self._stack(numbers))
        form.addRow("", self.party_error)
        form.addRow("", self.amount_error)
        form.addRow(self._label(_("Items"), self.picker.filter), self.picker)
        form.addRow(self._label(_("Coupon code"), self.coupon), self.coupon)
        form.addRow("", self.coupon_status)
        note_row = QHBoxLayout()
        note_row.addWidget(self.note, 1)
        note_row.addSpacing(12)
        note_row.addWidget(self._label(_("Staff"), self.staff))
        note_row.addWidget(self.staff)
        form.addRow(self._label(_("Note"), self.note), self._stack(note_row))
        outer = QVBoxLayout(self)
        outer.addLayout(form, 1)
        outer.addWidget(self.general_error)
        outer.addWidget(buttons)

        chain = [self.customer_field, self.party, self.amount, self.picker.filter]
        chain += [
            self.coupon,
            self.note,
            self.staff,
            self.save_button,
            self.when,
            self.cancel_button,
        ]
        chain += [self.new_customer_button, self.walk_in_button]
        for first, second in itertools.pairwise(chain):
            self.setTabOrder(first, second)
        for widget in chain:
            widget.installEventFilter(self)
        staff_edit.installEventFilter(self)
        self._on_amount()
        self.resize(720, 620)

    def _fill_staff(self) -> None:
        """Names used before, most recent first; the one last saved on this PC pre-filled."""
        names = visits.staff_names(self.ctx.db)
        last = str(ui_settings().value(LAST_STAFF_KEY, "") or "")
        if last and last not in names:
            names.insert(0, last)
        self.staff.addItems(names)
        self.staff.setCurrentText(last)

    def _label(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text, self)
        label.setBuddy(buddy)
        return label

    def _stack(self, layout) -> QWidget:
        box = QWidget(self)
        layout.setContentsMargins(0, 0, 0, 0)
        box.setLayout(layout)
        return box

    # --- choosing the guest --------------------------------------------------------------------
    def _offer_carried_over(self, customer_id: int) -> None:
        c = customers.get(self.ctx.db, customer_id)
        self.carried_over_id = c.id
        self.carry_over_label.setText(
            _("Selected earlier: {name}. Not chosen for this visit.").format(
                name=f"{c.name} ({c.kana})" if c.kana else c.name
            )
        )
        self.carry_over_button.setText(_("&Use this guest"))
        self.carry_over_button.setAccessibleName(
            _("Record this visit for {name}").format(name=c.name)
        )
        self.carry_over.show()

    def take_carried_over(self) -> None:
        """The user confirmed the guest selected earlier: take them, party size next."""
        if self.carried_over_id is None:
            return
        self.set_customer(self.carried_over_id)
        self.party.setFocus()
        self.party.selectAll()

    def choose_walk_in(self) -> None:
        """A guest without a record (walk-in): the visit counts for the day, for nobody."""
        self.customer_id = None
        self.walk_in = True
        self.searching = False
        self._hits = []
        self.results.hide()
        self.carry_over.hide()
        self.customer_error.clear_message()
        mark_invalid(self.customer_field, "")
        self.customer_field.clear()
        self.customer_field.setPlaceholderText(_("Walk-in: type a name to choose a guest instead"))
        self.guest_name.setText(_("Walk-in guest (no name recorded)"))
        for widget in (self.allergy_banner, self.favourites_label):
            widget.hide()
        self.history_label.setText(_("Ask about allergies: there is no record to check."))
        self.picker.set_favourites([])
        self.guest_panel.show()
        self.party.setFocus()
        self.party.selectAll()

    def _on_customer_typed(self, text: str) -> None:
        self.customer_id = None
        self.walk_in = False
        self.guest_panel.hide()
        self.picker.set_favourites([])
        self.searching = True
        self.search(text)

    def search(self, text: str) -> None:
        query = text.strip()
        self._hits = customers.search(self.ctx.db, query, limit=SEARCH_LIMIT) if query else []
        self.results.clear()
        for hit in self._hits:
            row = QListWidgetItem(self._hit_text(hit))
            if hit.has_allergy:
                row.setIcon(icon("allergy"))
            self.results.addItem(row)
        if self._hits:
            self.results.setCurrentRow(0)
        self.results.setVisible(bool(self._hits))
        if query and not self._hits:
            self.customer_error.show_message(
                _("No guest matches “{text}”. Press Alt+N to register a new one.").format(
                    text=query
                )
            )
        else:
            self.customer_error.clear_message()
        mark_invalid(self.customer_field, "")

    def _hit_text(self, hit: CustomerSummary) -> str:
        parts = [hit.name]
        if hit.kana:
            parts.append(f"({hit.kana})")
        if hit.phone:
            parts.append(hit.phone)
        if hit.last_visit_at:
            parts.append(_("last visit {date}").format(date=hit.last_visit_at.date().isoformat()))
        if hit.has_allergy:
            parts.append(LEVEL_MARKS["allergy"] + _("Allergy"))  # with the icon on the row
        return "  ".join(parts)

    def move_hit(self, step: int) -> None:
        if self._hits:
            row = (self.results.currentRow() + step) % len(self._hits)
            self.results.setCurrentRow(row)

    def pick_current_hit(self) -> bool:
        """Take the highlighted hit (the top one unless moved); ``False`` when there is none.

        A coupon code typed or scanned into the customer field finds its guest and fills the
        coupon field, so a scanned coupon is the fastest way to a returning guest.
        """
        if self._pick_by_coupon(self.customer_field.text()):
            return True
        if not self._hits:
            self.search(self.customer_field.text())
        if not self._hits:
            return False
        self._pick_row(max(self.results.currentRow(), 0))
        return True

    def _pick_by_coupon(self, text: str) -> bool:
        if code_problem(text) is not None:
            return False
        coupon = coupons.find(self.ctx.db, text)
        if coupon is None:
            return False
        self.set_customer(coupon.customer_id)
        self.coupon.setText(coupon.code)
        self.check_coupon()
        self.amount.setFocus()
        return True

    def _pick_row(self, row: int) -> None:
        self.set_customer(self._hits[row].id)
        self.party.setFocus()
        self.party.selectAll()

    def set_customer(self, customer_id: int) -> None:
        """Choose the guest: fill the field and show allergies, favourites and their last visit."""
        c = customers.get(self.ctx.db, customer_id)
        self.customer_id = c.id
        self.walk_in = False
        self.searching = False
        self.carry_over.hide()
        self.guest_name.setText(
            _("{name} ({kana})").format(name=c.name, kana=c.kana) if c.kana else c.name
        )
        self.results.hide()
        self.customer_error.clear_message()
        mark_invalid(self.customer_field, "")
        self.customer_field.setText(f"{c.name} ({c.kana})" if c.kana else c.name)
        prefs = preferences.for_customer(self.ctx.db, customer_id)
        allergies = [p.label for p in prefs if p.level == "allergy"]
        allergy_text = _("Allergy: {items}").format(items="、".join(allergies)) if allergies else ""
        self.allergy_banner.setText(allergy_html(allergy_text) if allergies else "")
        self.allergy_banner.setAccessibleName(allergy_text)
        self.allergy_banner.setVisible(bool(allergies))
        favourites = preferences.favourites(self.ctx.db, customer_id)
        loves = [("♥ " if p.level == "love" else "") + p.label for p in favourites]
        self.favourites_label.setText(
            "★ " + _("Favourites: {items}").format(items="、".join(loves)) if loves else ""
        )
        self.favourites_label.setVisible(bool(loves))
        self.picker.set_favourites([p.label for p in favourites])
        last = visits.for_customer(self.ctx.db, customer_id, limit=1)
        if last:
            v = last[0]
            text = _("Last visit {date}").format(date=v.visited_at.strftime("%Y-%m-%d"))
            if v.items:
                text += " · " + _("ordered {items}").format(
                    items="、".join(with_quantity(i.name, i.quantity) for i in v.items)
                )
        else:
            text = _("First visit")
        self.history_label.setText(text)
        self.guest_panel.show()
        if self.coupon.text().strip():
            self.check_coupon()

    def register_new_customer(self) -> None:
        """Register the guest on the spot; what was typed becomes the name (or the phone)."""
        typed = "" if self.customer_id else self.customer_field.text().strip()
        digits = typed.replace("-", "").replace("+", "")
        prefill = {"phone": typed} if typed and digits.isdigit() else {"name": typed}
        dialog = CustomerDialog(self.ctx, None, self, prefill=prefill)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved_customer_id:
            self.set_customer(dialog.saved_customer_id)
            self.party.setFocus()
        self.new_customer_dialog = dialog

    # --- amount and coupon ---------------------------------------------------------------------
    def _parsed_amount(self) -> tuple[int | None, ValidationError | None]:
        try:
            return parse_money(self.amount.text(), self.currency), None
        except ValidationError as err:
            return None, err

    def _on_amount(self, *_args) -> None:
        value, err = self._parsed_amount()
        if value is not None:
            self.amount_info.setText(format_money(value, self.currency))
            self.amount_error.clear_message()
            mark_invalid(self.amount, "")
        elif self.amount.text().strip():
            assert err is not None  # _parsed_amount gives a value or the error
            self.amount_info.setText("")
            self.amount_error.show_message(err.message)
            mark_invalid(self.amount, err.message)
        else:
            total = self.picker.selected_total()
            self.amount_info.setText(
                _("menu {total}").format(total=format_money(total, self.currency)) if total else ""
            )
            self.amount_error.clear_message()
            mark_invalid(self.amount, "")

    def check_coupon(self) -> bool:
        """Check the typed coupon now; show why not at the field. True when empty or valid."""
        self._coupon_timer.stop()
        code = self.coupon.text().strip()
        if not code:
            self.coupon_status.clear_message()
            mark_invalid(self.coupon, "")
            return True

        try:
            coupon = coupons.check(self.ctx.db, code, customer_id=self.customer_id)
        except ValidationError as err:
            self.coupon_status.show_message(err.message)
            mark_invalid(self.coupon, err.message)
            return False
        what = coupon.campaign_name or _("coupon")
        self.coupon_status.show_message(
            "✓ "
            + _("{code}: {campaign}, valid until {date}").format(
                code=coupon.code, campaign=what, date=format_date(coupon.valid_until)
            ),
            ok=True,
        )
        mark_invalid(self.coupon, "")
        return True

    # --- saving --------------------------------------------------------------------------------
    def visit(self) -> Visit:
        amount, _err = self._parsed_amount()
        items = [
            VisitItem(name=item.name, menu_item_id=item.id, quantity=n, price=item.price)
            for item, n in self.picker.selected_quantities()
        ]
        # The stubs type toPython() as object; a QDateTime gives a datetime.
        picked = cast(dt.datetime, self.when.dateTime().toPython())
        when = picked.replace(second=0, microsecond=0)
        return Visit(
            customer_id=self.customer_id,
            visited_at=when,
            amount=amount if amount is not None else 0,
            party_size=self.party.value(),
            items=items,
            note=self.note.text().strip(),
            staff=self.staff.currentText().strip(),
        )

    def _show_error(self, field: str, message: str) -> None:
        places = {
            "customer": (self.customer_field, self.customer_error),
            "amount": (self.amount, self.amount_error),
            "party_size": (self.party, self.party_error),
            "coupon_code": (self.coupon, self.coupon_status),
            "visited_at": (self.when, self.party_error),
        }
        widget, label = places.get(field, (None, self.general_error))
        label.show_message(message)
        if widget is not None:
            mark_invalid(widget, message)
            widget.setFocus()

    def on_accept(self) -> None:
        if self.searching and self.customer_field.text().strip():
            self.pick_current_hit()
        if self.customer_id is None and not self.walk_in:
            self._show_error(
                "customer",
                _("Choose the guest, register a new one (Alt+N) or record a walk-in (Alt+W)."),
            )
            return
        _amount, amount_err = self._parsed_amount()
        if amount_err is not None:
            self._show_error("amount", amount_err.message)
            return
        if not self.check_coupon():
            self.coupon.setFocus()
            return
        code = self.coupon.text().strip()
        try:
            saved = self.save_with_retry(
                lambda: visits.record(self.ctx.db, self.visit(), coupon_code=code or None)
            )
        except ValidationError as err:
            at_field = err.field in (
                "customer",
                "amount",
                "party_size",
                "coupon_code",
                "visited_at",
            )
            self._show_error(err.field, err.message if at_field else str(err))
            return
        if saved is None:  # not saved (disk full, read-only ...): the dialog keeps the input
            return
        self.saved_visit_id = saved.id
        settings = ui_settings()
        settings.setValue(LAST_STAFF_KEY, saved.staff)
        settings.sync()
        self.ctx.changed.emit(Changes(visits=True, coupons=bool(code)))  # a coupon redeemed
        self._offer_favourites(saved.customer_id)
        self.accept()

    def _offer_favourites(self, customer_id: int) -> None:
        names = visits.suggest_favourites(self.ctx.db, customer_id)
        known = {p.label for p in preferences.for_customer(self.ctx.db, customer_id)}
        names = [n for n in names if n not in known]
        if not names:
            return
        by_name = {item.name: item for item in self._menu}
        prompt = FavouritesPrompt(self.ctx, customer_id, names, by_name)
        self.favourites_prompt = prompt
        parent = self.parentWidget()
        window = parent.window() if parent is not None else None
        host = getattr(window, "show_notice", None)
        if callable(host):
            host(prompt)  # in the main window's status area, beside the counter's work
        else:  # no main window (a dialog on its own): a small window that never takes focus
            prompt.setWindowFlags(
                Qt.WindowType.Tool
                | Qt.WindowType.WindowDoesNotAcceptFocus
                | Qt.WindowType.WindowStaysOnTopHint
            )
            prompt.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
            prompt.setWindowTitle(_("Add favourites?"))
            prompt.show()


_open_prompts: set[FavouritesPrompt] = set()  # keeps parentless prompts alive while shown


class FavouritesPrompt(QFrame):
    """A small question after saving, in the status area: add items ordered again and again as
    favourites? It never takes the keyboard (every part is ``NoFocus``), so the next guest's name
    typed at the counter lands in the search box; it is answered with the mouse or left alone."""

    def __init__(
        self, ctx, customer_id: int, names: list[str], menu: dict[str, MenuItem], parent=None
    ):
        super().__init__(parent)

        self.setObjectName("favouritesPrompt")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ctx = ctx
        self.customer_id = customer_id
        self._menu = menu
        self.added: list[str] = []
        self.answered = False
        name = customers.get(ctx.db, customer_id).name
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 2, 6, 2)
        self.text = QLabel(
            _("{name} often orders these. Add as favourites?").format(name=name), self
        )
        self.text.setObjectName("favouritesPromptText")
        self.text.setToolTip(_("Ordered in at least 3 of their last 5 visits."))
        lay.addWidget(self.text)
        self.checks: list[QCheckBox] = []
        for item_name in names:
            box = QCheckBox(item_name, self)
            box.setChecked(True)
            box.setAccessibleName(item_name)
            box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.checks.append(box)
            lay.addWidget(box)
        self.add_button = QPushButton(_("Add as favourites"), self)
        self.add_button.setObjectName("favouritesAddButton")
        self.later_button = QPushButton(_("Not now"), self)
        self.later_button.setObjectName("favouritesLaterButton")
        for button in (self.add_button, self.later_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setAutoDefault(False)
            lay.addWidget(button)
        self.add_button.clicked.connect(self.accept)
        self.later_button.clicked.connect(self.reject)
        _open_prompts.add(self)
        self.destroyed.connect(lambda _o=None, me=self: _open_prompts.discard(me))

    def accept(self) -> None:
        for box in self.checks:
            if not box.isChecked():
                continue
            item = self._menu.get(box.text())
            kind = item.kind if item and item.kind in ("drink", "food") else "other"
            preferences.add(
                self.ctx.db,
                Preference(
                    customer_id=self.customer_id,
                    kind=kind,
                    level="like",
                    label=box.text(),
                    menu_item_id=item.id if item else None,
                ),
            )
            self.added.append(box.text())
        if self.added:
            self.ctx.changed.emit(Changes(customers=True))  # the guest's favourites
        self._finish()

    def reject(self) -> None:
        self._finish()

    def _finish(self) -> None:
        self.answered = True
        _open_prompts.discard(self)
        self.close()
