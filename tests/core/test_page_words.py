"""A page's words rewritten on request and a new page's words (services.page_words): with the offline writer,
and through the OpenAI SDK against the fake server; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from storymaker import accounts, books, safety
from storymaker.engine import Engine
from storymaker.errors import Invalid, NotFound
from storymaker.files import layout
from storymaker.models.offline_text import OfflineTextModel
from storymaker.page_writer import PageWordsError
from storymaker.scenes import parse_csv
from storymaker.services import page_words, review
from storymaker.services import safety as safety_service
from tests.conftest import make_book
from tests.fakes.models import MockImageModel
from tests.fakes.openai_server import FakeOpenAI


@pytest.fixture
def engine(settings):
    """The offline writer (the real one) with a quick painter."""
    return Engine(settings, text_model=OfflineTextModel(), image_model=MockImageModel())


@pytest.fixture
def fake():
    with FakeOpenAI(image_size=(64, 64)) as server:
        yield server


@pytest.fixture
def remote(fake, settings):
    return Engine(replace(settings, provider="openai", api_key="test-key", base_url=fake.base_url, text_timeout=10,
                          image_timeout=10, retry_backoff_s=0.01, retry_window_s=1, max_http_attempts=2))


def user_of(engine):
    return accounts.get_or_create(engine.db(), "ada")


def pages(engine, book_id):
    return [row.scene for row in books.scene_rows(engine.db(), book_id)]


def csv_pages(engine, book_id):
    return parse_csv(engine.store.get(layout.story_key(book_id)), len(pages(engine, book_id)), ["Mia", "Pip"])


def versions(engine, book_id):
    return [row.image_version for row in books.scene_rows(engine.db(), book_id)]


# ---------------------------------------------------------------- offline


def test_offline_propose_then_accept_changes_only_that_pages_words(engine):
    ada = user_of(engine)
    book_id = make_book(engine, ada.id, scenes=6)
    before = pages(engine, book_id)
    proposal = page_words.propose(engine, ada.id, book_id, 3, "")
    assert proposal.old == before[2]
    assert proposal.new.text != proposal.old.text
    assert (proposal.new.illustration, proposal.new.characters) == (proposal.old.illustration, proposal.old.characters)
    assert pages(engine, book_id) == before  # a proposal changes nothing
    saved = page_words.accept(engine, ada.id, book_id, proposal)
    after = pages(engine, book_id)
    assert saved == after[2] == proposal.new
    assert after[:2] + after[3:] == before[:2] + before[3:]
    assert csv_pages(engine, book_id) == after  # story.csv follows
    assert versions(engine, book_id) == [1] * 6  # pictures untouched


def test_offline_try_another_gives_other_words_and_the_same_attempt_the_same(engine):
    ada = user_of(engine)
    book_id = make_book(engine, ada.id, scenes=6)
    tries = [page_words.propose(engine, ada.id, book_id, 2, "", attempt).new.text for attempt in range(3)]
    assert len(set(tries)) == 3
    assert page_words.propose(engine, ada.id, book_id, 2, "", 1).new.text == tries[1]


def test_offline_shorter_has_fewer_words(engine):
    ada = user_of(engine)
    book_id = make_book(engine, ada.id, scenes=6)
    proposal = page_words.propose(engine, ada.id, book_id, 4, "  shorter,   please ")
    assert proposal.instruction == "shorter, please"
    assert len(proposal.new.text.split()) < len(proposal.old.text.split())


def test_accepting_after_the_page_was_edited_meanwhile_is_refused_and_the_edit_stays(engine):
    ada = user_of(engine)
    book_id = make_book(engine, ada.id, scenes=4)
    proposal = page_words.propose(engine, ada.id, book_id, 2, "")
    review.save_edits(engine, ada.id, book_id, {2: {"text": "Mia typed this in another tab."}})
    with pytest.raises(review.WordsChanged, match="Page 2's words were changed after these new words were proposed"):
        page_words.accept(engine, ada.id, book_id, proposal)
    assert pages(engine, book_id)[1].text == "Mia typed this in another tab."
    assert csv_pages(engine, book_id)[1].text == "Mia typed this in another tab."


def test_an_instruction_is_at_most_200_characters(engine):
    ada = user_of(engine)
    book_id = make_book(engine, ada.id, scenes=4)
    with pytest.raises(Invalid, match="at most 200 characters"):
        page_words.propose(engine, ada.id, book_id, 2, "x" * 201)


def test_offline_new_page_is_written_for_its_place(engine):
    ada = user_of(engine)
    book_id = make_book(engine, ada.id, scenes=10)
    scene = page_words.draft_new_page(engine, ada.id, book_id, 5)
    assert scene.scene == 6 and set(scene.characters) <= {"Mia", "Pip"} and scene.characters
    assert scene.text not in {p.text for p in pages(engine, book_id)}
    assert page_words.draft_new_page(engine, ada.id, book_id, 5, 1) != scene
    assert pages(engine, book_id)[5].text != scene.text  # a draft: nothing stored


def test_somebody_elses_book_is_not_found(engine):
    ada = user_of(engine)
    book_id = make_book(engine, ada.id, scenes=4)
    eve = accounts.get_or_create(engine.db(), "eve")
    with pytest.raises(NotFound):
        page_words.propose(engine, eve.id, book_id, 2, "")
    with pytest.raises(NotFound):
        page_words.draft_new_page(engine, eve.id, book_id, 2)


# ---------------------------------------------------------------- a remote model (the fake server)


def chat_prompts(fake):
    return [r.json["messages"] for r in fake.requests_for("chat")]


def remote_book(remote, fake):
    ada = user_of(remote)
    book_id = make_book(remote, ada.id, scenes=4)
    fake.reset()
    return ada, book_id


def test_remote_propose_then_accept_changes_only_that_page(remote, fake):
    ada, book_id = remote_book(remote, fake)
    before = pages(remote, book_id)
    proposal = page_words.propose(remote, ada.id, book_id, 3, "make it rhyme {{ 7*7 }}")
    [request] = fake.requests_for("chat")
    prompt = request.json["messages"][-1]["content"]
    assert "make it rhyme {{ 7*7 }}" in prompt and before[2].text in prompt
    assert request.json["response_format"]["json_schema"]["name"] == "picture_book_page"
    assert len(fake.requests_for("moderations")) == 2  # the instruction, then the proposed words
    assert proposal.new.title == before[2].title + " Anew"
    page_words.accept(remote, ada.id, book_id, proposal)
    after = pages(remote, book_id)
    assert after[2].text == proposal.new.text and after[2].illustration == before[2].illustration
    assert after[:2] + after[3:] == before[:2] + before[3:]
    assert csv_pages(remote, book_id) == after


def test_a_bad_answer_is_asked_again_with_its_problems(remote, fake):
    ada, book_id = remote_book(remote, fake)
    answers = iter(['{"title": "", "text": "Only words"}'])
    default = fake.story_answer
    fake.story_answer = lambda request: next(answers, None) or default(request)
    proposal = page_words.propose(remote, ada.id, book_id, 2, "")
    first, second = chat_prompts(fake)
    assert "title is empty" in second[-1]["content"] and second[-2]["role"] == "assistant"
    assert proposal.new.text.endswith("one happy step at a time.")


def test_answers_that_never_fit_say_so(remote, fake):
    ada, book_id = remote_book(remote, fake)
    fake.story_answer = lambda request: "Sorry, I would rather not."
    with pytest.raises(PageWordsError, match="did not fit a page, twice"):
        page_words.propose(remote, ada.id, book_id, 2, "")
    assert len(fake.requests_for("chat")) == 2


def test_unsafe_proposed_words_are_refused_and_not_shown(remote, fake):
    ada, book_id = remote_book(remote, fake)
    fake.story_answer = lambda request: json.dumps({"title": "Oh", "text": "FLAGME all the way."})
    with pytest.raises(PageWordsError, match="new words for page 2 had graphic violence"):
        page_words.propose(remote, ada.id, book_id, 2, "")
    [kept] = safety_service.refusals(remote, ada.id)
    assert "FLAGME" in kept.excerpt and kept.outcome == "refused"


def test_an_unsafe_instruction_is_refused_before_anything_is_asked(remote, fake):
    ada, book_id = remote_book(remote, fake)
    with pytest.raises(safety.InputRefused) as refused:
        page_words.propose(remote, ada.id, book_id, 2, "add FLAGME")
    assert refused.value.fields == {
        "instruction": "This instruction mentions graphic violence, which Storymaker does not put in children's books."}
    assert fake.requests_for("chat") == []


def test_a_model_failure_reaches_the_person_as_words(remote, fake):
    ada, book_id = remote_book(remote, fake)
    fake.enqueue_error("chat", 401, "Incorrect API key provided.", code="invalid_api_key")
    with pytest.raises(PageWordsError) as failed:
        page_words.propose(remote, ada.id, book_id, 2, "")
    assert str(failed.value)


def test_remote_new_page_is_written_from_its_neighbours(remote, fake):
    ada, book_id = remote_book(remote, fake)
    before = pages(remote, book_id)
    scene = page_words.draft_new_page(remote, ada.id, book_id, 2)
    assert scene.scene == 3 and scene.characters == ("Mia",) and scene.title == "One More Try"
    prompt = chat_prompts(fake)[0][-1]["content"]
    assert "after page 2" in prompt and f'before page 3 ("{before[2].title}"' in prompt
