"""The sample book: one click gives an empty account something to show.

It uses two sample characters (reused when the account already has characters by
those names) and goes through `studio.start_book` like any other book, so it is
made by the same background jobs and shows the same progress.
"""

from __future__ import annotations

from .. import characters
from . import studio
from ..books import BookOptions
from ..engine import Engine

CAST = (
    ("Mia", "a curious girl with red boots and a yellow raincoat", "brave, asks a lot of questions"),
    ("Pip", "a tiny grey cat with a white-tipped tail", "shy at first, loyal to the end"),
)
OPTIONS = BookOptions(
    title="The Lighthouse Cat",
    premise="On a stormy night Mia and Pip keep the lighthouse lamp lit so the boats find their way home.",
    age_band="3-5",
    scene_count=6,  # short, so a live demo has a whole book in moments
)


def sample_characters(engine: Engine, user_id: int) -> list[int]:
    db = engine.db()
    existing = {c.name.casefold(): c for c in characters.list_for(db, user_id)}
    ids = []
    for name, look, personality in CAST:
        character = existing.get(name.casefold()) or characters.create(db, user_id, name, look, personality)
        ids.append(character.id)
    return ids


def make_sample_book(engine: Engine, user_id: int) -> int:
    """Queue the sample book for the user; returns its id."""
    return studio.start_book(engine, user_id, OPTIONS, sample_characters(engine, user_id))
