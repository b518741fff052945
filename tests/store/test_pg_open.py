"""Opening a store: a path is an SQLite file as before; a postgresql:// URL is a shop server, its
password from the OS keychain (keyring) or libpq's pgpass file; an unreachable server is one
plain sentence in the user's language, never a traceback; a URL holding a password is never
saved."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import keyring
import keyring.backend
import pytest

from shopcrm.domain.errors import ValidationError
from shopcrm.paths import DB_ENV
from shopcrm.store import open_db
from shopcrm.store.db import (
    KEYRING_SERVICE,
    ServerUnreachable,
    ShopDatabase,
    connect,
    storable_url,
    url_without_password,
)
from shopcrm.store.engine import PgDatabase
from tests.pgserver import PASSWORD_ROLE

PASSWORD = "s3cret-パス"


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A real keyring backend that keeps its secrets in a dict (CI has no desktop keychain)."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.secrets.get((service, username))

    def set_password(self, service, username, password):
        self.secrets[(service, username)] = password

    def delete_password(self, service, username):
        self.secrets.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(before)


@pytest.fixture
def password_url(pg_server, pg_url):
    """The URL of the test database for a role that must give a password."""
    name = urlsplit(pg_url).path.lstrip("/")
    with pg_server.admin() as admin:
        admin.execute(f"DROP ROLE IF EXISTS {PASSWORD_ROLE}")
        admin.execute(f"CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD '{PASSWORD}'")
        admin.execute(f"GRANT ALL ON DATABASE {name} TO {PASSWORD_ROLE}")
    yield pg_server.url(name, user=PASSWORD_ROLE)
    with pg_server.admin() as admin:
        admin.execute(f"REVOKE ALL ON DATABASE {name} FROM {PASSWORD_ROLE}")
        admin.execute(f"DROP ROLE IF EXISTS {PASSWORD_ROLE}")


def test_a_path_stays_an_sqlite_file(tmp_path):
    db = open_db(tmp_path / "shop.db")
    assert isinstance(db, ShopDatabase)
    assert db.dialect == "sqlite"
    assert (tmp_path / "shop.db").exists()
    db.close()


@pytest.mark.postgres
def test_a_url_opens_the_server_migrated(pg_url):
    db = open_db(pg_url)
    assert isinstance(db, PgDatabase)
    assert db.dialect == "postgresql"
    assert db.execute("SELECT count(*) FROM channels").fetchone()[0] > 0
    db.close()


@pytest.mark.postgres
def test_shopcrm_db_may_be_a_url(pg_url, monkeypatch):
    monkeypatch.setenv(DB_ENV, pg_url)
    db = open_db(os.environ[DB_ENV])
    assert db.dialect == "postgresql"
    db.close()


@pytest.mark.postgres
def test_password_from_the_keychain(password_url, memory_keyring):
    with pytest.raises(ServerUnreachable):
        connect(password_url)  # no password anywhere: the server refuses
    memory_keyring.set_password(KEYRING_SERVICE, password_url, PASSWORD)
    db = connect(password_url)
    assert db.execute("SELECT current_user").fetchone()[0] == PASSWORD_ROLE
    db.close()


@pytest.mark.postgres
def test_password_from_libpq_pgpass(password_url, memory_keyring, tmp_path, monkeypatch):
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"*:*:*:{PASSWORD_ROLE}:{PASSWORD}\n", encoding="utf-8")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    db = connect(password_url)
    assert db.execute("SELECT current_user").fetchone()[0] == PASSWORD_ROLE
    db.close()


def test_an_unreachable_server_is_one_plain_sentence(tmp_path, ja):
    url = f"postgresql://someone:hunter2@/shop?host={tmp_path}"
    with pytest.raises(ServerUnreachable) as caught:
        open_db(url)
    text = str(caught.value)
    assert "サーバー" in text
    assert "hunter2" not in text
    assert "postgresql://someone@/shop" in text
    assert caught.value.detail  # libpq's own words, for the log


def test_an_unreachable_server_in_english(tmp_path):
    with pytest.raises(ServerUnreachable) as caught:
        connect(f"postgresql://someone@/shop?host={tmp_path}")
    assert str(caught.value).startswith("Cannot connect to the shop server")


def test_a_url_with_a_password_is_not_saved(ja):
    assert storable_url("postgresql://staff@office-pc/shop") == "postgresql://staff@office-pc/shop"
    with pytest.raises(ValidationError) as caught:
        storable_url("postgresql://staff:pw@office-pc/shop")
    assert caught.value.field == "server"
    assert str(caught.value).startswith("店舗サーバー")


def test_url_without_password():
    assert url_without_password("postgresql://staff:pw@office-pc:5433/shop?sslmode=require") == (
        "postgresql://staff@office-pc:5433/shop?sslmode=require"
    )
    assert url_without_password("postgresql://staff@office-pc/shop") == (
        "postgresql://staff@office-pc/shop"
    )
