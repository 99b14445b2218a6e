"""The review grid: a book's scenes as rows with thumbnails, edits saved back.

Edits go to the database and story.csv together and are checked against the scene
contract first; an uploaded story.csv is checked the same way and changes nothing
unless every row is valid. Pictures are untouched by edits: Regenerate redraws a
page from its row as saved. A save also ends the person's draft of the book (the unsaved
edits kept on the server, services.drafts) in the same transaction.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from .. import books, safety, story
from ..books import Book
from ..data import drafts
from ..data import jobs as job_rows
from ..data.drafts import Edits  # {scene: {column: text}}, here and in the app
from ..engine import Engine
from ..errors import NotFound, StorymakerError
from ..files import StoredFile, layout
from ..scenes import Scene, SceneError, csv_bytes, parse_csv, validate

EDITABLE = ("title", "text", "illustration", "characters")


@dataclass(frozen=True)
class GridRow:
    scene: int
    picture: str | None  # the thumbnail as a data URI, None before the page is drawn
    title: str
    text: str
    illustration: str
    characters: str  # ';'-separated, as in story.csv
    status: str  # pending, drawing, done, failed
    error: str | None
    version: int  # bumps each time the page is redrawn


def saved_words(scene: Scene) -> dict[str, str]:
    """A page's editable words as the grid and story.csv hold them (characters as "A;B")."""
    row = scene.as_row()
    return {column: str(row[column]) for column in EDITABLE}


def unsaved(edits: Mapping[int, Mapping[str, str]], saved: Mapping[int, Mapping[str, str]]) -> Edits:
    """Only the edits that still differ from the saved words ({scene: {column: text}}), of pages
    the book still has: what the grid warns about and what a draft offers back."""
    out: Edits = {}
    for scene, changes in edits.items():
        words = saved.get(scene)
        if words is None:
            continue
        left = {c: v for c, v in changes.items() if c in EDITABLE and v != words.get(c)}
        if left:
            out[scene] = left
    return out


def _book(engine: Engine, user_id: int, book_id: int) -> Book:
    return books.own(engine.db(), user_id, book_id)


def thumbnail_uri(engine: Engine, book_id: int, stem: str) -> str | None:
    """A page's thumbnail as a data URI, small enough to ship in a grid (a few KB)."""
    data = engine.store.get(layout.thumb_key(book_id, stem))
    if data is None:
        return None
    return "data:image/webp;base64," + base64.b64encode(data).decode("ascii")


def grid(engine: Engine, user_id: int, book_id: int) -> list[GridRow]:
    _book(engine, user_id, book_id)
    rows = []
    for row in books.scene_rows(engine.db(), book_id):
        s = row.scene
        rows.append(GridRow(
            s.scene, thumbnail_uri(engine, book_id, layout.scene_name(s.scene)) if row.image_version else None,
            s.title, s.text, s.illustration, ";".join(s.characters), row.status, row.error, row.image_version,
        ))
    return rows


@dataclass(frozen=True)
class PagePreview:
    scene: Scene
    picture: StoredFile | None  # the full-size picture, None before the page is drawn
    status: str
    error: str | None


def preview(engine: Engine, user_id: int, book_id: int, scene: int) -> PagePreview:
    """One of the user's pages at full size with its words; NotFound for anybody else's book or no such page."""
    _book(engine, user_id, book_id)
    for row in books.scene_rows(engine.db(), book_id):
        if row.scene.scene == int(scene):
            picture = engine.store.stat(layout.page_key(book_id, row.scene.scene)) if row.image_version else None
            return PagePreview(row.scene, picture, row.status, row.error)
    raise NotFound(f"Book {book_id} has no page {scene}.")


class WordsChanged(StorymakerError):
    """A page's words are no longer those the edit was made from (changed in another tab, say): nothing saved."""

    def __init__(self, pages: Sequence[int], message: str | None = None):
        self.pages = list(pages)
        named = ", ".join(str(n) for n in self.pages)
        super().__init__(message or f"The words of page{'s' if len(self.pages) > 1 else ''} {named} changed "
                         "meanwhile, so nothing was saved.")


def save_edits(engine: Engine, user_id: int, book_id: int, edits: Mapping[int, Mapping[str, Any]],
               unchanged: Mapping[int, Scene] | None = None) -> list[Scene]:
    """Apply {scene number: {column: value}} edits; raise SceneError (nothing saved) when any row breaks the contract.
    `unchanged`: pages whose stored words must still be these when the edits are written (else `WordsChanged`)."""
    book = _book(engine, user_id, book_id)
    current = [r.scene for r in books.scene_rows(engine.db(), book_id)]
    by_number = {s.scene: s.as_row() for s in current}
    for number, changes in edits.items():
        if int(number) not in by_number:
            raise SceneError([f"scene {number} is not in this book"])
        for column, value in changes.items():
            if column not in EDITABLE:
                raise SceneError([f"scene {number}: {column} cannot be edited"])
            by_number[int(number)][column] = "" if value is None else str(value)
    scenes = validate(list(by_number.values()), book.scene_count, book.names, strict_columns=True)
    _check_words(engine, book, {(int(n), c): str(v or "") for n, changes in edits.items() for c, v in changes.items()
                                if c != "characters"})
    db = engine.db()
    with db.write():  # saved edits are no longer a draft: both or neither
        if unchanged:
            _require_unchanged(engine, book_id, unchanged)
        _store(engine, book_id, scenes)
        drafts.delete(db, user_id, book_id)
    return scenes


def _require_unchanged(engine: Engine, book_id: int, expected: Mapping[int, Scene]) -> None:
    """Inside the caller's write unit, with the book held: the pages' stored words are still `expected`."""
    db = engine.db()
    job_rows.lock_book(db, book_id)
    changed = [n for n, scene in sorted(expected.items()) if books.get_scene(db, book_id, n) != scene]
    if changed:
        raise WordsChanged(changed)


def import_csv(engine: Engine, user_id: int, book_id: int, data: bytes | str) -> list[Scene]:
    """Replace the words of every scene from an uploaded story.csv; SceneError explains a bad file row by row."""
    book = _book(engine, user_id, book_id)
    scenes = parse_csv(data, book.scene_count, book.names)
    _check_words(engine, book, {(s.scene, column): getattr(s, column) for s in scenes
                                for column in ("title", "text", "illustration")})
    _store(engine, book_id, scenes)
    return scenes


def _check_words(engine: Engine, book: Book, cells: Mapping[tuple[int, str], str]) -> None:
    """Every changed cell in one safety check; SceneError lists each refused cell (nothing is saved)."""
    fields = {f"page {scene}, {column}": text for (scene, column), text in sorted(cells.items())}
    verdict = safety.check_inputs(engine, fields, user_id=book.user_id, book_id=book.id, language=book.language)
    if not verdict.ok:
        raise SceneError([f"{subject}: {message}" for subject, message in verdict.messages(
            {subject: "it" for subject in verdict.flags}).items()])


def export_csv(engine: Engine, user_id: int, book_id: int) -> bytes:
    """The book's story.csv for download: UTF-8 with a byte order mark, formula-like cells neutralised."""
    _book(engine, user_id, book_id)
    return csv_bytes(r.scene for r in books.scene_rows(engine.db(), book_id))


def _store(engine: Engine, book_id: int, scenes: Sequence[Scene]) -> None:
    """Update the words of existing scene rows (status and pictures stay) and rewrite story.csv."""
    db = engine.db()
    with db.write():
        books.update_scene_words(db, book_id, scenes)
        # Written under the same lock, so the file and the rows never disagree.
        story.write_csv(engine, book_id, list(scenes))
