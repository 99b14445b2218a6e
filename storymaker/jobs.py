"""Jobs as rows in SQLite. This module is the only place a job's status changes.

A job is claimed with one atomic UPDATE ... RETURNING, so two runners (threads
or processes) never get the same job. A running job holds a lease that its
runner's heartbeat keeps extending; `sweep()` turns jobs whose lease ran out
(their runner died) back into queued jobs, or into failures after the last
attempt. Results are published inside `publishing()`, which re-checks, under the
write lock, that this runner still owns the job: a job that was canceled,
superseded or swept meanwhile writes nothing.

What a job's state means for a page or a book is not this module's business: each
kind's handler (`handlers`) mirrors it, called here inside the same transactions;
the book's status follows from its jobs by the one rule in `status`.
"""

from __future__ import annotations

import random
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from time import gmtime, strftime
from typing import Iterator, Sequence



from .data import Database
from . import books, handlers
from .clock import SystemClock
from .config import Settings
from .db import now_iso, write_transaction
from .handlers import Kind
from .status import ACTIVE, BookStatus, JobStatus, book_status

LEASE_S = 30.0
# Claims a job may lose to a runner that died before the sweep gives up on it. Transient
# model failures have a budget of their own (`RetryBudget`), so they never use these up.
MAX_ATTEMPTS = 3
BACKOFF_BASE_S, BACKOFF_MAX_S = 2.0, 60.0

# Every time the queue stores or compares (not_before, leases, retry deadlines) is read here;
# tests put a `clock.ManualClock` in its place to move through backoffs instead of sleeping.
clock = SystemClock()


class JobLost(Exception):
    """This runner no longer owns the job (canceled, superseded or swept): stop, write nothing."""


@dataclass(frozen=True)
class Job:
    id: int
    book_id: int
    kind: str
    scene: int | None
    attempts: int
    max_attempts: int
    worker: str
    http_tries: int = 0  # failed HTTP requests already spent from the retry budget


# Runners in this process wait on this; every change that may free or create work
# bumps the generation, so a runner never sleeps through a wake-up it just missed.
work_arrived = threading.Condition()
_generation = 0


def generation() -> int:
    return _generation


def wake() -> None:
    global _generation
    with work_arrived:
        _generation += 1
        work_arrived.notify_all()


def _insert(db: Database, book_id: int, kind: str, scene: int | None, max_attempts: int) -> int:
    return int(db.execute(
        "INSERT INTO jobs (book_id, kind, scene, status, max_attempts, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        [book_id, str(kind), scene, JobStatus.QUEUED, max_attempts, now_iso()],
    ).lastrowid)  # type: ignore[arg-type]


def _queue(db: Database, book_id: int, kind: str, scene: int | None, max_attempts: int = MAX_ATTEMPTS) -> int:
    """Queue one job inside the caller's transaction; a newer request supersedes older active ones."""
    _cancel_where(db, "book_id = ? AND kind = ? AND scene IS ?", [book_id, str(kind), scene], "superseded by a newer request")
    job_id = _insert(db, book_id, kind, scene, max_attempts)
    handlers.of(kind).queued(db, book_id, scene)
    return job_id


def enqueue(
    db: Database, book_id: int, kind: str, scene: int | None = None, *, max_attempts: int = MAX_ATTEMPTS
) -> int:
    """Queue a job. A newer page or story job supersedes older active ones for the same target."""
    with write_transaction(db):
        job_id = _queue(db, book_id, kind, scene, max_attempts)
        _refresh_book(db, book_id)
    wake()
    return job_id


def enqueue_all(db: Database, book_id: int, targets: Sequence[tuple[str, int | None]]) -> list[int]:
    """Queue several jobs of one book as one step: (kind, scene) each."""
    with write_transaction(db):
        ids = [_queue(db, book_id, kind, scene) for kind, scene in targets]
        _refresh_book(db, book_id)
    wake()
    return ids


def enqueue_pages(db: Database, book_id: int, scenes: Sequence[int]) -> list[int]:
    with write_transaction(db):
        ids = [_queue(db, book_id, Kind.PAGE, scene) for scene in scenes]
        _refresh_book(db, book_id)
    wake()
    return ids


def claim(
    db: Database, worker: str, kinds: Sequence[str] | None = None, lease_s: float = LEASE_S
) -> Job | None:
    """Atomically take the oldest runnable job of one of `kinds` (default: every kind with a handler), or None."""
    with write_transaction(db):  # the claim and the page's "drawing" mark land together
        return _claim(db, worker, tuple(handlers.HANDLERS) if kinds is None else kinds, lease_s)


def _claim(db: Database, worker: str, kinds: Sequence[str], lease_s: float) -> Job | None:
    now = clock.now()
    marks = ",".join("?" * len(kinds))
    rows = db.execute(
        "UPDATE jobs SET status = ?, worker = ?, attempts = attempts + 1, lease_until = ?, started_at = ?, error = NULL, "
        "waiting = NULL "
        f"WHERE id = (SELECT id FROM jobs WHERE status = ? AND not_before <= ? AND kind IN ({marks}) ORDER BY id LIMIT 1) "
        "AND status = ? RETURNING id, book_id, kind, scene, attempts, max_attempts, http_tries",
        [JobStatus.RUNNING, worker, now + lease_s, now_iso(), JobStatus.QUEUED, now, *map(str, kinds), JobStatus.QUEUED],
    ).fetchall()  # fetch all, so the statement is finished before COMMIT
    if not rows:
        return None
    job_id, book_id, kind, scene, attempts, max_attempts, http_tries = rows[0]
    job = Job(job_id, book_id, kind, scene, attempts, max_attempts, worker, http_tries)
    handlers.of(job.kind).claimed(db, job.book_id, job.scene)
    return job


def heartbeat(db: Database, worker: str, job_ids: Sequence[int], lease_s: float = LEASE_S) -> None:
    if job_ids:
        marks = ",".join("?" * len(job_ids))
        db.execute(
            f"UPDATE jobs SET lease_until = ? WHERE worker = ? AND status = ? AND id IN ({marks})",
            [clock.now() + lease_s, worker, JobStatus.RUNNING, *job_ids],
        )


def check(db: Database, job: Job) -> None:
    """Raise JobLost if this runner no longer owns the job; called between steps."""
    row = db.execute("SELECT status, worker, attempts FROM jobs WHERE id = ?", [job.id]).fetchone()
    # The attempt number tells this claim from a later one by the same runner (after a sweep).
    if row is None or row[0] != JobStatus.RUNNING or row[1] != job.worker or row[2] != job.attempts:
        raise JobLost(job.id)


@contextmanager
def publishing(
    db: Database, job: Job, follow_ups: Sequence[tuple[str, int | None]] = ()
) -> Iterator[None]:
    """Write the job's result, mark it succeeded and queue its follow-ups as one step.

    Runs under the write lock and only if the job is still ours, so a canceled,
    superseded or swept job never writes: for any page, the last request wins.
    """
    with write_transaction(db):
        check(db, job)
        yield
        _finish(db, job, JobStatus.SUCCEEDED, None)
        handlers.of(job.kind).succeeded(db, job.book_id, job.scene)
        for kind, scene in follow_ups:
            _queue(db, job.book_id, kind, scene)
        _refresh_book(db, job.book_id)
    wake()


def _finish(db: Database, job: Job, status: JobStatus, error: str | None) -> bool:
    cursor = db.execute(
        "UPDATE jobs SET status = ?, error = ?, finished_at = ?, lease_until = NULL "
        "WHERE id = ? AND worker = ? AND status = ? AND attempts = ?",
        [status, error, now_iso(), job.id, job.worker, JobStatus.RUNNING, job.attempts],
    )
    return cursor.rowcount == 1


def fail(db: Database, job: Job, message: str) -> None:
    """A failure that retrying cannot fix: the message is for the user."""
    with write_transaction(db):
        if _finish(db, job, JobStatus.FAILED, message):
            handlers.of(job.kind).failed(db, job.book_id, job.scene, message)
            _refresh_book(db, job.book_id)
    wake()


@dataclass(frozen=True)
class RetryBudget:
    """How long and how often a job rides out transient failures (see `retry_later`)."""

    window_s: float = 180.0  # from the job's first transient failure
    max_http_attempts: int = 8  # failed HTTP requests, the SDK's own retries included
    retry_after_cap_s: float = 120.0  # a longer Retry-After fails the job at once
    backoff_base_s: float = BACKOFF_BASE_S
    backoff_max_s: float = BACKOFF_MAX_S

    @classmethod
    def from_settings(cls, settings: Settings) -> "RetryBudget":
        return cls(settings.retry_window_s, settings.max_http_attempts, settings.retry_after_cap_s,
                   settings.retry_backoff_s)

    def backoff(self, retries: int) -> float:
        """The wait before retry number `retries + 1`: doubling, with jitter so pages spread out."""
        ceiling = min(self.backoff_max_s, self.backoff_base_s * 2 ** min(retries, 30))
        return random.uniform(ceiling / 2, ceiling)


def service_of(kind: str) -> str:
    return handlers.of(kind).service


def retry_later(
    db: Database, job: Job, message: str, *, retry_after: float | None = None, tries: int = 1,
    rate_limited: bool = False, budget: RetryBudget = RetryBudget(), now: float | None = None,
) -> bool:
    """Requeue a transient failure with backoff, or fail it once its retry budget is spent.

    `tries` is how many HTTP requests the failed call made (the SDK's own retries
    included): they are spent from the same budget instead of multiplying it. The
    budget closes `window_s` after the first failure or after `max_http_attempts`
    failed requests. A Retry-After longer than the cap fails the job at once with
    the time to try again. A rate limit also holds back the owner's other queued
    jobs for the same service, so parallel pages do not storm a limited service.
    Returns True when the job was requeued.
    """
    now = clock.now() if now is None else now
    service = service_of(job.kind)
    with write_transaction(db):
        row = db.execute(
            "SELECT retries, http_tries, retry_deadline FROM jobs WHERE id = ? AND worker = ? AND status = ? AND attempts = ?",
            [job.id, job.worker, JobStatus.RUNNING, job.attempts],
        ).fetchone()
        if row is None:
            return False
        retries, spent, deadline = row[0], row[1] + max(1, tries), row[2]
        if deadline is None:  # the first transient failure opens the window
            deadline = now + budget.window_s
        started = deadline - budget.window_s
        final = None
        if retry_after is not None and retry_after > budget.retry_after_cap_s:
            final = (f"{message} It asked to wait {duration(retry_after)} (Storymaker waits at most "
                     f"{duration(budget.retry_after_cap_s)} by itself): try again after "
                     f"{strftime('%H:%M UTC', gmtime(now + retry_after))}.")
        elif spent >= budget.max_http_attempts or now >= deadline:
            final = (f"{message} Storymaker tried {_times(spent)} over {duration(now - started)}; "
                     "try again in a few minutes.")
        if final is not None:
            db.execute("UPDATE jobs SET http_tries = ?, retry_deadline = ? WHERE id = ?", [spent, deadline, job.id])
            _finish(db, job, JobStatus.FAILED, final)
            handlers.of(job.kind).failed(db, job.book_id, job.scene, final)
            _refresh_book(db, job.book_id)
            requeued = False
        else:
            if retry_after is not None:
                # Jitter on top of what the service asked, never less than it.
                delay = retry_after + random.uniform(0, min(1.0, retry_after * 0.1) + 0.05)
                reason = f"the {service} service asked us to wait {duration(retry_after)}"
            else:
                delay = min(budget.backoff(retries), max(0.0, deadline - now))
                reason = _lower_first(message.strip().rstrip("."))
            until = now + delay
            db.execute(
                "UPDATE jobs SET status = ?, error = ?, not_before = ?, worker = NULL, lease_until = NULL, "
                "retries = retries + 1, http_tries = ?, retry_deadline = ?, waiting = ? WHERE id = ?",
                [JobStatus.QUEUED, message, until, spent, deadline, reason, job.id],
            )
            handlers.of(job.kind).requeued(db, job.book_id, job.scene, f"Waiting to try again: {reason}.")
            if rate_limited:
                _hold_back(db, job, until, reason)
            requeued = True
    wake()
    return requeued


def _hold_back(db: Database, job: Job, until: float, reason: str) -> None:
    """Queued jobs of the same owner and service wait as long as the rate-limited one (one shared back-off)."""
    kinds = handlers.kinds_of_service(service_of(job.kind))
    marks = ",".join("?" * len(kinds))
    db.execute(
        "UPDATE jobs SET not_before = ? + (id % 7) * 0.05, waiting = ? "
        f"WHERE status = ? AND not_before < ? AND id != ? AND kind IN ({marks}) "
        "AND book_id IN (SELECT id FROM books WHERE user_id = (SELECT user_id FROM books WHERE id = ?))",
        [until, reason, JobStatus.QUEUED, until, job.id, *map(str, kinds), job.book_id],
    )


def requeue_soon(db: Database, job: Job, reason: str, delay: float = 5.0) -> bool:
    """Put a job that hit a local hiccup (the database busy) back in the queue without spending its budgets."""
    with write_transaction(db):
        cursor = db.execute(
            "UPDATE jobs SET status = ?, not_before = ?, worker = NULL, lease_until = NULL, retries = retries + 1, "
            "waiting = ? WHERE id = ? AND worker = ? AND status = ? AND attempts = ?",
            [JobStatus.QUEUED, clock.now() + delay, reason, job.id, job.worker, JobStatus.RUNNING, job.attempts],
        )
        if cursor.rowcount != 1:
            return False
        handlers.of(job.kind).requeued(db, job.book_id, job.scene)
    wake()
    return True


def exists(db: Database, job: Job) -> bool:
    """Is the job's row still there? (Deleting a book deletes its jobs.)"""
    return db.execute("SELECT 1 FROM jobs WHERE id = ?", [job.id]).fetchone() is not None


@dataclass(frozen=True)
class Wait:
    """A queued job waiting out a transient failure: what it is, why it waits, until when."""

    kind: str
    scene: int | None
    reason: str
    until: float

    @property
    def target(self) -> str:
        return handlers.target(self.kind, self.scene)

    def describe(self, now: float | None = None, *, countdown: bool = True) -> str:
        if not countdown:
            return f"{self.target}: {self.reason}"
        left = max(0.0, self.until - (clock.now() if now is None else now))
        return f"{self.target}: {self.reason}; trying again in {duration(left)}"


def waits(db: Database, book_id: int, now: float | None = None) -> list[Wait]:
    """The book's jobs that are waiting before they try again, story first, then the cover, then pages."""
    now = clock.now() if now is None else now
    rows = db.execute(
        "SELECT kind, scene, waiting, not_before FROM jobs WHERE book_id = ? AND status = ? AND waiting IS NOT NULL "
        "AND not_before > ?",
        [book_id, JobStatus.QUEUED, now],
    ).fetchall()
    order: dict[str, int] = {Kind.STORY: 0, Kind.COVER: 1, Kind.PAGE: 2}
    found = [Wait(kind, scene, reason, until) for kind, scene, reason, until in rows]
    return sorted(found, key=lambda w: (order.get(w.kind, 3), w.scene or 0))


def waiting_text(found: Sequence[Wait], now: float | None = None, *, countdown: bool = True) -> str | None:
    """One line for every screen: the first wait, and how many more there are."""
    if not found:
        return None
    more = f" ({len(found) - 1} more waiting)" if len(found) > 1 else ""
    return found[0].describe(now, countdown=countdown) + more


def duration(seconds: float) -> str:
    """Seconds as people say them: "45 s", "3 min", "2 h"."""
    seconds = max(0.0, seconds)
    if seconds < 90:
        return f"{max(1, round(seconds))} s" if seconds >= 0.5 else "a moment"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f}".rstrip("0").rstrip(".") + " h"


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def cancel_book(db: Database, book_id: int) -> int:
    """Cancel a book's queued and running jobs; running ones stop at their next step."""
    with write_transaction(db):
        count = _cancel_where(db, "book_id = ?", [book_id], "canceled")
        for handler in handlers.HANDLERS.values():
            handler.book_canceled(db, book_id)
        _refresh_book(db, book_id)
    return count


def _cancel_where(db: Database, where: str, params: list, reason: str) -> int:
    cursor = db.execute(
        f"UPDATE jobs SET status = ?, error = ?, finished_at = ?, lease_until = NULL WHERE status IN (?, ?) AND {where}",
        [JobStatus.CANCELED, reason, now_iso(), *ACTIVE, *params],
    )
    return cursor.rowcount


def sweep(db: Database, now: float | None = None) -> tuple[int, int]:
    """Recover jobs whose runner stopped: requeue them, or fail them after the last attempt.

    Returns (requeued, failed). Pictures already stored are kept; their jobs are done.
    """
    now = clock.now() if now is None else now
    with write_transaction(db):
        lost = db.execute(
            # Claims made for transient retries are not crashes: they have their own budget.
            "SELECT id, book_id, kind, scene, attempts - retries, max_attempts FROM jobs WHERE status = ? AND lease_until < ?",
            [JobStatus.RUNNING, now],
        ).fetchall()
        requeued = failed = 0
        for job_id, book_id, kind, scene, attempts, max_attempts in lost:
            if attempts >= max_attempts:
                message = f"The worker stopped while working on this {kind} {attempts} times; giving up."
                db.execute(
                    "UPDATE jobs SET status = ?, error = ?, finished_at = ?, lease_until = NULL, worker = NULL WHERE id = ?",
                    [JobStatus.FAILED, message, now_iso(), job_id],
                )
                handlers.of(kind).failed(db, book_id, scene, message)
                failed += 1
            else:
                db.execute(
                    "UPDATE jobs SET status = ?, worker = NULL, lease_until = NULL, not_before = 0, waiting = NULL WHERE id = ?",
                    [JobStatus.QUEUED, job_id],
                )
                handlers.of(kind).requeued(db, book_id, scene)
                requeued += 1
            _refresh_book(db, book_id)
    if requeued:
        wake()
    return requeued, failed


def latest(db: Database, book_id: int) -> list[tuple[str, int | None, str]]:
    """(kind, scene, status) of the newest job per target: older, superseded jobs do not count."""
    return db.execute(
        "SELECT kind, scene, status FROM jobs WHERE id IN (SELECT MAX(id) FROM jobs WHERE book_id = ? GROUP BY kind, scene)",
        [book_id],
    ).fetchall()


def _refresh_book(db: Database, book_id: int) -> None:
    """Derive the book's status from its jobs: the single rule My Books shows."""
    status = book_status(s for _, _, s in latest(db, book_id))
    books.set_status(db, book_id, status, _first_error(db, book_id) if status == BookStatus.NEEDS_ATTENTION else None)


def _first_error(db: Database, book_id: int) -> str | None:
    row = db.execute(
        "SELECT kind, scene, error FROM jobs WHERE book_id = ? AND status = ? ORDER BY id DESC LIMIT 1",
        [book_id, JobStatus.FAILED],
    ).fetchone()
    if row is None:
        return None
    kind, scene, error = row
    return f"{handlers.target(kind, scene)}: {error}"


def active_count(db: Database, book_id: int | None = None) -> int:
    if book_id is None:
        row = db.execute("SELECT COUNT(*) FROM jobs WHERE status IN (?, ?)", list(ACTIVE)).fetchone()
    else:
        row = db.execute("SELECT COUNT(*) FROM jobs WHERE book_id = ? AND status IN (?, ?)", [book_id, *ACTIVE]).fetchone()
    return int(row[0])


def next_due(db: Database) -> float | None:
    """When the earliest queued job may run (epoch seconds), or None when none is queued."""
    row = db.execute("SELECT MIN(not_before) FROM jobs WHERE status = ?", [JobStatus.QUEUED]).fetchone()
    return row[0] if row and row[0] is not None else None
