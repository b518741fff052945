"""Opening the shop's SQLite file: pragmas, migrations, and the one transaction helper.

Every connection gets ``foreign_keys=ON``, WAL journal, ``synchronous=NORMAL`` (safe with WAL:
a power cut loses at most the last commit, never corrupts) and a busy timeout. ``open_db`` applies
pending migrations, copying the file first (see ``migrations.py``).

``secure_delete=ON`` on every connection: an erased guest's data is overwritten with zeros, never
left readable in free pages (some platforms' SQLite has it off by default).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

BUSY_TIMEOUT_MS = 5000


def connect(path: str | os.PathLike) -> Database:
    """A configured connection without running migrations (workers, backups, checks)."""
    path = Path(path).expanduser()
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    db = Database(conn, execute_plugins=False)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA secure_delete = ON")  # erased text is overwritten, not left in free pages
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if not db.memory and path.name != ":memory:":
        with db.ensure_autocommit_on():
            conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    _restrict_permissions(path)
    return db


def open_db(path: str | os.PathLike, *, migrate: bool = True) -> Database:
    """Open (creating if needed) the database at ``path`` and bring its schema up to date.

    A database on a network share is refused (``UnsafeLocation``, see ``store.location``)."""
    from shopcrm.store.location import refuse_network_location

    path = Path(path).expanduser()
    refuse_network_location(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = connect(path)
    if migrate:
        from shopcrm.store.migrations import migrate as run_migrations

        run_migrations(db, path)
    return db


@contextlib.contextmanager
def atomic(db: Database) -> Iterator[Database]:
    """One transaction (a savepoint when nested): all of it is written, or none."""
    with db.atomic():
        yield db


def db_path(db: Database) -> Path | None:
    """The file behind ``db`` (``None`` for an in-memory database)."""
    row = db.execute("PRAGMA database_list").fetchone()
    return Path(row[2]) if row and row[2] else None


def _restrict_permissions(path: Path) -> None:
    """Customer data is personal data: the file is readable by the user alone (POSIX 0600)."""
    if os.name != "posix":
        return
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if candidate.stat().st_mode & 0o077:
                candidate.chmod(0o600)
