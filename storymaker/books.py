"""Books: their options, their cast and their scenes as stored rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence



from .data import Database
from . import styles, user_text
from .characters import read_avatar, release_avatar
from .errors import Invalid, NotFound
from .files import Store, layout
from .db import now_iso, parse_id, write_transaction
from .models.base import CharacterLook, StoryBrief
from .scenes import Scene
from .status import BookStatus, PageStatus

MAX_TITLE, MAX_PREMISE, MAX_LANGUAGE, MAX_CAST = 120, 600, 40, 6

# Book status for people (what My Books shows); the words live in `status`, these names stay for callers.
DRAFT, GENERATING, READY, NEEDS_ATTENTION, CANCELED = (
    BookStatus.DRAFT, BookStatus.GENERATING, BookStatus.READY, BookStatus.NEEDS_ATTENTION, BookStatus.CANCELED)


class BookError(Invalid):
    """Bad book options. `fields` maps each bad field to what is wrong with it."""

    def __init__(self, fields: dict[str, str]):
        self.fields = fields
        super().__init__(" ".join(fields.values()))


@dataclass(frozen=True)
class BookOptions:
    title: str
    premise: str = ""
    age_band: str = styles.DEFAULT_AGE_BAND
    style: str = styles.DEFAULT_STYLE
    language: str = "English"
    scene_count: int = styles.DEFAULT_SCENES

    def cleaned(self) -> "BookOptions":
        """Trimmed options, or BookError naming every bad field."""
        problems: dict[str, str] = {}
        title = user_text.line(self.title)
        if user_text.only_invisible(self.title):
            problems["title"] = "This title is made only of invisible characters; type a title people can read."
        elif not title:
            problems["title"] = "A book needs a title."
        elif len(title) > MAX_TITLE:
            problems["title"] = f"A title has at most {MAX_TITLE} characters."
        premise = user_text.block(self.premise)
        if len(premise) > MAX_PREMISE:
            problems["premise"] = f"The premise has at most {MAX_PREMISE} characters."
        if self.age_band not in styles.AGE_BANDS:
            problems["age_band"] = f"Choose an age band: {', '.join(styles.AGE_BANDS)}."
        if self.style not in styles.ART_STYLES:
            problems["style"] = f"Choose an art style: {', '.join(styles.ART_STYLES)}."
        language = user_text.line(self.language)
        if not language or len(language) > MAX_LANGUAGE:
            problems["language"] = "Name the language the story is written in."
        try:
            count = int(self.scene_count)
        except (TypeError, ValueError):
            count = 0
        if not styles.MIN_SCENES <= count <= styles.MAX_SCENES:
            problems["scene_count"] = f"A book has {styles.MIN_SCENES} to {styles.MAX_SCENES} scenes."
        if problems:
            raise BookError(problems)
        return BookOptions(title, premise, self.age_band, self.style, language, count)


@dataclass(frozen=True)
class Book:
    id: int
    user_id: int
    title: str
    premise: str
    age_band: str
    style: str
    language: str
    scene_count: int
    status: str
    error: str | None
    created_at: str
    cast: tuple[CharacterLook, ...] = field(default=(), compare=False)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.cast]

    def brief(self) -> StoryBrief:
        return StoryBrief(
            self.title, self.cast, self.premise, self.age_band, self.style, self.language, self.scene_count
        )


_BOOK_COLUMNS = "id, user_id, title, premise, age_band, style, language, scene_count, status, error, created_at"
# One row of _BOOK_COLUMNS, in that order.
BookRow = tuple[int, int, str, str, str, str, str, int, str, str | None, str]


def create(
    db: Database,
    user_id: int,
    options: BookOptions,
    cast: Sequence[tuple[int | None, CharacterLook, str | None]],
) -> int:
    """Store a new book and a copy of its cast: (character id, look, avatar path) each."""
    options = options.cleaned()
    if not cast:
        raise BookError({"characters": "Choose at least one character."})
    if len(cast) > MAX_CAST:
        raise BookError({"characters": f"A book has at most {MAX_CAST} characters."})
    names = [look.name.casefold() for _, look, _ in cast]
    if len(set(names)) != len(names):
        raise BookError({"characters": "Two characters in one book cannot share a name."})
    now = now_iso()
    with write_transaction(db):
        book_id = db.execute(
            "INSERT INTO books (user_id, title, premise, age_band, style, language, scene_count, status, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [user_id, options.title, options.premise, options.age_band, options.style, options.language,
             options.scene_count, DRAFT, now, now],
        ).lastrowid
        for position, (character_id, look, avatar_path) in enumerate(cast):
            db.execute(
                "INSERT INTO book_characters (book_id, character_id, position, name, look, personality, avatar_path) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [book_id, character_id, position, look.name, look.look, look.personality, avatar_path],
            )
    return int(book_id)  # type: ignore[arg-type]


def get(db: Database, user_id: int, book_id: int | str | None, files: Store | None = None) -> Book | None:
    """The book, only if it belongs to `user_id`; with `files` (the store), the cast's avatars are loaded."""
    if (book_id := parse_id(book_id)) is None:  # e.g. an id too big for SQLite, from a URL
        return None
    row = db.execute(f"SELECT {_BOOK_COLUMNS} FROM books WHERE id = ? AND user_id = ?", [book_id, user_id]).fetchone()
    return _with_cast(db, row, files) if row else None


def own(db: Database, user_id: int, book_id: int) -> Book:
    """The user's book, or NotFound: the one ownership check the operations share."""
    book = get(db, user_id, book_id)
    if book is None:
        raise NotFound(f"There is no book {book_id} in your library.")
    return book


def get_any(db: Database, book_id: int | str | None, files: Store | None = None) -> Book | None:
    """The book whoever owns it: for background jobs only, which act for the owner."""
    if (book_id := parse_id(book_id)) is None:
        return None
    row = db.execute(f"SELECT {_BOOK_COLUMNS} FROM books WHERE id = ?", [book_id]).fetchone()
    return _with_cast(db, row, files) if row else None


def _with_cast(db: Database, row: BookRow, files: Store | None) -> Book:
    cast_rows = db.execute(
        "SELECT name, look, personality, avatar_path FROM book_characters WHERE book_id = ? ORDER BY position", [row[0]]
    ).fetchall()
    cast = tuple(
        CharacterLook(name, look, personality, read_avatar(files, avatar) if files else None)
        for name, look, personality, avatar in cast_rows
    )
    return Book(*row, cast=cast)


def list_for(db: Database, user_id: int, limit: int = 24, offset: int = 0) -> list[Book]:
    rows = db.execute(
        f"SELECT {_BOOK_COLUMNS} FROM books WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
        [user_id, limit, offset],
    ).fetchall()
    return [Book(*row) for row in rows]


def count_for(db: Database, user_id: int) -> int:
    return int(db.execute("SELECT COUNT(*) FROM books WHERE user_id = ?", [user_id]).fetchone()[0])


def delete(
    db: Database, user_id: int, book_id: int | str | None, files: Store
) -> bool:
    """Delete the user's book, its jobs, scenes and folder; False when it is not theirs.

    The row goes first, under the write lock: a job still drawing for the book then
    finds its job gone when it tries to publish and writes nothing, so the folder
    removed afterwards stays removed. Avatar files only this book used go too.
    """
    if (book_id := parse_id(book_id)) is None:
        return False
    with write_transaction(db):
        avatar_rows = db.execute(
            "SELECT bc.avatar_path FROM book_characters bc JOIN books b ON b.id = bc.book_id "
            "WHERE b.id = ? AND b.user_id = ? AND bc.avatar_path IS NOT NULL",
            [book_id, user_id],
        ).fetchall()
        deleted = db.execute("DELETE FROM books WHERE id = ? AND user_id = ?", [book_id, user_id]).rowcount == 1
    if not deleted:
        return False
    files.delete_prefix(layout.book_prefix(book_id))
    for (avatar_path,) in avatar_rows:
        release_avatar(db, files, avatar_path)
    return True


def set_status(db: Database, book_id: int, status: BookStatus, error: str | None = None) -> None:
    db.execute("UPDATE books SET status = ?, error = ?, updated_at = ? WHERE id = ?", [status, error, now_iso(), book_id])


# ---------------------------------------------------------------- scenes as rows

# Scene status: what the grid shows per page (the words live in `status`).
PENDING, DRAWING, DONE, FAILED = PageStatus.PENDING, PageStatus.DRAWING, PageStatus.DONE, PageStatus.FAILED


@dataclass(frozen=True)
class SceneRow:
    scene: Scene
    status: str
    error: str | None
    image_version: int


def replace_scenes(db: Database, book_id: int, scenes: Sequence[Scene]) -> None:
    """Store a new scene list for the book (a new or rewritten story)."""
    now = now_iso()
    with write_transaction(db):
        db.execute("DELETE FROM scenes WHERE book_id = ?", [book_id])
        for s in scenes:
            db.execute(
                "INSERT INTO scenes (book_id, scene, title, text, illustration, characters, status, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [book_id, s.scene, s.title, s.text, s.illustration, ";".join(s.characters), PENDING, now],
            )


def scene_rows(db: Database, book_id: int) -> list[SceneRow]:
    return _scene_rows(db, "book_id = ?", [book_id])


def _scene_rows(db: Database, where: str, params: list) -> list[SceneRow]:
    rows = db.execute(
        "SELECT scene, title, text, illustration, characters, status, error, image_version FROM scenes "
        f"WHERE {where} ORDER BY scene",
        params,
    ).fetchall()
    return [
        SceneRow(Scene(n, t, x, i, tuple(c for c in cast.split(";") if c)), status, error, version)
        for n, t, x, i, cast, status, error, version in rows
    ]


def get_scene(db: Database, book_id: int, number: int) -> Scene | None:
    row = get_scene_row(db, book_id, number)
    return row.scene if row else None


def get_scene_row(db: Database, book_id: int, number: int) -> SceneRow | None:
    rows = _scene_rows(db, "book_id = ? AND scene = ?", [book_id, number])
    return rows[0] if rows else None


def set_scene_status(
    db: Database, book_id: int, number: int, status: PageStatus, error: str | None = None, *,
    drawn: bool = False,
) -> None:
    db.execute(
        "UPDATE scenes SET status = ?, error = ?, image_version = image_version + ?, updated_at = ? "
        "WHERE book_id = ? AND scene = ?",
        [status, error, 1 if drawn else 0, now_iso(), book_id, number],
    )


def cancel_unfinished_scenes(db: Database, book_id: int, error: str) -> None:
    """Mark every page of the book still waiting or being drawn as failed with `error` (its jobs were canceled)."""
    db.execute(
        "UPDATE scenes SET status = ?, error = ? WHERE book_id = ? AND status IN (?, ?)",
        [FAILED, error, book_id, PENDING, DRAWING],
    )
