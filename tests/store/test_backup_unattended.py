"""Backups that run for years without anyone watching: killed copies leave nothing that counts
(and are cleaned up), a copy finishes however often another program writes, the folder's bytes
stay bounded, an unusable folder says why, and ``check`` fails on stale backups."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from click.testing import CliRunner

from shopcrm.cli import cli
from shopcrm.i18n import set_language
from shopcrm.store import backup, open_db

posix_only = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")


def _fill(db_path, megabytes: int) -> None:
    """A real shop file with a bulky table, so a copy takes a while."""
    db = open_db(db_path)
    with db.conn:
        db.conn.execute("CREATE TABLE IF NOT EXISTS ballast (id INTEGER PRIMARY KEY, blob BLOB)")
        db.conn.executemany(
            "INSERT INTO ballast (blob) VALUES (?)",
            [(os.urandom(64 * 1024),) for _ in range(megabytes * 16)],
        )
    db.close()


def _partials(folder):
    return sorted(p.name for p in folder.glob(".*.part*"))


@posix_only
def test_killed_backups_leave_nothing_that_counts_and_are_cleaned_up(db_path):
    _fill(db_path, 24)
    folder = backup.backup_folder(db_path)
    left = 0
    for round_ in range(6):
        pid = os.fork()
        if pid == 0:  # the child backs up and never returns into pytest
            code = 0
            try:
                backup.backup_now(db_path, kind="manual")
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        time.sleep(0.01 + 0.01 * round_)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        left += bool(_partials(folder))
    assert left, "no kill landed during a copy: make the database bigger"
    # Whatever the kills left is never listed as a backup; every listed one is whole.
    for b in backup.list_backups(db_path):
        conn = sqlite3.connect(f"file:{b.path}?mode=ro", uri=True)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
    # The next backup cleans up after the dead processes.
    made = backup.backup_now(db_path, kind="manual")
    assert _partials(folder) == []
    assert made in [b.path for b in backup.list_backups(db_path)]


def test_a_running_copys_partial_file_is_left_alone(db_path):
    open_db(db_path).close()
    folder = backup.backup_folder(db_path)
    mine = folder / f".shop-manual-20260101-000000.db.{os.getpid()}.part"
    mine.write_bytes(b"in progress")
    old = folder / ".shop-manual-20250101-000000.db.999999999.part"
    old.write_bytes(b"x" * 1000)
    removed = backup.clean_partial_files(folder)
    assert mine.exists()
    assert old in removed or os.name != "posix"
    # Where the OS cannot be asked, age decides: an hour-old partial of another process goes.
    later = time.time() + backup.STALE_PARTIAL_SECONDS + 60
    assert not backup.clean_partial_files(folder, now=later) or not old.exists()
    assert mine.exists()


WRITER = textwrap.dedent(
    """
    import sqlite3, sys, time, os
    conn = sqlite3.connect(sys.argv[1], timeout=5)
    conn.execute("PRAGMA journal_mode=WAL")
    print("ready", flush=True)
    n = 0
    while True:
        with conn:
            conn.execute("INSERT INTO ballast (blob) VALUES (?)", (os.urandom(4096),))
        n += 1
        time.sleep(float(sys.argv[2]))
    """
)


def test_a_backup_finishes_while_another_program_commits_all_the_time(db_path, tmp_path):
    _fill(db_path, 24)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path), "0.005"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(0.2)
        result: dict = {}

        def copy():
            try:
                result["path"] = backup.backup_now(db_path, kind="manual")
            except BaseException as exc:
                result["error"] = exc

        thread = threading.Thread(target=copy, daemon=True)
        thread.start()
        thread.join(60)  # a liveness bound, not a speed target (step-wise: never finishes)
        assert not thread.is_alive(), "the backup did not finish while the writer ran"
        assert "error" not in result, result
        assert writer.poll() is None  # the writer kept going all along
    finally:
        writer.kill()
        writer.wait()
    conn = sqlite3.connect(f"file:{result['path']}?mode=ro", uri=True)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM ballast").fetchone()[0] >= 24 * 16
    conn.close()


def test_the_backup_folder_stays_within_its_byte_limit(db_path):
    _fill(db_path, 2)
    made = [
        backup.backup_now(db_path, kind="manual", now=dt.datetime(2026, 1, d, 12)) for d in (1, 2)
    ] + [backup.backup_now(db_path, kind="pre-restore", now=dt.datetime(2026, 1, 3, 12))]
    size = made[0].stat().st_size
    removed = backup.trim_to_size(db_path, limit=int(size * 2.5))
    assert removed == [made[0]]  # the oldest goes first, whatever its kind
    left = backup.list_backups(db_path)
    assert sum(b.size for b in left) <= size * 2.5
    assert backup.trim_to_size(db_path, limit=1) == [made[1]]
    assert [b.path for b in backup.list_backups(db_path)] == [made[2]]  # the newest stays
    assert backup.folder_limit(db_path) >= backup.FOLDER_BYTES_MIN


def test_an_unusable_backup_folder_says_which_and_why(db_path):
    open_db(db_path).close()
    (db_path.parent / "backups").write_text("a file where the folder should be")
    set_language("ja")
    with pytest.raises(backup.BackupError) as err:
        backup.backup_now(db_path)
    assert str(err.value).startswith(
        f"バックアップフォルダ {db_path.parent / 'backups'} を使えません"
    )
    with pytest.raises(backup.BackupError):
        backup.auto_backup(db_path, "daily")


def _check(db_path, *args):
    return CliRunner().invoke(cli, ["--db", str(db_path), "check", *args])


def test_check_reports_the_newest_backup_and_fails_when_it_is_stale(db_path):
    open_db(db_path).close()
    result = _check(db_path)  # never backed up before
    assert result.exit_code == 1
    assert "Newest backup before this check: none." in result.output
    assert "automatic backups have stopped" in result.output

    three_days = dt.datetime.now() - dt.timedelta(days=3)
    for b in backup.list_backups(db_path):
        b.path.unlink()  # only the old daily backup below
    backup.backup_now(db_path, kind="daily", now=three_days)
    result = _check(db_path, "--json")
    assert result.exit_code == 1
    import json

    data = json.loads(result.output)
    assert data["ok"] is True and data["backups_stale"] is True
    assert 2.9 < data["backup_age_days"] < 3.1

    backup.auto_backup(db_path, "daily")  # the automatic backup works again
    result = CliRunner().invoke(cli, ["--lang", "ja", "--db", str(db_path), "check"])
    assert result.exit_code == 0, result.output
    assert "この点検より前の最新バックアップ" in result.output and "0.0日前" in result.output


@posix_only
def test_the_next_start_cleans_up_even_when_no_new_backup_is_due(db_path):
    open_db(db_path).close()
    assert backup.auto_backup(db_path, "daily") is not None
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # a pid that no longer runs, as after a kill -9
    folder = backup.backup_folder(db_path)
    stale = folder / f".shop-close-20260101-000000.db.{dead.pid}.part"
    stale.write_bytes(b"x" * 4096)
    assert backup.auto_backup(db_path, "daily") is None  # today's backup exists: none due
    assert not stale.exists()
