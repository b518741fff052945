"""``shopcrm email send --dry-run``, ``send``, ``test`` and ``unsubscribe`` on a real server."""

from __future__ import annotations

import json

from click.testing import CliRunner

from shopcrm.cli import cli
from tests.services.test_email_fixtures import *  # noqa: F403


def _run(db_path, *args, lang="en"):
    return CliRunner().invoke(cli, ["--db", str(db_path), "--lang", lang, "email", *args])


def test_dry_run_sends_nothing_and_says_why_guests_are_left_out(db, db_path, shop, smtp_server):
    out = _run(db_path, "send", "--campaign", str(shop["campaign"].id), "--dry-run", lang="ja")
    assert out.exit_code == 0, out.output
    assert "メールで 3 人に届きます" in out.output
    assert "メールアドレスなし" in out.output and "メール配信停止済み" in out.output
    assert smtp_server.arrived == []
    data = json.loads(
        _run(db_path, "send", "--campaign", str(shop["campaign"].id), "--dry-run", "--json").output
    )
    assert len(data["email"]) == 3 and data["post"] == 6
    assert {d["reason"] for d in data["left_out"]} == {"no_address", "no_consent", "unsubscribed"}


def test_send_test_and_unsubscribe(db, db_path, shop, smtp_server):
    out = _run(db_path, "test", "--to", "owner@example.jp")
    assert out.exit_code == 0 and "owner@example.jp" in out.output
    assert _run(db_path, "unsubscribe", "hanako@example.jp").exit_code == 0
    out = _run(db_path, "send", "--campaign", str(shop["campaign"].id))
    assert out.exit_code == 0, out.output
    assert "Sent 2 e-mails." in out.output
    assert smtp_server.to("hanako@example.jp") == []
    again = _run(db_path, "send", "--campaign", str(shop["campaign"].id))
    assert "Sent 0 e-mails." in again.output and len(smtp_server.arrived) == 3
    nobody = _run(db_path, "unsubscribe", "nobody@example.jp")
    assert nobody.exit_code != 0 and "nobody@example.jp" in nobody.output
