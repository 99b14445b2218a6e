"""A row's Regenerate with a slow picture model, in Chromium, with the app on the fake OpenAI-compatible
server: the click does not wait for a model that takes its time; the redraw's progress shows under the
grid, the new picture replaces the old in its row when it comes, and the grid never moves.

The grid is a canvas: the cell is clicked by position and its thumbnail read from the screenshot's
pixels (as in test_browser_studio.py). Skipped without Playwright or Chromium.
"""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image, ImageStat

from app_ui import grid as grid_ui

from .support import SHOTS, idle, opened, sign_up  # skips without Chromium
from .test_browser_studio import HEADER_PX, WIDTHS, column_x

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from playwright.sync_api import expect  # noqa: E402


def test_a_slow_models_redraw_shows_progress_under_the_grid_then_the_new_picture(compatible_server, fake):
    with opened(compatible_server, "redraw-slow-failed.png", width=1280, height=1000) as page:
        sign_up(page, "ada")
        page.get_by_role("button", name="Make a sample book").click()
        expect(page.get_by_text("Ready").first).to_be_visible(timeout=120_000)
        idle(page)
        page.get_by_role("link", name="Continue in the Studio").first.click()
        expect(page.get_by_role("heading", name="Pages")).to_be_visible(timeout=30_000)
        idle(page)
        editor = page.locator("[data-testid='stDataFrame']")
        box = editor.bounding_box()
        row_y = box["y"] + HEADER_PX + grid_ui.ROW_HEIGHT * 1.5  # row 2

        def colour() -> tuple[float, ...]:
            half = WIDTHS["picture"] / 2 - 12
            shot = page.screenshot(clip={"x": box["x"] + column_x("picture") - half, "y": row_y - half,
                                         "width": 2 * half, "height": 2 * half})
            return tuple(ImageStat.Stat(Image.open(io.BytesIO(shot)).convert("RGB")).mean)

        def same(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
            return max(abs(x - y) for x, y in zip(a, b, strict=True)) < 12  # a selected row's tint, not another picture

        before = colour()
        held = fake.hold("images")  # the model takes its time until the test lets it answer
        page.mouse.click(box["x"] + column_x("regenerate"), row_y)
        progress = page.get_by_text("Redrawing page 2").and_(page.locator("p"))
        expect(progress.first).to_be_visible(timeout=30_000)  # the click did not wait for the picture
        assert editor.bounding_box()["y"] == box["y"], "the progress moved the grid"
        page.screenshot(path=SHOTS / "redraw-slow-progress.png", full_page=True)
        assert same(colour(), before)  # the old picture stays until the new one comes

        held.set()
        expect(progress).to_have_count(0, timeout=60_000)
        idle(page)
        deadline = time.monotonic() + 30
        while same(colour(), before):  # the row's thumbnail is the new picture (another colour)
            assert time.monotonic() < deadline, "row 2 still shows the old picture"
            page.wait_for_timeout(100)
        assert editor.bounding_box()["y"] == box["y"]
