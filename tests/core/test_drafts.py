"""services.drafts on both databases: unsaved grid edits kept per person and book, offered back
as far as they still differ from the saved words, ended by a save or a discard."""

import pytest

from app_ui.grid import page_list
from storymaker import accounts, books
from storymaker.data import drafts as draft_rows
from storymaker.data import LibraryBusy
from storymaker.errors import NotFound
from storymaker.services import drafts, review

from tests.peek import value


def saved(engine, book_id, scene):
    return books.scene_rows(engine.db(), book_id)[scene - 1].scene


def test_kept_edits_are_offered_back(mock_engine, user, book_id):
    drafts.keep(mock_engine, user.id, book_id, {2: {"text": "Pip waves."}, 4: {"characters": "Pip"}})
    assert drafts.offer(mock_engine, user.id, book_id) == {2: {"text": "Pip waves."}, 4: {"characters": "Pip"}}
    drafts.keep(mock_engine, user.id, book_id, {3: {"title": "Later"}})  # the tab's edits now: the draft follows
    assert drafts.offer(mock_engine, user.id, book_id) == {3: {"title": "Later"}}


def test_no_edits_keep_no_draft(mock_engine, user, book_id):
    drafts.keep(mock_engine, user.id, book_id, {2: {"text": "Pip waves."}})
    drafts.keep(mock_engine, user.id, book_id, {2: {}})
    assert draft_rows.find(mock_engine.db(), user.id, book_id) == {}
    assert value(mock_engine.db(), "SELECT count(*) FROM drafts") == 0


def test_only_the_grid_s_columns_are_kept(mock_engine, user, book_id):
    drafts.keep(mock_engine, user.id, book_id, {2: {"text": "Pip waves.", "status": "done", "scene": "9"}})
    assert draft_rows.find(mock_engine.db(), user.id, book_id) == {2: {"text": "Pip waves."}}


def test_the_offer_drops_edits_equal_to_the_saved_words_and_pages_the_book_no_longer_has(mock_engine, user, book_id):
    page_two = saved(mock_engine, book_id, 2)
    draft_rows.put(mock_engine.db(), user.id, book_id, {
        1: {"title": "A new start", "text": saved(mock_engine, book_id, 1).text},
        2: {"title": page_two.title, "characters": ";".join(page_two.characters)},
        9: {"title": "A page this book does not have"},
    })
    assert drafts.offer(mock_engine, user.id, book_id) == {1: {"title": "A new start"}}
    review.save_edits(mock_engine, user.id, book_id, {1: {"title": "A new start"}})
    draft_rows.put(mock_engine.db(), user.id, book_id, {1: {"title": "A new start"}})  # an older tab's, say
    assert drafts.offer(mock_engine, user.id, book_id) == {}


def test_a_save_ends_the_draft_in_the_same_unit(mock_engine, user, book_id):
    drafts.keep(mock_engine, user.id, book_id, {2: {"text": "Pip waves."}, 3: {"title": "Three"}})
    review.save_edits(mock_engine, user.id, book_id, {2: {"text": "Pip waves."}})
    assert saved(mock_engine, book_id, 2).text == "Pip waves."
    assert draft_rows.find(mock_engine.db(), user.id, book_id) == {}


def test_a_refused_save_keeps_the_draft(mock_engine, user, book_id):
    drafts.keep(mock_engine, user.id, book_id, {2: {"text": " "}})
    with pytest.raises(review.SceneError):
        review.save_edits(mock_engine, user.id, book_id, {2: {"text": " "}})
    assert drafts.offer(mock_engine, user.id, book_id) == {2: {"text": " "}}


def test_a_save_that_fails_to_write_keeps_the_draft(mock_engine, user, book_id, monkeypatch):
    drafts.keep(mock_engine, user.id, book_id, {2: {"text": "Pip waves."}})

    def busy(*args, **kwargs):
        raise LibraryBusy("The library is busy: try again.")

    monkeypatch.setattr(review.story, "write_csv", busy)  # fails after the words and before the commit
    with pytest.raises(LibraryBusy):
        review.save_edits(mock_engine, user.id, book_id, {2: {"text": "Pip waves."}})
    assert draft_rows.find(mock_engine.db(), user.id, book_id) == {2: {"text": "Pip waves."}}
    assert saved(mock_engine, book_id, 2).text != "Pip waves."


def test_discard_forgets_the_draft(mock_engine, user, book_id):
    drafts.keep(mock_engine, user.id, book_id, {2: {"text": "Pip waves."}})
    drafts.discard(mock_engine, user.id, book_id)
    assert drafts.offer(mock_engine, user.id, book_id) == {}
    drafts.discard(mock_engine, user.id, book_id)  # twice is fine (two tabs)


def test_another_user_s_book_is_refused(mock_engine, user, book_id):
    drafts.keep(mock_engine, user.id, book_id, {2: {"text": "Pip waves."}})
    mallory = accounts.get_or_create(mock_engine.db(), "mallory")
    for call in (lambda: drafts.keep(mock_engine, mallory.id, book_id, {1: {"title": "x"}}),
                 lambda: drafts.offer(mock_engine, mallory.id, book_id),
                 lambda: drafts.discard(mock_engine, mallory.id, book_id),
                 lambda: drafts.keep(mock_engine, user.id, 999_999, {1: {"title": "x"}})):
        with pytest.raises(NotFound):
            call()
    assert value(mock_engine.db(), "SELECT count(*) FROM drafts") == 1
    assert drafts.offer(mock_engine, user.id, book_id) == {2: {"text": "Pip waves."}}


def test_pages_are_named_as_a_sentence_names_them():
    assert [page_list(s) for s in ([2], [5, 2], [4, 1, 3])] == ["page 2", "pages 2 and 5", "pages 1, 3 and 4"]
