"""The import's report: every row that would fail (row, column, value, reason), likely
duplicates and warnings, with counts; and the two refusals (errors, a file imported before).

A report keeps the first ``KEEP`` problems of each kind and counts the rest: a file of a million
bad rows gives a report of a few thousand lines, not a million objects.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from shopcrm.i18n import N_, _, ngettext
from shopcrm.store import imports as store_imports

KEEP = 1000  # problems of each kind kept in the report (the rest are counted)


@dataclass
class RowProblem:
    """A row that would fail (or a warning about one): line in the file, column, value, reason."""

    row: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass
class Duplicate:
    """A row that looks like another row of the file or a customer already in the database."""

    row: int
    by: str  # phone, email, code, name_kana, visit
    value: str
    other_row: int | None = None
    customer_id: int | None = None
    name: str = ""

    def describe(self) -> str:
        what = {
            "phone": _("same phone"),
            "email": _("same email"),
            "code": _("same membership code"),
            "name_kana": _("same name and reading"),
            "visit": _("same customer, time and amount"),
        }.get(self.by, self.by)
        if self.customer_id is not None:
            other = _("customer #{id} {name}").format(id=self.customer_id, name=self.name)
        else:
            other = _("row {row}").format(row=self.other_row)
        return _("{what} as {other}").format(what=what, other=other)

    def field_label(self) -> str:
        """The column(s) the rows share, in the user's language."""
        if self.by == "name_kana":
            return _("Name") + " / " + _("Reading (kana)")
        label = {
            "phone": N_("Phone"),
            "email": N_("Email"),
            "code": N_("Membership code"),
            "visit": N_("Date and time"),
        }.get(self.by)
        return _(label) if label else self.by

    def as_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["reason"] = self.describe()
        return d


@dataclass
class ImportReport:
    kind: str
    rows: int = 0  # data rows read (blank lines not counted)
    valid: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    imported: int = 0
    skipped: int = 0
    created_customers: int = 0
    dry_run: bool = True
    encoding: str = ""
    mapping: dict[str, str] = field(default_factory=dict)  # header -> field
    # every problem counted; the lists above keep the first KEEP of each
    error_count: int = 0
    bad_rows: int = 0  # rows with at least one error
    duplicate_count: int = 0
    warning_count: int = 0
    last_bad: int = field(default=-1, repr=False)  # problems come row after row

    @property
    def error_rows(self) -> list[int]:
        """The rows of the errors kept (``bad_rows`` counts them all)."""
        return sorted({e.row for e in self.errors})

    @property
    def cut(self) -> bool:
        """Whether problems were counted but not kept."""
        return (
            self.error_count > len(self.errors)
            or self.duplicate_count > len(self.duplicates)
            or self.warning_count > len(self.warnings)
        )

    def add_error(self, problem: RowProblem) -> None:
        self.error_count += 1
        if problem.row != self.last_bad:
            self.bad_rows += 1
            self.last_bad = problem.row
        if len(self.errors) < KEEP:
            self.errors.append(problem)

    def add_duplicate(self, duplicate: Duplicate) -> None:
        self.duplicate_count += 1
        if len(self.duplicates) < KEEP:
            self.duplicates.append(duplicate)

    def add_warning(self, problem: RowProblem) -> None:
        self.warning_count += 1
        if len(self.warnings) < KEEP:
            self.warnings.append(problem)

    def copy(self, **changes) -> ImportReport:
        """A copy whose lists can grow without changing this one."""
        changes.setdefault("errors", list(self.errors))
        changes.setdefault("duplicates", list(self.duplicates))
        changes.setdefault("warnings", list(self.warnings))
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "valid": self.valid,
            "imported": self.imported,
            "skipped": self.skipped,
            "created_customers": self.created_customers,
            "encoding": self.encoding,
            "mapping": self.mapping,
            "error_count": self.error_count,
            "bad_rows": self.bad_rows,
            "duplicate_count": self.duplicate_count,
            "warning_count": self.warning_count,
            "errors": [e.as_dict() for e in self.errors],
            "duplicates": [d.as_dict() for d in self.duplicates],
            "warnings": [w.as_dict() for w in self.warnings],
        }

    def summary(self) -> str:
        if self.dry_run:
            text = _(
                "Dry run: {valid} of {rows} rows can be imported, {bad} rows have errors,"
                " {dups} likely duplicates."
            )
        elif self.kind == "visits":
            text = _(
                "Imported {imported} of {rows} rows ({skipped} skipped); {created} new customers."
            )
        else:
            text = _("Imported {imported} of {rows} rows ({skipped} skipped).")
        return text.format(
            valid=self.valid,
            rows=self.rows,
            bad=self.bad_rows,
            dups=self.duplicate_count,
            imported=self.imported,
            skipped=self.skipped,
            created=self.created_customers,
        )


class ImportRefused(ValueError):
    """The file has errors and the caller asked for all or nothing: nothing was written."""

    def __init__(self, report: ImportReport):
        super().__init__(report)
        self.report = report

    def __str__(self) -> str:
        return _(
            "Nothing was imported: {bad} rows have errors. Fix them, or import the valid rows"
            " only (--valid-only)."
        ).format(bad=self.report.bad_rows)


class AlreadyImported(ValueError):
    """The same rows were imported before: nothing was written (``allow_duplicates`` imports
    them again)."""

    def __init__(self, previous: store_imports.ImportRecord):
        super().__init__(previous)
        self.previous = previous

    def __str__(self) -> str:
        p = self.previous
        return ngettext(
            "Nothing was imported: this file ({name}) was already imported on {date}"
            " ({imported} row). Importing it again would count every row twice.",
            "Nothing was imported: this file ({name}) was already imported on {date}"
            " ({imported} rows). Importing it again would count every row twice.",
            p.imported,
        ).format(
            name=p.source or "-",
            date=p.imported_at.strftime("%Y-%m-%d %H:%M"),
            imported=p.imported,
        )

    @staticmethod
    def notice(previous: store_imports.ImportRecord) -> str:
        """Said before importing (the wizard's check page): what will happen, not what did."""
        return ngettext(
            "This file ({name}) was already imported on {date} ({imported} row). It is imported"
            " again only if you ask for rows already in the database (below).",
            "This file ({name}) was already imported on {date} ({imported} rows). It is imported"
            " again only if you ask for rows already in the database (below).",
            previous.imported,
        ).format(
            name=previous.source or "-",
            date=previous.imported_at.strftime("%Y-%m-%d %H:%M"),
            imported=previous.imported,
        )
