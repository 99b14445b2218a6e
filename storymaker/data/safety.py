"""The safety_refusals table: why the safety checks refused an input, a page of a story or a
picture, with the categories and the scores (`storymaker.safety` decides; this keeps the record).
Every read takes the owner's id."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Mapping, Sequence

from sqlalchemy import insert, select

from .database import Database, now_iso
from .schema import books, safety_refusals

EXCERPT = 200  # characters of the checked words kept with a refusal


@dataclass(frozen=True)
class NewRefusal:
    stage: str  # input, story, picture
    subject: str  # "title", "page 3", "the picture of page 3"
    checker: str
    categories: tuple[str, ...]
    scores: Mapping[str, float]
    excerpt: str = ""
    outcome: str = "refused"


@dataclass(frozen=True)
class Refusal:
    id: int
    book_id: int | None
    book_title: str | None
    stage: str
    subject: str
    checker: str
    outcome: str
    categories: tuple[str, ...]
    scores: dict[str, float]
    excerpt: str
    created_at: str


def add(db: Database, user_id: int, book_id: int | None, refusals: Sequence[NewRefusal]) -> None:
    if not refusals:
        return
    at = now_iso()
    with db.write() as conn:
        conn.execute(insert(safety_refusals), [dict(
            user_id=user_id, book_id=book_id, stage=r.stage, subject=r.subject[:200], checker=r.checker[:100],
            outcome=r.outcome, categories=json.dumps(list(r.categories)),
            scores=json.dumps({k: round(float(v), 4) for k, v in r.scores.items()}, sort_keys=True),
            excerpt=r.excerpt[:EXCERPT], created_at=at) for r in refusals])


def for_user(db: Database, user_id: int, *, book_id: int | None = None, limit: int = 50) -> list[Refusal]:
    """The user's refusals, newest first (of one book of theirs, with `book_id`)."""
    query = (select(safety_refusals, books.c.title)
             .select_from(safety_refusals.outerjoin(books, books.c.id == safety_refusals.c.book_id))
             .where(safety_refusals.c.user_id == user_id))
    if book_id is not None:
        query = query.where(safety_refusals.c.book_id == book_id)
    with db.read() as conn:
        rows = conn.execute(query.order_by(safety_refusals.c.id.desc()).limit(limit)).mappings().all()
    return [Refusal(row["id"], row["book_id"], row["title"], row["stage"], row["subject"], row["checker"],
                    row["outcome"], tuple(json.loads(row["categories"])), dict(json.loads(row["scores"])),
                    row["excerpt"], row["created_at"]) for row in rows]
