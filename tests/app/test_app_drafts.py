"""Studio drafts: the grid's unsaved edits follow onto the server (only when they change), a tab
without edits of its own is offered the server's draft (Keep lays it into the grid, Discard
forgets it), Save and Discard edits end it, and a busy library never breaks the page.

Edits are seeded the way Streamlit stores them (see test_app_studio.py)."""

import sqlite3

import pytest

from storymaker import books, data
from storymaker.data import LibraryBusy
from storymaker.data import drafts as draft_rows
from storymaker.services import drafts

from .support import click, texts

PAGE = "app_pages/studio.py"
NOT_KEPT = "Your unsaved edits could not be kept on the server just now; they are still in this tab."


def editor_key(book_id: int, generation: int = 0) -> str:
    return f"studio_grid_{book_id}_{generation}"


def draft(env, user, book_id):
    return draft_rows.find(env.engine.db(), user.id, book_id)


def test_edits_in_the_grid_are_kept_on_the_server_when_they_change(app_env, monkeypatch):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    at = app_env.app(user, to=PAGE, book=str(book_id))
    assert draft(app_env, user, book_id) == {}
    at.session_state[editor_key(book_id)] = {"edited_rows": {1: {"text": "Pip waves at the moon."}}}
    at.run()
    assert draft(app_env, user, book_id) == {2: {"text": "Pip waves at the moon."}}

    writes = []
    keep = drafts.keep
    monkeypatch.setattr(drafts, "keep", lambda *args: writes.append(args) or keep(*args))
    at.run()  # a rerun with the same edits (a poll's, say) writes nothing
    assert writes == []
    at.session_state[editor_key(book_id)] = {"edited_rows": {1: {"text": "Pip waves."}, 3: {"title": "Four"}}}
    at.run()
    assert len(writes) == 1 and draft(app_env, user, book_id) == {2: {"text": "Pip waves."}, 4: {"title": "Four"}}

    at = click(at, "Discard edits")
    assert not at.exception and draft(app_env, user, book_id) == {}


def test_a_draft_on_the_server_is_offered_with_its_pages_and_keep_lays_it_into_the_grid(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    saved_title = books.scene_rows(app_env.engine.db(), book_id)[0].scene.title
    draft_rows.put(app_env.engine.db(), user.id, book_id, {
        1: {"title": saved_title},  # the saved words: nothing to offer
        2: {"text": "Pip waves at the moon."},
        4: {"characters": "Pip"},
        7: {"title": "A page the book does not have"},
    })
    at = app_env.app(user, to=PAGE, book=str(book_id))
    assert not at.exception
    assert "You have unsaved edits on pages 2 and 4" in texts(at)
    assert not at.warning and at.data_editor[0].value["text"][1] != "Pip waves at the moon."  # not yet in the grid

    at = click(at, "Keep")
    assert not at.exception and "You have unsaved edits on" not in texts(at)
    assert "Unsaved edits on pages 2, 4" in at.warning[0].value
    grid = at.data_editor[0].value
    assert grid["text"][1] == "Pip waves at the moon." and list(grid["characters"][3]) == ["Pip"]
    assert books.scene_rows(app_env.engine.db(), book_id)[1].scene.text != "Pip waves at the moon."  # unsaved

    at = click(at, "Save")
    assert not at.exception and "Saved pages 2, 4." in texts(at) and not at.warning
    rows = books.scene_rows(app_env.engine.db(), book_id)
    assert rows[1].scene.text == "Pip waves at the moon." and rows[3].scene.characters == ("Pip",)
    assert draft(app_env, user, book_id) == {}
    at.run()
    assert "You have unsaved edits on" not in texts(at) and draft(app_env, user, book_id) == {}


def test_discard_forgets_the_offered_draft(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    draft_rows.put(app_env.engine.db(), user.id, book_id, {3: {"title": "Elsewhere"}})
    at = app_env.app(user, to=PAGE, book=str(book_id))
    assert "You have unsaved edits on page 3" in texts(at)
    at = click(at, "Discard")
    assert not at.exception and "You have unsaved edits on" not in texts(at) and not at.warning
    assert draft(app_env, user, book_id) == {}
    assert at.data_editor[0].value["title"][2] != "Elsewhere"
    fresh = app_env.app(user, to=PAGE, book=str(book_id))  # another visit: nothing left to offer
    assert "You have unsaved edits on" not in texts(fresh)


def test_a_tab_with_edits_of_its_own_is_not_offered_another_draft(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    at = app_env.app(user, to=PAGE, book=str(book_id))
    at.session_state[editor_key(book_id)] = {"edited_rows": {0: {"title": "Mine"}}}
    at.run()
    draft_rows.put(app_env.engine.db(), user.id, book_id, {3: {"title": "From another device"}})
    at.run()
    assert "You have unsaved edits on" not in texts(at)
    assert "Unsaved edits on page 1" in at.warning[0].value


def test_a_draft_is_offered_only_to_its_owner(app_env):
    ada, mallory = app_env.user("ada"), app_env.user("mallory")
    book_id = app_env.ready_book(ada)
    draft_rows.put(app_env.engine.db(), ada.id, book_id, {2: {"text": "Ada's words."}})
    at = app_env.app(mallory, to=PAGE, book=str(book_id))
    assert "Book not found." in texts(at) and "Ada's words" not in texts(at)
    assert not [b for b in at.button if b.label in ("Keep", "Discard")]


def test_a_busy_library_while_keeping_the_draft_leaves_the_edits_in_the_tab(app_env, monkeypatch):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    at = app_env.app(user, to=PAGE, book=str(book_id))

    keep, locked = drafts.keep, [True]

    def busy(*args):
        if locked:
            raise LibraryBusy("The library is busy: try again in a moment.")
        keep(*args)

    monkeypatch.setattr(drafts, "keep", busy)
    at.session_state[editor_key(book_id)] = {"edited_rows": {1: {"text": "Pip waves at the moon."}}}
    at.run()
    assert not at.exception and NOT_KEPT in texts(at)
    assert "Unsaved edits on page 2" in texts(at) and at.data_editor[0].value["text"][1] == "Pip waves at the moon."
    locked.clear()
    at.run()  # the next run tries again
    assert NOT_KEPT not in texts(at) and draft(app_env, user, book_id) == {2: {"text": "Pip waves at the moon."}}


@pytest.mark.sqlite_only
def test_a_library_locked_by_another_program_while_keeping_the_draft(app_env, monkeypatch):
    monkeypatch.setattr(data.database, "BUSY_TIMEOUT_S", 0.1)
    data.close_all()  # the next connections have the short timeout
    user = app_env.user()
    book_id = app_env.ready_book(user)
    at = app_env.app(user, to=PAGE, book=str(book_id))
    holder = sqlite3.connect(str(app_env.engine.settings.db_path), isolation_level=None, check_same_thread=False)
    try:
        holder.execute("BEGIN IMMEDIATE")
        at.session_state[editor_key(book_id)] = {"edited_rows": {1: {"text": "Pip waves at the moon."}}}
        at.run()
        assert not at.exception and NOT_KEPT in texts(at)
        assert at.data_editor[0].value["text"][1] == "Pip waves at the moon."
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    at.run()
    assert NOT_KEPT not in texts(at) and draft(app_env, user, book_id) == {2: {"text": "Pip waves at the moon."}}


def test_edits_made_while_a_draft_is_on_offer_join_it_rather_than_replace_it(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    draft_rows.put(app_env.engine.db(), user.id, book_id, {3: {"title": "From the phone"}})
    at = app_env.app(user, to=PAGE, book=str(book_id))
    at.session_state[editor_key(book_id)] = {"edited_rows": {0: {"title": "From this tab"}}}
    at.run()
    assert "You have unsaved edits on page 3" in texts(at)
    assert draft(app_env, user, book_id) == {1: {"title": "From this tab"}, 3: {"title": "From the phone"}}
    at = click(at, "Keep")
    assert "Unsaved edits on pages 1, 3" in at.warning[0].value
    assert [at.data_editor[0].value["title"][i] for i in (0, 2)] == ["From this tab", "From the phone"]


def test_rewriting_the_story_ends_the_draft(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    at = app_env.app(user, to=PAGE, book=str(book_id))
    at.session_state[editor_key(book_id)] = {"edited_rows": {0: {"title": "Words the rewrite replaces"}}}
    at.run()
    assert draft(app_env, user, book_id) == {1: {"title": "Words the rewrite replaces"}}
    at = click(click(at, "Rewrite the story"), "Rewrite")
    assert not at.exception and draft(app_env, user, book_id) == {}
    assert "You have unsaved edits on" not in texts(app_env.app(user, to=PAGE, book=str(book_id)))
