"""The one stall watchdog of the GUI benchmarks: a main-thread heartbeat.

A 10 ms ``QTimer`` measures its own lateness: a tick that comes 300 ms late means the UI thread
was busy (frozen for the user) for about 300 ms. Start it right after the ``QApplication``
exists and before the main window is built, and leave it running until the app quits, so no page
build, refresh or close escapes it. The benchmark names what it is doing (``dog.at("Coupons:
open")``); every stall is charged to the step during which the late tick arrived.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class Step:
    name: str
    started: float
    cpu_started: float
    ended: float | None = None
    cpu: float = 0.0
    worst: float = 0.0  # seconds late, the longest stall seen in this step
    stalls: list[float] = field(default_factory=list)  # every lateness over 50 ms

    @property
    def seconds(self) -> float:
        return (self.ended or time.perf_counter()) - self.started


class Watchdog:
    INTERVAL_MS = 10
    REPORT_OVER = 0.05

    def __init__(self):
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(self.INTERVAL_MS)
        self.timer.timeout.connect(self._beat)
        self.steps: list[Step] = []
        self._due: float | None = None
        self.beats = 0

    def start(self, first: str = "start") -> None:
        self.at(first)
        self._due = time.perf_counter() + self.INTERVAL_MS / 1000
        self.timer.start()

    def stop(self) -> None:
        self._beat()  # a stall just before stopping still counts
        self.timer.stop()
        self._close_step()

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
        now = time.perf_counter()
        self.beats += 1
        if self._due is not None and self.steps:
            late = now - self._due
            step = self.steps[-1]
            step.worst = max(step.worst, late)
            if late > self.REPORT_OVER:
                step.stalls.append(late)
        self._due = now + self.INTERVAL_MS / 1000

    def worst(self) -> Step:
        return max(self.steps, key=lambda s: s.worst)

    def report(self) -> str:
        lines = [f"{'step':44} {'took':>8} {'CPU':>7} {'worst stall':>12}  stalls > 50 ms"]
        for s in self.steps:
            lines.append(
                f"{s.name[:44]:44} {s.seconds * 1000:6.0f} ms {s.cpu * 1000:5.0f} ms "
                f"{s.worst * 1000:9.0f} ms  {len(s.stalls)}"
            )
        w = self.worst()
        lines.append(f"worst UI-thread stall: {w.worst * 1000:.0f} ms, during “{w.name}”")
        return "\n".join(lines)
