"""The status words of books, pages and jobs, and the rules that derive one from another.

Every status is a `StrEnum`: a member equals its word, so stored rows, comparisons
with plain strings and the grid's labels are unchanged. The two rules that used to be
written in several places live here once: what a book's status is, given its jobs
(`book_status`), and whether a running book is being made or only has pages redrawn
(`is_making`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Iterable


class BookStatus(StrEnum):
    """What My Books shows for a book."""

    DRAFT = "draft"
    GENERATING = "generating"
    READY = "ready"
    NEEDS_ATTENTION = "needs attention"
    CANCELED = "canceled"


class PageStatus(StrEnum):
    """What the grid shows for a page (a scene row)."""

    PENDING = "pending"
    DRAWING = "drawing"
    DONE = "done"
    FAILED = "failed"


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELED = "canceled"


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


def book_status(job_statuses: Iterable[str]) -> BookStatus:
    """The book's status from the statuses of its newest job per target (older, superseded jobs do not count).

    Anything still to run makes it generating; else one failure needs attention; else
    a cancel shows; else it is ready once it had any job, a draft before.
    """
    seen = set(job_statuses)
    if seen & set(ACTIVE):
        return BookStatus.GENERATING
    if JobStatus.FAILED in seen:
        return BookStatus.NEEDS_ATTENTION
    if JobStatus.CANCELED in seen:
        return BookStatus.CANCELED
    return BookStatus.READY if seen else BookStatus.DRAFT


def is_making(book: str, story: str | None, pages: Iterable[tuple[str, int]], made: bool = False) -> bool:
    """Is the book being made (its story, or pages never drawn yet), rather than a made book having
    pages redrawn or added? `book` is its status, `story` its story job's status, `pages` (status, image
    version) per scene row, `made` whether it was ready once since its story was written (a page added
    to it is never drawn yet, but the book is not being made). Making shows progress only; redrawing
    keeps the grid, each page updating in it."""
    if book != BookStatus.GENERATING:
        return False
    if story in ACTIVE:
        return True
    pages = list(pages)
    return not pages or not made and any(
        version == 0 and status in (PageStatus.PENDING, PageStatus.DRAWING) for status, version in pages)
