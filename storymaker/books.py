"""Books: their options and rules, their cast and their scenes (stored by `data.books`)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Sequence

from . import styles, user_text
from .characters import read_avatar, release_avatar
from .data import Database, parse_id
from .data import accounts as stored_accounts
from .data import books as repository
from .data.books import BookRow, CastMember, SceneRecord
from .data.series import SeriesPlace
from .errors import Invalid, NotFound
from .files import Store, layout
from .models.base import CharacterLook, StoryBrief
from .scenes import Scene
from .status import BookStatus, PageStatus

MAX_TITLE, MAX_PREMISE, MAX_LANGUAGE, MAX_CAST, MAX_AUTHOR = 120, 600, 40, 6, 80

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
    # The title page's "by ..." line: None for the account's name, "" for no line at all.
    author: str | None = None

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
        author = None if self.author is None else user_text.line(self.author)
        if author is not None and len(author) > MAX_AUTHOR:
            problems["author"] = f"The author line has at most {MAX_AUTHOR} characters."
        if problems:
            raise BookError(problems)
        return BookOptions(title, premise, self.age_band, self.style, language, count, author)


@dataclass(frozen=True)
class Book(BookRow):
    """A book as stored, with its cast (the characters as they were when it was made)."""

    cast: tuple[CharacterLook, ...] = field(default=(), compare=False)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.cast]

    def brief(self, earlier: tuple[str, ...] = ()) -> StoryBrief:
        """The facts the offline writer works from; `earlier`: the titles of the series' earlier books."""
        return StoryBrief(
            self.title, self.cast, self.premise, self.age_band, self.style, self.language, self.scene_count,
            earlier,
        )


def _book(row: BookRow, cast: tuple[CharacterLook, ...] = ()) -> Book:
    return Book(**{f.name: getattr(row, f.name) for f in fields(BookRow)}, cast=cast)


def create(
    db: Database,
    user_id: int,
    options: BookOptions,
    cast: Sequence[tuple[int | None, CharacterLook, str | None]],
    series_id: int | None = None,
) -> int:
    """Store a new book and a copy of its cast: (character id, look, avatar path) each; `series_id`: the
    first book of the series it continues (the caller holds it: `data.series.hold_first_book`)."""
    options = options.cleaned()
    if not cast:
        raise BookError({"characters": "Choose at least one character."})
    if len(cast) > MAX_CAST:
        raise BookError({"characters": f"A book has at most {MAX_CAST} characters."})
    names = [look.name.casefold() for _, look, _ in cast]
    if len(set(names)) != len(names):
        raise BookError({"characters": "Two characters in one book cannot share a name."})
    return repository.create(
        db, user_id,
        {"title": options.title, "premise": options.premise, "age_band": options.age_band, "style": options.style,
         "language": options.language, "scene_count": options.scene_count, "author": options.author,
         "status": DRAFT, "series_id": series_id},
        [CastMember(character_id, look.name, look.look, look.personality, avatar_path=avatar_path, pronoun=look.pronoun)
         for character_id, look, avatar_path in cast],
    )


def get(db: Database, user_id: int, book_id: int | str | None, files: Store | None = None) -> Book | None:
    """The book, only if it belongs to `user_id`; with `files` (the store), the cast's avatars are loaded."""
    if (book_id := parse_id(book_id)) is None:  # e.g. an id too big for a row id, from a URL
        return None
    with db.read():  # the book and its cast on one connection
        row = repository.get(db, book_id, user_id=user_id)
        cast = repository.cast_of(db, book_id) if row else []
    return _with_cast(row, cast, files) if row else None


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
    with db.read():
        row = repository.get(db, book_id)
        cast = repository.cast_of(db, book_id) if row else []
    return _with_cast(row, cast, files) if row else None


def _with_cast(row: BookRow, cast: Sequence[CastMember], files: Store | None) -> Book:
    """The book with its cast; with `files`, each avatar's picture is read (after the rows, not during)."""
    return _book(row, tuple(
        CharacterLook(m.name, m.look, m.personality, read_avatar(files, m.avatar_path) if files else None, m.pronoun)
        for m in cast
    ))


def list_for(db: Database, user_id: int, limit: int = 24, offset: int = 0) -> list[Book]:
    return [_book(row) for row in repository.list_for(db, user_id, limit, offset)]


def shelf(db: Database, user_id: int, limit: int, offset: int = 0) -> list[tuple[Book, SeriesPlace | None]]:
    """The user's books for My Books, a series' books together (`data.books.shelf`), each with its place in
    its series (None for a book of no series)."""
    return [(_book(row), SeriesPlace(row.group_id, row.series_title, row.series_number, row.series_size)
             if row.series_size > 1 else None)
            for row in repository.shelf(db, user_id, limit, offset)]


def count_for(db: Database, user_id: int) -> int:
    return repository.count_for(db, user_id)


def any_generating(db: Database, user_id: int) -> bool:
    """Whether any of the user's books is being made."""
    return repository.any_with_status(db, user_id, GENERATING)


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
    with db.write():
        avatar_paths = repository.cast_avatars(db, user_id, book_id)
        deleted = repository.delete(db, user_id, book_id)
    if not deleted:
        return False
    files.delete_prefix(layout.book_prefix(book_id))
    for avatar_path in avatar_paths:
        release_avatar(db, files, avatar_path)
    return True


def set_status(db: Database, book_id: int, status: BookStatus, error: str | None = None) -> None:
    repository.set_status(db, book_id, status, error)


# ---------------------------------------------------------------- scenes as rows

# Scene status: what the grid shows per page (the words live in `status`).
PENDING, DRAWING, DONE, FAILED = PageStatus.PENDING, PageStatus.DRAWING, PageStatus.DONE, PageStatus.FAILED


@dataclass(frozen=True)
class SceneRow:
    scene: Scene
    status: str
    error: str | None
    image_version: int
    id: int = 0  # the scene row's id, which its takes hang on
    note: str | None = None  # Regenerate's note for the page's next take


def replace_scenes(db: Database, book_id: int, scenes: Sequence[Scene]) -> None:
    """Store a new scene list for the book (a new or rewritten story)."""
    repository.replace_scenes(db, book_id, [s.as_row() for s in scenes], PENDING)


def update_scene_words(db: Database, book_id: int, scenes: Sequence[Scene]) -> None:
    """Store edited words for the book's existing scenes; their status and pictures stay."""
    repository.update_scene_words(db, book_id, [s.as_row() for s in scenes])


def _scene_row(record: SceneRecord) -> SceneRow:
    names = tuple(c for c in record.characters.split(";") if c)
    return SceneRow(Scene(record.scene, record.title, record.text, record.illustration, names),
                    record.status, record.error, record.image_version, record.id, record.note)


def scene_rows(db: Database, book_id: int) -> list[SceneRow]:
    return [_scene_row(record) for record in repository.scene_rows(db, book_id)]


def set_aside(db: Database, book_id: int) -> list[SceneRow]:
    """The book's page set aside for Undo, if any (`storymaker.pages`; its number is minus its old place)."""
    return [_scene_row(record) for record in repository.set_aside_rows(db, book_id)]


def get_scene(db: Database, book_id: int, number: int) -> Scene | None:
    row = get_scene_row(db, book_id, number)
    return row.scene if row else None


def get_scene_row(db: Database, book_id: int, number: int) -> SceneRow | None:
    records = repository.scene_rows(db, book_id, number)
    return _scene_row(records[0]) if records else None


def scene_of_job(db: Database, job_id: int) -> SceneRow | None:
    """The page a job is for now (a page moved since its claim is found where it went); None when gone."""
    record = repository.scene_of_job(db, job_id)
    return _scene_row(record) if record else None


def scene_row_by_id(db: Database, book_id: int, scene_id: int) -> SceneRow | None:
    """The book's page with this row id where it is now; None when it is gone or set aside for Undo."""
    record = repository.scene_by_id(db, book_id, scene_id)
    return _scene_row(record) if record and record.scene > 0 else None


def set_scene_status(
    db: Database, book_id: int, number: int, status: PageStatus, error: str | None = None, *,
    drawn: bool = False,
) -> None:
    repository.set_scene_status(db, book_id, number, status, error, drawn=drawn)


def cancel_unfinished_scenes(db: Database, book_id: int, error: str) -> None:
    """Mark every page of the book still waiting or being drawn as failed with `error` (its jobs were canceled)."""
    repository.set_scenes_status(db, book_id, (PENDING, DRAWING), FAILED, error)


def author_line(db: Database, book: Book) -> str:
    """The "by ..." name of the title page and the cover: the book's own line, else the account's
    name (an organisation account's name is a code, so it gives none)."""
    if book.author is not None:
        return book.author.strip()
    name = stored_accounts.name_of(db, book.user_id) or ""
    from .accounts import IDENTITY_PREFIX  # the one place the prefix is defined

    return "" if name.startswith(IDENTITY_PREFIX) else name
