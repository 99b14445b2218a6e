"""The drafts repository: a person's unsaved grid edits for one of their books, kept on the
server so a reload, a crash or another device can offer them back.

In Python a draft is {scene: {column: text}} with scene numbers as ints; in the row it is
JSON text, whose keys are strings. A row that cannot be read back (hand-edited, say) reads
as no draft rather than breaking the Studio.
"""

from __future__ import annotations

import json
from typing import Mapping

from sqlalchemy import delete as sql_delete
from sqlalchemy import select

from .database import Database, now_iso
from .rows import insert_on_conflict
from .schema import books, drafts

Edits = dict[int, dict[str, str]]


def encode(edits: Mapping[int, Mapping[str, str]]) -> str:
    """The edits as JSON text, scenes in order (a scene without changes is left out)."""
    return json.dumps({str(int(scene)): {str(column): str(text) for column, text in changes.items()}
                       for scene, changes in sorted(edits.items(), key=lambda item: int(item[0])) if changes},
                      ensure_ascii=False)


def decode(text: str | None) -> Edits:
    """The edits from JSON text; whatever does not have the draft's shape is left out."""
    try:
        loaded = json.loads(text or "{}")
    except ValueError:
        return {}
    edits: Edits = {}
    for scene, changes in (loaded.items() if isinstance(loaded, dict) else ()):
        try:
            number = int(scene)
        except ValueError:
            continue
        if isinstance(changes, dict):
            words = {str(column): value for column, value in changes.items() if isinstance(value, str)}
            if words:
                edits[number] = words
    return edits


def put(db: Database, user_id: int, book_id: int, edits: Mapping[int, Mapping[str, str]]) -> bool:
    """Keep `edits` as the user's draft of the book, replacing any draft before; False (nothing
    written) when the user has no such book."""
    with db.write() as conn:
        # The book's row is held against deletion until the unit ends (SQLite's write lock already
        # does that), so the draft never points at a book deleted meanwhile.
        owned = conn.execute(
            select(books.c.id).where(books.c.id == book_id, books.c.user_id == user_id)
            .with_for_update(read=True, key_share=True)
        ).first()
        if owned is None:
            return False
        text, now = encode(edits), now_iso()
        insert_on_conflict(conn, drafts, {"user_id": user_id, "book_id": book_id, "edits": text, "updated_at": now},
                           conflict=("user_id", "book_id"), update={"edits": text, "updated_at": now})
    return True


def find(db: Database, user_id: int, book_id: int) -> Edits:
    """The user's draft of the book ({} when there is none)."""
    with db.read() as conn:
        text = conn.execute(
            select(drafts.c.edits).where(drafts.c.user_id == user_id, drafts.c.book_id == book_id)
        ).scalar_one_or_none()
    return decode(text)


def delete(db: Database, user_id: int, book_id: int) -> bool:
    """Forget the user's draft of the book; False when there was none."""
    with db.write() as conn:
        result = conn.execute(sql_delete(drafts).where(drafts.c.user_id == user_id, drafts.c.book_id == book_id))
        return result.rowcount == 1
