"""`jobs.wait`: a screen waits a moment for the jobs it just queued, so a quick redraw is shown by the
click's own run. It is woken by this process's runners the moment a job ends, and finds a job another
process ended by looking again every `poll_s`."""

import threading
import time

import pytest

from storymaker import accounts, jobs
from storymaker.data import jobs as job_rows
from storymaker.data import now_iso
from storymaker.jobs import Kind, JobStatus
from storymaker.runner import Runner
from storymaker.errors import NotFound
from storymaker.scenes import Scene
from storymaker.services import pages, studio
from storymaker.models.errors import RefusedError

from tests.conftest import make_book


def redraw(engine, user, book_id, scene=2):
    return studio.regenerate_page(engine, user.id, book_id, scene)


def test_jobs_already_ended_are_answered_at_once_with_their_statuses(mock_engine, user):
    book_id = make_book(mock_engine, user.id)
    job_id = redraw(mock_engine, user, book_id)
    Runner(mock_engine).run_until_idle()
    assert jobs.wait(mock_engine.db(), [job_id], 0) == {job_id: JobStatus.SUCCEEDED}
    assert jobs.wait(mock_engine.db(), [], 0) == {}


def test_a_job_nobody_runs_is_waited_for_the_whole_time_then_none(mock_engine, user):
    book_id = make_book(mock_engine, user.id)
    job_id = redraw(mock_engine, user, book_id)
    started = time.monotonic()
    assert jobs.wait(mock_engine.db(), [job_id], 0.3) is None
    assert time.monotonic() - started >= 0.3  # not given up early
    assert studio.wait_for_page(mock_engine, user.id, book_id, 2, 0) is None


def test_a_runner_of_this_process_wakes_the_wait_the_moment_it_ends_the_job(mock_engine, user):
    book_id = make_book(mock_engine, user.id)
    job_id = redraw(mock_engine, user, book_id)
    runner = Runner(mock_engine, poll_s=60).start()
    try:
        started = time.monotonic()
        # A poll of a minute: only the runner's wake-up can end this wait before it times out.
        assert jobs.wait(mock_engine.db(), [job_id], 30, poll_s=60) == {job_id: JobStatus.SUCCEEDED}
        assert time.monotonic() - started < 15
    finally:
        runner.stop()


def test_a_failed_job_is_reported_as_failed(mock_engine, user):
    book_id = make_book(mock_engine, user.id)
    mock_engine.image_model.fail["2"] = [RefusedError("The picture was refused: safety system.")]
    job_id = redraw(mock_engine, user, book_id)
    Runner(mock_engine).run_until_idle()
    assert jobs.wait(mock_engine.db(), [job_id], 0) == {job_id: JobStatus.FAILED}


def test_a_job_ended_by_another_process_is_found_by_looking_again(mock_engine, user):
    book_id = make_book(mock_engine, user.id)
    job_id = redraw(mock_engine, user, book_id)
    db = mock_engine.db()

    def another_process_ends_it():
        time.sleep(0.2)
        job = jobs.claim(db, "elsewhere", [Kind.PAGE])
        assert job is not None and job.id == job_id
        job_rows.finish(db, job, JobStatus.FAILED, "ended elsewhere", now_iso())  # no wake-up here

    worker = threading.Thread(target=another_process_ends_it)
    worker.start()
    try:
        assert jobs.wait(db, [job_id], 30, poll_s=0.05) == {job_id: JobStatus.FAILED}
    finally:
        worker.join()


def test_a_pages_newest_picture_job_is_waited_for_by_its_number(mock_engine, user):
    book_id = make_book(mock_engine, user.id)
    number = pages.add_page(mock_engine, user.id, book_id, 1, Scene(0, "A shell", "Pip finds a shell.",
                                                                    "Pip with a shell on the sand", ()))
    assert studio.wait_for_page(mock_engine, user.id, book_id, number, 0) is None  # queued, nobody runs it
    Runner(mock_engine).run_until_idle()
    assert studio.wait_for_page(mock_engine, user.id, book_id, number, 0) == JobStatus.SUCCEEDED
    mock_engine.image_model.fail["3"] = [RefusedError("The picture was refused: safety system.")]
    redraw(mock_engine, user, book_id, 3)  # the newest of page 3's jobs is the one that counts
    Runner(mock_engine).run_until_idle()
    assert studio.wait_for_page(mock_engine, user.id, book_id, 3, 0) == JobStatus.FAILED
    mallory = accounts.get_or_create(mock_engine.db(), "mallory")
    with pytest.raises(NotFound):
        studio.wait_for_page(mock_engine, mallory.id, book_id, 3, 0)
