"""What made the counter slow, pinned without timing: the queries the UI thread and the import
issue read only what they need (query plans, statement counts)."""

from __future__ import annotations

import datetime as dt

from shopcrm.domain.models import Customer, Visit
from shopcrm.store import bulk, customers, visits

DAY = dt.date(2026, 11, 20)


def _statements(db, fn):
    """Run ``fn()`` and return the SQL statements it sent (a trace callback on the connection)."""
    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    try:
        result = fn()
    finally:
        db.conn.set_trace_callback(None)
    return result, seen


def _plan(db, sql: str, params) -> list[str]:
    return [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()]


def _history(db, days: int = 30) -> int:
    guest = customers.create(db, Customer(name="常連", kana="ジョウレン")).id
    rows = [
        Visit(
            customer_id=guest,
            visited_at=dt.datetime.combine(DAY - dt.timedelta(days=d), dt.time(19, m)),
            amount=1000 + d,
        )
        for d in range(1, days + 1)
        for m in (0, 30)
    ]
    bulk.insert_visits(db, rows)
    return guest


def test_todays_visits_read_through_the_visited_at_index(db):
    """No visit yet today: the query must not read the whole history to find that out."""
    _history(db)
    db.execute("ANALYZE")
    result, sent = _statements(db, lambda: visits.recent(db, day=DAY, limit=50))
    assert result == []
    main = next(s for s in sent if "FROM visits v" in s)
    # the traced text has the bound values inlined; plan the same text
    plan = _plan(db, main, [])
    assert any("visits_visited_at" in step for step in plan), plan
    assert not any(step.startswith("SCAN v") for step in plan), plan


def test_todays_visits_are_that_day_only_newest_first(db):
    from shopcrm.store import settings

    settings.set(db, "business_day_start_hour", 0)  # a calendar day (the cut-off: the next test)
    guest = _history(db, days=3)
    late = visits.record(
        db, Visit(customer_id=guest, visited_at=dt.datetime.combine(DAY, dt.time(23, 59, 59)),
                  amount=500)
    )  # fmt: skip
    early = visits.record(
        db, Visit(customer_id=guest, visited_at=dt.datetime.combine(DAY, dt.time()), amount=400)
    )
    visits.record(
        db,
        Visit(customer_id=guest, visited_at=dt.datetime.combine(DAY + dt.timedelta(days=1),
              dt.time()), amount=300),
    )  # fmt: skip
    got = visits.recent(db, day=DAY, limit=50)
    assert [v.id for v, _name in got] == [late.id, early.id]
    assert [name for _v, name in got] == ["常連", "常連"]


def test_a_business_day_is_other_bounds_on_the_same_index(db):
    guest = _history(db, days=2)
    after_midnight = visits.record(
        db,
        Visit(customer_id=guest, visited_at=dt.datetime(2026, 11, 21, 1, 30), amount=800),
    )
    start = dt.datetime(2026, 11, 20, 5)
    got = visits.recent(db, since=start, until=start + dt.timedelta(days=1), limit=50)
    assert [v.id for v, _ in got] == [after_midnight.id]
