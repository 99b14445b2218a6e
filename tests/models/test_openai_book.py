"""A whole book through the real openai SDK against a fake OpenAI-compatible server."""

import io

import pytest
from PIL import Image

from storymaker import accounts, avatars, books, characters, storage, usage
from storymaker.services import studio
from storymaker.books import BookOptions
from storymaker.config import Settings
from storymaker.engine import Engine
from storymaker.models.openai_models import OpenAIImageModel, OpenAITextModel
from storymaker.runner import Runner

from tests.fakes.openai_server import FakeOpenAI


@pytest.fixture
def fake():
    with FakeOpenAI(image_size=(256, 256)) as server:
        yield server


@pytest.fixture
def engine(fake, tmp_path):
    settings = Settings(provider="openai", api_key="test-key", base_url=fake.base_url, data_dir=tmp_path / "data",
                        sdk_max_retries=1, text_timeout=10, image_timeout=10, retry_backoff_s=0.01)
    engine = Engine(settings)
    assert isinstance(engine.text_model, OpenAITextModel) and isinstance(engine.image_model, OpenAIImageModel)
    return engine


def make(engine, scenes=4, avatar_for=None):
    db = engine.db()
    user = accounts.get_or_create(db, "ada")
    mia = characters.create(db, user.id, "Mia", "a curious girl with red boots")
    pip = characters.create(db, user.id, "Pip", "a tiny grey cat")
    if avatar_for == "Pip":
        picture = io.BytesIO()
        Image.new("RGB", (64, 64), (10, 200, 30)).save(picture, "PNG")
        characters.set_avatar(db, user.id, pip.id, avatars.store(engine.data_dir, user.id, picture.getvalue()))
    book_id = studio.start_book(engine, user.id, BookOptions("The Lighthouse Cat", scene_count=scenes), [mia.id, pip.id])
    Runner(engine).run_until_idle(timeout=60)
    return user, book_id


def test_a_book_is_made_through_the_sdk(engine, fake):
    user, book_id = make(engine)
    book = books.get(engine.db(), user.id, book_id)
    assert book.status == books.READY
    folder = storage.book_dir(engine.books_dir, book_id)
    assert sorted(p.name for p in folder.glob("*.png")) == ["cover.png"] + [f"scene_0{n}.png" for n in range(1, 5)]
    chat = fake.requests_for("chat")[0].json
    assert chat["response_format"]["type"] == "json_schema"
    assert chat["messages"][0]["role"] == "system" and "The Lighthouse Cat" in chat["messages"][1]["content"]
    pictures = fake.requests_for("generations")
    assert len(pictures) == 5 and all(r.json["model"] == engine.settings.image_model for r in pictures)
    assert any("Pip: a tiny grey cat" in r.json["prompt"] for r in pictures)
    totals = usage.for_book(engine.db(), book_id)
    assert totals.images == 5 and totals.input_tokens > 0


def test_a_malformed_story_is_repaired_on_the_second_ask(engine, fake):
    fake.enqueue("chat", json={
        "id": "x", "object": "chat.completion", "created": 0, "model": "m",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": "Here is a lovely story about a cat!"}}],
    })
    user, book_id = make(engine)
    assert books.get(engine.db(), user.id, book_id).status == books.READY
    second = fake.requests_for("chat")[1].json["messages"]
    assert second[-2]["role"] == "assistant" and "lovely story" in second[-2]["content"]
    assert "holds no scene list" in second[-1]["content"]


def test_one_refused_picture_leaves_the_other_pages_done(engine, fake):
    fake.refuse("generations")
    user, book_id = make(engine)
    rows = books.scene_rows(engine.db(), book_id)
    failed = [r for r in rows if r.status == books.FAILED]
    assert len(failed) + (0 if storage.cover_path(storage.book_dir(engine.books_dir, book_id)).exists() else 1) == 1
    assert len(fake.requests_for("generations")) == 5  # the refused one was not retried
    book = books.get(engine.db(), user.id, book_id)
    assert book.status == books.NEEDS_ATTENTION and "safety system" in book.error


def test_the_edit_endpoint_gets_the_avatar_of_the_character_on_the_page(engine, fake):
    user, book_id = make(engine, avatar_for="Pip")
    rows = books.scene_rows(engine.db(), book_id)
    edits = fake.requests_for("edits")
    with_pip = [r for r in rows if "Pip" in r.scene.characters]
    assert len(edits) == len(with_pip) + 1  # every page showing Pip, and the cover
    stored = characters.list_for(engine.db(), user.id)
    avatar = (engine.data_dir / next(c.avatar_path for c in stored if c.name == "Pip")).read_bytes()
    assert all(any(f.data == avatar for f in r.files) for r in edits)
    assert len(fake.requests_for("generations")) == len(rows) - len(with_pip)


def test_server_errors_until_retries_run_out_fail_clearly_and_write_nothing(engine, fake):
    fake.fail_next("chat", 20, status=503)
    user, book_id = make(engine)
    book = books.get(engine.db(), user.id, book_id)
    assert book.status == books.NEEDS_ATTENTION
    assert "the story" in book.error and "error 503" in book.error and "Traceback" not in book.error
    assert "tried 8 times" in book.error and "tried again" not in book.error  # one story, no contradiction
    folder = storage.book_dir(engine.books_dir, book_id)
    assert not storage.story_path(folder).exists() and not list(folder.glob("scene_*"))
    assert not list(folder.rglob("*.tmp-*"))


def test_rate_limit_with_retry_after_then_success(engine, fake):
    fake.rate_limit("chat", 1, retry_after=0.5)
    user, book_id = make(engine)
    first, second = fake.requests_for("chat")[:2]
    assert second.at - first.at >= 0.5
    assert books.get(engine.db(), user.id, book_id).status == books.READY
