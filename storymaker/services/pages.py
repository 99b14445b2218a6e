"""A book's pages for the Studio: add one after any page, move one up or down, remove one and undo it.

Every function takes the acting user's id and touches only that user's books. A new page's words
are checked like a grid row (the scene contract, then the safety check of typed words) before
anything is stored; the structure itself is `storymaker.pages`'s.
"""

from __future__ import annotations

from .. import books, pages, safety
from ..engine import Engine
from ..pages import Removed
from ..scenes import Scene, SceneError, validate

__all__ = ["Removed", "add_page", "check_page", "move_page", "remove_page", "undo_remove"]

# The form's words for each field a safety refusal names.
_NOUNS = {"title": "The title", "text": "The words", "illustration": "What the picture shows"}


def check_page(engine: Engine, user_id: int, book_id: int, scene: Scene) -> Scene:
    """A new page's words cleaned and checked as a grid row is (its number aside): SceneError lists
    what breaks the scene contract, `safety.InputRefused` names each refused field."""
    book = books.own(engine.db(), user_id, book_id)
    row = {**scene.as_row(), "scene": 1}
    try:
        cleaned = validate([row], 1, book.names, strict_columns=True)[0]
    except SceneError as error:  # "row 1 (scene 1): title is empty" says nothing to a form
        raise SceneError([problem.split(": ", 1)[-1] for problem in error.problems]) from None
    safety.require_safe(engine, {"title": cleaned.title, "text": cleaned.text, "illustration": cleaned.illustration},
                        user_id=user_id, book_id=book_id, language=book.language, nouns=_NOUNS)
    return cleaned


def add_page(engine: Engine, user_id: int, book_id: int, after: int, scene: Scene) -> int:
    """Store a new page after page `after` (0: first) with `scene`'s title, words, picture description
    and characters (its number is ignored), and queue its picture; the new page's number."""
    cleaned = check_page(engine, user_id, book_id, scene)
    return pages.add(engine, book_id, int(after), cleaned)


def remove_page(engine: Engine, user_id: int, book_id: int, number: int) -> Removed:
    """Set a page aside (what `undo_remove` takes back); Invalid at the book's smallest size."""
    books.own(engine.db(), user_id, book_id)
    return pages.remove(engine, book_id, int(number))


def undo_remove(engine: Engine, user_id: int, book_id: int, scene_id: int) -> int:
    """Put the page `remove_page` set aside back where it was; its number."""
    books.own(engine.db(), user_id, book_id)
    return pages.undo_remove(engine, book_id, int(scene_id))


def move_page(engine: Engine, user_id: int, book_id: int, number: int, direction: int) -> int:
    """Move a page one place up (-1) or down (+1); its new number. Invalid at the book's ends."""
    books.own(engine.db(), user_id, book_id)
    return pages.move(engine, book_id, int(number), int(direction))
