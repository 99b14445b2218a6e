"""New adventures: a new book with an earlier book's cast, style, age band and language, in its series.

The Studio's form is prefilled from `new_adventure`; `studio.start_book(..., sequel_of=...)` then
stores the new book in the series. My Books' grouping comes with the shelf (`library.shelf`).
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import books, characters
from ..books import Book
from ..data import books as book_rows
from ..data import series as series_rows
from ..engine import Engine
from ..errors import NotFound
from ..series import SeriesPlace


@dataclass(frozen=True)
class NewAdventure:
    """What the new-book form starts from for a new adventure of `book`'s cast."""

    book: Book  # the book it follows
    character_ids: tuple[int, ...]  # the cast's characters the user still has, in the cast's order
    gone: tuple[str, ...]  # the names of cast members whose character the user has since deleted
    series: SeriesPlace  # where the new book would stand in the series

    @property
    def gone_note(self) -> str | None:
        """"Mira is no longer in your characters." (None when the whole cast is still there)."""
        if not self.gone:
            return None
        names = self.gone[0] if len(self.gone) == 1 else ", ".join(self.gone[:-1]) + " and " + self.gone[-1]
        return f"{names} {'is' if len(self.gone) == 1 else 'are'} no longer in your characters."


def new_adventure(engine: Engine, user_id: int, book_id: int) -> NewAdventure:
    """The prefill for a new adventure of the user's book (NotFound for anybody else's)."""
    db = engine.db()
    with db.read():  # one snapshot: the book, its cast and the characters still there, its series
        book = books.own(db, user_id, book_id)
        members = book_rows.cast_of(db, book.id)
        kept = characters.for_cast(db, user_id, [m.character_id for m in members if m.character_id is not None])
        place = series_rows.place(db, user_id, book.series_id or book.id)
    if place is None:
        raise NotFound(f"There is no book {book_id} in your library.")
    ids = tuple(m.character_id for m in members if m.character_id in kept)
    gone = tuple(m.name for m in members if m.character_id not in kept)
    return NewAdventure(book, ids, gone, place)
