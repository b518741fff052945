"""``CustomerDialog``: register a new guest or edit one.

Every problem is shown at its field (red border, message under it, in the user's language) as
soon as the field has been left, and all of them on a save attempt; nothing is saved while any
remains. The postal code fills prefecture, city and town offline (Japan Post data,
``store/address.py``); the birthday box
takes era input (S55.3.10) and shows the date it understood, its era and the age, as you type.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
import unicodedata
from collections.abc import Sequence
from typing import TypeVar

from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from shopcrm.domain.changes import Changes
from shopcrm.domain.dates import age_on, format_birthday, format_date, parse_birthday, to_era
from shopcrm.domain.models import PREFERENCE_LEVEL_LABELS, Customer
from shopcrm.domain.names import HONORIFIC_LABELS
from shopcrm.domain.rules import ValidationError, customer_errors
from shopcrm.fonts import unprintable_warning
from shopcrm.i18n import _, current_language
from shopcrm.store import address, customers, preferences
from shopcrm.store.db import atomic
from shopcrm.ui.dialogs.base import DialogBase
from shopcrm.ui.dialogs.channels_box import ChannelsBox
from shopcrm.ui.theme import LEVEL_MARKS
from shopcrm.ui.widgets.field_error import ERROR_COLOR, OK_COLOR, FieldError, mark_invalid

# The text fields of the form, in tab order: (key, label msgid, placeholder msgid).
_LEFT_FIELDS = ("name", "kana", "phone", "email", "line_id", "birthday", "channel", "tags", "code")
_RIGHT_FIELDS = ("postal_code", "prefecture", "city", "street", "building")
_TAG_SPLIT = re.compile(r"[,、，;；]+")
PREF_LEVELS = ("allergy", "love", "like", "dislike")  # allergies first: safety information
_W = TypeVar("_W", bound=QWidget)


def split_tags(text: str) -> tuple[str, ...]:
    """``"常連, 日本酒、 常連"`` -> ``("常連", "日本酒")``: trimmed, no empties, no repeats."""
    seen: dict[str, None] = {}
    for part in _TAG_SPLIT.split(text or ""):
        tag = part.strip()
        if tag:
            seen.setdefault(tag, None)
    return tuple(seen)


def postal_digits(text: str) -> str:
    """The digits of a typed postal code (``〒105-0011``, ``１０５００１１``) -> ``1050011``."""
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", text or ""))


def lookup_postal_code(code: str):
    """The Japan Post record for a 7-digit code, or ``None`` when the code is unknown."""
    return address.lookup(code)


class CustomerDialog(DialogBase):
    """New guest (``customer_id=None``) or edit one; ``saved_customer_id`` after a save."""

    def __init__(self, ctx, customer_id: int | None = None, parent=None, *, prefill=None):
        super().__init__(ctx, parent)
        self.setObjectName("customerDialog")
        self.customer_id = customer_id
        self.saved_customer_id: int | None = None
        self._original: Customer | None = None
        self._touched: set[str] = set()
        self._show_all = False
        self._auto_address: dict[str, str] = {}
        self._consent_at: dt.datetime | None = None
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, FieldError] = {}
        self._build()
        if customer_id is not None:
            self._load(customer_id)
            self._load_preferences(customer_id)
        elif prefill:
            for key, value in prefill.items():
                field = self.fields.get(key)
                if isinstance(field, QLineEdit):
                    field.setText(value)
        self.setWindowTitle(_("Edit customer") if customer_id else _("New customer"))
        self.fields["name"].setFocus()
        self._fit_hints()

    # --- building the form ---------------------------------------------------------------------
    def _build(self) -> None:
        labels = {
            "name": _("Name") + " *",
            "kana": _("Reading (kana)"),
            "phone": _("Phone"),
            "email": _("Email"),
            "line_id": _("LINE ID"),
            "birthday": _("Birthday"),
            "channel": _("Acquisition channel"),
            "tags": _("Tags"),
            "code": _("Membership code"),
            "postal_code": _("Postal code"),
            "prefecture": _("Prefecture"),
            "city": _("City"),
            "street": _("Street"),
            "building": _("Building"),
            "notes": _("Notes"),
        }
        placeholders = {
            "name": _("e.g. Yamada Taro"),
            "kana": _("e.g. やまだ たろう"),
            "phone": _("e.g. 090-1234-5678"),
            "email": _("e.g. taro@example.jp"),
            "birthday": _("e.g. 1980-03-10, S55.3.10 or 3/10"),
            "tags": _("comma-separated, e.g. regular, sake"),
            "postal_code": _("7 digits, e.g. 105-0011"),
            "street": _("town and block, e.g. 芝公園4-2-8"),
        }
        for key in (*_LEFT_FIELDS, *_RIGHT_FIELDS):
            if key == "channel":
                combo = QComboBox(self)
                combo.addItem(_("(none)"), None)
                for channel in customers.list_channels(self.ctx.db):
                    if channel.active:
                        combo.addItem(channel.name, channel.id)
                widget: QWidget = combo
            else:
                edit = QLineEdit(self)
                edit.setPlaceholderText(placeholders.get(key, ""))
                edit.textChanged.connect(lambda _t, k=key: self._on_changed(k))
                edit.editingFinished.connect(lambda k=key: self._on_left(k))
                widget = edit
            widget.setObjectName(f"customer_{key}")
            widget.setAccessibleName(labels[key].removesuffix(" *"))
            self.fields[key] = widget
            self.errors[key] = FieldError(self)
        self._line("postal_code").setMaxLength(10)
        notes = QPlainTextEdit(self)
        notes.setObjectName("customer_notes")
        notes.setAccessibleName(labels["notes"])
        notes.setTabChangesFocus(True)
        notes.setFixedHeight(70)
        self.fields["notes"] = notes

        self.birthday_info = QLabel(self)
        self.birthday_info.setObjectName("birthdayInfo")
        self.birthday_info.setStyleSheet(f"color: {OK_COLOR};")
        self.postal_info = FieldError(self)
        self.postal_info.setObjectName("postalInfo")
        self.dm_consent = QCheckBox(_("Agrees to receive direct mail (DM)"), self)
        self.dm_consent.setObjectName("customer_dm_consent")
        self.dm_consent.setAccessibleName(_("DM consent"))
        self.dm_consent.toggled.connect(self._on_consent)
        self.consent_how = QComboBox(self)
        self.consent_how.setObjectName("customer_dm_consent_channel")
        self.consent_how.setAccessibleName(_("How consent was given"))
        self.consent_how.setEditable(True)
        self.consent_how.addItems(["", _("Paper form"), _("In person"), _("LINE"), _("Website")])
        self.consent_how.setToolTip(_("How consent was given"))
        consent_edit = self.consent_how.lineEdit()
        assert consent_edit is not None  # an editable combo box has its line edit
        consent_edit.setPlaceholderText(_("How consent was given"))
        self.consent_how.setEnabled(False)
        self.consent_info = QLabel(self)
        self.do_not_mail = QCheckBox(_("Do not mail (asked us not to send anything)"), self)
        self.do_not_mail.setObjectName("customer_do_not_mail")
        self.do_not_mail.setAccessibleName(_("Do not mail"))
        self.dm_language = QComboBox(self)  # the language of the guest's DMs
        self.dm_language.setObjectName("customer_language")
        self.dm_language.setAccessibleName(_("DM language"))
        self.dm_language.setToolTip(_("The language the guest's postcards and letters print in."))
        for label, code in ((_("Shop's language"), ""), ("日本語", "ja"), ("English", "en")):
            self.dm_language.addItem(label, code)
        self.phone_notice = FieldError(self)
        self.phone_notice.setObjectName("phoneNotice")
        # Characters no bundled font has (they would print as a box): a warning, not an error.
        self.glyph_notice = FieldError(self)
        self.glyph_notice.setObjectName("glyphNotice")

        self.honorific = QComboBox(self)
        self.honorific.setObjectName("customer_honorific")
        self.honorific.setAccessibleName(_("Honorific"))
        for value, label in HONORIFIC_LABELS.items():
            self.honorific.addItem(_(label), value)
        self.general_error = FieldError(self)

        left, right = QFormLayout(), QFormLayout()
        for form in (left, right):
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        extras: dict[str, Sequence[QWidget]] = {
            "birthday": [self.birthday_info],
            "phone": [self.phone_notice],
            "name": [self.glyph_notice],
        }
        for key in _LEFT_FIELDS:
            self._add_row(left, labels[key], key, extras.get(key, []))
        for key in _RIGHT_FIELDS:
            extra = [self.postal_info] if key == "postal_code" else []
            self._add_row(right, labels[key], key, extra)
        right.addRow(QLabel(_("Direct mail"), self), self.dm_consent)
        consent_row = QHBoxLayout()
        consent_row.setContentsMargins(0, 0, 0, 0)
        consent_row.addWidget(self.consent_how, 1)
        consent_row.addWidget(self.consent_info, 1)
        right.addRow("", consent_row)
        right.addRow("", self.do_not_mail)
        right.addRow(_("DM language"), self.dm_language)
        honorific_label = QLabel(_("Honorific"), self)
        honorific_label.setBuddy(self.honorific)
        right.addRow(honorific_label, self.honorific)
        self._build_preferences(right)
        notes_label = QLabel(labels["notes"], self)
        notes_label.setBuddy(notes)
        right.addRow(notes_label, notes)

        self.channels = ChannelsBox(self.ctx.db, self.customer_id, self)
        left.addRow(self.channels)
        self.channels.follow_post(self.dm_consent, self.consent_how, lambda: self._consent_at)

        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addSpacing(16)
        columns.addLayout(right, 1)
        self.buttons = self.make_button_box(_("Save"))
        self.save_button = self.buttons.button(self.buttons.StandardButton.Ok)
        self.save_button.setObjectName("customerSaveButton")
        outer = QVBoxLayout(self)
        outer.addLayout(columns)
        outer.addWidget(self.general_error)
        outer.addWidget(self.buttons)

        order = [self.fields[k] for k in _LEFT_FIELDS] + [self.fields[k] for k in _RIGHT_FIELDS]
        order += [self.dm_consent, self.consent_how, self.do_not_mail, self.dm_language,
                  self.honorific]  # fmt: skip
        order += [self.pref_fields[level] for level in PREF_LEVELS]
        order += [notes, self.save_button]
        order.append(self.buttons.button(self.buttons.StandardButton.Cancel))
        for first, second in itertools.pairwise(order):
            self.setTabOrder(first, second)
        self._line("postal_code").textChanged.connect(self._on_postal_code)
        self._line("birthday").textChanged.connect(self._update_birthday_info)
        for key in ("name", "prefecture", "city", "street", "building"):
            self._line(key).textChanged.connect(self._update_glyph_notice)

    def _field(self, key: str, kind: type[_W]) -> _W:
        """``fields[key]`` as the kind of widget ``_build`` made for it."""
        widget = self.fields[key]
        assert isinstance(widget, kind), (key, type(widget))
        return widget

    def _line(self, key: str) -> QLineEdit:
        """The text box of ``key`` (every field but the channel and the notes)."""
        return self._field(key, QLineEdit)

    def _fit_hints(self) -> None:
        """Wide enough that no field cuts its hint (e.g. 1980-03-10, S55.3.10 or 3/10), within
        the screen: the first open used to be too narrow for them."""
        for field in [*self.fields.values(), *self.pref_fields.values()]:
            if isinstance(field, QLineEdit) and field.placeholderText():
                needed = field.fontMetrics().horizontalAdvance(field.placeholderText()) + 24
                field.setMinimumWidth(min(needed, 360))
        consent_edit = self.consent_how.lineEdit()
        assert consent_edit is not None  # an editable combo box has its line edit
        how = consent_edit.placeholderText()
        self.consent_how.setMinimumWidth(self.consent_how.fontMetrics().horizontalAdvance(how) + 48)
        size = self.sizeHint()
        screen = self.screen() or QApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            size = size.boundedTo(area.size() * 0.95)
        self.resize(size)

    def _build_preferences(self, form: QFormLayout) -> None:
        """Allergies first (safety), then loves, likes and dislikes, comma-separated: what is
        typed here is in the red banner and the chips as soon as the guest is saved."""
        placeholders = {
            "allergy": _("e.g. えび、そば (comma-separated)"),
            "love": _("e.g. 獺祭"),
            "like": _("e.g. 生ビール、枝豆"),
            "dislike": _("e.g. パクチー"),
        }
        heading = QLabel(_("Allergies and preferences"), self)
        heading.setObjectName("customerPrefsHeading")
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        form.addRow(heading)
        self.pref_fields: dict[str, QLineEdit] = {}
        for level in PREF_LEVELS:
            edit = QLineEdit(self)
            edit.setObjectName(f"customer_pref_{level}")
            edit.setPlaceholderText(placeholders[level])
            name = _(PREFERENCE_LEVEL_LABELS[level])
            edit.setAccessibleName(name)
            label = QLabel(name, self)
            label.setBuddy(edit)
            if level == "allergy":
                label.setText(LEVEL_MARKS["allergy"] + " " + _("Allergies"))
                label.setStyleSheet(f"color: {ERROR_COLOR}; font-weight: bold;")
                edit.setToolTip(
                    _("Shown in red whenever the guest is open or a visit is recorded.")
                )
            else:
                label.setText(f"{LEVEL_MARKS[level]} {name}")
            form.addRow(label, edit)
            self.pref_fields[level] = edit

    def _load_preferences(self, customer_id: int) -> None:
        by_level: dict[str, list[str]] = {}
        for p in preferences.for_customer(self.ctx.db, customer_id):
            by_level.setdefault(p.level, []).append(p.label)
        for level, field in self.pref_fields.items():
            field.setText("、".join(by_level.get(level, [])))

    def _add_row(self, form: QFormLayout, label: str, key: str, extra: Sequence[QWidget]) -> None:
        box = QWidget(self)
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(1)
        lay.addWidget(self.fields[key])
        for widget in extra:
            lay.addWidget(widget)
        lay.addWidget(self.errors[key])
        text = QLabel(label, self)
        text.setBuddy(self.fields[key])
        form.addRow(text, box)

    # --- loading and reading the form ----------------------------------------------------------
    def _load(self, customer_id: int) -> None:
        c = customers.get(self.ctx.db, customer_id)
        self._original = c
        for key in ("name", "kana", "phone", "email", "line_id", "street", "building", "city"):
            self._line(key).setText(getattr(c, key) or "")
        self._line("prefecture").setText(c.prefecture)
        self._line("code").setText(c.code or "")
        self._line("tags").setText(", ".join(c.tags))
        self._field("notes", QPlainTextEdit).setPlainText(c.notes)
        if c.has_birthday:
            year = f"{c.birth_year:04d}-" if c.birth_year else ""
            self._line("birthday").setText(f"{year}{c.birth_month:02d}-{c.birth_day:02d}")
        combo = self._field("channel", QComboBox)
        index = combo.findData(c.channel_id)
        if index < 0 and c.channel_id is not None:  # an inactive channel still shows
            combo.addItem(c.channel, c.channel_id)
            index = combo.count() - 1
        combo.setCurrentIndex(max(index, 0))
        self._consent_at = c.dm_consent_at
        self.dm_consent.setChecked(c.dm_consent)
        self.consent_how.setCurrentText(c.dm_consent_channel)
        self.do_not_mail.setChecked(c.do_not_mail)
        self.dm_language.setCurrentIndex(max(self.dm_language.findData(c.language), 0))
        self.honorific.setCurrentIndex(max(self.honorific.findData(c.honorific), 0))
        # Setting the postal code must not overwrite the stored address.
        self._auto_address = {}
        self.fields["postal_code"].blockSignals(True)
        self._line("postal_code").setText(c.postal_code)
        self.fields["postal_code"].blockSignals(False)
        self._update_birthday_info()

    def _update_glyph_notice(self) -> None:
        self.glyph_notice.show_message(unprintable_warning(self.customer()) or "")

    def text(self, key: str) -> str:
        widget = self.fields[key]
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText().strip()
        return self._line(key).text().strip()

    def _birthday(self):
        """(Birthday or None, ValidationError or None) for the birthday box."""
        raw = self.text("birthday")
        if not raw:
            return None, None
        try:
            return parse_birthday(raw), None
        except ValidationError as err:
            return None, err

    def customer(self) -> Customer:
        """The form as a ``Customer`` (not yet normalised; the store normalises on save)."""
        birthday, _err = self._birthday()
        base = self._original or Customer(name="")
        consent = self.dm_consent.isChecked()
        channel = self._field("channel", QComboBox)
        return dataclasses.replace(
            base,
            name=self.text("name"),
            kana=self.text("kana"),
            phone=self.text("phone"),
            email=self.text("email"),
            line_id=self.text("line_id"),
            code=self.text("code") or None,
            postal_code=postal_digits(self.text("postal_code")) or self.text("postal_code"),
            prefecture=self.text("prefecture"),
            city=self.text("city"),
            street=self.text("street"),
            building=self.text("building"),
            birth_year=birthday.year if birthday else None,
            birth_month=birthday.month if birthday else None,
            birth_day=birthday.day if birthday else None,
            channel_id=channel.currentData(),
            channel=channel.currentText() if channel.currentIndex() else "",
            tags=split_tags(self.text("tags")),
            notes=self.text("notes"),
            dm_consent=consent,
            dm_consent_at=self._consent_at if consent else None,
            dm_consent_channel=self.consent_how.currentText().strip() if consent else "",
            do_not_mail=self.do_not_mail.isChecked(),
            language=self.dm_language.currentData() or "",
            honorific=self.honorific.currentData() or "",
        )

    # --- validation ----------------------------------------------------------------------------
    def validation_errors(self) -> dict[str, ValidationError]:
        """Every problem of the form, first one per field."""
        found: dict[str, ValidationError] = {}
        _bd, bd_error = self._birthday()
        if bd_error is not None:
            found["birthday"] = bd_error
        for err in customer_errors(self.customer()):
            found.setdefault(err.field, err)
        return found

    def _refresh_errors(self, extra: dict[str, ValidationError] | None = None) -> dict:
        found = self.validation_errors()
        err: ValidationError | None
        for key, err in (extra or {}).items():
            found.setdefault(key, err)
        shown = set(self.errors) if self._show_all else self._touched
        for key, label in self.errors.items():
            err = found.get(key) if key in shown or (extra and key in extra) else None
            label.show_message(err.message if err else "")
            mark_invalid(self.fields[key], err.message if err else "")
        unplaced = [e for k, e in found.items() if k not in self.errors]
        self.general_error.show_message(
            "\n".join(str(e) for e in unplaced) if self._show_all else ""
        )
        return found

    def _on_changed(self, key: str) -> None:
        if key in self._touched or self._show_all:
            self._refresh_errors()

    def _on_left(self, key: str) -> None:
        if self.text(key):
            self._touched.add(key)
        found = self._refresh_errors()
        if key == "phone" and "phone" not in found:
            self._check_phone_in_use()

    def _check_phone_in_use(self) -> None:
        """Warn (without blocking) when the phone number already belongs to another guest."""
        others = [
            c
            for c in customers.find_by_phone(self.ctx.db, self.text("phone"))
            if c.id != self.customer_id
        ]
        self.phone_notice.show_message(
            _("Already registered with this number: {names}").format(
                names="、".join(c.name for c in others[:3])
            )
            if others
            else ""
        )

    # --- live helpers --------------------------------------------------------------------------
    def _on_postal_code(self, text: str) -> None:
        digits = postal_digits(text)
        if len(digits) != 7:
            self.postal_info.clear_message()
            return
        record = lookup_postal_code(digits)
        if record is None:
            self.postal_info.show_message(
                _("No address is known for postal code {code}: type the address.").format(
                    code=f"{digits[:3]}-{digits[3:]}"
                )
            )
            return
        found = {
            "prefecture": record.prefecture,
            "city": record.city,
            "street": record.neighborhood or "",
        }
        for key, value in found.items():
            current = self.text(key)
            # Fill empty fields and ones we filled before; never overwrite what the user typed.
            if not current or current == self._auto_address.get(key):
                self._line(key).setText(value)
        self._auto_address = found
        self.postal_info.show_message(
            _("Address filled in: {address}").format(
                address=f"{record.prefecture}{record.city}{record.neighborhood or ''}"
            ),
            ok=True,
        )

    def _update_birthday_info(self) -> None:
        birthday, _err = self._birthday()
        if birthday is None:
            self.birthday_info.setText("")
            self.birthday_info.setVisible(False)
            return
        if birthday.year:
            born = dt.date(birthday.year, birthday.month, birthday.day)
            age = age_on(birthday.year, birthday.month, birthday.day, dt.date.today())
            parts = [format_date(born)]
            era = to_era(born)
            if current_language() == "ja" or not self.text("birthday")[:1].isdigit():
                parts.append(era)
            parts.append(_("age {age}").format(age=age))
            text = " · ".join(parts)
        else:
            text = _("{birthday} (year unknown)").format(birthday=format_birthday(birthday))
        self.birthday_info.setText(text)
        self.birthday_info.setVisible(True)

    def _on_consent(self, checked: bool) -> None:
        self.consent_how.setEnabled(checked)
        if checked and self._consent_at is None:
            self._consent_at = dt.datetime.now().replace(microsecond=0)
        if checked and self._consent_at:
            self.consent_info.setText(
                _("Consent recorded on {date}").format(date=self._consent_at.date().isoformat())
            )
        else:
            self.consent_info.setText("")
        if not checked:
            self._consent_at = None

    # --- saving --------------------------------------------------------------------------------
    def on_accept(self) -> None:
        self._show_all = True
        found = self._refresh_errors()
        if found:
            self._focus_first_error(found)
            return
        c = self.customer()
        wanted = {k: list(v) for k, v in self.preferences_wanted().items()}
        email_changed = c.email != (self._original.email if self._original else "")

        def save():
            with atomic(self.ctx.db):  # the guest and their allergies: both saved, or neither
                saved = (
                    customers.update(self.ctx.db, c)
                    if self.customer_id is not None
                    else customers.create(self.ctx.db, c)
                )
                preferences.set_levels(self.ctx.db, saved.id, wanted)
                self.channels.save(saved.id, email_changed)
            return saved

        try:
            saved = self.save_with_retry(save)
        except ValidationError as err:  # e.g. a membership code already in use
            self._refresh_errors({err.field: err})
            self._focus_first_error({err.field: err})
            return
        if saved is None:  # not saved (disk full, read-only ...): the dialog keeps the input
            return
        self.saved_customer_id = saved.id
        self.ctx.changed.emit(Changes(customers=True))
        self.accept()

    def preferences_wanted(self) -> dict[str, tuple[str, ...]]:
        """{level: labels} as typed in the allergy / love / like / dislike lines."""
        return {level: split_tags(field.text()) for level, field in self.pref_fields.items()}

    def _focus_first_error(self, found: dict) -> None:
        for key in (*_LEFT_FIELDS, *_RIGHT_FIELDS):
            if key in found:
                self.fields[key].setFocus()
                return
