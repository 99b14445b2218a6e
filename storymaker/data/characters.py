"""The characters repository: a user's characters, and which books were made with them.

Names and words are checked in `storymaker.characters`; every function here that takes
a `user_id` touches only that user's characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import delete as sql_delete
from sqlalchemy import exists, func, insert, or_, select, update

from .database import Database, now_iso
from .rows import from_row
from .schema import book_characters, books, characters

COLUMNS = (characters.c.id, characters.c.user_id, characters.c.name, characters.c.look, characters.c.personality,
           characters.c.avatar_path, characters.c.pronoun)


@dataclass(frozen=True)
class Character:
    id: int
    user_id: int
    name: str
    look: str
    personality: str
    avatar_path: str | None  # the avatar's key in the picture store
    pronoun: str = ""  # he, she, they or name; "" when the story reads it from the look


@dataclass(frozen=True)
class BookTitle:
    id: int
    title: str


def create(db: Database, user_id: int, name: str, look: str, personality: str,
           avatar_path: str | None = None, pronoun: str = "") -> Character:
    now = now_iso()
    with db.write() as conn:
        row = conn.execute(
            insert(characters).values(user_id=user_id, name=name, look=look, personality=personality,
                                      pronoun=pronoun, avatar_path=avatar_path, created_at=now, updated_at=now).returning(*COLUMNS)
        ).one()
    return from_row(Character, row)


def get(db: Database, user_id: int, character_id: int) -> Character | None:
    """The character, only if it belongs to `user_id`."""
    with db.read() as conn:
        row = conn.execute(
            select(*COLUMNS).where(characters.c.id == character_id, characters.c.user_id == user_id)
        ).first()
    return from_row(Character, row) if row else None


def for_cast(db: Database, user_id: int, character_ids: Sequence[int]) -> dict[int, Character]:
    """The user's characters among `character_ids`, by id, to copy into a new book's cast.

    Inside the caller's write unit on PostgreSQL the rows stay locked against deletion
    until it commits (SQLite's write lock already does that), so the cast's references
    to them cannot dangle."""
    if not character_ids:
        return {}
    with db.read() as conn:
        rows = conn.execute(
            select(*COLUMNS).where(characters.c.user_id == user_id, characters.c.id.in_(list(character_ids)))
            .with_for_update(read=True, key_share=True)
        ).all()
    return {row.id: from_row(Character, row) for row in rows}


def list_for(db: Database, user_id: int) -> list[Character]:
    """The user's characters by name (ignoring case), then by age."""
    with db.read() as conn:
        rows = conn.execute(
            select(*COLUMNS).where(characters.c.user_id == user_id)
            .order_by(func.lower(characters.c.name), characters.c.id)
        ).all()
    return [from_row(Character, row) for row in rows]


def update_words(db: Database, user_id: int, character_id: int, name: str, look: str,
                 personality: str, pronoun: str = "") -> Character | None:
    """Change the character's words; None when the user has no such character."""
    with db.write() as conn:
        row = conn.execute(
            update(characters).where(characters.c.id == character_id, characters.c.user_id == user_id)
            .values(name=name, look=look, personality=personality, pronoun=pronoun, updated_at=now_iso()).returning(*COLUMNS)
        ).first()
    return from_row(Character, row) if row else None


def set_avatar(db: Database, user_id: int, character_id: int, avatar_path: str | None) -> Character | None:
    """Point the character at another avatar key (or none); None when the user has no such character."""
    with db.write() as conn:
        row = conn.execute(
            update(characters).where(characters.c.id == character_id, characters.c.user_id == user_id)
            .values(avatar_path=avatar_path, updated_at=now_iso()).returning(*COLUMNS)
        ).first()
    return from_row(Character, row) if row else None


def delete(db: Database, user_id: int, character_id: int) -> Character | None:
    """Delete the character (books keep their copy: ON DELETE SET NULL); what was deleted, or None."""
    with db.write() as conn:
        row = conn.execute(
            sql_delete(characters).where(characters.c.id == character_id, characters.c.user_id == user_id)
            .returning(*COLUMNS)
        ).first()
    return from_row(Character, row) if row else None


def books_using(db: Database, user_id: int, character_id: int) -> list[BookTitle]:
    """The user's books whose cast was copied from the character, newest first."""
    used = exists().where(book_characters.c.book_id == books.c.id, book_characters.c.character_id == character_id)
    with db.read() as conn:
        rows = conn.execute(
            select(books.c.id, books.c.title).where(books.c.user_id == user_id, used)
            .order_by(books.c.created_at.desc(), books.c.id.desc())
        ).all()
    return [from_row(BookTitle, row) for row in rows]


def avatar_in_use(db: Database, avatar_path: str) -> bool:
    """Whether any character or any book's cast still refers to this avatar key."""
    with db.read() as conn:
        return bool(conn.execute(select(or_(
            exists().where(characters.c.avatar_path == avatar_path),
            exists().where(book_characters.c.avatar_path == avatar_path),
        ))).scalar_one())
