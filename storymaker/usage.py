"""Usage accounting: tokens, pictures and narrated characters per book."""

from __future__ import annotations

from .data import Database
from .data import usage as repository
from .data.usage import Usage

__all__ = ["Usage", "for_book", "for_user", "record"]


def record(
    db: Database,
    book_id: int,
    kind: str,
    model: str,
    *,
    input_tokens: int = 0,
    output_tokens: int = 0,
    images: int = 0,
    characters: int = 0,
) -> None:
    repository.record(db, book_id, kind, model, input_tokens=input_tokens, output_tokens=output_tokens,
                      images=images, characters=characters)


def for_book(db: Database, book_id: int) -> Usage:
    return repository.for_book(db, book_id)


def for_user(db: Database, user_id: int) -> list[tuple[int, str, Usage]]:
    """(book id, title, usage) for each of the user's books, newest first."""
    return [(row.book_id, row.title, row.usage) for row in repository.for_user(db, user_id)]
