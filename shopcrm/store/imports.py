"""Files imported so far: kind, a fingerprint of their rows, when and how many rows.

The import (``services/transfer/``; ``reading.Fingerprint`` hashes the rows as it reads them)
refuses a file whose fingerprint is already here, so the same visits file imported twice does
not double the shop's revenue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlite_utils import Database


@dataclass(frozen=True)
class ImportRecord:
    id: int
    kind: str
    fingerprint: str
    source: str
    rows: int
    imported: int
    imported_at: dt.datetime


_COLUMNS = "id, kind, fingerprint, source, rows, imported, imported_at"


def _record(row) -> ImportRecord:
    rid, kind, fingerprint, source, rows, imported, at = row
    return ImportRecord(
        rid, kind, fingerprint, source, rows, imported, dt.datetime.fromisoformat(at)
    )


def find(db: Database, kind: str, fingerprint: str) -> ImportRecord | None:
    """The first import of a file with these rows, or ``None``."""
    row = db.execute(
        f"SELECT {_COLUMNS} FROM imports WHERE kind = ? AND fingerprint = ? ORDER BY id LIMIT 1",
        [kind, fingerprint],
    ).fetchone()
    return _record(row) if row else None


def record(
    db: Database,
    kind: str,
    fingerprint: str,
    *,
    source: str,
    rows: int,
    imported: int,
    at: dt.datetime | None = None,
) -> None:
    """Remember an import (call it inside the import's own transaction)."""
    moment = (at or dt.datetime.now()).replace(microsecond=0)
    db.execute(
        "INSERT INTO imports (kind, fingerprint, source, rows, imported, imported_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [kind, fingerprint, source, rows, imported, moment.isoformat(sep=" ")],
    )


def history(db: Database, limit: int = 50) -> list[ImportRecord]:
    """The latest imports, newest first."""
    rows = db.execute(f"SELECT {_COLUMNS} FROM imports ORDER BY id DESC LIMIT ?", [limit])
    return [_record(r) for r in rows.fetchall()]
