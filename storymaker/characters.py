"""Characters: a user's cast, reusable across books."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path



from .data import Database
from . import avatars, user_text
from .errors import Invalid
from .files import BadStoreKey, Store, StoredFile, as_store, layout
from .db import now_iso, parse_id, write_transaction
from .models.base import CharacterLook

MAX_NAME, MAX_LOOK, MAX_PERSONALITY = 40, 300, 300


class CharacterError(Invalid):
    """Bad character input; the message says what to fix."""


@dataclass(frozen=True)
class Character:
    id: int
    user_id: int
    name: str
    look: str
    personality: str
    avatar_path: str | None  # relative to the data folder

    def to_look(self, files: Store | Path) -> CharacterLook:
        return CharacterLook(self.name, self.look, self.personality, read_avatar(files, self.avatar_path))


def read_avatar(files: Store | Path, avatar_path: str | None) -> bytes | None:
    """`files`: the store (or the data folder) the avatar key `avatar_path` is in."""
    if not avatar_path:
        return None
    try:
        # A missing avatar file must not stop a book; the figure is drawn instead.
        return as_store(files).get(avatar_path)
    except BadStoreKey:
        return None


def avatar_file(files: Store | Path, character: Character) -> StoredFile | None:
    """The character's stored picture, if it has one (the character was read for its owner)."""
    if not character.avatar_path:
        return None
    try:
        return as_store(files).stat(character.avatar_path)
    except BadStoreKey:
        return None


def parse_spec(spec: str) -> tuple[str, str]:
    """'Mia: a curious girl with red boots' -> ('Mia', 'a curious girl with red boots')."""
    name, _, look = (spec or "").partition(":")
    return clean_name(name), clean_words(look, MAX_LOOK)


def clean_words(words: str | None, limit: int) -> str:
    """A look or a personality: control and invisible characters dropped, at most `limit` characters."""
    return user_text.block(words)[:limit].rstrip()


def clean_name(name: str) -> str:
    cleaned = user_text.line(name)
    if not cleaned:
        if user_text.only_invisible(name):
            raise CharacterError("This name is made only of invisible characters; type a name people can read.")
        raise CharacterError("A character needs a name.")
    name = cleaned
    if user_text.formula_like(name):
        raise CharacterError("A character's name cannot start with =, +, - or @ "
                             "(a spreadsheet opening story.csv would run it as a formula).")
    if len(name) > MAX_NAME:
        raise CharacterError(f"A character's name has at most {MAX_NAME} characters.")
    if ";" in name:
        raise CharacterError("A character's name cannot contain ';' (it separates names in story.csv).")
    return name


def create(
    db: Database,
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
        [user_id, name, clean_words(look, MAX_LOOK), clean_words(personality, MAX_PERSONALITY), avatar_path, now, now],
    )
    return get(db, user_id, cursor.lastrowid)  # type: ignore[return-value]


def get(db: Database, user_id: int, character_id: int | str | None) -> Character | None:
    """The character, only if it belongs to `user_id`."""
    if (character_id := parse_id(character_id)) is None:  # e.g. an id too big for SQLite
        return None
    row = db.execute(
        "SELECT id, user_id, name, look, personality, avatar_path FROM characters WHERE id = ? AND user_id = ?",
        [character_id, user_id],
    ).fetchone()
    return Character(*row) if row else None


def list_for(db: Database, user_id: int) -> list[Character]:
    rows = db.execute(
        "SELECT id, user_id, name, look, personality, avatar_path FROM characters WHERE user_id = ? ORDER BY name COLLATE NOCASE, id",
        [user_id],
    ).fetchall()
    return [Character(*row) for row in rows]


def set_avatar(db: Database, user_id: int, character_id: int, avatar_path: str | None) -> None:
    db.execute(
        "UPDATE characters SET avatar_path = ?, updated_at = ? WHERE id = ? AND user_id = ?",
        [avatar_path, now_iso(), character_id, user_id],
    )


def update(
    db: Database,
    user_id: int,
    character_id: int,
    name: str,
    look: str = "",
    personality: str = "",
) -> Character | None:
    """Change a character's words; None when `user_id` has no such character.

    Books keep their own copy of the cast, so a book made earlier does not change.
    """
    name = clean_name(name)
    cursor = db.execute(
        "UPDATE characters SET name = ?, look = ?, personality = ?, updated_at = ? WHERE id = ? AND user_id = ?",
        [name, clean_words(look, MAX_LOOK), clean_words(personality, MAX_PERSONALITY), now_iso(),
         character_id, user_id],
    )
    return get(db, user_id, character_id) if cursor.rowcount == 1 else None


def save(
    db: Database,
    files: Store | Path,
    user_id: int,
    character_id: int | None,
    name: str,
    look: str = "",
    personality: str = "",
    picture: bytes | None = None,
) -> Character:
    """Create (`character_id` None) or edit a character, with an optional uploaded picture.

    Everything is checked before anything is stored: a bad name or a bad picture
    raises CharacterError or AvatarError and leaves the database and the disk as
    they were. A new picture replaces the old one.
    """
    name = clean_name(name)
    if character_id is not None and get(db, user_id, character_id) is None:
        raise CharacterError("That character no longer exists.")
    avatar_path = avatars.store(files, user_id, picture) if picture is not None else None
    try:
        with write_transaction(db):
            if character_id is None:
                character: Character | None = create(db, user_id, name, look, personality, avatar_path)
                old = None
            else:
                old = get(db, user_id, character_id).avatar_path  # type: ignore[union-attr]
                character = update(db, user_id, character_id, name, look, personality)
                if character is None:
                    raise CharacterError("That character no longer exists.")
                if avatar_path is not None:
                    set_avatar(db, user_id, character_id, avatar_path)
                    character = get(db, user_id, character_id)
    except BaseException:
        if avatar_path:
            as_store(files).delete(avatar_path)
        raise
    if avatar_path is not None and old:
        release_avatar(db, files, old)
    return character  # type: ignore[return-value]


def books_using(db: Database, user_id: int, character_id: int) -> list[tuple[int, str]]:
    """(id, title) of this user's books whose cast was made from the character."""
    return [
        (int(book_id), title)
        for book_id, title in db.execute(
            "SELECT DISTINCT b.id, b.title FROM books b JOIN book_characters bc ON bc.book_id = b.id "
            "WHERE b.user_id = ? AND bc.character_id = ? ORDER BY b.created_at DESC, b.id DESC",
            [user_id, character_id],
        ).fetchall()
    ]


def delete(db: Database, files: Store | Path, user_id: int, character_id: int) -> bool:
    """Delete the character; books keep their copy of it (and of its picture). False if not theirs."""
    character = get(db, user_id, character_id)
    if character is None:
        return False
    db.execute("DELETE FROM characters WHERE id = ? AND user_id = ?", [character_id, user_id])
    if character.avatar_path:
        release_avatar(db, files, character.avatar_path)
    return True


def release_avatar(db: Database, files: Store | Path, avatar_path: str) -> None:
    """Delete an avatar file once no character and no book's cast refers to it."""
    in_use = db.execute(
        "SELECT 1 FROM characters WHERE avatar_path = ? UNION ALL SELECT 1 FROM book_characters WHERE avatar_path = ? LIMIT 1",
        [avatar_path, avatar_path],
    ).fetchone()
    if in_use is None and layout.is_avatar_key(avatar_path):
        try:
            as_store(files).delete(avatar_path)
        except BadStoreKey:  # never stored by us: nothing to delete
            pass
