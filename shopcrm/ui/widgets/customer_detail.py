"""``CustomerDetail``: everything about one guest, beside the customer table.

From the top: name and reading with Edit / Record visit buttons; a red allergy banner that is shown
whenever the guest has an allergy (outside the scrolling part, so it cannot be scrolled away); the
preferences as chips with a row to add one in place; then tabs for the profile, visit history (with
items), coupons, mailings and notes. Everything is read through ``store`` functions; adding or
removing a preference writes through ``store.preferences`` and emits ``ctx.customers_changed``.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from shopcrm.domain import dates
from shopcrm.domain.changes import Changes
from shopcrm.domain.models import PREFERENCE_KIND_LABELS, PREFERENCE_KINDS, Preference
from shopcrm.domain.rules import ValidationError
from shopcrm.i18n import _, ngettext
from shopcrm.store import coupons as coupon_store
from shopcrm.store import customers, line_links, preferences
from shopcrm.store import mailings as mailing_store
from shopcrm.store import visits as visit_store
from shopcrm.store.errors import NotFound
from shopcrm.ui.dialogs.line_dialog import LineLinkDialog
from shopcrm.ui.models.customer_table_model import format_day, format_money, format_phone
from shopcrm.ui.theme import ALLERGY_BANNER_STYLE, allergy_html, emphasize, error_style
from shopcrm.ui.widgets.chips import PreferenceChips, level_legend
from shopcrm.ui.widgets.item_picker import with_quantity

VISITS_SHOWN = 200  # the latest visits listed in the pane (the figures count them all)


def format_birthday(year, month, day, today: dt.date | None = None) -> str:
    """ "1985年3月10日 （41歳）" / "10 Mar 1985  (age 41)"; without a year just the day."""
    if not month or not day:
        return ""
    text = dates.format_birthday((year, month, day))
    if not year:
        return text + "  " + _("(year unknown)")
    age = dates.age_on(year, month, day, today or dt.date.today())
    return text + "  " + _("(age {age})").format(age=age)


def _moment(value) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return format_day(value)


class CustomerDetail(QWidget):
    editRequested = Signal(int)
    recordVisitRequested = Signal(int)

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("customerDetail")
        self.customer = None
        self.customer_id: int | None = None
        self._prefs: list[Preference] = []

        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 4, 4, 4)

        head = QHBoxLayout()
        names = QVBoxLayout()
        self.name_label = QLabel()
        self.name_label.setObjectName("detailName")
        emphasize(self.name_label, 1.5)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.name_label.setWordWrap(True)
        self.kana_label = QLabel()
        self.kana_label.setObjectName("detailKana")
        self.kana_label.setWordWrap(True)
        names.addWidget(self.name_label)
        names.addWidget(self.kana_label)
        head.addLayout(names, 1)
        self.edit_button = QPushButton(_("Edit…"))
        self.edit_button.setObjectName("editCustomerButton")
        self.edit_button.setAccessibleName(_("Edit customer"))
        self.edit_button.clicked.connect(lambda: self.editRequested.emit(self.customer_id or 0))
        self.visit_button = QPushButton(_("Record visit…"))
        self.visit_button.setObjectName("detailRecordVisitButton")
        self.visit_button.setAccessibleName(_("Record a visit for this guest"))
        self.visit_button.setDefault(False)
        self.visit_button.clicked.connect(
            lambda: self.recordVisitRequested.emit(self.customer_id or 0)
        )
        self.line_button = QPushButton(_("Link LINE…"))
        self.line_button.setObjectName("linkLineButton")
        self.line_button.setAccessibleName(_("Link this guest's LINE"))
        self.line_button.clicked.connect(self.link_line)
        head.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.visit_button, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(head)

        self.allergy_banner = QLabel()
        self.allergy_banner.setObjectName("allergyBanner")
        self.allergy_banner.setStyleSheet(ALLERGY_BANNER_STYLE)
        self.allergy_banner.setWordWrap(True)
        self.allergy_banner.setVisible(False)
        outer.addWidget(self.allergy_banner)

        # Preferences: chips and the add row.
        self.prefs_title = QLabel(_("Preferences"))
        emphasize(self.prefs_title)
        outer.addWidget(self.prefs_title)
        self.chips = PreferenceChips()
        self.chips.setObjectName("preferenceChips")
        self.chips.removeRequested.connect(self.remove_preference)
        outer.addWidget(self.chips)
        add_row = QHBoxLayout()
        self.level_combo = QComboBox()
        self.level_combo.setObjectName("preferenceLevel")
        self.level_combo.setAccessibleName(_("Preference level"))
        for level, label in level_legend():
            self.level_combo.addItem(label, level)
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("preferenceKind")
        self.kind_combo.setAccessibleName(_("Preference kind"))
        for kind in PREFERENCE_KINDS:
            self.kind_combo.addItem(_(PREFERENCE_KIND_LABELS[kind]), kind)
        self.pref_edit = QLineEdit()
        self.pref_edit.setObjectName("preferenceLabel")
        self.pref_edit.setPlaceholderText(_("e.g. junmai sake, shrimp, counter seat"))
        self.pref_edit.setAccessibleName(_("Preference"))
        self.pref_edit.setMinimumWidth(60)
        self.pref_edit.returnPressed.connect(self.add_preference)
        self.pref_add = QPushButton(_("Add"))
        self.pref_add.setObjectName("preferenceAddButton")
        self.pref_add.setAccessibleName(_("Add preference"))
        self.pref_add.clicked.connect(self.add_preference)
        add_row.addWidget(self.level_combo)
        add_row.addWidget(self.kind_combo)
        add_row.addWidget(self.pref_edit, 1)
        add_row.addWidget(self.pref_add)
        outer.addLayout(add_row)
        self.pref_error = QLabel()
        self.pref_error.setObjectName("preferenceError")
        self.pref_error.setStyleSheet(error_style())
        self.pref_error.setVisible(False)
        outer.addWidget(self.pref_error)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("detailTabs")
        outer.addWidget(self.tabs, 1)

        profile = QWidget()
        self.form = QFormLayout(profile)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields: dict[str, QLabel] = {}
        for key, label in self._field_labels():
            value = QLabel()
            value.setObjectName(f"detail_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = value
            if key == "line_id":  # the handle, the LINE link's state and "Link LINE…"
                self.line_state = QLabel()
                self.line_state.setObjectName("detailLineState")
                self.line_state.setSizePolicy(
                    QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred
                )  # never squeezed below its text by the wrapping handle beside it
                row = QWidget()
                box = QHBoxLayout(row)
                box.setContentsMargins(0, 0, 0, 0)
                box.addWidget(value, 1)
                box.addWidget(self.line_state)
                box.addWidget(self.line_button)
                self.form.addRow(label, row)
                continue
            self.form.addRow(label, value)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(profile)
        self.tabs.addTab(scroll, _("Profile"))

        self.visits_tree = self._tree(
            "visitHistory", [_("Date"), _("Party"), _("Amount"), _("Items")]
        )
        header = self.visits_tree.header()
        header.setStretchLastSection(True)  # the items get the room that is left
        self.tabs.addTab(self.visits_tree, _("Visit history"))
        self.coupons_tree = self._tree(
            "couponList", [_("Code"), _("Campaign"), _("Valid until"), _("Status")]
        )
        self.tabs.addTab(self.coupons_tree, _("Coupons"))
        self.mailings_tree = self._tree("mailingList", [_("Sent"), _("Piece"), _("Campaign")])
        self.tabs.addTab(self.mailings_tree, _("Mailings"))
        self.notes_view = QPlainTextEdit()
        self.notes_view.setObjectName("detailNotes")
        self.notes_view.setReadOnly(True)
        self.notes_view.setAccessibleName(_("Notes"))
        self.tabs.addTab(self.notes_view, _("Notes"))

        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.clear()

    @staticmethod
    def _field_labels() -> list[tuple[str, str]]:
        return [
            ("phone", _("Phone")),
            ("email", _("Email")),
            ("line_id", _("LINE ID")),
            ("address", _("Address")),
            ("birthday", _("Birthday")),
            ("code", _("Membership code")),
            ("channel", _("Acquisition channel")),
            ("tags", _("Tags")),
            ("dm", _("Direct mail")),
            ("since", _("Customer since")),
            ("figures", _("Visits")),
        ]

    def _tree(self, name: str, headers: list[str]) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setObjectName(name)
        tree.setHeaderLabels(headers)
        tree.setRootIsDecorated(True)
        tree.setAlternatingRowColors(True)
        tree.setUniformRowHeights(True)
        tree.setAccessibleName(headers[0])
        return tree

    # --- showing a guest ----------------------------------------------------------------------
    def clear(self) -> None:
        self.customer = None
        self.customer_id = None
        self.name_label.setText(_("No customer selected"))
        self.kana_label.setText(_("Select a guest in the list to see their record."))
        self.allergy_banner.setVisible(False)
        self._set_enabled(False)
        self.chips.set_preferences([])
        for value in self.fields.values():
            value.clear()
        self.line_state.clear()
        for tree in (self.visits_tree, self.coupons_tree, self.mailings_tree):
            tree.clear()
        self.notes_view.clear()

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (
            self.edit_button,
            self.visit_button,
            self.line_button,
            self.level_combo,
            self.kind_combo,
            self.pref_edit,
            self.pref_add,
            self.tabs,
        ):
            widget.setEnabled(enabled)

    def set_customer(self, customer_id: int | None) -> None:
        if not customer_id:
            self.clear()
            return

        try:
            customer = customers.get(self.ctx.db, customer_id)
        except NotFound:
            self.clear()
            return
        self.customer = customer
        self.customer_id = customer_id
        self._set_enabled(True)
        erased = customer.erased_at is not None or not customer.name
        self.line_button.setEnabled(not erased)  # an erased record is never linked again
        self.name_label.setText(_("(personal data erased)") if erased else customer.name)
        self.kana_label.setText(customer.kana)
        self._fill_profile(customer)
        self.refresh_preferences()
        self._fill_visits()
        self._fill_coupons()
        self._fill_mailings()
        self.notes_view.setPlainText(customer.notes)
        self.tabs.setTabText(
            self.tabs.indexOf(self.notes_view),
            _("Notes") + (" •" if customer.notes.strip() else ""),
        )

    def apply_mode(self, _mode: str) -> None:
        """Owner or staff mode changed: show or hide the money figures."""
        if self.customer_id is not None:
            self._fill_visits()
        else:
            self.visits_tree.setColumnHidden(2, self.ctx.mode != "owner")

    def refresh(self) -> None:
        self.set_customer(self.customer_id)

    def _fill_profile(self, c) -> None:
        f = self.fields
        f["phone"].setText(format_phone(c.phone))
        f["email"].setText(c.email)
        f["line_id"].setText(c.line_id)
        link = line_links.link_for(self.ctx.db, c.id) if c.id is not None else None
        if link is None:
            self.line_state.setText(_("LINE: not linked"))
        elif link.followed:
            self.line_state.setText(
                _("LINE: linked {date}").format(date=format_day(link.linked_at.date()))
            )
        else:
            self.line_state.setText(_("LINE: unfollowed or blocked"))
        postal = f"〒{c.postal_code[:3]}-{c.postal_code[3:]}" if len(c.postal_code) == 7 else ""
        f["address"].setText("\n".join(x for x in (postal, *c.address_lines) if x))
        f["birthday"].setText(format_birthday(c.birth_year, c.birth_month, c.birth_day))
        f["code"].setText(c.code or "")
        f["channel"].setText(c.channel)
        f["tags"].setText(", ".join(c.tags))
        if c.erased_at:
            dm = _("Erased on request")
        elif c.do_not_mail:
            dm = _("Do not mail")
        elif c.dm_consent:
            since = format_day(c.dm_consent_at)
            dm = _("Consented") + (f" ({since})" if since else "")
        else:
            dm = _("No consent")
        f["dm"].setText(dm)
        f["since"].setText(format_day(c.created_at))

    def _shown(self) -> int:
        """The shown guest's id; -1 (no rows match) while none is shown."""
        return self.customer_id if self.customer_id is not None else -1

    def refresh_preferences(self) -> None:
        self._prefs = preferences.for_customer(self.ctx.db, self._shown())
        self.chips.set_preferences(self._prefs)
        allergies = [p for p in self._prefs if p.level == "allergy"]
        if allergies:
            labels = "、".join(p.label for p in allergies)
            text = _("Allergy: {items}").format(items=labels)
            self.allergy_banner.setText(allergy_html(text))  # the icon, not a font's ⚠
            self.allergy_banner.setAccessibleName(text)
        self.allergy_banner.setVisible(bool(allergies))

    def _fill_visits(self) -> None:
        self.visits_tree.clear()
        visits = visit_store.for_customer(self.ctx.db, self._shown(), limit=VISITS_SHOWN)
        total = 0
        for visit in visits:
            total += visit.amount
            items = ", ".join(with_quantity(i.name, i.quantity) for i in visit.items)
            extras = [visit.note] if visit.note else []
            if visit.staff:
                extras.append(_("Staff: {name}").format(name=visit.staff))
            if visit.coupon_code:
                extras.append(_("Coupon {code}").format(code=visit.coupon_code))
            shown = " / ".join([items, *extras]) if items else " / ".join(extras)
            row = QTreeWidgetItem(
                [
                    _moment(visit.visited_at),
                    str(visit.party_size),
                    format_money(visit.amount),
                    shown,
                ]
            )
            row.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            row.setToolTip(3, "\n".join([items, *extras]))
            for item in visit.items:
                price = format_money(item.price) if item.price is not None else ""
                QTreeWidgetItem(row, ["", f"×{item.quantity}", price, item.name])
            for extra in extras:
                QTreeWidgetItem(row, ["", "", "", extra])
            self.visits_tree.addTopLevelItem(row)
        for col in (0, 1, 2):
            self.visits_tree.resizeColumnToContents(col)
        # The figures are the stored ones (kept by the schema for every visit): the list above
        # shows only the latest VISITS_SHOWN, a regular can have many more.
        figures = None
        if self.customer is not None:
            assert self.customer_id is not None  # set_customer sets both, clear() neither
            try:
                figures = customers.summary(self.ctx.db, self.customer_id)
            except NotFound:
                figures = None
        count = figures.visit_count if figures is not None else len(visits)
        spent = figures.total_spent if figures is not None else total
        if count > len(visits):
            more = QTreeWidgetItem(
                ["", "", "", _("… and {n} older visits").format(n=count - len(visits))]
            )
            more.setFlags(Qt.ItemFlag.NoItemFlags)
            self.visits_tree.addTopLevelItem(more)
        self.tabs.setTabText(
            self.tabs.indexOf(self.visits_tree), _("Visit history") + f" ({count})"
        )
        owner = self.ctx.mode == "owner"  # staff mode: visit counts, no money per guest
        self.visits_tree.setColumnHidden(2, not owner)
        if self.customer is not None:
            text = ngettext("{n} visit", "{n} visits", count).format(n=count)
            if count and owner:
                text += " · " + _("total {amount}, {avg} per visit").format(
                    amount=format_money(spent), avg=format_money(spent // max(count, 1))
                )
            self.fields["figures"].setText(text)

    def _fill_coupons(self) -> None:
        self.coupons_tree.clear()
        coupons = coupon_store.for_customer(self.ctx.db, self._shown())
        today = dt.date.today()
        for coupon in coupons:
            if coupon.voided_at:
                status = _("Voided")
            elif coupon.redeemed_at:
                status = _("Used on {day}").format(day=format_day(coupon.redeemed_at))
            elif coupon.valid_until < today:
                status = _("Expired")
            elif coupon.valid_from > today:
                status = _("Not yet valid")
            else:
                status = _("Valid")
            self.coupons_tree.addTopLevelItem(
                QTreeWidgetItem(
                    [coupon.code, coupon.campaign_name, format_day(coupon.valid_until), status]
                )
            )
        self.tabs.setTabText(
            self.tabs.indexOf(self.coupons_tree), _("Coupons") + f" ({len(coupons)})"
        )

    def _fill_mailings(self) -> None:
        self.mailings_tree.clear()
        mailings = mailing_store.for_customer(self.ctx.db, self._shown())
        pieces = {
            "postcard": _("Postcard"),
            "letter": _("Letter"),
            "ticket": _("Coupon ticket"),
            "label": _("Address label"),
            "address_side": _("Postcard address side"),
            "email": _("E-mail"),
            "line": _("LINE message"),
        }
        for m in mailings:
            self.mailings_tree.addTopLevelItem(
                QTreeWidgetItem([_moment(m.sent_at), pieces.get(m.piece, m.piece), m.campaign_name])
            )
        self.tabs.setTabText(
            self.tabs.indexOf(self.mailings_tree), _("Mailings") + f" ({len(mailings)})"
        )

    def link_line(self) -> None:
        """The "Link LINE…" dialog: a one-time code as a QR code the guest scans and sends."""
        if self.customer is None:
            return
        self.line_dialog = LineLinkDialog(self.ctx, self.customer, self)
        self.line_dialog.finished.connect(lambda _result: self.refresh())
        self.line_dialog.open()

    # --- preferences in place -----------------------------------------------------------------
    def add_preference(self) -> None:
        if not self.customer_id:
            return
        label = self.pref_edit.text().strip()
        if not label:
            self._show_pref_error(_("Type what the guest likes, dislikes or is allergic to."))
            self.pref_edit.setFocus()
            return

        pref = Preference(
            customer_id=self.customer_id,
            kind=self.kind_combo.currentData(),
            level=self.level_combo.currentData(),
            label=label,
        )
        try:
            preferences.add(self.ctx.db, pref)
        except ValidationError as exc:
            self._show_pref_error(str(exc))
            return
        self.pref_error.setVisible(False)
        self.pref_edit.clear()
        self.refresh_preferences()
        self.ctx.changed.emit(Changes(customers=True))

    def remove_preference(self, preference_id: int) -> None:
        pref = next((p for p in self._prefs if p.id == preference_id), None)
        if pref is not None and pref.level == "allergy":
            answer = QMessageBox.question(
                self,
                _("Remove allergy"),
                _("Remove the allergy “{label}” from this guest's record?").format(
                    label=pref.label
                ),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        preferences.remove(self.ctx.db, preference_id)
        self.refresh_preferences()
        self.ctx.changed.emit(Changes(customers=True))

    def _show_pref_error(self, text: str) -> None:
        self.pref_error.setText(text)
        self.pref_error.setVisible(True)
