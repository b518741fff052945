"""The root command: storage problems in any command become a sentence, not a traceback."""

from __future__ import annotations

from click.testing import CliRunner

from shopcrm.cli import cli


def test_version_and_help_work_without_a_database(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", str(tmp_path / "x.db"), "--version"])
    assert result.exit_code == 0 and "shopcrm" in result.output
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("customers", "visits", "coupons", "print", "analytics", "import", "backup"):
        assert command in result.output
    assert not (tmp_path / "x.db").exists()


def test_a_damaged_file_is_reported_in_words(tmp_path):
    bad = tmp_path / "broken.db"
    bad.write_bytes(b"this is not a database at all" * 100)
    result = CliRunner().invoke(cli, ["--db", str(bad), "customers", "search", "田中"])
    assert result.exit_code == 4
    assert "not a shopcrm database" in result.output
    assert "Traceback" not in result.output
