"""services/dashboard: the dashboard use case keeps the visits read and the model fit until the
visits change (asked of the store), on a real SQLite file."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from shopcrm.domain.models import Visit
from shopcrm.services import analytics, charts
from shopcrm.services.csv_files import write_csv
from shopcrm.services.dashboard import TABS, DashboardService, period_dates
from shopcrm.store import arrays, settings, visits
from tests.services.test_clv import _simulated_shop

TODAY = dt.date.today()


@pytest.fixture
def shop(db, db_path):
    ids = _simulated_shop(db, n=300, as_of=TODAY)
    return db, db_path, ids


def test_a_period_change_neither_reads_the_visits_again_nor_refits(shop):
    _db, db_path, _ids = shop
    service = DashboardService(db_path)
    first = service.compute(*period_dates("12m", TODAY))
    assert (service.loads, service.fits) == (1, 1)
    assert first["clv"].ok
    for key in ("6m", "3m", "all", "this_year"):
        data = service.measures(*period_dates(key, TODAY))
        assert data["clv"] is first["clv"], key  # the fit came with the measures
        assert data["shop"] is first["shop"]
        assert data["tables"]["clv"] == first["tables"]["clv"]
    assert (service.loads, service.fits) == (1, 1)
    # last year is seen as of its last day: the visits up to then, a fit of its own
    data = service.compute(*period_dates("last_year", TODAY))
    assert data["shop"].as_of == dt.date(TODAY.year - 1, 12, 31)
    assert (service.loads, service.fits) == (2, 2)


def test_recording_a_visit_refits_without_being_told(shop):
    """Another connection (the counter, another app) records a visit: the store's marker moves,
    so the next period reads the visits again and the model is fitted again."""
    db, db_path, ids = shop
    service = DashboardService(db_path)
    before = service.compute(*period_dates("12m", TODAY))
    visits.record(db, Visit(ids[0], dt.datetime.combine(TODAY, dt.time(12, 0)), 4800, 2))
    data = service.measures(*period_dates("6m", TODAY))
    assert service.loads == 2
    assert data["clv"] is None, "the kept fit is for other visits"
    fitted = service.fit(data)
    assert service.fits == 2 and fitted["clv"] is not before["clv"]
    assert len(data["shop"].visits) == len(before["shop"].visits) + 1
    # and the new fit is kept for the next period
    assert service.measures(*period_dates("3m", TODAY))["clv"] is fitted["clv"]
    assert service.fits == 2


def test_the_money_settings_refit_and_forget_reads_again(shop):
    db, db_path, _ids = shop
    service = DashboardService(db_path)
    before = service.compute(*period_dates("12m", TODAY))
    settings.set(db, "gross_margin_percent", 50)
    data = service.measures(*period_dates("12m", TODAY))
    assert service.loads == 2 and data["shop"].margin == 0.5  # the LTV uses the margin
    assert data["clv"] is None  # so does the predicted value: fitted again
    assert data["board"].classic_ltv.headline != before["board"].classic_ltv.headline
    service.fit(data)
    service.forget()  # the page says guests or coupons changed: read again, keep the fit
    again = service.measures(*period_dates("12m", TODAY))
    assert service.loads == 3 and service.fits == 2 and again["clv"] is not None
    service.forget(fit=True)
    assert service.measures(*period_dates("12m", TODAY))["clv"] is None


def test_the_visits_marker_moves_on_record_edit_and_delete(shop):
    db, _path, ids = shop
    marks = [arrays.visits_marker(db)]
    visit = visits.record(db, Visit(ids[1], dt.datetime.combine(TODAY, dt.time(13, 0)), 3000, 1))
    marks.append(arrays.visits_marker(db))
    with db.atomic():
        db.execute("UPDATE visits SET amount = amount + 100 WHERE id = ?", [visit.id])
    marks.append(arrays.visits_marker(db))
    visits.delete(db, visit.id)
    marks.append(arrays.visits_marker(db))
    assert marks[0] != marks[1] != marks[2] != marks[3]
    assert marks[3] == marks[0]  # the same visits as at first (the new one deleted)
    assert arrays.visits_marker(db) == marks[-1]  # nothing changed: the same token


def test_the_measures_are_the_analytics_of_the_period(shop):
    db, db_path, _ids = shop
    start, end = period_dates("6m", TODAY)
    data = DashboardService(db_path).compute(start, end)
    board = analytics.dashboard(analytics.load(db, today=TODAY), start, end)
    assert data["board"].totals == board.totals
    assert [m.month for m in data["board"].months] == [m.month for m in board.months]
    for key, _title, _chart in TABS:
        if key not in ("clv", "model_check"):
            assert data["tables"][key] == charts.table(key, board), key
    assert data["tables"]["clv"] == charts.clv_table(data["clv"], limit=200)


def test_a_table_writes_as_excel_csv(tmp_path):
    path = tmp_path / "t.csv"
    write_csv(path, ["Guest", "Spent"], [["=cmd()", "¥1,000"], ["山田", "¥0"]])
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["Guest", "Spent"] and rows[2] == ["山田", "¥0"]
    assert not rows[1][0].startswith("=")  # a cell never opens as a formula
