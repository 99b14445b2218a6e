"""Runners that die, stall or share a database: every page is published exactly once.

- A `python -m storymaker worker` process is killed with SIGKILL halfway through a
  book; a new worker finishes it without redrawing what was already drawn.
- A job whose lease runs out while it is still drawing is taken over by another
  runner, and only one of the two draws is published.
- Two background runners in one process share one database without doing a job twice.

No fixed sleeps: every wait polls SQLite (or the fake server) against a deadline.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from storymaker import accounts, books, jobs, storage
from storymaker.services import studio
from storymaker.books import BookOptions
from storymaker.config import Settings
from storymaker.engine import Engine
from storymaker.files import LocalStore
from storymaker.jobs import JobStatus, Kind
from storymaker.runner import Runner, execute

from tests.conftest import make_cast, wait_until
from tests.fakes.openai_server import FakeOpenAI, RecordedRequest
from tests.fakes.models import MockImageModel, MockTextModel
from tests.peek import one, sql, value

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGE_IN_PROMPT = re.compile(r"illustration for page (\d+) of")


def page_of(request: RecordedRequest) -> int | None:
    """The page a picture request is for, None for the cover (or anything else)."""
    fields = request.json if request.endpoint == "generations" else request.form
    match = PAGE_IN_PROMPT.search(str((fields or {}).get("prompt", "")))
    return int(match.group(1)) if match else None


# ---------------------------------------------------------------- a worker killed mid-book


class GatedFake(FakeOpenAI):
    """Pictures for pages 1..free_pages are served at once; every other picture (the cover
    included) waits until `gate` is set. The fake's own `hold()` holds a whole endpoint;
    this holds by page, so the kill always lands at the same point of the book."""

    def __init__(self, free_pages: int, **kwargs):
        super().__init__(**kwargs)
        self.free_pages = free_pages
        self.gate = threading.Event()
        self._current = threading.local()  # the request this handler thread is serving

    def _record(self, request: RecordedRequest) -> None:
        self._current.request = request
        super()._record(request)

    def _wait(self, endpoint: str) -> None:
        super()._wait(endpoint)
        if endpoint in ("generations", "edits"):
            page = page_of(self._current.request)
            if page is None or page > self.free_pages:
                while not self.gate.wait(0.05) and not self._stopping.is_set():
                    pass


def start_worker(data_dir: Path, fake: FakeOpenAI, log: Path, cwd: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "STORYMAKER_"))}
    env.update(
        STORYMAKER_DATA_DIR=str(data_dir),
        STORYMAKER_PROVIDER="openai",
        OPENAI_API_KEY="test-key",
        OPENAI_BASE_URL=fake.base_url,
        STORYMAKER_SDK_MAX_RETRIES="0",
        STORYMAKER_IMAGE_TIMEOUT="30",
        STORYMAKER_TEXT_TIMEOUT="30",
        PYTHONPATH=str(REPO_ROOT),
        PYTHONUNBUFFERED="1",
    )
    with log.open("ab") as out:  # the child keeps its own copy of the handle
        return subprocess.Popen(
            [sys.executable, "-m", "storymaker", "worker", "--concurrency", "2"],
            env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
        )


def stop_worker(process: subprocess.Popen, sig: int = signal.SIGTERM) -> int | None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            return process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    return process.returncode


def file_state(path: Path) -> tuple[int, bytes]:
    return path.stat().st_mtime_ns, path.read_bytes()


def scene_states(engine: Engine, book_id: int) -> dict[int, tuple[str, int]]:
    return {r.scene.scene: (r.status, r.image_version) for r in books.scene_rows(engine.db(), book_id)}


def test_a_killed_worker_leaves_a_book_that_a_new_worker_finishes_without_redrawing(tmp_path):
    scenes, drawn_before_kill = 6, 3
    data_dir = tmp_path / "data"
    log = tmp_path / "worker.log"
    # This process only queues the book and reads the database; it never runs a job.
    engine = Engine(Settings(provider="offline", data_dir=data_dir), text_model=MockTextModel(), image_model=MockImageModel())
    with GatedFake(drawn_before_kill, image_size=(128, 128)) as fake:
        first = second = None
        try:
            user = accounts.get_or_create(engine.db(), "ada")
            book_id = studio.start_book(engine, user.id, BookOptions("The Lighthouse Cat", scene_count=scenes),
                                        make_cast(engine, user.id))
            folder = storage.book_dir(engine.books_dir, book_id)
            first = start_worker(data_dir, fake, log, tmp_path)

            # Pages 1-3 get drawn; pages 4 and 5 (two slots) and the cover hang at the gate.
            wait_until(lambda: sum(s == books.DONE for s, _ in scene_states(engine, book_id).values()) == drawn_before_kill,
                       timeout=15, what=f"{drawn_before_kill} pages to be drawn")
            wait_until(lambda: {page_of(r) for r in fake.requests_for("images")} >= {None, 4, 5},
                       what="pages 4 and 5 and the cover to be in flight")
            assert first.poll() is None, log.read_text()

            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
            killed_at = time.monotonic()

            before = scene_states(engine, book_id)
            done_before = sorted(n for n, (status, _) in before.items() if status == books.DONE)
            assert done_before == list(range(1, drawn_before_kill + 1))
            files_before = {name: file_state(folder / name) for name in
                            [f"scene_{n:02d}.png" for n in done_before]
                            + [f"thumbs/scene_{n:02d}.webp" for n in done_before] + ["story.csv"]}
            running = sql(engine.db(), "SELECT kind, scene FROM jobs WHERE book_id = :book AND status = :status",
                          book=book_id, status=str(JobStatus.RUNNING))
            assert sorted(running, key=str) == sorted([("cover", None), ("page", 4), ("page", 5)], key=str)

            # The dead worker's lease would run out after jobs.LEASE_S; pretend it has.
            assert jobs.sweep(engine.db(), now=time.time() + jobs.LEASE_S + 1) == (3, 0)
            fake.gate.set()
            second = start_worker(data_dir, fake, log, tmp_path)
            wait_until(lambda: books.get(engine.db(), user.id, book_id).status != books.GENERATING,
                       timeout=15, what="the new worker to finish the book")
            assert stop_worker(second) == 0, log.read_text()
        finally:
            for process in (first, second):
                if process is not None:
                    stop_worker(process, signal.SIGKILL)

    book = books.get(engine.db(), user.id, book_id)
    assert book.status == books.READY, (book.error, log.read_text())

    # Every page exactly once, and nothing else in the folder (no temp files either).
    names = [f"scene_{n:02d}" for n in range(1, scenes + 1)]
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.parent.name != "takes") == sorted(
        [f"{n}.png" for n in names] + ["cover.png", "story.csv", "thumbs", "takes"]
        + [f"thumbs/{n}.webp" for n in names] + ["thumbs/cover.webp"]
    )
    assert len(list((folder / "takes").iterdir())) == 2 * (scenes + 1)  # each picture kept once as a take
    assert not list(folder.rglob(f"*{storage.TEMP_MARK}*"))
    # Published once each: image_version counts publishes.
    assert scene_states(engine, book_id) == {n: (books.DONE, 1) for n in range(1, scenes + 1)}

    # What was drawn before the kill is not asked for again, nor rewritten on disk.
    after_kill = Counter(page_of(r) for r in fake.requests_for("images") if r.at > killed_at)
    assert after_kill == Counter({None: 1, **{n: 1 for n in range(drawn_before_kill + 1, scenes + 1)}})
    assert {name: file_state(folder / name) for name in files_before} == files_before
    assert len(fake.requests_for("chat")) == 1  # the story was written once

    # One job per page, all succeeded; the two pages in flight at the kill took a second attempt.
    rows = sql(engine.db(), "SELECT kind, scene, status, attempts FROM jobs WHERE book_id = :book", book=book_id)
    assert sorted(rows, key=str) == sorted(
        [("story", None, "succeeded", 1), ("cover", None, "succeeded", 2)]
        + [("page", n, "succeeded", 2 if n in (4, 5) else 1) for n in range(1, scenes + 1)], key=str
    )


def test_temp_files_left_by_a_killed_writer_are_gone_once_the_book_is_done(mock_engine, user):
    book_id = studio.start_book(mock_engine, user.id, BookOptions("The Lighthouse Cat", scene_count=4),
                                make_cast(mock_engine, user.id))
    db = mock_engine.db()
    execute(mock_engine, jobs.claim(db, "w", (Kind.STORY,)))
    # A worker took page 2, wrote half its files and died before renaming them.
    dead = jobs.claim(db, "dead-worker", (Kind.PAGE,))
    folder = storage.book_dir(mock_engine.books_dir, book_id)
    strays = [folder / f"scene_0{dead.scene}.png{storage.TEMP_MARK}0badf00d",
              folder / "thumbs" / f"scene_0{dead.scene}.webp{storage.TEMP_MARK}0badf00d"]
    for stray in strays:
        stray.parent.mkdir(parents=True, exist_ok=True)
        stray.write_bytes(b"half a picture")
    assert jobs.sweep(db, now=time.time() + jobs.LEASE_S + 1) == (1, 0)
    Runner(mock_engine).run_until_idle(timeout=30)
    assert books.get(db, user.id, book_id).status == books.READY
    assert not list(folder.rglob(f"*{storage.TEMP_MARK}*"))


# ---------------------------------------------------------------- a lease that runs out mid-draw


class SlowFirstDraw:
    """An image-model gate: page 1's first draw waits for `stale_release`; its second
    (the takeover's) waits for `takeover_release`; every other picture is immediate."""

    def __init__(self):
        self.stale_release = threading.Event()
        self.takeover_release = threading.Event()
        self.page_1_draws = 0
        self.stale_started = threading.Event()
        self._lock = threading.Lock()

    def __call__(self, request) -> None:
        if request.kind != "page" or not request.seed.endswith(":1"):
            return
        with self._lock:
            self.page_1_draws += 1
            draw = self.page_1_draws
        if draw == 1:
            self.stale_started.set()
            assert self.stale_release.wait(15), "the stale draw was never released"
        else:
            assert self.takeover_release.wait(15), "the takeover draw was never released"


@pytest.mark.parametrize("stale_finishes", ["first", "last"])
def test_a_draw_that_outlives_its_lease_is_not_published_twice(mock_engine, user, monkeypatch, stale_finishes):
    gate = SlowFirstDraw()
    mock_engine.image_model.gate = gate
    saves: Counter[str] = Counter()  # PNG files written, by name: every publish writes one
    write = LocalStore.put

    def counting_write(store, key, data):
        if key.endswith(".png") and "/takes/" not in key:  # the page's own file (its take is written beside it)
            saves[key.rsplit("/", 1)[-1][:-4]] += 1
        return write(store, key, data)

    monkeypatch.setattr(LocalStore, "put", counting_write)
    db = mock_engine.db()
    book_id = studio.start_book(mock_engine, user.id, BookOptions("The Lighthouse Cat", scene_count=4),
                                make_cast(mock_engine, user.id))

    # Runner A: one slot (so it cannot take its own job back) and no heartbeat, so its lease runs out.
    stale = Runner(mock_engine, concurrency=1, lease_s=0.5, poll_s=0.05)

    def _heartbeat() -> None:  # disabled: the lease is never extended
        stale._stop.wait()

    stale._heartbeat = _heartbeat
    taker = None
    try:
        stale.start()
        assert gate.stale_started.wait(10)
        page_1 = value(db, "SELECT id FROM jobs WHERE book_id = :book AND kind = 'page' AND scene = 1", book=book_id)
        # Runner B keeps its own leases comfortably (a loaded machine must not make it lose them too);
        # whichever runner sweeps first requeues page 1, and only B has a free slot to take it.
        taker = Runner(mock_engine, concurrency=2, lease_s=2.0, poll_s=0.05).start()

        def owner():
            return one(db, "SELECT status, worker, attempts FROM jobs WHERE id = :id", id=page_1)

        wait_until(lambda: owner() == (JobStatus.RUNNING, taker.worker_id, 2), what="runner B to take page 1 over")
        wait_until(lambda: gate.page_1_draws == 2, what="runner B to draw page 1 again")
        if stale_finishes == "first":
            gate.stale_release.set()
            wait_until(lambda: not stale._active, what="the stale draw to end")
            assert saves["scene_01"] == 0  # dropped: the job is no longer runner A's
            gate.takeover_release.set()
        else:
            gate.takeover_release.set()
            wait_until(lambda: owner()[0] == JobStatus.SUCCEEDED, what="runner B to publish page 1")
            gate.stale_release.set()
            wait_until(lambda: not stale._active, what="the stale draw to end")
        wait_until(lambda: books.get(db, user.id, book_id).status != books.GENERATING, what="the book to be done")
    finally:
        gate.stale_release.set()
        gate.takeover_release.set()
        stale.stop()
        if taker is not None:
            taker.stop()

    assert books.get(db, user.id, book_id).status == books.READY
    assert gate.page_1_draws == 2
    assert saves == Counter({"cover": 1, "scene_01": 1, "scene_02": 1, "scene_03": 1, "scene_04": 1})
    assert owner() == (JobStatus.SUCCEEDED, taker.worker_id, 2)
    rows = sql(db, "SELECT scene, status FROM jobs WHERE book_id = :book AND kind = 'page'", book=book_id)
    assert sorted(rows) == [(n, "succeeded") for n in range(1, 5)]  # one job per page, no duplicates
    assert {r.scene.scene: r.image_version for r in books.scene_rows(db, book_id)} == {n: 1 for n in range(1, 5)}


def test_a_swept_attempt_cannot_publish_even_when_the_same_runner_claims_the_job_again(mock_engine, user):
    book_id = studio.start_book(mock_engine, user.id, BookOptions("The Lighthouse Cat", scene_count=4),
                                make_cast(mock_engine, user.id))
    db = mock_engine.db()
    old = jobs.claim(db, "runner-a", (Kind.STORY,), lease_s=-1)
    assert jobs.sweep(db) == (1, 0)
    new = jobs.claim(db, "runner-a", (Kind.STORY,))
    assert (new.id, new.attempts) == (old.id, 2)
    with pytest.raises(jobs.JobLost):
        with jobs.publishing(db, old):
            pass
    assert book_id


# ---------------------------------------------------------------- two runners, one database


def test_two_background_runners_in_one_process_share_the_work_and_never_repeat_it(mock_engine, user):
    both_busy = threading.Barrier(4, timeout=10)  # 2 + 2 page slots: only reachable with both runners drawing
    started, in_flight, peak, lock = [0], [0], [0], threading.Lock()

    def gate(request):
        if request.kind != "page":
            return
        with lock:
            started[0] += 1
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
            first_four = started[0] <= 4
        try:
            if first_four:
                both_busy.wait()
        finally:
            with lock:
                in_flight[0] -= 1

    mock_engine.image_model.gate = gate
    runners = [Runner(mock_engine, concurrency=2, poll_s=0.05) for _ in range(2)]
    try:
        for runner in runners:
            runner.start()
        cast = make_cast(mock_engine, user.id)
        book_ids = [studio.start_book(mock_engine, user.id, BookOptions(f"Book {n}", scene_count=6), cast)
                    for n in range(2)]
        db = mock_engine.db()
        wait_until(lambda: all(books.get(db, user.id, b).status != books.GENERATING for b in book_ids),
                   what="both books to be done")
    finally:
        for runner in runners:
            runner.stop()

    assert [books.get(db, user.id, b).status for b in book_ids] == [books.READY, books.READY]
    seeds = Counter(r.seed for r in mock_engine.image_model.requests)
    assert len(seeds) == 2 * (6 + 1) and set(seeds.values()) == {1}  # every page and cover drawn once
    assert len(mock_engine.text_model.requests) == 2
    rows = sql(db, "SELECT status, attempts, worker FROM jobs")
    assert len(rows) == 2 * (1 + 1 + 6) and {(s, a) for s, a, _ in rows} == {(JobStatus.SUCCEEDED, 1)}
    assert {w for _, _, w in rows} == {r.worker_id for r in runners}
    assert peak[0] == 4  # both runners drew at once, and neither exceeded its two slots


# ---------------------------------------------------------------- the database in the way


class DrawGate:
    """An image-model gate: every picture waits until `go` is set; `drawing` is set once one waits."""

    def __init__(self):
        self.go, self.drawing = threading.Event(), threading.Event()

    def __call__(self, request) -> None:
        self.drawing.set()
        assert self.go.wait(15), "the draws were never released"


def tracebacks(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info]


@pytest.mark.sqlite_only  # another program holding SQLite's one write lock; PostgreSQL locks rows
def test_a_write_lock_held_past_the_busy_timeout_is_one_log_line_and_the_book_still_finishes(
    mock_engine, user, monkeypatch, caplog
):
    import sqlite3

    from storymaker import data
    from storymaker.data import database

    caplog.set_level("INFO", logger="storymaker")
    monkeypatch.setattr(database, "BUSY_TIMEOUT_S", 0.3)
    data.close_all()  # the runner's threads open new connections, with the short timeout
    gate = DrawGate()
    mock_engine.image_model.gate = gate
    runner = Runner(mock_engine, concurrency=2, lease_s=1.0, poll_s=0.05).start()
    blocker = sqlite3.connect(str(mock_engine.settings.db_path), isolation_level=None)
    try:
        book_id = studio.start_book(mock_engine, user.id, BookOptions("The Lighthouse Cat", scene_count=4),
                                    make_cast(mock_engine, user.id))
        assert gate.drawing.wait(10)
        blocker.execute("BEGIN IMMEDIATE")  # a backup, or another program, holds the write lock
        gate.go.set()
        wait_until(lambda: [r for r in caplog.records if "locked" in r.getMessage()], what="a line about the lock")
        blocker.execute("COMMIT")
        wait_until(lambda: books.get(mock_engine.db(), user.id, book_id).status != books.GENERATING,
                   timeout=30, what="the book to be finished")
    finally:
        gate.go.set()
        if blocker.in_transaction:
            blocker.execute("ROLLBACK")
        blocker.close()
        runner.stop()
    assert books.get(mock_engine.db(), user.id, book_id).status == books.READY
    assert tracebacks(caplog) == []
    lock_lines = [r for r in caplog.records if "locked" in r.getMessage()]
    assert lock_lines and all(r.levelname == "WARNING" and "\n" not in r.getMessage() for r in lock_lines)


def test_deleting_a_book_while_its_pages_are_drawn_logs_no_traceback(mock_engine, user, caplog):
    caplog.set_level("INFO", logger="storymaker")
    gate = DrawGate()
    mock_engine.image_model.gate = gate
    runner = Runner(mock_engine, concurrency=3, poll_s=0.05).start()
    db = mock_engine.db()
    try:
        book_id = studio.start_book(mock_engine, user.id, BookOptions("The Lighthouse Cat", scene_count=6),
                                    make_cast(mock_engine, user.id))
        wait_until(lambda: value(db, "SELECT COUNT(*) FROM jobs WHERE book_id = :book AND kind = 'page' "
                                     "AND status = :status", book=book_id, status=str(JobStatus.RUNNING)) >= 2,
                   what="pages being drawn")
        assert books.delete(db, user.id, book_id, mock_engine.store)
        gate.go.set()
        wait_until(lambda: not runner._active, what="the draws in flight to end")
    finally:
        gate.go.set()
        runner.stop()
    assert tracebacks(caplog) == []
    assert not any("FOREIGN KEY" in r.getMessage() for r in caplog.records)
    assert not storage.book_dir(mock_engine.books_dir, book_id).exists()
