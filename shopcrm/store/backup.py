"""Backups that are consistent while the app runs, their rotation, restore and "check database".

Every copy goes through the SQLite online backup API (never a file copy of a live database),
into a temporary file that is renamed into place only when complete, so a backup is never
half-written. Backups sit in ``backups/`` beside the database (``paths.backup_dir``), are named
``<db stem>-<kind>-<YYYYmmdd-HHMMSS>.db`` and are readable by the user alone (0600 on POSIX).

Kinds: ``manual`` (Back up now), ``daily`` (first start of a day), ``close`` (when the app
closes), ``pre-migration`` and ``pre-restore``. Automatic ones are thinned by ``keep_set()``:
the newest of each of the last 7 days, 4 weeks and 12 months stay; of the others the newest 10
of each kind stay. Whatever the kind, ``rotate`` deletes every backup older than
``MAX_AGE_DAYS`` (365), so personal data erased today is gone from the folder within a year.

A copy is taken in one step (one read transaction), so it finishes in bounded time however often
other programs write (a step-wise copy restarts after every outside commit). A copy that was
killed leaves a hidden ``.<name>.<pid>.part`` file: ``clean_partial_files`` removes those at the
next backup, they are never listed as backups, and ``trim_to_size`` keeps the folder's bytes
bounded. ``check`` reports the age of the newest backup made before it.

Also here: ``storage_error_message(exc)``, which turns a full disk, a read-only file and the
like into a sentence for the user.

Long module: backing up, rotation, check and restore share the private helpers that make a copy
safe (``_copy``, ``_restrict``, the temporary file renamed into place); a split would make them
public.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from shopcrm.i18n import _
from shopcrm.paths import backup_dir
from shopcrm.store.db import connect
from shopcrm.store.errors import UnsafeLocation
from shopcrm.store.migrations import schema_version

KINDS = ("manual", "daily", "close", "pre-migration", "pre-restore")
ROTATED_KINDS = ("daily", "close")  # thinned by keep_set(); the others are the user's or kept
KEEP_EACH_SPECIAL = 10  # newest manual / pre-migration / pre-restore backups kept
# No backup in the backup folder outlives this, whatever its kind: an erased guest is gone from
# every backup at most this many days after the erasure (README "Erasure and backups").
MAX_AGE_DAYS = 365
_NAME = re.compile(r"^(?P<stem>.+)-(?P<kind>" + "|".join(KINDS) + r")-(?P<stamp>\d{8}-\d{6})\.db$")
PAGES_PER_STEP = 256  # restore only; a backup copies in one step (see _copy)
_PARTIAL = re.compile(r"^\..+\.(?P<pid>\d+)\.part(-journal|-wal|-shm)?$")
STALE_PARTIAL_SECONDS = 3600  # where a process cannot be asked whether it still runs (Windows)
MAX_BACKUP_AGE = dt.timedelta(days=2)  # `shopcrm check` fails when the newest backup is older
FOLDER_BYTES_MIN = 1 << 30  # the folder may always hold 1 GiB of backups ...
FOLDER_DB_COPIES = 30  # ... or 30 copies of the current database, whichever is more

Progress = Callable[[int, int], None]  # (pages done, pages total)


class BackupError(RuntimeError):
    """A backup or restore could not be done; ``str()`` is a sentence in the user's language."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    kind: str
    taken_at: dt.datetime
    size: int


@dataclass
class CheckReport:
    """What "Check database" found."""

    backup: Path | None
    integrity: list[str] = field(default_factory=list)  # ["ok"] when healthy
    foreign_keys: list[tuple] = field(default_factory=list)  # (table, rowid, parent, fkid)
    counts: dict[str, int] = field(default_factory=dict)
    schema_version: str = ""
    previous_backup: BackupInfo | None = None  # the newest backup made before this check
    checked_at: dt.datetime = field(default_factory=dt.datetime.now)

    @property
    def ok(self) -> bool:
        return self.integrity == ["ok"] and not self.foreign_keys

    @property
    def backup_age(self) -> dt.timedelta | None:
        if self.previous_backup is None:
            return None
        return self.checked_at - self.previous_backup.taken_at

    @property
    def backups_stale(self) -> bool:
        """No backup before this check, or the newest is older than ``MAX_BACKUP_AGE``: the
        automatic backups have stopped (or never ran)."""
        age = self.backup_age
        return age is None or age > MAX_BACKUP_AGE

    def lines(self) -> list[str]:
        """The report in plain words (translated)."""
        out = []
        if self.backup:
            out.append(_("Backup made first: {path}").format(path=self.backup))
        if self.integrity == ["ok"]:
            out.append(_("Integrity check: OK"))
        else:
            out.append(_("Integrity check found {n} problem(s):").format(n=len(self.integrity)))
            out.extend(f"  {line}" for line in self.integrity[:20])
        if not self.foreign_keys:
            out.append(_("Links between records: OK"))
        else:
            out.append(
                _("{n} record(s) point to records that do not exist:").format(
                    n=len(self.foreign_keys)
                )
            )
            out.extend(
                f"  {t} #{rowid} -> {parent}" for t, rowid, parent, _fk in self.foreign_keys[:20]
            )
        age = self.backup_age
        if age is None:
            out.append(_("Newest backup before this check: none."))
        else:
            out.append(
                _("Newest backup before this check: {date} ({days} days old).").format(
                    date=f"{self.previous_backup.taken_at:%Y-%m-%d %H:%M}",
                    days=f"{age.total_seconds() / 86400:.1f}",
                )
            )
        if self.backups_stale:
            out.append(
                _(
                    "Backups are more than two days old: the automatic backups have stopped."
                    " Open shopcrm (it backs up once a day) and look for a backup warning."
                )
            )
        if self.counts:
            out.append(
                _("Customers: {customers}, visits: {visits}, coupons: {coupons}").format(
                    customers=self.counts.get("customers", 0),
                    visits=self.counts.get("visits", 0),
                    coupons=self.counts.get("coupons", 0),
                )
            )
        out.append(
            _("The database is healthy.")
            if self.ok
            else _("Problems found. Restore a backup from before they started, or ask for help.")
        )
        return out


# --- helpers ------------------------------------------------------------------------------------


def _path_of(db: Database) -> Path:
    row = db.execute("PRAGMA database_list").fetchone()
    if not row or not row[2]:
        raise BackupError(_("An in-memory database cannot be backed up."))
    return Path(row[2])


def _restrict(path: Path) -> None:
    if os.name == "posix":
        with contextlib.suppress(OSError):
            path.chmod(0o600)


def _restrict_folder(folder: Path) -> None:
    """The backup folder is the user's alone too (0700 on POSIX)."""
    if os.name == "posix":
        with contextlib.suppress(OSError):
            if folder.stat().st_mode & 0o077:
                folder.chmod(0o700)


def _copy(src: sqlite3.Connection, dest_path: Path, progress: Progress | None) -> None:
    """Online backup of ``src`` into a fresh file at ``dest_path`` (atomic rename at the end)."""
    dest_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest_path.with_name(f".{dest_path.name}.{os.getpid()}.part")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    # Create it 0600 before SQLite writes a single page into it.
    fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    dest = sqlite3.connect(str(tmp))
    try:

        def step(status, remaining, total):
            if progress:
                progress(total - remaining, total)

        # One step: the whole copy in one read transaction. Step by step, every commit from
        # another program restarts the copy, and a steady stream of them means it never ends.
        src.backup(dest, pages=-1, progress=step)
        dest.execute("PRAGMA journal_mode = DELETE")  # a backup is one self-contained file
        dest.commit()
    except BaseException:
        dest.close()
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    dest.close()
    _restrict(tmp)
    with contextlib.suppress(OSError):
        fd = os.open(tmp, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
    os.replace(tmp, dest_path)


def backup_folder(db_path: Path) -> Path:
    """The backup folder of ``db_path`` (made if needed), or a ``BackupError`` that says why it
    cannot be used."""
    try:
        folder = backup_dir(db_path)
        if not folder.is_dir():
            raise NotADirectoryError(str(folder))
    except OSError as exc:
        folder = Path(db_path).expanduser().resolve().parent / "backups"
        if isinstance(exc, FileExistsError | NotADirectoryError):
            reason = _("a file of that name is in the way (move or rename it).")
        else:
            reason = storage_error_message(exc) or exc.strerror or str(exc)
        raise BackupError(
            _("The backup folder {folder} cannot be used: {reason}").format(
                folder=folder, reason=reason
            )
        ) from exc
    return folder


def _process_running(pid: int) -> bool | None:
    """True/False where the OS can tell without touching the process; None elsewhere."""
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return None  # os.kill(pid, 0) would terminate the process on Windows
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_partial_files(folder: Path, *, now: float | None = None) -> list[Path]:
    """Delete what killed backups left behind (``.<name>.<pid>.part``): files of processes that
    no longer run, or older than ``STALE_PARTIAL_SECONDS`` where that cannot be asked. A copy
    still running in another process is left alone. Returns what was deleted."""
    now = time.time() if now is None else now
    removed = []
    for path in folder.glob(".*.part*"):
        m = _PARTIAL.match(path.name)
        if not m:
            continue
        try:
            age = now - path.stat().st_mtime
        except OSError:
            continue
        running = _process_running(int(m["pid"]))
        if running is False or (age > STALE_PARTIAL_SECONDS and int(m["pid"]) != os.getpid()):
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


def backup_name(db_path: Path, kind: str, when: dt.datetime | None = None) -> str:
    when = when or dt.datetime.now()
    return f"{Path(db_path).stem}-{kind}-{when:%Y%m%d-%H%M%S}.db"


# --- backing up ---------------------------------------------------------------------------------


def backup_now(
    db_or_path: Database | str | os.PathLike,
    dest: str | os.PathLike | None = None,
    kind: str = "manual",
    *,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
) -> Path:
    """Copy the database (open or not) with the SQLite backup API; returns the backup's path.

    ``dest`` defaults to ``backups/<stem>-<kind>-<stamp>.db`` beside the database (partial files
    of killed backups there are cleaned up first).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown backup kind {kind!r}")
    if isinstance(db_or_path, Database):
        src_path = _path_of(db_or_path)
        conn, own = db_or_path.conn, False
    else:
        src_path = Path(db_or_path).expanduser()
        if not src_path.exists():
            raise BackupError(_("There is no database at {path}.").format(path=src_path))
        conn, own = sqlite3.connect(f"file:{src_path}?mode=ro", uri=True), True
    try:
        if dest is None:
            folder = backup_folder(src_path)
            _restrict_folder(folder)
            clean_partial_files(folder)
            when = now or dt.datetime.now()
            target = folder / backup_name(src_path, kind, when)
            bump = 1
            while target.exists():  # two backups in the same second
                target = folder / backup_name(src_path, kind, when + dt.timedelta(seconds=bump))
                bump += 1
        else:
            target = Path(dest).expanduser()
            if target.resolve() == src_path.resolve():
                raise BackupError(_("A backup cannot overwrite the database itself."))
        _copy(conn, target, progress)
    finally:
        if own:
            conn.close()
    return target


def list_backups(db_path: str | os.PathLike) -> list[BackupInfo]:
    """Backups of ``db_path`` in its backup folder, newest first (never partial files)."""
    db_path = Path(db_path).expanduser()
    found = []
    for path in backup_folder(db_path).glob("*.db"):
        m = _NAME.match(path.name)
        if not m or m["stem"] != db_path.stem:
            continue
        try:
            taken = dt.datetime.strptime(m["stamp"], "%Y%m%d-%H%M%S")
            size = path.stat().st_size
        except (ValueError, OSError):
            continue
        found.append(BackupInfo(path, m["kind"], taken, size))
    found.sort(key=lambda b: b.taken_at, reverse=True)
    return found


def keep_set(
    stamps: Iterable[dt.datetime],
    now: dt.datetime,
    *,
    daily: int = 7,
    weekly: int = 4,
    monthly: int = 12,
) -> set[dt.datetime]:
    """Which backup times to keep: the newest of each of the last ``daily`` days, ``weekly``
    ISO weeks and ``monthly`` months (counting the current one), plus anything in the future.

    Pure (no files), so rotation is tested with made-up dates.
    """
    stamps = sorted(set(stamps), reverse=True)
    keep = {s for s in stamps if s > now}
    today = now.date()
    this_week = today - dt.timedelta(days=today.weekday())

    def newest_per(bucket_of, limit):
        seen: dict = {}
        for s in stamps:
            if s > now:
                continue
            b = bucket_of(s)
            if b is None:
                continue
            seen.setdefault(b, s)  # stamps are newest first
        return set(seen.values())

    keep |= newest_per(lambda s: s.date() if (today - s.date()).days < daily else None, daily)
    keep |= newest_per(
        lambda s: (
            (s.date() - dt.timedelta(days=s.weekday()))
            if (this_week - (s.date() - dt.timedelta(days=s.weekday()))).days < 7 * weekly
            else None
        ),
        weekly,
    )
    keep |= newest_per(
        lambda s: (
            (s.year, s.month)
            if (today.year - s.year) * 12 + today.month - s.month < monthly
            else None
        ),
        monthly,
    )
    return keep


def rotate(db_path: str | os.PathLike, now: dt.datetime | None = None) -> list[Path]:
    """Delete automatic backups that ``keep_set`` does not keep; returns what was deleted."""
    now = now or dt.datetime.now()
    backups = list_backups(db_path)
    auto = [b for b in backups if b.kind in ROTATED_KINDS]
    keep = keep_set((b.taken_at for b in auto), now)
    doomed = [b.path for b in auto if b.taken_at not in keep]
    for kind in ("manual", "pre-migration", "pre-restore"):
        doomed += [b.path for b in backups if b.kind == kind][KEEP_EACH_SPECIAL:]
    too_old = now - dt.timedelta(days=MAX_AGE_DAYS)
    doomed += [b.path for b in backups if b.taken_at < too_old and b.path not in doomed]
    for path in doomed:
        with contextlib.suppress(OSError):
            path.unlink()
    return doomed


def folder_limit(db_path: str | os.PathLike) -> int:
    """How many bytes of backups the folder may hold: ``FOLDER_BYTES_MIN`` or
    ``FOLDER_DB_COPIES`` copies of the database, whichever is more."""
    try:
        size = Path(db_path).expanduser().stat().st_size
    except OSError:
        size = 0
    return max(FOLDER_BYTES_MIN, FOLDER_DB_COPIES * size)


def trim_to_size(db_path: str | os.PathLike, limit: int | None = None) -> list[Path]:
    """Delete the oldest backups (of any kind) until the folder holds at most ``limit`` bytes
    (default ``folder_limit``); the newest backup always stays. Returns what was deleted."""
    limit = folder_limit(db_path) if limit is None else limit
    backups = list_backups(db_path)  # newest first
    total = sum(b.size for b in backups)
    doomed = []
    for b in reversed(backups[1:]):
        if total <= limit:
            break
        with contextlib.suppress(OSError):
            b.path.unlink()
            total -= b.size
            doomed.append(b.path)
    return doomed


def auto_backup(
    db_or_path: Database | str | os.PathLike,
    kind: str = "daily",
    *,
    now: dt.datetime | None = None,
) -> Path | None:
    """The automatic backup: ``daily`` only if none was taken today, ``close`` always; then
    rotate. Returns the new backup or ``None`` when nothing was needed."""
    now = now or dt.datetime.now()
    db_path = _path_of(db_or_path) if isinstance(db_or_path, Database) else Path(db_or_path)
    clean_partial_files(backup_folder(db_path))  # what killed copies left, even with no new one
    if kind == "daily" and any(
        b.taken_at.date() == now.date() and b.kind in ROTATED_KINDS for b in list_backups(db_path)
    ):
        return None
    path = backup_now(db_or_path, kind=kind, now=now)
    rotate(db_path, now)
    trim_to_size(db_path)
    return path


def change_marker(db: Database) -> tuple[int, int]:
    """Changes so far: this connection's row changes and SQLite's ``data_version`` (which moves
    when another connection commits). Equal markers: nothing was written in between."""
    return db.conn.total_changes, db.execute("PRAGMA data_version").fetchone()[0]


def start_detached(db_path: str | os.PathLike, kind: str = "close"):
    """Run ``auto_backup(db_path, kind)`` in a process of its own that outlives the caller
    (``shopcrm backup --auto KIND``): the app closes at once, the copy finishes after it, and a
    copy cut short (power off) leaves only a partial file, removed at the next backup. Its
    outcome goes to the log file. Returns the ``Popen``."""
    # In the bundle, its executable is the shopcrm command itself.
    frozen = getattr(sys, "frozen", False)
    cmd = [sys.executable] if frozen else [sys.executable, "-m", "shopcrm"]
    cmd += ["--db", str(Path(db_path).expanduser().resolve()), "backup", "--auto", kind]
    options: dict = {
        "stdin": subprocess.DEVNULL,
        "stdout": subprocess.DEVNULL,
        "stderr": subprocess.DEVNULL,
        "close_fds": True,
    }
    if os.name == "nt":
        options["creationflags"] = subprocess.DETACHED_PROCESS | subprocess.CREATE_NO_WINDOW
    else:
        options["start_new_session"] = True
    return subprocess.Popen(cmd, **options)


# --- checking and restoring ---------------------------------------------------------------------


def integrity(conn: sqlite3.Connection) -> list[str]:
    return [row[0] for row in conn.execute("PRAGMA integrity_check")]


def foreign_key_problems(conn: sqlite3.Connection) -> list[tuple]:
    return [tuple(row) for row in conn.execute("PRAGMA foreign_key_check")]


def verify_file(path: str | os.PathLike) -> list[str]:
    """Problems with a database file (a backup to restore): [] when it is a healthy shopcrm file."""
    path = Path(path).expanduser()
    if not path.is_file():
        return [_("There is no file at {path}.").format(path=path)]
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return [storage_error_message(exc) or str(exc)]
    try:
        result = integrity(conn)
        if result != ["ok"]:
            return result
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"customers", "visits", "settings"} <= tables:
            return [_("{path} is not a shopcrm database.").format(path=path.name)]
        bad = foreign_key_problems(conn)
        if bad:
            return [_("{n} record(s) point to records that do not exist.").format(n=len(bad))]
    except sqlite3.DatabaseError as exc:
        return [storage_error_message(exc) or str(exc)]
    finally:
        conn.close()
    return []


def file_state(db_path: str | os.PathLike) -> str:
    """``"ok"``, ``"missing"``, ``"empty"`` (no bytes, or a SQLite file without shopcrm's
    tables) or ``"damaged"`` (cannot be read, or fails the integrity check)."""
    path = Path(db_path).expanduser()
    if not path.exists():
        return "missing"
    if path.stat().st_size == 0:
        return "empty"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if not tables:
                return "empty"
            if integrity(conn) != ["ok"]:
                return "damaged"
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return "damaged"
    return "ok" if {"customers", "visits", "settings"} <= tables else "empty"


def stored_setting(path: str | os.PathLike, key: str) -> object:
    """A setting's value read from a database file without opening it for writing (a backup
    about to be restored); ``None`` when absent or unreadable."""
    try:
        conn = sqlite3.connect(f"file:{Path(path).expanduser()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return json.loads(row[0]) if row else None
    except (sqlite3.Error, ValueError):
        return None
    finally:
        conn.close()


def set_aside(db_path: str | os.PathLike, state: str, when: dt.datetime | None = None) -> Path:
    """Move a damaged or empty database (with its -wal/-shm) out of the way, beside it, as
    ``<name>-<state>-<timestamp>.db``; returns the new path. Nothing is deleted."""
    path = Path(db_path).expanduser()
    stamp = (when or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.stem}-{state}-{stamp}{path.suffix or '.db'}")
    os.replace(path, aside)
    for suffix in ("-wal", "-shm"):
        extra = Path(f"{path}{suffix}")
        if extra.exists():
            os.replace(extra, Path(f"{aside}{suffix}"))
    _restrict(aside)
    return aside


def restore(
    db_path: str | os.PathLike,
    source: str | os.PathLike,
    *,
    db: Database | None = None,
    progress: Progress | None = None,
) -> Path | None:
    """Replace the database at ``db_path`` with the backup ``source``; returns where the data
    from before is (``None`` when there was no database).

    The backup is checked first (integrity, shopcrm tables). A healthy current database is backed
    up (kind ``pre-restore``) and its content replaced through the backup API, which writes it as
    one transaction (a kill midway leaves the old content); ``db`` may be the app's open
    connection to ``db_path``: it sees the restored data. A damaged or empty database is moved
    aside, named (``set_aside``), and the backup copied into a new file: restore rescues a damaged
    database and brings a shop to a new PC.
    """
    db_path = Path(db_path).expanduser()
    source = Path(source).expanduser()
    problems = verify_file(source)
    if problems:
        raise BackupError(
            _("The backup cannot be restored: {problem}").format(problem="; ".join(problems[:3]))
        )
    if db_path.exists() and source.resolve() == db_path.resolve():
        raise BackupError(_("That file is the database itself."))
    state = "ok" if db is not None else file_state(db_path)
    before: Path | None = None
    if state == "ok":
        before = backup_now(db if db is not None else db_path, kind="pre-restore")
    elif state in ("damaged", "empty"):
        before = set_aside(db_path, state)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    if db is not None:
        dest = db.conn
    else:
        # A new file is written under a temporary name and renamed into place when complete.
        target = db_path if state == "ok" else db_path.with_name(f".{db_path.name}.restoring")
        dest = sqlite3.connect(str(target))
    try:

        def step(status, remaining, total):
            if progress:
                progress(total - remaining, total)

        src.backup(dest, pages=0 if db is not None else PAGES_PER_STEP, progress=step)
    finally:
        src.close()
        if db is None:
            dest.close()
    if db is None and state != "ok":
        os.replace(target, db_path)
    _restrict(db_path)
    return before


def check(db_or_path: Database | str | os.PathLike, *, backup_first: bool = True) -> CheckReport:
    """Check database: a backup first, then integrity and foreign-key checks and counts."""
    src_path = _path_of(db_or_path) if isinstance(db_or_path, Database) else Path(db_or_path)
    try:
        before = list_backups(src_path)
    except BackupError:
        before = []
    checked_at = dt.datetime.now()
    backup = backup_now(db_or_path, kind="manual") if backup_first else None
    if isinstance(db_or_path, Database):
        db = db_or_path
        close = False
    else:
        db = connect(db_or_path)
        close = True
    try:
        report = CheckReport(
            backup=backup,
            integrity=integrity(db.conn),
            foreign_keys=foreign_key_problems(db.conn),
            schema_version=schema_version(db),
            previous_backup=before[0] if before else None,
            checked_at=checked_at,
        )
        for table in ("customers", "visits", "coupons"):
            with contextlib.suppress(sqlite3.Error):
                report.counts[table] = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        if close:
            db.close()
    return report


# --- errors the user can act on ------------------------------------------------------------------


def is_damage(exc: BaseException) -> bool:
    """True when opening a database failed because the file is damaged or not a database (what
    a restore can rescue), not because it is busy, read-only or missing."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    return name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or (
        "not a database" in text or "malformed" in text
    )


def storage_error_message(exc: BaseException) -> str | None:
    """A sentence for a storage problem (disk full, read-only, not a database, busy), else None."""
    if isinstance(exc, BackupError | UnsafeLocation):
        return str(exc)
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return _full_disk()
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return _read_only()
        return None
    if not isinstance(exc, sqlite3.Error):
        return None
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return _full_disk()
    if name.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text:
        return _read_only()
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or "not a database" in text:
        return _(
            "The file is not a shopcrm database or is damaged. Restore a backup"
            " (shopcrm restore FILE)."
        )
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        return _("The database file cannot be opened. Check that the folder exists and is yours.")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return _("The database is busy in another program. Try again in a moment.")
    if name.startswith("SQLITE_IOERR") or "disk i/o error" in text:
        return _(
            "The disk refused the write (a disk error, or a file or USB stick that became"
            " read-only). Nothing was changed; check the disk and its write-protect switch."
        )
    return None


def _full_disk() -> str:
    return _(
        "The disk is full: nothing was changed. Free some space (or move old backups) and try"
        " again."
    )


def _read_only() -> str:
    return _(
        "The database file is read-only: nothing was changed. Check the file's permissions or"
        " the USB stick's write-protect switch."
    )
