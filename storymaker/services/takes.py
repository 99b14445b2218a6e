"""A page's takes for the Studio: listed with their thumbnails, one made current, deleted;
and the space each of a user's books' takes use (Settings).

Every function takes the acting user's id and touches only that user's books.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import books, takes
from ..engine import Engine
from ..files import StoredFile, layout
from ..takes import BookTakes


@dataclass(frozen=True)
class Take:
    id: int
    number: int
    note: str | None
    style: str
    created_at: str
    bytes: int
    current: bool
    thumbnail: StoredFile | None  # None when its file is missing


def _page(engine: Engine, user_id: int, book_id: int, scene: int | None) -> takes.Page:
    books.own(engine.db(), user_id, book_id)
    return takes.COVER if scene is None else takes.page_of(engine.db(), book_id, scene)


def of_page(engine: Engine, user_id: int, book_id: int, scene: int | None) -> list[Take]:
    """The page's takes (the cover's with `scene` None), oldest first, each with its thumbnail."""
    books.own(engine.db(), user_id, book_id)
    found = takes.of_page_number(engine.db(), book_id, scene)
    if not found:  # none yet: a picture from before takes is adopted as take 1
        found = takes.of_page(engine, book_id, _page(engine, user_id, book_id, scene))
    return [Take(t.id, t.number, t.note, t.style, t.created_at, t.bytes, bool(t.current),
                 engine.store.stat(t.thumb_key))
            for t in found]


def cover(engine: Engine, user_id: int, book_id: int) -> StoredFile | None:
    """The user's book's cover as it is shown (its current take), None before it is drawn."""
    books.own(engine.db(), user_id, book_id)
    return engine.store.stat(layout.cover_key(book_id))


def use(engine: Engine, user_id: int, book_id: int, take_id: int) -> int:
    """Make one of the user's takes the page's picture; its number."""
    books.own(engine.db(), user_id, book_id)
    return takes.use(engine, book_id, take_id).number


def delete(engine: Engine, user_id: int, book_id: int, take_id: int) -> int:
    """Delete one take (never the current one); its number."""
    books.own(engine.db(), user_id, book_id)
    return takes.delete(engine, book_id, take_id).number


def delete_all_but_current(engine: Engine, user_id: int, book_id: int, scene: int | None) -> int:
    return takes.delete_all_but_current(engine, book_id, _page(engine, user_id, book_id, scene))


def space_per_book(engine: Engine, user_id: int) -> list[BookTakes]:
    """Each of the user's books with takes: how many and the bytes they use."""
    return takes.usage_for(engine.db(), user_id)

