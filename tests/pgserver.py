"""A throwaway PostgreSQL server for the test run (initdb + pg_ctl in a temporary folder).

PostgreSQL refuses to run as root, and the suite runs as root in CI: when we are root the server
runs as ``nobody`` (its folder chown'ed to it). It listens on no TCP port at all, only on a Unix
socket inside its own folder, and is stopped (``pg_ctl stop -m fast``) and removed at the end.
The cluster is UTF-8 with a ``C.UTF-8`` ctype, so pg_trgm makes trigrams of kana and kanji.

Each pytest-xdist worker starts its own server (one session fixture per process): a server starts
in about a second, and no worker waits for another's.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

REQUIRE_ENV = "SHOPCRM_REQUIRE_PG"
SUPERUSER = "postgres"
PASSWORD_ROLE = "shopcrm_pw"


class ServerUnavailable(RuntimeError):
    """No PostgreSQL server could be started here (not installed, or it failed to start)."""


def bin_dir() -> Path:
    """The newest installed PostgreSQL's programs (Debian: /usr/lib/postgresql/<major>/bin)."""

    def major(initdb: str) -> int:
        name = Path(initdb).parent.parent.name
        return int(name) if name.isdigit() else 0

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=major)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise ServerUnavailable("initdb not found (install Debian's postgresql package)")


def _demote():
    """preexec_fn: become ``nobody`` when we are root (PostgreSQL will not run as root)."""
    if os.geteuid() != 0:
        return None
    user = pwd.getpwnam("nobody")

    def run_as_nobody() -> None:
        os.setgroups([])
        os.setgid(user.pw_gid)
        os.setuid(user.pw_uid)

    return run_as_nobody


class PgServer:
    """One running cluster; ``url(dbname)`` is a libpq URL to one of its databases."""

    def __init__(self) -> None:
        self.bin = bin_dir()
        self.folder = Path(tempfile.mkdtemp(prefix="shopcrm-pg-"))
        self.data = self.folder / "data"
        self.socket_dir = self.folder
        self.log = self.folder / "server.log"
        self._counter = 0

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            preexec_fn=_demote(),
            capture_output=True,
            text=True,
            timeout=120,
            cwd=self.folder,
        )

    def start(self) -> PgServer:
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            os.chown(self.folder, nobody.pw_uid, nobody.pw_gid)
        self.folder.chmod(0o700)
        init = self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        if init.returncode != 0:
            self.remove()
            raise ServerUnavailable(f"initdb failed: {init.stderr.strip() or init.stdout.strip()}")
        # one role that must log in with a password (the keyring and pgpass tests); every other
        # role is trusted on the private socket
        hba = self.data / "pg_hba.conf"
        hba.write_text(f"local all {PASSWORD_ROLE} scram-sha-256\n" + hba.read_text())
        options = " ".join(
            [
                "-c listen_addresses=''",
                f"-c unix_socket_directories={self.socket_dir}",
                # a test server: durability is not what is tested here, speed on 2 cores is
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=50",
            ]
        )
        started = self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start"
        )
        if started.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            self.remove()
            raise ServerUnavailable(f"pg_ctl start failed: {started.stderr.strip()} {log[-2000:]}")
        return self

    def url(self, dbname: str = "postgres", user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@/{dbname}?host={self.socket_dir}"

    def admin(self):
        """An autocommit superuser connection to the maintenance database."""
        return psycopg.connect(self.url(), autocommit=True)

    def new_database_name(self) -> str:
        self._counter += 1
        return f"t{os.getpid()}_{self._counter}"

    def stop(self) -> None:
        if self.data.exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        self.remove()

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def required() -> bool:
    """CI sets SHOPCRM_REQUIRE_PG=1: there a server that cannot start fails the tests."""
    return os.environ.get(REQUIRE_ENV, "").strip() not in ("", "0")
