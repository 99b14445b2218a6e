"""User accounts. Every other noun belongs to exactly one user.

Passwords are hashed with Argon2id (argon2-cffi). Sign-in failures are counted
per username and slowed down exponentially, and every failure gets the same
message, so the form tells an attacker nothing about which usernames exist.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass

import sqlite_utils
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .db import now_iso

MIN_PASSWORD = 8
WRONG_CREDENTIALS = "That username and password do not match an account."
_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters
# A hash to verify against when the user does not exist, so both paths take as long.
_DUMMY_HASH = _hasher.hash("storymaker-timing-equaliser")

LOCAL_USER = "local"
# Accounts made for an OpenID Connect identity; nobody can sign up with this prefix.
IDENTITY_PREFIX = "oidc-"


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


def sign_up(db: sqlite_utils.Database, username: str, password: str) -> User:
    name = clean_username(username)
    if name.casefold() == LOCAL_USER or name.casefold().startswith(IDENTITY_PREFIX):
        raise AccountError("That username is taken; choose another.")
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"Choose a password of at least {MIN_PASSWORD} characters.")
    if len(password) > 1024:
        raise AccountError("That password is too long.")
    cursor = db.execute(
        "INSERT INTO users (username, password_hash, created_at) VALUES (?, ?, ?) ON CONFLICT(username) DO NOTHING",
        [name, _hasher.hash(password), now_iso()],
    )
    if cursor.rowcount != 1:
        raise AccountError("That username is taken; choose another.")
    user = find(db, name)
    assert user is not None
    return user


class _Throttle:
    """Failed sign-ins per username, in memory: each failure doubles the wait before the next try."""

    def __init__(self, base_s: float = 0.5, max_s: float = 30.0):
        self.base_s, self.max_s = base_s, max_s
        self._failures: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def wait_s(self, key: str) -> float:
        with self._lock:
            count, last = self._failures.get(key, (0, 0.0))
        if count < 3:
            return 0.0
        return max(0.0, last + min(self.max_s, self.base_s * 2 ** (count - 3)) - time.monotonic())

    def failed(self, key: str) -> None:
        with self._lock:
            count, _ = self._failures.get(key, (0, 0.0))
            self._failures[key] = (count + 1, time.monotonic())

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


throttle = _Throttle()


class TooManyAttempts(AccountError):
    def __init__(self, wait_s: float):
        self.wait_s = wait_s
        super().__init__(f"Too many attempts. Wait {max(1, round(wait_s))} seconds and try again.")


def sign_in(db: sqlite_utils.Database, username: str, password: str) -> User:
    """The user, or AccountError with one uniform message for any wrong credential."""
    key = (username or "").strip().casefold()
    wait = throttle.wait_s(key)
    if wait > 0:
        raise TooManyAttempts(wait)
    row = db.execute("SELECT id, username, password_hash FROM users WHERE username = ?", [(username or "").strip()]).fetchone()
    stored = row[2] if row and row[2] else _DUMMY_HASH
    try:
        _hasher.verify(stored, password or "")
        ok = row is not None and row[2] is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        throttle.failed(key)
        raise AccountError(WRONG_CREDENTIALS)
    throttle.succeeded(key)
    if _hasher.check_needs_rehash(stored):
        db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [_hasher.hash(password), row[0]])
    return User(row[0], row[1])


def for_identity(db: sqlite_utils.Database, issuer: str, subject: str) -> User:
    """The account for an OpenID Connect identity (issuer + subject), created on first sign-in.

    Its username is derived from the identity and reserved, and it has no password,
    so nobody can take it over by signing up or signing in with a password.
    """
    if not issuer or not subject:
        raise AccountError("The sign-in provider did not say who you are.")
    digest = hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()[:24]
    return get_or_create(db, f"{IDENTITY_PREFIX}{digest}")
