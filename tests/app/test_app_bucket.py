"""The app over a bucket: the shelf, the reader and the Studio show pictures the browser
fetches from the bucket itself, through short-lived presigned addresses."""

from __future__ import annotations

import html
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


def test_my_books_covers_load_lazily_from_the_bucket(bucket_env, seaweed_server):
    user = bucket_env.user()
    bucket_env.ready_book(user, scenes=4)
    at = bucket_env.app(user)
    assert not at.exception
    [cover] = [h.proto.body for h in at.get("html") if "<img" in h.proto.body]
    url = html.unescape(cover.split('src="', 1)[1].split('"', 1)[0])
    assert 'loading="lazy"' in cover and url.startswith(f"{seaweed_server.endpoint}/{SEAWEED_BUCKET}/")
    assert "X-Amz-Signature=" in url and "/thumbs/cover.webp?" in url and seaweed_server.secret_key not in url
    with urllib.request.urlopen(url, timeout=10) as answer:
        assert answer.read()[:4] == b"RIFF"  # the thumbnail, straight from the bucket


def test_the_studio_grid_and_preview_read_the_bucket(bucket_env, seaweed_server):
    import base64

    user = bucket_env.user()
    book_id = bucket_env.ready_book(user, scenes=4)
    at = bucket_env.app(user, to="app_pages/studio.py", book=str(book_id))
    assert not at.exception
    grid = at.data_editor[0].value
    assert len(grid["picture"]) == 4
    for uri in grid["picture"]:  # thumbnails of a few KB ride in the grid itself
        assert base64.b64decode(uri.split(",", 1)[1])[:4] == b"RIFF"
    at.session_state["studio_preview"] = (book_id, 2)  # what the row's Open button sets
    at.run()
    assert not at.exception
    assert any("/storymaker/book_1/scene_02.png?" in url for url in image_urls(at))


def test_a_bucket_that_cannot_be_reached_is_a_plain_message(bucket_env, seaweed_server, monkeypatch):
    import socket

    import streamlit as st

    user = bucket_env.user()
    book_id = bucket_env.ready_book(user, scenes=4)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{closed}")
    st.cache_resource.clear()  # the app builds its engine anew, over the unreachable address
    for page in ("app_pages/my_books.py", "app_pages/reader.py"):
        at = bucket_env.app(user, to=page, book=str(book_id))
        assert not at.exception
        shown = "\n".join(e.value for e in at.error)
        assert "cannot be reached just now" in shown and seaweed_server.secret_key not in shown


def test_a_bad_storage_url_stops_the_app_with_a_plain_message(app_env, monkeypatch):
    monkeypatch.setenv("STORYMAKER_STORAGE_URL", "https://not-a-bucket.example.com/x")
    at = app_env.app()
    assert not at.exception
    assert "must look like s3\\://bucket/prefix" in at.error[0].value


def test_every_fragment_says_its_errors_plainly():
    """A fragment's own reruns skip the screen's `plain_errors`: each is declared with
    `session.fragment`, which brings its own."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    bare = [f"{path.relative_to(root)}:{number}" for folder in ("app_pages", "app_ui") for path in (root / folder).rglob("*.py")
            if path.name != "session.py"
            for number, line in enumerate(path.read_text("utf-8").splitlines(), 1) if "st.fragment" in line]
    assert bare == []
