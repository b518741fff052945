"""Benchmark: recording a visit for a returning guest with the keyboard only, as staff do.

Run on demand: ``/work/venv/bin/python tests/bench/bench_visit_keyboard.py [customers] [repeats]``
(default 50,000 generated guests, 7 repeats). Opens the real ``VisitDialog`` offscreen over a
temporary database and drives it with key events: type the guest's reading (as the input method
commits it), Enter (top hit), Tab, type the bill, Tab, type an item's reading, Enter (tick), Enter
(save; the favourites prompt appears because the guest keeps ordering the same beer). Each event
is followed by ``processEvents()`` so layout and painting count too. Prints the median wall-clock
of the app's own handling per step and in total (human typing time excluded), and the keystroke
count with a human estimate at 0.25 s per keystroke.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

GUEST_READING = "しょうじ"  # typed as s-h-o-u-j-i + Enter in a Japanese input method
ITEM_READING = "びーる"  # b-i-- -r-u + Enter; the first match is 生ビール
AMOUNT = "4800"
SECONDS_PER_KEYSTROKE = 0.25


def keystrokes() -> int:
    """Keys a person presses from Ctrl+R to saved (input-method conversion included)."""
    return (
        1  # Ctrl+R opens the dialog
        + len("shouji") + 1  # reading, committed with Enter
        + 1  # Enter: top hit
        + 1  # Tab: party size stays 1 -> bill total
        + len(AMOUNT)
        + 1  # Tab: item filter
        + len("bi-ru") + 1  # item reading, committed with Enter
        + 1  # Enter: tick the first match
        + 1  # Enter: save
    )  # fmt: skip


def build_db(path: Path, n: int):
    from bench_search import fill_customers  # the search benchmark's realistic guests

    from shopcrm.store import open_db
    from tests.ui.dialog_fixtures import add_customer, add_preference, add_visit, seed_menu

    db = open_db(path)
    fill_customers(db, n)
    menu = seed_menu(db)
    guest = add_customer(db, "東海林 健一", "しょうじ けんいち", "090-8765-4321")
    add_preference(db, guest.id, "えび", "allergy")
    for days in (30, 20, 10):
        add_visit(db, guest.id, [menu["生ビール"], menu["枝豆"]], days_ago=days)
    return db, guest


def run(n: int = 50_000, repeats: int = 7) -> dict[str, float]:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from shopcrm import i18n
    from shopcrm.ui.context import AppContext
    from shopcrm.ui.dialogs.visit_dialog import VisitDialog

    app = QApplication.instance() or QApplication([])
    i18n.set_language("ja")
    tmp = Path(tempfile.mkdtemp(prefix="shopcrm-bench-"))
    os.environ["SHOPCRM_DATA_DIR"] = str(tmp)
    start = time.perf_counter()
    db, guest = build_db(tmp / "shop.db", n)
    print(f"database: {n:,} guests built in {time.perf_counter() - start:.1f} s")
    ctx = AppContext(db, tmp / "shop.db")

    def commit(widget, text: str) -> None:
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(widget, event)

    timings: dict[str, list[float]] = {}

    def step(name: str, action) -> None:
        t0 = time.perf_counter()
        action()
        app.processEvents()
        timings.setdefault(name, []).append(time.perf_counter() - t0)

    def one_visit() -> None:
        holder = {}

        def open_dialog():
            holder["d"] = VisitDialog(ctx)
            holder["d"].show()
            holder["d"].activateWindow()

        step("open dialog", open_dialog)
        d = holder["d"]

        def key(k):
            return lambda: QTest.keyClick(d.focusWidget(), k)

        for ch in GUEST_READING:  # the field searches as the reading grows
            step("search per keystroke", lambda ch=ch: commit(d.focusWidget(), ch))
        step("Enter: pick guest", key(Qt.Key.Key_Return))
        assert d.customer_id == guest.id, "the top hit is the guest"
        step("Tab", key(Qt.Key.Key_Tab))
        for ch in AMOUNT:
            step("amount per keystroke", lambda ch=ch: QTest.keyClicks(d.focusWidget(), ch))
        step("Tab", key(Qt.Key.Key_Tab))
        step("item filter", lambda: commit(d.focusWidget(), ITEM_READING))
        step("Enter: tick item", key(Qt.Key.Key_Return))
        step("Enter: save", key(Qt.Key.Key_Return))
        assert d.saved_visit_id, "saved"
        if d.favourites_prompt is not None:
            d.favourites_prompt.reject()
        d.deleteLater()
        app.processEvents()

    for _ in range(repeats):
        one_visit()

    print(f"\nkeyboard-only visit, {n:,} guests, median of {repeats} (ms)")
    per_run: dict[str, float] = {}
    for name, values in timings.items():
        per = len(values) // repeats
        runs = [sum(values[r * per : (r + 1) * per]) for r in range(repeats)]
        per_run[name] = statistics.median(runs)
        worst = max(values) * 1000
        print(
            f"  {name:<24} {statistics.median(values) * 1000:7.1f}"
            f"  (per run {per_run[name] * 1000:7.1f}, worst event {worst:6.1f})"
        )
    total = sum(per_run.values())
    keys = keystrokes()
    print(f"  {'app total per visit':<24} {total * 1000:7.1f}")
    print(
        f"\nkeystrokes Ctrl+R -> saved: {keys}; at {SECONDS_PER_KEYSTROKE} s each a person needs"
        f" about {keys * SECONDS_PER_KEYSTROKE:.1f} s, plus {total:.2f} s of app time"
    )
    db.close()
    return per_run


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    run(count, reps)
