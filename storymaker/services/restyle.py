"""Restyle a book for the Studio: which styles are ready to switch to at once, what a restyle would
draw, and the restyle itself (`storymaker.restyle` holds the rules).

Every function takes the acting user's id and touches only that user's books.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import books, styles
from .. import restyle as rules
from ..engine import Engine


def label(style: str) -> str:
    found = styles.ART_STYLES.get(style)
    return found.label if found else style


@dataclass(frozen=True)
class StyleChoice:
    key: str
    label: str
    current: bool  # the book's style
    ready: bool  # every page and the cover has a take in it that fits: switching is instant, draws nothing


@dataclass(frozen=True)
class Styles:
    style: str  # the book's style: what every new picture is drawn in
    choices: tuple[StyleChoice, ...]
    behind: tuple[tuple[str, int], ...]  # (style, pictures) still shown in another style, most first

    @property
    def label(self) -> str:
        return label(self.style)

    @property
    def behind_count(self) -> int:
        return sum(count for _, count in self.behind)

    def describe_behind(self) -> str | None:
        """"3 pictures are still in Watercolour.", or None when every picture is in the book's style."""
        if not self.behind:
            return None
        count = self.behind_count
        noun = "picture is" if count == 1 else "pictures are"
        if len(self.behind) == 1:
            return f"{count} {noun} still in {label(self.behind[0][0])}."
        parts = ", ".join(f"{n} in {label(style)}" for style, n in self.behind)
        return f"{count} {noun} still in other styles: {parts}."


@dataclass(frozen=True)
class RestylePlan:
    style: str
    pages: int  # pages to draw
    cover: bool  # the cover to draw
    shown_at_once: int  # pictures whose take in the style is shown at once

    @property
    def label(self) -> str:
        return label(self.style)

    @property
    def drawn(self) -> int:
        return self.pages + int(self.cover)

    @property
    def instant(self) -> bool:
        return self.drawn == 0

    def what(self) -> str:
        """"12 pages and the cover", "3 pages", "the cover"."""
        pages = f"{self.pages} page{'s' if self.pages != 1 else ''}" if self.pages else ""
        return " and ".join(part for part in (pages, "the cover" if self.cover else "") if part)


def _plan(done: rules.Plan) -> RestylePlan:
    return RestylePlan(done.style, done.pages_to_draw, done.cover_to_draw, len(done.reuse))


def styles_of(engine: Engine, user_id: int, book_id: int) -> Styles:
    book = books.own(engine.db(), user_id, book_id)
    now = rules.state(engine, book)
    choices = tuple(StyleChoice(key, style.label, key == book.style, now.instant(key))
                    for key, style in styles.ART_STYLES.items())
    behind = tuple(sorted(now.behind.items(), key=lambda item: (-item[1], item[0])))
    return Styles(book.style, choices, behind)


def plan(engine: Engine, user_id: int, book_id: int, style: str) -> RestylePlan:
    """What restyling the user's book to `style` would draw now (Invalid for an unknown style)."""
    return _plan(rules.plan(engine, books.own(engine.db(), user_id, book_id), style))


def restyle(engine: Engine, user_id: int, book_id: int, style: str) -> RestylePlan:
    """Restyle the user's book: takes already drawn in `style` for the words as they are are shown at
    once, every other page (the cover) is drawn in it as a new take; what it did."""
    books.own(engine.db(), user_id, book_id)
    return _plan(rules.restyle(engine, book_id, style))
