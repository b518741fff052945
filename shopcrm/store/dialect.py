"""Where SQLite and PostgreSQL really differ, in one place: small functions that return the SQL text
(or run the statement) for the engine of ``db``. Everything else in the store is the same SQL on
both engines (see ``store/engine.py``).

Dates stay ISO text columns on both engines ('YYYY-MM-DD', 'YYYY-MM-DD HH:MM:SS'): they sort and
compare as text the same way on both, the store's parameters stay strings, and a moved database
keeps its values byte for byte. Only date arithmetic needs a dialect function here.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

SQLITE = "sqlite"
POSTGRESQL = "postgresql"


def of(db: Any) -> str:
    """The engine of ``db``: "sqlite" (``ShopDatabase``, or any sqlite-utils Database) or
    "postgresql" (``PgDatabase``)."""
    return getattr(db, "dialect", SQLITE)


def is_pg(db: Any) -> bool:
    return of(db) == POSTGRESQL


def insert_id(db: Any, sql: str, params: Sequence[Any] = ()) -> int:
    """Run one ``INSERT`` and return the new row's id (``RETURNING id``, which SQLite 3.35+ and
    PostgreSQL both run; sqlite3's ``lastrowid`` has no PostgreSQL counterpart). All rows are
    fetched so the statement is finished before the transaction goes on."""
    rows = db.execute(f"{sql} RETURNING id", params).fetchall()
    return rows[0][0]


def executemany(db: Any, sql: str, rows: Iterable[Sequence[Any]]) -> Any:
    """Many rows through one prepared statement, on either engine; returns the cursor (its
    ``rowcount`` is the number of rows written)."""
    if is_pg(db):
        return db.executemany(sql, rows)
    return db.conn.executemany(sql, rows)


def contains(db: Any, haystack: str) -> str:
    """SQL true when the ``?`` parameter is a substring of ``haystack`` (no LIKE escaping)."""
    if is_pg(db):
        return f"strpos({haystack}, ?) > 0"
    return f"instr({haystack}, ?) > 0"


def like_escape(text: str) -> str:
    """``text`` as a LIKE pattern that matches only itself (with ``ESCAPE '\\'``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def customer_text_search(db: Any, words: Sequence[str]) -> tuple[list[str], list[str]]:
    """WHERE clauses (and their parameters) that keep customers ``c`` whose folded
    ``search_text`` contains every one of ``words`` (each of three characters or more).

    SQLite: one MATCH on the FTS5 trigram table ``customers_fts``. PostgreSQL: a LIKE per word,
    which the pg_trgm GIN index ``customers_search_trgm`` answers. Both are exact substring
    tests of the same folded text, so both find the same customers."""
    if not words:
        return [], []
    if is_pg(db):
        clause = "c.search_text LIKE ? ESCAPE '\\'"
        return [clause] * len(words), ["%" + like_escape(w) + "%" for w in words]
    quoted = " ".join('"' + w.replace('"', '""') + '"' for w in words)
    return ["c.id IN (SELECT rowid FROM customers_fts WHERE customers_fts MATCH ?)"], [quoted]


def json_array_values(db: Any, json_text: str) -> str:
    """A FROM item with one row per element of the JSON text array ``json_text``, its text in
    column ``value`` (SQLite's ``json_each``)."""
    if is_pg(db):
        return f"json_array_elements_text(CAST({json_text} AS json)) AS j(value)"
    return f"json_each({json_text})"


def json_path_text(db: Any, json_text: str, *path: str) -> str:
    """The text at ``path`` (object keys) inside the JSON text ``json_text``, or NULL."""
    if is_pg(db):
        keys = ",".join(path)
        return f"(CAST({json_text} AS json) #>> '{{{keys}}}')"
    return f"json_extract({json_text}, '$.{'.'.join(path)}')"


def in_transaction(db: Any) -> bool:
    """True inside an open transaction (``atomic()``) on either engine."""
    if is_pg(db):
        return db.in_transaction
    return db.conn.in_transaction


@contextlib.contextmanager
def triggers_set_aside(db: Any, table: str, names: Sequence[str]) -> Iterator[None]:
    """Inside a transaction: the triggers ``names`` on ``table`` do not fire within the block
    (a bulk load recomputes what they keep once, at the end). SQLite drops and recreates them;
    PostgreSQL disables and enables them. Either way a failure rolls that back with the rest."""
    if is_pg(db):
        for name in names:
            db.execute(f"ALTER TABLE {table} DISABLE TRIGGER {name}")
        yield
        for name in names:
            db.execute(f"ALTER TABLE {table} ENABLE TRIGGER {name}")
        return
    triggers = [
        (name, sql)
        for name, sql in db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", [table]
        )
        if name in names
    ]
    for name, _sql in triggers:
        db.execute(f"DROP TRIGGER {name}")
    yield
    for _name, sql in triggers:
        db.execute(sql)


def nulls_last_desc(db: Any, col: str) -> str:
    """``col DESC`` with NULLs at the end, as SQLite sorts them (PostgreSQL puts them first)."""
    return f"{col} DESC NULLS LAST" if is_pg(db) else f"{col} DESC"


def date_add_days(dialect: str, day_sql: str, days: int) -> str:
    """'YYYY-MM-DD' of text date ``day_sql`` moved by ``days`` days."""
    if dialect == POSTGRESQL:
        return f"to_char(CAST({day_sql} AS date) + ({int(days)}), 'YYYY-MM-DD')"
    return f"date({day_sql}, '{int(days):+d} day')"


def clamp(dialect: str, expr: str, low: int, high: int) -> str:
    """``expr`` held between ``low`` and ``high`` (SQLite's scalar min/max; least/greatest)."""
    if dialect == POSTGRESQL:
        return f"least(greatest({expr}, {low}), {high})"
    return f"min(max({expr}, {low}), {high})"


def day_number(dialect: str, day_sql: str) -> str:
    """Days since 1970-01-01 of text date ``day_sql`` ('YYYY-MM-DD…'), an integer."""
    if dialect == POSTGRESQL:
        return f"(CAST(substr({day_sql}, 1, 10) AS date) - DATE '1970-01-01')"
    return f"(CAST(julianday(substr({day_sql}, 1, 10)) - 2440587.5 AS INTEGER))"


def group_concat(dialect: str, expr: str, sep: str = ",", order_by: str = "") -> str:
    """The values of ``expr`` joined with ``sep`` (an aggregate). ``order_by`` orders them on
    PostgreSQL; SQLite keeps the order of its (ordered) subquery."""
    quoted = "'" + sep.replace("'", "''") + "'"
    if dialect == POSTGRESQL:
        order = f" ORDER BY {order_by}" if order_by else ""
        return f"string_agg(CAST({expr} AS text), {quoted}{order})"
    return f"group_concat({expr}, {quoted})"


def unindexed(dialect: str, col: str) -> str:
    """``col`` as a value the planner will not look up in an index (SQLite's unary ``+``: a full
    scan beats a million index lookups when most rows match; PostgreSQL's planner decides)."""
    return col if dialect == POSTGRESQL else f"+{col}"


def is_closed(db: Any) -> bool:
    """True once the connection was closed."""
    if is_pg(db):
        return bool(db.conn.closed)
    try:
        db.conn.total_changes  # noqa: B018 (a cheap attribute that raises on a closed connection)
    except sqlite3.ProgrammingError:
        return True
    return False


def id_column(dialect: str) -> str:
    """The surrogate key column of a new table (SQLite's rowid alias; PostgreSQL's identity)."""
    if dialect == POSTGRESQL:
        return "id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
    return "id INTEGER PRIMARY KEY"


def row_trigger(
    dialect: str, name: str, event: str, table: str, body: str, when: str = ""
) -> list[str]:
    """The statements that make an AFTER-row trigger ``name`` on ``table`` running ``body`` (SQL
    statements ending in ``;`` that may read ``NEW``), only ``when`` it holds if given. ``event``
    is e.g. ``AFTER INSERT`` or ``AFTER UPDATE OF a, b``. SQLite runs the body in the trigger;
    PostgreSQL runs it in a PL/pgSQL function of the same name."""
    if dialect == POSTGRESQL:
        inner = f"IF {when} THEN {body} END IF;" if when else body
        return [
            f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN {inner} RETURN NULL; END $$""",
            f"CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()",
        ]
    condition = f" WHEN {when}" if when else ""
    return [f"CREATE TRIGGER {name} {event} ON {table}{condition} BEGIN {body} END"]


def hex_id_check(dialect: str, col: str, prefix: str, digits: int) -> str:
    """A CHECK that ``col`` is ``prefix`` then exactly ``digits`` lower-case hex digits."""
    if dialect == POSTGRESQL:
        return f"{col} ~ '^{prefix}[0-9a-f]{{{digits}}}$'"
    n = len(prefix)
    return (
        f"length({col}) = {n + digits} AND substr({col}, 1, {n}) = '{prefix}'"
        f" AND NOT substr({col}, {n + 1}) GLOB '*[^0-9a-f]*'"
    )
