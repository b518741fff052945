"""Coupons page: campaigns and their coupons, issuing, and the birthday list.

Tab "Campaigns": the campaigns (kind, discount, validity, cost, issued/redeemed counts) with
New/Edit (``CampaignDialog``) and Issue. Issuing runs in the background with a progress bar and
Cancel (nothing is written when cancelled) and ends with what happened: issued N, already had one
M, left out K with the reason for each guest. Below, the selected campaign's coupons (code, guest,
valid until, status) with a status filter and Void.

Tab "Birthdays": a month or the next N days, filters (DM consent, complete address, visited
within N months), the age each guest turns, Export CSV (UTF-8 with BOM, opens in Excel), and the
list as an A4 PDF to save or print.

Long module: the campaigns tab and the birthday-list tab share the page's background task, owner
checks and refresh on ``ctx`` changes.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from shopcrm.domain.changes import Changes
from shopcrm.domain.codes import compact_code
from shopcrm.domain.dates import format_date
from shopcrm.domain.kana import search_key
from shopcrm.domain.models import CAMPAIGN_KIND_LABELS, Campaign
from shopcrm.domain.money import format_money
from shopcrm.domain.offers import discount_text
from shopcrm.domain.rules import ValidationError
from shopcrm.i18n import _, ngettext, pgettext
from shopcrm.services import campaigns as campaign_service
from shopcrm.services.campaigns import (
    birthday_csv,
    birthday_list,
    display_name,
    period_text,
    validity_text,
)
from shopcrm.services.printing import birthday_list as printed
from shopcrm.services.printing.birthday_list import ListFilters
from shopcrm.store import campaign_records, coupons
from shopcrm.store.coupons import STATUS_LABELS, status
from shopcrm.ui.dialogs.campaign_dialog import CampaignDialog
from shopcrm.ui.models.birthday_table_model import BirthdayTableModel
from shopcrm.ui.operations import Cancelled, CollectionOp, QueryOp
from shopcrm.ui.theme import error_style, is_dark
from shopcrm.ui.widgets.pdf_preview import print_pdf_bytes
from shopcrm.ui.widgets.run_status import RunStatus

ID_ROLE = Qt.ItemDataRole.UserRole
BIRTHDAY_SIZE_ROWS = 100  # rows measured for the birthday columns' widths
# (on a light theme, on a dark theme): each at least 4.5:1 against the table's base and
# alternate-row colours of both (tests/ui/test_coupons_page.py checks it)
STATUS_COLOURS = {
    "issued": ("#1565c0", "#90caf9"),
    "redeemed": ("#2e7d32", "#a5d6a7"),
    "expired": ("#666666", "#9e9e9e"),
    "voided": ("#c62828", "#ef9a9a"),
}  # fmt: skip


def status_colour(status: str) -> str:
    """The status's text colour for the current theme (``theme.is_dark``)."""
    light, dark = STATUS_COLOURS[status]
    return dark if is_dark() else light


SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class _SortItem(QTableWidgetItem):
    """A cell that sorts by its ``SORT_ROLE`` value (dates, period keys) instead of its text."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(SORT_ROLE), other.data(SORT_ROLE)
        if mine is not None and theirs is not None:
            return mine < theirs
        return super().__lt__(other)


def _item(text: str, data=None, *, align_right: bool = False, sort_key=None) -> QTableWidgetItem:
    item = _SortItem(text)
    if sort_key is not None:
        item.setData(SORT_ROLE, sort_key)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if data is not None:
        item.setData(ID_ROLE, data)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _birthday_rows(db, f, today: dt.date | None):
    """The campaigns service's birthday list for the tab's filters ``f`` (``ListFilters``)."""
    return birthday_list(
        db,
        month=f.month,
        days=f.days,
        today=today,
        require_consent=f.consent,
        require_address=f.address,
        visited_within_months=f.visited_within_months,
    )


def _table(headers: list[str], parent: QWidget) -> QTableWidget:
    t = QTableWidget(0, len(headers), parent)
    t.setHorizontalHeaderLabels(headers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.verticalHeader().setVisible(False)
    t.setAlternatingRowColors(True)
    t.horizontalHeader().setStretchLastSection(True)
    t.setWordWrap(False)
    return t


class CouponsPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("couponsPage")
        self.campaigns: list[Campaign] = []
        self._bd_rows: list = []
        self._bd_today: dt.date | None = None
        self._bd_generation = 0
        self.birthdays_loading = False
        self.task = None
        self.last_result = None
        self.tabs = QTabWidget(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.tabs.addTab(self._build_campaigns_tab(), _("Campaigns"))
        self.tabs.addTab(self._build_birthdays_tab(), _("Birthdays"))
        ctx.changed.connect(self._on_changed)
        self.refresh()
        self.refresh_birthdays()

    def _on_changed(self, changes: Changes) -> None:
        if changes.any_of("coupons", "campaigns", "visits"):  # a visit redeems a coupon
            self.refresh()
        if changes.customers:
            self.refresh_birthdays()

    # === campaigns tab ===========================================================================
    def _build_campaigns_tab(self) -> QWidget:
        tab = QWidget(self)
        outer = QVBoxLayout(tab)
        split = QSplitter(Qt.Orientation.Vertical, tab)
        outer.addWidget(split)

        top = QWidget(split)
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        self.campaign_table = _table(
            [
                _("Campaign name"),
                _("Kind"),
                _("Discount"),
                _("Validity"),
                _("Cost per piece"),
                _("Issued"),
                _("Redeemed"),
            ],
            top,
        )
        self.campaign_table.setObjectName("campaignTable")
        self.campaign_table.horizontalHeader().setStretchLastSection(False)
        self.campaign_table.itemSelectionChanged.connect(self._on_campaign_selected)
        self.campaign_table.itemDoubleClicked.connect(lambda _i: self.edit_campaign())
        tl.addWidget(self.campaign_table, 1)

        buttons = QHBoxLayout()
        self.new_button = QPushButton(_("New campaign…"), top)
        self.new_button.clicked.connect(self.new_campaign)
        self.edit_button = QPushButton(_("Edit…"), top)
        self.edit_button.clicked.connect(self.edit_campaign)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.edit_button)
        buttons.addSpacing(24)
        self.month_label = QLabel(_("Birthday month"), top)
        self.month_combo = QComboBox(top)
        self.month_combo.setObjectName("issueMonth")
        self._fill_issue_months()
        self.month_hint = QLabel(_("next month: coupons go out a month ahead"), top)
        self.month_hint.setObjectName("issueMonthHint")
        self.month_hint.setEnabled(False)
        self.month_combo.currentIndexChanged.connect(self._update_issue_month_hint)
        buttons.addWidget(self.month_label)
        buttons.addWidget(self.month_combo)
        buttons.addWidget(self.month_hint)
        self.issue_button = QPushButton(_("Issue coupons"), top)
        self.issue_button.setObjectName("issueButton")
        self.issue_button.clicked.connect(self.issue_selected)
        buttons.addWidget(self.issue_button)
        buttons.addStretch(1)
        tl.addLayout(buttons)

        self.run_status = RunStatus(
            self.cancel_issue,
            result_name="issueResult",
            skipped_name="skippedList",
            skipped_height=110,
            parent=top,
        )
        self.progress = self.run_status.progress
        self.cancel_button = self.run_status.cancel_button
        self.result_label = self.run_status.result
        self.result_label.setVisible(False)
        self.skipped_list = self.run_status.skipped
        tl.addWidget(self.run_status)

        bottom = QWidget(split)
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        filters = QHBoxLayout()
        self.coupons_title = QLabel(bottom)
        self.coupons_title.setStyleSheet("font-weight: bold;")
        filters.addWidget(self.coupons_title)
        filters.addStretch(1)
        self.coupon_search = QLineEdit(bottom)
        self.coupon_search.setPlaceholderText(_("Code or name"))
        self.coupon_search.setClearButtonEnabled(True)
        self.coupon_search.textChanged.connect(self._fill_coupons)
        filters.addWidget(self.coupon_search)
        self.status_combo = QComboBox(bottom)
        self.status_combo.setObjectName("statusFilter")
        self.status_combo.addItem(_("All"), "")

        for key, label in STATUS_LABELS.items():
            self.status_combo.addItem(_(label), key)
        self.status_combo.currentIndexChanged.connect(self._fill_coupons)
        filters.addWidget(self.status_combo)
        self.void_button = QPushButton(_("Void…"), bottom)
        self.void_button.setObjectName("voidButton")
        self.void_button.clicked.connect(self.void_selected)
        filters.addWidget(self.void_button)
        bl.addLayout(filters)
        self.coupon_table = _table(
            [_("Code"), _("Customer"), _("Period"), _("Valid until"), _("Status")], bottom
        )
        self.coupon_table.setObjectName("couponTable")
        self.coupon_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.coupon_table.horizontalHeader().setStretchLastSection(False)
        self.coupon_table.setSortingEnabled(True)
        self.coupon_table.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # newest period first
        bl.addWidget(self.coupon_table, 1)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        return tab

    def _fill_issue_months(self) -> None:
        """The next 12 months from this one, next month chosen: DMs go out a month ahead."""
        today = dt.date.today()
        self._months_from = (today.year, today.month)
        self.month_combo.blockSignals(True)
        self.month_combo.clear()
        for i in range(12):
            m = (today.month - 1 + i) % 12 + 1
            y = today.year + (today.month - 1 + i) // 12
            self.month_combo.addItem(_("{year}-{month:02d}").format(year=y, month=m), m)
        self.month_combo.blockSignals(False)
        self.month_combo.setCurrentIndex(1)

    def showEvent(self, event) -> None:
        # The app may stay open for weeks: a new month brings a new list (never a stale month).
        today = dt.date.today()
        if getattr(self, "_months_from", None) != (today.year, today.month):
            self._fill_issue_months()
            self._update_issue_month_hint(self.month_combo.currentIndex())
        super().showEvent(event)

    def refresh(self) -> None:
        """Reload campaigns (keeping the selection) and the selected campaign's coupons."""
        selected = self.selected_campaign()
        keep = selected.id if selected else None
        self.campaigns = campaign_records.list_all(self.ctx.db)
        counts = campaign_records.coupon_counts(self.ctx.db)
        t = self.campaign_table
        t.blockSignals(True)
        t.setRowCount(len(self.campaigns))
        for row, c in enumerate(self.campaigns):
            assert c.id is not None  # read from the store: saved
            n = counts.get(c.id, {})
            name = display_name(c) if c.active else f"{display_name(c)} {_('(paused)')}"
            t.setItem(row, 0, _item(name, c.id))
            t.setItem(row, 1, _item(_(CAMPAIGN_KIND_LABELS.get(c.kind, c.kind))))
            t.setItem(row, 2, _item(discount_text(c)))
            t.setItem(row, 3, _item(validity_text(c)))
            t.setItem(row, 4, _item(format_money(c.cost_per_piece), align_right=True))
            t.setItem(row, 5, _item(str(n.get("issued", 0)), align_right=True))
            t.setItem(row, 6, _item(str(n.get("redeemed", 0)), align_right=True))
        t.resizeColumnsToContents()
        t.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        t.blockSignals(False)
        index = next((i for i, c in enumerate(self.campaigns) if c.id == keep), 0)
        if self.campaigns:
            t.selectRow(index)
        self._on_campaign_selected()

    def selected_campaign(self) -> Campaign | None:
        rows = self.campaign_table.selectionModel().selectedRows() if self.campaigns else []
        if not rows:
            return None
        cell = self.campaign_table.item(rows[0].row(), 0)
        assert cell is not None  # refresh fills every row
        cid = cell.data(ID_ROLE)
        return next((c for c in self.campaigns if c.id == cid), None)

    def select_campaign(self, name: str) -> None:
        for row, c in enumerate(self.campaigns):
            if c.name == name or str(c.id) == str(name):
                self.campaign_table.selectRow(row)
                return

    def _on_campaign_selected(self) -> None:
        c = self.selected_campaign()
        is_birthday = bool(c and c.kind == "birthday")
        self.month_label.setVisible(is_birthday)
        self.month_combo.setVisible(is_birthday)
        self.edit_button.setEnabled(c is not None)
        self.issue_button.setEnabled(c is not None and c.active and self.task is None)
        self._load_coupons()

    def _load_coupons(self) -> None:
        c = self.selected_campaign()
        self._coupons = []
        self._names: dict[int, str] = {}
        if c is not None:
            assert c.id is not None  # read from the store: saved
            self._coupons = coupons.for_campaign(self.ctx.db, c.id, unredeemed_only=False)
            self._coupons.reverse()  # newest first
            self._names = {
                cand.customer.id: cand.customer.name
                for cand in campaign_records.customers_by_ids(
                    self.ctx.db, {x.customer_id for x in self._coupons}
                )
                if cand.customer.id is not None  # read from the store: always saved
            }
        self._fill_coupons()

    def _fill_coupons(self) -> None:
        c = self.selected_campaign()
        wanted = self.status_combo.currentData()
        query = self.coupon_search.text().strip()
        key, code_key = search_key(query), compact_code(query)
        today = dt.date.today()
        rows = []
        for cp in getattr(self, "_coupons", []):
            st = status(cp, today)
            if wanted and st != wanted:
                continue
            name = self._names.get(cp.customer_id, "")
            if query and not (code_key in cp.code.replace("-", "") or key in search_key(name)):
                continue
            rows.append((cp, st, name))
        t = self.coupon_table
        t.setSortingEnabled(False)
        t.setRowCount(len(rows))
        for r, (cp, st, name) in enumerate(rows):
            t.setItem(r, 0, _item(cp.code, cp.id))
            t.setItem(r, 1, _item(name))
            t.setItem(r, 2, _item(period_text(cp.period_key), sort_key=cp.period_key))
            until = cp.valid_until.isoformat()
            t.setItem(r, 3, _item(format_date(cp.valid_until), sort_key=until))
            item = _item(_(STATUS_LABELS[st]), st)
            item.setForeground(QBrush(QColor(status_colour(st))))
            font = item.font()
            font.setBold(st == "issued")
            item.setFont(font)
            t.setItem(r, 4, item)
        t.setSortingEnabled(True)
        t.resizeColumnsToContents()
        total = len(getattr(self, "_coupons", []))
        if c is None:
            self.coupons_title.setText(_("Coupons"))
        else:
            self.coupons_title.setText(
                _("Coupons of {campaign}: {shown} of {total}").format(
                    campaign=display_name(c), shown=len(rows), total=total
                )
            )
        self.void_button.setEnabled(bool(rows))

    def new_campaign(self) -> None:
        dlg = CampaignDialog(self.ctx, None, self)
        if dlg.exec() and dlg.campaign:  # (the page was refreshed by ctx.changed)
            self.select_campaign(dlg.campaign.name)

    def edit_campaign(self) -> None:
        c = self.selected_campaign()
        if c is None:
            return
        dlg = CampaignDialog(self.ctx, c, self)
        if dlg.exec() and dlg.campaign:  # (the page was refreshed by ctx.changed)
            self.select_campaign(dlg.campaign.name)

    # --- issuing ---------------------------------------------------------------------------------
    def issue_selected(self, *, confirm: bool = True) -> None:
        """Issue the selected campaign's coupons in the background."""
        c = self.selected_campaign()
        if c is None or self.task is not None:
            return
        month = self.month_combo.currentData() if c.kind == "birthday" else None
        if confirm:
            text = _("Issue coupons of {campaign} now?").format(campaign=display_name(c))
            if month:
                text += "\n" + _("Birthday month: {month}").format(
                    month=self.month_combo.currentText()
                )
            text += "\n" + _("Guests who already have one for this period get no second one.")
            answer = QMessageBox.question(self, _("Issue coupons"), text)
            if answer != QMessageBox.StandardButton.Yes:
                return
        assert c.id is not None  # read from the store: saved
        self.start_issue(c.id, month)

    def start_issue(self, campaign_id: int, month: int | None) -> None:
        def work(db, task):
            def progress(done, total, text):
                task.check_cancelled()
                task.progress(done, total, text)

            return campaign_service.issue(db, campaign_id, month=month, progress=progress)

        self.progress.setRange(0, 0)
        self.run_status.set_busy(True)
        self.issue_button.setEnabled(False)
        self.result_label.setVisible(False)
        self.skipped_list.setVisible(False)
        op = CollectionOp(
            parent=self, op=work, success=self._issue_done, changes=Changes(coupons=True)
        )
        op.failure(self._issue_failed).on_progress(self._issue_progress)
        self.task = op.run_in_background()

    def cancel_issue(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _issue_progress(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"%v / %m  {text}")

    def _end_task(self) -> None:
        self.task = None
        self.run_status.set_busy(False)
        self._on_campaign_selected()

    def _issue_done(self, result) -> None:
        self._end_task()
        self.last_result = result
        self.show_result(result)  # (the op then tells the pages: coupons changed)

    def show_result(self, result) -> None:
        self.result_label.setText(result.summary())
        self.result_label.setStyleSheet(f"color: {status_colour('redeemed')}; font-weight: bold;")
        self.result_label.setVisible(True)
        self.run_status.show_skipped(f"{s.name}  —  {s.reason_text}" for s in result.skipped)

    def _issue_failed(self, exc: BaseException) -> None:
        self._end_task()
        if isinstance(exc, Cancelled):
            text = _("Cancelled: no coupons were issued.")
        elif isinstance(exc, ValidationError):
            text = str(exc)
        else:
            text = _("Issuing failed: {error}").format(error=exc)
        self.result_label.setText(text)
        self.result_label.setStyleSheet(error_style() + " font-weight: bold;")
        self.result_label.setVisible(True)

    # --- voiding ---------------------------------------------------------------------------------
    def void_selected(self, *, reason: str | None = None) -> None:
        rows = self.coupon_table.selectionModel().selectedRows()
        if not rows:
            return
        cell = self.coupon_table.item(rows[0].row(), 0)
        assert cell is not None  # _fill_coupons fills every row
        code = cell.text()
        if reason is None:
            reason, ok = QInputDialog.getText(
                self,
                _("Void coupon"),
                _("Void coupon {code}? Reason (optional):").format(code=code),
            )
            if not ok:
                return
        try:
            coupons.void(self.ctx.db, code, reason)
        except ValidationError as exc:
            QMessageBox.warning(self, _("Void coupon"), exc.message)
            return
        self.ctx.changed.emit(Changes(coupons=True))

    # === birthdays tab ===========================================================================
    def _build_birthdays_tab(self) -> QWidget:
        tab = QWidget(self)
        outer = QVBoxLayout(tab)
        row = QHBoxLayout()
        self.bd_month_radio = QRadioButton(_("Month"), tab)
        self.bd_month_spin = QSpinBox(tab)
        self.bd_month_spin.setRange(1, 12)
        # The list a person asks for first is this month's (who celebrates now); said beside it.
        self.bd_month_spin.setWrapping(True)  # December, Up: January (next month)
        self.bd_month_spin.setValue(dt.date.today().month)
        self.bd_month_hint = QLabel(tab)
        self.bd_month_hint.setObjectName("birthdayMonthHint")
        self.bd_month_hint.setEnabled(False)
        self.bd_month_spin.valueChanged.connect(self._update_bd_month_hint)
        self._update_bd_month_hint()
        self.bd_days_radio = QRadioButton(pgettext("birthday list: the next N days", "Next"), tab)
        self.bd_days_spin = QSpinBox(tab)
        self.bd_days_spin.setRange(1, 366)
        self.bd_days_spin.setValue(30)
        self.bd_days_spin.setSuffix(" " + _("days"))
        self.bd_month_radio.setChecked(True)
        w: QWidget
        for w in (
            self.bd_month_radio,
            self.bd_month_spin,
            self.bd_month_hint,
            self.bd_days_radio,
            self.bd_days_spin,
        ):
            row.addWidget(w)
        row.addSpacing(16)
        self.bd_consent = QCheckBox(_("DM consent only"), tab)
        self.bd_address = QCheckBox(_("Complete address only"), tab)
        self.bd_visited = QCheckBox(_("Visited within"), tab)
        self.bd_visited_spin = QSpinBox(tab)
        self.bd_visited_spin.setRange(1, 120)
        self.bd_visited_spin.setValue(12)
        self.bd_visited_spin.setSuffix(" " + _("months"))
        for w in (self.bd_consent, self.bd_address, self.bd_visited, self.bd_visited_spin):
            row.addWidget(w)
        row.addStretch(1)
        outer.addLayout(row)
        # a model the view reads lazily: a month at a big shop is thousands of guests
        self.bd_model = BirthdayTableModel(tab)
        self.bd_table = QTableView(tab)
        self.bd_table.setModel(self.bd_model)
        self.bd_table.setObjectName("birthdayTable")
        self.bd_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.bd_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.bd_table.verticalHeader().setVisible(False)
        self.bd_table.setAlternatingRowColors(True)
        self.bd_table.setWordWrap(False)
        self.bd_table.horizontalHeader().setStretchLastSection(False)
        # column widths from the first rows, not from every row of the month
        self.bd_table.horizontalHeader().setResizeContentsPrecision(BIRTHDAY_SIZE_ROWS)
        self.bd_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        outer.addWidget(self.bd_table, 1)
        bottom = QHBoxLayout()
        self.bd_count = QLabel(tab)
        bottom.addWidget(self.bd_count)
        bottom.addStretch(1)
        self.bd_export = QPushButton(_("Export CSV…"), tab)
        self.bd_export.clicked.connect(lambda: self.export_birthdays())
        bottom.addWidget(self.bd_export)
        self.bd_save_pdf = QPushButton(_("Save list as PDF…"), tab)
        self.bd_save_pdf.setObjectName("birthdaySavePdf")
        self.bd_save_pdf.clicked.connect(lambda: self.save_birthday_pdf())
        bottom.addWidget(self.bd_save_pdf)
        self.bd_print = QPushButton(_("Print list…"), tab)
        self.bd_print.setObjectName("birthdayPrint")
        self.bd_print.setToolTip(
            _("An A4 list: date, name and reading, age, DM, phone, last visit")
        )
        self.bd_print.clicked.connect(lambda: self.print_birthdays())
        bottom.addWidget(self.bd_print)
        outer.addLayout(bottom)
        for sig in (
            self.bd_month_radio.toggled,
            self.bd_month_spin.valueChanged,
            self.bd_days_spin.valueChanged,
            self.bd_consent.toggled,
            self.bd_address.toggled,
            self.bd_visited.toggled,
            self.bd_visited_spin.valueChanged,
        ):
            sig.connect(self.refresh_birthdays)
        return tab

    def birthday_filters(self):
        """What the tab is set to: a month or the next N days, and the filters."""
        by_month = self.bd_month_radio.isChecked()
        return ListFilters(
            month=self.bd_month_spin.value() if by_month else None,
            days=None if by_month else self.bd_days_spin.value(),
            consent=self.bd_consent.isChecked(),
            address=self.bd_address.isChecked(),
            visited_within_months=self.bd_visited_spin.value()
            if self.bd_visited.isChecked()
            else None,
        )

    def birthday_rows(self, today: dt.date | None = None):
        """The list for the filters shown (on the UI thread's connection: exports, tests)."""
        return _birthday_rows(self.ctx.db, self.birthday_filters(), today)

    def _update_bd_month_hint(self, *_args) -> None:
        self.bd_month_hint.setText(_month_hint(self.bd_month_spin.value(), dt.date.today()))

    def _update_issue_month_hint(self, index: int) -> None:
        text = _month_hint(self.month_combo.itemData(index) or 0, dt.date.today())
        if index == 1:
            text = _("next month: coupons go out a month ahead")
        self.month_hint.setText(text)

    def refresh_birthdays(self, *_args, today: dt.date | None = None) -> None:
        """Load the list in a worker (its own connection); the table shows it when it arrives.
        ``birthdays_loading`` is True meanwhile; an older answer than the filters is dropped."""
        self.bd_month_spin.setEnabled(self.bd_month_radio.isChecked())
        self.bd_days_spin.setEnabled(not self.bd_month_radio.isChecked())
        self.bd_visited_spin.setEnabled(self.bd_visited.isChecked())
        self._bd_generation += 1
        self.birthdays_loading = True
        generation, f = self._bd_generation, self.birthday_filters()

        def work(db, _task):
            return generation, today, _birthday_rows(db, f, today)

        def failed(exc: BaseException) -> None:
            self._birthdays_failed(generation, exc)

        op = QueryOp(parent=self, op=work, success=lambda result: self._show_birthdays(*result))
        op.failure(failed).interactive().run_in_background()

    def _birthdays_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._bd_generation:
            return
        self.birthdays_loading = False
        self.bd_count.setText(str(exc))

    def _show_birthdays(self, generation: int, today: dt.date | None, rows) -> None:
        if generation != self._bd_generation:
            return  # the filters changed since
        self._bd_rows = rows
        self._bd_today = today
        self.bd_model.set_rows(rows)
        self.bd_table.resizeColumnsToContents()
        self.bd_table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        n = len(rows)
        self.bd_count.setText(ngettext("{n} guest", "{n} guests", n).format(n=n))
        self.bd_export.setEnabled(bool(n))
        self.bd_save_pdf.setEnabled(bool(n))
        self.bd_print.setEnabled(bool(n))
        self.birthdays_loading = False

    def _save_path(self, path: str | None, title: str, suggested: str, filters: str) -> str | None:
        """Where to save a file of the list: only for the owner (personal data); ``path`` or, when
        None, a file dialog. None when refused or cancelled."""
        if not self.ctx.require_owner(self):
            return None
        if path is None:
            path, _filter = QFileDialog.getSaveFileName(self, title, suggested, filters)
        return path or None

    def export_birthdays(self, path: str | None = None) -> str | None:
        path = self._save_path(path, _("Export CSV"), _("birthdays.csv"), _("CSV files (*.csv)"))
        if not path:
            return None
        birthday_csv(self._bd_rows, path)
        return path

    def birthday_pdf(self, path: str | None = None):
        """The list shown, as the printable A4 PDF (to ``path``, or bytes in the result)."""
        return printed.build_from_db(
            self.ctx.db,
            self._bd_rows,
            path,
            filters=self.birthday_filters(),
            today=self._bd_today,
        )

    def save_birthday_pdf(self, path: str | None = None) -> str | None:
        """Save the list as a PDF (asks where unless ``path`` is given); owner only, like CSV."""
        path = self._save_path(
            path, _("Save list as PDF"), _("birthdays.pdf"), _("PDF files (*.pdf)")
        )
        if not path:
            return None
        try:
            self.birthday_pdf(path)
        except OSError as exc:
            QMessageBox.warning(
                self, _("Save list as PDF"), _("Could not save: {error}").format(error=exc)
            )
            return None
        return path

    def print_birthdays(self, printer=None) -> bool:
        """Print the list (the print dialog asks for the printer unless one is given)."""
        if not self._bd_rows:
            return False
        return print_pdf_bytes(self.birthday_pdf().pdf, self, printer)


def _month_hint(month: int, today: dt.date) -> str:
    """Which month a picker shows, in words: "this month", "next month" (else nothing)."""
    if month == today.month:
        return _("this month")
    if month == today.month % 12 + 1:
        return _("next month")
    return ""
