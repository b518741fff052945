"""The owner PIN against staff at the counter (issue 17): guesses are throttled with a growing
delay that survives restarts, a deleted PIN row is tampering (not "no PIN"), the recovery code
sets a new PIN, backups and revenue order ask for the PIN, and staff see no money totals."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from shopcrm.cli import cli
from shopcrm.domain.models import Customer, Visit
from shopcrm.services import auth
from shopcrm.store import customers, open_db, owner_guard, visits

PIN = "2580"


def run(db_path, *args, pin=None):
    extra = ["--pin", pin] if pin is not None else []
    return CliRunner().invoke(cli, ["--db", str(db_path), *extra, *map(str, args)])


@pytest.fixture
def shop(db, db_path):
    c = customers.create(db, Customer(name="山田 太郎", kana="やまだ"))
    visits.record(db, Visit(customer_id=c.id, visited_at=dt.datetime(2026, 11, 1, 19), amount=8800))
    code = auth.set_pin(db, PIN)
    return db_path, code


def test_wrong_guesses_are_throttled_across_restarts(shop):
    db_path, _code = shop
    outputs = [run(db_path, "export", "customers", "-o", "x.csv", pin="0000") for _ in range(3)]
    assert all(r.exit_code == 3 for r in outputs)
    assert all("Wrong owner PIN" in r.output for r in outputs[:2])
    assert "try again in 2 seconds" in outputs[2].output  # the third starts the delay
    # The fourth guess in a new process meets the delay: refused without checking, even the
    # right PIN, and the message says how long to wait.
    db = open_db(db_path)
    assert auth.wait_seconds(db) > 0
    res = run(db_path, "backup", pin=PIN)
    assert res.exit_code == 3 and "try again in" in res.output
    # After the wait has run out the right PIN works again and resets the count.
    owner_guard.put(db, last_failure=(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat())
    assert run(db_path, "backup", pin=PIN).exit_code == 0
    assert owner_guard.get(db, "failures") == "0"


def test_the_delay_grows_with_every_wrong_guess(db):
    auth.set_pin(db, PIN)
    waits = []
    for _ in range(7):
        owner_guard.put(db, last_failure="2000-01-01T00:00:00+00:00")  # no wait pending
        assert auth.verify_pin(db, "9999") is False
        waits.append(auth.wait_seconds(db))
    assert waits[:2] == [0, 0] and waits[2:] == sorted(waits[2:]) and waits[-1] >= 16


def test_a_deleted_pin_row_is_tampering_not_no_pin(shop):
    db_path, code = shop
    db = open_db(db_path)
    db.execute("DELETE FROM settings WHERE key = 'owner_pin_hash'")
    db.conn.commit()
    for args in (["export", "customers", "-o", "x.csv"], ["backup"], ["settings", "set",
                 "owner_lock_minutes", "10"]):  # fmt: skip
        res = run(db_path, *args)
        assert res.exit_code == 3, (args, res.output)
        assert "removed from this database outside shopcrm" in res.output
    # The owner recovers with the code shown when the PIN was set.
    res = run(db_path, "pin", "recover", "--code", "AAAA-AAAA-AAAA", "--new-pin", "1470")
    assert res.exit_code == 2 and "recovery code is wrong" in res.output
    res = run(db_path, "pin", "recover", "--code", code.lower(), "--new-pin", "1470")
    assert res.exit_code == 0, res.output
    assert "Recovery code:" in res.output
    assert run(db_path, "backup", pin="1470").exit_code == 0


def test_backups_and_the_revenue_order_ask_for_the_pin(shop):
    db_path, _code = shop
    assert run(db_path, "backup").exit_code == 3
    assert run(db_path, "customers", "list", "--order-by", "total_spent").exit_code == 3
    assert run(db_path, "customers", "list", "--order-by", "total_spent", pin=PIN).exit_code == 0


def test_staff_see_visits_but_no_money_totals(shop):
    db_path, _code = shop
    staff = run(db_path, "customers", "list")
    assert staff.exit_code == 0 and "山田 太郎" in staff.output
    assert "8,800" not in staff.output and "Total spent" not in staff.output
    data = json.loads(run(db_path, "customers", "list", "--json").output)
    assert data["customers"][0]["total_spent"] is None
    shown = run(db_path, "customers", "show", "1")
    assert "8,800" not in shown.output.split("Recent visits")[0]
    owner = run(db_path, "customers", "list", pin=PIN)
    assert "8,800" in owner.output


def test_setting_the_pin_prints_a_recovery_code(db, db_path):
    res = run(db_path, "pin", "set", "--new-pin", PIN)
    assert res.exit_code == 0
    code = res.output.split("Recovery code: ")[1].split()[0]
    assert len(code) == 14 and code.count("-") == 2
    assert owner_guard.get(db, "recovery_hash").startswith("scrypt$")
    assert (
        code
        not in open_db(db_path).execute("SELECT group_concat(value) FROM owner_guard").fetchone()[0]
    )
