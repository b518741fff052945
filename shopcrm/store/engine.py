"""The PostgreSQL engine: ``PgDatabase``, a thin object over a psycopg 3 connection with the surface
the store uses on sqlite-utils' ``Database``, so one store code path (the same SQL text) runs on
both engines.

Decision (issue 15, first step): the store stays hand-written SQL in the portable subset of SQLite
and PostgreSQL, with ``store/dialect.py`` where they really differ, instead of a rewrite of every
query into SQLAlchemy Core. What this object does:

- ``execute(sql, params)`` turns SQLite's ``?`` placeholders into psycopg's ``%s`` (outside string
  literals, quoted names and comments) and doubles a literal ``%``; it returns psycopg's cursor
  (``fetchone``/``fetchall``/iteration/``rowcount``). ``lastrowid`` does not exist there: the store
  writes ``INSERT … RETURNING id`` (``dialect.insert_id``), which SQLite 3.35+ runs too.
- ``atomic()``: the outermost block is one transaction, a nested one a savepoint (as in
  sqlite-utils). Outside ``atomic()`` each statement commits by itself (autocommit).
- Parameters are bound on the client (``ClientCursor``), as sqlite3 does: no server-side type
  guesses for ``?`` in SQLite-style SQL. ``True``/``False`` are stored as 1/0 (the schema's flags
  are INTEGER on both engines), and ``sum()`` of integers comes back as ``int``, not ``Decimal``.
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.adapt import Dumper, Loader

DIALECT = "postgresql"

# What the store catches when a constraint or a trigger refuses a write, on either engine. The
# PostgreSQL triggers raise with SQLSTATE 23000 so they land here too, as SQLite's RAISE does.
IntegrityError: tuple[type[Exception], ...] = (sqlite3.IntegrityError, psycopg.IntegrityError)
OperationalError: tuple[type[Exception], ...] = (sqlite3.OperationalError, psycopg.OperationalError)


def is_url(target: object) -> bool:
    """A PostgreSQL URL (``postgresql://…`` or ``postgres://…``), not a file path."""
    text = str(target).strip().lower()
    return text.startswith(("postgresql://", "postgres://"))


@functools.lru_cache(maxsize=4096)
def to_pyformat(sql: str) -> str:
    """SQLite's ``?`` placeholders as psycopg's ``%s``; a literal ``%`` doubled. Text inside
    '…' literals, "…" names, -- and /* */ comments is left as it is (only ``%`` doubled)."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in ("'", '"'):
            end = i + 1
            while end < n:
                if sql[end] == ch:
                    if end + 1 < n and sql[end + 1] == ch:  # '' or "" inside: still quoted
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[i : end + 1].replace("%", "%%"))
            i = end + 1
        elif ch == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif ch == "/" and sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif ch == "?":
            out.append("%s")
            i += 1
        elif ch == "%":
            out.append("%%")
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


class _BoolAsInt(Dumper):
    """Python booleans into the INTEGER flag columns, as sqlite3 stores them (1/0)."""

    oid = psycopg.postgres.types["int4"].oid

    def dump(self, obj: bool) -> bytes:
        return b"1" if obj else b"0"

    def quote(self, obj: bool) -> bytes:
        return b"1" if obj else b"0"


class _NumericAsNumber(Loader):
    """numeric (what ``sum()`` of integers returns) as ``int`` when whole, else ``float``, as
    SQLite answers: the store's figures are yen and counts, never Decimal arithmetic."""

    def load(self, data: Any) -> int | float:
        value = Decimal(bytes(data).decode())
        return int(value) if value == value.to_integral_value() else float(value)


class PgDatabase:
    """A PostgreSQL connection with the part of sqlite-utils' ``Database`` the store uses."""

    dialect = DIALECT
    read_only = False
    memory = False

    def __init__(self, conn: psycopg.Connection, url: str = "") -> None:
        self.conn = conn
        self.url = url
        conn.adapters.register_dumper(bool, _BoolAsInt)
        conn.adapters.register_loader("numeric", _NumericAsNumber)

    @classmethod
    def connect(cls, url: str, *, password: str | None = None, connect_timeout: int = 10):
        kwargs: dict[str, Any] = {
            "autocommit": True,
            "cursor_factory": psycopg.ClientCursor,
            "connect_timeout": connect_timeout,
            "application_name": "shopcrm",
        }
        if password:
            kwargs["password"] = password
        conn = psycopg.connect(url, **kwargs)
        # The planner's cost of a random page read as on an SSD (the default 4 is for spinning
        # disks): with it the trigram index answers the search box instead of a table scan
        # (no match among 20,000 guests: 15 ms -> 1.4 ms). This session only; a server
        # administrator's own setting for the database is not changed.
        conn.execute("SET random_page_cost = 1.1")
        return cls(conn, url)

    def execute(self, sql: str, params: Sequence[Any] | dict | None = ()) -> psycopg.Cursor:
        if params:
            if isinstance(params, dict):
                raise TypeError("named parameters are not part of the portable store SQL")
            return self.conn.execute(to_pyformat(sql), tuple(params))
        return self.conn.execute(sql)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> psycopg.Cursor:
        """One statement for many rows; the cursor's ``rowcount`` is the rows written."""
        cur = self.conn.cursor()
        cur.executemany(to_pyformat(sql), [tuple(r) for r in rows])
        return cur

    @contextlib.contextmanager
    def atomic(self) -> Iterator[PgDatabase]:
        """Outermost: one transaction; nested: a savepoint. Any exception rolls it back."""
        with self.conn.transaction():
            yield self

    @property
    def in_transaction(self) -> bool:
        return self.conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> PgDatabase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
