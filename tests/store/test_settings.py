"""Settings: each declared once with its range, choices and normaliser; the store enforces them,
and nothing stored in the file can stop the app (a refused stored value reads as the default)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import math

import pytest

from shopcrm.services import analytics
from shopcrm.store import settings


@pytest.fixture
def db(anydb):
    """Every test here runs on an SQLite file and on a PostgreSQL database."""
    return anydb


def _store_raw(db, key, text):
    db.execute(
        "INSERT INTO settings(key, value) VALUES (?, ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, text],
    )
    db.conn.commit()


@pytest.mark.parametrize(
    "key,value",
    [
        ("gross_margin_percent", 500.0),
        ("gross_margin_percent", math.nan),
        ("discount_rate_percent", -1.0),
        ("regular_min_visits", 0),
        ("owner_lock_minutes", 0),
        ("owner_lock_minutes", 40000),
        ("ltv_years", 0),
        ("print_offset_x_mm", 25.0),
        ("shop_phone", "abc"),
        ("shop_postal_code", "12"),
        ("language", "fr"),
        ("currency", "XXX"),
    ],
)
def test_the_store_refuses_what_the_declaration_refuses(db, key, value):
    before = settings.get(db, key)
    with pytest.raises(settings.SettingError) as err:
        settings.set(db, key, value)
    assert err.value.field == key
    assert str(err.value).startswith(settings.SETTINGS[key].label)  # names the setting
    assert settings.get(db, key) == before


def test_normalisers_run_in_the_store(db):
    settings.set(db, "shop_phone", "0466-12-3456")
    settings.set(db, "shop_postal_code", "〒251-0052")
    assert settings.get(db, "shop_phone") == "0466-12-3456"  # as written, grouped by the plan
    assert settings.get(db, "shop_postal_code") == "2510052"


def test_set_many_writes_nothing_when_one_value_is_refused(db):
    with pytest.raises(settings.SettingError):
        settings.set_many(db, {"shop_name": "新しい名前", "ltv_years": 99})
    assert settings.get(db, "shop_name") == settings.SETTINGS["shop_name"].default


def test_the_edges_of_each_range_are_accepted(db):
    for key, spec in settings.SETTINGS.items():
        if spec.minimum is None:
            continue
        for edge in (spec.minimum, spec.maximum):
            settings.set(db, key, spec.type(edge))
            assert settings.get(db, key) == spec.type(edge)


@pytest.mark.parametrize(
    "key,text",
    [
        ("owner_lock_minutes", "40000"),
        ("owner_lock_minutes", "0"),
        ("gross_margin_percent", "NaN"),
        ("ltv_years", '"three"'),
        ("ltv_years", "not json"),
        ("regular_min_visits", "true"),
        ("language", '"fr"'),
    ],
)
def test_a_refused_stored_value_reads_as_the_default_with_a_warning(db, caplog, key, text):
    _store_raw(db, key, text)
    with caplog.at_level(logging.WARNING, logger="shopcrm.store.settings"):
        assert settings.get(db, key) == settings.SETTINGS[key].default
        assert settings.get_all(db)[key] == settings.SETTINGS[key].default
    assert any(key in r.getMessage() for r in caplog.records)


def test_analytics_run_with_a_nan_margin_and_a_bad_ltv_years_in_the_file(db):
    _store_raw(db, "gross_margin_percent", "NaN")
    _store_raw(db, "ltv_years", json.dumps(-4))
    data = analytics.load(db, today=dt.date(2026, 11, 30))
    assert data.margin == 0.65 and data.ltv_years == 3
    assert analytics.classic_ltv(data) is not None


def test_parse_reads_typed_text():
    spec = settings.SETTINGS
    assert spec["gross_margin_percent"].parse("６０") == 60.0
    assert spec["gross_margin_percent"].parse("62.5%") == 62.5
    assert spec["owner_lock_minutes"].parse(" 15 ") == 15
    assert spec["demo"].parse("yes") is True and spec["demo"].parse("off") is False
    with pytest.raises(settings.SettingError):
        spec["owner_lock_minutes"].parse("15.5")
    with pytest.raises(settings.SettingError):
        spec["demo"].parse("maybe")
    assert spec["owner_lock_minutes"].describe() == "1–240"
    assert spec["gross_margin_percent"].describe() == "0–100 %"
