"""The offline storyteller: writes a whole picture book from a story brief.

No network and no model weights: a small planner picks a setting, a problem
and a lesson from the brief's words, lays out an arc over the page count, and
phrase banks (one module per language) turn each beat into words sized for the
age band. Everything is seeded from the brief, so the same brief always gives
the same book.
"""

from __future__ import annotations

from .book import LANGUAGES, language_code, write_book

__all__ = ["LANGUAGES", "language_code", "write_book"]
