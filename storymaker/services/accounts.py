"""Accounts as a service: sign in, sign up, the session's account check, OIDC and the CLI's user."""

from __future__ import annotations

from storymaker import accounts
from storymaker.accounts import LOCAL_USER, User
from storymaker.engine import Engine


def sign_in(engine: Engine, username: str, password: str, client: str = "") -> User:
    """The user whose password this is; `AccountError` (or `TooManyAttempts`) otherwise."""
    return accounts.sign_in(engine.db(), username, password, client=client)


def sign_up(engine: Engine, username: str, password: str) -> User:
    return accounts.sign_up(engine.db(), username, password)


def find(engine: Engine, username: str) -> User | None:
    return accounts.find(engine.db(), username)


def still_exists(engine: Engine, user: User) -> bool:
    """Whether a signed-in user's account is still theirs. Ids start again at 1 in a recreated
    database, so the name must match too, or a session would act as whoever signed up next."""
    found = accounts.find(engine.db(), user.username)
    return found is not None and found.id == user.id


def for_identity(engine: Engine, issuer: str, subject: str) -> User:
    """The local account tied to an identity provider's (issuer, subject), made on first use."""
    return accounts.for_identity(engine.db(), issuer, subject)


def local_user(engine: Engine, username: str = LOCAL_USER) -> User:
    """The command line's user: no password, made on first use."""
    return accounts.get_or_create(engine.db(), username)
