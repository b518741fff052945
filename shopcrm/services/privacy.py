"""Personal data on request: merge duplicates (and undo), erase a customer, disclose a record.

- ``merge(db, keep_id, merge_id)``: the merged customer's visits, coupons, preferences and
  mailings move to the kept one; empty fields of the kept one are filled from the merged one
  (phone, email, reading, address, birthday, code ...), tags are joined, "do not mail" wins.
  One transaction; logged so ``unmerge(db, merge_log_id)`` puts everything back.
- ``erase(db, id)``: personal data gone (name becomes "(erased)", contact, address, birthday,
  notes, tags, preferences, merge logs, search text, coupon codes); visits, mailings and coupons
  stay, anonymous, so every figure of a closed period stays true. The search index is merged and
  the WAL truncated so the file keeps no readable trace (every connection has ``secure_delete``).
  Backups still hold the old data until they rotate out (``store.backup.MAX_AGE_DAYS``).
- ``disclosure(db, id)`` / ``export_disclosure(db, id, path)``: everything held about one
  customer (a disclosure request under Japan's personal information law), as JSON or .xlsx.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from shopcrm.domain.cells import neutralise
from shopcrm.domain.models import Customer
from shopcrm.domain.rules import FIELD_LABELS, ValidationError
from shopcrm.i18n import N_, _
from shopcrm.services.transfer import preference_cells
from shopcrm.store import coupons, holdouts, mailings, personal_data, preferences, visits
from shopcrm.store import customers as store_customers
from shopcrm.store.errors import NotFound

FIELD_LABELS.setdefault("merge", N_("Merge"))

# Filled from the merged customer when the kept one has them empty.
_FILL = ("kana", "phone", "email", "line_id", "code", "channel_id")
_ADDRESS = ("postal_code", "prefecture", "city", "street", "building")
_BIRTHDAY = ("birth_year", "birth_month", "birth_day")


@dataclass
class MergeResult:
    merge_id: int
    kept: Customer
    merged_id: int
    moved: dict[str, int]  # table -> rows moved


def _get(db: Database, customer_id: int) -> Customer:
    try:
        return store_customers.get(db, customer_id)
    except NotFound:
        raise ValidationError(
            "customer", N_("no customer has the ID {id}"), id=customer_id
        ) from None


def _live(db: Database, customer_id: int) -> Customer:
    c = _get(db, customer_id)
    if c.erased_at is not None:
        raise ValidationError("customer", N_("customer #{id} was erased"), id=customer_id)
    return c


def merge(db: Database, keep_id: int, merge_id: int) -> MergeResult:
    """Merge customer ``merge_id`` into ``keep_id`` (one transaction; undo with ``unmerge``)."""
    if keep_id == merge_id:
        raise ValidationError("merge", N_("choose two different customers"))
    with db.atomic():
        kept = _live(db, keep_id)
        other = _live(db, merge_id)
        merged_row = personal_data.customer_row(db, merge_id)
        kept_row = personal_data.customer_row(db, keep_id)
        assert merged_row is not None and kept_row is not None  # _live found both
        log_id_hint = personal_data.next_merge_id(db)
        children = personal_data.move_children(db, merge_id, keep_id, f"merged{log_id_hint}")
        personal_data.delete_customer_row(db, merge_id)

        changes: dict[str, Any] = {}  # Customer field -> value, for dataclasses.replace
        for f in _FILL:
            if not getattr(kept, f) and getattr(other, f):
                changes[f] = getattr(other, f)
        if not any(getattr(kept, f) for f in _ADDRESS) and any(getattr(other, f) for f in _ADDRESS):
            changes.update({f: getattr(other, f) for f in _ADDRESS})
        if not kept.has_birthday and other.has_birthday:
            changes.update({f: getattr(other, f) for f in _BIRTHDAY})
        tags = tuple(dict.fromkeys((*kept.tags, *other.tags)))
        if tags != kept.tags:
            changes["tags"] = tags
        if other.notes and other.notes not in kept.notes:
            changes["notes"] = (kept.notes + "\n" + other.notes).strip()
        if not kept.dm_consent and other.dm_consent:
            changes.update(
                dm_consent=True,
                dm_consent_at=other.dm_consent_at,
                dm_consent_channel=other.dm_consent_channel,
            )
        if other.do_not_mail and not kept.do_not_mail:
            changes["do_not_mail"] = True
        updated = store_customers.update(db, dataclasses.replace(kept, channel="", **changes))
        earliest = min(c for c in (kept_row["created_at"], merged_row["created_at"]) if c)
        if earliest != kept_row["created_at"]:
            personal_data.set_columns(db, keep_id, {"created_at": earliest})
        after_row = personal_data.customer_row(db, keep_id)
        assert after_row is not None  # the kept customer was just updated
        changed_cols = [
            k
            for k in kept_row
            if kept_row[k] != after_row[k]
            and k
            not in (
                "updated_at",
                "visit_count",
                "visit_days",
                "total_spent",
                "first_visit_at",
                "last_visit_at",
            )
        ]
        snapshot = {
            "merged": merged_row,
            "kept_before": {k: kept_row[k] for k in changed_cols},
            "kept_after": {k: after_row[k] for k in changed_cols},
            **children,
        }
        log_id = personal_data.log_merge(db, keep_id, merge_id, snapshot)
        del updated
        return MergeResult(
            merge_id=log_id,
            kept=store_customers.get(db, keep_id),
            merged_id=merge_id,
            moved={t: len(ids) for t, ids in children["moved"].items()},
        )


def unmerge(db: Database, merge_log_id: int) -> tuple[Customer, Customer]:
    """Undo a merge: the merged customer comes back with what moved; the kept customer's
    fields filled by the merge go back to what they were (unless edited since). Returns
    (kept, restored)."""
    with db.atomic():
        log = personal_data.get_merge(db, merge_log_id)
        if log is None:
            raise ValidationError("merge", N_("there is no merge #{id}"), id=merge_log_id)
        if log["undone_at"]:
            raise ValidationError("merge", N_("merge #{id} was already undone"), id=merge_log_id)
        keep_id = log["kept_id"]
        _live(db, keep_id)
        snap = log["snapshot"]
        current = personal_data.customer_row(db, keep_id)
        assert current is not None  # _live found it
        revert = {
            k: v
            for k, v in snap["kept_before"].items()
            if current.get(k) == snap["kept_after"].get(k)
        }
        personal_data.set_columns(db, keep_id, revert)
        code = snap["merged"].get("code")
        if code and personal_data.code_in_use(db, code):
            raise ValidationError(
                "code", N_("{code} is already used by another customer"), code=code
            )
        restored_id = personal_data.insert_customer_row(db, snap["merged"])
        personal_data.move_back(
            db, snap["moved"], keep_id, restored_id, snap.get("renamed_coupons", {})
        )
        kept = store_customers.get(db, keep_id)
        store_customers.update(db, dataclasses.replace(kept, channel=""))  # search text again
        personal_data.mark_undone(db, merge_log_id)
        return store_customers.get(db, keep_id), store_customers.get(db, restored_id)


def list_merges(db: Database, customer_id: int | None = None) -> list[dict]:
    return personal_data.merges(db, customer_id)


def erase(db: Database, customer_id: int) -> Customer:
    """Erase a customer's personal data on request; their visits, mailings and coupons stay,
    anonymous (closed-period figures do not move); the file keeps no readable trace."""
    with db.atomic():
        c = _get(db, customer_id)
        erasing = c.erased_at is None
        if erasing:
            personal_data.erase_row(db, customer_id, _("(erased)"))
    if erasing:
        personal_data.scrub_after_erasure(db)
    return store_customers.get(db, customer_id)


# --- disclosure ---------------------------------------------------------------------------------


def _plain(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return value


def disclosure(db: Database, customer_id: int) -> dict:
    """Everything shopcrm holds about one customer, as plain JSON-ready data."""
    c = _get(db, customer_id)
    prefs = preferences.for_customer(db, customer_id)
    return {
        "exported_at": dt.datetime.now().replace(microsecond=0).isoformat(sep=" "),
        "customer": _plain(c),
        "allergies": [p.label for p in prefs if p.level == "allergy"],  # safety first
        "preferences": _plain(prefs),
        "visits": _plain(visits.for_customer(db, customer_id)),
        "coupons": _plain(coupons.for_customer(db, customer_id)),
        "mailings": _plain(mailings.for_customer(db, customer_id)),
        "comparison_groups": holdouts.for_customer(db, customer_id),
        "merged_records": [
            {k: v for k, v in m.items() if k != "kept_id"}
            for m in personal_data.merges(db, customer_id)
        ],
    }


def export_disclosure(db: Database, customer_id: int, path: str | os.PathLike) -> Path:
    """Write the disclosure as .json or .xlsx (one sheet per part); 0600 on POSIX."""
    data = disclosure(db, customer_id)
    path = Path(path).expanduser()
    tmp = path.with_name(f".{path.name}.part")
    try:
        if path.suffix.lower() == ".xlsx":
            _disclosure_xlsx(data, tmp)
        else:
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        if os.name == "posix":
            tmp.chmod(0o600)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def _disclosure_xlsx(data: dict, path: Path) -> None:
    # lazy: openpyxl costs 0.17 s at start-up; only the disclosure export writes .xlsx
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    def clean(v):  # control characters cannot go into a sheet; text never becomes a formula
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", v)) if isinstance(v, str) else v

    wb = Workbook()
    ws = wb.active
    ws.title = _("Customer")[:31]
    bold = Font(bold=True)

    allergies, likes = preference_cells([(p["level"], p["label"]) for p in data["preferences"]])
    summary = {"allergies": (N_("Allergies"), allergies), "likes": (N_("Preferences"), likes)}
    rows = [(FIELD_LABELS.get(k), k, v) for k, v in data["customer"].items()]
    rows[2:2] = [(label, key, text) for key, (label, text) in summary.items()]  # after the name
    for label, key, value in rows:
        text = "、".join(value) if isinstance(value, list) else value
        ws.append([_(label) if label else key, "" if text is None else clean(str(text))])
        ws.cell(ws.max_row, 2).number_format = "@"
        ws.cell(ws.max_row, 1).font = bold
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 40
    sheets = (
        ("preferences", N_("Preferences")),
        ("visits", N_("Visits")),
        ("coupons", N_("Coupons")),
        ("mailings", N_("Mailings")),
        ("comparison_groups", N_("Comparison groups")),
        ("merged_records", N_("Merged records")),
    )
    for key, title in sheets:
        rows = data[key]
        sheet = wb.create_sheet(_(title)[:31])
        if not rows:
            sheet.append([_("(none)")])
            continue
        columns = list(rows[0])
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = bold
        for row in rows:
            out = []
            for col in columns:
                v = row.get(col)
                if isinstance(v, list):  # visit items
                    v = "、".join(
                        f"{i.get('name')}×{i.get('quantity')}" if isinstance(i, dict) else str(i)
                        for i in v
                    )
                out.append(
                    "" if v is None else (v if isinstance(v, (int, float)) else clean(str(v)))
                )
            sheet.append(out)
    wb.save(path)


BY_LABELS = {"phone": N_("phone"), "email": N_("email"), "name_kana": N_("name and reading")}


@dataclass
class DuplicatePair:
    """Two customers who look like one person: merge ``other`` into ``keep`` (the older)."""

    keep: Customer
    other: Customer
    by: str  # phone, email, name_kana
    value: str


def likely_duplicates(db: Database, limit: int = 200) -> list[DuplicatePair]:
    """Pairs of customers sharing a phone, an email, or name and reading (oldest first)."""
    return [
        DuplicatePair(store_customers.get(db, a), store_customers.get(db, b), by, value)
        for a, b, by, value in personal_data.duplicate_pairs(db, limit)
    ]
