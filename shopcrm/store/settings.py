"""Shop settings: each declared once (key, type, default, label) and stored in SQLite as JSON.

UI preferences (window geometry, last page) are not here: they live in QSettings (``shopcrm/ui``).
Add a setting by adding one ``Setting`` to ``SETTINGS``; ``get``/``set`` check key and type.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from shopcrm.i18n import N_


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any
    label: str  # N_() msgid; translate with _() when shown
    owner_only: bool = True  # changing it needs the owner PIN


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting("shop_name", str, "居酒屋 まるや", N_("Shop name")),
        Setting("shop_postal_code", str, "", N_("Shop postal code")),
        Setting("shop_address", str, "", N_("Shop address")),
        Setting("shop_building", str, "", N_("Shop building")),
        Setting("shop_phone", str, "", N_("Shop phone")),
        Setting("currency", str, "JPY", N_("Currency")),
        Setting("language", str, "", N_("Language")),  # "" = follow the system
        Setting("gross_margin_percent", float, 65.0, N_("Gross margin (%)")),
        Setting("discount_rate_percent", float, 10.0, N_("Annual discount rate (%)")),
        Setting("ltv_years", int, 3, N_("Expected relationship (years)")),
        Setting("regular_min_visits", int, 3, N_("Visits that make a regular")),
        Setting("print_offset_x_mm", float, 0.0, N_("Printer offset X (mm)"), owner_only=False),
        Setting("print_offset_y_mm", float, 0.0, N_("Printer offset Y (mm)"), owner_only=False),
        Setting("owner_pin_hash", str, "", N_("Owner PIN")),
        Setting("owner_lock_minutes", int, 5, N_("Lock owner mode after idle minutes")),
        Setting("owner_pin_offered", bool, False, N_("Owner PIN offered"), owner_only=False),
        Setting("demo", bool, False, N_("Demo database")),
        # visits before this hour count for the day before (an evening past midnight is one visit)
        Setting("business_day_start_hour", int, 5, N_("Business day starts at (hour)")),
    )
}


def get(db: Database, key: str) -> Any:
    spec = SETTINGS[key]
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    if row is None:
        return spec.default
    return spec.type(json.loads(row[0]))


def get_all(db: Database) -> dict[str, Any]:
    stored = {k: json.loads(v) for k, v in db.execute("SELECT key, value FROM settings")}
    return {
        key: spec.type(stored[key]) if key in stored else spec.default
        for key, spec in SETTINGS.items()
    }


def set(db: Database, key: str, value: Any) -> None:
    spec = SETTINGS[key]
    if spec.type is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, spec.type):
        raise TypeError(f"setting {key} takes {spec.type.__name__}, not {type(value).__name__}")
    with db.atomic():
        db.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, json.dumps(value, ensure_ascii=False)],
        )
        if key == "business_day_start_hour":  # the customers' visit-day counts follow the rule
            from shopcrm.store.visits import refresh_visit_days

            refresh_visit_days(db)


def set_many(db: Database, values: dict[str, Any]) -> None:
    """Several settings in one transaction."""
    with db.atomic():
        for key, value in values.items():
            set(db, key, value)
