"""One page's words from the text model: a page rewritten on request, or a new page written from its
neighbours and the book's arc.

The request carries the rendered prompt (`rewrite_page.md`, `write_page.md`; user text only as
variables) for a remote model and a `PageTask` (the book's pages, the page, the instruction, the
attempt) for the offline writer. The answer is one page's JSON, parsed tolerantly (`scenes.parse_page`),
re-asked once with the problems when it does not fit, and checked for safety before anyone sees it.

A rewrite changes the title and the words only: the picture and who is on it stay as they are, so the
page's picture (and its takes) still fit, and Regenerate draws anew when the person wants that too.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from . import prompts, safety, styles, usage
from .books import Book
from .engine import Engine
from .errors import StorymakerError
from .models.base import Message, PageTask, TextRequest
from .models.errors import ModelError
from .scenes import Scene, SceneError, page_schema, parse_page

MAX_ASKS = 2  # the first ask and one re-ask with the problems listed
REWRITTEN = ("title", "text")
WRITTEN = ("title", "text", "illustration", "characters")


class PageWordsError(StorymakerError):
    """No words to show: the model failed, its answers never fitted a page, or they were refused."""


def propose_rewrite(engine: Engine, book: Book, scenes: Sequence[Scene], number: int, instruction: str = "",
                    attempt: int = 0) -> Scene:
    """Page `number` with new words following `instruction` (checked by the caller); its picture and cast
    stay. Never the page's words as they are."""
    old = _page(scenes, number)
    messages = (
        Message("system", prompts.render("story_system.md")),
        Message("user", prompts.render("rewrite_page.md", **_book_facts(book, scenes), page=old,
                                       instruction=instruction, attempt=attempt)),
    )
    keep = {"illustration": old.illustration, "characters": list(old.characters)}
    task = PageTask("rewrite", number, tuple(scenes), instruction, attempt)
    new = _ask(engine, book, messages, task, REWRITTEN, keep, number,
               same_as=lambda scene: (scene.title, scene.text) == (old.title, old.text) or scene.text == old.text)
    return _checked(engine, book, new, f"new words for page {number}")


def write_new_page(engine: Engine, book: Book, scenes: Sequence[Scene], after: int, attempt: int = 0) -> Scene:
    """A page to go after page `after` (0: before the first), written from its neighbours and the book's
    arc, numbered `after + 1`."""
    if not 0 <= after <= len(scenes):
        raise PageWordsError(f"A new page goes after one of the book's {len(scenes)} pages, or first.")
    ordered = sorted(scenes, key=lambda s: s.scene)
    previous = ordered[after - 1] if after > 0 else None
    following = ordered[after] if after < len(ordered) else None
    messages = (
        Message("system", prompts.render("story_system.md")),
        Message("user", prompts.render("write_page.md", **_book_facts(book, scenes), after=after, previous=previous,
                                       following=following, attempt=attempt)),
    )
    task = PageTask("new", after, tuple(ordered), "", attempt)
    new = _ask(engine, book, messages, task, WRITTEN, {}, after + 1, same_as=lambda scene: False)
    return _checked(engine, book, new, f"words of the new page after page {after}" if after else "words of the new first page")


def _page(scenes: Sequence[Scene], number: int) -> Scene:
    for scene in scenes:
        if scene.scene == number:
            return scene
    raise PageWordsError(f"The book has no page {number}.")


def _book_facts(book: Book, scenes: Sequence[Scene]) -> dict[str, Any]:
    return dict(
        title=book.title, language=book.language, premise=book.premise,
        age_guidance=styles.AGE_BANDS[book.age_band], words=styles.WORDS_PER_PAGE[book.age_band],
        characters=[{"name": c.name, "look": c.look, "personality": c.personality} for c in book.cast],
        pages=sorted(scenes, key=lambda s: s.scene),
    )


def _ask(engine: Engine, book: Book, messages: tuple[Message, ...], task: PageTask, fields: Sequence[str],
         keep: dict[str, Any], number: int, same_as: Callable[[Scene], bool]) -> Scene:
    model = engine.text_model
    schema = page_schema(book.names, fields) if model.supports_schema else None
    problems: list[str] = []
    for _ in range(MAX_ASKS):
        try:
            result = model.complete(TextRequest(messages, schema=schema, schema_name="picture_book_page",
                                                brief=book.brief(), task=task))
        except ModelError as error:
            raise PageWordsError(str(error)) from None
        usage.record(engine.db(), book.id, "text", model.model_id,
                     input_tokens=result.input_tokens, output_tokens=result.output_tokens)
        try:
            scene = parse_page(result.text, book.names, number, keep)
            if same_as(scene):
                raise SceneError(["the words are the same as the page has now; write different ones"])
            return scene
        except SceneError as error:
            problems = error.problems
            repair = prompts.render("repair_page.md", problems=problems, fields=list(fields), names=book.names)
            messages = messages + (Message("assistant", result.text[:20_000]), Message("user", repair))
    shown = "; ".join(problems[:3]) + (" ..." if len(problems) > 3 else "")
    raise PageWordsError(f"The text model's answer did not fit a page, twice ({shown}). Try again, or choose "
                         "another model.")


def _checked(engine: Engine, book: Book, scene: Scene, what: str) -> Scene:
    """The scene, once its words pass the safety check the story's pages pass (refusals kept with the book)."""
    try:
        flags = safety.check_pages(engine, book, [scene], outcome="refused")
    except ModelError as error:
        raise PageWordsError(str(error)) from None
    if flags:
        reason = flags[scene.scene].reason
        raise PageWordsError(f"The {what} had {reason}, which Storymaker does not put in children's books, so "
                             "they are not shown. Try another, or change what you asked for.")
    return scene
