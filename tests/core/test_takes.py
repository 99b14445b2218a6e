"""Takes: every picture drawn for a page kept, any made current, a redraw with a note.
On both databases (the `mock_engine` / `offline_engine` fixtures run on SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import threading
from dataclasses import replace

import pytest
from PIL import Image, ImageStat
from sqlalchemy import delete as sql_delete

from storymaker import books, illustrate, storage
from storymaker.config import ConfigError, load_settings
from storymaker.data.schema import takes as takes_table
from storymaker.engine import Engine
from storymaker.errors import Invalid, NotFound
from storymaker.exports import book as export_book
from storymaker.files import layout
from storymaker.runner import Runner
from storymaker.services import review, studio
from storymaker.services import takes as take_service
from tests.conftest import make_book
from tests.fakes.models import MockImageModel, MockTextModel
from tests.fakes.openai_server import FakeOpenAI


def redraw(engine, user, book_id, scene=2, note=None):
    studio.regenerate_page(engine, user.id, book_id, scene, note)
    Runner(engine).run_until_idle()


def page_png(engine, book_id, scene=2):
    return engine.store.get(layout.page_key(book_id, scene))


def listed(engine, user, book_id, scene=2):
    return take_service.of_page(engine, user.id, book_id, scene)


def take_png(engine, book_id, take_id):
    return engine.store.get(layout.take_key(book_id, take_id))


def test_every_redraw_is_kept_and_the_newest_is_shown(mock_engine, user, book_id):
    first = listed(mock_engine, user, book_id)
    assert [(t.number, t.current) for t in first] == [(1, True)]
    redraw(mock_engine, user, book_id)
    redraw(mock_engine, user, book_id)
    found = listed(mock_engine, user, book_id)
    assert [(t.number, t.current) for t in found] == [(1, False), (2, False), (3, True)]
    assert page_png(mock_engine, book_id) == take_png(mock_engine, book_id, found[2].id)
    assert len({take_png(mock_engine, book_id, t.id) for t in found}) == 3  # three different pictures
    assert all(t.thumbnail is not None and t.bytes > 0 for t in found)
    assert [t.number for t in listed(mock_engine, user, book_id, 3)] == [1]  # other pages untouched


def test_an_older_take_made_current_is_what_the_reader_grid_and_exports_show(mock_engine, user, book_id):
    redraw(mock_engine, user, book_id)
    old, new = listed(mock_engine, user, book_id)
    version = books.get_scene_row(mock_engine.db(), book_id, 2).image_version
    assert take_service.use(mock_engine, user.id, book_id, old.id) == 1
    assert page_png(mock_engine, book_id) == take_png(mock_engine, book_id, old.id)
    assert books.get_scene_row(mock_engine.db(), book_id, 2).image_version == version + 1  # screens notice
    thumb = mock_engine.store.get(layout.take_thumb_key(book_id, old.id))
    grid_row = review.grid(mock_engine, user.id, book_id)[1]
    assert grid_row.picture == review.thumbnail_uri(mock_engine, book_id, "scene_02")
    assert mock_engine.store.get(layout.thumb_key(book_id, "scene_02")) == thumb
    exported = export_book.snapshot(mock_engine, user.id, book_id)
    assert exported.pages[1].picture == take_png(mock_engine, book_id, old.id)
    assert [t.current for t in listed(mock_engine, user, book_id)] == [True, False]


def test_undoing_a_redraw_brings_the_previous_take_back(mock_engine, user, book_id):
    before = page_png(mock_engine, book_id)
    redraw(mock_engine, user, book_id)
    assert page_png(mock_engine, book_id) != before
    previous = listed(mock_engine, user, book_id)[-2]
    take_service.use(mock_engine, user.id, book_id, previous.id)
    assert page_png(mock_engine, book_id) == before


def test_deleting_takes_never_removes_the_current_one(mock_engine, user, book_id):
    for _ in range(3):
        redraw(mock_engine, user, book_id)
    found = listed(mock_engine, user, book_id)
    with pytest.raises(Invalid, match="choose another take first"):
        take_service.delete(mock_engine, user.id, book_id, found[-1].id)
    assert take_service.delete(mock_engine, user.id, book_id, found[0].id) == 1
    assert take_png(mock_engine, book_id, found[0].id) is None
    assert take_service.delete_all_but_current(mock_engine, user.id, book_id, 2) == 2
    left = listed(mock_engine, user, book_id)
    assert [(t.number, t.current) for t in left] == [(4, True)]
    assert page_png(mock_engine, book_id) == take_png(mock_engine, book_id, left[0].id)
    assert mock_engine.store.list(layout.book_prefix(book_id) + "takes/").count(
        layout.take_key(book_id, found[1].id)) == 0


def test_another_users_takes_are_not_found(mock_engine, user, book_id):
    from storymaker import accounts
    eve = accounts.get_or_create(mock_engine.db(), "eve")
    take = listed(mock_engine, user, book_id)[0]
    with pytest.raises(NotFound):
        take_service.use(mock_engine, eve.id, book_id, take.id)
    with pytest.raises(NotFound):
        take_service.of_page(mock_engine, eve.id, book_id, 2)
    other = make_book(mock_engine, eve.id, "Eve's book")
    with pytest.raises(NotFound):  # a take id of one book through another book's id
        take_service.use(mock_engine, eve.id, other, take.id)


def test_the_bound_drops_the_oldest_takes_that_are_not_shown(settings, user):
    engine = Engine(replace(settings, takes_per_page=3), text_model=MockTextModel(), image_model=MockImageModel())
    book_id = make_book(engine, user.id)
    take_service.use(engine, user.id, book_id, listed(engine, user, book_id)[0].id)
    # Requested before the pick below, so its take is kept but take 1 stays current.
    studio.regenerate_page(engine, user.id, book_id, 2)
    take_service.use(engine, user.id, book_id, listed(engine, user, book_id)[0].id)
    Runner(engine).run_until_idle()
    for _ in range(3):  # requested after the pick: each becomes current in turn
        redraw(engine, user, book_id)
    found = listed(engine, user, book_id)
    assert [(t.number, t.current) for t in found] == [(3, False), (4, False), (5, True)]
    studio.regenerate_page(engine, user.id, book_id, 2)
    take_service.use(engine, user.id, book_id, found[0].id)
    Runner(engine).run_until_idle()
    # Take 3 is current and stays, whatever its age; the oldest others go first.
    assert [(t.number, t.current) for t in listed(engine, user, book_id)] == [(3, True), (5, False), (6, False)]
    assert len(engine.store.list(layout.book_prefix(book_id) + "takes/")) == 2 * (3 + 1 + 1 + 1 + 1)  # page 2, the other three pages, the cover


def test_the_setting_must_keep_at_least_one_take():
    with pytest.raises(ConfigError, match="STORYMAKER_TAKES_PER_PAGE"):
        load_settings(env={"STORYMAKER_TAKES_PER_PAGE": "0"}, secrets={})
    assert load_settings(env={"STORYMAKER_TAKES_PER_PAGE": "4"}, secrets={}).takes_per_page == 4


def test_the_note_reaches_that_takes_prompt_only(mock_engine, user, book_id):
    model = mock_engine.image_model
    redraw(mock_engine, user, book_id, note="  make Pip\u200b bigger\x07 ")
    assert "For this picture only, the author asks: make Pip bigger" in model.requests[-1].prompt
    assert model.requests[-1].scene.startswith("make Pip bigger. ")
    assert [t.note for t in listed(mock_engine, user, book_id)] == [None, "make Pip bigger"]
    redraw(mock_engine, user, book_id)
    assert "make Pip bigger" not in model.requests[-1].prompt
    assert "For this picture only" not in model.requests[-1].prompt
    assert books.get_scene_row(mock_engine.db(), book_id, 2).note is None


def test_a_note_that_is_too_long_is_refused_with_a_message(mock_engine, user, book_id):
    with pytest.raises(Invalid, match="at most 200 characters; this one has 201"):
        studio.regenerate_page(mock_engine, user.id, book_id, 2, "x" * 201)
    assert studio.regenerate_page(mock_engine, user.id, book_id, 2, "x" * 200)


def test_regenerate_all_drops_notes_of_the_requests_it_replaces(mock_engine, user, book_id):
    studio.regenerate_page(mock_engine, user.id, book_id, 2, "at night")
    studio.regenerate_all_pages(mock_engine, user.id, book_id)
    Runner(mock_engine).run_until_idle()
    assert not any("at night" in r.prompt for r in mock_engine.image_model.requests)


def test_the_template_renders_the_note_as_a_variable():
    book = books.Book(1, 1, "T", "", "5-7", "watercolor", "English", 4, "ready", None, "now")
    scene = books.Scene(1, "A", "Words.", "A cat on a hill", ("Pip",))
    with_note = illustrate.page_prompt(book, scene, "{{ 7 * 7 }} at night")
    assert "For this picture only, the author asks: {{ 7 * 7 }} at night" in with_note
    assert "For this picture only" not in illustrate.page_prompt(book, scene)


def test_a_take_chosen_while_a_redraw_runs_stays_current(mock_engine, user, book_id):
    """The last request wins: the redraw was asked for before the pick, so its take is kept, not shown."""
    first = listed(mock_engine, user, book_id)[0]
    redraw(mock_engine, user, book_id)
    drawing, go_on = threading.Event(), threading.Event()

    def gate(request):
        drawing.set()
        assert go_on.wait(10)

    mock_engine.image_model.gate = gate
    studio.regenerate_page(mock_engine, user.id, book_id, 2)
    worker = threading.Thread(target=Runner(mock_engine).run_until_idle)
    worker.start()
    assert drawing.wait(10)
    take_service.use(mock_engine, user.id, book_id, first.id)
    go_on.set()
    worker.join(10)
    mock_engine.image_model.gate = None
    found = listed(mock_engine, user, book_id)
    assert [(t.number, t.current) for t in found] == [(1, True), (2, False), (3, False)]
    assert page_png(mock_engine, book_id) == take_png(mock_engine, book_id, first.id)
    assert books.get_scene_row(mock_engine.db(), book_id, 2).status == books.DONE
    # A redraw asked for after the pick is the last request: it is shown.
    redraw(mock_engine, user, book_id)
    assert listed(mock_engine, user, book_id)[-1].current


def test_a_book_from_before_takes_is_adopted_as_take_one(mock_engine, user, book_id):
    with mock_engine.db().write() as conn:  # the old layout: pictures at the page keys, no takes
        conn.execute(sql_delete(takes_table))
    mock_engine.store.delete_prefix(layout.book_prefix(book_id) + "takes/")
    before = page_png(mock_engine, book_id)
    redraw(mock_engine, user, book_id)
    found = listed(mock_engine, user, book_id)
    assert [(t.number, t.current) for t in found] == [(1, False), (2, True)]
    assert take_png(mock_engine, book_id, found[0].id) == before
    take_service.use(mock_engine, user.id, book_id, found[0].id)
    assert page_png(mock_engine, book_id) == before
    # Shown for the first time: page 3's picture becomes its take 1 too.
    three = listed(mock_engine, user, book_id, 3)
    assert [(t.number, t.current) for t in three] == [(1, True)]
    assert take_png(mock_engine, book_id, three[0].id) == page_png(mock_engine, book_id, 3)


def test_the_cover_keeps_its_takes_too(mock_engine, user, book_id):
    before = mock_engine.store.get(layout.cover_key(book_id))
    studio.redraw_cover(mock_engine, user.id, book_id)
    Runner(mock_engine).run_until_idle()
    cover = listed(mock_engine, user, book_id, None)
    assert [(t.number, t.current) for t in cover] == [(1, False), (2, True)]
    take_service.use(mock_engine, user.id, book_id, cover[0].id)
    assert mock_engine.store.get(layout.cover_key(book_id)) == before


def test_a_new_story_drops_the_old_pages_takes(mock_engine, user, book_id):
    redraw(mock_engine, user, book_id)
    studio.rewrite_story(mock_engine, user.id, book_id)
    Runner(mock_engine).run_until_idle()
    assert [t.number for t in listed(mock_engine, user, book_id)] == [1]
    # Four pages with one take each and the cover's one: no files of the old pages' takes left.
    assert len(mock_engine.store.list(layout.book_prefix(book_id) + "takes/")) == 2 * 5


def test_settings_shows_the_space_each_books_takes_use(mock_engine, user, book_id):
    redraw(mock_engine, user, book_id)
    (used,) = take_service.space_per_book(mock_engine, user.id)
    files = mock_engine.store.list(layout.book_prefix(book_id) + "takes/")
    assert used.book_id == book_id and used.takes == 6  # 4 pages, one redrawn, and the cover
    assert used.bytes == sum(len(mock_engine.store.get(key) or b"") for key in files)


def brightness(png: bytes) -> float:
    """How light the top fifth of a picture is (the sky)."""
    image = Image.open(io.BytesIO(png)).convert("L")
    return ImageStat.Stat(image.crop((0, 0, image.width, image.height // 5))).mean[0]


def test_the_offline_painter_darkens_the_sky_for_a_note_at_night(offline_engine):
    from storymaker import accounts
    user = accounts.get_or_create(offline_engine.db(), "ada")
    book_id = make_book(offline_engine, user.id, scenes=4)
    book = books.get(offline_engine.db(), user.id, book_id)
    scene = books.Scene(1, "Out", "They play.", "Mia and Pip play in a sunny meadow", ("Mia", "Pip"))
    day = illustrate.render_page(offline_engine, book, scene, take=1).image
    night = illustrate.render_page(offline_engine, book, scene, take=1, note="at night").image
    again = illustrate.render_page(offline_engine, book, scene, take=1, note="at night").image
    assert storage.png_bytes(night) == storage.png_bytes(again)  # deterministic
    assert brightness(storage.png_bytes(night)) < brightness(storage.png_bytes(day)) - 40


def test_the_print_redraw_follows_the_current_take(offline_engine):
    from storymaker import accounts
    user = accounts.get_or_create(offline_engine.db(), "ada")
    book_id = make_book(offline_engine, user.id, scenes=4)
    first = take_service.of_page(offline_engine, user.id, book_id, 1)[0]
    redraw(offline_engine, user, book_id, scene=1, note="at night")
    take_service.use(offline_engine, user.id, book_id, first.id)
    exported = export_book.snapshot(offline_engine, user.id, book_id)
    size = Image.open(io.BytesIO(exported.pages[0].picture)).size
    assert exported.redraw is not None
    assert storage.png_bytes(exported.redraw(1, size)) == exported.pages[0].picture


def test_the_note_reaches_an_openai_compatible_server(settings, user):
    with FakeOpenAI() as fake:
        engine = Engine(replace(settings, provider="openai", api_key="sk-test", base_url=fake.base_url,
                                image_timeout=5.0), text_model=MockTextModel())
        book_id = make_book(engine, user.id)
        redraw(engine, user, book_id, note="in the rain")
        prompts = [r.json.get("prompt", "") for r in fake.requests_for("images")]
    assert sum("in the rain" in p for p in prompts) == 1
    assert "For this picture only, the author asks: in the rain" in prompts[-1]
    assert [(t.number, t.current, t.note) for t in listed(engine, user, book_id)] == [
        (1, False, None), (2, True, "in the rain")]


def test_take_files_a_killed_runner_left_without_a_row_go_at_the_next_publish(mock_engine, user, book_id):
    store = mock_engine.store
    kept = sorted(store.list(layout.book_prefix(book_id) + layout.TAKES + "/"))
    assert kept  # the book's own takes
    stray = [layout.take_key(book_id, 9999), layout.take_thumb_key(book_id, 9999)]
    for key in stray:
        store.put(key, b"written, then the runner died before its row was committed")
    studio.regenerate_page(mock_engine, user.id, book_id, 1)
    Runner(mock_engine).run_until_idle()
    now = set(store.list(layout.book_prefix(book_id) + layout.TAKES + "/"))
    assert not now & set(stray) and set(kept) <= now and len(now) == len(kept) + 2  # the new take's two files
