"""Drafts: a person's unsaved grid edits for one of their books, kept on the server while
they edit, so a reload, a crash or another device can offer them back.

The Studio keeps the draft level with the edits in its tab (`keep`), offers a draft to a
tab that has no edits of its own (`offer`: only what still differs from the saved words),
and ends it on Discard (`discard`); `review.save_edits` ends it with the save.
"""

from __future__ import annotations

from typing import Mapping

from .. import books
from ..data import drafts as repository
from ..engine import Engine
from ..errors import NotFound
from .review import EDITABLE, Edits, saved_words, unsaved


def keep(engine: Engine, user_id: int, book_id: int, edits: Mapping[int, Mapping[str, str]]) -> None:
    """Make `edits` the user's draft of the book, replacing the one before (no edits: no draft)."""
    clean = {int(scene): {c: str(v) for c, v in changes.items() if c in EDITABLE} for scene, changes in edits.items()}
    clean = {scene: changes for scene, changes in clean.items() if changes}
    db = engine.db()
    with db.write():
        books.own(db, user_id, book_id)
        if not clean:
            repository.delete(db, user_id, book_id)
        elif not repository.put(db, user_id, book_id, clean):  # only after a race with a delete: own() read it
            raise NotFound(f"There is no book {book_id} in your library.")


def offer(engine: Engine, user_id: int, book_id: int) -> Edits:
    """The user's draft of the book as far as it still differs from the saved words of pages the
    book still has ({} when nothing is left to offer)."""
    db = engine.db()
    with db.read():
        books.own(db, user_id, book_id)
        edits = repository.find(db, user_id, book_id)
        if not edits:
            return {}
        saved = {row.scene.scene: saved_words(row.scene) for row in books.scene_rows(db, book_id)}
    return unsaved(edits, saved)


def discard(engine: Engine, user_id: int, book_id: int) -> None:
    """Forget the user's draft of the book."""
    db = engine.db()
    with db.write():
        books.own(db, user_id, book_id)
        repository.delete(db, user_id, book_id)
