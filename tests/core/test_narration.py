"""Narration made by a voice model through the real openai SDK against the fake OpenAI-compatible
server, on both databases: one request per page, kept, reused, made again only for edited words."""

from __future__ import annotations

import pytest

from storymaker import accounts, books, jobs, narration, usage
from storymaker.config import Settings, load_settings
from storymaker.engine import Engine
from storymaker.errors import Invalid
from storymaker.files import layout
from storymaker.handlers import Kind
from storymaker.models.openai_models import OpenAISpeechModel
from storymaker.runner import Runner
from storymaker.services import narration as service
from storymaker.services import pages as page_service
from storymaker.services import review
from storymaker.status import BookStatus

from tests.conftest import make_book
from tests.fakes.models import MockImageModel, MockTextModel
from tests.fakes.openai_server import FakeOpenAI, error_body


@pytest.fixture
def fake():
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def engine(fake, tmp_path, database_url):
    settings = Settings(provider="openai", api_key="test-key", base_url=fake.base_url, data_dir=tmp_path / "data",
                        database_url=database_url, speech_timeout=10, retry_backoff_s=0.01, retry_window_s=1,
                        max_http_attempts=2)
    # Mock text and pictures (quick); the voice model is the real SDK client against the fake server.
    return Engine(settings, text_model=MockTextModel(), image_model=MockImageModel())


@pytest.fixture
def ada(engine):
    return accounts.get_or_create(engine.db(), "ada")


@pytest.fixture
def book(engine, ada):
    return books.own(engine.db(), ada.id, make_book(engine, ada.id, scenes=4))


def narrate(engine, user_id, book_id) -> int:
    queued = service.make(engine, user_id, book_id)
    Runner(engine).run_until_idle(timeout=30)
    return queued


def test_make_narration_asks_once_per_page_and_keeps_the_audio(engine, fake, ada, book):
    assert isinstance(engine.speech_model, OpenAISpeechModel)
    before = service.status(engine, ada.id, book.id)
    assert before.available and before.pages == 5 and before.narrated == 0
    assert before.characters == len(book.title) + sum(len(r.scene.text) for r in books.scene_rows(engine.db(), book.id))

    assert narrate(engine, ada.id, book.id) == 5  # the cover's title and four pages
    said = sorted(r.json["input"] for r in fake.requests_for("speech"))
    rows = books.scene_rows(engine.db(), book.id)
    assert said == sorted([book.title] + [" ".join(r.scene.text.split()) for r in rows])
    request = fake.requests_for("speech")[0].json
    assert request["model"] == engine.settings.speech_model and request["voice"] == "coral"
    assert request["response_format"] == "mp3" and "children's picture book" in request["instructions"]

    after = service.status(engine, ada.id, book.id)
    assert after.done and after.narrated == 5 and after.characters == 0 and not after.failed
    page = service.page(engine, ada.id, book.id, 2)
    assert page is not None and page.mime == "audio/mpeg" and page.audio.startswith(b"\xff\xfb")
    assert page.text == rows[1].scene.text and page.duration_s > 0.5
    assert [page.text[w.start:w.end] for w in page.words] == page.text.split()
    assert engine.store.get(layout.narration_key(book.id, narration.fingerprint(page.text, "coral",
                                                                                  engine.settings.speech_model),
                                                 "mp3")) == page.audio
    # Narration is beside the book: it stays ready, and the usage counts the characters said.
    assert books.get(engine.db(), ada.id, book.id).status == BookStatus.READY
    assert usage.for_book(engine.db(), book.id).characters == before.characters


def test_asking_again_reuses_every_page_and_an_edit_makes_that_page_alone_again(engine, fake, ada, book):
    narrate(engine, ada.id, book.id)
    assert narrate(engine, ada.id, book.id) == 0
    assert len(fake.requests_for("speech")) == 5

    review.save_edits(engine, ada.id, book.id, {3: {"text": "Pip purred. The lamp glowed all night long."}})
    status = service.status(engine, ada.id, book.id)
    assert status.narrated == 4 and status.characters == len("Pip purred. The lamp glowed all night long.")
    assert service.page(engine, ada.id, book.id, 3) is None  # stale audio is never played with new words
    assert narrate(engine, ada.id, book.id) == 1
    assert [r.json["input"] for r in fake.requests_for("speech")[5:]] == ["Pip purred. The lamp glowed all night long."]
    # The old words' audio is dropped once narration is made again; the others stay.
    kept = engine.store.list(layout.book_prefix(book.id) + "narration/")
    assert len(kept) == 5


def test_another_voice_makes_every_page_again(engine, fake, ada, book):
    narrate(engine, ada.id, book.id)
    service.set_voice(engine, ada.id, book.id, "sage")
    assert service.status(engine, ada.id, book.id).narrated == 0
    assert narrate(engine, ada.id, book.id) == 5
    assert {r.json["voice"] for r in fake.requests_for("speech")[5:]} == {"sage"}
    with pytest.raises(Invalid, match="listed voices"):
        service.set_voice(engine, ada.id, book.id, "<script>")


def test_a_failing_voice_service_fails_those_pages_and_leaves_the_book_readable(engine, fake, ada, book):
    fake.enqueue("speech", status=400, json=error_body("This model cannot say that."))
    fake.enqueue("speech", status=400, json=error_body("This model cannot say that."))
    narrate(engine, ada.id, book.id)
    status = service.status(engine, ada.id, book.id)
    assert status.narrated == 3 and len(status.failed) == 2
    assert all("voice service" in why and "cannot say that" in why for _, why in status.failed)
    assert books.get(engine.db(), ada.id, book.id).status == BookStatus.READY  # not "needs attention"
    # Make narration again: only the failed pages are asked for.
    assert narrate(engine, ada.id, book.id) == 2
    assert service.status(engine, ada.id, book.id).done


def test_an_outage_is_retried_then_reported(engine, fake, ada, book):
    fake.outage(60)
    narrate(engine, ada.id, book.id)
    status = service.status(engine, ada.id, book.id)
    assert status.narrated == 0 and len(status.failed) == 5
    assert all("voice service had a problem (error 503)" in why for _, why in status.failed)


def test_audio_the_service_cannot_have_meant_is_refused(engine, fake, ada, book):
    for _ in range(5):
        fake.enqueue("speech", status=200, body=b"<html>not audio</html>", headers={"Content-Type": "audio/mpeg"})
    narrate(engine, ada.id, book.id)
    status = service.status(engine, ada.id, book.id)
    assert status.narrated == 0 and {why for _, why in status.failed} == {
        "The voice service sent audio Storymaker could not read."}
    assert engine.store.list(layout.book_prefix(book.id) + "narration/") == []


def test_a_page_moved_elsewhere_keeps_its_audio(engine, fake, ada, book):
    narrate(engine, ada.id, book.id)
    rows = books.scene_rows(engine.db(), book.id)
    # Swap the words of pages 1 and 2: both still have audio for exactly their words.
    first, second = rows[0].scene.text, rows[1].scene.text
    review.save_edits(engine, ada.id, book.id, {1: {"text": second}, 2: {"text": first}})
    assert service.status(engine, ada.id, book.id).done
    assert service.page(engine, ada.id, book.id, 1).text == second


def test_nobody_else_reads_or_makes_a_books_narration(engine, ada, book):
    narrate(engine, ada.id, book.id)
    eve = accounts.get_or_create(engine.db(), "eve")
    from storymaker.errors import NotFound

    for call in (lambda: service.page(engine, eve.id, book.id, 1), lambda: service.make(engine, eve.id, book.id),
                 lambda: service.status(engine, eve.id, book.id),
                 lambda: service.set_voice(engine, eve.id, book.id, "sage")):
        with pytest.raises(NotFound):
            call()


def test_offline_there_is_no_voice_model_and_making_narration_says_why(offline_engine):
    user = accounts.get_or_create(offline_engine.db(), "ada")
    book_id = make_book(offline_engine, user.id, scenes=4)
    assert offline_engine.speech_model is None
    status = service.status(offline_engine, user.id, book_id)
    assert not status.available and status.pages == 5 and status.narrated == 0
    with pytest.raises(service.NoVoiceModel, match="browser's own voices"):
        service.make(offline_engine, user.id, book_id)


def test_narration_can_be_turned_off_and_its_settings_are_checked(fake):
    assert load_settings(env={"OPENAI_API_KEY": "k", "STORYMAKER_SPEECH_MODEL": "none"}, secrets={}).narrates is False
    off = Engine(load_settings(env={"OPENAI_API_KEY": "k", "STORYMAKER_SPEECH_MODEL": "off"}, secrets={}))
    assert off.speech_model is None
    chosen = load_settings(env={"OPENAI_API_KEY": "k", "STORYMAKER_SPEECH_MODEL": "tts-1",
                                "STORYMAKER_SPEECH_VOICE": "nova"}, secrets={})
    assert (chosen.speech_model, chosen.speech_voice) == ("tts-1", "nova")
    from storymaker.config import ConfigError

    with pytest.raises(ConfigError, match="STORYMAKER_SPEECH_VOICE"):
        load_settings(env={"STORYMAKER_SPEECH_VOICE": "x" * 101}, secrets={})


def test_tts_1_gets_no_reading_instructions(fake, tmp_path):
    settings = Settings(provider="openai", api_key="k", base_url=fake.base_url, data_dir=tmp_path, speech_model="tts-1")
    from storymaker.models.base import SpeechRequest

    said = OpenAISpeechModel(settings).speak(SpeechRequest("Hello there.", "nova"))
    assert said.characters == len("Hello there.") and said.mime == "audio/mpeg"
    assert "instructions" not in fake.requests_for("speech")[0].json


def test_word_timings_cover_the_audio_in_order():
    text = "Pip ran. Then, all at once, the lamp went out!"
    timings = narration.word_timings(text, 4.0)
    assert [text[t.start:t.end] for t in timings] == text.split()
    starts = [t.begin_s for t in timings]
    assert starts == sorted(starts) and 0 < starts[0] < 0.3 and timings[-1].end_s <= 4.0
    assert all(t.end_s > t.begin_s for t in timings)
    # A sentence's end leaves a longer pause than a word gap.
    gap_after_ran = timings[2].begin_s - timings[1].end_s
    gap_after_pip = timings[1].begin_s - timings[0].end_s
    assert gap_after_ran > gap_after_pip
    assert narration.word_timings("", 3.0) == () and narration.word_timings("Hi", 0) == ()


def test_utf16_offsets_match_the_browsers_count():
    text = "A 🐱 sat."
    timings = narration.word_timings(text, 2.0)
    assert [row[:2] for row in narration.utf16_offsets(text, timings)] == [[0, 1], [2, 4], [5, 9]]


def test_narration_jobs_are_not_counted_in_the_books_progress(engine, ada, book):
    service.make(engine, ada.id, book.id)
    latest = jobs.latest(engine.db(), book.id)
    assert sum(1 for kind, _, _ in latest if kind == Kind.NARRATION) == 5
    assert books.get(engine.db(), ada.id, book.id).status == BookStatus.READY


def test_a_share_link_plays_the_narration_and_nothing_else_does(engine, ada, book):
    from storymaker.services import sharing

    link, token = sharing.create(engine, ada.id, book.id, "Never")
    assert sharing.page(engine, token, 1).narration is None
    with pytest.raises(sharing.LinkGone):
        sharing.narration_audio(engine, token, 1)
    narrate(engine, ada.id, book.id)
    shown = sharing.page(engine, token, 1)
    assert shown.narration is not None and shown.narration.voice == "Coral"
    assert [shown.text[int(a):int(b)] for a, b, _, _ in shown.narration.words] == shown.text.split()
    audio = sharing.narration_audio(engine, token, 1)
    assert audio.mime == "audio/mpeg" and audio.data == service.page(engine, ada.id, book.id, 1).audio
    assert audio.version == shown.narration.version
    assert sharing.narration_audio(engine, token, 0).data  # the cover's title
    for wrong in ("99", "-1", "1.0", "x"):
        with pytest.raises(sharing.LinkGone):
            sharing.narration_audio(engine, token, wrong)
    sharing.revoke(engine, ada.id, book.id, link.id)
    with pytest.raises(sharing.LinkGone):
        sharing.narration_audio(engine, token, 1)


def test_the_share_page_carries_the_narration_and_its_route_serves_the_audio(engine, fake, ada, book, monkeypatch):
    import json
    import re

    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from app_web import share
    from storymaker.services import sharing

    for name, value in (("STORYMAKER_DATA_DIR", str(engine.settings.data_dir)), ("OPENAI_API_KEY", "test-key"),
                        ("OPENAI_BASE_URL", fake.base_url), ("STORYMAKER_PROVIDER", "openai"),
                        ("STORYMAKER_DATABASE_URL", engine.settings.database_url)):
        if value:
            monkeypatch.setenv(name, value)
    client = TestClient(Starlette(routes=share.routes))
    _, token = sharing.create(engine, ada.id, book.id, "Never")
    narrate(engine, ada.id, book.id)

    page = client.get(f"/read/{token}?page=2").text
    data = json.loads(re.search(r'id="read-aloud-data">(.*?)</script>', page).group(1))
    said = data["page"]["narration"]
    assert said["voice"] == "Coral" and said["src"].startswith(f"/read/{token}/narration/2?v=")
    assert len(said["words"]) == len(data["page"]["text"].split())
    audio = client.get(said["src"])
    assert audio.status_code == 200 and audio.headers["content-type"] == "audio/mpeg"
    assert audio.content == service.page(engine, ada.id, book.id, 2).audio
    assert audio.headers["referrer-policy"] == "no-referrer" and "ETag" in audio.headers
    whole = client.get(f"/read/{token}/pages").json()
    assert all(p["narration"] is not None for p in whole["pages"])
    # A dead link, a page with no narration and a wrong number all read alike.
    gone = client.get(f"/read/{'x' * 43}/narration/2")
    review.save_edits(engine, ada.id, book.id, {2: {"text": "New words, not yet narrated."}})
    stale = client.get(f"/read/{token}/narration/2")
    wrong = client.get(f"/read/{token}/narration/abc")
    assert gone.status_code == stale.status_code == wrong.status_code == 404
    assert gone.content == stale.content == wrong.content
    assert json.loads(re.search(r'id="read-aloud-data">(.*?)</script>',
                                client.get(f"/read/{token}?page=2").text).group(1))["page"]["narration"] is None


def test_the_epub_of_a_narrated_book_carries_it_and_a_new_narration_makes_a_new_epub(engine, ada, book, tmp_path):
    import io
    import zipfile

    from storymaker.services import exports
    from tests.core.epub_support import epubcheck

    plain = exports.export(engine, ada.id, book.id, "epub")
    assert not [n for n in zipfile.ZipFile(io.BytesIO(plain.data)).namelist() if n.endswith(".smil")]
    narrate(engine, ada.id, book.id)
    narrated = exports.export(engine, ada.id, book.id, "epub")
    names = zipfile.ZipFile(io.BytesIO(narrated.data)).namelist()
    assert len([n for n in names if n.endswith(".smil")]) == 5 and len([n for n in names if n.endswith(".mp3")]) == 5
    assert epubcheck(narrated.data, tmp_path) == []
    # An edited page: its overlay goes (its narration is stale); the next export is made anew.
    review.save_edits(engine, ada.id, book.id, {2: {"text": "Pip found a shell by the sea."}})
    edited = exports.export(engine, ada.id, book.id, "epub")
    assert len([n for n in zipfile.ZipFile(io.BytesIO(edited.data)).namelist() if n.endswith(".smil")]) == 4


def test_narration_is_kept_in_an_s3_compatible_bucket(fake, tmp_path, seaweed_server):
    from tests.conftest import SEAWEED_BUCKET

    args = seaweed_server.store_args()
    settings = Settings(provider="openai", api_key="test-key", base_url=fake.base_url, data_dir=tmp_path / "data",
                        storage_url=f"s3://{SEAWEED_BUCKET}/narration-{tmp_path.name}",
                        aws_endpoint_url=args["endpoint"], aws_region=args["region"],
                        aws_access_key_id=args["access_key_id"], aws_secret_access_key=args["secret_access_key"])
    engine = Engine(settings, text_model=MockTextModel(), image_model=MockImageModel())
    ada = accounts.get_or_create(engine.db(), "ada")
    book_id = make_book(engine, ada.id, scenes=4)
    assert narrate(engine, ada.id, book_id) == 5
    keys = engine.store.list(layout.book_prefix(book_id) + "narration/")
    assert len(keys) == 5 and not (tmp_path / "data" / "storymaker").exists()  # nothing in the folder
    page = service.page(engine, ada.id, book_id, 1)
    assert page is not None and page.audio in [engine.store.get(key) for key in keys]
    # Another process (a fresh engine over the same bucket) plays it and makes nothing again.
    again = Engine(settings, text_model=MockTextModel(), image_model=MockImageModel())
    assert service.status(again, ada.id, book_id).done and service.make(again, ada.id, book_id) == 0


def test_a_moved_removed_and_undone_page_keeps_its_narration(engine, fake, ada, book):
    narrate(engine, ada.id, book.id)
    second = service.page(engine, ada.id, book.id, 2)
    page_service.move_page(engine, ada.id, book.id, 2, 1)
    assert service.page(engine, ada.id, book.id, 3).audio == second.audio  # found by its words, at its new place
    page_service.add_page(engine, ada.id, book.id, 4, books.get_scene(engine.db(), book.id, 1))
    Runner(engine).run_until_idle(timeout=30)
    removed = page_service.remove_page(engine, ada.id, book.id, 3)
    spoken = len(fake.requests_for("speech"))
    assert narrate(engine, ada.id, book.id) == 0  # the added page says page 1's words: nothing new to make
    assert len(fake.requests_for("speech")) == spoken  # and the set-aside page's audio was not pruned
    page_service.undo_remove(engine, ada.id, book.id, removed.scene_id)
    assert service.page(engine, ada.id, book.id, 3).audio == second.audio
    assert service.status(engine, ada.id, book.id).done
