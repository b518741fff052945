"""A save that the disk refuses (issue 17): on a really full disk (a small tmpfs filled up) and
on a really read-only filesystem (the same tmpfs remounted read-only), "Register guest" and
"Record visit" say what happened and what to do, keep everything typed, and save on Retry once
the problem is gone. Needs root to mount (CI runs as root); skipped elsewhere."""

from __future__ import annotations

import contextlib
import os
import subprocess
import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from shopcrm.domain.models import Customer
from shopcrm.store import customers, open_db
from shopcrm.ui.context import AppContext
from shopcrm.ui.dialogs.customer_dialog import CustomerDialog
from shopcrm.ui.dialogs.visit_dialog import VisitDialog
from tests.ui.dialog_fixtures import shown, type_text


def _mount(path, *options) -> bool:
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", ",".join(("size=4m", *options)), "tmpfs", str(path)],
        capture_output=True,
    )
    return proc.returncode == 0


@pytest.fixture
def small_disk(tmp_path, qapp):
    """A 4 MB tmpfs with a migrated shop database on it."""
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root")
    disk = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    disk.mkdir()
    if not _mount(disk):
        pytest.skip("tmpfs cannot be mounted here")
    try:
        db = open_db(disk / "shop.db")
        guest = customers.create(db, Customer(name="山田 太郎", kana="やまだ"))
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        yield disk, db, guest
        db.close()
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def _fill(disk):
    """Fill the disk to the last byte."""
    filler = disk / "filler.bin"
    for size, mode in ((65536, "wb"), (1, "ab")):
        with contextlib.suppress(OSError), open(filler, mode, buffering=0) as fh:
            while True:
                fh.write(b"\0" * size)
    return filler


def _answer_failure(qtbot, choice: str) -> dict:
    """When the 'Not saved' box shows, remember its text and click Retry or Cancel."""
    seen: dict = {}

    def poll():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() == "saveFailedBox":
            seen.setdefault("texts", []).append(box.text())
            button = next(b for b in box.buttons() if b.text() == choice)
            if choice == "Retry":
                seen["fix"]()
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
            return
        from PySide6.QtCore import QTimer

        QTimer.singleShot(20, poll)

    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, poll)
    return seen


def test_register_guest_on_a_full_disk_keeps_the_input_and_retries(small_disk, qtbot, tmp_path):
    disk, db, _guest = small_disk
    ctx = AppContext(db, disk / "shop.db")
    dialog = shown(qtbot, CustomerDialog(ctx))
    type_text(qtbot, dialog.fields["name"], "佐藤 花子")
    filler = _fill(disk)
    seen = _answer_failure(qtbot, "Cancel")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "texts" in seen, timeout=5000)
    assert "disk is full" in seen["texts"][0]
    assert dialog.isVisible() and dialog.fields["name"].text() == "佐藤 花子"
    assert customers.count_all(db) == 1
    # Free the space, then Retry saves what was typed.
    seen = _answer_failure(qtbot, "Retry")
    seen["fix"] = filler.unlink
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert dialog.saved_customer_id is not None
    assert customers.get(db, dialog.saved_customer_id).name == "佐藤 花子"


def test_record_visit_on_a_read_only_file_says_so_keeps_the_bill_and_retries(
    db, db_path, qapp, qtbot
):
    """The file turns read-only while the app runs (chattr +i: even root cannot write)."""
    guest = customers.create(db, Customer(name="山田 太郎", kana="やまだ"))
    ctx = AppContext(db, db_path)
    dialog = shown(qtbot, VisitDialog(ctx, guest.id))
    type_text(qtbot, dialog.amount, "4800")
    files = [str(p) for p in (db_path, db_path.with_name(db_path.name + "-wal")) if p.exists()]
    if subprocess.run(["chattr", "+i", *files], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        seen = _answer_failure(qtbot, "Cancel")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "texts" in seen, timeout=5000)
        assert "became read-only" in seen["texts"][0]  # SQLite reports EPERM as an I/O error
        assert dialog.isVisible() and dialog.amount.text() == "4800"
        assert dialog.saved_visit_id is None
        seen = _answer_failure(qtbot, "Retry")
        seen["fix"] = lambda: subprocess.run(["chattr", "-i", *files], check=True)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    finally:
        subprocess.run(["chattr", "-i", *files], capture_output=True)
    assert dialog.saved_visit_id is not None
    assert db.execute("SELECT amount FROM visits").fetchone()[0] == 4800
