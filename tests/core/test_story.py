
import pytest

from storymaker import books, storage, usage
from storymaker.scenes import parse_csv
from storymaker.story import MAX_ASKS, StoryError, ask_for_scenes, save_scenes

from tests.conftest import make_book
from tests.fakes.models import story_json


def new_book(engine, user, scenes=4):
    return books.get(engine.db(), user.id, make_book(engine, user.id, scenes=scenes, run=False))


def test_story_is_validated_stored_and_written_as_csv(mock_engine, user):
    book = new_book(mock_engine, user)
    scenes = ask_for_scenes(mock_engine, book)
    save_scenes(mock_engine, book.id, scenes)
    assert [s.scene for s in scenes] == [1, 2, 3, 4]
    csv_path = storage.story_path(storage.book_dir(mock_engine.books_dir, book.id))
    assert parse_csv(csv_path.read_bytes(), 4, book.names) == scenes
    assert [r.scene for r in books.scene_rows(mock_engine.db(), book.id)] == scenes
    request = mock_engine.text_model.requests[0]
    assert request.schema["properties"]["scenes"]["minItems"] == 4
    assert "The Lighthouse Cat" in request.messages[1].content


def test_a_malformed_answer_is_reasked_with_the_problems(mock_engine, user):
    book = new_book(mock_engine, user)
    mock_engine.text_model.replies.extend(["Once upon a time...", story_json(book.names, 4)])
    assert len(ask_for_scenes(mock_engine, book)) == 4
    second = mock_engine.text_model.requests[1]
    assert [m.role for m in second.messages] == ["system", "user", "assistant", "user"]
    assert "holds no scene list" in second.messages[-1].content


def test_an_answer_that_stays_invalid_fails_clearly_and_writes_nothing(mock_engine, user):
    book = new_book(mock_engine, user)
    mock_engine.text_model.replies.extend([story_json(book.names, 3)] * MAX_ASKS)
    with pytest.raises(StoryError, match="did not fit a 4-page book after 3 tries.*expected 4 scenes, found 3"):
        ask_for_scenes(mock_engine, book)
    assert not storage.story_path(storage.book_dir(mock_engine.books_dir, book.id)).exists()
    assert len(mock_engine.text_model.requests) == MAX_ASKS


def test_usage_is_recorded_per_call(mock_engine, user):
    book = new_book(mock_engine, user)
    mock_engine.text_model.replies.extend(["nope", story_json(book.names, 4)])
    ask_for_scenes(mock_engine, book)
    totals = usage.for_book(mock_engine.db(), book.id)
    assert (totals.input_tokens, totals.output_tokens, totals.calls) == (200, 400, 2)
