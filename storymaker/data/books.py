"""The books repository: books, the copy of each book's cast, and its scenes.

Rules (who may make what, how many characters, which words) live in `storymaker.books`;
this module only stores and reads rows. Functions that take a `user_id` touch only
that user's books; the ones without it serve background jobs, which act for the owner.

A page removed from a book is set aside for Undo, not deleted: its row keeps everything and
takes a negative number (minus its old place), so UNIQUE(book_id, scene) still holds and every
read of the book's pages (`_IN_BOOK`) leaves it out. A book keeps at most one (`storymaker.pages`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from sqlalchemy import delete as sql_delete
from sqlalchemy import bindparam, case, exists, func, insert, select, update

from . import series
from .database import Database, now_iso
from .rows import from_row
from .schema import book_characters, books, jobs, scenes

BOOK_COLUMNS = (books.c.id, books.c.user_id, books.c.title, books.c.premise, books.c.age_band, books.c.style,
                books.c.language, books.c.scene_count, books.c.status, books.c.error, books.c.created_at, books.c.author,
                books.c.series_id, books.c.made_at)


@dataclass(frozen=True)
class BookRow:
    """A book as stored (its cast is `cast_of`)."""

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
    author: str | None = None  # the title page's "by ..." line; None: the account's name
    series_id: int | None = None  # the first book of the series this one continues (`data.series`)
    made_at: str | None = None  # when it was first ready; None while it is being made


@dataclass(frozen=True)
class ShelfRecord(BookRow):
    """A book on the shelf with its place in its series (a book of no series is a series of one)."""

    group_id: int = 0  # the series' first book (the book itself when it begins none)
    series_title: str = ""  # the title of that first book
    series_number: int = 1
    series_size: int = 1


@dataclass(frozen=True)
class CastMember:
    """One character of a book, copied when the book was made, so that editing or deleting
    the character later leaves the book as it was (`character_id` is then None)."""

    character_id: int | None
    name: str
    look: str = ""
    personality: str = ""
    avatar_path: str | None = None  # the avatar's key in the picture store
    pronoun: str = ""  # he, she, they or name; "" when the story reads it from the look


@dataclass(frozen=True)
class SceneRecord:
    """One page's row: its words (`characters` `;`-separated, as in story.csv) and its drawing state."""

    scene: int
    title: str
    text: str
    illustration: str
    characters: str
    status: str
    error: str | None
    image_version: int  # bumps each time the page's picture changes (drawn, or another take chosen)
    id: int = field(default=0, compare=False)  # the row's id: what the page's takes hang on
    note: str | None = None  # Regenerate's note for the next take


def create(db: Database, user_id: int, fields: Mapping[str, Any], cast: Sequence[CastMember]) -> int:
    """Store a book (`fields`: its option columns and status) and its cast in one unit; its id."""
    now = now_iso()
    with db.write() as conn:
        book_id = conn.execute(
            insert(books).values({**fields, "user_id": user_id, "created_at": now, "updated_at": now}).returning(books.c.id)
        ).scalar_one()
        if cast:
            conn.execute(insert(book_characters), [
                {"book_id": book_id, "position": position, "character_id": member.character_id, "name": member.name,
                 "look": member.look, "personality": member.personality, "avatar_path": member.avatar_path,
                 "pronoun": member.pronoun}
                for position, member in enumerate(cast)
            ])
    return int(book_id)


# The statements every open Studio's progress poll runs, built once (building one costs about as
# much as running it on SQLite).
_BOOK = select(*BOOK_COLUMNS).where(books.c.id == bindparam("book_id"))
_USERS_BOOK = _BOOK.where(books.c.user_id == bindparam("user_id"))
_CAST = select(book_characters).where(book_characters.c.book_id == bindparam("book_id")) \
    .order_by(book_characters.c.position)
# A page of the book, not one set aside for Undo (those have negative numbers).
_IN_BOOK = scenes.c.scene > 0
_SCENES = select(scenes).where(scenes.c.book_id == bindparam("book_id"), _IN_BOOK).order_by(scenes.c.scene)
_SCENE = _SCENES.where(scenes.c.scene == bindparam("scene"))


def get(db: Database, book_id: int, *, user_id: int | None = None) -> BookRow | None:
    """The book; with `user_id`, only if it is that user's."""
    with db.read() as conn:
        if user_id is None:
            row = conn.execute(_BOOK, {"book_id": book_id}).first()
        else:
            row = conn.execute(_USERS_BOOK, {"book_id": book_id, "user_id": user_id}).first()
    return from_row(BookRow, row) if row else None


def owner_of(db: Database, book_id: int) -> int | None:
    """The id of the user whose book this is, or None when there is no such book."""
    with db.read() as conn:
        owner = conn.execute(select(books.c.user_id).where(books.c.id == book_id)).scalar_one_or_none()
    return None if owner is None else int(owner)


def cast_of(db: Database, book_id: int) -> list[CastMember]:
    """The book's cast, in the order it was chosen."""
    with db.read() as conn:
        rows = conn.execute(_CAST, {"book_id": book_id}).all()
    return [from_row(CastMember, row) for row in rows]


def list_for(db: Database, user_id: int, limit: int, offset: int = 0) -> list[BookRow]:
    """The user's books, newest first."""
    with db.read() as conn:
        rows = conn.execute(
            select(*BOOK_COLUMNS).where(books.c.user_id == user_id)
            .order_by(books.c.created_at.desc(), books.c.id.desc()).limit(limit).offset(offset)
        ).all()
    return [from_row(BookRow, row) for row in rows]


def shelf(db: Database, user_id: int, limit: int, offset: int = 0) -> list[ShelfRecord]:
    """The user's books for My Books: a series' books together, in series order, where its newest book
    would stand; other books newest first as in `list_for`. One statement, so paging stays one query."""
    group = series.GROUP
    ranked = select(
        *BOOK_COLUMNS,
        group.label("group_id"),
        func.count().over(partition_by=group).label("series_size"),
        func.row_number().over(partition_by=group, order_by=books.c.id).label("series_number"),
        func.first_value(books.c.title).over(partition_by=group, order_by=books.c.id).label("series_title"),
        func.max(books.c.created_at).over(partition_by=group).label("group_newest"),
        func.max(books.c.id).over(partition_by=group).label("group_last"),
    ).where(books.c.user_id == user_id).subquery()
    with db.read() as conn:
        rows = conn.execute(
            select(ranked).order_by(ranked.c.group_newest.desc(), ranked.c.group_last.desc(), ranked.c.id)
            .limit(limit).offset(offset)
        ).all()
    return [from_row(ShelfRecord, row) for row in rows]


def count_for(db: Database, user_id: int) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(books).where(books.c.user_id == user_id)).scalar_one())


def any_with_status(db: Database, user_id: int, status: str) -> bool:
    """Whether any of the user's books has this status."""
    with db.read() as conn:
        return bool(conn.execute(
            select(exists().where(books.c.user_id == user_id, books.c.status == status))
        ).scalar_one())


def cast_avatars(db: Database, user_id: int, book_id: int) -> list[str]:
    """The avatar keys of the user's book's cast (none when the book is not theirs)."""
    with db.read() as conn:
        return list(conn.execute(
            select(book_characters.c.avatar_path)
            .join(books, books.c.id == book_characters.c.book_id)
            .where(books.c.id == book_id, books.c.user_id == user_id, book_characters.c.avatar_path.is_not(None))
            .order_by(book_characters.c.position)
        ).scalars())


def delete(db: Database, user_id: int, book_id: int) -> bool:
    """Delete the user's book; its cast, scenes, jobs and usage go with it (ON DELETE CASCADE), and the
    series it began stays one (`series.regroup`). False when the user has no such book."""
    with db.write() as conn:
        series.regroup(db, user_id, book_id)
        result = conn.execute(sql_delete(books).where(books.c.id == book_id, books.c.user_id == user_id))
        return result.rowcount == 1


def set_status(db: Database, book_id: int, status: str, error: str | None = None) -> None:
    """The book's status; the first time it is ready, it is made (`made_at`)."""
    now = now_iso()
    made = func.coalesce(books.c.made_at, now) if status == "ready" else books.c.made_at
    with db.write() as conn:
        conn.execute(update(books).where(books.c.id == book_id).values(status=status, error=error, updated_at=now,
                                                                        made_at=made))


def being_made(db: Database, book_id: int) -> None:
    """A new story is on its way: the book is being made again until it is next ready."""
    with db.write() as conn:
        conn.execute(update(books).where(books.c.id == book_id).values(made_at=None))


def set_style(db: Database, book_id: int, style: str) -> None:
    """The art style the book's pictures are drawn in from now on."""
    with db.write() as conn:
        conn.execute(update(books).where(books.c.id == book_id).values(style=style, updated_at=now_iso()))


# ---------------------------------------------------------------- scenes


def replace_scenes(db: Database, book_id: int, words: Sequence[Mapping[str, Any]], status: str) -> None:
    """Replace the book's scenes with new ones (`words`: scene, title, text, illustration,
    characters each), every page in `status` and never drawn."""
    now = now_iso()
    with db.write() as conn:
        conn.execute(sql_delete(scenes).where(scenes.c.book_id == book_id))
        if words:
            conn.execute(insert(scenes), [
                {"book_id": book_id, "scene": w["scene"], "title": w["title"], "text": w["text"],
                 "illustration": w["illustration"], "characters": w["characters"], "status": status,
                 "updated_at": now}
                for w in words
            ])


def update_scene_words(db: Database, book_id: int, words: Sequence[Mapping[str, Any]]) -> None:
    """Change the words of existing scenes (`words` as for `replace_scenes`); status and pictures stay."""
    now = now_iso()
    with db.write() as conn:
        for w in words:
            conn.execute(
                update(scenes).where(scenes.c.book_id == book_id, scenes.c.scene == w["scene"])
                .values(title=w["title"], text=w["text"], illustration=w["illustration"],
                        characters=w["characters"], updated_at=now)
            )


def scene_rows(db: Database, book_id: int, number: int | None = None) -> list[SceneRecord]:
    """The book's scenes in page order (only page `number`, when given)."""
    with db.read() as conn:
        if number is None:
            rows = conn.execute(_SCENES, {"book_id": book_id}).all()
        else:
            rows = conn.execute(_SCENE, {"book_id": book_id, "scene": number}).all()
    return [from_row(SceneRecord, row) for row in rows]


def set_scene_status(db: Database, book_id: int, number: int, status: str, error: str | None = None, *,
                     drawn: bool = False) -> None:
    """Set one page's status; `drawn` counts a new picture (the version bumps)."""
    with db.write() as conn:
        conn.execute(
            update(scenes).where(scenes.c.book_id == book_id, scenes.c.scene == number)
            .values(status=status, error=error, image_version=scenes.c.image_version + (1 if drawn else 0),
                    updated_at=now_iso())
        )


def set_scenes_status(db: Database, book_id: int, among: Sequence[str], status: str, error: str | None) -> int:
    """Set the status of every page of the book whose status is one of `among`; how many changed."""
    with db.write() as conn:
        result = conn.execute(
            update(scenes).where(scenes.c.book_id == book_id, _IN_BOOK, scenes.c.status.in_(list(among)))
            .values(status=status, error=error, updated_at=now_iso())
        )
        return int(result.rowcount)


def set_scene_note(db: Database, book_id: int, number: int, note: str | None) -> None:
    """The note for the page's next take (None: none)."""
    with db.write() as conn:
        conn.execute(update(scenes).where(scenes.c.book_id == book_id, scenes.c.scene == number).values(note=note))


def clear_notes(db: Database, book_id: int) -> None:
    with db.write() as conn:
        conn.execute(update(scenes).where(scenes.c.book_id == book_id, _IN_BOOK, scenes.c.note.is_not(None))
                     .values(note=None))


def picture_changed(db: Database, book_id: int, number: int) -> None:
    """Another take became the page's picture: its version bumps (what screens watch)."""
    with db.write() as conn:
        conn.execute(update(scenes).where(scenes.c.book_id == book_id, scenes.c.scene == number)
                     .values(image_version=scenes.c.image_version + 1, updated_at=now_iso()))


# ---------------------------------------------------------------- pages added, moved, set aside

# Where a renumbering parks its rows between its two statements: far above any page number.
_PARKED = 100_000


def insert_scene(db: Database, book_id: int, words: Mapping[str, Any], status: str) -> int:
    """One new scene row (`words` as for `replace_scenes`; its number must be free), never drawn; its id."""
    with db.write() as conn:
        return int(conn.execute(insert(scenes).values(
            book_id=book_id, scene=words["scene"], title=words["title"], text=words["text"],
            illustration=words["illustration"], characters=words["characters"], status=status,
            updated_at=now_iso()).returning(scenes.c.id)).scalar_one())


def renumber_scenes(db: Database, book_id: int, moves: Mapping[int, int]) -> None:
    """Give the book's scene rows new numbers ({old: new}; the news free once the olds are left).
    Both databases check UNIQUE(book_id, scene) row by row, so a swap cannot be one UPDATE: the rows
    are parked far above any page first, then set to their new numbers."""
    moves = {old: new for old, new in moves.items() if old != new}
    if not moves:
        return
    parked = {old: _PARKED + i for i, old in enumerate(moves)}
    with db.write() as conn:
        conn.execute(update(scenes).where(scenes.c.book_id == book_id, scenes.c.scene.in_(list(moves)))
                     .values(scene=case(parked, value=scenes.c.scene), updated_at=now_iso()))
        conn.execute(update(scenes).where(scenes.c.book_id == book_id, scenes.c.scene >= _PARKED)
                     .values(scene=case({parked[old]: new for old, new in moves.items()}, value=scenes.c.scene)))


_BY_ID = select(scenes).where(scenes.c.book_id == bindparam("book_id"), scenes.c.id == bindparam("scene_id"))


def scene_by_id(db: Database, book_id: int, scene_id: int) -> SceneRecord | None:
    """The scene row with this id, wherever it is now (a set-aside one has a negative number)."""
    with db.read() as conn:
        row = conn.execute(_BY_ID, {"book_id": book_id, "scene_id": scene_id}).first()
    return from_row(SceneRecord, row) if row else None


_OF_JOB = (select(scenes).join(jobs, (jobs.c.book_id == scenes.c.book_id) & (jobs.c.scene == scenes.c.scene))
           .where(jobs.c.id == bindparam("job_id"), _IN_BOOK))


def scene_of_job(db: Database, job_id: int) -> SceneRecord | None:
    """The page a job is for now, in one statement: a page moved after the job was claimed is
    still found (its jobs' numbers follow it), and never another page that took its old number."""
    with db.read() as conn:
        row = conn.execute(_OF_JOB, {"job_id": job_id}).first()
    return from_row(SceneRecord, row) if row else None


def set_aside_rows(db: Database, book_id: int) -> list[SceneRecord]:
    """The book's pages set aside for Undo (at most one, by the rules of `storymaker.pages`)."""
    with db.read() as conn:
        rows = conn.execute(select(scenes).where(scenes.c.book_id == book_id, scenes.c.scene < 0)
                            .order_by(scenes.c.id)).all()
    return [from_row(SceneRecord, row) for row in rows]


def delete_scenes(db: Database, book_id: int, scene_ids: Sequence[int]) -> None:
    """Delete these scene rows of the book (their takes' rows go with them, ON DELETE CASCADE)."""
    if scene_ids:
        with db.write() as conn:
            conn.execute(sql_delete(scenes).where(scenes.c.book_id == book_id, scenes.c.id.in_(list(scene_ids))))


def set_scene_count(db: Database, book_id: int, count: int) -> None:
    with db.write() as conn:
        conn.execute(update(books).where(books.c.id == book_id).values(scene_count=count, updated_at=now_iso()))
