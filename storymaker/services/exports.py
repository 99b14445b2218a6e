"""Exports as a service: a user's book as a file (see `storymaker.exports`)."""

from __future__ import annotations

from storymaker import exports
from storymaker.engine import Engine
from storymaker.exports import ExportOptions, Exported

FORMATS = exports.FORMATS


def export(engine: Engine, user_id: int, book_id: int | str | None, fmt: str,
           options: ExportOptions | None = None) -> Exported:
    """`NotFound` for a book that is not the user's; `NotReady` (an `Invalid`) for one that
    cannot be exported yet; the file otherwise."""
    return exports.make(engine, user_id, book_id, fmt, options)
