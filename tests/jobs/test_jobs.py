import threading
import time
from dataclasses import replace

import pytest

from storymaker import books, jobs, storage
from storymaker.data import jobs as job_rows
from storymaker.data import now_iso
from storymaker.services import studio
from storymaker.jobs import Kind
from storymaker.models.errors import ModelConfigError, RateLimitedError, RefusedError, TransientModelError
from storymaker.runner import Runner, execute
from storymaker.errors import NotFound

from tests.conftest import make_book, wait_until
from tests.peek import one, sql, value


def start(engine, user, scenes=4):
    return make_book(engine, user.id, scenes=scenes, run=False)


def statuses(engine, book_id):
    return dict(((k, s), st) for k, s, st in sql(
        engine.db(),
        "SELECT kind, scene, status FROM jobs WHERE id IN (SELECT MAX(id) FROM jobs WHERE book_id = :book GROUP BY kind, scene)",
        book=book_id))


def folder(engine, book_id):
    return storage.book_dir(engine.books_dir, book_id)


def test_a_new_book_queues_story_and_cover_then_fans_out_pages(mock_engine, user):
    book_id = start(mock_engine, user)
    assert statuses(mock_engine, book_id) == {("story", None): "queued", ("cover", None): "queued"}
    Runner(mock_engine).run_until_idle()
    assert set(statuses(mock_engine, book_id).values()) == {"succeeded"}
    assert len(statuses(mock_engine, book_id)) == 2 + 4
    names = sorted(p.name for p in folder(mock_engine, book_id).iterdir())
    assert names == ["cover.png", "scene_01.png", "scene_02.png", "scene_03.png", "scene_04.png", "story.csv", "takes",
                     "thumbs"]
    assert books.get(mock_engine.db(), user.id, book_id).status == books.READY
    assert all(r.status == books.DONE for r in books.scene_rows(mock_engine.db(), book_id))


def test_claiming_is_atomic_across_many_threads(mock_engine, user):
    book_id = start(mock_engine, user)
    db = mock_engine.db()
    sql(db, "DELETE FROM jobs")
    for n in range(200):
        job_rows.insert(db, book_id, Kind.PAGE, n, 3, now_iso())
    claimed, errors = [], []

    def worker(index):
        from storymaker import data
        conn = mock_engine.db()
        try:
            while (job := jobs.claim(conn, f"w{index}")) is not None:
                claimed.append(job.id)
                with jobs.publishing(conn, job):
                    pass
        except Exception as exc:  # "database is locked" would land here
            errors.append(exc)
        finally:
            data.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(claimed) == 200 and len(set(claimed)) == 200
    assert value(db, "SELECT COUNT(*) FROM jobs WHERE status = 'succeeded'") == 200
    # Each publish derives the book's status from its jobs: done at once by many threads, the last one still sees them all.
    assert books.get(db, user.id, book_id).status == books.READY


def test_a_refused_page_fails_with_the_reason_and_the_rest_finish(mock_engine, user):
    mock_engine.image_model.fail["2"] = [RefusedError("The picture was refused: safety system.")]
    book_id = start(mock_engine, user)
    Runner(mock_engine).run_until_idle()
    rows = {r.scene.scene: r for r in books.scene_rows(mock_engine.db(), book_id)}
    assert rows[2].status == books.FAILED and "safety system" in rows[2].error
    assert [rows[n].status for n in (1, 3, 4)] == [books.DONE] * 3
    page_2_requests = [r for r in mock_engine.image_model.requests if r.seed.endswith(":2")]
    assert len(page_2_requests) == 1  # not retried
    book = books.get(mock_engine.db(), user.id, book_id)
    assert book.status == books.NEEDS_ATTENTION and "page 2" in book.error


def test_transient_errors_retry_after_the_asked_delay(mock_engine, user, manual_clock):
    mock_engine.image_model.fail["1"] = [TransientModelError("Rate limited", retry_after=30)]
    book_id = start(mock_engine, user)
    began = time.monotonic()
    Runner(mock_engine).run_until_idle()
    assert manual_clock.slept >= 30 and time.monotonic() - began < 5  # waited on the queue's clock, not in real time
    assert statuses(mock_engine, book_id)[("page", 1)] == "succeeded"
    attempts = value(mock_engine.db(), "SELECT attempts FROM jobs WHERE kind='page' AND scene=1")
    assert attempts == 2


def fast_retries(engine, **budget):
    """Backoffs so small that the HTTP-attempt budget, not the retry window, ends a job that always fails."""
    engine.settings = replace(engine.settings, **({"retry_backoff_s": 0.01} | budget))
    return engine


def test_a_job_that_always_fails_spends_its_http_attempts_then_fails_with_one_clear_message(mock_engine, user,
                                                                                          manual_clock):
    fast_retries(mock_engine)
    mock_engine.image_model.fail["3"] = [TransientModelError("The picture service is down (503).")] * 20
    start(mock_engine, user)
    Runner(mock_engine).run_until_idle()
    row = one(mock_engine.db(), "SELECT status, http_tries, error FROM jobs WHERE kind='page' AND scene=3")
    assert row[0] == "failed" and row[1] == mock_engine.settings.max_http_attempts == 8
    assert sum(r.seed.endswith(":3") for r in mock_engine.image_model.requests) == 8
    assert "service is down" in row[2] and "tried 8 times" in row[2]
    assert "will be tried again" not in row[2] and "Retrying" not in row[2]  # never contradicts itself


def test_sdk_retries_are_spent_from_the_same_budget_not_multiplied(mock_engine, user, manual_clock):
    errors = []
    for _ in range(10):
        error = TransientModelError("Server error")
        error.tries = 3  # the SDK already tried three times inside one call
        errors.append(error)
    mock_engine.image_model.fail["1"] = errors
    book_id = start(mock_engine, user)
    Runner(mock_engine).run_until_idle()
    assert statuses(mock_engine, book_id)[("page", 1)] == "failed"
    calls = sum(r.seed.endswith(":1") for r in mock_engine.image_model.requests)
    assert calls == 3  # 3 + 3 + 3 HTTP tries: the budget of 8 is spent after three calls, not 8 x 3


def test_the_retry_window_closes_the_budget(mock_engine, user, manual_clock):
    mock_engine.settings = replace(mock_engine.settings, max_http_attempts=1000)  # the real 180 s window and backoff
    mock_engine.image_model.fail["2"] = [TransientModelError("The picture service did not answer.")] * 1000
    book_id = start(mock_engine, user)
    began = time.monotonic()
    Runner(mock_engine).run_until_idle()
    assert 180 <= manual_clock.slept < 180 + 5 and time.monotonic() - began < 5
    row = one(mock_engine.db(), "SELECT status, error FROM jobs WHERE kind='page' AND scene=2")
    assert row[0] == "failed" and "did not answer" in row[1] and "over" in row[1]
    assert books.get(mock_engine.db(), user.id, book_id).status == books.NEEDS_ATTENTION


def test_a_retry_after_beyond_the_cap_fails_at_once_saying_when_to_try_again(mock_engine, user, manual_clock):
    mock_engine.image_model.fail["cover"] = [RateLimitedError("The picture service is busy.", retry_after=3600)]
    book_id = start(mock_engine, user)
    began = time.monotonic()
    Runner(mock_engine).run_until_idle()
    assert time.monotonic() - began < 5 and manual_clock.slept == 0
    assert sum(r.kind == "cover" for r in mock_engine.image_model.requests) == 1
    error = value(mock_engine.db(), "SELECT error FROM jobs WHERE kind='cover'")
    assert "wait 60 min" in error and "try again after" in error and "UTC" in error
    assert books.get(mock_engine.db(), user.id, book_id).status == books.NEEDS_ATTENTION


def test_a_waiting_job_says_why_and_until_when(mock_engine, user):
    mock_engine.image_model.fail["4"] = [RateLimitedError("The picture service is busy.", retry_after=45)]
    book_id = start(mock_engine, user)
    runner = Runner(mock_engine)
    db = mock_engine.db()
    while (job := jobs.claim(db, runner.worker_id)) is not None:
        execute(mock_engine, job)
    now = studio.progress(mock_engine, user.id, book_id)
    assert now.running and now.waiting.startswith("page 4: the picture service asked us to wait 45 s; trying again in")
    assert books.scene_rows(db, book_id)[3].error.startswith("Waiting to try again: the picture service asked")
    from storymaker.services import library
    assert library.shelf(mock_engine, user.id)[0].waiting == now.waiting


def test_a_rate_limit_holds_back_the_owners_other_queued_pictures(mock_engine, user):
    book_id = start(mock_engine, user)
    db = mock_engine.db()
    execute(mock_engine, jobs.claim(db, "w", (Kind.STORY,)))
    page = jobs.claim(db, "w", (Kind.PAGE,))
    assert jobs.retry_later(db, page, "The picture service is busy.", retry_after=30, rate_limited=True)
    held = sql(db, "SELECT kind, not_before FROM jobs WHERE book_id = :book AND status = 'queued' AND id != :page",
               book=book_id, page=page.id)
    assert {k for k, _ in held} == {"page", "cover"}
    assert all(not_before >= jobs.clock.now() + 25 for _, not_before in held)
    waiting = jobs.waits(db, book_id)
    assert len(waiting) == 5 and all("asked us to wait 30 s" in w.reason for w in waiting)


def test_backoff_doubles_with_jitter_and_a_ceiling():
    budget = jobs.RetryBudget(backoff_base_s=2.0, backoff_max_s=60.0)
    for retries, ceiling in ((0, 2), (1, 4), (3, 16), (10, 60)):
        samples = [budget.backoff(retries) for _ in range(200)]
        assert all(ceiling / 2 <= s <= ceiling for s in samples)
        assert len({round(s, 6) for s in samples}) > 100  # spread out, not in lockstep


def test_transient_retries_do_not_use_up_the_crash_recovery_attempts(mock_engine, user):
    start(mock_engine, user)
    db = mock_engine.db()
    execute(mock_engine, jobs.claim(db, "w", (Kind.STORY,)))
    page = jobs.claim(db, "w", (Kind.PAGE,))
    for _ in range(5):
        assert jobs.retry_later(db, page, "The picture service had a problem (error 503).")
        sql(db, "UPDATE jobs SET not_before = 0 WHERE id = :id", id=page.id)
        page = jobs.claim(db, "w", (Kind.PAGE,), lease_s=-1)
    assert (page.attempts, page.scene) == (6, 1)
    # Five transient retries later, the job still survives a runner dying twice; the third time it fails.
    assert jobs.sweep(db) == (1, 0)
    jobs.claim(db, "dying", (Kind.PAGE,), lease_s=-1)
    assert jobs.sweep(db) == (1, 0)
    jobs.claim(db, "dying", (Kind.PAGE,), lease_s=-1)
    assert jobs.sweep(db) == (0, 1)


def test_config_errors_are_not_retried(mock_engine, user):
    mock_engine.image_model.fail["cover"] = [ModelConfigError("The OpenAI key was not accepted.")]
    book_id = start(mock_engine, user)
    Runner(mock_engine).run_until_idle()
    assert statuses(mock_engine, book_id)[("cover", None)] == "failed"
    assert sum(r.kind == "cover" for r in mock_engine.image_model.requests) == 1


def test_a_crash_in_a_job_is_a_clear_failure_not_a_traceback(mock_engine, user):
    book_id = start(mock_engine, user)

    def boom(engine, job):
        raise ZeroDivisionError("secret internals")

    Runner(mock_engine, work=boom).run_until_idle()
    errors = [e for (e,) in sql(mock_engine.db(), "SELECT error FROM jobs WHERE book_id = :book", book=book_id)]
    assert errors and all("Something went wrong" in e and "secret internals" not in e for e in errors)


def test_an_expired_lease_is_requeued_and_the_old_runner_cannot_publish(mock_engine, user, manual_clock):
    book_id = start(mock_engine, user)
    db = mock_engine.db()
    old = jobs.claim(db, "old-worker", (Kind.STORY,), lease_s=30)
    assert jobs.sweep(db) == (0, 0)  # the lease still holds
    manual_clock.advance(31)
    assert jobs.sweep(db) == (1, 0)
    new = jobs.claim(db, "new-worker", (Kind.STORY,))
    assert new.id == old.id and new.attempts == 2
    with pytest.raises(jobs.JobLost):
        with jobs.publishing(db, old):
            raise AssertionError("the old runner must not get here")
    with jobs.publishing(db, new):
        pass
    assert statuses(mock_engine, book_id)[("story", None)] == "succeeded"


def test_the_sweep_fails_a_job_after_its_last_attempt(mock_engine, user):
    book_id = start(mock_engine, user)
    db = mock_engine.db()
    sql(db, "UPDATE jobs SET attempts = max_attempts - 1 WHERE kind = 'story'")
    jobs.claim(db, "dying", (Kind.STORY,), lease_s=-1)
    assert jobs.sweep(db) == (0, 1)
    error = value(db, "SELECT error FROM jobs WHERE kind='story'")
    assert "stopped while working" in error
    Runner(mock_engine).run_until_idle()  # the cover still gets drawn
    assert statuses(mock_engine, book_id) == {("story", None): "failed", ("cover", None): "succeeded"}
    assert books.get(db, user.id, book_id).status == books.NEEDS_ATTENTION


def test_cancel_stops_running_work_without_half_written_files(mock_engine, user):
    book_id = start(mock_engine, user)
    runner = Runner(mock_engine)
    db = mock_engine.db()
    # write the story inline, then cancel while page 1 is being drawn
    story_job = jobs.claim(db, runner.worker_id, (Kind.STORY,))
    execute(mock_engine, story_job)

    def cancel_mid_draw(request):
        studio.cancel(mock_engine, user.id, book_id)

    mock_engine.image_model.gate = cancel_mid_draw
    runner.run_until_idle()
    assert books.get(db, user.id, book_id).status == books.CANCELED
    assert not list(folder(mock_engine, book_id).glob("scene_*.png"))
    assert not list(folder(mock_engine, book_id).rglob("*.tmp-*"))
    assert jobs.active_count(db, book_id) == 0
    assert len(mock_engine.image_model.requests) == 1  # nothing ran after the cancel


def test_regenerating_twice_keeps_the_later_request(mock_engine, user):
    book_id = start(mock_engine, user)
    Runner(mock_engine).run_until_idle()
    db = mock_engine.db()
    first = studio.regenerate_page(mock_engine, user.id, book_id, 2)
    first_job = jobs.claim(db, "w1", (Kind.PAGE,))
    assert first_job.id == first
    second = studio.regenerate_page(mock_engine, user.id, book_id, 2)  # supersedes the running one
    assert statuses(mock_engine, book_id)[("page", 2)] == "queued"
    Runner(mock_engine).run_until_idle()
    with pytest.raises(jobs.JobLost):
        with jobs.publishing(db, first_job):
            pass
    last_request = mock_engine.image_model.requests[-1]
    assert last_request.seed.endswith(":2")
    assert value(db, "SELECT status FROM jobs WHERE id = :id", id=second) == "succeeded"
    assert value(db, "SELECT status FROM jobs WHERE id = :id", id=first) == "canceled"


def test_another_user_cannot_steer_the_book(mock_engine, user):
    from storymaker import accounts
    book_id = start(mock_engine, user)
    mallory = accounts.get_or_create(mock_engine.db(), "mallory")
    for operation in (studio.cancel, studio.rewrite_story, studio.retry_failed, studio.progress):
        with pytest.raises(NotFound):
            operation(mock_engine, mallory.id, book_id)
    with pytest.raises(NotFound):
        studio.regenerate_page(mock_engine, mallory.id, book_id, 1)


def test_background_runner_finishes_a_book(mock_engine, user):
    runner = Runner(mock_engine, concurrency=3).start()
    try:
        book_id = start(mock_engine, user, scenes=6)
        deadline = time.monotonic() + 10
        while studio.progress(mock_engine, user.id, book_id).running and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        runner.stop()
    final = studio.progress(mock_engine, user.id, book_id)
    assert final.book.status == books.READY and final.pages_done == 6 and final.fraction == 1.0


def test_retry_failed_redraws_only_failed_pages(mock_engine, user):
    mock_engine.image_model.fail["4"] = [RefusedError("refused")]
    book_id = start(mock_engine, user)
    Runner(mock_engine).run_until_idle()
    before = len(mock_engine.image_model.requests)
    queued = studio.retry_failed(mock_engine, user.id, book_id)
    assert len(queued) == 1
    Runner(mock_engine).run_until_idle()
    assert len(mock_engine.image_model.requests) == before + 1
    assert books.get(mock_engine.db(), user.id, book_id).status == books.READY


def test_rewriting_the_story_redraws_every_page_and_keeps_the_cover_coming(mock_engine, user):
    book_id = start(mock_engine, user)
    db = mock_engine.db()
    jobs.claim(db, "w", (Kind.STORY,))  # the story is being written, the cover still queued
    studio.rewrite_story(mock_engine, user.id, book_id)
    Runner(mock_engine).run_until_idle()
    assert set(statuses(mock_engine, book_id).values()) == {"succeeded"}
    assert books.get(db, user.id, book_id).status == books.READY
    assert sum(r.kind == "cover" for r in mock_engine.image_model.requests) == 1


def test_regenerating_an_unchanged_offline_page_gives_a_new_picture(offline_engine):
    from storymaker import accounts
    owner = accounts.get_or_create(offline_engine.db(), "ada")
    book_id = start(offline_engine, owner)
    Runner(offline_engine).run_until_idle()
    page = storage.page_path(folder(offline_engine, book_id), 2)
    before = page.read_bytes()
    studio.regenerate_page(offline_engine, owner.id, book_id, 2)
    Runner(offline_engine).run_until_idle()
    assert page.read_bytes() != before
    assert books.get_scene_row(offline_engine.db(), book_id, 2).image_version == 2


def test_the_dispatcher_survives_a_database_that_cannot_be_reached_while_idle(mock_engine, user, monkeypatch):
    from storymaker.data import LibraryUnavailable
    real_next_due, failures = jobs.next_due, []

    def flaky_next_due(db):
        if len(failures) < 2:  # the server restarts while the runner is idle
            failures.append(1)
            raise LibraryUnavailable()
        return real_next_due(db)

    monkeypatch.setattr(jobs, "next_due", flaky_next_due)
    runner = Runner(mock_engine, concurrency=2, poll_s=0.05).start()
    try:
        wait_until(lambda: len(failures) == 2, what="the idle dispatcher to meet the outage")
        book_id = start(mock_engine, user)
        wait_until(lambda: not studio.progress(mock_engine, user.id, book_id).running, what="the book")
    finally:
        runner.stop()
    assert books.get(mock_engine.db(), user.id, book_id).status == books.READY
