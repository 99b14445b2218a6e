"""Characters: a user's cast, reusable across books."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from .db import now_iso
from .models.base import CharacterLook

MAX_NAME, MAX_LOOK, MAX_PERSONALITY = 40, 300, 300


class CharacterError(ValueError):
    """Bad character input; the message says what to fix."""


@dataclass(frozen=True)
class Character:
    id: int
    user_id: int
    name: str
    look: str
    personality: str
    avatar_path: str | None  # relative to the data folder

    def to_look(self, data_dir: Path) -> CharacterLook:
        return CharacterLook(self.name, self.look, self.personality, read_avatar(data_dir, self.avatar_path))


def read_avatar(data_dir: Path, avatar_path: str | None) -> bytes | None:
    if not avatar_path:
        return None
    try:
        return (Path(data_dir) / avatar_path).read_bytes()
    except OSError:
        return None  # a missing avatar file must not stop a book; the figure is drawn instead


def parse_spec(spec: str) -> tuple[str, str]:
    """'Mia: a curious girl with red boots' -> ('Mia', 'a curious girl with red boots')."""
    name, _, look = (spec or "").partition(":")
    return clean_name(name), look.strip()[:MAX_LOOK]


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise CharacterError("A character needs a name.")
    if len(name) > MAX_NAME:
        raise CharacterError(f"A character's name has at most {MAX_NAME} characters.")
    if ";" in name:
        raise CharacterError("A character's name cannot contain ';' (it separates names in story.csv).")
    return name


def create(
    db: sqlite_utils.Database,
    user_id: int,
    name: str,
    look: str = "",
    personality: str = "",
    avatar_path: str | None = None,
) -> Character:
    name = clean_name(name)
    now = now_iso()
    cursor = db.execute(
        "INSERT INTO characters (user_id, name, look, personality, avatar_path, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [user_id, name, look.strip()[:MAX_LOOK], personality.strip()[:MAX_PERSONALITY], avatar_path, now, now],
    )
    return get(db, user_id, cursor.lastrowid)  # type: ignore[return-value]


def get(db: sqlite_utils.Database, user_id: int, character_id: int) -> Character | None:
    """The character, only if it belongs to `user_id`."""
    row = db.execute(
        "SELECT id, user_id, name, look, personality, avatar_path FROM characters WHERE id = ? AND user_id = ?",
        [character_id, user_id],
    ).fetchone()
    return Character(*row) if row else None


def list_for(db: sqlite_utils.Database, user_id: int) -> list[Character]:
    rows = db.execute(
        "SELECT id, user_id, name, look, personality, avatar_path FROM characters WHERE user_id = ? ORDER BY name COLLATE NOCASE, id",
        [user_id],
    ).fetchall()
    return [Character(*row) for row in rows]


def set_avatar(db: sqlite_utils.Database, user_id: int, character_id: int, avatar_path: str | None) -> None:
    db.execute(
        "UPDATE characters SET avatar_path = ?, updated_at = ? WHERE id = ? AND user_id = ?",
        [avatar_path, now_iso(), character_id, user_id],
    )
