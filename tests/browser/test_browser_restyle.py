"""Restyle in a real Chromium: the sample book, drawn offline, restyled in Crayon on the app's own
background runner until every thumbnail in the grid changed, then switched back to Watercolour at
once and the thumbnails are the old ones again; the style control and the cover's takes fit a
phone's 390 px.

The grid is a canvas: a thumbnail is read from the screenshot's pixels (as in test_browser_studio.py).
Skipped without Playwright or Chromium.
"""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image, ImageChops, ImageStat

from app_ui import grid as grid_ui
from storymaker import accounts
from storymaker.config import Settings
from storymaker.engine import Engine
from storymaker.runner import Runner
from storymaker.services import samples, studio
from storymaker.services import takes as take_service

from .support import SHOTS, data_dir, idle, opened, settle
from .test_browser_studio import HEADER_PX, WIDTHS, column_x
from .test_browser_takes import sign_in_to_the_studio

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from playwright.sync_api import expect  # noqa: E402

PAGES = samples.OPTIONS.scene_count


def sample_book(tmp_path):
    engine = Engine(Settings(provider="offline", data_dir=data_dir(tmp_path)))
    lena = accounts.sign_up(engine.db(), "lena", "correct horse")
    book_id = samples.make_sample_book(engine, lena.id)
    Runner(engine).run_until_idle()
    return engine, lena, book_id


def thumbnails(page) -> list[Image.Image]:
    """Each row's thumbnail as the grid draws it."""
    box = page.locator("[data-testid='stDataFrame']").bounding_box()
    half_w, half_h = WIDTHS["picture"] / 2 - 8, grid_ui.ROW_HEIGHT / 2 - 6
    found = []
    for row in range(1, PAGES + 1):
        x = box["x"] + column_x("picture")
        y = box["y"] + HEADER_PX + grid_ui.ROW_HEIGHT * (row - 0.5)
        shot = page.screenshot(clip={"x": x - half_w, "y": y - half_h, "width": 2 * half_w, "height": 2 * half_h})
        found.append(Image.open(io.BytesIO(shot)).convert("RGB"))
    return found


def difference(a: Image.Image, b: Image.Image) -> float:
    """Mean difference of two thumbnails, 0..255 (the same picture drawn again reads near 0)."""
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def wait_for(page, condition, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        page.wait_for_timeout(300)


def choose_style(page, label: str) -> None:
    page.locator(".st-key-studio_restyle_1 [data-testid='stSelectbox']").click()
    page.get_by_role("option", name=label).click()
    settle(page)


def test_restyle_the_sample_book_and_switch_back(server, tmp_path):
    engine, lena, book_id = sample_book(tmp_path)
    assert book_id == 1  # the control's key names it
    with opened(server, "restyle-failed.png", width=1280, height=1400) as page:
        sign_in_to_the_studio(page)
        watercolour = thumbnails(page)
        choose_style(page, "Crayon")
        page.get_by_role("button", name="Restyle the book").click()
        dialog = page.get_by_role("dialog")
        expect(dialog.get_by_text(f"Redraw {PAGES} pages and the cover in Crayon?")).to_be_visible(timeout=30_000)
        page.screenshot(path=SHOTS / "restyle-confirm.png")
        dialog.get_by_role("button", name="Redraw in Crayon").click()
        expect(page.get_by_role("dialog")).to_have_count(0, timeout=30_000)
        # The app's runner draws each page in the background; the grid follows each one.
        wait_for(page, lambda: all(difference(a, b) > 8 for a, b in zip(thumbnails(page), watercolour, strict=True)),
                 "not every thumbnail changed to its crayon picture")
        expect(page.get_by_text("· Crayon ·")).to_be_visible(timeout=30_000)
        idle(page)
        page.screenshot(path=SHOTS / "restyle-crayon.png", full_page=True)

        choose_style(page, "Watercolour: ready, instant")
        page.get_by_role("button", name="Restyle the book").click()
        settle(page)
        expect(page.get_by_text("The book is in Watercolour")).to_be_visible(timeout=30_000)
        assert page.get_by_role("dialog").count() == 0  # nothing to draw: nothing to confirm
        wait_for(page, lambda: all(difference(a, b) < 4 for a, b in zip(thumbnails(page), watercolour, strict=True)),
                 "the watercolour thumbnails did not come back", timeout=30)
        page.screenshot(path=SHOTS / "restyle-back.png", full_page=True)
    assert studio.progress(engine, lena.id, book_id).book.style == "watercolor"
    cover = take_service.of_page(engine, lena.id, book_id, None)
    assert [(t.style, t.current) for t in cover] == [("watercolor", True), ("crayon", False)]


def test_the_style_control_and_the_cover_takes_fit_a_phone(server, tmp_path):
    engine, lena, book_id = sample_book(tmp_path)
    studio.redraw_cover(engine, lena.id, book_id)
    Runner(engine).run_until_idle()
    width = 390
    with opened(server, "restyle-390-failed.png", width=width, height=900) as page:
        sign_in_to_the_studio(page)
        restyle = page.get_by_role("button", name="Restyle the book")
        restyle.scroll_into_view_if_needed()
        box = restyle.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, "Restyle the book is off screen at 390 px"
        page.screenshot(path=SHOTS / "restyle-390-control.png")
        page.get_by_text("Cover", exact=True).click()
        settle(page)
        use = page.get_by_role("button", name="Use this take")
        expect(use).to_have_count(1, timeout=30_000)
        use.scroll_into_view_if_needed()
        box = use.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, "the cover's Use this take is off screen at 390 px"
        page.screenshot(path=SHOTS / "restyle-390-cover.png", full_page=True)
        use.click()
        settle(page)
        expect(page.get_by_text("The cover now shows take 1.")).to_be_visible(timeout=30_000)
    assert [t.current for t in take_service.of_page(engine, lena.id, book_id, None)] == [True, False]
