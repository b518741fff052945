"""Customers, visits and coupons out: CSV (UTF-8 with BOM so Excel opens it; cp932 on request)
or .xlsx with phone numbers, postal and membership codes as text cells. Headers are in the
user's language and map straight back on import (``mapping``). Rows are streamed from the
database; the file is written beside its target and renamed when complete.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlite_utils import Database

from shopcrm.domain.cells import neutralise
from shopcrm.domain.models import PREFERENCE_LEVEL_LABELS
from shopcrm.i18n import N_, _
from shopcrm.services.csv_files import write_csv
from shopcrm.services.transfer.checking import CHUNK, Progress
from shopcrm.services.transfer.mapping import CUSTOMER_FIELDS
from shopcrm.store import file_rows, preferences

EXPORT_KINDS = ("customers", "visits", "coupons")

TEXT_COLUMNS = {"phone", "postal_code", "code", "customer_code", "line_id"}
EXPORT_LABELS = {
    **{name: spec[0] for name, spec in CUSTOMER_FIELDS.items()},
    "visit_count": N_("Visits"),
    "total_spent": N_("Total spent"),
    "first_visit_at": N_("First visit"),
    "last_visit_at": N_("Last visit"),
    "customer_id": N_("Customer ID"),
    "visited_at": N_("Date and time"),
    "party_size": N_("Party size"),
    "amount": N_("Amount"),
    "items": N_("Items"),
    "coupon_code": N_("Coupon code"),
    "staff": N_("Staff"),
    "note": N_("Notes"),
    "campaign": N_("Campaign"),
    "customer_code": N_("Membership code"),
    "issued_at": N_("Issued"),
    "valid_from": N_("Valid from"),
    "valid_until": N_("Valid until"),
    "redeemed_at": N_("Redeemed"),
    "voided_at": N_("Voided"),
}


# Added after the customer's own columns: safety information and what they like, in words.
PREFERENCE_COLUMNS = ("allergies", "preferences")
EXPORT_LABELS["allergies"] = N_("Allergies")
EXPORT_LABELS["preferences"] = N_("Preferences")


def preference_cells(prefs: list[tuple[str, str]]) -> list[str]:
    """[allergies, other preferences] as a person reads them: "えび、そば" and
    "大好き: 獺祭、好き: 枝豆、苦手: パクチー" (in the current language)."""

    allergies = "、".join(label for level, label in prefs if level == "allergy")
    grouped: dict[str, list[str]] = {}
    for level, label in prefs:
        if level != "allergy":
            grouped.setdefault(level, []).append(label)
    others = "、".join(
        f"{_(PREFERENCE_LEVEL_LABELS.get(level, level))}: {'・'.join(labels)}"
        for level, labels in grouped.items()
    )
    return [allergies, others]


def export_headers(what: str) -> list[str]:

    columns = {
        "customers": file_rows.CUSTOMER_COLUMNS,
        "visits": file_rows.VISIT_COLUMNS,
        "coupons": file_rows.COUPON_COLUMNS,
    }[what]
    labels = []
    if what == "customers":
        columns = (*columns, *PREFERENCE_COLUMNS)
    for col in columns:
        if what == "visits" and col == "id":
            labels.append(_("Visit ID"))
        elif what == "visits" and col == "name":
            labels.append(_("Name"))
        else:
            labels.append(_(EXPORT_LABELS.get(col, col)))
    return labels


def _export_rows(db: Database, what: str):

    if what == "customers":
        prefs = preferences.labels_by_customer(db)
        for values in file_rows.customer_rows(db):
            row = list(values)
            row.extend(preference_cells(prefs.get(row[0], [])))
            try:
                row[14] = "、".join(json.loads(row[14] or "[]"))
            except ValueError:
                row[14] = ""
            row[16] = 1 if row[16] else 0
            row[19] = 1 if row[19] else 0
            yield row
    elif what == "visits":
        yield from (list(r) for r in file_rows.visit_rows(db))
    elif what == "coupons":
        yield from (list(r) for r in file_rows.coupon_rows(db))
    else:
        raise ValueError(f"unknown export {what!r}")


def export(
    db: Database,
    what: str,
    path: str | os.PathLike,
    *,
    encoding: str = "utf-8-sig",
    progress: Progress | None = None,
) -> int:
    """Write customers, visits or coupons to ``path`` (.csv or .xlsx); returns the row count.

    The file is written beside its target and renamed when complete: never half a file.
    """

    if what not in EXPORT_KINDS:
        raise ValueError(f"unknown export {what!r}")
    path = Path(path).expanduser()
    headers = export_headers(what)
    columns = {
        "customers": (*file_rows.CUSTOMER_COLUMNS, *PREFERENCE_COLUMNS),
        "visits": file_rows.VISIT_COLUMNS,
        "coupons": file_rows.COUPON_COLUMNS,
    }[what]
    total = file_rows.count(db, what)
    if path.suffix.lower() != ".xlsx":  # the one CSV writer: encoding, guard, all or nothing
        return write_csv(
            path,
            headers,
            _export_rows(db, what),
            encoding=encoding,
            private=True,  # personal data: the user's eyes only
            progress=None if progress is None else (lambda n, _total: progress(n, total)),
            total=total,
        )
    tmp = path.with_name(f".{path.name}.part")
    try:
        n = _write_xlsx(tmp, what, headers, columns, _export_rows(db, what), total, progress)
        if os.name == "posix":
            tmp.chmod(0o600)  # personal data: the user's eyes only
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return n


def _write_xlsx(path, what, headers, columns, rows, total, progress) -> int:

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(
        title=_({"customers": "Customers", "visits": "Visits", "coupons": "Coupons"}[what])[:31]
    )
    ws.freeze_panes = "A2"
    widths = {"name": 16, "kana": 16, "email": 26, "notes": 30, "items": 30, "street": 20}
    for i, col in enumerate(columns):
        ws.column_dimensions[get_column_letter(i + 1)].width = widths.get(col, 12)
    bold = Font(bold=True)
    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    text_idx = {i for i, col in enumerate(columns) if col in TEXT_COLUMNS}

    def clean(v):  # control characters (pasted from elsewhere) cannot go into a sheet; no formulas
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", v)) if isinstance(v, str) else v

    n = 0
    for n, row in enumerate(rows, start=1):
        out: list[object] = []
        for i, v in enumerate(row):
            if v is None or v == "":
                out.append(None)  # no cell at all: smaller file, much faster
            elif i in text_idx:
                cell = WriteOnlyCell(ws, value=clean(str(v)))
                cell.number_format = "@"
                out.append(cell)
            else:
                out.append(clean(v))
        ws.append(out)
        if progress and n % CHUNK == 0:
            progress(n, total)
    wb.save(path)
    return n
