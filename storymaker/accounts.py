"""User accounts. Every other noun belongs to exactly one user."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from .db import now_iso

LOCAL_USER = "local"


@dataclass(frozen=True)
class User:
    id: int
    username: str


class AccountError(ValueError):
    """Bad account input; the message says what to fix."""


def clean_username(username: str) -> str:
    name = (username or "").strip()
    if not 2 <= len(name) <= 40:
        raise AccountError("A username has 2 to 40 characters.")
    if any(ch.isspace() for ch in name) or not all(ch.isalnum() or ch in "._-@" for ch in name):
        raise AccountError("A username may use letters, digits and . _ - @ (no spaces).")
    return name


def find(db: sqlite_utils.Database, username: str) -> User | None:
    row = db.execute("SELECT id, username FROM users WHERE username = ?", [username]).fetchone()
    return User(*row) if row else None


def get_or_create(db: sqlite_utils.Database, username: str = LOCAL_USER) -> User:
    """The account named `username`, created without a password if new (CLI use)."""
    name = clean_username(username)
    db.execute(
        "INSERT INTO users (username, password_hash, created_at) VALUES (?, NULL, ?) ON CONFLICT(username) DO NOTHING",
        [name, now_iso()],
    )
    user = find(db, name)
    assert user is not None
    return user
