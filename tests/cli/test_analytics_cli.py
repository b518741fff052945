"""``shopcrm analytics summary|clv|channel-cost`` and ``shopcrm report`` through click's runner."""

from __future__ import annotations

import json

from click.testing import CliRunner

from shopcrm.cli import cli
from tests.services.test_analytics import build_hand_shop
from tests.services.test_clv import _simulated_shop


def run(db_path, *args):
    return CliRunner().invoke(cli, ["--db", str(db_path), "--lang", "en", *args])


def test_summary_json_has_the_measures(db, db_path):
    build_hand_shop(db)
    result = run(
        db_path, "analytics", "summary", "--from", "2026-01-01", "--to", "2026-03-31", "--json"
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    # see tests/services/test_analytics.py for the hand computation
    assert out["totals"]["visits"] == 9 and out["totals"]["revenue"] == 22500
    assert out["repeat_rate"] == 0.5  # Jan..Mar: A 3 days, B 1, C 1, D 2 -> 2 of 4
    assert [m["month"] for m in out["months"]] == ["2026-01", "2026-02", "2026-03"]
    assert out["classic_ltv"]["ltv"] == 7865
    # DM response: the welcome DM to A was answered after 14 days, so not within 10 days
    answered = {r["campaign"]: r["responded"] for r in out["dm_response"]}
    assert answered["welcome"] == 1 and out["dm_days"] == 30
    short = run(
        db_path,
        "analytics",
        "summary",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "--dm-days",
        "10",
        "--json",
    )
    rows = json.loads(short.output)["dm_response"]
    assert {r["campaign"]: r["responded"] for r in rows}["welcome"] == 0
    assert {
        "retention",
        "ltv_cohorts",
        "ltv_channels",
        "channels",
        "segments",
        "deciles",
        "campaigns",
        "dm_response",
    } <= set(out)


def test_summary_text_and_bad_dates(db, db_path):
    build_hand_shop(db)
    ok = run(db_path, "analytics", "summary", "--from", "2026-01-01", "--to", "2026-03-31")
    assert ok.exit_code == 0 and "Repeat rate" in ok.output and "50.0%" in ok.output
    bad = run(db_path, "analytics", "summary", "--from", "2026-13-01")
    assert bad.exit_code == 2 and "from" in bad.output.lower()
    backwards = run(db_path, "analytics", "summary", "--from", "2026-03-01", "--to", "2026-01-01")
    assert backwards.exit_code == 2


def test_clv_json_exact_shape(db, db_path):
    _simulated_shop(db)
    result = run(db_path, "analytics", "clv", "--as-of", "2026-11-30", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert list(out) == ["bgnbd", "gamma_gamma", "customers", "predictions"]
    assert list(out["bgnbd"]) == ["r", "alpha", "a", "b", "time_unit", "log_likelihood"]
    assert list(out["gamma_gamma"]) == ["p", "q", "gamma"]
    assert out["customers"] == len(out["predictions"]) == 400
    assert {
        "customer_id",
        "p_alive",
        "expected_visits_12m",
        "expected_value",
        "next_visit_due",
    } <= set(out["predictions"][0])
    # fitted on visits up to and including --as-of only
    early = json.loads(run(db_path, "analytics", "clv", "--as-of", "2026-06-30", "--json").output)
    assert early["customers"] < 400


def test_clv_on_a_tiny_shop_says_not_enough_data(db, db_path):
    build_hand_shop(db)
    result = CliRunner().invoke(
        cli, ["--db", str(db_path), "--lang", "ja", "analytics", "clv", "--json"]
    )
    assert result.exit_code == 0
    assert "データが足りません" in result.output
    body = result.output[result.output.index("{") :]
    out = json.loads(body)
    assert out["bgnbd"] is None and out["status"] == "not_enough_data"


def test_channel_cost_entry(db, db_path):
    assert (
        run(db_path, "analytics", "channel-cost", "Instagram", "2026-11", "¥12,000").exit_code == 0
    )
    from shopcrm.store import analytics as store

    assert [c[1:] for c in store.channel_costs(db)] == [("2026-11", 12000)]
    bad = run(db_path, "analytics", "channel-cost", "Instagram", "2026-11", "-5")
    assert bad.exit_code == 2 and "amount" in bad.output.lower()
    unknown = run(db_path, "analytics", "channel-cost", "Radio", "2026-11", "100")
    assert unknown.exit_code == 2


def test_report_command_writes_a_pdf(db, db_path, tmp_path):
    build_hand_shop(db)
    out = tmp_path / "report.pdf"
    result = run(db_path, "report", "--month", "2026-03", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    assert "pages" in result.output
    bad = run(db_path, "report", "--month", "2026-3x", "-o", str(out))
    assert bad.exit_code == 2
