"""Print page: what to print (a campaign's coupons or a birthday month), the layout (postcards,
letters, coupon tickets, address labels, postcard address side), label sheet and first free
row/column, the printer offset; the real PDF previewed inside the app; Save PDF… and Print….

The PDF is built in the background (a ``QueryOp``) with a progress bar and Cancel, so the
window stays responsive for hundreds of pieces. A mailing per customer is recorded when the PDF is
saved or printed (not for a preview), unless "Record as sent" is unticked (a test print).

Long module: choosing what to print, the preview and Save/Print share the one built plan and its
background task.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from shopcrm.domain.changes import Changes
from shopcrm.domain.rules import ValidationError
from shopcrm.i18n import N_, _, ngettext
from shopcrm.services.campaigns import display_name, period_text
from shopcrm.services.printing import pieces as P
from shopcrm.services.printing import plan as mailing_plan
from shopcrm.services.printing.labels import SHEETS
from shopcrm.services.printing.layout import PrintCancelled
from shopcrm.services.printing.pieces import LAYOUTS, record_mailings
from shopcrm.store import campaign_records, coupons, customers, settings
from shopcrm.store.errors import NotFound
from shopcrm.ui.dialogs.email_dialog import EmailDialog
from shopcrm.ui.operations import Cancelled, QueryOp
from shopcrm.ui.widgets.pdf_preview import PdfPreview, print_document
from shopcrm.ui.widgets.run_status import RunStatus

LAYOUT_LABELS = {
    "postcards": N_("Postcards (front, 100 × 148 mm)"),
    "letters": N_("Letters (A4)"),
    "tickets": N_("Coupon tickets (A4, 10 per sheet)"),
    "labels": N_("Address labels"),
    "address-side": N_("Postcard address side"),
    "postcards-duplex": N_("Postcards, both sides (front and address side)"),
}
ALL_PERIODS = ""
PRINT_DPI = 300


class PrintPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("printPage")
        self.task = None
        self.result = None  # the PrintResult shown in the preview
        self.plan = None  # the mailing plan it was drawn from
        self.steps = []  # the run's PDFs: one, or address sides then fronts (one-sided printer)
        self._step = 0
        self._generation = 0
        self._debounce = QTimer(self, singleShot=True, interval=400)
        self._debounce.timeout.connect(self.make_preview)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        split.addWidget(self._build_controls(split))
        self.preview = PdfPreview(split)
        self.preview.setObjectName("printPreview")
        split.addWidget(self.preview)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([360, 700])

        self._fill_campaigns()
        self._layout_changed()
        self._sheet_changed()
        self._source_changed()
        ctx.changed.connect(self._on_changed)
        ctx.customer_selected.connect(self._guest_changed)
        self._guest_changed()

    def _on_changed(self, changes: Changes) -> None:
        if changes.any_of("coupons", "campaigns"):
            self._fill_campaigns()
        if changes.settings:
            self._load_offset()

    # --- controls ----------------------------------------------------------------------------
    def _build_controls(self, parent) -> QWidget:
        panel = QWidget(parent)
        col = QVBoxLayout(panel)
        col.setContentsMargins(0, 0, 6, 0)

        what = QGroupBox(_("What to print"), panel)
        form = QFormLayout(what)
        self.campaign_radio = QRadioButton(_("Coupons of a campaign"), what)
        self.campaign_radio.setChecked(True)
        self.campaign_combo = QComboBox(what)
        self.campaign_combo.setObjectName("printCampaign")
        form.addRow(self.campaign_radio)
        form.addRow(_("Campaign"), self.campaign_combo)
        self.period_combo = QComboBox(what)
        self.period_combo.setObjectName("printPeriod")
        self.period_combo.setToolTip(_("Which issue of the campaign: e.g. the birthday month."))
        form.addRow(_("Period"), self.period_combo)
        self.email_button = QPushButton(_("Send by e-mail…"), what)
        self.email_button.setObjectName("printEmail")
        self.email_button.setToolTip(
            _("E-mail this campaign's coupons to guests with an address and e-mail consent")
        )
        self.email_button.clicked.connect(self.open_email)
        form.addRow("", self.email_button)
        self.month_radio = QRadioButton(_("Birthday list of a month"), what)
        self.month_combo = QComboBox(what)
        self.month_combo.setObjectName("printMonth")
        today = dt.date.today()
        for i in range(12):
            m = (today.month - 1 + i) % 12 + 1
            self.month_combo.addItem(_("Month {month}").format(month=m), m)
        self.month_combo.setCurrentIndex(1)
        form.addRow(self.month_radio)
        form.addRow(_("Month"), self.month_combo)
        self.guest_radio = QRadioButton(_("The guest selected in Customers"), what)
        self.guest_radio.setObjectName("printGuest")
        self.guest_label = QLabel(what)
        self.guest_label.setObjectName("printGuestName")
        form.addRow(self.guest_radio)
        form.addRow(_("Guest"), self.guest_label)
        col.addWidget(what)

        how = QGroupBox(_("Layout"), panel)
        hform = QFormLayout(how)
        self.layout_combo = QComboBox(how)
        self.layout_combo.setObjectName("printLayout")
        for key in LAYOUTS:
            self.layout_combo.addItem(_(LAYOUT_LABELS[key]), key)
        hform.addRow(_("Layout"), self.layout_combo)
        self.duplex_box = QCheckBox(
            _("My printer prints both sides (one PDF: front, back, …)"), how
        )
        self.duplex_box.setObjectName("printDuplex")
        self.duplex_box.setChecked(False)
        hform.addRow(self.duplex_box)
        self.sheet_combo = QComboBox(how)
        self.sheet_combo.setObjectName("printSheet")

        for key, sheet in SHEETS.items():
            self.sheet_combo.addItem(sheet.name, key)
        hform.addRow(_("Label sheet"), self.sheet_combo)
        self.start_row = QSpinBox(how)
        self.start_row.setObjectName("printStartRow")
        self.start_col = QSpinBox(how)
        self.start_col.setObjectName("printStartCol")
        for spin in (self.start_row, self.start_col):
            spin.setMinimum(1)
        start = QHBoxLayout()
        start.addWidget(QLabel(_("Row"), how))
        start.addWidget(self.start_row)
        start.addWidget(QLabel(_("Column"), how))
        start.addWidget(self.start_col)
        start.addStretch(1)
        self.start_label = QLabel(_("First free label"), how)
        hform.addRow(self.start_label, start)
        self.offset_x = QDoubleSpinBox(how)
        self.offset_y = QDoubleSpinBox(how)
        offsets = QHBoxLayout()
        for name, offset_spin in (("X", self.offset_x), ("Y", self.offset_y)):
            offset_spin.setRange(-20.0, 20.0)
            offset_spin.setSingleStep(0.5)
            offset_spin.setDecimals(1)
            offset_spin.setSuffix(" mm")
            offsets.addWidget(QLabel(name, how))
            offsets.addWidget(offset_spin)
        offsets.addStretch(1)
        self.offset_x.setObjectName("printOffsetX")
        self.offset_y.setObjectName("printOffsetY")
        offset_label = QLabel(_("Printer offset"), how)
        offset_label.setToolTip(
            _("Moves everything on the page: + X to the right, + Y down. Check with a test print.")
        )
        hform.addRow(offset_label, offsets)
        col.addWidget(how)
        self._load_offset()

        self.run_status = RunStatus(
            self.cancel,
            cancel_name="printCancel",
            result_name="printSummary",
            skipped_name="printSkipped",
            skipped_height=120,
            parent=panel,
        )
        self.progress = self.run_status.progress
        self.cancel_button = self.run_status.cancel_button
        self.summary = self.run_status.result
        self.skipped_list = self.run_status.skipped
        col.addWidget(self.run_status)
        self.already_label = QLabel(panel)
        self.already_label.setObjectName("printAlready")
        self.already_label.setWordWrap(True)
        self.already_label.setVisible(False)
        col.addWidget(self.already_label)
        self.reprint_box = QCheckBox(panel)
        self.reprint_box.setObjectName("printReprint")
        self.reprint_box.setVisible(False)
        col.addWidget(self.reprint_box)
        self.steps_label = QLabel(panel)
        self.steps_label.setObjectName("printSteps")
        self.steps_label.setWordWrap(True)
        self.steps_label.setVisible(False)
        self.steps_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.steps_label.setMargin(6)
        col.addWidget(self.steps_label)
        col.addStretch(1)

        self.record_box = QCheckBox(_("Record as sent (mailing history)"), panel)
        self.record_box.setChecked(True)
        self.record_box.setToolTip(_("Untick for a test print: no mailing is recorded."))
        col.addWidget(self.record_box)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(_("Save PDF…"), panel)
        self.save_button.setObjectName("printSave")
        self.save_button.clicked.connect(self.save_pdf)
        self.print_button = QPushButton(_("Print…"), panel)
        self.print_button.setObjectName("printPrint")
        # clicked(bool) would hand its bool to print_pdf's printer: call it with nothing.
        self.print_button.clicked.connect(lambda _checked=False: self.print_pdf())
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        col.addLayout(buttons)

        for radio in (self.campaign_radio, self.month_radio, self.guest_radio):
            radio.toggled.connect(self._source_changed)
        for combo in (self.campaign_combo, self.month_combo, self.layout_combo, self.period_combo):
            combo.currentIndexChanged.connect(self._options_changed)
        self.campaign_combo.currentIndexChanged.connect(self._fill_periods)
        self.layout_combo.currentIndexChanged.connect(self._layout_changed)
        self.duplex_box.toggled.connect(self._options_changed)
        self.reprint_box.toggled.connect(self._options_changed)
        self.layout_combo.currentIndexChanged.connect(self._sheet_changed)
        self.sheet_combo.currentIndexChanged.connect(self._sheet_changed)
        for spin in (self.start_row, self.start_col):
            spin.valueChanged.connect(self._options_changed)
        for offset_spin in (self.offset_x, self.offset_y):
            offset_spin.valueChanged.connect(self._offset_changed)
        return panel

    def _fill_campaigns(self, *_args) -> None:
        current = self.campaign_combo.currentData()
        counts = campaign_records.coupon_counts(self.ctx.db)
        self.campaign_combo.blockSignals(True)
        self.campaign_combo.clear()
        for camp in campaign_records.list_all(self.ctx.db):
            assert camp.id is not None  # read from the database
            # What a print run would print: unused coupons that have not expired.
            usable = counts.get(camp.id, {}).get("usable", 0)
            label = ngettext("{name} ({n} coupon)", "{name} ({n} coupons)", usable)
            self.campaign_combo.addItem(label.format(name=display_name(camp), n=usable), camp.id)
        index = self.campaign_combo.findData(current)
        self.campaign_combo.setCurrentIndex(max(index, 0))
        self.campaign_combo.blockSignals(False)
        self._fill_periods()
        self._options_changed()

    def open_email(self) -> EmailDialog | None:
        """The e-mail run of the chosen campaign and period (see ``ui/dialogs/email_dialog``)."""
        camp_id = self.campaign_combo.currentData()
        if camp_id is None:
            return None
        period = self.period_combo.currentData() or None
        dialog = EmailDialog(self.ctx, camp_id, period, self)
        dialog.open()
        return dialog

    def _fill_periods(self, *_args) -> None:
        """The issue periods of the campaign's printable coupons, newest first; a birthday
        campaign starts on its newest month (one month's cards at a time)."""
        current = self.period_combo.currentData()
        camp_id = self.campaign_combo.currentData()
        keys: list[str] = []
        kind = ""
        if camp_id is not None:
            kind = campaign_records.get(self.ctx.db, camp_id).kind
            keys = sorted({c.period_key for c in coupons.for_campaign(self.ctx.db, camp_id)},
                          reverse=True)  # fmt: skip
        self.period_combo.blockSignals(True)
        self.period_combo.clear()
        self.period_combo.addItem(_("All periods"), ALL_PERIODS)
        for key in keys:
            self.period_combo.addItem(period_text(key), key)
        index = self.period_combo.findData(current) if current else -1
        if index < 0:
            index = 1 if kind == "birthday" and keys else 0
        self.period_combo.setCurrentIndex(index)
        self.period_combo.blockSignals(False)

    def _load_offset(self) -> None:
        for spin, key in (
            (self.offset_x, "print_offset_x_mm"),
            (self.offset_y, "print_offset_y_mm"),
        ):
            spin.blockSignals(True)
            spin.setValue(settings.get(self.ctx.db, key))
            spin.blockSignals(False)

    def _offset_changed(self) -> None:
        settings.set_many(
            self.ctx.db,
            {
                "print_offset_x_mm": self.offset_x.value(),
                "print_offset_y_mm": self.offset_y.value(),
            },
        )
        self._options_changed()

    def _guest_changed(self, *_args) -> None:
        guest_id = self.ctx.selected_customer_id
        name = ""
        if guest_id:
            try:
                name = customers.get(self.ctx.db, guest_id).name
            except NotFound:
                guest_id = None
        self.guest_label.setText(name or _("(none selected)"))
        self.guest_radio.setEnabled(bool(guest_id))
        if not guest_id and self.guest_radio.isChecked():
            self.campaign_radio.setChecked(True)
        elif self.guest_radio.isChecked():
            self._options_changed()

    def _source_changed(self, *_args) -> None:
        # The campaign also says whose coupon goes on the selected guest's piece.
        self.campaign_combo.setEnabled(not self.month_radio.isChecked())
        self.period_combo.setEnabled(self.campaign_radio.isChecked())
        self.email_button.setEnabled(self.campaign_radio.isChecked())
        self.month_combo.setEnabled(self.month_radio.isChecked())
        self._options_changed()

    def _sheet_changed(self, *_args) -> None:
        is_labels = self.layout_combo.currentData() == "labels"
        for w in (self.sheet_combo, self.start_row, self.start_col, self.start_label):
            w.setEnabled(is_labels)
        sheet = SHEETS[self.sheet_combo.currentData()]
        self.start_row.setMaximum(sheet.rows)
        self.start_col.setMaximum(sheet.cols)
        self._options_changed()

    def _options_changed(self, *_args) -> None:
        self._debounce.start()

    def options(self) -> dict:
        """The current choices, as plain values for the worker."""
        return {
            "layout": self.layout_combo.currentData(),
            "campaign_id": None
            if self.month_radio.isChecked()
            else self.campaign_combo.currentData(),
            "month": self.month_combo.currentData() if self.month_radio.isChecked() else None,
            "guest_id": self.ctx.selected_customer_id if self.guest_radio.isChecked() else None,
            "sheet": self.sheet_combo.currentData(),
            "start_row": self.start_row.value(),
            "start_col": self.start_col.value(),
            "period": self.period_combo.currentData() or None
            if self.campaign_radio.isChecked()
            else None,
            "reprint": self.reprint_box.isChecked(),
            "duplex": self.duplex_box.isChecked(),
        }

    def _layout_changed(self, *_args) -> None:
        self.duplex_box.setVisible(self.layout_combo.currentData() == "postcards-duplex")

    # --- building the PDF in the background ---------------------------------------------------
    def make_preview(self) -> None:
        """Build the mailing plan and the PDF(s) for the current choices in the background and
        show them (the one-sided postcard flow builds the address sides and the fronts)."""
        self._debounce.stop()
        if self.task is not None:
            self.task.cancel()
        opts = self.options()
        if opts["campaign_id"] is None and opts["month"] is None and not opts["guest_id"]:
            return
        self._generation += 1
        generation = self._generation
        self.result = None
        self.plan = None
        self.steps = []
        self._set_busy(True)
        self.summary.setText(_("Preparing…"))

        def work(db, task):
            layout = opts["layout"]
            campaign = opts["campaign_id"]
            if opts["guest_id"] and layout not in mailing_plan.MESSAGE_LAYOUTS:
                campaign = None  # one guest's label or address side needs no coupon
            plan = mailing_plan.build(
                db,
                campaign=campaign,
                month=opts["month"] if not opts["guest_id"] else None,
                customer_ids=[opts["guest_id"]] if opts["guest_id"] else None,
                period_key=opts["period"],
                reprint=opts["reprint"],
                posted=layout in mailing_plan.POSTED_LAYOUTS,
            )
            task.check_cancelled()
            if layout == "postcards-duplex" and not opts["duplex"]:
                layouts = ["address-side", "postcards"]  # backs first, then turn the stack
            else:
                layouts = [layout]
            results = []
            for n, one in enumerate(layouts):
                base = n * len(plan.cards)
                total = len(plan.cards) * len(layouts)
                results.append(P.render(
                    one, plan, shop=P.shop_from_settings(db),
                    offset=P.offset_from_settings(db), sheet=opts["sheet"],
                    start_row=opts["start_row"], start_col=opts["start_col"],
                    progress=lambda done, _t, base=base, total=total: task.progress(
                        base + done, total, ""),
                    cancel=lambda: task.cancelled,
                ))  # fmt: skip
            return plan, results

        def current() -> bool:
            # A newer preview was started meanwhile (a closed page gets no answer at all).
            return generation == self._generation

        def done(value) -> None:
            if not current():
                return
            self.task = None
            self._set_busy(False)
            plan, results = value
            self.show_plan(plan, results)

        def failed(exc: BaseException) -> None:
            if not current():
                return
            self.task = None
            self._set_busy(False)

            self.preview.clear()
            self.steps = []
            for stale in (self.already_label, self.steps_label):  # of an earlier run
                stale.setVisible(False)
            self.print_button.setText(_("Print…"))
            if isinstance(exc, (Cancelled, PrintCancelled)):
                self.summary.setText(_("Cancelled."))
            elif isinstance(exc, ValidationError):  # e.g. no coupons issued yet: nothing printed
                self.summary.setText(str(exc))
            else:
                self.summary.setText(_("Could not make the PDF: {error}").format(error=exc))

        def progress(done_, total, _text) -> None:
            if current():
                self.progress.setMaximum(max(total, 1))
                self.progress.setValue(done_)

        op = QueryOp(parent=self, op=work, success=done).failure(failed).on_progress(progress)
        self.task = op.run_in_background()

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _set_busy(self, busy: bool) -> None:
        self.run_status.set_busy(busy)
        self.progress.setValue(0)
        self.save_button.setEnabled(not busy and self.result is not None)
        self.print_button.setEnabled(not busy and self.result is not None)

    def show_plan(self, plan, results) -> None:
        """Show a built run: the plan's left-out and already-mailed guests, and the first PDF
        (with two steps, the address sides first)."""
        self.plan = plan
        self.steps = list(results)
        self._step = 0
        n_already = len(plan.already_mailed)
        names = ", ".join(dict.fromkeys(p.customer.name for p in plan.already_mailed))
        if n_already:
            if plan.reprint:
                text = ngettext(
                    "Reprinting {n} coupon already mailed: {names}.",
                    "Reprinting {n} coupons already mailed: {names}.",
                    n_already,
                )
            else:
                text = ngettext(
                    "{n} coupon was already mailed and is left out: {names}.",
                    "{n} coupons were already mailed and are left out: {names}.",
                    n_already,
                )
            self.already_label.setText(text.format(n=n_already, names=names))
            self.reprint_box.setText(
                ngettext(
                    "Reprint the {n} already mailed", "Reprint the {n} already mailed", n_already
                ).format(n=n_already)
            )
        self.already_label.setVisible(bool(n_already))
        self.reprint_box.setVisible(bool(n_already) or self.reprint_box.isChecked())
        self.show_result(results[0])
        self._show_step()

    def _show_step(self) -> None:
        """The one-sided postcard flow: step 1 prints the address sides, step 2 the fronts."""
        two = len(self.steps) == 2 and self.result is not None and bool(self.result.printed)
        self.steps_label.setVisible(two)
        self.print_button.setText(
            (_("Print the address sides…"), _("Print the fronts…"))[self._step] if two
            else _("Print…")
        )  # fmt: skip
        if not two:
            return
        cards = len(self.plan.cards)
        if self._step == 0:
            self.steps_label.setText(
                ngettext(
                    "Step 1 of 2: print the address sides ({n} card). Then keep the stack in "
                    "the order it came out, turn it over and put it back in the tray.",
                    "Step 1 of 2: print the address sides ({n} cards). Then keep the stack in "
                    "the order it came out, turn it over and put it back in the tray.",
                    cards,
                ).format(n=cards)
            )
        else:
            self.steps_label.setText(
                ngettext(
                    "Step 2 of 2: the stack is turned over; print the fronts ({n} card). "
                    "Card 1's front greets the guest named on its back.",
                    "Step 2 of 2: the stack is turned over; print the fronts ({n} cards). "
                    "Card 1's front greets the guest named on its back.",
                    cards,
                ).format(n=cards)
            )

    def show_result(self, result) -> None:
        self.result = result
        self._recorded = False
        n = len(result.printed)
        if n:
            self.preview.set_pdf(result.pdf)
            text = ngettext("{n} piece on {pages} page(s).", "{n} pieces on {pages} page(s).", n)
            self.summary.setText(text.format(n=n, pages=result.pages))
        else:
            self.preview.clear()
            self.summary.setText(
                _("Nothing to print: no unused coupons or guests for this choice.")
            )
        self.run_status.show_skipped(f"{s.customer.name}: {s.message}" for s in result.skipped)
        if result.skipped:
            self.summary.setText(
                self.summary.text()
                + " "
                + ngettext("{n} left out:", "{n} left out:", len(result.skipped)).format(
                    n=len(result.skipped)
                )
            )
        self.save_button.setEnabled(n > 0)
        self.print_button.setEnabled(n > 0)

    # --- output ------------------------------------------------------------------------------
    def _step_done(self) -> bool:
        """After a PDF was saved or printed: on to the fronts (step 2) if the address sides
        were step 1; True when the run is complete (then its mailings are recorded)."""
        if len(getattr(self, "steps", [])) == 2 and self._step == 0:
            self._step = 1
            self.show_result(self.steps[1])
            self._show_step()
            return False
        self._record()
        return True

    def save_pdf(self, path: str | None = None) -> str | None:
        """Write the previewed PDF (asks where unless ``path`` is given); records the mailings
        once the run is complete (with two steps: after the fronts)."""
        if self.result is None or not self.result.printed:
            return None
        if not path:
            layout = self.options()["layout"]
            if len(getattr(self, "steps", [])) == 2:
                layout = ("address-side", "postcards")[self._step]
            suggested = f"{layout}-{dt.date.today():%Y%m%d}.pdf"
            path, _filter = QFileDialog.getSaveFileName(
                self, _("Save PDF"), suggested, _("PDF files (*.pdf)")
            )
            if not path:
                return None
        try:
            with open(path, "wb") as fh:
                fh.write(self.result.pdf)
        except OSError as exc:
            QMessageBox.warning(self, _("Save PDF"), _("Could not save: {error}").format(error=exc))
            return None
        complete = self._step_done()
        message = _("Saved to {path}.").format(path=path)
        self.summary.setText(message if complete else f"{message} {self.summary.text()}")
        return path

    printer_factory = None
    """Optional: a callable returning the QPrinter to print on (no print dialog then); tests
    give one that writes a PDF file."""

    def print_pdf(self, printer=None) -> bool:
        """Print the previewed PDF: each page rendered at 300 dpi onto the printer's page, at the
        paper's edge (no extra margins: the printer offset setting corrects the position). Without
        ``printer`` (the Print… button) the print dialog asks, or ``printer_factory`` gives one.
        A failure is shown to the user; nothing is recorded then."""
        if self.result is None or not self.result.printed or not self.preview.is_ready():
            return False
        if printer is None and self.printer_factory is not None:
            printer = self.printer_factory()
        try:
            if not print_document(self.preview.document, self, printer, PRINT_DPI):
                return False
        except Exception as exc:  # a printer driver error must reach the user, not the log only
            QMessageBox.warning(self, _("Print"), _("Could not print: {error}").format(error=exc))
            self.summary.setText(_("Could not print: {error}").format(error=exc))
            return False
        complete = self._step_done()
        if complete:
            self.summary.setText(_("Sent to the printer."))
        return True

    def _record(self) -> None:
        """A mailing per guest on the plan's cards, once per built run (saving twice is one
        mailing); a two-sided postcard run records one postcard per guest."""
        if not self.record_box.isChecked() or getattr(self, "_recorded", False):
            return
        self._recorded = True

        record_mailings(self.ctx.db, self.result.printed, self.options()["layout"])
        self.ctx.changed.emit(Changes(mailings=True))
