"""Reading a written book back for the slips a picture book must not have.

The writer uses `introduce` on its own pages; the quality bench and the tests use the
checks: a look pasted whole, a character or creature that acts before the reader has met
it, a pronoun or a body part that does not fit, and each page's reading level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .cast import BODY, KINDS, Actor
from .compose import sentences

# Creatures and people the writer brings in besides the cast (the crab, the squirrel, the new boy).
_CREATURES = sorted((set(KINDS) - {"teddy", "robot", "monster", "snowman"}) | {"boy", "girl", "lamb", "seagull", "eagle", "robin", "woodpecker", "crab", "puppy",
                                  "hedgehog", "squirrel", "mouse", "goat", "turtle", "owl", "gull", "kitten"})
_CREATURE_RX = "|".join(_CREATURES)
_INDEFINITE = re.compile(r"\b(?:an?|some|one)\s+(?:[\w-]+\s+){0,3}?(" + _CREATURE_RX + r")s?\b", re.IGNORECASE)
# One creature met as "the ...": plurals ("the cows mooed") are the place's scenery.
_DEFINITE = re.compile(r"\b(?:the|this)\s+(?:(?!and\b|of\b)[\w-]+\s+){0,2}?(" + _CREATURE_RX + r")\b(?!'|\s+(?:pen|sty|hole|nest|house)\b)", re.IGNORECASE)
# Verbs a first mention may use: being, living, having, coming along (the reader meets them).
_MEETING = {"was", "were", "is", "lived", "had", "loved", "liked", "came", "and", "did", "knew"}
_CONNECTORS = r"(?:(?:then|but|so|now|and|suddenly|just then|next)\s*,?\s+)?"


@dataclass(frozen=True)
class Slip:
    page: int  # 1-based
    what: str


def verbatim_looks(pages: list[dict], looks: dict[str, str]) -> list[Slip]:
    """Pages whose words carry a character's look as typed (four words or more of it, in order)."""
    slips = []
    for name, look in looks.items():
        words = re.findall(r"[\w'-]+", look.lower())
        if words[:1] in (["a"], ["an"], ["the"]):
            words = words[1:]
        if len(words) < 4:
            continue
        pasted = re.compile(r"\b" + r"\W+".join(re.escape(w) for w in words) + r"\b")
        for p in pages:
            if pasted.search(p["text"].lower()):
                slips.append(Slip(p["scene"], f"{name}'s look pasted whole"))
    return slips


def unintroduced(pages: list[dict], cast: list[Actor]) -> list[Slip]:
    """Characters whose first mention is an action, and creatures met as "the crab" before "a crab"."""
    slips: list[Slip] = []
    met: set[str] = {a.kind for a in cast if a.kind}
    seen: set[str] = set()
    for p in pages:
        for sentence in sentences(p["text"]):
            for a in cast:
                if a.name in seen or not re.search(r"(?<!\w)" + re.escape(a.name) + r"(?!\w)", sentence):
                    continue
                seen.add(a.name)
                acts = re.match(r"\W*" + _CONNECTORS + re.escape(a.name) + r"\s+([\w']+)", sentence, re.IGNORECASE)
                if acts and acts.group(1).lower() not in _MEETING and p["scene"] > 1:
                    slips.append(Slip(p["scene"], f"{a.name} acts before being introduced: {sentence}"))
            for m in _INDEFINITE.finditer(sentence):
                met.add(m.group(1).lower())
            for m in _DEFINITE.finditer(sentence):
                noun = m.group(1).lower()
                # The family dog, the class hamster: everybody knows them already.
                if noun not in met and not re.search(r"\b(?:family|class)\b", m.group(0).lower()):
                    slips.append(Slip(p["scene"], f"“{m.group(0)}” before it was introduced"))
                    met.add(noun)
    return slips


_HE = {"he": ("he", "him", "his", "himself"), "she": ("she", "her", "hers", "herself")}


def pronoun_slips(pages: list[dict], cast: list[Actor]) -> list[Slip]:
    """A "their" right after a he/she character alone on a page, a "they was", hands on a paw or a fin."""
    slips: list[Slip] = []
    for p in pages:
        text = p["text"]
        if re.search(r"\b[Tt]hey (?:was|is|has)\b", text):
            slips.append(Slip(p["scene"], "singular verb after they"))
        for a in cast:
            name = re.escape(a.name)
            if a.pronoun in _HE and re.search(name + r" [a-z]+ (?:for|at|with|to|on) their (?!own|friends)", text):
                slips.append(Slip(p["scene"], f"“their” for {a.name}, who is {a.pronoun}"))
            if a.kind in BODY and re.search(name + r"(?:'s)? (?:[a-z]+ )?(?:[a-z]+ )?(?:their|his|her) hands?\b", text):
                slips.append(Slip(p["scene"], f"hands for {a.name}, who has {BODY[a.kind][0]}"))
            if a.kind in BODY and re.search(name + r"'s hands?\b", text):
                slips.append(Slip(p["scene"], f"hands for {a.name}, who has {BODY[a.kind][0]}"))
    return slips


def syllables(word: str) -> int:
    """A reading-level estimate: vowel groups, less a silent final e."""
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 0
    groups = len(re.findall(r"[aeiouy]+", w))
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and groups > 1:
        groups -= 1  # hope, came
    elif w.endswith("ed") and len(w) > 3 and w[-3] not in "td" and groups > 1:
        groups -= 1  # looked, played (but not wanted)
    elif w.endswith("es") and len(w) > 3 and w[-3] not in "szxhc" and groups > 1:
        groups -= 1  # makes, likes
    return max(1, groups)


@dataclass(frozen=True)
class Level:
    words_per_sentence: float
    syllables_per_word: float


def reading_level(text: str) -> Level:
    parts = sentences(text) or [text]
    words = re.findall(r"[A-Za-z']+", text)
    if not words:
        return Level(0.0, 0.0)
    return Level(len(words) / len(parts), sum(syllables(w) for w in words) / len(words))


# What each age band reads comfortably: (most words per sentence, most syllables per word), on average a page.
BAND_LEVELS = {"3-5": (10.0, 1.5), "6-8": (16.0, 1.55), "9-12": (24.0, 1.7)}
