"""Share links in the core and the service, on both databases: the token's strength and its hash
at rest, expiry, revoking, one book per token, and tokens that open nothing."""

from __future__ import annotations

import re

import pytest

from storymaker import accounts, books, sharing
from storymaker.errors import Invalid, NotFound
from storymaker.services import sharing as service
from tests.conftest import make_book
from tests.peek import sql

NOW = 1_800_000_000.0


@pytest.fixture
def clock(monkeypatch):
    """The service's time, moved by the test."""
    now = [NOW]
    monkeypatch.setattr(service, "_clock", lambda: now[0])
    return now


def test_a_token_has_256_random_bits_and_only_its_hash_is_stored(mock_engine, user, book_id, clock):
    link, token = service.create(mock_engine, user.id, book_id, "Never")
    other_link, other = service.create(mock_engine, user.id, book_id, "Never")
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token) and token != other  # token_urlsafe(32): 256 bits
    stored = sql(mock_engine.db(), "SELECT token_hash FROM share_links ORDER BY id")
    assert stored == [(sharing.digest(token),), (sharing.digest(other),)]
    assert sharing.digest(token) == __import__("hashlib").sha256(token.encode()).hexdigest()
    dump = repr(sql(mock_engine.db(), "SELECT * FROM share_links"))
    assert token not in dump and other not in dump  # nothing in the table gives the token back
    assert sharing.resolve(mock_engine.db(), token, NOW) == book_id
    assert link.id != other_link.id and link.expires_at is None and link.opens == 0


@pytest.mark.parametrize("choice, days", [("In 7 days", 7), ("In 30 days", 30)])
def test_a_link_stops_the_moment_it_expires(mock_engine, user, book_id, clock, choice, days):
    link, token = service.create(mock_engine, user.id, book_id, choice)
    assert link.expires_at == NOW + days * 86_400
    clock[0] = NOW + days * 86_400 - 1
    assert service.page(mock_engine, token, 0).title == "The Lighthouse Cat"
    assert not service.links(mock_engine, user.id, book_id)[0].expired
    clock[0] = NOW + days * 86_400
    with pytest.raises(service.LinkGone, match="This link no longer works."):
        service.page(mock_engine, token, 0)
    with pytest.raises(service.LinkGone):
        service.picture(mock_engine, token, 0)
    assert service.links(mock_engine, user.id, book_id)[0].expired  # the owner still sees it, marked


def test_revoking_stops_a_link_at_once_and_only_the_owner_can(mock_engine, user, book_id, clock):
    link, token = service.create(mock_engine, user.id, book_id, "Never")
    keep, kept = service.create(mock_engine, user.id, book_id, "Never")
    eve = accounts.get_or_create(mock_engine.db(), "eve")
    assert not service.revoke(mock_engine, eve.id, book_id, link.id)
    assert service.page(mock_engine, token, 1).number == 1
    assert service.revoke(mock_engine, user.id, book_id, link.id)
    with pytest.raises(service.LinkGone):
        service.page(mock_engine, token, 1)
    with pytest.raises(service.LinkGone):
        service.picture(mock_engine, token, 1)
    assert [found.id for found in service.links(mock_engine, user.id, book_id)] == [keep.id]
    assert service.page(mock_engine, kept, 0).number == 0  # the other link still works
    assert service.links(mock_engine, eve.id, book_id) == []  # nor does eve see them
    assert not service.revoke(mock_engine, user.id, book_id, "not a number")


def test_a_token_reaches_its_own_book_and_no_other(mock_engine, user, book_id, clock):
    other = make_book(mock_engine, user.id, title="The Other Book")
    _, token = service.create(mock_engine, user.id, book_id, "Never")
    other_link, other_token = service.create(mock_engine, user.id, other, "Never")
    assert service.page(mock_engine, token, 0).title == "The Lighthouse Cat"
    assert service.page(mock_engine, other_token, 0).title == "The Other Book"
    # Revoking through the wrong book id changes nothing: a link belongs to one book.
    assert not service.revoke(mock_engine, user.id, book_id, other_link.id)
    assert service.page(mock_engine, other_token, 0).title == "The Other Book"
    # Nobody makes a link to a book that is not theirs.
    eve = accounts.get_or_create(mock_engine.db(), "eve")
    with pytest.raises(NotFound):
        service.create(mock_engine, eve.id, book_id, "Never")


@pytest.mark.parametrize("token", ["", "x", "A" * 43, "A" * 42 + "!", "A" * 44, "../../etc/passwd", None, 12,
                                   "ü" * 43])
def test_a_wrong_or_malformed_token_opens_nothing(mock_engine, user, book_id, clock, token):
    service.create(mock_engine, user.id, book_id, "Never")
    assert sharing.resolve(mock_engine.db(), token, NOW) is None
    with pytest.raises(service.LinkGone):
        service.page(mock_engine, token, 0)
    with pytest.raises(service.LinkGone):
        service.picture(mock_engine, token, 0)
    with pytest.raises(service.LinkGone):
        service.pages(mock_engine, token)


def test_opens_are_counted_on_the_cover_only(mock_engine, user, book_id, clock):
    _, token = service.create(mock_engine, user.id, book_id, "Never")
    service.page(mock_engine, token, 0)
    service.page(mock_engine, token, 1)
    service.page(mock_engine, token, 2)
    service.picture(mock_engine, token, 0)
    service.pages(mock_engine, token)  # reading the whole book aloud is not another open
    clock[0] = NOW + 3600
    service.page(mock_engine, token, "not a page")  # reads as the cover
    [link] = service.links(mock_engine, user.id, book_id)
    assert link.opens == 2 and link.last_opened_at == sharing.iso(NOW + 3600)


def test_only_a_finished_book_is_shared_and_a_changing_one_is_not_shown(mock_engine, user, clock):
    book_id = make_book(mock_engine, user.id, run=False)  # queued, not made
    with pytest.raises(Invalid, match="finished book"):
        service.create(mock_engine, user.id, book_id, "Never")
    ready = make_book(mock_engine, user.id)
    _, token = service.create(mock_engine, user.id, ready, "Never")
    books.set_status(mock_engine.db(), ready, books.GENERATING)
    with pytest.raises(service.BeingChanged, match="being changed"):
        service.page(mock_engine, token, 0)
    with pytest.raises(service.BeingChanged):
        service.picture(mock_engine, token, 1)
    with pytest.raises(service.BeingChanged):
        service.pages(mock_engine, token)
    with pytest.raises(Invalid):
        service.create(mock_engine, user.id, ready, "Forever and a day")


def test_a_page_is_clamped_and_a_picture_outside_the_book_is_not_there(mock_engine, user, book_id, clock):
    _, token = service.create(mock_engine, user.id, book_id, "Never")
    last = service.page(mock_engine, token, 99)
    assert (last.number, last.last) == (4, 4) and last.picture is not None and last.cover is not None
    assert service.page(mock_engine, token, -3).number == 0
    for number in ("5", "-1", "1.0", "cover"):
        with pytest.raises(service.LinkGone):
            service.picture(mock_engine, token, number)
    picture = service.picture(mock_engine, token, "4")
    assert picture.mime == "image/jpeg" and picture.data[:3] == b"\xff\xd8\xff"


def test_every_page_at_once_is_each_page_as_opened_alone(mock_engine, user, book_id, clock):
    _, token = service.create(mock_engine, user.id, book_id, "Never")
    sql(mock_engine.db(), "UPDATE scenes SET text = 'Zebras quickly jump.' WHERE book_id = :book AND scene = 3",
        book=book_id)
    every = service.pages(mock_engine, token)
    assert [page.number for page in every] == [0, 1, 2, 3, 4]
    assert every == [service.page(mock_engine, token, number) for number in range(5)]
    assert every[0].text == "" and every[0].heading == "The Lighthouse Cat" and every[3].text == "Zebras quickly jump."
    # Every page knows the whole book's letters (its fonts cover the pages read on in place).
    assert all(set("Zebras quickly jump.") <= set(page.characters) for page in every)


def test_the_author_line_and_language(mock_engine, user, book_id, clock):
    _, token = service.create(mock_engine, user.id, book_id, "Never")
    page = service.page(mock_engine, token, 0)
    assert page.author == "ada" and page.language == "en"
    assert [service.language_tag(name) for name in ("Español", "de", "Klingon", "")] == ["es", "de", "", ""]


def test_the_public_address_setting_is_checked():
    from storymaker.config import ConfigError, load_settings

    assert load_settings(env={"STORYMAKER_PUBLIC_URL": " https://books.example.org/kids/ "}, secrets={}).public_url \
        == "https://books.example.org/kids"
    assert load_settings(env={}, secrets={}).public_url is None
    for bad in ("books.example.org", "ftp://x.org", "https://user:pw@x.org", "https://x.org/?a=1", "https://"):
        with pytest.raises(ConfigError, match="STORYMAKER_PUBLIC_URL"):
            load_settings(env={"STORYMAKER_PUBLIC_URL": bad}, secrets={})
    assert service.share_url("https://books.example.org/kids", "T" * 43) == f"https://books.example.org/kids/read/{'T' * 43}"
