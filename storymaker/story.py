"""Story generation: prompt -> text model -> validated scenes -> story.csv."""

from __future__ import annotations

from typing import Callable, Sequence

from . import books, prompts, safety, series, styles, takes, usage
from .books import Book
from .engine import Engine
from .files import layout
from .models.base import Message, StoryBrief, TextRequest
from .models.errors import ModelError
from .scenes import Scene, SceneError, csv_bytes, json_schema, parse_answer

MAX_ASKS = 3  # the first ask plus two re-asks with the problems listed


class StoryError(ModelError):
    """The model's answer never fitted the scene contract; not worth retrying blindly."""


def story_messages(book: Book, earlier: Sequence[series.EarlierBook] = ()) -> tuple[Message, ...]:
    """The story prompt; `earlier`: the series' earlier books, for a sequel to refer back to."""
    variables = dict(
        title=book.title,
        characters=[{"name": c.name, "look": c.look, "personality": c.personality} for c in book.cast],
        premise=book.premise,
        language=book.language,
        age_guidance=styles.AGE_BANDS[book.age_band],
        words=styles.WORDS_PER_PAGE[book.age_band],
        scene_count=book.scene_count,
        earlier_books=[{"title": e.title, "summary": e.summary} for e in earlier],
    )
    return (
        Message("system", prompts.render("story_system.md")),
        Message("user", prompts.render("generate_story.md", **variables)),
    )


def ask_for_scenes(engine: Engine, book: Book, checkpoint: Callable[[], None] = lambda: None) -> list[Scene]:
    """Ask the text model for the book's scenes, re-asking with the problems when the answer is invalid,
    then check every page for safety: refused pages are rewritten once with the reason, and a page
    refused again stops the book (`safety.PageRefused`, recorded with the book)."""
    earlier = series.earlier_books(engine.db(), book)
    messages = story_messages(book, earlier)
    brief = book.brief(tuple(e.title for e in earlier))
    scenes, messages = _ask(engine, book, brief, messages, checkpoint)
    flags = safety.check_pages(engine, book, scenes)
    if not flags:
        return scenes
    rewrite = prompts.render("rewrite_unsafe.md", scene_count=book.scene_count, names=book.names,
                             strict=engine.settings.safety == "strict",
                             pages=[{"scene": n, "reason": flag.reason} for n, flag in sorted(flags.items())])
    rewritten, _ = _ask(engine, book, brief, messages + (Message("user", rewrite),), checkpoint)
    # The pages that passed stay as first written; only the refused ones are taken from the rewrite.
    by_number = {s.scene: s for s in rewritten}
    scenes = [by_number.get(s.scene, s) if s.scene in flags else s for s in scenes]
    still = safety.check_pages(engine, book, [s for s in scenes if s.scene in flags], outcome="refused")
    if still:
        pages = sorted(still)
        named = ", ".join(f"page {n} ({still[n].reason})" for n in pages)
        raise safety.PageRefused(
            f"The story model wrote something that is not right for a children's book on {named}, and again when "
            "asked to rewrite it, so the book was stopped. Try again, or change the title, premise or characters.")
    return scenes


def _ask(engine: Engine, book: Book, brief: StoryBrief, messages: tuple[Message, ...],
         checkpoint: Callable[[], None]) -> tuple[list[Scene], tuple[Message, ...]]:
    """The scenes of a valid answer, and the conversation with that answer at its end."""
    model = engine.text_model
    schema = json_schema(book.scene_count, book.names) if model.supports_schema else None
    problems: list[str] = []
    for _ in range(MAX_ASKS):
        checkpoint()
        result = model.complete(TextRequest(messages, schema=schema, schema_name="picture_book", brief=brief))
        usage.record(engine.db(), book.id, "text", model.model_id,
                     input_tokens=result.input_tokens, output_tokens=result.output_tokens)
        try:
            scenes = parse_answer(result.text, book.scene_count, book.names)
            return scenes, messages + (Message("assistant", result.text[:20_000]),)
        except SceneError as error:
            problems = error.problems
            repair = prompts.render("repair_story.md", problems=problems, scene_count=book.scene_count, names=book.names)
            messages = messages + (Message("assistant", result.text[:20_000]), Message("user", repair))
    shown = "; ".join(problems[:5]) + (" ..." if len(problems) > 5 else "")
    raise StoryError(f"The story model's answer did not fit a {book.scene_count}-page book after {MAX_ASKS} tries ({shown}). Try again, or choose another model.")


def save_scenes(engine: Engine, book_id: int, scenes: list[Scene]) -> None:
    # New pages: the old pages' takes (rows cascade with their scene rows) were of other words.
    takes.drop_page_takes(engine, book_id)
    books.replace_scenes(engine.db(), book_id, scenes)
    write_csv(engine, book_id, scenes)


def write_csv(engine: Engine, book_id: int, scenes: list[Scene]) -> None:
    engine.store.put(layout.story_key(book_id), csv_bytes(scenes))
