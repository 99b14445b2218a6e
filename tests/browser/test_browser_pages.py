"""Pages in a real Chromium: open page 2's preview, Move down, and see the grid's rows and the
Reader follow; the page's actions fit a phone's 390 px.

The grid is a canvas: its cells are clicked by position and thumbnails read from the screenshot's
pixels (as in test_browser_studio.py). Skipped without Playwright or Chromium.
"""

from __future__ import annotations

import io
import re
import time

import pytest
from PIL import Image

from app_ui import grid as grid_ui
from storymaker import books

from .support import SHOTS, idle, opened, settle
from .test_browser_studio import HEADER_PX, WIDTHS, column_x
from .test_browser_takes import a_made_book, sign_in_to_the_studio

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from playwright.sync_api import expect  # noqa: E402


@pytest.mark.parametrize("width", [1280, 390])
def test_moving_a_page_down_reorders_the_grid_and_the_reader(server, tmp_path, width):
    engine, _lena, book_id = a_made_book(tmp_path)
    second, third = (books.get_scene(engine.db(), book_id, n) for n in (2, 3))
    with opened(server, f"pages-{width}-failed.png", width=width, height=1000) as page:
        sign_in_to_the_studio(page)
        editor = page.locator("[data-testid='stDataFrame']")

        def cell(column: str, row: int) -> tuple[float, float]:
            box = editor.bounding_box()  # measured each time: the flash above the grid moves it
            return box["x"] + column_x(column), box["y"] + HEADER_PX + grid_ui.ROW_HEIGHT * (row - 0.5)

        def thumbnail(row: int) -> bytes:
            x, y = cell("picture", row)
            half_w, half_h = WIDTHS["picture"] / 2 - 8, grid_ui.ROW_HEIGHT / 2 - 6
            shot = page.screenshot(clip={"x": x - half_w, "y": y - half_h, "width": 2 * half_w, "height": 2 * half_h})
            return Image.open(io.BytesIO(shot)).convert("RGB").tobytes()

        rows_before = thumbnail(2), thumbnail(3)
        assert rows_before[0] != rows_before[1]
        page.mouse.click(*cell("open", 2))
        dialog = page.get_by_role("dialog")
        move_down = dialog.get_by_role("button", name="Move down")
        expect(move_down).to_be_visible(timeout=30_000)
        for label in ("Move up", "Move down", "Add a page after this one", "Remove this page"):
            button = dialog.get_by_role("button", name=label)
            button.scroll_into_view_if_needed()
            box = button.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{label} is off screen at {width} px"
        page.screenshot(path=SHOTS / f"pages-{width}-dialog.png", full_page=True)
        move_down.click()
        settle(page)
        # The dialog follows the page: it is page 3 now.
        expect(dialog.get_by_role("heading", name=re.compile(r"^3\. "))).to_be_visible(timeout=30_000)
        dialog.get_by_label("Close").click()
        expect(page.get_by_role("dialog")).to_have_count(0, timeout=30_000)
        idle(page)
        deadline = time.monotonic() + 30
        while (thumbnail(2), thumbnail(3)) != (rows_before[1], rows_before[0]):  # the rows' pictures swapped
            assert time.monotonic() < deadline, "rows 2 and 3 did not swap on screen"
            page.wait_for_timeout(200)
        page.screenshot(path=SHOTS / f"pages-{width}-grid.png", full_page=True)

        page.get_by_role("link", name="Read it").click()
        expect(page.get_by_text("Cover", exact=True).last).to_be_visible(timeout=30_000)
        for number in (1, 2):
            idle(page)
            page.get_by_role("button", name="Next").click()
            expect(page).to_have_url(re.compile(rf"[?&]page={number}(&|$)"), timeout=30_000)
        idle(page)
        expect(page.get_by_text("Page 2 of 4")).to_be_visible(timeout=30_000)
        expect(page.get_by_role("heading", name=third.title)).to_be_visible()  # the old page 3, now page 2
        expect(page.locator("[data-testid='stImage'] img")).to_be_visible()
    moved = books.get_scene(engine.db(), book_id, 3)
    assert moved is not None and moved.title == second.title
