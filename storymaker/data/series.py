"""Series: a book continues another's series through `books.series_id`, the id of the series' first
book (NULL on the first book itself and on a book of no series). Every book of a series is one user's.
Deleting a first book makes the next one first (`regroup`), so the others stay one series.

Locks on PostgreSQL: a new book of a series holds the first book's row FOR KEY SHARE while it is
stored, and deleting a first book takes its row FOR UPDATE before handing the series on, so a sequel
is never stored pointing at a first book being deleted (nor left out of the hand-over).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, func, select, update

from .database import Database
from .rows import from_row
from .schema import books

# The series a book groups under: its first book's id.
GROUP = func.coalesce(books.c.series_id, books.c.id)
_TRIES = 5  # a first book deleted while a sequel was being started: look again (it never repeats for long)


@dataclass(frozen=True)
class SeriesPlace:
    """Where a book stands in its series."""

    first_id: int
    first_title: str
    number: int  # 1 for the first book
    size: int  # how many books the series has


@dataclass(frozen=True)
class EarlierRow:
    id: int
    title: str
    premise: str


def hold_first_book(db: Database, user_id: int, book_id: int) -> int | None:
    """The first book of the series the user's book `book_id` is in (itself when it begins one or none),
    held until the unit ends so that it cannot be deleted meanwhile; None when the user has no such book."""
    with db.write() as conn:
        for _ in range(_TRIES):
            first = _first_of(conn, user_id, book_id)
            if first is None:
                return None
            held = conn.execute(
                select(books.c.id).where(books.c.id == first, books.c.user_id == user_id, books.c.series_id.is_(None))
                .with_for_update(read=True, key_share=True)
            ).first()
            # Once held, only this unit's end lets the series be handed on; before, it may just have been.
            if held is not None and _first_of(conn, user_id, book_id) == first:
                return first
    return None


def _first_of(conn, user_id: int, book_id: int) -> int | None:
    row = conn.execute(select(books.c.id, books.c.series_id)
                       .where(books.c.id == book_id, books.c.user_id == user_id)).first()
    return None if row is None else int(row.series_id or row.id)


def place(db: Database, user_id: int, first_id: int) -> SeriesPlace | None:
    """The series begun by the user's book `first_id`, as seen by a book added to it now."""
    with db.read() as conn:
        title = conn.execute(select(books.c.title).where(
            books.c.id == first_id, books.c.user_id == user_id, books.c.series_id.is_(None))).scalar_one_or_none()
        if title is None:
            return None
        size = conn.execute(select(func.count()).select_from(books).where(
            books.c.user_id == user_id, GROUP == first_id)).scalar_one()
    return SeriesPlace(first_id, title, int(size) + 1, int(size) + 1)


def earlier(db: Database, user_id: int, book_id: int, first_id: int, limit: int) -> list[EarlierRow]:
    """The last `limit` books of the user's series `first_id` made before `book_id`, oldest first."""
    with db.read() as conn:
        rows = conn.execute(
            select(books.c.id, books.c.title, books.c.premise)
            .where(books.c.user_id == user_id, GROUP == first_id, books.c.id < book_id)
            .order_by(books.c.id.desc()).limit(limit)
        ).all()
    return [from_row(EarlierRow, row) for row in reversed(rows)]


def regroup(db: Database, user_id: int, book_id: int) -> None:
    """Before the user's book `book_id` is deleted: when it begins a series, the next book of it begins
    it now, so the others stay one series (without it). Both rows are held, so neither a sequel being
    started nor that next book being deleted at the same time can slip between."""
    with db.write() as conn:
        row = conn.execute(select(books.c.series_id).where(books.c.id == book_id, books.c.user_id == user_id)
                           .with_for_update()).first()
        if row is None or row.series_id is not None:
            return
        for _ in range(_TRIES):
            following = conn.execute(select(books.c.id).where(books.c.series_id == book_id)
                                     .order_by(books.c.id).limit(1).with_for_update()).scalar()
            if following is not None:
                conn.execute(update(books).where(books.c.id == following).values(series_id=None))
                conn.execute(update(books).where(books.c.series_id == book_id).values(series_id=following))
                return
            # None: no other book, or (PostgreSQL) the next one was deleted while we waited for it.
            if not conn.execute(select(exists().where(books.c.series_id == book_id))).scalar():
                return
