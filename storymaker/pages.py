"""A book's pages added, moved and removed (with Undo): the structure, whoever wrote the words.

Jobs name a page by its number (`jobs.scene`) and readers find a page's picture at its number's
keys (`scene_NN.png`, `thumbs/scene_NN.webp`), so a change of numbers is one write unit holding
the book (`data.jobs.lock_book`, as the queue's publish): the scene rows take their new numbers,
the jobs of every page follow their page (`data.jobs.follow_pages`), `books.scene_count` and
story.csv follow, and each page whose number changed gets its current take's picture at its new
keys (a page without one has its keys deleted, so no other page's picture shows there). Takes
hang on the scene row's id, so they follow with no file renamed; narration is found by its words'
fingerprint, so it follows too. A page job drawing meanwhile publishes by its row's id
(`handlers.PageHandler`), under the page's number at that moment.

A removed page is set aside, not deleted: its row takes minus its old number (read nowhere) and
keeps its words, note, takes and narration, so `undo_remove` puts it back exactly. Its active
jobs are canceled. A book keeps one set-aside page: the next removal purges it, and a new story
deletes it with the old pages (`story.save_scenes`).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import books, jobs, storage, story, styles, takes
from .data import books as book_rows
from .data import jobs as job_rows
from .data import takes as take_rows
from .engine import Engine
from .errors import Invalid, NotFound
from .files import layout
from .handlers import Kind
from .scenes import Scene
from .status import PageStatus

TOO_MANY = f"A book has at most {styles.MAX_SCENES} pages: remove one before adding another."
TOO_FEW = f"A book has at least {styles.MIN_SCENES} pages: add one before removing another."


@dataclass(frozen=True)
class Removed:
    """A page set aside by `remove`: what `undo_remove` needs, and what to tell the person."""

    scene_id: int
    number: int
    title: str


def _pages(engine: Engine, book_id: int) -> list[books.SceneRow]:
    """The book's pages, inside the caller's unit holding the book, every picture from before takes
    adopted as a take first: a picture only at its page's keys would be lost when the keys are rewritten."""
    db = engine.db()
    rows = books.scene_rows(db, book_id)
    counted = take_rows.counts_of_book(db, book_id)
    for row in rows:
        if not counted.get(row.id):
            takes.adopt(engine, book_id, takes.Page(row.id, row.scene.scene))
    return rows


def _renumber(engine: Engine, book_id: int, moves: dict[int, int]) -> None:
    db = engine.db()
    book_rows.renumber_scenes(db, book_id, moves)
    job_rows.follow_pages(db, book_id, moves)


def _settle(engine: Engine, book_id: int, numbers: range | list[int]) -> None:
    """After a change of numbers: the book's page count, story.csv, and the picture keys of `numbers`
    (each from the current take of the page now there; deleted where it has none or no page is there)."""
    db = engine.db()
    rows = books.scene_rows(db, book_id)
    book_rows.set_scene_count(db, book_id, len(rows))
    story.write_csv(engine, book_id, [row.scene for row in rows])
    current = takes.current_of_book(db, book_id)
    by_number = {row.scene.scene: row for row in rows}
    for number in numbers:
        stem = layout.scene_name(number)
        row = by_number.get(number)
        take = current.get(row.id) if row is not None else None
        png = engine.store.get(take.picture_key) if take else None
        thumb = engine.store.get(take.thumb_key) if take else None
        if png is not None and thumb is not None:
            storage.write_picture(engine.store, book_id, stem, (png, thumb))
        else:
            engine.store.delete(layout.picture_key(book_id, stem))
            engine.store.delete(layout.thumb_key(book_id, stem))


def add(engine: Engine, book_id: int, after: int, scene: Scene) -> int:
    """A new page after page `after` (0: first) with `scene`'s words (checked by the caller), its picture
    queued; the pages after it move down one. Invalid when the book is full. Its number."""
    db = engine.db()
    with db.write():
        job_rows.lock_book(db, book_id)
        rows = _pages(engine, book_id)
        count = len(rows)
        if count >= styles.MAX_SCENES:
            raise Invalid(TOO_MANY)
        if not 0 <= after <= count:
            raise NotFound(f"Book {book_id} has no page {after}.")
        number = after + 1
        _renumber(engine, book_id, {n: n + 1 for n in range(number, count + 1)})
        words = Scene(number, scene.title, scene.text, scene.illustration, scene.characters).as_row()
        book_rows.insert_scene(db, book_id, words, PageStatus.PENDING)
        _settle(engine, book_id, range(number, count + 2))
        jobs.enqueue(db, book_id, Kind.PAGE, number)
    jobs.wake()  # committed now: runners find the new page's job
    return number


def move(engine: Engine, book_id: int, number: int, direction: int) -> int:
    """Swap page `number` with the one before it (direction -1) or after it (+1); its new number.
    Invalid at the book's ends."""
    if direction not in (-1, 1):
        raise ValueError("a page moves one place up (-1) or down (+1)")
    db = engine.db()
    with db.write():
        job_rows.lock_book(db, book_id)
        rows = _pages(engine, book_id)
        if not 1 <= number <= len(rows):
            raise NotFound(f"Book {book_id} has no page {number}.")
        to = number + direction
        if not 1 <= to <= len(rows):
            raise Invalid(f"Page {number} is already the {'first' if direction < 0 else 'last'} page.")
        _renumber(engine, book_id, {number: to, to: number})
        _settle(engine, book_id, [number, to])
    return to


def remove(engine: Engine, book_id: int, number: int) -> Removed:
    """Set page `number` aside (its jobs canceled); the pages after it move up one. Invalid at the
    book's smallest size. The page set aside before is purged: only the last can be undone."""
    db = engine.db()
    with db.write():
        job_rows.lock_book(db, book_id)
        rows = _pages(engine, book_id)
        count = len(rows)
        row = next((r for r in rows if r.scene.scene == number), None)
        if row is None:
            raise NotFound(f"Book {book_id} has no page {number}.")
        if count <= styles.MIN_SCENES:
            raise Invalid(TOO_FEW)
        purge_set_aside(engine, book_id)
        # Jobs left at this hidden number by a page a new story replaced (its row went with the old pages).
        job_rows.follow_pages(db, book_id, {-number: job_rows.GONE})
        jobs.cancel_page(db, book_id, number, "the page was removed")
        _renumber(engine, book_id, {number: -number, **{n: n - 1 for n in range(number + 1, count + 1)}})
        _settle(engine, book_id, range(number, count + 1))
        jobs.refresh_book(db, book_id)
    return Removed(row.id, number, row.scene.title)


def undo_remove(engine: Engine, book_id: int, scene_id: int) -> int:
    """Put a page set aside by `remove` back at its old place (the pages from there move down one),
    with its words, takes, picture and narration; redrawn only if it has no picture, or was being
    drawn when it was removed. NotFound once it was purged; Invalid when the book is full. Its number."""
    db = engine.db()
    with db.write():
        job_rows.lock_book(db, book_id)
        row = book_rows.scene_by_id(db, book_id, scene_id)
        if row is None or row.scene >= 0:
            raise NotFound("That page cannot be put back any more.")
        rows = _pages(engine, book_id)
        count = len(rows)
        if count >= styles.MAX_SCENES:
            raise Invalid(f"A book has at most {styles.MAX_SCENES} pages: remove one to put this page back.")
        number = min(-row.scene, count + 1)
        _renumber(engine, book_id, {row.scene: number, **{n: n + 1 for n in range(number, count + 1)}})
        _settle(engine, book_id, range(number, count + 2))
        shown = takes.current_of_book(db, book_id).get(scene_id)
        if shown is None or row.status in (PageStatus.PENDING, PageStatus.DRAWING):
            jobs.enqueue(db, book_id, Kind.PAGE, number)  # its drawing was canceled with the removal
        jobs.refresh_book(db, book_id)
    jobs.wake()
    return number


def purge_set_aside(engine: Engine, book_id: int) -> int:
    """Delete the book's set-aside pages for good (rows, takes and their files); their jobs keep a
    number no page has. Inside the caller's unit holding the book. How many went."""
    db = engine.db()
    gone = book_rows.set_aside_rows(db, book_id)
    for row in gone:
        for take in take_rows.of_page(db, book_id, row.id):
            engine.store.delete(take.picture_key)
            engine.store.delete(take.thumb_key)
    job_rows.follow_pages(db, book_id, {row.scene: job_rows.GONE for row in gone})
    book_rows.delete_scenes(db, book_id, [row.id for row in gone])
    return len(gone)
