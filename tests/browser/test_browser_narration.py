"""Narration by a voice model, end to end in Chromium, with the app on an OpenAI-compatible server
(the fake one in tests/fakes): Make narration in the Studio, a page whose narration failed says
why, the Reader plays the narration with the words lit (not the browser's voice), and so does a
share link's page."""

from __future__ import annotations

import pytest

from storymaker import accounts
from storymaker.config import Settings
from storymaker.engine import Engine
from storymaker.services import books as book_service
from storymaker.services import sharing

from tests.fakes.openai_server import error_body

from .support import SHOTS, data_dir, idle, opened, sign_up  # skips without Chromium
from .test_browser_read_aloud import STUB, spoken

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from playwright.sync_api import expect  # noqa: E402


def lit_word_moves(page) -> None:
    lit = page.locator(".sm-word.sm-now")
    expect(lit).to_have_count(1, timeout=10_000)
    first = lit.inner_text()
    expect(lit).not_to_have_text(first, timeout=10_000)


def test_narration_from_the_studio_to_the_reader_and_a_share_link(compatible_server, fake, tmp_path):
    with opened(compatible_server, "narration.png", width=390, height=900) as page:
        page.add_init_script(STUB)  # a browser voice too, to tell it apart from the narration
        page.reload()
        sign_up(page, "ada")
        page.get_by_role("button", name="Make a sample book").click()
        expect(page.get_by_text("Ready").first).to_be_visible(timeout=120_000)
        idle(page)
        page.get_by_role("link", name="Continue in the Studio").first.click()
        idle(page)

        # The first page to be said (the cover's title) fails at the voice service; the rest are made.
        fake.enqueue("speech", status=400, json=error_body("This voice cannot say that."))
        page.get_by_role("button", name="Make narration").click()
        expect(page.get_by_text("pages narrated by Coral")).to_be_visible(timeout=60_000)
        expect(page.get_by_role("combobox", name="Narrator voice")).to_have_value("Coral")  # never changed by itself
        expect(page.get_by_text("This voice cannot say that.")).to_be_visible()
        expect(page.get_by_text("reads it with the browser's voice instead")).to_be_visible()
        page.screenshot(path=SHOTS / "narration-studio.png", full_page=True)
        said = [r.json["input"] for r in fake.requests_for("speech")]
        assert len(set(said)) == len(said)  # one request a page, none asked twice

        # Which page failed (the first said: two are said at once, so the cover or page 1).
        warning = page.get_by_text("This voice cannot say that.").inner_text()
        failed = 0 if warning.startswith("The cover") else int(warning.split(":")[0].removeprefix("Page "))
        narrated = 1 if failed != 1 else 2
        engine = Engine(Settings(provider="offline", data_dir=data_dir(tmp_path)))
        user = accounts.get_or_create(engine.db(), "ada")
        book = book_service.list_for(engine, user.id, limit=1)[0]

        # The page whose narration failed: the browser's voice reads it.
        page.goto(f"{compatible_server}/reader?book={book.id}&page={failed}")
        idle(page)
        expect(page.locator("select[name=voice]")).to_contain_text("Stub English")
        expect(page.locator("select[name=voice]")).not_to_contain_text("Narrator")
        # A narrated page: the recording plays, with the words lit, and not the browser's voice.
        page.goto(f"{compatible_server}/reader?book={book.id}&page={narrated}")
        expect(page.get_by_text(f"Page {narrated} of")).to_be_visible(timeout=30_000)
        idle(page)
        expect(page.locator("select[name=voice]")).to_contain_text("Narrator (Coral)")
        page.evaluate("window.__spoken.length = 0")
        page.get_by_role("button", name="Read aloud").click()
        lit_word_moves(page)
        assert spoken(page) == []
        page.get_by_role("button", name="Stop").click()
        expect(page.locator(".sm-word.sm-now")).to_have_count(0)

        # A share link's page plays the same narration.
        _, token = sharing.create(engine, user.id, book.id, "Never")
        page.goto(f"{compatible_server}/read/{token}?page={narrated}")
        expect(page.locator("select[name=voice]")).to_contain_text("Narrator (Coral)")
        page.evaluate("window.__spoken.length = 0")
        page.get_by_role("button", name="Read aloud").click()
        lit_word_moves(page)
        assert spoken(page) == []
