"""``SetupWizard``: a new shop's first-run setup, in the user's language, in a few minutes.

Steps (``services.setup.STEPS``): welcome, the shop (name, postal code that fills the address,
address, building, phone: all printed on every piece), the business-day cut-off hour, a menu (a
template for an izakaya, a café or a salon, a list from a CSV/Excel file, or none yet), the owner
PIN (or not now) and the existing customer list (the import wizard). Each step is saved when the
user moves on, so a wizard closed half-way opens at that step next time; "Skip setup" ends it on
purpose. It is offered on the first start of a shop database and stays reachable from Tools and
the settings.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from shopcrm.domain import rules
from shopcrm.domain.changes import Changes
from shopcrm.domain.rules import ValidationError, format_phone, format_postal_code
from shopcrm.i18n import _, ngettext, pgettext
from shopcrm.services import auth, setup
from shopcrm.services.setup import CUTOFF_SETTING
from shopcrm.services.transfer import ImportFileError
from shopcrm.store import customers, menu, settings
from shopcrm.ui.dialogs import data_dialogs
from shopcrm.ui.dialogs.customer_dialog import lookup_postal_code, postal_digits
from shopcrm.ui.widgets.field_error import FieldError, mark_invalid


def _label(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class _Page(QWizardPage):
    """A step; ``save()`` writes what it asked for and returns False (staying) on bad input."""

    step = ""

    def __init__(self, wizard: SetupWizard):
        super().__init__(wizard)
        self.ctx = wizard.ctx
        self.setObjectName(f"setupPage_{self.step}")

    def save(self) -> bool:
        return True

    def validatePage(self) -> bool:
        if not self.save():
            return False
        setup.save_step(self.ctx.db, setup.STEPS.index(self.step) + 1)
        return True


class WelcomePage(_Page):
    step = "welcome"

    def __init__(self, wizard):
        super().__init__(wizard)
        self.setTitle(_("Welcome to shopcrm"))
        self.setSubTitle(_("A few questions to set up your shop. It takes about five minutes."))
        lay = QVBoxLayout(self)
        lay.addWidget(
            _label(
                _(
                    "shopcrm will ask for:\n"
                    "• your shop's name, address and phone (printed on every card and letter)\n"
                    "• the hour your business day ends (a bill after midnight counts for the"
                    " evening)\n"
                    "• your menu (start from a template or a list you already have)\n"
                    "• an owner PIN that keeps revenue figures and exports from staff\n"
                    "• your existing customer list, if you have one (Excel or CSV)"
                ),
                self,
            )
        )
        lay.addWidget(
            _label(
                _(
                    "Every step can be changed later in Tools › Settings. If you stop half-way,"
                    " setup continues where you left off the next time shopcrm starts."
                ),
                self,
            )
        )
        self.skip_button = QPushButton(_("Skip setup (use the settings later)"), self)
        self.skip_button.setObjectName("setupSkipButton")
        self.skip_button.clicked.connect(wizard.skip)
        row = QHBoxLayout()
        row.addWidget(self.skip_button)
        row.addStretch(1)
        lay.addStretch(1)
        lay.addLayout(row)


class ShopPage(_Page):
    step = "shop"
    KEYS = ("shop_name", "shop_postal_code", "shop_address", "shop_building", "shop_phone")

    def __init__(self, wizard):
        super().__init__(wizard)

        self.setTitle(_("Your shop"))
        self.setSubTitle(
            _("Printed on postcards, letters and coupons, and shown in the window title.")
        )
        values = settings.get_all(self.ctx.db)
        labels = {
            "shop_name": _("Shop name"),
            "shop_postal_code": _("Postal code"),
            "shop_address": _("Address"),
            "shop_building": _("Building, floor"),
            "shop_phone": _("Phone"),
        }
        hints = {
            "shop_name": _("e.g. 居酒屋 たぬき"),
            "shop_postal_code": _("7 digits, e.g. 105-0011: fills the address"),
            "shop_address": _("e.g. 東京都港区芝公園4-2-8"),
            "shop_building": _("e.g. たぬきビル1階 (optional)"),
            "shop_phone": _("As you write it, e.g. 03-5722-0000"),
        }
        shown = {
            "shop_postal_code": format_postal_code(values["shop_postal_code"]),
            "shop_phone": format_phone(values["shop_phone"]),
        }
        form = QFormLayout(self)
        self.fields: dict[str, QLineEdit] = {}
        self.errors: dict[str, FieldError] = {}
        for key in self.KEYS:
            field = QLineEdit(shown.get(key, values[key]), self)
            field.setObjectName(f"setup_{key}")
            field.setPlaceholderText(hints[key])
            field.setAccessibleName(labels[key])
            field.setMinimumWidth(320)
            error = FieldError(self)
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(field)
            column.addWidget(error)
            form.addRow(labels[key], column)
            self.fields[key] = field
            self.errors[key] = error
            field.textEdited.connect(lambda _t, k=key: self._show(k, ""))
        self.fields["shop_postal_code"].textChanged.connect(self._on_postal_code)
        # Next needs a name (not registerField("name*"): Qt would also refuse a name that was
        # already filled in, since it counts only a changed value as entered).
        self.fields["shop_name"].textChanged.connect(self.completeChanged)
        self._auto_address = ""

    def isComplete(self) -> bool:
        return bool(self.fields["shop_name"].text().strip())

    def _show(self, key: str, message: str) -> None:
        self.errors[key].show_message(message)
        mark_invalid(self.fields[key], message)

    def _on_postal_code(self, text: str) -> None:
        digits = postal_digits(text)
        if len(digits) != 7:
            return
        record = lookup_postal_code(digits)
        if record is None:
            return
        found = f"{record.prefecture}{record.city}{record.neighborhood or ''}"
        current = self.fields["shop_address"].text().strip()
        if not current or current == self._auto_address:  # never overwrite what was typed
            self.fields["shop_address"].setText(found)
            self._auto_address = found

    def save(self) -> bool:
        values = {key: self.fields[key].text().strip() for key in self.KEYS}
        problems = {}
        for key, check in (
            ("shop_postal_code", rules.normalize_postal_code),
            ("shop_phone", rules.written_phone),
        ):
            try:
                values[key] = check(values[key])
            except rules.ValidationError as err:
                problems[key] = err.message
        if not values["shop_name"]:
            problems["shop_name"] = _("Enter the shop's name.")
        for key in self.KEYS:
            self._show(key, problems.get(key, ""))
        if problems:
            self.fields[next(k for k in self.KEYS if k in problems)].setFocus()
            return False
        settings.set_many(self.ctx.db, values)
        self.ctx.changed.emit(Changes(settings=True))
        return True


class BusinessDayPage(_Page):
    step = "business_day"

    def __init__(self, wizard):
        super().__init__(wizard)

        self.setTitle(_("When does your business day end?"))
        self.setSubTitle(
            _(
                "Visits before this hour count for the day before: a bill at 00:30 belongs to the"
                " evening it started."
            )
        )
        self.hour = QSpinBox(self)
        self.hour.setObjectName("setupCutoffHour")
        self.hour.setRange(0, 11)
        self.hour.setSuffix(":00")
        self.hour.setValue(int(settings.get(self.ctx.db, CUTOFF_SETTING)))
        self.hour.setAccessibleName(_("Business day ends at"))
        form = QFormLayout(self)
        form.addRow(_("Business day ends at"), self.hour)
        form.addRow(
            "",
            _label(
                _("Most izakaya and bars: 5:00. A café or salon closing by midnight: 0:00."), self
            ),
        )

    def save(self) -> bool:
        settings.set(self.ctx.db, CUTOFF_SETTING, int(self.hour.value()))
        self.ctx.changed.emit(Changes(settings=True))
        return True


class MenuPage(_Page):
    step = "menu"

    def __init__(self, wizard):
        super().__init__(wizard)

        self.setTitle(_("Your menu"))
        self.setSubTitle(
            _(
                "Staff tick what was ordered when they record a visit. Change it any time in"
                " Tools › Menu editor."
            )
        )
        self.has_menu = bool(menu.items(self.ctx.db, active_only=False))
        self.group = QButtonGroup(self)
        lay = QVBoxLayout(self)
        self.choices: dict[str, QRadioButton] = {}
        for key, label in setup.template_choices():
            button = QRadioButton(_("Start from the {kind} template").format(kind=label), self)
            button.setObjectName(f"setupMenu_{key}")
            self.choices[key] = button
            self.group.addButton(button)
            lay.addWidget(button)
            preview = _label(setup.template_preview(key), self)
            preview.setIndent(24)
            preview.setEnabled(False)
            lay.addWidget(preview)
        self.file_choice = QRadioButton(_("Import my menu from a file (CSV or Excel)"), self)
        self.file_choice.setObjectName("setupMenu_file")
        self.group.addButton(self.file_choice)
        lay.addWidget(self.file_choice)
        file_row = QHBoxLayout()
        self.file_path = QLineEdit(self)
        self.file_path.setObjectName("setupMenuFile")
        self.file_path.setPlaceholderText(
            _("Columns: name and price (品名, 価格), category optional")
        )
        self.file_path.textChanged.connect(lambda _t: self.file_choice.setChecked(True))
        browse = QPushButton(_("Choose file…"), self)
        browse.setObjectName("setupMenuBrowse")
        browse.clicked.connect(self.choose_file)
        file_row.addSpacing(24)
        file_row.addWidget(self.file_path, 1)
        file_row.addWidget(browse)
        lay.addLayout(file_row)
        self.none_choice = QRadioButton(
            _("Keep my current menu") if self.has_menu else _("No menu yet (add it later)"), self
        )
        self.none_choice.setObjectName("setupMenu_none")
        self.group.addButton(self.none_choice)
        lay.addWidget(self.none_choice)
        (self.none_choice if self.has_menu else self.choices["izakaya"]).setChecked(True)
        self.result = FieldError(self)
        self.result.setObjectName("setupMenuResult")
        lay.addWidget(self.result)
        lay.addStretch(1)
        self.added = 0

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Menu list"), "", _("Menu list (*.csv *.xlsx *.txt)")
        )
        if path:
            self.file_path.setText(path)

    def save(self) -> bool:
        if self.none_choice.isChecked():
            return True
        if self.file_choice.isChecked():
            path = self.file_path.text().strip()
            if not path:
                self.result.show_message(_("Choose the file with your menu."))
                return False
            try:
                found = setup.read_menu_list(path)
            except ImportFileError as err:
                self.result.show_message(str(err))
                return False
            if found.problems:
                lines = [
                    _("Line {line}: {problem}").format(line=line, problem=problem)
                    for line, problem in found.problems[:5]
                ]
                self.result.show_message(
                    _("Nothing was added. Fix these rows and try again:") + "\n" + "\n".join(lines)
                )
                return False
            self.added = setup.add_menu(self.ctx.db, found.rows)
        else:
            key = next(k for k, b in self.choices.items() if b.isChecked())
            self.added = setup.apply_template(self.ctx.db, key)
        self.result.show_message(
            ngettext(
                "{n} item added to the menu.", "{n} items added to the menu.", self.added
            ).format(n=self.added),
            ok=True,
        )
        self.ctx.changed.emit(Changes(menu=True))  # the visit dialog reads the menu when it opens
        self.none_choice.setText(_("Keep my current menu"))
        self.none_choice.setChecked(True)  # back here, Next does not add it twice
        return True


class PinPage(_Page):
    step = "pin"

    def __init__(self, wizard):
        super().__init__(wizard)
        self.setTitle(_("Owner PIN"))
        self.setSubTitle(
            _(
                "Staff can search guests, record visits and print coupons without it; revenue"
                " figures, exports, settings and erasing ask for it."
            )
        )
        form = QFormLayout(self)
        self.pin = QLineEdit(self)
        self.again = QLineEdit(self)
        for field, name in ((self.pin, "setupPin"), (self.again, "setupPinAgain")):
            field.setObjectName(name)
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setMaxLength(32)
        form.addRow(_("PIN (4 or more digits)"), self.pin)
        form.addRow(_("PIN again"), self.again)
        self.error = FieldError(self)
        self.error.setObjectName("setupPinError")
        form.addRow("", self.error)
        form.addRow(
            "",
            _label(_("Leave both empty to decide later (Tools › Settings › Set owner PIN)."), self),
        )
        self.already = _label(_("An owner PIN is set. Change it in the settings."), self)
        form.addRow("", self.already)

    def initializePage(self) -> None:
        has_pin = self.ctx.owner_pin_set()
        for widget in (self.pin, self.again):
            widget.setEnabled(not has_pin)
        self.already.setVisible(has_pin)

    def save(self) -> bool:
        pin, again = self.pin.text(), self.again.text()
        if self.ctx.owner_pin_set() or (not pin and not again):
            settings.set(self.ctx.db, "owner_pin_offered", True)  # answered: no banner later
            return True
        if pin != again:
            self.error.show_message(_("The two PINs differ."))
            self.again.clear()
            self.again.setFocus()
            return False
        try:
            auth.set_pin(self.ctx.db, pin)
        except ValidationError as err:
            self.error.show_message(err.message)
            self.pin.setFocus()
            return False
        settings.set(self.ctx.db, "owner_pin_offered", True)
        self.ctx.set_owner_unlocked(True)  # the owner is at the keyboard: setup goes on
        self.ctx.changed.emit(Changes(settings=True))
        return True


class CustomersPage(_Page):
    step = "customers"

    def __init__(self, wizard):
        super().__init__(wizard)
        self.setTitle(_("Bring your existing customer list"))
        self.setSubTitle(_("From Excel, a card register or another program: .xlsx or CSV."))
        lay = QVBoxLayout(self)
        lay.addWidget(
            _label(
                _(
                    "Save your list from Excel as .xlsx or CSV (Shift_JIS or UTF-8 are both fine)."
                    " Column names such as 氏名, フリガナ, 電話番号, 誕生日, 郵便番号, 住所 and"
                    " メール are recognised; you can correct the mapping. The import checks every"
                    " row first and saves nothing until you agree."
                ),
                self,
            )
        )
        self.import_button = QPushButton(_("Import customer list…"), self)
        self.import_button.setObjectName("setupImportButton")
        self.import_button.clicked.connect(self.import_list)
        row = QHBoxLayout()
        row.addWidget(self.import_button)
        row.addStretch(1)
        lay.addLayout(row)
        self.count = _label("", self)
        self.count.setObjectName("setupCustomerCount")
        lay.addWidget(self.count)
        lay.addWidget(_label(_("No list? Register guests as they come in (Ctrl+N)."), self))
        lay.addStretch(1)

    def initializePage(self) -> None:
        self._update_count()

    def _update_count(self) -> None:
        n = customers.count_all(self.ctx.db)
        self.count.setText(
            ngettext("{n} customer registered.", "{n} customers registered.", n).format(n=n)
        )

    def import_list(self) -> None:
        data_dialogs.import_data(self.ctx, self)
        self._update_count()


class DonePage(_Page):
    step = "done"

    def __init__(self, wizard):
        super().__init__(wizard)
        self.setTitle(_("Your shop is ready"))
        self.summary = _label("", self)
        self.summary.setObjectName("setupSummary")
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addWidget(
            _label(
                _(
                    "At the counter: type a guest's name on Today and press Enter to record a"
                    " visit (Ctrl+R). Run this setup again from Tools › First-run setup."
                ),
                self,
            )
        )
        lay.addStretch(1)

    def initializePage(self) -> None:
        s = settings.get_all(self.ctx.db)
        lines = [s["shop_name"] or _("(no shop name yet)")]
        address = " ".join(p for p in (s["shop_address"], s["shop_building"]) if p)
        if address:
            lines.append(address)
        if s["shop_phone"]:
            lines.append("TEL " + format_phone(s["shop_phone"]))
        n = len(menu.items(self.ctx.db))
        lines.append(ngettext("{n} item on the menu", "{n} items on the menu", n).format(n=n))
        lines.append(_("Owner PIN set") if self.ctx.owner_pin_set() else _("No owner PIN yet"))
        self.summary.setText("\n".join(lines))

    def validatePage(self) -> bool:
        return True


class SetupWizard(QWizard):
    """The first-run setup; opens at the step where it was left (``start`` overrides)."""

    PAGES = (WelcomePage, ShopPage, BusinessDayPage, MenuPage, PinPage, CustomersPage, DonePage)

    def __init__(self, ctx, parent=None, *, start: int | None = None):
        super().__init__(parent)

        self.ctx = ctx
        self.setObjectName("setupWizard")
        self.setWindowTitle(_("Set up your shop"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.pages: dict[str, _Page] = {}
        for number, cls in enumerate(self.PAGES):
            page = cls(self)
            self.setPage(number, page)
            self.pages[cls.step] = page
        self.setButtonText(
            QWizard.WizardButton.NextButton, pgettext("button: go to the next step", "Next")
        )
        self.setButtonText(
            QWizard.WizardButton.BackButton, pgettext("button: go to the previous step", "Back")
        )
        self.setButtonText(QWizard.WizardButton.FinishButton, _("Finish"))
        self.setButtonText(QWizard.WizardButton.CancelButton, _("Continue later"))
        step = settings.get(ctx.db, "setup_step") if start is None else start
        self.setStartId(max(0, min(int(step), len(self.PAGES) - 1)))
        self.skipped = False
        self.resize(720, 560)

    def next_button(self) -> QAbstractButton:
        return self.button(QWizard.WizardButton.NextButton)

    def finish_button(self) -> QAbstractButton:
        return self.button(QWizard.WizardButton.FinishButton)

    def skip(self) -> None:
        """Skip on purpose: the wizard is not offered again (Tools and Settings still have it)."""
        self.skipped = True
        setup.finish(self.ctx.db)
        self.ctx.changed.emit(Changes(settings=True))
        self.reject()

    def accept(self) -> None:
        setup.finish(self.ctx.db)
        self.ctx.changed.emit(Changes(settings=True))
        super().accept()


def run_setup(ctx, parent=None, *, start: int | None = None) -> bool:
    """Open the setup wizard; True when it was finished."""
    wizard = SetupWizard(ctx, parent, start=start)
    try:
        return wizard.exec() == QWizard.DialogCode.Accepted
    finally:
        wizard.deleteLater()
