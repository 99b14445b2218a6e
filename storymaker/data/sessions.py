"""The sessions and session_tickets tables: where people are signed in, and the tickets that
hand a browser its cookie.

Tokens and tickets arrive here already hashed (`storymaker.sessions` makes and hashes
them); nothing in this module ever sees one in the clear. Every time is unix seconds
from the caller, so tests move time by passing it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, delete, func, insert, select, update

from .database import Database, now_iso
from .rows import from_row, from_rows
from .schema import session_tickets as tickets_table
from .schema import sessions as sessions_table
from .schema import users


@dataclass(frozen=True)
class Session:
    id: int
    user_id: int
    username: str
    browser: str
    created_at: str
    last_seen: float
    expires_at: float
    cookie_set_at: float | None

    @property
    def remembered(self) -> bool:
        """Whether a browser holds a cookie for it (a tab that could not keep one has none)."""
        return self.cookie_set_at is not None


_COLUMNS = (sessions_table.c.id, sessions_table.c.user_id, users.c.username, sessions_table.c.browser,
            sessions_table.c.created_at, sessions_table.c.last_seen, sessions_table.c.expires_at,
            sessions_table.c.cookie_set_at)


def _select():
    return select(*_COLUMNS).join(users, users.c.id == sessions_table.c.user_id)


def start(db: Database, user_id: int, browser: str, now: float, expires_at: float) -> int:
    """A new sign-in for `user_id`, not yet tied to any cookie; its id."""
    values = {"user_id": user_id, "browser": browser, "created_at": now_iso(), "last_seen": now,
              "expires_at": expires_at}
    with db.write() as conn:
        return int(conn.execute(insert(sessions_table).values(values).returning(sessions_table.c.id)).scalar_one())


def add_ticket(db: Database, session_id: int, ticket_hash: str, expires_at: float) -> None:
    with db.write() as conn:
        conn.execute(insert(tickets_table).values(ticket_hash=ticket_hash, session_id=session_id,
                                                  expires_at=expires_at))


def take_ticket(db: Database, ticket_hash: str, now: float) -> int | None:
    """The live session a ticket is for, spending the ticket; None for an unknown, spent or
    expired ticket (or one whose sign-in has ended). Two requests with one ticket: one wins."""
    with db.write() as conn:
        row = conn.execute(
            select(tickets_table.c.session_id, tickets_table.c.expires_at)
            .where(tickets_table.c.ticket_hash == ticket_hash)
        ).first()
        if row is None:
            return None
        spent = conn.execute(delete(tickets_table).where(tickets_table.c.ticket_hash == ticket_hash))
        if spent.rowcount != 1 or row.expires_at <= now:  # another request spent it first, or too late
            return None
        live = conn.execute(select(sessions_table.c.id).where(
            sessions_table.c.id == row.session_id, sessions_table.c.expires_at > now)).first()
        return int(row.session_id) if live else None


def set_token(db: Database, session_id: int, token_hash: str, now: float, expires_at: float) -> bool:
    """Tie a live session to the cookie token whose hash this is; False when it has ended."""
    with db.write() as conn:
        done = conn.execute(update(sessions_table).where(
            sessions_table.c.id == session_id, sessions_table.c.expires_at > now
        ).values(token_hash=token_hash, cookie_set_at=now, last_seen=now, expires_at=expires_at))
        return done.rowcount == 1


def by_token(db: Database, token_hash: str, now: float) -> Session | None:
    """The live session a cookie's token belongs to."""
    with db.read() as conn:
        row = conn.execute(_select().where(sessions_table.c.token_hash == token_hash,
                                           sessions_table.c.expires_at > now)).first()
    return from_row(Session, row) if row else None


def find(db: Database, session_id: int, now: float) -> Session | None:
    """The session if it is still live (not signed out, not expired, its account still there)."""
    with db.read() as conn:
        row = conn.execute(_select().where(sessions_table.c.id == session_id,
                                           sessions_table.c.expires_at > now)).first()
    return from_row(Session, row) if row else None


def seen(db: Database, session_id: int, now: float, expires_at: float, cookie_set: bool = False) -> None:
    """Move a live session's last sight (and so its sliding expiry) on; `cookie_set`: its browser
    has just been given its cookie again."""
    values: dict[str, float] = {"last_seen": now, "expires_at": expires_at}
    if cookie_set:
        values["cookie_set_at"] = now
    with db.write() as conn:
        conn.execute(update(sessions_table).where(sessions_table.c.id == session_id,
                                                  sessions_table.c.expires_at > now).values(values))


def for_user(db: Database, user_id: int, now: float) -> list[Session]:
    """A person's live sign-ins, the most recently seen first."""
    with db.read() as conn:
        result = conn.execute(_select().where(sessions_table.c.user_id == user_id, sessions_table.c.expires_at > now)
                              .order_by(sessions_table.c.last_seen.desc(), sessions_table.c.id.desc()))
        return from_rows(Session, result)


def end(db: Database, user_id: int, session_id: int) -> bool:
    """Sign one session of `user_id` out (another person's session id ends nothing)."""
    with db.write() as conn:
        done = conn.execute(delete(sessions_table).where(sessions_table.c.id == session_id,
                                                         sessions_table.c.user_id == user_id))
        return done.rowcount == 1


def end_by_token(db: Database, token_hash: str) -> None:
    with db.write() as conn:
        conn.execute(delete(sessions_table).where(sessions_table.c.token_hash == token_hash))


def end_all(db: Database, user_id: int, keep: int | None = None) -> int:
    """Sign every session of `user_id` out, except `keep`; how many ended."""
    condition = sessions_table.c.user_id == user_id
    if keep is not None:
        condition = and_(condition, sessions_table.c.id != keep)
    with db.write() as conn:
        return conn.execute(delete(sessions_table).where(condition)).rowcount


def prune(db: Database, now: float) -> None:
    """Forget expired sessions and tickets (tickets of a session go with it)."""
    with db.write() as conn:
        conn.execute(delete(tickets_table).where(tickets_table.c.expires_at <= now))
        conn.execute(delete(sessions_table).where(sessions_table.c.expires_at <= now))


def count(db: Database) -> int:
    with db.read() as conn:
        return conn.execute(select(func.count()).select_from(sessions_table)).scalar_one()
