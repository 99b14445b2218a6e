"""The Share dialog in the Reader and on My Books (AppTest, both databases): a link is made with
the chosen expiry and shown in full, its opens are counted, and Revoke stops it at once."""

from __future__ import annotations

import re

import pytest

from storymaker import sharing as core
from storymaker.services import sharing

from tests.peek import sql

from .support import click, texts

pytestmark = pytest.mark.both_databases  # also on PostgreSQL (see tests/conftest.py)

LINK = re.compile(r"^https?://[^/]+/read/([A-Za-z0-9_-]{43})$")


def shown_links(at) -> list[str]:
    return [str(code.value) for code in at.code if LINK.match(str(code.value))]


def test_the_reader_shares_a_book_and_revokes_the_link(app_env):
    ada = app_env.user()
    book = app_env.ready_book(ada)
    at = app_env.app(ada, "app_pages/reader.py", book=str(book), page="0")
    click(at, "Share")
    assert "has no share links yet" in texts(at)
    at.radio[0].set_value("In 7 days")
    click(at, "Make a link")
    [url] = shown_links(at)
    token = LINK.match(url).group(1)
    assert core.resolve(app_env.engine.db(), token, sharing._clock()) == book
    assert "expires" in texts(at) and "not opened yet" in texts(at)

    sharing.page(app_env.engine, token, 0)  # a reader arrives at the cover, twice
    sharing.page(app_env.engine, token, 0)
    at.radio[0].set_value("Never")
    click(at, "Make a link")  # a second one, never expiring; the dialog now lists both
    assert len(shown_links(at)) == 2
    captions = texts(at)
    assert "opened twice" in captions and "never expires" in captions

    click(at, "Revoke", index=1)  # the older link (newest first)
    assert core.resolve(app_env.engine.db(), token, sharing._clock()) is None
    assert token not in "\n".join(shown_links(at)) and len(shown_links(at)) == 1
    assert not at.exception


def test_my_books_offers_share_for_finished_books_only(app_env, monkeypatch):
    monkeypatch.setenv("STORYMAKER_PUBLIC_URL", "https://books.example.org")
    ada = app_env.user()
    app_env.ready_book(ada, title="Finished")
    unfinished = app_env.ready_book(ada, title="Unfinished")
    sql(app_env.engine.db(), "UPDATE books SET status = 'needs attention' WHERE id = :id", id=unfinished)
    at = app_env.app(ada, "app_pages/my_books.py")
    assert [b.label for b in at.button].count("Share") == 1
    click(at, "Share")
    click(at, "Make a link")
    [url] = shown_links(at)
    assert url.startswith("https://books.example.org/read/")
    assert not at.exception


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_links_made_earlier_are_listed_without_their_address(app_env):
    ada = app_env.user()
    book = app_env.ready_book(ada)
    sharing.create(app_env.engine, ada.id, book, "Never")  # in another visit
    at = app_env.app(ada, "app_pages/reader.py", book=str(book))
    click(at, "Share")
    assert shown_links(at) == [] and "its address is shown only when it is made" in texts(at)
    click(at, "Revoke")
    assert sharing.links(app_env.engine, ada.id, book) == []
