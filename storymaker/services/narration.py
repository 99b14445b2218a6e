"""Narration for screens: what a book's narration stands at, making it, its voice, a page's audio.

Offline there is no voice model: `status(...).available` is False and the Reader reads aloud
with the browser's own voices. With one (OpenAI or a compatible server, or a person's own key),
"Make narration" queues a narration job per page whose words have none yet, as background jobs
beside the book's pictures; the jobs' progress and failures show here.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import books, jobs, narration
from ..data import narrations as repository
from ..engine import Engine
from ..errors import Invalid, NotFound
from ..handlers import Kind
from ..narration import PageNarration
from ..status import ACTIVE, JobStatus


class NoVoiceModel(Invalid):
    """Narration was asked for where no voice model is configured."""


@dataclass(frozen=True)
class NarrationStatus:
    available: bool  # a voice model is configured (or the person's own key brings one)
    model: str | None
    voice: str
    voices: tuple[str, ...]  # the voices people can choose, the book's own first if not listed
    pages: int  # pages with words to say, the cover's title included
    narrated: int  # of those, pages whose narration matches their words, voice and model
    active: int  # narration jobs queued or running
    failed: tuple[tuple[int, str], ...] = ()  # (page, why) for pages whose last try failed
    characters: int = 0  # characters still to narrate: what "Make narration" would be billed for
    waiting: str | None = None  # why narration waits before it tries again, in words

    @property
    def done(self) -> bool:
        return self.available and self.pages > 0 and self.narrated == self.pages

    @property
    def fraction(self) -> float:
        return self.narrated / self.pages if self.pages else 0.0


def status(engine: Engine, user_id: int, book_id: int) -> NarrationStatus:
    db = engine.db()
    with db.read():  # one snapshot of the book, its pages, its narration and its jobs
        book = books.own(db, user_id, book_id)
        model = engine.speech_model
        voice = narration.voice_for(engine, book_id)
        voices = tuple(model.voices) if model is not None else ()
        if voice not in voices:
            voices = (voice, *voices)
        rows = books.scene_rows(db, book_id)
        words = {page: text for page, text in narration.spoken_words(book, rows).items() if text.strip()}
        if model is None or not rows:
            return NarrationStatus(model is not None, None if model is None else model.model_id, voice, voices,
                                   len(words) if rows else 0, 0, 0)
        current = narration.current(engine, book, rows)
        latest = {scene: state for kind, scene, state in jobs.latest(db, book_id) if kind == Kind.NARRATION}
        active = sum(1 for state in latest.values() if state in ACTIVE)
        failures = jobs.errors(db, book_id, Kind.NARRATION)
        failed = tuple((page, failures.get(page) or "It could not be made.") for page, state in sorted(
            (p, s) for p, s in latest.items() if p is not None) if state == JobStatus.FAILED and page not in current)
        missing = sum(len(text) for page, text in words.items() if page not in current)
        waits = [wait for wait in jobs.waits(db, book_id) if wait.kind == Kind.NARRATION]
        return NarrationStatus(True, model.model_id, voice, voices, len(words), sum(1 for p in words if p in current),
                               active, failed, missing, jobs.waiting_text(waits))


def make(engine: Engine, user_id: int, book_id: int) -> int:
    """Queue narration for every page whose words have none yet; how many pages were queued.
    Audio of words the book no longer has is dropped first."""
    db = engine.db()
    book = books.own(db, user_id, book_id)
    if engine.speech_model is None:
        raise NoVoiceModel("No voice model is configured here, so narration cannot be made. "
                           "Read aloud uses this browser's own voices instead.")
    rows = books.scene_rows(db, book_id)
    if not rows:
        raise Invalid("The story has no pages yet; make narration once it is written.")
    narration.prune(engine, book)
    current = narration.current(engine, book, rows)
    running = {scene for kind, scene, state in jobs.latest(db, book_id) if kind == Kind.NARRATION and state in ACTIVE}
    pages = [page for page, text in narration.spoken_words(book, rows).items()
             if text.strip() and page not in current and page not in running]
    if pages:
        jobs.enqueue_all(db, book_id, [(Kind.NARRATION, page) for page in pages])
    return len(pages)


def set_voice(engine: Engine, user_id: int, book_id: int, voice: str) -> None:
    """Choose the book's narrator voice: one the voice model lists, or the deployment's own."""
    voice = (voice or "").strip()
    model = engine.speech_model
    allowed = set(model.voices if model is not None else ()) | {engine.settings.speech_voice}
    if voice not in allowed:
        raise Invalid("Choose one of the listed voices.")
    if not repository.set_voice(engine.db(), user_id, book_id, voice):
        raise NotFound(f"Book {book_id} not found.")


def page(engine: Engine, user_id: int, book_id: int, number: int) -> PageNarration | None:
    """A page's current narration with its audio, for its owner's Reader; None when there is none."""
    book = books.own(engine.db(), user_id, book_id)
    return narration.load(engine, book, number)
