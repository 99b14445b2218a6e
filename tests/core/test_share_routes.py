"""The public reading page over HTTP (Starlette's TestClient on app_web/share.py's routes), on both
databases: the page and its link preview, escaped words, pictures, the headers, and every
dead token answered alike."""

from __future__ import annotations

import base64
import io
import json
import logging
import re

import pytest
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

from app_web import share
from storymaker import accounts, books
from storymaker.services import sharing
from tests.conftest import make_book, routes_client
from tests.peek import sql

EVIL = '<script>alert("x")</script> & Co'
NOW = 1_800_000_000.0


@pytest.fixture
def clock(monkeypatch):
    now = [NOW]
    monkeypatch.setattr(sharing, "_clock", lambda: now[0])
    return now


@pytest.fixture
def client(settings, monkeypatch):
    """The routes, reading the same settings (a temporary data folder) the test's engine uses."""
    return routes_client(share.routes, settings, monkeypatch)


@pytest.fixture
def owner(mock_engine):
    return accounts.get_or_create(mock_engine.db(), "ownername")


@pytest.fixture
def shared(mock_engine, owner, clock):
    """A finished book of `owner`'s with hostile text in it, and a live link to it."""
    book_id = make_book(mock_engine, owner.id, title=EVIL)
    sql(mock_engine.db(), "UPDATE scenes SET text = :text WHERE book_id = :book AND scene = 1",
        text=f"Mia said {EVIL}.\n\nThen <img src=x onerror=alert(1)> happened.", book=book_id)
    link, token = sharing.create(mock_engine, owner.id, book_id, "In 7 days")
    return book_id, link, token


def test_the_cover_page_unfurls_with_the_title_and_cover(client, shared):
    _, _, token = shared
    answer = client.get(f"/read/{token}")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    page = answer.text
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co"
    assert f'<meta property="og:title" content="{escaped}">' in page
    assert f'<meta property="og:image" content="http://testserver/read/{token}/picture/0?v=' in page
    assert '<meta property="og:type" content="book">' in page
    assert '<meta property="og:description" content="A picture book by ownername, 4 pages.">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert f"<h1>{escaped}</h1>" in page and '<html lang="en">' in page
    assert EVIL not in page and EVIL.replace('"', '\\"') not in page  # as text only, in the HTML and the JSON
    assert scripts(page) == [f'<script src="{share._PLAYER_URL}" defer>',
                             '<script type="application/json" id="read-aloud-data">']  # the player and its data
    assert 'href="?page=1"' in page  # Start reading


def test_a_page_shows_its_escaped_words_and_the_last_says_the_end(client, shared):
    _, _, token = shared
    page = client.get(f"/read/{token}?page=1").text
    assert "<p>Mia said &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co.</p>" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page
    assert "Page 1 of 4" in page and 'href="?page=0"' in page and 'href="?page=2"' in page
    assert "The End" not in page
    last = client.get(f"/read/{token}?page=4").text
    assert "Page 4 of 4" in last and "The End" in last and 'href="?page=3"' in last


def test_the_public_url_setting_makes_the_preview_address(client, shared, monkeypatch):
    _, _, token = shared
    monkeypatch.setenv("STORYMAKER_PUBLIC_URL", "https://books.example.org/")
    page = client.get(f"/read/{token}").text
    assert f'content="https://books.example.org/read/{token}/picture/0?v=' in page


def test_headers_keep_the_token_to_the_page(client, shared):
    _, _, token = shared
    answer = client.get(f"/read/{token}")
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert "noindex" in answer.headers["x-robots-tag"]
    assert answer.headers["cache-control"] == "private, no-store"
    csp = answer.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self';" in csp and "unsafe" not in csp
    picture = client.get(f"/read/{token}/picture/2")
    assert picture.headers["referrer-policy"] == "no-referrer"
    assert picture.headers["cache-control"].startswith("private")


def test_pictures_are_jpegs_for_the_cover_and_every_page(client, shared):
    _, _, token = shared
    for number in range(5):
        picture = client.get(f"/read/{token}/picture/{number}")
        assert picture.status_code == 200 and picture.headers["content-type"] == "image/jpeg"
        assert picture.content[:3] == b"\xff\xd8\xff"
    assert client.get(f"/read/{token}/picture/5").status_code == 404


def test_no_owner_name_unless_the_author_line_shows_it(client, shared, mock_engine):
    book_id, _, token = shared
    sql(mock_engine.db(), "UPDATE books SET author = '' WHERE id = :book", book=book_id)  # no author line
    pages = [client.get(f"/read/{token}?page={n}").text for n in range(5)]
    assert not any("ownername" in page for page in pages)
    sql(mock_engine.db(), "UPDATE books SET author = 'Nana Rose' WHERE id = :book", book=book_id)
    cover = client.get(f"/read/{token}").text
    assert '<p class="by">by Nana Rose</p>' in cover and "ownername" not in cover


def test_wrong_revoked_and_expired_links_read_alike(client, shared, mock_engine, owner, clock, caplog):
    _, _, token = shared
    caplog.set_level(logging.DEBUG)
    other = make_book(mock_engine, owner.id, title="Another")
    revoked_link, revoked = sharing.create(mock_engine, owner.id, other, "Never")
    sharing.revoke(mock_engine, owner.id, other, revoked_link.id)
    gone = make_book(mock_engine, owner.id, title="Gone")
    _, deleted = sharing.create(mock_engine, owner.id, gone, "Never")
    books.delete(mock_engine.db(), owner.id, gone, mock_engine.store)
    clock[0] = NOW + 7 * 86_400  # the shared link's week is over
    dead = [token, revoked, deleted, "A" * 43, "short", "%00", token[:-1] + ("A" if token[-1] != "A" else "B")]
    answers = [client.get(f"/read/{dead_token}") for dead_token in dead]
    answers += [client.get(f"/read/{dead_token}/picture/0") for dead_token in dead]
    answers += [client.get(f"/read/{dead_token}/pages") for dead_token in dead]
    assert {answer.status_code for answer in answers} == {404}
    assert {answer.content for answer in answers} == {answers[0].content}
    assert "This link no longer works." in answers[0].text
    assert answers[0].headers["referrer-policy"] == "no-referrer"
    ours = [record.getMessage() for record in caplog.records if not record.name.startswith("httpx")]  # the client's
    assert all(t not in message for message in ours for t in (token, revoked, deleted))


def test_a_book_being_changed_is_not_shown(client, shared, mock_engine):
    book_id, _, token = shared
    books.set_status(mock_engine.db(), book_id, books.GENERATING)
    for path in (f"/read/{token}", f"/read/{token}/picture/1", f"/read/{token}/pages"):
        answer = client.get(path)
        assert answer.status_code == 503 and "This book is being changed; try again soon." in answer.text
    books.set_status(mock_engine.db(), book_id, books.READY)
    assert client.get(f"/read/{token}").status_code == 200


def test_nothing_else_is_served(client, shared):
    _, _, token = shared
    assert client.get(f"/read/{token}/studio").status_code == 404
    assert client.post(f"/read/{token}").status_code == 405


def scripts(page: str) -> list[str]:
    return re.findall(r"<script[^>]*>", page)


def data_block(page: str) -> dict:
    block = re.search(r'<script type="application/json" id="read-aloud-data">(.*?)</script>', page, re.S)
    assert block is not None
    assert "<" not in block.group(1) and "&" not in block.group(1)  # nothing in it can close it or open a tag
    return json.loads(block.group(1))


def test_the_page_gives_the_player_its_words_as_data(client, shared):
    _, _, token = shared
    data = data_block(client.get(f"/read/{token}?page=1").text)
    assert data["title"] == EVIL and data["lang"] == "en" and data["last"] == 4
    assert data["pages"] == f"/read/{token}/pages"
    assert data["page"]["text"] == f"Mia said {EVIL}.\n\nThen <img src=x onerror=alert(1)> happened."
    assert data["page"]["number"] == 1 and data["page"]["narration"] is None
    assert data["page"]["picture"].startswith(f"/read/{token}/picture/1?v=")
    cover = data_block(client.get(f"/read/{token}").text)["page"]
    assert cover["number"] == 0 and cover["text"] == "" and cover["heading"] == EVIL


def test_every_page_as_json_for_reading_the_whole_book_in_place(client, shared):
    _, link, token = shared
    answer = client.get(f"/read/{token}/pages")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    assert answer.headers["referrer-policy"] == "no-referrer" and answer.headers["cache-control"] == "private, no-store"
    assert answer.headers["x-content-type-options"] == "nosniff"
    book = answer.json()
    assert book["title"] == EVIL and book["last"] == 4
    assert [page["number"] for page in book["pages"]] == [0, 1, 2, 3, 4]
    assert book["pages"][1] == data_block(client.get(f"/read/{token}?page=1").text)["page"]  # one shape for both
    assert book["pages"][2]["heading"] == "Page 2" and "page 2" in book["pages"][2]["text"]


def test_the_player_script_is_served_without_a_token_and_never_taken_for_one(client, shared):
    _, _, token = shared
    page = client.get(f"/read/{token}").text
    src = re.search(r'<script src="([^"]+)"', page)
    assert src is not None and src.group(1).startswith("/read/player.js?v=")
    script = client.get(src.group(1))
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert "function mountReadAloud(root, options)" in script.text  # the Reader's player...
    assert 'getElementById("read-aloud-data")' in script.text  # ...and this page's adapter
    assert "innerHTML" not in script.text and "eval(" not in script.text
    assert script.headers["x-content-type-options"] == "nosniff"
    # A token never holds a "." (token_urlsafe's alphabet), so the script's address is never a book's.
    assert "." not in token and not re.fullmatch(r"[A-Za-z0-9_-]+", "player.js")
    gone = client.get(f"/read/{token[:-1]}x")
    assert client.get("/read/player.js/pages").content == gone.content
    assert client.post("/read/player.js").status_code == 405


def embedded_fonts(page: str) -> list[TTFont]:
    urls = re.findall(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", page)
    return [TTFont(io.BytesIO(base64.b64decode(url))) for url in urls]


def test_the_fonts_hold_the_whole_book_and_stay_small(client, shared, mock_engine):
    book_id, _, token = shared
    sql(mock_engine.db(), "UPDATE scenes SET text = 'Zoë jumped over the quiet wax box.' WHERE book_id = :book "
        "AND scene = 4", book=book_id)
    page = client.get(f"/read/{token}?page=1").text
    title, words = embedded_fonts(page)
    for font in (title, words):
        assert {ord(ch) for ch in "Zoëjumpedoverthequietwaxbox."} <= set(font.getBestCmap())  # page 4's letters
    assert len(page.encode()) < 120_000
