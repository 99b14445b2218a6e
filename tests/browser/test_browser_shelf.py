"""My Books in a real Chromium with a full shelf page: the covers are thumbnails that the browser
fetches only as they near the screen (lazy), from the app's signed addresses, and every one loads
once scrolled to. Skipped without Playwright or Chromium."""

from __future__ import annotations

import shutil

import pytest

from storymaker import accounts, books, characters, storage
from storymaker.books import BookOptions, CharacterLook
from storymaker.config import Settings
from storymaker.engine import Engine
from storymaker.runner import Runner
from storymaker.services import library, studio

from .support import data_dir, fill, idle, opened

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from playwright.sync_api import expect  # noqa: E402

COVERS = "[data-testid='stMain'] img[loading='lazy']"


def a_full_shelf(tmp_path) -> int:
    """Lena's first shelf page full of ready books (copies of one made book's folder); how many."""
    engine = Engine(Settings(provider="offline", data_dir=data_dir(tmp_path)))
    lena = accounts.sign_up(engine.db(), "lena", "correct horse")
    cast = [characters.create(engine.db(), lena.id, "Mia", "a curious girl with red boots").id]
    made = studio.start_book(engine, lena.id, BookOptions("The Moon Garden", scene_count=4), cast)
    Runner(engine).run_until_idle()
    for n in range(library.PER_PAGE - 1):
        copy = books.create(engine.db(), lena.id, BookOptions(f"Shelf book {n:02d}"), [(None, CharacterLook("Mia"), None)])
        books.set_status(engine.db(), copy, books.READY)
        shutil.copytree(storage.book_dir(engine.books_dir, made), storage.book_dir(engine.books_dir, copy))
    return library.PER_PAGE


def loaded(page) -> list[int]:
    return page.locator(COVERS).evaluate_all("imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")


def test_my_books_fetches_only_the_covers_in_view_then_the_rest_as_they_come(server, tmp_path):
    cards = a_full_shelf(tmp_path)
    with opened(server, "shelf-lazy-failed.png", width=1280, height=900) as page:
        fill(page, "Username", "lena")
        fill(page, "Password", "correct horse")
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page.locator(COVERS)).to_have_count(cards, timeout=30_000)
        idle(page)
        page.wait_for_function(f"""[...document.querySelectorAll("{COVERS}")].slice(0, 3)
                                   .every(i => i.complete && i.naturalWidth > 0)""", timeout=30_000)
        first_screen = [width for width in loaded(page) if width]
        assert first_screen and set(first_screen) == {storage.THUMB_PX}  # thumbnails, not whole covers
        assert len(first_screen) < cards, "every cover was fetched, not only those near the screen"
        assert page.locator(COVERS).first.get_attribute("src").startswith("/pictures/")

        page.locator(COVERS).last.scroll_into_view_if_needed()
        page.wait_for_function(f"""[...document.querySelectorAll("{COVERS}")]
                                   .every(i => i.complete && i.naturalWidth > 0)""", timeout=30_000)
        assert set(loaded(page)) == {storage.THUMB_PX}
