"""Transient model failures do not lose a book: whole books through the real openai SDK
against the fake OpenAI-compatible server, which rate-limits, fails and goes down on cue.

Each test prints one `retry-figures` JSON line (run with `-s` to see them): HTTP
requests, faults served, the most failed requests one job spent, and wall time.
"""

from __future__ import annotations

import json
import time

import pytest

from storymaker import accounts, books, characters, jobs
from storymaker.services import studio
from storymaker.books import BookOptions
from storymaker.config import Settings
from storymaker.engine import Engine
from storymaker.models.errors import RateLimitedError, TransientModelError
from storymaker.models.openai_models import OpenAITextModel
from storymaker.runner import Runner

from tests.fakes.openai_server import FakeOpenAI
from tests.peek import one, sql, value
from tests.models.test_openai_models import story_request


@pytest.fixture
def fake():
    with FakeOpenAI(image_size=(64, 64)) as server:
        yield server


def make_engine(fake, tmp_path, **overrides) -> Engine:
    values = dict(provider="openai", api_key="test-key", base_url=fake.base_url, data_dir=tmp_path / "data",
                  text_timeout=10, image_timeout=10, concurrency=4) | overrides
    return Engine(Settings(**values))


def start(engine, scenes=4, title="The Lighthouse Cat", username="ada"):
    db = engine.db()
    user = accounts.get_or_create(db, username)
    cast = [c.id for c in characters.list_for(db, user.id)] or [
        characters.create(db, user.id, "Mia", "a curious girl with red boots").id,
        characters.create(db, user.id, "Pip", "a tiny grey cat").id,
    ]
    return user, studio.start_book(engine, user.id, BookOptions(title, scene_count=scenes), cast)


def run_in_background(engine, user, book_ids, timeout=120.0):
    runner = Runner(engine, poll_s=0.05).start()
    try:
        deadline = time.monotonic() + timeout
        while any(studio.progress(engine, user.id, b).running for b in book_ids):
            assert time.monotonic() < deadline, "the books were not finished in time"
            time.sleep(0.05)
    finally:
        runner.stop()


def most_tries(engine) -> int:
    return value(engine.db(), "SELECT COALESCE(MAX(http_tries), 0) FROM jobs")


def figures(name, fake, engine, began, **more):
    line = {"test": name, "requests": len(fake.requests), "faults": fake.faults_served,
            "most_failed_requests_in_one_job": most_tries(engine), "wall_s": round(time.monotonic() - began, 2)} | more
    print("retry-figures", json.dumps(line))
    return line


def test_the_story_survives_five_rate_limited_answers_in_a_row(fake, tmp_path):
    engine = make_engine(fake, tmp_path)
    fake.rate_limit("chat", 5, retry_after=0.2)
    began = time.monotonic()
    user, book_id = start(engine)
    Runner(engine).run_until_idle(timeout=60)
    assert books.get(engine.db(), user.id, book_id).status == books.READY
    assert len(fake.requests_for("chat")) == 6
    chat = fake.requests_for("chat")
    assert all(b.at - a.at >= 0.2 for a, b in zip(chat, chat[1:], strict=False))  # Retry-After honoured every time
    figures("story, 5 x 429 in a row", fake, engine, began)


def test_a_page_survives_five_rate_limited_answers_in_a_row_without_retry_after(fake, tmp_path, manual_clock):
    engine = make_engine(fake, tmp_path)  # the real backoff (2 s, doubling), slept on the queue's clock
    user, book_id = start(engine)
    Runner(engine).run_until_idle(timeout=60)
    fake.rate_limit("images", 5, retry_after=None)
    began = time.monotonic()
    studio.regenerate_page(engine, user.id, book_id, 2)
    Runner(engine).run_until_idle(timeout=60)
    assert books.get(engine.db(), user.id, book_id).status == books.READY
    row = one(engine.db(), "SELECT status, retries, http_tries FROM jobs WHERE kind='page' AND scene=2 "
                           "ORDER BY id DESC LIMIT 1")
    assert row == ("succeeded", 5, 5)
    assert manual_clock.slept >= 1 + 2 + 4 + 8 + 16  # at least half of each doubling backoff
    figures("page, 5 x 429 in a row", fake, engine, began, queue_clock_s=round(manual_clock.slept, 1))


def test_parallel_pages_survive_a_burst_of_rate_limits(fake, tmp_path):
    engine = make_engine(fake, tmp_path, retry_backoff_s=0.05)
    fake.rate_limit("images", 5, retry_after=0.3)
    began = time.monotonic()
    user, book_id = start(engine, scenes=6)
    run_in_background(engine, user, [book_id])
    assert books.get(engine.db(), user.id, book_id).status == books.READY
    figures("6 pages in parallel, 5 x 429", fake, engine, began)


def test_server_errors_on_every_endpoint_then_a_ready_book(fake, tmp_path):
    # 503, 503, 429 over a few seconds killed a book when 3 attempts were all a job had.
    engine = make_engine(fake, tmp_path, retry_backoff_s=0.1)
    fake.fail_next("chat", 2, status=503)
    fake.rate_limit("chat", 1, retry_after=1)
    fake.fail_next("images", 2, status=503)
    fake.rate_limit("images", 1, retry_after=1)
    began = time.monotonic()
    user, book_id = start(engine)
    run_in_background(engine, user, [book_id])
    assert books.get(engine.db(), user.id, book_id).status == books.READY
    figures("503, 503, 429 on text and pictures", fake, engine, began)


@pytest.mark.slow
def test_a_twenty_second_outage_of_every_endpoint_ends_in_a_ready_book(fake, tmp_path):
    engine = make_engine(fake, tmp_path)  # the real budget: 2 s first backoff, 180 s, 8 requests
    # Queued first: during an outage the safety check of the form fails closed and starts nothing.
    user, book_id = start(engine, scenes=4)
    fake.outage(20.0)
    began = time.monotonic()
    seen_waiting = []

    runner = Runner(engine, poll_s=0.05).start()
    try:
        while (now := studio.progress(engine, user.id, book_id)).running:
            assert time.monotonic() - began < 150, "the book was not finished in time"
            if now.waiting:
                seen_waiting.append(now.waiting)
            time.sleep(0.1)
    finally:
        runner.stop()
    assert books.get(engine.db(), user.id, book_id).status == books.READY
    assert time.monotonic() - began >= 20
    assert any("error 503" in w and "trying again in" in w for w in seen_waiting)
    assert most_tries(engine) < engine.settings.max_http_attempts
    figures("20 s outage, every endpoint 503", fake, engine, began)


@pytest.mark.slow
def test_a_thirty_percent_fault_rate_over_twenty_books_loses_none(fake, tmp_path):
    engine = make_engine(fake, tmp_path, retry_backoff_s=0.05)
    made = [start(engine, scenes=10, title=f"Book {n}") for n in range(20)]  # each form checked before the faults
    fake.faults(0.3, (429, 503), seed=7)
    began = time.monotonic()
    user = made[0][0]
    # Inline, so the seeded faults fall on the same requests every run (threads would reorder them).
    Runner(engine).run_until_idle(timeout=240)
    statuses = [books.get(engine.db(), user.id, b).status for _, b in made]
    assert statuses == [books.READY] * 20
    assert fake.faults_served > 20
    figures("30% 429/503 over 20 books", fake, engine, began, books=20, ready=statuses.count(books.READY))


def test_a_retry_after_of_an_hour_fails_clearly_and_quickly(fake, tmp_path):
    engine = make_engine(fake, tmp_path)
    fake.rate_limit("chat", 1, retry_after=3600)
    began = time.monotonic()
    user, book_id = start(engine)
    Runner(engine).run_until_idle(timeout=60)
    assert time.monotonic() - began < 10
    book = books.get(engine.db(), user.id, book_id)
    assert book.status == books.NEEDS_ATTENTION
    assert "the story" in book.error and "wait 60 min" in book.error and "try again after" in book.error
    assert len(fake.requests_for("chat")) == 1
    figures("Retry-After 3600 s", fake, engine, began)


def test_with_sdk_retries_a_retry_after_over_the_cap_still_fails_clearly(fake, tmp_path):
    engine = make_engine(fake, tmp_path, sdk_max_retries=2)
    fake.rate_limit("chat", 3, retry_after=3600)
    user, book_id = start(engine)
    Runner(engine).run_until_idle(timeout=60)
    book = books.get(engine.db(), user.id, book_id)
    assert book.status == books.NEEDS_ATTENTION and "try again after" in book.error


def test_refusals_bad_requests_and_bad_keys_still_fail_at_once(fake, tmp_path):
    engine = make_engine(fake, tmp_path)
    fake.refuse("images")
    user, book_id = start(engine)
    Runner(engine).run_until_idle(timeout=60)
    failed = sql(engine.db(), "SELECT retries, http_tries FROM jobs WHERE status = 'failed'")
    assert failed == [(0, 0)]
    user, second = start(engine, title="Bad Key")  # its form is checked while the key is still good
    fake.reset()
    fake.expected_key = "another-key"
    Runner(engine).run_until_idle(timeout=60)
    book = books.get(engine.db(), user.id, second)
    assert book.status == books.NEEDS_ATTENTION and "key was not accepted" in book.error
    assert len(fake.requests) == 2  # the story and the cover, once each


def test_rate_limits_map_to_their_own_error_and_carry_retry_after(fake, tmp_path):
    fake.rate_limit("chat", 1, retry_after=7)
    model = OpenAITextModel(Settings(provider="openai", api_key="k", base_url=fake.base_url, sdk_max_retries=0))
    with pytest.raises(RateLimitedError) as caught:
        model.complete(story_request())
    assert isinstance(caught.value, TransientModelError) and caught.value.retry_after == 7
    assert "tried again" not in str(caught.value)  # what happens next is the job's to say


def test_the_sdk_retries_no_more_than_the_job_allows_by_default():
    assert Settings().sdk_max_retries == 0  # the runner owns retries: it frees the slot while it waits
    budget = jobs.RetryBudget.from_settings(Settings())
    assert (budget.window_s, budget.max_http_attempts, budget.retry_after_cap_s) == (180.0, 8, 120.0)


def test_concurrency_counts_pages_and_the_cover_has_one_slot_of_its_own(fake, tmp_path):
    engine = make_engine(fake, tmp_path, concurrency=2)
    fake.latency["images"] = 0.3
    user, book_id = start(engine, scenes=6)
    run_in_background(engine, user, [book_id])
    assert books.get(engine.db(), user.id, book_id).status == books.READY
    pictures = fake.requests_for("images")
    # As the README says: N pages at once, and the cover alongside them in a slot of its own.
    assert fake.max_in_flight <= 3 and len(pictures) == 7


def test_the_sdk_s_own_retries_are_cut_to_what_the_job_has_left(fake, tmp_path):
    engine = make_engine(fake, tmp_path, sdk_max_retries=2, max_http_attempts=4)
    fake.enqueue_error("chat", 503, "Overloaded.", type="server_error", headers={"retry-after-ms": "10"}, times=20)
    user, book_id = start(engine)
    Runner(engine).run_until_idle(timeout=60)
    book = books.get(engine.db(), user.id, book_id)
    assert book.status == books.NEEDS_ATTENTION and "tried 4 times" in book.error
    chat = fake.requests_for("chat")
    assert len(chat) == 4  # 3 in the first call (the SDK retried twice), then 1: never 3 + 3
    assert [r.retry_count for r in chat] == [0, 1, 2, 0]


def test_the_budget_settings_are_read_and_checked():
    from storymaker.config import ConfigError, load_settings

    settings = load_settings(env={"STORYMAKER_RETRY_WINDOW_S": "60", "STORYMAKER_MAX_HTTP_ATTEMPTS": "5",
                                  "STORYMAKER_RETRY_AFTER_CAP_S": "30", "STORYMAKER_RETRY_BACKOFF_S": "0.5"}, secrets={})
    assert jobs.RetryBudget.from_settings(settings) == jobs.RetryBudget(60.0, 5, 30.0, 0.5)
    with pytest.raises(ConfigError, match="STORYMAKER_MAX_HTTP_ATTEMPTS must be at least 1"):
        load_settings(env={"STORYMAKER_MAX_HTTP_ATTEMPTS": "0"}, secrets={})
    with pytest.raises(ConfigError, match="STORYMAKER_RETRY_WINDOW_S"):
        load_settings(env={"STORYMAKER_RETRY_WINDOW_S": "-1"}, secrets={})
