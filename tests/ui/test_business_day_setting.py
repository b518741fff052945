"""Settings › Figures › "Business day starts at": typed by the owner, saved with the Save button,
and the guests' visit-day counts follow it at once."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from shopcrm.domain.models import Customer, Visit
from shopcrm.store import customers, settings, visits
from shopcrm.ui.dialogs.settings_dialog import SettingsDialog


def test_owner_moves_the_cut_off_and_visit_days_follow(app_ctx, qtbot):
    db = app_ctx.db
    guest = customers.create(db, Customer(name="夜更かし")).id
    visits.record(db, Visit(guest, dt.datetime(2026, 3, 1, 23, 50), 4000))
    visits.record(db, Visit(guest, dt.datetime(2026, 3, 2, 0, 20), 1500))
    assert customers.summary(db, guest).visit_days == 1  # the default 05:00: one evening

    dialog = SettingsDialog(app_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    spin = dialog.inputs["business_day_start_hour"]
    assert spin.value() == 5 and spin.suffix() == ":00"
    assert spin.maximum() == 11  # after noon lunch would move into the day before
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "0")
    save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert settings.get(db, "business_day_start_hour") == 0
    assert customers.summary(db, guest).visit_days == 2  # calendar days now
