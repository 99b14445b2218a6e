"""The app when things go wrong underneath it: ids that do not fit, a wiped data folder,
a library locked by another program, pictures deleted from a finished book.

Each screen says what happened in plain words, keeps what the person typed and never
shows a traceback.
"""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from storymaker import books, data, storage

from .support import click, texts
from .test_app_gate import sign_up

HUGE = "99999999999999999999"  # more than SQLite's largest integer


@pytest.mark.parametrize("page", ["app_pages/reader.py", "app_pages/studio.py"])
@pytest.mark.parametrize("book", [HUGE, str(2**63), "٣"])
def test_an_id_that_does_not_fit_reads_as_book_not_found(app_env, page, book):
    user = app_env.user()
    app_env.ready_book(user)
    at = app_env.app(user, to=page, book=book)
    assert not at.exception
    assert [w.value for w in at.warning] == ["Book not found."]


def test_a_huge_id_in_session_state_opens_no_dialog(app_env):
    user = app_env.user()
    app_env.ready_book(user)
    at = app_env.app(user)
    at.session_state["deleting_book"] = int(HUGE)
    at.switch_page("app_pages/my_books.py").run()
    assert not at.exception
    assert "The Lighthouse Cat" in texts(at) and "Delete this book?" not in texts(at)


# ---------------------------------------------------------------- the data folder wiped under the app

@pytest.mark.sqlite_only
def test_after_the_data_folder_is_wiped_a_signed_in_user_is_signed_out_plainly_and_can_start_again(app_env):
    user = app_env.user()
    app_env.ready_book(user)
    at = app_env.app(user, to="app_pages/my_books.py")
    assert "The Lighthouse Cat" in texts(at)
    shutil.rmtree(app_env.engine.data_dir)

    at.run()
    assert not at.exception
    assert any("no longer in this library" in w.value for w in at.warning)
    assert "user" not in at.session_state and at.form(key="sign_up")

    at = sign_up(at, "grace", "correct horse")  # the recreated library takes a new account
    assert not at.exception and at.session_state["user"].username == "grace"
    assert at.title[0].value == "My Books" and "The Lighthouse Cat" not in texts(at)
    make = [b for b in at.button if b.label == "Make a sample book"]
    make[0].click().run()  # inline jobs: the book is made in this run
    assert not at.exception
    grace = at.session_state["user"]
    shelf = books.list_for(app_env.engine.db(), grace.id)
    assert [b.status for b in shelf] == [books.READY]


@pytest.mark.sqlite_only
def test_a_new_account_with_the_old_id_is_not_mistaken_for_the_old_one(app_env):
    ada = app_env.user("ada")
    at = app_env.app(ada, to="app_pages/my_books.py")
    shutil.rmtree(app_env.engine.data_dir)
    bob = app_env.user("bob")  # the first account of the new library: the same id as ada's
    assert bob.id == ada.id
    at.run()
    assert not at.exception and "user" not in at.session_state
    assert any("no longer in this library" in w.value for w in at.warning)


# ---------------------------------------------------------------- a library locked by another program

@pytest.fixture
def locked_library(app_env, monkeypatch):
    """A function that takes the write lock as another program would (a backup), and keeps it."""
    monkeypatch.setattr(data.database, "BUSY_TIMEOUT_S", 0.1)
    data.close_all()  # the next connections have the short timeout
    holders = []

    def lock():
        with app_env.engine.db().read():  # the library exists
            pass
        holder = sqlite3.connect(str(app_env.engine.settings.db_path), isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")
        holders.append(holder)
        return holder

    yield lock
    for holder in holders:
        if holder.in_transaction:
            holder.execute("ROLLBACK")
        holder.close()


@pytest.mark.sqlite_only
def test_save_while_the_library_is_locked_says_busy_and_keeps_the_edits(app_env, locked_library):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    at = app_env.app(user, to="app_pages/studio.py", book=str(book_id))
    at.session_state[f"studio_grid_{book_id}_0"] = {"edited_rows": {1: {"text": "Pip waves at the moon."}}}
    at.run()
    holder = locked_library()
    at = click(at, "Save")
    assert not at.exception
    assert "busy" in at.error[0].value and "try again" in at.error[0].value
    assert "Unsaved edits on page 2" in at.warning[0].value
    assert at.data_editor[0].value["text"][1] == "Pip waves at the moon."
    holder.execute("ROLLBACK")

    at = click(at, "Save")  # once the other program is done, the same Save goes through
    assert not at.exception and "Saved page 2." in texts(at)
    assert books.scene_rows(app_env.engine.db(), book_id)[1].scene.text == "Pip waves at the moon."


@pytest.mark.sqlite_only
def test_any_screen_that_writes_while_the_library_is_locked_says_busy(app_env, locked_library):
    at = app_env.app()
    locked_library()
    at = sign_up(at, "grace", "correct horse")
    assert not at.exception
    assert any("busy" in e.value for e in at.error)
    assert at.form(key="sign_up").text_input[0].value == "grace"  # what was typed stays


# ---------------------------------------------------------------- pictures deleted under a ready book

def delete_folder(env, book_id):
    shutil.rmtree(storage.book_dir(env.engine.books_dir, book_id))


def all_pictures_back(env, book_id, scenes=4) -> bool:
    folder = storage.book_dir(env.engine.books_dir, book_id)
    return storage.cover_path(folder).is_file() and all(storage.page_path(folder, n).is_file() for n in range(1, scenes + 1))


@pytest.mark.parametrize("page, says", [
    ("app_pages/studio.py", "The pictures of the cover and pages 1, 2, 3 and 4 are missing."),
    ("app_pages/reader.py", "The pictures of the cover and pages 1, 2, 3 and 4 are missing."),
    ("app_pages/my_books.py", "5 pictures are missing."),
])
def test_every_screen_says_which_pictures_are_missing_and_one_click_redraws_them(app_env, page, says):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    delete_folder(app_env, book_id)
    at = app_env.app(user, to=page, **({} if page.endswith("my_books.py") else {"book": str(book_id)}))
    assert not at.exception
    assert any(w.value.startswith(says) for w in at.warning), [w.value for w in at.warning]
    if page.endswith("reader.py"):
        assert "This picture is missing from the book's folder." in texts(at)  # the cover comes first

    at = click(at, "Redraw missing pictures")  # inline jobs: drawn within this run
    assert not at.exception
    assert all_pictures_back(app_env, book_id)
    assert not [w for w in at.warning if "missing" in w.value]
    assert "Drawing the missing pictures again." in texts(at)
    assert books.get(app_env.engine.db(), user.id, book_id).status == books.READY


def test_a_book_with_all_its_pictures_shows_no_missing_notice(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    for page in ("app_pages/studio.py", "app_pages/reader.py", "app_pages/my_books.py"):
        at = app_env.app(user, to=page, book=str(book_id))
        assert not at.exception and not [b for b in at.button if b.label == "Redraw missing pictures"]


def test_a_page_opened_large_says_its_picture_is_missing(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    storage.page_path(storage.book_dir(app_env.engine.books_dir, book_id), 3).unlink()
    at = app_env.app(user, to="app_pages/studio.py", book=str(book_id))
    at.session_state["studio_preview"] = (book_id, 3)  # what the row's Open button sets
    at.run()
    assert not at.exception
    assert any("This picture is missing from the book's folder" in i.value for i in at.info)
    assert any(w.value.startswith("The picture of page 3 is missing.") for w in at.warning)
