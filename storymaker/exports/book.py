"""A finished book as every export reads it: its words, its pictures and a version.

`snapshot` reads one book of one user (any other user's book is simply not there) and
refuses a book that is not finished: one still being made, or with a page not drawn.
The version changes whenever the words, a picture, the author line or the cover do,
so a cached export (see `exports.make`) is made again exactly when the book changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import Callable, Mapping

from PIL import Image

from .. import books, illustrate, narration, styles, takes
from ..engine import Engine
from ..errors import Invalid, NotFound
from ..files import layout
from ..narration import PageNarration


class NotReady(Invalid):
    """The book cannot be exported yet; the message says why and what to do."""


@dataclass(frozen=True)
class ExportPage:
    number: int  # 1..N
    title: str
    text: str
    picture: bytes  # the full-size PNG
    illustration: str = ""  # what the picture shows (story.csv's column)
    characters: tuple[str, ...] = ()  # who is on the page (story.csv's column)


COVER_ART = 0  # `redraw`'s number for the cover art
Redraw = Callable[[int, tuple[int, int]], Image.Image]


@dataclass(frozen=True)
class BookToExport:
    id: int
    title: str
    author: str  # "" when the book has no author line
    language: str  # e.g. "en"
    age_band: str  # e.g. "3-5"
    style: str
    cast: tuple[str, ...]
    cover: bytes  # the full-size cover PNG
    pages: tuple[ExportPage, ...]
    version: str  # changes whenever anything above does
    # Only for a book the offline painter drew: the same picture painted again at `(w, h)`
    # pixels (page number, or COVER_ART for the cover without its title), so a print
    # export gets pictures at print resolution. Its inputs are part of `version`.
    redraw: Redraw | None = field(default=None, compare=False, repr=False)
    # Narration by page number (0: the cover, saying the title), for any subset of the pages: the
    # EPUB carries each as a media overlay where it still fits its page's words. What it was made
    # from belongs in `version`, as the rest does.
    narration: Mapping[int, PageNarration] = field(default_factory=dict, compare=False, repr=False)

    @property
    def slug(self) -> str:
        return slug(self.title, self.id)


def slug(title: str, book_id: int) -> str:
    """A file name stem from the title: letters, digits and dashes only."""
    words = "".join(ch if ch.isalnum() else " " for ch in title.lower()).split()
    return "-".join(words)[:60] or f"book-{book_id}"


NO_PICTURE = "Page {} has no picture yet. Draw it in the Studio, then export again."
NO_COVER = "The cover is not drawn yet. Draw it in the Studio, then export again."


def _refuse_unfinished(book: books.Book, rows: list[books.SceneRow]) -> list[books.SceneRow]:
    if book.status == books.GENERATING:
        raise NotReady("This book is still being made. Export it once every page is drawn.")
    if not rows:
        raise NotReady("This book has no pages yet.")
    return rows


def check_ready(engine: Engine, user_id: int, book_id: int | str | None) -> None:
    """`snapshot`'s refusals (`NotFound`, `NotReady`) without reading a picture: for a screen
    that offers downloads on every run (a look at each picture, not its bytes)."""
    book = books.get(engine.db(), user_id, book_id)
    if book is None:
        raise NotFound("Book not found.")
    for row in _refuse_unfinished(book, books.scene_rows(engine.db(), book.id)):
        if engine.store.stat(layout.page_key(book.id, row.scene.scene)) is None:
            raise NotReady(NO_PICTURE.format(row.scene.scene))
    if engine.store.stat(layout.cover_key(book.id)) is None:
        raise NotReady(NO_COVER)


def snapshot(engine: Engine, user_id: int, book_id: int | str | None) -> BookToExport:
    """The user's finished book, with every picture; `NotFound` or `NotReady` otherwise."""
    db = engine.db()
    book = books.get(db, user_id, book_id)
    if book is None:
        raise NotFound("Book not found.")
    rows = _refuse_unfinished(book, books.scene_rows(db, book.id))
    pages = []
    for row in rows:
        picture = engine.store.get(layout.page_key(book.id, row.scene.scene))
        if picture is None:
            raise NotReady(NO_PICTURE.format(row.scene.scene))
        s = row.scene
        pages.append(ExportPage(s.scene, s.title, s.text, picture, s.illustration, tuple(s.characters)))
    cover = engine.store.get(layout.cover_key(book.id))
    if cover is None:
        raise NotReady(NO_COVER)
    author = books.author_line(engine.db(), book)
    redraw, redraw_inputs = _painter_redraw(engine, book, rows)
    narrated = narration.load_all(engine, book, rows)
    identity = {
        "title": book.title, "author": author, "language": book.language, "age_band": book.age_band,
        "style": book.style, "cast": book.names,
        "pages": [[p.number, p.title, p.text, hashlib.sha256(p.picture).hexdigest(), p.illustration, p.characters]
                  for p in pages],
        "cover": hashlib.sha256(cover).hexdigest(),
        "redraw": redraw_inputs,
        # What each page's narration says and in which voice (its audio follows from them).
        "narration": sorted([n, made.voice, made.model, made.text, made.duration_s] for n, made in narrated.items()),
    }
    version = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:16]
    return BookToExport(book.id, book.title, author, book.language, book.age_band, book.style, tuple(book.names),
                        cover, tuple(pages), version, redraw, narrated)


def _painter_redraw(engine: Engine, book: books.Book, rows) -> tuple[Redraw | None, str]:
    """The redraw hook when the offline painter draws this book's pictures (it is
    deterministic, so the same request paints the same picture bigger), and a digest of
    what it would paint from (so a changed scene makes a new print export)."""
    if not engine.image_model.is_offline:
        return None, ""
    # As the page jobs saw it: with the cast's avatars (the painter follows them), and the
    # take each picture was drawn as (its count of drawings bumps once it is stored).
    book = books.get(engine.db(), book.user_id, book.id, engine.store) or book
    # The current take's seed, note and style where the page has takes (an older take may be the one
    # shown; after a restyle stopped halfway, some pages are still in the book's previous style).
    current = takes.current_of_book(engine.db(), book.id)

    def drawn_as(take: takes.TakeRow | None) -> books.Book:
        return replace(book, style=take.style) if take and take.style in styles.ART_STYLES else book

    requests = {}
    for row in rows:
        take = current.get(row.id)
        request = illustrate.page_request(engine, drawn_as(take), row.scene, max(0, row.image_version - 1),
                                          take.note if take else None)
        requests[row.scene.scene] = replace(request, seed=take.seed) if take and take.seed else request
    requests[COVER_ART] = illustrate.cover_request(engine, drawn_as(current.get(None)))
    model = engine.image_model

    def redraw(number: int, size: tuple[int, int]) -> Image.Image:
        return model.draw(replace(requests[number], size=size)).image

    inputs = [[n, r.prompt, r.scene, r.style, r.seed, r.kind,
               [[c.name, c.look, c.personality, hashlib.sha256(c.avatar or b"").hexdigest()] for c in r.characters]]
              for n, r in sorted(requests.items())]
    return redraw, hashlib.sha256(json.dumps(inputs).encode()).hexdigest()
