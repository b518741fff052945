"""The write: the rows a check passes go into the database in ONE transaction, in batches as the
file is read, so a crash, a cancel or kill -9 leaves either everything or nothing.

``apply_import(db, plan)`` writes what a dry run (``checking.plan_import``) passed: it reads the
file again, judges each row with the dry run's lookups and writes it; a file changed since the
dry run is refused (its fingerprint). ``import_file`` (the command line) reads the file ONCE,
checking and writing together: rows with errors, when all or nothing was asked, and a file
imported before (``store/imports.py``) roll the transaction back instead of being refused before
it. Customers go in through ``store_customers.insert_many`` with the search index filled at the
end, visits through ``bulk.visit_loader`` (multi-row INSERTs, the figures set once).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
from typing import Any

from sqlite_utils import Database

from shopcrm.domain.models import Customer
from shopcrm.domain.rules import ValidationError
from shopcrm.i18n import N_, _
from shopcrm.services.transfer.checking import (
    CACHED,
    CHUNK,
    CheckCancelled,
    ImportPlan,
    Pass,
    PlannedVisit,
    Progress,
    start_plan,
)
from shopcrm.services.transfer.mapping import apply_overrides, guess_mapping
from shopcrm.services.transfer.reading import ImportFileError, open_file
from shopcrm.services.transfer.report import (
    AlreadyImported,
    ImportRefused,
    ImportReport,
    RowProblem,
)
from shopcrm.store import bulk, file_rows, menu
from shopcrm.store import customers as store_customers
from shopcrm.store import imports as store_imports
from shopcrm.store.customers import to_text


def apply_import(
    db: Database,
    plan: ImportPlan,
    *,
    valid_only: bool = False,
    skip_duplicates: bool = False,
    allow_duplicates: bool = False,
    progress: Progress | None = None,
    check_cancelled: CheckCancelled | None = None,
) -> ImportReport:
    """Write the planned rows in ONE transaction. With errors in the plan and not
    ``valid_only``, raise ``ImportRefused`` and write nothing. Any failure while writing (a
    disk full, a cancel) rolls everything back.

    Duplicates are opt-in: a file whose rows were imported before raises ``AlreadyImported``,
    and visits already in the database (same guest, time and amount) are left out, unless
    ``allow_duplicates``. Customers that look like ones already registered are imported unless
    ``skip_duplicates`` (a same name may be another person)."""
    if plan.report.bad_rows and not valid_only:
        raise ImportRefused(plan.report)
    if not allow_duplicates and plan.fingerprint:
        previous = store_imports.find(db, plan.kind, plan.fingerprint)
        if previous is not None:
            raise AlreadyImported(previous)
    report = plan.report.copy(dry_run=False)
    # the rows are judged again as the dry run judged them: its problems are in the report
    scratch = ImportReport(kind=plan.kind)
    return _write(
        db,
        plan,
        Pass(db, plan, scratch, progress, check_cancelled, names=False),
        report,
        valid_only=valid_only,
        skip_duplicates=skip_duplicates,
        allow_duplicates=allow_duplicates,
        checked=True,
    )


def _write(
    db: Database,
    plan: ImportPlan,
    check: Pass,
    report: ImportReport,
    *,
    valid_only: bool,
    skip_duplicates: bool,
    allow_duplicates: bool,
    checked: bool,
) -> ImportReport:
    """Read the rows (``check``), write each that passes; then the refusals, rolling back."""
    skip = skip_duplicates or (plan.kind == "visits" and not allow_duplicates)
    valid = 0
    with db.atomic():
        loading: contextlib.AbstractContextManager[Any]
        if plan.kind == "customers":
            writer: _Customers | _Visits = _Customers(db)
            loading = bulk.search_index_after(db)  # the search index filled once, at the end
        else:
            writer = _Visits(db, report, valid_only)
            loading = bulk.visit_loader(db)
        with loading as load:
            writer.load = load
            for line, prepared, in_db in check:
                valid += 1
                if (in_db and skip) or (check.report.bad_rows and not valid_only):
                    continue  # a row left out; or an import that will be refused
                writer.add(line, prepared)
            writer.flush()
        if checked:
            if check.fingerprint != plan.fingerprint or check.rows != plan.report.rows:
                raise ImportFileError(
                    N_("{name} changed since it was checked: check it again."), name=plan.source
                )
        else:
            report.valid = valid
            plan.fingerprint = check.fingerprint
            if report.bad_rows and not valid_only:
                raise ImportRefused(report.copy(dry_run=True, created_customers=0))
            previous = store_imports.find(db, plan.kind, plan.fingerprint)
            if previous is not None and not allow_duplicates:
                raise AlreadyImported(previous)
        report.imported = writer.count
        report.created_customers = getattr(writer, "created_customers", 0)
        if plan.fingerprint and report.imported:  # a file nothing came from can come again
            store_imports.record(
                db,
                plan.kind,
                plan.fingerprint,
                source=plan.source,
                rows=report.rows,
                imported=report.imported,
            )
    report.skipped = report.rows - report.imported
    return report


class _Customers:
    """Customers in chunks of ``CHUNK``; a new acquisition channel is added on its first row."""

    def __init__(self, db: Database):
        self.db = db
        self.load = None
        self.count = 0
        self.chunk: list[Customer] = []
        self.channel_ids: dict[str, int | None] = {}
        self.moment = dt.datetime.now().replace(microsecond=0)

    def add(self, line: int, c: Customer) -> None:
        changes: dict = {}
        if c.channel and c.channel_id is None:
            if c.channel not in self.channel_ids:
                self.channel_ids[c.channel] = store_customers.channel_id(
                    self.db, c.channel, create=True
                )
            changes["channel_id"] = self.channel_ids[c.channel]
        if c.dm_consent and c.dm_consent_at is None:
            # a consent without a date is dated now (as registering a guest in the app would)
            changes["dm_consent_at"] = self.moment
        self.chunk.append(dataclasses.replace(c, **changes) if changes else c)
        if len(self.chunk) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.chunk:
            store_customers.insert_many(self.db, self.chunk)
            self.count += len(self.chunk)
            self.chunk = []


class _Visits:
    """Visits through ``bulk.visit_loader`` with the checks ``visits.record`` makes, so a row
    that would fail there is reported (or, without ``valid_only``, stops the import) the same
    way; a guest first named by a new membership code is registered on their first row."""

    def __init__(self, db: Database, report: ImportReport, valid_only: bool):
        self.db, self.report, self.valid_only = db, report, valid_only
        self.load: bulk.VisitLoader | None = None
        self.count = 0
        self.created_customers = 0
        self.created: dict[str, int] = {}
        self.erased = file_rows.customer_ids(db)  # id -> erased? as of now (the plan may be older)
        self.menu_items: dict[str, tuple[int | None, int | None]] = {}  # name -> (id, price)
        self.orders: dict[tuple, list] = {}  # an order's items, linked to the menu once
        self.moment = to_text(dt.datetime.now())

    def linked(self, name: str) -> tuple[int | None, int | None]:
        # as visits.record links a name to the menu (with the price of the day), once per name
        if name not in self.menu_items:
            item = menu.find_item(self.db, name)
            self.menu_items[name] = (item.id, item.price) if item else (None, None)
        return self.menu_items[name]

    def failed(self, line: int, err: ValidationError) -> None:
        self.report.add_error(RowProblem(line, err.field_label, "", err.message))
        if not self.valid_only:
            raise err

    def _registered(self, line: int, prepared: PlannedVisit, code: str) -> int | None:
        cid = self.created.get(code.casefold())
        if cid is not None:
            return cid
        try:
            with self.db.atomic():  # a savepoint: a customer that fails leaves no trace
                existing = store_customers.find_by_code(self.db, code)
                if existing is None:
                    existing = store_customers.create(
                        self.db,
                        Customer(
                            name=prepared.create_name or _("Member {code}").format(code=code),
                            kana=prepared.create_kana,
                            code=code,
                        ),
                    )
                    self.created_customers += 1
        except ValidationError as err:
            self.failed(line, err)
            return None
        assert existing.id is not None  # a stored customer
        self.created[code.casefold()] = existing.id
        self.erased[existing.id] = existing.erased_at is not None
        return existing.id

    def add(self, line: int, visit: PlannedVisit) -> None:
        cid = visit.customer_id
        if cid is None and visit.create_code:
            cid = self._registered(line, visit, visit.create_code)
            if cid is None:
                return
        if cid is not None and cid not in self.erased:
            self.failed(line, ValidationError("customer", N_("no such customer")))
            return
        if cid is not None and self.erased[cid]:
            self.failed(line, ValidationError("customer", N_("this customer's record was erased")))
            return
        items = self.orders.get(visit.items)
        if items is None:
            items = []
            for item_name, quantity in visit.items:
                name = (item_name or "").strip()
                menu_item_id, price = self.linked(name)
                items.append((menu_item_id, name, quantity, price))
            if len(self.orders) < CACHED:
                self.orders[visit.items] = items
        visited_at = visit.stored_at or to_text(visit.visited_at)
        assert visited_at is not None and self.load is not None
        self.load.add(
            cid,
            visited_at,
            visit.amount,
            visit.party_size,
            visit.staff.strip() if visit.staff else "",
            visit.note.strip() if visit.note else "",
            self.moment,
            items,
        )
        self.count += 1

    def flush(self) -> None:
        """The loader writes what is left when its block ends."""


def import_file(
    db: Database,
    path: str | os.PathLike,
    kind: str,
    *,
    dry_run: bool = False,
    valid_only: bool = False,
    create_customers: bool = False,
    skip_duplicates: bool = False,
    allow_duplicates: bool = False,
    encoding: str = "auto",
    overrides: dict[str, str] | None = None,
    progress: Progress | None = None,
    check_cancelled: CheckCancelled | None = None,
) -> ImportReport:
    """Read ``path`` once, checking (``dry_run``) or checking and writing — the command line's
    import. Errors (unless ``valid_only``) and an exact re-import (unless ``allow_duplicates``)
    roll the write back and raise as ``apply_import`` does."""
    source = open_file(path, encoding)
    mapping = guess_mapping(source.headers, kind)
    if overrides:
        mapping = apply_overrides(source.headers, mapping, overrides, kind)
    plan = start_plan(db, source, kind, mapping, create_customers=create_customers)
    report = plan.report
    check = Pass(db, plan, report, progress, check_cancelled)
    if dry_run:
        report.valid = sum(1 for _row in check)
        return report
    report.dry_run = False
    return _write(
        db,
        plan,
        check,
        report,
        valid_only=valid_only,
        skip_duplicates=skip_duplicates,
        allow_duplicates=allow_duplicates,
        checked=False,
    )
