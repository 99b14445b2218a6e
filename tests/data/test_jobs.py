"""The job queue's repository on SQLite and on PostgreSQL: claims, leases, heartbeats, the
sweep, cancels, retries and waits, the locks that keep them apart, and idle runners woken
by LISTEN/NOTIFY."""

from __future__ import annotations

import statistics
import threading
import time

import pytest
from sqlalchemy import insert

from tests.peek import sql
from storymaker import jobs as queue
from storymaker.config import Settings
from storymaker.data import jobs, now_iso, schema
from storymaker.data.jobs import Job
from storymaker.data.notify import Listener
from storymaker.engine import Engine
from storymaker.runner import Runner

from tests.conftest import wait_until

NOW = 1_000_000.0




def new_user(db, name="ada") -> int:
    with db.write() as conn:
        return conn.execute(insert(schema.users).values(username=name, created_at=now_iso())
                            .returning(schema.users.c.id)).scalar_one()


def new_book(db, user_id: int) -> int:
    with db.write() as conn:
        return conn.execute(insert(schema.books).values(
            user_id=user_id, title="The Kite", age_band="3-5", style="watercolor", language="English",
            scene_count=4, created_at=now_iso(), updated_at=now_iso()).returning(schema.books.c.id)).scalar_one()


@pytest.fixture
def book(any_db) -> int:
    return new_book(any_db, new_user(any_db))


def queue_job(db, book_id, kind="page", scene: int | None = 1, max_attempts=3) -> int:
    return jobs.insert(db, book_id, kind, scene, max_attempts, now_iso())


def take(db, worker="w", kinds=("page", "cover", "story"), now=NOW, lease_s=30.0) -> Job | None:
    return jobs.claim(db, worker, kinds, now, now + lease_s, now_iso())


def status(db, job_id) -> str:
    return sql(db, "SELECT status FROM jobs WHERE id = :id", id=job_id)[0][0]


# ---------------------------------------------------------------------- claims


def test_a_claim_takes_the_oldest_due_job_of_its_kinds_once(any_db, book):
    page, cover = queue_job(any_db, book, "page", 1), queue_job(any_db, book, "cover", None)
    assert take(any_db, kinds=("story",)) is None
    job = take(any_db, "w1")
    assert job == Job(page, book, "page", 1, 1, 3, "w1", 0)  # every field by name, attempts counted
    assert take(any_db, "w2", kinds=("page",)) is None  # running: nobody else gets it
    assert take(any_db, "w2").id == cover
    assert take(any_db, "w3") is None
    assert status(any_db, page) == status(any_db, cover) == "running"


def test_a_job_waiting_for_later_is_not_claimed_before_then(any_db, book):
    job_id = queue_job(any_db, book)
    claimed = take(any_db)
    assert jobs.budget(any_db, claimed) == jobs.Budget(0, 0, None)
    jobs.retry_later(any_db, job_id, "Busy.", NOW + 10, 1, NOW + 180, "the service is busy")
    assert jobs.next_due(any_db) == NOW + 10
    assert take(any_db, now=NOW + 9) is None
    again = take(any_db, now=NOW + 10)
    assert (again.id, again.attempts, again.http_tries) == (job_id, 2, 1)
    assert jobs.next_due(any_db) is None


def test_claims_from_many_threads_never_share_a_job(any_db, book):
    ids = [queue_job(any_db, book, "page", n) for n in range(60)]
    claimed: list[int] = []
    errors: list[Exception] = []

    def worker(n):
        try:
            while (job := take(any_db, f"w{n}")) is not None:
                claimed.append(job.id)
                assert jobs.finish(any_db, job, "succeeded", None, now_iso())
        except Exception as error:  # a lock or serialization error would land here
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(claimed) == ids
    assert jobs.active_count(any_db) == 0


def test_a_job_claimed_in_an_open_unit_is_not_given_to_another_claim(any_db, book):
    """PostgreSQL skips the row the open unit holds (no waiting); SQLite's claim waits for the unit."""
    first, second = queue_job(any_db, book, "page", 1), queue_job(any_db, book, "page", 2)
    other: list[tuple[Job | None, float]] = []

    def claim_meanwhile():
        began = time.monotonic()
        other.append((take(any_db, "w2"), time.monotonic() - began))

    with any_db.write():
        assert take(any_db, "w1").id == first
        thread = threading.Thread(target=claim_meanwhile)
        thread.start()
        thread.join(timeout=0.5)
    thread.join()
    job, waited = other[0]
    assert job is not None and job.id == second
    if any_db.dialect == "postgresql":
        assert waited < 0.5  # SKIP LOCKED: the other claim did not wait for the open unit


# ---------------------------------------------------------------------- owning, finishing, leases


def test_only_the_current_attempt_owns_and_finishes_its_job(any_db, book):
    job_id = queue_job(any_db, book)
    first = take(any_db, "w", lease_s=-1)
    assert jobs.owned(any_db, first)
    jobs.requeue_lost(any_db, job_id)  # swept
    second = take(any_db, "w")  # the same runner, a later attempt
    assert not jobs.owned(any_db, first) and jobs.owned(any_db, second)
    assert not jobs.finish(any_db, first, "succeeded", None, now_iso())
    assert jobs.finish(any_db, second, "failed", "Refused.", now_iso())
    assert not jobs.owned(any_db, second)
    assert jobs.last_failure(any_db, book) == jobs.Failure("page", 1, "Refused.")
    assert jobs.last_failure(any_db, book, excluding=["page"]) is None


def test_the_heartbeat_extends_only_its_runners_running_jobs(any_db, book):
    mine, theirs = queue_job(any_db, book, "page", 1), queue_job(any_db, book, "page", 2)
    take(any_db, "mine", lease_s=5)
    take(any_db, "theirs", lease_s=5)
    jobs.extend_leases(any_db, "mine", [mine, theirs], NOW + 60)
    jobs.extend_leases(any_db, "mine", [], NOW + 60)  # nothing running: nothing to do
    assert [lost.id for lost in jobs.lost(any_db, NOW + 10)] == [theirs]
    assert jobs.lost(any_db, NOW + 61)[0].id == mine


def test_the_sweep_finds_lost_jobs_and_counts_crashes_not_retries(any_db, book):
    job_id = queue_job(any_db, book)
    for _ in range(3):  # three transient retries: claims that are not crashes
        job = take(any_db, "w")
        assert jobs.budget(any_db, job) is not None
        jobs.retry_later(any_db, job_id, "Busy.", 0, 1, NOW + 180, "busy")
    take(any_db, "dying", lease_s=-1)
    [lost] = jobs.lost(any_db, NOW)
    assert (lost.id, lost.book_id, lost.kind, lost.scene, lost.crashes, lost.max_attempts) == (job_id, book, "page", 1, 1, 3)
    assert jobs.take_lost(any_db, job_id, NOW) == lost
    jobs.fail_lost(any_db, job_id, "The worker stopped.", now_iso())
    assert status(any_db, job_id) == "failed" and jobs.lost(any_db, NOW) == []
    assert jobs.take_lost(any_db, job_id, NOW) is None


def test_a_sweep_never_takes_a_job_while_its_runner_publishes(any_db, book):
    """The publishing unit holds the job's row: PostgreSQL's sweep skips it, SQLite's waits for it;
    either way, once the runner has published, the job is no longer lost."""
    job_id = queue_job(any_db, book)
    job = take(any_db, "w", lease_s=-1)  # its lease already ran out
    swept: list[object] = []
    with any_db.write():
        assert jobs.owned(any_db, job, lock=True)
        thread = threading.Thread(target=lambda: swept.append(jobs.take_lost(any_db, job_id, NOW)))
        thread.start()
        thread.join(timeout=0.3)
        assert jobs.finish(any_db, job, "succeeded", None, now_iso())
    thread.join()
    assert swept == [None]
    assert status(any_db, job_id) == "succeeded"


# ---------------------------------------------------------------------- cancels, newest request wins


def test_a_cancel_ends_the_targets_active_jobs_only(any_db, book):
    page_1, page_2 = queue_job(any_db, book, "page", 1), queue_job(any_db, book, "page", 2)
    cover, story = queue_job(any_db, book, "cover", None), queue_job(any_db, book, "story", None)
    assert jobs.cancel_active(any_db, book, "superseded", now_iso(), kind="page", scene=1) == 1
    assert jobs.cancel_active(any_db, book, "superseded", now_iso(), kind="cover", scene=None) == 1
    assert [status(any_db, j) for j in (page_1, page_2, cover, story)] == ["canceled", "queued", "canceled", "queued"]
    assert jobs.active_count(any_db, book) == 2
    assert jobs.cancel_active(any_db, book, "canceled", now_iso()) == 2
    assert jobs.active_count(any_db, book) == 0 and jobs.active_count(any_db) == 0
    assert sql(any_db, "SELECT error FROM jobs WHERE id = :id", id=page_1) == [("superseded",)]


def test_the_newest_job_per_target_is_what_counts(any_db, book):
    first = queue_job(any_db, book, "page", 1)
    jobs.cancel_active(any_db, book, "superseded", now_iso(), kind="page", scene=1)
    queue_job(any_db, book, "page", 1)
    queue_job(any_db, book, "cover", None)
    assert status(any_db, first) == "canceled"
    assert jobs.newest(any_db, book) == [jobs.JobState("page", 1, "queued"), jobs.JobState("cover", None, "queued")]


def test_concurrent_requests_for_one_page_leave_one_active_job(any_db, book):
    """Each request locks the book, supersedes the page's active jobs and queues its own: on
    PostgreSQL too, requests racing for one page end with exactly one of them active."""
    errors: list[Exception] = []
    start = threading.Barrier(6)

    def request():
        try:
            start.wait()
            with any_db.write():
                jobs.lock_book(any_db, book)
                jobs.cancel_active(any_db, book, "superseded", now_iso(), kind="page", scene=3)
                queue_job(any_db, book, "page", 3)
        except Exception as error:
            errors.append(error)

    for _ in range(4):  # a race is a matter of timing: run a few
        threads = [threading.Thread(target=request) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert jobs.active_count(any_db, book) == 1
        newest = max(row[0] for row in sql(any_db, "SELECT id FROM jobs WHERE book_id = :b", b=book))
        assert status(any_db, newest) == "queued"  # the last request is the one that stays


# ---------------------------------------------------------------------- retries and waits


def test_a_retry_spends_the_budget_and_says_why_it_waits(any_db, book):
    job_id = queue_job(any_db, book, "page", 2)
    job = take(any_db)
    jobs.retry_later(any_db, job_id, "The picture service is busy.", NOW + 30, 3, NOW + 180, "it asked us to wait")
    assert jobs.waiting(any_db, book, NOW) == [jobs.Waiting("page", 2, "it asked us to wait", NOW + 30)]
    assert jobs.waiting(any_db, book, NOW + 30) == []  # due: no longer waiting
    again = take(any_db, now=NOW + 31)
    assert jobs.budget(any_db, again) == jobs.Budget(1, 3, NOW + 180)
    assert jobs.budget(any_db, job) is None  # the earlier attempt owns nothing
    jobs.spend(any_db, job_id, 8, NOW + 180)
    assert jobs.budget(any_db, again) == jobs.Budget(1, 8, NOW + 180)


def test_a_rate_limit_holds_back_the_owners_queued_jobs_of_that_service(any_db, book):
    other_book = new_book(any_db, sql(any_db, "SELECT user_id FROM books WHERE id = :b", b=book)[0][0])
    strangers_book = new_book(any_db, new_user(any_db, "mallory"))
    limited = queue_job(any_db, book, "page", 1)
    same_book, same_owner = queue_job(any_db, book, "page", 2), queue_job(any_db, other_book, "page", 1)
    text_job, stranger = queue_job(any_db, book, "story", None), queue_job(any_db, strangers_book, "page", 1)
    job = take(any_db, kinds=("page",))
    assert job.id == limited
    jobs.hold_back(any_db, job, ["page", "cover"], NOW + 30, "the service asked us to wait")
    held = dict(sql(any_db, "SELECT id, not_before FROM jobs WHERE waiting IS NOT NULL"))
    assert set(held) == {same_book, same_owner}
    assert all(NOW + 30 <= held[j] < NOW + 30.5 for j in held)
    assert text_job not in held and stranger not in held


def test_a_requeue_only_while_owned_and_the_acting_user(any_db, book):
    job_id = queue_job(any_db, book)
    job = take(any_db)
    owner = sql(any_db, "SELECT user_id FROM books WHERE id = :b", b=book)[0][0]
    assert jobs.acting_user(any_db, job_id) == owner
    assert jobs.requeue(any_db, job, NOW + 5, "the database is busy")
    assert not jobs.requeue(any_db, job, NOW + 5, "the database is busy")
    assert status(any_db, job_id) == "queued" and jobs.exists(any_db, job_id)
    sql(any_db, "DELETE FROM books WHERE id = :b", b=book)
    assert not jobs.exists(any_db, job_id) and jobs.acting_user(any_db, job_id) is None


# ---------------------------------------------------------------------- waking idle runners


def engine_on(database_url, tmp_path) -> Engine:
    return Engine(Settings(provider="offline", data_dir=tmp_path / "data", database_url=database_url))


def test_several_runners_never_run_one_job_twice(database_url, tmp_path):
    engine = engine_on(database_url, tmp_path)
    db = engine.db()
    book_id = new_book(db, new_user(db))
    ran: list[int] = []
    lock = threading.Lock()

    def work(engine, job):
        with lock:
            ran.append(job.id)
        jobs.finish(engine.db(), job, "succeeded", None, now_iso())

    runners = [Runner(engine, concurrency=3, poll_s=0.2, work=work).start() for _ in range(3)]
    try:
        ids = [queue_job(db, book_id, "story", n) for n in range(90)]
        wait_until(lambda: len(ran) >= len(ids), what="every job to run")
        time.sleep(0.2)  # a second run of any job would show up now
    finally:
        for runner in runners:
            runner.stop()
    assert sorted(ran) == ids


def test_a_listener_hears_committed_work_only(postgres_database, tmp_path):  # LISTEN/NOTIFY is PostgreSQL's
    database_url = postgres_database
    db = engine_on(database_url, tmp_path).db()
    book_id = new_book(db, new_user(db))
    heard = threading.Event()
    listener = Listener(db, heard.set).start()
    try:
        assert listener.listening.wait(10)
        heard.clear()
        with pytest.raises(RuntimeError):
            with db.write():
                queue_job(db, book_id)
                raise RuntimeError("rolled back")
        assert not heard.wait(0.3)  # nothing committed, nothing announced
        queue_job(db, book_id)
        assert heard.wait(2)
    finally:
        listener.stop()


def wake_latencies(db, book_id, runner_claims: list, tries: int) -> list[float]:
    """Seconds from a job's commit (with no in-process wake) to an idle runner claiming it."""
    latencies = []
    for _ in range(tries):
        time.sleep(0.02)  # the runner is idle again
        count = len(runner_claims)
        queue_job(db, book_id, "cover", None)  # the repository only: no in-process wake-up
        committed = time.perf_counter()
        wait_until(lambda count=count: len(runner_claims) > count, timeout=5, what="the idle runner to claim", interval=0.0005)
        latencies.append(runner_claims[count] - committed)
    return latencies


def test_an_idle_runner_is_woken_by_notify_not_by_its_poll(postgres_database, tmp_path):
    """A job queued elsewhere (another thread, no in-process wake-up) is claimed in milliseconds
    though the runner polls only every 5 s; after its listening connection is killed, the
    listener reconnects and keeps waking it."""
    database_url = postgres_database
    engine = engine_on(database_url, tmp_path)
    db = engine.db()
    book_id = new_book(db, new_user(db))
    claims: list[float] = []

    def work(engine, job):
        claims.append(time.perf_counter())
        jobs.finish(engine.db(), job, "succeeded", None, now_iso())

    runner = Runner(engine, concurrency=1, poll_s=5.0, work=work).start()
    try:
        assert runner._listener is not None and runner._listener.listening.wait(10)
        time.sleep(0.2)
        latencies = wake_latencies(db, book_id, claims, 50)
        p50, p99 = statistics.median(latencies), statistics.quantiles(latencies, n=100)[98]
        print(f"\nwake latency over {len(latencies)} jobs: p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms")
        assert p50 < 0.05 and max(latencies) < 1.0

        killed = sql(db, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = current_database() AND query LIKE 'LISTEN%'")
        assert killed == [(True,)]
        wait_until(lambda: runner._listener.connects >= 2, what="the listener to reconnect")
        after = wake_latencies(db, book_id, claims, 5)
        assert statistics.median(after) < 0.05
    finally:
        runner.stop()
    assert queue.active_count(db) == 0


# ---------------------------------------------------------------------- what screens poll


def test_the_progress_mark_moves_with_every_change_a_screen_shows_and_only_then(any_db, book):
    owner = sql(any_db, "SELECT user_id FROM books WHERE id = :id", id=book)[0][0]
    marks = [jobs.progress_mark(any_db, owner, book)]

    def moved() -> None:
        mark = jobs.progress_mark(any_db, owner, book)
        assert mark is not None and mark not in marks
        marks.append(mark)

    job_id = queue_job(any_db, book)
    moved()  # queued
    job = take(any_db, "w")
    moved()  # claimed: drawing
    jobs.extend_leases(any_db, "w", [job_id], NOW + 60)
    assert jobs.progress_mark(any_db, owner, book) == marks[-1]  # a heartbeat shows nothing new
    jobs.retry_later(any_db, job_id, "Busy.", NOW, 1, NOW + 100, "the image service is busy")
    moved()  # waiting to try again
    job = take(any_db, "w")
    moved()
    assert jobs.finish(any_db, job, "succeeded", None, now_iso())
    moved()  # done
    assert jobs.progress_mark(any_db, owner, book) == marks[-1]  # nothing happened: the same mark
    assert jobs.progress_mark(any_db, new_user(any_db, "bob"), book) is None  # nobody else's book
