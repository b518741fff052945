"""The dry run: every row of a file judged by the domain rules, likely duplicates found, nothing
written; and the same judgement row by row for the write (``writing``), streaming.

``plan_import(db, source, kind, mapping)`` reads the rows once (``Source.records()``: a
``FileSource`` streams them from the file, a ``Table`` from memory), keeps the report (its
first problems, counts of all) and the fingerprint of the rows, and no row: the write reads the
file again and judges each row with the lookups the dry run made (``Lookups``), so it writes
exactly the rows the dry run passed. ``Pass`` is one such reading.

Likely duplicates: customers with the same phone, email or membership code, or the same name
and reading, in the file or in the database; visits with the same customer, time and amount.
Visits within the file are compared after the pass, on compact arrays (``numpy``): 21 bytes a
row instead of a dictionary entry (a million rows held 100 MB that way).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from sqlite_utils import Database

from shopcrm.domain.dates import EARLIEST_VISIT, TYPED_SLACK, check_visit_time, parse_datetime
from shopcrm.domain.kana import search_key
from shopcrm.domain.models import Customer, Visit, VisitItem
from shopcrm.domain.rules import ValidationError, validate_amount, validate_party_size
from shopcrm.i18n import N_, _
from shopcrm.services.transfer.mapping import fields_for, guess_mapping, required_fields
from shopcrm.services.transfer.reading import Fingerprint, ImportFileError, Source
from shopcrm.services.transfer.report import KEEP, Duplicate, ImportReport
from shopcrm.services.transfer.rows import (
    Row,
    attempt,
    check_lengths,
    customer_from,
    items,
    phone,
    too_many_columns,
    unreadable,
)
from shopcrm.store import customers as store_customers
from shopcrm.store import file_rows
from shopcrm.store import imports as store_imports

CHUNK = 500  # rows between progress reports
SECONDS_BITS = 37  # seconds since year 1 up to year 4300; the customer id in the bits above
CACHED = 50_000  # distinct values remembered per field (amounts, party sizes, orders)

Progress = Callable[[int, int], None]
CheckCancelled = Callable[[], None]  # raises to stop


class PlannedVisit(NamedTuple):
    """A visit row that passed the check, as compact as it can be."""

    customer_id: int | None
    create_code: str | None  # a membership code to register the guest with, when new
    create_name: str
    create_kana: str
    visited_at: dt.datetime
    amount: int
    party_size: int
    items: tuple[tuple[str, int], ...]  # (name, quantity)
    staff: str
    note: str
    stored_at: str = ""  # visited_at as stored ("YYYY-MM-DD HH:MM:SS")

    def as_visit(self, customer_id: int | None = None) -> Visit:
        return Visit(
            customer_id=self.customer_id if customer_id is None else customer_id,
            visited_at=self.visited_at,
            amount=self.amount,
            party_size=self.party_size,
            items=[VisitItem(name=n, quantity=q) for n, q in self.items],
            staff=self.staff,
            note=self.note,
        )


@dataclass
class Lookups:
    """What is already in the database, read once for the dry run (and used again to write)."""

    codes: dict[str, tuple[int, str]]  # membership code (casefolded) -> (id, name)
    phones: dict[str, list[tuple[int, str]]]
    existing: dict[tuple[str, str], tuple[int, str]]  # (by, key) -> (id, name), customers
    channels: dict[str, int | None]
    ids: dict[int, bool]  # customer id -> erased? (visits)
    known_visits: set[tuple[int, str, int]]  # (customer, time, amount) already stored

    @classmethod
    def read(cls, db: Database, kind: str, fields: set[str]) -> Lookups:
        """Only what the mapped ``fields`` need: a visits file by membership code does not
        load the phones (a chain's 200,000 guests are a few dozen MB in each lookup)."""
        existing: dict[tuple[str, str], tuple[int, str]] = {}
        phones: dict[str, list[tuple[int, str]]] = {}
        codes: dict[str, tuple[int, str]] = {}
        customers = kind == "customers"
        want_phones = customers or "phone" in fields
        want_codes = customers or "code" in fields
        for cid, name, kana, phone_, email, code in file_rows.customer_keys(db):
            shown = name if customers else ""  # visits name a guest only in a kept duplicate
            if phone_ and want_phones:
                phones.setdefault(phone_, []).append((cid, shown))
                if customers:
                    existing.setdefault(("phone", phone_), (cid, name))
            if code and want_codes:
                codes[code.casefold()] = (cid, shown)
            if not customers:
                continue
            if email:
                existing.setdefault(("email", email.casefold()), (cid, name))
            if code:
                existing.setdefault(("code", code.casefold()), (cid, name))
            if kana:
                existing.setdefault(
                    ("name_kana", search_key(name) + "|" + search_key(kana)), (cid, name)
                )
        return cls(
            codes=codes,
            phones=phones,
            existing=existing,
            channels={ch.name: ch.id for ch in store_customers.list_channels(db)},
            ids=file_rows.customer_ids(db) if "customer_id" in fields else {},
            known_visits=set() if customers else file_rows.visit_keys(db),
        )


@dataclass
class ImportPlan:
    """The dry run's result: the report, where the rows are, and what the check looked up."""

    kind: str
    report: ImportReport
    rows_from: Source
    mapping: dict[int, str]
    lookups: Lookups
    create_customers: bool = False
    new_channels: list[str] = field(default_factory=list)
    db_duplicates: int = 0  # rows duplicating the database
    fingerprint: str = ""  # Fingerprint of the rows: an exact re-import is refused
    source: str = ""  # the file's name
    previous: store_imports.ImportRecord | None = None  # when these rows were imported before


def start_plan(
    db: Database,
    source: Source,
    kind: str,
    mapping: dict[int, str] | None = None,
    *,
    create_customers: bool = False,
) -> ImportPlan:
    """A plan with its lookups and an empty report; ``plan_import`` or the write fills it."""
    mapping = guess_mapping(source.headers, kind) if mapping is None else mapping
    missing = required_fields(kind, mapping)
    if missing:
        raise ImportFileError(
            N_("The file needs {what}. Its columns are: {columns}. Map them with --map."),
            what=", ".join(missing),
            columns=", ".join(source.headers) or "-",
        )
    headers = source.headers
    report = ImportReport(
        kind=kind,
        encoding=source.encoding,
        mapping={
            (headers[i] if i < len(headers) else str(i + 1)): name
            for i, name in sorted(mapping.items())
        },
    )
    return ImportPlan(
        kind=kind,
        report=report,
        rows_from=source,
        mapping=mapping,
        lookups=Lookups.read(db, kind, set(mapping.values())),
        create_customers=create_customers,
        source=Path(source.source).name,
    )


def plan_import(
    db: Database,
    source: Source,
    kind: str,
    mapping: dict[int, str] | None = None,
    *,
    create_customers: bool = False,
    progress: Progress | None = None,
    check_cancelled: CheckCancelled | None = None,
) -> ImportPlan:
    """The dry run: judge every row, find duplicates; writes nothing and keeps no row."""
    plan = start_plan(db, source, kind, mapping, create_customers=create_customers)
    check = Pass(db, plan, plan.report, progress, check_cancelled)
    valid = 0
    for _line, _prepared, in_db in check:
        valid += 1
        plan.db_duplicates += in_db
    plan.report.valid = valid
    plan.fingerprint = check.fingerprint
    plan.new_channels = check.new_channels
    plan.previous = store_imports.find(db, kind, plan.fingerprint)
    return plan


def planned_rows(db: Database, plan: ImportPlan) -> Iterator[tuple[int, object]]:
    """The rows the dry run passed, read from the file again: ``(line, Customer or
    PlannedVisit)``."""
    for line, prepared, _in_db in Pass(db, plan, ImportReport(kind=plan.kind), names=False):
        yield line, prepared


class Pass:
    """One reading of the plan's rows: iterating gives ``(line, prepared, duplicates the
    database)`` for every row that passes (a ``Customer`` or a ``PlannedVisit``); problems go to
    ``report``. Afterwards ``rows`` and ``fingerprint`` are the file's."""

    def __init__(
        self,
        db: Database,
        plan: ImportPlan,
        report: ImportReport,
        progress: Progress | None = None,
        cancel: CheckCancelled | None = None,
        *,
        names: bool = True,
    ):
        """``names``: look up the guest's name of a duplicate kept (not when the report is a
        scratch one, as in the write after a dry run)."""
        self.db, self.plan, self.report = db, plan, report
        self.names = names
        self.progress, self.cancel = progress, cancel
        self.lk = plan.lookups
        self.rows = 0
        self.fingerprint = ""
        self.new_channels: list[str] = []
        self.channels = dict(self.lk.channels)
        self.seen: dict[tuple[str, str], int] = {}
        self.codes_in_file: dict[str, int] = {}
        self.new_codes: dict[str, int] = {}  # code -> line of the row that creates the customer
        self.code_numbers: dict[str, int] = {}
        self.cache: dict[str, dict[str, object]] = {"amount": {}, "party": {}}
        # an order's text -> its items, or its errors (the same text parsed once, tuples shared)
        self.orders: dict[str, tuple[tuple[str, int], ...] | list[ValidationError]] = {}
        # check_visit_time's bounds: a moment between them passes without the call
        self.latest = dt.datetime.now() + TYPED_SLACK - dt.timedelta(minutes=1)
        self.known_customers = {k[0] for k in self.lk.known_visits}
        # per visit that passed: customer << SECONDS_BITS | seconds, amount, line, in the db?
        self.keys_hi, self.keys_lo = array("q"), array("q")
        self.key_lines, self.key_in_db = array("i"), array("b")

    def __iter__(self) -> Iterator[tuple[int, Any, bool]]:
        plan, report, source = self.plan, self.report, self.plan.rows_from
        fp = Fingerprint(source.headers)
        mapping = list(plan.mapping.items())
        columns = {name: col for col, name in mapping}
        blank = dict.fromkeys(fields_for(plan.kind), "")
        total = source.progress_total()
        judge = self.customer if plan.kind == "customers" else self.visit
        n = 0
        for n, record in enumerate(source.records(), start=1):
            if n % CHUNK == 1:
                if self.cancel:
                    self.cancel()
                if self.progress:
                    self.progress(min(source.progress_done(n - 1), total), total)
            fp.update(record.cells)
            row = Row(report, plan.kind, source.headers, record, mapping, columns, blank)
            if unreadable(row, record):
                continue
            check_lengths(row)
            too_many_columns(row, record)
            result = judge(row)
            if result is not None:
                yield (row.line, *result)
        self.rows = n
        report.rows = n
        self.fingerprint = fp.hexdigest()
        if plan.kind == "visits":
            self._visits_repeated_in_file()
        report.errors.sort(key=lambda e: e.row)
        report.duplicates.sort(key=lambda d: d.row)
        if self.progress:
            self.progress(total, total)

    def _cached(self, row: Row, name: str, fn: Callable, text: str):
        """``fn(text)`` remembered per text: a million visits have a few hundred amounts."""
        cache = self.cache[name]
        found = cache.get(text)
        if found is None:
            try:
                found = fn(text)
            except ValidationError as err:
                found = err
            if len(cache) >= CACHED:
                cache.clear()
            cache[text] = found
        if isinstance(found, ValidationError):
            row.error(found, "party_size" if name == "party" else name)
            return None
        return found

    # --- customers ------------------------------------------------------------------------------
    def customer(self, row: Row) -> tuple[Customer, bool] | None:
        c = customer_from(row, self.channels)
        if c is None:
            return None
        if c.channel and c.channel_id is None and c.channel not in self.new_channels:
            cid = store_customers.channel_id(self.db, c.channel)  # once per new channel
            if cid is not None:
                self.channels[c.channel] = cid
                c = dataclasses.replace(c, channel_id=cid)
            else:
                self.new_channels.append(c.channel)
                row.warn("channel", c.channel, _("a new acquisition channel will be added"))
        if c.code:
            key = c.code.casefold()
            if key in self.lk.codes:
                cid, name = self.lk.codes[key]
                row.error(
                    ValidationError(
                        "code",
                        N_("{code} is already used by customer #{id} {name}"),
                        code=c.code,
                        id=cid,
                        name=name,
                    )
                )
                return None
            if key in self.codes_in_file:
                row.error(
                    ValidationError(
                        "code",
                        N_("{code} is also on row {row}"),
                        code=c.code,
                        row=self.codes_in_file[key],
                    )
                )
                return None
            self.codes_in_file[key] = row.line
        keys = []
        if c.phone:
            keys.append(("phone", c.phone, c.phone))
        if c.email:
            keys.append(("email", c.email.casefold(), c.email))
        if c.kana:
            keys.append(
                ("name_kana", search_key(c.name) + "|" + search_key(c.kana), f"{c.name} {c.kana}")
            )
        in_db = False
        for by, key, shown in keys:
            if (by, key) in self.lk.existing:
                cid, name = self.lk.existing[(by, key)]
                self.report.add_duplicate(
                    Duplicate(row.line, by, shown, customer_id=cid, name=name)
                )
                in_db = True
            elif (by, key) in self.seen:
                self.report.add_duplicate(
                    Duplicate(row.line, by, shown, other_row=self.seen[(by, key)])
                )
            self.seen.setdefault((by, key), row.line)
        return c, in_db

    # --- visits ---------------------------------------------------------------------------------
    def _visit_customer(self, row: Row) -> tuple[int | None, str | None]:
        """(customer id, or None with the code to register them with) of a visit row."""
        lk, v = self.lk, row.values
        code = v["code"]
        if code.endswith(".0") and "code" in row.numeric:
            code = code[:-2]
        if v["customer_id"]:
            raw = unicodedata.normalize("NFKC", v["customer_id"]).strip()
            if not raw.isdigit() or int(raw) not in lk.ids:
                row.error(ValidationError("customer_id", N_("no customer has the ID {id}"), id=raw))
            elif lk.ids[int(raw)]:
                row.error(ValidationError("customer_id", N_("this customer's record was erased")))
            else:
                return int(raw), None
        elif code:
            key = (code if code.isascii() else unicodedata.normalize("NFKC", code)).strip()
            code, key = key, key.casefold()
            if key in lk.codes:
                return lk.codes[key][0], None
            if key in self.new_codes:
                return None, code
            if self.plan.create_customers:
                self.new_codes[key] = row.line
                return None, code
            row.error(
                ValidationError(
                    "code",
                    N_(
                        "no customer has the membership code {code}"
                        " (import with --create-customers to add them)"
                    ),
                    code=code,
                )
            )
        elif v["phone"]:
            number = phone(row)
            matches = lk.phones.get(number, []) if number else []
            if number and not matches:
                row.error(ValidationError("phone", N_("no customer has this phone number")))
            elif len(matches) > 1:
                row.error(
                    ValidationError(
                        "phone",
                        N_("{n} customers have this phone number; use the membership code"),
                        n=len(matches),
                    )
                )
            elif matches:
                return matches[0][0], None
        else:
            row.error(ValidationError("customer", N_("says nothing about which customer")))
        return None, None

    def _order(self, row: Row) -> tuple[tuple[str, int], ...] | None:
        text = row.values["items"]
        cache = self.orders
        found = cache.get(text)
        if found is None:
            parsed = items(text)
            bad = [
                ValidationError(
                    "items", N_("the quantity of {item} must be between 1 and 999"), item=i.name
                )
                for i in parsed
                if not 1 <= i.quantity <= 999
            ]
            found = bad or tuple((i.name, i.quantity) for i in parsed)
            if len(cache) >= CACHED:
                cache.clear()
            cache[text] = found
        if isinstance(found, list):
            for err in found:
                row.error(err)
            return None
        return found

    def visit(self, row: Row) -> tuple[PlannedVisit, bool] | None:
        customer_id, create = self._visit_customer(row)
        v = row.values
        when = None
        if v["visited_at"]:
            when = attempt(row, "visited_at", parse_datetime, v["visited_at"])
        elif v["date"]:
            text = f"{v['date']} {v['time']}".strip()
            when = attempt(row, "date" if not v["time"] else "visited_at", parse_datetime, text)
        else:
            row.error(ValidationError("visited_at", N_("is required")))
        if when is not None and (when > self.latest or when.date() < EARLIEST_VISIT):
            when = attempt(row, "visited_at", check_visit_time, when)  # the check's message
        amount = self._cached(row, "amount", validate_amount, v["amount"])
        party = 1
        if v["party_size"]:
            party = self._cached(row, "party", validate_party_size, v["party_size"])
        order = self._order(row)
        if row.failed:
            return None
        assert when is not None and amount is not None and party is not None and order is not None
        if create and self.new_codes.get(create.casefold()) == row.line:
            row.warn("code", create, _("a new customer will be registered with this code"))
        stamp = when.replace(microsecond=0) if when.microsecond else when
        shown = stamp.isoformat(sep=" ")
        prepared = PlannedVisit(
            customer_id,
            create,
            v["name"],
            v["kana"],
            when,
            amount,
            party,
            order,
            v["staff"],
            v["note"],
            shown,
        )
        seconds = stamp.toordinal() * 86_400 + stamp.hour * 3600 + stamp.minute * 60 + stamp.second
        in_db = False
        known = self.lk.known_visits
        if customer_id in self.known_customers and (customer_id, shown, amount) in known:
            self.report.add_duplicate(
                Duplicate(
                    row.line,
                    "visit",
                    shown,
                    customer_id=customer_id,
                    name=self._name(customer_id),
                )
            )
            in_db = True
        who = customer_id if customer_id is not None else -1 - self._code_index(create)
        self.keys_hi.append((who << SECONDS_BITS) | seconds)
        self.keys_lo.append(amount)
        self.key_lines.append(row.line)
        self.key_in_db.append(in_db)
        return prepared, in_db

    def _name(self, customer_id: int) -> str:
        """A guest's name for a duplicate the report keeps (looked up then, not held for all)."""
        if not self.names or len(self.report.duplicates) >= KEEP:
            return ""
        return file_rows.customer_name(self.db, customer_id)

    def _code_index(self, code: str | None) -> int:
        """A number for a customer not registered yet (their visits' duplicate keys)."""
        return self.code_numbers.setdefault((code or "").casefold(), len(self.code_numbers))

    def _visits_repeated_in_file(self) -> None:
        """Report each visit that repeats an earlier row of the file (same customer, time and
        amount), unless it already was as a visit in the database."""
        if not self.key_lines:
            return
        hi = np.frombuffer(self.keys_hi, dtype=np.int64)
        lo = np.frombuffer(self.keys_lo, dtype=np.int64)
        # stable: rows were added in file order, so each group starts with its first row
        order = np.lexsort((lo, hi))
        repeat = np.zeros(len(order), dtype=bool)
        sorted_ = hi[order]
        np.equal(sorted_[1:], sorted_[:-1], out=repeat[1:])
        sorted_ = lo[order]
        repeat[1:] &= sorted_[1:] == sorted_[:-1]
        del sorted_
        first = np.arange(len(order), dtype=np.int32)  # position of each group's first row
        first[repeat] = 0
        np.maximum.accumulate(first, out=first)
        in_db = np.frombuffer(self.key_in_db, dtype=np.int8)
        repeat &= in_db[order] == 0
        lines = np.frombuffer(self.key_lines, dtype=np.int32)
        for pos in np.flatnonzero(repeat):
            line = int(lines[order[pos]])
            other = int(lines[order[first[pos]]])
            seconds = int(hi[order[pos]]) & ((1 << SECONDS_BITS) - 1)
            stamp = dt.datetime.fromordinal(seconds // 86_400) + dt.timedelta(
                seconds=seconds % 86_400
            )
            self.report.add_duplicate(
                Duplicate(line, "visit", stamp.isoformat(sep=" "), other_row=other)
            )
        del hi, lo, lines, in_db, order, first, repeat
        self.keys_hi, self.keys_lo = array("q"), array("q")
        self.key_lines, self.key_in_db = array("i"), array("b")
