"""Shared fixtures: a real SQLite file in a temporary folder, offscreen Qt, a fixed language."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest

from shopcrm import i18n


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path_factory, monkeypatch):
    """Each test gets its own data folder; no test touches the user's real shop."""
    data = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("SHOPCRM_DATA_DIR", str(data))
    monkeypatch.setenv("SHOPCRM_LOG_DIR", str(data / "logs"))  # also for child processes
    monkeypatch.delenv("SHOPCRM_DB", raising=False)
    monkeypatch.delenv("SHOPCRM_PIN", raising=False)
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "shop.db"


@pytest.fixture
def db(db_path):
    """A freshly migrated database in a real file."""
    from shopcrm.store import open_db

    database = open_db(db_path)
    yield database
    database.close()


@pytest.fixture
def ja():
    """Run the test in Japanese."""
    i18n.set_language("ja")
    yield
    i18n.set_language("en")
