"""The app over a bucket: the shelf, the reader and the Studio show pictures the browser
fetches from the bucket itself, through short-lived presigned addresses."""

from __future__ import annotations

import urllib.request

import pytest

from storymaker.config import load_settings
from storymaker.engine import Engine

from tests.conftest import SEAWEED_BUCKET
from tests.fakes.models import OfflineImage, OfflineText

from .support import AppEnv


@pytest.fixture
def bucket_env(app_env, seaweed_server, monkeypatch, tmp_path) -> AppEnv:
    """`app_env` with STORYMAKER_STORAGE_URL set: the app and the test's engine share a fresh prefix."""
    for name, value in {"STORYMAKER_STORAGE_URL": f"s3://{SEAWEED_BUCKET}/app-{tmp_path.name}",
                        **seaweed_server.environment()}.items():
        monkeypatch.setenv(name, value)
    return AppEnv(Engine(load_settings(), OfflineText(), OfflineImage()))


def image_urls(at) -> list[str]:
    return [url for element in at.image for url in element.value]


def test_the_reader_shows_the_cover_from_the_bucket(bucket_env, seaweed_server, tmp_path):
    user = bucket_env.user()
    book_id = bucket_env.ready_book(user, scenes=4)
    at = bucket_env.app(user, to="app_pages/reader.py", book=str(book_id))
    assert not at.exception
    [url] = image_urls(at)
    assert url.startswith(f"{seaweed_server.endpoint}/{SEAWEED_BUCKET}/") and "X-Amz-Signature=" in url
    assert seaweed_server.secret_key not in url
    with urllib.request.urlopen(url, timeout=10) as answer:
        assert answer.read().startswith(b"\x89PNG")
    folder = tmp_path / "data"
    assert all(path.name.startswith("storymaker.db") for path in folder.rglob("*") if path.is_file())
