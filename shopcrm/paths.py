"""Where shopcrm keeps its files: the database, backups, logs and a cache.

Defaults follow the platform (platformdirs): on Linux ``~/.local/share/shopcrm``, on macOS
``~/Library/Application Support/shopcrm``, on Windows ``%LOCALAPPDATA%\\shopcrm``.
``--db PATH`` or the environment variable ``SHOPCRM_DB`` choose another database; backups then sit
in a ``backups`` folder beside that database.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from shopcrm import APP_NAME

DB_ENV = "SHOPCRM_DB"
DB_FILENAME = "shopcrm.db"
DEMO_DB_FILENAME = "shopcrm-demo.db"


def data_dir() -> Path:
    """The user's data folder for shopcrm (created on demand)."""
    override = os.environ.get("SHOPCRM_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    """``SHOPCRM_DB`` if set, else ``shopcrm.db`` in the data folder."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    return data_dir() / DB_FILENAME


def demo_db_path() -> Path:
    """The demo shop's own database: never the shop's real one."""
    return data_dir() / DEMO_DB_FILENAME


def backup_dir(db_path: Path) -> Path:
    """Backups of ``db_path`` live in ``backups/`` beside it (created on demand)."""
    path = Path(db_path).expanduser().resolve().parent / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    """The user's log folder (``SHOPCRM_LOG_DIR`` overrides; created on demand)."""
    override = os.environ.get("SHOPCRM_LOG_DIR")
    path = Path(override) if override else Path(platformdirs.user_log_dir(APP_NAME, False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """Files shopcrm can rebuild at will (compiled catalogs of a checkout); created on demand."""
    override = os.environ.get("SHOPCRM_CACHE_DIR")
    path = Path(override) if override else Path(platformdirs.user_cache_dir(APP_NAME, False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def private_files() -> None:
    """Files this process creates are readable by the user alone (POSIX umask 077): PDFs, lists,
    exports and backups hold personal data."""
    if os.name == "posix":
        os.umask(0o077)
