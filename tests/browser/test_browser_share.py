"""A share link in a real Chromium: the owner makes a link from My Books; a fresh browser (no
cookies, no account) on a 390 px phone opens it and pages through the whole book to "The End";
after Revoke the same address says "This link no longer works."

Skipped when Playwright or Chromium is missing; screenshots go to tests/screenshots/.
"""

from __future__ import annotations

import re

import pytest

from app_web import share
from .support import SHOTS, idle, opened, settle, sign_up  # skips without Chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from playwright.sync_api import expect  # noqa: E402

LINK = re.compile(r"^https?://[^/]+/read/[A-Za-z0-9_-]{43}$")


def test_a_share_link_is_read_on_a_phone_without_an_account_until_revoked(server):
    with opened(server, "share-failed.png", width=1280, height=900) as page:
        sign_up(page, "nana")
        page.get_by_role("button", name="Make a sample book").click()
        expect(page.get_by_text("Ready")).to_be_visible(timeout=120_000)  # the fragment polls
        idle(page)

        page.get_by_role("button", name="Share").click()
        dialog = page.get_by_role("dialog")
        expect(dialog.get_by_text("has no share links yet")).to_be_visible(timeout=30_000)
        dialog.get_by_role("button", name="Make a link").click()
        code = dialog.locator("[data-testid='stCode'] code")
        expect(code).to_have_count(1, timeout=30_000)
        url = code.inner_text().strip()
        assert LINK.match(url), url
        page.screenshot(path=SHOTS / "share-1-dialog.png")

        reader = page.context.browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                                  has_touch=True)
        try:
            phone = reader.new_page()
            assert reader.cookies() == []
            read_the_whole_book(phone, url)

            page.keyboard.press("Escape")  # close the dialog and open it again: the count is read anew
            expect(dialog).to_have_count(0, timeout=30_000)
            settle(page)
            page.get_by_role("button", name="Share").click()
            expect(dialog.get_by_text(re.compile("opened once"))).to_be_visible(timeout=30_000)  # the cover, once
        finally:
            reader.close()

        dialog.get_by_role("button", name="Revoke").click()
        settle(page)
        expect(dialog.get_by_text("has no share links yet")).to_be_visible(timeout=30_000)

        stranger = page.context.browser.new_context(viewport={"width": 390, "height": 844})
        try:
            after = stranger.new_page()
            answer = after.goto(url)
            assert answer is not None and answer.status == 404
            expect(after.get_by_text("This link no longer works.")).to_be_visible()
            assert "Lighthouse" not in after.content()
        finally:
            stranger.close()


def read_the_whole_book(phone, url: str) -> None:
    answer = phone.goto(url)
    assert answer is not None and answer.status == 200
    title = phone.locator("h1")
    expect(title).to_be_visible()
    content = phone.content()
    assert not re.search(r"Studio|My Books|Sign out", content)  # the book and nothing else
    # No script but the read-aloud player (from this origin) and its data (a JSON block, never run).
    assert {tag for tag in re.findall(r"<script[^>]*>", content)} == {
        f'<script src="{share._PLAYER_URL}" defer="">', '<script type="application/json" id="read-aloud-data">'}
    shown(phone, "share-2-cover")
    phone.get_by_role("link", name="Start reading ›").click()
    number = 1
    while True:
        expect(phone.get_by_text(re.compile(rf"^Page {number} of \d+$"))).to_be_visible()
        shown(phone, f"share-3-page-{number}")
        if phone.get_by_text("The End", exact=True).count():
            break
        phone.get_by_role("link", name="Next ›").click()
        number += 1
        assert number < 20, "the book never ended"
    assert number >= 4
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390  # nothing wider than the phone


def shown(phone, name: str) -> None:
    """The page's picture loaded (not a broken image), and a screenshot of what the reader saw."""
    picture = phone.locator("figure img")
    expect(picture).to_be_visible()
    # (A function, not a string: the page's CSP allows no eval, which Playwright's string predicates use.)
    expect(picture).to_have_js_property("complete", True)
    assert picture.evaluate("img => img.naturalWidth") > 0
    phone.screenshot(path=SHOTS / f"{name}.png", full_page=True)
