"""Names are shown as written: a title or a character name that looks like Markdown
(`[Verify](https://evil.example)`) never becomes a link, on any screen or in any message."""

import re

from storymaker import books
from app_ui.render import md_escape

from .support import click

LINK = "[Verify](https://evil.example)"
SHOWN = md_escape(LINK)  # what Markdown renders as the plain text above
KINDS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success", "toast")


def markdown_strings(at) -> list[str]:
    """Every string the app handed to Streamlit as Markdown (messages, headings, widget labels)."""
    strings = [str(e.value) for kind in KINDS for e in at.get(kind)]
    for kind in ("button", "text_input", "selectbox", "multiselect", "radio", "expander", "number_input"):
        strings += [str(getattr(w, "label", "")) for w in at.get(kind)]
    return strings


def assert_no_link(at) -> str:
    assert not at.exception
    strings = markdown_strings(at)
    linked = [s for s in strings if re.search(r"(?<!\\)\]\(", s)]
    assert not linked, f"these would render a link: {linked}"
    return "\n".join(strings)


def test_a_title_or_name_written_as_a_link_shows_as_text_everywhere(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user, title=LINK, cast=((LINK, "a girl with red boots"), ("Pip", "a tiny grey cat")))

    at = app_env.app(user)  # My Books: the card
    assert SHOWN in assert_no_link(at)
    at = click(at, "Delete")  # the dialog names the book
    assert SHOWN in assert_no_link(at)
    at = click(at, "Delete", index=-1)  # and so does the confirmation
    assert "Deleted “" + SHOWN + "”." in assert_no_link(at)

    book_id = app_env.ready_book(user, title=LINK, cast=(("Mia", "a girl"),))
    at = app_env.app(user, to="app_pages/studio.py", book=str(book_id))
    assert at.title[0].value == SHOWN
    assert_no_link(at)
    at = app_env.app(user, to="app_pages/reader.py", book=str(book_id))
    assert at.title[0].value == SHOWN
    assert_no_link(at)

    at = app_env.app(user, to="app_pages/characters.py")
    assert SHOWN in assert_no_link(at)  # the card
    at.text_input[0].set_value("[Click](https://evil.example/2)")
    at.text_area[0].set_value("a tall boy")
    at = click(at, "Create character")
    assert "Saved " + md_escape("[Click](https://evil.example/2)") + "." in assert_no_link(at)


def test_error_messages_quoting_a_name_are_plain_text(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user, cast=(("Mia", "a girl"),))
    books.set_status(app_env.engine.db(), book_id, books.NEEDS_ATTENTION, f"The story names {LINK}, who is not in the book.")
    books.set_scene_status(app_env.engine.db(), book_id, 1, books.FAILED, f"The painter refused {LINK}.")
    for at in (app_env.app(user), app_env.app(user, to="app_pages/studio.py", book=str(book_id))):
        assert SHOWN in "\n".join(e.value for e in at.error)
        assert_no_link(at)
