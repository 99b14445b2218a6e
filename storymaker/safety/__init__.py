"""Kid-safe by default: what people type and what the models make is checked.

The one way in for any input is `require_safe(engine, {field: text}, user_id=..., book_id=...)`
(or `check_inputs` for the verdict without raising); the story handler calls `check_pages`, the
picture handlers `check_picture`. The checker is `engine.moderation_model` (OpenAI's moderation
endpoint, or the shipped word list); `policy` decides what refuses at which strictness.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .check import (Flag, InputRefused, PageRefused, PictureRefused, SafetyUnavailable, Verdict, check_inputs,
                    check_pages, check_picture, pictures_checked, require_safe)

if TYPE_CHECKING:
    from ..engine import Engine

__all__ = ["Flag", "InputRefused", "PageRefused", "PictureRefused", "SafetyUnavailable", "Verdict", "check_inputs",
           "check_pages", "check_picture", "describe", "pictures_checked", "require_safe"]


def describe(engine: "Engine") -> list[str]:
    """Which checks are active, in sentences for the Settings page."""
    model = engine.moderation_model
    fallback = getattr(model, "fallback", None)
    level = engine.settings.safety
    if model.is_offline or fallback is not None:
        where = ("the shipped word-and-phrase list (glin-profanity's dictionaries and Storymaker's own phrases), "
                 "on this computer")
        if fallback is not None:
            where += f"; the server has no moderation endpoint for {model.model_id}"
    else:
        where = f"the moderation model {model.model_id}"
    lines = [f"What you type (titles, premises, characters, edits, uploaded story.csv, notes for a redraw, instructions for new words) is checked by {where} "
             "before anything is made.",
             "Each story is checked page by page before it is kept; a refused page is rewritten once, then "
             "the book stops and says why. New words proposed for a page are checked before they are shown."]
    if engine.image_model.is_offline:
        lines.append("Pictures come from the offline painter, which draws only from the checked words, so they "
                     "need no check of their own.")
    elif pictures_checked(engine):
        lines.append(f"Every picture from {engine.image_model.model_id} is checked by {model.model_id} before "
                     "it is kept or shown.")
    else:
        lines.append(f"Pictures from {engine.image_model.model_id} are not checked here (the word list cannot "
                     "read pictures); the image service's own moderation still applies.")
    lines.append("Strictness: strict (the default): mild peril such as a scary storm is refused too." if level == "strict"
                 else "Strictness: standard: mild peril such as a scary storm is allowed.")
    return lines
