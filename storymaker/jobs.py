"""The job queue's rules. This module is the only place a job's status changes.

A job is claimed with one atomic UPDATE ... RETURNING, so two runners (threads,
processes or machines) never get the same job. A running job holds a lease that its
runner's heartbeat keeps extending; `sweep()` turns jobs whose lease ran out (their
runner died) back into queued jobs, or into failures after the last attempt. Results
are published inside `publishing()`, which re-checks, with the job's row locked, that
this runner still owns the job: a job that was canceled, superseded or swept meanwhile
writes nothing. The rows themselves are `data.jobs`'s.

What a job's state means for a page or a book is not this module's business: each
kind's handler (`handlers`) mirrors it, called here inside the same transactions;
the book's status follows from its jobs by the one rule in `status`.
"""

from __future__ import annotations

import random
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from time import gmtime, strftime
from typing import Iterator, Sequence

from . import books, handlers
from .clock import SystemClock
from .config import Settings
from .data import Database, now_iso
from .data import jobs as rows
from .data.jobs import Job
from .data.notify import Listener
from .handlers import Kind
from .status import ACTIVE as ACTIVE  # screens read it as jobs.ACTIVE
from .status import BookStatus, JobStatus, book_status

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


# Runners in this process wait on this; every change that may free or create work
# bumps the generation, so a runner never sleeps through a wake-up it just missed.
# Runners in other processes hear of new work through the database (`listen`).
work_arrived = threading.Condition()
_generation = 0


def generation() -> int:
    return _generation


def wake() -> None:
    global _generation
    with work_arrived:
        _generation += 1
        work_arrived.notify_all()


def wait(db: Database, job_ids: Sequence[int], within: float, poll_s: float = 0.05) -> dict[int, str] | None:
    """Wait up to `within` seconds for these jobs to end: their statuses by id once they all have
    (a deleted book's jobs are left out), None when some still run. A runner of this process wakes
    the wait the moment it ends a job (every status change bumps the generation); a job another
    process runs is looked for every `poll_s`."""
    deadline = time.monotonic() + within
    while True:
        seen = _generation
        found = rows.statuses(db, job_ids)
        if all(status not in ACTIVE for status in found.values()):
            return found
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        with work_arrived:
            if _generation == seen:
                work_arrived.wait(min(left, poll_s))


def listen(db: Database) -> Listener:
    """Wake this process's runners whenever any process queues work (PostgreSQL; a no-op on SQLite)."""
    return Listener(db, wake).start()


def _queue(db: Database, book_id: int, kind: str, scene: int | None, max_attempts: int = MAX_ATTEMPTS) -> int:
    """Queue one job inside the caller's transaction, which holds the book's row (`rows.lock_book`);
    a newer request supersedes older active ones."""
    rows.cancel_active(db, book_id, "superseded by a newer request", now_iso(), kind=kind, scene=scene)
    job_id = rows.insert(db, book_id, kind, scene, max_attempts, now_iso())
    handlers.of(kind).queued(db, book_id, scene)
    return job_id


def enqueue(
    db: Database, book_id: int, kind: str, scene: int | None = None, *, max_attempts: int = MAX_ATTEMPTS
) -> int:
    """Queue a job. A newer page or story job supersedes older active ones for the same target."""
    with db.write():
        rows.lock_book(db, book_id)
        job_id = _queue(db, book_id, kind, scene, max_attempts)
        _refresh_book(db, book_id)
    wake()
    return job_id


def enqueue_all(db: Database, book_id: int, targets: Sequence[tuple[str, int | None]]) -> list[int]:
    """Queue several jobs of one book as one step: (kind, scene) each."""
    with db.write():
        rows.lock_book(db, book_id)
        ids = [_queue(db, book_id, kind, scene) for kind, scene in targets]
        _refresh_book(db, book_id)
    wake()
    return ids


def enqueue_pages(db: Database, book_id: int, scenes: Sequence[int]) -> list[int]:
    return enqueue_all(db, book_id, [(Kind.PAGE, scene) for scene in scenes])


def settle_all(db: Database, book_id: int, targets: Sequence[tuple[str, int | None]]) -> list[int]:
    """Requests met at once, with nothing to run (a restyle making a take already drawn current): each
    supersedes its target's active jobs, as a queued request would, and is recorded as succeeded, so
    the last request still wins and the book's status counts it. Their ids, in order."""
    with db.write():
        rows.lock_book(db, book_id)
        ids = []
        for kind, scene in targets:
            rows.cancel_active(db, book_id, "superseded by a newer request", now_iso(), kind=kind, scene=scene)
            ids.append(rows.insert_done(db, book_id, kind, scene, now_iso()))
            handlers.of(kind).succeeded(db, book_id, scene)
        _refresh_book(db, book_id)
    return ids


def claim(
    db: Database, worker: str, kinds: Sequence[str] | None = None, lease_s: float = LEASE_S
) -> Job | None:
    """Atomically take the oldest runnable job of one of `kinds` (default: every kind with a handler), or None."""
    kinds = tuple(handlers.HANDLERS) if kinds is None else kinds
    now = clock.now()
    with db.write():  # the claim and the page's "drawing" mark land together
        job = rows.claim(db, worker, kinds, now, now + lease_s, now_iso())
        if job is not None:
            handlers.of(job.kind).claimed(db, job.book_id, job.scene)
    return job


def heartbeat(db: Database, worker: str, job_ids: Sequence[int], lease_s: float = LEASE_S) -> None:
    rows.extend_leases(db, worker, job_ids, clock.now() + lease_s)


def _as_now(db: Database, job: Job) -> Job:
    """The job naming the page it is for now, inside a unit holding its book: a page moved since the
    claim took its jobs' numbers with it (`pages`), so the hooks mark the moved page's row."""
    return job if job.scene is None else replace(job, scene=rows.scene_of(db, job.id))


def check(db: Database, job: Job) -> None:
    """Raise JobLost if this runner no longer owns the job; called between steps."""
    # The attempt number tells this claim from a later one by the same runner (after a sweep).
    if not rows.owned(db, job):
        raise JobLost(job.id)


@contextmanager
def publishing(
    db: Database, job: Job, follow_ups: Sequence[tuple[str, int | None]] = ()
) -> Iterator[None]:
    """Write the job's result, mark it succeeded and queue its follow-ups as one step.

    Runs only while the job is still ours, with its row locked (and, on SQLite, the
    write lock held), so a canceled, superseded or swept job never writes: for any page,
    the last request wins.
    """
    with db.write():
        rows.lock_book(db, job.book_id)
        if not rows.owned(db, job, lock=True):
            raise JobLost(job.id)
        yield
        rows.finish(db, job, JobStatus.SUCCEEDED, None, now_iso())
        job = _as_now(db, job)
        handlers.of(job.kind).succeeded(db, job.book_id, job.scene)
        for kind, scene in follow_ups:
            _queue(db, job.book_id, kind, scene)
        _refresh_book(db, job.book_id)
    wake()


def fail(db: Database, job: Job, message: str) -> None:
    """A failure that retrying cannot fix: the message is for the user."""
    with db.write():
        rows.lock_book(db, job.book_id)
        if rows.finish(db, job, JobStatus.FAILED, message, now_iso()):
            job = _as_now(db, job)
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
    with db.write():
        rows.lock_book(db, job.book_id)
        spent_so_far = rows.budget(db, job)
        if spent_so_far is None:
            return False
        job = _as_now(db, job)
        retries, spent, deadline = spent_so_far.retries, spent_so_far.http_tries + max(1, tries), \
            spent_so_far.retry_deadline
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
            rows.spend(db, job.id, spent, deadline)
            rows.finish(db, job, JobStatus.FAILED, final, now_iso())
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
            rows.retry_later(db, job.id, message, until, spent, deadline, reason)
            handlers.of(job.kind).requeued(db, job.book_id, job.scene, f"Waiting to try again: {reason}.")
            if rate_limited:
                # Queued jobs of the same owner and service wait as long (one shared back-off).
                rows.hold_back(db, job, handlers.kinds_of_service(service), until, reason)
            requeued = True
    wake()
    return requeued


def requeue_soon(db: Database, job: Job, reason: str, delay: float = 5.0) -> bool:
    """Put a job that hit a local hiccup (the database busy) back in the queue without spending its budgets."""
    with db.write():
        rows.lock_book(db, job.book_id)
        if not rows.requeue(db, job, clock.now() + delay, reason):
            return False
        job = _as_now(db, job)
        handlers.of(job.kind).requeued(db, job.book_id, job.scene)
    wake()
    return True


def exists(db: Database, job: Job) -> bool:
    """Is the job's row still there? (Deleting a book deletes its jobs.)"""
    return rows.exists(db, job.id)


def acting_user(db: Database, job: Job) -> int | None:
    """Whom the job acts for: its book's owner (None once the book is deleted)."""
    return rows.acting_user(db, job.id)


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
    order: dict[str, int] = {Kind.STORY: 0, Kind.COVER: 1, Kind.PAGE: 2}
    found = [Wait(w.kind, w.scene, w.waiting, w.not_before) for w in rows.waiting(db, book_id, now)]
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
    with db.write():
        rows.lock_book(db, book_id)
        count = rows.cancel_active(db, book_id, "canceled", now_iso())
        for handler in handlers.HANDLERS.values():
            handler.book_canceled(db, book_id)
        _refresh_book(db, book_id)
    return count


def cancel_page(db: Database, book_id: int, scene: int, reason: str) -> int:
    """Cancel the queued and running jobs of one page (its picture, its narration) inside the caller's
    unit holding the book, which refreshes the book once its pages are settled (`refresh_book`)."""
    return sum(rows.cancel_active(db, book_id, reason, now_iso(), kind=kind, scene=scene)
               for kind in (Kind.PAGE, Kind.NARRATION))


def refresh_book(db: Database, book_id: int) -> None:
    """The book's status from its jobs again, inside the caller's unit holding the book (after its pages changed)."""
    _refresh_book(db, book_id)


def sweep(db: Database, now: float | None = None) -> tuple[int, int]:
    """Recover jobs whose runner stopped: requeue them, or fail them after the last attempt.

    Returns (requeued, failed). Pictures already stored are kept; their jobs are done.
    """
    now = clock.now() if now is None else now
    requeued = failed = 0
    with db.write():
        for candidate in rows.lost(db, now):
            rows.lock_book(db, candidate.book_id)
            # Still lost once locked? Its runner may have published meanwhile, or another sweep holds it.
            job = rows.take_lost(db, candidate.id, now)
            if job is None:
                continue
            # Claims made for transient retries are not crashes: they have their own budget.
            if job.crashes >= job.max_attempts:
                message = f"The worker stopped while working on this {job.kind} {job.crashes} times; giving up."
                rows.fail_lost(db, job.id, message, now_iso())
                handlers.of(job.kind).failed(db, job.book_id, job.scene, message)
                failed += 1
            else:
                rows.requeue_lost(db, job.id)
                handlers.of(job.kind).requeued(db, job.book_id, job.scene)
                requeued += 1
            _refresh_book(db, job.book_id)
    if requeued:
        wake()
    return requeued, failed


def latest(db: Database, book_id: int) -> list[tuple[str, int | None, str]]:
    """(kind, scene, status) of the newest job per target: older, superseded jobs do not count."""
    return [(state.kind, state.scene, state.status) for state in rows.newest(db, book_id)]


def errors(db: Database, book_id: int, kind: str) -> dict[int | None, str]:
    """scene -> why its newest failed job of `kind` failed, for people."""
    return rows.failures(db, book_id, kind)


def _refresh_book(db: Database, book_id: int) -> None:
    """Derive the book's status from its jobs: the single rule My Books shows. The caller's unit
    holds the book's row, so no other unit changes its jobs meanwhile."""
    # Narration, say, is beside the book, not part of it; an unknown kind (a newer version's) counts.
    status = book_status(state.status for state in rows.newest(db, book_id) if handlers.of(state.kind).makes_book)
    books.set_status(db, book_id, status, _first_error(db, book_id) if status == BookStatus.NEEDS_ATTENTION else None)


def _first_error(db: Database, book_id: int) -> str | None:
    failure = rows.last_failure(db, book_id, excluding=handlers.kinds_beside_the_book())
    if failure is None:
        return None
    return f"{handlers.target(failure.kind, failure.scene)}: {failure.error}"


def active_count(db: Database, book_id: int | None = None) -> int:
    return rows.active_count(db, book_id)


def next_due(db: Database) -> float | None:
    """When the earliest queued job may run (epoch seconds), or None when none is queued."""
    return rows.next_due(db)
