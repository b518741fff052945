"""``ImportDialog``: the import wizard.

1. File: customers or visits, the file (CSV or .xlsx), the encoding (detected; can be forced).
2. Columns: each column of the file with sample values and the field it goes to (correctable).
3. Check: the dry run's report — every row that would fail (row, column, value, reason), likely
   duplicates and warnings — and the choice: all or nothing, or the valid rows only.
4. Import: in the background with progress and Cancel (a cancel rolls everything back).

Reading, checking and writing run in worker threads on their own database connection.
"""

from __future__ import annotations

import traceback
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from shopcrm.domain.changes import Changes
from shopcrm.i18n import _, pgettext
from shopcrm.services import transfer
from shopcrm.services.transfer import AlreadyImported, ImportFileError, ImportPlan, ImportRefused
from shopcrm.services.transfer.encodings import READ_ENCODINGS
from shopcrm.services.transfer.report import KEEP
from shopcrm.store.backup import storage_error_message
from shopcrm.ui.dialogs.background import run_with_bar
from shopcrm.ui.dialogs.base import DialogBase
from shopcrm.ui.dialogs.parts import show_error
from shopcrm.ui.operations import Cancelled, CollectionOp, QueryOp

ENCODINGS = READ_ENCODINGS
ERROR_BG = QColor("#fde7e9")
DUP_BG = QColor("#fff4ce")
WARN_BG = QColor("#e8f1fb")
SAMPLES = 3


class ImportDialog(DialogBase):
    owner_only = True  # closes when owner mode locks

    PAGE_FILE, PAGE_MAP, PAGE_CHECK, PAGE_RUN = range(4)

    def __init__(self, ctx, parent=None, *, path: str | Path | None = None, kind="customers"):
        super().__init__(ctx, parent)
        self.setObjectName("importDialog")
        self.setWindowTitle(_("Import customers or visits"))
        self.resize(860, 560)
        self.table = None  # services.transfer.Table: the file's first rows
        self.read_as: tuple[str, str] = ("", "auto")  # the file and the encoding asked for
        self.plan: ImportPlan | None = None  # the dry run's result
        self.report = None  # the final ImportReport
        self.task = None

        layout = QVBoxLayout(self)
        self.steps = QLabel()
        self.steps.setObjectName("importSteps")
        layout.addWidget(self.steps)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.stack.addWidget(self._file_page(kind))
        self.stack.addWidget(self._map_page())
        self.stack.addWidget(self._check_page())
        self.stack.addWidget(self._run_page())

        buttons = QHBoxLayout()
        self.busy = QProgressBar()
        self.busy.setObjectName("importBusy")
        self.busy.setMaximumWidth(220)
        self.busy.setTextVisible(False)
        self.busy.hide()
        buttons.addWidget(self.busy)
        buttons.addStretch(1)
        self.back_button = QPushButton(pgettext("button: go to the previous step", "Back"))
        self.next_button = QPushButton(pgettext("button: go to the next step", "Next"))
        self.next_button.setDefault(True)
        self.import_button = QPushButton(_("Import"))
        self.import_button.setObjectName("importButton")
        self.close_button = QPushButton(_("Cancel"))
        for b in (self.back_button, self.next_button, self.import_button, self.close_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.import_button.clicked.connect(self.start_import)
        self.close_button.clicked.connect(self.cancel_or_close)
        if path:
            self.path_edit.setText(str(path))
        self._show(self.PAGE_FILE)

    # --- pages ---------------------------------------------------------------------------------
    def _file_page(self, kind: str) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.customers_radio = QRadioButton(_("Customers (one row per guest)"))
        self.visits_radio = QRadioButton(_("Visits (one row per visit)"))
        (self.customers_radio if kind == "customers" else self.visits_radio).setChecked(True)
        what = QVBoxLayout()
        what.addWidget(self.customers_radio)
        what.addWidget(self.visits_radio)
        form.addRow(_("What to import"), what)
        row = QHBoxLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("importPath")
        self.path_edit.setPlaceholderText(_("A CSV or Excel (.xlsx) file"))
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self.choose_file)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form.addRow(_("File"), row)
        self.encoding_combo = QComboBox()
        for code, label in ENCODINGS:
            self.encoding_combo.addItem(_(label), code)
        form.addRow(_("Characters (CSV)"), self.encoding_combo)
        self.create_check = QCheckBox(_("Register unknown membership codes as new customers"))
        self.create_check.setObjectName("createCustomers")
        form.addRow("", self.create_check)
        hint = QLabel(
            _(
                "Japanese or English column names are recognised (氏名, フリガナ, 電話番号, 誕生日,"
                " 郵便番号, 住所, 会員番号, 来店日, 金額, 人数 ...). Nothing is written before you"
                " have seen the check."
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(mid);")
        form.addRow("", hint)
        self.visits_radio.toggled.connect(self.create_check.setEnabled)
        self.create_check.setEnabled(self.visits_radio.isChecked())
        return page

    def _map_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.map_info = QLabel()
        self.map_info.setWordWrap(True)
        layout.addWidget(self.map_info)
        self.map_table = QTableWidget(0, 3)
        self.map_table.setObjectName("mappingTable")
        self.map_table.setHorizontalHeaderLabels(
            [_("Column in the file"), _("First values"), _("Goes to")]
        )
        self.map_table.verticalHeader().hide()
        self.map_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.map_table, 1)
        return page

    def _check_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.summary = QLabel()
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        layout.addWidget(self.summary)
        self.report_table = QTableWidget(0, 5)
        self.report_table.setObjectName("reportTable")
        self.report_table.setHorizontalHeaderLabels(
            [_("Row"), _("Column"), _("Value"), _("Problem"), _("Kind")]
        )
        self.report_table.verticalHeader().hide()
        self.report_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.report_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.report_table, 1)
        self.all_radio = QRadioButton(_("All or nothing: import only if every row is valid"))
        self.all_radio.setObjectName("allOrNothing")
        self.valid_radio = QRadioButton(
            _("Import the valid rows only and leave out the rows above")
        )
        self.valid_radio.setObjectName("validOnly")
        self.all_radio.setChecked(True)
        self.skip_dups = QCheckBox(_("Leave out rows that are already in the database"))
        self.skip_dups.setObjectName("skipDuplicates")
        # visits already in the database are always left out, unless the user asks (opt-in)
        self.allow_dups = QCheckBox(
            _("Import rows that are already in the database again (they count twice)")
        )
        self.allow_dups.setObjectName("allowDuplicates")
        for w in (self.all_radio, self.valid_radio, self.skip_dups, self.allow_dups):
            layout.addWidget(w)
        self.all_radio.toggled.connect(lambda _on: self._update_buttons())
        return page

    def _run_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.run_label = QLabel()
        self.run_label.setObjectName("importResult")
        self.run_label.setWordWrap(True)
        layout.addWidget(self.run_label)
        self.progress = QProgressBar()
        self.progress.setObjectName("importProgress")
        layout.addWidget(self.progress)
        layout.addStretch(1)
        return page

    # --- navigation ----------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        return "customers" if self.customers_radio.isChecked() else "visits"

    def _show(self, page: int) -> None:
        self.stack.setCurrentIndex(page)
        names = [_("1 File"), _("2 Columns"), _("3 Check"), _("4 Import")]
        self.steps.setText(
            "  ›  ".join(f"<b>{n}</b>" if i == page else n for i, n in enumerate(names))
        )
        self._update_buttons()

    def _update_buttons(self) -> None:
        page = self.stack.currentIndex()
        running = self.task is not None
        self.back_button.setVisible(page in (self.PAGE_MAP, self.PAGE_CHECK))
        self.back_button.setEnabled(not running)
        self.next_button.setVisible(page in (self.PAGE_FILE, self.PAGE_MAP))
        self.next_button.setText(
            _("Check") if page == self.PAGE_MAP else pgettext("button: go to the next step", "Next")
        )
        self.next_button.setEnabled(not running)
        self.import_button.setVisible(page == self.PAGE_CHECK)
        can = (
            self.plan is not None
            and bool(self.plan.report.valid)
            and (self.valid_radio.isChecked() or not self.plan.report.errors)
        )
        self.import_button.setEnabled(can and not running)
        done = page == self.PAGE_RUN and not running
        self.close_button.setText(_("Close") if done else _("Cancel"))

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Choose a file to import"), "", _("CSV or Excel (*.csv *.txt *.tsv *.xlsx)")
        )
        if path:
            self.path_edit.setText(path)

    def back(self) -> None:
        self._show(max(self.PAGE_FILE, self.stack.currentIndex() - 1))

    def next(self) -> None:
        if self.stack.currentIndex() == self.PAGE_FILE:
            self.read_file()
        elif self.stack.currentIndex() == self.PAGE_MAP:
            self.check()

    def cancel_or_close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            return
        self.reject() if self.stack.currentIndex() != self.PAGE_RUN else self.accept()

    def _run(self, op: QueryOp | CollectionOp, on_done, label: str) -> None:
        self.busy.setToolTip(label)

        def finished(result):
            on_done(result)
            self._update_buttons()

        def failed(exc):
            self._failed(exc, "".join(traceback.format_exception(exc)))
            self._update_buttons()

        def progress(done, total, _text):
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(min(done, total))

        run_with_bar(self, self.busy, op.success(finished).failure(failed), on_progress=progress)
        self._update_buttons()

    def _failed(self, exc, tb) -> None:

        if isinstance(exc, Cancelled):
            self.run_label.setText(_("Cancelled: nothing was imported."))
            return
        if isinstance(exc, ImportRefused | AlreadyImported):
            self.run_label.setText(str(exc))
            return
        if isinstance(exc, ImportFileError):
            show_error(self, str(exc))
            return
        message = storage_error_message(exc)
        if self.stack.currentIndex() == self.PAGE_RUN:
            self.run_label.setText((message or str(exc)) + "\n" + _("Nothing was imported."))
        else:
            show_error(self, message or str(exc), tb)

    # --- step 1 -> 2: read the file ------------------------------------------------------------
    def read_file(self) -> None:
        path = self.path_edit.text().strip()
        if not path or not Path(path).is_file():
            show_error(self, _("Choose a file to import."))
            return
        encoding = self.encoding_combo.currentData()

        self.read_as = (path, encoding)

        def work(task):
            return transfer.preview(path, encoding)  # the head only: the check streams the rest

        self._run(QueryOp.without_db(parent=self, op=work), self._file_read, _("Reading the file…"))

    def _file_read(self, table) -> None:
        self.table = table
        mapping = transfer.guess_mapping(table.headers, self.kind)
        fields = transfer.fields_for(self.kind)
        self.map_info.setText(
            _("{name} ({encoding}). Check where each column goes:").format(
                name=Path(table.source).name, encoding=table.encoding
            )
        )
        self.map_table.setRowCount(len(table.headers))
        self.combos = []
        for i, header in enumerate(table.headers):
            self.map_table.setItem(i, 0, QTableWidgetItem(header))
            samples = [r[i] for r in table.rows[:SAMPLES] if i < len(r) and r[i].strip()]
            self.map_table.setItem(i, 1, QTableWidgetItem(" / ".join(samples)))
            combo = QComboBox()
            combo.addItem(_("(do not import)"), transfer.IGNORE)
            for name in fields:
                combo.addItem(transfer.field_label(self.kind, name), name)
            combo.setCurrentIndex(max(0, combo.findData(mapping.get(i, transfer.IGNORE))))
            self.map_table.setCellWidget(i, 2, combo)
            self.combos.append(combo)
        self.map_table.resizeColumnToContents(0)
        self.map_table.setColumnWidth(2, 220)
        self._show(self.PAGE_MAP)

    def mapping(self) -> dict[int, str]:
        return {i: c.currentData() for i, c in enumerate(self.combos) if c.currentData()}

    def set_mapping(self, column: int, field: str) -> None:
        combo = self.combos[column]
        combo.setCurrentIndex(max(0, combo.findData(field)))

    # --- step 2 -> 3: the dry run --------------------------------------------------------------
    def check(self) -> None:
        missing = transfer.required_fields(self.kind, self.mapping())
        if missing:
            show_error(self, _("Choose a column for {what}.").format(what=", ".join(missing)))
            return
        (path, encoding), kind, mapping = self.read_as, self.kind, self.mapping()
        create = self.create_check.isChecked() and kind == "visits"

        def work(db, task):
            return transfer.plan_import(
                db,
                transfer.open_file(path, encoding),  # read row by row, never held whole
                kind,
                mapping,
                create_customers=create,
                progress=lambda d, t: task.progress(d, t),
                check_cancelled=task.check_cancelled,
            )

        self._run(QueryOp(parent=self, op=work), self._checked, _("Checking every row…"))

    def _checked(self, plan) -> None:
        self.plan = plan
        report = plan.report
        summary = report.summary()
        if plan.previous is not None:
            summary = AlreadyImported.notice(plan.previous) + "\n" + summary
        if report.cut:
            summary += "\n" + _(
                "Below are the first {n} of each kind: {errors} errors, {dups} likely duplicates"
                " and {notes} notices in all."
            ).format(
                n=KEEP,
                errors=report.error_count,
                dups=report.duplicate_count,
                notes=report.warning_count,
            )
        self.summary.setText(summary)
        rows = (
            [(e.row, e.column, e.value, e.reason, _("Error"), ERROR_BG) for e in report.errors]
            + [
                (d.row, d.field_label(), d.value, d.describe(), _("Duplicate?"), DUP_BG)
                for d in report.duplicates
            ]
            + [(w.row, w.column, w.value, w.reason, _("Notice"), WARN_BG) for w in report.warnings]
        )
        rows.sort(key=lambda r: r[0])
        self.report_table.setRowCount(len(rows))
        for i, (row, column, value, reason, kind, colour) in enumerate(rows):
            for j, text in enumerate((str(row), column, value, reason, kind)):
                item = QTableWidgetItem(text)
                item.setBackground(QBrush(colour))
                if j == 0:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.report_table.setItem(i, j, item)
        self.report_table.resizeColumnsToContents()
        self.report_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        if report.errors:
            self.valid_radio.setText(
                _(
                    "Import the {valid} valid rows only and leave out the {bad} rows with errors"
                ).format(valid=report.valid, bad=report.bad_rows)
            )
        self.skip_dups.setEnabled(bool(plan.db_duplicates))
        self.skip_dups.setVisible(plan.kind == "customers")
        self.allow_dups.setChecked(False)
        self.allow_dups.setEnabled(bool(plan.db_duplicates) or plan.previous is not None)
        self._show(self.PAGE_CHECK)

    # --- step 3 -> 4: write --------------------------------------------------------------------
    def start_import(self) -> None:
        plan = self.plan
        assert plan is not None  # Import is enabled only once the check has a plan
        valid_only = self.valid_radio.isChecked()
        skip = self.skip_dups.isChecked()
        allow = self.allow_dups.isChecked()

        def work(db, task):
            return transfer.apply_import(
                db,
                plan,
                valid_only=valid_only,
                skip_duplicates=skip,
                allow_duplicates=allow,
                progress=lambda d, t: task.progress(d, t, ""),
                check_cancelled=task.check_cancelled,
            )

        def changes(report) -> Changes:
            return Changes(
                customers=report.kind == "customers" or bool(report.created_customers),
                visits=report.kind == "visits",
            )

        self.run_label.setText(_("Importing… (Cancel undoes everything)"))
        self.progress.setRange(0, max(plan.report.valid, 1))
        self.progress.setValue(0)
        self._show(self.PAGE_RUN)
        self._run(
            CollectionOp(parent=self, op=work, changes=changes), self._imported, _("Importing…")
        )

    def _imported(self, report) -> None:
        self.report = report
        self.progress.setValue(self.progress.maximum())
        self.run_label.setText(report.summary())  # the op tells the pages what changed
