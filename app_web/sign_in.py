"""The cookie routes: how a sign-in made in a script run reaches the browser as a cookie.

A script run cannot set cookies, so the signed-in page posts its single-use ticket here
(`/signin/remember`); the route spends it, makes the token and sets the cookie. The
cookie is HttpOnly (no script can read it), SameSite=Lax, Path=/, and Secure whenever the
browser reached the app over https (directly or through a proxy that says so).

Every state-changing route takes POST with a JSON body from this app's own pages only:
the Origin must name the host the request came to, and a JSON body cannot be sent
cross-site without a CORS preflight, which these routes never grant. Whatever is wrong
(no such ticket, a spent one, a forged cookie, a database that is down) answers the same
way, as "not remembered"; nothing says why, and no token or ticket is ever logged.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Callable
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from storymaker.config import load_settings
from storymaker.engine import Engine
from storymaker.errors import StorymakerError
from storymaker.services import sessions

COOKIE = "storymaker_sign_in"
PREFIX = "/signin"
log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=4)
def _engine(settings_repr: str, _settings: Any) -> Engine:
    return Engine(_settings)


def engine() -> Engine:
    settings = load_settings()
    return _engine(repr(settings), settings)


def _https(request: Request) -> bool:
    # Behind a proxy that ends TLS the app sees http; the proxy says what the browser used.
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def _same_origin(request: Request, public_url: str | None = None) -> bool:
    """The request comes from a page of this app: its Origin names the host it was sent to, or the
    app's public address (STORYMAKER_PUBLIC_URL, for a proxy that sends neither Host nor
    X-Forwarded-Host as the browser saw them)."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return False
    hosts = {request.headers.get("host", "").lower()}
    hosts |= {h.strip().lower() for h in request.headers.get("x-forwarded-host", "").split(",") if h.strip()}
    if public_url:
        hosts.add(urlsplit(public_url).netloc.lower())
    return urlsplit(origin).netloc.lower() in hosts - {""}


def _answer(ok: bool) -> JSONResponse:
    response = JSONResponse({"ok": ok})
    response.headers["Cache-Control"] = "no-store"
    return response


def _set_cookie(response: Response, request: Request, token: str, days: float) -> None:
    response.set_cookie(COOKIE, token, max_age=int(days * 86_400), path="/", httponly=True, samesite="lax",
                        secure=_https(request))


def _drop_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=_https(request))


async def _json_body(request: Request) -> dict[str, Any]:
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        return {}
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


async def _quietly(work: Callable[[], Any], fallback: Any) -> Any:
    """Run a database step off the event loop; a fault reads as `fallback`, logged without secrets."""
    try:
        return await run_in_threadpool(work)
    except StorymakerError as error:
        log.warning("sign-in route: %s", type(error).__name__)
        return fallback


async def remember(request: Request) -> Response:
    """Trade a ticket for the cookie."""
    service = engine()
    if not _same_origin(request, service.settings.public_url):
        return _answer(False)
    ticket = (await _json_body(request)).get("ticket")
    token = await _quietly(lambda: sessions.trade_ticket(service, ticket), None)
    if token is None:
        return _answer(False)
    response = _answer(True)
    _set_cookie(response, request, token, service.settings.sign_in_days)
    return response


async def renew(request: Request) -> Response:
    """Give the browser its cookie again (a new Max-Age), or drop it when it no longer signs anyone in."""
    service = engine()
    if not _same_origin(request, service.settings.public_url):
        return _answer(False)
    token = request.cookies.get(COOKIE)
    ok = bool(token) and await _quietly(lambda: sessions.renew_cookie(service, token), False)
    response = _answer(ok)
    if ok and token:
        _set_cookie(response, request, token, service.settings.sign_in_days)
    else:
        _drop_cookie(response, request)
    return response


async def forget(request: Request) -> Response:
    """Sign out the session this browser's cookie holds, and drop the cookie."""
    service = engine()
    if not _same_origin(request, service.settings.public_url):
        return _answer(False)
    token = request.cookies.get(COOKIE)
    if token:
        await _quietly(lambda: sessions.forget_cookie(service, token), None)
    response = _answer(True)
    _drop_cookie(response, request)
    return response


async def check(request: Request) -> Response:
    """Whether this browser sent a cookie that signs someone in (after `remember`: whether the
    browser kept it). It says nothing more, and answers no other site's pages."""
    token = request.cookies.get(COOKIE)
    service = engine()
    restored = bool(token) and await _quietly(lambda: sessions.restore(service, token) is not None, False)
    response = JSONResponse({"remembered": restored})
    response.headers["Cache-Control"] = "no-store"
    return response


routes = [
    Route(f"{PREFIX}/remember", remember, methods=["POST"]),
    Route(f"{PREFIX}/renew", renew, methods=["POST"]),
    Route(f"{PREFIX}/forget", forget, methods=["POST"]),
    Route(f"{PREFIX}/check", check, methods=["GET"]),
]
