from __future__ import annotations

import pytest

from storymaker import accounts, characters, db
from storymaker.config import Settings
from storymaker.engine import Engine

from .app_support import app_env  # noqa: F401  (a fixture, registered here for every test module)
from .mocks import MockImageModel, MockTextModel


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


@pytest.fixture
def server(tmp_path):
    """The app served on a free port (offline models, background runner); yields its address."""
    from .browser_support import serve  # imported here: that module skips without Chromium

    yield from serve(tmp_path)
