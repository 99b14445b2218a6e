"""Pictures at signed addresses (app_web/pictures.py) over HTTP, with Starlette's TestClient: a signed
address serves the stored bytes with their type and a private cache; a forged, altered, expired or
foreign-folder address, and a missing file, all answer 404 alike."""

from __future__ import annotations

import time

import pytest

from app_web import pictures
from storymaker.files import layout
from tests.conftest import make_book, routes_client


@pytest.fixture
def client(settings, monkeypatch):
    """The routes, reading the same settings (a temporary data folder) the test's engine uses."""
    return routes_client(pictures.routes, settings, monkeypatch)


@pytest.fixture
def cover(mock_engine, user):
    book_id = make_book(mock_engine, user.id)
    found = mock_engine.store.stat(layout.thumb_key(book_id, layout.COVER))
    assert found is not None
    return found


def test_a_signed_address_serves_the_picture_with_its_type_kept_privately(client, mock_engine, cover):
    url = pictures.address(cover, mock_engine.settings.data_dir)
    answer = client.get(url)
    assert answer.status_code == 200
    assert answer.content == mock_engine.store.get(cover.key)
    assert answer.headers["content-type"] == "image/webp"
    assert answer.headers["cache-control"].startswith("private, max-age=")
    assert 1800 <= int(answer.headers["cache-control"].split("max-age=")[1].split(",")[0]) <= 5400
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_the_address_stays_the_same_across_reruns_and_changes_with_a_redraw(mock_engine, cover):
    now = 1_800_000_100.0
    data_dir = mock_engine.settings.data_dir
    assert pictures.address(cover, data_dir, now) == pictures.address(cover, data_dir, now + 60)
    redrawn = type(cover)(cover.key, cover.version + 1, cover.store)
    assert pictures.address(redrawn, data_dir, now) != pictures.address(cover, data_dir, now)


def test_forged_altered_expired_and_missing_all_answer_404(client, mock_engine, cover, tmp_path):
    data_dir = mock_engine.settings.data_dir
    good = pictures.address(cover, data_dir)
    other_key = layout.thumb_key(1000, layout.COVER)
    expired = pictures.address(cover, data_dir, time.time() - 2 * pictures.LIFETIME_S)
    foreign = pictures.address(cover, tmp_path / "another-data-folder")
    bad = [
        good.replace("sig=", "sig=A"),                        # forged signature
        good.replace(cover.key, other_key),                   # someone else's picture under this signature
        good.replace(f"v={cover.version}", f"v={cover.version + 1}"),  # another version
        good.replace("until=", "until=9"),                    # a later expiry
        expired,
        foreign,                                              # signed with another folder's key
        good.split("?")[0],                                   # no signature at all
        pictures.PREFIX + "/../storymaker.db?v=1&until=1&sig=x",
    ]
    for url in bad:
        answer = client.get(url)
        assert answer.status_code == 404 and answer.headers["content-type"].startswith("text/plain"), url
    mock_engine.store.delete(cover.key)
    assert client.get(good).status_code == 404  # a signed address of a file deleted since


def test_the_signing_key_is_made_once_and_kept_in_the_data_folder(mock_engine, cover, tmp_path):
    key_file = mock_engine.settings.data_dir / pictures.KEY_FILE
    url = pictures.address(cover, mock_engine.settings.data_dir)
    assert key_file.is_file() and len(key_file.read_bytes()) == 32
    assert key_file.stat().st_mode & 0o077 == 0  # the app's alone
    pictures._keys.clear()  # as a new process (or one after a restart) would start
    assert pictures.address(cover, mock_engine.settings.data_dir) == url
