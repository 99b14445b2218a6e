"""Usage accounting: tokens and pictures per book."""

from __future__ import annotations

from dataclasses import dataclass



from .data import Database
from .db import now_iso


@dataclass(frozen=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    images: int = 0
    calls: int = 0


def record(
    db: Database,
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


def for_book(db: Database, book_id: int) -> Usage:
    row = db.execute(
        "SELECT COALESCE(SUM(input_tokens),0), COALESCE(SUM(output_tokens),0), COALESCE(SUM(images),0), COUNT(*) "
        "FROM usage WHERE book_id = ?",
        [book_id],
    ).fetchone()
    return Usage(*row)


def for_user(db: Database, user_id: int) -> list[tuple[int, str, Usage]]:
    """(book id, title, usage) for each of the user's books, newest first."""
    rows = db.execute(
        "SELECT b.id, b.title, COALESCE(SUM(u.input_tokens),0), COALESCE(SUM(u.output_tokens),0), "
        "COALESCE(SUM(u.images),0), COUNT(u.id) FROM books b LEFT JOIN usage u ON u.book_id = b.id "
        "WHERE b.user_id = ? GROUP BY b.id ORDER BY b.created_at DESC, b.id DESC",
        [user_id],
    ).fetchall()
    return [(int(r[0]), r[1], Usage(*r[2:])) for r in rows]
