"""One running app per database: an exclusive OS lock on ``<db>.lock``.

``acquire(db_path)`` takes an exclusive, non-blocking OS lock (``fcntl.flock`` on POSIX,
``msvcrt.locking`` on Windows) on a file beside the database and writes who holds it (pid, host,
since) into it as JSON. The operating system drops the lock when the process ends, however it
ends, so a crashed or killed app never leaves a stale lock behind: the next start simply gets it.
A second app on the same database gets ``DatabaseInUse`` naming the first one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import socket
import time
from pathlib import Path

from shopcrm.i18n import _


class DatabaseInUse(RuntimeError):
    """Another shopcrm holds the database; ``str()`` is a sentence in the user's language."""

    def __init__(self, db_path: Path, pid: int | None, host: str, since: str):
        super().__init__(db_path, pid, host, since)
        self.db_path = Path(db_path)
        self.pid = pid
        self.host = host
        self.since = since  # 'YYYY-MM-DD HH:MM:SS' local time, or ''

    def __str__(self) -> str:
        since = self.since[11:16] if len(self.since) >= 16 else (self.since or "?")
        return _(
            "This customer database is open in another shopcrm (process {pid}, host {host},"
            " since {since}). Close it there first."
        ).format(pid=self.pid if self.pid is not None else "?", host=self.host or "?", since=since)


def lock_path(db_path: str | os.PathLike) -> Path:
    """The lock file beside the database, for the file's real location: a symlink or another
    spelling of the same path locks the same file."""
    path = Path(db_path).expanduser().resolve()
    return path.with_name(path.name + ".lock")


class DbLock:
    """A held lock; ``release()`` (or leaving the ``with`` block) gives it back."""

    def __init__(self, db_path: Path, fh):
        self.db_path = db_path
        self.path = lock_path(db_path)
        self._fh = fh

    @property
    def held(self) -> bool:
        return self._fh is not None

    def release(self) -> None:
        fh, self._fh = self._fh, None
        if fh is None:
            return
        with contextlib.suppress(OSError):
            fh.seek(0)
            fh.truncate()
            fh.flush()
        with contextlib.suppress(OSError):
            _unlock(fh)
        fh.close()

    def __enter__(self) -> DbLock:
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def __del__(self) -> None:  # pragma: no cover - safety net only
        with contextlib.suppress(Exception):
            self.release()


def _try_lock(fh) -> bool:
    if os.name == "nt":  # pragma: no cover - Windows
        import msvcrt  # lazy: Windows only

        try:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl  # lazy: POSIX only (Windows has no fcntl)

    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as exc:  # some network filesystems refuse flock: better run than refuse
        if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP):
            return True
        raise
    return True


def _unlock(fh) -> None:
    if os.name == "nt":  # pragma: no cover - Windows
        import msvcrt  # lazy: Windows only

        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
        return
    import fcntl  # lazy: POSIX only (Windows has no fcntl)

    fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def read_holder(db_path: str | os.PathLike) -> dict:
    """What the lock file says about its holder ({} when empty or unreadable)."""
    try:
        text = lock_path(db_path).read_text(encoding="utf-8")
        data = json.loads(text) if text.strip() else {}
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def acquire(db_path: str | os.PathLike) -> DbLock:
    """Lock ``db_path`` for this process or raise ``DatabaseInUse`` naming the holder."""
    db_path = Path(db_path).expanduser().resolve()
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Open without truncating: the holder's details must survive a failed attempt.
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    fh = os.fdopen(fd, "r+", encoding="utf-8")
    if not _try_lock(fh):
        fh.close()
        holder = read_holder(db_path)
        pid = holder.get("pid")
        raise DatabaseInUse(
            db_path,
            pid if isinstance(pid, int) else None,
            str(holder.get("host", "")),
            str(holder.get("since", "")),
        )
    info = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": dt.datetime.now().replace(microsecond=0).isoformat(sep=" "),
    }
    fh.seek(0)
    fh.truncate()
    # On Windows the locked byte 0 cannot be written by others, but we hold it; write after it.
    fh.write(json.dumps(info))
    fh.flush()
    with contextlib.suppress(OSError):
        os.fsync(fh.fileno())
    return DbLock(db_path, fh)


@contextlib.contextmanager
def migration_lock(db_path: str | os.PathLike, timeout: float = 120.0):
    """Held while a process migrates ``db_path``: a second process opening the same old-schema
    file waits here, then finds the work done (blocks up to ``timeout`` seconds)."""
    path = Path(db_path).expanduser().resolve()
    lock_file = path.with_name(path.name + ".migrate.lock")
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    fh = os.fdopen(fd, "r+", encoding="utf-8")
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(fh):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{lock_file} is held by another process")
            time.sleep(0.05)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                _unlock(fh)
    finally:
        fh.close()
