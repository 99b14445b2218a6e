"""Turning a page's parts into sized, non-repeating prose.

A page is a list of parts. A part is a required sentence (a string or a list of
alternative strings) or an optional one (`optional(...)`, with a priority `p`:
lower is added first). Templates are `str.format` strings over the page's keys; a
template that names a key the page doesn't have (say, a character's boots
when they wear none) is simply not eligible. `!c` capitalises the first letter.

The composer picks one variant per part, never reusing a sentence the book has
already used, then adds optional parts until the page is comfortably inside
the age band's word range, or drops them when it runs long.
"""

from __future__ import annotations

import functools
import random
import re
import string
from dataclasses import dataclass


@dataclass(frozen=True)
class Opt:
    priority: int
    variants: tuple[str, ...]


def optional(*variants: str, p: int = 2) -> Opt:
    """An optional part: one of `variants`, added while the page has room (lower `p` first)."""
    return Opt(p, tuple(variants))


class Missing(KeyError):
    pass


class _Formatter(string.Formatter):
    def get_value(self, key, args, kwargs):
        value = kwargs.get(key)
        if value is None or value == "":
            raise Missing(key)
        return value

    def convert_field(self, value, conversion):
        if conversion == "c":
            text = str(value)
            return text[:1].upper() + text[1:]
        if conversion == "l":
            text = str(value)
            return text[:1].lower() + text[1:]
        return super().convert_field(value, conversion)


_FMT = _Formatter()
_FIELDS: dict[str, tuple[str, ...]] = {}


def _fields(template: str) -> tuple[str, ...]:
    names = _FIELDS.get(template)
    if names is None:
        names = tuple(f for _, f, _, _ in _FMT.parse(template) if f)
        _FIELDS[template] = names
    return names


class First(list):
    """Alternatives tried in order (the first that fits wins), not at random."""


def fill(template: str, keys: dict, prose: bool = True) -> str | None:
    """The template with keys filled in, or None if it needs a key we lack.

    `prose` tidies spacing and capitalises sentence starts; fragments (a goal,
    a picture phrase) are filled without it.
    """
    if any(not keys.get(name) for name in _fields(template)):
        return None
    try:
        text = _FMT.vformat(template, (), keys)
    except (KeyError, AttributeError, IndexError, ValueError, TypeError):
        return None
    return tidy(text) if prose else text


_SPACES = re.compile(r"\s+")
_SPACE_PUNCT = re.compile(r"\s+([,.!?;:])")
_DOUBLE_STOP = re.compile(r"([.!?])\1+")
_SENTENCE_START = re.compile(r"(^|[.!?]\s+)([\"“¡¿—]*)([a-zà-ÿ])")
_WORDS = re.compile(r"\w+")


# A singular "they" takes plural verbs: "they was" -> "they were".
_THEY_VERBS = {"was": "were", "wasn't": "weren't", "is": "are", "isn't": "aren't", "has": "have",
               "doesn't": "don't", "does": "do"}
_THEY = re.compile(r"\b([Tt]hey) (was|wasn't|is|isn't|has|doesn't|does)\b")
# "a" before a vowel sound ("a acorn" -> "an acorn"); words spoken with a "you" or "won" sound keep "a".
_A_VOWEL = re.compile(r"\b([Aa]) (?!(?:uni|use|usu|one|once|eu|ewe|ur)\w*)([aeiouAEIOU]\w*)")


def tidy(text: str) -> str:
    text = _SPACES.sub(" ", text).strip()
    text = _THEY.sub(lambda m: f"{m.group(1)} {_THEY_VERBS[m.group(2)]}", text)
    text = _A_VOWEL.sub(lambda m: f"{m.group(1)}n {m.group(2)}", text)
    text = _SPACE_PUNCT.sub(r"\1", text)
    text = _DOUBLE_STOP.sub(r"\1", text).replace("?.", "?").replace("!.", "!")
    # Capitalise the first letter of each sentence (after quotes too).
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2) + m.group(3).upper(), text)


_SPLIT = re.compile(r"(?<=[.!?…])[”\"»]?\s+(?=[\"“«¿¡]?[A-ZÀ-ÖØ-Þ0-9])")


def sentences(text: str) -> list[str]:
    return [s for s in _SPLIT.split(text.strip()) if s]


_SPLIT_WHOLE = re.compile(r"(?<=[.!?…][”\"»])\s+(?=[\"“«¿¡]?[A-ZÀ-ÖØ-Þ0-9])|(?<=[.!?…])\s+(?=[\"“«¿¡]?[A-ZÀ-ÖØ-Þ0-9])")


def whole_sentences(text: str) -> list[str]:
    """The sentences with their closing quotes kept, so that joining them gives the text back."""
    return [s for s in _SPLIT_WHOLE.split(text.strip()) if s]


@functools.lru_cache(maxsize=8192)
def norm(sentence: str) -> str:
    return " ".join(_WORDS.findall(sentence.lower()))


def word_count(text: str) -> int:
    return len(text.split())


def matters(sentence: str) -> bool:
    """Short interjections ("Oh no!", "Splash!") may come back; real sentences may not."""
    return len(norm(sentence).split()) >= 3


@functools.lru_cache(maxsize=4096)
def _estimate(template: str) -> int:
    """A quick lower bound on a template's words, to skip ones that can't fit."""
    return len(template.split())


class Composer:
    """Writes pages for one book, remembering every sentence it has used."""

    def __init__(self, rng: random.Random, band: tuple[int, int]):
        self.rng = rng
        self.lo, self.hi = band
        self.target = self.lo + int((self.hi - self.lo) * 0.45)
        self.used: set[str] = set()

    def _pick(self, variants, keys, taken: set[str]) -> str | None:
        options = list(variants)
        if not isinstance(variants, First):
            self.rng.shuffle(options)
        for template in options:
            text = fill(template, keys)
            if not text:
                continue
            pairs = [(norm(s), matters(s)) for s in sentences(text)]
            real = [n for n, m in pairs if m]
            # Real sentences never come back; a short "Hooray!" may, but not from another part of this page.
            if any((n in self.used and m) or n in taken for n, m in pairs) or len(set(real)) != len(real):
                continue
            return text
        return None

    def page(self, parts: list, keys: dict) -> str:
        required: list[tuple[int, tuple]] = []
        optional: list[tuple[int, int, tuple]] = []
        for pos, part in enumerate(parts):
            if part is None:
                continue
            if isinstance(part, Opt):
                optional.append((part.priority, pos, part.variants))
            elif isinstance(part, str):
                required.append((pos, (part,)))
            else:
                required.append((pos, part))

        taken: set[str] = set()
        keep: list[tuple[int, str, int | None]] = []  # (position, text, priority or None)
        total = 0

        def take(variants) -> str | None:
            text = self._pick(variants, keys, taken)
            if text is not None:
                taken.update(norm(s) for s in sentences(text))
            return text

        for pos, variants in required:
            text = take(variants)
            if text is not None:
                keep.append((pos, text, None))
                total += word_count(text)
        # Optional parts are only written while the page still has room: most never are.
        for prio, pos, variants in sorted(optional, key=lambda o: (o[0], o[1])):
            if total >= self.target and total >= self.lo:
                break
            room = (self.target if total >= self.lo else self.hi) - total
            variants = tuple(v for v in variants if _estimate(v) <= room + 2)
            if not variants:
                continue
            text = self._pick(variants, keys, taken)
            if text is None:
                continue
            n = word_count(text)
            if total + n <= self.target or (total < self.lo and total + n <= self.hi):
                taken.update(norm(s) for s in sentences(text))
                keep.append((pos, text, prio))
                total += n
        # Too long (long names, long looks): drop from the end, keeping the first sentence.
        keep.sort(key=lambda c: c[0])
        while total > self.hi and len(keep) > 1:
            drop = max(range(1, len(keep)), key=lambda i: (keep[i][2] is not None, keep[i][2] or 0, keep[i][0]))
            total -= word_count(keep[drop][1])
            del keep[drop]
        text = " ".join(c[1] for c in keep)
        self.used.update(norm(s) for s in sentences(text) if matters(s))
        return text

    def title(self, variants, keys, used_titles: set[str]) -> str:
        options = list(variants)
        if not isinstance(variants, First):
            self.rng.shuffle(options)
        for template in options:
            text = fill(template, keys)
            if text and text.lower() not in used_titles and 1 <= len(text.split()) <= 6:
                used_titles.add(text.lower())
                return text
        return ""
