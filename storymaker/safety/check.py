"""The checks themselves: what people type, the story a text model writes, the pictures an image model
draws. Each is one call to the moderation model (all of a form's fields, or all of a story's pages, in
one batch), made before anything that costs money starts, or before what was made is kept.

A moderation service that cannot answer fails closed: an input check raises `SafetyUnavailable`
(nothing is started), a story or picture check fails its job (retried like any outage, then the
book says why). Reading a book that exists never calls a check.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping, Sequence

from PIL import Image

from ..books import BookError
from ..data import safety as records
from ..data.safety import NewRefusal
from ..errors import Busy
from ..models.base import ModerationItem, ModerationModel, ModerationResult
from ..models.errors import ModelConfigError, ModelError, RefusedError, TransientModelError
from . import policy

if TYPE_CHECKING:
    from ..books import Book
    from ..engine import Engine
    from ..scenes import Scene


class SafetyUnavailable(Busy):
    """The safety check could not be made, so nothing was started (it fails closed)."""


class InputRefused(BookError):
    """Something typed is not right for a children's book. `fields` maps each refused field to its
    message (as `BookError` does, so a form shows each under its field); `verdict` holds the rest."""

    def __init__(self, fields: dict[str, str], verdict: "Verdict"):
        super().__init__(fields)
        self.verdict = verdict


class PageRefused(RefusedError):
    """A page of the story was refused twice (written, then rewritten with the reason)."""


class PictureRefused(RefusedError):
    """A picture from the image model was refused: it is not kept or shown."""


@dataclass(frozen=True)
class Flag:
    """One refused field (or page, or picture)."""

    subject: str
    categories: tuple[str, ...]  # worst first
    scores: dict[str, float] = field(default_factory=dict)
    matched: tuple[str, ...] = ()  # the word list: what it found
    text: str = ""

    @property
    def reason(self) -> str:
        """The categories in plain words: "graphic violence and swearing"."""
        return policy.in_words(self.categories)


@dataclass(frozen=True)
class Verdict:
    checker: str  # the moderation model's name, or "word list"
    flags: dict[str, Flag] = field(default_factory=dict)  # subject -> flag; empty: all passed

    @property
    def ok(self) -> bool:
        return not self.flags

    def messages(self, nouns: Mapping[str, str] | None = None) -> dict[str, str]:
        """subject -> the sentence shown under that field."""
        return {subject: policy.message((nouns or {}).get(subject, subject), flag.categories, flag.matched)
                for subject, flag in self.flags.items()}


def checker_name(model: ModerationModel) -> str:
    fallback = getattr(model, "fallback", None)
    return (fallback or model).model_id


# A check that meets a brief outage is tried again at once a few times: it is free, and failing a page's
# job would draw its (paid) picture again. Longer outages fail the check (closed).
CHECK_TRIES, CHECK_BACKOFF_S, CHECK_WAIT_CAP_S = 3, 0.25, 5.0


def _moderate(engine: "Engine", items: Sequence[ModerationItem]) -> tuple[ModerationModel, list[ModerationResult]]:
    model = engine.moderation_model
    for attempt in range(CHECK_TRIES):
        try:
            results = model.moderate(items)
            break
        except TransientModelError as error:
            if attempt == CHECK_TRIES - 1 or (error.retry_after or 0) > CHECK_WAIT_CAP_S:
                raise
            time.sleep(min(CHECK_WAIT_CAP_S, error.retry_after or CHECK_BACKOFF_S * 2 ** attempt))
    if len(results) != len(items):
        raise ModelError("The safety check service answered for the wrong number of texts.")
    return model, results


def check_inputs(engine: "Engine", fields: Mapping[str, str | None], *, user_id: int | None = None,
                 book_id: int | None = None, language: str = "English") -> Verdict:
    """Check what a person typed, every field in one call; refusals are recorded for `user_id`.
    `SafetyUnavailable` when the check cannot be made."""
    texts = {name: text for name, text in fields.items() if text and text.strip()}
    if not texts:
        return Verdict(checker_name(engine.moderation_model))
    try:
        model, results = _moderate(engine, [ModerationItem(text=text, language=language) for text in texts.values()])
    except ModelError as error:
        raise SafetyUnavailable(
            "Storymaker checks what you type before it makes anything, and the check could not be made just "
            f"now ({error}). Nothing was started; try again in a minute.") from None
    level = engine.settings.safety
    flags = {}
    for (name, text), result in zip(texts.items(), results, strict=True):
        categories = policy.refused(result, level)
        if categories:
            flags[name] = Flag(name, categories, dict(result.scores), result.matched, text)
    verdict = Verdict(checker_name(model), flags)
    if flags and user_id is not None:
        records.add(engine.db(), user_id, book_id, [
            NewRefusal("input", name, verdict.checker, flag.categories, _top(flag.scores, flag.categories),
                       flag.text) for name, flag in flags.items()])
    return verdict


def require_safe(engine: "Engine", fields: Mapping[str, str | None], *, user_id: int | None = None,
                 book_id: int | None = None, language: str = "English",
                 nouns: Mapping[str, str] | None = None) -> Verdict:
    """`check_inputs`, raising `InputRefused` (each field's message) when anything is refused: the one
    line a new input needs, e.g. `safety.require_safe(engine, {"note": note}, user_id=..., book_id=...)`."""
    verdict = check_inputs(engine, fields, user_id=user_id, book_id=book_id, language=language)
    if not verdict.ok:
        raise InputRefused(verdict.messages(nouns), verdict)
    return verdict


def _top(scores: Mapping[str, float], categories: Sequence[str]) -> dict[str, float]:
    """The scores worth keeping: the refused categories and any other above 0.01."""
    return {k: float(v) for k, v in scores.items() if k in categories or float(v) >= 0.01}


def _as_job_error(error: ModelError, what: str) -> ModelError:
    """A failed check during a job, said as such; an outage stays retryable (fails closed after)."""
    said = f"The safety check of {what} could not be made, so it was not kept: {error}"
    # A rate limit stays one (the service's other jobs hold back too); any other outage is transient.
    kind = type(error) if isinstance(error, TransientModelError) else ModelConfigError
    return kind(said, retry_after=error.retry_after, tries=error.tries)


def page_words(scene: "Scene") -> str:
    return "\n".join(part for part in (scene.title, scene.text, scene.illustration) if part)


def check_pages(engine: "Engine", book: "Book", scenes: Sequence["Scene"], *,
                outcome: str = "rewritten") -> dict[int, Flag]:
    """page number -> its flag, for the pages of a story that are refused (one call for all), recorded
    with the book as `outcome` (a first refusal is rewritten; a second one stops the book)."""
    try:
        model, results = _moderate(engine, [ModerationItem(text=page_words(s), language=book.language)
                                            for s in scenes])
    except ModelError as error:
        raise _as_job_error(error, "the story") from None
    flags = {}
    for scene, result in zip(scenes, results, strict=True):
        categories = policy.refused(result, engine.settings.safety)
        if categories:
            flags[scene.scene] = Flag(f"page {scene.scene}", categories, dict(result.scores), result.matched,
                                      page_words(scene))
    if flags:
        checker = checker_name(model)
        keep = [NewRefusal("story", flag.subject, checker, flag.categories, _top(flag.scores, flag.categories),
                           flag.text, outcome=outcome) for flag in flags.values()]
        records.add(engine.db(), book.user_id, book.id, keep)
    return flags


def pictures_checked(engine: "Engine") -> bool:
    """Are the image model's pictures checked? Not the offline painter's (it draws only from checked
    words), nor where the checker cannot read pictures (the word list)."""
    model = engine.moderation_model
    return not engine.image_model.is_offline and model.checks_images and getattr(model, "fallback", None) is None


def check_picture(engine: "Engine", book: "Book | None", user_id: int, picture: Image.Image, subject: str) -> None:
    """Refuse (`PictureRefused`, recorded) a picture from the image model before it is kept or shown."""
    if not pictures_checked(engine):
        return
    buffer = io.BytesIO()
    picture.convert("RGB").save(buffer, format="PNG")
    try:
        model, results = _moderate(engine, [ModerationItem(image=buffer.getvalue())])
    except ModelError as error:
        raise _as_job_error(error, subject) from None
    categories = policy.refused(results[0], engine.settings.safety) if results else ()
    if not categories:
        return
    checker = checker_name(model)
    records.add(engine.db(), user_id, book.id if book else None, [
        NewRefusal("picture", subject, checker, categories, _top(results[0].scores, categories))])
    raise PictureRefused(f"The safety check refused {subject} ({policy.in_words(categories)}), so it is not "
                         "shown. Drawing it again usually gives a suitable picture.")
