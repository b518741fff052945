"""Bringing a PostgreSQL store up to date: the baseline (``schema_pg.py``) stands for every
migration up to ``schema_pg.BASELINE``; the ones after it run here on both engines, each in one
transaction with its record, under an advisory lock so two PCs opening a new server migrate one
by one. The server's own backups (``pg_dump``) stand for SQLite's copy before migrating.
"""

from __future__ import annotations

import datetime as dt

from shopcrm.store import schema_pg
from shopcrm.store.migrations import (
    MIGRATION_SET,
    _seed_0001,
    m0005_builtin_templates,
    migrations,
    pg_applied,
)

# -- PostgreSQL: the baseline (schema_pg.py) stands for every migration up to BASELINE; the ones
# after it run here on both engines, each in one transaction with its record.

_PG_LOCK = 0x5C0FC8  # pg_advisory_xact_lock key: two PCs opening a new server migrate one by one


def _pg_record(db, name: str) -> None:
    db.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
        [MIGRATION_SET, name, str(dt.datetime.now(dt.UTC))],
    )


def _pg_baseline(db) -> None:
    """The schema of an SQLite file after ``BASELINE``, and that file's first rows."""
    for sql in schema_pg.baseline_statements():
        db.execute(sql)
    _seed_0001(db)
    m0005_builtin_templates(db)
    names = [m.name for m in migrations._migrations]
    for name in names[: names.index(schema_pg.BASELINE) + 1]:
        _pg_record(db, name)


def migrate_pg(db) -> list[str]:
    """Bring a PostgreSQL store up to date (the server's own backups cover the before-copy)."""
    done: list[str] = []
    with db.atomic():
        db.execute("SELECT pg_advisory_xact_lock(?)", [_PG_LOCK])
        db.execute(schema_pg.MIGRATIONS_TABLE)
        db.execute(schema_pg.MIGRATIONS_INDEX)
        if not pg_applied(db):
            _pg_baseline(db)
            done.append(schema_pg.BASELINE)
    for migration in migrations._migrations:
        with db.atomic():
            db.execute("SELECT pg_advisory_xact_lock(?)", [_PG_LOCK])
            if migration.name in pg_applied(db):
                continue
            migration.fn(db)
            _pg_record(db, migration.name)
            done.append(migration.name)
    return done
