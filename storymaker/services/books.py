"""A user's books as a service: how many, their titles, one book, deleting one.

The shelf with covers and progress, and reading a book, are `storymaker.library`."""

from __future__ import annotations

from storymaker import books
from storymaker.books import Book
from storymaker.engine import Engine


def count_for(engine: Engine, user_id: int) -> int:
    return books.count_for(engine.db(), user_id)


def list_for(engine: Engine, user_id: int, limit: int = 24, offset: int = 0) -> list[Book]:
    """The user's books, newest first."""
    return books.list_for(engine.db(), user_id, limit=limit, offset=offset)


def get(engine: Engine, user_id: int, book_id: int | str | None) -> Book | None:
    """The user's own book, or None: anybody else's id is not found."""
    return books.get(engine.db(), user_id, book_id)


def delete(engine: Engine, user_id: int, book_id: int) -> bool:
    """The book, its pages and pictures, gone for good."""
    return books.delete(engine.db(), user_id, book_id, engine.store)
