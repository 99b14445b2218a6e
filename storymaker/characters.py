"""Characters: a user's cast, reusable across books (stored by `data.characters`)."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from . import avatars, user_text
from .data import Database, parse_id
from .data import characters as repository
from .data.characters import Character
from .errors import Invalid
from .files import BadStoreKey, Store, StoredFile, as_store, layout

MAX_NAME, MAX_LOOK, MAX_PERSONALITY = 40, 300, 300


class CharacterError(Invalid):
    """Bad character input; the message says what to fix."""


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


# How the story refers back to a character; "" reads it from the look ("a girl" is she).
PRONOUNS = {"": "from the look", "he": "he", "she": "she", "they": "they", "name": "use the name"}


def clean_pronoun(pronoun: str | None) -> str:
    value = (pronoun or "").strip().lower()
    if value not in PRONOUNS:
        raise CharacterError("A character's pronoun is he, she, they, the name, or read from the look.")
    return value


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
    pronoun: str = "",
) -> Character:
    return repository.create(db, user_id, clean_name(name), clean_words(look, MAX_LOOK),
                             clean_words(personality, MAX_PERSONALITY), avatar_path, clean_pronoun(pronoun))


def get(db: Database, user_id: int, character_id: int | str | None) -> Character | None:
    """The character, only if it belongs to `user_id`."""
    if (character_id := parse_id(character_id)) is None:  # e.g. an id too big for a row id
        return None
    return repository.get(db, user_id, character_id)


def for_cast(db: Database, user_id: int, character_ids: Sequence[int | str]) -> dict[int, Character]:
    """The user's characters among `character_ids`, by id (ids that are not theirs are left out).
    Read inside the write unit that makes a book, they cannot be deleted before it commits."""
    ids = [i for i in map(parse_id, character_ids) if i is not None]
    return repository.for_cast(db, user_id, ids)


def list_for(db: Database, user_id: int) -> list[Character]:
    return repository.list_for(db, user_id)


def set_avatar(db: Database, user_id: int, character_id: int, avatar_path: str | None) -> None:
    repository.set_avatar(db, user_id, character_id, avatar_path)


def update(
    db: Database,
    user_id: int,
    character_id: int,
    name: str,
    look: str = "",
    personality: str = "",
    pronoun: str = "",
) -> Character | None:
    """Change a character's words; None when `user_id` has no such character.

    Books keep their own copy of the cast, so a book made earlier does not change.
    """
    return repository.update_words(db, user_id, character_id, clean_name(name), clean_words(look, MAX_LOOK),
                                   clean_words(personality, MAX_PERSONALITY), clean_pronoun(pronoun))


def save(
    db: Database,
    files: Store | Path,
    user_id: int,
    character_id: int | None,
    name: str,
    look: str = "",
    personality: str = "",
    picture: bytes | None = None,
    pronoun: str = "",
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
        with db.write():
            if character_id is None:
                character: Character | None = create(db, user_id, name, look, personality, avatar_path, pronoun)
                old = None
            else:
                before = get(db, user_id, character_id)
                character = update(db, user_id, character_id, name, look, personality, pronoun)
                if before is None or character is None:
                    raise CharacterError("That character no longer exists.")
                old = before.avatar_path
                if avatar_path is not None:
                    character = repository.set_avatar(db, user_id, character_id, avatar_path)
    except BaseException:
        if avatar_path:
            as_store(files).delete(avatar_path)
        raise
    if avatar_path is not None and old:
        release_avatar(db, files, old)
    return character  # type: ignore[return-value]


def books_using(db: Database, user_id: int, character_id: int) -> list[tuple[int, str]]:
    """(id, title) of this user's books whose cast was made from the character."""
    return [(used.id, used.title) for used in repository.books_using(db, user_id, character_id)]


def delete(db: Database, files: Store | Path, user_id: int, character_id: int) -> bool:
    """Delete the character; books keep their copy of it (and of its picture). False if not theirs."""
    character = repository.delete(db, user_id, character_id)
    if character is None:
        return False
    if character.avatar_path:
        release_avatar(db, files, character.avatar_path)
    return True


def release_avatar(db: Database, files: Store | Path, avatar_path: str) -> None:
    """Delete an avatar file once no character and no book's cast refers to it."""
    if not repository.avatar_in_use(db, avatar_path) and layout.is_avatar_key(avatar_path):
        try:
            as_store(files).delete(avatar_path)
        except BadStoreKey:  # never stored by us: nothing to delete
            pass
