"""The served app (background runner, offline models) in a real Chromium when its data goes away:
a made book's folder deleted (the pictures are named as missing and redrawn with one click), then
the whole data folder deleted (the signed-in person is told plainly, signs up again and gets a new
book made by the same running server). No restart, and never a traceback on the page.
"""

from __future__ import annotations

import shutil

import pytest

from storymaker import books, storage
from storymaker.data import open_database

from tests.conftest import wait_until
from tests.peek import sql

from .support import SHOTS, data_dir, opened, settle, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from playwright.sync_api import expect  # noqa: E402

MADE_S = 180_000  # ms: a sample book on the offline painter, on a busy machine


def test_the_app_lives_through_deleted_pictures_and_a_deleted_data_folder(server, tmp_path):
    with opened(server, "resilience-failed.png", width=1280, height=1200) as page:
        journey(page, data_dir(tmp_path))


def journey(page, data) -> None:
    def no_traceback() -> None:
        expect(page.locator("[data-testid='stException']")).to_have_count(0)

    def open_screen(name: str) -> None:
        page.get_by_role("link", name=name).first.click()
        settle(page)

    def make_sample_book() -> None:
        page.get_by_role("button", name="Make a sample book").click()
        expect(page.get_by_text("Ready")).to_be_visible(timeout=MADE_S)  # the shelf polls
        no_traceback()

    sign_up(page, "ada")
    make_sample_book()

    # A made book's folder is deleted: My Books says so and one click draws the pictures again.
    folder = storage.book_dir(data / "storymaker", 1)
    shutil.rmtree(folder)
    open_screen("Characters")  # a rerun in the same session (a reload would sign out)
    open_screen("My Books")
    expect(page.get_by_text("7 pictures are missing.")).to_be_visible(timeout=30_000)
    page.screenshot(path=SHOTS / "resilience-missing.png", full_page=True)
    page.get_by_role("button", name="Redraw missing pictures").click()
    settle(page)
    expect(page.get_by_text("Ready")).to_be_visible(timeout=MADE_S)
    wait_until(lambda: storage.cover_path(folder).is_file() and storage.page_path(folder, 6).is_file(),
               timeout=60, interval=0.1, what="the cover and the pages to be drawn again")
    expect(page.get_by_text("pictures are missing")).to_have_count(0)
    no_traceback()

    # The whole data folder is deleted while the server runs.
    open_screen("Characters")
    shutil.rmtree(data)
    open_screen("My Books")
    expect(page.get_by_text("Your account is no longer in this library")).to_be_visible(timeout=30_000)
    no_traceback()
    page.screenshot(path=SHOTS / "resilience-wiped.png", full_page=True)
    sign_up(page, "ada")  # the recreated library takes the same name again
    make_sample_book()
    database = open_database(data / "storymaker.db")
    assert sql(database, "SELECT status FROM books") == [(books.READY,)]
