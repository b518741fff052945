"""``CampaignDialog``: create or edit a campaign (kind, discount, validity, target, DM template).

Every problem is shown at its field (red border and message underneath) as soon as it can be
known: the template is checked while it is typed, with a live preview for a sample guest who
loves junmai ginjo sake, so an unknown ``{field}`` is caught here and never at print time.
Built-in campaigns keep their name and kind. Save writes through ``store.campaign_records``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import cast

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from shopcrm.domain.changes import Changes
from shopcrm.domain.models import (
    CAMPAIGN_KIND_LABELS,
    CAMPAIGN_KINDS,
    DISCOUNT_TYPES,
    Campaign,
    Coupon,
    Customer,
)
from shopcrm.i18n import N_, _
from shopcrm.services.campaigns import campaign_errors, render_message, validity
from shopcrm.store import campaign_records, settings
from shopcrm.store import customers as customer_store
from shopcrm.store.campaign_records import TEMPLATE_FIELDS, CampaignError
from shopcrm.ui.dialogs.base import DialogBase
from shopcrm.ui.widgets.field_error import FieldError, mark_invalid
from shopcrm.ui.widgets.holdout_box import HoldoutBox

DISCOUNT_LABELS = {
    "percent": N_("Percent off"),
    "amount": N_("Amount off (yen)"),
    "item": N_("A free item"),
}
KIND_HINTS = {
    "birthday": N_("Guests whose birthday falls in the month you issue for."),
    "welcome": N_("Guests whose first visit was in the last 30 days; each gets one once."),
    "winback": N_("Guests who have not come for the number of days below; once per absence."),
    "custom": N_("Guests matching the conditions below (all of them that are filled in)."),
}


def _split(text: str) -> list[str]:
    for sep in "、，,":
        text = text.replace(sep, "\n")
    return [t.strip() for t in text.splitlines() if t.strip()]


class CampaignDialog(DialogBase):
    """Edit ``campaign`` (or a new one); after Save, ``self.campaign`` is the stored campaign."""

    def __init__(self, ctx, campaign: Campaign | None = None, parent=None):
        super().__init__(ctx, parent)
        self.setObjectName("campaignDialog")
        self.original = campaign
        self.campaign: Campaign | None = None
        self.builtin = bool(campaign and campaign.name in ("birthday", "welcome", "winback"))
        self.setWindowTitle(_("Edit campaign") if campaign else _("New campaign"))
        self.errors: dict[str, FieldError] = {}
        self._extra_filter: dict = {}
        self._loading = True
        self._build()
        self._load(campaign or Campaign(name="", kind="custom", template=_default_template()))
        self.resize(720, 700)

    # --- layout --------------------------------------------------------------------------------
    def _error(self, key: str) -> FieldError:
        self.errors[key] = FieldError(self)
        self.errors[key].setObjectName(f"error_{key}")
        return self.errors[key]

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(form)

        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("name")
        self.name_edit.setPlaceholderText(_("e.g. Sake fair in December"))
        form.addRow(_("Campaign name"), self._with_error(self.name_edit, "name"))

        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("kind")
        for kind in CAMPAIGN_KINDS:
            self.kind_combo.addItem(_(CAMPAIGN_KIND_LABELS[kind]), kind)
        self.kind_hint = QLabel(self)
        self.kind_hint.setWordWrap(True)
        self.kind_hint.setStyleSheet("color: palette(mid);")
        kind_box = QVBoxLayout()
        kind_box.setContentsMargins(0, 0, 0, 0)
        kind_box.addWidget(self.kind_combo)
        kind_box.addWidget(self.kind_hint)
        kind_widget = QWidget(self)
        kind_widget.setLayout(kind_box)
        form.addRow(_("Kind"), kind_widget)

        # discount
        self.discount_combo = QComboBox(self)
        self.discount_combo.setObjectName("discount_type")
        for dtype in DISCOUNT_TYPES:
            self.discount_combo.addItem(_(DISCOUNT_LABELS[dtype]), dtype)
        self.percent_spin = QSpinBox(self)
        self.percent_spin.setRange(0, 100)
        self.percent_spin.setSuffix(" %")
        self.amount_spin = QSpinBox(self)
        self.amount_spin.setRange(0, 1_000_000)
        self.amount_spin.setSingleStep(100)
        self.amount_spin.setPrefix("¥")
        self.amount_spin.setGroupSeparatorShown(True)
        self.item_edit = QLineEdit(self)
        self.item_edit.setObjectName("discount_item")
        self.item_edit.setPlaceholderText(_("e.g. a glass of sake"))
        self.discount_stack = QStackedWidget(self)
        for w in (self.percent_spin, self.amount_spin, self.item_edit):
            self.discount_stack.addWidget(w)
        row = QHBoxLayout()
        row.addWidget(self.discount_combo)
        row.addWidget(self.discount_stack, 1)
        form.addRow(_("Discount"), self._with_error(row, "discount"))

        # validity
        self.days_radio = QRadioButton(_("Days from issue"), self)
        self.range_radio = QRadioButton(_("Date range"), self)
        self._validity_group = QButtonGroup(self)
        self._validity_group.addButton(self.days_radio)
        self._validity_group.addButton(self.range_radio)
        self.days_spin = QSpinBox(self)
        self.days_spin.setObjectName("valid_days")
        self.days_spin.setRange(0, 3650)
        self.days_spin.setSuffix(" " + _("days"))
        self.from_edit = QDateEdit(self)
        self.until_edit = QDateEdit(self)
        for edit in (self.from_edit, self.until_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        v1 = QHBoxLayout()
        v1.addWidget(self.days_radio)
        v1.addWidget(self.days_spin)
        v1.addStretch(1)
        v2 = QHBoxLayout()
        v2.addWidget(self.range_radio)
        v2.addWidget(self.from_edit)
        v2.addWidget(QLabel("–", self))
        v2.addWidget(self.until_edit)
        v2.addStretch(1)
        validity = QVBoxLayout()
        validity.addLayout(v1)
        validity.addLayout(v2)
        form.addRow(_("Validity"), self._with_error(validity, "validity"))

        self.cost_spin = QSpinBox(self)
        self.cost_spin.setObjectName("cost_per_piece")
        self.cost_spin.setRange(0, 100_000)
        self.cost_spin.setPrefix("¥")
        self.cost_spin.setToolTip(_("Printing and postage per piece, for return on investment."))
        form.addRow(_("Cost per piece"), self._with_error(self.cost_spin, "cost_per_piece"))

        self.active_check = QCheckBox(_("Active (can issue coupons)"), self)
        form.addRow("", self.active_check)

        self.holdout_box = HoldoutBox(self)
        form.addRow(self.holdout_box)

        # target
        self.target_box = QGroupBox(_("Who gets it"), self)
        target = QFormLayout(self.target_box)
        self.winback_spin = QSpinBox(self)
        self.winback_spin.setObjectName("winback_days")
        self.winback_spin.setRange(0, 3650)
        self.winback_spin.setSuffix(" " + _("days"))
        self.winback_label = QLabel(_("Days without a visit"), self)
        target.addRow(self.winback_label, self._with_error(self.winback_spin, "winback_days"))
        self.tags_edit = QLineEdit(self)
        self.tags_edit.setPlaceholderText(_("e.g. regular, group"))
        self.likes_edit = QLineEdit(self)
        self.likes_edit.setPlaceholderText(_("e.g. sake, shochu"))
        self.min_visits_spin = QSpinBox(self)
        self.min_visits_spin.setRange(0, 999)
        self.min_visits_spin.setSpecialValueText(_("any"))
        self.within_spin = QSpinBox(self)
        self.within_spin.setRange(0, 3650)
        self.within_spin.setSpecialValueText(_("any"))
        self.within_spin.setSuffix(" " + _("days"))
        self.channel_combo = QComboBox(self)
        self.channel_combo.addItem(_("any"), "")

        for ch in customer_store.list_channels(self.ctx.db):
            self.channel_combo.addItem(ch.name, ch.name)
        self._custom_rows = [
            (QLabel(_("Has a tag"), self), self.tags_edit),
            (QLabel(_("Loves or likes"), self), self.likes_edit),
            (QLabel(_("At least visits"), self), self.min_visits_spin),
            (QLabel(_("Visited within"), self), self.within_spin),
            (QLabel(_("Acquisition channel"), self), self.channel_combo),
        ]
        for label, widget in self._custom_rows:
            target.addRow(label, widget)
        target.addRow(self._error("filter"))
        outer.addWidget(self.target_box)

        # template
        tbox = QGroupBox(_("Message template"), self)
        tl = QVBoxLayout(tbox)
        self.template_edit = QPlainTextEdit(self)
        self.template_edit.setObjectName("template")
        self.template_edit.setTabChangesFocus(True)
        self.template_edit.setMinimumHeight(90)
        tl.addWidget(self.template_edit)
        fields_row = QHBoxLayout()
        fields_row.addWidget(QLabel(_("Insert:"), self))

        for key, meaning in TEMPLATE_FIELDS.items():
            b = QPushButton("{" + key + "}", self)
            b.setToolTip(_(meaning))
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(lambda _c=False, k=key: self._insert_field(k))
            fields_row.addWidget(b)
        fields_row.addStretch(1)
        tl.addLayout(fields_row)
        tl.addWidget(self._error("template"))
        self.preview_title = QLabel(_("Preview (sample guest):"), self)
        tl.addWidget(self.preview_title)
        self.preview = QLabel(self)
        self.preview.setObjectName("preview")
        self.preview.setWordWrap(True)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview.setStyleSheet(
            "QLabel#preview { border: 1px solid palette(mid); border-radius: 4px; padding: 6px; }"
        )
        tl.addWidget(self.preview)
        outer.addWidget(tbox, 1)

        self.general_error = self._error("campaign")
        outer.addWidget(self.general_error)
        outer.addWidget(self.make_button_box(_("Save")))

        self.kind_combo.currentIndexChanged.connect(self._on_kind)
        self.discount_combo.currentIndexChanged.connect(self._on_discount_type)
        self.days_radio.toggled.connect(self._on_validity_mode)
        self.template_edit.textChanged.connect(self._update_preview)
        for w in (self.percent_spin, self.amount_spin):
            w.valueChanged.connect(self._update_preview)
        self.item_edit.textChanged.connect(self._update_preview)
        self.days_spin.valueChanged.connect(self._update_preview)
        self.name_edit.textEdited.connect(lambda _t: self._show_errors(only="name"))

    def _with_error(self, inner, key: str) -> QWidget:
        box = QWidget(self)
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        if isinstance(inner, QWidget):
            lay.addWidget(inner)
        else:
            lay.addLayout(inner)
        lay.addWidget(self._error(key))
        return box

    # --- data ----------------------------------------------------------------------------------
    def _load(self, c: Campaign) -> None:
        self.holdout_box.load(self.ctx.db, c.id)
        self.name_edit.setText(c.name)
        self.name_edit.setReadOnly(self.builtin)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(c.kind)))
        self.kind_combo.setEnabled(not self.builtin)
        self.discount_combo.setCurrentIndex(max(0, self.discount_combo.findData(c.discount_type)))
        self.percent_spin.setValue(c.discount_value if c.discount_type == "percent" else 10)
        self.amount_spin.setValue(c.discount_value if c.discount_type == "amount" else 500)
        self.item_edit.setText(c.discount_item)
        today = dt.date.today()
        ranged = c.valid_until is not None
        self.range_radio.setChecked(ranged)
        self.days_radio.setChecked(not ranged)
        self.days_spin.setValue(c.valid_days or 30)
        start = c.valid_from or today
        until = c.valid_until or (today + dt.timedelta(days=30))
        self.from_edit.setDate(QDate(start.year, start.month, start.day))
        self.until_edit.setDate(QDate(until.year, until.month, until.day))
        self.cost_spin.setValue(c.cost_per_piece)
        self.active_check.setChecked(c.active)
        self.winback_spin.setValue(c.winback_days)
        f = c.filter or {}
        self.tags_edit.setText(", ".join(f.get("tags", [])))
        self.likes_edit.setText(", ".join(f.get("preferences", [])))
        self.min_visits_spin.setValue(int(f.get("min_visits") or 0))
        self.within_spin.setValue(int(f.get("last_visit_within_days") or 0))
        idx = self.channel_combo.findData(f.get("channel", ""))
        self.channel_combo.setCurrentIndex(max(0, idx))
        self._extra_filter = {
            k: v
            for k, v in f.items()
            if k not in ("tags", "preferences", "min_visits", "last_visit_within_days", "channel")
        }
        self.template_edit.setPlainText(c.template)
        self._loading = False
        self._on_kind()
        self._on_discount_type()
        self._on_validity_mode()
        self._update_preview()

    def to_campaign(self) -> Campaign:
        """The campaign as the form says now (not validated)."""
        dtype = self.discount_combo.currentData()
        value = {"percent": self.percent_spin.value(), "amount": self.amount_spin.value()}.get(
            dtype, 0
        )
        ranged = self.range_radio.isChecked()
        f: dict = dict(self._extra_filter)
        kind = self.kind_combo.currentData()
        if kind == "custom":
            if _split(self.tags_edit.text()):
                f["tags"] = _split(self.tags_edit.text())
            if _split(self.likes_edit.text()):
                f["preferences"] = _split(self.likes_edit.text())
            if self.min_visits_spin.value():
                f["min_visits"] = self.min_visits_spin.value()
            if self.within_spin.value():
                f["last_visit_within_days"] = self.within_spin.value()
            if self.channel_combo.currentData():
                f["channel"] = self.channel_combo.currentData()
        base = self.original or Campaign(name="", kind=kind)
        return replace(
            base,
            name=self.name_edit.text().strip(),
            kind=kind,
            discount_type=dtype,
            discount_value=value,
            discount_item=self.item_edit.text().strip() if dtype == "item" else "",
            valid_days=None if ranged else self.days_spin.value(),
            # The stubs type QDate.toPython() as object; it gives a date.
            valid_from=cast(dt.date, self.from_edit.date().toPython()) if ranged else None,
            valid_until=cast(dt.date, self.until_edit.date().toPython()) if ranged else None,
            template=self.template_edit.toPlainText(),
            cost_per_piece=self.cost_spin.value(),
            winback_days=self.winback_spin.value() if kind == "winback" else base.winback_days,
            filter=f,
            active=self.active_check.isChecked(),
        )

    # --- reactions -----------------------------------------------------------------------------
    def _on_kind(self) -> None:
        kind = self.kind_combo.currentData()
        self.kind_hint.setText(_(KIND_HINTS[kind]))
        self.days_radio.setText(
            _("Days from the 1st of the birthday month")
            if kind == "birthday"
            else _("Days from issue")
        )
        self.winback_label.setVisible(kind == "winback")
        winback_box = self.winback_spin.parentWidget()
        assert winback_box is not None  # _with_error put the spin box in a row of its own
        winback_box.setVisible(kind == "winback")
        for label, widget in self._custom_rows:
            label.setVisible(kind == "custom")
            widget.setVisible(kind == "custom")
        self.target_box.setVisible(kind in ("winback", "custom"))

    def _on_discount_type(self) -> None:
        self.discount_stack.setCurrentIndex(self.discount_combo.currentIndex())
        self._update_preview()

    def _on_validity_mode(self) -> None:
        ranged = self.range_radio.isChecked()
        self.days_spin.setEnabled(not ranged)
        self.from_edit.setEnabled(ranged)
        self.until_edit.setEnabled(ranged)

    def _insert_field(self, key: str) -> None:
        self.template_edit.insertPlainText("{" + key + "}")
        self.template_edit.setFocus()

    def _update_preview(self) -> None:
        if self._loading:
            return
        c = self.to_campaign()
        guest = Customer(name=_("Taro Yamada"))
        start = dt.date.today()
        if c.kind == "birthday":  # birthday coupons start on the 1st of the birthday month
            start = (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        first, last = validity(c, start)
        coupon = Coupon(
            code="K7QM-4XRT", campaign_id=0, customer_id=0, valid_from=first, valid_until=last
        )
        try:
            text = render_message(
                c.template,
                guest,
                coupon,
                settings.get_all(self.ctx.db),
                favourite=_("junmai ginjo sake"),
                campaign=c,
            )
        except CampaignError as exc:
            self._set_error("template", exc.message)
            self.preview.setText("")
            return
        self._set_error("template", "")
        self.preview.setText(text or "—")

    def _set_error(self, key: str, message: str) -> None:
        self.errors[key].show_message(message)
        target = {
            "name": self.name_edit,
            "template": self.template_edit,
            "cost_per_piece": self.cost_spin,
            "winback_days": self.winback_spin,
            "validity": self.days_spin if self.days_radio.isChecked() else self.until_edit,
            "discount": self.discount_stack.currentWidget(),
        }.get(key)
        if target is not None:
            mark_invalid(target, message)

    def _show_errors(self, only: str | None = None) -> list:
        errs = campaign_errors(self.to_campaign(), settings.get(self.ctx.db, "shop_name"))
        by_field: dict[str, str] = {}
        for e in errs:
            by_field.setdefault(e.field, e.message)
        for key in self.errors:
            if only is None or key == only:
                self._set_error(key, by_field.get(key, ""))
        return errs

    def on_accept(self) -> None:
        errs = self._show_errors()
        if errs:
            key = errs[0].field
            widget = {"name": self.name_edit, "template": self.template_edit}.get(key)
            if widget is not None:
                widget.setFocus()
            return
        c = self.to_campaign()
        try:
            with self.ctx.db.atomic():  # the campaign and its comparison group, together
                if c.id is None:
                    self.campaign = campaign_records.create(self.ctx.db, c)
                else:
                    self.campaign = campaign_records.update(self.ctx.db, c)
                assert self.campaign.id is not None  # stored: it has its id
                self.holdout_box.save(self.ctx.db, self.campaign.id)
        except CampaignError as exc:
            self._set_error(exc.field if exc.field in self.errors else "campaign", exc.message)
            return
        self.ctx.changed.emit(Changes(campaigns=True))  # the Coupons and Print pages list it
        self.accept()


def _default_template() -> str:
    return _("Dear {name},\nthank you for your visits. Your {favourite} is waiting for you.")
