"""Studio: new words for a page from its preview dialog (propose, use, try another, keep), with the offline writer."""

from __future__ import annotations

import pytest

from storymaker import books
from storymaker.engine import Engine
from storymaker.models import registry
from storymaker.models.offline_text import OfflineTextModel

from tests.fakes.models import OfflineImage

from .support import click, texts

PAGE = "app_pages/studio.py"


@pytest.fixture
def env(app_env):
    """The app and the test with the real offline writer (the book's words are its own), a quick painter."""
    with registry.registered("offline", text=lambda settings: OfflineTextModel(), image=lambda settings: OfflineImage()):
        app_env.engine = Engine(app_env.engine.settings, OfflineTextModel(), OfflineImage())
        yield app_env


def open_page(env, user, book_id, scene):
    at = env.app(user, to=PAGE, book=str(book_id))
    at.session_state["studio_preview"] = (book_id, scene)  # what the row's Open button sets
    return at.run()


def words(env, book_id):
    return [row.scene for row in books.scene_rows(env.engine.db(), book_id)]


def propose(at, book_id, scene, instruction=""):
    at.text_input(key=f"studio_rewrite_text_{book_id}_{scene}").set_value(instruction)
    return click(at, "Propose new words")


def test_propose_then_use_the_new_words(env):
    user = env.user()
    book_id = env.ready_book(user, scenes=6)
    before = words(env, book_id)
    at = open_page(env, user, book_id, 3)
    assert not at.exception
    assert "offline writer offers other wordings" in texts(at)
    at = propose(at, book_id, 3, "shorter")
    assert not at.exception
    proposal = at.session_state[f"studio_proposal_{book_id}_3"]
    assert proposal.old == before[2] and len(proposal.new.text.split()) < len(before[2].text.split())
    assert "Proposed (asked: “shorter”)" in texts(at)
    assert words(env, book_id) == before  # nothing changes before Use
    at = click(at, "Use the new words")
    assert not at.exception
    after = words(env, book_id)
    assert after[2].text == proposal.new.text and after[:2] + after[3:] == before[:2] + before[3:]
    assert "Page 3 has the new words." in texts(at)
    assert f"studio_proposal_{book_id}_3" not in at.session_state


def test_try_another_then_keep_the_old_words(env):
    user = env.user()
    book_id = env.ready_book(user, scenes=6)
    before = words(env, book_id)
    at = propose(open_page(env, user, book_id, 2), book_id, 2)
    first = at.session_state[f"studio_proposal_{book_id}_2"]
    at = click(at, "Try another")
    assert not at.exception
    second = at.session_state[f"studio_proposal_{book_id}_2"]
    assert second.attempt == 1 and second.new.text not in (first.new.text, before[1].text)
    at = click(at, "Keep the old words")
    assert not at.exception
    assert f"studio_proposal_{book_id}_2" not in at.session_state
    assert [b.label for b in at.button if b.label == "Use the new words"] == []
    assert words(env, book_id) == before


def test_unsaved_grid_edits_of_the_page_are_saved_before_proposing(env):
    user = env.user()
    book_id = env.ready_book(user, scenes=6)
    at = env.app(user, to=PAGE, book=str(book_id))
    at.session_state[f"studio_edits_{book_id}"] = {4: {"title": "My Own Title"}}
    at.session_state["studio_preview"] = (book_id, 4)
    at = propose(at.run(), book_id, 4)
    assert not at.exception
    assert words(env, book_id)[3].title == "My Own Title"
    assert at.session_state[f"studio_proposal_{book_id}_4"].old.title == "My Own Title"


def test_an_unsafe_instruction_is_refused_in_words(env):
    user = env.user()
    book_id = env.ready_book(user, scenes=4)
    at = propose(open_page(env, user, book_id, 2), book_id, 2, "make it gory and bloody")
    assert not at.exception
    assert "This instruction mentions" in texts(at)
    assert f"studio_proposal_{book_id}_2" not in at.session_state
