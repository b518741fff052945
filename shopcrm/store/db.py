"""Opening the shop's SQLite file: pragmas, migrations, and the one transaction helper.

Every connection gets ``foreign_keys=ON``, WAL journal, ``synchronous=FULL`` (every commit is on
the disk before the save is acknowledged, so a power cut loses nothing that was saved) and a busy
timeout. Write transactions start with ``BEGIN IMMEDIATE``: they take the write lock first and so
wait (up to the busy timeout) for another writer instead of failing half-way with "database is
locked" — a background import or print run never breaks a staff member's visit save.
``open_db`` (in ``opener.py``, re-exported by ``shopcrm.store``) adds the migrations on top.

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

from shopcrm.i18n import _

BUSY_TIMEOUT_MS = 5000


class ShopDatabase(Database):
    """sqlite-utils' ``Database`` whose outermost ``atomic()`` is a ``BEGIN IMMEDIATE``.

    A deferred ``BEGIN`` that reads first and writes later cannot wait for the write lock in WAL
    mode (SQLite answers ``SQLITE_BUSY`` at once when another writer committed meanwhile), so the
    busy timeout never applied. Nested blocks stay savepoints, as in sqlite-utils.

    ``read_only`` is True when the file could not be opened for writing (a write-protected USB
    stick, a read-only share): reading, export and backups work, saving says "read-only"."""

    read_only = False

    @contextlib.contextmanager
    def atomic(self) -> Iterator[Database]:
        if self.conn.in_transaction:
            with super().atomic():
                yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                self.rollback()
                raise


def read_only_note() -> str:
    """What a user is told when the database was opened read-only."""
    return _(
        "The database is read-only (a write-protected USB stick or folder): you can look, export"
        " and back up, but nothing can be saved."
    )


def _read_only_mode(path: Path) -> str | None:
    """``None`` when ``path`` can be written; else the URI parameters that open it for reading:
    ``mode=ro``, plus ``immutable=1`` when its folder cannot be written either (then SQLite
    could not create the -shm file a WAL database needs to be read)."""
    if path.name == ":memory:" or not path.exists():
        return None
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        pass
    else:
        os.close(fd)
        return None
    folder_writable = os.access(path.parent, os.W_OK) and not _folder_read_only(path.parent)
    return "mode=ro" if folder_writable else "mode=ro&immutable=1"


def _folder_read_only(folder: Path) -> bool:
    try:
        probe = folder / f".shopcrm-write-probe-{os.getpid()}"
        probe.touch()
        probe.unlink()
    except OSError:
        return True
    return False


def connect(path: str | os.PathLike) -> Database:
    """A configured connection without running migrations (workers, backups, checks). A file
    that cannot be written is opened read-only (``db.read_only``)."""
    path = Path(path).expanduser()
    ro = _read_only_mode(path)
    # isolation_level IMMEDIATE: the implicit transaction Python's sqlite3 opens before a single
    # INSERT/UPDATE (sqlite-utils' table methods) also takes the write lock first.
    conn = sqlite3.connect(
        f"{path.resolve().as_uri()}?{ro}" if ro else str(path),
        timeout=BUSY_TIMEOUT_MS / 1000,
        check_same_thread=False,
        isolation_level="IMMEDIATE",
        uri=bool(ro),
    )
    db = ShopDatabase(conn, execute_plugins=False)
    db.read_only = bool(ro)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA secure_delete = ON")  # erased text is overwritten, not left in free pages
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if ro:
        return db
    if not db.memory and path.name != ":memory:":
        with db.ensure_autocommit_on():
            conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    _restrict_permissions(path)
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
