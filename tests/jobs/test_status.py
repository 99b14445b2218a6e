"""The status words and the two rules derived from them, written once in `storymaker.status`."""

from storymaker import books, jobs
from storymaker.status import ACTIVE, BookStatus, JobStatus, PageStatus, book_status, is_making


def test_status_words_equal_the_stored_strings_and_the_old_names():
    assert [s.value for s in BookStatus] == ["draft", "generating", "ready", "needs attention", "canceled"]
    assert [s.value for s in PageStatus] == ["pending", "drawing", "done", "failed"]
    assert (books.DRAFT, books.GENERATING, books.READY, books.NEEDS_ATTENTION, books.CANCELED) == tuple(BookStatus)
    assert (books.PENDING, books.DRAWING, books.DONE, books.FAILED) == tuple(PageStatus)
    assert jobs.JobStatus is JobStatus and jobs.ACTIVE == ACTIVE
    assert BookStatus.NEEDS_ATTENTION == "needs attention" and f"{PageStatus.DONE}" == "done"


def test_a_books_status_comes_from_its_newest_jobs():
    assert book_status([]) == BookStatus.DRAFT
    assert book_status(["succeeded", "succeeded"]) == BookStatus.READY
    assert book_status(["succeeded", "canceled"]) == BookStatus.CANCELED
    assert book_status(["canceled", "failed", "succeeded"]) == BookStatus.NEEDS_ATTENTION
    assert book_status(["failed", "queued"]) == BookStatus.GENERATING
    assert book_status(iter(["running", "canceled"])) == BookStatus.GENERATING


def test_making_a_book_is_told_from_redrawing_pages_of_a_made_one():
    drawn = [("done", 1), ("done", 1)]
    assert not is_making("ready", "succeeded", drawn)  # nothing runs
    assert is_making("generating", "running", [])  # writing the story
    assert is_making("generating", "succeeded", [])  # the story is written, no rows read yet
    assert is_making("generating", "succeeded", [("done", 1), ("pending", 0)])  # a page never drawn
    assert is_making("generating", "succeeded", [("drawing", 0)])
    assert not is_making("generating", "succeeded", [("done", 1), ("pending", 1)])  # a redraw
    assert not is_making("generating", "succeeded", [("failed", 0), ("done", 1), ("drawing", 2)])


def test_a_page_added_to_a_made_book_is_not_making_it():
    added = [("done", 1), ("done", 2), ("pending", 0)]
    assert not is_making("generating", "succeeded", added, made=True)
    assert is_making("generating", "succeeded", added, made=False)  # the same rows while it is first made
    assert is_making("generating", "queued", added, made=True)  # a new story is always making it
