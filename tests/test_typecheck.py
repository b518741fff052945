"""The type-check baseline script reads mypy's real summary (a file with two errors, one clean)."""

from __future__ import annotations

from mypy import api

from tests import typecheck


def _mypy(tmp_path, source: str) -> str:
    path = tmp_path / "sample.py"
    path.write_text(source, encoding="utf-8")
    stdout, _stderr, _status = api.run(
        [str(path), "--config-file", "", "--cache-dir", str(tmp_path / "cache")]
    )
    return stdout


def test_counts_the_errors_mypy_reports(tmp_path):
    out = _mypy(tmp_path, "x: int = 'a'\ny: str = 1\n")
    assert typecheck.count_errors(out) == 2
    assert typecheck.count_errors(_mypy(tmp_path, "x: int = 1\n")) == 0
