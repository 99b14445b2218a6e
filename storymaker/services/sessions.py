"""Remembered sign-ins as a service: the settings' length and the clock applied to
`storymaker.sessions` (the app's pages and the cookie routes both call these)."""

from __future__ import annotations

import time

from storymaker import accounts, sessions
from storymaker.accounts import User
from storymaker.data.sessions import Session
from storymaker.engine import Engine
from storymaker.sessions import Restored

_clock = time.time  # replaced in tests


def begin(engine: Engine, user: User, browser: str) -> tuple[int, str]:
    """A new session for `user` signing in now, and the ticket its page trades for the cookie."""
    return sessions.begin(engine.db(), user, browser, _clock(), engine.settings.sign_in_days)


def new_ticket(engine: Engine, session_id: int) -> str | None:
    return sessions.new_ticket(engine.db(), session_id, _clock())


def trade_ticket(engine: Engine, ticket: object) -> str | None:
    return sessions.trade_ticket(engine.db(), ticket, _clock(), engine.settings.sign_in_days)


def restore(engine: Engine, token: object) -> Restored | None:
    return sessions.restore(engine.db(), token, _clock(), engine.settings.sign_in_days)


def still_signed_in(engine: Engine, session_id: int, user: User) -> bool:
    return sessions.still_signed_in(engine.db(), session_id, user, _clock(), engine.settings.sign_in_days)


def renew_cookie(engine: Engine, token: object) -> bool:
    return sessions.renew_cookie(engine.db(), token, _clock(), engine.settings.sign_in_days)


def forget_cookie(engine: Engine, token: object) -> None:
    sessions.forget_cookie(engine.db(), token)


def sign_out(engine: Engine, user: User, session_id: int) -> bool:
    return sessions.end(engine.db(), user, session_id)


def sign_out_everywhere(engine: Engine, user: User) -> int:
    return sessions.end_all(engine.db(), user)


def places(engine: Engine, user: User) -> list[Session]:
    return sessions.places(engine.db(), user, _clock())


def change_password(engine: Engine, user: User, current: str, new: str, keep: int | None,
                    client: str = "") -> int:
    """A new password (the current one proves it is them), and every other place signed out:
    how many were. `keep` is the session asking, which stays signed in."""
    db = engine.db()
    # Checked outside the write unit: a wrong current password is counted by the throttle,
    # and that count must not be rolled back with the refusal.
    password_hash = accounts.check_new_password(db, user, current, new, client=client)
    with db.write():
        accounts.set_password_hash(db, user, password_hash)
        return sessions.end_all(db, user, keep=keep)
