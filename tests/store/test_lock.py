"""One app per database: a second process gets DatabaseInUse naming the first; a killed holder
leaves no stale lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from shopcrm import i18n
from shopcrm.store import lock, open_db


def _holder(db_path, ready_file):
    code = textwrap.dedent(
        f"""
        import time, pathlib
        from shopcrm.store import lock
        held = lock.acquire({str(db_path)!r})
        pathlib.Path({str(ready_file)!r}).write_text("ready")
        time.sleep(60)
        """
    )
    return subprocess.Popen([sys.executable, "-c", code])


def _wait_for(path, proc, timeout=20.0):
    end = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, "holder died"
        assert time.monotonic() < end, "holder never took the lock"
        time.sleep(0.02)


def test_second_process_is_refused_with_the_first_pid(tmp_path):
    db_path = tmp_path / "shop.db"
    ready = tmp_path / "ready"
    proc = _holder(db_path, ready)
    try:
        _wait_for(ready, proc)
        with pytest.raises(lock.DatabaseInUse) as err:
            lock.acquire(db_path)
        assert err.value.pid == proc.pid
        assert err.value.host
        assert str(proc.pid) in str(err.value)
        i18n.set_language("ja")
        assert "別のshopcrm" in str(err.value) and str(proc.pid) in str(err.value)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    # The OS dropped the lock with the killed process: no stale lock.
    with lock.acquire(db_path) as held:
        assert held.held
        assert lock.read_holder(db_path)["pid"] == os.getpid()


def test_release_lets_the_next_one_in(tmp_path):
    db_path = tmp_path / "shop.db"
    first = lock.acquire(db_path)
    first.release()
    second = lock.acquire(db_path)
    assert second.held
    second.release()
    assert not second.held


def test_lock_file_is_private(tmp_path):
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    with lock.acquire(tmp_path / "shop.db") as held:
        assert held.path.stat().st_mode & 0o077 == 0


def test_a_symlink_to_the_database_meets_the_same_lock(tmp_path):
    real = tmp_path / "shop.db"
    open_db(real).close()
    link = tmp_path / "shortcut.db"
    link.symlink_to(real)
    held = lock.acquire(real)
    try:
        with pytest.raises(lock.DatabaseInUse):
            lock.acquire(link)
        with pytest.raises(lock.DatabaseInUse):
            lock.acquire(tmp_path / "." / "shop.db")
    finally:
        held.release()
    lock.acquire(link).release()
