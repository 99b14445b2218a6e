"""Jobs apart from books: the queue runs any kind that has a handler and calls its hooks inside its own
transactions; what a job means for a page lives in the page's handler."""

import pytest

from storymaker import books, handlers, jobs
from storymaker.services import studio
from storymaker.books import BookOptions
from storymaker.handlers import Kind
from storymaker.runner import Runner

from tests.conftest import make_book, make_cast
from tests.peek import value


def start(engine, user, scenes=4):
    return make_book(engine, user.id, "The Kite", scenes=scenes, run=False)


class Probe(handlers.Handler):
    """A kind the queue has never heard of: it records each hook and whether it ran inside a transaction."""

    def __init__(self, fail_with: str | None = None):
        self.calls: list[tuple[str, bool]] = []
        self.fail_with = fail_with

    def _note(self, db, what):
        self.calls.append((what, db.in_unit()))

    def run(self, engine, book, job, checkpoint, publish):
        checkpoint()
        if self.fail_with:
            from storymaker.models.errors import ModelError
            raise ModelError(self.fail_with)
        with publish(()):
            self._note(engine.db(), "publish")

    def queued(self, db, book_id, scene):
        self._note(db, "queued")

    def claimed(self, db, book_id, scene):
        self._note(db, "claimed")

    def succeeded(self, db, book_id, scene):
        self._note(db, "succeeded")

    def failed(self, db, book_id, scene, message):
        self._note(db, f"failed: {message}")


@pytest.fixture
def probe(monkeypatch):
    found = Probe()
    monkeypatch.setitem(handlers.HANDLERS, "probe", found)
    return found


def test_a_new_kind_runs_through_the_queue_by_registering_a_handler(mock_engine, user, probe):
    book_id = start(mock_engine, user)
    jobs.enqueue(mock_engine.db(), book_id, "probe")
    Runner(mock_engine).run_until_idle()
    assert probe.calls == [("queued", True), ("claimed", True), ("publish", True), ("succeeded", True)]
    assert books.get(mock_engine.db(), user.id, book_id).status == books.READY


def test_a_handlers_failure_reaches_its_hook_and_the_book(mock_engine, user, probe):
    probe.fail_with = "The probe broke."
    book_id = start(mock_engine, user)
    jobs.enqueue(mock_engine.db(), book_id, "probe")
    Runner(mock_engine).run_until_idle()
    assert probe.calls[-1] == ("failed: The probe broke.", True)
    book = books.get(mock_engine.db(), user.id, book_id)
    assert book.status == books.NEEDS_ATTENTION and book.error == "the probe: The probe broke."


def test_a_kind_without_a_handler_fails_with_a_message_and_mirrors_nothing(mock_engine, user):
    book_id = start(mock_engine, user)
    Runner(mock_engine).run_until_idle()
    db = mock_engine.db()
    jobs.enqueue(db, book_id, "mystery")
    job = jobs.claim(db, "w", ["mystery"])
    from storymaker.runner import execute
    execute(mock_engine, job)
    assert books.get(db, user.id, book_id).error == "the mystery: Unknown job kind 'mystery'."
    assert all(r.status == books.DONE for r in books.scene_rows(db, book_id))


def test_only_the_page_handler_mirrors_a_job_on_a_scene_row(mock_engine, user):
    book_id = start(mock_engine, user)
    Runner(mock_engine).run_until_idle()
    db = mock_engine.db()
    page, story = handlers.of(Kind.PAGE), handlers.of(Kind.STORY)
    story.failed(db, book_id, 2, "no row of its own")
    assert books.get_scene_row(db, book_id, 2).status == books.DONE
    page.failed(db, book_id, 2, "The page broke.")
    row = books.get_scene_row(db, book_id, 2)
    assert (row.status, row.error) == (books.FAILED, "The page broke.")
    assert (handlers.of(Kind.STORY).service, handlers.of(Kind.COVER).service) == ("text", "picture")
    assert sorted(handlers.kinds_of_service("picture")) == [Kind.COVER, Kind.PAGE]


def test_starting_a_book_is_one_transaction(mock_engine, user, monkeypatch):
    cast = make_cast(mock_engine, user.id)

    def broken(db, book_id, scene):
        raise RuntimeError("the cover could not be queued")

    monkeypatch.setattr(handlers.of(Kind.COVER), "queued", broken)
    with pytest.raises(RuntimeError):
        studio.start_book(mock_engine, user.id, BookOptions("The Kite", scene_count=4), cast)
    db = mock_engine.db()
    assert value(db, "SELECT COUNT(*) FROM books") == 0  # no book without its jobs
    assert value(db, "SELECT COUNT(*) FROM jobs") == 0
    monkeypatch.undo()
    book_id = studio.start_book(mock_engine, user.id, BookOptions("The Kite", scene_count=4), cast)
    assert books.get(db, user.id, book_id).status == books.GENERATING
    assert sorted(k for k, _, _ in jobs.latest(db, book_id)) == [Kind.COVER, Kind.STORY]


def test_a_swept_page_job_mirrors_crash_recovery_on_its_row(mock_engine, user, monkeypatch):
    from storymaker.clock import ManualClock
    clock = ManualClock()
    monkeypatch.setattr(jobs, "clock", clock)
    book_id = start(mock_engine, user)
    db = mock_engine.db()
    Runner(mock_engine).run_until_idle()
    jobs.enqueue(db, book_id, Kind.PAGE, 3)
    for attempt in (1, 2, 3):
        job = jobs.claim(db, f"dead-{attempt}", (Kind.PAGE,), lease_s=30)
        assert job.attempts == attempt and books.get_scene_row(db, book_id, 3).status == books.DRAWING
        clock.advance(31)  # the runner died: its lease runs out
        requeued, failed = jobs.sweep(db)
        row = books.get_scene_row(db, book_id, 3)
        if attempt < 3:
            assert (requeued, failed, row.status, row.error) == (1, 0, books.PENDING, None)
            assert books.get(db, user.id, book_id).status == books.GENERATING
    assert (requeued, failed, row.status) == (0, 1, books.FAILED)
    assert row.error == "The worker stopped while working on this page 3 times; giving up."
    assert books.get(db, user.id, book_id).status == books.NEEDS_ATTENTION


def test_what_people_call_a_jobs_target_comes_from_its_handler():
    assert [handlers.target(k, s) for k, s in [(Kind.PAGE, 3), (Kind.COVER, None), (Kind.STORY, None), ("mystery", 2)]] \
        == ["page 3", "the cover", "the story", "the mystery"]
    assert jobs.Wait(Kind.PAGE, 4, "busy", 0).target == "page 4"
