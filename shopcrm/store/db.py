"""Opening the shop's SQLite file: pragmas, migrations, and the one transaction helper.

Every connection gets ``foreign_keys=ON``, WAL journal, ``synchronous=FULL`` (every commit is on
the disk before the save is acknowledged, so a power cut loses nothing that was saved) and a busy
timeout. Write transactions start with ``BEGIN IMMEDIATE``: they take the write lock first and so
wait (up to the busy timeout) for another writer instead of failing half-way with "database is
locked" — a background import or print run never breaks a staff member's visit save.
``open_db`` (in ``opener.py``, re-exported by ``shopcrm.store``) adds the migrations on top.

``secure_delete=ON`` on every connection: an erased guest's data is overwritten with zeros, never
left readable in free pages (some platforms' SQLite has it off by default).

A ``postgresql://user@host/dbname`` URL instead of a path opens a shop server (``PgDatabase``,
``store/engine.py``); its password comes from the OS keychain (``keyring``, service "shopcrm",
the URL without password as the user name), else from libpq's own pgpass/service files.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import keyring
import keyring.errors
import psycopg
from sqlite_utils import Database

from shopcrm.domain.errors import ValidationError
from shopcrm.i18n import N_, _
from shopcrm.store.engine import PgDatabase, is_url

BUSY_TIMEOUT_MS = 5000


class ShopDatabase(Database):
    """sqlite-utils' ``Database`` whose outermost ``atomic()`` is a ``BEGIN IMMEDIATE``.

    A deferred ``BEGIN`` that reads first and writes later cannot wait for the write lock in WAL
    mode (SQLite answers ``SQLITE_BUSY`` at once when another writer committed meanwhile), so the
    busy timeout never applied. Nested blocks stay savepoints, as in sqlite-utils.

    ``read_only`` is True when the file could not be opened for writing (a write-protected USB
    stick, a read-only share): reading, export and backups work, saving says "read-only"."""

    read_only = False
    dialect = "sqlite"

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


KEYRING_SERVICE = "shopcrm"


class ServerUnreachable(ConnectionError):
    """The shop server could not be reached or refused the login; ``str()`` is a sentence for
    the user (what happened, and what to do), in their language. ``detail`` is the driver's
    own text, for the log."""

    def __init__(self, url: str, detail: str):
        self.url = url
        self.detail = detail
        super().__init__(
            _(
                "Cannot connect to the shop server {server}. Check that the server PC is on and"
                " on the network, and that the user name and password are right; then try again."
            ).format(server=url)
        )


def url_without_password(url: str) -> str:
    """``url`` with any password taken out (what is shown, logged, saved and keyed by)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = (f"{parts.username}@" if parts.username else "") + host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def storable_url(url: str) -> str:
    """The server URL as it may be saved in the settings; one with a password in it is refused
    (``ValidationError`` on "server": passwords belong in the OS keychain, never in the file)."""
    if urlsplit(url).password is not None:
        raise ValidationError(
            "server",
            N_(
                "the address contains a password; remove it and save the password in the"
                " system keychain instead"
            ),
        )
    return url


def keychain_password(url: str) -> str | None:
    """The password saved for ``url`` in the OS keychain, or ``None`` (no keychain on this
    machine, or nothing saved: libpq then reads pgpass/service files as usual)."""
    try:
        return keyring.get_password(KEYRING_SERVICE, url_without_password(url))
    except (keyring.errors.KeyringError, RuntimeError):
        return None


def connect_server(url: str) -> PgDatabase:
    """A connection to a PostgreSQL shop server, or ``ServerUnreachable``."""
    try:
        return PgDatabase.connect(url, password=keychain_password(url))
    except psycopg.OperationalError as exc:
        raise ServerUnreachable(url_without_password(url), str(exc).strip()) from exc


def connect(path: str | os.PathLike) -> Database:
    """A configured connection without running migrations (workers, backups, checks). A file
    that cannot be written is opened read-only (``db.read_only``). A PostgreSQL URL connects
    to that server (``connect_server``)."""
    if is_url(path):
        return connect_server(str(path).strip())  # type: ignore[return-value]
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
    """The file behind ``db`` (``None`` for an in-memory database or a shop server)."""
    if getattr(db, "dialect", "sqlite") != "sqlite":
        return None
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
