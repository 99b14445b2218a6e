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
import re
from dataclasses import dataclass, field

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
    for match, weight in zip(matches, weights):
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
