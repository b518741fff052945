"""``shopcrm analytics effect --campaign X [--json]`` on a simulated shop with a known effect."""

from __future__ import annotations

import json

from click.testing import CliRunner

from shopcrm.cli import cli
from tests.services.test_effect import simulate


def run(db_path, *args, lang="en"):
    return CliRunner().invoke(cli, ["--db", str(db_path), "--lang", lang, *args])


def test_effect_json_and_text(db, db_path):
    camp, result = simulate(db, n=2000, extra=0.2, seed=2)
    out = run(db_path, "analytics", "effect", "--campaign", camp.name, "--json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["verdict"] == "raised" and data["control"]["guests"] == len(result.held_back)
    assert data["visits"]["low"] <= 0.2 <= data["visits"]["high"]
    assert {"cost", "net", "incremental_return", "redemption_rate"} <= set(data)
    text = run(db_path, "analytics", "effect", "--campaign", str(camp.id))
    assert text.exit_code == 0, text.output
    assert "more visits per guest" in text.output and "Redemptions (not effect)" in text.output
    ja = run(db_path, "analytics", "effect", "--campaign", camp.name, lang="ja")
    assert ja.exit_code == 0 and "送らなかったお客様" in ja.output


def test_effect_refuses_bad_input(db, db_path):
    bad = run(db_path, "analytics", "effect", "--campaign", "どこにもない")
    assert bad.exit_code != 0 and "There is no campaign どこにもない" in bad.output
    days = run(db_path, "analytics", "effect", "--campaign", "winback", "--days", "0")
    assert days.exit_code != 0 and "1 to 365" in days.output
    fresh = run(db_path, "analytics", "effect", "--campaign", "winback")
    assert fresh.exit_code == 0 and "cannot be measured yet" in fresh.output


def test_coupons_issue_json_lists_who_was_held_back(db, db_path):
    from shopcrm.store import arrays

    ids = arrays.insert_customers_bulk(db, [f"客{i}" for i in range(200)])
    db.execute("UPDATE customers SET dm_consent = 1")
    db.conn.commit()
    args = ["coupons", "issue", "--campaign", "winback", "--json"]
    out = run(db_path, *args, *[x for i in ids for x in ("--customer", str(i))])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    held = data["held_back"]
    assert 5 <= len(held) <= 40 and len(data["issued"]) + len(held) == 200
    assert not set(held) & {c["customer_id"] for c in data["issued"]}
