"""Studio: the book's art style (Restyle the book, its confirm, switching back at once, finishing a
canceled restyle) and the cover's takes."""

from storymaker import books, jobs
from storymaker.files import layout
from storymaker.runner import Runner, execute
from storymaker.services import restyle, studio
from storymaker.services import takes as take_service

from .support import click, texts

PAGE = "app_pages/studio.py"


def pictures(engine, book_id):
    return [engine.store.get(layout.cover_key(book_id))] + [
        engine.store.get(layout.page_key(book_id, n)) for n in range(1, 5)]


def style_picker(at, book_id):
    return at.selectbox(key=f"studio_style_{book_id}")


def test_restyle_is_confirmed_with_what_it_draws_and_switching_back_is_instant(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    engine = app_env.engine
    before = pictures(engine, book_id)
    at = app_env.app(user, to=PAGE, book=str(book_id))
    assert not at.exception
    assert "· Watercolour ·" in texts(at)
    picker = style_picker(at, book_id)
    assert picker.value == "watercolor" and picker.format_func("watercolor") == "Watercolour (now)"
    assert next(b for b in at.button if b.label == "Restyle the book").disabled  # the style it has
    at = style_picker(at, book_id).set_value("crayon").run()
    at = click(at, "Restyle the book")
    assert not at.exception
    assert ("Redraw 4 pages and the cover in Crayon? The current pictures stay as takes: you can switch back "
            "at no cost.") in texts(at)
    assert pictures(engine, book_id) == before  # nothing happens before the confirm
    at = click(at, "Redraw in Crayon")  # the app runs the queued jobs inline
    assert not at.exception
    Runner(engine).run_until_idle()
    at.run()
    assert "· Crayon ·" in texts(at)  # the caption follows the book's style
    assert books.get(engine.db(), user.id, book_id).style == "crayon"
    shown = [next(t for t in take_service.of_page(engine, user.id, book_id, scene) if t.current)
             for scene in (None, 1, 2, 3, 4)]
    assert {t.style for t in shown} == {"crayon"}
    assert style_picker(at, book_id).format_func("watercolor") == "Watercolour: ready, instant"

    at = style_picker(at, book_id).set_value("watercolor").run()
    at = click(at, "Restyle the book")  # instant: no dialog
    assert not at.exception
    assert "Redraw" not in texts(at)
    assert "The book is in Watercolour: every picture was already drawn in it." in texts(at)
    assert pictures(engine, book_id) == before
    assert "· Watercolour ·" in texts(at)


def test_a_canceled_restyle_offers_to_finish_or_switch_back(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    engine = app_env.engine
    db = engine.db()
    restyle.restyle(engine, user.id, book_id, "crayon")
    execute(engine, jobs.claim(db, "w"))  # the cover
    studio.cancel(engine, user.id, book_id)
    at = app_env.app(user, to=PAGE, book=str(book_id))
    assert not at.exception
    assert "This book is in Crayon, but 4 pictures are still in Watercolour." in texts(at)
    at = click(at, "Finish the restyle")
    assert "Redraw 4 pages in Crayon?" in texts(at)
    at = click(at, "Not now")
    at = click(at, "Switch back to Watercolour")  # instant
    assert not at.exception
    assert books.get(db, user.id, book_id).style == "watercolor"
    assert "still in" not in texts(at)


def test_the_cover_has_its_takes_panel(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    engine = app_env.engine
    first = engine.store.get(layout.cover_key(book_id))
    studio.redraw_cover(engine, user.id, book_id)
    Runner(engine).run_until_idle()
    at = app_env.app(user, to=PAGE, book=str(book_id))
    assert "Take 2 · **shown**" not in texts(at)  # read only while its expander is open
    at.session_state[f"studio_cover_open_{book_id}"] = True  # the person opens it
    at.run()
    assert not at.exception
    assert "Every picture drawn for the cover is kept." in texts(at)
    assert "Take 2 · **shown** · Watercolour" in texts(at)
    at = click(at, "Use this take")
    assert not at.exception
    assert "The cover now shows take 1." in texts(at)
    assert engine.store.get(layout.cover_key(book_id)) == first
    at = click(at, "Delete")
    assert [t.number for t in take_service.of_page(engine, user.id, book_id, None)] == [1]
