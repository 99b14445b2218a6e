"""A user's library: the shelf My Books shows, and a book laid out for reading.

Both start from the acting user's id, so a screen can pass a book id it read from
the URL: a book of somebody else is simply not there. Picture keys are built
here from stored ids, never from anything a person typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import books
from . import studio
from ..books import Book
from ..engine import Engine
from ..errors import NotFound
from ..files import StoredFile, layout
from ..series import SeriesPlace
from .studio import MissingPictures

PER_PAGE = 24


@dataclass(frozen=True)
class ShelfBook:
    book: Book
    cover: StoredFile | None  # the cover's thumbnail, once drawn
    progress: float | None  # 0..1 while the book is being made, else None
    pages_done: int = 0
    waiting: str | None = None  # why the book is waiting before it tries again, in words
    missing: MissingPictures = MissingPictures()  # drawn pictures no longer on disk
    series: SeriesPlace | None = None  # its place in its series; None for a book of no series


def shelf_pages(engine: Engine, user_id: int, per_page: int = PER_PAGE) -> int:
    """How many pages of books the user's shelf has (at least 1)."""
    return max(1, -(-books.count_for(engine.db(), user_id) // per_page))


def shelf(engine: Engine, user_id: int, page: int = 1, per_page: int = PER_PAGE) -> list[ShelfBook]:
    """One page (1-based) of the user's books, newest first, a series' books together in series order
    where its newest book would stand (a series may run on to the next page)."""
    page = max(1, int(page))
    items = []
    for book, place in books.shelf(engine.db(), user_id, limit=per_page, offset=(page - 1) * per_page):
        progress, done, waiting, missing = None, 0, None, MissingPictures()
        if book.status == books.GENERATING:
            try:
                now = studio.progress(engine, user_id, book.id)
                progress, done, waiting = now.fraction, now.pages_done, now.waiting
            except NotFound:  # deleted between the two reads
                continue
        elif book.status != books.DRAFT and not studio.all_pictures_on_disk(engine, book):
            # The book is the user's (list_for read it for them); which pictures are missing needs its rows.
            missing = studio.missing_in(engine, book.id, books.scene_rows(engine.db(), book.id))
        thumb = engine.store.stat(layout.thumb_key(book.id, layout.COVER))
        items.append(ShelfBook(book, thumb, progress, done, waiting, missing, place))
    return items


def any_generating(engine: Engine, user_id: int) -> bool:
    return books.any_generating(engine.db(), user_id)


@dataclass(frozen=True)
class ReadingPage:
    number: int  # 0 is the cover, then 1..N
    title: str
    text: str
    picture: StoredFile | None  # None until it is drawn


@dataclass(frozen=True)
class Reading:
    book: Book
    pages: list[ReadingPage]  # the cover first, then the story's pages in order
    missing: MissingPictures = MissingPictures()  # drawn pictures no longer on disk

    def page(self, number: int) -> ReadingPage:
        """Page `number`, clamped to the book (a stale link still opens something sensible)."""
        return self.pages[max(0, min(int(number), len(self.pages) - 1))]


def read(engine: Engine, user_id: int, book_id: int) -> Reading | None:
    """The user's book laid out for reading, or None when they have no such book."""
    db = engine.db()
    book = books.get(db, user_id, book_id)
    if book is None:
        return None
    names = book.names
    cast = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    pages = [ReadingPage(0, book.title, f"A story about {cast}." if cast else "", engine.store.stat(layout.cover_key(book.id)))]
    rows = books.scene_rows(db, book.id)
    for row in rows:
        picture = engine.store.stat(layout.page_key(book.id, row.scene.scene))
        pages.append(ReadingPage(row.scene.scene, row.scene.title, row.scene.text, picture))
    return Reading(book, pages, studio.missing_in(engine, book.id, rows))
