"""The shared pieces of the data dialogs (ui/dialogs/parts.py, background.py) on real widgets:
the pick-one table, the status line, the Close box, and a background run with its bar."""

from __future__ import annotations

import pytest

from shopcrm.ui.operations import QueryOp


@pytest.fixture
def holder(qtbot):
    from PySide6.QtWidgets import QDialog, QProgressBar

    dialog = QDialog()
    dialog.task = None
    dialog.bar = QProgressBar(dialog)
    qtbot.addWidget(dialog)
    return dialog


def test_pick_table_is_read_only_and_picks_one_whole_row(qtbot):
    from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidgetItem

    from shopcrm.ui.dialogs.parts import pick_table, selected_row

    table = pick_table("t", ["A", "B", "C"], stretch=(0, 2))
    qtbot.addWidget(table)
    assert table.objectName() == "t" and table.columnCount() == 3
    assert [table.horizontalHeaderItem(i).text() for i in range(3)] == ["A", "B", "C"]
    assert table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert table.selectionMode() == QAbstractItemView.SelectionMode.SingleSelection
    modes = [table.horizontalHeader().sectionResizeMode(i) for i in range(3)]
    assert modes[0] == modes[2] == QHeaderView.ResizeMode.Stretch != modes[1]
    table.setRowCount(3)
    for r in range(3):
        for c in range(3):
            table.setItem(r, c, QTableWidgetItem(f"{r}{c}"))
    assert selected_row(table) is None
    table.selectRow(2)
    assert selected_row(table) == 2
    table.selectRow(1)  # one at a time: the new pick replaces the old
    assert selected_row(table) == 1 and len(table.selectionModel().selectedRows()) == 1


def test_status_label_and_close_box(holder, ja):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox

    from shopcrm.ui.dialogs.parts import close_box, status_label

    plain = status_label("s")
    selectable = status_label("e", selectable=True)
    assert plain.objectName() == "s" and plain.wordWrap()
    assert selectable.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert not plain.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    box = close_box(holder)
    button = box.button(QDialogButtonBox.StandardButton.Close)
    assert button.text() == "閉じる"
    holder.show()
    button.click()
    assert not holder.isVisible()


def test_run_with_bar_reports_then_clears_the_task(holder, qtbot):
    from shopcrm.ui.dialogs.background import run_with_bar

    seen = {}

    def work(task):
        for i in range(3):
            task.progress(i, 4)
        return "ok"

    op = QueryOp.without_db(
        parent=holder,
        op=work,
        success=lambda result: seen.update(
            result=result, task=holder.task, bar=holder.bar.isVisible()
        ),
    ).failure(lambda exc: seen.update(error=exc))
    run_with_bar(
        holder,
        holder.bar,
        op,
        on_progress=lambda n, total, text: seen.setdefault("progress", []).append((n, total)),
    )
    assert holder.task is not None
    qtbot.waitUntil(lambda: "result" in seen, timeout=5000)
    assert seen["result"] == "ok" and seen["task"] is None and seen["bar"] is False
    assert seen["progress"] == [(0, 4), (1, 4), (2, 4)] and "error" not in seen
    assert holder.bar.maximum() == 4 and holder.bar.value() == 2


def test_run_with_bar_failure_reaches_on_failed(holder, qtbot):
    from shopcrm.ui.dialogs.background import run_with_bar

    seen = {}

    def work(task):
        raise ValueError("disk full")

    op = QueryOp.without_db(parent=holder, op=work, success=seen.update)
    run_with_bar(holder, holder.bar, op.failure(lambda exc: seen.update(error=exc)))
    qtbot.waitUntil(lambda: "error" in seen, timeout=5000)
    assert str(seen["error"]) == "disk full" and holder.task is None
    assert not holder.bar.isVisible()
