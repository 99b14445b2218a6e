"""The safety checks through the service path: the OpenAI SDK against the fake server's moderation
endpoint (flagging on cue), and the word list offline; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from storymaker import accounts, books, characters, safety
from storymaker.books import BookOptions
from storymaker.engine import Engine
from storymaker.models.openai_models import OpenAIModerationModel
from storymaker.runner import Runner
from storymaker.scenes import SceneError
from storymaker.services import characters as cast_service
from storymaker.services import library, review, studio
from storymaker.services import safety as safety_service

from tests.core.safety_lists import PASS, REFUSE
from tests.fakes.openai_server import FakeOpenAI, default_story_answer


@pytest.fixture
def fake():
    with FakeOpenAI(image_size=(64, 64)) as server:
        yield server


@pytest.fixture
def engine(fake, settings):
    return Engine(replace(settings, provider="openai", api_key="test-key", base_url=fake.base_url, text_timeout=10,
                          image_timeout=10, retry_backoff_s=0.01, retry_window_s=1, max_http_attempts=2))


@pytest.fixture
def ada(engine):
    return accounts.get_or_create(engine.db(), "ada")


def cast(engine, user_id):
    return [characters.create(engine.db(), user_id, "Mia", "a curious girl with red boots").id]


OPENAI_NAME = {"profanity": "harassment"}


def inputs_of(request):
    return request.json["input"]


def test_the_refuse_list_is_refused_through_the_moderation_endpoint_in_one_call(engine, fake, ada):
    # The service has no "profanity" category: it scores swearing as harassment.
    served = {text: OPENAI_NAME.get(category, category) for text, category in REFUSE}
    fake.flag_when = served.get
    fields = {f"line {n}": text for n, (text, _) in enumerate(REFUSE)}
    verdict = safety.check_inputs(engine, fields, user_id=ada.id)
    assert verdict.checker == "omni-moderation-latest"
    assert {name: flag.categories for name, flag in verdict.flags.items()} == {
        f"line {n}": (served[text],) for n, (text, _) in enumerate(REFUSE)}
    [request] = fake.requests_for("moderations")  # batched: one call for every field
    assert inputs_of(request) == [text for text, _ in REFUSE]
    assert len(safety_service.refusals(engine, ada.id, limit=100)) == len(REFUSE)


def test_the_pass_list_passes_through_the_moderation_endpoint(engine, fake):
    verdict = safety.check_inputs(engine, {f"line {n}": text for n, text in enumerate(PASS)})
    assert verdict.ok and len(fake.requests_for("moderations")) == 1


def test_a_refused_title_is_named_under_its_field_and_nothing_is_made_or_charged(engine, fake, ada):
    ids = cast(engine, ada.id)
    with pytest.raises(books.BookError) as refused:
        studio.start_book(engine, ada.id, BookOptions("Dragons FLAGME", premise="being kind"), ids)
    assert refused.value.fields == {
        "title": "This title mentions graphic violence, which Storymaker does not put in children's books."}
    assert books.list_for(engine.db(), ada.id) == []
    assert fake.requests_for("chat") == [] and fake.requests_for("images") == []
    [kept] = safety_service.refusals(engine, ada.id)
    assert (kept.stage, kept.subject, kept.book_id, kept.categories) == ("input", "title", None, ("violence/graphic",))
    assert kept.scores["violence/graphic"] == 0.9 and kept.excerpt == "Dragons FLAGME"


def test_a_refused_character_in_the_cast_is_named_under_characters(engine, fake, ada):
    bad = characters.create(engine.db(), ada.id, "Rex", "FLAGME teeth")  # stored before the checks existed
    with pytest.raises(books.BookError) as refused:
        studio.start_book(engine, ada.id, BookOptions("The Lighthouse Cat"), [bad.id])
    assert list(refused.value.fields) == ["characters"]
    assert refused.value.fields["characters"].startswith("The character Rex mentions graphic violence")


def test_a_book_that_passes_is_checked_in_one_call_before_anything_costs_money(engine, fake, ada):
    book_id = studio.start_book(engine, ada.id, BookOptions("The Lighthouse Cat", premise="being brave",
                                                            scene_count=4), cast(engine, ada.id))
    first = fake.requests[0]
    assert first.endpoint == "moderations"
    assert inputs_of(first) == ["The Lighthouse Cat", "being brave", "English",
                                "Mia\na curious girl with red boots"]
    Runner(engine).run_until_idle(timeout=60)
    assert books.get(engine.db(), ada.id, book_id).status == books.READY
    checks = fake.requests_for("moderations")
    # the form, the story (all 4 pages in one call), then each of the 5 pictures
    assert len(checks) == 1 + 1 + 5 and len(inputs_of(checks[1])) == 4
    assert all(r.json["input"][0]["type"] == "image_url" for r in checks[2:])
    assert all(r.json["input"][0]["image_url"]["url"].startswith("data:image/jpeg;base64,") for r in checks[2:])


def test_a_moderation_outage_fails_closed_and_never_blocks_reading(engine, fake, ada):
    ids = cast(engine, ada.id)
    book_id = studio.start_book(engine, ada.id, BookOptions("The Lighthouse Cat", scene_count=4), ids)
    Runner(engine).run_until_idle(timeout=60)
    fake.outage(60)
    with pytest.raises(safety.SafetyUnavailable, match="could not be made just now.*Nothing was started"):
        studio.start_book(engine, ada.id, BookOptions("Another Book", scene_count=4), ids)
    assert [b.id for b in books.list_for(engine.db(), ada.id)] == [book_id]
    before = len(fake.requests)
    reading = library.read(engine, ada.id, book_id)
    assert reading is not None and len(review.grid(engine, ada.id, book_id)) == 4
    assert len(fake.requests) == before  # reading asks no service at all


def test_a_moderation_outage_during_a_story_fails_the_book_with_a_clear_message(engine, fake, ada):
    book_id = studio.start_book(engine, ada.id, BookOptions("The Lighthouse Cat", scene_count=4), cast(engine, ada.id))
    fake.enqueue("moderations", status=503, json={"error": {"message": "down", "type": "server_error"}}, times=20)
    Runner(engine).run_until_idle(timeout=60)
    book = books.get(engine.db(), ada.id, book_id)
    assert book.status == books.NEEDS_ATTENTION
    assert "The safety check of" in (book.error or "") and "could not be made, so it was not kept" in book.error
    assert books.scene_rows(engine.db(), book_id) == []  # nothing unchecked was kept


def flag_page(page: int, times: int):
    """A story answer whose page `page` holds the fake's marker in its first `times` answers."""
    answers = {"n": 0}

    def answer(request_json):
        story = json.loads(default_story_answer(request_json))
        if answers["n"] < times:
            story["scenes"][page - 1]["text"] = "Then FLAGME happened."
        answers["n"] += 1
        return json.dumps(story)
    return answer


def test_a_refused_page_is_rewritten_once_with_the_reason(engine, fake, ada):
    fake.story_answer = flag_page(2, times=1)
    book_id = studio.start_book(engine, ada.id, BookOptions("The Lighthouse Cat", scene_count=4), cast(engine, ada.id))
    Runner(engine).run_until_idle(timeout=60)
    assert books.get(engine.db(), ada.id, book_id).status == books.READY
    asks = fake.requests_for("chat")
    assert len(asks) == 2 and "Page 2: it has graphic violence" in asks[1].json["messages"][-1]["content"]
    assert "FLAGME" not in books.get_scene(engine.db(), book_id, 2).text
    [kept] = safety_service.refusals(engine, ada.id, book_id=book_id)
    assert (kept.stage, kept.subject, kept.outcome) == ("story", "page 2", "rewritten")


def test_a_page_refused_again_stops_the_book_with_a_clear_message(engine, fake, ada):
    fake.story_answer = flag_page(3, times=2)
    book_id = studio.start_book(engine, ada.id, BookOptions("The Lighthouse Cat", scene_count=4), cast(engine, ada.id))
    Runner(engine).run_until_idle(timeout=60)
    book = books.get(engine.db(), ada.id, book_id)
    assert book.status == books.NEEDS_ATTENTION
    assert "page 3 (graphic violence)" in book.error and "again when asked to rewrite it" in book.error
    assert fake.requests_for("generations") == [r for r in fake.requests_for("generations") if "cover" in str(r.json)]
    outcomes = [(r.subject, r.outcome) for r in safety_service.refusals(engine, ada.id, book_id=book_id)]
    assert outcomes == [("page 3", "refused"), ("page 3", "rewritten")]


def test_a_refused_picture_is_never_kept(engine, fake, ada):
    fake.flag_pictures = "violence/graphic"
    book_id = studio.start_book(engine, ada.id, BookOptions("The Lighthouse Cat", scene_count=4), cast(engine, ada.id))
    Runner(engine).run_until_idle(timeout=60)
    rows = books.scene_rows(engine.db(), book_id)
    assert all(r.status == books.FAILED and r.image_version == 0 for r in rows)
    assert "The safety check refused the picture of page 1 (graphic violence)" in rows[0].error
    assert not engine.store.list(f"storymaker/book_{book_id}/scene_")
    subjects = {r.subject for r in safety_service.refusals(engine, ada.id, book_id=book_id)}
    assert subjects == {"the cover picture"} | {f"the picture of page {n}" for n in range(1, 5)}


def test_a_characters_refused_words_are_named_per_field_and_nothing_is_saved(engine, fake, ada):
    with pytest.raises(safety.InputRefused) as refused:
        cast_service.save(engine, ada.id, None, "Rex", "a dinosaur", "FLAGME when angry")
    assert refused.value.fields == {
        "personality": "This personality mentions graphic violence, which Storymaker does not put in children's books."}
    assert characters.list_for(engine.db(), ada.id) == []
    assert inputs_of(fake.requests_for("moderations")[0]) == ["Rex", "a dinosaur", "FLAGME when angry"]


def test_grid_edits_and_an_uploaded_story_csv_are_checked_and_nothing_is_saved(engine, fake, ada):
    book_id = studio.start_book(engine, ada.id, BookOptions("The Lighthouse Cat", scene_count=4), cast(engine, ada.id))
    Runner(engine).run_until_idle(timeout=60)
    before = books.get_scene(engine.db(), book_id, 2)
    with pytest.raises(SceneError) as refused:
        review.save_edits(engine, ada.id, book_id, {2: {"text": "And then FLAGME.", "title": "A fine day"}})
    assert refused.value.problems == [
        "page 2, text: it mentions graphic violence, which Storymaker does not put in children's books."]
    assert books.get_scene(engine.db(), book_id, 2) == before
    csv = review.export_csv(engine, ada.id, book_id).decode("utf-8-sig").replace("friends took", "FLAGME took", 1)
    with pytest.raises(SceneError, match="page 1, text: it mentions graphic violence"):
        review.import_csv(engine, ada.id, book_id, csv)
    assert books.get_scene(engine.db(), book_id, 1).text.startswith("On page 1 the friends took")
    assert [r.book_id for r in safety_service.refusals(engine, ada.id)] == [book_id, book_id]


def test_a_server_without_a_moderation_endpoint_falls_back_to_the_word_list(engine, fake, ada):
    fake.enqueue_error("moderations", 404, "Unknown request URL: POST /v1/moderations.", code="unknown_url")
    verdict = safety.check_inputs(engine, {"title": "The fox sold cocaine"}, user_id=ada.id)
    assert verdict.checker == "word list" and verdict.flags["title"].categories == ("illicit",)
    assert isinstance(engine.moderation_model, OpenAIModerationModel) and engine.moderation_model.fallback
    assert any("word-and-phrase list" in line and "no moderation endpoint" in line
               for line in safety_service.active_checks(engine))
    assert any("are not checked here" in line for line in safety_service.active_checks(engine))


def test_offline_the_word_list_refuses_and_the_painter_needs_no_picture_check(offline_engine):
    mock_engine, user = offline_engine, accounts.get_or_create(offline_engine.db(), "ada")
    with pytest.raises(books.BookError) as refused:
        studio.start_book(mock_engine, user.id, BookOptions("Smoking weed with the owls"), cast(mock_engine, user.id))
    assert refused.value.fields["title"] == ("This title mentions drugs or crime, which Storymaker does not put in "
                                             "children's books. (It found “Smoking weed”.)")
    [kept] = safety_service.refusals(mock_engine, user.id)
    assert kept.checker == "word list" and kept.scores == {"illicit": 1.0}
    lines = safety_service.active_checks(mock_engine)
    assert any("offline painter" in line and "need no check" in line for line in lines)
    assert any(line.startswith("Strictness: strict") for line in lines)
