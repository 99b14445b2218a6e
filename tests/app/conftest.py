"""Set-up for the AppTests: a data folder per test, inline jobs and fast fake models.

The app builds its own Engine from the environment; the model registry gives that engine
the fake models (flagged offline, like the built-in ones), which keeps the tests fast and
independent of the offline painter.
"""

from __future__ import annotations

import pytest
import streamlit as st

from storymaker import session_keys
from storymaker.config import Settings
from storymaker.engine import Engine
from storymaker.models import registry

from tests.fakes.models import MockImageModel, MockSpeechModel, MockTextModel, OfflineImage, OfflineText

from .support import AppEnv


@pytest.fixture
def app_env(monkeypatch, tmp_path, database_url) -> AppEnv:
    data = tmp_path / "data"
    monkeypatch.setenv("STORYMAKER_DATA_DIR", str(data))
    if database_url:  # every AppTest runs on SQLite and on PostgreSQL
        monkeypatch.setenv("STORYMAKER_DATABASE_URL", database_url)
    monkeypatch.setenv("STORYMAKER_INLINE_JOBS", "1")
    session_keys._entries.clear()
    st.cache_resource.clear()
    st.cache_data.clear()
    # Offline settings get fakes flagged offline; a session key (OpenAI) gets plain fakes: never the real service.
    with registry.registered("offline", text=lambda settings: OfflineText(), image=lambda settings: OfflineImage()), \
            registry.registered("openai", text=lambda settings: MockTextModel(), image=lambda settings: MockImageModel(),
                                speech=lambda settings: MockSpeechModel()):
        yield AppEnv(Engine(Settings(provider="offline", data_dir=data, database_url=database_url),
                            OfflineText(), OfflineImage()))
        st.cache_resource.clear()
    st.cache_data.clear()
    session_keys._entries.clear()
