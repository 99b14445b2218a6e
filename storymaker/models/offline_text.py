"""The offline text model: a deterministic, in-process story writer.

It needs no key and no network. It ignores the rendered prompt (that is for
remote models) and writes straight from the story brief, returning the same
JSON shape a remote model is asked for: {"scenes": [{scene, title, text,
illustration, characters}, ...]}, or one such page for a `PageTask` (other words
for a page, a new page). The same brief (and task) always gives the same words.
"""

from __future__ import annotations

import json

from ..storyteller import LANGUAGES, language_code, write_book
from ..storyteller.page import extra_page, other_words
from .base import PageTask, StoryBrief, TextModel, TextRequest, TextResult
from .errors import ModelConfigError


class OfflineTextModel(TextModel):
    model_id = "offline-storyteller"
    is_offline = True
    supports_schema = True
    # What the UI can promise: books in any other language are written in English.
    languages = LANGUAGES

    def writes(self, language: str) -> bool:
        # Codes and any case count too ("EN", "english"): the storyteller's own lookup decides.
        return language_code(language) is not None

    def complete(self, request: TextRequest) -> TextResult:
        brief = request.brief
        if brief is None:
            raise ModelConfigError("The offline writer needs a story brief")
        if not any((c.name or "").strip() for c in brief.characters):
            raise ModelConfigError("The offline writer needs at least one named character")
        if request.task is not None:
            return TextResult(text=json.dumps(_page(brief, request.task), ensure_ascii=False))
        scenes = write_book(brief)
        return TextResult(text=json.dumps({"scenes": scenes}, ensure_ascii=False), input_tokens=0, output_tokens=0)


def _page(brief: StoryBrief, task: PageTask) -> dict:
    if task.kind == "new":
        return extra_page(brief, task.pages, task.number, task.attempt)
    try:
        return other_words(brief, task.pages, task.number, task.instruction, task.attempt)
    except ValueError:
        raise ModelConfigError("The offline writer has no other words for this page. Change them yourself in "
                               "the grid, or use a text model such as OpenAI's.") from None
