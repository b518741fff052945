"""What guards the owner PIN besides its hash: whether this database ever had a PIN, the
recovery code's hash, and the count and time of wrong guesses (so the delay between guesses
survives a restart). Kept in its own table (migration 0038), apart from the settings table, so
that deleting the one settings row that holds the PIN's hash is seen as tampering, not as "no
PIN".
"""

from __future__ import annotations

from sqlite_utils import Database

KEYS = ("had_pin", "recovery_hash", "failures", "last_failure")


def get(db: Database, key: str, default: str = "") -> str:
    row = db.execute("SELECT value FROM owner_guard WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


def put(db: Database, **values: str) -> None:
    """Several keys in one transaction."""
    unknown = set(values) - set(KEYS)
    if unknown:
        raise KeyError(", ".join(sorted(unknown)))
    with db.atomic():
        for key, value in values.items():
            db.execute(
                "INSERT INTO owner_guard(key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )
