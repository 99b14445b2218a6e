"""A page's words rewritten on request, and the words of a new page, for the Studio.

`propose` asks the text model for new words for one page, following an instruction ("shorter", "make it
rhyme"); nothing changes until `accept`, which stores them the way a grid edit is saved (the same
checks, story.csv, the exports and narration following), and only while the page still has the words
the proposal was made from. Not accepting is all that rejecting takes. `draft_new_page` writes the
words of a page to be added after another (the add-page dialog stores it).
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import books, page_writer, safety, user_text
from ..engine import Engine
from ..errors import Invalid, NotFound
from ..scenes import Scene
from . import review

MAX_INSTRUCTION = 200


@dataclass(frozen=True)
class Proposal:
    number: int
    old: Scene  # the page's words when the proposal was made
    new: Scene  # the proposed words: title and text new, picture and cast as they were
    instruction: str
    attempt: int = 0


def clean_instruction(text: str | None) -> str:
    """The instruction on one line, or Invalid when it is too long to be one."""
    cleaned = user_text.line(text or "")
    if len(cleaned) > MAX_INSTRUCTION:
        raise Invalid(f"An instruction has at most {MAX_INSTRUCTION} characters (this one has {len(cleaned)}).")
    return cleaned


def propose(engine: Engine, user_id: int, book_id: int, number: int, instruction: str | None = "",
            attempt: int = 0) -> Proposal:
    """New words for the user's page `number`, following `instruction` (checked for safety before the model
    is asked); another `attempt` gives other words. `PageWordsError` says why there are none."""
    book = books.own(engine.db(), user_id, book_id)
    instruction = clean_instruction(instruction)
    if instruction:
        safety.require_safe(engine, {"instruction": instruction}, user_id=user_id, book_id=book_id,
                            language=book.language, nouns={"instruction": "This instruction"})
    scenes = [row.scene for row in books.scene_rows(engine.db(), book_id)]
    old = next((s for s in scenes if s.scene == int(number)), None)
    if old is None:
        raise NotFound(f"Book {book_id} has no page {number}.")
    new = page_writer.propose_rewrite(engine, book, scenes, old.scene, instruction, max(0, int(attempt)))
    return Proposal(old.scene, old, new, instruction, max(0, int(attempt)))


def accept(engine: Engine, user_id: int, book_id: int, proposal: Proposal) -> Scene:
    """Store the proposal's title and words as a grid edit of that page is stored; refused (nothing
    changed) when the page's words are no longer the proposal's `old` ones."""
    edits = {proposal.number: {"title": proposal.new.title, "text": proposal.new.text}}
    try:
        saved = review.save_edits(engine, user_id, book_id, edits, unchanged={proposal.number: proposal.old})
    except review.WordsChanged:
        raise review.WordsChanged([proposal.number],
            f"Page {proposal.number}'s words were changed after these new words were proposed (in the grid or "
            "another tab), so nothing was saved. Propose again to rewrite the words it has now.") from None
    return next(s for s in saved if s.scene == proposal.number)


def draft_new_page(engine: Engine, user_id: int, book_id: int, after: int, attempt: int = 0) -> Scene:
    """The words of a page to go after the user's page `after` (0: first), written from its neighbours and
    the book's arc, numbered `after + 1`; another `attempt` gives another page."""
    book = books.own(engine.db(), user_id, book_id)
    scenes = [row.scene for row in books.scene_rows(engine.db(), book_id)]
    if not 0 <= int(after) <= len(scenes):
        raise NotFound(f"Book {book_id} has no page {after}.")
    return page_writer.write_new_page(engine, book, scenes, int(after), max(0, int(attempt)))
