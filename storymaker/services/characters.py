"""Characters as a service: a user's cast; create, save, delete; an avatar uploaded or drawn."""

from __future__ import annotations

from storymaker import avatars, characters, safety
from storymaker.services import studio
from storymaker.characters import Character
from storymaker.engine import Engine


def list_for(engine: Engine, user_id: int) -> list[Character]:
    return characters.list_for(engine.db(), user_id)


def get(engine: Engine, user_id: int, character_id: int | str | None) -> Character | None:
    """The user's own character, or None (anybody else's id is not found)."""
    return characters.get(engine.db(), user_id, character_id)


def check_words(engine: Engine, user_id: int, name: str, look: str = "", personality: str = "") -> None:
    """A character's words, checked for safety in one call: `safety.InputRefused` names each refused
    field (name, look, personality); `safety.SafetyUnavailable` when the check cannot be made."""
    safety.require_safe(engine, {"name": name, "look": look, "personality": personality}, user_id=user_id)


def create(engine: Engine, user_id: int, name: str, look: str = "", personality: str = "") -> Character:
    check_words(engine, user_id, name, look, personality)
    return characters.create(engine.db(), user_id, name, look, personality)


def save(engine: Engine, user_id: int, character_id: int | None, name: str, look: str, personality: str,
         avatar: bytes | None = None, pronoun: str = "") -> Character:
    """Create (no id) or update; nothing is saved unless everything is right (safe words included)."""
    characters.clean_name(name)  # a name that cannot be used is named before the safety check
    check_words(engine, user_id, name, look, personality)
    return characters.save(engine.db(), engine.store, user_id, character_id, name, look, personality, avatar, pronoun)


def books_using(engine: Engine, user_id: int, character_id: int) -> list[tuple[int, str]]:
    """(id, title) of the user's books made with this character."""
    return characters.books_using(engine.db(), user_id, character_id)


def delete(engine: Engine, user_id: int, character_id: int) -> bool:
    return characters.delete(engine.db(), engine.store, user_id, character_id)


def set_avatar(engine: Engine, user_id: int, character_id: int, picture: bytes) -> None:
    """Store the picture (cleaned and scaled; `AvatarError` if it cannot be used) as the avatar."""
    relative = avatars.store(engine.store, user_id, picture)
    characters.set_avatar(engine.db(), user_id, character_id, relative)


def draw_avatar(engine: Engine, user_id: int, character_id: int) -> Character:
    """Paint a portrait with the current image model and keep it as the avatar (`ModelError` if it fails)."""
    return studio.draw_avatar(engine, user_id, character_id)
