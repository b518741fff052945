"""``run_with_bar``: how a data dialog runs an operation (backup, restore, import) with its own
progress bar: busy until the first report, then filled; ``dialog.task`` is the running task (so
the dialog can disable its buttons or cancel) and is cleared before the op's callbacks run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtWidgets import QProgressBar

from shopcrm.ui.operations import CollectionOp, QueryOp, Task


def run_with_bar(
    dialog: Any,
    bar: QProgressBar,
    op: QueryOp[Any] | CollectionOp[Any],
    *,
    on_progress: Callable[[int, int, str], None] | None = None,
) -> Task:
    """Start ``op`` as ``dialog.task`` with ``bar`` shown busy; each progress report fills ``bar``
    (then ``on_progress``). When it ends, ``dialog.task`` is None and ``bar`` hidden, then the
    op's ``success`` or ``failure`` runs (on the main thread)."""

    def ended() -> None:
        if shiboken6.isValid(dialog):
            dialog.task = None

    op.with_progress(bar=bar).on_progress(on_progress).on_end(ended)
    dialog.task = op.run_in_background()
    return dialog.task
