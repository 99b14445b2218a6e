"""The offline safety check: a word-and-phrase list, so a deployment without a moderation service
(offline, or a self-hosted server that has none) is never unguarded.

Two lists, both matched as whole words:

- glin-profanity's maintained dictionaries (MIT, pure Python, updated for 2026; English plus the
  book's language when it has one) find swearing, slurs and sexual words, also when they are
  disguised ("f*ck", "sh1t", "f u c k");
- `safety_words.txt`, shipped here, adds what a profanity list does not hold: graphic violence,
  self-harm, drugs, hateful and sexual phrases, and the mild peril the strict setting refuses.

Some single words are innocent in a children's book in some places: `AMBIGUOUS` lists them with the
contexts that clear them ("Dick Whittington", "a garden hoe", "the cock crowed", "a murder of crows").
A few of the profanity list's entries are everyday phrases ("girl on" a bike, "tied up" a boat): they
are never matched (`_NEVER`). Pictures cannot be read by a word list; the offline painter draws only
from words that were checked.
"""

from __future__ import annotations

import pkgutil
import re
import threading
import unicodedata
from functools import lru_cache
from typing import Sequence

from .base import ModerationItem, ModerationModel, ModerationResult

WORD_LIST_ID = "word list"

# Entries of the profanity dictionary that are everyday words or phrases in a picture book.
_NEVER = frozenset({
    "big black", "girl on", "taste my", "tied up", "tight white", "tongue in a", "jelly donut", "twinkie",
    "hot chick", "poof", "hard core", "pleasure chest", "goo girl", "wrapping men", "tainted love", "suck",
    "sucks", "butt", "snatch", "escort", "domination", "kinky", "swinger", "xx", "bs", "mf", "simp", "huge fat",
    "testbad01", "eunuch", "scat", "grope", "fingering", "undressing", "camel toe", "tushy", "santorum",
    "blonde action", "brunette action", "blonde on blonde action", "beaver cleaver", "birdlock", "hoe",
    "dick", "cock", "cocks", "pussy", "tit", "tits", "ass", "bastardo", "bastinado", "spooge", "goodpoop",
})

# word -> what clears it: a pattern searched in the whole text (case as typed for names). Without a
# clearing context the word is refused, in its category.
AMBIGUOUS: dict[str, tuple[str, re.Pattern[str]]] = {
    # "Dick" with a capital is a name (Dick Whittington, Moby Dick); the lower-case word is not.
    "dick": ("sexual", re.compile(r"\bDick\b")),
    "cock": ("sexual", re.compile(r"(?i)\bcock[\s-]*a[\s-]*doodle|\bcock\s+(?:crow|robin|sparrow|pheasant)|"
                                  r"\b(?:weather|turkey|farmyard|the)\s+cock\b.*\b(?:crow|crowed|hen|hens|farm|feather)|"
                                  r"\b(?:hen|hens|farm|farmyard|rooster|chicks?|barn|crowed|feathers)\b")),
    "cocks": ("sexual", re.compile(r"(?i)\b(?:hen|hens|farm|farmyard|rooster|chicks?|barn|crowed|feathers)\b")),
    "pussy": ("sexual", re.compile(r"(?i)\bpussy[\s-]*(?:cat|cats|willow|willows)\b")),
    "tit": ("sexual", re.compile(r"(?i)\b(?:blue|great|coal|marsh|willow|crested|long[\s-]*tailed)[\s-]+tits?\b|"
                                 r"\b(?:bird|birds|nest|feeder|feathers?|chirp\w*|tweet\w*)\b")),
    "tits": ("sexual", re.compile(r"(?i)\b(?:blue|great|coal|marsh|willow|crested|long[\s-]*tailed)[\s-]+tits?\b|"
                                  r"\b(?:bird|birds|nest|feeder|feathers?|chirp\w*|tweet\w*)\b")),
    "ass": ("profanity", re.compile(r"(?i)\b(?:donkey|donkeys|mule|stable|hay|cart|bray\w*|saddle|fable)\b")),
    "hoe": ("sexual", re.compile(r"(?i)\b(?:garden\w*|rake|spade|shovel|weed\w*|soil|dig\w*|vegetables?|farm\w*|"
                                 r"plant\w*|seeds?|allotment|field)\b")),
    "murder": ("violence", re.compile(r"(?i)\bmurders?\s+of\s+crows\b")),
    "murders": ("violence", re.compile(r"(?i)\bmurders?\s+of\s+crows\b")),
}

_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)


def _normal(text: str) -> str:
    """What both lists read: NFKC (full-width and styled letters become plain ones), one kind of
    apostrophe and dash, one space between words."""
    text = unicodedata.normalize("NFKC", text or "")
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2010", "-").replace("\u2011", "-")
    return " ".join(text.split())


def _phrase_pattern(phrase: str) -> str:
    words = []
    for word in phrase.split():
        if word == "_":
            words.append(r"[^\W_][\w'-]*")
        elif word.endswith("*"):
            words.append(re.escape(word[:-1]) + r"[\w'-]*")
        else:
            words.append(re.escape(word))
    return r"[\s-]+".join(words)


@lru_cache(maxsize=1)
def phrase_list() -> dict[str, re.Pattern[str]]:
    """category -> one pattern of all its phrases (from safety_words.txt)."""
    # Package data, read like the templates are (never a picture or a story file: those go through the store).
    text = (pkgutil.get_data(__package__ or "storymaker.models", "safety_words.txt") or b"").decode("utf-8")
    phrases: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        category, _, rest = line.partition(":")
        phrases.setdefault(category.strip(), []).extend(p.strip() for p in rest.split("|") if p.strip())
    # Whole words only: the boundaries sit once around each category's alternation (much faster than
    # around every phrase), longest phrases first so "crystal meth" wins over "meth".
    return {category: re.compile(r"(?<![\w'-])(?:" + "|".join(_phrase_pattern(p) for p in sorted(
                items, key=len, reverse=True)) + r")(?![\w-])", re.IGNORECASE)
            for category, items in phrases.items()}


# How the profanity dictionary's words are sorted into categories (the rest are sexual words).
_PROFANE_PARTS = ("fuck", "fuk", "fuq", "fvck", "phuck", "f*ck", "f@ck", "f4ck", "shit", "sh1t", "sh!t", "$hit",
                  "$h!t", "bitch", "b!tch", "ass", "a$$", "@ss", "4ss", "piss", "damn", "wank", "twat", "tosser",
                  "bastard", "bollocks", "cunt", "stfu", "wtf", "lmfao", "omfg", "arse", "dumbass", "jackass", "crap",
                  "dipshit", "bullshit", "shite", "🖕")
_HATE = frozenset({"beaner", "beaners", "coon", "coons", "darkie", "faggot", "honkey", "jigaboo", "jiggaboo",
                   "jiggerboo", "kike", "negro", "neonazi", "nigga", "nigger", "nig nog", "paki", "raghead", "retard",
                   "retarded", "slanteye", "spic", "towelhead", "tranny", "wetback", "white power", "swastika",
                   "bulldyke", "carpet muncher", "carpetmuncher", "fudge packer", "fudgepacker", "poof"})
_MINORS = frozenset({"pedophile", "paedophile", "pedobear", "pthc", "shota", "jailbait", "jail bait", "lolita",
                     "nambla", "barely legal"})
_VIOLENT = frozenset({"how to kill", "how to murder", "goregasm", "guro", "dolcett"})


def profanity_category(word: str) -> str:
    word = word.casefold()
    if word in _HATE:
        return "hate"
    if word in _MINORS:
        return "sexual/minors"
    if word in _VIOLENT:
        return "violence/graphic"
    if any(part in word for part in _PROFANE_PARTS):
        return "profanity"
    return "sexual"


# The book languages glin-profanity has a dictionary for (its names, lower case).
_GLIN_LANGUAGES = ("arabic", "chinese", "czech", "danish", "dutch", "english", "esperanto", "finnish", "french",
                   "german", "hindi", "hungarian", "italian", "japanese", "korean", "norwegian", "persian", "polish",
                   "portuguese", "russian", "spanish", "swedish", "thai", "turkish")


class _Profanity:
    """glin-profanity's filter for a set of languages, built once (its first build takes ~60 ms)."""

    _filters: dict[tuple[str, ...], object] = {}
    _lock = threading.Lock()

    @classmethod
    def words(cls, text: str, languages: tuple[str, ...]) -> list[str]:
        with cls._lock:
            found = cls._filters.get(languages)
            if found is None:
                from glin_profanity import Filter

                found = cls._filters[languages] = Filter({
                    "languages": list(languages), "word_boundaries": True, "allow_obfuscated_match": True,
                    "ignore_words": sorted(_NEVER),
                })
            result = found.check_profanity(text)  # type: ignore[attr-defined]
        return [str(w) for w in result.get("profane_words") or [] if str(w).casefold() not in _NEVER]


def _languages(language: str) -> tuple[str, ...]:
    book = (language or "").strip().casefold()
    return ("english", book) if book in _GLIN_LANGUAGES and book != "english" else ("english",)


def find(text: str, language: str = "English", *, profanity: bool = True) -> dict[str, list[str]]:
    """category -> what matched in `text` (an empty dict: nothing did). `profanity=False` skips the
    profanity dictionaries (the caller already knows they find nothing in it)."""
    text = _normal(text)
    found: dict[str, list[str]] = {}
    if not _LETTERS.search(text):
        return found
    for word in _Profanity.words(text, _languages(language)) if profanity else ():
        found.setdefault(profanity_category(word), []).append(word)
    for category, pattern in phrase_list().items():
        for match in pattern.finditer(text):
            found.setdefault(category, []).append(match.group(0))
    for word, (category, clears) in AMBIGUOUS.items():
        if re.search(rf"(?<![\w'-]){re.escape(word)}(?![\w'])", text, re.IGNORECASE) and not clears.search(text):
            found.setdefault(category, []).append(word)
    # "murder" is in the violence phrases too: a cleared one ("a murder of crows") goes again.
    if "violence" in found and AMBIGUOUS["murder"][1].search(text):
        left = [w for w in found["violence"] if not w.casefold().startswith("murder")]
        if left:
            found["violence"] = left
        else:
            del found["violence"]
    return {category: list(dict.fromkeys(words)) for category, words in found.items()}


class WordListModel(ModerationModel):
    """The word-and-phrase list as a moderation model: no key, no network, no cost; words only."""

    model_id = WORD_LIST_ID
    is_offline = True
    checks_images = False

    def moderate(self, items: Sequence[ModerationItem]) -> list[ModerationResult]:
        # The profanity dictionaries are the slow part (~10 ms a text): read all the texts at once, and
        # each one again only when that finds something (most checks find nothing).
        by_language: dict[tuple[str, ...], list[str]] = {}
        for item in items:
            if item.text:
                by_language.setdefault(_languages(item.language), []).append(_normal(item.text))
        clean = {languages for languages, texts in by_language.items()
                 if not _Profanity.words("\n".join(texts), languages)}
        results = []
        for item in items:
            profanity = _languages(item.language) not in clean
            found = find(item.text, item.language, profanity=profanity) if item.text else {}
            results.append(ModerationResult(
                scores={category: 1.0 for category in found}, flagged=tuple(found),
                matched=tuple(word for words in found.values() for word in words)))
        return results
