"""Remembered sign-ins in a real Chromium: the HttpOnly cookie, a reload and a second tab still
signed in, sign-out ending it for good, and a browser that refuses the cookie told so."""

from __future__ import annotations

import re
import time
import urllib.request
from contextlib import contextmanager

import pytest

from storymaker import data

from tests.peek import value
from .support import ARGS, CHROMIUM, SHOTS, data_dir, idle, sign_up  # skips without Chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from playwright.sync_api import expect  # noqa: E402

COOKIE = "storymaker_sign_in"
NOT_KEPT = "lasts only while this tab is open"


@contextmanager
def opened(server: str, failed: str, *, width: int = 1280, height: int = 900):
    """As support.opened, but in a context of its own, which can open a second tab; when the block
    fails, what the first tab showed is saved as SHOTS/failed."""
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto(server)
        try:
            yield page
        except Exception:
            page.screenshot(path=SHOTS / failed, full_page=True)
            raise
        finally:
            browser.close()


def wait_for_cookie(context, present: bool = True, timeout: float = 30.0) -> dict | None:
    """The sign-in cookie once the page has traded its ticket (or None once it is gone)."""
    deadline = time.monotonic() + timeout
    while True:
        cookie = next((c for c in context.cookies() if c["name"] == COOKIE), None)
        if (cookie is not None) == present:
            return cookie
        if time.monotonic() > deadline:
            raise AssertionError(f"the cookie {COOKIE} {'never came' if present else 'stayed'}")
        time.sleep(0.1)  # polling the browser's jar, not waiting for the app


def signed_in(page) -> None:
    # .first: while a run replaces the page, its last run's heading may still be shown beside the new one.
    expect(page.get_by_text("Your shelf is empty").first).to_be_visible(timeout=30_000)
    expect(page.get_by_role("tab", name="Sign in")).to_have_count(0)


def signed_out(page) -> None:
    expect(page.get_by_role("tab", name="Sign in")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Your shelf is empty")).to_have_count(0)


def sessions_of(tmp_path) -> int:
    db = data.open_database(data_dir(tmp_path) / "storymaker.db")
    return value(db, "SELECT count(*) FROM sessions")


def test_a_sign_in_is_remembered_until_sign_out(server, tmp_path):
    with opened(server, "sign-in-remembered.png", width=1280, height=900) as page:
        sign_up(page, "grace")
        context = page.context
        cookie = wait_for_cookie(context)
        assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
        assert cookie["secure"] is False  # plain http here; over https it is Secure
        assert cookie["expires"] > time.time() + 29 * 86_400
        token = cookie["value"]
        assert token not in page.content()
        idle(page)

        page.reload()
        signed_in(page)
        assert token not in page.content()

        other = context.new_page()  # a second tab of the same browser
        other.goto(server + "/my_books")  # a bookmark: the signed-out stand-in's address, My Books once signed in
        signed_in(other)
        expect(other.get_by_text("Page not found")).to_have_count(0)
        idle(other)

        idle(page)
        page.get_by_role("button", name="Sign out").click()
        signed_out(page)
        wait_for_cookie(context, present=False)
        assert sessions_of(tmp_path) == 0
        idle(page)
        page.reload()
        signed_out(page)

        context.add_cookies([cookie])  # the old value, put back by hand
        page.reload()
        signed_out(page)
        idle(page)

        other.bring_to_front()
        other.get_by_role("link", name="Characters").first.click()  # the other tab's next run
        expect(other.get_by_text("You were signed out")).to_be_visible(timeout=30_000)
        signed_out(other)


def test_a_browser_that_refuses_the_cookie_is_told_and_never_sees_the_token(server):
    with opened(server, "sign-in-no-cookie.png", width=1280, height=900) as page:
        tokens: list[str] = []

        def without_set_cookie(route):
            # The server sets the cookie; this browser drops it, as one that blocks cookies would.
            # (Sent from here, not with route.fetch(), which would store the cookie in the browser.)
            sent = route.request
            request = urllib.request.Request(sent.url, data=sent.post_data_buffer, method="POST", headers={
                "Content-Type": sent.headers["content-type"], "Origin": sent.headers["origin"]})
            with urllib.request.urlopen(request, timeout=30) as response:
                tokens.extend(re.findall(rf"{COOKIE}=([A-Za-z0-9_-]+)", response.headers.get("Set-Cookie", "")))
                route.fulfill(status=response.status, content_type="application/json", body=response.read())

        page.context.route("**/signin/remember", without_set_cookie)
        sign_up(page, "grace")
        expect(page.get_by_text(NOT_KEPT).first).to_be_visible(timeout=30_000)
        assert tokens, "the server was never asked for the cookie"
        assert not [c for c in page.context.cookies() if c["name"] == COOKIE]
        source = page.content()
        assert all(token not in source for token in tokens)
        signed_in(page)  # the tab itself stays signed in
        idle(page)
        page.get_by_role("link", name="Characters").first.click()
        idle(page)
        expect(page.get_by_text(NOT_KEPT).first).to_be_visible()
        page.reload()  # and a reload, with no cookie, starts signed out
        signed_out(page)


def test_a_phone_sized_window_stays_signed_in_on_reload(server):
    with opened(server, "sign-in-narrow.png", width=390, height=844) as page:
        sign_up(page, "grace")
        wait_for_cookie(page.context)
        idle(page)
        page.reload()
        signed_in(page)
