"""Set-up for the browser tests: the app served for Chromium (see support.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def server(tmp_path):
    """The app served on a free port (offline models, background runner); yields its address."""
    from .support import serve  # imported here: that module skips without Chromium

    yield from serve(tmp_path)
