"""My Books page: the empty shelf, the sample book, cards with status and progress, delete, pages of 24."""

from storymaker.files import layout
from storymaker import books, storage
from storymaker.services import studio
from storymaker.books import BookOptions, CharacterLook

from .support import click, texts


def test_an_empty_account_gets_a_friendly_first_step(app_env):
    at = app_env.app(app_env.user())
    assert not at.exception
    assert at.title[0].value == "My Books" and "Your shelf is empty" in texts(at)
    assert "offline models" in texts(at)
    assert [b.label for b in at.button if b.label == "Make a sample book"]


def test_make_a_sample_book_in_one_click(app_env):
    user = app_env.user()
    at = click(app_env.app(user), "Make a sample book")
    assert not at.exception
    [book] = books.list_for(app_env.engine.db(), user.id)
    assert book.title == "The Lighthouse Cat" and book.status == books.READY  # inline jobs made it at once
    assert "The Lighthouse Cat" in texts(at) and "Ready" in texts(at)
    # Its cover thumbnail, loaded by the browser only as it nears the screen, from a signed address.
    [cover] = [h.proto.body for h in at.get("html") if "<img" in h.proto.body]
    assert 'loading="lazy"' in cover and 'alt="Cover of The Lighthouse Cat"' in cover
    assert f'src="/pictures/{layout.thumb_key(book.id, layout.COVER)}?v=' in cover
    assert storage.thumb_path(storage.book_dir(app_env.engine.books_dir, book.id), "cover").is_file()


def test_a_book_being_made_shows_progress_and_polls(app_env):
    user = app_env.user()
    ids = [studio.characters.create(app_env.engine.db(), user.id, "Mia").id]
    studio.start_book(app_env.engine, user.id, BookOptions("Still Painting", scene_count=4), ids)  # queued, not run
    at = app_env.app(user)
    assert not at.exception
    assert "Generating" in texts(at)
    assert at.get("progress")[0].value == 0 and "0 of 4 pages drawn" in at.get("progress")[0].text


def test_a_failed_book_shows_the_error_and_can_be_tried_again(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    books.set_status(app_env.engine.db(), book_id, books.NEEDS_ATTENTION, "page 2: The service refused this picture.")
    at = app_env.app(user)
    assert "Needs attention" in texts(at) and "refused this picture" in at.error[0].value
    assert [b for b in at.button if b.label == "Try again"]


def test_delete_asks_first_then_removes_the_book_and_its_folder(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user, "Going Away")
    folder = storage.book_dir(app_env.engine.books_dir, book_id)
    at = click(app_env.app(user), "Delete")
    assert "removed for good" in texts(at) and folder.is_dir()
    at = click(at, "Keep")
    assert books.get(app_env.engine.db(), user.id, book_id) is not None
    at = click(at, "Delete")
    at = click(at, "Delete", index=1)
    assert not at.exception and "Deleted “Going Away”." in texts(at)
    assert books.get(app_env.engine.db(), user.id, book_id) is None and not folder.exists()
    assert "Your shelf is empty" in texts(at)


def test_more_than_24_books_paginate(app_env):
    user = app_env.user()
    for n in range(30):
        books.create(app_env.engine.db(), user.id, BookOptions(f"Book {n:02d}"), [(None, CharacterLook("Mia"), None)])
    at = app_env.app(user)
    assert not at.exception
    shown = [m.value for m in at.markdown if m.value.startswith("**Book")]
    assert len(shown) == 24 and "**Book 29**" in shown
    at.pagination[0].select(2).run()
    shown = [m.value for m in at.markdown if m.value.startswith("**Book")]
    assert len(shown) == 6 and "**Book 00**" in shown


def test_each_card_continues_in_the_studio(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    at = app_env.app(user)
    links = [link for link in at.get("page_link") if link.label == "Continue in the Studio"]
    assert len(links) == 1 and links[0].proto.page.endswith("studio") and f"book={book_id}" in links[0].proto.query_string
