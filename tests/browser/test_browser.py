"""The whole journey in a real Chromium: sign up, a character with an avatar, the sample
book made by the background runner, every page read, sign out.

Skipped when Playwright or Chromium is missing. Screenshots go to tests/screenshots/
(git-ignored) so a person can look at what the test saw.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.fakes import pictures
from .support import SHOTS, fill, idle, opened, sign_up  # skips without Chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from playwright.sync_api import expect  # noqa: E402


def test_the_whole_journey(server, tmp_path):
    avatar = tmp_path / "pip.jpg"
    avatar.write_bytes(pictures.jpeg_with_gps())
    with opened(server, "failed.png", width=1280, height=900) as page:
        journey(page, avatar)


def journey(page, avatar: Path) -> None:
    def looked_at(name: str) -> None:
        expect(page.locator("[data-testid='stException']")).to_have_count(0)  # must NOT happen
        page.screenshot(path=SHOTS / f"{name}.png", full_page=True)

    sign_up(page, "grace")
    looked_at("1-empty-shelf")

    page.get_by_role("link", name="Characters").first.click()
    fill(page, "Name", "Pip")
    fill(page, "Look", "a tiny grey cat with a white-tipped tail")
    page.locator("input[type=file]").set_input_files(avatar)
    expect(page.get_by_text("pip.jpg")).to_be_visible(timeout=30_000)  # uploaded before the form is sent
    page.get_by_role("button", name="Create character").click()
    expect(page.get_by_text("Saved Pip.")).to_be_visible(timeout=30_000)
    expect(page.locator("[data-testid='stImage']")).to_have_count(1)
    looked_at("2-characters")

    page.get_by_role("link", name="My Books").first.click()
    page.get_by_role("button", name="Make a sample book").click()
    expect(page.get_by_text("Ready")).to_be_visible(timeout=120_000)  # the fragment polls
    cover = page.locator("[data-testid='stMain'] img[loading='lazy']")  # fetched as it nears the screen
    expect(cover).to_have_count(1)
    expect(cover).to_have_js_property("naturalWidth", 256)  # loaded: the thumbnail, not the whole picture
    looked_at("3-my-books")

    idle(page)  # "Ready" is drawn by the run that also stops the shelf's polling: let it finish
    page.get_by_role("link", name="Read", exact=True).click()
    expect(page.get_by_text("Cover", exact=True).last).to_be_visible(timeout=30_000)
    next_button = page.get_by_role("button", name="Next")
    for number in range(1, 7):
        # A click sent while a run is still going (My Books' last poll, the previous page) can be
        # overtaken by that run's own rerun: click only once the app has finished its run.
        idle(page)
        next_button.click()
        expect(page).to_have_url(re.compile(rf"[?&]page={number}(&|$)"), timeout=30_000)
        idle(page)
        expect(page.get_by_text(f"Page {number} of 6")).to_be_visible(timeout=30_000)
        expect(page.locator("[data-testid='stImage'] img")).to_be_visible()
        looked_at(f"4-reader-page-{number}")
    expect(next_button).to_be_disabled()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("tab", name="Sign in")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("The Lighthouse Cat")).to_have_count(0)  # nothing of the account is left
    expect(page).to_have_url(re.compile(r"^http://[^/]+/?$"), timeout=30_000)  # a clean address: no ?book=
    looked_at("5-signed-out")
    idle(page)
    sign_up(page, "hopper")  # a new account in the same tab starts on its own empty shelf
    expect(page.get_by_text("Book not found.")).to_have_count(0)
