"""Usage accounting: tokens and pictures per book."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from .db import now_iso


@dataclass(frozen=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    images: int = 0
    calls: int = 0


def record(
    db: sqlite_utils.Database,
    book_id: int,
    kind: str,
    model: str,
    *,
    input_tokens: int = 0,
    output_tokens: int = 0,
    images: int = 0,
) -> None:
    db.execute(
        "INSERT INTO usage (book_id, kind, model, input_tokens, output_tokens, images, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [book_id, kind, model, int(input_tokens), int(output_tokens), int(images), now_iso()],
    )


def for_book(db: sqlite_utils.Database, book_id: int) -> Usage:
    row = db.execute(
        "SELECT COALESCE(SUM(input_tokens),0), COALESCE(SUM(output_tokens),0), COALESCE(SUM(images),0), COUNT(*) "
        "FROM usage WHERE book_id = ?",
        [book_id],
    ).fetchone()
    return Usage(*row)
