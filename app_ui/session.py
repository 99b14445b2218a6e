"""Who is signed in, and the process-wide Engine and Runner the pages use.

Only the Engine and its background Runner are shared, through st.cache_resource
(one per process and settings). A tab's sign-in is its session row's id and the user in
st.session_state; every run checks the row is still live, so a sign-out anywhere ends it
here too. A tab with no sign-in reads the browser's cookie once (`storymaker.sessions`
says whom it signs in); the browser gets that cookie through app_ui/remember.py. A
person's session API key lives in `storymaker.session_keys`, process memory that is
never written anywhere.
"""

from __future__ import annotations

import functools
import os
import secrets
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import streamlit as st

from storymaker import accounts, session_keys
from storymaker.accounts import User
from storymaker.config import load_settings
from storymaker.engine import Engine
from storymaker.models import keys as model_keys
from storymaker.errors import Busy, StorymakerError
from storymaker.runner import Runner
from storymaker.services import accounts as account_service
from storymaker.services import sessions as session_service
from app_ui.render import md_escape
from app_web.sign_in import COOKIE

# A test and demo setting: jobs run right after they are queued, inside the page
# run, instead of on the background runner. AppTests use it to stay deterministic.
INLINE_ENV = "STORYMAKER_INLINE_JOBS"
USER, DISPLAY, KEY, AFTER_SIGN_IN = "user", "display_name", "openai_key", "after_sign_in"
SIGNED_OUT_AT = "signed_out_at"  # the screen (url path) a signed-out visitor's link pointed at
SIGNED_OUT_NOW = "signed_out_now"  # set by sign_out for the next run, which leaves the last address
SESSION = "session_id"  # the tab's sign-in: its row in the sessions table
COOKIE_READ = "cookie_read"  # this tab has read the browser's cookie (its cookies are fixed at connect)
COOKIE_TASK = "cookie_task"  # what the browser is to do with its cookie next (app_ui/remember.py does it)
REMEMBERED = "cookie_remembered"  # whether the browser kept its cookie, once it was asked to


def inline_jobs() -> bool:
    return os.environ.get(INLINE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


@st.cache_resource(show_spinner=False)
def _shared(settings_repr: str, inline: bool, _settings) -> tuple[Engine, Runner]:
    # Keyed by the settings' repr, which never contains the API key.
    engine = Engine(_settings)
    runner = Runner(engine, work=session_keys.run_job)
    if not inline:
        runner.start()  # daemon threads; they never call st.*
    return engine, runner


def shared() -> tuple[Engine, Runner]:
    """The process-wide engine and runner (raises ConfigError for bad settings)."""
    settings = load_settings()
    return _shared(repr(settings), inline_jobs(), settings)


ACCOUNT_GONE = ("Your account is no longer in this library: its data was reset (the data folder was "
                "emptied or the server started afresh). Sign in or create an account to go on.")
SIGNED_OUT_ELSEWHERE = "You were signed out (here, in another tab or on another device). Sign in to go on."


def current_user() -> User | None:
    """The signed-in user, or None. A tab whose sign-in ended (signed out anywhere, expired, or
    its account gone) is signed out with a notice; a tab with no sign-in is signed in by the
    browser's cookie when it holds a live one."""
    user = st.session_state.get(USER)
    if not isinstance(user, User):
        return _from_cookie()
    base, _ = shared()
    session_id = st.session_state.get(SESSION)
    try:
        if isinstance(session_id, int) and session_service.still_signed_in(base, session_id, user):
            return user
        gone = not account_service.still_exists(base, user)  # e.g. the database was emptied or recreated
    except StorymakerError:
        # The library cannot say just now (busy, or the server unreachable): this run goes on as the
        # tab's person, and the screen's own call says what is wrong; the next run checks again.
        return user
    session_keys.forget(user.id)
    st.session_state.clear()
    st.session_state[COOKIE_READ] = True  # this tab's cookie (if any) belonged to the sign-in that ended
    st.warning(ACCOUNT_GONE if gone else SIGNED_OUT_ELSEWHERE, icon=":material/info:")
    return None


def _from_cookie() -> User | None:
    """Once per tab: the user the browser's cookie signs in, if any."""
    if st.session_state.get(COOKIE_READ):
        return None
    try:
        token = st.context.cookies.get(COOKIE)
    except Exception:  # no request context (a bare script run)
        token = None
    if not token:
        st.session_state[COOKIE_READ] = True
        return None
    base, _ = shared()
    try:
        restored = session_service.restore(base, token)
    except StorymakerError as error:  # tried again on the next run
        st.warning(f"Your sign-in could not be checked just now: {md_escape(error)}", icon=":material/info:")
        return None
    st.session_state[COOKIE_READ] = True
    if restored is None:
        # Forged, expired or signed out (nothing says which). "renew" drops the browser's cookie only
        # if it is still a dead one: another tab may have signed in and given it a new one since.
        schedule_cookie("renew")
        return None
    _start(restored.user, restored.session_id)
    if restored.renew_cookie:
        schedule_cookie("renew")
    return restored.user


def require_user() -> User:
    """The signed-in user; router.py only routes to other pages after sign-in, this is a second lock."""
    user = current_user()
    if user is None:
        st.warning("Please sign in.")
        st.stop()
    return user


def display_name() -> str:
    user = current_user()
    return st.session_state.get(DISPLAY) or (user.username if user else "")


def sign_in(user: User, display: str | None = None) -> None:
    """Sign `user` in to this tab, and have the browser remember it (a new session and its ticket)."""
    # A reader or Studio link opened while signed out is remembered (the screen checks it like any link).
    wanted = {k: str(st.query_params[k])[:20] for k in ("book", "page") if k in st.query_params}
    screen = st.session_state.get(SIGNED_OUT_AT)
    base, _ = shared()
    session_id, ticket = session_service.begin(base, user, _user_agent())
    _start(user, session_id, display)
    schedule_cookie("remember", ticket)
    if "book" in wanted:
        if screen == "studio":
            wanted = {"book": wanted["book"], "screen": "studio"}
        st.session_state[AFTER_SIGN_IN] = wanted


def _start(user: User, session_id: int, display: str | None = None) -> None:
    st.session_state.clear()  # nothing from a previous person carries over
    st.session_state[USER] = user
    st.session_state[SESSION] = session_id
    st.session_state[DISPLAY] = display or _identity_name() or user.username
    st.session_state[COOKIE_READ] = True


def _user_agent() -> str:
    try:
        return st.context.headers.get("User-Agent") or ""
    except Exception:  # no request context (a bare script run)
        return ""


def schedule_cookie(action: str, ticket: str | None = None) -> None:
    """Have the browser 'remember' (with a ticket), 'renew' or 'forget' its cookie on the next run."""
    st.session_state[COOKIE_TASK] = {"action": action, "ticket": ticket, "id": secrets.token_hex(8)}


def not_remembered() -> bool:
    """True once the browser was asked to keep its cookie and did not (cookies blocked)."""
    return st.session_state.get(REMEMBERED) is False


def not_remembered_news() -> bool:
    """True on the first run after the browser did not keep its cookie (to say so where a
    phone, whose sidebar is closed, shows it too)."""
    if not not_remembered() or st.session_state.get("cookie_news_told"):
        return False
    st.session_state["cookie_news_told"] = True
    return True


def session_id() -> int | None:
    """This tab's sign-in (its row in the sessions table)."""
    value = st.session_state.get(SESSION)
    return value if isinstance(value, int) else None


def client_address() -> str:
    """Where this browser connects from, for the sign-in throttle ("" when unknown)."""
    try:
        return client_from(st.context.headers, st.context.ip_address)
    except Exception:  # no request context (a bare script run)
        return ""


def client_from(headers, ip_address: str | None) -> str:
    # Behind a proxy every connection comes from the proxy: the first X-Forwarded-For
    # entry is the browser. A client can forge that header, which only moves its
    # failures to another client key: the per-username throttle still counts them.
    forwarded = (headers.get("X-Forwarded-For") or "") if headers is not None else ""
    first = forwarded.split(",")[0].strip()
    return (first or ip_address or "")[:64]


def sign_out() -> None:
    """End this tab's sign-in everywhere its cookie is used, and drop the cookie."""
    user = current_user()
    if user is not None:
        session_keys.forget(user.id)
        if (ended := session_id()) is not None:
            base, _ = shared()
            session_service.sign_out(base, user, ended)
    st.session_state.clear()
    st.session_state[SIGNED_OUT_NOW] = True
    st.session_state[COOKIE_READ] = True
    schedule_cookie("forget")
    if oidc_configured() and st.user.get("is_logged_in"):
        st.logout()


def signed_out_just_now() -> bool:
    """True once, on the run after sign_out."""
    return bool(st.session_state.pop(SIGNED_OUT_NOW, False))


def engine() -> Engine:
    """The shared engine, its models calling with this session's own API key for the rest of the run."""
    base, _ = shared()
    user = current_user()
    key = st.session_state.get(KEY)
    if user is not None and key:
        session_keys.register(user.id, key)  # refreshes the idle timer
    # Every run sets it, key or none: a script run has its own thread, so no other session sees it.
    model_keys.bind(session_keys.key_for(user.id) if user is not None else None)
    return base


def set_session_key(key: str) -> None:
    """Raises session_keys.BadKey (whose message never repeats the key)."""
    user = require_user()
    key = session_keys.check(key)
    session_keys.register(user.id, key)
    st.session_state[KEY] = key


def forget_session_key() -> None:
    user = current_user()
    if user is not None:
        session_keys.forget(user.id)
    st.session_state.pop(KEY, None)


def has_session_key() -> bool:
    return bool(st.session_state.get(KEY))


def run_queued_jobs() -> None:
    """In inline mode, make what was just queued now; otherwise the background runner does."""
    if inline_jobs():
        _, runner = shared()
        runner.run_until_idle()


def oidc_configured() -> bool:
    """True when `[auth]` (OpenID Connect) is set up in .streamlit/secrets.toml."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def adopt_oidc_identity() -> None:
    """After st.login, sign the person in to the local account tied to their identity."""
    if current_user() is not None or not oidc_configured() or not st.user.get("is_logged_in"):
        return
    base, _ = shared()
    try:
        user = account_service.for_identity(base, str(st.user.get("iss") or ""), str(st.user.get("sub") or ""))
    except accounts.AccountError as error:
        st.error(md_escape(error))
        return
    sign_in(user, _identity_name() or "you")


def _identity_name() -> str | None:
    """The name an OpenID Connect sign-in gives (its local account's name is a code)."""
    if not oidc_configured() or not st.user.get("is_logged_in"):
        return None
    return str(st.user.get("name") or st.user.get("email") or "") or None


@contextmanager
def plain_errors() -> Iterator[None]:
    """Around a screen: any `StorymakerError` a screen did not catch itself is said in plain words
    instead of a traceback, e.g. a library locked too long by another program (`Busy`, from any
    core write) or a book deleted in another tab (`NotFound`); the write changed nothing, and
    what the person typed stays in the widgets. Screens that keep edits elsewhere catch it
    themselves to say so (Save in the Studio)."""
    try:
        yield
    except Busy as error:
        st.error(str(error), icon=":material/hourglass_top:")
    except StorymakerError as error:
        st.error(md_escape(error), icon=":material/error:")


def fragment(**options: Any) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """`st.fragment(**options)` whose `StorymakerError`s read as `plain_errors` says: a fragment's
    own reruns (a polling shelf, say, while the bucket is down) never pass through the screen's."""
    def decorate(body: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(body)
        def plainly(*args: Any, **kwargs: Any) -> None:
            with plain_errors():
                body(*args, **kwargs)
        return st.fragment(**options)(plainly)
    return decorate
