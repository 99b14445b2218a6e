"""Remembered sign-ins: the cookie's token, the ticket that hands it over, expiry and sign-out.

The browser holds only a random token (256 bits) in an HttpOnly cookie; the database keeps
its SHA-256, with the user, when it was made and last seen, and when it expires. The token
has full entropy, so a fast hash is enough: a stolen table cannot be turned back into
cookies, and a slow hash would only slow every page load.

A sign-in starts in a script run, which cannot set cookies. It makes a session and a
ticket (random, single use, valid for a minute); the page posts the ticket to the cookie
route (app_web/), which spends it, makes the token and sets the cookie. A tab that cannot
keep cookies still has its session, for as long as the tab lives.

Expiry slides: every use moves it `days` on (writing at most every few minutes), and the
browser gets its cookie again once a day of use, so the cookie outlives the session only
by less than a day. Anything wrong with a token or ticket (forged, expired, spent, ended)
reads as "not signed in", without saying why.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from .accounts import User
from .data import Database
from .data import sessions as stored
from .data.sessions import Session

TICKET_S = 60.0  # a ticket is spent within this or never
SEEN_EVERY_S = 300.0  # a session's last sight is written at most this often
RENEW_COOKIE_S = 86_400.0  # the browser gets its cookie again after this much time
DAY_S = 86_400.0
# What a token or ticket looks like (token_urlsafe(32) is 43 characters): anything else is
# refused before it is hashed or looked up.
_SECRET = re.compile(r"[A-Za-z0-9_-]{40,64}")


@dataclass(frozen=True)
class Restored:
    """A browser's cookie read back: who it signs in, as which session, and whether the
    browser should be given its cookie again (to keep the sliding expiry in the browser too)."""

    user: User
    session_id: int
    renew_cookie: bool


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def _well_formed(secret: object) -> bool:
    return isinstance(secret, str) and _SECRET.fullmatch(secret) is not None


def begin(db: Database, user: User, browser: str, now: float, days: float) -> tuple[int, str]:
    """A new session for `user` and a ticket its page can trade for the cookie: (session id, ticket)."""
    ticket = new_secret()
    with db.write():
        stored.prune(db, now)
        session_id = stored.start(db, user.id, clean_browser(browser), now, now + days * DAY_S)
        stored.add_ticket(db, session_id, digest(ticket), now + TICKET_S)
    return session_id, ticket


def new_ticket(db: Database, session_id: int, now: float) -> str | None:
    """Another ticket for a live session (the first one was not used: a page left before it was
    posted); None when the session has ended."""
    ticket = new_secret()
    with db.write():
        if stored.find(db, session_id, now) is None:
            return None
        stored.add_ticket(db, session_id, digest(ticket), now + TICKET_S)
    return ticket


def trade_ticket(db: Database, ticket: object, now: float, days: float) -> str | None:
    """The cookie's token for a good ticket (spending the ticket); None for any other."""
    if not _well_formed(ticket):
        return None
    assert isinstance(ticket, str)
    token = new_secret()
    with db.write():
        session_id = stored.take_ticket(db, digest(ticket), now)
        if session_id is None or not stored.set_token(db, session_id, digest(token), now, now + days * DAY_S):
            return None
    return token


def restore(db: Database, token: object, now: float, days: float) -> Restored | None:
    """Who a cookie's token signs in, or None (forged, expired or signed out: all alike)."""
    if not _well_formed(token):
        return None
    assert isinstance(token, str)
    session = stored.by_token(db, digest(token), now)
    if session is None:
        return None
    _slide(db, session, now, days)
    renew = session.cookie_set_at is None or now - session.cookie_set_at >= RENEW_COOKIE_S
    return Restored(User(session.user_id, session.username), session.id, renew)


def still_signed_in(db: Database, session_id: int, user: User, now: float, days: float) -> bool:
    """Whether a tab's session is still live and still this user's: False once it was signed out
    (here or anywhere), expired, or its account is gone (ids start again in a recreated database,
    so the name must match too)."""
    session = stored.find(db, session_id, now)
    if session is None or session.user_id != user.id or session.username != user.username:
        return False
    _slide(db, session, now, days)
    return True


def renew_cookie(db: Database, token: object, now: float, days: float) -> bool:
    """The browser is being given its cookie again: True when the token is still good."""
    if not _well_formed(token):
        return False
    assert isinstance(token, str)
    session = stored.by_token(db, digest(token), now)
    if session is None:
        return False
    stored.seen(db, session.id, now, now + days * DAY_S, cookie_set=True)
    return True


def forget_cookie(db: Database, token: object) -> None:
    """Sign out the session a cookie holds (the sign-out route, which also deletes the cookie)."""
    if _well_formed(token):
        assert isinstance(token, str)
        stored.end_by_token(db, digest(token))


def _slide(db: Database, session: Session, now: float, days: float) -> None:
    if now - session.last_seen >= SEEN_EVERY_S:
        stored.seen(db, session.id, now, now + days * DAY_S)


def end(db: Database, user: User, session_id: int) -> bool:
    """Sign out one of `user`'s sessions, at once, wherever its cookie is."""
    return stored.end(db, user.id, session_id)


def end_all(db: Database, user: User, keep: int | None = None) -> int:
    """Sign out every session of `user` (but `keep`); how many ended."""
    return stored.end_all(db, user.id, keep)


def places(db: Database, user: User, now: float) -> list[Session]:
    """Where `user` is signed in, the most recently seen first."""
    return stored.for_user(db, user.id, now)


# -- the browser, as Settings names it --------------------------------------------------

_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser/", "Samsung Internet"), ("Firefox/", "Firefox"),
             ("FxiOS/", "Firefox"), ("CriOS/", "Chrome"), ("Chromium/", "Chromium"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari"))
_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("CrOS", "ChromeOS"),
            ("Windows", "Windows"), ("Mac OS X", "macOS"), ("Macintosh", "macOS"), ("Linux", "Linux"))


def clean_browser(user_agent: str | None) -> str:
    """The User-Agent as kept: printable and short (it is whatever the client sent)."""
    text = "".join(ch for ch in (user_agent or "") if ch.isprintable())
    return text[:200]


def browser_label(user_agent: str) -> str:
    """'Chrome on Android', from a User-Agent; 'A browser' when it says nothing we know."""
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), None)
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or (f"A browser on {system}" if system else "A browser")
