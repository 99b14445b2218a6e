"""Narration: a page's words as speech from a voice model, with when each word is said.

The browser's own voices need nothing from here (the Reader's player speaks the words itself).
With a voice model configured, each page is made into audio once and kept with the book;
`WordTiming`s, estimated from the words' lengths and the audio's duration, light the words as
they play and become the EPUB's media overlays. A page's narration is current while its words,
the voice and the model are the ones it was made from (`fingerprint`): an edit of page 3 makes
page 3 again, and no other.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field

from . import books, usage
from .data import narrations as repository
from .data.narrations import NarrationRow
from .engine import Engine
from .files import layout
from .models.base import SpeechRequest
from .models.errors import ModelConfigError, ModelError

# Page 0 is the cover: its narration says the title.
COVER = 0
# Pauses a voice makes, in letters' worth of time: after a comma, after a sentence.
_PAUSE_AFTER = {",": 2.0, ";": 3.0, ":": 3.0, ".": 5.0, "!": 5.0, "?": 5.0, "…": 5.0}
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class WordTiming:
    """One word of the text: its characters `text[start:end]` (str indices) and when it is said."""

    start: int
    end: int
    begin_s: float
    end_s: float


@dataclass(frozen=True)
class PageNarration:
    """A page's narration as stored with the book."""

    page: int  # 0: the cover (the title); n: page n
    text: str  # the words spoken, exactly as the page shows them
    mime: str  # "audio/mpeg" for MP3
    duration_s: float
    words: tuple[WordTiming, ...]
    audio: bytes = field(default=b"", repr=False)
    voice: str = ""  # what said it: the voice and the model (the fingerprint's other two parts)
    model: str = ""


def fingerprint(text: str, voice: str, model: str) -> str:
    """What a page's narration was made from, as a short hash: it is current while this stays the same."""
    digest = hashlib.sha256("\x1f".join((model, voice, " ".join(text.split()))).encode("utf-8"))
    return digest.hexdigest()[:16]


def word_timings(text: str, duration_s: float) -> tuple[WordTiming, ...]:
    """When each word of `text` is said in audio lasting `duration_s`, estimated: each word takes
    time in proportion to its letters, plus a pause after punctuation; a voice model's audio
    starts and ends with a moment of silence, which is left out."""
    matches = list(_WORD.finditer(text))
    if not matches or duration_s <= 0:
        return ()
    lead = min(0.15, duration_s * 0.05)
    tail = min(0.25, duration_s * 0.05)
    span = max(duration_s - lead - tail, duration_s * 0.5)
    weights = []
    for match in matches:
        word = match.group()
        weights.append(len(word) + 1.0 + _PAUSE_AFTER.get(word[-1], 0.0))
    scale = span / sum(weights)
    timings, at = [], lead
    for match, weight in zip(matches, weights, strict=True):
        word = match.group()
        # The pause belongs to the silence after the word, not to the word itself.
        said = (len(word) + 1.0) * scale
        timings.append(WordTiming(match.start(), match.end(), round(at, 3), round(at + said, 3)))
        at += weight * scale
    return tuple(timings)


def utf16_offsets(text: str, timings: tuple[WordTiming, ...]) -> list[list[float]]:
    """The timings as the browser counts characters (UTF-16 code units):
    [[start, end, begin_s, end_s], ...] for the player."""
    def unit(index: int) -> int:
        return len(text[:index].encode("utf-16-le")) // 2

    return [[unit(t.start), unit(t.end), t.begin_s, t.end_s] for t in timings]


# -- the work: make, keep and find a book's narration -----------------------------------------

# A page is said in one request; the speech endpoint takes at most 4096 characters.
MAX_CHARACTERS = 4096
_EXTENSIONS = {"audio/mpeg": "mp3", "audio/mp3": "mp3", "audio/mp4": "m4a", "audio/aac": "aac", "audio/wav": "wav",
               "audio/x-wav": "wav", "audio/wave": "wav", "audio/ogg": "ogg", "audio/opus": "opus",
               "audio/flac": "flac"}


def spoken_words(book: books.Book, rows: list[books.SceneRow]) -> dict[int, str]:
    """What each page says aloud: the cover its title, every page its words (not its heading,
    which a parent does not read out either)."""
    return {COVER: book.title, **{row.scene.scene: row.scene.text for row in rows}}


def voice_for(engine: Engine, book_id: int) -> str:
    """The book's narrator voice: its own choice, else the deployment's."""
    return repository.voice_of(engine.db(), book_id) or engine.settings.speech_voice


def model_name(engine: Engine) -> str | None:
    model = engine.speech_model
    return model.model_id if model is not None else None


def current(engine: Engine, book: books.Book, rows: list[books.SceneRow] | None = None,
            kept: list[NarrationRow] | None = None) -> dict[int, NarrationRow]:
    """page -> its narration, for the pages whose narration matches their words, the book's
    voice and the voice model in use now. Empty when no voice model is configured."""
    model = model_name(engine)
    if model is None:
        return {}
    db = engine.db()
    rows = books.scene_rows(db, book.id) if rows is None else rows
    by_print = {row.fingerprint: row for row in (repository.for_book(db, book.id) if kept is None else kept)}
    voice = voice_for(engine, book.id)
    found = {}
    for page, text in spoken_words(book, rows).items():
        row = by_print.get(fingerprint(text, voice, model))
        if row is not None and text.strip():
            found[page] = row
    return found


def make_page(engine: Engine, book: books.Book, page: int, checkpoint=lambda: None) -> PageNarration | None:
    """Ask the voice model for one page's narration (to be stored with `keep`); None when it is
    already current, or the page has no words to say. Model errors propagate to the job runner."""
    model = engine.speech_model
    if model is None:
        raise ModelConfigError("No voice model is configured, so narration cannot be made; "
                               "the Reader reads aloud with the browser's own voices.")
    rows = books.scene_rows(engine.db(), book.id)
    text = spoken_words(book, rows).get(page)
    if text is None:
        raise ModelError(f"Page {page} is no longer in the story.")
    if not text.strip():
        return None
    voice = voice_for(engine, book.id)
    if repository.find(engine.db(), book.id, fingerprint(text, voice, model.model_id)) is not None:
        return None
    if len(text) > MAX_CHARACTERS:
        raise ModelError(f"This page has more than {MAX_CHARACTERS} characters, too many to narrate at once.")
    checkpoint()
    said = model.speak(SpeechRequest(" ".join(text.split()), voice, book.language))
    usage.record(engine.db(), book.id, "speech", model.model_id, characters=said.characters)
    duration = audio_duration(said.audio)
    if duration is None:
        raise ModelError("The voice service sent audio Storymaker could not read.")
    return PageNarration(page, text, said.mime, duration, word_timings(text, duration), said.audio, voice,
                         model.model_id)


def keep(engine: Engine, book_id: int, made: PageNarration) -> None:
    """Store a page's narration: the audio first, then the row that points to it (a row never
    points to audio that is not there)."""
    voice, model = made.voice, made.model  # what said it, even if the book's voice changed meanwhile
    key = fingerprint(made.text, voice, model)
    audio_key = layout.narration_key(book_id, key, _EXTENSIONS.get(made.mime, "mp3"))
    engine.store.put(audio_key, made.audio)
    repository.add(engine.db(), book_id, key, voice=voice, model=model, audio_key=audio_key, mime=made.mime,
                   duration_s=made.duration_s, size=len(made.audio))


def load(engine: Engine, book: books.Book, page: int, rows: list[books.SceneRow] | None = None,
         *, with_audio: bool = True) -> PageNarration | None:
    """The page's current narration (its audio read from the store), or None."""
    rows = books.scene_rows(engine.db(), book.id) if rows is None else rows
    row = current(engine, book, rows).get(page)
    if row is None:
        return None
    return _narration(engine, page, spoken_words(book, rows)[page], row, with_audio)


def load_all(engine: Engine, book: books.Book, rows: list[books.SceneRow] | None = None) -> dict[int, PageNarration]:
    """Every page's current narration with its audio (for the EPUB)."""
    rows = books.scene_rows(engine.db(), book.id) if rows is None else rows
    words = spoken_words(book, rows)
    found = {}
    for page, row in current(engine, book, rows).items():
        made = _narration(engine, page, words[page], row, True)
        if made is not None:
            found[page] = made
    return found


def _narration(engine: Engine, page: int, text: str, row: NarrationRow, with_audio: bool) -> PageNarration | None:
    audio = b""
    if with_audio:
        audio = engine.store.get(row.audio_key) or b""
        if not audio:  # the file went missing (a wiped folder): as if never made
            return None
    return PageNarration(page, text, row.mime, row.duration_s, word_timings(text, row.duration_s), audio,
                         row.voice, row.model)


def prune(engine: Engine, book: books.Book) -> int:
    """Drop the narration of words the book no longer has (or of another voice or model); how many.
    A page set aside for Undo still has its words."""
    db = engine.db()
    kept = repository.for_book(db, book.id)
    live = {row.id for row in current(engine, book, kept=kept).values()}
    # A page set aside for Undo keeps its narration until it is purged.
    live |= {row.id for row in current(engine, book, books.set_aside(db, book.id), kept).values()}
    gone = [row for row in kept if row.id not in live]
    repository.remove(db, book.id, [row.id for row in gone])
    for row in gone:
        engine.store.delete(row.audio_key)
    return len(gone)


def audio_duration(audio: bytes) -> float | None:
    """How long the audio lasts in seconds, or None when it cannot be read as audio."""
    from tinytag import TinyTag, TinyTagException

    try:
        duration = TinyTag.get(file_obj=io.BytesIO(audio)).duration
    except (TinyTagException, ValueError, OSError, EOFError, IndexError, KeyError):
        return None
    return float(duration) if duration and duration > 0 else None
