"""The LINE relay's own small SQLite file (on the relay host, not the shop's database).

It keeps the follow, unfollow and text-message events LINE delivered, numbered in arrival order,
until the counter PC has pulled them and they are older than the keep period. A redelivered event
(same ``webhookEventId``) is kept once.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path

_SCHEMA = """CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_event_id TEXT UNIQUE,
    type TEXT NOT NULL,
    user_id TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    timestamp INTEGER NOT NULL,  -- LINE's, milliseconds since the epoch
    received_at TEXT NOT NULL
)"""


class RelayStore:
    """One connection shared by the relay's threads, behind a lock (the load is a few events a
    minute)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def add(self, events: list[dict], *, keep_days: int = 30) -> int:
        """Keep these events (dicts with webhook_event_id, type, user_id, text, timestamp) in one
        transaction; drop events older than ``keep_days``. Returns how many were new."""
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        cutoff = (now - dt.timedelta(days=keep_days)).isoformat()
        added = 0
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                for e in events:
                    cur = self._conn.execute(
                        "INSERT OR IGNORE INTO events(webhook_event_id, type, user_id, text,"
                        " timestamp, received_at) VALUES (?, ?, ?, ?, ?, ?)",
                        [
                            e.get("webhook_event_id") or None,
                            e["type"],
                            e["user_id"],
                            e.get("text", ""),
                            int(e["timestamp"]),
                            now.isoformat(),
                        ],
                    )
                    added += cur.rowcount
                self._conn.execute("DELETE FROM events WHERE received_at < ?", [cutoff])
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return added

    def after(self, last: int, limit: int = 500) -> list[dict]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, type, user_id, text, timestamp FROM events WHERE id > ?"
                " ORDER BY id LIMIT ?",
                [int(last), int(limit)],
            ).fetchall()
        return [
            {"id": r[0], "type": r[1], "user_id": r[2], "text": r[3], "timestamp": r[4]}
            for r in rows
        ]

    def count(self) -> int:
        with self._lock:
            return self._conn.execute("SELECT count(*) FROM events").fetchone()[0]
