"""Studio: a page's takes in its preview dialog, Regenerate with a note; Settings: the space takes use."""

from storymaker.files import layout
from storymaker.runner import Runner
from storymaker.services import studio
from storymaker.services import takes as take_service

from .support import click, texts

PAGE = "app_pages/studio.py"


def open_page(env, user, book_id, scene):
    at = env.app(user, to=PAGE, book=str(book_id))
    at.session_state["studio_preview"] = (book_id, scene)  # what the row's Open button sets
    return at.run()


def test_an_older_take_is_put_back_in_the_book_from_the_preview(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    engine = app_env.engine
    first = engine.store.get(layout.page_key(book_id, 2))
    studio.regenerate_page(engine, user.id, book_id, 2)
    Runner(engine).run_until_idle()
    at = open_page(app_env, user, book_id, 2)
    assert not at.exception
    assert "Takes** (2" in texts(at) and "Take 2 · **shown**" in texts(at)
    at = click(at, "Use this take")
    assert not at.exception
    assert engine.store.get(layout.page_key(book_id, 2)) == first
    assert "Page 2 now shows take 1." in texts(at)
    assert "Take 1 · **shown**" in texts(at)
    at = click(at, "Delete all but the current take")
    assert [t.number for t in take_service.of_page(engine, user.id, book_id, 2)] == [1]


def test_regenerate_with_a_note_from_the_preview(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    at = open_page(app_env, user, book_id, 3)
    at.text_input(key=f"studio_note_text_{book_id}_3").set_value("at night")
    at = click(at, "Regenerate")
    assert not at.exception
    # Jobs run inline here, so the click's own run has the new take and says so.
    assert "Page 3 redrawn: the new picture is its newest take." in [t.value for t in at.toast]
    found = take_service.of_page(app_env.engine, user.id, book_id, 3)
    assert [(t.number, t.note, t.current) for t in found] == [(1, None, False), (2, "at night", True)]


def test_settings_shows_the_space_each_books_takes_use(app_env):
    user = app_env.user()
    app_env.ready_book(user, title="Kept Pictures")
    at = app_env.app(user, to="app_pages/settings.py")
    assert not at.exception
    assert "Pictures kept per book" in texts(at)
    table = at.dataframe[-1].value
    assert list(table["Book"]) == ["Kept Pictures"] and list(table["Takes"]) == [5]
