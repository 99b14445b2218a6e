"""Takes in a real Chromium: open a redrawn page, pick its older take, and see the grid's
thumbnail change back; the takes fit a phone's 390 px.

The grid is a canvas: its cells are clicked by position and a thumbnail read from the
screenshot's pixels (as in test_browser_studio.py). Skipped without Playwright or Chromium.
"""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from app_ui import grid as grid_ui
from storymaker import accounts, characters
from storymaker.books import BookOptions
from storymaker.config import Settings
from storymaker.engine import Engine
from storymaker.files import layout
from storymaker.runner import Runner
from storymaker.services import studio
from storymaker.services import takes as take_service

from .support import SHOTS, data_dir, fill, idle, opened, settle
from .test_browser_studio import HEADER_PX, WIDTHS, column_x

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from playwright.sync_api import expect  # noqa: E402


def a_made_book(tmp_path):
    """Lena's four-page book, made offline in the server's data folder."""
    engine = Engine(Settings(provider="offline", data_dir=data_dir(tmp_path)))
    lena = accounts.sign_up(engine.db(), "lena", "correct horse")
    cast = [characters.create(engine.db(), lena.id, "Mia", "a curious girl with red boots").id]
    book_id = studio.start_book(engine, lena.id, BookOptions("The Moon Garden", scene_count=4), cast)
    Runner(engine).run_until_idle()
    return engine, lena, book_id


def book_with_two_takes(tmp_path):
    engine, lena, book_id = a_made_book(tmp_path)
    studio.regenerate_page(engine, lena.id, book_id, 2, "at night")
    Runner(engine).run_until_idle()
    return engine, lena, book_id


def sign_in_to_the_studio(page) -> None:
    fill(page, "Username", "lena")
    fill(page, "Password", "correct horse")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("link", name="Continue in the Studio").click()
    expect(page.get_by_role("heading", name="Pages")).to_be_visible(timeout=30_000)
    idle(page)


@pytest.mark.parametrize("width", [1280, 390])
def test_an_older_take_brings_the_grid_thumbnail_back(server, tmp_path, width):
    engine, lena, book_id = book_with_two_takes(tmp_path)
    first, second = take_service.of_page(engine, lena.id, book_id, 2)
    with opened(server, f"takes-{width}-failed.png", width=width, height=1000) as page:
        sign_in_to_the_studio(page)
        editor = page.locator("[data-testid='stDataFrame']")

        def cell(column: str, row: int) -> tuple[float, float]:
            box = editor.bounding_box()
            return box["x"] + column_x(column), box["y"] + HEADER_PX + grid_ui.ROW_HEIGHT * (row - 0.5)

        def thumbnail() -> bytes:
            x, y = cell("picture", 2)
            half_w, half_h = WIDTHS["picture"] / 2 - 8, grid_ui.ROW_HEIGHT / 2 - 6
            shot = page.screenshot(clip={"x": x - half_w, "y": y - half_h, "width": 2 * half_w, "height": 2 * half_h})
            return Image.open(io.BytesIO(shot)).convert("RGB").tobytes()

        night = thumbnail()
        page.mouse.click(*cell("open", 2))
        dialog = page.get_by_role("dialog")
        expect(dialog.get_by_text("Take 2 · shown")).to_be_visible(timeout=30_000)
        use = dialog.get_by_role("button", name="Use this take")
        expect(use).to_have_count(1)
        use.scroll_into_view_if_needed()
        box = use.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"Use this take is off screen at {width} px"
        page.screenshot(path=SHOTS / f"takes-{width}-dialog.png", full_page=True)
        use.click()
        settle(page)
        expect(dialog.get_by_text("Take 1 · shown")).to_be_visible(timeout=30_000)
        assert engine.store.get(layout.page_key(book_id, 2)) == engine.store.get(layout.take_key(book_id, first.id))
        dialog.get_by_label("Close").click()
        expect(page.get_by_role("dialog")).to_have_count(0, timeout=30_000)
        idle(page)
        deadline = time.monotonic() + 30
        while thumbnail() == night:  # the grid's thumbnail is take 1's again
            assert time.monotonic() < deadline, "row 2's picture did not change back on screen"
            page.wait_for_timeout(200)
        page.screenshot(path=SHOTS / f"takes-{width}-grid.png", full_page=True)
    assert [t.current for t in take_service.of_page(engine, lena.id, book_id, 2)] == [True, False]
    assert second.note == "at night"
