"""The time the job queue and its retry budget read, as one small seam.

`jobs.clock` is a `SystemClock`; a test swaps in a `ManualClock`, whose `sleep`
moves time forward at once, so a job can ride out a three-minute retry window
with real backoffs in milliseconds. Every time the queue stores or compares
(not_before, leases, retry deadlines) comes from it, and the inline runner waits
through it; only a background runner's threads waiting for work use real time.
"""

from __future__ import annotations

import threading
import time


class SystemClock:
    def now(self) -> float:
        """Epoch seconds: what `not_before`, leases and retry deadlines are stored in."""
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds))


class ManualClock(SystemClock):
    """Time that moves only when told (or slept through): for tests and simulations."""

    def __init__(self, start: float | None = None):
        self._now = time.time() if start is None else start
        self._monotonic = 0.0
        self._lock = threading.Lock()
        self.slept = 0.0  # seconds slept in total: what a real clock would have waited

    def now(self) -> float:
        with self._lock:
            return self._now

    def monotonic(self) -> float:
        with self._lock:
            return self._monotonic

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds
            self._monotonic += seconds

    def sleep(self, seconds: float) -> None:
        seconds = max(0.0, seconds)
        self.slept += seconds
        self.advance(seconds)
