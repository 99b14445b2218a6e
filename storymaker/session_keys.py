"""API keys people enter in the app for their session only: held in process memory.

A key typed into Settings must reach the background jobs that make that person's
books, but it must never be written to the database, files or logs. So this module keeps
user id -> key in a dict in this process, forgets it on sign-out, when the person
removes it, or after an idle hour (a closed browser tab says nothing), and runs that
person's jobs with it (`models.keys`: the one Engine's models take the key per call).
A `worker` process started separately cannot see these keys: its jobs use the keys
from its own environment.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from . import jobs, runner
from .errors import Invalid
from .engine import Engine
from .data.jobs import Job
from .models import keys

IDLE_S = 3600.0
MIN_LEN, MAX_LEN = 8, 400


class BadKey(Invalid):
    """The text entered cannot be a key; the message says why (and never repeats it)."""


@dataclass
class _Entry:
    key: str
    seen: float


_entries: dict[int, _Entry] = {}
_lock = threading.Lock()


def check(key: str) -> str:
    key = (key or "").strip()
    if not MIN_LEN <= len(key) <= MAX_LEN or any(ch.isspace() for ch in key):
        raise BadKey("That does not look like an API key (no spaces, 8 to 400 characters).")
    return key


def register(user_id: int, key: str) -> None:
    """Use `key` for this user's generation until forgotten or idle for IDLE_S."""
    key = check(key)
    with _lock:
        entry = _entries.get(int(user_id))
        if entry is None or entry.key != key:
            _entries[int(user_id)] = _Entry(key, time.monotonic())
        else:
            entry.seen = time.monotonic()


def forget(user_id: int) -> None:
    with _lock:
        _entries.pop(int(user_id), None)


def has_key(user_id: int) -> bool:
    with _lock:
        _expire()
        return int(user_id) in _entries


def _expire() -> None:
    cutoff = time.monotonic() - IDLE_S
    for user_id in [u for u, e in _entries.items() if e.seen < cutoff]:
        del _entries[user_id]


def key_for(user_id: int) -> str | None:
    """This user's session key, or None (then the process's own key is used)."""
    with _lock:
        _expire()
        entry = _entries.get(int(user_id))
        return entry.key if entry else None


def run_job(engine: Engine, job: Job) -> None:
    """The runner's work function: run the job with its book owner's session key, if any."""
    owner = jobs.acting_user(engine.db(), job)
    with keys.using(key_for(owner) if owner is not None else None):
        runner.run_job(engine, job)
