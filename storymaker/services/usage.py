"""Model usage as a service: what each of a user's books cost in tokens, pictures and calls."""

from __future__ import annotations

from dataclasses import dataclass

from storymaker import usage
from storymaker.engine import Engine
from storymaker.usage import Usage


@dataclass(frozen=True)
class BookUsage:
    book_id: int
    title: str
    usage: Usage


def for_user(engine: Engine, user_id: int) -> list[BookUsage]:
    return [BookUsage(book_id, title, used) for book_id, title, used in usage.for_user(engine.db(), user_id)]
