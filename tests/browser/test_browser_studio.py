"""The Studio in a real Chromium: sign up, two characters, the form, Generate on the
background runner, the progress, the grid with a thumbnail per page, an edit saved, one
page redrawn from its edited row, then the book in My Books and the Reader.

The grid is a canvas: cells are clicked by position (the editor's header and row
heights are known), and "a thumbnail is there" is read from the screenshot's pixels.
Skipped when Playwright or Chromium is missing; screenshots go to tests/screenshots/.
"""

from __future__ import annotations

import io
import re
import time

import pytest
from PIL import Image, ImageStat

from app_ui import grid as grid_ui
from storymaker import accounts, books, characters, storage
from storymaker.data import open_database
from storymaker.services import review, studio
from storymaker.books import BookOptions
from storymaker.config import Settings
from storymaker.engine import Engine
from storymaker.runner import Runner
from storymaker.scenes import parse_csv

from .support import SHOTS, data_dir, fill, idle, opened, settle, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from playwright.sync_api import expect  # noqa: E402

SCENES = 6
HEADER_PX = 36  # the editor's header row
WIDTHS = {"scene": 56, "picture": 90, "open": 70, "regenerate": 116, "title": 200}
NEW_TEXT = "Pip waved at the moon, and the moon winked back."
NEW_PICTURE = "a snowy night on a frozen lake under bright stars, calm"


def column_x(name: str) -> float:
    """The middle of a column, from the grid's left edge (before any horizontal scrolling)."""
    left = 0
    for column in grid_ui.COLUMNS:
        width = WIDTHS.get(column, 0)
        if column == name:
            return left + width / 2
        left += width
    raise KeyError(name)


def test_make_review_and_fix_a_book_in_the_studio(server, tmp_path):
    with opened(server, "studio-failed.png", width=1280, height=1400) as page:
        studio_journey(page, data_dir(tmp_path))


def studio_journey(page, data) -> None:
    def looked_at(name: str) -> None:
        expect(page.locator("[data-testid='stException']")).to_have_count(0)  # must NOT happen
        page.screenshot(path=SHOTS / f"studio-{name}.png", full_page=True)

    sign_up(page, "lena")

    page.get_by_role("link", name="Characters").first.click()
    expect(page.get_by_role("heading", name="Characters")).to_be_visible(timeout=30_000)
    for name, look in (("Mia", "a curious girl with red boots"), ("Pip", "a tiny grey cat with a white tail")):
        idle(page)
        if not page.get_by_role("textbox", name="Name", exact=True).is_visible():
            page.get_by_text("New character").click()  # folded away once there is a character
            settle(page)  # opening it reruns the page
        fill(page, "Name", name)
        fill(page, "Look", look)
        page.get_by_role("button", name="Create character").click()
        expect(page.get_by_text(f"Saved {name}.")).to_be_visible(timeout=30_000)

    # Step 1: the form. Generate with nothing filled in names the missing fields.
    page.get_by_role("link", name="Studio").first.click()
    expect(page.get_by_role("button", name="Generate")).to_be_visible(timeout=30_000)
    idle(page)
    page.get_by_role("button", name="Generate").click()
    expect(page.get_by_text("A book needs a title.")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Choose at least one character.")).to_be_visible()
    # Each field reruns the page when it changes (its message goes once it is fixed): the next
    # step waits for that run to end.
    fill(page, "Title", "The Moon Garden")
    expect(page.get_by_text("A book needs a title.")).to_have_count(0, timeout=30_000)
    idle(page)
    for name in ("Mia", "Pip"):
        page.get_by_role("combobox", name="Characters").click()
        page.get_by_role("option", name=name).click()
        settle(page)
    page.keyboard.press("Escape")
    expect(page.get_by_text("Choose at least one character.")).to_have_count(0, timeout=30_000)
    idle(page)
    # The art style: a click on a painted sample chooses it; so does the keyboard on its button.
    sample = page.locator(".st-key-studio_style_card_paper-cutout img").bounding_box()
    page.mouse.click(sample["x"] + sample["width"] / 2, sample["y"] + sample["height"] / 2)
    expect(page.get_by_role("button", name="Paper cut-out")).to_have_attribute("kind", "primary", timeout=30_000)
    expect(page.get_by_role("button", name="Watercolour")).to_have_attribute("kind", "tertiary")
    idle(page)
    page.get_by_role("button", name="Crayon").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Crayon")).to_have_attribute("kind", "primary", timeout=30_000)
    idle(page)
    scenes = page.get_by_role("spinbutton", name="Number of scenes")
    scenes.fill(str(SCENES))
    scenes.press("Tab")
    settle(page)
    looked_at("1-form")
    page.get_by_role("button", name="Generate").click()

    # Step 2: progress from the polling fragment, then the grid once the book is done.
    # On a quick machine the offline book can be done before a poll shows its progress: either will do.
    progress = page.get_by_text(re.compile("Writing the story|Drawing the pictures"))
    expect(progress.or_(page.get_by_role("heading", name="Pages")).first).to_be_visible(timeout=30_000)
    looked_at("2-progress")
    expect(page.get_by_role("heading", name="Pages")).to_be_visible(timeout=120_000)
    expect(page.get_by_text("Ready").first).to_be_visible(timeout=30_000)
    idle(page)
    assert re.search(r"[?&]book=\d+", page.url)
    book_id = int(re.search(r"book=(\d+)", page.url).group(1))
    editor = page.locator("[data-testid='stDataFrame']")

    def cell(column: str, row: int) -> tuple[float, float]:
        box = editor.bounding_box()  # measured each time: messages above the grid move it
        return box["x"] + column_x(column), box["y"] + HEADER_PX + grid_ui.ROW_HEIGHT * (row - 0.5)

    def picture(row: int) -> Image.Image:
        x, y = cell("picture", row)
        half_w, half_h = WIDTHS["picture"] / 2 - 8, grid_ui.ROW_HEIGHT / 2 - 6
        shot = page.screenshot(clip={"x": x - half_w, "y": y - half_h, "width": 2 * half_w, "height": 2 * half_h})
        return Image.open(io.BytesIO(shot)).convert("RGB")

    for row in range(1, SCENES + 1):  # a real picture in every row, not an empty cell
        assert max(ImageStat.Stat(picture(row)).stddev) > 20, f"row {row} shows no thumbnail"
    looked_at("3-grid")

    def edit(column: str, row: int, text: str) -> None:
        idle(page)
        page.mouse.click(*cell("title", row))  # select a visible cell of the row, then walk to the column
        page.wait_for_function("document.activeElement?.getAttribute('data-testid') === 'data-grid-canvas'")
        for _ in range(list(grid_ui.COLUMNS).index(column) - list(grid_ui.COLUMNS).index("title")):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        box_editor = page.locator("textarea.gdg-input")
        expect(box_editor).to_be_visible(timeout=10_000)
        box_editor.fill(text)
        box_editor.press("Enter")
        expect(box_editor).to_have_count(0)
        scroll_home()

    def scroll_home() -> None:
        box = editor.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.wheel(-5000, 0)

    # Edit one page's words and save them.
    edit("text", 2, NEW_TEXT)
    expect(page.get_by_text("Unsaved edits on page 2")).to_be_visible(timeout=30_000)
    idle(page)
    looked_at("4-unsaved")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved page 2.")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Unsaved edits")).to_have_count(0)
    connection = open_database(data / "storymaker.db")
    assert books.scene_rows(connection, book_id)[1].scene.text == NEW_TEXT
    story = storage.story_path(storage.book_dir(data / "storymaker", book_id)).read_bytes()
    assert parse_csv(story, SCENES, ["Mia", "Pip"])[1].text == NEW_TEXT

    # Regenerate row 3 from its edited illustration: the edit is saved first, the picture changes.
    idle(page)
    edit("illustration", 3, NEW_PICTURE)
    expect(page.get_by_text("Unsaved edits on page 3")).to_be_visible(timeout=30_000)
    idle(page)
    before = picture(3)
    page.mouse.click(*cell("regenerate", 3))
    # The offline painter is quick: the click's own run shows the new take ("Page 3 redrawn"); on a busy
    # machine the job may outlast the click's wait, and the progress shows instead ("Redrawing page 3").
    expect(page.get_by_text(re.compile("Page 3 redrawn|Redrawing page 3")).first).to_be_visible(timeout=30_000)
    deadline = time.monotonic() + 60
    while books.scene_rows(connection, book_id)[2].image_version < 2:
        assert time.monotonic() < deadline, "page 3 was not redrawn"
        page.wait_for_timeout(200)  # polling the database, not waiting for a fixed time
    expect(page.get_by_text("Unsaved edits")).to_have_count(0)
    row = books.scene_rows(connection, book_id)[2]
    assert row.scene.illustration == NEW_PICTURE and row.status == books.DONE
    deadline = time.monotonic() + 30
    while picture(3).tobytes() == before.tobytes():  # the fragment reruns the page; the thumbnail updates in place
        assert time.monotonic() < deadline, "row 3's picture did not change on screen"
        page.wait_for_timeout(200)
    idle(page)
    assert picture(2).tobytes() != picture(3).tobytes()
    looked_at("5-redrawn")

    # The large preview of a page.
    page.mouse.click(*cell("open", 2))
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text(NEW_TEXT)).to_be_visible(timeout=30_000)
    expect(dialog.locator("[data-testid='stImage'] img").first).to_be_visible()  # the page, then its takes
    looked_at("6-preview")
    dialog.get_by_label("Close").click()
    expect(page.get_by_role("dialog")).to_have_count(0, timeout=30_000)

    # The book in My Books, and in the Reader with the saved words.
    page.get_by_role("link", name="My Books").first.click()
    expect(page.get_by_text("The Moon Garden")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Ready").first).to_be_visible()
    expect(page.locator("[data-testid='stMain'] img[loading='lazy']")).to_have_count(1)  # the cover
    looked_at("7-my-books")
    page.get_by_role("link", name="Read", exact=True).click()
    expect(page.get_by_text("Cover", exact=True).last).to_be_visible(timeout=30_000)
    for number in (1, 2):
        page.get_by_role("button", name="Next").click()
        expect(page.get_by_text(f"Page {number} of {SCENES}")).to_be_visible(timeout=30_000)
    expect(page.get_by_text(NEW_TEXT)).to_be_visible()
    looked_at("8-reader")


def test_the_grid_stays_put_while_a_page_is_redrawn_and_the_upload_stays_open(server, tmp_path):
    data = data_dir(tmp_path)
    engine = Engine(Settings(provider="offline", data_dir=data))
    lena = accounts.sign_up(engine.db(), "lena", "correct horse")
    cast = [characters.create(engine.db(), lena.id, "Mia", "a curious girl with red boots").id]
    book_id = studio.start_book(engine, lena.id, BookOptions("The Moon Garden", scene_count=4), cast)
    Runner(engine).run_until_idle()
    story = tmp_path / "story.csv"
    story.write_bytes(review.export_csv(engine, lena.id, book_id))
    with opened(server, "studio-steady-failed.png", width=1280, height=1000) as page:
        grid_and_upload(page, story)


def grid_and_upload(page, story) -> None:
    fill(page, "Username", "lena")
    fill(page, "Password", "correct horse")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("link", name="Continue in the Studio").click()
    expect(page.get_by_role("heading", name="Pages")).to_be_visible(timeout=30_000)
    idle(page)
    editor = page.locator("[data-testid='stDataFrame']")
    top = editor.bounding_box()["y"]

    # A row's Regenerate: its message comes and goes without moving the grid.
    box = editor.bounding_box()
    page.mouse.click(box["x"] + column_x("regenerate"), box["y"] + HEADER_PX + grid_ui.ROW_HEIGHT * 1.5)
    expect(page.get_by_text(re.compile("Page 2 redrawn|Redrawing page 2")).first).to_be_visible(timeout=30_000)
    assert editor.bounding_box()["y"] == top
    expect(page.get_by_text("Redrawing page 2").and_(page.locator("p"))).to_have_count(0, timeout=60_000)
    idle(page)

    # Every page redrawn: the progress appears under the grid and goes, without moving it either.
    page.get_by_role("button", name="Regenerate all pictures").click()
    expect(page.get_by_text("Redrawing pages", exact=False).first).to_be_visible(timeout=30_000)
    during = editor.bounding_box()["y"]
    page.screenshot(path=SHOTS / "studio-steady-redrawing.png", full_page=True)
    expect(page.get_by_text("Redrawing pages").and_(page.locator("p"))).to_have_count(0, timeout=60_000)
    idle(page)
    after = editor.bounding_box()["y"]
    assert (during, after) == (top, top), f"the grid moved: {top} -> {during} -> {after} px"

    # Upload a story.csv, then choose another file: the section stays open with its button.
    page.get_by_text("Upload an edited story.csv").click()
    replace = page.get_by_role("button", name="Replace the words from this file")
    expect(replace).to_be_visible(timeout=30_000)
    page.locator("input[type=file]").set_input_files(story)
    expect(replace).to_be_enabled(timeout=30_000)
    idle(page)
    replace.click()
    expect(page.get_by_text("Replaced the words of all 4 pages").first).to_be_visible(timeout=30_000)
    idle(page)
    expect(replace).to_be_visible()
    page.locator("input[type=file]").set_input_files(story)
    expect(page.get_by_text("story.csv", exact=True).last).to_be_visible(timeout=30_000)
    settle(page)
    expect(replace).to_be_visible()
    expect(replace).to_be_enabled()
    page.screenshot(path=SHOTS / "studio-steady-upload.png", full_page=True)
