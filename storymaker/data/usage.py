"""The usage repository: one row per model call, summed per book and per user."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, insert, select

from .database import Database, now_iso
from .rows import from_row
from .schema import books, usage


@dataclass(frozen=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    images: int = 0
    calls: int = 0
    characters: int = 0  # said by a voice model (narration)


@dataclass(frozen=True)
class BookUsage:
    book_id: int
    title: str
    usage: Usage = field(default_factory=Usage)


def _totals(calls):
    """The summed columns of `Usage`, labelled by its field names (0 when there is no call)."""
    return (func.coalesce(func.sum(usage.c.input_tokens), 0).label("input_tokens"),
            func.coalesce(func.sum(usage.c.output_tokens), 0).label("output_tokens"),
            func.coalesce(func.sum(usage.c.images), 0).label("images"),
            calls.label("calls"),
            func.coalesce(func.sum(usage.c.characters), 0).label("characters"))


def _usage(row) -> Usage:
    # PostgreSQL sums integers as bigint or numeric; people read whole numbers.
    return Usage(**{name: int(value) for name, value in vars(from_row(Usage, row)).items()})


def record(db: Database, book_id: int, kind: str, model: str, *, input_tokens: int = 0, output_tokens: int = 0,
           images: int = 0, characters: int = 0) -> None:
    with db.write() as conn:
        conn.execute(insert(usage).values(book_id=book_id, kind=kind, model=model, input_tokens=int(input_tokens),
                                          output_tokens=int(output_tokens), images=int(images),
                                          characters=int(characters), created_at=now_iso()))


def for_book(db: Database, book_id: int) -> Usage:
    with db.read() as conn:
        row = conn.execute(select(*_totals(func.count())).where(usage.c.book_id == book_id)).one()
    return _usage(row)


def for_user(db: Database, user_id: int) -> list[BookUsage]:
    """Every one of the user's books with what it used (nothing yet counts as zero), newest first."""
    with db.read() as conn:
        rows = conn.execute(
            select(books.c.id.label("book_id"), books.c.title, *_totals(func.count(usage.c.id)))
            .select_from(books.outerjoin(usage, usage.c.book_id == books.c.id))
            .where(books.c.user_id == user_id)
            .group_by(books.c.id, books.c.title, books.c.created_at)
            .order_by(books.c.created_at.desc(), books.c.id.desc())
        ).all()
    return [BookUsage(int(row.book_id), row.title, _usage(row)) for row in rows]
