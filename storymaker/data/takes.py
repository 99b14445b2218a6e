"""The takes repository: every picture drawn for a page or the cover, and which one is current.

Rules (when a take becomes current, how many are kept, the files) live in `storymaker.takes`;
this module only stores and reads rows. A page's takes hang on its scene row's id
(`scene_id`), the cover's have none, so a page moved to another number keeps its takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from sqlalchemy import ColumnElement, and_, bindparam, case, func, insert, select, update
from sqlalchemy import delete as sql_delete

from .database import Database, now_iso
from .rows import from_row
from .schema import books, jobs, scenes, takes


@dataclass(frozen=True)
class TakeRow:
    id: int
    book_id: int
    scene_id: int | None  # None: the cover
    number: int
    picture_key: str
    thumb_key: str
    note: str | None
    style: str
    seed: str
    bytes: int
    current: int
    current_since_job: int
    created_at: str
    fit: str | None = None  # what it was drawn from (`illustrate.page_fit`); None: from before it was kept


@dataclass(frozen=True)
class BookTakes:
    """How many takes one book keeps and the bytes they use."""

    book_id: int
    title: str
    takes: int
    bytes: int


def _page(book_id: int, scene_id: int | None) -> ColumnElement[bool]:
    where = takes.c.scene_id.is_(None) if scene_id is None else takes.c.scene_id == scene_id
    return and_(takes.c.book_id == book_id, where)


def of_page(db: Database, book_id: int, scene_id: int | None) -> list[TakeRow]:
    """The page's takes (the cover's with `scene_id` None), oldest first."""
    with db.read() as conn:
        rows = conn.execute(select(takes).where(_page(book_id, scene_id)).order_by(takes.c.number)).all()
    return [from_row(TakeRow, row) for row in rows]


# Built once: the Studio's preview lists a page's takes on every run.
_OF_NUMBER = (select(takes).join(scenes, scenes.c.id == takes.c.scene_id)
              .where(scenes.c.book_id == bindparam("book_id"), scenes.c.scene == bindparam("scene"))
              .order_by(takes.c.number))
_OF_COVER = (select(takes).where(takes.c.book_id == bindparam("book_id"), takes.c.scene_id.is_(None))
             .order_by(takes.c.number))


def of_page_number(db: Database, book_id: int, scene: int | None) -> list[TakeRow]:
    """The takes of the book's page numbered `scene` (the cover's with None), oldest first: one statement."""
    with db.read() as conn:
        if scene is None:
            rows = conn.execute(_OF_COVER, {"book_id": book_id}).all()
        else:
            rows = conn.execute(_OF_NUMBER, {"book_id": book_id, "scene": scene}).all()
    return [from_row(TakeRow, row) for row in rows]


def get(db: Database, book_id: int, take_id: int) -> TakeRow | None:
    with db.read() as conn:
        row = conn.execute(select(takes).where(takes.c.id == take_id, takes.c.book_id == book_id)).first()
    return from_row(TakeRow, row) if row else None


def current_of_book(db: Database, book_id: int) -> dict[int | None, TakeRow]:
    """scene id (None: the cover) -> its current take, for every page that has one."""
    with db.read() as conn:
        rows = conn.execute(select(takes).where(takes.c.book_id == book_id, takes.c.current == 1)).all()
    return {row.scene_id: from_row(TakeRow, row) for row in rows}


def add(
    db: Database, book_id: int, scene_id: int | None, keys: Callable[[int], tuple[str, str]], *,
    note: str | None, style: str, seed: str, size: int, fit: str | None = None,
) -> TakeRow:
    """Store a new take, not current, numbered after the page's others; `keys(take id)` names its files."""
    with db.write() as conn:
        number = conn.execute(
            select(func.coalesce(func.max(takes.c.number), 0)).where(_page(book_id, scene_id))).scalar_one() + 1
        take_id = conn.execute(insert(takes).values(
            book_id=book_id, scene_id=scene_id, number=number, picture_key="", thumb_key="", note=note, style=style,
            seed=seed, bytes=size, current=0, current_since_job=0, created_at=now_iso(), fit=fit,
        ).returning(takes.c.id)).scalar_one()
        picture_key, thumb_key = keys(int(take_id))
        conn.execute(update(takes).where(takes.c.id == take_id).values(picture_key=picture_key, thumb_key=thumb_key))
    found = get(db, book_id, int(take_id))
    assert found is not None  # just written in this unit
    return found


def of_book(db: Database, book_id: int) -> list[TakeRow]:
    """Every take of the book, the cover's too, oldest first per page."""
    with db.read() as conn:
        rows = conn.execute(select(takes).where(takes.c.book_id == book_id).order_by(takes.c.id)).all()
    return [from_row(TakeRow, row) for row in rows]


def set_fit(db: Database, book_id: int, take_id: int, fit: str) -> None:
    with db.write() as conn:
        conn.execute(update(takes).where(takes.c.id == take_id, takes.c.book_id == book_id).values(fit=fit))


def make_current(db: Database, book_id: int, scene_id: int | None, take_id: int, since_job: int) -> None:
    """Make one take the page's current one, every other not, in one statement."""
    with db.write() as conn:
        conn.execute(update(takes).where(_page(book_id, scene_id)).values(
            current=case((takes.c.id == take_id, 1), else_=0),
            current_since_job=case((takes.c.id == take_id, since_job), else_=takes.c.current_since_job),
        ))


def newest_job(db: Database, book_id: int) -> int:
    """The id of the book's newest job (0 when it has none): requests made so far are at or below it."""
    with db.read() as conn:
        return int(conn.execute(
            select(func.coalesce(func.max(jobs.c.id), 0)).where(jobs.c.book_id == book_id)).scalar_one())


def delete(db: Database, book_id: int, take_ids: Sequence[int]) -> list[TakeRow]:
    """Delete these takes of the book unless current; the rows deleted (their files are the caller's)."""
    if not take_ids:
        return []
    with db.write() as conn:
        rows = conn.execute(select(takes).where(
            takes.c.book_id == book_id, takes.c.id.in_(list(take_ids)), takes.c.current == 0)).all()
        gone = [from_row(TakeRow, row) for row in rows]
        if gone:
            conn.execute(sql_delete(takes).where(takes.c.id.in_([t.id for t in gone])))
    return gone


def of_pages(db: Database, book_id: int) -> list[TakeRow]:
    """Every page take of the book (not the cover's)."""
    with db.read() as conn:
        rows = conn.execute(select(takes).where(takes.c.book_id == book_id, takes.c.scene_id.is_not(None))).all()
    return [from_row(TakeRow, row) for row in rows]


def keys_of_book(db: Database, book_id: int) -> set[str]:
    """The store keys of every take of the book (pictures and thumbnails), the cover's too."""
    with db.read() as conn:
        found = conn.execute(select(takes.c.picture_key, takes.c.thumb_key).where(takes.c.book_id == book_id)).all()
    return {key for row in found for key in row}


def counts_of_book(db: Database, book_id: int) -> dict[int | None, int]:
    """scene id (None: the cover) -> how many takes it has."""
    with db.read() as conn:
        rows = conn.execute(select(takes.c.scene_id, func.count()).where(takes.c.book_id == book_id)
                            .group_by(takes.c.scene_id)).all()
    return {row[0]: int(row[1]) for row in rows}


def usage_for(db: Database, user_id: int) -> list[BookTakes]:
    """Each of the user's books with takes: how many and their bytes, biggest first."""
    with db.read() as conn:
        rows = conn.execute(
            select(books.c.id, books.c.title, func.count(takes.c.id), func.coalesce(func.sum(takes.c.bytes), 0))
            .join(takes, takes.c.book_id == books.c.id)
            .where(books.c.user_id == user_id)
            .group_by(books.c.id, books.c.title)
            .order_by(func.sum(takes.c.bytes).desc(), books.c.id)
        ).all()
    return [BookTakes(int(r[0]), r[1], int(r[2]), int(r[3])) for r in rows]


def scene_id_of(db: Database, book_id: int, scene: int) -> int | None:
    """The id of the book's scene row numbered `scene` (its takes' `scene_id`)."""
    with db.read() as conn:
        found = conn.execute(select(scenes.c.id).where(scenes.c.book_id == book_id, scenes.c.scene == scene)).scalar()
    return None if found is None else int(found)
