"""Set-up for the browser tests: the app served for Chromium (see support.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def server(tmp_path):
    """The app served on a free port (offline models, background runner); yields its address."""
    from .support import serve  # imported here: that module skips without Chromium

    yield from serve(tmp_path)


@pytest.fixture
def fake():
    """The fake OpenAI-compatible server (slow or failing on cue), its pictures 256 px."""
    from tests.fakes.openai_server import FakeOpenAI

    with FakeOpenAI(image_size=(256, 256)) as server:
        yield server


@pytest.fixture
def compatible_server(tmp_path, fake):
    """The app with every model on the fake OpenAI-compatible server."""
    from .support import serve

    yield from serve(tmp_path, {"STORYMAKER_PROVIDER": "openai", "OPENAI_BASE_URL": fake.base_url,
                                "OPENAI_API_KEY": "test-key"})
