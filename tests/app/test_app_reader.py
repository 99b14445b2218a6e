"""Reader page: cover first, previous/next, the page picker, and ?book=ID&page=N links."""

import json

import pytest

from .support import click, texts

PAGE = "app_pages/reader.py"


def html_text(at) -> str:
    """The page's words: in st.html, or handed to the read-aloud player, which draws them."""
    parts = [h.proto.body for h in at.get("html")]
    parts += [json.loads(e.proto.json).get("text", "") for e in at.get("bidi_component")
              if e.proto.component_name == "storymaker.read_aloud"]
    return "\n".join(parts)


def test_the_cover_comes_first_then_previous_and_next(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user, scenes=4)
    at = app_env.app(user, to=PAGE, book=str(book_id))
    assert not at.exception
    assert at.title[0].value == "The Lighthouse Cat" and "A story about Mia and Pip." in html_text(at)
    assert len(at.image) == 1 and [b.disabled for b in at.main.button if b.label in ("Previous", "Next")] == [True, False]  # no Previous on the cover
    at = click(at, "Next")
    assert at.query_params["page"] == "1" and at.subheader[0].value == "Page 1"
    assert "Something lovely happens on page 1." in html_text(at)
    for _ in range(3):
        at = click(at, "Next")
    assert at.subheader[0].value == "Page 4" and "Page 4 of 4" in texts(at)
    assert [b.disabled for b in at.main.button if b.label in ("Previous", "Next")] == [False, True]  # no Next on the last page
    at = click(at, "Previous")
    assert at.subheader[0].value == "Page 3"


def test_the_page_picker_jumps_to_any_page(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user, scenes=4)
    at = app_env.app(user, to=PAGE, book=str(book_id))
    assert at.selectbox[0].options == ["Cover", "Page 1: Page 1", "Page 2: Page 2", "Page 3: Page 3", "Page 4: Page 4"]
    at.selectbox[0].select(3).run()
    assert at.query_params["page"] == "3" and at.subheader[0].value == "Page 3"


@pytest.mark.parametrize("page, shown", [("2", "Page 2"), ("0", None), ("99", "Page 4"), ("-5", None), ("abc", None)])
def test_a_direct_link_opens_that_page(app_env, page, shown):
    user = app_env.user()
    book_id = app_env.ready_book(user, scenes=4)
    at = app_env.app(user, to=PAGE, book=str(book_id), page=page)
    assert not at.exception
    if shown:
        assert at.subheader[0].value == shown
    else:
        assert at.title[0].value == "The Lighthouse Cat"  # the cover


@pytest.mark.parametrize("book", ["999", "abc", "1.5", "-1", ""])
def test_an_unknown_book_is_plainly_not_found(app_env, book):
    user = app_env.user()
    app_env.ready_book(user)
    at = app_env.app(user, to=PAGE, book=book)
    assert not at.exception
    if book == "":
        assert at.selectbox[0].label == "Choose a book"
    else:
        assert [w.value for w in at.warning] == ["Book not found."] and not at.image


def test_without_a_book_the_reader_offers_the_shelf(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user, "Pick Me")
    at = app_env.app(user, to=PAGE)
    assert at.selectbox[0].options == ["Pick Me"]
    at.selectbox[0].select(book_id).run()
    assert at.query_params["book"] == str(book_id) and at.title[0].value == "Pick Me"
