"""``open_db``: connect, then bring the schema up to date (``migrate``), copying an existing file
before any migration runs (``backups/<name>-pre-migration-<timestamp>.db`` beside it).

Its own module so the layers below it import in one direction: ``db`` (connections) <-
``migrations`` (the schema) <- ``backup`` <- this opener. Nothing of those imports it back.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from shopcrm.store import dialect, migrate_pg, migrations
from shopcrm.store.backup import backup_now
from shopcrm.store.db import connect, connect_server
from shopcrm.store.engine import is_url
from shopcrm.store.location import refuse_network_location
from shopcrm.store.lock import migration_lock
from shopcrm.store.migrations import pending


def migrate(db: Database, path: Path | None = None) -> list[str]:
    """Apply pending migrations; copy the file first when it already holds a schema.

    Two processes opening an old-schema file at once: the migration lock makes the second wait,
    and it then finds nothing pending. A PostgreSQL store migrates under the server's advisory
    lock (``migrate_pg.migrate_pg``); the server's own backups cover the before-copy."""
    if dialect.is_pg(db):
        return migrate_pg.migrate_pg(db)
    todo = pending(db)
    if not todo:
        return []
    if path is None:
        migrations.migrations.apply(db)
        return todo
    with migration_lock(path):
        todo = pending(db)  # again: another process may have migrated while this one waited
        if not todo:
            return []
        if migrations.migrations.applied(db):
            _backup_before_migration(db, Path(path))
        migrations.migrations.apply(db)
    return todo


_migrate = migrate  # open_db's keyword ``migrate`` hides the function inside it


def open_db(path: str | os.PathLike, *, migrate: bool = True) -> Database:
    """Open (creating if needed) the database at ``path`` and bring its schema up to date.

    A database on a network share is refused (``UnsafeLocation``, see ``store.location``).
    A PostgreSQL URL opens that server and brings its schema up to date (``ServerUnreachable``
    when it cannot be reached)."""
    if is_url(path):
        server = connect_server(str(path).strip())
        if migrate:
            try:
                migrate_pg.migrate_pg(server)
            except BaseException:
                server.close()
                raise
        return server  # type: ignore[return-value]
    path = Path(path).expanduser()
    refuse_network_location(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = connect(path)
    if migrate:
        if db.read_only:
            if pending(db):  # an older file on a read-only stick: it cannot be brought up to date
                db.close()
                raise sqlite3.OperationalError("attempt to write a readonly database")
            return db
        _migrate(db, path)
    return db


def _backup_before_migration(db: Database, path: Path) -> Path:
    return backup_now(db, kind="pre-migration")
