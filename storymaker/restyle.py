"""Restyle: the whole book, every page and the cover, drawn again in another art style as new takes.

`books.style` is the style the book's pictures are drawn in from now on. A restyle to S sets it
and, for each page and the cover, in the same write unit holding the book:

- the page's newest take in S that still *fits* it (drawn from the words the page has now:
  `takes.fit` equals `illustrate.page_fit`; the cover's from its title, premise and cast) is made
  current and copied to the page's keys at once; the request is recorded as a job that succeeded
  when asked for (`jobs.settle_all`), so it supersedes any job still drawing that page in another
  style and the book's status counts it (the last request wins, as ever);
- a page with no such take gets a page (cover) job, which draws in S and stores a new take,
  current when it is published;
- a page whose fitting take in S is already current, with no job of its own to supersede, is left alone.

So switching back to a style the book had queues nothing and is instant, while a page edited
since its old take was drawn is drawn again rather than shown with a picture of other words.
Takes from before `fit` was kept carry none: the one a page shows is taken to fit the words the
page has at its first restyle (it is the picture its author accepted for them), and is stamped so.

Restyle, then Cancel: pages already drawn keep their new take, the others keep the old one; the
book's style stays S (what every new picture is drawn in) and `State.behind` counts the pictures
still in another style, which the Studio offers to finish (restyle to S again: only those are
drawn) or to switch back (instant).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from . import books, illustrate, jobs, styles, takes
from .books import Book
from .data import books as book_rows
from .data import jobs as job_rows
from .data import takes as take_rows
from .engine import Engine
from .errors import Invalid, NotFound
from .handlers import Kind
from .status import JobStatus
from .takes import TakeRow


@dataclass(frozen=True)
class Picture:
    """One picture of the book (a page or the cover) and what it is drawn from now."""

    page: takes.Page
    fit: str

    @property
    def target(self) -> tuple[str, int | None]:
        return (Kind.COVER, None) if self.page.number is None else (Kind.PAGE, self.page.number)


@dataclass(frozen=True)
class Plan:
    """What a restyle to `style` would do: pictures to draw, takes to show at once, pictures already right."""

    style: str
    draw: tuple[Picture, ...] = ()
    reuse: tuple[tuple[Picture, TakeRow], ...] = ()
    kept: tuple[Picture, ...] = ()

    @property
    def pages_to_draw(self) -> int:
        return sum(1 for p in self.draw if p.page.number is not None)

    @property
    def cover_to_draw(self) -> bool:
        return any(p.page.number is None for p in self.draw)

    @property
    def instant(self) -> bool:
        return not self.draw


@dataclass(frozen=True)
class State:
    """The book's style and, per style, how many of its pictures already have a fitting take in it."""

    style: str
    pictures: int  # the pages and the cover
    ready: dict[str, int] = field(default_factory=dict)  # style -> pictures with a fitting take in it
    # style -> pictures whose current take is in that other style (a restyle canceled or still drawing)
    behind: dict[str, int] = field(default_factory=dict)

    def instant(self, style: str) -> bool:
        return self.pictures > 0 and self.ready.get(style, 0) == self.pictures


def _pictures(book: Book, rows: list[books.SceneRow]) -> list[Picture]:
    return [Picture(takes.COVER, illustrate.cover_fit(book))] + [
        Picture(takes.Page(row.id, row.scene.scene), illustrate.page_fit(book, row.scene)) for row in rows]


def _fits(take: TakeRow, picture: Picture) -> bool:
    # A take from before fits were kept: only the one the page shows, taken to fit its words as they are.
    return take.fit == picture.fit or (take.fit is None and bool(take.current))


def _by_page(found: list[TakeRow]) -> dict[int | None, list[TakeRow]]:
    pages: dict[int | None, list[TakeRow]] = {}
    for take in found:
        pages.setdefault(take.scene_id, []).append(take)
    return pages


def _newest_fitting(kept: list[TakeRow], picture: Picture, style: str) -> TakeRow | None:
    fitting = [t for t in kept if t.style == style and _fits(t, picture)]
    return max(fitting, key=lambda t: t.id) if fitting else None


def _plan(engine: Engine, book: Book, style: str) -> Plan:
    db = engine.db()
    pictures = _pictures(book, books.scene_rows(db, book.id))
    pages = _by_page(take_rows.of_book(db, book.id))
    settled = {(kind, scene) for kind, scene, status in jobs.latest(db, book.id) if status == JobStatus.SUCCEEDED}
    draw, reuse, kept = [], [], []
    for picture in pictures:
        take = _newest_fitting(pages.get(picture.page.scene_id, []), picture, style)
        if take is None:
            draw.append(picture)
        elif take.current and picture.target in settled:
            kept.append(picture)
        else:
            reuse.append((picture, take))
    return Plan(style, tuple(draw), tuple(reuse), tuple(kept))


def _check_style(style: str) -> None:
    if style not in styles.ART_STYLES:
        raise Invalid(f"Choose an art style: {', '.join(s.label for s in styles.ART_STYLES.values())}.")


def _adopt(engine: Engine, book: Book) -> None:
    """Pictures from before takes become takes first: a restyle must keep them to switch back to.
    Only pages drawn since their words were written can have one (`takes.adopt`)."""
    rows = books.scene_rows(engine.db(), book.id)
    takes.adopt_book(engine, book.id, [takes.COVER] + [takes.Page(r.id, r.scene.scene) for r in rows
                                                       if r.image_version])


def plan(engine: Engine, book: Book, style: str) -> Plan:
    """What `restyle(book, style)` would do now (the Studio says how many pictures it will draw)."""
    _check_style(style)
    _adopt(engine, book)
    return _plan(engine, book, style)


def state(engine: Engine, book: Book) -> State:
    """How ready each style is, and which pictures are still in a style other than the book's."""
    _adopt(engine, book)
    db = engine.db()
    pictures = _pictures(book, books.scene_rows(db, book.id))
    pages = _by_page(take_rows.of_book(db, book.id))
    ready: Counter[str] = Counter()
    behind: Counter[str] = Counter()
    for picture in pictures:
        kept = pages.get(picture.page.scene_id, [])
        ready.update({t.style for t in kept if _fits(t, picture)})
        current = next((t for t in kept if t.current), None)
        if current is not None and current.style != book.style:
            behind[current.style] += 1
    return State(book.style, len(pictures), dict(ready), dict(behind))


def restyle(engine: Engine, book_id: int, style: str) -> Plan:
    """Restyle the book to `style` (see the module's docstring) in one write unit holding the book; what it did."""
    _check_style(style)
    db = engine.db()
    book = books.get_any(db, book_id)
    if book is None:
        raise NotFound("That book is not there any more.")
    _adopt(engine, book)
    with db.write():
        job_rows.lock_book(db, book_id)
        book_rows.set_style(db, book_id, style)
        book_rows.clear_notes(db, book_id)  # notes were for the next take in the old style, like Regenerate all's
        book = books.get_any(db, book_id)
        assert book is not None  # held by this unit
        _stamp(engine, book_id, _pictures(book, books.scene_rows(db, book_id)))
        done = _on_file(engine, _plan(engine, book, style))
        settled = jobs.settle_all(db, book_id, [picture.target for picture, _ in done.reuse])
        for (picture, take), job_id in zip(done.reuse, settled, strict=True):
            takes.show(engine, book_id, picture.page, take, job_id)
        jobs.enqueue_all(db, book_id, [picture.target for picture in done.draw])
    jobs.wake()  # the runners look once the jobs are committed
    return done


def _on_file(engine: Engine, planned: Plan) -> Plan:
    """The plan with takes whose files are gone (a lost file, a wiped folder) drawn again instead of shown."""
    there = [(p, t) for p, t in planned.reuse
             if engine.store.stat(t.picture_key) is not None and engine.store.stat(t.thumb_key) is not None]
    if len(there) == len(planned.reuse):
        return planned
    gone = tuple(p for p, t in planned.reuse if (p, t) not in there)
    return Plan(planned.style, planned.draw + gone, tuple(there), planned.kept)


def _stamp(engine: Engine, book_id: int, pictures: list[Picture]) -> None:
    """A current take from before fits were kept is taken to fit its page's words now: stamp it so,
    before a restyle makes another take current and it would no longer count. One read for the book."""
    db = engine.db()
    fit_of = {picture.page.scene_id: picture.fit for picture in pictures}
    for take in take_rows.of_book(db, book_id):
        if take.current and take.fit is None and take.scene_id in fit_of:
            take_rows.set_fit(db, book_id, take.id, fit_of[take.scene_id])
