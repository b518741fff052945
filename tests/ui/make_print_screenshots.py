"""The Print page screenshots in ``docs/``: the demo izakaya's December birthday run (coupons
issued, some already mailed) in Japanese and English, at the usual 1200×800 and at 1366×768, and
the two-sided postcard flow for a one-sided printer (step 1: address sides).

Run: ``python tests/ui/make_print_screenshots.py docs/``. Not a test (no ``test_`` prefix).
Uses the helpers of ``make_screenshots.py`` (fixed today, offscreen, temporary settings).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.ui.make_screenshots import (  # noqa: E402
    FIXED_TODAY,
    freeze_today,
    make_database,
    save,
    settle,
)

WINDOW_SIZE = (1600, 1000)  # the large shot, beside the 1366×768 one


def prepare(db_path: Path, today: dt.date) -> None:
    """December's birthday coupons issued, and a few of them mailed already (a reprint to offer)."""
    from shopcrm.services import campaigns
    from shopcrm.services.printing import plan as mailing_plan
    from shopcrm.services.printing.pieces import record_mailings
    from shopcrm.store import open_db

    db = open_db(db_path)
    campaigns.issue(db, "birthday", month=12, today=today)
    plan = mailing_plan.build(db, campaign="birthday", period_key="2026-12", today=today)
    record_mailings(db, [p for card in plan.cards[:3] for p in card.pieces], "postcards")
    db.close()


def grab(lang: str, db_path: Path, out: Path) -> list[Path]:
    from shopcrm.app import build_main_window

    app, ctx, window = build_main_window(db_path, True, lang=lang)
    written: list[Path] = []
    try:

        def shot(name: str, layout: str, size, duplex: bool = False) -> None:
            window.resize(*size)
            window.show()
            window.show_page("print")
            page = window.current_page()
            page.campaign_radio.setChecked(True)
            page.layout_combo.setCurrentIndex(page.layout_combo.findData(layout))
            page.duplex_box.setChecked(duplex)
            page.make_preview()
            settle(app, 900)
            written.append(save(window, out / name))

        shot(f"ui-print-{lang}.png", "postcards", WINDOW_SIZE)
        shot(f"ui-print-{lang}-1366.png", "postcards", (1366, 768))
        shot(f"ui-print-two-sided-{lang}.png", "postcards-duplex", WINDOW_SIZE)
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
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "docs")
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="shopcrm-print-shots-"))
    os.environ["SHOPCRM_DATA_DIR"] = str(work / "data")
    freeze_today(FIXED_TODAY)
    from PySide6.QtCore import QSettings

    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(work / "qsettings"))
    db_path = make_database(work, FIXED_TODAY)
    prepare(db_path, FIXED_TODAY)
    written: list[Path] = []
    for lang in ("ja", "en"):
        written += grab(lang, db_path, out)
    for path in written:
        print(f"{path}  {path.stat().st_size / 1000:.0f} KB")
    return written


if __name__ == "__main__":
    main()
