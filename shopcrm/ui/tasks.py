"""The old helper ``run_in_background(fn, on_done, on_error, on_progress)``, kept as a thin wrapper
over ``shopcrm.ui.operations`` (the home of ``Task`` and ``Cancelled``) for the Dashboard page until
it is ported. New code uses ``QueryOp``/``CollectionOp``.

``fn(task)`` runs in a worker thread and opens its own connection; ``on_done(result)``,
``on_error(exc, traceback)`` and ``on_progress(done, total, text)`` run on the main thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shopcrm.ui.operations import Cancelled, QueryOp, Task

__all__ = ["Cancelled", "Task", "run_in_background"]


def run_in_background(
    fn: Callable[[Task], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException, str], None] | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
) -> Task:
    """Start ``fn(task)`` on Qt's thread pool; callbacks run on the main thread. An error without
    ``on_error`` is logged only (as before)."""
    op: QueryOp[Any] = QueryOp.without_db(parent=None, op=fn, success=on_done)
    op.failure(lambda exc: on_error(exc, op.trace) if on_error is not None else None)
    return op.on_progress(on_progress).run_in_background()
