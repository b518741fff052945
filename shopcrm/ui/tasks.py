"""Run slow work off the UI thread: ``run_in_background(fn, on_done, on_error, on_progress)``.

``fn(task)`` runs in a worker thread. It must not touch widgets and must open its own database
connection (``shopcrm.store.db.connect(path)``). It reports with ``task.progress(done, total,
text)`` and checks ``task.cancelled`` (or calls ``task.check_cancelled()``, which raises
``Cancelled``). Results, errors and progress arrive on the main thread through Qt signals.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class Cancelled(Exception):
    """Raised inside a worker when the user pressed Cancel."""


class _Signals(QObject):
    done = Signal(object)
    error = Signal(object, str)
    progress = Signal(int, int, str)


class Task(QRunnable):
    def __init__(self, fn: Callable[[Task], Any]):
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.signals = _Signals()
        self._cancel = threading.Event()
        self.finished = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def check_cancelled(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def progress(self, done: int, total: int, text: str = "") -> None:
        self.signals.progress.emit(int(done), int(total), text)

    def run(self) -> None:
        try:
            result = self.fn(self)
        except Cancelled as exc:
            self.signals.error.emit(exc, "")
        except Exception as exc:
            self.signals.error.emit(exc, traceback.format_exc())
        else:
            self.signals.done.emit(result)
        finally:
            self.finished.set()


_running: set[Task] = set()


def run_in_background(
    fn: Callable[[Task], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException, str], None] | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
) -> Task:
    """Start ``fn(task)`` on Qt's thread pool; callbacks run on the main thread."""
    task = Task(fn)
    _running.add(task)

    def _finish(*_args) -> None:
        _running.discard(task)

    if on_done:
        task.signals.done.connect(on_done)
    if on_error:
        task.signals.error.connect(on_error)
    if on_progress:
        task.signals.progress.connect(on_progress)
    task.signals.done.connect(_finish)
    task.signals.error.connect(_finish)
    QThreadPool.globalInstance().start(task)
    return task
