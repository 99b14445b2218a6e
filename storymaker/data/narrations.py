"""The narrations table (a page's audio from a voice model, found by what it was made from) and
the book's narrator voice (`books.narration_voice`).

Rows are found by (book, fingerprint), never by page number: a fingerprint names the words, the
voice and the model, so the same words keep their audio wherever the page goes, and changed words
find none. Functions without a `user_id` serve background jobs, which act for the owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import delete, select, update

from .database import Database, now_iso
from .rows import from_row, from_rows, insert_on_conflict
from .schema import books, narrations


@dataclass(frozen=True)
class NarrationRow:
    id: int
    book_id: int
    fingerprint: str
    voice: str
    model: str
    audio_key: str
    mime: str
    duration_s: float
    bytes: int
    created_at: str


_COLUMNS = (narrations.c.id, narrations.c.book_id, narrations.c.fingerprint, narrations.c.voice,
            narrations.c.model, narrations.c.audio_key, narrations.c.mime, narrations.c.duration_s,
            narrations.c.bytes, narrations.c.created_at)


def find(db: Database, book_id: int, fingerprint: str) -> NarrationRow | None:
    with db.read() as conn:
        row = conn.execute(select(*_COLUMNS).where(narrations.c.book_id == book_id,
                                                   narrations.c.fingerprint == fingerprint)).first()
    return from_row(NarrationRow, row) if row is not None else None


def for_book(db: Database, book_id: int) -> list[NarrationRow]:
    """Every narration kept for the book, oldest first."""
    with db.read() as conn:
        return from_rows(NarrationRow, conn.execute(
            select(*_COLUMNS).where(narrations.c.book_id == book_id).order_by(narrations.c.id)))


def add(db: Database, book_id: int, fingerprint: str, *, voice: str, model: str, audio_key: str, mime: str,
        duration_s: float, size: int) -> None:
    """Keep a page's narration; a row already there for the same fingerprint stays as it is
    (two runners that made the same words both stored the same audio under the same key)."""
    with db.write() as conn:
        insert_on_conflict(conn, narrations, dict(
            book_id=book_id, fingerprint=fingerprint, voice=voice, model=model, audio_key=audio_key, mime=mime,
            duration_s=float(duration_s), bytes=int(size), created_at=now_iso()), conflict=("book_id", "fingerprint"))


def remove(db: Database, book_id: int, ids: Sequence[int]) -> None:
    if not ids:
        return
    with db.write() as conn:
        conn.execute(delete(narrations).where(narrations.c.book_id == book_id, narrations.c.id.in_(list(ids))))


def voice_of(db: Database, book_id: int) -> str | None:
    """The book's narrator voice, or None for the deployment's default."""
    with db.read() as conn:
        return conn.execute(select(books.c.narration_voice).where(books.c.id == book_id)).scalar_one_or_none()


def set_voice(db: Database, user_id: int, book_id: int, voice: str | None) -> bool:
    """Choose one of `user_id`'s books' narrator voice; False when there is no such book of theirs."""
    with db.write() as conn:
        done = conn.execute(update(books).where(books.c.id == book_id, books.c.user_id == user_id)
                            .values(narration_voice=voice))
        return done.rowcount == 1

