"""The job queue's rows: every statement on the `jobs` table.

The rules (who may claim, retry or publish, and what the user is told) live in
`storymaker.jobs`; this module only reads and writes rows, in the caller's unit of work
when there is one. Times compared with `not_before` and leases are the queue clock's
epoch seconds, passed in by the caller.

A claim is one statement on both databases: `UPDATE ... WHERE id = (SELECT id ... ORDER
BY id LIMIT 1 FOR UPDATE SKIP LOCKED) AND status = 'queued' RETURNING ...`. On PostgreSQL
the subquery skips rows another claim holds, so concurrent claims take different jobs
without waiting; SQLite has no row locks (its compiler leaves the clause out) and the
write unit's BEGIN IMMEDIATE runs claims one at a time.

PostgreSQL runs transactions side by side, where SQLite runs writers one at a time, so two
more locks keep the queue's rules there: a write unit that changes a book's jobs first
takes that book's row (`lock_book`), so "newest request wins" and the book status derived
from its jobs are computed by one transaction at a time per book; and a step that acts on
a job it owns locks the job's row (`owned(lock=True)`, `budget`), so a cancel or a sweep
waits for it instead of crossing it. Locks are always taken book first, then jobs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import Float, bindparam, case, cast, func, or_, select, update

from ..status import ACTIVE, JobStatus
from . import notify
from .database import Database
from .rows import from_row, from_rows
from .schema import books, jobs, scenes

QUEUED, RUNNING = str(JobStatus.QUEUED), str(JobStatus.RUNNING)
_ACTIVE = [str(s) for s in ACTIVE]
# A job for the book as it is: not one of a page set aside for Undo (it took the page's negative number).
_IN_BOOK = or_(jobs.c.scene.is_(None), jobs.c.scene >= 0)
# The number the jobs of a page deleted for good keep: no page, set aside or not, ever has it.
GONE = -1_000_000


@dataclass(frozen=True)
class Job:
    """A claimed job, as its runner holds it; `attempts` tells this claim from a later one."""

    id: int
    book_id: int
    kind: str
    scene: int | None
    attempts: int
    max_attempts: int
    worker: str
    http_tries: int = 0  # failed HTTP requests already spent from the retry budget


@dataclass(frozen=True)
class JobState:
    """The newest job for one target of a book (a page, the cover, the story)."""

    kind: str
    scene: int | None
    status: str


@dataclass(frozen=True)
class Failure:
    kind: str
    scene: int | None
    error: str | None


@dataclass(frozen=True)
class Waiting:
    """A queued job waiting out a transient failure: why (`waiting`) and until when (`not_before`)."""

    kind: str
    scene: int | None
    waiting: str
    not_before: float


@dataclass(frozen=True)
class Budget:
    """What a job has spent of its transient-failure budget."""

    retries: int
    http_tries: int
    retry_deadline: float | None


@dataclass(frozen=True)
class Lost:
    """A running job whose lease ran out: its runner stopped."""

    id: int
    book_id: int
    kind: str
    scene: int | None
    crashes: int  # claims lost to a dead runner (claims made for transient retries are not crashes)
    max_attempts: int


_JOB = (jobs.c.id, jobs.c.book_id, jobs.c.kind, jobs.c.scene, jobs.c.attempts, jobs.c.max_attempts,
        jobs.c.worker, jobs.c.http_tries)


# The statements run on every claim, publish and progress poll are built once, with bind
# parameters: SQLAlchemy then neither rebuilds nor re-keys them on each call.

# The row is still this claim's: running, by this runner, this attempt.
_THIS_ATTEMPT = ((jobs.c.id == bindparam("job_id")) & (jobs.c.worker == bindparam("claimer"))
                 & (jobs.c.status == RUNNING) & (jobs.c.attempts == bindparam("attempt")))


def _attempt(job: Job) -> dict:
    return {"job_id": job.id, "claimer": job.worker, "attempt": job.attempts}


# ---------------------------------------------------------------------- queueing

_LOCK_BOOK = select(books.c.id).where(books.c.id == bindparam("book_id")).with_for_update(key_share=True)


def lock_book(db: Database, book_id: int) -> None:
    """Take the book's row until the end of the unit: its jobs change one transaction at a time.
    FOR NO KEY UPDATE, so rows that merely reference the book (a new job, a scene) are not held up."""
    with db.write() as conn:
        conn.execute(_LOCK_BOOK, {"book_id": book_id})


_INSERT = jobs.insert().values(status=QUEUED).returning(jobs.c.id)


def insert(db: Database, book_id: int, kind: str, scene: int | None, max_attempts: int, created_at: str) -> int:
    """A queued job; idle runners of every process hear of it when the unit commits."""
    with db.write() as conn:
        job_id = conn.execute(_INSERT, {"book_id": book_id, "kind": str(kind), "scene": scene,
                                        "max_attempts": max_attempts, "created_at": created_at}).scalar_one()
        notify.announce(conn)
        return int(job_id)


def insert_done(db: Database, book_id: int, kind: str, scene: int | None, at: str) -> int:
    """A job recorded as succeeded when asked for: a request met at once, with nothing to run."""
    with db.write() as conn:
        return int(conn.execute(jobs.insert().values(status=str(JobStatus.SUCCEEDED)).returning(jobs.c.id), {
            "book_id": book_id, "kind": str(kind), "scene": scene, "max_attempts": 1, "created_at": at,
            "started_at": at, "finished_at": at}).scalar_one())


_CANCEL = update(jobs).where(jobs.c.book_id == bindparam("of_book"), jobs.c.status.in_(_ACTIVE)).values(
    status=str(JobStatus.CANCELED), error=bindparam("reason"), finished_at=bindparam("at"), lease_until=None)
_CANCEL_PAGE = _CANCEL.where(jobs.c.kind == bindparam("of_kind"), jobs.c.scene == bindparam("of_scene"))
_CANCEL_SCENELESS = _CANCEL.where(jobs.c.kind == bindparam("of_kind"), jobs.c.scene.is_(None))


def cancel_active(db: Database, book_id: int, reason: str, finished_at: str,
                  kind: str | None = None, scene: int | None = None) -> int:
    """Cancel the book's queued and running jobs (of one target when `kind` is given); how many."""
    params = {"of_book": book_id, "reason": reason, "at": finished_at, "of_kind": str(kind), "of_scene": scene}
    statement = _CANCEL if kind is None else _CANCEL_SCENELESS if scene is None else _CANCEL_PAGE
    with db.write() as conn:
        return conn.execute(statement, params).rowcount


def follow_pages(db: Database, book_id: int, moves: dict[int, int]) -> None:
    """The book's jobs that name a page by number (pages, narration) follow their page to its new
    number ({old: new}; page numbers are never 0, the cover's narration), whatever their status:
    a job's history stays its page's, set aside with it too. One statement (nothing unique to keep)."""
    moves = {old: new for old, new in moves.items() if old != new}
    if moves:
        with db.write() as conn:
            conn.execute(update(jobs).where(jobs.c.book_id == book_id, jobs.c.scene.in_(list(moves)))
                         .values(scene=case(moves, value=jobs.c.scene)))


_SCENE_OF = select(jobs.c.scene).where(jobs.c.id == bindparam("job_id"))


def scene_of(db: Database, job_id: int) -> int | None:
    """The page the job is for now (its number follows a moved page); None for a job without one."""
    with db.read() as conn:
        return conn.execute(_SCENE_OF, {"job_id": job_id}).scalar()


# ---------------------------------------------------------------------- claiming and owning


_CLAIM = update(jobs).where(
    jobs.c.id == select(jobs.c.id)
    .where(jobs.c.status == QUEUED, jobs.c.not_before <= bindparam("now"),
           jobs.c.kind.in_(bindparam("kinds", expanding=True)))
    .order_by(jobs.c.id).limit(1)
    .with_for_update(skip_locked=True)
    .scalar_subquery(),
    jobs.c.status == QUEUED,
).values(status=RUNNING, worker=bindparam("claimer"), attempts=jobs.c.attempts + 1,
         lease_until=bindparam("until"), started_at=bindparam("at"), error=None, waiting=None).returning(*_JOB)


def claim(db: Database, worker: str, kinds: Sequence[str], now: float, lease_until: float,
          started_at: str) -> Job | None:
    """Take the oldest queued job of `kinds` that is due, or None: one statement, one winner."""
    with db.write() as conn:
        row = conn.execute(_CLAIM, {"now": now, "kinds": [str(k) for k in kinds], "claimer": worker,
                                    "until": lease_until, "at": started_at}).first()
    return from_row(Job, row) if row is not None else None


_EXTEND = update(jobs).where(jobs.c.worker == bindparam("claimer"), jobs.c.status == RUNNING,
                             jobs.c.id.in_(bindparam("ids", expanding=True))).values(lease_until=bindparam("until"))


def extend_leases(db: Database, worker: str, job_ids: Sequence[int], lease_until: float) -> None:
    """The heartbeat: this runner's running jobs stay its own until `lease_until`."""
    if not job_ids:
        return
    with db.write() as conn:
        conn.execute(_EXTEND, {"claimer": worker, "ids": list(job_ids), "until": lease_until})


_OWNED = select(jobs.c.id).where(_THIS_ATTEMPT)
_OWNED_LOCKED = _OWNED.with_for_update()


def owned(db: Database, job: Job, *, lock: bool = False) -> bool:
    """Does this claim still own its job? With `lock` (inside a write unit) the row stays this
    unit's until it ends, so nothing can cancel, supersede or sweep the job meanwhile."""
    if lock:
        with db.write() as conn:
            return conn.execute(_OWNED_LOCKED, _attempt(job)).first() is not None
    with db.read() as conn:
        return conn.execute(_OWNED, _attempt(job)).first() is not None


_FINISH = update(jobs).where(_THIS_ATTEMPT).values(status=bindparam("outcome"), error=bindparam("message"),
                                                   finished_at=bindparam("at"), lease_until=None)


def finish(db: Database, job: Job, status: str, error: str | None, finished_at: str) -> bool:
    """End this claim's job (succeeded or failed); False when it was no longer this claim's."""
    with db.write() as conn:
        return conn.execute(_FINISH, {**_attempt(job), "outcome": str(status), "message": error,
                                      "at": finished_at}).rowcount == 1


_EXISTS = select(jobs.c.id).where(jobs.c.id == bindparam("job_id"))


def exists(db: Database, job_id: int) -> bool:
    """Is the job's row still there? (Deleting a book deletes its jobs.)"""
    with db.read() as conn:
        return conn.execute(_EXISTS, {"job_id": job_id}).first() is not None


def acting_user(db: Database, job_id: int) -> int | None:
    """The owner of the job's book: the person a job acts for."""
    with db.read() as conn:
        return conn.execute(select(books.c.user_id).join(jobs, jobs.c.book_id == books.c.id)
                            .where(jobs.c.id == job_id)).scalar()


# ---------------------------------------------------------------------- transient failures


def budget(db: Database, job: Job) -> Budget | None:
    """What this claim's job has spent of its retry budget, its row locked for the unit; None if not ours."""
    with db.write() as conn:
        row = conn.execute(select(jobs.c.retries, jobs.c.http_tries, jobs.c.retry_deadline)
                           .where(_THIS_ATTEMPT).with_for_update(), _attempt(job)).first()
    return from_row(Budget, row) if row is not None else None


def spend(db: Database, job_id: int, http_tries: int, retry_deadline: float) -> None:
    with db.write() as conn:
        conn.execute(update(jobs).where(jobs.c.id == job_id).values(http_tries=http_tries,
                                                                     retry_deadline=retry_deadline))


def retry_later(db: Database, job_id: int, error: str, not_before: float, http_tries: int,
                retry_deadline: float, waiting: str) -> None:
    """Back to the queue after a transient failure, due at `not_before`, saying why it waits."""
    with db.write() as conn:
        conn.execute(update(jobs).where(jobs.c.id == job_id).values(
            status=QUEUED, error=error, not_before=not_before, worker=None, lease_until=None,
            retries=jobs.c.retries + 1, http_tries=http_tries, retry_deadline=retry_deadline, waiting=waiting))
        notify.announce(conn)


def hold_back(db: Database, job: Job, kinds: Sequence[str], until: float, reason: str) -> None:
    """The queued jobs of `kinds` of the job's owner (every book) wait until `until` as well,
    a few hundredths of a second apart so they do not all come back at once."""
    owner = select(books.c.user_id).where(books.c.id == job.book_id).scalar_subquery()
    with db.write() as conn:
        conn.execute(update(jobs).where(
            jobs.c.status == QUEUED, jobs.c.not_before < until, jobs.c.id != job.id,
            jobs.c.kind.in_([str(k) for k in kinds]),
            jobs.c.book_id.in_(select(books.c.id).where(books.c.user_id == owner)),
        ).values(not_before=until + cast(jobs.c.id % 7, Float) * 0.05, waiting=reason))


def requeue(db: Database, job: Job, not_before: float, waiting: str) -> bool:
    """Put this claim's job back without spending its budgets; False when it was no longer ours."""
    with db.write() as conn:
        requeued = conn.execute(update(jobs).where(_THIS_ATTEMPT).values(
            status=QUEUED, not_before=not_before, worker=None, lease_until=None, retries=jobs.c.retries + 1,
            waiting=waiting), _attempt(job)).rowcount == 1
        if requeued:
            notify.announce(conn)
        return requeued


# ---------------------------------------------------------------------- recovery


def lost(db: Database, now: float) -> list[Lost]:
    """Running jobs whose lease ran out before `now`, book by book (the order locks are taken in)."""
    with db.read() as conn:
        return from_rows(Lost, conn.execute(_lost_query(now).order_by(jobs.c.book_id, jobs.c.id)))


def take_lost(db: Database, job_id: int, now: float) -> Lost | None:
    """The job, locked for this unit, if it is still lost; None when its runner came back, it was
    recovered meanwhile, or another sweep holds it."""
    with db.write() as conn:
        row = conn.execute(_lost_query(now).where(jobs.c.id == job_id).with_for_update(skip_locked=True)).first()
    return from_row(Lost, row) if row is not None else None


def _lost_query(now: float):
    return select(jobs.c.id, jobs.c.book_id, jobs.c.kind, jobs.c.scene,
                  (jobs.c.attempts - jobs.c.retries).label("crashes"), jobs.c.max_attempts,
                  ).where(jobs.c.status == RUNNING, jobs.c.lease_until < now)


def fail_lost(db: Database, job_id: int, error: str, finished_at: str) -> None:
    with db.write() as conn:
        conn.execute(update(jobs).where(jobs.c.id == job_id).values(
            status=str(JobStatus.FAILED), error=error, finished_at=finished_at, lease_until=None, worker=None))


def requeue_lost(db: Database, job_id: int) -> None:
    with db.write() as conn:
        conn.execute(update(jobs).where(jobs.c.id == job_id).values(
            status=QUEUED, worker=None, lease_until=None, not_before=0, waiting=None))
        notify.announce(conn)


# ---------------------------------------------------------------------- what screens and runners read


_NEWEST = select(jobs.c.kind, jobs.c.scene, jobs.c.status).where(jobs.c.id.in_(
    select(func.max(jobs.c.id)).where(jobs.c.book_id == bindparam("book_id"), _IN_BOOK)
    .group_by(jobs.c.kind, jobs.c.scene)
)).order_by(jobs.c.id)


def newest(db: Database, book_id: int) -> list[JobState]:
    """The newest job per target of the book: older, superseded jobs do not count."""
    with db.read() as conn:
        return from_rows(JobState, conn.execute(_NEWEST, {"book_id": book_id}))


_LAST_FAILURE = (select(jobs.c.kind, jobs.c.scene, jobs.c.error)
                 .where(jobs.c.book_id == bindparam("book_id"), jobs.c.status == str(JobStatus.FAILED), _IN_BOOK)
                 .order_by(jobs.c.id.desc()).limit(1))


def last_failure(db: Database, book_id: int, excluding: Sequence[str] = ()) -> Failure | None:
    """The book's newest failed job, of any kind but those `excluding` names."""
    statement = _LAST_FAILURE.where(jobs.c.kind.not_in(list(excluding))) if excluding else _LAST_FAILURE
    with db.read() as conn:
        row = conn.execute(statement, {"book_id": book_id}).first()
    return from_row(Failure, row) if row is not None else None


def failures(db: Database, book_id: int, kind: str) -> dict[int | None, str]:
    """scene -> the error of its newest failed job of `kind` (older failures of a target are replaced)."""
    with db.read() as conn:
        found = conn.execute(select(jobs.c.scene, jobs.c.error).where(
            jobs.c.book_id == book_id, jobs.c.kind == kind, jobs.c.status == str(JobStatus.FAILED), _IN_BOOK)
            .order_by(jobs.c.id)).all()
    return {row.scene: row.error or "" for row in found}


_WAITING = select(jobs.c.kind, jobs.c.scene, jobs.c.waiting, jobs.c.not_before).where(
    jobs.c.book_id == bindparam("book_id"), jobs.c.status == QUEUED, jobs.c.waiting.is_not(None),
    jobs.c.not_before > bindparam("now")).order_by(jobs.c.id)


def waiting(db: Database, book_id: int, now: float) -> list[Waiting]:
    """The book's queued jobs that wait out a transient failure past `now`."""
    with db.read() as conn:
        return from_rows(Waiting, conn.execute(_WAITING, {"book_id": book_id, "now": now}))


_ACTIVE_COUNT = select(func.count()).select_from(jobs).where(jobs.c.status.in_(_ACTIVE))
_ACTIVE_COUNT_OF_BOOK = _ACTIVE_COUNT.where(jobs.c.book_id == bindparam("book_id"))


def newest_id(db: Database, book_id: int, kind: str, scene: int | None) -> int | None:
    """The id of the newest job for one target of the book (a page, the cover), or None."""
    target = jobs.c.scene.is_(None) if scene is None else jobs.c.scene == scene
    with db.read() as conn:
        return conn.execute(select(func.max(jobs.c.id)).where(
            jobs.c.book_id == book_id, jobs.c.kind == str(kind), target)).scalar()


def statuses(db: Database, job_ids: Sequence[int]) -> dict[int, str]:
    """These jobs' statuses, by id (a deleted book's jobs are missing)."""
    with db.read() as conn:
        return {row.id: row.status for row in conn.execute(
            select(jobs.c.id, jobs.c.status).where(jobs.c.id.in_(list(job_ids))))}


def active_count(db: Database, book_id: int | None = None) -> int:
    with db.read() as conn:
        if book_id is None:
            return int(conn.execute(_ACTIVE_COUNT).scalar_one())
        return int(conn.execute(_ACTIVE_COUNT_OF_BOOK, {"book_id": book_id}).scalar_one())


# Whatever a screen shows of a book being made moves this: a job queued (its id), claimed (started_at),
# requeued (retries, attempts) or ended (finished_at; the queued and running counts move with each), a
# page's status or picture (its updated_at, the versions), the book's status. Two small indexed reads in
# one snapshot, so a screen may ask every few hundred milliseconds "changed since?" and read the book's
# progress only when it has.
_QUEUED_JOBS, _RUNNING_JOBS = (func.coalesce(func.sum(case((jobs.c.status == status, 1), else_=0)), 0)
                               for status in (QUEUED, RUNNING))
_SCENES_MARK = (select(func.count(), func.max(scenes.c.updated_at), func.coalesce(func.sum(scenes.c.image_version), 0))
                .where(scenes.c.book_id == bindparam("book_id")))
_MARK = (select(books.c.status, books.c.updated_at, func.count(jobs.c.id), func.max(jobs.c.id),
                func.max(jobs.c.started_at), func.max(jobs.c.finished_at),
                func.coalesce(func.sum(jobs.c.attempts + jobs.c.retries), 0), _QUEUED_JOBS, _RUNNING_JOBS)
         .select_from(books.outerjoin(jobs, jobs.c.book_id == books.c.id))
         .where(books.c.id == bindparam("book_id"), books.c.user_id == bindparam("user_id"))
         .group_by(books.c.id, books.c.status, books.c.updated_at))


def progress_mark(db: Database, user_id: int, book_id: int) -> tuple | None:
    """A value that differs whenever the user's book, its pages or its jobs changed (None: no such book of theirs)."""
    with db.read() as conn:
        book = conn.execute(_MARK, {"book_id": book_id, "user_id": user_id}).first()
        if book is None:
            return None
        return tuple(book) + tuple(conn.execute(_SCENES_MARK, {"book_id": book_id}).one())


_NEXT_DUE = select(func.min(jobs.c.not_before)).where(jobs.c.status == QUEUED)


def next_due(db: Database) -> float | None:
    """When the earliest queued job may run (epoch seconds), or None when none is queued."""
    with db.read() as conn:
        due = conn.execute(_NEXT_DUE).scalar()
    return float(due) if due is not None else None
