"""Chromium over a bucket: the app keeps pictures in SeaweedFS and the browser loads each one
from there itself, through a presigned address, not through the app."""

from __future__ import annotations

import pytest

from tests.conftest import SEAWEED_BUCKET
from .support import data_dir, idle, opened, serve, sign_up  # skips without Chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from playwright.sync_api import expect  # noqa: E402


@pytest.fixture
def bucket_server(tmp_path, seaweed_server):
    settings = {"STORYMAKER_STORAGE_URL": f"s3://{SEAWEED_BUCKET}/browser-{tmp_path.name}",
                **seaweed_server.environment()}
    yield from serve(tmp_path, settings)


def loaded_from(page, endpoint: str) -> list[str]:
    """The addresses of the pictures shown, after checking each one really loaded."""
    images = page.locator("[data-testid='stImage'] img, [data-testid='stMain'] img[loading='lazy']")
    expect(images.first).to_be_visible(timeout=30_000)
    found = images.evaluate_all("imgs => imgs.map(i => [i.src, i.complete && i.naturalWidth])")
    assert found and all(width and width > 0 for _, width in found), found
    assert all(src.startswith(f"{endpoint}/{SEAWEED_BUCKET}/") and "X-Amz-Signature=" in src for src, _ in found)
    return [src for src, _ in found]


def test_the_browser_loads_pictures_from_the_bucket(bucket_server, seaweed_server, tmp_path):
    with opened(bucket_server, "failed-bucket.png") as page:
        sign_up(page, "grace")
        page.get_by_role("button", name="Make a sample book").click()
        expect(page.get_by_text("Ready")).to_be_visible(timeout=120_000)
        idle(page)
        [cover] = loaded_from(page, seaweed_server.endpoint)
        assert "/storymaker/book_1/thumbs/cover.webp?" in cover and seaweed_server.secret_key not in cover

        page.get_by_role("link", name="Read", exact=True).click()
        expect(page.get_by_text("Cover", exact=True).last).to_be_visible(timeout=30_000)
        idle(page)
        page.get_by_role("button", name="Next").click()
        expect(page.get_by_text("Page 1 of 6")).to_be_visible(timeout=30_000)
        idle(page)
        assert any("/storymaker/book_1/scene_01.png?" in src for src in loaded_from(page, seaweed_server.endpoint))
    left = [p.name for p in data_dir(tmp_path).rglob("*") if p.is_file()]
    assert all(name.startswith("storymaker.db") for name in left), left
