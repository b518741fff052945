"""Shared fixtures: a real SQLite file in a temporary folder, offscreen Qt, a fixed language, and
the suite's clock.

The clock: the whole run starts at noon of one day and ticks from there (time-machine), so no test
meets midnight half-way and ``date.today()`` is the same day at import and in every test. The day
is today, or ``SHOPCRM_TEST_TODAY`` (``SHOPCRM_TEST_TODAY=2028-02-29 python -m pytest``: .ci/run
runs the suite on that leap day too). Tests that need the date take the ``today`` fixture.
"""

from __future__ import annotations

import datetime as dt
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest
import time_machine
from hypothesis import settings as hypothesis_settings

from shopcrm import i18n
from tests import pgserver

# No per-example deadline: on a loaded machine (CI, 2 cores shared) a slow example is not a
# failure; speed is measured in tests/bench, never in unit tests.
hypothesis_settings.register_profile("shopcrm", deadline=None)
hypothesis_settings.load_profile("shopcrm")

CLOCK_ENV = "SHOPCRM_TEST_TODAY"


def _test_day() -> dt.date:
    text = os.environ.get(CLOCK_ENV, "").strip()
    return dt.date.fromisoformat(text) if text else dt.date.today()


TEST_DAY = _test_day()
_traveller = time_machine.travel(dt.datetime.combine(TEST_DAY, dt.time(12, 0)).astimezone())


def pytest_configure(config):
    # before collection, so a module that reads the date at import sees the suite's day too
    _traveller.start()
    config.addinivalue_line(
        "markers",
        "postgres: needs the throwaway PostgreSQL server (skipped when none can start, failed"
        " instead when SHOPCRM_REQUIRE_PG=1)",
    )


def pytest_unconfigure(config):
    _traveller.stop()


def pytest_report_header(config):
    return f"clock: {TEST_DAY.isoformat()} 12:00 local, ticking ({CLOCK_ENV} to change the day)"


@pytest.fixture
def today() -> dt.date:
    """The suite's day (see the module docstring): pass it to the code under test."""
    return dt.date.today()


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


# -- PostgreSQL (tests/pgserver.py) -----------------------------------------------------------

PG_TEMPLATE = "shopcrm_template"


@pytest.fixture(scope="session")
def pg_server():
    """One throwaway PostgreSQL server per test process (unprivileged, Unix socket only), with a
    migrated template database; stopped at the end. Skips, or fails under SHOPCRM_REQUIRE_PG=1,
    when no server can start here."""
    try:
        server = pgserver.PgServer().start()
    except pgserver.ServerUnavailable as exc:
        if pgserver.required():
            pytest.fail(f"PostgreSQL is required here (SHOPCRM_REQUIRE_PG=1): {exc}")
        pytest.skip(f"no PostgreSQL server: {exc}")
    try:
        from shopcrm.store import open_db

        with server.admin() as admin:
            admin.execute(f"CREATE DATABASE {PG_TEMPLATE}")
        open_db(server.url(PG_TEMPLATE)).close()  # the schema made by the migrations, once
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server):
    """The URL of a fresh, migrated PostgreSQL database (a copy of the template)."""
    name = pg_server.new_database_name()
    with pg_server.admin() as admin:
        admin.execute(f"CREATE DATABASE {name} TEMPLATE {PG_TEMPLATE}")
    yield pg_server.url(name)
    with pg_server.admin() as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def pg_db(pg_url):
    """A connection to a fresh, migrated PostgreSQL database."""
    from shopcrm.store import open_db

    database = open_db(pg_url)
    yield database
    database.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def anydb(request, db_path):
    """A freshly migrated store on each engine: an SQLite file, then a PostgreSQL database.
    A test module runs all its tests on both with ``db = pytest.fixture(lambda anydb: anydb)``."""
    from shopcrm.store import open_db

    if request.param == "sqlite":
        database = open_db(db_path)
        yield database
        database.close()
    else:
        yield request.getfixturevalue("pg_db")
