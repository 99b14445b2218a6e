"""One page of an offline book written again, or a new page for a place in its arc.

Both start from the book the pages were written from: the brief's plan (its world, cast, beats), found
again from the brief. Which beat a page is comes from its words (the written page they match best), or,
for a page that matches none (edited beyond recognition, or a book another writer wrote), from its
position. The words come from the same phrase banks and composer as the book, with a composer seeded from
the brief, the page and the attempt, which never reuses a sentence of the book's other pages: so the
same book and request always give the same words, and another attempt other words.

`other_words`: the page's beat again; "shorter"/"simpler" and "longer" in the instruction pick the
shortest or longest of the wordings (with a tighter or roomier page), anything else another wording.
`extra_page`: a beat the arc has room for at that place, which the book does not have yet: before the
problem a meeting or a play page, between the problem and the turn another attempt or the helper,
after the resolution a celebration.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, replace
from typing import Sequence

from ..models.base import StoryBrief
from ..scenes import Scene
from ..styles import MAX_SCENES, MIN_SCENES, WORDS_PER_PAGE
from .book import _attempt_pool, _band, _Plan, _write_page, plan_book, write_book
from .compose import Composer, norm, sentences

# Wordings tried for one rewrite: enough that attempts rarely come round again, few enough to stay instant.
TRIES = 24
# A page counts as written from a beat when this share of its words is in that beat's page.
MATCH = 0.35

SHORTER = re.compile(r"\b(short|shorter|shorten|simple|simpler|simplify|fewer|less|brief|briefer|tighter)\b", re.I)
LONGER = re.compile(r"\b(long|longer|lengthen|more words|more detail|expand|richer|fuller)\b", re.I)


@dataclass(frozen=True)
class _Source:
    plan: _Plan  # the plan the book's words came from (its scene count may differ from the book's now)
    beat_of: dict[int, int]  # page number -> the plan's beat index


def other_words(brief: StoryBrief, pages: Sequence[Scene], number: int, instruction: str = "",
                attempt: int = 0) -> dict:
    """Page `number` in other words: {scene, title, text, illustration, characters}, its text never the
    page's current text (ValueError when the phrase banks have no other wording at all)."""
    source = _source(brief, pages)
    page = next(p for p in pages if p.scene == number)
    index = source.beat_of[number]
    kind = source.plan.beats[index]
    lo, hi = WORDS_PER_PAGE[_band(brief)]
    words_now = len(page.text.split())
    tighter = (max(1, words_now // 3), max(2, words_now * 2 // 3))
    roomier = (words_now + 6, max(hi, words_now * 3 // 2 + 10))
    if SHORTER.search(instruction or ""):
        bands, order = [tighter], "shortest"
    elif LONGER.search(instruction or ""):
        bands, order = [roomier], "longest"
    else:
        # A page whose every part has one wording only comes out the same at its own size: then a line
        # more or a line less is the other wording there is.
        bands, order = [(lo, hi), roomier, tighter], ""
    others = [p for p in pages if p.scene != number]
    used = _sentences(others)
    titles = {p.title.lower() for p in others}
    current = norm(page.text)
    found: dict[str, tuple[int, dict]] = {}
    for rank, band in enumerate(bands):
        for n in range(TRIES):
            composer = Composer(_rng(brief, "rewrite", number, order, band, n), band)
            composer.used |= used
            written = _write_page(source.plan, composer, index, kind, set(titles))
            key = norm(written["text"])
            if written["text"].strip() and key != current and key not in found:
                found[key] = (rank, written)
    if not found:
        raise ValueError("no other wording for this page")
    # At the page's own size first (a line less may lose what happens), then a line more, then less; the
    # most different wordings (fewest of the page's sentences kept) first within each, then in seed order.
    mine = {norm(s) for s in sentences(page.text)}
    ranked = sorted(found.values(), key=lambda f: (f[0], len(mine & {norm(s) for s in sentences(f[1]["text"])})))
    wordings = [written for _, written in ranked]
    if order:
        count = len(page.text.split())
        fits = [w for w in wordings if (len(w["text"].split()) < count if order == "shortest"
                                        else len(w["text"].split()) > count)]
        wordings = sorted(fits or wordings, key=lambda w: len(w["text"].split()), reverse=order == "longest")
    chosen = wordings[attempt % len(wordings)]
    return {**chosen, "scene": number}


def extra_page(brief: StoryBrief, pages: Sequence[Scene], after: int, attempt: int = 0) -> dict:
    """A new page to go after page `after` (0: before the first): a beat that fits that place in the arc
    with its own picture and cast, numbered `after + 1`. Each attempt avoids the sentences of the
    attempts before it, so "Draft another" never hands back the same words, even for a book whose
    pages the plan does not know (written by another model), where every draft is the same beat."""
    source = _source(brief, pages)
    avoid = _sentences(pages)
    written: dict = {}
    for earlier in range(max(0, int(attempt)) + 1):
        written = _extra_page(brief, source, pages, after, earlier, avoid)
        avoid = avoid | {norm(s) for s in sentences(written["text"])}
    return written


def _extra_page(brief: StoryBrief, source: _Source, pages: Sequence[Scene], after: int, attempt: int,
                avoid: set[str]) -> dict:
    plan = source.plan
    before, kinds = _place(source, after)
    kind = kinds[attempt % len(kinds)]
    at = before + 1
    beats = plan.beats[:at] + [kind] + plan.beats[at:]
    extended = replace(plan, beats=beats)
    turn = attempt // len(kinds)  # how often this kind came round already
    if kind == "attempt":
        index = beats[:at].count("attempt")
        # The next of the setting's spots and things the book has not reached yet, and a try it has not made.
        shift = len(plan.attempts) - index
        extended = replace(extended, attempts=_with_new_attempt(plan, index, turn),
                           spots=_rotated(plan.spots, shift), junk=_rotated(plan.junk, shift))
    elif kind == "play":
        # The first game the book has not played yet.
        extended = replace(extended, plays=_rotated(plan.plays, sum(b in ("play", "play2") for b in plan.beats) + turn))
    composer = Composer(_rng(brief, "new", after, kind, attempt), WORDS_PER_PAGE[_band(brief)])
    composer.used |= avoid
    written = _write_page(extended, composer, at, kind, {p.title.lower() for p in pages})
    return {**written, "scene": after + 1}


def extra_beat(brief: StoryBrief, pages: Sequence[Scene], after: int, attempt: int = 0) -> str:
    """The beat `extra_page` writes for these arguments ("attempt", "helper", "play", "celebrate" ...)."""
    _, kinds = _place(_source(brief, pages), after)
    return kinds[attempt % len(kinds)]


def _place(source: _Source, after: int) -> tuple[int, list[str]]:
    """The plan's beat the new page follows (-1: none), and the beats that fit there, in the order offered."""
    plan = source.plan
    before = source.beat_of.get(after, -1) if after > 0 else -1
    have = {plan.beats[i] for i in source.beat_of.values()}
    return before, _fitting(plan, before, have)


# ---------------------------------------------------------------- which book, which beat


def _source(brief: StoryBrief, pages: Sequence[Scene]) -> _Source:
    """The plan the pages were most likely written from. A book that gained or lost pages has another
    scene count than it was planned with (and the count is part of the seed), so nearby counts are tried
    until one's pages match: first the book's own count."""
    counts = sorted(range(MIN_SCENES, MAX_SCENES + 1), key=lambda n: (abs(n - brief.scene_count), n))
    best: _Source | None = None
    best_score = -1.0
    for count in counts:
        planned = replace(brief, scene_count=count)
        plan, _ = plan_book(planned)
        written = write_book(planned)
        beat_of, score = _match(pages, written)
        if score > best_score:
            best, best_score = _Source(plan, beat_of), score
        if pages and score >= 0.6 * len(pages):
            break
    assert best is not None
    return best


def _match(pages: Sequence[Scene], written: list[dict]) -> tuple[dict[int, int], float]:
    """page number -> beat index (by words, else by position), and how well the words matched overall."""
    words = [set(norm(w["text"]).split()) for w in written]
    beat_of: dict[int, int] = {}
    score = 0.0
    ordered = sorted(pages, key=lambda p: p.scene)
    for position, page in enumerate(ordered):
        mine = set(norm(page.text).split())
        shares = [len(mine & theirs) / len(mine | theirs) if mine | theirs else 0.0 for theirs in words]
        best = max(range(len(shares)), key=lambda i: (shares[i], -i)) if shares else 0
        if shares and shares[best] >= MATCH:
            beat_of[page.scene] = best
            score += shares[best]
        else:
            span = max(1, len(ordered) - 1)
            beat_of[page.scene] = round(position * (len(written) - 1) / span)
    return beat_of, score


def _fitting(plan: _Plan, before: int, have: set[str]) -> list[str]:
    """The beats that fit after beat `before` (-1: at the start), those the book lacks first."""
    beats = plan.beats
    problem = beats.index("problem")
    turn = beats.index("turn")
    resolve = beats.index("resolve")
    if before < problem:
        kinds = (["meet"] if len(plan.actors) > 1 else []) + ["play"] + (["omen"] if "omen" in plan.beats_of else [])
    elif before < turn:
        kinds = ["attempt", "helper"]
    elif before < resolve:
        kinds = ["helper", "attempt"]
    else:
        kinds = ["celebrate", "play"]
    # A second attempt or play page is another attempt or game, not a repeat; the others come once.
    fresh = [k for k in kinds if k in ("attempt", "play") or k not in have]
    return fresh or kinds


def _with_new_attempt(plan: _Plan, index: int, turn: int) -> list:
    """The plan's attempts with one more at `index`: one of the pool's the book has not used (a generic
    try when the pool is spent), a later one for each further turn."""
    pool = _attempt_pool(plan.family, plan.world, plan.beats_of)
    unused = [item for item in pool if item not in plan.attempts]
    item = unused[turn % len(unused)] if unused else None
    return plan.attempts[:index] + [item] + plan.attempts[index:]


def _rotated(items: list, shift: int) -> list:
    if not items:
        return items
    shift %= len(items)
    return items[shift:] + items[:shift]


def _sentences(pages: Sequence[Scene]) -> set[str]:
    return {norm(s) for p in pages for s in sentences(p.text)}


def _rng(brief: StoryBrief, *parts: object) -> random.Random:
    seed = [brief.title, brief.premise, brief.age_band, brief.language,
            *(f"{c.name}\x1e{c.look}\x1e{c.personality}" for c in brief.characters), *map(str, parts)]
    digest = hashlib.sha256("\x1f".join(p or "" for p in seed).encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))

