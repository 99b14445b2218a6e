"""Share links as a service: the owner's side (make, list, revoke) for the app's dialog, and
the reader's side (a page, a picture) for the public route in app_web/share.py.

The reader's side starts from a token alone. Whatever is wrong with it (wrong, malformed,
revoked, expired, its book deleted) raises the one `LinkGone`, so the route answers all of
them alike; a live link whose book is being changed raises `BeingChanged` instead.
"""

from __future__ import annotations

import io
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from PIL import Image

from .. import books, narration, sharing
from ..engine import Engine
from ..errors import Invalid, StorymakerError
from ..data.narrations import NarrationRow
from ..files import Store, layout
from ..sharing import EXPIRIES, ShareLink

__all__ = ["EXPIRIES", "BeingChanged", "LinkGone", "PublicPage", "ScreenPicture", "ShareLink", "SharedAudio",
           "SharedNarration", "create", "language_tag", "links", "narration_audio", "page", "pages", "picture",
           "revoke", "share_url"]

_clock = time.time  # replaced in tests
SCREEN_PX = 1200  # the longest side of a picture sent to a reader's screen
_CACHED_PICTURES = 64  # about 150 KB each: a few books' worth in memory


class LinkGone(StorymakerError):
    """The token opens nothing (any reason: the route must not say which)."""

    def __init__(self) -> None:
        super().__init__("This link no longer works.")


class BeingChanged(StorymakerError):
    def __init__(self) -> None:
        super().__init__("This book is being changed; try again soon.")


# -- the owner's side ------------------------------------------------------------------


def create(engine: Engine, user_id: int, book_id: object, expiry: str) -> tuple[ShareLink, str]:
    """A new link to the user's finished book; `expiry` is one of EXPIRIES' names. The token
    comes back only here: show it now, it cannot be read back later."""
    if expiry not in EXPIRIES:
        raise Invalid(f"Choose when the link stops working: {', '.join(EXPIRIES)}.")
    return sharing.create(engine.db(), user_id, book_id, EXPIRIES[expiry], _clock())


def links(engine: Engine, user_id: int, book_id: object) -> list[ShareLink]:
    return sharing.links(engine.db(), user_id, book_id, _clock())


def revoke(engine: Engine, user_id: int, book_id: object, link_id: object) -> bool:
    return sharing.revoke(engine.db(), user_id, book_id, link_id)


def share_url(base: str, token: str) -> str:
    """The address a reader opens: the app's public address and the route of app_web/share.py."""
    return f"{base.rstrip('/')}/read/{token}"


# -- the reader's side -----------------------------------------------------------------

# Language names people type, as the tags a browser (and a screen reader) understands.
_TAGS = {"english": "en", "spanish": "es", "español": "es", "french": "fr", "français": "fr", "german": "de",
         "deutsch": "de", "italian": "it", "italiano": "it", "portuguese": "pt", "português": "pt", "dutch": "nl",
         "nederlands": "nl", "swedish": "sv", "norwegian": "no", "danish": "da", "finnish": "fi", "polish": "pl",
         "czech": "cs", "greek": "el", "turkish": "tr", "russian": "ru", "ukrainian": "uk", "arabic": "ar",
         "hebrew": "he", "hindi": "hi", "bengali": "bn", "chinese": "zh", "japanese": "ja", "korean": "ko",
         "vietnamese": "vi", "thai": "th", "indonesian": "id", "malay": "ms", "swahili": "sw", "welsh": "cy",
         "irish": "ga", "catalan": "ca", "basque": "eu", "romanian": "ro", "hungarian": "hu"}


def language_tag(language: str) -> str:
    """A book's language as an HTML lang tag ("English" -> "en"); "" (unknown) when we can't tell."""
    name = (language or "").strip().casefold()
    if name in _TAGS:
        return _TAGS[name]
    if 2 <= len(name) <= 3 and name.isascii() and name.isalpha():
        return name  # already a tag
    return ""


@dataclass(frozen=True)
class PublicPage:
    """One page of a shared book, as a reader without an account sees it."""

    title: str
    author: str  # "" when the book shows no author line
    language: str  # an HTML lang tag, or "" when unknown
    age_band: str
    last: int  # the number of the last page (the cover is 0)
    number: int  # this page, clamped to the book
    heading: str  # the book's title on the cover, the page's title after it
    text: str
    picture: int | None  # the picture's version (changes when it is redrawn), None when it is missing
    cover: int | None  # the cover's version, for the link's preview in chat apps
    # Every character the book's pages show (title, headings, words): the page's fonts are cut to
    # these, so reading on page after page in place never meets a letter the font lacks.
    characters: str = ""
    narration: SharedNarration | None = None  # the page's narration by a voice model, when it has one


@dataclass(frozen=True)
class SharedNarration:
    """What the page's player needs besides the audio, which has its own address."""

    voice: str
    version: str  # what the audio was made from: its address changes when the words do
    words: list[list[float]]  # [[start, end, begin_s, end_s], ...] with UTF-16 offsets (the browser's)


def _live_book(engine: Engine, token: object) -> books.Book:
    book_id = sharing.resolve(engine.db(), token, _clock())
    book = books.get_any(engine.db(), book_id) if book_id is not None else None
    if book is None:
        raise LinkGone()
    if book.status == books.GENERATING:
        raise BeingChanged()
    return book


def page(engine: Engine, token: object, number: object) -> PublicPage:
    """Page `number` (0 is the cover) of the book a live token opens; arriving at the cover counts
    one open of the link. `LinkGone` or `BeingChanged` otherwise."""
    book = _live_book(engine, token)
    rows = books.scene_rows(engine.db(), book.id)
    current = max(0, min(_page_number(number), len(rows)))
    if current == 0:
        sharing.count_open(engine.db(), token, _clock())
    cover = engine.store.version(layout.cover_key(book.id))
    narrated = narration.current(engine, book, rows)
    return _public_page(engine, book, rows, current, books.author_line(engine.db(), book), cover, narrated)


def pages(engine: Engine, token: object) -> list[PublicPage]:
    """Every page of the book a live token opens, the cover first, for reading on without a
    navigation. The same single lookup as `page`; nothing is counted."""
    book = _live_book(engine, token)
    rows = books.scene_rows(engine.db(), book.id)
    author = books.author_line(engine.db(), book)
    cover = engine.store.version(layout.cover_key(book.id))
    narrated = narration.current(engine, book, rows)  # once for the book, not once a page
    return [_public_page(engine, book, rows, number, author, cover, narrated) for number in range(len(rows) + 1)]


def _public_page(engine: Engine, book: books.Book, rows: list[books.SceneRow], current: int, author: str,
                 cover: int | None, narrated: dict[int, NarrationRow]) -> PublicPage:
    if current == 0:
        heading, text, version = book.title, "", cover
    else:
        scene = rows[current - 1].scene
        heading, text = scene.title, scene.text
        version = engine.store.version(layout.page_key(book.id, scene.scene))
    characters = book.title + "".join(row.scene.title + row.scene.text for row in rows)
    return PublicPage(book.title, author, language_tag(book.language), book.age_band, len(rows), current,
                      heading, text, version, cover, characters, _shared_narration(book, rows, current, narrated))


def _shared_narration(book: books.Book, rows: list[books.SceneRow], number: int,
                      narrated: dict[int, NarrationRow]) -> SharedNarration | None:
    row = narrated.get(number)
    if row is None:
        return None
    said = narration.spoken_words(book, rows)[number]  # the cover's: its title
    return SharedNarration(row.voice.title(), row.fingerprint,
                           narration.utf16_offsets(said, narration.word_timings(said, row.duration_s)))


def _page_number(number: object) -> int:
    try:
        return int(str(number))
    except (TypeError, ValueError):
        return 0


@dataclass(frozen=True)
class ScreenPicture:
    data: bytes
    mime: str
    version: int  # the stored picture's version: an ETag


def picture(engine: Engine, token: object, number: object) -> ScreenPicture:
    """Picture `number` (0 the cover) of the book a live token opens, sized for a screen.
    Reads the database without writing: pictures are not counted."""
    book = _live_book(engine, token)
    wanted = _page_number(number) if str(number).isascii() and str(number).isdigit() else -1
    if wanted == 0:
        key = layout.cover_key(book.id)
    elif 1 <= wanted <= len(books.scene_rows(engine.db(), book.id)):
        key = layout.page_key(book.id, wanted)
    else:
        raise LinkGone()
    version = engine.store.version(key)
    data = _screen_jpeg(engine.store, key, version) if version is not None else None
    if data is None:
        raise LinkGone()
    return ScreenPicture(data, "image/jpeg", version or 0)


_pictures: OrderedDict[tuple[str, str, int], bytes] = OrderedDict()
_pictures_lock = threading.Lock()


def _screen_jpeg(store: Store, key: str, version: int) -> bytes | None:
    """The stored PNG as a JPEG at most SCREEN_PX on its longest side, made once per version
    (a redrawn page has a new one) and kept in memory, the most recently used first."""
    cache_key = (store.name, key, version)
    with _pictures_lock:
        if cache_key in _pictures:
            _pictures.move_to_end(cache_key)
            return _pictures[cache_key]
    stored = store.get(key)
    if stored is None:
        return None
    try:
        with Image.open(io.BytesIO(stored)) as image:
            screen = image.convert("RGB")
    except OSError:  # not a picture after all
        return None
    screen.thumbnail((SCREEN_PX, SCREEN_PX), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    screen.save(buffer, format="JPEG", quality=85, optimize=True, progressive=True)
    data = buffer.getvalue()
    with _pictures_lock:
        _pictures[cache_key] = data
        while len(_pictures) > _CACHED_PICTURES:
            _pictures.popitem(last=False)
    return data


@dataclass(frozen=True)
class SharedAudio:
    data: bytes
    mime: str
    version: str  # an ETag


def narration_audio(engine: Engine, token: object, number: object) -> SharedAudio:
    """Page `number`'s current narration (0: the cover's) of the book a live token opens; `LinkGone`
    when there is none. Served only through a live link (and to the owner in the Reader)."""
    book = _live_book(engine, token)
    wanted = _page_number(number) if str(number).isascii() and str(number).isdigit() else -1
    rows = books.scene_rows(engine.db(), book.id)
    if not 0 <= wanted <= len(rows):
        raise LinkGone()
    made = narration.load(engine, book, wanted, rows)
    if made is None:
        raise LinkGone()
    return SharedAudio(made.audio, made.mime, narration.fingerprint(made.text, made.voice, made.model))
