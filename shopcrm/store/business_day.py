"""The business-day rule (``domain.dates.business_day``) as SQL, and the shop's cut-off hour.

A visit's business day is its calendar date, or the day before when it was recorded before the
cut-off hour (Settings "Business day starts at", default 05:00). The SQL here mirrors the domain
function exactly (tests/store/test_business_day.py compares them) and stays cheap on a million
rows (one ``julianday`` per row, as the calendar day costs).
"""

from __future__ import annotations

import datetime as dt

from sqlite_utils import Database

from shopcrm.domain.dates import DEFAULT_DAY_START_HOUR, business_day, clamp_day_start
from shopcrm.store import dialect as sql_dialect
from shopcrm.store.dialect import POSTGRESQL, SQLITE

SETTING = "business_day_start_hour"

__all__ = [
    "SETTING",
    "date_sql",
    "day_number_sql",
    "hour_sql",
    "refresh_visit_days",
    "start_hour",
    "today",
]


def start_hour(db: Database) -> int:
    """The shop's cut-off hour (0..11); a bad stored value never breaks a figure."""
    # Read with the triggers' own SQL (``hour_sql``): figures and stored counts use one hour, and
    # this module needs nothing of ``settings`` (which imports it to recount after a change).
    try:
        return clamp_day_start(db.execute(f"SELECT {hour_sql(sql_dialect.of(db))}").fetchone()[0])
    except (TypeError, ValueError):
        return DEFAULT_DAY_START_HOUR


def hour_sql(dialect: str = SQLITE) -> str:
    """The cut-off hour read from the settings table (for triggers, which cannot take a
    parameter); the default when it was never set."""
    held = sql_dialect.clamp(dialect, "CAST(value AS INTEGER)", 0, 11)
    return (
        f"coalesce((SELECT {held} FROM settings WHERE key = '{SETTING}'), {DEFAULT_DAY_START_HOUR})"
    )


def _early(col: str, hour: int | str) -> str:
    # 1 when the moment is before the cut-off hour ("HH" compared as text: '00' < '05')
    if isinstance(hour, int):
        if hour <= 0:
            return "0"
        return f"(substr({col}, 12, 2) < '{hour:02d}')"
    return f"(CAST(substr({col}, 12, 2) AS INTEGER) < {hour})"


def day_number_sql(col: str, hour: int | str, dialect: str = SQLITE) -> str:
    """Days since 1970-01-01 of the business day of timestamp column ``col``.

    With a whole-number hour this is one ``julianday`` of the timestamp, shifted back by the
    cut-off (as cheap as reading the calendar day: a million visits in 0.4 s). Half a second of
    slack keeps float rounding off the boundary (times are stored to the second), and the
    +/- 1,000,000 days turn SQLite's truncating CAST into a floor for dates before 1970 too."""
    if dialect == POSTGRESQL:
        if isinstance(hour, int):
            hours = clamp_day_start(hour)
            return (
                f"(CAST(CAST({col} AS timestamp) - interval '{hours} hours' AS date)"
                " - DATE '1970-01-01')"
            )
        return f"({sql_dialect.day_number(dialect, col)} - CAST({_early(col, hour)} AS integer))"
    if isinstance(hour, int):
        shift = 2440587.5 + clamp_day_start(hour) / 24 - 0.5 / 86400 - 1_000_000
        return f"(CAST(julianday({col}) - {shift!r} AS INTEGER) - 1000000)"
    return f"(CAST(julianday(substr({col}, 1, 10)) - 2440587.5 AS INTEGER) - {_early(col, hour)})"


def date_sql(col: str, hour: int | str, dialect: str = SQLITE) -> str:
    """'YYYY-MM-DD' of the business day of timestamp column ``col`` (``hour`` an int, or SQL)."""
    early = _early(col, hour)
    if early == "0":
        return f"substr({col}, 1, 10)"
    day = f"substr({col}, 1, 10)"
    before = sql_dialect.date_add_days(dialect, day, -1)
    return f"(CASE WHEN {early} THEN {before} ELSE {day} END)"


def today(db: Database, now: dt.datetime | None = None) -> dt.date:
    """The business day it is now (at 00:30 it is still yesterday's evening)."""
    return business_day(now or dt.datetime.now(), start_hour(db))


def refresh_visit_days(db: Database) -> None:
    """Recount every customer's visit days by the business-day rule (after the cut-off moved)."""
    day = date_sql("visited_at", start_hour(db), sql_dialect.of(db))
    with db.atomic():
        db.execute(
            f"""UPDATE customers SET visit_days = coalesce(
                  (SELECT count(DISTINCT {day}) FROM visits WHERE customer_id = customers.id), 0)
                WHERE visit_count > 0 OR visit_days > 0"""
        )
