# ruff: noqa: F811  (the fixtures imported from test_line.py are named as test parameters)
"""``shopcrm line send/pull/link-code`` through click's CliRunner, against the real relay and the
stand-in LINE API (the same fixtures as test_line.py)."""

from __future__ import annotations

import json
import urllib.parse

from click.testing import CliRunner

from shopcrm.cli import cli
from shopcrm.services import campaigns
from shopcrm.store import line_links, mailings
from tests.services.line_standin import sign, user_id
from tests.services.test_line import (  # noqa: F401 (fixtures)
    _campaign,
    _event,
    _guest,
    _linked_guests,
    _post,
    api,
    relay,
    shop,
)


def _run(db_path, *args, env=None):
    return CliRunner().invoke(cli, ["--db", str(db_path), *args], env=env)


def test_link_code_then_pull_links_the_guest(shop, relay, db_path):
    guest = _guest(shop, "佐藤 花子")
    res = _run(db_path, "line", "link-code", str(guest.id), "--json")
    assert res.exit_code == 0, res.output
    offer = json.loads(res.output)
    assert urllib.parse.unquote(offer["url"].split("?", 1)[1]) == offer["text"]
    body = json.dumps({"events": [_event("message", user_id(5), offer["text"], n=1)]}).encode()
    assert _post(relay.url, body, sign(body)) == 200
    res = _run(db_path, "line", "pull")
    assert res.exit_code == 0, res.output
    assert "1 guests linked" in res.output
    assert line_links.link_for(shop, guest.id).user_id == user_id(5)


def test_send_dry_run_then_send_and_over_quota(shop, api, db_path, today):
    _linked_guests(shop, 2)
    left = _guest(shop, "未連携 さん", dm_consent=True)
    c = _campaign(shop, "{name}様 {coupon_code}")
    campaigns.issue(shop, c, today=today)
    res = _run(db_path, "line", "send", "--campaign", c.name, "--dry-run")
    assert res.exit_code == 0, res.output
    assert "2 guests will get a LINE message." in res.output
    assert f"{left.name} (#{left.id}): Not linked to LINE" in res.output
    assert api.sends() == []
    env = {"SHOPCRM_LINE_API_HOST": api.host}
    api.limit, api.used = 100, 99
    res = _run(db_path, "line", "send", "--campaign", c.name, env=env)
    assert res.exit_code != 0
    assert "only 1 are left" in res.output
    api.used = 0
    res = _run(db_path, "line", "send", "--campaign", c.name, "--json", env=env)
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["sent"] == 2
    assert mailings.count_for_campaign(shop, c.id, "line") == 2


def test_relay_command_needs_its_secrets(db_path):
    res = CliRunner().invoke(cli, ["line-relay"], env={"LINE_CHANNEL_SECRET": ""})
    assert res.exit_code != 0
    assert "LINE_CHANNEL_SECRET" in res.output
