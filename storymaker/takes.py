"""Takes: every picture drawn for a page (or the cover) is kept; one of them is current.

A take's files are keyed by its id (`layout.take_key`), never by the page's number, and its
row hangs on the scene row's id, so a page moved elsewhere keeps its takes. The current
take is also copied to the page's own keys (`scene_NN.png` + thumbnail, `cover.png`): every
reader (the Reader, exports, the share page, the grid, My Books, the missing-pictures check,
migrate-data) keeps reading one key per page and never needs to know about takes; the
price is one more copy of each current picture, and a copy when another take is chosen.

Every change runs with the book's row locked (`data.jobs.lock_book`), as the queue's own
publish does, so a take chosen by hand and a redraw finishing never interleave. Which take is
current follows the last request: a redraw makes its take current unless a take was chosen
by hand after the redraw was asked for (`current_since_job`); then its take is only kept.

Books from before takes have pictures at the page keys and no rows: `adopt` makes such a
picture take 1 the first time the page is redrawn or its takes are shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import books, storage, user_text
from .data import Database
from .data import books as book_rows
from .data import jobs as job_rows
from .data import takes as repository
from .data.takes import BookTakes, TakeRow
from .engine import Engine
from .errors import Invalid, NotFound
from .files import layout

MAX_NOTE = 200

__all__ = ["MAX_NOTE", "BookTakes", "Page", "TakeRow", "adopt", "adopt_book", "clean_note", "delete",
           "delete_all_but_current", "drop_page_takes", "of_page", "show", "store", "use"]


@dataclass(frozen=True)
class Page:
    """Which page a take is of: its scene row's id and number, or the cover (both None)."""

    scene_id: int | None = None
    number: int | None = None

    @property
    def stem(self) -> str:
        return layout.COVER if self.number is None else layout.scene_name(self.number)


COVER = Page()


def clean_note(note: str | None) -> str | None:
    """Regenerate's note made safe (one line, no control or invisible characters), None when empty;
    Invalid when it is longer than MAX_NOTE characters."""
    text = user_text.line(note or "")
    if len(text) > MAX_NOTE:
        raise Invalid(f"A note for the picture has at most {MAX_NOTE} characters; this one has {len(text)}.")
    return text or None


def page_of(db: Database, book_id: int, number: int) -> Page:
    scene_id = repository.scene_id_of(db, book_id, number)
    if scene_id is None:
        raise NotFound(f"Book {book_id} has no page {number}.")
    return Page(scene_id, number)


def _write(engine: Engine, take: TakeRow, encoded: tuple[bytes, bytes]) -> None:
    png, thumb = encoded
    engine.store.put(take.thumb_key, thumb)
    engine.store.put(take.picture_key, png)


def _keys(book_id: int):
    return lambda take_id: (layout.take_key(book_id, take_id), layout.take_thumb_key(book_id, take_id))


def adopt(engine: Engine, book_id: int, page: Page) -> TakeRow | None:
    """A picture from before takes, at the page's own keys, made the page's take 1 (current);
    None when the page already has takes or no picture. Runs inside the caller's unit holding the book."""
    db = engine.db()
    if repository.of_page(db, book_id, page.scene_id):
        return None
    if page.number is not None:
        row = books.get_scene_row(db, book_id, page.number)
        if row is None or not row.image_version:
            return None  # never drawn since its words were written: a picture there is an older page's
    png = engine.store.get(layout.picture_key(book_id, page.stem))
    thumb = engine.store.get(layout.thumb_key(book_id, page.stem))
    if png is None or thumb is None:
        return None
    book = book_rows.get(db, book_id)
    take = repository.add(db, book_id, page.scene_id, _keys(book_id), note=None, style=book.style if book else "",
                           seed="", size=len(png) + len(thumb))
    _write(engine, take, (png, thumb))
    repository.make_current(db, book_id, page.scene_id, take.id, 0)
    return take


def store(
    engine: Engine, book_id: int, page: Page, encoded: tuple[bytes, bytes], *, job_id: int, note: str | None,
    style: str, seed: str, fit: str | None = None,
) -> tuple[TakeRow, bool]:
    """Keep a picture a job drew as the page's newest take, inside the job's publish step (which
    holds the book); it becomes current, and is copied to the page's keys, unless a take was chosen
    by hand after job `job_id` was requested. Older takes beyond the setting are dropped. Returns
    the take and whether it became current."""
    db = engine.db()
    adopt(engine, book_id, page)
    take = repository.add(db, book_id, page.scene_id, _keys(book_id), note=note, style=style, seed=seed,
                          size=len(encoded[0]) + len(encoded[1]), fit=fit)
    _write(engine, take, encoded)
    current = next((t for t in repository.of_page(db, book_id, page.scene_id) if t.current), None)
    chosen = current is None or job_id > current.current_since_job
    if chosen:
        repository.make_current(db, book_id, page.scene_id, take.id, job_id)
        storage.write_picture(engine.store, book_id, page.stem, encoded)
    if page.number is not None:
        book_rows.set_scene_note(db, book_id, page.number, None)  # the note was for this take only
    _bound(engine, book_id, page)
    return take, chosen


def _bound(engine: Engine, book_id: int, page: Page) -> None:
    """Drop the oldest takes that are not current while the page has more than the setting allows."""
    kept = repository.of_page(engine.db(), book_id, page.scene_id)
    excess = len(kept) - engine.settings.takes_per_page
    if excess > 0:
        _remove(engine, book_id, [t.id for t in kept if not t.current][:excess])


def _remove(engine: Engine, book_id: int, take_ids: list[int]) -> list[TakeRow]:
    gone = repository.delete(engine.db(), book_id, take_ids)
    for take in gone:
        engine.store.delete(take.picture_key)
        engine.store.delete(take.thumb_key)
    return gone


def of_page(engine: Engine, book_id: int, page: Page) -> list[TakeRow]:
    """The page's takes, oldest first; a picture from before takes is adopted as take 1 first."""
    db = engine.db()
    found = repository.of_page(db, book_id, page.scene_id)
    if found:
        return found
    with db.write():
        job_rows.lock_book(db, book_id)
        adopt(engine, book_id, page)
    return repository.of_page(db, book_id, page.scene_id)


def use(engine: Engine, book_id: int, take_id: int) -> TakeRow:
    """Make a take current: its picture is copied to the page's keys, the page's version bumps, and a
    redraw asked for before now keeps its take without making it current. NotFound for another book's take."""
    db = engine.db()
    with db.write():
        take = _held(db, book_id, take_id)
        page = _page_of_take(db, book_id, take)
        show(engine, book_id, page, take, repository.newest_job(db, book_id))
        if page.number is not None:
            book_rows.picture_changed(db, book_id, page.number)
    return take


def show(engine: Engine, book_id: int, page: Page, take: TakeRow, since_job: int) -> None:
    """Make the take the page's current one and copy its picture to the page's keys, inside the caller's
    unit holding the book; a page job at or below `since_job` was asked for before, so keeps its take unshown."""
    png, thumb = engine.store.get(take.picture_key), engine.store.get(take.thumb_key)
    if png is None or thumb is None:
        raise Invalid(f"Take {take.number}'s picture is missing from the book's folder; delete it or choose another.")
    repository.make_current(engine.db(), book_id, take.scene_id, take.id, since_job)
    storage.write_picture(engine.store, book_id, page.stem, (png, thumb))


def adopt_book(engine: Engine, book_id: int, pages: list[Page]) -> None:
    """`adopt` every page of `pages` (the cover is `COVER`) that has no takes yet but a picture; a write
    unit only for such a page, so a book made with takes pays one read."""
    db = engine.db()
    counts = repository.counts_of_book(db, book_id)
    bare = [page for page in pages if not counts.get(page.scene_id)
            and engine.store.version(layout.picture_key(book_id, page.stem)) is not None]
    if not bare:
        return
    with db.write():
        job_rows.lock_book(db, book_id)
        for page in bare:
            adopt(engine, book_id, page)


def _held(db: Database, book_id: int, take_id: int) -> TakeRow:
    """The take, inside the caller's write unit with the book held (no job publishes meanwhile)."""
    job_rows.lock_book(db, book_id)
    take = repository.get(db, book_id, take_id)
    if take is None:
        raise NotFound("That take is not there any more.")
    return take


def _page_of_take(db: Database, book_id: int, take: TakeRow) -> Page:
    if take.scene_id is None:
        return COVER
    for row in books.scene_rows(db, book_id):
        if row.id == take.scene_id:
            return Page(row.id, row.scene.scene)
    raise NotFound("That take's page is not in the book any more.")


def delete(engine: Engine, book_id: int, take_id: int) -> TakeRow:
    """Delete one take and its files; never the current one (Invalid says so)."""
    db = engine.db()
    with db.write():
        take = _held(db, book_id, take_id)
        if take.current:
            raise Invalid("This is the picture the page shows: choose another take first, then delete this one.")
        _remove(engine, book_id, [take.id])
    return take


def delete_all_but_current(engine: Engine, book_id: int, page: Page) -> int:
    """Delete every take of the page but the current one; how many went."""
    db = engine.db()
    with db.write():
        job_rows.lock_book(db, book_id)
        others = [t.id for t in repository.of_page(db, book_id, page.scene_id) if not t.current]
        return len(_remove(engine, book_id, others))


def drop_page_takes(engine: Engine, book_id: int) -> None:
    """The files of every page take (a new story replaces the pages; their rows go with the scene rows)."""
    for take in repository.of_pages(engine.db(), book_id):
        engine.store.delete(take.picture_key)
        engine.store.delete(take.thumb_key)


def remove_orphans(engine: Engine, book_id: int) -> int:
    """Delete take files no take row names: a runner killed between writing a take's files and
    committing its row leaves them (its row, and so its id, never existed). Called while the book
    is held for publishing, when every writer of its takes is done or dead. How many went."""
    prefix = f"{layout.book_prefix(book_id)}{layout.TAKES}/"
    named = repository.keys_of_book(engine.db(), book_id)
    orphans = [key for key in engine.store.list(prefix) if key not in named]
    for key in orphans:
        engine.store.delete(key)
    return len(orphans)


def of_page_number(db: Database, book_id: int, scene: int | None) -> list[TakeRow]:
    """The takes of page number `scene` (None: the cover) as stored, without adopting anything."""
    return repository.of_page_number(db, book_id, scene)


def current_of_book(db: Database, book_id: int) -> dict[int | None, TakeRow]:
    """scene id (None: the cover) -> its current take."""
    return repository.current_of_book(db, book_id)


def usage_for(db: Database, user_id: int) -> list[BookTakes]:
    return repository.usage_for(db, user_id)
