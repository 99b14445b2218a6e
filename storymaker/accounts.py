"""User accounts. Every other noun belongs to exactly one user.

Passwords are hashed with Argon2id (argon2-cffi). Usernames are compared in one
canonical form (NFKC, case folded), and a name that merely looks like an existing or
reserved one (Unicode TR39 confusables) is refused. Failed sign-ins are counted in the
database, per username and per client, and every failure gets the same message, so
the form tells an attacker nothing about which usernames exist.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import time
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .data import Database
from .data import accounts as stored_accounts
from .data import sign_ins
from .data.accounts import User
from .errors import Invalid

MIN_PASSWORD = 8
MAX_PASSWORD = 1024
WRONG_CREDENTIALS = "That username and password do not match an account."
NAME_TAKEN = "That username is taken; choose another."
_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters
# Verified when the user does not exist or has no password, so every path takes as long.
# Its password is random per process, and matching it still signs nobody in.
_DUMMY_PASSWORD = secrets.token_urlsafe(24)
_DUMMY_HASH = _hasher.hash(_DUMMY_PASSWORD)

LOCAL_USER = "local"
# Accounts made for an OpenID Connect identity; nobody can sign up with this prefix.
IDENTITY_PREFIX = "oidc-"


class AccountError(Invalid):
    """Bad account input; the message says what to fix."""


# -- usernames -------------------------------------------------------------------


def canonical_username(username: str) -> str:
    """The form names are compared in: `ÅLICE` and `ålice`, `ａｌｉｃｅ` and `alice` are one name."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", (username or "").strip()).casefold())


@functools.cache
def _look_alikes() -> dict[str, str]:
    """Character -> the character or text it looks like, from Unicode's confusables (TR39).

    confusable-homoglyphs ships Unicode's confusables.txt (as a two-way table) and is kept
    up to date with it; hand-copying that list would go stale. Each of its pairs joins a
    character to its prototype, so the pairs fall into classes of look-alikes; each class
    is written as one of its members.
    """
    from confusable_homoglyphs.utils import load

    parent: dict[str, str] = {}

    def root(ch: str) -> str:
        while parent.get(ch, ch) != ch:
            ch = parent[ch]
        return ch

    expansions: dict[str, str] = {}
    for source, entries in load("confusables.json").items():
        a = source.strip(_BIDI_MARKS)
        for entry in entries:
            b = entry["c"].strip(_BIDI_MARKS)  # right-to-left letters come wrapped in marks
            if len(a) == 1 and len(b) == 1:
                ra, rb = root(a), root(b)
                if ra != rb:
                    keep, drop = sorted((ra, rb), key=_representative_first)
                    parent[drop] = keep
            elif len(a) == 1 and len(b) > 1:
                expansions[a] = b  # a sequence is only ever a prototype (m looks like rn)
    table = {ch: root(ch) for ch in parent}
    for ch, text in expansions.items():
        table[ch] = "".join(table.get(c, c) for c in text)
    return table


_BIDI_MARKS = "\u200e\u200f"


def _representative_first(ch: str) -> tuple[bool, bool, str]:
    # An ASCII letter stands for its class (so `0` is written `O`, which folds to `o`).
    return (not (ch.isascii() and ch.isalpha()), not ch.isascii(), ch)


def skeleton(username: str) -> str:
    """Two names with the same skeleton look alike (Cyrillic `аlice` and `alice`, `a1ice`).

    TR39's skeleton of the canonical name, mapped twice with case folding in between
    because a prototype may be a capital (`0` looks like `O`) while names ignore case.
    """
    table = _look_alikes()
    text = canonical_username(username)
    for _ in range(2):
        text = "".join(table.get(ch, ch) for ch in unicodedata.normalize("NFD", text)).casefold()
    return text


def clean_username(username: str) -> str:
    """The username as stored: NFKC (fullwidth letters become plain ones), trimmed, checked."""
    name = unicodedata.normalize("NFKC", (username or "").strip())
    if not 2 <= len(name) <= 40:
        raise AccountError("A username has 2 to 40 characters.")
    if any(ch.isspace() for ch in name) or not all(ch.isalnum() or ch in "._-@" for ch in name):
        raise AccountError("A username may use letters, digits and . _ - @ (no spaces).")
    return name


def _is_reserved(name: str) -> bool:
    canon, shape = canonical_username(name), skeleton(name)
    return (
        canon == LOCAL_USER
        or canon.startswith(IDENTITY_PREFIX)
        or shape == skeleton(LOCAL_USER)
        or shape.startswith(skeleton(IDENTITY_PREFIX))
    )


def find(db: Database, username: str) -> User | None:
    found = _credentials(db, username)
    return found.user if found else None


def _credentials(db: Database, username: str) -> stored_accounts.Credentials | None:
    name = (username or "").strip()
    return stored_accounts.find(db, name, canonical_username(name))


def _add(db: Database, name: str, password_hash: str | None) -> User | None:
    return stored_accounts.add(db, name, canonical_username(name), skeleton(name), password_hash)


def get_or_create(db: Database, username: str = LOCAL_USER) -> User:
    """The account named `username`, created without a password if new (CLI use)."""
    name = clean_username(username)
    with db.write():
        user = _add(db, name, None) or find(db, name)
    assert user is not None
    return user


# -- passwords -------------------------------------------------------------------


@functools.cache
def _common_passwords() -> frozenset[str]:
    # The 30,000 most common passwords of real breach corpora, as shipped (and kept) by
    # zxcvbn; NIST SP 800-63B asks to refuse passwords found in such lists.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.casefold() for p in FREQUENCY_LISTS["passwords"])


def check_password(password: str, username: str = "") -> None:
    """Raise AccountError saying why this password is refused (NIST SP 800-63B rules)."""
    password = password or ""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Choose a password of at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise AccountError("That password is too long.")
    if not password.strip():
        raise AccountError("A password of only spaces is easy to guess; choose one with letters, digits or symbols.")
    folded = password.casefold()
    if {folded.strip(), "".join(folded.split())} & _common_passwords():
        raise AccountError(
            "That password is one of the most common passwords, which attackers try first; choose another."
        )
    if username and canonical_username(username) in {folded.strip(), "".join(folded.split())}:
        raise AccountError("A password that repeats the username is easy to guess; choose another.")


def sign_up(db: Database, username: str, password: str) -> User:
    name = clean_username(username)
    if _is_reserved(name):
        raise AccountError(NAME_TAKEN)
    check_password(password, name)
    password_hash = _hasher.hash(password)
    with db.write():  # the look-alike check and the insert are one step
        stored_accounts.hold_skeleton(db, skeleton(name))
        if stored_accounts.name_taken(db, name, canonical_username(name)):
            raise AccountError(NAME_TAKEN)
        if stored_accounts.look_alike_taken(db, skeleton(name)):
            raise AccountError("That username looks too much like one already in use; choose another.")
        user = _add(db, name, password_hash)
    if user is None:
        raise AccountError(NAME_TAKEN)
    return user


# -- the sign-in throttle ----------------------------------------------------------

# Per username: a few free tries, then a short wait that stays short, so strangers
# failing against a name cannot keep its owner out for more than a few seconds.
USER_FREE, USER_BASE_S, USER_MAX_S = 3, 0.5, 4.0
# Per client: a few more free tries, then a wait that doubles up to a quarter of an hour.
CLIENT_FREE, CLIENT_BASE_S, CLIENT_MAX_S = 5, 1.0, 900.0
FORGET_S = 3600.0  # failures older than this are forgotten
MAX_ROWS = 10_000  # the table never holds more; the oldest rows go first
_clock = time.time  # replaced in tests


class TooManyAttempts(AccountError):
    def __init__(self, wait_s: float):
        self.wait_s = wait_s
        super().__init__(f"Too many attempts. Wait {_duration(wait_s)} and try again.")


def _duration(seconds: float) -> str:
    if seconds > 90:
        minutes = round(seconds / 60)
        return f"{minutes} minutes"
    whole = max(1, round(seconds))
    return f"{whole} second{'s' if whole > 1 else ''}"


def _wait_s(failures: int, free: int, base_s: float, max_s: float) -> float:
    return 0.0 if failures < free else min(max_s, base_s * 2 ** (failures - free))


def _throttle_keys(canon: str, client: str) -> dict[str, tuple[int, float, float]]:
    return {
        f"user:{canon}": (USER_FREE, USER_BASE_S, USER_MAX_S),
        f"client:{client or 'unknown'}": (CLIENT_FREE, CLIENT_BASE_S, CLIENT_MAX_S),
    }


def _reserve_attempt(db: Database, canon: str, client: str) -> None:
    """Check the waits and count this attempt as a failure, in one write unit.

    Counting before the password is checked is what makes parallel guesses wait their
    turn: the attempt that goes through is undone by `_attempt_succeeded`. The rows are
    locked first, so on PostgreSQL too a parallel attempt sees this one's count.
    """
    keys = _throttle_keys(canon, client)
    with db.write():
        counted = sign_ins.lock(db, list(keys))
        # The time once the rows are ours: read before, a parallel attempt counted meanwhile would be
        # "later than now", a wait of a few milliseconds that refused a free try.
        now = _clock()
        wait = max(
            (row.last_at + _wait_s(row.failures, *keys[key]) - now
             for key, row in counted.items() if row.last_at > now - FORGET_S),
            default=0.0,
        )
        if wait > 0:
            raise TooManyAttempts(wait)
        sign_ins.count_failure(db, list(keys), now, forget_before=now - FORGET_S)
        sign_ins.prune(db, now - FORGET_S, MAX_ROWS)


def _attempt_succeeded(db: Database, canon: str, client: str) -> None:
    user_key, client_key = _throttle_keys(canon, client)
    with db.write():
        sign_ins.forget(db, user_key)
        # Only this attempt is taken back: signing in to one's own account must not
        # wipe the client's failures against other names.
        sign_ins.take_back_one(db, client_key)


def _password_matches(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def sign_in(db: Database, username: str, password: str, client: str = "") -> User:
    """The user, or AccountError with one uniform message for any wrong credential.

    `client` names where the attempt comes from (the app passes the browser's address).
    """
    canon = canonical_username(username)
    _reserve_attempt(db, canon, client)
    found = _credentials(db, username)
    stored = found.password_hash if found and found.password_hash else _DUMMY_HASH
    ok = _password_matches(stored, password or "") and found is not None and found.password_hash is not None
    if not ok or found is None:  # ok implies an account; said again for the type checker
        raise AccountError(WRONG_CREDENTIALS)
    _attempt_succeeded(db, canon, client)
    if _hasher.check_needs_rehash(stored):
        stored_accounts.set_password_hash(db, found.id, _hasher.hash(password))
    return found.user


def for_identity(db: Database, issuer: str, subject: str) -> User:
    """The account for an OpenID Connect identity (issuer + subject), created on first sign-in.

    Its username is derived from the identity and reserved, and it has no password,
    so nobody can take it over by signing up or signing in with a password.
    """
    if not issuer or not subject:
        raise AccountError("The sign-in provider did not say who you are.")
    digest = hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()[:24]
    return get_or_create(db, f"{IDENTITY_PREFIX}{digest}")


def check_new_password(db: Database, user: User, current: str, new: str, client: str = "") -> str:
    """The hash to store for `user`'s new password, once the current one proves it is them
    (counted by the sign-in throttle, so a borrowed unlocked screen cannot be used to guess it)."""
    found = _credentials(db, user.username)
    if found is None or found.id != user.id:
        raise AccountError("Your account is no longer in this library.")
    if found.password_hash is None:
        raise AccountError("Your account signs in through your organisation, so it has no password here to change.")
    try:
        sign_in(db, user.username, current, client=client)
    except TooManyAttempts:
        raise
    except AccountError:
        raise AccountError("That is not your current password.") from None
    if new == current:
        raise AccountError("The new password is the same as the current one; choose another.")
    check_password(new, user.username)
    return _hasher.hash(new)


def set_password_hash(db: Database, user: User, password_hash: str) -> None:
    stored_accounts.set_password_hash(db, user.id, password_hash)
