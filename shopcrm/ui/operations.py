"""Slow work off the UI thread, as an operation object (after Anki's QueryOp and CollectionOp).

``QueryOp(parent=widget, op=lambda db, task: ..., success=...)`` reads; ``CollectionOp(parent=...,
op=lambda db, task: ..., changes=Changes(...))`` writes and says what it changed. Then
``.failure(fn)``, ``.with_progress(label)`` (a progress window with Cancel, or ``bar=`` an inline
bar), ``.on_progress(fn)``, ``.interactive()`` and ``.run_in_background()``. The operation:

* opens the worker's own database connection from the context's ``db_path`` (``store.db.connect``)
  and closes it when ``op`` returns or raises (``without_db(...)``: ``op(task)`` gets no connection,
  for work on files such as backups);
* calls ``success(result)`` or ``failure(exc)`` on the main thread; without ``failure`` an error is
  logged and shown (``error_dialog``), a ``Cancelled`` is silent;
* drops both when ``parent`` was deleted or closed (its window too) before the worker ended;
* for a ``CollectionOp``, emits one ``ctx.changed(Changes)`` after ``success`` — also when the
  parent is gone, because the write happened: pages refresh from that signal.

``op`` runs in a worker thread: it must not touch widgets. It reports with ``task.progress(done,
total, text)`` and checks ``task.cancelled`` or ``task.check_cancelled()`` (raises ``Cancelled``).
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QDialog, QProgressBar, QProgressDialog, QWidget
from sqlite_utils import Database

from shopcrm.domain.changes import Changes
from shopcrm.i18n import _
from shopcrm.store.db import connect
from shopcrm.ui.dialogs import error_dialog

log = logging.getLogger(__name__)

T = TypeVar("T")
PROGRESS_DELAY_MS = 400  # the progress window appears only for work that takes longer


class Cancelled(Exception):
    """Raised inside a worker when the user pressed Cancel."""


class _Signals(QObject):
    done = Signal(object)
    error = Signal(object, str)
    progress = Signal(int, int, str)


class Task(QRunnable):
    """What runs in the worker: ``fn(task)``; its answer travels back through ``signals``."""

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


# --- thread pools ---------------------------------------------------------------------------
_interactive_pool: QThreadPool | None = None


def interactive_pool() -> QThreadPool:
    """A pool of its own for what the user is waiting on (search as you type, the next page), so
    answers never queue behind long jobs (charts, imports, PDFs) in the shared pool."""
    global _interactive_pool
    if _interactive_pool is None:
        _interactive_pool = QThreadPool()
        _interactive_pool.setMaxThreadCount(2)
    return _interactive_pool


def wait_for_interactive(msecs: int = 10_000) -> bool:
    """Block until the interactive pool is idle (tests, shutdown); True if it is."""
    return _interactive_pool is None or _interactive_pool.waitForDone(msecs)


_running: set[_Op] = set()  # operations in flight: kept alive until their answer is handled


# --- delivery on the main thread ------------------------------------------------------------
class _Relay(QObject):
    """Lives on the main thread: the worker's signals are queued to its slots."""

    def __init__(self, op: _Op):
        super().__init__()
        self._op = op

    @Slot(object)
    def done(self, result: object) -> None:
        self._op._on_done(result)

    @Slot(object, str)
    def error(self, exc: object, trace: str) -> None:
        self._op._on_error(exc, trace)  # type: ignore[arg-type]

    @Slot(int, int, str)
    def progress(self, done: int, total: int, text: str) -> None:
        self._op._on_progress(done, total, text)


class _CloseWatch(QObject):
    """Notes which watched widgets (the parent, its window) received a Close event or, for a
    dialog, ended (``QDialog.done`` hides it without a Close event)."""

    def __init__(self) -> None:
        super().__init__()
        self.closed: list[QWidget] = []

    @Slot(int)
    def dialog_finished(self, _result: int) -> None:
        sender = self.sender()
        if isinstance(sender, QWidget):
            self.closed.append(sender)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close and isinstance(watched, QWidget):
            self.closed.append(watched)
        return False


def _find_ctx(parent: QObject | None) -> Any:
    obj = parent
    while obj is not None:
        ctx = getattr(obj, "ctx", None)
        if ctx is not None:
            return ctx
        obj = obj.parent()
    return None


class _Op(Generic[T]):
    def __init__(
        self,
        *,
        parent: QObject | None,
        op: Callable[[Database, Task], T] | None,
        success: Callable[[T], Any] | None,
        ctx: Any = None,
    ):
        self._parent = parent
        self._db_op = op
        self._task_op: Callable[[Task], T] | None = None
        self._success = success
        self._ctx = ctx if ctx is not None else _find_ctx(parent)
        self._failure: Callable[[BaseException], Any] | None = None
        self._progress_fn: Callable[[int, int, str], Any] | None = None
        self._end_fn: Callable[[], Any] | None = None
        self._label: str | None = None
        self._bar: QProgressBar | None = None
        self._interactive = False
        self._watch: _CloseWatch | None = None
        self._watched: list[QWidget] = []
        self._relay: _Relay | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.task: Task | None = None
        self.trace = ""  # the worker's traceback of the last error ("" for Cancelled)

    @classmethod
    def without_db(
        cls,
        *,
        parent: QObject | None,
        op: Callable[[Task], T],
        success: Callable[[T], Any] | None = None,
        ctx: Any = None,
        **kwargs: Any,
    ):
        """An operation whose ``op(task)`` needs no database connection (work on files)."""
        self = cls(parent=parent, op=None, success=success, ctx=ctx, **kwargs)
        self._task_op = op
        return self

    # --- building ---------------------------------------------------------------------------------
    def success(self, fn: Callable[[T], Any] | None):
        self._success = fn
        return self

    def failure(self, fn: Callable[[BaseException], Any] | None):
        """``fn(exc)`` on the main thread when ``op`` raised (``Cancelled`` after Cancel)."""
        self._failure = fn
        return self

    def with_progress(self, label: str | None = None, *, bar: QProgressBar | None = None):
        """Show progress: ``bar`` (inline, busy until the first report, hidden at the end), else
        a progress window with ``label`` and Cancel (after ``PROGRESS_DELAY_MS``)."""
        self._label = label if label is not None else _("Working…")
        self._bar = bar
        return self

    def on_progress(self, fn: Callable[[int, int, str], Any] | None):
        """``fn(done, total, text)`` on the main thread for each ``task.progress`` report."""
        self._progress_fn = fn
        return self

    def on_end(self, fn: Callable[[], Any] | None):
        """``fn()`` on the main thread once ``op`` ended, before ``success``/``failure`` (also when
        they are dropped for a closed parent): the place to say "no longer busy"."""
        self._end_fn = fn
        return self

    def interactive(self):
        """Run on the interactive pool (the user is waiting for this answer)."""
        self._interactive = True
        return self

    # --- running ----------------------------------------------------------------------------------
    def _work(self) -> Callable[[Task], T]:
        if self._task_op is not None:
            return self._task_op
        if self._ctx is None:
            raise ValueError("an operation with a database needs ctx= or a parent with .ctx")
        db_op, path = self._db_op, self._ctx.db_path
        assert db_op is not None

        def work(task: Task) -> T:
            db = connect(path)
            try:
                return db_op(db, task)
            finally:
                db.close()

        return work

    def run_in_background(self) -> Task:
        """Start ``op`` in a worker; returns its ``Task`` (``task.cancel()`` to stop it)."""
        task = Task(self._work())
        self.task = task
        relay = self._relay = _Relay(self)
        task.signals.done.connect(relay.done)
        task.signals.error.connect(relay.error)
        task.signals.progress.connect(relay.progress)
        self._watch_parent()
        self._start_progress(task)
        _running.add(self)
        (interactive_pool() if self._interactive else QThreadPool.globalInstance()).start(task)
        return task

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _watch_parent(self) -> None:
        parent = self._parent
        if not isinstance(parent, QWidget):
            return
        self._watch = _CloseWatch()
        for widget in {parent, parent.window()}:
            widget.installEventFilter(self._watch)
            if isinstance(widget, QDialog):
                widget.finished.connect(self._watch.dialog_finished)
            self._watched.append(widget)

    def _start_progress(self, task: Task) -> None:
        if self._label is None:
            return
        if self._bar is not None:
            self._bar.setRange(0, 0)
            self._bar.show()
            return
        parent = self._parent if isinstance(self._parent, QWidget) else None
        dialog = QProgressDialog(self._label, _("Cancel"), 0, 0, parent)
        dialog.setObjectName("operationProgress")
        dialog.setWindowTitle("shopcrm")
        dialog.setMinimumWidth(360)  # room for a progress text under the label
        dialog.setMinimumDuration(PROGRESS_DELAY_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(task.cancel)
        self.progress_dialog = dialog

    def _alive(self) -> bool:
        """False when the parent was deleted, or it or its window was closed and is not shown
        (a Close event that was refused, or a dialog shown again, leaves it alive)."""
        parent = self._parent
        if parent is None:
            return True
        if not shiboken6.isValid(parent):
            return False
        closed = self._watch.closed if self._watch is not None else []
        return all(shiboken6.isValid(w) and w.isVisible() for w in closed)

    def _end(self) -> None:
        _running.discard(self)
        for widget in self._watched:
            if shiboken6.isValid(widget) and self._watch is not None:
                widget.removeEventFilter(self._watch)
                if isinstance(widget, QDialog):
                    widget.finished.disconnect(self._watch.dialog_finished)
        self._watched = []
        if self._bar is not None and shiboken6.isValid(self._bar):
            self._bar.hide()
        if self.progress_dialog is not None and shiboken6.isValid(self.progress_dialog):
            self.progress_dialog.canceled.disconnect()
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
        self.progress_dialog = None
        if self._relay is not None:
            self._relay.deleteLater()
        if self._end_fn is not None:
            self._end_fn()

    def _on_progress(self, done: int, total: int, text: str) -> None:
        if not self._alive():
            return
        if self._bar is not None and shiboken6.isValid(self._bar):
            self._bar.setRange(0, max(total, 1))
            self._bar.setValue(min(done, total))
        dialog = self.progress_dialog
        if dialog is not None and shiboken6.isValid(dialog):
            dialog.setMaximum(max(total, 1))
            dialog.setValue(min(done, total))
            if text:
                dialog.setLabelText(f"{self._label}\n{text}")
        if self._progress_fn is not None:
            self._progress_fn(done, total, text)

    def _on_done(self, result: Any) -> None:
        alive = self._alive()
        self._end()
        try:
            if alive and self._success is not None:
                self._success(result)
            elif not alive:
                log.debug("result dropped: %r was closed", self._parent)
        finally:
            self._after_success(result)

    def _after_success(self, result: Any) -> None:
        """What a write does after ``success`` (``CollectionOp``)."""

    def _on_error(self, exc: BaseException, trace: str) -> None:
        alive = self._alive()
        self._end()
        self.trace = trace
        if not isinstance(exc, Cancelled):
            log.error("background operation failed: %s\n%s", exc, trace)
        if not alive:
            return
        if self._failure is not None:
            self._failure(exc)
        elif not isinstance(exc, Cancelled):
            error_dialog.show_error(exc, trace)


class QueryOp(_Op[T]):
    """Reads (or work that changes nothing a page shows): ``success(result)`` on the main thread."""

    def __init__(
        self,
        *,
        parent: QObject | None,
        op: Callable[[Database, Task], T] | None,
        success: Callable[[T], Any] | None = None,
        ctx: Any = None,
    ):
        super().__init__(parent=parent, op=op, success=success, ctx=ctx)


class CollectionOp(_Op[T]):
    """Writes: after ``success(result)``, one ``ctx.changed.emit(changes)``.

    ``changes`` is a ``Changes``, or ``fn(result) -> Changes``; left out, ``op`` returns the
    ``Changes`` itself (or a result with a ``.changes``). Nothing is emitted when ``op`` failed or
    was cancelled (its transaction was rolled back)."""

    def __init__(
        self,
        *,
        parent: QObject | None,
        op: Callable[[Database, Task], T] | None,
        success: Callable[[T], Any] | None = None,
        changes: Changes | Callable[[T], Changes] | None = None,
        ctx: Any = None,
    ):
        super().__init__(parent=parent, op=op, success=success, ctx=ctx)
        self._changes = changes

    def changes_of(self, result: T) -> Changes:
        if isinstance(self._changes, Changes):
            return self._changes
        if self._changes is not None:
            return self._changes(result)
        if isinstance(result, Changes):
            return result
        changes = getattr(result, "changes", None)
        if not isinstance(changes, Changes):
            raise TypeError(f"a CollectionOp's op must say what it changed, not {result!r}")
        return changes

    def _after_success(self, result: Any) -> None:
        ctx = self._ctx
        if ctx is None or not shiboken6.isValid(ctx):
            return
        changes = self.changes_of(result)
        if changes:
            ctx.changed.emit(changes)
