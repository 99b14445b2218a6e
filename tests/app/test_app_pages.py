"""Studio: a page moved, added and removed (with Undo) from its preview dialog."""

from storymaker import books
from storymaker.files import layout
from storymaker.runner import Runner
from storymaker.services import pages as page_service

from .support import click, texts

PAGE = "app_pages/studio.py"


def open_page(env, user, book_id, scene):
    at = env.app(user, to=PAGE, book=str(book_id))
    at.session_state["studio_preview"] = (book_id, scene)  # what the row's Open button sets
    return at.run()


def titles(env, book_id):
    return [row.scene.title for row in books.scene_rows(env.engine.db(), book_id)]


def button(at, label):
    return next(b for b in at.button if b.label == label)


def test_the_ends_disable_moving_past_them_and_the_smallest_book_removing(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    at = open_page(app_env, user, book_id, 1)
    assert not at.exception
    assert button(at, "Move up").disabled and not button(at, "Move down").disabled
    assert button(at, "Remove this page").disabled and not button(at, "Add a page after this one").disabled
    assert "A book has at least 4 pages: add one before removing another." in texts(at)
    at = open_page(app_env, user, book_id, 4)
    assert not button(at, "Move up").disabled and button(at, "Move down").disabled


def test_a_move_keeps_the_preview_on_the_moved_page(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    before = titles(app_env, book_id)
    picture = app_env.engine.store.get(layout.page_key(book_id, 2))
    at = click(open_page(app_env, user, book_id, 2), "Move down")
    assert not at.exception
    assert titles(app_env, book_id) == [before[0], before[2], before[1], before[3]]
    assert app_env.engine.store.get(layout.page_key(book_id, 3)) == picture
    assert at.session_state["studio_preview"] == (book_id, 3)
    assert "Moved page 2 down: it is page 3 now." in texts(at)
    assert any(s.value.startswith("3. ") for s in at.subheader)  # the dialog shows the moved page as page 3


def test_unsaved_grid_edits_are_saved_before_a_move_on_their_own_page(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    at = app_env.app(user, to=PAGE, book=str(book_id))
    at.session_state[f"studio_edits_{book_id}"] = {2: {"title": "Typed before the move"}}
    at.session_state["studio_preview"] = (book_id, 2)
    at = click(at.run(), "Move down")
    assert not at.exception
    assert titles(app_env, book_id)[2] == "Typed before the move"  # saved, and moved with its page
    assert not at.session_state[f"studio_edits_{book_id}"]


def test_a_page_written_by_hand_is_added_after_this_one(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    at = click(open_page(app_env, user, book_id, 2), "Add a page after this one")
    assert not at.exception
    assert "The new page becomes page 3; the pages after it move down one." in texts(at)
    neighbour = books.get_scene(app_env.engine.db(), book_id, 2)
    assert at.multiselect(key=f"page_new_characters_{book_id}").value == list(neighbour.characters)
    at.text_input(key=f"page_new_title_{book_id}").set_value("The shell")
    at.text_area(key=f"page_new_text_{book_id}").set_value("Pip finds a shell.")
    at = click(at, "Add the page")
    assert not at.exception
    assert "The page was not added: what the picture shows" not in texts(at)
    assert "illustration is empty" in texts(at)  # nothing added until every field is there
    at.text_area(key=f"page_new_illustration_{book_id}").set_value("Pip with a shell on the sand")
    at = click(at, "Add the page")
    assert not at.exception
    assert titles(app_env, book_id)[2] == "The shell"
    assert books.get(app_env.engine.db(), user.id, book_id).scene_count == 5
    # Jobs run inline here: the click's own run has the new page's picture, so nothing is promised.
    assert "Added page 3." in texts(at) and "Its picture appears" not in texts(at)
    assert books.scene_rows(app_env.engine.db(), book_id)[2].status == books.DONE


def test_removing_asks_first_and_can_be_undone_from_above_the_grid(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user, scenes=5)
    before = titles(app_env, book_id)
    at = click(open_page(app_env, user, book_id, 4), "Remove this page")
    assert not at.exception
    assert "Page 4 leaves the book with its pictures; the pages after it move up one." in texts(at)
    at = click(at, "Keep it")
    assert titles(app_env, book_id) == before
    at = click(open_page(app_env, user, book_id, 4), "Remove this page")
    at = click(at, "Remove page 4")
    assert not at.exception
    assert titles(app_env, book_id) == before[:3] + before[4:]
    assert "Page 4 removed." in texts(at)
    at = click(at, "Undo")
    assert not at.exception
    assert titles(app_env, book_id) == before
    assert "Page 4 is back." in texts(at)
    assert "Page 4 removed." not in texts(at)


def test_an_undo_that_can_no_longer_happen_says_so(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user, scenes=6)
    at = click(click(open_page(app_env, user, book_id, 1), "Remove this page"), "Remove page 1")
    page_service.remove_page(app_env.engine, user.id, book_id, 1)  # in another tab: the first one is purged
    at = click(at, "Undo")
    assert not at.exception
    assert "That page cannot be put back any more" in texts(at)


def test_the_writer_drafts_a_page_into_the_form_to_read_before_it_is_added(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    at = click(open_page(app_env, user, book_id, 2), "Add a page after this one")
    at = click(at, "Let the writer draft it")
    assert not at.exception
    first = at.text_area(key=f"page_new_text_{book_id}").value
    assert first and at.text_input(key=f"page_new_title_{book_id}").value
    assert at.text_area(key=f"page_new_illustration_{book_id}").value
    assert len(titles(app_env, book_id)) == 4  # drafted, not added: the author reads it first
    at = click(at, "Draft another")
    assert not at.exception
    second = at.text_area(key=f"page_new_text_{book_id}").value
    assert second and second != first
    at = click(at, "Add the page")
    assert not at.exception
    Runner(app_env.engine).run_until_idle()
    assert len(titles(app_env, book_id)) == 5
    assert books.get_scene(app_env.engine.db(), book_id, 3).text == second  # the draft, as the author saw it
