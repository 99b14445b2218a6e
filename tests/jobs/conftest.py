"""Fixtures for the job tests."""

from __future__ import annotations

import pytest

from storymaker import jobs
from storymaker.clock import ManualClock


@pytest.fixture
def manual_clock(monkeypatch):
    """The queue's time moves only as the runner sleeps: real backoffs and windows, no real waiting."""
    clock = ManualClock()
    monkeypatch.setattr(jobs, "clock", clock)
    return clock
