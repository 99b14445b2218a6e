"""A draft in a real Chromium: an edit typed in the Studio grid and not saved is offered back
after a reload (the browser stays signed in) and on another device (a second browser context,
signed in as the same person), and Keep lays it into that grid. Skipped when Playwright or Chromium is missing."""

from __future__ import annotations

import time

import pytest

from app_ui import grid as grid_ui
from storymaker import accounts, characters
from storymaker.books import BookOptions
from storymaker.config import Settings
from storymaker.data import drafts as draft_rows
from storymaker.engine import Engine
from storymaker.runner import Runner
from storymaker.services import studio

from .support import SHOTS, data_dir, fill, idle, opened, settle, sign_up
from .test_browser_studio import HEADER_PX, column_x

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from playwright.sync_api import expect  # noqa: E402

EDITED = "Mia found a silver key under the moonlit garden gate."


def test_an_unsaved_edit_survives_a_reload_and_is_offered_on_another_device(server, tmp_path):
    engine = Engine(Settings(provider="offline", data_dir=data_dir(tmp_path)))
    with opened(server, "drafts-failed.png", width=1280, height=1000) as page:
        sign_up(page, "nora")
        nora = accounts.get_or_create(engine.db(), "nora")
        cast = [characters.create(engine.db(), nora.id, "Mia", "a curious girl with red boots").id]
        book_id = studio.start_book(engine, nora.id, BookOptions("The Moon Garden", scene_count=4), cast)
        Runner(engine).run_until_idle()  # the offline models, in this process

        open_in_studio(page)
        edit_text(page, 2, EDITED)
        expect(page.get_by_text("Unsaved edits on page 2")).to_be_visible(timeout=30_000)
        deadline = time.monotonic() + 30
        while draft_rows.find(engine.db(), nora.id, book_id) != {2: {"text": EDITED}}:
            assert time.monotonic() < deadline, "the edit was not kept on the server"
            page.wait_for_timeout(100)  # polling the database, not waiting for a fixed time
        page.screenshot(path=SHOTS / "drafts-1-first-device.png", full_page=True)

        # A reload: the browser is still signed in (its cookie), and the Studio offers the edit back.
        page.reload()
        expect(page.get_by_role("heading", name="Pages")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("You have unsaved edits on page 2,")).to_be_visible(timeout=30_000)
        expect(page.get_by_role("tab", name="Sign in")).to_have_count(0)

        other = page.context.browser.new_context(viewport={"width": 1280, "height": 1000})  # another device
        second = other.new_page()
        try:
            second.goto(server)
            fill(second, "Username", "nora")
            fill(second, "Password", "correct horse")
            second.get_by_role("button", name="Sign in", exact=True).click()
            open_in_studio(second)
            expect(second.get_by_text("You have unsaved edits on page 2,")).to_be_visible(timeout=30_000)
            second.screenshot(path=SHOTS / "drafts-2-offered.png", full_page=True)
            second.get_by_role("button", name="Keep", exact=True).click()
            expect(second.get_by_text("Unsaved edits on page 2")).to_be_visible(timeout=30_000)
            expect(second.get_by_text("You have unsaved edits on")).to_have_count(0)
            expect(second.locator("[data-testid='stException']")).to_have_count(0)
            assert cell_text(second, 2) == EDITED  # the edit is in this device's grid
            second.screenshot(path=SHOTS / "drafts-3-kept.png", full_page=True)
        except Exception:
            second.screenshot(path=SHOTS / "drafts-second-failed.png", full_page=True)
            raise
        finally:
            other.close()


def open_in_studio(page) -> None:
    page.get_by_role("link", name="My Books").first.click()
    settle(page)
    page.get_by_role("link", name="Continue in the Studio").click()
    expect(page.get_by_role("heading", name="Pages")).to_be_visible(timeout=30_000)
    idle(page)


def open_cell(page, row: int):
    """Open the text cell of `row` for editing; the cell's editor (a textarea)."""
    idle(page)
    box = page.locator("[data-testid='stDataFrame']").bounding_box()
    page.mouse.click(box["x"] + column_x("title"), box["y"] + HEADER_PX + grid_ui.ROW_HEIGHT * (row - 0.5))
    page.wait_for_function("document.activeElement?.getAttribute('data-testid') === 'data-grid-canvas'")
    page.keyboard.press("ArrowRight")  # title -> text
    page.keyboard.press("Enter")
    editor = page.locator("textarea.gdg-input")
    expect(editor).to_be_visible(timeout=10_000)
    return editor


def edit_text(page, row: int, text: str) -> None:
    editor = open_cell(page, row)
    editor.fill(text)
    editor.press("Enter")
    expect(editor).to_have_count(0)


def cell_text(page, row: int) -> str:
    editor = open_cell(page, row)
    value = editor.input_value()
    page.keyboard.press("Escape")  # leave the cell as it was
    expect(editor).to_have_count(0)
    return value
