"""``run_with_bar``: how a data dialog runs slow work (backup, restore, import) in the background
with a progress bar: busy until the first report, then filled; ``dialog.task`` is the running
task (so the dialog can disable its buttons or cancel) and is cleared before the callbacks run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QProgressBar

from shopcrm.ui.tasks import Task, run_in_background


def run_with_bar(
    dialog: Any,
    bar: QProgressBar,
    fn: Callable[[Task], Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[BaseException, str], None],
    *,
    on_progress: Callable[[int, int, str], None] | None = None,
) -> Task:
    """Start ``fn(task)`` as ``dialog.task`` with ``bar`` shown busy; each progress report fills
    ``bar`` (then ``on_progress``). When it ends, ``dialog.task`` is None and ``bar`` hidden, then
    ``on_done(result)`` or ``on_failed(exc, traceback)`` runs (on the main thread)."""
    bar.setRange(0, 0)
    bar.show()

    def done(result) -> None:
        dialog.task = None
        bar.hide()
        on_done(result)

    def failed(exc, tb) -> None:
        dialog.task = None
        bar.hide()
        on_failed(exc, tb)

    def progress(n, total, text) -> None:
        bar.setRange(0, max(total, 1))
        bar.setValue(min(n, total))
        if on_progress is not None:
            on_progress(n, total, text)

    dialog.task = run_in_background(fn, done, failed, progress)
    return dialog.task
