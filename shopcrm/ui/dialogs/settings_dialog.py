"""``SettingsDialog``: the shop's settings (details, language, figures, printing, owner lock,
e-mail: the SMTP server, with its password in the OS keychain and a "send a test mail" button).

The form is built from the declared settings (``store.settings.SETTINGS``): each key below gets the
input its type calls for, labelled with the setting's own translated label, and is read and written
only through ``store.settings``. Phone and postal code are checked by the domain rules and the
message is shown under the field before anything is saved. Saving writes every value in one
transaction, then announces ``settings_changed`` (and ``language_changed`` when the language moved,
which makes the main window re-translate itself).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from shopcrm import i18n
from shopcrm.domain import rules
from shopcrm.domain.changes import Changes
from shopcrm.domain.rules import format_phone, format_postal_code
from shopcrm.i18n import N_, _
from shopcrm.services.channels import email_run, keychain
from shopcrm.services.channels.errors import EmailError
from shopcrm.services.channels.smtp import SmtpConfig
from shopcrm.store import settings
from shopcrm.store.settings import SETTINGS
from shopcrm.ui.actions import open_menu_editor
from shopcrm.ui.dialogs.base import DialogBase
from shopcrm.ui.dialogs.pin_dialog import set_owner_pin
from shopcrm.ui.dialogs.setup_dialog import run_setup
from shopcrm.ui.operations import QueryOp
from shopcrm.ui.widgets.field_error import FieldError, mark_invalid

# (group title msgid, setting keys) in the order shown.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (N_("Shop"), ("shop_name", "shop_postal_code", "shop_address", "shop_building", "shop_phone")),
    (N_("Language"), ("language",)),
    (
        N_("Figures"),
        (
            "gross_margin_percent",
            "discount_rate_percent",
            "ltv_years",
            "regular_min_visits",
            "business_day_start_hour",
        ),
    ),
    (N_("Printing"), ("print_offset_x_mm", "print_offset_y_mm")),
    (N_("Owner mode"), ("owner_lock_minutes",)),
    (
        N_("E-mail"),
        (
            "smtp_host",
            "smtp_port",
            "smtp_security",
            "smtp_user",
            "email_sender_name",
            "email_sender_address",
            "email_reply_address",
            "email_per_minute",
        ),
    ),
)
# groups shown in the right-hand column (the dialog fits a 1366×768 screen)
RIGHT_COLUMN = (N_("E-mail"),)

SECURITY_LABELS = {
    "starttls": N_("STARTTLS (port 587)"),
    "ssl": N_("SSL/TLS (port 465)"),
    "none": N_("None (a relay on this computer only)"),
}

# Ranges, steps and units for the numeric settings: read from their declarations (one home).
NUMBER_SPECS: dict[str, tuple[float, float, float, str]] = {
    key: (
        spec.minimum if spec.minimum is not None else 0,
        spec.maximum if spec.maximum is not None else 1_000_000,
        spec.step,
        (spec.unit if spec.unit.startswith(":") else f" {spec.unit}") if spec.unit else "",
    )
    for key, spec in SETTINGS.items()
    if spec.type in (int, float)
}

# (stored value, label): endonyms, so each reads right whatever the current language is.
LANGUAGE_CHOICES = (("", N_("System language")), ("ja", "日本語"), ("en", "English"))

# Values the domain rules normalise (and reject with a message) before they are stored.
NORMALISERS = {key for key, spec in SETTINGS.items() if spec.normalise is not None}


def _display(key: str, value: str) -> str:
    """Stored digits shown the way people write them: 152-0004, 03-5722-0000."""
    if key == "shop_postal_code":
        return format_postal_code(value)
    if key == "shop_phone":
        return format_phone(value)
    return value


class SettingsDialog(DialogBase):
    owner_only = True  # closes when owner mode locks

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)

        self.setObjectName("settingsDialog")
        self.setWindowTitle(_("Settings"))
        self.values = settings.get_all(ctx.db)
        self.inputs: dict[str, QWidget] = {}
        self.errors: dict[str, FieldError] = {}

        layout = QVBoxLayout(self)
        columns = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout.addLayout(columns)
        self.test_task = None
        for title, keys in GROUPS:
            box = QGroupBox(_(title))
            form = QFormLayout(box)
            for key in keys:
                widget = self._input(key)
                self.inputs[key] = widget
                error = FieldError()
                self.errors[key] = error
                column = QVBoxLayout()
                column.setContentsMargins(0, 0, 0, 0)
                column.setSpacing(2)
                column.addWidget(widget)
                column.addWidget(error)
                form.addRow(_(settings.SETTINGS[key].label), column)
            if title == N_("Owner mode"):
                self.pin_button = QPushButton()
                self.pin_button.setObjectName("ownerPinButton")
                self.pin_button.clicked.connect(self.set_owner_pin)
                self._update_pin_button()
                row = QHBoxLayout()
                row.addWidget(self.pin_button)
                row.addStretch(1)
                form.addRow(row)
            if title == N_("Shop"):
                menu_button = QPushButton(_("Menu editor…"))
                menu_button.setObjectName("menuEditorButton")
                menu_button.setAccessibleName(_("Open the menu editor"))
                menu_button.clicked.connect(self.open_menu_editor)
                setup_button = QPushButton(_("First-run setup…"))
                setup_button.setObjectName("setupWizardButton")
                setup_button.setToolTip(
                    _("Shop details, business day, menu, owner PIN and customer list, step by step")
                )
                setup_button.clicked.connect(self.open_setup)
                row = QHBoxLayout()
                row.addWidget(menu_button)
                row.addWidget(setup_button)
                row.addStretch(1)
                form.addRow(row)
            if title == N_("E-mail"):
                self._email_rows(form)
            (right if title in RIGHT_COLUMN else left).addWidget(box)
        left.addStretch(1)
        right.addStretch(1)
        buttons = self.make_button_box(_("Save"))
        self.save_button = buttons.button(buttons.StandardButton.Ok)
        self.save_button.setObjectName("settingsSaveButton")
        layout.addWidget(buttons)

    def _input(self, key: str) -> QWidget:
        spec = SETTINGS[key]
        value = self.values[key]
        name = _(spec.label)
        widget: QWidget
        if key == "language":
            combo = QComboBox()
            for code, label in LANGUAGE_CHOICES:
                combo.addItem(_(label) if code == "" else label, code)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            widget = combo
        elif key == "smtp_security":
            combo = QComboBox()
            for code in spec.choices:
                combo.addItem(_(SECURITY_LABELS[code]), code)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            widget = combo
        elif spec.type is bool:
            check = QCheckBox()
            check.setChecked(bool(value))
            widget = check
        elif spec.type in (int, float):
            low, high, step, suffix = NUMBER_SPECS.get(key, (0, 1_000_000, 1, ""))
            spin: QSpinBox | QDoubleSpinBox
            if spec.type is int:
                spin = QSpinBox()
                spin.setRange(int(low), int(high))
                spin.setSingleStep(int(step))
                spin.setValue(int(value))
            else:
                spin = QDoubleSpinBox()
                spin.setDecimals(1)
                spin.setRange(low, high)
                spin.setSingleStep(step)
                spin.setValue(float(value))
            spin.setSuffix(suffix)
            widget = spin
        else:
            line = QLineEdit(_display(key, str(value)))
            line.setMinimumWidth(280)
            line.textEdited.connect(lambda _text, k=key: self._clear_error(k))
            widget = line
        widget.setObjectName(f"setting_{key}")
        widget.setAccessibleName(name)
        return widget

    # --- reading and saving -------------------------------------------------------------------
    def value(self, key: str):
        widget = self.inputs[key]
        if isinstance(widget, QComboBox):
            return widget.currentData()
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        if isinstance(widget, QSpinBox):
            return int(widget.value())
        if isinstance(widget, QDoubleSpinBox):
            return round(float(widget.value()), 1)
        assert isinstance(widget, QLineEdit)
        return widget.text().strip()

    def collect(self) -> tuple[dict, dict[str, str]]:
        """(values to store, {key: error message}); values normalised by the domain rules."""
        values, problems = {}, {}
        for key in self.inputs:
            value = self.value(key)
            if key in NORMALISERS:
                try:
                    value = SETTINGS[key].check(value)
                except rules.ValidationError as exc:
                    problems[key] = exc.message
                    continue
            values[key] = value
        return values, problems

    def on_accept(self) -> None:
        values, problems = self.collect()
        for key in self.inputs:
            self._show_error(key, problems.get(key, ""))
        if problems:
            self.inputs[next(iter(problems))].setFocus()
            return
        changed = {k: v for k, v in values.items() if v != self.values.get(k)}
        password = self.password_input.text()
        if password:  # the keychain, never the settings table
            try:
                keychain.set_password(values["smtp_user"], values["smtp_host"], password)
            except EmailError as exc:
                self.email_result.setText(str(exc))
                return
        if changed:
            settings.set_many(self.ctx.db, changed)
            self.ctx.changed.emit(Changes(settings=True))
        if "language" in changed:
            language = changed["language"] or i18n.system_language()
            self.accept()
            self.ctx.language_changed.emit(language)
            return
        self.accept()

    def _show_error(self, key: str, message: str) -> None:
        self.errors[key].show_message(message)
        mark_invalid(self.inputs[key], message)

    def _clear_error(self, key: str) -> None:
        self._show_error(key, "")

    def _update_pin_button(self) -> None:
        text = _("Change owner PIN…") if self.ctx.owner_pin_set() else _("Set owner PIN…")
        self.pin_button.setText(text)
        self.pin_button.setAccessibleName(text.rstrip("…"))

    def set_owner_pin(self) -> None:
        """Set, change or remove the owner PIN (the privacy area's dialog)."""
        set_owner_pin(self.ctx, self)
        self._update_pin_button()

    def open_menu_editor(self) -> None:
        open_menu_editor(self.ctx, self)

    def open_setup(self) -> None:
        """The setup wizard from the start; the settings close first (it writes them itself)."""
        parent = self.parentWidget()
        self.reject()
        run_setup(self.ctx, parent, start=0)

    # --- e-mail ---------------------------------------------------------------------------------
    def _email_rows(self, form: QFormLayout) -> None:
        """The password (kept in the OS keychain) and the test-mail button under the e-mail
        settings."""
        self.password_input = QLineEdit()
        self.password_input.setObjectName("smtpPassword")
        self.password_input.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_input.setAccessibleName(_("SMTP password"))
        self.password_input.setPlaceholderText(
            _("stored in the system keychain") if self._stored_password() else ""
        )
        form.insertRow(4, _("SMTP password"), self.password_input)
        self.test_button = QPushButton(_("Send a test mail to me"))
        self.test_button.setObjectName("emailTestButton")
        self.test_button.clicked.connect(self.send_test_mail)
        self.email_result = QLabel()
        self.email_result.setObjectName("emailTestResult")
        self.email_result.setWordWrap(True)
        self.email_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.test_button)
        form.addRow(self.email_result)

    def _stored_password(self) -> bool:
        user, host = self.values["smtp_user"], self.values["smtp_host"]
        try:
            return bool(user and host and keychain.get_password(user, host))
        except EmailError:
            return False

    def email_config(self) -> SmtpConfig:
        """The e-mail settings as typed (not yet saved), the password typed or stored."""
        values, problems = self.collect()
        for key in self.inputs:
            self._show_error(key, problems.get(key, ""))
        for key in ("email_sender_address", "email_reply_address"):
            if key in problems:
                raise EmailError("config", N_("Check the sender and reply addresses."))
        if not values["smtp_host"]:
            raise EmailError("config", N_("Enter the SMTP server in Settings → E-mail."))
        if not values["email_sender_address"]:
            raise EmailError("config", N_("Enter the sender address in Settings → E-mail."))
        user = values["smtp_user"]
        password = self.password_input.text()
        if user and not password:
            password = keychain.get_password(user, values["smtp_host"])
        return SmtpConfig(
            host=values["smtp_host"], port=values["smtp_port"],
            security=values["smtp_security"], user=user, password=password,
            sender_name=values["email_sender_name"] or values["shop_name"],
            sender_address=values["email_sender_address"],
            reply_address=values["email_reply_address"] or values["email_sender_address"],
            per_minute=values["email_per_minute"],
        )  # fmt: skip

    def send_test_mail(self) -> None:
        """Through the real SMTP path, in the background; says plainly what went wrong."""
        try:
            cfg = self.email_config()
        except EmailError as exc:
            self.email_result.setText(exc.message)
            return
        self.test_button.setEnabled(False)
        self.email_result.setText(_("Sending a test mail to {address}…").format(
            address=cfg.sender_address))  # fmt: skip
        lang = i18n.current_language()

        def work(_task):
            with i18n.using_language(lang):
                return email_run.send_test(cfg)

        def done(address) -> None:
            self.test_button.setEnabled(True)
            self.email_result.setText(
                _("Test mail sent to {address}. Check that it arrived.").format(address=address)
            )

        def failed(exc: BaseException) -> None:
            self.test_button.setEnabled(True)
            text = exc.message if isinstance(exc, EmailError) else str(exc)
            self.email_result.setText(_("The test mail was not sent: {reason}").format(
                reason=text))  # fmt: skip

        # work on the network only: no database connection for the worker
        op: QueryOp[str] = QueryOp.without_db(parent=self, op=work, success=done)
        self.test_task = op.failure(failed).run_in_background()
