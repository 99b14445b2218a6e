"""Restyle: every page and the cover drawn again in another art style as new takes; switching back
is instant. On both databases (the `mock_engine` / `offline_engine` fixtures run on SQLite and
PostgreSQL); the concurrency cases drive the queue by hand, as tests/jobs/ do."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from PIL import Image
from sqlalchemy import delete as sql_delete
from sqlalchemy import update

from storymaker import accounts, books, jobs, storage, styles
from storymaker.data.schema import takes as takes_table
from storymaker.engine import Engine
from storymaker.errors import Invalid, NotFound
from storymaker.exports import book as export_book
from storymaker.files import layout
from storymaker.handlers import Kind
from storymaker.runner import Runner, execute
from storymaker.services import restyle, review, studio
from storymaker.services import takes as take_service
from tests.conftest import make_book
from tests.fakes.models import MockTextModel
from tests.fakes.openai_server import FakeOpenAI

STEMS = ["cover", "scene_01", "scene_02", "scene_03", "scene_04"]


def shown(engine, book_id) -> dict[str, bytes | None]:
    """Every picture of the book at its page keys (what every reader reads), the thumbnails too."""
    return {stem: (engine.store.get(layout.picture_key(book_id, stem)), engine.store.get(layout.thumb_key(book_id, stem)))
            for stem in STEMS}


def current_takes(engine, user, book_id):
    return {scene: next(t for t in take_service.of_page(engine, user.id, book_id, scene) if t.current)
            for scene in (None, 1, 2, 3, 4)}


def current_styles(engine, user, book_id) -> set[str]:
    return {t.style for t in current_takes(engine, user, book_id).values()}


def at_keys_are_current_takes(engine, user, book_id) -> bool:
    for scene, take in current_takes(engine, user, book_id).items():
        stem = layout.COVER if scene is None else layout.scene_name(scene)
        picture = engine.store.get(layout.picture_key(book_id, stem))
        if picture is None or picture != engine.store.get(layout.take_key(book_id, take.id)):
            return False
    return True


def style_of(engine, user, book_id) -> str:
    return books.get(engine.db(), user.id, book_id).style


def test_restyle_draws_every_page_and_the_cover_anew_and_switching_back_is_instant(offline_engine):
    engine = offline_engine
    user = accounts.get_or_create(engine.db(), "ada")
    book_id = make_book(engine, user.id)
    before = shown(engine, book_id)
    planned = restyle.plan(engine, user.id, book_id, "crayon")
    assert (planned.pages, planned.cover, planned.instant, planned.what()) == (4, True, False, "4 pages and the cover")

    assert restyle.restyle(engine, user.id, book_id, "crayon").drawn == 5
    assert style_of(engine, user, book_id) == "crayon"
    assert shown(engine, book_id) == before  # the old pictures stay until each new take is stored
    assert jobs.active_count(engine.db(), book_id) == 5
    Runner(engine).run_until_idle()
    after = shown(engine, book_id)
    assert all(after[stem] != before[stem] for stem in STEMS)
    assert current_styles(engine, user, book_id) == {"crayon"}
    assert at_keys_are_current_takes(engine, user, book_id)
    assert [(t.number, t.style, t.current) for t in take_service.of_page(engine, user.id, book_id, 2)] == [
        (1, "watercolor", False), (2, "crayon", True)]
    ready = {c.key: c.ready for c in restyle.styles_of(engine, user.id, book_id).choices}
    assert ready == {key: key in ("watercolor", "crayon") for key in styles.ART_STYLES}

    back = restyle.restyle(engine, user.id, book_id, "watercolor")
    assert (back.instant, back.shown_at_once) == (True, 5)
    assert jobs.active_count(engine.db(), book_id) == 0  # nothing queued, nothing to wait for
    assert shown(engine, book_id) == before  # the very same bytes, at once
    assert style_of(engine, user, book_id) == "watercolor"
    assert books.get(engine.db(), user.id, book_id).status == books.READY
    assert current_styles(engine, user, book_id) == {"watercolor"}
    assert [r.status for r in books.scene_rows(engine.db(), book_id)] == [books.DONE] * 4
    # And forth again: the crayon takes are shown again, still without drawing.
    assert restyle.restyle(engine, user.id, book_id, "crayon").instant
    assert shown(engine, book_id) == after


def test_switching_back_redraws_a_page_whose_picture_words_changed(mock_engine, user, book_id):
    restyle.restyle(mock_engine, user.id, book_id, "crayon")
    Runner(mock_engine).run_until_idle()
    old_two = take_service.of_page(mock_engine, user.id, book_id, 2)[0]
    review.save_edits(mock_engine, user.id, book_id, {2: {"illustration": "Mia flies a red kite over the sea"},
                                                      3: {"text": "Only the words read aloud changed."}})
    planned = restyle.plan(mock_engine, user.id, book_id, "watercolor")
    assert (planned.pages, planned.cover, planned.shown_at_once) == (1, False, 4)
    requests = len(mock_engine.image_model.requests)
    restyle.restyle(mock_engine, user.id, book_id, "watercolor")
    # Not reverted to a picture of the old words: it keeps its crayon picture until the new one is drawn.
    crayon_two = mock_engine.store.get(layout.page_key(book_id, 2))
    assert crayon_two != mock_engine.store.get(layout.take_key(book_id, old_two.id))
    Runner(mock_engine).run_until_idle()
    assert len(mock_engine.image_model.requests) == requests + 1
    assert "red kite" in mock_engine.image_model.requests[-1].prompt
    assert mock_engine.image_model.requests[-1].style == "watercolor"
    found = take_service.of_page(mock_engine, user.id, book_id, 2)
    assert [(t.style, t.current) for t in found] == [("watercolor", False), ("crayon", False), ("watercolor", True)]
    assert current_styles(mock_engine, user, book_id) == {"watercolor"}
    assert at_keys_are_current_takes(mock_engine, user, book_id)


def test_restyle_then_cancel_keeps_a_picture_on_every_page_and_says_what_is_left(mock_engine, user, book_id):
    db = mock_engine.db()
    before = shown(mock_engine, book_id)
    restyle.restyle(mock_engine, user.id, book_id, "crayon")
    execute(mock_engine, jobs.claim(db, "w"))  # the cover
    execute(mock_engine, jobs.claim(db, "w"))  # page 1
    drawing = jobs.claim(db, "w")  # page 2, drawing when the cancel comes
    assert (drawing.kind, drawing.scene) == (Kind.PAGE, 2)
    studio.cancel(mock_engine, user.id, book_id)
    execute(mock_engine, drawing)  # canceled meanwhile: it publishes nothing
    assert jobs.active_count(db, book_id) == 0

    book = books.get(db, user.id, book_id)
    assert (book.style, book.status) == ("crayon", books.CANCELED)  # the style new pictures are drawn in
    assert at_keys_are_current_takes(mock_engine, user, book_id)
    now = shown(mock_engine, book_id)
    assert [now[stem] != before[stem] for stem in STEMS] == [True, True, False, False, False]
    assert {s: t.style for s, t in current_takes(mock_engine, user, book_id).items()} == {
        None: "crayon", 1: "crayon", 2: "watercolor", 3: "watercolor", 4: "watercolor"}
    state = restyle.styles_of(mock_engine, user.id, book_id)
    assert state.behind == (("watercolor", 3),)
    assert state.describe_behind() == "3 pictures are still in Watercolour."
    # Finish the restyle draws only what is left; switch back is instant.
    assert restyle.plan(mock_engine, user.id, book_id, "crayon").what() == "3 pages"
    back = restyle.restyle(mock_engine, user.id, book_id, "watercolor")
    assert back.instant
    assert shown(mock_engine, book_id) == before
    book = books.get(db, user.id, book_id)
    assert (book.style, book.status) == ("watercolor", books.READY)
    assert [r.status for r in books.scene_rows(db, book_id)] == [books.DONE] * 4
    assert restyle.styles_of(mock_engine, user.id, book_id).behind == ()


def test_finishing_a_canceled_restyle_draws_only_the_pages_left(mock_engine, user, book_id):
    db = mock_engine.db()
    restyle.restyle(mock_engine, user.id, book_id, "crayon")
    execute(mock_engine, jobs.claim(db, "w"))  # the cover
    execute(mock_engine, jobs.claim(db, "w"))  # page 1
    studio.cancel(mock_engine, user.id, book_id)
    page_one = mock_engine.store.get(layout.page_key(book_id, 1))
    requests = len(mock_engine.image_model.requests)
    assert restyle.restyle(mock_engine, user.id, book_id, "crayon").what() == "3 pages"
    Runner(mock_engine).run_until_idle()
    assert len(mock_engine.image_model.requests) == requests + 3
    assert mock_engine.store.get(layout.page_key(book_id, 1)) == page_one
    assert current_styles(mock_engine, user, book_id) == {"crayon"}
    assert books.get(db, user.id, book_id).status == books.READY


def test_a_restyle_supersedes_a_restyle_still_drawing(mock_engine, user, book_id):
    db = mock_engine.db()
    restyle.restyle(mock_engine, user.id, book_id, "crayon")
    drawing = jobs.claim(db, "w")  # the cover, in crayon, when the next restyle comes
    restyle.restyle(mock_engine, user.id, book_id, "pixel-art")
    execute(mock_engine, drawing)  # superseded: its crayon cover is never stored
    Runner(mock_engine).run_until_idle()
    assert current_styles(mock_engine, user, book_id) == {"pixel-art"}
    all_takes = [t for scene in (None, 1, 2, 3, 4) for t in take_service.of_page(mock_engine, user.id, book_id, scene)]
    assert "crayon" not in {t.style for t in all_takes}
    assert {r.style for r in mock_engine.image_model.requests[-5:]} == {"pixel-art"}
    assert at_keys_are_current_takes(mock_engine, user, book_id)


def test_switching_back_while_a_restyle_draws_supersedes_its_jobs(mock_engine, user, book_id):
    db = mock_engine.db()
    before = shown(mock_engine, book_id)
    restyle.restyle(mock_engine, user.id, book_id, "crayon")
    execute(mock_engine, jobs.claim(db, "w"))  # the cover
    drawing = jobs.claim(db, "w")  # page 1
    assert restyle.restyle(mock_engine, user.id, book_id, "watercolor").instant
    assert jobs.active_count(db, book_id) == 0  # every crayon job left is superseded
    requests = len(mock_engine.image_model.requests)
    execute(mock_engine, drawing)
    Runner(mock_engine).run_until_idle()
    assert len(mock_engine.image_model.requests) == requests  # the claimed one stops at its checkpoint
    assert shown(mock_engine, book_id) == before
    assert books.get(db, user.id, book_id).status == books.READY
    assert current_styles(mock_engine, user, book_id) == {"watercolor"}


def test_a_take_chosen_by_hand_is_what_a_restyle_back_shows(mock_engine, user, book_id):
    studio.regenerate_page(mock_engine, user.id, book_id, 2)
    Runner(mock_engine).run_until_idle()
    first, second = take_service.of_page(mock_engine, user.id, book_id, 2)
    take_service.use(mock_engine, user.id, book_id, first.id)
    restyle.restyle(mock_engine, user.id, book_id, "crayon")
    Runner(mock_engine).run_until_idle()
    # Back to watercolour: each page's newest fitting take in it; for page 2 that is take 2.
    restyle.restyle(mock_engine, user.id, book_id, "watercolor")
    assert mock_engine.store.get(layout.page_key(book_id, 2)) == mock_engine.store.get(
        layout.take_key(book_id, second.id))


def test_takes_from_before_fits_were_kept_still_switch_back_at_once(mock_engine, user, book_id):
    with mock_engine.db().write() as conn:  # drawn by an earlier version: no fit kept
        conn.execute(update(takes_table).values(fit=None))
    before = shown(mock_engine, book_id)
    assert restyle.styles_of(mock_engine, user.id, book_id).choices[0].ready  # watercolour: what it shows
    restyle.restyle(mock_engine, user.id, book_id, "crayon")
    Runner(mock_engine).run_until_idle()
    assert restyle.restyle(mock_engine, user.id, book_id, "watercolor").instant
    assert shown(mock_engine, book_id) == before


def test_a_book_from_before_takes_keeps_its_pictures_to_switch_back_to(mock_engine, user, book_id):
    with mock_engine.db().write() as conn:  # the old layout: pictures at the page keys, no takes
        conn.execute(sql_delete(takes_table))
    mock_engine.store.delete_prefix(layout.book_prefix(book_id) + "takes/")
    before = shown(mock_engine, book_id)
    restyle.restyle(mock_engine, user.id, book_id, "crayon")
    Runner(mock_engine).run_until_idle()
    assert restyle.restyle(mock_engine, user.id, book_id, "watercolor").instant
    assert shown(mock_engine, book_id) == before


def test_restyle_clears_notes_and_checks_style_and_owner(mock_engine, user, book_id):
    studio.regenerate_page(mock_engine, user.id, book_id, 2, "at night")
    restyle.restyle(mock_engine, user.id, book_id, "crayon")
    Runner(mock_engine).run_until_idle()
    assert not any("at night" in r.prompt for r in mock_engine.image_model.requests)
    with pytest.raises(Invalid, match="Choose an art style"):
        restyle.restyle(mock_engine, user.id, book_id, "oil")
    eve = accounts.get_or_create(mock_engine.db(), "eve")
    for attempt in (lambda: restyle.restyle(mock_engine, eve.id, book_id, "watercolor"),
                    lambda: restyle.plan(mock_engine, eve.id, book_id, "watercolor"),
                    lambda: restyle.styles_of(mock_engine, eve.id, book_id)):
        with pytest.raises(NotFound):
            attempt()
    assert style_of(mock_engine, user, book_id) == "crayon"


def test_restyle_draws_through_an_openai_compatible_server_and_switching_back_asks_nothing(settings, user):
    with FakeOpenAI() as fake:
        engine = Engine(replace(settings, provider="openai", api_key="sk-test", base_url=fake.base_url,
                                image_timeout=5.0), text_model=MockTextModel())
        book_id = make_book(engine, user.id)
        before = shown(engine, book_id)
        drawn = len(fake.requests_for("images"))
        restyle.restyle(engine, user.id, book_id, "claymation")
        Runner(engine).run_until_idle()
        prompts = [r.json.get("prompt", "") for r in fake.requests_for("images")[drawn:]]
        assert len(prompts) == 5
        assert all(styles.ART_STYLES["claymation"].prompt in p for p in prompts)
        asked = len(fake.requests)
        assert restyle.restyle(engine, user.id, book_id, "watercolor").instant
        assert len(fake.requests) == asked  # no request of any kind
        assert shown(engine, book_id) == before


def test_the_print_redraw_paints_each_page_in_the_style_it_shows(offline_engine):
    """After a restyle stopped halfway, a page still in the old style is repainted in it for print."""
    engine = offline_engine
    user = accounts.get_or_create(engine.db(), "ada")
    book_id = make_book(engine, user.id)
    db = engine.db()
    restyle.restyle(engine, user.id, book_id, "crayon")
    execute(engine, jobs.claim(db, "w"))  # the cover
    execute(engine, jobs.claim(db, "w"))  # page 1
    studio.cancel(engine, user.id, book_id)
    exported = export_book.snapshot(engine, user.id, book_id)
    assert exported.redraw is not None
    for number in (1, 2):  # crayon, still watercolour
        picture = exported.pages[number - 1].picture
        size = Image.open(io.BytesIO(picture)).size
        assert storage.png_bytes(exported.redraw(number, size)) == picture


def test_pages_moved_removed_and_restyled_in_an_s3_compatible_bucket(settings, seaweed_server):
    """The author's edits keep every page's picture at its keys in a real bucket: a move, a removal
    and its Undo, a restyle and the switch back; a second process over the bucket sees the same."""
    from storymaker.services import pages
    from tests.conftest import SEAWEED_BUCKET

    args = seaweed_server.store_args()
    in_bucket = replace(settings, storage_url=f"s3://{SEAWEED_BUCKET}/edits-{settings.data_dir.parent.name}",
                         aws_endpoint_url=args["endpoint"], aws_region=args["region"],
                         aws_access_key_id=args["access_key_id"], aws_secret_access_key=args["secret_access_key"])
    engine = Engine(in_bucket, text_model=MockTextModel())
    user = accounts.get_or_create(engine.db(), "ada")
    book_id = make_book(engine, user.id, scenes=5)
    before = shown(engine, book_id)  # the cover and pages 1 to 4
    pages.move_page(engine, user.id, book_id, 2, 1)
    assert shown(engine, book_id)["scene_03"] == before["scene_02"]
    removed = pages.remove_page(engine, user.id, book_id, 1)
    pages.undo_remove(engine, user.id, book_id, removed.scene_id)
    restyle.restyle(engine, user.id, book_id, "crayon")
    Runner(engine).run_until_idle()
    assert current_styles(engine, user, book_id) == {"crayon"} and at_keys_are_current_takes(engine, user, book_id)
    restyle.restyle(engine, user.id, book_id, styles.DEFAULT_STYLE)
    assert jobs.active_count(engine.db(), book_id) == 0
    again = Engine(in_bucket, text_model=MockTextModel())
    assert at_keys_are_current_takes(again, user, book_id)
    assert shown(again, book_id)["scene_03"] == before["scene_02"] and not (settings.data_dir / "storymaker").exists()
