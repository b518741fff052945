"""Misuse of ``-o``: no command may write its PDF, CSV or JSON over the shop's database, its
-wal/-shm files or into the backups folder (issue 17), and what the command line writes is
readable by the user alone."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest
from click.testing import CliRunner

from shopcrm.cli import cli
from shopcrm.domain.models import Customer
from shopcrm.store import customers


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def shop(db, db_path):
    customers.create(db, Customer(name="山田 太郎", kana="やまだ", birth_month=12, birth_day=1))
    return db_path


COMMANDS = {
    "print": ["print", "tickets", "--customers", "1"],
    "report": ["report", "--month", "2026-11"],
    "birthdays": ["birthdays", "--month", "12", "--format", "csv"],
    "export": ["export", "customers"],
    "customer-record": ["customers", "export", "1"],
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("target", ["db", "wal", "symlink", "backups"])
def test_an_output_on_the_shops_own_files_is_refused(shop, tmp_path, command, target):
    before = shop.read_bytes()
    if target == "db":
        out = shop
    elif target == "wal":
        out = shop.with_name(shop.name + "-wal")
    elif target == "symlink":
        out = tmp_path / "innocent.pdf"
        out.symlink_to(shop)
    else:
        (shop.parent / "backups").mkdir(exist_ok=True)
        out = shop.parent / "backups" / "list.csv"
    res = invoke("--db", shop, *COMMANDS[command], "-o", out)
    assert res.exit_code == 2, res.output
    assert "-o" in res.output or "--output" in res.output
    assert ("database" in res.output) or ("backups folder" in res.output)
    assert shop.read_bytes()[:100] == before[:100]  # still the SQLite file it was
    if target == "backups":
        assert not out.exists()


def test_the_refusal_is_in_japanese_too(shop):
    res = invoke("--lang", "ja", "--db", shop, "print", "tickets", "--customers", "1", "-o", shop)
    assert res.exit_code == 2
    assert "データベース" in res.output


def test_a_backup_may_still_go_to_the_backups_folder(shop):
    (shop.parent / "backups").mkdir(exist_ok=True)
    out = shop.parent / "backups" / "by-hand.db"
    res = invoke("--db", shop, "backup", "-o", out)
    assert res.exit_code == 0, res.output
    assert out.is_file()
    res = invoke("--db", shop, "backup", "-o", shop)
    assert res.exit_code == 2


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_files_the_command_line_writes_are_private(shop, tmp_path):
    outputs = {
        "birthdays.csv": ["birthdays", "--month", "12", "--format", "csv"],
        "report.pdf": ["report", "--month", "2026-11"],
        "export.csv": ["export", "customers"],
    }
    for name, args in outputs.items():
        out = tmp_path / name
        proc = subprocess.run(
            [sys.executable, "-m", "shopcrm", "--db", str(shop), *args, "-o", str(out)],
            capture_output=True,
            text=True,
            env={**os.environ, "SHOPCRM_LANG": "en"},
        )
        assert proc.returncode == 0, proc.stderr
        assert stat.S_IMODE(out.stat().st_mode) == 0o600, name


def test_one_exit_code_per_kind_of_failure(shop, tmp_path):
    """A storage failure is 4 from every command (it was 2 from some and 4 from others)."""
    import shutil

    if shutil.which("chattr") is None or os.geteuid() != 0:
        pytest.skip("needs chattr as root")
    names = tmp_path / "名簿.csv"
    names.write_text("氏名,フリガナ\n佐藤 花子,さとう はなこ\n", encoding="utf-8")
    files = [str(p) for p in (shop, shop.with_name(shop.name + "-wal")) if p.exists()]
    subprocess.run(["chattr", "+i", *files], check=True)
    try:
        add = invoke("--db", shop, "customers", "add", "--name", "佐藤 花子", "--kana", "さとう")
        imported = invoke("--db", shop, "import", "customers", names)
    finally:
        subprocess.run(["chattr", "-i", *files], check=True)
    assert (add.exit_code, imported.exit_code) == (4, 4), (add.output, imported.output)
    assert invoke("--db", shop, "customers", "show", "999").exit_code == 1
    assert invoke("--db", shop, "customers", "add", "--name", "").exit_code == 2
