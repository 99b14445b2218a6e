"""What a job of each kind does, and what its state changes mean for the book's rows.

The queue (`jobs`) knows jobs, leases, attempts and retry budgets, nothing about
pages or covers. Each kind of job has a `Handler` registered here: `run` does the
work and publishes the result; the hooks (`queued`, `claimed`, `succeeded`,
`failed`, `requeued`, `book_canceled`) mirror the job's state where people see it,
e.g. a page job on its scene row. The queue calls the hooks inside its own write
transactions, so a claim and the page's "drawing" mark still land together.

A module of its own rather than part of `jobs`: handlers reach into story,
illustrate and storage, which the queue must not depend on; new kinds (export,
narration, moderation) add a handler here and leave the queue alone.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Callable, ContextManager, Sequence

from . import books, illustrate, narration, storage, story, takes
from .books import Book
from .data import Database
from .data import books as book_rows
from .data import jobs as job_rows
from .engine import Engine
from .files import layout
from .models.errors import ModelError
from .status import PageStatus

if TYPE_CHECKING:
    from .jobs import Job


class Kind(StrEnum):
    STORY = "story"
    COVER = "cover"
    PAGE = "page"
    NARRATION = "narration"


# `jobs.publishing` bound to the job: publish(follow_ups) opens the locked step that writes the result.
Publish = Callable[[Sequence[tuple[str, "int | None"]]], ContextManager[None]]


class Handler:
    """A kind of job. The hooks default to nothing: a kind without a row of its own mirrors nothing."""

    service = "picture"  # which model service it calls: a rate limit holds back the same service's jobs
    # Does its outcome decide the book's status (My Books)? Narration does not: a book is ready
    # without it, and a failed narration leaves the book readable (with the browser's voices).
    makes_book = True

    def run(self, engine: Engine, book: Book, job: Job, checkpoint: Callable[[], None], publish: Publish) -> None:
        raise ModelError(f"Unknown job kind {job.kind!r}.")

    def target(self, kind: str, scene: int | None) -> str:
        """What people call what the job makes, e.g. "the cover"."""
        return f"the {kind}"

    def queued(self, db: Database, book_id: int, scene: int | None) -> None:
        pass

    def claimed(self, db: Database, book_id: int, scene: int | None) -> None:
        pass

    def succeeded(self, db: Database, book_id: int, scene: int | None) -> None:
        pass

    def failed(self, db: Database, book_id: int, scene: int | None, message: str) -> None:
        pass

    def requeued(self, db: Database, book_id: int, scene: int | None, note: str | None = None) -> None:
        """Back in the queue; `note` says why it waits, for people (None: it simply runs again)."""

    def book_canceled(self, db: Database, book_id: int) -> None:
        """Every active job of the book was canceled."""


def _clean(engine: Engine, book: Book) -> None:
    # Called under the write lock: every writer of this folder is either done or dead,
    # so whatever temp file is left belongs to a runner that was killed mid-write.
    engine.store.remove_unfinished(layout.book_prefix(book.id))
    takes.remove_orphans(engine, book.id)  # and a killed runner's take files, whose row never committed


class StoryHandler(Handler):
    service = "text"

    def queued(self, db: Database, book_id: int, scene: int | None) -> None:
        book_rows.being_made(db, book_id)  # its pages are new until the book is next ready

    def run(self, engine: Engine, book: Book, job: Job, checkpoint: Callable[[], None], publish: Publish) -> None:
        scenes = story.ask_for_scenes(engine, book, checkpoint)
        with publish([(Kind.PAGE, s.scene) for s in scenes]):
            _clean(engine, book)
            story.save_scenes(engine, book.id, scenes)


class CoverHandler(Handler):
    def run(self, engine: Engine, book: Book, job: Job, checkpoint: Callable[[], None], publish: Publish) -> None:
        picture = storage.encode_picture(illustrate.render_cover(engine, book, checkpoint))
        with publish(()):
            _clean(engine, book)
            takes.store(engine, book.id, takes.COVER, picture, job_id=job.id, note=None, style=book.style,
                        seed=illustrate.cover_request(engine, book).seed, fit=illustrate.cover_fit(book))


class PageHandler(Handler):
    """A page job mirrors its state on its scene row: what the grid shows."""

    def target(self, kind: str, scene: int | None) -> str:
        return f"page {scene}"

    def run(self, engine: Engine, book: Book, job: Job, checkpoint: Callable[[], None], publish: Publish) -> None:
        # Found through the job, not the number it was claimed with: pages may have moved since.
        row = books.scene_of_job(engine.db(), job.id)
        if row is None:
            raise ModelError(f"Page {job.scene} is no longer in the story.")
        scene = row.scene
        # Encode before publishing: the write lock is held only to write the files.
        drawn = illustrate.render_page(engine, book, scene, checkpoint, take=row.image_version, note=row.note)
        picture = storage.encode_picture(drawn.image, drawn.png)
        with publish(()):
            _clean(engine, book)
            # The row by its id, with the book held: where the page is now (moved while this was drawn),
            # or nothing to publish when it was set aside or replaced (its jobs were canceled with it).
            now = books.scene_row_by_id(engine.db(), book.id, row.id)
            if now is not None:
                # Kept as a new take; it becomes the page's picture unless a take was chosen since this request.
                takes.store(engine, book.id, takes.Page(now.id, now.scene.scene), picture, job_id=job.id,
                            note=row.note, style=book.style, seed=illustrate.page_seed(book, scene, row.image_version),
                            fit=illustrate.page_fit(book, scene))

    @staticmethod
    def _mark(db: Database, book_id: int, scene: int | None, status: PageStatus,
              error: str | None = None, *, drawn: bool = False) -> None:
        if scene is not None:
            books.set_scene_status(db, book_id, scene, status, error, drawn=drawn)

    def queued(self, db: Database, book_id: int, scene: int | None) -> None:
        self._mark(db, book_id, scene, PageStatus.PENDING)

    def claimed(self, db: Database, book_id: int, scene: int | None) -> None:
        self._mark(db, book_id, scene, PageStatus.DRAWING)

    def succeeded(self, db: Database, book_id: int, scene: int | None) -> None:
        self._mark(db, book_id, scene, PageStatus.DONE, drawn=True)

    def failed(self, db: Database, book_id: int, scene: int | None, message: str) -> None:
        self._mark(db, book_id, scene, PageStatus.FAILED, message)

    def requeued(self, db: Database, book_id: int, scene: int | None, note: str | None = None) -> None:
        self._mark(db, book_id, scene, PageStatus.PENDING, note)

    def book_canceled(self, db: Database, book_id: int) -> None:
        books.cancel_unfinished_scenes(db, book_id, "Canceled before this page was drawn.")


class NarrationHandler(Handler):
    """A page's narration (scene 0: the cover's title) from the voice model; stored under what it
    was made from, so a job whose words changed meanwhile never labels audio with other words."""

    service = "voice"
    makes_book = False

    def target(self, kind: str, scene: int | None) -> str:
        return "the cover's narration" if not scene else f"page {scene}'s narration"

    def run(self, engine: Engine, book: Book, job: Job, checkpoint: Callable[[], None], publish: Publish) -> None:
        # The page's number now: a page moved since the claim took its jobs' numbers with it. The
        # audio is kept under its words' fingerprint, so whichever words it says, it labels them right.
        made = narration.make_page(engine, book, int(job_rows.scene_of(engine.db(), job.id) or 0), checkpoint)
        with publish(()):
            if made is not None:
                narration.keep(engine, book.id, made)


HANDLERS: dict[str, Handler] = {Kind.STORY: StoryHandler(), Kind.COVER: CoverHandler(), Kind.PAGE: PageHandler(),
                                Kind.NARRATION: NarrationHandler()}
_UNKNOWN = Handler()


def of(kind: str) -> Handler:
    """The handler of a job kind; an unknown kind (a row from a newer version) runs as a failure and mirrors nothing."""
    return HANDLERS.get(kind, _UNKNOWN)


def target(kind: str, scene: int | None) -> str:
    """What people call what a job makes: "page 3", "the cover"."""
    return of(kind).target(kind, scene)


def kinds_beside_the_book() -> list[str]:
    """The kinds whose jobs do not decide the book's status (narration)."""
    return [kind for kind, handler in HANDLERS.items() if not handler.makes_book]


def kinds_of_service(service: str) -> list[str]:
    return [kind for kind, handler in HANDLERS.items() if handler.service == service]
