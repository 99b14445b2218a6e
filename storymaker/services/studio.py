"""The operations a screen (or the CLI) needs to make and steer a book.

Every function takes the acting user's id and touches only that user's books, so
a page can pass whatever it read from the URL without checking ownership itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

from .. import avatars, books, characters, illustrate, jobs, safety, status, storage, styles, takes
from ..data import books as book_rows
from ..data import jobs as job_rows
from ..data import series as series_rows
from ..books import Book, BookOptions, SceneRow
from ..characters import Character
from ..data import Database, parse_id
from ..engine import Engine
from ..errors import NotFound
from ..jobs import JobStatus, Kind
from ..models.base import CharacterLook
from ..safety import policy as safety_policy


def _own_book(engine: Engine, user_id: int, book_id: int) -> Book:
    return books.own(engine.db(), user_id, book_id)


def start_book(engine: Engine, user_id: int, options: BookOptions, character_ids: Sequence[int],
               sequel_of: int | None = None) -> int:
    """Create a book from the user's characters and queue its story and cover at once; with `sequel_of`
    (one of the user's books), the new book continues that book's series.

    What was typed is checked for safety first (`safety.InputRefused`, a `BookError` naming each
    refused field; `safety.SafetyUnavailable` when the check cannot be made): nothing is stored,
    queued or charged unless it passes."""
    db = engine.db()
    options = options.cleaned()
    check_book_inputs(engine, user_id, options, characters.for_cast(db, user_id, character_ids).values())
    # One transaction: nobody ever sees the book without its jobs, a failure leaves no book behind,
    # and no chosen character can be deleted between being read and being copied into the cast.
    with db.write():
        series_id = None
        if sequel_of is not None:
            series_id = series_rows.hold_first_book(db, user_id, parse_id(sequel_of) or 0)
            if series_id is None:
                raise books.BookError({"series": "The book this one was to continue is no longer in your library."})
        chosen = characters.for_cast(db, user_id, character_ids)
        cast = []
        for character_id in character_ids:
            character = chosen.get(parse_id(character_id) or 0)
            if character is None:
                raise books.BookError({"characters": "One of the chosen characters no longer exists."})
            cast.append((character.id, CharacterLook(character.name, character.look, character.personality,
                                                        pronoun=character.pronoun),
                         character.avatar_path))
        book_id = books.create(db, user_id, options, cast, series_id)
        queue_new_book(engine, book_id)
    jobs.wake()  # the runners look once the book and its jobs are committed
    return book_id


def check_book_inputs(engine: Engine, user_id: int, options: BookOptions, cast: Iterable[Character] = ()) -> None:
    """The new-book form's words and its cast's, in one safety check; `safety.InputRefused` names each
    refused field ("characters" for a character)."""
    fields: dict[str, str | None] = {"title": options.title, "premise": options.premise, "author": options.author,
                                     "language": options.language}
    names = {}
    for character in cast:
        key = f"character {character.id}"
        names[key] = character.name
        fields[key] = "\n".join(part for part in (character.name, character.look, character.personality) if part)
    verdict = safety.check_inputs(engine, fields, user_id=user_id, language=options.language)
    if verdict.ok:
        return
    messages = verdict.messages({"language": "This language"})
    for key, name in names.items():
        if key in messages:
            flag = verdict.flags[key]
            messages.pop(key)
            messages.setdefault("characters", safety_policy.message(
                f"The character {name}", flag.categories, flag.matched) + " Change it in Characters.")
    raise safety.InputRefused(messages, verdict)


def queue_new_book(engine: Engine, book_id: int) -> None:
    """Queue a book's story and its cover as one step (inside the caller's transaction, if any)."""
    jobs.enqueue_all(engine.db(), book_id, [(Kind.STORY, None), (Kind.COVER, None)])


@dataclass(frozen=True)
class Progress:
    book: Book
    story: str | None  # the story job's status, None before it was queued
    cover: str | None
    scenes: list[SceneRow]
    counts: dict[str, int] = field(default_factory=dict)  # page job status -> count (latest job per page)
    # Jobs waiting out a rate limit or an outage before they try again (`jobs.waits`).
    waits: tuple[jobs.Wait, ...] = ()

    @property
    def waiting(self) -> str | None:
        """What the book waits for, in words, or None: the same line on every screen."""
        return jobs.waiting_text(self.waits)

    @property
    def pages_done(self) -> int:
        return sum(1 for s in self.scenes if s.status == books.DONE)

    @property
    def running(self) -> bool:
        return self.book.status == books.GENERATING

    @property
    def making(self) -> bool:
        """Being made (its story, or pages never drawn yet) rather than a made book having pages redrawn."""
        return status.is_making(self.book.status, self.story, ((r.status, r.image_version) for r in self.scenes),
                                made=self.book.made_at is not None)

    @property
    def fraction(self) -> float:
        """0..1 for a progress bar: the story counts as one page's worth, the cover as another."""
        total = self.book.scene_count + 2
        done = self.pages_done + (self.story == JobStatus.SUCCEEDED) + (self.cover == JobStatus.SUCCEEDED)
        return min(1.0, done / total)


def progress(engine: Engine, user_id: int, book_id: int) -> Progress:
    db = engine.db()
    with db.read():  # one snapshot: the book, its jobs and its pages as they were at one moment
        return _progress(engine, db, user_id, book_id)


def progress_mark(engine: Engine, user_id: int, book_id: int) -> tuple:
    """Cheap to ask: differs from the last one whenever `progress` would show something else
    (NotFound for anybody else's book)."""
    mark = job_rows.progress_mark(engine.db(), user_id, book_id)
    if mark is None:
        raise NotFound(f"There is no book {book_id} in your library.")
    return mark


def wait_for_page(engine: Engine, user_id: int, book_id: int, scene: int, within: float) -> str | None:
    """Wait up to `within` seconds for the newest picture job of one of the user's pages (one just
    redrawn or added): its status once it ended, None while it runs or when the page has none. A quick
    picture is then shown by the same run, with no progress step."""
    _own_book(engine, user_id, book_id)
    job_id = job_rows.newest_id(engine.db(), book_id, Kind.PAGE, int(scene))
    if job_id is None:
        return None
    ended = jobs.wait(engine.db(), [job_id], within)
    return None if ended is None else ended.get(job_id)


def _progress(engine: Engine, db: Database, user_id: int, book_id: int) -> Progress:
    book = _own_book(engine, user_id, book_id)
    latest = jobs.latest(db, book_id)
    story = next((s for k, _, s in latest if k == Kind.STORY), None)
    cover = next((s for k, _, s in latest if k == Kind.COVER), None)
    counts: dict[str, int] = {}
    for kind, _, job_status in latest:
        if kind == Kind.PAGE:
            counts[job_status] = counts.get(job_status, 0) + 1
    waits = tuple(jobs.waits(db, book_id)) if book.status == books.GENERATING else ()
    return Progress(book, story, cover, books.scene_rows(db, book_id), counts, waits)


def regenerate_page(engine: Engine, user_id: int, book_id: int, scene: int, note: str | None = None) -> int:
    """Redraw one page from its current row as a new take, with `note` added to its prompt for that
    take only (Invalid when too long); a newer request supersedes an older one, its note too."""
    book = _own_book(engine, user_id, book_id)
    note = takes.clean_note(note)
    if note:  # checked before anything is queued, like every other typed input
        safety.require_safe(engine, {"note": note}, user_id=user_id, book_id=book_id, language=book.language,
                            nouns={"note": "This note"})
    db = engine.db()
    if books.get_scene(db, book_id, scene) is None:
        raise NotFound(f"Book {book_id} has no page {scene}.")
    with db.write():  # the note and the request it belongs to: both or neither
        book_rows.set_scene_note(db, book_id, scene, note)
        return jobs.enqueue(db, book_id, Kind.PAGE, scene)


def regenerate_all_pages(engine: Engine, user_id: int, book_id: int) -> list[int]:
    _own_book(engine, user_id, book_id)
    db = engine.db()
    numbers = [row.scene.scene for row in books.scene_rows(db, book_id)]
    with db.write():  # new requests, without the notes of the ones they supersede
        book_rows.clear_notes(db, book_id)
        return jobs.enqueue_pages(db, book_id, numbers)


def retry_failed(engine: Engine, user_id: int, book_id: int) -> list[int]:
    """Queue again whatever failed: the story (which redraws every page) or the failed pages and cover."""
    progress_now = progress(engine, user_id, book_id)
    db = engine.db()
    if progress_now.story in (JobStatus.FAILED, JobStatus.CANCELED) or not progress_now.scenes:
        return [jobs.enqueue(db, book_id, Kind.STORY)] + (
            [jobs.enqueue(db, book_id, Kind.COVER)] if progress_now.cover != JobStatus.SUCCEEDED else []
        )
    queued = []
    if progress_now.cover in (JobStatus.FAILED, JobStatus.CANCELED):
        queued.append(jobs.enqueue(db, book_id, Kind.COVER))
    failed = [row.scene.scene for row in progress_now.scenes if row.status == books.FAILED]
    return queued + (jobs.enqueue_pages(db, book_id, failed) if failed else [])


def rewrite_story(engine: Engine, user_id: int, book_id: int) -> int:
    """Throw the scenes away and write the story again (its pages follow)."""
    before = progress(engine, user_id, book_id)
    db = engine.db()
    jobs.cancel_book(db, book_id)
    job_id = jobs.enqueue(db, book_id, Kind.STORY)
    if before.cover != JobStatus.SUCCEEDED:  # the cancel above also stopped an unfinished cover
        jobs.enqueue(db, book_id, Kind.COVER)
    return job_id


def cancel(engine: Engine, user_id: int, book_id: int) -> int:
    _own_book(engine, user_id, book_id)
    return jobs.cancel_book(engine.db(), book_id)


def draw_avatar(engine: Engine, user_id: int, character_id: int, style: str = styles.DEFAULT_STYLE) -> Character:
    """Paint a portrait of the user's character with the current image model and keep it as its avatar.

    Model errors propagate (a `ModelError` carries a message for the user).
    """
    db = engine.db()
    character = characters.get(db, user_id, character_id)
    if character is None:
        raise NotFound("That character no longer exists.")
    picture = illustrate.draw_avatar(engine, character.name, character.look, character.personality, style)
    safety.check_picture(engine, None, user_id, picture, f"the portrait of {character.name}")
    path = avatars.store_image(engine.store, user_id, picture)
    characters.set_avatar(db, user_id, character.id, path)
    if character.avatar_path:
        characters.release_avatar(db, engine.store, character.avatar_path)
    updated = characters.get(db, user_id, character.id)
    if updated is None:  # deleted while the picture was painted
        characters.release_avatar(db, engine.store, path)
        raise NotFound("That character no longer exists.")
    return updated


# ---------------------------------------------------------------- pictures missing on disk


@dataclass(frozen=True)
class MissingPictures:
    """Pictures a book has drawn but that are no longer on disk (a deleted folder, a lost file)."""

    cover: bool = False
    pages: tuple[int, ...] = ()

    def __bool__(self) -> bool:
        return self.cover or bool(self.pages)

    @property
    def count(self) -> int:
        return int(self.cover) + len(self.pages)

    def describe(self) -> str:
        """One sentence for people, e.g. "The pictures of the cover and pages 2 and 3 are missing."."""
        parts = (["the cover"] if self.cover else []) + (
            [("page " if len(self.pages) == 1 else "pages ") + _and_list([str(p) for p in self.pages])]
            if self.pages else [])
        if not parts:
            return "No picture is missing."
        noun = "picture" if self.count == 1 else "pictures"
        return f"The {noun} of {_and_list(parts)} {'is' if self.count == 1 else 'are'} missing."


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def missing_in(engine: Engine, book_id: int, rows: Sequence[SceneRow]) -> MissingPictures:
    """`missing_pictures` for a book whose ownership the caller checked and whose rows it read."""
    db = engine.db()
    present = storage.pictures_in_store(engine.store, book_id)
    cover_done = any(k == Kind.COVER and s == JobStatus.SUCCEEDED for k, _, s in jobs.latest(db, book_id))
    # Only pictures that were drawn and are not being drawn again: a page still queued is not missing.
    pages = tuple(r.scene.scene for r in rows
                  if r.status == books.DONE and storage.scene_name(r.scene.scene) not in present)
    return MissingPictures(cover_done and "cover" not in present, pages)


def all_pictures_on_disk(engine: Engine, book: Book) -> bool:
    """True when every picture a finished book of `book.scene_count` pages has is on disk, so My Books
    can check every card cheaply and ask `missing_in` only when not."""
    present = storage.pictures_in_store(engine.store, book.id)
    return {"cover", *(storage.scene_name(n) for n in range(1, book.scene_count + 1))} <= present


def missing_pictures(engine: Engine, user_id: int, book_id: int) -> MissingPictures:
    """Which of the user's book's drawn pictures (the cover included) are no longer on disk."""
    _own_book(engine, user_id, book_id)
    return missing_in(engine, book_id, books.scene_rows(engine.db(), book_id))


def redraw_missing(engine: Engine, user_id: int, book_id: int) -> MissingPictures:
    """Queue a page job for each missing page picture and a cover job for a missing cover.

    Returns what was missing (and is now being drawn again).
    """
    missing = missing_pictures(engine, user_id, book_id)
    db = engine.db()
    if missing.pages:
        jobs.enqueue_pages(db, book_id, list(missing.pages))
    if missing.cover:
        redraw_cover(engine, user_id, book_id)
    return missing


def redraw_cover(engine: Engine, user_id: int, book_id: int) -> int:
    """Draw the user's book's cover again (title, cast and style as they are now)."""
    _own_book(engine, user_id, book_id)
    return jobs.enqueue(engine.db(), book_id, Kind.COVER)
