"""Share links: a read-only address for one book that anyone holding it can read, without an account.

The address carries a random token (256 bits, `secrets.token_urlsafe(32)`); the database keeps
only its SHA-256, so a copy of the table opens nothing. The token has full entropy, so a fast
hash is enough (a slow one would only slow every page view). A link works for its one book
only, until it is revoked (its row is deleted) or its expiry passes; after that it is just
like a token that never existed, and nothing says whether the book is still there.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from . import books
from .data import Database, parse_id
from .data import share_links as stored
from .data.share_links import ShareLinkRow
from .errors import Invalid, NotFound

DAY_S = 86_400.0
# What the owner may choose, in the order the dialog offers it: days until the link stops (None: never).
EXPIRIES: dict[str, int | None] = {"Never": None, "In 7 days": 7, "In 30 days": 30}
# What a token looks like (token_urlsafe(32) is 43 characters): anything else is refused before
# it is hashed or looked up.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


@dataclass(frozen=True)
class ShareLink:
    """A link as its owner sees it (never the token: only its hash is kept)."""

    id: int
    book_id: int
    created_at: str  # ISO 8601, UTC
    expires_at: float | None  # unix seconds; None: until revoked
    opens: int
    last_opened_at: str | None  # ISO 8601, UTC; None: never opened
    expired: bool


def new_token() -> str:
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def well_formed(token: object) -> bool:
    return isinstance(token, str) and _TOKEN.fullmatch(token) is not None


def iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, timezone.utc).isoformat(timespec="seconds")


def _shareable(db: Database, user_id: int, book_id: object) -> books.Book:
    """The user's book, if they may share it now; NotFound or Invalid otherwise."""
    book = books.get(db, user_id, parse_id(book_id))
    if book is None:
        raise NotFound("Book not found.")
    if book.status != books.READY:
        raise Invalid("Only a finished book can be shared: share it once every page is drawn.")
    return book


def create(db: Database, user_id: int, book_id: object, days: int | None, now: float) -> tuple[ShareLink, str]:
    """A new link to the user's finished book, expiring after `days` (None: never): the link and
    its token, which exists only in this answer (the database keeps its hash)."""
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 366):
        raise Invalid("A link lasts 1 to 366 days, or until it is revoked.")
    book = _shareable(db, user_id, book_id)
    token = new_token()
    expires_at = None if days is None else now + days * DAY_S
    link_id = stored.add(db, book.id, digest(token), iso(now), expires_at)
    return ShareLink(link_id, book.id, iso(now), expires_at, 0, None, False), token


def resolve(db: Database, token: object, now: float) -> int | None:
    """The book a live token opens, or None (wrong, malformed, revoked or expired: all alike)."""
    if not well_formed(token):
        return None
    assert isinstance(token, str)
    return stored.live_book(db, digest(token), now)


def count_open(db: Database, token: object, now: float) -> bool:
    """Count one open of a live link (a reader arriving at the cover); False when it is not live."""
    if not well_formed(token):
        return False
    assert isinstance(token, str)
    return stored.count_open(db, digest(token), now, iso(now)) is not None


def links(db: Database, user_id: int, book_id: object, now: float) -> list[ShareLink]:
    """The links to one of the user's books, newest first (expired ones too, marked so)."""
    number = parse_id(book_id)
    if number is None:
        return []
    return [_link(row, now) for row in stored.for_book(db, user_id, number)]


def revoke(db: Database, user_id: int, book_id: object, link_id: object) -> bool:
    """Stop one link of the user's book at once; False when there is no such link of theirs."""
    book, link = parse_id(book_id), parse_id(link_id)
    if book is None or link is None:
        return False
    return stored.delete_link(db, user_id, book, link)


def _link(row: ShareLinkRow, now: float) -> ShareLink:
    expired = row.expires_at is not None and row.expires_at <= now
    return ShareLink(row.id, row.book_id, row.created_at, row.expires_at, row.opens, row.last_opened_at, expired)
