"""The import dialog on a large file: the mapping page shows the file's first rows (read from
its head only), the check reads every row and lists the first problems of each kind with the
count of all, and the import writes the valid rows. Screens are saved (1366x768) to
``SHOPCRM_SCREENSHOT_DIR`` when it is set, else to the test's folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from shopcrm.domain.models import Customer
from shopcrm.services.transfer import reading
from shopcrm.services.transfer.report import KEEP
from shopcrm.store import customers
from shopcrm.ui.dialogs.import_dialog import ImportDialog

BAD = KEEP + 200


def _visits_file(tmp_path: Path) -> Path:
    path = tmp_path / "来店履歴.csv"
    lines = ["会員番号,来店日時,金額,人数,注文"]
    lines += [
        f"M{i % 40:04d},2025-03-{1 + i % 28:02d} 19:{i % 60:02d},{3000 + i},2,枝豆"
        for i in range(3000)
    ]
    lines += [f"X{i:05d},2025-04-01 19:00,4000,2,枝豆" for i in range(BAD)]  # no such member
    path.write_bytes("\r\n".join(lines).encode("cp932"))
    return path


def _screens(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SHOPCRM_SCREENSHOT_DIR") or tmp_path)  # docs/ to publish
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_large_file_previews_its_head_and_reports_the_first_problems(
    app_ctx, qtbot, tmp_path, lang, request
):
    if lang == "ja":
        request.getfixturevalue("ja")
    customers.insert_many(
        app_ctx.db, [Customer(name=f"客{i}", code=f"M{i:04d}") for i in range(40)]
    )
    before = app_ctx.db.execute("SELECT count(*) FROM visits").fetchone()[0]
    dialog = ImportDialog(app_ctx, path=_visits_file(tmp_path), kind="visits")
    qtbot.addWidget(dialog)
    dialog.resize(1366, 768)
    dialog.show()
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)  # read the head
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == dialog.PAGE_MAP, timeout=10_000)
    assert len(dialog.table.rows) == reading.PREVIEW_ROWS  # not the file's 4,200 rows
    assert dialog.table.encoding == "cp932"
    assert dialog.map_table.item(0, 1).text().startswith("M0000")
    folder = _screens(tmp_path)
    dialog.grab().save(str(folder / f"data-import-large-columns-{lang}.png"))

    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)  # the dry run
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == dialog.PAGE_CHECK, timeout=30_000)
    report = dialog.plan.report
    assert (report.rows, report.valid, report.bad_rows) == (3000 + BAD, 3000, BAD)
    assert dialog.report_table.rowCount() == KEEP  # the first problems; the rest counted
    assert str(BAD) in dialog.summary.text()
    assert str(KEEP) in dialog.summary.text()
    dialog.grab().save(str(folder / f"data-import-large-check-{lang}.png"))

    on_its_label = QPoint(10, dialog.valid_radio.height() // 2)  # the row is wider than its text
    qtbot.mouseClick(dialog.valid_radio, Qt.MouseButton.LeftButton, pos=on_its_label)
    assert dialog.valid_radio.isChecked()
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(app_ctx.visits_changed, timeout=30_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=30_000)
    assert dialog.report.imported == 3000
    assert app_ctx.db.execute("SELECT count(*) FROM visits").fetchone()[0] == before + 3000
