"""EPUB 3 media overlays: a page's narration as a SMIL document that lights each word as it is said.

A reading system (Apple Books, Thorium, ...) plays an overlay's `<par>`s in order: each plays
a clip of the page's audio while the element its `<text>` points at wears the book's
`media:active-class`. The clips here tile the whole recording (a word's clip runs from when it
starts to when the next one starts, the first from 0, the last to the end), so the pauses
between words and the silence around them still play and nothing the voice says is cut off,
even where the word timings, which are estimates, are a little early or late.

Narration is attached only to the words it was made from: `overlay` returns None for a page
whose narration's words are not exactly the page's words (a stale narration after an edit),
or whose audio or timings cannot be played, and the page is then exported without an overlay.
That check lives here, at the one place timings are bound to spans, so no caller can attach
one page's voice to other words.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Callable
from xml.etree import ElementTree

from ..narration import COVER, PageNarration

SMIL = "http://www.w3.org/ns/SMIL"
ACTIVE_CLASS = "-epub-media-overlay-active"  # the name EPUB 3 suggests; book.css gives it the Reader's yellow
HIGHLIGHT = "#ffe08a"  # as the Reader's player lights the word being said
TITLE_ID = "title"  # the title page's title, which the cover's narration (the title said) lights
AUDIO_EXTENSIONS = {"audio/mpeg": "mp3", "audio/mp4": "m4a"}  # EPUB 3's core audio types
_MIME_ALIASES = {"audio/mp3": "audio/mpeg", "audio/x-m4a": "audio/mp4", "audio/m4a": "audio/mp4"}


def word_id(page: int, index: int) -> str:
    """The id of the `index`th word (from 0) of page `page`, as the page's spans and the SMIL name it."""
    return f"w{page}-{index}"


def clock(ms: int) -> str:
    """A SMIL full clock value, h:mm:ss.fff."""
    seconds, ms = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}.{ms:03d}"


@dataclass(frozen=True)
class Overlay:
    """One narrated document: its audio, and which element plays which clip (milliseconds)."""

    page: int  # COVER or a page number
    document: str  # the XHTML file the words are in, e.g. "page_01.xhtml"
    audio: bytes
    mime: str  # one of AUDIO_EXTENSIONS
    targets: tuple[tuple[str, int, int], ...]  # (element id, clip begin, clip end), in reading order

    @property
    def name(self) -> str:
        """The file stem this page's audio and SMIL share."""
        return "cover" if self.page == COVER else f"page_{self.page:02d}"

    @property
    def audio_file(self) -> str:
        return f"audio/{self.name}.{AUDIO_EXTENSIONS[self.mime]}"

    @property
    def smil_file(self) -> str:
        return f"{self.name}.smil"  # beside the pages, so its text references are plain file names

    @property
    def duration_ms(self) -> int:
        return self.targets[-1][2]

    def smil(self) -> bytes:
        """The SMIL document: a `<par>` per target, its text in the page and its clip of the audio."""
        body = ElementTree.Element("body")
        for n, (element, begin, end) in enumerate(self.targets):
            par = ElementTree.SubElement(body, "par", id=f"par{n}")
            ElementTree.SubElement(par, "text", src=f"{self.document}#{element}")
            ElementTree.SubElement(par, "audio", src=self.audio_file, clipBegin=clock(begin), clipEnd=clock(end))
        root = ElementTree.Element("smil", {"xmlns": SMIL, "version": "3.0"})
        root.append(body)
        return (b'<?xml version="1.0" encoding="utf-8"?>\n'
                + ElementTree.tostring(root, encoding="unicode").encode() + b"\n")


def _mime(narration: PageNarration) -> str | None:
    mime = narration.mime.split(";")[0].strip().lower()
    mime = _MIME_ALIASES.get(mime, mime)
    return mime if mime in AUDIO_EXTENSIONS else None


def _starts_ms(narration: PageNarration, words: list[str], clean: Callable[[str], str]) -> list[int] | None:
    """When each of `words` starts (ms), if the narration says exactly these words in this order
    with playable timings; None otherwise."""
    said = [clean(narration.text[t.start:t.end]) for t in narration.words]
    if not words or said != words:  # stale: made from other words (or timed against other text)
        return None
    starts = [round(t.begin_s * 1000) for t in narration.words]
    duration = round(narration.duration_s * 1000)
    # Each clip must be a real stretch of the audio: starts rising, the last before the end.
    if starts[0] < 0 or any(b <= a for a, b in pairwise(starts)) or starts[-1] >= duration:
        return None
    return starts


def overlay(page: int, narration: PageNarration | None, document: str, words: list[str],
            clean: Callable[[str], str] = str) -> Overlay | None:
    """The overlay for page `page` (COVER or a page number), shown in `document` with `words`
    (the page's words in reading order, each as the page shows it after `clean`), or None when
    the narration is another page's, does not fit the words or cannot play.

    The cover's narration (the title said) plays as one clip lighting the title element; a page's
    plays word by word.
    """
    if narration is None or narration.page != page or not narration.audio or narration.duration_s <= 0:
        return None
    mime = _mime(narration)
    starts = _starts_ms(narration, words, clean)
    if mime is None or starts is None:
        return None
    duration = round(narration.duration_s * 1000)
    if page == COVER:
        return Overlay(COVER, document, narration.audio, mime, ((TITLE_ID, 0, duration),))
    ends = [*starts[1:], duration]
    targets = tuple((word_id(page, i), 0 if i == 0 else start, end)
                    for i, (start, end) in enumerate(zip(starts, ends, strict=True)))
    return Overlay(page, document, narration.audio, mime, targets)
