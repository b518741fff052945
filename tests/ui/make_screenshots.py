"""The screenshots in ``docs/``: the real main window over a fresh demo izakaya, in Japanese and
English, as ``docs/ui-<page>-<lang>.png``.

Run: ``/work/venv/bin/python tests/ui/make_screenshots.py docs/`` (any folder; ``--today
YYYY-MM-DD`` to pick the day). Not a test (no ``test_`` prefix): pytest does not collect it.

It builds the window exactly as the app does (``shopcrm.app.build_main_window``) on a new demo
database filled by ``services.demo.fill`` with a fixed "today", and, so the pictures come out the
same on every run, makes the process see that day as today (``datetime.date.today()`` and
``datetime.datetime.now()`` answer that day, 21:00). Offscreen Qt, QSettings and the data folder
in a temporary folder, so the user's own settings and databases are never touched.

Grabs: Today, Customers (a guest with an allergy selected; also their visit history, and in
Japanese the same on a dark palette), the visit dialog (items with quantities, staff; and opened
with nobody chosen, offering the guest selected earlier), the customer dialog showing a field
error and an allergy, Settings, the menu editor, Coupons, Print (postcard preview), Dashboard, and
the first-run setup (welcome, shop, menu, owner PIN, customer list).
The screen is a 1366×768 laptop (an offscreen screen of that size) and the window opens as the
app opens it there; every PNG is checked to be under 300 KB (reduced to 256 colours if not).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREEN = (1366, 768)  # the smallest laptop screen a shop is likely to have
_SCREEN_CONFIG = Path(tempfile.gettempdir()) / "shopcrm-offscreen-1366x768.json"
_SCREEN_CONFIG.write_text(
    '{"windowFrameMargins": false, "screens": [{"name": "laptop", "x": 0, "y": 0,'
    f' "width": {SCREEN[0]}, "height": {SCREEN[1]}, "logicalDpi": 96, "dpr": 1}}]}}',
    encoding="utf-8",
)
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_SCREEN_CONFIG}"
sys.path.insert(0, str(ROOT))

FIXED_TODAY = dt.date(2026, 11, 20)  # a Friday evening at the izakaya
MAX_BYTES = 300_000
LANGUAGES = ("ja", "en")


def freeze_today(day: dt.date, hour: int = 21) -> None:
    """Make ``datetime.date.today()``/``datetime.datetime.now()`` answer ``day`` (at ``hour``).

    The datetime module's classes are replaced by subclasses whose ``isinstance`` still accepts
    real dates, so code that checks ``isinstance(x, dt.date)`` keeps working."""
    real_date, real_datetime = dt.date, dt.datetime

    class _DateMeta(type):
        def __instancecheck__(cls, obj):
            return isinstance(obj, real_date)

    class _DatetimeMeta(type):
        def __instancecheck__(cls, obj):
            return isinstance(obj, real_datetime)

    class FrozenDate(real_date, metaclass=_DateMeta):
        @classmethod
        def today(cls):
            return cls(day.year, day.month, day.day)

    class FrozenDatetime(real_datetime, metaclass=_DatetimeMeta):
        @classmethod
        def now(cls, tz=None):
            moment = cls(day.year, day.month, day.day, hour, 0, 0)
            return moment if tz is None else moment.replace(tzinfo=tz)

        @classmethod
        def today(cls):
            return cls.now()

    dt.date = FrozenDate
    dt.datetime = FrozenDatetime


def settle(app, at_least_ms: int = 300, timeout_s: float = 60.0) -> None:
    """Process events until background work is done and the UI has caught up."""
    from PySide6.QtCore import QThreadPool

    from shopcrm.ui.models.customer_table_model import wait_for_interactive

    start = time.monotonic()
    quiet_since = None
    while time.monotonic() - start < timeout_s:
        app.processEvents()
        busy = QThreadPool.globalInstance().activeThreadCount() > 0
        wait_for_interactive(50)
        if busy:
            quiet_since = None
            time.sleep(0.02)
            continue
        quiet_since = quiet_since or time.monotonic()
        if (time.monotonic() - quiet_since) * 1000 >= at_least_ms:
            break
        time.sleep(0.02)
    app.processEvents()


def save(widget, path: Path) -> Path:
    """Grab ``widget`` to ``path``; reduce to 256 colours if the PNG is over 300 KB."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    image = widget.grab().toImage()
    image.save(str(path))
    if path.stat().st_size > MAX_BYTES:
        small = image.convertToFormat(
            QImage.Format.Format_Indexed8, Qt.ImageConversionFlag.ThresholdDither
        )
        small.save(str(path))
    return path


def allergy_guest(db) -> int:
    """A regular with an allergy and several visits (the detail pane has the most to show)."""
    from shopcrm.store import customers

    rows = customers.search(db, "", order_by="visits", descending=True, limit=600)
    return next(r.id for r in rows if r.has_allergy and r.visit_count >= 3)


def make_database(folder: Path, today: dt.date) -> Path:
    from shopcrm.services import demo
    from shopcrm.store import open_db

    path = folder / "demo.db"
    db = open_db(path)
    demo.fill(db, today=today)  # marks the database as the demo (no PIN offer, DEMO badge)
    db.close()
    return path


def fill_visit_dialog(dialog, guest_id: int) -> None:
    from PySide6.QtCore import QDateTime

    picker = dialog.picker
    dialog.set_customer(guest_id)
    dialog.when.setDateTime(QDateTime(dt.datetime.now().replace(minute=12)))
    dialog.party.setValue(2)
    dialog.amount.setText("7,480")
    for entry in ("びーる3", "枝豆", "つくね2", "れもん"):  # as staff type them
        picker.filter.setText(entry)
        picker.enter_filter()
    if not picker.selected_quantities():  # another menu: the first two items, three of one
        items = picker.matches("")[:2]
        for item_id, n in zip(items, (3, 1), strict=False):
            picker.set_quantity(item_id, n)
    dialog.staff.setCurrentText("佐藤")
    dialog.note.setText("カウンター席")


def grab_language(lang: str, db_path: Path, out: Path) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    from shopcrm.app import build_main_window
    from shopcrm.ui.dialogs.customer_dialog import CustomerDialog
    from shopcrm.ui.dialogs.menu_dialog import MenuDialog
    from shopcrm.ui.dialogs.settings_dialog import SettingsDialog
    from shopcrm.ui.dialogs.visit_dialog import VisitDialog
    from shopcrm.ui.theme import apply_dark_palette

    app, ctx, window = build_main_window(db_path, True, lang=lang)
    assert isinstance(app, QApplication)
    written: list[Path] = []
    try:
        window.show()  # at the size the app opens at on this screen (within 1366×768)
        settle(app)

        def page(key: str, name: str | None = None, prepare=None, wait_ms: int = 300) -> None:
            window.show_page(key)
            if prepare is not None:
                prepare(window.current_page())
            settle(app, wait_ms)
            written.append(save(window, out / f"ui-{name or key}-{lang}.png"))

        guest = allergy_guest(ctx.db)
        page("today")
        page("customers", prepare=lambda p: p.select_customer(guest))
        page("customers", "customers-visits", lambda p: p.detail.tabs.setCurrentIndex(1))
        window.current_page().detail.tabs.setCurrentIndex(0)
        if lang == "ja":  # the dark system theme (same window, dark palette), then back
            style, palette = app.style().name(), app.palette()
            apply_dark_palette(app)
            settle(app)
            written.append(save(window, out / f"ui-customers-{lang}-dark.png"))
            app.setStyle(style)
            app.setPalette(palette)

        visit = VisitDialog(ctx, guest, window)
        fill_visit_dialog(visit, guest)
        visit.show()
        settle(app)
        written.append(save(visit, out / f"ui-visit-{lang}.png"))
        visit.reject()

        ctx.selected_customer_id = guest  # clicked earlier on another page
        carried = VisitDialog(ctx, None, window)
        carried.show()
        settle(app)
        written.append(save(carried, out / f"ui-visit-carry-over-{lang}.png"))
        carried.reject()

        customer = CustomerDialog(ctx, None, window)
        for key, text in (
            ("name", "佐藤 花子"),
            ("kana", "さとう はなこ"),
            ("phone", "12-345"),  # too short: the message shows at the field
            ("birthday", "S55.3.10"),
            ("postal_code", "105-0011"),
            ("tags", "常連, 日本酒"),
        ):
            customer.fields[key].setText(text)
        customer.pref_fields["allergy"].setText("えび、そば")
        customer.pref_fields["love"].setText("獺祭")
        customer.fields["phone"].editingFinished.emit()
        customer.show()
        settle(app)
        written.append(save(customer, out / f"ui-customer-dialog-{lang}.png"))
        customer.reject()

        settings = SettingsDialog(ctx, window)
        settings.show()
        settle(app)
        written.append(save(settings, out / f"ui-settings-{lang}.png"))
        settings.reject()

        editor = MenuDialog(ctx, window)
        editor.show()
        settle(app)
        written.append(save(editor, out / f"ui-menu-{lang}.png"))
        editor.reject()

        page("coupons")

        def postcards(p) -> None:
            index = p.layout_combo.findData("postcard")
            p.layout_combo.setCurrentIndex(max(index, 0))
            p.make_preview()

        page("print", prepare=postcards, wait_ms=800)
        page("dashboard", wait_ms=800)

        from shopcrm.ui.dialogs.setup_dialog import SetupWizard

        for number, step in enumerate(("welcome", "shop", "business_day", "menu", "pin")):
            if step == "business_day":
                continue
            wizard = SetupWizard(ctx, window, start=number)
            wizard.show()
            settle(app)
            written.append(save(wizard, out / f"ui-setup-{step.replace('_', '-')}-{lang}.png"))
            wizard.reject()
        wizard = SetupWizard(ctx, window, start=5)
        wizard.show()
        settle(app)
        written.append(save(wizard, out / f"ui-setup-customers-{lang}.png"))
        wizard.reject()
    finally:
        window.close()
        settle(app, 100)
        release = getattr(window.db_lock, "release", None)
        if callable(release):
            release()
        ctx.db.close()
        window.deleteLater()
        app.processEvents()
    return written


def main(argv: list[str] | None = None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", default="docs", help="folder for the PNGs")
    parser.add_argument("--today", default=FIXED_TODAY.isoformat(), help="the demo's today")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    today = dt.date.fromisoformat(args.today)

    work = Path(tempfile.mkdtemp(prefix="shopcrm-screenshots-"))
    os.environ["SHOPCRM_DATA_DIR"] = str(work / "data")  # backups on close etc. stay in tmp
    freeze_today(today)
    from PySide6.QtCore import QSettings

    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(work / "qsettings"))

    db_path = make_database(work, today)
    written: list[Path] = []
    for lang in LANGUAGES:
        written += grab_language(lang, db_path, out)
    for path in written:
        print(f"{path}  {path.stat().st_size / 1000:.0f} KB")
    return written


if __name__ == "__main__":
    main()
