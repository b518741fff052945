"""The one stall watchdog of the GUI benchmarks: a main-thread heartbeat.

A 10 ms ``QTimer`` measures its own lateness: a tick that comes 300 ms late means the UI thread
was busy (frozen for the user) for about 300 ms. Start it right after the ``QApplication``
exists and before the main window is built, and leave it running until the app quits, so no page
build, refresh or close escapes it. The benchmark names what it is doing (``dog.at("Coupons:
open")``); every stall is charged to the step during which the late tick arrived.

``Watchdog(sample=True)`` also says *where* the UI thread was stuck: a helper thread looks every
5 ms whether the heartbeat is overdue (over 40 ms) and, if so, records the UI thread's Python
stack; ``report()`` then shows the stacks seen most often in the worst step's stalls.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Step:
    name: str
    started: float
    cpu_started: float
    ended: float | None = None
    cpu: float = 0.0
    worst: float = 0.0  # seconds late, the longest stall seen in this step
    # the UI thread's own CPU time during that stall: near the stall, the UI thread was working;
    # near zero, it was waiting (for the GIL held by a worker, or for a core on a busy machine)
    worst_ui_cpu: float = 0.0
    stalls: list[float] = field(default_factory=list)  # every lateness over 50 ms
    # the UI thread's stack (innermost frame first) -> samples seen while it was stuck
    stuck_at: Counter = field(default_factory=Counter)

    @property
    def seconds(self) -> float:
        return (self.ended or time.perf_counter()) - self.started


class Watchdog:
    INTERVAL_MS = 10
    REPORT_OVER = 0.05

    SAMPLE_EVERY = 0.005
    SAMPLE_AFTER = 0.04
    STACK_DEPTH = 8  # innermost frames kept per sample

    def __init__(self, sample: bool = False):
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(self.INTERVAL_MS)
        self.timer.timeout.connect(self._beat)
        self.steps: list[Step] = []
        self._due: float | None = None
        self.beats = 0
        self._sample = sample
        self._ui_thread = threading.get_ident()
        self._last_beat = time.perf_counter()
        self._last_cpu = time.thread_time()
        self._running = False
        # the first tick's lateness: what ran before the event loop first turned (building the
        # window), reported on its own (``first_late``) rather than charged to the next step
        self.first_late = 0.0

    def start(self, first: str = "start") -> None:
        self.at(first)
        self._due = time.perf_counter() + self.INTERVAL_MS / 1000
        self._last_beat = time.perf_counter()
        self.timer.start()
        if self._sample:
            self._running = True
            threading.Thread(target=self._sampler, daemon=True).start()

    def stop(self) -> None:
        self._beat()  # a stall just before stopping still counts
        self.timer.stop()
        self._running = False
        self._close_step()

    def _sampler(self) -> None:
        """Helper thread: while the heartbeat is overdue, note where the UI thread is."""
        while self._running:
            time.sleep(self.SAMPLE_EVERY)
            if time.perf_counter() - self._last_beat < self.SAMPLE_AFTER or not self.steps:
                continue
            frame = sys._current_frames().get(self._ui_thread)
            stack = []
            while frame is not None and len(stack) < self.STACK_DEPTH:
                code = frame.f_code
                name = code.co_filename
                if "/watchdog.py" not in name:
                    short = name.split("site-packages/")[-1].split("/shopcrm/")[-1]
                    stack.append(f"{short}:{frame.f_lineno} {code.co_name}")
                frame = frame.f_back
            self.steps[-1].stuck_at[tuple(stack)] += 1

    def at(self, name: str) -> None:
        """What the benchmark does from now on (where the next stalls are charged)."""
        self._close_step()
        self.steps.append(Step(name, time.perf_counter(), time.process_time()))

    def _close_step(self) -> None:
        if self.steps and self.steps[-1].ended is None:
            step = self.steps[-1]
            step.ended = time.perf_counter()
            step.cpu = time.process_time() - step.cpu_started

    def _beat(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self._last_beat = now
        ui_cpu, self._last_cpu = cpu - self._last_cpu, cpu
        self.beats += 1
        if self.beats == 1 and self._due is not None:
            self.first_late = max(0.0, now - self._due)
        elif self._due is not None and self.steps:
            late = now - self._due
            step = self.steps[-1]
            if late > step.worst:
                step.worst, step.worst_ui_cpu = late, ui_cpu
            if late > self.REPORT_OVER:
                step.stalls.append(late)
        self._due = now + self.INTERVAL_MS / 1000

    def worst(self) -> Step:
        return max(self.steps, key=lambda s: s.worst)

    def report(self) -> str:
        lines = [
            f"{'step':44} {'took':>8} {'CPU':>7} {'worst stall':>12} {'its UI CPU':>11}"
            "  stalls > 50 ms"
        ]
        for s in self.steps:
            lines.append(
                f"{s.name[:44]:44} {s.seconds * 1000:6.0f} ms {s.cpu * 1000:5.0f} ms "
                f"{s.worst * 1000:9.0f} ms {s.worst_ui_cpu * 1000:8.0f} ms  {len(s.stalls)}"
            )
        w = self.worst()
        lines.append(
            f"before the first event (building what was shown): {self.first_late * 1000:.0f} ms"
        )
        lines.append(
            f"worst UI-thread stall: {w.worst * 1000:.0f} ms, during “{w.name}” (the UI thread's "
            f"own CPU in it: {w.worst_ui_cpu * 1000:.0f} ms, the rest was waiting)"
        )
        if w.stuck_at:
            total = sum(w.stuck_at.values())
            lines.append(f"  where the UI thread was stuck ({total} samples of 5 ms):")
            for stack, n in w.stuck_at.most_common(3):
                lines.append(f"    {n} samples:")
                lines.extend(f"      {frame}" for frame in stack)
        lines.append("where each step over 100 ms stalled most often (innermost frames):")
        for s in self.steps:
            if s.worst > 0.1 and s.stuck_at:
                stack, n = s.stuck_at.most_common(1)[0]
                lines.append(f"  {s.name[:44]}: {n} samples, " + " < ".join(stack[:3]))
        return "\n".join(lines)
