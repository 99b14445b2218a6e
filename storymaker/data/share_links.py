"""The share_links table: read-only links to one book, each found by its token's hash.

Tokens arrive here already hashed (`storymaker.sharing` makes and hashes them); nothing in
this module ever sees one in the clear. A link is live while its book exists and its
expiry (unix seconds, NULL for never) is in the future; revoking deletes the row, so a
revoked link and a link that never existed look exactly alike. Times come from the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, insert, or_, select, update

from .database import Database
from .rows import from_rows
from .schema import books
from .schema import share_links as links


@dataclass(frozen=True)
class ShareLinkRow:
    id: int
    book_id: int
    created_at: str
    expires_at: float | None  # unix seconds; None: until revoked
    opens: int
    last_opened_at: str | None


_COLUMNS = (links.c.id, links.c.book_id, links.c.created_at, links.c.expires_at, links.c.opens,
            links.c.last_opened_at)


def _live(token_hash: str, now: float):
    return (links.c.token_hash == token_hash,
            or_(links.c.expires_at.is_(None), links.c.expires_at > now))


def add(db: Database, book_id: int, token_hash: str, created_at: str, expires_at: float | None) -> int:
    """A new link to `book_id`; its id."""
    with db.write() as conn:
        return int(conn.execute(insert(links).values(
            book_id=book_id, token_hash=token_hash, created_at=created_at, expires_at=expires_at, opens=0,
        ).returning(links.c.id)).scalar_one())


def live_book(db: Database, token_hash: str, now: float) -> int | None:
    """The book a live link points to (one indexed lookup, whatever the token), or None."""
    with db.read() as conn:
        return conn.execute(select(links.c.book_id).where(*_live(token_hash, now))).scalar_one_or_none()


def count_open(db: Database, token_hash: str, now: float, opened_at: str) -> int | None:
    """Count one open of a live link, in the same statement that finds it; its book, or None."""
    with db.write() as conn:
        return conn.execute(update(links).where(*_live(token_hash, now)).values(
            opens=links.c.opens + 1, last_opened_at=opened_at).returning(links.c.book_id)).scalar_one_or_none()


def for_book(db: Database, user_id: int, book_id: int) -> list[ShareLinkRow]:
    """The links to one of `user_id`'s books, newest first (another person's book has none)."""
    with db.read() as conn:
        return from_rows(ShareLinkRow, conn.execute(
            select(*_COLUMNS).join(books, books.c.id == links.c.book_id)
            .where(links.c.book_id == book_id, books.c.user_id == user_id)
            .order_by(links.c.id.desc())))


def delete_link(db: Database, user_id: int, book_id: int, link_id: int) -> bool:
    """Revoke one link of one of `user_id`'s books; False when there is no such link of theirs."""
    owned = select(books.c.id).where(books.c.id == book_id, books.c.user_id == user_id).scalar_subquery()
    with db.write() as conn:
        done = conn.execute(delete(links).where(links.c.id == link_id, links.c.book_id == owned))
        return done.rowcount == 1
