"""Safety as a service for screens: which checks are active, and why things were refused."""

from __future__ import annotations

from .. import safety
from ..data import safety as records
from ..data.safety import Refusal
from ..engine import Engine


def active_checks(engine: Engine) -> list[str]:
    """Sentences for the Settings page: what is checked, by what, how strictly."""
    return safety.describe(engine)


def refusals(engine: Engine, user_id: int, book_id: int | None = None, limit: int = 50) -> list[Refusal]:
    """The user's refusals (inputs, story pages, pictures) with categories and scores, newest first."""
    return records.for_user(engine.db(), user_id, book_id=book_id, limit=limit)
