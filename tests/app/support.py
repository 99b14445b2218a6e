"""Shared set-up for the AppTests: a data folder per test, inline jobs and fast fake models.

The app builds its own Engine from the environment; the model registry gives that engine
the mock models (flagged offline, like the built-in ones), which keeps the tests fast and
independent of the offline painter.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from storymaker import accounts, characters, session_keys, studio
from storymaker.books import BookOptions
from storymaker.runner import Runner
from storymaker.models import registry
from storymaker.accounts import User
from storymaker.config import Settings
from storymaker.engine import Engine

from .mocks import MockImageModel, MockTextModel

APP = str(Path(__file__).resolve().parent.parent / "app.py")


class OfflineText(MockTextModel):
    model_id = "mock-offline-text"
    is_offline = True


class OfflineImage(MockImageModel):
    model_id = "mock-offline-image"
    is_offline = True


@dataclass
class AppEnv:
    engine: Engine  # the test's own view of the same database and folders

    def user(self, name: str = "ada") -> User:
        return accounts.get_or_create(self.engine.db(), name)

    def ready_book(self, user: User, title: str = "The Lighthouse Cat", scenes: int = 4,
                   cast=(("Mia", "a girl with red boots"), ("Pip", "a tiny grey cat"))) -> int:
        """A finished book of `user`'s, made with the mock models."""
        ids = [characters.create(self.engine.db(), user.id, name, look).id for name, look in cast]
        book_id = studio.start_book(self.engine, user.id, BookOptions(title, scene_count=scenes), ids)
        Runner(self.engine).run_until_idle()
        return book_id

    def app(self, user: User | None = None, to: str | None = None, **query: str) -> AppTest:
        """An AppTest, signed in as `user` when given, on page file `to`, with query params; already run."""
        at = AppTest.from_file(APP, default_timeout=60)
        if user is not None:
            at.session_state["user"] = user
            at.session_state["display_name"] = user.username
        for name, value in query.items():
            at.query_params[name] = value
        at.run()
        if to:
            at.switch_page(to)
            for name, value in query.items():
                at.query_params[name] = value
            at.run()
        return at


@pytest.fixture
def app_env(monkeypatch, tmp_path) -> AppEnv:
    data = tmp_path / "data"
    monkeypatch.setenv("STORYMAKER_DATA_DIR", str(data))
    monkeypatch.setenv("STORYMAKER_INLINE_JOBS", "1")
    session_keys._entries.clear()
    st.cache_resource.clear()
    st.cache_data.clear()
    # Offline settings get fakes flagged offline; a session key (OpenAI) gets plain fakes: never the real service.
    with registry.registered("offline", text=lambda settings: OfflineText(), image=lambda settings: OfflineImage()), \
            registry.registered("openai", text=lambda settings: MockTextModel(), image=lambda settings: MockImageModel()):
        yield AppEnv(Engine(Settings(provider="offline", data_dir=data), OfflineText(), OfflineImage()))
        st.cache_resource.clear()
    st.cache_data.clear()
    session_keys._entries.clear()


def texts(at: AppTest) -> str:
    """Everything a person could read on the page, as one string."""
    parts = []
    for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "error", "success", "toast"):
        parts += [str(e.value) for e in at.get(kind)]
    return "\n".join(parts)


def click(at: AppTest, label: str, index: int = 0) -> AppTest:
    """Click the `index`-th button labelled `label` and run."""
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r} among {[b.label for b in at.button]}"
    return matches[index].click().run()
