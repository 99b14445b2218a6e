"""The accounts table: every statement about users.

Names are compared in their canonical form (the `canonical` column, NFKC + case fold,
computed by `storymaker.accounts`), never with a collation, so both databases agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, exists, or_, select, update

from .database import Database, now_iso
from .rows import from_row, insert_on_conflict, take_turns
from .schema import users


@dataclass(frozen=True)
class User:
    id: int
    username: str


@dataclass(frozen=True)
class Credentials:
    """An account with its password hash (None: nobody can sign in with a password)."""

    id: int
    username: str
    password_hash: str | None

    @property
    def user(self) -> User:
        return User(self.id, self.username)


def find(db: Database, username: str, canonical: str) -> Credentials | None:
    """The account named `username`, or the one whose canonical name is `canonical`.

    The exact name comes first: two accounts made before names were canonical may share one.
    """
    statement = (
        select(users.c.id, users.c.username, users.c.password_hash)
        .where(or_(users.c.canonical == canonical, users.c.username == username))
        .order_by(case((users.c.username == username, 0), else_=1), users.c.id)
        .limit(1)
    )
    with db.read() as conn:
        row = conn.execute(statement).first()
    return from_row(Credentials, row) if row else None


def name_taken(db: Database, username: str, canonical: str) -> bool:
    statement = select(exists().where(or_(users.c.canonical == canonical, users.c.username == username)))
    with db.read() as conn:
        return bool(conn.execute(statement).scalar())


def look_alike_taken(db: Database, skeleton: str) -> bool:
    with db.read() as conn:
        return bool(conn.execute(select(exists().where(users.c.skeleton == skeleton))).scalar())


def hold_skeleton(db: Database, skeleton: str) -> None:
    """Until the caller's write unit ends, no other unit may add an account with this
    skeleton (the look-alike check and the insert are one step on both databases)."""
    with db.write() as conn:
        take_turns(conn, f"users.skeleton:{skeleton}")


def add(db: Database, username: str, canonical: str, skeleton: str, password_hash: str | None) -> User | None:
    """The new account, or None when the name (or its canonical form) is already taken."""
    values = {"username": username, "canonical": canonical, "skeleton": skeleton,
              "password_hash": password_hash, "created_at": now_iso()}
    with db.write() as conn:
        if insert_on_conflict(conn, users, values).rowcount != 1:
            return None
        # Read back in the same unit: the row is this insert's (DO NOTHING inserted nothing otherwise).
        row = conn.execute(select(users.c.id, users.c.username).where(users.c.username == username)).one()
    return from_row(User, row)


def set_password_hash(db: Database, user_id: int, password_hash: str) -> None:
    with db.write() as conn:
        conn.execute(update(users).where(users.c.id == user_id).values(password_hash=password_hash))


def name_of(db: Database, user_id: int) -> str | None:
    """The username of account `user_id`."""
    with db.read() as conn:
        return conn.execute(select(users.c.username).where(users.c.id == user_id)).scalar_one_or_none()
