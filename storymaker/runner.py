"""The job runner: a thread pool that claims jobs from the database and runs them.

One Runner per process (the app keeps it in `st.cache_resource`; the `worker`
command runs one in its own process against the same database). Pages and the
story share `concurrency` slots; covers get a lane of their own so a cover never
delays the pages. `run_until_idle()` is the inline mode: jobs run one by one in
the calling thread, which keeps tests free of sleeps and threads.

An idle dispatcher sleeps until work may have arrived: a job queued by this process
wakes it at once (`jobs.wake`); on PostgreSQL so does a job queued by any other process
(LISTEN/NOTIFY, `jobs.listen`). Its poll (`poll_s`) is the safety net, and on SQLite
how it finds work queued by another process.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, ContextManager, Sequence

from . import books, handlers, jobs
from .data import LibraryBusy, LibraryReplaced
from .data.notify import Listener
from .engine import Engine
from .files import StoreRefused, StoreUnavailable
from .jobs import Job, JobLost, Kind
from .models.errors import ModelError, RateLimitedError, TransientModelError, http_attempts_left
from .scenes import SceneError

log = logging.getLogger(__name__)

MAIN_LANE = (Kind.STORY, Kind.PAGE)
COVER_LANE = (Kind.COVER,)
# Narration has a lane of its own: a book's pictures never wait behind its audio, nor the other way.
NARRATION_LANE = (Kind.NARRATION,)
NARRATION_SLOTS = 2


def run_job(engine: Engine, job: Job) -> None:
    """Do one job's work with its kind's handler and publish its result; errors propagate to `execute`."""
    db = engine.db()
    book = books.get_any(db, job.book_id, engine.store)
    if book is None:
        raise JobLost(job.id)  # the book was deleted meanwhile

    def checkpoint() -> None:
        jobs.check(db, job)

    def publish(follow_ups: Sequence[tuple[str, int | None]]) -> ContextManager[None]:
        return jobs.publishing(db, job, follow_ups)

    handlers.of(job.kind).run(engine, book, job, checkpoint, publish)


def execute(engine: Engine, job: Job, work: Callable[[Engine, Job], None] = run_job) -> None:
    """Run a claimed job and record how it ended; never raises."""
    db = engine.db()
    budget = jobs.RetryBudget.from_settings(engine.settings)
    left = http_attempts_left.set(max(1, budget.max_http_attempts - job.http_tries))
    try:
        try:
            work(engine, job)
        except JobLost:
            log.info("job %s was canceled or taken over; its result was dropped", job.id)
        except LibraryReplaced:  # the data folder was wiped under the job: its book is gone
            log.warning("job %s belongs to a database that was deleted or replaced; its result was dropped", job.id)
        except TransientModelError as error:
            jobs.retry_later(db, job, str(error), retry_after=error.retry_after, tries=error.tries,
                             rate_limited=isinstance(error, RateLimitedError), budget=budget)
        except (ModelError, SceneError) as error:
            jobs.fail(db, job, str(error))
        except StoreUnavailable as error:  # the bucket is down or slow: ridden out like a flaky model service
            jobs.retry_later(db, job, str(error), budget=budget)
        except StoreRefused as error:  # wrong keys or no such bucket: waiting will not help
            jobs.fail(db, job, str(error))
        except LibraryBusy:
            # Another program (a backup, a long write) held the write lock past the busy timeout.
            log.warning("job %s (%s): the database stayed locked past the busy timeout; it will run again shortly", job.id, job.kind)
            jobs.requeue_soon(db, job, "the database is busy")
        except Exception:
            if not jobs.exists(db, job):  # its book was deleted meanwhile: nothing to report
                log.info("job %s stopped: its book was deleted", job.id)
                return
            log.exception("job %s (%s) crashed", job.id, job.kind)
            what = handlers.target(job.kind, job.scene)
            jobs.fail(db, job, f"Something went wrong while making {what}. Try again; if it keeps failing, the log has details.")
    except LibraryReplaced:
        log.warning("job %s: the database was deleted or replaced before its outcome was recorded", job.id)
    except LibraryBusy:
        # Recording the outcome needs the lock too; the lease runs out and the sweep requeues the job.
        log.warning("job %s (%s): the database stayed locked past the busy timeout; the job will be picked up again",
                    job.id, job.kind)
    finally:
        http_attempts_left.reset(left)


class Runner:
    def __init__(
        self,
        engine: Engine,
        concurrency: int | None = None,
        *,
        lease_s: float | None = None,
        poll_s: float = 1.0,
        work: Callable[[Engine, Job], None] = run_job,
    ):
        self.engine = engine
        self.concurrency = max(1, concurrency or engine.settings.concurrency)
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.lease_s = lease_s or engine.settings.lease_s
        self.poll_s = poll_s  # how often to look for work queued by other processes
        self.work = work
        # (job id, attempt) -> lane; the attempt tells a job from its own later retry
        self._active: dict[tuple[int, int], str] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._heartbeat_stop = threading.Event()  # set only once running jobs have drained
        self._threads: list[threading.Thread] = []
        self._pool: ThreadPoolExecutor | None = None
        self._listener: Listener | None = None

    # ------------------------------------------------------------ background mode

    def start(self) -> "Runner":
        try:
            jobs.sweep(self.engine.db())
        except LibraryBusy:  # the dispatcher sweeps again soon
            log.warning("start-up sweep skipped: the database stayed locked past the busy timeout")
        self._listener = jobs.listen(self.engine.db())
        self._pool = ThreadPoolExecutor(self.concurrency + 1 + NARRATION_SLOTS, thread_name_prefix="storymaker-job")
        for target in (self._dispatch, self._heartbeat):
            thread = threading.Thread(target=target, name=f"storymaker-{target.__name__[1:]}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self, wait: bool = True) -> None:
        """Stop claiming; let running jobs finish (their leases kept fresh meanwhile)."""
        self._stop.set()
        jobs.wake()
        if self._pool:
            self._pool.shutdown(wait=wait, cancel_futures=True)
        self._heartbeat_stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        if self._listener is not None:
            self._listener.stop()

    @property
    def running(self) -> bool:
        return bool(self._threads) and not self._stop.is_set()

    def _lane_free(self, lane: tuple[Kind, ...], capacity: int) -> int:
        with self._lock:
            return capacity - sum(1 for l in self._active.values() if l == lane[0])

    def _dispatch(self) -> None:
        last_sweep = jobs.clock.monotonic()
        locked = False  # one log line per spell of a locked database, not one per poll
        while not self._stop.is_set():
            db = self.engine.db()  # each round: a deleted or replaced database is opened anew
            seen = jobs.generation()
            claimed = False
            try:
                for lane, capacity in ((MAIN_LANE, self.concurrency), (COVER_LANE, 1),
                                       (NARRATION_LANE, NARRATION_SLOTS)):
                    for _ in range(self._lane_free(lane, capacity)):
                        if self._stop.is_set():  # stopping: claim nothing the pool can no longer run
                            break
                        job = jobs.claim(db, self.worker_id, lane, self.lease_s)
                        if job is None:
                            break
                        claimed = True
                        with self._lock:
                            self._active[(job.id, job.attempts)] = lane[0]
                        assert self._pool is not None
                        try:
                            self._pool.submit(self._run, job)
                        except RuntimeError:  # the pool shut down between the check and the claim
                            with self._lock:
                                self._active.pop((job.id, job.attempts), None)
                            jobs.requeue_soon(db, job, "the runner stopped", delay=0)
                            break
                if jobs.clock.monotonic() - last_sweep > self.lease_s / 2:
                    jobs.sweep(db)
                    last_sweep = jobs.clock.monotonic()
                if locked:
                    log.info("job dispatcher: the database is writable again")
                    locked = False
            except LibraryBusy:  # locked past the busy timeout: say so, keep going
                if not locked:
                    log.warning("job dispatcher: the database stayed locked past the busy timeout (another program holds "
                                "the write lock); waiting for it")
                locked = True
            except Exception:  # a vanished database must not kill the dispatcher
                log.exception("job dispatcher hiccup")
            if claimed:
                continue
            timeout = self.poll_s
            try:
                due = jobs.next_due(db)
            except Exception:  # a database that cannot be reached right now: look again after the poll
                due = None
            if due is not None and due > jobs.clock.now():
                timeout = min(timeout, max(0.01, due - jobs.clock.now()))
            with jobs.work_arrived:
                if jobs.generation() == seen and not self._stop.is_set():
                    jobs.work_arrived.wait(timeout)

    def _run(self, job: Job) -> None:
        try:
            execute(self.engine, job, self.work)
        finally:
            with self._lock:
                self._active.pop((job.id, job.attempts), None)
            jobs.wake()

    def _heartbeat(self) -> None:
        while not self._heartbeat_stop.wait(self.lease_s / 3):
            with self._lock:
                active = [job_id for job_id, _ in self._active]
            try:
                jobs.heartbeat(self.engine.db(), self.worker_id, active, self.lease_s)
            except LibraryBusy:
                log.warning("heartbeat skipped: the database stayed locked past the busy timeout")
            except Exception:
                log.exception("heartbeat failed")

    # ------------------------------------------------------------ inline mode

    def run_until_idle(self, timeout: float = 300.0) -> int:
        """Run queued jobs in this thread until none is left; waits out retry backoffs. Returns jobs run."""
        db = self.engine.db()
        jobs.sweep(db)
        deadline = jobs.clock.monotonic() + timeout
        ran = 0
        while jobs.clock.monotonic() < deadline:
            job = jobs.claim(db, self.worker_id, None, self.lease_s)
            if job is not None:
                execute(self.engine, job, self.work)
                ran += 1
                continue
            due = jobs.next_due(db)
            if due is None:
                return ran
            jobs.clock.sleep(min(max(0.0, due - jobs.clock.now()), max(0.0, deadline - jobs.clock.monotonic())))
        return ran
