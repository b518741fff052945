"""A database on a write-protected stick (a tmpfs remounted read-only, so even root cannot write):
it opens read-only and says so; guests can be looked up, exported and backed up; a save is
refused with the read-only message (issue 17)."""

from __future__ import annotations

import os
import subprocess
import uuid

import pytest
from click.testing import CliRunner

from shopcrm.cli import cli
from shopcrm.domain.models import Customer
from shopcrm.store import customers, open_db


def run(db_path, *args):
    return CliRunner().invoke(cli, ["--db", str(db_path), *map(str, args)])


@pytest.fixture
def stick(tmp_path):
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting needs root")
    mount = tmp_path / f"stick-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)]).returncode:
        pytest.skip("tmpfs cannot be mounted here")
    try:
        db = open_db(mount / "shop.db")
        customers.create(db, Customer(name="山田 太郎", kana="やまだ", phone="090-1234-5678"))
        db.close()
        assert subprocess.run(["mount", "-o", "remount,ro", str(mount)]).returncode == 0
        yield mount / "shop.db"
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_read_only_stick_can_be_read_exported_and_backed_up(stick, tmp_path):
    listed = run(stick, "customers", "list")
    assert listed.exit_code == 0, listed.output
    assert "山田 太郎" in listed.output and "read-only" in listed.output
    out = tmp_path / "guests.csv"
    assert run(stick, "export", "customers", "-o", out).exit_code == 0
    assert "山田 太郎" in out.read_text(encoding="utf-8-sig")
    copy = tmp_path / "copy.db"
    res = run(stick, "backup", "-o", copy)
    assert res.exit_code == 0, res.output
    assert customers.count_all(open_db(copy)) == 1


def test_a_save_on_the_stick_is_refused_with_the_reason(stick):
    res = run(stick, "customers", "add", "--name", "佐藤 花子", "--kana", "さとう")
    assert res.exit_code == 4
    assert "read-only" in res.output and "Traceback" not in res.output
