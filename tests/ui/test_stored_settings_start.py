"""No stored setting stops the app: values the declarations refuse, written into the file by an
older version or by hand, read as the defaults; the app starts, the idle lock and the dashboard
work, and the settings dialog's ranges are the declarations'."""

from __future__ import annotations

from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox

from shopcrm.store import settings
from tests.ui.conftest import settle


def _store_raw(db, values: dict[str, str]) -> None:
    for key, text in values.items():
        db.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, text],
        )
    db.conn.commit()


def test_the_app_starts_with_refused_values_in_the_file(db, db_path, shop, qtbot):
    from shopcrm.app import build_main_window
    from shopcrm.ui.dialogs.pin_dialog import IdleLock

    _store_raw(
        db,
        {
            "owner_lock_minutes": "40000",  # 40000 min overflowed the idle timer: a crash per start
            "gross_margin_percent": "NaN",
            "ltv_years": "-3",
            "language": '"xx"',
        },
    )
    app, ctx, window = build_main_window(db_path)
    qtbot.addWidget(window)
    try:
        window.show()
        qtbot.waitExposed(window)
        lock = next(o for o in app.children() if isinstance(o, IdleLock))
        assert lock.timer.interval() == 5 * 60_000  # the default, 5 minutes
        assert settings.get(ctx.db, "gross_margin_percent") == 65.0
    finally:
        window.close()
        settle()
        window.db_lock.release()
        ctx.db.close()


def test_settings_dialog_ranges_come_from_the_declarations(app_ctx, qtbot):
    from shopcrm.ui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(app_ctx)
    qtbot.addWidget(dialog)
    for key, spec in settings.SETTINGS.items():
        if spec.minimum is None:
            continue
        spin = dialog.inputs[key]
        assert isinstance(spin, QSpinBox | QDoubleSpinBox)
        assert (spin.minimum(), spin.maximum()) == (spec.minimum, spec.maximum)
    assert dialog.inputs["gross_margin_percent"].suffix() == " %"
