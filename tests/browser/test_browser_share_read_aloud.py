"""Read aloud on a share link's page in a real Chromium on a 390 px phone, with the Reader test's
recording speechSynthesis stub: the page's exact words, the light moving, and "Read the whole
book" turning the pages in place (no navigation: the URL changes by replaceState) to "The End".
With JavaScript off the page still shows its words; the page's CSP refuses nothing it needs.
"""

from __future__ import annotations

import re

import pytest

from storymaker import accounts, books
from storymaker.config import Settings
from storymaker.engine import Engine
from storymaker.services import sharing
from tests.conftest import make_book, wait_until

from .support import ARGS, CHROMIUM, SHOTS, data_dir  # skips without Chromium
from .test_browser_read_aloud import STUB

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from playwright.sync_api import expect, sync_playwright  # noqa: E402

TITLE = "The Lighthouse Cat"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def shared_book(tmp_path) -> tuple[str, list[books.SceneRow]]:
    """A finished four-page book, made here with the offline models, and a live link's token."""
    engine = Engine(Settings(provider="offline", data_dir=data_dir(tmp_path)))
    owner = accounts.get_or_create(engine.db(), "nana")
    book_id = make_book(engine, owner.id, title=TITLE, scenes=4)
    wait_until(lambda: books.get_any(engine.db(), book_id).status == books.READY, timeout=120, what="the book")
    _, token = sharing.create(engine, owner.id, book_id, "In 7 days")
    return token, books.scene_rows(engine.db(), book_id)


def spoken(page) -> list[str]:
    return [said["text"] for said in page.evaluate("window.__spoken")]


def test_read_aloud_on_a_share_link_reads_the_whole_book_in_place(server, tmp_path):
    token, rows = shared_book(tmp_path)
    url = f"{server}/read/{token}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(**PHONE)
        page = context.new_page()
        refused: list[str] = []  # anything the CSP blocked, and any script error
        page.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: refused.append(str(error)))
        page.add_init_script(STUB)
        try:
            # A page: exactly its words are spoken, and the light moves across them; Stop stops.
            page.goto(f"{url}?page=1")
            words = page.locator("main .words")
            expect(page.get_by_role("button", name="Read aloud")).to_be_enabled()
            assert words.inner_text().split() == rows[0].scene.text.split()
            page.get_by_role("button", name="Read aloud").click()
            lit = page.locator(".sm-word.sm-now")
            expect(lit).to_have_count(1, timeout=5_000)
            first = lit.inner_text()
            expect(lit).not_to_have_text(first, timeout=5_000)
            page.get_by_role("button", name="Stop").click()
            expect(lit).to_have_count(0)
            assert spoken(page) == [rows[0].scene.text]
            page.screenshot(path=SHOTS / "share-read-aloud.png", full_page=True)

            # The whole book from the cover: the title, then page after page, all in this one document.
            page.goto(url)
            page.evaluate("window.__spoken.length = 0; window.__sameDocument = true")
            page.get_by_role("button", name="Read the whole book").click()
            page.wait_for_function("() => location.search === '?page=2'", timeout=30_000)
            page.wait_for_function("() => window.__spoken.length >= 3", timeout=30_000)  # (functions: the CSP allows no eval)
            assert spoken(page)[:3] == [TITLE, rows[0].scene.text, rows[1].scene.text]
            assert page.evaluate("window.__sameDocument") is True  # no navigation happened
            expect(page.locator("h2")).to_have_text(rows[1].scene.title)
            expect(page.get_by_text("Page 2 of 4")).to_be_visible()
            assert "/picture/2?v=" in (page.locator("figure img").get_attribute("src") or "")
            expect(page.locator("figure img")).to_have_js_property("complete", True)
            assert page.locator("figure img").evaluate("img => img.naturalWidth") > 0
            assert page.get_by_role("link", name="Next ›").get_attribute("href") == "?page=3"
            assert page.title() == f"{rows[1].scene.title} · {TITLE}"
            page.screenshot(path=SHOTS / "share-read-aloud-page-2.png", full_page=True)

            # On to the last page and "The End", still without a navigation.
            expect(page.get_by_role("status")).to_have_text("The End.", timeout=30_000)
            assert page.evaluate("location.search") == "?page=4" and page.evaluate("window.__sameDocument") is True
            assert spoken(page) == [TITLE] + [row.scene.text for row in rows]
            expect(page.get_by_text("The End", exact=True)).to_be_visible()
            expect(page.get_by_role("link", name="Back to the cover")).to_have_attribute("href", "?page=0")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the controls wrap
            for name in ("Read aloud", "Read the whole book", "Pause", "Stop"):
                box = page.get_by_role("button", name=name).bounding_box()
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390

            # The address it ended on is a real page: a reload shows page 4.
            page.reload()
            expect(page.get_by_text("Page 4 of 4")).to_be_visible()
            assert not refused, refused
        except Exception:
            page.screenshot(path=SHOTS / "share-read-aloud-failed.png", full_page=True)
            raise
        finally:
            context.close()

        # With JavaScript off: the words are on the page, and no controls that could do nothing.
        plain = browser.new_context(java_script_enabled=False, **PHONE)
        try:
            still = plain.new_page()
            still.goto(f"{url}?page=1")
            expect(still.locator("h2")).to_have_text(rows[0].scene.title)
            assert still.locator("main .words").inner_text().split() == rows[0].scene.text.split()
            expect(still.get_by_role("button")).to_have_count(0)
            assert re.search(r"Page 1 of 4", still.content())
        finally:
            plain.close()
            browser.close()
