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
    assert out["classic_ltv"]["ltv"] == 7866
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
    assert bad.exit_code == 2 and "First day: Enter a date as YYYY-MM-DD" in bad.output
    backwards = run(db_path, "analytics", "summary", "--from", "2026-03-01", "--to", "2026-01-01")
    assert backwards.exit_code == 2


def test_clv_json_exact_shape(db, db_path):
    _simulated_shop(db)
    result = run(db_path, "analytics", "clv", "--as-of", "2026-11-30", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert list(out) == [
        "bgnbd",
        "gamma_gamma",
        "customers",
        "predictions",
        "model",
        "model_check",
    ]
    assert out["model"]["kind"] == out["model_check"]["chosen"]
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
    from shopcrm.store import arrays

    assert [c[1:] for c in arrays.channel_costs(db)] == [("2026-11", 12000)]
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


def test_errors_name_the_field_in_japanese(db, db_path):
    """The field is named in the user's language, never as the option's raw name."""

    def ja(*args):
        return CliRunner().invoke(cli, ["--db", str(db_path), "--lang", "ja", *args])

    bad = ja("analytics", "summary", "--to", "2026-02-30")
    assert bad.exit_code == 2
    assert "エラー: 終了日: 日付を YYYY-MM-DD の形で入力してください" in bad.output, bad.output
    assert "to:" not in bad.output
    backwards = ja("analytics", "summary", "--from", "2026-03-01", "--to", "2026-01-01")
    assert "開始日:" in backwards.output
    as_of = ja("analytics", "clv", "--as-of", "someday")
    assert as_of.exit_code == 2 and "基準日:" in as_of.output
    month = ja("report", "--month", "2026-13", "-o", "x.pdf")
    assert month.exit_code == 2 and "月:" in month.output


def test_every_analytics_error_field_has_a_label():
    """Each ValidationError the analytics code raises names a field FIELD_LABELS knows, so the
    message shows a word in the user's language instead of a raw name like "as_of"."""
    import ast
    from pathlib import Path

    import shopcrm
    from shopcrm.domain.rules import FIELD_LABELS

    root = Path(shopcrm.__file__).parent
    files = ["cli/analytics.py", "store/arrays.py", "services/analytics.py", "services/clv.py"]
    files += ["services/charts.py", "services/printing/monthly_report.py"]
    files += ["ui/pages/dashboard_page.py"]
    fields = set()
    for name in files:
        for node in ast.walk(ast.parse((root / name).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args:
                func = node.func
                called = getattr(func, "id", getattr(func, "attr", ""))
                first = node.args[0]
                if called == "ValidationError" and isinstance(first, ast.Constant):
                    fields.add(first.value)
                if called == "_date" and len(node.args) > 1:  # _date(value, field)
                    assert isinstance(node.args[1], ast.Constant)
                    fields.add(node.args[1].value)
    assert {"from", "to", "as_of", "month", "channel", "amount"} <= fields
    assert fields <= set(FIELD_LABELS), fields - set(FIELD_LABELS)


def test_future_dates_are_clamped_to_today_with_a_message(db, db_path):
    import datetime as dt

    build_hand_shop(db)
    today = dt.date.today()
    future = (today + dt.timedelta(days=400)).isoformat()
    result = run(db_path, "analytics", "summary", "--from", "2026-01-01", "--to", future, "--json")
    assert result.exit_code == 0, result.output
    assert f"--to {future} is in the future: counting visits up to today" in result.stderr
    assert json.loads(result.stdout)["end"] == today.isoformat()
    # a first day after today has nothing to count: refused, naming the field
    ahead = run(db_path, "analytics", "summary", "--from", future)
    assert ahead.exit_code == 2 and "First day: The first day is in the future" in ahead.output
    clv_run = run(db_path, "analytics", "clv", "--as-of", future, "--json")
    assert f"--as-of {future} is in the future" in clv_run.stderr
    ja = CliRunner().invoke(
        cli, ["--db", str(db_path), "--lang", "ja", "analytics", "summary", "--to", future]
    )
    assert "未来" in ja.stderr
