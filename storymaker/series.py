"""Series: a book made as a new adventure of an earlier one's cast continues its series, and its story
is told what the earlier books were about (`earlier_books`), from their stored pages: no model call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from . import books
from .books import Book
from .data import Database
from .data import series as repository
from .data.series import SeriesPlace
from .scenes import Scene

__all__ = ["EarlierBook", "SeriesPlace", "earlier_books", "summary"]

MAX_EARLIER = 3  # the story prompt names at most the last three earlier books
MAX_SUMMARY = 300  # characters of each one's summary
MAX_SENTENCE = 120
_SENTENCE = re.compile(r".+?[.!?…](?=[\s\"'”’)]*(\s|$))", re.DOTALL)


@dataclass(frozen=True)
class EarlierBook:
    title: str
    summary: str  # a few sentences of its own pages, at most MAX_SUMMARY characters


def earlier_books(db: Database, book: Book) -> list[EarlierBook]:
    """The earlier books of `book`'s series (its owner's only), oldest first, the last MAX_EARLIER of them."""
    if book.series_id is None:
        return []
    rows = repository.earlier(db, book.user_id, book.id, book.series_id, MAX_EARLIER)
    return [EarlierBook(row.title, summary([r.scene for r in books.scene_rows(db, row.id)], row.premise))
            for row in rows]


def summary(scenes: Sequence[Scene], premise: str = "") -> str:
    """What a book was about, from its pages: the first sentence of its opening page, of the page where
    the trouble starts (about two fifths in, where the story arc puts it) and of the page that resolves
    it (the one before last). A book without pages (its story never written) gives its premise."""
    if not scenes:
        return _cut(" ".join(premise.split()), MAX_SUMMARY)
    last = len(scenes) - 1
    picks = sorted({0, round(last * 0.4), max(0, last - 1)})
    return _cut(" ".join(s for s in (_first_sentence(scenes[i].text) for i in picks) if s), MAX_SUMMARY)


def _first_sentence(text: str) -> str:
    words = " ".join(text.split())
    found = _SENTENCE.match(words)
    return _cut(found.group(0) if found else words, MAX_SENTENCE)


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
