"""The dashboard's model check in ``docs/``: ``docs/ui-dashboard-model-check-<lang>.png`` (and the
predicted-value tab it chooses the model for, ``docs/ui-dashboard-clv-<lang>.png``), the real
main window at 1366×768 over the demo izakaya, in Japanese and English.

Run: ``python tests/ui/make_model_check_screenshots.py docs/``. Not a test. Uses the helpers of
``make_screenshots.py`` (fixed "today", offscreen Qt, settings in a temporary folder).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_screenshots as shots


def grab(lang: str, db_path: Path, out: Path) -> list[Path]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from shopcrm.app import build_main_window
    from shopcrm.ui.pages.dashboard_page import TABS

    app, ctx, window = build_main_window(db_path, True, lang=lang)
    written = []
    try:
        window.resize(1366, 768)
        window.show()
        shots.settle(app)
        window.show_page("dashboard")
        shots.settle(app, 800)
        page = window.current_page()
        bar = page.tabs.tabBar()
        for key in ("model_check", "clv"):
            index = [k for k, _t, _s in TABS].index(key)
            QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
            shots.settle(app, 800)
            name = "model-check" if key == "model_check" else key
            written.append(shots.save(window, out / f"ui-dashboard-{name}-{lang}.png"))
    finally:
        window.close()
        shots.settle(app, 100)
        release = getattr(window.db_lock, "release", None)
        if callable(release):
            release()
        ctx.db.close()
        window.deleteLater()
        app.processEvents()
    return written


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs")
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="shopcrm-model-check-"))
    os.environ["SHOPCRM_DATA_DIR"] = str(work / "data")
    shots.freeze_today(shots.FIXED_TODAY)
    from PySide6.QtCore import QSettings

    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(work / "qsettings"))
    db_path = shots.make_database(work, shots.FIXED_TODAY)
    for lang in shots.LANGUAGES:
        for path in grab(lang, db_path, out):
            print(f"{path}  {path.stat().st_size / 1000:.0f} KB")


if __name__ == "__main__":
    main()
